//! Is a compound in scope? 宁政办〔2021〕17号 二、（一）, clause by clause, from the survey.
//!
//! In scope: built by the end of 2000 (2001–2005 only inside a cluster), 失养失修失管、市政配套
//! 设施不完善、社区服务设施不健全 (read from the survey's items), structure safe, not suitable
//! for demolition and rebuilding, residents willing (the share that counts as 强烈 is a local
//! rule). A missing fact makes the finding 待补充 and is named — never a silent yes or no.
//! The clause's last sentence (state enterprises', the army's and provincial or municipal
//! organs' compounds join their area's cluster plan, 按属地原则) is said beside the owner.

use super::policy_rule::{PolicyRules, Share};
use super::survey::{CompoundSurvey, Condition, ManagementMode, StructuralSafety};
use super::survey_catalogue::SurveyCatalogue;

pub use super::policy_pack::Scope;

/// The facts the rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EligibilityFacts {
    pub year_built: Option<i32>,
    pub in_cluster: bool,
    pub households: Option<u32>,
    pub structural_safety: Option<StructuralSafety>,
    pub demolition_suitable: Option<bool>,
    pub households_in_favour: Option<u32>,
    /// What the survey's items say of the compound's state.
    pub needs: Needs,
    /// 产权单位, for the 属地原则 note.
    pub owner_unit: String,
    /// The share of households in favour that counts as 强烈 (a local rule).
    pub willingness: Share,
    /// The build years in scope (the county's pack).
    pub scope: Scope,
}

/// The compound's state as 二、（一） describes the compounds it covers, read from the survey's
/// items: `Some(true)` when an item of the kind needs renovation or is missing, `Some(false)`
/// when every such item is recorded and none does, `None` while some are not yet recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// 市政配套设施不完善: the 配套基础设施 items.
    pub municipal: Option<bool>,
    /// 社区服务设施不健全: the 居民服务 items.
    pub services: Option<bool>,
    /// 失养失修失管: no property management, or 人居环境 / 社区管理 items to renovate.
    pub neglect: Option<bool>,
    /// The items found wanting, by name (a few, for the explanation).
    pub examples: Vec<String>,
}

impl Needs {
    /// Reads the survey's items against its catalogue.
    pub fn of(survey: &CompoundSurvey) -> Self {
        let catalogue = SurveyCatalogue::version(&survey.catalogue_version)
            .unwrap_or_else(SurveyCatalogue::current);
        let mut examples = Vec::new();
        let mut look = |categories: &[&str]| -> Option<bool> {
            let mut unknown = false;
            let mut wanting = false;
            for item in catalogue
                .items
                .iter()
                .filter(|i| categories.contains(&i.category.as_str()))
            {
                match survey.item(&item.code).and_then(|c| c.condition) {
                    Some(Condition::NeedsRenovation | Condition::Missing) => {
                        wanting = true;
                        if examples.len() < 4 {
                            examples.push(item.name.clone());
                        }
                    }
                    Some(Condition::Good | Condition::NotConcerned) => {}
                    None => unknown = true,
                }
            }
            if wanting {
                Some(true)
            } else if unknown {
                None
            } else {
                Some(false)
            }
        };
        let municipal = look(&["infrastructure"]);
        let services = look(&["services"]);
        let neglect = match (look(&["environment", "management"]), survey.management_mode) {
            (Some(true), _) | (_, Some(ManagementMode::None)) => Some(true),
            (Some(false), Some(_)) => Some(false),
            _ => None,
        };
        Self {
            municipal,
            services,
            neglect,
            examples,
        }
    }
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
            needs: survey.map(Needs::of).unwrap_or_default(),
            owner_unit: String::new(),
            willingness: Share::default(),
            scope: Scope::default(),
        }
    }

    /// With the compound's owner (for the 属地原则 note).
    pub fn with_owner(mut self, owner_unit: &str) -> Self {
        owner_unit.trim().clone_into(&mut self.owner_unit);
        self
    }

    /// With the local rules in force.
    pub fn with_rules(mut self, rules: &PolicyRules) -> Self {
        self.willingness = rules.willingness;
        self.scope = rules.scope;
        self
    }
}

/// The finding on one clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finding {
    Met,
    NotMet,
    /// A fact is missing (or pending, like a safety appraisal).
    Missing,
    /// Said for the explanation's sake; decides nothing.
    Note,
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

