//! `yanshou bench`, field packages: a laptop's package with 1,000 compounds, 10,000 ticks and
//! 200 photos, written, read and checked, and imported at an office file.

use std::time::Instant;

use crate::export::Document;
use crate::model::sync::Role;
use crate::model::{Catalogue, ItemResult, Subject, catalogue::COMPOUND_STANDARD};
use crate::store::Store;

const COMPOUNDS: usize = 1_000;
const TICKS_PER_ROUND: usize = 10;
const PHOTOS: usize = 200;

/// What `run` made, for `--compare`: the laptop's file and its package.
pub(super) struct Made {
    pub laptop: std::path::PathBuf,
    pub package: std::path::PathBuf,
}

pub(super) fn run(dir: &std::path::Path) -> anyhow::Result<Made> {
    let laptop_path = dir.join("laptop.db");
    let mut laptop = Store::open(&laptop_path)?;
    // Setting up is not what is measured: no fsync per write while it is built.
    laptop
        .connection()
        .execute_batch("PRAGMA synchronous = OFF")?;
    laptop.set_identity("测试笔记本", Role::Field)?;
    let photos = distinct_photos(10)?;
    let codes: Vec<String> = Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .iter()
        .map(|i| i.code.clone())
        .collect();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let mut photos_added = 0;
    for n in 0..COMPOUNDS {
        let mut compound = super::figures::bench_compound(n);
        compound.households = Some(40 + (n % 200) as u32);
        laptop.save_compound(&compound)?;
        let round = laptop.start_inspection(
            Subject::Compound(compound.id),
            Catalogue::current(),
            day,
            "测试",
            &["建设单位".to_owned()],
        )?;
        for code in codes.iter().take(TICKS_PER_ROUND) {
            laptop.record_result(round, code, Some(ItemResult::Pass))?;
        }
        if photos_added < PHOTOS && n % (COMPOUNDS / PHOTOS) == 0 {
            let photo = &photos[photos_added % photos.len()];
            laptop.add_photos(round, &codes[0], std::slice::from_ref(photo))?;
            photos_added += 1;
        }
    }
    laptop
        .connection()
        .execute_batch("PRAGMA synchronous = FULL")?;

    let package_path = dir.join("bench.yspkg");
    let start = Instant::now();
    let written = Document::FieldPackage {
        destination: None,
        scope: crate::store::sync::Scope::Changes,
    }
    .write(
        &laptop,
        &package_path,
        &crate::model::Clock::local(),
        &crate::job::Progress::unobserved(),
    );
    let export = start.elapsed();
    if let Some(e) = written.error {
        anyhow::bail!("{e}");
    }
    let size = std::fs::metadata(&package_path)?.len();

    let start = Instant::now();
    let package = crate::import::package::read_package(&package_path)?;
    let read = start.elapsed();

    let import = import_at_office(&dir.join("office.db"), &package_path)?;

    outln!(
        "外业数据包（{COMPOUNDS} 个小区、{} 次勾选、{photos_added} 张照片，{} 项变更，{:.1} MB）：导出 {}，读取核对 {}，导入 {}（目标各 < 5 s）",
        COMPOUNDS * TICKS_PER_ROUND,
        package.entries.len(),
        size as f64 / 1_048_576.0,
        super::figures::ms(export),
        super::figures::ms(read),
        super::figures::ms(import),
    );
    Ok(Made {
        laptop: laptop_path,
        package: package_path,
    })
}

/// Reads and imports the package at `package` into a new office file at `office`; how long
/// the import took (reading and checking the package not included).
pub(super) fn import_at_office(
    office: &std::path::Path,
    package: &std::path::Path,
) -> anyhow::Result<std::time::Duration> {
    let package = crate::import::package::read_package(package)?;
    let mut office = Store::open(office)?;
    office.set_identity("县办", Role::Office)?;
    let start = Instant::now();
    office.import_package(&package, "bench.yspkg")?;
    let import = start.elapsed();
    let (compounds, _) = office.compound_counts()?;
    anyhow::ensure!(
        compounds as usize == COMPOUNDS,
        "导入后只有 {compounds} 个小区"
    );
    Ok(import)
}

/// `n` different site photos, prepared as the app stores them.
fn distinct_photos(n: usize) -> anyhow::Result<Vec<crate::model::PreparedPhoto>> {
    (0..n)
        .map(|k| {
            let picture = image::RgbImage::from_fn(1600, 1200, |x, y| {
                image::Rgb([
                    ((x + k as u32 * 17) % 251) as u8,
                    ((y * 3 + k as u32) % 241) as u8,
                    ((x ^ y) % 239) as u8,
                ])
            });
            let mut bytes = std::io::Cursor::new(Vec::new());
            picture.write_to(&mut bytes, image::ImageFormat::Jpeg)?;
            Ok(crate::import::photo::prepare(
                &bytes.into_inner(),
                &format!("现场{k}.jpg"),
            )?)
        })
        .collect()
}

/// A floor for any import that takes a package row by row: SQLite's own session extension
/// combining the package's entries into one changeset (`sqlite3changegroup`) and applying it
/// (`sqlite3changeset_apply`) with the same photos into a new office file, in one
/// transaction, with none of the import's checks, merge policy or bookkeeping (no seals, no
/// conflicts kept, nothing passed on as the office's own changes).
pub(super) fn sqlite_apply_at_office(
    office: &std::path::Path,
    package: &std::path::Path,
) -> anyhow::Result<std::time::Duration> {
    use rusqlite::session::{ChangesetItem, ConflictAction, ConflictType};
    let package = crate::import::package::read_package(package)?;
    drop(Store::open(office)?);
    let conn = rusqlite::Connection::open(office)?;
    let start = Instant::now();
    conn.execute_batch("BEGIN IMMEDIATE; PRAGMA defer_foreign_keys = ON")?;
    {
        let mut photo =
            conn.prepare("INSERT OR IGNORE INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)")?;
        for p in &package.photo_bytes {
            photo.execute(rusqlite::params![p.sha256, p.jpeg])?;
        }
    }
    // All the entries as one changeset (each row once, as its last change left it), applied
    // once: SQLite prepares its statements once per table, not once per entry.
    let mut group = rusqlite::session::Changegroup::new()?;
    for entry in &package.entries {
        group.add_stream(&mut &entry.changeset[..])?;
    }
    let mut combined = Vec::new();
    group.output_strm(&mut combined)?;
    conn.apply_strm(
        &mut &combined[..],
        None::<fn(&str) -> bool>,
        |_: ConflictType, _: &ChangesetItem| ConflictAction::SQLITE_CHANGESET_OMIT,
    )?;
    conn.execute_batch("COMMIT")?;
    let took = start.elapsed();
    let compounds: i64 = conn.query_row("SELECT count(*) FROM compound", [], |r| r.get(0))?;
    anyhow::ensure!(
        compounds as usize == COMPOUNDS,
        "SQLite 直接应用后只有 {compounds} 个小区"
    );
    Ok(took)
}
