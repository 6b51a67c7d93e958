//! The conflict policy (`model/merge_policy.rs`) as a decision table: every row below is a
//! test of its own, named for what it says. The facts: what arrived (`Insert` of a whole row,
//! `Update` of fields, `Delete`), whose word it is (an edit, a pick, a signed record, the
//! subject a signed record brings), what is here (absent: deleted here or never had, inside a
//! record signed here or not; present: signed here or not, its content differing or not), and
//! three flags (a snapshot had already, deleted with its compound, refused by the file's locks).

use yanshou::model::merge_policy::{
    Arrived, Conflicted, Decision, Facts, FieldMerge, Here, Left, Weight, decide, looks_here,
    merge_field,
};

use Arrived::{Delete, Insert, Update};
use Decision::{
    ConflictEachField, ConflictWholeRow, Force, KeepForDeleted, Leave, Merge, Refuse, Supersede,
};
use Weight::{Edit, IfMissing, Signed};

const PICK: Weight = Weight::Pick { latest: true };
const OLDER_PICK: Weight = Weight::Pick { latest: false };

const NEVER_HAD: Here = Here::Absent {
    deleted: false,
    in_signed: false,
};
const DELETED_HERE: Here = Here::Absent {
    deleted: true,
    in_signed: false,
};
const NEW_IN_SIGNED: Here = Here::Absent {
    deleted: false,
    in_signed: true,
};
const SAME: Here = Here::Present {
    signed: false,
    differs: false,
};
const CHANGED: Here = Here::Present {
    signed: false,
    differs: true,
};
const SIGNED_SAME: Here = Here::Present {
    signed: true,
    differs: false,
};
const SIGNED_CHANGED: Here = Here::Present {
    signed: true,
    differs: true,
};

/// The flags.
#[derive(Clone, Copy)]
struct Also {
    had_already: bool,
    with_its_compound: bool,
    locked: bool,
}
const NO: Also = Also {
    had_already: false,
    with_its_compound: false,
    locked: false,
};
const HAD: Also = Also {
    had_already: true,
    ..NO
};
const WITH_COMPOUND: Also = Also {
    with_its_compound: true,
    ..NO
};
const LOCKED: Also = Also { locked: true, ..NO };

const fn facts(arrived: Arrived, weight: Weight, here: Here, also: Also) -> Facts {
    Facts {
        arrived,
        weight,
        here,
        had_already: also.had_already,
        with_its_compound: also.with_its_compound,
        locked: also.locked,
    }
}

macro_rules! decision_table {
    ($($name:ident: $arrived:expr, $weight:expr, $here:expr, $also:expr => $decision:expr;)*) => {
        /// Every row, for the checks over the whole table.
        const TABLE: &[(&str, Facts, Decision)] = &[
            $((stringify!($name), facts($arrived, $weight, $here, $also), $decision)),*
        ];
        $(
            #[test]
            fn $name() {
                assert_eq!(decide(facts($arrived, $weight, $here, $also)), $decision);
            }
        )*
    };
}

