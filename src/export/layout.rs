//! Form building blocks shared by the printed sheets: a labelled details grid, a table that
//! continues on new pages with its header repeated, signature boxes and page footers.

use printpdf::PaintMode;

use super::canvas::{Canvas, Ink, PAGE_HEIGHT, PAGE_WIDTH, line_height};

pub const MARGIN: f32 = 15.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where content must stop, leaving room for the footer.
pub const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 20.0;
pub const CELL_PAD: f32 = 1.6;
pub const BODY_SIZE: f32 = 9.0;

/// A table cell: its text and ink.
pub type Cell = (String, Ink);

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
    c.text_centered(PAGE_WIDTH / 2.0, y + 17.5, 9.0, Ink::Grey, subtitle);
    y + 21.0
}

/// Starts a new page if `height` does not fit below `y`; returns where to draw.
pub fn ensure_space(c: &mut Canvas, y: f32, height: f32) -> f32 {
    if y + height > CONTENT_BOTTOM {
        c.new_page();
        MARGIN
    } else {
        y
    }
}

/// A bordered grid of (label, value) pairs, two pairs a row; values wrap.
pub fn details_grid(c: &mut Canvas, top: f32, rows: &[[(&str, String); 2]]) -> f32 {
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
                &[(*label).to_owned()],
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

fn table_header(c: &mut Canvas, top: f32, columns: &[(&str, f32)]) -> f32 {
    let h = line_height(BODY_SIZE) + 2.0 * CELL_PAD;
    let mut x = MARGIN;
    for (title, w) in columns {
        c.rect(x, top, *w, h, PaintMode::FillStroke, Ink::LightFill);
        c.lines(
            x + CELL_PAD,
            top + CELL_PAD,
            BODY_SIZE,
            Ink::Black,
            &[(*title).to_owned()],
        );
        x += w;
    }
    top + h
}

/// A table with wrapped cells; continues on new pages with the header repeated.
/// `columns` widths should add up to `CONTENT_WIDTH`.
pub fn table(c: &mut Canvas, top: f32, columns: &[(&str, f32)], rows: &[Vec<Cell>]) -> f32 {
    let header_h = line_height(BODY_SIZE) + 2.0 * CELL_PAD;
    let top = ensure_space(c, top, 2.0 * header_h);
    let mut y = table_header(c, top, columns);
    for row in rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .zip(columns)
            .map(|((text, _), (_, w))| c.wrap(text, BODY_SIZE, w - 2.0 * CELL_PAD))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
        if y + h > CONTENT_BOTTOM {
            c.new_page();
            y = table_header(c, MARGIN, columns);
        }
        let mut x = MARGIN;
        for (((_, w), lines), (_, ink)) in columns.iter().zip(&wrapped).zip(row) {
            c.rect(x, y, *w, h, PaintMode::Stroke, Ink::Black);
            c.lines(x + CELL_PAD, y + CELL_PAD, BODY_SIZE, *ink, lines);
            x += w;
        }
        y += h;
    }
    y
}

/// A bordered box with a heading line and wrapped body lines.
pub fn text_box(c: &mut Canvas, top: f32, heading: &[(String, Ink)], body: &str) -> f32 {
    let width = CONTENT_WIDTH - 2.0 * CELL_PAD;
    let lines = c.wrap(body, BODY_SIZE, width);
    let head = 8.0;
    let h = head + lines.len() as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
    let y = ensure_space(c, top, h);
    c.rect(MARGIN, y, CONTENT_WIDTH, h, PaintMode::Stroke, Ink::Black);
    let mut x = MARGIN + CELL_PAD;
    for (text, ink) in heading {
        c.text(x, y + 6.0, 12.0, *ink, text);
        x += c.text_width(text, 12.0);
    }
    c.lines(MARGIN + CELL_PAD, y + head, BODY_SIZE, Ink::Black, &lines);
    y + h
}

/// One box per signer (two a row) with 签字 and 日期 lines, under `heading`.
pub fn signature_boxes(c: &mut Canvas, top: f32, heading: &str, signers: &[String]) -> f32 {
    let box_w = CONTENT_WIDTH / 2.0;
    let box_h = 26.0;
    let mut y = ensure_space(c, top, 8.0 + box_h);
    c.text(MARGIN, y + 5.0, 11.0, Ink::Black, heading);
    y += 8.0;
    for pair in signers.chunks(2) {
        y = ensure_space(c, y, box_h);
        for (i, signer) in pair.iter().enumerate() {
            let x = MARGIN + i as f32 * box_w;
            c.rect(x, y, box_w, box_h, PaintMode::Stroke, Ink::Black);
            c.text(x + 2.5, y + 6.0, 10.0, Ink::Black, signer);
            c.text(x + 2.5, y + 15.0, 10.0, Ink::Black, "签字：");
            c.line(x + 14.0, y + 15.8, x + box_w - 4.0, y + 15.8, 0.4);
            c.text(x + 2.5, y + 22.5, 10.0, Ink::Black, "日期：");
            c.text(
                x + 16.0,
                y + 22.5,
                10.0,
                Ink::Black,
                "　　　　年　　月　　日",
            );
        }
        y += box_h;
    }
    y
}

/// `left` and "第 x 页 共 y 页" at the foot of every page.
pub fn footers(c: &mut Canvas, left: &str) {
    let total = c.page_count();
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
    }
}
