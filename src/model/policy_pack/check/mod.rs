//! Reading and checking a pack: the first problem found is said with its file, line and field,
//! in Chinese, so whoever edits a county's pack knows where to look.

use std::collections::HashSet;

use super::locate::{Seg, field_name, line_at, line_of};
use super::{FORMAT, MAIN_FILE, PackFiles, PackToml, PolicyPack};
use crate::model::catalogue::{Catalogue, CatalogueError};
use crate::model::programme::Programme;
use crate::model::survey_catalogue::SurveyCatalogue;

/// Why a pack is refused: where, and what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PackProblem {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// The field, as `steps[3].after` (empty: the file as a whole).
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for PackProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(
                f,
                "政策包文件 {} 第 {} 行：{}",
                self.file, self.line, self.message
            )
        } else {
            write!(
                f,
                "政策包文件 {} 第 {} 行，{}：{}",
                self.file, self.line, self.field, self.message
            )
        }
    }
}

/// Years a plan's figures may name.
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Problems in one file, located by path.
struct In<'a> {
    file: &'a str,
    text: &'a str,
}

impl In<'_> {
    fn at(&self, path: &[Seg], message: impl Into<String>) -> PackProblem {
        PackProblem {
            file: self.file.to_owned(),
            line: line_of(self.text, path),
            field: field_name(path),
            message: message.into(),
        }
    }

    fn toml(&self, e: &toml::de::Error) -> PackProblem {
        PackProblem {
            file: self.file.to_owned(),
            line: e.span().map_or(1, |s| line_at(self.text, s.start)),
            field: String::new(),
            message: format!(
                "格式有误（{}）。请对照 `yanshou pack new --from luoning` 生成的样本修改。",
                e.message().trim()
            ),
        }
    }

    fn filled(&self, path: &[Seg], value: &str, what: &str) -> Result<(), PackProblem> {
        if value.trim().is_empty() {
            return Err(self.at(path, format!("{what}不能为空")));
        }
        Ok(())
    }
}

use Seg::{Index as I, Key as K};

mod steps;

pub(super) fn parse(files: PackFiles) -> Result<PolicyPack, PackProblem> {
    let Some(text) = files.get(MAIN_FILE) else {
        return Err(PackProblem {
            file: MAIN_FILE.to_owned(),
            line: 1,
            field: String::new(),
            message: "找不到此文件：政策包文件夹里必须有 pack.toml".to_owned(),
        });
    };
    let main = In {
        file: MAIN_FILE,
        text,
    };
    let mut meta: PackToml = toml::from_str(text).map_err(|e| main.toml(&e))?;
    if meta.format == 1 {
        steps::format_1_as_2(&mut meta);
    }
    check_meta(&main, &meta)?;
    built_in_as_shipped(&main, &meta)?;
    let mut standards = Vec::new();
    for (i, name) in meta.catalogues.standards.iter().enumerate() {
        let text = catalogue_file(
            &main,
            &files,
            &[K("catalogues"), K("standards"), I(i)],
            name,
        )?;
        standards.push(check_standards(&In { file: name, text })?);
    }
    let mut survey = Vec::new();
    for (i, name) in meta.catalogues.survey.iter().enumerate() {
        let text = catalogue_file(&main, &files, &[K("catalogues"), K("survey"), I(i)], name)?;
        survey.push(check_survey(&In { file: name, text })?);
    }
    for (list, versions, key) in [
        (
            &meta.catalogues.standards,
            standards
                .iter()
                .map(|c| c.version.as_str())
                .collect::<Vec<_>>(),
            "standards",
        ),
        (
            &meta.catalogues.survey,
            survey.iter().map(|c| c.version.as_str()).collect(),
            "survey",
        ),
    ] {
        let mut seen = HashSet::new();
        for (i, version) in versions.iter().enumerate() {
            if !seen.insert(*version) {
                return Err(main.at(
                    &[K("catalogues"), K(key), I(i)],
                    format!(
                        "“{}”的版本“{version}”与前面的目录相同：修订的目录须有新的 version",
                        list[i]
                    ),
                ));
            }
        }
    }
    let programme = steps::programme(&main, &meta)?;
    Ok(PolicyPack {
        meta,
        standards,
        survey,
        files,
        programme: Programme::register(programme),
    })
}

fn catalogue_file<'f>(
    main: &In<'_>,
    files: &'f PackFiles,
    path: &[Seg],
    name: &str,
) -> Result<&'f str, PackProblem> {
    files.get(name).ok_or_else(|| {
        main.at(
            path,
            format!("找不到目录文件“{name}”：它应与 pack.toml 在同一文件夹"),
        )
    })
}

