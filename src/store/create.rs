//! Making a new database file all at once. SQLite writes a new file's first pages through a
//! rollback journal, before the file is switched to WAL: a crash or power cut in that moment
//! would leave a half-made file with a `-journal` beside it, which the door then (rightly)
//! refuses. So the file is made under a temporary name beside the target, set up completely
//! (WAL, every migration, the file's identity), closed, synced and only then renamed into
//! place. The target is either absent (or the empty file it was) or complete.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError, open};

/// The name the new file is made under, beside `path`. A leftover from a crash is ours to
/// remove: it was never renamed, so nothing was ever written into it but the setup.
pub(super) fn creating_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(".creating");
    path.with_file_name(name)
}

/// Removes what a crash while making the file at `path` left under the temporary name.
pub(super) fn clear_leftover(path: &Path) {
    remove_with_siblings(&creating_path(path));
}

fn remove_with_siblings(path: &Path) {
    let _ = std::fs::remove_file(path);
    for sibling in open::siblings(path) {
        let _ = std::fs::remove_file(sibling);
    }
}

/// Makes a complete, closed database at `path` (which is missing or empty). The caller holds
/// the writer lock of `path`.
pub(super) fn create_atomically(path: &Path) -> Result<(), StoreError> {
    let tmp = creating_path(path);
    clear_leftover(path);
    let result = (|| {
        let conn = Connection::open_with_flags(
            &tmp,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open::writing_refused(path, e))?;
        let store = Store::configure(conn, None).map_err(|e| match e {
            StoreError::Sqlite(e) => open::writing_refused(path, e),
            other => other,
        })?;
        // Closing the last connection checkpoints the `-wal` into the file and removes it.
        store
            .conn
            .close()
            .map_err(|(_, e)| open::writing_refused(path, e))?;
        let io = |source| StoreError::Io {
            path: path.to_owned(),
            source,
        };
        std::fs::OpenOptions::new()
            .write(true)
            .open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        // A `-wal` or `-journal` left beside a missing or empty file belongs to no database
        // (SQLite discards them for an empty one): replayed into the new file they would
        // damage it.
        for sibling in open::siblings(path) {
            match std::fs::remove_file(&sibling) {
                Ok(()) => {
                    tracing::warn!(path = %sibling.display(), "removed a leftover beside a new file")
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(StoreError::Io {
                        path: sibling,
                        source,
                    });
                }
            }
        }
        std::fs::rename(&tmp, path).map_err(io)?;
        sync_folder(path);
        Ok(())
    })();
    if result.is_err() {
        remove_with_siblings(&tmp);
    }
    result
}

/// Makes the rename itself durable on Unix (the folder's entry is synced). Windows has no
/// folder sync through std; NTFS journals the rename itself.
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_complete_in_wal_mode_and_nothing_is_left_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("新建.db");
        // A leftover from a crash in an earlier attempt is cleared, not used.
        std::fs::write(creating_path(&path), b"half made").unwrap();
        std::fs::write(open::siblings(&creating_path(&path))[2].clone(), b"journal").unwrap();
        create_atomically(&path).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["新建.db"]);
        let bytes = std::fs::read(&path).unwrap();
        // Bytes 18 and 19 are 2 in a WAL-mode file.
        assert_eq!(&bytes[18..20], &[2, 2]);
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, i64::from(super::super::SCHEMA_VERSION));
    }
}
