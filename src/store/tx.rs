//! One user action's transaction: BEGIN IMMEDIATE (or, inside another, a savepoint) that rolls
//! back unless committed, and that records its changes as this file's next entry when it
//! commits (`sync::Capture`).

use std::cell::Cell;

use rusqlite::Connection;

use super::StoreError;
use super::sync::{Capture, Origin};

/// A transaction (or, inside another, a savepoint) that rolls back unless committed.
pub(crate) struct Tx<'a> {
    conn: &'a Connection,
    nested: bool,
    done: bool,
    /// Records the changes, when this transaction is the one that does.
    capture: Option<Capture<'a>>,
    /// The store's "a transaction records" flag, set while `capture` is.
    recording: &'a Cell<bool>,
}

impl<'a> Tx<'a> {
    /// Starts a transaction; with an `origin`, it records its changes as that origin's next
    /// entry.
    pub(super) fn begin(
        conn: &'a Connection,
        origin: Option<Origin>,
        recording: &'a Cell<bool>,
    ) -> Result<Self, StoreError> {
        let nested = !conn.is_autocommit();
        conn.execute_batch(if nested {
            "SAVEPOINT yanshou_write"
        } else {
            "BEGIN IMMEDIATE"
        })?;
        let mut tx = Self {
            conn,
            nested,
            done: false,
            capture: None,
            recording,
        };
        if let Some(origin) = origin {
            tx.capture = Some(Capture::start(conn, origin)?);
            recording.set(true);
        }
        Ok(tx)
    }

    /// Saves what was written (for a savepoint: into the outer transaction), with the entry
    /// that records it.
    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        if let Some(capture) = self.capture.take() {
            self.recording.set(false);
            capture.finish(self.conn)?;
        }
        self.done = true;
        self.conn.execute_batch(if self.nested {
            "RELEASE yanshou_write"
        } else {
            "COMMIT"
        })?;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.capture.take().is_some() {
            self.recording.set(false);
        }
        if !self.done {
            // Nothing to report to: the error that stopped the write is already on its way.
            let _ = self.conn.execute_batch(if self.nested {
                "ROLLBACK TO yanshou_write; RELEASE yanshou_write"
            } else {
                "ROLLBACK"
            });
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}
