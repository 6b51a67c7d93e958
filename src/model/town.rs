//! Towns (属地乡镇) responsible for the compounds.

use super::ids::TownId;

/// The towns the policy names for this programme (一、（一）and 附件1), as the first schema
/// version wrote them: the policy says 回族镇 for 王范回族镇. Never changed: migration 1
/// writes exactly these.
pub const POLICY_TOWNS_AS_FIRST_WRITTEN: [&str; 3] = ["城关镇", "回族镇", "城郊乡"];

/// 回族镇's full name.
pub const WANGFAN: (&str, &str) = ("回族镇", "王范回族镇");

/// Every town (乡镇) of Luoning County, the programme's three first. The county seat's 城关镇
/// is the policy's name (since 2022 the area is 永宁街道; a database keeps the name it has).
pub const LUONING_TOWNS: [&str; 19] = [
    "城关镇",
    "王范回族镇",
    "城郊乡",
    "上戈镇",
    "下峪镇",
    "河底镇",
    "兴华镇",
    "东宋镇",
    "马店镇",
    "故县镇",
    "赵村镇",
    "长水镇",
    "景阳镇",
    "小界乡",
    "罗岭乡",
    "底张乡",
    "西山底乡",
    "陈吴乡",
    "涧口乡",
];

/// A town (属地乡镇).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Town {
    pub id: TownId,
    pub name: String,
}

/// The county's towns, as a new file has them (before any file exists).
pub fn county_towns() -> Vec<Town> {
    LUONING_TOWNS
        .iter()
        .map(|name| Town {
            id: town_id_for(name),
            name: (*name).to_owned(),
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
