//! A full disk, and a file that cannot be written: writes that do not fit are refused whole
//! with the Chinese message, nothing before them is lost, and a file on read-only media can
//! still be listed, checked and exported.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::export::Document;
use crate::job::Progress;
use crate::model::{Compound, CompoundId};
use crate::store::{Access, Store, StoreError, ViewReason};

/// What the disk-full and read-only cases found.
#[derive(Debug, Default)]
pub struct DiskReport {
    /// Cases tried and passed, by name.
    pub passed: Vec<String>,
    /// Cases that failed (must be none).
    pub failed: Vec<String>,
    /// Cases not possible here (no mount permission, running as root), and why.
    pub skipped: Vec<String>,
}

fn compound(n: usize) -> Compound {
    Compound {
        id: CompoundId::new(),
        name: format!("满盘小区{n}"),
        address: "永宁大道 1 号".repeat(10),
        town_id: None,
        owner_unit: "县直单位".to_owned(),
        year_built: Some(1995),
        buildings: Some(3),
        households: Some(60),
        cluster_id: None,
        is_sample: false,
    }
}

fn is_disk_full(e: &StoreError) -> bool {
    matches!(e, StoreError::DiskFull) && e.to_string().contains("磁盘空间已满")
}

/// Runs every case it can here.
pub fn run() -> anyhow::Result<DiskReport> {
    let mut report = DiskReport::default();
    let mut note = |name: &str, result: anyhow::Result<()>| match result {
        Ok(()) => report.passed.push(name.to_owned()),
        Err(e) => report.failed.push(format!("{name}：{e:#}")),
    };
    note("磁盘满（注入）：逐条保存", injected_saves());
    note("磁盘满（注入）：示例数据整批", injected_sample());
    match tmpfs_full() {
        Ok(None) => report.passed.push("磁盘满（小容量 tmpfs）".to_owned()),
        Ok(Some(skip)) => report.skipped.push(skip),
        Err(e) => report.failed.push(format!("磁盘满（小容量 tmpfs）：{e:#}")),
    }
    match read_only_filesystem() {
        Ok(None) => report.passed.push("只读文件系统".to_owned()),
        Ok(Some(skip)) => report.skipped.push(skip),
        Err(e) => report.failed.push(format!("只读文件系统：{e:#}")),
    }
    match read_only_permissions() {
        Ok(None) => report.passed.push("只读文件和只读文件夹".to_owned()),
        Ok(Some(skip)) => report.skipped.push(skip),
        Err(e) => report.failed.push(format!("只读文件和只读文件夹：{e:#}")),
    }
    Ok(report)
}

/// The store may grow only a little (`PRAGMA max_page_count`): compounds are saved until the
/// "disk" is full; every acknowledged one is kept, the refused one is not half there.
fn injected_saves() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("full.db");
    let mut store = Store::open(&path)?;
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))?;
    store
        .connection()
        .pragma_update(None, "max_page_count", pages + 4)?;
    let mut saved = 0;
    let refusal = loop {
        match store.save_compound(&compound(saved)) {
            Ok(()) => saved += 1,
            Err(e) => break e,
        }
        anyhow::ensure!(saved < 10_000, "限额没有起作用");
    };
    anyhow::ensure!(is_disk_full(&refusal), "拒绝的原因不对：{refusal}");
    anyhow::ensure!(saved > 0, "一条也没存下");
    drop(store);
    let store = Store::open_existing(&path)?;
    let (count, _) = store.compound_counts()?;
    anyhow::ensure!(
        usize::try_from(count)? == saved,
        "确认保存 {saved} 条，文件里有 {count} 条"
    );
    store.check_integrity()?;
    Ok(())
}

/// The sample set does not fit: none of it is written.
fn injected_sample() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("full-sample.db");
    let mut store = Store::open(&path)?;
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))?;
    store
        .connection()
        .pragma_update(None, "max_page_count", pages + 1)?;
    match crate::store::sample::write_sample(&mut store, false) {
        Err(crate::store::sample::SampleError::Store(e)) if is_disk_full(&e) => {}
        other => anyhow::bail!("应因磁盘满而整批拒绝，结果：{other:?}"),
    }
    let (count, _) = store.compound_counts()?;
    anyhow::ensure!(count == 0, "写了一半：{count} 个小区");
    Ok(())
}

