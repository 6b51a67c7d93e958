//! What a file does with one row's change from another machine: the conflict policy as one
//! pure function (`decide`) over what arrived, whose word it is, and what this file has of the
//! row. The store finds the facts by reading the file and does what the decision says
//! (`store/sync/apply.rs`); `tests/integration/merge_policy.rs` checks every row of the policy's
//! table, and the convergence and merge-case tests check that two files end the same whatever
//! order the packages come in.
//!
//! The rules, in words: a change applies where this file still has what the other machine had
//! before it; where both changed a field since they last agreed, both values wait for a user
//! (never last-writer-wins). A user's pick replaces what is here unless a later pick was taken.
//! A signed record decides its own content: arriving signed it replaces unsigned changes here; a
//! change made elsewhere to a record signed here is not taken; a signed record that arrives
//! different from the one signed here refuses the whole package. A deletion waits for a user
//! where the row was changed here, and never takes a signed record.

/// What arrived for a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrived {
    /// The whole row (a new row, a snapshot's, a signed record's, a pick bringing it back).
    Insert,
    /// Some of its fields.
    Update,
    /// Its deletion.
    Delete,
}

/// Whose word a change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// An edit (or a snapshot's row): applies where nothing changed here since.
    Edit,
    /// A user's pick; `latest` when no later pick on the whole row was taken here (a pick on a
    /// field is ordered field by field when it is forced).
    Pick { latest: bool },
    /// A row of a record as signed.
    Signed,
    /// The subject a signed record brings along: taken only where it is missing here.
    IfMissing,
}

/// What this file has of the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Here {
    /// Not here: `deleted` if this file deleted it (else it never had it); `in_signed` if the
    /// record it would belong to is signed here.
    Absent { deleted: bool, in_signed: bool },
    /// Here: `signed` if it is, or belongs to, a record signed here; `differs` if its content
    /// is not what arrives (for a deletion: changed here since, grown, or holding a conflict).
    Present { signed: bool, differs: bool },
}

/// Everything the policy looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub arrived: Arrived,
    pub weight: Weight,
    pub here: Here,
    /// The package is a snapshot this file has had all of: only signed rows are looked at.
    pub had_already: bool,
    /// A deletion of a row whose compound the same changeset deletes.
    pub with_its_compound: bool,
    /// The file's own locks refused what the policy chose first (the row would take a signed
    /// record with it): asked again with this set.
    pub locked: bool,
}

/// What to do with the row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Write the row as it arrived.
    Insert,
    /// Field by field (`merge_field`): take where this file still has the value the other
    /// machine had, keep both where both changed.
    Merge,
    /// A pick: set every field it names, unless a later pick on that field was taken here.
    Force,
    /// A signed record: set every field that differs; the values replaced are settled by the
    /// signature.
    Supersede,
    /// Keep each field that differs as a conflict.
    ConflictEachField,
    /// Delete it here.
    Delete,
    /// Keep the whole row as a conflict (deleted there, changed or signed here); with
    /// `only_ours` the user can only keep it.
    ConflictWholeRow { only_ours: bool },
    /// Deleted here, changed there: keep their changes with a conflict, to bring it back with.
    KeepForDeleted,
    /// The row stays as it is.
    Leave(Left),
    /// Refuse the whole package: a signed record arriving different from the one signed here.
    Refuse,
}

/// Why a row stays as it is (what the import's summary counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// Nothing to do: the same here, not this file's business, or gone here too.
    Nothing,
    /// A snapshot this file has had all of.
    HadAlready,
    /// A change made elsewhere to a record signed here.
    SignedHere,
    /// A whole-row pick older than one taken here.
    OlderPick,
    /// It goes (or waits) with its compound, whose deletion decides.
    WithItsCompound,
}

/// Whether the decision on a change of this kind depends on what is here at all: a snapshot's
/// row this file has had already is left unseen (the store need not look the row up).
pub fn looks_here(arrived: Arrived, weight: Weight, had_already: bool) -> bool {
    !(arrived == Arrived::Insert && had_already && weight != Weight::Signed)
}

