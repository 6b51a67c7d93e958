//! Money per compound and cluster in fen, the checks of 五、（一） where they bite, the totals
//! by year, source and town, in the 台账 workbook and across machines.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use calamine::{Data, Reader, open_workbook_auto};
use yanshou::export::Document;
use yanshou::model::Clock;
use yanshou::model::funding::{Funding, RedLine, Source, Works, flags};
use yanshou::store::Store;
use yanshou::store::funding::Funded;

fn entry(year: i32, source: Source, fen: i64) -> Funding {
    Funding {
        id: Default::default(),
        year,
        source,
        project: "雨污分流".to_owned(),
        red_line: Some(RedLine::Inside),
        amount_fen: fen,
        project_total_fen: None,
        works: Works::ordinary(),
        tied: true,
        note: String::new(),
    }
}

#[test]
fn funding_is_kept_in_fen_checked_against_the_policy_and_summed_in_the_ledger() {
    let mut store = Store::open_in_memory().unwrap();
    let town = store.towns().unwrap()[0].clone();
    let mut c = common::compound("永宁小区");
    c.town_id = Some(town.id);
    store.save_compound(&c).unwrap();
    let whose = Funded::Compound(c.id);
    let mut central = entry(2022, Source::Central, 9_500_000);
    central.project_total_fen = Some(10_000_000);
    store.add_funding(whose, &central).unwrap();
    store
        .add_funding(whose, &entry(2022, Source::Residents, 500_050))
        .unwrap();
    let mut park = entry(2023, Source::Central, 100_000);
    park.works = Works::from_stored(
        "park",
        &yanshou::model::policy_pack::PolicyPack::luoning()
            .meta
            .funding,
    );
    park.tied = false;
    park.project = "沿河公园".to_owned();
    park.project_total_fen = Some(50_000_000);
    store.add_funding(whose, &park).unwrap();
    // Refused: nothing, or a year out of range.
    assert!(
        store
            .add_funding(whose, &entry(2022, Source::County, 0))
            .is_err()
    );
    assert!(
        store
            .add_funding(whose, &entry(1899, Source::County, 1))
            .is_err()
    );

    let entries = store.funding_of(whose).unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1].amount_fen, 500_050);
    let found = flags(&entries, luoning_money());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|f| f.message.contains("95.00%") && f.message.contains("95,000.00 元"))
    );
    assert!(found.iter().any(|f| f.message.contains("城市公园")));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.xlsx");
    let outcome = Document::Ledger.write(
        &store,
        &path,
        &Clock::local(),
        &yanshou::job::Progress::unobserved(),
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let mut book = open_workbook_auto(&path).unwrap();
    let detail = book.worksheet_range("资金明细").unwrap();
    let rows: Vec<_> = detail.rows().collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][2], Data::String(town.name.clone()));
    assert_eq!(rows[2][6], Data::Float(5000.5));
    let summary = book.worksheet_range("资金汇总").unwrap();
    let rows: Vec<_> = summary.rows().collect();
    assert_eq!(rows[0][1], Data::String("中央补助".to_owned()));
    assert_eq!(rows[1][0], Data::Float(2022.0));
    assert_eq!(rows[1][1], Data::Float(95000.0));
    assert_eq!(rows[1][11], Data::Float(100000.5), "2022 in all");
    assert_eq!(rows[2][1], Data::Float(1000.0));
    // The checks are where the office looks: a 核查 column in both sheets, the register row.
    assert_eq!(rows[0][12], Data::String("核查（五、（一））".to_owned()));
    assert_eq!(
        rows[1][12],
        Data::String("2 笔有问题，见“资金明细”".to_owned()),
        "2022: both entries of the project whose central money is over 90%"
    );
    let detail: Vec<_> = book
        .worksheet_range("资金明细")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(detail[0][9], Data::String("核查（五、（一））".to_owned()));
    let check_of = |row: &[Data]| match row.get(9) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    // The central entry and the residents' entry of the same project both name the 95%.
    assert!(check_of(&detail[1]).contains("95.00%"), "{:?}", detail[1]);
    assert!(check_of(&detail[2]).contains("95.00%"), "{:?}", detail[2]);
    assert!(check_of(&detail[3]).contains("城市公园"), "{:?}", detail[3]);
    let row = store.compound_row(c.id).unwrap();
    assert_eq!(row.funding_checks.len(), 2, "{:?}", row.funding_checks);
    // A compound without entries has none.
    let other = common::compound("没有资金的小区");
    store.save_compound(&other).unwrap();
    assert!(
        store
            .compound_row(other.id)
            .unwrap()
            .funding_checks
            .is_empty()
    );
}

