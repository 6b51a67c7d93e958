//! Importing a package. Everything that can refuse it is checked before anything is written
//! (this file's own package, a newer schema, a catalogue this build lacks, a gap in the
//! sender's numbering); then it applies in one transaction, all of it or none. The same
//! package, or the same changes again, change nothing. At the office, what a package changed
//! becomes the office's own numbered changes, which it passes on to the other laptops.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};

use super::LearnedFrom as Learned;
use super::apply::{Applier, Source};
use super::arriving::{Arriving, blame_package, over_limits};
use super::capture::{Capture, append};
use super::changeset::{count, decode};
use super::rows::Tables;
use crate::model::device_key::fingerprint;
use crate::model::sync::{Counts, EntryKind, Package, Role};
use crate::model::{InspectionId, SealCheck};
use crate::store::cached::Cached as _;
use crate::store::{SCHEMA_VERSION, Store, StoreError, now};

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub source_name: String,
    /// Changes applied.
    pub applied: usize,
    /// Changes this file had already (an overlapping or repeated package).
    pub already_here: usize,
    /// Fields changed on both machines, kept for a user to pick.
    pub conflicts: usize,
    /// Compounds that look like ones already here, offered for merging.
    pub duplicates: usize,
    /// Signed records that arrived, their seals checked and logged here.
    pub sealed: usize,
    /// Rows inserted, updated and deleted per table, as the package brought them.
    pub counts: BTreeMap<String, Counts>,
    /// Changes made elsewhere to records signed here: not taken.
    pub stale: usize,
    /// Fields changed here before a record was signed elsewhere, replaced by the signed
    /// version.
    pub superseded: usize,
    /// Rows added elsewhere to records deleted here: not taken, the deletion stands.
    pub orphaned: usize,
    /// Records that arrived whole (a snapshot's) exactly as they are here: nothing to take.
    pub unchanged: usize,
    /// Records of a snapshot whose every change this file had from its sender already.
    pub had: usize,
    /// Survey rounds renumbered and the like.
    pub notes: Vec<String>,
    /// The package was imported before: nothing was written.
    pub repeated: bool,
    /// The sender's key fingerprint (`None`: an unsigned package from an older program).
    pub sender_fingerprint: Option<String>,
    /// The sender's key was learned from this package (its first here).
    pub learned_sender: bool,
}

impl ImportOutcome {
    /// One line for the status bar.
    pub fn summary(&self) -> String {
        let mut text = self.what_arrived();
        match (&self.sender_fingerprint, self.learned_sender) {
            (Some(fp), true) => text.push_str(&format!(
                "首次收到“{}”的数据包，已记下它的密钥指纹 {fp}：请打电话请对方在其“数据交换”页读出“密钥指纹”核对；以后冒充它的数据包会被拒绝。",
                self.source_name
            )),
            (None, _) if !self.repeated => {
                text.push_str("此数据包没有签名（对方程序版本较旧），无法核实发送方：请对方升级程序。");
            }
            _ => {}
        }
        text
    }

    fn what_arrived(&self) -> String {
        if self.repeated {
            return format!(
                "此数据包（来自{}）以前已导入过，本次没有写入任何内容。",
                self.source_name
            );
        }
        if self.applied == 0 {
            return format!(
                "来自{}的数据包没有新内容（{} 批变更本机已有）：本机的记录没有改动，只在交换记录中记下收到了此数据包（导入前已备份）。",
                self.source_name, self.already_here
            );
        }
        // Records the package brought (rows inserted, updated or deleted), whatever became
        // of them.
        let (inserts, updates, deletes) = self.counts.values().fold((0, 0, 0), |(i, u, d), c| {
            (i + c.inserts, u + c.updates, d + c.deletes)
        });
        let records = inserts + updates + deletes;
        let known = self.unchanged + self.had;
        let taken = records.saturating_sub((self.stale + self.orphaned + known) as u64);
        // What became of each record is said below (refused, conflicts); not every record
        // the package names changed something here, so nothing claims they all were taken.
        let mut text = if taken == 0 && known > 0 && self.stale + self.orphaned == 0 {
            format!(
                "来自{}的数据包已读取：包中 {records} 条记录本机都已有（内容相同，或早已从对方收到），本机的记录没有改动（只在交换记录中记下收到了此数据包，导入前已备份）",
                self.source_name
            )
        } else if taken == 0 {
            format!(
                "来自{}的数据包已读取，其中 {records} 条记录的改动都没有采用（原因见下）",
                self.source_name
            )
        } else {
            format!(
                "已导入来自{}的数据包：包中共 {records} 条记录的改动（新增 {inserts}、修改 {updates}、删除 {deletes}）",
                self.source_name
            )
        };
        if taken > 0 && known > 0 {
            text.push_str(&format!(
                "，其中 {known} 条本机已有（内容相同，或早已从对方收到）"
            ));
        }
        if self.already_here > 0 {
            text.push_str(&format!("，另有 {} 批变更本机已有", self.already_here));
        }
        if self.sealed > 0 {
            text.push_str(&format!("，{} 份已签字记录核验一致", self.sealed));
        }
        if self.conflicts > 0 || self.duplicates > 0 {
            text.push_str(&format!(
                "。待处理：{} 处冲突、{} 对疑似重复，请在“冲突处理”中逐项选择",
                self.conflicts, self.duplicates
            ));
        }
        text.push('。');
        if self.stale > 0 {
            text.push_str(&format!(
                "{} 条记录的改动针对本机已签字锁定的记录，未采用（签字记录不能改动，如需更正请新建一轮）。",
                self.stale
            ));
        }
        if self.superseded > 0 {
            text.push_str(&format!(
                "{} 项本机在签字前的改动已由对方的签字记录取代（见“冲突处理”的已处理记录）。",
                self.superseded
            ));
        }
        if self.orphaned > 0 {
            text.push_str(&format!(
                "{} 条对方新增的记录所属的小区或记录已在本机删除，未采用（删除保持有效）。",
                self.orphaned
            ));
        }
        for note in &self.notes {
            text.push_str(note);
            text.push('。');
        }
        text
    }
}

