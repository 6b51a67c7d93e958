//! The sample data's 附件2 rhythm (示例): a week of daily reports up to today (two coordination
//! matters, one closed and one carried forward), a weekly meeting with one decision done and one
//! open, this month's observation route, and this quarter's scores with a praise and a
//! criticism. Marked `is_sample`, so the office's reports leave them out once real records exist.

use chrono::{Days, NaiveDate};

use crate::model::CompoundId;
use crate::model::rhythm::{
    ActionItem, DailyReport, Meeting, Month, Quarter, QuarterScore, UnitKind,
};
use crate::store::{Store, StoreError};

fn report(
    date: NaiveDate,
    unit: &str,
    kind: UnitKind,
    compound: Option<CompoundId>,
    texts: [&str; 3],
) -> DailyReport {
    DailyReport {
        date,
        unit: unit.to_owned(),
        kind: Some(kind),
        compound,
        work_done: texts[0].to_owned(),
        good_practice: texts[1].to_owned(),
        matters: texts[2].to_owned(),
        ..DailyReport::default()
    }
}

/// `accepted`: the sample's finished compound; `started`: the one under construction.
pub(super) fn write(
    store: &mut Store,
    accepted: CompoundId,
    started: CompoundId,
) -> Result<(), StoreError> {
    let today = super::today();
    let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap_or(today);
    let place = super::sample_place::SamplePlace::of(store)?;
    let town = &format!("示例·{}人民政府", place.towns[0]);
    let contractor = &format!("示例·{}第一建筑公司（一标段）", place.county);
    let power = &format!("示例·国网{}供电公司", place.county);
    let mut reports = Vec::new();
    for back in (0..7).rev() {
        let date = day(back);
        reports.push(report(
            date,
            contractor,
            UnitKind::Contractor,
            Some(started),
            [
                "雨污分流管网开挖 60 米，完成检查井 2 座。",
                if back == 5 {
                    "夜间施工前逐户告知，设置临时便道。"
                } else {
                    ""
                },
                match back {
                    6 => "3 号楼北侧电杆影响管沟开挖，需供电公司迁移。",
                    4 => "小区南门燃气管道与雨水管交叉，需燃气公司现场确认改线方案。",
                    _ => "",
                },
            ],
        ));
        if back % 2 == 0 {
            reports.push(report(
                date,
                town,
                UnitKind::Responsible,
                Some(started),
                ["入户宣传改造方案，收集居民意见 12 条。", "", ""],
            ));
        }
    }
    reports.push(report(
        day(1),
        power,
        UnitKind::Utility,
        None,
        ["勘察 3 号楼北侧电杆迁移位置，制定停电计划。", "", ""],
    ));
    let mut ids = Vec::new();
    for r in &reports {
        ids.push(store.add_daily_report(r)?);
    }
    // The power line matter stays open (carried forward); the gas one was settled two days on.
    if let Some(gas) = reports.iter().position(|r| r.matters.contains("燃气")) {
        store.resolve_matters(
            &ids[gas],
            day(2),
            "燃气公司现场确认，改线方案已定，随雨水管施工同步实施。",
        )?;
    }
    let meeting = Meeting {
        id: Default::default(),
        held_on: day(3),
        units: [town, contractor, power, "示例·县住房和城乡建设局"]
            .map(str::to_owned)
            .to_vec(),
        progress: "一标段雨污分流完成约四成；永宁路小区已交付，进入长效管理。县住建局通报本周进度，传达市里关于雨季施工安全的要求。".to_owned(),
        actions: vec![
            ActionItem {
                id: Default::default(),
                meeting_id: Default::default(),
                text: "3 号楼北侧电杆迁移".to_owned(),
                owner: power.to_owned(),
                due_on: day(1),
                closed_on: None,
            },
            ActionItem {
                id: Default::default(),
                meeting_id: Default::default(),
                text: "补齐施工围挡和工程信息公示牌".to_owned(),
                owner: contractor.to_owned(),
                due_on: day(2),
                closed_on: None,
            },
        ],
    };
    let meeting_id = store.add_meeting(&meeting)?;
    let board: Option<crate::model::ActionItemId> = store
        .meetings()?
        .into_iter()
        .find(|m| m.id == meeting_id)
        .and_then(|m| m.actions.into_iter().find(|a| a.text.contains("公示牌")))
        .map(|a| a.id);
    if let Some(board) = board {
        store.close_action(&board, Some(day(2)))?;
    }
    store.set_observation_route(
        Month::of(today),
        &[
            (accepted, "已交付：看改造全过程资料和长效管理。".to_owned()),
            (started, "施工中：看雨污分流和安全文明施工。".to_owned()),
        ],
    )?;
    let quarter = Quarter::of(today);
    // Each part as a share of its full marks on the county's scale (its pack's weights).
    let pack = store.policy_pack()?;
    let rhythm = &pack.meta.rhythm;
    let scale = rhythm.score;
    let share = |percent: u32, max: u32| u8::try_from((percent * max + 50) / 100).ok();
    let score = |unit: &str, kind, parts: [Option<u32>; 4], note: &str| QuarterScore {
        id: Default::default(),
        unit: unit.to_owned(),
        kind: Some(kind),
        duties: parts[0].and_then(|p| share(p, scale.duties)),
        role: parts[1].and_then(|p| share(p, scale.role)),
        results: parts[2].and_then(|p| share(p, scale.results)),
        progress: parts[3].and_then(|p| share(p, scale.progress)),
        note: note.to_owned(),
    };
    let scores = [
        score(
            town,
            UnitKind::Responsible,
            [Some(92), Some(90), Some(93), None],
            "听取汇报、查阅资料、现场检查",
        ),
        score(
            contractor,
            UnitKind::Contractor,
            [None, None, None, Some(82)],
            "按计划推进",
        ),
        score(
            power,
            UnitKind::Utility,
            [None, None, None, Some(55)],
            "电杆迁移滞后，影响管沟开挖",
        ),
    ];
    for s in scores
        .iter()
        .filter(|s| s.kind.is_some_and(|k| rhythm.kind_name(k.code()).is_some()))
    {
        store.save_quarter_score(quarter, s)?;
    }
    let tx = store.begin()?;
    for id in &ids {
        tx.execute("UPDATE daily_report SET is_sample = 1 WHERE id = ?1", [id])?;
    }
    tx.execute(
        "UPDATE meeting SET is_sample = 1 WHERE id = ?1",
        [&meeting_id],
    )?;
    tx.execute(
        "UPDATE quarter_score SET is_sample = 1 WHERE unit LIKE '示例·%'",
        [],
    )?;
    tx.commit()
}
