//! The operator's command line: the same binary as the bot. Results go to stdout, logs to
//! stderr; any error is one line on stderr and a non-zero exit.

mod commands;
mod refunds;
mod table;

use std::net::SocketAddr;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::boot::{LayoutArgs, ShardIds};
use crate::domain::Term;

pub use commands::execute;

/// `licensebot --version`: the release and the commit it was built from (`build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("LICENSEBOT_BUILD"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "licensebot",
    version = VERSION,
    about = "Redeem prepaid product keys against subscriptions, from Discord"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the bot (the default).
    Run(RunArgs),
    /// Bring the database schema up to date.
    Migrate {
        /// Only say whether any migration is pending (exit 1 if so, or if the schema is
        /// newer than this binary); change nothing.
        #[arg(long)]
        check: bool,
    },
    /// Check the deployment: configuration, Discord, the database, each server; one line
    /// each, with what to do. Exit 0 only when nothing is wrong.
    Doctor {
        /// Check this server only.
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
        /// Print the findings as JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Write the whole database to FILE: a pg_dump custom-format archive (needs the
    /// PostgreSQL client tools, at least the server's version).
    Backup {
        /// Where to write the archive; an existing file is never overwritten.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (refused otherwise), then check the
    /// migrations.
    Restore {
        /// An archive written by `licensebot backup`.
        #[arg(value_name = "FILE")]
        file: std::path::PathBuf,
    },
    /// Sellable plans (SKUs).
    #[command(subcommand)]
    Products(ProductsCommand),
    /// Guilds' subscriptions.
    #[command(subcommand)]
    Subscriptions(SubscriptionsCommand),
    /// Mint, import, list and revoke product keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The redemption ledger.
    #[command(subcommand)]
    Redemptions(RedemptionsCommand),
    /// Refused key attempts (the audit trail behind the lockout).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Licenses assigned to members.
    #[command(subcommand)]
    Licenses(LicensesCommand),
    /// Tokens for the shop's API (`run --api`).
    #[command(subcommand, name = "api-tokens")]
    ApiTokens(ApiTokensCommand),
    /// Endpoints that hear of redemptions, revocations and state changes (Standard Webhooks).
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// The Discord servers licensebot knows.
    #[command(subcommand)]
    Guilds(GuildsCommand),
}

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// Register the commands in this guild only (instant, for development) instead of globally.
    #[arg(long, value_name = "ID")]
    pub guild: Option<u64>,
    /// Take interactions as HTTP POSTs from Discord at this address instead of over the
    /// gateway (needs DISCORD_PUBLIC_KEY) [config: discord.http_addr].
    #[arg(long, value_name = "ADDR")]
    pub http: Option<SocketAddr>,
    /// Gateway shards in all (default: as many as Discord recommends) [config: discord.shards].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub shards: Option<u32>,
    /// The shards this process runs: A..B (B excluded), A..=B or A (default: all)
    /// [config: discord.shard_ids].
    #[arg(long, value_name = "A..B")]
    pub shard_ids: Option<ShardIds>,
    /// Serve /healthz and /metrics at this address [config: metrics.addr].
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// Serve the shop's API (JSON under /v1) at this address [config: api.addr].
    #[arg(long, value_name = "ADDR")]
    pub api: Option<SocketAddr>,
}

