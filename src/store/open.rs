//! Opening a database file, and refusing it at the door when it is not one we may write:
//! what it is (a regular file? SQLite? ours? which version? consistent? intact?), whether it can
//! be written (file, folder, filesystem, disk space), and what is left beside it (a foreign
//! `-wal`, a leftover `-journal`). Every refusal names its cause in Chinese and leaves the file,
//! and the folder around it, exactly as they were.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rusqlite::{Connection, OpenFlags};

use super::migrations::{APPLICATION_ID, SCHEMA_VERSION, migrate_to};
use super::{StoreError, schema_digest};

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Files larger than this are checked in the background, read-only until the check passes.
pub const CHECK_LATER_ABOVE: u64 = 64 * 1024 * 1024;

/// What the header of an existing file says, once it has passed the door.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Header {
    /// Bytes, as the file system reports.
    pub len: u64,
    /// The version in the header; `None` when a `-wal` beside the file holds pages, and only
    /// SQLite's recovery of it can tell.
    pub user_version: Option<i64>,
    /// An empty file: SQLite makes a new database of it.
    pub empty: bool,
}

/// The files SQLite may leave beside a database.
pub(super) fn siblings(path: &Path) -> [PathBuf; 3] {
    ["-wal", "-shm", "-journal"].map(|suffix| {
        let mut name = path.file_name().unwrap_or_default().to_owned();
        name.push(suffix);
        path.with_file_name(name)
    })
}

/// Which of the files beside `path` exist now: a refusal removes only what it made.
pub(super) fn existing_siblings(path: &Path) -> Vec<PathBuf> {
    siblings(path).into_iter().filter(|p| p.exists()).collect()
}

/// Removes what opening `path` left beside it that was not there before.
pub(super) fn remove_new_siblings(path: &Path, before: &[PathBuf]) {
    for sibling in siblings(path) {
        if !before.contains(&sibling) {
            let _ = std::fs::remove_file(&sibling);
        }
    }
}

