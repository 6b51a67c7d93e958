//! The compound page's 资金 section (entries with the 五、（一） checks where they bite) and the
//! form that adds an entry.

use eframe::egui;

use crate::command::Command;
use crate::model::funding::{Funding, RedLine, Source, Works, parse_yuan, yuan_text};
use crate::store::funding::Funded;
use crate::ui::widgets::{CommandButton, command_button, labelled_text};

/// The funding form, as typed.
#[derive(Debug)]
pub struct FundingForm {
    pub whose: Funded,
    pub year: String,
    pub source: Source,
    pub project: String,
    pub red_line: Option<RedLine>,
    pub amount: String,
    pub project_total: String,
    pub works: Works,
    pub tied: bool,
    pub note: String,
    pub problem: Option<String>,
    /// The money rule the entries are checked against, as the pack says it: "中央补助不超过项目
    /// 总额的 90%（宁政办〔2021〕17号 五、（一））".
    pub rule: String,
    /// What the money may be spent on, as the pack names it (the compound's own first).
    pub choices: Vec<Works>,
}

impl FundingForm {
    pub fn new(whose: Funded, year: i32, (rule, choices): (String, Vec<Works>)) -> Self {
        Self {
            whose,
            year: year.to_string(),
            source: Source::Central,
            project: String::new(),
            red_line: None,
            amount: String::new(),
            project_total: String::new(),
            works: Works::ordinary(),
            tied: false,
            note: String::new(),
            problem: None,
            rule,
            choices,
        }
    }

    /// The entry the form describes, or what is wrong.
    pub fn funding(&self) -> Result<Funding, String> {
        let year: i32 = self
            .year
            .trim()
            .parse()
            .map_err(|_| "年度应为四位数字，如 2022".to_owned())?;
        let amount_fen = parse_yuan(&self.amount)?;
        let project_total_fen = match self.project_total.trim() {
            "" => None,
            t => Some(parse_yuan(t)?),
        };
        Ok(Funding {
            id: Default::default(),
            year,
            source: self.source,
            project: self.project.trim().to_owned(),
            red_line: self.red_line,
            amount_fen,
            project_total_fen,
            works: self.works.clone(),
            // Works of the compound itself are its own; other works are tied only if said.
            tied: self.works.is_ordinary() || self.tied,
            note: self.note.trim().to_owned(),
        })
    }
}

pub fn show_form(ui: &mut egui::Ui, form: &mut FundingForm, commands: &mut Vec<Command>) {
    ui.heading(match form.whose {
        Funded::Compound(_) => "登记小区资金",
        Funded::Cluster(_) => "登记片区资金（片区配套项目）",
    });
    ui.label(
        egui::RichText::new(format!(
            "金额以元为单位，最多两位小数；按分保存。中央补助须注明红线内/红线外和配套项目总投资，以便核对：{}。",
            form.rule
        ))
        .small(),
    );
    ui.add_space(6.0);
    egui::Grid::new("funding_form")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            labelled_text(ui, "年度", &mut form.year, "如 2022", None);
            let label = ui.label("资金来源");
            egui::ComboBox::from_id_salt("funding_source")
                .selected_text(form.source.label())
                .show_ui(ui, |ui| {
                    for s in Source::ALL {
                        ui.selectable_value(&mut form.source, s, s.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            labelled_text(ui, "配套项目", &mut form.project, "如：雨污分流改造", None);
            ui.label("红线");
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.red_line, None, "不区分");
                ui.radio_value(&mut form.red_line, Some(RedLine::Inside), "红线内");
                ui.radio_value(&mut form.red_line, Some(RedLine::Outside), "红线外");
            });
            ui.end_row();
            labelled_text(ui, "金额（元）", &mut form.amount, "如 125000.50", None);
            labelled_text(
                ui,
                "配套项目总投资（元）",
                &mut form.project_total,
                "可不填",
                None,
            );
            let label = ui.label("用于");
            egui::ComboBox::from_id_salt("funding_works")
                .selected_text(form.works.label())
                .show_ui(ui, |ui| {
                    for w in &form.choices {
                        ui.selectable_value(&mut form.works, w.clone(), w.label());
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if !form.works.is_ordinary() {
                ui.label("");
                let whose = match form.whose {
                    Funded::Compound(_) => "本小区",
                    Funded::Cluster(_) => "本片区",
                };
                ui.checkbox(
                    &mut form.tied,
                    format!("与{whose}直接相关（如接入{whose}的支线）"),
                );
                ui.end_row();
            }
            labelled_text(ui, "备注", &mut form.note, "", None);
        });
    if let Some(problem) = &form.problem {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.horizontal(|ui| {
        command_button(ui, Command::SaveFunding, commands);
        command_button(ui, Command::CloseDialog, commands);
    });
}

/// The entries of a compound or cluster, their total by source, and the checks of 五、（一）.
pub fn show_section(
    ui: &mut egui::Ui,
    whose: Funded,
    entries: &[Funding],
    flags: &[String],
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading("资金");
        CommandButton::new(Command::NewFunding(whose)).show(ui, commands);
    });
    if entries.is_empty() {
        ui.label("尚未登记资金。");
        return;
    }
    for flag in flags {
        ui.colored_label(ui.visuals().error_fg_color, format!("【需核查】{flag}"));
    }
    egui::Grid::new("funding_entries")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            // The delete button first: on a small screen it stays in the window.
            for title in [
                "",
                "年度",
                "来源",
                "配套项目",
                "红线",
                "金额",
                "项目总投资",
                "用于",
            ] {
                ui.strong(title);
            }
            ui.end_row();
            for e in entries {
                CommandButton::new(Command::DeleteFunding(e.id.clone()))
                    .small()
                    .show(ui, commands);
                ui.label(e.year.to_string());
                ui.label(e.source.label());
                ui.label(&e.project);
                ui.label(e.red_line.map_or("—", RedLine::label));
                ui.label(yuan_text(e.amount_fen));
                ui.label(e.project_total_fen.map_or("—".to_owned(), yuan_text));
                ui.label(if e.works.is_ordinary() || e.tied {
                    e.works.label().to_owned()
                } else {
                    format!("{}（不直接相关）", e.works.label())
                });
                ui.end_row();
            }
        });
    let total: i64 = entries.iter().map(|e| e.amount_fen).sum();
    ui.label(format!("合计 {}", yuan_text(total)));
}
