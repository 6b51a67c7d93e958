//! `App::handle`: the one place where a user action changes state. Each arm is short; the
//! work sits in the file of its concern (database files, forms, background jobs, file choice).

use super::App;
use crate::command::{Command, Screen, UiCommand};
use crate::model::InspectionId;
use crate::model::{
    CompoundDraft, InspectionDraft, RoundKind, SurveyCatalogue, inspection::default_parties,
};
use crate::store::{Store, StoreError};
use crate::ui::checklist::Spot;
use crate::ui::compound_form::CompoundForm;
use crate::ui::inspection_form::InspectionForm;
use crate::ui::path_prompt::PathPurpose;
use crate::ui::{Dialog, Message, Page};

/// Today, in the user's time zone.
pub(super) fn today() -> chrono::NaiveDate {
    crate::model::Clock::local().today()
}

impl App {
    /// Carries out one command.
    pub fn handle(&mut self, command: Command) {
        tracing::debug!(?command, "handle");
        match command {
            Command::Ui(command) => self.handle_ui(command),
            Command::OpenDatabaseAt(path) => {
                self.dialog = None;
                self.switch_database(&path);
            }
            Command::CreateSampleAt(path) => {
                self.dialog = None;
                self.create_sample(&path);
            }
            Command::CreateDatabaseAt(path) => {
                self.dialog = None;
                self.create_database(&path);
            }
            Command::Show(screen) => self.show_screen(screen),

            Command::EditCompound(id) => {
                if let Some(compound) = self.read_store(|s| s.compound(id)) {
                    let mut form = CompoundForm::new(CompoundDraft::from_compound(&compound));
                    form.loaded = Some(compound);
                    self.dialog = Some(Dialog::CompoundForm(Box::new(form)));
                }
            }
            Command::SaveCompound => self.save_compound(),
            Command::RequestDeleteCompound(id) => self.confirm_delete(id),
            Command::DeleteCompound(id) => {
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

            Command::NewInspection(subject) => {
                let town = self.read_store(|s| s.town_of(subject)).flatten();
                // The user's own unit takes part (settings), if no listed unit is it.
                let parties = crate::model::inspection::with_own_unit(
                    default_parties(subject, town.as_deref()),
                    &self.settings.unit,
                );
                let mut draft = InspectionDraft::new(subject, today(), &parties);
                // The user's own name, as the settings have it.
                draft.inspectors = self.settings.user_name.trim().to_owned();
                self.dialog = Some(Dialog::NewInspection(InspectionForm::new(draft)));
            }
            Command::StartInspection => self.start_inspection(),
            Command::AddPhotos { inspection, code } => {
                self.choose_path(PathPurpose::AddPhotos { inspection, code });
            }
            Command::ImportPhotos {
                inspection,
                code,
                paths,
            } => {
                self.dialog = None;
                self.start_photo_import(inspection, code, paths);
            }
            Command::StorePhotos {
                inspection,
                code,
                photos,
                failed,
            } => self.store_photos(inspection, &code, &photos, failed),
            Command::ShowPhoto(id) => self.start_photo_view(id),
            Command::DeletePhoto(id) => self.write(|s| s.delete_photo(id)),
            Command::NewReinspection(parent) => self.new_round(parent, RoundKind::Reinspection),
            Command::NewCorrection(parent) => self.new_round(parent, RoundKind::Correction),
            Command::SaveRectification { inspection, code } => {
                let ready = match &mut self.page {
                    Page::Inspection(view) if view.inspection.id == inspection => {
                        view.rectification_to_save(&code)
                    }
                    _ => None,
                };
                if let Some(r) = ready
                    && self
                        .write_at(inspection, Spot::Rectification(code), |s| {
                            s.save_rectification(&r)
                        })
                        .is_some()
                {
                    self.info("已保存整改要求。");
                    self.reload();
                }
            }
            Command::SetResult {
                inspection,
                code,
                result,
            } => {
                if self
                    .write_at(inspection, Spot::Item(code.clone()), |s| {
                        s.record_result(inspection, &code, result)
                    })
                    .is_some()
                {
                    match &mut self.page {
                        Page::Inspection(view) if view.inspection.id == inspection => {
                            view.result_saved(&code, result);
                        }
                        _ => self.reload(),
                    }
                }
            }
            Command::SetRemark {
                inspection,
                code,
                before,
                remark,
            } => {
                if self
                    .write_at(inspection, Spot::Item(code.clone()), |s| {
                        s.change_remark(inspection, &code, &before, &remark)
                    })
                    .is_some()
                {
                    match &mut self.page {
                        Page::Inspection(view) if view.inspection.id == inspection => {
                            view.remark_saved(&code, &remark);
                        }
                        _ => self.reload(),
                    }
                }
            }
            Command::Sign {
                inspection,
                position,
                signer,
                method,
            } => {
                let spot = Spot::Party(position);
                let done = self.write_at(inspection, spot, |s| {
                    s.sign(inspection, position, &signer, &method)
                });
                if done.is_some() {
                    self.reload();
                }
            }
            Command::Unsign {
                inspection,
                position,
            } => {
                let spot = Spot::Party(position);
                if self
                    .write_at(inspection, spot, |s| s.unsign(inspection, position))
                    .is_some()
                {
                    self.reload();
                }
            }
            Command::RequestSignOff(id) => {
                let what = match &self.page {
                    Page::Inspection(view) if view.inspection.id == id => format!(
                        "“{}”{} 第 {} 轮的验收记录（{}）",
                        view.subject_name,
                        crate::model::date_text(view.inspection.inspected_on),
                        view.inspection.round,
                        view.verdict().label()
                    ),
                    _ => "这份验收记录".to_owned(),
                };
                self.dialog = Some(Dialog::ConfirmSignOff { id, what });
            }
            Command::SignOff(id) => {
                self.dialog = None;
                if let Some(seal) = self.write_at(id, Spot::Round, |s| s.sign_off(id)) {
                    self.info(format!(
                        "已完成签字并锁定。校验码：{}",
                        crate::model::signoff::short_code(&seal)
                    ));
                    self.reload();
                }
            }
            Command::CheckCode => self.check_code(),

            Command::StartSurvey(compound_id) => {
                let surveyor = self.settings.user_name.trim().to_owned();
                let started = self.with_store_mut(|s| {
                    s.start_survey(compound_id, today(), &surveyor, SurveyCatalogue::current())
                });
                if let Some(survey) = started {
                    self.show_screen(Screen::Survey(survey.id));
                }
            }
            Command::SetSurveyField {
                survey,
                field,
                before,
                value,
            } => self.write(|s| s.change_survey_field(survey, field, Some(&before), &value)),
            Command::SetItemCondition {
                survey,
                code,
                condition,
            } => self.write(|s| s.set_item_condition(survey, &code, condition)),
            Command::SetItemProblem {
                survey,
                code,
                problem,
                seen,
            } => self.write(|s| s.set_item_problem(survey, &code, &problem, seen)),
            Command::SetItemText {
                survey,
                code,
                which,
                before,
                text,
            } => self.write(|s| s.change_item_text(survey, &code, which, Some(&before), &text)),
            Command::StartClusterSurvey(cluster_id) => self.write(|s| {
                s.start_cluster_survey(cluster_id, today(), "", crate::model::Catalogue::current())
            }),
            Command::SetFacility {
                survey,
                code,
                change,
            } => self.write(|s| s.change_facility(survey, &code, &change)),

            Command::Export(document) => self.choose_path(PathPurpose::Export(document)),
            Command::Rhythm(command) => self.rhythm(command),
            Command::SaveSettings(settings) => self.save_settings(*settings),
            Command::BackupNow => self.backup_now(),
            Command::RequestRestore(path) => self.request_restore(path),
            Command::Restore(path) => self.restore(&path),
            Command::AcceptNewSender => self.accept_new_sender(),
            Command::SaveTarget { target, version } => {
                if self
                    .with_store_mut(|s| s.save_target(&target, &version))
                    .is_some()
                {
                    self.info(format!("目标任务已记为新版本“{version}”。"));
                    self.reload();
                    if let crate::ui::page::Page::Progress(view) = &mut self.page {
                        view.target_form = Default::default();
                    }
                }
            }
            Command::ExportTo(document, path) => {
                self.dialog = None;
                self.start_export(document, path);
            }
            Command::CancelJob(id) => self.jobs.cancel(id),

            Command::ImportPackage(path) => self.start_package_import(path),
            Command::PackageWritten {
                manifest,
                file_name,
            } => self.package_written(&manifest, &file_name),
            Command::SetIdentity { name, role } => self.set_identity(&name, role),
            Command::ResolveConflicts(picks) => self.resolve_conflicts(&picks),
            Command::ResolveDuplicate { id, merge } => self.resolve_duplicate(&id, merge),
            Command::ReadRegister(path) => self.start_register_read(path),
            Command::ImportRegister => self.import_register(),
            Command::EditStep { compound, step } => self.edit_step(compound, step),
            Command::NewFunding(whose) => {
                let year = chrono::Datelike::year(&today());
                let form = crate::ui::funding_form::FundingForm::new(whose, year);
                self.dialog = Some(Dialog::Funding(Box::new(form)));
            }
            Command::SaveFunding => self.save_funding(),
            Command::NewEvaluation(compound) => {
                let form = crate::ui::step_form::EvaluationForm::new(compound, today());
                self.dialog = Some(Dialog::Evaluation(Box::new(form)));
            }
            Command::SaveEvaluation => self.save_evaluation(),
            Command::DeleteFunding(id) => self.write(|s| s.delete_funding(&id)),
            Command::SaveStep => self.save_step(),
            Command::ClearStep { compound, step } => {
                self.dialog = None;
                self.write(|s| s.clear_step(compound, step));
            }
            Command::AddEvidence { compound, step } => {
                self.choose_path(PathPurpose::AddEvidence { compound, step });
            }
            Command::ReadEvidence {
                compound,
                step,
                path,
            } => self.start_evidence_read(compound, step, path),

            Command::SubmitPathPrompt => {
                if let Some(Dialog::PathPrompt(prompt)) = &mut self.dialog {
                    match prompt.command() {
                        Ok(command) => self.commands.push(command),
                        Err(problem) => prompt.problem = Some(problem),
                    }
                }
            }
            Command::CloseDialog => self.dialog = None,
            Command::DismissMessage => self.message = None,
        }
    }

    /// The menu and keyboard commands.
    fn handle_ui(&mut self, command: UiCommand) {
        match command {
            UiCommand::NewDatabase => self.choose_path(PathPurpose::NewDatabase),
            UiCommand::OpenDatabase => self.choose_path(PathPurpose::OpenDatabase),
            UiCommand::NewSampleDatabase => self.choose_path(PathPurpose::SampleDatabase),
            UiCommand::VerifyCode => {
                self.dialog = Some(Dialog::Verify {
                    code: String::new(),
                    finding: None,
                });
            }
            UiCommand::Quit => {
                // Every action is already committed; closing loses nothing.
                if let Some(ctx) = &self.egui_ctx {
                    ctx.send_viewport_cmd(eframe::egui::ViewportCommand::Close);
                }
            }
            UiCommand::ShowRegister => self.show_screen(Screen::Register),
            UiCommand::AddCompound => {
                if self.store.is_some() {
                    // The user's usual town (settings), else the first.
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
            }
            UiCommand::ShowRectifications => self.show_screen(Screen::Rectifications),
            UiCommand::ExportPackage => self.export_package(),
            UiCommand::ImportPackage => self.choose_path(PathPurpose::ImportPackage),
            UiCommand::ShowExchange => self.show_screen(Screen::Exchange),
            UiCommand::ImportRegisterFile => self.choose_path(PathPurpose::ImportRegister),
            UiCommand::ShowProgress => self.show_screen(Screen::Progress),
            UiCommand::ShowSettings | UiCommand::RestoreFromBackup => {
                self.show_screen(Screen::Settings);
            }
            UiCommand::ShowRhythm => self.show_screen(Screen::Rhythm(
                crate::model::rhythm::RhythmChoice::at(today()),
            )),
            UiCommand::ExportCurrent => match self.page.main_document() {
                Some(document) => self.choose_path(PathPurpose::Export(document)),
                None => self.info(
                    "本页没有可导出的文档：请打开一次验收、一份调查、一个片区、进度或推进机制。",
                ),
            },
            UiCommand::SelectNextItem
            | UiCommand::SelectPreviousItem
            | UiCommand::MarkPass
            | UiCommand::MarkFail
            | UiCommand::MarkNotApplicable
            | UiCommand::ClearResult => self.checklist_key(command),
        }
    }

    /// Shows an error in the status bar and logs it once.
    pub(super) fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        tracing::error!("{text}");
        self.message = Some(Message {
            text,
            is_error: true,
        });
    }

    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: false,
        });
    }

    /// Runs a read on the store; an error is shown and gives `None`.
    pub(super) fn read_store<T>(
        &mut self,
        f: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Option<T> {
        let Some(store) = self.store.as_ref() else {
            self.say_store_away();
            return None;
        };
        let result = f(store);
        result.map_err(|e| self.error(e.to_string())).ok()
    }

    /// While a package is applied, the store is on that thread: a change asked for meanwhile
    /// is refused with the reason rather than silently.
    pub(super) fn say_store_away(&mut self) {
        if self.store_away {
            self.error("正在导入数据包，请等导入完成后再操作（不会丢失任何记录）。");
        }
    }

    /// Runs one write (one transaction) on the store; an error is shown and gives `None`.
    pub(super) fn with_store_mut<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Option<T> {
        let Some(store) = self.store.as_mut() else {
            self.say_store_away();
            return None;
        };
        let result = f(store);
        result.map_err(|e| self.error(e.to_string())).ok()
    }

    /// One write from the checklist of round `inspection`: a refusal is said at `spot` on that
    /// checklist (and in the status bar too when it is about the file or the disk, or when
    /// another page is open); a success clears the spot.
    pub(super) fn write_at<T>(
        &mut self,
        inspection: InspectionId,
        spot: Spot,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Option<T> {
        let Some(store) = self.store.as_mut() else {
            self.say_store_away();
            return None;
        };
        let result = f(store);
        let error = result.as_ref().err();
        let text = error.map(ToString::to_string);
        let whole_window = error.is_some_and(|e| !e.is_about_the_input());
        match &mut self.page {
            Page::Inspection(view) if view.inspection.id == inspection => {
                view.set_error(spot, text.clone());
                if let Some(text) = text {
                    if whole_window {
                        self.error(text);
                    } else {
                        tracing::warn!("refused: {text}");
                    }
                }
            }
            _ => {
                if let Some(text) = text {
                    self.error(text);
                }
            }
        }
        result.ok()
    }

    /// One write (one transaction), then the page re-reads what changed.
    pub(super) fn write<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, StoreError>) {
        if self.with_store_mut(f).is_some() {
            self.reload();
        }
    }
}
