//! Three laptops and one county office making random edits converge to the same records
//! after exchanging field packages in any order; every conflict is settled by a user's pick,
//! a pick that travelled, or a signature. Fixed seeds; more with YANSHOU_SYNC_SEEDS=n, one with
//! YANSHOU_SYNC_SEED=hex.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use common::sync::{Machine, content};
use yanshou::model::sync::Role;
use yanshou::model::{Catalogue, ItemResult, Subject};
use yanshou::store::StoreError;
use yanshou::store::sync::FieldPick;

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// A small fixed-seed generator: the same run every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random user action on `m`; refusals (a signed record, a round not yet locked…) are
/// part of using the app and change nothing.
fn random_action(m: &mut Machine, rng: &mut Rng, n: usize) {
    use yanshou::model::{Condition, SignMethod, SurveyField};
    let store = &mut m.store;
    let compounds: Vec<_> = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound)
        .collect();
    let towns = store.towns().unwrap();
    let pick = |rng: &mut Rng| compounds.get(rng.below(compounds.len())).cloned();
    match rng.below(10) {
        0 | 1 if compounds.len() < 12 => {
            let mut c = common::compound(&format!("{}-小区{n}", m.name));
            c.town_id = Some(towns[rng.below(3)].id);
            store.save_compound(&c).unwrap();
        }
        2 => {
            if let Some(mut c) = pick(rng) {
                c.households = Some(10 + rng.below(200) as u32);
                if rng.below(2) == 0 {
                    c.address = format!("路{} 号", rng.below(50));
                }
                let _ = store.save_compound(&c);
            }
        }
        3 if rng.below(4) == 0 => {
            if let Some(c) = pick(rng) {
                let _ = store.delete_compound(c.id);
            }
        }
        4 => {
            if let Some(c) = pick(rng) {
                let catalogue = yanshou::model::SurveyCatalogue::current();
                let surveys = store.surveys_of(c.id).unwrap();
                match surveys.first() {
                    Some(s) if rng.below(2) == 0 => {
                        let field =
                            [SurveyField::Floors, SurveyField::HouseholdsInFavour][rng.below(2)];
                        let value =
                            yanshou::model::SurveyValue::Count(Some(1 + rng.below(30) as u32));
                        let _ = store.change_survey_field(s.id, field, None, &value);
                        let code = s.items[rng.below(s.items.len())].code.clone();
                        let _ = store.set_item_condition(s.id, &code, Some(Condition::Good));
                    }
                    _ => {
                        let _ = store.start_survey(c.id, day(20), "调查员", catalogue);
                    }
                }
            }
        }
        5..=7 => {
            if let Some(c) = pick(rng) {
                let subject = Subject::Compound(c.id);
                let open = store
                    .inspections_of(subject)
                    .unwrap()
                    .into_iter()
                    .find(|r| !r.signed_off);
                match open {
                    None => {
                        let parties = vec!["建设单位".to_owned(), "监理单位".to_owned()];
                        let _ = store.start_inspection(
                            subject,
                            Catalogue::current(),
                            day(20),
                            "王工",
                            &parties,
                        );
                    }
                    Some(round) => {
                        let inspection = store.inspection(round.id).unwrap();
                        let item = &inspection.items[rng.below(inspection.items.len())];
                        let result = [ItemResult::Pass, ItemResult::Fail][rng.below(2)];
                        let _ = store.record_result(round.id, &item.standard.code, Some(result));
                        if rng.below(3) == 0 {
                            let _ = store.record_remark(
                                round.id,
                                &item.standard.code,
                                &format!("备注{n}"),
                            );
                        }
                    }
                }
            }
        }
        8 => {
            // Sign off a round whose items are all decided (a round is signed where its
            // compound was registered: one group of signatories per round).
            if let Some(c) = pick(rng).filter(|c| c.name.starts_with(&m.name)) {
                for round in store.inspections_of(Subject::Compound(c.id)).unwrap() {
                    if round.signed_off {
                        continue;
                    }
                    let inspection = store.inspection(round.id).unwrap();
                    for item in &inspection.items {
                        if item.result.is_none() {
                            let _ = store.record_result(
                                round.id,
                                &item.standard.code,
                                Some(ItemResult::Pass),
                            );
                        }
                    }
                    for p in 0..inspection.parties.len() {
                        let _ = store.sign(round.id, p as u32, "签字人", &SignMethod::WetInk);
                    }
                    let _ = store.sign_off(round.id);
                }
            }
        }
        9 => {
            // A programme step, now and then with its evidence.
            if let Some(c) = pick(rng) {
                use yanshou::model::programme::StepRecord;
                let step = yanshou::model::policy_pack::PolicyPack::luoning()
                    .programme
                    .steps()
                    .nth(rng.below(6))
                    .unwrap();
                let record = StepRecord {
                    step,
                    done_on: chrono::NaiveDate::from_ymd_opt(2026, 1 + rng.below(6) as u32, 1)
                        .unwrap(),
                    unit: format!("单位{n}"),
                    count: None,
                    note: String::new(),
                    details: Vec::new(),
                    evidence: Vec::new(),
                };
                if store.record_step(c.id, &record, day(28)).is_ok() && rng.below(2) == 0 {
                    let _ = store.add_evidence(c.id, step, &format!("证据{n}.pdf"), b"%PDF");
                }
            }
        }
        _ => {}
    }
}

