//! Progress against the county's targets (二、（二）): compounds and households started,
//! accepted and handed over, counted from the records, by year, town and cluster. Pure: each
//! compound's dates come in as values, and every figure keeps the compounds it counts, so a
//! figure on screen can be traced to its records.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::ids::CompoundId;

/// A target of the programme: one year's, or the whole programme's (`year` none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub year: Option<i32>,
    /// The years the whole programme's target spans.
    pub span: Option<(i32, i32)>,
    pub compounds: u32,
    pub households: u32,
    pub clusters: Option<u32>,
    /// The clause it comes from.
    pub source: String,
}

/// One compound's way so far, as progress counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompoundProgress {
    pub id: CompoundId,
    pub name: String,
    pub town: String,
    pub cluster: String,
    pub households: u32,
    /// 开工.
    pub started: Option<NaiveDate>,
    /// 工程验收合格 (every round signed).
    pub accepted: Option<NaiveDate>,
    /// 交付.
    pub handed_over: Option<NaiveDate>,
}

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Milestone {
    Started,
    Accepted,
    HandedOver,
}

impl Milestone {
    pub const ALL: [Self; 3] = [Self::Started, Self::Accepted, Self::HandedOver];

    pub fn label(self) -> &'static str {
        match self {
            Self::Started => "已开工",
            Self::Accepted => "验收合格",
            Self::HandedOver => "已交付",
        }
    }

    pub fn date(self, c: &CompoundProgress) -> Option<NaiveDate> {
        match self {
            Self::Started => c.started,
            Self::Accepted => c.accepted,
            Self::HandedOver => c.handed_over,
        }
    }
}

/// A count of compounds and their households, with the compounds counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub compounds: Vec<CompoundId>,
    pub households: u32,
}

impl Tally {
    fn add(&mut self, c: &CompoundProgress) {
        self.compounds.push(c.id);
        self.households += c.households;
    }

    pub fn count(&self) -> u32 {
        self.compounds.len() as u32
    }
}

/// One year (or the whole programme) against its target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearProgress {
    /// `None`: the whole programme.
    pub year: Option<i32>,
    pub target: Option<Target>,
    pub tallies: BTreeMap<Milestone, Tally>,
    /// Clusters whose every compound was accepted, the last of them that year.
    pub clusters_accepted: Vec<String>,
}

/// Progress by year over `years`, then the whole programme (its target's span, or all).
pub fn by_year(
    items: &[CompoundProgress],
    targets: &[Target],
    years: std::ops::RangeInclusive<i32>,
) -> Vec<YearProgress> {
    let clusters = clusters_accepted(items);
    let mut rows: Vec<YearProgress> = years
        .map(|year| {
            let mut tallies = BTreeMap::new();
            for m in Milestone::ALL {
                let t: &mut Tally = tallies.entry(m).or_default();
                for c in items {
                    if m.date(c).is_some_and(|d| d.year() == year) {
                        t.add(c);
                    }
                }
            }
            YearProgress {
                year: Some(year),
                target: targets.iter().find(|t| t.year == Some(year)).cloned(),
                tallies,
                clusters_accepted: clusters
                    .iter()
                    .filter(|(_, d)| d.year() == year)
                    .map(|(k, _)| k.clone())
                    .collect(),
            }
        })
        .collect();
    let whole = targets.iter().find(|t| t.year.is_none()).cloned();
    let span = whole.as_ref().and_then(|t| t.span);
    let within = |d: NaiveDate| span.is_none_or(|(a, b)| (a..=b).contains(&d.year()));
    let mut tallies = BTreeMap::new();
    for m in Milestone::ALL {
        let t: &mut Tally = tallies.entry(m).or_default();
        for c in items {
            if m.date(c).is_some_and(within) {
                t.add(c);
            }
        }
    }
    rows.push(YearProgress {
        year: None,
        target: whole,
        tallies,
        clusters_accepted: clusters
            .iter()
            .filter(|(_, d)| within(*d))
            .map(|(k, _)| k.clone())
            .collect(),
    });
    rows
}

/// The years a report covers: from the first target year (or the first start) to `today`'s.
pub fn report_years(
    items: &[CompoundProgress],
    targets: &[Target],
    today: NaiveDate,
) -> std::ops::RangeInclusive<i32> {
    let first = targets
        .iter()
        .filter_map(|t| t.span.map(|s| s.0).or(t.year))
        .chain(items.iter().filter_map(|c| c.started.map(|d| d.year())))
        .min()
        .unwrap_or(today.year());
    first..=today.year().max(first)
}

