//! The office's progress report (PDF with vector charts), progress table, funding summary and
//! the rhythm's workbooks, from the sample data: figures read back equal the records', and
//! every workbook opens in LibreOffice when it is installed.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use calamine::{Data, Reader, open_workbook_auto};
use yanshou::export::Document;
use yanshou::job::Progress;
use yanshou::model::Clock;
use yanshou::model::rhythm::{Month, Quarter};
use yanshou::store::Store;

fn sample() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    yanshou::store::sample::write_sample(&mut store, false).unwrap();
    store
}

fn write(store: &Store, document: &Document, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join(document.suggested_name(store, &Clock::local()).unwrap());
    let outcome = document.write(store, &path, &Clock::local(), &Progress::unobserved());
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    path
}

fn cells(path: &std::path::Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

#[test]
fn the_progress_report_draws_its_charts_as_vectors_with_the_records_figures() {
    let store = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&store, &Document::ProgressReport, dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let text = common::pdf_text(&bytes);
    for expected in [
        "洛宁县城镇老旧小区改造提质进度报表",
        "【示例数据",
        "2019–2023年合计",
        "83个4347户9个片区",
        "图1各年度目标与完成（小区数）",
        "图2各年度目标与完成（户数）",
        "图3各乡镇完成情况（小区数）",
        "示例·永宁大道片区",
        "2021年：合计1,540,000.00元",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    // The charts are drawn, not pasted: no image in the file, and small.
    let raw = String::from_utf8_lossy(&bytes);
    assert!(!raw.contains("/Subtype /Image") && !raw.contains("/Subtype/Image"));
    assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
}

#[test]
fn the_progress_table_and_funding_summary_read_back_with_the_records_figures() {
    let store = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&store, &Document::ProgressTable, dir.path());
    let years = cells(&path, "按年度");
    let row_2021 = years
        .iter()
        .find(|r| r[0] == Data::String("2021 年".to_owned()))
        .unwrap();
    assert_eq!(row_2021[1], Data::Float(21.0), "target compounds");
    assert_eq!(row_2021[2], Data::Float(863.0), "target households");
    let total = years.last().unwrap();
    assert_eq!(total[0], Data::String("2019–2023 年合计".to_owned()));
    assert_eq!(
        (&total[8], &total[9]),
        (&Data::Float(1.0), &Data::Float(96.0)),
        "handed over"
    );
    let listed = cells(&path, "计入小区");
    assert_eq!(listed.len() - 1, store.progress_items().unwrap().len());

    let path = write(&store, &Document::FundingSummary, dir.path());
    let towns = cells(&path, "按乡镇");
    let total_column = towns[0].len() - 1;
    let sum: f64 = towns[1..]
        .iter()
        .map(|r| match r[total_column] {
            Data::Float(f) => f,
            _ => 0.0,
        })
        .sum();
    let fen: i64 = store
        .funding_rows()
        .unwrap()
        .iter()
        .map(|r| r.funding.amount_fen)
        .sum();
    assert!((sum * 100.0 - fen as f64).abs() < 0.5, "{sum} vs {fen} fen");
    assert_eq!(
        cells(&path, "资金明细").len() - 1,
        store.funding_rows().unwrap().len()
    );
}

#[test]
fn every_office_workbook_opens_in_libreoffice_when_it_is_installed() {
    let store = sample();
    let dir = tempfile::tempdir().unwrap();
    let today = chrono::Local::now().date_naive();
    // The 台账 leaves the training sample out: its header is what it holds.
    for (document, first_sheet_holds) in [
        (Document::Ledger, "最近验收日期"),
        (Document::ProgressTable, "目标小区（个）"),
        (Document::FundingSummary, "中央补助"),
        (
            Document::Bulletin {
                date: today,
                xlsx: true,
            },
            "示例·洛宁县第一建筑公司（一标段）",
        ),
        (Document::QuarterEvaluation(Quarter::of(today)), "通报批评"),
    ] {
        let path = write(&store, &document, dir.path());
        let Some(text) = common::libreoffice_csv(&path) else {
            eprintln!("LibreOffice is not installed here: skipped");
            return;
        };
        assert!(text.contains(first_sheet_holds), "{document:?}: {text}");
    }
    let plan = write(
        &store,
        &Document::ObservationPlan(Month::of(today)),
        dir.path(),
    );
    assert!(common::pdf_text(&std::fs::read(plan).unwrap()).contains("第1站"));
}
