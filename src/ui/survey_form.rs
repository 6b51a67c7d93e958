//! The compound survey form for town staff: every change is saved at once; a message stands
//! beside a field that cannot be saved; Tab or Enter moves on; a meter shows what is filled.
//! Earlier rounds open read-only.

use std::collections::HashMap;

use eframe::egui;

use crate::command::{Command, UiCommand};
use crate::export::Document;
use crate::model::survey::parse_field;
use crate::model::{
    Choice, Compound, CompoundSurvey, Condition, EligibilityFacts, EligibilityReport,
    StructuralSafety, SurveyCatalogue, SurveyField, SurveyId, assess,
};
use crate::store::{Store, StoreError, SurveyText};
use crate::ui::widgets::{CommandButton, eligibility_checks, eligibility_text};

/// The survey screen's state.
#[derive(Debug)]
pub struct SurveyView {
    pub survey: CompoundSurvey,
    pub compound: Compound,
    pub town_name: String,
    pub cluster_name: String,
    /// Only the latest round can change.
    pub editable: bool,
    /// The local rules in force (the share of households that counts as 强烈).
    pub rules: crate::model::policy_rule::PolicyRules,
    /// What is typed in the text fields, which may not parse yet.
    texts: HashMap<SurveyField, String>,
    /// Why a typed value was not saved.
    errors: HashMap<SurveyField, String>,
    /// (other problem, note) per item, as typed.
    item_texts: Vec<(String, String)>,
    /// Where Enter moves the cursor.
    enter: EnterOrder,
}

/// Enter in a single-line field moves the cursor to the next text field. It never lands on a
/// button, where the next Enter would record an answer.
#[derive(Debug, Default)]
struct EnterOrder {
    /// The text fields in the order this frame draws them.
    fields: Vec<egui::Id>,
    /// The field Enter was pressed in: the next text field gets the cursor.
    from: Option<egui::Id>,
}

impl EnterOrder {
    fn begin_frame(&mut self) {
        self.fields.clear();
    }

    fn note(&mut self, ui: &egui::Ui, response: &egui::Response) {
        self.fields.push(response.id);
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            self.from = Some(response.id);
        }
    }

    /// Gives the cursor to the text field after the one Enter was pressed in (or to none after
    /// the last), once the frame has drawn them all.
    fn end_frame(&mut self, ui: &egui::Ui) {
        let Some(from) = self.from.take() else {
            return;
        };
        let next = self
            .fields
            .iter()
            .position(|id| *id == from)
            .and_then(|i| self.fields.get(i + 1).copied());
        if let Some(next) = next {
            ui.memory_mut(|m| m.request_focus(next));
        }
    }
}

const TEXT_FIELDS: [SurveyField; 6] = [
    SurveyField::SurveyedOn,
    SurveyField::Surveyors,
    SurveyField::Floors,
    SurveyField::FloorArea,
    SurveyField::HouseholdsInFavour,
    SurveyField::WillingnessMethod,
];

fn field_text(s: &CompoundSurvey, field: SurveyField) -> String {
    let n = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
    match field {
        SurveyField::SurveyedOn => s.surveyed_on.to_string(),
        SurveyField::Surveyors => s.surveyors.clone(),
        SurveyField::Floors => n(s.floors),
        SurveyField::FloorArea => s.floor_area.map(|a| a.to_string()).unwrap_or_default(),
        SurveyField::HouseholdsInFavour => n(s.households_in_favour),
        SurveyField::WillingnessMethod => s.willingness_method.clone(),
        SurveyField::ManagementMode
        | SurveyField::StructuralSafety
        | SurveyField::DemolitionSuitable => String::new(),
    }
}

impl SurveyView {
    /// One survey round with its compound; only the latest round is editable.
    pub fn load(store: &Store, id: SurveyId) -> Result<Self, StoreError> {
        let survey = store.survey(id)?;
        let compound = store.compound(survey.compound_id)?;
        let latest = store
            .surveys_of(compound.id)?
            .first()
            .is_some_and(|s| s.id == id);
        let (town_name, cluster_name) = store.places_of(&compound)?;
        let mut view = Self::new(survey, compound, town_name, cluster_name, latest);
        view.rules = store.policy_rules()?;
        Ok(view)
    }

