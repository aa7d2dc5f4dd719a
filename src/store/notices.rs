//! The notice outbox: notices are written in the transaction of what caused them, then
//! claimed, sent and marked by a dispatcher. A claim holds the notices' row locks in a
//! transaction kept open while they are sent, so other dispatchers skip them; when the
//! claimer dies, its connection closes, PostgreSQL rolls the claim back and the notices are
//! due again at once. A notice sent just before such a death is sent again with the same
//! nonce, and Discord dedupes the resend.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{guild_param, parse_column, Store};
use crate::domain::{records::GuildId, NoticeKind, NoticeState};

#[derive(Debug, Clone)]
pub struct NewNotice {
    pub guild: GuildId,
    /// What the notice is about; a second notice with the same key is ignored.
    pub dedupe_key: String,
    pub kind: NoticeKind,
    /// Message id and arguments, rendered in the guild's locale when sent. Never a key.
    pub body: serde_json::Value,
}

#[derive(Debug, Clone)]
pub struct PendingNotice {
    pub id: i64,
    pub guild: GuildId,
    pub kind: NoticeKind,
    pub body: serde_json::Value,
    pub nonce: String,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
}

/// The outbox at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoticeBacklog {
    pub depth: i64,
    /// 0 when nothing waits.
    pub oldest_age_seconds: f64,
}

/// A notice as listed for tests and operators.
#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub id: i64,
    pub guild: GuildId,
    pub dedupe_key: String,
    pub kind: NoticeKind,
    pub state: NoticeState,
    pub attempts: i32,
    pub message_id: Option<u64>,
    pub body: serde_json::Value,
}

/// The `last_error` of a notice waiting for its guild to set a notice channel.
pub const WAITING_FOR_A_CHANNEL: &str = "waiting for a notice channel";

/// Makes the guild's pending notices due at `now` (a notice channel was just set), those
/// that wait for a channel above all. Every pending one is matched, not only those marked
/// waiting: a notice a dispatcher holds right now is still unmarked in this statement's
/// snapshot, and only a row that matches the snapshot is waited for and looked at again
/// once the dispatcher has marked it.
pub(super) async fn wake_waiting_notices<'c, E>(
    executor: E,
    guild: GuildId,
    now: DateTime<Utc>,
) -> anyhow::Result<u64>
where
    E: sqlx::PgExecutor<'c>,
{
    let done = sqlx::query!(
        r#"UPDATE notices SET next_attempt_at = LEAST(next_attempt_at, $2)
           WHERE guild_id = $1 AND state = 'pending'"#,
        guild_param(guild),
        now
    )
    .execute(executor)
    .await
    .context("waking the notices waiting for a channel")?;
    Ok(done.rows_affected())
}

/// A notice's Discord message nonce: random, at most 25 characters as Discord accepts.
pub(super) fn new_nonce() -> String {
    uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(25)
        .collect()
}

pub(super) async fn enqueue<'c, E>(executor: E, notice: &NewNotice) -> anyhow::Result<bool>
where
    E: sqlx::PgExecutor<'c>,
{
    let nonce = new_nonce();
    let done = sqlx::query!(
        r#"INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (dedupe_key) DO NOTHING"#,
        guild_param(notice.guild),
        notice.dedupe_key,
        notice.kind.as_str(),
        notice.body,
        nonce
    )
    .execute(executor)
    .await
    .context("enqueueing a notice")?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    /// Claims up to `limit` due notices: locks their rows (`FOR UPDATE SKIP LOCKED`) in a
    /// transaction that stays open while they are sent, so that no other dispatcher sees
    /// them; [`NoticeClaim::finish`] records what became of each and commits. If the claimer
    /// dies, its connection closes and PostgreSQL rolls the claim back at once: the notices
    /// are due again for the others. `lease` is the fallback for a claimer that hangs with
    /// its connection open: the server ends a claim left idle that long.
    pub async fn claim_due_notices(
        &self,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: i64,
    ) -> anyhow::Result<NoticeClaim> {
        let mut tx = self.begin_claim(lease, "claiming notices").await?;
        let rows = sqlx::query!(
            r#"SELECT id, guild_id, kind, body, nonce, attempts + 1 AS "attempts!", created_at
               FROM notices
               WHERE state = 'pending' AND next_attempt_at <= $1
               ORDER BY next_attempt_at, id
               LIMIT $2
               FOR UPDATE SKIP LOCKED"#,
            now,
            limit
        )
        .fetch_all(&mut *tx)
        .await
        .context("claiming notices")?;
        let mut notices = rows
            .into_iter()
            .map(|r| {
                Ok(PendingNotice {
                    id: r.id,
                    guild: GuildId(r.guild_id as u64),
                    kind: parse_column(&r.kind)?,
                    body: r.body,
                    nonce: r.nonce,
                    attempts: r.attempts,
                    created_at: r.created_at,
                })
            })
            .collect::<anyhow::Result<Vec<PendingNotice>>>()?;
        notices.sort_by_key(|n| n.id);
        Ok(NoticeClaim { tx, notices })
    }

    pub async fn list_notices(&self, guild: Option<GuildId>) -> anyhow::Result<Vec<NoticeRow>> {
        let rows = sqlx::query!(
            r#"SELECT id, guild_id, dedupe_key, kind, state, attempts, message_id, body
               FROM notices WHERE ($1::bigint IS NULL OR guild_id = $1) ORDER BY id"#,
            guild.map(guild_param)
        )
        .fetch_all(&self.pool)
        .await
        .context("listing notices")?;
        rows.into_iter()
            .map(|r| {
                Ok(NoticeRow {
                    id: r.id,
                    guild: GuildId(r.guild_id as u64),
                    dedupe_key: r.dedupe_key,
                    kind: parse_column(&r.kind)?,
                    state: parse_column(&r.state)?,
                    attempts: r.attempts,
                    message_id: r.message_id.map(|m| m as u64),
                    body: r.body,
                })
            })
            .collect()
    }

    /// A guild's notices for its notice channel still waiting to be sent (direct messages
    /// aside), and when the oldest of them was written.
    pub async fn waiting_notices(
        &self,
        guild: GuildId,
    ) -> anyhow::Result<(i64, Option<DateTime<Utc>>)> {
        let row = sqlx::query!(
            r#"SELECT count(*) AS "count!", min(created_at) AS oldest
               FROM notices
               WHERE guild_id = $1 AND state = 'pending' AND dedupe_key NOT LIKE 'license-dm:%'"#,
            guild_param(guild)
        )
        .fetch_one(&self.pool)
        .await
        .context("counting a guild's waiting notices")?;
        Ok((row.count, row.oldest))
    }

    /// How many notices wait for delivery, and how long the oldest has waited.
    pub async fn notice_backlog(&self, now: DateTime<Utc>) -> anyhow::Result<NoticeBacklog> {
        let row = sqlx::query!(
            r#"SELECT count(*) AS "depth!", min(created_at) AS oldest
               FROM notices WHERE state = 'pending'"#
        )
        .fetch_one(&self.pool)
        .await
        .context("measuring the notice backlog")?;
        let oldest_age_seconds = row
            .oldest
            .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
            .unwrap_or(0.0);
        Ok(NoticeBacklog {
            depth: row.depth,
            oldest_age_seconds,
        })
    }
}

