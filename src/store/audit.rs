//! Refused key attempts (the audit trail) and the lockout they feed.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{
    guild_param,
    notices::{enqueue, NewNotice},
    parse_column, user_param, Store,
};
use crate::domain::{
    records::{GuildId, UserId},
    AttemptCause,
};

/// A refused attempt, for the audit listing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttemptRow {
    pub id: i64,
    pub guild_id: u64,
    pub user_id: u64,
    pub tail: Option<String>,
    pub cause: AttemptCause,
    pub at: DateTime<Utc>,
}

/// How refused attempts turn into a lockout.
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    pub threshold: i64,
    pub window: chrono::Duration,
    pub duration: chrono::Duration,
}

/// Until when this user is locked out of key entry in this guild, if they are now.
pub(super) async fn lockout_end<'c, E>(
    executor: E,
    guild: GuildId,
    user: UserId,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>>
where
    E: sqlx::PgExecutor<'c>,
{
    let until = sqlx::query_scalar!(
        "SELECT locked_until FROM lockouts WHERE guild_id = $1 AND user_id = $2 AND locked_until > $3",
        guild_param(guild),
        user_param(user),
        now
    )
    .fetch_optional(executor)
    .await
    .context("reading a lockout")?;
    Ok(until)
}

impl Store {
    /// Until when this user is locked out of key entry in this guild, if they are now.
    pub async fn locked_until(
        &self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        lockout_end(&self.pool, guild, user, now).await
    }

    /// Records refused attempts and, when they reach the threshold within the window,
    /// locks the user out and enqueues `notice` (built for that lock) in the same
    /// transaction. Returns the lock's end when this call started a lockout.
    pub async fn record_refusals(
        &self,
        guild: GuildId,
        user: UserId,
        refusals: &[(Option<String>, AttemptCause)],
        now: DateTime<Utc>,
        policy: LockoutPolicy,
        notice: impl FnOnce(DateTime<Utc>) -> NewNotice,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        // Serialise a user's attempts in a guild so that two at once cannot both skip the lock.
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('lockout:' || $1::text || ':' || $2::text, 0))",
            guild_param(guild).to_string(),
            user_param(user).to_string()
        )
        .execute(&mut *tx)
        .await
        .context("locking a user's attempts")?;
        for (tail, cause) in refusals {
            sqlx::query!(
                "INSERT INTO key_attempts (guild_id, user_id, tail, cause, at) VALUES ($1, $2, $3, $4, $5)",
                guild_param(guild),
                user_param(user),
                tail.as_deref(),
                cause.as_str(),
                now
            )
            .execute(&mut *tx)
            .await
            .context("recording a refused attempt")?;
        }
        let since = now - policy.window;
        let recent = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM key_attempts
               WHERE guild_id = $1 AND user_id = $2 AND at > $3"#,
            guild_param(guild),
            user_param(user),
            since
        )
        .fetch_one(&mut *tx)
        .await
        .context("counting refused attempts")?;
        let mut started = None;
        if recent >= policy.threshold {
            let until = now + policy.duration;
            let locked = sqlx::query!(
                r#"INSERT INTO lockouts (guild_id, user_id, locked_until, created_at)
                   VALUES ($1, $2, $3, $4)
                   ON CONFLICT (guild_id, user_id) DO UPDATE
                       SET locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at
                       WHERE lockouts.locked_until <= $4"#,
                guild_param(guild),
                user_param(user),
                until,
                now
            )
            .execute(&mut *tx)
            .await
            .context("locking a user out")?;
            if locked.rows_affected() == 1 {
                enqueue(&mut *tx, &notice(until)).await?;
                started = Some(until);
            }
        }
        tx.commit().await.context("committing refused attempts")?;
        Ok(started)
    }

    pub async fn list_attempts(&self, guild: Option<GuildId>) -> anyhow::Result<Vec<AttemptRow>> {
        let rows = sqlx::query!(
            r#"SELECT id, guild_id, user_id, tail, cause, at FROM key_attempts
               WHERE ($1::bigint IS NULL OR guild_id = $1) ORDER BY at DESC, id DESC"#,
            guild.map(guild_param)
        )
        .fetch_all(&self.pool)
        .await
        .context("listing refused attempts")?;
        rows.into_iter()
            .map(|r| {
                Ok(AttemptRow {
                    id: r.id,
                    guild_id: r.guild_id as u64,
                    user_id: r.user_id as u64,
                    tail: r.tail,
                    cause: parse_column(&r.cause)?,
                    at: r.at,
                })
            })
            .collect()
    }
}
