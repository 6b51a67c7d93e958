//! 推进机制 in the app: a unit's daily report typed in, its coordination matter carried on
//! the day's bulletin until the office closes it, a refusal said on the screen, a meeting's
//! decision kept open until done, and the day's bulletin printed.

use chrono::NaiveDate;
use eframe::egui::accesskit::Role as A11y;
use egui_kittest::kittest::Queryable;
use yanshou::app::Screen;
use yanshou::model::rhythm::RhythmChoice;
use yanshou::store::Store;

use crate::common::ui::{app_on, export_to, harness, replace_text};

/// Types `text` over what a multi-line field holds.
fn replace_lines(h: &mut egui_kittest::Harness<'_, yanshou::app::App>, label: &str, text: &str) {
    h.get_by_role_and_label(A11y::MultilineTextInput, label)
        .click();
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
    h.run();
    h.get_by_role_and_label(A11y::MultilineTextInput, label)
        .type_text(text);
    h.run();
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn a_report_s_matter_is_carried_until_the_office_closes_it() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .save_compound(&crate::common::compound("永宁小区"))
        .unwrap();
    let mut h = harness(app_on(store, Screen::Rhythm(RhythmChoice::at(day(20)))));
    h.run();
    assert!(h.query_by_label("当日没有单位报送。").is_some());

    // A name not in the register is refused on the screen; nothing is written.
    replace_text(&mut h, "报送单位", "一标段");
    h.get_by_role_and_label(A11y::ComboBox, "单位类别").click();
    h.run();
    h.get_by_label("施工单位").click();
    h.run();
    replace_text(&mut h, "小区名称", "永宁小去");
    replace_lines(&mut h, "工作开展情况", "开挖管沟 60 米");
    replace_lines(&mut h, "需协调事项", "3 号楼电杆迁移");
    h.get_by_role_and_label(A11y::Button, "保存日报").click();
    h.run();
    assert!(
        h.query_by_label_contains("名册中没有名为“永宁小去”的小区")
            .is_some()
    );
    let store = h.state().store().unwrap();
    assert!(store.daily_reports_until(day(29)).unwrap().is_empty());

    replace_text(&mut h, "小区名称", "永宁小区");
    h.get_by_role_and_label(A11y::Button, "保存日报").click();
    h.run();
    let reports = h
        .state()
        .store()
        .unwrap()
        .daily_reports_until(day(29))
        .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(
        (reports[0].unit.as_str(), reports[0].compound_name.as_str()),
        ("一标段", "永宁小区")
    );
    assert!(h.query_by_label("当日新增").is_some());
    assert!(h.query_by_label_contains("新提出需协调事项 1 项").is_some());

    // Two days on it is carried; the office closes it with how.
    h.get_by_role_and_label(A11y::Button, "后一天").click();
    h.run();
    h.get_by_role_and_label(A11y::Button, "后一天").click();
    h.run();
    assert!(h.query_by_label_contains("已结转 2 天").is_some());
    assert!(h.query_by_label_contains("当日未报送：一标段").is_some());
    // The field is wide enough to see what is typed (it was one character wide).
    let field = h.get_by_role_and_label(A11y::TextInput, "办结情况").rect();
    assert!(field.width() >= 150.0, "{field:?}");
    replace_text(&mut h, "办结情况", "供电公司已迁移");
    h.get_by_role_and_label(A11y::Button, "办结：3 号楼电杆迁移")
        .click();
    h.run();
    let reports = h
        .state()
        .store()
        .unwrap()
        .daily_reports_until(day(29))
        .unwrap();
    assert_eq!(reports[0].resolved_on, Some(day(22)));
    assert_eq!(reports[0].resolution, "供电公司已迁移");
    assert!(h.query_by_label("没有待协调的事项。").is_some());

    // The day's bulletin (Ctrl+P's document here) prints it as closed that day.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("日通报.pdf");
    export_to(&mut h, "导出日通报 PDF…", &path);
    let text = crate::common::pdf_text(&std::fs::read(&path).unwrap());
    assert!(
        text.contains("三、当日办结事项") && text.contains("供电公司已迁移"),
        "{text}"
    );
}

#[test]
fn a_meeting_s_decision_stays_open_until_it_is_done() {
    let store = Store::open_in_memory().unwrap();
    let mut h = harness(app_on(store, Screen::Rhythm(RhythmChoice::at(day(23)))));
    h.run();
    h.get_by_label("周例会").click();
    h.run();
    replace_lines(&mut h, "参会单位", "城关镇、一标段、供电公司");
    replace_lines(&mut h, "进展与总结", "管网完成四成");
    replace_text(&mut h, "决定事项 1", "迁移 3 号楼电杆");
    replace_text(&mut h, "责任单位", "供电公司");
    replace_text(&mut h, "完成期限", "2026-11-22");
    assert!(h.query_by_label_contains("早于会议日期").is_none());
    h.get_by_role_and_label(A11y::Button, "保存会议记录")
        .click();
    h.run();
    assert!(
        h.query_by_label_contains("早于会议日期").is_some(),
        "due before the meeting"
    );
    assert!(h.state().store().unwrap().meetings().unwrap().is_empty());
    replace_text(&mut h, "完成期限", "2026-11-27");
    h.get_by_role_and_label(A11y::Button, "保存会议记录")
        .click();
    h.run();
    let meetings = h.state().store().unwrap().meetings().unwrap();
    assert_eq!(meetings[0].units, ["城关镇", "一标段", "供电公司"]);
    assert!(
        h.query_by_label("迁移 3 号楼电杆").is_some(),
        "listed as open"
    );
    h.get_by_role_and_label(A11y::Button, "完成：迁移 3 号楼电杆")
        .click();
    h.run();
    let meetings = h.state().store().unwrap().meetings().unwrap();
    assert_eq!(meetings[0].actions[0].closed_on, Some(day(23)));
    assert!(h.query_by_label("没有未完成的决定事项。").is_some());
}
