//! The application: owns the store, the page on show and the background jobs. UI code reads
//! this state and queues `Command`s; `handle` (in `command_handling.rs`) is the one place where
//! state changes.

mod command_handling;
mod database;
mod file_choice;
mod forms;
mod inspection;
mod jobs;
mod packages;
mod policy_pack;
mod programme;
mod rhythm;
mod settings;
mod spreadsheets;

use std::path::{Path, PathBuf};

use eframe::egui;

pub use crate::command::Screen;
use crate::command::{Command, UiCommand};
use crate::model::{Cluster, Town};
use crate::store::Store;
use crate::ui::compound_list::RegisterQuery;
use crate::ui::no_database::NoDatabase;
use crate::ui::{self, Dialog, Message, Page, Shared};

pub use file_choice::{FileChooser, FileKind, FileRequest};
use jobs::Jobs;

/// The whole application state.
pub struct App {
    store: Option<Store>,
    db_path: PathBuf,
    /// The screen on show, with its state.
    page: Page,
    towns: Vec<Town>,
    /// The file's policy pack (none if it cannot be read): the register's phases and money
    /// rule come from it.
    pack: Option<std::sync::Arc<crate::model::policy_pack::PolicyPack>>,
    clusters: Vec<Cluster>,
    /// This file's device and what waits for a user, for the status bar.
    station: ui::status_bar::Station,
    /// The register's search, sort and filters, kept while other screens are shown.
    register_query: RegisterQuery,
    /// What checking every signed record against its seal and the sign-off log found.
    audit: Option<crate::store::Audit>,
    dialog: Option<Dialog>,
    message: Option<Message>,
    jobs: Jobs,
    /// Shows file dialogs (on their own thread); without one, a path field is offered.
    file_chooser: Option<FileChooser>,
    /// Where file dialogs open next.
    last_folders: file_choice::LastFolders,
    commands: Vec<Command>,
    /// The egui context, for background threads' repaints and for closing the window.
    egui_ctx: Option<egui::Context>,
    /// The file (and whether its store was here) the window's title was last set for: the
    /// product and the file's county. A package applied away and back sets it again (a new
    /// laptop may have taken its office's county).
    titled_for: Option<(PathBuf, bool)>,
    /// The store is on the `package-apply` thread (back when the package is applied).
    store_away: bool,
    /// A package given to open (a double-click) while no file this window may write was open:
    /// imported as soon as one is.
    waiting_package: Option<PathBuf>,
    /// The user's settings, and where they are kept (`None`: not kept, as in tests).
    settings: crate::model::settings::Settings,
    settings_path: Option<PathBuf>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db_path", &self.db_path)
            .field("screen", &self.page.screen())
            .finish_non_exhaustive()
    }
}

/// Runs the GUI on the database at `db_path`, with the user's settings (`loaded` from
/// `settings_path`): on a first run, it asks who works here first.
/// A `package` given (a double-click on a .yspkg) is read and offered for import; `show`
/// names the screen to start on (`--show`, for screenshots and demonstrations).
pub fn run(
    db_path: PathBuf,
    (package, show): (Option<PathBuf>, Option<String>),
    settings_path: PathBuf,
    loaded: crate::config::Loaded,
) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("验收 — 城镇老旧小区改造调查与验收")
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([900.0, 600.0])
            .with_app_id("yanshou")
            .with_icon(window_icon()),
        renderer: eframe::Renderer::Glow,
        system_font_fallback: false,
        ..Default::default()
    };
    if std::env::var_os(FIRST_FRAME_VARIABLE).is_some_and(|v| v == "bare") {
        return eframe::run_native(
            "yanshou",
            options,
            Box::new(|_| {
                Ok(Box::new(FirstFrame {
                    app: None,
                    frames: 0,
                }))
            }),
        )
        .map_err(|e| anyhow::anyhow!("无法启动图形界面：{e}"));
    }
    eframe::run_native(
        "yanshou",
        options,
        Box::new(move |cc| {
            ui::setup(&cc.egui_ctx);
            cc.egui_ctx.set_zoom_factor(loaded.settings.clamped_scale());
            let mut app = App::open(db_path, ui::file_dialogs_available());
            app.egui_ctx = Some(cc.egui_ctx.clone());
            app.use_settings(loaded, settings_path);
            if let Some(package) = package {
                app.send(Command::ImportPackage(package));
            }
            if let Some(name) = show {
                match app.named_screen(&name) {
                    Some(screen) => app.send(Command::Show(screen)),
                    None => tracing::warn!(name, "no such screen to show"),
                }
            }
            if std::env::var_os(FIRST_FRAME_VARIABLE).is_some() {
                return Ok(Box::new(FirstFrame {
                    app: Some(app),
                    frames: 0,
                }));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "无法启动图形界面：{e}。请确认在桌面环境中运行（需要 X11 或 Wayland 显示）。"
        )
    })
}

