//! Carrying a field package from one file to another in the app: the laptop exports it from
//! the menu, the office imports it, sees the merged records, and settles a conflict on the
//! exchange screen; its pick travels back.

use eframe::egui::accesskit::Role as A11y;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::model::sync::Role;

use crate::common::sync::Machine;
use crate::common::ui::{harness, submit_path, wait_until};

/// Opens a menu of the menu bar and clicks one of its items.
fn menu(h: &mut egui_kittest::Harness<'_, App>, menu: &str, item: &str) {
    // A background job's spinner keeps the window repainting: let it end first.
    wait_until(h, |h| !h.state().is_busy());
    h.run();
    h.get_by_label(menu).click();
    h.run();
    // A menu item's label ends with its shortcut.
    h.get_by_label_contains(item).click();
    h.run();
}

fn households(app: &App, name: &str) -> Option<u32> {
    app.store()
        .unwrap()
        .compound_rows()
        .unwrap()
        .into_iter()
        .find(|r| r.compound.name == name)
        .and_then(|r| r.compound.households)
}

#[test]
fn a_package_carried_from_a_laptop_to_the_office_merges_and_a_conflict_is_settled_by_a_pick() {
    let dir = tempfile::tempdir().unwrap();
    // The two files have met before: the office has the laptop's compound, the laptop knows
    // the office. Then both change its households.
    let (field_path, office_path) = {
        let mut office = Machine::new(dir.path(), "县办", Role::Office);
        let mut field = Machine::new(dir.path(), "城关镇-王海燕", Role::Field);
        let town = field.store.towns().unwrap()[0].id;
        let mut shared = crate::common::compound("永宁小区");
        shared.town_id = Some(town);
        shared.households = Some(120);
        field.store.save_compound(&shared).unwrap();
        office.receive(&field.send(None)).unwrap();
        field.receive(&office.send(Some(&field))).unwrap();
        shared.households = Some(130);
        field.store.save_compound(&shared).unwrap();
        let mut new = crate::common::compound("新登记小区");
        new.town_id = Some(town);
        field.store.save_compound(&new).unwrap();
        shared.households = Some(125);
        office.store.save_compound(&shared).unwrap();
        (field.path.clone(), office.path.clone())
    };

    // On the laptop: 文件 › 导出外业数据包…, to the office it knows.
    let mut laptop = harness(App::open(field_path, false));
    menu(&mut laptop, "文件", "导出外业数据包…");
    let package = dir.path().join("给县办.yspkg");
    submit_path(&mut laptop, package.to_str().unwrap());
    wait_until(&mut laptop, |h| {
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("已导出"))
            && !h.state().is_exporting()
    });
    assert!(package.is_file());

    // At the office: 文件 › 导入数据包…
    let mut office = harness(App::open(office_path, false));
    assert!(office.query_by_label_contains("本机：县办").is_some());
    menu(&mut office, "文件", "导入数据包…");
    submit_path(&mut office, package.to_str().unwrap());
    wait_until(&mut office, |h| {
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("城关镇-王海燕"))
    });
    let said = office.state().message().unwrap().text.clone();
    assert!(said.contains("1 处冲突"), "{said}");
    // The new compound is merged in; the one both changed waits, marked, on the exchange screen.
    assert!(households(office.state(), "新登记小区").is_some());
    assert_eq!(households(office.state(), "永宁小区"), Some(125));
    assert_eq!(office.state().screen(), Screen::Exchange);
    office.run();
    assert!(
        office
            .query_by_label_contains("冲突处理（待选择 1 处）")
            .is_some()
    );
    assert!(office.query_by_label("130").is_some());
    assert!(office.query_by_label_contains("1 处冲突待处理").is_some());

    // The register marks it until it is settled.
    office
        .state_mut()
        .handle(yanshou::command::Command::Show(Screen::Register));
    office.run();
    assert!(office.query_by_label("【冲突】永宁小区").is_some());
    office
        .state_mut()
        .handle(yanshou::command::Command::Show(Screen::Exchange));
    office.run();

    // The clerk takes the laptop's figure.
    office
        .get_by_role_and_label(A11y::Button, "以对方为准")
        .click();
    office.run();
    assert_eq!(households(office.state(), "永宁小区"), Some(130));
    assert!(office.query_by_label_contains("没有待处理的冲突").is_some());
    assert!(office.query_by_label_contains("冲突待处理").is_none());
    // The package is in the history, with who settled its conflict.
    assert!(office.query_by_label("给县办.yspkg").is_some());
    assert!(office.query_by_label("县办").is_some());
    office
        .state_mut()
        .handle(yanshou::command::Command::Show(Screen::Register));
    office.run();
    assert!(office.query_by_label("【冲突】永宁小区").is_none());
    assert!(office.query_by_label("永宁小区").is_some());
}

