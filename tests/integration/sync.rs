//! Several laptops and one county office: packages carry every change, apply all or nothing,
//! never twice, never over a signed record; what both sides changed waits for a user.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use common::sync::{Machine, choices, content, file_bytes};
use yanshou::model::sync::Role;
use yanshou::model::{Catalogue, ItemResult, Subject};
use yanshou::store::StoreError;
use yanshou::store::sync::FieldPick;

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn a_laptops_records_reach_the_office_once_and_come_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "城关镇-王海燕", Role::Field);

    let (compound, inspection) = common::store_with_inspection(&mut laptop.store, "外业小区");
    common::pass_every_item(&mut laptop.store, inspection);
    laptop
        .store
        .record_remark(inspection, "XQ-ST-01", "水压正常")
        .unwrap();
    let package = laptop.send(None);
    let outcome = office.receive(&package).unwrap();
    assert!(outcome.applied > 10, "{outcome:?}");
    assert_eq!(outcome.conflicts, 0);
    assert_eq!(office.store.compound(compound).unwrap().name, "外业小区");
    let at_office = office.store.inspection(inspection).unwrap();
    assert_eq!(at_office.decided_count(), 13);
    assert_eq!(at_office.item("XQ-ST-01").unwrap().remark, "水压正常");

    // The same package again: nothing changes, and it says so.
    let before = file_bytes(&office.path);
    let again = office.receive(&package).unwrap();
    assert!(again.repeated, "{again:?}");
    assert!(
        again.summary().contains("以前已导入过"),
        "{}",
        again.summary()
    );
    assert_eq!(file_bytes(&office.path), before);

    // The office passes them back: the laptop has them already.
    let back = office.send(Some(&laptop));
    let outcome = laptop.receive(&back).unwrap();
    assert_eq!(outcome.conflicts, 0, "{outcome:?}");
    assert_eq!(content(&laptop.store), content(&office.store));
    // And the laptop knows what the office has: its next package holds only what is new.
    laptop
        .store
        .record_remark(inspection, "XQ-ST-02", "电表已更换")
        .unwrap();
    let next = laptop.send(Some(&office));
    let read = yanshou::import::package::read_package(&next).unwrap();
    assert_eq!(read.entries.len(), 1, "{:?}", read.manifest);
    office.receive(&next).unwrap();
    assert_eq!(
        office
            .store
            .inspection(inspection)
            .unwrap()
            .item("XQ-ST-02")
            .unwrap()
            .remark,
        "电表已更换"
    );
}

#[test]
fn a_field_changed_on_two_machines_waits_for_a_pick_which_travels() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业甲", Role::Field);
    let mut c = common::compound("冲突小区");
    laptop.store.save_compound(&c).unwrap();
    office.receive(&laptop.send(None)).unwrap();
    laptop.receive(&office.send(Some(&laptop))).unwrap();

    // Both change the households, differently.
    c.households = Some(80);
    laptop.store.save_compound(&c).unwrap();
    let mut at_office = office.store.compound(c.id).unwrap();
    at_office.households = Some(90);
    at_office.address = "新地址 2 号".to_owned();
    office.store.save_compound(&at_office).unwrap();

    let outcome = office.receive(&laptop.send(Some(&office))).unwrap();
    assert_eq!(outcome.conflicts, 1, "{outcome:?}");
    // Not applied: the office's value stays until someone picks.
    assert_eq!(office.store.compound(c.id).unwrap().households, Some(90));
    let conflicts = office.store.open_conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    let field = &conflicts[0].fields[0];
    assert_eq!(
        (
            field.label.as_str(),
            field.ours.as_str(),
            field.theirs.as_str()
        ),
        ("户数", "90", "80")
    );
    assert_eq!(field.origin_name, "外业甲");
    assert!(
        office
            .store
            .compounds_in_conflict()
            .unwrap()
            .contains(&c.id)
    );

    // The office takes the laptop's value; the pick goes back to the laptop.
    office
        .store
        .resolve_conflict(&field.id, FieldPick::Theirs)
        .unwrap();
    assert_eq!(office.store.compound(c.id).unwrap().households, Some(80));
    assert!(office.store.open_conflicts().unwrap().is_empty());
    laptop.receive(&office.send(Some(&laptop))).unwrap();
    assert_eq!(
        laptop.store.compound(c.id).unwrap().address,
        "新地址 2 号",
        "the office's other change came through"
    );
    assert_eq!(content(&laptop.store), content(&office.store));
    assert!(laptop.store.open_conflicts().unwrap().is_empty());
}

#[test]
fn a_signed_record_verifies_at_the_office_and_a_changed_copy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业乙", Role::Field);
    let (_, inspection) = common::store_with_inspection(&mut laptop.store, "签字小区");
    common::pass_every_item(&mut laptop.store, inspection);
    let seal = common::sign_off_as_is(&mut laptop.store, inspection);
    let outcome = office.receive(&laptop.send(None)).unwrap();
    assert_eq!(outcome.sealed, 1, "{outcome:?}");
    let code = yanshou::model::signoff::short_code(&seal);
    let found = office.store.find_by_code(&code).unwrap();
    assert_eq!(found.len(), 1);
    assert!(
        matches!(found[0].1, yanshou::model::SealCheck::Intact { .. }),
        "{:?}",
        found[0].1
    );
    assert!(office.store.audit().unwrap().is_clean());

    // Someone changes the signed record behind the laptop's back and sends everything again.
    let raw = rusqlite::Connection::open(&laptop.path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER inspection_item_locked;
         UPDATE inspection_item SET result = 'fail' WHERE code = 'XQ-ST-01';",
    )
    .unwrap();
    drop(raw);
    // This program will not send it: the laptop's own check flags the record first.
    let refused_here = laptop
        .store
        .outgoing(
            Some(&office.id),
            &yanshou::store::sync::Scope::Everything { town: None },
            &yanshou::model::Clock::local(),
        )
        .unwrap_err()
        .to_string();
    assert!(refused_here.contains("核验不一致"), "{refused_here}");
    // A broken or hostile sender would: the office refuses it as well.
    let out = laptop
        .store
        .outgoing_unaudited(
            Some(&office.id),
            &yanshou::store::sync::Scope::Everything { town: None },
            &yanshou::model::Clock::local(),
        )
        .unwrap();
    let forged = dir.path().join("forged-all.yspkg");
    yanshou::export::package::write_package(&forged, &out.signed, &out.entries, &out.photo_bytes)
        .unwrap();
    let before = file_bytes(&office.path);
    let refused = office.receive(&forged).unwrap_err();
    let words = refused.to_string();
    assert!(words.contains("篡改") && words.contains(&code), "{words}");
    assert_eq!(
        file_bytes(&office.path),
        before,
        "the office file is untouched"
    );
}

