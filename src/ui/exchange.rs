//! 数据交换: this file's identity, the machines it exchanges field packages with (a package
//! for each, or everything for a new laptop), the conflicts and look-alike compounds a user
//! settles, and every package sent and received.

use eframe::egui;

use crate::command::{Command, UiCommand};
use crate::export::Document;
use crate::model::sync::{Identity, Role, short_device_id};
use crate::store::sync::{
    ConflictRecord, DuplicateOffer, FieldPick, KnownDevice, PackageRecord, Peer, Scope,
};
use crate::store::{Store, StoreError};
use crate::ui::widgets::CommandButton;

/// What the exchange screen shows, and the identity being edited.
#[derive(Debug)]
pub struct ExchangeView {
    pub identity: Identity,
    /// This file's key fingerprint, read aloud to the office by phone (`None` in a view of
    /// an older file, which has no key until opened for writing).
    pub fingerprint: Option<String>,
    /// The machines whose keys this file knows.
    pub known: Vec<KnownDevice>,
    pub peers: Vec<Peer>,
    pub conflicts: Vec<ConflictRecord>,
    pub duplicates: Vec<DuplicateOffer>,
    pub history: Vec<PackageRecord>,
    /// The name and role as typed, until saved.
    pub name: String,
    pub role: Role,
    /// The towns, and the one whose compounds a new laptop's package holds (`None`: all).
    pub towns: Vec<crate::model::Town>,
    pub town: Option<crate::model::TownId>,
}

impl ExchangeView {
    pub fn load(store: &Store) -> Result<Self, StoreError> {
        let identity = store.identity()?.ok_or_else(|| {
            StoreError::refused("本机尚无身份：请重新打开数据库文件。".to_owned())
        })?;
        Ok(Self {
            name: identity.name.clone(),
            role: identity.role,
            identity,
            fingerprint: store
                .public_identity()
                .ok()
                .map(|i| crate::model::device_key::fingerprint(&i.public_key)),
            known: store.known_devices()?,
            peers: store.peers()?,
            conflicts: store.open_conflicts()?,
            duplicates: store.duplicates()?,
            history: store.package_history()?,
            towns: store.towns()?,
            town: None,
        })
    }

    /// Takes fresh records and keeps what is being typed (unless the identity changed).
    pub fn update(&mut self, fresh: Self) {
        let typed = (self.name != self.identity.name || self.role != self.identity.role)
            && fresh.identity == self.identity;
        let (name, role, town) = (self.name.clone(), self.role, self.town);
        *self = fresh;
        self.town = town;
        if typed {
            self.name = name;
            self.role = role;
        }
    }
}

pub fn show(ui: &mut egui::Ui, view: &mut ExchangeView, commands: &mut Vec<Command>) {
    ui.heading("数据交换");
    ui.label("外业电脑把数据包交给县办，县办导入后再把汇总的数据包发回各台电脑：改动不会重复，也不会被悄悄覆盖。");
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            identity(ui, view, commands);
            ui.add_space(8.0);
            packages(ui, view, commands);
            ui.add_space(8.0);
            conflicts(ui, &view.conflicts, commands);
            duplicates(ui, &view.duplicates, commands);
            ui.add_space(8.0);
            known_devices(ui, &view.known);
            ui.add_space(8.0);
            history(ui, &view.history);
        });
}

/// The machines whose keys this file has learned, with their fingerprints to compare.
fn known_devices(ui: &mut egui::Ui, known: &[KnownDevice]) {
    ui.strong(format!("已记下密钥的电脑（{} 台）", known.len()));
    if known.is_empty() {
        ui.label("尚未收到其他电脑的数据包。首次收到时会记下对方的密钥指纹，请电话与对方核对。");
        return;
    }
    egui::Grid::new("known_devices")
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.strong("电脑");
            ui.strong("密钥指纹");
            ui.strong("得知方式");
            ui.end_row();
            for device in known {
                ui.label(&device.name);
                ui.label(egui::RichText::new(device.fingerprint()).monospace());
                ui.label(device.learned_from.label());
                ui.end_row();
            }
        });
}

