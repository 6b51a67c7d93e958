//! The 验收总表: one acceptance from its first round to its last on one sheet. Every item with
//! each round's finding and the final one, the rectifications ordered and how they ended, each
//! round's signing and 校验码, and the final verdict, signed at the end by the units of the
//! latest round. After a re-inspection this is the sheet that tells the whole story.

use super::ExportError;
use super::acceptance_sheet::{
    MEMBER_COLUMNS, in_pairs, member_rows, page_mark, signer_boxes, standard_heading,
};
use super::canvas::{Canvas, Ink};
use super::layout::{
    CONTENT_WIDTH, Cell, MARGIN, PageMark, captioned_table, details_grid, footers, signature_boxes,
    text_box, title_block,
};
use crate::model::{
    Clock, Inspection, InspectionId, InspectionItem, ItemResult, MemberAcceptance, Rectification,
    RectificationStatus, SealCheck, Signature, Subject, Verdict, cluster_acceptance::round_verdict,
    date_text,
};
use crate::store::{Store, StoreError};

/// The compound acceptance's title.
pub const FINAL_TITLE: &str = "城镇老旧小区改造提质工程验收总表";
/// The cluster acceptance's title.
pub const CLUSTER_FINAL_TITLE: &str = "城镇老旧小区组团连片改造提质片区验收总表";

/// One round as the sheet lists it.
#[derive(Clone, Debug)]
pub struct RoundLine {
    pub round: Inspection,
    pub check: SealCheck,
    /// This round's own verdict (for a cluster, with its members as the round has them).
    pub verdict: Verdict,
}

