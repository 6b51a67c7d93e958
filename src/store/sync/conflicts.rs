//! Conflicts and look-alike compounds, for a user to settle. A pick is itself a change that
//! travels: a resolution entry, made with a session on a scratch copy of the row, that replaces
//! whatever the other machines have for that field (unless they took a later pick).

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::capture::append;
use super::rows::{Table, TheirSide, key_from_text, value_text};
use super::tables::Belongs;
use crate::model::merge_policy::Conflicted;
use crate::model::sync::EntryKind;
use crate::model::{CompoundId, ConflictId};
use crate::store::{Store, StoreError, now};

/// One field changed on two machines since they last agreed.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictField {
    pub id: ConflictId,
    /// The column, or `*` for a record deleted on one machine and changed on the other
    /// (`Conflicted` reads it).
    pub column: String,
    pub label: String,
    pub ours: String,
    pub theirs: String,
    /// Who changed it there, and when (RFC 3339).
    pub origin_name: String,
    pub their_time: String,
    /// Whether the other side can be picked: not for a record holding a signed one, nor for
    /// a record deleted here whose other changes an older program did not keep.
    pub theirs_available: bool,
}

/// A record with fields in conflict.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictRecord {
    pub table: String,
    pub record: String,
    pub compound_id: Option<CompoundId>,
    pub fields: Vec<ConflictField>,
}

/// A user's pick for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldPick {
    /// Keep this machine's value.
    Ours,
    /// Take the other machine's value.
    Theirs,
}

/// Why a record holding a signed one is not deleted by a pick.
const ONLY_OURS: &str =
    "本机这条记录含已签字锁定的验收记录，不能删除：请选“以本机为准”，它会随数据包回到对方。";

impl Store {
    /// How many unsettled conflicts lie in the rows of an inspection round: a round is not
    /// signed while a user still has to pick between two versions of it.
    pub(crate) fn open_conflicts_in(
        &self,
        inspection: crate::model::InspectionId,
    ) -> Result<usize, StoreError> {
        Ok(conflicts_in_round(&self.conn, &inspection.to_string())?.len())
    }

