//! The app's background jobs. Each is a `job::Job` on a named thread that reads through its own
//! store connection, with what to do when it is done; polled once a frame, before the frame is
//! drawn. What a finished job must write to the store goes through `handle`.

use std::path::PathBuf;

use eframe::egui;

use super::App;
use super::command_handling::today;
use crate::command::{Command, Screen};
use crate::export::Document;
use crate::import::photo::import_files;
use crate::job::{Job, JobId, JobLost, Progress, Waker};
use crate::model::{InspectionId, PhotoId, PreparedPhoto, photo::decode_rgb};
use crate::store::{Store, StoreError};
use crate::ui::checklist::Spot;
use crate::ui::status_bar::TaskLine;
use crate::ui::{Dialog, Page};

/// What a job does, so that two of a kind do not run at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum JobKind {
    Export,
    PhotoImport,
    PhotoView,
    IntegrityCheck,
    Audit,
    PageLoad,
    /// A file dialog waiting for the user.
    FileChoice,
    /// A field package being read and checked.
    PackageRead,
    /// A spreadsheet being read.
    RegisterRead,
    /// A policy pack's folder being read and checked.
    PackRead,
    /// A paper sheet's scan or photo being read for its QR.
    SheetRead,
    /// An evidence file being read.
    EvidenceRead,
    /// The day's automatic backup.
    Backup,
    /// A field package being applied (the store is on that thread meanwhile).
    PackageApply,
}

/// What to do with a job's result, on the UI thread.
type OnDone<T> = Box<dyn FnOnce(&mut App, Result<T, JobLost>)>;

/// A finished job's effect on the app.
type Effect = Box<dyn FnOnce(&mut App)>;

/// A running job of any result type.
trait Tracked {
    fn id(&self) -> JobId;
    fn line(&self, cancellable: bool) -> TaskLine;
    fn cancel(&self);
    /// Once done: its effect on the app.
    fn finish(&mut self) -> Option<Effect>;
}

struct WithResult<T> {
    job: Job<T>,
    on_done: Option<OnDone<T>>,
}

impl<T: 'static> Tracked for WithResult<T> {
    fn id(&self) -> JobId {
        self.job.id()
    }

    fn line(&self, cancellable: bool) -> TaskLine {
        TaskLine {
            description: self.job.description().to_owned(),
            progress: self.job.progress(),
            cancel: cancellable.then(|| Command::CancelJob(self.job.id())),
        }
    }

    fn cancel(&self) {
        self.job.cancel();
    }

    fn finish(&mut self) -> Option<Effect> {
        let result = self.job.try_finish()?;
        let on_done = self.on_done.take()?;
        Some(Box::new(move |app: &mut App| on_done(app, result)))
    }
}

struct Running {
    kind: JobKind,
    cancellable: bool,
    job: Box<dyn Tracked>,
}

/// The jobs running now.
#[derive(Default)]
pub(super) struct Jobs {
    running: Vec<Running>,
    /// Finished jobs' effects, until `handle` applies their `Command::JobDone`.
    done: Vec<(JobId, Effect)>,
}

impl Jobs {
    pub(super) fn has(&self, kind: JobKind) -> bool {
        self.running.iter().any(|r| r.kind == kind)
    }

    pub(super) fn is_exporting(&self) -> bool {
        self.has(JobKind::Export)
    }

    pub(super) fn is_importing(&self) -> bool {
        self.has(JobKind::PhotoImport)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Asks a job to stop after the step under way.
    pub(super) fn cancel(&self, id: JobId) {
        for r in &self.running {
            if r.job.id() == id {
                r.job.cancel();
            }
        }
    }

    /// Forgets the jobs of `kind`: their results, when they come, are dropped.
    fn forget(&mut self, kind: JobKind) {
        for r in self.running.iter().filter(|r| r.kind == kind) {
            r.job.cancel();
        }
        self.running.retain(|r| r.kind != kind);
    }

    /// What the status bar shows.
    pub(super) fn lines(&self) -> Vec<TaskLine> {
        self.running
            .iter()
            .filter(|r| r.kind != JobKind::PageLoad)
            .map(|r| r.job.line(r.cancellable))
            .collect()
    }
}

impl App {
    /// Asks egui to repaint when a worker has news.
    fn waker(&self) -> Option<Waker> {
        let ctx = self.egui_ctx.clone()?;
        Some(std::sync::Arc::new(move || ctx.request_repaint()))
    }

