//! Signatures and sign-off. Signing completes an inspection; at sign-off a SHA-256 over a
//! canonical form of the record (items, results, remarks, photo hashes, signatures, catalogue
//! version) is sealed into the file and printed as "校验码", so that a printed sheet can be
//! checked against the database and any later change to the record shows.

use serde::Serialize;

use super::inspection::{Inspection, RoundKind};

/// One pen stroke: points in the signature pad, each coordinate in 0..=1.
pub type Stroke = Vec<[f32; 2]>;

/// How a party signed.
#[derive(Clone, Debug, PartialEq)]
pub enum SignMethod {
    /// Drawn on screen (mouse, touchpad or pen), kept as vector strokes.
    Drawn(Vec<Stroke>),
    /// The printed sheet is signed by hand.
    WetInk,
}

/// A participating unit's signature.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Index into `Inspection::parties`.
    pub position: u32,
    pub unit: String,
    pub signer: String,
    /// RFC 3339, UTC.
    pub signed_at: String,
    pub method: SignMethod,
}

/// Rounds stroke coordinates so the canonical form does not depend on float printing noise.
/// Not clamped to the pad, as in format 2 (`seal::quantize`): what is drawn is what is sealed.
fn quantize(strokes: &[Stroke]) -> Vec<Vec<[i32; 2]>> {
    let q = |v: f32| (v * 10_000.0).round() as i32;
    strokes
        .iter()
        .map(|s| s.iter().map(|[x, y]| [q(*x), q(*y)]).collect())
        .collect()
}

#[derive(Serialize)]
struct CanonicalItem<'a> {
    code: &'a str,
    text: &'a str,
    required: bool,
    result: Option<&'static str>,
    remark: &'a str,
}

#[derive(Serialize)]
struct CanonicalSignature<'a> {
    position: u32,
    unit: &'a str,
    signer: &'a str,
    signed_at: &'a str,
    wet_ink: bool,
    strokes: Vec<Vec<[i32; 2]>>,
}

#[derive(Serialize)]
struct CanonicalMember<'a> {
    compound: String,
    name: &'a str,
    status: &'static str,
    code: Option<&'a str>,
}

/// Fields added after the first format are left out when they hold nothing, so a record
/// sealed before they existed keeps its code.
#[derive(Serialize)]
struct Canonical<'a> {
    format: &'static str,
    inspection: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    compound: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    corrects: Option<String>,
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'a str,
    standard: &'a str,
    catalogue_version: &'a str,
    inspected_on: String,
    inspectors: &'a str,
    parties: &'a [String],
    items: Vec<CanonicalItem<'a>>,
    /// (item code, SHA-256) of every photo attached, sorted.
    photos: Vec<(&'a str, &'a str)>,
    signatures: Vec<CanonicalSignature<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    members: Vec<CanonicalMember<'a>>,
}

/// A photo's part in the seal: the item it documents and the SHA-256 of its stored bytes.
pub type PhotoHash = (String, String);

/// The canonical form: a JSON document with a fixed field order and no floats.
pub fn canonical_form(
    inspection: &Inspection,
    signatures: &[Signature],
    photos: &[PhotoHash],
) -> String {
    let mut photos: Vec<(&str, &str)> = photos
        .iter()
        .map(|(c, h)| (c.as_str(), h.as_str()))
        .collect();
    photos.sort_unstable();
    let mut signatures: Vec<&Signature> = signatures.iter().collect();
    signatures.sort_by_key(|s| s.position);
    let doc = Canonical {
        format: "yanshou-seal/1",
        inspection: inspection.id.to_string(),
        compound: inspection.subject.compound().map(|id| id.to_string()),
        cluster: inspection.subject.cluster().map(|id| id.to_string()),
        corrects: (inspection.kind == RoundKind::Correction)
            .then(|| inspection.parent_id.map(|id| id.to_string()))
            .flatten(),
        reason: &inspection.reason,
        standard: &inspection.standard_id,
        catalogue_version: &inspection.catalogue_version,
        inspected_on: inspection.inspected_on.to_string(),
        inspectors: &inspection.inspectors,
        parties: &inspection.parties,
        items: inspection
            .items
            .iter()
            .map(|i| CanonicalItem {
                code: &i.standard.code,
                text: &i.standard.text,
                required: i.standard.required,
                result: i.result.map(|r| r.code()),
                remark: &i.remark,
            })
            .collect(),
        photos,
        signatures: signatures
            .into_iter()
            .map(|s| CanonicalSignature {
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
        members: inspection
            .members
            .iter()
            .map(|m| CanonicalMember {
                compound: m.compound_id.to_string(),
                name: &m.name,
                status: m.status.code(),
                code: m.code.as_deref(),
            })
            .collect(),
    };
    // Serializing plain strings, integers and bools cannot fail.
    serde_json::to_string(&doc).unwrap_or_default()
}

/// SHA-256 of the canonical form, as lowercase hex.
pub fn seal(inspection: &Inspection, signatures: &[Signature], photos: &[PhotoHash]) -> String {
    super::digest::sha256_hex(canonical_form(inspection, signatures, photos).as_bytes())
}

/// The printed short code: the first 12 hex digits of the seal, upper case, in groups of
/// four (e.g. `3F2A-91C0-7B44`). 48 bits: a typo or a changed record will not match.
pub fn short_code(seal: &str) -> String {
    let head: Vec<char> = seal
        .chars()
        .take(12)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    head.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed (any case, with or without dashes or spaces) in the seal's form.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// What sign-off needs that is still missing, as messages; empty when ready.
pub fn sign_off_blockers(inspection: &Inspection, signatures: &[Signature]) -> Vec<String> {
    let mut blockers = Vec::new();
    if let super::Verdict::Incomplete { .. } = super::verdict_of(&inspection.items) {
        blockers.push("还有项目未判定（或“不适用”未注明理由）".to_owned());
    }
    for (position, unit) in inspection.parties.iter().enumerate() {
        if !signatures.iter().any(|s| s.position as usize == position) {
            blockers.push(format!("{unit}尚未签字"));
        }
    }
    blockers
}

/// What a sheet's QR says: "YANSHOU:<校验码>:<record id>" (the code as printed, the id of the
/// acceptance round it was printed from).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetQr {
    pub code: String,
    pub record: String,
}

impl SheetQr {
    /// The QR's text as the sheet prints it: in capitals, which a QR holds in its
    /// alphanumeric mode (fewer, larger modules: it reads from a blurred photo).
    pub fn text(code: &str, record: &str) -> String {
        format!("YANSHOU:{code}:{record}").to_ascii_uppercase()
    }

    /// Reads a QR's text; `None` for a QR that is not a sheet's.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let rest = text
            .strip_prefix("YANSHOU:")
            .or_else(|| text.strip_prefix("yanshou:"))?;
        let (code, record) = rest.split_once(':')?;
        (normalize_code(code).len() >= 8 && !record.trim().is_empty()).then(|| Self {
            code: code.trim().to_owned(),
            record: record.trim().to_ascii_lowercase(),
        })
    }
}
