//! Who this file is: an id given once, a name and a role the user can change.

use rusqlite::{Connection, OptionalExtension};

use super::Origin;
use crate::model::sync::{Identity, Role};
use crate::store::{Store, StoreError, now};

/// This file's identity and device key, given on its first writable open (a new file, or the
/// first open after the upgrade that brought packages, or keys). A file that held records
/// before remembers it: its first package to each peer carries a snapshot of them.
pub(crate) fn ensure_identity(conn: &Connection) -> Result<Origin, StoreError> {
    let origin = ensure_id(conn)?;
    super::keys::ensure_key(conn)?;
    Ok(origin)
}

fn ensure_id(conn: &Connection) -> Result<Origin, StoreError> {
    if let Some(origin) = read(conn)? {
        return Ok(Origin {
            id: origin.id,
            name: origin.name,
        });
    }
    let id = uuid::Uuid::now_v7().to_string();
    let host = host_name();
    let name = if host.is_empty() {
        "本机".to_owned()
    } else {
        format!("本机-{host}")
    };
    let had_records: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM compound WHERE is_sample = 0)
             OR EXISTS (SELECT 1 FROM cluster)",
        [],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO device (only, id, name, role, host, had_records, created_at)
         VALUES (1, ?1, ?2, 'field', ?3, ?4, ?5)",
        rusqlite::params![id, name, host, had_records, now()],
    )?;
    Ok(Origin { id, name })
}

fn read(conn: &Connection) -> Result<Option<Identity>, StoreError> {
    let row: Option<(String, String, String)> = conn
        .query_row("SELECT id, name, role FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    row.map(|(id, name, role)| {
        let role = Role::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("本机身份的角色“{role}”无法识别")))?;
        Ok(Identity { id, name, role })
    })
    .transpose()
}

/// This computer's name, as the system gives it (empty if it does not).
fn host_name() -> String {
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().chars().take(40).collect())
        .unwrap_or_default()
}

impl Store {
    /// This file's identity (a reader of an older file, upgraded in memory, has none).
    pub fn identity(&self) -> Result<Option<Identity>, StoreError> {
        read(&self.conn)
    }

    /// Renames this file's device, or changes its role. Not a change that travels.
    pub fn set_identity(&mut self, name: &str, role: Role) -> Result<Identity, StoreError> {
        let name = crate::model::validate::name("本机名称", name)?;
        let tx = self.begin()?;
        tx.execute(
            "UPDATE device SET name = ?1, role = ?2",
            (&name, role.code()),
        )?;
        tx.commit()?;
        if let Some(origin) = &mut self.origin {
            origin.name.clone_from(&name);
        }
        self.identity()?
            .ok_or_else(|| StoreError::Corrupt("本机身份缺失".to_owned()))
    }

    /// Whether this file held records before it could send packages (its first package to a
    /// peer then carries a snapshot).
    pub(crate) fn had_records(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT had_records FROM device", [], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// The origin this file's entries carry.
    pub(crate) fn origin(&self) -> Result<&Origin, StoreError> {
        self.origin
            .as_ref()
            .ok_or_else(|| StoreError::ViewOnly("此连接只能读取".to_owned()))
    }
}