#[test]
fn funding_travels_with_its_compound() {
    use common::sync::Machine;
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "城关镇", Role::Field);
    let c = common::compound("永宁小区");
    laptop.store.save_compound(&c).unwrap();
    laptop
        .store
        .add_funding(
            Funded::Compound(c.id),
            &entry(2024, Source::County, 30_000_000),
        )
        .unwrap();
    office.receive(&laptop.send(None)).unwrap();
    let rows = office.store.funding_rows().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "永宁小区");
    assert_eq!(rows[0].funding.amount_fen, 30_000_000);
}

/// An office and two laptops that each registered 同名小区 in the same town; the second
/// laptop's compound.
fn look_alikes(
    dir: &std::path::Path,
) -> (
    common::sync::Machine,
    common::sync::Machine,
    common::sync::Machine,
    yanshou::model::Compound,
) {
    use common::sync::Machine;
    use yanshou::model::sync::Role;
    let office = Machine::new(dir, "县办", Role::Office);
    let mut a = Machine::new(dir, "外业甲", Role::Field);
    let mut b = Machine::new(dir, "外业乙", Role::Field);
    let town = a.store.towns().unwrap()[0].id;
    let (mut first, mut second) = (common::compound("同名小区"), common::compound("同名小区"));
    first.town_id = Some(town);
    second.town_id = Some(town);
    a.store.save_compound(&first).unwrap();
    b.store.save_compound(&second).unwrap();
    (office, a, b, second)
}

#[test]
fn merging_look_alike_compounds_keeps_the_others_steps_and_funding() {
    use yanshou::model::programme::StepRecord;
    let dir = tempfile::tempdir().unwrap();
    let (mut office, mut a, mut b, second) = look_alikes(dir.path());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let step = StepRecord {
        step: crate::common::luoning_step("consult"),
        done_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        unit: "居委会".to_owned(),
        count: Some(40),
        note: String::new(),
        details: Vec::new(),
        evidence: Vec::new(),
    };
    b.store.record_step(second.id, &step, today).unwrap();
    b.store
        .add_evidence(
            second.id,
            crate::common::luoning_step("consult"),
            "征求意见表.pdf",
            b"%PDF",
        )
        .unwrap();
    b.store
        .add_funding(
            Funded::Compound(second.id),
            &entry(2025, Source::County, 1_000_000),
        )
        .unwrap();
    office.receive(&a.send(None)).unwrap();
    let outcome = office.receive(&b.send(None)).unwrap();
    assert_eq!(outcome.duplicates, 1, "{}", outcome.summary());
    let offer = office.store.duplicates().unwrap().remove(0);
    office.store.resolve_duplicate(&offer.id, true).unwrap();
    let kept: yanshou::model::CompoundId = offer.kept.parse().unwrap();
    let steps = office.store.steps_of(kept).unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(steps[0].evidence, vec!["征求意见表.pdf".to_owned()]);
    assert_eq!(
        office.store.funding_of(Funded::Compound(kept)).unwrap()[0].amount_fen,
        1_000_000
    );
    assert_eq!(office.store.compound_rows().unwrap().len(), 1);
}