fn check_meta(f: &In<'_>, m: &PackToml) -> Result<(), PackProblem> {
    if !(1..=FORMAT).contains(&m.format) {
        return Err(f.at(
            &[K("format")],
            format!(
                "本程序只认第 1–{FORMAT} 版格式的政策包（此包为第 {} 版）：请升级程序或按样本重写",
                m.format
            ),
        ));
    }
    f.filled(&[K("version")], &m.version, "版本")?;
    f.filled(&[K("county"), K("name")], &m.county.name, "县名")?;
    if m.county.code.len() != 6 || !m.county.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(f.at(
            &[K("county"), K("code")],
            format!(
                "行政区划代码“{}”应为 6 位数字（GB/T 2260 县级行政区划代码）",
                m.county.code
            ),
        ));
    }
    f.filled(
        &[K("county"), K("office")],
        &m.county.office,
        "主管办公室名称",
    )?;
    // A version names its county: two counties' packs are never one row.
    if !m.version.starts_with(&format!("{}/", m.county.code)) {
        return Err(f.at(
            &[K("version")],
            format!(
                "版本“{}”应以本县行政区划代码开头，如“{}/2024-1/v1”：各县的政策包不会因版本号相同而混淆",
                m.version, m.county.code
            ),
        ));
    }
    f.filled(&[K("plan"), K("number")], &m.plan.number, "文号")?;
    f.filled(&[K("plan"), K("title")], &m.plan.title, "文件标题")?;
    match chrono::NaiveDate::parse_from_str(&m.plan.date, "%Y-%m-%d") {
        Ok(d) if YEARS.contains(&chrono::Datelike::year(&d)) => {}
        _ => {
            return Err(f.at(
                &[K("plan"), K("date")],
                format!(
                    "印发日期“{}”应写成 2021-06-25 这样，年份在 1990–2100 之间",
                    m.plan.date
                ),
            ));
        }
    }
    for (key, list) in [
        ("standards", &m.catalogues.standards),
        ("survey", &m.catalogues.survey),
    ] {
        if list.is_empty() {
            return Err(f.at(&[K("catalogues"), K(key)], "至少要列出一个目录文件"));
        }
    }

    f.filled(&[K("towns"), K("clause")], &m.towns.clause, "依据条款")?;
    if m.towns.names.is_empty() {
        return Err(f.at(&[K("towns"), K("names")], "至少要有一个乡镇"));
    }
    for (i, name) in m.towns.names.iter().enumerate() {
        f.filled(&[K("towns"), K("names"), I(i)], name, "乡镇名称")?;
    }
    unique(
        f,
        m.towns.names.iter().map(|t| t.trim()),
        |i| vec![K("towns"), K("names"), I(i)],
        "乡镇",
    )?;

    let e = &m.eligibility;
    f.filled(&[K("eligibility"), K("clause")], &e.clause, "依据条款")?;
    if !(1949..=2100).contains(&e.built_by) {
        return Err(f.at(
            &[K("eligibility"), K("built_by")],
            format!(
                "建成年代截止年份 {} 不合理（应在 1949–2100 之间）",
                e.built_by
            ),
        ));
    }
    let [first, last] = e.cluster_only;
    if first <= e.built_by || first > last || last > 2100 {
        return Err(f.at(
            &[K("eligibility"), K("cluster_only")],
            format!(
                "须纳入片区的建成年份 {first}–{last} 不合理：应在 {} 年之后、起年不晚于止年",
                e.built_by
            ),
        ));
    }
    for (i, code) in e.conditions.iter().flatten().enumerate() {
        if !super::Conditions::CODES.iter().any(|(c, _)| c == code) {
            let known: Vec<String> = super::Conditions::CODES
                .iter()
                .map(|(c, name)| format!("{c}（{name}）"))
                .collect();
            return Err(f.at(
                &[K("eligibility"), K("conditions"), I(i)],
                format!("没有“{code}”这一条件：可用的有 {}", known.join("、")),
            ));
        }
    }
    if let Err(refusal) = crate::model::share::Share::parse(&e.willingness_share) {
        return Err(f.at(
            &[K("eligibility"), K("willingness_share")],
            refusal.message(),
        ));
    }

    check_targets(f, m)?;
    steps::check_steps(f, m)?;

    let money = &m.funding;
    f.filled(&[K("funding"), K("clause")], &money.clause, "依据条款")?;
    if !(1..=100).contains(&money.central_cap_percent) {
        return Err(f.at(
            &[K("funding"), K("central_cap_percent")],
            format!(
                "中央补助上限 {}% 应在 1–100 之间",
                money.central_cap_percent
            ),
        ));
    }
    for (i, w) in money.trunk_works.iter().enumerate() {
        f.filled(
            &[K("funding"), K("trunk_works"), I(i), K("code")],
            &w.code,
            "编码",
        )?;
        f.filled(
            &[K("funding"), K("trunk_works"), I(i), K("name")],
            &w.name,
            "名称",
        )?;
    }
    unique(
        f,
        money.trunk_works.iter().map(|w| w.code.as_str()),
        |i| vec![K("funding"), K("trunk_works"), I(i), K("code")],
        "编码",
    )?;

    f.filled(&[K("units"), K("clause")], &m.units.clause, "依据条款")?;
    for (key, list) in [
        ("compound", &m.units.compound),
        ("cluster", &m.units.cluster),
    ] {
        if list.is_empty() {
            return Err(f.at(&[K("units"), K(key)], "至少要有一个参加验收的单位"));
        }
        for (i, unit) in list.iter().enumerate() {
            f.filled(&[K("units"), K(key), I(i)], unit, "单位名称")?;
        }
    }

    let r = &m.rhythm;
    f.filled(&[K("rhythm"), K("clause")], &r.clause, "依据条款")?;
    if r.reporting_units.is_empty() {
        return Err(f.at(&[K("rhythm"), K("reporting_units")], "至少要有一类报送单位"));
    }
    unique(
        f,
        r.reporting_units.iter().map(|u| u.code.as_str()),
        |i| vec![K("rhythm"), K("reporting_units"), I(i), K("code")],
        "编码",
    )?;
    for (i, u) in r.reporting_units.iter().enumerate() {
        f.filled(
            &[K("rhythm"), K("reporting_units"), I(i), K("name")],
            &u.name,
            "名称",
        )?;
        if !["responsible", "contractor", "utility"].contains(&u.code.as_str()) {
            return Err(f.at(
                &[K("rhythm"), K("reporting_units"), I(i), K("code")],
                format!(
                    "报送单位的 code 只能是 responsible（按履行职责、发挥作用、工作成效考评）、contractor 或 utility（按工程进度考评），不是“{}”",
                    u.code
                ),
            ));
        }
    }
    let s = &r.score;
    if s.progress > 100 {
        return Err(f.at(
            &[K("rhythm"), K("score")],
            format!("满分 {} 超过 100：季度考评按百分制", s.progress),
        ));
    }
    let sum = u64::from(s.duties) + u64::from(s.role) + u64::from(s.results);
    if s.progress == 0 || sum != u64::from(s.progress) {
        return Err(f.at(
            &[K("rhythm"), K("score")],
            format!(
                "三项分值 {} + {} + {} 应等于满分 {}",
                s.duties, s.role, s.results, s.progress
            ),
        ));
    }
    if r.praise_at > s.progress || r.criticise_below > r.praise_at {
        return Err(f.at(
            &[K("rhythm"), K("praise_at")],
            format!(
                "表扬线 {} 与通报线 {} 不合理：应满足 通报线 ≤ 表扬线 ≤ 满分 {}",
                r.praise_at, r.criticise_below, s.progress
            ),
        ));
    }
    Ok(())
}

