//! Exports: an owned snapshot in, document bytes out. No egui here.

mod acceptance_sheet;
pub mod batch;
pub mod bulletin;
mod canvas;
mod chart;
mod document;
mod final_sheet;
mod layout;
mod ledger;
mod overall_sheet;
pub mod package;
pub mod progress_report;
pub mod rhythm_sheets;
mod survey_sheet;
mod text_wrap;
mod workbook;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use acceptance_sheet::{
    AcceptanceSheet, CLUSTER_SHEET_TITLE, SHEET_TITLE, render_acceptance_sheet,
    render_rectification_notice,
};
pub use document::{Document, ExportOutcome, Format, sanitize_file_name};
pub use final_sheet::{CLUSTER_FINAL_TITLE, FINAL_TITLE, FinalSheet, render_final_sheet};
pub use ledger::{Ledger, render_ledger};
pub use overall_sheet::{OVERALL_TITLE, OverallSheet, render_overall_sheet};
pub use survey_sheet::{SurveySheet, render_survey_sheet};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("内置字体无法读取，无法生成 PDF。请重新安装本程序。")]
    Font,
    #[error("无法写入“{}”：{source}。请换一个位置或检查磁盘空间；原有文件未被改动。", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    NothingToExport(String),
    #[error("这一项是一批文件，请选择文件夹导出。")]
    NotASingleFile,
    #[error("无法生成 Excel 文件：{0}")]
    Workbook(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a full disk or a
/// crash never leaves a half-written file where a good one was.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let fail = |source| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(
        ".{file_name}.{}.tmp",
        uuid::Uuid::now_v7().simple()
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}
