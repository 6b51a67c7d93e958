//! The office's Excel in and out: a register kept the way offices keep it (a title above the
//! headers, merged cells, numbers stored as text, full-width digits, total rows) imports with
//! every row's problems named and nothing half-done; the exported 台账 reads back with the same
//! values and imports back as the same register.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use calamine::{Data, Reader, open_workbook_auto};
use rust_xlsxwriter::{Format, Workbook};
use yanshou::export::Document;
use yanshou::import::register::read_register;
use yanshou::model::register_import::{
    Known, RegisterField, RowPlan, guess_mapping, header_row, plan,
};
use yanshou::model::{Clock, Compound};
use yanshou::store::Store;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The plan for the sheet at `path` into `store`, the way the import dialog first shows it.
fn preview(store: &Store, path: &std::path::Path) -> Vec<RowPlan> {
    let grid = read_register(path).unwrap();
    let header = header_row(&grid.rows);
    let mapping = guess_mapping(&grid.rows[header]);
    let compounds: Vec<Compound> = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound)
        .collect();
    let known = Known {
        towns: &store.towns().unwrap(),
        clusters: &store.clusters().unwrap(),
        compounds: &compounds,
    };
    plan(&grid.rows, header, &mapping, known, today())
}

#[test]
fn an_office_register_with_a_title_merged_cells_and_numbers_as_text_imports_with_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2021年台账.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 0, 7, "洛宁县2021年老旧小区改造台账", &plain)
        .unwrap();
    let headers = [
        "序号",
        "小区名称",
        "所属乡镇",
        "建成年代",
        "楼栋数",
        "户数",
        "产权单位",
        "地址",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    // Two compounds of one town, the town written once in a merged cell.
    sheet.merge_range(3, 2, 4, 2, "城关镇", &plain).unwrap();
    let rows: [[&str; 8]; 7] = [
        [
            "1",
            "永宁小区",
            "",
            "１９９５年",
            "3",
            "96户",
            "县直单位",
            "永宁大道 1 号",
        ],
        [
            "2",
            "鹿鸣小区",
            "",
            "1998",
            "",
            "120",
            "县粮食局",
            "鹿鸣路 8 号",
        ],
        ["3", "老城小区", "城郊乡", "90年代", "2", "40", "", ""],
        ["4", "河滨小区", "回民镇", "1990", "2", "40", "", ""],
        ["5", "已有小区", "城关镇", "1992", "2", "40", "", ""],
        ["", "", "", "", "", "", "", ""],
        ["合计", "", "", "", "", "256", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(3 + r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    // A number stored as a number (栋数 of row 2).
    sheet.write_number(4, 4, 4.0).unwrap();
    book.save(&path).unwrap();

    let mut store = Store::open_in_memory().unwrap();
    let chengguan = store
        .towns()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "城关镇")
        .unwrap();
    let mut existing = common::compound("已有小区");
    existing.town_id = Some(chengguan.id);
    store.save_compound(&existing).unwrap();

    let grid = read_register(&path).unwrap();
    assert_eq!(header_row(&grid.rows), 2);
    let mapping = guess_mapping(&grid.rows[2]);
    assert_eq!(mapping[1], Some(RegisterField::Name));
    assert_eq!(mapping[3], Some(RegisterField::YearBuilt));
    assert_eq!(mapping[4], Some(RegisterField::Buildings));

    let plans = preview(&store, &path);
    // The empty row and the total row are left out; the rest keep their sheet line numbers.
    let lines: Vec<usize> = plans.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![4, 5, 6, 7, 8]);
    // The total row is named, so it is never dropped unseen.
    assert_eq!(
        yanshou::model::register_import::total_rows(&grid.rows, 2),
        vec![10]
    );
    let problems = |line: usize| {
        plans
            .iter()
            .find(|p| p.line == line)
            .unwrap()
            .problems
            .join("；")
    };
    assert_eq!(problems(4), "");
    assert_eq!(problems(5), "");
    assert!(problems(6).contains("90年代"), "{}", problems(6));
    assert!(problems(7).contains("回民镇"), "{}", problems(7));
    assert!(problems(8).contains("重复"), "{}", problems(8));

    let imported = store.import_register(&plans).unwrap();
    assert_eq!(imported, 2);
    let rows = store.compound_rows().unwrap();
    let yongning = rows.iter().find(|r| r.compound.name == "永宁小区").unwrap();
    assert_eq!(yongning.town_name, "城关镇");
    assert_eq!(yongning.compound.year_built, Some(1995));
    assert_eq!(yongning.compound.households, Some(96));
    assert_eq!(yongning.compound.buildings, Some(3));
    let luming = rows.iter().find(|r| r.compound.name == "鹿鸣小区").unwrap();
    assert_eq!(luming.town_name, "城关镇", "the merged town cell covers it");
    assert_eq!(luming.compound.buildings, Some(4));
    assert_eq!(luming.compound.owner_unit, "县粮食局");
    assert_eq!(rows.len(), 3);

    // Importing the same sheet again registers nothing twice: every row is now a duplicate.
    let again = preview(&store, &path);
    assert!(again.iter().all(|p| p.compound.is_none()));
    assert_eq!(store.import_register(&again).unwrap(), 0);
    assert_eq!(store.compound_rows().unwrap().len(), 3);
}

#[test]
fn a_register_that_changed_since_its_preview_is_not_imported_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名册.csv");
    std::fs::write(
        &path,
        "小区名称,所属乡镇,户数\n甲小区,城关镇,10\n乙小区,城关镇,20\n",
    )
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let plans = preview(&store, &path);
    assert!(plans.iter().all(|p| p.problems.is_empty()));
    // Meanwhile 乙小区 is registered by hand.
    let town = store
        .towns()
        .unwrap()
        .into_iter()
        .find(|t| t.name == "城关镇")
        .unwrap();
    let mut by_hand = common::compound("乙小区");
    by_hand.town_id = Some(town.id);
    store.save_compound(&by_hand).unwrap();
    let err = store.import_register(&plans).unwrap_err().to_string();
    assert!(err.contains("第 3 行") && err.contains("未导入"), "{err}");
    let names: Vec<String> = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(
        names,
        vec!["乙小区".to_owned()],
        "甲小区 is not imported either"
    );
}

