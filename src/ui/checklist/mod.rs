//! The checklist: an inspector walks the compound and decides every item, by mouse or keyboard
//! (↑/↓ choose an item, 1 合格, 2 不合格, 3 不适用, 0 clear; the keys are `UiCommand`s). Every
//! click is saved at once, and only the item changed is updated on screen.

mod item_card;
mod rectification_row;
mod sign_panel;

use std::collections::HashMap;

use chrono::NaiveDate;
use eframe::egui;

use crate::command::{Command, UiCommand};
use crate::export::Document;
use crate::model::{
    Inspection, InspectionChain, InspectionId, ItemResult, MemberAcceptance, Rectification,
    RoundKind, SealCheck, Signature,
    cluster_acceptance::{cluster_sign_off_blocker, round_verdict},
};
use crate::store::{PhotoMeta, Store, StoreError};
use crate::ui::widgets::thumbnails::ThumbnailCache;
use crate::ui::widgets::{CommandButton, verdict_text};

use item_card::item_card;
use rectification_row::RectificationDraft;
use sign_panel::PartyPad;

/// Where on the checklist a refused action's reason is shown: beside what was done, not in the
/// status bar far away. It goes when the same action next succeeds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Spot {
    /// An item's result, remark or photos.
    Item(String),
    /// An item's rectification form.
    Rectification(String),
    /// A participating unit's signature.
    Party(u32),
    /// 完成签字并锁定 and the next round.
    Round,
}

/// The checklist's state: the round as stored with what surrounds it (signatures, seal, the
/// acceptance's other rounds and rectifications, photos, members), the selected item and what
/// is being typed.
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
    drafts: HashMap<String, RectificationDraft>,
    pub photos: Vec<PhotoMeta>,
    /// Photos of earlier rounds of the same acceptance, with their round: the "before" of a
    /// re-inspection.
    earlier_photos: Vec<(u32, PhotoMeta)>,
    /// For a cluster acceptance: its member compounds' acceptances (as sealed once signed off).
    members: Option<Vec<MemberAcceptance>>,
    /// The same for the acceptance's latest round, which the overall verdict goes by.
    latest_members: Option<Vec<MemberAcceptance>>,
    /// For a signed-off cluster round: what has changed among its members since.
    member_changes: Vec<String>,
    thumbnails: ThumbnailCache,
    /// The day rectification deadlines are judged against.
    today: NaiveDate,
    /// Why the last action at each spot was refused.
    errors: HashMap<Spot, String>,
}

impl ChecklistView {
    /// Reads round `id` and everything around it.
    pub fn load(store: &Store, id: InspectionId, today: NaiveDate) -> Result<Self, StoreError> {
        let inspection = store.inspection(id)?;
        let subject_name = store.subject_name(inspection.subject)?;
        let chain = store.chain_of(id)?;
        let earlier_photos = store.earlier_photos(&chain, id)?;
        let signatures = store.signatures(id)?;
        // The whole acceptance's verdict goes by its latest round's members.
        let members = store.members_for(&inspection)?;
        let latest_members = match chain.latest() {
            Some(latest) if latest.id != id => store.members_for(latest)?,
            _ => members.clone(),
        };
        let remarks = inspection.items.iter().map(|i| i.remark.clone()).collect();
        let selected = inspection
            .items
            .iter()
            .position(|i| i.result.is_none())
            .unwrap_or(0);
        let photos = store.photos_of(id)?;
        // Decoded here: on the loading thread when there are many.
        let thumbnails =
            ThumbnailCache::decoded(photos.iter().chain(earlier_photos.iter().map(|(_, p)| p)));
        Ok(Self {
            subject_name,
            selected,
            remarks,
            scroll_to_selected: true,
            pads: vec![PartyPad::default(); inspection.parties.len()],
            member_changes: store.member_changes_since_sealed(&inspection)?,
            photos,
            seal_check: store.check_seal_of(&inspection, &signatures)?,
            rectifications: store.rectifications_of(&chain)?,
            inspection,
            signatures,
            chain,
            drafts: HashMap::new(),
            earlier_photos,
            members,
            latest_members,
            thumbnails,
            today,
            errors: HashMap::new(),
        })
    }

    /// Takes a freshly loaded view of the same round; keeps the selection, what is being
    /// typed or drawn, and the decoded thumbnails.
    pub fn update(&mut self, fresh: Self) {
        // A saved rectification's form is done.
        self.drafts.retain(|code, _| {
            !fresh
                .rectifications
                .iter()
                .any(|r| &r.item_code == code && r.inspection_id == fresh.inspection.id)
        });
        if fresh.inspection.items.len() != self.remarks.len() {
            self.remarks = fresh.remarks;
        }
        // A pad whose unit has now signed starts empty if the signature is withdrawn later.
        for s in &fresh.signatures {
            if let Some(pad) = self.pads.get_mut(s.position as usize) {
                pad.pad.clear();
            }
        }
        self.inspection = fresh.inspection;
        self.subject_name = fresh.subject_name;
        self.signatures = fresh.signatures;
        self.seal_check = fresh.seal_check;
        self.chain = fresh.chain;
        self.rectifications = fresh.rectifications;
        self.photos = fresh.photos;
        self.earlier_photos = fresh.earlier_photos;
        self.members = fresh.members;
        self.latest_members = fresh.latest_members;
        self.member_changes = fresh.member_changes;
        self.today = fresh.today;
        self.thumbnails.merge(fresh.thumbnails);
    }

