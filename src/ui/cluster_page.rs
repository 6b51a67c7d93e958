//! One cluster: its member compounds with their acceptance state, the cluster acceptance
//! (cluster standard, 五全, 九位一体) and the survey of its 15-minute circle (the cluster
//! standard's 九有, 宁政办〔2021〕17号 二、（四）).

use eframe::egui;

use crate::command::{Command, Screen, UiCommand};
use crate::export::Document;
use crate::model::{
    Cluster, ClusterId, ClusterSurvey, FacilityChange, MemberAcceptance, MemberStatus, Subject,
    cluster_acceptance::{member_changes, members_pending},
};
use crate::store::{Audit, CompoundRow, InspectionSummary, Store, StoreError};
use crate::ui::widgets::{
    CommandButton, PASS_GREEN, command_button, eligibility_text, verdict_text,
};

/// What the cluster page shows.
#[derive(Debug)]
pub struct ClusterView {
    pub cluster: Cluster,
    pub members: Vec<CompoundRow>,
    /// Each member's own acceptance, by name.
    pub acceptances: Vec<MemberAcceptance>,
    /// The cluster acceptance's rounds, newest first.
    pub inspections: Vec<InspectionSummary>,
    /// When the newest round is signed off: what changed among the members since.
    pub changes_since_signed: Vec<String>,
    pub survey: Option<ClusterSurvey>,
    /// (name, walking minutes) per facility, as typed.
    texts: Vec<(String, String)>,
    errors: Vec<Option<String>>,
    /// The cluster's own funding entries (its supporting projects).
    pub funding: Vec<crate::model::funding::Funding>,
    /// What the pack's money rules find in them.
    pub funding_flags: Vec<String>,
}

impl ClusterView {
    /// The cluster with its members, their acceptances, its own acceptance rounds and survey.
    pub fn load(store: &Store, id: ClusterId) -> Result<Self, StoreError> {
        let cluster = store.cluster(id)?;
        let members = store.cluster_rows(id)?;
        let survey = store.cluster_surveys_of(id)?.into_iter().next();
        let inspections = store.inspections_of(Subject::Cluster(id))?;
        let acceptances = store.member_acceptances(id)?;
        let changes = match inspections.first() {
            Some(newest) if newest.signed_off => {
                member_changes(&store.inspection(newest.id)?.members, &acceptances)
            }
            _ => Vec::new(),
        };
        let mut view = Self::new(cluster, members, acceptances, inspections, survey);
        view.changes_since_signed = changes;
        view.funding = store.funding_of(crate::store::funding::Funded::Cluster(id))?;
        view.funding_flags = store.funding_flags_of(crate::store::funding::Funded::Cluster(id))?;
        Ok(view)
    }

    pub fn new(
        cluster: Cluster,
        members: Vec<CompoundRow>,
        acceptances: Vec<MemberAcceptance>,
        inspections: Vec<InspectionSummary>,
        survey: Option<ClusterSurvey>,
    ) -> Self {
        let texts = survey.as_ref().map_or_else(Vec::new, |s| {
            s.facilities
                .iter()
                .map(|f| {
                    (
                        f.name.clone(),
                        f.walking_minutes.map(|m| m.to_string()).unwrap_or_default(),
                    )
                })
                .collect()
        });
        let errors = vec![None; texts.len()];
        Self {
            cluster,
            members,
            acceptances,
            inspections,
            changes_since_signed: Vec::new(),
            survey,
            texts,
            errors,
            funding: Vec::new(),
            funding_flags: Vec::new(),
        }
    }

    /// Takes fresh data; keeps what is being typed when the survey is the same.
    pub fn update(&mut self, mut fresh: Self) {
        let same = self.survey.as_ref().map(|s| s.id) == fresh.survey.as_ref().map(|s| s.id);
        if same {
            fresh.texts = std::mem::take(&mut self.texts);
            fresh.errors = std::mem::take(&mut self.errors);
        }
        *self = fresh;
    }
}

