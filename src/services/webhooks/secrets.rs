//! Webhook signing secrets: generated here, shown once, and kept sealed
//! (ChaCha20-Poly1305) under keys derived from the token keys
//! (`CASEBOOK_TOKEN_KEYS`), so a copy of the database alone cannot sign
//! deliveries. The first token key seals; every configured key opens, so a
//! key rotation keeps working while the old key is still configured.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::services::identity::SigningKey;
use crate::services::kernel::{Cause, Failure};

/// What a sealed secret starts with (the format's version).
const SEALED_PREFIX: &str = "v1.";
/// What tells the sealing key apart from the token keys' other uses.
const CONTEXT: &[u8] = b"casebook webhook secrets v1";
const NONCE_BYTES: usize = 12;
/// Random bytes in a secret.
const SECRET_BYTES: usize = 32;

/// Seals and opens signing secrets.
pub struct SecretBox {
    ciphers: Vec<ChaCha20Poly1305>,
}

impl SecretBox {
    /// A box over the token keys (the first seals).
    pub fn new(keys: &[SigningKey]) -> Self {
        let ciphers =
            keys.iter().map(|key| ChaCha20Poly1305::new(Key::from_slice(&key.derive(CONTEXT)))).collect();
        Self { ciphers }
    }

    /// A new secret: `whsec_` and 32 random bytes in base64, as the
    /// Standard Webhooks libraries read them.
    pub fn generate() -> Result<String, Failure> {
        let mut bytes = [0u8; SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|err| Failure::Internal(Cause::from(err.to_string())))?;
        Ok(format!("whsec_{}", STANDARD.encode(bytes)))
    }

    /// `secret`, sealed for storage.
    pub fn seal(&self, secret: &str) -> Result<String, Failure> {
        let failed =
            |what: &str| Failure::Internal(Cause::from(format!("cannot seal a webhook secret: {what}")));
        let cipher = self.ciphers.first().ok_or_else(|| failed("no token key"))?;
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|err| failed(&err.to_string()))?;
        let sealed =
            cipher.encrypt(Nonce::from_slice(&nonce), secret.as_bytes()).map_err(|_| failed("encryption"))?;
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode([&nonce[..], &sealed].concat())))
    }

    /// The secret `sealed` holds, if a configured key opens it.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let raw = URL_SAFE_NO_PAD.decode(sealed.strip_prefix(SEALED_PREFIX)?).ok()?;
        if raw.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, body) = raw.split_at(NONCE_BYTES);
        let opened = self.ciphers.iter().find_map(|c| c.decrypt(Nonce::from_slice(nonce), body).ok())?;
        String::from_utf8(opened).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SigningKey {
        SigningKey::parse(&URL_SAFE_NO_PAD.encode([byte; 32])).expect("key")
    }

    #[test]
    fn sealed_secrets_open_with_any_configured_key_and_no_other() {
        let secret = SecretBox::generate().expect("random");
        assert!(secret.starts_with("whsec_") && STANDARD.decode(&secret[6..]).expect("base64").len() == 32);
        let old = SecretBox::new(&[key(1)]);
        let sealed = old.seal(&secret).expect("sealed");
        assert!(!sealed.contains(&secret[6..]), "the secret is not readable in its sealed form");
        assert_ne!(sealed, old.seal(&secret).expect("sealed again"), "a fresh nonce each time");
        assert_eq!(SecretBox::new(&[key(2), key(1)]).open(&sealed).as_deref(), Some(secret.as_str()));
        assert_eq!(SecretBox::new(&[key(2)]).open(&sealed), None);
        assert_eq!(old.open("v1.tampered"), None);
    }
}