/// Every record that names the merged-away compound names the kept one after a merge: found
/// by the schema's links, so a table added later is not forgotten (the month's observation
/// route and the daily reports were, and went or lost their compound).
#[test]
fn merging_look_alike_compounds_keeps_the_others_route_stops_and_reports() {
    use yanshou::model::rhythm::{DailyReport, Month, UnitKind};
    let dir = tempfile::tempdir().unwrap();
    let (mut office, mut a, mut b, _) = look_alikes(dir.path());
    office.receive(&a.send(None)).unwrap();
    let outcome = office.receive(&b.send(None)).unwrap();
    assert_eq!(outcome.duplicates, 1, "{}", outcome.summary());
    let offer = office.store.duplicates().unwrap().remove(0);
    let (kept, other): (yanshou::model::CompoundId, yanshou::model::CompoundId) =
        (offer.kept.parse().unwrap(), offer.other.parse().unwrap());
    let today = yanshou::model::Clock::local().today();
    let month = Month::of(today);
    office
        .store
        .set_observation_route(month, &[(other, "看雨污分流".to_owned())])
        .unwrap();
    office
        .store
        .add_daily_report(&DailyReport {
            date: today,
            unit: "一标段".to_owned(),
            kind: Some(UnitKind::Contractor),
            compound: Some(other),
            work_done: "开挖管沟".to_owned(),
            ..DailyReport::default()
        })
        .unwrap();

    // Both on the same month's route: a compound is on it once, so the user picks first.
    office
        .store
        .set_observation_route(
            month,
            &[
                (kept, "看管网".to_owned()),
                (other, "看雨污分流".to_owned()),
            ],
        )
        .unwrap();
    let refused = office.store.resolve_duplicate(&offer.id, true).unwrap_err();
    assert!(refused.to_string().contains("观摩路线上"), "{refused}");
    assert_eq!(
        office.store.compound_rows().unwrap().len(),
        2,
        "nothing merged"
    );
    office
        .store
        .set_observation_route(month, &[(other, "看雨污分流".to_owned())])
        .unwrap();

    office.store.resolve_duplicate(&offer.id, true).unwrap();
    let route = office.store.observation_route(month).unwrap();
    assert_eq!(route.len(), 1, "the stop stays on the route");
    assert_eq!(
        (route[0].compound, route[0].reason.as_str()),
        (kept, "看雨污分流")
    );
    let reports = office.store.daily_reports_until(today).unwrap();
    assert_eq!(reports[0].compound, Some(kept));
    assert_eq!(office.store.compound_rows().unwrap().len(), 1);
}

#[test]
fn a_clusters_own_supporting_projects_are_funded_and_summed_with_the_compounds() {
    let mut store = Store::open_in_memory().unwrap();
    let town = store.towns().unwrap()[0].clone();
    let cluster = yanshou::model::Cluster {
        id: yanshou::model::ClusterId::new(),
        name: "永宁大道片区".to_owned(),
        town_id: Some(town.id),
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster).unwrap();
    let mut road = entry(2022, Source::Central, 8_000_000);
    road.project = "片区支路".to_owned();
    road.red_line = Some(RedLine::Outside);
    road.project_total_fen = Some(10_000_000);
    store
        .add_funding(Funded::Cluster(cluster.id), &road)
        .unwrap();
    let rows = store.funding_rows().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].name.as_str(), rows[0].town.as_str()),
        ("永宁大道片区", town.name.as_str())
    );
    assert!(
        flags(
            &store.funding_of(Funded::Cluster(cluster.id)).unwrap(),
            luoning_money()
        )
        .is_empty(),
        "80% is allowed"
    );
}

/// The money rules of Luoning's pack (五、（一））.
fn luoning_money() -> &'static yanshou::model::policy_pack::FundingRules {
    &yanshou::model::policy_pack::PolicyPack::luoning()
        .meta
        .funding
}