impl Store {
    /// Imports `package` (read from `file_name`): all of it or nothing.
    pub fn import_package(
        &mut self,
        package: &Package,
        file_name: &str,
    ) -> Result<ImportOutcome, StoreError> {
        let me = self
            .identity()?
            .ok_or_else(|| StoreError::ViewOnly("此文件只能查看，不能导入数据包".to_owned()))?;
        let m = &package.manifest;
        let refuse = |why: String| Err(StoreError::refused(format!("{why}本机数据未改动。")));
        if m.source_id == me.id {
            return refuse("这是本机自己导出的数据包，不能导入本机。".to_owned());
        }
        if m.schema_version > SCHEMA_VERSION {
            return refuse(format!(
                "数据包由更新版本的程序导出（数据版本 {}，本机 {SCHEMA_VERSION}）：请先升级本机程序再导入。",
                m.schema_version
            ));
        }
        // The file's own packs first: their catalogues are known to this check (a file whose
        // pack cannot be read still imports, against the built-in catalogues).
        self.know_pack_catalogues();
        let arriving = super::arriving_packs::arriving_packs(&package.entries);
        let arriving_pack = arriving.last();
        let brought = |v: &str| {
            arriving.iter().any(|p| {
                p.standards.iter().any(|c| c.version == v)
                    || p.survey.iter().any(|c| c.version == v)
            })
        };
        if let Some(unknown) = m
            .catalogue_versions
            .iter()
            .find(|v| !catalogue_known(v) && !brought(v))
        {
            return refuse(format!(
                "数据包中的记录用的是本机没有的标准目录“{unknown}”：请先升级本机程序再导入。"
            ));
        }
        // Every entry is the sender's own (what it applied from others travels as its own
        // entries, with where they came from): an entry credited to another machine would not
        // be covered by that machine's signature.
        if let Some(other) = package.entries.iter().find(|e| e.origin != m.source_id) {
            return refuse(format!(
                "数据包声称来自“{}”，却含有记在另一台电脑（编号 {}）名下的变更：不是本程序导出的数据包，已拒绝。",
                m.source_name,
                crate::model::sync::short_device_id(&other.origin)
            ));
        }
        if let Some(problem) =
            crate::model::sync::numbering_problem(&package.entries, package.manifest.range)
        {
            return refuse(format!(
                "数据包“{file_name}”的变更编号有误：{problem}。不是本程序完整导出的数据包，已拒绝。"
            ));
        }
        // Who sent it: a machine known here must sign with the key it is known by, and a
        // known machine's package must be signed at all.
        match (
            &package.sender_key,
            super::key_of(&self.conn, &m.source_id)?,
        ) {
            (Some(key), Some(known)) if !known.eq_ignore_ascii_case(key) => {
                return Err(StoreError::KeyMismatch {
                    name: m.source_name.clone(),
                    expected: fingerprint(&known),
                    found: fingerprint(key),
                });
            }
            (None, Some(known)) => {
                return refuse(format!(
                    "数据包没有签名，而本机记得“{}”的密钥（指纹 {}）：可能是别人冒充它做的，已拒绝。请让对方用本版程序重新导出。",
                    m.source_name,
                    fingerprint(&known)
                ));
            }
            _ => {}
        }
        let mut outcome = ImportOutcome {
            source_name: m.source_name.clone(),
            sender_fingerprint: package.sender_key.as_deref().map(fingerprint),
            ..ImportOutcome::default()
        };
        let imported_at: Option<String> = self
            .conn
            .query_row_cached(
                "SELECT at FROM package_log WHERE id = ?1 AND direction = 'received'",
                [&m.package_id],
                |r| r.get(0),
            )
            .optional()?;
        if imported_at.is_some() {
            outcome.repeated = true;
            outcome.already_here = package.entries.len();
            return Ok(outcome);
        }
        // The sender's changes must come without a gap after what is here.
        let progress = self.applied_up_to(&m.source_id)?;
        let start = progress.max(m.snapshot_covers.unwrap_or(0));
        if let Some(first) = package
            .entries
            .iter()
            .filter(|e| e.seq > start)
            .map(|e| e.seq)
            .min()
            && first > start + 1
        {
            return refuse(format!(
                "缺少{}的第 {} 至 {} 号变更（本机只收到第 {start} 号为止）：请先导入更早的数据包，或请对方导出“全部数据”。",
                m.source_name,
                start + 1,
                first - 1
            ));
        }
        // A package of another county's pack: a new file (a laptop set up from its office)
        // becomes that county's; a file with records of its own refuses it.
        let takeover = super::arriving_packs::county_to_take(self, arriving_pack)?;
        // What is here now is kept before anything arrives; kept only if the import applies
        // (a refused package changed nothing, and its backup would only push good ones out).
        self.with_backup_before(crate::store::backup::BackupReason::BeforeImport, |store| {
            let applying = Applying {
                me: &me,
                progress,
                start,
                takeover: takeover.as_ref(),
            };
            store.apply_package_entries(package, file_name, &applying, &mut outcome)
        })?;
        // The packs that arrived are known from now on (records filled in with their
        // catalogues are read against them), and the one in force is read again.
        for pack in &arriving {
            pack.register_catalogues();
        }
        self.pack = std::cell::OnceCell::new();
        if let Err(e) = self.policy_pack() {
            tracing::warn!("导入后读取政策包失败：{e}");
        }
        Ok(outcome)
    }

