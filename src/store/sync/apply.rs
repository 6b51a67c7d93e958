//! Applying one changeset from another machine, row by row, children before parents. A change
//! applies where this file still has what the other machine had before it; where both changed
//! the same field since they last agreed, both values are kept as a conflict for a user to
//! pick (never last-writer-wins); a signed record that would change refuses the whole package.

use std::collections::HashSet;

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action;
use rusqlite::session::ChangesetIter;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::capture::CAPTURED;
use super::rows::{Table, Tables, compound_of, key_text, record_label, value_text};
use crate::model::sync::{Counts, EntryKind};
use crate::store::{StoreError, now};

/// One row's change as a changeset holds it: full rows for inserts and deletes, the changed
/// columns (and the key) for updates.
#[derive(Clone, Debug)]
pub(super) struct Change {
    pub table: String,
    pub op: Action,
    pub old: Vec<Option<Value>>,
    pub new: Vec<Option<Value>>,
}

/// A changeset's rows.
pub(super) fn decode(changeset: &[u8]) -> Result<Vec<Change>, StoreError> {
    let mut reader: &[u8] = changeset;
    let input: &mut dyn std::io::Read = &mut reader;
    let mut iter = ChangesetIter::start_strm(&input)?;
    let mut changes = Vec::new();
    while let Some(item) = iter.next()? {
        let op = item.op()?;
        let columns = usize::try_from(op.number_of_columns()).unwrap_or(0);
        let code = op.code();
        let table = op.table_name().to_owned();
        let value = |v: rusqlite::Result<rusqlite::types::ValueRef<'_>>| {
            v.ok().and_then(|v| Value::try_from(v).ok())
        };
        let (old, new) = match code {
            Action::SQLITE_INSERT => (
                vec![None; columns],
                (0..columns).map(|c| value(item.new_value(c))).collect(),
            ),
            Action::SQLITE_DELETE => (
                (0..columns).map(|c| value(item.old_value(c))).collect(),
                vec![None; columns],
            ),
            Action::SQLITE_UPDATE => (
                (0..columns).map(|c| value(item.old_value(c))).collect(),
                (0..columns).map(|c| value(item.new_value(c))).collect(),
            ),
            _ => {
                return Err(StoreError::Corrupt("数据包中有无法识别的变更".to_owned()));
            }
        };
        changes.push(Change {
            table,
            op: code,
            old,
            new,
        });
    }
    Ok(changes)
}

/// How many inserts, updates and deletes a changeset holds, per table.
pub(super) fn count(changes: &[Change], counts: &mut std::collections::BTreeMap<String, Counts>) {
    for change in changes {
        let c = counts.entry(change.table.clone()).or_default();
        match change.op {
            Action::SQLITE_INSERT => c.inserts += 1,
            Action::SQLITE_DELETE => c.deletes += 1,
            _ => c.updates += 1,
        }
    }
}

/// Who a changeset is from, for the conflicts it leaves.
pub(super) struct Source<'a> {
    pub origin: &'a str,
    pub origin_name: &'a str,
    pub seq: i64,
    pub made_at: &'a str,
    pub kind: EntryKind,
    pub package_id: &'a str,
    /// The change came back to the machine that made it (at the office it was applied
    /// otherwise): only a survey round the office renumbered is taken back.
    pub echo: bool,
    /// This file is the office, whose numbering of survey rounds the laptops follow.
    pub at_office: bool,
}

/// What applying one changeset did.
#[derive(Debug, Default)]
pub(super) struct Applied {
    /// Fields kept as conflicts.
    pub conflicts: usize,
    /// Compounds that look like ones already here.
    pub duplicates: usize,
    /// Whether it applied otherwise than it came (conflicts, renumbering).
    pub adjusted: bool,
    pub notes: Vec<String>,
}

/// The rows of a changeset, as this file takes them.
pub(super) struct Applier<'a> {
    pub conn: &'a Connection,
    pub tables: &'a mut Tables,
    pub from: Source<'a>,
    pub applied: Applied,
    /// Compounds with a conflict in this changeset: their deletion waits for a user too.
    touched: HashSet<String>,
}

impl<'a> Applier<'a> {
    pub fn new(conn: &'a Connection, tables: &'a mut Tables, from: Source<'a>) -> Self {
        Self {
            conn,
            tables,
            from,
            applied: Applied::default(),
            touched: HashSet::new(),
        }
    }

