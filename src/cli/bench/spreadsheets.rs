//! `yanshou bench`, the office's spreadsheets: registers of 1,000, 10,000 and 100,000 rows as offices keep them, read,
//! checked and registered in one transaction; the 台账 of 100,000 compounds written.

use std::time::Instant;

use rust_xlsxwriter::Workbook;

use super::figures::{bench_compound, ms};
use crate::export::{Ledger, render_ledger};
use crate::import::register::read_register;
use crate::model::register_import::{Known, guess_mapping, header_row, plan};
use crate::model::{Clock, Compound};
use crate::store::Store;

/// Registers of these sizes are imported: the cost per row must stay flat (#21).
const REGISTER_ROWS: [usize; 3] = [1_000, 10_000, 100_000];
const LEDGER_COMPOUNDS: usize = 100_000;

pub(super) fn run(dir: &std::path::Path) -> anyhow::Result<()> {
    let towns = Store::open_in_memory()?.towns()?;
    for rows in REGISTER_ROWS {
        register_import(dir, &towns, rows)?;
    }
    let mut big = Store::open_in_memory()?;
    let compounds: Vec<Compound> = (0..LEDGER_COMPOUNDS)
        .map(|i| Compound {
            town_id: Some(towns[i % towns.len()].id),
            ..bench_compound(i)
        })
        .collect();
    big.insert_compounds(&compounds)?;
    let start = Instant::now();
    let ledger = Ledger::load(&big)?;
    let loaded = start.elapsed();
    let start = Instant::now();
    let bytes = render_ledger(&ledger)?;
    let rendered = start.elapsed();
    outln!(
        "导出 {LEDGER_COMPOUNDS} 个小区的台账（.xlsx）：读取 {}，生成 {}，文件 {:.1} MB",
        ms(loaded),
        ms(rendered),
        bytes.len() as f64 / 1_048_576.0
    );
    progress_frames(&big, &compounds)
}

/// The progress screen at 100,000 compounds (a fifth of them started, over five years): its
/// reading, and one frame of layout and tessellation (no GPU).
fn progress_frames(store: &Store, compounds: &[Compound]) -> anyhow::Result<()> {
    let conn = store.connection();
    let mut insert = conn.prepare(
        "INSERT INTO programme_step (compound_id, step, done_on, created_at, updated_at)
         VALUES (?1, 'works_start', ?2, 'x', 'x')",
    )?;
    conn.execute_batch("BEGIN")?;
    for (i, c) in compounds.iter().enumerate().step_by(5) {
        insert.execute(rusqlite::params![c.id, format!("{}-03-01", 2019 + i % 5)])?;
    }
    conn.execute_batch("COMMIT")?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
    let start = Instant::now();
    let mut view = crate::ui::progress::ProgressView::load(store, today)?;
    let load = start.elapsed();
    let ctx = eframe::egui::Context::default();
    crate::ui::setup(&ctx);
    let mut commands = Vec::new();
    let mut frame = |view: &mut crate::ui::progress::ProgressView| {
        let input = eframe::egui::RawInput {
            screen_rect: Some(eframe::egui::Rect::from_min_size(
                eframe::egui::Pos2::ZERO,
                eframe::egui::vec2(1280.0, 820.0),
            )),
            ..Default::default()
        };
        let start = Instant::now();
        let output = ctx.run_ui(input, |ui| {
            eframe::egui::CentralPanel::default().show(ui, |ui| {
                crate::ui::progress::show(ui, view, &mut commands);
            });
        });
        let _ = ctx.tessellate(output.shapes, output.pixels_per_point);
        start.elapsed()
    };
    for _ in 0..5 {
        frame(&mut view);
    }
    let times: Vec<_> = (0..30).map(|_| frame(&mut view)).collect();
    let (median, p99) = super::figures::stats(times);
    outln!(
        "进度页（{} 个小区）：读取并统计 {}；一帧（布局+细分，不含 GPU）中位数 {}，p99 {}",
        compounds.len(),
        ms(load),
        ms(median),
        ms(p99)
    );
    Ok(())
}

/// A register of `rows` rows as offices keep it (a title, a header two rows down, 序号, 年, 户),
/// read, checked against the file's register and registered in one transaction.
fn register_import(
    dir: &std::path::Path,
    towns: &[crate::model::Town],
    rows: usize,
) -> anyhow::Result<()> {
    let path = dir.join(format!("register-{rows}.xlsx"));
    write_register(&path, towns, rows)?;

    let mut store = Store::open(&dir.join(format!("register-{rows}.db")))?;
    let start = Instant::now();
    let grid = read_register(&path)?;
    let read = start.elapsed();
    let start = Instant::now();
    let header = header_row(&grid.rows);
    let mapping = guess_mapping(&grid.rows[header]);
    let (clusters, compounds): (Vec<_>, Vec<Compound>) = (store.clusters()?, Vec::new());
    let known = Known {
        towns,
        clusters: &clusters,
        compounds: &compounds,
    };
    let plans = plan(&grid.rows, header, &mapping, known, Clock::local().today());
    let check = start.elapsed();
    let start = Instant::now();
    let registered = store.import_register(&plans)?;
    let write = start.elapsed();
    anyhow::ensure!(registered == rows, "只登记了 {registered} 个小区");
    let total = read + check + write;
    outln!(
        "导入 {rows} 行小区名册（.xlsx）：读取 {}，识别与逐行检查 {}，登记（一个事务，含 fsync）{}，共 {}，每行 {:.1} µs",
        ms(read),
        ms(check),
        ms(write),
        ms(total),
        total.as_secs_f64() * 1e6 / rows as f64
    );
    Ok(())
}

/// A register of `rows` compounds as offices keep it (a title, a header two rows down, 序号,
/// 年, 户), written to `path`.
pub(super) fn write_register(
    path: &std::path::Path,
    towns: &[crate::model::Town],
    rows: usize,
) -> anyhow::Result<()> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "老旧小区改造台账")?;
    for (c, h) in [
        "序号",
        "小区名称",
        "所属乡镇",
        "建成年代",
        "楼栋数",
        "户数",
        "地址",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h)?;
    }
    for i in 0..rows {
        let row = (i + 3) as u32;
        sheet.write_number(row, 0, (i + 1) as f64)?;
        sheet.write_string(row, 1, format!("第{i:06}号小区"))?;
        sheet.write_string(row, 2, &towns[i % towns.len()].name)?;
        sheet.write_string(row, 3, format!("{}年", 1980 + i % 20))?;
        sheet.write_number(row, 4, (1 + i % 12) as f64)?;
        sheet.write_string(row, 5, format!("{}户", 10 + i % 300))?;
        sheet.write_string(row, 6, format!("永宁大道 {} 号", i % 997))?;
    }
    book.save(path)?;
    Ok(())
}
