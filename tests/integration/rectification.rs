//! Rectification and re-inspection: verdicts across rounds, overdue rectifications.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use chrono::NaiveDate;
use yanshou::model::{
    ItemResult, Rectification, RectificationId, RectificationStatus, Verdict, verdict_of,
};
use yanshou::store::{Store, StoreError};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn parties() -> Vec<String> {
    vec!["建设单位".into(), "施工单位".into()]
}

#[test]
fn a_reinspection_rechecks_only_open_items_and_the_verdict_follows_the_latest_round() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, first) = common::store_with_inspection(&mut store, "复验小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    store
        .record_result(first, "XQ-SY-02", Some(ItemResult::Fail))
        .unwrap();
    let rect = Rectification {
        id: RectificationId::new(),
        inspection_id: first,
        item_code: "XQ-LZ-01".into(),
        requirement: "塌陷路面重新铺设".into(),
        responsible_unit: "施工单位".into(),
        deadline: day(25),
    };
    store.save_rectification(&rect).unwrap();
    // Only failed items take a rectification, with a requirement and a unit.
    let mut bad = rect.clone();
    bad.item_code = "XQ-SR-01".into();
    assert!(matches!(
        store.save_rectification(&bad),
        Err(StoreError::Refused(ref m)) if m.message().starts_with("整改未保存：只有“不合格”的项目需要整改")
    ));

    let chain = store.chain_of(first).unwrap();
    assert!(
        matches!(verdict_of(&chain.effective_items()), Verdict::Failed { ref failing } if failing.len() == 2)
    );
    assert_eq!(chain.status_of(&rect, day(20)), RectificationStatus::Open);
    assert_eq!(
        chain.status_of(&rect, day(26)),
        RectificationStatus::Overdue
    );

    // Rounds close in order: round 1 is signed before round 2 starts.
    assert!(matches!(
        store.start_reinspection(first, day(26), "王工", &parties()),
        Err(StoreError::Refused(ref m)) if m.message().contains("尚未签字锁定")
    ));
    common::sign_off_as_is(&mut store, first);

    // Round 2 re-checks the two open items only; one passes.
    let second = store
        .start_reinspection(first, day(26), "王工", &parties())
        .unwrap();
    let round2 = store.inspection(second).unwrap();
    assert_eq!(round2.round, 2);
    assert_eq!(round2.parent_id, Some(first));
    let codes: Vec<&str> = round2
        .items
        .iter()
        .map(|i| i.standard.code.as_str())
        .collect();
    assert_eq!(codes, vec!["XQ-SY-02", "XQ-LZ-01"]);
    store
        .record_result(second, "XQ-LZ-01", Some(ItemResult::Pass))
        .unwrap();
    store
        .record_result(second, "XQ-SY-02", Some(ItemResult::Fail))
        .unwrap();
    let chain = store.chain_of(second).unwrap();
    assert_eq!(chain.rounds.len(), 2);
    assert_eq!(chain.status_of(&rect, day(28)), RectificationStatus::Closed);
    match verdict_of(&chain.effective_items()) {
        Verdict::Failed { failing } => assert_eq!(
            failing,
            vec![("XQ-SY-02".to_owned(), "有智慧安防系统".to_owned())]
        ),
        other => panic!("{other:?}"),
    }
    // Only the latest round can be re-inspected.
    assert!(matches!(
        store.start_reinspection(first, day(27), "王工", &parties()),
        Err(StoreError::Refused(m)) if m.message().contains("已有更新的第 2 轮")
    ));

    // Round 3 fixes the last item: the acceptance is 合格.
    common::sign_off_as_is(&mut store, second);
    let third = store
        .start_reinspection(second, day(28), "王工", &parties())
        .unwrap();
    assert_eq!(store.inspection(third).unwrap().items.len(), 1);
    store
        .record_result(third, "XQ-SY-02", Some(ItemResult::Pass))
        .unwrap();
    let chain = store.chain_of(first).unwrap();
    assert_eq!(chain.rounds.len(), 3);
    assert_eq!(verdict_of(&chain.effective_items()), Verdict::Passed);
    assert!(chain.open_items().is_empty());
    assert!(matches!(
        store.start_reinspection(third, day(28), "王工", &parties()),
        Err(StoreError::Refused(m)) if m.message().contains("没有不合格项目需要复验")
    ));
}

