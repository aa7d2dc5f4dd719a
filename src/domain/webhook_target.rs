//! Where a webhook may be sent. Never to a link-local address or a cloud's metadata service
//! (a delivery there could read the machine's credentials); to this machine or a private
//! network only when the operator said so (`webhooks add --allow-private`). A name is judged
//! by the addresses it resolves to when each delivery is sent; `localhost` is known without.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether an endpoint may be sent to private and loopback addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivateTargets {
    /// Public addresses only (the default of `webhooks add`).
    Refused,
    /// Added with `--allow-private` (and every endpoint added before the rule).
    Allowed,
}

/// What kind of place an address is, for a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Anywhere else: the internet.
    Public,
    /// This machine or a private network: loopback (127/8, ::1), RFC 1918 (10/8, 172.16/12,
    /// 192.168/16), shared address space (100.64/10), unique-local (fc00::/7), unspecified
    /// (0.0.0.0, ::, which reach this machine).
    Private,
    /// Link-local (169.254/16, fe80::/10) or a cloud's metadata service (fd00:ec2::254), or
    /// not a single machine at all (multicast, broadcast): never.
    Forbidden,
}

impl Reach {
    /// Whether an endpoint with `private` may be sent here.
    pub fn admits(self, private: PrivateTargets) -> bool {
        match self {
            Reach::Public => true,
            Reach::Private => private == PrivateTargets::Allowed,
            Reach::Forbidden => false,
        }
    }
}

/// AWS's instance metadata service over IPv6 (inside fc00::/7, so looked for first).
const AWS_METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);

/// The reach of an address; an IPv4 address inside IPv6 (`::ffff:169.254.169.254`, or
/// NAT64's `64:ff9b::/96`) is judged as the IPv4 address it reaches.
pub fn reach_of(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) => reach_of_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => reach_of_v4(v4),
            None => reach_of_v6(v6),
        },
    }
}

fn reach_of_v4(ip: Ipv4Addr) -> Reach {
    let [a, b, ..] = ip.octets();
    if ip.is_link_local() || ip.is_multicast() || ip.is_broadcast() {
        Reach::Forbidden
    } else if ip.is_loopback()
        || ip.is_private()
        || ip.is_unspecified()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
    {
        Reach::Private
    } else {
        Reach::Public
    }
}

fn reach_of_v6(ip: Ipv6Addr) -> Reach {
    let first = ip.segments()[0];
    if ip == AWS_METADATA_V6 || first & 0xffc0 == 0xfe80 || ip.is_multicast() {
        Reach::Forbidden
    } else if ip.is_loopback() || ip.is_unspecified() || first & 0xfe00 == 0xfc00 {
        Reach::Private
    } else {
        Reach::Public
    }
}

/// The IPv4 address an IPv6 one stands for: IPv4-mapped (`::ffff:a.b.c.d`) or NAT64
/// (`64:ff9b::a.b.c.d`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., a, b, c, d] = ip.octets();
        return Some(Ipv4Addr::new(a, b, c, d));
    }
    None
}

/// The reach of a host as written in a URL: an address literal (`[::1]` too) by its
/// address; `localhost` and names under `.localhost` are this machine; any other name is
/// public until it resolves (checked again then).
pub fn reach_of_host(host: &str) -> Reach {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return reach_of(ip);
    }
    let name = bare.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        Reach::Private
    } else {
        Reach::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(host: &str) -> Reach {
        reach_of_host(host)
    }

    #[test]
    fn link_local_and_metadata_addresses_are_never_reached_in_any_spelling() {
        for host in [
            "169.254.169.254",
            "169.254.0.1",
            "[fe80::1]",
            "[febf::1]",
            "[fd00:ec2::254]",
            "[::ffff:169.254.169.254]",
            "[::ffff:a9fe:a9fe]",
            "[64:ff9b::169.254.169.254]",
            "224.0.0.1",
            "255.255.255.255",
            "[ff02::1]",
        ] {
            assert_eq!(reach(host), Reach::Forbidden, "{host}");
        }
    }

    #[test]
    fn loopback_private_and_shared_addresses_and_localhost_are_private() {
        for host in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.10",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "[::1]",
            "[::]",
            "[fd12:3456::1]",
            "[fc00::1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:10.1.2.3]",
            "localhost",
            "LocalHost.",
            "hooks.localhost",
        ] {
            assert_eq!(reach(host), Reach::Private, "{host}");
        }
    }

    #[test]
    fn other_addresses_and_names_are_public() {
        for host in [
            "shop.example",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "169.253.1.1",
            "[2001:db8::1]",
            "[fe00::1]",
            "[fec0::1]",
            "localhost.example",
            "notlocalhost",
        ] {
            assert_eq!(reach(host), Reach::Public, "{host}");
        }
    }

    #[test]
    fn private_targets_are_admitted_only_when_allowed_and_forbidden_ones_never() {
        use PrivateTargets::{Allowed, Refused};
        assert!(Reach::Public.admits(Refused));
        assert!(!Reach::Private.admits(Refused));
        assert!(Reach::Private.admits(Allowed));
        assert!(!Reach::Forbidden.admits(Allowed));
    }
}
