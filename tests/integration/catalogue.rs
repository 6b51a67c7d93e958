//! The standards catalogue: loads, is complete, and every item cites its clause.
#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly

use yanshou::model::{Catalogue, catalogue::COMPOUND_STANDARD};

#[test]
fn compound_standard_has_the_thirteen_items_in_four_groups() {
    let c = Catalogue::current();
    let items = c.items_of(COMPOUND_STANDARD);
    assert_eq!(items.len(), 13);
    let count = |g: &str| items.iter().filter(|i| i.group == g).count();
    assert_eq!(
        (count("三入"), count("四通"), count("四有"), count("两整")),
        (3, 4, 4, 2)
    );
    // Grouped in the standard's order: 三入 first, 两整 last.
    assert_eq!(items[0].group, "三入");
    assert_eq!(items[12].group, "两整");
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    for expected in [
        "电线全部入地入槽",
        "供暖管路畅通",
        "有智慧安防系统",
        "路沿齐整",
    ] {
        assert!(texts.contains(&expected), "missing {expected}");
    }
}

#[test]
fn every_item_cites_a_clause_of_the_policy_and_has_a_hint() {
    for c in Catalogue::shipped() {
        assert!(!c.items.is_empty());
        for item in &c.items {
            assert!(
                item.clause.contains("二、（四）"),
                "{} cites {}",
                item.code,
                item.clause
            );
            assert!(!item.hint.trim().is_empty(), "{} has no hint", item.code);
        }
    }
}

#[test]
fn the_format_carries_cluster_and_overall_standards() {
    let c = Catalogue::current();
    assert_eq!(
        c.items_of("cluster").len(),
        16,
        "三合 3 + 三整 3 + 九有 9 + 绿色社区 1"
    );
    assert_eq!(c.items_of("five-complete").len(), 5);
    assert_eq!(c.items_of("nine-in-one").len(), 9);
}

#[test]
fn versions_are_found_by_name() {
    let current = Catalogue::current();
    let found = Catalogue::version(&current.version).expect("current version is shipped");
    assert_eq!(found.items.len(), current.items.len());
    assert!(Catalogue::version("no-such-version").is_none());
}

#[test]
fn broken_catalogues_are_refused() {
    let good = include_str!("../../assets/packs/luoning/standards-v1.toml");
    let duplicate = good.replacen("code = \"XQ-SR-02\"", "code = \"XQ-SR-01\"", 1);
    let err = Catalogue::parse(&duplicate).expect_err("duplicate code");
    assert!(err.to_string().contains("XQ-SR-01"), "{err}");

    let no_clause = good.replacen(
        "clause = \"二、（四）“电线、网线、缆线全部入地入槽”\"",
        "clause = \"\"",
        1,
    );
    let err = Catalogue::parse(&no_clause).expect_err("missing clause");
    assert!(err.to_string().contains("依据条款"), "{err}");

    assert!(Catalogue::parse("version = 3").is_err());
}
