//! Compounds (小区) and the validation of what a user types in for one.

use chrono::NaiveDate;

use super::cluster::Cluster;
use super::ids::{ClusterId, CompoundId, TownId};
use super::validate;

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

/// The fields of the compound form, so a message can stand beside its field (in form order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

    /// Checks the draft against today's date; returns the compound or every problem found.
    pub fn validate(&self, today: NaiveDate) -> Result<Compound, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |field, message: String| errors.push(FieldError { field, message });
        let year_built = match parse_optional_int(&self.year_built) {
            Ok(year) => year.map(|y| i32::try_from(y).unwrap_or(i32::MAX)),
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
            Ok(Some(n)) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            Err(()) => {
                err(field, format!("{what}应为整数"));
                None
            }
        };
        let buildings = count(&self.buildings, CompoundField::Buildings, "楼栋数");
        let households = count(&self.households, CompoundField::Households, "户数");
        if let Err(e) = validate::short_text("片区名称", &self.new_cluster) {
            errors.push(FieldError {
                field: CompoundField::Cluster,
                message: e.into(),
            });
        }
        let compound = Compound {
            id: self.id.unwrap_or_default(),
            name: self.name.trim().to_owned(),
            address: self.address.trim().to_owned(),
            town_id: self.town_id,
            owner_unit: self.owner_unit.trim().to_owned(),
            year_built,
            buildings,
            households,
            cluster_id: self.cluster_id,
            is_sample: false,
        };
        if let Err(more) = compound.check(today) {
            for e in more {
                // A field that did not parse has said so already.
                if !errors.iter().any(|f| f.field == e.field) {
                    errors.push(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(compound)
        } else {
            errors.sort_by_key(|e| e.field);
            Err(errors)
        }
    }
}

/// Households per building above which a count is probably a slip.
pub const HOUSEHOLDS_PER_BUILDING: u32 = 100;

impl Compound {
    /// What differs from `earlier`, one phrase per field ("户数 40 → 999").
    pub fn changes_from(&self, earlier: &Self) -> Vec<String> {
        let text = |v: &str| {
            if v.is_empty() {
                "（空）".to_owned()
            } else {
                v.to_owned()
            }
        };
        let number = |v: Option<u32>| v.map_or_else(|| "（空）".to_owned(), |n| n.to_string());
        let mut changes = Vec::new();
        let mut note = |label: &str, before: String, after: String| {
            if before != after {
                changes.push(format!("{label} {before} → {after}"));
            }
        };
        note("小区名称", text(&earlier.name), text(&self.name));
        note("地址", text(&earlier.address), text(&self.address));
        note(
            "产权单位",
            text(&earlier.owner_unit),
            text(&self.owner_unit),
        );
        note(
            "建成年份",
            earlier
                .year_built
                .map_or_else(|| "（空）".to_owned(), |y| y.to_string()),
            self.year_built
                .map_or_else(|| "（空）".to_owned(), |y| y.to_string()),
        );
        note("楼栋数", number(earlier.buildings), number(self.buildings));
        note("户数", number(earlier.households), number(self.households));
        if earlier.town_id != self.town_id {
            changes.push("所属乡镇已改".to_owned());
        }
        if earlier.cluster_id != self.cluster_id {
            changes.push("所属片区已改".to_owned());
        }
        changes
    }

    /// What is allowed but probably a slip, to be confirmed before saving: no households, or
    /// more households than its buildings could hold (an old compound's building rarely has
    /// more than 100).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.households == Some(0) {
            warnings.push("户数为 0：请核对，小区应登记实际居住户数".to_owned());
        }
        if let (Some(households), Some(buildings)) = (self.households, self.buildings)
            && buildings > 0
            && households > buildings.saturating_mul(HOUSEHOLDS_PER_BUILDING)
        {
            warnings.push(format!(
                "户数 {households} 户远多于 {buildings} 栋楼通常能容纳的户数（每栋约 {HOUSEHOLDS_PER_BUILDING} 户以内）：请核对户数和楼栋数"
            ));
        }
        warnings
    }

    /// The rules every compound keeps, however it comes in (the form, an import, the sample):
    /// a name, a year built between 1900 and this year, counts within reason.
    pub fn check(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |field, result: Result<(), validate::Refusal>| {
            if let Err(e) = result {
                errors.push(FieldError {
                    field,
                    message: e.into(),
                });
            }
        };
        keep(
            CompoundField::Name,
            validate::name("小区名称", &self.name).map(drop),
        );
        keep(
            CompoundField::Address,
            validate::short_text("地址", &self.address).map(drop),
        );
        keep(
            CompoundField::OwnerUnit,
            validate::short_text("产权单位", &self.owner_unit).map(drop),
        );
        if let Some(year) = self.year_built {
            keep(
                CompoundField::YearBuilt,
                validate::year_built(year, today).map(drop),
            );
        }
        if let Some(n) = self.buildings {
            keep(
                CompoundField::Buildings,
                validate::count("楼栋数", n, validate::MAX_BUILDINGS).map(drop),
            );
        }
        if let Some(n) = self.households {
            keep(
                CompoundField::Households,
                validate::count("户数", n, validate::MAX_HOUSEHOLDS).map(drop),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
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
