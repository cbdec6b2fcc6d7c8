//! Whose request is this: the fan's network address, for the limits kept per
//! client (connections, sign-ups). It is the socket's peer, unless the peer
//! is a proxy the operator trusts (`--trusted-proxies`), in which case it is
//! the nearest address in `X-Forwarded-For` that is not itself a trusted
//! proxy. A client cannot choose its own address by sending the header: from
//! an untrusted peer the header is ignored.

use axum::extract::FromRequestParts;
use axum::http::{request::Parts, HeaderMap};
use ipnet::IpNet;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

/// The fan's network address, as [`ClientAddrs`] decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

/// Where the server learns client addresses: the proxies it trusts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientAddrs {
    trusted_proxies: Vec<IpNet>,
}

/// A `--trusted-proxies` entry that is neither an address nor a network.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0:?} is not an IP address or network like 10.0.0.1 or 10.0.0.0/8")]
pub struct BadProxy(String);

impl FromStr for ClientAddrs {
    type Err = BadProxy;

    /// Comma-separated addresses and networks, e.g. `10.0.0.0/8,::1`.
    fn from_str(text: &str) -> Result<Self, BadProxy> {
        let trusted_proxies = text
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map_err(|_| BadProxy(entry.to_owned()))
            })
            .collect::<Result<_, _>>()?;
        Ok(ClientAddrs { trusted_proxies })
    }
}

impl ClientAddrs {
    pub fn is_trusted_proxy(&self, addr: IpAddr) -> bool {
        let addr = addr.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&addr))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        let peer = peer.to_canonical();
        if !self.is_trusted_proxy(peer) {
            return ClientAddr(peer);
        }
        // Each proxy appends the address it received from: read from the
        // right, skipping our own proxies. An unreadable entry ends the
        // trust: the proxy that wrote it is the client.
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            match IpAddr::from_str(hop.trim()) {
                Ok(addr) => {
                    client = addr.to_canonical();
                    if !self.is_trusted_proxy(client) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        ClientAddr(client)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    /// The address the connection layer decided; `0.0.0.0` when the app is
    /// called without one (in tests that call the router directly).
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let none = ClientAddrs::default();
        let spoofed = forwarded("1.2.3.4");
        assert_eq!(none.client_of(ip("9.9.9.9"), &spoofed).0, ip("9.9.9.9"));
        let proxies: ClientAddrs = "10.0.0.0/8, 127.0.0.1".parse().unwrap();
        assert_eq!(proxies.client_of(ip("10.1.2.3"), &spoofed).0, ip("1.2.3.4"));
        assert_eq!(proxies.client_of(ip("9.9.9.9"), &spoofed).0, ip("9.9.9.9"));
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let proxies: ClientAddrs = "10.0.0.0/8".parse().unwrap();
        // The fan put a lie first; our two proxies appended the truth.
        let chain = forwarded("6.6.6.6, 5.5.5.5, 10.0.0.7");
        assert_eq!(proxies.client_of(ip("10.0.0.1"), &chain).0, ip("5.5.5.5"));
        let garbage = forwarded("nonsense, 10.0.0.7");
        assert_eq!(
            proxies.client_of(ip("10.0.0.1"), &garbage).0,
            ip("10.0.0.7")
        );
        let missing = HeaderMap::new();
        assert_eq!(
            proxies.client_of(ip("10.0.0.1"), &missing).0,
            ip("10.0.0.1")
        );
    }

    #[test]
    fn mapped_ipv4_addresses_match_ipv4_networks() {
        let proxies: ClientAddrs = "127.0.0.1".parse().unwrap();
        assert!(proxies.is_trusted_proxy(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn bad_entries_are_named() {
        assert_eq!(
            "10.0.0.0/8,proxy.local".parse::<ClientAddrs>(),
            Err(BadProxy("proxy.local".into()))
        );
        assert_eq!("".parse::<ClientAddrs>(), Ok(ClientAddrs::default()));
    }
}
