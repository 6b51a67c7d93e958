//! Changes that arrive for a record this file deleted. Had they arrived before the deletion,
//! the deletion would wait for a user (the record changed here meanwhile); arriving after it,
//! they wait for the same choice: the conflict on the deleted record keeps what the other
//! machine did to it (`TheirSide`: its values, the rows it added, the changes to its other
//! rows), so that picking that side brings the record back with all of it
//! (`conflicts::bring_back_deleted`). A record's rows are gathered on its compound where the
//! compound went too; a row deleted on its own keeps its own conflict. The other way round, a
//! deletion that arrives for a compound or cluster that grew here since waits for a user.

use rusqlite::OptionalExtension;
use rusqlite::types::Value;

use super::apply::Applier;
use super::changeset::Change;
use super::restore::{deleted_compound_of, deleted_row};
use super::rows::{Link, Named, Table, TheirSide, key_from_text, key_text, set_named};
use super::tables::TRAVELLING;
use crate::model::sync::EntryKind;
use crate::store::StoreError;
use crate::store::cached::Cached as _;

impl Applier<'_> {
    /// An update to a row deleted here: gathered where its record's conflict is (a row the
    /// other machine added to a compound deleted here, a row of such a compound), else kept on
    /// a conflict of its own, with its values.
    pub(super) fn keep_change_to_deleted(
        &mut self,
        table: &Table,
        key: &[Value],
        change: &Change,
        words: String,
    ) -> Result<(), StoreError> {
        let sets: Named = change
            .new
            .iter()
            .enumerate()
            .filter_map(|(c, v)| Some((table.columns.get(c)?.clone(), v.clone()?)))
            .collect();
        let row_key = key_text(key);
        // A row added there to a compound deleted here: it takes the change.
        if let Some((compound, mut side)) = self.holding_addition(&table.name, &row_key)? {
            for (name, values) in &mut side.add {
                if *name == table.name && table.key_of(&table.row_from_named(values)) == key {
                    set_named(values, &sets);
                }
            }
            return self.write_side("compound", &compound, &side);
        }
        // A row of a compound deleted here with it: the compound's conflict takes the change.
        if table.name != "compound"
            && let Some(compound) = deleted_compound_of(self.conn, table, key)?
        {
            let (compound, mut side) = self.conflict_on_compound(&compound, words)?;
            match side
                .changed
                .iter_mut()
                .find(|(t, k, _)| *t == table.name && *k == row_key)
            {
                Some((_, _, values)) => set_named(values, &sets),
                None => side.changed.push((table.name.clone(), row_key, sets)),
            }
            return self.write_side("compound", &compound, &side);
        }
        // A record deleted here on its own (or a compound): its own conflict, with the values
        // where its last content is known here (else it can only stay deleted).
        self.whole_row_conflict(table, key, None, Value::Text(words), false)?;
        if deleted_row(self.conn, table, key)?.is_none() {
            return Ok(());
        }
        let mut side = self.side_on(&table.name, &row_key)?;
        set_named(&mut side.set, &sets);
        self.write_side(&table.name, &row_key, &side)
    }

    /// A row that arrives for a compound this file deleted (its parent, by `link`, is gone
    /// here): kept, with the rows under it, in the conflict on the deleted compound, so that
    /// picking the other side brings the compound back with it, as when the deletion arrives
    /// second. Whether it was kept so (else the deletion stands and the row is not taken).
    pub(super) fn keep_for_deleted_compound(
        &mut self,
        table: &Table,
        row: &[Value],
        link: &Link,
    ) -> Result<bool, StoreError> {
        if self.from.kind == EntryKind::Resolution {
            return Ok(false); // a pick: the deletion it made stands
        }
        let parent_table = self.tables.get(self.conn, &link.parent)?.clone();
        let parent_key = vec![row[link.column].clone()];
        let compound = if parent_table.name == "compound" {
            parent_key.first().cloned()
        } else if let Some((compound, _)) =
            self.holding_addition(&parent_table.name, &key_text(&parent_key))?
        {
            // Under a row the other machine added to the deleted compound (a photo of its
            // new round).
            key_from_text(&compound)?.into_iter().next()
        } else {
            deleted_compound_of(self.conn, &parent_table, &parent_key)?.map(Value::Text)
        };
        let Some(Value::Text(compound)) = compound else {
            return Ok(false);
        };
        let compound_table = self.tables.get(self.conn, "compound")?.clone();
        let compound_key = vec![Value::Text(compound.clone())];
        if compound_table.row(self.conn, &compound_key)?.is_some()
            || deleted_row(self.conn, &compound_table, &compound_key)?.is_none()
        {
            return Ok(false);
        }
        let mut added = Vec::new();
        self.with_rows_under(table, row, &mut added)?;
        let words = format!("对方新增了{}", table.spec.label);
        let (compound, mut side) = self.conflict_on_compound(&compound, words)?;
        for (name, values) in added {
            // Not twice (a row that arrived again in a later change).
            let t = self.tables.get(self.conn, &name)?.clone();
            let this = t.key_of(&t.row_from_named(&values));
            side.add
                .retain(|(n, v)| !(*n == name && t.key_of(&t.row_from_named(v)) == this));
            side.add.push((name, values));
        }
        self.write_side("compound", &compound, &side)?;
        Ok(true)
    }

    /// The open conflict on compound `id`, deleted here (kept, or made, saying `words`): its
    /// key as the conflict writes it, and what it keeps of the other side.
    fn conflict_on_compound(
        &mut self,
        id: &str,
        words: String,
    ) -> Result<(String, TheirSide), StoreError> {
        let key = vec![Value::Text(id.to_owned())];
        let compound_table = self.tables.get(self.conn, "compound")?.clone();
        self.whole_row_conflict(&compound_table, &key, None, Value::Text(words), false)?;
        let key = key_text(&key);
        let side = self.side_on("compound", &key)?;
        Ok((key, side))
    }

    /// `row` of `table` and the rows here under it (by their links), parents first.
    fn with_rows_under(
        &mut self,
        table: &Table,
        row: &[Value],
        into: &mut Vec<(String, Vec<(String, Value)>)>,
    ) -> Result<(), StoreError> {
        into.push((table.name.clone(), table.named(row)));
        for child in TRAVELLING.iter().map(|t| t.name) {
            let child_table = self.tables.get(self.conn, child)?.clone();
            for link in child_table.links.iter().filter(|l| l.parent == table.name) {
                let Some(p) = table.index_of(&link.parent_column) else {
                    continue;
                };
                let column = &child_table.columns[link.column];
                let rows: Vec<Vec<Value>> = self
                    .conn
                    .prepare_cached(&format!(
                        "SELECT {} FROM \"{child}\" WHERE \"{column}\" = ?1",
                        child_table.column_list()
                    ))?
                    .query_map([&row[p]], |r| {
                        (0..child_table.columns.len())
                            .map(|i| r.get::<_, Value>(i))
                            .collect()
                    })?
                    .collect::<Result<_, _>>()?;
                for child_row in rows {
                    self.with_rows_under(&child_table, &child_row, into)?;
                }
            }
        }
        Ok(())
    }

    /// The open conflict on a deleted compound whose other side added the row `row_key` of
    /// `table`: the compound's key (as the conflict writes it) and that side.
    fn holding_addition(
        &self,
        table: &str,
        row_key: &str,
    ) -> Result<Option<(String, TheirSide)>, StoreError> {
        let first: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(row_key)
            .ok()
            .and_then(|k| k.first().and_then(|v| v.as_str().map(str::to_owned)))
            .into_iter()
            .collect();
        let Some(probe) = first.first() else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT row_key, theirs_values FROM conflict
             WHERE table_name = 'compound' AND column_name = '*' AND resolved_at IS NULL
               AND theirs_values IS NOT NULL AND instr(theirs_values, ?1) > 0",
        )?;
        let candidates: Vec<(String, String)> = stmt
            .query_map([probe], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (compound, values) in candidates {
            let side = TheirSide::from_json(&values)?;
            let holds = side.add.iter().any(|(name, values)| {
                name == table
                    && values
                        .iter()
                        .any(|(_, v)| matches!(v, Value::Text(t) if t == probe))
            });
            if holds {
                return Ok(Some((compound, side)));
            }
        }
        Ok(None)
    }

    /// What the open conflict on row `row_key` of `table` keeps of the other side.
    fn side_on(&self, table: &str, row_key: &str) -> Result<TheirSide, StoreError> {
        let text: Option<Option<String>> = self
            .conn
            .query_row_cached(
                "SELECT theirs_values FROM conflict WHERE table_name = ?1 AND row_key = ?2
                     AND column_name = '*' AND resolved_at IS NULL",
                (table, row_key),
                |r| r.get(0),
            )
            .optional()?;
        match text.flatten() {
            Some(text) => TheirSide::from_json(&text),
            None => Ok(TheirSide::default()),
        }
    }

    fn write_side(&self, table: &str, row_key: &str, side: &TheirSide) -> Result<(), StoreError> {
        self.conn.execute_cached(
            "UPDATE conflict SET theirs_values = ?3 WHERE table_name = ?1 AND row_key = ?2
                 AND column_name = '*' AND resolved_at IS NULL",
            (table, row_key, side.to_json()),
        )?;
        Ok(())
    }
}

