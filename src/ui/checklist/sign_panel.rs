//! The signing section under the checklist: each participating unit signs on the pad or marks
//! the sheet for wet-ink signing; then the inspection is completed and sealed.

use eframe::egui;

use super::{ChecklistView, Spot};
use crate::command::Command;
use crate::model::signoff::sign_off_blockers;
use crate::model::{Clock, Inspection, SealCheck, SignMethod};
use crate::ui::widgets::signature_pad::{PadState, signature_pad};
use crate::ui::widgets::{CommandButton, PASS_GREEN};

/// One unit's pad and the signer's name, as entered.
#[derive(Clone, Debug, Default)]
pub(super) struct PartyPad {
    pub signer: String,
    pub pad: PadState,
}

/// The banner over a signed-off checklist: sealed and unchanged, or changed since.
pub(super) fn seal_banner(ui: &mut egui::Ui, inspection: &Inspection, check: &SealCheck) {
    let at = inspection
        .signed_off_at
        .as_deref()
        .map(|t| Clock::local().time_text(t))
        .unwrap_or_default();
    match check {
        SealCheck::NotSealed => {}
        SealCheck::Intact { code } => {
            ui.label(
                egui::RichText::new(format!(
                    "已签字确认（{at}）· 校验码 {code} · 只读：如需更正，请点“更正（新建一轮）”"
                ))
                .color(PASS_GREEN)
                .strong(),
            );
        }
        other => {
            let words = other.finding().map(|f| f.explanation()).unwrap_or_default();
            ui.label(
                egui::RichText::new(format!("警告：此记录{words}"))
                    .color(ui.visuals().error_fg_color)
                    .strong(),
            );
        }
    }
}

/// `extra_blockers`: what else stops sign-off (a cluster's members not yet accepted).
pub(super) fn show(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    extra_blockers: &[String],
    commands: &mut Vec<Command>,
) {
    let inspection = &view.inspection;
    let signatures = &view.signatures;
    let pads = &mut view.pads;
    let errors = &view.errors;
    let signed_off = inspection.is_signed_off();
    ui.add_space(10.0);
    ui.label(egui::RichText::new("参加单位签字").heading().size(18.0));
    for (position, unit) in inspection.parties.iter().enumerate() {
        let Some(party) = pads.get_mut(position) else {
            continue;
        };
        let position_u32 = u32::try_from(position).unwrap_or(u32::MAX);
        egui::Frame::group(ui.style())
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(egui::RichText::new(unit).strong());
                match signatures.iter().find(|s| s.position as usize == position) {
                    Some(s) => {
                        let how = match s.method {
                            SignMethod::Drawn(_) => "屏幕签字",
                            SignMethod::WetInk => "纸质签字（打印后手签）",
                        };
                        ui.horizontal(|ui| {
                            ui.label(
                                egui::RichText::new(format!("✔ {} · {how}", s.signer))
                                    .color(PASS_GREEN),
                            );
                            if !signed_off {
                                CommandButton::new(Command::Unsign {
                                    inspection: inspection.id,
                                    position: position_u32,
                                })
                                .accessible_name(format!("{unit}：撤回签字"))
                                .show(ui, commands);
                            }
                        });
                        if let SignMethod::Drawn(strokes) = &s.method {
                            let mut shown = PadState::showing(strokes.clone());
                            ui.add_enabled_ui(false, |ui| {
                                signature_pad(
                                    ui,
                                    &mut shown,
                                    egui::vec2(300.0, 80.0),
                                    &format!("{unit} 签名"),
                                );
                            });
                        }
                    }
                    None if signed_off => {
                        ui.label("未签字");
                    }
                    None => {
                        ui.horizontal(|ui| {
                            let label = ui.label("签字人");
                            ui.add(
                                egui::TextEdit::singleline(&mut party.signer).desired_width(160.0),
                            )
                            .labelled_by(label.id)
                            .on_hover_text("签字人姓名")
                            .accessible_name(format!("{unit} 签字人"));
                        });
                        signature_pad(
                            ui,
                            &mut party.pad,
                            egui::vec2(360.0, 110.0),
                            &format!("{unit} 签名板"),
                        );
                        ui.horizontal(|ui| {
                            CommandButton::new(Command::Sign {
                                inspection: inspection.id,
                                position: position_u32,
                                signer: party.signer.clone(),
                                method: SignMethod::Drawn(party.pad.strokes.clone()),
                            })
                            .enabled(!party.pad.is_empty())
                            .accessible_name(format!("{unit}：确认签字"))
                            .show(ui, commands);
                            if ui
                                .button("清除")
                                .accessible_name(format!("{unit}：清除签名板"))
                                .clicked()
                            {
                                party.pad.clear();
                            }
                            CommandButton::new(Command::Sign {
                                inspection: inspection.id,
                                position: position_u32,
                                signer: party.signer.clone(),
                                method: SignMethod::WetInk,
                            })
                            .accessible_name(format!("{unit}：纸质签字"))
                            .show(ui, commands);
                        });
                    }
                }
                if let Some(error) = errors.get(&Spot::Party(position_u32)) {
                    ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
                }
            });
    }
    if let Some(error) = errors.get(&Spot::Round) {
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
    }
    if signed_off {
        return;
    }
    ui.add_space(6.0);
    let mut blockers = sign_off_blockers(inspection, signatures);
    blockers.extend(extra_blockers.iter().cloned());
    let sign_off = Command::RequestSignOff(inspection.id);
    ui.horizontal(|ui| {
        let label = sign_off.label();
        CommandButton::new(sign_off)
            .text(egui::RichText::new(label).strong())
            .enabled(blockers.is_empty())
            .min_size(egui::vec2(180.0, 36.0))
            .show(ui, commands);
        if !blockers.is_empty() {
            ui.label(format!("尚需：{}", blockers.join("；")));
        }
    });
}
