//! The text of an API key: `cbk_` and a base58 word holding 160 random bits,
//! the key's id and a CRC32 of both (random first, so the characters shown
//! in listings tell keys apart). The fixed prefix lets secret
//! scanners find leaked keys; the checksum lets a mistyped or truncated key
//! be refused before any database work; the id finds the stored digest
//! without a search. Only a digest of the whole text is stored.

use uuid::Uuid;

use crate::ids::{ApiKeyId, RecordId};

/// Every key starts with this.
pub const PREFIX: &str = "cbk_";
/// Random bytes in a key, beyond its id.
const RANDOM_BYTES: usize = 20;
const ID_BYTES: usize = 16;
const CHECKSUM_BYTES: usize = 4;
const PAYLOAD_BYTES: usize = ID_BYTES + RANDOM_BYTES + CHECKSUM_BYTES;
/// Characters of a key shown in listings (the prefix and 8 more).
const SHOWN_CHARS: usize = PREFIX.len() + 8;

/// Whether a bearer token is meant as an API key (rather than a session token).
pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

/// A fresh key text for the key `id`.
pub fn generate(id: ApiKeyId) -> Result<String, getrandom::Error> {
    let mut payload = [0u8; PAYLOAD_BYTES];
    getrandom::fill(&mut payload[..RANDOM_BYTES])?;
    payload[RANDOM_BYTES..RANDOM_BYTES + ID_BYTES].copy_from_slice(id.uuid().as_bytes());
    let checksum = checksum(&payload[..RANDOM_BYTES + ID_BYTES]);
    payload[RANDOM_BYTES + ID_BYTES..].copy_from_slice(&checksum);
    Ok(format!("{PREFIX}{}", bs58::encode(payload).into_string()))
}

/// The key id a key text names, if it is well-formed and its checksum holds.
pub fn parse(text: &str) -> Option<ApiKeyId> {
    let encoded = text.strip_prefix(PREFIX)?;
    // 40 bytes never take more than 55 base58 characters.
    if encoded.len() > 60 {
        return None;
    }
    let mut payload = [0u8; PAYLOAD_BYTES];
    let written = bs58::decode(encoded).onto(&mut payload[..]).ok()?;
    if written != PAYLOAD_BYTES {
        return None;
    }
    let (body, sum) = payload.split_at(RANDOM_BYTES + ID_BYTES);
    if checksum(body) != sum {
        return None;
    }
    Uuid::from_slice(&body[RANDOM_BYTES..]).ok().map(ApiKeyId::from_uuid)
}

/// The beginning of a key, shown in listings so people can tell keys apart.
pub fn shown_prefix(text: &str) -> String {
    text.chars().take(SHOWN_CHARS).collect()
}

fn checksum(body: &[u8]) -> [u8; CHECKSUM_BYTES] {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(PREFIX.as_bytes());
    hasher.update(body);
    hasher.finalize().to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_its_id_and_looks_like_one_word() {
        let id = ApiKeyId::new();
        let text = generate(id).expect("random");
        assert!(text.starts_with("cbk_") && text.len() > 50, "{text}");
        assert!(text[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{text}");
        assert_eq!(parse(&text), Some(id));
        assert_eq!(shown_prefix(&text).len(), 12);
    }

    #[test]
    fn two_keys_share_no_secret_and_show_different_beginnings() {
        let id = ApiKeyId::new();
        let (a, b) = (generate(id).expect("random"), generate(ApiKeyId::new()).expect("random"));
        assert_ne!(a, generate(id).expect("random"));
        assert_ne!(shown_prefix(&a), shown_prefix(&b));
    }

    #[test]
    fn mistyped_truncated_or_foreign_keys_do_not_parse() {
        let text = generate(ApiKeyId::new()).expect("random");
        let mut typo = text.clone().into_bytes();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == b'2' { b'3' } else { b'2' };
        let typo = String::from_utf8(typo).expect("ascii");
        for bad in [
            typo.as_str(),
            &text[..text.len() - 1],
            &format!("{text}x"),
            &text[4..],
            &format!("cbx_{}", &text[4..]),
            "cbk_",
            "cbk_0OIl",
            &format!("cbk_{}", "z".repeat(200)),
        ] {
            assert_eq!(parse(bad), None, "{bad:?} was accepted");
        }
    }
}
