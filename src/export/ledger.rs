//! The office's 台账 as an .xlsx workbook that opens in WPS, Excel and LibreOffice: one row per
//! compound (register, eligibility, survey, stage, acceptance), Chinese headers, the header row
//! frozen, column widths set, numbers as numbers and dates as dates. Its headers are the ones
//! the register import recognises, so an exported 台账 imports back as the same register.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::store::{CompoundRow, Store, StoreError};

/// The rows of the 台账, as read when it is written.
#[derive(Clone, Debug)]
pub struct Ledger {
    pub rows: Vec<CompoundRow>,
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
        Ok(Self { rows })
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
    let sheet = book.add_worksheet();
    sheet.set_name("台账")?;
    let header = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let text = Format::new().set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0");
    let date = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("yyyy-mm-dd");
    for (c, (title, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *title, &header)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, r) in ledger.rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let c = &r.compound;
        sheet.write_number_with_format(row, 0, (i + 1) as f64, &number)?;
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
            sheet.write_string_with_format(row, column, value, &text)?;
        }
        let numbers = [
            (6, c.year_built.map(f64::from)),
            (7, c.buildings.map(f64::from)),
            (8, c.households.map(f64::from)),
            (12, Some(f64::from(r.inspection_count))),
        ];
        for (column, value) in numbers {
            match value {
                Some(n) => sheet.write_number_with_format(row, column, n, &number)?,
                None => sheet.write_blank(row, column, &text)?,
            };
        }
        match r.last_inspected_on.and_then(excel_date) {
            Some(d) => sheet.write_datetime_with_format(row, 13, &d, &date)?,
            None => sheet.write_blank(row, 13, &text)?,
        };
    }
    book.save_to_buffer()
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}