/// The policy.
pub fn decide(f: Facts) -> Decision {
    use Decision::*;
    let pick = matches!(f.weight, Weight::Pick { .. });
    let older_pick = f.weight == Weight::Pick { latest: false };
    // What the file's locks refused is a signed record's, whatever the store saw first.
    let here = match (f.here, f.locked) {
        (Here::Absent { deleted, .. }, true) => Here::Absent {
            deleted,
            in_signed: true,
        },
        (Here::Present { differs, .. }, true) => Here::Present {
            signed: true,
            differs,
        },
        (here, false) => here,
    };
    match (f.arrived, here) {
        (arrived, _) if !looks_here(arrived, f.weight, f.had_already) => Leave(Left::HadAlready),
        (Arrived::Insert, Here::Absent { .. }) if older_pick => Leave(Left::OlderPick),
        (
            Arrived::Insert,
            Here::Absent {
                in_signed: true, ..
            },
        ) => {
            if f.weight == Weight::Signed {
                Refuse
            } else {
                Leave(Left::SignedHere)
            }
        }
        (Arrived::Insert, Here::Absent { .. }) => Insert,
        (Arrived::Insert, Here::Present { .. }) if f.weight == Weight::IfMissing => {
            Leave(Left::Nothing)
        }
        (
            Arrived::Insert,
            Here::Present {
                signed: true,
                differs,
            },
        ) => match (differs, f.weight) {
            (false, _) => Leave(Left::Nothing),
            (true, Weight::Signed) => Refuse,
            (true, _) => Leave(Left::SignedHere),
        },
        (Arrived::Insert, Here::Present { differs, .. }) => match f.weight {
            Weight::Pick { .. } => Force,
            Weight::Signed => Supersede,
            Weight::Edit | Weight::IfMissing if differs => ConflictEachField,
            Weight::Edit | Weight::IfMissing => Leave(Left::Nothing),
        },

        (Arrived::Update, Here::Absent { deleted: true, .. }) if !pick => KeepForDeleted,
        (Arrived::Update, Here::Absent { .. }) => Leave(Left::Nothing),
        (
            Arrived::Update,
            Here::Present {
                signed: true,
                differs,
            },
        ) => {
            if differs {
                Leave(Left::SignedHere)
            } else {
                Leave(Left::Nothing)
            }
        }
        (Arrived::Update, Here::Present { .. }) if pick => Force,
        (Arrived::Update, Here::Present { .. }) => Merge,

        (Arrived::Delete, Here::Absent { .. }) => Leave(Left::Nothing),
        (Arrived::Delete, Here::Present { .. }) if older_pick => Leave(Left::OlderPick),
        (Arrived::Delete, Here::Present { .. }) if f.with_its_compound => {
            Leave(Left::WithItsCompound)
        }
        (Arrived::Delete, Here::Present { signed: true, .. }) => {
            if pick {
                // A pick that would delete a signed record: it stays, said as stale when the
                // file's locks had to say it.
                Leave(if f.locked {
                    Left::SignedHere
                } else {
                    Left::Nothing
                })
            } else {
                ConflictWholeRow { only_ours: true }
            }
        }
        (Arrived::Delete, Here::Present { differs: true, .. }) if !pick => {
            ConflictWholeRow { only_ours: false }
        }
        (Arrived::Delete, Here::Present { .. }) => Delete,
    }
}

/// One field of an arriving update, as `Decision::Merge` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldMerge {
    /// The same here already.
    Same,
    /// Changed there only: take it.
    Take,
    /// Changed on both machines: keep both for a user.
    Conflict,
    /// A bookkeeping field (when made or changed) changed on both: this file's stays.
    Keep,
}

/// How one field of an update is taken: `before` is what the other machine had before its
/// change (if the changeset says), `here` what this file has, `theirs` what arrives.
pub fn merge_field<T: PartialEq>(
    before: Option<&T>,
    here: &T,
    theirs: &T,
    bookkeeping: bool,
) -> FieldMerge {
    if here == theirs {
        FieldMerge::Same
    } else if before == Some(here) {
        FieldMerge::Take
    } else if bookkeeping {
        FieldMerge::Keep
    } else {
        FieldMerge::Conflict
    }
}

/// What a conflict kept in the file is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflicted {
    /// One field changed on both machines.
    Field(String),
    /// The whole record: changed (or signed) here, deleted there.
    DeletedThere,
    /// The whole record: deleted here, changed there.
    DeletedHere,
}

impl Conflicted {
    /// How the file's `conflict.column_name` names a whole-record conflict.
    pub const WHOLE_RECORD: &'static str = "*";

    /// From a kept conflict's column and whether its `ours` is empty (deleted here).
    pub fn from_stored(column: &str, ours_is_empty: bool) -> Self {
        match (column == Self::WHOLE_RECORD, ours_is_empty) {
            (true, true) => Self::DeletedHere,
            (true, false) => Self::DeletedThere,
            (false, _) => Self::Field(column.to_owned()),
        }
    }

    /// The column the file keeps it under.
    pub fn column(&self) -> &str {
        match self {
            Self::Field(column) => column,
            Self::DeletedThere | Self::DeletedHere => Self::WHOLE_RECORD,
        }
    }

    /// Whether it is about the whole record.
    pub fn is_whole_record(&self) -> bool {
        !matches!(self, Self::Field(_))
    }
}
