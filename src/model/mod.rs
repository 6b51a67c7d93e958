//! The domain: pure types and rules. No egui, no SQL.

pub mod catalogue;
pub mod cluster;
pub mod compound;
pub mod ids;
pub mod inspection;
pub mod town;
pub mod verdict;

pub use catalogue::{Catalogue, CatalogueError, StandardItem};
pub use cluster::Cluster;
pub use compound::{Compound, CompoundDraft, CompoundField, FieldError};
pub use ids::{ClusterId, CompoundId, InspectionId, TownId};
pub use inspection::{Inspection, InspectionDraft, InspectionItem, ItemResult};
pub use town::{DEFAULT_TOWNS, Town};
pub use verdict::{Verdict, verdict_of};