    pub fn new(
        survey: CompoundSurvey,
        compound: Compound,
        town_name: String,
        cluster_name: String,
        editable: bool,
    ) -> Self {
        let texts = TEXT_FIELDS
            .iter()
            .map(|f| (*f, field_text(&survey, *f)))
            .collect();
        let item_texts = survey
            .items
            .iter()
            .map(|i| (i.other_problem.clone(), i.note.clone()))
            .collect();
        Self {
            rules: Default::default(),
            survey,
            compound,
            town_name,
            cluster_name,
            editable,
            texts,
            errors: HashMap::new(),
            item_texts,
            enter: EnterOrder::default(),
        }
    }

    /// Takes the freshly stored survey and compound; keeps what is being typed.
    pub fn update(&mut self, fresh: Self) {
        self.survey = fresh.survey;
        self.compound = fresh.compound;
        self.town_name = fresh.town_name;
        self.cluster_name = fresh.cluster_name;
        self.editable = fresh.editable;
        self.rules = fresh.rules;
    }

    /// The eligibility finding, live.
    pub fn eligibility(&self) -> EligibilityReport {
        assess(
            &EligibilityFacts::gather(
                self.compound.year_built,
                self.compound.cluster_id.is_some(),
                self.compound.households,
                Some(&self.survey),
            )
            .with_owner(&self.compound.owner_unit)
            .with_rules(&self.rules),
        )
    }
}

fn text_field(
    ui: &mut egui::Ui,
    view: &mut SurveyView,
    field: SurveyField,
    hint: &str,
    commands: &mut Vec<Command>,
) {
    let label = ui.label(field.label());
    let Some(text) = view.texts.get_mut(&field) else {
        return;
    };
    let response = ui
        .add_enabled(
            view.editable,
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(260.0),
        )
        .labelled_by(label.id);
    if response.changed() {
        let today = crate::model::Clock::local().today();
        match parse_field(field, text, today) {
            Ok(value) => {
                view.errors.remove(&field);
                commands.push(Command::SetSurveyField {
                    survey: view.survey.id,
                    field,
                    before: view.survey.value(field),
                    value,
                });
            }
            Err(message) => {
                view.errors.insert(field, message.into());
            }
        }
    }
    view.enter.note(ui, &response);
    ui.end_row();
    if let Some(error) = view.errors.get(&field) {
        ui.label("");
        ui.label(egui::RichText::new(error).color(ui.visuals().error_fg_color));
        ui.end_row();
    }
}

fn choice_row<T: Choice + PartialEq>(
    ui: &mut egui::Ui,
    view: &SurveyView,
    field: SurveyField,
    current: Option<T>,
    to_value: impl Fn(Option<T>) -> crate::model::SurveyValue,
    commands: &mut Vec<Command>,
) {
    ui.label(field.label());
    ui.horizontal_wrapped(|ui| {
        for &choice in T::ALL {
            let selected = current == Some(choice);
            CommandButton::new(Command::SetSurveyField {
                survey: view.survey.id,
                field,
                before: view.survey.value(field),
                value: to_value(if selected { None } else { Some(choice) }),
            })
            .text(choice.label())
            .selected(selected)
            .enabled(view.editable)
            .accessible_name(format!("{}：{}", field.label(), choice.label()))
            .show(ui, commands);
        }
    });
    ui.end_row();
}

pub fn show(ui: &mut egui::Ui, view: &mut SurveyView, commands: &mut Vec<Command>) {
    view.enter.begin_frame();
    show_form(ui, view, commands);
    view.enter.end_frame(ui);
}

