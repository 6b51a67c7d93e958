//! Form building blocks shared by the printed sheets: a labelled details grid, a table that
//! continues on new pages with its header repeated, signature boxes and page footers.

use printpdf::PaintMode;

use super::canvas::{Canvas, Ink, PAGE_HEIGHT, PAGE_WIDTH, PageOps, line_height};
use crate::model::Stroke;

pub const MARGIN: f32 = 15.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where content must stop, leaving room for the footer.
pub const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 20.0;
/// Where a continued page's content starts: below the sealed sheet's QR (2–24 mm at the top
/// right of every page), so a table's lines never run through the code.
pub const PAGE_TOP: f32 = 26.0;
pub const CELL_PAD: f32 = 1.6;
pub const BODY_SIZE: f32 = 9.0;

/// A table cell: its text and ink.
pub type Cell = (String, Ink);

/// A table row of `columns` cells that says `text` in the second cell (an empty table's line).
pub fn placeholder_row(columns: usize, text: &str) -> Vec<Cell> {
    (0..columns)
        .map(|i| match i {
            0 => ("—".to_owned(), Ink::Black),
            1 => (text.to_owned(), Ink::Black),
            _ => (String::new(), Ink::Black),
        })
        .collect()
}

/// The sheet's title block; returns where content starts.
pub fn title_block(c: &mut Canvas, title: &str, subtitle: &str, sample: bool) -> f32 {
    let y = MARGIN;
    if sample {
        c.text(
            MARGIN,
            y + 3.0,
            9.0,
            Ink::Red,
            "【示例数据 · 仅供培训，不作为正式记录】",
        );
    }
    c.text_centered(PAGE_WIDTH / 2.0, y + 10.0, 16.0, Ink::Black, title);
    // A long subtitle (a cluster's three standards) wraps onto more centred lines.
    let lines = c.wrap(subtitle, 9.0, CONTENT_WIDTH);
    let step = line_height(9.0);
    for (i, line) in lines.iter().enumerate() {
        c.text_centered(
            PAGE_WIDTH / 2.0,
            y + 17.5 + i as f32 * step,
            9.0,
            Ink::Grey,
            line,
        );
    }
    y + 21.0 + lines.len().saturating_sub(1) as f32 * step
}

/// Starts a new page if `height` does not fit below `y`; returns where to draw.
pub fn ensure_space(c: &mut Canvas, y: f32, height: f32) -> f32 {
    if y + height > CONTENT_BOTTOM {
        c.new_page();
        PAGE_TOP
    } else {
        y
    }
}

/// A bordered grid of (label, value) pairs, two pairs a row; values wrap.
pub fn details_grid<L: AsRef<str>>(c: &mut Canvas, top: f32, rows: &[[(L, String); 2]]) -> f32 {
    let label_w = 20.0;
    let half = CONTENT_WIDTH / 2.0;
    let value_w = half - label_w;
    let mut y = top;
    for row in rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .map(|(_, v)| c.wrap(v, BODY_SIZE, value_w - 2.0 * CELL_PAD))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
        y = ensure_space(c, y, h);
        for (i, ((label, _), value)) in row.iter().zip(&wrapped).enumerate() {
            let x = MARGIN + i as f32 * half;
            c.rect(x, y, label_w, h, PaintMode::FillStroke, Ink::LightFill);
            c.rect(x + label_w, y, value_w, h, PaintMode::Stroke, Ink::Black);
            c.lines(
                x + CELL_PAD,
                y + CELL_PAD,
                BODY_SIZE,
                Ink::Black,
                &[label.as_ref().to_owned()],
            );
            c.lines(
                x + label_w + CELL_PAD,
                y + CELL_PAD,
                BODY_SIZE,
                Ink::Black,
                value,
            );
        }
        y += h;
    }
    y
}

/// A table's header: each title wrapped to its column, and the height of the tallest.
struct Header {
    titles: Vec<Vec<String>>,
    height: f32,
}

