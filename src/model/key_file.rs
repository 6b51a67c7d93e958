//! The two files a device key travels in.
//!
//! - The **key file** (`.yskey`): a laptop's whole identity (id, name, role, key pair) for
//!   moving it to a new laptop, the secret encrypted under a password (Argon2id, then
//!   ChaCha20-Poly1305). The only way the secret ever leaves its database file.
//! - The **enrolment file** (`.ysid`): a machine's id, name and public key, for the office to
//!   learn a laptop's key before its first package (instead of trusting that first package).

use argon2::Argon2;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use serde::{Deserialize, Serialize};

use super::device_key::{DeviceKey, is_public_key};
use super::sync::Role;

const KEY_FILE_FORMAT: &str = "yanshou-key/1";
const ENROLMENT_FORMAT: &str = "yanshou-enrolment/1";

/// The shortest password a key file may be protected with.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A machine's identity as it travels (without the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIdentity {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub public_key: String,
}

/// Why a key or enrolment file cannot be written or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyFileError {
    #[error("密码至少 {MIN_PASSWORD_CHARS} 个字符。")]
    ShortPassword,
    #[error("这不是验收程序的密钥文件（.yskey），或文件已损坏。")]
    NotAKeyFile,
    #[error("这不是验收程序的设备登记文件（.ysid），或文件已损坏。")]
    NotAnEnrolment,
    #[error("密码不对，或密钥文件在传输中被改动：请核对密码后重试。")]
    WrongPassword,
}

#[derive(Serialize, Deserialize)]
struct KeyFileForm {
    format: String,
    identity: PublicIdentity,
    /// The laptop's last numbered change: the new file numbers its own after it.
    last_seq: i64,
    /// Argon2id parameters; salt and nonce as hex.
    kdf_memory_kib: u32,
    kdf_passes: u32,
    salt: String,
    nonce: String,
    /// The secret, encrypted; the identity is the associated data.
    secret: String,
}

#[derive(Serialize, Deserialize)]
struct EnrolmentForm {
    format: String,
    identity: PublicIdentity,
}

fn derive(
    password: &str,
    salt: &[u8],
    memory_kib: u32,
    passes: u32,
) -> Result<[u8; 32], KeyFileError> {
    let params = argon2::Params::new(memory_kib, passes, 1, Some(32))
        .map_err(|_| KeyFileError::NotAKeyFile)?;
    let mut out = [0u8; 32];
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|_| KeyFileError::NotAKeyFile)?;
    Ok(out)
}

fn associated(identity: &PublicIdentity, last_seq: i64) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(identity).unwrap_or_default();
    bytes.extend_from_slice(format!("\n{last_seq}").as_bytes());
    bytes
}

/// The key file for `identity` and `key`, protected by `password`.
pub fn write_key_file(
    identity: &PublicIdentity,
    key: &DeviceKey,
    password: &str,
    last_seq: i64,
) -> Result<String, KeyFileError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(KeyFileError::ShortPassword);
    }
    let (memory_kib, passes) = (19 * 1024, 2);
    let salt: [u8; 16] = rand::random();
    let nonce: [u8; 12] = rand::random();
    let cipher = ChaCha20Poly1305::new_from_slice(&derive(password, &salt, memory_kib, passes)?)
        .map_err(|_| KeyFileError::NotAKeyFile)?;
    let secret = cipher
        .encrypt(
            &Nonce::from(nonce),
            chacha20poly1305::aead::Payload {
                msg: &key.secret_bytes(),
                aad: &associated(identity, last_seq),
            },
        )
        .map_err(|_| KeyFileError::NotAKeyFile)?;
    let form = KeyFileForm {
        format: KEY_FILE_FORMAT.to_owned(),
        identity: identity.clone(),
        last_seq,
        kdf_memory_kib: memory_kib,
        kdf_passes: passes,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        secret: hex::encode(secret),
    };
    serde_json::to_string_pretty(&form).map_err(|_| KeyFileError::NotAKeyFile)
}

