//! Store errors, each with a Chinese message that says what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::model::Refusal;

/// The kinds of `StoreError`: refusals of a rule apart from trouble with the file or the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A rule says no to what was asked (a value, a signed record, a sign-off not ready, a
    /// record gone): said beside the input; nothing changed, the file is fine.
    Refused,
    /// The file cannot be written now (another window, another program, a read-only disk).
    Access,
    /// The path is not a database of ours (missing, another program's, from a newer version).
    NotOurFile,
    /// The file or its journal is damaged or was changed by another tool.
    Damaged,
    /// The disk or the system failed (full, unreadable), or a backup could not be made.
    Storage,
    /// A machine with another key than the one this file knows.
    Untrusted,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("找不到数据库文件“{}”。请检查路径是否写对；如要新建，请用 `yanshou --db 文件 init`，或在程序中选“新建数据库”。", path.display())]
    Missing { path: PathBuf },

    #[error("文件夹“{}”不存在。程序不会自行新建文件夹：请先建好它，或选择其他位置。", path.display())]
    MissingFolder { path: PathBuf },

    #[error("“{}”是{kind}，不是普通文件，不能作为数据库打开。文件未作任何改动。", path.display())]
    NotARegularFile { path: PathBuf, kind: &'static str },

    #[error("没有权限读取“{}”。请检查文件权限，或请电脑管理员帮助。", path.display())]
    NoAccess { path: PathBuf },

    #[error("数据库文件“{}”已损坏：{detail}。文件未作任何改动，也不会被写入。请从备份恢复（文件 › 从备份恢复），或把此文件交给县办技术人员处理。", path.display())]
    Damaged { path: PathBuf, detail: String },

    #[error("数据库文件“{}”的结构与其数据版本（{found}）不符：{detail}。可能已损坏，或被其他工具改动过；程序不会用它。文件未作任何改动。请从备份恢复，或把文件交给县办技术人员处理。", path.display())]
    SchemaInconsistent {
        path: PathBuf,
        found: i64,
        /// What is extra, missing or altered.
        detail: String,
    },

    #[error("数据库旁的“{}”日志文件不属于这个数据库（可能是从别处复制来的）或已损坏。文件未作任何改动。请把这个日志文件移到别处后重新打开；如有疑问，请联系县办技术人员。", path.display())]
    ForeignWal { path: PathBuf },

    #[error("数据库旁有不属于它的恢复日志“{}”（上次中断或从别处复制来的）。为免用错误的日志改写数据库，程序没有打开它，文件未作任何改动。请把这个 -journal 文件移到别处后重新打开；如有疑问，请联系县办技术人员。", path.display())]
    LeftoverJournal { path: PathBuf },

    #[error("“{}”已在另一个验收程序中打开并可修改（{holder}）。已等待 10 秒；请关闭那个窗口后重试。未作任何改动。", path.display())]
    InUse { path: PathBuf, holder: String },

    #[error("无法写入“{}”：{}", path.display(), reason.explanation())]
    NotWritable {
        path: PathBuf,
        reason: super::ViewReason,
    },

    #[error("{0}")]
    ViewOnly(String),

    /// A rule says no to what was asked (said beside the input); the file is fine.
    #[error("{0}")]
    Refused(Refusal),

    #[error("{what}已被其他程序修改（{}）。为免覆盖，刚才的修改未保存；请关闭后重新打开再改。", changes.join("；"))]
    Stale {
        what: &'static str,
        changes: Vec<String>,
    },

    #[error("“{}”不是 SQLite 数据库文件（可能已损坏，或是其他类型的文件）。文件未作任何改动。请打开验收数据库文件，或新建一个。", path.display())]
    NotADatabase { path: PathBuf },

    #[error("“{}”是空文件（0 字节）：多半是新建时程序被中断，里面还没有任何记录。用本程序打开它（窗口或 `yanshou --db 文件 init`）即在其中新建数据库。", path.display())]
    EmptyFile { path: PathBuf },

    #[error("“{}”是其他程序的数据库，不是验收数据库。文件未作任何改动。请打开验收数据库文件，或新建一个。", path.display())]
    Foreign { path: PathBuf },

    #[error("“{}”由更新版本的验收程序写入（数据版本 {found}，本程序最高支持 {supported}）。文件未作任何改动，请升级本程序后再打开。", path.display())]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: u32,
    },

    #[error("数据库“{}”正被其他程序锁定（例如有人正用其他工具编辑它）。文件未作任何改动；请关闭那个程序后重试。", path.display())]
    LockedByOther { path: PathBuf },

    #[error(
        "数据库正被其他程序占用（已等待 5 秒）。请关闭同时打开此文件的其他验收程序后重试；刚才的操作未保存。"
    )]
    Busy,

    #[error("磁盘空间已满，刚才的操作未保存。请清理磁盘空间后重试；已保存的记录不受影响。")]
    DiskFull,

    #[error("无法读写“{}”：{}。文件未作任何改动；请检查文件和磁盘，或联系技术人员。", path.display(), describe_io(source))]
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

    /// A backup or a restore that did not happen, and what to do.
    #[error("{0}")]
    Backup(String),
    #[error("数据库中的记录有误：{0}。请联系技术支持，不要手动修改数据库文件。")]
    Corrupt(String),

    /// A machine that claims to be one this file knows, with another key.
    #[error(
        "“{name}”的密钥与本机记得的不同：本机记得的指纹为 {expected}，这次为 {found}。可能是别人冒充这台电脑，已拒绝，本机数据未改动。请打电话向对方核对指纹；确属换了电脑，请让对方在旧电脑上用命令 `yanshou key-export` 导出原密钥，在新电脑用 `yanshou key-import` 导入。"
    )]
    KeyMismatch {
        name: String,
        expected: String,
        found: String,
    },

    /// A key or enrolment file that cannot be used.
    #[error("{0}")]
    KeyFile(#[from] crate::model::key_file::KeyFileError),

    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    /// A rule's refusal, in its Chinese sentence.
    pub fn refused(message: impl Into<String>) -> Self {
        Self::Refused(Refusal::new(message))
    }

    /// What kind of trouble this is: a rule's refusal is said beside what was typed or
    /// clicked; the rest concern the file, the disk or the program, and the whole window.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Refused(_)
            | Self::Stale { .. }
            | Self::NotFound { .. }
            | Self::ReadOnlyRecord(_)
            | Self::NotReady(_)
            | Self::KeyFile(_) => ErrorKind::Refused,
            Self::ViewOnly(_)
            | Self::NotWritable { .. }
            | Self::InUse { .. }
            | Self::LockedByOther { .. }
            | Self::Busy => ErrorKind::Access,
            Self::Missing { .. }
            | Self::MissingFolder { .. }
            | Self::NotARegularFile { .. }
            | Self::NoAccess { .. }
            | Self::NotADatabase { .. }
            | Self::EmptyFile { .. }
            | Self::Foreign { .. }
            | Self::TooNew { .. } => ErrorKind::NotOurFile,
            Self::Damaged { .. }
            | Self::SchemaInconsistent { .. }
            | Self::ForeignWal { .. }
            | Self::LeftoverJournal { .. }
            | Self::Corrupt(_) => ErrorKind::Damaged,
            Self::DiskFull | Self::Io { .. } | Self::Backup(_) | Self::Sqlite(_) => {
                ErrorKind::Storage
            }
            Self::KeyMismatch { .. } => ErrorKind::Untrusted,
        }
    }

    /// Is this about what was typed or clicked (said beside it), rather than about the file or
    /// the disk (which the whole window needs to know)?
    pub fn is_about_the_input(&self) -> bool {
        self.kind() == ErrorKind::Refused
    }
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
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Self::Corrupt("文件的内部结构已损坏（可从备份恢复：文件 › 从备份恢复）".to_owned())
            }
            _ => match unreadable_value(&e) {
                Some(what) => Self::Corrupt(format!(
                    "有一项记录的{what}（文件可能被其他程序改动过；可从备份恢复）"
                )),
                None => Self::Sqlite(e),
            },
        }
    }
}

