//! Saving the settings (applied at once: the zone sheets print, the backups' folder and count,
//! the text size), backing up now, and restoring a backup after a confirmation.

use std::path::{Path, PathBuf};

use super::App;
use crate::command::Screen;
use crate::model::settings::Settings;
use crate::store::backup::{self, BackupReason};
use crate::ui::Dialog;

impl App {
    pub(super) fn save_settings(&mut self, settings: Settings) {
        if let Some(problem) = settings.problem() {
            self.error(problem);
            return;
        }
        self.settings = settings;
        crate::config::apply(&self.settings);
        if let Some(ctx) = &self.egui_ctx {
            ctx.set_zoom_factor(self.settings.clamped_scale());
        }
        if matches!(self.dialog, Some(Dialog::FirstRun(_))) {
            self.dialog = None;
        }
        self.save_settings_file();
        if self.settings_path.is_some() {
            self.info("设置已保存。");
        }
        if self.page.screen() == Screen::Settings {
            self.reload();
        }
    }

    pub(super) fn backup_now(&mut self) {
        match self.read_store(|s| s.backup(BackupReason::Manual)) {
            Some(Some(path)) => {
                self.info(format!("已备份：{}", path.display()));
                self.reload();
            }
            Some(None) => self.error("内存中的数据库没有文件可备份。"),
            None => {}
        }
    }

    pub(super) fn request_restore(&mut self, path: PathBuf) {
        if let Some(crate::store::Access::View(reason)) = self.store.as_ref().map(|s| s.access()) {
            self.error(format!(
                "此文件现在只能查看（{}），不能从备份恢复。",
                reason.explanation()
            ));
            return;
        }
        let Some((compounds, surveys, inspections)) = backup::count_records(&path) else {
            self.error(format!("无法读取备份 {}。", path.display()));
            return;
        };
        let what = format!(
            "用备份“{}”替换当前数据库“{}”。备份中有 {compounds} 个小区、{surveys} 份调查、{inspections} 次验收。",
            crate::import::file_name_of(&path),
            self.db_path.display()
        );
        self.dialog = Some(Dialog::ConfirmRestore { path, what });
    }

    /// Closes the file, restores the backup over it and opens it again. A refusal leaves the
    /// file as it was and opens it again.
    pub(super) fn restore(&mut self, backup_path: &Path) {
        self.dialog = None;
        if self.is_busy() {
            self.error("后台任务仍在进行，请等它完成后再恢复。");
            return;
        }
        let db = self.db_path.clone();
        // The window's hold on the file ends here: the restore writes it.
        self.store = None;
        let result = backup::restore(&db, backup_path, &backup::policy());
        self.switch_database(&db);
        match result {
            Ok(kept) => self.info(format!(
                "已从备份恢复。恢复前的数据库已备份为 {}。",
                kept.display()
            )),
            Err(e) => self.error(e.to_string()),
        }
    }
}
