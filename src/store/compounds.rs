//! Towns and compounds.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, now};
use crate::model::validate;
use crate::model::{
    Cluster, ClusterId, Compound, CompoundId, CompoundSurvey, Eligibility, EligibilityFacts, Stage,
    SurveyId, SurveyStatus, Town, TownId, assess,
};

/// What `count_of` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Compounds,
    Inspections,
    /// The photos of every round of the acceptance a round belongs to (its subject's).
    PhotosOfRound(crate::model::InspectionId),
    MembersOf(ClusterId),
}

/// A compound as the register lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompoundRow {
    pub compound: Compound,
    pub town_name: String,
    pub cluster_name: String,
    pub inspection_count: u32,
    /// Date of the latest inspection.
    pub last_inspected_on: Option<chrono::NaiveDate>,
    pub survey_status: SurveyStatus,
    /// (filled, total) of the latest survey round.
    pub survey_completeness: Option<(usize, usize)>,
    pub eligibility: Eligibility,
    /// Where its acceptance stands (已交付, 整改中, …).
    pub stage: Stage,
    /// The furthest phase of 四、实施步骤 it has reached (none recorded: `None`).
    pub phase: Option<crate::model::programme::Phase>,
    /// What the funding checks of 五、（一） find about its entries (empty: nothing).
    pub funding_checks: Vec<String>,
}

const COMPOUND_COLUMNS: &str = "c.id, c.name, c.address, c.town_id, c.owner_unit, c.year_built, \
     c.buildings, c.households, c.cluster_id, c.is_sample";

fn compound_from_row(row: &Row<'_>) -> rusqlite::Result<Compound> {
    Ok(Compound {
        id: row.get(0)?,
        name: row.get(1)?,
        address: row.get(2)?,
        town_id: row.get(3)?,
        owner_unit: row.get(4)?,
        year_built: row.get(5)?,
        buildings: row.get(6)?,
        households: row.get(7)?,
        cluster_id: row.get(8)?,
        is_sample: row.get(9)?,
    })
}

