//! The day's bulletin (日通报, 附件2 三、（一）) as a printable A4 PDF and as an .xlsx: the
//! units' reports of the day, the matters needing coordination (the day's and those carried
//! forward until closed), the matters closed that day, the units that did not report, and the
//! weekly meetings' decisions still open.

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::ExportError;
use super::canvas::{Canvas, Ink};
use super::layout::{
    Cell, PageMark, captioned_table, footers, placeholder_row, text_box, title_block,
};
use super::workbook::{Styles, sheet_with_header, write_date};
use crate::model::rhythm::{ActionItem, Bulletin, DailyReport};
use crate::model::{Clock, date_text};
use crate::store::{Store, StoreError};

/// The title printed on the bulletin.
pub const BULLETIN_TITLE: &str = "城镇老旧小区改造提质工作日通报";

/// Everything the bulletin shows, owned.
#[derive(Clone, Debug)]
pub struct BulletinSheet {
    pub bulletin: Bulletin,
    /// Decisions of the weekly meetings still open at the day's end.
    pub open_actions: Vec<ActionItem>,
    pub is_sample: bool,
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl BulletinSheet {
    pub fn load(store: &Store, date: NaiveDate, clock: Clock) -> Result<Self, StoreError> {
        let reports = store.daily_reports_until(date)?;
        let open_actions = store
            .meetings()?
            .into_iter()
            .filter(|m| m.held_on <= date)
            .flat_map(|m| m.actions)
            .filter(|a| a.closed_on.is_none_or(|c| c > date))
            .collect();
        Ok(Self {
            bulletin: Bulletin::of(date, &reports),
            open_actions,
            is_sample: store.has_only_sample()?,
            issuer: super::issuer::Issuer::of(store)?,
            clock,
        })
    }

    /// The summary line at the top.
    pub fn summary(&self) -> String {
        self.bulletin.summary(&self.open_actions)
    }
}

const REPORT_COLUMNS: [(&str, f32); 5] = [
    ("序号", 10.0),
    ("报送单位", 36.0),
    ("工作开展情况", 58.0),
    ("好的做法", 38.0),
    ("需协调事项", 38.0),
];
const MATTER_COLUMNS: [(&str, f32); 5] = [
    ("序号", 10.0),
    ("提出日期", 22.0),
    ("提出单位", 38.0),
    ("需协调解决的事项", 80.0),
    ("状态", 30.0),
];
const RESOLVED_COLUMNS: [(&str, f32); 4] = [
    ("序号", 10.0),
    ("提出单位", 40.0),
    ("事项", 65.0),
    ("办结情况", 65.0),
];
const ACTION_COLUMNS: [(&str, f32); 5] = [
    ("序号", 10.0),
    ("决定事项", 80.0),
    ("责任单位", 40.0),
    ("完成期限", 25.0),
    ("状态", 25.0),
];

fn who(r: &DailyReport) -> String {
    let kind = r.kind.map_or("", |k| k.label());
    if r.compound_name.is_empty() {
        format!("{}\n（{kind}）", r.unit)
    } else {
        format!("{}\n（{kind}）\n{}", r.unit, r.compound_name)
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.trim().to_owned()
    }
}

/// The matters open at the day's end: carried forward first, then the day's.
fn open_matters(b: &Bulletin) -> Vec<(&DailyReport, String)> {
    let mut out: Vec<(&DailyReport, String)> = b
        .carried
        .iter()
        .map(|r| {
            let days = (b.date - r.date).num_days();
            (r, format!("结转（已 {days} 天）"))
        })
        .collect();
    out.extend(
        b.reports
            .iter()
            .filter(|r| r.open_on(b.date))
            .map(|r| (r, "当日新增".to_owned())),
    );
    out
}

pub fn render_bulletin(sheet: &BulletinSheet) -> Result<Vec<u8>, ExportError> {
    let b = &sheet.bulletin;
    let title = sheet.issuer.title(BULLETIN_TITLE);
    let mut c = Canvas::new(&title, &sheet.clock)?;
    let y = title_block(
        &mut c,
        &title,
        &format!(
            "{} · {} · 依据{}{}",
            date_text(b.date),
            sheet.issuer.office,
            sheet.issuer.plan_number,
            sheet.issuer.rhythm_clause
        ),
        sheet.is_sample,
    );
    let y = text_box(
        &mut c,
        y + 2.0,
        &[("概况".to_owned(), Ink::Black)],
        &sheet.summary(),
    );
    let rows: Vec<Vec<Cell>> = if b.reports.is_empty() {
        vec![placeholder_row(REPORT_COLUMNS.len(), "当日没有单位报送")]
    } else {
        b.reports
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    ((i + 1).to_string(), Ink::Black),
                    (who(r), Ink::Black),
                    (or_dash(&r.work_done), Ink::Black),
                    (or_dash(&r.good_practice), Ink::Green),
                    (or_dash(&r.matters), Ink::Black),
                ]
            })
            .collect()
    };
    let y = captioned_table(
        &mut c,
        y + 4.0,
        "一、当日工作开展情况",
        &REPORT_COLUMNS,
        &rows,
    );
    let matters = open_matters(b);
    let rows: Vec<Vec<Cell>> = if matters.is_empty() {
        vec![placeholder_row(MATTER_COLUMNS.len(), "没有待协调的事项")]
    } else {
        matters
            .iter()
            .enumerate()
            .map(|(i, (r, state))| {
                let ink = if r.date < b.date {
                    Ink::Red
                } else {
                    Ink::Black
                };
                vec![
                    ((i + 1).to_string(), Ink::Black),
                    (date_text(r.date), Ink::Black),
                    (r.who(), Ink::Black),
                    (r.matters.trim().to_owned(), Ink::Black),
                    (state.clone(), ink),
                ]
            })
            .collect()
    };
    let y = captioned_table(
        &mut c,
        y + 4.0,
        "二、需要协调解决的事项（含前期结转）",
        &MATTER_COLUMNS,
        &rows,
    );
    let rows: Vec<Vec<Cell>> = if b.resolved.is_empty() {
        vec![placeholder_row(
            RESOLVED_COLUMNS.len(),
            "当日没有办结的事项",
        )]
    } else {
        b.resolved
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    ((i + 1).to_string(), Ink::Black),
                    (r.who(), Ink::Black),
                    (r.matters.trim().to_owned(), Ink::Black),
                    (or_dash(&r.resolution), Ink::Green),
                ]
            })
            .collect()
    };
    let y = captioned_table(
        &mut c,
        y + 4.0,
        "三、当日办结事项",
        &RESOLVED_COLUMNS,
        &rows,
    );
    if !sheet.open_actions.is_empty() {
        let rows: Vec<Vec<Cell>> = sheet
            .open_actions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let overdue = a.due_on < b.date;
                vec![
                    ((i + 1).to_string(), Ink::Black),
                    (a.text.clone(), Ink::Black),
                    (a.owner.clone(), Ink::Black),
                    (date_text(a.due_on), Ink::Black),
                    (
                        if overdue {
                            "逾期未完成"
                        } else {
                            "未完成"
                        }
                        .to_owned(),
                        if overdue { Ink::Red } else { Ink::Black },
                    ),
                ]
            })
            .collect();
        captioned_table(
            &mut c,
            y + 4.0,
            "四、周例会决定事项（未完成）",
            &ACTION_COLUMNS,
            &rows,
        );
    }
    footers(
        &mut c,
        &format!("{title} · {}", date_text(b.date)),
        &PageMark::Plain,
    );
    Ok(c.finish())
}

