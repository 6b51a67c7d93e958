//! Choosing a file by typing its path: used where no native file dialog exists.

use std::path::{Path, PathBuf};

use eframe::egui;

use crate::command::Command;
use crate::model::{ClusterId, InspectionId, SurveyId};
use crate::ui::checklist::ChecklistView;
use crate::ui::survey_form::SurveyView;

/// What a chosen path is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    OpenDatabase,
    NewDatabase,
    SampleDatabase,
    ExportSheet(InspectionId),
    ExportNotice(InspectionId),
    ExportSurvey(SurveyId),
    /// A folder for a cluster's signed sheets.
    BatchFolder(ClusterId),
    /// A cluster's 综合验收汇总表, with the cluster's name for the file name.
    ExportOverall(ClusterId, String),
    /// Photo files for an item (several at once).
    AddPhotos {
        inspection: InspectionId,
        code: String,
    },
}

impl PathPurpose {
    pub fn title(&self) -> &'static str {
        match self {
            Self::OpenDatabase => "打开数据库",
            Self::NewDatabase => "新建数据库",
            Self::SampleDatabase => "新建示例数据库",
            Self::ExportSheet(_) => "导出验收单 PDF",
            Self::ExportNotice(_) => "导出整改通知单 PDF",
            Self::ExportSurvey(_) => "导出调查表 PDF",
            Self::AddPhotos { .. } => "添加照片",
            Self::BatchFolder(_) => "选择导出文件夹",
            Self::ExportOverall(..) => "导出综合验收汇总表 PDF",
        }
    }

    /// A sensible suggestion next to the current database, or in the documents folder.
    pub fn default_path(
        &self,
        db_path: &Path,
        checklist: Option<&ChecklistView>,
        survey: Option<&SurveyView>,
    ) -> PathBuf {
        let db_dir = db_path.parent().map(Path::to_owned).unwrap_or_default();
        match self {
            Self::OpenDatabase => db_path.to_owned(),
            Self::BatchFolder(_) => documents_dir(db_dir).join("验收单"),
            Self::AddPhotos { .. } => directories::UserDirs::new()
                .and_then(|d| d.picture_dir().map(Path::to_owned))
                .unwrap_or(db_dir),
            Self::NewDatabase => db_dir.join("新验收数据库.db"),
            Self::SampleDatabase => db_dir.join("示例数据.db"),
            Self::ExportSheet(id) => {
                let name = match checklist.filter(|c| c.inspection.id == *id) {
                    Some(c) => format!(
                        "验收单-{}-{}.pdf",
                        c.subject_name, c.inspection.inspected_on
                    ),
                    None => format!("验收单-{}.pdf", &id.to_string()[..8]),
                };
                documents_dir(db_dir).join(sanitize_file_name(&name))
            }
            Self::ExportNotice(id) => {
                let name = match checklist.filter(|c| c.inspection.id == *id) {
                    Some(c) => format!(
                        "整改通知单-{}-{}.pdf",
                        c.subject_name, c.inspection.inspected_on
                    ),
                    None => format!("整改通知单-{}.pdf", &id.to_string()[..8]),
                };
                documents_dir(db_dir).join(sanitize_file_name(&name))
            }
            Self::ExportSurvey(id) => {
                let name = match survey.filter(|s| s.survey.id == *id) {
                    Some(s) => format!("调查表-{}-第{}轮.pdf", s.compound.name, s.survey.round),
                    None => format!("调查表-{}.pdf", &id.to_string()[..8]),
                };
                documents_dir(db_dir).join(sanitize_file_name(&name))
            }
            Self::ExportOverall(_, cluster) => {
                let name = format!(
                    "综合验收汇总表-{cluster}-{}.pdf",
                    chrono::Local::now().date_naive()
                );
                documents_dir(db_dir).join(sanitize_file_name(&name))
            }
        }
    }

    /// The command that carries on with `path`.
    pub fn command(&self, path: PathBuf) -> Command {
        match self {
            Self::OpenDatabase | Self::NewDatabase => Command::OpenDatabaseAt(path),
            Self::SampleDatabase => Command::CreateSampleAt(path),
            Self::ExportSheet(id) => Command::ExportSheetTo(*id, path),
            Self::ExportNotice(id) => Command::ExportNoticeTo(*id, path),
            Self::ExportSurvey(id) => Command::ExportSurveyTo(*id, path),
            Self::BatchFolder(cluster) => Command::BatchExportTo(*cluster, path),
            Self::ExportOverall(cluster, _) => Command::ExportOverallTo(*cluster, path),
            Self::AddPhotos { inspection, code } => Command::ImportPhotos {
                inspection: *inspection,
                code: code.clone(),
                paths: vec![path],
            },
        }
    }
}

