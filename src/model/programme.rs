//! Each compound's way from plan to hand-over (四、实施步骤), step by step: what each step is,
//! the order they come in, which clause names it, and where a compound stands. The phases and
//! steps are the county's, from its policy pack (`Programme`); a `Step` or `Phase` points into
//! the programme it belongs to. Pure: the recorded steps come in as values. 工程验收 is not
//! recorded here: it is read from the acceptance records (no double entry).

use std::fmt;
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;

/// A county's programme: its phases in order, each step in order under its phase, and which
/// phase the acceptance records give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Programme {
    /// The pack version it comes from.
    pub version: String,
    /// The plan's number, for citing clauses (宁政办〔2021〕17号).
    pub plan: String,
    phases: Vec<PhaseDef>,
    steps: Vec<StepDef>,
    /// The phase the acceptance records give (工程验收): it has no steps of its own.
    acceptance: u16,
}

/// A phase as the pack describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseDef {
    pub code: String,
    pub name: String,
    pub clause: String,
    /// The phase the acceptance records give.
    pub acceptance: bool,
}

/// A step as the pack describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepDef {
    /// How it is stored.
    pub code: String,
    /// Its phase's code.
    pub phase: String,
    pub name: String,
    /// What its count means, where it has one (参与户数).
    pub count: Option<String>,
    /// The fields of its details (施工单位, 监理单位…).
    pub details: Vec<String>,
    /// A reading the county's text does not fix, with where it comes from.
    pub local_rule: Option<String>,
    /// What counts as its evidence, where the plan says.
    pub evidence: Option<String>,
    /// The property service is evaluated after this step (四、（三）3).
    pub evaluations: bool,
    /// The progress date it gives (开工 or 交付), if any.
    pub marks: Option<Mark>,
}

/// A date progress counts (二、（二）), recorded as a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// 开工.
    Started,
    /// 交付.
    HandedOver,
}

impl Mark {
    /// As a pack writes it (`marks = "started"`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "started" => Some(Self::Started),
            "handed_over" => Some(Self::HandedOver),
            _ => None,
        }
    }
}

/// Why a programme cannot be made from the pack's phases and steps (the pack's check says it
/// with the file and line first; this is the last guard).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("实施步骤须恰有一个“工程验收”阶段（acceptance = true），现有 {0} 个")]
    Acceptance(usize),
    #[error("步骤 {step} 所属的阶段 {phase} 不存在")]
    NoPhase { step: String, phase: String },
    #[error("步骤 {0} 排在后一阶段的步骤之后：步骤须按阶段顺序排列")]
    OutOfOrder(String),
    #[error("“工程验收”阶段不登记步骤（取自验收记录），但步骤 {0} 属于它")]
    AcceptanceStep(String),
    #[error("实施步骤太多")]
    TooMany,
}

impl Programme {
    /// The programme of `phases` and `steps`, in their order.
    pub fn new(
        version: &str,
        plan: &str,
        phases: Vec<PhaseDef>,
        steps: Vec<StepDef>,
    ) -> Result<Self, ProgrammeError> {
        if phases.len() > usize::from(u16::MAX) || steps.len() > usize::from(u16::MAX) {
            return Err(ProgrammeError::TooMany);
        }
        let acceptance: Vec<usize> = (0..phases.len())
            .filter(|&i| phases[i].acceptance)
            .collect();
        let [acceptance] = acceptance[..] else {
            return Err(ProgrammeError::Acceptance(acceptance.len()));
        };
        let mut last = 0;
        for s in &steps {
            let Some(p) = phases.iter().position(|p| p.code == s.phase) else {
                return Err(ProgrammeError::NoPhase {
                    step: s.code.clone(),
                    phase: s.phase.clone(),
                });
            };
            if p < last {
                return Err(ProgrammeError::OutOfOrder(s.code.clone()));
            }
            if p == acceptance {
                return Err(ProgrammeError::AcceptanceStep(s.code.clone()));
            }
            last = p;
        }
        Ok(Self {
            version: version.to_owned(),
            plan: plan.to_owned(),
            phases,
            steps,
            acceptance: u16::try_from(acceptance).map_err(|_| ProgrammeError::TooMany)?,
        })
    }