/// The bulletin as a workbook: 当日报送, 需协调事项 (open at the day's end), 当日办结.
pub fn render_bulletin_workbook(sheet: &BulletinSheet) -> Result<Vec<u8>, XlsxError> {
    let b = &sheet.bulletin;
    let styles = Styles::default();
    let text = &styles.text;
    let mut book = Workbook::new();
    let columns = [
        ("报送日期", 12.0),
        ("报送单位", 24.0),
        ("单位类别", 14.0),
        ("小区", 20.0),
        ("工作开展情况", 40.0),
        ("好的做法", 30.0),
        ("需协调事项", 30.0),
    ];
    let ws = sheet_with_header(&mut book, "当日报送", &columns, &styles)?;
    for (i, r) in b.reports.iter().enumerate() {
        let row = (i + 1) as u32;
        write_date(ws, row, 0, Some(r.date), &styles)?;
        ws.write_string_with_format(row, 1, &r.unit, text)?;
        ws.write_string_with_format(row, 2, r.kind.map_or("", |k| k.label()), text)?;
        ws.write_string_with_format(row, 3, &r.compound_name, text)?;
        ws.write_string_with_format(row, 4, &r.work_done, text)?;
        ws.write_string_with_format(row, 5, &r.good_practice, text)?;
        ws.write_string_with_format(row, 6, &r.matters, text)?;
    }
    let columns = [
        ("提出日期", 12.0),
        ("提出单位", 30.0),
        ("需协调解决的事项", 44.0),
        ("状态", 16.0),
        ("已结转天数", 12.0),
    ];
    let ws = sheet_with_header(&mut book, "需协调事项", &columns, &styles)?;
    for (i, (r, state)) in open_matters(b).iter().enumerate() {
        let row = (i + 1) as u32;
        write_date(ws, row, 0, Some(r.date), &styles)?;
        ws.write_string_with_format(row, 1, r.who(), text)?;
        ws.write_string_with_format(row, 2, r.matters.trim(), text)?;
        ws.write_string_with_format(row, 3, state, text)?;
        ws.write_number_with_format(row, 4, (b.date - r.date).num_days() as f64, &styles.number)?;
    }
    let columns = [
        ("提出日期", 12.0),
        ("提出单位", 30.0),
        ("事项", 40.0),
        ("办结日期", 12.0),
        ("办结情况", 40.0),
    ];
    let ws = sheet_with_header(&mut book, "当日办结", &columns, &styles)?;
    for (i, r) in b.resolved.iter().enumerate() {
        let row = (i + 1) as u32;
        write_date(ws, row, 0, Some(r.date), &styles)?;
        ws.write_string_with_format(row, 1, r.who(), text)?;
        ws.write_string_with_format(row, 2, r.matters.trim(), text)?;
        write_date(ws, row, 3, r.resolved_on, &styles)?;
        ws.write_string_with_format(row, 4, &r.resolution, text)?;
    }
    book.save_to_buffer()
}
