//! Settings in the app: the first start asks who works here and the forms fill it in; the
//! text size follows Ctrl +/− and is kept; a backup is restored from 文件 › 从备份恢复 after a
//! confirmation, keeping the file it replaces.

use eframe::egui;
use eframe::egui::accesskit::Role as A11y;
use egui_kittest::kittest::Queryable;
use yanshou::app::App;
use yanshou::command::{Command, UiCommand};
use yanshou::config::Loaded;
use yanshou::model::settings::{Settings, UserRole};
use yanshou::store::Store;

use crate::common::ui::{harness, replace_text, wait_until};

#[test]
fn the_first_start_asks_who_works_here_and_the_forms_fill_it_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("城关镇.db");
    let mut store = Store::open(&db).unwrap();
    let c = crate::common::compound("永宁小区");
    store.save_compound(&c).unwrap();
    drop(store);
    let settings_path = dir.path().join("config").join("settings.toml");
    let mut app = App::open(db, false);
    app.use_settings(
        Loaded {
            settings: Settings::default(),
            first_run: true,
            warning: None,
        },
        settings_path.clone(),
    );
    let mut h = harness(app);
    wait_until(&mut h, |h| !h.state().is_busy());
    assert!(h.query_by_label("欢迎使用验收").is_some());
    replace_text(&mut h, "姓名", "王海燕");
    replace_text(&mut h, "工作单位", "城关镇人民政府");
    h.get_by_label("验收人员").click();
    h.run();
    h.get_by_role_and_label(A11y::Button, "保存设置").click();
    h.run();
    assert!(
        h.query_by_label("欢迎使用验收").is_none(),
        "the dialog closes"
    );
    let saved: Settings =
        toml::from_str(&std::fs::read_to_string(&settings_path).unwrap()).unwrap();
    assert_eq!(
        (saved.user_name.as_str(), saved.unit.as_str(), saved.role),
        ("王海燕", "城关镇人民政府", UserRole::Inspector)
    );
    // A new acceptance names the inspector; a new survey the surveyor.
    h.state_mut()
        .handle(Command::NewInspection(yanshou::model::Subject::Compound(
            c.id,
        )));
    h.run();
    let inspectors = h.get_by_role_and_label(A11y::TextInput, "验收人员");
    assert_eq!(inspectors.value().as_deref(), Some("王海燕"));
    let parties = h
        .get_all_by_role(A11y::MultilineTextInput)
        .filter_map(|n| n.value())
        .find(|v| v.contains("洛宁县住房和城乡建设局"))
        .unwrap();
    assert!(parties.lines().any(|l| l == "城关镇人民政府"), "{parties}");
    h.state_mut().handle(Command::CloseDialog);
    h.state_mut().handle(Command::StartSurvey(c.id));
    h.run();
    let survey = &h.state().store().unwrap().surveys_of(c.id).unwrap()[0];
    assert_eq!(survey.surveyors, "王海燕");

    // Ctrl + raises the text size, and it is kept.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    h.run();
    let kept: Settings = toml::from_str(&std::fs::read_to_string(&settings_path).unwrap()).unwrap();
    assert!(kept.text_scale > 1.05, "{}", kept.text_scale);
    assert_eq!(h.state().settings().text_scale, kept.text_scale);
}

