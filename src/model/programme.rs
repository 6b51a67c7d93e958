//! Each compound's way from plan to hand-over (四、实施步骤), step by step: what each step is,
//! the order they come in, which clause names it, and where a compound stands. Pure: the
//! recorded steps come in as values. 工程验收 is not recorded here: it is read from the
//! acceptance records (no double entry).

use chrono::NaiveDate;

/// A phase of the programme, as 四、实施步骤 names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Preparation,
    Plan,
    Approval,
    InvestmentReview,
    Construction,
    Acceptance,
    Audit,
    HandOver,
    Management,
}

impl Phase {
    pub const ALL: [Self; 9] = [
        Self::Preparation,
        Self::Plan,
        Self::Approval,
        Self::InvestmentReview,
        Self::Construction,
        Self::Acceptance,
        Self::Audit,
        Self::HandOver,
        Self::Management,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Preparation => "前期准备",
            Self::Plan => "制定方案（一征三议两公开）",
            Self::Approval => "县政府审定并公示",
            Self::InvestmentReview => "投资评审",
            Self::Construction => "招投标与施工",
            Self::Acceptance => "工程验收",
            Self::Audit => "决算审计",
            Self::HandOver => "交付",
            Self::Management => "长效管理",
        }
    }

    /// The clause of 宁政办〔2021〕17号 that names it.
    pub fn clause(self) -> &'static str {
        match self {
            Self::Preparation => "四、（一）",
            Self::Plan | Self::Approval => "四、（二）1",
            Self::InvestmentReview => "四、（二）2",
            Self::Construction => "四、（二）3",
            Self::Acceptance => "四、（二）4",
            Self::Audit => "四、（二）5",
            Self::HandOver => "四、（二）4“合格一个、交付一个”",
            Self::Management => "四、（三）",
        }
    }

    /// Its steps, in order (none for 工程验收, which the acceptance records give).
    pub fn steps(self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| s.phase() == self)
            .collect()
    }
}

/// A recorded step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// 编制规划计划: 一区一策 / 一路一策 / 一楼一策.
    Scheme,
    Publicity,
    CleanUp,
    /// 一征: 征求居民意见.
    Consult,
    /// 三议: 提议、商议、决议.
    Propose,
    Deliberate,
    Resolve,
    /// 两公开: 决议公开、方案公开.
    PublishResolution,
    PublishPlan,
    /// 方案经县政府研究.
    Approved,
    /// 在小区内公示.
    Posted,
    InvestmentReview,
    Tender,
    /// 改造工程信息公示.
    WorksBoard,
    WorksStart,
    Audit,
    HandOver,
    /// 物业管理方案（方式、服务内容、收费标准、补贴措施）与保修期.
    Management,
}

impl Step {
    pub const ALL: [Self; 18] = [
        Self::Scheme,
        Self::Publicity,
        Self::CleanUp,
        Self::Consult,
        Self::Propose,
        Self::Deliberate,
        Self::Resolve,
        Self::PublishResolution,
        Self::PublishPlan,
        Self::Approved,
        Self::Posted,
        Self::InvestmentReview,
        Self::Tender,
        Self::WorksBoard,
        Self::WorksStart,
        Self::Audit,
        Self::HandOver,
        Self::Management,
    ];

    pub fn phase(self) -> Phase {
        match self {
            Self::Scheme | Self::Publicity | Self::CleanUp => Phase::Preparation,
            Self::Consult
            | Self::Propose
            | Self::Deliberate
            | Self::Resolve
            | Self::PublishResolution
            | Self::PublishPlan => Phase::Plan,
            Self::Approved | Self::Posted => Phase::Approval,
            Self::InvestmentReview => Phase::InvestmentReview,
            Self::Tender | Self::WorksBoard | Self::WorksStart => Phase::Construction,
            Self::Audit => Phase::Audit,
            Self::HandOver => Phase::HandOver,
            Self::Management => Phase::Management,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheme => "编制改造方案（一区一策/一路一策/一楼一策）",
            Self::Publicity => "宣传发动",
            Self::CleanUp => "先期集中整治",
            Self::Consult => "一征：征求居民意见",
            Self::Propose => "一议：社区党组织提议",
            Self::Deliberate => "二议：社区“两委”与业委会商议",
            Self::Resolve => "三议：居民代表会议决议",
            Self::PublishResolution => "一公开：决议公开",
            Self::PublishPlan => "二公开：改造方案公开",
            Self::Approved => "县政府研究通过",
            Self::Posted => "方案在小区内公示",
            Self::InvestmentReview => "投资评审完成",
            Self::Tender => "招投标（施工、监理单位）",
            Self::WorksBoard => "工程信息公示牌",
            Self::WorksStart => "开工",
            Self::Audit => "决算审计完成",
            Self::HandOver => "交付",
            Self::Management => "物业管理方案落实",
        }
    }

