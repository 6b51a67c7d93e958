//! The register: adding, checking, deleting and filtering compounds; a refused file.

use crate::common::{self, ui::*};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::model::{Catalogue, ItemResult, Verdict, catalogue::COMPOUND_STANDARD, verdict_of};
use yanshou::store::Store;

#[test]
fn add_compound_inspect_every_item_and_see_the_verdict() {
    let mut h = harness(empty_app());

    // Add a compound.
    h.get_by_role_and_label(Role::Button, "新增小区").click();
    h.run();
    type_into(&mut h, "小区名称 *", "县水利局家属院");
    type_into(&mut h, "建成年份", "1995");
    type_into(&mut h, "户数", "96");
    type_into(&mut h, "或新建片区", "永宁片区");
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    let Screen::Compound(compound_id) = h.state().screen() else {
        panic!("expected the compound page, got {:?}", h.state().screen());
    };
    let saved = h
        .state()
        .store()
        .expect("store")
        .compound(compound_id)
        .expect("saved");
    assert_eq!(saved.name, "县水利局家属院");
    assert_eq!((saved.year_built, saved.households), (Some(1995), Some(96)));
    let clusters = h
        .state()
        .store()
        .expect("store")
        .clusters()
        .expect("clusters");
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].name, "永宁片区");
    assert_eq!(saved.cluster_id, Some(clusters[0].id));
    h.get_by_label("永宁片区"); // shown on the compound page

    // Start an inspection.
    start_round(&mut h, "开始验收", Some("王工"));
    assert_eq!(the_inspection(h.state()).items.len(), 13);
    h.get_by_label("已判定 0/13");

    // Tick all 13 items 合格.
    for item in Catalogue::current().items_of(COMPOUND_STANDARD) {
        h.get_by_label(&format!("{}：合格", item.text)).click();
        h.run();
    }
    h.get_by_label("已判定 13/13");
    h.get_by_label("合格"); // the live verdict
    let inspection = the_inspection(h.state());
    assert_eq!(
        verdict_of(&inspection.items),
        Verdict::Passed,
        "saved at once, no Save button"
    );

    // One item 不合格: the verdict turns and names it.
    h.get_by_label("有健身娱乐设施：不合格").click();
    h.run();
    h.get_by_label("不合格");
    h.get_by_label_contains("不合格项目：有健身娱乐设施（XQ-SY-03）");
    assert!(
        h.query_by_label("合格").is_none(),
        "the 合格 verdict is gone"
    );
    let inspection = the_inspection(h.state());
    assert_eq!(
        inspection.item("XQ-SY-03").expect("item").result,
        Some(ItemResult::Fail)
    );
    assert!(
        matches!(verdict_of(&inspection.items), Verdict::Failed { ref failing } if failing.len() == 1)
    );
}

#[test]
fn bad_compound_input_is_refused_beside_the_field() {
    let mut h = harness(empty_app());
    h.get_by_role_and_label(Role::Button, "新增小区").click();
    h.run();
    type_into(&mut h, "建成年份", "2999");
    type_into(&mut h, "户数", "-5");
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    h.get_by_label("请填写小区名称");
    h.get_by_label_contains("建成年份 2999 晚于今年");
    h.get_by_label("户数不能为负数");
    assert_eq!(h.state().screen(), Screen::Register, "still on the form");
    assert_eq!(
        h.state()
            .store()
            .expect("store")
            .compound_counts()
            .expect("n"),
        (0, 0)
    );

    // Fixing the fields saves.
    type_into(&mut h, "小区名称 *", "供销社家属楼");
    h.get_by_role_and_label(Role::TextInput, "建成年份").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "建成年份")
        .type_text("1988");
    h.run();
    h.get_by_role_and_label(Role::TextInput, "户数").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "户数")
        .type_text("40");
    h.run();
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    assert_eq!(
        h.state()
            .store()
            .expect("store")
            .compound_counts()
            .expect("n"),
        (1, 0)
    );
}

