//! Append-only schema migrations keyed on `PRAGMA user_version` (as cargo's `util/sqlite.rs`).
//!
//! Never edit a migration that has shipped: add a new one at the end. A migration is a named
//! list of steps, SQL or code, run in one transaction; a file's `user_version` is how many
//! migrations it has had.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;
use crate::model::TownId;

/// `PRAGMA application_id`: "YSHU". Marks a file as ours.
pub const APPLICATION_ID: i32 = 0x5953_4855;

/// One schema version: its steps, run in order in one transaction.
pub(super) struct Migration {
    /// What the version brings (the log names it when a file is upgraded).
    pub name: &'static str,
    pub steps: &'static [Step],
}

/// A step of a migration: SQL, or code for what SQL cannot say (back-fills, re-keying,
/// triggers made for every table that exists by then).
pub(super) enum Step {
    Sql(&'static str),
    Code(&'static str, fn(&Connection) -> Result<(), StoreError>),
}

use Step::{Code, Sql};

// The towns as the first versions of the schema wrote them: history, like the migrations that
// wrote them. A file's towns now come from its policy pack (Luoning's, unless made with
// `init --pack`); these only say what migrations 1 and 8 did, and never change.

/// The towns the policy names for this programme (一、（一）and 附件1), as the first schema
/// version wrote them: the policy says 回族镇 for 王范回族镇. Never changed: migration 1
/// writes exactly these.
const POLICY_TOWNS_AS_FIRST_WRITTEN: [&str; 3] = ["城关镇", "回族镇", "城郊乡"];

/// 回族镇's full name.
const WANGFAN: (&str, &str) = ("回族镇", "王范回族镇");

/// Every town (乡镇) of Luoning County, the programme's three first. The county seat's 城关镇
/// is the policy's name (since 2022 the area is 永宁街道; a database keeps the name it has).
const LUONING_TOWNS: [&str; 19] = [
    "城关镇",
    "王范回族镇",
    "城郊乡",
    "上戈镇",
    "下峪镇",
    "河底镇",
    "兴华镇",
    "东宋镇",
    "马店镇",
    "故县镇",
    "赵村镇",
    "长水镇",
    "景阳镇",
    "小界乡",
    "罗岭乡",
    "底张乡",
    "西山底乡",
    "陈吴乡",
    "涧口乡",
];

const MIGRATIONS: &[Migration] = &[
    // 1: towns, clusters, compounds, acceptance inspections with their items and parties.
    Migration {
        name: "the register and the acceptance",
        steps: &[
            Sql(include_str!("migrations/0001_register.sql")),
            Code("mark the file as ours, with the plan's towns", first_towns),
        ],
    },
    // 2: compound surveys (rounds, item conditions) and cluster surveys (15-minute circle).
    Migration {
        name: "surveys",
        steps: &[Sql(include_str!("migrations/0002_surveys.sql"))],
    },
    // 3: signatures and sign-off. A signed-off record is read-only for the app (triggers);
    // a change made by any other tool is caught by the seal.
    Migration {
        name: "signatures and sign-off",
        steps: &[Sql(include_str!("migrations/0003_signoff.sql"))],
    },
    // 4: re-inspection rounds linked to the round before, and rectifications of failed items.
    Migration {
        name: "re-inspections and rectifications",
        steps: &[Sql(include_str!("migrations/0004_rectifications.sql"))],
    },
    // 5: photos as evidence, stored inside the file; covered by the seal and locked with it.
    Migration {
        name: "photos",
        steps: &[Sql(include_str!("migrations/0005_photos.sql"))],
    },
    // 6: cluster acceptance. An inspection accepts a compound or a cluster (exactly one), says
    // why its round exists (first / re-inspection / correction, with the correction's reason),
    // and a signed-off cluster acceptance keeps its member compounds' acceptances as they stood.
    // SQLite cannot relax NOT NULL in place, so the table is rebuilt (foreign keys are off while
    // migrations run; the lock triggers that name it are dropped and recreated around it).
    Migration {
        name: "cluster acceptance",
        steps: &[Sql(include_str!("migrations/0006_cluster_acceptance.sql"))],
    },
    // 7: a seal that covers the sheet (format 2, with the head as printed frozen at sign-off)
    // and the sign-off log, an append-only hash chain of every seal issued. A record that the
    // log says was signed stays locked even if its sign-off is cleared; rectifications of a
    // signed round are locked too; a signed round's own row never changes again. The lock
    // triggers are recreated with those conditions (they keep their names).
    Migration {
        name: "the sheet's seal and the sign-off log",
        steps: &[
            Sql(include_str!("migrations/0007_seal_log.sql")),
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
            Sql(include_str!("migrations/0009_laptops_and_office.sql")),
            Code("key the towns by their names", key_towns_by_name),
        ],
    },
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
    Migration {
        name: "photos stored by their content",
        steps: &[
            Sql(include_str!("migrations/0016_photo_bytes.sql")),
            Code(
                "each photo's bytes moved to photo_bytes, once per picture",
                super::photos::fold_photo_bytes,
            ),
            Sql(include_str!("migrations/0016_photo_bytes_locked.sql")),
        ],
    },
    Migration {
        name: "what a deleted record's other side did, and where its last content is",
        steps: &[
            Sql(include_str!("migrations/0017_conflict_values.sql")),
            Code(
                "tombstone triggers that keep the latest deletion",
                super::tombstones::remake_triggers_replacing,
            ),
        ],
    },
    Migration {
        name: "the county's policy pack the file works under",
        steps: &[
            Sql(include_str!("migrations/0018_policy_pack.sql")),
            Code(
                "Luoning's pack, which every file before it worked under",
                super::policy_pack::record_luoning,
            ),
            Code(
                "tombstone triggers for the pack",
                super::tombstones::remake_triggers_replacing,
            ),
        ],
    },
    Migration {
        name: "a quarter's scores on the county's own weights",
        steps: &[
            Sql(include_str!("migrations/0019_quarter_score_scale.sql")),
            Code(
                "the quarter scores' tombstone trigger, made again",
                super::tombstones::remake_triggers_replacing,
            ),
        ],
    },
    Migration {
        name: "the pack version each acceptance round and survey was made under",
        steps: &[Sql(include_str!("migrations/0020_record_pack_version.sql"))],
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
        run(conn, index + 1, migration)?;
    }
    Ok(())
}

/// Runs `migration` as version `version`, in one transaction.
pub(super) fn run(
    conn: &mut Connection,
    version: usize,
    migration: &Migration,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for step in migration.steps {
        match step {
            Sql(sql) => tx.execute_batch(sql)?,
            Code(what, code) => {
                tracing::debug!(version, step = what, "migration step");
                code(&tx)?;
            }
        }
    }
    let broken: Option<String> = tx
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    if let Some(table) = broken {
        return Err(StoreError::Corrupt(format!(
            "升级到第 {version} 版时表 {table} 的关联数据不一致"
        )));
    }
    tx.pragma_update(None, "user_version", version as i64)?;
    tx.commit()?;
    // Said once per step of a file's real upgrade; a copy in memory (an older file read
    // through an upgraded copy, the tests) is not the user's file changing.
    match conn.path().filter(|p| !p.is_empty()) {
        Some(file) => tracing::info!(
            version,
            migration = migration.name,
            file,
            "upgraded the database file"
        ),
        None => tracing::debug!(
            version,
            migration = migration.name,
            "migrated a database in memory"
        ),
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
        // the tombstone triggers (twice), the photos' bytes moved to be stored once, the
        // tombstone triggers made again to keep the latest deletion, Luoning's pack recorded
        // (with the pack's tombstone triggers), the quarter scores' tombstone trigger made again
        // after the table was.
        let with_code: Vec<usize> = MIGRATIONS
            .iter()
            .enumerate()
            .filter(|(_, m)| m.steps.iter().any(|s| matches!(s, Code(..))))
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(with_code, [1, 7, 8, 9, 12, 13, 16, 17, 18, 19]);
        // A migration that lifts a lock trigger for its code puts it back after.
        for m in MIGRATIONS {
            let sql: String = m
                .steps
                .iter()
                .filter_map(|s| match s {
                    Sql(sql) => Some(*sql),
                    Code(..) => None,
                })
                .collect();
            for dropped in sql.split("DROP TRIGGER ").skip(1) {
                let name = dropped.split(';').next().unwrap_or_default().trim();
                assert!(
                    sql.contains(&format!("CREATE TRIGGER {name} ")),
                    "{}: {name}",
                    m.name
                );
            }
        }
    }
}
