//! Where acceptances stand: a cluster's member compounds, a compound's hand-over, the members
//! a cluster round is judged by. The rules are the model's; these reads gather their inputs.

use super::{Store, StoreError};
use crate::model::{
    ClusterId, CompoundId, Inspection, MemberAcceptance, MemberStatus, RoundMembers, Subject,
    Verdict,
    cluster_acceptance::{member_changes, round_verdict},
    handover_status,
};

impl Store {
    /// The acceptance a compound or cluster stands by: the chain of its newest round.
    pub fn current_chain(
        &self,
        subject: Subject,
    ) -> Result<Option<crate::model::InspectionChain>, StoreError> {
        match self.newest_inspection(subject)? {
            Some(newest) => self.chain_of(newest).map(Some),
            None => Ok(None),
        }
    }

    /// What a compound's hand-over still needs (see `handover_conditions`); empty once it is
    /// handed over.
    pub fn handover_conditions_of(
        &self,
        compound_id: CompoundId,
    ) -> Result<Vec<crate::model::handover::HandoverCondition>, StoreError> {
        let chain = self
            .current_chain(Subject::Compound(compound_id))?
            .unwrap_or(crate::model::InspectionChain { rounds: Vec::new() });
        let signatures = chain
            .rounds
            .iter()
            .map(|round| self.signatures(round.id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::model::handover_conditions(&chain, &signatures))
    }

    /// Where each member compound of a cluster stands in its own acceptance, by name (see
    /// `acceptance_of`).
    pub fn member_acceptances(
        &self,
        cluster_id: ClusterId,
    ) -> Result<Vec<MemberAcceptance>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name FROM compound WHERE cluster_id = ?1 ORDER BY name, id",
        )?;
        let members = stmt
            .query_map([cluster_id], |r| {
                Ok((r.get::<_, CompoundId>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        members
            .into_iter()
            .map(|(compound_id, name)| {
                let (status, code) = self.acceptance_of(compound_id)?;
                Ok(MemberAcceptance {
                    compound_id,
                    name,
                    status,
                    code,
                })
            })
            .collect()
    }

    /// Where a compound's own acceptance stands, with the latest round's 校验码 once signed
    /// (the rule: `handover_status`).
    pub fn acceptance_of(
        &self,
        compound_id: CompoundId,
    ) -> Result<(MemberStatus, Option<String>), StoreError> {
        match self.current_chain(Subject::Compound(compound_id))? {
            Some(chain) => Ok(handover_status(&chain)),
            None => Ok((MemberStatus::NotInspected, None)),
        }
    }

    /// For a signed-off cluster acceptance: what has changed among its members since it was
    /// sealed (empty otherwise, and when nothing has).
    pub fn member_changes_since_sealed(
        &self,
        inspection: &Inspection,
    ) -> Result<Vec<String>, StoreError> {
        match inspection.subject {
            Subject::Cluster(cluster) if inspection.is_signed_off() => Ok(member_changes(
                &inspection.members,
                &self.member_acceptances(cluster)?,
            )),
            _ => Ok(Vec::new()),
        }
    }

    /// For a cluster round: the member acceptances it is judged by (see `RoundMembers`).
    /// `None` for a compound.
    pub fn members_for(
        &self,
        inspection: &Inspection,
    ) -> Result<Option<Vec<MemberAcceptance>>, StoreError> {
        Ok(match RoundMembers::of(inspection) {
            RoundMembers::None => None,
            RoundMembers::Sealed => Some(inspection.members.clone()),
            RoundMembers::Live(cluster) => Some(self.member_acceptances(cluster)?),
        })
    }

    /// The verdict of one round: the item rule, and for a cluster also its member compounds'
    /// acceptances (as sealed, or as they stand now).
    pub fn verdict_of_round(&self, inspection: &Inspection) -> Result<Verdict, StoreError> {
        Ok(round_verdict(
            &inspection.items,
            self.members_for(inspection)?.as_deref(),
        ))
    }
}
