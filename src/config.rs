//! Settings in layers: the built-in `config/default.toml` < `config/default.toml` found on
//! disk < the `LICENSEBOT_ENV` overlay (`local` or `production`) < environment variables
//! `LICENSEBOT_<SECTION>__<KEY>`. The binary runs from any working directory: with no
//! `config/` directory found, the built-in defaults apply.

use anyhow::{ensure, Context as _};
use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::domain::LifecyclePeriods;

const BUILT_IN: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub orders: OrderSettings,
    pub lifecycle: LifecycleSettings,
    pub lockout: LockoutSettings,
    pub notices: NoticeSettings,
    pub database: DatabaseSettings,
    pub http: HttpSettings,
    pub interactions: InteractionSettings,
    pub log: LogSettings,
    #[serde(default)]
    pub discord: DiscordSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
    pub api: ApiSettings,
    pub webhooks: WebhookSettings,
    pub licenses: LicenseSettings,
    pub roles: RoleSettings,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrderSettings {
    pub lifetime_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LifecycleSettings {
    pub expired_days: u32,
    pub disabled_days: u32,
    pub reminder_days: Vec<u32>,
    pub tick_seconds: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LockoutSettings {
    pub threshold: u32,
    pub window_minutes: u32,
    pub duration_minutes: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NoticeSettings {
    pub retry_base_seconds: u64,
    pub retry_max_seconds: u64,
    pub max_attempts: u32,
    pub poll_seconds: u64,
    /// How long a claimed notice stays invisible to the other replicas' dispatchers.
    pub lease_seconds: u64,
}

/// Licenses assigned to members: members' requests.
#[derive(Debug, Clone, Deserialize)]
pub struct LicenseSettings {
    /// After a request was denied or expired, the member may ask for that subscription
    /// again only this many hours later.
    pub request_cooldown_hours: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub max_connections: u32,
}

/// The limits of the HTTP servers (the interactions endpoint, `/healthz` + `/metrics`).
#[derive(Debug, Clone, Deserialize)]
pub struct HttpSettings {
    /// A request's headers must arrive within this long; also the keep-alive idle limit.
    pub header_timeout_seconds: u64,
    /// The whole request, body and answer included, must be done within this long.
    pub request_timeout_seconds: u64,
    /// The largest request body taken (413 beyond, before any signature work).
    pub max_body_bytes: usize,
    /// Connections served at once, per server.
    pub max_connections: usize,
}

impl HttpSettings {
    pub fn header_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.header_timeout_seconds)
    }

    pub fn request_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.request_timeout_seconds)
    }
}

/// How much interaction work one process takes on at once, and how it is shared between
/// guilds. An interaction that cannot start waits; only past the waiting room or the wait is
/// it answered "licensebot is busy; try again in a moment. Nothing was changed." instead of
/// queueing past Discord's 3 seconds.
#[derive(Debug, Clone, Deserialize)]
pub struct InteractionSettings {
    /// Interactions worked on at once, in all guilds.
    pub max_in_flight: usize,
    /// One guild's fair share of the slots: past it, a guild's interactions take only slots
    /// that leave this many free for the other guilds, else wait their turn.
    pub max_in_flight_per_guild: usize,
    /// Interactions waiting for a slot at once; past that, busy at once.
    pub max_waiting: usize,
    /// How long an interaction may wait for a slot before it is answered busy.
    pub max_wait_ms: u64,
}

impl InteractionSettings {
    pub fn max_wait(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.max_wait_ms)
    }
}

/// How this process meets Discord; `licensebot run --http/--shards/--shard-ids` override it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DiscordSettings {
    /// Set: take interactions as HTTP POSTs at this address instead of over the gateway.
    #[serde(default)]
    pub http_addr: Option<String>,
    /// Gateway shards in all; 0: as many as Discord recommends.
    #[serde(default)]
    pub shards: u32,
    /// The shards this process runs (`A..B`, `A..=B` or `A`); empty: all of them.
    #[serde(default)]
    pub shard_ids: String,
    /// Ask the gateway for the privileged GUILD_MEMBERS intent (it must be enabled for the
    /// application in the developer portal): member updates and leaves are then applied to
    /// license roles as they happen. Gateway mode only.
    #[serde(default)]
    pub members_intent: bool,
}

/// License roles checked against Discord's own state (drift repaired).
#[derive(Debug, Clone, Deserialize)]
pub struct RoleSettings {
    /// Each holder's roles are read at Discord at least this often (and on start).
    pub verify_hours: u64,
    /// Member reads per second by this process's verifier, at most.
    pub verify_per_second: u32,
}

impl RoleSettings {
    pub fn verify_every(&self) -> chrono::Duration {
        // At most a year (checked on load), so the cast and the hours cannot overflow.
        chrono::Duration::hours(self.verify_hours.min(24 * 365) as i64)
    }
}

/// Where `/healthz` and `/metrics` are served; `licensebot run --metrics` overrides it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetricsSettings {
    #[serde(default)]
    pub addr: Option<String>,
}

