//! What each version's schema must be, known without running the migrations at every start:
//! the SHA-256 of each version's tables with their columns (as `open::schema_lines` lists them),
//! and of the current version's triggers. The test below works both out from the migrations,
//! so a migration added without its digest here fails it, and prints the line to add.

use super::migrations::SCHEMA_VERSION;

/// The digest of the tables of a file of each version, 0 to `SCHEMA_VERSION`.
pub(super) const TABLES: [&str; SCHEMA_VERSION as usize + 1] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "fed5c741d8f42f5b4ad1657fef00a649df05aabf33056e1299a7eb71df39b367",
    "fb09053f39d7083b495f7dc6015274fe5a5d9a1826fee4c761726396e12a51dc",
    "2c9dfee7f1128f2c4e4ef4c65375d9fc4803c07777824ed0b52823d66d610f83",
    "269d6bd82896599a1021f86360172909683794eb200d16578e930e8839a6c62a",
    "5eba2ff78eb66a72fe63a44ef163e6bc98133bdc27653daa274d1e25e838bf10",
    "eb9c27e4e00431d41e2f960b2aedf32d56c2cdbe205c0b92a5424496fb4de62b",
    "f00f754c1c05381c2fc89ea4ad145bd4ba584b12c620278306b66f7b0c73bf04",
    "f00f754c1c05381c2fc89ea4ad145bd4ba584b12c620278306b66f7b0c73bf04",
    "b8be186ae08b625cab4b664c55c0e17acfc932d92fc396ce5ecb2b04cf96a291",
    "b7cfb43ebb4a0dcc8e564b988f69a9339bc0f6bfc8f7255735d9bad66ce25d37",
    "1fbd54e6acff9d97caa0e77e99c47b6a9f396fa413acf6fe24d4fcd041f38614",
    "bf8c5c6b5a6104b037ee14e7ade3d80a91c99364a500618b4ad2482e148ae6a5",
    "2a78848ffba15ea8133de7dd5dbcae18caa437e57ffc5552a59947ba39ee02a3",
];

/// The digest of the triggers (name and SQL) a file of `SCHEMA_VERSION` has.
pub(super) const TRIGGERS: &str =
    "b7653e93b3715f2b92bd341a96501d2a261580c61b20c33e93e7b698d9cef134";

/// The digest of a schema listed line by line.
pub(super) fn digest<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    crate::model::digest::sha256_hex(text.as_bytes())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests fail loudly

    use rusqlite::Connection;

    use super::super::migrations::{SCHEMA_VERSION, migrate_to};
    use super::super::open::{schema_lines, trigger_lines};
    use super::{TABLES, TRIGGERS};

    #[test]
    fn the_digests_are_the_migrations_schemas() {
        let computed: Vec<String> = (0..=SCHEMA_VERSION)
            .map(|v| {
                let mut conn = Connection::open_in_memory().unwrap();
                migrate_to(&mut conn, v).unwrap();
                super::digest(schema_lines(&conn).unwrap().iter().map(String::as_str))
            })
            .collect();
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, SCHEMA_VERSION).unwrap();
        let triggers = trigger_lines(&conn).unwrap();
        let triggers = super::digest(triggers.iter().map(String::as_str));
        assert!(
            computed == TABLES && triggers == TRIGGERS,
            "store/schema_digest.rs is out of date; it should read:\n\
             pub(super) const TABLES: [&str; SCHEMA_VERSION as usize + 1] = {computed:#?};\n\
             pub(super) const TRIGGERS: &str = {triggers:?};"
        );
    }
}
