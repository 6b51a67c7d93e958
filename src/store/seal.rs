//! Sign-off and the seal: sealing a record inside the transaction that locks it, appending the
//! seal to the sign-off log, checking a record (or a printed code) against its seal and the log,
//! and auditing the whole file.

use super::photos::PHOTO_JPEG;
use rusqlite::{OptionalExtension, params};

use super::error::SIGNED_OFF_MESSAGE;
use super::{InspectionListing, Store, StoreError, now};
use crate::model::cluster_acceptance::cluster_sign_off_blocker;
use crate::model::device_key::{fingerprint, seal_message, verify};
use crate::model::header::{SubjectHeader, cluster_header, compound_header};
use crate::model::seal::{
    CURRENT_SEAL_VERSION, Finding, LOG_GENESIS, LogEntry, PhotoEvidence, SealSigner, SealedRecord,
    SignerForm, broken_entries, entry_hash, seal_v2, sha256_hex,
};
use crate::model::signoff::{normalize_code, seal as seal_v1, short_code, sign_off_blockers};
use crate::model::sync::EntryKind;
use crate::model::{Inspection, InspectionId, MemberAcceptance, SealCheck, Signature, Subject};

/// What an audit of the whole file found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// Signed records checked.
    pub checked: usize,
    /// Each record with something wrong.
    pub findings: Vec<AuditFinding>,
    /// Log entries out of the chain (changed, removed around them, or forged).
    pub broken_log: Vec<i64>,
}

/// A signed record with something wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFinding {
    pub inspection: InspectionId,
    /// Whose record it is (unknown once deleted).
    pub subject: Option<Subject>,
    /// How messages name it (subject, date, round).
    pub what: String,
    pub finding: Finding,
}

impl Audit {
    /// Whether nothing was found.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.broken_log.is_empty()
    }

    /// The finding about one record, if any.
    pub fn finding(&self, id: InspectionId) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.inspection == id)
            .map(|f| &f.finding)
    }

    /// The findings about one compound's or cluster's records.
    pub fn findings_of(&self, subject: Subject) -> impl Iterator<Item = &AuditFinding> {
        self.findings
            .iter()
            .filter(move |f| f.subject == Some(subject))
    }

    /// One line per problem, for `list`, `verify --all` and the status bar.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .findings
            .iter()
            .map(|f| format!("{}：{}", f.what, f.finding.explanation()))
            .collect();
        if !self.broken_log.is_empty() {
            lines.push(format!(
                "签字日志被改动（第 {} 条与前后不符）：有人直接修改了数据库文件，请核查。",
                self.broken_log
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
        }
        lines
    }
}

