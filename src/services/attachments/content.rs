//! Which kinds of file are accepted, judged by their leading bytes (magic
//! numbers, through the `infer` crate) rather than by what the client says.

use std::fmt;

/// Bytes of a file's start looked at to judge its type.
pub const SNIFF_LEN: usize = 8192;

/// Text types: they have no magic number, so text content plus the declared
/// type decide among them.
const TEXT_TYPES: [&str; 3] = ["text/plain", "text/csv", "application/json"];
const PCAP: &str = "application/vnd.tcpdump.pcap";
const PCAPNG: &str = "application/x-pcapng";

/// The default allowed types.
pub const DEFAULT_ALLOWED: &str = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,\
text/csv,application/json,application/vnd.tcpdump.pcap,application/x-pcapng,application/zip";

/// A media type essence such as `image/png` (lowercase, no parameters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType(String);

impl MediaType {
    /// The type as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A declared type's essence, lowercased, with common aliases mapped to
    /// their registered names; `None` when it does not parse.
    fn declared(raw: &str) -> Option<Self> {
        let mime: mime::Mime = raw.trim().parse().ok()?;
        let essence = mime.essence_str().to_ascii_lowercase();
        let canonical = match essence.as_str() {
            "image/jpg" | "image/pjpeg" => "image/jpeg",
            "application/x-zip-compressed" | "application/x-zip" => "application/zip",
            "application/pcap" | "application/x-pcap" => PCAP,
            "application/pcapng" => PCAPNG,
            "text/comma-separated-values" => "text/csv",
            other => other,
        };
        Some(Self(canonical.to_owned()))
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The media types accepted for upload (a setting).
#[derive(Clone)]
pub struct AllowedTypes {
    types: Vec<String>,
    infer: std::sync::Arc<infer::Infer>,
}

impl fmt::Debug for AllowedTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.types).finish()
    }
}

impl PartialEq for AllowedTypes {
    fn eq(&self, other: &Self) -> bool {
        self.types == other.types
    }
}

impl AllowedTypes {
    /// Parses a comma-separated list. Every type must be one whose content
    /// can be recognised: a text type or one with a known magic number.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut infer = infer::Infer::new();
        infer.add(PCAP, "pcap", is_pcap);
        infer.add(PCAPNG, "pcapng", is_pcapng);
        let mut types = Vec::new();
        for item in raw.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let media = MediaType::declared(item).ok_or_else(|| format!("`{item}` is not a media type"))?;
            let known = TEXT_TYPES.contains(&media.as_str())
                || media.as_str() == PCAP
                || media.as_str() == PCAPNG
                || infer.is_mime_supported(media.as_str());
            if !known {
                return Err(format!("`{item}` cannot be recognised by its content"));
            }
            if !types.contains(&media.0) {
                types.push(media.0);
            }
        }
        if types.is_empty() {
            return Err("name at least one media type".into());
        }
        Ok(Self { types, infer: std::sync::Arc::new(infer) })
    }

    /// The allowed types, in the order given.
    pub fn list(&self) -> &[String] {
        &self.types
    }

    /// Judges a file from its first bytes (up to [`SNIFF_LEN`], or all of
    /// a shorter file) and the type the client declared, if any.
    pub fn judge(&self, head: &[u8], declared: Option<&str>) -> Result<MediaType, String> {
        let declared =
            declared.and_then(MediaType::declared).filter(|d| d.as_str() != "application/octet-stream");
        let detected = match self.infer.get(head) {
            Some(kind) => MediaType(kind.mime_type().to_owned()),
            None if looks_like_text(head) => {
                let text = declared.clone().filter(|d| TEXT_TYPES.contains(&d.as_str()));
                text.unwrap_or_else(|| MediaType("text/plain".into()))
            }
            None => return Err("The file's content is not of an allowed type.".into()),
        };
        if let Some(declared) = &declared
            && declared != &detected
        {
            return Err(format!("The file was declared as {declared} but its content is {detected}."));
        }
        if !self.types.contains(&detected.0) {
            return Err(format!(
                "Files of type {detected} are not accepted; allowed: {}.",
                self.types.join(", ")
            ));
        }
        Ok(detected)
    }
}

/// UTF-8 text without control characters other than tab, line feed, form
/// feed and carriage return. A multi-byte character cut off at the end of
/// the sniffed bytes is fine.
fn looks_like_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !valid.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

/// libpcap capture files, in either byte order, micro- or nanosecond.
fn is_pcap(buf: &[u8]) -> bool {
    matches!(
        buf.get(..4),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0xc3, 0xd4]
                | [0x4d, 0x3c, 0xb2, 0xa1]
                | [0xa1, 0xb2, 0x3c, 0x4d]
        )
    )
}

/// pcapng capture files start with a Section Header Block.
fn is_pcapng(buf: &[u8]) -> bool {
    buf.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> AllowedTypes {
        AllowedTypes::parse(DEFAULT_ALLOWED).expect("default list parses")
    }

    #[test]
    fn magic_numbers_decide_binary_types() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(allowed().judge(png, Some("image/png")).map(|m| m.0), Ok("image/png".into()));
        assert_eq!(allowed().judge(png, None).map(|m| m.0), Ok("image/png".into()));
        assert!(allowed().judge(png, Some("image/gif")).is_err());
        let pcap = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        assert_eq!(allowed().judge(&pcap, Some("application/octet-stream")).map(|m| m.0), Ok(PCAP.into()));
    }

    #[test]
    fn executables_are_refused_whatever_their_declared_type() {
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
        assert!(allowed().judge(elf, Some("image/png")).is_err());
        let pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        assert!(allowed().judge(pe, None).is_err());
    }

    #[test]
    fn text_takes_its_declared_text_type() {
        let csv = b"host,port\n127.0.0.1,22\n";
        assert_eq!(allowed().judge(csv, Some("text/csv; charset=utf-8")).map(|m| m.0), Ok("text/csv".into()));
        assert_eq!(allowed().judge(csv, None).map(|m| m.0), Ok("text/plain".into()));
        assert!(allowed().judge(csv, Some("image/png")).is_err());
        assert!(allowed().judge("caf\u{e9}".as_bytes().get(..4).unwrap_or_default(), None).is_ok());
    }

    #[test]
    fn unknown_types_in_the_setting_are_refused() {
        assert!(AllowedTypes::parse("text/plain,application/x-made-up").is_err());
        assert!(AllowedTypes::parse(" , ").is_err());
        assert_eq!(
            AllowedTypes::parse("image/jpg,image/jpeg").map(|a| a.types),
            Ok(vec!["image/jpeg".into()])
        );
    }
}
