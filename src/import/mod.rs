//! Bringing outside files in: each file is read and checked on a background thread and turns
//! into owned values the store takes in one transaction: photos, field packages (registers
//! next).

pub mod package;
pub mod photo;
