//! A small drawing surface over printpdf: A4 pages, millimetres measured from the TOP-left
//! corner (as a form is designed), text measured with the embedded font's real advances.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat, Rect, Rgb,
    TextItem, TextMatrix, XObjectTransform,
};

use super::ExportError;
use super::text_wrap::wrap_text;
use crate::assets::{CJK_FONT, CJK_FONT_INDEX};
use crate::model::Clock;

pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// Ink colours used on sheets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ink {
    Black,
    Grey,
    Red,
    Green,
    LightFill,
    /// Chart series.
    Blue,
    Orange,
}

impl Ink {
    fn color(self) -> Color {
        let (r, g, b) = match self {
            Self::Black => (0.0, 0.0, 0.0),
            Self::Grey => (0.35, 0.35, 0.35),
            Self::Red => (0.75, 0.05, 0.05),
            Self::Green => (0.0, 0.45, 0.15),
            Self::LightFill => (0.92, 0.92, 0.92),
            Self::Blue => (0.16, 0.38, 0.70),
            Self::Orange => (0.90, 0.52, 0.10),
        };
        Color::Rgb(Rgb::new(r, g, b, None))
    }
}

/// The parsed font, shared by every export (parsing the collection takes a while).
fn font() -> Result<&'static ParsedFont, ExportError> {
    static FONT: OnceLock<Option<ParsedFont>> = OnceLock::new();
    FONT.get_or_init(|| {
        let mut warnings = Vec::new();
        ParsedFont::from_bytes(CJK_FONT, CJK_FONT_INDEX as usize, &mut warnings)
    })
    .as_ref()
    .ok_or(ExportError::Font)
}

/// Pages being drawn, with the font registered once.
pub struct Canvas {
    doc: PdfDocument,
    font: &'static ParsedFont,
    font_id: FontId,
    pages: Vec<Vec<Op>>,
}

impl Canvas {
    /// A document titled `title`, made at `clock`'s moment (its creation date).
    pub fn new(title: &str, clock: &Clock) -> Result<Self, ExportError> {
        let font = font()?;
        let mut doc = PdfDocument::new(title);
        // printpdf writes these as UTC, so it gets the UTC instant.
        if let Ok(made) = printpdf::DateTime::from_unix_timestamp(clock.now().timestamp()) {
            let info = &mut doc.metadata.info;
            info.creation_date = made;
            info.modification_date = made;
            info.metadata_date = made;
        }
        let font_id = doc.add_font(font);
        Ok(Self {
            doc,
            font,
            font_id,
            pages: vec![Vec::new()],
        })
    }

    /// Starts a new page; drawing goes there from now on.
    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// How many drawing operations page `index` has (tests of the layout).
    #[cfg(test)]
    pub fn ops_on(&self, index: usize) -> usize {
        self.pages.get(index).map_or(0, Vec::len)
    }