decision_table! {
    // A whole row arrives (a new row, a snapshot's, a signed record's, a pick bringing it back).
    a_new_row_is_inserted:
        Insert, Edit, NEVER_HAD, NO => Decision::Insert;
    a_row_of_a_snapshot_had_already_is_not_looked_at:
        Insert, Edit, CHANGED, HAD => Leave(Left::HadAlready);
    a_new_row_of_a_snapshot_had_already_is_not_taken:
        Insert, Edit, NEVER_HAD, HAD => Leave(Left::HadAlready);
    a_signed_row_of_a_snapshot_had_already_is_still_checked:
        Insert, Signed, SIGNED_CHANGED, HAD => Refuse;
    a_row_picked_back_is_inserted:
        Insert, PICK, DELETED_HERE, NO => Decision::Insert;
    a_row_picked_back_before_a_later_pick_deleted_it_is_left:
        Insert, OLDER_PICK, DELETED_HERE, NO => Leave(Left::OlderPick);
    a_new_part_of_a_record_signed_here_is_not_taken:
        Insert, Edit, NEW_IN_SIGNED, NO => Leave(Left::SignedHere);
    a_signed_part_missing_from_the_record_signed_here_refuses_the_package:
        Insert, Signed, NEW_IN_SIGNED, NO => Refuse;
    a_new_row_the_files_locks_refuse_is_not_taken:
        Insert, Edit, NEVER_HAD, LOCKED => Leave(Left::SignedHere);
    a_signed_row_the_files_locks_refuse_refuses_the_package:
        Insert, Signed, NEVER_HAD, LOCKED => Refuse;
    the_subject_a_signed_record_brings_is_taken_where_missing:
        Insert, IfMissing, DELETED_HERE, NO => Decision::Insert;
    the_subject_a_signed_record_brings_never_changes_the_one_here:
        Insert, IfMissing, CHANGED, NO => Leave(Left::Nothing);
    a_signed_record_arriving_as_signed_here_changes_nothing:
        Insert, Signed, SIGNED_SAME, NO => Leave(Left::Nothing);
    a_signed_record_arriving_unlike_the_one_signed_here_refuses_the_package:
        Insert, Signed, SIGNED_CHANGED, NO => Refuse;
    a_row_edited_elsewhere_of_a_record_signed_here_is_not_taken:
        Insert, Edit, SIGNED_CHANGED, NO => Leave(Left::SignedHere);
    a_pick_on_a_record_signed_here_is_not_taken:
        Insert, PICK, SIGNED_CHANGED, NO => Leave(Left::SignedHere);
    a_picked_row_replaces_the_one_here:
        Insert, PICK, CHANGED, NO => Force;
    a_picked_row_the_same_as_here_still_settles_the_fields:
        Insert, PICK, SAME, NO => Force;
    a_signed_record_replaces_unsigned_changes_here:
        Insert, Signed, CHANGED, NO => Supersede;
    a_whole_row_unlike_the_one_here_keeps_each_field_that_differs:
        Insert, Edit, CHANGED, NO => ConflictEachField;
    a_whole_row_the_same_as_here_changes_nothing:
        Insert, Edit, SAME, NO => Leave(Left::Nothing);

    // Some fields of a row change.
    a_change_to_a_row_deleted_here_is_kept_to_bring_it_back_with:
        Update, Edit, DELETED_HERE, NO => KeepForDeleted;
    a_change_to_a_row_never_had_is_not_this_files_business:
        Update, Edit, NEVER_HAD, NO => Leave(Left::Nothing);
    a_pick_on_a_row_deleted_here_is_left:
        Update, PICK, DELETED_HERE, NO => Leave(Left::Nothing);
    a_change_to_a_record_signed_here_is_not_taken:
        Update, Edit, SIGNED_CHANGED, NO => Leave(Left::SignedHere);
    a_change_that_leaves_a_record_signed_here_as_it_is_changes_nothing:
        Update, Edit, SIGNED_SAME, NO => Leave(Left::Nothing);
    a_change_is_taken_field_by_field:
        Update, Edit, CHANGED, NO => Merge;
    a_change_of_nothing_is_taken_field_by_field_too:
        Update, Edit, SAME, NO => Merge;
    a_signing_machines_change_is_taken_field_by_field:
        Update, Signed, CHANGED, NO => Merge;
    a_picked_change_replaces_the_fields_here:
        Update, PICK, CHANGED, NO => Force;
    a_change_in_a_snapshot_had_already_is_still_taken_field_by_field:
        Update, Edit, CHANGED, HAD => Merge;

    // A row is deleted.
    a_deletion_of_a_row_gone_here_too_changes_nothing:
        Delete, Edit, DELETED_HERE, NO => Leave(Left::Nothing);
    a_deletion_of_a_row_unchanged_here_deletes_it:
        Delete, Edit, SAME, NO => Decision::Delete;
    a_deletion_of_a_row_changed_here_waits_for_a_user:
        Delete, Edit, CHANGED, NO => ConflictWholeRow { only_ours: false };
    a_deletion_of_a_record_signed_here_can_only_be_kept:
        Delete, Edit, SIGNED_SAME, NO => ConflictWholeRow { only_ours: true };
    a_deletion_the_files_locks_refuse_can_only_be_kept:
        Delete, Edit, SAME, LOCKED => ConflictWholeRow { only_ours: true };
    a_picked_deletion_deletes_a_row_changed_here:
        Delete, PICK, CHANGED, NO => Decision::Delete;
    a_picked_deletion_of_a_record_signed_here_is_left:
        Delete, PICK, SIGNED_CHANGED, NO => Leave(Left::Nothing);
    a_picked_deletion_the_files_locks_refuse_is_not_taken:
        Delete, PICK, SAME, LOCKED => Leave(Left::SignedHere);
    a_picked_deletion_before_a_later_pick_kept_the_row_is_left:
        Delete, OLDER_PICK, SAME, NO => Leave(Left::OlderPick);
    a_row_of_a_compound_deleted_in_the_same_change_goes_with_it:
        Delete, Edit, SAME, WITH_COMPOUND => Leave(Left::WithItsCompound);
    a_changed_row_of_a_compound_deleted_in_the_same_change_waits_with_it:
        Delete, Edit, CHANGED, WITH_COMPOUND => Leave(Left::WithItsCompound);
    a_deletion_in_a_snapshot_had_already_is_still_taken:
        Delete, Edit, SAME, HAD => Decision::Delete;
}