/// Checks what can be checked without opening the file in SQLite: that it is a regular file
/// and, unless empty, a SQLite database of ours of a version this build can read.
pub(super) fn examine(path: &Path) -> Result<Header, StoreError> {
    let owned = || path.to_owned();
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => StoreError::Missing { path: owned() },
        std::io::ErrorKind::PermissionDenied => StoreError::NoAccess { path: owned() },
        _ if source.raw_os_error() == Some(40) => StoreError::NotARegularFile {
            path: owned(),
            kind: "循环的符号链接",
        },
        _ => StoreError::Io {
            path: owned(),
            source,
        },
    })?;
    if !meta.is_file() {
        return Err(StoreError::NotARegularFile {
            path: owned(),
            kind: file_kind(&meta),
        });
    }
    if meta.len() == 0 {
        return Ok(Header {
            len: 0,
            user_version: Some(0),
            empty: true,
        });
    }
    let mut header = [0u8; 100];
    let read = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut n = 0;
            while n < header.len() {
                match f.read(&mut header[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::PermissionDenied => StoreError::NoAccess { path: owned() },
            _ => StoreError::Io {
                path: owned(),
                source,
            },
        })?;
    if read < 16 || &header[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotADatabase { path: owned() });
    }
    if read < 100 {
        return Err(damaged(path, "文件被截断，只剩文件头的一部分"));
    }
    // With a `-wal` beside it (a crash, a logout, or another window still writing), the main
    // file is not the whole database: a file just created may be one page whose header still
    // reads as empty, with every table in the `-wal`. Only SQLite's recovery of the `-wal`
    // says what the database is: the checks after opening (version, schema, integrity) judge
    // the result, and nothing is read from the main file's header here.
    let [wal, ..] = siblings(path);
    if wal.metadata().is_ok_and(|m| m.len() > 0) {
        return Ok(Header {
            len: meta.len(),
            user_version: None,
            empty: false,
        });
    }
    let be16 = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    // 0: a database with no tables yet (a file killed while being made, before its first
    // table was written); SQLite's checks judge it.
    if !(0..=4).contains(&be32(44)) {
        return Err(damaged(path, "文件头中的结构格式号无效"));
    }
    // The text encoding is set with the first table: none yet, none written.
    let no_tables = be32(44) == 0;
    let encoding_ok = (1..=3).contains(&be32(56)) || (no_tables && be32(56) == 0);
    if !encoding_ok {
        return Err(damaged(path, "文件头中的文字编码无效"));
    }
    let page_size = match be16(16) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        _ => return Err(damaged(path, "文件头中的页大小无效")),
    };
    // Bytes 21–23 are fixed by the format: a different value is damage.
    if header[21..24] != [64, 32, 32] {
        return Err(damaged(path, "文件头中的固定字段被改动"));
    }
    // (No `-wal` with pages here: the file is the whole database.)
    if meta.len() % page_size != 0 {
        return Err(damaged(path, "文件长度不是整页，可能在复制或保存时被截断"));
    }
    // The page count in the header is valid when its change counters agree.
    let pages_in_header = u64::from(be32(28));
    if be32(24) == be32(92) && pages_in_header > meta.len() / page_size {
        return Err(damaged(
            path,
            &format!(
                "文件头记载 {pages_in_header} 页，文件只有 {} 页，已被截断",
                meta.len() / page_size
            ),
        ));
    }
    let user_version = i64::from(be32(60) as i32);
    let application_id = be32(68) as i32;
    // Every file of ours carries our application id from its first version on: a database
    // without it but with a version of its own is another program's.
    if application_id != APPLICATION_ID && (application_id != 0 || user_version != 0) {
        return Err(StoreError::Foreign { path: owned() });
    }
    if user_version > i64::from(SCHEMA_VERSION) {
        // A version far beyond any release is a damaged header, not a newer program.
        if user_version > i64::from(SCHEMA_VERSION) + 100 {
            return Err(damaged(
                path,
                &format!("文件头中的数据版本号（{user_version}）不可信"),
            ));
        }
        return Err(StoreError::TooNew {
            path: owned(),
            found: user_version,
            supported: SCHEMA_VERSION,
        });
    }
    if user_version < 0 {
        return Err(damaged(
            path,
            &format!("文件头中的数据版本号（{user_version}）无效"),
        ));
    }
    Ok(Header {
        len: meta.len(),
        user_version: Some(user_version),
        empty: false,
    })
}

fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "命名管道";
        }
        if t.is_socket() {
            return "套接字";
        }
        if t.is_block_device() || t.is_char_device() {
            return "设备文件";
        }
    }
    if meta.is_dir() {
        "文件夹"
    } else {
        "特殊文件"
    }
}

pub(super) fn damaged(path: &Path, detail: &str) -> StoreError {
    StoreError::Damaged {
        path: path.to_owned(),
        detail: detail.to_owned(),
    }
}

