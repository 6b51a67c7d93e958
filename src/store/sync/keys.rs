//! This file's device key and the keys of the machines it knows (`model::device_key`).
//!
//! The key pair is made on the first writable open of a file (new, or upgraded to the version
//! that brought keys) and kept in `device`. Another machine's key is learned once — from its
//! first package, an enrolment file, or a signed record another machine passed on — and from
//! then on a package or a seal claiming that machine with another key is refused.

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::device_key::{DeviceKey, fingerprint, is_public_key};
use crate::model::key_file::{PublicIdentity, read_key_file, write_key_file};
use crate::store::{Store, StoreError, now};

/// How this file learned a machine's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnedFrom {
    /// Its first package (trust on first use).
    Package,
    /// An enrolment file it wrote.
    Enrolment,
    /// A record it signed, passed on by another machine.
    Relayed,
}

impl LearnedFrom {
    fn code(self) -> &'static str {
        match self {
            Self::Package => "package",
            Self::Enrolment => "enrolment",
            Self::Relayed => "relayed",
        }
    }

    fn from_code(code: &str) -> Self {
        match code {
            "enrolment" => Self::Enrolment,
            "relayed" => Self::Relayed,
            _ => Self::Package,
        }
    }

    /// For the peers list: 首个数据包 / 登记文件 / 经他机转交.
    pub fn label(self) -> &'static str {
        match self {
            Self::Package => "首个数据包",
            Self::Enrolment => "登记文件",
            Self::Relayed => "经他机转交",
        }
    }
}

/// A machine whose key this file knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownDevice {
    pub id: String,
    pub name: String,
    pub public_key: String,
    pub learned_from: LearnedFrom,
    pub learned_at: String,
}

impl KnownDevice {
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }
}

/// Whether a machine's key was new here or already known (and the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trust {
    Learned,
    AlreadyKnown,
}

/// Makes this file's key pair if it has none (a new file, or the first writable open after the
/// upgrade that brought keys).
pub(crate) fn ensure_key(conn: &Connection) -> Result<(), StoreError> {
    let has: bool = conn.query_row(
        "SELECT public_key IS NOT NULL AND secret_key IS NOT NULL FROM device",
        [],
        |r| r.get(0),
    )?;
    if !has {
        let key = DeviceKey::generate();
        conn.execute(
            "UPDATE device SET public_key = ?1, secret_key = ?2",
            params![key.public_hex(), key.secret_bytes().as_slice()],
        )?;
        tracing::info!(fingerprint = %fingerprint(&key.public_hex()), "made this file's device key");
    }
    Ok(())
}

