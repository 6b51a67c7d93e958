//! The register import dialog: which column holds what (guessed from the headers, changed
//! here), the row the headers are on, and every row's problems, before anything is written.

use eframe::egui;

use crate::command::Command;
use crate::import::register::Planned;
use crate::model::register_import::{RegisterField, guess_mapping};
use crate::ui::widgets::CommandButton;

/// Rows of the preview shown at once (problems first).
const PREVIEW_ROWS: usize = 300;

/// The dialog's state: the sheet, the choices, and the rows as they would be registered.
#[derive(Debug)]
pub struct RegisterImport {
    pub file_name: String,
    /// The sheet, the header row and the columns' fields chosen, and every row checked (read
    /// and checked on the reading thread; checked again here when a choice changes).
    pub planned: Planned,
    today: chrono::NaiveDate,
}

impl RegisterImport {
    pub fn new(file_name: String, planned: Planned, today: chrono::NaiveDate) -> Self {
        Self {
            file_name,
            planned,
            today,
        }
    }

    /// Guesses the columns from the header row, and reads the rows again.
    fn guess(&mut self) {
        let rows = &self.planned.grid.rows;
        self.planned.mapping = guess_mapping(rows.get(self.planned.header).map_or(&[][..], |r| r));
        self.replan();
    }

    fn replan(&mut self) {
        self.planned.replan(self.today);
    }

    /// Rows that will be registered, and rows left out for their problems.
    pub fn counts(&self) -> (usize, usize) {
        let good = self
            .planned
            .plans
            .iter()
            .filter(|p| p.compound.is_some())
            .count();
        (good, self.planned.plans.len() - good)
    }

    fn column_name(&self, column: usize) -> String {
        let header = self
            .planned
            .grid
            .rows
            .get(self.planned.header)
            .and_then(|r| r.get(column))
            .map(String::as_str)
            .unwrap_or("");
        format!("第 {} 列 {}", column_letters(column), header)
    }
}

/// A, B, …, Z, AA, … as the spreadsheet names its columns.
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (column % 26) as u8) as char);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.iter().rev().collect()
}

pub fn show(ui: &mut egui::Ui, view: &mut RegisterImport, commands: &mut Vec<Command>) {
    ui.heading(format!("导入小区名册：{}", view.file_name));
    ui.label(format!(
        "工作表“{}”，共 {} 行。",
        view.planned.grid.sheet,
        view.planned.grid.rows.len()
    ));
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let label = ui.label("表头在第");
        let mut line = view.planned.header + 1;
        let changed = ui
            .add(egui::DragValue::new(&mut line).range(1..=view.planned.grid.rows.len().max(1)))
            .labelled_by(label.id)
            .changed();
        ui.label("行");
        if changed {
            view.planned.header = line - 1;
            view.guess();
        }
    });
    let columns = view
        .planned
        .grid
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let mut remap = None;
    egui::Grid::new("register_mapping")
        .num_columns(4)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for (i, field) in RegisterField::ALL.into_iter().enumerate() {
                let label = ui.label(field.label());
                let current = view.planned.mapping.iter().position(|m| *m == Some(field));
                let mut chosen = current;
                let text = current.map_or("（表中没有）".to_owned(), |c| view.column_name(c));
                egui::ComboBox::from_id_salt(("register_field", i))
                    .selected_text(text)
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, "（表中没有）");
                        for c in 0..columns {
                            ui.selectable_value(&mut chosen, Some(c), view.column_name(c));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if chosen != current {
                    remap = Some((field, chosen));
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    if let Some((field, column)) = remap {
        for m in &mut view.planned.mapping {
            if *m == Some(field) {
                *m = None;
            }
        }
        if let Some(c) = column {
            if view.planned.mapping.len() <= c {
                view.planned.mapping.resize(c + 1, None);
            }
            view.planned.mapping[c] = Some(field);
        }
        view.replan();
    }
    ui.separator();
    let (good, bad) = view.counts();
    ui.strong(format!(
        "可登记 {good} 个小区；{bad} 行有问题，不导入（改正表格后可再导入）。"
    ));
    let totals =
        crate::model::register_import::total_rows(&view.planned.grid.rows, view.planned.header);
    if !totals.is_empty() {
        ui.label(format!(
            "第 {} 行是合计行，不作为小区登记。",
            totals
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            egui::Grid::new("register_preview")
                .striped(true)
                .spacing([12.0, 3.0])
                .show(ui, |ui| {
                    ui.strong("行");
                    ui.strong("小区名称");
                    ui.strong("情况");
                    ui.end_row();
                    let problems = view.planned.plans.iter().filter(|p| !p.problems.is_empty());
                    let fine = view.planned.plans.iter().filter(|p| p.problems.is_empty());
                    for p in problems.chain(fine).take(PREVIEW_ROWS) {
                        ui.label(p.line.to_string());
                        ui.label(&p.name);
                        if p.problems.is_empty() {
                            let note = match &p.new_cluster {
                                Some(k) => format!("可登记（新建片区“{}”）", k.name),
                                None => "可登记".to_owned(),
                            };
                            ui.label(note);
                        } else {
                            ui.colored_label(ui.visuals().error_fg_color, p.problems.join("；"));
                        }
                        ui.end_row();
                    }
                });
            if view.planned.plans.len() > PREVIEW_ROWS {
                ui.label(format!(
                    "……另有 {} 行未列出",
                    view.planned.plans.len() - PREVIEW_ROWS
                ));
            }
        });
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.add_enabled_ui(good > 0, |ui| {
            CommandButton::new(Command::ImportRegister)
                .text(format!("登记 {good} 个小区"))
                .show(ui, commands);
        });
        CommandButton::new(Command::CloseDialog)
            .text("取消")
            .show(ui, commands);
    });
}
