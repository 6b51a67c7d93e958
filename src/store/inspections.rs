//! Acceptance inspections: starting one, recording each item's result and remark.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{ItemTable, Store, StoreError, now, update_item_column};
use crate::model::{
    Catalogue, CompoundId, Inspection, InspectionChain, InspectionId, InspectionItem, ItemResult,
    StandardItem, Verdict, verdict_of,
};

/// The head of a new round.
struct NewRound<'a> {
    compound_id: CompoundId,
    standard_id: &'a str,
    catalogue_version: &'a str,
    parent: Option<InspectionId>,
    round: u32,
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
    /// 1 for a first inspection, 2… for re-inspections.
    pub round: u32,
}

/// An inspection with its compound's name, for `yanshou list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionListing {
    pub compound_id: CompoundId,
    pub compound_name: String,
    pub summary: InspectionSummary,
}

impl Store {
    /// Starts an inspection of a compound against one standard of `catalogue`; all items undecided.
    pub fn start_inspection(
        &mut self,
        compound_id: CompoundId,
        standard_id: &str,
        catalogue: &Catalogue,
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let items: Vec<StandardItem> = catalogue
            .items_of(standard_id)
            .into_iter()
            .cloned()
            .collect();
        if items.is_empty() {
            return Err(StoreError::Corrupt(format!(
                "标准目录 {} 中没有标准 {standard_id}",
                catalogue.version
            )));
        }
        let head = NewRound {
            compound_id,
            standard_id,
            catalogue_version: &catalogue.version,
            parent: None,
            round: 1,
        };
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
        let chain = self.chain_of(parent)?;
        let Some(latest) = chain.latest() else {
            return Err(StoreError::NotFound {
                what: "验收记录",
                id: parent.to_string(),
            });
        };
        if latest.id != parent {
            return Err(StoreError::NotReady(vec![format!(
                "已有更新的第 {} 轮，请在最新一轮之后复验",
                latest.round
            )]));
        }
        let open: Vec<StandardItem> = chain.open_items().into_iter().map(|i| i.standard).collect();
        if open.is_empty() {
            return Err(StoreError::NotReady(vec![
                "没有不合格项目需要复验".to_owned(),
            ]));
        }
        let head = NewRound {
            compound_id: latest.compound_id,
            standard_id: &latest.standard_id,
            catalogue_version: &latest.catalogue_version,
            parent: Some(parent),
            round: latest.round + 1,
        };
        self.insert_round(&head, &open, inspected_on, inspectors, parties)
    }

    fn insert_round(
        &mut self,
        head: &NewRound<'_>,
        items: &[StandardItem],
        inspected_on: NaiveDate,
        inspectors: &str,
        parties: &[String],
    ) -> Result<InspectionId, StoreError> {
        let id = InspectionId::new();
        let now = now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO inspection (id, compound_id, standard_id, catalogue_version, inspected_on,
                                     inspectors, parent_id, round, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                id,
                head.compound_id,
                head.standard_id,
                head.catalogue_version,
                inspected_on.to_string(),
                inspectors,
                head.parent,
                head.round,
                now
            ],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO inspection_item (inspection_id, position, code, standard_id, group_name,
                     standard_text, hint, clause, required, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for (position, item) in items.iter().enumerate() {
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
                "SELECT compound_id, standard_id, catalogue_version, inspected_on, inspectors,
                        signed_off_at, seal, parent_id, round
                 FROM inspection WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, CompoundId>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<InspectionId>>(7)?,
                        r.get::<_, u32>(8)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "验收记录",
                id: id.to_string(),
            })?;
        let (
            compound_id,
            standard_id,
            catalogue_version,
            inspected_on,
            inspectors,
            signed_off_at,
            seal,
            parent_id,
            round,
        ) = head;
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

        Ok(Inspection {
            id,
            compound_id,
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
        })
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

    /// The inspections of one compound, newest first.
    pub fn inspections_of(
        &self,
        compound_id: CompoundId,
    ) -> Result<Vec<InspectionSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM inspection WHERE compound_id = ?1 ORDER BY inspected_on DESC, id DESC",
        )?;
        let ids = stmt
            .query_map([compound_id], |r| r.get::<_, InspectionId>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        ids.into_iter()
            .map(|id| self.inspection(id).map(|i| summarize(&i)))
            .collect()
    }

    /// One inspection with its compound's name.
    pub fn inspection_listing(&self, id: InspectionId) -> Result<InspectionListing, StoreError> {
        let inspection = self.inspection(id)?;
        let compound = self.compound(inspection.compound_id)?;
        Ok(InspectionListing {
            compound_id: compound.id,
            compound_name: compound.name,
            summary: summarize(&inspection),
        })
    }

    /// Every inspection in the file, by compound name and date.
    pub fn all_inspections(&self) -> Result<Vec<InspectionListing>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT i.id, c.id, c.name FROM inspection i JOIN compound c ON c.id = i.compound_id
             ORDER BY c.name, i.inspected_on, i.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, InspectionId>(0)?,
                    r.get::<_, CompoundId>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, compound_id, compound_name)| {
                Ok(InspectionListing {
                    compound_id,
                    compound_name,
                    summary: summarize(&self.inspection(id)?),
                })
            })
            .collect()
    }
}

fn summarize(i: &Inspection) -> InspectionSummary {
    InspectionSummary {
        id: i.id,
        inspected_on: i.inspected_on,
        inspectors: i.inspectors.clone(),
        decided: i.decided_count(),
        total: i.items.len(),
        verdict: verdict_of(&i.items),
        signed_off: i.is_signed_off(),
        round: i.round,
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::Corrupt(format!("日期“{text}”格式不对")))
}
