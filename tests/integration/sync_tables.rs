//! The registry of travelling tables (`store/sync/tables.rs`) against a file's schema: every
//! table is registered or named bookkeeping, every column has its Chinese name, and the
//! registry's order is one an import can apply rows in (children before parents).

use yanshou::store::Store;
use yanshou::store::sync::{BOOKKEEPING, Belongs, TRAVELLING};

fn names(store: &Store, sql: &str, arg: &str) -> Vec<String> {
    store
        .connection()
        .prepare(sql)
        .unwrap()
        .query_map([arg], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn rank(name: &str) -> usize {
    TRAVELLING
        .iter()
        .position(|t| t.name == name)
        .unwrap_or_else(|| panic!("{name} is not registered"))
}

#[test]
fn every_table_is_registered_or_bookkeeping_and_every_registered_table_exists() {
    let store = Store::open_in_memory().unwrap();
    let tables = names(
        &store,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE ?1 ORDER BY name",
        "sqlite_%",
    );
    let unknown: Vec<&String> = tables
        .iter()
        .filter(|t| !TRAVELLING.iter().any(|r| r.name == *t) && !BOOKKEEPING.contains(&t.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "tables neither travelling nor bookkeeping: {unknown:?}"
    );
    for name in TRAVELLING
        .iter()
        .map(|t| t.name)
        .chain(BOOKKEEPING.iter().copied())
    {
        assert!(
            tables.iter().any(|t| t == name),
            "{name} is registered but not in the file"
        );
    }
    assert!(
        !TRAVELLING.iter().any(|t| BOOKKEEPING.contains(&t.name)),
        "a table both travels and is bookkeeping"
    );
}

#[test]
fn every_column_of_a_travelling_table_has_a_label_in_the_schemas_order() {
    let store = Store::open_in_memory().unwrap();
    for table in TRAVELLING {
        let columns = names(&store, "SELECT name FROM pragma_table_info(?1)", table.name);
        let registered: Vec<&str> = table.columns.iter().map(|(c, _)| *c).collect();
        assert_eq!(columns, registered, "the columns of {}", table.name);
        for (column, label) in table.columns {
            assert!(
                !label.is_empty() && !label.is_ascii(),
                "{}.{column} has no Chinese label",
                table.name
            );
        }
        assert!(
            !table.label.is_ascii(),
            "{} has no Chinese label",
            table.name
        );
    }
    let mut labels: Vec<&str> = TRAVELLING.iter().map(|t| t.label).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), TRAVELLING.len(), "two tables share a label");
}

#[test]
fn a_row_comes_before_what_it_belongs_to_and_refers_to() {
    let store = Store::open_in_memory().unwrap();
    for table in TRAVELLING {
        // What it belongs to, by the registry.
        let owners: Vec<&str> = match table.belongs {
            Belongs::Under { column, parent } => {
                assert!(
                    table.columns.iter().any(|(c, _)| *c == column),
                    "{}.{column}",
                    table.name
                );
                vec![parent]
            }
            Belongs::OfCompound(_) => vec!["compound"],
            Belongs::OfCluster(_) => vec!["cluster"],
            Belongs::OfCompoundOrCluster { .. } | Belongs::Round => vec!["compound", "cluster"],
            Belongs::Everywhere | Belongs::Office { .. } | Belongs::Cluster | Belongs::Compound => {
                vec![]
            }
        };
        // What it refers to, by its foreign keys (a round's link to the round before is to
        // its own table).
        let parents = names(
            &store,
            "SELECT \"table\" FROM pragma_foreign_key_list(?1)",
            table.name,
        );
        for parent in owners.into_iter().chain(parents.iter().map(String::as_str)) {
            if parent != table.name {
                assert!(
                    rank(parent) > rank(table.name),
                    "{} must come before {parent}",
                    table.name
                );
            }
        }
    }
}

/// A UNIQUE constraint besides the key is a natural key two machines can both fill under their
/// own ids: the registry names it, so the two rows become one instead of refusing packages.
/// (A survey's round is numbered apart; a town's id is made from its name.)
#[test]
fn every_unique_constraint_of_a_travelling_table_is_its_natural_key() {
    let store = Store::open_in_memory().unwrap();
    for table in TRAVELLING {
        let uniques = names(
            &store,
            "SELECT name FROM pragma_index_list(?1) WHERE origin = 'u'",
            table.name,
        );
        let mut found: Vec<Vec<String>> = uniques
            .iter()
            .map(|index| {
                names(
                    &store,
                    "SELECT name FROM pragma_index_info(?1) ORDER BY seqno",
                    index,
                )
            })
            .collect();
        found.retain(|columns| {
            !matches!(
                (
                    table.name,
                    columns
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .as_slice()
                ),
                ("survey", ["compound_id", "round"]) | ("town", ["name"])
            )
        });
        let declared: Vec<Vec<String>> = if table.natural_key.is_empty() {
            Vec::new()
        } else {
            vec![table.natural_key.iter().map(|c| (*c).to_owned()).collect()]
        };
        assert_eq!(found, declared, "the natural key of {}", table.name);
    }
}