    /// How it is stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Scheme => "scheme",
            Self::Publicity => "publicity",
            Self::CleanUp => "clean_up",
            Self::Consult => "consult",
            Self::Propose => "propose",
            Self::Deliberate => "deliberate",
            Self::Resolve => "resolve",
            Self::PublishResolution => "publish_resolution",
            Self::PublishPlan => "publish_plan",
            Self::Approved => "approved",
            Self::Posted => "posted",
            Self::InvestmentReview => "investment_review",
            Self::Tender => "tender",
            Self::WorksBoard => "works_board",
            Self::WorksStart => "works_start",
            Self::Audit => "audit",
            Self::HandOver => "hand_over",
            Self::Management => "management",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What its count means, where it has one.
    pub fn count_label(self) -> Option<&'static str> {
        match self {
            Self::Consult => Some("参与户数"),
            Self::Resolve => Some("同意户数"),
            Self::Propose | Self::Deliberate => Some("参会人数"),
            _ => None,
        }
    }

    /// The fields of its details, where it has some.
    pub fn detail_fields(self) -> &'static [&'static str] {
        match self {
            Self::Scheme => &["方式"],
            Self::Tender => &["施工单位", "监理单位", "标段"],
            Self::Management => &["管理方式", "服务内容", "收费标准", "补贴措施", "保修期至"],
            _ => &[],
        }
    }

    /// A reading the county's text does not fix, with where it comes from.
    pub fn local_rule(self) -> Option<&'static str> {
        match self.phase() {
            Phase::Plan => Some("本地规则：文件只写“一征三议两公开”，六步的名称按本县通行做法"),
            _ => None,
        }
    }
}

/// A step as recorded for a compound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    pub step: Step,
    pub done_on: NaiveDate,
    /// The responsible unit.
    pub unit: String,
    pub count: Option<u32>,
    pub note: String,
    /// The step's details (`Step::detail_fields`), in that order.
    pub details: Vec<(String, String)>,
    /// The evidence's file names.
    pub evidence: Vec<String>,
}

/// A regular evaluation of a compound's property service (四、（三）3: the result decides the
/// subsidy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEvaluation {
    pub id: super::EvaluationId,
    pub evaluated_on: NaiveDate,
    /// Who evaluated.
    pub unit: String,
    /// 0–100.
    pub score: u32,
    pub note: String,
}

/// Why a step cannot be recorded on that date: a step is not dated before a step it follows,
/// and never in the future. `recorded` are the compound's other steps; `accepted_on` the date
/// its acceptance came out 合格 (steps after 工程验收 are not dated before it, steps before it
/// not after it).
fn date_words(
    step: Step,
    done_on: NaiveDate,
    recorded: &[StepRecord],
    accepted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<String> {
    if done_on > today {
        return Some(format!("“{}”的日期不能晚于今天", step.label()));
    }
    if done_on < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default() {
        return Some(format!(
            "“{}”的日期早于 2000 年，请检查年份（写成如 2024-05-10）",
            step.label()
        ));
    }
    if step.phase() > Phase::Acceptance && accepted_on.is_none() {
        return Some(format!(
            "“{}”须在工程验收合格（各方签字）之后登记（四、（二）4“合格一个、交付一个”）",
            step.label()
        ));
    }
    let before = recorded
        .iter()
        .filter(|r| r.step < step && r.done_on > done_on)
        .max_by_key(|r| r.done_on);
    if let Some(r) = before {
        return Some(format!(
            "“{}”不能早于它之前的“{}”（{}）",
            step.label(),
            r.step.label(),
            super::date_text(r.done_on)
        ));
    }
    let after = recorded
        .iter()
        .filter(|r| r.step > step && r.done_on < done_on)
        .min_by_key(|r| r.done_on);
    if let Some(r) = after {
        return Some(format!(
            "“{}”不能晚于它之后的“{}”（{}）",
            step.label(),
            r.step.label(),
            super::date_text(r.done_on)
        ));
    }
    if let Some(accepted) = accepted_on {
        if step.phase() > Phase::Acceptance && done_on < accepted {
            return Some(format!(
                "“{}”不能早于工程验收合格（{}）",
                step.label(),
                super::date_text(accepted)
            ));
        }
        if step.phase() < Phase::Acceptance && done_on > accepted {
            return Some(format!(
                "“{}”不能晚于工程验收合格（{}）",
                step.label(),
                super::date_text(accepted)
            ));
        }
    }
    None
}

/// Why a step cannot be recorded on that date, if it cannot.
pub fn date_problem(
    step: Step,
    done_on: NaiveDate,
    recorded: &[StepRecord],
    accepted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<super::Refusal> {
    date_words(step, done_on, recorded, accepted_on, today).map(super::Refusal::new)
}

/// How far a phase has come for a compound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseState {
    NotStarted,
    /// Some of its steps are recorded.
    Under,
    /// Every step recorded, each with its evidence.
    Done,
    /// Every step recorded, some without evidence.
    DoneWithoutEvidence,
}

impl PhaseState {
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "未开始",
            Self::Under => "进行中",
            Self::Done => "已完成",
            Self::DoneWithoutEvidence => "已完成（缺证据）",
        }
    }
}

