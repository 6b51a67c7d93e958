//! Shown when the database could not be opened: why, and what to do.

use std::path::Path;

use eframe::egui;

use crate::command::{Command, UiCommand};
use crate::ui::widgets::CommandButton;

pub fn show(ui: &mut egui::Ui, path: &Path, error: Option<&str>, commands: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("未打开数据库");
        ui.add_space(12.0);
        ui.label(format!("文件：{}", path.display()));
        if let Some(error) = error {
            ui.add_space(8.0);
            ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
        }
        ui.add_space(20.0);
        for command in [
            UiCommand::OpenDatabase,
            UiCommand::NewDatabase,
            UiCommand::NewSampleDatabase,
        ] {
            CommandButton::new(command.into())
                .min_size(egui::vec2(260.0, 36.0))
                .show(ui, commands);
        }
    });
}
