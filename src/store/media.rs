//! What the file's folder and disk allow: whether it can be written at all, and whether the
//! disk is full. Asked when a file opens and when a write fails, to say why in words.

use std::path::{Path, PathBuf};

use super::ViewReason;

/// Why a file that exists cannot be written here, if it cannot: the file, its folder, its
/// filesystem. Probing leaves nothing behind.
pub(super) fn unwritable(path: &Path) -> Option<ViewReason> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let probe = dir.join(format!(".yanshou-probe-{}", uuid::Uuid::now_v7().simple()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
        }
        Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
            return Some(ViewReason::FilesystemReadOnly);
        }
        Err(_) => return Some(ViewReason::FolderReadOnly(dir)),
    }
    if path.exists() && std::fs::OpenOptions::new().write(true).open(path).is_err() {
        return Some(ViewReason::FileReadOnly);
    }
    None
}

/// Whether the disk holding `path` has almost no room left (SQLite then fails with an I/O
/// error while setting up its journal, which is really a full disk).
pub(super) fn disk_nearly_full(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs4::available_space(dir).is_ok_and(|free| free < 1024 * 1024)
}
