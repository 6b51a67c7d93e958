//! Pins what must not change while the code around it moves: the text of every sample sheet
//! (as `pdftotext` reads it) and the seals of fixed records (so codes already printed keep
//! verifying). `YANSHOU_UPDATE_GOLDEN=1 cargo test --test integration pinned::` rewrites the golden texts
//! after an intended change of a sheet; a seal never changes.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use std::path::PathBuf;

use chrono::NaiveDate;
use yanshou::model::signoff::{seal, short_code};
use yanshou::model::{
    Catalogue, ClusterId, CompoundId, Inspection, InspectionId, InspectionItem, ItemResult,
    MemberAcceptance, MemberStatus, RoundKind, SignMethod, Signature, Subject,
    catalogue::COMPOUND_STANDARD,
};

fn id<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().expect("fixed id")
}

/// A fixed, signed compound record: every item decided, one 不适用 with its reason.
fn fixed_compound_record() -> (Inspection, Vec<Signature>) {
    let items = Catalogue::current()
        .items_of(COMPOUND_STANDARD)
        .into_iter()
        .enumerate()
        .map(|(n, item)| InspectionItem {
            standard: item.clone(),
            result: Some(if n == 6 {
                ItemResult::NotApplicable
            } else {
                ItemResult::Pass
            }),
            remark: if n == 6 {
                "无集中供暖管网".to_owned()
            } else {
                String::new()
            },
        })
        .collect();
    let inspection = Inspection {
        id: id::<InspectionId>("01900000-0000-7000-8000-000000000001"),
        subject: Subject::Compound(id::<CompoundId>("01900000-0000-7000-8000-000000000002")),
        standard_id: "compound".to_owned(),
        catalogue_version: "2021-17/v1".to_owned(),
        pack_version: String::new(),
        inspected_on: NaiveDate::from_ymd_opt(2023, 10, 16).unwrap(),
        inspectors: "张建国、李秀梅".to_owned(),
        parties: vec!["建设单位".to_owned(), "施工单位".to_owned()],
        items,
        signed_off_at: Some("2023-10-16T08:00:00.000Z".to_owned()),
        seal: None,
        parent_id: None,
        round: 1,
        kind: RoundKind::First,
        reason: String::new(),
        members: Vec::new(),
        seal_version: Some(1),
        sealed_header: None,
        signer: None,
    };
    let signatures = vec![
        Signature {
            position: 0,
            unit: "建设单位".to_owned(),
            signer: "赵国强".to_owned(),
            signed_at: "2023-10-16T07:58:00.000Z".to_owned(),
            method: SignMethod::Drawn(vec![vec![[0.1, 0.5], [0.3, 0.2], [0.6, 0.8]]]),
        },
        Signature {
            position: 1,
            unit: "施工单位".to_owned(),
            signer: "钱立新".to_owned(),
            signed_at: "2023-10-16T07:59:00.000Z".to_owned(),
            method: SignMethod::WetInk,
        },
    ];
    (inspection, signatures)
}

#[test]
fn seals_of_fixed_records_never_change() {
    let (compound, signatures) = fixed_compound_record();
    let photos = vec![(
        "XQ-SR-01".to_owned(),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
    )];
    let sealed = seal(&compound, &signatures, &photos);
    assert_eq!(
        sealed, "08a7487f62604eafd41a92b9798caca874a15edc566ab2cc56dcccfcea571400",
        "the seal of a fixed compound record (printed codes must keep verifying)"
    );
    assert_eq!(short_code(&sealed), "08A7-487F-6260");

    // A correction of a cluster acceptance with its sealed members.
    let mut cluster = compound;
    cluster.id = id("01900000-0000-7000-8000-000000000011");
    cluster.subject = Subject::Cluster(id::<ClusterId>("01900000-0000-7000-8000-000000000012"));
    cluster.parent_id = Some(id("01900000-0000-7000-8000-000000000010"));
    cluster.round = 2;
    cluster.kind = RoundKind::Correction;
    cluster.reason = "备注有误".to_owned();
    cluster.members = vec![MemberAcceptance {
        compound_id: id("01900000-0000-7000-8000-000000000002"),
        name: "县水利局家属院".to_owned(),
        status: MemberStatus::Accepted,
        code: Some("DD6D-38C1-DD5B".to_owned()),
    }];
    assert_eq!(
        seal(&cluster, &signatures, &[]),
        "3c36fe00b7d05b54d6876049965d424840d08e695c698da079175eef6402e9c0",
        "the seal of a fixed cluster correction"
    );
}

/// Volatile parts of a sheet's text, masked: record ids, codes, times, today's date.
fn masked(text: &str) -> String {
    let mut out = text.to_owned();
    let patterns: [(&str, &str); 7] = [
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<编号>",
        ),
        (r"[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}", "<校验码>"),
        // Each file's own key.
        (
            r"[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}",
            "<设备指纹>",
        ),
        (r"\d{4}-\d\d-\d\d \d\d:\d\d", "<时间>"),
        (r"\d{4}年\d\d月\d\d日 ?\d\d:\d\d（北京时间）", "<时间>"),
        (r"\d{8}-[0-9A-F]{6}", "<记录编号>"),
        (r"\d{4}-\d\d-\d\dT[0-9:.]+Z", "<时间>"),
    ];
    for (pattern, with) in patterns {
        out = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    // Today as the sheets print it (in UTC+8, the sample documents' clock) and as this
    // machine's zone has it (the sample's own dates): the two differ for part of every day.
    for today in [
        common::china_now().today(),
        chrono::Local::now().date_naive(),
    ] {
        let deadline = yanshou::store::sample::open_deadline(today);
        out = out
            .replace(&today.to_string(), "<今天>")
            .replace(&today.format("%Y年%m月%d日").to_string(), "<今天>")
            .replace(&deadline.format("%Y年%m月%d日").to_string(), "<整改期限>");
    }
    out
}

fn golden(name: &str, text: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("YANSHOU_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (YANSHOU_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    if expected != text {
        let first = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} changed at line {}:\n  golden: {:?}\n  now:    {:?}",
            first + 1,
            expected.lines().nth(first),
            text.lines().nth(first)
        );
    }
}

#[test]
fn the_sample_sheets_read_as_pinned() {
    for (name, bytes) in common::sample_documents() {
        golden(
            &format!("{name}.txt"),
            &masked(&common::pdf_text_raw(&bytes)),
        );
    }
}
