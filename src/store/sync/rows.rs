//! Rows by table and primary key, with values as SQLite holds them: what applying a change and
//! keeping a conflict need. Column names come from the schema, so every captured table is
//! handled the same way.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::tables::{self, Belongs, Travelling};
use crate::model::TownId;
use crate::store::StoreError;
use crate::store::cached::Cached as _;

/// A captured table's columns, in order, and which of them form its primary key.
#[derive(Clone, Debug)]
pub(super) struct Table {
    pub name: String,
    /// Its entry in the registry.
    pub spec: &'static Travelling,
    pub columns: Vec<String>,
    pub pk: Vec<bool>,
    /// Its links to the rows it belongs to.
    pub links: Vec<Link>,
}

/// A column that refers to a row of another table (a foreign key).
#[derive(Clone, Debug)]
pub(super) struct Link {
    pub column: usize,
    pub parent: String,
    pub parent_column: String,
    /// When the row it refers to goes, the link is cleared (else the row goes too).
    pub set_null: bool,
}

impl Table {
    pub fn read(conn: &Connection, name: &str) -> Result<Self, StoreError> {
        let spec = tables::find(name)
            .ok_or_else(|| StoreError::Corrupt(format!("“{name}”不是随数据包传递的表")))?;
        let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{name}\")"))?;
        let mut columns = Vec::new();
        let mut pk = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            columns.push(r.get::<_, String>(1)?);
            pk.push(r.get::<_, i64>(5)? > 0);
        }
        if columns.is_empty() {
            return Err(StoreError::Corrupt(format!("没有表 {name}")));
        }
        let mut links = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT \"from\", \"table\", coalesce(\"to\", 'id'), on_delete
             FROM pragma_foreign_key_list(?1)",
        )?;
        let mut rows = stmt.query([name])?;
        while let Some(r) = rows.next()? {
            let from: String = r.get(0)?;
            if let Some(column) = columns.iter().position(|c| *c == from) {
                links.push(Link {
                    column,
                    parent: r.get(1)?,
                    parent_column: r.get(2)?,
                    set_null: r.get::<_, String>(3)? == "SET NULL",
                });
            }
        }
        Ok(Self {
            name: name.to_owned(),
            spec,
            columns,
            pk,
            links,
        })
    }

    /// A row's values by column name.
    pub fn named(&self, row: &[Value]) -> Named {
        self.columns
            .iter()
            .cloned()
            .zip(row.iter().cloned())
            .collect()
    }

    /// A row from values by column name (a column not named is NULL).
    pub fn row_from_named(&self, values: &[(String, Value)]) -> Vec<Value> {
        self.columns
            .iter()
            .map(|c| {
                values
                    .iter()
                    .find(|(n, _)| n == c)
                    .map_or(Value::Null, |(_, v)| v.clone())
            })
            .collect()
    }

    /// The primary key's values out of a full row.
    pub fn key_of(&self, row: &[Value]) -> Vec<Value> {
        row.iter()
            .zip(&self.pk)
            .filter(|(_, pk)| **pk)
            .map(|(v, _)| v.clone())
            .collect()
    }

    fn key_condition(&self) -> String {
        self.columns
            .iter()
            .zip(&self.pk)
            .filter(|(_, pk)| **pk)
            .enumerate()
            .map(|(i, (c, _))| format!("\"{c}\" = ?{}", i + 1))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The row with primary key `key`, every column.
    pub fn row(&self, conn: &Connection, key: &[Value]) -> Result<Option<Vec<Value>>, StoreError> {
        let sql = format!(
            "SELECT {} FROM \"{}\" WHERE {}",
            self.column_list(),
            self.name,
            self.key_condition()
        );
        let n = self.columns.len();
        Ok(conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(key.iter()), |r| {
                (0..n).map(|i| r.get::<_, Value>(i)).collect()
            })
            .optional()?)
    }

    pub fn insert(&self, conn: &Connection, row: &[Value]) -> Result<(), StoreError> {
        let marks = (1..=row.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO \"{}\" ({}) VALUES ({marks})",
            self.name,
            self.column_list()
        );
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(row.iter()))?;
        Ok(())
    }

    /// Sets `changes` (column index → value) on the row with primary key `key`.
    pub fn update(
        &self,
        conn: &Connection,
        key: &[Value],
        changes: &[(usize, Value)],
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let keys = key.len();
        let sets = changes
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("\"{}\" = ?{}", self.columns[*c], keys + i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE \"{}\" SET {sets} WHERE {}",
            self.name,
            self.key_condition()
        );
        let values = key.iter().chain(changes.iter().map(|(_, v)| v));
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(values))?;
        Ok(())
    }

    pub fn delete(&self, conn: &Connection, key: &[Value]) -> Result<(), StoreError> {
        let sql = format!(
            "DELETE FROM \"{}\" WHERE {}",
            self.name,
            self.key_condition()
        );
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(key.iter()))?;
        Ok(())
    }

    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn index_of(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == column)
    }

    /// Columns whose differences are bookkeeping, not content: when a row was made and last
    /// changed.
    pub fn is_bookkeeping(&self, column: usize) -> bool {
        matches!(self.columns[column].as_str(), "created_at" | "updated_at")
    }
}