#[test]
fn deleting_asks_first() {
    let mut store = Store::open_in_memory().expect("store");
    common::store_with_inspection(&mut store, "待删小区");
    let mut h = harness(App::with_store(store, false));
    h.get_by_label("删除 待删小区").click();
    h.run();
    h.get_by_label_contains("1 条验收记录将一并删除");
    h.get_by_role_and_label(Role::Button, "取消").click();
    h.run();
    assert_eq!(
        h.state()
            .store()
            .expect("store")
            .compound_counts()
            .expect("n")
            .0,
        1
    );
    h.get_by_label("删除 待删小区").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "确认删除").click();
    h.run();
    assert_eq!(
        h.state()
            .store()
            .expect("store")
            .compound_counts()
            .expect("n")
            .0,
        0
    );
}

#[test]
fn a_foreign_file_opens_on_a_screen_that_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("foreign.db");
    std::fs::write(&path, "not a database").expect("write");
    let mut h = harness(App::open(path.clone(), false));
    assert_eq!(h.state().screen(), Screen::NoDatabase);
    h.get_by_label_contains("不是 SQLite 数据库文件");
    h.get_by_role_and_label(Role::Button, "打开数据库…");
    h.run();
    assert_eq!(std::fs::read(&path).expect("read"), b"not a database");
}

#[test]
fn the_register_filters_by_town_and_eligibility() {
    let mut store = Store::open_in_memory().expect("store");
    let towns = store.towns().expect("towns");
    for (name, town, year) in [
        ("甲小区", 0, 1990),
        ("乙小区", 1, 1995),
        ("丙小区", 0, 2010),
    ] {
        let mut c = common::compound(name);
        c.town_id = Some(towns[town].id);
        c.year_built = Some(year);
        store.save_compound(&c).expect("save");
    }
    let mut h = harness(App::with_store(store, false));
    h.get_by_label("共 3 个小区");
    h.get_by_role_and_label(Role::ComboBox, "乡镇").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "城关镇").click();
    h.run();
    h.get_by_label("显示 2 / 3 个小区");
    h.get_by_role_and_label(Role::ComboBox, "资格").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "不纳入").click();
    h.run();
    h.get_by_label("显示 1 / 3 个小区");
    h.get_by_label("丙小区");
    assert!(h.query_by_label("甲小区").is_none());
}

#[test]
fn at_900_pixels_the_register_shows_each_compounds_stage_and_every_action() {
    use yanshou::model::{Rectification, RectificationId};
    let mut store = Store::open_in_memory().expect("store");
    store
        .save_compound(&common::compound("未验小区"))
        .expect("save");
    let (_, id) = common::store_with_inspection(&mut store, "整改小区");
    common::pass_every_item(&mut store, id);
    store
        .record_result(id, "XQ-LZ-01", Some(ItemResult::Fail))
        .expect("fail");
    store
        .save_rectification(&Rectification {
            id: RectificationId::new(),
            inspection_id: id,
            item_code: "XQ-LZ-01".into(),
            requirement: "重新铺设".into(),
            responsible_unit: "施工单位".into(),
            deadline: chrono::Local::now().date_naive() + chrono::Days::new(10),
        })
        .expect("rectification");
    let (compound, done) = common::store_with_inspection(&mut store, "交付小区");
    common::pass_every_item(&mut store, done);
    common::sign_off_as_is(&mut store, done);

    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(900.0, 700.0))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::with_store(store, false),
        );
    h.run();
    for stage in ["尚未验收", "整改中", "已交付"] {
        h.get_by_label(stage);
    }
    // Every row's actions are on screen, inside the window.
    let delete = h.get_by_label("删除 交付小区").rect();
    assert!(delete.max.x <= 900.0, "{delete:?} is off the window");

    // Filtering by stage.
    h.get_by_role_and_label(Role::ComboBox, "验收状态").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "整改中").click();
    h.run();
    h.get_by_label("显示 1 / 3 个小区");
    h.get_by_label("整改小区");
    assert!(h.query_by_label("交付小区").is_none());

    // 打开 opens the compound's page.
    h.get_by_role_and_label(Role::ComboBox, "验收状态").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "已交付").click();
    h.run();
    h.get_by_label("打开 交付小区").click();
    h.run();
    assert_eq!(h.state().screen(), Screen::Compound(compound));
}

