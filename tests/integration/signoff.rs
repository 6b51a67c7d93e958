//! Signatures, sign-off, the seal, tamper detection and the read-only rule.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use yanshou::model::signoff::{normalize_code, seal as seal_with_photos, short_code};
use yanshou::model::{Inspection, Signature};

/// The seal of a record without photos.
fn seal(inspection: &Inspection, signatures: &[Signature]) -> String {
    seal_with_photos(inspection, signatures, &[])
}
use yanshou::model::{ItemResult, SealCheck, SignMethod};
use yanshou::store::{Store, StoreError};

fn drawn() -> SignMethod {
    SignMethod::Drawn(vec![
        vec![[0.1, 0.5], [0.3, 0.2], [0.6, 0.8]],
        vec![[0.7, 0.4], [0.9, 0.45]],
    ])
}

/// A store with a fully decided inspection (one item 不合格) signed by all three parties.
fn signed_ready() -> (Store, yanshou::model::InspectionId) {
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "签字小区");
    common::pass_every_item(&mut store, id);
    store
        .record_result(id, "XQ-LZ-01", Some(ItemResult::Fail))
        .unwrap();
    store
        .record_remark(id, "XQ-LZ-01", "3 号楼前路面塌陷")
        .unwrap();
    store.sign(id, 0, "建设单位 张三", &drawn()).unwrap();
    store.sign(id, 1, "李四", &SignMethod::WetInk).unwrap();
    store.sign(id, 2, "王五", &drawn()).unwrap();
    (store, id)
}

#[test]
fn signatures_round_trip_as_vector_strokes() {
    let (store, id) = signed_ready();
    let signatures = store.signatures(id).unwrap();
    assert_eq!(signatures.len(), 3);
    assert_eq!(signatures[0].unit, "建设单位");
    assert_eq!(signatures[0].signer, "建设单位 张三");
    assert_eq!(signatures[0].method, drawn());
    assert_eq!(signatures[1].method, SignMethod::WetInk);
    assert!(!signatures[2].signed_at.is_empty());
}

#[test]
fn sign_off_needs_every_party_and_every_item() {
    let mut store = Store::open_in_memory().unwrap();
    let (_, id) = common::store_with_inspection(&mut store, "未完成小区");
    store.sign(id, 0, "张三", &drawn()).unwrap();
    let err = store.sign_off(id).unwrap_err();
    let StoreError::NotReady(blockers) = &err else {
        panic!("{err:?}");
    };
    assert!(
        blockers.iter().any(|b| b.contains("未判定")),
        "{blockers:?}"
    );
    assert!(
        blockers.iter().any(|b| b == "施工单位尚未签字"),
        "{blockers:?}"
    );
    assert!(err.to_string().starts_with("还不能完成签字"));
    // An empty pad or an empty name is refused.
    assert!(
        store
            .sign(id, 1, "李四", &SignMethod::Drawn(vec![vec![[0.5, 0.5]]]))
            .is_err()
    );
    assert!(store.sign(id, 1, "  ", &SignMethod::WetInk).is_err());
    assert!(store.sign(id, 9, "谁", &SignMethod::WetInk).is_err());
}

#[test]
fn a_signed_off_record_is_read_only() {
    let (mut store, id) = signed_ready();
    let sealed = store.sign_off(id).unwrap();
    assert_eq!(sealed.len(), 64);
    let inspection = store.inspection(id).unwrap();
    assert!(inspection.is_signed_off());
    assert_eq!(inspection.seal.as_deref(), Some(sealed.as_str()));

    for err in [
        store
            .record_result(id, "XQ-LZ-01", Some(ItemResult::Pass))
            .unwrap_err(),
        store.record_remark(id, "XQ-LZ-01", "改了").unwrap_err(),
        store.sign(id, 0, "别人", &SignMethod::WetInk).unwrap_err(),
        store.unsign(id, 0).unwrap_err(),
        store.sign_off(id).unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::ReadOnlyRecord(_)), "{err:?}");
        assert!(err.to_string().contains("已签字确认"), "{err}");
    }
    let compound = inspection
        .subject
        .compound()
        .expect("a compound inspection");
    let err = store.delete_compound(compound).unwrap_err();
    assert!(err.to_string().contains("不能删除"), "{err}");
    assert_eq!(
        store.inspection(id).unwrap().items,
        inspection.items,
        "nothing changed"
    );
}

#[test]
fn the_same_record_gives_the_same_code_and_any_change_another() {
    let (store, id) = signed_ready();
    let inspection = store.inspection(id).unwrap();
    let signatures = store.signatures(id).unwrap();
    let base = seal(&inspection, &signatures);
    assert_eq!(base, seal(&inspection, &signatures), "stable");
    assert_eq!(
        base,
        seal(
            &store.inspection(id).unwrap(),
            &store.signatures(id).unwrap()
        ),
        "stable across reads"
    );

    let mut changed = Vec::new();
    let mut i = inspection.clone();
    i.items[0].remark.push('。');
    changed.push(("remark", seal(&i, &signatures)));
    let mut i = inspection.clone();
    i.items[1].result = Some(ItemResult::NotApplicable);
    changed.push(("result", seal(&i, &signatures)));
    let mut i = inspection.clone();
    i.inspectors.push_str("、赵六");
    changed.push(("inspectors", seal(&i, &signatures)));
    let mut i = inspection.clone();
    i.catalogue_version = "2021-17/v2".into();
    changed.push(("catalogue version", seal(&i, &signatures)));
    let mut i = inspection.clone();
    i.items[2].standard.text.push('！');
    changed.push(("standard text", seal(&i, &signatures)));
    let mut s = signatures.clone();
    s[1].signer = "李四四".into();
    changed.push(("signer", seal(&inspection, &s)));
    let mut s = signatures.clone();
    if let SignMethod::Drawn(strokes) = &mut s[0].method {
        strokes[0][1][0] += 0.01;
    }
    changed.push(("stroke", seal(&inspection, &s)));
    let photo = ("XQ-SR-01".to_owned(), "ab".repeat(32));
    changed.push((
        "photo",
        seal_with_photos(&inspection, &signatures, std::slice::from_ref(&photo)),
    ));
    let other = ("XQ-SR-01".to_owned(), "cd".repeat(32));
    assert_ne!(
        seal_with_photos(&inspection, &signatures, std::slice::from_ref(&photo)),
        seal_with_photos(&inspection, &signatures, std::slice::from_ref(&other)),
        "a different photo changes the code"
    );
    assert_eq!(
        seal_with_photos(&inspection, &signatures, &[photo.clone(), other.clone()]),
        seal_with_photos(&inspection, &signatures, &[other, photo]),
        "photo order does not matter"
    );
    for (what, code) in changed {
        assert_ne!(code, base, "changing the {what} must change the code");
    }
}