fn identity(ui: &mut egui::Ui, view: &mut ExchangeView, commands: &mut Vec<Command>) {
    ui.strong("本机身份");
    egui::Grid::new("identity")
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("名称");
            ui.add(
                egui::TextEdit::singleline(&mut view.name)
                    .hint_text("如：××镇-王海燕的笔记本")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("用途");
            ui.horizontal(|ui| {
                ui.radio_value(&mut view.role, Role::Field, "外业（乡镇、验收人员的电脑）");
                ui.radio_value(&mut view.role, Role::Office, "县办（县住建局改造办）");
            });
            ui.end_row();
            ui.label("编号");
            ui.label(short_device_id(&view.identity.id));
            ui.end_row();
            ui.label("密钥指纹");
            ui.label(match &view.fingerprint {
                Some(fp) => egui::RichText::new(fp).monospace(),
                None => egui::RichText::new("（以可写方式打开后生成）"),
            })
                .on_hover_text("本机签字锁定的记录和导出的数据包都用本机密钥签名。县办首次收到本机的数据包时，请电话向其读出此指纹核对。");
            ui.end_row();
        });
    let changed = view.name.trim() != view.identity.name || view.role != view.identity.role;
    if changed {
        CommandButton::new(Command::SetIdentity {
            name: view.name.trim().to_owned(),
            role: view.role,
        })
        .show(ui, commands);
    }
}

fn packages(ui: &mut egui::Ui, view: &mut ExchangeView, commands: &mut Vec<Command>) {
    ui.strong("数据包");
    ui.horizontal(|ui| {
        CommandButton::new(Command::Ui(UiCommand::ImportPackage)).show(ui, commands);
        CommandButton::new(Command::Export(Document::FieldPackage {
            destination: None,
            scope: Scope::Changes,
        }))
        .text("导出本机改动（发给县办或其他电脑）…")
        .show(ui, commands);
    });
    if view.identity.role == Role::Office {
        // A new laptop is set up from one package: every town and cluster, and the compounds
        // of its town (or all).
        ui.horizontal(|ui| {
            let label = ui.label("设置新电脑：小区范围");
            let selected = view
                .towns
                .iter()
                .find(|t| Some(t.id) == view.town)
                .map_or("全县", |t| t.name.as_str())
                .to_owned();
            egui::ComboBox::from_id_salt("new_laptop_town")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut view.town, None, "全县");
                    for town in &view.towns {
                        ui.selectable_value(&mut view.town, Some(town.id), &town.name);
                    }
                })
                .response
                .labelled_by(label.id);
            CommandButton::new(Command::Export(Document::FieldPackage {
                destination: None,
                scope: Scope::Everything { town: view.town },
            }))
            .text("导出全部数据（设置新电脑）…")
            .show(ui, commands);
        });
    }
    if view.peers.is_empty() {
        ui.label("尚未与其他电脑交换过数据包。");
        return;
    }
    egui::Grid::new("peers")
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for title in ["往来电脑", "用途", "已收到其改动", "已发给它", ""] {
                ui.strong(title);
            }
            ui.end_row();
            for peer in &view.peers {
                ui.label(&peer.name);
                ui.label(peer.role.label());
                ui.label(format!("至第 {} 项", peer.applied_up_to));
                ui.label(format!("至第 {} 项", peer.sent_up_to));
                CommandButton::new(Command::Export(Document::FieldPackage {
                    destination: Some(peer.id.clone()),
                    scope: Scope::Changes,
                }))
                .text(format!("导出发给“{}”的数据包…", peer.name))
                .show(ui, commands);
                ui.end_row();
            }
        });
}

