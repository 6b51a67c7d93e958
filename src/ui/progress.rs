//! 进度: the programme against its targets (二、（二）) by year, then by town and cluster, with a
//! chart; every figure is a button that lists the compounds it counts.

use eframe::egui;
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::command::{Command, Screen};
use crate::model::progress::{
    CompoundProgress, Milestone, Tally, Target, YearProgress, by_group, by_year, report_years,
};
use crate::store::{Store, StoreError};
use crate::ui::widgets::CommandButton;

/// What the progress screen shows, and which figure's compounds are listed.
#[derive(Debug)]
pub struct ProgressView {
    pub items: Vec<CompoundProgress>,
    pub targets: Vec<Target>,
    pub years: Vec<YearProgress>,
    /// The year the town and cluster tables count (`None`: every year).
    pub year: Option<i32>,
    /// The figure whose compounds are listed: its title and the compounds.
    pub traced: Option<(String, Vec<crate::model::CompoundId>)>,
    /// The chart counts households rather than compounds.
    pub households: bool,
    /// Every funding entry, for the totals by year, source and town.
    pub funding: Vec<crate::store::funding::FundingRow>,
    /// Where the plan speaks of money: "宁政办〔2021〕17号 五、（一）".
    pub funding_clause: String,
    /// Every version of every target: (version, recorded at, target).
    pub target_history: Vec<(String, String, Target)>,
    pub target_form: TargetForm,
    /// The town and cluster tables of `year`, counted once per year chosen (not every frame).
    grouped: Option<(Option<i32>, [Groups; 2])>,
}

/// 100,000 compounds' progress take 10 ms and more to free: a large view is freed on a
/// thread of its own, so leaving the progress page does not stall the window.
impl Drop for ProgressView {
    fn drop(&mut self) {
        if self.items.len() >= 10_000 {
            crate::ui::free_in_background((
                std::mem::take(&mut self.items),
                std::mem::take(&mut self.funding),
                self.grouped.take(),
            ));
        }
    }
}

/// One grouping's rows: a name and its tallies.
type Groups = Vec<(String, std::collections::BTreeMap<Milestone, Tally>)>;

/// A new version of a target, as typed.
#[derive(Debug, Default)]
pub struct TargetForm {
    /// Empty: the whole programme (then `span`).
    pub year: String,
    pub span: String,
    pub compounds: String,
    pub households: String,
    pub clusters: String,
    pub source: String,
    pub version: String,
}

impl TargetForm {
    /// The target the form describes, or what is wrong with what was typed.
    pub fn target(&self) -> Result<Target, String> {
        let number = |text: &str, what: &str| -> Result<u32, String> {
            text.trim()
                .parse()
                .map_err(|_| format!("{what}“{}”应为整数。", text.trim()))
        };
        let year = match self.year.trim() {
            "" => None,
            y => Some(y.parse().map_err(|_| format!("年度“{y}”应为四位数字。"))?),
        };
        let span = match (year, self.span.trim()) {
            (Some(_), _) => None,
            (None, text) => {
                let (a, b) = text
                    .split_once(['-', '–', '—'])
                    .ok_or_else(|| "全程目标请写起止年度，如 2019-2023。".to_owned())?;
                let parse = |t: &str| {
                    t.trim()
                        .parse::<i32>()
                        .map_err(|_| format!("起止年度“{text}”应写成 2019-2023。"))
                };
                Some((parse(a)?, parse(b)?))
            }
        };
        Ok(Target {
            year,
            span,
            compounds: number(&self.compounds, "小区数")?,
            households: number(&self.households, "户数")?,
            clusters: match self.clusters.trim() {
                "" => None,
                t => Some(number(t, "片区数")?),
            },
            source: self.source.trim().to_owned(),
        })
    }
}

impl ProgressView {
    pub fn load(store: &Store, today: chrono::NaiveDate) -> Result<Self, StoreError> {
        let items = store.progress_items()?;
        let targets = store.targets()?;
        let years = by_year(&items, &targets, report_years(&items, &targets, today));
        // The tables of every year, counted here (on the loading thread for a large file)
        // rather than in the first frame: 10 ms at 100,000 compounds.
        let grouped = Some((None, group(&items, None)));
        Ok(Self {
            items,
            targets,
            years,
            year: None,
            traced: None,
            households: false,
            funding: store.funding_rows()?,
            funding_clause: {
                let pack = store.policy_pack()?;
                format!("{} {}", pack.meta.plan.number, pack.meta.funding.clause)
            },
            target_history: store.target_history()?,
            target_form: TargetForm::default(),
            grouped,
        })
    }

