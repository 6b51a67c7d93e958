//! A compound register from a spreadsheet (.xlsx, .xls, .xlsb, .ods with calamine; .csv and
//! tab-separated .txt in UTF-8 or GBK), as a grid of cell texts: merged cells (.xlsx, .xls) give
//! their value to every cell they cover, numbers stored as numbers come out as their digits, dates as 年-月-日. Which column
//! is which, and every row's problems, are the model's (`model::register_import`).

use std::path::Path;

use calamine::{Data, DataType, Range, Reader, Sheets, open_workbook_auto};

/// A sheet's cells as text, row by row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    /// The sheet's name (the file's, for a CSV).
    pub sheet: String,
    pub rows: Vec<Vec<String>>,
}

/// Why a register file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("找不到文件“{0}”。")]
    Missing(String),
    #[error("“{0}”不是能读取的表格文件：请在 Excel 或 WPS 中另存为 .xlsx（或 .csv）后再导入。")]
    Unreadable(String),
    #[error("“{0}”中没有任何数据。")]
    Empty(String),
}

/// Reads the first sheet that has data (or the CSV) at `path`.
pub fn read_register(path: &Path) -> Result<Grid, RegisterError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    if !path.is_file() {
        return Err(RegisterError::Missing(path.display().to_string()));
    }
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
    let grid = if is_csv {
        read_csv(path, &name)?
    } else {
        read_workbook(path, &name)?
    };
    if grid
        .rows
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        return Err(RegisterError::Empty(name));
    }
    Ok(grid)
}

fn read_workbook(path: &Path, name: &str) -> Result<Grid, RegisterError> {
    let unreadable = || RegisterError::Unreadable(name.to_owned());
    let mut book = open_workbook_auto(path).map_err(|_| unreadable())?;
    for sheet in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&sheet) else {
            continue;
        };
        if range.is_empty() {
            continue;
        }
        let merged = merged_regions(&mut book, &sheet);
        return Ok(Grid {
            rows: cells(&range, &merged),
            sheet,
        });
    }
    Err(RegisterError::Empty(name.to_owned()))
}

/// The merged regions of a sheet, as (first row, first column, last row, last column).
fn merged_regions<RS: std::io::Read + std::io::Seek>(
    book: &mut Sheets<RS>,
    sheet: &str,
) -> Vec<(u32, u32, u32, u32)> {
    let dimensions = match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    };
    dimensions
        .into_iter()
        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
        .collect()
}

/// The cells of `range` as text, from A1 (so row and column numbers are the sheet's), each
/// merged region's value in every cell it covers.
fn cells(range: &Range<Data>, merged: &[(u32, u32, u32, u32)]) -> Vec<Vec<String>> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let (height, width) = range.get_size();
    let (top, left) = (top as usize, left as usize);
    let mut rows = vec![vec![String::new(); left + width]; top + height];
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            rows[top + r][left + c] = cell_text(cell);
        }
    }
    for &(r0, c0, r1, c1) in merged {
        let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
        let Some(value) = rows.get(r0).and_then(|row| row.get(c0)).cloned() else {
            continue;
        };
        for row in rows.iter_mut().take(r1 + 1).skip(r0) {
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    rows
}

/// A cell as a person reads it: 1995 (not 1995.0), a date as 1995-06-01.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| cell.to_string()),
        Data::Empty | Data::Error(_) => String::new(),
        other => other.to_string().trim().to_owned(),
    }
}

/// A CSV as saved by Excel or WPS: UTF-8 (with or without its mark) or GBK.
fn read_csv(path: &Path, name: &str) -> Result<Grid, RegisterError> {
    let unreadable = || RegisterError::Unreadable(name.to_owned());
    let bytes = std::fs::read(path).map_err(|_| unreadable())?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
            if bad {
                return Err(unreadable());
            }
            text.into_owned()
        }
    };
    // The reader skips blank lines: each is given one empty field, so every row keeps its
    // line number, as the spreadsheet shows it.
    let text: String = text
        .lines()
        .map(|line| if line.trim().is_empty() { "," } else { line })
        .collect::<Vec<_>>()
        .join("\n");
    // Excel and WPS save “文本文件（制表符分隔）” with tabs.
    let tabs = text.lines().take(20).any(|l| l.contains('\t'))
        && !text.lines().take(20).any(|l| l.contains(','));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tabs { b'\t' } else { b',' })
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| unreadable())?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(Grid {
        sheet: name.to_owned(),
        rows,
    })
}