    /// The conflicts no user has settled, by record.
    pub fn open_conflicts(&self) -> Result<Vec<ConflictRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, table_name, row_key, record, compound_id, column_name, ours, theirs,
                    origin_name, their_time, only_ours,
                    column_name = '*' AND table_name IN ('compound', 'cluster') AND EXISTS (
                        SELECT 1 FROM inspection i WHERE i.seal IS NOT NULL
                        AND json_extract(row_key, '$[0]') IN (i.compound_id, i.cluster_id)),
                    theirs_values IS NOT NULL
             FROM conflict WHERE resolved_at IS NULL
             ORDER BY record, table_name, row_key, detected_at",
        )?;
        let mut rows = stmt.query([])?;
        let mut records: Vec<(String, ConflictRecord)> = Vec::new();
        while let Some(r) = rows.next()? {
            let table: String = r.get(1)?;
            let row_key: String = r.get(2)?;
            let column: String = r.get(5)?;
            let ours: Value = r.get(6)?;
            let theirs: Value = r.get(7)?;
            let about = Conflicted::from_stored(&column, ours == Value::Null);
            let field = ConflictField {
                id: r.get(0)?,
                label: super::tables::conflict_label(&table, &about),
                // Holding a signed record now, or deleted here with the other side's changes
                // unknown (a conflict an older program kept): it can only stay as here.
                theirs_available: {
                    let deleted_here = about == Conflicted::DeletedHere;
                    let only_ours: bool = r.get(10)?;
                    let holds_signed: bool = r.get(11)?;
                    let values_kept: bool = r.get(12)?;
                    !((deleted_here && !values_kept) || only_ours || holds_signed)
                },
                ours: if about == Conflicted::DeletedHere {
                    "本机已删除".to_owned()
                } else {
                    value_text(&ours)
                },
                theirs: value_text(&theirs),
                column,
                origin_name: r.get(8)?,
                their_time: r.get(9)?,
            };
            let key = format!("{table}|{row_key}");
            match records.iter_mut().find(|(k, _)| *k == key) {
                Some((_, record)) => record.fields.push(field),
                None => records.push((
                    key,
                    ConflictRecord {
                        table,
                        record: r.get(3)?,
                        compound_id: r
                            .get::<_, Option<String>>(4)?
                            .and_then(|id| id.parse().ok()),
                        fields: vec![field],
                    },
                )),
            }
        }
        Ok(records.into_iter().map(|(_, r)| r).collect())
    }

    /// How many conflicts and look-alike compounds wait for a user.
    pub fn pending_reviews(&self) -> Result<usize, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM conflict WHERE resolved_at IS NULL)
                  + (SELECT count(*) FROM duplicate WHERE resolved_at IS NULL)",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// The compounds with a conflict not yet settled: the register marks them.
    pub fn compounds_in_conflict(&self) -> Result<HashSet<CompoundId>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT compound_id FROM conflict
             WHERE resolved_at IS NULL AND compound_id IS NOT NULL",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|id| id.ok().and_then(|id| id.parse().ok()))
            .collect();
        Ok(ids)
    }

    /// Settles a conflict with the user's pick; the pick travels as a resolution.
    pub fn resolve_conflict(&mut self, id: &ConflictId, pick: FieldPick) -> Result<(), StoreError> {
        let (table_name, row_key, column, ours, theirs, only_ours, theirs_values): (
            String,
            String,
            String,
            Value,
            Value,
            bool,
            Option<String>,
        ) = self
            .conn
            .query_row(
                "SELECT table_name, row_key, column_name, ours, theirs, only_ours, theirs_values
                 FROM conflict WHERE id = ?1 AND resolved_at IS NULL",
                [id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "冲突",
                id: id.to_string(),
            })?;
        let origin = self.origin()?.clone();
        let table = Table::read(&self.conn, &table_name)?;
        let key = key_from_text(&row_key)?;
        let about = Conflicted::from_stored(&column, ours == Value::Null);
        if only_ours && pick == FieldPick::Theirs {
            return Err(StoreError::refused(ONLY_OURS.to_owned()));
        }
        // Deleted here, changed there: picking the other side brings the record back from its
        // deletion with the other machine's changes (kept with the conflict since version 17).
        let deleted_here = about == Conflicted::DeletedHere;
        let bring_back = match (deleted_here, pick, theirs_values) {
            (true, FieldPick::Theirs, Some(values)) => Some(TheirSide::from_json(&values)?),
            (true, FieldPick::Theirs, None) => {
                return Err(StoreError::refused(
                    "本机已删除这条记录，这处冲突是旧版程序记下的，没有对方改动后的内容，只能保留删除：请选“以本机为准”，或请对方重新登记。"
                        .to_owned(),
                ));
            }
            _ => None,
        };
        self.without_capture(|store| {
            let tx = store.begin()?;
            if only_ours && !about.is_whole_record() {
                // A round signed on two machines: nothing to send, each keeps its own.
                tx.execute(
                    "UPDATE conflict SET resolved_at = ?2, resolution = 'ours', resolved_by = ?3
                     WHERE id = ?1",
                    (id, now(), &origin.name),
                )?;
                return tx.commit();
            }
            if let Some(values) = &bring_back {
                let changeset = bring_back_deleted(store, &tx, &table, &key, values)?;
                settle(&tx, id, pick, &origin.name, &table_name, &row_key, &about)?;
                send_pick(&tx, &origin, &changeset, &table_name, &row_key, &column)?;
                return tx.commit();
            }
            let current = table.row(&tx, &key)?;
            let whole = about.is_whole_record();
            let changeset = match (whole, pick, &current) {
                // Deleted there, kept here: the whole record travels back (a compound with
                // its surveys and inspections).
                (true, FieldPick::Ours, Some(row)) if table.spec.belongs == Belongs::Compound => {
                    match key.first() {
                        Some(Value::Text(id)) => {
                            let id = id.parse().map_err(|_| {
                                StoreError::Corrupt(format!("小区编号“{id}”无法读取"))
                            })?;
                            store.snapshot(super::Rows::Compound(id))?
                        }
                        _ => scratch_change(&table, row, None)?,
                    }
                }
                (true, FieldPick::Ours, Some(row)) => scratch_change(&table, row, None)?,
                // Deleted there and now here too.
                (true, FieldPick::Theirs, Some(row)) => {
                    let changeset = scratch_change(&table, row, Some(Change::Delete))?;
                    match table.delete(&tx, &key) {
                        Err(StoreError::ReadOnlyRecord(_)) => {
                            return Err(StoreError::refused(ONLY_OURS.to_owned()));
                        }
                        other => other?,
                    }
                    changeset
                }
                // Deleted here, stays deleted: the other machines delete it too.
                (true, _, None) => {
                    let mut row = vec![Value::Null; table.columns.len()];
                    let mut k = key.iter();
                    for (c, pk) in table.pk.iter().enumerate() {
                        if *pk && let Some(v) = k.next() {
                            row[c] = v.clone();
                        }
                    }
                    scratch_change(&table, &row, Some(Change::Delete))?
                }
                (false, _, Some(row)) => {
                    let c = table.index_of(&column).ok_or_else(|| {
                        StoreError::Corrupt(format!("冲突记录的字段 {column} 不存在"))
                    })?;
                    let (chosen, other) = match pick {
                        FieldPick::Ours => (row[c].clone(), theirs.clone()),
                        FieldPick::Theirs => (theirs.clone(), row[c].clone()),
                    };
                    if pick == FieldPick::Theirs {
                        table.update(&tx, &key, &[(c, chosen.clone())])?;
                    }
                    let mut before = row.clone();
                    before[c] = other;
                    scratch_change(&table, &before, Some(Change::Set(c, chosen)))?
                }
                (false, _, None) => Vec::new(),
            };
            settle(&tx, id, pick, &origin.name, &table_name, &row_key, &about)?;
            send_pick(&tx, &origin, &changeset, &table_name, &row_key, &column)?;
            tx.commit()
        })
    }
}

