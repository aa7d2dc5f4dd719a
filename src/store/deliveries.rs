//! The interactions handled by any replica, so that each is handled once (see
//! `app::deliveries`).

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::Store;

impl Store {
    /// Records interaction `id` as handled at `now`; `false` when some process recorded it
    /// before.
    pub async fn record_delivery(&self, id: u64, now: DateTime<Utc>) -> anyhow::Result<bool> {
        // Discord snowflakes fit in 63 bits until the year 2084.
        let id = id as i64;
        let inserted = sqlx::query!(
            "INSERT INTO handled_interactions (id, handled_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            id,
            now
        )
        .execute(&self.pool)
        .await
        .context("recording a handled interaction")?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Forgets at most `limit` interactions handled before `before`; returns how many.
    /// Replicas pruning at once skip each other's rows instead of waiting on them.
    pub async fn forget_deliveries(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<u64> {
        let deleted = sqlx::query!(
            r#"DELETE FROM handled_interactions WHERE id IN (
                   SELECT id FROM handled_interactions WHERE handled_at < $1
                   ORDER BY handled_at LIMIT $2 FOR UPDATE SKIP LOCKED)"#,
            before,
            limit
        )
        .execute(&self.pool)
        .await
        .context("forgetting old handled interactions")?;
        Ok(deleted.rows_affected())
    }
}
