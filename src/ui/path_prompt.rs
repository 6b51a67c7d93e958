//! Choosing a file by typing its path: used where no native file dialog exists.

use std::path::PathBuf;

use eframe::egui;

use crate::command::Command;
use crate::export::Document;
use crate::model::InspectionId;
use crate::ui::widgets::{CommandButton, command_button};

/// What a chosen path is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    OpenDatabase,
    NewDatabase,
    SampleDatabase,
    /// Where a document goes (a file, or a folder for a batch).
    Export(Document),
    /// A field package to import.
    ImportPackage,
    /// A spreadsheet of compounds to import.
    ImportRegister,
    /// The folder of a revised policy pack.
    PolicyPack,
    /// A scan or photo of a paper sheet, to verify.
    SheetImage,
    /// A file kept as evidence of a programme step.
    AddEvidence {
        compound: crate::model::CompoundId,
        step: crate::model::programme::Step,
    },
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
            Self::Export(document) => document.title(),
            Self::ImportPackage => "导入数据包",
            Self::ImportRegister => "导入小区名册",
            Self::PolicyPack => "选择政策包文件夹",
            Self::SheetImage => "选择纸质验收单的扫描件或照片",
            Self::AddEvidence { .. } => "添加证据",
            Self::AddPhotos { .. } => "添加照片",
        }
    }

    /// The command that carries on with the chosen `paths` (several only for photos);
    /// `None` if none was chosen.
    pub fn command(&self, mut paths: Vec<PathBuf>) -> Option<Command> {
        match self {
            Self::AddPhotos { inspection, code } => {
                (!paths.is_empty()).then(|| Command::ImportPhotos {
                    inspection: *inspection,
                    code: code.clone(),
                    paths,
                })
            }
            _ => paths.pop().map(|path| self.file_command(path)),
        }
    }

    /// The command that carries on with one chosen file.
    fn file_command(&self, path: PathBuf) -> Command {
        match self {
            Self::OpenDatabase => Command::OpenDatabaseAt(path),
            Self::NewDatabase => Command::CreateDatabaseAt(path),
            Self::SampleDatabase => Command::CreateSampleAt(path),
            Self::Export(document) => Command::ExportTo(document.clone(), path),
            Self::ImportPackage => Command::ImportPackage(path),
            Self::ImportRegister => Command::ReadRegister(path),
            Self::PolicyPack => Command::ReadPolicyPack(path),
            Self::SheetImage => Command::ReadSheetImage(path),
            Self::AddEvidence { compound, step } => Command::ReadEvidence {
                compound: *compound,
                step: *step,
                path,
            },
            Self::AddPhotos { inspection, code } => Command::ImportPhotos {
                inspection: *inspection,
                code: code.clone(),
                paths: vec![path],
            },
        }
    }
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
    /// Put the cursor in the field when the dialog opens.
    focus: bool,
}

impl PathPrompt {
    pub fn new(purpose: PathPurpose, default: PathBuf, note: Option<String>) -> Self {
        Self {
            purpose,
            path: default.display().to_string(),
            note,
            problem: None,
            focus: true,
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
        if let PathPurpose::Export(document) = &self.purpose {
            let extension = document.format().extension();
            if !document.is_batch()
                && path
                    .extension()
                    .is_none_or(|e| !e.eq_ignore_ascii_case(extension))
            {
                path.set_extension(extension);
            }
            // A batch's folder is made when it is written.
            if !document.is_batch()
                && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                && !parent.is_dir()
            {
                return Err(format!("文件夹“{}”不存在。", parent.display()));
            }
        }
        if matches!(
            self.purpose,
            PathPurpose::OpenDatabase | PathPurpose::ImportPackage | PathPurpose::ImportRegister
        ) && !path.is_file()
        {
            return Err(format!("找不到文件“{}”。", path.display()));
        }
        Ok(self.purpose.file_command(path))
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
    if std::mem::take(&mut prompt.focus) {
        response.request_focus();
    }
    if let Some(problem) = &prompt.problem {
        ui.label(egui::RichText::new(problem).color(ui.visuals().error_fg_color));
    }
    let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        command_button(ui, Command::SubmitPathPrompt, commands);
        CommandButton::new(Command::CloseDialog)
            .text("取消")
            .show(ui, commands);
    });
    if entered {
        commands.push(Command::SubmitPathPrompt);
    }
}
