//! The office's spreadsheets from the command line: `import-register`, `export-ledger`. The
//! same reading, checks and transaction as the window's.

use std::path::Path;

use anyhow::bail;

use crate::export::Document;
use crate::import::register::Planned;
use crate::job::Progress;
use crate::model::Clock;
use crate::store::Store;

/// Registers the compounds of a spreadsheet. Rows with problems are listed; without
/// `skip_bad` nothing is registered while any row has one.
pub fn import_register(store: &mut Store, file: &Path, skip_bad: bool) -> anyhow::Result<()> {
    let Planned {
        grid,
        header,
        mapping,
        plans,
        ..
    } = Planned::read(file, store, Clock::local().today())?;
    let columns: Vec<String> = mapping
        .iter()
        .enumerate()
        .filter_map(|(c, f)| f.map(|f| format!("{}=第{}列", f.label(), c + 1)))
        .collect();
    outln!("表头在第 {} 行：{}", header + 1, columns.join("，"));
    for line in crate::model::register_import::total_rows(&grid.rows, header) {
        outln!("第 {line} 行是合计行，不作为小区登记。");
    }
    let bad: Vec<_> = plans.iter().filter(|p| !p.problems.is_empty()).collect();
    for p in &bad {
        outln!("第 {} 行 {}：{}", p.line, p.name, p.problems.join("；"));
    }
    let good = plans.len() - bad.len();
    if !bad.is_empty() && !skip_bad {
        bail!(
            "{} 行有问题，未登记任何小区：改正表格后再导入，或加 --skip-bad 只登记其余 {good} 个。",
            bad.len()
        );
    }
    let n = store.import_register(&plans)?;
    outln!("已登记 {n} 个小区。");
    Ok(())
}

/// Prints progress against the targets: each year (or `year`), then the programme's total.
pub fn progress(store: &Store, year: Option<i32>) -> anyhow::Result<()> {
    use crate::model::progress::{Milestone, by_year};
    let items = store.progress_items()?;
    let targets = store.targets()?;
    let this_year = chrono::Datelike::year(&Clock::local().today());
    let range = match year {
        Some(y) if !(1990..=2100).contains(&y) => bail!("年度 {y} 不在 1990–2100 之间"),
        Some(y) => y..=y,
        None => 2019..=this_year.max(2019),
    };
    for row in by_year(&items, &targets, range) {
        if year.is_some() && row.year.is_none() {
            continue;
        }
        let name = match (row.year, row.target.as_ref().and_then(|t| t.span)) {
            (Some(y), _) => format!("{y} 年"),
            (None, Some((a, b))) => format!("{a}–{b} 年合计"),
            (None, None) => "合计".to_owned(),
        };
        let target = row.target.as_ref().map_or("无目标".to_owned(), |t| {
            format!(
                "目标 {} 个小区、{} 户（{}）",
                t.compounds, t.households, t.source
            )
        });
        let done: Vec<String> = Milestone::ALL
            .iter()
            .map(|m| {
                let t = &row.tallies[m];
                format!("{} {} 个、{} 户", m.label(), t.count(), t.households)
            })
            .collect();
        outln!("{name}：{target}；{}", done.join("；"));
    }
    Ok(())
}

/// Writes the 台账 (.xlsx).
pub fn export_ledger(store: &Store, out: &Path) -> anyhow::Result<()> {
    write(store, &Document::Ledger, out)
}

fn write(store: &Store, document: &Document, out: &Path) -> anyhow::Result<()> {
    let outcome = document.write(store, out, &Clock::local(), &Progress::unobserved());
    if let Some(e) = outcome.error {
        bail!("{e}");
    }
    outln!("{}", outcome.summary());
    Ok(())
}

/// Whether `out` names an .xlsx file (else a PDF); anything else is refused.
fn is_xlsx(out: &Path) -> anyhow::Result<bool> {
    match out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("xlsx") => Ok(true),
        Some("pdf") => Ok(false),
        _ => bail!("输出文件应以 .pdf 或 .xlsx 结尾：{}", out.display()),
    }
}

/// Writes the day's bulletin (today's when no date is given).
pub fn export_bulletin(store: &Store, date: Option<&str>, out: &Path) -> anyhow::Result<()> {
    let today = Clock::local().today();
    let date = match date {
        None => today,
        Some(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("日期“{text}”应写成 2026-11-27 这样"))?,
    };
    if date > today {
        bail!("日期 {date} 晚于今天，还没有这一天的日报");
    }
    let xlsx = is_xlsx(out)?;
    write(store, &Document::Bulletin { date, xlsx }, out)
}

/// Writes the progress report (.pdf), the progress table (.xlsx) or the funding summary.
pub fn export_progress(store: &Store, funding: bool, out: &Path) -> anyhow::Result<()> {
    let document = match (funding, is_xlsx(out)?) {
        (true, true) => Document::FundingSummary,
        (true, false) => bail!("资金汇总只导出为 .xlsx"),
        (false, true) => Document::ProgressTable,
        (false, false) => Document::ProgressReport,
    };
    write(store, &document, out)
}
