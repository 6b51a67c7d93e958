//! 文件 › 政策包 in the app: the file's pack shown, a revised version read from a folder on the
//! `pack-read` thread and checked, its changes shown, and taken in one transaction.

use std::path::PathBuf;
use std::sync::Arc;

use super::App;
use super::jobs::JobKind;
use crate::ui::Dialog;
use crate::ui::policy_pack::{PackView, Revision};

impl App {
    pub(super) fn show_policy_pack(&mut self) {
        if let Some(view) = self.read_store(PackView::load) {
            self.dialog = Some(Dialog::PolicyPack(Box::new(view)));
        }
    }

    pub(super) fn start_pack_read(&mut self, folder: PathBuf) {
        if self.jobs.has(JobKind::PackRead) {
            self.error("上一个政策包仍在读取，请稍候。");
            return;
        }
        let Some((view, current)) = self.read_store(|s| Ok((PackView::load(s)?, s.policy_pack()?)))
        else {
            return;
        };
        self.spawn_job(
            JobKind::PackRead,
            "pack-read",
            "正在读取并检查政策包…",
            0,
            false,
            move |_| crate::import::policy_pack::read_pack(&folder).map(|pack| (folder, pack)),
            move |app, read| match read {
                Ok(Ok((folder, pack))) => {
                    let changes = crate::model::policy_pack::changes(&current, &pack);
                    let mut view = view;
                    view.revision = Some(Revision {
                        pack: Arc::new(pack),
                        folder,
                        changes,
                    });
                    app.dialog = Some(Dialog::PolicyPack(Box::new(view)));
                }
                Ok(Err(e)) => app.error(e.to_string()),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Takes the revised pack shown in the dialog.
    pub(super) fn adopt_policy_pack(&mut self) {
        let Some(Dialog::PolicyPack(view)) = &self.dialog else {
            return;
        };
        let Some(revision) = view.revision.clone() else {
            return;
        };
        if self
            .with_store_mut(|s| s.add_pack_version(&revision.pack))
            .is_some()
        {
            self.info(format!(
                "已采用政策包 {}：新开始的验收与调查按此版本；下次导出数据包时发给外业电脑。",
                revision.pack.meta.version
            ));
            self.show_policy_pack();
            self.reload();
        }
    }
}