#[test]
fn a_backup_is_restored_after_a_confirmation_keeping_the_file_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let mut store = Store::open(&db).unwrap();
    store
        .save_compound(&crate::common::compound("甲小区"))
        .unwrap();
    drop(store);
    let mut h = harness(App::open(db.clone(), false));
    wait_until(&mut h, |h| !h.state().is_busy());
    h.state_mut()
        .handle(Command::Ui(UiCommand::RestoreFromBackup));
    h.run();
    h.get_by_role_and_label(A11y::Button, "立即备份").click();
    h.run();
    // The day's automatic backup (made on opening) and this one.
    assert_eq!(
        h.get_all_by_label_contains("1 个小区、0 份调查、0 次验收")
            .count(),
        2
    );
    assert!(h.query_by_label("每日自动").is_some() && h.query_by_label("手动").is_some());
    // A compound added after the backup.
    h.state_mut().send(Command::Ui(UiCommand::ShowRegister));
    h.run();
    let later = crate::common::compound("乙小区");
    h.state_mut()
        .store_mut()
        .unwrap()
        .save_compound(&later)
        .unwrap();
    h.state_mut()
        .handle(Command::Ui(UiCommand::RestoreFromBackup));
    h.run();
    let made = yanshou::store::backup::list_backups(&db, &Default::default());
    let manual = made
        .iter()
        .find(|b| b.reason == yanshou::store::backup::BackupReason::Manual)
        .unwrap();
    h.get_by_role_and_label(
        A11y::Button,
        &format!(
            "恢复 {} 手动备份",
            manual.made_at.format("%Y-%m-%d %H:%M:%S")
        ),
    )
    .click();
    h.run();
    assert!(h.query_by_label("确认从备份恢复").is_some());
    assert!(h.query_by_label_contains("备份中有 1 个小区").is_some());
    h.get_by_role_and_label(A11y::Button, "确认恢复").click();
    h.run_steps(2);
    wait_until(&mut h, |h| !h.state().is_busy());
    let names: Vec<String> = h
        .state()
        .store()
        .unwrap()
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(names, ["甲小区"]);
    let message = h.state().message().unwrap();
    assert!(message.text.contains("已从备份恢复"), "{message:?}");
    let backups = yanshou::store::backup::list_backups(&db, &Default::default());
    let before = backups
        .iter()
        .find(|b| b.reason == yanshou::store::backup::BackupReason::BeforeRestore)
        .unwrap();
    assert_eq!(
        yanshou::store::backup::count_records(&before.path)
            .unwrap()
            .0,
        2
    );
}

/// A file the county office creates calls itself the office (its unit), not 外业: the
/// exchange screen then offers 导出全部数据（设置新电脑） at once.
#[test]
fn a_file_the_office_creates_is_the_offices() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("县办.db");
    let mut app = App::open(db.clone(), false);
    app.use_settings(
        Loaded {
            settings: Settings {
                user_name: "李明".to_owned(),
                unit: "洛宁县住建局改造办".to_owned(),
                role: UserRole::Office,
                ..Settings::default()
            },
            first_run: false,
            warning: None,
        },
        dir.path().join("settings.toml"),
    );
    let mut h = harness(app);
    h.run();
    h.get_by_role_and_label(A11y::Button, "在此新建数据库")
        .click();
    wait_until(&mut h, |h| {
        !h.state().is_busy() && h.state().store().is_some()
    });
    let identity = h.state().store().unwrap().identity().unwrap().unwrap();
    assert_eq!(identity.name, "洛宁县住建局改造办");
    assert_eq!(identity.role, yanshou::model::sync::Role::Office);
    h.state_mut()
        .handle(Command::Show(yanshou::app::Screen::Exchange));
    h.run();
    assert!(h.query_by_label("导出全部数据（设置新电脑）…").is_some());
    assert!(
        h.query_by_label("导出本机改动（发给县办或其他电脑）…")
            .is_some()
    );
}

/// On a brand-new start, before any file exists, the first-run dialog still lists the
/// county's towns to choose the usual one from.
#[test]
fn the_first_run_lists_the_countys_towns_before_any_file_exists() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path().join("还没有.db"), false);
    app.use_settings(
        Loaded {
            settings: Settings::default(),
            first_run: true,
            warning: None,
        },
        dir.path().join("settings.toml"),
    );
    let mut h = harness(app);
    h.run();
    h.get_by_role_and_label(A11y::ComboBox, "常用乡镇").click();
    h.run();
    for town in ["城关镇", "城郊乡", "王范回族镇"] {
        assert!(h.query_by_label(town).is_some(), "{town} offered");
    }
}
