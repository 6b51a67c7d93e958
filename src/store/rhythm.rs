//! The records of 附件2's rhythm: daily reports and their coordination matters, weekly meetings
//! with their action items, the month's observation route, the quarter's scores with the
//! evidence the records hold, and the local rules (policy_rule).

use chrono::NaiveDate;
use rusqlite::OptionalExtension;

use super::sql_types::parse_date;
use super::{Store, StoreError, now};
use crate::model::policy_rule::{PolicyRule, PolicyRules, check_value};
use crate::model::rhythm::{
    ActionItem, Candidate, DailyReport, Meeting, Month, ObservationStop, Quarter, QuarterScore,
    UnitEvidence, UnitKind, report_problem,
};
use crate::model::{
    ActionItemId, CompoundId, DailyReportId, MeetingId, ObservationStopId, QuarterScoreId,
};

/// Rows of the sample are left out once the file has real compounds.
const REAL_OR_ONLY_SAMPLE: &str =
    "(r.is_sample = 0 OR NOT EXISTS (SELECT 1 FROM compound WHERE is_sample = 0))";

fn optional_date(text: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    text.as_deref().map(parse_date).transpose()
}

impl Store {
    /// Every daily report up to `last` (inclusive), oldest first: what a bulletin is made of.
    pub fn daily_reports_until(&self, last: NaiveDate) -> Result<Vec<DailyReport>, StoreError> {
        let sql = format!(
            "SELECT r.id, r.report_date, r.unit, r.unit_kind, r.compound_id, coalesce(c.name, ''),
                    r.work_done, r.good_practice, r.matters, r.resolved_on, r.resolution
             FROM daily_report r LEFT JOIN compound c ON c.id = r.compound_id
             WHERE r.report_date <= ?1 AND {REAL_OR_ONLY_SAMPLE}
             ORDER BY r.report_date, r.unit, r.created_at"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([last.to_string()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let kind: String = r.get(3)?;
            let compound: Option<String> = r.get(4)?;
            out.push(DailyReport {
                id: r.get(0)?,
                date: parse_date(&r.get::<_, String>(1)?)?,
                unit: r.get(2)?,
                kind: UnitKind::from_code(&kind),
                compound: compound.and_then(|c| c.parse().ok()),
                compound_name: r.get(5)?,
                work_done: r.get(6)?,
                good_practice: r.get(7)?,
                matters: r.get(8)?,
                resolved_on: optional_date(r.get(9)?)?,
                resolution: r.get(10)?,
            });
        }
        Ok(out)
    }

    /// A kind of unit the county's pack reports and scores (附件2), or why not.
    fn kind_in_pack(&self, kind: Option<UnitKind>) -> Result<(), StoreError> {
        let pack = self.policy_pack()?;
        let rhythm = &pack.meta.rhythm;
        match kind {
            Some(k) if rhythm.kind_name(k.code()).is_none() => Err(StoreError::refused(format!(
                "本县政策包（{}）的报送单位里没有“{}”这一类：请选其中的一类。",
                rhythm.clause,
                k.label()
            ))),
            _ => Ok(()),
        }
    }

