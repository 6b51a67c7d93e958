//! Rows that clash by what they are rather than by their id (a natural key), made on two
//! machines: two survey rounds N of one compound (numbered at the office in the order they were
//! begun, followed by the laptops, and undone when the office's word comes back), and rows of a
//! table with a natural key in the registry (a route stop, a quarter's score, a rectification:
//! one row, the one made first, everywhere).

use rusqlite::OptionalExtension;
use rusqlite::hooks::Action;
use rusqlite::types::Value;

use super::apply::Applier;
use super::changeset::Change;
use super::rows::{Table, next_survey_round, record_label, survey_round_taken, value_text};
use crate::store::StoreError;
use crate::store::cached::Cached as _;

impl Applier<'_> {
    /// A row arriving (whole, or changed onto another's place) that has the natural key of a
    /// row here under another id (`Travelling::natural_key`: one compound's stop on one month's
    /// route, one unit's score in one quarter, one item's rectification): the two are one. The
    /// one made first (ids are made from the time) stays, on every machine whatever order the
    /// packages come in; the other goes, its content said in the import's notes so nothing is
    /// lost without a word. Whether the arriving one is the one that goes (then it is not
    /// written).
    pub(super) fn same_natural_key(
        &mut self,
        table: &Table,
        row: &[Value],
    ) -> Result<bool, StoreError> {
        let key = table.spec.natural_key;
        let (false, Some(i)) = (key.is_empty(), table.index_of("id")) else {
            return Ok(false);
        };
        let Some(columns) = key
            .iter()
            .map(|k| table.index_of(k))
            .collect::<Option<Vec<usize>>>()
        else {
            return Ok(false);
        };
        let condition = key
            .iter()
            .enumerate()
            .map(|(n, k)| format!("\"{k}\" IS ?{}", n + 2))
            .collect::<Vec<_>>()
            .join(" AND ");
        let values = std::iter::once(&row[i]).chain(columns.iter().map(|c| &row[*c]));
        let here: Option<Vec<Value>> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM \"{}\" WHERE id IS NOT ?1 AND {condition}",
                table.column_list(),
                table.name
            ))?
            .query_row(rusqlite::params_from_iter(values), |r| {
                (0..table.columns.len()).map(|c| r.get(c)).collect()
            })
            .optional()?;
        let Some(here) = here else {
            return Ok(false);
        };
        let arriving_first = match (&row[i], &here[i]) {
            (Value::Text(arriving), Value::Text(here)) => arriving < here,
            _ => false,
        };
        let (kept, gone) = if arriving_first {
            (row, here.as_slice())
        } else {
            (&here[..], row)
        };
        let content: Vec<String> = (0..table.columns.len())
            .filter(|&c| {
                c != i && !table.is_bookkeeping(c) && !columns.contains(&c) && gone[c] != kept[c]
            })
            .map(|c| {
                let column = &table.columns[c];
                let label = table.spec.column_label(column).unwrap_or(column);
                format!("{label}：{}", value_text(&gone[c]))
            })
            .collect();
        self.applied.adjusted = true;
        self.applied.notes.push(format!(
            "本机与{}都登记了{}，保留先登记的一条{}",
            self.from.origin_name,
            record_label(self.conn, table, kept)?,
            if content.is_empty() {
                String::new()
            } else {
                format!("（另一条的{}）", content.join("；"))
            }
        ));
        table.delete(self.conn, &table.key_of(gone))?;
        Ok(!arriving_first)
    }

    /// Two machines both started survey round N of one compound: at the office, the one that
    /// comes second becomes the next round, with a note; a laptop follows the office's
    /// numbering, moving its own round out of the way until the office's word on it arrives.
    pub(super) fn renumber_round(
        &mut self,
        table: &Table,
        row: &mut [Value],
    ) -> Result<(), StoreError> {
        // Survey rounds are the only rounds numbered per compound by the file (an inspection
        // round's number follows the round it re-inspects).
        if table.name != "survey" {
            return Ok(());
        }
        let owner = "compound_id";
        let (Some(o), Some(r)) = (table.index_of(owner), table.index_of("round")) else {
            return Ok(());
        };
        if !survey_round_taken(self.conn, &row[o], &row[r])? {
            return Ok(());
        }
        let next = next_survey_round(self.conn, &row[o])?;
        // At the office, two rounds of one number are numbered in the order they were begun
        // (their ids are made from the time), whichever arrives first: the same numbers in
        // either order. A laptop moves its own round out of the way until the office's word on
        // it arrives.
        let begun_later: bool = self.conn.query_row_cached(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM \"{}\" WHERE \"{owner}\" = ?1 AND round = ?2
                                    AND id > ?3)",
                table.name
            ),
            (&row[o], &row[r], table.index_of("id").map(|i| &row[i])),
            |q| q.get(0),
        )?;
        if !self.from.at_office || begun_later {
            self.conn.execute_cached(
                &format!(
                    "UPDATE \"{}\" SET round = ?3 WHERE \"{owner}\" = ?1 AND round = ?2",
                    table.name
                ),
                (&row[o], &row[r], next),
            )?;
            if self.from.at_office {
                self.applied.notes.push(format!(
                    "本机已有的{}第 {} 轮比{}的同号一轮开始得晚，已改为第 {next} 轮",
                    table.spec.label,
                    value_text(&row[r]),
                    self.from.origin_name,
                ));
                self.applied.adjusted = true;
            }
            return Ok(());
        }
        self.applied.notes.push(format!(
            "{}的{}第 {} 轮与本机已有的一轮同号，已改为第 {next} 轮",
            self.from.origin_name,
            table.spec.label,
            value_text(&row[r])
        ));
        row[r] = Value::Integer(next);
        self.applied.adjusted = true;
        Ok(())
    }

    /// A change that came back to the machine that made it, which the office renumbered.
    pub(super) fn take_back_renumbering(
        &mut self,
        table: &Table,
        change: &Change,
    ) -> Result<(), StoreError> {
        if change.op == Action::SQLITE_DELETE || table.name != "survey" {
            return Ok(());
        }
        // The office's number for this file's own round (an insert), or for a round it moved
        // out of the way of this file's (an update): the laptops follow the office.
        let row = if change.op == Action::SQLITE_INSERT {
            change.new_row()
        } else {
            change.row_after()
        };
        let Some(r) = table.index_of("round") else {
            return Ok(());
        };
        if change.new.get(r).is_none_or(Option::is_none) {
            return Ok(());
        }
        let key = table.key_of(&row);
        if let Some(current) = table.row(self.conn, &key)?
            && current[r] != row[r]
        {
            // A round of this file not yet numbered at the office may hold that number: it
            // moves on (the office numbers it when it gets there).
            self.take_round_number(table, &current, &row[r])?;
        }
        Ok(())
    }

    /// Gives survey round `row` (as it is here) the number `round` the office gave it, moving
    /// a round of this file that holds the number on to the next free one (the office numbers
    /// that one when it gets there).
    pub(super) fn take_round_number(
        &mut self,
        table: &Table,
        row: &[Value],
        round: &Value,
    ) -> Result<(), StoreError> {
        let (Some(o), Some(id), Some(r)) = (
            table.index_of("compound_id"),
            table.index_of("id"),
            table.index_of("round"),
        ) else {
            return Ok(());
        };
        self.conn.execute_cached(
            "UPDATE survey SET round = (SELECT max(round) + 1 FROM survey WHERE compound_id = ?1)
             WHERE compound_id = ?1 AND round = ?2 AND id <> ?3",
            (&row[o], round, &row[id]),
        )?;
        table.update(self.conn, &table.key_of(row), &[(r, round.clone())])
    }
}
