//! Surveys: eligibility clause by clause, round trips, the needs list, the register's columns.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use chrono::NaiveDate;
use yanshou::model::{
    Catalogue, Condition, Eligibility, EligibilityFacts, Finding, ManagementMode, StructuralSafety,
    SurveyCatalogue, SurveyField, SurveyStatus, SurveyValue, assess, needs_list,
    survey::parse_field,
};
use yanshou::store::{Store, StoreError, SurveyText};

fn facts(year: Option<i32>, in_cluster: bool) -> EligibilityFacts {
    EligibilityFacts {
        year_built: year,
        in_cluster,
        households: Some(90),
        structural_safety: Some(StructuralSafety::Safe),
        demolition_suitable: Some(false),
        households_in_favour: Some(60),
        needs: yanshou::model::eligibility::Needs {
            municipal: Some(true),
            examples: vec!["雨污管网".to_owned()],
            ..Default::default()
        },
        ..Default::default()
    }
}

fn year_finding(year: i32, in_cluster: bool) -> (Eligibility, Finding) {
    let report = assess(&facts(Some(year), in_cluster));
    (report.status, report.checks[0].finding)
}

#[test]
fn boundary_years_outside_a_cluster() {
    assert_eq!(
        year_finding(1999, false),
        (Eligibility::Eligible, Finding::Met)
    );
    assert_eq!(
        year_finding(2000, false),
        (Eligibility::Eligible, Finding::Met),
        "2000 counts"
    );
    assert_eq!(
        year_finding(2001, false),
        (Eligibility::NotEligible, Finding::NotMet)
    );
    assert_eq!(
        year_finding(2005, false),
        (Eligibility::NotEligible, Finding::NotMet)
    );
    assert_eq!(
        year_finding(2006, false),
        (Eligibility::NotEligible, Finding::NotMet)
    );
}

#[test]
fn boundary_years_inside_a_cluster() {
    assert_eq!(
        year_finding(1999, true),
        (Eligibility::Eligible, Finding::Met)
    );
    assert_eq!(
        year_finding(2000, true),
        (Eligibility::Eligible, Finding::Met)
    );
    assert_eq!(
        year_finding(2001, true),
        (Eligibility::Eligible, Finding::Met)
    );
    assert_eq!(
        year_finding(2005, true),
        (Eligibility::Eligible, Finding::Met)
    );
    assert_eq!(
        year_finding(2006, true),
        (Eligibility::NotEligible, Finding::NotMet)
    );
    let report = assess(&facts(Some(2003), true));
    assert!(
        report.checks[0].reason.contains("片区内"),
        "{}",
        report.checks[0].reason
    );
}

#[test]
fn structure_demolition_and_willingness_each_decide() {
    let mut f = facts(Some(1995), false);
    f.structural_safety = Some(StructuralSafety::Unsafe);
    assert_eq!(assess(&f).status, Eligibility::NotEligible);
    f.structural_safety = Some(StructuralSafety::NeedsAppraisal);
    let report = assess(&f);
    assert_eq!(
        report.status,
        Eligibility::NeedsInformation,
        "an appraisal is pending"
    );
    assert_eq!(report.missing(), vec!["房屋结构安全"]);

    let mut f = facts(Some(1995), false);
    f.demolition_suitable = Some(true);
    assert_eq!(assess(&f).status, Eligibility::NotEligible);

    let mut f = facts(Some(1995), false);
    f.households_in_favour = Some(59); // 59/90 < 2/3
    let report = assess(&f);
    assert_eq!(report.status, Eligibility::NotEligible);
    assert!(
        report.checks[4].reason.contains("59/90"),
        "{}",
        report.checks[4].reason
    );
    f.households_in_favour = Some(60); // exactly 2/3
    assert_eq!(assess(&f).status, Eligibility::Eligible);
    f.households_in_favour = Some(91);
    assert_eq!(
        assess(&f).status,
        Eligibility::NeedsInformation,
        "more than all households"
    );
}