#[test]
fn a_likely_slip_or_a_twin_is_asked_about_before_saving() {
    let mut store = Store::open_in_memory().expect("store");
    let towns = store.towns().expect("towns");
    let mut existing = common::compound("供销社家属楼");
    existing.town_id = Some(towns[0].id);
    existing.address = "东街 3 号".to_owned();
    store.save_compound(&existing).expect("save");
    let mut h = harness(App::with_store(store, false));
    let count = |h: &egui_kittest::Harness<'_, App>| {
        h.state()
            .store()
            .expect("store")
            .compound_counts()
            .expect("n")
            .0
    };

    // The same name in the same town, with 0 households and 500 in 2 buildings: asked first.
    h.get_by_role_and_label(Role::Button, "新增小区").click();
    h.run();
    type_into(&mut h, "小区名称 *", "供销社家属楼");
    h.get_by_role_and_label(Role::ComboBox, "所属乡镇").click();
    h.run();
    h.get_by_role_and_label(Role::Button, &towns[0].name)
        .click();
    h.run();
    type_into(&mut h, "楼栋数", "2");
    type_into(&mut h, "户数", "0");
    h.get_by_role_and_label(Role::Button, "保存").click();
    h.run();
    h.get_by_label_contains("同一乡镇已有同名小区“供销社家属楼”（地址：东街 3 号）");
    h.get_by_label_contains("户数为 0");
    assert_eq!(count(&h), 1, "nothing saved yet");

    // Changing the households asks again about what is left.
    replace_text(&mut h, "户数", "500");
    h.get_by_role_and_label(Role::Button, "仍然保存").click();
    h.run();
    h.get_by_label_contains("户数 500 户远多于 2 栋楼");
    assert!(h.query_by_label_contains("户数为 0").is_none());
    assert_eq!(count(&h), 1, "a new warning is asked about first");

    // Confirmed: saved as typed.
    h.get_by_role_and_label(Role::Button, "仍然保存").click();
    h.run();
    assert_eq!(count(&h), 2);
}

#[test]
fn ctrl_n_adds_a_compound_wherever_the_menu_offers_it() {
    let mut store = Store::open_in_memory().expect("store");
    let (compound, id) = common::store_with_inspection(&mut store, "快捷键小区");
    let survey = store
        .start_survey(
            compound,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            "",
            yanshou::model::SurveyCatalogue::current(),
        )
        .expect("survey");
    let cluster = yanshou::model::Cluster {
        id: yanshou::model::ClusterId::new(),
        name: "快捷键片区".to_owned(),
        town_id: None,
        plan_year: None,
    };
    store.save_cluster(&cluster).expect("cluster");
    let mut app = App::with_store(store, false);
    for screen in [
        Screen::Register,
        Screen::Compound(compound),
        Screen::Inspection(id),
        Screen::Rectifications,
        Screen::Survey(survey.id),
        Screen::Cluster(cluster.id),
    ] {
        app.handle(yanshou::command::Command::Show(screen));
        let mut h = harness(app);
        wait_until(&mut h, |h| !h.state().is_busy());
        if let Screen::Inspection(_) = screen {
            // Even while typing a remark.
            h.get_by_role_and_label(Role::TextInput, "供水管路畅通 备注")
                .click();
            h.run();
        }
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
        h.run();
        assert!(
            h.query_by_role_and_label(Role::TextInput, "小区名称 *")
                .is_some(),
            "{screen:?}: the form is open"
        );
        app = h.into_state();
        app.handle(yanshou::command::Command::CloseDialog);
    }
}

