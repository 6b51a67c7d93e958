//! The PDF acceptance sheet: read back with poppler's pdftotext / pdffonts and check content.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use crate::common;

use std::path::Path;
use std::process::Command;

use yanshou::export::{AcceptanceSheet, render_acceptance_sheet};
use yanshou::model::{Catalogue, ItemResult, catalogue::COMPOUND_STANDARD};
use yanshou::store::Store;

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} not runnable ({e}); install poppler-utils"));
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

fn pdffonts(pdf: &Path) -> String {
    let output = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts (poppler-utils)");
    String::from_utf8(output.stdout).expect("utf-8")
}

fn write_pdf(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

/// Collapses pdftotext's layout: wrapped cells and spacing are not what we test.
fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_sheet_holds_the_compound_every_item_and_the_verdict() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "县水利局家属院");
    common::pass_every_item(&mut store, id);
    store
        .record_result(id, "XQ-SY-02", Some(ItemResult::Fail))
        .expect("fail one");
    store
        .record_remark(id, "XQ-SY-02", "3 号楼出入口无门禁，监控未接入社区平台")
        .expect("remark");

    let sheet = AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).expect("load");
    let bytes = render_acceptance_sheet(&sheet).expect("render");
    assert!(
        bytes.len() < 200 * 1024,
        "13-item sheet is {} bytes",
        bytes.len()
    );
    let (_dir, pdf) = write_pdf(&bytes);
    let text = squash(&poppler("pdftotext", &[], &pdf));

    for expected in [
        "洛宁县城镇老旧小区改造提质工程验收单",
        "县水利局家属院",
        "城关镇永宁大道1号",
        "2026年11月20日",
        "王工、李工",
        "验收结论：不合格",
        "不合格项目：有智慧安防系统（XQ-SY-02）",
        "3号楼出入口无门禁，监控未接入社区平台",
        "建设单位（盖章）",
        "监理单位（盖章）",
        "签字：",
        "日期：",
        "第1页共",
    ] {
        assert!(
            text.contains(&squash(expected)),
            "missing {expected:?} in:\n{text}"
        );
    }
    for item in Catalogue::current().items_of(COMPOUND_STANDARD) {
        assert!(
            text.contains(&squash(&item.text)),
            "missing item {}",
            item.text
        );
    }
}

#[test]
fn the_font_is_embedded_as_a_subset() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "甲");
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).expect("load"),
    )
    .expect("render");
    let (_dir, pdf) = write_pdf(&bytes);
    let fonts = pdffonts(&pdf);
    let line = fonts
        .lines()
        .find(|l| l.contains("WenQuanYi"))
        .unwrap_or_else(|| panic!("font not listed:\n{fonts}"));
    // name                       type          encoding    emb sub uni
    // ABCDEF+WenQuanYiMicroHei   CID TrueType  Identity-H  yes yes yes
    let name = line.split_whitespace().next().expect("name");
    assert!(
        name.len() > 7 && name.as_bytes()[6] == b'+',
        "subset tag in {name}"
    );
    let flags: Vec<&str> = line.split_whitespace().rev().skip(2).take(3).collect();
    assert_eq!(flags, vec!["yes", "yes", "yes"], "uni, sub, emb in {line}");
    // The whole face is ~5 MB; a subset of a few hundred glyphs is far smaller.
    assert!(bytes.len() < 200 * 1024);
}

