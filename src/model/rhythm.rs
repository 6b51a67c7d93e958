//! The progress mechanism of 附件2 (《“日通报、周例会、月观摩、季考评”推进机制实施办法》):
//! each unit's daily report and the office's bulletin made from them, the weekly meeting with
//! its action items, and the month's observation route; the quarter's scoring with its ranking
//! is `quarter_score.rs`. Pure: the records come in as values.

use chrono::{Datelike, NaiveDate};

use super::ids::{ActionItemId, CompoundId, DailyReportId, MeetingId, ObservationStopId};
pub use super::quarter_score::{Mention, QuarterScore, Ranked, Scale, UnitEvidence, ranking};

/// Who reports (附件2 三、（一）: 各小区主管单位、工程各标段施工单位以及供电、通信、供热、供气、
/// 供水相关企业), and how the quarter scores them (三、（四）).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitKind {
    /// 小区主管单位: scored on duties, role and results.
    Responsible,
    /// 施工单位 of a section: scored on progress.
    Contractor,
    /// 专营单位 (power, telecoms, heating, gas, water): scored on progress.
    Utility,
}

impl UnitKind {
    pub const ALL: [Self; 3] = [Self::Responsible, Self::Contractor, Self::Utility];

    pub fn label(self) -> &'static str {
        match self {
            Self::Responsible => "小区主管单位",
            Self::Contractor => "施工单位",
            Self::Utility => "专营单位",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Responsible => "responsible",
            Self::Contractor => "contractor",
            Self::Utility => "utility",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Its name in the county's pack (附件2's name where the pack has none).
    pub fn name_in(self, rhythm: &super::policy_pack::Rhythm) -> &str {
        rhythm.kind_name(self.code()).unwrap_or(self.label())
    }

    /// The kinds the county's pack reports and scores, in its order.
    pub fn of_pack(rhythm: &super::policy_pack::Rhythm) -> Vec<Self> {
        rhythm
            .reporting_units
            .iter()
            .filter_map(|u| Self::from_code(&u.code))
            .collect()
    }
}

/// One unit's report of one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DailyReport {
    pub id: DailyReportId,
    pub date: NaiveDate,
    pub unit: String,
    pub kind: Option<UnitKind>,
    pub compound: Option<CompoundId>,
    /// The compound's name (read with the report).
    pub compound_name: String,
    /// 工作开展情况.
    pub work_done: String,
    /// 好的做法.
    pub good_practice: String,
    /// 需要协调解决的事项 (empty: none).
    pub matters: String,
    /// When the office closed the matters, and how.
    pub resolved_on: Option<NaiveDate>,
    pub resolution: String,
}

impl DailyReport {
    /// Whether its coordination matters were still open at the end of `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        !self.matters.trim().is_empty()
            && self.date <= day
            && self.resolved_on.is_none_or(|r| r > day)
    }

    /// "单位 · 小区" as the bulletin names it.
    pub fn who(&self) -> String {
        if self.compound_name.is_empty() {
            self.unit.clone()
        } else {
            format!("{} · {}", self.unit, self.compound_name)
        }
    }
}

/// No record of the rhythm is dated before this year (the programme began in 2019).
pub const FIRST_YEAR: i32 = 2000;

/// What is wrong with a report before it is saved, if anything.
fn report_words(r: &DailyReport, today: NaiveDate) -> Option<String> {
    if r.unit.trim().is_empty() {
        return Some("请填写报送单位。".to_owned());
    }
    if r.kind.is_none() {
        return Some("请选择单位类别（小区主管单位、施工单位或专营单位）。".to_owned());
    }
    if r.date > today {
        return Some(format!("报送日期 {} 晚于今天，请核对。", r.date));
    }
    if r.date.year() < FIRST_YEAR {
        return Some(format!(
            "报送日期 {} 早于 {FIRST_YEAR} 年，请核对。",
            r.date
        ));
    }
    if [&r.work_done, &r.good_practice, &r.matters]
        .iter()
        .all(|t| t.trim().is_empty())
    {
        return Some("工作开展情况、好的做法、需协调事项至少填写一项。".to_owned());
    }
    None
}

