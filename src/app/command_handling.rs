//! `App::handle`: the one place where a user action changes state.

use std::path::{Path, PathBuf};

use super::{App, Dialog, ExportTask, Message, PhotoImportTask, Screen};
use crate::command::Command;
use crate::export::{
    AcceptanceSheet, OverallSheet, SurveySheet, render_acceptance_sheet, render_overall_sheet,
    render_rectification_notice, render_survey_sheet,
};
use crate::model::{
    Catalogue, Cluster, ClusterId, CompoundDraft, EligibilityFacts, InspectionDraft, InspectionId,
    RoundKind, Subject, SurveyCatalogue, assess, cluster_acceptance::member_changes, needs_list,
};
use crate::store::{Store, StoreError};
use crate::ui::checklist::{ChecklistView, RoundRecord};
use crate::ui::cluster_page::ClusterView;
use crate::ui::compound_form::CompoundForm;
use crate::ui::compound_page::CompoundView;
use crate::ui::inspection_form::InspectionForm;
use crate::ui::path_prompt::{PathPrompt, PathPurpose};
use crate::ui::survey_form::SurveyView;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

impl App {
    /// Carries out one command.
    pub fn handle(&mut self, command: Command) {
        tracing::debug!(?command, "handle");
        match command {
            Command::NewDatabase => self.choose_path(PathPurpose::NewDatabase),
            Command::OpenDatabase => self.choose_path(PathPurpose::OpenDatabase),
            Command::NewSampleDatabase => self.choose_path(PathPurpose::SampleDatabase),
            Command::OpenDatabaseAt(path) => {
                self.dialog = None;
                self.switch_database(&path);
            }
            Command::CreateSampleAt(path) => {
                self.dialog = None;
                self.create_sample(&path);
            }

            Command::ShowRegister => {
                self.screen = if self.store.is_some() {
                    Screen::Register
                } else {
                    Screen::NoDatabase
                };
                self.reload();
            }
            Command::ShowCompound(id) => {
                self.screen = Screen::Compound(id);
                self.reload();
            }
            Command::ShowInspection(id) => {
                self.screen = Screen::Inspection(id);
                self.checklist = None;
                self.reload();
            }

            Command::AddCompound => {
                if self.store.is_some() {
                    let town_id = self.towns.first().map(|t| t.id);
                    let draft = CompoundDraft {
                        town_id,
                        ..CompoundDraft::default()
                    };
                    self.dialog = Some(Dialog::CompoundForm(CompoundForm::new(draft)));
                }
            }
            Command::EditCompound(id) => {
                if let Some(compound) = self.read_store(|s| s.compound(id)) {
                    let draft = CompoundDraft::from_compound(&compound);
                    self.dialog = Some(Dialog::CompoundForm(CompoundForm::new(draft)));
                }
            }
            Command::SaveCompound => self.save_compound(),
            Command::RequestDeleteCompound(id) => {
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
            Command::DeleteCompound(id) => {
                self.dialog = None;
                if let Some(()) = self.with_store_mut(|s| s.delete_compound(id)) {
                    self.info("已删除小区及其验收记录。");
                    if matches!(self.screen, Screen::Compound(c) if c == id) {
                        self.screen = Screen::Register;
                    }
                    self.reload();
                }
            }

            Command::NewInspection(subject) => {
                let draft = InspectionDraft::new(subject, today());
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
                if self.photo_import.is_some() {
                    self.error("上一批照片仍在导入，请稍候。");
                } else {
                    match PhotoImportTask::spawn(inspection, code, paths, self.ctx_for_quit.clone())
                    {
                        Ok(task) => self.photo_import = Some(task),
                        Err(e) => self.error(format!("无法启动照片导入：{e}")),
                    }
                }
            }
            Command::ShowPhoto(id) => self.show_photo(id),
            Command::DeletePhoto(id) => self.write(|s| s.delete_photo(id)),
            Command::NewReinspection(parent) => self.new_round(parent, RoundKind::Reinspection),
            Command::NewCorrection(parent) => self.new_round(parent, RoundKind::Correction),
            Command::SaveRectification(r) => {
                if self.with_store_mut(|s| s.save_rectification(&r)).is_some() {
                    self.info("已保存整改要求。");
                    self.reload();
                }
            }
            Command::ShowRectifications => {
                self.screen = Screen::Rectifications;
                self.reload();
            }
            Command::SetResult {
                inspection,
                code,
                result,
            } => {
                self.write(|s| s.record_result(inspection, &code, result));
            }
            Command::SetRemark {
                inspection,
                code,
                remark,
            } => {
                self.write(|s| s.record_remark(inspection, &code, &remark));
            }

            Command::ExportSheet(id) => self.choose_path(PathPurpose::ExportSheet(id)),
            Command::ExportSheetTo(id, path) => {
                self.dialog = None;
                if let Some(sheet) = self.read_store(|s| AcceptanceSheet::load(s, id)) {
                    let what = format!("正在导出“{}”的验收单…", sheet.subject_name);
                    self.start_export(what, path, move || render_acceptance_sheet(&sheet));
                }
            }

            Command::ExportNotice(id) => self.choose_path(PathPurpose::ExportNotice(id)),
            Command::ExportNoticeTo(id, path) => {
                self.dialog = None;
                if let Some(sheet) = self.read_store(|s| AcceptanceSheet::load(s, id)) {
                    let what = format!("正在导出“{}”的整改通知单…", sheet.subject_name);
                    self.start_export(what, path, move || render_rectification_notice(&sheet));
                }
            }

            Command::BatchExportCluster(cluster) => {
                self.choose_path(PathPurpose::BatchFolder(cluster));
            }
            Command::BatchExportTo(cluster, folder) => {
                self.dialog = None;
                self.start_batch_export(cluster, folder);
            }
            Command::ExportOverall(cluster) => {
                let name = self
                    .clusters
                    .iter()
                    .find(|k| k.id == cluster)
                    .map(|k| k.name.clone())
                    .unwrap_or_default();
                self.choose_path(PathPurpose::ExportOverall(cluster, name));
            }
            Command::ExportOverallTo(cluster, path) => {
                self.dialog = None;
                if let Some(sheet) = self.read_store(|s| OverallSheet::load(s, cluster, today())) {
                    let what = format!("正在导出“{}”的综合验收汇总表…", sheet.cluster.name);
                    self.start_export(what, path, move || render_overall_sheet(&sheet));
                }
            }
            Command::CancelExport => {
                if let Some(task) = &self.export {
                    task.cancel();
                }
            }

            Command::StartSurvey(compound_id) => {
                let started = self.with_store_mut(|s| {
                    s.start_survey(compound_id, today(), "", SurveyCatalogue::current())
                });
                if let Some(survey) = started {
                    self.screen = Screen::Survey(survey.id);
                    self.survey = None;
                    self.reload();
                }
            }
            Command::ShowSurvey(id) => {
                self.screen = Screen::Survey(id);
                self.survey = None;
                self.reload();
            }
            Command::SetSurveyField {
                survey,
                field,
                value,
            } => {
                self.write(|s| s.set_survey_field(survey, field, &value));
            }
            Command::SetItemCondition {
                survey,
                code,
                condition,
            } => {
                self.write(|s| s.set_item_condition(survey, &code, condition));
            }
            Command::SetItemProblem {
                survey,
                code,
                problem,
                seen,
            } => {
                self.write(|s| s.set_item_problem(survey, &code, &problem, seen));
            }
            Command::SetItemText {
                survey,
                code,
                which,
                text,
            } => {
                self.write(|s| s.set_item_text(survey, &code, which, &text));
            }
            Command::ExportSurvey(id) => self.choose_path(PathPurpose::ExportSurvey(id)),
            Command::ExportSurveyTo(id, path) => {
                self.dialog = None;
                if let Some(sheet) = self.read_store(|s| SurveySheet::load(s, id)) {
                    let what = format!("正在导出“{}”的调查表…", sheet.compound.name);
                    self.start_export(what, path, move || render_survey_sheet(&sheet));
                }
            }

            Command::ShowCluster(id) => {
                self.screen = Screen::Cluster(id);
                self.cluster = None;
                self.reload();
            }
            Command::StartClusterSurvey(cluster_id) => {
                self.write(|s| {
                    s.start_cluster_survey(cluster_id, today(), "", Catalogue::current())
                });
            }
            Command::SetFacility { survey, facility } => {
                self.write(|s| s.set_facility(survey, &facility));
            }

            Command::SubmitPathPrompt => {
                if let Some(Dialog::PathPrompt(prompt)) = &self.dialog {
                    match prompt.command() {
                        Ok(command) => self.commands.push(command),
                        Err(problem) => {
                            if let Some(Dialog::PathPrompt(prompt)) = &mut self.dialog {
                                prompt.problem = Some(problem);
                            }
                        }
                    }
                }
            }
            Command::Sign {
                inspection,
                position,
                signer,
                method,
            } => self.write(|s| s.sign(inspection, position, &signer, &method)),
            Command::Unsign {
                inspection,
                position,
            } => self.write(|s| s.unsign(inspection, position)),
            Command::SignOff(id) => {
                if let Some(seal) = self.with_store_mut(|s| s.sign_off(id)) {
                    self.info(format!(
                        "已完成签字并锁定。校验码：{}",
                        crate::model::signoff::short_code(&seal)
                    ));
                    self.reload();
                }
            }
            Command::VerifyCode => {
                self.dialog = Some(Dialog::Verify {
                    code: String::new(),
                    finding: None,
                });
            }
            Command::CheckCode => {
                let typed = match &self.dialog {
                    Some(Dialog::Verify { code, .. }) => code.clone(),
                    _ => return,
                };
                if let Some(found) = self.read_store(|s| s.find_by_code(&typed)) {
                    let finding = describe_code_check(&typed, &found);
                    if let Some(Dialog::Verify { finding: slot, .. }) = &mut self.dialog {
                        *slot = Some(finding);
                    }
                }
            }
            Command::CloseDialog => self.dialog = None,
            Command::DismissMessage => self.message = None,
            Command::Quit => {
                // Every action is already committed; closing loses nothing.
                if let Some(ctx) = &self.ctx_for_quit {
                    ctx.send_viewport_cmd(eframe::egui::ViewportCommand::Close);
                }
            }
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

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            text: text.into(),
            is_error: false,
        });
    }

