//! Automatic backups with SQLite's online backup API: a copy before every migration and every
//! package import, and a daily one on the first open of the day. Each is written under a
//! temporary name, checked with `integrity_check`, then renamed; the last N are kept. A restore
//! checks the copy, backs up the file as it is, and copies the backup's pages over it.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Duration;

use chrono::NaiveDateTime;
use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError};

/// Where backups go and how many are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupPolicy {
    /// `None`: a folder beside the file, named after it (`验收-备份`).
    pub dir: Option<PathBuf>,
    pub keep: usize,
}

impl Default for BackupPolicy {
    fn default() -> Self {
        Self {
            dir: None,
            keep: 10,
        }
    }
}

static POLICY: RwLock<Option<BackupPolicy>> = RwLock::new(None);

/// Sets the policy for this process (from the user's settings, at start and on change).
pub fn set_policy(policy: BackupPolicy) {
    if let Ok(mut p) = POLICY.write() {
        *p = Some(policy);
    }
}

pub fn policy() -> BackupPolicy {
    POLICY
        .read()
        .ok()
        .and_then(|p| p.clone())
        .unwrap_or_default()
}

/// Why a backup was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupReason {
    Daily,
    BeforeUpgrade,
    BeforeImport,
    BeforeRestore,
    Manual,
    /// Before a register (spreadsheet) is imported.
    BeforeRegister,
}

impl BackupReason {
    const ALL: [Self; 6] = [
        Self::Daily,
        Self::BeforeUpgrade,
        Self::BeforeImport,
        Self::BeforeRestore,
        Self::Manual,
        Self::BeforeRegister,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "每日自动",
            Self::BeforeUpgrade => "升级前",
            Self::BeforeImport => "导入数据包前",
            Self::BeforeRestore => "恢复前",
            Self::Manual => "手动",
            Self::BeforeRegister => "导入名册前",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::BeforeUpgrade => "upgrade",
            Self::BeforeImport => "import",
            Self::BeforeRestore => "restore",
            Self::Manual => "manual",
            Self::BeforeRegister => "register",
        }
    }
}

/// A backup on disk.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupInfo {
    pub path: PathBuf,
    /// When it was made (in the zone times are shown in, from its name).
    pub made_at: NaiveDateTime,
    pub reason: BackupReason,
    pub bytes: u64,
    /// Compounds, surveys, inspections in it; `None` if it cannot be read.
    pub counts: Option<(i64, i64, i64)>,
}

/// The folder of `db`'s backups under `policy`.
pub fn folder_for(db: &Path, policy: &BackupPolicy) -> PathBuf {
    let stem = stem_of(db);
    match &policy.dir {
        Some(dir) => dir.join(&stem),
        None => db
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(format!("{stem}-备份")),
    }
}

fn stem_of(db: &Path) -> String {
    db.file_stem()
        .map_or_else(|| "验收".to_owned(), |s| s.to_string_lossy().into_owned())
}

fn failed(path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Backup(format!(
        "备份未完成（{}：{e}）。请检查备份文件夹所在磁盘的空间和权限（设置 › 备份）；数据库文件未改动。",
        path.display()
    ))
}

/// Writes a verified copy of the database `conn` has open (the file `db`) into its backup
/// folder, then keeps the newest `keep`. Returns the copy's path.
pub fn write_backup(
    conn: &Connection,
    db: &Path,
    reason: BackupReason,
    policy: &BackupPolicy,
) -> Result<PathBuf, StoreError> {
    let target = write_unpruned(conn, db, reason, policy)?;
    prune(db, policy)?;
    Ok(target)
}

