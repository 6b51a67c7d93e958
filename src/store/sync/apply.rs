//! Applying one changeset from another machine, row by row, children before parents. A change
//! applies where this file still has what the other machine had before it; where both changed
//! the same field since they last agreed, both values are kept as a conflict for a user to
//! pick (never last-writer-wins). A signed record decides its own content: arriving whole with
//! its signature it replaces what was changed here before it was signed (the values it
//! replaces are kept in the conflict list as settled by the signature); a change made
//! elsewhere to a record signed here is not taken (and said); a signed record that arrives
//! different from the one signed here refuses the whole package as tampering. The keeping of
//! conflicts and the natural-key rules are in `keep.rs`.

use std::collections::HashSet;

use rusqlite::hooks::Action;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::changeset::Change;
use super::rows::{Table, Tables, compound_of, inspection_of, key_text, record_label, value_text};
use crate::model::sync::EntryKind;
use crate::store::StoreError;
use crate::store::cached::Cached as _;

/// Who a changeset is from, for the conflicts it leaves.
pub(super) struct Source<'a> {
    pub origin: &'a str,
    pub origin_name: &'a str,
    pub seq: i64,
    pub made_at: &'a str,
    /// Which change a pick is, wherever it travelled through: its first origin and number
    /// (the office passes a pick on as its own change, keeping when it was made).
    pub first: (&'a str, i64),
    pub kind: EntryKind,
    pub package_id: &'a str,
    /// The change came back to the machine that made it (at the office it was applied
    /// otherwise): only a survey round the office renumbered is taken back.
    pub echo: bool,
    /// This file is the office, whose numbering of survey rounds the laptops follow.
    pub at_office: bool,
    /// A snapshot this file has had all of already: only its signed records are checked.
    pub stale: bool,
}

/// How a row's change is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Weight {
    /// An edit (or a snapshot's row): applies where nothing changed here since.
    Edit,
    /// A user's pick: replaces what is here.
    Pick,
    /// A row of a record as signed: replaces unsigned changes here.
    Signed,
    /// The subject a signed record brings along: taken only where it is missing here.
    IfMissing,
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
    /// Changes made elsewhere to records signed here: not taken.
    pub stale: usize,
    /// Fields changed here that a record's signature replaced.
    pub superseded: usize,
    /// Rows added elsewhere to records deleted here: the deletion stands.
    pub orphaned: usize,
    /// Rows that arrived whole (a snapshot's, a signed record's) exactly as they are here.
    pub unchanged: usize,
    /// Rows of a snapshot this file has had all of from its sender already: not looked at.
    pub had: usize,
    pub notes: Vec<String>,
}

/// The rows of a changeset, as this file takes them.
pub(super) struct Applier<'a> {
    pub conn: &'a Connection,
    pub tables: &'a mut Tables,
    pub from: Source<'a>,
    pub applied: Applied,
    /// Compounds with a conflict in this changeset: their deletion waits for a user too.
    pub(super) touched: HashSet<String>,
    /// In a snapshot: the inspections that arrive signed (their rows are taken as signed).
    signed_here: HashSet<String>,
    /// The seals the changes bring for inspections, by id.
    pub(super) incoming_seals: std::collections::HashMap<String, String>,
    /// Compounds this changeset deletes, with how many of their rows it deletes per table:
    /// their rows go with them (or stay with them, when the deletion waits for a user).
    pub(super) deleted_compounds:
        std::collections::HashMap<String, std::collections::HashMap<String, usize>>,
    /// Deleted compounds with a row changed here: the deletion waits for a user.
    pub(super) kept_compounds: HashSet<String>,
}

impl<'a> Applier<'a> {
    pub fn new(conn: &'a Connection, tables: &'a mut Tables, from: Source<'a>) -> Self {
        Self {
            conn,
            tables,
            from,
            applied: Applied::default(),
            touched: HashSet::new(),
            signed_here: HashSet::new(),
            incoming_seals: std::collections::HashMap::new(),
            deleted_compounds: std::collections::HashMap::new(),
            kept_compounds: HashSet::new(),
        }
    }

