//! Acceptance inspections: starting one, recording each item's result and remark.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{ItemTable, Store, StoreError, now, update_item_column};
use crate::model::{
    Catalogue, ClusterId, CompoundId, Inspection, InspectionChain, InspectionId, InspectionItem,
    ItemResult, MemberAcceptance, MemberStatus, RoundKind, StandardItem, Subject, Verdict,
    cluster_acceptance::{member_changes, round_verdict},
    verdict_of,
};

/// The head of a new round.
struct NewRound<'a> {
    subject: Subject,
    standard_id: &'a str,
    catalogue_version: &'a str,
    parent: Option<InspectionId>,
    round: u32,
    kind: RoundKind,
    reason: &'a str,
}

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

impl Store {
    /// Starts an inspection of a compound (against the compound standard) or of a cluster
    /// (the cluster standard, 五全 and 九位一体) from `catalogue`; all items undecided.
    pub fn start_inspection(
        &mut self,
        subject: Subject,
        catalogue: &Catalogue,
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let standard_id = subject.kind();
        let items: Vec<StandardItem> = catalogue
            .items_applying_to(standard_id)
            .into_iter()
            .cloned()
            .collect();
        if items.is_empty() {
            return Err(StoreError::Corrupt(format!(
                "标准目录 {} 中没有适用于{}的标准",
                catalogue.version,
                subject.kind_label()
            )));
        }
        // Fails with 未找到 rather than a foreign-key error when the subject is gone.
        self.subject_name(subject)?;
        let head = NewRound {
            subject,
            standard_id,
            catalogue_version: &catalogue.version,
            parent: None,
            round: 1,
            kind: RoundKind::First,
            reason: "",
        };
        let items: Vec<InspectionItem> = items.into_iter().map(InspectionItem::new).collect();
        self.insert_round(&head, &items, inspected_on, inspectors, parties)
    }

    /// Starts a re-inspection (复验) after `parent`, the latest round: it re-checks only the
    /// items still failing, each under the same code as in the first round.
    pub fn start_reinspection(
        &mut self,
        parent: InspectionId,
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let (chain, latest) = self.latest_chain(parent, "复验", inspected_on)?;
        let open: Vec<StandardItem> = chain.open_items().into_iter().map(|i| i.standard).collect();
        if open.is_empty() {
            return Err(StoreError::NotReady(vec![
                "没有不合格项目需要复验".to_owned(),
            ]));
        }
        let open: Vec<InspectionItem> = open.into_iter().map(InspectionItem::new).collect();
        let head = NewRound {
            subject: latest.subject,
            standard_id: &latest.standard_id,
            catalogue_version: &latest.catalogue_version,
            parent: Some(parent),
            round: latest.round + 1,
            kind: RoundKind::Reinspection,
            reason: "",
        };
        self.insert_round(&head, &open, inspected_on, inspectors, parties)
    }

