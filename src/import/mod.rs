//! Bringing outside files in: each file is read and checked on a background thread and turns
//! into owned values the store takes in one transaction: photos, field packages, compound
//! registers, policy packs; and a paper sheet's scan, whose QR is read.

pub mod package;
pub mod photo;
pub mod policy_pack;
pub mod register;
pub mod scan;

/// A path's file name as text, as messages name a file (empty for a path without one).
pub fn file_name_of(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
