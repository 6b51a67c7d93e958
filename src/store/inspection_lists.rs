//! Lists of inspection rounds with their verdicts: a compound's or cluster's rounds, every
//! round in the file.

use chrono::NaiveDate;

use super::{Store, StoreError};
use crate::model::{Inspection, InspectionId, RoundKind, Subject, Verdict};

/// An inspection as a compound page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionSummary {
    pub id: InspectionId,
    pub inspected_on: NaiveDate,
    pub inspectors: String,
    pub decided: usize,
    pub total: usize,
    pub verdict: Verdict,
    /// Signed by every party and sealed.
    pub signed_off: bool,
    /// 1 for a first inspection, 2… for re-inspections and corrections.
    pub round: u32,
    pub kind: RoundKind,
    /// The 校验码 once signed off.
    pub code: Option<String>,
}

/// An inspection with its compound's (or cluster's) name, for `yanshou list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionListing {
    pub subject: Subject,
    /// The compound's or the cluster's name.
    pub subject_name: String,
    pub summary: InspectionSummary,
}

impl InspectionListing {
    /// How messages name the record: "县水利局家属院 2024年05月08日 第 1 轮验收记录".
    pub fn describe(&self) -> String {
        format!(
            "{} {} 第 {} 轮验收记录",
            self.subject_name,
            crate::model::date_text(self.summary.inspected_on),
            self.summary.round
        )
    }
}

impl Store {
    /// The inspections (rounds) of one compound or cluster, newest first.
    pub fn inspections_of(&self, subject: Subject) -> Result<Vec<InspectionSummary>, StoreError> {
        self.round_ids(subject, "")?
            .into_iter()
            .map(|id| self.summarize(&self.inspection(id)?))
            .collect()
    }

    /// The newest round of a compound or cluster, if it has any.
    pub fn newest_inspection(&self, subject: Subject) -> Result<Option<InspectionId>, StoreError> {
        Ok(self.round_ids(subject, "LIMIT 1")?.into_iter().next())
    }

    /// The ids of a subject's rounds, newest first (the order every list uses).
    pub(super) fn round_ids(
        &self,
        subject: Subject,
        limit: &str,
    ) -> Result<Vec<InspectionId>, StoreError> {
        let (column, key) = match subject {
            Subject::Compound(id) => ("compound_id", id.to_string()),
            Subject::Cluster(id) => ("cluster_id", id.to_string()),
        };
        let sql = format!(
            "SELECT id FROM inspection WHERE {column} = ?1
             ORDER BY inspected_on DESC, round DESC, id DESC {limit}"
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_map([key], |r| r.get::<_, InspectionId>(0))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// One inspection with its compound's (or cluster's) name.
    pub fn inspection_listing(&self, id: InspectionId) -> Result<InspectionListing, StoreError> {
        let inspection = self.inspection(id)?;
        Ok(InspectionListing {
            subject: inspection.subject,
            subject_name: self.subject_name(inspection.subject)?,
            summary: self.summarize(&inspection)?,
        })
    }

    /// Every inspection in the file, compounds then clusters, by name and date.
    pub fn all_inspections(&self) -> Result<Vec<InspectionListing>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, coalesce(c.name, k.name) FROM inspection i
             LEFT JOIN compound c ON c.id = i.compound_id
             LEFT JOIN cluster k ON k.id = i.cluster_id
             ORDER BY i.cluster_id IS NOT NULL, 2, i.inspected_on, i.round, i.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, InspectionId>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, subject_name)| {
                let inspection = self.inspection(id)?;
                Ok(InspectionListing {
                    subject: inspection.subject,
                    subject_name,
                    summary: self.summarize(&inspection)?,
                })
            })
            .collect()
    }

    fn summarize(&self, i: &Inspection) -> Result<InspectionSummary, StoreError> {
        Ok(InspectionSummary {
            id: i.id,
            inspected_on: i.inspected_on,
            inspectors: i.inspectors.clone(),
            decided: i.decided_count(),
            total: i.items.len(),
            verdict: self.verdict_of_round(i)?,
            signed_off: i.is_signed_off(),
            round: i.round,
            kind: i.kind,
            code: i.seal.as_deref().map(crate::model::signoff::short_code),
        })
    }
}
