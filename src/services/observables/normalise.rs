//! One fact, one form: each observable type's value is checked and written
//! in a canonical form, so the same address, domain or hash entered two
//! ways is one observable (and correlates across cases).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use ipnet::IpNet;

use super::ObservableType;

/// Longest value of any type, in characters.
pub const VALUE_MAX_CHARS: usize = 4_096;
const USER_AGENT_MAX_CHARS: usize = 1_024;
const FILE_NAME_MAX_CHARS: usize = 255;
const HIVES: [(&str, &str); 6] = [
    ("HKLM", "HKEY_LOCAL_MACHINE"),
    ("HKCU", "HKEY_CURRENT_USER"),
    ("HKCR", "HKEY_CLASSES_ROOT"),
    ("HKU", "HKEY_USERS"),
    ("HKCC", "HKEY_CURRENT_CONFIG"),
    ("HKPD", "HKEY_PERFORMANCE_DATA"),
];

/// A value in canonical form, and what a reader should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    /// The canonical value.
    pub value: String,
    /// A remark on the form (an IPv4-mapped IPv6 address names its IPv4).
    pub note: Option<String>,
}

impl Normalised {
    fn plain(value: impl Into<String>) -> Self {
        Self { value: value.into(), note: None }
    }
}

/// `raw` in the canonical form of `kind`, or why it is not one.
pub fn normalise(kind: ObservableType, raw: &str) -> Result<Normalised, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > VALUE_MAX_CHARS {
        return Err(format!("must be at most {VALUE_MAX_CHARS} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    use ObservableType as T;
    match kind {
        T::Ipv4 => ipv4(text).map(|ip| Normalised::plain(ip.to_string())),
        T::Ipv6 => ipv6(text),
        T::Cidr => cidr(text).map(Normalised::plain),
        T::Domain | T::Hostname => domain(text).map(Normalised::plain),
        T::Url => url(text).map(Normalised::plain),
        T::Email => email(text).map(Normalised::plain),
        T::Md5 => hash(text, 32).map(Normalised::plain),
        T::Sha1 => hash(text, 40).map(Normalised::plain),
        T::Sha256 => hash(text, 64).map(Normalised::plain),
        T::Sha512 => hash(text, 128).map(Normalised::plain),
        T::FileName => file_name(text).map(Normalised::plain),
        T::FilePath | T::Other => Ok(Normalised::plain(text)),
        T::RegistryKey => registry_key(text).map(Normalised::plain),
        T::UserAgent => limited(text, USER_AGENT_MAX_CHARS).map(Normalised::plain),
        T::Asn => asn(text).map(Normalised::plain),
        T::Mac => mac(text).map(Normalised::plain),
        T::Port => port(text).map(Normalised::plain),
    }
}

fn ipv4(text: &str) -> Result<Ipv4Addr, String> {
    Ipv4Addr::from_str(text)
        .map_err(|_| "is not an IPv4 address (four decimal numbers 0-255, no leading zeros)".into())
}

fn ipv6(text: &str) -> Result<Normalised, String> {
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let ip = Ipv6Addr::from_str(bare).map_err(|_| "is not an IPv6 address".to_owned())?;
    Ok(Normalised { value: ip.to_string(), note: mapped_note(&ip) })
}

fn mapped_note(ip: &Ipv6Addr) -> Option<String> {
    ip.to_ipv4_mapped().map(|v4| format!("IPv4-mapped address of {v4}"))
}

/// The remark on a stored canonical value, if its form has one (only an
/// IPv4-mapped IPv6 address does): cheap enough for every read.
pub fn note_on(kind: ObservableType, value: &str) -> Option<String> {
    match kind {
        ObservableType::Ipv6 => mapped_note(&Ipv6Addr::from_str(value).ok()?),
        _ => None,
    }
}

/// The network (host bits cleared), as `address/prefix`.
fn cidr(text: &str) -> Result<String, String> {
    let net =
        IpNet::from_str(text).map_err(|_| "is not a network in CIDR form (address/prefix)".to_owned())?;
    Ok(net.trunc().to_string())
}

/// Lowercased, IDNA (punycode) encoded, without a trailing dot; labels of 1
/// to 63 letters, digits, hyphens or underscores; at most 253 characters.
fn domain(text: &str) -> Result<String, String> {
    let text = text.strip_suffix('.').unwrap_or(text);
    if IpAddr::from_str(text).is_ok() {
        return Err("is an IP address, not a name (use ipv4 or ipv6)".into());
    }
    let ascii = idna::domain_to_ascii(text).map_err(|_| "is not a valid domain name".to_owned())?;
    let valid_label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if ascii.is_empty() || ascii.len() > 253 || !ascii.split('.').all(valid_label) {
        return Err("is not a valid domain name".into());
    }
    Ok(ascii)
}

/// Parsed and written back (scheme and host lowercased, default port
/// dropped, IDNA host); refused unless absolute.
fn url(text: &str) -> Result<String, String> {
    let parsed = url::Url::parse(text).map_err(|err| format!("is not an absolute URL ({err})"))?;
    Ok(parsed.to_string())
}

/// The local part kept, the domain normalised as a domain.
fn email(text: &str) -> Result<String, String> {
    let (local, host) = text.rsplit_once('@').ok_or_else(|| "is not an email address".to_owned())?;
    let host = domain(host).map_err(|_| "has no valid domain after @".to_owned())?;
    let address = format!("{local}@{host}");
    email_address::EmailAddress::from_str(&address).map_err(|_| "is not an email address".to_owned())?;
    Ok(address)
}

fn hash(text: &str, digits: usize) -> Result<String, String> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("must be {digits} hexadecimal digits"));
    }
    Ok(text.to_ascii_lowercase())
}

