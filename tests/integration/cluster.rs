//! Cluster acceptance (cluster standard, 五全, 九位一体), the rule that a cluster is not 合格
//! while a member compound is not accepted, corrections of signed rounds, the cluster and
//! overall sheets, and the schema upgrade that made room for them.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use chrono::NaiveDate;
use yanshou::export::{
    AcceptanceSheet, CLUSTER_SHEET_TITLE, OVERALL_TITLE, OverallSheet, render_acceptance_sheet,
    render_overall_sheet,
};
use yanshou::model::{
    Catalogue, Cluster, ClusterId, CompoundId, InspectionId, ItemResult, MemberStatus, RoundKind,
    SealCheck, SignMethod, Subject, Verdict,
};
use yanshou::store::{Store, StoreError};

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn parties() -> Vec<String> {
    vec!["县住建局".to_owned(), "属地乡镇".to_owned()]
}

/// A cluster with two member compounds, 甲 and 乙.
fn cluster_with_two() -> (Store, ClusterId, CompoundId, CompoundId) {
    let mut store = Store::open_in_memory().unwrap();
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".to_owned(),
        town_id: None,
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster).unwrap();
    let mut ids = Vec::new();
    for name in ["甲小区", "乙小区"] {
        let mut c = common::compound(name);
        c.cluster_id = Some(cluster.id);
        store.save_compound(&c).unwrap();
        ids.push(c.id);
    }
    (store, cluster.id, ids[0], ids[1])
}

/// Decides every item of a round with `result`, signs for every party and signs off.
fn decide_sign_off(store: &mut Store, id: InspectionId, result: ItemResult) -> String {
    let inspection = store.inspection(id).unwrap();
    for item in &inspection.items {
        store
            .record_result(id, &item.standard.code, Some(result))
            .unwrap();
        if result == ItemResult::Fail {
            store
                .record_remark(id, &item.standard.code, "未达标")
                .unwrap();
        }
    }
    common::sign_off_as_is(store, id)
}

fn start(store: &mut Store, subject: Subject, day: u32) -> InspectionId {
    store
        .start_inspection(
            subject,
            Catalogue::current(),
            date(day),
            "验收组",
            &parties(),
        )
        .unwrap()
}

/// Accepts a compound: one round, every item 合格, signed off.
fn accept(store: &mut Store, compound: CompoundId) -> InspectionId {
    let id = start(store, Subject::Compound(compound), 10);
    decide_sign_off(store, id, ItemResult::Pass);
    id
}

