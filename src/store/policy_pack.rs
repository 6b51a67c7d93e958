//! The policy pack a file works under: recorded with its files, read back and checked, and
//! taken on by a new file (`init --pack`): the county's towns, targets and local rules.

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};

use super::{Store, StoreError, now};
use crate::model::policy_pack::{PackFiles, PolicyPack};
use crate::model::policy_rule::PolicyRule;
use crate::model::programme::Programme;
use crate::model::progress::Target;
use crate::model::{Catalogue, SurveyCatalogue};

/// Which pack a file works under: enough to say it without reading the pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackSummary {
    pub version: String,
    pub county_code: String,
    pub county_name: String,
    pub plan_number: String,
}

/// Migration 18: every file before it worked under Luoning's pack.
pub(super) fn record_luoning(tx: &Connection) -> Result<(), StoreError> {
    insert(tx, PolicyPack::luoning(), 1)
}

fn insert(conn: &Connection, pack: &PolicyPack, revision: i64) -> Result<(), StoreError> {
    let files = serde_json::to_string(&pack.files.0)
        .map_err(|e| StoreError::refused(format!("无法记下政策包：{e}")))?;
    conn.execute(
        "INSERT INTO policy_pack (version, county_code, county_name, plan_number, revision,
                                  files)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            pack.meta.version,
            pack.meta.county.code,
            pack.meta.county.name,
            pack.meta.plan.number,
            revision,
            files
        ],
    )?;
    Ok(())
}

impl Store {
    /// The pack in force: the highest revision.
    pub fn pack_summary(&self) -> Result<PackSummary, StoreError> {
        self.conn
            .query_row(
                "SELECT version, county_code, county_name, plan_number
                 FROM policy_pack ORDER BY revision DESC, rowid DESC LIMIT 1",
                [],
                |r| {
                    Ok(PackSummary {
                        version: r.get(0)?,
                        county_code: r.get(1)?,
                        county_name: r.get(2)?,
                        plan_number: r.get(3)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::refused("此文件没有记下政策包：文件可能已损坏，请从备份恢复。")
            })
    }

    /// The catalogues of the file's packs are known by their versions (records filled in with
    /// them are read against them); a file whose pack cannot be read keeps the built-in ones
    /// (said in the log: `policy_pack` says why to whoever asks for the pack).
    pub(crate) fn know_pack_catalogues(&self) {
        if self.pack.get().is_none()
            && let Err(e) = self.policy_pack()
        {
            tracing::debug!("政策包未能读取：{e}");
        }
    }

    /// Every pack version the file has, oldest first.
    pub fn pack_versions(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT version FROM policy_pack ORDER BY revision, rowid")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The pack in force, read from the file and checked once; its catalogues are known by
    /// their versions from then on.
    pub fn policy_pack(&self) -> Result<Arc<PolicyPack>, StoreError> {
        if let Some(pack) = self.pack.get() {
            return Ok(pack.clone());
        }
        let pack = Arc::new(self.read_policy_pack()?);
        pack.register_catalogues();
        // Records made under an older version are read against its catalogues too.
        for version in self.pack_versions()? {
            if version != pack.meta.version
                && let Ok(older) = self.read_pack_version(&version)
            {
                older.register_catalogues();
            }
        }
        Ok(self.pack.get_or_init(|| pack).clone())
    }

    /// The standards catalogue new inspections are filled in with: the pack's newest.
    pub fn standards_in_force(&self) -> Result<&'static Catalogue, StoreError> {
        Ok(Catalogue::register(self.policy_pack()?.current_standards()))
    }

    /// The survey catalogue new surveys are filled in with: the pack's newest.
    pub fn survey_catalogue_in_force(&self) -> Result<&'static SurveyCatalogue, StoreError> {
        let pack = self.policy_pack()?;
        let newest = pack
            .survey
            .last()
            .ok_or_else(|| StoreError::refused("文件里的政策包没有调查目录：请从备份恢复。"))?;
        Ok(SurveyCatalogue::register(newest))
    }

    /// The programme's phases and steps (四、实施步骤) of the pack in force.
    pub fn programme(&self) -> Result<&'static Programme, StoreError> {
        Ok(self.policy_pack()?.programme)
    }

    /// The clause the eligibility rules come from, with the plan's number: "宁政办〔2021〕17号
    /// 二、（一）改造提质范围".
    pub fn eligibility_clause(&self) -> Result<String, StoreError> {
        let pack = self.policy_pack()?;
        Ok(format!(
            "{} {}",
            pack.meta.plan.number, pack.meta.eligibility.clause
        ))
    }

