//! The 进度报表: the programme against its targets (二、（二）) by year, town and cluster, with
//! the same charts as the 进度 screen drawn as vectors, and the funding by year and source; as
//! a printable PDF and as an .xlsx progress table. Every figure is counted from the records.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::ExportError;
use super::canvas::{Canvas, Ink};
use super::chart::{BarChart, bar_chart};
use super::layout::{Cell, PageMark, captioned_table, footers, text_box, title_block};
use super::workbook::{Styles, sheet_with_header};
use crate::model::funding::{Source, totals, yuan_text};
use crate::model::progress::{
    CompoundProgress, Milestone, Tally, Target, YearProgress, by_group, by_year, report_years,
};
use crate::model::{Clock, date_text};
use crate::store::funding::FundingRow;
use crate::store::{Store, StoreError};

pub const PROGRESS_TITLE: &str = "城镇老旧小区改造提质进度报表";

/// Everything the report shows, owned.
#[derive(Clone, Debug)]
pub struct ProgressReport {
    pub items: Vec<CompoundProgress>,
    pub targets: Vec<Target>,
    pub years: Vec<YearProgress>,
    pub funding: Vec<FundingRow>,
    pub is_sample: bool,
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl ProgressReport {
    pub fn load(store: &Store, clock: Clock) -> Result<Self, StoreError> {
        let items = store.progress_items()?;
        let targets = store.targets()?;
        let years = by_year(
            &items,
            &targets,
            report_years(&items, &targets, clock.today()),
        );
        Ok(Self {
            items,
            targets,
            years,
            funding: store.funding_rows()?,
            is_sample: store.has_only_sample()?,
            issuer: super::issuer::Issuer::of(store)?,
            clock,
        })
    }

    /// Groups by town or cluster over every year.
    fn groups(&self, by_cluster: bool) -> Vec<(String, BTreeMap<Milestone, Tally>)> {
        if by_cluster {
            by_group(&self.items, |c| &c.cluster, None)
        } else {
            by_group(&self.items, |c| &c.town, None)
        }
    }
}

/// "2021 年" or "2019–2023 年合计".
pub fn year_name(row: &YearProgress) -> String {
    match (row.year, row.target.as_ref().and_then(|t| t.span)) {
        (Some(y), _) => format!("{y} 年"),
        (None, Some((a, b))) => format!("{a}–{b} 年合计"),
        (None, None) => "合计".to_owned(),
    }
}

fn tally_text(t: &Tally) -> String {
    format!("{} 个\n{} 户", t.count(), t.households)
}

/// The share of the target handed over (compounds), e.g. "52.4%".
fn completion(row: &YearProgress) -> String {
    match &row.target {
        Some(t) if t.compounds > 0 => format!(
            "{:.1}%",
            f64::from(row.tallies[&Milestone::HandedOver].count()) * 100.0 / f64::from(t.compounds)
        ),
        _ => "—".to_owned(),
    }
}

const YEAR_COLUMNS: [(&str, f32); 6] = [
    ("年度", 30.0),
    ("目标任务", 34.0),
    ("已开工", 28.0),
    ("验收合格", 28.0),
    ("已交付", 28.0),
    ("交付完成率\n（小区）", 32.0),
];
const GROUP_COLUMNS: [(&str, f32); 4] = [
    ("名称", 60.0),
    ("已开工", 40.0),
    ("验收合格", 40.0),
    ("已交付", 40.0),
];
const SERIES: [(&str, Ink); 4] = [
    ("目标", Ink::Grey),
    ("已开工", Ink::Orange),
    ("验收合格", Ink::Blue),
    ("已交付", Ink::Green),
];

fn year_chart(r: &ProgressReport, households: bool) -> Vec<(String, Vec<u32>)> {
    r.years
        .iter()
        .filter(|y| y.year.is_some())
        .map(|y| {
            let target = y.target.as_ref().map_or(0, |t| {
                if households {
                    t.households
                } else {
                    t.compounds
                }
            });
            let mut values = vec![target];
            values.extend(Milestone::ALL.iter().map(|m| {
                let t = &y.tallies[m];
                if households { t.households } else { t.count() }
            }));
            (year_name(y), values)
        })
        .collect()
}

pub fn render_progress_report(r: &ProgressReport) -> Result<Vec<u8>, ExportError> {
    let title = r.issuer.title(PROGRESS_TITLE);
    let mut c = Canvas::new(&title, &r.clock)?;
    let y = title_block(
        &mut c,
        &title,
        &format!(
            "截至 {} · 对照{} 二、（二）目标任务 · 数字由名册、改造进程与验收记录统计",
            date_text(r.clock.today()),
            r.issuer.plan_number
        ),
        r.is_sample,
    );
    let rows: Vec<Vec<Cell>> = r
        .years
        .iter()
        .map(|y| {
            let target = y.target.as_ref().map_or("—".to_owned(), |t| {
                let clusters = t
                    .clusters
                    .map_or(String::new(), |k| format!("\n{k} 个片区"));
                format!("{} 个\n{} 户{clusters}", t.compounds, t.households)
            });
            let mut row = vec![(year_name(y), Ink::Black), (target, Ink::Black)];
            row.extend(
                Milestone::ALL
                    .iter()
                    .map(|m| (tally_text(&y.tallies[m]), Ink::Black)),
            );
            row.push((completion(y), Ink::Black));
            row
        })
        .collect();
    let y = captioned_table(&mut c, y + 2.0, "一、按年度", &YEAR_COLUMNS, &rows);
    let y = bar_chart(
        &mut c,
        y + 4.0,
        &BarChart {
            title: "图1 各年度目标与完成（小区数）",
            series: &SERIES,
            groups: year_chart(r, false),
            unit: "个",
        },
    );
    let y = bar_chart(
        &mut c,
        y + 2.0,
        &BarChart {
            title: "图2 各年度目标与完成（户数）",
            series: &SERIES,
            groups: year_chart(r, true),
            unit: "户",
        },
    );
    let mut y = y;
    for (caption, by_cluster) in [
        ("二、按乡镇（各年度合计）", false),
        ("三、按片区（各年度合计）", true),
    ] {
        let groups = r.groups(by_cluster);
        let rows: Vec<Vec<Cell>> = groups
            .iter()
            .map(|(name, t)| {
                let mut row = vec![(name.clone(), Ink::Black)];
                row.extend(
                    Milestone::ALL
                        .iter()
                        .map(|m| (tally_text(&t[m]), Ink::Black)),
                );
                row
            })
            .collect();
        y = captioned_table(&mut c, y + 4.0, caption, &GROUP_COLUMNS, &rows);
        if !by_cluster && !groups.is_empty() {
            let series = &SERIES[1..];
            y = bar_chart(
                &mut c,
                y + 4.0,
                &BarChart {
                    title: "图3 各乡镇完成情况（小区数）",
                    series,
                    groups: groups
                        .iter()
                        .map(|(n, t)| {
                            (
                                n.clone(),
                                Milestone::ALL.iter().map(|m| t[m].count()).collect(),
                            )
                        })
                        .collect(),
                    unit: "个",
                },
            );
        }
    }
    let by = totals(
        r.funding
            .iter()
            .map(|f| ((f.funding.year, f.funding.source), f.funding.amount_fen)),
    );
    let mut lines = Vec::new();
    let years: std::collections::BTreeSet<i32> = r.funding.iter().map(|f| f.funding.year).collect();
    for year in years {
        let parts: Vec<String> = Source::ALL
            .iter()
            .filter_map(|s| {
                by.get(&(year, *s))
                    .map(|fen| format!("{} {} 元", s.label(), yuan_text(*fen)))
            })
            .collect();
        let sum: i64 = Source::ALL.iter().filter_map(|s| by.get(&(year, *s))).sum();
        lines.push(format!(
            "{year} 年：合计 {} 元（{}）",
            yuan_text(sum),
            parts.join("；")
        ));
    }
    if lines.is_empty() {
        lines.push("尚未登记资金。".to_owned());
    }
    text_box(
        &mut c,
        y + 4.0,
        &[("四、资金（按年度、来源）".to_owned(), Ink::Black)],
        &lines.join("\n"),
    );
    footers(
        &mut c,
        &format!("{title} · {}", date_text(r.clock.today())),
        &PageMark::Plain,
    );
    Ok(c.finish())
}

/// The three milestones' columns: compounds and households each.
const TALLY_COLUMNS: [(&str, f64); 6] = [
    ("已开工（个）", 12.0),
    ("已开工（户）", 12.0),
    ("验收合格（个）", 14.0),
    ("验收合格（户）", 14.0),
    ("已交付（个）", 12.0),
    ("已交付（户）", 12.0),
];

/// Writes the milestones' tallies from column `first` on, as `TALLY_COLUMNS` heads them.
fn write_tallies(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    first: u16,
    tallies: &BTreeMap<Milestone, Tally>,
    number: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    for (k, m) in Milestone::ALL.iter().enumerate() {
        let col = first + 2 * k as u16;
        let tally = &tallies[m];
        ws.write_number_with_format(row, col, f64::from(tally.count()), number)?;
        ws.write_number_with_format(row, col + 1, f64::from(tally.households), number)?;
    }
    Ok(())
}

/// The progress table as a workbook: 按年度, 按乡镇, 按片区, and 计入小区 (each compound with its
/// dates, so every figure can be checked line by line).
pub fn render_progress_workbook(r: &ProgressReport) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::default();
    let (text, number) = (&styles.text, &styles.number);
    let mut book = Workbook::new();
    let mut columns = vec![
        ("年度", 16.0),
        ("目标小区（个）", 14.0),
        ("目标户数", 12.0),
        ("目标片区（个）", 14.0),
    ];
    columns.extend(TALLY_COLUMNS);
    columns.extend([("交付完成率", 12.0), ("目标依据", 14.0)]);
    let ws = sheet_with_header(&mut book, "按年度", &columns, &styles)?;
    for (i, y) in r.years.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string_with_format(row, 0, year_name(y), text)?;
        let t = y.target.as_ref();
        for (col, v) in [
            (1, t.map(|t| t.compounds)),
            (2, t.map(|t| t.households)),
            (3, t.and_then(|t| t.clusters)),
        ] {
            match v {
                Some(v) => ws.write_number_with_format(row, col, f64::from(v), number)?,
                None => ws.write_blank(row, col, text)?,
            };
        }
        write_tallies(ws, row, 4, &y.tallies, number)?;
        match t.filter(|t| t.compounds > 0) {
            Some(t) => ws.write_number_with_format(
                row,
                10,
                f64::from(y.tallies[&Milestone::HandedOver].count()) / f64::from(t.compounds),
                &styles.percent,
            )?,
            None => ws.write_blank(row, 10, text)?,
        };
        ws.write_string_with_format(row, 11, t.map_or("", |t| t.source.as_str()), text)?;
    }
    for (name, by_cluster) in [("按乡镇", false), ("按片区", true)] {
        let mut columns = vec![("名称", 24.0)];
        columns.extend(TALLY_COLUMNS);
        let ws = sheet_with_header(&mut book, name, &columns, &styles)?;
        for (i, (group, tallies)) in r.groups(by_cluster).iter().enumerate() {
            let row = (i + 1) as u32;
            ws.write_string_with_format(row, 0, group, text)?;
            write_tallies(ws, row, 1, tallies, number)?;
        }
    }
    let columns = [
        ("小区", 24.0),
        ("所属乡镇", 12.0),
        ("所属片区", 18.0),
        ("户数", 8.0),
        ("开工日期", 12.0),
        ("验收合格日期", 14.0),
        ("交付日期", 12.0),
    ];
    let ws = sheet_with_header(&mut book, "计入小区", &columns, &styles)?;
    for (i, c) in r.items.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string_with_format(row, 0, &c.name, text)?;
        ws.write_string_with_format(row, 1, &c.town, text)?;
        ws.write_string_with_format(row, 2, &c.cluster, text)?;
        ws.write_number_with_format(row, 3, f64::from(c.households), number)?;
        for (col, d) in [(4, c.started), (5, c.accepted), (6, c.handed_over)] {
            super::workbook::write_date(ws, row, col, d, &styles)?;
        }
    }
    book.save_to_buffer()
}

