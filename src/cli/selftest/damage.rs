//! Damaged files at the door: truncations at many offsets, bit flips in the header and in
//! random pages, zeroed and overwritten pages, foreign SQLite files, odd `user_version`s,
//! foreign, stale or garbage `-wal` and `-journal` files beside, FIFOs, folders and links.
//! Each is opened for writing as the window would; none may be opened while corrupt, none
//! modified when refused, none refused without a Chinese message naming the cause, and
//! nothing may panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng, rngs::StdRng};
use rusqlite::{Connection, OpenFlags};

use crate::store::{APPLICATION_ID, SCHEMA_VERSION, Store, StoreError};

/// What happened to the damaged files.
#[derive(Debug, Default)]
pub struct DamageReport {
    pub files: usize,
    /// Refused with a clear message, left as they were.
    pub refused: usize,
    /// Opened for writing and found intact by a full integrity check afterwards.
    pub opened_intact: usize,
    /// Opened for writing although corrupt (must be 0).
    pub opened_corrupt: Vec<String>,
    /// Refused but changed, or something new left beside them (must be 0).
    pub modified: Vec<String>,
    /// Refused with a message that names no cause in Chinese (must be 0).
    pub unclear: Vec<String>,
    /// Panics (must be 0).
    pub panics: Vec<String>,
    /// How many refusals each cause got.
    pub causes: BTreeMap<&'static str, usize>,
}

impl DamageReport {
    pub fn is_clean(&self) -> bool {
        self.opened_corrupt.is_empty()
            && self.modified.is_empty()
            && self.unclear.is_empty()
            && self.panics.is_empty()
    }
}

/// Makes a damaged file (`y.db`, and what lies beside it) in an empty folder.
type Maker = Box<dyn Fn(&Path) -> std::io::Result<()>>;

/// A damaged file to try: its name, and how to make it.
struct Case {
    name: String,
    make: Maker,
}

/// Raw phrases of SQLite and the OS that must never reach a user.
const RAW: [&str; 8] = [
    "malformed",
    "disk I/O",
    "not a database",
    "unable to open",
    "SqliteFailure",
    "file is encrypted",
    "no such table",
    "already exists",
];

/// Tries `count` damaged files (at least the fixed kinds, then random damage), made from a
/// sample database.
pub fn run(count: usize, seed: u64) -> anyhow::Result<DamageReport> {
    let work = tempfile::tempdir()?;
    let base = sample_file(work.path(), "base")?;
    let other = sample_file(work.path(), "other")?;
    let base_bytes = std::fs::read(&base)?;
    let page = page_size(&base_bytes);
    let wal_of_other = wal_of(work.path(), &other)?;
    let journal_of_other = journal_of(work.path())?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut cases = fixed_cases(&base_bytes, page, &wal_of_other, &journal_of_other);
    while cases.len() < count {
        cases.push(random_case(&mut rng, &base_bytes, page, cases.len()));
    }
    let mut report = DamageReport::default();
    for (index, case) in cases.iter().enumerate() {
        let dir = work.path().join(format!("case-{index}"));
        std::fs::create_dir(&dir)?;
        (case.make)(&dir)?;
        try_case(&dir.join("y.db"), &case.name, &mut report);
        // A file that opened is gone with its folder; a FIFO must not keep a reader waiting.
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(report)
}

fn try_case(path: &Path, name: &str, report: &mut DamageReport) {
    report.files += 1;
    let before = snapshot(path);
    let outcome = std::panic::catch_unwind(|| Store::open_existing(path));
    match outcome {
        Err(_) => report.panics.push(name.to_owned()),
        Ok(Ok(store)) => {
            drop(store);
            if intact(path) {
                report.opened_intact += 1;
            } else {
                report.opened_corrupt.push(name.to_owned());
            }
        }
        Ok(Err(e)) => {
            let message = e.to_string();
            if snapshot(path) != before {
                report.modified.push(format!("{name}: {message}"));
            } else if !is_clear(&message) || cause(&e) == "其他" {
                report.unclear.push(format!("{name}: {message}"));
            } else {
                report.refused += 1;
                let cause = cause(&e);
                if cause == "其他" {
                    tracing::warn!("{name}: {message}");
                }
                *report.causes.entry(cause).or_default() += 1;
            }
        }
    }
}

/// The bytes of the file and the names in its folder.
fn snapshot(path: &Path) -> (Option<Vec<u8>>, Vec<String>) {
    let bytes = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .and_then(|_| std::fs::read(path).ok());
    let mut names: Vec<String> = path
        .parent()
        .and_then(|d| std::fs::read_dir(d).ok())
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    (bytes, names)
}

/// A message a county user can act on: Chinese, and none of SQLite's raw words.
fn is_clear(message: &str) -> bool {
    let chinese = message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    chinese && !RAW.iter().any(|raw| message.contains(raw))
}

fn cause(e: &StoreError) -> &'static str {
    match e {
        StoreError::NotADatabase { .. } => "不是数据库",
        StoreError::Damaged { .. } => "已损坏",
        StoreError::TooNew { .. } => "更新版本写入",
        StoreError::SchemaInconsistent { .. } => "版本号与表结构不一致",
        StoreError::Foreign { .. } => "其他程序的数据库",
        StoreError::ForeignWal { .. } => "-wal 日志不属于它",
        StoreError::LeftoverJournal { .. } => "-journal 日志不属于它",
        StoreError::LockedByOther { .. } | StoreError::Busy => "被其他程序锁定",
        StoreError::NotARegularFile { .. } => "不是普通文件",
        StoreError::Missing { .. } | StoreError::MissingFolder { .. } => "文件不存在",
        StoreError::DiskFull => "磁盘已满",
        StoreError::NotWritable { .. } => "不可写入",
        _ => "其他",
    }
}

