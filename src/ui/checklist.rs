//! The checklist: an inspector walks the compound and decides every item, by mouse or keyboard
//! (↑/↓ choose an item, 1 合格, 2 不合格, 3 不适用, 0 clear). Every click is saved at once.

use eframe::egui::{self, Key, Modifiers};

use crate::command::Command;
use chrono::NaiveDate;

use crate::model::{
    Inspection, InspectionChain, ItemResult, MemberAcceptance, Rectification, RectificationId,
    RoundKind, SealCheck, Signature,
    cluster_acceptance::{cluster_sign_off_blocker, round_verdict},
};
use crate::store::PhotoMeta;
use crate::ui::sign_panel::{self, PartyPad};
use crate::ui::widgets::thumbnails::ThumbnailCache;
use crate::ui::widgets::{PASS_GREEN, verdict_text};

/// What the store holds around one round: signatures, seal, and the acceptance's rounds with
/// their rectifications.
#[derive(Debug)]
pub struct RoundRecord {
    pub photos: Vec<PhotoMeta>,
    /// Photos of earlier rounds of the same acceptance, with their round: the "before" of a
    /// re-inspection.
    pub earlier_photos: Vec<(u32, PhotoMeta)>,
    pub signatures: Vec<Signature>,
    pub seal_check: SealCheck,
    pub rectifications: (InspectionChain, Vec<Rectification>),
    /// For a cluster acceptance: its member compounds' acceptances (as sealed once signed off).
    pub members: Option<Vec<MemberAcceptance>>,
    /// The same for the acceptance's latest round, which the overall verdict goes by.
    pub latest_members: Option<Vec<MemberAcceptance>>,
    /// For a signed-off cluster round: what has changed among its members since.
    pub member_changes: Vec<String>,
}

/// A rectification being written for a failed item.
#[derive(Clone, Debug, Default)]
struct RectificationDraft {
    requirement: String,
    unit: String,
    deadline: String,
    error: Option<String>,
}

/// The checklist's state: the inspection as stored, the selected item and the remark fields.
#[derive(Debug)]
pub struct ChecklistView {
    pub inspection: Inspection,
    /// The compound's or the cluster's name.
    pub subject_name: String,
    pub selected: usize,
    /// What is typed in each item's remark field (saved on every change).
    remarks: Vec<String>,
    /// Scroll the selected item into view on the next frame (after keyboard moves).
    scroll_to_selected: bool,
    pub signatures: Vec<Signature>,
    pub seal_check: SealCheck,
    /// Every round of this acceptance, first first.
    pub chain: InspectionChain,
    pub rectifications: Vec<Rectification>,
    /// One signing pad per participating unit.
    pads: Vec<PartyPad>,
    /// Rectification forms being filled in, by item code.
    drafts: std::collections::HashMap<String, RectificationDraft>,
    pub photos: Vec<PhotoMeta>,
    earlier_photos: Vec<(u32, PhotoMeta)>,
    members: Option<Vec<MemberAcceptance>>,
    latest_members: Option<Vec<MemberAcceptance>>,
    member_changes: Vec<String>,
    thumbnails: ThumbnailCache,
}

impl ChecklistView {
    pub fn new(inspection: Inspection, subject_name: String, record: RoundRecord) -> Self {
        let remarks = inspection.items.iter().map(|i| i.remark.clone()).collect();
        let selected = inspection
            .items
            .iter()
            .position(|i| i.result.is_none())
            .unwrap_or(0);
        Self {
            subject_name,
            selected,
            remarks,
            scroll_to_selected: true,
            pads: vec![PartyPad::default(); inspection.parties.len()],
            inspection,
            signatures: record.signatures,
            seal_check: record.seal_check,
            chain: record.rectifications.0,
            rectifications: record.rectifications.1,
            drafts: std::collections::HashMap::new(),
            photos: record.photos,
            earlier_photos: record.earlier_photos,
            members: record.members,
            latest_members: record.latest_members,
            member_changes: record.member_changes,
            thumbnails: ThumbnailCache::default(),
        }
    }

