//! The policy packs a field package brings: a revised pack from the office, or a county's pack
//! for a laptop set up from its office; and whether this file takes that county or refuses it.

use super::changeset::decode;
use crate::model::policy_pack::{PackFiles, PackToml, PolicyPack};
use crate::store::policy_pack::{PackSummary, records_held};
use crate::store::{Store, StoreError};

/// The policy packs a package brings (a revised pack from the office, a county's pack for a
/// new laptop), in order. A pack that does not check is left out here (its row is then kept or
/// refused as any row is).
pub(super) fn arriving_packs(entries: &[crate::model::sync::Entry]) -> Vec<PolicyPack> {
    let Some(files_at) = super::tables::find("policy_pack")
        .and_then(|t| t.columns.iter().position(|(c, _)| *c == "files"))
    else {
        return Vec::new();
    };
    let mut packs = Vec::new();
    for entry in entries {
        let Ok(changes) = decode(&entry.changeset) else {
            continue;
        };
        for change in changes.iter().filter(|c| c.table == "policy_pack") {
            let Some(Some(rusqlite::types::Value::Text(files))) = change.new.get(files_at) else {
                continue;
            };
            if let Ok(files) = serde_json::from_str(files)
                && let Ok(pack) = PolicyPack::from_stored(PackFiles(files))
            {
                packs.push(pack);
            }
        }
    }
    packs
}

/// The county this file leaves for the package's (its pack in force now, and the arriving
/// pack), if the package's last pack is another county's and this file has no records of its
/// own; refused if it has records; `None` for a package of this file's county.
pub(super) fn county_to_take(
    store: &Store,
    arriving: Option<&PolicyPack>,
) -> Result<Option<(PackSummary, PackToml)>, StoreError> {
    let here = store.pack_summary()?;
    let Some(pack) = arriving.filter(|p| p.meta.county.code != here.county_code) else {
        return Ok(None);
    };
    if records_held(store.connection())? > 0 {
        return Err(StoreError::refused(format!(
            "数据包属于{}（{}），本文件是{}（{}）的：不同县的记录不能合在一个文件里。请用 init --pack 新建该县的文件，或向对方要本县的数据包。本机数据未改动。",
            pack.meta.county.name, pack.meta.county.code, here.county_name, here.county_code
        )));
    }
    Ok(Some((here, pack.meta.clone())))
}
