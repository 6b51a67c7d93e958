//! `yanshou bench`: prints how long the things users wait for take. Figures, not pass/fail.

use std::time::{Duration, Instant};

use crate::export::{AcceptanceSheet, render_acceptance_sheet};
use eframe::egui;

use crate::model::{
    Catalogue, Clock, Compound, CompoundId, ItemResult, Subject, SurveyCatalogue,
    catalogue::COMPOUND_STANDARD,
};
use crate::store::Store;
use crate::ui::compound_list::RegisterView;

mod compare;
mod figures;
mod packages;
mod photos;
mod screens;
mod spreadsheets;

use figures::{bench_compound, ms, stats, tempfile_dir};

/// Runs every benchmark on a temporary database file (fsync included, as in the field).
pub fn run(iterations: usize) -> anyhow::Result<()> {
    let iterations = iterations.max(1);
    let dir = tempfile_dir()?;
    let path = dir.join("bench.db");
    let mut store = Store::open(&path)?;
    crate::store::sample::write_sample(&mut store, false)?;
    let listing = store.all_inspections()?;
    let Some(finished) = listing.first().map(|l| l.summary.id) else {
        anyhow::bail!("示例数据中没有验收记录");
    };

    // Saving one tick: one transaction with a full sync, on a real file.
    let today = chrono::Local::now().date_naive();
    let fresh = fresh_compound(&mut store)?;
    let inspection = start_bench_inspection(&mut store, fresh, today)?;
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
    outln!(
        "保存一次勾选（{iterations} 次，含 fsync）：中位数 {}，p99 {}",
        ms(median),
        ms(p99)
    );

    // Exporting one 13-item sheet.
    let sheet = AcceptanceSheet::load(&store, finished, Clock::local())?;
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
    outln!(
        "导出一份 {} 项验收单 PDF（{runs} 次）：首次（含字体解析）{}，中位数 {}，p99 {}，文件 {} KB",
        sheet.inspection.items.len(),
        ms(first),
        ms(median),
        ms(p99),
        bytes.len().div_ceil(1024)
    );

    // The sample cluster: its 30-item acceptance sheet, and the 综合验收汇总表 (loading
    // included: it reads every member's acceptance).
    if let Some(cluster) = store.clusters()?.first().map(|k| k.id) {
        let round = store
            .inspections_of(crate::model::Subject::Cluster(cluster))?
            .first()
            .map(|s| s.id);
        if let Some(round) = round {
            let start = Instant::now();
            let sheet = AcceptanceSheet::load(&store, round, Clock::local())?;
            let bytes = render_acceptance_sheet(&sheet)?;
            outln!(
                "导出一份 {} 项片区验收单 PDF（含读取）：{}，文件 {} KB",
                sheet.inspection.items.len(),
                ms(start.elapsed()),
                bytes.len().div_ceil(1024)
            );
        }
        let start = Instant::now();
        let summary = crate::export::OverallSheet::load(&store, cluster, Clock::local())?;
        let bytes = crate::export::render_overall_sheet(&summary)?;
        outln!(
            "导出综合验收汇总表 PDF（{} 个小区，含读取）：{}，文件 {} KB",
            summary.members.len(),
            ms(start.elapsed()),
            bytes.len().div_ceil(1024)
        );
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);

    // As the window does when a large view is freed or a long job ends (photos, a package;
    // not a screen's loading), the bench gives memory back after each part (crate::memory).
    tick_frame_benchmarks(iterations.min(100))?;
    register_benchmarks(iterations.min(100))?;
    crate::memory::give_back();
    photos()?;
    crate::memory::give_back();
    packages()?;
    crate::memory::give_back();
    spreadsheets()
}

/// Each figure of #21 beside the tool it is compared with (`yanshou bench --compare`).
pub fn compare() -> anyhow::Result<()> {
    compare::run()
}

/// The field package figures alone (`yanshou bench --only packages`).
pub fn packages() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let packages = packages::run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    packages.map(|_| ())
}