fn conflicts(ui: &mut egui::Ui, records: &[ConflictRecord], commands: &mut Vec<Command>) {
    let fields: usize = records.iter().map(|r| r.fields.len()).sum();
    ui.strong(format!("冲突处理（待选择 {fields} 处）"));
    if records.is_empty() {
        ui.label("没有待处理的冲突。");
        return;
    }
    ui.label(
        "同一记录在两台电脑上都改过：请逐项选择保留哪一方。您的选择也会随数据包发给其他电脑。",
    );
    for (r, record) in records.iter().enumerate() {
        ui.group(|ui| {
            ui.horizontal(|ui| {
                ui.strong(&record.record);
                let all = |pick| {
                    Command::ResolveConflicts(
                        record
                            .fields
                            .iter()
                            .filter(|f| pick == FieldPick::Ours || f.theirs_available)
                            .map(|f| (f.id.clone(), pick))
                            .collect(),
                    )
                };
                CommandButton::new(all(FieldPick::Ours))
                    .text("全部以本机为准")
                    .show(ui, commands);
                if record.fields.iter().all(|f| f.theirs_available) {
                    CommandButton::new(all(FieldPick::Theirs))
                        .text("全部以对方为准")
                        .show(ui, commands);
                }
            });
            egui::Grid::new(("conflict", r))
                .striped(true)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    for title in ["项目", "本机", "对方", "对方修改者与时间", ""] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    for field in &record.fields {
                        ui.label(&field.label);
                        ui.label(&field.ours);
                        ui.label(&field.theirs);
                        ui.label(format!(
                            "{}，{}",
                            field.origin_name,
                            crate::model::Clock::local().time_text(&field.their_time)
                        ));
                        ui.horizontal(|ui| {
                            let pick = |p| Command::ResolveConflicts(vec![(field.id.clone(), p)]);
                            CommandButton::new(pick(FieldPick::Ours)).show(ui, commands);
                            if field.theirs_available {
                                CommandButton::new(pick(FieldPick::Theirs)).show(ui, commands);
                            }
                        });
                        ui.end_row();
                    }
                });
        });
    }
}

fn duplicates(ui: &mut egui::Ui, offers: &[DuplicateOffer], commands: &mut Vec<Command>) {
    if offers.is_empty() {
        return;
    }
    ui.add_space(8.0);
    ui.strong(format!("疑似重复的小区或片区（{} 对）", offers.len()));
    ui.label("两台电脑分别登记了同一个小区（名称、乡镇、地址都相同）或同一个片区（名称、乡镇相同，计划年度相同或未填）。合并后只保留一个：另一个小区的调查、验收、改造进程、证据和资金记录，或另一个片区的小区、调查、验收和资金记录，都归入保留的那个。");
    egui::Grid::new("duplicates")
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for offer in offers {
                let noun = offer.kind.noun();
                ui.label(format!("{noun}：{}（{}）", offer.name, offer.detail));
                ui.label(format!(
                    "本机已有：{} 轮记录；新到：{} 轮记录",
                    offer.kept_rounds, offer.other_rounds
                ));
                CommandButton::new(Command::ResolveDuplicate {
                    id: offer.id.clone(),
                    merge: true,
                })
                .text(format!("合并为一个{noun}"))
                .accessible_name(format!("合并为一个{noun}：{}", offer.name))
                .show(ui, commands);
                CommandButton::new(Command::ResolveDuplicate {
                    id: offer.id.clone(),
                    merge: false,
                })
                .accessible_name(format!("保留两个：{}", offer.name))
                .show(ui, commands);
                ui.end_row();
            }
        });
}

fn history(ui: &mut egui::Ui, records: &[PackageRecord]) {
    ui.strong("数据包记录");
    if records.is_empty() {
        ui.label("还没有发送或收到过数据包。");
        return;
    }
    let clock = crate::model::Clock::local();
    egui::Grid::new("package_history")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for title in [
                "时间",
                "方向",
                "对方",
                "范围",
                "记录数",
                "冲突",
                "处理人",
                "文件",
            ] {
                ui.strong(title);
            }
            ui.end_row();
            for r in records {
                ui.label(clock.time_text(&r.at));
                ui.label(if r.sent { "发出" } else { "收到" });
                ui.label(&r.peer_name);
                ui.label(match (r.range, r.snapshot) {
                    (_, true) => "全部数据".to_owned(),
                    (Some((first, last)), false) => format!("第 {first}–{last} 项"),
                    (None, false) => "无新改动".to_owned(),
                });
                ui.label(r.rows().to_string());
                ui.label(if r.sent {
                    String::new()
                } else {
                    format!("{} 处，已处理 {}", r.conflicts, r.settled)
                });
                ui.label(r.settled_by.join("、"));
                ui.label(&r.file_name);
                ui.end_row();
            }
        });
}
