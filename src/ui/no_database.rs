//! Shown when no database is open: why (a file that was refused, or none yet), and what to do.
//! A file that does not exist is only made when the user says so.

use std::path::Path;

use eframe::egui;

use crate::command::{Command, UiCommand};
use crate::ui::widgets::CommandButton;

/// What the page says of a package that waits to be imported.
pub fn waiting_words(package: &Path) -> String {
    format!(
        "收到数据包“{}”：请先新建或打开数据库，打开后将自动导入。",
        crate::import::file_name_of(package)
    )
}

/// Why no database is open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoDatabase {
    /// The file was refused: the message says why and what to do.
    Refused(String),
    /// There is no file at the path yet (a first start): offer to make it.
    Missing,
}

pub fn show(
    ui: &mut egui::Ui,
    path: &Path,
    waiting_package: Option<&Path>,
    why: &NoDatabase,
    commands: &mut Vec<Command>,
) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        if let Some(package) = waiting_package {
            ui.label(
                egui::RichText::new(waiting_words(package))
                    .strong()
                    .color(ui.visuals().warn_fg_color),
            );
            ui.add_space(12.0);
        }
        match why {
            NoDatabase::Missing => {
                ui.heading("欢迎使用验收程序");
                ui.add_space(12.0);
                ui.label(format!("还没有数据库文件：{}", path.display()));
                ui.label("所有记录都保存在这一个文件里。可在此新建，或打开已有的文件。");
                ui.add_space(12.0);
                CommandButton::new(Command::CreateDatabaseAt(path.to_owned()))
                    .text("在此新建数据库")
                    .min_size(egui::vec2(260.0, 36.0))
                    .show(ui, commands);
            }
            NoDatabase::Refused(error) => {
                ui.heading("未打开数据库");
                ui.add_space(12.0);
                ui.label(format!("文件：{}", path.display()));
                ui.add_space(8.0);
                ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
            }
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