/// Whether an opened file is whole: SQLite's full integrity check, ours, keys consistent.
fn intact(path: &Path) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    let check = || -> rusqlite::Result<bool> {
        let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let broken: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        Ok(integrity == "ok"
            && app == i64::from(APPLICATION_ID)
            && version == i64::from(SCHEMA_VERSION)
            && broken == 0)
    };
    check().unwrap_or(false)
}

/// A closed sample database (no `-wal` beside it).
fn sample_file(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("{name}.db"));
    let mut store = Store::open(&path)?;
    crate::store::sample::write_sample(&mut store, false)?;
    drop(store);
    Ok(path)
}

/// A `-wal` file of another database, taken while it was open.
fn wal_of(dir: &Path, db: &Path) -> anyhow::Result<Vec<u8>> {
    let copy = dir.join("walsource.db");
    std::fs::copy(db, &copy)?;
    let conn = Connection::open(&copy)?;
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.execute_batch("UPDATE compound SET address = address || '·改'")?;
    let mut wal = copy.as_os_str().to_owned();
    wal.push("-wal");
    let bytes = std::fs::read(PathBuf::from(wal))?;
    drop(conn);
    Ok(bytes)
}

/// A hot rollback journal of another database.
fn journal_of(dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("journalsource.db");
    let conn = Connection::open(&path)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE; CREATE TABLE t (x); INSERT INTO t VALUES (randomblob(9000));",
    )?;
    conn.execute_batch("PRAGMA locking_mode=EXCLUSIVE; BEGIN; UPDATE t SET x = randomblob(9000);")?;
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    let bytes = std::fs::read(PathBuf::from(journal))?;
    conn.execute_batch("ROLLBACK")?;
    Ok(bytes)
}

fn page_size(bytes: &[u8]) -> usize {
    match bytes.get(16..18).map(|b| u16::from_be_bytes([b[0], b[1]])) {
        Some(1) => 65_536,
        Some(n) if n >= 512 => usize::from(n),
        _ => 4096,
    }
}

fn write(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(dir.join("y.db"), bytes)
}

fn beside(dir: &Path, suffix: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(dir.join(format!("y.db{suffix}")), bytes)
}

fn case(name: impl Into<String>, make: impl Fn(&Path) -> std::io::Result<()> + 'static) -> Case {
    Case {
        name: name.into(),
        make: Box::new(make),
    }
}