pub fn show(
    ui: &mut egui::Ui,
    view: &mut ClusterView,
    audit: Option<&Audit>,
    commands: &mut Vec<Command>,
) {
    if let Some(audit) = audit {
        crate::ui::widgets::audit_warnings(
            ui,
            audit.findings_of(Subject::Cluster(view.cluster.id)),
        );
    }
    ui.horizontal(|ui| {
        ui.heading(format!("片区：{}", view.cluster.name));
        if let Some(year) = view.cluster.plan_year {
            ui.label(format!("计划 {year} 年改造"));
        }
    });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(format!("成员小区（{} 个）", view.members.len())).strong());
        command_button(
            ui,
            Command::Export(Document::SignedSheets(view.cluster.id)),
            commands,
        );
    });
    // A large cluster's members scroll in a box of their own, and only the rows in sight are
    // laid out: 300 members took 10–19 ms in the first frame.
    if view.members.len() > MEMBERS_IN_FULL {
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        egui::ScrollArea::vertical()
            .id_salt("cluster_members_scroll")
            .max_height(row_height * MEMBERS_IN_FULL as f32)
            .auto_shrink([false, true])
            .show_rows(ui, row_height, view.members.len() + 1, |ui, range| {
                members_grid(ui, view, range, commands);
            });
    } else {
        members_grid(ui, view, 0..view.members.len() + 1, commands);
    }
    ui.add_space(10.0);
    ui.separator();
    cluster_acceptance(ui, view, commands);
    ui.add_space(10.0);
    ui.separator();
    crate::ui::funding_form::show_section(
        ui,
        crate::store::funding::Funded::Cluster(view.cluster.id),
        &view.funding,
        &view.funding_flags,
        commands,
    );
    ui.add_space(10.0);
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading("15 分钟生活圈“九有”设施调查");
        command_button(ui, Command::StartClusterSurvey(view.cluster.id), commands);
    });
    let Some(survey) = &view.survey else {
        ui.label("尚未调查。点击“开始片区调查”，逐项记录设施是否具备、名称和步行时间。");
        return;
    };
    ui.label(format!(
        "{}　调查人：{}　具备 {}/{} 项（步行 15 分钟内）",
        crate::model::date_text(survey.surveyed_on),
        survey.surveyors,
        survey.within_circle(),
        survey.facilities.len()
    ));
    let survey_id = survey.id;
    let facilities = survey.facilities.clone();
    egui::Grid::new("facilities")
        .striped(true)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for title in ["设施", "是否具备", "名称", "步行分钟"] {
                ui.strong(title);
            }
            ui.end_row();
            for (index, facility) in facilities.iter().enumerate() {
                ui.label(&facility.kind);
                ui.horizontal(|ui| {
                    for (value, text) in [(true, "有"), (false, "无")] {
                        let selected = facility.present == Some(value);
                        CommandButton::new(Command::SetFacility {
                            survey: survey_id,
                            code: facility.code.clone(),
                            change: FacilityChange::Present((!selected).then_some(value)),
                        })
                        .text(text)
                        .selected(selected)
                        .accessible_name(format!("{}：{text}", facility.kind))
                        .show(ui, commands);
                    }
                });
                let (name, minutes) = &mut view.texts[index];
                let name_response = ui
                    .add(egui::TextEdit::singleline(name).desired_width(200.0))
                    .accessible_name(format!("{} 名称", facility.kind));
                let minutes_response = ui
                    .add(egui::TextEdit::singleline(minutes).desired_width(60.0))
                    .accessible_name(format!("{} 步行分钟", facility.kind));
                if name_response.changed() {
                    commands.push(Command::SetFacility {
                        survey: survey_id,
                        code: facility.code.clone(),
                        change: FacilityChange::Name(name.trim().to_owned()),
                    });
                }
                if minutes_response.changed() {
                    match parse_minutes(minutes) {
                        Ok(walking_minutes) => {
                            view.errors[index] = None;
                            commands.push(Command::SetFacility {
                                survey: survey_id,
                                code: facility.code.clone(),
                                change: FacilityChange::WalkingMinutes(walking_minutes),
                            });
                        }
                        Err(e) => view.errors[index] = Some(e),
                    }
                }
                if let Some(e) = &view.errors[index] {
                    ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color));
                }
                ui.end_row();
            }
        });
}

/// A member's acceptance status, coloured: green accepted, red failed.
pub fn member_status_text(status: MemberStatus, visuals: &egui::Visuals) -> egui::RichText {
    let text = egui::RichText::new(status.label());
    match status {
        MemberStatus::Accepted => text.color(PASS_GREEN),
        MemberStatus::Failed => text.color(visuals.error_fg_color),
        MemberStatus::NotInspected | MemberStatus::InProgress => text,
    }
}

