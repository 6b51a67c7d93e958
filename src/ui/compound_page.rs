//! One compound: its details and its acceptance inspections.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::command::{Command, Screen};
use crate::export::Document;
use crate::model::{
    Compound, CompoundId, CompoundSurvey, Condition, EligibilityFacts, EligibilityReport,
    MemberStatus, NeedsGroup, Subject, SurveyCatalogue, Verdict, assess, needs_list,
};
use crate::store::{Audit, InspectionSummary, Store, StoreError};
use crate::ui::widgets::{
    CommandButton, command_button, eligibility_checks, eligibility_text, verdict_text,
};

/// What the compound page shows.
#[derive(Debug)]
pub struct CompoundView {
    pub compound: Compound,
    pub town_name: String,
    pub cluster_name: String,
    pub inspections: Vec<InspectionSummary>,
    /// Where its acceptance stands (合格 and every round signed = 已交付).
    pub acceptance: MemberStatus,
    /// What hand-over still needs, met or not (empty once handed over).
    pub handover: Vec<crate::model::handover::HandoverCondition>,
    /// Survey rounds, newest first.
    pub surveys: Vec<CompoundSurvey>,
    pub eligibility: EligibilityReport,
    /// The clause the eligibility rules come from, as the file's pack says it.
    pub eligibility_clause: String,
    /// From the latest survey round.
    pub needs: Vec<NeedsGroup>,
    /// The county's programme (四、实施步骤), from the file's pack.
    pub programme: &'static crate::model::programme::Programme,
    /// Its recorded programme steps.
    pub steps: Vec<crate::model::programme::StepRecord>,
    /// Its funding entries.
    pub funding: Vec<crate::model::funding::Funding>,
    /// What the pack's money rules find in them.
    pub funding_flags: Vec<String>,
    /// Its property-service evaluations, newest first.
    pub evaluations: Vec<crate::model::programme::ServiceEvaluation>,
}

impl CompoundView {
    /// The compound with its surveys, eligibility, needs and acceptance rounds.
    pub fn load(store: &Store, id: CompoundId) -> Result<Self, StoreError> {
        let compound = store.compound(id)?;
        let (town_name, cluster_name) = store.places_of(&compound)?;
        let surveys = store.surveys_of(id)?;
        let eligibility = assess(
            &EligibilityFacts::gather(
                compound.year_built,
                compound.cluster_id.is_some(),
                compound.households,
                surveys.first(),
            )
            .with_owner(&compound.owner_unit)
            .with_rules(&store.policy_rules()?),
        );
        let needs = surveys.first().map_or_else(Vec::new, |s| {
            let catalogue = SurveyCatalogue::version(&s.catalogue_version)
                .unwrap_or_else(SurveyCatalogue::current);
            needs_list(s, catalogue)
        });
        Ok(Self {
            programme: store.programme()?,
            steps: store.steps_of(id)?,
            evaluations: store.evaluations_of(id)?,
            funding: store.funding_of(crate::store::funding::Funded::Compound(id))?,
            funding_flags: store.funding_flags_of(crate::store::funding::Funded::Compound(id))?,
            inspections: store.inspections_of(Subject::Compound(id))?,
            acceptance: store.acceptance_of(id)?.0,
            handover: store.handover_conditions_of(id)?,
            compound,
            town_name,
            cluster_name,
            surveys,
            eligibility,
            eligibility_clause: store.eligibility_clause()?,
            needs,
        })
    }
}

pub fn show(
    ui: &mut egui::Ui,
    view: &CompoundView,
    audit: Option<&Audit>,
    commands: &mut Vec<Command>,
) {
    // Each compound scrolls on its own: opening another starts at its head, not half-way
    // down where the last one was left.
    egui::ScrollArea::vertical()
        .id_salt(("compound_page", view.compound.id))
        .auto_shrink(false)
        .show(ui, |ui| page(ui, view, audit, commands));
}

