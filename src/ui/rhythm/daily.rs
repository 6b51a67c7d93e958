//! 日通报: the day's reports, the matters open at its end (carried forward until closed), the
//! bulletin's exports, and the form a unit's report is typed into.

use chrono::{Days, NaiveDate};
use eframe::egui;

use super::{RhythmView, choose, kind_picker, labelled_multiline, parse_day};
use crate::command::{Command, RhythmCommand};
use crate::export::Document;
use crate::model::date_text;
use crate::model::rhythm::{DailyReport, RhythmChoice, UnitKind};
use crate::ui::widgets::{CommandButton, labelled_text};

/// A daily report as typed.
#[derive(Debug, Default)]
pub struct ReportForm {
    pub date: String,
    pub unit: String,
    pub kind: Option<UnitKind>,
    pub compound: String,
    pub work_done: String,
    pub good_practice: String,
    pub matters: String,
}

impl ReportForm {
    pub fn new(day: NaiveDate) -> Self {
        Self {
            date: day.to_string(),
            ..Self::default()
        }
    }

    /// Clears what was reported, keeping the day, the unit and its kind.
    pub fn clear_texts(&mut self) {
        self.compound.clear();
        self.work_done.clear();
        self.good_practice.clear();
        self.matters.clear();
    }

    /// The report the form describes, or what is wrong with the date.
    pub fn report(&self) -> Result<DailyReport, String> {
        Ok(DailyReport {
            date: parse_day(&self.date, "报送日期")?,
            unit: self.unit.trim().to_owned(),
            kind: self.kind,
            compound_name: self.compound.trim().to_owned(),
            work_done: self.work_done.trim().to_owned(),
            good_practice: self.good_practice.trim().to_owned(),
            matters: self.matters.trim().to_owned(),
            ..DailyReport::default()
        })
    }
}

pub(super) fn show(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    let day = view.choice.day;
    ui.horizontal(|ui| {
        let label = ui.label("通报日期");
        let response = ui
            .add(egui::TextEdit::singleline(&mut view.day_text).desired_width(110.0))
            .labelled_by(label.id);
        let typed = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("查看").clicked() || typed)
            && let Ok(d) = parse_day(&view.day_text, "通报日期")
        {
            choose(
                commands,
                RhythmChoice {
                    day: d,
                    ..view.choice
                },
            );
        }
        if ui.button("前一天").clicked()
            && let Some(d) = day.checked_sub_days(Days::new(1))
        {
            choose(
                commands,
                RhythmChoice {
                    day: d,
                    ..view.choice
                },
            );
        }
        if ui.button("后一天").clicked()
            && let Some(d) = day.checked_add_days(Days::new(1))
        {
            choose(
                commands,
                RhythmChoice {
                    day: d,
                    ..view.choice
                },
            );
        }
    });
    ui.add_space(4.0);
    ui.strong(format!("{} 日通报", date_text(day)));
    ui.label(view.bulletin.summary(&view.open_actions));
    ui.horizontal(|ui| {
        for xlsx in [false, true] {
            CommandButton::new(Command::Export(Document::Bulletin { date: day, xlsx }))
                .show(ui, commands);
        }
    });
    ui.add_space(8.0);
    ui.strong("一、当日工作开展情况");
    if view.bulletin.reports.is_empty() {
        ui.label("当日没有单位报送。");
    }
    egui::Grid::new("day_reports")
        .striped(true)
        .num_columns(5)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for r in &view.bulletin.reports {
                // The button first and the texts wrapped: on a small screen the row stays in
                // the window.
                CommandButton::new(Command::Rhythm(RhythmCommand::DeleteReport(r.id.clone())))
                    .accessible_name(format!("删除{}的日报", r.unit))
                    .small()
                    .show(ui, commands);
                for text in [
                    format!(
                        "{}（{}）",
                        r.who(),
                        r.kind.map_or("", |k| k.name_in(&view.frame.rhythm))
                    ),
                    or_dash(&r.work_done).to_owned(),
                    or_dash(&r.good_practice).to_owned(),
                    or_dash(&r.matters).to_owned(),
                ] {
                    ui.scope(|ui| {
                        ui.set_width(180.0);
                        ui.add(egui::Label::new(text).wrap());
                    });
                }
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    ui.strong("二、需要协调解决的事项（含前期结转）");
    let open: Vec<_> = view
        .bulletin
        .carried
        .iter()
        .chain(view.bulletin.reports.iter().filter(|r| r.open_on(day)))
        .cloned()
        .collect();
    if open.is_empty() {
        ui.label("没有待协调的事项。");
    }
    // Each matter a block: when and what on one (wrapped) line, how it was settled and the
    // button below, so a small screen keeps all of it in the window.
    for r in &open {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let age = (day - r.date).num_days();
            let state = if age > 0 {
                egui::RichText::new(format!("{} 提出，已结转 {age} 天", date_text(r.date)))
                    .color(ui.visuals().error_fg_color)
            } else {
                egui::RichText::new("当日新增")
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(state);
                ui.label(format!("{}：{}", r.who(), r.matters));
            });
            let text = view.resolutions.entry(r.id.clone()).or_default();
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("办结情况");
                ui.add(
                    egui::TextEdit::singleline(text)
                        .min_size(egui::vec2(200.0, 0.0))
                        .desired_width(240.0),
                )
                .labelled_by(label.id)
                .on_hover_text(format!("{}：{}", r.unit, r.matters));
                CommandButton::new(Command::Rhythm(RhythmCommand::Resolve {
                    id: r.id.clone(),
                    on: day,
                    resolution: text.clone(),
                }))
                .accessible_name(format!("办结：{}", r.matters))
                .show(ui, commands);
            });
        });
    }
    if !view.bulletin.resolved.is_empty() {
        ui.add_space(8.0);
        ui.strong("三、当日办结事项");
        for r in &view.bulletin.resolved {
            ui.label(format!(
                "{}：{} —— {}",
                r.who(),
                r.matters,
                or_dash(&r.resolution)
            ));
        }
    }
    ui.add_space(12.0);
    ui.separator();
    report_form(ui, view, commands);
}

