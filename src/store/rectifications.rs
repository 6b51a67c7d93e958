//! Rectifications of failed items.

use chrono::NaiveDate;
use rusqlite::params;

use super::sql_types::parse_date;
use super::{Store, StoreError, now};
use crate::model::validate;
use crate::model::{
    InspectionChain, InspectionId, ItemResult, Rectification, RectificationStatus, Subject,
};

/// An open rectification in the office's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RectificationListing {
    pub subject: Subject,
    /// The compound's or the cluster's name.
    pub subject_name: String,
    pub item_text: String,
    pub rectification: Rectification,
    pub status: RectificationStatus,
}

impl Store {
    /// Orders (or changes) the rectification of a failed item. One transaction.
    pub fn save_rectification(&mut self, r: &Rectification) -> Result<(), StoreError> {
        let item = self
            .inspection(r.inspection_id)?
            .items
            .into_iter()
            .find(|i| i.standard.code == r.item_code)
            .ok_or_else(|| StoreError::NotFound {
                what: "验收项目",
                id: r.item_code.clone(),
            })?;
        let mut problems = Vec::new();
        if item.result != Some(ItemResult::Fail) {
            problems.push("只有“不合格”的项目需要整改".to_owned());
        }
        if r.requirement.trim().is_empty() {
            problems.push("请填写整改要求".to_owned());
        } else if let Err(e) = validate::free_text("整改要求", &r.requirement) {
            problems.push(e.into());
        }
        if let Err(e) = validate::name("责任单位", &r.responsible_unit) {
            problems.push(e.into());
        }
        if let Err(e) = validate::deadline("整改期限", r.deadline, super::today()) {
            problems.push(e.into());
        }
        if !problems.is_empty() {
            return Err(StoreError::refused(format!(
                "整改未保存：{}。",
                problems.join("；")
            )));
        }
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO rectification (id, inspection_id, item_code, requirement, responsible_unit,
                                        deadline, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT(inspection_id, item_code) DO UPDATE SET requirement = excluded.requirement,
                responsible_unit = excluded.responsible_unit, deadline = excluded.deadline,
                updated_at = excluded.updated_at",
            params![
                r.id,
                r.inspection_id,
                r.item_code,
                r.requirement.trim(),
                r.responsible_unit.trim(),
                r.deadline.to_string(),
                now
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The rectifications ordered in any round of `chain`.
    pub fn rectifications_of(
        &self,
        chain: &InspectionChain,
    ) -> Result<Vec<Rectification>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, inspection_id, item_code, requirement, responsible_unit, deadline
             FROM rectification WHERE inspection_id = ?1 ORDER BY created_at",
        )?;
        let mut all = Vec::new();
        for round in &chain.rounds {
            let rows = stmt
                .query_map([round.id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, InspectionId>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for (id, inspection_id, item_code, requirement, responsible_unit, deadline) in rows {
                all.push(Rectification {
                    id,
                    inspection_id,
                    item_code,
                    requirement,
                    responsible_unit,
                    deadline: parse_date(&deadline)?,
                });
            }
        }
        Ok(all)
    }

    /// Every rectification not yet closed by a re-inspection, overdue first.
    pub fn open_rectifications(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<RectificationListing>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT inspection_id FROM rectification")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, InspectionId>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut seen_roots = std::collections::HashSet::new();
        let mut out = Vec::new();
        for id in ids {
            let chain = self.chain_of(id)?;
            let Some(root) = chain.rounds.first() else {
                continue;
            };
            if !seen_roots.insert(root.id) {
                continue;
            }
            let subject = root.subject;
            let subject_name = self.subject_name(subject)?;
            let effective = chain.effective_items();
            for r in self.rectifications_of(&chain)? {
                let status = chain.status_of(&r, today);
                if status == RectificationStatus::Closed {
                    continue;
                }
                let item_text = effective
                    .iter()
                    .find(|i| i.standard.code == r.item_code)
                    .map(|i| i.standard.text.clone())
                    .unwrap_or_default();
                out.push(RectificationListing {
                    subject,
                    subject_name: subject_name.clone(),
                    item_text,
                    rectification: r,
                    status,
                });
            }
        }
        out.sort_by_key(|l| {
            (
                l.status != RectificationStatus::Overdue,
                l.rectification.deadline,
            )
        });
        Ok(out)
    }
}