#[test]
fn a_csv_saved_by_wps_in_gbk_reads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名册.csv");
    let (bytes, _, _) =
        encoding_rs::GBK.encode("城郊乡名册\n\n小区名称,所属乡镇,建成年代\n黄河小区,城郊乡,1988\n");
    std::fs::write(&path, &bytes).unwrap();
    let grid = read_register(&path).unwrap();
    // A blank line keeps its place: rows are numbered as the file's lines.
    assert_eq!(header_row(&grid.rows), 2);
    assert_eq!(grid.rows[3], vec!["黄河小区", "城郊乡", "1988"]);
    // Not a spreadsheet at all: said, not guessed.
    let junk = dir.path().join("照片.xlsx");
    std::fs::write(&junk, b"\xff\xd8\xff\xe0 not a workbook").unwrap();
    let err = read_register(&junk).unwrap_err().to_string();
    assert!(err.contains("另存为 .xlsx"), "{err}");
}

/// A register of several towns and clusters, with empty fields and an acceptance.
fn office_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let towns = store.towns().unwrap();
    for (i, name) in ["永宁小区", "鹿鸣小区", "黄河小区", "洛河小区"]
        .iter()
        .enumerate()
    {
        let mut c = common::compound(name);
        c.town_id = Some(towns[i % 3].id);
        if i == 3 {
            c.buildings = None;
            c.owner_unit = String::new();
        }
        store.save_compound(&c).unwrap();
    }
    store
}

