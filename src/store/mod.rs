//! The only module that names sqlx: queries return domain types.
//!
//! Every query that touches a tenant's rows takes the guild id, so nothing crosses guilds.

mod api_tokens;
mod audit;
mod deliveries;
pub(crate) mod keys;
mod licenses;
mod notices;
mod orders;
mod products;
mod redemptions;
mod reversals;
mod role_checks;
mod schema;
mod settings;
mod subscriptions;
mod suspensions;
mod webhooks;

use anyhow::Context as _;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

pub use audit::{AttemptRow, LockoutPolicy, RefusalsRecorded};
pub use keys::{IdempotencyClaim, ImportWrite, KeyFilter, KeyListing, MintWrite, NewKey};
pub use licenses::{
    Assignment, ExpiredRequest, LicenseRequest, LicenseSpan, MemberRole, RoleBacklog, RoleChange,
    RoleClaim, RoleScope,
};
pub use notices::{
    NewNotice, NoticeBacklog, NoticeClaim, NoticeOutcome, NoticeRow, PendingNotice,
    WAITING_FOR_A_CHANNEL,
};
pub use orders::{ClosedBy, ExpiredOrder, NewOrder, OrderTx, RedemptionWrite, Written};
pub use redemptions::{RedemptionFeed, RedemptionFilter};
pub use reversals::{
    KeyForReversal, KeyWhereabouts, RedeemedInto, ReversalEntry, ReversalFilter, ReversalWrite,
};
pub use role_checks::{CheckClaim, MemberRoleView, RepairsQueued};
pub use schema::{public_tables, schema_status, server_major_version, SchemaStatus};
pub use settings::GuildListing;
pub use subscriptions::NewSubscription;
pub use webhooks::{DeliveryRow, DueDelivery, Redelivery, WebhookBacklog, WebhookEndpoint};

/// The schema, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Brings the database schema up to date.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("running database migrations")
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: PgPool,
}

/// How long a pooled connection may sit idle before it is pinged again when handed out.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

impl Store {
    pub fn new(pool: PgPool) -> Store {
        Store { pool }
    }

    /// Connects with a pool sized for a bot process; fails fast when the server is away
    /// so that users are told "nothing was changed, try again" instead of waiting.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(3))
            // sqlx pings every connection when it takes it back, and by default again when
            // it hands it out: a round trip before every transaction. A connection back
            // from work a moment ago was just pinged; only one that sat idle for a while
            // (the server may have restarted meanwhile) is pinged again.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Opens the transaction a dispatcher's claim lives in: it stays open while the claimed
    /// work is sent, and the server ends it once it sits idle for `lease` (a claimer that
    /// hangs with its connection open). `what` names the claim in errors.
    async fn begin_claim(
        &self,
        lease: Duration,
        what: &'static str,
    ) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await.context(what)?;
        let lease_ms = lease.as_millis().clamp(1, i32::MAX as u128).to_string();
        sqlx::query!(
            "SELECT set_config('idle_in_transaction_session_timeout', $1, true)",
            lease_ms
        )
        .fetch_one(&mut *tx)
        .await
        .context(what)?;
        Ok(tx)
    }

    /// Whether the database answers, for health checks and start-up.
    pub async fn ping(&self) -> anyhow::Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .context("pinging PostgreSQL")?;
        Ok(())
    }
}

/// A word of the domain read from a text column; a spelling this version does not know
/// is an error, never a panic.
pub(crate) fn parse_column<T>(text: &str) -> anyhow::Result<T>
where
    T: std::str::FromStr<Err = crate::domain::UnknownName>,
{
    text.parse().context("reading a row from the database")
}

/// Converts a count the domain keeps as i64 into the schema's integer.
fn to_i32(value: i64, what: &str) -> anyhow::Result<i32> {
    i32::try_from(value).with_context(|| format!("{what} {value} is out of range"))
}

fn guild_param(guild: crate::domain::records::GuildId) -> i64 {
    // Discord snowflakes fit in 63 bits until the year 2084.
    guild.0 as i64
}

fn user_param(user: crate::domain::records::UserId) -> i64 {
    user.0 as i64
}
