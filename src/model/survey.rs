//! Compound surveys (调查): the facts that decide eligibility, and the existing condition of
//! every content item, which becomes the compound's needs list ("缺什么、补什么", 四、（二）1).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::ids::{CompoundId, SurveyId};
use super::survey_catalogue::SurveyCatalogue;

/// Property-management mode (二、（三）4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ManagementMode {
    Market,
    CommunityBacked,
    SelfManaged,
    None,
}

/// Structural safety of the buildings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructuralSafety {
    Safe,
    NeedsAppraisal,
    Unsafe,
}

/// The existing condition of a content item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Condition {
    /// 完好
    Good,
    /// 需改造
    NeedsRenovation,
    /// 缺失
    Missing,
    /// 不涉及
    NotConcerned,
}

/// Labels and stable codes for the survey's choice fields.
pub trait Choice: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn label(self) -> &'static str;
    fn code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }
}

impl Choice for ManagementMode {
    const ALL: &'static [Self] = &[
        Self::Market,
        Self::CommunityBacked,
        Self::SelfManaged,
        Self::None,
    ];
    fn label(self) -> &'static str {
        match self {
            Self::Market => "市场化物业",
            Self::CommunityBacked => "社区保障性物业",
            Self::SelfManaged => "业主自治",
            Self::None => "无物业管理",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Self::Market => "market",
            Self::CommunityBacked => "community",
            Self::SelfManaged => "self",
            Self::None => "none",
        }
    }
}

impl Choice for StructuralSafety {
    const ALL: &'static [Self] = &[Self::Safe, Self::NeedsAppraisal, Self::Unsafe];
    fn label(self) -> &'static str {
        match self {
            Self::Safe => "安全",
            Self::NeedsAppraisal => "需鉴定",
            Self::Unsafe => "不安全",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Self::Safe => "safe",
            Self::NeedsAppraisal => "appraisal",
            Self::Unsafe => "unsafe",
        }
    }
}

impl Choice for Condition {
    const ALL: &'static [Self] = &[
        Self::Good,
        Self::NeedsRenovation,
        Self::Missing,
        Self::NotConcerned,
    ];
    fn label(self) -> &'static str {
        match self {
            Self::Good => "完好",
            Self::NeedsRenovation => "需改造",
            Self::Missing => "缺失",
            Self::NotConcerned => "不涉及",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::NeedsRenovation => "renovate",
            Self::Missing => "missing",
            Self::NotConcerned => "none",
        }
    }
}

/// The surveyed condition of one content item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemCondition {
    pub code: String,
    pub condition: Option<Condition>,
    /// Codes of the policy's problems seen.
    pub problems: BTreeSet<String>,
    /// Problems not in the list, as typed.
    pub other_problem: String,
    pub note: String,
}

/// One survey round of one compound.
#[derive(Clone, Debug, PartialEq)]
pub struct CompoundSurvey {
    pub id: SurveyId,
    pub compound_id: CompoundId,
    /// 1 for the first survey of the compound, then 2, 3 …
    pub round: u32,
    pub surveyed_on: NaiveDate,
    pub surveyors: String,
    pub catalogue_version: String,
    /// The version of the county's policy pack it was made under ("": made before files
    /// recorded it; a new survey takes the pack in force when it is written).
    pub pack_version: String,
    pub floors: Option<u32>,
    /// Gross floor area in m².
    pub floor_area: Option<f64>,
    pub management_mode: Option<ManagementMode>,
    pub structural_safety: Option<StructuralSafety>,
    /// Whether the compound is suitable for demolition and rebuilding (then it is out of scope).
    pub demolition_suitable: Option<bool>,
    /// Households in favour of the renovation.
    pub households_in_favour: Option<u32>,
    /// How the residents' opinion was gathered (入户、问卷、议事会 …).
    pub willingness_method: String,
    pub items: Vec<ItemCondition>,
}

