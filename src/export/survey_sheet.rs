//! The printed survey form (调查表) of one survey round: every answer, the eligibility finding
//! clause by clause, the needs list, and signature lines for the surveyor and the community.

use super::ExportError;
use super::canvas::{Canvas, Ink};
use super::layout::{
    Cell, PageMark, SignerBox, details_grid, footers, signature_boxes, table, text_box, title_block,
};
use crate::model::{
    Choice, Clock, Compound, CompoundSurvey, Condition, Eligibility, EligibilityFacts,
    EligibilityReport, Finding, SurveyCatalogue, SurveyId, assess, date_text, needs_list,
};
use crate::store::{Store, StoreError};

pub const SURVEY_TITLE: &str = "城镇老旧小区改造调查表";

/// Everything the survey form shows, owned.
#[derive(Clone, Debug)]
pub struct SurveySheet {
    pub compound: Compound,
    pub town_name: String,
    pub cluster_name: String,
    pub survey: CompoundSurvey,
    pub eligibility: EligibilityReport,
    /// The clause the eligibility rules come from, as the file's pack says it.
    pub eligibility_clause: String,
    /// When it is printed.
    /// The county and plan it is issued under (the file's pack).
    pub issuer: super::issuer::Issuer,
    pub clock: Clock,
}

impl SurveySheet {
    pub fn load(store: &Store, id: SurveyId, clock: Clock) -> Result<Self, StoreError> {
        let survey = store.survey(id)?;
        let compound = store.compound(survey.compound_id)?;
        let (town_name, cluster_name) = store.places_of(&compound)?;
        let eligibility = assess(
            &EligibilityFacts::gather(
                compound.year_built,
                compound.cluster_id.is_some(),
                compound.households,
                Some(&survey),
            )
            .with_owner(&compound.owner_unit)
            .with_rules(&store.policy_rules()?),
        );
        let source = crate::model::SurveyCatalogue::version(&survey.catalogue_version)
            .map(|c| c.source.clone());
        Ok(Self {
            compound,
            town_name,
            cluster_name,
            survey,
            eligibility,
            eligibility_clause: store.eligibility_clause()?,
            issuer: super::issuer::Issuer::of(store)?.for_catalogue(source.as_deref()),
            clock,
        })
    }
}

const ITEM_COLUMNS: [(&str, f32); 5] = [
    ("类别", 22.0),
    ("项目", 34.0),
    ("现状", 14.0),
    ("存在问题", 58.0),
    ("备注", 52.0),
];

fn or_dash(text: String) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text
    }
}