    fn read_policy_pack(&self) -> Result<PolicyPack, StoreError> {
        self.read_pack_version(&self.pack_summary()?.version)
    }

    fn read_pack_version(&self, version: &str) -> Result<PolicyPack, StoreError> {
        let files: String = self.conn.query_row(
            "SELECT files FROM policy_pack WHERE version = ?1",
            [&version],
            |r| r.get(0),
        )?;
        let files = serde_json::from_str(&files)
            .map_err(|e| StoreError::refused(format!("文件里的政策包“{version}”已损坏：{e}")))?;
        PolicyPack::from_stored(PackFiles(files))
            .map_err(|p| StoreError::refused(format!("文件里的政策包“{version}”有误：{p}")))
    }

    /// The office takes a revised version of its county's pack: kept beside the older ones
    /// (records made under them keep them), in force from now on, and passed on to the
    /// laptops in packages. Towns it adds are added; targets it changes become new versions.
    pub fn add_pack_version(&mut self, pack: &PolicyPack) -> Result<(), StoreError> {
        use crate::model::sync::Role;
        let current = self.policy_pack()?;
        let (now_in, new) = (&current.meta.county, &pack.meta.county);
        if now_in.code != new.code {
            return Err(StoreError::refused(format!(
                "此政策包属于{}（{}），本文件是{}（{}）的：不能混用。另一个县的文件请用 init --pack 新建。",
                new.name, new.code, now_in.name, now_in.code
            )));
        }
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM policy_pack WHERE version = ?1)",
            [&pack.meta.version],
            |r| r.get(0),
        )?;
        if known {
            return Err(StoreError::refused(format!(
                "政策包版本“{}”已载入过：修订后的政策包须在 pack.toml 中写新的 version。",
                pack.meta.version
            )));
        }
        if !self.identity()?.is_some_and(|me| me.role == Role::Office) {
            return Err(StoreError::refused(
                "只有县办可以载入政策包的新版本（设置本机身份为县办后再载入）；外业电脑从县办的数据包中收到它。",
            ));
        }
        let m = &pack.meta;
        let targets = self.targets()?;
        let revision: i64 = self.conn.query_row(
            "SELECT coalesce(max(revision), 0) + 1 FROM policy_pack WHERE county_code = ?1",
            [&m.county.code],
            |r| r.get(0),
        )?;
        let tx = self.begin()?;
        insert(&tx, pack, revision)?;
        // The local rules the pack sets, where the revision changes them.
        let before = &current.meta;
        for (rule, old, new) in [
            (
                PolicyRule::Willingness,
                before.eligibility.willingness_share.clone(),
                m.eligibility.willingness_share.clone(),
            ),
            (
                PolicyRule::PraiseAt,
                before.rhythm.praise_at.to_string(),
                m.rhythm.praise_at.to_string(),
            ),
            (
                PolicyRule::CriticiseBelow,
                before.rhythm.criticise_below.to_string(),
                m.rhythm.criticise_below.to_string(),
            ),
        ] {
            if old != new {
                set_rule(&tx, rule, &new)?;
            }
        }
        let at = now();
        for name in &m.towns.names {
            tx.execute(
                "INSERT OR IGNORE INTO town (id, name, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                (
                    crate::model::town::town_id_for(name).to_string(),
                    name.trim(),
                    &at,
                ),
            )?;
        }
        for (n, t) in m.targets.iter().enumerate() {
            let target = target_of(t);
            let same = targets.iter().any(|x| {
                (x.year, x.span, x.compounds, x.households, x.clusters)
                    == (
                        target.year,
                        target.span,
                        target.compounds,
                        target.households,
                        target.clusters,
                    )
            });
            if !same {
                super::programme::insert_target(
                    &tx,
                    &format!("{}/{n}", m.version),
                    &m.plan.number,
                    &target,
                    &at,
                )?;
            }
        }
        tx.commit()?;
        self.pack = std::cell::OnceCell::new();
        Ok(())
    }

    /// A new file takes on `pack`: its county's towns, targets and local rules replace the
    /// built-in pack's, in one transaction. Refused once the file holds any record (towns and
    /// targets are then in use).
    pub fn start_with_pack(&mut self, pack: &PolicyPack) -> Result<(), StoreError> {
        if records_held(&self.conn)? > 0 {
            return Err(StoreError::refused(
                "此文件已有记录，不能改用另一个县的政策包：请新建一个文件（yanshou --db 新文件 init --pack 文件夹）。",
            ));
        }
        let m = &pack.meta;
        let tx = self.begin()?;
        tx.execute("DELETE FROM policy_pack", [])?;
        insert(&tx, pack, 1)?;
        tx.execute("DELETE FROM town", [])?;
        let at = now();
        for name in &m.towns.names {
            tx.execute(
                "INSERT INTO town (id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                (
                    crate::model::town::town_id_for(name).to_string(),
                    name.trim(),
                    &at,
                ),
            )?;
        }
        tx.execute("DELETE FROM target", [])?;
        for (n, t) in m.targets.iter().enumerate() {
            super::programme::insert_target(
                &tx,
                &format!("{}/{n}", m.version),
                &m.plan.number,
                &target_of(t),
                &at,
            )?;
        }
        for (rule, value) in [
            (
                PolicyRule::Willingness,
                m.eligibility.willingness_share.clone(),
            ),
            (PolicyRule::PraiseAt, m.rhythm.praise_at.to_string()),
            (
                PolicyRule::CriticiseBelow,
                m.rhythm.criticise_below.to_string(),
            ),
        ] {
            set_rule(&tx, rule, &value)?;
        }
        tx.commit()?;
        self.pack = std::cell::OnceCell::new();
        Ok(())
    }
}

