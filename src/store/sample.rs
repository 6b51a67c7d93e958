//! The 示例 training data set: a few compounds in a cluster, a finished survey and a finished
//! inspection, so new staff can try the app. Every record is flagged `is_sample` and named 示例·…

use chrono::NaiveDate;

use crate::model::{
    Cluster, ClusterId, Compound, CompoundId, CompoundSurvey, Condition, InspectionId, ItemResult,
    ManagementMode, Rectification, RectificationId, SignMethod, Stroke, StructuralSafety, Subject,
    catalogue::COMPOUND_STANDARD, inspection::default_parties,
};
use crate::store::{Store, StoreError};

/// Refusal to mix sample data into a file with real records.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(
        "该数据库已有 {0} 个正式小区记录。示例数据不会混入正式数据：请指定一个新文件；确需混入时加 --into-existing。"
    )]
    HasRealData(i64),
    #[error("该数据库已含示例数据，无需重复写入。")]
    AlreadyThere,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// (name, town (the pack's first, second or third), street address, owner unit (the county's
/// unit named so, or the town's government), year built, buildings, households). Written for
/// the file's county: in Luoning's file 城关镇, 王范回族镇 and 城郊乡, 洛宁县水利局 and so on.
const COMPOUNDS: [(&str, usize, &str, Owner, i32, u32, u32); 4] = [
    (
        "示例·县水利局家属院",
        0,
        "永宁大道 12 号",
        Owner::County("水利局"),
        1992,
        4,
        96,
    ),
    (
        "示例·供销社家属楼",
        0,
        "东大街 35 号",
        Owner::County("供销合作社"),
        1988,
        2,
        40,
    ),
    (
        "示例·建设路小区",
        1,
        "建设路 8 号",
        Owner::TownGovernment,
        1999,
        6,
        180,
    ),
    (
        "示例·粮站家属院",
        2,
        "粮站路 3 号",
        Owner::County("粮食局"),
        2003,
        3,
        54,
    ),
];

