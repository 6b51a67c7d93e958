//! Clusters (片区 / 组团): contiguous areas of neighbouring compounds renovated as one unit
//! (宁政办〔2021〕17号 一、（三）, 二、（二）: 9 clusters, 3 a year in 2021–2023).

use super::ids::{ClusterId, TownId};

/// A cluster of compounds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub id: ClusterId,
    pub name: String,
    pub town_id: Option<TownId>,
    /// The year the plan renovates it in.
    pub plan_year: Option<i32>,
}
