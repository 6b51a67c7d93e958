//! Hand-over (交付): a compound is handed over when its acceptance, after every round so far
//! (复验, 更正), comes out 合格 and every round is signed off by every party (四、（二）4:
//! 改造一个、合格一个、交付一个). What is still missing is said line by line.

use super::clock::date_text;
use super::inspection::Inspection;
use super::member::MemberStatus;
use super::rectification::InspectionChain;
use super::signoff::{Signature, short_code};
use super::verdict::{Verdict, verdict_of};

/// Where a compound's own acceptance stands after every round of it so far, with the latest
/// round's 校验码 once signed: accepted (已交付) only when the rounds come out 合格 and every
/// one of them is signed off.
pub fn handover_status(chain: &InspectionChain) -> (MemberStatus, Option<String>) {
    let code = chain
        .latest()
        .and_then(|l| l.seal.as_deref())
        .map(short_code);
    (stage_of(chain, |_, _| false).member_status(), code)
}

/// Where a compound's acceptance stands, as the register shows and filters it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// No acceptance inspection yet.
    NotInspected,
    /// Items undecided, or 合格 but not every round signed and locked.
    InProgress,
    /// 不合格, and rectification ordered for what failed.
    Rectifying,
    /// 不合格, no rectification ordered yet.
    Failed,
    /// 合格 and every round signed and locked: handed over.
    Delivered,
}

impl Stage {
    pub const ALL: [Self; 5] = [
        Self::NotInspected,
        Self::InProgress,
        Self::Rectifying,
        Self::Failed,
        Self::Delivered,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::NotInspected => "尚未验收",
            Self::InProgress => "验收中",
            Self::Rectifying => "整改中",
            Self::Failed => "不合格",
            Self::Delivered => "已交付",
        }
    }

    /// The same, as a cluster counts its members.
    pub fn member_status(self) -> MemberStatus {
        match self {
            Self::NotInspected => MemberStatus::NotInspected,
            Self::InProgress => MemberStatus::InProgress,
            Self::Rectifying | Self::Failed => MemberStatus::Failed,
            Self::Delivered => MemberStatus::Accepted,
        }
    }
}

/// The stage of the acceptance `chain` (empty: not inspected). `rectified(round, code)`: was
/// a rectification of item `code` ordered in that round.
pub fn stage_of(chain: &InspectionChain, rectified: impl Fn(&Inspection, &str) -> bool) -> Stage {
    if chain.rounds.is_empty() {
        return Stage::NotInspected;
    }
    let all_signed = chain.rounds.iter().all(Inspection::is_signed_off);
    match verdict_of(&chain.effective_items()) {
        Verdict::Passed if all_signed => Stage::Delivered,
        Verdict::Failed { failing } => {
            let ordered = failing
                .iter()
                .any(|(code, _)| chain.rounds.iter().any(|r| rectified(r, code)));
            if ordered {
                Stage::Rectifying
            } else {
                Stage::Failed
            }
        }
        Verdict::Passed | Verdict::Incomplete { .. } => Stage::InProgress,
    }
}

/// One condition of hand-over: met or not, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverCondition {
    pub met: bool,
    pub text: String,
}

/// What hand-over needs, met or not: the verdict after every round, and each round signed and
/// locked (naming the parties who have not signed). `signatures` holds each round's, in the
/// chain's order. Empty once nothing is missing, and before any inspection (the page says so
/// itself).
pub fn handover_conditions(
    chain: &InspectionChain,
    signatures: &[Vec<Signature>],
) -> Vec<HandoverCondition> {
    if chain.rounds.is_empty() {
        return Vec::new();
    }
    let mut conditions = Vec::new();
    match verdict_of(&chain.effective_items()) {
        Verdict::Passed => conditions.push(HandoverCondition {
            met: true,
            text: "验收结论合格（按最新一轮）".to_owned(),
        }),
        failed @ Verdict::Failed { .. } => conditions.push(HandoverCondition {
            met: false,
            text: format!("验收结论不合格：{}；整改后复验", failed.explanation()),
        }),
        incomplete @ Verdict::Incomplete { .. } => conditions.push(HandoverCondition {
            met: false,
            text: format!("验收尚未完成：{}", incomplete.explanation()),
        }),
    }
    let mut all_signed = true;
    for (index, round) in chain.rounds.iter().enumerate() {
        if round.is_signed_off() {
            continue;
        }
        all_signed = false;
        let signed = signatures.get(index).map_or(&[][..], Vec::as_slice);
        // What this round's sign-off still waits for (undecided items, missing signatures).
        let blockers = super::signoff::sign_off_blockers(round, signed);
        let why = if blockers.is_empty() {
            "各方已签字，请“完成签字并锁定”".to_owned()
        } else {
            blockers.join("；")
        };
        conditions.push(HandoverCondition {
            met: false,
            text: format!(
                "第 {} 轮（{}）尚未签字锁定：{why}",
                round.round,
                date_text(round.inspected_on)
            ),
        });
    }
    if all_signed {
        conditions.push(HandoverCondition {
            met: true,
            text: "各轮均已签字锁定".to_owned(),
        });
    }
    if conditions.iter().all(|c| c.met) {
        Vec::new()
    } else {
        conditions
    }
}