/// Everything the sheet shows, owned, so it can be rendered on another thread.
#[derive(Clone, Debug)]
pub struct FinalSheet {
    pub subject_name: String,
    pub is_sample: bool,
    /// The head as the latest round prints it, then the rounds' dates.
    pub details: Vec<[(String, String); 2]>,
    pub standard_title: String,
    pub standard_clause: String,
    /// Every round, first first, with how it compares with its seal now.
    pub rounds: Vec<RoundLine>,
    /// Every item of the first round with its latest finding.
    pub final_items: Vec<InspectionItem>,
    /// The verdict after every round (for a cluster, with its members as the latest round has
    /// them).
    pub verdict: Verdict,
    pub members: Option<Vec<MemberAcceptance>>,
    /// Every rectification ordered: the round that ordered it, the item's text, it, and its
    /// status today.
    pub rectifications: Vec<(u32, String, Rectification, RectificationStatus)>,
    /// The latest round's signatures (it is signed at the end).
    pub signatures: Vec<Signature>,
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl FinalSheet {
    /// Reads the whole acceptance that round `id` belongs to.
    pub fn load(store: &Store, id: InspectionId, clock: Clock) -> Result<Self, StoreError> {
        let chain = store.chain_of(id)?;
        let latest = chain
            .latest()
            .cloned()
            .ok_or_else(|| StoreError::NotFound {
                what: "验收记录",
                id: id.to_string(),
            })?;
        let header = store.printed_header(&latest)?;
        let first = chain.rounds.first().unwrap_or(&latest);
        let source =
            crate::model::Catalogue::version(&first.catalogue_version).map(|c| c.source.clone());
        let mut fields = header.fields.clone();
        fields.push(("标准版本".to_owned(), first.catalogue_version.clone()));
        fields.push((
            "验收轮次".to_owned(),
            if chain.rounds.len() == 1 {
                format!("1 轮（{}）", date_text(first.inspected_on))
            } else {
                format!(
                    "{} 轮（{} 至 {}）",
                    chain.rounds.len(),
                    date_text(first.inspected_on),
                    date_text(latest.inspected_on)
                )
            },
        ));
        fields.push(("验收人员".to_owned(), latest.inspectors.clone()));
        let (standard_title, standard_clause) = standard_heading(first);
        let members = store.members_for(&latest)?;
        let final_items = chain.effective_items();
        let verdict = round_verdict(&final_items, members.as_deref());
        let today = clock.today();
        let rectifications = store
            .rectifications_of(&chain)?
            .into_iter()
            .map(|r| {
                let round = chain
                    .rounds
                    .iter()
                    .find(|i| i.id == r.inspection_id)
                    .map_or(1, |i| i.round);
                let text = first
                    .item(&r.item_code)
                    .map(|i| i.standard.text.clone())
                    .unwrap_or_else(|| r.item_code.clone());
                let status = chain.status_of(&r, today);
                (round, text, r, status)
            })
            .collect();
        let mut rounds = Vec::new();
        for round in &chain.rounds {
            let signatures = store.signatures(round.id)?;
            let check = store.check_seal_of(round, &signatures)?;
            let verdict = round_verdict(&round.items, store.members_for(round)?.as_deref());
            rounds.push(RoundLine {
                round: round.clone(),
                check,
                verdict,
            });
        }
        Ok(Self {
            subject_name: header.name.clone(),
            is_sample: header.is_sample,
            details: in_pairs(fields),
            standard_title,
            standard_clause,
            signatures: store.signatures(latest.id)?,
            rounds,
            final_items,
            verdict,
            members,
            rectifications,
            issuer: super::issuer::Issuer::of(store)?.for_catalogue(source.as_deref()),
            clock,
        })
    }

    fn latest(&self) -> Option<&RoundLine> {
        self.rounds.last()
    }
}

/// Renders the sheet to PDF bytes.
pub fn render_final_sheet(sheet: &FinalSheet) -> Result<Vec<u8>, ExportError> {
    let Some(latest) = sheet.latest() else {
        return Err(ExportError::NothingToExport(
            "这次验收还没有任何一轮。".to_owned(),
        ));
    };
    let title = sheet.issuer.title(match latest.round.subject {
        Subject::Compound(_) => FINAL_TITLE,
        Subject::Cluster(_) => CLUSTER_FINAL_TITLE,
    });
    let title = title.as_str();
    let mut c = Canvas::new(title, &sheet.clock)?;
    let basis = format!(
        "验收标准：{}　依据：{} {}",
        sheet.standard_title, sheet.issuer.plan_number, sheet.standard_clause
    );
    let mut y = title_block(&mut c, title, &basis, sheet.is_sample);
    y = details_grid(&mut c, y, &sheet.details);
    c.text(
        MARGIN,
        y + 4.0,
        7.5,
        Ink::Grey,
        &format!(
            "记录编号：{}（第 {} 轮）",
            latest.round.id.number(),
            latest.round.round
        ),
    );
    y += 5.0;
    let columns = item_columns(sheet.rounds.len());
    let column_refs: Vec<(&str, f32)> = columns.iter().map(|(t, w)| (t.as_str(), *w)).collect();
    y = captioned_table(
        &mut c,
        y + 2.0,
        "一、逐项验收结果（各轮结果，“—”为该轮未复验的项目；最终结果以最新一轮为准）",
        &column_refs,
        &item_rows(sheet),
    );
    if !sheet.rectifications.is_empty() {
        y = captioned_table(
            &mut c,
            y + 4.0,
            "二、整改情况",
            &RECTIFICATION_COLUMNS,
            &rectification_rows(sheet),
        );
    }
    y = captioned_table(
        &mut c,
        y + 4.0,
        "三、各轮验收与签字确认",
        &ROUND_COLUMNS,
        &round_rows(sheet),
    );
    if let Some(members) = &sheet.members {
        y = captioned_table(
            &mut c,
            y + 4.0,
            "片区内小区验收情况（按最新一轮）",
            &MEMBER_COLUMNS,
            &member_rows(members),
        );
    }
    y = draw_verdict(&mut c, sheet, y + 4.0);
    signature_boxes(
        &mut c,
        y + 4.0,
        &format!("参加验收单位签字（第 {} 轮）", latest.round.round),
        &signer_boxes(&latest.round, &sheet.signatures, &sheet.clock),
    );
    let footer = format!("{title} · {}", sheet.subject_name);
    footers(&mut c, &footer, &whole_mark(sheet, latest));
    Ok(c.finish())
}

/// The sheet is as good as its weakest round: a draft while any round is unsigned, and the
/// latest round's seal with a warning when an earlier round is not as it was signed.
fn whole_mark(sheet: &FinalSheet, latest: &RoundLine) -> PageMark {
    let unsigned: Vec<String> = sheet
        .rounds
        .iter()
        .filter(|l| !l.round.is_signed_off())
        .map(|l| format!("第 {} 轮", l.round.round))
        .collect();
    if !unsigned.is_empty() {
        return PageMark::Draft(format!("草稿 · {}未签字确认", unsigned.join("、")));
    }
    let mut mark = page_mark(&latest.round, &latest.check);
    let earlier: Vec<String> = sheet
        .rounds
        .iter()
        .filter(|l| l.round.id != latest.round.id && l.check.finding().is_some())
        .map(|l| format!("第 {} 轮", l.round.round))
        .collect();
    if let PageMark::Sealed(seal) = &mut mark
        && seal.warning.is_none()
        && !earlier.is_empty()
    {
        seal.warning = Some(format!("警告：{}记录与签字时不符", earlier.join("、")));
    }
    mark
}

/// 序号, 验收标准, 依据, one column per round, 最终结果, 备注: the widths share the page, the
/// round columns narrowing when there are many rounds.
fn item_columns(rounds: usize) -> Vec<(String, f32)> {
    let fixed = [("序号", 10.0), ("验收标准", 40.0), ("依据条款", 30.0)];
    let final_w = 16.0;
    let min_notes = 24.0;
    let used: f32 = fixed.iter().map(|(_, w)| w).sum::<f32>() + final_w;
    let round_w = ((CONTENT_WIDTH - used - min_notes) / rounds.max(1) as f32).min(14.0);
    let mut columns: Vec<(String, f32)> =
        fixed.iter().map(|(t, w)| ((*t).to_owned(), *w)).collect();
    for n in 1..=rounds {
        columns.push((format!("第{n}轮"), round_w));
    }
    columns.push(("最终结果".to_owned(), final_w));
    columns.push((
        "备注".to_owned(),
        CONTENT_WIDTH - used - round_w * rounds as f32,
    ));
    columns
}

fn result_cell(result: Option<ItemResult>) -> Cell {
    let ink = match result {
        Some(ItemResult::Fail) => Ink::Red,
        Some(ItemResult::Pass) => Ink::Green,
        _ => Ink::Black,
    };
    (result.map_or("未判定", ItemResult::label).to_owned(), ink)
}

fn item_rows(sheet: &FinalSheet) -> Vec<Vec<Cell>> {
    sheet
        .final_items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let code = &item.standard.code;
            let standard = if item.standard.required {
                item.standard.text.clone()
            } else {
                format!("{}（选查）", item.standard.text)
            };
            let mut row = vec![
                ((index + 1).to_string(), Ink::Black),
                (format!("{}\n{standard}", item.standard.group), Ink::Black),
                (item.standard.clause.clone(), Ink::Black),
            ];
            for line in &sheet.rounds {
                row.push(match line.round.item(code) {
                    Some(in_round) => result_cell(in_round.result),
                    None => ("—".to_owned(), Ink::Grey),
                });
            }
            row.push(result_cell(item.result));
            // The latest remark that says something.
            let remark = sheet
                .rounds
                .iter()
                .rev()
                .filter_map(|l| l.round.item(code))
                .map(|i| i.remark.trim())
                .find(|r| !r.is_empty())
                .unwrap_or_default();
            row.push((remark.to_owned(), Ink::Black));
            row
        })
        .collect()
}

