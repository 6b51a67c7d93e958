//! Applying one changeset from another machine, row by row, children before parents: the
//! checks on the changeset as a whole (signatures' strokes, arriving seals, rows a signed
//! record does not have), each row taken as the merge policy decides (`take.rs`, the policy
//! itself in `model/merge_policy.rs`), then the rows left without what they belong to and the
//! conflicts a signature settles. The keeping of conflicts is in `keep.rs`, the rows that clash
//! by what they are rather than by id (survey rounds, route stops) in `natural_keys.rs`.

use std::collections::HashSet;

use rusqlite::hooks::Action;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::changeset::Change;
use super::rows::{Table, Tables, inspection_of, record_label};
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
    pub(super) signed_here: HashSet<String>,
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
                return Err(StoreError::refused(format!(
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
                return Err(StoreError::refused(format!(
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
    pub(super) fn signed_elsewhere(
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
        Err(StoreError::refused(format!(
            "数据包中的{}与本机已签字锁定的记录内容不同（{codes}），判定为篡改：整个数据包未导入，本机数据未改动。请与{}核对；确需更正的，请在签字的电脑上“更正（新建一轮）”。",
            record_label(self.conn, table, current)?,
            self.from.origin_name
        )))
    }
}

/// A package whose rows lack what they belong to, which this file cannot settle.
pub(super) fn missing_parent(table: &str) -> StoreError {
    StoreError::refused(format!(
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