/// A package double-clicked on a first start, before any database exists: the page says it
/// waits; once the user creates the file there, it is imported (never dropped).
#[test]
fn a_package_opened_before_any_database_exists_is_imported_once_one_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let (package, fingerprint) = {
        let mut field = Machine::new(dir.path(), "城关镇-王海燕", Role::Field);
        let mut compound = crate::common::compound("等候导入小区");
        compound.town_id = Some(field.store.towns().unwrap()[0].id);
        field.store.save_compound(&compound).unwrap();
        let key = field.store.public_identity().unwrap().public_key;
        (
            field.send(None),
            yanshou::model::device_key::fingerprint(&key),
        )
    };
    let db = dir.path().join("新电脑").join("yanshou.db");
    std::fs::create_dir(db.parent().unwrap()).unwrap();

    let mut app = App::open(db.clone(), false);
    app.send(yanshou::command::Command::ImportPackage(package.clone()));
    let mut h = harness(app);
    h.run();
    let name = package.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(h.state().waiting_package(), Some(package.as_path()));
    // On the page and in the status bar.
    assert_eq!(
        h.query_all_by_label_contains(&format!("收到数据包“{name}”：请先新建或打开数据库"))
            .count(),
        2,
        "the page says the package waits"
    );
    assert!(!db.exists(), "nothing made before the user says so");

    h.get_by_role_and_label(A11y::Button, "在此新建数据库")
        .click();
    // A machine this file does not know: its fingerprint first, nothing applied yet.
    wait_until(&mut h, |h| h.query_by_label(&fingerprint).is_some());
    h.get_by_label_contains("首次收到这台电脑的数据包");
    assert!(
        h.state()
            .store()
            .unwrap()
            .compound_rows()
            .unwrap()
            .is_empty()
    );
    h.get_by_role_and_label(A11y::Button, "指纹核对无误，导入")
        .click();
    wait_until(&mut h, |h| {
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("城关镇-王海燕"))
            && !h.state().is_busy()
    });
    assert_eq!(h.state().waiting_package(), None);
    let names: Vec<String> = h
        .state()
        .store()
        .unwrap()
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(names, ["等候导入小区"]);
}

/// A package from a machine this file has no key for shows that machine's fingerprint before
/// anything is applied: cancelled, nothing is; accepted, the package is imported and the key
/// is remembered (its next package goes in without asking).
#[test]
fn a_new_machines_fingerprint_is_checked_before_its_package_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let office = Machine::new(dir.path(), "县办", Role::Office);
    let mut field = Machine::new(dir.path(), "外业丁", Role::Field);
    let mut compound = crate::common::compound("先核指纹小区");
    compound.town_id = Some(field.store.towns().unwrap()[0].id);
    field.store.save_compound(&compound).unwrap();
    let package = field.send(None);
    let fingerprint =
        yanshou::model::device_key::fingerprint(&field.store.public_identity().unwrap().public_key);
    let mut h = harness(App::with_store(office.store, false));
    // The store is away while a package is applied.
    let rows = |h: &egui_kittest::Harness<'_, App>| {
        h.state().store().map(|s| s.compound_rows().unwrap().len())
    };

    h.state_mut()
        .send(yanshou::command::Command::ImportPackage(package.clone()));
    wait_until(&mut h, |h| h.query_by_label(&fingerprint).is_some());
    h.get_by_role_and_label(A11y::Button, "取消").click();
    h.run();
    assert!(h.query_by_label(&fingerprint).is_none());
    assert_eq!(rows(&h), Some(0), "nothing applied when cancelled");

    h.state_mut()
        .send(yanshou::command::Command::ImportPackage(package));
    wait_until(&mut h, |h| h.query_by_label(&fingerprint).is_some());
    h.get_by_role_and_label(A11y::Button, "指纹核对无误，导入")
        .click();
    wait_until(&mut h, |h| rows(h) == Some(1) && !h.state().is_busy());

    // Known now: the next package is applied without asking.
    let mut more = crate::common::compound("第二个小区");
    more.town_id = compound.town_id;
    field.store.save_compound(&more).unwrap();
    let next = field.send(None);
    h.state_mut()
        .send(yanshou::command::Command::ImportPackage(next));
    wait_until(&mut h, |h| rows(h) == Some(2) && !h.state().is_busy());
    assert!(h.query_by_label(&fingerprint).is_none());
}