/// Marks conflict `id` settled by `pick`; a pick on a whole record settles whatever else was
/// open on it (two conflicting picks on one record would contradict each other).
fn settle(
    tx: &Connection,
    id: &ConflictId,
    pick: FieldPick,
    who: &str,
    table_name: &str,
    row_key: &str,
    about: &Conflicted,
) -> Result<(), StoreError> {
    let resolution = match pick {
        FieldPick::Ours => "ours",
        FieldPick::Theirs => "theirs",
    };
    tx.execute(
        "UPDATE conflict SET resolved_at = ?2, resolution = ?3, resolved_by = ?4 WHERE id = ?1",
        (id, now(), resolution, who),
    )?;
    if about.is_whole_record() {
        tx.execute(
            "UPDATE conflict SET resolved_at = ?2, resolution = ?3, resolved_by = ?4
             WHERE table_name = ?5 AND row_key = ?6 AND resolved_at IS NULL AND id <> ?1",
            rusqlite::params![
                id,
                now(),
                resolution,
                format!("{who}（随整条记录的选择）"),
                table_name,
                row_key
            ],
        )?;
    }
    Ok(())
}

/// Appends a pick's change as this file's next entry (it travels as a resolution), stamped
/// so that later picks on the same field win over it wherever they meet.
fn send_pick(
    tx: &Connection,
    origin: &super::Origin,
    changeset: &[u8],
    table_name: &str,
    row_key: &str,
    column: &str,
) -> Result<(), StoreError> {
    if changeset.is_empty() {
        return Ok(());
    }
    let seq = append(tx, origin, EntryKind::Resolution, changeset, None, false)?;
    let made_at: String = tx.query_row(
        "SELECT made_at FROM change_log WHERE origin = ?1 AND seq = ?2",
        (&origin.id, seq),
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO resolution_stamp (table_name, row_key, column_name, stamp)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO UPDATE SET stamp = excluded.stamp",
        (
            table_name,
            row_key,
            column,
            format!("{made_at}|{}|{seq:012}", origin.id),
        ),
    )?;
    Ok(())
}

/// Brings back a record deleted here from its deletion, with what the other machine did to it
/// meanwhile (`side`: its values, its changes to the record's other rows, the rows it added);
/// the change that travels (the compound whole, with its surveys and inspections, or the rows
/// of the record as they are now).
fn bring_back_deleted(
    store: &Store,
    tx: &Connection,
    table: &Table,
    key: &[Value],
    side: &TheirSide,
) -> Result<Vec<u8>, StoreError> {
    // Rows come back parents first, but a round may name another as its parent.
    tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let restored = super::restore::restore_deleted(tx, table, key)?.ok_or_else(|| {
        StoreError::refused(
            "本机已删除这条记录，删除前的内容在本机的变更记录中已找不到，只能保留删除：请选“以本机为准”，或请对方重新登记。"
                .to_owned(),
        )
    })?;
    let sets = |t: &Table, values: &[(String, Value)]| -> Vec<(usize, Value)> {
        values
            .iter()
            .filter_map(|(column, v)| {
                let c = t.index_of(column)?;
                (!t.pk[c]).then(|| (c, v.clone()))
            })
            .collect()
    };
    let own = sets(table, &side.set);
    if !own.is_empty() {
        table.update(tx, key, &own)?;
    }
    // Its changes to the record's other rows.
    for (name, row_key, values) in &side.changed {
        let t = Table::read(tx, name)?;
        let k = super::rows::key_from_text(row_key)?;
        let s = sets(&t, values);
        if !s.is_empty() && t.row(tx, &k)?.is_some() {
            t.update(tx, &k, &s)?;
        }
    }
    // What it added to it meanwhile, parents first.
    let mut added = Vec::new();
    for (name, values) in &side.add {
        let added_table = Table::read(tx, name)?;
        let mut row = added_table.row_from_named(values);
        let added_key = added_table.key_of(&row);
        if added_table.row(tx, &added_key)?.is_none() {
            number_survey_round(tx, &added_table, &mut row)?;
            added_table.insert(tx, &row)?;
            tx.execute(
                "DELETE FROM tombstone WHERE table_name = ?1 AND row_key = ?2",
                (&added_table.name, super::rows::key_text(&added_key)),
            )?;
        }
        added.push((added_table, row));
    }
    if table.name == "compound"
        && let Some(Value::Text(id)) = key.first()
    {
        let id = id
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("小区编号“{id}”无法读取")))?;
        return store.snapshot(super::Rows::Compound(id));
    }
    // The record as it is now, whether it came back just now or with an earlier pick.
    let mut changeset = Vec::new();
    let target = std::iter::once((table.clone(), key.to_vec()));
    let others = restored
        .iter()
        .chain(&added)
        .map(|(t, row)| (t.clone(), t.key_of(row)));
    for (rows_table, row_key) in target.chain(others) {
        if let Some(row) = rows_table.row(tx, &row_key)? {
            changeset.extend(scratch_change(&rows_table, &row, None)?);
        }
    }
    Ok(changeset)
}