    /// Applies `changes`, children before parents.
    pub fn apply(mut self, mut changes: Vec<Change>) -> Result<Applied, StoreError> {
        let rank = |table: &str| {
            CAPTURED
                .iter()
                .position(|t| *t == table)
                .unwrap_or(usize::MAX)
        };
        changes.sort_by_key(|c| rank(&c.table));
        for change in changes {
            if rank(&change.table) == usize::MAX {
                continue; // not a table that travels
            }
            let table = self.tables.get(self.conn, &change.table)?.clone();
            if change.new.len() > table.columns.len() || change.old.len() > table.columns.len() {
                return Err(StoreError::Invalid(format!(
                    "数据包中的“{}”比本机多出字段：请先升级本机程序",
                    crate::model::sync::table_label(&table.name)
                )));
            }
            if self.from.echo {
                self.take_back_renumbering(&table, &change)?;
                continue;
            }
            match change.op {
                Action::SQLITE_INSERT => self.insert(&table, &change)?,
                Action::SQLITE_UPDATE => self.update(&table, &change)?,
                _ => self.delete(&table, &change)?,
            }
        }
        Ok(self.applied)
    }

    fn insert(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let mut row: Vec<Value> = change
            .new
            .iter()
            .map(|v| v.clone().unwrap_or(Value::Null))
            .collect();
        // A changeset from an older schema has fewer columns: the rest take their defaults.
        row.resize(table.columns.len(), Value::Null);
        let key = table.key_of(&row);
        match table.row(self.conn, &key)? {
            None => {
                self.renumber_round(table, &mut row)?;
                table
                    .insert(self.conn, &row)
                    .map_err(|e| locked(e, table, &row))?;
                if table.name == "compound" {
                    self.offer_merge(table, &row)?;
                }
            }
            Some(current) => {
                let differing: Vec<usize> = (0..table.columns.len())
                    .filter(|&c| !table.is_bookkeeping(c) && current[c] != row[c])
                    .collect();
                if self.from.kind == EntryKind::Resolution {
                    // Every field the pick names (the same ones too: it settles them here).
                    let sets = (0..table.columns.len())
                        .filter(|&c| !table.is_bookkeeping(c) && !table.pk[c])
                        .map(|c| (c, row[c].clone()))
                        .collect();
                    return self.force(table, &key, &current, sets);
                }
                if differing.is_empty() {
                    return Ok(());
                }
                self.refuse_if_locked(table, &current, &row)?;
                for c in differing {
                    self.conflict(table, &current, c, current[c].clone(), row[c].clone())?;
                }
            }
        }
        Ok(())
    }

    fn update(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let key: Vec<Value> = change
            .old
            .iter()
            .zip(&table.pk)
            .filter(|(_, pk)| **pk)
            .map(|(v, _)| v.clone().unwrap_or(Value::Null))
            .collect();
        let Some(current) = table.row(self.conn, &key)? else {
            if self.from.kind != EntryKind::Resolution {
                // Deleted here, changed there.
                let theirs = changed_fields(table, change);
                self.whole_row_conflict(table, &key, None, Value::Text(theirs))?;
            }
            return Ok(());
        };
        let forced = self.from.kind == EntryKind::Resolution;
        if forced {
            let sets = change
                .new
                .iter()
                .enumerate()
                .filter(|(c, _)| *c < current.len() && !table.is_bookkeeping(*c))
                .filter_map(|(c, v)| v.clone().map(|v| (c, v)))
                .collect();
            return self.force(table, &key, &current, sets);
        }
        let mut sets = Vec::new();
        let mut content = false;
        for (c, new) in change.new.iter().enumerate() {
            let Some(new) = new else { continue };
            if c >= current.len() || &current[c] == new {
                continue;
            }
            let old = change.old.get(c).cloned().flatten();
            if old.as_ref() == Some(&current[c]) {
                content |= !table.is_bookkeeping(c);
                sets.push((c, new.clone()));
            } else if !table.is_bookkeeping(c) {
                self.refuse_if_locked(table, &current, &with(&current, c, new))?;
                self.conflict(table, &current, c, current[c].clone(), new.clone())?;
            }
        }
        if !content {
            return Ok(()); // only when it changed: nothing of substance to take
        }
        let changed = apply_sets(&current, &sets);
        self.refuse_if_locked(table, &current, &changed)?;
        table
            .update(self.conn, &key, &sets)
            .map_err(|e| locked(e, table, &changed))
    }