fn write_unpruned(
    conn: &Connection,
    db: &Path,
    reason: BackupReason,
    policy: &BackupPolicy,
) -> Result<PathBuf, StoreError> {
    let dir = folder_for(db, policy);
    std::fs::create_dir_all(&dir).map_err(|e| failed(&dir, e))?;
    // In the zone every time is shown in (北京时间 unless the settings say otherwise).
    let stamp = crate::model::Clock::local().now().format("%Y%m%d-%H%M%S");
    let mut name = format!("{}-{stamp}-{}.db", stem_of(db), reason.code());
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("{}-{stamp}-{}-{n}.db", stem_of(db), reason.code());
        n += 1;
    }
    let target = dir.join(&name);
    let partial = dir.join(format!("{name}.partial"));
    let result = (|| -> Result<(), StoreError> {
        let mut copy = Connection::open(&partial).map_err(|e| failed(&partial, e))?;
        rusqlite::backup::Backup::new(conn, &mut copy)
            .and_then(|b| b.run_to_completion(4096, Duration::ZERO, None))
            .map_err(|e| failed(&partial, e))?;
        // A copy is only kept once it reads back whole.
        let check: String = copy
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| failed(&partial, e))?;
        if check != "ok" {
            return Err(failed(&partial, format!("备份校验未通过（{check}）")));
        }
        drop(copy);
        std::fs::rename(&partial, &target).map_err(|e| failed(&target, e))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    tracing::info!(path = %target.display(), reason = reason.code(), "backup written");
    Ok(target)
}

/// The backups of `db`, newest first.
pub fn list_backups(db: &Path, policy: &BackupPolicy) -> Vec<BackupInfo> {
    let dir = folder_for(db, policy);
    let prefix = format!("{}-", stem_of(db));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<BackupInfo> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?.strip_suffix(".db")?;
            // 20261129-083000-daily (maybe -2)
            let stamp = rest.get(..15)?;
            let made_at = NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?;
            let code = rest.get(16..)?.split('-').next()?;
            let reason = BackupReason::ALL.into_iter().find(|r| r.code() == code)?;
            Some(BackupInfo {
                path: entry.path(),
                made_at,
                reason,
                bytes: entry.metadata().map(|m| m.len()).unwrap_or(0),
                counts: None,
            })
        })
        .collect();
    out.sort_by(|a, b| b.made_at.cmp(&a.made_at).then_with(|| b.path.cmp(&a.path)));
    out
}

/// Reads how many records a backup holds (for the restore list).
pub fn count_records(path: &Path) -> Option<(i64, i64, i64)> {
    let conn = open_unchanging(path).ok()?;
    let count = |table: &str| -> Option<i64> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .ok()
    };
    Some((count("compound")?, count("survey")?, count("inspection")?))
}

/// Deletes all but the newest `keep` backups of `db` (the newest daily one is always kept,
/// however many others came after it), and what a backup cut short (the power gone, the
/// program killed) left more than an hour ago.
fn prune(db: &Path, policy: &BackupPolicy) -> Result<(), StoreError> {
    let backups = list_backups(db, policy);
    let last_daily = backups
        .iter()
        .find(|b| b.reason == BackupReason::Daily)
        .map(|b| b.path.clone());
    for old in backups.iter().skip(policy.keep.max(1)) {
        if Some(&old.path) == last_daily.as_ref() {
            continue;
        }
        std::fs::remove_file(&old.path).map_err(|e| failed(&old.path, e))?;
    }
    let stale = std::time::SystemTime::now() - Duration::from_secs(3600);
    if let Ok(entries) = std::fs::read_dir(folder_for(db, policy)) {
        for entry in entries.flatten() {
            let partial = entry.file_name().to_string_lossy().ends_with(".partial");
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < stale);
            if partial && old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Whether `db` has no backup made today yet.
pub fn daily_backup_due(db: &Path, policy: &BackupPolicy) -> bool {
    let today = crate::model::Clock::local().today();
    !list_backups(db, policy)
        .iter()
        .any(|b| b.made_at.date() == today)
}

/// A daily backup of the file at `db`, through a connection of its own (a background thread's):
/// a consistent snapshot while the window goes on writing.
pub fn daily_backup(db: &Path, policy: &BackupPolicy) -> Result<PathBuf, StoreError> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| failed(db, e))?;
    write_backup(&conn, db, BackupReason::Daily, policy)
}

