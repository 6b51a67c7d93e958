//! The checklist: ticking by mouse and keyboard, remarks, exports, rectification and re-inspection, photos.

use crate::common::{self, ui::*};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::command::Command;
use yanshou::model::{ItemResult, Verdict, verdict_of};
use yanshou::store::Store;

#[test]
fn the_keyboard_decides_items_and_moves_on() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "键盘小区");
    let app = app_on(store, Screen::Inspection(id));
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
    let app = app_on(store, Screen::Inspection(id));
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
fn without_a_file_dialog_a_path_field_is_offered_and_export_runs_in_the_background() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "导出小区");
    let app = app_on(store, Screen::Inspection(id));
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
fn a_failed_item_gets_a_rectification_and_a_reinspection_closes_it() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = common::store_with_inspection(&mut store, "整改小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
        .expect("fail");
    let app = app_on(store, Screen::Inspection(first));
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

    // The notice for the units goes out from here.
    let dir = tempfile::tempdir().expect("tempdir");
    let notice = dir.path().join("整改通知单.pdf");
    export_to(&mut h, "导出整改通知单 PDF…", &notice);
    let text = common::pdf_text(&std::fs::read(&notice).expect("notice written"));
    assert!(
        text.contains("整改通知单") && text.contains("更换破损路缘石"),
        "{text}"
    );
    // A single round has no 验收总表 yet: its sheet is the whole story.
    assert!(h.query_by_label("导出验收总表 PDF…").is_none());

    // Rounds close in order: no re-inspection before this round is signed and locked.
    assert!(h.query_by_label("开始复验").is_none());
    sign_off_on_paper(&mut h, &["建设单位", "施工单位", "监理单位"]);
    assert!(
        h.state()
            .store()
            .expect("store")
            .inspection(first)
            .expect("round 1")
            .is_signed_off()
    );

    // Re-inspection: only the open item, and the verdict follows it.
    start_round(&mut h, "开始复验", None);
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

    // The whole acceptance on one sheet: every item, each round's finding, the final verdict.
    let whole = dir.path().join("验收总表.pdf");
    export_to(&mut h, "导出验收总表 PDF…", &whole);
    let text = common::pdf_text(&std::fs::read(&whole).expect("final sheet written"));
    for expected in [
        "验收总表",
        "经2轮验收，共13项",
        "最终结论：合格",
        "已复验合格",
        "草稿",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
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
    let app = app_on(store, Screen::Inspection(id));
    let mut h = harness_sized(app, 3600.0);

    h.get_by_label("有健身娱乐设施：添加照片").click();
    h.run();
    submit_path(&mut h, &format!("{};{}", good.display(), bad.display()));
    wait_for_background(&mut h);
    let message = h.state().message().expect("a message").clone();
    assert!(message.text.contains("已添加 1 张照片"), "{message:?}");
    // The file that is not a photo is named beside the item it was meant for.
    h.get_by_label_contains("说明.jpg");
    h.get_by_label_contains("不是可识别的照片");
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
    // The photo is read and decoded in the background.
    wait_until(&mut h, |h| h.query_by_label("照片（1600×1200）").is_some());
    h.get_by_label("照片（1600×1200）");
}

#[test]
fn a_reinspection_shows_each_items_photos_from_before() {
    let mut store = Store::open_in_memory().expect("store");
    let (_, first) = common::store_with_inspection(&mut store, "前后小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
        .expect("fail");
    store
        .add_photos(first, "XQ-LZ-02", &[prepared_photo("破损.jpg")])
        .expect("before");
    common::sign_off_as_is(&mut store, first);
    let second = store
        .start_reinspection(
            first,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
            "王工",
            &["建设单位".to_owned()],
        )
        .expect("reinspection");
    store
        .add_photos(second, "XQ-LZ-02", &[prepared_photo("修复.jpg")])
        .expect("after");
    let app = app_on(store, Screen::Inspection(second));
    let h = harness(app);
    h.get_by_label("路沿齐整 整改前照片 1");
    h.get_by_label("整改前（第 1 轮）");
    h.get_by_label("整改后：");
    h.get_by_label("路沿齐整 照片 1");
}

#[test]
fn the_compound_page_says_what_is_still_needed_before_hand_over() {
    let mut store = Store::open_in_memory().expect("store");
    let (compound, id) = common::store_with_inspection(&mut store, "交付小区");
    common::pass_every_item(&mut store, id);
    store
        .sign(id, 0, "张三", &yanshou::model::SignMethod::WetInk)
        .expect("sign");
    let app = app_on(store, Screen::Compound(compound));
    let h = harness(app);
    h.get_by_label("交付前还需：");
    h.get_by_label_contains("✔ 验收结论合格");
    h.get_by_label_contains(
        "✘ 第 1 轮（2026年11月20日）尚未签字锁定：施工单位尚未签字；监理单位尚未签字",
    );
    assert!(h.query_by_label("已交付").is_none());
}

#[test]
fn a_file_dialog_waits_on_its_own_thread_and_opens_beside_the_database() {
    use std::sync::mpsc::channel;
    use std::sync::{Arc, Mutex};
    use yanshou::app::{FileKind, FileRequest};

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("验收.db");
    let mut store = Store::open(&path).expect("store");
    let (_, id) = common::store_with_inspection(&mut store, "对话框小区");
    drop(store);
    let mut app = App::open(path.clone(), false);
    // The user's side of the dialog: the request comes here, the answer goes back. A chooser
    // on the UI thread would block the window; this one gives up after a while instead.
    let (asked, requests) = channel::<FileRequest>();
    let (answer, answers) = channel::<Option<Vec<std::path::PathBuf>>>();
    let asked = Mutex::new(asked);
    let answers = Mutex::new(answers);
    app.set_file_chooser(Arc::new(move |request: &FileRequest| {
        asked.lock().ok()?.send(request.clone()).ok()?;
        answers
            .lock()
            .ok()?
            .recv_timeout(std::time::Duration::from_secs(10))
            .ok()
            .flatten()
    }));
    app.handle(Command::Show(Screen::Inspection(id)));
    let mut h = harness(app);
    wait_until(&mut h, |h| !h.state().is_busy());

    h.get_by_role_and_label(Role::Button, "导出验收单 PDF…")
        .click();
    // The status bar's spinner keeps the window repainting while the dialog is open.
    h.run_steps(3);
    let request = requests
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("the dialog was asked for");
    assert_eq!(request.directory, dir.path(), "opens beside the database");
    assert!(
        request
            .file_name
            .starts_with("小区验收单-对话框小区-2026-11-20-第1轮"),
        "{request:?}"
    );
    assert_eq!(
        request.kind,
        FileKind::SaveDocument {
            filter: "PDF",
            extension: "pdf"
        }
    );

    // While the dialog waits, the window draws and takes ticks.
    h.get_by_label_contains("请在文件对话框中选择");
    h.get_by_label("供水管路畅通：合格").click();
    h.run_steps(3);
    assert_eq!(
        the_inspection(h.state())
            .item("XQ-ST-01")
            .expect("item")
            .result,
        Some(ItemResult::Pass)
    );

    let chosen = dir.path().join("导出").join("单.pdf");
    std::fs::create_dir(chosen.parent().expect("folder")).expect("folder");
    answer.send(Some(vec![chosen.clone()])).expect("answer");
    wait_until(&mut h, |h| {
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("已导出"))
    });
    assert!(chosen.is_file());

    // The next export opens where this one went.
    h.get_by_role_and_label(Role::Button, "导出验收单 PDF…")
        .click();
    // The status bar's spinner keeps the window repainting while the dialog is open.
    h.run_steps(3);
    let request = requests
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("asked again");
    assert_eq!(request.directory, dir.path().join("导出"));
    answer.send(None).expect("cancel");
    wait_until(&mut h, |h| !h.state().is_busy());
    assert!(h.query_by_label_contains("请在文件对话框中选择").is_none());
}
