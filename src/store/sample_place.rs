//! Where the sample data set is: the file's county and its first towns, from its pack.

use super::{Store, StoreError};

/// The names the sample is written with: the file's county and its first three towns.
pub(super) struct SamplePlace {
    pub county: String,
    pub towns: [String; 3],
}

impl SamplePlace {
    pub(super) fn of(store: &Store) -> Result<Self, StoreError> {
        let pack = store.policy_pack()?;
        let names = &pack.meta.towns.names;
        let town = |i: usize| names.get(i).or(names.first()).cloned().unwrap_or_default();
        Ok(Self {
            county: pack.meta.county.name.clone(),
            towns: [town(0), town(1), town(2)],
        })
    }
}