/// The user's documents folder, or `fallback`.
fn documents_dir(fallback: PathBuf) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|d| d.document_dir().map(Path::to_owned))
        .unwrap_or(fallback)
}

/// Replaces characters that file systems refuse.
pub fn sanitize_file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The path field dialog's state.
#[derive(Debug)]
pub struct PathPrompt {
    pub purpose: PathPurpose,
    pub path: String,
    /// Why the field is shown (no native dialog).
    pub note: Option<String>,
    /// What is wrong with the typed path.
    pub problem: Option<String>,
}

impl PathPrompt {
    pub fn new(purpose: PathPurpose, default: PathBuf, note: Option<String>) -> Self {
        Self {
            purpose,
            path: default.display().to_string(),
            note,
            problem: None,
        }
    }

    /// The command for the typed path, or what is wrong with it.
    pub fn command(&self) -> Result<Command, String> {
        if let PathPurpose::AddPhotos { inspection, code } = &self.purpose {
            // Several files: one per line or separated by ";".
            let paths: Vec<PathBuf> = self
                .path
                .split(['\n', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect();
            if let Some(missing) = paths.iter().find(|p| !p.is_file()) {
                return Err(format!("找不到文件“{}”。", missing.display()));
            }
            if paths.is_empty() {
                return Err("请输入照片文件路径，多个文件用分号隔开。".to_owned());
            }
            return Ok(Command::ImportPhotos {
                inspection: *inspection,
                code: code.clone(),
                paths,
            });
        }
        let text = self.path.trim();
        if text.is_empty() {
            return Err("请输入文件路径。".to_owned());
        }
        let mut path = PathBuf::from(text);
        if let PathPurpose::ExportSheet(_)
        | PathPurpose::ExportNotice(_)
        | PathPurpose::ExportSurvey(_)
        | PathPurpose::ExportOverall(..) = self.purpose
            && path
                .extension()
                .is_none_or(|e| !e.eq_ignore_ascii_case("pdf"))
        {
            path.set_extension("pdf");
        }
        if self.purpose == PathPurpose::OpenDatabase && !path.is_file() {
            return Err(format!("找不到文件“{}”。", path.display()));
        }
        if matches!(
            self.purpose,
            PathPurpose::ExportSheet(_)
                | PathPurpose::ExportNotice(_)
                | PathPurpose::ExportSurvey(_)
                | PathPurpose::ExportOverall(..)
        ) && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(format!("文件夹“{}”不存在。", parent.display()));
        }
        Ok(self.purpose.command(path))
    }
}

pub fn show(ui: &mut egui::Ui, prompt: &mut PathPrompt, commands: &mut Vec<Command>) {
    ui.heading(prompt.purpose.title());
    if let Some(note) = &prompt.note {
        ui.label(egui::RichText::new(note).small());
    }
    ui.add_space(6.0);
    let label = ui.label("文件路径");
    let response = ui
        .add(egui::TextEdit::singleline(&mut prompt.path).desired_width(520.0))
        .labelled_by(label.id);
    if let Some(problem) = &prompt.problem {
        ui.label(egui::RichText::new(problem).color(ui.visuals().error_fg_color));
    }
    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if ui.button("确定").clicked() || entered {
            commands.push(Command::SubmitPathPrompt);
        }
        if ui.button("取消").clicked() {
            commands.push(Command::CloseDialog);
        }
    });
}
