//! Taking one row's change as the merge policy (`model/merge_policy.rs`) decides: the facts
//! found in this file (is the row here, deleted here, signed here, changed here since), the
//! decision asked for, and the decision carried out (a row written, fields merged or forced, a
//! conflict kept, the package refused).

use rusqlite::types::Value;

use super::apply::Applier;
use super::changeset::Change;
use super::rows::{Table, compound_of, inspection_of, key_text, value_text};
use super::tables::Belongs;
use crate::model::merge_policy::{Arrived, Decision, Facts, FieldMerge, Here, Left, Weight};
use crate::model::merge_policy::{decide, looks_here, merge_field};
use crate::model::sync::EntryKind;
use crate::store::StoreError;

impl Applier<'_> {
    /// Whose word `row` of `table` is (a pick's `latest` is found where the policy needs it).
    fn weight(&self, table: &Table, row: &[Value]) -> Weight {
        let round = inspection_of(table, row);
        match self.from.kind {
            EntryKind::Resolution => Weight::Pick { latest: true },
            EntryKind::Signed if round.is_some() => Weight::Signed,
            EntryKind::Signed => Weight::IfMissing,
            EntryKind::Snapshot if round.is_some_and(|i| self.signed_here.contains(&i)) => {
                Weight::Signed
            }
            EntryKind::Edit | EntryKind::Snapshot => Weight::Edit,
        }
    }

    /// A whole-row pick is `latest` only if no later pick on the row was taken here (and is
    /// remembered as the latest if so).
    fn ordered(&self, weight: Weight, table: &Table, key: &[Value]) -> Result<Weight, StoreError> {
        Ok(match weight {
            Weight::Pick { .. } => Weight::Pick {
                latest: self.latest_whole_row_pick(table, key)?,
            },
            other => other,
        })
    }

    /// Counts a row the policy leaves as it is.
    fn leave(&mut self, why: Left) {
        match why {
            Left::HadAlready => self.applied.had += 1,
            Left::SignedHere => self.applied.stale += 1,
            Left::Nothing | Left::OlderPick | Left::WithItsCompound => {}
        }
    }

    pub(super) fn insert(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let mut row = change.new_row();
        // A changeset from an older schema has fewer columns: the rest take their defaults.
        row.resize(table.columns.len(), Value::Null);
        let mut weight = self.weight(table, &row);
        let had_already = self.from.stale;
        if !looks_here(Arrived::Insert, weight, had_already) {
            self.leave(Left::HadAlready);
            return Ok(());
        }
        let key = table.key_of(&row);
        let current = table.row(self.conn, &key)?;
        // The content fields where the row here is not what arrives.
        let differing: Vec<usize> = current.as_ref().map_or_else(Vec::new, |current| {
            (0..table.columns.len())
                .filter(|&c| !table.is_bookkeeping(c) && current[c] != row[c])
                .collect()
        });
        let here = match &current {
            None => {
                weight = self.ordered(weight, table, &key)?;
                Here::Absent {
                    deleted: false,
                    in_signed: self.sealed_here(table, &row)?.is_some(),
                }
            }
            Some(current) => Here::Present {
                signed: self.sealed_here(table, current)?.is_some(),
                differs: !differing.is_empty(),
            },
        };
        let mut facts = Facts {
            arrived: Arrived::Insert,
            weight,
            here,
            had_already,
            with_its_compound: false,
            locked: false,
        };
        let decision = decide(facts);
        // Arrived whole exactly as it is here (the subject a signed record brings is not
        // looked at).
        if matches!(here, Here::Present { differs: false, .. }) && weight != Weight::IfMissing {
            self.applied.unchanged += 1;
        }
        let Some(current) = current else {
            if decision != Decision::Insert {
                return self.act_on_absent(decision, table, &row);
            }
            self.renumber_round(table, &mut row)?;
            if self.same_natural_key(table, &row)? {
                return Ok(());
            }
            return match table.insert(self.conn, &row) {
                Ok(()) if matches!(table.spec.belongs, Belongs::Compound | Belongs::Cluster) => {
                    self.offer_merge(table, &row)
                }
                Ok(()) => Ok(()),
                // A part of a record signed here: the file's locks say so.
                Err(StoreError::ReadOnlyRecord(_)) => {
                    facts.locked = true;
                    self.act_on_absent(decide(facts), table, &row)
                }
                Err(e) => Err(e),
            };
        };
        match decision {
            Decision::Force => {
                // Every field the pick names (the same ones too: it settles them here).
                let named = (0..table.columns.len())
                    .filter(|&c| !table.is_bookkeeping(c) && !table.pk[c])
                    .map(|c| (c, row[c].clone()))
                    .collect();
                self.force(table, &key, &current, named)
            }
            Decision::Supersede => {
                let sets = differing.iter().map(|&c| (c, row[c].clone())).collect();
                self.supersede(table, &key, &current, sets)
            }
            Decision::ConflictEachField => {
                for c in differing {
                    self.conflict(table, &current, c, current[c].clone(), row[c].clone())?;
                }
                Ok(())
            }
            Decision::Refuse => self.signed_elsewhere(table, &current, &row),
            Decision::Leave(why) => {
                self.leave(why);
                Ok(())
            }
            other => Err(policy_broken(other, "到达的整行")),
        }
    }

    /// What the policy says for a whole row arriving that is not here, when it is not taken.
    fn act_on_absent(
        &mut self,
        decision: Decision,
        table: &Table,
        row: &[Value],
    ) -> Result<(), StoreError> {
        match decision {
            Decision::Refuse => self.signed_elsewhere(table, row, row),
            Decision::Leave(why) => {
                self.leave(why);
                Ok(())
            }
            other => Err(policy_broken(other, "本机没有的整行")),
        }
    }

    pub(super) fn update(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let key: Vec<Value> = change
            .old
            .iter()
            .zip(&table.pk)
            .filter(|(_, pk)| **pk)
            .map(|(v, _)| v.clone().unwrap_or(Value::Null))
            .collect();
        let pick = self.from.kind == EntryKind::Resolution;
        let Some(mut current) = table.row(self.conn, &key)? else {
            // Deleted here, changed there (a row this file never had is not its business).
            let deleted = !pick
                && crate::store::tombstones::deleted_here(self.conn, &table.name, &key_text(&key))?;
            let facts = Facts {
                arrived: Arrived::Update,
                weight: if pick {
                    Weight::Pick { latest: true }
                } else {
                    Weight::Edit
                },
                here: Here::Absent {
                    deleted,
                    in_signed: false,
                },
                had_already: self.from.stale,
                with_its_compound: false,
                locked: false,
            };
            return match decide(facts) {
                Decision::KeepForDeleted => {
                    let theirs = changed_fields(table, change);
                    self.keep_change_to_deleted(table, &key, change, theirs)
                }
                Decision::Leave(why) => {
                    self.leave(why);
                    Ok(())
                }
                other => Err(policy_broken(other, "本机没有的行的修改")),
            };
        };
        // A survey round's number is the office's: a laptop takes it whatever it had (it may
        // have moved the round out of the way of another meanwhile), and whichever round holds
        // that number here moves on.
        if !self.from.at_office
            && table.name == "survey"
            && let Some(r) = table.index_of("round")
            && let Some(Some(round)) = change.new.get(r)
            && current[r] != *round
        {
            self.take_round_number(table, &current, round)?;
            current[r] = round.clone();
        }
        let named: Vec<(usize, Value)> = change
            .new
            .iter()
            .enumerate()
            .filter(|(c, _)| *c < current.len())
            .filter_map(|(c, v)| v.clone().map(|v| (c, v)))
            .collect();
        let facts = Facts {
            arrived: Arrived::Update,
            weight: self.weight(table, &current),
            here: Here::Present {
                signed: self.sealed_here(table, &current)?.is_some(),
                differs: named
                    .iter()
                    .any(|(c, v)| !table.is_bookkeeping(*c) && current[*c] != *v),
            },
            had_already: self.from.stale,
            with_its_compound: false,
            locked: false,
        };
        match decide(facts) {
            Decision::Force => {
                let named = named
                    .into_iter()
                    .filter(|(c, _)| !table.is_bookkeeping(*c))
                    .collect();
                self.force(table, &key, &current, named)
            }
            Decision::Merge => {
                let mut sets = Vec::new();
                let mut content = false;
                for (c, new) in named {
                    let before = change.old.get(c).cloned().flatten();
                    let bookkeeping = table.is_bookkeeping(c);
                    match merge_field(before.as_ref(), &current[c], &new, bookkeeping) {
                        FieldMerge::Same | FieldMerge::Keep => {}
                        FieldMerge::Take => {
                            content |= !bookkeeping;
                            sets.push((c, new));
                        }
                        FieldMerge::Conflict => {
                            self.conflict(table, &current, c, current[c].clone(), new)?;
                        }
                    }
                }
                if !content {
                    return Ok(()); // only when it changed: nothing of substance to take
                }
                let mut after = current.clone();
                for (c, v) in &sets {
                    after[*c] = v.clone();
                }
                if self.same_natural_key(table, &after)? {
                    return Ok(());
                }
                table.update(self.conn, &key, &sets)
            }
            Decision::Leave(why) => {
                self.leave(why);
                Ok(())
            }
            other => Err(policy_broken(other, "字段修改")),
        }
    }

    pub(super) fn delete(&mut self, table: &Table, change: &Change) -> Result<(), StoreError> {
        let old = change.old_row();
        let key = table.key_of(&old);
        let Some(current) = table.row(self.conn, &key)? else {
            return Ok(()); // gone here too
        };
        let pick = self.from.kind == EntryKind::Resolution;
        let weight = if pick {
            Weight::Pick {
                latest: self.latest_whole_row_pick(table, &key)?,
            }
        } else {
            Weight::Edit
        };
        if weight == (Weight::Pick { latest: false }) {
            return Ok(()); // a deletion picked before a later pick that kept the record here
        }
        let signed = self.sealed_here(table, &current)?.is_some();
        let changed_here = (0..table.columns.len().min(old.len()))
            .any(|c| !table.is_bookkeeping(c) && current[c] != old[c]);
        let compound = compound_of(self.conn, table, &current)?;
        // A row of a compound this changeset deletes: it goes with its compound, or stays with
        // it when the compound's deletion waits for a user (or cannot be, holding a signed
        // record): the compound's conflict says so, once, not each of its rows.
        let deleting = compound
            .as_ref()
            .filter(|_| table.spec.belongs != Belongs::Compound)
            .and_then(|c| self.deleted_compounds.get_mut(c));
        let with_its_compound = deleting.is_some();
        if let Some(deleting) = deleting {
            *deleting.entry(table.name.clone()).or_default() += 1;
            if let Some(compound) = compound.clone()
                && (changed_here || signed)
            {
                self.kept_compounds.insert(compound);
            }
        }
        // Changed here since, grown here, or holding a conflict: a user decides.
        let differs = changed_here
            || (!with_its_compound
                && !signed
                && (match table.spec.belongs {
                    Belongs::Compound => self.compound_grew_here(&key)?,
                    Belongs::Cluster => self.cluster_holds_rows_here(&key)?,
                    _ => false,
                } || compound.is_some_and(|c| self.touched.contains(&c))));
        let mut facts = Facts {
            arrived: Arrived::Delete,
            weight,
            here: Here::Present { signed, differs },
            had_already: self.from.stale,
            with_its_compound,
            locked: false,
        };
        let mut decision = decide(facts);
        if decision == Decision::Delete {
            match table.delete(self.conn, &key) {
                // Its deletion would take a signed record with it (a compound with a signed
                // inspection).
                Err(StoreError::ReadOnlyRecord(_)) => {
                    facts.locked = true;
                    decision = decide(facts);
                }
                other => return other,
            }
        }
        match decision {
            Decision::ConflictWholeRow { only_ours } => {
                self.whole_row_conflict(table, &key, Some(&current), Value::Null, only_ours)
            }
            Decision::Leave(why) => {
                self.leave(why);
                Ok(())
            }
            other => Err(policy_broken(other, "删除")),
        }
    }
}

/// A decision the code that asked for it cannot carry out: a bug, said as one.
fn policy_broken(decision: Decision, what: &str) -> StoreError {
    StoreError::Corrupt(format!("程序错误：{what}不应得到处理结果 {decision:?}"))
}

/// The fields an update changes, in words, for a row no longer here.
fn changed_fields(table: &Table, change: &Change) -> String {
    change
        .new
        .iter()
        .enumerate()
        .filter_map(|(c, v)| {
            let v = v.as_ref()?;
            let column = table.columns.get(c)?;
            (!table.is_bookkeeping(c)).then(|| {
                format!(
                    "{}：{}",
                    table.spec.column_label(column).unwrap_or(column),
                    value_text(v)
                )
            })
        })
        .collect::<Vec<_>>()
        .join("；")
}
