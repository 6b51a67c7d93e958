//! Bringing outside files in: each file is read and checked on a background thread and turns
//! into owned values the store takes in one transaction. Photos today; registers and field
//! packages next.

pub mod photo;
