//! The office's spreadsheets in the app: a register is read on the `register-read` thread,
//! previewed in its dialog, and registered in one transaction.

use std::path::PathBuf;

use super::App;
use super::command_handling::today;
use super::jobs::JobKind;
use crate::import::register::Planned;
use crate::ui::Dialog;
use crate::ui::register_import::RegisterImport;

impl App {
    pub(super) fn start_register_read(&mut self, path: PathBuf) {
        self.dialog = None;
        if self.store.is_none() {
            return;
        }
        if self.jobs.has(JobKind::RegisterRead) {
            self.error("上一个表格仍在读取，请稍候。");
            return;
        }
        let Some(reader) = self.job_reader() else {
            return;
        };
        let file_name = crate::import::file_name_of(&path);
        let day = today();
        // Read and every row checked against the file's records here, off the UI thread
        // (100,000 rows took half a second to check).
        self.spawn_job(
            JobKind::RegisterRead,
            "register-read",
            "正在读取表格…",
            0,
            false,
            move |_| Planned::read(&path, &reader, day),
            move |app, read| match read {
                Ok(Ok(planned)) => {
                    let view = RegisterImport::new(file_name, planned, day);
                    app.dialog = Some(Dialog::RegisterImport(Box::new(view)));
                }
                Ok(Err(e)) => app.error(e.to_string()),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Registers the previewed rows that have no problem, all or none.
    pub(super) fn import_register(&mut self) {
        let Some(Dialog::RegisterImport(view)) = &self.dialog else {
            return;
        };
        let plans = view.planned.plans.clone();
        let (_, bad) = view.counts();
        if let Some(n) = self.with_store_mut(|s| s.import_register(&plans)) {
            self.dialog = None;
            self.info(if bad > 0 {
                format!("已登记 {n} 个小区；{bad} 行有问题，未导入。")
            } else {
                format!("已登记 {n} 个小区。")
            });
            self.reload();
        }
    }
}