fn show_form(ui: &mut egui::Ui, view: &mut SurveyView, commands: &mut Vec<Command>) {
    let catalogue = SurveyCatalogue::version(&view.survey.catalogue_version)
        .unwrap_or_else(SurveyCatalogue::current);
    let (filled, total) = view.survey.completeness();
    let report = view.eligibility();

    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} · 第 {} 轮调查",
            view.compound.name, view.survey.round
        ));
        if !view.editable {
            ui.label(egui::RichText::new("较早轮次 · 只读").color(ui.visuals().warn_fg_color));
        }
        ui.label(
            egui::RichText::new(format!(
                "调查表版本 {}{}",
                view.survey.catalogue_version,
                crate::ui::widgets::pack_version_note(&view.survey.pack_version)
            ))
            .small()
            .weak(),
        );
        ui.add_space(12.0);
        // The page's main document: Ctrl+P exports it too.
        CommandButton::new(Command::Ui(UiCommand::ExportCurrent))
            .text(Document::SurveyForm(view.survey.id).label())
            .show(ui, commands);
    });
    ui.horizontal(|ui| {
        ui.label(format!("已填 {filled}/{total}"));
        ui.add(egui::ProgressBar::new(filled as f32 / total.max(1) as f32).desired_width(200.0));
        ui.add_space(12.0);
        ui.label("资格：");
        ui.label(eligibility_text(report.status, ui.visuals()));
        let missing = report.missing();
        if !missing.is_empty() {
            ui.label(format!("待补充：{}", missing.join("、")));
        }
    });
    ui.label(
        egui::RichText::new(format!(
            "每项改动即时保存 · Tab 或回车到下一项 · 依据{} 二、（一）（三）",
            catalogue.source
        ))
        .small()
        .weak(),
    );
    ui.separator();

    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            ui.label(egui::RichText::new("一、基本情况").heading().size(18.0));
            basic_facts(ui, view, commands);
            ui.add_space(8.0);
            ui.label(
                egui::RichText::new("二、改造资格（二、（一））")
                    .heading()
                    .size(18.0),
            );
            eligibility_section(ui, view, &report, commands);
            ui.add_space(8.0);
            ui.label(
                egui::RichText::new("三、设施现状（二、（三））")
                    .heading()
                    .size(18.0),
            );
            for (n, category) in catalogue.categories.iter().enumerate() {
                ui.add_space(4.0);
                ui.label(
                    egui::RichText::new(format!("（{}）{}", n + 1, category.name))
                        .strong()
                        .size(16.0),
                );
                for index in 0..view.survey.items.len() {
                    let code = view.survey.items[index].code.clone();
                    let Some(item) = catalogue.item(&code) else {
                        continue;
                    };
                    if item.category == category.id {
                        item_row(ui, view, index, item, catalogue, commands);
                    }
                }
            }
        });
}

fn basic_facts(ui: &mut egui::Ui, view: &mut SurveyView, commands: &mut Vec<Command>) {
    let c = &view.compound;
    let dash = |s: String| if s.is_empty() { "—".to_owned() } else { s };
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "地址：{}　乡镇：{}　产权单位：{}　建成年份：{}　楼栋：{}　户数：{}　片区：{}",
            dash(c.address.clone()),
            dash(view.town_name.clone()),
            dash(c.owner_unit.clone()),
            dash(c.year_built.map(|y| y.to_string()).unwrap_or_default()),
            dash(c.buildings.map(|y| y.to_string()).unwrap_or_default()),
            dash(c.households.map(|y| y.to_string()).unwrap_or_default()),
            dash(view.cluster_name.clone()),
        ));
        CommandButton::new(Command::EditCompound(c.id))
            .text("修改小区信息")
            .small()
            .show(ui, commands);
    });
    egui::Grid::new("survey_basic")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            text_field(ui, view, SurveyField::SurveyedOn, "年-月-日", commands);
            text_field(ui, view, SurveyField::Surveyors, "姓名", commands);
            text_field(ui, view, SurveyField::Floors, "层", commands);
            text_field(ui, view, SurveyField::FloorArea, "㎡", commands);
            let mode = view.survey.management_mode;
            choice_row(
                ui,
                view,
                SurveyField::ManagementMode,
                mode,
                crate::model::SurveyValue::Mode,
                commands,
            );
        });
}