impl Store {
    /// Whether the file holds the training sample and no real compound: then the office's
    /// reports show the sample, marked as such.
    pub fn has_only_sample(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM compound WHERE is_sample = 1)
                AND NOT EXISTS (SELECT 1 FROM compound WHERE is_sample = 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every town, by name.
    pub fn towns(&self) -> Result<Vec<Town>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name FROM town ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(Town {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The register: every compound with its town and inspection summary, by name.
    pub fn compound_rows(&self) -> Result<Vec<CompoundRow>, StoreError> {
        self.rows_where("", &[])
    }

    /// The register's rows one at a time, by name, without holding them all (`list` at
    /// 100,000 compounds).
    pub fn each_compound_row(&self, mut visit: impl FnMut(CompoundRow)) -> Result<(), StoreError> {
        self.visit_rows_where("", &[], &mut visit)
    }

    /// The register's first `limit` rows by name (shown while the rest are read).
    pub fn first_compound_rows(&self, limit: usize) -> Result<Vec<CompoundRow>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.rows_where(
            "WHERE c.id IN (SELECT id FROM compound ORDER BY name LIMIT ?1)",
            &[&limit],
        )
    }

    /// One compound's register row.
    pub fn compound_row(&self, id: CompoundId) -> Result<CompoundRow, StoreError> {
        self.rows_where("WHERE c.id = ?1", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "小区",
                id: id.to_string(),
            })
    }

    /// The register rows of one cluster's member compounds, by name.
    pub fn cluster_rows(&self, cluster: ClusterId) -> Result<Vec<CompoundRow>, StoreError> {
        self.rows_where("WHERE c.cluster_id = ?1", &[&cluster])
    }

    fn rows_where(
        &self,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<CompoundRow>, StoreError> {
        let mut rows = Vec::new();
        self.visit_rows_where(filter, params, &mut |row| rows.push(row))?;
        Ok(rows)
    }

    fn visit_rows_where(
        &self,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
        visit: &mut dyn FnMut(CompoundRow),
    ) -> Result<(), StoreError> {
        let stages = self.stages_where(filter, params)?;
        let rules = self.policy_rules()?;
        // A file whose pack cannot be read still lists its compounds (without their phase).
        let programme = self.programme().ok();
        // Only the funding of the compounds read (one row on a compound's page).
        let mut funding_checks = self.compound_funding_checks(filter, params)?;
        let sql = format!(
            "SELECT {COMPOUND_COLUMNS}, coalesce(t.name, ''), coalesce(k.name, ''),
                    (SELECT count(*) FROM inspection i WHERE i.compound_id = c.id),
                    (SELECT max(inspected_on) FROM inspection i WHERE i.compound_id = c.id),
                    s.id, s.floors, s.floor_area, s.management_mode, s.structural_safety,
                    s.demolition_suitable, s.households_in_favour, s.willingness_method,
                    (SELECT count(*) FROM survey_item si
                     WHERE si.survey_id = s.id AND si.condition IS NOT NULL),
                    (SELECT count(*) FROM survey_item si WHERE si.survey_id = s.id),
                    (SELECT group_concat(ps.step) FROM programme_step ps
                     WHERE ps.compound_id = c.id),
                    (SELECT group_concat(si.code || '=' || si.condition) FROM survey_item si
                     WHERE si.survey_id = s.id AND si.condition IS NOT NULL),
                    s.catalogue_version
             FROM compound c
             LEFT JOIN town t ON t.id = c.town_id
             LEFT JOIN cluster k ON k.id = c.cluster_id
             LEFT JOIN survey s ON s.compound_id = c.id
                  AND s.round = (SELECT max(round) FROM survey WHERE compound_id = c.id)
             {filter}
             ORDER BY c.name"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params, |r| {
            let compound = compound_from_row(r)?;
            let codes: Option<String> = r.get(24)?;
            let survey_id: Option<SurveyId> = r.get(14)?;
            // The survey's head only: enough for eligibility and the completeness count.
            let survey = survey_id
                .map(|id| -> rusqlite::Result<CompoundSurvey> {
                    Ok(CompoundSurvey {
                        floors: r.get(15)?,
                        floor_area: r.get(16)?,
                        management_mode: r.get(17)?,
                        structural_safety: r.get(18)?,
                        demolition_suitable: r.get(19)?,
                        households_in_favour: r.get(20)?,
                        willingness_method: r.get(21)?,
                        id,
                        compound_id: compound.id,
                        round: 0,
                        surveyed_on: chrono::NaiveDate::default(),
                        surveyors: String::new(),
                        catalogue_version: r.get::<_, Option<String>>(26)?.unwrap_or_default(),
                        pack_version: String::new(),
                        // Each item's condition only: what eligibility reads.
                        items: item_conditions(r.get::<_, Option<String>>(25)?.as_deref()),
                    })
                })
                .transpose()?;
            let completeness = match &survey {
                Some(s) => {
                    let items_filled: u32 = r.get(22)?;
                    let items_total: u32 = r.get(23)?;
                    let fields = crate::model::SurveyField::COUNTED.len();
                    Some((
                        s.fields_filled() + items_filled as usize,
                        fields + items_total as usize,
                    ))
                }
                None => None,
            };
            let facts = EligibilityFacts::gather(
                compound.year_built,
                compound.cluster_id.is_some(),
                compound.households,
                survey.as_ref(),
            )
            .with_rules(&rules);
            Ok(CompoundRow {
                town_name: r.get(10)?,
                cluster_name: r.get(11)?,
                inspection_count: r.get(12)?,
                // A date that does not read shows as none rather than hiding the register.
                last_inspected_on: r
                    .get::<_, Option<String>>(13)?
                    .and_then(|d| super::sql_types::parse_date(&d).ok()),
                survey_status: completeness.map_or(SurveyStatus::NotSurveyed, |(f, t)| {
                    SurveyStatus::from_completeness(f, t)
                }),
                survey_completeness: completeness,
                eligibility: assess(&facts).status,
                stage: stages
                    .get(&compound.id)
                    .copied()
                    .unwrap_or(Stage::NotInspected),
                phase: programme.and_then(|p| {
                    p.phase_of_codes(
                        codes.as_deref().unwrap_or("").split(','),
                        stages.get(&compound.id) == Some(&Stage::Delivered),
                    )
                }),
                funding_checks: funding_checks.remove(&compound.id).unwrap_or_default(),
                compound,
            })
        })?;
        for row in rows {
            visit(row?);
        }
        Ok(())
    }

    /// Every compound alone (no town, survey or stage), by name: what a register import
    /// checks its rows against.
    pub fn compounds(&self) -> Result<Vec<Compound>, StoreError> {
        let sql = format!("SELECT {COMPOUND_COLUMNS} FROM compound c ORDER BY c.name");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], compound_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One compound.
    pub fn compound(&self, id: CompoundId) -> Result<Compound, StoreError> {
        let sql = format!("SELECT {COMPOUND_COLUMNS} FROM compound c WHERE c.id = ?1");
        self.conn
            .query_row(&sql, [id], compound_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "小区",
                id: id.to_string(),
            })
    }