/// The longest UI-thread stall opening each screen at 100,000 compounds
/// (`yanshou bench --only screens`).
pub fn screens() -> anyhow::Result<()> {
    screens::run()
}

/// The photo and sheet figures alone (`yanshou bench --only photos`).
pub fn photos() -> anyhow::Result<()> {
    photos::run()
}

/// The spreadsheet figures alone (`yanshou bench --only spreadsheets`).
pub fn spreadsheets() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let figures = spreadsheets::run(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    figures
}

/// From a tick (or a remark keystroke) on the checklist to the next frame being ready: the
/// write, what the screen re-reads, and one frame of layout and tessellation (no GPU). At 13
/// items (a compound) and 30 (a cluster), on a file with fsync, as in the field.
fn tick_frame_benchmarks(ticks: usize) -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let mut store = Store::open(&dir.join("ticks.db"))?;
    crate::store::sample::write_sample(&mut store, false)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let cluster = store
        .clusters()?
        .first()
        .map(|k| k.id)
        .ok_or_else(|| anyhow::anyhow!("示例数据中没有片区"))?;
    let fresh = fresh_compound(&mut store)?;
    // The sample cluster's round under way (one round at a time).
    let cluster_round = store
        .inspections_of(Subject::Cluster(cluster))?
        .into_iter()
        .find(|r| !r.signed_off)
        .map(|r| r.id)
        .ok_or_else(|| anyhow::anyhow!("示例片区没有进行中的验收"))?;
    let rounds = [
        start_bench_inspection(&mut store, fresh, today)?,
        cluster_round,
    ];
    let mut app = crate::app::App::with_store(store, false);
    let ctx = egui::Context::default();
    crate::ui::setup(&ctx);
    let frame = |app: &mut crate::app::App| figures::app_frame(&ctx, app);
    for round in rounds {
        app.handle(crate::command::Command::Show(
            crate::command::Screen::Inspection(round),
        ));
        let codes: Vec<String> = app
            .store()
            .map(|s| s.inspection(round))
            .transpose()?
            .map(|i| i.items.into_iter().map(|i| i.standard.code).collect())
            .unwrap_or_default();
        for _ in 0..5 {
            frame(&mut app);
        }
        let mut tick_times = Vec::with_capacity(ticks);
        let mut remark_times = Vec::with_capacity(ticks);
        for n in 0..ticks {
            let code = codes[n % codes.len()].clone();
            let result = if n % 2 == 0 {
                ItemResult::Pass
            } else {
                ItemResult::NotApplicable
            };
            let start = Instant::now();
            app.handle(crate::command::Command::SetResult {
                inspection: round,
                code: code.clone(),
                result: Some(result),
            });
            frame(&mut app);
            tick_times.push(start.elapsed());
            // What the field showed as saved (the screen knows it; read here untimed).
            let before = app
                .store()
                .map(|s| s.inspection(round))
                .transpose()?
                .and_then(|i| i.item(&code).map(|i| i.remark.clone()))
                .unwrap_or_default();
            let start = Instant::now();
            app.handle(crate::command::Command::SetRemark {
                inspection: round,
                before,
                code,
                remark: format!("备注 {n}"),
            });
            frame(&mut app);
            remark_times.push(start.elapsed());
        }
        let (tick, tick_p99) = stats(tick_times);
        let (remark, remark_p99) = stats(remark_times);
        outln!(
            "勾选到下一帧就绪（{} 项，{ticks} 次，含 fsync）：中位数 {}，p99 {}；备注一次按键：中位数 {}，p99 {}",
            codes.len(),
            ms(tick),
            ms(tick_p99),
            ms(remark),
            ms(remark_p99)
        );
    }
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A compound of its own for a benchmark's round (the sample's compounds have rounds open).
pub(super) fn fresh_compound(store: &mut Store) -> anyhow::Result<CompoundId> {
    let compound = bench_compound(0);
    store.save_compound(&compound)?;
    Ok(compound.id)
}

