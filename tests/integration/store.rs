//! The store: round trips, migrations, and refusing files it must not touch.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use yanshou::model::{ItemResult, Subject};
use yanshou::store::{APPLICATION_ID, SCHEMA_VERSION, Store, StoreError};

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("验收.db");
    (dir, path)
}

#[test]
fn a_new_file_gets_schema_pragmas_and_default_towns() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let conn = store.connection();
    let pragma = |name: &str| -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0))
            .expect(name)
    };
    assert_eq!(pragma("application_id"), i64::from(APPLICATION_ID));
    assert_eq!(pragma("user_version"), i64::from(SCHEMA_VERSION));
    assert_eq!(pragma("foreign_keys"), 1);
    assert_eq!(pragma("synchronous"), 2, "FULL");
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    // Cached statements keep their plans when rebound (no re-prepare per package entry).
    assert!(
        conn.db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG)
            .expect("db_config")
    );
    let towns: Vec<String> = store
        .towns()
        .expect("towns")
        .into_iter()
        .map(|t| t.name)
        .collect();
    // Every town of the county, the programme's three first, 王范回族镇 by its full name.
    assert_eq!(
        towns,
        yanshou::model::policy_pack::PolicyPack::luoning()
            .meta
            .towns
            .names
    );
    assert_eq!(&towns[..3], ["城关镇", "王范回族镇", "城郊乡"]);
}

#[test]
fn reopening_does_not_migrate_twice() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).expect("first open"));
    let store = Store::open(&path).expect("second open");
    assert_eq!(store.towns().expect("towns").len(), 19, "towns seeded once");
}

#[test]
fn compounds_round_trip_update_and_delete() {
    let mut store = Store::open_in_memory().expect("open");
    let mut c = common::compound("县水利局家属院");
    c.town_id = Some(store.towns().expect("towns")[1].id);
    store.save_compound(&c).expect("save");
    assert_eq!(store.compound(c.id).expect("load"), c);

    c.households = Some(100);
    c.year_built = None;
    store.save_compound(&c).expect("update");
    assert_eq!(store.compound(c.id).expect("load"), c);
    let rows = store.compound_rows().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].town_name, "王范回族镇");
    assert_eq!(rows[0].inspection_count, 0);

    store.delete_compound(c.id).expect("delete");
    assert!(matches!(
        store.compound(c.id),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete_compound(c.id),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn inspection_results_and_remarks_survive_reopening_the_file() {
    let (_dir, path) = temp_db();
    let (compound, id) = {
        let mut store = Store::open(&path).expect("open");
        let ids = common::store_with_inspection(&mut store, "供销社家属楼");
        store
            .record_result(ids.1, "XQ-SR-01", Some(ItemResult::Pass))
            .expect("tick");
        store
            .record_result(ids.1, "XQ-ST-04", Some(ItemResult::NotApplicable))
            .expect("tick");
        store
            .record_remark(ids.1, "XQ-ST-04", "无集中供暖")
            .expect("remark");
        store
            .record_result(ids.1, "XQ-LZ-02", Some(ItemResult::Fail))
            .expect("tick");
        store.record_result(ids.1, "XQ-LZ-02", None).expect("clear");
        ids
        // dropped without any "save": every call above was already committed
    };
    let store = Store::open(&path).expect("reopen");
    let inspection = store.inspection(id).expect("inspection");
    assert_eq!(inspection.subject, Subject::Compound(compound));
    assert_eq!(inspection.items.len(), 13);
    assert_eq!(inspection.catalogue_version, "2021-17/v1");
    assert_eq!(inspection.inspectors, "王工、李工");
    assert_eq!(inspection.parties, vec!["建设单位", "施工单位", "监理单位"]);
    assert_eq!(
        inspection.item("XQ-SR-01").expect("item").result,
        Some(ItemResult::Pass)
    );
    let heating = inspection.item("XQ-ST-04").expect("item");
    assert_eq!(heating.result, Some(ItemResult::NotApplicable));
    assert_eq!(heating.remark, "无集中供暖");
    assert_eq!(inspection.item("XQ-LZ-02").expect("item").result, None);
    assert_eq!(inspection.decided_count(), 2);
    let summaries = store
        .inspections_of(Subject::Compound(compound))
        .expect("summaries");
    assert_eq!(summaries.len(), 1);
    assert_eq!((summaries[0].decided, summaries[0].total), (2, 13));
}

#[test]
fn an_inspection_keeps_the_text_it_was_filled_in_with() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "甲");
    // Simulate a later catalogue that reworded the item: the stored copy is what is shown.
    store
        .connection()
        .execute(
            "UPDATE inspection_item SET standard_text = '电线入地（旧版措辞）' WHERE code = 'XQ-SR-01'",
            [],
        )
        .expect("update");
    let inspection = store.inspection(id).expect("load");
    assert_eq!(inspection.items[0].standard.text, "电线入地（旧版措辞）");
}

