//! The status bar: the last message, and the running background task.

use eframe::egui;

use crate::command::Command;
use crate::ui::widgets::{CommandButton, command_button};

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// A background job as the status bar shows it.
#[derive(Debug)]
pub struct TaskLine {
    pub description: String,
    /// (done, total); a bar is shown when there is more than one step.
    pub progress: (usize, usize),
    /// The command that stops it, if it can be stopped.
    pub cancel: Option<Command>,
}

pub fn show(
    ui: &mut egui::Ui,
    message: Option<&Message>,
    tasks: &[TaskLine],
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        for task in tasks {
            ui.spinner();
            ui.label(&task.description);
            let (done, total) = task.progress;
            if total > 1 {
                ui.add(
                    egui::ProgressBar::new(done as f32 / total as f32)
                        .desired_width(160.0)
                        .text(format!("{done}/{total}")),
                );
                if let Some(cancel) = &task.cancel {
                    command_button(ui, cancel.clone(), commands);
                }
            }
            ui.separator();
        }
        match message {
            Some(m) => {
                let color = if m.is_error {
                    ui.visuals().error_fg_color
                } else {
                    egui::Color32::from_rgb(0, 120, 50)
                };
                ui.label(egui::RichText::new(&m.text).color(color));
                CommandButton::new(Command::DismissMessage)
                    .small()
                    .show(ui, commands);
            }
            None if tasks.is_empty() => {
                ui.label(egui::RichText::new("就绪 · 每次操作即时保存").weak());
            }
            None => {}
        }
    });
}
