//! Newtype ids. Every record gets a UUIDv7: time-ordered, so records created on several
//! laptops can later be merged without clashes and still sort by creation.

use std::fmt;
use std::str::FromStr;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }

            /// A number people can read out and type: the day the record was made (UTC) and
            /// six hex digits of its random part, e.g. 20261129-3F2A91. The full id stays in
            /// the file and the QR code.
            pub fn number(&self) -> String {
                short_number(&self.0)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

fn short_number(id: &uuid::Uuid) -> String {
    let day = id
        .get_timestamp()
        .and_then(|t| {
            let (seconds, _) = t.to_unix();
            chrono::DateTime::from_timestamp(i64::try_from(seconds).ok()?, 0)
        })
        .map(|t| t.format("%Y%m%d").to_string());
    let hex = id.simple().to_string().to_uppercase();
    let tail = &hex[hex.len() - 6..];
    match day {
        Some(day) => format!("{day}-{tail}"),
        // Not a v7 id (made by hand): the start of the id instead of a day.
        None => format!("{}-{tail}", &hex[..8]),
    }
}

uuid_id!(
    /// A town (属地乡镇).
    TownId
);
uuid_id!(
    /// A cluster (片区 / 组团).
    ClusterId
);
uuid_id!(
    /// A residential compound (小区).
    CompoundId
);
uuid_id!(
    /// One acceptance inspection (验收) of a compound.
    InspectionId
);
uuid_id!(
    /// One survey round of a compound (调查).
    SurveyId
);
uuid_id!(
    /// One survey of a cluster's 15-minute circle.
    ClusterSurveyId
);
uuid_id!(
    /// A rectification ordered for a failed item (整改).
    RectificationId
);
uuid_id!(
    /// A photo kept as evidence for an inspection item.
    PhotoId
);
/// An id kept as the text the file has. The office's records (funding, reports, meetings and
/// their decisions, routes, scores) and the sync core's (conflicts, look-alikes) are ids the
/// app makes as UUIDv7 too, but are read as whatever text is there: a file whose rows were
/// written by another tool still opens.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        /// The text as it is, to the byte (an id is never typed by a user: one read from the
        /// file must name the same row when it is written back).
        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(s.to_owned()))
            }
        }
    };
}

text_id!(
    /// One funding entry of a compound or a cluster (资金).
    FundingId
);
text_id!(
    /// One unit's report of one day (日报).
    DailyReportId
);
text_id!(
    /// A weekly meeting (周例会).
    MeetingId
);
text_id!(
    /// A decision of a weekly meeting (决定事项).
    ActionItemId
);
text_id!(
    /// A stop on a month's observation route (观摩点).
    ObservationStopId
);
text_id!(
    /// One unit's score in one quarter (季度考评).
    QuarterScoreId
);
text_id!(
    /// An evaluation of a compound's property service (物业服务评价).
    EvaluationId
);
text_id!(
    /// A field changed on two machines, kept for a user to pick (冲突).
    ConflictId
);
text_id!(
    /// Two compounds or clusters that look like one, offered for merging (疑似重复).
    LookAlikeId
);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    #[test]
    fn a_text_id_keeps_the_files_text_to_the_byte() {
        let id: FundingId = " f1 ".parse().unwrap();
        assert_eq!(id.as_str(), " f1 ");
        assert_eq!(id.to_string(), " f1 ");
        assert_ne!(FundingId::new(), FundingId::new());
    }

    #[test]
    fn a_record_number_is_its_day_and_six_digits() {
        let id: InspectionId = "019ad0a4-6f00-7000-8000-00000a3f9c2b".parse().expect("id");
        assert_eq!(id.number(), "20251129-3F9C2B");
        let old: InspectionId = "6f9619ff-8b86-4011-b42d-00c04fc964ff".parse().expect("id");
        assert_eq!(old.number(), "6F9619FF-C964FF");
    }
}