/// Progress by a grouping (town, cluster), in `year` (or all years), by name.
pub fn by_group(
    items: &[CompoundProgress],
    group: impl Fn(&CompoundProgress) -> &str,
    year: Option<i32>,
) -> Vec<(String, BTreeMap<Milestone, Tally>)> {
    let mut groups: BTreeMap<String, BTreeMap<Milestone, Tally>> = BTreeMap::new();
    for c in items {
        let key = match group(c) {
            "" => "（未填）".to_owned(),
            k => k.to_owned(),
        };
        let tallies = groups.entry(key).or_default();
        for m in Milestone::ALL {
            let t = tallies.entry(m).or_default();
            if m.date(c)
                .is_some_and(|d| year.is_none_or(|y| d.year() == y))
            {
                t.add(c);
            }
        }
    }
    groups.into_iter().collect()
}

/// Each cluster whose every compound is accepted, with the day the last one was.
fn clusters_accepted(items: &[CompoundProgress]) -> Vec<(String, NaiveDate)> {
    let mut clusters: BTreeMap<&str, Option<NaiveDate>> = BTreeMap::new();
    for c in items.iter().filter(|c| !c.cluster.is_empty()) {
        let entry = clusters.entry(&c.cluster).or_insert(c.accepted);
        *entry = match (*entry, c.accepted) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    clusters
        .into_iter()
        .filter_map(|(k, d)| d.map(|d| (k.to_owned(), d)))
        .collect()
}

/// What is wrong with a new version of a target, if anything.
fn target_words(t: &Target, version: &str) -> Option<String> {
    if version.trim().is_empty() {
        return Some("请填写版本名称，如“2024 年度计划”。".to_owned());
    }
    if t.source.trim().is_empty() {
        return Some("请填写目标的依据（文件名称或文号）。".to_owned());
    }
    let in_range = |y: i32| (1990..=2100).contains(&y);
    match (t.year, t.span) {
        (Some(y), _) if !in_range(y) => return Some(format!("年度 {y} 不在 1990–2100 之间。")),
        (None, None) => return Some("全程目标须写明起止年度。".to_owned()),
        (None, Some((a, b))) if !in_range(a) || !in_range(b) || a > b => {
            return Some(format!("起止年度 {a}–{b} 不合理。"));
        }
        _ => {}
    }
    if t.households < t.compounds {
        return Some(format!(
            "户数 {} 少于小区数 {}，请核对。",
            t.households, t.compounds
        ));
    }
    None
}

/// Why a new version of a target is refused, if it is.
pub fn target_problem(t: &Target, version: &str) -> Option<super::Refusal> {
    target_words(t, version).map(super::Refusal::new)
}

/// What the whole programme's target leaves for the years of its span that have no yearly
/// target of their own (the policy sets 2021, 2022 and 2023 and the 2019–2023 total: 2019 and
/// 2020 together are the difference), said as worked out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedTarget {
    /// The first and last year it covers, together.
    pub years: (i32, i32),
    pub compounds: u32,
    pub households: u32,
    /// How it was worked out, for the table.
    pub how: String,
}