    /// Applies `changes`, children before parents.
    pub fn apply(mut self, mut changes: Vec<Change>) -> Result<Applied, StoreError> {
        let rank = |table: &str| super::tables::rank(table).unwrap_or(usize::MAX);
        changes.sort_by_key(|c| rank(&c.table));
        super::photo_bytes::fold_carried(self.conn, self.tables, &mut changes)?;
        self.incoming_seals = arriving_seals(self.conn, self.tables, &changes)?;
        if self.from.kind == EntryKind::Snapshot {
            self.signed_here = self.incoming_seals.keys().cloned().collect();
        }
        for change in &changes {
            if change.table == "compound"
                && change.op == Action::SQLITE_DELETE
                && let Some(Some(Value::Text(id))) = change.old.first()
            {
                self.deleted_compounds
                    .insert(id.clone(), Default::default());
            }
        }
        self.check_arriving_strokes(&changes)?;
        if matches!(self.from.kind, EntryKind::Signed | EntryKind::Snapshot) {
            self.drop_rows_not_signed(&changes)?;
        }
        let mut written = Vec::new();
        for change in changes {
            if rank(&change.table) == usize::MAX {
                continue; // not a table that travels
            }
            let table = self.tables.get(self.conn, &change.table)?.clone();
            if change.new.len() > table.columns.len() || change.old.len() > table.columns.len() {
                return Err(StoreError::Invalid(format!(
                    "数据包中的“{}”比本机多出字段：请先升级本机程序",
                    table.spec.label
                )));
            }
            if self.from.echo {
                self.take_back_renumbering(&table, &change)?;
                continue;
            }
            if change.op != Action::SQLITE_DELETE {
                let row = if change.op == Action::SQLITE_INSERT {
                    change.new_row()
                } else {
                    change.old_row()
                };
                if row.len() == table.columns.len() || change.op == Action::SQLITE_UPDATE {
                    let mut row = row;
                    row.resize(table.columns.len(), Value::Null);
                    written.push((table.name.clone(), table.key_of(&row)));
                }
            }
            match change.op {
                Action::SQLITE_INSERT => self.insert(&table, &change)?,
                Action::SQLITE_UPDATE => self.update(&table, &change)?,
                _ => self.delete(&table, &change)?,
            }
        }
        self.sweep_orphans(&written)?;
        self.settle_by_signatures()?;
        Ok(self.applied)
    }

    /// Signatures arriving with strokes off the pad (which the sheet would draw across the
    /// page) refuse the package whole, as the pad refuses them when drawn.
    fn check_arriving_strokes(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let Some(column) = self.tables.get(self.conn, "signature")?.index_of("strokes") else {
            return Ok(());
        };
        for change in changes.iter().filter(|c| c.table == "signature") {
            let drawable = match change.new.get(column) {
                // Unchanged (an update of other columns), or none.
                None | Some(None) | Some(Some(Value::Null)) => true,
                Some(Some(Value::Text(json))) => {
                    serde_json::from_str::<Vec<crate::model::Stroke>>(json)
                        .ok()
                        .is_some_and(|s| crate::model::validate::strokes_on_pad(&s).is_ok())
                }
                Some(Some(_)) => false,
            };
            if !drawable {
                return Err(StoreError::Invalid(format!(
                    "数据包中的签名笔迹超出签名板或无法读取（来自{}），判定为篡改：整个数据包未导入，本机数据未改动。",
                    self.from.origin_name
                )));
            }
        }
        Ok(())
    }

    /// A round that arrived signed decides the conflicts kept in it before: each is settled
    /// as the signed record has it.
    fn settle_by_signatures(&mut self) -> Result<(), StoreError> {
        let by = format!("签字记录为准（{}）", self.from.origin_name);
        let arrived: Vec<String> = self.incoming_seals.keys().cloned().collect();
        for inspection in arrived {
            for found in super::conflicts::conflicts_in_round(self.conn, &inspection)? {
                let now_theirs = found
                    .table
                    .index_of(&found.column)
                    .is_some_and(|c| found.row[c] == found.theirs);
                self.conn.execute_cached(
                    "UPDATE conflict SET resolved_at = ?2, resolution = ?3, resolved_by = ?4
                     WHERE id = ?1",
                    rusqlite::params![
                        found.id,
                        crate::store::now(),
                        if now_theirs { "theirs" } else { "ours" },
                        by
                    ],
                )?;
            }
        }
        Ok(())
    }