    fn delete(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let old: Vec<Value> = change
            .old
            .iter()
            .map(|v| v.clone().unwrap_or(Value::Null))
            .collect();
        let key = table.key_of(&old);
        let Some(current) = table.row(self.conn, &key)? else {
            return Ok(()); // gone here too
        };
        let changed_here = (0..table.columns.len().min(old.len()))
            .any(|c| !table.is_bookkeeping(c) && current[c] != old[c]);
        let holds_a_conflict = compound_of(self.conn, table, &current)?
            .is_some_and(|compound| self.touched.contains(&compound));
        if self.from.kind != EntryKind::Resolution && (changed_here || holds_a_conflict) {
            // Changed here (or a part of it is in conflict), deleted there: a user decides.
            return self.whole_row_conflict(table, &key, Some(&current), Value::Null);
        }
        self.refuse_if_locked(table, &current, &[])?;
        table
            .delete(self.conn, &key)
            .map_err(|e| locked(e, table, &current))
    }

    /// A user's pick from another machine: it replaces what is here unless a later pick on the
    /// same field was taken here already, and closes the same conflict here.
    fn force(
        &mut self,
        table: &Table,
        key: &[Value],
        current: &[Value],
        sets: Vec<(usize, Value)>,
    ) -> Result<(), StoreError> {
        let stamp = format!("{}|{}", self.from.made_at, self.from.origin);
        let row_key = key_text(key);
        let mut taken = Vec::new();
        for (c, value) in sets {
            let column = &table.columns[c];
            let later: Option<String> = self
                .conn
                .query_row(
                    "SELECT stamp FROM resolution_stamp
                     WHERE table_name = ?1 AND row_key = ?2 AND column_name = ?3",
                    (&table.name, &row_key, column),
                    |r| r.get(0),
                )
                .optional()?;
            if later.is_some_and(|l| l >= stamp) {
                continue;
            }
            self.conn.execute(
                "INSERT INTO resolution_stamp (table_name, row_key, column_name, stamp)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET stamp = excluded.stamp",
                (&table.name, &row_key, column, &stamp),
            )?;
            self.conn.execute(
                "UPDATE conflict SET resolved_at = ?4, resolved_by = ?5,
                     resolution = CASE WHEN ours IS ?6 THEN 'ours' ELSE 'theirs' END
                 WHERE table_name = ?1 AND row_key = ?2 AND column_name = ?3
                   AND resolved_at IS NULL",
                rusqlite::params![
                    table.name,
                    row_key,
                    column,
                    now(),
                    format!("{}（对方的选择）", self.from.origin_name),
                    value
                ],
            )?;
            if current[c] != value {
                taken.push((c, value));
            }
        }
        if taken.is_empty() {
            return Ok(());
        }
        let changed = apply_sets(current, &taken);
        self.refuse_if_locked(table, current, &changed)?;
        table
            .update(self.conn, key, &taken)
            .map_err(|e| locked(e, table, &changed))
    }

    /// Keeps both values of a field for a user to pick.
    fn conflict(
        &mut self,
        table: &Table,
        current: &[Value],
        column: usize,
        ours: Value,
        theirs: Value,
    ) -> Result<(), StoreError> {
        let key = table.key_of(current);
        let compound = compound_of(self.conn, table, current)?;
        let record = record_label(self.conn, table, current)?;
        self.keep(
            table,
            &key,
            compound,
            &record,
            &table.columns[column],
            ours,
            theirs,
        )
    }

    /// Deleted on one side, changed on the other: the whole row waits for a user.
    fn whole_row_conflict(
        &mut self,
        table: &Table,
        key: &[Value],
        current: Option<&[Value]>,
        theirs: Value,
    ) -> Result<(), StoreError> {
        let (compound, record, ours) = match current {
            Some(row) => (
                compound_of(self.conn, table, row)?,
                record_label(self.conn, table, row)?,
                Value::Text("本机已修改（对方已删除）".to_owned()),
            ),
            None => (
                None,
                format!(
                    "{}（本机已删除）",
                    crate::model::sync::table_label(&table.name)
                ),
                Value::Null,
            ),
        };
        let theirs = match theirs {
            Value::Null => Value::Text("删除".to_owned()),
            other => other,
        };
        self.keep(table, key, compound, &record, "*", ours, theirs)
    }

