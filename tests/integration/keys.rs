//! Device keys: each file signs its seals and packages with a key of its own; the office learns
//! a laptop's key from its first package (or an enrolment file) and from then on refuses a
//! package or a seal that claims the laptop with another key. A record signed on a laptop
//! cannot be sealed again at the office in the laptop's name.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use std::path::Path;

use common::sync::Machine;
use yanshou::model::device_key::fingerprint;
use yanshou::model::key_file::{read_enrolment, write_enrolment};
use yanshou::model::seal::Finding;
use yanshou::model::sync::Role;
use yanshou::model::{InspectionId, SealCheck};
use yanshou::store::sync::LearnedFrom;
use yanshou::store::{Store, StoreError};

/// A laptop signs a record and sends it; the office imports it. Returns the two files' paths
/// (both closed), the record and its printed code.
fn signed_on_a_laptop(dir: &Path) -> (Machine, Machine, InspectionId, String) {
    let mut office = Machine::new(dir, "县办", Role::Office);
    let mut laptop = Machine::new(dir, "外业甲", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "钥匙小区");
    common::pass_every_item(&mut laptop.store, id);
    let seal = common::sign_off_as_is(&mut laptop.store, id);
    let package = laptop.send(None);
    let outcome = office.receive(&package).unwrap();
    let laptop_key = laptop.store.public_identity().unwrap().public_key;
    assert!(outcome.learned_sender, "{outcome:?}");
    assert_eq!(
        outcome.sender_fingerprint.as_deref(),
        Some(fingerprint(&laptop_key).as_str())
    );
    let known = office.store.known_devices().unwrap();
    assert_eq!(known.len(), 1);
    assert_eq!(known[0].name, "外业甲");
    assert_eq!(known[0].learned_from, LearnedFrom::Package);
    assert_eq!(known[0].public_key, laptop_key);
    (
        laptop,
        office,
        id,
        yanshou::model::signoff::short_code(&seal),
    )
}

#[test]
fn a_new_file_has_its_own_key_and_signs_its_seals_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (laptop, office, id, code) = signed_on_a_laptop(dir.path());
    let record = laptop.store.inspection(id).unwrap();
    assert_eq!(record.seal_version, Some(3));
    let signer = record.signer.clone().unwrap();
    assert_eq!(signer.device, laptop.id);
    assert_eq!(
        signer.public_key,
        laptop.store.public_identity().unwrap().public_key
    );
    // Two files, two keys.
    assert_ne!(
        office.store.public_identity().unwrap().public_key,
        signer.public_key
    );
    // Intact on both machines.
    for store in [&laptop.store, &office.store] {
        assert_eq!(
            store.check_seal(id).unwrap(),
            SealCheck::Intact { code: code.clone() }
        );
    }
}

#[test]
fn a_laptops_record_sealed_again_at_the_office_in_its_name_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (laptop, office, id, printed) = signed_on_a_laptop(dir.path());
    let laptop_id = laptop.id.clone();
    let office_id = office.id.clone();
    let path = office.path.clone();
    drop(office);
    // Un-signed with sqlite3, an item changed, and signed off again by the office's program
    // posing as the laptop (its device id) but holding only the office's key.
    yanshou::cli::selftest::tamper::tamper(
        &path,
        &format!(
            "DELETE FROM seal_log;
             UPDATE inspection SET seal = NULL, signed_off_at = NULL, seal_version = NULL,
                 sealed_by = NULL, seal_key = NULL, seal_signature = NULL WHERE id = '{id}';
             DELETE FROM inspection_member;
             UPDATE inspection_item SET remark = '改过' WHERE code = 'XQ-LZ-01';
             UPDATE device SET id = '{laptop_id}';"
        ),
    )
    .unwrap();
    let resealed = {
        let mut store = Store::open(&path).unwrap();
        store.sign_off(id).unwrap()
    };
    yanshou::cli::selftest::tamper::tamper(&path, &format!("UPDATE device SET id = '{office_id}'"))
        .unwrap();
    let store = Store::open_read_only(&path).unwrap();
    match store.check_seal(id).unwrap() {
        SealCheck::Flagged(Finding::WrongKey {
            device,
            expected,
            found,
            ..
        }) => {
            assert_eq!(device, "外业甲");
            assert_eq!(
                expected,
                fingerprint(&laptop.store.public_identity().unwrap().public_key)
            );
            assert_eq!(
                found,
                fingerprint(&store.public_identity().unwrap().public_key)
            );
        }
        other => panic!("{other:?}"),
    }
    drop(store);
    // The CLI says so for the printed code and for the new one.
    let exe = env!("CARGO_BIN_EXE_yanshou");
    for (code, expected) in [
        // Its log entry went with the sign-off it undid.
        (printed, "没有校验码为"),
        (
            yanshou::model::signoff::short_code(&resealed),
            "签名密钥不是签字设备“外业甲”的",
        ),
    ] {
        let out = std::process::Command::new(exe)
            .arg("--db")
            .arg(&path)
            .args(["verify", "--code", &code])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{code}: {text}");
        assert!(text.contains(expected), "{text}");
    }
}