    /// Rows the other machine added to a record deleted here (a survey of a compound deleted
    /// here before the survey arrived): the deletion stands, by the link's own rule (the row
    /// goes, or its link is cleared), and the count is said. A signed record's subject comes
    /// with it, so a signed record is never left without one. Only the rows this changeset
    /// wrote are looked at.
    fn sweep_orphans(&mut self, written: &[(String, Vec<Value>)]) -> Result<(), StoreError> {
        for (name, key) in written {
            let table = self.tables.get(self.conn, name)?.clone();
            if table.links.is_empty() {
                continue;
            }
            let Some(row) = table.row(self.conn, key)? else {
                continue;
            };
            for link in &table.links {
                let value = &row[link.column];
                if *value == Value::Null {
                    continue;
                }
                let there: bool = self.conn.query_row_cached(
                    &format!(
                        "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE \"{}\" = ?1)",
                        link.parent, link.parent_column
                    ),
                    [value],
                    |r| r.get(0),
                )?;
                if there {
                    continue;
                }
                let kept = !link.set_null && self.keep_for_deleted_compound(&table, &row, link)?;
                let gone = if link.set_null {
                    table.update(self.conn, key, &[(link.column, Value::Null)])
                } else {
                    table.delete(self.conn, key)
                };
                if gone.is_err() {
                    return Err(missing_parent(&table.name));
                }
                if !kept {
                    self.applied.orphaned += 1;
                }
                self.applied.adjusted = true;
                if !link.set_null {
                    break;
                }
            }
        }
        Ok(())
    }

    /// How `row` of `table` is taken.
    fn weight(&self, table: &Table, row: &[Value]) -> Weight {
        let signed_part = inspection_of(table, row).is_some();
        match self.from.kind {
            EntryKind::Resolution => Weight::Pick,
            EntryKind::Signed if signed_part => Weight::Signed,
            EntryKind::Signed => Weight::IfMissing,
            EntryKind::Snapshot
                if inspection_of(table, row).is_some_and(|i| self.signed_here.contains(&i)) =>
            {
                Weight::Signed
            }
            EntryKind::Edit | EntryKind::Snapshot => Weight::Edit,
        }
    }

    fn insert(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let mut row = change.new_row();
        // A changeset from an older schema has fewer columns: the rest take their defaults.
        row.resize(table.columns.len(), Value::Null);
        let weight = self.weight(table, &row);
        if self.from.stale && weight != Weight::Signed {
            self.applied.had += 1;
            return Ok(());
        }
        let key = table.key_of(&row);
        let Some(current) = table.row(self.conn, &key)? else {
            // A record brought back by a pick older than a later pick that deleted it here.
            if weight == Weight::Pick && !self.latest_whole_row_pick(table, &key)? {
                return Ok(());
            }
            self.renumber_round(table, &mut row)?;
            // A new part of a record signed here: refused by the applier itself (the file's
            // locks say the same, but a file's triggers are not all a seal rests on).
            if self.sealed_here(table, &row)?.is_some() {
                if weight == Weight::Signed {
                    return self.signed_elsewhere(table, &row, &row);
                }
                self.applied.stale += 1;
                return Ok(());
            }
            match table.insert(self.conn, &row) {
                Ok(()) if matches!(table.name.as_str(), "compound" | "cluster") => {
                    self.offer_merge(table, &row)?;
                }
                Ok(()) => {}
                // A part of a record signed here.
                Err(StoreError::ReadOnlyRecord(_)) if weight == Weight::Signed => {
                    return self.signed_elsewhere(table, &row, &row);
                }
                Err(StoreError::ReadOnlyRecord(_)) => self.applied.stale += 1,
                Err(e) => return Err(e),
            }
            return Ok(());
        };
        if weight == Weight::IfMissing {
            return Ok(());
        }
        let differing: Vec<usize> = (0..table.columns.len())
            .filter(|&c| !table.is_bookkeeping(c) && current[c] != row[c])
            .collect();
        if differing.is_empty() {
            self.applied.unchanged += 1;
        }
        if self.sealed_here(table, &current)?.is_some() {
            match (differing.is_empty(), weight) {
                (true, _) => {}
                (false, Weight::Signed) => return self.signed_elsewhere(table, &current, &row),
                (false, _) => self.applied.stale += 1,
            }
            return Ok(());
        }
        let sets: Vec<(usize, Value)> = differing.iter().map(|&c| (c, row[c].clone())).collect();
        match weight {
            Weight::Pick => {
                // Every field the pick names (the same ones too: it settles them here).
                let named = (0..table.columns.len())
                    .filter(|&c| !table.is_bookkeeping(c) && !table.pk[c])
                    .map(|c| (c, row[c].clone()))
                    .collect();
                self.force(table, &key, &current, named)
            }
            Weight::Signed => self.supersede(table, &key, &current, sets),
            Weight::Edit | Weight::IfMissing => {
                for (c, theirs) in sets {
                    self.conflict(table, &current, c, current[c].clone(), theirs)?;
                }
                Ok(())
            }
        }
    }