impl RunArgs {
    pub fn layout(&self) -> LayoutArgs {
        LayoutArgs {
            http: self.http,
            shards: self.shards,
            shard_ids: self.shard_ids,
            metrics: self.metrics,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ProductsCommand {
    /// Add a product.
    Add {
        /// The product's code, e.g. BUSINESS-STANDARD (letters, digits and dashes; kept in upper case).
        #[arg(long)]
        sku: String,
        /// The name people read, e.g. "Business Standard" (1–100 characters).
        #[arg(long)]
        name: String,
        /// The most licenses one subscription of it may have (no cap when left out).
        #[arg(long, value_name = "N")]
        max_seats: Option<i64>,
    },
    /// List products.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Change a product's name or seat cap; what is left out stays as it is.
    Edit {
        /// The product's code.
        #[arg(value_name = "SKU")]
        sku: String,
        /// The new name people read (1–100 characters).
        #[arg(long)]
        name: Option<String>,
        /// The new most licenses one subscription of it may have.
        #[arg(long, value_name = "N")]
        max_seats: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum GuildsCommand {
    /// Each server licensebot knows: id, name (when Discord told it), subscriptions, notice
    /// channel and language.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubscriptionsCommand {
    /// Create a subscription for a guild.
    Create {
        /// The server's Discord id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// The product's SKU.
        #[arg(long, value_name = "SKU")]
        product: String,
        /// The subscription's name, unique in the server (1–100 characters).
        #[arg(long)]
        name: String,
        /// How many licenses it has.
        #[arg(long, value_name = "N")]
        seats: i64,
        /// Its end date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        ends: NaiveDate,
    },
    /// List a guild's subscriptions.
    List {
        /// The server's Discord id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Suspend a subscription (a chargeback, a dispute, an unpaid invoice): no access, no
    /// redemption, no assignment until it is resumed; licenses stay assigned.
    Suspend(SuspensionArgs),
    /// Resume a suspended subscription: back to its lifecycle state, roles given back.
    Resume(SuspensionArgs),
}

#[derive(Debug, Args)]
pub struct SuspensionArgs {
    /// The server's Discord id.
    #[arg(long, value_name = "ID")]
    pub guild: u64,
    /// The subscription's name.
    #[arg(long, value_name = "NAME")]
    pub subscription: String,
    /// Why: kept for the vendor's records and sent in the webhook; never told in Discord.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Mint new keys; prints them, one per line, and nothing else.
    Generate {
        /// The product's SKU the keys are for.
        #[arg(long, value_name = "SKU")]
        product: String,
        /// Licenses each key gives.
        #[arg(long, value_name = "N")]
        seats: i64,
        /// The term each key gives: whole months (12m) or days (30d).
        #[arg(long, value_name = "12m|30d", value_parser = parse_term)]
        term: Term,
        /// How many keys to mint.
        #[arg(long, value_name = "N")]
        count: usize,
        /// A label for the batch, to list or revoke it later.
        #[arg(long, value_name = "LABEL")]
        batch: Option<String>,
        /// The last day an unredeemed key can be redeemed (none when left out).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        expires: Option<NaiveDate>,
    },
    /// Import keys from a CSV file: key,product,seats,term[,expires][,batch].
    Import {
        /// The CSV file to read.
        #[arg(value_name = "FILE.csv")]
        file: std::path::PathBuf,
    },
    /// List keys, masked.
    List {
        /// Only keys for this product's SKU.
        #[arg(long, value_name = "SKU")]
        product: Option<String>,
        /// Only keys of this batch.
        #[arg(long, value_name = "LABEL")]
        batch: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a batch or single keys (redeemed keys stay redeemed).
    ///
    /// `-` reads the keys from standard input instead, so that they stay out of the process
    /// list and the shell's history: `licensebot keys revoke - < keys.txt`.
    Revoke {
        /// Revoke every unredeemed key of this batch.
        #[arg(
            long,
            value_name = "LABEL",
            conflicts_with = "keys",
            required_unless_present = "keys"
        )]
        batch: Option<String>,
        /// Keys in any spelling; `-` alone: read them from standard input, one per line
        /// (or separated by spaces or commas).
        #[arg(value_name = "KEY|-")]
        keys: Vec<String>,
    },
    /// Show keys (masked): state, product, seats, term, batch, reference, and where each
    /// went. `-` reads the keys from standard input: `licensebot keys show - < keys.txt`.
    Show {
        /// Keys in any spelling; `-` alone: read them from standard input.
        #[arg(value_name = "KEY|-", required = true)]
        keys: Vec<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Reverse redeemed keys (a refund): each key's subscription loses exactly what the key
    /// gave, and the most recently assigned licenses are released while seats are below
    /// those assigned. Unused keys are not touched (revoke them instead).
    ///
    /// `-` reads the keys from standard input: `licensebot keys reverse - < keys.txt`.
    Reverse {
        /// Reverse every redeemed key of this batch.
        #[arg(
            long,
            value_name = "LABEL",
            conflicts_with = "keys",
            required_unless_present = "keys"
        )]
        batch: Option<String>,
        /// Keys in any spelling; `-` alone: read them from standard input.
        #[arg(value_name = "KEY|-")]
        keys: Vec<String>,
        /// Why (the refund or chargeback): kept in the ledger and sent in the
        /// `redemption.reversed` webhook; never told in Discord.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RedemptionsCommand {
    /// A guild's redemptions, newest first.
    List {
        /// The server's Discord id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Refused key attempts, newest first.
    List {
        /// Only this server's (its Discord id).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum LicensesCommand {
    /// A guild's licenses and who holds them, newest first.
    List {
        /// The server's Discord id.
        #[arg(long, value_name = "ID")]
        guild: u64,
        /// Only this subscription's (its name, in any case).
        #[arg(long, value_name = "NAME")]
        subscription: Option<String>,
        /// Also the licenses that ended: when, and why.
        #[arg(long)]
        history: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Give a member a license (by the subscription's rules).
    Assign(LicenseArgs),
    /// Take a member's license back.
    Unassign(LicenseArgs),
}

#[derive(Debug, Args)]
pub struct LicenseArgs {
    /// The server's Discord id.
    #[arg(long, value_name = "ID")]
    pub guild: u64,
    /// The subscription's name, in any case.
    #[arg(long, value_name = "NAME")]
    pub subscription: String,
    /// The member's Discord user id.
    #[arg(long, value_name = "ID")]
    pub user: u64,
}

#[derive(Debug, Subcommand)]
pub enum ApiTokensCommand {
    /// Create a token; prints it, once (only its digest is kept).
    Create {
        /// A name for the token, to list or revoke it by.
        #[arg(long)]
        name: String,
        /// Comma-separated: keys:write, keys:read, ledger:read, catalogue:write,
        /// subscriptions:write (all five when left out).
        #[arg(long, value_name = "SCOPES")]
        scopes: Option<String>,
    },
    /// List tokens (never the tokens themselves).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it is refused from its next request on.
    Revoke {
        /// The token's name.
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Add an endpoint; prints its signing secret (whsec_…), once.
    Add {
        /// Where to POST the events (http:// or https://).
        #[arg(value_name = "URL")]
        url: String,
        /// Comma-separated: redemption.created, redemption.reversed,
        /// subscription.state_changed, subscription.expiring, license.assigned,
        /// license.unassigned, key.revoked (all when left out).
        #[arg(long, value_name = "EVENTS")]
        events: Option<String>,
        /// The endpoint is on this machine or a private network (loopback, 10/8,
        /// 172.16/12, 192.168/16, 100.64/10, fc00::/7, localhost): allow it. Link-local and
        /// cloud-metadata addresses are refused all the same.
        #[arg(long)]
        allow_private: bool,
    },
    /// List endpoints (never their secrets).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove an endpoint, with its deliveries.
    Remove {
        /// The endpoint's id (see `webhooks list`).
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Send an endpoint a `ping` (delivered by the running bot's worker).
    Test {
        /// The endpoint's id (see `webhooks list`).
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Recent deliveries, newest first.
    Deliveries {
        /// Only the ones given up.
        #[arg(long)]
        failed: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// How many.
        #[arg(long, value_name = "N", default_value_t = 50)]
        limit: i64,
    },
    /// Send a delivered or failed delivery again, with the same webhook-id.
    Redeliver {
        /// The delivery's id (see `webhooks deliveries`).
        #[arg(value_name = "DELIVERY_ID")]
        id: i64,
    },
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a YYYY-MM-DD date"))
}

fn parse_term(s: &str) -> Result<Term, String> {
    s.parse::<Term>().map_err(|e| e.to_string())
}