    /// Records a unit's report of a day.
    pub fn add_daily_report(&mut self, r: &DailyReport) -> Result<DailyReportId, StoreError> {
        if let Some(problem) = report_problem(r, super::today()) {
            return Err(problem.into());
        }
        self.kind_in_pack(r.kind)?;
        let compound = match (r.compound, r.compound_name.trim()) {
            (Some(id), _) => Some(id),
            (None, "") => None,
            (None, name) => Some(self.compound_named(name)?),
        };
        let id = DailyReportId::new();
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO daily_report (id, report_date, unit, unit_kind, compound_id, work_done,
                                       good_practice, matters, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            rusqlite::params![
                id,
                r.date.to_string(),
                r.unit.trim(),
                r.kind.map(UnitKind::code),
                compound.map(|c| c.to_string()),
                r.work_done.trim(),
                r.good_practice.trim(),
                r.matters.trim(),
                now
            ],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The compound of this name (the register's, not the sample's, when both have it).
    fn compound_named(&self, name: &str) -> Result<CompoundId, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM compound WHERE name = ?1 ORDER BY is_sample LIMIT 3")?;
        let ids: Vec<String> = stmt
            .query_map([name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        match ids.as_slice() {
            [] => Err(StoreError::refused(format!(
                "名册中没有名为“{name}”的小区：请核对名称，或不填小区。"
            ))),
            [id, ..] => id
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("小区编号 {id} 无法识别"))),
        }
    }

    /// Closes a report's coordination matters on `on`, saying how.
    pub fn resolve_matters(
        &mut self,
        id: &DailyReportId,
        on: NaiveDate,
        resolution: &str,
    ) -> Result<(), StoreError> {
        let reported: Option<String> = self
            .conn
            .query_row(
                "SELECT report_date FROM daily_report WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(reported) = reported else {
            return Err(StoreError::NotFound {
                what: "日报",
                id: id.to_string(),
            });
        };
        if on < parse_date(&reported)? {
            return Err(StoreError::refused(format!(
                "办结日期 {on} 早于报送日期 {reported}，请核对。"
            )));
        }
        if on > super::today() {
            return Err(StoreError::refused(format!(
                "办结日期 {on} 晚于今天，请核对。"
            )));
        }
        let tx = self.begin()?;
        tx.execute(
            "UPDATE daily_report SET resolved_on = ?2, resolution = ?3, updated_at = ?4
             WHERE id = ?1",
            rusqlite::params![id, on.to_string(), resolution.trim(), now()],
        )?;
        tx.commit()
    }

    pub fn delete_daily_report(&mut self, id: &DailyReportId) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute("DELETE FROM daily_report WHERE id = ?1", [id])?;
        tx.commit()
    }