    /// Takes fresh records and keeps the choices.
    pub fn update(&mut self, fresh: Self) {
        let (year, households) = (self.year, self.households);
        let form = std::mem::take(&mut self.target_form);
        *self = fresh;
        self.year = year;
        self.households = households;
        self.target_form = form;
    }
}

/// The town and cluster tables of `year` (`None`: every year).
fn group(items: &[CompoundProgress], year: Option<i32>) -> [Groups; 2] {
    [
        by_group(items, |c| c.town.as_str(), year),
        by_group(items, |c| c.cluster.as_str(), year),
    ]
}

fn year_label(year: Option<i32>, target: Option<&Target>) -> String {
    match (year, target.and_then(|t| t.span)) {
        (Some(y), _) => format!("{y} 年"),
        (None, Some((a, b))) => format!("{a}–{b} 年合计"),
        (None, None) => "合计".to_owned(),
    }
}

/// A figure: "3 个 / 120 户", a button that lists its compounds.
fn tally_button(
    ui: &mut egui::Ui,
    tally: &Tally,
    title: String,
    traced: &mut Option<(String, Vec<crate::model::CompoundId>)>,
) {
    let text = format!("{} 个 / {} 户", tally.count(), tally.households);
    if tally.count() == 0 {
        ui.label(text);
    } else if ui.link(text).on_hover_text("列出计入的小区").clicked() {
        *traced = Some((title, tally.compounds.clone()));
    }
}

pub fn show(ui: &mut egui::Ui, view: &mut ProgressView, commands: &mut Vec<Command>) {
    ui.heading("进度");
    ui.label("对照本县实施方案（文件 › 政策包）的目标任务；数字均由名册、改造进程和验收记录统计，点击数字可列出计入的小区。");
    ui.horizontal(|ui| {
        for document in [
            crate::export::Document::ProgressReport,
            crate::export::Document::ProgressTable,
            crate::export::Document::FundingSummary,
        ] {
            CommandButton::new(Command::Export(document)).show(ui, commands);
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            by_year_table(ui, view);
            ui.add_space(8.0);
            chart(ui, view);
            ui.add_space(8.0);
            groups(ui, view);
            ui.add_space(8.0);
            funding(ui, &view.funding, &view.funding_clause);
            ui.add_space(8.0);
            targets(ui, view, commands);
            if let Some((title, ids)) = &view.traced {
                ui.add_space(8.0);
                ui.strong(title);
                ui.horizontal_wrapped(|ui| {
                    for id in ids {
                        if let Some(c) = view.items.iter().find(|c| c.id == *id) {
                            CommandButton::new(Command::Show(Screen::Compound(c.id)))
                                .text(format!("{}（{} 户）", c.name, c.households))
                                .link()
                                .show(ui, commands);
                        }
                    }
                });
            }
        });
}

fn by_year_table(ui: &mut egui::Ui, view: &mut ProgressView) {
    ui.strong("按年度");
    egui::Grid::new("progress_years")
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for title in ["年度", "目标（小区 / 户 / 片区）"]
                .into_iter()
                .chain(Milestone::ALL.map(Milestone::label))
                .chain(["片区全部验收合格"])
            {
                ui.strong(title);
            }
            ui.end_row();
            let derived = crate::model::progress::derived_target(&view.targets);
            for row in &view.years {
                let label = year_label(row.year, row.target.as_ref());
                ui.label(&label);
                let derived_here = derived.as_ref().filter(|d| {
                    row.target.is_none()
                        && row
                            .year
                            .is_some_and(|y| (d.years.0..=d.years.1).contains(&y))
                });
                match (&row.target, derived_here) {
                    (None, Some(d)) if row.year == Some(d.years.0) => ui.label(format!(
                        "{}–{} 年合计 {} 个 / {} 户（{}）",
                        d.years.0, d.years.1, d.compounds, d.households, d.how
                    )),
                    (None, Some(d)) => ui.weak(format!(
                        "（见 {} 年行：{}–{} 年合计）",
                        d.years.0, d.years.0, d.years.1
                    )),
                    (Some(t), _) => ui.label(format!(
                        "{} 个 / {} 户 / {} 个（{}）",
                        t.compounds,
                        t.households,
                        t.clusters.map_or("—".to_owned(), |k| k.to_string()),
                        t.source
                    )),
                    (None, None) => ui.label("—"),
                };
                for m in Milestone::ALL {
                    let title = format!("{label}{}：", m.label());
                    tally_button(ui, &row.tallies[&m], title, &mut view.traced);
                }
                ui.label(if row.clusters_accepted.is_empty() {
                    "0".to_owned()
                } else {
                    format!(
                        "{}（{}）",
                        row.clusters_accepted.len(),
                        row.clusters_accepted.join("、")
                    )
                });
                ui.end_row();
            }
        });
}

