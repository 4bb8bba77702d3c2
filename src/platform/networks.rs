//! Lists of IP networks from settings (`10.0.0.0/8,::1`): what scans may
//! probe, where webhooks may connect.

use std::net::IpAddr;

use ipnet::IpNet;

/// A list of networks.
#[derive(Debug, Clone, Default)]
pub struct Networks(Vec<IpNet>);

impl Networks {
    /// Parses a comma-separated list of CIDR blocks or addresses (host
    /// bits are cleared: `10.1.2.3/8` is `10.0.0.0/8`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .map(|n| n.trunc())
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not a network"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    /// Whether `address` (an IPv4-mapped IPv6 address as its IPv4 form)
    /// lies in one of the networks.
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// Whether every address of `net` lies in one of the networks.
    pub fn covers(&self, net: &IpNet) -> bool {
        self.0.iter().any(|outer| outer.contains(net))
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
