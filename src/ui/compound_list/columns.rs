//! The register's columns: which show at which width, their headers, and each cell.

use eframe::egui;

use super::{SortColumn, opt_number};
use crate::command::{Command, Screen};
use crate::model::{Stage, SurveyStatus};
use crate::store::{Audit, CompoundRow};
use crate::ui::widgets::{CommandButton, eligibility_text};

/// A column of the register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
    Name,
    Town,
    Cluster,
    Address,
    YearBuilt,
    Households,
    LastInspected,
    Stage,
    Phase,
    Eligibility,
    Survey,
    Funding,
    Actions,
}

impl Column {
    pub(super) const WIDE: [Self; 13] = [
        Self::Name,
        Self::Town,
        Self::Cluster,
        Self::Address,
        Self::YearBuilt,
        Self::Households,
        Self::LastInspected,
        Self::Stage,
        Self::Phase,
        Self::Eligibility,
        Self::Survey,
        Self::Funding,
        Self::Actions,
    ];
    /// What fits a 1024×600 laptop at text size 1.5 (680 points): the rest is on the
    /// compound's page.
    pub(super) const COMPACT: [Self; 5] = [
        Self::Name,
        Self::Town,
        Self::Stage,
        Self::Funding,
        Self::Actions,
    ];
    /// What fits 940 points: the rest is on the compound's page.
    pub(super) const NARROW: [Self; 9] = [
        Self::Name,
        Self::Town,
        Self::Stage,
        Self::YearBuilt,
        Self::Households,
        Self::Eligibility,
        Self::Survey,
        Self::Funding,
        Self::Actions,
    ];

    pub(super) fn title(self) -> &'static str {
        match self {
            Self::Name => "小区名称",
            Self::Town => "乡镇",
            Self::Cluster => "片区",
            Self::Address => "地址",
            Self::YearBuilt => "建成年份",
            Self::Households => "户数",
            Self::LastInspected => "最近验收",
            Self::Stage => "验收状态",
            Self::Phase => "改造进程",
            Self::Eligibility => "资格",
            Self::Survey => "调查",
            Self::Funding => "资金核查",
            Self::Actions => "操作",
        }
    }

    pub(super) fn sort(self) -> Option<SortColumn> {
        Some(match self {
            Self::Name => SortColumn::Name,
            Self::Town => SortColumn::Town,
            Self::Cluster => SortColumn::Cluster,
            Self::YearBuilt => SortColumn::YearBuilt,
            Self::Households => SortColumn::Households,
            Self::LastInspected => SortColumn::LastInspected,
            Self::Stage => SortColumn::Stage,
            Self::Phase => SortColumn::Phase,
            Self::Eligibility => SortColumn::Eligibility,
            Self::Survey => SortColumn::Survey,
            Self::Address | Self::Funding | Self::Actions => return None,
        })
    }

    pub(super) fn size(self) -> egui_extras::Column {
        use egui_extras::Column as Size;
        match self {
            Self::Name => Size::initial(160.0)
                .at_least(110.0)
                .resizable(true)
                .clip(true),
            Self::Town => Size::initial(84.0).resizable(true).clip(true),
            Self::Cluster => Size::initial(96.0).resizable(true).clip(true),
            Self::Address => Size::initial(120.0)
                .at_least(80.0)
                .resizable(true)
                .clip(true),
            Self::YearBuilt => Size::initial(70.0),
            Self::Households => Size::initial(52.0),
            Self::LastInspected => Size::initial(104.0),
            Self::Stage => Size::initial(76.0),
            Self::Phase => Size::initial(84.0).clip(true),
            Self::Eligibility => Size::initial(84.0),
            Self::Survey => Size::initial(92.0),
            Self::Funding => Size::initial(76.0),
            Self::Actions => Size::remainder().at_least(160.0),
        }
    }

    pub(super) fn cell(
        self,
        ui: &mut egui::Ui,
        r: &CompoundRow,
        (audit, in_conflict): (Option<&Audit>, bool),
        commands: &mut Vec<Command>,
    ) {
        let c = &r.compound;
        match self {
            Self::Name => {
                let flagged =
                    audit.and_then(|a| a.findings_of(crate::model::Subject::Compound(c.id)).next());
                match flagged {
                    Some(f) => {
                        ui.label(
                            egui::RichText::new(format!("【异常】{}", c.name))
                                .color(ui.visuals().error_fg_color),
                        )
                        .on_hover_text(format!(
                            "{}：{}",
                            f.what,
                            f.finding.explanation()
                        ));
                    }
                    None if in_conflict => {
                        ui.label(
                            egui::RichText::new(format!("【冲突】{}", c.name))
                                .color(ui.visuals().warn_fg_color),
                        )
                        .on_hover_text("两台电脑都改过这个小区的记录：请在“数据交换与冲突处理”中选择保留哪一方");
                    }
                    None => {
                        ui.label(&c.name);
                    }
                }
            }
            Self::Town => {
                ui.label(&r.town_name);
            }
            Self::Cluster => {
                ui.label(&r.cluster_name);
            }
            Self::Address => {
                ui.label(&c.address);
            }
            Self::YearBuilt => {
                ui.label(opt_number(c.year_built));
            }
            Self::Households => {
                ui.label(opt_number(c.households));
            }
            Self::LastInspected => {
                ui.label(
                    r.last_inspected_on
                        .map_or_else(|| "未验收".to_owned(), crate::model::date_text),
                );
            }
            Self::Phase => {
                match r.phase {
                    Some(p) => ui.label(p.label()).on_hover_text(p.clause()),
                    None => ui.weak("未登记"),
                };
            }
            Self::Stage => {
                ui.label(stage_text(r.stage, ui.visuals()));
            }
            Self::Eligibility => {
                ui.label(eligibility_text(r.eligibility, ui.visuals()));
            }
            Self::Survey => {
                ui.label(match r.survey_completeness {
                    Some((f, t)) if f < t => format!("调查中 {f}/{t}"),
                    Some(_) => SurveyStatus::Complete.label().to_owned(),
                    None => SurveyStatus::NotSurveyed.label().to_owned(),
                });
            }
            Self::Funding => {
                if r.funding_checks.is_empty() {
                    ui.weak("—");
                } else {
                    ui.label(
                        egui::RichText::new(format!("{} 项问题", r.funding_checks.len()))
                            .color(ui.visuals().error_fg_color),
                    )
                    .on_hover_text(r.funding_checks.join("\n"));
                }
            }
            Self::Actions => {
                for command in [
                    Command::Show(Screen::Compound(c.id)),
                    Command::EditCompound(c.id),
                    Command::RequestDeleteCompound(c.id),
                ] {
                    let name = format!("{} {}", command.label(), c.name);
                    CommandButton::new(command)
                        .accessible_name(name)
                        .show(ui, commands);
                }
            }
        }
    }
}

/// A stage in its colour: green handed over, red failed, amber rectifying.
fn stage_text(stage: Stage, visuals: &egui::Visuals) -> egui::RichText {
    let text = egui::RichText::new(stage.label());
    match stage {
        Stage::Delivered => text.color(crate::ui::widgets::PASS_GREEN),
        Stage::Failed => text.color(visuals.error_fg_color),
        Stage::Rectifying => text.color(visuals.warn_fg_color),
        Stage::NotInspected | Stage::InProgress => text,
    }
}
