//! The application: owns the store, the screens' state and the background tasks.
//! UI code reads this state and queues `Command`s; `handle` (in `command_handling.rs`) is the
//! one place where state changes.

mod command_handling;
pub mod export_task;
mod photo_task;

use std::path::{Path, PathBuf};

use eframe::egui;

use crate::command::Command;
use crate::model::{Cluster, ClusterId, CompoundId, InspectionId, SurveyId, Town};
use crate::store::{RectificationListing, Store};
use crate::ui;
use crate::ui::checklist::ChecklistView;
use crate::ui::cluster_page::ClusterView;
use crate::ui::compound_form::CompoundForm;
use crate::ui::compound_list::RegisterView;
use crate::ui::compound_page::CompoundView;
use crate::ui::inspection_form::InspectionForm;
use crate::ui::path_prompt::PathPrompt;
use crate::ui::survey_form::SurveyView;

pub use export_task::ExportTask;
pub use photo_task::PhotoImportTask;

/// Which screen the central panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// No database is open (opening failed): say why and offer to open another.
    NoDatabase,
    Register,
    Compound(CompoundId),
    Inspection(InspectionId),
    Survey(SurveyId),
    Cluster(ClusterId),
    /// Open rectifications across the file.
    Rectifications,
}

/// The dialog shown over the screen, if any.
pub enum Dialog {
    CompoundForm(CompoundForm),
    ConfirmDelete {
        id: CompoundId,
        name: String,
        inspections: u32,
    },
    NewInspection(InspectionForm),
    PathPrompt(PathPrompt),
    /// A photo shown large.
    Photo {
        title: String,
        texture: egui::TextureHandle,
    },
    /// Check a printed sheet's code: what was typed, and the finding.
    Verify {
        code: String,
        finding: Option<(bool, String)>,
    },
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

/// The whole application state.
pub struct App {
    store: Option<Store>,
    db_path: PathBuf,
    screen: Screen,
    /// Why the database could not be opened (shown on `Screen::NoDatabase`).
    open_error: Option<String>,
    towns: Vec<Town>,
    clusters: Vec<Cluster>,
    register: RegisterView,
    compound: Option<CompoundView>,
    checklist: Option<ChecklistView>,
    survey: Option<SurveyView>,
    cluster: Option<ClusterView>,
    rectifications: Vec<RectificationListing>,
    dialog: Option<Dialog>,
    message: Option<Message>,
    export: Option<ExportTask>,
    photo_import: Option<PhotoImportTask>,
    /// Whether native file dialogs can be shown; otherwise a path field is offered.
    file_dialogs: bool,
    commands: Vec<Command>,
    /// The egui context, kept for background threads' repaints and for closing the window.
    ctx_for_quit: Option<egui::Context>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db_path", &self.db_path)
            .field("screen", &self.screen)
            .finish_non_exhaustive()
    }
}

/// Runs the GUI on the database at `db_path`.
pub fn run(db_path: PathBuf) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("验收 — 洛宁县城镇老旧小区改造验收")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([900.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "yanshou",
        options,
        Box::new(move |cc| {
            ui::setup(&cc.egui_ctx);
            Ok(Box::new(App::open(db_path, ui::file_dialogs_available())))
        }),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "无法启动图形界面：{e}。请确认在桌面环境中运行（需要 X11 或 Wayland 显示）。"
        )
    })
}

impl App {
    /// Opens the database at `db_path`; if that fails the app starts on a screen that says
    /// why and offers to open or create another file.
    pub fn open(db_path: PathBuf, file_dialogs: bool) -> Self {
        let mut app = Self::empty(db_path.clone(), file_dialogs);
        app.switch_database(&db_path);
        app
    }

    /// An app on an already opened store (tests, and `open`).
    pub fn with_store(store: Store, file_dialogs: bool) -> Self {
        let path = store.path().map(Path::to_owned).unwrap_or_default();
        let mut app = Self::empty(path, file_dialogs);
        app.store = Some(store);
        app.screen = Screen::Register;
        app.reload();
        app
    }

