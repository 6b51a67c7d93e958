//! Steps shared by the UI flows: a harness with the app's fonts, typing into a field, choosing
//! a path, signing on the pad, waiting for background jobs.

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::command::Command;
use yanshou::store::Store;

/// Tall enough that all 13 checklist items are on screen at once, so that clicks land where a
/// user's would without scrolling.
pub fn harness(app: App) -> Harness<'static, App> {
    harness_sized(app, 2400.0)
}

pub fn harness_sized(app: App, height: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

pub fn empty_app() -> App {
    App::with_store(Store::open_in_memory().expect("store"), false)
}

/// The app on `store`, showing `screen`.
pub fn app_on(store: Store, screen: Screen) -> App {
    let mut app = App::with_store(store, false);
    app.handle(Command::Show(screen));
    app
}

pub fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Selects what a field holds and types `text` over it.
pub fn replace_text(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Replaces the path field's text (as typed by a user) and confirms.
pub fn submit_path(h: &mut Harness<'_, App>, text: &str) {
    replace_text(h, "文件路径", text);
    h.get_by_role_and_label(Role::Button, "确定").click();
}

/// Clicks an export button, types the path into the path field and waits for the export.
pub fn export_to(h: &mut Harness<'_, App>, button: &str, path: &std::path::Path) {
    // The export's own message is what is waited for.
    h.state_mut()
        .handle(yanshou::command::Command::DismissMessage);
    h.get_by_role_and_label(Role::Button, button).click();
    h.run();
    submit_path(h, path.to_str().expect("utf-8"));
    wait_for_background(h);
}

/// Steps (the UI repaints while a background task runs) until a message shows and the task
/// is done.
pub fn wait_for_background(h: &mut Harness<'_, App>) {
    wait_until(h, |h| {
        h.state().message().is_some() && !h.state().is_exporting() && !h.state().is_importing()
    });
}

/// Steps (a background job repaints when it is done) until `done` holds.
pub fn wait_until(h: &mut Harness<'_, App>, done: impl Fn(&Harness<'_, App>) -> bool) {
    for _ in 0..500 {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the background job did not finish");
}

/// The round the checklist shows, as stored.
pub fn the_inspection(app: &App) -> yanshou::model::Inspection {
    let Screen::Inspection(id) = app.screen() else {
        panic!("not on the checklist: {:?}", app.screen());
    };
    app.store()
        .expect("store")
        .inspection(id)
        .expect("inspection")
}

/// Fills in the form of a new round (the inspectors, a correction's reason) and starts it.
pub fn start_round(h: &mut Harness<'_, App>, button: &str, inspectors: Option<&str>) {
    h.get_by_role_and_label(Role::Button, button).click();
    h.run();
    if let Some(inspectors) = inspectors {
        type_into(h, "验收人员", inspectors);
    }
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
}

/// `unit`'s signer signs on its pad with the mouse: a wavy stroke, then 确认签字.
pub fn sign_on_pad(h: &mut Harness<'_, App>, unit: &str, signer: &str) {
    type_into(h, &format!("{unit} 签字人"), signer);
    let pad = h.get_by_label(&format!("{unit} 签名板")).rect();
    let at = |fx: f32, fy: f32| pad.min + egui::vec2(pad.width() * fx, pad.height() * fy);
    h.event(egui::Event::PointerMoved(at(0.1, 0.5)));
    h.event(egui::Event::PointerButton {
        pos: at(0.1, 0.5),
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    for i in 1..=8 {
        let t = i as f32 / 8.0;
        h.event(egui::Event::PointerMoved(at(
            0.1 + 0.7 * t,
            0.5 + 0.3 * (t * 6.0).sin(),
        )));
        h.run();
    }
    h.event(egui::Event::PointerButton {
        pos: at(0.8, 0.5),
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    h.get_by_label(&format!("{unit}：确认签字")).click();
    h.run();
}

/// `unit` marks the sheet for signing on paper.
pub fn sign_on_paper(h: &mut Harness<'_, App>, unit: &str, signer: &str) {
    type_into(h, &format!("{unit} 签字人"), signer);
    h.get_by_label(&format!("{unit}：纸质签字")).click();
    h.run();
}

/// Every unit signs on paper, then the round is signed off, confirming the question first.
pub fn sign_off_on_paper(h: &mut Harness<'_, App>, units: &[&str]) {
    for unit in units {
        sign_on_paper(h, unit, "签字人");
    }
    h.get_by_role_and_label(Role::Button, "完成签字并锁定")
        .click();
    h.run();
    h.get_by_label_contains("锁定后不能再修改");
    h.get_by_role_and_label(Role::Button, "确认锁定").click();
    h.run();
}

/// A small JPEG photo, prepared for the store.
pub fn prepared_photo(name: &str) -> yanshou::model::PreparedPhoto {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(400, 300, image::Rgb([120, 90, 60]))
        .write_to(&mut bytes, image::ImageFormat::Jpeg)
        .expect("encode");
    yanshou::import::photo::prepare(&bytes.into_inner(), name).expect("prepare")
}
