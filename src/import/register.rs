//! A compound register from a spreadsheet (.xlsx, .xls, .xlsb, .ods with calamine; .csv and
//! tab-separated .txt in UTF-8 or GBK), as a grid of cell texts: merged cells (.xlsx, .xls) give
//! their value to every cell they cover, numbers stored as numbers come out as their digits, dates as 年-月-日. Which column
//! is which, and every row's problems, are the model's (`model::register_import`).

use std::path::Path;

use calamine::{Data, DataType, Reader, Sheets, open_workbook_auto};

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
    #[error(
        "“{file}”{what}，超出小区名册的范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列、每格 {MAX_CELL_CHARS} 字）：请检查表格，删去多余的内容后再导入。"
    )]
    TooLarge { file: String, what: String },
    #[error(
        "“{file}”第 {line} 行的引号没有配对：从这里起的各行会被读成一格。请在 Excel 或 WPS 中打开检查，另存为 .csv 后再导入。"
    )]
    UnclosedQuote { file: String, line: usize },
    #[error(
        "“{file}”的文字编码{what}，读出来会是乱码：请在 Excel 或 WPS 中另存为 .xlsx，或“CSV UTF-8”后再导入。"
    )]
    Encoding { file: String, what: &'static str },
}

/// A spreadsheet read and each row checked against the file's records: what the window
/// previews (on its reading thread) and the command line registers.
#[derive(Debug)]
pub struct Planned {
    pub grid: Grid,
    /// The row (from 0) that holds the headers.
    pub header: usize,
    /// Which field each column holds, guessed from the headers.
    pub mapping: Vec<Option<crate::model::register_import::RegisterField>>,
    pub plans: Vec<crate::model::register_import::RowPlan>,
    /// What the rows were checked against (kept to check them again with other columns).
    pub towns: Vec<crate::model::Town>,
    pub clusters: Vec<crate::model::Cluster>,
    pub compounds: Vec<crate::model::Compound>,
}

/// Why a register could not be read and planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Read(#[from] RegisterError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Planned {
    /// Reads the spreadsheet at `path` and checks its rows against `store`'s towns, clusters
    /// and compounds as of `today`.
    pub fn read(
        path: &Path,
        store: &crate::store::Store,
        today: chrono::NaiveDate,
    ) -> Result<Self, PlanError> {
        use crate::model::register_import::{guess_mapping, header_row};
        let grid = read_register(path)?;
        let header = header_row(&grid.rows);
        let mapping = guess_mapping(grid.rows.get(header).map_or(&[][..], |r| r));
        let mut planned = Self {
            grid,
            header,
            mapping,
            plans: Vec::new(),
            towns: store.towns()?,
            clusters: store.clusters()?,
            compounds: store.compounds()?,
        };
        planned.replan(today);
        Ok(planned)
    }

    /// Checks every row again (after the header row or a column's field changed).
    pub fn replan(&mut self, today: chrono::NaiveDate) {
        let known = crate::model::register_import::Known {
            towns: &self.towns,
            clusters: &self.clusters,
            compounds: &self.compounds,
        };
        self.plans = crate::model::register_import::plan(
            &self.grid.rows,
            self.header,
            &self.mapping,
            known,
            today,
        );
    }
}

/// The most rows, columns and characters in one cell a register may have: a register of a
/// county is a few thousand rows; far beyond that, a stray cell (or a hostile file) would make
/// a grid of billions of cells.
pub const MAX_ROWS: usize = 300_000;
pub const MAX_COLUMNS: usize = 200;
pub const MAX_CELL_CHARS: usize = 2_000;

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
    let is_ods = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ods"));
    if is_ods {
        // calamine makes an .ods sheet a dense grid of its used range: its extent is checked
        // first, by streaming the sheet's XML.
        check_ods_extent(path, name)?;
    }
    let mut book = open_workbook_auto(path).map_err(|_| unreadable())?;
    for sheet in book.sheet_names() {
        // .xlsx and .xlsb are read cell by cell (a sheet's used range may span a million
        // rows for one stray cell); the older formats come as calamine reads them.
        let sparse = match &mut book {
            Sheets::Xlsx(x) => match x.worksheet_cells_reader(&sheet) {
                Ok(mut reader) => Some(read_cells(name, || {
                    reader.next_cell().map_err(|_| unreadable())
                })?),
                Err(_) => continue,
            },
            Sheets::Xlsb(x) => match x.worksheet_cells_reader(&sheet) {
                Ok(mut reader) => Some(read_cells(name, || {
                    reader.next_cell().map_err(|_| unreadable())
                })?),
                Err(_) => continue,
            },
            Sheets::Xls(_) | Sheets::Ods(_) => None,
        };
        let cells = match sparse {
            Some(cells) => cells,
            None => {
                let Ok(range) = book.worksheet_range(&sheet) else {
                    continue;
                };
                let (top, left) = range.start().unwrap_or((0, 0));
                range
                    .cells()
                    .filter(|(_, _, cell)| !matches!(cell, Data::Empty))
                    .map(|(r, c, cell)| ((top as usize + r, left as usize + c), cell_text(cell)))
                    .collect()
            }
        };
        if cells.is_empty() {
            continue;
        }
        let merged = merged_regions(&mut book, &sheet);
        return Ok(Grid {
            rows: grid_of(name, cells, &merged)?,
            sheet,
        });
    }
    Err(RegisterError::Empty(name.to_owned()))
}

