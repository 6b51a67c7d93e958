//! 文件 › 政策包: the pack the file works under (county, plan, version, what it holds with the
//! clause of each part, the versions loaded), and a revised version read from a folder, with
//! what it changes, before the office accepts it.

use std::path::PathBuf;
use std::sync::Arc;

use eframe::egui;

use crate::command::Command;
use crate::model::policy_pack::PolicyPack;
use crate::store::{Store, StoreError};
use crate::ui::widgets::{CommandButton, command_button};

/// The dialog's state.
#[derive(Clone, Debug)]
pub struct PackView {
    /// 洛宁县（410328）
    pub county: String,
    /// 宁政办〔2021〕17号《…》（2021-06-25）
    pub plan: String,
    pub version: String,
    /// What it holds, each with its clause.
    pub parts: Vec<(String, String)>,
    /// Every version the file has, oldest first.
    pub versions: Vec<String>,
    /// A revised version read from a folder, not yet accepted.
    pub revision: Option<Revision>,
}

/// A revised pack and what it changes.
#[derive(Clone, Debug)]
pub struct Revision {
    pub pack: Arc<PolicyPack>,
    pub folder: PathBuf,
    pub changes: Vec<String>,
}

impl PackView {
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let pack = store.policy_pack()?;
        let m = &pack.meta;
        Ok(Self {
            county: format!("{}（{}）", m.county.name, m.county.code),
            plan: format!("{}《{}》（{}）", m.plan.number, m.plan.title, m.plan.date),
            version: m.version.clone(),
            parts: pack.parts(),
            versions: store.pack_versions()?,
            revision: None,
        })
    }
}

pub fn show(ui: &mut egui::Ui, view: &PackView, commands: &mut Vec<Command>) {
    // Long lines wrap within the window, however narrow.
    ui.set_max_width((ui.ctx().content_rect().width() - 48.0).clamp(300.0, 760.0));
    ui.heading(format!("政策包：{}", view.county));
    ui.label(format!("依据：{}", view.plan));
    ui.label(format!("现行版本：{}", view.version));
    if view.versions.len() > 1 {
        ui.label(
            egui::RichText::new(format!(
                "已载入的版本：{}（按此前版本填写的记录保留其版本）",
                view.versions.join("、")
            ))
            .small(),
        );
    }
    ui.add_space(6.0);
    // While a revision waits, what it changes is shown in place of what the pack holds (a
    // 1024 × 600 screen has room for one list and the buttons).
    if view.revision.is_none() {
        show_parts(ui, view);
    }
    ui.add_space(8.0);
    match &view.revision {
        None => {
            ui.horizontal(|ui| {
                command_button(ui, Command::ChoosePolicyPack, commands);
                command_button(ui, Command::CloseDialog, commands);
            });
        }
        Some(revision) => {
            ui.separator();
            ui.strong(format!(
                "新版本 {}（{}）",
                revision.pack.meta.version,
                revision.folder.display()
            ));
            if revision.changes.is_empty() {
                ui.label("内容与现行版本相同。");
            } else {
                ui.label("采用后的改动：");
                egui::ScrollArea::vertical()
                    .id_salt("pack_changes")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for change in &revision.changes {
                            ui.label(format!("· {change}"));
                        }
                    });
            }
            ui.label(
                egui::RichText::new(
                    "已按旧版本填写的验收与调查保留旧版本，打印、核验照旧；新开始的记录用新版本。",
                )
                .small(),
            );
            ui.horizontal(|ui| {
                command_button(ui, Command::AdoptPolicyPack, commands);
                CommandButton::new(Command::Ui(crate::command::UiCommand::ShowPolicyPack))
                    .text("不采用")
                    .show(ui, commands);
                command_button(ui, Command::CloseDialog, commands);
            });
        }
    }
}

/// What the pack holds, each part with its clause; scrolled within what a small screen leaves.
fn show_parts(ui: &mut egui::Ui, view: &PackView) {
    let room = (ui.ctx().content_rect().height() - 300.0).clamp(100.0, 340.0);
    egui::ScrollArea::vertical()
        .id_salt("pack_parts")
        .max_height(room)
        .show(ui, |ui| {
            for (what, clause) in &view.parts {
                let mut job = egui::text::LayoutJob::default();
                let style = ui.style();
                egui::RichText::new(what.as_str()).append_to(
                    &mut job,
                    style,
                    egui::FontSelection::Default,
                    egui::Align::Min,
                );
                egui::RichText::new(format!("　〔{clause}〕"))
                    .weak()
                    .append_to(
                        &mut job,
                        style,
                        egui::FontSelection::Default,
                        egui::Align::Min,
                    );
                ui.label(job);
            }
        });
}
