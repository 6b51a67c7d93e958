//! The modal dialog over the current screen.

use eframe::egui;

use crate::app::Dialog;
use crate::command::Command;
use crate::model::{Cluster, Town};
use crate::ui::{compound_form, inspection_form, path_prompt};

pub fn show(
    ctx: &egui::Context,
    dialog: &mut Dialog,
    towns: &[Town],
    clusters: &[Cluster],
    commands: &mut Vec<Command>,
) {
    let response = egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
        ui.set_min_width(460.0);
        match dialog {
            Dialog::CompoundForm(form) => compound_form::show(ui, form, towns, clusters, commands),
            Dialog::NewInspection(form) => inspection_form::show(ui, form, commands),
            Dialog::PathPrompt(prompt) => path_prompt::show(ui, prompt, commands),
            Dialog::ConfirmDelete {
                id,
                name,
                inspections,
            } => {
                ui.heading("确认删除");
                ui.add_space(6.0);
                ui.label(format!("确定删除小区“{name}”吗？"));
                if *inspections > 0 {
                    ui.label(
                        egui::RichText::new(format!("其 {inspections} 条验收记录将一并删除。"))
                            .color(ui.visuals().error_fg_color),
                    );
                }
                ui.label("删除后无法恢复。");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("确认删除").clicked() {
                        commands.push(Command::DeleteCompound(*id));
                    }
                    if ui.button("取消").clicked() {
                        commands.push(Command::CloseDialog);
                    }
                });
            }
        }
    });
    // Esc or a click outside closes the dialog (nothing typed in it has been saved yet).
    if response.should_close() && commands.is_empty() {
        commands.push(Command::CloseDialog);
    }
}
