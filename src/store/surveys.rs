//! Compound and cluster surveys. Only a compound's latest round can change; earlier rounds
//! are kept as they were.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, params};

use super::sql_types::parse_date;
use super::{ItemTable, Store, StoreError, now, update_item_column};
use crate::model::cluster_survey::facility_kinds;
use crate::model::survey::check_value;
use crate::model::validate;
use crate::model::{
    Catalogue, ClusterId, ClusterSurvey, ClusterSurveyId, CompoundId, CompoundSurvey, Condition,
    Facility, FacilityChange, ItemCondition, SurveyCatalogue, SurveyField, SurveyId, SurveyValue,
};

/// The free-text parts of a surveyed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyText {
    OtherProblem,
    Note,
}

const SURVEY_COLUMNS: &str = "id, compound_id, round, surveyed_on, surveyors, catalogue_version, \
     floors, floor_area, management_mode, structural_safety, demolition_suitable, \
     households_in_favour, willingness_method, pack_version";

fn survey_head(r: &Row<'_>) -> rusqlite::Result<(CompoundSurvey, String)> {
    let date: String = r.get(3)?;
    Ok((
        CompoundSurvey {
            id: r.get(0)?,
            compound_id: r.get(1)?,
            round: r.get(2)?,
            surveyed_on: NaiveDate::default(),
            surveyors: r.get(4)?,
            catalogue_version: r.get(5)?,
            pack_version: r.get(13)?,
            floors: r.get(6)?,
            floor_area: r.get(7)?,
            management_mode: r.get(8)?,
            structural_safety: r.get(9)?,
            demolition_suitable: r.get(10)?,
            households_in_favour: r.get(11)?,
            willingness_method: r.get(12)?,
            items: Vec::new(),
        },
        date,
    ))
}

fn problems_to_text(problems: &BTreeSet<String>) -> String {
    problems.iter().cloned().collect::<Vec<_>>().join(",")
}

impl Store {
    /// Starts the next survey round of a compound. A later round starts from the previous
    /// round's answers, so staff only change what changed.
    pub fn start_survey(
        &mut self,
        compound_id: CompoundId,
        surveyed_on: NaiveDate,
        surveyors: &str,
        catalogue: &SurveyCatalogue,
    ) -> Result<CompoundSurvey, StoreError> {
        validate::past_date("调查日期", surveyed_on, super::today())?;
        validate::short_text("调查人", surveyors)?;
        let previous = self.surveys_of(compound_id)?.into_iter().next();
        let round = previous.as_ref().map_or(1, |p| p.round + 1);
        let mut survey = CompoundSurvey::new(
            compound_id,
            round,
            surveyed_on,
            surveyors.to_owned(),
            catalogue,
        );
        if let Some(p) = previous {
            survey.floors = p.floors;
            survey.floor_area = p.floor_area;
            survey.management_mode = p.management_mode;
            survey.structural_safety = p.structural_safety;
            survey.demolition_suitable = p.demolition_suitable;
            survey.households_in_favour = p.households_in_favour;
            survey.willingness_method = p.willingness_method;
            for item in &mut survey.items {
                if let Some(old) = p.items.iter().find(|o| o.code == item.code) {
                    *item = old.clone();
                }
            }
        }
        self.insert_survey(&survey)?;
        Ok(survey)
    }