/// The captured tables' layouts, read once.
#[derive(Debug, Default)]
pub(super) struct Tables {
    tables: HashMap<String, Table>,
}

impl Tables {
    pub fn get(&mut self, conn: &Connection, name: &str) -> Result<&Table, StoreError> {
        if !self.tables.contains_key(name) {
            let table = Table::read(conn, name)?;
            self.tables.insert(name.to_owned(), table);
        }
        self.tables
            .get(name)
            .ok_or_else(|| StoreError::Corrupt(format!("没有表 {name}")))
    }
}

/// A value as the conflict screen shows it.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "（空）".to_owned(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("（{} 字节的数据）", b.len()),
    }
}

/// A primary key as text, for the conflict table and messages.
pub(super) fn key_text(key: &[Value]) -> String {
    let parts: Vec<serde_json::Value> = key
        .iter()
        .map(|v| match v {
            Value::Null => serde_json::Value::Null,
            Value::Integer(i) => serde_json::Value::from(*i),
            Value::Real(r) => serde_json::Value::from(*r),
            Value::Text(t) => serde_json::Value::from(t.clone()),
            Value::Blob(b) => serde_json::Value::from(crate::model::seal::hex(b)),
        })
        .collect();
    serde_json::Value::Array(parts).to_string()
}

/// What the other machine did to a record deleted here, kept with the conflict on it
/// (`conflict.theirs_values`, JSON): the values its changes set on the record, and the rows it
/// added to it (a survey round, a photo, funding) with their own rows, parents first.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct TheirSide {
    pub set: Named,
    pub add: Vec<(String, Named)>,
    /// Its changes to other rows of the record, deleted here with it: (table, key as
    /// `key_text` writes it, values).
    pub changed: Vec<(String, String, Named)>,
}

/// A row's values (or some of them) by column name.
pub(super) type Named = Vec<(String, Value)>;

/// `values` with `sets` set over them (a column named again takes the new value).
pub(super) fn set_named(values: &mut Named, sets: &[(String, Value)]) {
    for (column, v) in sets {
        values.retain(|(n, _)| n != column);
        values.push((column.clone(), v.clone()));
    }
}

impl TheirSide {
    pub fn to_json(&self) -> String {
        let object = |values: &[(String, Value)]| {
            serde_json::Value::Object(
                values
                    .iter()
                    .map(|(column, v)| (column.clone(), value_json(v)))
                    .collect(),
            )
        };
        serde_json::json!({
            "set": object(&self.set),
            "add": self
                .add
                .iter()
                .map(|(table, row)| serde_json::json!({ "table": table, "row": object(row) }))
                .collect::<Vec<_>>(),
            "changed": self
                .changed
                .iter()
                .map(|(table, key, values)| {
                    serde_json::json!({ "table": table, "key": key, "set": object(values) })
                })
                .collect::<Vec<_>>(),
        })
        .to_string()
    }

    pub fn from_json(text: &str) -> Result<Self, StoreError> {
        let bad = || StoreError::Corrupt("冲突记录中对方的内容无法读取".to_owned());
        let json: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        let object = |v: Option<&serde_json::Value>| -> Result<Vec<(String, Value)>, StoreError> {
            match v {
                Some(serde_json::Value::Object(o)) => o
                    .iter()
                    .map(|(column, v)| Ok((column.clone(), json_value(v).ok_or_else(bad)?)))
                    .collect(),
                None => Ok(Vec::new()),
                Some(_) => Err(bad()),
            }
        };
        let mut add = Vec::new();
        for row in json
            .get("add")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            let table = row.get("table").and_then(|t| t.as_str()).ok_or_else(bad)?;
            add.push((table.to_owned(), object(row.get("row"))?));
        }
        let mut changed = Vec::new();
        for row in json
            .get("changed")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            let table = row.get("table").and_then(|t| t.as_str()).ok_or_else(bad)?;
            let key = row.get("key").and_then(|t| t.as_str()).ok_or_else(bad)?;
            changed.push((table.to_owned(), key.to_owned(), object(row.get("set"))?));
        }
        Ok(Self {
            set: object(json.get("set"))?,
            add,
            changed,
        })
    }
}

