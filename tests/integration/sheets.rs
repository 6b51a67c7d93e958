//! What the printed sheets say beyond their items: the 验收总表 of a re-inspected acceptance,
//! the draft mark, one date format, local signing times, readable record numbers and the PDF's
//! creation date.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use chrono::NaiveDate;
use yanshou::export::{AcceptanceSheet, Document, FINAL_TITLE, render_acceptance_sheet};
use yanshou::model::{
    Catalogue, ItemResult, Rectification, RectificationId, SignMethod, Stroke,
    catalogue::COMPOUND_STANDARD,
};
use yanshou::store::Store;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn parties() -> Vec<String> {
    vec![
        "建设单位".to_owned(),
        "施工单位".to_owned(),
        "监理单位".to_owned(),
    ]
}

/// Round 1 fails two items and orders their rectification; round 2 re-inspects them, one
/// passes and one still fails; round 3 passes the last. Every round signed off.
fn three_rounds(store: &mut Store) -> Vec<yanshou::model::InspectionId> {
    let (_, first) = common::store_with_inspection(store, "总表小区");
    common::pass_every_item(store, first);
    for (code, requirement) in [("XQ-LZ-02", "更换破损路缘石"), ("XQ-SY-02", "补装健身器材")]
    {
        store
            .record_result(first, code, Some(ItemResult::Fail))
            .unwrap();
        store
            .record_remark(first, code, "第一轮发现的问题")
            .unwrap();
        store
            .save_rectification(&Rectification {
                id: RectificationId::new(),
                inspection_id: first,
                item_code: code.to_owned(),
                requirement: requirement.to_owned(),
                responsible_unit: "施工单位".to_owned(),
                deadline: chrono::Local::now().date_naive() + chrono::Days::new(20),
            })
            .unwrap();
    }
    common::sign_off_as_is(store, first);
    let second = store
        .start_reinspection(first, day(25), "王工", &parties())
        .unwrap();
    store
        .record_result(second, "XQ-LZ-02", Some(ItemResult::Pass))
        .unwrap();
    store
        .record_result(second, "XQ-SY-02", Some(ItemResult::Fail))
        .unwrap();
    common::sign_off_as_is(store, second);
    let third = store
        .start_reinspection(second, day(28), "王工", &parties())
        .unwrap();
    store
        .record_result(third, "XQ-SY-02", Some(ItemResult::Pass))
        .unwrap();
    vec![first, second, third]
}

#[test]
fn the_final_sheet_tells_the_whole_story_of_an_acceptance() {
    let mut store = Store::open_in_memory().unwrap();
    let rounds = three_rounds(&mut store);
    let third = rounds[2];
    let clock = common::china_now();

    // The last round alone lists only the item it re-checked…
    let last_alone = common::pdf_text(
        &Document::AcceptanceSheet(third)
            .render(&store, &clock)
            .unwrap(),
    );
    assert!(last_alone.contains("共1项"), "{last_alone}");

    // …while the final sheet lists every item with each round's finding.
    let unsigned = common::pdf_text(&Document::FinalSheet(third).render(&store, &clock).unwrap());
    let all = Catalogue::current().items_of(COMPOUND_STANDARD).len();
    assert!(unsigned.contains(FINAL_TITLE), "{unsigned}");
    assert!(
        unsigned.contains(&format!("经3轮验收，共{all}项：合格{all}项，不合格0项")),
        "{unsigned}"
    );
    for expected in [
        "第1轮",
        "第2轮",
        "第3轮",
        "最终结果",
        "最终结论：合格",
        "更换破损路缘石",
        "补装健身器材",
        "已复验合格",
        "第1轮发现的问题",
        "2026年11月25日",
        // The last round is not yet signed: the sheet says it is a draft.
        "第3轮尚未签字确认，本表为草稿",
        "草稿·第3轮未签字确认",
    ] {
        let expected = expected.replace("第1轮发现", "第一轮发现");
        assert!(
            unsigned.contains(&expected),
            "{expected} missing in {unsigned}"
        );
    }
    // Each item's line: 路沿齐整 failed in round 1, passed in round 2, not re-checked in 3.
    assert!(
        unsigned.contains("路沿齐整") && unsigned.contains("不合格合格—合格"),
        "{unsigned}"
    );

    // Signed at the end: the codes of every round, no draft mark, the latest round's boxes.
    let seal = common::sign_off_as_is(&mut store, third);
    let signed = common::pdf_text(
        &Document::FinalSheet(rounds[0])
            .render(&store, &clock)
            .unwrap(),
    );
    assert!(!signed.contains("草稿"), "{signed}");
    assert!(signed.contains("参加验收单位签字（第3轮）"), "{signed}");
    for id in &rounds {
        let code = yanshou::model::signoff::short_code(
            store.inspection(*id).unwrap().seal.as_deref().unwrap(),
        );
        assert!(signed.contains(&code), "{code} missing in {signed}");
    }
    assert!(signed.contains(&yanshou::model::signoff::short_code(&seal)));
    let name = Document::FinalSheet(rounds[1])
        .suggested_name(&store, &clock)
        .unwrap();
    assert_eq!(name, "小区验收总表-总表小区-2026-11-20-共3轮.pdf");
    // Every round's sheet and notice has a file name of its own.
    let names: Vec<String> = rounds
        .iter()
        .flat_map(|id| {
            [
                Document::AcceptanceSheet(*id),
                Document::RectificationNotice(*id),
            ]
        })
        .map(|d| d.suggested_name(&store, &clock).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "小区验收单-总表小区-2026-11-20-第1轮.pdf",
            "整改通知单-总表小区-2026-11-20-第1轮.pdf",
            "小区验收单-总表小区-2026-11-25-第2轮.pdf",
            "整改通知单-总表小区-2026-11-25-第2轮.pdf",
            "小区验收单-总表小区-2026-11-28-第3轮.pdf",
            "整改通知单-总表小区-2026-11-28-第3轮.pdf",
        ]
    );
}