/// 片区验收: what holds it up, how to start one, and its rounds.
fn cluster_acceptance(ui: &mut egui::Ui, view: &ClusterView, commands: &mut Vec<Command>) {
    let id = view.cluster.id;
    ui.horizontal(|ui| {
        ui.heading("片区验收");
        ui.label(
            egui::RichText::new(
                "片区标准“三合、三整、九有”、绿色社区、总要求“五全”“九位一体”（二、（四））",
            )
            .small(),
        );
    });
    let accepted = view
        .acceptances
        .iter()
        .filter(|a| a.status == MemberStatus::Accepted)
        .count();
    ui.label(format!(
        "小区验收合格并交付 {accepted}/{} 个",
        view.acceptances.len()
    ));
    let pending = members_pending(&view.acceptances);
    if !view.changes_since_signed.is_empty() {
        ui.label(
            egui::RichText::new(format!(
                "片区验收签字确认后，小区情况已有变化：{}。如需反映，请打开最新一轮“更正（新建一轮）”。",
                view.changes_since_signed.join("；")
            ))
            .color(ui.visuals().warn_fg_color),
        );
    } else if !pending.is_empty() {
        ui.label(
            egui::RichText::new(format!(
                "各小区均验收合格并签字后，片区才能判定合格。尚未合格：{}",
                pending.join("、")
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    ui.horizontal(|ui| {
        crate::ui::widgets::start_or_continue(
            ui,
            Subject::Cluster(id),
            &view.inspections,
            commands,
        );
        // The page's main document: Ctrl+P exports it too.
        CommandButton::new(Command::Ui(UiCommand::ExportCurrent))
            .text(Document::OverallSummary(id).label())
            .show(ui, commands);
    });
    if view.inspections.is_empty() {
        ui.label("尚未进行片区验收。");
        return;
    }
    egui::Grid::new("cluster_inspections")
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for title in ["验收日期", "轮次", "已判定", "结论", "签字", ""] {
                ui.strong(title);
            }
            ui.end_row();
            for s in &view.inspections {
                ui.label(crate::model::date_text(s.inspected_on));
                ui.label(format!("第 {} 轮 · {}", s.round, s.kind.label()));
                ui.label(format!("{}/{}", s.decided, s.total));
                ui.label(verdict_text(&s.verdict, ui.visuals()));
                ui.label(
                    s.code
                        .as_deref()
                        .map_or("未签字".to_owned(), |c| format!("已签字 {c}")),
                );
                ui.horizontal(|ui| {
                    CommandButton::new(Command::Show(Screen::Inspection(s.id))).show(ui, commands);
                    CommandButton::new(Command::Export(Document::AcceptanceSheet(s.id)))
                        .text("导出验收单")
                        .show(ui, commands);
                });
                ui.end_row();
            }
        });
}

fn parse_minutes(text: &str) -> Result<Option<u32>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(m) if m <= 600 => Ok(Some(m)),
        _ => Err("步行分钟应为 0–600 的整数".to_owned()),
    }
}

/// Up to this many members are listed in the page itself; more scroll in a box.
const MEMBERS_IN_FULL: usize = 40;

/// The members table: the header as row 0, then the members in `rows` (1-based).
fn members_grid(
    ui: &mut egui::Ui,
    view: &ClusterView,
    rows: std::ops::Range<usize>,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("cluster_members")
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            if rows.start == 0 {
                for title in [
                    "小区",
                    "建成年份",
                    "户数",
                    "资格",
                    "调查",
                    "小区验收",
                    "校验码",
                ] {
                    ui.strong(title);
                }
                ui.end_row();
            }
            let members = &view.members[rows.start.saturating_sub(1)..rows.end.saturating_sub(1)];
            for row in members {
                let acceptance = view
                    .acceptances
                    .iter()
                    .find(|a| a.compound_id == row.compound.id);
                let c = &row.compound;
                CommandButton::new(Command::Show(Screen::Compound(c.id)))
                    .text(&c.name)
                    .link()
                    .show(ui, commands);
                ui.label(
                    c.year_built
                        .map(|y| y.to_string())
                        .unwrap_or_else(|| "—".into()),
                );
                ui.label(
                    c.households
                        .map(|y| y.to_string())
                        .unwrap_or_else(|| "—".into()),
                );
                ui.label(eligibility_text(row.eligibility, ui.visuals()));
                ui.label(row.survey_status.label());
                match acceptance {
                    Some(a) => {
                        ui.label(member_status_text(a.status, ui.visuals()));
                        ui.label(a.code.as_deref().unwrap_or("—"));
                    }
                    None => {
                        ui.label("—");
                        ui.label("—");
                    }
                }
                ui.end_row();
            }
        });
}
