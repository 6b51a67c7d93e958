//! Bringing back a record deleted here. A deletion is a change like any other: the entry of the
//! change log that made it (this file's own, or the one it took from another machine and
//! passed on) holds every row it deleted with its last content, the record's own rows that
//! went with it too. When a user picks the other machine's side of a record deleted here
//! (changed there meanwhile), those rows come back, and the other machine's changes are set
//! on them: what this file would hold had the change arrived before the deletion.

use rusqlite::hooks::Action;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::changeset::decode;
use super::rows::{Table, Tables};
use crate::store::StoreError;

/// Rows by table name, as a deletion left them.
type DeletedRows = Vec<(String, Vec<Value>)>;

/// Rows put back, with their tables.
type RestoredRows = Vec<(Table, Vec<Value>)>;

/// The rows the latest deletion of `table`'s row `key` here deleted (that row and those that
/// went with it), as they were; `None` if no entry here holds that deletion.
pub(super) fn last_deletion(
    conn: &Connection,
    table: &Table,
    key: &[Value],
) -> Result<Option<DeletedRows>, StoreError> {
    let holds_it = |deleted: &DeletedRows| {
        deleted
            .iter()
            .any(|(name, row)| *name == table.name && table.key_of(row) == key)
    };
    // The entry its tombstone names (a deletion logged since version 17).
    let linked: Option<Vec<u8>> = conn
        .query_row(
            "SELECT c.changeset FROM tombstone t
             JOIN change_log c ON c.origin = t.origin AND c.seq = t.seq
             WHERE t.table_name = ?1 AND t.row_key = ?2 AND c.kind <> 'resolution'",
            (&table.name, super::rows::key_text(key)),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(changeset) = linked {
        let deleted = deleted_rows(&changeset)?;
        return Ok(holds_it(&deleted).then_some(deleted));
    }
    // Else (a deletion from before, or one this file took without logging it) the latest
    // entry that holds it, not a pick's (a pick holds a deletion's key only). Changesets store
    // text values as they are: an entry that deleted the row holds its key.
    let probe: Vec<u8> = match key.first() {
        Some(Value::Text(t)) => t.as_bytes().to_vec(),
        _ => Vec::new(),
    };
    let mut stmt = conn.prepare_cached(
        "SELECT changeset FROM change_log
         WHERE kind <> 'resolution' AND instr(changeset, ?1) > 0 ORDER BY rowid DESC",
    )?;
    let mut rows = stmt.query([probe])?;
    while let Some(r) = rows.next()? {
        let changeset: Vec<u8> = r.get(0)?;
        let deleted = deleted_rows(&changeset)?;
        if holds_it(&deleted) {
            return Ok(Some(deleted));
        }
    }
    Ok(None)
}

/// The rows a changeset deletes, as they were.
fn deleted_rows(changeset: &[u8]) -> Result<DeletedRows, StoreError> {
    Ok(decode(changeset)?
        .into_iter()
        .filter(|c| c.op == Action::SQLITE_DELETE)
        .map(|c| {
            let row = c
                .old
                .into_iter()
                .map(|v| v.unwrap_or(Value::Null))
                .collect();
            (c.table, row)
        })
        .collect())
}

/// The row `key` of `table` as this file last deleted it.
pub(super) fn deleted_row(
    conn: &Connection,
    table: &Table,
    key: &[Value],
) -> Result<Option<Vec<Value>>, StoreError> {
    Ok(last_deletion(conn, table, key)?.and_then(|rows| {
        rows.into_iter()
            .find(|(name, row)| *name == table.name && table.key_of(row) == key)
            .map(|(_, row)| row)
    }))
}

/// The compound deleted here together with the row `key` of `table` (in the same change), if
/// it is not here now.
pub(super) fn deleted_compound_of(
    conn: &Connection,
    table: &Table,
    key: &[Value],
) -> Result<Option<String>, StoreError> {
    let Some(rows) = last_deletion(conn, table, key)? else {
        return Ok(None);
    };
    let compound = rows
        .iter()
        .find_map(|(name, row)| match (name.as_str(), row.first()) {
            ("compound", Some(Value::Text(id))) => Some(id.clone()),
            _ => None,
        });
    let Some(compound) = compound else {
        return Ok(None);
    };
    let here: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM compound WHERE id = ?1)",
        [&compound],
        |r| r.get(0),
    )?;
    Ok((!here).then_some(compound))
}

/// Puts back the row `key` of `table` and the rows under it (by their links) that its latest
/// deletion here took with it and that are not here, parents first (other rows the same
/// change deleted stay deleted); a link to a row no longer here (a cluster merged away) is
/// cleared where it may be. The rows put back; `None` if no entry here holds the deletion.
pub(super) fn restore_deleted(
    conn: &Connection,
    table: &Table,
    key: &[Value],
) -> Result<Option<RestoredRows>, StoreError> {
    let Some(mut deleted) = last_deletion(conn, table, key)? else {
        return Ok(None);
    };
    // Parents first: the travelling tables are listed children first.
    let rank = |name: &str| super::tables::rank(name).unwrap_or(0);
    deleted.sort_by_key(|(name, _)| std::cmp::Reverse(rank(name)));
    let mut tables = Tables::default();
    // The record and what hangs on it: (table, key) of every row taken.
    let mut taken: Vec<(String, Vec<Value>)> = vec![(table.name.clone(), key.to_vec())];
    let mut restored = Vec::new();
    for (name, mut row) in deleted {
        let rows_table = tables.get(conn, &name)?.clone();
        row.resize(rows_table.columns.len(), Value::Null);
        let row_key = rows_table.key_of(&row);
        let is_target = name == table.name && row_key == key;
        let under_taken = rows_table.links.iter().any(|l| {
            taken
                .iter()
                .any(|(t, k)| *t == l.parent && k.len() == 1 && k[0] == row[l.column])
        });
        if !is_target && !under_taken {
            continue;
        }
        taken.push((name.clone(), row_key.clone()));
        if rows_table.row(conn, &row_key)?.is_some() {
            continue;
        }
        for link in rows_table.links.iter().filter(|l| l.set_null) {
            if row[link.column] == Value::Null {
                continue;
            }
            let there: bool = conn.query_row(
                &format!(
                    "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE \"{}\" = ?1)",
                    link.parent, link.parent_column
                ),
                [&row[link.column]],
                |r| r.get(0),
            )?;
            if !there {
                row[link.column] = Value::Null;
            }
        }
        rows_table.insert(conn, &row)?;
        conn.execute(
            "DELETE FROM tombstone WHERE table_name = ?1 AND row_key = ?2",
            (&rows_table.name, super::rows::key_text(&row_key)),
        )?;
        restored.push((rows_table, row));
    }
    Ok(Some(restored))
}
