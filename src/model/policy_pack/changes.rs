//! What a revised pack changes against the one in force, said line by line before an office
//! accepts it: standards items added, removed and reworded, towns, targets, the rules.

use super::PolicyPack;
use crate::model::catalogue::Catalogue;

/// The changes from `old` to `new`, one sentence each (empty: the same content).
pub fn changes(old: &PolicyPack, new: &PolicyPack) -> Vec<String> {
    let mut out = Vec::new();
    let (o, n) = (&old.meta, &new.meta);
    if o.plan != n.plan {
        out.push(format!(
            "依据文件：{}《{}》→ {}《{}》",
            o.plan.number, o.plan.title, n.plan.number, n.plan.title
        ));
    }
    standards(old.current_standards(), new.current_standards(), &mut out);
    let old_survey = old.survey.last().map(|c| c.version.as_str());
    let new_survey = new.survey.last().map(|c| c.version.as_str());
    if old_survey != new_survey {
        out.push(format!(
            "调查目录：{} → {}",
            old_survey.unwrap_or("—"),
            new_survey.unwrap_or("—")
        ));
    }
    for town in n.towns.names.iter().filter(|t| !o.towns.names.contains(t)) {
        out.push(format!("新增乡镇：{town}"));
    }
    for town in o.towns.names.iter().filter(|t| !n.towns.names.contains(t)) {
        out.push(format!(
            "删去乡镇：{town}（已登记在该乡镇的小区不受影响，乡镇仍保留）"
        ));
    }
    let when = |t: &super::PackTarget| match (t.year, t.span) {
        (Some(y), _) => format!("{y} 年"),
        (None, Some([a, b])) => format!("{a}–{b} 年"),
        _ => String::new(),
    };
    for t in &n.targets {
        let before = o
            .targets
            .iter()
            .find(|x| x.year == t.year && x.span == t.span);
        let now = format!("小区 {} 个、{} 户", t.compounds, t.households);
        match before {
            Some(b)
                if (b.compounds, b.households, b.clusters)
                    == (t.compounds, t.households, t.clusters) => {}
            Some(b) => out.push(format!(
                "目标任务 {}：小区 {} 个、{} 户 → {now}",
                when(t),
                b.compounds,
                b.households
            )),
            None => out.push(format!("新增目标任务 {}：{now}", when(t))),
        }
    }
    if o.eligibility != n.eligibility {
        out.push(format!(
            "改造范围：{} 年前建成（{}–{} 年须纳入片区），意愿 {} → {} 年前建成（{}–{} 年须纳入片区），意愿 {}",
            o.eligibility.built_by,
            o.eligibility.cluster_only[0],
            o.eligibility.cluster_only[1],
            o.eligibility.willingness_share,
            n.eligibility.built_by,
            n.eligibility.cluster_only[0],
            n.eligibility.cluster_only[1],
            n.eligibility.willingness_share
        ));
    }
    if o.steps != n.steps || o.phases != n.phases {
        out.push(format!(
            "实施步骤：{} 个阶段 {} 步 → {} 个阶段 {} 步",
            o.phases.len(),
            o.steps.len(),
            n.phases.len(),
            n.steps.len()
        ));
    }
    if o.funding != n.funding {
        out.push(format!(
            "资金：中央补助上限 {}% → {}%；不得用于 {} 项 → {} 项",
            o.funding.central_cap_percent,
            n.funding.central_cap_percent,
            o.funding.trunk_works.len(),
            n.funding.trunk_works.len()
        ));
    }
    if o.units != n.units {
        out.push(format!(
            "参加验收单位：小区 {} → {}；片区 {} → {}",
            o.units.compound.join("、"),
            n.units.compound.join("、"),
            o.units.cluster.join("、"),
            n.units.cluster.join("、")
        ));
    }
    if o.rhythm != n.rhythm {
        out.push("推进机制（附件2）的报送单位或考评分值有改动".to_owned());
    }
    out
}

fn standards(old: &Catalogue, new: &Catalogue, out: &mut Vec<String>) {
    if old.version != new.version {
        out.push(format!("验收标准目录：{} → {}", old.version, new.version));
    }
    for item in &new.items {
        match old.items.iter().find(|i| i.code == item.code) {
            None => out.push(format!("新增标准 {}：{}", item.code, item.text)),
            Some(before) if before.text != item.text => out.push(format!(
                "改写标准 {}：“{}” → “{}”",
                item.code, before.text, item.text
            )),
            Some(before) if before.required != item.required => out.push(format!(
                "标准 {}：{} → {}",
                item.code,
                if before.required {
                    "必须合格"
                } else {
                    "不必合格"
                },
                if item.required {
                    "必须合格"
                } else {
                    "不必合格"
                }
            )),
            Some(_) => {}
        }
    }
    for item in old
        .items
        .iter()
        .filter(|i| !new.items.iter().any(|n| n.code == i.code))
    {
        out.push(format!("删去标准 {}：{}", item.code, item.text));
    }
}