fn file_name(text: &str) -> Result<String, String> {
    if text.contains(['/', '\\']) {
        return Err("is a path, not a file name (use file_path)".into());
    }
    limited(text, FILE_NAME_MAX_CHARS)
}

/// The hive written out in full and upper case (`HKLM` becomes
/// `HKEY_LOCAL_MACHINE`); the rest kept.
fn registry_key(text: &str) -> Result<String, String> {
    let (hive, rest) = text.split_once('\\').unwrap_or((text, ""));
    let upper = hive.to_ascii_uppercase();
    let full = HIVES
        .iter()
        .find(|(short, long)| upper == *short || upper == *long)
        .map(|(_, long)| *long)
        .ok_or_else(|| "must start with a hive (HKEY_LOCAL_MACHINE, HKLM, HKCU...)".to_owned())?;
    let rest = rest.trim_end_matches('\\');
    Ok(if rest.is_empty() { full.to_owned() } else { format!("{full}\\{rest}") })
}

fn limited(text: &str, max: usize) -> Result<String, String> {
    match text.chars().count() <= max {
        true => Ok(text.to_owned()),
        false => Err(format!("must be at most {max} characters")),
    }
}

/// `AS` and the number (`as13335`, `13335` and `AS13335` are one).
fn asn(text: &str) -> Result<String, String> {
    let digits = text.strip_prefix("AS").or_else(|| text.strip_prefix("as")).unwrap_or(text);
    match digits.parse::<u32>() {
        Ok(number) if digits.bytes().all(|b| b.is_ascii_digit()) => Ok(format!("AS{number}")),
        _ => Err("is not an AS number (AS and 0 to 4294967295)".into()),
    }
}

/// Six lowercase pairs joined by colons, from colon, hyphen, dot (Cisco) or
/// bare forms.
fn mac(text: &str) -> Result<String, String> {
    let digits: String = text.chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
    let separators = text.len() - digits.len();
    if digits.len() != 12
        || !digits.bytes().all(|b| b.is_ascii_hexdigit())
        || ![0, 2, 5].contains(&separators)
    {
        return Err("is not a MAC address (six hexadecimal pairs)".into());
    }
    let lower = digits.to_ascii_lowercase();
    Ok(lower
        .as_bytes()
        .chunks(2)
        .map(|pair| String::from_utf8_lossy(pair).into_owned())
        .collect::<Vec<_>>()
        .join(":"))
}

/// `address:port`: an IPv4 address, a bracketed IPv6 address or a host
/// name, and a port from 1 to 65535.
fn port(text: &str) -> Result<String, String> {
    let refused =
        || "is not address:port (an IPv4 address, [IPv6] or a host name, and 1 to 65535)".to_owned();
    if let Ok(socket) = SocketAddr::from_str(text) {
        return match socket.port() {
            0 => Err(refused()),
            _ => Ok(socket.to_string()),
        };
    }
    let (host, number) = text.rsplit_once(':').ok_or_else(refused)?;
    let number: u16 = number.parse().ok().filter(|n| *n > 0).ok_or_else(refused)?;
    if host.contains(':') {
        return Err(refused());
    }
    Ok(format!("{}:{number}", domain(host).map_err(|_| refused())?))
}

#[cfg(test)]
#[path = "normalise_tests.rs"]
mod tests;
