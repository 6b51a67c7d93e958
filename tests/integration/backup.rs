//! Automatic backups: before an upgrade and a package import, daily, verified, the last N kept;
//! a restore gives back the same records and keeps the file it replaces.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use yanshou::store::backup::{
    BackupPolicy, BackupReason, count_records, daily_backup, daily_backup_due, list_backups,
    restore, write_backup,
};
use yanshou::store::{SCHEMA_VERSION, Store, StoreError, migrate_to};

fn names(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    names.sort();
    names
}

#[test]
fn an_older_file_is_backed_up_as_it_was_before_it_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("旧版.db");
    {
        let mut conn = rusqlite::Connection::open(&db).unwrap();
        migrate_to(&mut conn, 9).unwrap();
        conn.execute(
            "INSERT INTO compound (id, name, created_at, updated_at)
             VALUES ('01900000-0000-7000-8000-0000000000a1', '旧小区', 'x', 'x')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(names(&store), ["旧小区"]);
    let policy = BackupPolicy::default();
    let backups = list_backups(&db, &policy);
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].reason, BackupReason::BeforeUpgrade);
    assert!(backups[0].path.starts_with(dir.path().join("旧版-备份")));
    let copy = rusqlite::Connection::open(&backups[0].path).unwrap();
    let version: i64 = copy
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 9, "the copy is the file as it was");
    assert_eq!(count_records(&backups[0].path).unwrap().0, 1);
    drop(store);
    // Opened again (now current): no second upgrade backup.
    drop(Store::open(&db).unwrap());
    assert_eq!(list_backups(&db, &policy).len(), 1);
    let _ = SCHEMA_VERSION;
}

#[test]
fn a_restore_gives_back_the_records_and_keeps_the_file_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let policy = BackupPolicy::default();
    let mut store = Store::open(&db).unwrap();
    store.save_compound(&common::compound("甲小区")).unwrap();
    store.save_compound(&common::compound("乙小区")).unwrap();
    let saved = store.backup(BackupReason::Manual).unwrap().unwrap();
    store.save_compound(&common::compound("丙小区")).unwrap();
    let jia = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .find(|r| r.compound.name == "甲小区")
        .unwrap();
    store.delete_compound(jia.compound.id).unwrap();
    let before_restore = names(&store);
    assert_eq!(before_restore, ["丙小区", "乙小区"]);
    drop(store);

    let kept = restore(&db, &saved, &policy).unwrap();
    let store = Store::open(&db).unwrap();
    assert_eq!(names(&store), ["乙小区", "甲小区"], "the backup's records");
    let kept_store = Store::open_read_only(&kept).unwrap();
    assert_eq!(
        names(&kept_store),
        before_restore,
        "the replaced file is kept"
    );
    let reasons: Vec<BackupReason> = list_backups(&db, &policy)
        .iter()
        .map(|b| b.reason)
        .collect();
    assert!(
        reasons.contains(&BackupReason::BeforeRestore) && reasons.contains(&BackupReason::Manual)
    );
    drop(store);

    // Something that is not a backup is refused; the file is as it was.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let bytes = std::fs::read(&db).unwrap();
    let err = restore(&db, &junk, &policy).unwrap_err();
    assert!(matches!(err, StoreError::Backup(_)), "{err:?}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    // A truncated backup likewise.
    let cut = dir.path().join("cut.db");
    let whole = std::fs::read(&saved).unwrap();
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    assert!(restore(&db, &cut, &policy).is_err());
    assert_eq!(names(&Store::open(&db).unwrap()), ["乙小区", "甲小区"]);
}

#[test]
fn the_last_n_are_kept_and_the_daily_one_is_made_once_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    let store = Store::open(&db).unwrap();
    let policy = BackupPolicy {
        dir: Some(dir.path().join("U盘")),
        keep: 3,
    };
    assert!(daily_backup_due(&db, &policy));
    // What a backup cut short two hours ago left goes; one under way now stays.
    let folder = dir.path().join("U盘").join("field");
    std::fs::create_dir_all(&folder).unwrap();
    let (stale, fresh) = (folder.join("a.db.partial"), folder.join("b.db.partial"));
    for p in [&stale, &fresh] {
        std::fs::write(p, b"cut short").unwrap();
    }
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    daily_backup(&db, &policy).unwrap();
    assert!(!stale.exists() && fresh.exists());
    std::fs::remove_file(&fresh).unwrap();
    assert!(!daily_backup_due(&db, &policy));
    for _ in 0..4 {
        write_backup(store.connection(), &db, BackupReason::Manual, &policy).unwrap();
    }
    let backups = list_backups(&db, &policy);
    // The newest 3, and the last daily one however old.
    assert_eq!(backups.len(), 4);
    assert!(
        backups
            .iter()
            .all(|b| b.path.starts_with(dir.path().join("U盘").join("field")))
    );
    let reasons: Vec<BackupReason> = backups.iter().map(|b| b.reason).collect();
    assert_eq!(
        reasons,
        [
            BackupReason::Manual,
            BackupReason::Manual,
            BackupReason::Manual,
            BackupReason::Daily
        ],
        "the oldest manual one went first; the daily one stays"
    );
    // No partial file is left behind.
    let leftovers = std::fs::read_dir(dir.path().join("U盘").join("field"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn a_package_import_is_preceded_by_a_backup_and_a_refused_one_is_not() {
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let (field_db, office_db) = (dir.path().join("field.db"), dir.path().join("office.db"));
    let mut field = Store::open(&field_db).unwrap();
    field.set_identity("城关镇笔记本", Role::Field).unwrap();
    field.save_compound(&common::compound("甲小区")).unwrap();
    let mut office = Store::open(&office_db).unwrap();
    office.set_identity("县办", Role::Office).unwrap();
    let policy = BackupPolicy::default();
    let package_path = dir.path().join("p.yspkg");
    let out = field
        .outgoing(
            None,
            &yanshou::store::sync::Scope::Changes,
            &yanshou::model::Clock::local(),
        )
        .unwrap();
    yanshou::export::package::write_package(
        &package_path,
        &out.signed,
        &out.entries,
        &out.photo_bytes,
    )
    .unwrap();
    let package = yanshou::import::package::read_package(&package_path).unwrap();
    // The laptop's own package is refused: no backup.
    assert!(field.import_package(&package, "p.yspkg").is_err());
    assert!(list_backups(&field_db, &policy).is_empty());
    office.import_package(&package, "p.yspkg").unwrap();
    let backups = list_backups(&office_db, &policy);
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].reason, BackupReason::BeforeImport);
    assert_eq!(
        count_records(&backups[0].path).unwrap().0,
        0,
        "as it was before"
    );
    assert_eq!(names(&office), ["甲小区"]);
}