#[test]
fn an_unsigned_sheet_is_marked_a_draft_on_every_page() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "标记小区");
    store
        .record_result(id, "XQ-ST-01", Some(ItemResult::Pass))
        .unwrap();
    let clock = common::china_now();
    let raw = common::pdf_text_raw(
        &Document::AcceptanceSheet(id)
            .render(&store, &clock)
            .unwrap(),
    );
    let undecided = Catalogue::current().items_of(COMPOUND_STANDARD).len() - 1;
    let mark = format!("草稿 · 尚有 {undecided} 项未判定 · 未签字确认");
    for (n, page) in raw
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .enumerate()
    {
        assert!(
            page.contains(&mark),
            "page {} has no draft mark:\n{page}",
            n + 1
        );
    }
    common::pass_every_item(&mut store, id);
    common::sign_off_as_is(&mut store, id);
    let signed = common::pdf_text(
        &Document::AcceptanceSheet(id)
            .render(&store, &clock)
            .unwrap(),
    );
    assert!(!signed.contains("草稿"), "{signed}");
}

#[test]
fn a_sheet_prints_local_times_one_date_format_and_a_readable_record_number() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "时间小区");
    common::pass_every_item(&mut store, id);
    let stroke: Stroke = vec![[0.1, 0.5], [0.5, 0.2], [0.9, 0.6]];
    store
        .sign(id, 0, "张三", &SignMethod::Drawn(vec![stroke]))
        .unwrap();
    store.sign(id, 1, "李四", &SignMethod::WetInk).unwrap();
    store.sign(id, 2, "王五", &SignMethod::WetInk).unwrap();
    store.sign_off(id).unwrap();
    let signed_at = store.signatures(id).unwrap()[0].signed_at.clone();

    // The same record printed in Luoning (UTC+8) and in a zone west of Greenwich.
    for offset_hours in [8, -5] {
        let zone = chrono::FixedOffset::east_opt(offset_hours * 3600).unwrap();
        let clock = yanshou::model::Clock::at(chrono::Utc::now().with_timezone(&zone));
        let sheet = AcceptanceSheet::load(&store, id, clock).unwrap();
        let bytes = render_acceptance_sheet(&sheet).unwrap();
        let text = common::pdf_text(&bytes);
        let zone_name = if offset_hours == 8 {
            "北京时间"
        } else {
            "UTC-5"
        };
        let when = clock.time_text(&signed_at).replace(' ', "");
        assert!(when.ends_with(&format!("（{zone_name}）")), "{when}");
        assert!(
            text.contains(&format!("张三·屏幕签字·{when}")),
            "{when} missing in {text}"
        );
        // The screen signer's 日期 line is filled with the local date; paper signers write it.
        let date = yanshou::model::date_text(clock.date_of(&signed_at).unwrap());
        assert!(
            text.contains(&format!("日期：{date}")),
            "{date} missing in {text}"
        );
        assert!(text.contains("验收日期2026年11月20日"), "{text}");
        assert!(!text.contains("2026-11-20"), "{text}");
        // The record number, not the raw id.
        assert!(
            text.contains(&format!("记录编号：{}", id.number())),
            "{text}"
        );
        assert!(!text.contains(&id.to_string()), "{text}");
        // The PDF's creation date is the moment it was printed (stored as UTC).
        let raw = String::from_utf8_lossy(&bytes);
        let stamp = clock
            .now()
            .with_timezone(&chrono::Utc)
            .format("%Y%m%d%H%M")
            .to_string();
        assert!(
            raw.contains(&format!("CreationDate(D:{stamp}")),
            "no creation date {stamp}"
        );
    }
}
