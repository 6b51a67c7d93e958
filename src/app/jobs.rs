//! The app's background jobs: exports, photo imports and opening a photo large, each a
//! `job::Job` on a named thread that reads through its own store connection. Polled once a
//! frame; what a finished job must write to the store goes back through `handle`.

use std::path::PathBuf;

use eframe::egui;

use super::App;
use super::command_handling::today;
use crate::command::Command;
use crate::export::{Document, ExportOutcome};
use crate::import::photo::import_file;
use crate::job::{Job, JobLost, Waker};
use crate::model::{InspectionId, PhotoId, PreparedPhoto, photo::decode_rgb};
use crate::store::{Audit, StoreError};
use crate::ui::Dialog;
use crate::ui::status_bar::TaskLine;

/// A photo decoded for the large view: its title and pixels, or why it cannot be shown.
type DecodedPhoto = Result<(String, egui::ColorImage), String>;

/// Photos prepared by an import, and a message for each file that could not be taken in.
type PreparedPhotos = (Vec<PreparedPhoto>, Vec<String>);

enum Running {
    Export(Job<ExportOutcome>),
    PhotoImport {
        inspection: InspectionId,
        code: String,
        job: Job<PreparedPhotos>,
    },
    PhotoView(Job<DecodedPhoto>),
    /// The integrity check of a large file, which stays read-only until it passes.
    IntegrityCheck(Job<Result<(), StoreError>>),
    /// Every signed record checked against its seal and the sign-off log.
    Audit(Job<Result<Audit, StoreError>>),
}

/// What a finished job handed back.
enum Finished {
    Export(Result<ExportOutcome, JobLost>),
    Photos {
        inspection: InspectionId,
        code: String,
        outcome: Result<PreparedPhotos, JobLost>,
    },
    View(Result<DecodedPhoto, JobLost>),
    Checked(Result<Result<(), StoreError>, JobLost>),
    Audited(Result<Result<Audit, StoreError>, JobLost>),
}

impl Running {
    fn try_finish(&self) -> Option<Finished> {
        match self {
            Self::Export(job) => job.try_finish().map(Finished::Export),
            Self::PhotoImport {
                inspection,
                code,
                job,
            } => job.try_finish().map(|outcome| Finished::Photos {
                inspection: *inspection,
                code: code.clone(),
                outcome,
            }),
            Self::PhotoView(job) => job.try_finish().map(Finished::View),
            Self::IntegrityCheck(job) => job.try_finish().map(Finished::Checked),
            Self::Audit(job) => job.try_finish().map(Finished::Audited),
        }
    }
}

/// The jobs running now.
#[derive(Default)]
pub(super) struct Jobs {
    running: Vec<Running>,
}

impl Jobs {
    pub(super) fn is_exporting(&self) -> bool {
        self.running.iter().any(|r| matches!(r, Running::Export(_)))
    }

    pub(super) fn is_importing(&self) -> bool {
        self.running
            .iter()
            .any(|r| matches!(r, Running::PhotoImport { .. }))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    pub(super) fn cancel_export(&self) {
        for running in &self.running {
            if let Running::Export(job) = running {
                job.cancel();
            }
        }
    }

    /// What the status bar shows.
    pub(super) fn lines(&self) -> Vec<TaskLine> {
        self.running
            .iter()
            .map(|running| match running {
                Running::Export(job) => TaskLine {
                    description: job.description().to_owned(),
                    progress: job.progress(),
                    cancel: Some(Command::CancelExport),
                },
                Running::PhotoImport { job, .. } => {
                    let (done, total) = job.progress();
                    TaskLine {
                        description: format!("正在导入照片 {done}/{total}…"),
                        progress: (done, total),
                        cancel: None,
                    }
                }
                Running::PhotoView(job) => TaskLine {
                    description: job.description().to_owned(),
                    progress: job.progress(),
                    cancel: None,
                },
                Running::IntegrityCheck(job) => TaskLine {
                    description: job.description().to_owned(),
                    progress: job.progress(),
                    cancel: None,
                },
                Running::Audit(job) => TaskLine {
                    description: job.description().to_owned(),
                    progress: job.progress(),
                    cancel: None,
                },
            })
            .collect()
    }
}

impl App {
    /// Asks egui to repaint when a worker has news.
    fn waker(&self) -> Option<Waker> {
        let ctx = self.egui_ctx.clone()?;
        Some(std::sync::Arc::new(move || ctx.request_repaint()))
    }

