//! The store: one SQLite file that owns every record. `Store` owns the connection; every
//! user action is one transaction, committed before the call returns.

mod acceptance;
mod access;
pub mod backup;
mod cached;
mod compounds;
mod create;
mod error;
#[cfg(test)]
mod example_table;
pub mod funding;
mod inspection_lists;
mod inspections;
mod item_column;
mod lock;
mod media;
mod migrations;
mod open;
mod photos;
pub mod policy_pack;
pub mod programme;
mod rectifications;
mod register;
mod rhythm;
pub mod sample;
mod sample_place;
mod sample_programme;
mod sample_rhythm;
mod schema_digest;
mod seal;
mod signoff;
mod sql_types;
mod stages;
mod surveys;
pub mod sync;
mod tombstones;
mod tx;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use access::{Access, ViewReason};
pub use compounds::{CompoundRow, Counted};
pub use error::{ErrorKind, StoreError, describe_io};
pub use inspection_lists::{InspectionListing, InspectionSummary};
pub(crate) use item_column::{ItemTable, update_item_column};
pub use migrations::{APPLICATION_ID, SCHEMA_VERSION, migrate_to};
pub use open::{CHECK_LATER_ABOVE, file_uri};
pub use photos::PhotoMeta;
pub use rectifications::RectificationListing;
pub use seal::{Audit, AuditFinding};
pub use surveys::SurveyText;
pub(crate) use tx::Tx;

/// How long a write waits for another connection's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a CLI write waits for another instance to close the file.
pub const WRITER_WAIT: Duration = Duration::from_secs(10);

/// The local database of clusters, compounds and inspections.
pub struct Store {
    conn: Connection,
    /// `None` for an in-memory store.
    path: Option<PathBuf>,
    /// For an in-memory store: the shared-cache name its readers open.
    memory_uri: Option<String>,
    /// Whether this store may write, and if not, why.
    access: Access,
    /// Held while this store is the file's writer. Dropped after the connection.
    _lock: Option<lock::WriterLock>,
    /// Who this file's captured changes are from (`None` for a reader).
    origin: Option<sync::Origin>,
    /// Whether a write transaction records its changes (an import's do not: they travel as
    /// the entries they came in).
    capturing: std::cell::Cell<bool>,
    /// Whether a write transaction that records its changes is under way (one nested in it
    /// does not record them again).
    recording: std::cell::Cell<bool>,
    /// The policy pack in force, once read (`policy_pack`).
    pack: std::cell::OnceCell<std::sync::Arc<crate::model::policy_pack::PolicyPack>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("access", &self.access)
            .finish_non_exhaustive()
    }
}

/// How a file is to be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// For writing: a missing file is created (its folder must exist); another writer is
    /// waited for, then refused.
    Create,
    /// For writing an existing file, waiting for another writer, then refusing.
    Write,
    /// A window: for writing if it can be, else for viewing, saying why.
    Window,
    /// For reading only: never written, never locked.
    Read,
}

