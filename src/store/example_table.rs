//! An example travelling table, for the crate's own tests only: a compound's field notes. It is
//! added exactly as a real one is, and its tests show that this is all it takes:
//!
//! 1. its migration: `example_table.sql`, and the step that remakes the tombstone triggers
//!    (here `MIGRATION`, run as the version after the last; a real one goes at the end of
//!    `migrations.rs`);
//! 2. one entry in the registry (`FIELD_NOTE` in `sync/tables.rs`);
//! 3. its store file (the writes below, each one user action in one captured transaction);
//! 4. its upgrade test (`a_file_of_the_last_version_upgrades_and_keeps_its_records`).
//!
//! Change capture, tombstones, packages, snapshots, conflicts and their labels then handle it
//! with no other change.

use super::migrations::{Migration, Step};
use super::{Store, StoreError, now};
use crate::model::CompoundId;

/// The table's migration.
pub(super) const MIGRATION: Migration = Migration {
    name: "field notes (an example, tests only)",
    steps: &[
        Step::Sql(include_str!("example_table.sql")),
        Step::Code(
            "tombstone triggers that keep the latest deletion",
            super::tombstones::remake_triggers_replacing,
        ),
    ],
};

impl Store {
    /// Adds a field note to a compound; its id.
    pub(crate) fn add_field_note(
        &mut self,
        compound: CompoundId,
        text: &str,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::now_v7().to_string();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO field_note (id, compound_id, text, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            (&id, compound.to_string(), text, now()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    pub(crate) fn set_field_note(&mut self, id: &str, text: &str) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute(
            "UPDATE field_note SET text = ?2, updated_at = ?3 WHERE id = ?1",
            (id, text, now()),
        )?;
        tx.commit()
    }

    pub(crate) fn delete_field_note(&mut self, id: &str) -> Result<(), StoreError> {
        let tx = self.begin()?;
        tx.execute("DELETE FROM field_note WHERE id = ?1", [id])?;
        tx.commit()
    }

    /// A compound's notes, oldest first.
    pub(crate) fn field_notes(&self, compound: CompoundId) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare("SELECT text FROM field_note WHERE compound_id = ?1 ORDER BY id")?
            .query_map([compound.to_string()], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use std::path::Path;

    use super::*;
    use crate::export::Document;
    use crate::job::Progress;
    use crate::model::sync::{Package, Role};
    use crate::model::{Clock, Compound};
    use crate::store::migrations::{SCHEMA_VERSION, run};
    use crate::store::sync::{FieldPick, Scope};

    fn compound(name: &str) -> Compound {
        Compound {
            id: CompoundId::new(),
            name: name.to_owned(),
            address: "城关镇永宁大道 1 号".to_owned(),
            town_id: None,
            owner_unit: "洛宁县住建局".to_owned(),
            year_built: Some(1995),
            buildings: Some(3),
            households: Some(72),
            cluster_id: None,
            is_sample: false,
        }
    }

    /// A file of this build's version, upgraded to the version with the example table.
    fn machine(dir: &Path, name: &str, role: Role) -> Store {
        let mut store = Store::open(&dir.join(format!("{name}.db"))).unwrap();
        store.set_identity(name, role).unwrap();
        run(&mut store.conn, SCHEMA_VERSION as usize + 1, &MIGRATION).unwrap();
        store
    }

    fn send(from: &mut Store, dir: &Path, name: &str, scope: Scope) -> Package {
        let path = dir.join(format!("{name}.yspkg"));
        let document = Document::FieldPackage {
            destination: None,
            scope,
        };
        let outcome = document.write(from, &path, &Clock::local(), &Progress::unobserved());
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        from.record_sent(&outcome.package.unwrap(), &format!("{name}.yspkg"))
            .unwrap();
        crate::import::package::read_package(&path).unwrap()
    }

    #[test]
    fn a_file_of_the_last_version_upgrades_and_keeps_its_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let c = compound("建设路小区");
        {
            let mut store = Store::open(&path).unwrap();
            store.save_compound(&c).unwrap();
        }
        let mut store = Store::open(&path).unwrap();
        run(&mut store.conn, SCHEMA_VERSION as usize + 1, &MIGRATION).unwrap();
        let version: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, i64::from(SCHEMA_VERSION) + 1);
        assert_eq!(store.compound(c.id).unwrap().name, "建设路小区");
        let trigger: String = store
            .conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'field_note_tombstone'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            trigger.contains("INSERT OR REPLACE INTO tombstone"),
            "{trigger}"
        );
        store.add_field_note(c.id, "东侧围墙开裂").unwrap();
        assert_eq!(store.field_notes(c.id).unwrap(), ["东侧围墙开裂"]);
    }

    #[test]
    fn the_example_table_travels_conflicts_and_leaves_tombstones_with_no_other_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut laptop = machine(dir.path(), "城关镇-王海燕", Role::Field);
        let mut office = machine(dir.path(), "县办", Role::Office);
        let c = compound("建设路小区");
        laptop.save_compound(&c).unwrap();
        let note = laptop.add_field_note(c.id, "东侧围墙开裂").unwrap();

        // Captured and carried: the office has the note.
        let package = send(&mut laptop, dir.path(), "1", Scope::Changes);
        office.import_package(&package, "1.yspkg").unwrap();
        assert_eq!(office.field_notes(c.id).unwrap(), ["东侧围墙开裂"]);

        // Changed on both machines: a conflict, named as the registry names it.
        office
            .set_field_note(&note, "东侧围墙开裂，已报修")
            .unwrap();
        laptop
            .set_field_note(&note, "东侧围墙开裂，需加固")
            .unwrap();
        let package = send(&mut laptop, dir.path(), "2", Scope::Changes);
        office.import_package(&package, "2.yspkg").unwrap();
        let conflicts = office.open_conflicts().unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].table, "field_note");
        assert_eq!(conflicts[0].record, "建设路小区 · 现场记事");
        assert_eq!(conflicts[0].compound_id, Some(c.id));
        let field = &conflicts[0].fields[0];
        assert_eq!(
            (
                field.label.as_str(),
                field.ours.as_str(),
                field.theirs.as_str()
            ),
            ("记事", "东侧围墙开裂，已报修", "东侧围墙开裂，需加固")
        );
        office
            .resolve_conflict(&field.id, FieldPick::Theirs)
            .unwrap();
        assert_eq!(office.field_notes(c.id).unwrap(), ["东侧围墙开裂，需加固"]);

        // A new laptop set up from the office's snapshot has the notes.
        let mut new_laptop = machine(dir.path(), "城关镇-新笔记本", Role::Field);
        let package = send(
            &mut office,
            dir.path(),
            "everything",
            Scope::Everything { town: None },
        );
        new_laptop
            .import_package(&package, "everything.yspkg")
            .unwrap();
        assert_eq!(
            new_laptop.field_notes(c.id).unwrap(),
            ["东侧围墙开裂，需加固"]
        );

        // Deleted: a tombstone, and the deletion travels.
        laptop.delete_field_note(&note).unwrap();
        let tombstone: String = laptop
            .conn
            .query_row(
                "SELECT row_key FROM tombstone WHERE table_name = 'field_note'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tombstone, format!("[\"{note}\"]"));
        let package = send(&mut laptop, dir.path(), "3", Scope::Changes);
        office.import_package(&package, "3.yspkg").unwrap();
        assert!(office.field_notes(c.id).unwrap().is_empty());
    }
}