/// What became of one claimed notice.
#[derive(Debug, Clone)]
pub enum NoticeOutcome {
    /// Discord accepted it: (channel id, message id).
    Sent { channel: u64, message: u64 },
    /// Not sent this time: tried again at `at`.
    RetryAt { at: DateTime<Utc>, error: String },
    /// Given up: `Failed` (Discord refused it for good) or `Dropped` (no notice channel was
    /// set within 7 days).
    GaveUp { state: NoticeState, error: String },
}

/// Notices claimed by one dispatcher: their rows stay locked by an open transaction until
/// [`NoticeClaim::finish`] (or until the connection is gone, when PostgreSQL rolls the
/// claim back and they are due again for every dispatcher).
pub struct NoticeClaim {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    notices: Vec<PendingNotice>,
}

impl NoticeClaim {
    /// The claimed notices, oldest first. Each one's `attempts` counts this attempt.
    pub fn notices(&self) -> &[PendingNotice] {
        &self.notices
    }

    /// Records each tried notice's outcome, counted as an attempt, and ends the claim. A
    /// claimed notice with no outcome (not tried) is left as it was: due at once.
    pub async fn finish(
        mut self,
        outcomes: &[(i64, NoticeOutcome)],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut sent = Vec::new();
        for (id, outcome) in outcomes {
            match outcome {
                NoticeOutcome::Sent { channel, message } => sent.push((*id, *channel, *message)),
                NoticeOutcome::RetryAt { at, error } => {
                    retry_notice_at(&mut self.tx, *id, *at, error).await?
                }
                NoticeOutcome::GaveUp { state, error } => {
                    give_up_notice(&mut self.tx, *id, *state, error).await?
                }
            }
        }
        mark_notices_sent(&mut self.tx, &sent, now).await?;
        self.tx.commit().await.context("ending a notice claim")
    }
}

/// Marks notices sent, in one statement: `(notice id, channel id, message id)`.
async fn mark_notices_sent(
    conn: &mut sqlx::PgConnection,
    sent: &[(i64, u64, u64)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if sent.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = sent.iter().map(|s| s.0).collect();
    let channels: Vec<i64> = sent.iter().map(|s| s.1 as i64).collect();
    let messages: Vec<i64> = sent.iter().map(|s| s.2 as i64).collect();
    sqlx::query!(
        r#"UPDATE notices n SET state = 'sent', channel_id = s.channel_id,
               message_id = s.message_id, sent_at = $4, last_error = NULL,
               attempts = n.attempts + 1
           FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[])
                AS s(id, channel_id, message_id)
           WHERE n.id = s.id"#,
        &ids,
        &channels,
        &messages,
        now
    )
    .execute(conn)
    .await
    .context("marking notices sent")?;
    Ok(())
}

/// Tries again at `next_at`.
async fn retry_notice_at(
    conn: &mut sqlx::PgConnection,
    id: i64,
    next_at: DateTime<Utc>,
    error: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE notices SET next_attempt_at = $2, last_error = $3, attempts = attempts + 1
         WHERE id = $1 AND state = 'pending'",
        id,
        next_at,
        error
    )
    .execute(conn)
    .await
    .context("rescheduling a notice")?;
    Ok(())
}

/// Gives up on a notice: `Failed` or `Dropped`.
async fn give_up_notice(
    conn: &mut sqlx::PgConnection,
    id: i64,
    state: NoticeState,
    error: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        matches!(state, NoticeState::Failed | NoticeState::Dropped),
        "a notice is given up as failed or dropped, not {state}"
    );
    sqlx::query!(
        "UPDATE notices SET state = $2, last_error = $3, attempts = attempts + 1
         WHERE id = $1 AND state = 'pending'",
        id,
        state.as_str(),
        error
    )
    .execute(conn)
    .await
    .context("giving up on a notice")?;
    Ok(())
}
