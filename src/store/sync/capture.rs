//! Change capture. Every write transaction (and every nested one) records its changes with
//! SQLite's session extension and, just before it commits, appends them to `change_log` as this
//! file's next numbered entry: in the same transaction, so a crash can never leave a change
//! saved but not queued, or queued but not saved. A nested write that rolls back takes its
//! session with it. The bookkeeping tables are not captured.

use rusqlite::Connection;
use rusqlite::session::Session;

use crate::model::sync::EntryKind;
use crate::store::cached::Cached as _;
use crate::store::{StoreError, now};

/// Who the captured changes are from.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub id: String,
    pub name: String,
}

/// A transaction's session, until it commits.
pub(crate) struct Capture<'a> {
    session: Session<'a>,
    origin: Origin,
    /// The tombstones before it began: those after are its deletions', linked to its entry.
    tombstones_before: i64,
}

impl<'a> Capture<'a> {
    /// Starts recording the changes `conn` makes to the captured tables.
    pub(crate) fn start(conn: &'a Connection, origin: Origin) -> Result<Self, StoreError> {
        let mut session = Session::new(conn)?;
        session.table_filter(Some(|table: &str| super::tables::travels(table)));
        session.attach(None::<&str>)?;
        let tombstones_before =
            conn.query_row_cached("SELECT coalesce(max(rowid), 0) FROM tombstone", [], |r| {
                r.get(0)
            })?;
        Ok(Self {
            session,
            origin,
            tombstones_before,
        })
    }

    /// Appends what was recorded (if anything) as the origin's next entry: a user's edit.
    pub(crate) fn finish(self, conn: &Connection) -> Result<(), StoreError> {
        self.finish_as(conn, EntryKind::Edit, None, false).map(drop)
    }

    /// Appends what was recorded (if anything) as the origin's next entry of `kind`; at the
    /// office, with the change it applied (`source`) and whether it applied it otherwise. The
    /// entry's number, if there was anything to record.
    pub(crate) fn finish_as(
        mut self,
        conn: &Connection,
        kind: EntryKind,
        source: Option<(&str, i64)>,
        adjusted: bool,
    ) -> Result<Option<i64>, StoreError> {
        if self.session.is_empty() {
            return Ok(None);
        }
        let mut changeset = Vec::new();
        self.session.changeset_strm(&mut changeset)?;
        drop(self.session);
        let seq = append(conn, &self.origin, kind, &changeset, source, adjusted)?;
        // Each row this change deleted knows the entry that holds its last content.
        conn.execute_cached(
            "UPDATE tombstone SET origin = ?1, seq = ?2 WHERE rowid > ?3",
            rusqlite::params![self.origin.id, seq, self.tombstones_before],
        )?;
        Ok(Some(seq))
    }
}

/// Appends `changeset` as `origin`'s next entry; its number is the last one plus one.
pub(crate) fn append(
    conn: &Connection,
    origin: &Origin,
    kind: EntryKind,
    changeset: &[u8],
    source: Option<(&str, i64)>,
    adjusted: bool,
) -> Result<i64, StoreError> {
    // After the last one, or (for a file that took over a laptop's identity from a key
    // file) after the laptop's last.
    let seq: i64 = conn.query_row_cached(
        "SELECT max(coalesce((SELECT max(seq) FROM change_log WHERE origin = ?1), 0),
                    coalesce((SELECT seq_floor FROM device WHERE id = ?1), 0)) + 1",
        [&origin.id],
        |r| r.get(0),
    )?;
    conn.execute_cached(
        "INSERT INTO change_log (origin, seq, kind, made_at, author, changeset, source_origin,
                                 source_seq, adjusted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            origin.id,
            seq,
            kind.code(),
            now(),
            origin.name,
            changeset,
            source.map(|(o, _)| o),
            source.map(|(_, s)| s),
            adjusted
        ],
    )?;
    Ok(seq)
}