#[test]
fn a_signature_that_is_not_the_keys_and_an_unknown_signer_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (_laptop, office, id, code) = signed_on_a_laptop(dir.path());
    let path = office.path.clone();
    drop(office);
    // The signature replaced by another valid-looking one.
    let forged = yanshou::model::device_key::DeviceKey::generate().sign(b"something else");
    yanshou::cli::selftest::tamper::tamper(
        &path,
        &format!("UPDATE inspection SET seal_signature = '{forged}' WHERE id = '{id}'"),
    )
    .unwrap();
    assert_eq!(
        Store::open_read_only(&path)
            .unwrap()
            .check_seal(id)
            .unwrap(),
        SealCheck::Flagged(Finding::BadSignature { code: code.clone() })
    );
    // A file that never learned the laptop's key (its row removed): says so, with the
    // fingerprint to compare.
    let dir2 = tempfile::tempdir().unwrap();
    let (laptop, office, id, code) = signed_on_a_laptop(dir2.path());
    let path = office.path.clone();
    drop(office);
    yanshou::cli::selftest::tamper::tamper(&path, "DELETE FROM known_device").unwrap();
    assert_eq!(
        Store::open_read_only(&path)
            .unwrap()
            .check_seal(id)
            .unwrap(),
        SealCheck::Flagged(Finding::UnknownSigner {
            code,
            fingerprint: fingerprint(&laptop.store.public_identity().unwrap().public_key),
        })
    );
}

#[test]
fn a_package_claiming_a_known_laptop_with_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (laptop, mut office, _, _) = signed_on_a_laptop(dir.path());
    // Another file made to look like the laptop: same id and name, its own key.
    let other_dir = tempfile::tempdir().unwrap();
    let mut impostor = Machine::new(other_dir.path(), "外业甲", Role::Field);
    let path = impostor.path.clone();
    drop(impostor);
    yanshou::cli::selftest::tamper::tamper(
        &path,
        &format!("UPDATE device SET id = '{}'", laptop.id),
    )
    .unwrap();
    impostor = Machine::new(other_dir.path(), "外业甲", Role::Field);
    common::store_with_inspection(&mut impostor.store, "冒充的小区");
    let package = impostor.send(None);
    let before = common::sync::file_bytes(&office.path);
    let err = office.receive(&package).unwrap_err();
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err}");
    let words = err.to_string();
    let theirs = fingerprint(&impostor.store.public_identity().unwrap().public_key);
    let known = fingerprint(&laptop.store.public_identity().unwrap().public_key);
    assert!(words.contains(&theirs) && words.contains(&known), "{words}");
    assert_eq!(common::sync::file_bytes(&office.path), before);
}

#[test]
fn an_enrolment_file_teaches_the_office_a_key_before_any_package() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let laptop = Machine::new(dir.path(), "外业乙", Role::Field);
    let enrolment = write_enrolment(&laptop.store.public_identity().unwrap());
    let identity = read_enrolment(&enrolment).unwrap();
    assert_eq!(
        office.store.enrol(&identity).unwrap(),
        yanshou::store::sync::Trust::Learned
    );
    assert_eq!(
        office.store.enrol(&identity).unwrap(),
        yanshou::store::sync::Trust::AlreadyKnown
    );
    let known = office.store.known_devices().unwrap();
    assert_eq!(known[0].learned_from, LearnedFrom::Enrolment);
    // The same id with another key is refused.
    let mut other = identity.clone();
    other.public_key = yanshou::model::device_key::DeviceKey::generate().public_hex();
    assert!(matches!(
        office.store.enrol(&other).unwrap_err(),
        StoreError::KeyMismatch { .. }
    ));
}

