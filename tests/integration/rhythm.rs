//! 附件2's rhythm: daily reports make the day's bulletin (PDF and xlsx) with open matters
//! carried forward until closed; meetings keep their decisions open until done; the month's
//! route prints in order; the quarter's scores rank with the evidence the records hold; and
//! the local rules decide where they say they do.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use calamine::{Data, Reader, open_workbook_auto};
use chrono::NaiveDate;
use yanshou::export::Document;
use yanshou::job::Progress;
use yanshou::model::policy_rule::PolicyRule;
use yanshou::model::rhythm::{
    ActionItem, DailyReport, Meeting, Month, Quarter, QuarterScore, UnitKind,
};
use yanshou::model::{Clock, CompoundId, ItemResult, Rectification};
use yanshou::store::{Store, StoreError};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn report(d: u32, unit: &str, compound: &str, matters: &str) -> DailyReport {
    DailyReport {
        date: day(d),
        unit: unit.to_owned(),
        kind: Some(UnitKind::Contractor),
        compound_name: compound.to_owned(),
        work_done: format!("{d} 日开挖管沟"),
        matters: matters.to_owned(),
        ..DailyReport::default()
    }
}

/// Reports of the 20th–22nd: the 20th's matter stays open, the 21st's is closed on the 22nd.
fn office() -> (Store, CompoundId) {
    office_in(Store::open_in_memory().unwrap())
}

fn office_in(mut store: Store) -> (Store, CompoundId) {
    let c = common::compound("永宁小区");
    store.save_compound(&c).unwrap();
    store
        .add_daily_report(&report(20, "一标段", "永宁小区", "3 号楼电杆迁移"))
        .unwrap();
    let gas = store
        .add_daily_report(&report(21, "二标段", "", "燃气管改线"))
        .unwrap();
    store
        .add_daily_report(&report(22, "一标段", "永宁小区", ""))
        .unwrap();
    store
        .resolve_matters(&gas, day(22), "已现场确认改线")
        .unwrap();
    (store, c.id)
}

fn write(store: &Store, document: &Document) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(document.suggested_name(store, &Clock::local()).unwrap());
    let outcome = document.write(
        store,
        &path,
        &common::noon_on(day(29)),
        &Progress::unobserved(),
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    (dir, path)
}

fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => f.to_string(),
                    Data::DateTime(d) => d.as_datetime().unwrap().date().to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_bulletin_carries_open_matters_forward_until_they_are_closed() {
    let (store, compound) = office();
    let reports = store.daily_reports_until(day(22)).unwrap();
    assert_eq!(reports.len(), 3);
    assert_eq!(
        reports[0].compound,
        Some(compound),
        "the name found its compound"
    );

    let (_dir, path) = write(
        &store,
        &Document::Bulletin {
            date: day(22),
            xlsx: true,
        },
    );
    assert!(path.ends_with("日通报-2026-11-22.xlsx"));
    let today = sheet(&path, "当日报送");
    assert_eq!(today.len(), 2, "{today:?}");
    assert_eq!(
        today[1][..4],
        ["2026-11-22", "一标段", "施工单位", "永宁小区"]
    );
    let open = sheet(&path, "需协调事项");
    assert_eq!(open.len(), 2, "only the 20th's matter is open: {open:?}");
    assert_eq!(
        open[1][..5],
        [
            "2026-11-20",
            "一标段 · 永宁小区",
            "3 号楼电杆迁移",
            "结转（已 2 天）",
            "2"
        ]
    );
    let closed = sheet(&path, "当日办结");
    assert_eq!(
        closed[1][2..],
        ["燃气管改线", "2026-11-22", "已现场确认改线"]
    );

    // The 21st's bulletin still has the gas matter, new that day, and the carried one.
    let (_dir, path) = write(
        &store,
        &Document::Bulletin {
            date: day(21),
            xlsx: false,
        },
    );
    let text = common::pdf_text(&std::fs::read(&path).unwrap());
    assert!(
        text.contains("洛宁县城镇老旧小区改造提质工作日通报"),
        "{text}"
    );
    assert!(text.contains("结转（已1天）"), "{text}");
    assert!(
        text.contains("燃气管改线") && text.contains("当日新增"),
        "{text}"
    );
    assert!(text.contains("当日未报送：一标段。"), "{text}");
    assert!(
        text.contains("前期未办结事项结转1项，当日办结0项，当日终了仍待协调2项"),
        "{text}"
    );
}