    /// Starts `work` on a thread named `thread`; `on_done` gets its result on the UI thread.
    #[expect(
        clippy::too_many_arguments,
        reason = "each is a different part of a job"
    )]
    pub(super) fn spawn_job<T: Send + 'static>(
        &mut self,
        kind: JobKind,
        thread: &str,
        description: impl Into<String>,
        total: usize,
        cancellable: bool,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
        on_done: impl FnOnce(&mut App, Result<T, JobLost>) + 'static,
    ) {
        // What a long job built and dropped is given back to the system when it ends (not
        // after a screen's loading: see crate::memory).
        let long = !matches!(kind, JobKind::PageLoad | JobKind::FileChoice);
        let work = move |progress: &Progress| {
            let result = work(progress);
            if long {
                crate::memory::give_back();
            }
            result
        };
        match Job::spawn(thread, description, total, self.waker(), work) {
            Ok(job) => self.jobs.running.push(Running {
                kind,
                cancellable,
                job: Box::new(WithResult {
                    job,
                    on_done: Some(Box::new(on_done)),
                }),
            }),
            Err(e) => self.error(format!("无法启动后台任务：{e}")),
        }
    }

    /// A connection for a job, reading one consistent state of the file from its first read.
    pub(super) fn job_reader(&mut self) -> Option<Store> {
        self.read_store(Store::snapshot_reader)
    }

    /// Picks up finished jobs (before the frame is drawn, so it shows their results): each
    /// comes back as `Command::JobDone`, which `handle` applies.
    pub(super) fn poll_jobs(&mut self) {
        let mut finished = Vec::new();
        self.jobs.running.retain_mut(|r| match r.job.finish() {
            Some(effect) => {
                finished.push((r.job.id(), effect));
                false
            }
            None => true,
        });
        for (id, effect) in finished {
            self.jobs.done.push((id, effect));
            self.handle(Command::JobDone(id));
        }
    }

    /// What a finished job does to the app (its `on_done`), once.
    pub(super) fn finish_job(&mut self, id: JobId) {
        if let Some(i) = self.jobs.done.iter().position(|(done, _)| *done == id) {
            let (_, effect) = self.jobs.done.swap_remove(i);
            effect(self);
        }
    }

    /// Writes `document` to `path` on the `export` thread.
    pub(super) fn start_export(&mut self, document: Document, path: PathBuf) {
        self.dialog = None;
        if self.jobs.is_exporting() {
            self.error("上一份文件仍在导出，请稍候。");
            return;
        }
        let Some(reader) = self.job_reader() else {
            return;
        };
        let clock = crate::model::Clock::local();
        let batch = document.is_batch();
        self.spawn_job(
            JobKind::Export,
            "export",
            document.progress_text(),
            0,
            batch,
            move |progress| document.write(&reader, &path, &clock, progress),
            |app, outcome| match outcome {
                Ok(outcome) if outcome.error.is_some() => app.error(outcome.summary()),
                Ok(outcome) => {
                    app.info(outcome.summary());
                    // A package is sent once written: the next one starts after it.
                    if let (Some(manifest), Some((path, _))) =
                        (outcome.package, outcome.written.first())
                    {
                        app.handle(Command::PackageWritten {
                            manifest,
                            file_name: crate::import::file_name_of(path),
                        });
                    }
                }
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Prepares photo files for an item on the `photo-import` thread (checked, turned upright,
    /// shrunk, hashed); the store takes them when it is done. Stops between files if asked.
    pub(super) fn start_photo_import(
        &mut self,
        inspection: InspectionId,
        code: String,
        paths: Vec<PathBuf>,
    ) {
        self.dialog = None;
        if self.jobs.is_importing() {
            self.error("上一批照片仍在导入，请稍候。");
            return;
        }
        let total = paths.len();
        self.spawn_job(
            JobKind::PhotoImport,
            "photo-import",
            "正在导入照片…",
            total,
            true,
            move |progress| {
                // Every core takes a photo at a time; the results keep the files' order.
                let mut ready = Vec::new();
                let mut failed = Vec::new();
                for result in import_files(&paths, progress) {
                    match result {
                        Ok(photo) => ready.push(photo),
                        Err(e) => failed.push(e),
                    }
                }
                (ready, failed)
            },
            move |app, outcome| match outcome {
                Ok((photos, failed)) => app.handle(Command::StorePhotos {
                    inspection,
                    code,
                    photos,
                    failed,
                }),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Reads and decodes a photo for the large view on the `photo-view` thread; a later click
    /// replaces an earlier one. Shown only if the user is still on that round and no other
    /// dialog has opened meanwhile.
    pub(super) fn start_photo_view(&mut self, id: PhotoId) {
        let Some(reader) = self.job_reader() else {
            return;
        };
        self.jobs.forget(JobKind::PhotoView);
        let screen = self.page.screen();
        self.spawn_job(
            JobKind::PhotoView,
            "photo-view",
            "正在打开照片…",
            0,
            false,
            move |_| {
                let jpeg = reader
                    .photo_jpeg(id)
                    .map_err(|e: StoreError| e.to_string())?;
                let (w, h, rgb) =
                    decode_rgb(&jpeg).ok_or_else(|| "照片无法显示：数据已损坏。".to_owned())?;
                let image = egui::ColorImage::from_rgb([w as usize, h as usize], &rgb);
                Ok::<_, String>((format!("照片（{w}×{h}）"), image))
            },
            move |app, outcome| match outcome {
                Ok(Ok((title, image))) => {
                    if app.dialog.is_none() && app.page.screen() == screen {
                        app.show_photo(title, image);
                    }
                }
                Ok(Err(message)) => app.error(message),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    fn show_photo(&mut self, title: String, image: egui::ColorImage) {
        let Some(ctx) = &self.egui_ctx else {
            return;
        };
        let texture = ctx.load_texture("photo-large", image, Default::default());
        self.dialog = Some(Dialog::Photo { title, texture });
    }

    /// Checks a large file's integrity on the `integrity-check` thread; it stays read-only
    /// until this passes.
    pub(super) fn start_integrity_check(&mut self) {
        let Some(reader) = self.job_reader() else {
            return;
        };
        self.spawn_job(
            JobKind::IntegrityCheck,
            "integrity-check",
            "正在检查数据库是否完好…",
            0,
            false,
            move |_| reader.check_integrity(),
            |app, result| {
                let result =
                    result.unwrap_or_else(|lost| Err(StoreError::Corrupt(lost.to_string())));
                let Some(store) = &mut app.store else {
                    return;
                };
                store.finish_check(&result);
                match result {
                    Ok(()) => app.info("数据库检查完毕，完好，可以修改。"),
                    Err(e) => app.error(e.to_string()),
                }
            },
        );
    }

    /// Checks every signed record against its seal and the sign-off log, on the `audit` thread.
    pub(super) fn start_audit(&mut self) {
        let Some(reader) = self.job_reader() else {
            return;
        };
        self.spawn_job(
            JobKind::Audit,
            "audit",
            "正在核验已签字的记录…",
            0,
            false,
            move |_| reader.audit(),
            |app, result| match result {
                Ok(Ok(audit)) => {
                    if !audit.is_clean() {
                        let lines = audit.lines();
                        app.error(format!(
                            "核验发现 {} 处问题：{}",
                            lines.len(),
                            lines.join(" ")
                        ));
                    }
                    app.audit = Some(audit);
                }
                Ok(Err(e)) => app.error(format!("核验未能完成：{e}")),
                Err(lost) => app.error(lost.to_string()),
            },
        );
    }

    /// Loads a screen that reads many records on the `page-load` thread; the page shows that
    /// it is loading until then. A newer load replaces an older one.
    pub(super) fn start_page_load(&mut self, screen: Screen) {
        let Some(reader) = self.job_reader() else {
            return;
        };
        self.jobs.forget(JobKind::PageLoad);
        let today = today();
        let settings = self.settings.clone();
        self.spawn_job(
            JobKind::PageLoad,
            "page-load",
            "正在读取…",
            0,
            false,
            move |_| Page::load(screen, &reader, today, &settings),
            move |app, loaded| {
                if app.page.screen() != screen {
                    return;
                }
                match loaded {
                    Ok(Ok(page)) => {
                        app.page.refresh(page);
                        app.prefill_forms();
                    }
                    Ok(Err(e)) => app.error(e.to_string()),
                    Err(lost) => app.error(lost.to_string()),
                }
            },
        );
    }

    /// Stores the photos of a finished import in one transaction, and says what happened.
    pub(super) fn store_photos(
        &mut self,
        inspection: InspectionId,
        code: &str,
        photos: &[PreparedPhoto],
        failed: Vec<String>,
    ) {
        let spot = Spot::Item(code.to_owned());
        if !photos.is_empty() {
            match self.write_at(inspection, spot.clone(), |s| {
                let before = s.photo_ids(inspection, code)?;
                let ids = s.add_photos(inspection, code, photos)?;
                let new: std::collections::HashSet<_> =
                    ids.iter().filter(|id| !before.contains(id)).collect();
                Ok((new.len(), ids.len()))
            }) {
                Some((new, chosen)) if new == chosen => {
                    self.info(format!("已添加 {new} 张照片。"));
                }
                Some((new, chosen)) => self.info(format!(
                    "已添加 {new} 张照片；另有 {} 张与这一项已有的照片相同，未重复添加。",
                    chosen - new
                )),
                None => return,
            }
        }
        // Photos that could not be taken are named beside the item they were meant for.
        if !failed.is_empty() {
            let text = failed.join(" ");
            match &mut self.page {
                Page::Inspection(view) if view.inspection.id == inspection => {
                    view.set_error(spot, Some(text));
                }
                _ => self.error(text),
            }
        }
        self.reload();
    }

    /// Drops what a store of another file's jobs would report.
    pub(super) fn forget_jobs_of_the_file(&mut self) {
        for kind in [
            JobKind::PhotoView,
            JobKind::PageLoad,
            JobKind::RegisterRead,
            JobKind::PackRead,
            JobKind::SheetRead,
            JobKind::Audit,
            JobKind::IntegrityCheck,
        ] {
            self.jobs.forget(kind);
        }
    }
}