    /// Keeps a programme for the rest of the run (once per pack version), so steps can point
    /// into it.
    pub fn register(programme: Self) -> &'static Self {
        static LOADED: std::sync::RwLock<Vec<&'static Programme>> =
            std::sync::RwLock::new(Vec::new());
        super::catalogue::find_loaded(&LOADED, |p| *p == programme)
            .unwrap_or_else(|| super::catalogue::add_loaded(&LOADED, programme))
    }

    /// Every phase, in order.
    pub fn phases(&'static self) -> impl Iterator<Item = Phase> {
        (0..self.phases.len()).map(move |i| Phase {
            programme: self,
            index: index(i),
        })
    }

    /// Every step, in order.
    pub fn steps(&'static self) -> impl Iterator<Item = Step> {
        (0..self.steps.len()).map(move |i| Step {
            programme: self,
            index: index(i),
        })
    }

    /// The step stored as `code`, if this programme has it.
    pub fn step(&'static self, code: &str) -> Option<Step> {
        self.steps().find(|s| s.code() == code)
    }

    /// The phase the acceptance records give.
    pub fn acceptance(&'static self) -> Phase {
        Phase {
            programme: self,
            index: self.acceptance,
        }
    }

    /// The step after which the property service is evaluated, if the plan has one.
    pub fn evaluation_step(&'static self) -> Option<Step> {
        self.steps().find(|s| s.def().evaluations)
    }

    /// The step whose date progress counts as `mark` (开工, 交付), if the plan has one.
    pub fn marking(&'static self, mark: Mark) -> Option<Step> {
        self.steps().find(|s| s.def().marks == Some(mark))
    }

    /// The furthest phase reached, from the codes of the recorded steps (as the register reads
    /// them) and whether the acceptance came out 合格.
    pub fn phase_of_codes<'a>(
        &'static self,
        codes: impl IntoIterator<Item = &'a str>,
        accepted: bool,
    ) -> Option<Phase> {
        let recorded = codes
            .into_iter()
            .filter_map(|c| self.step(c))
            .map(Step::phase)
            .max();
        furthest(recorded, accepted, self.acceptance())
    }
}

fn index(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn furthest(recorded: Option<Phase>, accepted: bool, acceptance: Phase) -> Option<Phase> {
    match (recorded, accepted) {
        (Some(p), true) => Some(p.max(acceptance)),
        (None, true) => Some(acceptance),
        (p, false) => p,
    }
}

/// A phase of a county's programme.
#[derive(Clone, Copy)]
pub struct Phase {
    programme: &'static Programme,
    index: u16,
}

impl Phase {
    fn def(self) -> &'static PhaseDef {
        &self.programme.phases[usize::from(self.index)]
    }

    pub fn code(self) -> &'static str {
        &self.def().code
    }

    pub fn label(self) -> &'static str {
        &self.def().name
    }

    /// The clause of the county's plan that names it.
    pub fn clause(self) -> &'static str {
        &self.def().clause
    }

    /// The plan it comes from (宁政办〔2021〕17号).
    pub fn plan(self) -> &'static str {
        &self.programme.plan
    }

    /// Whether the acceptance records give it (工程验收).
    pub fn is_acceptance(self) -> bool {
        self.index == self.programme.acceptance
    }

    /// After 工程验收 (审计, 交付, 长效管理).
    pub fn after_acceptance(self) -> bool {
        self.index > self.programme.acceptance
    }

    /// Before 工程验收.
    pub fn before_acceptance(self) -> bool {
        self.index < self.programme.acceptance
    }

    /// Its steps, in order (none for 工程验收, which the acceptance records give).
    pub fn steps(self) -> Vec<Step> {
        self.programme
            .steps()
            .filter(|s| s.phase() == self)
            .collect()
    }
}

/// Equal when the same place holds the same code; ordered by place in the programme (the
/// order of 四、实施步骤); hashed and shown by code. A step or phase of an older revision of the
/// pack equals the current one only where it kept its place.
macro_rules! by_place_in_programme {
    ($kind:ident) => {
        impl PartialEq for $kind {
            fn eq(&self, other: &Self) -> bool {
                self.index == other.index && self.code() == other.code()
            }
        }

        impl Eq for $kind {}

        impl PartialOrd for $kind {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $kind {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.index
                    .cmp(&other.index)
                    .then_with(|| self.code().cmp(other.code()))
            }
        }

        impl Hash for $kind {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.code().hash(state);
            }
        }

        impl fmt::Debug for $kind {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($kind), self.code())
            }
        }
    };
}

by_place_in_programme!(Phase);

/// A step of a county's programme.
#[derive(Clone, Copy)]
pub struct Step {
    programme: &'static Programme,
    index: u16,
}

impl Step {
    fn def(self) -> &'static StepDef {
        &self.programme.steps[usize::from(self.index)]
    }

    /// How it is stored.
    pub fn code(self) -> &'static str {
        &self.def().code
    }

    pub fn label(self) -> &'static str {
        &self.def().name
    }

    pub fn phase(self) -> Phase {
        let code = &self.def().phase;
        self.programme
            .phases()
            .find(|p| p.code() == code)
            .unwrap_or_else(|| self.programme.acceptance())
    }

    /// What its count means, where it has one.
    pub fn count_label(self) -> Option<&'static str> {
        self.def().count.as_deref()
    }

    /// The fields of its details, where it has some.
    pub fn detail_fields(self) -> &'static [String] {
        &self.def().details
    }

    /// A reading the county's text does not fix, with where it comes from.
    pub fn local_rule(self) -> Option<&'static str> {
        self.def().local_rule.as_deref()
    }

    /// What counts as its evidence, where the plan says.
    pub fn evidence(self) -> Option<&'static str> {
        self.def().evidence.as_deref()
    }
}

