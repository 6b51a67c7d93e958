//! Whether a store may write, and, when it may only be viewed, why: in words for the banner.

use std::path::PathBuf;

/// Whether a store may write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Write,
    /// Viewing only, and why.
    View(ViewReason),
}

/// Why a file is open for viewing only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewReason {
    /// Another window or a CLI write has the file open for writing (who, as it says).
    OtherWriter(String),
    /// Opened for reading on purpose (a CLI read, an archived copy).
    Requested,
    /// The file is write-protected.
    FileReadOnly,
    /// Its folder cannot be written (SQLite keeps its journal there).
    FolderReadOnly(PathBuf),
    /// It is on a read-only filesystem (a CD, a write-protected stick).
    FilesystemReadOnly,
    /// The integrity check is still running (a large file).
    Checking,
    /// The integrity check found damage: never written.
    Damaged(String),
}

impl ViewReason {
    /// The banner's words: why, and what to do.
    pub fn explanation(&self) -> String {
        match self {
            Self::OtherWriter(holder) => format!(
                "此文件已在另一个验收程序窗口中打开并可修改（{holder}）。本窗口只能查看，以免两处同时修改互相覆盖；请关闭另一个窗口后重新打开。"
            ),
            Self::Requested => "以只读方式打开：只能查看，不能修改。".to_owned(),
            Self::FileReadOnly => {
                "此文件设为只读，只能查看。如需修改，请取消文件的只读属性，或复制到可写的位置后打开。"
                    .to_owned()
            }
            Self::FolderReadOnly(dir) => format!(
                "文件所在的文件夹“{}”不可写入（程序需要在其中写日志），只能查看。如需修改，请把文件复制到可写的文件夹后打开。",
                dir.display()
            ),
            Self::FilesystemReadOnly => {
                "文件在只读的磁盘或光盘上，只能查看。如需修改，请复制到电脑硬盘后打开。".to_owned()
            }
            Self::Checking => "正在检查数据库是否完好，检查完成前只能查看。".to_owned(),
            Self::Damaged(detail) => format!(
                "数据库已损坏（{detail}），只能查看，不会写入。请从备份恢复，或把文件交给县办技术人员处理。"
            ),
        }
    }
}
