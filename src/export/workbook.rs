//! What every .xlsx export shares: the cell formats (bordered text, whole numbers, dates as
//! dates, money in 元), a sheet with a frozen header row and set column widths, and dates as
//! Excel dates.

use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The cell formats.
pub struct Styles {
    pub header: Format,
    pub text: Format,
    pub number: Format,
    pub date: Format,
    pub money: Format,
    pub percent: Format,
}

impl Default for Styles {
    fn default() -> Self {
        let bordered = Format::new().set_border(FormatBorder::Thin);
        Self {
            header: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            number: bordered.clone().set_num_format("0"),
            date: bordered.clone().set_num_format("yyyy-mm-dd"),
            money: bordered.clone().set_num_format("#,##0.00"),
            percent: bordered.clone().set_num_format("0.0%"),
            text: bordered.set_text_wrap(),
        }
    }
}

/// A new sheet named `name` with `columns` (header, width in characters) in its first row,
/// frozen.
pub fn sheet_with_header<'a>(
    book: &'a mut Workbook,
    name: &str,
    columns: &[(&str, f64)],
    styles: &Styles,
) -> Result<&'a mut Worksheet, XlsxError> {
    header(book.add_worksheet(), name, columns, styles)
}

/// As `sheet_with_header`, for a sheet of many rows written in order: each row goes to a
/// temporary file as it is written instead of staying in memory (the 台账 of 100,000
/// compounds took 300 MB the other way).
pub fn long_sheet_with_header<'a>(
    book: &'a mut Workbook,
    name: &str,
    columns: &[(&str, f64)],
    styles: &Styles,
) -> Result<&'a mut Worksheet, XlsxError> {
    header(
        book.add_worksheet_with_constant_memory()?,
        name,
        columns,
        styles,
    )
}

fn header<'a>(
    sheet: &'a mut Worksheet,
    name: &str,
    columns: &[(&str, f64)],
    styles: &Styles,
) -> Result<&'a mut Worksheet, XlsxError> {
    sheet.set_name(name)?;
    for (c, (title, width)) in columns.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, *title, &styles.header)?;
        sheet.set_column_width(c, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

/// Writes a date as a date, or a blank cell.
pub fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    date: Option<chrono::NaiveDate>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match date.and_then(excel_date) {
        Some(d) => sheet.write_datetime_with_format(row, column, &d, &styles.date)?,
        None => sheet.write_blank(row, column, &styles.text)?,
    };
    Ok(())
}

pub fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        u8::try_from(d.month()).ok()?,
        u8::try_from(d.day()).ok()?,
    )
    .ok()
}
