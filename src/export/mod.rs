//! Exports: an owned snapshot in, document bytes out. No egui here.

mod acceptance_sheet;
pub mod batch;
pub mod bulletin;
mod canvas;
mod chart;
mod document;
mod final_sheet;
pub mod issuer;
mod layout;
mod ledger;
mod overall_sheet;
pub mod package;
pub mod policy_pack;
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
    #[error("“{}”是数据库文件（或数据库旁的日志、锁、备份），导出不能覆盖它，原文件未被改动。请换一个文件名。", path.display())]
    WouldReplaceDatabase { path: PathBuf },
    #[error("{0}")]
    NothingToExport(String),
    #[error("这一项是一批文件，请选择文件夹导出。")]
    NotASingleFile,
    #[error("无法生成 Excel 文件：{0}")]
    Workbook(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Refuses an output path that holds data an export must never replace: any SQLite file (the
/// open database, another database, a backup; a field package only where `package_over` and
/// the file there is a package too), or the `-wal`, `-shm`, `-journal` or `.lock` beside one.
pub(crate) fn refuse_replacing_data(path: &Path, package_over: bool) -> Result<(), ExportError> {
    let refuse = || {
        Err(ExportError::WouldReplaceDatabase {
            path: path.to_owned(),
        })
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    for suffix in ["-wal", "-shm", "-journal", ".lock"] {
        if let Some(stem) = name.strip_suffix(suffix)
            && sqlite_file_kind(&path.with_file_name(stem)).is_some()
        {
            return refuse();
        }
    }
    match sqlite_file_kind(path) {
        None => Ok(()),
        Some(id) if package_over && id == package::PACKAGE_APPLICATION_ID => Ok(()),
        Some(_) => refuse(),
    }
}

/// The application id of the SQLite file at `path`, if it is one.
fn sqlite_file_kind(path: &Path) -> Option<i32> {
    use std::io::Read as _;
    let mut header = [0u8; 72];
    let mut file = std::fs::File::open(path).ok()?;
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return None,
        }
    }
    if read < 16 || &header[..16] != b"SQLite format 3\0" {
        return None;
    }
    Some(if read >= 72 {
        i32::from_be_bytes([header[68], header[69], header[70], header[71]])
    } else {
        0
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a full disk or a
/// crash never leaves a half-written file where a good one was. A database (or what SQLite
/// keeps beside one) at `path` is refused, never replaced.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    refuse_replacing_data(path, false)?;
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