#[test]
fn overdue_rectifications_are_listed_first() {
    let mut store = Store::open_in_memory().unwrap();
    let mut rects = Vec::new();
    for (name, deadline) in [("甲小区", day(30)), ("乙小区", day(10))] {
        let (_, id) = common::store_with_inspection(&mut store, name);
        store
            .record_result(id, "XQ-ST-01", Some(ItemResult::Fail))
            .unwrap();
        let r = Rectification {
            id: RectificationId::new(),
            inspection_id: id,
            item_code: "XQ-ST-01".into(),
            requirement: "更换锈蚀水管".into(),
            responsible_unit: "县自来水公司".into(),
            deadline,
        };
        store.save_rectification(&r).unwrap();
        rects.push(r);
    }
    let list = store.open_rectifications(day(20)).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].subject_name, "乙小区");
    assert_eq!(list[0].status, RectificationStatus::Overdue);
    assert_eq!(list[0].item_text, "供水管路畅通");
    assert_eq!(list[1].status, RectificationStatus::Open);
}

#[test]
fn the_notice_lists_the_open_rectifications() {
    use yanshou::export::{AcceptanceSheet, render_rectification_notice};
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "通知单小区");
    store
        .record_result(id, "XQ-ST-02", Some(ItemResult::Fail))
        .unwrap();
    store.record_remark(id, "XQ-ST-02", "电表箱锈蚀").unwrap();
    store
        .save_rectification(&Rectification {
            id: RectificationId::new(),
            inspection_id: id,
            item_code: "XQ-ST-02".into(),
            requirement: "更换电表箱".into(),
            responsible_unit: "国网洛宁县供电公司".into(),
            deadline: day(30),
        })
        .unwrap();
    let sheet = AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).unwrap();
    let bytes = render_rectification_notice(&sheet).unwrap();
    let text = common::pdf_text(&bytes);
    for expected in [
        "整改通知单",
        "通知单小区",
        "供电线路畅通",
        "电表箱锈蚀",
        "更换电表箱",
        "国网洛宁县供电公司",
        "2026年11月30日",
    ] {
        assert!(text.contains(expected), "missing {expected} in {text}");
    }
    // The acceptance sheet of the round lists it too.
    let bytes = yanshou::export::render_acceptance_sheet(&sheet).unwrap();
    let text = common::pdf_text(&bytes);
    assert!(
        text.contains("整改要求") && text.contains("更换电表箱"),
        "{text}"
    );
}