/// A value as JSON (a blob as `{"hex": …}`).
fn value_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => serde_json::Value::from(*i),
        Value::Real(r) => serde_json::Value::from(*r),
        Value::Text(t) => serde_json::Value::from(t.clone()),
        Value::Blob(b) => serde_json::json!({ "hex": crate::model::seal::hex(b) }),
    }
}

/// A value back from `value_json`.
fn json_value(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .or_else(|| n.as_f64().map(Value::Real))?,
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Object(o) => Value::Blob(hex::decode(o.get("hex")?.as_str()?).ok()?),
        _ => return None,
    })
}

/// The key back from `key_text` (blobs are not keys of any captured table).
pub(super) fn key_from_text(text: &str) -> Result<Vec<Value>, StoreError> {
    let parts: Vec<serde_json::Value> = serde_json::from_str(text)
        .map_err(|_| StoreError::Corrupt(format!("冲突记录的主键“{text}”无法读取")))?;
    Ok(parts
        .into_iter()
        .map(|v| match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Number(n) => n
                .as_i64()
                .map(Value::Integer)
                .or_else(|| n.as_f64().map(Value::Real))
                .unwrap_or(Value::Null),
            serde_json::Value::String(s) => Value::Text(s),
            other => Value::Text(other.to_string()),
        })
        .collect())
}