    /// Every meeting, newest first, with its action items.
    pub fn meetings(&self) -> Result<Vec<Meeting>, StoreError> {
        let sql = format!(
            "SELECT r.id, r.held_on, r.units, r.progress FROM meeting r
             WHERE {REAL_OR_ONLY_SAMPLE} ORDER BY r.held_on DESC, r.created_at DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        let mut meetings = Vec::new();
        while let Some(r) = rows.next()? {
            let units: String = r.get(2)?;
            meetings.push(Meeting {
                id: r.get(0)?,
                held_on: parse_date(&r.get::<_, String>(1)?)?,
                units: units.lines().map(str::to_owned).collect(),
                progress: r.get(3)?,
                actions: Vec::new(),
            });
        }
        // Every decision in one read, each to its meeting.
        let mut actions: std::collections::HashMap<MeetingId, Vec<ActionItem>> = Default::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, meeting_id, text, owner, due_on, closed_on FROM action_item
             ORDER BY due_on, created_at",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let action = ActionItem {
                id: r.get(0)?,
                meeting_id: r.get(1)?,
                text: r.get(2)?,
                owner: r.get(3)?,
                due_on: parse_date(&r.get::<_, String>(4)?)?,
                closed_on: optional_date(r.get(5)?)?,
            };
            actions
                .entry(action.meeting_id.clone())
                .or_default()
                .push(action);
        }
        for m in &mut meetings {
            m.actions = actions.remove(&m.id).unwrap_or_default();
        }
        Ok(meetings)
    }

    /// Records a meeting with its decisions, in one transaction; returns its id.
    pub fn add_meeting(&mut self, m: &Meeting) -> Result<MeetingId, StoreError> {
        if m.held_on > super::today() {
            return Err(StoreError::refused(format!(
                "会议日期 {} 晚于今天，请核对。",
                m.held_on
            )));
        }
        if m.units.iter().all(|u| u.trim().is_empty()) {
            return Err(StoreError::refused("请填写参会单位。".to_owned()));
        }
        for (i, a) in m.actions.iter().enumerate() {
            if a.text.trim().is_empty() || a.owner.trim().is_empty() {
                return Err(StoreError::refused(format!(
                    "第 {} 项决定事项缺少内容或责任单位。",
                    i + 1
                )));
            }
            if chrono::Datelike::year(&a.due_on) > 2100 {
                return Err(StoreError::refused(format!(
                    "第 {} 项决定事项的完成期限 {} 不合理。",
                    i + 1,
                    a.due_on
                )));
            }
            if a.due_on < m.held_on {
                return Err(StoreError::refused(format!(
                    "第 {} 项决定事项的完成期限 {} 早于会议日期。",
                    i + 1,
                    a.due_on
                )));
            }
        }
        let id = MeetingId::new();
        let now = now();
        let units: Vec<&str> = m
            .units
            .iter()
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .collect();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO meeting (id, held_on, units, progress, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            rusqlite::params![
                id,
                m.held_on.to_string(),
                units.join("\n"),
                m.progress.trim(),
                now
            ],
        )?;
        for a in &m.actions {
            tx.execute(
                "INSERT INTO action_item (id, meeting_id, text, owner, due_on, created_at,
                                          updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                rusqlite::params![
                    ActionItemId::new(),
                    id,
                    a.text.trim(),
                    a.owner.trim(),
                    a.due_on.to_string(),
                    now
                ],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Closes an action item on `on` (or opens it again with `None`).
    pub fn close_action(
        &mut self,
        id: &ActionItemId,
        on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute(
            "UPDATE action_item SET closed_on = ?2, updated_at = ?3 WHERE id = ?1",
            rusqlite::params![id, on.map(|d| d.to_string()), now()],
        )?;
        tx.commit()
    }

    /// The compounds worth observing in `month`, best first: how far along each is, the
    /// evidence behind its steps and the reports on it that month.
    pub fn observation_candidates(&self, month: Month) -> Result<Vec<Candidate>, StoreError> {
        let programme = self.programme().ok();
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.name, coalesce(t.name, ''), c.address,
                    (SELECT count(*) FROM programme_step s WHERE s.compound_id = c.id),
                    (SELECT count(*) FROM step_evidence e WHERE e.compound_id = c.id),
                    (SELECT count(*) FROM daily_report r WHERE r.compound_id = c.id
                        AND substr(r.report_date, 1, 7) = ?1),
                    (SELECT s.step FROM programme_step s WHERE s.compound_id = c.id
                        ORDER BY s.done_on DESC LIMIT 1)
             FROM compound c LEFT JOIN town t ON t.id = c.town_id
             WHERE EXISTS (SELECT 1 FROM programme_step s WHERE s.compound_id = c.id)
               AND (c.is_sample = 0 OR NOT EXISTS (SELECT 1 FROM compound WHERE is_sample = 0))",
        )?;
        let mut rows = stmt.query([month.code()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let Ok(compound) = id.parse() else { continue };
            let count = |i: usize| r.get::<_, i64>(i).map(|n| usize::try_from(n).unwrap_or(0));
            let (steps, evidence, reports) = (count(4)?, count(5)?, count(6)?);
            let last: Option<String> = r.get(7)?;
            let stage = last
                .as_deref()
                .and_then(|code| programme.and_then(|p| p.step(code)))
                .map(|s| format!("最近完成：{}", s.label()))
                .unwrap_or_default();
            out.push(Candidate {
                compound,
                name: r.get(1)?,
                town: r.get(2)?,
                address: r.get(3)?,
                stage,
                steps_done: steps,
                evidence_files: evidence,
                reports_in_month: reports,
                score: Candidate::rank_score(steps, evidence, reports),
            });
        }
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// The month's route, in order.
    pub fn observation_route(&self, month: Month) -> Result<Vec<ObservationStop>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, o.position, o.compound_id, c.name, coalesce(t.name, ''), c.address,
                    o.reason
             FROM observation_stop o JOIN compound c ON c.id = o.compound_id
             LEFT JOIN town t ON t.id = c.town_id
             WHERE o.month = ?1 ORDER BY o.position",
        )?;
        let mut rows = stmt.query([month.code()])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let compound: String = r.get(2)?;
            let Ok(compound) = compound.parse() else {
                continue;
            };
            out.push(ObservationStop {
                id: r.get(0)?,
                month,
                position: r.get(1)?,
                compound,
                name: r.get(3)?,
                town: r.get(4)?,
                address: r.get(5)?,
                reason: r.get(6)?,
            });
        }
        Ok(out)
    }

    /// Sets the month's route: these compounds in this order, each with why (one transaction;
    /// stops kept keep their ids).
    pub fn set_observation_route(
        &mut self,
        month: Month,
        stops: &[(CompoundId, String)],
    ) -> Result<(), StoreError> {
        let now = now();
        let tx = self.begin()?;
        let keep: Vec<String> = stops.iter().map(|(c, _)| c.to_string()).collect();
        let existing: Vec<(ObservationStopId, String)> = tx
            .prepare("SELECT id, compound_id FROM observation_stop WHERE month = ?1")?
            .query_map([month.code()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (id, compound) in &existing {
            if !keep.contains(compound) {
                tx.execute("DELETE FROM observation_stop WHERE id = ?1", [id])?;
            }
        }
        for (index, (compound, reason)) in stops.iter().enumerate() {
            let id = existing
                .iter()
                .find(|(_, c)| *c == compound.to_string())
                .map_or_else(ObservationStopId::new, |(id, _)| id.clone());
            tx.execute(
                "INSERT INTO observation_stop (id, month, position, compound_id, reason,
                                               created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (id) DO UPDATE SET position = excluded.position,
                     reason = excluded.reason, updated_at = excluded.updated_at
                 WHERE position IS NOT excluded.position OR reason IS NOT excluded.reason",
                rusqlite::params![
                    id,
                    month.code(),
                    index as i64 + 1,
                    compound.to_string(),
                    reason.trim(),
                    now
                ],
            )?;
        }
        tx.commit()
    }

    /// The quarter's scores, by unit.
    pub fn quarter_scores(&self, q: Quarter) -> Result<Vec<QuarterScore>, StoreError> {
        let sql = format!(
            "SELECT r.id, r.unit, r.unit_kind, r.duties, r.role, r.results, r.progress, r.note
             FROM quarter_score r WHERE r.year = ?1 AND r.quarter = ?2 AND {REAL_OR_ONLY_SAMPLE}
             ORDER BY r.unit_kind, r.unit"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map((q.year, q.quarter), |r| {
            let kind: String = r.get(2)?;
            Ok(QuarterScore {
                id: r.get(0)?,
                unit: r.get(1)?,
                kind: UnitKind::from_code(&kind),
                duties: r.get(3)?,
                role: r.get(4)?,
                results: r.get(5)?,
                progress: r.get(6)?,
                note: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records (or changes) a unit's score in a quarter.
    pub fn save_quarter_score(&mut self, q: Quarter, s: &QuarterScore) -> Result<(), StoreError> {
        let pack = self.policy_pack()?;
        if let Some(problem) = s.problem(&pack.meta.rhythm.score) {
            return Err(problem.into());
        }
        self.kind_in_pack(s.kind)?;
        if q.first_day() > super::today() {
            return Err(StoreError::refused(format!(
                "{} 尚未开始，不能考评。",
                q.label()
            )));
        }
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO quarter_score (id, year, quarter, unit, unit_kind, duties, role, results,
                                        progress, note, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
             ON CONFLICT (year, quarter, unit) DO UPDATE SET unit_kind = excluded.unit_kind,
                 duties = excluded.duties, role = excluded.role, results = excluded.results,
                 progress = excluded.progress, note = excluded.note,
                 updated_at = excluded.updated_at",
            rusqlite::params![
                QuarterScoreId::new(),
                q.year,
                q.quarter,
                s.unit.trim(),
                s.kind.map(UnitKind::code),
                s.duties,
                s.role,
                s.results,
                s.progress,
                s.note.trim(),
                now
            ],
        )?;
        tx.commit()
    }

    /// What the records say about `unit` in quarter `q` (`quarter_evidence` for one unit).
    pub fn unit_evidence(&self, q: Quarter, unit: &str) -> Result<UnitEvidence, StoreError> {
        Ok(self.quarter_evidence(q, &[unit])?.pop().unwrap_or_default())
    }

    /// What the records say about each of `units` in quarter `q`: days it reported, its
    /// rectifications still open and past their deadline at the quarter's end (the file's open
    /// rectifications are read once for them all), and the steps it recorded (on time: within
    /// their cluster's plan year, or any when the cluster has none).
    pub fn quarter_evidence(
        &self,
        q: Quarter,
        units: &[&str],
    ) -> Result<Vec<UnitEvidence>, StoreError> {
        let (first, last) = (q.first_day().to_string(), q.last_day().to_string());
        let overdue: Vec<String> = self
            .open_rectifications(q.last_day())?
            .into_iter()
            .filter(|l| l.status == crate::model::RectificationStatus::Overdue)
            .map(|l| l.rectification.responsible_unit)
            .collect();
        let mut reports = self.conn.prepare_cached(
            "SELECT count(DISTINCT report_date) FROM daily_report
             WHERE unit = ?1 AND report_date BETWEEN ?2 AND ?3",
        )?;
        let mut steps = self.conn.prepare_cached(
            "SELECT count(*),
                    coalesce(sum(k.plan_year IS NULL
                                 OR CAST(substr(s.done_on, 1, 4) AS INTEGER) <= k.plan_year), 0)
             FROM programme_step s JOIN compound c ON c.id = s.compound_id
             LEFT JOIN cluster k ON k.id = c.cluster_id
             WHERE s.unit = ?1 AND s.done_on BETWEEN ?2 AND ?3",
        )?;
        let n = |v: i64| usize::try_from(v).unwrap_or(0);
        let mut out = Vec::with_capacity(units.len());
        for unit in units {
            let reports_filed: i64 = reports.query_row((unit, &first, &last), |r| r.get(0))?;
            let (steps_recorded, steps_on_time): (i64, i64) =
                steps.query_row((unit, &first, &last), |r| Ok((r.get(0)?, r.get(1)?)))?;
            out.push(UnitEvidence {
                reports_filed: n(reports_filed),
                overdue_rectifications: overdue.iter().filter(|u| u == unit).count(),
                steps_recorded: n(steps_recorded),
                steps_on_time: n(steps_on_time),
            });
        }
        Ok(out)
    }

    /// The units that report or are scored, by kind (for the forms' suggestions).
    pub fn known_units(&self) -> Result<Vec<(String, UnitKind)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit, unit_kind FROM daily_report UNION SELECT unit, unit_kind FROM quarter_score
             ORDER BY 2, 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (unit, kind) = row?;
            if let Some(kind) = UnitKind::from_code(&kind) {
                out.push((unit, kind));
            }
        }
        Ok(out)
    }

    /// The local rules in force.
    pub fn policy_rules(&self) -> Result<PolicyRules, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, value FROM policy_rule")?;
        let values: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let pack = self.policy_pack()?;
        Ok(PolicyRules::of_pack(&pack.meta)
            .over(values.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    }

    /// Changes a local rule; the refusal says why.
    pub fn set_policy_rule(&mut self, rule: PolicyRule, value: &str) -> Result<(), StoreError> {
        let value = check_value(rule, value)?;
        let tx = self.begin()?;
        set_rule(&tx, rule, &value)?;
        tx.commit()
    }
}

/// Sets a local rule to a value already checked (`check_value`).
pub(super) fn set_rule(
    conn: &rusqlite::Connection,
    rule: PolicyRule,
    value: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO policy_rule (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at",
        (rule.key(), value, now()),
    )?;
    Ok(())
}
