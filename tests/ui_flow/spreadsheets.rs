//! The office's spreadsheets in the app: a register from WPS is previewed with its problems
//! and registered; the 台账 is written as a workbook.

use eframe::egui::accesskit::Role as A11y;
use egui_kittest::kittest::Queryable;
use yanshou::app::App;
use yanshou::store::Store;

use crate::common::ui::{harness, submit_path, wait_until};

fn menu(h: &mut egui_kittest::Harness<'_, App>, item: &str) {
    h.run();
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label_contains(item).click();
    h.run();
}

#[test]
fn an_office_clerk_imports_last_years_register_and_exports_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("2023年台账.csv");
    std::fs::write(
        &sheet,
        "洛宁县老旧小区台账\n\n序号,小区名称,乡镇,年代,住户\n1,永宁小区,城关,1995年,96户\n2,老城小区,城郊乡,90年代,40\n3,鹿鸣小区,城关镇,1998,120\n合计,,,,256\n",
    )
    .unwrap();
    let mut h = harness(App::with_store(Store::open_in_memory().unwrap(), false));
    menu(&mut h, "导入小区名册");
    submit_path(&mut h, sheet.to_str().unwrap());
    wait_until(&mut h, |h| h.query_by_label_contains("可登记 ").is_some());
    h.run();
    assert!(
        h.query_by_label_contains("可登记 2 个小区；1 行有问题")
            .is_some()
    );
    assert!(h.query_by_label_contains("“90年代”不是年份").is_some());
    assert!(
        h.query_by_label("第 7 行是合计行，不作为小区登记。")
            .is_some()
    );
    // The guessed columns can be changed: without 建成年代, row 5 is fine too.
    h.get_by_role_and_label(A11y::ComboBox, "建成年代").click();
    h.run();
    h.get_by_label("（表中没有）").click();
    h.run();
    assert!(
        h.query_by_label_contains("可登记 3 个小区；0 行有问题")
            .is_some()
    );
    // Back to the guess, and register the two good rows.
    h.get_by_role_and_label(A11y::ComboBox, "建成年代").click();
    h.run();
    h.get_by_label("第 D 列 年代").click();
    h.run();
    h.get_by_role_and_label(A11y::Button, "登记 2 个小区")
        .click();
    h.run();
    let rows = h.state().store().unwrap().compound_rows().unwrap();
    let mut names: Vec<(String, String, Option<i32>)> = rows
        .into_iter()
        .map(|r| (r.compound.name, r.town_name, r.compound.year_built))
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            ("永宁小区".to_owned(), "城关镇".to_owned(), Some(1995)),
            ("鹿鸣小区".to_owned(), "城关镇".to_owned(), Some(1998)),
        ]
    );
    assert!(
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("已登记 2 个小区；1 行有问题"))
    );

    // 文件 › 导出台账（Excel）…
    menu(&mut h, "导出台账（Excel）");
    let ledger = dir.path().join("台账.xlsx");
    submit_path(&mut h, ledger.to_str().unwrap());
    wait_until(&mut h, |h| {
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("已导出"))
            && !h.state().is_exporting()
    });
    let grid = yanshou::import::register::read_register(&ledger).unwrap();
    assert_eq!(grid.rows.len(), 3);
    assert_eq!(grid.rows[0][1], "小区名称");
}
