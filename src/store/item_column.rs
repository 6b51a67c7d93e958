//! One column of one item of a round or a survey (a result, a remark, a condition), set in
//! the user's transaction with its parent's `updated_at`; a value changed elsewhere since the
//! screen read it is refused as stale rather than overwritten.

use super::{StoreError, now};

/// Where an item row lives: the item table, its parent table and the column naming the parent.
pub(crate) struct ItemTable {
    pub items: &'static str,
    pub parent: &'static str,
    pub parent_key: &'static str,
    /// For messages: 验收项目, 调查项目 …
    pub what: &'static str,
}

/// Sets one column of the item `code` of parent `id` and touches the parent's `updated_at`,
/// inside `tx`. With `expected`, only if the column still holds that (else `Stale`: another
/// program changed it since the screen read it).
pub(crate) fn update_item_column<Id: rusqlite::ToSql + std::fmt::Display>(
    tx: &rusqlite::Connection,
    table: &ItemTable,
    id: &Id,
    code: &str,
    column: &'static str,
    value: &dyn rusqlite::ToSql,
    expected: Option<&dyn rusqlite::ToSql>,
) -> Result<(), StoreError> {
    let now = now();
    let n = match expected {
        None => tx.execute(
            &format!(
                "UPDATE {} SET {column} = ?1, updated_at = ?2 WHERE {} = ?3 AND code = ?4",
                table.items, table.parent_key
            ),
            rusqlite::params![value, now, id, code],
        )?,
        Some(expected) => tx.execute(
            &format!(
                "UPDATE {} SET {column} = ?1, updated_at = ?2
                 WHERE {} = ?3 AND code = ?4 AND {column} IS ?5",
                table.items, table.parent_key
            ),
            rusqlite::params![value, now, id, code, expected],
        )?,
    };
    if n == 0 {
        let exists: bool = tx.query_row(
            &format!(
                "SELECT count(*) > 0 FROM {} WHERE {} = ?1 AND code = ?2",
                table.items, table.parent_key
            ),
            rusqlite::params![id, code],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::Stale {
                what: table.what,
                changes: vec![format!("{code} 的内容在别处改过")],
            });
        }
        return Err(StoreError::NotFound {
            what: table.what,
            id: format!("{id}/{code}"),
        });
    }
    tx.execute(
        &format!("UPDATE {} SET updated_at = ?1 WHERE id = ?2", table.parent),
        rusqlite::params![now, id],
    )?;
    Ok(())
}