#[test]
fn one_round_signed_on_two_laptops_is_refused_at_the_office_with_both_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业甲", Role::Field);
    let mut b = Machine::new(dir.path(), "外业乙", Role::Field);
    // The round reaches the second laptop before it is signed; both then sign it.
    let (_, inspection) = common::store_with_inspection(&mut a.store, "两处签字小区");
    office.receive(&a.send(None)).unwrap();
    b.receive(&office.send_scope(None, yanshou::store::sync::Scope::Everything { town: None }))
        .unwrap();
    common::pass_every_item(&mut a.store, inspection);
    let seal_a = common::sign_off_as_is(&mut a.store, inspection);
    common::pass_every_item(&mut b.store, inspection);
    let seal_b = common::sign_off_as_is(&mut b.store, inspection);
    assert_ne!(seal_a, seal_b);
    office.receive(&a.send(Some(&office))).unwrap();
    let before = file_bytes(&office.path);
    let words = office
        .receive(&b.send(Some(&office)))
        .unwrap_err()
        .to_string();
    let (code_a, code_b) = (
        yanshou::model::signoff::short_code(&seal_a),
        yanshou::model::signoff::short_code(&seal_b),
    );
    assert!(
        words.contains("篡改") && words.contains(&code_a) && words.contains(&code_b),
        "{words}"
    );
    assert_eq!(
        file_bytes(&office.path),
        before,
        "the office file is untouched"
    );
}

#[test]
fn a_round_signed_elsewhere_replaces_a_photo_added_here_meanwhile_and_its_seal_holds() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业丁", Role::Field);
    let (_, inspection) = common::store_with_inspection(&mut laptop.store, "补拍小区");
    office.receive(&laptop.send(None)).unwrap();
    // The office adds a photo to the round while the laptop finishes and signs it.
    let picture = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let photo = yanshou::import::photo::prepare(&jpeg.into_inner(), "补拍.jpg").unwrap();
    office
        .store
        .add_photos(inspection, "XQ-SR-01", std::slice::from_ref(&photo))
        .unwrap();
    common::pass_every_item(&mut laptop.store, inspection);
    let seal = common::sign_off_as_is(&mut laptop.store, inspection);
    let outcome = office.receive(&laptop.send(Some(&office))).unwrap();
    assert!(outcome.superseded >= 1, "{}", outcome.summary());
    assert!(office.store.photos_of(inspection).unwrap().is_empty());
    let code = yanshou::model::signoff::short_code(&seal);
    let found = office.store.find_by_code(&code).unwrap();
    assert!(
        matches!(found[0].1, yanshou::model::SealCheck::Intact { .. }),
        "{:?}",
        found[0].1
    );
    assert!(office.store.audit().unwrap().is_clean());
}

#[test]
fn refused_packages_leave_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业丙", Role::Field);
    laptop
        .store
        .save_compound(&common::compound("第一次"))
        .unwrap();
    let first = laptop.send(None);
    laptop
        .store
        .save_compound(&common::compound("第二次"))
        .unwrap();
    let second = laptop.send(None);
    let second_only = dir.path().join("second-only.yspkg");
    // A package that starts after the first one was exported to the same (unknown) peer
    // holds everything: make one that does not, by dropping its first entry.
    std::fs::copy(&second, &second_only).unwrap();
    {
        let conn = rusqlite::Connection::open(&second_only).unwrap();
        conn.execute("DELETE FROM entry WHERE seq = 1", []).unwrap();
        let mut manifest: yanshou::model::sync::Manifest = serde_json::from_str(
            &conn
                .query_row("SELECT json FROM manifest", [], |r| r.get::<_, String>(0))
                .unwrap(),
        )
        .unwrap();
        let entries = yanshou::import::package::read_package(&second)
            .unwrap()
            .entries
            .into_iter()
            .filter(|e| e.seq != 1)
            .collect::<Vec<_>>();
        manifest.payload_sha256 = yanshou::model::sync::payload_hash(&entries);
        manifest.range = Some((2, 2));
        // Signed again with the laptop's own key: the gap, not the signature, is what is
        // refused (a package edited without the key is refused as forged, below).
        conn.execute(
            "UPDATE manifest SET json = ?1",
            [serde_json::to_string(&manifest).unwrap()],
        )
        .unwrap();
        sign_as(&conn, &laptop.path);
    }

    let mut refused = Vec::new();
    let before = file_bytes(&office.path);
    // A gap in the sender's numbering.
    refused.push(office.receive(&second_only).unwrap_err().to_string());
    // Truncated.
    let truncated = dir.path().join("truncated.yspkg");
    let bytes = std::fs::read(&first).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    refused.push(office.receive(&truncated).unwrap_err().to_string());
    // A changed byte in a change.
    let altered = dir.path().join("altered.yspkg");
    std::fs::copy(&first, &altered).unwrap();
    rusqlite::Connection::open(&altered)
        .unwrap()
        .execute(
            "UPDATE entry SET author = '别人' WHERE ord = (SELECT min(ord) FROM entry)",
            [],
        )
        .unwrap();
    refused.push(office.receive(&altered).unwrap_err().to_string());
    // From a newer version.
    let newer = dir.path().join("newer.yspkg");
    std::fs::copy(&first, &newer).unwrap();
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.execute(
            "UPDATE manifest SET json = json_set(json, '$.schema_version', 999)",
            [],
        )
        .unwrap();
        sign_as(&conn, &laptop.path);
    }
    // The same, not signed again: forged.
    let unsigned_edit = dir.path().join("edited.yspkg");
    std::fs::copy(&first, &unsigned_edit).unwrap();
    rusqlite::Connection::open(&unsigned_edit)
        .unwrap()
        .execute(
            "UPDATE manifest SET json = json_set(json, '$.schema_version', 999)",
            [],
        )
        .unwrap();
    refused.push(office.receive(&unsigned_edit).unwrap_err().to_string());
    refused.push(office.receive(&newer).unwrap_err().to_string());
    // Claiming another sender, without that sender's key.
    let forged = dir.path().join("forged.yspkg");
    std::fs::copy(&first, &forged).unwrap();
    rusqlite::Connection::open(&forged)
        .unwrap()
        .execute(
            "UPDATE manifest SET json = replace(json, '外业丙', '外业丁')",
            [],
        )
        .unwrap();
    refused.push(office.receive(&forged).unwrap_err().to_string());
    // Not a package at all.
    let foreign = dir.path().join("foreign.yspkg");
    std::fs::write(&foreign, b"hello").unwrap();
    refused.push(office.receive(&foreign).unwrap_err().to_string());
    assert_eq!(file_bytes(&office.path), before, "{refused:?}");
    for (words, expected) in refused.iter().zip([
        "缺少外业丙的第 1 至 1 号变更",
        "已损坏或不完整",
        "与其校验值不符",
        "签名与内容不符",
        "更新版本",
        "签名与内容不符（声称来自“外业丁”",
        "不是验收数据包",
    ]) {
        assert!(words.contains(expected), "{expected}: {words}");
    }
    // Its own package.
    let own = laptop.receive(&first).unwrap_err().to_string();
    assert!(own.contains("本机自己导出"), "{own}");

    // In order, both apply; the overlapping second changes nothing new.
    assert!(office.receive(&first).unwrap().applied > 0);
    let outcome = office.receive(&second).unwrap();
    assert_eq!(outcome.applied, 1, "{outcome:?}");
    assert_eq!(outcome.already_here, 1);
    assert_eq!(office.store.compound_counts().unwrap().0, 2);
}

