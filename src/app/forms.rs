//! The dialogs that ask before they write: the compound form, deleting a compound, starting an
//! inspection round or a survey, and checking a printed code.

use super::App;
use super::command_handling::today;
use crate::command::Screen;
use crate::model::{
    CompoundDraft, CompoundId, InspectionDraft, InspectionId, RoundKind, Subject,
    seal::describe_code_check,
};
use crate::ui::Dialog;
use crate::ui::compound_form::CompoundForm;
use crate::ui::inspection_form::InspectionForm;

impl App {
    /// Opens an empty compound form, in the user's usual town (settings), else the first.
    pub(super) fn new_compound(&mut self) {
        if self.store.is_none() {
            return;
        }
        let usual = self
            .towns
            .iter()
            .find(|t| t.name == self.settings.default_town.trim());
        let draft = CompoundDraft {
            town_id: usual.or(self.towns.first()).map(|t| t.id),
            ..CompoundDraft::default()
        };
        self.dialog = Some(Dialog::CompoundForm(Box::new(CompoundForm::new(draft))));
    }

    /// Opens the dialog that checks a printed sheet's code.
    pub(super) fn open_verify(&mut self) {
        self.dialog = Some(Dialog::Verify {
            code: String::new(),
            finding: None,
        });
    }

    /// Closes the window: every action is already committed, so closing loses nothing.
    pub(super) fn quit(&mut self) {
        if let Some(ctx) = &self.egui_ctx {
            ctx.send_viewport_cmd(eframe::egui::ViewportCommand::Close);
        }
    }

    /// Opens the compound form on a compound as it is saved.
    pub(super) fn edit_compound(&mut self, id: CompoundId) {
        if let Some(compound) = self.read_store(|s| s.compound(id)) {
            let mut form = CompoundForm::new(CompoundDraft::from_compound(&compound));
            form.loaded = Some(compound);
            self.dialog = Some(Dialog::CompoundForm(Box::new(form)));
        }
    }

    /// Deletes a compound (asked first) with its records, and leaves its page.
    pub(super) fn delete_compound(&mut self, id: CompoundId) {
        self.dialog = None;
        if self.with_store_mut(|s| s.delete_compound(id)).is_some() {
            self.info("已删除小区及其验收记录。");
            if self.page.screen() == Screen::Compound(id) {
                self.show_screen(Screen::Register);
            } else {
                self.reload();
            }
        }
    }

    /// Starts the compound's next survey round, in the user's name, and shows it.
    pub(super) fn start_survey(&mut self, compound: CompoundId) {
        let surveyor = self.settings.user_name.trim().to_owned();
        let started = self.with_store_mut(|s| {
            let catalogue = s.survey_catalogue_in_force()?;
            s.start_survey(compound, today(), &surveyor, catalogue)
        });
        if let Some(survey) = started {
            self.show_screen(Screen::Survey(survey.id));
        }
    }

