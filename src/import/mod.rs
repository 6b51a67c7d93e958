//! Bringing outside files in: each file is read and checked on a background thread and turns
//! into owned values the store takes in one transaction: photos, field packages, compound
//! registers.

pub mod package;
pub mod photo;
pub mod register;