/// A compound inspection for the benchmarks to fill in.
pub(super) fn start_bench_inspection(
    store: &mut Store,
    compound: CompoundId,
    on: chrono::NaiveDate,
) -> anyhow::Result<crate::model::InspectionId> {
    let parties = vec!["建设单位".to_owned(), "施工单位".to_owned()];
    Ok(store.start_inspection(
        Subject::Compound(compound),
        Catalogue::current(),
        on,
        "bench",
        &parties,
    )?)
}

/// A register of `n` compounds spread over the three towns, every tenth with a survey and every
/// fiftieth inspected (every item decided, one in five failing), so the stage column has work.
fn register_store(n: usize) -> anyhow::Result<Store> {
    fill_register(Store::open_in_memory()?, n)
}

/// `n` compounds as `register_store` makes them, into `store`.
pub(super) fn fill_register(mut store: Store, n: usize) -> anyhow::Result<Store> {
    let towns = store.towns()?;
    let compounds: Vec<Compound> = (0..n)
        .map(|i| Compound {
            town_id: Some(towns[i % towns.len()].id),
            ..bench_compound(i)
        })
        .collect();
    store.insert_compounds(&compounds)?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    for c in compounds.iter().step_by(10).take(1000) {
        store.start_survey(c.id, date, "bench", SurveyCatalogue::current())?;
    }
    let codes: Vec<String> = Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .into_iter()
        .map(|i| i.code.clone())
        .collect();
    for (n, c) in compounds.iter().step_by(50).enumerate() {
        let id = start_bench_inspection(&mut store, c.id, date)?;
        for (k, code) in codes.iter().enumerate() {
            let result = if n % 5 == 0 && k == 0 {
                ItemResult::Fail
            } else {
                ItemResult::Pass
            };
            store.record_result(id, code, Some(result))?;
        }
    }
    Ok(store)
}

/// Frame time of the register (layout and tessellation, no GPU) and the time to filter it.
fn register_benchmarks(frames: usize) -> anyhow::Result<()> {
    let mut medians = Vec::new();
    for n in [100, 100_000] {
        let store = register_store(n)?;
        let start = Instant::now();
        let rows = store.compound_rows()?;
        let load = start.elapsed();
        let towns = store.towns()?;
        let clusters = store.clusters()?;
        let mut view = RegisterView::with_rows(rows);
        let mut query = crate::ui::compound_list::RegisterQuery::default();
        let ctx = egui::Context::default();
        crate::ui::setup(&ctx);
        let mut commands = Vec::new();
        let mut frame = |view: &mut RegisterView| {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(1280.0, 820.0),
                )),
                ..Default::default()
            };
            let start = Instant::now();
            let output = ctx.run_ui(input, |ui| {
                egui::CentralPanel::default().show(ui, |ui| {
                    crate::ui::compound_list::show(
                        ui,
                        view,
                        &mut query,
                        (&towns, &clusters, None),
                        Some(crate::model::policy_pack::PolicyPack::luoning()),
                        &mut commands,
                    );
                });
            });
            let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
            start.elapsed()
        };
        for _ in 0..10 {
            frame(&mut view); // warm-up: font atlas, caches
        }
        let times: Vec<Duration> = (0..frames).map(|_| frame(&mut view)).collect();
        let (median, p99) = stats(times);
        medians.push(median);
        outln!(
            "名册一帧（{n} 个小区，{frames} 帧，布局+细分，不含 GPU）：中位数 {}，p99 {}；读取名册 {}",
            ms(median),
            ms(p99),
            ms(load)
        );

        if n == 100_000 {
            let mut filters = Vec::new();
            for i in 0..30 {
                query.filter.town = Some(towns[i % towns.len()].id);
                let start = Instant::now();
                let shown = view.visible(&query).len();
                filters.push(start.elapsed());
                std::hint::black_box(shown);
            }
            let (median, p99) = stats(filters);
            outln!(
                "按乡镇筛选 {n} 个小区（30 次）：中位数 {}，p99 {}",
                ms(median),
                ms(p99)
            );
        }
    }
    if let [small, large] = medians[..] {
        outln!(
            "100,000 与 100 个小区的帧时间之比：{:.2}（目标 < 2，且 < 4 ms）",
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
    Ok(())
}
