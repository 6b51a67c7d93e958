//! Field packages from the command line: `export-package`, `import-package`, `identity`,
//! `peers`. The same store calls as the window's.

use std::path::Path;

use anyhow::{Context as _, bail};

use crate::export::Document;
use crate::job::Progress;
use crate::model::sync::{Role, short_device_id};
use crate::store::Store;
use crate::store::sync::Scope;

/// Writes a package for `to` (a peer's id or name; none for a machine not met yet).
pub fn export_package(
    store: &mut Store,
    out: &Path,
    to: Option<&str>,
    all: bool,
    town: Option<&str>,
) -> anyhow::Result<()> {
    let destination = match to {
        Some(to) => {
            let peers = store.peers()?;
            let Some(peer) = peers.iter().find(|p| p.id == to || p.name == to) else {
                if peers.is_empty() {
                    bail!(
                        "本机还没有与任何电脑交换过数据包，所以还不认识“{to}”。第一次发给县办时不要加 --to\
                         （`yanshou export-package --out 文件.yspkg` 导出给未见过的接收方）；县办导入后会认识本机，\
                         县办发回的数据包导入本机后，本机也就认识县办了，以后可以用 --to。"
                    );
                }
                let names: Vec<&str> = peers.iter().map(|p| p.name.as_str()).collect();
                bail!(
                    "不认识接收方“{to}”：本机与这些电脑交换过数据包：{}。发给新的接收方请不加 --to。",
                    names.join("、")
                );
            };
            Some(peer.id.clone())
        }
        None => None,
    };
    let town = match town {
        Some(name) => {
            let towns = store.towns()?;
            let Some(t) = towns.iter().find(|t| t.name == name) else {
                bail!("没有乡镇“{name}”");
            };
            Some(t.id)
        }
        None => None,
    };
    let scope = if all || town.is_some() {
        Scope::Everything { town }
    } else {
        Scope::Changes
    };
    let document = Document::FieldPackage { destination, scope };
    let clock = crate::model::Clock::local();
    let outcome = document.write(store, out, &clock, &Progress::unobserved());
    if let Some(error) = outcome.error {
        return Err(error.into());
    }
    let Some(manifest) = outcome.package else {
        bail!("数据包没有写出");
    };
    store.record_sent(&manifest, &file_name(out))?;
    let rows: u64 = manifest
        .counts
        .values()
        .map(|c| c.inserts + c.updates + c.deletes)
        .sum();
    let what = match (manifest.snapshot_covers, manifest.range) {
        (Some(_), _) => "全部数据".to_owned(),
        (None, Some((first, last))) => format!("第 {first}-{last} 号变更"),
        (None, None) => "没有新的变更".to_owned(),
    };
    outln!(
        "已导出数据包 {}：{what}，{rows} 行记录，{} 张照片（{} KB）",
        out.display(),
        manifest.photos,
        outcome.written.first().map_or(0, |(_, s)| s.div_ceil(1024))
    );
    Ok(())
}

/// Imports the package at `package`.
pub fn import_package(
    store: &mut Store,
    package: &Path,
    checked_fingerprint: Option<&str>,
) -> anyhow::Result<()> {
    let read = crate::import::package::read_package(package)?;
    // A machine whose key this file does not know: its fingerprint is checked by telephone
    // before anything of its package is applied, as the app asks.
    let known = store
        .known_devices()?
        .iter()
        .any(|d| d.id == read.manifest.source_id);
    if let (Some(key), false) = (&read.sender_key, known) {
        let fingerprint = crate::model::device_key::fingerprint(key);
        let same = |typed: &str| {
            let bare = |t: &str| {
                t.chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_uppercase())
                    .collect::<String>()
            };
            bare(typed) == bare(&fingerprint)
        };
        match checked_fingerprint {
            Some(typed) if same(typed) => {}
            Some(typed) => bail!(
                "数据包声称来自“{}”，它的密钥指纹是 {fingerprint}，与核对的“{typed}”不符：可能是别人冒充它做的，未导入，本机数据未改动。",
                read.manifest.source_name
            ),
            None => bail!(
                "首次收到“{}”的数据包，它的密钥指纹是 {fingerprint}。请打电话请对方在其“数据交换”页读出“密钥指纹”核对，无误后加上 --fingerprint \"{fingerprint}\" 重新导入（或先用 enrol 导入对方的登记文件）。本机数据未改动。",
                read.manifest.source_name
            ),
        }
    }
    let outcome = store
        .import_package(&read, &file_name(package))
        .with_context(|| format!("导入数据包 {}", package.display()))?;
    outln!("{}", outcome.summary());
    Ok(())
}

