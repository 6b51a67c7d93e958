//! `App::handle`: the one place where a user action changes state. Each arm is short; the
//! work sits in the file of its concern (database files, forms, background jobs, file choice).

use super::App;
use crate::command::{Command, Screen, UiCommand};
use crate::model::InspectionId;
use crate::model::RoundKind;
use crate::store::{Store, StoreError};
use crate::ui::checklist::Spot;
use crate::ui::path_prompt::PathPurpose;
use crate::ui::{Message, Page};

/// Today, in the user's time zone.
pub(super) fn today() -> chrono::NaiveDate {
    crate::model::Clock::local().today()
}

impl App {
    /// Carries out one command: a dispatcher, each arm one call to the file of its concern.
    pub fn handle(&mut self, command: Command) {
        tracing::debug!(?command, "handle");
        match command {
            Command::Ui(command) => self.handle_ui(command),
            Command::JobDone(id) => self.finish_job(id),
            Command::CancelJob(id) => self.jobs.cancel(id),

            // The database file (database.rs).
            Command::OpenDatabaseAt(path) => self.open_database_at(&path),
            Command::CreateSampleAt(path) => self.create_sample_at(&path),
            Command::CreateDatabaseAt(path) => self.create_database_at(&path),
            Command::Show(screen) => self.show_screen(screen),

            // The compound form (forms.rs).
            Command::EditCompound(id) => self.edit_compound(id),
            Command::SaveCompound => self.save_compound(),
            Command::RequestDeleteCompound(id) => self.confirm_delete(id),
            Command::DeleteCompound(id) => self.delete_compound(id),

            // An inspection round (inspection.rs, forms.rs; photos on jobs).
            Command::NewInspection(subject) => self.new_inspection(subject),
            Command::StartInspection => self.start_inspection(),
            Command::NewReinspection(parent) => self.new_round(parent, RoundKind::Reinspection),
            Command::NewCorrection(parent) => self.new_round(parent, RoundKind::Correction),
            Command::SetResult {
                inspection,
                code,
                result,
            } => self.set_result(inspection, code, result),
            Command::SetRemark {
                inspection,
                code,
                before,
                remark,
            } => self.set_remark(inspection, code, &before, remark),
            Command::SaveRectification { inspection, code } => {
                self.save_rectification(inspection, code);
            }
            Command::AddPhotos { inspection, code } => {
                self.choose_path(PathPurpose::AddPhotos { inspection, code });
            }
            Command::ImportPhotos {
                inspection,
                code,
                paths,
            } => self.start_photo_import(inspection, code, paths),
            Command::StorePhotos {
                inspection,
                code,
                photos,
                failed,
            } => self.store_photos(inspection, &code, &photos, failed),
            Command::ShowPhoto(id) => self.start_photo_view(id),
            Command::DeletePhoto(id) => self.write(|s| s.delete_photo(id)),
            Command::Sign {
                inspection,
                position,
                signer,
                method,
            } => self.sign(inspection, position, &signer, &method),
            Command::Unsign {
                inspection,
                position,
            } => self.unsign(inspection, position),
            Command::RequestSignOff(id) => self.request_sign_off(id),
            Command::SignOff(id) => self.sign_off(id),
            Command::CheckCode => self.check_code(),
            Command::ChooseSheetImage => self.choose_path(PathPurpose::SheetImage),
            Command::ReadSheetImage(path) => self.start_sheet_read(path),

            // Surveys (forms.rs), each field written as it is changed.
            Command::StartSurvey(compound) => self.start_survey(compound),
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
                let catalogue = s.standards_in_force()?;
                s.start_cluster_survey(cluster_id, today(), "", catalogue)
            }),
            Command::SetFacility {
                survey,
                code,
                change,
            } => self.write(|s| s.change_facility(survey, &code, &change)),

            // Files out (jobs.rs, file_choice.rs).
            Command::Export(document) => self.choose_path(PathPurpose::Export(document)),
            Command::ExportTo(document, path) => self.start_export(document, path),

            // The office's ledger (programme.rs, rhythm.rs, spreadsheets.rs).
            Command::Rhythm(command) => self.rhythm(command),
            Command::SaveTarget { target, version } => self.save_target(&target, &version),
            Command::ReadRegister(path) => self.start_register_read(path),
            Command::ChoosePolicyPack => self.choose_path(PathPurpose::PolicyPack),
            Command::ReadPolicyPack(folder) => self.start_pack_read(folder),
            Command::AdoptPolicyPack => self.adopt_policy_pack(),
            Command::ImportRegister => self.import_register(),
            Command::EditStep { compound, step } => self.edit_step(compound, step),
            Command::SaveStep => self.save_step(),
            Command::ClearStep { compound, step } => self.clear_step(compound, step),
            Command::AddEvidence { compound, step } => {
                self.choose_path(PathPurpose::AddEvidence { compound, step });
            }
            Command::ReadEvidence {
                compound,
                step,
                path,
            } => self.start_evidence_read(compound, step, path),
            Command::NewFunding(whose) => self.new_funding(whose),
            Command::SaveFunding => self.save_funding(),
            Command::DeleteFunding(id) => self.write(|s| s.delete_funding(&id)),
            Command::NewEvaluation(compound) => self.new_evaluation(compound),
            Command::SaveEvaluation => self.save_evaluation(),

            // Settings and backups (settings.rs).
            Command::SaveSettings(settings) => self.save_settings(*settings),
            Command::BackupNow => self.backup_now(),
            Command::RequestRestore(path) => self.request_restore(path),
            Command::Restore(path) => self.restore(&path),

            // Field packages (packages.rs).
            Command::ImportPackage(path) => self.start_package_import(path),
            Command::AcceptNewSender => self.accept_new_sender(),
            Command::PackageWritten {
                manifest,
                file_name,
            } => self.package_written(&manifest, &file_name),
            Command::SetIdentity { name, role } => self.set_identity(&name, role),
            Command::ResolveConflicts(picks) => self.resolve_conflicts(&picks),
            Command::ResolveDuplicate { id, merge } => self.resolve_duplicate(&id, merge),

            // Dialogs and messages.
            Command::SubmitPathPrompt => self.submit_path_prompt(),
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
            UiCommand::VerifyCode => self.open_verify(),
            UiCommand::Quit => self.quit(),
            UiCommand::ShowRegister => self.show_screen(Screen::Register),
            UiCommand::AddCompound => self.new_compound(),
            UiCommand::ShowRectifications => self.show_screen(Screen::Rectifications),
            UiCommand::ExportPackage => self.export_package(),
            UiCommand::ImportPackage => self.choose_path(PathPurpose::ImportPackage),
            UiCommand::ShowExchange => self.show_screen(Screen::Exchange),
            UiCommand::ImportRegisterFile => self.choose_path(PathPurpose::ImportRegister),
            UiCommand::ShowProgress => self.show_screen(Screen::Progress),
            UiCommand::ShowSettings | UiCommand::RestoreFromBackup => {
                self.show_screen(Screen::Settings);
            }
            UiCommand::ShowPolicyPack => self.show_policy_pack(),
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
