//! Each compound's way from plan to hand-over: steps in their order with evidence, 工程验收
//! read from the acceptance records, and progress against the targets counted from records.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use chrono::NaiveDate;
use yanshou::model::programme::{PhaseState, Step, StepRecord, phase_state};
use yanshou::model::progress::{Milestone, by_year};
use yanshou::store::{Store, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 11, 29)
}

fn step(step: Step, done_on: NaiveDate) -> StepRecord {
    StepRecord {
        step,
        done_on,
        unit: "城关镇人民政府".to_owned(),
        count: None,
        note: String::new(),
        details: Vec::new(),
        evidence: Vec::new(),
    }
}

#[test]
fn steps_are_recorded_in_their_order_with_their_evidence() {
    let mut store = Store::open_in_memory().unwrap();
    let c = common::compound("永宁小区");
    store.save_compound(&c).unwrap();
    let mut consult = step(crate::common::luoning_step("consult"), day(2021, 3, 1));
    consult.count = Some(86);
    store.record_step(c.id, &consult, today()).unwrap();
    store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("approved"), day(2021, 5, 10)),
            today(),
        )
        .unwrap();
    // 决议 between them is fine; before 征求意见 or after 审定 it is not.
    store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("resolve"), day(2021, 4, 2)),
            today(),
        )
        .unwrap();
    let err = store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("propose"), day(2021, 2, 1)),
            today(),
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused(m) if m.message().contains("不能早于它之前的“一征：征求居民意见”")),
        "{err}"
    );
    let err = store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("publish_plan"), day(2021, 6, 1)),
            today(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("不能晚于它之后的“县政府研究通过”"),
        "{err}"
    );
    let err = store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("tender"), day(2027, 1, 1)),
            today(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("晚于今天"), "{err}");

    // Evidence: only for a recorded step; a phase is done when each step has some.
    let err = store
        .add_evidence(
            c.id,
            crate::common::luoning_step("posted"),
            "公示照片.jpg",
            b"jpeg",
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("请先填写“方案在小区内公示”的日期"),
        "{err}"
    );
    store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("posted"), day(2021, 5, 12)),
            today(),
        )
        .unwrap();
    store
        .add_evidence(
            c.id,
            crate::common::luoning_step("approved"),
            "县政府会议纪要.pdf",
            b"%PDF-1.4",
        )
        .unwrap();
    let steps = store.steps_of(c.id).unwrap();
    let codes: Vec<Step> = steps.iter().map(|s| s.step).collect();
    assert_eq!(
        codes,
        vec![
            crate::common::luoning_step("consult"),
            crate::common::luoning_step("resolve"),
            crate::common::luoning_step("approved"),
            crate::common::luoning_step("posted")
        ]
    );
    assert_eq!(steps[0].count, Some(86));
    assert_eq!(steps[2].evidence, vec!["县政府会议纪要.pdf".to_owned()]);
    assert_eq!(
        phase_state(crate::common::luoning_phase("approval"), &steps, false),
        PhaseState::DoneWithoutEvidence
    );
    store
        .add_evidence(
            c.id,
            crate::common::luoning_step("posted"),
            "公示照片.jpg",
            b"jpeg",
        )
        .unwrap();
    let steps = store.steps_of(c.id).unwrap();
    assert_eq!(
        phase_state(crate::common::luoning_phase("approval"), &steps, false),
        PhaseState::Done
    );
    assert_eq!(
        phase_state(crate::common::luoning_phase("plan"), &steps, false),
        PhaseState::Under
    );
    // The register shows the furthest phase reached.
    assert_eq!(
        store.compound_row(c.id).unwrap().phase,
        Some(crate::common::luoning_phase("approval"))
    );

    // Clearing a step takes its evidence with it.
    store
        .clear_step(c.id, crate::common::luoning_step("approved"))
        .unwrap();
    let evidence: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM step_evidence WHERE step = 'approved'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(evidence, 0);
}