/// The survey's own scalar fields, so one change can be saved (and validated) on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SurveyField {
    SurveyedOn,
    Surveyors,
    Floors,
    FloorArea,
    ManagementMode,
    StructuralSafety,
    DemolitionSuitable,
    HouseholdsInFavour,
    WillingnessMethod,
}

impl SurveyField {
    /// Fields counted by the completeness meter.
    pub const COUNTED: [Self; 7] = [
        Self::Floors,
        Self::FloorArea,
        Self::ManagementMode,
        Self::StructuralSafety,
        Self::DemolitionSuitable,
        Self::HouseholdsInFavour,
        Self::WillingnessMethod,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::SurveyedOn => "调查日期",
            Self::Surveyors => "调查人",
            Self::Floors => "楼层数",
            Self::FloorArea => "建筑面积（㎡）",
            Self::ManagementMode => "物业管理模式",
            Self::StructuralSafety => "房屋结构安全",
            Self::DemolitionSuitable => "是否适宜整体拆除重建",
            Self::HouseholdsInFavour => "同意改造户数",
            Self::WillingnessMethod => "意愿征集方式",
        }
    }
}

/// A validated value for one survey field.
#[derive(Clone, Debug, PartialEq)]
pub enum SurveyValue {
    Date(NaiveDate),
    Text(String),
    Count(Option<u32>),
    Area(Option<f64>),
    Mode(Option<ManagementMode>),
    Safety(Option<StructuralSafety>),
    Flag(Option<bool>),
}

impl CompoundSurvey {
    /// A fresh round with every item undecided.
    pub fn new(
        compound_id: CompoundId,
        round: u32,
        surveyed_on: NaiveDate,
        surveyors: String,
        catalogue: &SurveyCatalogue,
    ) -> Self {
        Self {
            id: SurveyId::new(),
            compound_id,
            round,
            surveyed_on,
            surveyors,
            catalogue_version: catalogue.version.clone(),
            pack_version: String::new(),
            floors: None,
            floor_area: None,
            management_mode: None,
            structural_safety: None,
            demolition_suitable: None,
            households_in_favour: None,
            willingness_method: String::new(),
            items: catalogue
                .items
                .iter()
                .map(|i| ItemCondition {
                    code: i.code.clone(),
                    ..ItemCondition::default()
                })
                .collect(),
        }
    }

    /// Applies one validated field value.
    pub fn apply(&mut self, value: SurveyValue, field: SurveyField) {
        match (field, value) {
            (SurveyField::SurveyedOn, SurveyValue::Date(d)) => self.surveyed_on = d,
            (SurveyField::Surveyors, SurveyValue::Text(t)) => self.surveyors = t,
            (SurveyField::Floors, SurveyValue::Count(n)) => self.floors = n,
            (SurveyField::FloorArea, SurveyValue::Area(a)) => self.floor_area = a,
            (SurveyField::ManagementMode, SurveyValue::Mode(m)) => self.management_mode = m,
            (SurveyField::StructuralSafety, SurveyValue::Safety(s)) => self.structural_safety = s,
            (SurveyField::DemolitionSuitable, SurveyValue::Flag(f)) => self.demolition_suitable = f,
            (SurveyField::HouseholdsInFavour, SurveyValue::Count(n)) => {
                self.households_in_favour = n
            }
            (SurveyField::WillingnessMethod, SurveyValue::Text(t)) => self.willingness_method = t,
            _ => {}
        }
    }

    /// One field's value (what `apply` sets).
    pub fn value(&self, field: SurveyField) -> SurveyValue {
        match field {
            SurveyField::SurveyedOn => SurveyValue::Date(self.surveyed_on),
            SurveyField::Surveyors => SurveyValue::Text(self.surveyors.clone()),
            SurveyField::Floors => SurveyValue::Count(self.floors),
            SurveyField::FloorArea => SurveyValue::Area(self.floor_area),
            SurveyField::ManagementMode => SurveyValue::Mode(self.management_mode),
            SurveyField::StructuralSafety => SurveyValue::Safety(self.structural_safety),
            SurveyField::DemolitionSuitable => SurveyValue::Flag(self.demolition_suitable),
            SurveyField::HouseholdsInFavour => SurveyValue::Count(self.households_in_favour),
            SurveyField::WillingnessMethod => SurveyValue::Text(self.willingness_method.clone()),
        }
    }

