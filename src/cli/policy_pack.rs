//! `yanshou pack check DIR`, `yanshou pack new --from NAME DIR`, and the pack `init --pack`
//! starts a file with.

use std::path::Path;

use anyhow::bail;

use crate::model::policy_pack::{BUILT_IN, PackFiles, PolicyPack};

/// Checks the pack in `dir` and says what it holds, part by part with its clause.
pub(super) fn check(dir: &Path) -> anyhow::Result<()> {
    let pack = crate::import::policy_pack::read_pack(dir)?;
    say(&pack);
    outln!(
        "检查通过：可用 `yanshou --db 新文件 init --pack {}` 新建此县的文件。",
        dir.display()
    );
    Ok(())
}

/// Says which county and plan a pack is for, and what it holds.
pub(super) fn say(pack: &PolicyPack) {
    let m = &pack.meta;
    outln!(
        "{}（{}）政策包，版本 {}",
        m.county.name,
        m.county.code,
        m.version
    );
    outln!(
        "依据：{}《{}》（{}）",
        m.plan.number,
        m.plan.title,
        m.plan.date
    );
    for (what, clause) in pack.parts() {
        outln!("  {what}　〔{clause}〕");
    }
}

/// Copies the built-in pack `from` into the new folder `dir`.
pub(super) fn new(from: &str, dir: &Path) -> anyhow::Result<()> {
    let Some(files) = PackFiles::built_in(from) else {
        let names: Vec<&str> = BUILT_IN.iter().map(|(n, _)| *n).collect();
        bail!(
            "没有名为“{from}”的内置政策包；可用的有：{}。",
            names.join("、")
        );
    };
    crate::export::policy_pack::write_pack(&files, dir)?;
    outln!(
        "已把内置政策包“{from}”复制到 {}：改写 pack.toml（县名、代码、文号、乡镇、目标等）与目录文件后，用 `yanshou pack check {}` 检查。",
        dir.display(),
        dir.display()
    );
    Ok(())
}
