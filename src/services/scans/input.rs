//! Parsed scan input: the target (an address or CIDR block), the port
//! specification, and the scope a target must fall within.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use crate::platform::networks::Networks;

/// Most addresses one scan may cover.
pub const MAX_ADDRESSES: u64 = 256;
/// Most probes (addresses x ports) one scan may send.
pub const MAX_PROBES: u64 = 1_000_000;
/// Probe timeout bounds and default, in milliseconds.
pub const TIMEOUT_MS: (u32, u32, u32) = (50, 5_000, 500);
/// Concurrency bounds and default.
pub const CONCURRENCY: (u32, u32, u32) = (1, 2_048, 256);

/// An address or a CIDR block of at most 256 addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanTarget(#[serde(serialize_with = "as_text")] IpNet);

fn as_text<S: serde::Serializer>(net: &IpNet, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&net.to_string())
}

impl ScanTarget {
    /// Parses `192.0.2.7`, `2001:db8::1`, `192.0.2.0/28` or `2001:db8::/120`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let net = match raw.parse::<IpNet>() {
            Ok(net) => net.trunc(),
            Err(_) => raw
                .parse::<IpAddr>()
                .map(IpNet::from)
                .map_err(|_| "must be an IPv4 or IPv6 address or CIDR block".to_owned())?,
        };
        let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
        if host_bits > MAX_ADDRESSES.ilog2() {
            return Err(format!("must cover at most {MAX_ADDRESSES} addresses"));
        }
        Ok(Self(net))
    }

    /// How many addresses the target covers.
    pub fn len(&self) -> u64 {
        1 << (self.0.max_prefix_len() - self.0.prefix_len())
    }

    /// Always false: a target covers at least one address.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The addresses, in order (every address of the block, network and
    /// broadcast included: scans probe what they are told to).
    pub fn addresses(&self) -> Vec<IpAddr> {
        match self.0 {
            IpNet::V4(net) => {
                let first = u32::from(net.network());
                (0..self.len() as u32).map(|i| IpAddr::from(std::net::Ipv4Addr::from(first + i))).collect()
            }
            IpNet::V6(net) => {
                let first = u128::from(net.network());
                (0..self.len() as u128).map(|i| IpAddr::from(std::net::Ipv6Addr::from(first + i))).collect()
            }
        }
    }

    /// The canonical text form (`127.0.0.1/32`).
    pub fn as_text(&self) -> String {
        self.0.to_string()
    }

    fn net(&self) -> &IpNet {
        &self.0
    }
}

/// Ports to probe: distinct, ascending, each 1 to 65535.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortSpec(Vec<u16>);

impl PortSpec {
    /// Parses `22,80,443,8000-8100`; duplicates and overlaps collapse.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut ports = Vec::new();
        for part in raw.split(',').map(str::trim) {
            let (low, high) = match part.split_once('-') {
                Some((low, high)) => (port(low)?, port(high)?),
                None => (port(part)?, port(part)?),
            };
            if low > high {
                return Err(format!("the range {part} runs backwards"));
            }
            ports.extend(low..=high);
        }
        ports.sort_unstable();
        ports.dedup();
        Ok(Self(ports))
    }

    /// The ports, ascending.
    pub fn ports(&self) -> &[u16] {
        &self.0
    }

    /// The canonical text form, with runs as ranges (`22,80-81`).
    pub fn as_text(&self) -> String {
        let mut parts = Vec::new();
        let mut iter = self.0.iter().copied().peekable();
        while let Some(start) = iter.next() {
            let mut end = start;
            while iter.peek() == Some(&(end.wrapping_add(1))) && end < u16::MAX {
                end = iter.next().unwrap_or(end);
            }
            parts.push(if start == end { start.to_string() } else { format!("{start}-{end}") });
        }
        parts.join(",")
    }
}

fn port(raw: &str) -> Result<u16, String> {
    match raw.trim().parse::<u32>() {
        Ok(p @ 1..=65_535) => Ok(p as u16),
        _ => Err(format!("{raw:?} is not a port from 1 to 65535")),
    }
}

/// The networks the server may scan (a setting); targets outside it are
/// refused before any packet is sent.
pub type Scope = Networks;

impl Networks {
    /// Whether every address of `target` lies within the scope.
    pub fn allows(&self, target: &ScanTarget) -> bool {
        self.covers(target.net())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_addresses_or_small_blocks() {
        assert_eq!(ScanTarget::parse("127.0.0.1").expect("ok").len(), 1);
        assert_eq!(ScanTarget::parse("10.0.0.7/24").expect("ok").as_text(), "10.0.0.0/24");
        assert_eq!(
            ScanTarget::parse("::1").expect("ok").addresses(),
            vec!["::1".parse::<IpAddr>().expect("ip")]
        );
        assert_eq!(ScanTarget::parse("2001:db8::/120").expect("ok").len(), 256);
        for bad in ["10.0.0.0/23", "2001:db8::/119", "localhost", "", "1.2.3.4/33", "300.1.1.1"] {
            assert!(ScanTarget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn port_specs_collapse_and_bound() {
        let spec = PortSpec::parse("443, 22,80-82,81").expect("ok");
        assert_eq!(spec.ports(), [22, 80, 81, 82, 443]);
        assert_eq!(spec.as_text(), "22,80-82,443");
        assert_eq!(PortSpec::parse("1-65535").expect("ok").ports().len(), 65_535);
        assert_eq!(PortSpec::parse("65535").expect("ok").as_text(), "65535");
        for bad in ["0", "65536", "10-5", "", "http", "1,,2", "-5"] {
            assert!(PortSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scope_contains_whole_targets_only() {
        let scope = Scope::parse("127.0.0.0/8,::1/128").expect("ok");
        assert!(scope.allows(&ScanTarget::parse("127.0.0.1").expect("ok")));
        assert!(scope.allows(&ScanTarget::parse("127.1.2.0/24").expect("ok")));
        assert!(scope.allows(&ScanTarget::parse("::1").expect("ok")));
        assert!(!scope.allows(&ScanTarget::parse("10.0.0.1").expect("ok")));
        assert!(!scope.allows(&ScanTarget::parse("::2").expect("ok")));
        assert!(Scope::parse("not a net").is_err());
    }
}
