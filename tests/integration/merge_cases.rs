//! The merge cases as a table: every pair of (edit, delete, sign, survey round, photo,
//! funding, step) done to one compound on two laptops, their packages reaching the office in
//! both orders. Either order must offer the same choices (the same records, each side open to
//! pick or not alike) and, whichever side a user then keeps, leave the same office file.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use std::path::Path;

use crate::common;
use crate::common::sync::{Machine, choices, content};

use yanshou::model::funding::{Funding, RedLine, Source, Works};
use yanshou::model::programme::StepRecord;
use yanshou::model::sync::Role;
use yanshou::model::{CompoundId, InspectionId, SurveyCatalogue};
use yanshou::store::funding::Funded;
use yanshou::store::sync::{FieldPick, Scope};

/// What a laptop does to the compound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Edit,
    Delete,
    Sign,
    Survey,
    Photo,
    Funding,
    Step,
}

const ACTS: [Act; 7] = [
    Act::Edit,
    Act::Delete,
    Act::Sign,
    Act::Survey,
    Act::Photo,
    Act::Funding,
    Act::Step,
];

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn act(laptop: &mut Machine, act: Act, compound: CompoundId, round: InspectionId) {
    let store = &mut laptop.store;
    let who = laptop.name.clone();
    match act {
        Act::Edit => {
            let mut c = store.compound(compound).unwrap();
            c.address = format!("{who}记下的地址");
            c.households = Some(if who.ends_with('甲') { 80 } else { 90 });
            store.save_compound(&c).unwrap();
        }
        Act::Delete => store.delete_compound(compound).unwrap(),
        Act::Sign => {
            common::pass_every_item(store, round);
            common::sign_off_as_is(store, round);
        }
        Act::Survey => {
            store
                .start_survey(compound, day(2), &who, SurveyCatalogue::current())
                .unwrap();
        }
        Act::Photo => {
            store
                .add_photos(
                    round,
                    "XQ-SR-01",
                    &[common::ui::prepared_photo(&format!("{who}.jpg"))],
                )
                .unwrap();
        }
        Act::Funding => {
            let entry = Funding {
                id: Default::default(),
                year: 2025,
                source: Source::County,
                project: format!("{who}登记的项目"),
                red_line: Some(RedLine::Inside),
                amount_fen: 1_000_000,
                project_total_fen: None,
                works: Works::ordinary(),
                tied: true,
                note: String::new(),
            };
            store
                .add_funding(Funded::Compound(compound), &entry)
                .unwrap();
        }
        Act::Step => {
            let step = StepRecord {
                step: crate::common::luoning_step("consult"),
                done_on: day(3),
                unit: format!("{who}所在乡镇"),
                count: None,
                note: String::new(),
                details: Vec::new(),
                evidence: Vec::new(),
            };
            store.record_step(compound, &step, day(29)).unwrap();
        }
    }
}

/// Settles every open choice toward `side` (a laptop's name) where that side can be picked,
/// else keeps what is here; then says the office file.
fn settle_toward(office: &mut Machine, side: &str) -> String {
    for _ in 0..4 {
        let open = office.store.open_conflicts().unwrap();
        if open.is_empty() {
            break;
        }
        for record in open {
            for field in record.fields {
                let theirs_is_side = field.origin_name == side;
                let pick = if theirs_is_side && field.theirs_available {
                    FieldPick::Theirs
                } else {
                    FieldPick::Ours
                };
                // Settled already along with a pick on its whole record: fine.
                let _ = office.store.resolve_conflict(&field.id, pick);
            }
        }
    }
    content(&office.store)
}

struct Start {
    office: Machine,
    a: Machine,
    b: Machine,
    compound: CompoundId,
    round: InspectionId,
}

/// An office and two laptops that all have one compound with an unsigned acceptance round.
fn start(dir: &Path) -> Start {
    std::fs::create_dir_all(dir).unwrap();
    let mut office = Machine::new(dir, "县办", Role::Office);
    let mut a = Machine::new(dir, "外业甲", Role::Field);
    let mut b = Machine::new(dir, "外业乙", Role::Field);
    let (compound, round) = common::store_with_inspection(&mut a.store, "两机小区");
    office.receive(&a.send(None)).unwrap();
    a.receive(&office.send(Some(&a))).unwrap();
    b.receive(&office.send_scope(None, Scope::Everything { town: None }))
        .unwrap();
    Start {
        office,
        a,
        b,
        compound,
        round,
    }
}

