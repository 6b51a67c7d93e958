//! UI flows driven headlessly through AccessKit with egui_kittest (no GPU).
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

mod common;

use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::model::{Catalogue, ItemResult, Verdict, catalogue::COMPOUND_STANDARD, verdict_of};
use yanshou::store::Store;

fn harness(app: App) -> Harness<'static, App> {
    // Tall enough that all 13 checklist items are on screen at once, so that clicks land
    // where a user's would without scrolling.
    harness_sized(app, 2400.0)
}

fn harness_sized(app: App, height: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .with_context_setup(yanshou::ui::setup)
        .build_ui_state(|ui, app: &mut App| app.show(ui), app)
}

fn empty_app() -> App {
    App::with_store(Store::open_in_memory().expect("store"), false)
}

fn type_into(h: &mut Harness<'_, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Replaces the path field's text (as typed by a user) and confirms.
fn submit_path(h: &mut Harness<'_, App>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "文件路径").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, "文件路径")
        .type_text(text);
    h.run();
    h.get_by_role_and_label(Role::Button, "确定").click();
}

/// Steps (the UI repaints while a background task runs) until a message shows and the task is done.
fn wait_for_background(h: &mut Harness<'_, App>) {
    for _ in 0..500 {
        h.step();
        if h.state().message().is_some() && !h.state().is_exporting() && !h.state().is_importing() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the background task did not finish");
}

fn the_inspection(app: &App) -> yanshou::model::Inspection {
    let Screen::Inspection(id) = app.screen() else {
        panic!("not on the checklist: {:?}", app.screen());
    };
    app.store()
        .expect("store")
        .inspection(id)
        .expect("inspection")
}

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
    h.get_by_role_and_label(Role::Button, "开始验收").click();
    h.run();
    type_into(&mut h, "验收人员", "王工");
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
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
fn the_keyboard_decides_items_and_moves_on() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "键盘小区");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(id));
    let mut h = harness(app);

    h.key_press(egui::Key::Num1); // item 1 合格, selection moves to item 2
    h.run();
    h.key_press(egui::Key::Num2); // item 2 不合格
    h.run();
    h.key_press(egui::Key::ArrowUp); // back to item 2
    h.run();
    h.key_press(egui::Key::ArrowDown); // item 3
    h.run();
    h.key_press(egui::Key::Num3); // item 3 不适用
    h.run();
    h.key_press(egui::Key::ArrowUp);
    h.run();
    h.key_press(egui::Key::Num0); // clear item 3
    h.run();

    let i = the_inspection(h.state());
    let results: Vec<Option<ItemResult>> = i.items.iter().take(4).map(|i| i.result).collect();
    assert_eq!(
        results,
        vec![Some(ItemResult::Pass), Some(ItemResult::Fail), None, None]
    );
    h.get_by_label("已判定 2/13");
}

