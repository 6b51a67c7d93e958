//! Who a document is issued under: the county and its plan, as the file's policy pack says
//! (洛宁县, 宁政办〔2021〕17号, its office). A title is the county's name and the title's tail.

use crate::store::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    /// 洛宁县
    pub county: String,
    /// 宁政办〔2021〕17号
    pub plan_number: String,
    /// Who runs the programme: 县城镇老旧小区改造提质工作领导小组办公室.
    pub office: String,
    /// The clause of the plan's acceptance step (四、（二）4).
    pub acceptance_clause: String,
    /// Where the plan sets its reporting rhythm (附件2).
    pub rhythm_clause: String,
}

impl Issuer {
    pub fn of(store: &Store) -> Result<Self, StoreError> {
        let pack = store.policy_pack()?;
        let m = &pack.meta;
        Ok(Self {
            county: m.county.name.clone(),
            plan_number: m.plan.number.clone(),
            office: m.county.office.clone(),
            acceptance_clause: pack.programme.acceptance().clause().to_owned(),
            rhythm_clause: m.rhythm.clause.clone(),
        })
    }

    /// As a record says it: the plan its catalogue comes from (`source`, the catalogue's own):
    /// a signed sheet printed again says the plan it was made under, whatever pack is in force
    /// now.
    pub fn for_catalogue(mut self, source: Option<&str>) -> Self {
        if let Some(source) = source.filter(|s| !s.trim().is_empty()) {
            source.clone_into(&mut self.plan_number);
        }
        self
    }

    /// The county's name and `tail`: 洛宁县 + 城镇老旧小区改造提质工程验收单.
    pub fn title(&self, tail: &str) -> String {
        format!("{}{tail}", self.county)
    }
}
