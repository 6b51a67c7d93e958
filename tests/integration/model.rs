//! Model rules: the verdict rule and input validation.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use chrono::NaiveDate;
use yanshou::model::{
    Catalogue, CompoundDraft, CompoundField, CompoundId, InspectionDraft, InspectionItem,
    ItemResult, Verdict, catalogue::COMPOUND_STANDARD, verdict_of,
};

fn items() -> Vec<InspectionItem> {
    Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .into_iter()
        .map(|s| InspectionItem::new(s.clone()))
        .collect()
}

fn all(result: ItemResult) -> Vec<InspectionItem> {
    let mut items = items();
    for i in &mut items {
        i.result = Some(result);
    }
    items
}

#[test]
fn nothing_decided_is_incomplete() {
    match verdict_of(&items()) {
        Verdict::Incomplete {
            undecided,
            missing_reason,
            ..
        } => {
            assert_eq!(undecided.len(), 13);
            assert!(missing_reason.is_empty());
        }
        other => panic!("expected 未完成, got {other:?}"),
    }
}

#[test]
fn every_item_passed_is_passed() {
    assert_eq!(verdict_of(&all(ItemResult::Pass)), Verdict::Passed);
    assert_eq!(verdict_of(&all(ItemResult::Pass)).label(), "合格");
}

#[test]
fn one_failure_fails_and_is_named_even_with_items_undecided() {
    let mut items = items();
    items[5].result = Some(ItemResult::Fail);
    let verdict = verdict_of(&items);
    assert_eq!(
        verdict,
        Verdict::Failed {
            failing: vec![("XQ-ST-03".to_owned(), "供气管路畅通".to_owned())]
        }
    );
    assert_eq!(verdict.label(), "不合格");
    assert!(verdict.explanation().contains("供气管路畅通"));
}

#[test]
fn not_applicable_needs_a_reason() {
    let mut items = all(ItemResult::Pass);
    items[6].result = Some(ItemResult::NotApplicable);
    match verdict_of(&items) {
        Verdict::Incomplete {
            undecided,
            missing_reason,
            ..
        } => {
            assert!(undecided.is_empty());
            assert_eq!(missing_reason, vec!["供暖管路畅通".to_owned()]);
        }
        other => panic!("expected 未完成, got {other:?}"),
    }
    items[6].remark = "   ".to_owned();
    assert!(
        matches!(verdict_of(&items), Verdict::Incomplete { .. }),
        "blank is no reason"
    );
    items[6].remark = "无集中供暖管网".to_owned();
    assert_eq!(verdict_of(&items), Verdict::Passed);
}

#[test]
fn an_undecided_optional_item_does_not_block() {
    let mut items = all(ItemResult::Pass);
    items[12].standard.required = false;
    items[12].result = None;
    assert_eq!(verdict_of(&items), Verdict::Passed);
}

fn draft(name: &str, year: &str, households: &str) -> CompoundDraft {
    CompoundDraft {
        name: name.to_owned(),
        year_built: year.to_owned(),
        households: households.to_owned(),
        ..CompoundDraft::default()
    }
}

fn fields(
    result: Result<yanshou::model::Compound, Vec<yanshou::model::FieldError>>,
) -> Vec<CompoundField> {
    result
        .expect_err("should be refused")
        .iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn compound_validation_names_the_field() {
    assert_eq!(
        fields(draft("  ", "", "").validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))),
        vec![CompoundField::Name]
    );
    assert_eq!(
        fields(
            draft("甲", "2027", "").validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        ),
        vec![CompoundField::YearBuilt]
    );
    assert_eq!(
        fields(
            draft("甲", "1850", "").validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        ),
        vec![CompoundField::YearBuilt]
    );
    assert_eq!(
        fields(
            draft("甲", "一九九五", "")
                .validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        ),
        vec![CompoundField::YearBuilt]
    );
    assert_eq!(
        fields(draft("甲", "", "-3").validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))),
        vec![CompoundField::Households]
    );
    assert_eq!(
        fields(
            draft("", "3000", "abc").validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        ),
        vec![
            CompoundField::Name,
            CompoundField::YearBuilt,
            CompoundField::Households
        ]
    );
    let err = draft("甲", "2027", "")
        .validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        .expect_err("future");
    assert!(err[0].message.contains("2027"), "{}", err[0].message);
}