/// The kinds every run tries.
fn fixed_cases(base: &[u8], page: usize, foreign_wal: &[u8], journal: &[u8]) -> Vec<Case> {
    let mut cases = Vec::new();
    // Truncations: inside the header, at and around page boundaries, near the end.
    let mut cuts: Vec<usize> = vec![0, 1, 15, 16, 17, 50, 99, 100, 101, 512, 1024];
    for p in 1..(base.len() / page) {
        cuts.extend([p * page - 1, p * page, p * page + 1]);
    }
    cuts.extend([base.len() - 1, base.len() - 100]);
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts.into_iter().filter(|c| *c < base.len()) {
        let bytes = base[..cut].to_vec();
        cases.push(case(format!("截断于 {cut} 字节"), move |d| {
            write(d, &bytes)
        }));
    }
    // One bit flipped in every byte of the header.
    for at in 0..100 {
        for bit in [0u8, 7] {
            let mut bytes = base.to_vec();
            bytes[at] ^= 1 << bit;
            cases.push(case(
                format!("文件头第 {at} 字节第 {bit} 位翻转"),
                move |d| write(d, &bytes),
            ));
        }
    }
    // Every page zeroed in turn.
    for p in 0..base.len() / page {
        let mut bytes = base.to_vec();
        bytes[p * page..(p + 1) * page].fill(0);
        cases.push(case(format!("第 {} 页清零", p + 1), move |d| {
            write(d, &bytes)
        }));
    }
    // Foreign SQLite files.
    let foreign_sql = [
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');",
        "PRAGMA application_id = 1234; CREATE TABLE t (x);",
        "PRAGMA user_version = 3; CREATE TABLE compound (id TEXT);",
        "CREATE TABLE town (id TEXT PRIMARY KEY, name TEXT); PRAGMA user_version = 1;",
        "PRAGMA application_id = 1498630229; CREATE TABLE other (x);",
    ];
    for (i, sql) in foreign_sql.into_iter().enumerate() {
        cases.push(case(
            format!("其他程序的 SQLite 文件 {i}"),
            move |d| {
                let conn = Connection::open(d.join("y.db")).map_err(std::io::Error::other)?;
                conn.execute_batch(sql).map_err(std::io::Error::other)
            },
        ));
    }
    // Odd user_versions written into a good file.
    let versions: Vec<i32> = (-2..=i32::try_from(SCHEMA_VERSION).unwrap_or(7) + 2)
        .chain([100, 1000, 33_554_438, i32::MAX, i32::MIN])
        .filter(|v| *v != i32::try_from(SCHEMA_VERSION).unwrap_or(7))
        .collect();
    for v in versions {
        let mut bytes = base.to_vec();
        bytes[60..64].copy_from_slice(&v.to_be_bytes());
        cases.push(case(format!("数据版本号改为 {v}"), move |d| {
            write(d, &bytes)
        }));
    }
    // Files beside it: a foreign WAL, a garbage WAL, a stale -shm, rollback journals.
    let wal = foreign_wal.to_vec();
    let good = base.to_vec();
    cases.push(case("旁边有别的数据库的 -wal", move |d| {
        write(d, &good)?;
        beside(d, "-wal", &wal)
    }));
    for size in [1usize, 32, 100, 4096, 40_000] {
        let good = base.to_vec();
        cases.push(case(
            format!("旁边有 {size} 字节的垃圾 -wal"),
            move |d| {
                write(d, &good)?;
                beside(d, "-wal", &vec![0xA5; size])
            },
        ));
    }
    let journal = journal.to_vec();
    let good = base.to_vec();
    cases.push(case("旁边有别的数据库的 -journal", move |d| {
        write(d, &good)?;
        beside(d, "-journal", &journal)
    }));
    let good = base.to_vec();
    cases.push(case("旁边有垃圾 -journal", move |d| {
        write(d, &good)?;
        beside(d, "-journal", &[0x5A; 2048])
    }));
    let good = base.to_vec();
    cases.push(case("旁边有陈旧的 -shm", move |d| {
        write(d, &good)?;
        beside(d, "-shm", &[0x11; 32768])
    }));
    // Not a regular file.
    cases.push(case("文件夹", |d| std::fs::create_dir(d.join("y.db"))));
    #[cfg(unix)]
    {
        cases.push(case("命名管道（FIFO）", |d| {
            let status = std::process::Command::new("mkfifo")
                .arg(d.join("y.db"))
                .status()?;
            if status.success() {
                Ok(())
            } else {
                Err(std::io::Error::other("mkfifo"))
            }
        }));
        cases.push(case("指向命名管道的链接", |d| {
            std::process::Command::new("mkfifo")
                .arg(d.join("fifo"))
                .status()?;
            std::os::unix::fs::symlink(d.join("fifo"), d.join("y.db"))
        }));
        cases.push(case("断开的链接", |d| {
            std::os::unix::fs::symlink(d.join("nowhere.db"), d.join("y.db"))
        }));
        cases.push(case("循环链接", |d| {
            std::os::unix::fs::symlink(d.join("y.db"), d.join("y.db"))
        }));
        let good = base.to_vec();
        cases.push(case("指向完好文件的链接", move |d| {
            std::fs::write(d.join("real.db"), &good)?;
            std::os::unix::fs::symlink(d.join("real.db"), d.join("y.db"))
        }));
    }
    cases
}

/// Random damage: bit flips, overwritten stretches, zeroed stretches anywhere in the file.
fn random_case(rng: &mut StdRng, base: &[u8], page: usize, n: usize) -> Case {
    let mut bytes = base.to_vec();
    let name = match n % 3 {
        0 => {
            let flips = rng.random_range(1..=8);
            for _ in 0..flips {
                let at = rng.random_range(0..bytes.len());
                bytes[at] ^= 1 << rng.random_range(0..8);
            }
            format!("随机翻转 {flips} 位（第 {n} 个）")
        }
        1 => {
            let at = rng.random_range(0..bytes.len());
            let len = rng.random_range(1..=page).min(bytes.len() - at);
            rng.fill(&mut bytes[at..at + len]);
            format!("随机覆盖 {len} 字节（第 {n} 个）")
        }
        _ => {
            let at = rng.random_range(0..bytes.len());
            let len = rng.random_range(1..=page * 2).min(bytes.len() - at);
            bytes[at..at + len].fill(0);
            format!("随机清零 {len} 字节（第 {n} 个）")
        }
    };
    case(name, move |d| write(d, &bytes))
}