#[test]
fn missing_facts_are_named_never_a_silent_yes_or_no() {
    let report = assess(&EligibilityFacts::default());
    assert_eq!(report.status, Eligibility::NeedsInformation);
    assert_eq!(
        report.missing(),
        vec![
            "建成年代",
            "失养失修失管、配套设施不完善",
            "房屋结构安全",
            "不宜整体拆除重建",
            "居民改造意愿强烈"
        ]
    );
    // A disqualifying fact wins over missing ones.
    let report = assess(&EligibilityFacts {
        year_built: Some(2010),
        ..EligibilityFacts::default()
    });
    assert_eq!(report.status, Eligibility::NotEligible);
}

#[test]
fn the_whole_clause_is_explained_with_the_local_share_and_the_owner() {
    use yanshou::model::eligibility::Needs;
    use yanshou::model::policy_rule::PolicyRules;
    // Every item recorded as good, with property management: not a compound the clause covers.
    let good = Needs {
        municipal: Some(false),
        services: Some(false),
        neglect: Some(false),
        examples: Vec::new(),
    };
    let report = assess(&EligibilityFacts {
        needs: good,
        ..facts(Some(1995), false)
    });
    assert_eq!(report.status, Eligibility::NotEligible);
    assert!(
        report.checks[1].reason.contains("不属失养失修失管"),
        "{:?}",
        report.checks[1]
    );

    // 60 of 90 is two thirds; with the office's rule at three quarters it is not.
    let f = facts(Some(1995), false).with_owner("洛阳市某国有企业");
    let report = assess(&f);
    assert_eq!(report.status, Eligibility::Eligible);
    let willing = report
        .checks
        .iter()
        .find(|c| c.rule == "居民改造意愿强烈")
        .unwrap();
    assert!(
        willing.reason.contains("达到三分之二（本地规则"),
        "{}",
        willing.reason
    );
    let owner = report.checks.iter().find(|c| c.rule == "属地原则").unwrap();
    assert!(owner.reason.contains("洛阳市某国有企业") && owner.reason.contains("按属地原则纳入"));
    let rules = PolicyRules::from_values([("willingness_share", "3/4")]);
    let report = assess(&f.with_rules(&rules));
    assert_eq!(report.status, Eligibility::NotEligible);
    let willing = report
        .checks
        .iter()
        .find(|c| c.rule == "居民改造意愿强烈")
        .unwrap();
    assert!(
        willing.reason.contains("未达到四分之三"),
        "{}",
        willing.reason
    );
}

#[test]
fn the_needs_are_read_from_the_survey_items_in_the_register_too() {
    let mut store = Store::open_in_memory().unwrap();
    let c = common::compound("永宁小区");
    store.save_compound(&c).unwrap();
    let id = store
        .start_survey(
            c.id,
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            "赵干事",
            SurveyCatalogue::current(),
        )
        .unwrap()
        .id;
    let row = |store: &Store| {
        store
            .compound_rows()
            .unwrap()
            .into_iter()
            .find(|r| r.compound.id == c.id)
            .unwrap()
    };
    let survey = store.survey(id).unwrap();
    assert_eq!(
        yanshou::model::eligibility::Needs::of(&survey).municipal,
        None
    );
    let pipes = SurveyCatalogue::current()
        .items
        .iter()
        .find(|i| i.category == "infrastructure")
        .unwrap();
    store
        .set_item_condition(id, &pipes.code, Some(Condition::NeedsRenovation))
        .unwrap();
    let needs = yanshou::model::eligibility::Needs::of(&store.survey(id).unwrap());
    assert_eq!(needs.municipal, Some(true));
    assert_eq!(needs.examples, std::slice::from_ref(&pipes.name));
    // The register's row reads the same items: its finding is not held back by them.
    let report = assess(&EligibilityFacts::gather(
        c.year_built,
        false,
        c.households,
        Some(&store.survey(id).unwrap()),
    ));
    assert_eq!(report.checks[1].finding, Finding::Met);
    assert_eq!(row(&store).eligibility, report.status);
}