impl Header {
    fn wrap(c: &Canvas, columns: &[(&str, f32)]) -> Self {
        let titles: Vec<Vec<String>> = columns
            .iter()
            .map(|(title, w)| c.wrap(title, BODY_SIZE, w - 2.0 * CELL_PAD))
            .collect();
        let lines = titles.iter().map(Vec::len).max().unwrap_or(1).max(1);
        Self {
            titles,
            height: lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD,
        }
    }

    fn draw(&self, c: &mut Canvas, top: f32, columns: &[(&str, f32)]) -> f32 {
        let mut x = MARGIN;
        for ((_, w), title) in columns.iter().zip(&self.titles) {
            c.rect(
                x,
                top,
                *w,
                self.height,
                PaintMode::FillStroke,
                Ink::LightFill,
            );
            c.lines(x + CELL_PAD, top + CELL_PAD, BODY_SIZE, Ink::Black, title);
            x += w;
        }
        top + self.height
    }

    /// How many lines of a row fit on a fresh page under this header.
    fn fresh_page_lines(&self) -> usize {
        let step = line_height(BODY_SIZE);
        ((CONTENT_BOTTOM - PAGE_TOP - self.height - 2.0 * CELL_PAD) / step).floor() as usize
    }

    /// The room a table needs where it starts: this header and its first row (or, for a row
    /// too tall for any page, two of its lines), so a header is never left alone at a page's
    /// end.
    fn start_height(&self, wrapped: &[Vec<Vec<String>>]) -> f32 {
        let first = wrapped
            .first()
            .map_or(1, |row| row.iter().map(Vec::len).max().unwrap_or(1).max(1));
        let lines = if first <= self.fresh_page_lines() {
            first
        } else {
            2
        };
        self.height + lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD
    }
}

/// Each cell of each row wrapped to its column.
fn wrap_rows(c: &Canvas, columns: &[(&str, f32)], rows: &[Vec<Cell>]) -> Vec<Vec<Vec<String>>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .zip(columns)
                .map(|((text, _), (_, w))| c.wrap(text, BODY_SIZE, w - 2.0 * CELL_PAD))
                .collect()
        })
        .collect()
}

/// A table under a caption line; the caption, the header and the first row start together on
/// a new page when they do not fit here.
pub fn captioned_table(
    c: &mut Canvas,
    top: f32,
    caption: &str,
    columns: &[(&str, f32)],
    rows: &[Vec<Cell>],
) -> f32 {
    const CAPTION: f32 = 6.0;
    let header = Header::wrap(c, columns);
    let wrapped = wrap_rows(c, columns, rows);
    let y = ensure_space(c, top, CAPTION + header.start_height(&wrapped));
    c.text(MARGIN, y + 4.0, 10.0, Ink::Black, caption);
    draw_table(c, y + CAPTION, columns, &header, rows, &wrapped)
}

/// A table with wrapped cells; continues on new pages with the header repeated. A row taller
/// than the room left is split between pages (its cells continue under the repeated header,
/// the first cell marked 续), so nothing is cut and the footer is never written over.
/// `columns` widths should add up to `CONTENT_WIDTH`.
pub fn table(c: &mut Canvas, top: f32, columns: &[(&str, f32)], rows: &[Vec<Cell>]) -> f32 {
    let header = Header::wrap(c, columns);
    let wrapped = wrap_rows(c, columns, rows);
    let top = ensure_space(c, top, header.start_height(&wrapped));
    draw_table(c, top, columns, &header, rows, &wrapped)
}

