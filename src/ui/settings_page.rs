//! 设置: who works at this computer (filled in where forms ask), the text size, the time zone
//! sheets print, and the backups: where they go, how many are kept, and the list to restore
//! from. The first start asks the first part in a dialog.

use std::path::PathBuf;

use eframe::egui;

use crate::command::Command;
use crate::model::Town;
use crate::model::settings::{Settings, TEXT_SCALE, UserRole, Zone};
use crate::store::backup::{BackupInfo, count_records, folder_for, list_backups, policy};
use crate::ui::widgets::{CommandButton, labelled_text};

/// The settings as typed.
#[derive(Debug, Default)]
pub struct SettingsForm {
    pub user_name: String,
    pub unit: String,
    pub role: UserRole,
    pub default_town: String,
    pub zone: Zone,
    pub text_scale: f32,
    pub backup_dir: String,
    pub backups_kept: String,
}

impl From<&Settings> for SettingsForm {
    fn from(s: &Settings) -> Self {
        Self {
            user_name: s.user_name.clone(),
            unit: s.unit.clone(),
            role: s.role,
            default_town: s.default_town.clone(),
            zone: s.zone,
            text_scale: s.clamped_scale(),
            backup_dir: s.backup_dir.clone(),
            backups_kept: s.backups_kept.to_string(),
        }
    }
}

impl SettingsForm {
    /// The settings the form describes, or what is wrong.
    pub fn settings(&self) -> Result<Settings, String> {
        let kept: u32 = self
            .backups_kept
            .trim()
            .parse()
            .map_err(|_| format!("保留份数“{}”应为整数。", self.backups_kept.trim()))?;
        let s = Settings {
            user_name: self.user_name.trim().to_owned(),
            unit: self.unit.trim().to_owned(),
            role: self.role,
            default_town: self.default_town.trim().to_owned(),
            text_scale: self.text_scale,
            zone: self.zone,
            backup_dir: self.backup_dir.trim().to_owned(),
            backups_kept: kept,
        };
        match s.problem() {
            Some(problem) => Err(problem.into()),
            None => Ok(s),
        }
    }
}

/// The settings page: the form and the backups of the open file.
#[derive(Debug)]
pub struct SettingsView {
    pub form: SettingsForm,
    pub folder: PathBuf,
    pub backups: Vec<BackupInfo>,
}

impl SettingsView {
    /// Reads the backups of the file at `db` (each one's record counts: a few small reads).
    pub fn load(settings: &Settings, db: &std::path::Path) -> Self {
        let policy = policy();
        let mut backups = list_backups(db, &policy);
        for b in &mut backups {
            b.counts = count_records(&b.path);
        }
        Self {
            form: SettingsForm::from(settings),
            folder: folder_for(db, &policy),
            backups,
        }
    }

    /// Takes a fresh list of backups; keeps what is typed.
    pub fn update(&mut self, fresh: Self) {
        self.folder = fresh.folder;
        self.backups = fresh.backups;
    }
}

/// Who works here: the part of the form the first start asks.
/// The person's fields; returns the name field's response.
fn person(ui: &mut egui::Ui, form: &mut SettingsForm, towns: &[Town]) -> egui::Response {
    egui::Grid::new("settings_person")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let name = labelled_text(ui, "姓名", &mut form.user_name, "如：王海燕", None);
            labelled_text(ui, "工作单位", &mut form.unit, "如：××镇人民政府", None);
            let label = ui.label("工作");
            ui.horizontal(|ui| {
                for role in UserRole::ALL {
                    ui.radio_value(&mut form.role, role, role.label());
                }
            })
            .response
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("常用乡镇");
            egui::ComboBox::from_id_salt("settings_town")
                .selected_text(if form.default_town.is_empty() {
                    "（不指定）"
                } else {
                    form.default_town.as_str()
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut form.default_town, String::new(), "（不指定）");
                    for t in towns {
                        ui.selectable_value(&mut form.default_town, t.name.clone(), &t.name);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            name
        })
        .inner
}

/// The save button, or (greyed) what is still missing: in red only once something is typed.
fn save_button(ui: &mut egui::Ui, form: &SettingsForm, commands: &mut Vec<Command>) {
    match form.settings() {
        Ok(settings) => {
            CommandButton::new(Command::SaveSettings(Box::new(settings))).show(ui, commands);
        }
        Err(problem) => {
            let typed = !(form.user_name.trim().is_empty() && form.unit.trim().is_empty());
            let color = if typed {
                ui.visuals().error_fg_color
            } else {
                ui.visuals().weak_text_color()
            };
            ui.colored_label(color, problem);
        }
    }
}