    /// Selects the page that later drawing goes to (for footers drawn at the end).
    pub fn draw_on_page(&mut self, index: usize) -> PageOps<'_> {
        PageOps {
            ops: &mut self.pages[index],
            font_id: &self.font_id,
        }
    }

    fn current(&mut self) -> PageOps<'_> {
        let last = self.pages.len() - 1;
        self.draw_on_page(last)
    }

    /// Width of `text` in millimetres at `size` points.
    pub fn text_width(&self, text: &str, size: f32) -> f32 {
        let units_per_em = f32::from(self.font.pdf_font_metrics.units_per_em.max(1));
        let advance: f32 = text
            .chars()
            .map(|c| {
                let glyph = self.font.lookup_glyph_index(c as u32).unwrap_or(0);
                f32::from(self.font.get_horizontal_advance(glyph))
            })
            .sum();
        advance / units_per_em * size / PT_PER_MM
    }

    /// `text` broken into lines that fit `width` mm at `size` points.
    pub fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        wrap_text(text, width, |s| self.text_width(s, size))
    }

    /// Draws one line of text with its baseline at `baseline` mm from the top.
    pub fn text(&mut self, x: f32, baseline: f32, size: f32, ink: Ink, text: &str) {
        self.current().text(x, baseline, size, ink, text);
    }

    /// Draws `text` centred on `center_x`.
    pub fn text_centered(&mut self, center_x: f32, baseline: f32, size: f32, ink: Ink, text: &str) {
        let x = center_x - self.text_width(text, size) / 2.0;
        self.text(x, baseline, size, ink, text);
    }

    /// Draws wrapped lines from `top`; returns the height used.
    pub fn lines(&mut self, x: f32, top: f32, size: f32, ink: Ink, lines: &[String]) -> f32 {
        let step = line_height(size);
        for (i, line) in lines.iter().enumerate() {
            let baseline = top + step * i as f32 + size / PT_PER_MM;
            self.text(x, baseline, size, ink, line);
        }
        step * lines.len() as f32
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        self.current().line(x1, y1, x2, y2, width_pt);
    }

    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, mode: PaintMode, ink: Ink) {
        self.current().rect(x, top, w, h, mode, ink);
    }

    /// Places an RGB picture `width_mm` wide with its top-left at (`x`, `top`); returns its
    /// height in mm.
    pub fn image(&mut self, x: f32, top: f32, width_mm: f32, rgb: (u32, u32, Vec<u8>)) -> f32 {
        let (w, h, pixels) = rgb;
        if w == 0 || h == 0 {
            return 0.0;
        }
        let height_mm = width_mm * h as f32 / w as f32;
        let id = self.doc.add_image(&RawImage {
            pixels: RawImageData::U8(pixels),
            width: w as usize,
            height: h as usize,
            data_format: RawImageFormat::RGB8,
            tag: Vec::new(),
        });
        // The image is drawn width_px / dpi inches wide: choose the dpi that gives width_mm.
        let dpi = w as f32 * 25.4 / width_mm;
        let last = self.pages.len() - 1;
        self.pages[last].push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Mm(x).into()),
                translate_y: Some(Mm(PAGE_HEIGHT - top - height_mm).into()),
                dpi: Some(dpi),
                ..Default::default()
            },
        });
        height_mm
    }

    /// Finishes the document: every page's bytes, the font embedded as a subset.
    pub fn finish(mut self) -> Vec<u8> {
        let pages = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops))
            .collect();
        let options = PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        };
        let mut warnings = Vec::new();
        let bytes = self.doc.with_pages(pages).save(&options, &mut warnings);
        for w in warnings
            .iter()
            .filter(|w| w.severity != printpdf::PdfParseErrorSeverity::Info)
        {
            tracing::warn!(page = w.page, "pdf: {}", w.msg);
        }
        bytes
    }
}

/// Vertical distance between wrapped lines, in mm, for a font size in points.
pub fn line_height(size: f32) -> f32 {
    size * 1.45 / PT_PER_MM
}

/// Drawing operations on one page.
pub struct PageOps<'a> {
    ops: &'a mut Vec<Op>,
    font_id: &'a FontId,
}

fn point(x: f32, top: f32) -> Point {
    Point::new(Mm(x), Mm(PAGE_HEIGHT - top))
}

impl PageOps<'_> {
    pub fn text(&mut self, x: f32, baseline: f32, size: f32, ink: Ink, text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: ink.color() },
            Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Mm(x).into(), Mm(PAGE_HEIGHT - baseline).into()),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        self.ops.extend([
            Op::SetOutlineColor {
                col: Ink::Black.color(),
            },
            Op::SetOutlineThickness { pt: Pt(width_pt) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(x1, y1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(x2, y2),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, mode: PaintMode, ink: Ink) {
        let rectangle = Rect {
            mode: Some(mode),
            ..Rect::from_xywh(
                Mm(x).into(),
                Mm(PAGE_HEIGHT - top - h).into(),
                Mm(w).into(),
                Mm(h).into(),
            )
        };
        self.ops.extend([
            Op::SetFillColor { col: ink.color() },
            Op::SetOutlineColor {
                col: Ink::Black.color(),
            },
            Op::SetOutlineThickness { pt: Pt(0.6) },
            Op::DrawRectangle { rectangle },
        ]);
    }
}
