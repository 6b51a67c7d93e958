//! Two writers racing sign-off: while a record is signed off, another program (a second
//! connection, as `sqlite3` would be; a second window can only view) keeps changing its remarks.
//! The seal is computed inside the sign-off's transaction, after taking the write lock, so the
//! sealed record is the stored record: no seal may fail its own check.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::model::{Catalogue, ItemResult, SealCheck, SignMethod, Subject};
use crate::store::Store;

/// The figures of the race.
#[derive(Debug, Default)]
pub struct RaceReport {
    pub sign_offs: usize,
    /// Writes the other program got in before or after the sign-off.
    pub other_writes: usize,
    /// Seals that do not match their record (must be 0).
    pub broken_seals: usize,
}

/// Signs off `rounds` records, each raced by a second writer.
pub fn run(rounds: usize) -> anyhow::Result<RaceReport> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("race.db");
    let mut store = Store::open(&db)?;
    let mut report = RaceReport::default();
    let parties = ["建设单位".to_owned(), "施工单位".to_owned()];
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    for n in 0..rounds {
        let compound = crate::model::Compound {
            id: crate::model::CompoundId::new(),
            name: format!("抢写小区{n}"),
            address: String::new(),
            town_id: None,
            owner_unit: String::new(),
            year_built: Some(1995),
            buildings: None,
            households: None,
            cluster_id: None,
            is_sample: false,
        };
        store.save_compound(&compound)?;
        let id = store.start_inspection(
            Subject::Compound(compound.id),
            Catalogue::current(),
            day,
            "自检",
            &parties,
        )?;
        for item in store.inspection(id)?.items {
            store.record_result(id, &item.standard.code, Some(ItemResult::Pass))?;
        }
        for position in 0..2 {
            store.sign(id, position, "签字人", &SignMethod::WetInk)?;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let other = {
            let db = db.clone();
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("other-writer".to_owned())
                .spawn(move || -> anyhow::Result<usize> {
                    let conn = rusqlite::Connection::open(&db)?;
                    conn.busy_timeout(Duration::from_secs(5))?;
                    let mut writes = 0;
                    let mut k = 0usize;
                    while !stop.load(Ordering::Relaxed) {
                        k += 1;
                        // Refused once the record is locked; that is the point.
                        if conn
                            .execute(
                                "UPDATE inspection_item SET remark = ?1
                                 WHERE inspection_id = ?2 AND code = 'XQ-LZ-01'",
                                rusqlite::params![format!("另一个程序的备注 {k}"), id],
                            )
                            .is_ok()
                        {
                            writes += 1;
                        }
                        // Another program writes often, not in a loop that never lets go.
                        std::thread::sleep(Duration::from_micros(300));
                    }
                    Ok(writes)
                })?
        };
        // Let the other writer get going, then sign off in the middle of its writes.
        std::thread::sleep(Duration::from_millis(2));
        store.sign_off(id)?;
        std::thread::sleep(Duration::from_millis(2));
        stop.store(true, Ordering::Relaxed);
        report.other_writes += other
            .join()
            .map_err(|_| anyhow::anyhow!("另一个写入者崩溃"))??;
        report.sign_offs += 1;
        if !matches!(store.check_seal(id)?, SealCheck::Intact { .. }) {
            report.broken_seals += 1;
        }
    }
    Ok(report)
}
