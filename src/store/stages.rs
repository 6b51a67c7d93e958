//! Where many compounds' acceptances stand, read at once for the register: each round in
//! outline (its items' results, no texts) and the rectifications ordered, placed at a stage by
//! the same rule as a single compound's page (`model::stage_of`).

use std::collections::{HashMap, HashSet};

use super::sql_types::parse_date;
use super::{Store, StoreError};
use crate::model::{
    CompoundId, Inspection, InspectionChain, InspectionId, InspectionItem, ItemResult, RoundKind,
    Stage, StandardItem, Subject, stage_of,
};

impl Store {
    /// The stage of every compound `filter` (on `compound c`) selects that has been
    /// inspected; the others are not in the map (尚未验收).
    pub(super) fn stages_where(
        &self,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<HashMap<CompoundId, Stage>, StoreError> {
        let mut rounds: HashMap<CompoundId, Vec<Inspection>> = HashMap::new();
        let sql = format!(
            "SELECT i.compound_id, i.id, i.parent_id, i.round, i.inspected_on,
                    i.signed_off_at IS NOT NULL, it.code, it.required, it.result,
                    trim(it.remark) <> ''
             FROM compound c
             JOIN inspection i ON i.compound_id = c.id
             LEFT JOIN inspection_item it ON it.inspection_id = i.id
             {filter}
             ORDER BY i.id, it.position"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            let compound: CompoundId = r.get(0)?;
            let id: InspectionId = r.get(1)?;
            let list = rounds.entry(compound).or_default();
            if list.last().is_none_or(|last| last.id != id) {
                // A date that does not read places the round first rather than hiding the
                // whole register (the compound's own page says what is wrong).
                let inspected_on: String = r.get(4)?;
                list.push(outline(
                    id,
                    compound,
                    r.get(2)?,
                    r.get(3)?,
                    parse_date(&inspected_on).unwrap_or_default(),
                    r.get(5)?,
                ));
            }
            let Some(code) = r.get::<_, Option<String>>(6)? else {
                continue; // a round without items
            };
            let has_remark: bool = r.get(9)?;
            if let Some(round) = list.last_mut() {
                round.items.push(InspectionItem {
                    standard: StandardItem {
                        code,
                        standard: String::new(),
                        group: String::new(),
                        text: String::new(),
                        hint: String::new(),
                        clause: String::new(),
                        required: r.get(7)?,
                    },
                    result: r.get::<_, Option<ItemResult>>(8).ok().flatten(),
                    remark: if has_remark { "·" } else { "" }.to_owned(),
                });
            }
        }
        let sql = format!(
            "SELECT r.inspection_id, r.item_code
             FROM compound c
             JOIN inspection i ON i.compound_id = c.id
             JOIN rectification r ON r.inspection_id = i.id
             {filter}"
        );
        let ordered: HashSet<(InspectionId, String)> = self
            .conn
            .prepare(&sql)?
            .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rounds
            .into_iter()
            .filter_map(|(compound, rounds)| {
                let chain = InspectionChain::newest(rounds)?;
                let stage = stage_of(&chain, |round, code| {
                    ordered.contains(&(round.id, code.to_owned()))
                });
                Some((compound, stage))
            })
            .collect())
    }
}

/// A round with only what its stage needs; its items are added as they are read.
fn outline(
    id: InspectionId,
    compound: CompoundId,
    parent_id: Option<InspectionId>,
    round: u32,
    inspected_on: chrono::NaiveDate,
    signed: bool,
) -> Inspection {
    Inspection {
        id,
        subject: Subject::Compound(compound),
        standard_id: String::new(),
        catalogue_version: String::new(),
        pack_version: String::new(),
        inspected_on,
        inspectors: String::new(),
        parties: Vec::new(),
        items: Vec::new(),
        // Only whether it is set counts here.
        signed_off_at: signed.then(String::new),
        seal: None,
        parent_id,
        round,
        kind: RoundKind::First,
        reason: String::new(),
        members: Vec::new(),
        seal_version: None,
        sealed_header: None,
        signer: None,
    }
}