/// The compound a captured row belongs to, if any: the conflict mark in the register goes on
/// it. A row under another (a survey's item, a round's photo) finds it through its parent.
pub(super) fn compound_of(
    conn: &Connection,
    table: &Table,
    row: &[Value],
) -> Result<Option<String>, StoreError> {
    let text = |column: &str| match table.index_of(column).map(|i| &row[i]) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if let Some(column) = table.spec.compound_column() {
        return Ok(text(column));
    }
    let Belongs::Under { column, parent } = table.spec.belongs else {
        return Ok(None);
    };
    let (Some(parent_column), Some(id)) = (
        tables::find(parent).and_then(Travelling::compound_column),
        text(column),
    ) else {
        return Ok(None);
    };
    Ok(conn
        .query_row_cached(
            &format!("SELECT \"{parent_column}\" FROM \"{parent}\" WHERE id = ?1"),
            [id],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// What people call a row: its table's name and, where it has one, its own name or the name
/// of the compound it belongs to.
pub(super) fn record_label(
    conn: &Connection,
    table: &Table,
    row: &[Value],
) -> Result<String, StoreError> {
    let kind = table.spec.label;
    if let Some(Value::Text(name)) = table.index_of("name").map(|i| &row[i]) {
        return Ok(format!("{kind}“{name}”"));
    }
    let compound = compound_of(conn, table, row)?;
    let name: Option<String> = match compound {
        Some(id) => conn
            .query_row("SELECT name FROM compound WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?,
        None => None,
    };
    let code = table.index_of("code").map(|i| value_text(&row[i]));
    Ok(match (name, code) {
        (Some(name), Some(code)) => format!("{name} · {kind} {code}"),
        (Some(name), None) => format!("{name} · {kind}"),
        (None, Some(code)) => format!("{kind} {code}"),
        (None, None) => kind.to_owned(),
    })
}

/// Which records a snapshot holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Every record (with a town, only that town's compounds, and every town and cluster).
    All { town: Option<TownId> },
    /// A compound with its surveys and inspections.
    Compound(crate::model::CompoundId),
    /// One inspection round with its items, parties, members, signatures, photos and
    /// rectifications: a signed record, whole (with its compound or cluster's row, taken only
    /// where that is missing).
    Inspection(crate::model::InspectionId),
}

/// Which rows of `table` a snapshot holds; `:town` and `:key` are bound by the caller.
pub(super) fn snapshot_filter(table: &Travelling, rows: Rows) -> String {
    // Every statement names both parameters, whether it needs them or not.
    format!(
        "({}) AND (:town IS :town) AND (:key IS :key)",
        rows_filter(table, rows)
    )
}

/// The ids of the compounds a snapshot holds.
fn compounds(rows: Rows) -> String {
    match rows {
        Rows::All { .. } => {
            "SELECT id FROM compound WHERE is_sample = 0 AND (:town IS NULL OR town_id = :town)"
                .to_owned()
        }
        Rows::Compound(_) => "SELECT :key".to_owned(),
        Rows::Inspection(_) => NONE.to_owned(),
    }
}

/// The ids of the clusters a snapshot holds: a town's and those its compounds are in.
fn clusters(rows: Rows) -> String {
    match rows {
        Rows::All { .. } => format!(
            "SELECT id FROM cluster WHERE :town IS NULL OR town_id = :town
                 OR id IN (SELECT cluster_id FROM compound WHERE id IN ({}))",
            compounds(rows)
        ),
        Rows::Compound(_) | Rows::Inspection(_) => NONE.to_owned(),
    }
}

/// The ids of the inspection rounds a snapshot holds.
fn rounds(rows: Rows) -> String {
    match rows {
        Rows::Inspection(_) => "SELECT :key".to_owned(),
        Rows::All { .. } | Rows::Compound(_) => format!(
            "SELECT id FROM inspection WHERE compound_id IN ({}) OR cluster_id IN ({})",
            compounds(rows),
            clusters(rows)
        ),
    }
}

/// The ids of `table`'s rows a snapshot holds.
fn ids_of(table: &Travelling, rows: Rows) -> String {
    match table.belongs {
        Belongs::Compound => compounds(rows),
        Belongs::Cluster => clusters(rows),
        Belongs::Round => rounds(rows),
        _ => format!(
            "SELECT id FROM \"{}\" WHERE {}",
            table.name,
            rows_filter(table, rows)
        ),
    }
}

/// An empty set of ids.
const NONE: &str = "SELECT NULL WHERE 0";

fn rows_filter(table: &Travelling, rows: Rows) -> String {
    let whole = matches!(rows, Rows::All { .. });
    let signed_record = matches!(rows, Rows::Inspection(_));
    match table.belongs {
        Belongs::Everywhere if whole => "1".to_owned(),
        Belongs::Office { .. } if whole => "is_sample = 0".to_owned(),
        Belongs::Everywhere | Belongs::Office { .. } => "0".to_owned(),
        // A signed record brings its subject along, for a file where it was deleted.
        Belongs::Cluster if signed_record => {
            "id IN (SELECT cluster_id FROM inspection WHERE id = :key)".to_owned()
        }
        Belongs::Compound if signed_record => {
            "id IN (SELECT compound_id FROM inspection WHERE id = :key)".to_owned()
        }
        Belongs::Cluster | Belongs::Compound | Belongs::Round => {
            format!("id IN ({})", ids_of(table, rows))
        }
        Belongs::OfCompound(column) => format!("\"{column}\" IN ({})", compounds(rows)),
        Belongs::OfCluster(column) => format!("\"{column}\" IN ({})", clusters(rows)),
        Belongs::OfCompoundOrCluster { compound, cluster } => format!(
            "\"{compound}\" IN ({}) OR \"{cluster}\" IN ({})",
            compounds(rows),
            clusters(rows)
        ),
        Belongs::Under { column, parent } => match tables::find(parent) {
            Some(parent) => format!("\"{column}\" IN ({})", ids_of(parent, rows)),
            None => "0".to_owned(), // every parent is registered (tested)
        },
    }
}

/// The inspection a row belongs to (its own id for an inspection row).
pub(super) fn inspection_of(table: &Table, row: &[Value]) -> Option<String> {
    let column = table.spec.inspection_column()?;
    match table.index_of(column).map(|i| &row[i]) {
        Some(Value::Text(id)) => Some(id.clone()),
        _ => None,
    }
}

/// Whether the compound has a survey round of that number here.
pub(super) fn survey_round_taken(
    conn: &Connection,
    compound: &Value,
    round: &Value,
) -> Result<bool, StoreError> {
    Ok(conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM survey WHERE compound_id = ?1 AND round = ?2)",
        (compound, round),
        |q| q.get(0),
    )?)
}

/// The number after the compound's last survey round here: where a round that clashes goes
/// (one arriving second, or one brought back by a pick).
pub(super) fn next_survey_round(conn: &Connection, compound: &Value) -> Result<i64, StoreError> {
    Ok(conn.query_row_cached(
        "SELECT coalesce(max(round), 0) + 1 FROM survey WHERE compound_id = ?1",
        [compound],
        |q| q.get(0),
    )?)
}
