//! Rectification and re-inspection: verdicts across rounds, overdue rectifications.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

mod common;

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
        Err(StoreError::Invalid(ref m)) if m.starts_with("整改未保存：只有“不合格”的项目需要整改")
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
        Err(StoreError::Invalid(ref m)) if m.contains("尚未签字锁定")
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
        Err(StoreError::NotReady(_))
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
        Err(StoreError::NotReady(_))
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
