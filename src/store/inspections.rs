//! Acceptance inspections: starting one, recording each item's result and remark.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::sql_types::parse_date;
use super::{ItemTable, Store, StoreError, now, update_item_column};
use crate::model::date_text;
use crate::model::validate;
use crate::model::{
    Catalogue, ClusterId, CompoundId, Inspection, InspectionChain, InspectionId, InspectionItem,
    ItemResult, MemberAcceptance, MemberStatus, RoundKind, StandardItem, Subject,
};

/// The head of a new round.
struct NewRound<'a> {
    subject: Subject,
    standard_id: &'a str,
    catalogue_version: &'a str,
    /// The pack version it is made under: the pack in force for a first round, the chain's
    /// for a re-inspection or correction.
    pack_version: &'a str,
    parent: Option<InspectionId>,
    round: u32,
    kind: RoundKind,
    reason: &'a str,
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
        let pack_version = self.pack_summary()?.version;
        let head = NewRound {
            subject,
            standard_id,
            catalogue_version: &catalogue.version,
            pack_version: &pack_version,
            parent: None,
            round: 1,
            kind: RoundKind::First,
            reason: "",
        };
        let items: Vec<InspectionItem> = items.into_iter().map(InspectionItem::new).collect();
        self.insert_round(&head, &items, inspected_on, inspectors, parties)
    }

    /// Starts a re-inspection (复验) after `parent`, the latest round, once it is signed off
    /// (rounds close in order: no earlier round can change once a later one exists): it
    /// re-checks only the items still failing, each under the same code as in the first round.
    pub fn start_reinspection(
        &mut self,
        parent: InspectionId,
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let (chain, latest) = self.latest_chain(parent, "复验")?;
        let open: Vec<StandardItem> = chain.open_items().into_iter().map(|i| i.standard).collect();
        if open.is_empty() {
            return Err(StoreError::refused("没有不合格项目需要复验".to_owned()));
        }
        if !latest.is_signed_off() {
            return Err(StoreError::refused(format!(
                "第 {} 轮尚未签字锁定：请各方签字并“完成签字并锁定”后再开始复验，以免前一轮在复验后被改动。",
                latest.round
            )));
        }
        let open: Vec<InspectionItem> = open.into_iter().map(InspectionItem::new).collect();
        let head = NewRound {
            subject: latest.subject,
            standard_id: &latest.standard_id,
            catalogue_version: &latest.catalogue_version,
            pack_version: &latest.pack_version,
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
            return Err(StoreError::refused("请填写更正原因".to_owned()));
        }
        let (chain, latest) = self.latest_chain(parent, "更正")?;
        if !latest.is_signed_off() {
            return Err(StoreError::refused(
                "这一轮尚未签字确认，可直接修改，无需更正".to_owned(),
            ));
        }
        let items = chain.effective_items();
        let head = NewRound {
            subject: latest.subject,
            standard_id: &latest.standard_id,
            catalogue_version: &latest.catalogue_version,
            pack_version: &latest.pack_version,
            parent: Some(parent),
            round: latest.round + 1,
            kind: RoundKind::Correction,
            reason,
        };
        self.insert_round(&head, &items, inspected_on, inspectors, parties)
    }

    /// The chain `id` belongs to, if `id` is its latest round (a new round follows the latest).
    fn latest_chain(
        &self,
        id: InspectionId,
        what: &str,
    ) -> Result<(InspectionChain, Inspection), StoreError> {
        let chain = self.chain_of(id)?;
        match chain.latest().cloned() {
            Some(latest) if latest.id == id => Ok((chain, latest)),
            Some(latest) => Err(StoreError::refused(format!(
                "已有更新的第 {} 轮，请在最新一轮之后{what}",
                latest.round
            ))),
            None => Err(StoreError::NotFound {
                what: "验收记录",
                id: id.to_string(),
            }),
        }
    }

    /// One acceptance at a time, in date order: a round starts (a first round, a re-inspection
    /// or a correction) only when every round of the subject so far is signed and locked, and
    /// on the day of the newest round or later. Read inside the round's transaction.
    fn may_start_round(&self, subject: Subject, inspected_on: NaiveDate) -> Result<(), StoreError> {
        let rounds = self.inspections_of(subject)?;
        if let Some(open) = rounds.iter().find(|r| !r.signed_off) {
            return Err(StoreError::refused(format!(
                "“{}”还有一轮验收（{} 第 {} 轮）尚未签字锁定：请打开它继续验收、签字锁定后，再开始新的一轮",
                self.subject_name(subject)?,
                date_text(open.inspected_on),
                open.round
            )));
        }
        if let Some(newest) = rounds.first()
            && inspected_on < newest.inspected_on
        {
            return Err(StoreError::refused(format!(
                "验收日期 {} 早于最近一轮的验收日期 {}，请核对",
                date_text(inspected_on),
                date_text(newest.inspected_on)
            )));
        }
        Ok(())
    }

    fn insert_round(
        &mut self,
        head: &NewRound<'_>,
        items: &[InspectionItem],
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        validate::past_date("验收日期", inspected_on, super::today())?;
        validate::name("验收人员", inspectors)?;
        validate::free_text("更正原因", head.reason)?;
        if parties.is_empty() {
            return Err(StoreError::refused(
                "请至少填写一个参加验收的单位".to_owned(),
            ));
        }
        for unit in parties {
            validate::name("参加单位", unit)?;
        }
        let id = InspectionId::new();
        let now = now();
        let tx = self.begin()?;
        self.may_start_round(head.subject, inspected_on)?;
        tx.execute(
            "INSERT INTO inspection (id, compound_id, cluster_id, standard_id, catalogue_version,
                         inspected_on, inspectors, parent_id, round, kind, reason,
                         created_at, updated_at, pack_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)",
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
                now,
                head.pack_version
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
        let subject = self.inspection(id)?.subject;
        let rounds = self
            .round_ids(subject, "")?
            .into_iter()
            .map(|round| self.inspection(round))
            .collect::<Result<Vec<_>, _>>()?;
        match InspectionChain::containing(rounds, id) {
            Some(chain) if chain.rounds.iter().any(|r| r.id == id) => Ok(chain),
            _ => Err(StoreError::Corrupt(format!(
                "验收记录 {id} 的轮次关系有误（上一轮指向不存在或形成循环）"
            ))),
        }
    }

    /// One inspection with all its items, as it was filled in.
    pub fn inspection(&self, id: InspectionId) -> Result<Inspection, StoreError> {
        // Its catalogue is known by its version (a pack's, read once per store).
        self.know_pack_catalogues();
        let head = self
            .conn
            .query_row(
                "SELECT compound_id, cluster_id, standard_id, catalogue_version, inspected_on,
                        inspectors, signed_off_at, seal, parent_id, round, kind, reason,
                        seal_version, sealed_header, sealed_by, seal_key, seal_signature,
                        pack_version
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
                        r.get::<_, Option<u32>>(12)?,
                        r.get::<_, Option<String>>(13)?,
                        match (
                            r.get::<_, Option<String>>(14)?,
                            r.get::<_, Option<String>>(15)?,
                        ) {
                            (Some(device), Some(public_key)) => {
                                Some(crate::model::seal::SealSigner {
                                    device,
                                    public_key,
                                    signature: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
                                })
                            }
                            _ => None,
                        },
                        r.get::<_, String>(17)?,
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
            seal_version,
            sealed_header,
            signer,
            pack_version,
        ) = head;
        // A frozen head that no longer reads is kept as text: the seal then shows the change.
        let sealed_header = sealed_header.map(|json| {
            serde_json::from_str(&json).unwrap_or_else(|_| crate::model::SubjectHeader {
                name: "（签字时的表头已无法读取）".to_owned(),
                is_sample: false,
                fields: vec![("表头".to_owned(), json)],
            })
        });
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
            pack_version,
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
            seal_version,
            sealed_header,
            signer,
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

    /// Records (or clears, with `None`) the result of one item. One transaction.
    pub fn record_result(
        &mut self,
        id: InspectionId,
        code: &str,
        result: Option<ItemResult>,
    ) -> Result<(), StoreError> {
        self.update_item(id, code, "result", &result, None)
    }

    /// Records the remark of one item. One transaction.
    pub fn record_remark(
        &mut self,
        id: InspectionId,
        code: &str,
        remark: &str,
    ) -> Result<(), StoreError> {
        validate::free_text("备注", remark)?;
        self.update_item(id, code, "remark", &remark, None)
    }

    /// Changes a remark the screen last saw as `before`: refused (`Stale`) if the file holds
    /// another, so a stale screen never writes over it.
    pub fn change_remark(
        &mut self,
        id: InspectionId,
        code: &str,
        before: &str,
        remark: &str,
    ) -> Result<(), StoreError> {
        validate::free_text("备注", remark)?;
        self.update_item(id, code, "remark", &remark, Some(&before))
    }

    fn update_item(
        &mut self,
        id: InspectionId,
        code: &str,
        column: &'static str,
        value: &dyn rusqlite::ToSql,
        expected: Option<&dyn rusqlite::ToSql>,
    ) -> Result<(), StoreError> {
        const ITEMS: ItemTable = ItemTable {
            items: "inspection_item",
            parent: "inspection",
            parent_key: "inspection_id",
            what: "验收项目",
        };
        let tx = self.begin()?;
        update_item_column(&tx, &ITEMS, &id, code, column, value, expected)?;
        tx.commit()?;
        Ok(())
    }
}
