//! The printed acceptance sheet (验收单) of one inspection: A4, item table with wrapped text and
//! a repeated header, the verdict, signature boxes for every participating unit (with the
//! strokes signed on screen), page numbers, and on a signed-off sheet the seal (校验码 + QR).

use super::ExportError;
use super::canvas::{Canvas, Ink, PAGE_WIDTH};
use super::layout::{
    Cell, MARGIN, PageMark, SealMark, SignerBox, captioned_table, details_grid, ensure_space,
    footers, placeholder_row, signature_boxes, table, text_box, title_block,
};
use crate::model::{
    Catalogue, Clock, Inspection, InspectionId, ItemResult, MemberAcceptance, MemberStatus,
    Rectification, RectificationStatus, RoundKind, SealCheck, SignMethod, Signature, Subject,
    Verdict, cluster_acceptance::round_verdict, date_text,
};
use crate::store::{PhotoMeta, Store, StoreError};

/// The compound sheet's title, after the county's name.
pub const SHEET_TITLE: &str = "城镇老旧小区改造提质工程验收单";
/// The cluster sheet's title, after the county's name.
pub const CLUSTER_SHEET_TITLE: &str = "城镇老旧小区组团连片改造提质片区验收单";

/// Item table columns: title and width in mm (sums to `CONTENT_WIDTH`).
const COLUMNS: [(&str, f32); 6] = [
    ("序号", 10.0),
    ("类别", 12.0),
    ("验收标准", 40.0),
    ("依据条款", 57.0),
    ("结果", 14.0),
    ("备注", 47.0),
];