/// 失养失修失管、市政配套设施不完善、社区服务设施不健全: met by any of them (a local reading: the
/// clause lists them as what the compounds it covers suffer from).
fn needs_check(n: &Needs) -> ClauseCheck {
    const RULE: &str = "失养失修失管、配套设施不完善";
    let found: Vec<&str> = [
        (n.neglect, "失养失修失管"),
        (n.municipal, "市政配套设施不完善"),
        (n.services, "社区服务设施不健全"),
    ]
    .iter()
    .filter(|(v, _)| *v == Some(true))
    .map(|(_, label)| *label)
    .collect();
    if !found.is_empty() {
        return ClauseCheck {
            rule: RULE,
            finding: Finding::Met,
            reason: format!("{}（如：{}）", found.join("、"), n.examples.join("、")),
        };
    }
    if [n.neglect, n.municipal, n.services]
        .iter()
        .all(|v| *v == Some(false))
    {
        return ClauseCheck {
            rule: RULE,
            finding: Finding::NotMet,
            reason: "调查各项现状完好、有物业管理：不属失养失修失管、配套设施不完善的小区"
                .to_owned(),
        };
    }
    ClauseCheck {
        rule: RULE,
        finding: Finding::Missing,
        reason: "调查中配套设施、人居环境、居民服务、社区管理各项的现状尚未填完".to_owned(),
    }
}

/// Applies 二、（一） to the facts.
pub fn assess(f: &EligibilityFacts) -> EligibilityReport {
    let mut checks = Vec::with_capacity(4);
    let scope = f.scope;
    let window = format!("{}–{}", scope.cluster_only.0, scope.cluster_only.1);

    checks.push(match f.year_built {
        None => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Missing,
            reason: "未填写建成年份".to_owned(),
        },
        Some(y) if y <= scope.built_by => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Met,
            reason: format!("{y} 年建成，属 {} 年前建成", scope.built_by),
        },
        Some(y) if scope.cluster_only(y) && f.in_cluster => ClauseCheck {
            rule: "建成年代",
            finding: Finding::Met,
            reason: format!("{y} 年建成，位于片区内，按 {window} 年建成小区同步列入"),
        },
        Some(y) if scope.cluster_only(y) => ClauseCheck {
            rule: "建成年代",
            finding: Finding::NotMet,
            reason: format!("{y} 年建成且不在片区内；{window} 年建成的小区仅在片区内同步列入"),
        },
        Some(y) => ClauseCheck {
            rule: "建成年代",
            finding: Finding::NotMet,
            reason: format!("{y} 年建成，晚于 {} 年", scope.cluster_only.1),
        },
    });

    let applies = scope.conditions;
    if applies.needs {
        checks.push(needs_check(&f.needs));
    }

    checks.extend(applies.structure_safe.then(|| match f.structural_safety {
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
    }));

    checks.extend(
        applies
            .not_for_demolition
            .then(|| match f.demolition_suitable {
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
            }),
    );

    checks.extend(applies.willingness.then(|| match (f.households_in_favour, f.households) {
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
            let strong = f.willingness.reached(yes, total);
            let share = f64::from(yes) * 100.0 / f64::from(total);
            ClauseCheck {
                rule: "居民改造意愿强烈",
                finding: if strong {
                    Finding::Met
                } else {
                    Finding::NotMet
                },
                reason: format!(
                    "{yes}/{total} 户同意（{share:.1}%），{}{}（本地规则：原文只写“强烈”，比例由县改造办确定）",
                    if strong { "达到" } else { "未达到" },
                    f.willingness.label()
                ),
            }
        }
    }));

    if !f.owner_unit.is_empty() {
        checks.push(ClauseCheck {
            rule: "属地原则",
            finding: Finding::Note,
            reason: format!(
                "产权单位：{}。国有企事业单位、军队、省市属机关所属小区按属地原则纳入所在片区改造计划，一并组织实施",
                f.owner_unit
            ),
        });
    }

    let status = if checks.iter().any(|c| c.finding == Finding::NotMet) {
        Eligibility::NotEligible
    } else if checks.iter().any(|c| c.finding == Finding::Missing) {
        Eligibility::NeedsInformation
    } else {
        Eligibility::Eligible
    };
    EligibilityReport { status, checks }
}