    /// Takes the freshly stored inspection; keeps what is being typed or drawn.
    pub fn update(&mut self, inspection: Inspection, record: RoundRecord) {
        let RoundRecord {
            photos,
            earlier_photos,
            signatures,
            seal_check,
            rectifications: (chain, rectifications),
            members,
            latest_members,
            member_changes,
        } = record;
        // A saved rectification's form is done.
        self.drafts.retain(|code, _| {
            !rectifications
                .iter()
                .any(|r| &r.item_code == code && r.inspection_id == inspection.id)
        });
        if inspection.items.len() != self.remarks.len() {
            self.remarks = inspection.items.iter().map(|i| i.remark.clone()).collect();
        }
        // A pad whose unit has now signed starts empty if the signature is withdrawn later.
        for s in &signatures {
            if let Some(pad) = self.pads.get_mut(s.position as usize) {
                pad.pad.clear();
            }
        }
        self.inspection = inspection;
        self.signatures = signatures;
        self.seal_check = seal_check;
        self.chain = chain;
        self.rectifications = rectifications;
        self.photos = photos;
        self.earlier_photos = earlier_photos;
        self.members = members;
        self.latest_members = latest_members;
        self.member_changes = member_changes;
    }

    /// Is this the latest round of its acceptance?
    fn is_latest(&self) -> bool {
        self.chain
            .latest()
            .is_some_and(|l| l.id == self.inspection.id)
    }

    fn set_result(
        &mut self,
        index: usize,
        result: Option<ItemResult>,
        commands: &mut Vec<Command>,
    ) {
        let Some(item) = self.inspection.items.get(index) else {
            return;
        };
        self.selected = index;
        commands.push(Command::SetResult {
            inspection: self.inspection.id,
            code: item.standard.code.clone(),
            result,
        });
    }

    fn keyboard(&mut self, ui: &egui::Ui, commands: &mut Vec<Command>) {
        if ui.ctx().text_edit_focused()
            || self.inspection.items.is_empty()
            || self.inspection.is_signed_off()
        {
            return;
        }
        let last = self.inspection.items.len() - 1;
        let pressed = |key| ui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        if pressed(Key::ArrowDown) || pressed(Key::J) {
            self.selected = (self.selected + 1).min(last);
            self.scroll_to_selected = true;
        }
        if pressed(Key::ArrowUp) || pressed(Key::K) {
            self.selected = self.selected.saturating_sub(1);
            self.scroll_to_selected = true;
        }
        let choice = [
            (Key::Num1, Some(ItemResult::Pass)),
            (Key::Num2, Some(ItemResult::Fail)),
            (Key::Num3, Some(ItemResult::NotApplicable)),
            (Key::Num0, None),
        ]
        .into_iter()
        .find(|(key, _)| pressed(*key));
        if let Some((_, result)) = choice {
            let index = self.selected;
            self.set_result(index, result, commands);
            // Move on to the next item after a decision, as on a paper form.
            if result.is_some() && index < last {
                self.selected = index + 1;
                self.scroll_to_selected = true;
            }
        }
    }
}