fn draw_table(
    c: &mut Canvas,
    top: f32,
    columns: &[(&str, f32)],
    header: &Header,
    rows: &[Vec<Cell>],
    wrapped_rows: &[Vec<Vec<String>>],
) -> f32 {
    let step = line_height(BODY_SIZE);
    let mut y = header.draw(c, top, columns);
    for (row, wrapped) in rows.iter().zip(wrapped_rows) {
        let total = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut from = 0;
        while from < total {
            let room = ((CONTENT_BOTTOM - y - 2.0 * CELL_PAD) / step).floor();
            let fits = if room < 1.0 { 0 } else { room as usize };
            let left = total - from;
            // A row that fits on a fresh page starts on one rather than being split.
            if fits < left.min(2) || (from == 0 && fits < left && left <= header.fresh_page_lines())
            {
                c.new_page();
                y = header.draw(c, PAGE_TOP, columns);
                continue;
            }
            let count = left.min(fits);
            let h = count as f32 * step + 2.0 * CELL_PAD;
            let mut x = MARGIN;
            for (index, (((_, w), lines), (_, ink))) in
                columns.iter().zip(wrapped).zip(row).enumerate()
            {
                c.rect(x, y, *w, h, PaintMode::Stroke, Ink::Black);
                let end = lines.len().min(from + count);
                let mut part: Vec<String> = lines.get(from..end).unwrap_or_default().to_vec();
                if from > 0 && index == 0 {
                    part = vec!["（续）".to_owned()];
                }
                c.lines(x + CELL_PAD, y + CELL_PAD, BODY_SIZE, *ink, &part);
                x += w;
            }
            y += h;
            from += count;
        }
    }
    y
}

/// A bordered box with a heading line and wrapped body lines; a body longer than the room left
/// continues in a box on the next page, its heading marked 续.
pub fn text_box(c: &mut Canvas, top: f32, heading: &[(String, Ink)], body: &str) -> f32 {
    let width = CONTENT_WIDTH - 2.0 * CELL_PAD;
    let lines = c.wrap(body, BODY_SIZE, width);
    let head = 8.0;
    let step = line_height(BODY_SIZE);
    let mut y = top;
    let mut from = 0;
    loop {
        let left = lines.len() - from;
        let room = ((CONTENT_BOTTOM - y - head - 2.0 * CELL_PAD) / step).floor();
        let fits = if room < 1.0 { 0 } else { room as usize };
        if fits < left.min(2) {
            c.new_page();
            y = PAGE_TOP;
            continue;
        }
        let count = left.min(fits);
        let h = head + count as f32 * step + 2.0 * CELL_PAD;
        c.rect(MARGIN, y, CONTENT_WIDTH, h, PaintMode::Stroke, Ink::Black);
        let mut x = MARGIN + CELL_PAD;
        for (text, ink) in heading {
            c.text(x, y + 6.0, 12.0, *ink, text);
            x += c.text_width(text, 12.0);
        }
        if from > 0 {
            c.text(x, y + 6.0, 12.0, Ink::Grey, "（续）");
        }
        c.lines(
            MARGIN + CELL_PAD,
            y + head,
            BODY_SIZE,
            Ink::Black,
            &lines[from..from + count],
        );
        y += h;
        from += count;
        if from >= lines.len() {
            return y;
        }
    }
}

/// What one signature box shows.
#[derive(Clone, Debug, Default)]
pub struct SignerBox {
    /// The unit or role, e.g. 建设单位（盖章）.
    pub title: String,
    /// Who signed and when, printed small under the line.
    pub signed: Option<String>,
    /// Strokes drawn on screen, in 0..=1 pad coordinates.
    pub strokes: Vec<Stroke>,
    /// The date signed on screen, printed on the 日期 line (a paper signer writes it by hand).
    pub date: Option<String>,
}