/// Everything one sheet shows, owned, so it can be rendered on another thread.
#[derive(Clone, Debug)]
pub struct AcceptanceSheet {
    /// The compound's or the cluster's name.
    pub subject_name: String,
    /// 示例 training data.
    pub is_sample: bool,
    /// The details grid: the compound or cluster (as printed at sign-off), then the round.
    pub details: Vec<[(String, String); 2]>,
    pub inspection: Inspection,
    /// This round's verdict (for a cluster, with its members' acceptances).
    pub verdict: Verdict,
    /// For a cluster acceptance: each member compound's acceptance (as sealed, once signed off).
    pub members: Option<Vec<MemberAcceptance>>,
    /// e.g. 小区改造标准「三入、四通、四有、两整」.
    pub standard_title: String,
    pub standard_clause: String,
    pub signatures: Vec<Signature>,
    /// For a signed-off record: how it compares with its seal now.
    pub seal_check: SealCheck,
    /// Rectifications ordered in this round: (item text, rectification, status today).
    pub rectifications: Vec<(String, Rectification, RectificationStatus)>,
    /// The photos of this round, with their thumbnails, for the appendix.
    pub photos: Vec<PhotoMeta>,
    /// For a re-inspection: the photos of earlier rounds of the re-checked items (整改前).
    pub earlier_photos: Vec<(u32, PhotoMeta)>,
    /// When it is printed, and in which time zone times are shown.
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl AcceptanceSheet {
    /// Reads what the sheet of inspection `id` needs, printed at `clock`'s moment.
    pub fn load(store: &Store, id: InspectionId, clock: Clock) -> Result<Self, StoreError> {
        let inspection = store.inspection(id)?;
        // The head as printed: frozen at sign-off, so a signed sheet reprints as it was signed.
        let header = store.printed_header(&inspection)?;
        let members = store.members_for(&inspection)?;
        let mut fields = header.fields.clone();
        fields.push(("标准版本".to_owned(), inspection.catalogue_version.clone()));
        fields.push(("验收日期".to_owned(), date_text(inspection.inspected_on)));
        fields.push(("验收人员".to_owned(), inspection.inspectors.clone()));
        let details = in_pairs(fields);
        let (subject_name, is_sample) = (header.name.clone(), header.is_sample);
        let (standard_title, standard_clause) = standard_heading(&inspection);
        let verdict = round_verdict(&inspection.items, members.as_deref());
        let chain = store.chain_of(id)?;
        let today = clock.today();
        let rectifications = store
            .rectifications_of(&chain)?
            .into_iter()
            .filter(|r| r.inspection_id == id)
            .map(|r| {
                let text = inspection
                    .item(&r.item_code)
                    .map(|i| i.standard.text.clone())
                    .unwrap_or_default();
                let status = chain.status_of(&r, today);
                (text, r, status)
            })
            .collect();
        let signatures = store.signatures(id)?;
        // Only the items this round re-checks.
        let earlier_photos = store
            .earlier_photos(&chain, id)?
            .into_iter()
            .filter(|(_, p)| inspection.item(&p.item_code).is_some())
            .collect();
        let source = crate::model::Catalogue::version(&inspection.catalogue_version)
            .map(|c| c.source.clone());
        Ok(Self {
            earlier_photos,
            photos: store.photos_of(id)?,
            rectifications,
            seal_check: store.check_seal_of(&inspection, &signatures)?,
            signatures,
            subject_name,
            is_sample,
            details,
            verdict,
            members,
            inspection,
            standard_title,
            standard_clause,
            issuer: super::issuer::Issuer::of(store)?.for_catalogue(source.as_deref()),
            clock,
        })
    }
}

/// (label, value) fields two to a row, for `details_grid`.
pub(super) fn in_pairs(fields: Vec<(String, String)>) -> Vec<[(String, String); 2]> {
    fields
        .chunks(2)
        .map(|pair| match pair {
            [a, b] => [a.clone(), b.clone()],
            [a] => [a.clone(), (String::new(), String::new())],
            _ => unreachable!("chunks of two"),
        })
        .collect()
}

/// The standards a round was judged by, e.g. 小区改造标准「三入、四通、四有、两整」, and the
/// clause they come from.
pub(super) fn standard_heading(round: &Inspection) -> (String, String) {
    let Some(catalogue) = Catalogue::version(&round.catalogue_version) else {
        return (round.standard_id.clone(), String::new());
    };
    let standards: Vec<_> = catalogue
        .standards
        .iter()
        .filter(|s| s.applies_to == round.subject.kind())
        .collect();
    let title = standards
        .iter()
        .map(|s| {
            if s.name.contains(&s.motto) {
                s.name.clone()
            } else {
                format!("{}「{}」", s.name, s.motto)
            }
        })
        .collect::<Vec<_>>()
        .join("、");
    let clause = standards
        .first()
        .map(|s| s.clause.clone())
        .unwrap_or_default();
    (title, clause)
}

/// Renders the sheet to PDF bytes.
pub fn render_acceptance_sheet(sheet: &AcceptanceSheet) -> Result<Vec<u8>, ExportError> {
    let title = sheet.issuer.title(match sheet.inspection.subject {
        Subject::Compound(_) => SHEET_TITLE,
        Subject::Cluster(_) => CLUSTER_SHEET_TITLE,
    });
    let title = title.as_str();
    let mut c = Canvas::new(title, &sheet.clock)?;
    let round = match sheet.inspection.kind {
        RoundKind::First => String::new(),
        kind => format!("第 {} 轮{}　", sheet.inspection.round, kind.label()),
    };
    let basis = format!(
        "{round}验收标准：{}　依据：{} {}",
        sheet.standard_title, sheet.issuer.plan_number, sheet.standard_clause
    );
    let mut y = title_block(&mut c, title, &basis, sheet.is_sample);
    y = details_grid(&mut c, y, &sheet.details);
    if sheet.inspection.kind == RoundKind::Correction {
        y = text_box(
            &mut c,
            y + 2.0,
            &[("更正原因".to_owned(), Ink::Black)],
            &format!(
                "{}\n（原记录保持不变；本轮沿用原结果逐项核对后重新签字，结论以本轮为准。）",
                sheet.inspection.reason
            ),
        );
    }
    c.text(
        MARGIN,
        y + 4.0,
        7.5,
        Ink::Grey,
        &format!("记录编号：{}", sheet.inspection.id.number()),
    );
    y += 9.0;
    y = table(&mut c, y, &COLUMNS, &item_rows(sheet));
    y += 4.0;
    y = draw_verdict(&mut c, sheet, y);
    if let Some(members) = &sheet.members {
        let heading = if sheet.inspection.is_signed_off() {
            "片区内小区验收情况（签字确认时）"
        } else {
            "片区内小区验收情况"
        };
        y = captioned_table(
            &mut c,
            y + 4.0,
            heading,
            &MEMBER_COLUMNS,
            &member_rows(members),
        );
    }
    if !sheet.rectifications.is_empty() {
        y = table(
            &mut c,
            y + 4.0,
            &RECTIFICATION_COLUMNS,
            &rectification_rows(sheet),
        );
    }
    signature_boxes(
        &mut c,
        y + 4.0,
        "参加验收单位签字",
        &signer_boxes(&sheet.inspection, &sheet.signatures, &sheet.clock),
    );
    if !sheet.photos.is_empty() || !sheet.earlier_photos.is_empty() {
        photo_appendix(&mut c, sheet);
    }
    let footer = format!("{title} · {}", sheet.subject_name);
    footers(
        &mut c,
        &footer,
        &page_mark(&sheet.inspection, &sheet.seal_check),
    );
    Ok(c.finish())
}

/// 照片附录: every photo's thumbnail with its item code, when it was taken and the file name.
fn photo_appendix(c: &mut Canvas, sheet: &AcceptanceSheet) {
    const PER_ROW: usize = 3;
    let cell_w = (PAGE_WIDTH - 2.0 * MARGIN) / PER_ROW as f32;
    let image_w = cell_w - 6.0;
    // A re-inspection shows each item's photos before (earlier rounds) and after the
    // rectification; a correction shows the corrected record's photos beside its own.
    let (before, after) = match sheet.inspection.kind {
        RoundKind::First => ("", ""),
        RoundKind::Reinspection => ("整改前", "整改后 "),
        RoundKind::Correction => ("原记录", "本轮 "),
    };
    let entries: Vec<(String, &PhotoMeta)> = sheet
        .earlier_photos
        .iter()
        .map(|(round, p)| (format!("{before}（第 {round} 轮） "), p))
        .chain(sheet.photos.iter().map(|p| (after.to_owned(), p)))
        .collect();
    c.new_page();
    c.text(MARGIN, MARGIN + 6.0, 12.0, Ink::Black, "照片附录");
    let mut y = MARGIN + 10.0;
    for row in entries.chunks(PER_ROW) {
        let decoded: Vec<_> = row
            .iter()
            .map(|(_, p)| crate::model::photo::decode_rgb(&p.thumbnail))
            .collect();
        let tallest = decoded
            .iter()
            .flatten()
            .map(|(w, h, _)| image_w * *h as f32 / (*w).max(1) as f32)
            .fold(0.0_f32, f32::max);
        let row_h = tallest + 12.0;
        y = ensure_space(c, y, row_h);
        for (i, ((label, photo), rgb)) in row.iter().zip(decoded).enumerate() {
            let x = MARGIN + i as f32 * cell_w;
            if let Some(rgb) = rgb {
                c.image(x, y, image_w, rgb);
            }
            let item = sheet
                .inspection
                .item(&photo.item_code)
                .map_or(String::new(), |i| i.standard.text.clone());
            let caption = format!("{label}{} {item}", photo.item_code);
            c.text(x, y + tallest + 4.0, 7.5, Ink::Black, &caption);
            let when = photo
                .taken_at
                .as_deref()
                .map_or("拍摄时间不详".to_owned(), |t| {
                    format!("拍摄 {}", crate::model::camera_time_text(t))
                });
            c.text(
                x,
                y + tallest + 8.0,
                6.5,
                Ink::Grey,
                &format!("{when} · {}", photo.file_name),
            );
        }
        y += row_h;
    }
}

/// The rectification list's columns (sums to the content width).
const RECTIFICATION_COLUMNS: [(&str, f32); 5] = [
    ("整改项目", 32.0),
    ("问题", 42.0),
    ("整改要求", 48.0),
    ("责任单位", 28.0),
    ("期限", 30.0),
];

fn rectification_rows(sheet: &AcceptanceSheet) -> Vec<Vec<Cell>> {
    sheet
        .rectifications
        .iter()
        .map(|(text, r, status)| {
            let problem = sheet
                .inspection
                .item(&r.item_code)
                .map(|i| i.remark.clone())
                .unwrap_or_default();
            let ink = if *status == RectificationStatus::Overdue {
                Ink::Red
            } else {
                Ink::Black
            };
            vec![
                (text.clone(), Ink::Black),
                (problem, Ink::Black),
                (r.requirement.clone(), Ink::Black),
                (r.responsible_unit.clone(), Ink::Black),
                (
                    format!("{}\n{}", date_text(r.deadline), status.label()),
                    ink,
                ),
            ]
        })
        .collect()
}

/// The 整改通知单: the open rectifications of a round, to hand to the responsible units.
pub fn render_rectification_notice(sheet: &AcceptanceSheet) -> Result<Vec<u8>, ExportError> {
    let notice_title = sheet.issuer.title("城镇老旧小区改造提质工程整改通知单");
    let notice_title = notice_title.as_str();
    let mut c = Canvas::new(notice_title, &sheet.clock)?;
    let subtitle = format!(
        "依据：{} {}“发现问题及时整改”　验收日期 {}　第 {} 轮",
        sheet.issuer.plan_number,
        sheet.issuer.acceptance_clause,
        date_text(sheet.inspection.inspected_on),
        sheet.inspection.round
    );
    let mut y = title_block(&mut c, notice_title, &subtitle, sheet.is_sample);
    y = details_grid(&mut c, y, &sheet.details[..2]);
    y += 4.0;
    let open: Vec<Vec<Cell>> = rectification_rows(sheet)
        .into_iter()
        .zip(&sheet.rectifications)
        .filter(|(_, (_, _, status))| *status != RectificationStatus::Closed)
        .map(|(row, _)| row)
        .collect();
    y = if open.is_empty() {
        text_box(
            &mut c,
            y,
            &[("整改事项".to_owned(), Ink::Black)],
            "本轮没有未完成的整改。",
        )
    } else {
        table(&mut c, y, &RECTIFICATION_COLUMNS, &open)
    };
    let body = "请责任单位按期完成整改，完成后报告，由验收组对整改项目复验。逾期未完成的，纳入季度考评（附件2）。";
    y = text_box(&mut c, y + 4.0, &[("要求".to_owned(), Ink::Black)], body);
    let signers: Vec<SignerBox> = ["验收组（签发）", "责任单位（签收）"]
        .iter()
        .map(|t| SignerBox {
            title: (*t).to_owned(),
            ..SignerBox::default()
        })
        .collect();
    signature_boxes(&mut c, y + 4.0, "签发与签收", &signers);
    footers(
        &mut c,
        &format!("{notice_title} · {}", sheet.subject_name),
        &PageMark::Plain,
    );
    Ok(c.finish())
}

/// One box per participating unit of `round`: who signed, how and when (in local time), and
/// the strokes and the date of a signature made on screen.
pub(super) fn signer_boxes(
    round: &Inspection,
    signatures: &[Signature],
    clock: &Clock,
) -> Vec<SignerBox> {
    round
        .parties
        .iter()
        .enumerate()
        .map(|(position, unit)| {
            let signature = signatures.iter().find(|s| s.position as usize == position);
            let on_screen = |s: &&Signature| matches!(s.method, SignMethod::Drawn(_));
            SignerBox {
                title: format!("{unit}（盖章）"),
                signed: signature.map(|s| {
                    let how = match s.method {
                        SignMethod::Drawn(_) => "屏幕签字",
                        SignMethod::WetInk => "纸质签字",
                    };
                    format!("{} · {how} · {}", s.signer, clock.time_text(&s.signed_at))
                }),
                strokes: match signature.map(|s| &s.method) {
                    Some(SignMethod::Drawn(strokes)) => strokes.clone(),
                    _ => Vec::new(),
                },
                date: signature
                    .filter(on_screen)
                    .and_then(|s| clock.date_of(&s.signed_at))
                    .map(date_text),
            }
        })
        .collect()
}

/// What every page of `round`'s sheet is marked with: its seal once signed off, else that it
/// is a draft.
pub(super) fn page_mark(round: &Inspection, check: &SealCheck) -> PageMark {
    let qr_text = |code: &str| crate::model::signoff::SheetQr::text(code, &round.id.to_string());
    let fingerprint = round
        .signer
        .as_ref()
        .map(|s| crate::model::device_key::fingerprint(&s.public_key));
    match check {
        SealCheck::NotSealed => {
            let undecided = round.items.len() - round.decided_count();
            PageMark::Draft(if undecided > 0 {
                format!("草稿 · 尚有 {undecided} 项未判定 · 未签字确认")
            } else {
                "草稿 · 未签字确认".to_owned()
            })
        }
        SealCheck::Intact { code } => PageMark::Sealed(SealMark {
            code: code.clone(),
            qr_text: qr_text(code),
            warning: None,
            fingerprint,
        }),
        other => {
            let Some(finding) = other.finding() else {
                return PageMark::Plain;
            };
            let code = match finding.code() {
                Some(code) => code.to_owned(),
                None => round
                    .seal
                    .as_deref()
                    .map(crate::model::signoff::short_code)
                    .unwrap_or_default(),
            };
            PageMark::Sealed(SealMark {
                qr_text: qr_text(&code),
                code,
                warning: Some(format!("警告：记录{}，与签字时不符", finding.summary())),
                fingerprint,
            })
        }
    }
}

/// The member table's columns (sums to the content width).
pub(super) const MEMBER_COLUMNS: [(&str, f32); 4] = [
    ("序号", 12.0),
    ("小区名称", 78.0),
    ("小区验收情况", 50.0),
    ("校验码", 40.0),
];

/// A member's acceptance status on paper: green accepted, red failed.
pub(super) fn member_status_ink(status: MemberStatus) -> Ink {
    match status {
        MemberStatus::Accepted => Ink::Green,
        MemberStatus::Failed => Ink::Red,
        MemberStatus::NotInspected | MemberStatus::InProgress => Ink::Black,
    }
}

pub(super) fn member_rows(members: &[MemberAcceptance]) -> Vec<Vec<Cell>> {
    if members.is_empty() {
        return vec![placeholder_row(MEMBER_COLUMNS.len(), "片区内还没有小区")];
    }
    members
        .iter()
        .enumerate()
        .map(|(index, m)| {
            vec![
                ((index + 1).to_string(), Ink::Black),
                (m.name.clone(), Ink::Black),
                (m.status.label().to_owned(), member_status_ink(m.status)),
                (m.code.clone().unwrap_or_else(|| "—".to_owned()), Ink::Black),
            ]
        })
        .collect()
}

fn item_rows(sheet: &AcceptanceSheet) -> Vec<Vec<Cell>> {
    sheet
        .inspection
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let standard = if item.standard.required {
                item.standard.text.clone()
            } else {
                format!("{}（选查）", item.standard.text)
            };
            let result_ink = match item.result {
                Some(ItemResult::Fail) => Ink::Red,
                Some(ItemResult::Pass) => Ink::Green,
                _ => Ink::Black,
            };
            vec![
                ((index + 1).to_string(), Ink::Black),
                (item.standard.group.clone(), Ink::Black),
                (standard, Ink::Black),
                (item.standard.clause.clone(), Ink::Black),
                (
                    item.result.map_or("未判定", ItemResult::label).to_owned(),
                    result_ink,
                ),
                (item.remark.clone(), Ink::Black),
            ]
        })
        .collect()
}

/// The overall verdict, with the failing items named.
fn draw_verdict(c: &mut Canvas, sheet: &AcceptanceSheet, top: f32) -> f32 {
    let items = &sheet.inspection.items;
    let verdict = &sheet.verdict;
    let count = |r| items.iter().filter(|i| i.result == Some(r)).count();
    let body = format!(
        "共 {} 项：合格 {} 项，不合格 {} 项，不适用 {} 项，未判定 {} 项。\n{}",
        items.len(),
        count(ItemResult::Pass),
        count(ItemResult::Fail),
        count(ItemResult::NotApplicable),
        items.len() - sheet.inspection.decided_count(),
        verdict.explanation()
    );
    let ink = match verdict {
        Verdict::Passed => Ink::Green,
        Verdict::Failed { .. } => Ink::Red,
        Verdict::Incomplete { .. } => Ink::Black,
    };
    text_box(
        c,
        top,
        &[
            ("验收结论：".to_owned(), Ink::Black),
            (verdict.label().to_owned(), ink),
        ],
        &body,
    )
}