#[test]
fn every_pair_of_acts_on_two_laptops_merges_alike_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let base = start(&dir.path().join("start"));
    let mut differ = Vec::new();
    let mut with_choices = 0;
    for (i, &x) in ACTS.iter().enumerate() {
        for &y in &ACTS[i..] {
            let case = dir.path().join(format!("{x:?}-{y:?}"));
            let mut a = base.a.copy_into(&case);
            let mut b = base.b.copy_into(&case);
            act(&mut a, x, base.compound, base.round);
            act(&mut b, y, base.compound, base.round);
            let from_a = a.send(Some(&base.office));
            let from_b = b.send(Some(&base.office));
            let mut seen = Vec::new();
            for a_first in [true, false] {
                let mut ends = Vec::new();
                let mut offered = Vec::new();
                for side in ["外业甲", "外业乙"] {
                    let run = case.join(format!("{a_first}-{side}"));
                    let mut office = base.office.copy_into(&run);
                    let order = if a_first {
                        [&from_a, &from_b]
                    } else {
                        [&from_b, &from_a]
                    };
                    offered = Vec::new();
                    for package in order {
                        if let Err(e) = office.receive(package) {
                            // Refused whole (a round signed on both laptops): said as such.
                            assert!(e.to_string().contains("本机数据未改动"), "{e}");
                            offered.push("refused".to_owned());
                        }
                    }
                    offered.extend(choices(&office.store));
                    ends.push(settle_toward(&mut office, side));
                }
                seen.push((offered, ends));
            }
            if !seen[0].0.is_empty() {
                with_choices += 1;
            }
            if seen[0].0 != seen[1].0 {
                differ.push(format!(
                    "甲{x:?} 乙{y:?}: choices {:?} (甲 first) vs {:?} (乙 first)",
                    seen[0].0, seen[1].0
                ));
            }
            // Refused in both orders: the second signature's package, whichever it is, waits
            // for the paper to be checked; what is here then is the first's.
            let refused = seen
                .iter()
                .all(|(offered, _)| offered.contains(&"refused".to_owned()));
            for (k, side) in ["甲's side", "乙's side"].iter().enumerate() {
                if !refused && seen[0].1[k] != seen[1].1[k] {
                    differ.push(format!("甲{x:?} 乙{y:?}: keeping {side}, the files differ"));
                }
            }
        }
    }
    // The table is not empty of choices: an edit on both, a deletion against each addition
    // and edit, a signature against a deletion, and the round signed on both.
    assert!(with_choices >= 8, "{with_choices} cases offered a choice");
    assert!(
        differ.is_empty(),
        "{} cases differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// Laptop A deletes the compound; laptop B meanwhile begins a survey round on it and fills it
/// in over several changes, adds a photo to its acceptance round and changes a survey field of
/// the round the office has. At the office (A first) it is one choice on the compound; keeping
/// B's side brings the compound back with all of B's work, the same as when B's package comes
/// first, and B's file then holds exactly what the office does.
#[test]
fn later_work_on_a_compound_deleted_elsewhere_comes_back_whole() {
    use yanshou::model::{Condition, SurveyField, SurveyValue};
    let dir = tempfile::tempdir().unwrap();
    let base = start(&dir.path().join("start"));
    let mut a = base.a.copy_into(&dir.path().join("work"));
    let mut b = base.b.copy_into(&dir.path().join("work"));
    a.store.delete_compound(base.compound).unwrap();
    // The compound's tombstone, and those of the rows that went with it, name the entry that
    // holds their last content.
    let (linked, unlinked): (i64, i64) = a
        .store
        .connection()
        .query_row(
            "SELECT count(*) FILTER (WHERE seq = (SELECT max(seq) FROM change_log
                                                 WHERE origin = t.origin)),
                    count(*) FILTER (WHERE seq IS NULL)
             FROM tombstone t",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        linked >= 1 + 1 + 13,
        "the compound, its round and its items: {linked}"
    );
    assert_eq!(unlinked, 0);
    let survey = b
        .store
        .start_survey(base.compound, day(2), "外业乙", SurveyCatalogue::current())
        .unwrap();
    let codes: Vec<String> = survey
        .items
        .iter()
        .take(5)
        .map(|i| i.code.clone())
        .collect();
    for code in &codes {
        b.store
            .set_item_condition(survey.id, code, Some(Condition::NeedsRenovation))
            .unwrap();
    }
    b.store
        .set_survey_field(survey.id, SurveyField::Floors, &SurveyValue::Count(Some(6)))
        .unwrap();
    b.store
        .add_photos(
            base.round,
            "XQ-SR-02",
            &[common::ui::prepared_photo("乙补拍.jpg")],
        )
        .unwrap();
    let mut c = b.store.compound(base.compound).unwrap();
    c.households = Some(99);
    b.store.save_compound(&c).unwrap();
    let from_a = a.send(Some(&base.office));
    let from_b = b.send(Some(&base.office));

    let mut ends = Vec::new();
    for a_first in [true, false] {
        let run = dir.path().join(format!("run-{a_first}"));
        let mut office = base.office.copy_into(&run);
        let mut b = b.copy_into(&run);
        let order = if a_first {
            [&from_a, &from_b]
        } else {
            [&from_b, &from_a]
        };
        for package in order {
            office.receive(package).unwrap();
        }
        let offered = choices(&office.store);
        assert_eq!(offered, ["小区“两机小区”|整条记录|true"], "{a_first}");
        settle_toward(&mut office, "外业乙");
        assert!(office.store.open_conflicts().unwrap().is_empty());
        let surveys = office.store.surveys_of(base.compound).unwrap();
        assert_eq!(surveys.len(), 1, "{a_first}");
        assert_eq!(surveys[0].floors, Some(6), "{a_first}");
        let marked = codes
            .iter()
            .filter(|code| {
                surveys[0].item(code).unwrap().condition == Some(Condition::NeedsRenovation)
            })
            .count();
        assert_eq!(marked, 5, "{a_first}");
        assert_eq!(office.store.photos_of(base.round).unwrap().len(), 1);
        assert_eq!(
            office.store.compound(base.compound).unwrap().households,
            Some(99)
        );
        // B takes the office's word and holds what it holds.
        b.receive(&office.send(Some(&b))).unwrap();
        assert_eq!(content(&b.store), content(&office.store), "{a_first}");
        ends.push(content(&office.store));
    }
    assert_eq!(ends[0], ends[1]);
}
