//! Field packages in the app: a package is read and checked on the `package-read` thread,
//! then applied in one transaction; what was sent is remembered; identity, conflicts and
//! look-alikes are settled from the exchange screen.

use std::path::PathBuf;

use super::App;
use super::jobs::JobKind;
use crate::command::Screen;
use crate::import::package::read_package;
use crate::model::sync::{Manifest, Role};
use crate::store::sync::FieldPick;

impl App {
    /// Reads and checks the package at `path` in the background (its hash, its format), then
    /// applies it.
    pub(super) fn start_package_import(&mut self, path: PathBuf) {
        self.dialog = None;
        let writable = self
            .store
            .as_ref()
            .is_some_and(|s| *s.access() == crate::store::Access::Write);
        if !writable && !self.store_away {
            // No file this window may write (a first start, a refused or view-only file): the
            // package waits for one, and is said, not dropped.
            self.info(crate::ui::no_database::waiting_words(&path));
            self.waiting_package = Some(path);
            return;
        }
        if self.store.is_none() || self.jobs.has(JobKind::PackageRead) {
            self.error("上一个数据包仍在导入，请稍候。");
            return;
        }
        let file_name = crate::import::file_name_of(&path);
        self.spawn_job(
            JobKind::PackageRead,
            "package-read",
            "正在读取并核对数据包…",
            0,
            false,
            move |_| read_package(&path),
            move |app, read| match read {
                Ok(Ok(package)) => app.package_read(package, file_name),
                Ok(Err(refused)) => app.error(refused.to_string()),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// A checked package: applied at once from a machine whose key this file knows (or an
    /// unsigned one, which the import itself refuses or says); from a machine it does not
    /// know, its fingerprint is shown first, to be checked by telephone.
    fn package_read(&mut self, package: crate::model::sync::Package, file_name: String) {
        let source = package.manifest.source_id.clone();
        // This file's own package, or a file with no identity: the import says why not.
        let Some(known) = self.read_store(|s| {
            let me = s.identity()?.map(|i| i.id);
            Ok(me.is_none_or(|me| me == source)
                || s.known_devices()?.into_iter().any(|d| d.id == source))
        }) else {
            return;
        };
        match &package.sender_key {
            Some(_) if !known && self.dialog.is_some() => {
                // A form is open, with what was typed into it: it is not replaced.
                self.error(format!(
                    "数据包“{file_name}”来自首次往来的电脑“{}”，导入前需核对它的密钥指纹：请先完成或关闭当前窗口，再导入一次。本机数据未改动。",
                    package.manifest.source_name
                ));
            }
            Some(key) if !known => {
                let sender = package.manifest.source_name.clone();
                let fingerprint = crate::model::device_key::fingerprint(key);
                self.dialog = Some(crate::ui::dialogs::Dialog::NewSender {
                    package: Box::new(package),
                    file_name,
                    sender,
                    fingerprint,
                });
            }
            _ => self.apply_package(package, file_name),
        }
    }

    /// The fingerprint was checked: the package held by the dialog is applied.
    pub(super) fn accept_new_sender(&mut self) {
        match self.dialog.take() {
            Some(crate::ui::dialogs::Dialog::NewSender {
                package, file_name, ..
            }) => self.apply_package(*package, file_name),
            other => self.dialog = other,
        }
    }

    /// Applies a checked package, all of it or nothing, on the `package-apply` thread: the
    /// window's store goes with it (the screen stays as it is, and a change asked for meanwhile
    /// is refused with the reason) and comes back when it is done.
    fn apply_package(&mut self, package: crate::model::sync::Package, file_name: String) {
        let Some(mut store) = self.store.take() else {
            return;
        };
        self.store_away = true;
        self.spawn_job(
            JobKind::PackageApply,
            "package-apply",
            "正在导入数据包（先备份本机数据）…",
            0,
            false,
            move |_| {
                let outcome = store.import_package(&package, &file_name);
                (store, outcome)
            },
            |app, done| match done {
                Ok((store, outcome)) => {
                    app.store = Some(store);
                    app.store_away = false;
                    match outcome {
                        Ok(outcome) => {
                            app.info(outcome.summary());
                            if outcome.conflicts + outcome.duplicates > 0 {
                                app.show_screen(Screen::Exchange);
                            } else {
                                app.reload();
                            }
                        }
                        Err(e) => app.error(e.to_string()),
                    }
                }
                Err(lost) => {
                    // The thread is gone with its connection (its transaction rolled back):
                    // the file is opened again.
                    app.store_away = false;
                    let path = app.db_path.clone();
                    app.switch_database(&path);
                    app.error(format!("{lost}：数据包未导入，本机数据未改动。"));
                }
            },
        );
        if !self.jobs.has(JobKind::PackageApply) {
            // No thread could be started: the store went with the work; the file is opened
            // again, as it was.
            self.store_away = false;
            let path = self.db_path.clone();
            self.switch_database(&path);
        }
    }

    /// Remembers that a package was written for its destination.
    pub(super) fn package_written(&mut self, manifest: &Manifest, file_name: &str) {
        self.write(|s| s.record_sent(manifest, file_name));
    }

    /// 文件 › 导出外业数据包: from a laptop, to the office it exchanges with (or a first
    /// package to whoever imports it); at the office, the exchange screen, to choose a laptop.
    pub(super) fn export_package(&mut self) {
        let Some((role, peers)) = self.read_store(|s| {
            let role = s.identity()?.map(|i| i.role);
            Ok((role, s.peers()?))
        }) else {
            return;
        };
        let offices: Vec<_> = peers.iter().filter(|p| p.role == Role::Office).collect();
        match (role, offices.as_slice()) {
            (Some(Role::Field), [office]) => {
                self.handle(crate::command::Command::Export(
                    crate::export::Document::FieldPackage {
                        destination: Some(office.id.clone()),
                        scope: crate::store::sync::Scope::Changes,
                    },
                ));
            }
            (Some(Role::Field), []) => {
                self.handle(crate::command::Command::Export(
                    crate::export::Document::FieldPackage {
                        destination: None,
                        scope: crate::store::sync::Scope::Changes,
                    },
                ));
            }
            _ => {
                self.show_screen(Screen::Exchange);
                self.info("请在“数据交换”中选择发给哪台电脑。");
            }
        }
    }

    pub(super) fn set_identity(&mut self, name: &str, role: Role) {
        if name.trim().is_empty() {
            self.error("本机名称不能为空：请填写如“××镇-王海燕的笔记本”。");
            return;
        }
        if self
            .with_store_mut(|s| s.set_identity(name, role))
            .is_some()
        {
            self.info(format!("本机身份已保存：{name}（{}）。", role.label()));
            self.reload();
        }
    }

    /// Settles conflicts, one pick each; stops at the first refusal (said in the status bar).
    pub(super) fn resolve_conflicts(&mut self, picks: &[(crate::model::ConflictId, FieldPick)]) {
        let mut settled = 0;
        for (id, pick) in picks {
            if self
                .with_store_mut(|s| s.resolve_conflict(id, *pick))
                .is_none()
            {
                break;
            }
            settled += 1;
        }
        if settled > 0 {
            self.info(format!(
                "已处理 {settled} 处冲突；您的选择会随下一个数据包发出。"
            ));
        }
        self.reload();
    }

    pub(super) fn resolve_duplicate(&mut self, id: &crate::model::LookAlikeId, merge: bool) {
        if self
            .with_store_mut(|s| s.resolve_duplicate(id, merge))
            .is_some()
        {
            self.info(if merge {
                "已合并为一个。"
            } else {
                "已保留两个。"
            });
        }
        self.reload();
    }
}