/// The derived target, when the years without a yearly target are one run inside the whole
/// target's span and the yearly targets do not exceed the whole.
pub fn derived_target(targets: &[Target]) -> Option<DerivedTarget> {
    let whole = targets.iter().find(|t| t.year.is_none())?;
    let (from, to) = whole.span?;
    let yearly: Vec<&Target> = targets
        .iter()
        .filter(|t| t.year.is_some_and(|y| (from..=to).contains(&y)))
        .collect();
    let missing: Vec<i32> = (from..=to)
        .filter(|y| !yearly.iter().any(|t| t.year == Some(*y)))
        .collect();
    let (first, last) = (*missing.first()?, *missing.last()?);
    if last - first + 1 != i32::try_from(missing.len()).ok()? || yearly.is_empty() {
        return None;
    }
    let compounds = whole
        .compounds
        .checked_sub(yearly.iter().map(|t| t.compounds).sum())?;
    let households = whole
        .households
        .checked_sub(yearly.iter().map(|t| t.households).sum())?;
    let mut years: Vec<i32> = yearly.iter().filter_map(|t| t.year).collect();
    years.sort_unstable();
    let listed = years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join("、");
    Some(DerivedTarget {
        years: (first, last),
        compounds,
        households,
        how: format!(
            "推算：{from}–{to} 年总目标 {} 个 / {} 户，减去 {listed} 年各年目标",
            whole.compounds, whole.households
        ),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    /// The county's targets as 宁政办〔2021〕17号 二、（二） sets them.
    fn policy_targets() -> Vec<Target> {
        let year = |y, compounds, households| Target {
            year: Some(y),
            span: None,
            compounds,
            households,
            clusters: Some(3),
            source: "二、（二）".to_owned(),
        };
        vec![
            Target {
                year: None,
                span: Some((2019, 2023)),
                compounds: 83,
                households: 4347,
                clusters: Some(9),
                source: "二、（二）".to_owned(),
            },
            year(2021, 21, 863),
            year(2022, 10, 306),
            year(2023, 9, 257),
        ]
    }

    use super::*;

    fn d(y: i32, m: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, 1)
    }

    fn c(
        name: &str,
        cluster: &str,
        households: u32,
        dates: [Option<NaiveDate>; 3],
    ) -> CompoundProgress {
        CompoundProgress {
            id: CompoundId::new(),
            name: name.to_owned(),
            town: "城关镇".to_owned(),
            cluster: cluster.to_owned(),
            households,
            started: dates[0],
            accepted: dates[1],
            handed_over: dates[2],
        }
    }

    #[test]
    fn each_figure_counts_the_compounds_whose_dates_fall_in_it() {
        let items = [
            c("甲", "永宁片区", 40, [d(2021, 4), d(2021, 10), d(2022, 1)]),
            c("乙", "永宁片区", 60, [d(2021, 5), d(2022, 3), None]),
            c("丙", "", 30, [d(2022, 6), None, None]),
        ];
        let rows = by_year(&items, &policy_targets(), 2021..=2023);
        let y2021 = &rows[0];
        assert_eq!(y2021.target.as_ref().unwrap().compounds, 21);
        assert_eq!(y2021.tallies[&Milestone::Started].count(), 2);
        assert_eq!(y2021.tallies[&Milestone::Started].households, 100);
        assert_eq!(
            y2021.tallies[&Milestone::Accepted].compounds,
            vec![items[0].id]
        );
        let y2022 = &rows[1];
        assert_eq!(
            y2022.tallies[&Milestone::Accepted].compounds,
            vec![items[1].id]
        );
        assert_eq!(y2022.clusters_accepted, vec!["永宁片区".to_owned()]);
        let whole = rows.last().unwrap();
        assert_eq!(whole.year, None);
        assert_eq!(whole.target.as_ref().unwrap().households, 4347);
        assert_eq!(whole.tallies[&Milestone::Started].households, 130);
        let clusters = by_group(&items, |c| c.cluster.as_str(), Some(2021));
        let named = |name: &str| &clusters.iter().find(|(k, _)| k == name).unwrap().1;
        assert_eq!(named("永宁片区")[&Milestone::Started].count(), 2);
        assert_eq!(named("（未填）")[&Milestone::Started].count(), 0);
    }

    #[test]
    fn the_years_without_a_target_get_what_the_whole_leaves_said_as_worked_out() {
        let target = |year: Option<i32>, compounds, households| Target {
            year,
            span: year.is_none().then_some((2019, 2023)),
            compounds,
            households,
            clusters: None,
            source: String::new(),
        };
        // The policy's own: 83 / 4,347 over 2019–2023, less 2021–2023's 40 / 1,426.
        let derived = derived_target(&policy_targets()).unwrap();
        assert_eq!(derived.years, (2019, 2020));
        assert_eq!((derived.compounds, derived.households), (43, 2921));
        assert!(derived.how.contains("2019–2023 年总目标 83 个 / 4347 户"));
        assert!(derived.how.contains("2021、2022、2023"));
        // Yearly targets beyond the whole, or years missing here and there: nothing derived.
        assert!(derived_target(&[target(None, 10, 10), target(Some(2021), 16, 556)]).is_none());
        let gaps = [
            target(None, 83, 4347),
            target(Some(2020), 1, 1),
            target(Some(2022), 1, 1),
        ];
        assert!(derived_target(&gaps).is_none());
    }
}