#[test]
fn a_remark_is_saved_as_it_is_typed() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "备注小区");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(id));
    let mut h = harness(app);
    h.get_by_label("供暖管路畅通：不适用").click();
    h.run();
    h.get_by_label_contains("须在备注中注明理由");
    type_into(&mut h, "供暖管路畅通 备注", "无集中供暖管网");
    let item = the_inspection(h.state())
        .item("XQ-ST-04")
        .expect("item")
        .clone();
    assert_eq!(item.result, Some(ItemResult::NotApplicable));
    assert_eq!(item.remark, "无集中供暖管网");
    assert!(h.query_by_label_contains("须在备注中注明理由").is_none());
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
fn without_a_file_dialog_a_path_field_is_offered_and_export_runs_in_the_background() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "导出小区");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(id));
    let mut h = harness(app);
    h.get_by_role_and_label(Role::Button, "导出验收单 PDF…")
        .click();
    h.run();
    h.get_by_label_contains("未找到系统文件对话框");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sheet.pdf");
    submit_path(&mut h, out.to_str().expect("utf-8"));
    wait_for_background(&mut h);
    assert!(out.is_file(), "the sheet was written");
    let message = h.state().message().expect("a message").clone();
    assert!(
        !message.is_error && message.text.contains("已导出"),
        "{message:?}"
    );
    assert!(std::fs::read(&out).expect("read").starts_with(b"%PDF"));
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
fn town_staff_fill_in_a_survey_and_see_eligibility_and_needs() {
    use yanshou::model::{Condition, Eligibility, EligibilityFacts, SurveyCatalogue, assess};
    let mut store = Store::open_in_memory().expect("store");
    let mut c = common::compound("调查小区");
    c.year_built = Some(2000);
    c.households = Some(60);
    store.save_compound(&c).expect("save");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowCompound(c.id));
    // The whole survey form (45 items) on one screen.
    let mut h = harness_sized(app, 6000.0);

    h.get_by_role_and_label(Role::Button, "开始调查").click();
    h.run();
    let Screen::Survey(survey_id) = h.state().screen() else {
        panic!("expected the survey form, got {:?}", h.state().screen());
    };
    h.get_by_label("已填 0/52");
    type_into(&mut h, "调查人", "赵干事");
    type_into(&mut h, "楼层数", "6");
    h.get_by_label("房屋结构安全：安全").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "不宜拆除重建")
        .click();
    h.run();
    type_into(&mut h, "同意改造户数", "50");
    // A bad value is refused beside its field and not saved.
    type_into(&mut h, "建筑面积（㎡）", "很大");
    h.get_by_label_contains("建筑面积应为数字");
    h.get_by_label("照明：需改造").click();
    h.run();
    h.get_by_label("路灯不亮").click();
    h.run();
    h.get_by_label("居民公约：缺失").click();
    h.run();
    h.get_by_label("已填 6/52");
    h.get_by_label("纳入改造范围");

    let store = h.state().store().expect("store");
    let survey = store.survey(survey_id).expect("saved at once");
    assert_eq!(survey.surveyors, "赵干事");
    assert_eq!(survey.floors, Some(6));
    assert_eq!(survey.floor_area, None, "the bad value was not saved");
    assert_eq!(survey.households_in_favour, Some(50));
    let lights = survey.item("JC-11").expect("item");
    assert_eq!(lights.condition, Some(Condition::NeedsRenovation));
    assert!(lights.problems.contains("LT-01"));
    let compound = store.compound(c.id).expect("compound");
    let report = assess(&EligibilityFacts::gather(
        compound.year_built,
        false,
        compound.households,
        Some(&survey),
    ));
    assert_eq!(report.status, Eligibility::Eligible);
    assert_eq!(survey.catalogue_version, SurveyCatalogue::current().version);

    // The compound page lists the needs by category.
    h.state_mut()
        .handle(yanshou::command::Command::ShowCompound(c.id));
    h.run();
    h.get_by_label("配套基础设施");
    h.get_by_label_contains("照明（需改造）：路灯不亮");
    h.get_by_label_contains("居民公约（缺失）");
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
fn a_cluster_survey_records_the_fifteen_minute_circle() {
    use yanshou::model::{Cluster, ClusterId};
    let mut store = Store::open_in_memory().expect("store");
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".into(),
        town_id: None,
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster).expect("cluster");
    let mut member = common::compound("片区成员小区");
    member.cluster_id = Some(cluster.id);
    store.save_compound(&member).expect("member");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowCluster(cluster.id));
    let mut h = harness(app);
    h.get_by_label("片区成员小区");
    h.get_by_role_and_label(Role::Button, "开始片区调查")
        .click();
    h.run();
    h.get_by_label("乐养居：有").click();
    h.run();
    type_into(&mut h, "乐养居 名称", "永宁乐养居");
    type_into(&mut h, "乐养居 步行分钟", "8");
    type_into(&mut h, "公共厕所 步行分钟", "很远");
    h.get_by_label_contains("步行分钟应为");
    h.get_by_label_contains("具备 1/9 项");
    let surveys = h
        .state()
        .store()
        .expect("store")
        .cluster_surveys_of(cluster.id)
        .expect("surveys");
    let f = &surveys[0].facilities[1];
    assert_eq!(
        (f.present, f.name.as_str(), f.walking_minutes),
        (Some(true), "永宁乐养居", Some(8))
    );
    assert_eq!(
        surveys[0].facilities[4].walking_minutes, None,
        "bad input not saved"
    );
}

