//! 季考评: each unit's score this quarter beside what the records say (reports filed, overdue
//! rectifications, steps on time), the ranking with its 通报表扬/批评, the scoring form; and the
//! local rules page.

use eframe::egui;

use super::{RhythmView, choose, kind_picker};
use crate::command::{Command, RhythmCommand};
use crate::export::Document;
use crate::model::policy_rule::PolicyRule;
use crate::model::rhythm::{Mention, QuarterScore, RhythmChoice, UnitKind};
use crate::ui::widgets::{CommandButton, labelled_text};

/// A score as typed.
#[derive(Debug, Default)]
pub struct ScoreForm {
    pub unit: String,
    pub kind: Option<UnitKind>,
    pub duties: String,
    pub role: String,
    pub results: String,
    pub progress: String,
    pub note: String,
}

impl ScoreForm {
    pub fn score(&self) -> Result<QuarterScore, String> {
        let points = |text: &str, what: &str| -> Result<Option<u8>, String> {
            match text.trim() {
                "" => Ok(None),
                t => t
                    .parse::<u8>()
                    .map(Some)
                    .map_err(|_| format!("{what}“{t}”不是整数分。")),
            }
        };
        Ok(QuarterScore {
            id: Default::default(),
            unit: self.unit.trim().to_owned(),
            kind: self.kind,
            duties: points(&self.duties, "履行职责")?,
            role: points(&self.role, "发挥作用")?,
            results: points(&self.results, "工作成效")?,
            progress: points(&self.progress, "工程进度")?,
            note: self.note.trim().to_owned(),
        })
    }
}