/// A compound inspection under way with one item 不合格.
fn start_failing(store: &mut Store, compound: CompoundId) -> InspectionId {
    let id = start(store, Subject::Compound(compound), 12);
    store
        .record_result(id, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    id
}

fn start_cluster(store: &mut Store, cluster: ClusterId) -> InspectionId {
    start(store, Subject::Cluster(cluster), 20)
}

/// Marks every item of a round 合格.
fn pass_all(store: &mut Store, id: InspectionId) {
    for item in store.inspection(id).unwrap().items {
        store
            .record_result(id, &item.standard.code, Some(ItemResult::Pass))
            .unwrap();
    }
}

#[test]
fn a_cluster_acceptance_checks_the_cluster_standard_five_complete_and_nine_in_one() {
    let (mut store, cluster, _, _) = cluster_with_two();
    let id = start_cluster(&mut store, cluster);
    let inspection = store.inspection(id).unwrap();
    assert_eq!(inspection.subject, Subject::Cluster(cluster));
    assert_eq!(inspection.items.len(), 16 + 5 + 9);
    let standards: Vec<&str> = inspection
        .items
        .iter()
        .map(|i| i.standard.standard.as_str())
        .collect();
    assert_eq!(standards[0], "cluster");
    assert_eq!(standards[16], "five-complete");
    assert_eq!(standards[21], "nine-in-one");
    for group in ["三合", "三整", "九有", "绿色社区", "五全", "九位一体"] {
        assert!(
            inspection.items.iter().any(|i| i.standard.group == group),
            "{group} missing"
        );
    }
    assert!(
        inspection
            .items
            .iter()
            .all(|i| i.standard.clause.starts_with("二、（四）")),
        "every item cites its clause"
    );
    assert_eq!(store.subject_name(inspection.subject).unwrap(), "永宁片区");
}

#[test]
fn a_cluster_is_not_passed_while_a_member_compound_has_no_acceptance() {
    let (mut store, cluster, first, second) = cluster_with_two();
    accept(&mut store, first);
    let members = store.member_acceptances(cluster).unwrap();
    let statuses: Vec<(&str, MemberStatus)> = members
        .iter()
        .map(|m| (m.name.as_str(), m.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("乙小区", MemberStatus::NotInspected),
            ("甲小区", MemberStatus::Accepted)
        ]
    );
    assert!(
        members[1].code.is_some(),
        "an accepted member shows its code"
    );

    let id = start_cluster(&mut store, cluster);
    pass_all(&mut store, id);
    for position in 0..2 {
        store
            .sign(id, position, "签字人", &SignMethod::WetInk)
            .unwrap();
    }
    // Every item 合格, but 乙小区 has no acceptance: 未完成, naming it; sign-off refused.
    let verdict = store
        .verdict_of_round(&store.inspection(id).unwrap())
        .unwrap();
    assert_eq!(verdict.label(), "未完成");
    assert!(
        verdict.explanation().contains("乙小区（尚未验收）"),
        "{}",
        verdict.explanation()
    );
    let err = store.sign_off(id).unwrap_err();
    assert!(matches!(err, StoreError::NotReady(_)), "{err:?}");
    assert!(err.to_string().contains("乙小区"), "{err}");
    assert!(!store.inspection(id).unwrap().is_signed_off());

    // A failing member does not help either.
    let failing = start_failing(&mut store, second);
    let err = store.sign_off(id).unwrap_err();
    assert!(err.to_string().contains("乙小区（不合格）"), "{err}");

    // Once 乙小区 is accepted too, the cluster can be 合格 and signed off.
    store
        .record_result(failing, "XQ-LZ-01", Some(ItemResult::Pass))
        .unwrap();
    decide_sign_off(&mut store, failing, ItemResult::Pass);
    let sealed = store.sign_off(id).unwrap();
    let inspection = store.inspection(id).unwrap();
    assert_eq!(
        store.verdict_of_round(&inspection).unwrap(),
        Verdict::Passed
    );
    // The members are sealed as they stood.
    assert_eq!(inspection.members.len(), 2);
    assert!(
        inspection
            .members
            .iter()
            .all(|m| m.status == MemberStatus::Accepted && m.code.is_some())
    );
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Intact { .. }
    ));
    assert_eq!(inspection.seal.as_deref(), Some(sealed.as_str()));

    // The sealed member list cannot be changed through the app, and a change made with a
    // SQL editor shows.
    let conn = store.connection();
    assert!(
        conn.execute("UPDATE inspection_member SET status = 'failed'", [])
            .is_err(),
        "locked by trigger"
    );
    conn.execute_batch(
        "DROP TRIGGER member_locked_update;
         UPDATE inspection_member SET name = '改过的小区' WHERE position = 0;",
    )
    .unwrap();
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Tampered { .. }
    ));
}

#[test]
fn a_failed_cluster_acceptance_can_be_signed_off_and_re_inspected() {
    let (mut store, cluster, _, _) = cluster_with_two();
    let id = start_cluster(&mut store, cluster);
    pass_all(&mut store, id);
    let inspection = store.inspection(id).unwrap();
    let failed = &inspection.items[0].standard.code;
    store
        .record_result(id, failed, Some(ItemResult::Fail))
        .unwrap();
    for position in 0..2 {
        store
            .sign(id, position, "签字人", &SignMethod::WetInk)
            .unwrap();
    }
    // 不合格 is a finding the parties can sign, members accepted or not.
    store.sign_off(id).unwrap();
    let summary = &store.inspections_of(Subject::Cluster(cluster)).unwrap()[0];
    assert_eq!(summary.verdict.label(), "不合格");
    let round2 = store
        .start_reinspection(id, date(25), "县验收组", &parties())
        .unwrap();
    let round2 = store.inspection(round2).unwrap();
    assert_eq!(round2.subject, Subject::Cluster(cluster));
    assert_eq!(round2.kind, RoundKind::Reinspection);
    assert_eq!(round2.items.len(), 1);
    assert_eq!(&round2.items[0].standard.code, failed);
}