#[test]
fn every_party_signs_and_the_inspection_is_locked() {
    use yanshou::model::SignMethod;
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "签字小区");
    common::pass_every_item(&mut store, id);
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(id));
    let mut h = harness_sized(app, 3600.0);
    h.get_by_label("参加单位签字");
    h.get_by_label_contains("尚需：建设单位尚未签字");

    // The first unit signs on the pad with the mouse.
    type_into(&mut h, "建设单位 签字人", "张三");
    let pad = h.get_by_label("建设单位 签名板").rect();
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
    h.get_by_label("建设单位：确认签字").click();
    h.run();
    // The others sign the paper sheet.
    for unit in ["施工单位", "监理单位"] {
        type_into(&mut h, &format!("{unit} 签字人"), "李四");
        h.get_by_label(&format!("{unit}：纸质签字")).click();
        h.run();
    }
    let signatures = h
        .state()
        .store()
        .expect("store")
        .signatures(id)
        .expect("signatures");
    assert_eq!(signatures.len(), 3);
    assert_eq!(signatures[0].signer, "张三");
    let SignMethod::Drawn(strokes) = &signatures[0].method else {
        panic!("expected strokes, got {:?}", signatures[0].method);
    };
    assert!(strokes[0].len() >= 5, "{strokes:?}");
    assert_eq!(signatures[1].method, SignMethod::WetInk);

    h.get_by_role_and_label(Role::Button, "完成签字并锁定")
        .click();
    h.run();
    let inspection = h
        .state()
        .store()
        .expect("store")
        .inspection(id)
        .expect("inspection");
    assert!(inspection.is_signed_off());
    h.get_by_label_contains("已签字确认");
    let code = yanshou::model::signoff::short_code(inspection.seal.as_deref().expect("sealed"));
    let message = h.state().message().expect("a message").text.clone();
    assert!(message.contains(&code), "{message}");

    // Read-only now: the buttons are disabled and the keyboard does nothing.
    h.get_by_label("电线全部入地入槽：不合格").click();
    h.run();
    h.key_press(egui::Key::Num2);
    h.run();
    let after = h
        .state()
        .store()
        .expect("store")
        .inspection(id)
        .expect("inspection");
    assert_eq!(after.items, inspection.items);
}

#[test]
fn the_verify_dialog_checks_a_printed_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sample.db");
    let mut store = Store::open(&path).expect("store");
    yanshou::sample::write_sample(&mut store, false).expect("sample");
    let sealed = store
        .all_inspections()
        .expect("list")
        .into_iter()
        .find_map(|l| store.inspection(l.summary.id).ok()?.seal)
        .expect("the sample has a sealed inspection");
    let code = yanshou::model::signoff::short_code(&sealed);
    let mut h = harness(App::with_store(store, false));
    h.state_mut().send(yanshou::command::Command::VerifyCode);
    h.run();
    type_into(&mut h, "校验码", &code.to_lowercase());
    h.get_by_role_and_label(Role::Button, "核验").click();
    h.run();
    h.get_by_label_contains("一致：示例·县水利局家属院");
    type_into(&mut h, "校验码", "00");
    h.get_by_role_and_label(Role::Button, "核验").click();
    h.run();
    h.get_by_label_contains("没有校验码");
}