/// The shop's API; `licensebot run --api` overrides the address.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiSettings {
    /// Set: serve the API at this address.
    #[serde(default)]
    pub addr: Option<String>,
    /// The largest request body taken, in bytes.
    pub body_limit_bytes: usize,
    /// A request still running after this long is abandoned (its transaction rolled back).
    pub timeout_seconds: u64,
}

/// Webhook deliveries: retries, give-up, timeouts and the workers' leases.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookSettings {
    /// The first retry comes after this long (plus up to a quarter of it, at random).
    pub retry_base_seconds: u64,
    /// Retries back off by doubling up to this.
    pub retry_max_seconds: u64,
    /// A delivery still failing this long after its event is marked failed.
    pub give_up_hours: u64,
    /// How long an endpoint has to answer.
    pub timeout_seconds: u64,
    /// How long a worker's claim keeps the other workers off a delivery (more than the
    /// timeout: a delivery is never in flight twice at once).
    pub lease_seconds: u64,
    /// How often a worker looks for due deliveries.
    pub poll_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
}

impl Settings {
    /// Loads the layers from `LICENSEBOT_CONFIG_DIR`, or `./config` when it exists.
    pub fn load() -> anyhow::Result<Settings> {
        let dir = match std::env::var_os("LICENSEBOT_CONFIG_DIR") {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                ensure!(
                    dir.is_dir(),
                    "LICENSEBOT_CONFIG_DIR {} is not a directory",
                    dir.display()
                );
                Some(dir)
            }
            None => Some(PathBuf::from("config")).filter(|d| d.join("default.toml").is_file()),
        };
        Settings::load_from(dir.as_deref())
    }

    pub fn load_from(dir: Option<&Path>) -> anyhow::Result<Settings> {
        use config::{Config, Environment, File, FileFormat};
        let env = std::env::var("LICENSEBOT_ENV").unwrap_or_else(|_| "local".into());
        let mut builder = Config::builder().add_source(File::from_str(BUILT_IN, FileFormat::Toml));
        if let Some(dir) = dir {
            builder = builder
                .add_source(File::from(dir.join("default.toml")).required(false))
                .add_source(File::from(dir.join(format!("{env}.toml"))).required(false));
        }
        let settings: Settings = builder
            .add_source(
                Environment::with_prefix("LICENSEBOT")
                    .prefix_separator("_")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("lifecycle.reminder_days")
                    .try_parsing(true),
            )
            .build()
            .context("reading the configuration")?
            .try_deserialize()
            .context("reading the configuration")?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> anyhow::Result<()> {
        ensure!(
            (1..15 * 60).contains(&self.orders.lifetime_seconds),
            "orders.lifetime_seconds must be between 1 and 899: an order must expire before \
             Discord's 15-minute interaction token does"
        );
        ensure!(
            self.lockout.threshold >= 1,
            "lockout.threshold must be at least 1"
        );
        ensure!(
            self.lifecycle.tick_seconds >= 1,
            "lifecycle.tick_seconds must be at least 1"
        );
        // The notice and role dispatchers each hold a connection while they send, and
        // record what Discord said on another; interactions need one besides.
        ensure!(
            self.database.max_connections >= 4,
            "database.max_connections must be at least 4"
        );
        ensure!(
            self.notices.max_attempts >= 1,
            "notices.max_attempts must be at least 1"
        );
        // A claim must outlive one send (10 s at most) and the record after it, or a claim
        // the server ended could still have a change on its way while another claims it.
        ensure!(
            self.notices.lease_seconds >= 30,
            "notices.lease_seconds must be at least 30"
        );
        ensure!(
            self.http.header_timeout_seconds >= 1 && self.http.request_timeout_seconds >= 1,
            "http.header_timeout_seconds and http.request_timeout_seconds must be at least 1"
        );
        ensure!(
            self.http.max_body_bytes >= 4096,
            "http.max_body_bytes must be at least 4096: Discord's interactions are a few KiB"
        );
        ensure!(
            self.http.max_connections >= 1,
            "http.max_connections must be at least 1"
        );
        ensure!(
            self.api.body_limit_bytes >= 1024,
            "api.body_limit_bytes must be at least 1024"
        );
        ensure!(
            self.api.timeout_seconds >= 1,
            "api.timeout_seconds must be at least 1"
        );
        let w = &self.webhooks;
        ensure!(
            w.retry_base_seconds >= 1 && w.retry_max_seconds >= w.retry_base_seconds,
            "webhooks.retry_base_seconds must be at least 1, and retry_max_seconds at least that"
        );
        ensure!(
            w.timeout_seconds >= 1,
            "webhooks.timeout_seconds must be at least 1"
        );
        ensure!(
            w.lease_seconds > w.timeout_seconds,
            "webhooks.lease_seconds must be more than webhooks.timeout_seconds, so that no \
             delivery is sent by two workers at once"
        );
        ensure!(
            w.poll_seconds >= 1,
            "webhooks.poll_seconds must be at least 1"
        );
        ensure!(
            self.licenses.request_cooldown_hours <= 24 * 365,
            "licenses.request_cooldown_hours must be at most 8760 (a year)"
        );
        ensure!(
            (1..=24 * 365).contains(&self.roles.verify_hours),
            "roles.verify_hours must be between 1 and 8760"
        );
        // Discord's global limit is 50 requests a second per bot, shared with every other
        // call licensebot and its replicas make.
        ensure!(
            (1..=25).contains(&self.roles.verify_per_second),
            "roles.verify_per_second must be between 1 and 25: Discord allows a bot 50 \
             requests a second in all, shared with the other replicas and every other call"
        );
        let i = &self.interactions;
        ensure!(
            i.max_in_flight >= 1 && i.max_in_flight_per_guild >= 1,
            "interactions.max_in_flight and interactions.max_in_flight_per_guild must be at \
             least 1"
        );
        ensure!(
            i.max_wait_ms < 1200,
            "interactions.max_wait_ms must be below 1200: an interaction must still be \
             answered or deferred within Discord's 3 seconds after waiting"
        );
        Ok(())
    }

    pub fn periods(&self) -> LifecyclePeriods {
        LifecyclePeriods {
            expired_days: self.lifecycle.expired_days,
            disabled_days: self.lifecycle.disabled_days,
        }
    }

    /// How long a member waits to ask again after a denied or expired request.
    pub fn request_cooldown(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.licenses.request_cooldown_hours))
    }

    pub fn order_lifetime(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.orders.lifetime_seconds as i64)
    }

    pub fn lockout_policy(&self) -> crate::store::LockoutPolicy {
        crate::store::LockoutPolicy {
            threshold: i64::from(self.lockout.threshold),
            window: chrono::Duration::minutes(i64::from(self.lockout.window_minutes)),
            duration: chrono::Duration::minutes(i64::from(self.lockout.duration_minutes)),
        }
    }
}

