//! `yanshou bench`: prints how long the things users wait for take. Figures, not pass/fail.

use std::time::{Duration, Instant};

use crate::export::{AcceptanceSheet, render_acceptance_sheet};
use crate::model::{Catalogue, ItemResult, catalogue::COMPOUND_STANDARD};
use crate::store::Store;

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// Runs every benchmark on a temporary database file (fsync included, as in the field).
pub fn run(iterations: usize) -> anyhow::Result<()> {
    let iterations = iterations.max(1);
    let dir = tempfile_dir()?;
    let path = dir.join("bench.db");
    let mut store = Store::open(&path)?;
    let compound = crate::sample::write_sample(&mut store, false)?;
    let listing = store.all_inspections()?;
    let Some(finished) = listing.first().map(|l| l.summary.id) else {
        anyhow::bail!("示例数据中没有验收记录");
    };

    // Saving one tick: one transaction with a full sync, on a real file.
    let parties = vec!["建设单位".to_owned()];
    let today = chrono::Local::now().date_naive();
    let inspection = store.start_inspection(
        compound,
        COMPOUND_STANDARD,
        Catalogue::current(),
        today,
        "bench",
        &parties,
    )?;
    let codes: Vec<String> = Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .iter()
        .map(|i| i.code.clone())
        .collect();
    let mut ticks = Vec::with_capacity(iterations);
    for n in 0..iterations {
        let result = if n % 2 == 0 {
            ItemResult::Pass
        } else {
            ItemResult::Fail
        };
        let start = Instant::now();
        store.record_result(inspection, &codes[n % codes.len()], Some(result))?;
        ticks.push(start.elapsed());
    }
    let (median, p99) = stats(ticks);
    println!(
        "保存一次勾选（{iterations} 次，含 fsync）：中位数 {}，p99 {}",
        ms(median),
        ms(p99)
    );

    // Exporting one 13-item sheet.
    let sheet = AcceptanceSheet::load(&store, finished)?;
    let first = Instant::now();
    let bytes = render_acceptance_sheet(&sheet)?;
    let first = first.elapsed();
    let runs = iterations.min(50);
    let mut exports = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        render_acceptance_sheet(&sheet)?;
        exports.push(start.elapsed());
    }
    let (median, p99) = stats(exports);
    println!(
        "导出一份 {} 项验收单 PDF（{runs} 次）：首次（含字体解析）{}，中位数 {}，p99 {}，文件 {} KB",
        sheet.inspection.items.len(),
        ms(first),
        ms(median),
        ms(p99),
        bytes.len().div_ceil(1024)
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("yanshou-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
