//! A policy pack: one county's renovation plan as data (its name and code, the plan, towns,
//! targets, eligibility, the programme's steps, money rules, the units that accept, the 附件2
//! rhythm, and its standards and survey catalogues), read from a folder of TOML files and
//! checked before use. Luoning's pack (`assets/packs/luoning/`) is built in.
//!
//! Pure: the files arrive as text (`PackFiles`); reading a folder is `import/policy_pack.rs`,
//! writing one `export/policy_pack.rs`.

mod changes;
mod check;
mod locate;

use std::collections::BTreeMap;

use serde::Deserialize;

use super::catalogue::Catalogue;
use super::programme::Programme;
use super::survey_catalogue::SurveyCatalogue;

pub use changes::changes;
pub use check::PackProblem;

/// The file every pack has; the catalogues it names sit beside it.
pub const MAIN_FILE: &str = "pack.toml";
/// The pack format this build writes; it reads every format up to it. Format 2 says which
/// phase the acceptance records give and each step's count, details, local rule, evidence and
/// evaluations (format 1 kept them in code: its phase coded `acceptance` is that phase).
pub const FORMAT: u32 = 2;

/// The packs built into the program: a name (`pack new --from NAME`) and its files.
pub const BUILT_IN: &[(&str, &[(&str, &str)])] = &[(
    "luoning",
    &[
        (
            MAIN_FILE,
            include_str!("../../../assets/packs/luoning/pack.toml"),
        ),
        (
            "standards-v1.toml",
            include_str!("../../../assets/packs/luoning/standards-v1.toml"),
        ),
        (
            "survey-v1.toml",
            include_str!("../../../assets/packs/luoning/survey-v1.toml"),
        ),
    ],
)];

/// A pack's files by name, as read: `pack.toml` and the catalogues it names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackFiles(pub BTreeMap<String, String>);

