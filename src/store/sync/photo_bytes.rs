//! Photos' bytes in packages. A photo row names its picture by SHA-256 and the file stores the
//! bytes once (`photo_bytes`); a package carries, beside its entries, the bytes of the photos
//! its entries add, each picture once. Packages from programs before that carry the bytes in
//! the rows: those are moved to `photo_bytes` as they arrive, so a picture attached on two
//! laptops is stored once at the office whichever program sent it.

use std::collections::BTreeSet;

use rusqlite::hooks::Action;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use super::changeset::Change;
use super::rows::Tables;
use crate::model::photo::PhotoBytes;
use crate::store::StoreError;
use crate::store::cached::Cached as _;

/// The photo rows' hash and picture columns.
fn columns(conn: &Connection, tables: &mut Tables) -> Result<(usize, usize), StoreError> {
    let table = tables.get(conn, "photo")?;
    match (table.index_of("sha256"), table.index_of("jpeg")) {
        (Some(sha256), Some(jpeg)) => Ok((sha256, jpeg)),
        _ => Err(StoreError::Corrupt("照片表缺少字段".to_owned())),
    }
}

/// The bytes `changes` need that the rows do not carry: the hashes their photo rows name.
pub(super) fn named(
    conn: &Connection,
    tables: &mut Tables,
    changes: &[Change],
    into: &mut BTreeSet<String>,
) -> Result<(), StoreError> {
    let (sha256, jpeg) = columns(conn, tables)?;
    for change in changes.iter().filter(|c| c.table == "photo") {
        if change.op == Action::SQLITE_DELETE {
            continue;
        }
        let empty = matches!(change.new.get(jpeg), Some(Some(Value::Blob(b))) if b.is_empty());
        if let (true, Some(Some(Value::Text(hash)))) = (empty, change.new.get(sha256)) {
            into.insert(hash.clone());
        }
    }
    Ok(())
}

/// The file's copies of the pictures `hashes` name (those it has), by hash.
pub(super) fn read(
    conn: &Connection,
    hashes: &BTreeSet<String>,
) -> Result<Vec<PhotoBytes>, StoreError> {
    let mut found = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let jpeg: Option<Vec<u8>> = conn
            .query_row_cached(
                "SELECT jpeg FROM photo_bytes WHERE sha256 = ?1",
                [hash],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(jpeg) = jpeg {
            found.push(PhotoBytes {
                sha256: hash.clone(),
                jpeg,
            });
        }
    }
    Ok(found)
}

/// Stores the pictures a package carries (each once; one already here is kept). A picture
/// that is not what its hash says refuses the package.
pub(super) fn take(
    conn: &Connection,
    photos: &[PhotoBytes],
    file_name: &str,
) -> Result<(), StoreError> {
    for p in photos {
        if !p.is_intact() {
            return Err(StoreError::refused(format!(
                "数据包“{file_name}”中有一张照片的内容与其校验值不符：不是本程序完整导出的数据包。已拒绝，本机数据未改动。"
            )));
        }
        conn.execute_cached(
            "INSERT OR IGNORE INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)",
            params![p.sha256, p.jpeg],
        )?;
    }
    Ok(())
}

/// Photo rows from an older program carry their bytes: those that are what the row's hash says
/// are stored once here and the row names them, as this program's own rows do (the old
/// values of an update or deletion likewise, so they compare with the rows here).
pub(super) fn fold_carried(
    conn: &Connection,
    tables: &mut Tables,
    changes: &mut [Change],
) -> Result<(), StoreError> {
    if !changes.iter().any(|c| c.table == "photo") {
        return Ok(());
    }
    let (sha256, jpeg) = columns(conn, tables)?;
    for change in changes.iter_mut().filter(|c| c.table == "photo") {
        let hash = match (change.new.get(sha256), change.old.get(sha256)) {
            (Some(Some(Value::Text(h))), _) | (_, Some(Some(Value::Text(h)))) => h.clone(),
            _ => continue,
        };
        for (values, store) in [(&mut change.new, true), (&mut change.old, false)] {
            let Some(slot) = values.get_mut(jpeg) else {
                continue;
            };
            let Some(Value::Blob(bytes)) = slot else {
                continue;
            };
            if bytes.is_empty() {
                continue;
            }
            let carried = PhotoBytes {
                sha256: hash.clone(),
                jpeg: std::mem::take(bytes),
            };
            if !carried.is_intact() {
                // Kept in the row as it came: the seal check reports a replaced picture.
                *bytes = carried.jpeg;
                continue;
            }
            if store {
                conn.execute_cached(
                    "INSERT OR IGNORE INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)",
                    params![carried.sha256, carried.jpeg],
                )?;
            }
        }
    }
    Ok(())
}

/// The first photo here of those `named` whose picture is neither in its row nor stored by its
/// hash, by file name: what a package that left out a picture would leave.
pub(super) fn first_missing(
    conn: &Connection,
    named: &BTreeSet<String>,
) -> Result<Option<String>, StoreError> {
    for hash in named {
        let missing: Option<String> = conn
            .query_row_cached(
                "SELECT file_name FROM photo p
                 WHERE p.sha256 = ?1 AND length(p.jpeg) = 0
                   AND NOT EXISTS (SELECT 1 FROM photo_bytes b WHERE b.sha256 = ?1)
                 LIMIT 1",
                [hash],
                |r| r.get(0),
            )
            .optional()?;
        if missing.is_some() {
            return Ok(missing);
        }
    }
    Ok(None)
}