    /// Checks the compound form and saves it (with a cluster named in it).
    pub(super) fn save_compound(&mut self) {
        let Some(Dialog::CompoundForm(form)) = &mut self.dialog else {
            return;
        };
        let mut compound = match form.draft.validate(today()) {
            Ok(compound) => compound,
            Err(errors) => {
                form.errors = errors;
                return;
            }
        };
        form.errors.clear();
        let is_new = form.draft.id.is_none();
        let new_cluster = form.draft.place_in_cluster(&mut compound, &self.clusters);
        let loaded = form.loaded.clone();
        if let Some(loaded) = &loaded {
            compound.is_sample = loaded.is_sample;
        }
        let name = compound.name.clone();
        let Some(store) = &mut self.store else {
            return;
        };
        // A likely slip is asked about once; saving again with the same warnings saves.
        match store.warnings_for(&compound) {
            Ok(warnings) if warnings != form.warnings => {
                form.warnings = warnings;
                if !form.warnings.is_empty() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => {
                form.problem = Some(e.to_string());
                return;
            }
        }
        let saved = match &loaded {
            Some(loaded) => store.save_compound_edit(&compound, new_cluster.as_ref(), loaded),
            None => store.save_compound_with_cluster(&compound, new_cluster.as_ref()),
        };
        if let Err(e) = saved {
            // Said at the form, which stays open with what was typed.
            tracing::warn!("{e}");
            form.problem = Some(e.to_string());
            return;
        }
        self.dialog = None;
        if is_new {
            self.info(format!("已新增小区“{name}”。"));
            self.show_screen(Screen::Compound(compound.id));
        } else {
            self.info(format!("已保存小区“{name}”。"));
            self.reload();
        }
    }

    /// Asks before deleting a compound, saying how many inspections go with it.
    pub(super) fn confirm_delete(&mut self, id: CompoundId) {
        let found = self.read_store(|s| {
            Ok((
                s.compound(id)?,
                s.inspections_of(Subject::Compound(id))?.len(),
            ))
        });
        if let Some((compound, n)) = found {
            self.dialog = Some(Dialog::ConfirmDelete {
                id,
                name: compound.name,
                inspections: u32::try_from(n).unwrap_or(u32::MAX),
            });
        }
    }

    /// Opens the form for a round after `parent`: a re-inspection or a correction.
    pub(super) fn new_round(&mut self, parent: InspectionId, kind: RoundKind) {
        if let Some(round) = self.read_store(|s| s.inspection(parent)) {
            // The same units sign every round of an acceptance.
            let mut draft = InspectionDraft::new(round.subject, today(), &round.parties);
            draft.inspectors.clone_from(&round.inspectors);
            draft.follows = Some((parent, kind));
            self.dialog = Some(Dialog::NewInspection(InspectionForm::new(
                draft,
                String::new(),
            )));
        }
    }

    /// Checks the inspection form and starts the round it describes.
    pub(super) fn start_inspection(&mut self) {
        let Some(Dialog::NewInspection(form)) = &mut self.dialog else {
            return;
        };
        let (date, inspectors, parties) = match form.draft.validate(today()) {
            Ok(checked) => checked,
            Err(errors) => {
                form.errors = errors;
                return;
            }
        };
        let subject = form.draft.subject;
        let follows = form.draft.follows;
        let reason = form.draft.reason.clone();
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let started = match follows {
            Some((parent, RoundKind::Correction)) => {
                store.start_correction(parent, &reason, date, &inspectors, &parties)
            }
            Some((parent, _)) => store.start_reinspection(parent, date, &inspectors, &parties),
            None => store.standards_in_force().and_then(|catalogue| {
                store.start_inspection(subject, catalogue, date, &inspectors, &parties)
            }),
        };
        match started {
            Ok(id) => {
                self.dialog = None;
                self.show_screen(Screen::Inspection(id));
            }
            // Said in the form, which stays open with what was typed (and, when it is about
            // the file or the disk, in the status bar too).
            Err(e) => {
                tracing::warn!("round not started: {e}");
                if let Some(Dialog::NewInspection(form)) = &mut self.dialog {
                    form.errors = vec![e.to_string()];
                }
                if !e.is_about_the_input() {
                    self.error(e.to_string());
                }
            }
        }
    }

    /// Reads the QR on a scan or photo of a paper sheet on the `sheet-read` thread, then checks
    /// it against its record here: the verify dialog shows the code read and what it found.
    pub(super) fn start_sheet_read(&mut self, path: std::path::PathBuf) {
        if self.jobs.has(super::jobs::JobKind::SheetRead) {
            self.error("上一张图片仍在读取，请稍候。");
            return;
        }
        if !matches!(self.dialog, Some(Dialog::Verify { .. })) {
            self.open_verify();
        }
        self.spawn_job(
            super::jobs::JobKind::SheetRead,
            "sheet-read",
            format!(
                "正在读取“{}”上的二维码…",
                crate::import::file_name_of(&path)
            ),
            0,
            false,
            move |_| crate::import::scan::sheet_codes(&path),
            move |app, read| {
                let finding = match read {
                    Ok(Ok(codes)) => {
                        let checked: Option<Vec<(bool, String)>> =
                            app.read_store(|s| codes.iter().map(|qr| s.check_sheet(qr)).collect());
                        let Some(checked) = checked else {
                            return;
                        };
                        if let (Some(Dialog::Verify { code, .. }), Some(first)) =
                            (&mut app.dialog, codes.first())
                        {
                            code.clone_from(&first.code);
                        }
                        let ok = checked.iter().all(|(ok, _)| *ok);
                        let words: Vec<String> = codes
                            .iter()
                            .zip(&checked)
                            .map(|(qr, (_, w))| format!("纸上的校验码 {}：{w}", qr.code))
                            .collect();
                        (ok, words.join("\n"))
                    }
                    Ok(Err(e)) => (false, e.to_string()),
                    Err(lost) => (false, lost.to_string()),
                };
                if let Some(Dialog::Verify { finding: slot, .. }) = &mut app.dialog {
                    *slot = Some(finding);
                }
            },
        );
    }

    /// Looks up the code typed into the verify dialog and says what it finds.
    pub(super) fn check_code(&mut self) {
        let Some(Dialog::Verify { code, .. }) = &self.dialog else {
            return;
        };
        let typed = code.clone();
        if let Some(checks) = self.read_store(|s| s.find_by_code_described(&typed)) {
            let finding = describe_code_check(&typed, &checks);
            if let Some(Dialog::Verify { finding: slot, .. }) = &mut self.dialog {
                *slot = Some(finding);
            }
        }
    }
}