/// Why a report is refused, if it is.
pub fn report_problem(r: &DailyReport, today: NaiveDate) -> Option<super::Refusal> {
    report_words(r, today).map(super::Refusal::new)
}

/// The office's bulletin of one day (日通报).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bulletin {
    pub date: NaiveDate,
    /// The day's reports, by unit kind and unit.
    pub reports: Vec<DailyReport>,
    /// Matters reported before the day and still open at its end: carried forward, oldest first.
    pub carried: Vec<DailyReport>,
    /// Matters closed that day.
    pub resolved: Vec<DailyReport>,
    /// Units that have reported before but not that day.
    pub silent_units: Vec<String>,
}

impl Bulletin {
    /// The bulletin of `date` from every report there is.
    pub fn of(date: NaiveDate, all: &[DailyReport]) -> Self {
        let mut reports: Vec<DailyReport> =
            all.iter().filter(|r| r.date == date).cloned().collect();
        reports.sort_by(|a, b| (a.kind, &a.unit).cmp(&(b.kind, &b.unit)));
        let mut carried: Vec<DailyReport> = all
            .iter()
            .filter(|r| r.date < date && r.open_on(date))
            .cloned()
            .collect();
        carried.sort_by(|a, b| (a.date, &a.unit).cmp(&(b.date, &b.unit)));
        let resolved = all
            .iter()
            .filter(|r| !r.matters.trim().is_empty() && r.resolved_on == Some(date))
            .cloned()
            .collect();
        let mut silent_units: Vec<String> = all
            .iter()
            .filter(|r| r.date < date)
            .map(|r| r.unit.clone())
            .filter(|u| !reports.iter().any(|r| &r.unit == u))
            .collect();
        silent_units.sort();
        silent_units.dedup();
        Self {
            date,
            reports,
            carried,
            resolved,
            silent_units,
        }
    }

    /// What the bulletin says first: who reported, the matters raised, carried, closed and
    /// still open, the units silent that day, and the meetings' decisions still open.
    pub fn summary(&self, open_actions: &[ActionItem]) -> String {
        let units: std::collections::BTreeSet<&str> =
            self.reports.iter().map(|r| r.unit.as_str()).collect();
        let new_matters = self
            .reports
            .iter()
            .filter(|r| !r.matters.trim().is_empty())
            .count();
        let mut text = format!(
            "{} 共 {} 个单位报送 {} 份日报；新提出需协调事项 {} 项，前期未办结事项结转 {} 项，当日办结 {} 项，当日终了仍待协调 {} 项。",
            super::date_text(self.date),
            units.len(),
            self.reports.len(),
            new_matters,
            self.carried.len(),
            self.resolved.len(),
            self.open_matters()
        );
        if !self.silent_units.is_empty() {
            text.push_str(&format!("\n当日未报送：{}。", self.silent_units.join("、")));
        }
        if !open_actions.is_empty() {
            let overdue = open_actions.iter().filter(|a| a.due_on < self.date).count();
            text.push_str(&format!(
                "\n周例会决定事项未完成 {} 项，其中逾期 {overdue} 项。",
                open_actions.len()
            ));
        }
        text
    }

    /// How many matters are open at the day's end (the day's and those carried forward).
    pub fn open_matters(&self) -> usize {
        self.carried.len() + self.reports.iter().filter(|r| r.open_on(self.date)).count()
    }
}

/// A decision of a weekly meeting, to be done by its owner by a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub meeting_id: MeetingId,
    pub text: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

impl ActionItem {
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_on < today
    }
}

/// A weekly meeting (周例会).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub held_on: NaiveDate,
    /// The units present.
    pub units: Vec<String>,
    /// The progress reported and the bureau's summary.
    pub progress: String,
    pub actions: Vec<ActionItem>,
}