    fn update(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let key: Vec<Value> = change
            .old
            .iter()
            .zip(&table.pk)
            .filter(|(_, pk)| **pk)
            .map(|(v, _)| v.clone().unwrap_or(Value::Null))
            .collect();
        let Some(mut current) = table.row(self.conn, &key)? else {
            let deleted =
                crate::store::tombstones::deleted_here(self.conn, &table.name, &key_text(&key))?;
            if self.from.kind != EntryKind::Resolution && deleted {
                // Deleted here, changed there (a row this file never had is not its business).
                let theirs = changed_fields(table, change);
                self.keep_change_to_deleted(table, &key, change, theirs)?;
            }
            return Ok(());
        };
        // A survey round's number is the office's: a laptop takes it whatever it had (it may
        // have moved the round out of the way of another meanwhile), and whichever round holds
        // that number here moves on.
        if !self.from.at_office
            && table.name == "survey"
            && let Some(r) = table.index_of("round")
            && let Some(Some(round)) = change.new.get(r)
            && current[r] != *round
        {
            self.take_round_number(table, &current, round)?;
            current[r] = round.clone();
        }
        let named: Vec<(usize, Value)> = change
            .new
            .iter()
            .enumerate()
            .filter(|(c, _)| *c < current.len())
            .filter_map(|(c, v)| v.clone().map(|v| (c, v)))
            .collect();
        let content_changes = named
            .iter()
            .any(|(c, v)| !table.is_bookkeeping(*c) && current[*c] != *v);
        if self.sealed_here(table, &current)?.is_some() {
            if content_changes {
                self.applied.stale += 1;
            }
            return Ok(());
        }
        if self.weight(table, &current) == Weight::Pick {
            let named = named
                .into_iter()
                .filter(|(c, _)| !table.is_bookkeeping(*c))
                .collect();
            return self.force(table, &key, &current, named);
        }
        let mut sets = Vec::new();
        let mut content = false;
        for (c, new) in named {
            if current[c] == new {
                continue;
            }
            let old = change.old.get(c).cloned().flatten();
            if old.as_ref() == Some(&current[c]) {
                content |= !table.is_bookkeeping(c);
                sets.push((c, new));
            } else if !table.is_bookkeeping(c) {
                self.conflict(table, &current, c, current[c].clone(), new)?;
            }
        }
        if !content {
            return Ok(()); // only when it changed: nothing of substance to take
        }
        table.update(self.conn, &key, &sets)
    }

    fn delete(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let old = change.old_row();
        let key = table.key_of(&old);
        let Some(current) = table.row(self.conn, &key)? else {
            return Ok(()); // gone here too
        };
        let pick = self.from.kind == EntryKind::Resolution;
        // A deletion picked before a later pick that kept the record here.
        if pick && !self.latest_whole_row_pick(table, &key)? {
            return Ok(());
        }
        let sealed = self.sealed_here(table, &current)?.is_some();
        let changed_here = (0..table.columns.len().min(old.len()))
            .any(|c| !table.is_bookkeeping(c) && current[c] != old[c]);
        if table.name != "compound"
            && let Some(compound) = compound_of(self.conn, table, &current)?
            && let Some(deleting) = self.deleted_compounds.get_mut(&compound)
        {
            // A row of a compound this changeset deletes: it goes with its compound, or stays
            // with it when the compound's deletion waits for a user (or cannot be, holding a
            // signed record): the compound's conflict says so, once, not each of its rows.
            *deleting.entry(table.name.clone()).or_default() += 1;
            if changed_here || sealed {
                self.kept_compounds.insert(compound);
            }
            return Ok(());
        }
        if sealed {
            // A signed record is never deleted; the other machine gets it back if a user
            // keeps it here.
            if !pick {
                self.whole_row_conflict(table, &key, Some(&current), Value::Null, true)?;
            }
            return Ok(());
        }
        let changed_here = changed_here
            || (table.name == "compound" && self.compound_grew_here(&key)?)
            || (table.name == "cluster" && self.cluster_holds_rows_here(&key)?);
        let holds_a_conflict = compound_of(self.conn, table, &current)?
            .is_some_and(|compound| self.touched.contains(&compound));
        if !pick && (changed_here || holds_a_conflict) {
            // Changed here (or a part of it is in conflict), deleted there: a user decides.
            return self.whole_row_conflict(table, &key, Some(&current), Value::Null, false);
        }
        match table.delete(self.conn, &key) {
            // Its deletion would take a signed record with it (a compound with a signed
            // inspection): it stays, and a user keeps it.
            Err(StoreError::ReadOnlyRecord(_)) if !pick => {
                self.whole_row_conflict(table, &key, Some(&current), Value::Null, true)
            }
            Err(StoreError::ReadOnlyRecord(_)) => {
                self.applied.stale += 1;
                Ok(())
            }
            other => other,
        }
    }

