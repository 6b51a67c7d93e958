//! The user's settings file: read at start (a missing file means a first run; a broken one is
//! set aside with a message, never silently lost), written atomically on every change, and
//! applied to this process (the zone times are printed in, where backups go and how many).

use std::path::{Path, PathBuf};

use crate::model::settings::Settings;
use crate::store::backup::{BackupPolicy, set_policy};

/// The name of the file that makes a copy portable: beside the program, it keeps the default
/// database and the settings in the `数据` folder beside it (the portable .zip has it).
pub const PORTABLE_MARKER: &str = "portable.txt";

/// A portable copy's data folder, if the program runs as one.
pub fn portable_dir() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    dir.join(PORTABLE_MARKER)
        .is_file()
        .then(|| dir.join("数据"))
}

/// Where the settings live: `YANSHOU_SETTINGS` if set, a portable copy's data folder, else
/// the user's configuration folder.
pub fn default_path() -> PathBuf {
    if let Some(path) = std::env::var_os("YANSHOU_SETTINGS") {
        return PathBuf::from(path);
    }
    if let Some(dir) = portable_dir() {
        return dir.join("settings.toml");
    }
    directories::ProjectDirs::from("cn", "Luoning", "yanshou")
        .map(|d| d.config_dir().join("settings.toml"))
        .unwrap_or_else(|| PathBuf::from("yanshou-settings.toml"))
}

/// What reading the settings found.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    /// No settings yet: the first start on this computer for this user.
    pub first_run: bool,
    /// A file that could not be read, and where it was set aside.
    pub warning: Option<String>,
}

pub fn load(path: &Path) -> Loaded {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Loaded {
                settings: Settings::default(),
                first_run: true,
                warning: None,
            };
        }
        Err(e) => {
            return Loaded {
                settings: Settings::default(),
                first_run: false,
                warning: Some(format!(
                    "无法读取设置文件 {}（{e}），本次使用默认设置。",
                    path.display()
                )),
            };
        }
    };
    match toml::from_str::<Settings>(&text) {
        Ok(settings) => Loaded {
            settings,
            first_run: false,
            warning: None,
        },
        Err(_) => {
            let aside = path.with_extension("toml.broken");
            let _ = std::fs::rename(path, &aside);
            Loaded {
                settings: Settings::default(),
                first_run: true,
                warning: Some(format!(
                    "设置文件已损坏，已移到 {}，请重新填写设置。",
                    aside.display()
                )),
            }
        }
    }
}

/// Writes the settings through a temporary file, so a crash never leaves half a file.
pub fn save(path: &Path, settings: &Settings) -> Result<(), String> {
    let text = toml::to_string(settings).map_err(|e| e.to_string())?;
    let fail = |e: std::io::Error| format!("无法保存设置到 {}：{e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Makes this process follow the settings.
pub fn apply(settings: &Settings) {
    crate::model::clock::use_zone(settings.zone_offset());
    set_policy(BackupPolicy {
        dir: match settings.backup_dir.trim() {
            "" => None,
            dir => Some(PathBuf::from(dir)),
        },
        keep: usize::try_from(settings.backups_kept.max(1)).unwrap_or(10),
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_first_run_a_saved_file_and_a_broken_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("设置").join("settings.toml");
        assert!(load(&path).first_run);
        let s = Settings {
            user_name: "王海燕".to_owned(),
            ..Settings::default()
        };
        save(&path, &s).unwrap();
        let loaded = load(&path);
        assert!(!loaded.first_run && loaded.warning.is_none());
        assert_eq!(loaded.settings, s);
        std::fs::write(&path, "user_name = [").unwrap();
        let loaded = load(&path);
        assert!(loaded.first_run);
        assert!(loaded.warning.unwrap().contains("已损坏"));
        assert!(
            path.with_extension("toml.broken").exists(),
            "set aside, not lost"
        );
    }
}