#[test]
fn the_register_places_every_compound_at_its_stage_by_the_pages_rule() {
    use yanshou::model::Stage;
    let mut store = Store::open_in_memory().unwrap();
    let rectify = |store: &mut Store, id| {
        store
            .save_rectification(&Rectification {
                id: RectificationId::new(),
                inspection_id: id,
                item_code: "XQ-LZ-01".into(),
                requirement: "重新铺设".into(),
                responsible_unit: "施工单位".into(),
                deadline: chrono::Local::now().date_naive() + chrono::Days::new(10),
            })
            .unwrap();
    };
    let mut expected = Vec::new();

    store.save_compound(&common::compound("未验小区")).unwrap();
    expected.push(("未验小区", Stage::NotInspected));

    let (_, id) = common::store_with_inspection(&mut store, "半途小区");
    store
        .record_result(id, "XQ-ST-01", Some(ItemResult::Pass))
        .unwrap();
    expected.push(("半途小区", Stage::InProgress));

    let (_, id) = common::store_with_inspection(&mut store, "待签小区");
    common::pass_every_item(&mut store, id);
    expected.push(("待签小区", Stage::InProgress));

    let (_, id) = common::store_with_inspection(&mut store, "交付小区");
    common::pass_every_item(&mut store, id);
    common::sign_off_as_is(&mut store, id);
    expected.push(("交付小区", Stage::Delivered));

    let (_, id) = common::store_with_inspection(&mut store, "不合格小区");
    common::pass_every_item(&mut store, id);
    store
        .record_result(id, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    expected.push(("不合格小区", Stage::Failed));

    let (_, id) = common::store_with_inspection(&mut store, "整改小区");
    common::pass_every_item(&mut store, id);
    store
        .record_result(id, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    rectify(&mut store, id);
    expected.push(("整改小区", Stage::Rectifying));

    // Signed with its rectification, then re-inspected: still 整改中 until the re-inspection
    // decides; 验收中 once it passes but is unsigned; 已交付 once that is signed too.
    let (_, first) = common::store_with_inspection(&mut store, "复验小区");
    common::pass_every_item(&mut store, first);
    store
        .record_result(first, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    rectify(&mut store, first);
    common::sign_off_as_is(&mut store, first);
    let second = store
        .start_reinspection(first, day(28), "王工", &parties())
        .unwrap();
    let stage_of = |store: &Store, name: &str| {
        store
            .compound_rows()
            .unwrap()
            .into_iter()
            .find(|r| r.compound.name == name)
            .unwrap()
            .stage
    };
    assert_eq!(stage_of(&store, "复验小区"), Stage::Rectifying);
    store
        .record_result(second, "XQ-LZ-01", Some(ItemResult::Pass))
        .unwrap();
    assert_eq!(stage_of(&store, "复验小区"), Stage::InProgress);
    common::sign_off_as_is(&mut store, second);
    expected.push(("复验小区", Stage::Delivered));

    let rows = store.compound_rows().unwrap();
    for (name, stage) in expected {
        let row = rows.iter().find(|r| r.compound.name == name).unwrap();
        assert_eq!(row.stage, stage, "{name}");
        // The register and the compound's own page agree.
        let (status, _) = store.acceptance_of(row.compound.id).unwrap();
        assert_eq!(status, stage.member_status(), "{name}");
    }
}

#[test]
fn a_new_acceptance_starts_only_once_every_round_so_far_is_locked() {
    use yanshou::model::{Catalogue, Subject};
    let mut store = Store::open_in_memory().unwrap();
    let (compound, first) = common::store_with_inspection(&mut store, "一次一验小区");
    let again = |store: &mut Store| {
        store.start_inspection(
            Subject::Compound(compound),
            Catalogue::current(),
            day(28),
            "王工",
            &parties(),
        )
    };
    let refused = again(&mut store).unwrap_err();
    assert!(
        matches!(&refused, StoreError::Refused(m) if m.message().contains("2026年11月20日 第 1 轮）尚未签字锁定")),
        "{refused:?}"
    );
    assert_eq!(
        store
            .inspections_of(Subject::Compound(compound))
            .unwrap()
            .len(),
        1
    );
    common::pass_every_item(&mut store, first);
    common::sign_off_as_is(&mut store, first);
    let second = again(&mut store).expect("a new acceptance once the first is locked");
    assert_ne!(second, first);
}

#[test]
fn no_round_of_an_older_acceptance_starts_while_a_newer_one_is_open() {
    use yanshou::model::{Catalogue, Subject};
    let mut store = Store::open_in_memory().unwrap();
    let (compound, first) = common::store_with_inspection(&mut store, "新旧小区");
    common::pass_every_item(&mut store, first);
    common::sign_off_as_is(&mut store, first);
    // A second acceptance, not yet signed.
    let newer = store
        .start_inspection(
            Subject::Compound(compound),
            Catalogue::current(),
            day(25),
            "王工",
            &parties(),
        )
        .unwrap();
    // Correcting the first acceptance now would make two open at once.
    let refused = store
        .start_correction(first, "误记", day(26), "王工", &parties())
        .unwrap_err();
    assert!(refused.to_string().contains("尚未签字锁定"), "{refused}");
    // And a new one dated before the newest round is refused too.
    common::pass_every_item(&mut store, newer);
    common::sign_off_as_is(&mut store, newer);
    let refused = store
        .start_inspection(
            Subject::Compound(compound),
            Catalogue::current(),
            day(21),
            "王工",
            &parties(),
        )
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("验收日期 2026年11月21日 早于最近一轮的验收日期 2026年11月25日"),
        "{refused}"
    );
}