impl Store {
    /// Completes the inspection: every party has signed and every item is decided. Inside one
    /// transaction that holds the write lock from the start, the record is read, sealed (format
    /// 2: everything the sheet prints), locked, and its seal appended to the sign-off log; a
    /// second writer cannot change it between the reading and the sealing. Returns the seal.
    pub fn sign_off(&mut self, id: InspectionId) -> Result<String, StoreError> {
        let tx = self.begin()?;
        let mut inspection = self.inspection(id)?;
        if inspection.is_signed_off() || self.logged_seal(id)?.is_some() {
            return Err(StoreError::ReadOnlyRecord(SIGNED_OFF_MESSAGE.to_owned()));
        }
        let signatures = self.signatures(id)?;
        let mut blockers = sign_off_blockers(&inspection, &signatures);
        if let Subject::Cluster(cluster) = inspection.subject {
            // A cluster acceptance seals its members' acceptances as they stand now, and may
            // not come out 合格 while one of them is not accepted.
            inspection.members = self.member_acceptances(cluster)?;
            let items = self.chain_of(id)?.effective_items();
            blockers
                .extend(cluster_sign_off_blocker(&items, &inspection.members).map(String::from));
        }
        let conflicts = self.open_conflicts_in(id)?;
        if conflicts > 0 {
            blockers.push(format!(
                "本轮有 {conflicts} 处两台电脑的不同修改待选择：请先在“冲突处理”中逐项选定"
            ));
        }
        if !blockers.is_empty() {
            return Err(StoreError::NotReady(blockers));
        }
        let header = self.subject_header(&inspection, Some(&inspection.members))?;
        let photos = self.photo_evidence(id)?;
        let rectifications = self.rectifications_of_round(id)?;
        let signed_off_at = now();
        // Format 3: the seal covers this file's device and key, and is signed with the key.
        let key = self.device_key()?;
        let device = self.origin()?.id.clone();
        let public_key = key.public_hex();
        let sealed = seal_v2(&SealedRecord {
            inspection: &inspection,
            header: &header,
            signatures: &signatures,
            photos: &photos,
            rectifications: &rectifications,
            signed_off_at: &signed_off_at,
            signer: Some(SignerForm {
                device: &device,
                public_key: &public_key,
            }),
        });
        let signature = key.sign(&seal_message(&sealed));
        {
            let mut member = tx.prepare_cached(
                "INSERT INTO inspection_member (inspection_id, position, compound_id, name, status, code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (position, m) in inspection.members.iter().enumerate() {
                member.execute(params![
                    id,
                    position as i64,
                    m.compound_id,
                    m.name,
                    m.status.code(),
                    m.code
                ])?;
            }
        }
        let header_json = serde_json::to_string(&header)
            .map_err(|e| StoreError::Corrupt(format!("表头无法保存：{e}")))?;
        let updated = tx.execute(
            "UPDATE inspection SET signed_off_at = ?1, seal = ?2, seal_version = ?3,
                 sealed_header = ?4, updated_at = ?1, sealed_by = ?6, seal_key = ?7,
                 seal_signature = ?8
             WHERE id = ?5 AND signed_off_at IS NULL",
            params![
                signed_off_at,
                sealed,
                CURRENT_SEAL_VERSION,
                header_json,
                id,
                device,
                public_key,
                signature
            ],
        )?;
        if updated != 1 {
            return Err(StoreError::ReadOnlyRecord(SIGNED_OFF_MESSAGE.to_owned()));
        }
        append_log(&tx, id, &sealed, CURRENT_SEAL_VERSION, &signed_off_at)?;
        // The record as signed travels whole, ahead of the sign-off itself: a machine that
        // changed it before it was signed takes the signed version.
        if let Some(origin) = self.capturing_origin() {
            let record = self.snapshot(super::sync::Rows::Inspection(id))?;
            super::sync::append_entry(&tx, &origin, EntryKind::Signed, &record)?;
        }
        tx.commit()?;
        Ok(sealed)
    }

    /// The head of a round's sheet as the file holds it now: the compound's (or cluster's)
    /// details. For a cluster, `members` are the acceptances the round lists.
    pub fn subject_header(
        &self,
        inspection: &Inspection,
        members: Option<&[MemberAcceptance]>,
    ) -> Result<SubjectHeader, StoreError> {
        match inspection.subject {
            Subject::Compound(id) => {
                let compound = self.compound(id)?;
                let (town, cluster) = self.places_of(&compound)?;
                Ok(compound_header(&compound, &town, &cluster))
            }
            Subject::Cluster(id) => {
                let cluster = self.cluster(id)?;
                let town = match cluster.town_id {
                    Some(t) => self.town_name(t)?.unwrap_or_default(),
                    None => String::new(),
                };
                let live;
                let members = match members {
                    Some(m) => m,
                    None => {
                        live = self.members_for(inspection)?.unwrap_or_default();
                        &live
                    }
                };
                let rows = self.cluster_rows(id)?;
                // Households of the members the sheet lists (as sealed, once signed off).
                let households: u32 = rows
                    .iter()
                    .filter(|r| members.iter().any(|m| m.compound_id == r.compound.id))
                    .filter_map(|r| r.compound.households)
                    .sum();
                let is_sample = !rows.is_empty() && rows.iter().all(|r| r.compound.is_sample);
                Ok(cluster_header(
                    &cluster, &town, members, households, is_sample,
                ))
            }
        }
    }

    /// The head a round's sheet prints: frozen at sign-off (format 2), else as it stands.
    pub fn printed_header(&self, inspection: &Inspection) -> Result<SubjectHeader, StoreError> {
        match &inspection.sealed_header {
            Some(header) => Ok(header.clone()),
            None => self.subject_header(inspection, None),
        }
    }

    /// Recomputes the seal from what the file holds now, and compares with the seal and the
    /// sign-off log.
    pub fn check_seal(&self, id: InspectionId) -> Result<SealCheck, StoreError> {
        self.check_seal_of(&self.inspection(id)?, &self.signatures(id)?)
    }