#[test]
fn a_failed_item_gets_a_rectification_and_a_reinspection_closes_it() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = common::store_with_inspection(&mut store, "整改小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
        .expect("fail");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(first));
    let mut h = harness_sized(app, 3600.0);

    h.get_by_label("路沿齐整：下达整改").click();
    h.run();
    type_into(&mut h, "路沿齐整 整改要求", "更换破损路缘石");
    type_into(&mut h, "路沿齐整 责任单位", "施工单位");
    h.get_by_label("路沿齐整：保存整改").click();
    h.run();
    h.get_by_label_contains("整改：更换破损路缘石（施工单位");
    let chain = h
        .state()
        .store()
        .expect("store")
        .chain_of(first)
        .expect("chain");
    let rects = h
        .state()
        .store()
        .expect("store")
        .rectifications_of(&chain)
        .expect("rectifications");
    assert_eq!(rects.len(), 1);
    assert_eq!(rects[0].responsible_unit, "施工单位");

    // Re-inspection: only the open item, and the verdict follows it.
    h.get_by_role_and_label(Role::Button, "开始复验").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
    let Screen::Inspection(second) = h.state().screen() else {
        panic!("expected the re-inspection, got {:?}", h.state().screen());
    };
    assert_ne!(second, first);
    h.get_by_label("已判定 0/1");
    h.get_by_label("路沿齐整：合格").click();
    h.run();
    h.get_by_label_contains("整体结论（按最新一轮）");
    let chain = h
        .state()
        .store()
        .expect("store")
        .chain_of(first)
        .expect("chain");
    assert_eq!(chain.rounds.len(), 2);
    assert_eq!(verdict_of(&chain.effective_items()), Verdict::Passed);
    assert!(
        h.state()
            .store()
            .expect("store")
            .open_rectifications(chrono::Local::now().date_naive())
            .expect("list")
            .is_empty(),
        "the rectification is closed by the passing re-inspection"
    );
}

#[test]
fn photos_are_added_from_files_in_the_background_and_shown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("健身器材.jpg");
    let picture = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 60])
    });
    picture.save(&good).expect("write jpeg");
    let bad = dir.path().join("说明.jpg");
    std::fs::write(&bad, "不是照片").expect("write");

    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "照片小区");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(id));
    let mut h = harness_sized(app, 3600.0);

    h.get_by_label("有健身娱乐设施：添加照片").click();
    h.run();
    submit_path(&mut h, &format!("{};{}", good.display(), bad.display()));
    wait_for_background(&mut h);
    let message = h.state().message().expect("a message").clone();
    assert!(message.text.contains("已添加 1 张照片"), "{message:?}");
    assert!(
        message.text.contains("说明.jpg") && message.text.contains("不是可识别的照片"),
        "{message:?}"
    );
    let photos = h
        .state()
        .store()
        .expect("store")
        .photos_of(id)
        .expect("photos");
    assert_eq!(photos.len(), 1);
    assert_eq!((photos[0].width, photos[0].height), (1600, 1200));
    assert_eq!(photos[0].item_code, "XQ-SY-03");

    h.get_by_label("有健身娱乐设施 照片 1").click();
    h.run();
    h.get_by_label("照片（1600×1200）");
}

/// The sample data in a file, the app on the sample cluster's page.
fn sample_cluster_page() -> (
    tempfile::TempDir,
    yanshou::model::ClusterId,
    Harness<'static, App>,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("s.db")).expect("store");
    yanshou::sample::write_sample(&mut store, false).expect("sample");
    let cluster = store.clusters().expect("clusters")[0].id;
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowCluster(cluster));
    (dir, cluster, harness(app))
}

#[test]
fn a_cluster_batch_export_writes_every_signed_sheet() {
    let (dir, _, mut h) = sample_cluster_page();
    h.get_by_role_and_label(Role::Button, "批量导出已签字验收单…")
        .click();
    h.run();
    let out = dir.path().join("导出");
    submit_path(&mut h, out.to_str().expect("utf-8"));
    wait_for_background(&mut h);
    let message = h.state().message().expect("a message").clone();
    assert!(message.text.contains("已导出"), "{message:?}");
    let files: Vec<_> = std::fs::read_dir(&out).expect("folder").collect();
    assert_eq!(files.len(), 1, "the sample cluster has one signed sheet");
}

