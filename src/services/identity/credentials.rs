//! The parsed forms of what people type in: email addresses, display names
//! and passwords. Each has one constructor, `parse`, and cannot exist invalid.

use std::fmt;

/// Longest accepted email address (RFC 5321's path limit).
const EMAIL_MAX_LEN: usize = 254;
/// Display names: 1 to 100 characters after trimming.
pub(super) const DISPLAY_NAME_MAX_CHARS: usize = 100;
/// Passwords: 8 to 1024 bytes. The upper bound keeps argon2 from being a
/// denial-of-service lever.
pub(super) const PASSWORD_MIN_BYTES: usize = 8;
pub(super) const PASSWORD_MAX_BYTES: usize = 1024;

/// A syntactically valid email address, trimmed and lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Trims, lowercases and checks the address syntax.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() {
            return Err("must not be empty".into());
        }
        if normalised.len() > EMAIL_MAX_LEN {
            return Err(format!("must be at most {EMAIL_MAX_LEN} bytes"));
        }
        let options = email_address::Options::default().without_display_text().without_domain_literal();
        match email_address::EmailAddress::parse_with_options(&normalised, options) {
            // A bare host ("a@localhost") is valid syntax but never a mailbox
            // people use for sign-up; require a dot in the domain.
            Ok(address) if address.domain().contains('.') => Ok(Self(normalised)),
            _ => Err("must be an email address such as ada@example.com".into()),
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Trims and checks the length and characters.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            return Err("must not be empty".into());
        }
        if chars > DISPLAY_NAME_MAX_CHARS {
            return Err(format!("must be at most {DISPLAY_NAME_MAX_CHARS} characters"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password of acceptable length. Its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Checks the length: 8 to 1024 bytes of UTF-8.
    pub fn parse(raw: String) -> Result<Self, String> {
        if raw.len() < PASSWORD_MIN_BYTES {
            return Err(format!("must be at least {PASSWORD_MIN_BYTES} bytes"));
        }
        if raw.len() > PASSWORD_MAX_BYTES {
            return Err(format!("must be at most {PASSWORD_MAX_BYTES} bytes"));
        }
        Ok(Self(raw))
    }

    /// A password as typed at sign-in: any length up to the maximum, so that a
    /// too-short guess is simply a wrong password (and costs a hash like one).
    pub fn parse_attempt(raw: String) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("must not be empty".into());
        }
        if raw.len() > PASSWORD_MAX_BYTES {
            return Err(format!("must be at most {PASSWORD_MAX_BYTES} bytes"));
        }
        Ok(Self(raw))
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").expect("valid");
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.com",
            "ada@localhost",
            "a b@example.com",
            "Ada <ada@example.com>",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded_in_characters() {
        assert_eq!(DisplayName::parse("  Ada  ").expect("valid").as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(101)).is_err());
        assert!(DisplayName::parse("Ada\u{0}").is_err());
    }

    #[test]
    fn passwords_are_bounded_in_bytes() {
        assert!(Password::parse("1234567".into()).is_err());
        assert!(Password::parse("12345678".into()).is_ok());
        assert!(Password::parse("x".repeat(1024)).is_ok());
        assert!(Password::parse("x".repeat(1025)).is_err());
        // 256 four-byte characters are 1024 bytes; 257 are too many.
        assert!(Password::parse("😀".repeat(256)).is_ok());
        assert!(Password::parse("😀".repeat(257)).is_err());
    }

    #[test]
    fn passwords_never_show_in_debug_output() {
        let password = Password::parse("correct horse".into()).expect("valid");
        assert!(!format!("{password:?}").contains("horse"));
    }
}
