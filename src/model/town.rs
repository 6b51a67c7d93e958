//! Towns (属地乡镇) responsible for the compounds.

use super::ids::TownId;

/// The towns named by the policy (附件1); a new database starts with these.
pub const DEFAULT_TOWNS: [&str; 3] = ["城关镇", "回族镇", "城郊乡"];

/// A town (属地乡镇).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Town {
    pub id: TownId,
    pub name: String,
}