pub(super) fn show(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    let q = view.choice.quarter;
    ui.horizontal(|ui| {
        if ui.button("上一季度").clicked() {
            choose(
                commands,
                RhythmChoice {
                    quarter: q.previous(),
                    ..view.choice
                },
            );
        }
        ui.strong(q.label());
        if ui.button("本季度").clicked() {
            let now = crate::model::rhythm::Quarter::of(crate::model::Clock::local().today());
            choose(
                commands,
                RhythmChoice {
                    quarter: now,
                    ..view.choice
                },
            );
        }
        CommandButton::new(Command::Export(Document::QuarterEvaluation(q))).show(ui, commands);
    });
    let t = view.rules.quarter;
    let rhythm = &view.frame.rhythm;
    let scale = rhythm.score;
    let name = |k: UnitKind| k.name_in(rhythm);
    let on_progress: Vec<&str> = UnitKind::of_pack(rhythm)
        .into_iter()
        .filter(|k| *k != UnitKind::Responsible)
        .map(name)
        .collect();
    ui.label(egui::RichText::new(format!(
        "考评各{}履行职责（{} 分）、发挥作用（{} 分）、工作成效（{} 分），各{}工程进度（{} 分）（{} 三、（四））。总分 {} 分及以上通报表扬、低于 {} 分通报批评——本地规则，可在“本地规则”中修改。",
        name(UnitKind::Responsible),
        scale.duties,
        scale.role,
        scale.results,
        on_progress.join("和"),
        scale.progress,
        view.frame.basis(),
        t.praise_at,
        t.criticise_below
    )).small());
    ui.add_space(6.0);
    if view.scores.is_empty() {
        ui.label("本季度还没有考评得分。");
    }
    egui::Grid::new("quarter_scores")
        .striped(true)
        .num_columns(6)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for h in ["名次", "单位", "得分", "总分", "通报", "记录中的依据"] {
                ui.strong(h);
            }
            ui.end_row();
            for (i, s) in view.scores.iter().enumerate() {
                let ranked = view.ranking.iter().find(|r| r.score.id == s.id);
                ui.label(ranked.map_or("未评完".to_owned(), |r| r.rank.to_string()));
                ui.label(format!(
                    "{}（{}）",
                    s.unit,
                    s.kind.map_or("", |k| k.name_in(&view.frame.rhythm))
                ));
                ui.label(match s.kind {
                    Some(UnitKind::Responsible) => format!(
                        "职责 {} · 作用 {} · 成效 {}",
                        shown(s.duties),
                        shown(s.role),
                        shown(s.results)
                    ),
                    _ => format!("进度 {}", shown(s.progress)),
                });
                ui.label(ranked.map_or("—".to_owned(), |r| r.total.to_string()));
                match ranked.and_then(|r| r.mention) {
                    Some(Mention::Praise) => {
                        ui.colored_label(egui::Color32::from_rgb(0, 130, 60), "通报表扬")
                    }
                    Some(Mention::Criticism) => {
                        ui.colored_label(ui.visuals().error_fg_color, "通报批评")
                    }
                    None => ui.label(""),
                };
                let e = view.evidence.get(i).cloned().unwrap_or_default();
                ui.label(format!(
                    "日报 {} 天 · 逾期未整改 {} 项 · 记录步骤 {} 个（按期 {}）",
                    e.reports_filed, e.overdue_rectifications, e.steps_recorded, e.steps_on_time
                ));
                ui.end_row();
            }
        });
    ui.add_space(12.0);
    ui.separator();
    ui.strong("录入得分");
    let form = &mut view.score;
    egui::Grid::new("score_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(
                ui,
                "被考评单位",
                &mut form.unit,
                "同一单位再次保存即修改",
                None,
            );
            kind_picker(ui, ("score_kind", &view.frame), &mut form.kind);
            match form.kind {
                Some(UnitKind::Responsible) => {
                    labelled_text(
                        ui,
                        "履行职责",
                        &mut form.duties,
                        &format!("0–{}", scale.duties),
                        None,
                    );
                    labelled_text(
                        ui,
                        "发挥作用",
                        &mut form.role,
                        &format!("0–{}", scale.role),
                        None,
                    );
                    labelled_text(
                        ui,
                        "工作成效",
                        &mut form.results,
                        &format!("0–{}", scale.results),
                        None,
                    );
                }
                Some(UnitKind::Contractor | UnitKind::Utility) => {
                    labelled_text(
                        ui,
                        "工程进度",
                        &mut form.progress,
                        &format!("0–{}", scale.progress),
                        None,
                    );
                }
                None => {}
            }
            labelled_text(
                ui,
                "说明",
                &mut form.note,
                "听取汇报、查阅资料、现场检查等",
                None,
            );
        });
    match form.score() {
        Ok(score) => {
            CommandButton::new(Command::Rhythm(RhythmCommand::SaveScore {
                quarter: q,
                score: Box::new(score),
            }))
            .show(ui, commands);
        }
        Err(problem) => {
            ui.colored_label(ui.visuals().error_fg_color, problem);
        }
    }
}

fn shown(v: Option<u8>) -> String {
    v.map_or("—".to_owned(), |v| v.to_string())
}

pub(super) fn show_rules(ui: &mut egui::Ui, view: &mut RhythmView, commands: &mut Vec<Command>) {
    ui.label("政策原文没有规定的数值，由县改造办在这里确定；凡用到的地方都注明“本地规则”。");
    ui.add_space(6.0);
    egui::Grid::new("policy_rules")
        .striped(true)
        .num_columns(4)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let sources = view.frame.rule_sources.iter();
            for ((rule, text), (source, given)) in PolicyRule::ALL
                .iter()
                .zip(view.rule_texts.iter_mut())
                .zip(sources)
            {
                let label = ui.label(rule.label());
                ui.add(
                    egui::TextEdit::singleline(text)
                        .hint_text(rule.hint())
                        .desired_width(90.0),
                )
                .labelled_by(label.id);
                ui.label(egui::RichText::new(format!("{source}；政策包取值 {given}")).small());
                CommandButton::new(Command::Rhythm(RhythmCommand::SetRule {
                    rule: *rule,
                    value: text.clone(),
                }))
                .accessible_name(format!("保存{}", rule.label()))
                .enabled(*text != view.rules.value(*rule))
                .show(ui, commands);
                ui.end_row();
            }
        });
}