    /// `check_seal` for a record already read, with its signatures.
    pub fn check_seal_of(
        &self,
        inspection: &Inspection,
        signatures: &[Signature],
    ) -> Result<SealCheck, StoreError> {
        let logged = self.logged_seal(inspection.id)?;
        let Some(sealed) = &inspection.seal else {
            return Ok(match (logged, &inspection.signed_off_at) {
                (Some(entry), _) => SealCheck::Flagged(Finding::Unsigned {
                    code: short_code(&entry.seal),
                }),
                // Marked signed without a seal: not how this program signs.
                (None, Some(_)) => SealCheck::Flagged(Finding::Unsigned {
                    code: "（无）".to_owned(),
                }),
                (None, None) => SealCheck::NotSealed,
            });
        };
        let current = self.current_seal(inspection, signatures)?;
        if &current != sealed {
            return Ok(SealCheck::Tampered {
                sealed_code: short_code(sealed),
                current_code: short_code(&current),
            });
        }
        if let Some(file_name) = self.replaced_photo(inspection.id)? {
            return Ok(SealCheck::Flagged(Finding::PhotoReplaced { file_name }));
        }
        if inspection.seal_version == Some(3)
            && let Some(finding) = self.signature_finding(sealed, inspection.signer.as_ref())?
        {
            return Ok(SealCheck::Flagged(finding));
        }
        Ok(match logged {
            None => SealCheck::Flagged(Finding::NotLogged {
                code: short_code(sealed),
            }),
            Some(entry) if &entry.seal != sealed => SealCheck::Flagged(Finding::SealReplaced {
                logged_code: short_code(&entry.seal),
                current_code: short_code(sealed),
            }),
            Some(_) => SealCheck::Intact {
                code: short_code(sealed),
            },
        })
    }

    /// The seal the record would have now, by the format it was sealed with.
    fn current_seal(
        &self,
        inspection: &Inspection,
        signatures: &[Signature],
    ) -> Result<String, StoreError> {
        Ok(match inspection.seal_version {
            Some(version @ (2 | 3)) => {
                let header = match &inspection.sealed_header {
                    Some(h) => h.clone(),
                    None => self.subject_header(inspection, None)?,
                };
                seal_v2(&SealedRecord {
                    inspection,
                    header: &header,
                    signatures,
                    photos: &self.photo_evidence(inspection.id)?,
                    rectifications: &self.rectifications_of_round(inspection.id)?,
                    signed_off_at: inspection.signed_off_at.as_deref().unwrap_or_default(),
                    // A format-3 record that lost its signer is sealed with an empty one,
                    // which is not its seal.
                    signer: (version == 3).then(|| match &inspection.signer {
                        Some(s) => SignerForm {
                            device: &s.device,
                            public_key: &s.public_key,
                        },
                        None => SignerForm {
                            device: "",
                            public_key: "",
                        },
                    }),
                })
            }
            // Format 1 (and a missing version, as files before the log wrote them).
            _ => seal_v1(inspection, signatures, &self.photo_hashes(inspection.id)?),
        })
    }

    /// For a format-3 seal that matches its record: whether the signature is the named key's,
    /// and the key the signing device's as this file knows it.
    fn signature_finding(
        &self,
        seal: &str,
        signer: Option<&SealSigner>,
    ) -> Result<Option<Finding>, StoreError> {
        let code = short_code(seal);
        let Some(signer) = signer else {
            return Ok(Some(Finding::BadSignature { code }));
        };
        if !verify(&signer.public_key, &seal_message(seal), &signer.signature) {
            return Ok(Some(Finding::BadSignature { code }));
        }
        Ok(match super::sync::key_of(&self.conn, &signer.device)? {
            Some(known) if known.eq_ignore_ascii_case(&signer.public_key) => None,
            Some(known) => Some(Finding::WrongKey {
                code,
                device: super::sync::name_of(&self.conn, &signer.device)?,
                expected: fingerprint(&known),
                found: fingerprint(&signer.public_key),
            }),
            None => Some(Finding::UnknownSigner {
                code,
                fingerprint: fingerprint(&signer.public_key),
            }),
        })
    }

