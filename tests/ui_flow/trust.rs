//! Trust in the window: one writer per file, a stale form refused, tampering shown.

use crate::common::{self, ui::*};
use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::command::Command;
use yanshou::model::ItemResult;
use yanshou::store::Store;

/// A file with one compound and an unsigned inspection of it.
fn file_with_inspection() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    yanshou::model::CompoundId,
    yanshou::model::InspectionId,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path).expect("store");
    let (compound, id) = common::store_with_inspection(&mut store, "两窗小区");
    (dir, path, compound, id)
}

#[test]
fn a_second_window_on_the_same_file_only_views_and_says_why() {
    let (_dir, path, _, id) = file_with_inspection();
    let first = App::open(path.clone(), false);
    assert!(matches!(
        first.store().expect("store").access(),
        yanshou::store::Access::Write
    ));
    let mut second = App::open(path.clone(), false);
    assert!(matches!(
        second.store().expect("store").access(),
        yanshou::store::Access::View(yanshou::store::ViewReason::OtherWriter(_))
    ));
    second.handle(Command::Show(Screen::Inspection(id)));
    let mut h = harness(second);
    wait_until(&mut h, |h| !h.state().is_busy());
    h.get_by_label_contains("此文件已在另一个验收程序窗口中打开");
    h.get_by_label("供水管路畅通：合格").click();
    h.run();
    let message = h.state().message().expect("a message").clone();
    assert!(
        message.is_error && message.text.contains("只能查看"),
        "{message:?}"
    );
    assert_eq!(
        first
            .store()
            .expect("store")
            .inspection(id)
            .expect("round")
            .item("XQ-ST-01")
            .expect("item")
            .result,
        None,
        "nothing written from the second window"
    );
}

#[test]
fn a_form_never_writes_back_values_changed_meanwhile() {
    let (_dir, path, compound, _) = file_with_inspection();
    let app = App::open(path.clone(), false);
    let mut h = harness(app);
    wait_until(&mut h, |h| !h.state().is_busy());
    h.get_by_label(&format!("编辑 {}", "两窗小区")).click();
    h.run();
    // Another program changes the households while the form is open.
    rusqlite::Connection::open(&path)
        .expect("second connection")
        .execute(
            "UPDATE compound SET households = 999 WHERE id = ?1",
            [compound.to_string()],
        )
        .expect("write");
    replace_text(&mut h, "产权单位", "新单位");
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    h.get_by_label_contains("小区信息已被其他程序修改（户数 72 → 999）");
    let stored = h
        .state()
        .store()
        .expect("store")
        .compound(compound)
        .expect("compound");
    assert_eq!(stored.households, Some(999), "the newer value stays");
    assert_eq!(
        stored.owner_unit, "洛宁县住建局",
        "nothing from the stale form"
    );
}

#[test]
fn a_record_changed_after_sign_off_is_marked_in_the_register_and_on_its_page() {
    let (_dir, path, compound, id) = file_with_inspection();
    {
        let mut store = Store::open(&path).expect("store");
        common::pass_every_item(&mut store, id);
        common::sign_off_as_is(&mut store, id);
    }
    let conn = rusqlite::Connection::open(&path).expect("sqlite3");
    conn.execute_batch(
        "DROP TRIGGER inspection_item_locked;
         UPDATE inspection_item SET result = 'fail' WHERE code = 'XQ-LZ-01';",
    )
    .expect("tamper");
    drop(conn);
    let app = App::open(path.clone(), false);
    let mut h = harness(app);
    wait_until(&mut h, |h| !h.state().is_busy());
    h.run();
    h.get_by_label("【异常】两窗小区");
    let message = h.state().message().expect("a message").clone();
    assert!(
        message.is_error && message.text.contains("签字后被改动"),
        "{message:?}"
    );
    h.state_mut()
        .handle(Command::Show(Screen::Compound(compound)));
    h.run();
    h.get_by_label_contains("【异常】两窗小区 2026年11月20日 第 1 轮验收记录：签字后被改动");
    // The app put the dropped guard back: it cannot change the record either.
    h.state_mut().handle(Command::SetResult {
        inspection: id,
        code: "XQ-SR-01".into(),
        result: Some(ItemResult::Fail),
    });
    assert!(
        h.state()
            .message()
            .is_some_and(|m| m.is_error && m.text.contains("已签字确认")),
        "{:?}",
        h.state().message()
    );
}

#[test]
fn a_remark_typed_on_a_stale_screen_never_overwrites_a_newer_one() {
    let (_dir, path, _, id) = file_with_inspection();
    let mut app = App::open(path.clone(), false);
    app.handle(Command::Show(Screen::Inspection(id)));
    let mut h = harness(app);
    wait_until(&mut h, |h| !h.state().is_busy());
    type_into(&mut h, "供水管路畅通 备注", "水压");
    // Another program rewrites the remark meanwhile.
    rusqlite::Connection::open(&path)
        .expect("second connection")
        .execute(
            "UPDATE inspection_item SET remark = '另一程序的记录' WHERE code = 'XQ-ST-01'",
            [],
        )
        .expect("write");
    h.get_by_role_and_label(Role::TextInput, "供水管路畅通 备注")
        .type_text("偏低");
    h.run();
    // Said beside the remark.
    h.get_by_label_contains("已被其他程序修改");
    let stored = h
        .state()
        .store()
        .expect("store")
        .inspection(id)
        .expect("round")
        .item("XQ-ST-01")
        .expect("item")
        .remark
        .clone();
    assert_eq!(stored, "另一程序的记录");
}
