//! The add / edit compound form, with messages beside the fields.

use eframe::egui;

use crate::command::Command;
use crate::model::{Cluster, CompoundDraft, CompoundField, FieldError, Town};
use crate::ui::widgets::{CommandButton, command_button, labelled_text};

/// The form's state: what has been typed, and the problems found on the last save.
#[derive(Debug)]
pub struct CompoundForm {
    pub draft: CompoundDraft,
    /// The compound as the form loaded it (when editing): a save refuses if it has changed
    /// in the file since.
    pub loaded: Option<crate::model::Compound>,
    pub errors: Vec<FieldError>,
    /// Why the last save failed as a whole (e.g. the record changed meanwhile).
    pub problem: Option<String>,
    /// What the last save asked to confirm (a likely slip, a twin); saving again with the
    /// same warnings saves.
    pub warnings: Vec<String>,
    /// Put the cursor in the first field when the form opens.
    focus_first: bool,
}

impl CompoundForm {
    pub fn new(draft: CompoundDraft) -> Self {
        Self {
            draft,
            loaded: None,
            errors: Vec::new(),
            problem: None,
            warnings: Vec::new(),
            focus_first: true,
        }
    }

    fn error(&self, field: CompoundField) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Draws the form's body; Enter in a field saves.
pub fn show(
    ui: &mut egui::Ui,
    form: &mut CompoundForm,
    towns: &[Town],
    clusters: &[Cluster],
    commands: &mut Vec<Command>,
) {
    ui.heading(if form.draft.id.is_some() {
        "编辑小区"
    } else {
        "新增小区"
    });
    ui.add_space(8.0);
    let mut submitted = false;
    egui::Grid::new("compound_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let error = form.error(CompoundField::Name).map(str::to_owned);
            let d = &mut form.draft;
            let name = labelled_text(
                ui,
                "小区名称 *",
                &mut d.name,
                "如：县水利局家属院",
                error.as_deref(),
            );
            if std::mem::take(&mut form.focus_first) {
                name.request_focus();
            }
            submitted |= entered(&name);

            let d = &mut form.draft;
            submitted |= entered(&labelled_text(ui, "地址", &mut d.address, "街道门牌", None));

            let label = ui.label("所属乡镇");
            let selected = towns
                .iter()
                .find(|t| Some(t.id) == form.draft.town_id)
                .map_or("（未选择）", |t| t.name.as_str());
            egui::ComboBox::from_id_salt("town")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut form.draft.town_id, None, "（未选择）");
                    for town in towns {
                        ui.selectable_value(&mut form.draft.town_id, Some(town.id), &town.name);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();

            let label = ui.label("所属片区");
            let selected = clusters
                .iter()
                .find(|k| Some(k.id) == form.draft.cluster_id)
                .map_or("（不属于片区）", |k| k.name.as_str());
            egui::ComboBox::from_id_salt("cluster")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut form.draft.cluster_id, None, "（不属于片区）");
                    for cluster in clusters {
                        ui.selectable_value(
                            &mut form.draft.cluster_id,
                            Some(cluster.id),
                            &cluster.name,
                        );
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let error = form.error(CompoundField::Cluster).map(str::to_owned);
            let d = &mut form.draft;
            submitted |= entered(&labelled_text(
                ui,
                "或新建片区",
                &mut d.new_cluster,
                "新片区名称（可不填）",
                error.as_deref(),
            ));

            let d = &mut form.draft;
            submitted |= entered(&labelled_text(
                ui,
                "产权单位",
                &mut d.owner_unit,
                "产权或管理单位",
                None,
            ));
            let error = form.error(CompoundField::YearBuilt).map(str::to_owned);
            let d = &mut form.draft;
            submitted |= entered(&labelled_text(
                ui,
                "建成年份",
                &mut d.year_built,
                "如：1995",
                error.as_deref(),
            ));
            let error = form.error(CompoundField::Buildings).map(str::to_owned);
            let d = &mut form.draft;
            submitted |= entered(&labelled_text(
                ui,
                "楼栋数",
                &mut d.buildings,
                "栋",
                error.as_deref(),
            ));
            let error = form.error(CompoundField::Households).map(str::to_owned);
            let d = &mut form.draft;
            submitted |= entered(&labelled_text(
                ui,
                "户数",
                &mut d.households,
                "户",
                error.as_deref(),
            ));
        });
    ui.add_space(6.0);
    ui.label(
        egui::RichText::new("* 为必填项。Tab 切换输入框，回车保存，Esc 取消。")
            .small()
            .weak(),
    );
    if let Some(problem) = &form.problem {
        ui.label(egui::RichText::new(problem).color(ui.visuals().error_fg_color));
    }
    if !form.warnings.is_empty() {
        ui.add_space(4.0);
        ui.label(egui::RichText::new("请确认：").strong());
        for warning in &form.warnings {
            ui.label(egui::RichText::new(format!("！{warning}")).color(ui.visuals().warn_fg_color));
        }
        ui.label(
            egui::RichText::new("核对无误请点“仍然保存”，否则修改后再保存。")
                .small()
                .weak(),
        );
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        if form.warnings.is_empty() {
            command_button(ui, Command::SaveCompound, commands);
        } else {
            CommandButton::new(Command::SaveCompound)
                .text("仍然保存")
                .show(ui, commands);
        }
        CommandButton::new(Command::CloseDialog)
            .text("取消")
            .show(ui, commands);
    });
    if submitted {
        commands.push(Command::SaveCompound);
    }
}

/// Enter pressed in this single-line field.
fn entered(response: &egui::Response) -> bool {
    response.lost_focus() && response.ctx.input(|i| i.key_pressed(egui::Key::Enter))
}