#[test]
fn unknown_items_are_reported() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "甲");
    let err = store
        .record_result(id, "NO-SUCH", Some(ItemResult::Pass))
        .expect_err("unknown");
    assert!(matches!(err, StoreError::NotFound { .. }));
}

#[test]
fn deleting_a_compound_deletes_its_inspections() {
    let mut store = Store::open_in_memory().expect("open");
    let (compound, id) = common::store_with_inspection(&mut store, "甲");
    store.delete_compound(compound).expect("delete");
    assert!(matches!(
        store.inspection(id),
        Err(StoreError::NotFound { .. })
    ));
    let orphans: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM inspection_item", [], |r| r.get(0))
        .expect("count");
    assert_eq!(orphans, 0);
}

fn assert_refused_untouched(path: &std::path::Path, check: impl Fn(&StoreError) -> bool) {
    let before = std::fs::read(path).expect("read before");
    let err = Store::open(path).expect_err("must be refused");
    assert!(check(&err), "unexpected error: {err:?}");
    let after = std::fs::read(path).expect("read after");
    assert!(before == after, "file was modified");
    let dir = path.parent().expect("parent");
    let names: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names.len(),
        1,
        "no -wal/-shm or other files left: {names:?}"
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_byte_identical() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("open");
        store
            .connection()
            .pragma_update(None, "user_version", i64::from(SCHEMA_VERSION) + 1)
            .expect("bump");
        store
            .connection()
            .pragma_update(None, "journal_mode", "DELETE")
            .expect("leave WAL so the file is self-contained");
    }
    assert_refused_untouched(
        &path,
        |e| matches!(e, StoreError::TooNew { found, .. } if *found == i64::from(SCHEMA_VERSION) + 1),
    );
    let message = Store::open(&path).expect_err("refused").to_string();
    assert!(message.contains("升级"), "{message}");
}

#[test]
fn a_foreign_sqlite_file_is_refused_and_left_byte_identical() {
    let (_dir, path) = temp_db();
    {
        let conn = rusqlite::Connection::open(&path).expect("create");
        conn.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');")
            .expect("schema");
    }
    assert_refused_untouched(&path, |e| matches!(e, StoreError::Foreign { .. }));
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_byte_identical() {
    let (_dir, path) = temp_db();
    std::fs::write(&path, "小区名称,户数\n县水利局家属院,96\n".repeat(50)).expect("write");
    assert_refused_untouched(&path, |e| matches!(e, StoreError::NotADatabase { .. }));

    // A truncated file that starts like SQLite is refused too.
    std::fs::write(&path, b"SQLite format 3\0garbage").expect("write");
    assert_refused_untouched(
        &path,
        |e| matches!(e, StoreError::Damaged { detail, .. } if detail.contains("截断")),
    );
}

#[test]
fn an_empty_file_becomes_a_new_database() {
    let (_dir, path) = temp_db();
    std::fs::write(&path, b"").expect("touch");
    let store = Store::open(&path).expect("open empty");
    assert_eq!(store.towns().expect("towns").len(), 19);
}

#[test]
fn a_missing_folder_is_not_created_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a").join("b").join("yanshou.db");
    let err = Store::open(&path).expect_err("refused");
    assert!(
        matches!(&err, StoreError::MissingFolder { path: p } if p.ends_with("a/b")),
        "{err:?}"
    );
    assert!(err.to_string().contains("不存在"), "{err}");
    assert!(!dir.path().join("a").exists(), "no folder was made");
}

