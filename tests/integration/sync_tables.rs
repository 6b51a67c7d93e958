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