/// A value in the file that the program cannot read as the type it stores there (written by
/// another tool): in words.
fn unreadable_value(e: &rusqlite::Error) -> Option<String> {
    use rusqlite::Error;
    match e {
        Error::Utf8Error(..) => Some("文字不是有效的 UTF-8".to_owned()),
        Error::IntegralValueOutOfRange(_, value) => {
            Some(format!("数值（{value}）超出了允许的范围"))
        }
        Error::InvalidColumnType(_, column, _) => Some(format!("“{column}”类型不对")),
        Error::FromSqlConversionFailure(_, _, _) => Some("内容无法识别".to_owned()),
        _ => None,
    }
}

/// An operating-system error in words (the system's own text is English).
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let words = match e.kind() {
        ErrorKind::NotFound => "文件不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::IsADirectory => "这是一个文件夹",
        ErrorKind::ReadOnlyFilesystem => "磁盘为只读",
        ErrorKind::StorageFull => "磁盘已满",
        ErrorKind::TimedOut | ErrorKind::WouldBlock => "等待超时",
        _ => match e.raw_os_error() {
            Some(40) => "符号链接形成了循环",
            Some(5) => "磁盘读写出错（可能有坏道或 U 盘已拔出）",
            _ => "系统读写出错",
        },
    };
    match e.raw_os_error() {
        Some(code) => format!("{words}（系统错误 {code}）"),
        None => words.to_owned(),
    }
}