/// The funding summary as a workbook: 资金明细, 资金汇总 (year × source) and 按乡镇 (town ×
/// source).
pub fn render_funding_workbook(funding: &[FundingRow]) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::default();
    let mut book = Workbook::new();
    super::ledger::funding_sheets(&mut book, funding, &styles)?;
    let mut columns = vec![("乡镇", 14.0)];
    columns.extend(Source::ALL.iter().map(|s| (s.label(), 14.0)));
    columns.push(("合计", 16.0));
    let ws = sheet_with_header(&mut book, "按乡镇", &columns, &styles)?;
    let by = totals(
        funding
            .iter()
            .map(|r| ((r.town.clone(), r.funding.source), r.funding.amount_fen)),
    );
    let towns: std::collections::BTreeSet<&str> = funding.iter().map(|r| r.town.as_str()).collect();
    let total_column = Source::ALL.len() as u16 + 1;
    for (i, town) in towns.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string_with_format(
            row,
            0,
            if town.is_empty() {
                "（未填）"
            } else {
                town
            },
            &styles.text,
        )?;
        let mut sum = 0;
        for (c, s) in Source::ALL.iter().enumerate() {
            let fen = by.get(&((*town).to_owned(), *s)).copied().unwrap_or(0);
            sum += fen;
            ws.write_number_with_format(row, c as u16 + 1, fen as f64 / 100.0, &styles.money)?;
        }
        ws.write_number_with_format(row, total_column, sum as f64 / 100.0, &styles.money)?;
    }
    book.save_to_buffer()
}
