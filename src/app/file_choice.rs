//! Asking where a file is or goes: a native dialog where there is one, else a path field.
//! The native dialog waits for the user on its own thread (`file-dialog`), so the window keeps
//! drawing meanwhile. It opens beside the database, or where the same kind of file was last
//! chosen, under the name the document suggests.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::App;
use super::jobs::JobKind;
use crate::ui::Dialog;
use crate::ui::path_prompt::{PathPrompt, PathPurpose};

/// What a file dialog is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRequest {
    pub title: String,
    /// The folder it opens in.
    pub directory: PathBuf,
    /// The name it suggests (when saving).
    pub file_name: String,
    pub kind: FileKind,
}

/// Which dialog: open or save, one file or several, a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    OpenDatabase,
    SaveDatabase,
    /// Several photos at once.
    Photos,
    /// A field package to import.
    OpenPackage,
    /// A spreadsheet to import.
    OpenSpreadsheet,
    /// Any one file (evidence).
    AnyFile,
    Folder,
    /// Saving a document of this type (filter name, extension).
    SaveDocument {
        filter: &'static str,
        extension: &'static str,
    },
}

/// Shows a file dialog and waits for the answer (`None`: cancelled). Called on the
/// `file-dialog` thread, never on the UI thread.
pub type FileChooser = Arc<dyn Fn(&FileRequest) -> Option<Vec<PathBuf>> + Send + Sync>;

