//! The menu bar and breadcrumbs.

use std::path::Path;

use eframe::egui;

use crate::command::{Command, Screen, UiCommand};
use crate::model::Cluster;
use crate::ui::page::Crumb;
use crate::ui::widgets::{CommandButton, menu_item};

pub fn show(
    ui: &mut egui::Ui,
    db_path: &Path,
    has_store: bool,
    breadcrumbs: &[Crumb],
    clusters: &[Cluster],
    commands: &mut Vec<Command>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("文件", |ui| {
            menu_item(ui, UiCommand::NewDatabase, commands);
            menu_item(ui, UiCommand::OpenDatabase, commands);
            menu_item(ui, UiCommand::NewSampleDatabase, commands);
            ui.separator();
            if has_store {
                menu_item(ui, UiCommand::ExportCurrent, commands);
                menu_item(ui, UiCommand::VerifyCode, commands);
                ui.separator();
                menu_item(ui, UiCommand::ExportPackage, commands);
                menu_item(ui, UiCommand::ImportPackage, commands);
                menu_item(ui, UiCommand::ShowExchange, commands);
                ui.separator();
                menu_item(ui, UiCommand::ImportRegisterFile, commands);
                menu_item(
                    ui,
                    Command::Export(crate::export::Document::Ledger),
                    commands,
                );
                ui.separator();
                menu_item(ui, UiCommand::RestoreFromBackup, commands);
                menu_item(ui, UiCommand::ShowPolicyPack, commands);
                menu_item(ui, UiCommand::ShowSettings, commands);
                ui.separator();
            }
            menu_item(ui, UiCommand::Quit, commands);
        });
        if has_store {
            ui.menu_button("小区", |ui| {
                menu_item(ui, UiCommand::ShowRegister, commands);
                menu_item(ui, UiCommand::AddCompound, commands);
                menu_item(ui, UiCommand::ShowRectifications, commands);
                menu_item(ui, UiCommand::ShowProgress, commands);
                menu_item(ui, UiCommand::ShowRhythm, commands);
            });
            ui.menu_button("片区", |ui| {
                if clusters.is_empty() {
                    ui.label("尚无片区：在小区信息中填写“或新建片区”即可建立。");
                }
                for cluster in clusters {
                    let chosen = CommandButton::new(Command::Show(Screen::Cluster(cluster.id)))
                        .text(&cluster.name)
                        .show(ui, commands)
                        .clicked();
                    if chosen {
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
                    CommandButton::new(command.clone())
                        .text(label)
                        .link()
                        .show(ui, commands);
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