#[test]
fn a_locked_database_gives_a_clear_message_and_loses_nothing() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "甲");
    let other = rusqlite::Connection::open(&path).expect("second connection");
    other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    // Shorten the wait for the test; the app waits 5 s.
    store
        .connection()
        .busy_timeout(std::time::Duration::from_millis(50))
        .expect("timeout");
    let err = store
        .record_result(id, "XQ-SR-01", Some(ItemResult::Pass))
        .expect_err("locked");
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(err.to_string().contains("占用"));
    other.execute_batch("ROLLBACK").expect("unlock");
    store
        .record_result(id, "XQ-SR-01", Some(ItemResult::Pass))
        .expect("retry works");
    assert_eq!(
        store.inspection(id).expect("load").items[0].result,
        Some(ItemResult::Pass)
    );
}

#[test]
fn a_compound_and_its_new_cluster_are_saved_together() {
    use yanshou::model::{Cluster, ClusterId};
    let mut store = Store::open_in_memory().expect("open");
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".to_owned(),
        town_id: None,
        plan_year: Some(2022),
    };
    let mut c = common::compound("县水利局家属院");
    c.cluster_id = Some(cluster.id);
    store
        .save_compound_with_cluster(&c, Some(&cluster))
        .expect("save both");
    assert_eq!(store.clusters().expect("clusters"), vec![cluster.clone()]);
    assert_eq!(
        store.compound_rows().expect("rows")[0].cluster_name,
        "永宁片区"
    );

    // A compound naming a cluster that does not exist is refused, and nothing is half-saved.
    let mut orphan = common::compound("孤立小区");
    orphan.cluster_id = Some(ClusterId::new());
    assert!(store.save_compound(&orphan).is_err());
    assert_eq!(store.compound_counts().expect("n"), (1, 0));
}

#[test]
fn a_version_1_database_is_upgraded_with_its_data_intact() {
    let (_dir, path) = temp_db();
    {
        let mut conn = rusqlite::Connection::open(&path).expect("create");
        yanshou::store::migrate_to(&mut conn, 1).expect("v1 schema");
        conn.execute(
            "INSERT INTO compound (id, name, created_at, updated_at)
             VALUES ('01a22036-088f-73df-9d47-bff8a65aaa22', '旧版小区', 'x', 'x')",
            [],
        )
        .expect("v1 data");
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .expect("v");
        assert_eq!(v, 1);
    }
    let store = Store::open(&path).expect("upgrade");
    let v: i64 = store
        .connection()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("v");
    assert_eq!(v, i64::from(SCHEMA_VERSION));
    let rows = store.compound_rows().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].compound.name, "旧版小区");
    assert!(
        store
            .surveys_of(rows[0].compound.id)
            .expect("surveys")
            .is_empty()
    );
}

#[test]
fn every_way_in_gets_the_same_checks_and_chinese_words() {
    use yanshou::model::SignMethod;
    let mut store = Store::open_in_memory().expect("store");
    let refused = |result: Result<(), StoreError>, words: &str| {
        let err = result.expect_err("must be refused");
        assert!(
            matches!(&err, StoreError::Refused(m) if m.message().contains(words)),
            "{words}: {err:?}"
        );
    };
    let mut c = common::compound("校验小区");
    c.year_built = Some(99_999);
    refused(store.save_compound(&c), "建成年份 99999 晚于今年");
    let mut c = common::compound("校验小区");
    c.households = Some(u32::MAX);
    refused(store.save_compound(&c), "户数 4294967295 过大");
    let c = common::compound("\u{3000}\u{3000} ");
    refused(store.save_compound(&c), "请填写小区名称");
    let c = common::compound("");
    refused(store.save_compound(&c), "请填写小区名称");
    assert_eq!(store.compound_counts().expect("n"), (0, 0), "nothing saved");

    // A signature drawn with points that are not numbers is refused, and the record stays
    // readable and signable.
    let (_, id) = common::store_with_inspection(&mut store, "签名小区");
    let bad = SignMethod::Drawn(vec![vec![
        [0.1, 0.2],
        [f32::NAN, 0.5],
        [0.3, f32::INFINITY],
    ]]);
    refused(store.sign(id, 0, "张三", &bad), "签名笔迹数据无效");
    assert!(store.signatures(id).expect("readable").is_empty());
    store
        .sign(
            id,
            0,
            "张三",
            &SignMethod::Drawn(vec![vec![[0.1, 0.2], [0.4, 0.5]]]),
        )
        .expect("a good signature");
    refused(
        store.sign(id, 1, "\u{3000}", &SignMethod::WetInk),
        "请填写签字人姓名",
    );
}