fn chart(ui: &mut egui::Ui, view: &mut ProgressView) {
    ui.horizontal(|ui| {
        ui.strong("目标与完成情况");
        ui.radio_value(&mut view.households, false, "按小区数");
        ui.radio_value(&mut view.households, true, "按户数");
    });
    let years: Vec<&YearProgress> = view.years.iter().filter(|y| y.year.is_some()).collect();
    let households = view.households;
    let value = |t: &Tally| f64::from(if households { t.households } else { t.count() });
    let target = |y: &YearProgress| {
        y.target.as_ref().map_or(0.0, |t| {
            f64::from(if households {
                t.households
            } else {
                t.compounds
            })
        })
    };
    let milestone =
        |m: Milestone| -> Vec<f64> { years.iter().map(|y| value(&y.tallies[&m])).collect() };
    let series = [
        (
            "目标",
            egui::Color32::from_gray(170),
            years.iter().map(|y| target(y)).collect::<Vec<_>>(),
        ),
        (
            Milestone::Started.label(),
            egui::Color32::from_rgb(230, 160, 40),
            milestone(Milestone::Started),
        ),
        (
            Milestone::Accepted.label(),
            egui::Color32::from_rgb(40, 140, 220),
            milestone(Milestone::Accepted),
        ),
        (
            Milestone::HandedOver.label(),
            egui::Color32::from_rgb(40, 160, 90),
            milestone(Milestone::HandedOver),
        ),
    ];
    // Each group of bars is centred on its year's place (the n-th year with figures, not
    // the first year plus n: years without figures leave no gap), and labelled with it.
    let labels: Vec<String> = years
        .iter()
        .map(|y| y.year.map(|y| format!("{y} 年")).unwrap_or_default())
        .collect();
    Plot::new("progress_chart")
        .height(220.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_formatter(move |mark, _| {
            let place = mark.value.round();
            if (mark.value - place).abs() < 1e-6 && place >= 0.0 {
                labels.get(place as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            // The target is a wide grey bar centred on its year, drawn first; the three
            // milestones stand in front of it, the middle one on the year's mark.
            for (k, (name, color, values)) in series.iter().enumerate() {
                let (offset, width) = if k == 0 {
                    (0.0, 0.72)
                } else {
                    ((k as f64 - 2.0) * 0.22, 0.2)
                };
                let bars: Vec<Bar> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Bar::new(i as f64 + offset, *v).width(width))
                    .collect();
                plot.bar_chart(BarChart::new(*name, bars).color(*color));
            }
        });
}

fn groups(ui: &mut egui::Ui, view: &mut ProgressView) {
    ui.horizontal(|ui| {
        let label = ui.label("按乡镇、片区统计的年度");
        let years: Vec<i32> = view.years.iter().filter_map(|y| y.year).collect();
        egui::ComboBox::from_id_salt("progress_year")
            .selected_text(
                view.year
                    .map_or("全部年度".to_owned(), |y| format!("{y} 年")),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.year, None, "全部年度");
                for y in years {
                    ui.selectable_value(&mut view.year, Some(y), format!("{y} 年"));
                }
            })
            .response
            .labelled_by(label.id);
    });
    let year = view.year;
    if view.grouped.as_ref().is_none_or(|(y, _)| *y != year) {
        view.grouped = Some((year, group(&view.items, year)));
    }
    let Some((_, [towns, clusters])) = &view.grouped else {
        return;
    };
    for (title, rows) in [("按乡镇", towns), ("按片区", clusters)] {
        ui.strong(title);
        egui::Grid::new(("progress_group", title))
            .striped(true)
            .spacing([16.0, 6.0])
            .show(ui, |ui| {
                ui.strong(if title == "按乡镇" {
                    "乡镇"
                } else {
                    "片区"
                });
                for m in Milestone::ALL {
                    ui.strong(m.label());
                }
                ui.end_row();
                for (name, tallies) in rows.iter() {
                    ui.label(name);
                    for m in Milestone::ALL {
                        let when = year.map_or(String::new(), |y| format!("{y} 年"));
                        let caption = format!("{name}{when}{}：", m.label());
                        tally_button(ui, &tallies[&m], caption, &mut view.traced);
                    }
                    ui.end_row();
                }
            });
    }
}

