//! Funding entries per compound or cluster, and the totals the office reports.

use std::collections::HashMap;

use super::{Store, StoreError, now};
use crate::model::funding::{Funding, FundingFlag, RedLine, Source, Works, flags};
use crate::model::{ClusterId, CompoundId, FundingId};

/// Whose money an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Funded {
    Compound(CompoundId),
    Cluster(ClusterId),
}

/// An entry with where it belongs, for the summaries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingRow {
    pub funding: Funding,
    /// The compound's (or cluster's) name and town.
    pub name: String,
    pub town: String,
    /// What the checks of 五、（一） find about this entry's supporting project (or this
    /// entry), among its compound's (or cluster's) entries: empty when nothing.
    pub checks: Vec<String>,
}

const COLUMNS: &str = "f.id, f.year, f.source, f.project, f.red_line, f.amount_fen, \
     f.project_total_fen, f.works, f.tied, f.note";

fn funding_from(
    r: &rusqlite::Row<'_>,
    rules: &crate::model::policy_pack::FundingRules,
) -> rusqlite::Result<Funding> {
    let source: String = r.get(2)?;
    let red_line: Option<String> = r.get(4)?;
    let works: String = r.get(7)?;
    Ok(Funding {
        id: r.get(0)?,
        year: r.get(1)?,
        source: Source::from_code(&source).unwrap_or(Source::Other),
        project: r.get(3)?,
        red_line: red_line.as_deref().and_then(RedLine::from_code),
        amount_fen: r.get(5)?,
        project_total_fen: r.get(6)?,
        works: Works::from_stored(&works, rules),
        tied: r.get(8)?,
        note: r.get(9)?,
    })
}

impl Store {
    /// The entries of a compound or a cluster, by year.
    pub fn funding_of(&self, whose: Funded) -> Result<Vec<Funding>, StoreError> {
        let (column, id) = match whose {
            Funded::Compound(id) => ("compound_id", id.to_string()),
            Funded::Cluster(id) => ("cluster_id", id.to_string()),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM funding f WHERE f.{column} = ?1 ORDER BY f.year, f.created_at"
        );
        let pack = self.policy_pack()?;
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], |r| funding_from(r, &pack.meta.funding))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// What the pack's money rules find in the entries of a compound or a cluster.
    pub fn funding_flags_of(&self, whose: Funded) -> Result<Vec<String>, StoreError> {
        let pack = self.policy_pack()?;
        let entries = self.funding_of(whose)?;
        Ok(flags(&entries, &pack.meta.funding)
            .into_iter()
            .map(|f| f.message)
            .collect())
    }

    /// Records a funding entry.
    pub fn add_funding(&mut self, whose: Funded, f: &Funding) -> Result<(), StoreError> {
        if f.amount_fen <= 0 {
            return Err(StoreError::refused("金额应大于 0。".to_owned()));
        }
        if !(1990..=2100).contains(&f.year) {
            return Err(StoreError::refused(format!(
                "年度 {} 不在 1990–2100 之间。",
                f.year
            )));
        }
        crate::model::validate::short_text("配套项目", &f.project).map_err(StoreError::Refused)?;
        let (compound, cluster) = match whose {
            Funded::Compound(id) => (Some(id), None),
            Funded::Cluster(id) => (None, Some(id)),
        };
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO funding (id, compound_id, cluster_id, year, source, project, red_line,
                                  amount_fen, project_total_fen, works, tied, note, created_at,
                                  updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
            rusqlite::params![
                FundingId::new(),
                compound,
                cluster,
                f.year,
                f.source.code(),
                f.project.trim(),
                f.red_line.map(RedLine::code),
                f.amount_fen,
                f.project_total_fen,
                f.works.code(),
                f.tied,
                f.note.trim(),
                now
            ],
        )?;
        tx.commit()
    }

    pub fn delete_funding(&mut self, id: &FundingId) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute("DELETE FROM funding WHERE id = ?1", [id])?;
        tx.commit()
    }

    /// Every entry (but the sample's), with its compound's or cluster's name and town.
    pub fn funding_rows(&self) -> Result<Vec<FundingRow>, StoreError> {
        let pack = self.policy_pack()?;
        let rules = &pack.meta.funding;
        let sql = format!(
            "SELECT {COLUMNS}, coalesce(c.name, k.name, ''), coalesce(t.name, ''),
                    coalesce(f.compound_id, f.cluster_id, '')
             FROM funding f
             LEFT JOIN compound c ON c.id = f.compound_id
             LEFT JOIN cluster k ON k.id = f.cluster_id
             LEFT JOIN town t ON t.id = coalesce(c.town_id, k.town_id)
             WHERE coalesce(c.is_sample, 0) = 0
                OR NOT EXISTS (SELECT 1 FROM compound WHERE is_sample = 0)
             ORDER BY f.year, t.name"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                FundingRow {
                    funding: funding_from(r, rules)?,
                    name: r.get(10)?,
                    town: r.get(11)?,
                    checks: Vec::new(),
                },
                r.get::<_, String>(12)?,
            ))
        })?;
        let rows: Vec<(FundingRow, String)> = rows.collect::<Result<_, _>>()?;
        // The checks run per compound (or cluster) over all its entries; each entry shows those
        // about its own supporting project.
        let mut by_owner: HashMap<&str, Vec<Funding>> = HashMap::new();
        for (row, owner) in &rows {
            by_owner
                .entry(owner.as_str())
                .or_default()
                .push(row.funding.clone());
        }
        let flags: HashMap<&str, Vec<FundingFlag>> = by_owner
            .into_iter()
            .map(|(owner, entries)| (owner, flags(&entries, rules)))
            .collect();
        let checks: Vec<Vec<String>> = rows
            .iter()
            .map(|(row, owner)| {
                flags
                    .get(owner.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|f| f.project == row.funding.project)
                    .map(|f| f.message.clone())
                    .collect()
            })
            .collect();
        Ok(rows
            .into_iter()
            .zip(checks)
            .map(|((row, _), checks)| FundingRow { checks, ..row })
            .collect())
    }

    /// What the checks of 五、（一） find for each compound with funding entries among those
    /// `filter` picks (a `WHERE` on `compound c`, with its `params`, as the register reads).
    pub(crate) fn compound_funding_checks(
        &self,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<HashMap<CompoundId, Vec<String>>, StoreError> {
        let pack = self.policy_pack()?;
        let rules = &pack.meta.funding;
        let sql = format!(
            "SELECT {COLUMNS}, f.compound_id FROM funding f
             WHERE f.compound_id IN (SELECT c.id FROM compound c {filter})"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut entries: HashMap<CompoundId, Vec<Funding>> = HashMap::new();
        let rows = stmt.query_map(params, |r| {
            Ok((r.get::<_, CompoundId>(10)?, funding_from(r, rules)?))
        })?;
        for row in rows {
            let (id, funding) = row?;
            entries.entry(id).or_default().push(funding);
        }
        Ok(entries
            .into_iter()
            .map(|(id, e)| {
                let messages = flags(&e, rules).into_iter().map(|f| f.message).collect();
                (id, messages)
            })
            .filter(|(_, messages): &(CompoundId, Vec<String>)| !messages.is_empty())
            .collect())
    }
}
