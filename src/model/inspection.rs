//! Acceptance inspections (验收) and their items.

use chrono::NaiveDate;

use super::catalogue::StandardItem;
use super::ids::{ClusterId, CompoundId, InspectionId};

/// The units that take part in an acceptance, by their names, as the county's pack lists them
/// (Luoning's: 宁政办〔2021〕17号 附件1: the county housing bureau leads and organises it; the
/// town 参与改造工程施工管理和验收; for a cluster the development and reform commission and the
/// finance bureau take part; residents 共同验收项目, 四、（一）). The contractor and the supervisor
/// are named by role: their seal names the company. `{乡镇}` in a unit's name is the subject's
/// town (`town`, if known; else 属地乡（镇）).
pub fn default_parties(
    units: &super::policy_pack::Units,
    subject: Subject,
    town: Option<&str>,
) -> Vec<String> {
    let town = match town {
        Some(town) if !town.trim().is_empty() => town.trim(),
        _ => "属地乡（镇）",
    };
    let listed = match subject {
        Subject::Compound(_) => &units.compound,
        Subject::Cluster(_) => &units.cluster,
    };
    listed.iter().map(|u| u.replace("{乡镇}", town)).collect()
}

/// The parties with the user's own unit added, unless a listed unit is the same organisation
/// (the county's 住建局改造办 signs in the 住房和城乡建设局's box), as 住建局 is the short name of
/// 住房和城乡建设局. `county`: the county's name (洛宁县), which a unit's name may leave out.
pub fn with_own_unit(mut parties: Vec<String>, unit: &str, county: &str) -> Vec<String> {
    let unit = unit.trim();
    if unit.is_empty() || parties.iter().any(|p| same_organisation(p, unit, county)) {
        return parties;
    }
    parties.push(unit.to_owned());
    parties
}

/// Whether two unit names are one organisation (one the other's office, or its short name).
fn same_organisation(a: &str, b: &str, county: &str) -> bool {
    let key = |name: &str| {
        let name = name.trim().replace("住房和城乡建设局", "住建局");
        let county = county.trim();
        let name = match name.strip_prefix(county) {
            Some(rest) if !county.is_empty() => rest.to_owned(),
            _ => name,
        };
        name.strip_prefix('县').map(str::to_owned).unwrap_or(name)
    };
    let (a, b) = (key(a), key(b));
    !a.is_empty() && !b.is_empty() && (a.starts_with(&b) || b.starts_with(&a))
}

/// An inspector's finding on one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemResult {
    /// 合格
    Pass,
    /// 不合格
    Fail,
    /// 不适用 — needs a remark saying why.
    NotApplicable,
}

impl ItemResult {
    pub const ALL: [Self; 3] = [Self::Pass, Self::Fail, Self::NotApplicable];

    /// The Chinese label shown on buttons and sheets.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pass => "合格",
            Self::Fail => "不合格",
            Self::NotApplicable => "不适用",
        }
    }

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NotApplicable => "na",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// One item of an inspection: the standard item as it was when the inspection started, and the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionItem {
    pub standard: StandardItem,
    pub result: Option<ItemResult>,
    pub remark: String,
}

impl InspectionItem {
    pub fn new(standard: StandardItem) -> Self {
        Self {
            standard,
            result: None,
            remark: String::new(),
        }
    }
}

/// What an acceptance inspection accepts: one compound against the compound standard, or a
/// cluster against the cluster standard with 五全 and 九位一体 (二、（四）).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Compound(CompoundId),
    Cluster(ClusterId),
}

impl Subject {
    /// `compound` or `cluster`: the `applies_to` of the catalogue standards it is checked against.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Compound(_) => "compound",
            Self::Cluster(_) => "cluster",
        }
    }

    /// 小区 / 片区
    pub fn kind_label(self) -> &'static str {
        match self {
            Self::Compound(_) => "小区",
            Self::Cluster(_) => "片区",
        }
    }

    pub fn compound(self) -> Option<CompoundId> {
        match self {
            Self::Compound(id) => Some(id),
            Self::Cluster(_) => None,
        }
    }

    pub fn cluster(self) -> Option<ClusterId> {
        match self {
            Self::Compound(_) => None,
            Self::Cluster(id) => Some(id),
        }
    }
}

/// Why a round exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoundKind {
    /// The first inspection.
    First,
    /// 复验: re-checks the items still failing after rectification.
    Reinspection,
    /// 更正: a signed-off record is never edited; a correction is a new round that re-checks
    /// every item, starting from the findings it corrects, with the reason recorded.
    Correction,
}

impl RoundKind {
    pub const ALL: [Self; 3] = [Self::First, Self::Reinspection, Self::Correction];

