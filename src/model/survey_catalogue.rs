//! The survey catalogue: what town staff record for every compound (宁政办〔2021〕17号
//! 二、（三）: the four content categories and the problems the renovation must solve).

use std::sync::OnceLock;

use serde::Deserialize;

use super::catalogue::{CatalogueError, parse_shipped};

/// Every survey catalogue version this build knows, oldest first. Append only.
const SHIPPED: &[&str] = &[include_str!("../../assets/packs/luoning/survey-v1.toml")];

/// One version of the survey catalogue.
/// Survey catalogues read from packs since the program started (see `catalogue.rs`).
static LOADED: std::sync::RwLock<Vec<&'static SurveyCatalogue>> =
    std::sync::RwLock::new(Vec::new());

#[derive(Clone, Debug, Deserialize)]
pub struct SurveyCatalogue {
    pub version: String,
    pub title: String,
    pub source: String,
    pub categories: Vec<ContentCategory>,
    pub problems: Vec<Problem>,
    pub items: Vec<ContentItem>,
}

/// One of the four content categories.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct ContentCategory {
    pub id: String,
    pub name: String,
    pub clause: String,
}

/// A problem named by the policy (污水漫溢, 大雨内涝 …).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Problem {
    pub code: String,
    pub text: String,
    pub clause: String,
}

/// A content item whose existing condition the survey records.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct ContentItem {
    pub code: String,
    /// `ContentCategory::id`.
    pub category: String,
    pub name: String,
    pub clause: String,
    /// Codes of the problems typical of this item, offered as check boxes.
    pub problems: Vec<String>,
}

impl SurveyCatalogue {
    pub fn parse(text: &str) -> Result<Self, CatalogueError> {
        let c: Self = toml::from_str(text)?;
        let mut seen = std::collections::HashSet::new();
        for item in &c.items {
            if !seen.insert(item.code.as_str()) {
                return Err(CatalogueError::Invalid(format!("编码 {} 重复", item.code)));
            }
            if item.clause.trim().is_empty() {
                return Err(CatalogueError::Invalid(format!(
                    "{} 未注明依据条款",
                    item.code
                )));
            }
            if c.category(&item.category).is_none() {
                return Err(CatalogueError::Invalid(format!(
                    "{} 属于未定义的类别 {}",
                    item.code, item.category
                )));
            }
            if let Some(p) = item.problems.iter().find(|p| c.problem(p).is_none()) {
                return Err(CatalogueError::Invalid(format!(
                    "{} 引用了未定义的问题 {p}",
                    item.code
                )));
            }
        }
        Ok(c)
    }

    /// The newest shipped version (Luoning's pack's).
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
            .or_else(|| super::catalogue::find_loaded(&LOADED, |c: &Self| c.version == version))
    }

    /// Makes a pack's survey catalogue known by its version, as `Catalogue::register`.
    pub fn register(catalogue: &Self) -> &'static Self {
        Self::version(&catalogue.version)
            .unwrap_or_else(|| super::catalogue::add_loaded(&LOADED, catalogue.clone()))
    }

    pub fn shipped() -> &'static [Self] {
        static ALL: OnceLock<Vec<SurveyCatalogue>> = OnceLock::new();
        ALL.get_or_init(|| parse_shipped(SHIPPED, Self::parse))
    }

    pub fn category(&self, id: &str) -> Option<&ContentCategory> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn problem(&self, code: &str) -> Option<&Problem> {
        self.problems.iter().find(|p| p.code == code)
    }

    pub fn item(&self, code: &str) -> Option<&ContentItem> {
        self.items.iter().find(|i| i.code == code)
    }
}
