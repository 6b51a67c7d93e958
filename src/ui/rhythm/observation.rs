//! 月观摩: the compounds worth showing this month (clear progress, evidence behind it, reports
//! on it), the route being arranged in order with why each stop, and its printable 观摩安排.

use eframe::egui;

use super::{RhythmView, choose};
use crate::command::{Command, RhythmCommand};
use crate::export::Document;
use crate::model::rhythm::{Month, RhythmChoice};
use crate::ui::widgets::CommandButton;

pub(super) fn show(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("观摩月份");
        ui.add(egui::TextEdit::singleline(&mut view.month_text).desired_width(80.0))
            .labelled_by(label.id);
        if ui.button("查看").clicked() {
            match Month::parse(&view.month_text) {
                Some(month) => choose(
                    commands,
                    RhythmChoice {
                        month,
                        ..view.choice
                    },
                ),
                None => {
                    view.problem = Some(format!(
                        "月份“{}”应写成 2026-11 这样。",
                        view.month_text.trim()
                    ));
                }
            }
        }
    });
    ui.label(egui::RichText::new(format!("在全县选定改造进展明显、示范效应突出、经验可复制可推广的项目，明确观摩路线（{}）。下列候选按已完成步骤、证据和本月日报排序。", view.frame.basis())).small());
    ui.add_space(6.0);
    ui.strong(format!("{} 观摩路线", view.choice.month.label()));
    let mut action = None;
    let count = view.draft_route.len();
    for (i, (_, name, reason)) in view.draft_route.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("第 {} 站 {name}", i + 1));
            let label = ui.label("观摩要点");
            ui.add(egui::TextEdit::singleline(reason).desired_width(260.0))
                .labelled_by(label.id);
            if ui
                .add_enabled(i > 0, egui::Button::new("上移").small())
                .clicked()
            {
                action = Some((i, -1));
            }
            if ui
                .add_enabled(i + 1 < count, egui::Button::new("下移").small())
                .clicked()
            {
                action = Some((i, 1));
            }
            if ui.small_button("移出").clicked() {
                action = Some((i, 0));
            }
        });
    }
    match action {
        Some((i, 0)) => {
            view.draft_route.remove(i);
        }
        Some((i, -1)) => view.draft_route.swap(i, i - 1),
        Some((i, _)) => view.draft_route.swap(i, i + 1),
        None => {}
    }
    if view.draft_route.is_empty() {
        ui.label("本月尚未选定观摩小区：在下面的候选中加入。");
    }
    let saved: Vec<(crate::model::CompoundId, String)> = view
        .route
        .iter()
        .map(|s| (s.compound, s.reason.clone()))
        .collect();
    let stops: Vec<(crate::model::CompoundId, String)> = view
        .draft_route
        .iter()
        .map(|(c, _, r)| (*c, r.trim().to_owned()))
        .collect();
    ui.horizontal(|ui| {
        CommandButton::new(Command::Rhythm(RhythmCommand::SetRoute {
            month: view.choice.month,
            stops: stops.clone(),
        }))
        .enabled(stops != saved)
        .show(ui, commands);
        CommandButton::new(Command::Export(Document::ObservationPlan(
            view.choice.month,
        )))
        .enabled(!view.route.is_empty())
        .hint("先保存观摩路线")
        .show(ui, commands);
    });
    ui.add_space(8.0);
    ui.strong("候选小区");
    if view.candidates.is_empty() {
        ui.label("还没有小区记录改造进程。");
    }
    egui::Grid::new("observation_candidates")
        .striped(true)
        .num_columns(4)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for c in &view.candidates {
                ui.label(format!("{}（{}）", c.name, c.town));
                ui.label(&c.stage);
                ui.label(format!(
                    "已完成 {} 步，证据 {} 份，本月日报 {} 份",
                    c.steps_done, c.evidence_files, c.reports_in_month
                ));
                let on_route = view.draft_route.iter().any(|(id, _, _)| *id == c.compound);
                if ui
                    .add_enabled(!on_route, egui::Button::new("加入路线"))
                    .on_hover_text(format!("把{}加入本月观摩路线", c.name))
                    .clicked()
                {
                    view.draft_route
                        .push((c.compound, c.name.clone(), c.stage.clone()));
                }
                ui.end_row();
            }
        });
}
