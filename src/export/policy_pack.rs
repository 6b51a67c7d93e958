//! Writing a policy pack's files into a new folder (`pack new`): a copy to edit.

use std::path::Path;

use super::{ExportError, write_file_atomically};
use crate::model::policy_pack::PackFiles;

/// Writes `files` into `dir`, which must be new or empty: nothing in it is replaced.
pub fn write_pack(files: &PackFiles, dir: &Path) -> Result<(), ExportError> {
    let fail = |source| ExportError::Write {
        path: dir.to_owned(),
        source,
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(fail)?;
        if entries.next().is_some() {
            return Err(ExportError::Write {
                path: dir.to_owned(),
                source: std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "文件夹里已有文件，未作改动：请换一个新的或空的文件夹",
                ),
            });
        }
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    for (name, text) in &files.0 {
        write_file_atomically(&dir.join(name), text.as_bytes())?;
    }
    Ok(())
}
