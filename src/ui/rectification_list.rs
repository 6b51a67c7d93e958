//! The office's list of open rectifications, overdue first.

use eframe::egui;

use crate::command::{Command, Screen};
use crate::model::RectificationStatus;
use crate::store::{RectificationListing, Store, StoreError};
use crate::ui::widgets::CommandButton;

/// The open rectifications of the whole file, overdue first.
#[derive(Debug)]
pub struct RectificationsView {
    pub list: Vec<RectificationListing>,
}

impl RectificationsView {
    pub fn load(store: &Store, today: chrono::NaiveDate) -> Result<Self, StoreError> {
        Ok(Self {
            list: store.open_rectifications(today)?,
        })
    }
}

pub fn show(ui: &mut egui::Ui, view: &RectificationsView, commands: &mut Vec<Command>) {
    let list = &view.list;
    let overdue = list
        .iter()
        .filter(|l| l.status == RectificationStatus::Overdue)
        .count();
    ui.horizontal(|ui| {
        ui.heading("整改清单");
        ui.label(format!("未完成 {} 项，其中逾期 {overdue} 项", list.len()));
    });
    ui.separator();
    if list.is_empty() {
        ui.label("没有未完成的整改。");
        return;
    }
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            egui::Grid::new("rectifications")
                .striped(true)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for title in [
                        "小区/片区",
                        "项目",
                        "整改要求",
                        "责任单位",
                        "整改期限",
                        "状态",
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for l in list {
                        CommandButton::new(Command::Show(Screen::Inspection(
                            l.rectification.inspection_id,
                        )))
                        .text(&l.subject_name)
                        .link()
                        .show(ui, commands);
                        ui.label(&l.item_text);
                        ui.label(&l.rectification.requirement);
                        ui.label(&l.rectification.responsible_unit);
                        ui.label(crate::model::date_text(l.rectification.deadline));
                        let text = egui::RichText::new(l.status.label());
                        ui.label(match l.status {
                            RectificationStatus::Overdue => {
                                text.color(ui.visuals().error_fg_color).strong()
                            }
                            _ => text,
                        });
                        ui.end_row();
                    }
                });
        });
}
