//! Money for the renovation (五、资金筹措): entries by source and supporting project, central
//! money declared 红线内 or 红线外, amounts in fen (分), never floats. The rules of 五、（一）
//! that can be checked from the entries are checked here: central money over 90% of its
//! supporting project's total, and central money on works not tied to the compound.

use crate::model::FundingId;
use std::collections::BTreeMap;

use super::policy_pack::FundingRules;

/// Where money comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    Central,
    Provincial,
    County,
    SpecialBond,
    Residents,
    OwnerUnit,
    Utility,
    SocialCapital,
    Credit,
    Other,
}

impl Source {
    pub const ALL: [Self; 10] = [
        Self::Central,
        Self::Provincial,
        Self::County,
        Self::SpecialBond,
        Self::Residents,
        Self::OwnerUnit,
        Self::Utility,
        Self::SocialCapital,
        Self::Credit,
        Self::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Central => "中央补助",
            Self::Provincial => "省级补助",
            Self::County => "县级财政",
            Self::SpecialBond => "专项债",
            Self::Residents => "居民出资",
            Self::OwnerUnit => "原产权单位",
            Self::Utility => "专业经营单位",
            Self::SocialCapital => "社会资本",
            Self::Credit => "金融信贷",
            Self::Other => "其他",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Central => "central",
            Self::Provincial => "provincial",
            Self::County => "county",
            Self::SpecialBond => "special_bond",
            Self::Residents => "residents",
            Self::OwnerUnit => "owner_unit",
            Self::Utility => "utility",
            Self::SocialCapital => "social_capital",
            Self::Credit => "credit",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What an entry's money is spent on: the compound and its supporting facilities, or one of
/// the trunk works the county's pack lists, which central money may not pay for unless tied to
/// the compound (Luoning's 五、（一）). Kept by its code; its name is the pack's.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Works {
    code: String,
    name: String,
}

impl Default for Works {
    fn default() -> Self {
        Self::ordinary()
    }
}

impl Works {
    /// Works of the compound or its supporting facilities.
    pub fn ordinary() -> Self {
        Self {
            code: String::new(),
            name: "小区及配套设施".to_owned(),
        }
    }

    pub fn is_ordinary(&self) -> bool {
        self.code.is_empty()
    }

    /// The works a county's pack names: the compound's own first, then its trunk works.
    pub fn of_pack(rules: &FundingRules) -> Vec<Self> {
        std::iter::once(Self::ordinary())
            .chain(rules.trunk_works.iter().map(|w| Self {
                code: w.code.clone(),
                name: w.name.clone(),
            }))
            .collect()
    }

    /// The works kept as `code`, named by the pack (a code the pack no longer lists keeps its
    /// code as its name).
    pub fn from_stored(code: &str, rules: &FundingRules) -> Self {
        Self::of_pack(rules)
            .into_iter()
            .find(|w| w.code == code)
            .unwrap_or_else(|| Self {
                code: code.to_owned(),
                name: code.to_owned(),
            })
    }

    pub fn label(&self) -> &str {
        &self.name
    }

    /// How it is kept ("" for the compound's own).
    pub fn code(&self) -> &str {
        &self.code
    }
}

/// 红线内 or 红线外, as central money for supporting infrastructure is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RedLine {
    Inside,
    Outside,
}

impl RedLine {
    pub fn label(self) -> &'static str {
        match self {
            Self::Inside => "红线内",
            Self::Outside => "红线外",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::Outside => "outside",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Inside, Self::Outside]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// One funding entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Funding {
    pub id: FundingId,
    pub year: i32,
    pub source: Source,
    /// The supporting project it pays for (配套项目).
    pub project: String,
    pub red_line: Option<RedLine>,
    pub amount_fen: i64,
    /// The supporting project's total investment, where known.
    pub project_total_fen: Option<i64>,
    pub works: Works,
    /// The works are directly tied to the compound.
    pub tied: bool,
    pub note: String,
}

/// Money as people write it: 1,234.56 元.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02} 元", fen % 100)
}

/// An amount typed in 元 ("12.5", "1,200", "３００万"? no: digits, commas and up to two
/// decimals) as fen, without floating point.
fn yuan_words(text: &str) -> Result<i64, String> {
    let t: String = super::register_import::normalize(text)
        .trim_end_matches('元')
        .replace([',', '，', ' '], "");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 {
        return Err(format!("金额“{text}”应为元，最多两位小数，如 125000.50"));
    }
    // At most a trillion 元: sums of many entries stay far from overflowing.
    let whole: i64 = whole
        .parse()
        .ok()
        .filter(|w| *w <= 1_000_000_000_000)
        .ok_or_else(|| format!("金额“{text}”过大"))?;
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(|| format!("金额“{text}”过大"))
}

/// The amount in fen, or why it is refused.
pub fn parse_yuan(text: &str) -> Result<i64, super::Refusal> {
    yuan_words(text).map_err(super::Refusal::new)
}

/// A rule of 五、（一） that an entry breaks, with the figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingFlag {
    pub project: String,
    pub message: String,
}

/// A supporting project and the side of the red line its money is declared on.
type ProjectKey = (String, Option<RedLine>);
/// Central money, the project's total (as any entry gives it), whether it has central money.
type ProjectMoney = (i128, Option<i64>, bool);

