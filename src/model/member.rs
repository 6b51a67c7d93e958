//! Where a member compound of a cluster stands in its own acceptance, as a cluster acceptance
//! shows (and at sign-off seals) it.

use super::ids::CompoundId;

/// Where a member compound's own acceptance stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    /// No acceptance inspection yet.
    NotInspected,
    /// An inspection is under way (undecided items, or not yet signed off).
    InProgress,
    /// The latest round is 不合格.
    Failed,
    /// 合格 and signed off by every party: handed over (已交付).
    Accepted,
}

impl MemberStatus {
    pub const ALL: [Self; 4] = [
        Self::NotInspected,
        Self::InProgress,
        Self::Failed,
        Self::Accepted,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::NotInspected => "尚未验收",
            Self::InProgress => "验收中",
            Self::Failed => "不合格",
            Self::Accepted => "合格（已交付）",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::NotInspected => "none",
            Self::InProgress => "in_progress",
            Self::Failed => "failed",
            Self::Accepted => "accepted",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A member compound's acceptance, as a cluster acceptance shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAcceptance {
    pub compound_id: CompoundId,
    pub name: String,
    pub status: MemberStatus,
    /// The latest round's 校验码, when it is signed off.
    pub code: Option<String>,
}