fn eligibility_section(
    ui: &mut egui::Ui,
    view: &mut SurveyView,
    report: &EligibilityReport,
    commands: &mut Vec<Command>,
) {
    egui::Grid::new("survey_eligibility")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let safety: Option<StructuralSafety> = view.survey.structural_safety;
            choice_row(
                ui,
                view,
                SurveyField::StructuralSafety,
                safety,
                crate::model::SurveyValue::Safety,
                commands,
            );
            ui.label(SurveyField::DemolitionSuitable.label());
            ui.horizontal(|ui| {
                for (value, text) in [(false, "不宜拆除重建"), (true, "适宜拆除重建")] {
                    let selected = view.survey.demolition_suitable == Some(value);
                    CommandButton::new(Command::SetSurveyField {
                        survey: view.survey.id,
                        field: SurveyField::DemolitionSuitable,
                        before: view.survey.value(SurveyField::DemolitionSuitable),
                        value: crate::model::SurveyValue::Flag(if selected {
                            None
                        } else {
                            Some(value)
                        }),
                    })
                    .text(text)
                    .selected(selected)
                    .enabled(view.editable)
                    .show(ui, commands);
                }
            });
            ui.end_row();
            text_field(ui, view, SurveyField::HouseholdsInFavour, "户", commands);
            text_field(
                ui,
                view,
                SurveyField::WillingnessMethod,
                "入户调查、问卷、居民议事会…",
                commands,
            );
        });
    ui.add_space(4.0);
    eligibility_checks(ui, report);
}

fn item_row(
    ui: &mut egui::Ui,
    view: &mut SurveyView,
    index: usize,
    item: &crate::model::survey_catalogue::ContentItem,
    catalogue: &SurveyCatalogue,
    commands: &mut Vec<Command>,
) {
    let survey_id = view.survey.id;
    let state = view.survey.items[index].clone();
    egui::Frame::group(ui.style())
        .inner_margin(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(&item.name).strong())
                    .on_hover_text(format!("依据：{}", item.clause));
                ui.add_space(8.0);
                for &condition in Condition::ALL {
                    let selected = state.condition == Some(condition);
                    CommandButton::new(Command::SetItemCondition {
                        survey: survey_id,
                        code: state.code.clone(),
                        condition: if selected { None } else { Some(condition) },
                    })
                    .text(condition.label())
                    .selected(selected)
                    .enabled(view.editable)
                    .accessible_name(format!("{}：{}", item.name, condition.label()))
                    .show(ui, commands);
                }
                if matches!(
                    state.condition,
                    Some(Condition::NeedsRenovation | Condition::Missing)
                ) {
                    ui.add_space(8.0);
                    for code in &item.problems {
                        let Some(problem) = catalogue.problem(code) else {
                            continue;
                        };
                        let mut seen = state.problems.contains(code);
                        let response = ui.add_enabled(
                            view.editable,
                            egui::Checkbox::new(&mut seen, &problem.text),
                        );
                        if response.changed() {
                            commands.push(Command::SetItemProblem {
                                survey: survey_id,
                                code: state.code.clone(),
                                problem: code.clone(),
                                seen,
                            });
                        }
                    }
                }
            });
            ui.horizontal(|ui| {
                let (other, note) = &mut view.item_texts[index];
                for (which, text, label, hint) in [
                    (SurveyText::OtherProblem, other, "其他问题", "列表外的问题"),
                    (SurveyText::Note, note, "备注", "位置、数量、说明"),
                ] {
                    ui.label(label);
                    let response = ui
                        .add_enabled(
                            view.editable,
                            egui::TextEdit::singleline(text)
                                .hint_text(hint)
                                .desired_width(280.0),
                        )
                        .accessible_name(format!("{} {label}", item.name));
                    if response.changed() {
                        let before = match which {
                            SurveyText::OtherProblem => state.other_problem.clone(),
                            SurveyText::Note => state.note.clone(),
                        };
                        commands.push(Command::SetItemText {
                            survey: survey_id,
                            code: state.code.clone(),
                            which,
                            before,
                            text: text.clone(),
                        });
                    }
                    view.enter.note(ui, &response);
                }
            });
        });
}
