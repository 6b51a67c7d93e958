//! Upgrades from every older schema version: a file written by each version (with the records
//! that version could hold) opens in this build with every record intact, foreign keys
//! consistent and the lock triggers in force.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use yanshou::model::{ClusterId, CompoundId, InspectionId, ItemResult, RoundKind, Subject};
use yanshou::store::{SCHEMA_VERSION, Store, StoreError, migrate_to};

const COMPOUND: &str = "01900000-0000-7000-8000-0000000000a1";
const CLUSTER: &str = "01900000-0000-7000-8000-0000000000a2";
const FIRST: &str = "01900000-0000-7000-8000-0000000000b1";
const SECOND: &str = "01900000-0000-7000-8000-0000000000b2";
const CLUSTER_ROUND: &str = "01900000-0000-7000-8000-0000000000b3";
const SURVEY: &str = "01900000-0000-7000-8000-0000000000c1";
const CLUSTER_SURVEY: &str = "01900000-0000-7000-8000-0000000000c2";
/// A picture's bytes (hex) and their SHA-256.
const PICTURE: &str = "FFD8FFE0FFD9";
const PICTURE_SHA256: &str = "a96021502fb4a8df642108f90ae9ffc50c75d2d925e8c6c391a66cb366f0ca83";

/// The records a file of `version` can hold, as that version's schema takes them: each
/// statement runs in the files from the version that introduced its table or column on.
fn records(version: u32) -> Vec<String> {
    let mut sql = vec![
        format!(
            "INSERT INTO cluster (id, name, plan_year, created_at, updated_at)
             VALUES ('{CLUSTER}', '旧片区', 2022, 'x', 'x')"
        ),
        format!(
            "INSERT INTO compound (id, name, address, owner_unit, year_built, buildings,
                 households, cluster_id, created_at, updated_at)
             VALUES ('{COMPOUND}', '旧版小区', '永宁大道 1 号', '县水利局', 1992, 4, 96,
                 '{CLUSTER}', 'x', 'x')"
        ),
        // In the town the policy calls 回族镇 (every version before 8 has it by that name).
        format!(
            "UPDATE compound SET town_id =
                 (SELECT id FROM town WHERE name IN ('回族镇', '王范回族镇'))
             WHERE id = '{COMPOUND}'"
        ),
        format!(
            "INSERT INTO inspection (id, compound_id, standard_id, catalogue_version,
                 inspected_on, inspectors, created_at, updated_at)
             VALUES ('{FIRST}', '{COMPOUND}', 'compound', '2021-17/v1', '2025-01-02', '王工',
                 'x', 'x')"
        ),
        format!(
            "INSERT INTO inspection_item (inspection_id, position, code, standard_id,
                 group_name, standard_text, hint, clause, required, result, remark, updated_at)
             VALUES ('{FIRST}', 0, 'XQ-LZ-01', 'compound', '两整', '道路平整', '看路面',
                 '二、（四）', 1, 'fail', '3 号楼前塌陷', 'x'),
                ('{FIRST}', 1, 'XQ-LZ-02', 'compound', '两整', '路沿齐整', '看路沿',
                 '二、（四）', 1, 'pass', '', 'x')"
        ),
        format!(
            "INSERT INTO inspection_party (inspection_id, position, unit)
             VALUES ('{FIRST}', 0, '建设单位'), ('{FIRST}', 1, '施工单位')"
        ),
    ];
    if version >= 2 {
        sql.push(format!(
            "INSERT INTO survey (id, compound_id, round, surveyed_on, surveyors,
                 catalogue_version, floors, created_at, updated_at)
             VALUES ('{SURVEY}', '{COMPOUND}', 1, '2024-03-01', '赵干事', 'survey-2021-17/v1',
                 6, 'x', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO survey_item (survey_id, code, position, condition, problems, note,
                 updated_at)
             VALUES ('{SURVEY}', 'JC-11', 0, 'renovate', 'LT-01', '路灯不亮', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO cluster_survey (id, cluster_id, surveyed_on, surveyors, created_at,
                 updated_at)
             VALUES ('{CLUSTER_SURVEY}', '{CLUSTER}', '2024-03-02', '钱干事', 'x', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO cluster_facility (survey_id, code, position, kind, present, name,
                 walking_minutes, updated_at)
             VALUES ('{CLUSTER_SURVEY}', 'PQ-JY-02', 0, '乐养居', 1, '永宁乐养居', 8, 'x')"
        ));
    }
    if version >= 3 {
        sql.push(format!(
            "INSERT INTO signature (inspection_id, position, signer, wet_ink, strokes, signed_at)
             VALUES ('{FIRST}', 0, '张三', 1, '[]', 'x'),
                ('{FIRST}', 1, '李四', 0, '[[[0.1,0.5],[0.3,0.2]]]', 'x')"
        ));
    }
    if version >= 4 {
        sql.push(format!(
            "INSERT INTO rectification (id, inspection_id, item_code, requirement,
                 responsible_unit, deadline, created_at, updated_at)
             VALUES ('01900000-0000-7000-8000-0000000000d1', '{FIRST}', 'XQ-LZ-01', '修补路面',
                 '施工单位', '2025-01-20', 'x', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO inspection (id, compound_id, standard_id, catalogue_version,
                 inspected_on, inspectors, created_at, updated_at, parent_id, round)
             VALUES ('{SECOND}', '{COMPOUND}', 'compound', '2021-17/v1', '2025-01-25', '王工',
                 'x', 'x', '{FIRST}', 2)"
        ));
        sql.push(format!(
            "INSERT INTO inspection_item (inspection_id, position, code, standard_id,
                 group_name, standard_text, hint, clause, required, result, updated_at)
             VALUES ('{SECOND}', 0, 'XQ-LZ-01', 'compound', '两整', '道路平整', '看路面',
                 '二、（四）', 1, 'pass', 'x')"
        ));
    }
    if version >= 5 {
        sql.push(format!(
            "INSERT INTO photo (id, inspection_id, item_code, file_name, taken_at, sha256, width,
                 height, jpeg, thumbnail, created_at)
             VALUES ('01900000-0000-7000-8000-0000000000e1', '{FIRST}', 'XQ-LZ-01', '塌陷.jpg',
                 '2025-01-02 10:00:00', 'ab', 2000, 1500, X'FFD8FFD9', X'FFD8FFD9', 'x')"
        ));
        // The same picture attached twice to the next item (from two laptops): before version
        // 16 each row holds the bytes; from 16 the file holds them once.
        let jpeg = if version >= 16 {
            sql.push(format!(
                "INSERT INTO photo_bytes (sha256, jpeg) VALUES ('{PICTURE_SHA256}', X'{PICTURE}')"
            ));
            String::new()
        } else {
            PICTURE.to_owned()
        };
        for (n, made) in [(2, "2025-01-02 10:01:00"), (3, "2025-01-02 10:02:00")] {
            sql.push(format!(
                "INSERT INTO photo (id, inspection_id, item_code, file_name, taken_at, sha256,
                     width, height, jpeg, thumbnail, created_at)
                 VALUES ('01900000-0000-7000-8000-0000000000e{n}', '{FIRST}', 'XQ-LZ-02',
                     '井盖{n}.jpg', NULL, '{PICTURE_SHA256}', 20, 10, X'{jpeg}', X'FFD8FFD9',
                     '{made}')"
            ));
        }
    }
    if version >= 6 {
        // From version 6 a round says why it exists; older files get it from the upgrade.
        sql.push(format!(
            "UPDATE inspection SET kind = 'reinspection' WHERE id = '{SECOND}'"
        ));
        sql.push(format!(
            "INSERT INTO inspection (id, cluster_id, standard_id, catalogue_version,
                 inspected_on, inspectors, created_at, updated_at)
             VALUES ('{CLUSTER_ROUND}', '{CLUSTER}', 'cluster', '2021-17/v1', '2025-02-01',
                 '县验收组', 'x', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO inspection_member (inspection_id, position, compound_id, name, status,
                 code)
             VALUES ('{CLUSTER_ROUND}', 0, '{COMPOUND}', '旧版小区', 'accepted', 'AAAA-BBBB-CCCC')"
        ));
    }
    // From version 9 a file has an identity, a change log, peers and a package history.
    if version >= 9 {
        sql.push(
            "INSERT INTO device (only, id, name, role, host, had_records, created_at)
             VALUES (1, '01900000-0000-7000-8000-0000000000aa', '旧版笔记本', 'field', 'pc', 1,
                 '2025-01-01T00:00:00Z')"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO change_log (origin, seq, kind, made_at, author, changeset)
             VALUES ('01900000-0000-7000-8000-0000000000aa', 1, 'edit', '2025-01-01T00:00:00Z',
                 '旧版笔记本', x'')"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO peer (id, name, role, applied_up_to, sent_up_to)
             VALUES ('01900000-0000-7000-8000-0000000000bb', '县办', 'office', 4, 1)"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO package_log (id, direction, peer_id, peer_name, at, file_name,
                 first_seq, last_seq, counts)
             VALUES ('p1', 'sent', '01900000-0000-7000-8000-0000000000bb', '县办',
                 '2025-01-02T00:00:00Z', '旧包.yspkg', 1, 1, '{}')"
                .to_owned(),
        );
    }
    // From version 10 a compound's programme steps and their evidence.
    if version >= 10 {
        sql.push(format!(
            "INSERT INTO programme_step (compound_id, step, done_on, unit, count, note, detail,
                 created_at, updated_at)
             VALUES ('{COMPOUND}', 'consult', '2021-03-01', '城关镇', 86, '', '[]', 'x', 'x')"
        ));
        sql.push(format!(
            "INSERT INTO step_evidence (id, compound_id, step, file_name, bytes, sha256, added_at)
             VALUES ('e1', '{COMPOUND}', 'consult', '征求意见表.pdf', x'25504446', 'x', 'x')"
        ));
    }
    // From version 11 the money.
    if version >= 11 {
        sql.push(format!(
            "INSERT INTO funding (id, compound_id, year, source, project, red_line, amount_fen,
                 project_total_fen, created_at, updated_at)
             VALUES ('f1', '{COMPOUND}', 2022, 'central', '雨污分流', 'inside', 12345678, NULL,
                 'x', 'x')"
        ));
    }
    // From version 13 the rhythm of 附件2 and the local rules.
    if version >= 13 {
        sql.push(format!(
            "INSERT INTO daily_report (id, report_date, unit, unit_kind, compound_id, work_done,
                 matters, created_at, updated_at)
             VALUES ('r1', '2026-11-20', '一标段', 'contractor', '{COMPOUND}', '开挖管沟',
                 '电杆迁移', 'x', 'x')"
        ));
        sql.push(
            "INSERT INTO meeting (id, held_on, units, progress, created_at, updated_at)
             VALUES ('m1', '2026-11-21', '城关镇\n一标段', '过半', 'x', 'x')"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO action_item (id, meeting_id, text, owner, due_on, created_at, updated_at)
             VALUES ('a1', 'm1', '迁移电杆', '供电公司', '2026-11-25', 'x', 'x')"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO policy_rule (key, value, updated_at)
             VALUES ('willingness_share', '3/4', 'x')"
                .to_owned(),
        );
        sql.push(
            "INSERT INTO quarter_score (id, year, quarter, unit, unit_kind, duties, role, results,
                 note, created_at, updated_at)
             VALUES ('q1', 2026, 4, '城关镇人民政府', 'responsible', 38, 27, 29, '现场检查',
                 'x', 'x')"
                .to_owned(),
        );
    }
    // Sealed last: from version 3 on, a sealed round's rows are locked.
    if version >= 7 {
        sql.push(format!(
            "UPDATE inspection SET signed_off_at = '2025-01-02T08:00:00Z', seal = 'abc',
                 seal_version = 1
             WHERE id = '{FIRST}'"
        ));
    } else if version >= 3 {
        sql.push(format!(
            "UPDATE inspection SET signed_off_at = '2025-01-02T08:00:00Z', seal = 'abc'
             WHERE id = '{FIRST}'"
        ));
    }
    // From version 7 a seal is logged when it is issued (older files are logged on upgrade).
    if version >= 7 {
        sql.push(format!(
            "INSERT INTO seal_log (seq, inspection_id, seal, seal_version, signed_off_at,
                 prev_hash, entry_hash)
             VALUES (1, '{FIRST}', 'abc', 1, '2025-01-02T08:00:00Z', '{genesis}', 'x')",
            genesis = yanshou::model::seal::LOG_GENESIS
        ));
    }
    sql
}

