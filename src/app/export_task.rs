//! Background export: a named thread renders and writes one or many documents; the UI shows
//! the count and can cancel a batch between two documents.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui;

use crate::export::{ExportError, write_file_atomically};

/// One document to write: where, and how to render it.
pub type ExportJob = (
    PathBuf,
    Box<dyn FnOnce() -> Result<Vec<u8>, ExportError> + Send>,
);

/// How a task ended: files written (path, bytes), or why it stopped.
#[derive(Debug)]
pub struct ExportOutcome {
    pub written: Vec<(PathBuf, usize)>,
    pub error: Option<String>,
    pub cancelled: bool,
}

/// A running export.
#[derive(Debug)]
pub struct ExportTask {
    description: String,
    total: usize,
    done: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    receiver: Receiver<ExportOutcome>,
}

impl ExportTask {
    /// Runs `render` and writes its bytes to `path` on the `pdf-export` thread.
    pub fn spawn(
        description: String,
        path: PathBuf,
        repaint: Option<egui::Context>,
        render: impl FnOnce() -> Result<Vec<u8>, ExportError> + Send + 'static,
    ) -> std::io::Result<Self> {
        Self::spawn_batch(description, vec![(path, Box::new(render))], repaint)
    }

    /// Writes every job in turn; stops at the first failure or when cancelled.
    pub fn spawn_batch(
        description: String,
        jobs: Vec<ExportJob>,
        repaint: Option<egui::Context>,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = channel();
        let total = jobs.len();
        let done = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (counter, stop) = (Arc::clone(&done), Arc::clone(&cancel));
        std::thread::Builder::new()
            .name("pdf-export".to_owned())
            .spawn(move || {
                let mut outcome = ExportOutcome {
                    written: Vec::new(),
                    error: None,
                    cancelled: false,
                };
                let total = jobs.len();
                for (index, (path, render)) in jobs.into_iter().enumerate() {
                    // Checked between documents: the one being written is always finished.
                    if index > 0 && stop.load(Ordering::Relaxed) {
                        outcome.cancelled = index < total;
                        break;
                    }
                    let result = render().and_then(|bytes| {
                        write_file_atomically(&path, &bytes).map(|()| bytes.len())
                    });
                    match result {
                        Ok(size) => outcome.written.push((path, size)),
                        Err(e) => {
                            outcome.error = Some(e.to_string());
                            break;
                        }
                    }
                    counter.fetch_add(1, Ordering::Relaxed);
                    if let Some(ctx) = &repaint {
                        ctx.request_repaint();
                    }
                }
                // The receiver is gone only if the app closed; nothing to report then.
                let _ = sender.send(outcome);
                if let Some(ctx) = repaint {
                    ctx.request_repaint();
                }
            })?;
        Ok(Self {
            description,
            total,
            done,
            cancel,
            receiver,
        })
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// (done, total)
    pub fn progress(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total)
    }

    /// Asks the thread to stop before the next document; what is written stays.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// The outcome, once the thread is done.
    pub fn try_finish(&self) -> Option<ExportOutcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(ExportOutcome {
                written: Vec::new(),
                error: Some("导出任务意外中止，文件未生成。请重试。".to_owned()),
                cancelled: false,
            }),
        }
    }
}