impl From<Refusal> for StoreError {
    fn from(e: Refusal) -> Self {
        Self::Refused(e)
    }
}

impl StoreError {
    /// Classifies an error met while opening, checking or configuring the file at `path`:
    /// each cause gets its own words.
    pub(crate) fn from_open(path: &Path, e: rusqlite::Error) -> Self {
        let owned = || path.to_owned();
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Self::Damaged {
                path: owned(),
                detail: "SQLite 无法识别文件的结构".to_owned(),
            },
            Some(ErrorCode::DatabaseCorrupt) => Self::Damaged {
                path: owned(),
                detail: "文件内部结构已损坏".to_owned(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Self::LockedByOther { path: owned() }
            }
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                match super::media::unwritable(path) {
                    Some(reason) => Self::NotWritable {
                        path: owned(),
                        reason,
                    },
                    None => Self::Io {
                        path: owned(),
                        source: std::io::Error::other(e.to_string()),
                    },
                }
            }
            None if matches!(
                e,
                rusqlite::Error::Utf8Error(..) | rusqlite::Error::FromSqlConversionFailure(..)
            ) =>
            {
                Self::Damaged {
                    path: owned(),
                    detail: "文件中的文字或数值已损坏".to_owned(),
                }
            }
            Some(ErrorCode::SystemIoFailure) if super::media::disk_nearly_full(path) => {
                Self::DiskFull
            }
            Some(ErrorCode::SystemIoFailure) => Self::Damaged {
                path: owned(),
                detail: "读取文件时出错（可能被截断或磁盘有坏道）".to_owned(),
            },
            // Past the header checks, anything else SQLite refuses at opening means the
            // structure inside is broken (a damaged schema, a page that reads wrong).
            _ => match Self::from(e) {
                Self::Sqlite(raw) => {
                    tracing::warn!(path = %path.display(), "opening: {raw}");
                    Self::Damaged {
                        path: owned(),
                        detail: "数据库内部结构有误".to_owned(),
                    }
                }
                other => other,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rules_refusal_is_told_apart_from_trouble_with_the_file_or_the_disk() {
        let typed = crate::model::validate::plan_year(1800, crate::model::Clock::local().today())
            .map_err(StoreError::from);
        let Err(refused) = typed else {
            panic!("1800 is not a plan year");
        };
        assert_eq!(refused.kind(), ErrorKind::Refused);
        assert!(refused.is_about_the_input());
        assert!(refused.to_string().contains("1800"), "{refused}");
        let path = PathBuf::from("/tmp/x.db");
        for (error, kind) in [
            (StoreError::DiskFull, ErrorKind::Storage),
            (StoreError::Busy, ErrorKind::Access),
            (
                StoreError::Missing { path: path.clone() },
                ErrorKind::NotOurFile,
            ),
            (StoreError::Corrupt("x".to_owned()), ErrorKind::Damaged),
            (
                StoreError::NotFound {
                    what: "冲突",
                    id: "c".to_owned(),
                },
                ErrorKind::Refused,
            ),
        ] {
            assert_eq!(error.kind(), kind, "{error}");
            assert_eq!(error.is_about_the_input(), kind == ErrorKind::Refused);
        }
    }
}
