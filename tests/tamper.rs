//! A hostile user with `sqlite3` on the file: every change to a signed record that its sheet
//! prints or depends on is caught, un-signing shows, and the sign-off log holds its chain.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

mod common;

use yanshou::cli::selftest;

use yanshou::model::seal::Finding;
use yanshou::model::{InspectionId, ItemResult, Rectification, RectificationId, SealCheck};
use yanshou::store::Store;

/// A signed compound record on a file, with a failed item, its rectification and a photo.
fn signed_record() -> (tempfile::TempDir, std::path::PathBuf, InspectionId, String) {
    let dir = tempfile::tempdir().unwrap();
    let (path, id, code) = selftest::tamper::signed_record(dir.path()).unwrap();
    (dir, path, id, code)
}

fn tamper(path: &std::path::Path, sql: &str) {
    selftest::tamper::tamper(path, sql).unwrap();
}

fn check(path: &std::path::Path, id: InspectionId) -> SealCheck {
    Store::open_read_only(path).unwrap().check_seal(id).unwrap()
}

#[test]
fn an_untouched_signed_record_is_intact_and_logged() {
    let (_dir, path, id, code) = signed_record();
    assert_eq!(check(&path, id), SealCheck::Intact { code });
    let store = Store::open_read_only(&path).unwrap();
    let audit = store.audit().unwrap();
    assert!(audit.is_clean(), "{:?}", audit.lines());
    assert_eq!(audit.checked, 1);
    assert_eq!(store.seal_log().unwrap().len(), 1);
}

#[test]
fn every_change_the_sheet_shows_is_caught() {
    // The suite's catalogue: photo bytes, thumbnail, file name and time, the printed head,
    // item group, clause and hint, a result, a rectification, the signing time, un-signing,
    // a changed log, a deleted record; and no false alarm on an untouched record.
    let (tried, missed) = selftest::tamper::run().unwrap();
    assert!(tried >= 14, "{tried}");
    assert!(missed.is_empty(), "not caught: {missed:?}");
}

#[test]
fn a_rectification_added_to_a_signed_round_is_refused_or_caught() {
    let (_dir, path, id, code) = signed_record();
    let mut store = Store::open(&path).unwrap();
    let added = Rectification {
        id: RectificationId::new(),
        inspection_id: id,
        item_code: "XQ-SY-03".into(),
        requirement: "补装健身器材".into(),
        responsible_unit: "施工单位".into(),
        deadline: chrono::Local::now().date_naive(),
    };
    assert!(store.save_rectification(&added).is_err(), "the app refuses");
    drop(store);
    tamper(
        &path,
        &format!(
            "INSERT INTO rectification VALUES ('{}', '{id}', 'XQ-SY-03', '另加要求', '监理', '2030-01-01', 'x', 'x')",
            RectificationId::new()
        ),
    );
    assert!(
        matches!(check(&path, id), SealCheck::Tampered { sealed_code, .. } if sealed_code == code)
    );
}

#[test]
fn un_signing_behind_the_apps_back_shows_everywhere() {
    let (_dir, path, id, code) = signed_record();
    tamper(
        &path,
        &format!("UPDATE inspection SET seal = NULL, signed_off_at = NULL WHERE id = '{id}'"),
    );
    // The record: flagged with the printed code, in words.
    let found = check(&path, id);
    assert_eq!(
        found,
        SealCheck::Flagged(Finding::Unsigned { code: code.clone() })
    );
    assert_eq!(found.finding().unwrap().summary(), "签字后被撤销签字");
    // The printed code still finds it, through the log.
    let store = Store::open_read_only(&path).unwrap();
    let by_code = store.find_by_code(&code).unwrap();
    assert_eq!(by_code.len(), 1);
    assert!(matches!(
        by_code[0].1,
        SealCheck::Flagged(Finding::Unsigned { .. })
    ));
    // The audit names it.
    let audit = store.audit().unwrap();
    assert_eq!(audit.findings.len(), 1, "{:?}", audit.lines());
    assert!(
        audit.lines()[0].contains("签字后被撤销签字"),
        "{:?}",
        audit.lines()
    );
    drop(store);
    // And the app still refuses to change it (the log keeps it locked).
    let mut store = Store::open(&path).unwrap();
    assert!(
        store
            .record_result(id, "XQ-LZ-01", Some(ItemResult::Pass))
            .is_err()
    );
}