/// A pack's target as the ledger keeps it.
fn target_of(t: &crate::model::policy_pack::PackTarget) -> Target {
    Target {
        year: t.year,
        span: t.span.map(|[a, b]| (a, b)),
        compounds: t.compounds,
        households: t.households,
        clusters: t.clusters,
        source: t.clause.clone(),
    }
}

/// How many records of its own a file holds (compounds, clusters, surveys, inspections, funding,
/// programme steps, the 附件2 records): a file with none may still take another county's pack.
pub(crate) fn records_held(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT (SELECT count(*) FROM compound) + (SELECT count(*) FROM cluster)
              + (SELECT count(*) FROM inspection) + (SELECT count(*) FROM survey)
              + (SELECT count(*) FROM cluster_survey) + (SELECT count(*) FROM funding)
              + (SELECT count(*) FROM programme_step) + (SELECT count(*) FROM daily_report)
              + (SELECT count(*) FROM meeting) + (SELECT count(*) FROM action_item)
              + (SELECT count(*) FROM observation_stop) + (SELECT count(*) FROM quarter_score)",
        [],
        |r| r.get(0),
    )?)
}

/// A new file that took another county's pack from a package (a laptop set up from its
/// office) leaves the county it was made for: that county's packs, the targets its plan set
/// and the towns the new pack does not name (none is in use: the file had no records).
pub(crate) fn leave_county(
    conn: &Connection,
    old: &PackSummary,
    new: &crate::model::policy_pack::PackToml,
) -> Result<(), StoreError> {
    let arrived: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM policy_pack WHERE county_code = ?1)",
        [&new.county.code],
        |r| r.get(0),
    )?;
    if !arrived {
        return Err(StoreError::refused(format!(
            "数据包带来的{}政策包没能写入本文件（可能与本机的政策包版本号相同）：已拒绝，本机数据未改动。请对方检查政策包的 version。",
            new.county.name
        )));
    }
    conn.execute(
        "DELETE FROM policy_pack WHERE county_code = ?1",
        [&old.county_code],
    )?;
    if old.plan_number != new.plan.number {
        conn.execute("DELETE FROM target WHERE version = ?1", [&old.plan_number])?;
    }
    let new_towns: Vec<&str> = new.towns.names.iter().map(|t| t.trim()).collect();
    let names = serde_json::to_string(&new_towns)
        .map_err(|e| StoreError::refused(format!("无法整理乡镇：{e}")))?;
    conn.execute(
        "DELETE FROM town
         WHERE name NOT IN (SELECT value FROM json_each(?1))
           AND id NOT IN (SELECT town_id FROM compound WHERE town_id IS NOT NULL)
           AND id NOT IN (SELECT town_id FROM cluster WHERE town_id IS NOT NULL)",
        [&names],
    )?;
    Ok(())
}

/// Sets a local rule to the value a pack gives it.
fn set_rule(conn: &Connection, rule: PolicyRule, value: &str) -> Result<(), StoreError> {
    let value = crate::model::policy_rule::check_value(rule, value)?;
    super::rhythm::set_rule(conn, rule, &value)
}
