//! The packages sent and received, kept in the file: who, when, what range, how many changes,
//! the conflicts each brought and who settled them.

use crate::model::sync::Counts;
use crate::store::{Store, StoreError};

/// One package in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRecord {
    pub id: String,
    pub sent: bool,
    pub peer_name: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub file_name: String,
    /// The sender's numbered changes it carried.
    pub range: Option<(i64, i64)>,
    pub snapshot: bool,
    /// Rows per table.
    pub counts: std::collections::BTreeMap<String, Counts>,
    /// Received: changes applied, and those already here.
    pub applied: i64,
    pub skipped: i64,
    /// Received: conflicts and look-alikes it brought, how many are settled, and by whom.
    pub conflicts: i64,
    pub settled: i64,
    pub settled_by: Vec<String>,
    pub note: String,
}

impl PackageRecord {
    /// Rows in, out or changed, in all.
    pub fn rows(&self) -> u64 {
        self.counts
            .values()
            .map(|c| c.inserts + c.updates + c.deletes)
            .sum()
    }
}

impl Store {
    /// Every package sent and received, newest first.
    pub fn package_history(&self) -> Result<Vec<PackageRecord>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT p.id, p.direction, p.peer_name, p.at, p.file_name, p.first_seq, p.last_seq,
                    p.snapshot, p.counts, p.applied, p.skipped, p.conflicts, p.note,
                    (SELECT count(*) FROM conflict c
                     WHERE c.package_id = p.id AND c.resolved_at IS NOT NULL)
                  + (SELECT count(*) FROM duplicate d
                     WHERE d.package_id = p.id AND d.resolved_at IS NOT NULL),
                    (SELECT group_concat(DISTINCT c.resolved_by) FROM conflict c
                     WHERE c.package_id = p.id AND c.resolved_by IS NOT NULL)
             FROM package_log p ORDER BY p.at DESC, p.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            let first: Option<i64> = r.get(5)?;
            let last: Option<i64> = r.get(6)?;
            let counts: String = r.get(8)?;
            let settled_by: Option<String> = r.get(14)?;
            Ok(PackageRecord {
                id: r.get(0)?,
                sent: r.get::<_, String>(1)? == "sent",
                peer_name: r.get(2)?,
                at: r.get(3)?,
                file_name: r.get(4)?,
                range: first.zip(last),
                snapshot: r.get(7)?,
                counts: serde_json::from_str(&counts).unwrap_or_default(),
                applied: r.get(9)?,
                skipped: r.get(10)?,
                conflicts: r.get(11)?,
                note: r.get(12)?,
                settled: r.get(13)?,
                settled_by: settled_by
                    .map(|s| s.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
