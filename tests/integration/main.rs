//! The records, the store, the sync core, the exports and the command line, tested without a
//! window: one module per part, linked into one test binary (one link of the whole stack
//! instead of one per file, which is what filled CI's disk). The UI flows are `tests/ui_flow`,
//! the real window `tests/desktop.rs`, the .deb `tests/packaging.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

#[path = "../common/mod.rs"]
mod common;

mod backup;
mod catalogue;
mod cli;
mod cluster;
mod convergence;
mod export;
mod funding;
mod keys;
mod ledger;
mod merge_cases;
mod merge_policy;
mod model;
mod paper;
mod photos;
mod pinned;
mod policy_pack;
mod programme;
mod rectification;
mod reliability;
mod reports;
mod rhythm;
mod sheets;
mod signoff;
mod store;
mod survey;
mod sync;
mod sync_tables;
mod tamper;
mod upgrade;