    #[expect(clippy::too_many_arguments, reason = "one conflict row's fields")]
    fn keep(
        &mut self,
        table: &Table,
        key: &[Value],
        compound: Option<String>,
        record: &str,
        column: &str,
        ours: Value,
        theirs: Value,
    ) -> Result<(), StoreError> {
        let row_key = key_text(key);
        // The same conflict still open is not kept twice; its other side is brought up to date.
        let open: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM conflict WHERE table_name = ?1 AND row_key = ?2
                     AND column_name = ?3 AND resolved_at IS NULL",
                (&table.name, &row_key, column),
                |r| r.get(0),
            )
            .optional()?;
        match open {
            Some(id) => {
                self.conn.execute(
                    "UPDATE conflict SET theirs = ?2, origin = ?3, origin_name = ?4, seq = ?5,
                         their_time = ?6, package_id = ?7
                     WHERE id = ?1",
                    rusqlite::params![
                        id,
                        theirs,
                        self.from.origin,
                        self.from.origin_name,
                        self.from.seq,
                        self.from.made_at,
                        self.from.package_id
                    ],
                )?;
            }
            None => {
                self.conn.execute(
                    "INSERT INTO conflict (id, table_name, row_key, compound_id, record,
                         column_name, ours, theirs, origin, origin_name, seq, their_time,
                         package_id, detected_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                    rusqlite::params![
                        uuid::Uuid::now_v7().to_string(),
                        table.name,
                        row_key,
                        compound,
                        record,
                        column,
                        ours,
                        theirs,
                        self.from.origin,
                        self.from.origin_name,
                        self.from.seq,
                        self.from.made_at,
                        self.from.package_id,
                        now()
                    ],
                )?;
            }
        }
        if let Some(compound) = compound {
            self.touched.insert(compound);
        }
        self.applied.conflicts += 1;
        self.applied.adjusted = true;
        Ok(())
    }

    /// Two machines both started survey round N of one compound: at the office, the one that
    /// comes second becomes the next round, with a note; a laptop follows the office's
    /// numbering, moving its own round out of the way until the office's word on it arrives.
    fn renumber_round(&mut self, table: &Table, row: &mut [Value]) -> Result<(), StoreError> {
        let owner = match table.name.as_str() {
            "survey" => "compound_id",
            _ => return Ok(()),
        };
        let (Some(o), Some(r)) = (table.index_of(owner), table.index_of("round")) else {
            return Ok(());
        };
        let taken: bool = self.conn.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE \"{owner}\" = ?1 AND round = ?2)",
                table.name
            ),
            (&row[o], &row[r]),
            |q| q.get(0),
        )?;
        if !taken {
            return Ok(());
        }
        let next: i64 = self.conn.query_row(
            &format!(
                "SELECT coalesce(max(round), 0) + 1 FROM \"{}\" WHERE \"{owner}\" = ?1",
                table.name
            ),
            [&row[o]],
            |q| q.get(0),
        )?;
        if !self.from.at_office {
            self.conn.execute(
                &format!(
                    "UPDATE \"{}\" SET round = ?3 WHERE \"{owner}\" = ?1 AND round = ?2",
                    table.name
                ),
                (&row[o], &row[r], next),
            )?;
            return Ok(());
        }
        self.applied.notes.push(format!(
            "{}的{}第 {} 轮与本机已有的一轮同号，已改为第 {next} 轮",
            self.from.origin_name,
            crate::model::sync::table_label(&table.name),
            value_text(&row[r])
        ));
        row[r] = Value::Integer(next);
        self.applied.adjusted = true;
        Ok(())
    }

    /// A change that came back to the machine that made it, which the office renumbered.
    fn take_back_renumbering(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        if change.op != Action::SQLITE_INSERT || table.name != "survey" {
            return Ok(());
        }
        let row: Vec<Value> = change
            .new
            .iter()
            .map(|v| v.clone().unwrap_or(Value::Null))
            .collect();
        let (Some(r), key) = (table.index_of("round"), table.key_of(&row)) else {
            return Ok(());
        };
        if let Some(current) = table.row(self.conn, &key)?
            && current[r] != row[r]
        {
            table.update(self.conn, &key, &[(r, row[r].clone())])?;
        }
        Ok(())
    }

    /// A compound that arrives with the name, town and address of one already here: both are
    /// kept, and a user is offered to merge them.
    fn offer_merge(&mut self, table: &Table, row: &[Value]) -> Result<(), StoreError> {
        let get = |c: &str| {
            table
                .index_of(c)
                .map(|i| row[i].clone())
                .unwrap_or(Value::Null)
        };
        let twin: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM compound WHERE name = ?1 AND town_id IS ?2 AND address = ?3
                     AND id <> ?4 AND is_sample = 0
                 ORDER BY created_at LIMIT 1",
                (get("name"), get("town_id"), get("address"), get("id")),
                |r| r.get(0),
            )
            .optional()?;
        let (Some(kept), Value::Text(other)) = (twin, get("id")) else {
            return Ok(());
        };
        self.conn.execute(
            "INSERT INTO duplicate (id, kept, other, package_id, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (
                uuid::Uuid::now_v7().to_string(),
                kept,
                other,
                self.from.package_id,
                now(),
            ),
        )?;
        self.applied.duplicates += 1;
        Ok(())
    }

    /// A signed record (or a part of one) never changes: a package that would change one is
    /// refused whole, naming both codes.
    fn refuse_if_locked(
        &self,
        table: &Table,
        current: &[Value],
        theirs: &[Value],
    ) -> Result<(), StoreError> {
        let inspection = match table.name.as_str() {
            "inspection" => table.index_of("id").map(|i| current[i].clone()),
            "inspection_item" | "inspection_party" | "inspection_member" | "signature"
            | "photo" | "rectification" => {
                table.index_of("inspection_id").map(|i| current[i].clone())
            }
            _ => None,
        };
        let Some(Value::Text(inspection)) = inspection else {
            return Ok(());
        };
        let sealed: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT coalesce(seal, (SELECT seal FROM seal_log l WHERE l.inspection_id = i.id
                                         ORDER BY seq DESC LIMIT 1))
                 FROM inspection i WHERE id = ?1",
                [&inspection],
                |r| r.get(0),
            )
            .optional()?;
        let Some(Some(ours)) = sealed else {
            return Ok(());
        };
        let theirs_code = match (table.index_of("seal"), table.name.as_str()) {
            (Some(s), "inspection") => match theirs.get(s) {
                Some(Value::Text(seal)) => crate::model::signoff::short_code(seal),
                _ => "（无校验码）".to_owned(),
            },
            _ => "（改动了已签字的内容）".to_owned(),
        };
        Err(StoreError::Invalid(format!(
            "数据包要改动本机已签字锁定的{}（本机校验码 {}，数据包中 {theirs_code}），判定为篡改：整个数据包未导入，本机数据未改动。请与{}核对。",
            record_label(self.conn, table, current)?,
            crate::model::signoff::short_code(&ours),
            self.from.origin_name
        )))
    }
}

