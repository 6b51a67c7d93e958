//! Tombstones: every deletion of a travelling row leaves its table and key (as the conflict
//! list writes keys, a JSON array), by a trigger per table made from its primary key. A change
//! arriving for a row that is not here is a conflict only if this file deleted it; a row it
//! never had (a laptop set up for one town) is simply not its business.

use rusqlite::Connection;

use super::StoreError;
use super::sync::TRAVELLING;

/// Makes the tombstone triggers of every travelling table, as versions 12 and 13 made them
/// (an older tombstone of the same row kept).
pub(super) fn make_triggers(conn: &Connection) -> Result<(), StoreError> {
    make_tombstone_triggers(conn, "IGNORE")
}

/// Makes them again (version 17 on; a new travelling table's migration calls this): a
/// deletion replaces an older tombstone of the same row, so the tombstone's link to the entry
/// that deleted the row (set when that entry is logged) is always the latest deletion's.
pub(super) fn remake_triggers_replacing(conn: &Connection) -> Result<(), StoreError> {
    for table in TRAVELLING.iter().map(|t| t.name) {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS \"{table}_tombstone\";"))?;
    }
    make_tombstone_triggers(conn, "REPLACE")
}

fn make_tombstone_triggers(conn: &Connection, on_conflict: &str) -> Result<(), StoreError> {
    for table in TRAVELLING.iter().map(|t| t.name) {
        let mut keys: Vec<(i64, String)> = conn
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))?
            .query_map([], |r| Ok((r.get::<_, i64>(5)?, r.get::<_, String>(1)?)))?
            .collect::<Result<_, _>>()?;
        keys.retain(|(pk, _)| *pk > 0);
        if keys.is_empty() {
            continue; // a table a later migration makes
        }
        keys.sort();
        let columns = keys
            .iter()
            .map(|(_, c)| format!("OLD.\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        conn.execute_batch(&format!(
            "CREATE TRIGGER IF NOT EXISTS \"{table}_tombstone\" AFTER DELETE ON \"{table}\" BEGIN
                 INSERT OR {on_conflict} INTO tombstone (table_name, row_key)
                 VALUES ('{table}', json_array({columns}));
             END;"
        ))?;
    }
    Ok(())
}

/// Whether this file deleted the row of `table` with key `row_key`.
pub(crate) fn deleted_here(
    conn: &Connection,
    table: &str,
    row_key: &str,
) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM tombstone WHERE table_name = ?1 AND row_key = ?2)",
        (table, row_key),
        |r| r.get(0),
    )?)
}