impl PackFiles {
    /// The files of a built-in pack.
    pub fn built_in(name: &str) -> Option<Self> {
        let (_, files) = BUILT_IN.iter().find(|(n, _)| *n == name)?;
        Some(Self(
            files
                .iter()
                .map(|(f, text)| ((*f).to_owned(), (*text).to_owned()))
                .collect(),
        ))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A checked pack.
#[derive(Clone, Debug)]
pub struct PolicyPack {
    pub meta: PackToml,
    /// The standards catalogues, oldest first (the last is what new inspections use).
    pub standards: Vec<Catalogue>,
    /// The survey catalogues, oldest first.
    pub survey: Vec<SurveyCatalogue>,
    /// The files it was read from.
    pub files: PackFiles,
    /// Its phases and steps (四、实施步骤), kept for the run so steps can point into them.
    pub programme: &'static Programme,
}

impl PolicyPack {
    /// Reads and checks a pack: the first problem found, said with its file, line and field.
    pub fn parse(files: PackFiles) -> Result<Self, PackProblem> {
        check::parse(files)
    }

    /// Luoning's pack, built in: what a new file gets.
    pub fn luoning() -> &'static Self {
        static PACK: std::sync::OnceLock<PolicyPack> = std::sync::OnceLock::new();
        // Checked by tests, so a broken one is a build bug, not bad input.
        PACK.get_or_init(|| match PackFiles::built_in("luoning").map(Self::parse) {
            Some(Ok(pack)) => pack,
            Some(Err(problem)) => panic!("the built-in pack is broken: {problem}"),
            None => panic!("the built-in pack is missing"),
        })
    }

    /// A pack as a file or a package keeps it: a built-in version is read as this build ships
    /// it (files made before format 2 keep the same plan in fewer words), any other is checked.
    pub fn from_stored(files: PackFiles) -> Result<Self, PackProblem> {
        let version = files
            .get(MAIN_FILE)
            .and_then(|text| toml::from_str::<toml::Table>(text).ok())
            .and_then(|t| t.get("version").and_then(|v| v.as_str().map(str::to_owned)));
        let built_in = Self::luoning();
        if version.as_deref() == Some(built_in.meta.version.as_str()) {
            return Ok(built_in.clone());
        }
        Self::parse(files)
    }

    /// The money rule in a line: "中央补助不超过项目总额的 90%（宁政办〔2021〕17号 五、（一））".
    pub fn funding_cap(&self) -> String {
        let m = &self.meta;
        format!(
            "中央补助不超过项目总额的 {}%（{} {}）",
            m.funding.central_cap_percent, m.plan.number, m.funding.clause
        )
    }

    /// The money rule whole: the cap and what central money may not pay for.
    pub fn funding_rule(&self) -> String {
        let m = &self.meta;
        let trunk: Vec<&str> = m
            .funding
            .trunk_works
            .iter()
            .map(|w| w.name.as_str())
            .collect();
        format!(
            "中央补助不超过项目总额的 {}%，不得用于与小区不直接相关的{}等（{} {}）",
            m.funding.central_cap_percent,
            trunk.join("、"),
            m.plan.number,
            m.funding.clause
        )
    }

    /// Its catalogues are known by their versions from now on (as shipped ones are), so
    /// records filled in with them are read against them.
    pub fn register_catalogues(&self) {
        for c in &self.standards {
            Catalogue::register(c);
        }
        for c in &self.survey {
            super::SurveyCatalogue::register(c);
        }
    }

    /// The standards catalogue new inspections are filled in with.
    pub fn current_standards(&self) -> &Catalogue {
        // `check` refuses a pack without one.
        &self.standards[self.standards.len() - 1]
    }

    /// What a new acceptance of a compound (`applies_to` "compound") or a cluster is checked
    /// against, in a sentence: the standards with their mottos, the plan and clause, the count.
    pub fn acceptance_basis(&self, applies_to: &str) -> String {
        let catalogue = self.current_standards();
        let standards: Vec<String> = catalogue
            .standards
            .iter()
            .filter(|s| s.applies_to == applies_to)
            .map(named)
            .collect();
        let clause = catalogue
            .standards
            .iter()
            .find(|s| s.applies_to == applies_to)
            .map(|s| s.clause.as_str())
            .unwrap_or_default();
        format!(
            "按{}（{} {clause}）逐项检查，共 {} 项。",
            standards.join("、"),
            self.meta.plan.number,
            catalogue.items_applying_to(applies_to).len()
        )
    }

    /// What the pack holds, part by part with its clause, for `pack check` and 文件 › 政策包.
    pub fn parts(&self) -> Vec<(String, String)> {
        let m = &self.meta;
        let standards = self.current_standards();
        let mut parts = vec![
            (
                format!("乡镇 {} 个", m.towns.names.len()),
                m.towns.clause.clone(),
            ),
            (
                format!(
                    "改造范围：{} 年及以前建成；{}–{} 年建成的须纳入片区",
                    m.eligibility.built_by,
                    m.eligibility.cluster_only[0],
                    m.eligibility.cluster_only[1]
                ),
                m.eligibility.clause.clone(),
            ),
            (
                {
                    let applies = Scope::of(&m.eligibility).conditions;
                    let names: Vec<&str> = Conditions::CODES
                        .iter()
                        .zip([
                            applies.needs,
                            applies.structure_safe,
                            applies.not_for_demolition,
                            applies.willingness,
                        ])
                        .filter(|(_, on)| *on)
                        .map(|((_, name), _)| *name)
                        .collect();
                    format!(
                        "改造条件：{}；同意户数达 {} 为意愿强烈",
                        names.join("、"),
                        m.eligibility.willingness_share
                    )
                },
                m.eligibility.clause.clone(),
            ),
        ];
        for t in &m.targets {
            let when = match (t.year, t.span) {
                (Some(y), _) => format!("{y} 年"),
                (None, Some([a, b])) => format!("{a}–{b} 年"),
                _ => String::new(),
            };
            let clusters = t
                .clusters
                .map(|c| format!("、片区 {c} 个"))
                .unwrap_or_default();
            parts.push((
                format!(
                    "目标任务 {when}：小区 {} 个、{} 户{clusters}",
                    t.compounds, t.households
                ),
                t.clause.clone(),
            ));
        }
        parts.push((
            format!("实施步骤：{} 个阶段、{} 步", m.phases.len(), m.steps.len()),
            m.phases
                .first()
                .map(|p| p.clause.clone())
                .unwrap_or_default(),
        ));
        for s in &standards.standards {
            parts.push((
                format!(
                    "{}：{} 项（标准目录 {}）",
                    named(s),
                    standards.items_of(&s.id).len(),
                    standards.version
                ),
                s.clause.clone(),
            ));
        }
        if let Some(survey) = self.survey.last() {
            parts.push((
                format!(
                    "调查内容：{} 类、{} 项（调查目录 {}）",
                    survey.categories.len(),
                    survey.items.len(),
                    survey.version
                ),
                survey.source.clone(),
            ));
        }
        parts.push((
            format!(
                "资金：中央补助不超过项目总额的 {}%；不得用于 {}",
                m.funding.central_cap_percent,
                m.funding
                    .trunk_works
                    .iter()
                    .map(|w| w.name.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            m.funding.clause.clone(),
        ));
        parts.push((
            format!(
                "参加验收单位：小区 {} 家、片区 {} 家",
                m.units.compound.len(),
                m.units.cluster.len()
            ),
            m.units.clause.clone(),
        ));
        parts.push((
            format!(
                "推进机制：报送单位 {} 类，季度考评满分 {}",
                m.rhythm.reporting_units.len(),
                m.rhythm.score.progress
            ),
            m.rhythm.clause.clone(),
        ));
        parts
    }
}

/// A standard as a sentence names it: 小区改造标准“三入、四通、四有、两整”; 总要求「五全」 (its
/// name says its motto already).
fn named(s: &crate::model::catalogue::Standard) -> String {
    if s.name.contains(&s.motto) {
        s.name.clone()
    } else {
        format!("{}“{}”", s.name, s.motto)
    }
}

/// Which build years are in scope, as the county's policy pack says (Luoning's: built by the
/// end of 2000, 2001–2005 only inside a cluster).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The last year of "2000年前建成" (that year itself counts).
    pub built_by: i32,
    /// Compounds built in these years (first, last) are in scope only inside a cluster.
    pub cluster_only: (i32, i32),
    /// Which of the plan's conditions besides the build year apply.
    pub conditions: Conditions,
}

/// The conditions of 二、（一） besides the build year, each as a county's plan may or may not
/// set it (a pack lists those that apply; all of them when it says nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conditions {
    /// 失养失修失管、市政配套设施不完善、社区服务设施不健全.
    pub needs: bool,
    /// 房屋结构安全.
    pub structure_safe: bool,
    /// 不宜整体拆除重建.
    pub not_for_demolition: bool,
    /// 居民改造意愿强烈.
    pub willingness: bool,
}

impl Conditions {
    /// Each condition's code in a pack (`conditions = [...]`) and its name.
    pub const CODES: [(&str, &str); 4] = [
        ("needs", "失养失修失管、配套设施不完善"),
        ("structure_safe", "房屋结构安全"),
        ("not_for_demolition", "不宜整体拆除重建"),
        ("willingness", "居民改造意愿强烈"),
    ];

