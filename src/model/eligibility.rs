//! Is a compound in scope? 宁政办〔2021〕17号 二、（一）, clause by clause, from the survey.
//!
//! In scope: built by the end of 2000 (2001–2005 only inside a cluster), structure safe, not
//! suitable for demolition and rebuilding, residents willing. A missing fact makes the finding
//! 待补充 and is named — never a silent yes or no.

use super::survey::{CompoundSurvey, StructuralSafety};

/// The last year of "2000年前建成" (2000 itself counts: the next clause starts at 2001).
pub const LAST_YEAR_IN_SCOPE: i32 = 2000;
/// Compounds built in these years are in scope only inside a cluster.
pub const CLUSTER_ONLY_YEARS: std::ops::RangeInclusive<i32> = 2001..=2005;
/// "居民改造意愿强烈": at least two thirds of the households in favour.
pub const WILLINGNESS_NUMERATOR: u32 = 2;
pub const WILLINGNESS_DENOMINATOR: u32 = 3;

/// The facts the rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EligibilityFacts {
    pub year_built: Option<i32>,
    pub in_cluster: bool,
    pub households: Option<u32>,
    pub structural_safety: Option<StructuralSafety>,
    pub demolition_suitable: Option<bool>,
    pub households_in_favour: Option<u32>,
}

impl EligibilityFacts {
    /// The facts from a compound's record and its latest survey (if any).
    pub fn gather(
        year_built: Option<i32>,
        in_cluster: bool,
        households: Option<u32>,
        survey: Option<&CompoundSurvey>,
    ) -> Self {
        Self {
            year_built,
            in_cluster,
            households,
            structural_safety: survey.and_then(|s| s.structural_safety),
            demolition_suitable: survey.and_then(|s| s.demolition_suitable),
            households_in_favour: survey.and_then(|s| s.households_in_favour),
        }
    }
}

/// The finding on one clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    Met,
    NotMet,
    /// A fact is missing (or pending, like a safety appraisal).
    Missing,
}

/// One rule checked, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClauseCheck {
    /// What the rule requires, e.g. 2000年前建成.
    pub rule: &'static str,
    pub finding: Finding,
    /// Why, in words, with the facts used.
    pub reason: String,
}

/// The overall finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Eligibility {
    /// 纳入改造范围
    Eligible,
    /// 不纳入
    NotEligible,
    /// 待补充: facts are missing
    NeedsInformation,
}

impl Eligibility {
    pub const ALL: [Self; 3] = [Self::Eligible, Self::NotEligible, Self::NeedsInformation];

    pub fn label(self) -> &'static str {
        match self {
            Self::Eligible => "纳入改造范围",
            Self::NotEligible => "不纳入",
            Self::NeedsInformation => "待补充",
        }
    }
}

/// The checks and the overall finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EligibilityReport {
    pub status: Eligibility,
    pub checks: Vec<ClauseCheck>,
}

impl EligibilityReport {
    /// The facts still missing, by name.
    pub fn missing(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c.finding == Finding::Missing)
            .map(|c| c.rule)
            .collect()
    }
}

/// The clause the rules come from.
pub const CLAUSE: &str = "宁政办〔2021〕17号 二、（一）改造提质范围";

/// Applies 二、（一） to the facts.
pub fn assess(f: &EligibilityFacts) -> EligibilityReport {
    let mut checks = Vec::with_capacity(4);

    checks.push(match f.year_built {
        None => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Missing,
            reason: "未填写建成年份".to_owned(),
        },
        Some(y) if y <= LAST_YEAR_IN_SCOPE => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Met,
            reason: format!("{y} 年建成，属 2000 年前建成"),
        },
        Some(y) if CLUSTER_ONLY_YEARS.contains(&y) && f.in_cluster => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Met,
            reason: format!("{y} 年建成，位于片区内，按 2001–2005 年建成小区同步列入"),
        },
        Some(y) if CLUSTER_ONLY_YEARS.contains(&y) => ClauseCheck {
            rule: "建成年代",
            finding: Finding::NotMet,
            reason: format!("{y} 年建成且不在片区内；2001–2005 年建成的小区仅在片区内同步列入"),
        },
        Some(y) => ClauseCheck {
            rule: "建成年代",
            finding: Finding::NotMet,
            reason: format!("{y} 年建成，晚于 2005 年"),
        },
    });

    checks.push(match f.structural_safety {
        None => ClauseCheck {
            rule: "房屋结构安全",
            finding: Finding::Missing,
            reason: "未填写房屋结构安全情况".to_owned(),
        },
        Some(StructuralSafety::NeedsAppraisal) => ClauseCheck {
            rule: "房屋结构安全",
            finding: Finding::Missing,
            reason: "结构安全需鉴定，待鉴定结论".to_owned(),
        },
        Some(StructuralSafety::Safe) => ClauseCheck {
            rule: "房屋结构安全",
            finding: Finding::Met,
            reason: "房屋结构安全".to_owned(),
        },
        Some(StructuralSafety::Unsafe) => ClauseCheck {
            rule: "房屋结构安全",
            finding: Finding::NotMet,
            reason: "房屋结构不安全，不属于改造提质范围".to_owned(),
        },
    });

    checks.push(match f.demolition_suitable {
        None => ClauseCheck {
            rule: "不宜整体拆除重建",
            finding: Finding::Missing,
            reason: "未填写是否适宜整体拆除重建".to_owned(),
        },
        Some(false) => ClauseCheck {
            rule: "不宜整体拆除重建",
            finding: Finding::Met,
            reason: "不宜整体拆除重建".to_owned(),
        },
        Some(true) => ClauseCheck {
            rule: "不宜整体拆除重建",
            finding: Finding::NotMet,
            reason: "适宜整体拆除重建，应走拆除重建程序".to_owned(),
        },
    });

    checks.push(match (f.households_in_favour, f.households) {
        (None, _) => ClauseCheck {
            rule: "居民改造意愿强烈",
            finding: Finding::Missing,
            reason: "未填写同意改造户数".to_owned(),
        },
        (Some(_), None | Some(0)) => ClauseCheck {
            rule: "居民改造意愿强烈",
            finding: Finding::Missing,
            reason: "未填写小区总户数，无法计算同意比例".to_owned(),
        },
        (Some(yes), Some(total)) if yes > total => ClauseCheck {
            rule: "居民改造意愿强烈",
            finding: Finding::Missing,
            reason: format!("同意户数 {yes} 多于总户数 {total}，请核对"),
        },
        (Some(yes), Some(total)) => {
            let strong = u64::from(yes) * u64::from(WILLINGNESS_DENOMINATOR)
                >= u64::from(total) * u64::from(WILLINGNESS_NUMERATOR);
            let share = f64::from(yes) * 100.0 / f64::from(total);
            ClauseCheck {
                rule: "居民改造意愿强烈",
                finding: if strong {
                    Finding::Met
                } else {
                    Finding::NotMet
                },
                reason: format!(
                    "{yes}/{total} 户同意（{share:.1}%），{}三分之二",
                    if strong { "达到" } else { "未达到" }
                ),
            }
        }
    });

    let status = if checks.iter().any(|c| c.finding == Finding::NotMet) {
        Eligibility::NotEligible
    } else if checks.iter().any(|c| c.finding == Finding::Missing) {
        Eligibility::NeedsInformation
    } else {
        Eligibility::Eligible
    };
    EligibilityReport { status, checks }
}
