//! What a package for a peer holds: this file's numbered changes the peer has not had, or, for
//! a new laptop (or a file that held records before it could send packages), a snapshot of
//! every record, made with a session on a scratch copy so it is a changeset like any other.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::changeset::{count, decode};
use super::rows::{Rows, snapshot_filter};
use super::tables::TRAVELLING;
use crate::model::sync::{
    Entry, EntryKind, Manifest, PACKAGE_FORMAT, Role, SignedManifest, payload_hash,
    photo_bytes_hash,
};
use crate::model::{Clock, TownId};
use crate::store::{SCHEMA_VERSION, Store, StoreError, now};

/// What a package is to hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The changes the destination has not had (the first time, from a file that held records
    /// before it could send packages, a snapshot of them).
    Changes,
    /// Every record this file holds now, as a snapshot: sets up a new laptop. With a town, only
    /// that town's compounds (and every town and cluster).
    Everything { town: Option<TownId> },
}

/// A machine this file has exchanged packages with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Its numbered changes applied here, up to.
    pub applied_up_to: i64,
    /// Ours sent to it (or acknowledged by it), up to.
    pub sent_up_to: i64,
    pub snapshot_sent: bool,
}

/// A package ready to be written.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub manifest: Manifest,
    /// The manifest as the package stores it, signed with this file's device key.
    pub signed: SignedManifest,
    pub entries: Vec<Entry>,
    /// The pictures of the photos the entries add, each once.
    pub photo_bytes: Vec<crate::model::photo::PhotoBytes>,
}