fn file_of_version(dir: &std::path::Path, version: u32) -> std::path::PathBuf {
    let path = dir.join(format!("v{version}.db"));
    let mut conn = rusqlite::Connection::open(&path).expect("create");
    migrate_to(&mut conn, version).expect("old schema");
    for statement in records(version) {
        conn.execute(&statement, [])
            .unwrap_or_else(|e| panic!("v{version}: {e}\n{statement}"));
    }
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(found, i64::from(version));
    path
}

#[test]
fn every_older_version_upgrades_with_its_records_intact() {
    const { assert!(SCHEMA_VERSION >= 6) };
    let dir = tempfile::tempdir().expect("tempdir");
    let compound: CompoundId = COMPOUND.parse().unwrap();
    let cluster: ClusterId = CLUSTER.parse().unwrap();
    let first: InspectionId = FIRST.parse().unwrap();
    let mut keys = std::collections::HashSet::new();
    for version in 1..=SCHEMA_VERSION {
        let path = file_of_version(dir.path(), version);
        let mut store =
            Store::open(&path).unwrap_or_else(|e| panic!("v{version} does not open: {e}"));
        let conn = store.connection();
        let now: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(now, i64::from(SCHEMA_VERSION), "v{version}");
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "v{version}");
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0, "v{version}: foreign keys");

        // Compound and cluster.
        let c = store.compound(compound).unwrap();
        assert_eq!(
            (c.name.as_str(), c.households, c.cluster_id),
            ("旧版小区", Some(96), Some(cluster)),
            "v{version}"
        );
        assert_eq!(store.cluster(cluster).unwrap().plan_year, Some(2022));
        // The town keeps its id and takes its full name; the county's other towns are added.
        let towns = store.towns().unwrap();
        let town = towns.iter().find(|t| Some(t.id) == c.town_id).unwrap();
        assert_eq!(town.name, "王范回族镇", "v{version}");
        assert_eq!(towns.len(), 19, "v{version}");
        assert!(towns.iter().all(|t| t.name != "回族镇"), "v{version}");

        // The first inspection, its items, remarks and parties.
        let round = store.inspection(first).unwrap();
        assert_eq!(round.subject, Subject::Compound(compound), "v{version}");
        assert_eq!(round.kind, RoundKind::First);
        assert_eq!(round.items.len(), 2);
        assert_eq!(round.items[0].result, Some(ItemResult::Fail));
        assert_eq!(round.items[0].remark, "3 号楼前塌陷");
        assert_eq!(round.parties, vec!["建设单位", "施工单位"]);
        // Made before files recorded the pack version: it keeps none (its catalogue says
        // which plan it was made under).
        assert_eq!(round.pack_version, "", "v{version}");

        if version >= 2 {
            let surveys = store.surveys_of(compound).unwrap();
            assert_eq!(surveys.len(), 1, "v{version}");
            assert_eq!(surveys[0].floors, Some(6));
            let lights = surveys[0].item("JC-11").expect("survey item");
            assert!(lights.problems.contains("LT-01"));
            let facilities = &store.cluster_surveys_of(cluster).unwrap()[0].facilities;
            assert!(
                facilities
                    .iter()
                    .any(|f| f.name == "永宁乐养居" && f.walking_minutes == Some(8)),
                "v{version}"
            );
        }
        if version >= 3 {
            assert!(round.is_signed_off(), "v{version}");
            let log = store.seal_log().unwrap();
            assert_eq!(log.len(), 1, "v{version}: the seal is in the sign-off log");
            assert_eq!((log[0].inspection, log[0].seal.as_str()), (first, "abc"));
            assert_eq!(store.signatures(first).unwrap().len(), 2);
            // The lock triggers are in force on the upgraded file.
            let err = store
                .record_result(first, "XQ-LZ-02", Some(ItemResult::Fail))
                .unwrap_err();
            assert!(
                matches!(err, StoreError::ReadOnlyRecord(_)),
                "v{version}: {err:?}"
            );
        }
        if version >= 4 {
            let chain = store.chain_of(first).unwrap();
            assert_eq!(chain.rounds.len(), 2, "v{version}");
            assert_eq!(chain.rounds[1].kind, RoundKind::Reinspection);
            let rectifications = store.rectifications_of(&chain).unwrap();
            assert_eq!(rectifications.len(), 1);
            assert_eq!(rectifications[0].requirement, "修补路面");
        }
        if version >= 5 {
            // The picture attached twice shows once, its bytes stored once and read back whole;
            // the photo whose bytes do not match its hash keeps them in its row.
            let photos = store.photos_of(first).unwrap();
            let names: Vec<&str> = photos.iter().map(|p| p.file_name.as_str()).collect();
            assert_eq!(names, ["塌陷.jpg", "井盖2.jpg"], "v{version}");
            assert_eq!(
                store.photo_jpeg(photos[1].id).unwrap(),
                [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9]
            );
            assert_eq!(
                store.photo_jpeg(photos[0].id).unwrap(),
                [0xFF, 0xD8, 0xFF, 0xD9]
            );
            let (stored, carried): (i64, i64) = store
                .connection()
                .query_row(
                    "SELECT (SELECT count(*) FROM photo_bytes),
                            (SELECT count(*) FROM photo WHERE length(jpeg) > 0)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!((stored, carried), (1, 1), "v{version}");
        }
        if version >= 6 {
            let rounds = store.inspections_of(Subject::Cluster(cluster)).unwrap();
            assert_eq!(rounds.len(), 1, "v{version}");
        }
        // The programme's targets are in every file; a version-10 file keeps its steps.
        assert_eq!(store.targets().unwrap().len(), 4, "v{version}");
        let steps = store.steps_of(compound).unwrap();
        if version >= 10 {
            assert_eq!(steps.len(), 1);
            assert_eq!(steps[0].count, Some(86));
            assert_eq!(steps[0].evidence, vec!["征求意见表.pdf".to_owned()]);
        } else {
            assert!(steps.is_empty(), "v{version}");
        }
        let funding = store
            .funding_of(yanshou::store::funding::Funded::Compound(compound))
            .unwrap();
        if version >= 11 {
            assert_eq!(funding.len(), 1);
            assert_eq!(funding[0].amount_fen, 12_345_678);
        } else {
            assert!(funding.is_empty(), "v{version}");
        }
        let reports = store
            .daily_reports_until(chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap())
            .unwrap();
        let meetings = store.meetings().unwrap();
        let rules = store.policy_rules().unwrap();
        if version >= 13 {
            assert_eq!(reports.len(), 1);
            assert_eq!(
                (reports[0].matters.as_str(), reports[0].compound),
                ("电杆迁移", Some(compound))
            );
            assert_eq!(meetings[0].units, ["城关镇", "一标段"]);
            assert_eq!(meetings[0].actions[0].owner, "供电公司");
            assert_eq!(rules.willingness.denominator, 4);
            // The quarter's score came through the table made again in version 19, and its
            // deletion still leaves a tombstone.
            let quarter = yanshou::model::rhythm::Quarter {
                year: 2026,
                quarter: 4,
            };
            let scores = store.quarter_scores(quarter).unwrap();
            assert_eq!(
                scores
                    .iter()
                    .map(|s| (s.unit.as_str(), s.duties, s.role, s.results, s.total()))
                    .collect::<Vec<_>>(),
                [("城关镇人民政府", Some(38), Some(27), Some(29), Some(94))],
                "v{version}"
            );
            let conn = store.connection();
            conn.execute("DELETE FROM quarter_score WHERE id = 'q1'", [])
                .unwrap();
            let tombstones: i64 = conn
                .query_row(
                    "SELECT count(*) FROM tombstone WHERE table_name = 'quarter_score'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(tombstones, 1, "v{version}");
        } else {
            assert!(reports.is_empty() && meetings.is_empty(), "v{version}");
            assert_eq!(rules, yanshou::model::policy_rule::PolicyRules::default());
        }
        // Every file has an identity once opened: older ones get one, marked as having had
        // records before the change log began; a newer one keeps its own and its history.
        let identity = store.identity().unwrap().expect("an identity");
        assert!(!identity.name.trim().is_empty(), "v{version}");
        // And a device key of its own (made on the upgrade that brought keys).
        let public = store.public_identity().unwrap().public_key;
        assert!(
            yanshou::model::device_key::is_public_key(&public),
            "v{version}"
        );
        assert!(
            keys.insert(public),
            "v{version}: the same key as another file"
        );
        if version >= 9 {
            assert_eq!(identity.name, "旧版笔记本");
            let peers = store.peers().unwrap();
            assert_eq!(peers.len(), 1);
            assert_eq!((peers[0].applied_up_to, peers[0].sent_up_to), (4, 1));
            assert_eq!(store.package_history().unwrap()[0].file_name, "旧包.yspkg");
        } else {
            assert_eq!(
                identity.role,
                yanshou::model::sync::Role::Field,
                "v{version}"
            );
            assert!(store.peers().unwrap().is_empty());
        }
        let logged_before: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap();
        // And the upgraded file takes new records.
        let mut other = common_compound();
        other.cluster_id = Some(cluster);
        store.save_compound(&other).unwrap();
        assert_eq!(store.compound_counts().unwrap().0, 2);
        // ... each one a numbered change, ready for the next package.
        let logged: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))
            .unwrap();
        assert_eq!(logged, logged_before + 1, "v{version}");
        // A deletion leaves its tombstone (the triggers are made on upgrade too).
        store.delete_compound(other.id).unwrap();
        let tombstones: i64 = store
            .connection()
            .query_row(
                "SELECT count(*) FROM tombstone WHERE table_name = 'compound' AND row_key = ?1",
                [format!("[\"{}\"]", other.id)],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tombstones, 1, "v{version}");
        // ... as do the tables migration 13 made, whatever version the file came from.
        let report = store
            .add_daily_report(&yanshou::model::rhythm::DailyReport {
                date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                unit: "城关镇".to_owned(),
                kind: Some(yanshou::model::rhythm::UnitKind::Responsible),
                work_done: "宣传".to_owned(),
                ..Default::default()
            })
            .unwrap();
        store.delete_daily_report(&report).unwrap();
        let tombstones: i64 = store
            .connection()
            .query_row(
                "SELECT count(*) FROM tombstone WHERE table_name = 'daily_report' AND row_key = ?1",
                [format!("[\"{report}\"]")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tombstones, 1, "v{version}");
    }
}

