//! The standards catalogue: the acceptance standards of 宁政办〔2021〕17号 二、（四） as data.
//!
//! The catalogue lives in a policy pack (`assets/packs/luoning/`) as TOML. Every version ever shipped stays
//! compiled in, so an inspection filled in with an older version can still be read against it.

use std::sync::OnceLock;

use serde::Deserialize;

/// Every catalogue version this build knows, oldest first. Append only.
const SHIPPED: &[&str] = &[include_str!("../../assets/packs/luoning/standards-v1.toml")];

/// The standard that a compound acceptance inspection is filled in against.
pub const COMPOUND_STANDARD: &str = "compound";

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("标准目录格式错误：{0}")]
    Parse(#[from] toml::de::Error),
    #[error("标准目录有误：{0}")]
    Invalid(String),
}

/// One version of the standards catalogue.
#[derive(Clone, Debug, Deserialize)]
pub struct Catalogue {
    /// Stable version string, stored with every inspection.
    pub version: String,
    pub title: String,
    /// The policy document the standards come from.
    pub source: String,
    pub standards: Vec<Standard>,
    pub items: Vec<StandardItem>,
}

/// A standard: a named set of item groups, e.g. 小区 "三入、四通、四有、两整".
#[derive(Clone, Debug, Deserialize)]
pub struct Standard {
    pub id: String,
    pub name: String,
    pub motto: String,
    /// `compound` or `cluster`.
    pub applies_to: String,
    pub clause: String,
    /// Group names in display order.
    pub groups: Vec<String>,
}

/// One item an inspector checks.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct StandardItem {
    /// Stable code, never reused.
    pub code: String,
    /// The standard this item belongs to (`Standard::id`).
    pub standard: String,
    /// Its group, e.g. 三入.
    pub group: String,
    /// The standard's text.
    pub text: String,
    /// A short hint for the inspector on site.
    pub hint: String,
    /// The policy clause the item comes from.
    pub clause: String,
    /// Whether a 合格 verdict needs this item 合格 (or 不适用 with a reason).
    pub required: bool,
}

/// Catalogues read from packs since the program started. Each is kept for the rest of the
/// run (leaked: a run meets a handful of versions), so it is read as a shipped one is.
static LOADED: std::sync::RwLock<Vec<&'static Catalogue>> = std::sync::RwLock::new(Vec::new());

/// The first loaded catalogue that `matches`.
pub(crate) fn find_loaded<T>(
    loaded: &std::sync::RwLock<Vec<&'static T>>,
    matches: impl Fn(&T) -> bool,
) -> Option<&'static T> {
    let list = loaded
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    list.iter().copied().find(|c| matches(c))
}

/// Keeps `catalogue` for the rest of the run.
pub(crate) fn add_loaded<T>(
    loaded: &std::sync::RwLock<Vec<&'static T>>,
    catalogue: T,
) -> &'static T {
    let kept: &'static T = Box::leak(Box::new(catalogue));
    loaded
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(kept);
    kept
}

/// Parses catalogue files compiled into the binary. They are checked by tests, so a broken
/// one is a build bug, not bad input.
pub(crate) fn parse_shipped<T>(
    texts: &[&str],
    parse: fn(&str) -> Result<T, CatalogueError>,
) -> Vec<T> {
    texts
        .iter()
        .map(|text| match parse(text) {
            Ok(c) => c,
            Err(e) => panic!("a shipped catalogue is broken: {e}"),
        })
        .collect()
}

impl Catalogue {
    /// Parses and checks one catalogue file.
    pub fn parse(text: &str) -> Result<Self, CatalogueError> {
        let catalogue: Self = toml::from_str(text)?;
        catalogue.check()?;
        Ok(catalogue)
    }

    fn check(&self) -> Result<(), CatalogueError> {
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            if !seen.insert(item.code.as_str()) {
                return Err(CatalogueError::Invalid(format!("编码 {} 重复", item.code)));
            }
            if item.clause.trim().is_empty() {
                return Err(CatalogueError::Invalid(format!(
                    "{} 未注明依据条款",
                    item.code
                )));
            }
            if item.text.trim().is_empty() {
                return Err(CatalogueError::Invalid(format!(
                    "{} 没有标准内容",
                    item.code
                )));
            }
            let Some(standard) = self.standard(&item.standard) else {
                return Err(CatalogueError::Invalid(format!(
                    "{} 属于未定义的标准 {}",
                    item.code, item.standard
                )));
            };
            if !standard.groups.contains(&item.group) {
                return Err(CatalogueError::Invalid(format!(
                    "{} 的类别 {} 不在标准 {} 中",
                    item.code, item.group, standard.id
                )));
            }
        }
        Ok(())
    }

    /// The newest catalogue: what new inspections are filled in with.
    pub fn current() -> &'static Self {
        let all = Self::shipped();
        &all[all.len() - 1]
    }

    /// The catalogue with this version, if this build knows it (shipped, or from a pack read
    /// since the program started).
    pub fn version(version: &str) -> Option<&'static Self> {
        Self::shipped()
            .iter()
            .find(|c| c.version == version)
            .or_else(|| find_loaded(&LOADED, |c: &Self| c.version == version))
    }

    /// Makes a pack's catalogue known by its version (as a shipped one is), for the rest of the
    /// run: records filled in with it are read against it. The first catalogue of a version
    /// stays (a pack's check refuses two of one version).
    pub fn register(catalogue: &Self) -> &'static Self {
        Self::version(&catalogue.version).unwrap_or_else(|| add_loaded(&LOADED, catalogue.clone()))
    }

    /// Every shipped version, oldest first.
    pub fn shipped() -> &'static [Self] {
        static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
        ALL.get_or_init(|| parse_shipped(SHIPPED, Self::parse))
    }

    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    /// The items of every standard that applies to `compound` or `cluster`, standard by
    /// standard in catalogue order, each grouped in its standard's group order.
    pub fn items_applying_to(&self, applies_to: &str) -> Vec<&StandardItem> {
        self.standards
            .iter()
            .filter(|s| s.applies_to == applies_to)
            .flat_map(|s| self.items_of(&s.id))
            .collect()
    }

    /// The items of one standard, grouped in the standard's group order.
    pub fn items_of(&self, standard_id: &str) -> Vec<&StandardItem> {
        let Some(standard) = self.standard(standard_id) else {
            return Vec::new();
        };
        let mut items: Vec<&StandardItem> = self
            .items
            .iter()
            .filter(|i| i.standard == standard_id)
            .collect();
        items.sort_by_key(|i| standard.groups.iter().position(|g| *g == i.group));
        items
    }
}
