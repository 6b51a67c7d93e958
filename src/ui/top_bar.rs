//! The menu bar and breadcrumbs.

use std::path::Path;

use eframe::egui;

use crate::command::Command;
use crate::ui::widgets::menu_item;

pub fn show(
    ui: &mut egui::Ui,
    db_path: &Path,
    has_store: bool,
    breadcrumbs: &[(String, Option<Command>)],
    clusters: &[crate::model::Cluster],
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("文件", |ui| {
            menu_item(ui, Command::NewDatabase, commands);
            menu_item(ui, Command::OpenDatabase, commands);
            menu_item(ui, Command::NewSampleDatabase, commands);
            ui.separator();
            if has_store {
                menu_item(ui, Command::VerifyCode, commands);
                ui.separator();
            }
            menu_item(ui, Command::Quit, commands);
        });
        if has_store {
            ui.menu_button("小区", |ui| {
                menu_item(ui, Command::ShowRegister, commands);
                menu_item(ui, Command::AddCompound, commands);
                menu_item(ui, Command::ShowRectifications, commands);
            });
            ui.menu_button("片区", |ui| {
                if clusters.is_empty() {
                    ui.label("尚无片区：在小区信息中填写“或新建片区”即可建立。");
                }
                for cluster in clusters {
                    if ui.button(&cluster.name).clicked() {
                        commands.push(Command::ShowCluster(cluster.id));
                        ui.close();
                    }
                }
            });
        }
        ui.separator();
        for (i, (label, command)) in breadcrumbs.iter().enumerate() {
            if i > 0 {
                ui.label("›");
            }
            match command {
                Some(command) => {
                    if ui.link(label).clicked() {
                        commands.push(command.clone());
                    }
                }
                None => {
                    ui.strong(label);
                }
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(egui::RichText::new(format!("数据库：{}", db_path.display())).small())
                .on_hover_text("所有操作即时保存到此文件，无需手动保存");
        });
    });
}