/// Runs `mount` with `args`; `Err` with its words when it cannot (no permission).
fn mount(args: &[&str]) -> Result<(), String> {
    let out = Command::new("mount")
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// A mounted tmpfs, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
    _holder: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Self, String> {
        let holder = tempfile::tempdir().map_err(|e| e.to_string())?;
        let dir = holder.path().to_owned();
        let dir_text = dir.to_string_lossy().into_owned();
        mount(&[
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            &dir_text,
        ])?;
        Ok(Self {
            dir,
            _holder: holder,
        })
    }

    fn remount_read_only(&self) -> Result<(), String> {
        mount(&["-o", "remount,ro", &self.dir.to_string_lossy()])
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// A real full disk: a 2 MiB tmpfs (room for making the empty schema: its file and `-wal`
/// side by side before the `-wal` is folded in), filled with compounds.
fn tmpfs_full() -> anyhow::Result<Option<String>> {
    let fs = match Tmpfs::mount("2m") {
        Ok(fs) => fs,
        Err(why) => return Ok(Some(format!("磁盘满（小容量 tmpfs）：无法挂载（{why}）"))),
    };
    // Too little room to make the file: refused as full in words, and nothing is left (no
    // half-made file to be mistaken for a database).
    {
        let tiny = match Tmpfs::mount("640k") {
            Ok(fs) => fs,
            Err(why) => return Ok(Some(format!("磁盘满（小容量 tmpfs）：无法挂载（{why}）"))),
        };
        let path = tiny.dir.join("new.db");
        match Store::open(&path) {
            Err(e) if is_disk_full(&e) => {}
            Err(e) => anyhow::bail!("在容不下新文件的盘上新建：{e}"),
            Ok(_) => anyhow::bail!("640 KiB 的盘上竟建成了新文件"),
        }
        let left = listing(&tiny.dir);
        anyhow::ensure!(left.is_empty(), "新建失败后留下了：{left:?}");
    }
    let path = fs.dir.join("small.db");
    let mut store = Store::open(&path)?;
    let mut saved = 0;
    let refusal = loop {
        match store.save_compound(&compound(saved)) {
            Ok(()) => saved += 1,
            Err(e) => break e,
        }
        anyhow::ensure!(saved < 100_000, "磁盘没有满");
    };
    anyhow::ensure!(is_disk_full(&refusal), "拒绝的原因不对：{refusal}");
    drop(store);
    // Opening on the full disk: it opens, or is refused as full in words, never with a raw
    // I/O error.
    match Store::open_existing(&path) {
        Ok(_) => {}
        Err(e) if is_disk_full(&e) => {}
        Err(e) => anyhow::bail!("在满盘上打开：{e}"),
    }
    // The records are all readable.
    let reader = Store::open_read_only(&path)?;
    let (count, _) = reader.compound_counts()?;
    anyhow::ensure!(
        usize::try_from(count)? == saved,
        "确认保存 {saved} 条，文件里有 {count} 条"
    );
    Ok(None)
}

/// A sample file on a filesystem remounted read-only: listed, checked and exported; the
/// window views it and says why; a write is refused with the reason; nothing new beside it.
fn read_only_filesystem() -> anyhow::Result<Option<String>> {
    let fs = match Tmpfs::mount("8m") {
        Ok(fs) => fs,
        Err(why) => return Ok(Some(format!("只读文件系统：无法挂载（{why}）"))),
    };
    let path = fs.dir.join("archive.db");
    {
        let mut store = Store::open(&path)?;
        crate::store::sample::write_sample(&mut store, false)?;
    }
    if let Err(why) = fs.remount_read_only() {
        return Ok(Some(format!("只读文件系统：无法改为只读（{why}）")));
    }
    let before = listing(&fs.dir);
    let store = Store::open_read_only(&path)?;
    anyhow::ensure!(store.compound_counts()?.0 == 4, "读不到小区");
    anyhow::ensure!(store.audit()?.is_clean(), "核验未通过");
    let out = tempfile::tempdir()?;
    let id = store.all_inspections()?[0].summary.id;
    let outcome = Document::AcceptanceSheet(id).write(
        &store,
        &out.path().join("sheet.pdf"),
        &crate::model::Clock::local(),
        &Progress::unobserved(),
    );
    anyhow::ensure!(outcome.error.is_none(), "导出失败：{:?}", outcome.error);
    drop(store);
    let window = Store::open_window(&path)?;
    anyhow::ensure!(
        *window.access() == Access::View(ViewReason::FilesystemReadOnly),
        "窗口应只读：{:?}",
        window.access()
    );
    drop(window);
    match Store::open(&path) {
        Err(StoreError::NotWritable {
            reason: ViewReason::FilesystemReadOnly,
            ..
        }) => {}
        other => anyhow::bail!("写入应被拒绝：{other:?}"),
    }
    anyhow::ensure!(listing(&fs.dir) == before, "旁边多了文件");
    Ok(None)
}

/// A write-protected file and a write-protected folder (as an ordinary user: root writes
/// anyway, so there it is skipped).
fn read_only_permissions() -> anyhow::Result<Option<String>> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("locked.db");
    drop(Store::open(&path)?);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444))?;
    if std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
        return Ok(Some(
            "只读文件和只读文件夹：以 root 运行，权限限制不起作用".to_owned(),
        ));
    }
    let window = Store::open_window(&path)?;
    anyhow::ensure!(
        *window.access() == Access::View(ViewReason::FileReadOnly),
        "只读文件：{:?}",
        window.access()
    );
    drop(window);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555))?;
    let result = Store::open_window(&path);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
    anyhow::ensure!(
        matches!(
            result?.access(),
            Access::View(ViewReason::FolderReadOnly(_))
        ),
        "只读文件夹"
    );
    Ok(None)
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