#[test]
fn two_laptops_meet_at_the_office_towns_merge_and_survey_rounds_are_renumbered() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业A", Role::Field);
    let mut b = Machine::new(dir.path(), "外业B", Role::Field);
    // The same town on both laptops is one town: its id is its name's.
    let towns_a = a.store.towns().unwrap();
    assert_eq!(towns_a, b.store.towns().unwrap());
    let mut c = common::compound("共同小区");
    c.town_id = Some(towns_a[0].id);
    a.store.save_compound(&c).unwrap();
    office.receive(&a.send(None)).unwrap();
    b.receive(&office.send_scope(None, yanshou::store::sync::Scope::Everything { town: None }))
        .unwrap();
    // Both start survey round 1 of the compound.
    let catalogue = yanshou::model::SurveyCatalogue::current();
    a.store
        .start_survey(c.id, day(10), "甲", catalogue)
        .unwrap();
    b.store
        .start_survey(c.id, day(11), "乙", catalogue)
        .unwrap();
    office.receive(&a.send(Some(&office))).unwrap();
    let outcome = office.receive(&b.send(None)).unwrap();
    assert!(
        outcome.summary().contains("已改为第 2 轮"),
        "{}",
        outcome.summary()
    );
    let rounds: Vec<u32> = office
        .store
        .surveys_of(c.id)
        .unwrap()
        .iter()
        .map(|s| s.round)
        .collect();
    assert_eq!(rounds.len(), 2);
    assert!(rounds.contains(&1) && rounds.contains(&2), "{rounds:?}");
    // Everyone ends with the same rounds.
    a.receive(&office.send(Some(&a))).unwrap();
    b.receive(&office.send(Some(&b))).unwrap();
    assert_eq!(content(&a.store), content(&office.store));
    assert_eq!(content(&b.store), content(&office.store));
    let _ = Catalogue::current();
    let _ = ItemResult::Pass;
    let _ = Subject::Compound(c.id);
    let _: Option<StoreError> = None;
}

#[test]
fn a_kill_9_during_an_import_leaves_the_file_as_it_was_or_with_all_of_the_package() {
    use yanshou::cli::selftest::crash;
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_yanshou"));
    let report = crash::run(exe, crash::Scenario::Import, 10, 11).unwrap();
    assert_eq!(report.trials, 10);
    assert!(report.broken.is_empty(), "{:?}", report.broken);
    assert_eq!(report.lost, 0, "{report:?}");
    eprintln!("{report:?}");
}

#[test]
fn a_new_laptop_is_set_up_from_one_office_package_with_its_towns_compounds() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let towns = office.store.towns().unwrap();
    // Clusters: one of the town, one of another town, and one without a town that holds a
    // compound of the town.
    let cluster = |name: &str, town| yanshou::model::Cluster {
        id: yanshou::model::ClusterId::new(),
        name: name.to_owned(),
        town_id: town,
        plan_year: Some(2024),
    };
    let (ours, theirs, shared) = (
        cluster("城关片区", Some(towns[0].id)),
        cluster("镇上片区", Some(towns[1].id)),
        cluster("跨镇片区", None),
    );
    for k in [&ours, &theirs, &shared] {
        office.store.save_cluster(k).unwrap();
    }
    for (name, town, cluster) in [
        ("城关小区", towns[0].id, Some(shared.id)),
        ("镇上小区", towns[1].id, None),
    ] {
        let mut c = common::compound(name);
        c.town_id = Some(town);
        c.cluster_id = cluster;
        office.store.save_compound(&c).unwrap();
    }
    let mut laptop = Machine::new(dir.path(), "新笔记本", Role::Field);
    let scope = yanshou::store::sync::Scope::Everything {
        town: Some(towns[0].id),
    };
    let outcome = laptop.receive(&office.send_scope(None, scope)).unwrap();
    assert!(
        outcome.conflicts == 0 && outcome.duplicates == 0,
        "{}",
        outcome.summary()
    );
    let names: Vec<String> = laptop
        .store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(names, vec!["城关小区".to_owned()]);
    assert_eq!(laptop.store.towns().unwrap(), towns);
    // What `--town` says it gives: the town's clusters and its compounds' clusters, not the
    // other towns'.
    let mut clusters: Vec<String> = laptop
        .store
        .clusters()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    clusters.sort();
    let mut expected = vec!["城关片区".to_owned(), "跨镇片区".to_owned()];
    expected.sort();
    assert_eq!(clusters, expected);
    // A change at the office to a compound of another town is not the laptop's business: no
    // conflict about a record it never had.
    let mut elsewhere = office
        .store
        .compound_rows()
        .unwrap()
        .into_iter()
        .find(|r| r.compound.name == "镇上小区")
        .unwrap()
        .compound;
    elsewhere.households = Some(99);
    office.store.save_compound(&elsewhere).unwrap();
    laptop.receive(&office.send(Some(&laptop))).unwrap();
    assert!(laptop.store.open_conflicts().unwrap().is_empty());
    // The laptop knows the office from then on: its next package goes there, and back.
    let peers = laptop.store.peers().unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].role, Role::Office);
    let mut c = common::compound("新登记");
    c.town_id = Some(towns[0].id);
    laptop.store.save_compound(&c).unwrap();
    let outcome = office.receive(&laptop.send(Some(&office))).unwrap();
    assert_eq!(outcome.applied, 1, "{}", outcome.summary());
    assert_eq!(office.store.compound_rows().unwrap().len(), 3);
}

#[test]
fn export_package_town_help_says_what_it_exports() {
    use clap::CommandFactory as _;
    let mut cli = yanshou::cli::Cli::command();
    let export = cli.find_subcommand_mut("export-package").unwrap();
    let town = export
        .get_arguments()
        .find(|a| a.get_id() == "town")
        .unwrap();
    let help = town.get_help().unwrap().to_string();
    assert!(
        help.contains("片区") && help.contains("其他乡镇的小区和片区不导出"),
        "{help}"
    );
    assert!(!help.contains("全部乡镇和片区"), "{help}");
}

