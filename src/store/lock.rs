//! One writer per file: the instance that writes a database holds an exclusive lock on
//! `<file>.lock` beside it for as long as it is open; a second window or a CLI write finds it
//! held and opens the file for viewing only, or waits and then refuses. The lock file says who
//! holds it, and goes when its holder closes the file.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The exclusive lock of the instance that writes a database.
#[derive(Debug)]
pub(super) struct WriterLock {
    file: File,
    path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(super) enum LockRefused {
    /// Another instance holds it: who (as its lock file says).
    Held(String),
    /// The lock file cannot be made (a read-only folder): the caller finds out why.
    Io(std::io::Error),
}

/// The lock file of database `db`.
pub(super) fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    db.with_file_name(name)
}

/// Whether a window (or a CLI command) is writing `db` now: its lock file is held. Nothing is
/// created: no lock file means no writer.
pub(super) fn writer_active(db: &Path) -> bool {
    let Ok(file) = File::open(lock_path(db)) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(_) => true,
    }
}

impl WriterLock {
    /// Takes the lock of database `db`, waiting up to `wait` for another holder to let go.
    pub(super) fn acquire(db: &Path, wait: Duration) -> Result<Self, LockRefused> {
        let path = lock_path(db);
        let deadline = Instant::now() + wait;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(LockRefused::Io)?;
            match file.try_lock() {
                Ok(()) => {
                    // The holder before us may have removed the file between our open and our
                    // lock: then we hold a lock on a file nobody else will find. Try again.
                    if !same_file(&file, &path) {
                        continue;
                    }
                    let holder = format!(
                        "进程 {}，{} 打开",
                        std::process::id(),
                        crate::model::Clock::local().now().format("%Y-%m-%d %H:%M")
                    );
                    file.set_len(0).map_err(LockRefused::Io)?;
                    file.rewind().map_err(LockRefused::Io)?;
                    file.write_all(holder.as_bytes()).map_err(LockRefused::Io)?;
                    return Ok(Self { file, path });
                }
                Err(TryLockError::WouldBlock) => {
                    if Instant::now() >= deadline {
                        let mut holder = String::new();
                        // Who holds it is a courtesy; an unreadable lock file still refuses.
                        let _ = file.read_to_string(&mut holder);
                        let holder = holder.trim().to_owned();
                        return Err(LockRefused::Held(if holder.is_empty() {
                            "另一个验收程序".to_owned()
                        } else {
                            holder
                        }));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(TryLockError::Error(e)) => return Err(LockRefused::Io(e)),
            }
        }
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        // Removed while still held, so nobody can take a lock on a file about to vanish; a
        // waiting instance then finds the path gone or re-created and starts over.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Whether the open `file` is still the file at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Windows does not let a file that is open be removed, so the path is always the file.
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
