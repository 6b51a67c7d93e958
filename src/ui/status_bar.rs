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

/// This file's device and what waits for a user after an import, as the status bar shows
/// them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Station {
    /// e.g. 城关镇-王海燕的笔记本（外业）
    pub device: String,
    /// Conflicts and look-alike compounds not yet settled.
    pub pending: usize,
}

pub fn show(
    ui: &mut egui::Ui,
    message: Option<&Message>,
    tasks: &[TaskLine],
    station: &Station,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        if !station.device.is_empty() {
            ui.label(egui::RichText::new(format!("本机：{}", station.device)).weak())
                .on_hover_text("在“文件 › 数据交换与冲突处理”中修改本机名称和用途");
            if station.pending > 0 {
                CommandButton::new(Command::Ui(crate::command::UiCommand::ShowExchange))
                    .text(
                        egui::RichText::new(format!("！{} 处冲突待处理", station.pending))
                            .color(ui.visuals().warn_fg_color),
                    )
                    .small()
                    .show(ui, commands);
            }
            ui.separator();
        }
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
                // The close button first: a message longer than the bar is cut with “…”
                // (the whole of it on hover), never the button.
                CommandButton::new(Command::DismissMessage)
                    .small()
                    .show(ui, commands);
                ui.add(egui::Label::new(egui::RichText::new(&m.text).color(color)).truncate())
                    .on_hover_text(&m.text);
            }
            None if tasks.is_empty() => {
                ui.label(egui::RichText::new("就绪 · 每次操作即时保存").weak());
            }
            None => {}
        }
    });
}
