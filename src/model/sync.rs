//! Several laptops and one county office: who a database file is, what travels between files
//! and what a package says about itself. The changes themselves are SQLite session changesets
//! (the store captures and applies them); this module only names and checks things.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a database file is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 县办: the county office (县住建局 / 改造办), where packages meet.
    Office,
    /// 外业: a town's or an inspector's laptop.
    Field,
}

impl Role {
    pub const ALL: [Self; 2] = [Self::Office, Self::Field];

    pub fn label(self) -> &'static str {
        match self {
            Self::Office => "县办",
            Self::Field => "外业",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Office => "office",
            Self::Field => "field",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A database file's identity: given at creation (or on the first open after the upgrade),
/// the name editable, the id never.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// A UUID, shown shortened.
    pub id: String,
    /// e.g. 城关镇-王海燕的笔记本.
    pub name: String,
    pub role: Role,
}

impl Identity {
    /// How the status bar names this file: 城关镇-王海燕的笔记本（外业）.
    pub fn describe(&self) -> String {
        format!("{}（{}）", self.name, self.role.label())
    }
}

/// What kind of change an entry carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// One user action's changes.
    Edit,
    /// Every record the sender had when it made the package: sets up a new laptop, or brings
    /// over what a file held before it could send packages. Rows that differ from the
    /// receiver's become conflicts.
    Snapshot,
    /// A user's pick in a conflict: it replaces whatever the receiver has, and closes the same
    /// conflict there.
    Resolution,
    /// A record as it was signed, whole (sent with its sign-off): its signature decides its
    /// content, over changes made elsewhere before it was signed.
    Signed,
}

impl EntryKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Snapshot => "snapshot",
            Self::Resolution => "resolution",
            Self::Signed => "signed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Edit, Self::Snapshot, Self::Resolution, Self::Signed]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// One change: a device's numbered changeset.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The device that made it.
    pub origin: String,
    /// Its number there, from 1, without gaps (0 for a snapshot, which is not numbered).
    pub seq: i64,
    pub kind: EntryKind,
    /// When (RFC 3339, UTC).
    pub made_at: String,
    /// The device's name then.
    pub author: String,
    /// A SQLite session changeset.
    pub changeset: Vec<u8>,
    /// At the office, which applies the others' changes and passes them on as its own: the
    /// device and number of the change this one applied.
    pub source: Option<(String, i64)>,
    /// Whether the office applied that change other than it came (a field kept for review, a
    /// survey round renumbered): its source then takes it back too.
    pub adjusted: bool,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("origin", &self.origin)
            .field("seq", &self.seq)
            .field("kind", &self.kind)
            .field("source", &self.source)
            .field("bytes", &self.changeset.len())
            .finish_non_exhaustive()
    }
}

/// How many inserts, updates and deletes a package brings to one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub inserts: u64,
    pub updates: u64,
    pub deletes: u64,
}

/// What a package says about itself. Written as JSON into the package.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `yanshou-package/2` (signed), or `/1` from an older program (unsigned).
    pub format: String,
    pub package_id: String,
    pub source_id: String,
    pub source_name: String,
    pub source_role: Role,
    /// Who it was made for, if known.
    pub destination_id: Option<String>,
    pub destination_name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub schema_version: u32,
    /// The catalogues (standards, survey forms) its records were filled in with.
    pub catalogue_versions: Vec<String>,
    /// The standard catalogue the sender uses for new records.
    pub catalogue_in_force: String,
    /// The first and last of the sender's numbered entries it carries.
    pub range: Option<(i64, i64)>,
    /// For a package with a snapshot: the sender's entries the snapshot already reflects (up
    /// to and including this number).
    pub snapshot_covers: Option<i64>,
    /// How far the destination's own changes are applied at the sender: the destination need
    /// not send them again.
    pub ack: Option<i64>,
    /// Per table.
    pub counts: BTreeMap<String, Counts>,
    pub photos: u64,
    /// SHA-256 of the entries, in order (`payload_hash`).
    pub payload_sha256: String,
    /// The sender's public key (format 2 on), whose signature over this manifest the package
    /// carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_key: Option<String>,
    /// SHA-256 of the photos' bytes the package carries (format 3: `photo_bytes_hash`). Its
    /// entries' photo rows name their bytes by hash; each picture travels once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_bytes_sha256: Option<String>,
}

/// A manifest as written into a package, and the sender's signature over exactly that text
/// (`device_key::package_message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedManifest {
    pub json: String,
    pub signature: String,
}

/// A package as read from its file and checked against its manifest.
#[derive(Clone, Debug)]
pub struct Package {
    pub manifest: Manifest,
    /// The sender's key, its signature checked (`None` for an unsigned package of format 1).
    pub sender_key: Option<String>,
    /// A snapshot (if any) first, then numbered entries in order.
    pub entries: Vec<Entry>,
    /// The bytes of the photos its entries add, each checked against its hash (format 3;
    /// older packages carry them inside the photo rows).
    pub photo_bytes: Vec<crate::model::photo::PhotoBytes>,
}

/// The package format this build writes: signed with the sender's device key, each photo's
/// bytes carried once beside the entries.
pub const PACKAGE_FORMAT: &str = "yanshou-package/3";