const RECTIFICATION_COLUMNS: [(&str, f32); 6] = [
    ("下达轮次", 16.0),
    ("整改项目", 34.0),
    ("整改要求", 44.0),
    ("责任单位", 28.0),
    ("期限", 30.0),
    ("整改结果", 28.0),
];

fn rectification_rows(sheet: &FinalSheet) -> Vec<Vec<Cell>> {
    sheet
        .rectifications
        .iter()
        .map(|(round, text, r, status)| {
            let ink = match status {
                RectificationStatus::Closed => Ink::Green,
                RectificationStatus::Overdue => Ink::Red,
                RectificationStatus::Open => Ink::Black,
            };
            vec![
                (format!("第 {round} 轮"), Ink::Black),
                (text.clone(), Ink::Black),
                (r.requirement.clone(), Ink::Black),
                (r.responsible_unit.clone(), Ink::Black),
                (date_text(r.deadline), Ink::Black),
                (status.label().to_owned(), ink),
            ]
        })
        .collect()
}

const ROUND_COLUMNS: [(&str, f32); 7] = [
    ("轮次", 15.0),
    ("类型", 17.0),
    ("验收日期", 28.0),
    ("验收人员", 30.0),
    ("本轮结论", 18.0),
    ("签字确认", 40.0),
    ("校验码", 32.0),
];