/// Who owns a sample compound.
#[derive(Clone, Copy)]
enum Owner {
    /// A county unit: 洛宁县 + its name.
    County(&'static str),
    /// The town's government: 王范回族镇人民政府.
    TownGovernment,
}

/// Writes the sample data set, in one transaction: all of it or (killed, or failing half-way)
/// none. Refuses a file that holds real compounds unless `into_existing`.
pub fn write_sample(store: &mut Store, into_existing: bool) -> Result<CompoundId, SampleError> {
    store.in_one_transaction(|store| write_all(store, into_existing))
}

fn write_all(store: &mut Store, into_existing: bool) -> Result<CompoundId, SampleError> {
    let (total, samples) = store.compound_counts()?;
    if samples > 0 {
        return Err(SampleError::AlreadyThere);
    }
    if total > 0 && !into_existing {
        return Err(SampleError::HasRealData(total));
    }
    let towns = store.towns()?;
    let place = super::sample_place::SamplePlace::of(store)?;
    let town_id = |name: &str| towns.iter().find(|t| t.name == name).map(|t| t.id);
    let cluster = Cluster {
        id: ClusterId::new(),
        name: "示例·永宁大道片区".to_owned(),
        town_id: town_id(&place.towns[0]),
        plan_year: Some(2022),
    };
    store.save_cluster(&cluster)?;
    let mut ids = Vec::new();
    for (index, (name, town, street, owner, year, buildings, households)) in
        COMPOUNDS.into_iter().enumerate()
    {
        let town = &place.towns[town];
        let owner_unit = match owner {
            Owner::County(unit) => format!("{}{unit}", place.county),
            Owner::TownGovernment => format!("{town}人民政府"),
        };
        let compound = Compound {
            id: CompoundId::new(),
            name: name.to_owned(),
            address: format!("{town}{street}"),
            town_id: town_id(town),
            owner_unit,
            year_built: Some(year),
            buildings: Some(buildings),
            households: Some(households),
            // The first town's two compounds form a cluster.
            cluster_id: (index < 2).then_some(cluster.id),
            is_sample: true,
        };
        store.save_compound(&compound)?;
        ids.push(compound.id);
    }
    let (Some(&first), Some(&failed)) = (ids.first(), ids.get(2)) else {
        return Err(SampleError::AlreadyThere);
    };
    write_sample_survey(store, first)?;

    // One finished inspection: every item 合格, heating 不适用 with its reason.
    let catalogue = store.standards_in_force()?;
    let date = NaiveDate::from_ymd_opt(2023, 10, 16).unwrap_or_default();
    let parties = default_parties(
        &store.policy_pack()?.meta.units,
        Subject::Compound(first),
        Some(&place.towns[0]),
    );
    let id = store.start_inspection(
        Subject::Compound(first),
        catalogue,
        date,
        "示例·张建国、李秀梅",
        &parties,
    )?;
    for item in catalogue.items_of(COMPOUND_STANDARD) {
        if item.code == "XQ-ST-04" {
            store.record_result(id, &item.code, Some(ItemResult::NotApplicable))?;
            store.record_remark(
                id,
                &item.code,
                "城区集中供热管网尚未覆盖该片区，已在改造方案中注明。",
            )?;
        } else {
            store.record_result(id, &item.code, Some(ItemResult::Pass))?;
        }
    }
    store.record_remark(id, "XQ-SY-01", "社区保障性物业，服务合同已备案。")?;
    sign_sample(store, id, parties.len())?;
    write_failed_inspection(store, failed)?;
    write_cluster_acceptance(store, cluster.id)?;
    if let Some(&second) = ids.get(1) {
        super::sample_programme::write(store, first, second)?;
        super::sample_rhythm::write(store, first, second)?;
    }
    Ok(first)
}

/// A cluster acceptance under way: every item checked, but the cluster's second compound has
/// no acceptance yet, so the verdict stays 未完成 and it cannot be signed off as 合格.
fn write_cluster_acceptance(store: &mut Store, cluster: ClusterId) -> Result<(), StoreError> {
    let place = super::sample_place::SamplePlace::of(store)?;
    let parties = default_parties(
        &store.policy_pack()?.meta.units,
        Subject::Cluster(cluster),
        Some(&place.towns[0]),
    );
    let date = NaiveDate::from_ymd_opt(2024, 6, 18).unwrap_or_default();
    let catalogue = store.standards_in_force()?;
    let id = store.start_inspection(
        Subject::Cluster(cluster),
        catalogue,
        date,
        "示例·县验收组",
        &parties,
    )?;
    for item in store.inspection(id)?.items {
        store.record_result(id, &item.standard.code, Some(ItemResult::Pass))?;
    }
    store.record_remark(id, "PQ-JY-05", "永宁大道公厕，距片区中心步行约 6 分钟。")?;
    Ok(())
}

/// A finished survey of the first sample compound: eligible, with a few needs.
fn write_sample_survey(store: &mut Store, compound: CompoundId) -> Result<(), StoreError> {
    let catalogue = store.survey_catalogue_in_force()?;
    let date = NaiveDate::from_ymd_opt(2021, 4, 12).unwrap_or_default();
    let mut survey = CompoundSurvey::new(compound, 1, date, "示例·王海燕".to_owned(), catalogue);
    survey.floors = Some(5);
    survey.floor_area = Some(8640.0);
    survey.management_mode = Some(ManagementMode::None);
    survey.structural_safety = Some(StructuralSafety::Safe);
    survey.demolition_suitable = Some(false);
    survey.households_in_favour = Some(88);
    survey.willingness_method = "入户调查、居民议事会".to_owned();
    for item in &mut survey.items {
        item.condition = Some(match item.code.as_str() {
            "JC-02" | "JC-03" | "JC-06" | "JC-11" | "JC-16" | "HJ-04" => Condition::NeedsRenovation,
            "JC-10" | "JC-12" | "FW-02" | "GL-01" | "GL-05" => Condition::Missing,
            "JC-08" | "HJ-11" | "HJ-13" => Condition::NotConcerned,
            _ => Condition::Good,
        });
        let problems: &[&str] = match item.code.as_str() {
            "JC-02" => &["WT-02", "WT-03"],
            "JC-03" => &["WT-01"],
            "JC-06" => &["RD-01"],
            "JC-11" => &["LT-01"],
            "JC-16" => &["LN-01"],
            "FW-02" => &["MG-02"],
            "GL-05" => &["MG-04"],
            _ => &[],
        };
        item.problems = problems.iter().map(|p| (*p).to_owned()).collect();
    }
    if let Some(item) = survey.items.iter_mut().find(|i| i.code == "JC-10") {
        item.note = "仅大门处有 1 个摄像头，无门禁。".to_owned();
    }
    store.insert_survey(&survey)
}

/// Every party signs (some on screen, some on paper) and the inspection is sealed.
fn sign_sample(store: &mut Store, id: InspectionId, parties: usize) -> Result<(), StoreError> {
    const SIGNERS: [&str; 6] = [
        "示例·赵国强",
        "示例·钱立新",
        "示例·孙卫东",
        "示例·李红",
        "示例·周敏",
        "示例·吴大爷",
    ];
    for position in 0..parties {
        let signer = SIGNERS[position % SIGNERS.len()];
        let method = if position % 2 == 0 {
            SignMethod::Drawn(sample_strokes(position))
        } else {
            SignMethod::WetInk
        };
        store.sign(id, position as u32, signer, &method)?;
    }
    store.sign_off(id)?;
    Ok(())
}

/// A scribble that looks like handwriting: a few waves across the pad.
fn sample_strokes(seed: usize) -> Vec<Stroke> {
    (0..3)
        .map(|s| {
            let x0 = 0.05 + 0.3 * s as f32;
            (0..24)
                .map(|i| {
                    let t = i as f32 / 23.0;
                    let phase = (seed + s) as f32;
                    [
                        x0 + 0.25 * t,
                        0.5 + 0.35 * (t * 9.0 + phase).sin() * (1.0 - t * 0.5),
                    ]
                })
                .collect()
        })
        .collect()
}

/// A failed inspection with rectifications ordered: one already overdue.
fn write_failed_inspection(store: &mut Store, compound: CompoundId) -> Result<(), StoreError> {
    let place = super::sample_place::SamplePlace::of(store)?;
    let parties = default_parties(
        &store.policy_pack()?.meta.units,
        Subject::Compound(compound),
        Some(&place.towns[1]),
    );
    let catalogue = store.standards_in_force()?;
    let date = NaiveDate::from_ymd_opt(2024, 5, 8).unwrap_or_default();
    let id = store.start_inspection(
        Subject::Compound(compound),
        catalogue,
        date,
        "示例·张建国、王海燕",
        &parties,
    )?;
    for item in catalogue.items_of(COMPOUND_STANDARD) {
        store.record_result(id, &item.code, Some(ItemResult::Pass))?;
    }
    let failures = [
        (
            "XQ-LZ-01",
            "5 号楼北侧路面塌陷约 6 ㎡，雨后积水。",
            "塌陷路面挖除重铺，恢复排水坡度。",
            "施工单位",
            NaiveDate::from_ymd_opt(2024, 5, 30).unwrap_or_default(),
        ),
        (
            "XQ-SY-02",
            "北门监控未接入社区平台，门禁未通电。",
            "监控接入社区平台，门禁通电调试。",
            "县联通公司",
            open_deadline(crate::model::Clock::local().today()),
        ),
    ];
    for (code, problem, requirement, unit, deadline) in failures {
        store.record_result(id, code, Some(ItemResult::Fail))?;
        store.record_remark(id, code, problem)?;
        store.save_rectification(&Rectification {
            id: RectificationId::new(),
            inspection_id: id,
            item_code: code.to_owned(),
            requirement: requirement.to_owned(),
            responsible_unit: unit.to_owned(),
            deadline,
        })?;
    }
    Ok(())
}

/// The deadline of the sample's open rectification, written on `today`: still ahead whenever
/// the sample is made, so it shows one rectification under way (整改中), not overdue.
pub fn open_deadline(today: NaiveDate) -> NaiveDate {
    today + chrono::Days::new(90)
}
