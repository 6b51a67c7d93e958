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
    let first_run = || Loaded {
        settings: Settings::default(),
        first_run: true,
        warning: None,
    };
    // What is there decides: a link is followed, but a loop, a folder or a device is no
    // settings file.
    let problem = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_err() {
                return first_run();
            }
            "是指向不存在文件的链接".to_owned()
        }
        Err(e) if e.raw_os_error() == Some(40) => "是循环的符号链接".to_owned(),
        Err(e) => return unreadable(path, &e),
        Ok(meta) if meta.is_dir() => "是一个文件夹".to_owned(),
        Ok(meta) if !meta.is_file() => "不是普通文件".to_owned(),
        Ok(_) => match std::fs::read(path) {
            Err(e) => return unreadable(path, &e),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => "不是 UTF-8 文字（可能被其他程序以别的编码保存过）".to_owned(),
                Ok(text) => match toml::from_str::<Settings>(&text) {
                    Ok(settings) => {
                        return Loaded {
                            settings,
                            first_run: false,
                            warning: None,
                        };
                    }
                    Err(_) => "已损坏（内容无法识别）".to_owned(),
                },
            },
        },
    };
    let warning = match set_aside(path) {
        Some(aside) => format!(
            "设置文件 {} {problem}，已移到 {}，请重新填写设置。",
            path.display(),
            aside.display()
        ),
        None => format!(
            "设置文件 {} {problem}，也无法移开；本次使用默认设置，请检查这个位置。",
            path.display()
        ),
    };
    Loaded {
        settings: Settings::default(),
        first_run: true,
        warning: Some(warning),
    }
}

/// A settings file that is there but cannot be read now (no permission, a disk error): left
/// where it is, said, and the defaults used this once.
fn unreadable(path: &Path, e: &std::io::Error) -> Loaded {
    Loaded {
        settings: Settings::default(),
        first_run: false,
        warning: Some(format!(
            "无法读取设置文件 {}（{}），本次使用默认设置；文件未移动。",
            path.display(),
            crate::store::describe_io(e)
        )),
    }
}

/// Moves what is at `path` aside as `settings.toml.broken`, `.broken-2`, … (never over an
/// earlier one); returns where it went.
fn set_aside(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let aside = (1..1000)
        .map(|n| match n {
            1 => path.with_file_name(format!("{name}.broken")),
            n => path.with_file_name(format!("{name}.broken-{n}")),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())?;
    std::fs::rename(path, &aside).ok()?;
    Some(aside)
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
        // A relative folder would depend on where the program was started: not used.
        dir: match settings.backup_dir.trim() {
            "" => None,
            dir if Path::new(dir).is_absolute() => Some(PathBuf::from(dir)),
            _ => None,
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
        // A second broken file goes beside the first, never over it.
        std::fs::write(&path, [0xB6u8, 0xFE, 0x00, 0xFF]).unwrap();
        let loaded = load(&path);
        assert!(loaded.warning.unwrap().contains("不是 UTF-8"));
        assert_eq!(
            std::fs::read(path.with_extension("toml.broken")).unwrap(),
            b"user_name = ["
        );
        assert_eq!(
            std::fs::read(path.with_file_name("settings.toml.broken-2")).unwrap(),
            [0xB6, 0xFE, 0x00, 0xFF]
        );
        // A folder where the file should be, and a link loop: set aside too, said in Chinese.
        std::fs::create_dir(&path).unwrap();
        let words = load(&path).warning.unwrap();
        assert!(words.contains("是一个文件夹"), "{words}");
        assert!(!path.exists());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&path, &path).unwrap();
            let words = load(&path).warning.unwrap();
            assert!(words.contains("循环的符号链接"), "{words}");
            assert!(std::fs::symlink_metadata(&path).is_err(), "moved aside");
        }
    }

    #[test]
    fn a_relative_backup_folder_is_refused() {
        let s = Settings {
            user_name: "王海燕".to_owned(),
            unit: "城关镇".to_owned(),
            backup_dir: "备份".to_owned(),
            ..Settings::default()
        };
        assert!(s.problem().unwrap().message().contains("完整路径"));
        let s = Settings {
            user_name: "王海燕".to_owned(),
            unit: "城关镇".to_owned(),
            backup_dir: "/media/U盘/备份".to_owned(),
            ..Settings::default()
        };
        assert_eq!(s.problem(), None);
    }
}
