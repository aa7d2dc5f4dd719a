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

/// What became of an entry's refused keys, in the lockout's eyes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalsRecorded {
    /// All were counted; `lockout` is the lock's end when they started one.
    Counted { lockout: Option<DateTime<Utc>> },
    /// The user is locked out until `until`: by another entry meanwhile, or (`started`) by
    /// this one, which held more refused keys than the policy still allowed.
    LockedOut { until: DateTime<Utc>, started: bool },
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

    /// Checks the lockout and records refused attempts in one step, under a lock on this
    /// user's attempts in this guild, so that entries at once cannot between them count
    /// more than the threshold. The attempts the policy still allows are recorded; when
    /// they reach the threshold the user is locked out and `notice` (built for that lock)
    /// is enqueued, in the same transaction. An entry with more refused keys than the
    /// budget left is not recorded past it and is told [`RefusalsRecorded::LockedOut`]:
    /// its keys must not be answered one by one.
    pub async fn record_refusals(
        &self,
        guild: GuildId,
        user: UserId,
        refusals: &[(Option<String>, AttemptCause)],
        now: DateTime<Utc>,
        policy: LockoutPolicy,
        notice: impl FnOnce(DateTime<Utc>) -> NewNotice,
    ) -> anyhow::Result<RefusalsRecorded> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        // Serialise a user's attempts in a guild: the lockout is read, the budget counted
        // and the attempts recorded by one entry at a time.
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('lockout:' || $1::text || ':' || $2::text, 0))",
            guild_param(guild).to_string(),
            user_param(user).to_string()
        )
        .execute(&mut *tx)
        .await
        .context("locking a user's attempts")?;
        if let Some(until) = lockout_end(&mut *tx, guild, user, now).await? {
            // Another entry locked the user out while this one was being judged.
            tx.rollback().await.context("ending a transaction")?;
            return Ok(RefusalsRecorded::LockedOut {
                until,
                started: false,
            });
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
        let budget = usize::try_from(policy.threshold.saturating_sub(recent)).unwrap_or(0);
        let over_budget = refusals.len() > budget;
        for (tail, cause) in refusals.iter().take(budget) {
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
        let counted = recent + refusals.len().min(budget) as i64;
        let until = now + policy.duration;
        let mut started = None;
        if over_budget || counted >= policy.threshold {
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
        Ok(if over_budget {
            RefusalsRecorded::LockedOut {
                until,
                started: started.is_some(),
            }
        } else {
            RefusalsRecorded::Counted { lockout: started }
        })
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