#[test]
fn overlapping_packages_apply_once_and_deletions_travel_unless_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业", Role::Field);
    let town = laptop.store.towns().unwrap()[0].id;
    let mut kept = common::compound("改过的小区");
    kept.town_id = Some(town);
    let mut dropped = common::compound("撤销的小区");
    dropped.town_id = Some(town);
    laptop.store.save_compound(&kept).unwrap();
    laptop.store.save_compound(&dropped).unwrap();
    // A first package (changes 1–2), then one for a machine not met (everything from 1).
    let first = laptop.send(None);
    let mut third = common::compound("第三个小区");
    third.town_id = Some(town);
    laptop.store.save_compound(&third).unwrap();
    let overlapping = laptop.send(None);
    office.receive(&first).unwrap();
    let outcome = office.receive(&overlapping).unwrap();
    assert_eq!(
        (outcome.applied, outcome.already_here),
        (1, 2),
        "{}",
        outcome.summary()
    );
    assert_eq!(office.store.compound_rows().unwrap().len(), 3);
    laptop.receive(&office.send(Some(&laptop))).unwrap();

    // Both deleted on the laptop; one of them changed at the office meanwhile.
    kept.households = Some(99);
    office.store.save_compound(&kept).unwrap();
    laptop.store.delete_compound(kept.id).unwrap();
    laptop.store.delete_compound(dropped.id).unwrap();
    let outcome = office.receive(&laptop.send(Some(&office))).unwrap();
    let names: Vec<String> = office
        .store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert!(!names.contains(&"撤销的小区".to_owned()), "{names:?}");
    assert!(names.contains(&"改过的小区".to_owned()), "{names:?}");
    assert_eq!(outcome.conflicts, 1, "{}", outcome.summary());
    let open = office.store.open_conflicts().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].fields[0].column, "*");
    assert!(
        office
            .store
            .compounds_in_conflict()
            .unwrap()
            .contains(&kept.id)
    );
    // The office confirms the deletion: it is gone everywhere.
    office
        .store
        .resolve_conflict(&open[0].fields[0].id, FieldPick::Theirs)
        .unwrap();
    laptop.receive(&office.send(Some(&laptop))).unwrap();
    assert_eq!(content(&laptop.store), content(&office.store));
    assert_eq!(office.store.compound_rows().unwrap().len(), 1);
}

/// A row added to a record signed at the office, by a package: not taken (the applier checks
/// the signed parent itself), and the file's own locks refuse the same by SQL.
#[test]
fn nothing_is_added_to_a_record_signed_here_by_sql_or_by_package() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业丙", Role::Field);
    let (_, inspection) = common::store_with_inspection(&mut laptop.store, "加项小区");
    office.receive(&laptop.send(None)).unwrap();
    common::pass_every_item(&mut office.store, inspection);
    common::sign_off_as_is(&mut office.store, inspection);
    let items_before = office.store.inspection(inspection).unwrap().items.len();

    // By SQL on the office's file, triggers in place: every write is refused.
    let raw = rusqlite::Connection::open(&office.path).unwrap();
    let copy_item = format!(
        "CREATE TEMP TABLE t AS SELECT * FROM inspection_item WHERE inspection_id = '{inspection}' LIMIT 1;
         UPDATE t SET code = 'XQ-ZZ-99', position = 99;
         INSERT INTO inspection_item SELECT * FROM t;"
    );
    for sql in [
        copy_item.clone(),
        format!("DELETE FROM inspection_item WHERE inspection_id = '{inspection}'"),
        format!(
            "INSERT INTO inspection_party (inspection_id, position, unit) VALUES ('{inspection}', 9, '冒名单位')"
        ),
        format!(
            "UPDATE inspection_party SET unit = '冒名单位' WHERE inspection_id = '{inspection}'"
        ),
        format!("DELETE FROM inspection_party WHERE inspection_id = '{inspection}'"),
    ] {
        let refused = raw.execute_batch(&format!("BEGIN; {sql}; COMMIT;"));
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("signed off")),
            "{sql}: {refused:?}"
        );
        let _ = raw.execute_batch("ROLLBACK; DROP TABLE IF EXISTS temp.t;");
    }
    drop(raw);

    // By package: the laptop's copy (unsigned there) gains an item and travels whole.
    let raw = rusqlite::Connection::open(&laptop.path).unwrap();
    raw.execute_batch(&copy_item).unwrap();
    drop(raw);
    let added = laptop.send_scope(
        Some(&office),
        yanshou::store::sync::Scope::Everything { town: None },
    );
    office.receive(&added).unwrap();
    let round = office.store.inspection(inspection).unwrap();
    assert_eq!(round.items.len(), items_before);
    assert!(round.item("XQ-ZZ-99").is_none());
    let audit = office.store.audit().unwrap();
    assert!(audit.is_clean(), "{:?}", audit.lines());
}

/// A signature arriving with strokes off the pad (drawn across the sheet) refuses the
/// package whole; the office file stays byte for byte.
#[test]
fn a_signature_with_strokes_off_the_pad_is_refused_on_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业丁", Role::Field);
    let (_, inspection) = common::store_with_inspection(&mut laptop.store, "笔迹小区");
    let drawn = yanshou::model::SignMethod::Drawn(vec![vec![[0.1, 0.2], [0.5, 0.6]]]);
    laptop.store.sign(inspection, 0, "签字人", &drawn).unwrap();
    let raw = rusqlite::Connection::open(&laptop.path).unwrap();
    raw.execute_batch("UPDATE signature SET strokes = '[[[-9.0,-9.0],[9.0,9.0]]]'")
        .unwrap();
    drop(raw);
    let package = laptop.send_scope(None, yanshou::store::sync::Scope::Everything { town: None });
    let before = file_bytes(&office.path);
    let refused = office.receive(&package).unwrap_err().to_string();
    assert!(refused.contains("签名笔迹超出签名板"), "{refused}");
    assert_eq!(file_bytes(&office.path), before);
}

/// Signs the package open on `conn` again, with the key of the file at `sender` (what the
/// sender's own program would have written).
fn sign_as(conn: &rusqlite::Connection, sender: &std::path::Path) {
    let key = key_of_file(sender);
    let json: String = conn
        .query_row("SELECT json FROM manifest", [], |r| r.get(0))
        .unwrap();
    let signature = key.sign(&yanshou::model::device_key::package_message(&json));
    conn.execute("UPDATE signature SET signature = ?1", [signature])
        .unwrap();
}

/// A real package cut short by any number of bytes is refused; a bit flipped anywhere either
/// gets it refused or (in bytes SQLite never reads: free space in a page) changes nothing that
/// is read. Never a different content accepted.
#[test]
fn a_package_cut_short_or_with_a_flipped_bit_is_refused_or_reads_the_same() {
    use yanshou::import::package::read_package;
    let dir = tempfile::tempdir().unwrap();
    let mut laptop = Machine::new(dir.path(), "外业丁", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "完整小区");
    common::pass_every_item(&mut laptop.store, id);
    laptop
        .store
        .add_photos(id, "XQ-SR-01", &[common::ui::prepared_photo("现场.jpg")])
        .unwrap();
    common::sign_off_as_is(&mut laptop.store, id);
    let package = laptop.send(None);
    let original = read_package(&package).unwrap();
    let bytes = std::fs::read(&package).unwrap();
    let len = bytes.len();
    let probe = dir.path().join("probe.yspkg");

    let mut cuts: Vec<usize> = vec![
        1,
        2,
        3,
        7,
        100,
        511,
        512,
        4095,
        4096,
        4097,
        len / 2,
        len - 100,
    ];
    cuts.retain(|c| *c < len);
    for cut in cuts {
        std::fs::write(&probe, &bytes[..len - cut]).unwrap();
        assert!(read_package(&probe).is_err(), "cut by {cut} bytes was read");
    }

    // A small package ends in a page's free space: a cut there loses no content SQLite
    // reads, and the header's length is what tells.
    let mut small = Machine::new(dir.path(), "外业戊", Role::Field);
    small
        .store
        .save_compound(&common::compound("小包"))
        .unwrap();
    let small_package = std::fs::read(small.send(None)).unwrap();
    for cut in 1..=16 {
        std::fs::write(&probe, &small_package[..small_package.len() - cut]).unwrap();
        assert!(
            read_package(&probe).is_err(),
            "a small package cut by {cut} bytes was read"
        );
    }

    // About 600 positions spread over the whole file, a different bit at each.
    let step = (len / 600).max(1);
    let (mut refused, mut same) = (0, 0);
    for pos in (0..len).step_by(step) {
        let mut flipped = bytes.clone();
        flipped[pos] ^= 1 << (pos % 8);
        std::fs::write(&probe, &flipped).unwrap();
        match read_package(&probe) {
            Err(_) => refused += 1,
            Ok(read) => {
                assert!(
                    read.manifest == original.manifest
                        && read.entries == original.entries
                        && read.sender_key == original.sender_key,
                    "a flipped bit at byte {pos} of {len} was read as different content"
                );
                same += 1;
            }
        }
    }
    println!("{refused} refused, {same} read unchanged, of {len} bytes");
    assert!(
        refused > 0 && refused + same >= 600,
        "{refused} refused, {same} unchanged"
    );
}