/// Checks an open connection to an existing file: ours, its schema what its version says,
/// and (with `integrity`) every page readable and consistent (`full_check`).
pub(super) fn check_contents(
    conn: &Connection,
    path: &Path,
    integrity: bool,
) -> Result<(), StoreError> {
    let classify = |e: rusqlite::Error| StoreError::from_open(path, e);
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(classify)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(classify)?;
    let objects = schema_objects(conn).map_err(classify)?;
    let empty = app_id == 0 && version == 0 && objects.is_empty();
    if !empty && app_id != i64::from(APPLICATION_ID) {
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
    if !empty && let Err(detail) = schema_matches(version, &objects) {
        return Err(StoreError::SchemaInconsistent {
            path: path.to_owned(),
            found: version,
            detail,
        });
    }
    if integrity {
        full_check(conn, path)?;
    }
    Ok(())
}

/// Everything checked before a file is opened for writing, through a read-only connection.
/// A `-journal` beside one of our files (always in WAL mode) is not ours: SQLite would replay
/// it into the file, so it is refused. A `-wal` beside it (after a crash, or copied in) is
/// checked with it even when the rest of the check runs later: a `-wal` of another database
/// replays that database's pages into this one, and only the full check sees the mixture.
pub(super) fn check_before_writing(path: &Path, integrity: bool) -> Result<(), StoreError> {
    let [wal, _, journal] = siblings(path);
    if journal.metadata().is_ok_and(|m| m.len() > 0) {
        return Err(StoreError::LeftoverJournal { path: journal });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::from_open(path, e))?;
    let with_wal = wal.metadata().is_ok_and(|m| m.len() > 0);
    check_contents(&conn, path, integrity || with_wal).map_err(|e| blame_wal(path, e))
}

/// The full check: `PRAGMA integrity_check` (every page, every index against its table) and
/// the foreign keys. SQLite's findings are logged; the message says how many.
pub(super) fn full_check(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let findings: Vec<String> = conn
        .prepare("PRAGMA integrity_check(20)")
        .and_then(|mut stmt| stmt.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| StoreError::from_open(path, e))?;
    if findings != ["ok"] {
        tracing::warn!(path = %path.display(), ?findings, "integrity check failed");
        return Err(damaged(
            path,
            &format!(
                "完整性检查发现 {} 处错误",
                if findings.len() >= 20 {
                    "20 多".to_owned()
                } else {
                    findings.len().to_string()
                }
            ),
        ));
    }
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| StoreError::from_open(path, e))?;
    if broken > 0 {
        return Err(damaged(path, &format!("{broken} 条记录的关联不一致")));
    }
    Ok(())
}

/// Every object of a database's schema (tables, indexes, views, triggers): kind, name and
/// SQL as SQLite keeps it, sorted. SQLite's own objects (`sqlite_…`, exactly that prefix) are
/// left out.
fn schema_objects(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master
         WHERE substr(name, 1, 7) <> 'sqlite_'",
    )?;
    let mut objects: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    objects.sort();
    Ok(objects)
}

/// The schema's objects one line each, sorted: what a file of a version must have exactly
/// (its digest is kept in `schema_digest`).
#[cfg(test)]
pub(super) fn schema_lines(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut lines: Vec<String> = schema_objects(conn)?
        .iter()
        .map(|(kind, name, sql)| object_line(kind, name, sql))
        .collect();
    lines.sort();
    Ok(lines)
}

fn object_line(kind: &str, name: &str, sql: &str) -> String {
    format!("{kind} {name}: {sql}")
}

/// Puts back the lock triggers of this version that are missing or altered (someone with a
/// SQL editor dropped them to change a signed record): without them the app itself could
/// write to signed records. Returns how many were restored. A file whose triggers are as they
/// should be (their digest says so) costs one query.
pub(super) fn restore_triggers(conn: &Connection) -> Result<usize, StoreError> {
    let present = triggers_of(conn)?;
    let lines: Vec<String> = present.iter().map(trigger_line).collect();
    if schema_digest::digest(lines.iter().map(String::as_str)) == schema_digest::TRIGGERS {
        return Ok(0);
    }
    static TRIGGERS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    let expected = TRIGGERS.get_or_init(|| {
        let read = || -> Option<Vec<(String, String)>> {
            let mut conn = Connection::open_in_memory().ok()?;
            migrate_to(&mut conn, SCHEMA_VERSION).ok()?;
            triggers_of(&conn).ok()
        };
        read().unwrap_or_default()
    });
    let mut restored = 0;
    for (name, sql) in expected {
        match present.iter().find(|(n, _)| n == name) {
            Some((_, found)) if found == sql => continue,
            Some(_) => conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))?,
            None => {}
        }
        conn.execute_batch(sql)?;
        restored += 1;
    }
    Ok(restored)
}