#[test]
fn compound_validation_accepts_good_input() {
    let c = draft(" 县水利局家属院 ", "２０００", "96")
        .validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        .expect("valid");
    assert_eq!(c.name, "县水利局家属院");
    assert_eq!(
        c.year_built,
        Some(2000),
        "full-width digits as typed by an IME"
    );
    assert_eq!(c.households, Some(96));
    assert_eq!(c.buildings, None, "empty stays unknown, not zero");
    let c = draft("乙", "2026", "0")
        .validate(NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"))
        .expect("this year is fine");
    assert_eq!(c.year_built, Some(2026));
}

#[test]
fn inspection_draft_validation() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let subject = yanshou::model::Subject::Compound(CompoundId::new());
    let parties =
        yanshou::model::inspection::default_parties(luoning_units(), subject, Some("王范回族镇"));
    let mut d = InspectionDraft::new(subject, today, &parties);
    assert_eq!(d.inspected_on, "2026-11-28");
    assert_eq!(
        d.parties.lines().collect::<Vec<_>>(),
        vec![
            "洛宁县住房和城乡建设局",
            "王范回族镇人民政府",
            "施工单位",
            "监理单位",
            "社区居民委员会",
            "居民代表"
        ],
        "the units by their names, the compound's town among them"
    );
    let cluster = yanshou::model::Subject::Cluster(yanshou::model::ClusterId::new());
    let units = yanshou::model::inspection::default_parties(luoning_units(), cluster, None);
    assert!(
        units.contains(&"洛宁县发展和改革委员会".to_owned()),
        "{units:?}"
    );
    assert!(
        units.contains(&"属地乡（镇）人民政府".to_owned()),
        "{units:?}"
    );
    let errors = d.validate(today).expect_err("no inspectors");
    assert_eq!(errors, vec!["请填写验收人员".to_owned()]);
    d.inspectors = "王工".to_owned();
    d.inspected_on = "2026-12-01".to_owned();
    assert!(d.validate(today).expect_err("future")[0].contains("晚于今天"));
    d.inspected_on = "2026/11/01".to_owned();
    assert!(d.validate(today).expect_err("format")[0].contains("格式"));
    d.inspected_on = "2026-11-01".to_owned();
    d.parties = "建设单位\n\n  监理单位  \n".to_owned();
    let (date, inspectors, parties) = d.validate(today).expect("valid");
    assert_eq!(date, NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"));
    assert_eq!(inspectors, "王工");
    assert_eq!(parties, vec!["建设单位".to_owned(), "监理单位".to_owned()]);
}

/// The user's own unit joins a new acceptance only when no listed unit is the same
/// organisation: 洛宁县住建局改造办 signs in 洛宁县住房和城乡建设局's box.
#[test]
fn the_users_unit_is_not_a_second_box_for_a_party_already_listed() {
    use yanshou::model::inspection::{default_parties, with_own_unit};
    let subject = yanshou::model::Subject::Compound(yanshou::model::CompoundId::new());
    let listed = default_parties(luoning_units(), subject, Some("城关镇"));
    for same in [
        "洛宁县住建局改造办",
        "县住建局",
        "洛宁县住房和城乡建设局",
        "  住建局村镇股 ",
    ] {
        assert_eq!(
            with_own_unit(listed.clone(), same, "洛宁县"),
            listed,
            "{same}"
        );
    }
    let added = with_own_unit(listed.clone(), "洛宁县审计局", "洛宁县");
    assert_eq!(added.len(), listed.len() + 1);
    assert_eq!(added.last().map(String::as_str), Some("洛宁县审计局"));
    assert_eq!(with_own_unit(listed.clone(), "  ", "洛宁县"), listed);
}

/// The units of 附件1, as Luoning's built-in pack lists them.
fn luoning_units() -> &'static yanshou::model::policy_pack::Units {
    &yanshou::model::policy_pack::PolicyPack::luoning()
        .meta
        .units
}
