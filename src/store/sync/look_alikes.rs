//! Look-alikes: a compound, or a cluster, that arrives like one already here (made on two
//! laptops) is offered for merging (`keep::offer_merge`); a user merges the two, moving
//! everything of the other to the kept one, or keeps both.

use rusqlite::{Connection, OptionalExtension};

use crate::model::LookAlikeId;
use crate::store::{Store, StoreError, now};

/// What a look-alike pair is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookAlike {
    /// Same name, town and address.
    Compound,
    /// Same name and town, and the same plan year where both give one.
    Cluster,
}

impl LookAlike {
    /// 小区 or 片区.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Compound => "小区",
            Self::Cluster => "片区",
        }
    }
}

/// Two compounds, or two clusters, that look like one, offered for merging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateOffer {
    pub id: LookAlikeId,
    pub kind: LookAlike,
    /// The id of the one here first, and of the one that arrived.
    pub kept: String,
    pub other: String,
    pub name: String,
    /// A compound's address; a cluster's plan year.
    pub detail: String,
    /// Rounds (surveys and inspections) each has.
    pub kept_rounds: usize,
    pub other_rounds: usize,
}

impl Store {
    /// Compounds and clusters that look like ones already here, not yet settled.
    pub fn duplicates(&self) -> Result<Vec<DuplicateOffer>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT d.id, 'compound', d.kept, d.other, k.name, k.address,
                    (SELECT count(*) FROM survey WHERE compound_id = d.kept)
                  + (SELECT count(*) FROM inspection WHERE compound_id = d.kept),
                    (SELECT count(*) FROM survey WHERE compound_id = d.other)
                  + (SELECT count(*) FROM inspection WHERE compound_id = d.other)
             FROM duplicate d JOIN compound k ON k.id = d.kept
             WHERE d.resolved_at IS NULL AND EXISTS (SELECT 1 FROM compound WHERE id = d.other)
             UNION ALL
             SELECT d.id, 'cluster', d.kept, d.other, k.name,
                    coalesce(k.plan_year || ' 年计划', '未定计划年度'),
                    (SELECT count(*) FROM cluster_survey WHERE cluster_id = d.kept)
                  + (SELECT count(*) FROM inspection WHERE cluster_id = d.kept),
                    (SELECT count(*) FROM cluster_survey WHERE cluster_id = d.other)
                  + (SELECT count(*) FROM inspection WHERE cluster_id = d.other)
             FROM duplicate d JOIN cluster k ON k.id = d.kept
             WHERE d.resolved_at IS NULL AND EXISTS (SELECT 1 FROM cluster WHERE id = d.other)
             ORDER BY 2 DESC, 5",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DuplicateOffer {
                id: r.get(0)?,
                kind: if r.get::<_, String>(1)? == "cluster" {
                    LookAlike::Cluster
                } else {
                    LookAlike::Compound
                },
                kept: r.get(2)?,
                other: r.get(3)?,
                name: r.get(4)?,
                detail: r.get(5)?,
                kept_rounds: r.get::<_, i64>(6)? as usize,
                other_rounds: r.get::<_, i64>(7)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Settles a look-alike: `merge` moves everything of the other one to the kept one and
    /// deletes it (a change that travels); otherwise both stay.
    pub fn resolve_duplicate(&mut self, id: &LookAlikeId, merge: bool) -> Result<(), StoreError> {
        let offer = self
            .duplicates()?
            .into_iter()
            .find(|d| d.id == *id)
            .ok_or_else(|| StoreError::NotFound {
                what: "疑似重复的小区或片区",
                id: id.to_string(),
            })?;
        let name = self.origin()?.name.clone();
        let programme = self.programme().ok();
        let tx = self.begin()?;
        if merge {
            let owner = match offer.kind {
                LookAlike::Compound => "compound_id",
                LookAlike::Cluster => "cluster_id",
            };
            let signed: i64 = tx.query_row(
                &format!(
                    "SELECT count(*) FROM inspection WHERE {owner} = ?1
                         AND (signed_off_at IS NOT NULL
                              OR EXISTS (SELECT 1 FROM seal_log WHERE inspection_id = inspection.id))"
                ),
                [&offer.other],
                |r| r.get(0),
            )?;
            if signed > 0 {
                return Err(StoreError::refused(format!(
                    "另一个“{}”有 {signed} 份已签字的验收记录，签字记录不能改动，不能合并：请选“保留两个”。",
                    offer.name
                )));
            }
            match offer.kind {
                LookAlike::Compound => merge_compounds(&tx, &offer, programme)?,
                LookAlike::Cluster => merge_clusters(&tx, &offer)?,
            }
        }
        tx.execute(
            "UPDATE duplicate SET resolved_at = ?2, resolution = ?3, resolved_by = ?4
             WHERE id = ?1",
            (id, now(), if merge { "merged" } else { "both" }, name),
        )?;
        tx.commit()
    }
}