#[test]
fn a_cluster_acceptance_shows_its_members_and_the_overall_sheet_exports() {
    let (dir, cluster, mut h) = sample_cluster_page();
    h.get_by_label("小区验收合格并交付 1/2 个");
    h.get_by_label_contains("尚未合格：示例·供销社家属楼（尚未验收）");

    h.get_by_role_and_label(Role::Button, "开始片区验收")
        .click();
    h.run();
    h.get_by_label_contains("共 30 项");
    type_into(&mut h, "验收人员", "县验收组");
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
    let inspection = the_inspection(h.state());
    assert_eq!(
        inspection.subject,
        yanshou::model::Subject::Cluster(cluster)
    );
    assert_eq!(inspection.items.len(), 30);
    h.get_by_label_contains("片区内小区验收情况：合格并交付 1/2");
    h.get_by_label("尚未验收");
    h.get_by_label("线路网路多杆合一：合格").click();
    h.run();
    assert_eq!(
        the_inspection(h.state()).items[0].result,
        Some(ItemResult::Pass)
    );
    // Every item 合格 by keyboard (from the clicked first item on): still 未完成, and
    // sign-off says why.
    for _ in 0..30 {
        h.key_press(egui::Key::Num1);
        h.run();
    }
    assert_eq!(the_inspection(h.state()).decided_count(), 30);
    h.get_by_label_contains("小区尚未全部验收合格：示例·供销社家属楼（尚未验收）");
    h.get_by_label_contains("片区验收不能判定合格：示例·供销社家属楼（尚未验收）");

    // Back on the cluster page, the office exports the 综合验收汇总表.
    h.state_mut()
        .handle(yanshou::command::Command::ShowCluster(cluster));
    h.run();
    assert_eq!(
        h.query_all_by_label("第 1 轮 · 首次验收").count(),
        2,
        "the sample's round and the new one"
    );
    h.get_by_role_and_label(Role::Button, "导出综合验收汇总表 PDF…")
        .click();
    h.run();
    let out = dir.path().join("汇总.pdf");
    submit_path(&mut h, out.to_str().expect("utf-8"));
    wait_for_background(&mut h);
    let text = common::pdf_text(&std::fs::read(&out).expect("written"));
    assert!(text.contains(yanshou::export::OVERALL_TITLE), "{text}");
    assert!(text.contains("示例·县水利局家属院"), "{text}");
}

#[test]
fn a_signed_inspection_is_corrected_by_a_new_round() {
    let mut store = Store::open_in_memory().expect("store");
    yanshou::sample::write_sample(&mut store, false).expect("sample");
    let signed = store
        .all_inspections()
        .expect("list")
        .into_iter()
        .find(|l| l.summary.signed_off)
        .expect("the sample has a signed inspection")
        .summary
        .id;
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(signed));
    let mut h = harness(app);
    h.get_by_role_and_label(Role::Button, "更正（新建一轮）…")
        .click();
    h.run();
    h.get_by_label("更正已签字的验收记录");
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
    h.get_by_label("请填写更正原因");
    h.get_by_role_and_label(Role::MultilineTextInput, "更正原因")
        .click();
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "更正原因")
        .type_text("第 5 项误记");
    h.run();
    h.get_by_role_and_label(Role::Button, "开始").click();
    h.run();
    let round = the_inspection(h.state());
    assert_eq!(round.kind, yanshou::model::RoundKind::Correction);
    assert_eq!(round.parent_id, Some(signed));
    assert_eq!(round.reason, "第 5 项误记");
    assert_eq!(
        round.decided_count(),
        13,
        "starts from the corrected findings"
    );
    h.get_by_label_contains("第 2 轮更正");
    h.get_by_label("更正原因：第 5 项误记");
    // The original stays sealed and unchanged.
    assert!(matches!(
        h.state()
            .store()
            .expect("store")
            .check_seal(signed)
            .expect("check"),
        yanshou::model::SealCheck::Intact { .. }
    ));
}

