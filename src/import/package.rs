//! Reading a field package and checking it against its own manifest, before the store is
//! touched: a damaged, truncated, foreign or altered file is refused here with a message that
//! says what to do, and the database is never opened for it.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::export::package::PACKAGE_APPLICATION_ID;
use crate::model::device_key::{fingerprint, is_public_key, package_message, verify};
use crate::model::photo::PhotoBytes;
use crate::model::sync::{
    Entry, EntryKind, Manifest, PACKAGE_FORMAT, PHOTO_ROWS_PACKAGE_FORMAT, Package,
    UNSIGNED_PACKAGE_FORMAT, payload_hash, photo_bytes_hash,
};

/// Why a package file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("找不到数据包“{0}”。")]
    Missing(String),
    #[error("“{0}”不是验收数据包（.yspkg）。请选择用“导出外业数据包”生成的文件。")]
    NotAPackage(String),
    #[error("数据包“{0}”已损坏或不完整（可能复制时中断）：请让对方重新导出一份。本机数据未改动。")]
    Damaged(String),
    #[error(
        "数据包“{name}”的内容与其校验值不符（可能在传输中损坏或被改动）：请让对方重新导出一份。本机数据未改动。"
    )]
    HashMismatch { name: String },
    #[error(
        "数据包“{name}”{what}，超过了本程序一次能导入的上限：请让对方分几次导出（例如按乡镇导出）。本机数据未改动。"
    )]
    TooLarge { name: String, what: String },
    #[error("数据包“{name}”的格式是“{format}”，本程序读不了：请先升级本机程序。本机数据未改动。")]
    UnknownFormat { name: String, format: String },
    #[error(
        "数据包“{name}”的签名与内容不符（声称来自“{sender}”，密钥指纹 {fingerprint}）：数据包在导出后被改动过，或是伪造的。已拒绝，本机数据未改动。请让对方重新导出一份。"
    )]
    BadSignature {
        name: String,
        sender: String,
        fingerprint: String,
    },
}

/// The largest package read: a county's whole file with every photo is far smaller.
const MAX_PACKAGE_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// The most entries, and the largest one, a package may hold (a snapshot of everything is one
/// entry with every photo: as large as the package may be).
const MAX_ENTRIES: i64 = 1_000_000;
const MAX_ENTRY_BYTES: i64 = MAX_PACKAGE_BYTES as i64;
/// The largest picture a package may carry: this program stores photos of at most 2000 px,
/// a few MB at most.
const MAX_PHOTO_BYTES: i64 = 32 * 1024 * 1024;

