//! The head of an acceptance sheet: the compound's or the cluster's details as printed. At
//! sign-off it is frozen with the record and covered by the seal, so a signed sheet prints the
//! same head however the compound is edited later, and a changed head shows.

use serde::{Deserialize, Serialize};

use super::cluster::Cluster;
use super::compound::Compound;
use super::member::{MemberAcceptance, MemberStatus};

/// The subject of an acceptance as its sheet heads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectHeader {
    /// The compound's or cluster's name (title lines and footers).
    pub name: String,
    /// 示例 training data.
    pub is_sample: bool,
    /// (label, value) in print order, two to a row.
    pub fields: Vec<(String, String)>,
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

/// A compound's head: name, town, address, owner unit, year built, buildings and households,
/// cluster.
pub fn compound_header(c: &Compound, town: &str, cluster: &str) -> SubjectHeader {
    let count = |v: Option<u32>| v.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let field = |label: &str, value: String| (label.to_owned(), value);
    SubjectHeader {
        name: c.name.clone(),
        is_sample: c.is_sample,
        fields: vec![
            field("小区名称", c.name.clone()),
            field("所属乡镇", or_dash(town)),
            field("小区地址", c.address.clone()),
            field("产权单位", c.owner_unit.clone()),
            field(
                "建成年份",
                c.year_built
                    .map_or_else(|| "—".to_owned(), |y| format!("{y} 年")),
            ),
            field(
                "楼栋/户数",
                format!("{} 栋 / {} 户", count(c.buildings), count(c.households)),
            ),
            field(
                "所属片区",
                if cluster.is_empty() {
                    "不属于片区".to_owned()
                } else {
                    cluster.to_owned()
                },
            ),
        ],
    }
}

/// A cluster's head: name, town, plan year, its members and their households, how many are
/// handed over.
pub fn cluster_header(
    k: &Cluster,
    town: &str,
    members: &[MemberAcceptance],
    households: u32,
    is_sample: bool,
) -> SubjectHeader {
    let field = |label: &str, value: String| (label.to_owned(), value);
    let accepted = members
        .iter()
        .filter(|m| m.status == MemberStatus::Accepted)
        .count();
    SubjectHeader {
        name: k.name.clone(),
        is_sample,
        fields: vec![
            field("片区名称", k.name.clone()),
            field("所属乡镇", or_dash(town)),
            field(
                "计划年度",
                k.plan_year.map_or("—".to_owned(), |y| format!("{y} 年")),
            ),
            field(
                "小区/户数",
                format!("{} 个 / {households} 户", members.len()),
            ),
            field("小区已交付", format!("{accepted} / {} 个", members.len())),
        ],
    }
}
