//! The stress program: licensebot's promises under races, crashes and a database outage, at
//! full size (the hardening tests in `tests/it/hardening.rs` run the same scenarios smaller).
//!
//! ```text
//! cargo build --release --bin licensebot --example stress
//! target/release/examples/stress [races|crashes|outage|all] [--seed N]
//!     [--keys N] [--guilds N] [--admins-per-guild N] [--clicks N] [--kills N]
//!     [--members-per-guild N] [--outage-seconds N] [--unix-socket]
//! ```
//!
//! Test databases are made as the tests make them (`tests/it/support/db.rs`: the server at
//! 127.0.0.1:5432, or `LICENSEBOT_TEST_DATABASE_URL`); the outage scenario runs a private
//! PostgreSQL cluster of its own under /tmp. The crash scenario runs `licensebot run` from
//! `target/release/` (or `LICENSEBOT_BIN`). Prints each scenario's figures; exits non-zero
//! if a promise was broken. The figures of the last run are in `docs/RELIABILITY.md`.

// The scenarios also carry the hardening tests' smaller sizes, unused here.
#[allow(dead_code)]
mod crashes;
mod harness;
#[allow(dead_code)]
mod outage;
#[allow(dead_code)]
mod races;
mod seat_admins;
#[path = "../it/support/mod.rs"]
mod support;

use std::{process::ExitCode, time::Instant};

use harness::Size;

struct Args {
    scenarios: Vec<String>,
    seed: u64,
    keys: Option<usize>,
    guilds: Option<usize>,
    admins_per_guild: Option<usize>,
    clicks: Option<i64>,
    kills: Option<u32>,
    members_per_guild: Option<usize>,
    outage_seconds: Option<u64>,
    unix_socket: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        scenarios: Vec::new(),
        seed: 20_261_125,
        keys: None,
        guilds: None,
        admins_per_guild: None,
        clicks: None,
        kills: None,
        members_per_guild: None,
        outage_seconds: None,
        unix_socket: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<String, String> {
            it.next().ok_or_else(|| format!("{name} needs a value"))
        };
        fn number<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse()
                .map_err(|_| format!("{name}: {v:?} is not a number"))
        }
        match arg.as_str() {
            "races" | "crashes" | "outage" => args.scenarios.push(arg),
            "all" => args
                .scenarios
                .extend(["races", "crashes", "outage"].map(String::from)),
            "--seed" => args.seed = number(&arg, value(&arg)?)?,
            "--keys" => args.keys = Some(number(&arg, value(&arg)?)?),
            "--guilds" => args.guilds = Some(number(&arg, value(&arg)?)?),
            "--admins-per-guild" => args.admins_per_guild = Some(number(&arg, value(&arg)?)?),
            "--clicks" => args.clicks = Some(number(&arg, value(&arg)?)?),
            "--kills" => args.kills = Some(number(&arg, value(&arg)?)?),
            "--members-per-guild" => args.members_per_guild = Some(number(&arg, value(&arg)?)?),
            "--outage-seconds" => args.outage_seconds = Some(number(&arg, value(&arg)?)?),
            "--unix-socket" => args.unix_socket = true,
            "-h" | "--help" => {
                return Err(
                    "usage: stress [races|crashes|outage|all] [--seed N] [--keys N] \
                     [--guilds N] [--admins-per-guild N] [--clicks N] [--kills N] \
                     [--members-per-guild N] [--outage-seconds N] [--unix-socket]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    if args.scenarios.is_empty() {
        args.scenarios = ["races", "crashes", "outage"].map(String::from).to_vec();
    }
    Ok(args)
}

impl Args {
    fn size(&self, mut size: Size) -> Size {
        size.keys = self.keys.unwrap_or(size.keys);
        size.guilds = self.guilds.unwrap_or(size.guilds);
        size.admins_per_guild = self.admins_per_guild.unwrap_or(size.admins_per_guild);
        size
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    println!(
        "licensebot stress, {} CPU(s), started {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    let mut broken = 0;
    for scenario in &args.scenarios {
        let started = Instant::now();
        if scenario == "outage" {
            // First the connection cut exactly at a Redeem's COMMIT, then the outage.
            let report = outage::lost_commit(args.seed).await;
            println!("{report}  took {:.1} s\n", started.elapsed().as_secs_f64());
            broken += report.violations.len();
        }
        let started = Instant::now();
        let report = match scenario.as_str() {
            "races" => {
                let mut config = races::Config::full(args.seed);
                config.size = args.size(config.size);
                config.clicks = args.clicks.unwrap_or(config.clicks);
                races::run(config).await
            }
            "crashes" => {
                let mut config = crashes::Config::full(args.seed);
                config.size = args.size(config.size);
                config.kills = args.kills.unwrap_or(config.kills);
                config.members_per_guild =
                    args.members_per_guild.unwrap_or(config.members_per_guild);
                crashes::run(config).await
            }
            _ => {
                let mut config = outage::Config::full(args.seed, !args.unix_socket);
                config.size = args.size(config.size);
                if let Some(seconds) = args.outage_seconds {
                    config.outage = std::time::Duration::from_secs(seconds);
                }
                outage::run(config).await
            }
        };
        println!("{report}  took {:.1} s\n", started.elapsed().as_secs_f64());
        broken += report.violations.len();
    }
    if broken == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