    /// Shows why an action at `spot` was refused, or (`None`) clears it after it succeeded.
    pub fn set_error(&mut self, spot: Spot, error: Option<String>) {
        match error {
            Some(error) => {
                self.errors.insert(spot, error);
            }
            None => {
                self.errors.remove(&spot);
            }
        }
    }

    /// Why the last action at `spot` was refused.
    fn error_at(&self, spot: &Spot) -> Option<&str> {
        self.errors.get(spot).map(String::as_str)
    }

    /// A result just saved: only that item changes on screen (and with it the verdict, which
    /// is worked out from the items as they are drawn).
    pub fn result_saved(&mut self, code: &str, result: Option<ItemResult>) {
        self.edit_item(code, |item| item.result = result);
    }

    /// A remark just saved (the field already shows it).
    pub fn remark_saved(&mut self, code: &str, remark: &str) {
        self.edit_item(code, |item| remark.clone_into(&mut item.remark));
    }

    fn edit_item(&mut self, code: &str, edit: impl Fn(&mut crate::model::InspectionItem)) {
        let id = self.inspection.id;
        if let Some(item) = self
            .inspection
            .items
            .iter_mut()
            .find(|i| i.standard.code == code)
        {
            edit(item);
        }
        // The same round inside the chain, which the overall verdict reads.
        if let Some(round) = self.chain.rounds.iter_mut().find(|r| r.id == id)
            && let Some(item) = round.items.iter_mut().find(|i| i.standard.code == code)
        {
            edit(item);
        }
    }

    /// This round's verdict (for a cluster, with its members' acceptances).
    pub fn verdict(&self) -> crate::model::Verdict {
        round_verdict(&self.inspection.items, self.members.as_deref())
    }

    /// Is this the latest round of its acceptance?
    fn is_latest(&self) -> bool {
        self.chain
            .latest()
            .is_some_and(|l| l.id == self.inspection.id)
    }

    /// A checklist key: moves the selection, or turns into the command that decides the
    /// selected item (and moves on after a decision, as on a paper form).
    pub fn key(&mut self, key: UiCommand) -> Option<Command> {
        if self.inspection.items.is_empty() || self.inspection.is_signed_off() {
            return None;
        }
        let last = self.inspection.items.len() - 1;
        match key {
            UiCommand::SelectNextItem => {
                self.selected = (self.selected + 1).min(last);
                self.scroll_to_selected = true;
                None
            }
            UiCommand::SelectPreviousItem => {
                self.selected = self.selected.saturating_sub(1);
                self.scroll_to_selected = true;
                None
            }
            other => {
                let result = other.item_result()?;
                let index = self.selected.min(last);
                if result.is_some() && index < last {
                    self.selected = index + 1;
                    self.scroll_to_selected = true;
                }
                Some(self.result_command(index, result))
            }
        }
    }

    /// The command that records `result` for item `index`.
    fn result_command(&self, index: usize, result: Option<ItemResult>) -> Command {
        Command::SetResult {
            inspection: self.inspection.id,
            code: self.inspection.items[index].standard.code.clone(),
            result,
        }
    }
}

pub fn show(
    ui: &mut egui::Ui,
    view: &mut ChecklistView,
    exporting: bool,
    commands: &mut Vec<Command>,
) {
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
            crate::model::date_text(view.inspection.inspected_on),
            view.inspection.inspectors
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
    // Rounds close in order: the next one starts once this one is signed and locked (which
    // needs every item decided).
    if view.is_latest() && view.inspection.is_signed_off() {
        ui.horizontal(|ui| {
            if !view.chain.open_items().is_empty() {
                CommandButton::new(Command::NewReinspection(inspection_id)).show(ui, commands);
            }
            CommandButton::new(Command::NewCorrection(inspection_id)).show(ui, commands);
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
        // The page's main document: Ctrl+P exports it too.
        CommandButton::new(Command::Ui(UiCommand::ExportCurrent))
            .text(Document::AcceptanceSheet(inspection_id).label())
            .enabled(!exporting)
            .show(ui, commands);
        // The notice for the units that must rectify what this round found.
        if view
            .rectifications
            .iter()
            .any(|r| r.inspection_id == inspection_id)
        {
            CommandButton::new(Command::Export(Document::RectificationNotice(
                inspection_id,
            )))
            .enabled(!exporting)
            .show(ui, commands);
        }
        // After a re-inspection or a correction: the whole acceptance on one sheet.
        if view.chain.rounds.len() > 1 {
            CommandButton::new(Command::Export(Document::FinalSheet(inspection_id)))
                .enabled(!exporting)
                .show(ui, commands);
        }
        ui.label(
            egui::RichText::new(format!(
                "键盘：↑/↓ 选择项目　1 合格　2 不合格　3 不适用　0 清除　· 每次勾选即时保存　· 标准版本 {}{}",
                view.inspection.catalogue_version,
                crate::ui::widgets::pack_version_note(&view.inspection.pack_version)
            ))
            .small()
            .weak(),
        );
    });
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
                .map(String::from)
                .into_iter()
                .collect();
            sign_panel::show(ui, view, &extra_blockers, commands);
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
                        CommandButton::new(Command::Show(crate::command::Screen::Compound(
                            m.compound_id,
                        )))
                        .text(&m.name)
                        .link()
                        .show(ui, commands);
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
