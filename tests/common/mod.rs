//! Fixtures shared by the integration tests.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly
#![allow(dead_code)]

use chrono::NaiveDate;
use yanshou::model::{Catalogue, Compound, CompoundId, InspectionId, Subject};
use yanshou::store::Store;

pub fn compound(name: &str) -> Compound {
    Compound {
        id: CompoundId::new(),
        name: name.to_owned(),
        address: "城关镇永宁大道 1 号".to_owned(),
        town_id: None,
        owner_unit: "洛宁县住建局".to_owned(),
        year_built: Some(1995),
        buildings: Some(3),
        households: Some(72),
        cluster_id: None,
        is_sample: false,
    }
}

/// A store with one compound and one fresh 13-item inspection of it.
pub fn store_with_inspection(store: &mut Store, name: &str) -> (CompoundId, InspectionId) {
    let c = compound(name);
    store.save_compound(&c).expect("save compound");
    let parties = vec![
        "建设单位".to_owned(),
        "施工单位".to_owned(),
        "监理单位".to_owned(),
    ];
    let id = store
        .start_inspection(
            Subject::Compound(c.id),
            Catalogue::current(),
            NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
            "王工、李工",
            &parties,
        )
        .expect("start inspection");
    (c.id, id)
}

/// What pdftotext (poppler-utils) reads from PDF bytes; pages are separated by form feeds.
pub fn pdf_text_raw(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("read.pdf");
    std::fs::write(&pdf, bytes).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (install poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The text of a PDF with all whitespace removed: wrapped cells and spacing are not what
/// the tests check.
pub fn pdf_text(bytes: &[u8]) -> String {
    pdf_text_raw(bytes)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Marks every item of inspection `id` 合格.
pub fn pass_every_item(store: &mut Store, id: InspectionId) {
    let codes: Vec<String> = store
        .inspection(id)
        .expect("inspection")
        .items
        .into_iter()
        .map(|i| i.standard.code)
        .collect();
    for code in codes {
        store
            .record_result(id, &code, Some(yanshou::model::ItemResult::Pass))
            .expect("tick");
    }
}

/// Every party signs (on paper) and the inspection is signed off, its results as they are.
/// Returns the seal.
pub fn sign_off_as_is(store: &mut Store, id: InspectionId) -> String {
    let parties = store.inspection(id).expect("inspection").parties.len();
    for position in 0..parties {
        store
            .sign(
                id,
                u32::try_from(position).expect("few parties"),
                "签字人",
                &yanshou::model::SignMethod::WetInk,
            )
            .expect("sign");
    }
    store.sign_off(id).expect("sign off")
}

/// Now, in Luoning's time zone (UTC+8) whatever the machine's: sheets print the same times.
pub fn china_now() -> yanshou::model::Clock {
    let zone = chrono::FixedOffset::east_opt(8 * 3600).expect("zone");
    yanshou::model::Clock::at(chrono::Utc::now().with_timezone(&zone))
}

/// Noon of `date` in UTC+8.
pub fn noon_on(date: chrono::NaiveDate) -> yanshou::model::Clock {
    let zone = chrono::FixedOffset::east_opt(8 * 3600).expect("zone");
    let noon = date
        .and_hms_opt(12, 0, 0)
        .expect("noon")
        .and_local_timezone(zone)
        .single()
        .expect("one noon");
    yanshou::model::Clock::at(noon)
}

/// Every document of the sample data set, rendered, with a stable name: each inspection's
/// acceptance sheet, the 整改通知单 of the failed one, the survey form and the cluster summary.
pub fn sample_documents() -> Vec<(String, Vec<u8>)> {
    use yanshou::export::Document;
    let mut store = Store::open_in_memory().expect("store");
    yanshou::store::sample::write_sample(&mut store, false).expect("sample");
    let clock = china_now();
    let mut documents = Vec::new();
    let mut add = |name: String, document: Document| {
        let bytes = document.render(&store, &clock).expect("render");
        documents.push((name, bytes));
    };
    for listing in store.all_inspections().expect("inspections") {
        let id = listing.summary.id;
        let name = format!(
            "验收单-{}-第{}轮",
            listing.subject_name, listing.summary.round
        );
        add(name, Document::AcceptanceSheet(id));
        if !store
            .rectifications_of(&store.chain_of(id).expect("chain"))
            .expect("r")
            .is_empty()
        {
            let name = format!("整改通知单-{}", listing.subject_name);
            add(name, Document::RectificationNotice(id));
        }
    }
    for row in store.compound_rows().expect("rows") {
        if let Some(survey) = store.surveys_of(row.compound.id).expect("surveys").first() {
            add(
                format!("调查表-{}", row.compound.name),
                Document::SurveyForm(survey.id),
            );
        }
    }
    for cluster in store.clusters().expect("clusters") {
        let name = format!("综合验收汇总表-{}", cluster.name);
        add(name, Document::OverallSummary(cluster.id));
    }
    documents
}

/// A cluster "永宁片区" with two compounds (甲小区, 乙小区), each accepted 合格 and signed off
/// on 2026-11-20, and the cluster's own acceptance 合格 and signed off too.
pub fn signed_cluster(
    store: &mut Store,
) -> (yanshou::model::Cluster, Vec<yanshou::model::Compound>) {
    use yanshou::model::{Cluster, ClusterId, ItemResult};
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "永宁片区".into(),
        town_id: None,
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster).expect("cluster");
    let mut members = Vec::new();
    for name in ["甲小区", "乙小区"] {
        let mut c = compound(name);
        c.cluster_id = Some(cluster.id);
        store.save_compound(&c).expect("member");
        members.push(c);
    }
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let parties = vec!["县住建局".to_owned()];
    for subject in [
        Subject::Compound(members[0].id),
        Subject::Compound(members[1].id),
        Subject::Cluster(cluster.id),
    ] {
        let id = store
            .start_inspection(subject, Catalogue::current(), date, "王工", &parties)
            .expect("start");
        for item in store.inspection(id).expect("round").items {
            store
                .record_result(id, &item.standard.code, Some(ItemResult::Pass))
                .expect("tick");
        }
        sign_off_as_is(store, id);
    }
    (cluster, members)
}
pub mod sync;
pub mod ui;

/// The first sheet of the workbook at `path` as LibreOffice reads it (converted headless to a
/// UTF-8 CSV beside it), or `None` when LibreOffice is not installed. A failed conversion fails.
pub fn libreoffice_csv(path: &std::path::Path) -> Option<String> {
    let soffice = [
        "/usr/bin/soffice",
        "/usr/bin/libreoffice",
        "/usr/local/bin/soffice",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.is_file())?;
    let dir = path.parent().expect("a folder");
    // A profile of its own: two conversions at once (tests run in parallel) on one profile
    // hand over to each other and one writes nothing.
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let status = std::process::Command::new(soffice)
        .arg(profile)
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir)
        .arg(path)
        .status()
        .expect("soffice runs");
    assert!(
        status.success(),
        "LibreOffice could not open {}",
        path.display()
    );
    Some(std::fs::read_to_string(path.with_extension("csv")).expect("the converted CSV"))
}

/// The made-up county's policy pack (示例县, 990001), for the tests.
pub fn test_pack_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/packs/shixian")
}