/// Funding by year and source, and by town, in 元 (from the entries in fen).
fn funding(ui: &mut egui::Ui, rows: &[crate::store::funding::FundingRow], clause: &str) {
    use crate::model::funding::{Source, totals, yuan_text};
    ui.strong(format!("资金（{clause}）"));
    if rows.is_empty() {
        ui.label("尚未登记资金。");
        return;
    }
    let by_year_source = totals(
        rows.iter()
            .map(|r| ((r.funding.year, r.funding.source), r.funding.amount_fen)),
    );
    let years: std::collections::BTreeSet<i32> = rows.iter().map(|r| r.funding.year).collect();
    let sources: Vec<Source> = Source::ALL
        .into_iter()
        .filter(|s| rows.iter().any(|r| r.funding.source == *s))
        .collect();
    egui::Grid::new("funding_by_year")
        .striped(true)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            ui.strong("年度");
            for s in &sources {
                ui.strong(s.label());
            }
            ui.strong("合计");
            ui.end_row();
            for y in &years {
                ui.label(format!("{y} 年"));
                let mut sum = 0;
                for s in &sources {
                    let fen = by_year_source.get(&(*y, *s)).copied().unwrap_or(0);
                    sum += fen;
                    ui.label(yuan_text(fen));
                }
                ui.label(yuan_text(sum));
                ui.end_row();
            }
        });
    // The checks of 五、（一）, where the office looks at the money.
    let mut flagged: Vec<(String, String)> = rows
        .iter()
        .flat_map(|r| r.checks.iter().map(|c| (r.name.clone(), c.clone())))
        .collect();
    flagged.sort();
    flagged.dedup();
    if flagged.is_empty() {
        ui.label(format!("资金核查（{clause}）：未发现问题。"));
    } else {
        ui.label(
            egui::RichText::new(format!("资金核查（{clause}）：{} 处问题", flagged.len()))
                .color(ui.visuals().error_fg_color)
                .strong(),
        );
        for (name, check) in &flagged {
            ui.label(
                egui::RichText::new(format!("· {name}：{check}"))
                    .color(ui.visuals().error_fg_color),
            );
        }
    }
    let by_town = totals(rows.iter().map(|r| (r.town.clone(), r.funding.amount_fen)));
    ui.horizontal_wrapped(|ui| {
        ui.label("按乡镇：");
        for (town, fen) in by_town {
            let town = if town.is_empty() {
                "（未填）".to_owned()
            } else {
                town
            };
            ui.label(format!("{town} {}", yuan_text(fen)));
        }
    });
}

/// The targets' versions, and the form that records a new one.
fn targets(ui: &mut egui::Ui, view: &mut ProgressView, commands: &mut Vec<Command>) {
    egui::CollapsingHeader::new("目标任务的版本与修改")
        .id_salt("target_versions")
        .show(ui, |ui| {
            ui.label(
                "目标任务以数据保存：修改时记为新版本，旧版本保留；进度按各年度最新版本对照。",
            );
            egui::Grid::new("target_history")
                .striped(true)
                .num_columns(4)
                .show(ui, |ui| {
                    for (version, at, t) in &view.target_history {
                        ui.label(version);
                        ui.label(at.get(..10).unwrap_or(at));
                        ui.label(year_label(t.year, Some(t)));
                        ui.label(format!(
                            "{} 个小区、{} 户{}（{}）",
                            t.compounds,
                            t.households,
                            t.clusters
                                .map_or(String::new(), |k| format!("、{k} 个片区")),
                            t.source
                        ));
                        ui.end_row();
                    }
                });
            ui.add_space(6.0);
            let form = &mut view.target_form;
            egui::Grid::new("target_form")
                .num_columns(2)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    use crate::ui::widgets::labelled_text;
                    labelled_text(
                        ui,
                        "目标年度",
                        &mut form.year,
                        "如 2024；全程目标不填",
                        None,
                    );
                    if form.year.trim().is_empty() {
                        labelled_text(ui, "起止年度", &mut form.span, "如 2019-2023", None);
                    }
                    labelled_text(ui, "目标小区数", &mut form.compounds, "", None);
                    labelled_text(ui, "目标户数", &mut form.households, "", None);
                    labelled_text(ui, "目标片区数", &mut form.clusters, "可不填", None);
                    labelled_text(ui, "目标依据", &mut form.source, "文件名称或文号", None);
                    labelled_text(ui, "版本名称", &mut form.version, "如：2024 年度计划", None);
                });
            let typed = !(form.compounds.is_empty() && form.households.is_empty());
            match form.target() {
                Ok(target) => {
                    CommandButton::new(Command::SaveTarget {
                        target: Box::new(target),
                        version: form.version.trim().to_owned(),
                    })
                    .show(ui, commands);
                }
                Err(problem) if typed => {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                Err(_) => {}
            }
        });
}
