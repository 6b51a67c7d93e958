//! The month's 观摩安排 (附件2 三、（三）) as a printable PDF, and the quarter's 考评表
//! (三、（四）) as an .xlsx: every unit's score with the evidence the records hold, the ranking
//! and the 通报表扬/批评 list.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::ExportError;
use super::canvas::{Canvas, Ink};
use super::layout::{
    Cell, PageMark, captioned_table, footers, placeholder_row, text_box, title_block,
};
use super::workbook::{Styles, sheet_with_header};
use crate::model::policy_rule::PolicyRules;
use crate::model::rhythm::{
    Month, ObservationStop, Quarter, QuarterScore, Ranked, UnitEvidence, ranking,
};
use crate::model::{Clock, date_text};
use crate::store::{Store, StoreError};

pub const OBSERVATION_TITLE: &str = "城镇老旧小区改造提质工作月观摩安排";

/// The month's route, owned.
#[derive(Clone, Debug)]
pub struct ObservationPlan {
    pub month: Month,
    pub stops: Vec<ObservationStop>,
    /// Each stop's progress as the candidates list has it.
    pub stages: Vec<String>,
    pub is_sample: bool,
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl ObservationPlan {
    pub fn load(store: &Store, month: Month, clock: Clock) -> Result<Self, StoreError> {
        let stops = store.observation_route(month)?;
        let candidates = store.observation_candidates(month)?;
        let stages = stops
            .iter()
            .map(|s| {
                candidates
                    .iter()
                    .find(|c| c.compound == s.compound)
                    .map(|c| {
                        format!(
                            "{}\n已完成 {} 步，证据 {} 份",
                            c.stage, c.steps_done, c.evidence_files
                        )
                    })
                    .unwrap_or_default()
            })
            .collect();
        Ok(Self {
            month,
            stops,
            stages,
            is_sample: store.has_only_sample()?,
            issuer: super::issuer::Issuer::of(store)?,
            clock,
        })
    }
}

const ROUTE_COLUMNS: [(&str, f32); 5] = [
    ("站次", 12.0),
    ("小区（乡镇）", 40.0),
    ("地址", 36.0),
    ("观摩要点", 52.0),
    ("改造进展", 40.0),
];

pub fn render_observation_plan(plan: &ObservationPlan) -> Result<Vec<u8>, ExportError> {
    let title = plan.issuer.title(OBSERVATION_TITLE);
    let mut c = Canvas::new(&title, &plan.clock)?;
    let y = title_block(
        &mut c,
        &title,
        &format!(
            "{} · {} · 依据{}附件2 三、（三）",
            plan.month.label(),
            plan.issuer.office,
            plan.issuer.plan_number
        ),
        plan.is_sample,
    );
    let y = text_box(
        &mut c,
        y + 2.0,
        &[("观摩安排".to_owned(), Ink::Black)],
        &format!(
            "观摩时间：________________　集合地点：________________\n参加单位：所有老旧小区改造相关单位。\n观摩路线：{}。\n观摩后各单位总结经验、查找问题，提出改进意见，报{}。",
            if plan.stops.is_empty() {
                "尚未确定".to_owned()
            } else {
                plan.stops
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(" → ")
            },
            plan.issuer.office
        ),
    );
    let rows: Vec<Vec<Cell>> = if plan.stops.is_empty() {
        vec![placeholder_row(ROUTE_COLUMNS.len(), "本月尚未选定观摩小区")]
    } else {
        plan.stops
            .iter()
            .zip(&plan.stages)
            .map(|(s, stage)| {
                vec![
                    (format!("第 {} 站", s.position), Ink::Black),
                    (format!("{}\n（{}）", s.name, s.town), Ink::Black),
                    (s.address.clone(), Ink::Black),
                    (s.reason.clone(), Ink::Black),
                    (stage.clone(), Ink::Black),
                ]
            })
            .collect()
    };
    captioned_table(&mut c, y + 4.0, "观摩路线", &ROUTE_COLUMNS, &rows);
    footers(
        &mut c,
        &format!(
            "{title} · {} · 制表 {}",
            plan.month.label(),
            date_text(plan.clock.today())
        ),
        &PageMark::Plain,
    );
    Ok(c.finish())
}

/// The quarter's scores with their evidence, owned.
#[derive(Clone, Debug)]
pub struct QuarterSheet {
    pub quarter: Quarter,
    pub scores: Vec<QuarterScore>,
    /// Each score's evidence, in the same order.
    pub evidence: Vec<UnitEvidence>,
    pub rules: PolicyRules,
    /// The county's 附件2: its kinds of unit by name and the scale of a score.
    pub rhythm: crate::model::policy_pack::Rhythm,
}

impl QuarterSheet {
    pub fn load(store: &Store, quarter: Quarter) -> Result<Self, StoreError> {
        let scores = store.quarter_scores(quarter)?;
        let units: Vec<&str> = scores.iter().map(|s| s.unit.as_str()).collect();
        let evidence = store.quarter_evidence(quarter, &units)?;
        Ok(Self {
            quarter,
            scores,
            evidence,
            rules: store.policy_rules()?,
            rhythm: store.policy_pack()?.meta.rhythm.clone(),
        })
    }

