//! Small widgets shared by screens.

mod command_button;
pub mod signature_pad;
pub mod thumbnails;

pub use command_button::{CommandButton, command_button, menu_item, shortcut_text};

use eframe::egui;

/// A labelled single-line text field; the label names it for screen readers and tests.
/// Shows `error` in red beneath it.
pub fn labelled_text(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    error: Option<&str>,
) -> egui::Response {
    let label_response = ui.label(label);
    let response = ui
        .add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(320.0),
        )
        .labelled_by(label_response.id);
    ui.end_row();
    if let Some(error) = error {
        ui.label("");
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
        ui.end_row();
    }
    response
}

/// The verdict label in its colour: green 合格, red 不合格, plain 未完成.
pub fn verdict_text(verdict: &crate::model::Verdict, visuals: &egui::Visuals) -> egui::RichText {
    use crate::model::Verdict;
    let text = egui::RichText::new(verdict.label()).strong();
    match verdict {
        Verdict::Passed => text.color(PASS_GREEN),
        Verdict::Failed { .. } => text.color(visuals.error_fg_color),
        Verdict::Incomplete { .. } => text,
    }
}

/// The banner over a file open for viewing only: why, and what to do.
pub fn view_only_banner(ui: &mut egui::Ui, why: &str) {
    egui::Frame::new()
        .fill(egui::Color32::from_rgb(255, 243, 205))
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new(format!("只读 · {why}"))
                    .color(egui::Color32::from_rgb(120, 70, 0))
                    .strong(),
            );
        });
}

/// Red lines naming what the check of signed records found about this page's records.
pub fn audit_warnings<'a>(
    ui: &mut egui::Ui,
    findings: impl Iterator<Item = &'a crate::store::AuditFinding>,
) {
    for f in findings {
        ui.label(
            egui::RichText::new(format!("【异常】{}：{}", f.what, f.finding.explanation()))
                .color(ui.visuals().error_fg_color)
                .strong(),
        );
    }
}

/// The green used for 合格.
pub const PASS_GREEN: egui::Color32 = egui::Color32::from_rgb(0, 130, 60);

/// The eligibility finding in its colour.
pub fn eligibility_text(
    status: crate::model::Eligibility,
    visuals: &egui::Visuals,
) -> egui::RichText {
    use crate::model::Eligibility;
    let text = egui::RichText::new(status.label()).strong();
    match status {
        Eligibility::Eligible => text.color(PASS_GREEN),
        Eligibility::NotEligible => text.color(visuals.error_fg_color),
        Eligibility::NeedsInformation => text.color(visuals.warn_fg_color),
    }
}

/// The eligibility rules, one line each: ✔ met, ✘ not met, ？ missing, with the reason.
pub fn eligibility_checks(ui: &mut egui::Ui, report: &crate::model::EligibilityReport) {
    use crate::model::Finding;
    for check in &report.checks {
        let (mark, color) = match check.finding {
            Finding::Met => ("✔", PASS_GREEN),
            Finding::NotMet => ("✘", ui.visuals().error_fg_color),
            Finding::Missing => ("？", ui.visuals().warn_fg_color),
            Finding::Note => ("注", ui.visuals().weak_text_color()),
        };
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(mark).color(color));
            ui.label(egui::RichText::new(check.rule).strong());
            ui.label(&check.reason);
        });
    }
}

/// 开始验收, or, while a round of the subject is not yet signed and locked, 继续验收 that
/// round: one acceptance at a time.
pub fn start_or_continue(
    ui: &mut egui::Ui,
    subject: crate::model::Subject,
    rounds: &[crate::store::InspectionSummary],
    commands: &mut Vec<crate::command::Command>,
) {
    use crate::command::{Command, Screen};
    match rounds.iter().find(|r| !r.signed_off) {
        Some(open) => {
            CommandButton::new(Command::Show(Screen::Inspection(open.id)))
                .text(format!(
                    "继续验收（{} 第 {} 轮）",
                    crate::model::date_text(open.inspected_on),
                    open.round
                ))
                .hint("这一轮签字锁定后，才能开始新的验收")
                .min_size(egui::vec2(120.0, 32.0))
                .show(ui, commands);
        }
        None => {
            CommandButton::new(Command::NewInspection(subject))
                .min_size(egui::vec2(120.0, 32.0))
                .show(ui, commands);
        }
    }
}

/// "　· 政策包 410328/2021-17/v1" for a record that says which pack it was made under; nothing
/// for one made before files recorded it.
pub fn pack_version_note(version: &str) -> String {
    if version.is_empty() {
        String::new()
    } else {
        format!("　· 政策包 {version}")
    }
}