    /// Each photo of a round as a format-2 seal covers it, its bytes hashed afresh.
    fn photo_evidence(&self, id: InspectionId) -> Result<Vec<PhotoEvidence>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT item_code, file_name, taken_at, {PHOTO_JPEG}, thumbnail, width, height
             FROM photo p WHERE inspection_id = ?1"
        ))?;
        let rows = stmt.query_map([id], |r| {
            Ok(PhotoEvidence {
                item_code: r.get(0)?,
                file_name: r.get(1)?,
                taken_at: r.get(2)?,
                jpeg_sha256: sha256_hex(&r.get::<_, Vec<u8>>(3)?),
                thumbnail_sha256: sha256_hex(&r.get::<_, Vec<u8>>(4)?),
                width: r.get(5)?,
                height: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A photo whose stored bytes no longer match the hash taken when it was added (the
    /// format-1 seal trusts that hash).
    fn replaced_photo(&self, id: InspectionId) -> Result<Option<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT file_name, sha256, {PHOTO_JPEG} FROM photo p WHERE inspection_id = ?1"
        ))?;
        let rows: Vec<(String, String, Vec<u8>)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .find(|(_, hash, bytes)| sha256_hex(bytes) != *hash)
            .map(|(name, _, _)| name))
    }

    /// The rectifications ordered in one round.
    fn rectifications_of_round(
        &self,
        id: InspectionId,
    ) -> Result<Vec<crate::model::Rectification>, StoreError> {
        let round = self.inspection(id)?;
        self.rectifications_of(&crate::model::InspectionChain {
            rounds: vec![round],
        })
    }

    /// The sign-off log's entry for a record, if it was ever signed off.
    fn logged_seal(&self, id: InspectionId) -> Result<Option<LogEntry>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT seq, inspection_id, seal, seal_version, signed_off_at, prev_hash, entry_hash
                 FROM seal_log WHERE inspection_id = ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([id], log_entry)
            .optional()?)
    }

    /// The whole sign-off log, oldest first.
    pub fn seal_log(&self) -> Result<Vec<LogEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, inspection_id, seal, seal_version, signed_off_at, prev_hash, entry_hash
             FROM seal_log ORDER BY seq",
        )?;
        let rows = stmt.query_map([], log_entry)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Checks every signed record against its seal and the log, and the log's chain.
    pub fn audit(&self) -> Result<Audit, StoreError> {
        let log = self.seal_log()?;
        let mut audit = Audit {
            broken_log: broken_entries(&log),
            ..Audit::default()
        };
        let mut ids: Vec<InspectionId> = self
            .conn
            .prepare_cached(
                "SELECT id FROM inspection WHERE seal IS NOT NULL OR signed_off_at IS NOT NULL
                 ORDER BY signed_off_at, id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for entry in &log {
            if !ids.contains(&entry.inspection) {
                ids.push(entry.inspection);
            }
        }
        for id in ids {
            let (subject, what, check) = match self.inspection_listing(id) {
                Ok(listing) => (
                    Some(listing.subject),
                    listing.describe(),
                    self.check_seal(id)?,
                ),
                Err(StoreError::NotFound { .. }) => {
                    let code = log
                        .iter()
                        .rfind(|e| e.inspection == id)
                        .map(|e| short_code(&e.seal))
                        .unwrap_or_default();
                    (
                        None,
                        format!("验收记录 {id}"),
                        SealCheck::Flagged(Finding::Deleted { code }),
                    )
                }
                Err(e) => return Err(e),
            };
            audit.checked += 1;
            if let Some(finding) = check.finding() {
                audit.findings.push(AuditFinding {
                    inspection: id,
                    subject,
                    what,
                    finding,
                });
            }
        }
        Ok(audit)
    }

    /// The records whose printed code starts with `typed` (as printed: "校验码"), each checked
    /// against the file as it is now. The log is searched too: a record that lost its seal is
    /// still found by the code printed on its sheet.
    pub fn find_by_code(
        &self,
        typed: &str,
    ) -> Result<Vec<(InspectionListing, SealCheck)>, StoreError> {
        let prefix = normalize_code(typed);
        if prefix.len() < 8 {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM inspection WHERE substr(seal, 1, ?2) = ?1
             UNION SELECT inspection_id FROM seal_log WHERE substr(seal, 1, ?2) = ?1",
        )?;
        let ids = stmt
            .query_map(params![prefix, prefix.len() as i64], |r| {
                r.get::<_, InspectionId>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut found = Vec::new();
        for id in ids {
            match self.inspection_listing(id) {
                Ok(listing) => found.push((listing, self.check_seal(id)?)),
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(found)
    }

    /// `find_by_code`, each record described as the verify dialog and `verify --code` name
    /// it: what it is and, for a format-3 seal, which device signed it with which key.
    pub fn find_by_code_described(
        &self,
        typed: &str,
    ) -> Result<Vec<(String, SealCheck)>, StoreError> {
        self.described(self.find_by_code(typed)?)
    }

    /// Records found, each described as the verify dialog names it: what it is and, for a
    /// format-3 seal, which device signed it with which key.
    fn described(
        &self,
        found: Vec<(InspectionListing, SealCheck)>,
    ) -> Result<Vec<(String, SealCheck)>, StoreError> {
        found
            .into_iter()
            .map(|(listing, check)| {
                let what = match self.signer_of(listing.summary.id)? {
                    Some(signer) => format!("{}（{signer}）", listing.describe()),
                    None => listing.describe(),
                };
                Ok((what, check))
            })
            .collect()
    }

    /// What a paper sheet's QR (its 校验码 and the record it was printed from) says against
    /// this file: whether the sheet matches its record as the record is now, and why in words.
    /// A sheet printed from another file, from a record changed after it was printed, or from
    /// a draft (no 校验码 at all) does not match.
    pub fn check_sheet(
        &self,
        qr: &crate::model::signoff::SheetQr,
    ) -> Result<(bool, String), StoreError> {
        let Ok(record) = qr.record.parse::<InspectionId>() else {
            return Ok((
                false,
                format!(
                    "二维码中的记录编号“{}”无法识别：这张纸不是本程序印出的验收单。",
                    qr.record
                ),
            ));
        };
        let found = self.find_by_code(&qr.code)?;
        let (mine, others): (Vec<_>, Vec<_>) =
            found.into_iter().partition(|(l, _)| l.summary.id == record);
        if mine.is_empty() {
            let listing = match self.inspection_listing(record) {
                Ok(listing) => Some(listing),
                Err(StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            return Ok((
                false,
                match listing {
                    Some(listing) => format!(
                        "不一致：{}——纸上的校验码 {} 不是这份记录签字时的校验码：这张纸不是从这份记录印出的，或记录已被改动。",
                        listing.describe(),
                        qr.code
                    ),
                    None if others.is_empty() => format!(
                        "本数据库中没有这张纸上的记录（校验码 {}）：它可能是从另一个数据库文件印出的。请用印出它的那个文件核验。",
                        qr.code
                    ),
                    None => format!(
                        "不一致：纸上的校验码 {} 属于本文件中的另一份记录，而二维码指向的记录不在本文件中：这张纸不是从本文件印出的。",
                        qr.code
                    ),
                },
            ));
        }
        let described = self.described(mine)?;
        Ok(crate::model::seal::describe_code_check(
            &qr.code, &described,
        ))
    }

    /// Which device signed a format-3 record, in words: 签字设备“外业甲”，密钥指纹 1A2B ….
    pub fn signer_of(&self, id: InspectionId) -> Result<Option<String>, StoreError> {
        let signer: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT sealed_by, seal_key FROM inspection
                 WHERE id = ?1 AND sealed_by IS NOT NULL AND seal_key IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        signer
            .map(|(device, key)| {
                Ok(format!(
                    "签字设备“{}”，密钥指纹 {}",
                    super::sync::name_of(&self.conn, &device)?,
                    fingerprint(&key)
                ))
            })
            .transpose()
    }
}

fn log_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogEntry> {
    Ok(LogEntry {
        seq: r.get(0)?,
        inspection: r.get(1)?,
        seal: r.get(2)?,
        seal_version: r.get(3)?,
        signed_off_at: r.get(4)?,
        prev_hash: r.get(5)?,
        entry_hash: r.get(6)?,
    })
}

/// Appends a seal to the sign-off log, chained to the entry before.
pub(super) fn append_log(
    tx: &rusqlite::Connection,
    id: InspectionId,
    seal: &str,
    version: u32,
    signed_off_at: &str,
) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, entry_hash FROM seal_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, LOG_GENESIS.to_owned()),
    };
    let hash = entry_hash(&prev, seq, id, seal, version, signed_off_at);
    tx.execute(
        "INSERT INTO seal_log (seq, inspection_id, seal, seal_version, signed_off_at, prev_hash,
                               entry_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq, id, seal, version, signed_off_at, prev, hash],
    )?;
    Ok(())
}

/// Enters the seals issued before the log existed (migration 7), oldest first.
pub(super) fn log_existing_seals(tx: &rusqlite::Connection) -> Result<(), StoreError> {
    let sealed: Vec<(InspectionId, String, String)> = tx
        .prepare(
            "SELECT id, seal, coalesce(signed_off_at, '') FROM inspection
             WHERE seal IS NOT NULL ORDER BY signed_off_at, id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (id, seal, signed_off_at) in sealed {
        append_log(tx, id, &seal, 1, &signed_off_at)?;
    }
    Ok(())
}