impl Default for Settings {
    /// The built-in defaults, without environment overrides.
    fn default() -> Settings {
        use config::{Config, File, FileFormat};
        Config::builder()
            .add_source(File::from_str(BUILT_IN, FileFormat::Toml))
            .build()
            .and_then(|c| c.try_deserialize())
            .expect("the built-in config/default.toml is valid (checked by a test)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_match_the_product_rules() {
        let s = Settings::default();
        assert_eq!(s.orders.lifetime_seconds, 600);
        assert_eq!(s.lifecycle.expired_days, 30);
        assert_eq!(s.lifecycle.disabled_days, 90);
        assert_eq!(s.lifecycle.reminder_days, vec![30, 14, 7, 1]);
        assert_eq!(s.lockout.threshold, 5);
        assert_eq!(s.lockout.window_minutes, 15);
        assert_eq!(s.lockout.duration_minutes, 15);
        assert_eq!(s.http.max_body_bytes, 128 * 1024);
        assert!(s.http.request_timeout_seconds > 3, "above Discord's 3 s");
        assert_eq!(s.webhooks.retry_base_seconds, 5);
        assert_eq!(s.webhooks.retry_max_seconds, 3600);
        assert_eq!(s.webhooks.give_up_hours, 72);
        assert_eq!(s.webhooks.timeout_seconds, 10);
        assert_eq!(s.roles.verify_hours, 24);
        assert!(
            !s.discord.members_intent,
            "the privileged intent is asked for only when set"
        );
        s.check().unwrap();
    }

    #[test]
    fn a_missing_config_directory_falls_back_to_built_in_defaults() {
        let s = Settings::load_from(Some(Path::new("/nonexistent/licensebot-config"))).unwrap();
        assert_eq!(s.orders.lifetime_seconds, 600);
    }

    #[test]
    fn a_webhook_lease_no_longer_than_the_timeout_is_refused() {
        let mut s = Settings::default();
        s.webhooks.lease_seconds = s.webhooks.timeout_seconds;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("lease_seconds"), "{err}");
    }

    #[test]
    fn a_pool_too_small_for_the_dispatchers_or_a_claim_shorter_than_a_send_is_refused() {
        let mut s = Settings::default();
        s.database.max_connections = 3;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("database.max_connections"), "{err}");
        let mut s = Settings::default();
        s.notices.lease_seconds = 29;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("notices.lease_seconds"), "{err}");
    }

    #[test]
    fn a_verification_period_or_pace_out_of_bounds_is_refused() {
        let mut s = Settings::default();
        s.roles.verify_hours = 0;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("roles.verify_hours"), "{err}");
        let mut s = Settings::default();
        s.roles.verify_per_second = 26;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("roles.verify_per_second"), "{err}");
    }

    #[test]
    fn an_order_lifetime_of_fifteen_minutes_or_more_is_refused() {
        let mut s = Settings::default();
        s.orders.lifetime_seconds = 900;
        let err = s.check().unwrap_err().to_string();
        assert!(err.contains("15-minute"), "{err}");
    }
}