#[test]
fn field_parsing_gives_messages_for_bad_input() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    assert_eq!(
        parse_field(SurveyField::Floors, "6", today),
        Ok(SurveyValue::Count(Some(6)))
    );
    assert_eq!(
        parse_field(SurveyField::Floors, "", today),
        Ok(SurveyValue::Count(None))
    );
    assert!(
        parse_field(SurveyField::Floors, "-1", today)
            .unwrap_err()
            .message()
            .contains("负数")
    );
    assert!(
        parse_field(SurveyField::Floors, "六", today)
            .unwrap_err()
            .message()
            .contains("整数")
    );
    assert!(
        parse_field(SurveyField::Floors, "99", today)
            .unwrap_err()
            .message()
            .contains("60")
    );
    assert_eq!(
        parse_field(SurveyField::FloorArea, "5600.5", today),
        Ok(SurveyValue::Area(Some(5600.5)))
    );
    assert!(parse_field(SurveyField::FloorArea, "NaN", today).is_err());
    assert!(
        parse_field(SurveyField::SurveyedOn, "2027-01-01", today)
            .unwrap_err()
            .message()
            .contains("晚于今天")
    );
}

#[test]
fn the_survey_catalogue_covers_the_four_categories_and_cites_clauses() {
    let c = SurveyCatalogue::current();
    let names: Vec<&str> = c.categories.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["配套基础设施", "人居环境", "居民服务", "社区管理"]
    );
    for item in &c.items {
        assert!(
            item.clause.starts_with("二、（三）"),
            "{}: {}",
            item.code,
            item.clause
        );
    }
    for expected in [
        "供水",
        "排水（雨水）",
        "架空线规整（入地）",
        "加装电梯",
        "物业用房",
        "居民公约",
    ] {
        assert!(
            c.items.iter().any(|i| i.name == expected),
            "missing {expected}"
        );
    }
    let problems: Vec<&str> = c.problems.iter().map(|p| p.text.as_str()).collect();
    for expected in [
        "污水漫溢",
        "大雨内涝",
        "小雨积水",
        "线路杂乱",
        "道路不平",
        "路灯不亮",
        "安防设施不全",
        "绿地布局不合理",
    ] {
        assert!(problems.contains(&expected), "missing problem {expected}");
    }
}

