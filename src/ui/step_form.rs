//! The form that records one programme step of a compound: its date, responsible unit, count
//! where it has one, details and note.

use eframe::egui;

use crate::command::Command;
use crate::model::CompoundId;
use crate::model::programme::{Step, StepRecord};
use crate::ui::widgets::{CommandButton, command_button, labelled_text};

/// The step form's state, as typed.
#[derive(Debug)]
pub struct StepForm {
    pub compound: CompoundId,
    pub step: Step,
    pub done_on: String,
    pub unit: String,
    pub count: String,
    pub details: Vec<(String, String)>,
    pub note: String,
    /// Whether the step is recorded already (it can be cleared).
    pub recorded: bool,
    pub problem: Option<String>,
}

impl StepForm {
    /// The form for `step`, filled from its record if it has one.
    pub fn new(
        compound: CompoundId,
        step: Step,
        record: Option<&StepRecord>,
        today: chrono::NaiveDate,
    ) -> Self {
        let details = step
            .detail_fields()
            .iter()
            .map(|k| {
                let v = record
                    .and_then(|r| r.details.iter().find(|(key, _)| key == k))
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (k.clone(), v)
            })
            .collect();
        Self {
            compound,
            step,
            done_on: record
                .map_or(today, |r| r.done_on)
                .format("%Y-%m-%d")
                .to_string(),
            unit: record.map(|r| r.unit.clone()).unwrap_or_default(),
            count: record
                .and_then(|r| r.count)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            details,
            note: record.map(|r| r.note.clone()).unwrap_or_default(),
            recorded: record.is_some(),
            problem: None,
        }
    }

    /// The record the form describes, or what is wrong with it.
    pub fn record(&self) -> Result<StepRecord, String> {
        let text = self.done_on.trim();
        let done_on = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.split('-').next().is_some_and(|y| y.len() == 4))
            .ok_or_else(|| "日期应写成 年-月-日，如 2024-05-10".to_owned())?;
        let count =
            match self.count.trim() {
                "" => None,
                n => Some(n.parse::<u32>().map_err(|_| {
                    format!("{}应为整数", self.step.count_label().unwrap_or("数量"))
                })?),
            };
        Ok(StepRecord {
            step: self.step,
            done_on,
            unit: self.unit.trim().to_owned(),
            count,
            note: self.note.trim().to_owned(),
            details: self
                .details
                .iter()
                .map(|(k, v)| (k.clone(), v.trim().to_owned()))
                .collect(),
            evidence: Vec::new(),
        })
    }
}

pub fn show(ui: &mut egui::Ui, form: &mut StepForm, commands: &mut Vec<Command>) {
    ui.heading(form.step.label());
    ui.label(
        egui::RichText::new(format!(
            "{}（{} {}）",
            form.step.phase().label(),
            form.step.phase().plan(),
            form.step.phase().clause()
        ))
        .small(),
    );
    if let Some(rule) = form.step.local_rule() {
        ui.label(egui::RichText::new(rule).small().weak());
    }
    if let Some(evidence) = form.step.evidence() {
        ui.label(egui::RichText::new(format!("证据：{evidence}")).small());
    }
    ui.add_space(6.0);
    egui::Grid::new("step_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(ui, "日期", &mut form.done_on, "年-月-日", None);
            labelled_text(ui, "责任单位", &mut form.unit, "如：××镇人民政府", None);
            if let Some(what) = form.step.count_label() {
                labelled_text(ui, what, &mut form.count, "整数", None);
            }
            for (key, value) in &mut form.details {
                labelled_text(ui, key, value, "", None);
            }
            labelled_text(ui, "备注", &mut form.note, "", None);
        });
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        command_button(ui, Command::SaveStep, commands);
        if form.recorded {
            CommandButton::new(Command::ClearStep {
                compound: form.compound,
                step: form.step,
            })
            .show(ui, commands);
        }
        command_button(ui, Command::CloseDialog, commands);
    });
}

/// The property-service evaluation form, as typed.
#[derive(Debug)]
pub struct EvaluationForm {
    pub compound: CompoundId,
    /// Where the plan asks for it: "宁政办〔2021〕17号 四、（三）".
    pub basis: String,
    pub evaluated_on: String,
    pub unit: String,
    pub score: String,
    pub note: String,
    pub problem: Option<String>,
}

impl EvaluationForm {
    pub fn new(compound: CompoundId, basis: String, today: chrono::NaiveDate) -> Self {
        Self {
            compound,
            basis,
            evaluated_on: today.format("%Y-%m-%d").to_string(),
            unit: String::new(),
            score: String::new(),
            note: String::new(),
            problem: None,
        }
    }

    pub fn evaluation(&self) -> Result<crate::model::programme::ServiceEvaluation, String> {
        let text = self.evaluated_on.trim();
        let evaluated_on = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.split('-').next().is_some_and(|y| y.len() == 4))
            .ok_or_else(|| "日期应写成 年-月-日，如 2024-05-10".to_owned())?;
        let score = self
            .score
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|s| *s <= 100)
            .ok_or_else(|| "评分应为 0 到 100 的整数".to_owned())?;
        Ok(crate::model::programme::ServiceEvaluation {
            id: Default::default(),
            evaluated_on,
            unit: self.unit.trim().to_owned(),
            score,
            note: self.note.trim().to_owned(),
        })
    }
}

pub fn show_evaluation(ui: &mut egui::Ui, form: &mut EvaluationForm, commands: &mut Vec<Command>) {
    ui.heading("物业服务评价");
    ui.label(
        egui::RichText::new(format!(
            "定期考核评定物业服务，评定结果作为拨付物业补贴的重要依据（{}）。",
            form.basis
        ))
        .small(),
    );
    ui.add_space(6.0);
    egui::Grid::new("evaluation_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(ui, "评价日期", &mut form.evaluated_on, "年-月-日", None);
            labelled_text(ui, "评价单位", &mut form.unit, "如：县住建局物业科", None);
            labelled_text(ui, "评分", &mut form.score, "0–100", None);
            labelled_text(ui, "备注", &mut form.note, "", None);
        });
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.horizontal(|ui| {
        command_button(ui, Command::SaveEvaluation, commands);
        command_button(ui, Command::CloseDialog, commands);
    });
}
