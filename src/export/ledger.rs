//! The office's 台账 as an .xlsx workbook that opens in WPS, Excel and LibreOffice: one row per
//! compound (register, eligibility, survey, stage, acceptance), Chinese headers, the header row
//! frozen, column widths set, numbers as numbers and dates as dates. Its headers are the ones
//! the register import recognises, so an exported 台账 imports back as the same register.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::workbook::{Styles, long_sheet_with_header, sheet_with_header, write_date};

use crate::store::{CompoundRow, Store, StoreError};

/// The rows of the 台账, as read when it is written.
#[derive(Clone, Debug)]
pub struct Ledger {
    pub rows: Vec<CompoundRow>,
    /// Every funding entry, for the 资金明细 and 资金汇总 sheets.
    pub funding: Vec<crate::store::funding::FundingRow>,
}

impl Ledger {
    /// Every registered compound but the training sample's, in the register's order.
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let mut rows: Vec<CompoundRow> = store
            .compound_rows()?
            .into_iter()
            .filter(|r| !r.compound.is_sample)
            .collect();
        rows.sort_by(|a, b| {
            (a.town_name.as_str(), a.compound.name.as_str())
                .cmp(&(b.town_name.as_str(), b.compound.name.as_str()))
        });
        Ok(Self {
            rows,
            funding: store.funding_rows()?,
        })
    }
}

/// The columns: header, width (in characters).
pub const COLUMNS: [(&str, f64); 14] = [
    ("序号", 6.0),
    ("小区名称", 24.0),
    ("所属乡镇", 12.0),
    ("所属片区", 18.0),
    ("地址", 26.0),
    ("产权单位", 18.0),
    ("建成年代", 10.0),
    ("栋数", 8.0),
    ("户数", 8.0),
    ("改造资格", 12.0),
    ("调查", 10.0),
    ("验收阶段", 10.0),
    ("验收轮数", 10.0),
    ("最近验收日期", 14.0),
];

/// The workbook's bytes.
pub fn render_ledger(ledger: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles::default();
    let (text, number) = (&styles.text, &styles.number);
    let sheet = long_sheet_with_header(&mut book, "台账", &COLUMNS, &styles)?;
    for (i, r) in ledger.rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let c = &r.compound;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, number)?;
        let texts = [
            (1, c.name.as_str()),
            (2, r.town_name.as_str()),
            (3, r.cluster_name.as_str()),
            (4, c.address.as_str()),
            (5, c.owner_unit.as_str()),
            (9, r.eligibility.label()),
            (10, r.survey_status.label()),
            (11, r.stage.label()),
        ];
        for (column, value) in texts {
            sheet.write_string_with_format(row, column, value, text)?;
        }
        let numbers = [
            (6, c.year_built.map(f64::from)),
            (7, c.buildings.map(f64::from)),
            (8, c.households.map(f64::from)),
            (12, Some(f64::from(r.inspection_count))),
        ];
        for (column, value) in numbers {
            match value {
                Some(n) => sheet.write_number_with_format(row, column, n, number)?,
                None => sheet.write_blank(row, column, text)?,
            };
        }
        write_date(sheet, row, 13, r.last_inspected_on, &styles)?;
    }
    funding_sheets(&mut book, &ledger.funding, &styles)?;
    book.save_to_buffer()
}

/// 资金明细 (every entry) and 资金汇总 (by year and source), in 元 with two decimals.
pub(super) fn funding_sheets(
    book: &mut Workbook,
    funding: &[crate::store::funding::FundingRow],
    styles: &Styles,
) -> Result<(), XlsxError> {
    use crate::model::funding::{RedLine, Source, totals};
    let (text, money) = (&styles.text, &styles.money);
    let yuan = |fen: i64| fen as f64 / 100.0;
    let columns = [
        ("年度", 8.0),
        ("小区/片区", 22.0),
        ("所属乡镇", 12.0),
        ("资金来源", 12.0),
        ("配套项目", 20.0),
        ("红线", 8.0),
        ("金额（元）", 16.0),
        ("配套项目总投资（元）", 20.0),
        ("用于", 16.0),
        ("核查（五、（一））", 60.0),
    ];
    let sheet = sheet_with_header(book, "资金明细", &columns, styles)?;
    for (i, r) in funding.iter().enumerate() {
        let row = (i + 1) as u32;
        let f = &r.funding;
        sheet.write_number_with_format(row, 0, f64::from(f.year), &styles.number)?;
        sheet.write_string_with_format(row, 1, &r.name, text)?;
        sheet.write_string_with_format(row, 2, &r.town, text)?;
        sheet.write_string_with_format(row, 3, f.source.label(), text)?;
        sheet.write_string_with_format(row, 4, &f.project, text)?;
        sheet.write_string_with_format(row, 5, f.red_line.map_or("", RedLine::label), text)?;
        sheet.write_number_with_format(row, 6, yuan(f.amount_fen), money)?;
        match f.project_total_fen {
            Some(t) => sheet.write_number_with_format(row, 7, yuan(t), money)?,
            None => sheet.write_blank(row, 7, text)?,
        };
        sheet.write_string_with_format(row, 8, f.works.label(), text)?;
        if !r.checks.is_empty() {
            sheet.write_string_with_format(row, 9, r.checks.join("；"), text)?;
        }
    }
    let mut columns = vec![("年度", 8.0)];
    columns.extend(Source::ALL.iter().map(|s| (s.label(), 14.0)));
    columns.push(("合计", 16.0));
    columns.push(("核查（五、（一））", 30.0));
    let sheet = sheet_with_header(book, "资金汇总", &columns, styles)?;
    sheet.set_freeze_panes(1, 1)?;
    let by = totals(
        funding
            .iter()
            .map(|r| ((r.funding.year, r.funding.source), r.funding.amount_fen)),
    );
    let years: std::collections::BTreeSet<i32> = funding.iter().map(|r| r.funding.year).collect();
    let total_column = Source::ALL.len() as u16 + 1;
    for (i, y) in years.iter().enumerate() {
        let row = (i + 1) as u32;
        sheet.write_number_with_format(row, 0, f64::from(*y), &styles.number)?;
        let mut sum = 0;
        for (c, s) in Source::ALL.iter().enumerate() {
            let fen = by.get(&(*y, *s)).copied().unwrap_or(0);
            sum += fen;
            sheet.write_number_with_format(row, c as u16 + 1, yuan(fen), money)?;
        }
        sheet.write_number_with_format(row, total_column, yuan(sum), money)?;
        let flagged = funding
            .iter()
            .filter(|r| r.funding.year == *y && !r.checks.is_empty())
            .count();
        let check = if flagged == 0 {
            "未发现问题".to_owned()
        } else {
            format!("{flagged} 笔有问题，见“资金明细”")
        };
        sheet.write_string_with_format(row, total_column + 1, check, text)?;
    }
    Ok(())
}
