//! Importing photos on the `photo-import` thread: each file is checked, turned upright,
//! shrunk and hashed there; the UI shows the count and stores the results in one transaction.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui;

use crate::model::InspectionId;
use crate::photo::{PhotoError, PreparedPhoto, import_file};

/// The outcome: the photos ready to store, and a message per file that could not be taken.
pub type ImportOutcome = (Vec<PreparedPhoto>, Vec<PhotoError>);

/// A running import of photos for one item.
#[derive(Debug)]
pub struct PhotoImportTask {
    pub inspection: InspectionId,
    pub item_code: String,
    total: usize,
    done: Arc<AtomicUsize>,
    receiver: Receiver<ImportOutcome>,
}

impl PhotoImportTask {
    pub fn spawn(
        inspection: InspectionId,
        item_code: String,
        paths: Vec<PathBuf>,
        repaint: Option<egui::Context>,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = channel();
        let done = Arc::new(AtomicUsize::new(0));
        let total = paths.len();
        let counter = Arc::clone(&done);
        std::thread::Builder::new()
            .name("photo-import".to_owned())
            .spawn(move || {
                let mut ready = Vec::new();
                let mut failed = Vec::new();
                for path in paths {
                    match import_file(&path) {
                        Ok(photo) => ready.push(photo),
                        Err(e) => failed.push(e),
                    }
                    counter.fetch_add(1, Ordering::Relaxed);
                    if let Some(ctx) = &repaint {
                        ctx.request_repaint();
                    }
                }
                // The receiver is gone only if the app closed.
                let _ = sender.send((ready, failed));
                if let Some(ctx) = repaint {
                    ctx.request_repaint();
                }
            })?;
        Ok(Self {
            inspection,
            item_code,
            total,
            done,
            receiver,
        })
    }

    /// "正在导入照片 3/20…"
    pub fn description(&self) -> String {
        format!(
            "正在导入照片 {}/{}…",
            self.done.load(Ordering::Relaxed),
            self.total
        )
    }

    pub fn try_finish(&self) -> Option<ImportOutcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some((Vec::new(), Vec::new())),
        }
    }
}
