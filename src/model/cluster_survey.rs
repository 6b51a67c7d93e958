//! Cluster surveys: the 15-minute-circle facilities of the cluster standard's 九有
//! (宁政办〔2021〕17号 二、（四）), present or not, with name and walking time.

use chrono::NaiveDate;

use super::catalogue::Catalogue;
use super::ids::{ClusterId, ClusterSurveyId};

/// The catalogue group whose items are the facilities.
pub const FACILITY_GROUP: &str = "九有";

/// One facility of the 15-minute circle as surveyed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facility {
    /// The cluster standard item's code (PQ-JY-…).
    pub code: String,
    /// What the standard asks for, e.g. 便民服务中心.
    pub kind: String,
    pub present: Option<bool>,
    /// The facility's own name, as found.
    pub name: String,
    pub walking_minutes: Option<u32>,
}

/// One answer about a facility, changed on its own: a save never writes back the other
/// answers as a stale screen last saw them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FacilityChange {
    Present(Option<bool>),
    Name(String),
    WalkingMinutes(Option<u32>),
}

/// A survey of one cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterSurvey {
    pub id: ClusterSurveyId,
    pub cluster_id: ClusterId,
    pub surveyed_on: NaiveDate,
    pub surveyors: String,
    pub facilities: Vec<Facility>,
}

/// The facilities the cluster standard names, in order, all undecided.
pub fn facility_kinds(catalogue: &Catalogue) -> Vec<Facility> {
    catalogue
        .items_of("cluster")
        .into_iter()
        .filter(|i| i.group == FACILITY_GROUP)
        .map(|i| Facility {
            code: i.code.clone(),
            kind: i
                .text
                .trim_start_matches("15分钟生活圈内有")
                .trim_matches(['“', '”'])
                .to_owned(),
            present: None,
            name: String::new(),
            walking_minutes: None,
        })
        .collect()
}

impl ClusterSurvey {
    /// Facilities present and within 15 minutes' walk.
    pub fn within_circle(&self) -> usize {
        self.facilities
            .iter()
            .filter(|f| f.present == Some(true) && f.walking_minutes.is_none_or(|m| m <= 15))
            .count()
    }
}
