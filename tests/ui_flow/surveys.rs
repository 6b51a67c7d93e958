//! Surveys: the compound survey form and the cluster's 15-minute circle.

use crate::common::{self, ui::*};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use yanshou::app::Screen;
use yanshou::command::Command;
use yanshou::store::Store;

#[test]
fn town_staff_fill_in_a_survey_and_see_eligibility_and_needs() {
    use yanshou::model::{Condition, Eligibility, EligibilityFacts, SurveyCatalogue, assess};
    let mut store = Store::open_in_memory().expect("store");
    let mut c = common::compound("调查小区");
    c.year_built = Some(2000);
    c.households = Some(60);
    store.save_compound(&c).expect("save");
    let app = app_on(store, Screen::Compound(c.id));
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
    h.state_mut().handle(Command::Show(Screen::Compound(c.id)));
    h.run();
    h.get_by_label("配套基础设施");
    h.get_by_label_contains("照明（需改造）：路灯不亮");
    h.get_by_label_contains("居民公约（缺失）");
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
    let app = app_on(store, Screen::Cluster(cluster.id));
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
fn enter_in_a_survey_text_field_records_no_answer() {
    let mut store = Store::open_in_memory().expect("store");
    let c = common::compound("回车小区");
    store.save_compound(&c).expect("save");
    let survey = store
        .start_survey(
            c.id,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
            "",
            yanshou::model::SurveyCatalogue::current(),
        )
        .expect("survey")
        .id;
    let app = app_on(store, Screen::Survey(survey));
    let mut h = harness_sized(app, 6000.0);
    let before = h
        .state()
        .store()
        .expect("store")
        .survey(survey)
        .expect("survey");
    for field in ["意愿征集方式", "照明 备注", "照明 其他问题", "供水 备注"] {
        type_into(&mut h, field, "见附件");
        h.key_press(egui::Key::Enter);
        h.run();
        h.key_press(egui::Key::Enter);
        h.run();
    }
    let after = h
        .state()
        .store()
        .expect("store")
        .survey(survey)
        .expect("survey");
    let changed: Vec<&str> = before
        .items
        .iter()
        .zip(&after.items)
        .filter(|(a, b)| a.condition != b.condition || a.problems != b.problems)
        .map(|(a, _)| a.code.as_str())
        .collect();
    assert!(changed.is_empty(), "Enter set an answer: {changed:?}");
    assert_eq!(before.management_mode, after.management_mode);
    assert_eq!(before.structural_safety, after.structural_safety);
    assert_eq!(before.demolition_suitable, after.demolition_suitable);
}
