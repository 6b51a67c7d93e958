//! The seal, formats 2 and 3, and the sign-off log.
//!
//! A seal of format 2 covers everything the signed sheet prints or depends on: the head as
//! printed, every item's text, group, clause, hint, result and remark, the rectifications
//! ordered in the round, every photo's bytes and thumbnail (hashed afresh), file name and
//! time, the signatures, the members, the round's kind, number, link and reason, and the time
//! of signing. Seals of format 1 (`signoff::seal`) keep verifying under their own rules.
//!
//! Every seal issued is appended to the sign-off log; each entry's hash covers the entry
//! before it, so a removed, changed or forged entry breaks the chain, and a record that lost
//! its seal (un-signed behind the app's back) still has its entry.

use serde::Serialize;

use super::header::SubjectHeader;
use super::ids::InspectionId;
use super::inspection::Inspection;
pub use super::inspection::SealSigner;
use super::rectification::Rectification;
use super::signoff::{SignMethod, Signature, normalize_code, short_code};

/// The seal format this build issues.
pub const CURRENT_SEAL_VERSION: u32 = 3;

/// The hash the first log entry follows.
pub const LOG_GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub use super::digest::{hex, sha256_hex};

/// A photo as a format-2 seal covers it: hashes of the bytes as stored now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhotoEvidence {
    pub item_code: String,
    pub file_name: String,
    pub taken_at: Option<String>,
    pub jpeg_sha256: String,
    pub thumbnail_sha256: String,
    pub width: u32,
    pub height: u32,
}

/// The signer as a format-3 seal covers it (the signature signs the seal, so is not in it).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SignerForm<'a> {
    pub device: &'a str,
    pub public_key: &'a str,
}

/// Everything a format-2 (and, with `signer`, format-3) seal covers.
#[derive(Clone, Copy, Debug)]
pub struct SealedRecord<'a> {
    pub inspection: &'a Inspection,
    pub header: &'a SubjectHeader,
    pub signatures: &'a [Signature],
    pub photos: &'a [PhotoEvidence],
    /// The rectifications ordered in this round.
    pub rectifications: &'a [Rectification],
    /// When it was signed off (RFC 3339).
    pub signed_off_at: &'a str,
    /// Format 3: the signing device and its key; `None` for format 2.
    pub signer: Option<SignerForm<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    standard: &'a str,
    group: &'a str,
    text: &'a str,
    hint: &'a str,
    clause: &'a str,
    required: bool,
    result: Option<&'static str>,
    remark: &'a str,
}

#[derive(Serialize)]
struct SignatureForm<'a> {
    position: u32,
    unit: &'a str,
    signer: &'a str,
    signed_at: &'a str,
    wet_ink: bool,
    strokes: Vec<Vec<[i32; 2]>>,
}

#[derive(Serialize)]
struct RectificationForm<'a> {
    id: String,
    round: String,
    item_code: &'a str,
    requirement: &'a str,
    responsible_unit: &'a str,
    deadline: String,
}

#[derive(Serialize)]
struct MemberForm<'a> {
    compound: String,
    name: &'a str,
    status: &'static str,
    code: Option<&'a str>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    format: &'static str,
    inspection: String,
    subject_kind: &'static str,
    subject: String,
    header: &'a SubjectHeader,
    standard: &'a str,
    catalogue_version: &'a str,
    inspected_on: String,
    inspectors: &'a str,
    parties: &'a [String],
    round: u32,
    kind: &'static str,
    follows: Option<String>,
    reason: &'a str,
    items: Vec<Item<'a>>,
    rectifications: Vec<RectificationForm<'a>>,
    photos: Vec<&'a PhotoEvidence>,
    signatures: Vec<SignatureForm<'a>>,
    members: Vec<MemberForm<'a>>,
    signed_off_at: &'a str,
    /// Format 3 only (absent from the form of format 2, which stays as it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<SignerForm<'a>>,
}

/// Stroke coordinates rounded so the form does not depend on float printing. Not clamped to
/// the pad: the sheet draws the values as stored, so the seal covers them as stored (a point
/// pushed off the pad changes the seal; points on the pad give the numbers they always gave).
fn quantize(strokes: &[super::signoff::Stroke]) -> Vec<Vec<[i32; 2]>> {
    let q = |v: f32| (v * 10_000.0).round() as i32;
    strokes
        .iter()
        .map(|s| s.iter().map(|[x, y]| [q(*x), q(*y)]).collect())
        .collect()
}

