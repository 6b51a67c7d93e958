//! The store: one SQLite file that owns every record. `Store` owns the connection; every
//! user action is one transaction, committed before the call returns.

mod acceptance;
mod compounds;
mod error;
mod inspection_lists;
mod inspections;
mod migrations;
mod photos;
mod rectifications;
pub mod sample;
mod signoff;
mod sql_types;
mod surveys;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use compounds::CompoundRow;
pub use error::StoreError;
pub use inspection_lists::{InspectionListing, InspectionSummary};
pub use migrations::{APPLICATION_ID, SCHEMA_VERSION, migrate_to};
pub use photos::PhotoMeta;
pub use rectifications::RectificationListing;
pub use surveys::SurveyText;

/// How long a write waits for another process holding the file before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The local database of clusters, compounds and inspections.
pub struct Store {
    conn: Connection,
    /// `None` for an in-memory store.
    path: Option<PathBuf>,
    /// For an in-memory store: the shared-cache name its readers open.
    memory_uri: Option<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (or creates) the database at `path`.
    ///
    /// A file that is not SQLite, a SQLite file of another program, or a database written by a
    /// newer version of this program is refused, and left byte-for-byte as it was.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        inspect_existing(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: parent.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::from_open(path, e))?;
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
            });
        }
        Self::configure(conn, Some(path.to_owned()))
    }

    /// A fresh database in memory, for tests and benchmarks. Background readers (`reader`)
    /// share it through SQLite's shared cache; it lives while any connection to it is open.
    pub fn open_in_memory() -> Result<Self, StoreError> {
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
        let mut store = Self::configure(conn, None)?;
        store.memory_uri = Some(uri);
        Ok(store)
    }

    /// A second, read-only connection to the same database, for a background thread: exports,
    /// large screens and package exchange read through it while the UI thread keeps writing.
    pub fn reader(&self) -> Result<Self, StoreError> {
        let conn = match (&self.path, &self.memory_uri) {
            (Some(path), _) => {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|e| StoreError::from_open(path, e))?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                conn
            }
            (None, Some(uri)) => {
                let conn = Connection::open_with_flags(
                    uri,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_URI
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                // Shared-cache readers would otherwise lock tables against the writer.
                conn.pragma_update(None, "read_uncommitted", true)?;
                conn
            }
            (None, None) => return Err(StoreError::Corrupt("数据库没有可共享的连接".to_owned())),
        };
        Ok(Self {
            conn,
            path: self.path.clone(),
            memory_uri: self.memory_uri.clone(),
        })
    }

    /// Starts the transaction of one user action, taking the write lock at once: what it reads
    /// cannot change under it before it commits.
    pub(crate) fn begin(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }

    fn configure(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        let with_path = |e: rusqlite::Error| match &path {
            Some(p) => StoreError::from_open(p, e),
            None => StoreError::from(e),
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(with_path)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(with_path)?;
        // WAL keeps readers and a writer apart; FULL syncs every commit, so a tick survives
        // pulling the power.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(with_path)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(with_path)?;
        migrations::migrate(&mut conn).map_err(|e| match (e, &path) {
            (StoreError::Sqlite(e), Some(p)) => StoreError::from_open(p, e),
            (e, _) => e,
        })?;
        Ok(Self {
            conn,
            path,
            memory_uri: None,
        })
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

/// Refuses, without writing anything, a file we must not open for writing.
fn inspect_existing(path: &Path) -> Result<(), StoreError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    if meta.is_dir() {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
        });
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut file = std::fs::File::open(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        if file.read_exact(&mut header).is_err() || &header != SQLITE_MAGIC {
            return Err(StoreError::NotADatabase {
                path: path.to_owned(),
            });
        }
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::from_open(path, e))?;
    let read = || -> rusqlite::Result<(i64, i64, i64)> {
        let app_id = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let objects = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok((app_id, version, objects))
    };
    let (app_id, version, objects) = read().map_err(|e| StoreError::from_open(path, e))?;
    let empty_sqlite = app_id == 0 && version == 0 && objects == 0;
    if app_id != i64::from(APPLICATION_ID) && !empty_sqlite {
        return Err(StoreError::Foreign {
            path: path.to_owned(),
        });
    }
    if version > i64::from(SCHEMA_VERSION) {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Where an item row lives: the item table, its parent table and the column naming the parent.
pub(crate) struct ItemTable {
    pub items: &'static str,
    pub parent: &'static str,
    pub parent_key: &'static str,
    /// For messages: 验收项目, 调查项目 …
    pub what: &'static str,
}

/// Sets one column of the item `code` of parent `id` and touches the parent's `updated_at`,
/// inside `tx`.
pub(crate) fn update_item_column<Id: rusqlite::ToSql + std::fmt::Display>(
    tx: &rusqlite::Transaction<'_>,
    table: &ItemTable,
    id: &Id,
    code: &str,
    column: &'static str,
    value: &dyn rusqlite::ToSql,
) -> Result<(), StoreError> {
    let now = now();
    let n = tx.execute(
        &format!(
            "UPDATE {} SET {column} = ?1, updated_at = ?2 WHERE {} = ?3 AND code = ?4",
            table.items, table.parent_key
        ),
        rusqlite::params![value, now, id, code],
    )?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: table.what,
            id: format!("{id}/{code}"),
        });
    }
    tx.execute(
        &format!("UPDATE {} SET updated_at = ?1 WHERE id = ?2", table.parent),
        rusqlite::params![now, id],
    )?;
    Ok(())
}

/// Now, as stored in `created_at` / `updated_at` (RFC 3339, UTC).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