#[test]
fn a_survey_round_trips_and_later_rounds_start_from_the_last() {
    let mut store = Store::open_in_memory().unwrap();
    let c = common::compound("调查小区");
    store.save_compound(&c).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let s1 = store
        .start_survey(c.id, date, "赵干事", SurveyCatalogue::current())
        .unwrap();
    assert_eq!(s1.round, 1);
    store
        .set_survey_field(s1.id, SurveyField::Floors, &SurveyValue::Count(Some(6)))
        .unwrap();
    store
        .set_survey_field(
            s1.id,
            SurveyField::ManagementMode,
            &SurveyValue::Mode(Some(ManagementMode::SelfManaged)),
        )
        .unwrap();
    store
        .set_survey_field(
            s1.id,
            SurveyField::StructuralSafety,
            &SurveyValue::Safety(Some(StructuralSafety::Safe)),
        )
        .unwrap();
    store
        .set_item_condition(s1.id, "JC-02", Some(Condition::NeedsRenovation))
        .unwrap();
    store
        .set_item_problem(s1.id, "JC-02", "WT-02", true)
        .unwrap();
    store
        .set_item_problem(s1.id, "JC-02", "WT-03", true)
        .unwrap();
    store
        .set_item_problem(s1.id, "JC-02", "WT-03", false)
        .unwrap();
    store
        .set_item_text(s1.id, "JC-02", SurveyText::OtherProblem, "雨水井堵塞")
        .unwrap();
    store
        .set_item_text(s1.id, "JC-02", SurveyText::Note, "3 号楼北侧")
        .unwrap();
    store
        .set_item_condition(s1.id, "FW-02", Some(Condition::Missing))
        .unwrap();
    store
        .set_item_condition(s1.id, "JC-01", Some(Condition::Good))
        .unwrap();

    let loaded = store.survey(s1.id).unwrap();
    assert_eq!(loaded.floors, Some(6));
    assert_eq!(loaded.management_mode, Some(ManagementMode::SelfManaged));
    let drain = loaded.item("JC-02").unwrap();
    assert_eq!(drain.condition, Some(Condition::NeedsRenovation));
    assert_eq!(drain.problems.iter().collect::<Vec<_>>(), vec!["WT-02"]);
    assert_eq!(drain.other_problem, "雨水井堵塞");
    assert_eq!(loaded.completeness(), (3 + 3, 7 + 45));

    // The needs list: 需改造 and 缺失 items, grouped by category, with their problems.
    let needs = needs_list(&loaded, SurveyCatalogue::current());
    assert_eq!(needs.len(), 2);
    assert_eq!(needs[0].category, "配套基础设施");
    assert_eq!(
        needs[0].items,
        vec![(
            "排水（雨水）".to_owned(),
            Condition::NeedsRenovation,
            "大雨内涝；雨水井堵塞；3 号楼北侧".to_owned()
        )]
    );
    assert_eq!(needs[1].category, "居民服务");
    assert_eq!(needs[1].items[0].0, "物业用房");

    // Round 2 starts from round 1's answers; round 1 becomes read-only.
    let s2 = store
        .start_survey(c.id, date, "钱干事", SurveyCatalogue::current())
        .unwrap();
    assert_eq!(s2.round, 2);
    assert_eq!(s2.floors, Some(6));
    assert_eq!(
        s2.item("JC-02").unwrap().condition,
        Some(Condition::NeedsRenovation)
    );
    let err = store
        .set_item_condition(s1.id, "JC-01", Some(Condition::Missing))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnlyRecord(_)), "{err:?}");
    assert!(err.to_string().contains("只能查看"));
    store
        .set_item_condition(s2.id, "JC-01", Some(Condition::Missing))
        .unwrap();
    assert_eq!(
        store
            .survey(s1.id)
            .unwrap()
            .item("JC-01")
            .unwrap()
            .condition,
        Some(Condition::Good)
    );
    let rounds: Vec<u32> = store
        .surveys_of(c.id)
        .unwrap()
        .iter()
        .map(|s| s.round)
        .collect();
    assert_eq!(rounds, vec![2, 1]);
}

#[test]
fn the_register_shows_eligibility_and_survey_status() {
    let mut store = Store::open_in_memory().unwrap();
    let mut c = common::compound("登记小区");
    c.year_built = Some(1998);
    c.households = Some(30);
    store.save_compound(&c).unwrap();
    let row = |store: &Store| store.compound_rows().unwrap().remove(0);
    assert_eq!(row(&store).survey_status, SurveyStatus::NotSurveyed);
    assert_eq!(row(&store).eligibility, Eligibility::NeedsInformation);

    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let s = store
        .start_survey(c.id, date, "赵干事", SurveyCatalogue::current())
        .unwrap();
    assert_eq!(row(&store).survey_status, SurveyStatus::InProgress);
    assert_eq!(row(&store).survey_completeness, Some((0, 52)));
    for (field, value) in [
        (
            SurveyField::StructuralSafety,
            SurveyValue::Safety(Some(StructuralSafety::Safe)),
        ),
        (
            SurveyField::DemolitionSuitable,
            SurveyValue::Flag(Some(false)),
        ),
        (
            SurveyField::HouseholdsInFavour,
            SurveyValue::Count(Some(25)),
        ),
    ] {
        store.set_survey_field(s.id, field, &value).unwrap();
    }
    // Still 待补充 until the items say whether the compound lacks anything (二、（一）).
    assert_eq!(row(&store).eligibility, Eligibility::NeedsInformation);
    store
        .set_item_condition(s.id, "JC-11", Some(yanshou::model::Condition::Missing))
        .unwrap();
    assert_eq!(row(&store).eligibility, Eligibility::Eligible);
    assert_eq!(row(&store).survey_completeness, Some((4, 52)));
}

