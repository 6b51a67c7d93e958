//! The modal dialog over the current screen.

use eframe::egui;

use crate::command::Command;
use crate::model::{Cluster, CompoundId, InspectionId, Town};
use crate::ui::compound_form::CompoundForm;
use crate::ui::inspection_form::InspectionForm;
use crate::ui::path_prompt::PathPrompt;
use crate::ui::widgets::{CommandButton, command_button};
use crate::ui::{compound_form, inspection_form, path_prompt};

/// The dialog shown over the screen, if any.
pub enum Dialog {
    CompoundForm(Box<CompoundForm>),
    ConfirmDelete {
        id: CompoundId,
        name: String,
        inspections: u32,
    },
    NewInspection(InspectionForm),
    PathPrompt(PathPrompt),
    /// A photo shown large.
    Photo {
        title: String,
        texture: egui::TextureHandle,
    },
    /// Sign-off cannot be undone: say so, and what it locks, before doing it.
    ConfirmSignOff {
        id: InspectionId,
        what: String,
    },
    /// Check a printed sheet's code: what was typed, and the finding.
    Verify {
        code: String,
        finding: Option<(bool, String)>,
    },
    /// A compound register from a spreadsheet, before it is registered.
    RegisterImport(Box<crate::ui::register_import::RegisterImport>),
    /// One programme step of a compound.
    Step(Box<crate::ui::step_form::StepForm>),
    /// A funding entry.
    Funding(Box<crate::ui::funding_form::FundingForm>),
    /// A property-service evaluation.
    Evaluation(Box<crate::ui::step_form::EvaluationForm>),
    /// The first start: who works here.
    FirstRun(Box<crate::ui::settings_page::SettingsForm>),
    /// Restoring a backup replaces the file: say so, and what the backup holds, first.
    ConfirmRestore {
        path: std::path::PathBuf,
        what: String,
    },
    /// A package from a machine whose key this file does not know: its fingerprint, to check
    /// by telephone, before anything of it is applied.
    NewSender {
        package: Box<crate::model::sync::Package>,
        file_name: String,
        sender: String,
        fingerprint: String,
    },
    /// 文件 › 政策包: the file's pack, and a revised version before it is taken.
    PolicyPack(Box<crate::ui::policy_pack::PackView>),
}