impl Store {
    /// The machines this file has exchanged packages with, by name.
    pub fn peers(&self) -> Result<Vec<Peer>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, role, applied_up_to, sent_up_to, snapshot_sent FROM peer
             ORDER BY name, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, role, applied_up_to, sent_up_to, snapshot_sent) = row?;
            Ok(Peer {
                id,
                name,
                role: Role::from_code(&role).unwrap_or(Role::Field),
                applied_up_to,
                sent_up_to,
                snapshot_sent,
            })
        })
        .collect()
    }

    /// What a package to `destination` (a peer's id; `None` for a machine not met yet) holds.
    pub fn outgoing(
        &self,
        destination: Option<&str>,
        scope: &Scope,
        clock: &Clock,
    ) -> Result<Outgoing, StoreError> {
        // A signed record that does not verify here (changed after sign-off, a seal not from
        // a sign-off) would be taken as good at the office: nothing travels until it is settled.
        let audit = self.audit()?;
        if !audit.is_clean() {
            let lines = audit.lines();
            return Err(StoreError::refused(format!(
                "本机有 {} 处签字记录核验不一致，不能导出数据包（否则会被县办当作有效记录接收）：{}。请先核查（小区名册中标为【异常】的记录），以纸质验收单为准。",
                lines.len(),
                lines.join("；")
            )));
        }
        self.outgoing_unaudited(destination, scope, clock)
    }

    /// `outgoing` without the sender's audit: the package a hostile or broken sender would
    /// make, for the tests and the selftest that check the office refuses it.
    #[doc(hidden)]
    pub fn outgoing_unaudited(
        &self,
        destination: Option<&str>,
        scope: &Scope,
        clock: &Clock,
    ) -> Result<Outgoing, StoreError> {
        let me = self
            .identity()?
            .ok_or_else(|| StoreError::ViewOnly("此文件只能查看，不能导出数据包".to_owned()))?;
        let samples: i64 = self.conn.query_row(
            "SELECT count(*) FROM compound WHERE is_sample = 1",
            [],
            |r| r.get(0),
        )?;
        if samples > 0 {
            return Err(StoreError::refused(
                "此文件含示例数据（培训用），不能导出数据包：请在正式数据库中工作，示例数据库只用于练习。"
                    .to_owned(),
            ));
        }
        let peer = match destination {
            Some(id) => self.peers()?.into_iter().find(|p| p.id == id),
            None => None,
        };
        let last_own: i64 = self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = ?1",
            [&me.id],
            |r| r.get(0),
        )?;
        let needs_snapshot = match scope {
            Scope::Everything { .. } => true,
            Scope::Changes => {
                self.had_records()? && !peer.as_ref().is_some_and(|p| p.snapshot_sent)
            }
        };
        let mut entries = Vec::new();
        let mut snapshot_covers = None;
        if needs_snapshot {
            let town = match scope {
                Scope::Everything { town } => *town,
                Scope::Changes => None,
            };
            entries.push(Entry {
                origin: me.id.clone(),
                seq: 0,
                kind: EntryKind::Snapshot,
                made_at: now(),
                author: me.name.clone(),
                changeset: self.snapshot(Rows::All { town })?,
                source: None,
                adjusted: false,
            });
            snapshot_covers = Some(last_own);
        } else {
            let from = peer.as_ref().map_or(0, |p| p.sent_up_to);
            entries.extend(self.own_entries(&me.id, from)?);
        }
        let numbered: Vec<i64> = entries.iter().map(|e| e.seq).filter(|s| *s > 0).collect();
        let range = match (numbered.first(), numbered.last()) {
            (Some(first), Some(last)) => Some((*first, *last)),
            _ => None,
        };
        let mut counts = std::collections::BTreeMap::new();
        let mut named = std::collections::BTreeSet::new();
        let mut tables = super::rows::Tables::default();
        for entry in &entries {
            let changes = decode(&entry.changeset)?;
            count(&changes, &mut counts);
            super::photo_bytes::named(&self.conn, &mut tables, &changes, &mut named)?;
        }
        let photo_bytes = super::photo_bytes::read(&self.conn, &named)?;
        // A photo here whose picture is not (a damaged file): the office would refuse the
        // package, and exporting again would not help. (A picture missing because its photo
        // was deleted since is not needed: the deletion travels in the same package.)
        if photo_bytes.len() < named.len() {
            let mut missing = named.clone();
            for p in &photo_bytes {
                missing.remove(&p.sha256);
            }
            if let Some(photo) = super::photo_bytes::first_missing(&self.conn, &missing)? {
                return Err(StoreError::refused(format!(
                    "本机照片“{photo}”的图片内容缺失（数据库文件可能已损坏），不能导出数据包：请从备份恢复此文件，或删除这张照片后重新导出。"
                )));
            }
        }
        let photos = counts.get("photo").map_or(0, |c| c.inserts);
        let manifest = Manifest {
            format: PACKAGE_FORMAT.to_owned(),
            package_id: uuid::Uuid::now_v7().to_string(),
            source_id: me.id.clone(),
            source_name: me.name.clone(),
            source_role: me.role,
            destination_id: peer.as_ref().map(|p| p.id.clone()),
            destination_name: peer.as_ref().map(|p| p.name.clone()),
            created_at: clock.now().with_timezone(&chrono::Utc).to_rfc3339(),
            schema_version: SCHEMA_VERSION,
            catalogue_versions: self.catalogue_versions()?,
            catalogue_in_force: self.standards_in_force()?.version.clone(),
            range,
            snapshot_covers,
            ack: peer.as_ref().map(|p| p.applied_up_to),
            counts,
            photos,
            payload_sha256: payload_hash(&entries),
            source_key: None,
            photo_bytes_sha256: Some(photo_bytes_hash(&photo_bytes)),
        };
        let key = self.device_key()?;
        let manifest = Manifest {
            source_key: Some(key.public_hex()),
            ..manifest
        };
        let json = serde_json::to_string(&manifest)
            .map_err(|e| StoreError::Corrupt(format!("数据包清单无法写出：{e}")))?;
        let signed = SignedManifest {
            signature: key.sign(&crate::model::device_key::package_message(&json)),
            json,
        };
        Ok(Outgoing {
            manifest,
            signed,
            entries,
            photo_bytes,
        })
    }

    /// Records that a package was written to `file_name`: what its destination now has, and
    /// the package in the history.
    pub fn record_sent(&mut self, manifest: &Manifest, file_name: &str) -> Result<(), StoreError> {
        let tx = self.begin()?;
        let up_to = manifest
            .range
            .map(|(_, last)| last)
            .or(manifest.snapshot_covers)
            .unwrap_or(0);
        if let Some(peer) = &manifest.destination_id {
            tx.execute(
                "UPDATE peer SET sent_up_to = max(sent_up_to, ?2),
                     snapshot_sent = snapshot_sent OR ?3
                 WHERE id = ?1",
                rusqlite::params![peer, up_to, manifest.snapshot_covers.is_some()],
            )?;
        }
        tx.execute(
            "INSERT INTO package_log (id, direction, peer_id, peer_name, at, file_name, first_seq,
                 last_seq, snapshot, counts)
             VALUES (?1, 'sent', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                manifest.package_id,
                manifest.destination_id.clone().unwrap_or_default(),
                manifest
                    .destination_name
                    .clone()
                    .unwrap_or_else(|| "（新的接收方）".to_owned()),
                now(),
                file_name,
                manifest.range.map(|(f, _)| f),
                manifest.range.map(|(_, l)| l),
                manifest.snapshot_covers.is_some(),
                serde_json::to_string(&manifest.counts).unwrap_or_default()
            ],
        )?;
        tx.commit()
    }

    /// The numbered changes a package to `destination` would carry, for its file name (`None`
    /// when it would carry a snapshot, or nothing).
    pub fn unsent_range(
        &self,
        destination: Option<&str>,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let Some(me) = self.identity()? else {
            return Ok(None);
        };
        let peer = match destination {
            Some(id) => self.peers()?.into_iter().find(|p| p.id == id),
            None => None,
        };
        if self.had_records()? && !peer.as_ref().is_some_and(|p| p.snapshot_sent) {
            return Ok(None);
        }
        let from = peer.map_or(0, |p| p.sent_up_to);
        let last: i64 = self.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = ?1",
            [&me.id],
            |r| r.get(0),
        )?;
        Ok((last > from).then_some((from + 1, last)))
    }

    /// This file's numbered changes after `from`, in order.
    fn own_entries(&self, me: &str, from: i64) -> Result<Vec<Entry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, kind, made_at, author, changeset, source_origin, source_seq, adjusted
             FROM change_log WHERE origin = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map((me, from), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, bool>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, kind, made_at, author, changeset, source, source_seq, adjusted) = row?;
            Ok(Entry {
                origin: me.to_owned(),
                seq,
                kind: EntryKind::from_code(&kind).ok_or_else(|| {
                    StoreError::Corrupt(format!("变更记录的类别“{kind}”无法识别"))
                })?,
                made_at,
                author,
                changeset,
                source: source.zip(source_seq),
                adjusted,
            })
        })
        .collect()
    }

    /// The catalogues this file's records were filled in with.
    fn catalogue_versions(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT catalogue_version FROM inspection UNION SELECT catalogue_version FROM survey
             ORDER BY 1",
        )?;
        let versions = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(versions)
    }

    /// The `rows` as one changeset of inserts: copied into a scratch database under a session.
    pub(crate) fn snapshot(&self, rows: Rows) -> Result<Vec<u8>, StoreError> {
        let scratch = Connection::open_in_memory()?;
        // A part of the file (one record) need not bring what it refers to.
        scratch.pragma_update(None, "foreign_keys", false)?;
        for table in TRAVELLING.iter().map(|t| t.name) {
            let sql: String = self
                .conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::Corrupt(format!("没有表 {table}")))?;
            scratch.execute_batch(&sql)?;
        }
        let mut session = rusqlite::session::Session::new(&scratch)?;
        session.attach(None::<&str>)?;
        let (town, key) = match rows {
            Rows::All { town } => (town.map(|t| t.to_string()), None),
            Rows::Compound(id) => (None, Some(id.to_string())),
            Rows::Inspection(id) => (None, Some(id.to_string())),
        };
        for spec in TRAVELLING.iter().rev() {
            let table = spec.name;
            let filter = snapshot_filter(spec, rows);
            let layout = super::rows::Table::read(&self.conn, table)?;
            let sql = format!(
                "SELECT {} FROM \"{table}\" WHERE {filter}",
                layout.column_list()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let n = layout.columns.len();
            let mut found = stmt.query(rusqlite::named_params! { ":town": town, ":key": key })?;
            while let Some(r) = found.next()? {
                let row: Vec<Value> = (0..n)
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<Result<_, _>>()?;
                let marks = (1..=n)
                    .map(|i| format!("?{i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                scratch
                    .prepare_cached(&format!(
                        "INSERT INTO \"{table}\" ({}) VALUES ({marks})",
                        layout.column_list()
                    ))?
                    .execute(params_from_iter(row.iter()))?;
            }
        }
        let mut changeset = Vec::new();
        session.changeset_strm(&mut changeset)?;
        Ok(changeset)
    }
}
