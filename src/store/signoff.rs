//! Signatures: each participating unit signs (drawn on screen or on paper) before sign-off.

use rusqlite::params;

use super::error::SIGNED_OFF_MESSAGE;
use super::{Store, StoreError, now};
use crate::model::validate;
use crate::model::{InspectionId, SignMethod, Signature, Stroke};

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
}