fn page(
    ui: &mut egui::Ui,
    view: &CompoundView,
    audit: Option<&Audit>,
    commands: &mut Vec<Command>,
) {
    let c = &view.compound;
    if let Some(audit) = audit {
        crate::ui::widgets::audit_warnings(ui, audit.findings_of(Subject::Compound(c.id)));
    }
    ui.horizontal(|ui| {
        ui.heading(&c.name);
        if c.is_sample {
            ui.label(egui::RichText::new("示例数据").color(egui::Color32::from_rgb(200, 80, 0)));
        }
        // 改造一个、合格一个、交付一个: a 合格 inspection signed by every party hands it over.
        // The newest acceptance decides, after all its rounds, every one signed off.
        if view.acceptance == MemberStatus::Accepted {
            ui.label(
                egui::RichText::new("已交付")
                    .color(crate::ui::widgets::PASS_GREEN)
                    .strong(),
            )
            .on_hover_text(format!(
                "验收合格并经各方签字确认（{}：改造一个、合格一个、交付一个）",
                view.programme.acceptance().clause()
            ));
        }
        ui.add_space(16.0);
        command_button(ui, Command::EditCompound(c.id), commands);
        command_button(ui, Command::RequestDeleteCompound(c.id), commands);
    });
    ui.add_space(6.0);
    let dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    egui::Grid::new("compound_details")
        .num_columns(4)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            ui.label("所属乡镇");
            ui.label(dash(Some(view.town_name.clone()).filter(|s| !s.is_empty())));
            ui.label("地址");
            ui.label(dash(Some(c.address.clone()).filter(|s| !s.is_empty())));
            ui.end_row();
            ui.label("产权单位");
            ui.label(dash(Some(c.owner_unit.clone()).filter(|s| !s.is_empty())));
            ui.label("建成年份");
            ui.label(dash(c.year_built.map(|y| format!("{y} 年"))));
            ui.end_row();
            ui.label("楼栋数");
            ui.label(dash(c.buildings.map(|n| format!("{n} 栋"))));
            ui.label("户数");
            ui.label(dash(c.households.map(|n| format!("{n} 户"))));
            ui.end_row();
            ui.label("所属片区");
            match c.cluster_id {
                Some(k) if !view.cluster_name.is_empty() => {
                    CommandButton::new(Command::Show(Screen::Cluster(k)))
                        .text(&view.cluster_name)
                        .link()
                        .show(ui, commands);
                }
                _ => {
                    ui.label("—");
                }
            }
            ui.end_row();
        });
    ui.add_space(10.0);
    ui.separator();
    survey_section(ui, view, commands);
    ui.add_space(10.0);
    ui.separator();
    crate::ui::programme_panel::show(
        ui,
        c.id,
        view.programme,
        (&view.steps, &view.evaluations),
        view.acceptance == MemberStatus::Accepted,
        commands,
    );
    ui.add_space(10.0);
    ui.separator();
    crate::ui::funding_form::show_section(
        ui,
        crate::store::funding::Funded::Compound(c.id),
        &view.funding,
        &view.funding_flags,
        commands,
    );
    ui.add_space(10.0);
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading("验收记录");
        ui.add_space(16.0);
        crate::ui::widgets::start_or_continue(
            ui,
            Subject::Compound(c.id),
            &view.inspections,
            commands,
        );
    });
    if !view.handover.is_empty() {
        ui.label(egui::RichText::new("交付前还需：").strong());
        for condition in &view.handover {
            let (mark, color) = if condition.met {
                ("✔", crate::ui::widgets::PASS_GREEN)
            } else {
                ("✘", ui.visuals().warn_fg_color)
            };
            ui.label(egui::RichText::new(format!("{mark} {}", condition.text)).color(color));
        }
    }
    ui.add_space(6.0);
    if view.inspections.is_empty() {
        ui.label("尚无验收记录。改造完工后，点击“开始验收”逐项检查。");
        return;
    }
    // The actions come first: on a 1024×600 laptop at a large text size the columns after
    // them may run past the window's edge, but opening and printing an acceptance never do.
    ui.scope(|ui| {
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .id_salt("inspections")
            .striped(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::auto())
            .column(Column::initial(150.0))
            .column(Column::initial(130.0).clip(true))
            .column(Column::initial(120.0))
            .column(Column::remainder().at_least(160.0).clip(true))
            .header(28.0, |mut h| {
                for title in ["操作", "验收日期", "验收人员", "进度", "结论"] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|mut body| {
                for s in &view.inspections {
                    body.row(30.0, |mut row| {
                        row.col(|ui| {
                            // Two acceptances may share a day: the round tells them apart.
                            let name = format!(
                                "{} 第 {} 轮",
                                crate::model::date_text(s.inspected_on),
                                s.round
                            );
                            CommandButton::new(Command::Show(Screen::Inspection(s.id)))
                                .accessible_name(format!("打开验收 {name}"))
                                .show(ui, commands);
                            CommandButton::new(Command::Export(Document::AcceptanceSheet(s.id)))
                                .text("导出 PDF")
                                .accessible_name(format!("导出验收单 {name}"))
                                .show(ui, commands);
                        });
                        row.col(|ui| {
                            ui.label(crate::model::date_text(s.inspected_on));
                            if s.round > 1 {
                                ui.label(format!("第 {} 轮{}", s.round, s.kind.label()));
                            }
                        });
                        row.col(|ui| {
                            ui.label(&s.inspectors);
                        });
                        row.col(|ui| {
                            ui.label(format!("{}/{}", s.decided, s.total));
                            if let Some(code) = &s.code {
                                ui.label("已签字锁定")
                                    .on_hover_text(format!("校验码 {code}"));
                            }
                        });
                        row.col(|ui| {
                            ui.label(verdict_text(&s.verdict, ui.visuals()));
                            if let Verdict::Failed { .. } = s.verdict {
                                ui.label(egui::RichText::new(s.verdict.explanation()).small());
                            }
                        });
                    });
                }
            });
    });
}