    /// What to confirm before saving `compound`: its own likely slips, and another compound
    /// of the same name in the same town (registered twice?).
    pub fn warnings_for(&self, compound: &Compound) -> Result<Vec<String>, StoreError> {
        let mut warnings = compound.warnings();
        let sql = format!(
            "SELECT {COMPOUND_COLUMNS} FROM compound c
             WHERE c.name = ?1 AND c.town_id IS ?2 AND c.id <> ?3"
        );
        let twins = self
            .conn
            .prepare_cached(&sql)?
            .query_map(
                params![compound.name.trim(), compound.town_id, compound.id],
                compound_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        for twin in twins {
            let address = if twin.address.is_empty() {
                "未填地址".to_owned()
            } else {
                format!("地址：{}", twin.address)
            };
            warnings.push(format!(
                "同一乡镇已有同名小区“{}”（{address}）：如是同一小区，请勿重复登记",
                twin.name
            ));
        }
        Ok(warnings)
    }

    /// The town of a compound or a cluster, if it has one.
    pub fn town_of(&self, subject: crate::model::Subject) -> Result<Option<String>, StoreError> {
        let town = match subject {
            crate::model::Subject::Compound(id) => self.compound(id)?.town_id,
            crate::model::Subject::Cluster(id) => self.cluster(id)?.town_id,
        };
        match town {
            Some(town) => self.town_name(town),
            None => Ok(None),
        }
    }

    /// The name of a town, if it exists.
    pub fn town_name(&self, id: TownId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT name FROM town WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// Every cluster, by name.
    pub fn clusters(&self) -> Result<Vec<Cluster>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, town_id, plan_year FROM cluster ORDER BY name")?;
        let rows = stmt.query_map([], cluster_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One cluster.
    pub fn cluster(&self, id: ClusterId) -> Result<Cluster, StoreError> {
        self.conn
            .prepare_cached("SELECT id, name, town_id, plan_year FROM cluster WHERE id = ?1")?
            .query_row([id], cluster_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "片区",
                id: id.to_string(),
            })
    }

    /// Adds a cluster or updates the one with the same id.
    pub fn save_cluster(&mut self, k: &Cluster) -> Result<(), StoreError> {
        let tx = self.begin()?;
        insert_cluster(&tx, k)?;
        tx.commit()?;
        Ok(())
    }

    /// Saves an edit of a compound made on a form that loaded `loaded`: refused, naming what
    /// changed, if the stored record is no longer what the form loaded (another program wrote
    /// it meanwhile), so a stale form never writes old values back.
    pub fn save_compound_edit(
        &mut self,
        c: &Compound,
        new_cluster: Option<&Cluster>,
        loaded: &Compound,
    ) -> Result<(), StoreError> {
        let tx = self.begin()?;
        let stored = self.compound(c.id)?;
        if stored != *loaded {
            return Err(StoreError::Stale {
                what: "小区信息",
                changes: stored.changes_from(loaded),
            });
        }
        if let Some(k) = new_cluster {
            insert_cluster(&tx, k)?;
        }
        upsert_compound(&tx, c, &now(), super::today())?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a compound or updates the existing one with the same id.
    pub fn save_compound(&mut self, c: &Compound) -> Result<(), StoreError> {
        self.save_compound_with_cluster(c, None)
    }

    /// Saves a compound, first creating `new_cluster` (which `c.cluster_id` names), in one
    /// transaction: either both are saved or neither.
    pub fn save_compound_with_cluster(
        &mut self,
        c: &Compound,
        new_cluster: Option<&Cluster>,
    ) -> Result<(), StoreError> {
        let tx = self.begin()?;
        if let Some(k) = new_cluster {
            insert_cluster(&tx, k)?;
        }
        upsert_compound(&tx, c, &now(), super::today())?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a compound and, with it, its inspections.
    pub fn delete_compound(&mut self, id: CompoundId) -> Result<(), StoreError> {
        let tx = self.begin()?;
        let signed: i64 = tx.query_row(
            "SELECT count(*) FROM inspection WHERE compound_id = ?1 AND signed_off_at IS NOT NULL",
            [id],
            |r| r.get(0),
        )?;
        if signed > 0 {
            return Err(StoreError::ReadOnlyRecord(format!(
                "该小区有 {signed} 份已签字确认的验收记录，不能删除。"
            )));
        }
        let n = tx.execute("DELETE FROM compound WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "小区",
                id: id.to_string(),
            });
        }
        tx.commit()?;
        Ok(())
    }

    /// The names of a compound's town and cluster (empty when it has none).
    pub fn places_of(&self, c: &Compound) -> Result<(String, String), StoreError> {
        let town = match c.town_id {
            Some(t) => self.town_name(t)?.unwrap_or_default(),
            None => String::new(),
        };
        let cluster = match c.cluster_id {
            Some(k) => self.cluster_name(k)?.unwrap_or_default(),
            None => String::new(),
        };
        Ok((town, cluster))
    }

    /// The name of a cluster, if it exists.
    pub fn cluster_name(&self, id: ClusterId) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT name FROM cluster WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// How many rows a screen of `what` would read: compounds, inspections, one round's
    /// photos, or one cluster's members (to decide whether it loads in the background).
    pub fn count_of(&self, what: Counted) -> Result<i64, StoreError> {
        let (sql, key) = match what {
            Counted::Compounds => ("SELECT count(*) FROM compound", None),
            Counted::Inspections => ("SELECT count(*) FROM inspection", None),
            Counted::PhotosOfRound(id) => (
                "SELECT count(*) FROM photo WHERE inspection_id IN
                 (SELECT id FROM inspection WHERE compound_id =
                    (SELECT compound_id FROM inspection WHERE id = ?1)
                  OR cluster_id = (SELECT cluster_id FROM inspection WHERE id = ?1))",
                Some(id.to_string()),
            ),
            Counted::MembersOf(id) => (
                "SELECT count(*) FROM compound WHERE cluster_id = ?1",
                Some(id.to_string()),
            ),
        };
        Ok(match key {
            Some(key) => self.conn.query_row(sql, [key], |r| r.get(0))?,
            None => self.conn.query_row(sql, [], |r| r.get(0))?,
        })
    }

    /// How many compounds there are, and how many of them are sample data.
    pub fn compound_counts(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*), coalesce(sum(is_sample), 0) FROM compound",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

pub(super) fn insert_cluster(tx: &rusqlite::Connection, k: &Cluster) -> Result<(), StoreError> {
    validate::name("片区名称", &k.name)?;
    if let Some(year) = k.plan_year {
        validate::plan_year(year, super::today())?;
    }
    let now = now();
    tx.execute(
        "INSERT INTO cluster (id, name, town_id, plan_year, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, town_id = excluded.town_id,
            plan_year = excluded.plan_year, updated_at = excluded.updated_at",
        params![k.id, k.name, k.town_id, k.plan_year, now],
    )?;
    Ok(())
}

/// Adds a compound, or updates the one with the same id (keeping its `created_at`).
pub(super) fn upsert_compound(
    tx: &rusqlite::Connection,
    c: &Compound,
    now: &str,
    today: chrono::NaiveDate,
) -> Result<(), StoreError> {
    write_compound(tx, c, now, today, Write::AddOrUpdate)
}

/// Adds a compound made just now (a register's row, under a fresh id): a plain insert, which
/// needs no statement journal (a register of 100,000 rows takes a fifth less time).
pub(super) fn insert_new_compound(
    tx: &rusqlite::Connection,
    c: &Compound,
    now: &str,
    today: chrono::NaiveDate,
) -> Result<(), StoreError> {
    write_compound(tx, c, now, today, Write::AddNew)
}

/// How a compound is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Write {
    AddOrUpdate,
    AddNew,
}

fn write_compound(
    tx: &rusqlite::Connection,
    c: &Compound,
    now: &str,
    today: chrono::NaiveDate,
    how: Write,
) -> Result<(), StoreError> {
    if let Err(errors) = c.check(today) {
        let messages: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        return Err(StoreError::refused(format!(
            "小区“{}”：{}",
            c.name.trim(),
            messages.join("；")
        )));
    }
    const INSERT: &str = "INSERT INTO compound (id, name, address, town_id, owner_unit, year_built,
                               buildings, households, cluster_id, is_sample, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";
    const UPSERT: &str = "INSERT INTO compound (id, name, address, town_id, owner_unit, year_built,
                               buildings, households, cluster_id, is_sample, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
         ON CONFLICT(id) DO UPDATE SET
            name = excluded.name, address = excluded.address, town_id = excluded.town_id,
            owner_unit = excluded.owner_unit, year_built = excluded.year_built,
            buildings = excluded.buildings, households = excluded.households,
            cluster_id = excluded.cluster_id, updated_at = excluded.updated_at";
    tx.prepare_cached(match how {
        Write::AddNew => INSERT,
        Write::AddOrUpdate => UPSERT,
    })?
    .execute(params![
        c.id,
        c.name,
        c.address,
        c.town_id,
        c.owner_unit,
        c.year_built,
        c.buildings,
        c.households,
        c.cluster_id,
        c.is_sample,
        now
    ])?;
    Ok(())
}

fn cluster_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Cluster> {
    Ok(Cluster {
        id: r.get(0)?,
        name: r.get(1)?,
        town_id: r.get(2)?,
        plan_year: r.get(3)?,
    })
}

/// `code=condition,…` (as the register's query lists a survey's recorded items) as items.
fn item_conditions(list: Option<&str>) -> Vec<crate::model::ItemCondition> {
    use crate::model::survey::Choice;
    list.unwrap_or("")
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(code, condition)| crate::model::ItemCondition {
            code: code.to_owned(),
            condition: crate::model::Condition::from_code(condition),
            problems: Default::default(),
            other_problem: String::new(),
            note: String::new(),
        })
        .collect()
}