    pub fn ranking(&self) -> Vec<Ranked> {
        ranking(&self.scores, self.rules.quarter)
    }
}

pub fn render_quarter_workbook(q: &QuarterSheet) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::default();
    let (text, number) = (&styles.text, &styles.number);
    let mut book = Workbook::new();
    let scale = q.rhythm.score;
    let (duties, role, results, progress) = (
        format!("履行职责（{}）", scale.duties),
        format!("发挥作用（{}）", scale.role),
        format!("工作成效（{}）", scale.results),
        format!("工程进度（{}）", scale.progress),
    );
    let columns = [
        ("名次", 8.0),
        ("单位", 26.0),
        ("类别", 14.0),
        (duties.as_str(), 14.0),
        (role.as_str(), 14.0),
        (results.as_str(), 14.0),
        (progress.as_str(), 14.0),
        ("总分", 8.0),
        ("通报", 12.0),
        ("报送日报（天）", 14.0),
        ("逾期未整改（项）", 16.0),
        ("记录步骤（个）", 14.0),
        ("其中按期（个）", 14.0),
        ("说明", 30.0),
    ];
    let ws = sheet_with_header(&mut book, "考评排名", &columns, &styles)?;
    let ranked = q.ranking();
    let mut row = 1u32;
    let unranked = q.scores.iter().filter(|s| s.total().is_none());
    let lines = ranked
        .iter()
        .map(|r| (Some(r), &r.score))
        .chain(unranked.map(|s| (None, s)));
    for (r, s) in lines {
        match r {
            Some(r) => ws.write_number_with_format(row, 0, r.rank as f64, number)?,
            None => ws.write_string_with_format(row, 0, "未评完", text)?,
        };
        ws.write_string_with_format(row, 1, &s.unit, text)?;
        let kind = s.kind.map_or("", |k| k.name_in(&q.rhythm));
        ws.write_string_with_format(row, 2, kind, text)?;
        for (col, v) in [(3, s.duties), (4, s.role), (5, s.results), (6, s.progress)] {
            match v {
                Some(v) => ws.write_number_with_format(row, col, f64::from(v), number)?,
                None => ws.write_blank(row, col, text)?,
            };
        }
        match r {
            Some(r) => {
                ws.write_number_with_format(row, 7, f64::from(r.total), number)?;
                ws.write_string_with_format(row, 8, r.mention.map_or("", |m| m.label()), text)?;
            }
            None => {
                ws.write_blank(row, 7, text)?;
                ws.write_blank(row, 8, text)?;
            }
        }
        let e = q
            .scores
            .iter()
            .position(|x| x.id == s.id)
            .and_then(|i| q.evidence.get(i))
            .cloned()
            .unwrap_or_default();
        for (col, v) in [
            (9, e.reports_filed),
            (10, e.overdue_rectifications),
            (11, e.steps_recorded),
            (12, e.steps_on_time),
        ] {
            ws.write_number_with_format(row, col, v as f64, number)?;
        }
        ws.write_string_with_format(row, 13, &s.note, text)?;
        row += 1;
    }
    row += 1;
    let thresholds = q.rules.quarter;
    ws.write_string(
        row,
        1,
        format!(
            "{} · 总分 {} 分及以上通报表扬、低于 {} 分通报批评（本地规则：{}未规定分数线）",
            q.quarter.label(),
            thresholds.praise_at,
            thresholds.criticise_below,
            q.rhythm.clause
        ),
    )?;
    book.save_to_buffer()
}
