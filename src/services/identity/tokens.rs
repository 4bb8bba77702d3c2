//! Bearer tokens: a session id and its HMAC-SHA256 signature, base64url.
//! A token that is malformed or badly signed is rejected here, before any
//! database work. Several keys can be configured so they can be rotated: the
//! first signs, all verify.

use secrecy::{ExposeSecret, SecretSlice};
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::ids::{RecordId, SessionId};

type HmacSha256 = Hmac<Sha256>;

const ID_BYTES: usize = 16;
const MAC_BYTES: usize = 32;
const TOKEN_BYTES: usize = ID_BYTES + MAC_BYTES;
/// base64url without padding of 48 bytes.
const TOKEN_CHARS: usize = 64;
/// Separates secret digests from token signatures made with the same keys.
const DIGEST_CONTEXT: &[u8] = b"casebook api key digest\0";
/// Shortest signing key accepted: 256 bits.
pub const MIN_KEY_BYTES: usize = 32;

/// A secret key for signing tokens. Its `Debug` never shows it, and its
/// bytes are zeroed when it is dropped.
#[derive(Clone)]
pub struct SigningKey(SecretSlice<u8>);

/// A configured key is not base64 or too short.
#[derive(Debug, thiserror::Error)]
pub enum SigningKeyError {
    /// Not base64 (standard or URL-safe alphabet).
    #[error("a token signing key is not valid base64")]
    NotBase64,
    /// Decodes to fewer than 32 bytes.
    #[error("a token signing key must decode to at least {MIN_KEY_BYTES} bytes, got {0}")]
    TooShort(usize),
}

impl SigningKey {
    /// Parses a base64 (standard or URL-safe, padded or not) key of at least 32 bytes.
    pub fn parse(encoded: &str) -> Result<Self, SigningKeyError> {
        let encoded = encoded.trim();
        let bytes = [&URL_SAFE_NO_PAD, &URL_SAFE, &STANDARD]
            .iter()
            .find_map(|engine| engine.decode(encoded).ok())
            .ok_or(SigningKeyError::NotBase64)?;
        if bytes.len() < MIN_KEY_BYTES {
            return Err(SigningKeyError::TooShort(bytes.len()));
        }
        Ok(Self(bytes.into()))
    }

    /// A fresh random 256-bit key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = vec![0u8; MIN_KEY_BYTES];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes.into()))
    }

    /// A 256-bit key for another use, told apart by `context`:
    /// HMAC-SHA256 of `context` under this key.
    pub fn derive(&self, context: &[u8]) -> [u8; 32] {
        let mut mac = HmacSha256::new_from_slice(self.0.expose_secret())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(context);
        mac.finalize().into_bytes().into()
    }

    /// The key as unpadded base64url, for storing in a key file.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0.expose_secret())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({:?})", self.0)
    }
}

/// Issues and checks tokens. The keyed HMAC states are prepared once.
#[derive(Clone)]
pub struct TokenSigner {
    keys: Vec<HmacSha256>,
}

impl TokenSigner {
    /// A signer over `keys`; the first signs. Returns `None` for no keys.
    pub fn new(keys: &[SigningKey]) -> Option<Self> {
        let keys: Vec<HmacSha256> =
            keys.iter().filter_map(|key| HmacSha256::new_from_slice(key.0.expose_secret()).ok()).collect();
        (!keys.is_empty()).then_some(Self { keys })
    }