#[test]
fn a_large_register_shows_its_first_rows_at_once_and_the_rest_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = yanshou::store::Store::open(&dir.path().join("large.db")).unwrap();
    let compounds: Vec<yanshou::model::Compound> = (0..3500)
        .map(|i| crate::common::compound(&format!("第{i:05}号小区")))
        .collect();
    store.insert_compounds(&compounds).unwrap();
    let app = yanshou::app::App::with_store(store, false);
    // Before any frame: the first hundred are there, the rest being read.
    let yanshou::ui::Page::Register(view) = app.page() else {
        panic!("not the register: {:?}", app.screen());
    };
    assert_eq!((view.rows().len(), view.partial_of), (100, Some(3500)));
    assert_eq!(view.rows()[0].compound.name, "第00000号小区");
    let mut h = harness(app);
    crate::common::ui::wait_until(&mut h, |h| !h.state().is_busy());
    h.run();
    assert!(h.query_by_label("共 3500 个小区").is_some());
}

/// Opening a compound shows it from its head, wherever the page of the one before was
/// scrolled to (it landed half-way down, at 改造进程, with the details out of view).
#[test]
fn opening_a_compound_starts_at_its_head() {
    let mut store = Store::open_in_memory().expect("store");
    let first = common::compound("先看的小区");
    let second = common::compound("后看的小区");
    store.save_compound(&first).expect("save");
    store.save_compound(&second).expect("save");
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1024.0, 600.0))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(
            |ui, app: &mut App| app.show(ui),
            App::with_store(store, false),
        );
    // The 编辑 button stands beside the page's heading (the name itself shows in the
    // breadcrumbs too).
    let head_y = |h: &egui_kittest::Harness<'_, App>| {
        h.get_by_role_and_label(Role::Button, "编辑").rect().min.y
    };
    h.state_mut()
        .handle(yanshou::command::Command::Show(Screen::Compound(first.id)));
    h.run();
    let top = head_y(&h);
    // The wheel turned over the page, as a user scrolls down to 改造进程.
    h.hover_at(egui::pos2(500.0, 400.0));
    for _ in 0..20 {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -200.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        });
        h.run();
    }
    h.run();
    assert!(head_y(&h) < top - 100.0, "the first page scrolled down");
    h.state_mut()
        .handle(yanshou::command::Command::Show(Screen::Compound(second.id)));
    h.run();
    h.run();
    let head = head_y(&h);
    assert!(
        (head - top).abs() < 1.0,
        "the second compound's head at the page's top: {head} (first was at {top})"
    );
}

/// The register lists names in pinyin order (公安局, 交通局, 农业局), not by character code
/// (交通局, 公安局, 农业局).
#[test]
fn the_register_sorts_names_in_pinyin_order() {
    let mut store = Store::open_in_memory().expect("store");
    for name in ["交通局家属院", "农业局家属院", "公安局家属院"] {
        store.save_compound(&common::compound(name)).expect("save");
    }
    let mut h = harness(App::with_store(store, false));
    h.run();
    let y = |h: &egui_kittest::Harness<'_, App>, name: &str| h.get_by_label(name).rect().min.y;
    let (gong, jiao, nong) = (
        y(&h, "公安局家属院"),
        y(&h, "交通局家属院"),
        y(&h, "农业局家属院"),
    );
    assert!(gong < jiao && jiao < nong, "{gong} {jiao} {nong}");
}

