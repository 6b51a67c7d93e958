//! Append-only schema migrations keyed on `PRAGMA user_version` (as cargo's `util/sqlite.rs`).
//!
//! Never edit a migration that has shipped: add a new one at the end. A migration is a named
//! list of steps, SQL or code (as cargo's `util/sqlite.rs`), run in one transaction; a file's
//! `user_version` is how many migrations it has had.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;
use crate::model::TownId;
use crate::model::town::{LUONING_TOWNS, POLICY_TOWNS_AS_FIRST_WRITTEN, WANGFAN};

/// `PRAGMA application_id`: "YSHU". Marks a file as ours.
pub const APPLICATION_ID: i32 = 0x5953_4855;

/// One schema version: its steps, run in order in one transaction.
struct Migration {
    /// What the version brings (the log names it when a file is upgraded).
    name: &'static str,
    steps: &'static [Step],
}

/// A step of a migration: SQL, or code for what SQL cannot say (back-fills, re-keying,
/// triggers made for every table that exists by then).
enum Step {
    Sql(&'static str),
    Code(&'static str, fn(&Connection) -> Result<(), StoreError>),
}

use Step::{Code, Sql};

const MIGRATIONS: &[Migration] = &[
    // 1: towns, clusters, compounds, acceptance inspections with their items and parties.
    Migration {
        name: "the register and the acceptance",
        steps: &[
            Sql(r#"
    CREATE TABLE town (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE cluster (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL,
        town_id     TEXT REFERENCES town(id),
        plan_year   INTEGER,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE compound (
        id          TEXT PRIMARY KEY NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        address     TEXT NOT NULL DEFAULT '',
        town_id     TEXT REFERENCES town(id),
        owner_unit  TEXT NOT NULL DEFAULT '',
        year_built  INTEGER,
        buildings   INTEGER CHECK (buildings >= 0),
        households  INTEGER CHECK (households >= 0),
        cluster_id  TEXT REFERENCES cluster(id) ON DELETE SET NULL,
        is_sample   INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX compound_town ON compound(town_id);
    CREATE INDEX compound_cluster ON compound(cluster_id);

    CREATE TABLE inspection (
        id                TEXT PRIMARY KEY NOT NULL,
        compound_id       TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
        standard_id       TEXT NOT NULL,
        catalogue_version TEXT NOT NULL,
        inspected_on      TEXT NOT NULL,
        inspectors        TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX inspection_compound ON inspection(compound_id);

    -- The standard item is copied in when the inspection starts, so the inspection keeps
    -- showing the text it was filled in with.
    CREATE TABLE inspection_item (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        code          TEXT NOT NULL,
        standard_id   TEXT NOT NULL,
        group_name    TEXT NOT NULL,
        standard_text TEXT NOT NULL,
        hint          TEXT NOT NULL,
        clause        TEXT NOT NULL,
        required      INTEGER NOT NULL,
        result        TEXT CHECK (result IN ('pass', 'fail', 'na')),
        remark        TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (inspection_id, code)
    ) STRICT;

    CREATE TABLE inspection_party (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        unit          TEXT NOT NULL,
        PRIMARY KEY (inspection_id, position)
    ) STRICT;
    "#),
            Code("mark the file as ours, with the plan's towns", first_towns),
        ],
    },
    // 2: compound surveys (rounds, item conditions) and cluster surveys (15-minute circle).
    Migration {
        name: "surveys",
        steps: &[Sql(r#"
    CREATE TABLE survey (
        id                   TEXT PRIMARY KEY NOT NULL,
        compound_id          TEXT NOT NULL REFERENCES compound(id) ON DELETE CASCADE,
        round                INTEGER NOT NULL CHECK (round >= 1),
        surveyed_on          TEXT NOT NULL,
        surveyors            TEXT NOT NULL DEFAULT '',
        catalogue_version    TEXT NOT NULL,
        floors               INTEGER CHECK (floors >= 0),
        floor_area           REAL CHECK (floor_area >= 0),
        management_mode      TEXT,
        structural_safety    TEXT,
        demolition_suitable  INTEGER,
        households_in_favour INTEGER CHECK (households_in_favour >= 0),
        willingness_method   TEXT NOT NULL DEFAULT '',
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL,
        UNIQUE (compound_id, round)
    ) STRICT;

    CREATE TABLE survey_item (
        survey_id     TEXT NOT NULL REFERENCES survey(id) ON DELETE CASCADE,
        code          TEXT NOT NULL,
        position      INTEGER NOT NULL,
        condition     TEXT CHECK (condition IN ('good', 'renovate', 'missing', 'none')),
        problems      TEXT NOT NULL DEFAULT '',
        other_problem TEXT NOT NULL DEFAULT '',
        note          TEXT NOT NULL DEFAULT '',
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (survey_id, code)
    ) STRICT;

    CREATE TABLE cluster_survey (
        id          TEXT PRIMARY KEY NOT NULL,
        cluster_id  TEXT NOT NULL REFERENCES cluster(id) ON DELETE CASCADE,
        surveyed_on TEXT NOT NULL,
        surveyors   TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cluster_survey_cluster ON cluster_survey(cluster_id);

    CREATE TABLE cluster_facility (
        survey_id       TEXT NOT NULL REFERENCES cluster_survey(id) ON DELETE CASCADE,
        code            TEXT NOT NULL,
        position        INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        present         INTEGER,
        name            TEXT NOT NULL DEFAULT '',
        walking_minutes INTEGER CHECK (walking_minutes >= 0),
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (survey_id, code)
    ) STRICT;

    CREATE INDEX compound_name ON compound(name);
    "#)],
    },
    // 3: signatures and sign-off. A signed-off record is read-only for the app (triggers);
    // a change made by any other tool is caught by the seal.
    Migration {
        name: "signatures and sign-off",
        steps: &[Sql(r#"
    ALTER TABLE inspection ADD COLUMN signed_off_at TEXT;
    ALTER TABLE inspection ADD COLUMN seal TEXT;
    CREATE INDEX inspection_seal ON inspection(seal);

    CREATE TABLE signature (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        signer        TEXT NOT NULL,
        wet_ink       INTEGER NOT NULL DEFAULT 0,
        strokes       TEXT NOT NULL DEFAULT '[]',
        signed_at     TEXT NOT NULL,
        PRIMARY KEY (inspection_id, position)
    ) STRICT;

    CREATE TRIGGER inspection_item_locked BEFORE UPDATE ON inspection_item
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    "#)],
    },
    // 4: re-inspection rounds linked to the round before, and rectifications of failed items.
    Migration {
        name: "re-inspections and rectifications",
        steps: &[Sql(r#"
    ALTER TABLE inspection ADD COLUMN parent_id TEXT REFERENCES inspection(id);
    ALTER TABLE inspection ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX inspection_parent ON inspection(parent_id);

    CREATE TABLE rectification (
        id               TEXT PRIMARY KEY NOT NULL,
        inspection_id    TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        item_code        TEXT NOT NULL,
        requirement      TEXT NOT NULL,
        responsible_unit TEXT NOT NULL,
        deadline         TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        UNIQUE (inspection_id, item_code)
    ) STRICT;
    "#)],
    },
    // 5: photos as evidence, stored inside the file; covered by the seal and locked with it.
    Migration {
        name: "photos",
        steps: &[Sql(r#"
    CREATE TABLE photo (
        id            TEXT PRIMARY KEY NOT NULL,
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        item_code     TEXT NOT NULL,
        file_name     TEXT NOT NULL,
        taken_at      TEXT,
        sha256        TEXT NOT NULL,
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        jpeg          BLOB NOT NULL,
        thumbnail     BLOB NOT NULL,
        created_at    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX photo_item ON photo(inspection_id, item_code);

    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    "#)],
    },
    // 6: cluster acceptance. An inspection accepts a compound or a cluster (exactly one), says
    // why its round exists (first / re-inspection / correction, with the correction's reason),
    // and a signed-off cluster acceptance keeps its member compounds' acceptances as they stood.
    // SQLite cannot relax NOT NULL in place, so the table is rebuilt (foreign keys are off while
    // migrations run; the lock triggers that name it are dropped and recreated around it).
    Migration {
        name: "cluster acceptance",
        steps: &[Sql(r#"
    DROP TRIGGER inspection_item_locked;
    DROP TRIGGER signature_locked_insert;
    DROP TRIGGER signature_locked_update;
    DROP TRIGGER signature_locked_delete;
    DROP TRIGGER photo_locked_insert;
    DROP TRIGGER photo_locked_update;
    DROP TRIGGER photo_locked_delete;

    CREATE TABLE inspection_new (
        id                TEXT PRIMARY KEY NOT NULL,
        compound_id       TEXT REFERENCES compound(id) ON DELETE CASCADE,
        cluster_id        TEXT REFERENCES cluster(id) ON DELETE CASCADE,
        standard_id       TEXT NOT NULL,
        catalogue_version TEXT NOT NULL,
        inspected_on      TEXT NOT NULL,
        inspectors        TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        signed_off_at     TEXT,
        seal              TEXT,
        parent_id         TEXT REFERENCES inspection(id),
        round             INTEGER NOT NULL DEFAULT 1,
        kind              TEXT NOT NULL DEFAULT 'first'
                          CHECK (kind IN ('first', 'reinspection', 'correction')),
        reason            TEXT NOT NULL DEFAULT '',
        CHECK ((compound_id IS NULL) <> (cluster_id IS NULL))
    ) STRICT;
    INSERT INTO inspection_new (id, compound_id, standard_id, catalogue_version, inspected_on,
            inspectors, created_at, updated_at, signed_off_at, seal, parent_id, round, kind)
        SELECT id, compound_id, standard_id, catalogue_version, inspected_on, inspectors,
            created_at, updated_at, signed_off_at, seal, parent_id, round,
            CASE WHEN parent_id IS NULL THEN 'first' ELSE 'reinspection' END
        FROM inspection;
    DROP TABLE inspection;
    ALTER TABLE inspection_new RENAME TO inspection;
    CREATE INDEX inspection_compound ON inspection(compound_id);
    CREATE INDEX inspection_cluster ON inspection(cluster_id);
    CREATE INDEX inspection_seal ON inspection(seal);
    CREATE INDEX inspection_parent ON inspection(parent_id);

    CREATE TABLE inspection_member (
        inspection_id TEXT NOT NULL REFERENCES inspection(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        compound_id   TEXT NOT NULL,
        name          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('none', 'in_progress', 'failed', 'accepted')),
        code          TEXT,
        PRIMARY KEY (inspection_id, position)
    ) STRICT;

    CREATE TRIGGER inspection_item_locked BEFORE UPDATE ON inspection_item
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_insert BEFORE INSERT ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_update BEFORE UPDATE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER member_locked_delete BEFORE DELETE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    "#)],
    },
    // 7: a seal that covers the sheet (format 2, with the head as printed frozen at sign-off)
    // and the sign-off log, an append-only hash chain of every seal issued. A record that the
    // log says was signed stays locked even if its sign-off is cleared; rectifications of a
    // signed round are locked too; a signed round's own row never changes again. The lock
    // triggers are recreated with those conditions (they keep their names).
    Migration {
        name: "the sheet's seal and the sign-off log",
        steps: &[
            Sql(r#"
    ALTER TABLE inspection ADD COLUMN seal_version INTEGER;
    ALTER TABLE inspection ADD COLUMN sealed_header TEXT;
    UPDATE inspection SET seal_version = 1 WHERE seal IS NOT NULL;

    CREATE TABLE seal_log (
        seq           INTEGER PRIMARY KEY,
        inspection_id TEXT NOT NULL,
        seal          TEXT NOT NULL,
        seal_version  INTEGER NOT NULL,
        signed_off_at TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        entry_hash    TEXT NOT NULL UNIQUE
    ) STRICT;
    CREATE INDEX seal_log_inspection ON seal_log(inspection_id);
    CREATE INDEX seal_log_seal ON seal_log(seal);

    CREATE TRIGGER seal_log_no_update BEFORE UPDATE ON seal_log
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER seal_log_no_delete BEFORE DELETE ON seal_log
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    CREATE TRIGGER inspection_locked_update BEFORE UPDATE ON inspection
    WHEN OLD.signed_off_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER inspection_locked_delete BEFORE DELETE ON inspection
    WHEN OLD.signed_off_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;

    DROP TRIGGER inspection_item_locked;
    DROP TRIGGER signature_locked_insert;
    DROP TRIGGER signature_locked_update;
    DROP TRIGGER signature_locked_delete;
    DROP TRIGGER photo_locked_insert;
    DROP TRIGGER photo_locked_update;
    DROP TRIGGER photo_locked_delete;
    DROP TRIGGER member_locked_insert;
    DROP TRIGGER member_locked_update;
    DROP TRIGGER member_locked_delete;
    CREATE TRIGGER inspection_item_locked BEFORE UPDATE ON inspection_item
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_insert BEFORE INSERT ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_update BEFORE UPDATE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER signature_locked_delete BEFORE DELETE ON signature
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_insert BEFORE INSERT ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_update BEFORE UPDATE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER photo_locked_delete BEFORE DELETE ON photo
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_insert BEFORE INSERT ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_update BEFORE UPDATE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER member_locked_delete BEFORE DELETE ON inspection_member
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_insert BEFORE INSERT ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = NEW.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = NEW.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_update BEFORE UPDATE ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    CREATE TRIGGER rectification_locked_delete BEFORE DELETE ON rectification
    WHEN (SELECT signed_off_at FROM inspection WHERE id = OLD.inspection_id) IS NOT NULL
      OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'yanshou: signed off'); END;
    "#),
            Code(
                "enter the seals issued before the log",
                super::seal::log_existing_seals,
            ),
        ],
    },
    // 8: the towns by their full names, and every town of the county (code only).
    Migration {
        name: "the county's towns",
        steps: &[Code(
            "the towns by their full names, and every town of the county",
            complete_the_towns,
        )],
    },
    // 9: several laptops and one office. Towns are keyed by their names (re-keyed by its code
    // step, so the same town made on two laptops is one town); this file's identity; its own
    // changes, each captured with its action (and, at the office, the changes it applied from
    // others, with where they came from); its peers (how far their changes are applied here and
    // ours sent there); the packages sent and received; conflicts kept until a user picks, and
    // the picks' times; records that look like one, offered for merging.
    Migration {
        name: "laptops and the office",
        steps: &[
            Sql(r#"
    CREATE TABLE device (
        only        INTEGER PRIMARY KEY CHECK (only = 1),
        id          TEXT NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role        TEXT NOT NULL CHECK (role IN ('office', 'field')),
        host        TEXT NOT NULL DEFAULT '',
        had_records INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL
    ) STRICT;

    CREATE TABLE change_log (
        origin        TEXT NOT NULL,
        seq           INTEGER NOT NULL CHECK (seq >= 1),
        kind          TEXT NOT NULL
                      CHECK (kind IN ('edit', 'snapshot', 'resolution', 'signed')),
        made_at       TEXT NOT NULL,
        author        TEXT NOT NULL,
        changeset     BLOB NOT NULL,
        source_origin TEXT,
        source_seq    INTEGER,
        adjusted      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (origin, seq)
    ) STRICT;

    CREATE TABLE peer (
        id            TEXT PRIMARY KEY NOT NULL,
        name          TEXT NOT NULL,
        role          TEXT NOT NULL,
        applied_up_to INTEGER NOT NULL DEFAULT 0,
        sent_up_to    INTEGER NOT NULL DEFAULT 0,
        snapshot_sent INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE package_log (
        id         TEXT PRIMARY KEY NOT NULL,
        direction  TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
        peer_id    TEXT NOT NULL,
        peer_name  TEXT NOT NULL,
        at         TEXT NOT NULL,
        file_name  TEXT NOT NULL,
        first_seq  INTEGER,
        last_seq   INTEGER,
        snapshot   INTEGER NOT NULL DEFAULT 0,
        counts     TEXT NOT NULL,
        applied    INTEGER NOT NULL DEFAULT 0,
        skipped    INTEGER NOT NULL DEFAULT 0,
        conflicts  INTEGER NOT NULL DEFAULT 0,
        note       TEXT NOT NULL DEFAULT ''
    ) STRICT;

    CREATE TABLE conflict (
        id          TEXT PRIMARY KEY NOT NULL,
        table_name  TEXT NOT NULL,
        row_key     TEXT NOT NULL,
        compound_id TEXT,
        record      TEXT NOT NULL,
        column_name TEXT NOT NULL,
        ours        ANY,
        theirs      ANY,
        origin      TEXT NOT NULL,
        origin_name TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        their_time  TEXT NOT NULL,
        package_id  TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution  TEXT CHECK (resolution IN ('ours', 'theirs')),
        resolved_by TEXT,
        only_ours   INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX conflict_open ON conflict(resolved_at, compound_id);

    CREATE TABLE resolution_stamp (
        table_name  TEXT NOT NULL,
        row_key     TEXT NOT NULL,
        column_name TEXT NOT NULL,
        stamp       TEXT NOT NULL,
        PRIMARY KEY (table_name, row_key, column_name)
    ) STRICT;

    CREATE TABLE duplicate (
        id          TEXT PRIMARY KEY NOT NULL,
        kept        TEXT NOT NULL,
        other       TEXT NOT NULL,
        package_id  TEXT,
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution  TEXT CHECK (resolution IN ('merged', 'both')),
        resolved_by TEXT
    ) STRICT;
    "#),
            Code("key the towns by their names", key_towns_by_name),
        ],
    },
    // From 10 on, each migration is a file of its own.
    Migration {
        name: "the programme's steps",
        steps: &[Sql(include_str!("migrations/0010_programme.sql"))],
    },
    Migration {
        name: "funding",
        steps: &[Sql(include_str!("migrations/0011_funding.sql"))],
    },
    Migration {
        name: "tombstones",
        steps: &[
            Sql(include_str!("migrations/0012_tombstones.sql")),
            Code(
                "a tombstone trigger for each travelling table",
                super::tombstones::make_triggers,
            ),
        ],
    },
    Migration {
        name: "the reporting rhythm",
        steps: &[
            Sql(include_str!("migrations/0013_rhythm.sql")),
            Code(
                "a tombstone trigger for each travelling table",
                super::tombstones::make_triggers,
            ),
        ],
    },
    Migration {
        name: "seal locks",
        steps: &[Sql(include_str!("migrations/0014_seal_locks.sql"))],
    },
    Migration {
        name: "device keys",
        steps: &[Sql(include_str!("migrations/0015_device_keys.sql"))],
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the database up to `SCHEMA_VERSION`, one transaction per migration.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Brings the database up to `target` (tests build files of older versions with it).
///
/// Foreign keys are off while migrations run (a table rebuild must not cascade), and each
/// migration is checked with `foreign_key_check` before it commits (SQLite's documented way of
/// changing a table's schema).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let enforced: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = apply(conn, target);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    result
}

/// Migration 1: the file is marked as ours, with the towns the plan names.
fn first_towns(tx: &Connection) -> Result<(), StoreError> {
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    let now = super::now();
    for name in POLICY_TOWNS_AS_FIRST_WRITTEN {
        tx.execute(
            "INSERT INTO town (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            (TownId::new().to_string(), name, &now),
        )?;
    }
    Ok(())
}

/// Migration 8: 回族镇 takes its full name 王范回族镇 (unless a town of that name exists), and
/// the county's other towns are added after the ones the file has.
fn complete_the_towns(tx: &Connection) -> Result<(), StoreError> {
    let (short, full) = WANGFAN;
    tx.execute(
        "UPDATE town SET name = ?2, updated_at = ?3
         WHERE name = ?1 AND NOT EXISTS (SELECT 1 FROM town WHERE name = ?2)",
        (short, full, super::now()),
    )?;
    let now = super::now();
    for name in LUONING_TOWNS {
        tx.execute(
            "INSERT OR IGNORE INTO town (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            (TownId::new().to_string(), name, &now),
        )?;
    }
    Ok(())
}

/// Migration 9: every town takes the id its name gives (`town_id_for`), and the compounds and
/// clusters in it follow. (Foreign keys are off while migrations run; the check follows.)
fn key_towns_by_name(tx: &Connection) -> Result<(), StoreError> {
    let towns: Vec<(String, String)> = tx
        .prepare("SELECT id, name FROM town")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (old, name) in towns {
        let new = crate::model::town::town_id_for(&name).to_string();
        if new == old {
            continue;
        }
        tx.execute("UPDATE town SET id = ?2 WHERE id = ?1", (&old, &new))?;
        tx.execute(
            "UPDATE compound SET town_id = ?2 WHERE town_id = ?1",
            (&old, &new),
        )?;
        tx.execute(
            "UPDATE cluster SET town_id = ?2 WHERE town_id = ?1",
            (&old, &new),
        )?;
    }
    Ok(())
}

fn apply(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > i64::from(SCHEMA_VERSION) {
        return Err(StoreError::TooNew {
            path: conn.path().unwrap_or_default().into(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    let applied = usize::try_from(version).unwrap_or(0);
    let target = usize::try_from(target).unwrap_or(usize::MAX);
    for (index, migration) in MIGRATIONS.iter().enumerate().take(target).skip(applied) {
        let tx = conn.transaction()?;
        for step in migration.steps {
            match step {
                Sql(sql) => tx.execute_batch(sql)?,
                Code(what, run) => {
                    tracing::debug!(version = index + 1, step = what, "migration step");
                    run(&tx)?;
                }
            }
        }
        let broken: Option<String> = tx
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?;
        if let Some(table) = broken {
            return Err(StoreError::Corrupt(format!(
                "升级到第 {} 版时表 {table} 的关联数据不一致",
                index + 1
            )));
        }
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        // Said once per step of a file's real upgrade; a copy in memory (an older file read
        // through an upgraded copy, the tests) is not the user's file changing.
        match conn.path().filter(|p| !p.is_empty()) {
            Some(file) => tracing::info!(
                version = index + 1,
                migration = migration.name,
                file,
                "upgraded the database file"
            ),
            None => tracing::debug!(
                version = index + 1,
                migration = migration.name,
                "migrated a database in memory"
            ),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_is_named_and_its_code_steps_stand_in_the_list() {
        assert_eq!(MIGRATIONS.len(), SCHEMA_VERSION as usize);
        assert!(
            MIGRATIONS
                .iter()
                .all(|m| !m.name.is_empty() && !m.steps.is_empty())
        );
        // The versions whose upgrade runs code, as files have always been upgraded: the
        // first towns, the seals entered into the log, the county's towns, the towns re-keyed,
        // the tombstone triggers (twice).
        let with_code: Vec<usize> = MIGRATIONS
            .iter()
            .enumerate()
            .filter(|(_, m)| m.steps.iter().any(|s| matches!(s, Code(..))))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(with_code, [1, 7, 8, 9, 12, 13]);
        // SQL first, then code that reads what the SQL made.
        for m in MIGRATIONS {
            let first_code = m.steps.iter().position(|s| matches!(s, Code(..)));
            let last_sql = m.steps.iter().rposition(|s| matches!(s, Sql(_)));
            if let (Some(code), Some(sql)) = (first_code, last_sql) {
                assert!(sql < code, "{}", m.name);
            }
        }
    }
}
