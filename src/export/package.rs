//! A field package on disk: a small SQLite file (`.yspkg`) with the manifest as JSON, the
//! sender's signature over it, the entries in order and the pictures of the photos they add. Written to a temporary file beside the target and renamed into place, so
//! a full USB stick or a crash never leaves half a package under the real name.

use std::path::Path;

use rusqlite::Connection;

use super::ExportError;
use crate::model::photo::PhotoBytes;
use crate::model::sync::{Entry, SignedManifest};

/// `PRAGMA application_id` of a package: "YSPK".
pub const PACKAGE_APPLICATION_ID: i32 = 0x5953_504B;

/// The package file's tables.
pub const PACKAGE_SCHEMA: &str = "
    CREATE TABLE manifest (json TEXT NOT NULL);
    CREATE TABLE signature (signature TEXT NOT NULL);
    CREATE TABLE entry (
        ord           INTEGER PRIMARY KEY,
        origin        TEXT NOT NULL,
        seq           INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        made_at       TEXT NOT NULL,
        author        TEXT NOT NULL,
        changeset     BLOB NOT NULL,
        source_origin TEXT,
        source_seq    INTEGER,
        adjusted      INTEGER NOT NULL
    );
    CREATE TABLE photo_bytes (sha256 TEXT PRIMARY KEY NOT NULL, jpeg BLOB NOT NULL);
";

/// Writes a package to `path`; returns its size in bytes.
pub fn write_package(
    path: &Path,
    manifest: &SignedManifest,
    entries: &[Entry],
    photo_bytes: &[PhotoBytes],
) -> Result<u64, ExportError> {
    let fail = |source: std::io::Error| ExportError::Write {
        path: path.to_owned(),
        source,
    };
    let db_fail = |e: rusqlite::Error| fail(std::io::Error::other(e.to_string()));
    // An earlier package may be replaced; a database never.
    super::refuse_replacing_data(path, true)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = dir.join(format!(".yspkg-{}.tmp", uuid::Uuid::now_v7().simple()));
    let result = (|| {
        let mut conn = Connection::open(&tmp).map_err(db_fail)?;
        conn.pragma_update(None, "journal_mode", "OFF")
            .map_err(db_fail)?;
        conn.pragma_update(None, "application_id", PACKAGE_APPLICATION_ID)
            .map_err(db_fail)?;
        let tx = conn.transaction().map_err(db_fail)?;
        tx.execute_batch(PACKAGE_SCHEMA).map_err(db_fail)?;
        tx.execute("INSERT INTO manifest (json) VALUES (?1)", [&manifest.json])
            .map_err(db_fail)?;
        tx.execute(
            "INSERT INTO signature (signature) VALUES (?1)",
            [&manifest.signature],
        )
        .map_err(db_fail)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO entry (origin, seq, kind, made_at, author, changeset,
                                        source_origin, source_seq, adjusted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(db_fail)?;
            for e in entries {
                insert
                    .execute(rusqlite::params![
                        e.origin,
                        e.seq,
                        e.kind.code(),
                        e.made_at,
                        e.author,
                        e.changeset,
                        e.source.as_ref().map(|(o, _)| o),
                        e.source.as_ref().map(|(_, s)| s),
                        e.adjusted
                    ])
                    .map_err(db_fail)?;
            }
        }
        {
            let mut insert = tx
                .prepare("INSERT INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)")
                .map_err(db_fail)?;
            for p in photo_bytes {
                insert
                    .execute(rusqlite::params![p.sha256, p.jpeg])
                    .map_err(db_fail)?;
            }
        }
        tx.commit().map_err(db_fail)?;
        drop(conn);
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(fail)?;
        std::fs::rename(&tmp, path).map_err(fail)?;
        std::fs::metadata(path).map(|m| m.len()).map_err(fail)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