fn survey_section(ui: &mut egui::Ui, view: &CompoundView, commands: &mut Vec<Command>) {
    let c = &view.compound;
    ui.horizontal(|ui| {
        ui.heading("调查");
        ui.add_space(16.0);
        let label = if view.surveys.is_empty() {
            "开始调查"
        } else {
            "开始新一轮调查"
        };
        CommandButton::new(Command::StartSurvey(c.id))
            .text(label)
            .show(ui, commands);
        ui.add_space(16.0);
        ui.label("资格：");
        ui.label(eligibility_text(view.eligibility.status, ui.visuals()))
            .on_hover_text(&view.eligibility_clause);
    });
    eligibility_checks(ui, &view.eligibility);
    for (i, survey) in view.surveys.iter().enumerate() {
        let (filled, total) = survey.completeness();
        ui.horizontal(|ui| {
            ui.label(format!(
                "第 {} 轮　{}　{}　已填 {filled}/{total}{}",
                survey.round,
                crate::model::date_text(survey.surveyed_on),
                survey.surveyors,
                if i == 0 { "" } else { "（只读）" }
            ));
            let round = survey.round;
            CommandButton::new(Command::Show(Screen::Survey(survey.id)))
                .text(if i == 0 { "填写" } else { "查看" })
                .accessible_name(format!("打开第 {round} 轮调查"))
                .show(ui, commands);
        });
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new("改造需求（缺什么、补什么）").strong());
    if view.needs.is_empty() {
        ui.label(if view.surveys.is_empty() {
            "调查后，“需改造”“缺失”的项目列在这里。"
        } else {
            "调查中暂无“需改造”或“缺失”的项目。"
        });
    }
    for group in &view.needs {
        ui.label(egui::RichText::new(&group.category).underline());
        for (name, condition, detail) in &group.items {
            let tag = match condition {
                Condition::Missing => "缺失",
                _ => "需改造",
            };
            ui.label(if detail.is_empty() {
                format!("　· {name}（{tag}）")
            } else {
                format!("　· {name}（{tag}）：{detail}")
            });
        }
    }
}
