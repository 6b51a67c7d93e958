//! The user's settings: who works at this computer (name, unit, role, usual town), the text
//! size, the time zone sheets print, and where backups go. Kept per user, beside no database:
//! the same person opens several files.

use serde::{Deserialize, Serialize};

/// What the user does, which decides what the forms fill in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    /// 乡镇工作人员: surveys.
    #[default]
    TownStaff,
    /// 验收人员.
    Inspector,
    /// 县改造办.
    Office,
}

impl UserRole {
    pub const ALL: [Self; 3] = [Self::TownStaff, Self::Inspector, Self::Office];

    pub fn label(self) -> &'static str {
        match self {
            Self::TownStaff => "乡镇工作人员（调查）",
            Self::Inspector => "验收人员",
            Self::Office => "县改造办",
        }
    }
}

/// The time zone times are shown and printed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    /// 北京时间 (UTC+8), whatever the computer's clock is set to.
    #[default]
    Beijing,
    /// The computer's own zone.
    Machine,
}

impl Zone {
    pub fn label(self) -> &'static str {
        match self {
            Self::Beijing => "北京时间（UTC+8）",
            Self::Machine => "本机时区",
        }
    }
}

/// The smallest and largest text size (egui's zoom factor).
pub const TEXT_SCALE: std::ops::RangeInclusive<f32> = 0.8..=2.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub user_name: String,
    pub unit: String,
    pub role: UserRole,
    /// The town most compounds are entered for (empty: none).
    pub default_town: String,
    pub text_scale: f32,
    pub zone: Zone,
    /// Where backups go (empty: a folder beside each database).
    pub backup_dir: String,
    pub backups_kept: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            user_name: String::new(),
            unit: String::new(),
            role: UserRole::default(),
            default_town: String::new(),
            text_scale: 1.0,
            zone: Zone::default(),
            backup_dir: String::new(),
            backups_kept: 10,
        }
    }
}

impl Settings {
    /// What is wrong with the settings as typed, if anything.
    fn problem_words(&self) -> Option<String> {
        if self.user_name.trim().is_empty() {
            return Some("请填写姓名：调查表、验收单上的调查人、验收人员会自动填上。".to_owned());
        }
        if self.unit.trim().is_empty() {
            return Some("请填写工作单位。".to_owned());
        }
        let backups = self.backup_dir.trim();
        if !backups.is_empty() && !std::path::Path::new(backups).is_absolute() {
            return Some(format!(
                "备份文件夹“{backups}”应写完整路径（如 /media/U盘/验收备份 或 E:\\验收备份）：相对路径会随程序启动的位置而变。"
            ));
        }
        if !(1..=100).contains(&self.backups_kept) {
            return Some(format!(
                "保留备份的份数应在 1 到 100 之间（现为 {}）。",
                self.backups_kept
            ));
        }
        None
    }

    /// Why the settings are refused, if they are.
    pub fn problem(&self) -> Option<super::Refusal> {
        self.problem_words().map(super::Refusal::new)
    }

    /// What a new file on this computer is called and does, for field packages: the office's
    /// unit for the county office, else unit and name (城关镇人民政府-王海燕); `None` before the
    /// user is known.
    pub fn identity(&self) -> Option<(String, super::sync::Role)> {
        let (unit, name) = (self.unit.trim(), self.user_name.trim());
        match self.role {
            UserRole::Office if !unit.is_empty() => {
                Some((unit.to_owned(), super::sync::Role::Office))
            }
            _ if unit.is_empty() || name.is_empty() => None,
            UserRole::Office => None,
            UserRole::TownStaff | UserRole::Inspector => {
                Some((format!("{unit}-{name}"), super::sync::Role::Field))
            }
        }
    }

    /// The text size within bounds.
    pub fn clamped_scale(&self) -> f32 {
        if self.text_scale.is_finite() {
            self.text_scale
                .clamp(*TEXT_SCALE.start(), *TEXT_SCALE.end())
        } else {
            1.0
        }
    }

    /// The zone's offset in seconds east of UTC (`None`: the machine's).
    pub fn zone_offset(&self) -> Option<i32> {
        match self.zone {
            Zone::Beijing => Some(8 * 3600),
            Zone::Machine => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_back_and_fill_gaps_with_defaults() {
        let s = Settings {
            user_name: "王海燕".to_owned(),
            unit: "城关镇人民政府".to_owned(),
            role: UserRole::Inspector,
            text_scale: 1.4,
            ..Settings::default()
        };
        let text = toml::to_string(&s).unwrap();
        assert_eq!(toml::from_str::<Settings>(&text).unwrap(), s);
        let partial: Settings = toml::from_str("user_name = \"李\"\n").unwrap();
        assert_eq!((partial.backups_kept, partial.zone), (10, Zone::Beijing));
        assert!(partial.problem().unwrap().message().contains("工作单位"));
        let huge = Settings {
            text_scale: 9.0,
            ..s
        };
        assert_eq!(huge.clamped_scale(), 2.0);
    }
}