fn report_form(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    ui.strong("报送日报");
    let rhythm = &view.frame.rhythm;
    let kinds: Vec<&str> = rhythm
        .reporting_units
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    ui.label(
        egui::RichText::new(format!(
            "{}每天报送工作开展情况、好的做法和需要协调解决的事项（{}）。",
            kinds.join("、"),
            view.frame.basis()
        ))
        .small(),
    );
    let form = &mut view.report;
    egui::Grid::new("report_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(ui, "报送日期", &mut form.date, "如 2026-11-29", None);
            labelled_text(
                ui,
                "报送单位",
                &mut form.unit,
                "如：××镇人民政府、一标段施工单位",
                None,
            );
            if !view.units.is_empty() {
                ui.label("");
                // A grid cell does not end at the window's edge: the row wraps at a width of
                // its own.
                ui.scope(|ui| {
                    ui.set_max_width(380.0);
                    ui.horizontal_wrapped(|ui| {
                        for (unit, kind) in &view.units {
                            if ui
                                .small_button(unit)
                                .on_hover_text("填入这个单位")
                                .clicked()
                            {
                                form.unit.clone_from(unit);
                                form.kind = Some(*kind);
                            }
                        }
                    });
                });
                ui.end_row();
            }
            kind_picker(ui, ("report_kind", &view.frame), &mut form.kind);
            labelled_text(
                ui,
                "小区名称",
                &mut form.compound,
                "可不填：与名册中的名称一致",
                None,
            );
            labelled_multiline(ui, "工作开展情况", &mut form.work_done, "");
            labelled_multiline(ui, "好的做法", &mut form.good_practice, "");
            labelled_multiline(ui, "需协调事项", &mut form.matters, "没有可不填");
        });
    let command = match form.report() {
        Ok(report) => Some(Command::Rhythm(RhythmCommand::AddReport(Box::new(report)))),
        Err(problem) => {
            ui.colored_label(ui.visuals().error_fg_color, problem);
            None
        }
    };
    if let Some(command) = command {
        CommandButton::new(command).show(ui, commands);
    }
}

fn or_dash(text: &str) -> &str {
    if text.trim().is_empty() { "—" } else { text }
}
