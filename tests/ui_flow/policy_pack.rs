//! 文件 › 政策包: the file's pack is shown with the clause of each part; a revised version is
//! read from a folder, what it changes is shown, and it is taken.

use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use yanshou::app::App;
use yanshou::model::sync::Role as MachineRole;
use yanshou::store::Store;

use crate::common::ui::{harness, submit_path, wait_until};

#[test]
fn the_pack_is_shown_and_a_revised_version_is_taken_after_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("示例县.db")).unwrap();
    let pack = yanshou::import::policy_pack::read_pack(&crate::common::test_pack_dir()).unwrap();
    store.start_with_pack(&pack).unwrap();
    store.set_identity("县办", MachineRole::Office).unwrap();
    let revised = crate::common::revised_pack_dir(dir.path());
    let mut h = harness(App::with_store(store, false));
    wait_until(&mut h, |h| !h.state().is_busy());

    h.get_by_label("文件").click();
    h.run();
    h.get_by_label_contains("政策包…").click();
    h.run();
    h.get_by_label("政策包：示例县（990001）");
    h.get_by_label("现行版本：990001/2024-1/v1");
    // Each part with its clause.
    h.get_by_label("乡镇 3 个　〔二、（一）〕");
    h.get_by_label(
        "改造范围：2005 年及以前建成；2006–2010 年建成的须纳入片区　〔二、（一）改造范围〕",
    );

    h.get_by_role_and_label(Role::Button, "载入新版本…").click();
    h.run();
    submit_path(&mut h, revised.to_str().unwrap());
    wait_until(&mut h, |h| {
        h.query_by_label_contains("新版本 990001/2024-1/v2")
            .is_some()
    });
    // The dialog's new size is settled the frame after it changed (egui's sizing pass).
    h.run();
    h.get_by_label("· 新增乡镇：示例新镇");
    h.get_by_label("· 新增标准 XQ-LZ-09：楼道整洁");
    h.get_by_role_and_label(Role::Button, "采用此版本").click();
    h.run();
    wait_until(&mut h, |h| {
        h.query_by_label("现行版本：990001/2024-1/v2").is_some()
    });
    assert!(
        h.state()
            .message()
            .is_some_and(|m| m.text.contains("已采用政策包 990001/2024-1/v2")),
        "{:?}",
        h.state().message()
    );
    h.get_by_label_contains("已载入的版本：990001/2024-1/v1、990001/2024-1/v2");
}

#[test]
fn a_broken_pack_is_said_with_its_line_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("坏包");
    std::fs::create_dir_all(&broken).unwrap();
    for f in ["standards-v1.toml", "survey-v1.toml"] {
        std::fs::copy(crate::common::test_pack_dir().join(f), broken.join(f)).unwrap();
    }
    let text = std::fs::read_to_string(crate::common::test_pack_dir().join("pack.toml"))
        .unwrap()
        .replacen("year = 2024", "year = 1024", 1);
    std::fs::write(broken.join("pack.toml"), text).unwrap();
    let mut h = harness(App::with_store(Store::open_in_memory().unwrap(), false));
    wait_until(&mut h, |h| !h.state().is_busy());
    h.state_mut().handle(yanshou::command::Command::Ui(
        yanshou::command::UiCommand::ShowPolicyPack,
    ));
    h.run();
    h.get_by_label("政策包：洛宁县（410328）");
    h.get_by_role_and_label(Role::Button, "载入新版本…").click();
    h.run();
    submit_path(&mut h, broken.to_str().unwrap());
    wait_until(&mut h, |h| h.state().message().is_some());
    let said = h.state().message().unwrap().text.clone();
    assert!(
        said.contains("政策包文件 pack.toml 第")
            && said.contains("targets[2].year：年度 1024 不在 1990–2100 之间"),
        "{said}"
    );
}

#[test]
fn the_compound_page_walks_the_packs_own_steps() {
    use yanshou::app::Screen;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("示例县.db")).unwrap();
    let pack = yanshou::import::policy_pack::read_pack(&crate::common::test_pack_dir()).unwrap();
    store.start_with_pack(&pack).unwrap();
    let c = crate::common::compound("示例小区");
    store.save_compound(&c).unwrap();
    let mut h = harness(crate::common::ui::app_on(store, Screen::Compound(c.id)));
    h.run();
    // The test county's five steps under its phases, with its plan named.
    h.get_by_label_contains("按示政办〔2024〕1号实施步骤逐步登记");
    for label in [
        "调查摸底",
        "竣工验收",
        "移交管理",
        "　入户调查",
        "　移交物业",
    ] {
        h.get_by_label(label);
    }
    assert!(h.query_by_label("　一征：征求居民意见").is_none());
    let buttons = h
        .get_all_by_role_and_label(Role::Button, "登记…")
        .collect::<Vec<_>>();
    assert_eq!(buttons.len(), 5);
    // 开工 (the 4th) asks for this pack's details.
    buttons[3].click();
    h.run();
    h.get_by_label("组织施工（示政办〔2024〕1号 三、（三））");
    h.get_by_role_and_label(Role::TextInput, "合同工期");
    // 征求居民意见 says its evidence and its count.
    h.get_by_role_and_label(Role::Button, "关闭").click();
    h.run();
    h.get_all_by_role_and_label(Role::Button, "登记…")
        .nth(1)
        .unwrap()
        .click();
    h.run();
    h.get_by_label("证据：居民意见表（签名）");
    h.get_by_role_and_label(Role::TextInput, "同意户数");
}

#[test]
fn the_rhythm_is_the_packs_own() {
    use yanshou::app::Screen;
    use yanshou::model::rhythm::RhythmChoice;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("示例县.db")).unwrap();
    let pack = yanshou::import::policy_pack::read_pack(&crate::common::test_pack_dir()).unwrap();
    store.start_with_pack(&pack).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let mut h = harness(crate::common::ui::app_on(
        store,
        Screen::Rhythm(RhythmChoice::at(day)),
    ));
    h.run();
    assert!(
        h.query_all_by_label_contains("示政办〔2024〕1号附件2")
            .count()
            >= 1
    );
    assert!(h.query_by_label_contains("宁政办").is_none());
    h.get_by_label("季考评").click();
    h.run();
    // This county's weights: 50 / 25 / 25.
    h.get_by_label_contains("履行职责（50 分）、发挥作用（25 分）、工作成效（25 分）");
}