    /// Applies the entries of a checked package, all of them or none (one transaction).
    fn apply_package_entries(
        &mut self,
        package: &Package,
        file_name: &str,
        applying: &Applying<'_>,
        outcome: &mut ImportOutcome,
    ) -> Result<(), StoreError> {
        let Applying {
            me,
            progress,
            start,
            takeover,
        } = *applying;
        let m = &package.manifest;
        let capture_as_office = me.role == Role::Office;
        let origin = self.origin()?.clone();
        self.without_capture(|store| {
            store.in_one_transaction(|store| {
                let conn = &store.conn;
                conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
                if let Some(key) = &package.sender_key {
                    outcome.learned_sender =
                        super::pin(conn, &m.source_id, &m.source_name, key, Learned::Package)?
                            == super::Trust::Learned;
                }
                // The pictures first: the photo rows that arrive name them.
                super::photo_bytes::take(conn, &package.photo_bytes, file_name)?;
                let mut named = std::collections::BTreeSet::new();
                let mut tables = Tables::default();
                let mut last = progress;
                let mut rows = 0;
                let mut arriving = Arriving::default();
                for entry in &package.entries {
                    if entry.seq > 0 && entry.seq <= start {
                        outcome.already_here += 1;
                        continue;
                    }
                    // A snapshot of what this file has already had from its sender (a repeated
                    // first package, or an older one arriving late): only its signed records
                    // are looked at (they must match what is here); the rest is old news.
                    let stale = entry.seq == 0
                        && m.snapshot_covers.is_some_and(|covers| covers <= progress);
                    let echo = entry.source.as_ref().is_some_and(|(o, _)| *o == me.id);
                    if echo && !entry.adjusted {
                        // This file's own change, as the office applied it: already here.
                        outcome.already_here += 1;
                        last = last.max(entry.seq);
                        continue;
                    }
                    let blame = |e| blame_package(e, conn, file_name, entry.seq);
                    let changes = decode(&entry.changeset).map_err(blame)?;
                    rows += changes.len();
                    if let Some(problem) = over_limits(&changes, rows) {
                        return Err(StoreError::refused(format!(
                            "数据包“{file_name}”中第 {} 号变更{problem}：不是本程序正常导出的数据包。已拒绝，本机数据未改动。",
                            entry.seq
                        )));
                    }
                    if !stale {
                        arriving.note(&changes);
                        super::photo_bytes::named(conn, &mut tables, &changes, &mut named)?;
                    }
                    count(&changes, &mut outcome.counts);
                    // A signed record is passed on as it came; other changes as what they did
                    // here.
                    let capture = if capture_as_office && !echo && entry.kind != EntryKind::Signed {
                        Some(Capture::start(conn, origin.clone())?)
                    } else {
                        None
                    };
                    let source = Source {
                        origin: &entry.origin,
                        origin_name: &entry.author,
                        seq: entry.seq,
                        made_at: &entry.made_at,
                        first: match &entry.source {
                            Some((origin, seq)) => (origin.as_str(), *seq),
                            None => (entry.origin.as_str(), entry.seq),
                        },
                        kind: entry.kind,
                        package_id: &m.package_id,
                        echo,
                        at_office: capture_as_office,
                        stale,
                    };
                    let applied = Applier::new(conn, &mut tables, source)
                        .apply(changes)
                        .map_err(blame)?;
                    let from = (entry.seq > 0).then_some((entry.origin.as_str(), entry.seq));
                    if let Some(capture) = capture {
                        let kind = match entry.kind {
                            EntryKind::Resolution => EntryKind::Resolution,
                            EntryKind::Edit | EntryKind::Snapshot | EntryKind::Signed => {
                                EntryKind::Edit
                            }
                        };
                        let seq = capture.finish_as(conn, kind, from, applied.adjusted)?;
                        if let (Some(seq), EntryKind::Resolution) = (seq, kind) {
                            // A pick keeps when it was made: picks are ordered by it.
                            conn.execute_cached(
                                "UPDATE change_log SET made_at = ?3 WHERE origin = ?1 AND seq = ?2",
                                rusqlite::params![origin.id, seq, entry.made_at],
                            )?;
                        }
                    } else if capture_as_office && !echo {
                        append(
                            conn,
                            &origin,
                            EntryKind::Signed,
                            &entry.changeset,
                            from,
                            false,
                        )?;
                    }
                    outcome.applied += 1;
                    outcome.stale += applied.stale;
                    outcome.superseded += applied.superseded;
                    outcome.orphaned += applied.orphaned;
                    outcome.unchanged += applied.unchanged;
                    outcome.had += applied.had;
                    outcome.conflicts += applied.conflicts;
                    outcome.duplicates += applied.duplicates;
                    outcome.notes.extend(applied.notes);
                    last = last.max(entry.seq);
                }
                last = last.max(m.snapshot_covers.unwrap_or(0));
                arriving.check(store, file_name)?;
                if let Some(photo) = super::photo_bytes::first_missing(conn, &named)? {
                    return Err(StoreError::refused(format!(
                        "数据包“{file_name}”缺少照片“{photo}”的图片内容：不是本程序完整导出的数据包。已拒绝，本机数据未改动。请让对方重新导出一份。"
                    )));
                }
                outcome.sealed = log_arrived_seals(store, package.sender_key.is_some())?;
                check_links(conn)?;
                // What waits for a user now (a conflict a later change of the same package
                // settled is not waiting), as the message and the package log say it.
                (outcome.conflicts, outcome.duplicates) = conn.query_row(
                    "SELECT (SELECT count(*) FROM conflict
                             WHERE package_id = ?1 AND resolved_at IS NULL),
                            (SELECT count(*) FROM duplicate
                             WHERE package_id = ?1 AND resolved_at IS NULL)",
                    [&m.package_id],
                    |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
                )?;
                if let Some((old, new)) = takeover {
                    crate::store::policy_pack::leave_county(conn, old, new)?;
                }
                record_received(conn, package, file_name, last, outcome, &me.id)?;
                Ok::<_, StoreError>(())
            })
        })
    }

    /// How far `origin`'s numbered changes are applied here.
    pub(crate) fn applied_up_to(&self, origin: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row_cached(
                "SELECT applied_up_to FROM peer WHERE id = ?1",
                [origin],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }
}

