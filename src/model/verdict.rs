//! The verdict rule for an inspection (宁政办〔2021〕17号 四、（二）4: 改造一个、合格一个、交付一个).
//!
//! - any item 不合格 → 不合格, naming the failing items;
//! - otherwise, any required item undecided, or 不适用 without a remark saying why → 未完成;
//! - otherwise → 合格.

use super::inspection::{InspectionItem, ItemResult};

/// The overall verdict of an inspection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// 合格
    Passed,
    /// 不合格, with the codes and texts of the failing items.
    Failed { failing: Vec<(String, String)> },
    /// 未完成: items still undecided, 不适用 items that lack a reason, and (for a cluster)
    /// member compounds not yet accepted.
    Incomplete {
        undecided: Vec<String>,
        missing_reason: Vec<String>,
        members_pending: Vec<String>,
    },
}

impl Verdict {
    /// The Chinese label: 合格 / 不合格 / 未完成.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Passed => "合格",
            Self::Failed { .. } => "不合格",
            Self::Incomplete { .. } => "未完成",
        }
    }

    /// One line explaining the verdict.
    pub fn explanation(&self) -> String {
        match self {
            Self::Passed => "全部必查项目合格（或不适用并已注明理由）".to_owned(),
            Self::Failed { failing } => {
                let names: Vec<String> = failing
                    .iter()
                    .map(|(code, text)| format!("{text}（{code}）"))
                    .collect();
                format!("不合格项目：{}", names.join("、"))
            }
            Self::Incomplete {
                undecided,
                missing_reason,
                members_pending,
            } => {
                let mut parts = Vec::new();
                if !undecided.is_empty() {
                    parts.push(format!("{} 项尚未判定", undecided.len()));
                }
                if !missing_reason.is_empty() {
                    parts.push(format!(
                        "{} 项“不适用”未注明理由：{}",
                        missing_reason.len(),
                        missing_reason.join("、")
                    ));
                }
                if !members_pending.is_empty() {
                    parts.push(format!(
                        "小区尚未全部验收合格：{}",
                        members_pending.join("、")
                    ));
                }
                parts.join("；")
            }
        }
    }
}

/// Applies the verdict rule to a set of items.
pub fn verdict_of(items: &[InspectionItem]) -> Verdict {
    let failing: Vec<(String, String)> = items
        .iter()
        .filter(|i| i.result == Some(ItemResult::Fail))
        .map(|i| (i.standard.code.clone(), i.standard.text.clone()))
        .collect();
    if !failing.is_empty() {
        return Verdict::Failed { failing };
    }
    let undecided: Vec<String> = items
        .iter()
        .filter(|i| i.standard.required && i.result.is_none())
        .map(|i| i.standard.text.clone())
        .collect();
    let missing_reason: Vec<String> = items
        .iter()
        .filter(|i| {
            i.standard.required
                && i.result == Some(ItemResult::NotApplicable)
                && i.remark.trim().is_empty()
        })
        .map(|i| i.standard.text.clone())
        .collect();
    if undecided.is_empty() && missing_reason.is_empty() {
        Verdict::Passed
    } else {
        Verdict::Incomplete {
            undecided,
            missing_reason,
            members_pending: Vec::new(),
        }
    }
}