#[test]
fn a_key_file_moves_a_laptops_identity_to_a_new_file_and_numbering_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = Machine::new(dir.path(), "县办", Role::Office);
    let mut laptop = Machine::new(dir.path(), "外业丙", Role::Field);
    common::store_with_inspection(&mut laptop.store, "搬家前的小区");
    // Not while changes are unsent to a machine it exchanges with.
    let first = laptop.send(None);
    office.receive(&first).unwrap();
    let reply = office.send(Some(&laptop));
    laptop.receive(&reply).unwrap();
    common::store_with_inspection(&mut laptop.store, "还没发出的小区");
    let refused = laptop.store.export_key_file("搬家用的密码123").unwrap_err();
    assert!(
        refused.to_string().contains("还没有发给“县办”"),
        "{refused}"
    );
    let second = laptop.send(Some(&office));
    office.receive(&second).unwrap();
    let text = laptop.store.export_key_file("搬家用的密码123").unwrap();
    assert!(!text.contains("secret_key"));

    // A new, empty file takes over the identity.
    let new_dir = tempfile::tempdir().unwrap();
    let mut new_store = Store::open(&new_dir.path().join("新电脑.db")).unwrap();
    let wrong = new_store
        .import_key_file(&text, "错误的密码000")
        .unwrap_err();
    assert!(wrong.to_string().contains("密码不对"), "{wrong}");
    let identity = new_store.import_key_file(&text, "搬家用的密码123").unwrap();
    assert_eq!(identity.id, laptop.id);
    assert_eq!(
        new_store.public_identity().unwrap(),
        laptop.store.public_identity().unwrap()
    );
    // Its changes reach the office after the old laptop's, as the same machine.
    common::store_with_inspection(&mut new_store, "搬家后的小区");
    let outgoing = new_store
        .outgoing(
            None,
            &yanshou::store::sync::Scope::Changes,
            &yanshou::model::Clock::local(),
        )
        .unwrap();
    let path = new_dir.path().join("new.yspkg");
    yanshou::export::package::write_package(
        &path,
        &outgoing.signed,
        &outgoing.entries,
        &outgoing.photo_bytes,
    )
    .unwrap();
    let outcome = office.receive(&path).unwrap();
    assert!(
        outcome.applied > 0 && !outcome.learned_sender,
        "{outcome:?}"
    );
    assert_eq!(office.store.compound_counts().unwrap().0, 3);
    // A file with records of its own may not take another identity.
    let again = laptop
        .store
        .import_key_file(&text, "搬家用的密码123")
        .unwrap_err();
    assert!(again.to_string().contains("不能再换用"), "{again}");
}

/// A signed record that does not verify at the sender (here: a forged 不合格→合格 with the
/// locks dropped) does not travel: the package is refused at export, so the office never takes
/// it as good.
#[test]
fn a_record_flagged_at_the_sender_does_not_travel() {
    let dir = tempfile::tempdir().unwrap();
    let mut laptop = Machine::new(dir.path(), "外业庚", Role::Field);
    let (_, id) = common::store_with_inspection(&mut laptop.store, "改过的小区");
    common::pass_every_item(&mut laptop.store, id);
    common::sign_off_as_is(&mut laptop.store, id);
    let path = laptop.path.clone();
    drop(laptop);
    yanshou::cli::selftest::tamper::tamper(
        &path,
        "UPDATE inspection_item SET remark = '补记' WHERE code = 'XQ-LZ-01'",
    )
    .unwrap();
    let store = Store::open(&path).unwrap();
    let out = dir.path().join("不该发出.yspkg");
    let outcome = yanshou::export::Document::FieldPackage {
        destination: None,
        scope: yanshou::store::sync::Scope::Changes,
    }
    .write(
        &store,
        &out,
        &yanshou::model::Clock::local(),
        &yanshou::job::Progress::unobserved(),
    );
    let words = outcome.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        words.contains("核验不一致") && words.contains("改过的小区"),
        "{words}"
    );
    assert!(!out.exists());
}
