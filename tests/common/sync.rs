//! Machines that exchange field packages, for the sync tests: a file each, packages written
//! to and read from real files, and the records of a file in a form two files can compare.

use std::path::{Path, PathBuf};

use yanshou::export::Document;
use yanshou::job::Progress;
use yanshou::model::Clock;
use yanshou::model::sync::Role;
use yanshou::store::sync::{ImportOutcome, Scope};
use yanshou::store::{Store, StoreError};

/// A database file with an identity.
pub struct Machine {
    pub store: Store,
    pub path: PathBuf,
    pub id: String,
    pub name: String,
    dir: PathBuf,
    sent: usize,
}

impl Machine {
    pub fn new(dir: &Path, name: &str, role: Role) -> Self {
        let path = dir.join(format!("{name}.db"));
        let mut store = Store::open(&path).expect("open");
        let identity = store.set_identity(name, role).expect("identity");
        Self {
            store,
            path,
            id: identity.id,
            name: name.to_owned(),
            dir: dir.to_owned(),
            sent: 0,
        }
    }

    /// Writes a package for `to` (a machine met before, or none) and records it as sent.
    pub fn send(&mut self, to: Option<&Machine>) -> PathBuf {
        self.send_scope(to, Scope::Changes)
    }

    pub fn send_scope(&mut self, to: Option<&Machine>, scope: Scope) -> PathBuf {
        self.sent += 1;
        let path = self.dir.join(format!("{}-{}.yspkg", self.name, self.sent));
        let destination = to.map(|m| m.id.clone()).filter(|id| {
            self.store
                .peers()
                .expect("peers")
                .iter()
                .any(|p| &p.id == id)
        });
        let document = Document::FieldPackage { destination, scope };
        let outcome = document.write(&self.store, &path, &Clock::local(), &Progress::unobserved());
        assert!(outcome.error.is_none(), "{:?}", outcome.error);
        let manifest = outcome.package.expect("a package");
        self.store
            .record_sent(&manifest, &path.file_name().unwrap().to_string_lossy())
            .expect("record sent");
        path
    }

    /// A copy of this machine's file in `dir`, opened as the same machine: one story played
    /// two ways from the same start.
    pub fn copy_into(&self, dir: &Path) -> Machine {
        std::fs::create_dir_all(dir).expect("dir");
        let path = dir.join(format!("{}.db", self.name));
        self.store
            .connection()
            .execute("VACUUM INTO ?1", [path.to_str().expect("a path")])
            .expect("copy");
        Machine {
            store: Store::open(&path).expect("open the copy"),
            path,
            id: self.id.clone(),
            name: self.name.clone(),
            dir: dir.to_owned(),
            sent: self.sent,
        }
    }

    pub fn receive(&mut self, package: &Path) -> Result<ImportOutcome, StoreError> {
        let read = yanshou::import::package::read_package(package)
            .map_err(|e| StoreError::refused(e.to_string()))?;
        self.store.import_package(&read, "test.yspkg")
    }
}

/// Every travelling record of a file, as text that two files with the same records share
/// (bookkeeping times left out: a town seeded in two files was made at two times).
pub fn content(store: &Store) -> String {
    let conn = store.connection();
    let mut out = String::new();
    for table in yanshou::store::sync::TRAVELLING.iter().map(|t| t.name) {
        let columns: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({table})"))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(1))
            .unwrap()
            .map(Result::unwrap)
            .filter(|c| c != "created_at" && c != "updated_at")
            .collect();
        let list = columns.join(", ");
        let sql = format!("SELECT {list} FROM {table} ORDER BY {list}");
        let mut stmt = conn.prepare(&sql).unwrap();
        let n = columns.len();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.push_str(&format!("## {table}\n"));
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

/// A file's open choices (record, field, whether the other side can be picked), as words that
/// two runs of one story share.
pub fn choices(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = store
        .open_conflicts()
        .expect("conflicts")
        .into_iter()
        .flat_map(|r| {
            r.fields
                .into_iter()
                .map(move |f| format!("{}|{}|{}", r.record, f.label, f.theirs_available))
        })
        .collect();
    out.sort();
    out
}

/// The file's bytes (and its -wal's), to show a refused import changed nothing.
pub fn file_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).expect("db");
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(PathBuf::from(wal)) {
        bytes.extend(more);
    }
    bytes
}