#[test]
fn progress_is_counted_from_the_records_and_each_figure_names_its_compounds() {
    let mut store = Store::open_in_memory().unwrap();
    // Accepted: a signed, passed acceptance (inspected 2026-11-20 by the fixture).
    let (accepted, inspection) = common::store_with_inspection(&mut store, "验收合格小区");
    common::pass_every_item(&mut store, inspection);
    common::sign_off_as_is(&mut store, inspection);
    store
        .record_step(
            accepted,
            &step(crate::common::luoning_step("works_start"), day(2026, 3, 1)),
            today(),
        )
        .unwrap();
    // A step after 工程验收 is not dated before it.
    let err = store
        .record_step(
            accepted,
            &step(crate::common::luoning_step("hand_over"), day(2026, 11, 1)),
            today(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("工程验收合格"), "{err}");
    store
        .record_step(
            accepted,
            &step(crate::common::luoning_step("hand_over"), day(2026, 11, 25)),
            today(),
        )
        .unwrap();
    // Started only.
    let mut other = common::compound("施工中小区");
    other.households = Some(50);
    store.save_compound(&other).unwrap();
    store
        .record_step(
            other.id,
            &step(crate::common::luoning_step("works_start"), day(2026, 4, 1)),
            today(),
        )
        .unwrap();

    let items = store.progress_items().unwrap();
    let targets = store.targets().unwrap();
    assert_eq!(
        targets.len(),
        4,
        "the policy's targets are data in the file"
    );
    let rows = by_year(&items, &targets, 2021..=2026);
    let y2026 = rows.iter().find(|r| r.year == Some(2026)).unwrap();
    assert_eq!(y2026.tallies[&Milestone::Started].count(), 2);
    assert_eq!(y2026.tallies[&Milestone::Started].households, 72 + 50);
    assert_eq!(
        y2026.tallies[&Milestone::Accepted].compounds,
        vec![accepted]
    );
    assert_eq!(
        y2026.tallies[&Milestone::HandedOver].compounds,
        vec![accepted]
    );
    let y2021 = rows.iter().find(|r| r.year == Some(2021)).unwrap();
    assert_eq!(y2021.target.as_ref().unwrap().households, 863);
    assert_eq!(y2021.tallies[&Milestone::Started].count(), 0);
    // The programme's own span (2019–2023) does not count 2026's work.
    let whole = rows.last().unwrap();
    assert_eq!(whole.target.as_ref().unwrap().compounds, 83);
    assert_eq!(whole.tallies[&Milestone::Started].count(), 0);
}

#[test]
fn programme_steps_travel_in_field_packages() {
    use common::sync::Machine;
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "城关镇", Role::Field);
    let c = common::compound("永宁小区");
    laptop.store.save_compound(&c).unwrap();
    laptop
        .store
        .record_step(
            c.id,
            &step(crate::common::luoning_step("consult"), day(2025, 3, 1)),
            today(),
        )
        .unwrap();
    laptop
        .store
        .add_evidence(
            c.id,
            crate::common::luoning_step("consult"),
            "意见征集表.pdf",
            b"%PDF-1.4 ...",
        )
        .unwrap();
    office.receive(&laptop.send(None)).unwrap();
    let steps = office.store.steps_of(c.id).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].evidence, vec!["意见征集表.pdf".to_owned()]);
}

#[test]
fn the_sample_shows_every_phase_state_progress_and_a_flagged_funding_entry() {
    let mut store = Store::open_in_memory().unwrap();
    let first = yanshou::store::sample::write_sample(&mut store, false).unwrap();
    let steps = store.steps_of(first).unwrap();
    assert_eq!(
        steps.len(),
        yanshou::model::policy_pack::PolicyPack::luoning()
            .programme
            .steps()
            .count()
    );
    assert_eq!(
        phase_state(crate::common::luoning_phase("preparation"), &steps, true),
        PhaseState::DoneWithoutEvidence
    );
    assert_eq!(
        phase_state(crate::common::luoning_phase("plan"), &steps, true),
        PhaseState::Done
    );
    assert_eq!(
        store.compound_row(first).unwrap().phase,
        Some(crate::common::luoning_phase("management"))
    );
    // A training file counts its samples.
    let items = store.progress_items().unwrap();
    let rows = by_year(&items, &store.targets().unwrap(), 2021..=2024);
    assert_eq!(rows[0].tallies[&Milestone::Started].count(), 1, "2021");
    assert_eq!(
        rows[2].tallies[&Milestone::Accepted].compounds,
        vec![first],
        "2023"
    );
    assert_eq!(rows[3].tallies[&Milestone::Started].count(), 1, "2024");
    let evaluations = store.evaluations_of(first).unwrap();
    assert_eq!(
        evaluations.iter().map(|e| e.score).collect::<Vec<_>>(),
        vec![91, 86]
    );
    let funding = store
        .funding_of(yanshou::store::funding::Funded::Compound(first))
        .unwrap();
    let flagged = yanshou::model::funding::flags(
        &funding,
        &yanshou::model::policy_pack::PolicyPack::luoning()
            .meta
            .funding,
    );
    assert_eq!(flagged.len(), 1, "{flagged:#?}");
    assert!(flagged[0].message.contains("雨污分流改造"));
}