/// Renders the survey form to PDF bytes.
pub fn render_survey_sheet(sheet: &SurveySheet) -> Result<Vec<u8>, ExportError> {
    let catalogue = SurveyCatalogue::version(&sheet.survey.catalogue_version)
        .unwrap_or_else(SurveyCatalogue::current);
    let s = &sheet.survey;
    let c0 = &sheet.compound;
    let title = sheet.issuer.title(SURVEY_TITLE);
    let mut c = Canvas::new(&title, &sheet.clock)?;
    let subtitle = format!(
        "第 {} 轮调查　依据：{} 二、（一）（三）　目录版本 {}",
        s.round, sheet.issuer.plan_number, s.catalogue_version
    );
    let mut y = title_block(&mut c, &title, &subtitle, c0.is_sample);

    let n = |v: Option<u32>, unit: &str| v.map_or("—".to_owned(), |n| format!("{n} {unit}"));
    let (filled, total) = s.completeness();
    let rows = [
        [
            ("小区名称", c0.name.clone()),
            ("所属乡镇", or_dash(sheet.town_name.clone())),
        ],
        [
            ("小区地址", or_dash(c0.address.clone())),
            ("产权单位", or_dash(c0.owner_unit.clone())),
        ],
        [
            (
                "建成年份",
                c0.year_built.map_or("—".to_owned(), |y| format!("{y} 年")),
            ),
            ("所属片区", or_dash(sheet.cluster_name.clone())),
        ],
        [
            ("楼栋数", n(c0.buildings, "栋")),
            ("楼层数", n(s.floors, "层")),
        ],
        [
            ("总户数", n(c0.households, "户")),
            (
                "建筑面积",
                s.floor_area.map_or("—".to_owned(), |a| format!("{a} ㎡")),
            ),
        ],
        [
            (
                "物业管理",
                s.management_mode.map_or("—", Choice::label).to_owned(),
            ),
            (
                "结构安全",
                s.structural_safety.map_or("—", Choice::label).to_owned(),
            ),
        ],
        [
            (
                "拆除重建",
                match s.demolition_suitable {
                    Some(true) => "适宜整体拆除重建".to_owned(),
                    Some(false) => "不宜整体拆除重建".to_owned(),
                    None => "—".to_owned(),
                },
            ),
            ("同意户数", n(s.households_in_favour, "户")),
        ],
        [
            ("意愿征集", or_dash(s.willingness_method.clone())),
            ("填写进度", format!("已填 {filled}/{total}")),
        ],
        [
            ("调查日期", date_text(s.surveyed_on)),
            ("调查人", or_dash(s.surveyors.clone())),
        ],
    ];
    y = details_grid(&mut c, y, &rows);
    y += 4.0;

    let status_ink = match sheet.eligibility.status {
        Eligibility::Eligible => Ink::Green,
        Eligibility::NotEligible => Ink::Red,
        Eligibility::NeedsInformation => Ink::Black,
    };
    let mut body: Vec<String> = sheet
        .eligibility
        .checks
        .iter()
        .map(|check| {
            let mark = match check.finding {
                Finding::Met => "符合",
                Finding::NotMet => "不符合",
                Finding::Missing => "待补充",
                Finding::Note => "说明",
            };
            format!("{}：{}（{}）", check.rule, mark, check.reason)
        })
        .collect();
    body.push(format!("依据：{}", sheet.eligibility_clause));
    y = text_box(
        &mut c,
        y,
        &[
            ("改造资格：".to_owned(), Ink::Black),
            (sheet.eligibility.status.label().to_owned(), status_ink),
        ],
        &body.join("\n"),
    );
    y += 4.0;

    let rows: Vec<Vec<Cell>> = catalogue
        .items
        .iter()
        .filter_map(|item| {
            let answer = s.item(&item.code)?;
            let category = catalogue
                .category(&item.category)
                .map_or("", |k| k.name.as_str());
            let mut problems: Vec<String> = answer
                .problems
                .iter()
                .filter_map(|p| catalogue.problem(p).map(|p| p.text.clone()))
                .collect();
            if !answer.other_problem.trim().is_empty() {
                problems.push(answer.other_problem.trim().to_owned());
            }
            let ink = match answer.condition {
                Some(Condition::NeedsRenovation | Condition::Missing) => Ink::Red,
                _ => Ink::Black,
            };
            Some(vec![
                (category.to_owned(), Ink::Black),
                (item.name.clone(), Ink::Black),
                (
                    answer.condition.map_or("未填", Choice::label).to_owned(),
                    ink,
                ),
                (problems.join("；"), Ink::Black),
                (answer.note.clone(), Ink::Black),
            ])
        })
        .collect();
    y = table(&mut c, y, &ITEM_COLUMNS, &rows);
    y += 4.0;

    let needs = needs_list(s, catalogue);
    let mut needs_text: Vec<String> = Vec::new();
    for group in &needs {
        let names: Vec<String> = group
            .items
            .iter()
            .map(|(name, condition, _)| format!("{name}（{}）", condition.label()))
            .collect();
        needs_text.push(format!("{}：{}", group.category, names.join("、")));
    }
    if needs_text.is_empty() {
        needs_text.push("暂无“需改造”或“缺失”的项目。".to_owned());
    }
    y = text_box(
        &mut c,
        y,
        &[("改造需求（缺什么、补什么）".to_owned(), Ink::Black)],
        &needs_text.join("\n"),
    );
    let signers = ["调查人", "社区（盖章）"].map(|title| SignerBox {
        title: title.to_owned(),
        ..SignerBox::default()
    });
    signature_boxes(&mut c, y + 4.0, "签字确认", &signers);
    let footer = format!("{title} · {} · 第 {} 轮", c0.name, s.round);
    footers(&mut c, &footer, &PageMark::Plain);
    Ok(c.finish())
}