/// A row with column `c` set to `value`.
fn with(row: &[Value], c: usize, value: &Value) -> Vec<Value> {
    let mut row = row.to_vec();
    row[c] = value.clone();
    row
}

fn apply_sets(row: &[Value], sets: &[(usize, Value)]) -> Vec<Value> {
    let mut row = row.to_vec();
    for (c, v) in sets {
        row[*c] = v.clone();
    }
    row
}

/// The fields an update changes, in words, for a row no longer here.
fn changed_fields(table: &Table, change: &Change) -> String {
    change
        .new
        .iter()
        .enumerate()
        .filter_map(|(c, v)| {
            let v = v.as_ref()?;
            let column = table.columns.get(c)?;
            (!table.is_bookkeeping(c)).then(|| {
                format!(
                    "{}：{}",
                    crate::model::sync::column_label(&table.name, column),
                    value_text(v)
                )
            })
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A write that a lock trigger stopped is a signed record being changed.
fn locked(e: StoreError, table: &Table, _row: &[Value]) -> StoreError {
    match e {
        StoreError::ReadOnlyRecord(_) => StoreError::Invalid(format!(
            "数据包要改动本机已签字锁定的{}，判定为篡改：整个数据包未导入，本机数据未改动。",
            crate::model::sync::table_label(&table.name)
        )),
        other => other,
    }
}
