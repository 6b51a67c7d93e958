//! The quarter's scoring of 附件2 三、（四）: each unit's score in its parts, the ranking by unit
//! kind, and who is praised or criticised by the local thresholds. Pure.

use super::ids::QuarterScoreId;
use super::policy_rule::QuarterThresholds;
use super::rhythm::UnitKind;

/// The points of each part of a score (三、（四）: 履行职责、发挥作用、工作成效 for a compound's
/// responsible unit; 工程进度 for contractors and utilities) are the county's, from its pack.
pub use super::policy_pack::Score as Scale;

/// One unit's score in one quarter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuarterScore {
    pub id: QuarterScoreId,
    pub unit: String,
    pub kind: Option<UnitKind>,
    pub duties: Option<u8>,
    pub role: Option<u8>,
    pub results: Option<u8>,
    pub progress: Option<u8>,
    pub note: String,
}

impl QuarterScore {
    /// The total out of 100, once every part its kind is scored on is in.
    pub fn total(&self) -> Option<u32> {
        match self.kind? {
            UnitKind::Responsible => {
                Some(u32::from(self.duties?) + u32::from(self.role?) + u32::from(self.results?))
            }
            UnitKind::Contractor | UnitKind::Utility => self.progress.map(u32::from),
        }
    }

    /// What is wrong with it before it is saved, on the county's `scale`, if anything.
    fn problem_words(&self, scale: &Scale) -> Option<String> {
        if self.unit.trim().is_empty() {
            return Some("请填写被考评单位。".to_owned());
        }
        let Some(kind) = self.kind else {
            return Some("请选择单位类别。".to_owned());
        };
        let over = |v: Option<u8>, max: u32, what: &str| {
            v.filter(|v| u32::from(*v) > max)
                .map(|v| format!("{what}得分 {v} 超过满分 {max}。"))
        };
        match kind {
            UnitKind::Responsible => over(self.duties, scale.duties, "履行职责")
                .or_else(|| over(self.role, scale.role, "发挥作用"))
                .or_else(|| over(self.results, scale.results, "工作成效")),
            UnitKind::Contractor | UnitKind::Utility => {
                over(self.progress, scale.progress, "工程进度")
            }
        }
    }

    /// Why the score is refused on the county's `scale`, if it is.
    pub fn problem(&self, scale: &Scale) -> Option<super::Refusal> {
        self.problem_words(scale).map(super::Refusal::new)
    }
}

/// What the records say about a unit in a quarter, beside its score.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitEvidence {
    /// Daily reports filed in the quarter (days with a report).
    pub reports_filed: usize,
    /// Its rectifications past their deadline and still open at the quarter's end.
    pub overdue_rectifications: usize,
    /// Programme steps it recorded in the quarter, and how many of them within their cluster's
    /// plan year.
    pub steps_recorded: usize,
    pub steps_on_time: usize,
}

/// A praise or criticism in the quarter's 通报.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mention {
    Praise,
    Criticism,
}

impl Mention {
    pub fn label(self) -> &'static str {
        match self {
            Self::Praise => "通报表扬",
            Self::Criticism => "通报批评",
        }
    }
}

/// A line of the quarter's ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    /// 1 for the best of its kind; equal totals share a rank.
    pub rank: usize,
    pub score: QuarterScore,
    pub total: u32,
    pub mention: Option<Mention>,
}

/// The ranking of each kind of unit by total (the units not fully scored are left out), with
/// who is praised and who is criticised by the thresholds in force.
pub fn ranking(scores: &[QuarterScore], thresholds: QuarterThresholds) -> Vec<Ranked> {
    let mut out = Vec::new();
    for kind in UnitKind::ALL {
        let mut of_kind: Vec<(u32, &QuarterScore)> = scores
            .iter()
            .filter(|s| s.kind == Some(kind))
            .filter_map(|s| s.total().map(|t| (t, s)))
            .collect();
        of_kind.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.unit.cmp(&b.1.unit)));
        let mut rank = 0;
        let mut last = None;
        for (index, (total, score)) in of_kind.into_iter().enumerate() {
            if last != Some(total) {
                rank = index + 1;
                last = Some(total);
            }
            let mention = if total >= thresholds.praise_at {
                Some(Mention::Praise)
            } else if total < thresholds.criticise_below {
                Some(Mention::Criticism)
            } else {
                None
            };
            out.push(Ranked {
                rank,
                score: score.clone(),
                total,
                mention,
            });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ranking_shares_ranks_and_mentions_by_threshold() {
        let s = |unit: &str, kind, d, r, res, p| QuarterScore {
            unit: unit.to_owned(),
            kind: Some(kind),
            duties: d,
            role: r,
            results: res,
            progress: p,
            ..QuarterScore::default()
        };
        let scores = vec![
            s(
                "城关镇",
                UnitKind::Responsible,
                Some(38),
                Some(28),
                Some(27),
                None,
            ),
            s(
                "住建局",
                UnitKind::Responsible,
                Some(30),
                Some(20),
                Some(20),
                None,
            ),
            s("未评完", UnitKind::Responsible, Some(30), None, None, None),
            s("一标段", UnitKind::Contractor, None, None, None, Some(55)),
            s("二标段", UnitKind::Contractor, None, None, None, Some(80)),
            s("三标段", UnitKind::Contractor, None, None, None, Some(80)),
        ];
        let t = QuarterThresholds {
            praise_at: 90,
            criticise_below: 60,
        };
        let r = ranking(&scores, t);
        let line: Vec<(&str, usize, u32, Option<Mention>)> = r
            .iter()
            .map(|x| (x.score.unit.as_str(), x.rank, x.total, x.mention))
            .collect();
        assert_eq!(
            line,
            [
                ("城关镇", 1, 93, Some(Mention::Praise)),
                ("住建局", 2, 70, None),
                ("三标段", 1, 80, None),
                ("二标段", 1, 80, None),
                ("一标段", 3, 55, Some(Mention::Criticism)),
            ]
        );
    }
}