/// The canonical form of format 2 (or 3, with a signer): JSON with a fixed field order,
/// sorted lists, no floats.
pub fn canonical_form_v2(record: &SealedRecord<'_>) -> String {
    let i = record.inspection;
    let mut photos: Vec<&PhotoEvidence> = record.photos.iter().collect();
    photos.sort_by(|a, b| {
        (&a.item_code, &a.jpeg_sha256, &a.file_name).cmp(&(
            &b.item_code,
            &b.jpeg_sha256,
            &b.file_name,
        ))
    });
    let mut signatures: Vec<&Signature> = record.signatures.iter().collect();
    signatures.sort_by_key(|s| s.position);
    let mut rectifications: Vec<&Rectification> = record.rectifications.iter().collect();
    rectifications.sort_by(|a, b| a.item_code.cmp(&b.item_code).then(a.id.cmp(&b.id)));
    let doc = Canonical {
        format: if record.signer.is_some() {
            "yanshou-seal/3"
        } else {
            "yanshou-seal/2"
        },
        inspection: i.id.to_string(),
        subject_kind: i.subject.kind(),
        subject: match i.subject {
            super::Subject::Compound(id) => id.to_string(),
            super::Subject::Cluster(id) => id.to_string(),
        },
        header: record.header,
        standard: &i.standard_id,
        catalogue_version: &i.catalogue_version,
        inspected_on: i.inspected_on.to_string(),
        inspectors: &i.inspectors,
        parties: &i.parties,
        round: i.round,
        kind: i.kind.code(),
        follows: i.parent_id.map(|id| id.to_string()),
        reason: &i.reason,
        items: i
            .items
            .iter()
            .map(|item| Item {
                code: &item.standard.code,
                standard: &item.standard.standard,
                group: &item.standard.group,
                text: &item.standard.text,
                hint: &item.standard.hint,
                clause: &item.standard.clause,
                required: item.standard.required,
                result: item.result.map(|r| r.code()),
                remark: &item.remark,
            })
            .collect(),
        rectifications: rectifications
            .into_iter()
            .map(|r| RectificationForm {
                id: r.id.to_string(),
                round: r.inspection_id.to_string(),
                item_code: &r.item_code,
                requirement: &r.requirement,
                responsible_unit: &r.responsible_unit,
                deadline: r.deadline.to_string(),
            })
            .collect(),
        photos,
        signatures: signatures
            .into_iter()
            .map(|s| SignatureForm {
                position: s.position,
                unit: &s.unit,
                signer: &s.signer,
                signed_at: &s.signed_at,
                wet_ink: s.method == SignMethod::WetInk,
                strokes: match &s.method {
                    SignMethod::Drawn(strokes) => quantize(strokes),
                    SignMethod::WetInk => Vec::new(),
                },
            })
            .collect(),
        members: i
            .members
            .iter()
            .map(|m| MemberForm {
                compound: m.compound_id.to_string(),
                name: &m.name,
                status: m.status.code(),
                code: m.code.as_deref(),
            })
            .collect(),
        signed_off_at: record.signed_off_at,
        signer: record.signer,
    };
    // Serializing strings, integers and bools cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// The format-2 (or, with a signer, format-3) seal: SHA-256 of the canonical form, lowercase
/// hex.
pub fn seal_v2(record: &SealedRecord<'_>) -> String {
    sha256_hex(canonical_form_v2(record).as_bytes())
}

/// One entry of the sign-off log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: i64,
    pub inspection: InspectionId,
    pub seal: String,
    pub seal_version: u32,
    pub signed_off_at: String,
    /// The entry before's hash (`LOG_GENESIS` for the first).
    pub prev_hash: String,
    pub entry_hash: String,
}

/// The hash an entry must carry: over the one before and everything in it.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    inspection: InspectionId,
    seal: &str,
    seal_version: u32,
    signed_off_at: &str,
) -> String {
    sha256_hex(
        format!("yanshou-log/1\n{prev_hash}\n{seq}\n{inspection}\n{seal}\n{seal_version}\n{signed_off_at}")
            .as_bytes(),
    )
}