#[test]
fn a_signed_round_is_corrected_by_a_new_linked_round_never_edited() {
    let mut store = Store::open_in_memory().unwrap();
    let (compound, id) = common::store_with_inspection(&mut store, "更正小区");
    // Not signed yet: nothing to correct, the round can still be edited.
    let err = store
        .start_correction(id, "误记", date(21), "王工", &parties())
        .unwrap_err();
    assert!(err.to_string().contains("尚未签字"), "{err}");
    let sealed = decide_sign_off(&mut store, id, ItemResult::Pass);
    assert_eq!(
        store.inspections_of(Subject::Compound(compound)).unwrap()[0]
            .verdict
            .label(),
        "合格"
    );

    // Not before the round it corrects.
    let err = store
        .start_correction(id, "误记", date(1), "王工", &parties())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("验收日期 2026年11月01日 早于最近一轮的验收日期 2026年11月20日"),
        "{err}"
    );

    // A reason is required.
    let err = store
        .start_correction(id, "  ", date(21), "王工", &parties())
        .unwrap_err();
    assert!(err.to_string().contains("更正原因"), "{err}");

    let correction = store
        .start_correction(id, "XQ-LZ-01 误记为合格", date(21), "王工", &parties())
        .unwrap();
    let round = store.inspection(correction).unwrap();
    assert_eq!(round.kind, RoundKind::Correction);
    assert_eq!(round.round, 2);
    assert_eq!(round.parent_id, Some(id));
    assert_eq!(round.reason, "XQ-LZ-01 误记为合格");
    assert_eq!(round.items.len(), 13, "a correction re-checks every item");
    assert!(
        round
            .items
            .iter()
            .all(|i| i.result == Some(ItemResult::Pass)),
        "starting from the findings it corrects"
    );
    // Only the latest round can be followed.
    assert!(
        store
            .start_correction(id, "再次更正", date(21), "王工", &parties())
            .is_err()
    );

    store
        .record_result(correction, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    // The original is untouched and still matches its seal.
    let original = store.inspection(id).unwrap();
    assert_eq!(original.seal.as_deref(), Some(sealed.as_str()));
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Intact { .. }
    ));
    assert_eq!(
        original.item("XQ-LZ-01").unwrap().result,
        Some(ItemResult::Pass)
    );
    // The verdict follows the latest round: the compound is no longer handed over.
    let chain = store.chain_of(id).unwrap();
    assert_eq!(chain.rounds.len(), 2);
    assert_eq!(
        yanshou::model::verdict_of(&chain.effective_items()).label(),
        "不合格"
    );
    let newest = &store.inspections_of(Subject::Compound(compound)).unwrap()[0];
    assert_eq!(newest.id, correction);
    assert_eq!(newest.kind, RoundKind::Correction);
    assert_eq!(newest.verdict.label(), "不合格");

    // The correction is sealed with its reason: the code differs from the original's.
    store
        .record_remark(correction, "XQ-LZ-01", "路面塌陷")
        .unwrap();
    let second = common::sign_off_as_is(&mut store, correction);
    assert_ne!(second, sealed);
    let sheet = AcceptanceSheet::load(&store, correction, yanshou::model::Clock::local()).unwrap();
    let text = common::pdf_text(&render_acceptance_sheet(&sheet).unwrap());
    assert!(text.contains("第2轮更正"), "{text}");
    assert!(text.contains("更正原因"), "{text}");
    assert!(text.contains("XQ-LZ-01误记为合格"), "{text}");
}

