//! Rectification (整改) and re-inspection (复验): a 不合格 item gets a rectification — what to
//! fix, who, by when; a re-inspection round re-checks only the open items, each linked to the
//! original by its code; the inspection's verdict follows the latest round
//! (宁政办〔2021〕17号 四、（二）4: 发现问题及时整改，确保改造一个、合格一个、交付一个).

use chrono::NaiveDate;

use super::ids::{InspectionId, RectificationId};
use super::inspection::{Inspection, InspectionItem, ItemResult};

/// A rectification ordered for one failed item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rectification {
    pub id: RectificationId,
    /// The round in which the item failed.
    pub inspection_id: InspectionId,
    pub item_code: String,
    /// What must be fixed.
    pub requirement: String,
    pub responsible_unit: String,
    pub deadline: NaiveDate,
}

/// Where a rectification stands, given the rounds since.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RectificationStatus {
    /// Still open, deadline not passed.
    Open,
    /// Still open after the deadline.
    Overdue,
    /// A later round found the item 合格 (or 不适用).
    Closed,
}

impl RectificationStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "整改中",
            Self::Overdue => "已逾期",
            Self::Closed => "已复验合格",
        }
    }
}

/// The rounds of one acceptance, oldest first: the first inspection and its re-inspections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionChain {
    pub rounds: Vec<Inspection>,
}

/// How many rounds a chain may have: a corrupt file with a cycle cannot hang the app.
const MAX_ROUNDS: usize = 100;

impl InspectionChain {
    /// The acceptance round `id` belongs to, among `rounds` (a subject's rounds, in any
    /// order): from its first round, each next round the earliest one that follows the one
    /// before. `None` if `id` is not among them.
    pub fn containing(rounds: Vec<Inspection>, id: InspectionId) -> Option<Self> {
        let by_id: std::collections::HashMap<InspectionId, &Inspection> =
            rounds.iter().map(|r| (r.id, r)).collect();
        let mut root = *by_id.get(&id)?;
        for _ in 0..MAX_ROUNDS {
            match root.parent_id.and_then(|p| by_id.get(&p)) {
                Some(parent) => root = parent,
                None => break,
            }
        }
        let mut order = vec![root.id];
        while order.len() < MAX_ROUNDS {
            let last = order[order.len() - 1];
            let next = rounds
                .iter()
                .filter(|r| r.parent_id == Some(last))
                .min_by_key(|r| (r.round, r.id));
            match next {
                Some(next) => order.push(next.id),
                None => break,
            }
        }
        let mut rounds = rounds;
        let mut chain = Vec::with_capacity(order.len());
        for id in order {
            let at = rounds.iter().position(|r| r.id == id)?;
            chain.push(rounds.swap_remove(at));
        }
        Some(Self { rounds: chain })
    }

    /// The acceptance of the newest of a subject's `rounds` (latest date, then round), which
    /// is where the subject stands.
    pub fn newest(rounds: Vec<Inspection>) -> Option<Self> {
        let newest = rounds
            .iter()
            .max_by(|a, b| (a.inspected_on, a.round, a.id).cmp(&(b.inspected_on, b.round, b.id)))?
            .id;
        Self::containing(rounds, newest)
    }

    /// Every item of the first round with its latest finding: a later round's decided result
    /// replaces the earlier one for the same code.
    pub fn effective_items(&self) -> Vec<InspectionItem> {
        let Some(first) = self.rounds.first() else {
            return Vec::new();
        };
        let mut items = first.items.clone();
        for round in &self.rounds[1..] {
            for later in &round.items {
                if later.result.is_none() {
                    continue;
                }
                if let Some(item) = items
                    .iter_mut()
                    .find(|i| i.standard.code == later.standard.code)
                {
                    item.result = later.result;
                    item.remark.clone_from(&later.remark);
                }
            }
        }
        items
    }

    /// The codes still failing after the latest round: what a re-inspection re-checks.
    pub fn open_items(&self) -> Vec<InspectionItem> {
        self.effective_items()
            .into_iter()
            .filter(|i| i.result == Some(ItemResult::Fail))
            .collect()
    }

    pub fn latest(&self) -> Option<&Inspection> {
        self.rounds.last()
    }

    /// A rectification's status on `today`.
    pub fn status_of(&self, r: &Rectification, today: NaiveDate) -> RectificationStatus {
        let fixed = self
            .effective_items()
            .iter()
            .find(|i| i.standard.code == r.item_code)
            .is_some_and(|i| {
                matches!(i.result, Some(ItemResult::Pass | ItemResult::NotApplicable))
            });
        if fixed {
            RectificationStatus::Closed
        } else if r.deadline < today {
            RectificationStatus::Overdue
        } else {
            RectificationStatus::Open
        }
    }
}
