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

/// `accepted` has its acceptance signed on 2023-10-16; `started` is under construction.
pub(super) fn write(
    store: &mut Store,
    accepted: CompoundId,
    started: CompoundId,
) -> Result<(), StoreError> {
    let today = crate::model::Clock::local().today();
    let place = super::sample_place::SamplePlace::of(store)?;
    let town = &format!("示例·{}人民政府", place.towns[0]);
    let county_government = &format!("示例·{}人民政府", place.county);
    let mut steps = vec![
        step(Step::Scheme, day(2021, 3, 5), town),
        step(Step::Publicity, day(2021, 3, 20), town),
        step(Step::CleanUp, day(2021, 4, 2), town),
        step(Step::Consult, day(2021, 4, 12), "示例·永宁社区居委会"),
        step(Step::Propose, day(2021, 4, 20), "示例·永宁社区党支部"),
        step(Step::Deliberate, day(2021, 4, 25), "示例·永宁社区“两委”"),
        step(Step::Resolve, day(2021, 5, 6), "示例·永宁社区居民代表会议"),
        step(
            Step::PublishResolution,
            day(2021, 5, 8),
            "示例·永宁社区居委会",
        ),
        step(Step::PublishPlan, day(2021, 5, 10), "示例·永宁社区居委会"),
        step(Step::Approved, day(2021, 5, 20), county_government),
        step(Step::Posted, day(2021, 5, 25), "示例·永宁社区居委会"),
        step(
            Step::InvestmentReview,
            day(2021, 7, 1),
            "示例·县财政投资评审中心",
        ),
        step(Step::Tender, day(2021, 8, 10), "示例·县住建局"),
        step(Step::WorksBoard, day(2021, 8, 15), "示例·施工单位"),
        step(Step::WorksStart, day(2021, 8, 20), "示例·施工单位"),
        step(Step::Audit, day(2023, 12, 20), "示例·县审计局"),
        step(Step::HandOver, day(2023, 12, 28), "示例·县住建局"),
        step(Step::Management, day(2024, 1, 5), "示例·永宁物业服务中心"),
    ];
    steps[0].details = vec![("方式".to_owned(), "一区一策".to_owned())];
    steps[3].count = Some(96);
    steps[6].count = Some(88);
    steps[12].details = vec![
        (
            "施工单位".to_owned(),
            format!("示例·{}某建筑公司", place.county),
        ),
        ("监理单位".to_owned(), "示例·洛阳某监理公司".to_owned()),
        ("标段".to_owned(), "一标段".to_owned()),
    ];
    steps[17].details = vec![
        ("管理方式".to_owned(), "社区保障性物业".to_owned()),
        ("服务内容".to_owned(), "保洁、绿化、秩序维护".to_owned()),
        ("收费标准".to_owned(), "0.3 元/㎡·月".to_owned()),
        ("补贴措施".to_owned(), "前三年县财政补贴 50%".to_owned()),
        ("保修期至".to_owned(), "2025-10-16".to_owned()),
    ];
    for (i, record) in steps.iter().enumerate() {
        store.record_step(accepted, record, today)?;
        // Evidence for every step but the clean-up, which shows as 缺证据.
        if record.step != Step::CleanUp {
            let name = format!("示例证据{:02}-{}.txt", i + 1, record.step.label());
            let text = format!("示例数据（培训用）：{}的证明材料。", record.step.label());
            store.add_evidence(accepted, record.step, &name, text.as_bytes())?;
        }
    }
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
    for record in [
        step(Step::Consult, day(2023, 3, 2), "示例·鹿鸣社区居委会"),
        step(Step::Approved, day(2023, 6, 1), county_government),
        step(Step::WorksStart, day(2024, 3, 1), "示例·施工单位"),
    ] {
        store.record_step(started, &record, today)?;
    }

    let entry = |year, source, project: &str, fen, total| Funding {
        id: Default::default(),
        year,
        source,
        project: project.to_owned(),
        red_line: Some(RedLine::Inside),
        amount_fen: fen,
        project_total_fen: total,
        works: Works::Ordinary,
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
