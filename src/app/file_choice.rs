//! Asking where a file is or goes: a native dialog where there is one, else a path field.
//! The suggestion sits beside the database (photos: the pictures folder; documents: the
//! documents folder) under the name the document suggests.

use std::path::{Path, PathBuf};

use super::App;
use crate::ui::Dialog;
use crate::ui::path_prompt::{PathPrompt, PathPurpose};

impl App {
    /// Asks where a file goes or comes from, then queues the command that uses it.
    pub(super) fn choose_path(&mut self, purpose: PathPurpose) {
        let default = self.default_path(&purpose);
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
        let chosen: Option<Vec<PathBuf>> = match &purpose {
            PathPurpose::OpenDatabase => dialog
                .add_filter("验收数据库", &["db"])
                .pick_file()
                .map(|p| vec![p]),
            PathPurpose::NewDatabase | PathPurpose::SampleDatabase => dialog
                .add_filter("验收数据库", &["db"])
                .save_file()
                .map(|p| vec![p]),
            PathPurpose::AddPhotos { .. } => dialog
                .add_filter("照片", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                .pick_files(),
            PathPurpose::Export(document) if document.is_batch() => {
                dialog.pick_folder().map(|p| vec![p])
            }
            PathPurpose::Export(document) => {
                let format = document.format();
                dialog
                    .add_filter(format.filter_name(), &[format.extension()])
                    .save_file()
                    .map(|p| vec![p])
            }
        };
        if let Some(command) = chosen.and_then(|paths| purpose.command(paths)) {
            self.commands.push(command);
        }
    }

    /// A sensible suggestion next to the current database, or in the user's folders.
    fn default_path(&mut self, purpose: &PathPurpose) -> PathBuf {
        let db_dir = self
            .db_path
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default();
        match purpose {
            PathPurpose::OpenDatabase => self.db_path.clone(),
            PathPurpose::NewDatabase => db_dir.join("新验收数据库.db"),
            PathPurpose::SampleDatabase => db_dir.join("示例数据.db"),
            PathPurpose::AddPhotos { .. } => directories::UserDirs::new()
                .and_then(|d| d.picture_dir().map(Path::to_owned))
                .unwrap_or(db_dir),
            PathPurpose::Export(document) => {
                let folder = directories::UserDirs::new()
                    .and_then(|d| d.document_dir().map(Path::to_owned))
                    .unwrap_or(db_dir);
                let name = self
                    .read_store(|s| document.suggested_name(s, &crate::model::Clock::local()))
                    .unwrap_or_else(|| format!("导出.{}", document.format().extension()));
                folder.join(name)
            }
        }
    }
}