/// `package` read, its entries changed by `change`, written again and signed with the key of
/// the file at `sender`, as the sender's own program would have: what is then refused is the
/// numbering itself, not the signature or the hash.
fn rewritten(
    package: &std::path::Path,
    sender: &std::path::Path,
    out: &std::path::Path,
    change: impl FnOnce(&mut Vec<yanshou::model::sync::Entry>),
) {
    let read = yanshou::import::package::read_package(package).unwrap();
    let mut entries = read.entries.clone();
    change(&mut entries);
    let mut manifest = read.manifest.clone();
    manifest.payload_sha256 = yanshou::model::sync::payload_hash(&entries);
    let json = serde_json::to_string(&manifest).unwrap();
    let key = key_of_file(sender);
    let signed = yanshou::model::sync::SignedManifest {
        signature: key.sign(&yanshou::model::device_key::package_message(&json)),
        json,
    };
    yanshou::export::package::write_package(out, &signed, &entries, &read.photo_bytes).unwrap();
}

/// A gap, a number twice, a number below 1 or a range other than the manifest's, anywhere in a
/// package, refuses it whole with the office file as it was (a gap used to move the office past
/// changes it never had).
#[test]
fn a_package_numbered_wrong_anywhere_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业己", Role::Field);
    for name in ["一号", "二号", "三号"] {
        laptop.store.save_compound(&common::compound(name)).unwrap();
    }
    let package = laptop.send(None);
    let before = file_bytes(&office.path);
    type Change = Box<dyn FnOnce(&mut Vec<yanshou::model::sync::Entry>)>;
    let cases: [(&str, Change); 4] = [
        (
            "中间缺了",
            Box::new(|e| {
                e.remove(1);
            }),
        ),
        (
            "出现了两次",
            Box::new(|e| {
                let again = e[1].clone();
                e.insert(2, again);
            }),
        ),
        ("应从 1 起", Box::new(|e| e[0].seq = -5)),
        (
            "清单写明变更第 1–3 号，实际含第 1–2 号",
            Box::new(|e| {
                e.pop();
            }),
        ),
    ];
    for (n, (says, change)) in cases.into_iter().enumerate() {
        let out = dir.path().join(format!("wrong-{n}.yspkg"));
        rewritten(&package, &laptop.path, &out, change);
        let words = office.receive(&out).unwrap_err().to_string();
        assert!(
            words.contains(says) && words.contains("变更编号有误"),
            "{says}: {words}"
        );
        assert_eq!(file_bytes(&office.path), before, "{says}");
    }
    // The package as sent applies.
    assert_eq!(office.receive(&package).unwrap().applied, 3);
}

/// The device key of the database file at `path` (what a sender's own program signs with).
fn key_of_file(path: &std::path::Path) -> yanshou::model::device_key::DeviceKey {
    let secret: Vec<u8> = rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT secret_key FROM device", [], |r| r.get(0))
        .unwrap();
    yanshou::model::device_key::DeviceKey::from_secret(&secret).unwrap()
}

/// A fuzz loop (seeded, so a failure can be replayed): a real package's changesets mutated
/// (bytes flipped, cut, doubled, swapped) and signed again by the sender, as a careless or
/// hostile sender could. Every mutation is either applied or refused whole, with the office
/// file byte-identical and a Chinese message that blames the package, never SQLite's English.
#[test]
fn mutated_packages_are_refused_in_chinese_with_the_office_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut laptop = Machine::new(dir.path(), "外业庚", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "模糊测试小区");
    common::pass_every_item(&mut laptop.store, id);
    laptop
        .store
        .add_photos(id, "XQ-SR-01", &[common::ui::prepared_photo("现场.jpg")])
        .unwrap();
    for name in ["甲小区", "乙小区"] {
        laptop.store.save_compound(&common::compound(name)).unwrap();
    }
    let package = laptop.send(None);
    let entries = yanshou::import::package::read_package(&package)
        .unwrap()
        .entries
        .len();
    let mut seed: u64 = 0x5eed_2026_1207;
    let mut next = move |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below.max(1) as u64) as usize
    };
    let (mut applied, mut refused) = (0, 0);
    for round in 0..120 {
        let office_dir = dir.path().join(format!("office-{round}"));
        std::fs::create_dir_all(&office_dir).unwrap();
        let mut office = Machine::new(&office_dir, "县办", Role::Office);
        let before = file_bytes(&office.path);
        let which = next(entries);
        let (how, at, byte) = (next(4), next(1 << 20), next(256) as u8);
        let out = dir.path().join(format!("fuzz-{round}.yspkg"));
        rewritten(&package, &laptop.path, &out, |e| {
            let bytes = &mut e[which].changeset;
            let len = bytes.len().max(1);
            match how {
                0 => {
                    if let Some(b) = bytes.get_mut(at % len) {
                        *b ^= byte | 1;
                    }
                }
                1 => bytes.truncate(at % len),
                2 => {
                    let copy = bytes[at % len..].to_vec();
                    bytes.extend(copy);
                }
                _ => {
                    let (a, b) = (at % len, (at / 7) % len);
                    if a < bytes.len() && b < bytes.len() {
                        bytes.swap(a, b);
                        bytes[a] = bytes[a].wrapping_add(byte);
                    }
                }
            }
        });
        match office.receive(&out) {
            Ok(_) => applied += 1,
            Err(e) => {
                refused += 1;
                let words = e.to_string();
                for english in [
                    "Error code",
                    "constraint failed",
                    "malformed",
                    "SQLite",
                    "sqlite",
                    "no such",
                    "datatype",
                ] {
                    assert!(
                        !words.contains(english),
                        "round {round} (entry {which}, how {how}): {words}"
                    );
                }
                assert!(
                    words.contains("数据包") && words.contains("本机数据未改动"),
                    "round {round}: {words}"
                );
                assert_eq!(file_bytes(&office.path), before, "round {round}: {words}");
            }
        }
    }
    eprintln!("120 mutated packages: {applied} applied, {refused} refused");
    assert!(refused > 0);
}