/// Deletions that arrive for records that grew here since.
impl Applier<'_> {
    /// Whether a compound this changeset deletes has a row changed or added here since the
    /// other machine had it.
    pub(super) fn compound_grew_here(&self, key: &[Value]) -> Result<bool, StoreError> {
        let Some(Value::Text(id)) = key.first() else {
            return Ok(false);
        };
        if self.kept_compounds.contains(id) {
            return Ok(true);
        }
        let Ok(compound) = id.parse() else {
            return Ok(false);
        };
        let deleting = self.deleted_compounds.get(id);
        for spec in TRAVELLING.iter().filter(|t| t.holds_compound_rows()) {
            let table = spec.name;
            let filter = super::rows::snapshot_filter(spec, super::Rows::Compound(compound));
            let here: i64 = self.conn.query_row_cached(
                &format!("SELECT count(*) FROM \"{table}\" WHERE {filter}"),
                rusqlite::named_params! { ":town": None::<String>, ":key": id },
                |r| r.get(0),
            )?;
            let there = deleting.and_then(|d| d.get(table)).copied().unwrap_or(0);
            if here as usize > there {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether anything still belongs to a cluster whose deletion arrives: what the deleting
    /// machine had of it went first in the same change (moved by a merge, or deleted), so a
    /// member compound, survey, acceptance round or funding left is one added here since;
    /// deleting the cluster would take it along (or, for a compound, its place in the
    /// cluster).
    pub(super) fn cluster_holds_rows_here(&self, key: &[Value]) -> Result<bool, StoreError> {
        let Some(Value::Text(id)) = key.first() else {
            return Ok(false);
        };
        Ok(self.conn.query_row_cached(
            "SELECT EXISTS (SELECT 1 FROM compound WHERE cluster_id = ?1)
                 OR EXISTS (SELECT 1 FROM cluster_survey WHERE cluster_id = ?1)
                 OR EXISTS (SELECT 1 FROM inspection WHERE cluster_id = ?1)
                 OR EXISTS (SELECT 1 FROM funding WHERE cluster_id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }
}
