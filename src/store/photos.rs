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
            // The bytes once per file, whatever items show them; the row names them by hash.
            tx.execute(
                "INSERT OR IGNORE INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)",
                params![p.sha256, p.jpeg],
            )?;
            let id = PhotoId::new();
            tx.execute(
                "INSERT INTO photo (id, inspection_id, item_code, file_name, taken_at, sha256, width,
                                    height, jpeg, thumbnail, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, X'', ?9, ?10)",
                params![
                    id,
                    inspection,
                    item_code,
                    p.file_name,
                    p.taken_at,
                    p.sha256,
                    p.width,
                    p.height,
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

    /// The photos of an inspection, by item and time added, with thumbnails: a picture once
    /// per item, however many rows show it there (the same photo attached on two laptops).
    pub fn photos_of(&self, inspection: InspectionId) -> Result<Vec<PhotoMeta>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, item_code, file_name, taken_at, sha256, width, height, thumbnail
             FROM photo p
             WHERE inspection_id = ?1
               AND NOT EXISTS (SELECT 1 FROM photo e
                               WHERE e.inspection_id = p.inspection_id
                                 AND e.item_code = p.item_code AND e.sha256 = p.sha256
                                 AND (e.created_at, e.id) < (p.created_at, p.id))
             ORDER BY item_code, created_at, id",
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
            .query_row(
                &format!("SELECT {PHOTO_JPEG} FROM photo p WHERE p.id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "照片",
                id: id.to_string(),
            })
    }

    /// Removes a photo from its item (not after sign-off): every row that shows the same
    /// picture there, and its bytes if no other photo shows them.
    pub fn delete_photo(&mut self, id: PhotoId) -> Result<(), StoreError> {
        let tx = self.begin()?;
        let sha256: Option<String> = tx
            .query_row("SELECT sha256 FROM photo WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        tx.execute(
            "DELETE FROM photo
             WHERE id = ?1
                OR id IN (SELECT e.id FROM photo e JOIN photo p
                            ON e.inspection_id = p.inspection_id AND e.item_code = p.item_code
                           AND e.sha256 = p.sha256
                          WHERE p.id = ?1)",
            [id],
        )?;
        if let Some(sha256) = sha256 {
            tx.execute(
                "DELETE FROM photo_bytes
                 WHERE sha256 = ?1 AND NOT EXISTS (SELECT 1 FROM photo WHERE sha256 = ?1)",
                [sha256],
            )?;
        }
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

/// A photo row's picture, in a query over `photo p`: its own bytes if it still carries them
/// (a row from an older program's package whose bytes do not match its hash), else the file's
/// copy of the bytes its hash names (empty if the file has none).
pub(super) const PHOTO_JPEG: &str = "CASE WHEN length(p.jpeg) > 0 THEN p.jpeg
     ELSE coalesce((SELECT b.jpeg FROM photo_bytes b WHERE b.sha256 = p.sha256), X'') END";

/// Moves every photo row's bytes that match its hash into `photo_bytes` (once per picture)
/// and empties the row's copy: the upgrade to photos stored by content. Rows whose bytes do
/// not match their hash keep them, for the seal check to report.
pub(super) fn fold_photo_bytes(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let ids: Vec<PhotoId> = conn
        .prepare("SELECT id FROM photo WHERE length(jpeg) > 0")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        let (sha256, jpeg): (String, Vec<u8>) =
            conn.query_row("SELECT sha256, jpeg FROM photo WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let bytes = crate::model::photo::PhotoBytes { sha256, jpeg };
        if bytes.is_intact() {
            conn.execute(
                "INSERT OR IGNORE INTO photo_bytes (sha256, jpeg) VALUES (?1, ?2)",
                params![bytes.sha256, bytes.jpeg],
            )?;
            conn.execute("UPDATE photo SET jpeg = X'' WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}