/// One box per signer (two a row) with 签字 and 日期 lines, under `heading`; strokes signed on
/// screen are drawn on the line.
pub fn signature_boxes(c: &mut Canvas, top: f32, heading: &str, signers: &[SignerBox]) -> f32 {
    let box_w = CONTENT_WIDTH / 2.0;
    let box_h = 28.0;
    let mut y = ensure_space(c, top, 8.0 + box_h);
    c.text(MARGIN, y + 5.0, 11.0, Ink::Black, heading);
    y += 8.0;
    for pair in signers.chunks(2) {
        y = ensure_space(c, y, box_h);
        for (i, signer) in pair.iter().enumerate() {
            let x = MARGIN + i as f32 * box_w;
            c.rect(x, y, box_w, box_h, PaintMode::Stroke, Ink::Black);
            c.text(x + 2.5, y + 6.0, 10.0, Ink::Black, &signer.title);
            c.text(x + 2.5, y + 16.0, 10.0, Ink::Black, "签字：");
            c.line(x + 14.0, y + 16.8, x + box_w - 4.0, y + 16.8, 0.4);
            // The pad's drawing, fitted into the space above the line (about 60 × 9 mm).
            let (pad_x, pad_y, pad_w, pad_h) = (x + 16.0, y + 7.5, 60.0, 9.0);
            for stroke in &signer.strokes {
                for pair in stroke.windows(2) {
                    let [a, b] = [pair[0], pair[1]];
                    c.line(
                        pad_x + a[0] * pad_w,
                        pad_y + a[1] * pad_h,
                        pad_x + b[0] * pad_w,
                        pad_y + b[1] * pad_h,
                        0.8,
                    );
                }
            }
            c.text(x + 2.5, y + 23.5, 10.0, Ink::Black, "日期：");
            let date = signer.date.as_deref().unwrap_or("　　　　年　　月　　日");
            c.text(x + 16.0, y + 23.5, 10.0, Ink::Black, date);
            if let Some(signed) = &signer.signed {
                c.text(x + 2.5, y + 27.0, 6.5, Ink::Grey, signed);
            }
        }
        y += box_h;
    }
    y
}

/// A QR code of `text` with its top-left corner at (`x`, `top`), `size` mm square.
pub fn qr_code(page: &mut PageOps<'_>, x: f32, top: f32, size: f32, text: &str) {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return;
    };
    let width = code.width();
    let colors = code.to_colors();
    // A quiet zone of one module around the code.
    let module = size / (width + 2) as f32;
    for (row, line) in colors.chunks(width).enumerate() {
        // Dark runs in a row become one rectangle: fewer operations, no seams.
        let mut col = 0;
        while col < width {
            if line[col] == qrcode::Color::Dark {
                let start = col;
                while col < width && line[col] == qrcode::Color::Dark {
                    col += 1;
                }
                page.rect(
                    x + module * (start + 1) as f32,
                    top + module * (row + 1) as f32,
                    module * (col - start) as f32,
                    module,
                    PaintMode::Fill,
                    Ink::Black,
                );
            } else {
                col += 1;
            }
        }
    }
}

/// The seal printed on every page of a signed sheet: "校验码：…" and a QR code of it.
#[derive(Clone, Debug)]
pub struct SealMark {
    /// e.g. 3F2A-91C0-7B44
    pub code: String,
    /// What the QR code holds.
    pub qr_text: String,
    /// A warning printed after the code (e.g. the record changed after sign-off).
    pub warning: Option<String>,
    /// Format 3: the signing device's key fingerprint, printed after the code to compare by
    /// phone with the device that signed.
    pub fingerprint: Option<String>,
}

/// What every page of a sheet is marked with, beside its page number.
#[derive(Clone, Debug)]
pub enum PageMark {
    /// Nothing: a form that is not signed off (a survey, a notice, a summary).
    Plain,
    /// A record not yet signed and locked: says so in red at the top of every page, so a
    /// printout is never taken for the signed sheet.
    Draft(String),
    /// A signed record: its 校验码 at the foot and QR code at the top of every page.
    Sealed(SealMark),
}