    /// Writes `document` to `path` on the `export` thread, reading through its own connection.
    pub(super) fn start_export(&mut self, document: Document, path: PathBuf) {
        if self.jobs.is_exporting() {
            self.error("上一份文件仍在导出，请稍候。");
            return;
        }
        let Some(reader) = self.read_store(crate::store::Store::reader) else {
            return;
        };
        let today = today();
        let spawned = Job::spawn(
            "export",
            document.progress_text(),
            0,
            self.waker(),
            move |progress| document.write(&reader, &path, today, progress),
        );
        match spawned {
            Ok(job) => self.jobs.running.push(Running::Export(job)),
            Err(e) => self.error(format!("无法启动导出任务：{e}")),
        }
    }

    /// Prepares photo files for an item on the `photo-import` thread (checked, turned
    /// upright, shrunk, hashed); the store takes them when it is done.
    pub(super) fn start_photo_import(
        &mut self,
        inspection: InspectionId,
        code: String,
        paths: Vec<PathBuf>,
    ) {
        if self.jobs.is_importing() {
            self.error("上一批照片仍在导入，请稍候。");
            return;
        }
        let total = paths.len();
        let spawned = Job::spawn(
            "photo-import",
            "正在导入照片…",
            total,
            self.waker(),
            move |progress| {
                let mut ready = Vec::new();
                let mut failed = Vec::new();
                for path in paths {
                    match import_file(&path) {
                        Ok(photo) => ready.push(photo),
                        Err(e) => failed.push(e.to_string()),
                    }
                    progress.advance();
                }
                (ready, failed)
            },
        );
        match spawned {
            Ok(job) => self.jobs.running.push(Running::PhotoImport {
                inspection,
                code,
                job,
            }),
            Err(e) => self.error(format!("无法启动照片导入：{e}")),
        }
    }

    /// Reads and decodes a photo for the large view on the `photo-view` thread.
    pub(super) fn start_photo_view(&mut self, id: PhotoId) {
        let Some(reader) = self.read_store(crate::store::Store::reader) else {
            return;
        };
        let spawned = Job::spawn(
            "photo-view",
            "正在打开照片…",
            0,
            self.waker(),
            move |_| {
                let jpeg = reader
                    .photo_jpeg(id)
                    .map_err(|e: StoreError| e.to_string())?;
                let (w, h, rgb) =
                    decode_rgb(&jpeg).ok_or_else(|| "照片无法显示：数据已损坏。".to_owned())?;
                let image = egui::ColorImage::from_rgb([w as usize, h as usize], &rgb);
                Ok((format!("照片（{w}×{h}）"), image))
            },
        );
        match spawned {
            Ok(job) => self.jobs.running.push(Running::PhotoView(job)),
            Err(e) => self.error(format!("无法打开照片：{e}")),
        }
    }