/// A package whose rows the form would refuse, or with a value beyond the limits, is refused
/// whole with the office file as it was (200,000 compounds in one entry, a 300 MB blob and a
/// year 1700 used to go in).
#[test]
fn rows_the_form_would_refuse_and_oversized_values_are_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let before = file_bytes(&office.path);

    // A compound built in 1700, written past the form (another tool), sent as a snapshot.
    let mut odd = Machine::new(dir.path(), "外业辛", Role::Field);
    odd.store
        .save_compound(&common::compound("古城小区"))
        .unwrap();
    odd.store
        .connection()
        .execute("UPDATE compound SET year_built = 1700", [])
        .unwrap();
    let package = odd.send_scope(None, yanshou::store::sync::Scope::Everything { town: None });
    let words = office.receive(&package).unwrap_err().to_string();
    assert!(
        words.contains("古城小区") && words.contains("1700") && words.contains("本机数据未改动"),
        "{words}"
    );
    assert_eq!(file_bytes(&office.path), before);

    // A photo of 40 MB.
    let mut big = Machine::new(dir.path(), "外业壬", Role::Field);
    let (_, id) = common::store_with_inspection(&mut big.store, "大照片小区");
    big.store
        .add_photos(id, "XQ-SR-01", &[common::ui::prepared_photo("现场.jpg")])
        .unwrap();
    big.store
        .connection()
        .execute("UPDATE photo SET jpeg = zeroblob(40 * 1024 * 1024)", [])
        .unwrap();
    let package = big.send_scope(None, yanshou::store::sync::Scope::Everything { town: None });
    let words = office.receive(&package).unwrap_err().to_string();
    assert!(
        words.contains("40 MB") && words.contains("上限") && words.contains("本机数据未改动"),
        "{words}"
    );
    assert_eq!(file_bytes(&office.path), before);
}

/// The same picture chosen twice for the same item is one photo (its bytes stored once).
#[test]
fn the_same_photo_chosen_twice_on_one_item_is_one_photo() {
    let dir = tempfile::tempdir().unwrap();
    let mut laptop = Machine::new(dir.path(), "外业卯", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "同一照片小区");
    let photo = common::ui::prepared_photo("现场.jpg");
    let first = laptop
        .store
        .add_photos(id, "XQ-SR-01", std::slice::from_ref(&photo))
        .unwrap();
    let again = laptop
        .store
        .add_photos(id, "XQ-SR-01", &[photo.clone(), photo.clone()])
        .unwrap();
    assert_eq!(again, vec![first[0], first[0]]);
    let stored: i64 = laptop
        .store
        .connection()
        .query_row(
            "SELECT count(*) FROM photo WHERE sha256 = ?1",
            [&photo.sha256],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 1);
    // On another item it is a photo of that item.
    laptop
        .store
        .add_photos(id, "XQ-SR-02", std::slice::from_ref(&photo))
        .unwrap();
    assert_eq!(laptop.store.photos_of(id).unwrap().len(), 2);
}

/// The rows of `store` that hold `bytes` (a photo's picture) anywhere: the stored pictures, the
/// photo rows' own copies and the change log's entries.
fn copies_of(store: &yanshou::store::Store, bytes: &[u8]) -> (i64, i64, i64) {
    let probe = &bytes[bytes.len() / 2..bytes.len() / 2 + 64];
    store
        .connection()
        .query_row(
            "SELECT (SELECT count(*) FROM photo_bytes WHERE instr(jpeg, ?1) > 0),
                    (SELECT count(*) FROM photo WHERE instr(jpeg, ?1) > 0),
                    (SELECT count(*) FROM change_log WHERE instr(changeset, ?1) > 0)",
            [probe],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

/// The same picture attached to the same item on two laptops (and on a third whose rows carry
/// their bytes, as an older program's do) reaches the office as photo rows that name one
/// stored picture: its bytes are held once there, not in the rows or the change log, it shows
/// once on the item, and each package carries it once beside its entries. Deleted on one
/// laptop, it goes from the item everywhere.
#[test]
fn the_same_picture_from_two_laptops_is_stored_once_and_shown_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业甲", Role::Field);
    let (_, id) = common::store_with_inspection(&mut a.store, "同图小区");
    office.receive(&a.send(None)).unwrap();
    let mut b = Machine::new(dir.path(), "外业乙", Role::Field);
    let mut c = Machine::new(dir.path(), "外业丙", Role::Field);
    for laptop in [&mut b, &mut c] {
        let everything =
            office.send_scope(None, yanshou::store::sync::Scope::Everything { town: None });
        laptop.receive(&everything).unwrap();
    }
    let photo = common::ui::prepared_photo("井盖.jpg");
    for laptop in [&mut a, &mut b, &mut c] {
        laptop
            .store
            .add_photos(id, "XQ-SR-01", std::slice::from_ref(&photo))
            .unwrap();
        assert_eq!(
            copies_of(&laptop.store, &photo.jpeg),
            (1, 0, 0),
            "{}",
            laptop.name
        );
    }
    // The third laptop's rows carry their bytes, as an older program's packages have them.
    c.store
        .connection()
        .execute(
            "UPDATE photo SET jpeg = (SELECT jpeg FROM photo_bytes b WHERE b.sha256 = photo.sha256)",
            [],
        )
        .unwrap();
    assert_eq!(copies_of(&c.store, &photo.jpeg), (1, 1, 0));

    let from_a = a.send(Some(&office));
    let read = yanshou::import::package::read_package(&from_a).unwrap();
    assert_eq!(read.photo_bytes.len(), 1);
    assert_eq!(read.photo_bytes[0].jpeg, photo.jpeg);
    let probe = &photo.jpeg[photo.jpeg.len() / 2..photo.jpeg.len() / 2 + 64];
    assert!(
        read.entries
            .iter()
            .all(|e| !e.changeset.windows(probe.len()).any(|w| w == probe)),
        "the picture is not in the entries"
    );
    office.receive(&from_a).unwrap();
    office.receive(&b.send(Some(&office))).unwrap();
    office
        .receive(&c.send_scope(None, yanshou::store::sync::Scope::Everything { town: None }))
        .unwrap();

    let rows: i64 = office
        .store
        .connection()
        .query_row(
            "SELECT count(*) FROM photo WHERE sha256 = ?1",
            [&photo.sha256],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rows, 3, "one photo row from each laptop");
    assert_eq!(copies_of(&office.store, &photo.jpeg), (1, 0, 0));
    let shown = office.store.photos_of(id).unwrap();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_eq!(office.store.photo_jpeg(shown[0].id).unwrap(), photo.jpeg);

    // Passed back to a laptop: still one picture there, shown once.
    a.receive(&office.send(Some(&a))).unwrap();
    assert_eq!(copies_of(&a.store, &photo.jpeg), (1, 0, 0));
    assert_eq!(a.store.photos_of(id).unwrap().len(), 1);
    assert_eq!(content(&a.store), content(&office.store));

    // Deleted on that laptop: off the item at the office too, its bytes with it there.
    let on_a = a.store.photos_of(id).unwrap()[0].id;
    a.store.delete_photo(on_a).unwrap();
    assert!(a.store.photos_of(id).unwrap().is_empty());
    assert_eq!(copies_of(&a.store, &photo.jpeg), (0, 0, 0));
    office.receive(&a.send(Some(&office))).unwrap();
    assert!(office.store.photos_of(id).unwrap().is_empty());
}

/// A cluster made under the same name in the same town on two laptops is offered for merging
/// at the office, like a compound (it used to become two clusters silently); merged, the kept
/// one has both laptops' member compounds and surveys, and the merge travels back. A cluster
/// of the same name with another plan year is another cluster.
#[test]
fn a_cluster_made_on_two_laptops_is_offered_for_merging_and_merges_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业甲", Role::Field);
    let mut b = Machine::new(dir.path(), "外业乙", Role::Field);
    let town = a.store.towns().unwrap()[0].id;
    let catalogue = yanshou::model::Catalogue::current();
    let mut made = Vec::new();
    for (on_a, member, year) in [
        (true, "水利局家属院", Some(2022)),
        (false, "粮食局家属院", Some(2022)),
        (false, "供销社家属院", Some(2024)),
    ] {
        let laptop = if on_a { &mut a } else { &mut b };
        let cluster = yanshou::model::Cluster {
            id: yanshou::model::ClusterId::new(),
            name: "永宁大道片区".to_owned(),
            town_id: Some(town),
            plan_year: year,
        };
        laptop.store.save_cluster(&cluster).unwrap();
        let mut compound = common::compound(member);
        compound.town_id = Some(town);
        compound.cluster_id = Some(cluster.id);
        laptop.store.save_compound(&compound).unwrap();
        laptop
            .store
            .start_cluster_survey(cluster.id, day(1), "王海燕", catalogue)
            .unwrap();
        made.push((cluster.id, compound.id));
    }
    office.receive(&a.send(None)).unwrap();
    let outcome = office.receive(&b.send(None)).unwrap();
    assert_eq!(outcome.duplicates, 1, "{}", outcome.summary());
    let offers = office.store.duplicates().unwrap();
    assert_eq!(offers.len(), 1, "{offers:?}");
    let offer = &offers[0];
    assert_eq!(offer.kind, yanshou::store::sync::LookAlike::Cluster);
    assert_eq!(
        (offer.kept.as_str(), offer.other.as_str()),
        (
            made[0].0.to_string().as_str(),
            made[1].0.to_string().as_str()
        )
    );
    assert_eq!((offer.kept_rounds, offer.other_rounds), (1, 1));
    assert_eq!(offer.detail, "2022 年计划");

    office.store.resolve_duplicate(&offer.id, true).unwrap();
    let kept = made[0].0;
    let members: Vec<String> = office
        .store
        .cluster_rows(kept)
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(members.len(), 2, "{members:?}");
    assert!(members.contains(&"粮食局家属院".to_owned()), "{members:?}");
    assert_eq!(office.store.cluster_surveys_of(kept).unwrap().len(), 2);
    let names: Vec<_> = office
        .store
        .clusters()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.plan_year))
        .collect();
    assert_eq!(names.len(), 2, "the 2024 one stays: {names:?}");
    assert!(office.store.duplicates().unwrap().is_empty());

    // The merge reaches the laptop that made the merged-away cluster.
    let merged = office.send(Some(&b));
    let mut late = b.copy_into(&dir.path().join("late"));
    b.receive(&merged).unwrap();
    assert_eq!(content(&b.store), content(&office.store));

    // Had that laptop surveyed the merged-away cluster again meanwhile, the merge would not
    // take the new survey with it: the cluster's deletion waits for a user there.
    let other = made[1].0;
    let survey = late
        .store
        .start_cluster_survey(other, day(2), "李工", catalogue)
        .unwrap();
    late.receive(&merged).unwrap();
    let kept_there: Vec<_> = late
        .store
        .cluster_surveys_of(other)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(kept_there, [survey.id]);
    assert_eq!(late.store.cluster_surveys_of(kept).unwrap().len(), 2);
    let open = late.store.open_conflicts().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].table, "cluster");
}

