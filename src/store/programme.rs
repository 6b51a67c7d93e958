//! Each compound's recorded programme steps with their evidence, property-service evaluations,
//! the programme's targets, and each compound's dates as progress counts them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::sql_types::parse_date;
use super::{Store, StoreError, now};
use crate::model::programme::{Mark, Step, StepRecord, date_problem};
use crate::model::progress::{CompoundProgress, Target};
use crate::model::{CompoundId, Stage};

/// Evidence files larger than this are refused (a scan or a photo of a notice is far smaller).
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

impl Store {
    /// The steps recorded for a compound, in the programme's order, with their evidence's names.
    pub fn steps_of(&self, compound: CompoundId) -> Result<Vec<StepRecord>, StoreError> {
        let mut evidence: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT step, file_name FROM step_evidence WHERE compound_id = ?1 ORDER BY added_at",
        )?;
        let mut rows = stmt.query([compound])?;
        while let Some(r) = rows.next()? {
            evidence.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT step, done_on, unit, count, note, detail FROM programme_step
             WHERE compound_id = ?1",
        )?;
        let mut rows = stmt.query([compound])?;
        let programme = self.programme()?;
        let mut steps = Vec::new();
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            let Some(step) = programme.step(&code) else {
                continue; // a step the pack in force no longer has
            };
            let detail: String = r.get(5)?;
            steps.push(StepRecord {
                step,
                done_on: parse_date(&r.get::<_, String>(1)?)?,
                unit: r.get(2)?,
                count: r.get(3)?,
                note: r.get(4)?,
                details: serde_json::from_str(&detail).unwrap_or_default(),
                evidence: evidence.remove(&code).unwrap_or_default(),
            });
        }
        steps.sort_by_key(|s| s.step);
        Ok(steps)
    }

    /// The day a compound's acceptance came out 合格 with every round signed, if it has.
    pub fn accepted_on(&self, compound: CompoundId) -> Result<Option<NaiveDate>, StoreError> {
        let row = self.compound_row(compound)?;
        Ok((row.stage == Stage::Delivered)
            .then_some(row.last_inspected_on)
            .flatten())
    }

    /// Records (or changes) a step of a compound, checked against its other steps and its
    /// acceptance.
    pub fn record_step(
        &mut self,
        compound: CompoundId,
        record: &StepRecord,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        for (what, text) in [("责任单位", &record.unit), ("备注", &record.note)] {
            crate::model::validate::free_text(what, text).map_err(StoreError::Refused)?;
        }
        // The step as the pack in force has it (a form opened before a revised pack was taken
        // holds the older programme's).
        let Some(step) = self.programme()?.step(record.step.code()) else {
            return Err(StoreError::refused(format!(
                "本县现行政策包的实施步骤里已没有“{}”：请关闭此表单，按现行步骤登记。",
                record.step.label()
            )));
        };
        let accepted = self.accepted_on(compound)?;
        let tx = self.begin()?;
        let others: Vec<StepRecord> = self
            .steps_of(compound)?
            .into_iter()
            .filter(|s| s.step != step)
            .collect();
        if let Some(problem) = date_problem(step, record.done_on, &others, accepted, today) {
            return Err(StoreError::Refused(problem));
        }
        let now = now();
        tx.execute(
            "INSERT INTO programme_step (compound_id, step, done_on, unit, count, note, detail,
                                         created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             ON CONFLICT (compound_id, step) DO UPDATE SET done_on = excluded.done_on,
                 unit = excluded.unit, count = excluded.count, note = excluded.note,
                 detail = excluded.detail, updated_at = excluded.updated_at",
            rusqlite::params![
                compound,
                record.step.code(),
                record.done_on.format("%Y-%m-%d").to_string(),
                record.unit.trim(),
                record.count,
                record.note.trim(),
                serde_json::to_string(&record.details).unwrap_or_else(|_| "[]".to_owned()),
                now
            ],
        )?;
        tx.commit()
    }

    /// Clears a recorded step, with its evidence.
    pub fn clear_step(&mut self, compound: CompoundId, step: Step) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute(
            "DELETE FROM step_evidence WHERE compound_id = ?1 AND step = ?2",
            rusqlite::params![compound, step.code()],
        )?;
        tx.execute(
            "DELETE FROM programme_step WHERE compound_id = ?1 AND step = ?2",
            rusqlite::params![compound, step.code()],
        )?;
        tx.commit()
    }

    /// Keeps a file as evidence of a recorded step (a scan, a photo of a notice, a PDF).
    pub fn add_evidence(
        &mut self,
        compound: CompoundId,
        step: Step,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        if bytes.is_empty() {
            return Err(StoreError::refused(format!("“{file_name}”是空文件。")));
        }
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(StoreError::refused(format!(
                "“{file_name}”超过 20 MB：请缩小或分页扫描后再添加。"
            )));
        }
        let tx = self.begin()?;
        let recorded: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM programme_step WHERE compound_id = ?1 AND step = ?2",
                rusqlite::params![compound, step.code()],
                |r| r.get(0),
            )
            .optional()?;
        if recorded.is_none() {
            return Err(StoreError::refused(format!(
                "请先填写“{}”的日期，再添加证据。",
                step.label()
            )));
        }
        tx.execute(
            "INSERT INTO step_evidence (id, compound_id, step, file_name, bytes, sha256, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                compound,
                step.code(),
                file_name,
                bytes,
                crate::model::seal::sha256_hex(bytes),
                now()
            ],
        )?;
        tx.commit()
    }

    /// The property-service evaluations of a compound, newest first.
    pub fn evaluations_of(
        &self,
        compound: CompoundId,
    ) -> Result<Vec<crate::model::programme::ServiceEvaluation>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, evaluated_on, unit, score, note FROM service_evaluation
             WHERE compound_id = ?1 ORDER BY evaluated_on DESC, created_at DESC",
        )?;
        let mut rows = stmt.query([compound])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(crate::model::programme::ServiceEvaluation {
                id: r.get(0)?,
                evaluated_on: parse_date(&r.get::<_, String>(1)?)?,
                unit: r.get(2)?,
                score: r.get(3)?,
                note: r.get(4)?,
            });
        }
        Ok(out)
    }

    /// Records a property-service evaluation: only once the property-management plan is in
    /// place (长效管理), never before it, never in the future, a score from 0 to 100.
    pub fn add_evaluation(
        &mut self,
        compound: CompoundId,
        evaluation: &crate::model::programme::ServiceEvaluation,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        if evaluation.score > 100 {
            return Err(StoreError::refused("评分应在 0 到 100 之间。".to_owned()));
        }
        if evaluation.evaluated_on > today {
            return Err(StoreError::refused("评价日期不能晚于今天。".to_owned()));
        }
        let Some(after) = self.programme()?.evaluation_step() else {
            return Err(StoreError::refused(
                "本县政策包的实施步骤里没有物业服务评价（没有步骤标为 evaluations）。".to_owned(),
            ));
        };
        let management = self
            .steps_of(compound)?
            .into_iter()
            .find(|s| s.step == after);
        match management {
            None => {
                return Err(StoreError::refused(format!(
                    "请先登记“{}”，再记录物业服务评价。",
                    after.label()
                )));
            }
            Some(m) if m.done_on > evaluation.evaluated_on => {
                return Err(StoreError::refused(format!(
                    "评价日期不能早于{}（{}）。",
                    after.label(),
                    crate::model::date_text(m.done_on)
                )));
            }
            Some(_) => {}
        }
        crate::model::validate::free_text("备注", &evaluation.note).map_err(StoreError::Refused)?;
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO service_evaluation (id, compound_id, evaluated_on, unit, score, note,
                                             created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                crate::model::EvaluationId::new(),
                compound,
                evaluation.evaluated_on.format("%Y-%m-%d").to_string(),
                evaluation.unit.trim(),
                evaluation.score,
                evaluation.note.trim(),
                now()
            ],
        )?;
        tx.commit()
    }

    /// The programme's targets in force: for each year (and the whole programme) its newest
    /// version.
    pub fn targets(&self) -> Result<Vec<Target>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT year, first_year, last_year, compounds, households, clusters, source
             FROM (SELECT *, row_number() OVER (PARTITION BY coalesce(year, -1)
                                                ORDER BY created_at DESC, rowid DESC) AS newest
                   FROM target)
             WHERE newest = 1
             ORDER BY year IS NOT NULL, year",
        )?;
        let rows = stmt.query_map([], |r| target_from(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every version of every target, newest first: (version, when recorded, the target).
    pub fn target_history(&self) -> Result<Vec<(String, String, Target)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, created_at, year, first_year, last_year, compounds, households,
                    clusters, source
             FROM target ORDER BY created_at DESC, rowid DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, target_from(r, 2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a new version of a year's target (or the whole programme's, `year` none): the
    /// older versions stay, as the catalogue's do.
    pub fn save_target(&mut self, target: &Target, version: &str) -> Result<(), StoreError> {
        if let Some(problem) = crate::model::progress::target_problem(target, version) {
            return Err(StoreError::Refused(problem));
        }
        let tx = self.begin()?;
        let target = Target {
            source: target.source.trim().to_owned(),
            ..target.clone()
        };
        insert_target(
            &tx,
            &uuid::Uuid::now_v7().to_string(),
            version.trim(),
            &target,
            &now(),
        )?;
        tx.commit()
    }

    /// Every compound (but the sample's) with its dates as progress counts them: 开工 and 交付
    /// as recorded, 验收合格 from its acceptance.
    pub fn progress_items(&self) -> Result<Vec<CompoundProgress>, StoreError> {
        let programme = self.programme()?;
        let code = |mark| programme.marking(mark).map(|s| s.code()).unwrap_or("");
        let (started, handed_over) = (code(Mark::Started), code(Mark::HandedOver));
        let mut dates: HashMap<(CompoundId, String), NaiveDate> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT compound_id, step, done_on FROM programme_step WHERE step IN (?1, ?2)",
        )?;
        let mut rows = stmt.query([started, handed_over])?;
        while let Some(r) = rows.next()? {
            let done_on: String = r.get(2)?;
            dates.insert((r.get(0)?, r.get(1)?), parse_date(&done_on)?);
        }
        let rows = self.compound_rows()?;
        // A training file (only sample compounds) counts its samples; a real file never does.
        let real = rows.iter().any(|r| !r.compound.is_sample);
        Ok(rows
            .into_iter()
            .filter(|r| !real || !r.compound.is_sample)
            .map(|r| {
                let id = r.compound.id;
                let date = |step: &str| dates.get(&(id, step.to_owned())).copied();
                CompoundProgress {
                    id,
                    started: date(started),
                    handed_over: date(handed_over),
                    accepted: (r.stage == Stage::Delivered)
                        .then_some(r.last_inspected_on)
                        .flatten(),
                    households: r.compound.households.unwrap_or(0),
                    name: r.compound.name,
                    town: r.town_name,
                    cluster: r.cluster_name,
                }
            })
            .collect())
    }
}

/// A target from its columns (year, first_year, last_year, compounds, households, clusters,
/// source) starting at column `at`.
fn target_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Target> {
    let span = match (
        r.get::<_, Option<i32>>(at + 1)?,
        r.get::<_, Option<i32>>(at + 2)?,
    ) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Ok(Target {
        year: r.get(at)?,
        span,
        compounds: r.get(at + 3)?,
        households: r.get(at + 4)?,
        clusters: r.get(at + 5)?,
        source: r.get(at + 6)?,
    })
}

/// Adds a version of a target (the newest of a year is the one in force).
pub(super) fn insert_target(
    conn: &rusqlite::Connection,
    id: &str,
    version: &str,
    target: &Target,
    at: &str,
) -> Result<(), StoreError> {
    let (first, last) = target.span.unzip();
    conn.execute(
        "INSERT INTO target (id, version, year, first_year, last_year, compounds, households,
                             clusters, source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            id,
            version,
            target.year,
            first,
            last,
            target.compounds,
            target.households,
            target.clusters,
            target.source,
            at
        ],
    )?;
    Ok(())
}
