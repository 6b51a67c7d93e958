//! The printed acceptance sheet (验收单) of one inspection: A4, item table with wrapped text and
//! a repeated header, the verdict, signature boxes for every participating unit, page numbers.

use printpdf::PaintMode;

use super::ExportError;
use super::canvas::{Canvas, Ink, PAGE_HEIGHT, PAGE_WIDTH, line_height};
use crate::model::{
    Catalogue, Compound, Inspection, InspectionId, ItemResult, Verdict, verdict_of,
};
use crate::store::{Store, StoreError};

/// The sheet's title.
pub const SHEET_TITLE: &str = "洛宁县城镇老旧小区改造提质工程验收单";

const MARGIN: f32 = 15.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where content must stop, leaving room for the footer.
const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 20.0;
const CELL_PAD: f32 = 1.6;
const BODY_SIZE: f32 = 9.0;

/// Item table columns: title and width in mm (sums to `CONTENT_WIDTH`).
const COLUMNS: [(&str, f32); 6] = [
    ("序号", 9.0),
    ("类别", 12.0),
    ("验收标准", 40.0),
    ("依据条款", 58.0),
    ("结果", 14.0),
    ("备注", 47.0),
];

/// Everything one sheet shows, owned, so it can be rendered on another thread.
#[derive(Clone, Debug)]
pub struct AcceptanceSheet {
    pub compound: Compound,
    pub town_name: String,
    pub cluster_name: String,
    pub inspection: Inspection,
    /// e.g. 小区改造标准「三入、四通、四有、两整」.
    pub standard_title: String,
    pub standard_clause: String,
}

impl AcceptanceSheet {
    /// Reads what the sheet of inspection `id` needs.
    pub fn load(store: &Store, id: InspectionId) -> Result<Self, StoreError> {
        let inspection = store.inspection(id)?;
        let compound = store.compound(inspection.compound_id)?;
        let town_name = match compound.town_id {
            Some(t) => store.town_name(t)?.unwrap_or_default(),
            None => String::new(),
        };
        let cluster_name = match compound.cluster_id {
            Some(k) => store.cluster_name(k)?.unwrap_or_default(),
            None => String::new(),
        };
        let standard = Catalogue::version(&inspection.catalogue_version)
            .and_then(|c| c.standard(&inspection.standard_id));
        let (standard_title, standard_clause) = match standard {
            Some(s) => (format!("{}「{}」", s.name, s.motto), s.clause.clone()),
            None => (inspection.standard_id.clone(), String::new()),
        };
        Ok(Self {
            compound,
            town_name,
            cluster_name,
            inspection,
            standard_title,
            standard_clause,
        })
    }
}

/// Renders the sheet to PDF bytes.
pub fn render_acceptance_sheet(sheet: &AcceptanceSheet) -> Result<Vec<u8>, ExportError> {
    let mut c = Canvas::new(SHEET_TITLE)?;
    let mut y = MARGIN;

    if sheet.compound.is_sample {
        c.text(
            MARGIN,
            y + 3.0,
            9.0,
            Ink::Red,
            "【示例数据 · 仅供培训，不作为正式验收记录】",
        );
    }
    c.text_centered(PAGE_WIDTH / 2.0, y + 10.0, 16.0, Ink::Black, SHEET_TITLE);
    y += 14.0;
    let basis = format!(
        "验收标准：{}　依据：宁政办〔2021〕17号 {}",
        sheet.standard_title, sheet.standard_clause
    );
    c.text_centered(PAGE_WIDTH / 2.0, y + 3.5, 9.0, Ink::Grey, &basis);
    y += 7.0;

    y = draw_details(&mut c, sheet, y);
    y += 4.0;
    y = draw_items(&mut c, sheet, y);
    y += 4.0;
    y = draw_verdict(&mut c, sheet, y);
    y += 4.0;
    draw_signatures(&mut c, sheet, y);
    draw_footers(&mut c, sheet);
    Ok(c.finish())
}

/// The compound and inspection details, as a bordered two-column grid.
fn draw_details(c: &mut Canvas, sheet: &AcceptanceSheet, top: f32) -> f32 {
    let comp = &sheet.compound;
    let insp = &sheet.inspection;
    let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_else(|| "—".to_owned());
    let rows: [[(&str, String); 2]; 5] = [
        [
            ("小区名称", comp.name.clone()),
            ("所属乡镇", sheet.town_name.clone()),
        ],
        [
            ("小区地址", comp.address.clone()),
            ("产权单位", comp.owner_unit.clone()),
        ],
        [
            (
                "建成年份",
                comp.year_built
                    .map(|y| format!("{y} 年"))
                    .unwrap_or_else(|| "—".to_owned()),
            ),
            (
                "楼栋/户数",
                format!("{} 栋 / {} 户", opt(comp.buildings), opt(comp.households)),
            ),
        ],
        [
            (
                "所属片区",
                Some(sheet.cluster_name.clone())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| "不属于片区".to_owned()),
            ),
            ("标准版本", insp.catalogue_version.clone()),
        ],
        [
            (
                "验收日期",
                insp.inspected_on.format("%Y年%m月%d日").to_string(),
            ),
            ("验收人员", insp.inspectors.clone()),
        ],
    ];
    let label_w = 20.0;
    let half = CONTENT_WIDTH / 2.0;
    let value_w = half - label_w;
    let mut y = top;
    for row in &rows {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .map(|(_, v)| c.wrap(v, BODY_SIZE, value_w - 2.0 * CELL_PAD))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
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
    let record = format!("记录编号：{}", insp.id);
    c.text(MARGIN, y + 4.0, 7.5, Ink::Grey, &record);
    y + 5.0
}