/// The most cells (rows × columns of the used range) an .ods sheet may span: calamine holds
/// it as a dense grid (a register of 10,000 rows × 30 columns is 300,000).
pub const MAX_DENSE_CELLS: usize = 3_000_000;

/// Streams an .ods file's `content.xml` and refuses it when a cell with content lies beyond
/// the register's limits, or its used range would be a grid too large to hold, before calamine
/// builds that grid.
fn check_ods_extent(path: &Path, name: &str) -> Result<(), RegisterError> {
    use quick_xml::events::{BytesStart, Event};
    let unreadable = || RegisterError::Unreadable(name.to_owned());
    let file = std::fs::File::open(path).map_err(|_| unreadable())?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|_| unreadable())?;
    let content = zip.by_name("content.xml").map_err(|_| unreadable())?;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeats = |e: &BytesStart<'_>, attr: &str| -> usize {
        e.try_get_attribute(attr)
            .ok()
            .flatten()
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    let (mut row, mut column, mut row_repeats) = (0usize, 0usize, 1usize);
    let (mut last_row, mut last_column) = (0usize, 0usize);
    let mut buf = Vec::new();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| unreadable())?;
        match &event {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row_repeats = repeats(e, "table:number-rows-repeated");
                column = 0;
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(row_repeats);
            }
            Event::End(e) if e.name().as_ref() == "table:table" => row = 0,
            Event::Start(e) | Event::Empty(e)
                if e.name().as_ref() == "table:table-cell"
                    || e.name().as_ref() == "table:covered-table-cell" =>
            {
                let span = repeats(e, "table:number-columns-repeated");
                // A cell with a value, or (not empty) with a paragraph inside.
                let has_value = e
                    .try_get_attribute("office:value-type")
                    .ok()
                    .flatten()
                    .is_some()
                    || matches!(event, Event::Start(_));
                if has_value {
                    let (bottom, right) = (
                        row.saturating_add(row_repeats - 1),
                        column.saturating_add(span - 1),
                    );
                    check_cell(name, bottom, right, "")?;
                    last_row = last_row.max(bottom);
                    last_column = last_column.max(right);
                    let dense = (last_row + 1).saturating_mul(last_column + 1);
                    if dense > MAX_DENSE_CELLS {
                        return Err(RegisterError::TooLarge {
                            file: name.to_owned(),
                            what: format!(
                                "的内容铺满 {} 行 × {} 列",
                                last_row + 1,
                                last_column + 1
                            ),
                        });
                    }
                }
                column = column.saturating_add(span);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// Cells with content, as text, at their (row, column) from A1.
type Cells = Vec<((usize, usize), String)>;

/// A sheet's non-empty cells as text with their (row, column), read one by one from `next`.
fn read_cells<'a>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, RegisterError>,
) -> Result<Cells, RegisterError> {
    let mut cells = Vec::new();
    while let Some(cell) = next()? {
        let (row, column) = cell.get_position();
        // Text is taken as it is (one copy); numbers and dates as a person reads them.
        let text = match cell.get_value() {
            calamine::DataRef::String(s) => s.trim().to_owned(),
            calamine::DataRef::SharedString(s) => s.trim().to_owned(),
            other => cell_text(&Data::from(other.clone())),
        };
        if text.is_empty() {
            continue;
        }
        check_cell(name, row as usize, column as usize, &text)?;
        cells.push(((row as usize, column as usize), text));
    }
    Ok(cells)
}