#[test]
fn the_cluster_sheet_and_the_overall_summary_show_every_member() {
    let (mut store, cluster, first, second) = cluster_with_two();
    accept(&mut store, first);
    start_failing(&mut store, second);
    let id = start_cluster(&mut store, cluster);
    pass_all(&mut store, id);

    let sheet = AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).unwrap();
    assert_eq!(sheet.subject_name, "永宁片区");
    let text = common::pdf_text(&render_acceptance_sheet(&sheet).unwrap());
    assert!(text.contains(CLUSTER_SHEET_TITLE), "{text}");
    for expected in [
        "片区名称",
        "永宁片区",
        "三合",
        "五全",
        "九位一体",
        "片区内小区验收情况",
        "甲小区",
        "合格（已交付）",
        "乙小区",
        "不合格",
        "验收结论：未完成",
        "小区尚未全部验收合格",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }

    let overall = OverallSheet::load(&store, cluster, common::noon_on(date(28))).unwrap();
    assert_eq!(overall.members.len(), 2);
    let text = common::pdf_text(&render_overall_sheet(&overall).unwrap());
    assert!(text.contains(OVERALL_TITLE), "{text}");
    let code = store.member_acceptances(cluster).unwrap()[1]
        .code
        .clone()
        .unwrap();
    for expected in [
        "一、小区验收（合格并交付1/2个）",
        "甲小区",
        &code,
        "乙小区",
        "二、片区验收",
        "九位一体",
        "片区验收结论：未完成",
        "尚未签字确认",
        "汇总日期2026年11月28日",
    ] {
        assert!(text.contains(expected), "{expected} missing in {text}");
    }
    // The group counts: all 16 cluster-standard items and 9 九位一体 items decided 合格.
    let acceptance = overall.acceptance.unwrap();
    let passed: usize = acceptance.groups.iter().map(|g| g.pass).sum();
    assert_eq!(passed, 30);
}

#[test]
fn a_version_5_file_keeps_its_inspections_through_the_cluster_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.db");
    let compound = CompoundId::new();
    let first = InspectionId::new();
    let second = InspectionId::new();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        yanshou::store::migrate_to(&mut conn, 5).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO compound (id, name, created_at, updated_at) VALUES ('{compound}', '旧小区', 'x', 'x');
             INSERT INTO inspection (id, compound_id, standard_id, catalogue_version, inspected_on,
                 inspectors, created_at, updated_at)
                 VALUES ('{first}', '{compound}', 'compound', '2021-17/v1', '2025-01-02', '王工', 'x', 'x');
             INSERT INTO inspection (id, compound_id, standard_id, catalogue_version, inspected_on,
                 inspectors, created_at, updated_at, parent_id, round)
                 VALUES ('{second}', '{compound}', 'compound', '2021-17/v1', '2025-02-02', '王工', 'x', 'x', '{first}', 2);
             INSERT INTO inspection_item (inspection_id, position, code, standard_id, group_name,
                 standard_text, hint, clause, required, result, updated_at)
                 VALUES ('{first}', 0, 'XQ-LZ-01', 'compound', '两整', '路面平整', '', '二、（四）', 1, 'fail', 'x');
             INSERT INTO inspection_party (inspection_id, position, unit) VALUES ('{first}', 0, '建设单位');
             INSERT INTO signature (inspection_id, position, signer, signed_at) VALUES ('{first}', 0, '张三', 'x');
             UPDATE inspection SET signed_off_at = 'x', seal = 'abc' WHERE id = '{first}';"
        ))
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let fk: bool = store
        .connection()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert!(fk, "foreign keys are enforced again after the upgrade");
    let old = store.inspection(first).unwrap();
    assert_eq!(old.subject, Subject::Compound(compound));
    assert_eq!(old.kind, RoundKind::First);
    assert_eq!(old.items.len(), 1, "items survive the table rebuild");
    assert_eq!(old.parties, vec!["建设单位".to_owned()]);
    assert_eq!(store.signatures(first).unwrap().len(), 1);
    let later = store.inspection(second).unwrap();
    assert_eq!(later.kind, RoundKind::Reinspection);
    assert_eq!(later.parent_id, Some(first));
    // The lock triggers are back: a signed-off record's items cannot be changed.
    let err = store
        .record_result(first, "XQ-LZ-01", Some(ItemResult::Pass))
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnlyRecord(_)), "{err:?}");
    assert!(
        store
            .connection()
            .execute("UPDATE inspection_item SET result = 'pass'", [])
            .is_err(),
        "the trigger guards the rebuilt table"
    );
    // An inspection must belong to a compound or a cluster.
    assert!(
        store
            .connection()
            .execute(
                "INSERT INTO inspection (id, standard_id, catalogue_version, inspected_on,
                     inspectors, created_at, updated_at) VALUES ('x', 'compound', 'v', 'd', 'i', 'x', 'x')",
                [],
            )
            .is_err()
    );
}