by_place_in_programme!(Step);

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
    let acceptance = step.programme.acceptance();
    if step.phase().after_acceptance() && accepted_on.is_none() {
        return Some(format!(
            "“{}”须在{}合格（各方签字）之后登记（{}）",
            step.label(),
            acceptance.label(),
            acceptance.clause()
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
        if step.phase().after_acceptance() && done_on < accepted {
            return Some(format!(
                "“{}”不能早于{}合格（{}）",
                step.label(),
                acceptance.label(),
                super::date_text(accepted)
            ));
        }
        if step.phase().before_acceptance() && done_on > accepted {
            return Some(format!(
                "“{}”不能晚于{}合格（{}）",
                step.label(),
                acceptance.label(),
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
    if phase.is_acceptance() {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    /// A small programme shaped like Luoning's: 方案 (一征, 三议), 审定, 验收, 交付.
    fn programme() -> &'static Programme {
        let phase = |code: &str, name: &str, acceptance| PhaseDef {
            code: code.to_owned(),
            name: name.to_owned(),
            clause: "四、（二）".to_owned(),
            acceptance,
        };
        let step = |code: &str, phase: &str, name: &str| StepDef {
            code: code.to_owned(),
            phase: phase.to_owned(),
            name: name.to_owned(),
            count: None,
            details: Vec::new(),
            local_rule: None,
            evidence: None,
            evaluations: false,
            marks: None,
        };
        Programme::register(
            Programme::new(
                "test-1",
                "测试方案",
                vec![
                    phase("plan", "制定方案", false),
                    phase("approval", "县政府审定并公示", false),
                    phase("acceptance", "工程验收", true),
                    phase("hand_over", "交付", false),
                ],
                vec![
                    step("consult", "plan", "一征：征求居民意见"),
                    step("resolve", "plan", "三议：居民代表会议决议"),
                    step("approved", "approval", "县政府研究通过"),
                    step("posted", "approval", "方案在小区内公示"),
                    step("hand_over", "hand_over", "交付"),
                ],
            )
            .unwrap(),
        )
    }

    fn s(code: &str) -> Step {
        programme().step(code).unwrap()
    }

    fn phase(code: &str) -> Phase {
        programme().phases().find(|p| p.code() == code).unwrap()
    }

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
            record(s("consult"), day(3, 1)),
            record(s("approved"), day(5, 1)),
        ];
        let today = day(12, 31);
        assert!(date_problem(s("resolve"), day(4, 1), &recorded, None, today).is_none());
        let early = date_problem(s("resolve"), day(2, 1), &recorded, None, today).unwrap();
        assert!(early.message().contains("一征：征求居民意见"), "{early}");
        let late = date_problem(s("resolve"), day(6, 1), &recorded, None, today).unwrap();
        assert!(late.message().contains("县政府研究通过"), "{late}");
        let hand_over = date_problem(s("hand_over"), day(6, 1), &recorded, None, today);
        assert!(hand_over.unwrap().message().contains("须在工程验收合格"));
        let early_hand_over =
            date_problem(s("hand_over"), day(6, 1), &recorded, Some(day(7, 1)), today);
        assert!(
            early_hand_over
                .unwrap()
                .message()
                .contains("不能早于工程验收合格")
        );
        assert!(
            date_problem(
                s("consult"),
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
        let mut recorded = vec![record(s("approved"), day(5, 1))];
        assert_eq!(
            phase_state(phase("approval"), &recorded, false),
            PhaseState::Under
        );
        recorded.push(record(s("posted"), day(5, 3)));
        assert_eq!(
            phase_state(phase("approval"), &recorded, false),
            PhaseState::DoneWithoutEvidence
        );
        for r in &mut recorded {
            r.evidence.push("批复.pdf".to_owned());
        }
        assert_eq!(
            phase_state(phase("approval"), &recorded, false),
            PhaseState::Done
        );
        let codes = || recorded.iter().map(|r| r.step.code());
        assert_eq!(
            programme().phase_of_codes(codes(), false),
            Some(phase("approval"))
        );
        assert_eq!(
            programme().phase_of_codes(codes(), true),
            Some(phase("acceptance"))
        );
        assert_eq!(programme().phase_of_codes(["unknown"], false), None);
    }

    #[test]
    fn a_programme_has_one_acceptance_phase_and_its_steps_in_phase_order() {
        let p = programme();
        let mut phases: Vec<PhaseDef> = p.phases.clone();
        phases[3].acceptance = true;
        assert_eq!(
            Programme::new("x", "x", phases, p.steps.clone()),
            Err(ProgrammeError::Acceptance(2))
        );
        let mut steps = p.steps.clone();
        steps.swap(0, 2);
        assert!(matches!(
            Programme::new("x", "x", p.phases.clone(), steps),
            Err(ProgrammeError::OutOfOrder(_))
        ));
    }
}
