//! Suspended subscriptions (`subscription_suspensions`): a row while the vendor suspends one.

use std::collections::HashSet;

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{guild_param, OrderTx, Store};
use crate::domain::records::GuildId;

impl OrderTx {
    /// Whether the subscription is suspended (read under its row lock: the truth).
    pub async fn is_suspended(&mut self, subscription_id: i64) -> anyhow::Result<bool> {
        let found = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM subscription_suspensions
                              WHERE subscription_id = $1) AS "found!""#,
            subscription_id
        )
        .fetch_one(self.conn())
        .await
        .context("reading whether a subscription is suspended")?;
        Ok(found)
    }

    /// Suspends the (locked) subscription; `false` if it was suspended already.
    pub async fn suspend(
        &mut self,
        guild: GuildId,
        subscription_id: i64,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            r#"INSERT INTO subscription_suspensions (subscription_id, guild_id, reason, suspended_at)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (subscription_id) DO NOTHING"#,
            subscription_id,
            guild_param(guild),
            reason,
            now
        )
        .execute(self.conn())
        .await
        .context("suspending a subscription")?;
        Ok(done.rows_affected() == 1)
    }

    /// Resumes the (locked) subscription; `false` if it was not suspended.
    pub async fn resume(&mut self, subscription_id: i64) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            "DELETE FROM subscription_suspensions WHERE subscription_id = $1",
            subscription_id
        )
        .execute(self.conn())
        .await
        .context("resuming a subscription")?;
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// The ids of a guild's suspended subscriptions.
    pub async fn suspended_ids(&self, guild: GuildId) -> anyhow::Result<HashSet<i64>> {
        let ids = sqlx::query_scalar!(
            "SELECT subscription_id FROM subscription_suspensions WHERE guild_id = $1",
            guild_param(guild)
        )
        .fetch_all(&self.pool)
        .await
        .context("reading suspended subscriptions")?;
        Ok(ids.into_iter().collect())
    }

    /// The guild of a subscription, by its id alone (the shop's API names subscriptions
    /// by id).
    pub async fn subscription_guild(&self, id: i64) -> anyhow::Result<Option<GuildId>> {
        let guild = sqlx::query_scalar!("SELECT guild_id FROM subscriptions WHERE id = $1", id)
            .fetch_optional(&self.pool)
            .await
            .context("reading a subscription's guild")?;
        Ok(guild.map(|g| GuildId(g as u64)))
    }
}
