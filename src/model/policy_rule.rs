//! Local rules: where 宁政办〔2021〕17号 leaves a figure open, the county office fixes it here,
//! and every place the figure decides something says it is a local rule and where it stands.
//! Each rule has a default (the reading this program started with) that the office may change
//! on the 设置 › 本地规则 page; the file keeps only the changed values.

use super::Refusal;
pub use super::share::Share;

/// A rule the policy's text does not fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyRule {
    /// "居民改造意愿强烈" (二、（一）): the share of households in favour that counts as strong.
    Willingness,
    /// 季考评 (附件2 三、（四）): the total at or above which a unit is praised.
    PraiseAt,
    /// 季考评: the total below which a unit is criticised.
    CriticiseBelow,
}

impl PolicyRule {
    pub const ALL: [Self; 3] = [Self::Willingness, Self::PraiseAt, Self::CriticiseBelow];

    pub fn key(self) -> &'static str {
        match self {
            Self::Willingness => "willingness_share",
            Self::PraiseAt => "quarter_praise_at",
            Self::CriticiseBelow => "quarter_criticise_below",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Willingness => "“居民改造意愿强烈”的同意户数比例",
            Self::PraiseAt => "季考评通报表扬的总分线（含）",
            Self::CriticiseBelow => "季考评通报批评的总分线（低于）",
        }
    }

    /// Where the county's plan speaks of it (`plan` its number): the rule's clause in the
    /// pack, which gives its value until the office changes it here.
    pub fn source(self, pack: &super::policy_pack::PackToml) -> String {
        match self {
            Self::Willingness => format!(
                "{} {}“居民改造意愿强烈”",
                pack.plan.number, pack.eligibility.clause
            ),
            Self::PraiseAt | Self::CriticiseBelow => format!(
                "{}{}“通报表扬”“通报批评”",
                pack.plan.number, pack.rhythm.clause
            ),
        }
    }

    /// What to type.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Willingness => "分数，如 2/3 或 3/4",
            Self::PraiseAt | Self::CriticiseBelow => "0–100 的整数",
        }
    }
}

/// The thresholds of the quarter's 通报.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuarterThresholds {
    pub praise_at: u32,
    pub criticise_below: u32,
}

/// The rules in force: the file's values where it has them, the defaults elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyRules {
    pub willingness: Share,
    pub quarter: QuarterThresholds,
    /// The build years 二、（一） takes: the county's pack's, not a local rule of the file.
    pub scope: super::policy_pack::Scope,
}

impl Default for PolicyRules {
    fn default() -> Self {
        Self {
            willingness: Share::default(),
            quarter: QuarterThresholds {
                praise_at: 90,
                criticise_below: 60,
            },
            scope: super::policy_pack::Scope::default(),
        }
    }
}

/// Checks a rule's new value: the value as it is kept, or why it is refused.
pub fn check_value(rule: PolicyRule, text: &str) -> Result<String, Refusal> {
    match rule {
        PolicyRule::Willingness => {
            Share::parse(text).map(|s| format!("{}/{}", s.numerator, s.denominator))
        }
        PolicyRule::PraiseAt | PolicyRule::CriticiseBelow => match text.trim().parse::<u32>() {
            Ok(v) if v <= 100 => Ok(v.to_string()),
            _ => Err(Refusal::new(format!(
                "“{}”不是 0–100 的整数。",
                text.trim()
            ))),
        },
    }
}

impl PolicyRules {
    /// The rules from the file's stored values (key, value); a value that does not parse (a
    /// newer program's) leaves the default.
    pub fn from_values<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self::default().over(values)
    }

    /// The rules a county's pack gives (its share of households in favour, its quarter's
    /// thresholds, its build years), before the office changes any.
    pub fn of_pack(pack: &super::policy_pack::PackToml) -> Self {
        Self {
            willingness: Share::parse(&pack.eligibility.willingness_share).unwrap_or_default(),
            quarter: QuarterThresholds {
                praise_at: pack.rhythm.praise_at,
                criticise_below: pack.rhythm.criticise_below,
            },
            scope: super::policy_pack::Scope::of(&pack.eligibility),
        }
    }

    /// These rules with the file's stored values (key, value) over them; a value that does
    /// not parse (a newer program's) leaves the rule as it was.
    pub fn over<'a>(self, values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut rules = self;
        for (key, value) in values {
            match PolicyRule::from_key(key) {
                Some(PolicyRule::Willingness) => {
                    if let Ok(share) = Share::parse(value) {
                        rules.willingness = share;
                    }
                }
                Some(PolicyRule::PraiseAt) => {
                    if let Ok(v) = value.parse() {
                        rules.quarter.praise_at = v;
                    }
                }
                Some(PolicyRule::CriticiseBelow) => {
                    if let Ok(v) = value.parse() {
                        rules.quarter.criticise_below = v;
                    }
                }
                None => {}
            }
        }
        rules
    }

    /// The value of `rule` as it is written.
    pub fn value(&self, rule: PolicyRule) -> String {
        match rule {
            PolicyRule::Willingness => format!(
                "{}/{}",
                self.willingness.numerator, self.willingness.denominator
            ),
            PolicyRule::PraiseAt => self.quarter.praise_at.to_string(),
            PolicyRule::CriticiseBelow => self.quarter.criticise_below.to_string(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shares_parse_and_decide() {
        let two_thirds = Share::parse("2/3").unwrap();
        assert_eq!(two_thirds.label(), "三分之二");
        assert!(two_thirds.reached(20, 30));
        assert!(!two_thirds.reached(19, 30));
        assert_eq!(Share::parse(" 3／4 ").unwrap().label(), "四分之三");
        assert!(Share::parse("4/3").is_err());
        assert!(Share::parse("0/3").is_err());
        assert!(Share::parse("三分之二").is_err());
    }

    #[test]
    fn stored_values_override_the_defaults() {
        let rules =
            PolicyRules::from_values([("willingness_share", "3/4"), ("quarter_praise_at", "85")]);
        assert_eq!(rules.willingness.denominator, 4);
        assert_eq!(rules.quarter.praise_at, 85);
        assert_eq!(rules.quarter.criticise_below, 60);
        assert_eq!(
            check_value(PolicyRule::PraiseAt, "101"),
            Err(crate::model::Refusal::new("“101”不是 0–100 的整数。"))
        );
    }
}