/// How a checked package is applied: who this file is, how far the sender's changes are
/// here, and the county this file leaves for the package's (a new file taking its office's
/// pack: the county it was made for, and the new pack's towns).
#[derive(Clone, Copy)]
struct Applying<'a> {
    me: &'a crate::model::sync::Identity,
    progress: i64,
    start: i64,
    takeover: Option<&'a (
        crate::store::policy_pack::PackSummary,
        crate::model::policy_pack::PackToml,
    )>,
}

fn catalogue_known(version: &str) -> bool {
    crate::model::Catalogue::version(version).is_some()
        || crate::model::SurveyCatalogue::version(version).is_some()
}

/// Signed records that arrived: each seal is checked against the record as it arrived and
/// entered in this file's sign-off log; one that does not match refuses the package.
fn log_arrived_seals(store: &Store, signed_package: bool) -> Result<usize, StoreError> {
    let arrived: Vec<(InspectionId, String, Option<u32>, Option<String>)> = store
        .conn
        .prepare(
            "SELECT id, seal, seal_version, signed_off_at FROM inspection
             WHERE seal IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM seal_log l WHERE l.inspection_id = inspection.id)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (id, seal, version, signed_off_at) in &arrived {
        crate::store::seal::append_log(
            &store.conn,
            *id,
            seal,
            version.unwrap_or(1),
            signed_off_at.as_deref().unwrap_or_default(),
        )?;
        let inspection = store.inspection(*id)?;
        // A record signed on a third machine, passed on in a signed package: its key is
        // learned with it (the machine that passed it on vouches for it), unless that machine
        // is known here. An unsigned package vouches for nothing: its signer stays unknown
        // and the package is refused below.
        if let Some(signer) = &inspection.signer
            && signed_package
            && inspection.seal_version == Some(3)
            && super::key_of(&store.conn, &signer.device)?.is_none()
            && crate::model::device_key::verify(
                &signer.public_key,
                &crate::model::device_key::seal_message(seal),
                &signer.signature,
            )
        {
            let name = super::name_of(&store.conn, &signer.device)?;
            super::pin(
                &store.conn,
                &signer.device,
                &name,
                &signer.public_key,
                Learned::Relayed,
            )?;
        }
        let signatures = store.signatures(*id)?;
        match store.check_seal_of(&inspection, &signatures)? {
            SealCheck::Intact { .. } => {}
            SealCheck::Tampered {
                sealed_code,
                current_code,
            } => {
                return Err(StoreError::refused(format!(
                    "数据包中的已签字记录“{}”与其校验码不符（签字时 {sealed_code}，数据包中 {current_code}），判定为篡改：整个数据包未导入，本机数据未改动。",
                    store.inspection_listing(*id)?.describe()
                )));
            }
            other => {
                let why = other.finding().map(|f| f.explanation()).unwrap_or_default();
                return Err(StoreError::refused(format!(
                    "数据包中的已签字记录“{}”{why}：整个数据包未导入，本机数据未改动。",
                    store.inspection_listing(*id)?.describe()
                )));
            }
        }
    }
    Ok(arrived.len())
}