/// The signed format of the programs before photos were stored by content: still read (their
/// photo rows carry their bytes).
pub const PHOTO_ROWS_PACKAGE_FORMAT: &str = "yanshou-package/2";

/// The format older programs wrote (unsigned): still read, from a machine whose key is not
/// known here.
pub const UNSIGNED_PACKAGE_FORMAT: &str = "yanshou-package/1";

/// What is wrong with a package's numbering, if anything: a snapshot is numbered 0 and
/// every other entry from 1, in one unbroken run with no number twice, and the run is the
/// range the manifest states. A gap inside a package would otherwise move the receiver past
/// changes it never had.
fn numbering_words(entries: &[Entry], range: Option<(i64, i64)>) -> Option<String> {
    let mut previous: Option<i64> = None;
    for e in entries {
        if e.kind == EntryKind::Snapshot {
            if e.seq != 0 {
                return Some(format!("全部数据的快照编号为 {}（应为 0）", e.seq));
            }
            continue;
        }
        if e.seq < 1 {
            return Some(format!("有一项变更的编号为 {}（应从 1 起）", e.seq));
        }
        match previous {
            Some(p) if e.seq == p => return Some(format!("第 {p} 号变更出现了两次")),
            Some(p) if e.seq != p + 1 => {
                return Some(format!("第 {p} 号变更之后是第 {} 号，中间缺了", e.seq));
            }
            _ => {}
        }
        previous = Some(e.seq);
    }
    let first = entries
        .iter()
        .find(|e| e.kind != EntryKind::Snapshot)
        .map(|e| e.seq);
    let actual = first.zip(previous);
    (actual != range).then(|| {
        let said = range.map_or("无".to_owned(), |(a, b)| format!("第 {a}–{b} 号"));
        let held = actual.map_or("无".to_owned(), |(a, b)| format!("第 {a}–{b} 号"));
        format!("清单写明变更{said}，实际含{held}")
    })
}

/// Why a package's numbering is refused, if it is.
pub fn numbering_problem(entries: &[Entry], range: Option<(i64, i64)>) -> Option<super::Refusal> {
    numbering_words(entries, range).map(super::Refusal::new)
}

/// The SHA-256 of the photos' bytes a package carries, in the order given (by hash): what
/// the manifest promises.
pub fn photo_bytes_hash(photos: &[crate::model::photo::PhotoBytes]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for p in photos {
        for part in [p.sha256.as_bytes(), &p.jpeg] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    super::seal::hex(&hash.finalize())
}

/// The SHA-256 of a package's entries, in the order given: what the manifest promises.
pub fn payload_hash(entries: &[Entry]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for e in entries {
        let (source, source_seq) = match &e.source {
            Some((origin, seq)) => (origin.as_str(), *seq),
            None => ("", 0),
        };
        for part in [
            e.origin.as_bytes(),
            &e.seq.to_le_bytes(),
            e.kind.code().as_bytes(),
            e.made_at.as_bytes(),
            e.author.as_bytes(),
            source.as_bytes(),
            &source_seq.to_le_bytes(),
            &[u8::from(e.adjusted)],
            &e.changeset,
        ] {
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
    }
    super::seal::hex(&hash.finalize())
}

/// A short form of a device id for people: its last eight hex digits.
pub fn short_device_id(id: &str) -> String {
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    hex[hex.len().saturating_sub(8)..].to_uppercase()
}

/// The file name a package suggests: who, when and what range. `stamp` is the local time as
/// 20261129-1405.
pub fn package_file_name(source_name: &str, stamp: &str, own_range: Option<(i64, i64)>) -> String {
    let range = match own_range {
        Some((first, last)) => format!("第{first}-{last}号"),
        None => "全部".to_owned(),
    };
    format!("数据包-{source_name}-{stamp}-{range}.yspkg")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    fn entry(seq: i64, bytes: &[u8]) -> Entry {
        Entry {
            origin: "a".to_owned(),
            seq,
            kind: EntryKind::Edit,
            made_at: "2026-11-29T00:00:00Z".to_owned(),
            author: "甲".to_owned(),
            changeset: bytes.to_vec(),
            source: None,
            adjusted: false,
        }
    }

    #[test]
    fn the_payload_hash_changes_with_any_byte_order_or_boundary() {
        let one = payload_hash(&[entry(1, b"ab"), entry(2, b"c")]);
        assert_eq!(one.len(), 64);
        assert_ne!(one, payload_hash(&[entry(1, b"a"), entry(2, b"bc")]));
        assert_ne!(one, payload_hash(&[entry(2, b"c"), entry(1, b"ab")]));
        assert_ne!(one, payload_hash(&[entry(1, b"ab"), entry(2, b"d")]));
        assert_eq!(one, payload_hash(&[entry(1, b"ab"), entry(2, b"c")]));
    }

    #[test]
    fn names_for_people() {
        assert_eq!(
            short_device_id("01900000-0000-7000-8000-0000a1b2c3d4"),
            "A1B2C3D4"
        );
        assert_eq!(
            package_file_name("城关镇-王海燕", "20261129-1405", Some((3, 9))),
            "数据包-城关镇-王海燕-20261129-1405-第3-9号.yspkg"
        );
        assert_eq!(Role::from_code("office"), Some(Role::Office));
        assert_eq!(
            EntryKind::from_code("resolution"),
            Some(EntryKind::Resolution)
        );
    }
}