/// Reads and checks the package at `path`.
pub fn read_package(path: &Path) -> Result<Package, PackageError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    if !path.is_file() {
        return Err(PackageError::Missing(path.display().to_string()));
    }
    let mut head = [0u8; 100];
    let is_sqlite = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && &head[..16] == b"SQLite format 3\0";
    if !is_sqlite {
        return Err(PackageError::NotAPackage(name));
    }
    // The file is as long as its header says: a package cut short (a copy interrupted, a
    // WeChat transfer that stopped) is refused even where the missing bytes were padding.
    let length = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if length != declared_length(&head) {
        return Err(PackageError::Damaged(name));
    }
    if length > MAX_PACKAGE_BYTES {
        return Err(PackageError::TooLarge {
            name,
            what: format!(
                "有 {} MB（上限 {} MB）",
                length / 1_048_576,
                MAX_PACKAGE_BYTES / 1_048_576
            ),
        });
    }
    // Read as it is, on a read-only stick too, leaving nothing beside it.
    let uri = format!("{}?immutable=1", crate::store::file_uri(path));
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|_| PackageError::Damaged(name.clone()))?;
    let damaged = |_| PackageError::Damaged(name.clone());
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(damaged)?;
    if app_id != PACKAGE_APPLICATION_ID {
        return Err(PackageError::NotAPackage(name));
    }
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(damaged)?;
    if check != "ok" {
        return Err(PackageError::Damaged(name));
    }
    let json_text: Option<String> = conn
        .query_row("SELECT json FROM manifest", [], |r| r.get(0))
        .optional()
        .map_err(damaged)?;
    let manifest: Manifest = json_text
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .ok_or_else(|| PackageError::Damaged(name.clone()))?;
    let carries_bytes = manifest.format == PACKAGE_FORMAT;
    let sender_key = if carries_bytes || manifest.format == PHOTO_ROWS_PACKAGE_FORMAT {
        // The signature covers the manifest exactly as stored, which holds the hash of the
        // entries and the sender's key.
        let signature: Option<String> = conn
            .query_row("SELECT signature FROM signature", [], |r| r.get(0))
            .optional()
            .map_err(damaged)?;
        let key = manifest.source_key.clone().unwrap_or_default();
        let signed = json_text.as_deref().unwrap_or_default();
        let valid = is_public_key(&key)
            && signature.is_some_and(|s| verify(&key, &package_message(signed), &s));
        if !valid {
            return Err(PackageError::BadSignature {
                name,
                sender: manifest.source_name,
                fingerprint: if is_public_key(&key) {
                    fingerprint(&key)
                } else {
                    "（无）".to_owned()
                },
            });
        }
        Some(key)
    } else if manifest.format == UNSIGNED_PACKAGE_FORMAT {
        None
    } else {
        return Err(PackageError::UnknownFormat {
            name,
            format: manifest.format,
        });
    };
    // Measured before anything is loaded: a forged entry of a gigabyte is not read into memory.
    let (count, largest): (i64, i64) = conn
        .query_row(
            "SELECT count(*), coalesce(max(length(changeset)), 0) FROM entry",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(damaged)?;
    if count > MAX_ENTRIES || largest > MAX_ENTRY_BYTES {
        return Err(PackageError::TooLarge {
            name,
            what: format!(
                "有 {count} 批变更，最大的一批 {} MB（上限 {MAX_ENTRIES} 批、每批 {} MB）",
                largest / 1_048_576,
                MAX_ENTRY_BYTES / 1_048_576
            ),
        });
    }
    let entries = read_entries(&conn).map_err(damaged)?;
    if payload_hash(&entries) != manifest.payload_sha256 {
        return Err(PackageError::HashMismatch { name });
    }
    let photo_bytes = if carries_bytes {
        let (count, largest): (i64, i64) = conn
            .query_row(
                "SELECT count(*), coalesce(max(length(jpeg)), 0) FROM photo_bytes",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(damaged)?;
        if count > MAX_ENTRIES || largest > MAX_PHOTO_BYTES {
            return Err(PackageError::TooLarge {
                name,
                what: format!(
                    "有 {count} 张照片，最大的一张 {} MB（每张上限 {} MB）",
                    largest / 1_048_576,
                    MAX_PHOTO_BYTES / 1_048_576
                ),
            });
        }
        let photos = read_photo_bytes(&conn).map_err(damaged)?;
        if manifest.photo_bytes_sha256.as_deref() != Some(photo_bytes_hash(&photos).as_str()) {
            return Err(PackageError::HashMismatch { name });
        }
        photos
    } else {
        Vec::new()
    };
    Ok(Package {
        manifest,
        sender_key,
        entries,
        photo_bytes,
    })
}

/// The length a SQLite file's header declares (page size × page count; 0 when the count is
/// not valid, as SQLite marks it with the change counter).
fn declared_length(head: &[u8; 100]) -> u64 {
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u32::from_be_bytes([head[28], head[29], head[30], head[31]]);
    let change_counter = &head[24..28];
    let valid_for = &head[92..96];
    if change_counter == valid_for {
        page_size * u64::from(pages)
    } else {
        0
    }
}

fn read_entries(conn: &Connection) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT origin, seq, kind, made_at, author, changeset, source_origin, source_seq,
                adjusted
         FROM entry ORDER BY ord",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(2)?;
        let source: Option<String> = r.get(6)?;
        let source_seq: Option<i64> = r.get(7)?;
        Ok(Entry {
            origin: r.get(0)?,
            seq: r.get(1)?,
            kind: EntryKind::from_code(&kind).ok_or(rusqlite::Error::InvalidQuery)?,
            made_at: r.get(3)?,
            author: r.get(4)?,
            changeset: r.get(5)?,
            source: source.zip(source_seq),
            adjusted: r.get(8)?,
        })
    })?;
    rows.collect()
}

fn read_photo_bytes(conn: &Connection) -> rusqlite::Result<Vec<PhotoBytes>> {
    let mut stmt = conn.prepare("SELECT sha256, jpeg FROM photo_bytes ORDER BY sha256")?;
    let rows = stmt.query_map([], |r| {
        Ok(PhotoBytes {
            sha256: r.get(0)?,
            jpeg: r.get(1)?,
        })
    })?;
    rows.collect()
}