    fn is_filled(&self, field: SurveyField) -> bool {
        match field {
            SurveyField::SurveyedOn => true,
            SurveyField::Surveyors => !self.surveyors.trim().is_empty(),
            SurveyField::Floors => self.floors.is_some(),
            SurveyField::FloorArea => self.floor_area.is_some(),
            SurveyField::ManagementMode => self.management_mode.is_some(),
            SurveyField::StructuralSafety => self.structural_safety.is_some(),
            SurveyField::DemolitionSuitable => self.demolition_suitable.is_some(),
            SurveyField::HouseholdsInFavour => self.households_in_favour.is_some(),
            SurveyField::WillingnessMethod => !self.willingness_method.trim().is_empty(),
        }
    }

    /// How many of the counted fields are filled.
    pub fn fields_filled(&self) -> usize {
        SurveyField::COUNTED
            .iter()
            .filter(|f| self.is_filled(**f))
            .count()
    }

    /// (filled, total): the survey's own fields and every item's condition.
    pub fn completeness(&self) -> (usize, usize) {
        let fields = self.fields_filled();
        let items = self.items.iter().filter(|i| i.condition.is_some()).count();
        (
            fields + items,
            SurveyField::COUNTED.len() + self.items.len(),
        )
    }

    pub fn item(&self, code: &str) -> Option<&ItemCondition> {
        self.items.iter().find(|i| i.code == code)
    }
}

/// Parses what was typed into a survey text field, and checks it (`check_value`).
fn field_words(field: SurveyField, text: &str, today: NaiveDate) -> Result<SurveyValue, String> {
    let t = text.trim();
    let count = |what: &str| -> Result<SurveyValue, String> {
        if t.is_empty() {
            return Ok(SurveyValue::Count(None));
        }
        match t.parse::<i64>() {
            Ok(n) if n < 0 => Err(format!("{what}不能为负数")),
            Ok(n) => Ok(SurveyValue::Count(Some(
                u32::try_from(n).unwrap_or(u32::MAX),
            ))),
            Err(_) => Err(format!("{what}应为整数")),
        }
    };
    let value = match field {
        SurveyField::SurveyedOn => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => SurveyValue::Date(d),
            Err(_) => return Err("日期格式应为 年-月-日，如 2026-11-28".to_owned()),
        },
        SurveyField::Surveyors | SurveyField::WillingnessMethod => SurveyValue::Text(t.to_owned()),
        SurveyField::Floors => count("楼层数")?,
        SurveyField::HouseholdsInFavour => count("同意户数")?,
        SurveyField::FloorArea if t.is_empty() => SurveyValue::Area(None),
        SurveyField::FloorArea => match t.parse::<f64>() {
            Ok(a) => SurveyValue::Area(Some(a)),
            Err(_) => return Err("建筑面积应为数字，如 5600 或 5600.5".to_owned()),
        },
        SurveyField::ManagementMode
        | SurveyField::StructuralSafety
        | SurveyField::DemolitionSuitable => return Err("该项请从选项中选择".to_owned()),
    };
    check_value(field, &value, today)?;
    Ok(value)
}

/// The value typed into a survey text field, or why it is refused.
pub fn parse_field(
    field: SurveyField,
    text: &str,
    today: NaiveDate,
) -> Result<SurveyValue, super::Refusal> {
    field_words(field, text, today).map_err(super::Refusal::new)
}

