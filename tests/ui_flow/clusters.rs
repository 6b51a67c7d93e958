//! Clusters: the cluster page, its acceptance, batch export and the overall summary.

use crate::common::{self, ui::*};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use yanshou::app::{App, Screen};
use yanshou::command::Command;
use yanshou::store::Store;

/// The sample data in a file, the app on the sample cluster's page.
fn sample_cluster_page() -> (
    tempfile::TempDir,
    yanshou::model::ClusterId,
    Harness<'static, App>,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("s.db")).expect("store");
    yanshou::store::sample::write_sample(&mut store, false).expect("sample");
    let cluster = store.clusters().expect("clusters")[0].id;
    let app = app_on(store, Screen::Cluster(cluster));
    (dir, cluster, harness(app))
}

#[test]
fn a_cluster_batch_export_writes_every_signed_sheet() {
    let (dir, _, mut h) = sample_cluster_page();
    let out = dir.path().join("导出");
    export_to(&mut h, "批量导出已签字验收单…", &out);
    let message = h.state().message().expect("a message").clone();
    assert!(message.text.contains("已导出"), "{message:?}");
    let files: Vec<_> = std::fs::read_dir(&out).expect("folder").collect();
    assert_eq!(files.len(), 1, "the sample cluster has one signed sheet");
}

#[test]
fn a_cluster_acceptance_shows_its_members_and_the_overall_sheet_exports() {
    let (dir, cluster, mut h) = sample_cluster_page();
    h.get_by_label("小区验收合格并交付 1/2 个");
    h.get_by_label_contains("尚未合格：示例·供销社家属楼（尚未验收）");

    // One acceptance at a time: the sample's is not yet signed, so the page continues it.
    assert!(h.query_by_label("开始片区验收").is_none());
    h.get_by_role_and_label(Role::Button, "继续验收（2024年06月18日 第 1 轮）")
        .click();
    h.run();
    let inspection = the_inspection(h.state());
    assert_eq!(
        inspection.subject,
        yanshou::model::Subject::Cluster(cluster)
    );
    assert_eq!(inspection.items.len(), 30);
    h.get_by_label_contains("片区内小区验收情况：合格并交付 1/2");
    h.get_by_label("尚未验收");
    // Clicking the chosen 合格 clears it.
    h.get_by_label("线路网路多杆合一：合格").click();
    h.run();
    assert_eq!(the_inspection(h.state()).items[0].result, None);
    // Every item 合格 by keyboard (from the clicked first item on): still 未完成, and
    // sign-off says why.
    for _ in 0..30 {
        h.key_press(egui::Key::Num1);
        h.run();
    }
    assert_eq!(the_inspection(h.state()).decided_count(), 30);
    h.get_by_label_contains("小区尚未全部验收合格：示例·供销社家属楼（尚未验收）");
    h.get_by_label_contains("片区验收不能判定合格：示例·供销社家属楼（尚未验收）");

    // Back on the cluster page, the office exports the 综合验收汇总表.
    h.state_mut()
        .handle(Command::Show(Screen::Cluster(cluster)));
    h.run();
    assert_eq!(
        h.query_all_by_label("第 1 轮 · 首次验收").count(),
        1,
        "the sample's round, continued: no second acceptance"
    );
    let out = dir.path().join("汇总.pdf");
    export_to(&mut h, "导出综合验收汇总表 PDF…", &out);
    let text = common::pdf_text(&std::fs::read(&out).expect("written"));
    assert!(text.contains(yanshou::export::OVERALL_TITLE), "{text}");
    assert!(text.contains("示例·县水利局家属院"), "{text}");
}

#[test]
fn a_signed_cluster_is_batch_exported_and_later_member_changes_are_shown() {
    use yanshou::model::Subject;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("k.db");
    let mut store = Store::open(&db).expect("store");
    let (cluster, members) = common::signed_cluster(&mut store);
    let app = app_on(store, Screen::Cluster(cluster.id));
    let mut h = harness(app);
    h.get_by_label("小区验收合格并交付 2/2 个");
    let out = dir.path().join("导出");
    export_to(&mut h, "批量导出已签字验收单…", &out);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "小区验收单-乙小区-2026-11-20-第1轮.pdf".to_owned(),
            "小区验收单-甲小区-2026-11-20-第1轮.pdf".to_owned(),
            "片区验收单-永宁片区-2026-11-20-第1轮.pdf".to_owned(),
        ]
    );

    // 乙小区 leaves the cluster, changed by another program on the same file (a second
    // window of this one could only view it): the signed cluster acceptance says so on the
    // cluster page and on its checklist.
    rusqlite::Connection::open(&db)
        .expect("second connection")
        .execute(
            "UPDATE compound SET cluster_id = NULL WHERE id = ?1",
            [members[1].id.to_string()],
        )
        .expect("move");
    h.state_mut()
        .handle(Command::Show(Screen::Cluster(cluster.id)));
    h.run();
    h.get_by_label_contains("片区验收签字确认后，小区情况已有变化：乙小区已不在片区内");
    let round = h
        .state()
        .store()
        .expect("store")
        .newest_inspection(Subject::Cluster(cluster.id))
        .expect("query")
        .expect("a round");
    h.state_mut()
        .handle(Command::Show(Screen::Inspection(round)));
    h.run();
    h.get_by_label_contains("签字确认后片区小区情况已有变化：乙小区已不在片区内");
}

/// A cluster of many members lists them in a box of their own, laying out only the rows in
/// sight (300 members took up to 19 ms in one frame): the first members are there, the last
/// are not laid out until scrolled to, and the count says how many there are.
#[test]
fn a_large_cluster_lists_its_members_in_a_scrolling_box() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("k.db")).expect("store");
    let cluster = yanshou::model::Cluster {
        id: yanshou::model::ClusterId::new(),
        name: "大片区".to_owned(),
        town_id: None,
        plan_year: Some(2024),
    };
    store.save_cluster(&cluster).expect("cluster");
    for i in 0..120 {
        let mut c = common::compound(&format!("成员{i:03}号院"));
        c.cluster_id = Some(cluster.id);
        store.save_compound(&c).expect("compound");
    }
    let mut h = harness(app_on(store, Screen::Cluster(cluster.id)));
    h.run();
    h.get_by_label("成员小区（120 个）");
    h.get_by_label("成员000号院");
    assert!(h.query_by_label("成员119号院").is_none());
}
