//! One item of the checklist: its standard, the three result buttons, the remark, its photos
//! (before and after a re-inspection) and, when it fails, its rectification.

use eframe::egui;

use super::rectification_row::rectification_row;
use super::{ChecklistView, Spot};
use crate::command::{Command, UiCommand};
use crate::model::{ItemResult, RoundKind};
use crate::store::PhotoMeta;
use crate::ui::widgets::{CommandButton, PASS_GREEN, shortcut_text};

pub(super) fn item_card(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    index: usize,
    commands: &mut Vec<Command>,
) {
    let selected = view.selected == index;
    let item = view.inspection.items[index].clone();
    // A signed-off record is read-only: a correction is a new inspection round.
    let open = !view.inspection.is_signed_off();
    let stroke = if selected {
        egui::Stroke::new(2.0, ui.visuals().selection.stroke.color)
    } else {
        egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color)
    };
    let frame = egui::Frame::group(ui.style())
        .stroke(stroke)
        .inner_margin(6.0);
    let response = frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        // Tight rows inside a card: more items to a small screen.
        ui.spacing_mut().item_spacing.y = 3.0;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(format!("{}.", index + 1)).strong());
            ui.label(egui::RichText::new(&item.standard.text).strong().size(17.0));
            ui.label(egui::RichText::new(&item.standard.code).small().weak());
            if item.standard.required {
                ui.label(egui::RichText::new("必查").small());
            }
        });
        // Hint and clause share a line (wrapped when long): on a small laptop screen more items
        // fit (three at 1024×600 where there had been two and a half).
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("提示：{}", item.standard.hint)).small());
            // The plan the standard comes from, as its catalogue says (宁政办〔2021〕17号).
            let source = crate::model::Catalogue::version(&view.inspection.catalogue_version)
                .map_or("", |c| c.source.as_str());
            ui.label(
                egui::RichText::new(format!("依据：{source} {}", item.standard.clause))
                    .small()
                    .weak(),
            );
        });
        ui.horizontal(|ui| {
            for (key, result) in [
                (UiCommand::MarkPass, ItemResult::Pass),
                (UiCommand::MarkFail, ItemResult::Fail),
                (UiCommand::MarkNotApplicable, ItemResult::NotApplicable),
            ] {
                let chosen = item.result == Some(result);
                let keys = shortcut_text(ui.ctx(), &Command::Ui(key));
                let mut text = egui::RichText::new(format!("{keys} {}", result.label())).size(16.0);
                // Clicking the chosen result again clears it.
                let command = view.result_command(index, (!chosen).then_some(result));
                let mut button = CommandButton::new(command)
                    .min_size(egui::vec2(104.0, 34.0))
                    .enabled(open)
                    .accessible_name(format!("{}：{}", item.standard.text, result.label()))
                    .hint(format!("快捷键 {keys}"));
                if chosen {
                    text = text.color(egui::Color32::WHITE).strong();
                    button = button.fill(match result {
                        ItemResult::Pass => PASS_GREEN,
                        ItemResult::Fail => ui.visuals().error_fg_color,
                        ItemResult::NotApplicable => egui::Color32::from_gray(110),
                    });
                }
                if button.text(text).show(ui, commands).clicked() {
                    view.selected = index;
                }
            }
            if open {
                CommandButton::new(Command::AddPhotos {
                    inspection: view.inspection.id,
                    code: item.standard.code.clone(),
                })
                .accessible_name(format!("{}：添加照片", item.standard.text))
                .show(ui, commands);
            }
            ui.add_space(8.0);
            ui.label("备注");
            let remark = ui
                .add_enabled(
                    open,
                    egui::TextEdit::singleline(&mut view.remarks[index])
                        .hint_text(if item.result == Some(ItemResult::NotApplicable) {
                            "请注明不适用的理由"
                        } else {
                            "问题、位置、整改要求…"
                        })
                        .desired_width(ui.available_width()),
                )
                .accessible_name(format!("{} 备注", item.standard.text));
            if remark.changed() {
                commands.push(Command::SetRemark {
                    inspection: view.inspection.id,
                    code: item.standard.code.clone(),
                    before: item.remark.clone(),
                    remark: view.remarks[index].clone(),
                });
            }
            if remark.gained_focus() {
                view.selected = index;
            }
        });
        photo_row(
            ui,
            view,
            &item.standard.code,
            &item.standard.text,
            open,
            commands,
        );
        if item.result == Some(ItemResult::Fail) {
            rectification_row(ui, view, &item.standard.code, &item.standard.text, commands);
        }
        if let Some(error) = view.error_at(&Spot::Item(item.standard.code.clone())) {
            ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
        }
        if item.result == Some(ItemResult::NotApplicable) && item.remark.trim().is_empty() {
            ui.label(
                egui::RichText::new("“不适用”须在备注中注明理由，否则不能判定合格。")
                    .small()
                    .color(ui.visuals().error_fg_color),
            );
        }
    });
    if selected && view.scroll_to_selected {
        response.response.scroll_to_me(Some(egui::Align::Center));
        view.scroll_to_selected = false;
    }
}

/// An item's photos as thumbnails (click for the large view); the button that adds more is in
/// the results row.
fn photo_row(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    code: &str,
    text: &str,
    open: bool,
    commands: &mut Vec<Command>,
) {
    let photos: Vec<PhotoMeta> = view
        .photos
        .iter()
        .filter(|p| p.item_code == code)
        .cloned()
        .collect();
    let earlier: Vec<(u32, PhotoMeta)> = view
        .earlier_photos
        .iter()
        .filter(|(_, p)| p.item_code == code)
        .cloned()
        .collect();
    // A re-inspection shows the photos from before the rectification beside its own; a
    // correction shows the corrected record's.
    let (before, after) = match view.inspection.kind {
        RoundKind::Correction => ("原记录", "本轮"),
        RoundKind::First | RoundKind::Reinspection => ("整改前", "整改后"),
    };
    if !earlier.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for (n, (round, photo)) in earlier.iter().enumerate() {
                ui.vertical(|ui| {
                    if view
                        .thumbnails
                        .show(ui, photo, &format!("{text} {before}照片 {}", n + 1))
                        .clicked()
                    {
                        commands.push(Command::ShowPhoto(photo.id));
                    }
                    ui.label(egui::RichText::new(format!("{before}（第 {round} 轮）")).small());
                });
            }
        });
        if !photos.is_empty() {
            ui.label(egui::RichText::new(format!("{after}：")).small());
        }
    }
    if photos.is_empty() {
        // The add button stands in the results row.
        return;
    }
    ui.horizontal_wrapped(|ui| {
        for (n, photo) in photos.iter().enumerate() {
            ui.vertical(|ui| {
                if view
                    .thumbnails
                    .show(ui, photo, &format!("{text} 照片 {}", n + 1))
                    .clicked()
                {
                    commands.push(Command::ShowPhoto(photo.id));
                }
                if open {
                    CommandButton::new(Command::DeletePhoto(photo.id))
                        .small()
                        .accessible_name(format!("{text} 删除照片 {}", n + 1))
                        .show(ui, commands);
                }
            });
        }
    });
}