#[test]
fn the_exported_ledger_reads_back_with_its_values_and_imports_back_as_the_same_register() {
    let dir = tempfile::tempdir().unwrap();
    let mut office = office_store();
    let (compound, inspection) = common::store_with_inspection(&mut office, "验收中小区");
    let _ = (compound, inspection);
    let path = dir.path().join("台账.xlsx");
    let outcome = Document::Ledger.write(
        &office,
        &path,
        &Clock::local(),
        &yanshou::job::Progress::unobserved(),
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);

    // Read back with calamine: headers, numbers as numbers, dates as dates.
    let mut book = open_workbook_auto(&path).unwrap();
    assert_eq!(book.sheet_names(), vec!["台账", "资金明细", "资金汇总"]);
    let range = book.worksheet_range("台账").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header[1], "小区名称");
    assert_eq!(header[8], "户数");
    assert_eq!(header[13], "最近验收日期");
    assert_eq!(range.rows().count(), 6);
    let row = range
        .rows()
        .find(|r| r[1] == Data::String("验收中小区".to_owned()))
        .unwrap();
    assert_eq!(row[6], Data::Float(1995.0));
    assert_eq!(row[8], Data::Float(72.0));
    assert_eq!(row[11], Data::String("验收中".to_owned()));
    assert!(matches!(row[13], Data::DateTime(_)), "{:?}", row[13]);
    assert_eq!(
        calamine::DataType::as_date(&row[13]),
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
    );
    let empty = range
        .rows()
        .find(|r| r[1] == Data::String("洛河小区".to_owned()))
        .unwrap();
    assert_eq!(empty[7], Data::Empty);

    // Imported into a new file, it is the same register.
    let mut fresh = Store::open_in_memory().unwrap();
    let plans = preview(&fresh, &path);
    assert!(plans.iter().all(|p| p.problems.is_empty()), "{plans:#?}");
    assert_eq!(fresh.import_register(&plans).unwrap(), 5);
    let register = |store: &Store| {
        let mut rows: Vec<String> = store
            .compound_rows()
            .unwrap()
            .into_iter()
            .map(|r| {
                let c = r.compound;
                format!(
                    "{}|{}|{}|{}|{}|{:?}|{:?}|{:?}",
                    c.name,
                    r.town_name,
                    r.cluster_name,
                    c.address,
                    c.owner_unit,
                    c.year_built,
                    c.buildings,
                    c.households
                )
            })
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(register(&fresh), register(&office));
}

#[test]
fn the_ledger_opens_in_libreoffice_when_it_is_installed() {
    let dir = tempfile::tempdir().unwrap();
    let office = office_store();
    let path = dir.path().join("台账.xlsx");
    let outcome = Document::Ledger.write(
        &office,
        &path,
        &Clock::local(),
        &yanshou::job::Progress::unobserved(),
    );
    assert!(outcome.error.is_none());
    let Some(csv) = common::libreoffice_csv(&path) else {
        eprintln!("LibreOffice is not installed here: skipped");
        return;
    };
    assert!(csv.contains("永宁小区"), "{csv}");
}

#[test]
fn a_new_cluster_named_first_on_a_bad_row_is_made_by_the_first_good_one_and_tabs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名册.txt");
    std::fs::write(
        &path,
        "小区名称\t所属乡镇\t建成年代\t所属片区\n坏小区\t城关镇\t90年代\t新片区\n好小区\t城关镇\t1995\t新片区\n",
    )
    .unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let plans = preview(&store, &path);
    assert_eq!(plans.len(), 2);
    assert!(!plans[0].problems.is_empty());
    assert!(plans[1].new_cluster.is_some(), "{plans:#?}");
    assert_eq!(store.import_register(&plans).unwrap(), 1);
    let rows = store.compound_rows().unwrap();
    assert_eq!(rows[0].cluster_name, "新片区");
}

/// Hostile and broken registers are refused with a Chinese message naming the cause, never
/// read wrong, never a grid of billions of cells (one cell at XFD1048576 used to abort the
/// process), never the content of a huge cell echoed back.
#[test]
fn hostile_and_broken_registers_are_refused_with_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        read_register(&path).unwrap_err().to_string()
    };

    let far = dir.path().join("远处.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "小区名称").unwrap();
    sheet.write_string(1, 0, "甲小区").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&far).unwrap();
    let words = read_register(&far).unwrap_err().to_string();
    assert!(
        words.contains("第 1048576 行有内容") && words.contains("超出"),
        "{words}"
    );

    let long = dir.path().join("长格.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "小区名称").unwrap();
    sheet.write_string(1, 0, "长".repeat(5000)).unwrap();
    book.save(&long).unwrap();
    let words = read_register(&long).unwrap_err().to_string();
    assert!(words.contains("第 2 行第 1 列的内容有 5000 字"), "{words}");
    assert!(!words.contains("长长长"), "the cell is not echoed");

    let words = refused(
        "引号.csv",
        "小区名称,所属乡镇\n\"甲小区,城关镇\n乙小区,城关镇\n".as_bytes(),
    );
    assert!(words.contains("第 2 行的引号没有配对"), "{words}");

    let (big5, _, _) =
        encoding_rs::BIG5.encode("小區名稱,所屬鄉鎮\n黃河小區,城關鎮\n洛寧縣供銷社家屬樓,城關鎮\n");
    let words = refused("繁体.csv", &big5);
    assert!(words.contains("Big5"), "{words}");

    let utf16: Vec<u8> = "小区名称,所属乡镇\n甲小区,城关镇\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let words = refused("无标记.csv", &utf16);
    assert!(words.contains("UTF-16"), "{words}");

    // UTF-16 with its mark (Excel's “Unicode 文本”, tab-separated) reads.
    let mut marked = vec![0xFF, 0xFE];
    marked.extend(
        "小区名称\t所属乡镇\n甲小区\t城关镇\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let path = dir.path().join("Unicode文本.txt");
    std::fs::write(&path, marked).unwrap();
    let grid = read_register(&path).unwrap();
    assert_eq!(grid.rows[1], ["甲小区", "城关镇"]);
}

/// A bulk import is preceded by a verified backup of the file as it was (kept when the rows
/// are registered; none left when the import is refused).
#[test]
fn a_register_import_is_preceded_by_a_backup() {
    use yanshou::store::backup::{BackupPolicy, BackupReason, count_records, list_backups};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名册.csv");
    std::fs::write(&path, "小区名称,所属乡镇,户数\n甲小区,城关镇,10\n").unwrap();
    let db = dir.path().join("县办.db");
    let mut store = Store::open(&db).unwrap();
    store.save_compound(&common::compound("原有小区")).unwrap();
    let plans = preview(&store, &path);
    assert_eq!(store.import_register(&plans).unwrap(), 1);
    let backups = list_backups(&db, &BackupPolicy::default());
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].reason, BackupReason::BeforeRegister);
    assert_eq!(
        count_records(&backups[0].path).unwrap().0,
        1,
        "as it was before"
    );
    // The same rows again are refused (registered meanwhile): no second backup.
    assert!(store.import_register(&plans).is_err());
    assert_eq!(list_backups(&db, &BackupPolicy::default()).len(), 1);
}