#[test]
fn commands_that_only_read_never_create_a_file_or_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("typo").join("yanshou.db");
    let exe = env!("CARGO_BIN_EXE_yanshou");
    for args in [
        vec!["list"],
        vec!["verify"],
        vec!["verify", "--code", "ABCD-ABCD-ABCD"],
    ] {
        let out = std::process::Command::new(exe)
            .arg("--db")
            .arg(&missing)
            .args(&args)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?} must fail");
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("找不到数据库文件"), "{args:?}: {text}");
    }
    assert!(!dir.path().join("typo").exists(), "no folder made");
    // `init` makes the file (its folder must exist).
    let new = dir.path().join("new.db");
    let out = std::process::Command::new(exe)
        .arg("--db")
        .arg(&new)
        .arg("init")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(new.is_file());
}

/// A file just made, its tables all in its `-wal` (the main file one page whose header still
/// reads as empty): a second window shows it read-only, never as damaged, and a copy of
/// both files (what a crash or a logout leaves) opens with its records.
#[test]
fn a_new_file_with_everything_in_its_wal_opens_and_a_second_window_views_it() {
    let (dir, path) = temp_db();
    let mut first = Store::open(&path).expect("open");
    let compound = common::compound("刚建的小区");
    first.save_compound(&compound).expect("save");
    let wal = dir.path().join("验收.db-wal");
    assert!(
        std::fs::metadata(&wal).expect("wal").len() > 0,
        "the records are in the -wal"
    );

    let second = Store::open_window(&path).expect("a view, not a refusal");
    assert!(
        matches!(
            second.access(),
            yanshou::store::Access::View(yanshou::store::ViewReason::OtherWriter(_))
        ),
        "{:?}",
        second.access()
    );
    assert_eq!(second.compound_rows().expect("rows").len(), 1);
    drop(second);

    // What a kill leaves: the main file and its -wal, copied as they are now.
    let copy_dir = tempfile::tempdir().expect("tempdir");
    let copy = copy_dir.path().join("验收.db");
    std::fs::copy(&path, &copy).expect("copy");
    std::fs::copy(&wal, copy_dir.path().join("验收.db-wal")).expect("copy wal");
    drop(first);
    let reopened = Store::open_existing(&copy).expect("opens after the crash");
    reopened.check_integrity().expect("whole");
    let rows = reopened.compound_rows().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].compound.name, "刚建的小区");
}

/// Objects planted in the file with another tool (a trigger that would run inside the app's
/// own writes, a view, a table stripped of STRICT) are refused at the door by name, the file
/// untouched; one of the program's own lock triggers dropped is no refusal (it is put back).
#[test]
fn a_planted_trigger_view_or_altered_table_is_refused_by_name() {
    for (sql, says) in [
        (
            "CREATE TRIGGER rewrite_address AFTER INSERT ON compound BEGIN
               UPDATE compound SET address = '别处' WHERE id = NEW.id; END;",
            "多出触发器“rewrite_address”",
        ),
        (
            "CREATE VIEW everything AS SELECT * FROM compound;",
            "多出视图“everything”",
        ),
        (
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = replace(sql, ') STRICT', ')') WHERE name = 'town';
             PRAGMA writable_schema = OFF;",
            "表“town”的定义被改动",
        ),
    ] {
        let (_dir, path) = temp_db();
        drop(Store::open(&path).expect("open"));
        let conn = rusqlite::Connection::open(&path).expect("sqlite3");
        conn.execute_batch(sql).expect(sql);
        drop(conn);
        let before = std::fs::read(&path).expect("read");
        for refused in [Store::open(&path).err(), Store::open_read_only(&path).err()] {
            let words = refused.expect("refused").to_string();
            assert!(words.contains(says), "{says}: {words}");
        }
        assert_eq!(std::fs::read(&path).expect("read"), before, "{says}");
    }

    let (_dir, path) = temp_db();
    drop(Store::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("sqlite3");
    conn.execute_batch("DROP TRIGGER inspection_item_locked;")
        .expect("drop");
    drop(conn);
    drop(Store::open_read_only(&path).expect("a missing lock trigger is no refusal"));
    let store = Store::open(&path).expect("reopens for writing");
    let back: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'inspection_item_locked'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(back, 1, "put back");
}
