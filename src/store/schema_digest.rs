//! What each version's schema must be, known without running the migrations at every start:
//! the SHA-256 of each version's objects (tables, indexes, views and triggers with their SQL, as
//! `open::schema_lines` lists them), and of the current version's triggers. The test below works both out from the migrations,
//! so a migration added without its digest here fails it, and prints the line to add.

use super::migrations::SCHEMA_VERSION;

/// The digest of the schema of a file of each version, 0 to `SCHEMA_VERSION`.
pub(super) const SCHEMAS: [&str; SCHEMA_VERSION as usize + 1] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "ea88cdc9a3547296de7077c6646e0761f47e31fc3286f4da3da3b9738c3f1cb8",
    "a9a3e905f27feed17e145e22b532c4d6f48e5bac3131614d1e07cceca0163042",
    "7735f8443d2a494368236584a8c5d55776aed82f98616fb4163729781ce37702",
    "2d79ad0db1a93c95e1c1be8aa3f7c375dbfa7a589852424ef7ef1efcad64cbdc",
    "834c99bc9b283b6caa5886f99ebda83e1ba457c8ca5f88dea0f6a3babc22227f",
    "f6e180cdf86642c71e0bb1f9c0118ebc25f7b4a630c015f4b5b04685bfe7562f",
    "49925ccb2da8739321c301d3504cd2679e9b1d06246a5c7549d85ace74d5f874",
    "49925ccb2da8739321c301d3504cd2679e9b1d06246a5c7549d85ace74d5f874",
    "91e80a43d59adf5c9218bee44ff7a41d4a2bf81cf0921984e1dd4e019966718a",
    "95369d8c0da6687cfa2a47878ee26e933f5707c445498c3546ed99d6e3f17ea5",
    "b162e85d6d7e148bc8dd7ce8082ac8f37df399cbabc08455e1ccf606be77eddb",
    "17f983cd14f9765335efb15322fccad6d2285f427235a7c4874c5c62841d8b42",
    "65937fdf143cc806aff88fe9677a6875075deef3f5f5f6337580a598b45a3ae0",
    "46b78d4b986c3ad3e314ba7c34ebce044e6095e423a2cbc5fa6d66ab9ff1621b",
    "8859328726ba57a5d21a173b9d28be70e0f5ded89832d64766586f9d01aca019",
    "fa3e564a5188cffc0368d368fcdce71d153dfbf78c5e28378158d29e8aa2ecca",
    "94ec901105ca809963aafd57adab4c7df5835413582d06a237dd2f0ef7cecefc",
    "86ebe7cc318e5285ae75f50b841bc38151f7536cb52896d9cc1594dd49c70ef1",
    "95bf3b5a7d632ad43d2b42d038f0355122019fd11a3ef1888954ab3447b07abc",
    "137b613f94590054507768af42ec92425a0ec451c95264b16378970f626af08b",
];

/// The digest of the triggers (name and SQL) a file of `SCHEMA_VERSION` has.
pub(super) const TRIGGERS: &str =
    "83d28522018bed5708251d9f64cdb8e7de31aeb80e0ba10b3379793cd50b7a23";

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
    use super::{SCHEMAS, TRIGGERS};

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
            computed == SCHEMAS && triggers == TRIGGERS,
            "store/schema_digest.rs is out of date; it should read:\n\
             pub(super) const SCHEMAS: [&str; SCHEMA_VERSION as usize + 1] = {computed:#?};\n\
             pub(super) const TRIGGERS: &str = {triggers:?};"
        );
    }
}