/// On a 1024×600 laptop at text size 1.2 and 1.5 (a harness of 1024/size × 600/size points),
/// a compound's acceptances can still be opened and printed: their buttons are inside the
/// window (they were past its right edge).
#[test]
fn at_1024_by_600_and_large_text_an_acceptance_opens_and_prints_from_its_compound() {
    for scale in [1.2_f32, 1.5] {
        let mut store = Store::open_in_memory().expect("store");
        let (compound, id) = common::store_with_inspection(&mut store, "小屏幕小区");
        common::pass_every_item(&mut store, id);
        let width = 1024.0 / scale;
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(width, 600.0 / scale))
            .with_context_setup(yanshou::ui::setup)
            .build_ui_state(
                |ui, app: &mut App| app.show(ui),
                App::with_store(store, false),
            );
        h.run();
        // The register's filter labels are whole, each on one line.
        let phase = h.get_by_label("改造进程").rect();
        assert!(
            phase.height() < 30.0 && phase.width() > 40.0,
            "text size {scale}: {phase:?}"
        );
        h.state_mut()
            .handle(yanshou::command::Command::Show(Screen::Compound(compound)));
        h.run();
        for button in ["打开验收", "导出验收单"] {
            let node = h.get_by_label_contains(button);
            node.scroll_to_me();
            h.run();
            let rect = h.get_by_label_contains(button).rect();
            assert!(
                rect.max.x <= width && rect.min.x >= 0.0,
                "text size {scale}: {button} at {rect:?}, window {width} wide"
            );
        }
    }
}

/// A message longer than the status bar is cut with “…”, its close button still on screen
/// (the button went past the window's edge with the rest of the message).
#[test]
fn a_long_message_keeps_its_close_button_on_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let package = dir.path().join(format!(
        "{}.yspkg",
        "城关镇王海燕的笔记本电脑导出的外业数据包".repeat(4)
    ));
    let mut app = App::open(dir.path().join("新.db"), false);
    app.send(yanshou::command::Command::ImportPackage(package));
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(900.0, 600.0))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app);
    h.run();
    h.run();
    assert!(
        h.state()
            .message()
            .is_some_and(|m| m.text.chars().count() > 100)
    );
    let close = h.get_by_role_and_label(Role::Button, "知道了").rect();
    assert!(close.max.x <= 900.0, "{close:?}");
}

/// The funding checks of 五、（一） show in the register, where the office looks, and filter it.
#[test]
fn the_register_flags_and_filters_compounds_whose_funding_breaks_the_rules() {
    use yanshou::model::funding::{Funding, RedLine, Source, Works};
    use yanshou::store::funding::Funded;
    let mut store = Store::open_in_memory().unwrap();
    let flagged = common::compound("超标小区");
    let fine = common::compound("正常小区");
    store.save_compound(&flagged).unwrap();
    store.save_compound(&fine).unwrap();
    store
        .add_funding(
            Funded::Compound(flagged.id),
            &Funding {
                id: Default::default(),
                year: 2022,
                source: Source::Central,
                project: "雨污分流".to_owned(),
                red_line: Some(RedLine::Inside),
                amount_fen: 9_500_000,
                project_total_fen: Some(10_000_000),
                works: Works::ordinary(),
                tied: true,
                note: String::new(),
            },
        )
        .unwrap();
    let mut h = harness(app_on(store, Screen::Register));
    h.run();
    h.get_by_label("资金核查");
    h.get_by_label("1 项问题");
    h.get_by_label("正常小区");
    h.get_by_label("只看资金核查有问题的").click();
    h.run();
    h.get_by_label("超标小区");
    assert!(h.query_by_label("正常小区").is_none());
}

/// Copy and paste inside the app: what is selected in a field goes out as the system's copy
/// (eframe hands it to the clipboard; tests/desktop.rs checks that end with xclip), and
/// pasted text lands in the focused field.
#[test]
fn text_copied_from_one_field_and_pasted_into_another_arrives() {
    let mut h = harness(empty_app());
    h.get_by_role_and_label(Role::Button, "新增小区").click();
    h.run();
    type_into(&mut h, "小区名称 *", "县水利局家属院");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.event(egui::Event::Copy);
    h.step();
    let copied: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(copied, ["县水利局家属院"]);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "地址").click();
    h.run();
    h.event(egui::Event::Paste("城关镇永宁大道 12 号".to_owned()));
    h.run();
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "地址")
            .value()
            .as_deref(),
        Some("城关镇永宁大道 12 号")
    );
}