#[test]
fn every_decision_is_in_the_table() {
    let every = [
        Decision::Insert,
        Merge,
        Force,
        Supersede,
        ConflictEachField,
        Decision::Delete,
        ConflictWholeRow { only_ours: false },
        ConflictWholeRow { only_ours: true },
        KeepForDeleted,
        Leave(Left::Nothing),
        Leave(Left::HadAlready),
        Leave(Left::SignedHere),
        Leave(Left::OlderPick),
        Leave(Left::WithItsCompound),
        Refuse,
    ];
    for decision in every {
        assert!(
            TABLE.iter().any(|(_, _, d)| *d == decision),
            "no row of the table decides {decision:?}"
        );
    }
    let mut names: Vec<&str> = TABLE.iter().map(|(name, _, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), TABLE.len());
}

/// Every combination of facts, for the rules that hold across the table.
fn every_case() -> Vec<Facts> {
    let weights = [Edit, PICK, OLDER_PICK, Signed, IfMissing];
    let mut heres = Vec::new();
    for a in [false, true] {
        for b in [false, true] {
            heres.push(Here::Absent {
                deleted: a,
                in_signed: b,
            });
            heres.push(Here::Present {
                signed: a,
                differs: b,
            });
        }
    }
    let mut out = Vec::new();
    for arrived in [Insert, Update, Delete] {
        for weight in weights {
            for here in &heres {
                for flags in 0..8 {
                    out.push(facts(
                        arrived,
                        weight,
                        *here,
                        Also {
                            had_already: flags & 1 != 0,
                            with_its_compound: flags & 2 != 0,
                            locked: flags & 4 != 0,
                        },
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn what_holds_in_every_case() {
    for f in every_case() {
        let d = decide(f);
        let signed_here = matches!(
            f.here,
            Here::Present { signed: true, .. }
                | Here::Absent {
                    in_signed: true,
                    ..
                }
        ) || f.locked;
        // Only a signed record refuses a package, and only against one signed here.
        if d == Refuse {
            assert!(f.weight == Signed && signed_here, "{f:?}");
        }
        // Nothing is written over or into a record signed here.
        if signed_here && f.arrived != Update {
            assert!(
                !matches!(
                    d,
                    Decision::Insert | Force | Supersede | Merge | Decision::Delete
                ),
                "{f:?} → {d:?}"
            );
        }
        if matches!(f.here, Here::Present { signed: true, .. }) {
            assert!(
                matches!(d, Leave(_) | Refuse | ConflictWholeRow { .. }),
                "{f:?} → {d:?}"
            );
        }
        // A row changed here is never deleted by an edit: a user decides.
        if f.arrived == Delete && d == Decision::Delete {
            assert!(
                matches!(f.weight, Weight::Pick { .. })
                    || f.here
                        == (Here::Present {
                            signed: false,
                            differs: false
                        }),
                "{f:?}"
            );
        }
        // What is not here is never merged, forced or deleted.
        if matches!(f.here, Here::Absent { .. }) {
            assert!(
                !matches!(
                    d,
                    Merge | Force | Supersede | ConflictEachField | Decision::Delete
                ),
                "{f:?} → {d:?}"
            );
        }
        // A row left unseen is left whatever is here.
        if !looks_here(f.arrived, f.weight, f.had_already) {
            assert_eq!(d, Leave(Left::HadAlready), "{f:?}");
        }
    }
}

#[test]
fn a_field_is_taken_where_unchanged_here_and_kept_both_ways_where_changed_on_both() {
    // (before there, here, theirs, bookkeeping) → what happens to the field
    let table = [
        (Some(1), 2, 2, false, FieldMerge::Same),
        (Some(1), 1, 2, false, FieldMerge::Take),
        (Some(1), 3, 2, false, FieldMerge::Conflict),
        (None, 1, 2, false, FieldMerge::Conflict),
        (Some(1), 1, 2, true, FieldMerge::Take),
        (Some(1), 3, 2, true, FieldMerge::Keep),
        (Some(1), 2, 2, true, FieldMerge::Same),
    ];
    for (before, here, theirs, bookkeeping, expected) in table {
        assert_eq!(
            merge_field(before.as_ref(), &here, &theirs, bookkeeping),
            expected,
            "before {before:?}, here {here}, theirs {theirs}, bookkeeping {bookkeeping}"
        );
    }
}

#[test]
fn a_kept_conflict_says_what_it_is_about() {
    assert_eq!(Conflicted::from_stored("*", true), Conflicted::DeletedHere);
    assert_eq!(
        Conflicted::from_stored("*", false),
        Conflicted::DeletedThere
    );
    assert_eq!(
        Conflicted::from_stored("households", false),
        Conflicted::Field("households".to_owned())
    );
    assert_eq!(Conflicted::DeletedHere.column(), "*");
    assert_eq!(Conflicted::Field("name".to_owned()).column(), "name");
    assert!(Conflicted::DeletedThere.is_whole_record());
}