/// A package is not written from a file that lost a photo's picture (the office would refuse
/// it, and exporting again would not help); a photo deleted since, its picture with it, is no
/// such loss: its deletion travels in the same package.
#[test]
fn a_photo_without_its_picture_is_refused_at_export_and_a_deleted_one_travels() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业戊", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "缺图小区");
    let photo = common::ui::prepared_photo("现场.jpg");
    let added = laptop
        .store
        .add_photos(id, "XQ-SR-01", std::slice::from_ref(&photo))
        .unwrap();
    laptop.store.delete_photo(added[0]).unwrap();
    let outcome = office.receive(&laptop.send(None)).unwrap();
    assert_eq!(outcome.conflicts, 0, "{}", outcome.summary());
    assert!(office.store.photos_of(id).unwrap().is_empty());

    laptop
        .store
        .add_photos(id, "XQ-SR-02", std::slice::from_ref(&photo))
        .unwrap();
    laptop
        .store
        .connection()
        .execute("DELETE FROM photo_bytes", [])
        .unwrap();
    let out = yanshou::export::Document::FieldPackage {
        destination: Some(office.id.clone()),
        scope: yanshou::store::sync::Scope::Changes,
    }
    .write(
        &laptop.store,
        &dir.path().join("缺图.yspkg"),
        &yanshou::model::Clock::local(),
        &yanshou::job::Progress::unobserved(),
    );
    let words = out.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        words.contains("现场.jpg") && words.contains("图片内容缺失"),
        "{words}"
    );
    assert!(!dir.path().join("缺图.yspkg").exists());
}

/// A snapshot (全部数据) that brings nothing new says so: its records are counted as already
/// here, not as added (it used to report "新增" for every record of a repeated snapshot).
#[test]
fn a_snapshot_of_records_already_here_is_not_counted_as_added() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业甲", Role::Field);
    common::store_with_inspection(&mut a.store, "快照小区");
    let everything = yanshou::store::sync::Scope::Everything { town: None };
    let first = office
        .receive(&a.send_scope(None, everything.clone()))
        .unwrap();
    assert!(first.summary().contains("新增"), "{}", first.summary());
    // Only the county's 19 towns, 4 targets and its policy pack, which every file has, were
    // here already.
    assert_eq!((first.had, first.unchanged), (0, 24), "{first:?}");
    assert!(
        first.summary().contains("其中 24 条本机已有"),
        "{}",
        first.summary()
    );

    // The same records again, in a new snapshot: had from this sender already.
    let again = office
        .receive(&a.send_scope(None, everything.clone()))
        .unwrap();
    let said = again.summary();
    assert!(again.had > 10, "{again:?}");
    assert!(
        said.contains("本机都已有") && said.contains("没有改动") && !said.contains("新增"),
        "{said}"
    );

    // A new laptop set up from the office sends everything back: the same content.
    let mut b = Machine::new(dir.path(), "外业乙", Role::Field);
    b.receive(&office.send_scope(None, everything.clone()))
        .unwrap();
    let back = office.receive(&b.send_scope(None, everything)).unwrap();
    let said = back.summary();
    assert_eq!(back.had + back.unchanged, 42, "{back:?}");
    assert!(
        said.contains("本机都已有") && !said.contains("新增"),
        "{said}"
    );
}