    /// Writes a whole survey (a new round, or sample data) in one transaction.
    pub fn insert_survey(&mut self, s: &CompoundSurvey) -> Result<(), StoreError> {
        // A new survey is made under the pack in force.
        let pack_version = match s.pack_version.as_str() {
            "" => self.pack_summary()?.version,
            v => v.to_owned(),
        };
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            &format!(
                "INSERT INTO survey ({SURVEY_COLUMNS}, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)"
            ),
            params![
                s.id,
                s.compound_id,
                s.round,
                s.surveyed_on.to_string(),
                s.surveyors,
                s.catalogue_version,
                s.floors,
                s.floor_area,
                s.management_mode,
                s.structural_safety,
                s.demolition_suitable,
                s.households_in_favour,
                s.willingness_method,
                pack_version,
                now
            ],
        )?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO survey_item (survey_id, code, position, condition, problems,
                                          other_problem, note, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for (position, item) in s.items.iter().enumerate() {
                insert.execute(params![
                    s.id,
                    item.code,
                    position as i64,
                    item.condition,
                    problems_to_text(&item.problems),
                    item.other_problem,
                    item.note,
                    now
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// One survey round with its items.
    pub fn survey(&self, id: SurveyId) -> Result<CompoundSurvey, StoreError> {
        // Its catalogue is known by its version (a pack's, read once per store).
        self.know_pack_catalogues();
        let head = self
            .conn
            .query_row(
                &format!("SELECT {SURVEY_COLUMNS} FROM survey WHERE id = ?1"),
                [id],
                survey_head,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "调查记录",
                id: id.to_string(),
            })?;
        self.complete_survey(head)
    }

    fn complete_survey(
        &self,
        (mut survey, date): (CompoundSurvey, String),
    ) -> Result<CompoundSurvey, StoreError> {
        survey.surveyed_on = parse_date(&date)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, condition, problems, other_problem, note FROM survey_item
             WHERE survey_id = ?1 ORDER BY position",
        )?;
        survey.items = stmt
            .query_map([survey.id], |r| {
                let problems: String = r.get(2)?;
                Ok(ItemCondition {
                    code: r.get(0)?,
                    condition: r.get(1)?,
                    problems: problems
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    other_problem: r.get(3)?,
                    note: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(survey)
    }

    /// Every survey round of a compound, newest first.
    pub fn surveys_of(&self, compound_id: CompoundId) -> Result<Vec<CompoundSurvey>, StoreError> {
        // Its catalogue is known by its version (a pack's, read once per store).
        self.know_pack_catalogues();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS} FROM survey WHERE compound_id = ?1 ORDER BY round DESC"
        ))?;
        let heads = stmt
            .query_map([compound_id], survey_head)?
            .collect::<Result<Vec<_>, _>>()?;
        heads.into_iter().map(|h| self.complete_survey(h)).collect()
    }

    /// Refuses changes to any round but a compound's latest.
    fn ensure_latest(tx: &rusqlite::Connection, id: SurveyId) -> Result<(), StoreError> {
        let latest: Option<bool> = tx
            .query_row(
                "SELECT s.round = (SELECT max(round) FROM survey WHERE compound_id = s.compound_id)
                 FROM survey s WHERE s.id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match latest {
            None => Err(StoreError::NotFound {
                what: "调查记录",
                id: id.to_string(),
            }),
            Some(false) => Err(StoreError::ReadOnlyRecord(
                "这是较早的调查轮次，只能查看；请在最新一轮中修改。".to_owned(),
            )),
            Some(true) => Ok(()),
        }
    }

    /// Saves one field of a survey round (the latest only). One transaction.
    pub fn set_survey_field(
        &mut self,
        id: SurveyId,
        field: SurveyField,
        value: &SurveyValue,
    ) -> Result<(), StoreError> {
        self.change_survey_field(id, field, None, value)
    }

    /// Saves one field; with `before`, only if the file still holds that (else `Stale`).
    pub fn change_survey_field(
        &mut self,
        id: SurveyId,
        field: SurveyField,
        before: Option<&SurveyValue>,
        value: &SurveyValue,
    ) -> Result<(), StoreError> {
        check_value(field, value, super::today())?;
        let (column, sql_value) = field_column(field, value)?;
        let expected = before.map(|b| field_column(field, b)).transpose()?;
        let tx = self.begin()?;
        Self::ensure_latest(&tx, id)?;
        let n = match &expected {
            None => tx.execute(
                &format!("UPDATE survey SET {column} = ?1, updated_at = ?2 WHERE id = ?3"),
                params![sql_value, now(), id],
            )?,
            Some((_, expected)) => tx.execute(
                &format!(
                    "UPDATE survey SET {column} = ?1, updated_at = ?2
                     WHERE id = ?3 AND {column} IS ?4"
                ),
                params![sql_value, now(), id, expected],
            )?,
        };
        if n == 0 {
            return Err(StoreError::Stale {
                what: "调查表",
                changes: vec![format!("“{}”在别处改过", field.label())],
            });
        }
        tx.commit()?;
        Ok(())
    }

    /// Saves an item's condition (or clears it). One transaction.
    pub fn set_item_condition(
        &mut self,
        id: SurveyId,
        code: &str,
        condition: Option<Condition>,
    ) -> Result<(), StoreError> {
        self.update_survey_item(id, code, "condition", &condition, None)
    }

    /// Ticks or unticks one of the policy's problems on an item.
    pub fn set_item_problem(
        &mut self,
        id: SurveyId,
        code: &str,
        problem: &str,
        seen: bool,
    ) -> Result<(), StoreError> {
        let current: String = self
            .conn
            .query_row(
                "SELECT problems FROM survey_item WHERE survey_id = ?1 AND code = ?2",
                params![id, code],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "调查项目",
                id: format!("{id}/{code}"),
            })?;
        let mut problems: BTreeSet<String> = current
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        if seen {
            problems.insert(problem.to_owned());
        } else {
            problems.remove(problem);
        }
        self.update_survey_item(id, code, "problems", &problems_to_text(&problems), None)
    }

    /// Saves an item's other-problem or note text.
    pub fn set_item_text(
        &mut self,
        id: SurveyId,
        code: &str,
        which: SurveyText,
        text: &str,
    ) -> Result<(), StoreError> {
        self.change_item_text(id, code, which, None, text)
    }

    /// Saves an item's text; with `before`, only if the file still holds that.
    pub fn change_item_text(
        &mut self,
        id: SurveyId,
        code: &str,
        which: SurveyText,
        before: Option<&str>,
        text: &str,
    ) -> Result<(), StoreError> {
        let (column, what) = match which {
            SurveyText::OtherProblem => ("other_problem", "其他问题"),
            SurveyText::Note => ("note", "备注"),
        };
        validate::free_text(what, text)?;
        let before = before.map(str::to_owned);
        let expected = before.as_ref().map(|b| b as &dyn rusqlite::ToSql);
        self.update_survey_item(id, code, column, &text, expected)
    }

    fn update_survey_item(
        &mut self,
        id: SurveyId,
        code: &str,
        column: &'static str,
        value: &dyn rusqlite::ToSql,
        expected: Option<&dyn rusqlite::ToSql>,
    ) -> Result<(), StoreError> {
        const ITEMS: ItemTable = ItemTable {
            items: "survey_item",
            parent: "survey",
            parent_key: "survey_id",
            what: "调查项目",
        };
        let tx = self.begin()?;
        Self::ensure_latest(&tx, id)?;
        update_item_column(&tx, &ITEMS, &id, code, column, value, expected)?;
        tx.commit()?;
        Ok(())
    }

    // ------------------------------------------------------------------ cluster surveys

    /// Starts a survey of a cluster's 15-minute circle, every facility undecided.
    pub fn start_cluster_survey(
        &mut self,
        cluster_id: ClusterId,
        surveyed_on: NaiveDate,
        surveyors: &str,
        catalogue: &Catalogue,
    ) -> Result<ClusterSurvey, StoreError> {
        validate::past_date("调查日期", surveyed_on, super::today())?;
        validate::short_text("调查人", surveyors)?;
        let survey = ClusterSurvey {
            id: ClusterSurveyId::new(),
            cluster_id,
            surveyed_on,
            surveyors: surveyors.to_owned(),
            facilities: facility_kinds(catalogue),
        };
        let now = now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO cluster_survey (id, cluster_id, surveyed_on, surveyors, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![survey.id, cluster_id, surveyed_on.to_string(), surveyors, now],
        )?;
        for (position, f) in survey.facilities.iter().enumerate() {
            tx.execute(
                "INSERT INTO cluster_facility (survey_id, code, position, kind, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![survey.id, f.code, position as i64, f.kind, now],
            )?;
        }
        tx.commit()?;
        Ok(survey)
    }

    /// The surveys of a cluster, newest first.
    pub fn cluster_surveys_of(
        &self,
        cluster_id: ClusterId,
    ) -> Result<Vec<ClusterSurvey>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, surveyed_on, surveyors FROM cluster_survey WHERE cluster_id = ?1
             ORDER BY surveyed_on DESC, id DESC",
        )?;
        let heads = stmt
            .query_map([cluster_id], |r| {
                Ok((
                    r.get::<_, ClusterSurveyId>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut facilities = self.conn.prepare_cached(
            "SELECT code, kind, present, name, walking_minutes FROM cluster_facility
             WHERE survey_id = ?1 ORDER BY position",
        )?;
        heads
            .into_iter()
            .map(|(id, date, surveyors)| {
                Ok(ClusterSurvey {
                    id,
                    cluster_id,
                    surveyed_on: parse_date(&date)?,
                    surveyors,
                    facilities: facilities
                        .query_map([id], |r| {
                            Ok(Facility {
                                code: r.get(0)?,
                                kind: r.get(1)?,
                                present: r.get(2)?,
                                name: r.get(3)?,
                                walking_minutes: r.get(4)?,
                            })
                        })?
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect()
    }

    /// Saves one answer about a facility, leaving its other answers as they are in the file.
    pub fn change_facility(
        &mut self,
        survey: ClusterSurveyId,
        code: &str,
        change: &FacilityChange,
    ) -> Result<(), StoreError> {
        let (column, value): (&str, Box<dyn rusqlite::ToSql>) = match change {
            FacilityChange::Present(p) => ("present", Box::new(*p)),
            FacilityChange::Name(n) => {
                validate::short_text("设施名称", n)?;
                ("name", Box::new(n.trim().to_owned()))
            }
            FacilityChange::WalkingMinutes(m) => {
                if let Some(m) = m {
                    validate::count("步行分钟", *m, 600)?;
                }
                ("walking_minutes", Box::new(*m))
            }
        };
        let now = now();
        let tx = self.begin()?;
        let n = tx.execute(
            &format!(
                "UPDATE cluster_facility SET {column} = ?1, updated_at = ?2
                 WHERE survey_id = ?3 AND code = ?4"
            ),
            params![value, now, survey, code],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "片区设施",
                id: code.to_owned(),
            });
        }
        tx.execute(
            "UPDATE cluster_survey SET updated_at = ?1 WHERE id = ?2",
            params![now, survey],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Saves all of one facility's answers (the sample data, imports). One transaction.
    pub fn set_facility(
        &mut self,
        survey: ClusterSurveyId,
        facility: &Facility,
    ) -> Result<(), StoreError> {
        validate::short_text("设施名称", &facility.name)?;
        if let Some(minutes) = facility.walking_minutes {
            validate::count("步行分钟", minutes, 600)?;
        }
        let now = now();
        let tx = self.begin()?;
        let n = tx.execute(
            "UPDATE cluster_facility SET present = ?1, name = ?2, walking_minutes = ?3, updated_at = ?4
             WHERE survey_id = ?5 AND code = ?6",
            params![
                facility.present,
                facility.name,
                facility.walking_minutes,
                now,
                survey,
                facility.code
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "片区设施",
                id: facility.code.clone(),
            });
        }
        tx.execute(
            "UPDATE cluster_survey SET updated_at = ?1 WHERE id = ?2",
            params![now, survey],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The column of a survey field and its value as stored.
fn field_column(
    field: SurveyField,
    value: &SurveyValue,
) -> Result<(&'static str, Box<dyn rusqlite::ToSql>), StoreError> {
    Ok(match (field, value) {
        (SurveyField::SurveyedOn, SurveyValue::Date(d)) => ("surveyed_on", Box::new(d.to_string())),
        (SurveyField::Surveyors, SurveyValue::Text(t)) => ("surveyors", Box::new(t.clone())),
        (SurveyField::Floors, SurveyValue::Count(n)) => ("floors", Box::new(*n)),
        (SurveyField::FloorArea, SurveyValue::Area(a)) => ("floor_area", Box::new(*a)),
        (SurveyField::ManagementMode, SurveyValue::Mode(m)) => ("management_mode", Box::new(*m)),
        (SurveyField::StructuralSafety, SurveyValue::Safety(s)) => {
            ("structural_safety", Box::new(*s))
        }
        (SurveyField::DemolitionSuitable, SurveyValue::Flag(f)) => {
            ("demolition_suitable", Box::new(*f))
        }
        (SurveyField::HouseholdsInFavour, SurveyValue::Count(n)) => {
            ("households_in_favour", Box::new(*n))
        }
        (SurveyField::WillingnessMethod, SurveyValue::Text(t)) => {
            ("willingness_method", Box::new(t.clone()))
        }
        _ => {
            return Err(StoreError::Corrupt(format!(
                "字段 {} 的取值类型不对",
                field.label()
            )));
        }
    })
}
