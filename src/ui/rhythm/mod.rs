//! 推进机制: 附件2's 日通报、周例会、月观摩、季考评, one tab each, and the local rules the
//! policy's text leaves open. The day, month and quarter shown are part of the screen
//! (`RhythmChoice`), so a reload keeps them and a link can open any of them.

mod daily;
mod meetings;
mod observation;
mod quarter;

use chrono::NaiveDate;
use eframe::egui;

use crate::command::{Command, Screen};
use crate::model::CompoundId;
use crate::model::policy_rule::{PolicyRule, PolicyRules};
use crate::model::rhythm::{
    ActionItem, Bulletin, Candidate, Meeting, ObservationStop, QuarterScore, Ranked, RhythmChoice,
    UnitEvidence, UnitKind, ranking,
};
use crate::store::{Store, StoreError};

pub use daily::ReportForm;
pub use meetings::MeetingForm;
pub use quarter::ScoreForm;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Daily,
    Meetings,
    Observation,
    Quarter,
    Rules,
}

impl Tab {
    const ALL: [Self; 5] = [
        Self::Daily,
        Self::Meetings,
        Self::Observation,
        Self::Quarter,
        Self::Rules,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Daily => "日通报",
            Self::Meetings => "周例会",
            Self::Observation => "月观摩",
            Self::Quarter => "季考评",
            Self::Rules => "本地规则",
        }
    }
}

/// The records shown and the forms being typed.
#[derive(Debug)]
pub struct RhythmView {
    pub choice: RhythmChoice,
    pub tab: Tab,
    pub bulletin: Bulletin,
    /// Meetings' decisions still open at the day's end.
    pub open_actions: Vec<ActionItem>,
    pub meetings: Vec<Meeting>,
    pub candidates: Vec<Candidate>,
    pub route: Vec<ObservationStop>,
    /// The route being arranged: compound, name, why.
    pub draft_route: Vec<(CompoundId, String, String)>,
    pub scores: Vec<QuarterScore>,
    pub evidence: Vec<UnitEvidence>,
    pub ranking: Vec<Ranked>,
    pub rules: PolicyRules,
    /// The county's 附件2 as its pack sets it: its plan, the kinds of unit and their names,
    /// the scale of a quarter's score.
    pub frame: RhythmFrame,
    pub units: Vec<(String, UnitKind)>,
    pub is_sample: bool,
    // Forms.
    pub report: ReportForm,
    /// The resolution typed beside each open matter (report id → text).
    pub resolutions: std::collections::HashMap<crate::model::DailyReportId, String>,
    pub meeting: MeetingForm,
    pub score: ScoreForm,
    pub rule_texts: Vec<String>,
    /// Date fields as typed.
    pub day_text: String,
    pub month_text: String,
    /// A refusal of the last write, shown on the tab.
    pub problem: Option<String>,
}

/// The county's 附件2 (推进机制) as its pack sets it.
#[derive(Clone, Debug)]
pub struct RhythmFrame {
    /// The plan's number (宁政办〔2021〕17号).
    pub plan: String,
    pub rhythm: crate::model::policy_pack::Rhythm,
    /// Each local rule's source in the pack, and its value there (`PolicyRule::ALL` order).
    pub rule_sources: Vec<(String, String)>,
}

impl RhythmFrame {
    pub fn of(store: &Store) -> Result<Self, StoreError> {
        let pack = store.policy_pack()?;
        let given = PolicyRules::of_pack(&pack.meta);
        Ok(Self {
            plan: pack.meta.plan.number.clone(),
            rhythm: pack.meta.rhythm.clone(),
            rule_sources: PolicyRule::ALL
                .iter()
                .map(|r| (r.source(&pack.meta), given.value(*r)))
                .collect(),
        })
    }

    /// Its clause with the plan: "宁政办〔2021〕17号附件2".
    pub fn basis(&self) -> String {
        format!("{}{}", self.plan, self.rhythm.clause)
    }
}

