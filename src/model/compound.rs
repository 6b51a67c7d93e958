//! Compounds (小区) and the validation of what a user types in for one.

use super::cluster::Cluster;
use super::ids::{ClusterId, CompoundId, TownId};

/// The earliest year built we accept; anything older is certainly a typo.
pub const EARLIEST_YEAR_BUILT: i32 = 1900;

/// A residential compound (小区, or a stand-alone residential building).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compound {
    pub id: CompoundId,
    pub name: String,
    pub address: String,
    pub town_id: Option<TownId>,
    /// 产权单位 / 管理单位.
    pub owner_unit: String,
    pub year_built: Option<i32>,
    pub buildings: Option<u32>,
    pub households: Option<u32>,
    pub cluster_id: Option<ClusterId>,
    /// Part of the 示例 training data set.
    pub is_sample: bool,
}

/// The fields of the compound form, so a message can stand beside its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompoundField {
    Name,
    Address,
    Town,
    OwnerUnit,
    YearBuilt,
    Buildings,
    Households,
    Cluster,
}

/// A validation message for one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: CompoundField,
    pub message: String,
}

/// What the user typed into the compound form, as text, before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompoundDraft {
    /// `None` when adding a new compound.
    pub id: Option<CompoundId>,
    pub name: String,
    pub address: String,
    pub town_id: Option<TownId>,
    pub owner_unit: String,
    pub year_built: String,
    pub buildings: String,
    pub households: String,
    pub cluster_id: Option<ClusterId>,
    /// A new cluster to create and put the compound in (instead of `cluster_id`).
    pub new_cluster: String,
}

impl CompoundDraft {
    /// The cluster named in "或新建片区" for a checked `compound`: an existing cluster of that
    /// name takes it; an unknown name makes a new cluster (returned, to save with it). Nothing
    /// typed leaves the chosen cluster as it is.
    pub fn place_in_cluster(
        &self,
        compound: &mut Compound,
        clusters: &[Cluster],
    ) -> Option<Cluster> {
        let typed = self.new_cluster.trim();
        if typed.is_empty() {
            return None;
        }
        if let Some(existing) = clusters.iter().find(|k| k.name == typed) {
            compound.cluster_id = Some(existing.id);
            return None;
        }
        let cluster = Cluster {
            id: ClusterId::new(),
            name: typed.to_owned(),
            town_id: compound.town_id,
            plan_year: None,
        };
        compound.cluster_id = Some(cluster.id);
        Some(cluster)
    }

    /// A draft holding an existing compound, for editing.
    pub fn from_compound(c: &Compound) -> Self {
        let opt = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        Self {
            id: Some(c.id),
            name: c.name.clone(),
            address: c.address.clone(),
            town_id: c.town_id,
            owner_unit: c.owner_unit.clone(),
            year_built: c.year_built.map(|y| y.to_string()).unwrap_or_default(),
            buildings: opt(c.buildings),
            households: opt(c.households),
            cluster_id: c.cluster_id,
            new_cluster: String::new(),
        }
    }

    /// Checks the draft against `current_year`; returns the compound or every problem found.
    pub fn validate(&self, current_year: i32) -> Result<Compound, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field, message: String| errors.push(FieldError { field, message });

        let name = self.name.trim();
        if name.is_empty() {
            err(CompoundField::Name, "请填写小区名称".to_owned());
        } else if name.chars().count() > 100 {
            err(CompoundField::Name, "小区名称不能超过 100 个字".to_owned());
        }

        let year_built = match parse_optional_int(&self.year_built) {
            Ok(None) => None,
            Ok(Some(y)) if y > i64::from(current_year) => {
                err(
                    CompoundField::YearBuilt,
                    format!("建成年份 {y} 晚于今年（{current_year}），请核对"),
                );
                None
            }
            Ok(Some(y)) if y < i64::from(EARLIEST_YEAR_BUILT) => {
                err(
                    CompoundField::YearBuilt,
                    format!("建成年份 {y} 早于 {EARLIEST_YEAR_BUILT} 年，请核对"),
                );
                None
            }
            Ok(Some(y)) => i32::try_from(y).ok(),
            Err(()) => {
                err(
                    CompoundField::YearBuilt,
                    "建成年份应为四位数字，如 1998".to_owned(),
                );
                None
            }
        };

        let mut count = |text: &str, field, what: &str| match parse_optional_int(text) {
            Ok(None) => None,
            Ok(Some(n)) if n < 0 => {
                err(field, format!("{what}不能为负数"));
                None
            }
            Ok(Some(n)) => match u32::try_from(n) {
                Ok(n) if n <= 1_000_000 => Some(n),
                _ => {
                    err(field, format!("{what}过大，请核对"));
                    None
                }
            },
            Err(()) => {
                err(field, format!("{what}应为整数"));
                None
            }
        };
        let buildings = count(&self.buildings, CompoundField::Buildings, "楼栋数");
        let households = count(&self.households, CompoundField::Households, "户数");

        if self.new_cluster.trim().chars().count() > 100 {
            err(
                CompoundField::Cluster,
                "片区名称不能超过 100 个字".to_owned(),
            );
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Compound {
            id: self.id.unwrap_or_default(),
            name: name.to_owned(),
            address: self.address.trim().to_owned(),
            town_id: self.town_id,
            owner_unit: self.owner_unit.trim().to_owned(),
            year_built,
            buildings,
            households,
            cluster_id: self.cluster_id,
            is_sample: false,
        })
    }
}

/// Empty text is `None`; otherwise an integer (full-width digits accepted, as IMEs type them).
fn parse_optional_int(text: &str) -> Result<Option<i64>, ()> {
    let normalized: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            c => c,
        })
        .collect();
    if normalized.is_empty() {
        return Ok(None);
    }
    normalized.parse::<i64>().map(Some).map_err(|_| ())
}