/// The system's dialogs, through rfd (the XDG portal or zenity on Linux).
pub fn native_chooser() -> FileChooser {
    Arc::new(|request: &FileRequest| {
        let dialog = rfd::FileDialog::new()
            .set_title(&request.title)
            .set_directory(&request.directory)
            .set_file_name(&request.file_name);
        match &request.kind {
            FileKind::OpenDatabase => dialog
                .add_filter("验收数据库", &["db"])
                .pick_file()
                .map(|p| vec![p]),
            FileKind::SaveDatabase => dialog
                .add_filter("验收数据库", &["db"])
                .save_file()
                .map(|p| vec![p]),
            FileKind::Photos => dialog
                .add_filter("照片", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                .pick_files(),
            FileKind::OpenPackage => dialog
                .add_filter("验收数据包", &["yspkg"])
                .pick_file()
                .map(|p| vec![p]),
            FileKind::OpenSpreadsheet => dialog
                .add_filter(
                    "表格",
                    &["xlsx", "xls", "xlsb", "ods", "csv", "XLSX", "XLS", "CSV"],
                )
                .pick_file()
                .map(|p| vec![p]),
            FileKind::AnyFile => dialog.pick_file().map(|p| vec![p]),
            FileKind::Folder => dialog.pick_folder().map(|p| vec![p]),
            FileKind::SaveDocument { filter, extension } => dialog
                .add_filter(*filter, &[*extension])
                .save_file()
                .map(|p| vec![p]),
        }
    })
}

impl App {
    /// Uses `chooser` for file dialogs from now on (tests stand in for the user with it).
    pub fn set_file_chooser(&mut self, chooser: FileChooser) {
        self.file_chooser = Some(chooser);
    }

    /// Asks where a file goes or comes from, then queues the command that uses it.
    /// The path typed in the prompt, as the command it was asked for (or what is wrong with it,
    /// said in the prompt).
    pub(super) fn submit_path_prompt(&mut self) {
        if let Some(Dialog::PathPrompt(prompt)) = &mut self.dialog {
            match prompt.command() {
                Ok(command) => self.commands.push(command),
                Err(problem) => prompt.problem = Some(problem),
            }
        }
    }

    pub(super) fn choose_path(&mut self, purpose: PathPurpose) {
        if self.jobs.has(JobKind::FileChoice) {
            self.info("文件对话框已打开：请先在对话框中选择或取消。");
            return;
        }
        let (directory, file_name) = self.default_place(&purpose);
        let Some(chooser) = self.file_chooser.clone() else {
            // The field starts with the folder, and the suggested name if there is one.
            let typed = if file_name.is_empty() {
                let mut folder = directory.into_os_string();
                folder.push(std::path::MAIN_SEPARATOR_STR);
                PathBuf::from(folder)
            } else {
                directory.join(&file_name)
            };
            self.dialog = Some(Dialog::PathPrompt(PathPrompt::new(
                purpose,
                typed,
                Some("未找到系统文件对话框（需要 xdg-desktop-portal 或 zenity），请直接输入文件路径。".to_owned()),
            )));
            return;
        };
        let request = FileRequest {
            title: purpose.title().to_owned(),
            directory,
            file_name,
            kind: match &purpose {
                PathPurpose::OpenDatabase => FileKind::OpenDatabase,
                PathPurpose::NewDatabase | PathPurpose::SampleDatabase => FileKind::SaveDatabase,
                PathPurpose::AddPhotos { .. } | PathPurpose::SheetImage => FileKind::Photos,
                PathPurpose::ImportPackage => FileKind::OpenPackage,
                PathPurpose::ImportRegister => FileKind::OpenSpreadsheet,
                PathPurpose::PolicyPack => FileKind::Folder,
                PathPurpose::AddEvidence { .. } => FileKind::AnyFile,
                PathPurpose::Export(document) if document.is_batch() => FileKind::Folder,
                PathPurpose::Export(document) => FileKind::SaveDocument {
                    filter: document.format().filter_name(),
                    extension: document.format().extension(),
                },
            },
        };
        self.spawn_job(
            JobKind::FileChoice,
            "file-dialog",
            format!("{}：请在文件对话框中选择…", purpose.title()),
            0,
            false,
            move |_| chooser(&request),
            move |app, chosen| match chosen {
                Ok(Some(paths)) => {
                    app.remember_folder(&purpose, &paths);
                    if let Some(command) = purpose.command(paths) {
                        app.commands.push(command);
                    }
                }
                Ok(None) => {}
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Where the next dialog for the same kind of file opens.
    fn remember_folder(&mut self, purpose: &PathPurpose, paths: &[PathBuf]) {
        // A batch's folder is where the batch goes; its parent is where the next one is made.
        let folder = paths.first().and_then(|p| p.parent()).map(Path::to_owned);
        let Some(folder) = folder else {
            return;
        };
        match purpose {
            PathPurpose::AddPhotos { .. }
            | PathPurpose::AddEvidence { .. }
            | PathPurpose::SheetImage => {
                self.last_folders.photos = Some(folder);
            }
            PathPurpose::Export(_)
            | PathPurpose::ImportPackage
            | PathPurpose::ImportRegister
            | PathPurpose::PolicyPack => {
                self.last_folders.exports = Some(folder);
            }
            PathPurpose::OpenDatabase | PathPurpose::NewDatabase | PathPurpose::SampleDatabase => {}
        }
    }

    /// Where the dialog opens and the name it suggests (empty when the user picks existing
    /// files): beside the current database, or where the same kind of file was last chosen.
    fn default_place(&mut self, purpose: &PathPurpose) -> (PathBuf, String) {
        let db_dir = match self.db_path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        let db_name = crate::import::file_name_of(&self.db_path);
        match purpose {
            PathPurpose::OpenDatabase => (db_dir, db_name),
            PathPurpose::NewDatabase => (db_dir, "新验收数据库.db".to_owned()),
            PathPurpose::SampleDatabase => (db_dir, "示例数据.db".to_owned()),
            PathPurpose::AddPhotos { .. }
            | PathPurpose::AddEvidence { .. }
            | PathPurpose::SheetImage => (
                self.last_folders.photos.clone().unwrap_or(db_dir),
                String::new(),
            ),
            PathPurpose::ImportPackage | PathPurpose::ImportRegister | PathPurpose::PolicyPack => (
                self.last_folders.exports.clone().unwrap_or(db_dir),
                String::new(),
            ),
            PathPurpose::Export(document) => {
                let folder = self.last_folders.exports.clone().unwrap_or(db_dir);
                let name = self
                    .read_store(|s| document.suggested_name(s, &crate::model::Clock::local()))
                    .unwrap_or_else(|| format!("导出.{}", document.format().extension()));
                (folder, name)
            }
        }
    }
}

/// The folders last chosen in this session, per kind of file.
#[derive(Debug, Default)]
pub(super) struct LastFolders {
    photos: Option<PathBuf>,
    exports: Option<PathBuf>,
}