fn round_rows(sheet: &FinalSheet) -> Vec<Vec<Cell>> {
    sheet
        .rounds
        .iter()
        .map(|line| {
            let round = &line.round;
            let verdict = &line.verdict;
            let signed = match &round.signed_off_at {
                Some(at) => (format!("已锁定\n{}", sheet.clock.time_text(at)), Ink::Black),
                None => ("未签字确认".to_owned(), Ink::Red),
            };
            let code = match &line.check {
                SealCheck::NotSealed => ("—".to_owned(), Ink::Black),
                SealCheck::Intact { code } => (code.clone(), Ink::Black),
                other => (
                    format!(
                        "警告：记录{}",
                        other
                            .finding()
                            .map(|f| f.summary())
                            .unwrap_or("与签字时不符")
                    ),
                    Ink::Red,
                ),
            };
            vec![
                (format!("第 {} 轮", round.round), Ink::Black),
                (round.kind.label().to_owned(), Ink::Black),
                (date_text(round.inspected_on), Ink::Black),
                (round.inspectors.clone(), Ink::Black),
                (verdict.label().to_owned(), verdict_ink(verdict)),
                signed,
                code,
            ]
        })
        .collect()
}

fn verdict_ink(verdict: &Verdict) -> Ink {
    match verdict {
        Verdict::Passed => Ink::Green,
        Verdict::Failed { .. } => Ink::Red,
        Verdict::Incomplete { .. } => Ink::Black,
    }
}

/// 最终结论, counted over the final findings, with any round that is not as it was signed.
fn draw_verdict(c: &mut Canvas, sheet: &FinalSheet, top: f32) -> f32 {
    let items = &sheet.final_items;
    let count = |r| items.iter().filter(|i| i.result == Some(r)).count();
    let undecided = items.iter().filter(|i| i.result.is_none()).count();
    let mut body = format!(
        "经 {} 轮验收，共 {} 项：合格 {} 项，不合格 {} 项，不适用 {} 项，未判定 {} 项。\n{}",
        sheet.rounds.len(),
        items.len(),
        count(ItemResult::Pass),
        count(ItemResult::Fail),
        count(ItemResult::NotApplicable),
        undecided,
        sheet.verdict.explanation()
    );
    let unsigned: Vec<String> = sheet
        .rounds
        .iter()
        .filter(|l| !l.round.is_signed_off())
        .map(|l| format!("第 {} 轮", l.round.round))
        .collect();
    if !unsigned.is_empty() {
        body.push_str(&format!(
            "\n{}尚未签字确认，本表为草稿。",
            unsigned.join("、")
        ));
    }
    for line in &sheet.rounds {
        if let Some(finding) = line.check.finding() {
            body.push_str(&format!(
                "\n警告：第 {} 轮记录{}。",
                line.round.round,
                finding.summary()
            ));
        }
    }
    text_box(
        c,
        top,
        &[
            ("最终结论：".to_owned(), Ink::Black),
            (
                sheet.verdict.label().to_owned(),
                verdict_ink(&sheet.verdict),
            ),
        ],
        &body,
    )
}
