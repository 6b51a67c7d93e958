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