    pub const ALL: Self = Self {
        needs: true,
        structure_safe: true,
        not_for_demolition: true,
        willingness: true,
    };

    /// The conditions a pack lists (`None`: it lists none, so all apply); unknown codes are
    /// refused by the pack's check.
    pub fn of(codes: Option<&[String]>) -> Self {
        let Some(codes) = codes else {
            return Self::ALL;
        };
        let has = |c: &str| codes.iter().any(|x| x == c);
        Self {
            needs: has("needs"),
            structure_safe: has("structure_safe"),
            not_for_demolition: has("not_for_demolition"),
            willingness: has("willingness"),
        }
    }
}

impl Scope {
    pub fn of(rules: &EligibilityRules) -> Self {
        let [first, last] = rules.cluster_only;
        Self {
            built_by: rules.built_by,
            cluster_only: (first, last),
            conditions: Conditions::of(rules.conditions.as_deref()),
        }
    }

    pub fn cluster_only(self, year: i32) -> bool {
        (self.cluster_only.0..=self.cluster_only.1).contains(&year)
    }
}

impl Default for Scope {
    /// The built-in pack's (Luoning's).
    fn default() -> Self {
        Self::of(&PolicyPack::luoning().meta.eligibility)
    }
}
/// `pack.toml`, as written.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PackToml {
    pub format: u32,
    /// Stable, stored with the file and its records; a revised pack has a new one.
    pub version: String,
    pub county: County,
    pub plan: Plan,
    pub catalogues: Catalogues,
    pub towns: Towns,
    pub eligibility: EligibilityRules,
    pub targets: Vec<PackTarget>,
    pub phases: Vec<Phase>,
    pub steps: Vec<Step>,
    pub funding: FundingRules,
    pub units: Units,
    pub rhythm: Rhythm,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct County {
    pub name: String,
    /// GB/T 2260 code, six digits (410328 洛宁县).
    pub code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub province: String,
    /// The programme's office.
    pub office: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// 文号, e.g. 宁政办〔2021〕17号.
    pub number: String,
    pub title: String,
    /// YYYY-MM-DD.
    pub date: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Catalogues {
    /// Standards catalogue files, oldest first.
    pub standards: Vec<String>,
    /// Survey catalogue files, oldest first.
    pub survey: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Towns {
    pub clause: String,
    pub names: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    pub clause: String,
    /// Built in or before this year: in scope.
    pub built_by: i32,
    /// Built in these years (first, last): in scope only within a cluster.
    pub cluster_only: [i32; 2],
    /// The share of households in favour that counts as 意愿强烈, e.g. "2/3".
    pub willingness_share: String,
    /// The conditions besides the build year that apply (codes of `Conditions::CODES`);
    /// absent: all of them.
    pub conditions: Option<Vec<String>>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PackTarget {
    pub year: Option<i32>,
    pub span: Option<[i32; 2]>,
    pub compounds: u32,
    pub households: u32,
    pub clusters: Option<u32>,
    pub clause: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub code: String,
    pub name: String,
    pub clause: String,
    /// The phase the acceptance records give (工程验收): exactly one, with no steps.
    #[serde(default)]
    pub acceptance: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub code: String,
    pub phase: String,
    pub name: String,
    /// The step that must be done first (by default the one before it).
    pub after: Option<String>,
    /// What its count means, where it has one (参与户数).
    pub count: Option<String>,
    /// The fields of its details (施工单位, 监理单位…).
    #[serde(default)]
    pub details: Vec<String>,
    /// A reading the plan's text does not fix, with where it comes from.
    pub local_rule: Option<String>,
    /// What counts as its evidence, where the plan says.
    pub evidence: Option<String>,
    /// The property service is evaluated after this step (at most one step).
    #[serde(default)]
    pub evaluations: bool,
    /// The progress date it gives: "started" (开工) or "handed_over" (交付), each at most once.
    pub marks: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FundingRules {
    pub clause: String,
    pub central_cap_percent: u32,
    pub trunk_works: Vec<Named>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Named {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Units {
    pub clause: String,
    /// `{乡镇}` stands for the subject's town.
    pub compound: Vec<String>,
    pub cluster: Vec<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rhythm {
    pub clause: String,
    /// The title of the rhythm's document (附件2《“日通报、周例会、月观摩、季考评”推进机制实施办法》).
    #[serde(default)]
    pub title: String,
    /// The kinds of unit that report and are scored, each by how 附件2 scores it: `responsible`
    /// (履行职责、发挥作用、工作成效) or `contractor` / `utility` (工程进度), with the county's name.
    pub reporting_units: Vec<Named>,
    pub score: Score,
    pub praise_at: u32,
    pub criticise_below: u32,
}

impl Rhythm {
    /// The county's name for a kind of unit (its code), if the pack has that kind.
    pub fn kind_name(&self, code: &str) -> Option<&str> {
        self.reporting_units
            .iter()
            .find(|u| u.code == code)
            .map(|u| u.name.as_str())
    }
}

/// The points of each part of a quarter's score (三、（四）): the county's weights.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Score {
    pub duties: u32,
    pub role: u32,
    pub results: u32,
    pub progress: u32,
}