fn check_targets(f: &In<'_>, m: &PackToml) -> Result<(), PackProblem> {
    if m.targets.is_empty() {
        return Err(f.at(&[K("targets")], "至少要有一项目标任务"));
    }
    let mut years = HashSet::new();
    for (i, t) in m.targets.iter().enumerate() {
        let at = |key: &'static str| vec![K("targets"), I(i), K(key)];
        match (t.year, t.span) {
            (Some(y), None) if !YEARS.contains(&y) => {
                return Err(f.at(&at("year"), format!("年度 {y} 不在 1990–2100 之间")));
            }
            (Some(y), None) => {
                if !years.insert(y) {
                    return Err(f.at(&at("year"), format!("{y} 年的目标写了两次")));
                }
            }
            (None, Some([a, b])) if !YEARS.contains(&a) || !YEARS.contains(&b) || a > b => {
                return Err(f.at(
                    &at("span"),
                    format!("起止年度 {a}–{b} 不合理（应在 1990–2100 之间，起年不晚于止年）"),
                ));
            }
            (None, Some(_)) => {}
            _ => {
                return Err(f.at(
                    &[K("targets"), I(i)],
                    "目标须写 year（某一年度）或 span（起止年度）二者之一",
                ));
            }
        }
        if t.households < t.compounds {
            return Err(f.at(
                &at("households"),
                format!("户数 {} 少于小区数 {}，请核对", t.households, t.compounds),
            ));
        }
        f.filled(&at("clause"), &t.clause, "依据条款")?;
    }
    Ok(())
}

