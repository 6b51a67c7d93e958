//! Keeping what a user must settle (conflicts, look-alikes), settling what a pick or a
//! signature decides (rows that clash by what they are: `natural_keys.rs`).

use std::collections::HashSet;

use rusqlite::OptionalExtension;
use rusqlite::hooks::Action;
use rusqlite::types::Value;

use super::apply::Applier;
use super::changeset::Change;
use super::rows::{Table, compound_of, inspection_of, key_text, record_label};
use crate::store::cached::Cached as _;
use crate::store::{StoreError, now};

impl Applier<'_> {
    /// Whether a pick on a whole row (bringing it back, or deleting it) is the latest one on
    /// that row here; if so it is remembered as such. Picks are ordered by when, then by whom
    /// and which change, wherever they travelled through.
    pub(super) fn latest_whole_row_pick(
        &self,
        table: &Table,
        key: &[Value],
    ) -> Result<bool, StoreError> {
        let (first_origin, first_seq) = self.from.first;
        let stamp = format!("{}|{first_origin}|{first_seq:012}", self.from.made_at);
        let row_key = key_text(key);
        let later: Option<String> = self
            .conn
            .query_row_cached(
                "SELECT stamp FROM resolution_stamp
                 WHERE table_name = ?1 AND row_key = ?2 AND column_name = '*'",
                (&table.name, &row_key),
                |r| r.get(0),
            )
            .optional()?;
        if later.is_some_and(|l| l >= stamp) {
            return Ok(false);
        }
        self.conn.execute_cached(
            "INSERT INTO resolution_stamp (table_name, row_key, column_name, stamp)
             VALUES (?1, ?2, '*', ?3)
             ON CONFLICT DO UPDATE SET stamp = excluded.stamp",
            (&table.name, &row_key, &stamp),
        )?;
        Ok(true)
    }

    /// A user's pick from another machine: it replaces what is here unless a later pick on the
    /// same field was taken here already, and closes the same conflict here.
    pub(super) fn force(
        &mut self,
        table: &Table,
        key: &[Value],
        current: &[Value],
        sets: Vec<(usize, Value)>,
    ) -> Result<(), StoreError> {
        // Picks are ordered by when, then by whom and which change (two in one millisecond).
        let (first_origin, first_seq) = self.from.first;
        let stamp = format!("{}|{first_origin}|{first_seq:012}", self.from.made_at);
        let row_key = key_text(key);
        let mut taken = Vec::new();
        for (c, value) in sets {
            let column = &table.columns[c];
            let later: Option<String> = self
                .conn
                .query_row_cached(
                    "SELECT stamp FROM resolution_stamp
                     WHERE table_name = ?1 AND row_key = ?2 AND column_name = ?3",
                    (&table.name, &row_key, column),
                    |r| r.get(0),
                )
                .optional()?;
            if later.is_some_and(|l| l >= stamp) {
                continue;
            }
            self.conn.execute_cached(
                "INSERT INTO resolution_stamp (table_name, row_key, column_name, stamp)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET stamp = excluded.stamp",
                (&table.name, &row_key, column, &stamp),
            )?;
            self.conn.execute_cached(
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
        table.update(self.conn, key, &taken)
    }

    /// A record as signed replaces what was changed here before it was signed; the values it
    /// replaces stay in the conflict list, settled by the signature.
    pub(super) fn supersede(
        &mut self,
        table: &Table,
        key: &[Value],
        current: &[Value],
        sets: Vec<(usize, Value)>,
    ) -> Result<(), StoreError> {
        if sets.is_empty() {
            return Ok(());
        }
        let row_key = key_text(key);
        let compound = compound_of(self.conn, table, current)?;
        let record = record_label(self.conn, table, current)?;
        let by = format!("签字记录为准（{}）", self.from.origin_name);
        for (c, theirs) in &sets {
            if table.is_bookkeeping(*c) {
                continue;
            }
            let column = &table.columns[*c];
            let closed = self.conn.execute_cached(
                "UPDATE conflict SET resolved_at = ?4, resolution = 'theirs', resolved_by = ?5
                 WHERE table_name = ?1 AND row_key = ?2 AND column_name = ?3
                   AND resolved_at IS NULL",
                (&table.name, &row_key, column, now(), &by),
            )?;
            // What the signing itself writes, or a field empty here, was not changed here.
            let signing = matches!(
                column.as_str(),
                "signed_off_at"
                    | "seal"
                    | "seal_version"
                    | "sealed_header"
                    | "sealed_by"
                    | "seal_key"
                    | "seal_signature"
            );
            if closed == 0 && (signing || current[*c] == Value::Null) {
                continue;
            }
            if closed == 0 {
                self.conn.execute_cached(
                    "INSERT INTO conflict (id, table_name, row_key, compound_id, record,
                         column_name, ours, theirs, origin, origin_name, seq, their_time,
                         package_id, detected_at, resolved_at, resolution, resolved_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14,
                             'theirs', ?15)",
                    rusqlite::params![
                        crate::model::ConflictId::new(),
                        table.name,
                        row_key,
                        compound,
                        record,
                        column,
                        current[*c],
                        theirs,
                        self.from.origin,
                        self.from.origin_name,
                        self.from.seq,
                        self.from.made_at,
                        self.from.package_id,
                        now(),
                        by
                    ],
                )?;
            }
            self.applied.superseded += 1;
        }
        self.applied.adjusted = true;
        table.update(self.conn, key, &sets)
    }

    /// A round arriving signed that is not signed here: rows this file added to it that the
    /// signed record does not hold (a photo added here meanwhile) would make its seal fail, so
    /// they go, each kept in the conflict list as settled by the signature.
    pub(super) fn drop_rows_not_signed(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let arriving: Vec<String> = self.incoming_seals.keys().cloned().collect();
        for inspection in arriving {
            let sealed: Option<bool> = self
                .conn
                .query_row_cached(
                    "SELECT seal IS NOT NULL FROM inspection WHERE id = ?1",
                    [&inspection],
                    |r| r.get(0),
                )
                .optional()?;
            if sealed != Some(false) {
                continue; // not here yet, or signed here: the seal checks decide
            }
            let mut brought = HashSet::new();
            for c in changes.iter().filter(|c| c.op == Action::SQLITE_INSERT) {
                let table = self.tables.get(self.conn, &c.table)?.clone();
                let row = c.new_row();
                if inspection_of(&table, &row).as_deref() == Some(inspection.as_str()) {
                    brought.insert((table.name.clone(), key_text(&table.key_of(&row))));
                }
            }
            for name in super::tables::round_parts().map(|t| t.name) {
                let table = self.tables.get(self.conn, name)?.clone();
                let keys: Vec<String> = table
                    .columns
                    .iter()
                    .zip(&table.pk)
                    .filter(|(_, pk)| **pk)
                    .map(|(c, _)| format!("\"{c}\""))
                    .collect();
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT {} FROM \"{name}\" WHERE inspection_id = ?1",
                    keys.join(", ")
                ))?;
                let here: Vec<Vec<Value>> = stmt
                    .query_map([&inspection], |r| {
                        (0..keys.len()).map(|i| r.get::<_, Value>(i)).collect()
                    })?
                    .collect::<Result<_, _>>()?;
                for key in here {
                    if brought.contains(&(name.to_owned(), key_text(&key))) {
                        continue;
                    }
                    if let Some(row) = table.row(self.conn, &key)? {
                        self.settled_by_signature(&table, &key, &row)?;
                    }
                    table.delete(self.conn, &key)?;
                    self.applied.superseded += 1;
                    self.applied.adjusted = true;
                }
            }
        }
        Ok(())
    }

    /// A row added here to a round that arrived signed without it: kept in the conflict list
    /// as settled by the signature.
    pub(super) fn settled_by_signature(
        &mut self,
        table: &Table,
        key: &[Value],
        row: &[Value],
    ) -> Result<(), StoreError> {
        let record = record_label(self.conn, table, row)?;
        let compound = compound_of(self.conn, table, row)?;
        self.conn.execute_cached(
            "INSERT INTO conflict (id, table_name, row_key, compound_id, record, column_name,
                 ours, theirs, origin, origin_name, seq, their_time, package_id, detected_at,
                 resolved_at, resolution, resolved_by)
             VALUES (?1, ?2, ?3, ?4, ?5, '*', ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?12,
                     'theirs', ?13)",
            rusqlite::params![
                crate::model::ConflictId::new(),
                table.name,
                key_text(key),
                compound,
                record,
                "本机新增（签字记录中没有，已移除）",
                self.from.origin,
                self.from.origin_name,
                self.from.seq,
                self.from.made_at,
                self.from.package_id,
                now(),
                format!("签字记录为准（{}）", self.from.origin_name)
            ],
        )?;
        Ok(())
    }

    /// Keeps both values of a field for a user to pick.
    pub(super) fn conflict(
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
            false,
        )
    }

    /// Deleted on one side, changed on the other: the whole row waits for a user. With
    /// `only_ours`, this file's row cannot go (it is, or holds, a signed record): the user can
    /// only keep it, and it travels back.
    pub(super) fn whole_row_conflict(
        &mut self,
        table: &Table,
        key: &[Value],
        current: Option<&[Value]>,
        theirs: Value,
        only_ours: bool,
    ) -> Result<(), StoreError> {
        let (compound, record, ours) = match current {
            Some(row) => (
                compound_of(self.conn, table, row)?,
                record_label(self.conn, table, row)?,
                Value::Text(if only_ours {
                    "本机保留（含已签字记录，不能删除）".to_owned()
                } else {
                    "本机已修改（对方已删除）".to_owned()
                }),
            ),
            // Named as it was when deleted here, as it is named when the deletion arrives
            // second (the same record either way).
            None => (
                None,
                match super::restore::deleted_row(self.conn, table, key)? {
                    Some(row) => record_label(self.conn, table, &row)?,
                    None => format!("{}（本机已删除）", table.spec.label),
                },
                Value::Null,
            ),
        };
        let theirs = match theirs {
            Value::Null => Value::Text("删除".to_owned()),
            other => other,
        };
        let whole = crate::model::merge_policy::Conflicted::WHOLE_RECORD;
        self.keep(
            table, key, compound, &record, whole, ours, theirs, only_ours,
        )
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
        only_ours: bool,
    ) -> Result<(), StoreError> {
        let row_key = key_text(key);
        // The same conflict still open is not kept twice; its other side is brought up to date.
        let open: Option<String> = self
            .conn
            .query_row_cached(
                "SELECT id FROM conflict WHERE table_name = ?1 AND row_key = ?2
                     AND column_name = ?3 AND resolved_at IS NULL",
                (&table.name, &row_key, column),
                |r| r.get(0),
            )
            .optional()?;
        match open {
            Some(id) => {
                self.conn.execute_cached(
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
                self.conn.execute_cached(
                    "INSERT INTO conflict (id, table_name, row_key, compound_id, record,
                         column_name, ours, theirs, origin, origin_name, seq, their_time,
                         package_id, detected_at, only_ours)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                    rusqlite::params![
                        crate::model::ConflictId::new(),
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
                        now(),
                        only_ours
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

    /// A compound that arrives with the name, town and address of one already here, or a
    /// cluster with the name and town (and plan year, where both give one) of one: both are
    /// kept, and a user is offered to merge them.
    pub(super) fn offer_merge(&mut self, table: &Table, row: &[Value]) -> Result<(), StoreError> {
        let get = |c: &str| {
            table
                .index_of(c)
                .map(|i| row[i].clone())
                .unwrap_or(Value::Null)
        };
        let twin: Option<String> = if table.name == "cluster" {
            // Same name in the same town; the same plan year where both give one.
            self.conn.query_row_cached(
                "SELECT id FROM cluster WHERE name = ?1 AND town_id IS ?2
                     AND (plan_year IS NULL OR ?3 IS NULL OR plan_year = ?3) AND id <> ?4
                 ORDER BY created_at LIMIT 1",
                (get("name"), get("town_id"), get("plan_year"), get("id")),
                |r| r.get(0),
            )
        } else {
            self.conn.query_row_cached(
                "SELECT id FROM compound WHERE name = ?1 AND town_id IS ?2 AND address = ?3
                     AND id <> ?4 AND is_sample = 0
                 ORDER BY created_at LIMIT 1",
                (get("name"), get("town_id"), get("address"), get("id")),
                |r| r.get(0),
            )
        }
        .optional()?;
        let (Some(kept), Value::Text(other)) = (twin, get("id")) else {
            return Ok(());
        };
        self.offer_duplicate(&kept, &other)
    }

    /// Offers `other` (just arrived) and `kept` (here first) to a user for merging.
    fn offer_duplicate(&mut self, kept: &str, other: &str) -> Result<(), StoreError> {
        self.conn.execute_cached(
            "INSERT INTO duplicate (id, kept, other, package_id, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (
                crate::model::LookAlikeId::new(),
                kept,
                other,
                self.from.package_id,
                now(),
            ),
        )?;
        self.applied.duplicates += 1;
        Ok(())
    }
}
