//! Each file's device key: an Ed25519 key pair made with the file (or on the upgrade that
//! brought keys). It signs the seals of the records signed off in that file and the packages
//! the file sends. Other machines learn its public key from its first package (trust on first
//! use, the fingerprint compared by phone, as SSH does) or from an enrolment file; a record
//! signed on a laptop cannot then be re-sealed anywhere else without that laptop's key.
//!
//! Keys and signatures are written as lowercase hex; a fingerprint is the first 16 hex digits
//! of the public key's SHA-256, in four groups, for reading aloud.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// Why a stored key cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("本机密钥已损坏（长度或内容不对）")]
    Damaged,
}

/// A file's own key pair. The secret never leaves the file but through `key_file`.
#[derive(Clone)]
pub struct DeviceKey {
    signing: SigningKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, not even in a log.
        write!(f, "DeviceKey({})", fingerprint(&self.public_hex()))
    }
}

impl DeviceKey {
    /// A new key pair from the system's random source.
    pub fn generate() -> Self {
        Self::from_secret_array(rand::random())
    }

    fn from_secret_array(secret: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&secret),
        }
    }

    /// The key pair from its stored secret (32 bytes).
    pub fn from_secret(bytes: &[u8]) -> Result<Self, KeyError> {
        let secret: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Damaged)?;
        Ok(Self::from_secret_array(secret))
    }

    /// The secret, for storing in the file (and the password-protected export).
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    /// The public key, hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    /// Signs `message`; the signature as hex.
    pub fn sign(&self, message: &[u8]) -> String {
        hex::encode(self.signing.sign(message).to_bytes())
    }
}

/// Whether `signature` (hex) is `public_key`'s (hex) over `message`. Anything malformed is
/// simply not a valid signature.
pub fn verify(public_key: &str, message: &[u8], signature: &str) -> bool {
    let key = hex::decode(public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let signature = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    match (key, signature) {
        (Some(key), Some(signature)) => key.verify_strict(message, &signature).is_ok(),
        _ => false,
    }
}

/// Whether `text` looks like a public key (64 hex digits).
pub fn is_public_key(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The fingerprint read aloud to compare keys: `1A2B 3C4D 5E6F 7081`.
pub fn fingerprint(public_key: &str) -> String {
    let digest = super::digest::sha256_hex(public_key.to_ascii_lowercase().as_bytes());
    digest[..16]
        .to_ascii_uppercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a seal's signature signs: the seal (which covers the signer's key and device).
pub fn seal_message(seal: &str) -> Vec<u8> {
    format!("yanshou-seal-signature/3\n{seal}").into_bytes()
}

/// What a package's signature signs: its manifest as stored (which holds the hash of its
/// entries and the sender's key).
pub fn package_message(manifest_json: &str) -> Vec<u8> {
    format!("yanshou-package-signature/2\n{manifest_json}").into_bytes()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_with_its_key_and_its_message() {
        let key = DeviceKey::generate();
        let other = DeviceKey::generate();
        let signature = key.sign(b"message");
        assert!(verify(&key.public_hex(), b"message", &signature));
        assert!(!verify(&key.public_hex(), b"messagE", &signature));
        assert!(!verify(&other.public_hex(), b"message", &signature));
        assert!(!verify(&key.public_hex(), b"message", "00"));
        assert!(!verify("zz", b"message", &signature));
        // A key restored from its secret is the same key.
        let again = DeviceKey::from_secret(&key.secret_bytes()).unwrap();
        assert_eq!(again.public_hex(), key.public_hex());
        assert_eq!(
            DeviceKey::from_secret(&[1, 2, 3]).unwrap_err(),
            KeyError::Damaged
        );
    }

    #[test]
    fn a_fingerprint_is_four_groups_of_four_and_tells_keys_apart() {
        let a = DeviceKey::generate().public_hex();
        let b = DeviceKey::generate().public_hex();
        let fp = fingerprint(&a);
        assert_eq!(fp.len(), 19);
        assert_eq!(fp.split(' ').count(), 4);
        assert_eq!(fp, fingerprint(&a.to_ascii_uppercase()));
        assert_ne!(fp, fingerprint(&b));
        assert!(is_public_key(&a));
        assert!(!is_public_key("abc"));
    }
}