#[test]
fn a_forged_seal_a_replaced_seal_and_a_changed_log_are_caught() {
    // A seal written by hand into an unsigned record: not in the log.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    let id = {
        let mut store = Store::open(&path).unwrap();
        let (_, id) = common::store_with_inspection(&mut store, "伪造小区");
        common::pass_every_item(&mut store, id);
        id
    };
    tamper(
        &path,
        &format!(
            "UPDATE inspection SET seal = '{}', seal_version = 1, signed_off_at = 'x' WHERE id = '{id}'",
            "ab".repeat(32)
        ),
    );
    let found = check(&path, id);
    assert!(
        matches!(
            found,
            SealCheck::Tampered { .. } | SealCheck::Flagged(Finding::NotLogged { .. })
        ),
        "{found:?}"
    );

    // A log entry changed: the chain breaks there.
    let (_dir, path, _, _) = signed_record();
    tamper(
        &path,
        "UPDATE seal_log SET signed_off_at = '2020-01-01T00:00:00Z'",
    );
    let audit = Store::open_read_only(&path).unwrap().audit().unwrap();
    assert_eq!(audit.broken_log, vec![1]);
    assert!(audit.lines().iter().any(|l| l.contains("签字日志被改动")));

    // A signed record deleted: the log remembers it.
    let (_dir, path, id, code) = signed_record();
    tamper(&path, &format!("DELETE FROM inspection WHERE id = '{id}'"));
    let audit = Store::open_read_only(&path).unwrap().audit().unwrap();
    assert_eq!(
        audit.finding(id),
        Some(&Finding::Deleted { code }),
        "{:?}",
        audit.lines()
    );
}

#[test]
fn the_cli_says_what_happened_and_fails() {
    let (_dir, path, id, code) = signed_record();
    let exe = env!("CARGO_BIN_EXE_yanshou");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(exe)
            .arg("--db")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = run(&["verify"]);
    assert!(ok && text.contains("均与签字时一致"), "{text}");
    tamper(
        &path,
        &format!("UPDATE inspection SET seal = NULL, signed_off_at = NULL WHERE id = '{id}'"),
    );
    let (ok, text) = run(&["verify", "--code", &code]);
    assert!(!ok && text.contains("签字后被撤销签字"), "{text}");
    let (ok, text) = run(&["verify"]);
    assert!(!ok && text.contains("签字后被撤销签字"), "{text}");
    let (ok, text) = run(&["list"]);
    assert!(ok, "{text}");
    assert!(text.contains("签字后被撤销签字"), "list flags it: {text}");
}

#[test]
fn editing_the_compound_later_leaves_the_signed_sheet_as_signed() {
    let (_dir, path, id, code) = signed_record();
    let mut store = Store::open(&path).unwrap();
    let mut compound = store
        .compound(store.inspection(id).unwrap().subject.compound().unwrap())
        .unwrap();
    compound.name = "改名后的小区".into();
    compound.address = "新地址 9 号".into();
    store.save_compound(&compound).unwrap();
    assert_eq!(store.check_seal(id).unwrap(), SealCheck::Intact { code });
    let sheet =
        yanshou::export::AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).unwrap();
    let text = common::pdf_text(&yanshou::export::render_acceptance_sheet(&sheet).unwrap());
    assert!(text.contains("自检小区"), "the signed head is printed");
    assert!(!text.contains("改名后的小区"));
}