#[test]
fn a_long_table_continues_with_its_header_and_page_numbers() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "长备注小区");
    let long = "楼道墙面空鼓开裂，需铲除重做；单元门禁未通电，待供电公司接入。".repeat(4);
    for item in Catalogue::current().items_of(COMPOUND_STANDARD) {
        store
            .record_result(id, &item.code, Some(ItemResult::Fail))
            .expect("tick");
        store.record_remark(id, &item.code, &long).expect("remark");
    }
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).expect("load"),
    )
    .expect("render");
    let (_dir, pdf) = write_pdf(&bytes);
    let all = poppler("pdftotext", &[], &pdf);
    let pages = all.matches('\u{c}').count();
    assert!(pages >= 2, "expected several pages, got {pages}");
    let page2 = squash(&poppler("pdftotext", &["-f", "2", "-l", "2"], &pdf));
    assert!(
        page2.contains("序号类别验收标准依据条款结果备注"),
        "header repeated:\n{page2}"
    );
    assert!(
        page2.contains(&format!("第2页共{pages}页")),
        "page numbers:\n{page2}"
    );
    // Every remark is printed whole, wrapped over several lines, never cut off.
    assert_eq!(squash(&all).matches(&squash(&long)).count(), 13);
}

#[test]
fn the_cli_lists_and_exports_the_sample() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("sample.db");
    let exe = env!("CARGO_BIN_EXE_yanshou");
    let run = |args: &[&str]| {
        let out = Command::new(exe)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("run");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, _, err) = run(&["sample"]);
    assert!(ok, "{err}");
    let (ok, list, _) = run(&["list"]);
    assert!(ok);
    assert!(list.contains("示例·县水利局家属院"), "{list}");
    let line = list
        .lines()
        .find(|l| l.contains("13/13"))
        .unwrap_or_else(|| panic!("a finished inspection:\n{list}"));
    assert!(line.contains("合格"));
    let id = line.split_whitespace().next().expect("id");

    let out = dir.path().join("验收单.pdf");
    let (ok, stdout, err) = run(&[
        "export-pdf",
        "--inspection",
        id,
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(ok, "{err}");
    assert!(stdout.contains("已导出"));
    let text = squash(&poppler("pdftotext", &[], &out));
    assert!(text.contains("示例数据"), "sample sheets are marked");
    assert!(text.contains("验收结论：合格"));
    assert!(text.contains("城区集中供热管网尚未覆盖该片区"));

    let (ok, _, err) = run(&["export-pdf", "--inspection", "not-an-id", "--out", "x.pdf"]);
    assert!(!ok);
    assert!(err.contains("不是有效的验收记录编号"), "{err}");

    // Sample data is never mixed into a file with real records without being asked.
    let real = dir.path().join("real.db");
    {
        let mut store = Store::open(&real).expect("open");
        store
            .save_compound(&common::compound("正式小区"))
            .expect("save");
    }
    let out = Command::new(exe)
        .arg("--db")
        .arg(&real)
        .arg("sample")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不会混入正式数据"));
    let store = Store::open(&real).expect("reopen");
    assert_eq!(store.compound_counts().expect("counts"), (1, 0));
}

#[test]
fn the_cli_refuses_a_foreign_file_and_leaves_it_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("notes.db");
    std::fs::write(&db, "这不是数据库").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_yanshou"))
        .arg("--db")
        .arg(&db)
        .arg("list")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 SQLite 数据库文件"));
    assert_eq!(std::fs::read_to_string(&db).expect("read"), "这不是数据库");
}

