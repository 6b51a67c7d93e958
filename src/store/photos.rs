//! Photos stored inside the database, per inspection item.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now};
use crate::model::PreparedPhoto;
use crate::model::signoff::PhotoHash;
use crate::model::{InspectionChain, InspectionId, PhotoId};

/// A stored photo, with its thumbnail (the full picture is read on demand).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoMeta {
    pub id: PhotoId,
    pub item_code: String,
    pub file_name: String,
    pub taken_at: Option<String>,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
}

impl Store {
    /// Adds photos to an item, all in one transaction.
    pub fn add_photos(
        &mut self,
        inspection: InspectionId,
        item_code: &str,
        photos: &[PreparedPhoto],
    ) -> Result<Vec<PhotoId>, StoreError> {
        let record = self.inspection(inspection)?;
        if record.item(item_code).is_none() {
            return Err(StoreError::NotFound {
                what: "验收项目",
                id: item_code.to_owned(),
            });
        }
        // Said before the same photo could be taken as already there.
        if record.is_signed_off() {
            return Err(StoreError::ReadOnlyRecord(
                super::error::SIGNED_OFF_MESSAGE.to_owned(),
            ));
        }
        let now = now();
        let tx = self.begin()?;
        let mut ids = Vec::with_capacity(photos.len());
        for p in photos {
            // The same picture on the same item is one photo, however often it is chosen.
            let same: Option<PhotoId> = tx
                .query_row(
                    "SELECT id FROM photo
                     WHERE inspection_id = ?1 AND item_code = ?2 AND sha256 = ?3",
                    params![inspection, item_code, p.sha256],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(same) = same {
                ids.push(same);
                continue;
            }
            let id = PhotoId::new();
            tx.execute(
                "INSERT INTO photo (id, inspection_id, item_code, file_name, taken_at, sha256, width,
                                    height, jpeg, thumbnail, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    inspection,
                    item_code,
                    p.file_name,
                    p.taken_at,
                    p.sha256,
                    p.width,
                    p.height,
                    p.jpeg,
                    p.thumbnail,
                    now
                ],
            )?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// The ids of the photos on one item of an inspection.
    pub fn photo_ids(
        &self,
        inspection: InspectionId,
        item_code: &str,
    ) -> Result<Vec<PhotoId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM photo WHERE inspection_id = ?1 AND item_code = ?2")?;
        let ids = stmt.query_map(params![inspection, item_code], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// The photos of an inspection, by item and time added, with thumbnails.
    pub fn photos_of(&self, inspection: InspectionId) -> Result<Vec<PhotoMeta>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, item_code, file_name, taken_at, sha256, width, height, thumbnail
             FROM photo WHERE inspection_id = ?1 ORDER BY item_code, created_at, id",
        )?;
        let rows = stmt.query_map([inspection], |r| {
            Ok(PhotoMeta {
                id: r.get(0)?,
                item_code: r.get(1)?,
                file_name: r.get(2)?,
                taken_at: r.get(3)?,
                sha256: r.get(4)?,
                width: r.get(5)?,
                height: r.get(6)?,
                thumbnail: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The photos of the rounds before `id` in its acceptance, with their round numbers: what a
    /// re-inspection shows as 整改前.
    pub fn earlier_photos(
        &self,
        chain: &InspectionChain,
        id: InspectionId,
    ) -> Result<Vec<(u32, PhotoMeta)>, StoreError> {
        let mut earlier = Vec::new();
        for round in chain.rounds.iter().take_while(|r| r.id != id) {
            for photo in self.photos_of(round.id)? {
                earlier.push((round.round, photo));
            }
        }
        Ok(earlier)
    }

    /// The stored picture of one photo.
    pub fn photo_jpeg(&self, id: PhotoId) -> Result<Vec<u8>, StoreError> {
        self.conn
            .query_row("SELECT jpeg FROM photo WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "照片",
                id: id.to_string(),
            })
    }

    /// Removes a photo (not after sign-off).
    pub fn delete_photo(&mut self, id: PhotoId) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute("DELETE FROM photo WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// (item code, SHA-256) of every photo of an inspection: its part in the seal.
    pub(super) fn photo_hashes(
        &self,
        inspection: InspectionId,
    ) -> Result<Vec<PhotoHash>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT item_code, sha256 FROM photo WHERE inspection_id = ?1")?;
        let rows = stmt.query_map([inspection], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
