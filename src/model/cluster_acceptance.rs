//! Cluster acceptance (片区验收): a cluster is accepted against its own standard
//! (三合、三整、九有 and 绿色社区) with the general requirements 五全 and 九位一体
//! (宁政办〔2021〕17号 二、（四）), and only once every member compound has been accepted on its
//! own (四、（二）4: 改造一个、合格一个、交付一个).

use super::inspection::{Inspection, InspectionItem};
use super::member::{MemberAcceptance, MemberStatus};
use super::verdict::{Verdict, verdict_of};

/// The members whose acceptance stands in the way of a cluster 合格, as "name（status）".
pub fn members_pending(members: &[MemberAcceptance]) -> Vec<String> {
    if members.is_empty() {
        return vec!["片区内还没有小区".to_owned()];
    }
    members
        .iter()
        .filter(|m| m.status != MemberStatus::Accepted)
        .map(|m| format!("{}（{}）", m.name, m.status.label()))
        .collect()
}

/// The verdict of a cluster acceptance: the item rule, except that it is never 合格 while a
/// member compound has no 合格, signed-off acceptance of its own.
pub fn cluster_verdict(items: &[InspectionItem], members: &[MemberAcceptance]) -> Verdict {
    let pending = members_pending(members);
    match verdict_of(items) {
        Verdict::Passed if !pending.is_empty() => Verdict::Incomplete {
            undecided: Vec::new(),
            missing_reason: Vec::new(),
            members_pending: pending,
        },
        Verdict::Incomplete {
            undecided,
            missing_reason,
            ..
        } => Verdict::Incomplete {
            undecided,
            missing_reason,
            members_pending: pending,
        },
        other => other,
    }
}

/// The verdict of a compound's items (`members` is `None`) or of a cluster's items with its
/// members' acceptances.
pub fn round_verdict(items: &[InspectionItem], members: Option<&[MemberAcceptance]>) -> Verdict {
    match members {
        Some(members) => cluster_verdict(items, members),
        None => verdict_of(items),
    }
}

/// What stops a cluster acceptance from being signed off: `items` (after every round so far)
/// would make it 合格 while a member compound is not accepted. A 不合格 finding can be signed.
pub fn cluster_sign_off_blocker(
    items: &[InspectionItem],
    members: &[MemberAcceptance],
) -> Option<super::Refusal> {
    let pending = members_pending(members);
    (verdict_of(items) == Verdict::Passed && !pending.is_empty())
        .then(|| super::Refusal::new(format!("片区验收不能判定合格：{}", pending.join("、"))))
}

/// What changed among a cluster's members since a sealed snapshot, one line each: compounds
/// that joined or left, and acceptances that changed (status or 校验码).
pub fn member_changes(sealed: &[MemberAcceptance], live: &[MemberAcceptance]) -> Vec<String> {
    let mut changes = Vec::new();
    for m in live {
        match sealed.iter().find(|s| s.compound_id == m.compound_id) {
            None => changes.push(format!("{}新加入片区（{}）", m.name, m.status.label())),
            Some(s) if s.status != m.status => changes.push(format!(
                "{}：{} → {}",
                m.name,
                s.status.label(),
                m.status.label()
            )),
            Some(s) if s.code != m.code => changes.push(format!(
                "{}：校验码 {} → {}",
                m.name,
                s.code.as_deref().unwrap_or("—"),
                m.code.as_deref().unwrap_or("—")
            )),
            Some(_) => {}
        }
    }
    for s in sealed {
        if !live.iter().any(|m| m.compound_id == s.compound_id) {
            changes.push(format!("{}已不在片区内", s.name));
        }
    }
    changes
}

/// Which member acceptances a round is judged by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundMembers {
    /// A compound acceptance has no members.
    None,
    /// A signed-off cluster round: its members as sealed with it.
    Sealed,
    /// A cluster round still open: its cluster's members as they stand now.
    Live(super::ids::ClusterId),
}

impl RoundMembers {
    /// The rule for `inspection`.
    pub fn of(inspection: &Inspection) -> Self {
        match inspection.subject {
            super::inspection::Subject::Compound(_) => Self::None,
            super::inspection::Subject::Cluster(_) if inspection.is_signed_off() => Self::Sealed,
            super::inspection::Subject::Cluster(cluster) => Self::Live(cluster),
        }
    }
}
