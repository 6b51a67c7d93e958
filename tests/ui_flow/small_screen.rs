//! A 1024×600 laptop at text size 1.2 and 1.5 (a harness of 1024/size × 600/size points): on
//! the register, a compound's page, the checklist, the progress screen and 推进机制, every
//! button can be brought into the window (scrolled to, as a user would) and is then inside it.

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use yanshou::app::{App, Screen};
use yanshou::store::Store;

/// The app on `store` in a 1024×600 window at text size `scale` (1024/scale × 600/scale
/// points).
fn small_laptop(store: Store, scale: f32) -> egui_kittest::Harness<'static, App> {
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(1024.0 / scale, 600.0 / scale))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::with_store(store, false),
        )
}

/// The buttons of the screen on show that stay outside the window after being scrolled to.
fn out_of_reach(h: &mut egui_kittest::Harness<'_, App>, width: f32, height: f32) -> Vec<String> {
    let count = h.query_all_by_role(Role::Button).count();
    let mut outside = Vec::new();
    for i in 0..count {
        let Some(node) = h.query_all_by_role(Role::Button).nth(i) else {
            break;
        };
        node.scroll_to_me();
        h.run();
        let Some(node) = h.query_all_by_role(Role::Button).nth(i) else {
            break;
        };
        let rect = node.rect();
        let label = node.accesskit_node().label().unwrap_or_default();
        let inside = rect.min.x >= -0.5
            && rect.max.x <= width + 0.5
            && rect.min.y >= -0.5
            && rect.max.y <= height + 0.5;
        if !inside {
            outside.push(format!("“{label}” at {rect:?}"));
        }
    }
    outside
}

#[test]
fn every_button_is_reachable_at_1024_by_600_with_large_text() {
    let mut failures = Vec::new();
    for scale in [1.2_f32, 1.5] {
        let mut store = Store::open_in_memory().expect("store");
        let compound = yanshou::store::sample::write_sample(&mut store, false).expect("sample");
        let inspection = store
            .all_inspections()
            .expect("inspections")
            .iter()
            .find(|l| !l.summary.signed_off)
            .or(store.all_inspections().expect("inspections").first())
            .map(|l| l.summary.id)
            .expect("a sample inspection");
        let today = chrono::Local::now().date_naive();
        let (width, height) = (1024.0 / scale, 600.0 / scale);
        let mut h = small_laptop(store, scale);
        for screen in [
            Screen::Register,
            Screen::Compound(compound),
            Screen::Inspection(inspection),
            Screen::Progress,
            Screen::Rhythm(yanshou::model::rhythm::RhythmChoice::at(today)),
        ] {
            h.state_mut()
                .handle(yanshou::command::Command::Show(screen));
            h.run();
            h.run();
            for button in out_of_reach(&mut h, width, height) {
                failures.push(format!("text size {scale}, {screen:?}: {button}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// At 1024×600 and text size 1.2 the checklist shows at least three items whole (their result
/// buttons in the window) where it showed two and a half.
#[test]
fn the_checklist_shows_three_items_on_a_small_laptop_at_text_size_1_2() {
    let scale = 1.2_f32;
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = crate::common::store_with_inspection(&mut store, "小屏幕小区");
    let height = 600.0 / scale;
    let mut h = small_laptop(store, scale);
    h.state_mut()
        .handle(yanshou::command::Command::Show(Screen::Inspection(id)));
    h.run();
    h.run();
    let whole = h
        .query_all_by_role(Role::Button)
        .filter(|b| {
            b.accesskit_node()
                .label()
                .is_some_and(|l| l.ends_with("：不适用"))
        })
        .filter(|b| b.rect().max.y <= height)
        .count();
    assert!(whole >= 3, "{whole} items whole at 1024×600, text size 1.2");
}

/// 文件 › 政策包 on a 1024×600 laptop at text size 1.5: its buttons are in the window.
#[test]
fn the_policy_pack_dialog_fits_a_small_laptop_with_large_text() {
    let scale = 1.5_f32;
    let mut h = small_laptop(Store::open_in_memory().expect("store"), scale);
    h.state_mut().handle(yanshou::command::Command::Ui(
        yanshou::command::UiCommand::ShowPolicyPack,
    ));
    h.run();
    h.run();
    h.get_by_label("政策包：洛宁县（410328）");
    let outside = out_of_reach(&mut h, 1024.0 / scale, 600.0 / scale);
    assert!(outside.is_empty(), "{outside:#?}");
}