fn common_compound() -> yanshou::model::Compound {
    yanshou::model::Compound {
        id: CompoundId::new(),
        name: "新小区".to_owned(),
        address: String::new(),
        town_id: None,
        owner_unit: String::new(),
        year_built: Some(1998),
        buildings: Some(2),
        households: Some(40),
        cluster_id: None,
        is_sample: false,
    }
}

/// A record signed by the release before the sign-off log (schema 6, seal format 1) keeps its
/// printed code: after the upgrade it verifies as it was, and the log holds its seal.
#[test]
fn a_code_printed_by_the_previous_release_still_verifies() {
    use yanshou::model::signoff::{seal, short_code};
    use yanshou::model::{
        Catalogue, Inspection, InspectionItem, SignMethod, Signature, catalogue::COMPOUND_STANDARD,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v6.db");
    let compound: CompoundId = COMPOUND.parse().unwrap();
    let id: InspectionId = FIRST.parse().unwrap();
    let items: Vec<InspectionItem> = Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .into_iter()
        .map(|item| InspectionItem {
            standard: item.clone(),
            result: Some(ItemResult::Pass),
            remark: String::new(),
        })
        .collect();
    let inspection = Inspection {
        id,
        subject: Subject::Compound(compound),
        standard_id: "compound".into(),
        catalogue_version: Catalogue::current().version.clone(),
        pack_version: String::new(),
        inspected_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap(),
        inspectors: "王工".into(),
        parties: vec!["建设单位".into()],
        items: items.clone(),
        signed_off_at: None,
        seal: None,
        parent_id: None,
        round: 1,
        kind: RoundKind::First,
        reason: String::new(),
        members: Vec::new(),
        seal_version: None,
        sealed_header: None,
        signer: None,
    };
    let signatures = vec![Signature {
        position: 0,
        unit: "建设单位".into(),
        signer: "张三".into(),
        signed_at: "2025-01-02T07:00:00.000Z".into(),
        method: SignMethod::WetInk,
    }];
    let sealed = seal(&inspection, &signatures, &[]);
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrate_to(&mut conn, 6).unwrap();
        conn.execute(
            "INSERT INTO compound (id, name, created_at, updated_at) VALUES (?1, '旧版小区', 'x', 'x')",
            [COMPOUND],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO inspection (id, compound_id, standard_id, catalogue_version, inspected_on,
                 inspectors, created_at, updated_at)
             VALUES (?1, ?2, 'compound', ?3, '2025-01-02', '王工', 'x', 'x')",
            rusqlite::params![FIRST, COMPOUND, Catalogue::current().version],
        )
        .unwrap();
        for (position, item) in items.iter().enumerate() {
            let s = &item.standard;
            conn.execute(
                "INSERT INTO inspection_item (inspection_id, position, code, standard_id,
                     group_name, standard_text, hint, clause, required, result, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pass', 'x')",
                rusqlite::params![
                    FIRST,
                    position as i64,
                    s.code,
                    s.standard,
                    s.group,
                    s.text,
                    s.hint,
                    s.clause,
                    s.required
                ],
            )
            .unwrap();
        }
        conn.execute_batch(&format!(
            "INSERT INTO inspection_party VALUES ('{FIRST}', 0, '建设单位');
             INSERT INTO signature (inspection_id, position, signer, wet_ink, strokes, signed_at)
                 VALUES ('{FIRST}', 0, '张三', 1, '[]', '2025-01-02T07:00:00.000Z');
             UPDATE inspection SET signed_off_at = '2025-01-02T08:00:00.000Z', seal = '{sealed}'
                 WHERE id = '{FIRST}';"
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let code = short_code(&sealed);
    assert_eq!(
        store.check_seal(id).unwrap(),
        yanshou::model::SealCheck::Intact { code: code.clone() }
    );
    assert_eq!(store.find_by_code(&code).unwrap().len(), 1);
    assert!(store.audit().unwrap().is_clean());
    assert_eq!(store.seal_log().unwrap()[0].seal_version, 1);
}

/// Migration 14: from whatever version a file came, a signed record's items and
/// participating units are locked afterwards for INSERT, UPDATE and DELETE.
#[test]
fn every_older_version_gains_the_locks_on_items_and_parties() {
    let dir = tempfile::tempdir().expect("tempdir");
    for version in 1..SCHEMA_VERSION {
        let path = file_of_version(dir.path(), version);
        let store = Store::open(&path).unwrap_or_else(|e| panic!("v{version}: {e}"));
        let triggers: Vec<String> = store
            .connection()
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'inspection_%_locked_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for name in [
            "inspection_item_locked_delete",
            "inspection_item_locked_insert",
            "inspection_party_locked_delete",
            "inspection_party_locked_insert",
            "inspection_party_locked_update",
        ] {
            assert!(
                triggers.iter().any(|t| t == name),
                "v{version}: {name} in {triggers:?}"
            );
        }
    }
}
