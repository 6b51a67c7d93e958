//! The office's ledger in the app: a compound's programme steps recorded in order from its
//! page, and progress against the targets traced to the compounds it counts.

use eframe::egui::accesskit::Role as A11y;
use egui_kittest::kittest::Queryable;
use yanshou::app::Screen;
use yanshou::store::Store;

use crate::common::ui::{app_on, harness, replace_text};

#[test]
fn a_step_is_recorded_from_the_compound_page_in_its_order_and_progress_counts_it() {
    let mut store = Store::open_in_memory().unwrap();
    let mut c = crate::common::compound("永宁小区");
    c.households = Some(96);
    store.save_compound(&c).unwrap();
    let mut h = harness(app_on(store, Screen::Compound(c.id)));
    h.run();
    assert!(h.query_by_label("改造进程").is_some());
    // 开工 (the 15th step's button).
    let buttons = h
        .get_all_by_role_and_label(A11y::Button, "登记…")
        .collect::<Vec<_>>();
    assert_eq!(
        buttons.len(),
        yanshou::model::policy_pack::PolicyPack::luoning()
            .programme
            .steps()
            .count()
    );
    buttons[14].click();
    h.run();
    assert!(h.query_by_label("　开工").is_some() && h.query_by_label("开工").is_some());
    replace_text(&mut h, "日期", "2022-04-06");
    replace_text(&mut h, "责任单位", "河南某建设公司");
    h.get_by_role_and_label(A11y::Button, "保存").click();
    h.run();
    let steps = h.state().store().unwrap().steps_of(c.id).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].step, crate::common::luoning_step("works_start"));
    assert_eq!(steps[0].unit, "河南某建设公司");
    assert!(h.query_by_label_contains("2022年04月06日").is_some());

    // 征求意见 after 开工 is refused in the form, saying why; nothing is written.
    let buttons = h
        .get_all_by_role_and_label(A11y::Button, "登记…")
        .collect::<Vec<_>>();
    buttons[3].click();
    h.run();
    replace_text(&mut h, "日期", "2022-05-01");
    replace_text(&mut h, "参与户数", "80");
    h.get_by_role_and_label(A11y::Button, "保存").click();
    h.run();
    assert!(
        h.query_by_label_contains("不能晚于它之后的“开工”")
            .is_some()
    );
    assert_eq!(h.state().store().unwrap().steps_of(c.id).unwrap().len(), 1);
    replace_text(&mut h, "日期", "2022-01-10");
    h.get_by_role_and_label(A11y::Button, "保存").click();
    h.run();
    let steps = h.state().store().unwrap().steps_of(c.id).unwrap();
    assert_eq!(steps[0].count, Some(80));

    // 小区 › 进度: 2022 counts it, and the figure lists it.
    h.state_mut()
        .handle(yanshou::command::Command::Show(Screen::Progress));
    h.run();
    assert!(h.query_by_label("2022 年").is_some());
    assert!(
        h.query_by_label_contains("10 个 / 306 户").is_some(),
        "2022's target"
    );
    h.get_all_by_label("1 个 / 96 户").next().unwrap().click();
    h.run();
    assert!(h.query_by_label_contains("2022 年已开工").is_some());
    assert!(h.query_by_label("永宁小区（96 户）").is_some());
}

#[test]
fn funding_is_entered_in_yuan_on_the_compound_page_and_the_ninety_percent_rule_shows() {
    let mut store = Store::open_in_memory().unwrap();
    let c = crate::common::compound("永宁小区");
    store.save_compound(&c).unwrap();
    let mut h = harness(app_on(store, Screen::Compound(c.id)));
    h.run();
    h.get_by_role_and_label(A11y::Button, "登记资金…").click();
    h.run();
    replace_text(&mut h, "配套项目", "雨污分流改造");
    replace_text(&mut h, "金额（元）", "96,000");
    replace_text(&mut h, "配套项目总投资（元）", "100000");
    h.get_by_role_and_label(A11y::Button, "保存").click();
    h.run();
    let entries = h
        .state()
        .store()
        .unwrap()
        .funding_of(yanshou::store::funding::Funded::Compound(c.id))
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].amount_fen, 9_600_000);
    assert!(h.query_by_label_contains("96.00%，超过 90%").is_some());
    assert!(h.query_by_label("合计 96,000.00 元").is_some());
    // A bad amount is said in the form, and nothing is written.
    h.get_by_role_and_label(A11y::Button, "登记资金…").click();
    h.run();
    replace_text(&mut h, "金额（元）", "十万");
    h.get_by_role_and_label(A11y::Button, "保存").click();
    h.run();
    assert!(h.query_by_label_contains("应为元，最多两位小数").is_some());
}