#[test]
fn a_compound_is_accepted_only_when_every_round_of_its_acceptance_is_signed() {
    let (mut store, _, first, _) = cluster_with_two();
    // Round 1: one item 不合格, the rest 合格, not signed off.
    let round1 = start(&mut store, Subject::Compound(first), 10);
    pass_all(&mut store, round1);
    store
        .record_result(round1, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    store.record_remark(round1, "XQ-LZ-01", "塌陷").unwrap();
    assert_eq!(store.acceptance_of(first).unwrap().0, MemberStatus::Failed);
    // Rounds close in order: no re-inspection while round 1 is open.
    assert!(
        store
            .start_reinspection(round1, date(15), "王工", &parties())
            .is_err()
    );
    common::sign_off_as_is(&mut store, round1);
    assert_eq!(store.acceptance_of(first).unwrap().0, MemberStatus::Failed);
    // Round 2 re-checks the failed item and passes: not handed over until it is signed.
    let round2 = store
        .start_reinspection(round1, date(15), "王工", &parties())
        .unwrap();
    store
        .record_result(round2, "XQ-LZ-01", Some(ItemResult::Pass))
        .unwrap();
    assert_eq!(
        store.acceptance_of(first).unwrap().0,
        MemberStatus::InProgress,
        "an unsigned round is not handed over"
    );
    common::sign_off_as_is(&mut store, round2);
    let (status, code) = store.acceptance_of(first).unwrap();
    assert_eq!(status, MemberStatus::Accepted);
    assert_eq!(
        code,
        store
            .inspection(round2)
            .unwrap()
            .seal
            .as_deref()
            .map(yanshou::model::signoff::short_code),
        "the latest round's code"
    );
}

#[test]
fn changes_among_the_members_after_sign_off_are_shown_not_hidden() {
    let (mut store, cluster, first, second) = cluster_with_two();
    let accepted_first = accept(&mut store, first);
    accept(&mut store, second);
    let id = start_cluster(&mut store, cluster);
    pass_all(&mut store, id);
    common::sign_off_as_is(&mut store, id);
    let sealed = store.inspection(id).unwrap();
    assert!(
        store
            .member_changes_since_sealed(&sealed)
            .unwrap()
            .is_empty()
    );

    // 甲小区's acceptance is corrected to 不合格; 乙小区 leaves; 丙小区 joins.
    let correction = store
        .start_correction(accepted_first, "误判", date(22), "王工", &parties())
        .unwrap();
    store
        .record_result(correction, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    let mut moved = store.compound(second).unwrap();
    moved.cluster_id = None;
    store.save_compound(&moved).unwrap();
    let mut joined = common::compound("丙小区");
    joined.cluster_id = Some(cluster);
    store.save_compound(&joined).unwrap();

    let changes = store.member_changes_since_sealed(&sealed).unwrap();
    assert_eq!(
        changes,
        vec![
            "丙小区新加入片区（尚未验收）".to_owned(),
            "甲小区：合格（已交付） → 不合格".to_owned(),
            "乙小区已不在片区内".to_owned(),
        ]
    );
    // The sealed record itself is unchanged and still matches its code.
    assert!(matches!(
        store.check_seal(id).unwrap(),
        SealCheck::Intact { .. }
    ));
    let summary = OverallSheet::load(&store, cluster, common::noon_on(date(28))).unwrap();
    let text = common::pdf_text(&render_overall_sheet(&summary).unwrap());
    assert!(text.contains("签字确认后小区情况已有变化"), "{text}");
    assert!(text.contains("乙小区已不在片区内"), "{text}");
}