impl RhythmView {
    pub fn load(store: &Store, choice: RhythmChoice) -> Result<Self, StoreError> {
        let reports = store.daily_reports_until(choice.day)?;
        let meetings = store.meetings()?;
        let open_actions = meetings
            .iter()
            .filter(|m| m.held_on <= choice.day)
            .flat_map(|m| m.actions.iter().cloned())
            .filter(|a| a.closed_on.is_none_or(|c| c > choice.day))
            .collect();
        let scores = store.quarter_scores(choice.quarter)?;
        let units: Vec<&str> = scores.iter().map(|s| s.unit.as_str()).collect();
        let evidence = store.quarter_evidence(choice.quarter, &units)?;
        let rules = store.policy_rules()?;
        let route = store.observation_route(choice.month)?;
        Ok(Self {
            choice,
            tab: Tab::default(),
            bulletin: Bulletin::of(choice.day, &reports),
            open_actions,
            meetings,
            candidates: store.observation_candidates(choice.month)?,
            draft_route: route
                .iter()
                .map(|s| (s.compound, s.name.clone(), s.reason.clone()))
                .collect(),
            route,
            ranking: ranking(&scores, rules.quarter),
            scores,
            evidence,
            rule_texts: PolicyRule::ALL.iter().map(|r| rules.value(*r)).collect(),
            rules,
            frame: RhythmFrame::of(store)?,
            units: store.known_units()?,
            is_sample: store.has_only_sample()?,
            report: ReportForm::new(choice.day),
            resolutions: Default::default(),
            meeting: MeetingForm::new(choice.day),
            score: ScoreForm::default(),
            day_text: choice.day.to_string(),
            month_text: choice.month.code(),
            problem: None,
        })
    }

    /// Takes fresh records and keeps the tab and what is typed.
    pub fn update(&mut self, fresh: Self) {
        let old = std::mem::replace(self, fresh);
        self.tab = old.tab;
        self.report = old.report;
        self.resolutions = old.resolutions;
        self.meeting = old.meeting;
        self.score = old.score;
        if old.choice.month == self.choice.month {
            self.draft_route = old.draft_route;
        }
    }

    /// After `command` went through: its form starts afresh (a report form keeps its day, unit
    /// and kind, for the unit's next compound).
    pub fn saved(&mut self, command: &crate::command::RhythmCommand) {
        use crate::command::RhythmCommand as R;
        self.problem = None;
        match command {
            R::AddReport(_) => self.report.clear_texts(),
            R::Resolve { id, .. } => {
                self.resolutions.remove(id);
            }
            R::AddMeeting(_) => self.meeting = MeetingForm::new(self.choice.day),
            R::SaveScore { .. } => self.score = ScoreForm::default(),
            R::SetRoute { .. } => {
                self.draft_route = self
                    .route
                    .iter()
                    .map(|s| (s.compound, s.name.clone(), s.reason.clone()))
                    .collect();
            }
            R::SetRule { .. } => {
                self.rule_texts = PolicyRule::ALL
                    .iter()
                    .map(|r| self.rules.value(*r))
                    .collect();
            }
            R::DeleteReport(_) | R::CloseAction { .. } => {}
        }
    }
}

pub fn show(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    ui.heading("推进机制");
    let title = match view.frame.rhythm.title.as_str() {
        "" => String::new(),
        title => format!("《{title}》"),
    };
    ui.label(format!(
        "{}{title}：各单位每日报送，县改造办每日通报、每周例会、每月观摩、每季考评。",
        view.frame.basis()
    ));
    if view.is_sample {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            "【示例数据 · 仅供培训，不作为正式记录】",
        );
    }
    ui.horizontal(|ui| {
        for tab in Tab::ALL {
            ui.selectable_value(&mut view.tab, tab, tab.label());
        }
    });
    ui.separator();
    if let Some(problem) = &view.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| match view.tab {
            Tab::Daily => daily::show(ui, view, commands),
            Tab::Meetings => meetings::show(ui, view, commands),
            Tab::Observation => observation::show(ui, view, commands),
            Tab::Quarter => quarter::show(ui, view, commands),
            Tab::Rules => quarter::show_rules(ui, view, commands),
        });
}

/// Moves the screen to another day, month or quarter.
fn choose(commands: &mut Vec<Command>, choice: RhythmChoice) {
    commands.push(Command::Show(Screen::Rhythm(choice)));
}

/// A labelled multi-line text field (the label names it for screen readers and tests).
fn labelled_multiline(ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::multiline(value)
            .hint_text(hint)
            .desired_rows(2)
            .desired_width(420.0),
    )
    .labelled_by(label.id);
    ui.end_row();
}

/// A unit kind picker, labelled: the kinds of the county's pack, by its names.
fn kind_picker(
    ui: &mut egui::Ui,
    (salt, frame): (&str, &RhythmFrame),
    kind: &mut Option<UnitKind>,
) {
    let label = ui.label("单位类别");
    let rhythm = &frame.rhythm;
    egui::ComboBox::from_id_salt(salt)
        .selected_text(kind.map_or("请选择", |k| k.name_in(rhythm)))
        .show_ui(ui, |ui| {
            for k in UnitKind::of_pack(rhythm) {
                ui.selectable_value(kind, Some(k), k.name_in(rhythm));
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
}

/// Parses a typed date, or says what is wrong.
fn parse_day(text: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{what}“{}”不是日期，请写成 2026-11-29。", text.trim()))
}
