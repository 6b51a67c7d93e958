//! kill -9 in the middle of work: a child process writes (a new file and its first records,
//! ticks, survey edits, photos, sign-offs, the sample set, a field package's import) and says "ACK n" after each write it was told is saved; the
//! parent kills it at a random moment, reopens the file and checks that every acknowledged
//! write is there, that nothing half-done is, and that the file is whole.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::model::{
    Catalogue, Compound, CompoundId, InspectionId, ItemResult, SealCheck, SignMethod, Subject,
    SurveyCatalogue, SurveyField, SurveyValue, catalogue::COMPOUND_STANDARD,
};
use crate::store::Store;

/// What is written until the kill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scenario {
    /// A new file made, then its identity and first compounds: a logout or shutdown right
    /// after creating a file leaves it with everything in its `-wal`.
    Create,
    Ticks,
    SurveyEdits,
    Photos,
    SignOff,
    Sample,
    /// A field package from a laptop, imported at the office: all of it or none.
    Import,
}

impl Scenario {
    pub const ALL: [Self; 7] = [
        Self::Create,
        Self::Ticks,
        Self::SurveyEdits,
        Self::Photos,
        Self::SignOff,
        Self::Sample,
        Self::Import,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Ticks => "ticks",
            Self::SurveyEdits => "survey",
            Self::Photos => "photos",
            Self::SignOff => "signoff",
            Self::Sample => "sample",
            Self::Import => "import",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "新建文件及最初的写入",
            Self::Ticks => "逐项勾选",
            Self::SurveyEdits => "调查表填写",
            Self::Photos => "照片导入",
            Self::SignOff => "签字锁定",
            Self::Sample => "写入示例数据",
            Self::Import => "数据包导入",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The figures of one scenario's trials.
#[derive(Debug, Default)]
pub struct CrashReport {
    pub trials: usize,
    /// Writes the child was told were saved.
    pub acknowledged: usize,
    /// Of those, missing after the kill (must be 0).
    pub lost: usize,
    /// Files that failed to reopen or failed their check afterwards (must be 0).
    pub broken: Vec<String>,
}

/// The 13 compound standard items' codes.
fn codes() -> Vec<String> {
    Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .iter()
        .map(|i| i.code.clone())
        .collect()
}

/// The value op `n` writes into its item: 合格 and 不合格 by turns.
fn tick_value(n: usize, items: usize) -> ItemResult {
    if (n / items).is_multiple_of(2) {
        ItemResult::Pass
    } else {
        ItemResult::Fail
    }
}

/// A compound as the selftests make them (this one and `forgery`).
pub(super) fn sample_compound(name: &str) -> Compound {
    Compound {
        id: CompoundId::new(),
        name: name.to_owned(),
        address: "永宁大道 1 号".to_owned(),
        town_id: None,
        owner_unit: "县直单位".to_owned(),
        year_built: Some(1995),
        buildings: Some(3),
        households: Some(60),
        cluster_id: None,
        is_sample: false,
    }
}

/// Prepares the file a scenario's child writes to.
fn prepare(scenario: Scenario, db: &Path) -> anyhow::Result<()> {
    match scenario {
        Scenario::Import => return prepare_package(db),
        Scenario::Create => return Ok(()),
        _ => {}
    }
    let mut store = Store::open(db)?;
    if scenario == Scenario::Sample {
        return Ok(());
    }
    let compound = sample_compound("自检小区");
    store.save_compound(&compound)?;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    store.start_inspection(
        Subject::Compound(compound.id),
        Catalogue::current(),
        day,
        "自检",
        &["建设单位".to_owned()],
    )?;
    store.start_survey(compound.id, day, "", SurveyCatalogue::current())?;
    Ok(())
}

/// Compounds in the package the import scenario brings.
const PACKAGE_COMPOUNDS: usize = 60;

/// The package a laptop sends (compounds, each with a round and ticks), beside the office's
/// empty file.
fn prepare_package(db: &Path) -> anyhow::Result<()> {
    let mut laptop = Store::open(&db.with_file_name("laptop.db"))?;
    laptop.set_identity("自检外业", crate::model::sync::Role::Field)?;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    let codes = codes();
    for n in 0..PACKAGE_COMPOUNDS {
        let compound = sample_compound(&format!("外业小区{n}"));
        laptop.save_compound(&compound)?;
        let id = laptop.start_inspection(
            Subject::Compound(compound.id),
            Catalogue::current(),
            day,
            "自检",
            &["建设单位".to_owned()],
        )?;
        for code in &codes[..4] {
            laptop.record_result(id, code, Some(ItemResult::Pass))?;
        }
    }
    let document = crate::export::Document::FieldPackage {
        destination: None,
        scope: crate::store::sync::Scope::Changes,
    };
    let written = document.write(
        &laptop,
        &db.with_file_name("crash.yspkg"),
        &crate::model::Clock::local(),
        &crate::job::Progress::unobserved(),
    );
    if let Some(e) = written.error {
        anyhow::bail!("{e}");
    }
    let mut office = Store::open(db)?;
    office.set_identity("自检县办", crate::model::sync::Role::Office)?;
    Ok(())
}

/// The child: writes without end, saying "ACK n" after each saved write.
pub fn child(scenario: Scenario, db: &Path) -> anyhow::Result<()> {
    if scenario == Scenario::Create {
        return create_child(db);
    }
    let mut store = Store::open_existing(db)?;
    let inspection = store.all_inspections()?.first().map(|l| l.summary.id);
    let compound = store.compound_rows()?.first().map(|r| r.compound.id);
    outln!("READY");
    match scenario {
        Scenario::Create => unreachable!("written by create_child"),
        Scenario::Ticks => {
            let inspection = inspection.ok_or_else(|| anyhow::anyhow!("没有验收记录"))?;
            let codes = codes();
            for n in 0.. {
                let code = &codes[n % codes.len()];
                store.record_result(inspection, code, Some(tick_value(n, codes.len())))?;
                outln!("ACK {n}");
            }
        }
        Scenario::SurveyEdits => {
            let compound = compound.ok_or_else(|| anyhow::anyhow!("没有小区"))?;
            let survey = store.surveys_of(compound)?[0].id;
            for n in 0.. {
                store.set_survey_field(
                    survey,
                    SurveyField::Surveyors,
                    &SurveyValue::Text(format!("调查人{n}")),
                )?;
                outln!("ACK {n}");
            }
        }
        Scenario::Photos => {
            let inspection = inspection.ok_or_else(|| anyhow::anyhow!("没有验收记录"))?;
            for n in 0.. {
                // A different picture each time, in every child: the same one on the same
                // item is one photo.
                let photo = small_photo()?;
                store.add_photos(inspection, "XQ-SR-01", std::slice::from_ref(&photo))?;
                outln!("ACK {n}");
            }
        }
        Scenario::SignOff => {
            let parties = ["建设单位".to_owned(), "施工单位".to_owned()];
            let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
            for n in 0.. {
                let c = sample_compound(&format!("签字小区{n}"));
                store.save_compound(&c)?;
                let id = store.start_inspection(
                    Subject::Compound(c.id),
                    Catalogue::current(),
                    day,
                    "自检",
                    &parties,
                )?;
                for code in codes() {
                    store.record_result(id, &code, Some(ItemResult::Pass))?;
                }
                for position in 0..2 {
                    store.sign(id, position, "签字人", &SignMethod::WetInk)?;
                }
                store.sign_off(id)?;
                outln!("ACK {id}");
            }
        }
        Scenario::Sample => {
            crate::store::sample::write_sample(&mut store, false)?;
            outln!("ACK sample");
            // Stay alive until killed, as the others do.
            std::thread::sleep(Duration::from_secs(3600));
        }
        Scenario::Import => {
            let package = crate::import::package::read_package(&db.with_file_name("crash.yspkg"))?;
            let outcome = store.import_package(&package, "crash.yspkg")?;
            outln!("ACK {}", outcome.applied);
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    Ok(())
}

/// The child of `Scenario::Create`: makes the file, then writes into it as a new user would.
fn create_child(db: &Path) -> anyhow::Result<()> {
    println!("READY");
    let mut store = Store::open(db)?;
    println!("ACK created");
    store.set_identity("自检外业", crate::model::sync::Role::Field)?;
    println!("ACK identity");
    for n in 0.. {
        store.save_compound(&sample_compound(&format!("新建小区{n}")))?;
        println!("ACK {n}");
    }
    Ok(())
}

/// A small picture unlike any other: its top row of blocks spells a fresh id.
fn small_photo() -> anyhow::Result<crate::model::PreparedPhoto> {
    let id = uuid::Uuid::now_v7().into_bytes();
    let picture = image::RgbImage::from_fn(320, 240, |x, y| {
        if y < 16 {
            let v = id[(x as usize / 16) % id.len()];
            image::Rgb([v, v, v])
        } else {
            image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
        }
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Jpeg)?;
    Ok(crate::import::photo::prepare(
        &bytes.into_inner(),
        "现场.jpg",
    )?)
}

/// Runs `trials` kills of a `scenario` child (the program at `exe`).
pub fn run(
    exe: &Path,
    scenario: Scenario,
    trials: usize,
    seed: u64,
) -> anyhow::Result<CrashReport> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = CrashReport::default();
    for trial in 0..trials {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("crash.db");
        prepare(scenario, &db)?;
        let mut child = Command::new(exe)
            .arg("--db")
            .arg(&db)
            .args(["selftest-child", "--scenario", scenario.name()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("子进程没有输出"))?;
        // Read the child's lines on a thread, so the kill comes at a random moment.
        let (sender, lines) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut acks = Vec::new();
        let mut ready: Option<Instant> = None;
        let start = Instant::now();
        // Sample and sign-off need longer to get anywhere.
        let budget = match scenario {
            Scenario::Create => Duration::from_millis(rng.random_range(0..150)),
            Scenario::Sample => Duration::from_millis(rng.random_range(0..10)),
            Scenario::Import => Duration::from_millis(rng.random_range(0..120)),
            Scenario::SignOff => Duration::from_millis(rng.random_range(20..600)),
            _ => Duration::from_millis(rng.random_range(1..250)),
        };
        while start.elapsed() < Duration::from_secs(20) {
            match lines.recv_timeout(Duration::from_millis(1)) {
                Ok(line) if line == "READY" => ready = Some(Instant::now()),
                Ok(line) => {
                    if let Some(ack) = line.strip_prefix("ACK ") {
                        acks.push(ack.to_owned());
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
            // The budget counts from the first write, not from the child's start.
            if ready.is_some_and(|at| at.elapsed() >= budget) {
                break;
            }
        }
        // SIGKILL: no destructor, no flush, no chance to finish the write under way.
        child.kill()?;
        let _ = child.wait();
        let _ = reader.join();
        while let Ok(line) = lines.try_recv() {
            if let Some(ack) = line.strip_prefix("ACK ") {
                acks.push(ack.to_owned());
            }
        }
        report.trials += 1;
        report.acknowledged += acks.len();
        match verify(scenario, &db, &acks) {
            Ok(lost) => report.lost += lost,
            Err(e) => report
                .broken
                .push(format!("{} 第 {trial} 次：{e:#}", scenario.label())),
        }
    }
    Ok(report)
}

/// After the kill: the file reopens whole, and holds every acknowledged write. Returns how
/// many acknowledged writes are missing.
fn verify(scenario: Scenario, db: &Path, acks: &[String]) -> anyhow::Result<usize> {
    if scenario == Scenario::Create && acks.is_empty() && !db.exists() {
        // Killed before the file was made: nothing promised, and making it again works and
        // clears what the killed attempt left under the temporary name.
        drop(Store::open(db)?);
        let left: Vec<String> = std::fs::read_dir(db.parent().unwrap_or(Path::new(".")))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("creating"))
            .collect();
        anyhow::ensure!(left.is_empty(), "新建文件的临时文件未清除：{left:?}");
        return Ok(0);
    }
    let store = Store::open_existing(db)?;
    store.check_integrity()?;
    let in_flight = acks.len();
    let lost = match scenario {
        Scenario::Create => {
            let names: std::collections::HashSet<String> = store
                .compound_rows()?
                .into_iter()
                .map(|r| r.compound.name)
                .collect();
            let mut lost = acks
                .iter()
                .filter_map(|a| a.parse::<usize>().ok())
                .filter(|n| !names.contains(&format!("新建小区{n}")))
                .count();
            let named = store.identity()?.is_some_and(|i| i.name == "自检外业");
            if acks.iter().any(|a| a == "identity") && !named {
                lost += 1;
            }
            lost
        }
        Scenario::Ticks => {
            let codes = codes();
            let inspection = store.all_inspections()?[0].summary.id;
            let round = store.inspection(inspection)?;
            let mut lost = 0;
            for (k, code) in codes.iter().enumerate() {
                let stored = round.item(code).and_then(|i| i.result);
                // The last acknowledged op on this item, and the one under way at the kill.
                let acked = (0..in_flight).rev().find(|n| n % codes.len() == k);
                let expected = acked.map(|n| tick_value(n, codes.len()));
                let pending =
                    (in_flight % codes.len() == k).then(|| tick_value(in_flight, codes.len()));
                let kept = stored == expected || (pending.is_some() && stored == pending);
                if !kept {
                    lost += 1;
                }
            }
            lost
        }
        Scenario::SurveyEdits => {
            let compound = store.compound_rows()?[0].compound.id;
            let surveyors = store.surveys_of(compound)?[0].surveyors.clone();
            let stored: Option<usize> = surveyors
                .strip_prefix("调查人")
                .and_then(|n| n.parse().ok());
            match (in_flight.checked_sub(1), stored) {
                (None, _) => 0,
                (Some(last), Some(n)) if n == last || n == last + 1 => 0,
                _ => 1,
            }
        }
        Scenario::Photos => {
            let inspection = store.all_inspections()?[0].summary.id;
            let stored = store.photos_of(inspection)?.len();
            usize::from(stored != in_flight && stored != in_flight + 1)
        }
        Scenario::SignOff => {
            let mut lost = 0;
            for ack in acks {
                let id: InspectionId = ack.parse()?;
                if !matches!(store.check_seal(id)?, SealCheck::Intact { .. }) {
                    lost += 1;
                }
            }
            // Nothing half signed: whatever is signed is whole and logged.
            let audit = store.audit()?;
            anyhow::ensure!(audit.is_clean(), "核验发现问题：{:?}", audit.lines());
            lost
        }
        Scenario::Sample => {
            let (_, samples) = store.compound_counts()?;
            let whole = samples == 4 && store.all_inspections()?.len() == 3;
            anyhow::ensure!(
                samples == 0 || whole,
                "示例数据只写了一部分（{samples} 个小区）"
            );
            usize::from(!acks.is_empty() && !whole)
        }
        Scenario::Import => {
            let (compounds, _) = store.compound_counts()?;
            let logged: i64 = store.connection().query_row(
                "SELECT (SELECT count(*) FROM package_log) + (SELECT count(*) FROM peer)",
                [],
                |r| r.get(0),
            )?;
            let whole = compounds as usize == PACKAGE_COMPOUNDS && logged == 2;
            let untouched = compounds == 0 && logged == 0;
            anyhow::ensure!(
                whole || untouched,
                "数据包只导入了一部分（{compounds} 个小区，{logged} 条记录）"
            );
            usize::from(!acks.is_empty() && !whole)
        }
    };
    Ok(lost)
}