#[test]
fn cluster_surveys_record_the_nine_facilities() {
    use yanshou::model::{Cluster, ClusterId};
    let mut store = Store::open_in_memory().unwrap();
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".into(),
        town_id: None,
        plan_year: None,
    };
    store.save_cluster(&cluster).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let survey = store
        .start_cluster_survey(cluster.id, date, "孙干事", Catalogue::current())
        .unwrap();
    let kinds: Vec<&str> = survey.facilities.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec![
            "便民服务中心",
            "乐养居",
            "医疗服务中心",
            "城市书房（阅览室）",
            "公共厕所",
            "快递收发点",
            "便民超市",
            "停车场地",
            "充电设施"
        ]
    );
    let mut f = survey.facilities[1].clone();
    f.present = Some(true);
    f.name = "永宁乐养居".into();
    f.walking_minutes = Some(8);
    store.set_facility(survey.id, &f).unwrap();
    let loaded = store.cluster_surveys_of(cluster.id).unwrap().remove(0);
    assert_eq!(loaded.facilities[1], f);
    assert_eq!(loaded.within_circle(), 1);
}

#[test]
fn the_printed_survey_form_holds_every_answer_the_finding_and_the_needs() {
    use yanshou::export::{SurveySheet, render_survey_sheet};
    let mut store = Store::open_in_memory().unwrap();
    let mut c = common::compound("调查表小区");
    c.households = Some(40);
    store.save_compound(&c).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let s = store
        .start_survey(c.id, date, "赵干事", SurveyCatalogue::current())
        .unwrap();
    store
        .set_survey_field(
            s.id,
            SurveyField::StructuralSafety,
            &SurveyValue::Safety(Some(StructuralSafety::Safe)),
        )
        .unwrap();
    store
        .set_survey_field(
            s.id,
            SurveyField::HouseholdsInFavour,
            &SurveyValue::Count(Some(30)),
        )
        .unwrap();
    store
        .set_item_condition(s.id, "JC-11", Some(Condition::NeedsRenovation))
        .unwrap();
    store
        .set_item_problem(s.id, "JC-11", "LT-01", true)
        .unwrap();
    store
        .set_item_condition(s.id, "GL-05", Some(Condition::Missing))
        .unwrap();

    let bytes = render_survey_sheet(
        &SurveySheet::load(&store, s.id, yanshou::model::Clock::local()).unwrap(),
    )
    .unwrap();
    let text = common::pdf_text(&bytes);
    for expected in [
        "洛宁县城镇老旧小区改造调查表",
        "调查表小区",
        "赵干事",
        "改造资格：待补充",
        "不宜整体拆除重建：待补充",
        "居民改造意愿强烈：符合（30/40户同意（75.0%），达到三分之二（本地规则",
        "路灯不亮",
        "配套基础设施：照明（需改造）",
        "社区管理：居民公约（缺失）",
        "调查人",
        "社区（盖章）",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    for item in &SurveyCatalogue::current().items {
        let name: String = item.name.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&name), "missing item {}", item.name);
    }
}

#[test]
fn the_cli_exports_the_sample_survey() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let exe = env!("CARGO_BIN_EXE_yanshou");
    assert!(
        std::process::Command::new(exe)
            .arg("--db")
            .arg(&db)
            .arg("sample")
            .status()
            .unwrap()
            .success()
    );
    let list = std::process::Command::new(exe)
        .arg("--db")
        .arg(&db)
        .arg("list")
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let line = list.lines().find(|l| l.contains("县水利局家属院")).unwrap();
    assert!(
        line.contains("纳入改造范围") && line.contains("已完成"),
        "{line}"
    );
    let id = line.split_whitespace().next().unwrap();
    let out = dir.path().join("调查表.pdf");
    let status = std::process::Command::new(exe)
        .arg("--db")
        .arg(&db)
        .args(["export-survey", "--compound", id, "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
    let missing = std::process::Command::new(exe)
        .arg("--db")
        .arg(&db)
        .args(["export-survey", "--compound", id, "--round", "9", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("没有第 9 轮调查记录"));
}
