//! The domain: pure types and rules. No egui, no SQL.

pub mod catalogue;
pub mod clock;
pub mod cluster;
pub mod cluster_acceptance;
pub mod cluster_survey;
pub mod compound;
pub mod device_key;
pub mod digest;
pub mod eligibility;
pub mod funding;
pub mod handover;
pub mod header;
pub mod ids;
pub mod inspection;
pub mod key_file;
pub mod member;
pub mod merge_policy;
pub mod photo;
pub mod policy_pack;
pub mod policy_rule;
pub mod programme;
pub mod progress;
pub mod quarter_score;
pub mod rectification;
pub mod refusal;
pub mod register_import;
pub mod rhythm;
pub mod seal;
pub mod settings;
pub mod share;
pub mod signoff;
pub mod survey;
pub mod survey_catalogue;
pub mod sync;
pub mod town;
pub mod validate;
pub mod verdict;

pub use catalogue::{Catalogue, CatalogueError, StandardItem};
pub use clock::{Clock, camera_time_text, date_text};
pub use cluster::Cluster;
pub use cluster_acceptance::{RoundMembers, cluster_verdict};
pub use cluster_survey::{ClusterSurvey, Facility, FacilityChange};
pub use compound::{Compound, CompoundDraft, CompoundField, FieldError};
pub use eligibility::{Eligibility, EligibilityFacts, EligibilityReport, Finding, assess};
pub use handover::{Stage, handover_conditions, handover_status, stage_of};
pub use header::SubjectHeader;
pub use ids::{
    ActionItemId, ClusterId, ClusterSurveyId, CompoundId, ConflictId, DailyReportId, EvaluationId,
    FundingId, InspectionId, LookAlikeId, MeetingId, ObservationStopId, PhotoId, QuarterScoreId,
    RectificationId, SurveyId, TownId,
};
pub use inspection::{Inspection, InspectionDraft, InspectionItem, ItemResult, RoundKind, Subject};
pub use member::{MemberAcceptance, MemberStatus};
pub use photo::PreparedPhoto;
pub use rectification::{InspectionChain, Rectification, RectificationStatus};
pub use refusal::Refusal;
pub use seal::SealCheck;
pub use signoff::{SignMethod, Signature, Stroke};
pub use survey::{
    Choice, CompoundSurvey, Condition, ItemCondition, ManagementMode, NeedsGroup, StructuralSafety,
    SurveyField, SurveyStatus, SurveyValue, needs_list,
};
pub use survey_catalogue::SurveyCatalogue;
pub use town::Town;
pub use verdict::{Verdict, verdict_of};