/// The test county's pack revised: version 2 rewords one compound item and adds one, adds a
/// town and changes 2025's target.
pub fn revised_pack_dir(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("示例县第2版");
    std::fs::create_dir_all(&out).unwrap();
    for f in ["survey-v1.toml", "standards-v1.toml"] {
        std::fs::copy(test_pack_dir().join(f), out.join(f)).unwrap();
    }
    let v1 = std::fs::read_to_string(test_pack_dir().join("standards-v1.toml")).unwrap();
    let v2 = v1
        .replacen("version = \"990001/v1\"", "version = \"990001/v2\"", 1)
        .replacen(
            "text = \"电线全部入地入槽\"",
            "text = \"电力线全部入地入槽\"",
            1,
        )
        + "\n[[items]]\ncode = \"XQ-LZ-09\"\nstandard = \"compound\"\ngroup = \"两整\"\ntext = \"楼道整洁\"\nhint = \"看楼道\"\nclause = \"二、（四）\"\nrequired = true\n";
    std::fs::write(out.join("standards-v2.toml"), v2).unwrap();
    let pack = std::fs::read_to_string(test_pack_dir().join("pack.toml"))
        .unwrap()
        .replacen(
            "version = \"990001/2024-1/v1\"",
            "version = \"990001/2024-1/v2\"",
            1,
        )
        .replacen(
            "standards = [\"standards-v1.toml\"]",
            "standards = [\"standards-v1.toml\", \"standards-v2.toml\"]",
            1,
        )
        .replacen("\"示例乡\"]", "\"示例乡\", \"示例新镇\"]", 1)
        .replacen(
            "compounds = 18\nhouseholds = 900",
            "compounds = 20\nhouseholds = 950",
            1,
        );
    std::fs::write(out.join("pack.toml"), pack).unwrap();
    out
}

/// A step of Luoning's built-in programme, by its code.
pub fn luoning_step(code: &str) -> yanshou::model::programme::Step {
    yanshou::model::policy_pack::PolicyPack::luoning()
        .programme
        .step(code)
        .unwrap_or_else(|| panic!("Luoning's programme has no step {code}"))
}

/// A phase of Luoning's built-in programme, by its code.
pub fn luoning_phase(code: &str) -> yanshou::model::programme::Phase {
    yanshou::model::policy_pack::PolicyPack::luoning()
        .programme
        .phases()
        .find(|p| p.code() == code)
        .unwrap_or_else(|| panic!("Luoning's programme has no phase {code}"))
}
