//! Dates and times as people read them. Instants are stored in UTC (RFC 3339); every sheet and
//! screen shows them in the local time of the machine, with the offset named, and every date in
//! one format: 2026年11月29日.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The zone `Clock::local` uses: seconds east of UTC, or `MACHINE` for the computer's own.
static ZONE: AtomicI64 = AtomicI64::new(MACHINE);
const MACHINE: i64 = i64::MIN;

/// Sets the zone this process shows and prints times in (`None`: the computer's own), from
/// the user's settings.
pub fn use_zone(offset_seconds: Option<i32>) {
    ZONE.store(offset_seconds.map_or(MACHINE, i64::from), Ordering::Relaxed);
}

/// The one date format of every sheet and screen.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y年%m月%d日").to_string()
}

/// When a camera says a photo was taken (its EXIF time, "2026-11-29 14:05:09", in the camera's
/// own clock and zone), in the sheets' format: 2026年11月29日 14:05（相机时间）.
pub fn camera_time_text(taken_at: &str) -> String {
    match chrono::NaiveDateTime::parse_from_str(taken_at, "%Y-%m-%d %H:%M:%S") {
        Ok(t) => format!("{} {}（相机时间）", date_text(t.date()), t.format("%H:%M")),
        Err(_) => taken_at.to_owned(),
    }
}

/// "Now" and the local time zone, fixed once for a whole document or screen: the day that
/// deadlines are judged against, the zone times are shown in, the moment a PDF was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    now: DateTime<FixedOffset>,
}

impl Clock {
    /// This machine's clock, in the zone the settings name (北京时间 unless told otherwise).
    pub fn local() -> Self {
        let zone = i32::try_from(ZONE.load(Ordering::Relaxed))
            .ok()
            .and_then(FixedOffset::east_opt);
        Self {
            now: match zone {
                Some(zone) => Utc::now().with_timezone(&zone),
                None => chrono::Local::now().fixed_offset(),
            },
        }
    }

    /// A fixed moment in a fixed zone (tests, reprints).
    pub fn at(now: DateTime<FixedOffset>) -> Self {
        Self { now }
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }

    /// Today, in the local zone.
    pub fn today(&self) -> NaiveDate {
        self.now.date_naive()
    }

    /// The zone's name as printed: 北京时间 for UTC+8, else UTC-3:30, UTC.
    pub fn zone_text(&self) -> String {
        let seconds = self.now.offset().local_minus_utc();
        if seconds == 8 * 3600 {
            return "北京时间".to_owned();
        }
        if seconds == 0 {
            return "UTC".to_owned();
        }
        let sign = if seconds < 0 { '-' } else { '+' };
        let (hours, minutes) = (seconds.abs() / 3600, seconds.abs() % 3600 / 60);
        if minutes == 0 {
            format!("UTC{sign}{hours}")
        } else {
            format!("UTC{sign}{hours}:{minutes:02}")
        }
    }

    /// A stored instant (RFC 3339) in the local zone: 2026年11月29日 14:05（北京时间）. What does
    /// not parse is shown as stored rather than hidden.
    pub fn time_text(&self, stamp: &str) -> String {
        match self.in_zone(stamp) {
            Some(local) => format!(
                "{} {}（{}）",
                date_text(local.date_naive()),
                local.format("%H:%M"),
                self.zone_text()
            ),
            None => stamp.to_owned(),
        }
    }

    /// The local date of a stored instant.
    pub fn date_of(&self, stamp: &str) -> Option<NaiveDate> {
        self.in_zone(stamp).map(|t| t.date_naive())
    }

    fn in_zone(&self, stamp: &str) -> Option<DateTime<FixedOffset>> {
        let utc: DateTime<Utc> = DateTime::parse_from_rfc3339(stamp).ok()?.into();
        Some(utc.with_timezone(self.now.offset()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    fn clock(offset_hours: i32) -> Clock {
        let zone = FixedOffset::east_opt(offset_hours * 3600).expect("zone");
        Clock::at(
            DateTime::parse_from_rfc3339("2026-11-29T08:00:00+08:00")
                .expect("time")
                .with_timezone(&zone),
        )
    }

    #[test]
    fn instants_are_shown_in_the_local_zone_with_the_offset() {
        let stamp = "2026-11-28T17:05:09.123Z";
        assert_eq!(
            clock(8).time_text(stamp),
            "2026年11月29日 01:05（北京时间）"
        );
        assert_eq!(clock(0).time_text(stamp), "2026年11月28日 17:05（UTC）");
        assert_eq!(
            clock(8).date_of(stamp),
            NaiveDate::from_ymd_opt(2026, 11, 29)
        );
        assert_eq!(
            clock(8).today(),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        assert_eq!(
            clock(0).today(),
            NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
        );
        assert_eq!(clock(8).time_text("not a time"), "not a time");
        let half =
            Clock::at(DateTime::parse_from_rfc3339("2026-11-29T08:00:00-03:30").expect("time"));
        assert_eq!(half.zone_text(), "UTC-3:30");
    }

    #[test]
    fn a_cameras_time_is_shown_as_the_camera_said() {
        assert_eq!(
            camera_time_text("2026-11-29 14:05:09"),
            "2026年11月29日 14:05（相机时间）"
        );
        assert_eq!(camera_time_text("yesterday"), "yesterday");
    }

    #[test]
    fn dates_have_one_format() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).expect("date");
        assert_eq!(date_text(date), "2026年03月05日");
    }
}