impl std::fmt::Debug for Dialog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            Self::CompoundForm(_) => "CompoundForm",
            Self::ConfirmDelete { .. } => "ConfirmDelete",
            Self::NewInspection(_) => "NewInspection",
            Self::PathPrompt(_) => "PathPrompt",
            Self::Photo { .. } => "Photo",
            Self::Verify { .. } => "Verify",
            Self::ConfirmSignOff { .. } => "ConfirmSignOff",
            Self::RegisterImport(_) => "RegisterImport",
            Self::Step(_) => "Step",
            Self::Funding(_) => "Funding",
            Self::Evaluation(_) => "Evaluation",
            Self::FirstRun(_) => "FirstRun",
            Self::ConfirmRestore { .. } => "ConfirmRestore",
            Self::NewSender { .. } => "NewSender",
            Self::PolicyPack(_) => "PolicyPack",
        };
        f.write_str(name)
    }
}

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
            Dialog::RegisterImport(view) => crate::ui::register_import::show(ui, view, commands),
            Dialog::Step(form) => crate::ui::step_form::show(ui, form, commands),
            Dialog::Funding(form) => crate::ui::funding_form::show_form(ui, form, commands),
            Dialog::Evaluation(form) => crate::ui::step_form::show_evaluation(ui, form, commands),
            Dialog::PolicyPack(view) => crate::ui::policy_pack::show(ui, view, commands),
            Dialog::FirstRun(form) => {
                // On a first start there may be no file yet: the county's towns are known
                // without one.
                let county: Vec<Town>;
                let towns = if towns.is_empty() {
                    county = crate::model::town::county_towns();
                    &county
                } else {
                    towns
                };
                crate::ui::settings_page::show_first_run(ui, form, towns, commands);
            }
            Dialog::ConfirmRestore { path, what } => {
                ui.heading("确认从备份恢复");
                ui.add_space(6.0);
                ui.label(what.as_str());
                ui.label(
                    egui::RichText::new(
                        "当前数据库会先完整备份（“恢复前”），再被所选备份替换；此后的改动不在所选备份中。",
                    )
                    .color(ui.visuals().warn_fg_color),
                );
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    command_button(ui, Command::Restore(path.clone()), commands);
                    CommandButton::new(Command::CloseDialog)
                        .text("取消")
                        .show(ui, commands);
                });
            }
            Dialog::NewSender {
                sender,
                fingerprint,
                file_name,
                ..
            } => {
                ui.heading("首次收到这台电脑的数据包");
                ui.add_space(6.0);
                ui.label(format!(
                    "数据包“{file_name}”声称来自“{sender}”，本机还没有它的密钥。它的密钥指纹是："
                ));
                ui.label(egui::RichText::new(fingerprint.as_str()).monospace().strong().size(20.0));
                ui.label("请打电话请对方在其“数据交换”页读出“密钥指纹”，逐位核对。核对无误再导入：本机会记下这把密钥，以后冒充它的数据包会被拒绝。指纹不符，请取消，不要导入。");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    command_button(ui, Command::AcceptNewSender, commands);
                    CommandButton::new(Command::CloseDialog)
                        .text("取消")
                        .show(ui, commands);
                });
            }
            Dialog::Photo { title, texture } => {
                ui.heading(title.as_str());
                ui.add(egui::Image::new(&*texture).max_size(egui::vec2(1000.0, 680.0)));
                command_button(ui, Command::CloseDialog, commands);
            }
            Dialog::Verify { code, finding } => {
                ui.heading("核验验收单");
                ui.label("输入纸质验收单页脚的校验码（如 3F2A-91C0-7B44），或读取验收单的扫描件、手机照片（也可把图片拖到窗口里），核对它与本数据库中的记录是否一致。");
                ui.add_space(6.0);
                let label = ui.label("校验码");
                let response = ui
                    .add(egui::TextEdit::singleline(code).desired_width(240.0))
                    .labelled_by(label.id);
                let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if let Some((ok, text)) = finding {
                    let color = if *ok {
                        crate::ui::widgets::PASS_GREEN
                    } else {
                        ui.visuals().error_fg_color
                    };
                    ui.label(egui::RichText::new(text.as_str()).color(color));
                }
                ui.horizontal(|ui| {
                    command_button(ui, Command::CheckCode, commands);
                    command_button(ui, Command::ChooseSheetImage, commands);
                    command_button(ui, Command::CloseDialog, commands);
                });
                if entered {
                    commands.push(Command::CheckCode);
                }
                // A scan dropped on the window is read as if chosen.
                let dropped: Vec<std::path::PathBuf> = ui
                    .ctx()
                    .input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
                if let Some(path) = dropped.into_iter().next() {
                    commands.push(Command::ReadSheetImage(path));
                }
            }
            Dialog::ConfirmSignOff { id, what } => {
                ui.heading("确认签字锁定");
                ui.add_space(6.0);
                ui.label(format!("即将锁定{what}。"));
                ui.label(
                    egui::RichText::new(
                        "锁定后不能再修改、撤回签字或补充照片；发现错误只能“更正（新建一轮）”，原记录保持不变。",
                    )
                    .color(ui.visuals().warn_fg_color),
                );
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    command_button(ui, Command::SignOff(*id), commands);
                    CommandButton::new(Command::CloseDialog)
                        .text("取消")
                        .show(ui, commands);
                });
            }
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
                    command_button(ui, Command::DeleteCompound(*id), commands);
                    CommandButton::new(Command::CloseDialog)
                        .text("取消")
                        .show(ui, commands);
                });
            }
        }
    });
    // Esc or a click outside closes the dialog (nothing typed in it has been saved yet).
    if response.should_close() && commands.is_empty() {
        commands.push(Command::CloseDialog);
    }
}