/// Every row's links hold once the package is in (checked before the commit, which would
/// refuse anyway, so the message can say what is missing).
fn check_links(conn: &Connection) -> Result<(), StoreError> {
    let broken: Option<String> = conn
        .query_row_cached("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    match broken {
        Some(table) => Err(super::apply::missing_parent(&table)),
        None => Ok(()),
    }
}

/// The sender as a peer (how far its changes are applied here, and how far ours are there,
/// as it acknowledges), and the package in the history.
fn record_received(
    conn: &Connection,
    package: &Package,
    file_name: &str,
    applied_up_to: i64,
    outcome: &ImportOutcome,
    me: &str,
) -> Result<(), StoreError> {
    let m = &package.manifest;
    let ack = if m.destination_id.as_deref() == Some(me) {
        m.ack.unwrap_or(0)
    } else {
        0
    };
    conn.execute_cached(
        "INSERT INTO peer (id, name, role, applied_up_to, sent_up_to)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
             applied_up_to = max(applied_up_to, excluded.applied_up_to),
             sent_up_to = max(sent_up_to, excluded.sent_up_to)",
        rusqlite::params![
            m.source_id,
            m.source_name,
            m.source_role.code(),
            applied_up_to,
            ack
        ],
    )?;
    let counts = serde_json::to_string(&outcome.counts).unwrap_or_default();
    conn.execute_cached(
        "INSERT INTO package_log (id, direction, peer_id, peer_name, at, file_name, first_seq,
             last_seq, snapshot, counts, applied, skipped, conflicts, note)
         VALUES (?1, 'received', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        rusqlite::params![
            m.package_id,
            m.source_id,
            m.source_name,
            now(),
            file_name,
            m.range.map(|(f, _)| f),
            m.range.map(|(_, l)| l),
            m.snapshot_covers.is_some(),
            counts,
            outcome.applied as i64,
            outcome.already_here as i64,
            (outcome.conflicts + outcome.duplicates) as i64,
            outcome.notes.join("；")
        ],
    )?;
    Ok(())
}