/// The entries whose place in the chain is wrong: not following the one before, or not
/// matching their own content. Empty for an intact log.
pub fn broken_entries(entries: &[LogEntry]) -> Vec<i64> {
    let mut broken = Vec::new();
    let mut prev = LOG_GENESIS.to_owned();
    for e in entries {
        let expected = entry_hash(
            &prev,
            e.seq,
            e.inspection,
            &e.seal,
            e.seal_version,
            &e.signed_off_at,
        );
        if e.prev_hash != prev || e.entry_hash != expected {
            broken.push(e.seq);
        }
        prev.clone_from(&e.entry_hash);
    }
    broken
}

/// Something wrong with a signed record, in words the county understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The record no longer matches its seal.
    Changed {
        sealed_code: String,
        current_code: String,
    },
    /// Signed off, then its seal and sign-off removed: the log still has it.
    Unsigned { code: String },
    /// Its seal replaced by another than the log's.
    SealReplaced {
        logged_code: String,
        current_code: String,
    },
    /// Sealed, but the log has no entry for it: the seal did not come from a sign-off.
    NotLogged { code: String },
    /// Signed off, then deleted.
    Deleted { code: String },
    /// A stored photo's bytes no longer match the hash taken when it was added.
    PhotoReplaced { file_name: String },
    /// Format 3: the signature over the seal is not the named key's.
    BadSignature { code: String },
    /// Format 3: signed with a key that is not the signing device's as this file knows it
    /// (re-sealed on another machine).
    WrongKey {
        code: String,
        device: String,
        expected: String,
        found: String,
    },
    /// Format 3: signed by a device this file has never learned a key for.
    UnknownSigner { code: String, fingerprint: String },
}

impl Finding {
    /// What happened, in a few words: 签字后被改动, 签字后被撤销签字 …
    pub fn summary(&self) -> &'static str {
        match self {
            Self::Changed { .. } => "签字后被改动",
            Self::Unsigned { .. } => "签字后被撤销签字",
            Self::SealReplaced { .. } => "校验码被替换",
            Self::NotLogged { .. } => "校验码不在签字日志中",
            Self::Deleted { .. } => "签字后被删除",
            Self::PhotoReplaced { .. } => "照片在添加后被替换",
            Self::BadSignature { .. } => "电子签名无效",
            Self::WrongKey { .. } => "签名密钥不是签字设备的",
            Self::UnknownSigner { .. } => "签字设备未登记",
        }
    }

    /// The whole sentence.
    pub fn explanation(&self) -> String {
        match self {
            Self::Changed {
                sealed_code,
                current_code,
            } => format!(
                "签字后被改动：签字时校验码 {sealed_code}，按现有内容计算为 {current_code}。纸质验收单与数据库不符，请核查。"
            ),
            Self::Unsigned { code } => format!(
                "签字后被撤销签字：签字日志记有校验码 {code}，但记录的签字和校验码已被清除，记录又可被修改。请核查，以纸质验收单为准。"
            ),
            Self::SealReplaced {
                logged_code,
                current_code,
            } => format!(
                "校验码被替换：签字日志记为 {logged_code}，记录中为 {current_code}。请核查。"
            ),
            Self::NotLogged { code } => format!(
                "校验码 {code} 不在签字日志中：这份“已签字”记录不是在本程序中签字锁定的，可能是伪造的。请核查。"
            ),
            Self::Deleted { code } => format!(
                "签字后被删除：签字日志记有校验码 {code}，但记录已不在数据库中。请核查，以纸质验收单为准。"
            ),
            Self::PhotoReplaced { file_name } => {
                format!("照片“{file_name}”在添加后被替换（内容与添加时的 SHA-256 不符）。请核查。")
            }
            Self::BadSignature { code } => format!(
                "电子签名无效：校验码 {code} 与记录相符，但不是用记录中的设备密钥签的，校验码可能在签字后被重新计算。请核查，以纸质验收单为准。"
            ),
            Self::WrongKey {
                code,
                device,
                expected,
                found,
            } => format!(
                "签名密钥不是签字设备“{device}”的：本机记得它的指纹为 {expected}，记录（校验码 {code}）却由指纹 {found} 的密钥签名，记录可能在别的电脑上被重新签字锁定。请核查，以纸质验收单为准。"
            ),
            Self::UnknownSigner { code, fingerprint } => format!(
                "签字设备未登记：记录（校验码 {code}）由指纹 {fingerprint} 的设备签名，本机从未收到过这台设备的数据包或登记文件。请电话向签字的电脑核对指纹，或导入它的设备登记文件。"
            ),
        }
    }

    /// The code printed on the sheet that this finding is about.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Changed { sealed_code, .. } => Some(sealed_code),
            Self::Unsigned { code } | Self::NotLogged { code } | Self::Deleted { code } => {
                Some(code)
            }
            Self::SealReplaced { logged_code, .. } => Some(logged_code),
            Self::BadSignature { code }
            | Self::WrongKey { code, .. }
            | Self::UnknownSigner { code, .. } => Some(code),
            Self::PhotoReplaced { .. } => None,
        }
    }
}

