//! The form that starts an acceptance inspection: date, inspectors, participating units.

use eframe::egui;

use crate::command::Command;
use crate::model::{InspectionDraft, RoundKind, Subject};
use crate::ui::widgets::{CommandButton, command_button, labelled_text};

#[derive(Debug)]
pub struct InspectionForm {
    pub draft: InspectionDraft,
    pub errors: Vec<String>,
    /// What a first round is checked against, as the file's pack says it (empty for a
    /// later round).
    pub basis: String,
}

impl InspectionForm {
    pub fn new(draft: InspectionDraft, basis: String) -> Self {
        Self {
            draft,
            errors: Vec::new(),
            basis,
        }
    }
}

pub fn show(ui: &mut egui::Ui, form: &mut InspectionForm, commands: &mut Vec<Command>) {
    let (heading, note) = match (form.draft.follows, form.draft.subject) {
        (Some((_, RoundKind::Correction)), _) => (
            "更正已签字的验收记录",
            "原记录保持不变；新的一轮沿用原结果逐项核对，改正有误之处后须各方重新签字。",
        ),
        (Some(_), _) => (
            "开始复验",
            "只复验上一轮后仍不合格的项目；结论按最新一轮计。",
        ),
        (None, Subject::Compound(_)) => ("开始验收", form.basis.as_str()),
        (None, Subject::Cluster(_)) => ("开始片区验收", form.basis.as_str()),
    };
    let cluster_rule = matches!(
        (form.draft.follows, form.draft.subject),
        (None, Subject::Cluster(_))
    )
    .then_some("片区内各小区均验收合格并签字后，片区才能判定合格。");
    ui.heading(heading);
    ui.label(egui::RichText::new(note).small());
    if let Some(rule) = cluster_rule {
        ui.label(egui::RichText::new(rule).small());
    }
    ui.add_space(8.0);
    egui::Grid::new("inspection_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(
                ui,
                "验收日期",
                &mut form.draft.inspected_on,
                "年-月-日",
                None,
            );
            labelled_text(
                ui,
                "验收人员",
                &mut form.draft.inspectors,
                "姓名，多人用顿号分隔",
                None,
            );
            let label = ui.label("参加单位");
            ui.add(
                egui::TextEdit::multiline(&mut form.draft.parties)
                    .desired_rows(6)
                    .desired_width(320.0)
                    .hint_text("每行一个单位"),
            )
            .labelled_by(label.id);
            ui.end_row();
            if matches!(form.draft.follows, Some((_, RoundKind::Correction))) {
                let label = ui.label("更正原因");
                ui.add(
                    egui::TextEdit::multiline(&mut form.draft.reason)
                        .desired_rows(3)
                        .desired_width(320.0)
                        .hint_text("例如：第 5 项结果误记，应为不合格"),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
        });
    ui.label(
        egui::RichText::new("参加单位每行一个，验收单上为每个单位留签字栏。")
            .small()
            .weak(),
    );
    for error in &form.errors {
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        command_button(ui, Command::StartInspection, commands);
        CommandButton::new(Command::CloseDialog)
            .text("取消")
            .show(ui, commands);
    });
}
