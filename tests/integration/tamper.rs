//! A hostile user with `sqlite3` on the file: every change to a signed record that its sheet
//! prints or depends on is caught, un-signing shows, and the sign-off log holds its chain.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

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

/// The printed code is compared with the record as it is now: a record un-signed behind the
/// app's back, changed and signed off again, its new seal appended to the log after the old
/// one: the log still knows the code on the paper, but the record no longer "verifies" with it.
#[test]
fn a_printed_code_fails_after_the_record_was_changed_and_sealed_again() {
    let (_dir, path, id, printed) = signed_record();
    tamper(
        &path,
        &format!(
            "CREATE TABLE kept_entry AS SELECT * FROM seal_log;
             DELETE FROM seal_log;
             UPDATE inspection SET seal = NULL, signed_off_at = NULL WHERE id = '{id}';
             UPDATE inspection_item SET result = 'pass', remark = '' WHERE code = 'XQ-LZ-01'"
        ),
    );
    // The door refuses the scratch table: it goes once the sign-off is done.
    let saved = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT seal, seal_version, signed_off_at, prev_hash, entry_hash FROM kept_entry",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )
        .unwrap();
    tamper(&path, "DROP TABLE kept_entry");
    let resealed = {
        let mut store = Store::open(&path).unwrap();
        yanshou::model::signoff::short_code(&store.sign_off(id).unwrap())
    };
    assert_ne!(resealed, printed);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TRIGGER seal_log_no_update; DROP TRIGGER seal_log_no_delete;")
        .unwrap();
    // The old entry goes back first in the log, the new one after it: as if the new seal had
    // been appended.
    conn.execute_batch("UPDATE seal_log SET seq = 2 WHERE seq = 1")
        .unwrap();
    conn.execute(
        "INSERT INTO seal_log (seq, inspection_id, seal, seal_version, signed_off_at, prev_hash, entry_hash)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![id.to_string(), saved.0, saved.1, saved.2, saved.3, saved.4],
    )
    .unwrap();
    drop(conn);
    let exe = env!("CARGO_BIN_EXE_yanshou");
    let out = std::process::Command::new(exe)
        .arg("--db")
        .arg(&path)
        .args(["verify", "--code", &printed])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("不一致") && text.contains(&resealed) && text.contains("重新封存"),
        "{text}"
    );
    // The new code itself matches the record as it is.
    let out = std::process::Command::new(exe)
        .arg("--db")
        .arg(&path)
        .args(["verify", "--code", &resealed])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.starts_with("一致："), "{said}");
}

/// Signature strokes pushed off the pad behind the app's back: the seal covers the values
/// the sheet draws, so the record no longer matches it.
#[test]
fn strokes_pushed_off_the_pad_break_the_seal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("笔迹.db");
    let id = {
        let mut store = Store::open(&path).unwrap();
        let (_, id) = common::store_with_inspection(&mut store, "笔迹小区");
        common::pass_every_item(&mut store, id);
        let drawn =
            yanshou::model::SignMethod::Drawn(vec![vec![[0.1, 0.2], [0.5, 0.6], [0.9, 0.3]]]);
        for position in 0..3 {
            store.sign(id, position, "签字人", &drawn).unwrap();
        }
        store.sign_off(id).unwrap();
        id
    };
    assert!(matches!(check(&path, id), SealCheck::Intact { .. }));
    tamper(
        &path,
        "UPDATE signature SET strokes = '[[[-9.0,-9.0],[9.0,9.0]]]' WHERE position = 0",
    );
    let found = check(&path, id);
    assert!(matches!(found, SealCheck::Tampered { .. }), "{found:?}");
}