#[test]
fn three_laptops_and_the_office_converge_in_any_order() {
    // Fixed seeds: the same runs every time. More with YANSHOU_SYNC_SEEDS=n.
    let extra: u64 = std::env::var("YANSHOU_SYNC_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut signed = 0;
    let mut picked = 0;
    let only: Option<u64> = std::env::var("YANSHOU_SYNC_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(&s, 16).ok());
    let seeds: Vec<u64> = match only {
        Some(seed) => vec![seed - 0x5eed_1234_abcd_0000],
        None => (1..=3).chain(100..100 + extra).collect(),
    };
    for seed in seeds {
        let (s, p) = converge(0x5eed_1234_abcd_0000 + seed);
        signed += s;
        picked += p;
    }
    // The runs did what they are for: signed records travelled and users picked.
    assert!(signed > 0 && picked > 0, "signed {signed}, picked {picked}");
}

/// One run of random edits and exchanges, then settling; the signed rounds and the picks
/// made.
fn converge(seed: u64) -> (usize, usize) {
    let temp = tempfile::tempdir().unwrap();
    // YANSHOU_KEEP=dir keeps the files of each run, for a look with sqlite3.
    let kept = std::env::var("YANSHOU_KEEP").ok().map(|d| {
        let path = std::path::PathBuf::from(d).join(format!("{seed:x}"));
        std::fs::create_dir_all(&path).unwrap();
        path
    });
    let dir = kept.as_deref().unwrap_or(temp.path());
    let mut office = Machine::new(dir, "县办", Role::Office);
    let mut laptops: Vec<Machine> = ["外业一", "外业二", "外业三"]
        .iter()
        .map(|n| Machine::new(dir, n, Role::Field))
        .collect();
    let mut rng = Rng(seed);
    let mut exchanges = 0;
    for n in 0..400 {
        match rng.below(12) {
            // Now and then a package travels, in either direction, in any order.
            0 => {
                let i = rng.below(3);
                let package = laptops[i].send(Some(&office));
                office.receive(&package).unwrap();
                exchanges += 1;
            }
            1 => {
                let i = rng.below(3);
                let package = office.send(Some(&laptops[i]));
                laptops[i].receive(&package).unwrap();
                exchanges += 1;
            }
            2 => random_action(&mut office, &mut rng, n),
            _ => {
                let i = rng.below(3);
                random_action(&mut laptops[i], &mut rng, n);
            }
        }
    }
    assert!(exchanges > 20, "{exchanges}");

    // Settle: everything to the office, picks made there, everything back, until quiet.
    // Every conflict a machine settles itself is one a user picked here.
    let mut picks: Vec<std::collections::HashSet<yanshou::model::ConflictId>> =
        vec![Default::default(); 4];
    for round in 0..6 {
        for laptop in &mut laptops {
            office.receive(&laptop.send(Some(&office))).unwrap();
        }
        for (k, record) in office.store.open_conflicts().unwrap().iter().enumerate() {
            for field in &record.fields {
                let pick = if k % 2 == 0 || !field.theirs_available {
                    FieldPick::Ours
                } else {
                    FieldPick::Theirs
                };
                match office.store.resolve_conflict(&field.id, pick) {
                    Ok(()) => {}
                    // Settled along with a pick on its whole record.
                    Err(StoreError::NotFound { .. }) => continue,
                    Err(e) => panic!("{e}: {} {} {field:?} {pick:?}", record.table, record.record),
                }
                picks[3].insert(field.id.clone());
            }
        }
        for offer in office.store.duplicates().unwrap() {
            office.store.resolve_duplicate(&offer.id, false).unwrap();
        }
        for (i, laptop) in laptops.iter_mut().enumerate() {
            let package = office.send(Some(laptop));
            laptop.receive(&package).unwrap();
            // A conflict only a laptop saw is settled there, its own way.
            for record in laptop.store.open_conflicts().unwrap() {
                for field in &record.fields {
                    if laptop
                        .store
                        .resolve_conflict(&field.id, FieldPick::Ours)
                        .is_ok()
                    {
                        picks[i].insert(field.id.clone());
                    }
                }
            }
        }
        let office_content = content(&office.store);
        if laptops.iter().all(|l| content(&l.store) == office_content) {
            assert!(office.store.open_conflicts().unwrap().is_empty());
            assert!(
                office.store.audit().unwrap().is_clean(),
                "seals at the office"
            );
            let machines = laptops.iter().chain(std::iter::once(&office));
            for (machine, picked) in machines.zip(&picks) {
                for (id, by) in resolved_conflicts(machine) {
                    // Settled by a user here, by a user's pick that travelled, or by a
                    // signature: never by an import on its own.
                    let ok = if by == machine.name {
                        picked.iter().any(|p| p.as_str() == id)
                    } else {
                        by.contains("对方的选择")
                            || by.starts_with("签字记录为准")
                            || by.contains("随整条记录的选择")
                    };
                    assert!(ok, "{}: conflict {id} settled by {by:?}", machine.name);
                }
            }
            let signed: i64 = office
                .store
                .connection()
                .query_row(
                    "SELECT count(*) FROM inspection WHERE seal IS NOT NULL",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            eprintln!(
                "seed {seed:x}: converged after {} settling rounds, {exchanges} exchanges, {signed} signed rounds",
                round + 1
            );
            return (signed as usize, picks.iter().map(|p| p.len()).sum());
        }
    }
    let office_content = content(&office.store);
    for laptop in &laptops {
        let theirs = content(&laptop.store);
        let only_office: Vec<&str> = office_content
            .lines()
            .filter(|l| !theirs.lines().any(|t| t == *l))
            .collect();
        let only_laptop: Vec<&str> = theirs
            .lines()
            .filter(|l| !office_content.lines().any(|t| t == *l))
            .collect();
        assert!(
            only_office.is_empty() && only_laptop.is_empty(),
            "seed {seed:x}: {} differs from the office:\n only at the office: {only_office:#?}\n only on the laptop: {only_laptop:#?}",
            laptop.name
        );
    }
    unreachable!()
}

/// The conflicts settled in a file, and by whom.
fn resolved_conflicts(machine: &Machine) -> Vec<(String, String)> {
    machine
        .store
        .connection()
        .prepare("SELECT id, resolved_by FROM conflict WHERE resolved_at IS NOT NULL")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}