/// `left`, "第 x 页 共 y 页" and the page mark on every page.
pub fn footers(c: &mut Canvas, left: &str, mark: &PageMark) {
    let total = c.page_count();
    let seal = match mark {
        PageMark::Sealed(seal) => Some(seal),
        PageMark::Plain | PageMark::Draft(_) => None,
    };
    let code_text = seal.map(|s| {
        let code = match &s.fingerprint {
            Some(fp) => format!("校验码：{} · 签字设备指纹 {fp}", s.code),
            None => format!("校验码：{}", s.code),
        };
        match &s.warning {
            Some(w) => format!("{code}（{w}）"),
            None => code,
        }
    });
    let code_x = code_text
        .as_ref()
        .map(|t| PAGE_WIDTH - MARGIN - c.text_width(t, 8.0));
    let draft = match mark {
        PageMark::Draft(text) => Some((text, PAGE_WIDTH - MARGIN - c.text_width(text, 10.0))),
        PageMark::Plain | PageMark::Sealed(_) => None,
    };
    for index in 0..total {
        let right = format!("第 {} 页 共 {} 页", index + 1, total);
        let right_x = PAGE_WIDTH - MARGIN - c.text_width(&right, 8.0);
        let baseline = PAGE_HEIGHT - 10.0;
        let mut page = c.draw_on_page(index);
        page.line(
            MARGIN,
            baseline - 4.0,
            PAGE_WIDTH - MARGIN,
            baseline - 4.0,
            0.3,
        );
        page.text(MARGIN, baseline, 8.0, Ink::Grey, left);
        page.text(right_x, baseline, 8.0, Ink::Grey, &right);
        if let Some((text, x)) = draft {
            page.text(x, 8.0, 10.0, Ink::Red, text);
            page.text(MARGIN, baseline + 4.5, 8.0, Ink::Red, text);
        }
        if let (Some(seal), Some(text), Some(x)) = (seal, &code_text, code_x) {
            let ink = if seal.warning.is_some() {
                Ink::Red
            } else {
                Ink::Black
            };
            page.text(x, baseline + 4.5, 8.0, ink, text);
            // 22 mm: a phone's photo of the whole sheet, or a 150 dpi scan, still reads it.
            qr_code(
                &mut page,
                PAGE_WIDTH - MARGIN - 22.0,
                2.0,
                22.0,
                &seal.qr_text,
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;
    use crate::model::Clock;

    fn canvas() -> Canvas {
        Canvas::new("版式", &Clock::local()).expect("font")
    }

    const COLUMNS: [(&str, f32); 2] = [("甲", 90.0), ("乙", 90.0)];

    fn tall_row() -> Vec<Cell> {
        vec![
            ("很长的一段整改说明文字".repeat(20), Ink::Black),
            (String::new(), Ink::Black),
        ]
    }

    #[test]
    fn a_table_never_leaves_its_header_alone_at_the_foot_of_a_page() {
        let mut c = canvas();
        // Room for the header and a line and a bit: not for the first row.
        let one_line = line_height(BODY_SIZE) + 2.0 * CELL_PAD;
        let top = CONTENT_BOTTOM - 2.0 * one_line - 1.0;
        let end = table(&mut c, top, &COLUMNS, &[tall_row()]);
        assert_eq!(c.page_count(), 2);
        assert_eq!(c.ops_on(0), 0, "the header was drawn alone on page 1");
        assert!(end > MARGIN + one_line, "{end}");
    }

    #[test]
    fn a_caption_starts_on_the_same_page_as_its_table() {
        let mut c = canvas();
        let top = CONTENT_BOTTOM - 12.0;
        captioned_table(&mut c, top, "二、整改情况", &COLUMNS, &[tall_row()]);
        assert_eq!(c.page_count(), 2);
        assert_eq!(c.ops_on(0), 0, "the caption was left alone on page 1");
    }

    #[test]
    fn a_long_title_wraps_inside_its_header_cell() {
        let c = canvas();
        let header = Header::wrap(&c, &[("最终结果", 12.0), ("备注", 168.0)]);
        assert_eq!(header.titles[0].len(), 2, "{:?}", header.titles);
        assert_eq!(header.titles[1], vec!["备注".to_owned()]);
        assert!(header.height > 2.0 * line_height(BODY_SIZE));
    }

    #[test]
    fn a_table_that_fits_starts_where_it_is() {
        let mut c = canvas();
        let short = vec![("短".to_owned(), Ink::Black), ("行".to_owned(), Ink::Black)];
        table(&mut c, MARGIN + 10.0, &COLUMNS, &[short]);
        assert_eq!(c.page_count(), 1);
        assert!(c.ops_on(0) > 0);
    }
}