impl Store {
    /// Opens the database at `path` for writing, creating it if it does not exist (its folder
    /// must). Waits up to `WRITER_WAIT` while another instance writes it, then refuses.
    ///
    /// A file that is not a regular file, not SQLite, another program's database, written by a
    /// newer version, inconsistent or damaged is refused, and left byte-for-byte as it was,
    /// with nothing new beside it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_as(path, Mode::Create)
    }

    /// `open`, but a missing file is refused rather than created.
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        Self::open_as(path, Mode::Write)
    }

    /// For a window: the file for writing if this instance can write it, else for viewing with
    /// the reason (another window has it, it is on a read-only disk…). A large file is checked
    /// in the background (`needs_check`), read-only until `finish_check`. A missing file is
    /// refused: the window asks before creating one.
    pub fn open_window(path: &Path) -> Result<Self, StoreError> {
        Self::open_as(path, Mode::Window)
    }

    /// For reading only (`list`, `verify`, the exports, an archived copy): nothing is written or
    /// locked, on a read-only filesystem too. A file of an older version is upgraded in memory.
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        Self::open_as(path, Mode::Read)
    }

    fn open_as(path: &Path, mode: Mode) -> Result<Self, StoreError> {
        let header = match open::examine(path) {
            Err(StoreError::Missing { .. }) if mode == Mode::Create => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    return Err(StoreError::MissingFolder {
                        path: dir.to_owned(),
                    });
                }
                open::Header {
                    empty: true,
                    ..open::Header::default()
                }
            }
            other => other?,
        };
        let before = open::existing_siblings(path);
        let result = if mode == Mode::Read {
            Self::open_for_reading(path, &header, true)
        } else {
            Self::open_for_writing(path, mode, &header)
        };
        if result.is_err() {
            open::remove_new_siblings(path, &before);
        }
        result
    }

    /// `closed_may_be_immutable`: a file no one has open may be read without a WAL index (a
    /// command that reads it once); a window's view of a file another window writes never is.
    fn open_for_reading(
        path: &Path,
        header: &open::Header,
        closed_may_be_immutable: bool,
    ) -> Result<Self, StoreError> {
        if header.empty {
            return Err(StoreError::EmptyFile {
                path: path.to_owned(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // A closed file (no `-wal` beside it, no writer holding its lock) holds all its
        // contents in the main file, which `immutable` reads without setting up a WAL index:
        // nothing is left beside the file, and read-only media work. Otherwise (a window
        // writing it, a crash) SQLite reads both; on read-only media, `immutable` again.
        let immutable = || {
            let uri = format!("{}?immutable=1", open::file_uri(path));
            Connection::open_with_flags(uri, flags)
        };
        let [wal, ..] = open::siblings(path);
        let closed = closed_may_be_immutable && !wal.exists() && !lock::writer_active(path);
        let conn = if !closed {
            Connection::open_with_flags(path, flags)
                .and_then(|c| {
                    c.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
                    Ok(c)
                })
                .or_else(|_| immutable())
        } else {
            immutable()
        }
        .map_err(|e| StoreError::from_open(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        open::check_contents(&conn, path, true).map_err(|e| open::blame_wal(path, e))?;
        // The version as SQLite reads it, with whatever a `-wal` beside the file holds.
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| StoreError::from_open(path, e))?;
        let mut conn = conn;
        let mut memory_uri = None;
        if version < i64::from(SCHEMA_VERSION) {
            // An older file is read through an upgraded copy in memory (shared, so background
            // readers see the copy too); the file is untouched.
            let (mut memory, uri) = shared_memory()?;
            rusqlite::backup::Backup::new(&conn, &mut memory)
                .and_then(|b| b.run_to_completion(1024, Duration::ZERO, None))
                .map_err(|e| StoreError::from_open(path, e))?;
            migrations::migrate(&mut memory)?;
            conn = memory;
            memory_uri = Some(uri);
        }
        Ok(Self {
            conn,
            path: Some(path.to_owned()),
            memory_uri,
            access: Access::View(ViewReason::Requested),
            _lock: None,
            origin: None,
            capturing: std::cell::Cell::new(false),
            recording: std::cell::Cell::new(false),
            pack: std::cell::OnceCell::new(),
        })
    }

    fn open_for_writing(
        path: &Path,
        mode: Mode,
        header: &open::Header,
    ) -> Result<Self, StoreError> {
        if mode == Mode::Window
            && let Some(reason) = media::unwritable(path)
        {
            return Self::view(path, reason);
        }
        let wait = if mode == Mode::Window {
            Duration::ZERO
        } else {
            WRITER_WAIT
        };
        let lock = match lock::WriterLock::acquire(path, wait) {
            Ok(lock) => lock,
            Err(lock::LockRefused::Held(holder)) if mode == Mode::Window => {
                return Self::view(path, ViewReason::OtherWriter(holder));
            }
            Err(lock::LockRefused::Held(holder)) => {
                return Err(StoreError::InUse {
                    path: path.to_owned(),
                    holder,
                });
            }
            Err(lock::LockRefused::Io(e)) => {
                // The lock file is named: it is what could not be opened (a folder of that
                // name, say), not the database.
                return Err(match media::unwritable(path) {
                    Some(reason) => StoreError::NotWritable {
                        path: path.to_owned(),
                        reason,
                    },
                    None => StoreError::Io {
                        path: lock::lock_path(path),
                        source: e,
                    },
                });
            }
        };
        // Checked before anything is written, through a read-only connection (which never
        // checkpoints a `-wal` into the file or replays a journal): a damaged file is never
        // migrated or written. A large file that needs no upgrade is checked in the background.
        let later = mode == Mode::Window
            && header.len > open::CHECK_LATER_ABOVE
            && header.user_version == Some(i64::from(SCHEMA_VERSION));
        // What a crash while making this file left under its temporary name (the lock is
        // ours, so no one is making it now).
        create::clear_leftover(path);
        if header.empty {
            create::create_atomically(path)?;
        } else {
            open::check_before_writing(path, !later)?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open::writing_refused(path, e))?;
        let mut store = Self::configure(conn, Some(path.to_owned()))?;
        store._lock = Some(lock);
        if later {
            store.access = Access::View(ViewReason::Checking);
        }
        Ok(store)
    }

    /// The file for viewing only, for `reason`.
    fn view(path: &Path, reason: ViewReason) -> Result<Self, StoreError> {
        let mut store = Self::open_for_reading(path, &open::examine(path)?, false)?;
        store.access = Access::View(reason);
        Ok(store)
    }

    /// A fresh database in memory, for tests and benchmarks. Background readers (`reader`)
    /// share it through SQLite's shared cache; it lives while any connection to it is open.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let (conn, uri) = shared_memory()?;
        let mut store = Self::configure(conn, None)?;
        store.memory_uri = Some(uri);
        Ok(store)
    }

    /// A second, read-only connection to the same database, for a background thread: exports,
    /// large screens and package exchange read through it while the UI thread keeps writing.
    pub fn reader(&self) -> Result<Self, StoreError> {
        let conn = match (&self.path, &self.memory_uri) {
            (_, Some(uri)) => {
                let conn = Connection::open_with_flags(
                    uri,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_URI
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                // Shared-cache readers would otherwise lock tables against the writer (tests
                // and upgraded copies only: a file's readers have WAL snapshots instead).
                conn.pragma_update(None, "read_uncommitted", true)?;
                conn
            }
            (Some(path), None) => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| StoreError::from_open(path, e))?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn
            }
            (None, None) => {
                return Err(StoreError::Corrupt(
                    "无法为后台任务再打开一个连接".to_owned(),
                ));
            }
        };
        Ok(Self {
            conn,
            path: self.path.clone(),
            memory_uri: self.memory_uri.clone(),
            access: Access::View(ViewReason::Requested),
            _lock: None,
            origin: None,
            capturing: std::cell::Cell::new(false),
            recording: std::cell::Cell::new(false),
            pack: std::cell::OnceCell::new(),
        })
    }

    /// A reader for a background job that sees one state of the file throughout, as it was
    /// at its first read (a read transaction: in WAL mode, a snapshot), so a sheet or a batch
    /// never mixes states while the window goes on writing.
    pub fn snapshot_reader(&self) -> Result<Self, StoreError> {
        let reader = self.reader()?;
        reader.conn.execute_batch("BEGIN")?;
        Ok(reader)
    }

    /// Starts the transaction of one user action, taking the write lock at once: what it reads
    /// cannot change under it before it commits. Inside `in_one_transaction` it is a savepoint
    /// of the outer transaction. A store open for viewing refuses, saying why.
    pub(crate) fn begin(&self) -> Result<Tx<'_>, StoreError> {
        if let Access::View(reason) = &self.access {
            return Err(StoreError::ViewOnly(reason.explanation()));
        }
        let origin = match &self.origin {
            Some(origin) if self.capturing.get() && !self.recording.get() => Some(origin.clone()),
            _ => None,
        };
        Tx::begin(&self.conn, origin, &self.recording)
    }

    /// The origin this file's changes are recorded under now (`None` while they are not).
    pub(crate) fn capturing_origin(&self) -> Option<sync::Origin> {
        self.origin.clone().filter(|_| self.capturing.get())
    }

    /// Runs `f` with its writes not recorded as this file's changes (an import applies what
    /// came in; what it writes travels as the entries it came in).
    pub(crate) fn without_capture<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let was = self.capturing.replace(false);
        let result = f(self);
        self.capturing.set(was);
        result
    }

    /// Runs several writes as one: all of them are saved, or none (the sample set, an import).
    pub fn in_one_transaction<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        if let Access::View(reason) = &self.access {
            return Err(StoreError::ViewOnly(reason.explanation()).into());
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)?;
        // The writes inside see the outer transaction and nest as savepoints.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        match result {
            Ok(Ok(value)) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(value),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(StoreError::from(e).into())
                }
            },
            Ok(Err(e)) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
            Err(panic) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                std::panic::resume_unwind(panic)
            }
        }
    }

    fn configure(conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        let result = Self::configure_inner(conn, path.clone());
        match (result, &path) {
            (Err(StoreError::Sqlite(e)), Some(p)) => Err(StoreError::from_open(p, e)),
            (result, _) => result,
        }
    }

    fn configure_inner(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        let with_path = |e: rusqlite::Error| match &path {
            Some(p) => StoreError::from_open(p, e),
            None => StoreError::from(e),
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(with_path)?;
        // An import runs some 40 different statements per change; the default cache holds 16.
        conn.set_prepared_statement_cache_capacity(128);
        // A cached statement keeps its plan whatever is bound to it: without this, SQLite
        // (built with STAT4) prepares a statement again whenever a parameter it compares with
        // an indexed column is bound anew, and a package import spent a tenth of its time
        // preparing the same few statements over again. The files keep no statistics
        // (no ANALYZE), so no plan is lost.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(with_path)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(with_path)?;
        // WAL keeps readers and a writer apart; FULL syncs every commit, so a tick survives
        // pulling the power.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(with_path)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(with_path)?;
        // A statement's own journal (kept while a write with foreign keys or an upsert runs,
        // to undo just that statement) stays in memory: in a temporary file it cost two
        // system calls per page written, 860,000 of them for a register of 100,000 rows.
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(with_path)?;
        // A file of an older version is backed up before it is upgraded; without a backup it
        // is not upgraded.
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(with_path)?;
        if let Some(p) = &path
            && version > 0
            && version < i64::from(SCHEMA_VERSION)
        {
            backup::write_backup(
                &conn,
                p,
                backup::BackupReason::BeforeUpgrade,
                &backup::policy(),
            )?;
        }
        migrations::migrate(&mut conn).map_err(|e| match (e, &path) {
            (StoreError::Sqlite(e), Some(p)) => StoreError::from_open(p, e),
            (e, _) => e,
        })?;
        let restored = open::restore_triggers(&conn)?;
        if restored > 0 {
            tracing::warn!(restored, "lock triggers were missing or altered; restored");
        }
        let origin = sync::ensure_identity(&conn)?;
        Ok(Self {
            conn,
            path,
            memory_uri: None,
            access: Access::Write,
            _lock: None,
            origin: Some(origin),
            capturing: std::cell::Cell::new(true),
            recording: std::cell::Cell::new(false),
            pack: std::cell::OnceCell::new(),
        })
    }

    /// Whether this store may write, and if not, why.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// Whether the integrity check of a large file is still to run (`finish_check`).
    pub fn needs_check(&self) -> bool {
        self.access == Access::View(ViewReason::Checking)
    }

    /// Runs the full integrity check (on a reader, in the background).
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let path = self.path.clone().unwrap_or_default();
        open::full_check(&self.conn, &path)
    }

    /// The background check's result: writes are allowed once it passed; a damaged file stays
    /// read-only for good.
    pub fn finish_check(&mut self, result: &Result<(), StoreError>) {
        if !self.needs_check() {
            return;
        }
        self.access = match result {
            Ok(()) => Access::Write,
            Err(StoreError::Damaged { detail, .. }) => {
                Access::View(ViewReason::Damaged(detail.clone()))
            }
            Err(e) => Access::View(ViewReason::Damaged(e.to_string())),
        };
    }

    /// The file this store keeps its data in (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Direct read access for tests and diagnostics.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// A new database in memory that other connections of this process can open by its URI.
fn shared_memory() -> Result<(Connection, String), StoreError> {
    let uri = format!(
        "file:yanshou-{}?mode=memory&cache=shared",
        uuid::Uuid::now_v7().simple()
    );
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    Ok((conn, uri))
}

/// Today in the user's time zone: the day the rules judge dates against.
pub(crate) fn today() -> chrono::NaiveDate {
    crate::model::Clock::local().today()
}

/// Now, as stored in `created_at` / `updated_at` (RFC 3339, UTC).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
