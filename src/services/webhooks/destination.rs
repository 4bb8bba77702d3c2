//! Where webhooks may connect: a destination is resolved and its
//! addresses checked against the allowed and denied networks (settings),
//! at subscription and before every connection, so that a webhook cannot
//! be aimed at the server's own network. The checked addresses are the
//! ones connected to, so a name cannot resolve differently in between.

use std::net::SocketAddr;

use url::{Host, Url};

use crate::platform::networks::Networks;

/// The networks deliveries may and may not reach.
#[derive(Debug, Clone)]
pub struct Destinations {
    allowed: Networks,
    denied: Networks,
}

/// What the denied networks are by default: "this" network, private,
/// shared (CGNAT), loopback, link-local (cloud metadata at 169.254.169.254),
/// benchmarking, multicast and reserved ranges, in IPv4 and IPv6.
pub const DEFAULT_DENIED: &str = "0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,\
    192.0.0.0/24,192.168.0.0/16,198.18.0.0/15,224.0.0.0/3,::/128,::1/128,fc00::/7,fe80::/10,ff00::/8";

impl Destinations {
    /// Addresses in `allowed` are always reachable (and may take plain
    /// `http`); others are refused when in `denied`.
    pub fn new(allowed: Networks, denied: Networks) -> Self {
        Self { allowed, denied }
    }

    /// The addresses a delivery to `url` may connect to, or why there are none.
    pub async fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, String> {
        let port = url.port_or_known_default().ok_or("has no port")?;
        let addresses: Vec<SocketAddr> = match url.host() {
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
                .await
                .map_err(|err| format!("names a host that does not resolve ({name}: {err})"))?
                .collect(),
            None => return Err("has no host".into()),
        };
        if addresses.is_empty() {
            return Err("names a host with no address".into());
        }
        if let Some(refused) = addresses.iter().find(|a| !self.permits(a)) {
            return Err(format!(
                "reaches {}, in a network webhooks may not reach (CASEBOOK_WEBHOOK_DENIED_NETWORKS)",
                refused.ip()
            ));
        }
        if url.scheme() == "http" && !addresses.iter().all(|a| self.allowed.contains(a.ip())) {
            return Err("must use https (plain http only to CASEBOOK_WEBHOOK_ALLOWED_NETWORKS)".into());
        }
        Ok(addresses)
    }

    fn permits(&self, address: &SocketAddr) -> bool {
        self.allowed.contains(address.ip()) || !self.denied.contains(address.ip())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destinations(allowed: &str) -> Destinations {
        Destinations::new(
            Networks::parse(allowed).expect("allowed"),
            Networks::parse(DEFAULT_DENIED).expect("denied"),
        )
    }

    async fn check(d: &Destinations, url: &str) -> Result<Vec<SocketAddr>, String> {
        d.resolve(&Url::parse(url).expect("url")).await
    }

    #[tokio::test]
    async fn private_and_local_addresses_are_denied_by_default() {
        let d = destinations("");
        for url in [
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[fd00::1]/hook",
            "https://192.168.0.10:8443/hook",
            "https://localhost/hook",
        ] {
            assert!(check(&d, url).await.is_err(), "{url} must be refused");
        }
        assert_eq!(check(&d, "https://203.0.113.7/hook").await.expect("public").len(), 1);
        assert!(check(&d, "http://203.0.113.7/hook").await.is_err(), "plain http only where allowed");
    }

    #[tokio::test]
    async fn allowed_networks_open_denied_ones_and_plain_http() {
        let d = destinations("127.0.0.0/8");
        let addresses = check(&d, "http://127.0.0.1:9000/hook").await.expect("allowed loopback");
        assert_eq!(addresses, [SocketAddr::from(([127, 0, 0, 1], 9000))]);
        assert!(check(&d, "https://10.0.0.1/hook").await.is_err());
    }
}
