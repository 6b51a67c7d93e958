//! The compound page's 改造进程: each phase of 四、实施步骤 with its clause and state, each step
//! with its date, unit, count and evidence, and the buttons that record them.

use eframe::egui;

use crate::command::Command;
use crate::model::CompoundId;
use crate::model::programme::{Phase, PhaseState, Programme, StepRecord, phase_state};
use crate::ui::widgets::CommandButton;

pub fn show(
    ui: &mut egui::Ui,
    compound: CompoundId,
    programme: &'static Programme,
    (steps, evaluations): (&[StepRecord], &[crate::model::programme::ServiceEvaluation]),
    accepted: bool,
    commands: &mut Vec<Command>,
) {
    ui.heading("改造进程");
    ui.label(
        egui::RichText::new(format!(
            "按{}实施步骤逐步登记；每步不得早于它之前的步骤，完成的阶段须附证据。{}取自验收记录。",
            programme.plan,
            programme.acceptance().label()
        ))
        .small(),
    );
    // One grid for every phase, so the columns line up down the page.
    egui::Grid::new("programme_steps")
        .num_columns(5)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for phase in programme.phases() {
                phase_rows(ui, phase, compound, steps, accepted, commands);
            }
        });
    // 长效管理: the property service, evaluated regularly after its step (四、（三）3).
    if let Some(after) = programme.evaluation_step()
        && steps.iter().any(|s| s.step == after)
    {
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("物业服务评价").strong());
            CommandButton::new(Command::NewEvaluation(compound))
                .small()
                .show(ui, commands);
        });
        if evaluations.is_empty() {
            ui.label("尚无评价记录。");
        }
        for e in evaluations {
            ui.label(format!(
                "{}　{} 分　{}　{}",
                crate::model::date_text(e.evaluated_on),
                e.score,
                e.unit,
                e.note
            ));
        }
    }
}

fn phase_rows(
    ui: &mut egui::Ui,
    phase: Phase,
    compound: CompoundId,
    steps: &[StepRecord],
    accepted: bool,
    commands: &mut Vec<Command>,
) {
    let state = phase_state(phase, steps, accepted);
    let color = match state {
        PhaseState::Done => crate::ui::widgets::PASS_GREEN,
        PhaseState::DoneWithoutEvidence => ui.visuals().warn_fg_color,
        PhaseState::Under => ui.visuals().text_color(),
        PhaseState::NotStarted => ui.visuals().weak_text_color(),
    };
    ui.label(egui::RichText::new(phase.label()).strong());
    ui.label(egui::RichText::new(phase.clause()).small().weak());
    ui.label(egui::RichText::new(state.label()).color(color));
    ui.end_row();
    if phase.is_acceptance() {
        ui.label("");
        ui.label(if accepted {
            "验收合格并经各方签字（见下方验收记录）"
        } else {
            "尚未验收合格（见下方验收记录）"
        });
        ui.end_row();
        return;
    }
    for step in phase.steps() {
        let record = steps.iter().find(|r| r.step == step);
        let hover: Vec<&str> = [step.local_rule(), step.evidence()]
            .into_iter()
            .flatten()
            .collect();
        ui.label(format!("　{}", step.label()))
            .on_hover_text(hover.join("\n"));
        // The buttons come before what was recorded, which can be long: on a narrow screen they
        // stay in the window, and the record wraps.
        ui.horizontal(|ui| {
            CommandButton::new(Command::EditStep { compound, step })
                .text(if record.is_some() {
                    "修改…"
                } else {
                    "登记…"
                })
                .small()
                .show(ui, commands);
            if record.is_some() {
                CommandButton::new(Command::AddEvidence { compound, step })
                    .small()
                    .show(ui, commands);
            }
        });
        match record {
            Some(r) => {
                let mut text = crate::model::date_text(r.done_on);
                if !r.unit.is_empty() {
                    text.push_str(&format!("，{}", r.unit));
                }
                if let (Some(n), Some(what)) = (r.count, step.count_label()) {
                    text.push_str(&format!("，{what} {n}"));
                }
                for (k, v) in r.details.iter().filter(|(_, v)| !v.is_empty()) {
                    text.push_str(&format!("，{k}：{v}"));
                }
                wrapped(ui, egui::RichText::new(text));
                if r.evidence.is_empty() {
                    ui.colored_label(ui.visuals().warn_fg_color, "未附证据");
                } else {
                    wrapped(
                        ui,
                        egui::RichText::new(format!("证据：{}", r.evidence.join("、"))),
                    );
                }
            }
            None => {
                ui.weak("—");
                ui.label("");
            }
        }
        ui.end_row();
    }
}

/// A grid cell's text, wrapped at a width that keeps the grid inside a small window.
fn wrapped(ui: &mut egui::Ui, text: egui::RichText) {
    ui.scope(|ui| {
        ui.set_width(300.0);
        ui.add(egui::Label::new(text).wrap());
    });
}
