//! The sample data's programme steps and funding (示例): the first compound's whole way from
//! plan to hand-over with evidence, the second one's first steps, and funding with one entry
//! that the 90% rule of 五、（一） flags, so a trainee sees every state.

use chrono::NaiveDate;

use crate::model::CompoundId;
use crate::model::funding::{Funding, RedLine, Source, Works};
use crate::model::programme::{Step, StepRecord};
use crate::store::funding::Funded;
use crate::store::{Store, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn step(step: Step, done_on: NaiveDate, unit: &str) -> StepRecord {
    StepRecord {
        step,
        done_on,
        unit: unit.to_owned(),
        count: None,
        note: String::new(),
        details: Vec::new(),
        evidence: Vec::new(),
    }
}

/// A sample value for a step's detail field.
fn detail_for(field: &str, county: &str) -> String {
    match field {
        "方式" => "一区一策".to_owned(),
        "施工单位" => format!("示例·{county}某建筑公司"),
        "监理单位" => "示例·某监理公司".to_owned(),
        "标段" => "一标段".to_owned(),
        "管理方式" => "社区保障性物业".to_owned(),
        "服务内容" => "保洁、绿化、秩序维护".to_owned(),
        "收费标准" => "0.3 元/㎡·月".to_owned(),
        "补贴措施" => "前三年县财政补贴 50%".to_owned(),
        "保修期至" => "2025-10-16".to_owned(),
        _ => "示例".to_owned(),
    }
}

/// `accepted` has its acceptance signed on 2023-10-16; `started` is under construction.
pub(super) fn write(
    store: &mut Store,
    accepted: CompoundId,
    started: CompoundId,
) -> Result<(), StoreError> {
    let today = crate::model::Clock::local().today();
    let place = super::sample_place::SamplePlace::of(store)?;
    let town = &format!("示例·{}人民政府", place.towns[0]);
    let programme = store.programme()?;
    // Before the acceptance (signed 2023-10-16): spread over 2021; after it: from 2023-12.
    let (before, after): (Vec<Step>, Vec<Step>) = programme
        .steps()
        .partition(|s| s.phase().before_acceptance());
    let dated = before
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, day(2021, 3, 5) + chrono::Days::new(10 * i as u64)))
        .chain(
            after
                .iter()
                .enumerate()
                .map(|(i, s)| (*s, day(2023, 12, 20) + chrono::Days::new(8 * i as u64))),
        );
    let mut steps: Vec<StepRecord> = dated
        .map(|(s, on)| {
            let mut record = step(s, on, town);
            record.count = s.count_label().map(|_| 88);
            record.details = s
                .detail_fields()
                .iter()
                .map(|field| (field.clone(), detail_for(field, &place.county)))
                .collect();
            record
        })
        .collect();
    steps.sort_by_key(|r| r.step);
    for (i, record) in steps.iter().enumerate() {
        store.record_step(accepted, record, today)?;
        // Evidence for every step but the third, which shows as 缺证据.
        if i != 2 {
            let name = format!("示例证据{:02}-{}.txt", i + 1, record.step.label());
            let text = format!("示例数据（培训用）：{}的证明材料。", record.step.label());
            store.add_evidence(accepted, record.step, &name, text.as_bytes())?;
        }
    }
    if programme.evaluation_step().is_some() {
        for (evaluated_on, score) in [(day(2024, 6, 30), 86), (day(2024, 12, 30), 91)] {
            let evaluation = crate::model::programme::ServiceEvaluation {
                id: Default::default(),
                evaluated_on,
                unit: "示例·县住建局物业科".to_owned(),
                score,
                note: "示例数据".to_owned(),
            };
            store.add_evaluation(accepted, &evaluation, today)?;
        }
    }
    // The second compound: its first step, and work started in 2024.
    let first_step = before.first().map(|s| (*s, day(2023, 3, 2)));
    let works_start = programme
        .marking(crate::model::programme::Mark::Started)
        .filter(|s| s.phase().before_acceptance())
        .map(|s| (s, day(2024, 3, 1)));
    for (s, on) in first_step.into_iter().chain(works_start) {
        store.record_step(started, &step(s, on, town), today)?;
    }

    let entry = |year, source, project: &str, fen, total| Funding {
        id: Default::default(),
        year,
        source,
        project: project.to_owned(),
        red_line: Some(RedLine::Inside),
        amount_fen: fen,
        project_total_fen: total,
        works: Works::ordinary(),
        tied: true,
        note: "示例数据".to_owned(),
    };
    for f in [
        // 96% of its supporting project: flagged.
        entry(
            2021,
            Source::Central,
            "雨污分流改造",
            96_000_000,
            Some(100_000_000),
        ),
        entry(2021, Source::County, "雨污分流改造", 4_000_000, None),
        entry(
            2021,
            Source::Central,
            "道路及停车位",
            54_000_000,
            Some(80_000_000),
        ),
        entry(2022, Source::Residents, "单元门禁", 500_050, None),
    ] {
        store.add_funding(Funded::Compound(accepted), &f)?;
    }
    Ok(())
}
