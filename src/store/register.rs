//! Registering many compounds at once: a spreadsheet's rows, all or none, behind a verified
//! backup (and the benchmarks' bulk inserts).

use super::compounds::{insert_cluster, insert_new_compound, upsert_compound};
use super::{Store, StoreError, now};
use crate::model::Compound;

impl Store {
    /// Adds many compounds in one transaction (imports, benchmarks).
    pub fn insert_compounds(&mut self, compounds: &[Compound]) -> Result<(), StoreError> {
        let now = now();
        let tx = self.begin()?;
        for c in compounds {
            upsert_compound(&tx, c, &now, super::today())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Registers the rows of a spreadsheet that have no problem (and the clusters they name
    /// that do not exist yet), in one transaction: all of them or none, a verified backup made
    /// first (kept if they are registered). A row that became a duplicate since the preview
    /// (another window registered the same compound) refuses the whole import. Returns how
    /// many compounds were registered.
    pub fn import_register(
        &mut self,
        plans: &[crate::model::register_import::RowPlan],
    ) -> Result<usize, StoreError> {
        self.with_backup_before(super::backup::BackupReason::BeforeRegister, |store| {
            store.register_rows(plans)
        })
    }

    fn register_rows(
        &mut self,
        plans: &[crate::model::register_import::RowPlan],
    ) -> Result<usize, StoreError> {
        let now = now();
        // A register of 100,000 rows dirties far more pages than the default cache holds:
        // SQLite would spill them to the -wal mid-way and read them back. The import gets a
        // larger cache while it runs.
        let cache: i64 = self
            .conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        let result = self.register_rows_cached(plans, &now);
        self.conn.pragma_update(None, "cache_size", cache)?;
        result
    }

    fn register_rows_cached(
        &mut self,
        plans: &[crate::model::register_import::RowPlan],
        now: &str,
    ) -> Result<usize, StoreError> {
        let tx = self.begin()?;
        let mut count = 0;
        // What is registered now (the write lock is held from here): a row registered since
        // the preview is a twin. One read, then a lookup per row.
        let registered: std::collections::HashSet<(String, Option<crate::model::TownId>)> = tx
            .prepare("SELECT name, town_id FROM compound")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let today = super::today();
        for plan in plans {
            let Some(c) = &plan.compound else {
                continue;
            };
            if registered.contains(&(c.name.clone(), c.town_id)) {
                return Err(StoreError::refused(format!(
                    "第 {} 行的“{}”在预览之后已登记过：整个表格未导入，请重新预览。",
                    plan.line, c.name
                )));
            }
            if let Some(k) = &plan.new_cluster {
                insert_cluster(&tx, k)?;
            }
            insert_new_compound(&tx, c, now, today)?;
            count += 1;
        }
        tx.commit()?;
        Ok(count)
    }
}