/// A survey round brought back whose number another round here holds meanwhile: the next
/// free number (as a round arriving second is numbered).
fn number_survey_round(
    tx: &Connection,
    table: &Table,
    row: &mut [Value],
) -> Result<(), StoreError> {
    let (true, Some(o), Some(r)) = (
        table.name == "survey",
        table.index_of("compound_id"),
        table.index_of("round"),
    ) else {
        return Ok(());
    };
    if super::rows::survey_round_taken(tx, &row[o], &row[r])? {
        row[r] = Value::Integer(super::rows::next_survey_round(tx, &row[o])?);
    }
    Ok(())
}

/// What a resolution does to a row.
enum Change {
    /// Sets column `.0` to `.1`.
    Set(usize, Value),
    Delete,
}

/// A one-row changeset made with a session on a scratch table of `table`'s shape: inserting
/// `row` (`None`), setting a column of it, or deleting it. The scratch table has no
/// constraints, so a row known only by its key can be deleted too.
fn scratch_change(
    table: &Table,
    row: &[Value],
    change: Option<Change>,
) -> Result<Vec<u8>, StoreError> {
    let scratch = Connection::open_in_memory()?;
    scratch.pragma_update(None, "foreign_keys", false)?;
    let keys: Vec<String> = table
        .columns
        .iter()
        .zip(&table.pk)
        .filter(|(_, pk)| **pk)
        .map(|(c, _)| format!("\"{c}\""))
        .collect();
    scratch.execute_batch(&format!(
        "CREATE TABLE \"{}\" ({}, PRIMARY KEY ({}))",
        table.name,
        table.column_list(),
        keys.join(", ")
    ))?;
    let marks = (1..=row.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO \"{}\" ({}) VALUES ({marks})",
        table.name,
        table.column_list()
    );
    if change.is_some() {
        scratch.execute(&insert, params_from_iter(row.iter()))?;
    }
    let mut session = rusqlite::session::Session::new(&scratch)?;
    session.attach(None::<&str>)?;
    let key = table.key_of(row);
    match change {
        None => {
            scratch.execute(&insert, params_from_iter(row.iter()))?;
        }
        Some(Change::Set(c, value)) => table.update(&scratch, &key, &[(c, value)])?,
        Some(Change::Delete) => table.delete(&scratch, &key)?,
    }
    let mut changeset = Vec::new();
    session.changeset_strm(&mut changeset)?;
    Ok(changeset)
}

/// An unsettled conflict in a row of an inspection round.
pub(super) struct RoundConflict {
    pub id: ConflictId,
    pub column: String,
    /// The value the other machine had.
    pub theirs: Value,
    /// The row as it is here.
    pub row: Vec<Value>,
    pub table: Table,
}

/// The unsettled conflicts in the rows of an inspection round.
pub(super) fn conflicts_in_round(
    conn: &Connection,
    inspection: &str,
) -> Result<Vec<RoundConflict>, StoreError> {
    let open: Vec<(ConflictId, String, String, String, Value)> = conn
        .prepare(&format!(
            "SELECT id, table_name, row_key, column_name, theirs FROM conflict
                 WHERE resolved_at IS NULL AND table_name IN ('inspection', '{}')",
            super::tables::round_parts()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join("', '")
        ))?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut found = Vec::new();
    for (id, table, key, column, theirs) in open {
        let table = Table::read(conn, &table)?;
        if let Some(row) = table.row(conn, &key_from_text(&key)?)?
            && super::rows::inspection_of(&table, &row).as_deref() == Some(inspection)
        {
            found.push(RoundConflict {
                id,
                column,
                theirs,
                row,
                table,
            });
        }
    }
    Ok(found)
}
