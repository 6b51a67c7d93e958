//! The longest stall of the UI thread while each screen opens at 100,000 compounds: the
//! command that shows it, then every frame (layout and tessellation, no GPU) until its records
//! are on screen. A screen that reads many records reads them on a thread of its own; what the
//! UI thread does must stay under a frame (16 ms).

use std::time::{Duration, Instant};

use eframe::egui;

use crate::app::App;
use crate::command::{Command, Screen};
use crate::store::Store;
use crate::ui::Page;

use super::figures::{ms, tempfile_dir};

pub(super) fn run() -> anyhow::Result<()> {
    let dir = tempfile_dir()?;
    let path = dir.join("screens.db");
    let opened = prepare(&path)?;
    open_every_screen(&path, &opened, true)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// What a prepared file holds for the screens to open: a cluster of 300 and one of its members.
pub(super) struct Prepared {
    cluster: crate::model::ClusterId,
    member: crate::model::CompoundId,
}

/// A file of 100,000 compounds at `path`, with a cluster of 300 of them.
pub(super) fn prepare(path: &std::path::Path) -> anyhow::Result<Prepared> {
    let started = Instant::now();
    let mut store = super::fill_register(Store::open(path)?, 100_000)?;
    // A cluster of 300 compounds, for the cluster page.
    let cluster = crate::model::Cluster {
        id: crate::model::ClusterId::new(),
        name: "测试片区".to_owned(),
        town_id: None,
        plan_year: Some(2024),
    };
    store.save_cluster(&cluster)?;
    let members: Vec<crate::model::CompoundId> = store
        .compound_rows()?
        .into_iter()
        .take(300)
        .map(|r| r.compound.id)
        .collect();
    for id in &members {
        let mut c = store.compound(*id)?;
        c.cluster_id = Some(cluster.id);
        store.save_compound(&c)?;
    }
    outln!(
        "（准备 100,000 个小区的文件：{:.1} s）",
        started.elapsed().as_secs_f64()
    );
    Ok(Prepared {
        cluster: cluster.id,
        member: members[0],
    })
}

/// Opens every screen in turn on the prepared file, each figure printed when `say`; returns
/// the longest UI-thread stall.
pub(super) fn open_every_screen(
    path: &std::path::Path,
    prepared: &Prepared,
    say: bool,
) -> anyhow::Result<Duration> {
    let store = Store::open(path)?;
    let ctx = egui::Context::default();
    crate::ui::setup(&ctx);
    let frame = |app: &mut App| super::figures::app_frame(&ctx, app);
    let start = Instant::now();
    let mut app = App::with_store(store, false);
    let opened = start.elapsed();
    let today = chrono::Local::now().date_naive();
    let screens = [
        ("小区名册", Screen::Register),
        ("整改清单", Screen::Rectifications),
        ("进度", Screen::Progress),
        ("片区（300 个小区）", Screen::Cluster(prepared.cluster)),
        ("小区页面", Screen::Compound(prepared.member)),
        (
            "推进机制",
            Screen::Rhythm(crate::model::rhythm::RhythmChoice::at(today)),
        ),
        ("数据交换", Screen::Exchange),
        ("设置与备份", Screen::Settings),
        ("小区名册（返回）", Screen::Register),
        ("进度（再次）", Screen::Progress),
        ("片区（再次）", Screen::Cluster(prepared.cluster)),
    ];
    if say {
        outln!("打开窗口（名册开始后台读取）：界面线程 {}", ms(opened));
    }
    let mut worst = opened;
    for (name, screen) in screens {
        let start = Instant::now();
        app.handle(Command::Show(screen));
        let mut longest = start.elapsed();
        let mut frames = 0;
        loop {
            longest = longest.max(frame(&mut app));
            frames += 1;
            let loading = matches!(app.page(), Page::Loading(_)) || app.is_busy();
            if (!loading && frames >= 3) || frames > 2000 {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        worst = worst.max(longest);
        if !say {
            continue;
        }
        outln!(
            "打开{name}：界面线程最长一次 {}，至记录全部显示 {}（{frames} 帧）",
            ms(longest),
            ms(start.elapsed())
        );
    }
    if say {
        outln!("各页面界面线程最长停顿：{}（目标 16 ms 以内）", ms(worst));
    }
    Ok(worst)
}