/// Imports refused while being applied (a tampered signed record) write no backup, so eleven
/// of them cannot push the only good backup out.
#[test]
fn refused_imports_leave_no_backup_and_push_none_out() {
    use yanshou::model::sync::Role;
    let dir = tempfile::tempdir().unwrap();
    let (field_db, office_db) = (dir.path().join("field.db"), dir.path().join("office.db"));
    let mut field = Store::open(&field_db).unwrap();
    field.set_identity("城关镇笔记本", Role::Field).unwrap();
    let (_, inspection) = common::store_with_inspection(&mut field, "签字小区");
    common::pass_every_item(&mut field, inspection);
    common::sign_off_as_is(&mut field, inspection);
    let mut office = Store::open(&office_db).unwrap();
    office.set_identity("县办", Role::Office).unwrap();
    let policy = BackupPolicy {
        dir: None,
        keep: 10,
    };
    // As a broken or hostile sender would: without the sender's own audit (this program
    // refuses to send a record that does not verify).
    let write = |store: &Store, name: &str, scope| {
        let out = store
            .outgoing_unaudited(None, &scope, &yanshou::model::Clock::local())
            .unwrap();
        let path = dir.path().join(name);
        yanshou::export::package::write_package(&path, &out.signed, &out.entries, &out.photo_bytes)
            .unwrap();
        yanshou::import::package::read_package(&path).unwrap()
    };
    let good = write(&field, "good.yspkg", yanshou::store::sync::Scope::Changes);
    office.import_package(&good, "good.yspkg").unwrap();
    let only_good = list_backups(&office_db, &policy);
    assert_eq!(only_good.len(), 1);

    // The signed record changed on the laptop behind the app's back, sent whole: refused.
    let raw = rusqlite::Connection::open(&field_db).unwrap();
    raw.execute_batch(
        "DROP TRIGGER inspection_item_locked;
         UPDATE inspection_item SET result = 'fail' WHERE code = 'XQ-ST-01';",
    )
    .unwrap();
    drop(raw);
    let forged = write(
        &field,
        "forged.yspkg",
        yanshou::store::sync::Scope::Everything { town: None },
    );
    for _ in 0..11 {
        assert!(office.import_package(&forged, "forged.yspkg").is_err());
    }
    let after: Vec<_> = list_backups(&office_db, &policy)
        .into_iter()
        .map(|b| b.path)
        .collect();
    assert_eq!(after, [only_good[0].path.clone()]);
}

/// A restore checks the backup as the door checks a file, and names what is wrong with it.
#[test]
fn a_restore_refuses_a_backup_the_app_would_refuse_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    {
        let mut store = Store::open(&db).unwrap();
        store.save_compound(&common::compound("甲小区")).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let policy = BackupPolicy::default();
    let make = |name: &str, sql: &str| {
        let path = dir.path().join(name);
        let source = rusqlite::Connection::open(&db).unwrap();
        let mut copy = rusqlite::Connection::open(&path).unwrap();
        rusqlite::backup::Backup::new(&source, &mut copy)
            .unwrap()
            .run_to_completion(100, std::time::Duration::ZERO, None)
            .unwrap();
        copy.execute_batch(sql).unwrap();
        drop((source, copy));
        path
    };
    for (name, sql, says) in [
        ("newer.db", "PRAGMA user_version = 99", "更新版本"),
        (
            "junk.db",
            "CREATE TABLE junk (x); PRAGMA user_version = 14",
            "表结构",
        ),
        (
            "foreign.db",
            "PRAGMA application_id = 7",
            "不是验收数据库的备份",
        ),
    ] {
        let backup = make(name, sql);
        let refused = restore(&db, &backup, &policy).unwrap_err().to_string();
        assert!(
            refused.contains("不能用来恢复") && refused.contains(says),
            "{name}: {refused}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), before, "{name}");
        let beside: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(name) && n != name)
            .collect();
        assert!(beside.is_empty(), "nothing left beside {name}: {beside:?}");
    }
}