    /// The seal of the signed record a row belongs to here, if it is signed.
    pub(super) fn sealed_here(
        &self,
        table: &Table,
        current: &[Value],
    ) -> Result<Option<String>, StoreError> {
        let Some(inspection) = inspection_of(table, current) else {
            return Ok(None);
        };
        Ok(self
            .conn
            .query_row_cached(
                "SELECT coalesce(seal, (SELECT seal FROM seal_log l WHERE l.inspection_id = i.id
                                         ORDER BY seq DESC LIMIT 1))
                 FROM inspection i WHERE id = ?1",
                [&inspection],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// A signed record arriving different from the one signed here, under the same id: it is
    /// tampering (or the same round signed twice, which no signed record may undo): the
    /// package is refused whole, naming both codes.
    fn signed_elsewhere(
        &mut self,
        table: &Table,
        current: &[Value],
        _theirs: &[Value],
    ) -> Result<(), StoreError> {
        let code = |seal: &str| crate::model::signoff::short_code(seal);
        let ours = self.sealed_here(table, current)?.unwrap_or_default();
        let inspection = inspection_of(table, current).unwrap_or_default();
        let codes = match self.incoming_seals.get(&inspection) {
            Some(seal) if *seal != ours => {
                format!("本机校验码 {}，数据包中为 {}", code(&ours), code(seal))
            }
            _ => format!("校验码同为 {}", code(&ours)),
        };
        Err(StoreError::Invalid(format!(
            "数据包中的{}与本机已签字锁定的记录内容不同（{codes}），判定为篡改：整个数据包未导入，本机数据未改动。请与{}核对；确需更正的，请在签字的电脑上“更正（新建一轮）”。",
            record_label(self.conn, table, current)?,
            self.from.origin_name
        )))
    }
}

/// A package whose rows lack what they belong to, which this file cannot settle.
pub(super) fn missing_parent(table: &str) -> StoreError {
    StoreError::Invalid(format!(
        "数据包不完整：其中的{}缺少它所属的记录（可能漏导了更早的数据包）。整个数据包未导入，本机数据未改动。",
        super::tables::find(table).map_or("记录", |t| t.label)
    ))
}

/// The seals the changes bring for inspections (an inspection arriving signed, or signed off).
fn arriving_seals(
    conn: &Connection,
    tables: &mut Tables,
    changes: &[Change],
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    let table = tables.get(conn, "inspection")?.clone();
    let (Some(id), Some(seal)) = (table.index_of("id"), table.index_of("seal")) else {
        return Ok(std::collections::HashMap::new());
    };
    Ok(changes
        .iter()
        .filter(|c| c.table == "inspection" && c.op != Action::SQLITE_DELETE)
        .filter_map(|c| {
            let key = c
                .new
                .get(id)
                .cloned()
                .flatten()
                .or_else(|| c.old.get(id).cloned().flatten());
            match (key, c.new.get(seal)) {
                (Some(Value::Text(id)), Some(Some(Value::Text(seal)))) => Some((id, seal.clone())),
                _ => None,
            }
        })
        .collect())
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
                    table.spec.column_label(column).unwrap_or(column),
                    value_text(v)
                )
            })
        })
        .collect::<Vec<_>>()
        .join("；")
}