#[test]
fn bad_reports_are_refused_and_change_nothing() {
    let (mut store, _) = office();
    let before = store.daily_reports_until(day(29)).unwrap();
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let cases = [
        DailyReport {
            unit: String::new(),
            ..report(23, "", "", "x")
        },
        DailyReport {
            kind: None,
            ..report(23, "一标段", "", "x")
        },
        DailyReport {
            date: tomorrow,
            ..report(23, "一标段", "", "x")
        },
        DailyReport {
            date: NaiveDate::from_ymd_opt(1926, 11, 23).unwrap(),
            ..report(23, "一标段", "", "x")
        },
        DailyReport {
            work_done: String::new(),
            ..report(23, "一标段", "", "")
        },
        report(23, "一标段", "不存在的小区", ""),
    ];
    for bad in cases {
        let err = store.add_daily_report(&bad).unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{bad:?}: {err:?}");
        assert!(err.is_about_the_input());
    }
    let id = &before[0].id;
    let err = store.resolve_matters(id, day(19), "").unwrap_err();
    assert!(err.to_string().contains("早于报送日期"), "{err}");
    assert_eq!(store.daily_reports_until(day(29)).unwrap(), before);
}

#[test]
fn a_meeting_keeps_its_decisions_open_until_they_are_done() {
    let mut store = Store::open_in_memory().unwrap();
    let action = |text: &str, due: u32| ActionItem {
        id: Default::default(),
        meeting_id: Default::default(),
        text: text.to_owned(),
        owner: "供电公司".to_owned(),
        due_on: day(due),
        closed_on: None,
    };
    let meeting = Meeting {
        id: Default::default(),
        held_on: day(16),
        units: vec!["城关镇".to_owned(), "供电公司".to_owned()],
        progress: "管网完成四成".to_owned(),
        actions: vec![action("迁移电杆", 20), action("停电公告", 18)],
    };
    let bad = Meeting {
        actions: vec![action("倒签", 10)],
        ..meeting.clone()
    };
    assert!(
        store
            .add_meeting(&bad)
            .unwrap_err()
            .to_string()
            .contains("早于会议日期")
    );
    assert!(store.meetings().unwrap().is_empty(), "nothing half-written");
    store.add_meeting(&meeting).unwrap();
    let saved = &store.meetings().unwrap()[0];
    let texts: Vec<&str> = saved.actions.iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["停电公告", "迁移电杆"], "by due date");
    let notice = saved.actions[0].id.clone();
    store.close_action(&notice, Some(day(18))).unwrap();
    let open: Vec<ActionItem> = store.meetings().unwrap()[0]
        .actions
        .iter()
        .filter(|a| a.is_open())
        .cloned()
        .collect();
    assert_eq!(open.len(), 1);
    assert!(open[0].overdue(day(21)) && !open[0].overdue(day(20)));
    // The bulletin of the 21st lists the open one as overdue.
    let (_dir, path) = write(
        &store,
        &Document::Bulletin {
            date: day(21),
            xlsx: false,
        },
    );
    let text = common::pdf_text(&std::fs::read(&path).unwrap());
    assert!(text.contains("四、周例会决定事项（未完成）"), "{text}");
    assert!(
        text.contains("迁移电杆") && text.contains("逾期未完成"),
        "{text}"
    );
    assert!(!text.contains("停电公告"), "closed on the 18th: {text}");
    store.close_action(&notice, None).unwrap();
    assert!(
        store.meetings().unwrap()[0]
            .actions
            .iter()
            .all(ActionItem::is_open)
    );
}

#[test]
fn the_month_s_route_prints_in_its_order() {
    let mut store = Store::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for (name, steps) in [("甲小区", 1), ("乙小区", 3)] {
        let c = common::compound(name);
        store.save_compound(&c).unwrap();
        let order = [
            crate::common::luoning_step("scheme"),
            crate::common::luoning_step("publicity"),
            crate::common::luoning_step("clean_up"),
        ];
        for (i, step) in order.into_iter().take(steps).enumerate() {
            store
                .record_step(
                    c.id,
                    &yanshou::model::programme::StepRecord {
                        step,
                        done_on: day(1 + i as u32),
                        unit: "城关镇".to_owned(),
                        count: None,
                        note: String::new(),
                        details: Vec::new(),
                        evidence: Vec::new(),
                    },
                    day(29),
                )
                .unwrap();
        }
        ids.push(c.id);
    }
    let month = Month::of(day(1));
    let candidates = store.observation_candidates(month).unwrap();
    let names: Vec<&str> = candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["乙小区", "甲小区"], "further along first");
    store
        .set_observation_route(
            month,
            &[(ids[0], "看宣传".to_owned()), (ids[1], "看清理".to_owned())],
        )
        .unwrap();
    let first = store.observation_route(month).unwrap();
    // Reordered: the stops keep their ids.
    store
        .set_observation_route(
            month,
            &[(ids[1], "看清理".to_owned()), (ids[0], "看宣传".to_owned())],
        )
        .unwrap();
    let route = store.observation_route(month).unwrap();
    assert_eq!(route[0].name, "乙小区");
    assert_eq!(route[1].id, first[0].id);
    let (_dir, path) = write(&store, &Document::ObservationPlan(month));
    let text = common::pdf_text(&std::fs::read(&path).unwrap());
    assert!(text.contains("观摩路线：乙小区→甲小区"), "{text}");
    let second = text.find("第2站").unwrap();
    assert!(text.find("乙小区").unwrap() < second, "{text}");
}