/// Refuses a cell beyond the register's limits, naming where (never echoing its content).
fn check_cell(name: &str, row: usize, column: usize, text: &str) -> Result<(), RegisterError> {
    let too_large = |what: String| {
        Err(RegisterError::TooLarge {
            file: name.to_owned(),
            what,
        })
    };
    if row >= MAX_ROWS {
        return too_large(format!("第 {} 行有内容", row + 1));
    }
    if column >= MAX_COLUMNS {
        return too_large(format!("第 {} 行第 {} 列有内容", row + 1, column + 1));
    }
    if text.chars().count() > MAX_CELL_CHARS {
        return too_large(format!(
            "第 {} 行第 {} 列的内容有 {} 字",
            row + 1,
            column + 1,
            text.chars().count()
        ));
    }
    Ok(())
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

/// The non-empty cells as a grid from A1 (so row and column numbers are the sheet's), each
/// merged region's value in every cell it covers (within the grid: a region reaching past the
/// last cell with content adds nothing).
fn grid_of(
    name: &str,
    cells: Cells,
    merged: &[(u32, u32, u32, u32)],
) -> Result<Vec<Vec<String>>, RegisterError> {
    for ((row, column), text) in &cells {
        check_cell(name, *row, *column, text)?;
    }
    // Each row as long as its last cell with content: a stray cell far to the right makes
    // one long row, not a wide grid.
    let height = cells.iter().map(|((r, _), _)| r + 1).max().unwrap_or(0);
    let width = cells.iter().map(|((_, c), _)| c + 1).max().unwrap_or(0);
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); height];
    for ((r, c), text) in cells {
        if rows[r].len() <= c {
            rows[r].resize(c + 1, String::new());
        }
        rows[r][c] = text;
    }
    for &(r0, c0, r1, c1) in merged {
        let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
        let Some(value) = rows.get(r0).and_then(|row| row.get(c0)).cloned() else {
            continue;
        };
        for row in rows.iter_mut().take(r1 + 1).skip(r0) {
            let end = (c1 + 1).min(width);
            if row.len() < end {
                row.resize(end, String::new());
            }
            for cell in row.iter_mut().take(end).skip(c0) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    Ok(rows)
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

/// A CSV as saved by Excel or WPS: UTF-8 (with or without its mark), GBK, or UTF-16 with its
/// mark (“Unicode 文本”). Text in another encoding (Big5, UTF-16 without a mark) is refused
/// rather than read as nonsense, and so is a quote never closed.
fn read_csv(path: &Path, name: &str) -> Result<Grid, RegisterError> {
    let unreadable = || RegisterError::Unreadable(name.to_owned());
    let bytes = std::fs::read(path).map_err(|_| unreadable())?;
    let text = decode_text(name, &bytes)?;
    if let Some(line) = unclosed_quote(&text) {
        return Err(RegisterError::UnclosedQuote {
            file: name.to_owned(),
            line,
        });
    }
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
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|_| unreadable())?;
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
        for (column, text) in cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            check_cell(name, row, column, text)?;
        }
        rows.push(cells);
    }
    Ok(Grid {
        sheet: name.to_owned(),
        rows,
    })
}

/// The text of a CSV file, or why it cannot be read right.
fn decode_text(name: &str, bytes: &[u8]) -> Result<String, RegisterError> {
    let refuse = |what| {
        Err(RegisterError::Encoding {
            file: name.to_owned(),
            what,
        })
    };
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = encoding.decode(bytes);
        if bad {
            return refuse("与文件开头的标记不符");
        }
        return Ok(text.trim_start_matches('\u{feff}').to_owned());
    }
    // Text has no NUL bytes; UTF-16 without its mark is full of them.
    if bytes.contains(&0) {
        return refuse("像是没有标记的 UTF-16");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let (text, _, bad) = encoding_rs::GBK.decode(bytes);
    if bad {
        return refuse("既不是 UTF-8 也不是 GBK");
    }
    // Big5 (traditional characters) also decodes as GBK, into rare characters outside
    // GB2312: a register in simplified Chinese has few of those.
    let (mut common, mut rare) = (0usize, 0usize);
    let mut rest = bytes;
    while let Some((&lead, tail)) = rest.split_first() {
        if lead < 0x80 {
            rest = tail;
            continue;
        }
        let trail = tail.first().copied().unwrap_or(0);
        if (0xA1..=0xF7).contains(&lead) && (0xA1..=0xFE).contains(&trail) {
            common += 1;
        } else {
            rare += 1;
        }
        rest = tail.get(1..).unwrap_or_default();
    }
    if rare * 4 > common + rare {
        return refuse("像是繁体的 Big5，不是 GBK");
    }
    Ok(text.into_owned())
}

/// The line (from 1) of a quote opened and never closed, if any (a quote is a field's first
/// character; `""` inside a quoted field is one quote).
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut quoted_since = None;
    let mut line = 1;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted_since, c) {
            (None, '"') if at_field_start => quoted_since = Some(line),
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => quoted_since = None,
            _ => {}
        }
        if c == '\n' {
            line += 1;
        }
        at_field_start = quoted_since.is_none() && matches!(c, ',' | '\t' | '\n' | '\r');
    }
    quoted_since
}
