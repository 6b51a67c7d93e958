//! Several laptops, one county office. Which tables travel and whose rows they are
//! (`tables`, the registry the rest reads); this file's identity; its changes captured as SQLite
//! session changesets in the same transaction as each action (`capture`); the entries a peer
//! has not had yet and snapshots (`outgoing`); applying a package's entries, all or nothing,
//! keeping both versions of what was changed on two machines (`incoming`, `apply`, `keep`);
//! changes to records deleted here, kept to bring them back (`deleted_here`, `restore`);
//! conflicts and the user's picks, which travel too (`conflicts`); look-alike compounds and
//! clusters (`look_alikes`); photos' bytes beside the entries (`photo_bytes`); the history of
//! packages (`history`).

mod apply;
mod arriving;
mod arriving_packs;
mod capture;
mod changeset;
mod conflicts;
mod deleted_here;
mod history;
mod identity;
mod incoming;
mod keep;
mod keys;
mod look_alikes;
mod natural_keys;
mod outgoing;
mod photo_bytes;
mod restore;
mod rows;
mod tables;
mod take;

pub(crate) use capture::{Capture, Origin};
pub use tables::{BOOKKEEPING, Belongs, TRAVELLING, Travelling};

/// Appends an entry of this file's own (not captured by a session: a signed record, whole).
pub(crate) fn append_entry(
    conn: &rusqlite::Connection,
    origin: &Origin,
    kind: crate::model::sync::EntryKind,
    changeset: &[u8],
) -> Result<i64, crate::store::StoreError> {
    capture::append(conn, origin, kind, changeset, None, false)
}
pub use conflicts::{ConflictField, ConflictRecord, FieldPick};
pub use history::PackageRecord;
pub(crate) use identity::ensure_identity;
pub use incoming::ImportOutcome;
pub use keys::{KnownDevice, LearnedFrom, Trust};
pub(crate) use keys::{key_of, name_of, pin};
pub use look_alikes::{DuplicateOffer, LookAlike};
pub use outgoing::{Outgoing, Peer, Scope};
pub(crate) use rows::Rows;
