//! Store errors, each with a Chinese message that says what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("“{}”不是 SQLite 数据库文件（可能已损坏，或是其他类型的文件）。文件未作任何改动。请打开验收数据库文件，或新建一个。", path.display())]
    NotADatabase { path: PathBuf },

    #[error("“{}”是其他程序的数据库，不是验收数据库。文件未作任何改动。请打开验收数据库文件，或新建一个。", path.display())]
    Foreign { path: PathBuf },

    #[error("“{}”由更新版本的验收程序写入（数据版本 {found}，本程序最高支持 {supported}）。文件未作任何改动，请升级本程序后再打开。", path.display())]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: u32,
    },

    #[error("数据库文件“{}”只读，无法保存记录。请检查文件权限，或把文件复制到可写的位置后再打开。", path.display())]
    ReadOnly { path: PathBuf },

    #[error(
        "数据库正被其他程序占用（已等待 5 秒）。请关闭同时打开此文件的其他验收程序后重试；刚才的操作未保存。"
    )]
    Busy,

    #[error("磁盘空间已满，刚才的操作未保存。请清理磁盘空间后重试；已保存的记录不受影响。")]
    DiskFull,

    #[error("无法创建数据目录“{}”：{source}。请选择其他位置。", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("无法读取“{}”：{source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("找不到{what}（{id}），可能已被删除。")]
    NotFound { what: &'static str, id: String },

    #[error("{0}")]
    ReadOnlyRecord(String),

    #[error("还不能完成签字：{}。", .0.join("；"))]
    NotReady(Vec<String>),

    #[error("数据库中的记录有误：{0}。请联系技术支持，不要手动修改数据库文件。")]
    Corrupt(String),

    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
}

/// What the read-only triggers raise (migration 3).
const SIGNED_OFF: &str = "yanshou: signed off";

/// The message for any attempt to change a signed-off record.
pub const SIGNED_OFF_MESSAGE: &str =
    "该验收记录已签字确认，不能修改。如需更正，请点“更正（新建一轮）”，原记录保持不变。";

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if e.to_string().contains(SIGNED_OFF) {
            return Self::ReadOnlyRecord(SIGNED_OFF_MESSAGE.to_owned());
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            _ => Self::Sqlite(e),
        }
    }
}

impl StoreError {
    /// Classifies an error met while opening or configuring the file at `path`.
    pub(crate) fn from_open(path: &Path, e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Self::NotADatabase {
                path: path.to_owned(),
            },
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                Self::ReadOnly {
                    path: path.to_owned(),
                }
            }
            _ => Self::from(e),
        }
    }
}
