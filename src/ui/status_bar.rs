//! The status bar: the last message, and the running background task.

use eframe::egui;

use crate::app::Message;
use crate::command::Command;

pub fn show(
    ui: &mut egui::Ui,
    message: Option<&Message>,
    task: Option<&str>,
    progress: Option<(usize, usize)>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        if let Some(task) = task {
            ui.spinner();
            ui.label(task);
            if let Some((done, total)) = progress.filter(|(_, total)| *total > 1) {
                ui.add(
                    egui::ProgressBar::new(done as f32 / total as f32)
                        .desired_width(160.0)
                        .text(format!("{done}/{total}")),
                );
                if ui
                    .button("取消")
                    .on_hover_text("在当前文件写完后停止；已写好的文件保留")
                    .clicked()
                {
                    commands.push(Command::CancelExport);
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
                if ui.small_button("知道了").clicked() {
                    commands.push(Command::DismissMessage);
                }
            }
            None if task.is_none() => {
                ui.label(egui::RichText::new("就绪 · 每次操作即时保存").weak());
            }
            None => {}
        }
    });
}