/// The window's icon (the packages' 64 px one).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!(
        "../packaging/icons/hicolor/64x64/apps/yanshou.png"
    ))
    .unwrap_or_default()
}

impl App {
    /// The screen `--show NAME` names, on this file (a compound and a round: the first with
    /// an acceptance, and its first round not yet signed off).
    pub fn named_screen(&self, name: &str) -> Option<Screen> {
        let store = self.store.as_ref()?;
        let rounds = store.all_inspections().ok()?;
        Some(match name {
            "register" => Screen::Register,
            "progress" => Screen::Progress,
            "exchange" => Screen::Exchange,
            "settings" => Screen::Settings,
            "rhythm" => Screen::Rhythm(crate::model::rhythm::RhythmChoice::at(
                chrono::Local::now().date_naive(),
            )),
            "compound" => match rounds.first()?.subject {
                crate::model::Subject::Compound(id) => Screen::Compound(id),
                crate::model::Subject::Cluster(id) => Screen::Cluster(id),
            },
            "checklist" => Screen::Inspection(
                rounds
                    .iter()
                    .find(|r| !r.summary.signed_off)
                    .or(rounds.first())?
                    .summary
                    .id,
            ),
            _ => return None,
        })
    }

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
        app.show_screen(Screen::Register);
        app
    }

    fn empty(db_path: PathBuf, file_dialogs: bool) -> Self {
        Self {
            store: None,
            db_path,
            page: Page::NoDatabase(NoDatabase::Missing),
            towns: Vec::new(),
            pack: None,
            clusters: Vec::new(),
            station: ui::status_bar::Station::default(),
            register_query: RegisterQuery::default(),
            audit: None,
            dialog: None,
            message: None,
            jobs: Jobs::default(),
            file_chooser: file_dialogs.then(file_choice::native_chooser),
            last_folders: file_choice::LastFolders::default(),
            commands: Vec::new(),
            egui_ctx: None,
            titled_for: None,
            store_away: false,
            waiting_package: None,
            settings: crate::model::settings::Settings::default(),
            settings_path: None,
        }
    }

    /// Takes the user's settings (kept at `path` from now on); on a first run, asks for them.
    pub fn use_settings(&mut self, loaded: crate::config::Loaded, path: PathBuf) {
        self.settings = loaded.settings;
        self.settings_path = Some(path);
        if let Some(warning) = loaded.warning {
            self.error(warning);
        }
        if loaded.first_run {
            self.dialog = Some(Dialog::FirstRun(Box::new(
                ui::settings_page::SettingsForm::from(&self.settings),
            )));
        }
    }

    pub fn settings(&self) -> &crate::model::settings::Settings {
        &self.settings
    }

    pub fn screen(&self) -> Screen {
        self.page.screen()
    }

    pub fn page(&self) -> &Page {
        &self.page
    }

    /// The open store, for writing outside the UI (tests, tools); the page shows it after the
    /// next reload.
    pub fn store_mut(&mut self) -> Option<&mut Store> {
        self.store.as_mut()
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

    /// A package that waits for a file to be opened before it is imported.
    pub fn waiting_package(&self) -> Option<&Path> {
        self.waiting_package.as_deref()
    }

    /// Whether a background export is running.
    pub fn is_exporting(&self) -> bool {
        self.jobs.is_exporting()
    }

    /// Whether photos are being imported.
    pub fn is_importing(&self) -> bool {
        self.jobs.is_importing()
    }

    /// Whether any background job is running.
    pub fn is_busy(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// Queues a command, as a button would.
    pub fn send(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Draws one frame and then carries out the commands it produced.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        if self.egui_ctx.is_none() {
            self.egui_ctx = Some(ui.ctx().clone());
        }
        self.poll_jobs();
        self.keyboard_shortcuts(ui);
        self.title_the_window(ui.ctx());

        egui::Panel::top("top_bar").show(ui, |ui| {
            ui::top_bar::show(
                ui,
                &self.db_path,
                self.store.is_some(),
                &self.page.breadcrumbs(),
                &self.clusters,
                &mut self.commands,
            );
        });
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            ui::status_bar::show(
                ui,
                self.message.as_ref(),
                &self.jobs.lines(),
                &self.station,
                &mut self.commands,
            );
        });
        if let Some(crate::store::Access::View(reason)) = self.store.as_ref().map(Store::access) {
            egui::Panel::top("view_only").show(ui, |ui| {
                ui::widgets::view_only_banner(ui, &reason.explanation());
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let mut shared = Shared {
                db_path: &self.db_path,
                towns: &self.towns,
                pack: self.pack.as_deref(),
                clusters: &self.clusters,
                register_query: &mut self.register_query,
                exporting: self.jobs.is_exporting(),
                audit: self.audit.as_ref(),
                waiting_package: self.waiting_package.as_deref(),
            };
            self.page.show(ui, &mut shared, &mut self.commands);
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

        self.keep_text_size(ui.ctx());
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // What the commands changed shows on the next frame, without waiting for input.
            ui.ctx().request_repaint();
        }
        for command in commands {
            self.handle(command);
        }
    }

    /// Ctrl +/− (egui's zoom) changes the text size; the size is kept in the settings.
    fn keep_text_size(&mut self, ctx: &egui::Context) {
        let zoom = ctx.zoom_factor();
        if (zoom - self.settings.text_scale).abs() > 0.001 {
            self.settings.text_scale = zoom;
            self.save_settings_file();
        }
    }

    /// Writes the settings to their file (if kept); a failure is said.
    pub(crate) fn save_settings_file(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(e) = crate::config::save(path, &self.settings)
        {
            self.error(e);
        }
    }

    /// Turns pressed shortcuts into commands: the global ones and the page's, each command's
    /// keys as `Command::kb_shortcuts` lists them. A key without a modifier is text while a
    /// field has the focus.
    fn keyboard_shortcuts(&mut self, ui: &egui::Ui) {
        if self.dialog.is_some() {
            return;
        }
        let typing = ui.ctx().text_edit_focused();
        let candidates = Command::GLOBAL
            .into_iter()
            .map(Command::Ui)
            .chain(self.page.keyboard_commands());
        for command in candidates {
            let pressed = command.kb_shortcuts().iter().any(|shortcut| {
                !(typing && shortcut.modifiers.is_none())
                    && ui.input_mut(|i| i.consume_shortcut(shortcut))
            });
            if pressed {
                self.commands.push(command);
            }
        }
    }

    /// The commands a checklist key turns into, on the checklist.
    fn checklist_key(&mut self, key: UiCommand) {
        if let Page::Inspection(view) = &mut self.page
            && let Some(command) = view.key(key)
        {
            self.handle(command);
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }
}

/// Set by `yanshou bench --compare`: the window says on its standard output when its first
/// frame is on screen, then closes (how long a start takes, measured from outside). Set to
/// `bare`, an empty window with the same size and renderer starts instead: what eframe, the
/// windowing system and OpenGL cost on this machine before the app does anything.
pub const FIRST_FRAME_VARIABLE: &str = "YANSHOU_BENCH_FIRST_FRAME";

/// The app (or nothing: `bare`), for `FIRST_FRAME_VARIABLE`.
struct FirstFrame {
    app: Option<App>,
    frames: u32,
}

impl eframe::App for FirstFrame {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // The first frame was painted and presented before the second begins.
        if self.frames == 1 {
            println!("first-frame");
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        match &mut self.app {
            Some(app) => app.show(ui),
            None => {
                ui.label("yanshou");
            }
        }
        self.frames += 1;
        ui.ctx().request_repaint();
    }
}

impl App {
    /// The window says whose programme it is: 验收 — 洛宁县城镇老旧小区改造调查与验收 (the open
    /// file's county, from its pack; set again for another file).
    fn title_the_window(&mut self, ctx: &egui::Context) {
        let key = (self.db_path.clone(), self.store.is_some());
        if self.titled_for.as_ref() == Some(&key) {
            return;
        }
        let county = self
            .store
            .as_ref()
            .and_then(|s| s.policy_pack().ok())
            .map(|p| p.meta.county.name.clone())
            .unwrap_or_default();
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
            "验收 — {county}城镇老旧小区改造调查与验收"
        )));
        self.titled_for = Some(key);
    }
}