#[test]
fn a_change_made_outside_the_app_is_detected() {
    let (mut store, id) = signed_ready();
    let sealed = store.sign_off(id).unwrap();
    let code = short_code(&sealed);
    assert_eq!(
        store.check_seal(id).unwrap(),
        SealCheck::Intact { code: code.clone() }
    );

    // The printed code finds the record, in any case, with or without dashes.
    let found = store
        .find_by_code(&code.to_lowercase().replace('-', " "))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.subject_name, "签字小区");
    assert!(matches!(found[0].1, SealCheck::Intact { .. }));
    assert!(store.find_by_code("0000-0000-0000").unwrap().is_empty());
    assert_eq!(normalize_code("3f2a-91C0 7b44"), "3f2a91c07b44");

    // Someone with a SQL editor drops the guard and "fixes" the failed item.
    store
        .connection()
        .execute_batch(
            "DROP TRIGGER inspection_item_locked;
             UPDATE inspection_item SET result = 'pass', remark = '' WHERE code = 'XQ-LZ-01';",
        )
        .unwrap();
    match store.check_seal(id).unwrap() {
        SealCheck::Tampered {
            sealed_code,
            current_code,
        } => {
            assert_eq!(sealed_code, code);
            assert_ne!(current_code, code);
        }
        other => panic!("tampering not detected: {other:?}"),
    }
    assert!(matches!(
        store.find_by_code(&code).unwrap()[0].1,
        SealCheck::Tampered { .. }
    ));
}

#[test]
fn a_signed_sheet_prints_the_code_on_every_page_and_who_signed() {
    use yanshou::export::{AcceptanceSheet, render_acceptance_sheet};
    let (mut store, id) = signed_ready();
    let code = short_code(&store.sign_off(id).unwrap());
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).unwrap(),
    )
    .unwrap();
    let text = common::pdf_text_raw(&bytes);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(!pages.is_empty());
    for page in &pages {
        let squashed: String = page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squashed.contains(&format!("校验码：{code}")),
            "a page without the code:\n{page}"
        );
    }
    let all: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(all.contains("建设单位张三·屏幕签字"), "{all}");
    assert!(all.contains("李四·纸质签字"), "{all}");
    assert!(bytes.len() < 200 * 1024);

    // An unsigned sheet carries no code.
    let mut store2 = Store::open_in_memory().unwrap();
    let (_, open_id) = common::store_with_inspection(&mut store2, "未签小区");
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store2, open_id, yanshou::model::Clock::local()).unwrap(),
    )
    .unwrap();
    assert!(!common::pdf_text(&bytes).contains("校验码"));
}

#[test]
fn the_cli_verifies_a_printed_code() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let code = {
        let mut store = Store::open(&db).unwrap();
        let (_, id) = common::store_with_inspection(&mut store, "核验小区");
        common::pass_every_item(&mut store, id);
        for position in 0..3 {
            store
                .sign(id, position, "某人", &SignMethod::WetInk)
                .unwrap();
        }
        short_code(&store.sign_off(id).unwrap())
    };
    let exe = env!("CARGO_BIN_EXE_yanshou");
    let run = |code: &str| {
        let out = std::process::Command::new(exe)
            .arg("--db")
            .arg(&db)
            .args(["verify", "--code", code])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (ok, text) = run(&code);
    assert!(ok && text.contains("一致：核验小区"), "{text}");
    let (ok, text) = run("ABCD-ABCD-ABCD");
    assert!(!ok && text.contains("没有校验码"), "{text}");

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER inspection_item_locked; UPDATE inspection_item SET remark = '后补' WHERE code = 'XQ-SR-01';")
        .unwrap();
    drop(conn);
    let (ok, text) = run(&code);
    assert!(!ok && text.contains("不一致"), "{text}");
}

#[test]
fn a_compound_record_keeps_the_canonical_form_it_was_sealed_with() {
    // Fields added for clusters and corrections are left out when empty, so a record sealed
    // before schema 6 still matches its code.
    let (store, id) = signed_ready();
    let inspection = store.inspection(id).unwrap();
    let form = yanshou::model::signoff::canonical_form(&inspection, &[], &[]);
    let head = format!(
        r#"{{"format":"yanshou-seal/1","inspection":"{id}","compound":"{}","standard":"compound","catalogue_version":"#,
        inspection.subject.compound().unwrap()
    );
    assert!(form.starts_with(&head), "{form}");
    for added in ["\"cluster\"", "\"members\"", "\"reason\"", "\"corrects\""] {
        assert!(!form.contains(added), "{added} in {form}");
    }
}