    /// Picks up finished jobs (before the frame is drawn, so it shows their results): says
    /// what they did, shows what they made, and stores what they prepared through `handle`.
    pub(super) fn poll_jobs(&mut self) {
        let mut finished = Vec::new();
        self.jobs
            .running
            .retain(|running| match running.try_finish() {
                Some(done) => {
                    finished.push(done);
                    false
                }
                None => true,
            });
        for done in finished {
            match done {
                Finished::Export(Ok(outcome)) => self.export_done(&outcome),
                Finished::Photos {
                    inspection,
                    code,
                    outcome: Ok((photos, failed)),
                } => self.handle(Command::StorePhotos {
                    inspection,
                    code,
                    photos,
                    failed,
                }),
                Finished::View(Ok(Ok((title, image)))) => self.show_photo(title, image),
                Finished::View(Ok(Err(message))) => self.error(message),
                Finished::Checked(result) => self.integrity_checked(result),
                Finished::Audited(result) => self.audited(result),
                Finished::Export(Err(lost))
                | Finished::Photos {
                    outcome: Err(lost), ..
                }
                | Finished::View(Err(lost)) => self.error(lost.to_string()),
            }
        }
    }

    /// Checks a large file's integrity on the `integrity-check` thread.
    pub(super) fn start_integrity_check(&mut self) {
        let Some(reader) = self.read_store(crate::store::Store::reader) else {
            return;
        };
        let spawned = Job::spawn(
            "integrity-check",
            "正在检查数据库是否完好…",
            0,
            self.waker(),
            move |_| reader.check_integrity(),
        );
        match spawned {
            Ok(job) => self.jobs.running.push(Running::IntegrityCheck(job)),
            Err(e) => self.error(format!("无法启动完整性检查：{e}")),
        }
    }

    /// Checks every signed record against its seal and the sign-off log, on the `audit` thread.
    pub(super) fn start_audit(&mut self) {
        let Some(reader) = self.read_store(crate::store::Store::reader) else {
            return;
        };
        let spawned = Job::spawn(
            "audit",
            "正在核验已签字的记录…",
            0,
            self.waker(),
            move |_| reader.audit(),
        );
        match spawned {
            Ok(job) => self.jobs.running.push(Running::Audit(job)),
            Err(e) => self.error(format!("无法启动核验：{e}")),
        }
    }

    fn audited(&mut self, result: Result<Result<Audit, StoreError>, JobLost>) {
        match result {
            Ok(Ok(audit)) => {
                if !audit.is_clean() {
                    let lines = audit.lines();
                    self.error(format!(
                        "核验发现 {} 处问题：{}",
                        lines.len(),
                        lines.join(" ")
                    ));
                }
                self.audit = Some(audit);
            }
            Ok(Err(e)) => self.error(format!("核验未能完成：{e}")),
            Err(lost) => self.error(lost.to_string()),
        }
    }

    fn integrity_checked(&mut self, result: Result<Result<(), StoreError>, JobLost>) {
        let result = result.unwrap_or_else(|lost| Err(StoreError::Corrupt(lost.to_string())));
        let Some(store) = &mut self.store else {
            return;
        };
        store.finish_check(&result);
        match result {
            Ok(()) => self.info("数据库检查完毕，完好，可以修改。"),
            Err(e) => self.error(e.to_string()),
        }
    }

    fn export_done(&mut self, outcome: &ExportOutcome) {
        let text = outcome.summary();
        if outcome.error.is_some() {
            self.error(text);
        } else {
            self.info(text);
        }
    }

    fn show_photo(&mut self, title: String, image: egui::ColorImage) {
        let Some(ctx) = &self.egui_ctx else {
            return;
        };
        let texture = ctx.load_texture("photo-large", image, Default::default());
        self.dialog = Some(Dialog::Photo { title, texture });
    }

    /// Stores the photos of a finished import in one transaction, and says what happened.
    pub(super) fn store_photos(
        &mut self,
        inspection: InspectionId,
        code: &str,
        photos: &[PreparedPhoto],
        failed: Vec<String>,
    ) {
        let mut lines = failed;
        let all_taken = lines.is_empty();
        if !photos.is_empty() {
            match self.with_store_mut(|s| s.add_photos(inspection, code, photos)) {
                Some(ids) => lines.insert(0, format!("已添加 {} 张照片。", ids.len())),
                None => return,
            }
        }
        let text = lines.join(" ");
        if all_taken {
            self.info(text);
        } else {
            self.error(text);
        }
        self.reload();
    }
}