/// A seal's printed code.
pub fn code_of(seal: &str) -> String {
    short_code(seal)
}

/// The result of checking a record against its seal and the sign-off log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SealCheck {
    /// Not signed off yet: nothing to check.
    NotSealed,
    /// The record matches its seal, and the log has that seal.
    Intact { code: String },
    /// The record was changed after sign-off.
    Tampered {
        sealed_code: String,
        current_code: String,
    },
    /// Something else is wrong: un-signed behind the app's back, a seal not from a sign-off,
    /// a replaced seal or photo.
    Flagged(Finding),
}

impl SealCheck {
    /// What is wrong, if anything.
    pub fn finding(&self) -> Option<Finding> {
        match self {
            Self::NotSealed | Self::Intact { .. } => None,
            Self::Tampered {
                sealed_code,
                current_code,
            } => Some(Finding::Changed {
                sealed_code: sealed_code.clone(),
                current_code: current_code.clone(),
            }),
            Self::Flagged(finding) => Some(finding.clone()),
        }
    }
}

/// What checking one record says: (it matches an unchanged, logged record, the words).
/// `what` names the record (its subject, date and round).
pub fn describe_check(what: &str, check: &SealCheck) -> (bool, String) {
    match check {
        SealCheck::Intact { code } => (
            true,
            format!("一致：{what}（校验码 {code}），签字后未被改动。"),
        ),
        SealCheck::NotSealed => (false, format!("{what}尚未签字锁定。")),
        other => (
            false,
            format!(
                "不一致：{what}——{}",
                other.finding().map(|f| f.explanation()).unwrap_or_default()
            ),
        ),
    }
}

/// What the verify dialog says about a typed code, given what it matched (a description of
/// each record, and its check): (every match is an unchanged record, the words).
pub fn describe_code_check(typed: &str, found: &[(String, SealCheck)]) -> (bool, String) {
    if normalize_code(typed).len() < 8 {
        return (false, "校验码至少输入 8 位（0–9、A–F）。".to_owned());
    }
    if found.is_empty() {
        return (
            false,
            format!(
                "本数据库中没有校验码为“{}”的签字记录（也不在签字日志中）。请核对校验码和数据库文件。",
                typed.trim()
            ),
        );
    }
    let typed_code = normalize_code(typed);
    let described: Vec<(bool, String)> = found
        .iter()
        .map(|(what, check)| match check {
            // Found through the sign-off log, but the record carries another seal now: the
            // paper is not what the record says today.
            SealCheck::Intact { code } if !normalize_code(code).starts_with(&typed_code) => (
                false,
                format!(
                    "不一致：{what}——纸上的校验码 {} 不是这份记录现在的校验码 {code}：记录在印出这张纸之后被改动并重新封存，或这张纸不是从这份记录印出的。",
                    typed.trim()
                ),
            ),
            _ => describe_check(what, check),
        })
        .collect();
    let all_intact = described.iter().all(|(ok, _)| *ok);
    let words: Vec<String> = described.into_iter().map(|(_, w)| w).collect();
    (all_intact, words.join("\n"))
}