/// The first repeated value, said at its second place.
fn unique<'v>(
    f: &In<'_>,
    values: impl Iterator<Item = &'v str>,
    path: impl Fn(usize) -> Vec<Seg>,
    what: &str,
) -> Result<(), PackProblem> {
    let mut seen = HashSet::new();
    for (i, v) in values.enumerate() {
        if !seen.insert(v) {
            return Err(f.at(&path(i), format!("{what}“{v}”重复")));
        }
    }
    Ok(())
}

fn check_standards(f: &In<'_>) -> Result<Catalogue, PackProblem> {
    let c: Catalogue = toml::from_str(f.text).map_err(|e| f.toml(&e))?;
    f.filled(&[K("version")], &c.version, "版本")?;
    let shipped = Catalogue::shipped().iter().find(|s| s.version == c.version);
    as_shipped(
        f,
        &c.version,
        shipped.map(|s| s.items.as_slice()),
        &c.items,
        "目录",
    )?;
    for (i, s) in c.standards.iter().enumerate() {
        f.filled(&[K("standards"), I(i), K("clause")], &s.clause, "依据条款")?;
        for group in &s.groups {
            if !c
                .items
                .iter()
                .any(|it| it.standard == s.id && it.group == *group)
            {
                return Err(f.at(
                    &[K("standards"), I(i), K("groups")],
                    format!("标准“{}”的类别“{group}”没有任何条目", s.name),
                ));
            }
        }
    }
    for (i, item) in c.items.iter().enumerate() {
        f.filled(&[K("items"), I(i), K("clause")], &item.clause, "依据条款")?;
    }
    unique(
        f,
        c.items.iter().map(|it| it.code.as_str()),
        |i| vec![K("items"), I(i), K("code")],
        "条目编码",
    )?;
    Catalogue::parse(f.text).map_err(|e| catalogue_problem(f, e))
}

fn check_survey(f: &In<'_>) -> Result<SurveyCatalogue, PackProblem> {
    let c: SurveyCatalogue = toml::from_str(f.text).map_err(|e| f.toml(&e))?;
    let shipped = SurveyCatalogue::shipped()
        .iter()
        .find(|s| s.version == c.version);
    as_shipped(
        f,
        &c.version,
        shipped.map(|s| s.items.as_slice()),
        &c.items,
        "调查目录",
    )?;
    for (i, x) in c.categories.iter().enumerate() {
        f.filled(&[K("categories"), I(i), K("clause")], &x.clause, "依据条款")?;
    }
    for (i, x) in c.problems.iter().enumerate() {
        f.filled(&[K("problems"), I(i), K("clause")], &x.clause, "依据条款")?;
    }
    for (i, x) in c.items.iter().enumerate() {
        f.filled(&[K("items"), I(i), K("clause")], &x.clause, "依据条款")?;
    }
    SurveyCatalogue::parse(f.text).map_err(|e| catalogue_problem(f, e))
}

/// A built-in pack's version means that pack: an edited copy needs its own version (a file
/// reads a built-in version as this build ships it).
fn built_in_as_shipped(f: &In<'_>, m: &PackToml) -> Result<(), PackProblem> {
    for (name, _) in super::BUILT_IN {
        let shipped = PackFiles::built_in(name)
            .and_then(|files| files.get(MAIN_FILE).map(toml::from_str::<PackToml>))
            .and_then(Result::ok);
        // A format-1 copy says the same plan in fewer words (it is read as the built-in).
        if let Some(shipped) = shipped
            && m.format > 1
            && shipped.version == m.version
            && shipped != *m
        {
            return Err(f.at(
                &[K("version")],
                format!(
                    "“{}”是内置政策包（{}）的版本，而此包的内容与它不同：改过的政策包须换一个新的 version",
                    m.version, shipped.county.name
                ),
            ));
        }
    }
    Ok(())
}

/// A built-in catalogue's version means that catalogue: an edited copy needs its own version.
fn as_shipped<T: PartialEq>(
    f: &In<'_>,
    version: &str,
    shipped: Option<&[T]>,
    items: &[T],
    what: &str,
) -> Result<(), PackProblem> {
    match shipped {
        Some(shipped) if shipped != items => Err(f.at(
            &[K("version")],
            format!("“{version}”是内置{what}的版本，而此目录的条目与它不同：改过的目录须换一个新的 version"),
        )),
        _ => Ok(()),
    }
}

fn catalogue_problem(f: &In<'_>, e: CatalogueError) -> PackProblem {
    match e {
        CatalogueError::Parse(e) => f.toml(&e),
        CatalogueError::Invalid(message) => PackProblem {
            file: f.file.to_owned(),
            line: 1,
            field: String::new(),
            message,
        },
    }
}