#[test]
fn a_reinspection_shows_each_items_photos_from_before() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = common::store_with_inspection(&mut store, "前后小区");
    store
        .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
        .expect("fail");
    let jpeg = |name: &str| {
        let mut bytes = std::io::Cursor::new(Vec::new());
        image::RgbImage::from_pixel(400, 300, image::Rgb([120, 90, 60]))
            .write_to(&mut bytes, image::ImageFormat::Jpeg)
            .expect("encode");
        yanshou::photo::prepare(&bytes.into_inner(), name).expect("prepare")
    };
    store
        .add_photos(first, "XQ-LZ-02", &[jpeg("破损.jpg")])
        .expect("before");
    let second = store
        .start_reinspection(
            first,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
            "王工",
            &["建设单位".to_owned()],
        )
        .expect("reinspection");
    store
        .add_photos(second, "XQ-LZ-02", &[jpeg("修复.jpg")])
        .expect("after");
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowInspection(second));
    let h = harness(app);
    h.get_by_label("路沿齐整 整改前照片 1");
    h.get_by_label("整改前（第 1 轮）");
    h.get_by_label("整改后：");
    h.get_by_label("路沿齐整 照片 1");
}

#[test]
fn a_signed_cluster_is_batch_exported_and_later_member_changes_are_shown() {
    use yanshou::model::{Cluster, ClusterId, Subject};
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let mut store = Store::open(&db).expect("store");
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".into(),
        town_id: None,
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster).expect("cluster");
    let mut members = Vec::new();
    for name in ["甲小区", "乙小区"] {
        let mut c = common::compound(name);
        c.cluster_id = Some(cluster.id);
        store.save_compound(&c).expect("member");
        members.push(c);
    }
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let parties = vec!["县住建局".to_owned()];
    for subject in [
        Subject::Compound(members[0].id),
        Subject::Compound(members[1].id),
        Subject::Cluster(cluster.id),
    ] {
        let id = store
            .start_inspection(subject, Catalogue::current(), date, "王工", &parties)
            .expect("start");
        for item in store.inspection(id).expect("round").items {
            store
                .record_result(id, &item.standard.code, Some(ItemResult::Pass))
                .expect("tick");
        }
        common::sign_off_as_is(&mut store, id);
    }
    let mut app = App::with_store(store, false);
    app.handle(yanshou::command::Command::ShowCluster(cluster.id));
    let mut h = harness(app);
    h.get_by_label("小区验收合格并交付 2/2 个");
    h.get_by_role_and_label(Role::Button, "批量导出已签字验收单…")
        .click();
    h.run();
    let out = dir.path().join("导出");
    submit_path(&mut h, out.to_str().expect("utf-8"));
    wait_for_background(&mut h);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "小区验收单-乙小区-2026-11-20-第1轮.pdf".to_owned(),
            "小区验收单-甲小区-2026-11-20-第1轮.pdf".to_owned(),
            "片区验收单-永宁片区-2026-11-20-第1轮.pdf".to_owned(),
        ]
    );

    // 乙小区 leaves the cluster (another window, the same file): the signed cluster
    // acceptance says so on the cluster page and on its checklist.
    let mut moved = members[1].clone();
    moved.cluster_id = None;
    Store::open(&db)
        .expect("second connection")
        .save_compound(&moved)
        .expect("move");
    h.state_mut()
        .handle(yanshou::command::Command::ShowCluster(cluster.id));
    h.run();
    h.get_by_label_contains("片区验收签字确认后，小区情况已有变化：乙小区已不在片区内");
    let round = h
        .state()
        .store()
        .expect("store")
        .newest_inspection(Subject::Cluster(cluster.id))
        .expect("query")
        .expect("a round");
    h.state_mut()
        .handle(yanshou::command::Command::ShowInspection(round));
    h.run();
    h.get_by_label_contains("签字确认后片区小区情况已有变化：乙小区已不在片区内");
}
