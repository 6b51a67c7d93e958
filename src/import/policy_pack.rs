//! Reading a policy pack from its folder: `pack.toml` and every other `.toml` beside it (the
//! catalogues it names), as text, then checked by `model::policy_pack`.

use std::path::{Path, PathBuf};

use crate::model::policy_pack::{MAIN_FILE, PackFiles, PackProblem, PolicyPack};

/// A pack file is a few hundred KB at most; larger is not a pack.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a folder could not be read as a pack.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("找不到政策包文件夹“{}”：请确认路径（应是含 pack.toml 的文件夹）。", .0.display())]
    NoFolder(PathBuf),
    #[error("无法读取“{}”：{source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("“{}”不是政策包的文本文件（过大或不是 UTF-8 文本）。", .0.display())]
    NotText(PathBuf),
    #[error("{0}")]
    Problem(#[from] PackProblem),
}

/// Reads the folder's files (not checked).
pub fn read_files(dir: &Path) -> Result<PackFiles, PackError> {
    if !dir.is_dir() {
        return Err(PackError::NoFolder(dir.to_owned()));
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| PackError::Io { path, source }
    };
    let mut files = PackFiles::default();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !path.is_file() || !name.to_ascii_lowercase().ends_with(".toml") {
            continue;
        }
        if std::fs::metadata(&path).map_err(io(&path))?.len() > MAX_FILE_BYTES {
            return Err(PackError::NotText(path));
        }
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let text = String::from_utf8(bytes).map_err(|_| PackError::NotText(path.clone()))?;
        // A BOM, as Windows' Notepad writes, is not part of the TOML.
        let text = text
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(text);
        files.0.insert(name.to_owned(), text);
    }
    if files.get(MAIN_FILE).is_none() {
        return Err(PackProblem {
            file: MAIN_FILE.to_owned(),
            line: 1,
            field: String::new(),
            message: format!(
                "文件夹“{}”里没有 pack.toml：请选政策包所在的文件夹",
                dir.display()
            ),
        }
        .into());
    }
    Ok(files)
}

/// Reads and checks the pack in `dir`.
pub fn read_pack(dir: &Path) -> Result<PolicyPack, PackError> {
    Ok(PolicyPack::parse(read_files(dir)?)?)
}