#[test]
fn the_quarter_ranks_units_with_the_evidence_the_records_hold() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, round) = common::store_with_inspection(&mut store, "永宁小区");
    store
        .record_result(round, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    store
        .save_rectification(&Rectification {
            id: yanshou::model::RectificationId::new(),
            inspection_id: round,
            item_code: "XQ-LZ-01".to_owned(),
            requirement: "修补路面".to_owned(),
            responsible_unit: "一标段".to_owned(),
            deadline: day(25),
        })
        .unwrap();
    for d in [2, 3, 3] {
        store
            .add_daily_report(&report(d, "一标段", "", ""))
            .unwrap();
    }
    let q = Quarter::of(day(1));
    let score = |unit: &str, kind, parts: [Option<u8>; 4]| QuarterScore {
        unit: unit.to_owned(),
        kind: Some(kind),
        duties: parts[0],
        role: parts[1],
        results: parts[2],
        progress: parts[3],
        ..QuarterScore::default()
    };
    store
        .save_quarter_score(
            q,
            &score("一标段", UnitKind::Contractor, [None, None, None, Some(58)]),
        )
        .unwrap();
    store
        .save_quarter_score(
            q,
            &score(
                "城关镇",
                UnitKind::Responsible,
                [Some(36), Some(27), Some(27), None],
            ),
        )
        .unwrap();
    let over = score(
        "城关镇",
        UnitKind::Responsible,
        [Some(41), Some(27), Some(27), None],
    );
    assert!(
        store
            .save_quarter_score(q, &over)
            .unwrap_err()
            .to_string()
            .contains("超过满分 40")
    );
    let evidence = store.unit_evidence(q, "一标段").unwrap();
    assert_eq!(evidence.reports_filed, 2, "two days");
    assert_eq!(
        evidence.overdue_rectifications, 1,
        "past the 25th, still open at the quarter's end"
    );

    let (_dir, path) = write(&store, &Document::QuarterEvaluation(q));
    let rows = sheet(&path, "考评排名");
    assert_eq!(rows[1][..3], ["1", "城关镇", "小区主管单位"]);
    assert_eq!(
        (rows[1][7].as_str(), rows[1][8].as_str()),
        ("90", "通报表扬")
    );
    assert_eq!(
        (
            rows[2][1].as_str(),
            rows[2][7].as_str(),
            rows[2][8].as_str()
        ),
        ("一标段", "58", "通报批评")
    );
    assert_eq!((rows[2][9].as_str(), rows[2][10].as_str()), ("2", "1"));
    // A local rule moves the line: praise from 95 now.
    store.set_policy_rule(PolicyRule::PraiseAt, "95").unwrap();
    let (_dir, path) = write(&store, &Document::QuarterEvaluation(q));
    let rows = sheet(&path, "考评排名");
    assert_eq!(rows[1][8], "");
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c.contains("95 分及以上通报表扬") && c.contains("本地规则"))
    );
    assert!(
        store
            .set_policy_rule(PolicyRule::Willingness, "三分之二")
            .is_err()
    );
}

#[test]
fn the_cli_prints_the_day_s_bulletin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    drop(office_in(Store::open(&db).unwrap()));
    let out = dir.path().join("通报.pdf");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_yanshou"))
        .args(["--db"])
        .arg(&db)
        .args(["export-bulletin", "--date", "2026-11-22", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = common::pdf_text(&std::fs::read(&out).unwrap());
    assert!(
        text.contains("3号楼电杆迁移") && text.contains("结转（已2天）"),
        "{text}"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_yanshou"))
        .args(["--db"])
        .arg(&db)
        .args(["export-bulletin", "--date", "2026-13-01", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("应写成 2026-11-27 这样"));
}
