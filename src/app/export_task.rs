//! The background PDF export: a named thread renders and writes the file; the UI polls.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui;

use crate::export::{ExportError, write_file_atomically};

type Outcome = Result<(PathBuf, usize), String>;

/// A running export of one document.
#[derive(Debug)]
pub struct ExportTask {
    description: String,
    receiver: Receiver<Outcome>,
}

impl ExportTask {
    /// Runs `render` and writes its bytes to `path` on the `pdf-export` thread.
    pub fn spawn(
        description: String,
        path: PathBuf,
        repaint: Option<egui::Context>,
        render: impl FnOnce() -> Result<Vec<u8>, ExportError> + Send + 'static,
    ) -> std::io::Result<Self> {
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name("pdf-export".to_owned())
            .spawn(move || {
                let outcome = render()
                    .and_then(|bytes| write_file_atomically(&path, &bytes).map(|()| bytes.len()))
                    .map(|size| (path, size))
                    .map_err(|e| e.to_string());
                // The receiver is gone only if the app closed; nothing to report then.
                let _ = sender.send(outcome);
                if let Some(ctx) = repaint {
                    ctx.request_repaint();
                }
            })?;
        Ok(Self {
            description,
            receiver,
        })
    }

    pub fn description(&self) -> &str {
        &self.description
    }

    /// The outcome, once the thread is done.
    pub fn try_finish(&self) -> Option<Outcome> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err("导出任务意外中止，文件未生成。请重试。".to_owned()))
            }
        }
    }
}