    fn empty(db_path: PathBuf, file_dialogs: bool) -> Self {
        Self {
            store: None,
            db_path,
            screen: Screen::NoDatabase,
            open_error: None,
            towns: Vec::new(),
            clusters: Vec::new(),
            register: RegisterView::default(),
            compound: None,
            checklist: None,
            survey: None,
            cluster: None,
            rectifications: Vec::new(),
            dialog: None,
            message: None,
            export: None,
            photo_import: None,
            file_dialogs,
            commands: Vec::new(),
            ctx_for_quit: None,
        }
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    pub fn message(&self) -> Option<&Message> {
        self.message.as_ref()
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Whether a background export is running.
    pub fn is_exporting(&self) -> bool {
        self.export.is_some()
    }

    /// Whether photos are being imported.
    pub fn is_importing(&self) -> bool {
        self.photo_import.is_some()
    }

    /// What the background is doing, for the status bar.
    fn task_description(&self) -> Option<String> {
        let parts: Vec<String> = self
            .export
            .as_ref()
            .map(|t| t.description().to_owned())
            .into_iter()
            .chain(self.photo_import.as_ref().map(PhotoImportTask::description))
            .collect();
        (!parts.is_empty()).then(|| parts.join("　"))
    }

    /// Queues a command, as a button would.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Draws one frame and then carries out the commands it produced.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.poll_export(ui.ctx());
        self.poll_photo_import();
        self.global_shortcuts(ui);

        egui::Panel::top("top_bar").show(ui, |ui| {
            ui::top_bar::show(
                ui,
                &self.db_path,
                self.store.is_some(),
                &self.breadcrumbs(),
                &self.clusters,
                &mut self.commands,
            );
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui::status_bar::show(
                ui,
                self.message.as_ref(),
                self.task_description().as_deref(),
                self.export.as_ref().map(ExportTask::progress),
                &mut self.commands,
            );
        });
        egui::CentralPanel::default().show(ui, |ui| match self.screen {
            Screen::NoDatabase => {
                ui::no_database::show(
                    ui,
                    &self.db_path,
                    self.open_error.as_deref(),
                    &mut self.commands,
                );
            }
            Screen::Register => {
                ui::compound_list::show(
                    ui,
                    &mut self.register,
                    &self.towns,
                    &self.clusters,
                    &mut self.commands,
                );
            }
            Screen::Compound(_) => {
                if let Some(view) = &self.compound {
                    ui::compound_page::show(ui, view, &mut self.commands);
                }
            }
            Screen::Inspection(_) => {
                if let Some(view) = &mut self.checklist {
                    ui::checklist::show(ui, view, self.export.is_some(), &mut self.commands);
                }
            }
            Screen::Survey(_) => {
                if let Some(view) = &mut self.survey {
                    ui::survey_form::show(ui, view, &mut self.commands);
                }
            }
            Screen::Cluster(_) => {
                if let Some(view) = &mut self.cluster {
                    ui::cluster_page::show(ui, view, &mut self.commands);
                }
            }
            Screen::Rectifications => {
                ui::rectification_list::show(ui, &self.rectifications, &mut self.commands);
            }
        });

        if let Some(dialog) = &mut self.dialog {
            ui::dialogs::show(
                ui.ctx(),
                dialog,
                &self.towns,
                &self.clusters,
                &mut self.commands,
            );
        }

        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // What the commands changed shows on the next frame, without waiting for input.
            ui.ctx().request_repaint();
        }
        for command in commands {
            self.handle(command);
        }
        if self.export.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn global_shortcuts(&mut self, ui: &egui::Ui) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        if self.dialog.is_some() {
            return;
        }
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let add = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        let export = KeyboardShortcut::new(Modifiers::COMMAND, Key::P);
        if ui.input_mut(|i| i.consume_shortcut(&open)) {
            self.commands.push(Command::OpenDatabase);
        }
        if self.screen == Screen::Register && ui.input_mut(|i| i.consume_shortcut(&add)) {
            self.commands.push(Command::AddCompound);
        }
        if let Screen::Inspection(id) = self.screen
            && ui.input_mut(|i| i.consume_shortcut(&export))
        {
            self.commands.push(Command::ExportSheet(id));
        }
    }

    /// The path from the register to the current screen, as (label, command) pairs.
    fn breadcrumbs(&self) -> Vec<(String, Option<Command>)> {
        let mut crumbs = Vec::new();
        if self.store.is_none() {
            return crumbs;
        }
        crumbs.push(("小区名册".to_owned(), Some(Command::ShowRegister)));
        match self.screen {
            Screen::Compound(_) => {
                if let Some(view) = &self.compound {
                    crumbs.push((view.compound.name.clone(), None));
                }
            }
            Screen::Inspection(_) => {
                if let Some(view) = &self.checklist {
                    let back = match view.inspection.subject {
                        crate::model::Subject::Compound(id) => Command::ShowCompound(id),
                        crate::model::Subject::Cluster(id) => Command::ShowCluster(id),
                    };
                    crumbs.push((view.subject_name.clone(), Some(back)));
                    crumbs.push((format!("验收 {}", view.inspection.inspected_on), None));
                }
            }
            Screen::Survey(_) => {
                if let Some(view) = &self.survey {
                    crumbs.push((
                        view.compound.name.clone(),
                        Some(Command::ShowCompound(view.compound.id)),
                    ));
                    crumbs.push((format!("第 {} 轮调查", view.survey.round), None));
                }
            }
            Screen::Cluster(_) => {
                if let Some(view) = &self.cluster {
                    crumbs.push((format!("片区：{}", view.cluster.name), None));
                }
            }
            Screen::Rectifications => crumbs.push(("整改清单".to_owned(), None)),
            Screen::Register | Screen::NoDatabase => {}
        }
        crumbs
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}
