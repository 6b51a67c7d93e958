//! The programme's phases and steps in a pack (四、实施步骤): checked, read as a format-2 pack
//! says them when the pack is of format 1, and made into the `Programme` steps point into.

use super::{I, In, K, PackProblem, unique};
use crate::model::policy_pack::{MAIN_FILE, PackFiles, PackToml};
use crate::model::programme::{Mark, PhaseDef, Programme, StepDef};

/// The pack's programme, its phases and steps in their order.
pub(super) fn programme(main: &In<'_>, meta: &PackToml) -> Result<Programme, PackProblem> {
    Programme::new(
        &meta.version,
        &meta.plan.number,
        meta.phases
            .iter()
            .map(|p| PhaseDef {
                code: p.code.clone(),
                name: p.name.clone(),
                clause: p.clause.clone(),
                acceptance: p.acceptance,
            })
            .collect(),
        meta.steps
            .iter()
            .map(|s| StepDef {
                code: s.code.clone(),
                phase: s.phase.clone(),
                name: s.name.clone(),
                count: s.count.clone(),
                details: s.details.clone(),
                local_rule: s.local_rule.clone(),
                evidence: s.evidence.clone(),
                evaluations: s.evaluations,
                marks: s.marks.as_deref().and_then(Mark::from_code),
            })
            .collect(),
    )
    .map_err(|e| main.at(&[K("steps")], e.to_string()))
}

/// A format-1 pack kept what its steps meant in code, as Luoning's steps: its phase coded
/// `acceptance` is the one the acceptance records give, and a step with one of Luoning's step
/// codes counts, details, evaluates and marks progress as Luoning's does.
pub(super) fn format_1_as_2(meta: &mut PackToml) {
    let luoning = PackFiles::built_in("luoning")
        .and_then(|files| files.get(MAIN_FILE).map(toml::from_str::<PackToml>))
        .and_then(Result::ok);
    for p in &mut meta.phases {
        p.acceptance = p.code == "acceptance";
    }
    let Some(luoning) = luoning else {
        return;
    };
    for step in &mut meta.steps {
        if let Some(built_in) = luoning.steps.iter().find(|s| s.code == step.code) {
            step.count.clone_from(&built_in.count);
            step.details.clone_from(&built_in.details);
            step.local_rule.clone_from(&built_in.local_rule);
            step.evaluations = built_in.evaluations;
            step.marks.clone_from(&built_in.marks);
        }
    }
}

pub(super) fn check_steps(f: &In<'_>, m: &PackToml) -> Result<(), PackProblem> {
    if m.phases.is_empty() || m.steps.is_empty() {
        return Err(f.at(&[K("steps")], "至少要有一个阶段和一个步骤"));
    }
    for (i, p) in m.phases.iter().enumerate() {
        f.filled(&[K("phases"), I(i), K("code")], &p.code, "编码")?;
        f.filled(&[K("phases"), I(i), K("name")], &p.name, "名称")?;
        f.filled(&[K("phases"), I(i), K("clause")], &p.clause, "依据条款")?;
    }
    unique(
        f,
        m.phases.iter().map(|p| p.code.as_str()),
        |i| vec![K("phases"), I(i), K("code")],
        "阶段编码",
    )?;
    unique(
        f,
        m.steps.iter().map(|s| s.code.as_str()),
        |i| vec![K("steps"), I(i), K("code")],
        "步骤编码",
    )?;
    let acceptance: Vec<usize> = (0..m.phases.len())
        .filter(|&i| m.phases[i].acceptance)
        .collect();
    if acceptance.len() != 1 {
        let at = acceptance.get(1).map_or(vec![K("phases")], |&i| {
            vec![K("phases"), I(i), K("acceptance")]
        });
        return Err(f.at(
            &at,
            format!(
                "须恰有一个阶段标为 acceptance = true（工程验收，取自验收记录），现有 {} 个",
                acceptance.len()
            ),
        ));
    }
    if let Some(i) = m.steps.iter().position(|s| s.evaluations)
        && let Some(j) = m.steps[i + 1..].iter().position(|s| s.evaluations)
    {
        return Err(f.at(
            &[K("steps"), I(i + 1 + j), K("evaluations")],
            "只能有一个步骤标为 evaluations = true（其后评价物业服务）",
        ));
    }
    let phase_rank = |code: &str| m.phases.iter().position(|p| p.code == code);
    let mut last_phase = 0;
    for (i, s) in m.steps.iter().enumerate() {
        f.filled(&[K("steps"), I(i), K("code")], &s.code, "编码")?;
        f.filled(&[K("steps"), I(i), K("name")], &s.name, "名称")?;
        let Some(rank) = phase_rank(&s.phase) else {
            return Err(f.at(
                &[K("steps"), I(i), K("phase")],
                format!("没有编码为“{}”的阶段（见 [[phases]]）", s.phase),
            ));
        };
        if rank < last_phase {
            return Err(f.at(
                &[K("steps"), I(i), K("phase")],
                format!(
                    "步骤“{}”属于阶段“{}”，却排在后一阶段“{}”的步骤之后：请按阶段顺序排列",
                    s.name, m.phases[rank].name, m.phases[last_phase].name
                ),
            ));
        }
        if m.phases[rank].acceptance {
            return Err(f.at(
                &[K("steps"), I(i), K("phase")],
                format!(
                    "步骤“{}”属于“{}”阶段：该阶段取自验收记录，不登记步骤",
                    s.name, m.phases[rank].name
                ),
            ));
        }
        if let Some(count) = &s.count {
            f.filled(&[K("steps"), I(i), K("count")], count, "计数的含义")?;
        }
        for (j, d) in s.details.iter().enumerate() {
            f.filled(&[K("steps"), I(i), K("details"), I(j)], d, "明细栏名称")?;
        }
        if let Some(mark) = &s.marks {
            if Mark::from_code(mark).is_none() {
                return Err(f.at(
                    &[K("steps"), I(i), K("marks")],
                    format!(
                        "marks 只能是 \"started\"（开工）或 \"handed_over\"（交付），不是“{mark}”"
                    ),
                ));
            }
            if m.steps[..i].iter().any(|t| t.marks.as_ref() == Some(mark)) {
                return Err(f.at(
                    &[K("steps"), I(i), K("marks")],
                    format!("marks = \"{mark}\" 只能标在一个步骤上"),
                ));
            }
        }
        last_phase = rank;
        if let Some(after) = &s.after {
            match m.steps.iter().position(|t| t.code == *after) {
                Some(j) if j < i => {}
                Some(_) => {
                    return Err(f.at(
                        &[K("steps"), I(i), K("after")],
                        format!(
                            "步骤“{}”排在它的前一步“{after}”之前：请把“{after}”移到它前面",
                            s.name
                        ),
                    ));
                }
                None => {
                    return Err(f.at(
                        &[K("steps"), I(i), K("after")],
                        format!("没有编码为“{after}”的步骤"),
                    ));
                }
            }
        }
    }
    Ok(())
}