pub fn show(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    exporting: bool,
    commands: &mut Vec<Command>,
) {
    view.keyboard(ui, commands);
    let inspection_id = view.inspection.id;
    let total = view.inspection.items.len();
    let decided = view.inspection.decided_count();
    let verdict = round_verdict(&view.inspection.items, view.members.as_deref());

    ui.horizontal(|ui| {
        let round = match view.inspection.kind {
            RoundKind::First => "验收".to_owned(),
            kind => format!("第 {} 轮{}", view.inspection.round, kind.label()),
        };
        ui.heading(format!("{} · {round}", view.subject_name));
        ui.add_space(12.0);
        ui.label(format!(
            "{}　验收人员：{}",
            view.inspection.inspected_on, view.inspection.inspectors
        ));
    });
    ui.horizontal(|ui| {
        ui.label(format!("已判定 {decided}/{total}"));
        ui.add(
            egui::ProgressBar::new(if total == 0 {
                0.0
            } else {
                decided as f32 / total as f32
            })
            .desired_width(200.0),
        );
        ui.add_space(12.0);
        ui.label("结论：");
        ui.label(verdict_text(&verdict, ui.visuals()));
        ui.label(verdict.explanation());
    });
    if view.chain.rounds.len() > 1 {
        // 结论按最新一轮: the acceptance as a whole, after every round so far.
        let overall = round_verdict(
            &view.chain.effective_items(),
            view.latest_members.as_deref(),
        );
        ui.horizontal(|ui| {
            ui.label(format!(
                "共 {} 轮，整体结论（按最新一轮）：",
                view.chain.rounds.len()
            ));
            ui.label(verdict_text(&overall, ui.visuals()));
            ui.label(overall.explanation());
        });
    }
    if view.inspection.kind == RoundKind::Correction {
        ui.label(format!("更正原因：{}", view.inspection.reason));
    }
    if view.is_latest() {
        ui.horizontal(|ui| {
            let mut next = Vec::new();
            if !view.chain.open_items().is_empty() {
                next.push(Command::NewReinspection(inspection_id));
            }
            if view.inspection.is_signed_off() {
                next.push(Command::NewCorrection(inspection_id));
            }
            for command in next {
                if ui
                    .button(command.label())
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    commands.push(command);
                }
            }
        });
    }
    if let Some(members) = &view.members {
        members_panel(ui, members, view.inspection.is_signed_off(), commands);
    }
    if !view.member_changes.is_empty() {
        ui.label(
            egui::RichText::new(format!(
                "签字确认后片区小区情况已有变化：{}。如需反映，请“更正（新建一轮）”。",
                view.member_changes.join("；")
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    ui.horizontal(|ui| {
        let export = Command::ExportSheet(inspection_id);
        if ui
            .add_enabled(!exporting, egui::Button::new(export.label()))
            .on_hover_text(format!(
                "{}（{}）",
                export.tooltip(),
                export.shortcut_text()
            ))
            .clicked()
        {
            commands.push(export);
        }
        ui.label(
            egui::RichText::new(
                "键盘：↑/↓ 选择项目　1 合格　2 不合格　3 不适用　0 清除　· 每次勾选即时保存",
            )
            .small()
            .weak(),
        );
    });
    ui.label(
        egui::RichText::new(format!("标准版本 {}", view.inspection.catalogue_version))
            .small()
            .weak(),
    );
    sign_panel::seal_banner(ui, &view.inspection, &view.seal_check);
    ui.separator();

    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            let mut group = String::new();
            let mut standard = String::new();
            let catalogue = crate::model::Catalogue::version(&view.inspection.catalogue_version);
            for index in 0..view.inspection.items.len() {
                // A cluster acceptance spans three standards: name each where it starts.
                let item_standard = &view.inspection.items[index].standard.standard;
                if view.members.is_some() && *item_standard != standard {
                    standard.clone_from(item_standard);
                    if let Some(s) = catalogue.and_then(|c| c.standard(&standard)) {
                        ui.add_space(10.0);
                        ui.label(
                            egui::RichText::new(format!("{}（{}）", s.name, s.clause))
                                .heading()
                                .strong(),
                        );
                    }
                }
                let item_group = &view.inspection.items[index].standard.group;
                if *item_group != group {
                    group.clone_from(item_group);
                    ui.add_space(6.0);
                    ui.label(egui::RichText::new(&group).heading().size(18.0));
                }
                item_card(ui, view, index, commands);
            }
            let extra_blockers: Vec<String> = view
                .members
                .as_deref()
                .and_then(|m| cluster_sign_off_blocker(&view.chain.effective_items(), m))
                .into_iter()
                .collect();
            sign_panel::show(
                ui,
                &view.inspection,
                &view.signatures,
                &mut view.pads,
                &extra_blockers,
                commands,
            );
        });
}

/// 小区验收情况: a cluster acceptance shows where each member compound stands.
fn members_panel(
    ui: &mut egui::Ui,
    members: &[MemberAcceptance],
    sealed: bool,
    commands: &mut Vec<Command>,
) {
    let accepted = members
        .iter()
        .filter(|m| m.status == crate::model::MemberStatus::Accepted)
        .count();
    let title = format!(
        "片区内小区验收情况：合格并交付 {accepted}/{}{}",
        members.len(),
        if sealed { "（签字时）" } else { "" }
    );
    egui::CollapsingHeader::new(title)
        .id_salt("members_panel")
        .default_open(accepted < members.len() || members.is_empty())
        .show(ui, |ui| {
            if members.is_empty() {
                ui.label("片区内还没有小区。");
            }
            egui::Grid::new("checklist_members")
                .striped(true)
                .spacing([16.0, 2.0])
                .show(ui, |ui| {
                    for m in members {
                        if ui.link(&m.name).clicked() {
                            commands.push(Command::ShowCompound(m.compound_id));
                        }
                        ui.label(crate::ui::cluster_page::member_status_text(
                            m.status,
                            ui.visuals(),
                        ));
                        ui.label(m.code.as_deref().unwrap_or("—"));
                        ui.end_row();
                    }
                });
        });
}

fn item_card(
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
        .inner_margin(8.0);
    let response = frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(format!("{}.", index + 1)).strong());
            ui.label(egui::RichText::new(&item.standard.text).strong().size(17.0));
            ui.label(egui::RichText::new(&item.standard.code).small().weak());
            if item.standard.required {
                ui.label(egui::RichText::new("必查").small());
            }
        });
        ui.label(egui::RichText::new(format!("提示：{}", item.standard.hint)).small());
        ui.label(
            egui::RichText::new(format!("依据：宁政办〔2021〕17号 {}", item.standard.clause))
                .small()
                .weak(),
        );
        ui.horizontal(|ui| {
            for (n, result) in ItemResult::ALL.into_iter().enumerate() {
                let chosen = item.result == Some(result);
                let mut text =
                    egui::RichText::new(format!("{} {}", n + 1, result.label())).size(16.0);
                let mut button = egui::Button::new(text.clone()).min_size(egui::vec2(104.0, 38.0));
                if chosen {
                    text = text.color(egui::Color32::WHITE).strong();
                    let fill = match result {
                        ItemResult::Pass => PASS_GREEN,
                        ItemResult::Fail => ui.visuals().error_fg_color,
                        ItemResult::NotApplicable => egui::Color32::from_gray(110),
                    };
                    button = egui::Button::new(text)
                        .min_size(egui::vec2(104.0, 38.0))
                        .fill(fill);
                }
                let clicked = ui
                    .add_enabled(open, button)
                    .accessible_name(format!("{}：{}", item.standard.text, result.label()))
                    .on_hover_text(format!("快捷键 {}", n + 1))
                    .clicked();
                if clicked {
                    // Clicking the chosen result again clears it.
                    view.set_result(index, if chosen { None } else { Some(result) }, commands);
                }
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

/// Under a failed item: its rectification, or a form to order one (整改：要求、责任单位、期限).
fn rectification_row(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    code: &str,
    text: &str,
    commands: &mut Vec<Command>,
) {
    let today = chrono::Local::now().date_naive();
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
                r.deadline,
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
                        error: None,
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
                r.deadline,
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
        if ui
            .button("保存整改")
            .accessible_name(format!("{text}：保存整改"))
            .clicked()
        {
            match NaiveDate::parse_from_str(draft.deadline.trim(), "%Y-%m-%d") {
                Ok(deadline) => {
                    draft.error = None;
                    commands.push(Command::SaveRectification(Rectification {
                        id: existing
                            .as_ref()
                            .map_or_else(RectificationId::new, |r| r.id),
                        inspection_id,
                        item_code: code.to_owned(),
                        requirement: draft.requirement.clone(),
                        responsible_unit: draft.unit.clone(),
                        deadline,
                    }));
                }
                Err(_) => draft.error = Some("期限格式应为 年-月-日，如 2026-12-15".to_owned()),
            }
        }
        if ui
            .button("取消")
            .accessible_name(format!("{text}：取消整改"))
            .clicked()
        {
            cancel = true;
        }
    });
    if cancel {
        view.drafts.remove(code);
    }
    if let Some(error) = view.drafts.get(code).and_then(|d| d.error.clone()) {
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
    }
}

/// An item's photos as thumbnails (click for the large view) and the button to add more.
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
                if open
                    && ui
                        .small_button("删除")
                        .accessible_name(format!("{text} 删除照片 {}", n + 1))
                        .clicked()
                {
                    commands.push(Command::DeletePhoto(photo.id));
                }
            });
        }
        if open
            && ui
                .button("添加照片…")
                .accessible_name(format!("{text}：添加照片"))
                .on_hover_text("从文件选择一张或多张照片（JPEG、PNG），自动缩小并存入数据库")
                .clicked()
        {
            commands.push(Command::AddPhotos {
                inspection: view.inspection.id,
                code: code.to_owned(),
            });
        }
    });
}
