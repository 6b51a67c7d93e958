//! A changeset's rows, as SQLite's session extension wrote them: decoded into owned values,
//! and counted per table for a package's manifest.

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action;
use rusqlite::session::ChangesetIter;
use rusqlite::types::Value;

use crate::model::sync::Counts;
use crate::store::StoreError;

/// One row's change as a changeset holds it: full rows for inserts and deletes, the changed
/// columns (and the key) for updates.
#[derive(Clone, Debug)]
pub(super) struct Change {
    pub table: String,
    pub op: Action,
    pub old: Vec<Option<Value>>,
    pub new: Vec<Option<Value>>,
}

impl Change {
    /// Its new values as a row (a column it does not name is NULL).
    pub fn new_row(&self) -> Vec<Value> {
        row_of(&self.new)
    }

    /// Its old values as a row (a column it does not name is NULL).
    pub fn old_row(&self) -> Vec<Value> {
        row_of(&self.old)
    }

    /// The row as the change leaves it, as far as it says: its new values over its old ones
    /// (an update names only the key and what it changed).
    pub fn row_after(&self) -> Vec<Value> {
        self.new
            .iter()
            .zip(&self.old)
            .map(|(new, old)| new.clone().or_else(|| old.clone()).unwrap_or(Value::Null))
            .collect()
    }
}

fn row_of(values: &[Option<Value>]) -> Vec<Value> {
    values
        .iter()
        .map(|v| v.clone().unwrap_or(Value::Null))
        .collect()
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
