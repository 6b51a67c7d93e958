//! 周例会: the open decisions of every meeting first (until closed), the meetings held, and
//! the form a meeting is recorded in with its decisions as action items.

use chrono::NaiveDate;
use eframe::egui;

use super::{RhythmView, labelled_multiline, parse_day};
use crate::command::{Command, RhythmCommand};
use crate::model::date_text;
use crate::model::rhythm::{ActionItem, Meeting};
use crate::ui::widgets::{CommandButton, labelled_text};

/// A decision as typed.
#[derive(Debug, Default)]
pub struct ActionDraft {
    pub text: String,
    pub owner: String,
    pub due: String,
}

/// A meeting as typed.
#[derive(Debug, Default)]
pub struct MeetingForm {
    pub held_on: String,
    pub units: String,
    pub progress: String,
    pub actions: Vec<ActionDraft>,
}

impl MeetingForm {
    pub fn new(day: NaiveDate) -> Self {
        Self {
            held_on: day.to_string(),
            actions: vec![ActionDraft::default()],
            ..Self::default()
        }
    }

    /// The meeting the form describes (empty decision lines left out), or what is wrong.
    pub fn meeting(&self) -> Result<Meeting, String> {
        let held_on = parse_day(&self.held_on, "会议日期")?;
        let mut actions = Vec::new();
        for (i, a) in self.actions.iter().enumerate() {
            if a.text.trim().is_empty() && a.owner.trim().is_empty() && a.due.trim().is_empty() {
                continue;
            }
            actions.push(ActionItem {
                id: Default::default(),
                meeting_id: Default::default(),
                text: a.text.trim().to_owned(),
                owner: a.owner.trim().to_owned(),
                due_on: parse_day(&a.due, &format!("第 {} 项的完成期限", i + 1))?,
                closed_on: None,
            });
        }
        Ok(Meeting {
            id: Default::default(),
            held_on,
            units: self
                .units
                .split(['\n', '、', '，', ','])
                .map(|u| u.trim().to_owned())
                .filter(|u| !u.is_empty())
                .collect(),
            progress: self.progress.trim().to_owned(),
            actions,
        })
    }
}

pub(super) fn show(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    let today = view.choice.day;
    ui.strong("未完成的决定事项");
    let open: Vec<(&Meeting, &ActionItem)> = view
        .meetings
        .iter()
        .flat_map(|m| m.actions.iter().map(move |a| (m, a)))
        .filter(|(_, a)| a.is_open())
        .collect();
    if open.is_empty() {
        ui.label("没有未完成的决定事项。");
    }
    egui::Grid::new("open_actions")
        .striped(true)
        .num_columns(5)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for (m, a) in open {
                ui.label(format!("{} 例会", date_text(m.held_on)));
                ui.label(&a.text);
                ui.label(&a.owner);
                let due = format!("期限 {}", date_text(a.due_on));
                if a.overdue(today) {
                    ui.colored_label(ui.visuals().error_fg_color, format!("{due}（已逾期）"));
                } else {
                    ui.label(due);
                }
                CommandButton::new(Command::Rhythm(RhythmCommand::CloseAction {
                    id: a.id.clone(),
                    on: Some(today),
                }))
                .accessible_name(format!("完成：{}", a.text))
                .show(ui, commands);
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.strong("会议记录");
    for m in &view.meetings {
        egui::CollapsingHeader::new(format!(
            "{} 例会（{} 个单位参加，决定事项 {} 项）",
            date_text(m.held_on),
            m.units.len(),
            m.actions.len()
        ))
        .id_salt(&m.id)
        .show(ui, |ui| {
            ui.label(format!("参会单位：{}", m.units.join("、")));
            ui.label(format!("进展与总结：{}", m.progress));
            for a in &m.actions {
                let state = match a.closed_on {
                    Some(d) => format!("{} 完成", date_text(d)),
                    None => "未完成".to_owned(),
                };
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "· {}（{}，期限 {}）{state}",
                        a.text,
                        a.owner,
                        date_text(a.due_on)
                    ));
                    if a.closed_on.is_some() {
                        CommandButton::new(Command::Rhythm(RhythmCommand::CloseAction {
                            id: a.id.clone(),
                            on: None,
                        }))
                        .accessible_name(format!("重新打开：{}", a.text))
                        .small()
                        .show(ui, commands);
                    }
                });
            }
        });
    }
    if view.meetings.is_empty() {
        ui.label("还没有会议记录。");
    }
    ui.add_space(12.0);
    ui.separator();
    ui.strong("记录周例会");
    ui.label(egui::RichText::new(format!("各相关单位及乡镇汇报进展，县住建局通报总结并传达上级要求（{}）；决定事项写明责任单位和完成期限。", view.frame.basis())).small());
    let form = &mut view.meeting;
    egui::Grid::new("meeting_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(ui, "会议日期", &mut form.held_on, "如 2026-11-23", None);
            labelled_multiline(ui, "参会单位", &mut form.units, "每行一个，或用顿号分隔");
            labelled_multiline(ui, "进展与总结", &mut form.progress, "");
        });
    let mut remove = None;
    for (i, a) in form.actions.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            let label = ui.label(format!("决定事项 {}", i + 1));
            ui.add(egui::TextEdit::singleline(&mut a.text).desired_width(260.0))
                .labelled_by(label.id);
            let label = ui.label("责任单位");
            ui.add(egui::TextEdit::singleline(&mut a.owner).desired_width(140.0))
                .labelled_by(label.id);
            let label = ui.label("完成期限");
            ui.add(
                egui::TextEdit::singleline(&mut a.due)
                    .hint_text("2026-12-05")
                    .desired_width(100.0),
            )
            .labelled_by(label.id);
            if ui.small_button("删除此项").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        form.actions.remove(i);
    }
    if ui.button("添加决定事项").clicked() {
        form.actions.push(ActionDraft::default());
    }
    match form.meeting() {
        Ok(m) => {
            CommandButton::new(Command::Rhythm(RhythmCommand::AddMeeting(Box::new(m))))
                .show(ui, commands);
        }
        Err(problem) => {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }
}