/// The identity, key pair and last change number in a key file, if `password` opens it and
/// the key is the one the file names.
pub fn read_key_file(
    text: &str,
    password: &str,
) -> Result<(PublicIdentity, DeviceKey, i64), KeyFileError> {
    let form: KeyFileForm = serde_json::from_str(text).map_err(|_| KeyFileError::NotAKeyFile)?;
    // Parameters beyond these would be a file made to exhaust memory or time, not by this
    // program (which writes 19 MiB and 2 passes).
    if form.format != KEY_FILE_FORMAT
        || !(8..=64 * 1024).contains(&form.kdf_memory_kib)
        || !(1..=4).contains(&form.kdf_passes)
    {
        return Err(KeyFileError::NotAKeyFile);
    }
    let bytes = |h: &str| hex::decode(h).map_err(|_| KeyFileError::NotAKeyFile);
    let salt = bytes(&form.salt)?;
    let nonce: [u8; 12] = bytes(&form.nonce)?
        .try_into()
        .map_err(|_| KeyFileError::NotAKeyFile)?;
    let cipher = ChaCha20Poly1305::new_from_slice(&derive(
        password,
        &salt,
        form.kdf_memory_kib,
        form.kdf_passes,
    )?)
    .map_err(|_| KeyFileError::NotAKeyFile)?;
    let secret = cipher
        .decrypt(
            &Nonce::from(nonce),
            chacha20poly1305::aead::Payload {
                msg: &bytes(&form.secret)?,
                aad: &associated(&form.identity, form.last_seq),
            },
        )
        .map_err(|_| KeyFileError::WrongPassword)?;
    let key = DeviceKey::from_secret(&secret).map_err(|_| KeyFileError::NotAKeyFile)?;
    if key.public_hex() != form.identity.public_key {
        return Err(KeyFileError::NotAKeyFile);
    }
    Ok((form.identity, key, form.last_seq))
}

/// The enrolment file for `identity`.
pub fn write_enrolment(identity: &PublicIdentity) -> String {
    serde_json::to_string_pretty(&EnrolmentForm {
        format: ENROLMENT_FORMAT.to_owned(),
        identity: identity.clone(),
    })
    .unwrap_or_default()
}

/// The identity in an enrolment file.
pub fn read_enrolment(text: &str) -> Result<PublicIdentity, KeyFileError> {
    let form: EnrolmentForm =
        serde_json::from_str(text).map_err(|_| KeyFileError::NotAnEnrolment)?;
    if form.format != ENROLMENT_FORMAT
        || !is_public_key(&form.identity.public_key)
        || form.identity.id.trim().is_empty()
    {
        return Err(KeyFileError::NotAnEnrolment);
    }
    Ok(form.identity)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    fn identity(key: &DeviceKey) -> PublicIdentity {
        PublicIdentity {
            id: "0190-laptop".to_owned(),
            name: "外业一号".to_owned(),
            role: Role::Field,
            public_key: key.public_hex(),
        }
    }

    #[test]
    fn a_key_file_opens_with_its_password_only_and_gives_the_same_key() {
        let key = DeviceKey::generate();
        let text = write_key_file(&identity(&key), &key, "正确的密码1234", 41).unwrap();
        assert!(!text.contains(&hex::encode(key.secret_bytes())));
        let (who, back, last) = read_key_file(&text, "正确的密码1234").unwrap();
        assert_eq!(who, identity(&key));
        assert_eq!(last, 41);
        assert_eq!(back.public_hex(), key.public_hex());
        assert_eq!(
            read_key_file(&text, "错误的密码1234").unwrap_err(),
            KeyFileError::WrongPassword
        );
        // The name and the number are bound to the secret: changing either breaks it.
        for changed in [
            text.replace("外业一号", "外业二号"),
            text.replace("\"last_seq\": 41", "\"last_seq\": 3"),
        ] {
            assert_ne!(changed, text);
            assert_eq!(
                read_key_file(&changed, "正确的密码1234").unwrap_err(),
                KeyFileError::WrongPassword
            );
        }
        assert_eq!(
            write_key_file(&identity(&key), &key, "short", 0).unwrap_err(),
            KeyFileError::ShortPassword
        );
        assert_eq!(
            read_key_file("{}", "正确的密码1234").unwrap_err(),
            KeyFileError::NotAKeyFile
        );
    }

    #[test]
    fn an_enrolment_file_carries_the_public_identity_only() {
        let key = DeviceKey::generate();
        let text = write_enrolment(&identity(&key));
        assert!(!text.contains(&hex::encode(key.secret_bytes())));
        assert_eq!(read_enrolment(&text).unwrap(), identity(&key));
        let broken = text.replace(&key.public_hex(), "abcd");
        assert_eq!(
            read_enrolment(&broken).unwrap_err(),
            KeyFileError::NotAnEnrolment
        );
    }
}
