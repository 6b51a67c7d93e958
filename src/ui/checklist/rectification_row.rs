//! Under a failed item: its rectification (整改：要求、责任单位、期限), an earlier round's, or a
//! form to order one.

use chrono::NaiveDate;
use eframe::egui;

use super::{ChecklistView, Spot};
use crate::command::Command;
use crate::model::{Rectification, RectificationId};
use crate::ui::widgets::CommandButton;

/// A rectification being written for a failed item.
#[derive(Clone, Debug, Default)]
pub(super) struct RectificationDraft {
    requirement: String,
    unit: String,
    deadline: String,
}

impl ChecklistView {
    /// The rectification of item `code` as typed, ready to save; or `None`, with the reason
    /// shown beside its form.
    pub fn rectification_to_save(&mut self, code: &str) -> Option<Rectification> {
        let existing = self
            .rectifications
            .iter()
            .find(|r| r.inspection_id == self.inspection.id && r.item_code == code)
            .map(|r| r.id);
        let inspection_id = self.inspection.id;
        let draft = self.drafts.get(code)?;
        match NaiveDate::parse_from_str(draft.deadline.trim(), "%Y-%m-%d") {
            Ok(deadline) => Some(Rectification {
                id: existing.unwrap_or_else(RectificationId::new),
                inspection_id,
                item_code: code.to_owned(),
                requirement: draft.requirement.clone(),
                responsible_unit: draft.unit.clone(),
                deadline,
            }),
            Err(_) => {
                self.set_error(
                    Spot::Rectification(code.to_owned()),
                    Some("整改未保存：期限格式应为 年-月-日，如 2026-12-15。".to_owned()),
                );
                None
            }
        }
    }
}

/// Under a failed item: its rectification, or a form to order one (整改：要求、责任单位、期限).
pub(super) fn rectification_row(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    code: &str,
    text: &str,
    commands: &mut Vec<Command>,
) {
    let today = view.today;
    let existing = view
        .rectifications
        .iter()
        .find(|r| r.inspection_id == view.inspection.id && r.item_code == code)
        .cloned();
    if let Some(r) = &existing
        && !view.drafts.contains_key(code)
    {
        ui.horizontal(|ui| {
            let status = view.chain.status_of(r, today);
            let line = format!(
                "整改：{}（{}，{} 前）· {}",
                r.requirement,
                r.responsible_unit,
                crate::model::date_text(r.deadline),
                status.label()
            );
            let rich = egui::RichText::new(line);
            ui.label(match status {
                crate::model::RectificationStatus::Overdue => {
                    rich.color(ui.visuals().error_fg_color)
                }
                _ => rich,
            });
            if ui
                .small_button("修改")
                .accessible_name(format!("{text}：修改整改"))
                .clicked()
            {
                view.drafts.insert(
                    code.to_owned(),
                    RectificationDraft {
                        requirement: r.requirement.clone(),
                        unit: r.responsible_unit.clone(),
                        deadline: r.deadline.to_string(),
                    },
                );
            }
        });
        return;
    }
    let inspection_id = view.inspection.id;
    // An earlier round's rectification of the same item (a re-inspection or a correction
    // that still finds it 不合格) stands until a new one is ordered here.
    let earlier = view
        .rectifications
        .iter()
        .rev()
        .find(|r| r.item_code == code && r.inspection_id != inspection_id)
        .cloned();
    let mut cancel = false;
    let Some(draft) = view.drafts.get_mut(code) else {
        let mut order = "下达整改";
        if let Some(r) = &earlier {
            let round = view
                .chain
                .rounds
                .iter()
                .find(|i| i.id == r.inspection_id)
                .map_or(1, |i| i.round);
            let status = view.chain.status_of(r, today);
            ui.label(format!(
                "第 {round} 轮已下达整改：{}（{}，{} 前）· {}",
                r.requirement,
                r.responsible_unit,
                crate::model::date_text(r.deadline),
                status.label()
            ));
            order = "重新下达整改";
        }
        if ui
            .button(order)
            .accessible_name(format!("{text}：下达整改"))
            .clicked()
        {
            view.drafts.insert(
                code.to_owned(),
                RectificationDraft {
                    deadline: (today + chrono::Days::new(15)).to_string(),
                    ..RectificationDraft::default()
                },
            );
        }
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label("整改要求");
        ui.add(egui::TextEdit::singleline(&mut draft.requirement).desired_width(260.0))
            .accessible_name(format!("{text} 整改要求"));
        ui.label("责任单位");
        ui.add(egui::TextEdit::singleline(&mut draft.unit).desired_width(140.0))
            .accessible_name(format!("{text} 责任单位"));
        ui.label("期限");
        ui.add(egui::TextEdit::singleline(&mut draft.deadline).desired_width(100.0))
            .accessible_name(format!("{text} 整改期限"));
        CommandButton::new(Command::SaveRectification {
            inspection: inspection_id,
            code: code.to_owned(),
        })
        .accessible_name(format!("{text}：保存整改"))
        .show(ui, commands);
        if ui
            .button("取消")
            .accessible_name(format!("{text}：取消整改"))
            .clicked()
        {
            cancel = true;
        }
    });
    let spot = Spot::Rectification(code.to_owned());
    if cancel {
        view.drafts.remove(code);
        view.set_error(spot, None);
    } else if let Some(error) = view.error_at(&spot) {
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
    }
}
