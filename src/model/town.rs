//! Towns (属地乡镇) responsible for the compounds.

use super::ids::TownId;

/// A town (属地乡镇).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Town {
    pub id: TownId,
    pub name: String,
}

/// The built-in pack's towns, as a new file has them (before any file exists).
pub fn county_towns() -> Vec<Town> {
    super::policy_pack::PolicyPack::luoning()
        .meta
        .towns
        .names
        .iter()
        .map(|name| Town {
            id: town_id_for(name),
            name: name.clone(),
        })
        .collect()
}

/// The id a town's name gives it: the same on every laptop, so a town made on two of them is
/// one town when their packages meet (UUID v5 of the name).
pub fn town_id_for(name: &str) -> TownId {
    const LUONING_TOWNS_NS: uuid::Uuid =
        uuid::Uuid::from_u128(0x7961_6e73_686f_5f74_6f77_6e73_0000_0001);
    TownId(uuid::Uuid::new_v5(
        &LUONING_TOWNS_NS,
        name.trim().as_bytes(),
    ))
}