fn draw_table_header(c: &mut Canvas, top: f32) -> f32 {
    let h = line_height(BODY_SIZE) + 2.0 * CELL_PAD;
    let mut x = MARGIN;
    for (title, w) in COLUMNS {
        c.rect(x, top, w, h, PaintMode::FillStroke, Ink::LightFill);
        c.lines(
            x + CELL_PAD,
            top + CELL_PAD,
            BODY_SIZE,
            Ink::Black,
            &[title.to_owned()],
        );
        x += w;
    }
    top + h
}

/// The item table; continues on new pages with the header repeated.
fn draw_items(c: &mut Canvas, sheet: &AcceptanceSheet, top: f32) -> f32 {
    let mut y = draw_table_header(c, top);
    for (index, item) in sheet.inspection.items.iter().enumerate() {
        let result = item.result.map_or("未判定", ItemResult::label);
        let standard = if item.standard.required {
            item.standard.text.clone()
        } else {
            format!("{}（选查）", item.standard.text)
        };
        let cells = [
            (index + 1).to_string(),
            item.standard.group.clone(),
            standard,
            item.standard.clause.clone(),
            result.to_owned(),
            item.remark.clone(),
        ];
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, w))| c.wrap(text, BODY_SIZE, w - 2.0 * CELL_PAD))
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = lines as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
        if y + h > CONTENT_BOTTOM {
            c.new_page();
            y = draw_table_header(c, MARGIN);
        }
        let mut x = MARGIN;
        for (col, ((_, w), lines)) in COLUMNS.iter().zip(&wrapped).enumerate() {
            c.rect(x, y, *w, h, PaintMode::Stroke, Ink::Black);
            let ink = match (col, item.result) {
                (4, Some(ItemResult::Fail)) => Ink::Red,
                (4, Some(ItemResult::Pass)) => Ink::Green,
                _ => Ink::Black,
            };
            c.lines(x + CELL_PAD, y + CELL_PAD, BODY_SIZE, ink, lines);
            x += w;
        }
        y += h;
    }
    y
}

/// The overall verdict, with the failing items named.
fn draw_verdict(c: &mut Canvas, sheet: &AcceptanceSheet, top: f32) -> f32 {
    let items = &sheet.inspection.items;
    let verdict = verdict_of(items);
    let count = |r| items.iter().filter(|i| i.result == Some(r)).count();
    let tally = format!(
        "共 {} 项：合格 {} 项，不合格 {} 项，不适用 {} 项，未判定 {} 项。",
        items.len(),
        count(ItemResult::Pass),
        count(ItemResult::Fail),
        count(ItemResult::NotApplicable),
        items.len() - sheet.inspection.decided_count()
    );
    let width = CONTENT_WIDTH - 2.0 * CELL_PAD;
    let mut body = c.wrap(&tally, BODY_SIZE, width);
    body.extend(c.wrap(&verdict.explanation(), BODY_SIZE, width));
    let head = 8.0;
    let h = head + body.len() as f32 * line_height(BODY_SIZE) + 2.0 * CELL_PAD;
    let mut y = top;
    if y + h > CONTENT_BOTTOM {
        c.new_page();
        y = MARGIN;
    }
    c.rect(MARGIN, y, CONTENT_WIDTH, h, PaintMode::Stroke, Ink::Black);
    let ink = match verdict {
        Verdict::Passed => Ink::Green,
        Verdict::Failed { .. } => Ink::Red,
        Verdict::Incomplete { .. } => Ink::Black,
    };
    c.text(MARGIN + CELL_PAD, y + 6.0, 12.0, Ink::Black, "验收结论：");
    let label_x = MARGIN + CELL_PAD + c.text_width("验收结论：", 12.0);
    c.text(label_x, y + 6.0, 12.0, ink, verdict.label());
    c.lines(MARGIN + CELL_PAD, y + head, BODY_SIZE, Ink::Black, &body);
    y + h
}

/// One box per participating unit, two per row, with 签字 and 日期 lines.
fn draw_signatures(c: &mut Canvas, sheet: &AcceptanceSheet, top: f32) {
    let box_w = CONTENT_WIDTH / 2.0;
    let box_h = 26.0;
    let mut y = top;
    if y + 8.0 + box_h > CONTENT_BOTTOM {
        c.new_page();
        y = MARGIN;
    }
    c.text(MARGIN, y + 5.0, 11.0, Ink::Black, "参加验收单位签字");
    y += 8.0;
    for pair in sheet.inspection.parties.chunks(2) {
        if y + box_h > CONTENT_BOTTOM {
            c.new_page();
            y = MARGIN;
        }
        for (i, unit) in pair.iter().enumerate() {
            let x = MARGIN + i as f32 * box_w;
            c.rect(x, y, box_w, box_h, PaintMode::Stroke, Ink::Black);
            c.text(
                x + 2.5,
                y + 6.0,
                10.0,
                Ink::Black,
                &format!("{unit}（盖章）"),
            );
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
}

/// "第 x 页 共 y 页" and the compound's name at the foot of every page.
fn draw_footers(c: &mut Canvas, sheet: &AcceptanceSheet) {
    let total = c.page_count();
    let left = format!("{} · {}", SHEET_TITLE, sheet.compound.name);
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
        page.text(MARGIN, baseline, 8.0, Ink::Grey, &left);
        page.text(right_x, baseline, 8.0, Ink::Grey, &right);
    }
}