#[test]
fn property_service_is_evaluated_only_once_its_plan_is_in_place() {
    use yanshou::model::programme::ServiceEvaluation;
    let mut store = Store::open_in_memory().unwrap();
    let (compound, inspection) = common::store_with_inspection(&mut store, "长效管理小区");
    common::pass_every_item(&mut store, inspection);
    common::sign_off_as_is(&mut store, inspection);
    let evaluation = |d: NaiveDate, score| ServiceEvaluation {
        id: Default::default(),
        evaluated_on: d,
        unit: "县住建局".to_owned(),
        score,
        note: String::new(),
    };
    let err = store
        .add_evaluation(compound, &evaluation(day(2026, 11, 25), 80), today())
        .unwrap_err();
    assert!(
        err.to_string().contains("请先登记“物业管理方案落实”"),
        "{err}"
    );
    store
        .record_step(
            compound,
            &step(crate::common::luoning_step("management"), day(2026, 11, 22)),
            today(),
        )
        .unwrap();
    let err = store
        .add_evaluation(compound, &evaluation(day(2026, 11, 21), 80), today())
        .unwrap_err();
    assert!(
        err.to_string().contains("不能早于物业管理方案落实"),
        "{err}"
    );
    assert!(
        store
            .add_evaluation(compound, &evaluation(day(2026, 11, 25), 101), today())
            .is_err()
    );
    store
        .add_evaluation(compound, &evaluation(day(2026, 11, 25), 88), today())
        .unwrap();
    assert_eq!(store.evaluations_of(compound).unwrap()[0].score, 88);
}

#[test]
fn a_target_changed_is_a_new_version_and_the_old_one_stays() {
    use yanshou::model::progress::Target;
    let mut store = Store::open_in_memory().unwrap();
    let before = store.targets().unwrap();
    assert_eq!(before.len(), 4);
    let new = Target {
        year: Some(2022),
        span: None,
        compounds: 12,
        households: 400,
        clusters: Some(3),
        source: "县政府 2022 年度调整计划".to_owned(),
    };
    let bad = Target {
        households: 5,
        ..new.clone()
    };
    let err = store.save_target(&bad, "2022 调整").unwrap_err();
    assert!(err.to_string().contains("户数 5 少于小区数 12"), "{err}");
    assert!(
        store.save_target(&new, " ").is_err(),
        "a version needs a name"
    );
    store.save_target(&new, "2022 调整").unwrap();
    let now = store.targets().unwrap();
    assert_eq!(now.len(), 4, "still one target per year");
    let t2022 = now.iter().find(|t| t.year == Some(2022)).unwrap();
    assert_eq!((t2022.compounds, t2022.households), (12, 400));
    assert_eq!(
        now.iter().find(|t| t.year == Some(2021)),
        before.iter().find(|t| t.year == Some(2021)),
        "other years unchanged"
    );
    let history = store.target_history().unwrap();
    assert_eq!(history.len(), 5);
    assert_eq!(history[0].0, "2022 调整");
    assert!(
        history.iter().any(|(v, _, t)| v == "宁政办〔2021〕17号"
            && t.year == Some(2022)
            && t.compounds == 10)
    );
    // Progress compares with the version in force.
    let rows = by_year(&[], &now, 2022..=2022);
    assert_eq!(rows[0].target.as_ref().unwrap().compounds, 12);
}
