//! Signatures, sign-off with a SHA-256 seal, and checking a record (or a printed code) against
//! its seal.

use rusqlite::params;

use super::error::SIGNED_OFF_MESSAGE;
use super::{InspectionListing, Store, StoreError, now};
use crate::model::cluster_acceptance::cluster_sign_off_blocker;
use crate::model::signoff::{normalize_code, seal, short_code, sign_off_blockers};
use crate::model::validate;
use crate::model::{Inspection, InspectionId, SealCheck, SignMethod, Signature, Stroke, Subject};

impl Store {
    /// The signatures given so far, by party position.
    pub fn signatures(&self, id: InspectionId) -> Result<Vec<Signature>, StoreError> {
        // Only the party names are needed, not the whole record.
        let parties: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT unit FROM inspection_party WHERE inspection_id = ?1 ORDER BY position",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT position, signer, wet_ink, strokes, signed_at FROM signature
             WHERE inspection_id = ?1 ORDER BY position",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(position, signer, wet_ink, strokes, signed_at)| {
                let method = if wet_ink {
                    SignMethod::WetInk
                } else {
                    let strokes: Vec<Stroke> = serde_json::from_str(&strokes)
                        .map_err(|e| StoreError::Corrupt(format!("签名笔迹无法读取：{e}")))?;
                    SignMethod::Drawn(strokes)
                };
                Ok(Signature {
                    position,
                    unit: parties.get(position as usize).cloned().unwrap_or_default(),
                    signer,
                    signed_at,
                    method,
                })
            })
            .collect()
    }

    /// Records a party's signature (replacing an earlier one of the same party). One transaction.
    pub fn sign(
        &mut self,
        id: InspectionId,
        position: u32,
        signer: &str,
        method: &SignMethod,
    ) -> Result<(), StoreError> {
        let inspection = self.inspection(id)?;
        if inspection.is_signed_off() {
            return Err(StoreError::ReadOnlyRecord(SIGNED_OFF_MESSAGE.to_owned()));
        }
        if position as usize >= inspection.parties.len() {
            return Err(StoreError::NotFound {
                what: "参加单位",
                id: position.to_string(),
            });
        }
        let signer = validate::name("签字人姓名", signer)?;
        let (wet_ink, strokes) = match method {
            SignMethod::WetInk => (true, "[]".to_owned()),
            SignMethod::Drawn(strokes) => {
                validate::strokes(strokes)?;
                (
                    false,
                    serde_json::to_string(strokes).unwrap_or_else(|_| "[]".to_owned()),
                )
            }
        };
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO signature (inspection_id, position, signer, wet_ink, strokes, signed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(inspection_id, position) DO UPDATE SET signer = excluded.signer,
                wet_ink = excluded.wet_ink, strokes = excluded.strokes, signed_at = excluded.signed_at",
            params![id, position, signer, wet_ink, strokes, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Withdraws a party's signature before sign-off.
    pub fn unsign(&mut self, id: InspectionId, position: u32) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute(
            "DELETE FROM signature WHERE inspection_id = ?1 AND position = ?2",
            params![id, position],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Completes the inspection: every party has signed and every item is decided. Seals the
    /// record (SHA-256 of its canonical form); from now on it is read-only. Returns the seal.
    pub fn sign_off(&mut self, id: InspectionId) -> Result<String, StoreError> {
        let inspection = self.inspection(id)?;
        if inspection.is_signed_off() {
            return Err(StoreError::ReadOnlyRecord(SIGNED_OFF_MESSAGE.to_owned()));
        }
        let signatures = self.signatures(id)?;
        let mut blockers = sign_off_blockers(&inspection, &signatures);
        let mut inspection = inspection;
        if let Subject::Cluster(cluster) = inspection.subject {
            // A cluster acceptance seals its members' acceptances as they stand now, and may
            // not come out 合格 while one of them is not accepted.
            inspection.members = self.member_acceptances(cluster)?;
            let items = self.chain_of(id)?.effective_items();
            blockers.extend(cluster_sign_off_blocker(&items, &inspection.members));
        }
        if !blockers.is_empty() {
            return Err(StoreError::NotReady(blockers));
        }
        let sealed = seal(&inspection, &signatures, &self.photo_hashes(id)?);
        let tx = self.begin()?;
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
        tx.execute(
            "UPDATE inspection SET signed_off_at = ?1, seal = ?2, updated_at = ?1
             WHERE id = ?3 AND signed_off_at IS NULL",
            params![now(), sealed, id],
        )?;
        tx.commit()?;
        Ok(sealed)
    }

    /// Recomputes the seal from what the file holds now and compares.
    pub fn check_seal(&self, id: InspectionId) -> Result<SealCheck, StoreError> {
        self.check_seal_of(&self.inspection(id)?, &self.signatures(id)?)
    }

    /// `check_seal` for a record already read, with its signatures.
    pub fn check_seal_of(
        &self,
        inspection: &Inspection,
        signatures: &[Signature],
    ) -> Result<SealCheck, StoreError> {
        let Some(sealed) = &inspection.seal else {
            return Ok(SealCheck::NotSealed);
        };
        let current = seal(inspection, signatures, &self.photo_hashes(inspection.id)?);
        Ok(if &current == sealed {
            SealCheck::Intact {
                code: short_code(sealed),
            }
        } else {
            SealCheck::Tampered {
                sealed_code: short_code(sealed),
                current_code: short_code(&current),
            }
        })
    }

    /// The sealed inspections whose code starts with `typed` (as printed: "校验码"), each
    /// checked against the file as it is now.
    pub fn find_by_code(
        &self,
        typed: &str,
    ) -> Result<Vec<(InspectionListing, SealCheck)>, StoreError> {
        let prefix = normalize_code(typed);
        if prefix.len() < 8 {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM inspection WHERE substr(seal, 1, ?2) = ?1")?;
        let ids = stmt
            .query_map(params![prefix, prefix.len() as i64], |r| {
                r.get::<_, InspectionId>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        ids.into_iter()
            .map(|id| Ok((self.inspection_listing(id)?, self.check_seal(id)?)))
            .collect()
    }
}