    /// The token for `session`.
    pub fn issue(&self, session: SessionId) -> String {
        let id = session.uuid();
        let mut mac = self.keys[0].clone();
        mac.update(id.as_bytes());
        let mut token = [0u8; TOKEN_BYTES];
        token[..ID_BYTES].copy_from_slice(id.as_bytes());
        token[ID_BYTES..].copy_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The session a token names, if it is well-formed and signed by any
    /// configured key. Comparison is constant-time.
    pub fn verify(&self, token: &str) -> Option<SessionId> {
        if token.len() != TOKEN_CHARS {
            return None;
        }
        let mut raw = [0u8; TOKEN_BYTES];
        let written = URL_SAFE_NO_PAD.decode_slice(token, &mut raw).ok()?;
        if written != TOKEN_BYTES {
            return None;
        }
        let (id, signature) = raw.split_at(ID_BYTES);
        let signed_by_any = self.keys.iter().any(|key| {
            let mut mac = key.clone();
            mac.update(id);
            mac.verify_slice(signature).is_ok()
        });
        signed_by_any.then(|| SessionId::from_uuid(Uuid::from_slice(id).unwrap_or_default()))
    }

    /// A keyed digest of a high-entropy secret (an API key), made with the
    /// first key: what is stored instead of the secret.
    pub fn digest(&self, secret: &[u8]) -> Vec<u8> {
        let mut mac = self.keys[0].clone();
        mac.update(DIGEST_CONTEXT);
        mac.update(secret);
        mac.finalize().into_bytes().to_vec()
    }

    /// Whether `digest` is the digest of `secret` under any configured key
    /// (so secrets stored before a key rotation keep working while the old
    /// key is configured). Comparison is constant-time.
    pub fn verify_digest(&self, secret: &[u8], digest: &[u8]) -> bool {
        self.keys.iter().any(|key| {
            let mut mac = key.clone();
            mac.update(DIGEST_CONTEXT);
            mac.update(secret);
            mac.verify_slice(digest).is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate().expect("random key")
    }

    #[test]
    fn a_token_names_its_session() {
        let signer = TokenSigner::new(&[key()]).expect("signer");
        let session = SessionId::new();
        let token = signer.issue(session);
        assert_eq!(token.len(), TOKEN_CHARS);
        assert_eq!(signer.verify(&token), Some(session));
    }

    #[test]
    fn tampered_or_malformed_tokens_are_refused() {
        let signer = TokenSigner::new(&[key()]).expect("signer");
        let token = signer.issue(SessionId::new());
        let mut tampered = token.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        for bad in [tampered.as_str(), "", "short", &token[..63], &format!("{token}A"), &"!".repeat(64)] {
            assert_eq!(signer.verify(bad), None, "{bad:?} was accepted");
        }
    }

    #[test]
    fn rotated_keys_verify_old_tokens_and_sign_with_the_first() {
        let (old, new) = (key(), key());
        let before = TokenSigner::new(std::slice::from_ref(&old)).expect("signer");
        let old_token = before.issue(SessionId::new());
        let rotated = TokenSigner::new(&[new.clone(), old.clone()]).expect("signer");
        assert!(rotated.verify(&old_token).is_some());
        let new_token = rotated.issue(SessionId::new());
        assert!(before.verify(&new_token).is_none(), "signed with the old key");
        let retired = TokenSigner::new(&[new]).expect("signer");
        assert!(retired.verify(&old_token).is_none());
    }

    #[test]
    fn digests_verify_under_any_configured_key_and_differ_from_signatures() {
        let (old, new) = (key(), key());
        let before = TokenSigner::new(std::slice::from_ref(&old)).expect("signer");
        let digest = before.digest(b"secret");
        let rotated = TokenSigner::new(&[new, old]).expect("signer");
        assert!(rotated.verify_digest(b"secret", &digest));
        assert!(!rotated.verify_digest(b"secreT", &digest));
        assert!(!rotated.verify_digest(b"secret", &digest[..31]));
    }

    #[test]
    fn keys_must_be_base64_of_at_least_32_bytes() {
        assert!(matches!(SigningKey::parse("not base64!"), Err(SigningKeyError::NotBase64)));
        assert!(matches!(SigningKey::parse("c2hvcnQ"), Err(SigningKeyError::TooShort(5))));
        let encoded = key().encode();
        assert!(SigningKey::parse(&encoded).is_ok());
        assert!(!format!("{:?}", SigningKey::parse(&encoded).expect("valid")).contains(&encoded));
    }
}