    /// Runs a read on the store; an error is shown and gives `None`.
    fn read_store<T>(&mut self, f: impl FnOnce(&Store) -> Result<T, StoreError>) -> Option<T> {
        let result = f(self.store.as_ref()?);
        result.map_err(|e| self.error(e.to_string())).ok()
    }

    /// Runs one write (one transaction) on the store; an error is shown and gives `None`.
    fn with_store_mut<T>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Option<T> {
        let result = f(self.store.as_mut()?);
        result.map_err(|e| self.error(e.to_string())).ok()
    }

    /// One write (one transaction), then the screens re-read what changed.
    fn write<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T, StoreError>) {
        if self.with_store_mut(f).is_some() {
            self.reload();
        }
    }

    /// Opens another database file. On failure the current one stays open.
    pub(super) fn switch_database(&mut self, path: &Path) {
        match Store::open(path) {
            Ok(store) => {
                tracing::info!(path = %path.display(), "opened database");
                self.store = Some(store);
                self.db_path = path.to_owned();
                self.open_error = None;
                self.screen = Screen::Register;
                self.compound = None;
                self.checklist = None;
                self.register.search.clear();
                self.reload();
            }
            Err(e) => {
                let text = e.to_string();
                if self.store.is_none() {
                    // Said once, on the screen that offers what to do about it.
                    tracing::error!("{text}");
                    self.db_path = path.to_owned();
                    self.open_error = Some(text);
                    self.screen = Screen::NoDatabase;
                } else {
                    self.error(text);
                }
            }
        }
    }

    fn create_sample(&mut self, path: &Path) {
        if path.exists() {
            self.error(format!(
                "“{}”已存在。示例数据只写入新文件，以免混入正式数据；请换一个文件名。",
                path.display()
            ));
            return;
        }
        let result = Store::open(path)
            .map_err(anyhow::Error::from)
            .and_then(|mut store| {
                crate::sample::write_sample(&mut store, false)?;
                Ok(store)
            });
        match result {
            Ok(store) => {
                drop(store);
                self.switch_database(path);
                self.info("已新建示例数据库。其中的记录均标有“示例”，仅供练习。");
            }
            Err(e) => self.error(format!("{e:#}")),
        }
    }

    /// Re-reads what the current screen shows from the store.
    pub(super) fn reload(&mut self) {
        let Some(store) = &self.store else {
            return;
        };
        let result = (|| -> Result<(), StoreError> {
            self.towns = store.towns()?;
            self.clusters = store.clusters()?;
            match self.screen {
                // The whole register is read only when it is shown: with 100,000 compounds
                // that read is what costs, and a tick on another screen must not pay it.
                Screen::Register => self.register.set_rows(store.compound_rows()?),
                Screen::Compound(id) => {
                    let compound = store.compound(id)?;
                    let (town_name, cluster_name) = store.places_of(&compound)?;
                    let surveys = store.surveys_of(id)?;
                    let eligibility = assess(&EligibilityFacts::gather(
                        compound.year_built,
                        compound.cluster_id.is_some(),
                        compound.households,
                        surveys.first(),
                    ));
                    let needs = surveys.first().map_or_else(Vec::new, |s| {
                        let catalogue = SurveyCatalogue::version(&s.catalogue_version)
                            .unwrap_or_else(SurveyCatalogue::current);
                        needs_list(s, catalogue)
                    });
                    self.compound = Some(CompoundView {
                        inspections: store.inspections_of(Subject::Compound(id))?,
                        acceptance: store.acceptance_of(id)?.0,
                        compound,
                        town_name,
                        cluster_name,
                        surveys,
                        eligibility,
                        needs,
                    });
                }
                Screen::Inspection(id) => {
                    let inspection = store.inspection(id)?;
                    let subject_name = store.subject_name(inspection.subject)?;
                    let chain = store.chain_of(id)?;
                    let earlier_photos = store.earlier_photos(&chain, id)?;
                    let signatures = store.signatures(id)?;
                    // The whole acceptance's verdict goes by its latest round's members.
                    let members = store.members_for(&inspection)?;
                    let latest_members = match chain.latest() {
                        Some(latest) if latest.id != id => store.members_for(latest)?,
                        _ => members.clone(),
                    };
                    let record = RoundRecord {
                        members,
                        latest_members,
                        member_changes: store.member_changes_since_sealed(&inspection)?,
                        earlier_photos,
                        photos: store.photos_of(id)?,
                        seal_check: store.check_seal_of(&inspection, &signatures)?,
                        signatures,
                        rectifications: {
                            let r = store.rectifications_of(&chain)?;
                            (chain, r)
                        },
                    };
                    match &mut self.checklist {
                        Some(view) if view.inspection.id == id => view.update(inspection, record),
                        _ => {
                            self.checklist =
                                Some(ChecklistView::new(inspection, subject_name, record));
                        }
                    }
                }
                Screen::Rectifications => {
                    self.rectifications = store.open_rectifications(today())?;
                }
                Screen::Survey(id) => {
                    let survey = store.survey(id)?;
                    let compound = store.compound(survey.compound_id)?;
                    let latest = store
                        .surveys_of(compound.id)?
                        .first()
                        .is_some_and(|s| s.id == id);
                    match &mut self.survey {
                        Some(view) if view.survey.id == id => view.update(survey, compound, latest),
                        _ => {
                            let (town_name, cluster_name) = store.places_of(&compound)?;
                            self.survey = Some(SurveyView::new(
                                survey,
                                compound,
                                town_name,
                                cluster_name,
                                latest,
                            ));
                        }
                    }
                }
                Screen::Cluster(id) => {
                    let Some(cluster) = self.clusters.iter().find(|k| k.id == id).cloned() else {
                        return Err(StoreError::NotFound {
                            what: "片区",
                            id: id.to_string(),
                        });
                    };
                    let members = store.cluster_rows(id)?;
                    let survey = store.cluster_surveys_of(id)?.into_iter().next();
                    let inspections = store.inspections_of(Subject::Cluster(id))?;
                    let acceptances = store.member_acceptances(id)?;
                    let changes = match inspections.first() {
                        Some(newest) if newest.signed_off => {
                            member_changes(&store.inspection(newest.id)?.members, &acceptances)
                        }
                        _ => Vec::new(),
                    };
                    let mut fresh =
                        ClusterView::new(cluster, members, acceptances, inspections, survey);
                    fresh.changes_since_signed = changes;
                    match &mut self.cluster {
                        Some(view) if view.cluster.id == id => view.update(fresh),
                        _ => self.cluster = Some(fresh),
                    }
                }
                Screen::NoDatabase => {}
            }
            Ok(())
        })();
        if let Err(e) = result {
            if matches!(e, StoreError::NotFound { .. }) {
                self.screen = Screen::Register;
            }
            self.error(e.to_string());
        }
    }

    fn save_compound(&mut self) {
        let Some(Dialog::CompoundForm(form)) = &mut self.dialog else {
            return;
        };
        let current_year = chrono::Datelike::year(&today());
        match form.draft.validate(current_year) {
            Err(errors) => form.errors = errors,
            Ok(mut compound) => {
                let is_new = form.draft.id.is_none();
                if let Some(existing) = self
                    .store
                    .as_ref()
                    .and_then(|s| form.draft.id.and_then(|id| s.compound(id).ok()))
                {
                    compound.is_sample = existing.is_sample;
                }
                // A typed cluster name: the existing cluster of that name, or a new one.
                let typed = form.draft.new_cluster.trim();
                let mut new_cluster = None;
                if !typed.is_empty() {
                    match self.clusters.iter().find(|k| k.name == typed) {
                        Some(existing) => compound.cluster_id = Some(existing.id),
                        None => {
                            let cluster = Cluster {
                                id: ClusterId::new(),
                                name: typed.to_owned(),
                                town_id: compound.town_id,
                                plan_year: None,
                            };
                            compound.cluster_id = Some(cluster.id);
                            new_cluster = Some(cluster);
                        }
                    }
                }
                let name = compound.name.clone();
                if self
                    .with_store_mut(|s| {
                        s.save_compound_with_cluster(&compound, new_cluster.as_ref())
                    })
                    .is_some()
                {
                    self.dialog = None;
                    self.info(if is_new {
                        format!("已新增小区“{name}”。")
                    } else {
                        format!("已保存小区“{name}”。")
                    });
                    if is_new {
                        self.screen = Screen::Compound(compound.id);
                    }
                    self.reload();
                }
            }
        }
    }

    /// Opens the form for a round after `parent`: a re-inspection or a correction.
    fn new_round(&mut self, parent: InspectionId, kind: RoundKind) {
        if let Some(round) = self.read_store(|s| s.inspection(parent)) {
            let mut draft = InspectionDraft::new(round.subject, today());
            draft.inspectors.clone_from(&round.inspectors);
            draft.parties = round.parties.join("\n");
            draft.follows = Some((parent, kind));
            self.dialog = Some(Dialog::NewInspection(InspectionForm::new(draft)));
        }
    }

    fn start_inspection(&mut self) {
        let Some(Dialog::NewInspection(form)) = &mut self.dialog else {
            return;
        };
        match form.draft.validate(today()) {
            Err(errors) => form.errors = errors,
            Ok((date, inspectors, parties)) => {
                let subject = form.draft.subject;
                let follows = form.draft.follows;
                let reason = form.draft.reason.clone();
                let started = self.with_store_mut(|s| match follows {
                    Some((parent, RoundKind::Correction)) => {
                        s.start_correction(parent, &reason, date, &inspectors, &parties)
                    }
                    Some((parent, _)) => s.start_reinspection(parent, date, &inspectors, &parties),
                    None => s.start_inspection(
                        subject,
                        Catalogue::current(),
                        date,
                        &inspectors,
                        &parties,
                    ),
                });
                if let Some(id) = started {
                    self.dialog = None;
                    self.screen = Screen::Inspection(id);
                    self.checklist = None;
                    self.reload();
                }
            }
        }
    }

    /// Asks where a file goes: a native dialog when there is one, else a path field.
    fn choose_path(&mut self, purpose: PathPurpose) {
        let default =
            purpose.default_path(&self.db_path, self.checklist.as_ref(), self.survey.as_ref());
        if !self.file_dialogs {
            self.dialog = Some(Dialog::PathPrompt(PathPrompt::new(
                purpose,
                default,
                Some("未找到系统文件对话框（需要 xdg-desktop-portal 或 zenity），请直接输入文件路径。".to_owned()),
            )));
            return;
        }
        let dialog = rfd::FileDialog::new()
            .set_title(purpose.title())
            .set_directory(default.parent().unwrap_or(Path::new(".")))
            .set_file_name(default.file_name().unwrap_or_default().to_string_lossy());
        let chosen: Option<PathBuf> = match &purpose {
            PathPurpose::OpenDatabase => dialog.add_filter("验收数据库", &["db"]).pick_file(),
            PathPurpose::BatchFolder(_) => dialog.pick_folder(),
            PathPurpose::AddPhotos { inspection, code } => {
                // Several at once: straight to the import.
                if let Some(paths) = dialog
                    .add_filter("照片", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                    .pick_files()
                {
                    self.commands.push(Command::ImportPhotos {
                        inspection: *inspection,
                        code: code.clone(),
                        paths,
                    });
                }
                return;
            }
            PathPurpose::NewDatabase | PathPurpose::SampleDatabase => {
                dialog.add_filter("验收数据库", &["db"]).save_file()
            }
            PathPurpose::ExportSheet(_)
            | PathPurpose::ExportNotice(_)
            | PathPurpose::ExportSurvey(_)
            | PathPurpose::ExportOverall(..) => dialog.add_filter("PDF", &["pdf"]).save_file(),
        };
        if let Some(path) = chosen {
            self.commands.push(purpose.command(path));
        }
    }

    /// Runs `render` on the export thread and writes the bytes to `path`.
    fn start_export(
        &mut self,
        what: String,
        path: PathBuf,
        render: impl FnOnce() -> Result<Vec<u8>, crate::export::ExportError> + Send + 'static,
    ) {
        if self.export.is_some() {
            self.error("上一份文件仍在导出，请稍候。");
            return;
        }
        match ExportTask::spawn(what, path, self.ctx_for_quit.clone(), render) {
            Ok(task) => self.export = Some(task),
            Err(e) => self.error(format!("无法启动导出任务：{e}")),
        }
    }

    /// Exports every signed-off sheet of a cluster's compounds into `folder`, in the background.
    fn start_batch_export(&mut self, cluster: crate::model::ClusterId, folder: PathBuf) {
        if self.export.is_some() {
            self.error("上一批文件仍在导出，请稍候。");
            return;
        }
        if let Err(e) = std::fs::create_dir_all(&folder) {
            self.error(format!("无法使用文件夹“{}”：{e}", folder.display()));
            return;
        }
        let sheets = self.read_store(|s| {
            let mut subjects = vec![Subject::Cluster(cluster)];
            subjects.extend(
                s.member_acceptances(cluster)?
                    .into_iter()
                    .map(|m| Subject::Compound(m.compound_id)),
            );
            let mut sheets = Vec::new();
            for subject in subjects {
                for summary in s.inspections_of(subject)? {
                    if summary.signed_off {
                        sheets.push(AcceptanceSheet::load(s, summary.id)?);
                    }
                }
            }
            Ok(sheets)
        });
        let Some(sheets) = sheets else {
            return;
        };
        if sheets.is_empty() {
            self.error("该片区还没有已签字的验收单。");
            return;
        }
        let jobs: Vec<crate::app::export_task::ExportJob> = sheets
            .into_iter()
            .map(|sheet| {
                // 片区验收单-… / 小区验收单-…: a cluster and a compound of the same name differ.
                let name = format!(
                    "{}验收单-{}-{}-第{}轮.pdf",
                    sheet.inspection.subject.kind_label(),
                    sheet.subject_name,
                    sheet.inspection.inspected_on,
                    sheet.inspection.round
                );
                let path = folder.join(crate::ui::path_prompt::sanitize_file_name(&name));
                let render: Box<
                    dyn FnOnce() -> Result<Vec<u8>, crate::export::ExportError> + Send,
                > = Box::new(move || render_acceptance_sheet(&sheet));
                (path, render)
            })
            .collect();
        let what = format!("正在批量导出 {} 份验收单…", jobs.len());
        match ExportTask::spawn_batch(what, jobs, self.ctx_for_quit.clone()) {
            Ok(task) => self.export = Some(task),
            Err(e) => self.error(format!("无法启动导出任务：{e}")),
        }
    }

    /// Stores the photos of a finished import, in one transaction, and says what happened.
    pub(super) fn poll_photo_import(&mut self) {
        let Some(task) = &self.photo_import else {
            return;
        };
        let Some((ready, failed)) = task.try_finish() else {
            return;
        };
        let (inspection, code) = (task.inspection, task.item_code.clone());
        self.photo_import = None;
        let mut lines: Vec<String> = failed.iter().map(ToString::to_string).collect();
        if !ready.is_empty() {
            match self.with_store_mut(|s| s.add_photos(inspection, &code, &ready)) {
                Some(ids) => lines.insert(0, format!("已添加 {} 张照片。", ids.len())),
                None => return,
            }
        }
        let text = lines.join(" ");
        if failed.is_empty() {
            self.info(text);
        } else {
            self.error(text);
        }
        self.reload();
    }

    /// Opens a photo large.
    fn show_photo(&mut self, id: crate::model::PhotoId) {
        let Some(jpeg) = self.read_store(|s| s.photo_jpeg(id)) else {
            return;
        };
        let Some(ctx) = self.ctx_for_quit.clone() else {
            return;
        };
        match crate::photo::decode_rgb(&jpeg) {
            Some((w, h, rgb)) => {
                let image = eframe::egui::ColorImage::from_rgb([w as usize, h as usize], &rgb);
                let texture = ctx.load_texture(format!("photo-{id}"), image, Default::default());
                self.dialog = Some(Dialog::Photo {
                    title: format!("照片（{w}×{h}）"),
                    texture,
                });
            }
            None => self.error("照片无法显示：数据已损坏。"),
        }
    }

    /// Picks up a finished background export.
    pub(super) fn poll_export(&mut self, ctx: &eframe::egui::Context) {
        if self.ctx_for_quit.is_none() {
            self.ctx_for_quit = Some(ctx.clone());
        }
        let Some(task) = &self.export else {
            return;
        };
        let Some(outcome) = task.try_finish() else {
            return;
        };
        self.export = None;
        let written = match outcome.written.as_slice() {
            [] => String::new(),
            [(path, size)] => format!("已导出：{}（{} KB）", path.display(), size.div_ceil(1024)),
            many => {
                let folder = many[0]
                    .0
                    .parent()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                format!("已导出 {} 份到 {folder}", many.len())
            }
        };
        match (outcome.error, outcome.cancelled) {
            (Some(error), _) => self.error(format!("{written} {error}").trim().to_owned()),
            (None, true) => self.info(format!("已取消导出。{written}")),
            (None, false) => self.info(written),
        }
    }
}

/// What the verify dialog says about a typed code: (matches an unchanged record, text).
fn describe_code_check(
    typed: &str,
    found: &[(crate::store::InspectionListing, crate::model::SealCheck)],
) -> (bool, String) {
    use crate::model::SealCheck;
    if crate::model::signoff::normalize_code(typed).len() < 8 {
        return (false, "校验码至少输入 8 位（0–9、A–F）。".to_owned());
    }
    let Some((listing, check)) = found.first() else {
        return (
            false,
            format!("本数据库中没有校验码为“{}”的已签字验收记录。", typed.trim()),
        );
    };
    let what = format!(
        "{} {} 的验收记录",
        listing.subject_name, listing.summary.inspected_on
    );
    match check {
        SealCheck::Intact { code } => (true, format!("一致：{what}（{code}），签字后未被改动。")),
        SealCheck::Tampered {
            sealed_code,
            current_code,
        } => (
            false,
            format!("不一致：{what}在签字后被改动（签字时 {sealed_code}，现在 {current_code}）。"),
        ),
        SealCheck::NotSealed => (false, format!("{what}尚未签字锁定。")),
    }
}