/// Where each phase stands, from the recorded steps and whether the acceptance came out 合格.
pub fn phase_state(phase: Phase, recorded: &[StepRecord], accepted: bool) -> PhaseState {
    if phase == Phase::Acceptance {
        return if accepted {
            PhaseState::Done
        } else {
            PhaseState::NotStarted
        };
    }
    let steps = phase.steps();
    let done: Vec<&StepRecord> = recorded
        .iter()
        .filter(|r| r.step.phase() == phase)
        .collect();
    if done.is_empty() {
        PhaseState::NotStarted
    } else if done.len() < steps.len() {
        PhaseState::Under
    } else if done.iter().all(|r| !r.evidence.is_empty()) {
        PhaseState::Done
    } else {
        PhaseState::DoneWithoutEvidence
    }
}

/// The furthest phase reached, from the codes of the recorded steps (as the register reads
/// them) and whether the acceptance came out 合格.
pub fn phase_of_codes<'a>(
    codes: impl IntoIterator<Item = &'a str>,
    accepted: bool,
) -> Option<Phase> {
    let recorded = codes
        .into_iter()
        .filter_map(Step::from_code)
        .map(Step::phase)
        .max();
    match (recorded, accepted) {
        (Some(p), true) => Some(p.max(Phase::Acceptance)),
        (None, true) => Some(Phase::Acceptance),
        (p, false) => p,
    }
}

/// The furthest phase a compound has reached (the register's 进程 column): the last phase
/// with anything done.
pub fn current_phase(recorded: &[StepRecord], accepted: bool) -> Option<Phase> {
    let recorded_phase = recorded.iter().map(|r| r.step.phase()).max();
    match (recorded_phase, accepted) {
        (Some(p), true) => Some(p.max(Phase::Acceptance)),
        (None, true) => Some(Phase::Acceptance),
        (p, false) => p,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, d).unwrap_or_default()
    }

    fn record(step: Step, done_on: NaiveDate) -> StepRecord {
        StepRecord {
            step,
            done_on,
            unit: String::new(),
            count: None,
            note: String::new(),
            details: Vec::new(),
            evidence: Vec::new(),
        }
    }

    #[test]
    fn a_step_is_not_dated_before_the_steps_it_follows_nor_after_those_that_follow_it() {
        let recorded = [
            record(Step::Consult, day(3, 1)),
            record(Step::Approved, day(5, 1)),
        ];
        let today = day(12, 31);
        assert!(date_problem(Step::Resolve, day(4, 1), &recorded, None, today).is_none());
        let early = date_problem(Step::Resolve, day(2, 1), &recorded, None, today).unwrap();
        assert!(early.message().contains("一征：征求居民意见"), "{early}");
        let late = date_problem(Step::Resolve, day(6, 1), &recorded, None, today).unwrap();
        assert!(late.message().contains("县政府研究通过"), "{late}");
        let audit = date_problem(Step::Audit, day(6, 1), &recorded, Some(day(7, 1)), today);
        assert!(audit.unwrap().message().contains("工程验收合格"));
        assert!(
            date_problem(
                Step::Consult,
                day(12, 31).succ_opt().unwrap(),
                &[],
                None,
                today
            )
            .unwrap()
            .message()
            .contains("晚于今天")
        );
    }

    #[test]
    fn a_phase_is_done_only_with_every_step_and_its_evidence() {
        let mut recorded = vec![record(Step::Approved, day(5, 1))];
        assert_eq!(
            phase_state(Phase::Approval, &recorded, false),
            PhaseState::Under
        );
        recorded.push(record(Step::Posted, day(5, 3)));
        assert_eq!(
            phase_state(Phase::Approval, &recorded, false),
            PhaseState::DoneWithoutEvidence
        );
        for r in &mut recorded {
            r.evidence.push("批复.pdf".to_owned());
        }
        assert_eq!(
            phase_state(Phase::Approval, &recorded, false),
            PhaseState::Done
        );
        assert_eq!(current_phase(&recorded, false), Some(Phase::Approval));
        assert_eq!(current_phase(&recorded, true), Some(Phase::Acceptance));
    }
}