/// An .ods register is an XML sheet in a zip; `rows` is its `<table:table-row>` elements.
fn ods_with_rows(path: &std::path::Path, rows: &str) {
    use std::io::Write;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#,
    )
    .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="名册">{rows}</table:table></office:spreadsheet></office:body>
</office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap();
}

/// An .ods sheet is made a dense grid by calamine: one far cell (or a row repeated a million
/// times) is refused by its extent, streamed, before that grid is built; a normal one reads.
#[test]
fn an_ods_register_reads_and_a_far_cell_in_one_is_refused_before_it_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |text: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
        )
    };
    let good = dir.path().join("名册.ods");
    ods_with_rows(
        &good,
        &format!(
            "<table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row>",
            cell("小区名称"),
            cell("所属乡镇"),
            cell("甲小区"),
            cell("城关镇")
        ),
    );
    let grid = read_register(&good).unwrap();
    assert_eq!(grid.rows[1], ["甲小区", "城关镇"]);

    let far = dir.path().join("远处.ods");
    ods_with_rows(
        &far,
        &format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="150"/>{}</table:table-row>"#,
            cell("小区名称"),
            cell("x")
        ),
    );
    let words = read_register(&far).unwrap_err().to_string();
    assert!(
        words.contains("第 1048572 行") && words.contains("超出"),
        "{words}"
    );

    let wide = dir.path().join("铺满.ods");
    ods_with_rows(
        &wide,
        &format!(
            r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="200000"><table:table-cell table:number-columns-repeated="100"/>{}</table:table-row>"#,
            cell("小区名称"),
            cell("x")
        ),
    );
    let words = read_register(&wide).unwrap_err().to_string();
    assert!(words.contains("铺满 200001 行 × 101 列"), "{words}");
}

/// A compound registered between the preview and the import (another window, a package)
/// refuses the whole import: nothing is registered twice, and nothing half.
#[test]
fn a_row_registered_since_the_preview_refuses_the_whole_import() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名册.csv");
    std::fs::write(&path, "小区名称,建成年代\n甲小区,1990\n乙小区,1991\n").unwrap();
    let mut store = Store::open(&dir.path().join("县办.db")).unwrap();
    let plans = preview(&store, &path);
    assert_eq!(plans.iter().filter(|p| p.compound.is_some()).count(), 2);
    store.save_compound(&common::compound("乙小区")).unwrap();
    let words = store.import_register(&plans).unwrap_err().to_string();
    assert!(
        words.contains("第 3 行的“乙小区”在预览之后已登记过"),
        "{words}"
    );
    let names: Vec<String> = store
        .compound_rows()
        .unwrap()
        .into_iter()
        .map(|r| r.compound.name)
        .collect();
    assert_eq!(names, ["乙小区"]);
}
