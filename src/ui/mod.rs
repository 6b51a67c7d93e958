//! The screens, one module each, and the pieces around them (menus, status bar, dialogs). UI
//! code reads state and queues `Command`s; it reads the store only through a screen's loader
//! and never writes it.

pub mod checklist;
pub mod cluster_page;
pub mod compound_form;
pub mod compound_list;
pub mod compound_page;
pub mod dialogs;
pub mod exchange;
pub mod fonts;
pub mod funding_form;
pub mod inspection_form;
pub mod no_database;
pub mod page;
pub mod path_prompt;
pub mod policy_pack;
pub mod programme_panel;
pub mod progress;
pub mod rectification_list;
pub mod register_import;
pub mod rhythm;
pub mod settings_page;
pub mod status_bar;
pub mod step_form;
pub mod survey_form;
pub mod top_bar;
pub mod widgets;

pub use dialogs::Dialog;
pub use page::{Page, Shared};
pub use status_bar::Message;

/// Prepares a context for the app: the bundled fonts, readable sizes, and the light theme
/// (easier to read outdoors in sunlight).
pub fn setup(ctx: &eframe::egui::Context) {
    fonts::install(ctx);
    ctx.set_theme(eframe::egui::Theme::Light);
}

/// Whether a native file dialog can be shown: rfd uses the XDG desktop portal over D-Bus, and
/// falls back to zenity. `YANSHOU_NO_FILE_DIALOG=1` forces the path field.
pub fn file_dialogs_available() -> bool {
    if std::env::var_os("YANSHOU_NO_FILE_DIALOG").is_some_and(|v| v != "0") {
        return false;
    }
    if cfg!(not(target_os = "linux")) {
        return true;
    }
    let portal = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()));
    portal || zenity
}

/// Frees `value` on a thread of its own (a view of 100,000 rows takes longer than a frame
/// to free), and its memory is given back to the system. If no thread can be started, it is
/// freed here.
pub(crate) fn free_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("view-free".to_owned())
        .spawn(move || {
            drop(value);
            crate::memory::give_back();
        });
}