/// Replaces the file at `db` (closed by every window: the caller holds no store on it) with the
/// backup at `backup`, after checking the backup and backing up the file as it is. The file's
/// own backup is returned.
pub fn restore(db: &Path, backup: &Path, policy: &BackupPolicy) -> Result<PathBuf, StoreError> {
    let source = check_backup(backup).map_err(|e| {
        StoreError::Backup(format!(
            "所选备份“{}”不能用来恢复：{}。当前文件未改动；请另选一个备份。",
            backup.display(),
            what_is_wrong(&e)
        ))
    })?;
    let mut current = Connection::open(db).map_err(|e| failed(db, e))?;
    current
        .busy_timeout(Duration::from_secs(2))
        .map_err(|e| failed(db, e))?;
    // Pruned only once the restore is done: the backup restored from is never the one pruned.
    let kept = write_unpruned(&current, db, BackupReason::BeforeRestore, policy)?;
    rusqlite::backup::Backup::new(&source, &mut current)
        .and_then(|b| b.run_to_completion(4096, Duration::ZERO, None))
        .map_err(|e| failed(db, e))?;
    current
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .map_err(|e| failed(db, e))?;
    drop((source, current));
    prune(db, policy)?;
    Ok(kept)
}

/// A backup opened as it is: nothing is written beside it (no `-wal`, no `-shm`), since
/// nothing ever writes a backup.
fn open_unchanging(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        format!("{}?immutable=1", super::open::file_uri(path)),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Checks a backup exactly as the door checks a file (kind, header, version, schema,
/// integrity): a restore never puts back a file the app would then refuse.
fn check_backup(backup: &Path) -> Result<Connection, StoreError> {
    super::open::examine(backup)?;
    let conn = open_unchanging(backup).map_err(|e| StoreError::from_open(backup, e))?;
    super::open::check_contents(&conn, backup, true)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| StoreError::from_open(backup, e))?;
    if version == 0 {
        return Err(StoreError::NotADatabase {
            path: backup.to_owned(),
        });
    }
    Ok(conn)
}

/// What is wrong with a backup, in words about the backup itself.
fn what_is_wrong(e: &StoreError) -> String {
    match e {
        StoreError::TooNew { found, .. } => {
            format!("它由更新版本的验收程序写入（数据版本 {found}），本程序不能使用")
        }
        StoreError::Damaged { detail, .. } => format!("它已损坏（{detail}）"),
        StoreError::SchemaInconsistent { found, detail, .. } => {
            format!("它的表结构与其数据版本 {found} 不符（{detail}）")
        }
        StoreError::Foreign { .. }
        | StoreError::NotADatabase { .. }
        | StoreError::EmptyFile { .. } => "它不是验收数据库的备份".to_owned(),
        StoreError::Missing { .. } => "它已不存在".to_owned(),
        other => other.to_string(),
    }
}

impl Store {
    /// Runs `change` with a verified backup of this file made first, for `reason`. The backup
    /// is kept only if the change is made (then the old ones are pruned); a refused change
    /// changed nothing, and its backup would only push good ones out. Nothing is backed up
    /// for a file in memory.
    pub(crate) fn with_backup_before<T>(
        &mut self,
        reason: BackupReason,
        change: impl FnOnce(&mut Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let backup = match &self.path {
            Some(path) => Some((
                path.clone(),
                write_unpruned(&self.conn, path, reason, &policy())?,
            )),
            None => None,
        };
        let result = change(self);
        match (&result, backup) {
            // The change is made: old backups left unpruned are no reason to say it failed.
            (Ok(_), Some((path, _))) => {
                if let Err(e) = prune(&path, &policy()) {
                    tracing::warn!(error = %e, "old backups not pruned");
                }
            }
            (Err(_), Some((_, backup))) => {
                let _ = std::fs::remove_file(backup);
            }
            (_, None) => {}
        }
        result
    }

    /// A verified backup of this file now, for `reason` (nothing for a file in memory).
    pub fn backup(&self, reason: BackupReason) -> Result<Option<PathBuf>, StoreError> {
        match &self.path {
            Some(path) => write_backup(&self.conn, path, reason, &policy()).map(Some),
            None => Ok(None),
        }
    }
}