/// Records `key` as machine `id`'s, unless it is known with another key (refused, naming
/// both fingerprints). Runs inside the caller's transaction.
pub(crate) fn pin(
    conn: &Connection,
    id: &str,
    name: &str,
    key: &str,
    from: LearnedFrom,
) -> Result<Trust, StoreError> {
    if !is_public_key(key) {
        return Err(StoreError::refused(format!(
            "“{name}”的公钥格式不对，无法核对其签名。"
        )));
    }
    let own: Option<(String, Option<String>)> = conn
        .query_row("SELECT id, public_key FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let known: Option<String> = match own {
        Some((own_id, own_key)) if own_id == id => own_key,
        _ => conn
            .query_row(
                "SELECT public_key FROM known_device WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?,
    };
    match known {
        Some(k) if k.eq_ignore_ascii_case(key) => Ok(Trust::AlreadyKnown),
        Some(k) => Err(StoreError::KeyMismatch {
            name: name.to_owned(),
            expected: fingerprint(&k),
            found: fingerprint(key),
        }),
        None => {
            conn.execute(
                "INSERT INTO known_device (id, name, public_key, learned_from, learned_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, key.to_ascii_lowercase(), from.code(), now()],
            )?;
            Ok(Trust::Learned)
        }
    }
}

/// The key this file knows for machine `id` (its own, or one it learned).
pub(crate) fn key_of(conn: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    let own: Option<String> = conn
        .query_row("SELECT public_key FROM device WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?
        .flatten();
    if own.is_some() {
        return Ok(own);
    }
    Ok(conn
        .query_row(
            "SELECT public_key FROM known_device WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The name a machine is known by here (its id if it never said).
pub(crate) fn name_of(conn: &Connection, id: &str) -> Result<String, StoreError> {
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM device WHERE id = ?1
             UNION ALL SELECT name FROM known_device WHERE id = ?1
             UNION ALL SELECT name FROM peer WHERE id = ?1 LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(name.unwrap_or_else(|| id.to_owned()))
}

impl Store {
    /// This file's key pair (a view of a file has none it may use).
    pub(crate) fn device_key(&self) -> Result<DeviceKey, StoreError> {
        let stored: Option<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .query_row("SELECT secret_key, public_key FROM device", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((Some(secret), public)) = stored else {
            return Err(StoreError::ViewOnly(
                "此文件以只读方式打开，尚无本机密钥：请以可写方式打开后再试。".to_owned(),
            ));
        };
        let key =
            DeviceKey::from_secret(&secret).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if public.as_deref() != Some(key.public_hex().as_str()) {
            return Err(StoreError::Corrupt("本机公钥与私钥不配对".to_owned()));
        }
        Ok(key)
    }

    /// This file's identity with its public key, as an enrolment file carries it.
    pub fn public_identity(&self) -> Result<PublicIdentity, StoreError> {
        let identity = self
            .identity()?
            .ok_or_else(|| StoreError::Corrupt("本机身份缺失".to_owned()))?;
        let public_key: Option<String> =
            self.conn
                .query_row("SELECT public_key FROM device", [], |r| r.get(0))?;
        Ok(PublicIdentity {
            id: identity.id,
            name: identity.name,
            role: identity.role,
            public_key: public_key.ok_or_else(|| StoreError::Corrupt("本机密钥缺失".to_owned()))?,
        })
    }

    /// The machines whose keys this file knows.
    pub fn known_devices(&self) -> Result<Vec<KnownDevice>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, public_key, learned_from, learned_at FROM known_device
             ORDER BY learned_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KnownDevice {
                id: r.get(0)?,
                name: r.get(1)?,
                public_key: r.get(2)?,
                learned_from: LearnedFrom::from_code(&r.get::<_, String>(3)?),
                learned_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Learns a machine's key from its enrolment file.
    pub fn enrol(&mut self, identity: &PublicIdentity) -> Result<Trust, StoreError> {
        let tx = self.begin()?;
        let trust = pin(
            &tx,
            &identity.id,
            &identity.name,
            &identity.public_key,
            LearnedFrom::Enrolment,
        )?;
        tx.commit()?;
        Ok(trust)
    }

    /// The key file that moves this file's identity to a new laptop, protected by `password`.
    /// Refused while changes made here have not all been sent to every machine this file
    /// exchanges with: the new laptop continues after them, and they would be lost.
    pub fn export_key_file(&self, password: &str) -> Result<String, StoreError> {
        let identity = self.public_identity()?;
        let unsent: Option<(String, i64, i64)> = self
            .conn
            .query_row(
                "SELECT p.name, p.sent_up_to + 1, (SELECT max(seq) FROM change_log WHERE origin = ?1)
                 FROM peer p
                 WHERE p.sent_up_to < (SELECT coalesce(max(seq), 0) FROM change_log WHERE origin = ?1)
                 LIMIT 1",
                [&identity.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((peer, from, to)) = unsent {
            return Err(StoreError::refused(format!(
                "本机第 {from}–{to} 号变更还没有发给“{peer}”：请先导出数据包发给对方，再导出密钥，否则这些变更会随旧电脑丢失。"
            )));
        }
        let (own_last, floor): (i64, i64) = self.conn.query_row(
            "SELECT coalesce((SELECT max(seq) FROM change_log WHERE origin = ?1), 0),
                    (SELECT seq_floor FROM device)",
            [&identity.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        // Changes made here that went to no one yet (no machine met at all).
        let sent_anywhere: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM peer WHERE sent_up_to >= ?1)",
            [own_last],
            |r| r.get(0),
        )?;
        if own_last > floor && !sent_anywhere {
            return Err(StoreError::refused(format!(
                "本机第 {}–{own_last} 号变更还没有发给县办：请先导出数据包交县办导入，再导出密钥，否则这些变更会随旧电脑丢失。",
                floor + 1
            )));
        }
        let last = own_last.max(floor);
        Ok(write_key_file(
            &identity,
            &self.device_key()?,
            password,
            last,
        )?)
    }

    /// Takes over the identity in a key file: id, name, role and key pair. Only a new file may
    /// (nothing of its own made or exchanged yet); its changes are numbered after the old
    /// laptop's last one.
    pub fn import_key_file(
        &mut self,
        text: &str,
        password: &str,
    ) -> Result<PublicIdentity, StoreError> {
        let (identity, key, last) = read_key_file(text, password)?;
        let used: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM change_log) OR EXISTS (SELECT 1 FROM peer)
                 OR EXISTS (SELECT 1 FROM known_device)",
            [],
            |r| r.get(0),
        )?;
        if used {
            return Err(StoreError::refused(
                "本文件已有自己的记录或已与其他电脑交换过数据包，不能再换用别的电脑的身份。请新建一个空的数据库文件，再导入密钥。"
                    .to_owned(),
            ));
        }
        let tx = self.begin()?;
        tx.execute(
            "UPDATE device SET id = ?1, name = ?2, role = ?3, public_key = ?4, secret_key = ?5,
                 seq_floor = ?6",
            params![
                identity.id,
                identity.name,
                identity.role.code(),
                key.public_hex(),
                key.secret_bytes().as_slice(),
                last
            ],
        )?;
        tx.commit()?;
        self.origin = Some(super::Origin {
            id: identity.id.clone(),
            name: identity.name.clone(),
        });
        Ok(identity)
    }
}