/// The money rules of the county's pack (Luoning's 五、（一）) checked on a compound's (or
/// cluster's) entries: per supporting project and red line, central money at most the cap
/// (90%) of the project's total; central money not on the trunk works the pack lists (trunk
/// roads, trunk networks, utility tunnels, squares, parks) unless tied to the compound.
pub fn flags(entries: &[Funding], rules: &FundingRules) -> Vec<FundingFlag> {
    let clause = rules.clause.as_str();
    let cap = i128::from(rules.central_cap_percent);
    let trunk = |works: &Works| rules.trunk_works.iter().find(|w| w.code == works.code());
    let not_for = rules
        .trunk_works
        .iter()
        .map(|w| w.name.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let mut flags = Vec::new();
    // Per supporting project and red line: the central money, and the project's total as any
    // of its entries (central or not) gives it.
    let mut groups: BTreeMap<ProjectKey, ProjectMoney> = BTreeMap::new();
    for e in entries {
        let g = groups
            .entry((e.project.clone(), e.red_line))
            .or_insert((0, None, false));
        g.1 = g.1.max(e.project_total_fen);
        if e.source != Source::Central {
            continue;
        }
        g.0 += i128::from(e.amount_fen);
        g.2 = true;
        if let Some(works) = trunk(&e.works)
            && !e.tied
        {
            flags.push(FundingFlag {
                project: e.project.clone(),
                message: format!(
                    "中央补助 {} 用于与小区不直接相关的{}（{clause}：不得用于{not_for}等）",
                    yuan_text(e.amount_fen),
                    works.name
                ),
            });
        }
    }
    for ((project, red_line), (central, total, has_central)) in groups {
        if !has_central {
            continue;
        }
        let side = red_line.map_or(String::new(), |r| format!("（{}）", r.label()));
        let Some(total) = total.filter(|t| *t > 0).map(i128::from) else {
            flags.push(FundingFlag {
                message: format!(
                    "配套项目“{project}”{side}有中央补助，但未填项目总投资，无法核对 {cap}% 上限（{clause}）"
                ),
                project,
            });
            continue;
        };
        // central / total > cap, in integers; the share in hundredths of a percent, rounded up.
        if central * 100 > total * cap {
            let share = (central * 10_000 + total - 1) / total;
            flags.push(FundingFlag {
                message: format!(
                    "配套项目“{project}”{side}中央补助 {} 占总投资 {} 的 {}.{:02}%，超过 {cap}%（{clause}）",
                    yuan_text(i64::try_from(central).unwrap_or(i64::MAX)),
                    yuan_text(i64::try_from(total).unwrap_or(i64::MAX)),
                    share / 100,
                    share % 100
                ),
                project,
            });
        }
    }
    flags
}

/// Totals by a key (year, town, source), in fen.
pub fn totals<K: Ord>(entries: impl IntoIterator<Item = (K, i64)>) -> BTreeMap<K, i64> {
    let mut map = BTreeMap::new();
    for (k, fen) in entries {
        *map.entry(k).or_insert(0) += fen;
    }
    map
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    fn money() -> &'static super::FundingRules {
        &crate::model::policy_pack::PolicyPack::luoning()
            .meta
            .funding
    }

    use super::*;

    fn entry(source: Source, fen: i64, total: Option<i64>) -> Funding {
        Funding {
            id: Default::default(),
            year: 2022,
            source,
            project: "雨污分流".to_owned(),
            red_line: Some(RedLine::Inside),
            amount_fen: fen,
            project_total_fen: total,
            works: Works::ordinary(),
            tied: true,
            note: String::new(),
        }
    }

    #[test]
    fn money_is_read_and_written_in_fen() {
        assert_eq!(parse_yuan("125000.5").unwrap(), 12_500_050);
        assert_eq!(parse_yuan("1,200 元").unwrap(), 120_000);
        assert_eq!(parse_yuan("１２").unwrap(), 1200);
        assert!(parse_yuan("12.345").is_err());
        assert!(parse_yuan("十万").is_err());
        assert_eq!(yuan_text(123_456_789), "1,234,567.89 元");
        assert_eq!(yuan_text(5), "0.05 元");
    }

    #[test]
    fn central_money_over_ninety_percent_or_off_the_compound_is_flagged_with_its_figures() {
        let fine = [entry(Source::Central, 90_000, Some(100_000))];
        assert!(flags(&fine, money()).is_empty(), "exactly 90% is allowed");
        let over = [
            entry(Source::Central, 60_000, Some(100_000)),
            entry(Source::Central, 31_000, None),
            entry(Source::County, 9_000, None),
        ];
        let found = flags(&over, money());
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("910.00 元"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("91.00%"), "{}", found[0].message);
        // The total on another source's entry counts; none at all is said.
        let mut county_total = entry(Source::County, 10_000, Some(100_000));
        county_total.project = "雨污分流".to_owned();
        let shares = [entry(Source::Central, 90_001, None), county_total];
        assert!(
            flags(&shares, money())[0].message.contains("90.01%"),
            "{:?}",
            flags(&shares, money())
        );
        let untold = flags(&[entry(Source::Central, 1, None)], money());
        assert!(untold[0].message.contains("未填项目总投资"), "{untold:?}");
        let mut park = entry(Source::Central, 10_000, Some(1_000_000));
        park.works = Works::from_stored("park", money());
        park.tied = false;
        assert!(
            flags(&[park.clone()], money())[0]
                .message
                .contains("城市公园")
        );
        park.tied = true;
        assert!(flags(&[park], money()).is_empty());
    }
}