    pub fn code(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Reinspection => "reinspection",
            Self::Correction => "correction",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// 首次验收 / 复验 / 更正
    pub fn label(self) -> &'static str {
        match self {
            Self::First => "首次验收",
            Self::Reinspection => "复验",
            Self::Correction => "更正",
        }
    }
}

/// An acceptance inspection (one round) of a compound or a cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub id: InspectionId,
    pub subject: Subject,
    /// `compound`, or `cluster` (the cluster standard with 五全 and 九位一体).
    pub standard_id: String,
    /// The catalogue version it was filled in with.
    pub catalogue_version: String,
    /// The version of the county's policy pack it was made under ("": made before files
    /// recorded it, under the pack that holds its catalogue).
    pub pack_version: String,
    pub inspected_on: NaiveDate,
    /// Names of the inspectors, as typed.
    pub inspectors: String,
    /// Participating units, in signing order.
    pub parties: Vec<String>,
    pub items: Vec<InspectionItem>,
    /// When every party had signed and the record was sealed (RFC 3339); read-only from then on.
    pub signed_off_at: Option<String>,
    /// SHA-256 seal of the canonical form, set at sign-off.
    pub seal: Option<String>,
    /// The round this one re-inspects (复验); `None` for a first inspection.
    pub parent_id: Option<InspectionId>,
    /// 1 for the first inspection, 2 for the first re-inspection, …
    pub round: u32,
    pub kind: RoundKind,
    /// Why a correction was made (empty for other rounds).
    pub reason: String,
    /// For a signed-off cluster acceptance: its member compounds' acceptances as they stood at
    /// sign-off (sealed with it). Empty otherwise.
    pub members: Vec<super::member::MemberAcceptance>,
    /// The seal's format (1 before the sign-off log existed, 2 with it, 3 signed with the
    /// device key); `None` until sealed.
    pub seal_version: Option<u32>,
    /// The head as printed, frozen at sign-off (format 2).
    pub sealed_header: Option<super::header::SubjectHeader>,
    /// Format 3: the device that signed it off, its key and its signature over the seal.
    pub signer: Option<SealSigner>,
}

/// Who signed a format-3 seal: the signing file's device id and public key, and the
/// signature over the seal (`device_key::seal_message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealSigner {
    pub device: String,
    pub public_key: String,
    pub signature: String,
}

impl Inspection {
    /// How many items have a result.
    pub fn decided_count(&self) -> usize {
        self.items.iter().filter(|i| i.result.is_some()).count()
    }

    pub fn is_signed_off(&self) -> bool {
        self.signed_off_at.is_some()
    }

    pub fn item(&self, code: &str) -> Option<&InspectionItem> {
        self.items.iter().find(|i| i.standard.code == code)
    }
}

/// What the user fills in to start an inspection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionDraft {
    pub subject: Subject,
    pub inspected_on: String,
    pub inspectors: String,
    /// One unit per line.
    pub parties: String,
    /// Set for a re-inspection (复验) or a correction (更正): the round it follows.
    pub follows: Option<(InspectionId, RoundKind)>,
    /// Why a correction is made; required for a correction.
    pub reason: String,
}

impl InspectionDraft {
    /// A draft for today with the given parties (`default_parties` for a first round).
    pub fn new(subject: Subject, today: NaiveDate, parties: &[String]) -> Self {
        Self {
            subject,
            inspected_on: today.format("%Y-%m-%d").to_string(),
            inspectors: String::new(),
            parties: parties.join("\n"),
            follows: None,
            reason: String::new(),
        }
    }

    /// Checks the draft; `Ok((date, inspectors, parties))` or the messages to show.
    pub fn validate(
        &self,
        today: NaiveDate,
    ) -> Result<(NaiveDate, String, Vec<String>), Vec<String>> {
        let mut errors = Vec::new();
        let date = match NaiveDate::parse_from_str(self.inspected_on.trim(), "%Y-%m-%d") {
            Ok(d) if d > today => {
                errors.push(format!("验收日期 {d} 晚于今天，请核对"));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push("验收日期格式应为 年-月-日，如 2026-11-28".to_owned());
                None
            }
        };
        let inspectors = self.inspectors.trim().to_owned();
        if inspectors.is_empty() {
            errors.push("请填写验收人员".to_owned());
        }
        let parties: Vec<String> = self
            .parties
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if parties.is_empty() {
            errors.push("请至少填写一个参加验收的单位".to_owned());
        }
        if matches!(self.follows, Some((_, RoundKind::Correction))) && self.reason.trim().is_empty()
        {
            errors.push("请填写更正原因".to_owned());
        }
        match (date, errors.is_empty()) {
            (Some(d), true) => Ok((d, inspectors, parties)),
            _ => Err(errors),
        }
    }
}