/// The first start's dialog.
pub fn show_first_run(
    ui: &mut egui::Ui,
    form: &mut SettingsForm,
    towns: &[Town],
    commands: &mut Vec<Command>,
) {
    ui.heading("欢迎使用验收");
    ui.label("请先填写使用人：调查表的调查人、验收单的验收人员、日报的报送单位和新增小区的乡镇会自动填上。以后可在 文件 › 设置 中修改。");
    ui.add_space(6.0);
    let name = person(ui, form, towns);
    // The name field takes the keyboard once, when the dialog first shows: typing (or
    // pasting) goes straight into it.
    let asked = ui.scope_id().with("first_run_focus_asked");
    if !ui
        .ctx()
        .data(|d| d.get_temp::<bool>(asked).unwrap_or(false))
    {
        name.request_focus();
        ui.ctx().data_mut(|d| d.insert_temp(asked, true));
    }
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        save_button(ui, form, commands);
        CommandButton::new(Command::CloseDialog)
            .text("以后再说")
            .show(ui, commands);
    });
}

pub fn show(
    ui: &mut egui::Ui,
    view: &mut SettingsView,
    towns: &[Town],
    commands: &mut Vec<Command>,
) {
    ui.heading("设置");
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        ui.strong("使用人");
        let _name = person(ui, &mut view.form, towns);
        ui.add_space(8.0);
        ui.strong("显示");
        egui::Grid::new("settings_display")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                let label = ui.label("文字大小");
                ui.add(egui::Slider::new(&mut view.form.text_scale, TEXT_SCALE).step_by(0.1))
                    .labelled_by(label.id)
                    .on_hover_text("也可用 Ctrl + / Ctrl − 调整，自动记住");
                ui.end_row();
                let label = ui.label("时间显示");
                ui.horizontal(|ui| {
                    for zone in [Zone::Beijing, Zone::Machine] {
                        ui.radio_value(&mut view.form.zone, zone, zone.label());
                    }
                })
                .response
                .labelled_by(label.id);
                ui.end_row();
            });
        ui.add_space(8.0);
        ui.strong("备份");
        ui.label("每天第一次打开、升级数据版本前、导入数据包前自动备份（经完整性校验），保留最近若干份。备份文件夹可设在U盘或另一块磁盘上。");
        egui::Grid::new("settings_backup")
            .num_columns(2)
            .spacing([12.0, 8.0])
            .show(ui, |ui| {
                labelled_text(
                    ui,
                    "备份文件夹",
                    &mut view.form.backup_dir,
                    "不填：数据库旁的“…-备份”文件夹",
                    None,
                );
                labelled_text(ui, "保留份数", &mut view.form.backups_kept, "1–100", None);
            });
        save_button(ui, &view.form, commands);
        ui.add_space(8.0);
        ui.separator();
        ui.strong("从备份恢复");
        ui.label(format!("本文件的备份在：{}", view.folder.display()));
        CommandButton::new(Command::BackupNow).show(ui, commands);
        if view.backups.is_empty() {
            ui.label("还没有备份。");
        }
        egui::Grid::new("backups")
            .striped(true)
            .num_columns(5)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for b in &view.backups {
                    ui.label(b.made_at.format("%Y年%m月%d日 %H:%M:%S").to_string());
                    ui.label(b.reason.label());
                    ui.label(match b.counts {
                        Some((compounds, surveys, inspections)) => format!(
                            "{compounds} 个小区、{surveys} 份调查、{inspections} 次验收"
                        ),
                        None => "无法读取".to_owned(),
                    });
                    ui.label(format!("{:.1} MB", b.bytes as f64 / 1_048_576.0));
                    CommandButton::new(Command::RequestRestore(b.path.clone()))
                        .accessible_name(format!(
                            "恢复 {} {}备份",
                            b.made_at.format("%Y-%m-%d %H:%M:%S"),
                            b.reason.label()
                        ))
                        .enabled(b.counts.is_some())
                        .show(ui, commands);
                    ui.end_row();
                }
            });
    });
}