/// Moves everything of the other compound (its surveys, inspections, programme steps,
/// evidence, evaluations, funding, route stops, the reports naming it) to the kept one, and
/// deletes it.
fn merge_compounds(
    tx: &Connection,
    offer: &DuplicateOffer,
    programme: Option<&'static crate::model::programme::Programme>,
) -> Result<(), StoreError> {
    let (kept, other) = (&offer.kept, &offer.other);
    // A programme step both recorded would be lost: the user clears one first.
    let clash: Option<String> = tx
        .query_row(
            "SELECT o.step FROM programme_step o
             JOIN programme_step k ON k.step = o.step AND k.compound_id = ?1
             WHERE o.compound_id = ?2 LIMIT 1",
            (kept, other),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(step) = clash {
        let label = programme
            .and_then(|p| p.step(&step))
            .map_or(step.clone(), |s| s.label().to_owned());
        return Err(StoreError::refused(format!(
            "两条“{}”都登记了改造进程“{label}”：请先在其中一条中清除这一步，再合并。",
            offer.name
        )));
    }
    // A compound is on a month's observation route once.
    let both_on_route: Option<String> = tx
        .query_row(
            "SELECT o.month FROM observation_stop o
             JOIN observation_stop k ON k.month = o.month AND k.compound_id = ?1
             WHERE o.compound_id = ?2 LIMIT 1",
            (kept, other),
            |r| r.get(0),
        )
        .optional()?;
    if let Some(month) = both_on_route {
        return Err(StoreError::refused(format!(
            "两条“{}”都在 {month} 的观摩路线上：请先在观摩路线中去掉其中一条，再合并。",
            offer.name
        )));
    }
    // Its survey rounds follow the kept compound's.
    tx.execute(
        "UPDATE survey SET round = round + (SELECT coalesce(max(round), 0)
                                            FROM survey WHERE compound_id = ?1)
         WHERE compound_id = ?2",
        (kept, other),
    )?;
    move_rows(tx, "compound", kept, other)?;
    tx.execute("DELETE FROM compound WHERE id = ?1", [other])?;
    Ok(())
}

/// Moves the other cluster's member compounds, surveys, inspections and funding to the kept
/// one, and deletes it.
fn merge_clusters(tx: &Connection, offer: &DuplicateOffer) -> Result<(), StoreError> {
    move_rows(tx, "cluster", &offer.kept, &offer.other)?;
    tx.execute("DELETE FROM cluster WHERE id = ?1", [&offer.other])?;
    Ok(())
}

/// Every travelling row that refers to `other` of `parent` (by a foreign key of the schema, so
/// a table added later is not forgotten) refers to `kept` instead.
fn move_rows(tx: &Connection, parent: &str, kept: &str, other: &str) -> Result<(), StoreError> {
    for spec in super::tables::TRAVELLING {
        let table = super::rows::Table::read(tx, spec.name)?;
        for link in table
            .links
            .iter()
            .filter(|l| l.parent == parent && l.parent_column == "id")
        {
            let column = &table.columns[link.column];
            tx.execute(
                &format!(
                    "UPDATE \"{}\" SET \"{column}\" = ?1 WHERE \"{column}\" = ?2",
                    spec.name
                ),
                (kept, other),
            )?;
        }
    }
    Ok(())
}