/// The rules a survey answer keeps, however it comes in (the form, an import): dates not in
/// the future, counts and areas within reason, texts of sensible length, the value's kind
/// the field's.
pub fn check_value(
    field: SurveyField,
    value: &SurveyValue,
    today: NaiveDate,
) -> Result<(), super::Refusal> {
    use super::validate;
    let fits = match (field, value) {
        (SurveyField::SurveyedOn, SurveyValue::Date(d)) => {
            validate::past_date("调查日期", *d, today)?;
            true
        }
        (SurveyField::Surveyors, SurveyValue::Text(t)) => {
            validate::short_text("调查人", t)?;
            true
        }
        (SurveyField::WillingnessMethod, SurveyValue::Text(t)) => {
            validate::short_text("征集方式", t)?;
            true
        }
        (SurveyField::Floors, SurveyValue::Count(n)) => {
            if n.is_some_and(|n| n > 60) {
                return Err(super::Refusal::new("楼层数超过 60，请核对"));
            }
            true
        }
        (SurveyField::HouseholdsInFavour, SurveyValue::Count(n)) => {
            if let Some(n) = n {
                validate::count("同意户数", *n, validate::MAX_HOUSEHOLDS)?;
            }
            true
        }
        (SurveyField::FloorArea, SurveyValue::Area(a)) => {
            if a.is_some_and(|a| !(a.is_finite() && (0.0..10_000_000.0).contains(&a))) {
                return Err(super::Refusal::new("建筑面积应为 0 至 1000 万之间的数"));
            }
            true
        }
        (SurveyField::ManagementMode, SurveyValue::Mode(_))
        | (SurveyField::StructuralSafety, SurveyValue::Safety(_))
        | (SurveyField::DemolitionSuitable, SurveyValue::Flag(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(super::Refusal::new(format!(
            "{}的取值类型不对",
            field.label()
        )))
    }
}

/// Where a compound's survey stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SurveyStatus {
    /// 未调查
    NotSurveyed,
    /// 调查中: some answers missing.
    InProgress,
    /// 已完成: every field and item answered.
    Complete,
}

impl SurveyStatus {
    pub const ALL: [Self; 3] = [Self::NotSurveyed, Self::InProgress, Self::Complete];

    pub fn label(self) -> &'static str {
        match self {
            Self::NotSurveyed => "未调查",
            Self::InProgress => "调查中",
            Self::Complete => "已完成",
        }
    }

    pub fn from_completeness(filled: usize, total: usize) -> Self {
        if filled >= total {
            Self::Complete
        } else {
            Self::InProgress
        }
    }
}

/// One category of the needs list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedsGroup {
    pub category: String,
    /// (item name, condition, problems and notes as one line)
    pub items: Vec<(String, Condition, String)>,
}

/// The renovation needs: every item surveyed 需改造 or 缺失, grouped by the four categories.
pub fn needs_list(survey: &CompoundSurvey, catalogue: &SurveyCatalogue) -> Vec<NeedsGroup> {
    catalogue
        .categories
        .iter()
        .filter_map(|category| {
            let items: Vec<_> = catalogue
                .items
                .iter()
                .filter(|i| i.category == category.id)
                .filter_map(|i| {
                    let c = survey.item(&i.code)?;
                    let condition = c.condition?;
                    if !matches!(condition, Condition::NeedsRenovation | Condition::Missing) {
                        return None;
                    }
                    let mut detail: Vec<String> = c
                        .problems
                        .iter()
                        .filter_map(|p| catalogue.problem(p).map(|p| p.text.clone()))
                        .collect();
                    if !c.other_problem.trim().is_empty() {
                        detail.push(c.other_problem.trim().to_owned());
                    }
                    if !c.note.trim().is_empty() {
                        detail.push(c.note.trim().to_owned());
                    }
                    Some((i.name.clone(), condition, detail.join("；")))
                })
                .collect();
            (!items.is_empty()).then(|| NeedsGroup {
                category: category.name.clone(),
                items,
            })
        })
        .collect()
}