    /// Starts a correction (更正) of `parent`, the latest round, once it is signed off: a signed
    /// record is never edited, so the correction is a new linked round that re-checks every
    /// item, starting from the findings it corrects, and records why.
    pub fn start_correction(
        &mut self,
        parent: InspectionId,
        reason: &str,
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::NotReady(vec!["请填写更正原因".to_owned()]));
        }
        let (chain, latest) = self.latest_chain(parent, "更正", inspected_on)?;
        if !latest.is_signed_off() {
            return Err(StoreError::NotReady(vec![
                "这一轮尚未签字确认，可直接修改，无需更正".to_owned(),
            ]));
        }
        let items = chain.effective_items();
        let head = NewRound {
            subject: latest.subject,
            standard_id: &latest.standard_id,
            catalogue_version: &latest.catalogue_version,
            parent: Some(parent),
            round: latest.round + 1,
            kind: RoundKind::Correction,
            reason,
        };
        self.insert_round(&head, &items, inspected_on, inspectors, parties)
    }

    /// The chain `id` belongs to, if `id` is its latest round (a new round follows the latest,
    /// on the same day or later).
    fn latest_chain(
        &self,
        id: InspectionId,
        what: &str,
        inspected_on: NaiveDate,
    ) -> Result<(InspectionChain, Inspection), StoreError> {
        let chain = self.chain_of(id)?;
        match chain.latest().cloned() {
            Some(latest) if latest.id == id && inspected_on < latest.inspected_on => {
                Err(StoreError::NotReady(vec![format!(
                    "{what}日期 {inspected_on} 早于上一轮的验收日期 {}，请核对",
                    latest.inspected_on
                )]))
            }
            Some(latest) if latest.id == id => Ok((chain, latest)),
            Some(latest) => Err(StoreError::NotReady(vec![format!(
                "已有更新的第 {} 轮，请在最新一轮之后{what}",
                latest.round
            )])),
            None => Err(StoreError::NotFound {
                what: "验收记录",
                id: id.to_string(),
            }),
        }
    }

    fn insert_round(
        &mut self,
        head: &NewRound<'_>,
        items: &[InspectionItem],
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let id = InspectionId::new();
        let now = now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO inspection (id, compound_id, cluster_id, standard_id, catalogue_version,
                         inspected_on, inspectors, parent_id, round, kind, reason,
                         created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
            params![
                id,
                head.subject.compound(),
                head.subject.cluster(),
                head.standard_id,
                head.catalogue_version,
                inspected_on.to_string(),
                inspectors,
                head.parent,
                head.round,
                head.kind.code(),
                head.reason,
                now
            ],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO inspection_item (inspection_id, position, code, standard_id, group_name,
                     standard_text, hint, clause, required, result, remark, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for (
                position,
                InspectionItem {
                    standard: item,
                    result,
                    remark,
                },
            ) in items.iter().enumerate()
            {
                insert.execute(params![
                    id,
                    position as i64,
                    item.code,
                    item.standard,
                    item.group,
                    item.text,
                    item.hint,
                    item.clause,
                    item.required,
                    result,
                    remark,
                    now
                ])?;
            }
            let mut party = tx.prepare_cached(
                "INSERT INTO inspection_party (inspection_id, position, unit) VALUES (?1, ?2, ?3)",
            )?;
            for (position, unit) in parties.iter().enumerate() {
                party.execute(params![id, position as i64, unit])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every round of the acceptance `id` belongs to, first round first.
    pub fn chain_of(&self, id: InspectionId) -> Result<InspectionChain, StoreError> {
        let mut root = self.inspection(id)?;
        while let Some(parent) = root.parent_id {
            root = self.inspection(parent)?;
        }
        let mut last = root.id;
        let mut rounds = vec![root];
        // Bounded, so a corrupt file with a cycle cannot hang the app.
        while rounds.len() < 100 {
            let child: Option<InspectionId> = self
                .conn
                .query_row(
                    "SELECT id FROM inspection WHERE parent_id = ?1 ORDER BY round LIMIT 1",
                    [last],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(child) = child else { break };
            last = child;
            rounds.push(self.inspection(child)?);
        }
        Ok(InspectionChain { rounds })
    }

    /// One inspection with all its items, as it was filled in.
    pub fn inspection(&self, id: InspectionId) -> Result<Inspection, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT compound_id, cluster_id, standard_id, catalogue_version, inspected_on,
                        inspectors, signed_off_at, seal, parent_id, round, kind, reason
                 FROM inspection WHERE id = ?1",
                [id],
                |r| {
                    let subject = match (
                        r.get::<_, Option<CompoundId>>(0)?,
                        r.get::<_, Option<ClusterId>>(1)?,
                    ) {
                        (Some(compound), _) => Some(Subject::Compound(compound)),
                        (None, Some(cluster)) => Some(Subject::Cluster(cluster)),
                        (None, None) => None,
                    };
                    Ok((
                        subject,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<InspectionId>>(8)?,
                        r.get::<_, u32>(9)?,
                        r.get::<_, String>(10)?,
                        r.get::<_, String>(11)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "验收记录",
                id: id.to_string(),
            })?;
        let (
            subject,
            standard_id,
            catalogue_version,
            inspected_on,
            inspectors,
            signed_off_at,
            seal,
            parent_id,
            round,
            kind,
            reason,
        ) = head;
        let subject = subject.ok_or_else(|| {
            StoreError::Corrupt(format!("验收记录 {id} 既不属于小区也不属于片区"))
        })?;
        let kind = RoundKind::from_code(&kind).ok_or_else(|| {
            StoreError::Corrupt(format!("验收记录 {id} 的轮次类型“{kind}”无法识别"))
        })?;
        let inspected_on = parse_date(&inspected_on)?;

        let mut stmt = self.conn.prepare_cached(
            "SELECT code, standard_id, group_name, standard_text, hint, clause, required, result, remark
             FROM inspection_item WHERE inspection_id = ?1 ORDER BY position",
        )?;
        let items = stmt
            .query_map([id], |r| {
                Ok(InspectionItem {
                    standard: StandardItem {
                        code: r.get(0)?,
                        standard: r.get(1)?,
                        group: r.get(2)?,
                        text: r.get(3)?,
                        hint: r.get(4)?,
                        clause: r.get(5)?,
                        required: r.get(6)?,
                    },
                    result: r.get(7)?,
                    remark: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;

        let mut stmt = self.conn.prepare_cached(
            "SELECT unit FROM inspection_party WHERE inspection_id = ?1 ORDER BY position",
        )?;
        let parties = stmt
            .query_map([id], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;

        let members = self.sealed_members(id)?;

        Ok(Inspection {
            id,
            subject,
            standard_id,
            catalogue_version,
            inspected_on,
            inspectors,
            parties,
            items,
            signed_off_at,
            seal,
            parent_id,
            round,
            kind,
            reason,
            members,
        })
    }

    /// The member acceptances a signed-off cluster acceptance sealed (empty otherwise).
    fn sealed_members(&self, id: InspectionId) -> Result<Vec<MemberAcceptance>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT compound_id, name, status, code FROM inspection_member
             WHERE inspection_id = ?1 ORDER BY position",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, CompoundId>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(compound_id, name, status, code)| {
                let status = MemberStatus::from_code(&status).ok_or_else(|| {
                    StoreError::Corrupt(format!("小区验收状态“{status}”无法识别"))
                })?;
                Ok(MemberAcceptance {
                    compound_id,
                    name,
                    status,
                    code,
                })
            })
            .collect()
    }

    /// The compound's or cluster's name.
    pub fn subject_name(&self, subject: Subject) -> Result<String, StoreError> {
        Ok(match subject {
            Subject::Compound(id) => self.compound(id)?.name,
            Subject::Cluster(id) => self.cluster(id)?.name,
        })
    }

    /// Where each member compound of a cluster stands in its own acceptance, by name (see
    /// `acceptance_of`).
    pub fn member_acceptances(
        &self,
        cluster_id: ClusterId,
    ) -> Result<Vec<MemberAcceptance>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM compound WHERE cluster_id = ?1 ORDER BY name, id",
        )?;
        let members = stmt
            .query_map([cluster_id], |r| {
                Ok((r.get::<_, CompoundId>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        members
            .into_iter()
            .map(|(compound_id, name)| {
                let (status, code) = self.acceptance_of(compound_id)?;
                Ok(MemberAcceptance {
                    compound_id,
                    name,
                    status,
                    code,
                })
            })
            .collect()
    }

    /// Where a compound's own acceptance stands, with the latest round's 校验码 once signed:
    /// its newest acceptance decides, after every round (复验, 更正) so far. Accepted
    /// (已交付) only when that is 合格 and every round of it is signed off.
    pub fn acceptance_of(
        &self,
        compound_id: CompoundId,
    ) -> Result<(MemberStatus, Option<String>), StoreError> {
        let Some(newest) = self.newest_inspection(Subject::Compound(compound_id))? else {
            return Ok((MemberStatus::NotInspected, None));
        };
        let chain = self.chain_of(newest)?;
        let code = chain
            .latest()
            .and_then(|l| l.seal.as_deref())
            .map(crate::model::signoff::short_code);
        let all_signed = chain.rounds.iter().all(Inspection::is_signed_off);
        let status = match verdict_of(&chain.effective_items()) {
            Verdict::Passed if all_signed => MemberStatus::Accepted,
            Verdict::Failed { .. } => MemberStatus::Failed,
            _ => MemberStatus::InProgress,
        };
        Ok((status, code))
    }

    /// For a signed-off cluster acceptance: what has changed among its members since it was
    /// sealed (empty otherwise, and when nothing has).
    pub fn member_changes_since_sealed(
        &self,
        inspection: &Inspection,
    ) -> Result<Vec<String>, StoreError> {
        match inspection.subject {
            Subject::Cluster(cluster) if inspection.is_signed_off() => Ok(member_changes(
                &inspection.members,
                &self.member_acceptances(cluster)?,
            )),
            _ => Ok(Vec::new()),
        }
    }

    /// For a cluster round: its member compounds' acceptances, as sealed once it is signed
    /// off, else as they stand now. `None` for a compound.
    pub fn members_for(
        &self,
        inspection: &Inspection,
    ) -> Result<Option<Vec<MemberAcceptance>>, StoreError> {
        Ok(match inspection.subject {
            Subject::Compound(_) => None,
            Subject::Cluster(_) if inspection.is_signed_off() => Some(inspection.members.clone()),
            Subject::Cluster(cluster) => Some(self.member_acceptances(cluster)?),
        })
    }

    /// The verdict of one round: the item rule, and for a cluster also its member compounds'
    /// acceptances (as sealed, or as they stand now).
    pub fn verdict_of_round(&self, inspection: &Inspection) -> Result<Verdict, StoreError> {
        Ok(round_verdict(
            &inspection.items,
            self.members_for(inspection)?.as_deref(),
        ))
    }

    /// Records (or clears, with `None`) the result of one item. One transaction.
    pub fn record_result(
        &mut self,
        id: InspectionId,
        code: &str,
        result: Option<ItemResult>,
    ) -> Result<(), StoreError> {
        self.update_item(id, code, "result", &result)
    }

    /// Records the remark of one item. One transaction.
    pub fn record_remark(
        &mut self,
        id: InspectionId,
        code: &str,
        remark: &str,
    ) -> Result<(), StoreError> {
        self.update_item(id, code, "remark", &remark)
    }

    fn update_item(
        &mut self,
        id: InspectionId,
        code: &str,
        column: &'static str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<(), StoreError> {
        const ITEMS: ItemTable = ItemTable {
            items: "inspection_item",
            parent: "inspection",
            parent_key: "inspection_id",
            what: "验收项目",
        };
        let tx = self.conn.transaction()?;
        update_item_column(&tx, &ITEMS, &id, code, column, value)?;
        tx.commit()?;
        Ok(())
    }

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
    fn round_ids(&self, subject: Subject, limit: &str) -> Result<Vec<InspectionId>, StoreError> {
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

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("日期“{text}”格式不对")))
}