fn triggers_of(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

fn trigger_line((name, sql): &(String, String)) -> String {
    object_line("trigger", name, sql)
}

/// The triggers of a database, one line each (for the digest).
#[cfg(test)]
pub(super) fn trigger_lines(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    Ok(triggers_of(conn)?.iter().map(trigger_line).collect())
}

/// Whether a file of `version` has the schema that version must have: the same tables,
/// indexes and views, and no trigger that is not the program's (one of the program's lock
/// triggers missing is put back when the file is opened for writing, see `restore_triggers`).
/// Else what is extra, missing or altered, in words.
fn schema_matches(version: i64, objects: &[(String, String, String)]) -> Result<(), String> {
    let Some(expected) = usize::try_from(version)
        .ok()
        .and_then(|v| schema_digest::SCHEMAS.get(v))
    else {
        return Err(format!("没有第 {version} 版"));
    };
    let mut lines: Vec<String> = objects
        .iter()
        .map(|(kind, name, sql)| object_line(kind, name, sql))
        .collect();
    lines.sort();
    if schema_digest::digest(lines.iter().map(String::as_str)) == *expected {
        return Ok(());
    }
    // The rare case: work out what the version has, and say what differs.
    let wanted = u32::try_from(version)
        .ok()
        .and_then(|v| {
            let mut conn = Connection::open_in_memory().ok()?;
            migrate_to(&mut conn, v).ok()?;
            schema_objects(&conn).ok()
        })
        .unwrap_or_default();
    schema_difference(&wanted, objects)
}

/// What `present` has that `wanted` does not, and the reverse, in words; only missing or
/// rewritten triggers of the program's own (by their exact names) are no refusal.
fn schema_difference(
    wanted: &[(String, String, String)],
    present: &[(String, String, String)],
) -> Result<(), String> {
    let kind_word = |kind: &str| match kind {
        "table" => "表",
        "index" => "索引",
        "view" => "视图",
        "trigger" => "触发器",
        _ => "对象",
    };
    let by_name = |objects: &[(String, String, String)]| -> BTreeMap<(String, String), String> {
        objects
            .iter()
            .map(|(kind, name, sql)| ((kind.clone(), name.clone()), sql.clone()))
            .collect()
    };
    let (wanted, present) = (by_name(wanted), by_name(present));
    let mut found = Vec::new();
    for (key @ (kind, name), sql) in &present {
        match wanted.get(key) {
            None if kind == "trigger" => {
                found.push(format!(
                    "多出触发器“{name}”（不是本程序建立的，会在程序写入时暗中改动数据）"
                ));
            }
            None => found.push(format!("多出{}“{name}”", kind_word(kind))),
            // One of the program's triggers rewritten is put back on writing, as a missing one.
            Some(expected) if expected != sql && kind != "trigger" => {
                found.push(format!("{}“{name}”的定义被改动", kind_word(kind)));
            }
            Some(_) => {}
        }
    }
    for (kind, name) in wanted.keys() {
        if kind != "trigger" && !present.contains_key(&(kind.clone(), name.clone())) {
            found.push(format!("缺少{}“{name}”", kind_word(kind)));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let more = found.len().saturating_sub(3);
    found.truncate(3);
    let mut words = found.join("；");
    if more > 0 {
        words.push_str(&format!("；另有 {more} 处"));
    }
    Err(words)
}

/// A database that opens only with what is beside it: a `-wal` that does not belong to it
/// (copied from elsewhere) or is damaged makes it look foreign or broken. Looks at the main
/// file alone (SQLite's `immutable` mode reads nothing else and writes nothing); if that is
/// fine, the `-wal` is to blame.
pub(super) fn blame_wal(path: &Path, error: StoreError) -> StoreError {
    let [wal, ..] = siblings(path);
    if !wal.exists() {
        return error;
    }
    let uri = format!("{}?immutable=1", file_uri(path));
    let alone = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| StoreError::from_open(path, e))
    .and_then(|conn| check_contents(&conn, path, true));
    match alone {
        Ok(()) => StoreError::ForeignWal { path: wal },
        Err(_) => error,
    }
}

/// `path` as a `file:` URI (for SQLite's URI parameters).
pub fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut uri = String::from("file://");
    let text = absolute.to_string_lossy().replace('\\', "/");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for c in text.chars() {
        match c {
            '?' => uri.push_str("%3F"),
            '#' => uri.push_str("%23"),
            '%' => uri.push_str("%25"),
            c => uri.push(c),
        }
    }
    uri
}

/// Opening for writing failed: why.
pub(super) fn writing_refused(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::from_open(path, e)
}