/// Laptop A deletes a compound while laptop B changes its address. Whichever package reaches
/// the office first, it is offered the same two outcomes: the compound gone, or the compound
/// (with its survey) kept with B's address; and picking the latter gives the same file either
/// way, which then reaches A too. (With A's package first the office used to be able to keep
/// the deletion only: "对方的完整版本没有随数据包传来".)
#[test]
fn a_deletion_against_an_edit_offers_the_same_outcomes_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut a = Machine::new(dir.path(), "外业甲", Role::Field);
    let mut b = Machine::new(dir.path(), "外业乙", Role::Field);
    let mut compound = common::compound("删改小区");
    compound.town_id = Some(a.store.towns().unwrap()[0].id);
    a.store.save_compound(&compound).unwrap();
    a.store
        .start_survey(
            compound.id,
            day(1),
            "王海燕",
            yanshou::model::SurveyCatalogue::current(),
        )
        .unwrap();
    office.receive(&a.send(None)).unwrap();
    let everything = yanshou::store::sync::Scope::Everything { town: None };
    b.receive(&office.send_scope(None, everything)).unwrap();
    a.receive(&office.send(Some(&a))).unwrap();
    a.store.delete_compound(compound.id).unwrap();
    let mut edited = compound.clone();
    edited.address = "城关镇永宁大道 9 号".to_owned();
    b.store.save_compound(&edited).unwrap();
    let from_a = a.send(Some(&office));
    let from_b = b.send(Some(&office));

    let mut outcomes = Vec::new();
    for (n, a_first) in [(1, true), (2, false)] {
        let run = dir.path().join(format!("run{n}"));
        let mut office = office.copy_into(&run);
        let mut a = a.copy_into(&run);
        let order = if a_first {
            [&from_a, &from_b]
        } else {
            [&from_b, &from_a]
        };
        for package in order {
            office.receive(package).unwrap();
        }
        let offered = choices(&office.store);
        assert_eq!(offered.len(), 1, "{offered:?}");
        // Keep the compound with B's address: the other side when A's deletion came first,
        // this side when B's edit did.
        let field = office.store.open_conflicts().unwrap()[0].fields[0].clone();
        assert!(field.theirs_available, "{field:?}");
        let keep = if a_first {
            FieldPick::Theirs
        } else {
            FieldPick::Ours
        };
        office.store.resolve_conflict(&field.id, keep).unwrap();
        let kept = office.store.compound(compound.id).unwrap();
        assert_eq!(kept.address, "城关镇永宁大道 9 号", "run {n}");
        assert_eq!(
            office.store.surveys_of(compound.id).unwrap().len(),
            1,
            "run {n}"
        );
        assert!(office.store.open_conflicts().unwrap().is_empty());
        // The laptop that deleted it gets it back.
        a.receive(&office.send(Some(&a))).unwrap();
        assert_eq!(content(&a.store), content(&office.store), "run {n}");
        outcomes.push((offered, content(&office.store)));
    }
    // The same record offered whole, both sides open to pick, and the same file after it.
    assert_eq!(outcomes[0].0, outcomes[1].0);
    assert_eq!(outcomes[0].1, outcomes[1].1);
}

/// The same compound put on the same month's observation route on two machines is one stop:
/// the one set first stays on both, whichever package comes first (it used to refuse both
/// packages for good, as a row clashing with one already here).
#[test]
fn one_compound_on_one_months_route_from_two_machines_is_one_stop() {
    use yanshou::model::rhythm::Month;
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业甲", Role::Field);
    let c = common::compound("建设路小区");
    laptop.store.save_compound(&c).unwrap();
    office.receive(&laptop.send(Some(&office))).unwrap();
    laptop.receive(&office.send(Some(&laptop))).unwrap();
    let month = Month::of(yanshou::model::Clock::local().today());
    office
        .store
        .set_observation_route(month, &[(c.id, "县办先排：看雨污分流".to_owned())])
        .unwrap();
    laptop
        .store
        .set_observation_route(month, &[(c.id, "外业后排：看管网".to_owned())])
        .unwrap();

    // The same story with the office's package first, in copies.
    let (mut office2, mut laptop2) = (
        office.copy_into(&dir.path().join("2")),
        laptop.copy_into(&dir.path().join("2")),
    );
    laptop2.receive(&office2.send(Some(&laptop2))).unwrap();
    office2.receive(&laptop2.send(Some(&office2))).unwrap();

    let outcome = office.receive(&laptop.send(Some(&office))).unwrap();
    assert!(
        outcome
            .notes
            .iter()
            .any(|n| n.contains("保留先登记的一条")
                && n.contains("另一条的观摩理由：外业后排：看管网")),
        "{}",
        outcome.summary()
    );
    laptop.receive(&office.send(Some(&laptop))).unwrap();
    let stops = |m: &Machine| {
        m.store
            .observation_route(month)
            .unwrap()
            .into_iter()
            .map(|s| (s.id, s.compound, s.reason))
            .collect::<Vec<_>>()
    };
    let at_office = stops(&office);
    assert_eq!(at_office.len(), 1);
    assert_eq!(at_office[0].2, "县办先排：看雨污分流");
    assert_eq!(stops(&laptop), at_office, "one stop, the same on both");
    assert_eq!(
        common::sync::content(&laptop.store),
        common::sync::content(&office.store)
    );
    assert_eq!(stops(&office2), at_office, "the other order ends the same");
    assert_eq!(stops(&laptop2), at_office);
}

/// One unit's score in one quarter, made on two machines, is one score: the one made first,
/// everywhere; the other's figures are said in the import's notes.
#[test]
fn one_units_quarter_score_from_two_machines_is_one_score() {
    use yanshou::model::rhythm::{Quarter, QuarterScore, UnitKind};
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut other = Machine::new(dir.path(), "县办二", Role::Field);
    office.receive(&other.send(Some(&office))).unwrap();
    other.receive(&office.send(Some(&other))).unwrap();
    // The last quarter (the current one may not have begun a scoring).
    let today = yanshou::model::Clock::local().today();
    let q = Quarter::of(today - chrono::Duration::days(100));
    let score = |progress| QuarterScore {
        unit: "一标段".to_owned(),
        kind: Some(UnitKind::Contractor),
        progress: Some(progress),
        ..QuarterScore::default()
    };
    office.store.save_quarter_score(q, &score(80)).unwrap();
    other.store.save_quarter_score(q, &score(60)).unwrap();

    let outcome = office.receive(&other.send(Some(&office))).unwrap();
    assert!(
        outcome
            .notes
            .iter()
            .any(|n| n.contains("保留先登记的一条") && n.contains("60")),
        "{}",
        outcome.summary()
    );
    other.receive(&office.send(Some(&other))).unwrap();
    let progress = |m: &Machine| {
        m.store
            .quarter_scores(q)
            .unwrap()
            .into_iter()
            .map(|s| (s.unit, s.progress))
            .collect::<Vec<_>>()
    };
    assert_eq!(progress(&office), [("一标段".to_owned(), Some(80))]);
    assert_eq!(progress(&other), progress(&office));
}