/// A compound proposed for the month's observation, with why.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub compound: CompoundId,
    pub name: String,
    pub town: String,
    pub address: String,
    /// How far along it is (its current phase) and what shows it.
    pub stage: String,
    pub steps_done: usize,
    pub evidence_files: usize,
    pub reports_in_month: usize,
    /// The higher the better: clear progress, backed by evidence, reported on.
    pub score: f32,
}

impl Candidate {
    /// Scores a compound's progress (steps done, evidence behind them, recent reports).
    pub fn rank_score(steps_done: usize, evidence_files: usize, reports_in_month: usize) -> f32 {
        steps_done as f32 * 2.0
            + evidence_files.min(steps_done * 2) as f32
            + reports_in_month as f32 * 0.5
    }
}

/// One stop on a month's observation route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservationStop {
    pub id: ObservationStopId,
    pub month: Month,
    pub position: u32,
    pub compound: CompoundId,
    pub name: String,
    pub town: String,
    pub address: String,
    pub reason: String,
}

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2026-11`.
    pub fn code(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }

    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (1990..=2100).contains(&year).then_some(())?;
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    pub fn label(self) -> String {
        format!("{} 年 {} 月", self.year, self.month)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Self::of(day) == self
    }
}

/// A quarter of a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    pub quarter: u32,
}

impl Quarter {
    pub fn of(day: NaiveDate) -> Self {
        Self {
            year: day.year(),
            quarter: (day.month() - 1) / 3 + 1,
        }
    }

    pub fn label(self) -> String {
        format!("{} 年第 {} 季度", self.year, self.quarter)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.quarter - 1) * 3 + 1, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        let next = if self.quarter == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.quarter * 3 + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or_default()
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&day)
    }

    pub fn previous(self) -> Self {
        if self.quarter == 1 {
            Self {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Self {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }
}

/// Which day, month and quarter the 推进机制 screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RhythmChoice {
    pub day: NaiveDate,
    pub month: Month,
    pub quarter: Quarter,
}

impl RhythmChoice {
    pub fn at(today: NaiveDate) -> Self {
        Self {
            day: today,
            month: Month::of(today),
            quarter: Quarter::of(today),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn report(d: u32, unit: &str, matters: &str, resolved: Option<u32>) -> DailyReport {
        DailyReport {
            id: Default::default(),
            date: day(d),
            unit: unit.to_owned(),
            kind: Some(UnitKind::Contractor),
            work_done: "施工".to_owned(),
            matters: matters.to_owned(),
            resolved_on: resolved.map(day),
            ..DailyReport::default()
        }
    }

    #[test]
    fn open_matters_are_carried_forward_until_the_day_they_close() {
        let all = vec![
            report(20, "甲", "电杆迁移", None),
            report(21, "乙", "燃气管改线", Some(23)),
            report(22, "甲", "", None),
            report(23, "丙", "围挡审批", None),
        ];
        let b = Bulletin::of(day(22), &all);
        assert_eq!(b.reports.len(), 1);
        let carried: Vec<&str> = b.carried.iter().map(|r| r.matters.as_str()).collect();
        assert_eq!(carried, ["电杆迁移", "燃气管改线"]);
        assert_eq!(b.silent_units, ["乙"]);
        let b = Bulletin::of(day(23), &all);
        let carried: Vec<&str> = b.carried.iter().map(|r| r.matters.as_str()).collect();
        assert_eq!(
            carried,
            ["电杆迁移"],
            "closed on the 23rd: no longer carried"
        );
        assert_eq!(b.resolved.len(), 1);
        assert_eq!(b.open_matters(), 2, "电杆迁移 and the day's 围挡审批");
    }

    #[test]
    fn quarters_and_months() {
        let q = Quarter::of(day(29));
        assert_eq!((q.year, q.quarter), (2026, 4));
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(q.previous().previous().quarter, 2);
        assert_eq!(Month::parse("2026-11"), Some(Month::of(day(1))));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::of(day(3)).code(), "2026-11");
    }
}