#[test]
fn a_batch_export_reports_progress_and_can_be_cancelled() {
    use std::sync::mpsc::channel;
    use yanshou::export::Document;
    use yanshou::job::Job;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = yanshou::store::Store::open_in_memory().expect("store");
    let (cluster, _) = common::signed_cluster(&mut store);
    let reader = store.reader().expect("reader");
    // The export waits inside the worker until the test has asked to cancel.
    let (go, gate) = channel::<()>();
    let out = dir.path().join("批量");
    let folder = out.clone();
    let clock = common::noon_on(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date"));
    let task = Job::spawn("export", "测试", 0, None, move |progress| {
        gate.recv().ok();
        Document::SignedSheets(cluster.id).write(&reader, &folder, &clock, progress)
    })
    .expect("spawn");
    assert_eq!(task.progress(), (0, 0));
    task.cancel();
    go.send(()).expect("release the export");
    let outcome = loop {
        if let Some(outcome) = task.try_finish() {
            break outcome.expect("finished");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let wave = yanshou::export::batch::workers().min(3);
    assert!(outcome.cancelled || wave == 3, "stopped before the rest");
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    // The sheets under way (one per core, rendered side by side) are finished, the rest skipped.
    assert_eq!(
        outcome.written.len(),
        wave,
        "the sheets in progress are finished, the rest skipped"
    );
    assert_eq!(
        task.progress(),
        (wave, 3),
        "the first wave of the three sheets written"
    );
    assert_eq!(std::fs::read_dir(&out).expect("folder").count(), wave);
    assert!(outcome.written[0].0.starts_with(&out));
}

/// (text, yMin, yMax) of every word pdftotext finds, in points from the top of its page.
fn words_with_boxes(pdf: &Path) -> Vec<(String, f32, f32)> {
    let html = poppler("pdftotext", &["-bbox"], pdf);
    html.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.strip_prefix("<word ")?;
            let attr = |name: &str| -> Option<f32> {
                let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
                let end = start + rest[start..].find('"')?;
                rest[start..end].parse().ok()
            };
            let text_start = rest.find('>')? + 1;
            let text_end = rest.rfind("</word>")?;
            Some((
                rest[text_start..text_end].to_owned(),
                attr("yMin")?,
                attr("yMax")?,
            ))
        })
        .collect()
}

#[test]
fn a_ten_thousand_character_remark_is_printed_whole_and_never_over_the_footer() {
    let mut store = Store::open_in_memory().expect("open");
    let (_, id) = common::store_with_inspection(&mut store, "长备注小区");
    common::pass_every_item(&mut store, id);
    let sentence = "三号楼北侧雨水管破损导致外墙渗水，需更换并做防水处理；";
    let mut remark = String::new();
    let mut n = 0;
    while remark.chars().count() < 10_000 {
        remark.push_str(&format!("{n}、{sentence}"));
        n += 1;
    }
    remark.push_str("备注到此结束。");
    store
        .record_remark(id, "XQ-SR-02", &remark)
        .expect("a long remark is kept");
    let bytes = render_acceptance_sheet(
        &AcceptanceSheet::load(&store, id, yanshou::model::Clock::local()).expect("load"),
    )
    .expect("render");
    let (_dir, path) = write_pdf(&bytes);

    // Every character of the remark is on the sheet, in order (page breaks put the footer,
    // the repeated header and 续 between its parts), and nearly every sentence whole.
    let text = squash(&poppler("pdftotext", &[], &path));
    let mut rest = text.chars();
    let missing: String = squash(&remark)
        .chars()
        .filter(|wanted| !rest.any(|c| c == *wanted))
        .collect();
    assert!(
        missing.is_empty(),
        "{} characters missing from the sheet, from: {}…",
        missing.chars().count(),
        missing.chars().take(40).collect::<String>()
    );
    let info = Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse::<usize>()))
        .expect("pdfinfo pages")
        .expect("a number");
    assert!(pages >= 4, "it takes several pages ({pages})");
    let whole = (0..n)
        .filter(|i| text.contains(&squash(&format!("{i}、{sentence}"))))
        .count();
    assert!(whole + 2 * pages >= n, "{whole} of {n} sentences whole");
    assert!(text.contains("备注到此结束。"));
    assert!(text.contains("（续）"), "the continued row is marked");

    // A4 is 841.9 pt high; content stops 20 mm (56.7 pt) above the bottom, the footer rule
    // sits 14 mm (39.7 pt) above it. Only the footer is printed below the content area.
    let content_bottom = 841.9 - 56.7 + 0.5;
    let footer_rule = 841.9 - 39.7;
    let words = words_with_boxes(&path);
    assert!(words.len() > 1000, "{}", words.len());
    for (word, y_min, y_max) in &words {
        assert!(
            *y_max <= content_bottom || *y_min >= footer_rule - 1.0,
            "“{word}” ({y_min:.1}–{y_max:.1} pt) runs into the footer"
        );
    }
}