/// Shows this file's identity, or sets its name and role.
pub fn identity(store: &mut Store, name: Option<&str>, role: Option<&str>) -> anyhow::Result<()> {
    let Some(current) = store.identity()? else {
        bail!("此文件没有本机身份（只读打开）");
    };
    let role = match role {
        Some("office" | "县办") => Role::Office,
        Some("field" | "外业") => Role::Field,
        Some(other) => bail!("角色“{other}”无法识别：请用 office（县办）或 field（外业）"),
        None => current.role,
    };
    let identity = if name.is_some() || role != current.role {
        store.set_identity(name.unwrap_or(&current.name), role)?
    } else {
        current
    };
    outln!(
        "本机：{}（编号 {}，密钥指纹 {}）",
        identity.describe(),
        short_device_id(&identity.id),
        crate::model::device_key::fingerprint(&store.public_identity()?.public_key)
    );
    Ok(())
}

/// The conflicts and look-alikes waiting for a user, by record, as the exchange screen lists
/// them (they are settled there).
pub fn conflicts(store: &Store) -> anyhow::Result<()> {
    let records = store.open_conflicts()?;
    let clock = crate::model::Clock::local();
    let fields: usize = records.iter().map(|r| r.fields.len()).sum();
    outln!("待处理的冲突：{} 条记录，{fields} 处", records.len());
    for record in &records {
        outln!("  {}", record.record);
        for f in &record.fields {
            let only_ours = if f.theirs_available {
                ""
            } else {
                "（只能以本机为准）"
            };
            outln!(
                "    {}：本机“{}”，{}（{}）改为“{}”{only_ours}",
                f.label,
                f.ours,
                f.origin_name,
                clock.time_text(&f.their_time),
                f.theirs
            );
        }
    }
    let offers = store.duplicates()?;
    outln!("疑似重复：{} 处", offers.len());
    for d in &offers {
        outln!(
            "  {}“{}”（{}）：本机已有的 {} 轮，新到的 {} 轮",
            d.kind.noun(),
            d.name,
            d.detail,
            d.kept_rounds,
            d.other_rounds
        );
    }
    if fields + offers.len() > 0 {
        outln!("请在程序的“数据交换”页中逐项选择。");
    }
    Ok(())
}

/// The machines this file has exchanged packages with.
pub fn peers(store: &Store) -> anyhow::Result<()> {
    let peers = store.peers()?;
    outln!("交换过数据包的电脑（{} 台）", peers.len());
    for p in peers {
        let received = match p.applied_up_to {
            0 => "尚未收到对方的变更".to_owned(),
            n => format!("已收到对方第 1-{n} 号变更"),
        };
        let sent = match p.sent_up_to {
            0 => "尚未向对方发出本机的变更".to_owned(),
            n => format!("已发出本机第 1-{n} 号变更"),
        };
        outln!(
            "  {}  {}（{}）  {received}，{sent}",
            p.id,
            p.name,
            p.role.label()
        );
    }
    let known = store.known_devices()?;
    outln!("已记下密钥的电脑（{} 台）", known.len());
    for k in known {
        outln!(
            "  {}  {}  密钥指纹 {}（得知自{}）",
            k.id,
            k.name,
            k.fingerprint(),
            k.learned_from.label()
        );
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
