//! How one bot process takes part in a deployment: where its interactions come from (the
//! gateway, or HTTP POSTs from Discord), which gateway shards it runs, and where it serves
//! `/healthz` and `/metrics`. The command line overrides the configuration.

use std::{fmt, net::SocketAddr, str::FromStr};

use anyhow::{bail, ensure, Context as _};

use super::endpoint::PublicKey;
use crate::{config::Settings, metrics::Metrics};

/// Which gateway shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shards {
    /// As many as Discord recommends (`GET /gateway/bot`), all in this process.
    #[default]
    Auto,
    /// Shards `first..=last` of `total`.
    Range { total: u32, first: u32, last: u32 },
}

/// `A..B` (B excluded, as in Rust), `A..=B`, or a single `A`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardIds {
    pub first: u32,
    pub last: u32,
}

impl FromStr for ShardIds {
    type Err = String;

    fn from_str(s: &str) -> Result<ShardIds, String> {
        let s = s.trim();
        let number = |n: &str| {
            n.trim()
                .parse::<u32>()
                .map_err(|_| format!("{s:?} is not a shard range: A..B, A..=B or A"))
        };
        let (first, last) = if let Some((a, b)) = s.split_once("..=") {
            (number(a)?, number(b)?)
        } else if let Some((a, b)) = s.split_once("..") {
            let (a, b) = (number(a)?, number(b)?);
            if b <= a {
                return Err(format!("the shard range {s:?} is empty"));
            }
            (a, b - 1)
        } else {
            let a = number(s)?;
            (a, a)
        };
        if last < first {
            return Err(format!("the shard range {s:?} is empty"));
        }
        Ok(ShardIds { first, last })
    }
}

impl fmt::Display for ShardIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.first, self.last)
    }
}

impl Shards {
    /// `total` 0 means "ask Discord"; `ids` only with a known total.
    pub fn new(total: u32, ids: Option<ShardIds>) -> anyhow::Result<Shards> {
        match (total, ids) {
            (0, None) => Ok(Shards::Auto),
            (0, Some(_)) => bail!("--shard-ids needs --shards (the total number of shards)"),
            (total, None) => Ok(Shards::Range {
                total,
                first: 0,
                last: total - 1,
            }),
            (total, Some(ids)) => {
                ensure!(
                    ids.last < total,
                    "shard {} does not exist: there are {total} shards, 0..{total}",
                    ids.last
                );
                Ok(Shards::Range {
                    total,
                    first: ids.first,
                    last: ids.last,
                })
            }
        }
    }

    /// How many shards this process runs, when known before asking Discord.
    pub fn count(&self) -> Option<u32> {
        match self {
            Shards::Auto => None,
            Shards::Range { first, last, .. } => Some(last - first + 1),
        }
    }
}

/// Everything about a process's place in the deployment.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Take interactions over HTTP at this address instead of the gateway.
    pub http: Option<SocketAddr>,
    pub shards: Shards,
    /// Serve `/healthz` and `/metrics` here.
    pub metrics: Option<SocketAddr>,
    /// The application's public key, which HTTP deliveries are signed with (from
    /// `DISCORD_PUBLIC_KEY`; needed with `http`).
    pub public_key: Option<PublicKey>,
    /// The process's metrics, which `/metrics` serves: shared with the process's workers
    /// outside Discord (the webhook deliveries).
    pub registry: Metrics,
}

/// What the command line said (each `None` falls back to the configuration).
#[derive(Debug, Clone, Default)]
pub struct LayoutArgs {
    pub http: Option<SocketAddr>,
    pub shards: Option<u32>,
    pub shard_ids: Option<ShardIds>,
    pub metrics: Option<SocketAddr>,
}

fn address(what: &str, value: Option<&str>) -> anyhow::Result<Option<SocketAddr>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .with_context(|| format!("{what} {v:?} is not an address like 0.0.0.0:8080")),
    }
}

impl Layout {
    pub fn resolve(args: &LayoutArgs, settings: &Settings) -> anyhow::Result<Layout> {
        let http = match args.http {
            Some(addr) => Some(addr),
            None => address("discord.http_addr", settings.discord.http_addr.as_deref())?,
        };
        let metrics = match args.metrics {
            Some(addr) => Some(addr),
            None => address("metrics.addr", settings.metrics.addr.as_deref())?,
        };
        let ids = match args.shard_ids {
            Some(ids) => Some(ids),
            None => match settings.discord.shard_ids.trim() {
                "" => None,
                text => Some(
                    text.parse::<ShardIds>()
                        .map_err(|e| anyhow::anyhow!("discord.shard_ids: {e}"))?,
                ),
            },
        };
        let shards = Shards::new(args.shards.unwrap_or(settings.discord.shards), ids)?;
        if http.is_some() && shards != Shards::Auto {
            bail!("--shards and --shard-ids are for the gateway; in HTTP mode (--http) there are no shards");
        }
        Ok(Layout {
            http,
            shards,
            metrics,
            public_key: None,
            registry: Metrics::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges_read_like_rust_ranges() {
        assert_eq!(
            "0..2".parse::<ShardIds>(),
            Ok(ShardIds { first: 0, last: 1 })
        );
        assert_eq!(
            "2..=3".parse::<ShardIds>(),
            Ok(ShardIds { first: 2, last: 3 })
        );
        assert_eq!("5".parse::<ShardIds>(), Ok(ShardIds { first: 5, last: 5 }));
        assert!("2..2".parse::<ShardIds>().is_err());
        assert!("3..=2".parse::<ShardIds>().is_err());
        assert!("a..b".parse::<ShardIds>().is_err());
    }

    #[test]
    fn shard_ids_must_lie_within_the_total() {
        let ids = |s: &str| Some(s.parse::<ShardIds>().unwrap());
        assert_eq!(
            Shards::new(4, ids("2..4")).unwrap(),
            Shards::Range {
                total: 4,
                first: 2,
                last: 3
            }
        );
        assert!(Shards::new(4, ids("3..5")).is_err());
        assert!(Shards::new(0, ids("0..1")).is_err());
        assert_eq!(Shards::new(0, None).unwrap(), Shards::Auto);
        assert_eq!(Shards::new(2, None).unwrap().count(), Some(2));
    }

    #[test]
    fn the_command_line_wins_over_the_configuration() {
        let mut settings = Settings::default();
        settings.discord.http_addr = Some("127.0.0.1:9000".into());
        settings.metrics.addr = Some("127.0.0.1:9100".into());
        let layout = Layout::resolve(&LayoutArgs::default(), &settings).unwrap();
        assert_eq!(layout.http, Some("127.0.0.1:9000".parse().unwrap()));
        let args = LayoutArgs {
            http: Some("127.0.0.1:9001".parse().unwrap()),
            ..LayoutArgs::default()
        };
        let layout = Layout::resolve(&args, &settings).unwrap();
        assert_eq!(layout.http, Some("127.0.0.1:9001".parse().unwrap()));
        assert_eq!(layout.metrics, Some("127.0.0.1:9100".parse().unwrap()));
    }

    #[test]
    fn shards_make_no_sense_in_http_mode() {
        let args = LayoutArgs {
            http: Some("127.0.0.1:9001".parse().unwrap()),
            shards: Some(2),
            ..LayoutArgs::default()
        };
        assert!(Layout::resolve(&args, &Settings::default()).is_err());
    }
}
