//! UI flows driven headlessly through AccessKit with egui_kittest (no GPU), one module per
//! part of the app; the shared steps are in `tests/common/ui.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

#[path = "../common/mod.rs"]
mod common;

mod checklist;
mod clusters;
mod exchange;
mod office;
mod policy_pack;
mod register;
mod rhythm;
mod settings;
mod signing;
mod small_screen;
mod spreadsheets;
mod surveys;
mod trust;
