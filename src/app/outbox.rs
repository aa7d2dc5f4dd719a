//! The notice outbox as the dispatcher sees it: claim what is due, then record what Discord
//! said about each notice. The retry policy lives here; sending lives in `discord::outbox`.

use std::{collections::HashMap, time::Duration};

use super::App;
use crate::{
    domain::{
        records::{GuildId, GuildSettings},
        NoticeState,
    },
    store::PendingNotice,
};

/// A notice Discord accepted: (notice id, channel id, message id).
pub type SentNotice = (i64, u64, u64);

/// What happens next to a notice whose delivery failed for a passing reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextAttempt {
    /// Tried again after this long.
    RetryIn(Duration),
    /// Too many attempts: the notice is marked failed.
    GaveUp,
}

impl App {
    /// Claims up to `limit` due notices; the claim is a lease of `notices.lease_seconds`.
    pub async fn claim_due_notices(&self, limit: i64) -> anyhow::Result<Vec<PendingNotice>> {
        let lease = chrono::Duration::seconds(self.settings.notices.lease_seconds as i64);
        self.store
            .claim_due_notices(self.clock.now(), lease, limit)
            .await
    }

    /// Where each guild's notices go, and in which language.
    pub async fn notice_settings(
        &self,
        guilds: &[GuildId],
    ) -> anyhow::Result<HashMap<GuildId, GuildSettings>> {
        self.store.guild_settings_of(guilds).await
    }

    /// Marks the notices Discord accepted, in one statement.
    pub async fn notices_sent(&self, sent: &[SentNotice]) -> anyhow::Result<()> {
        if sent.is_empty() {
            return Ok(());
        }
        self.store.mark_notices_sent(sent, self.clock.now()).await
    }

    /// The guild has no notice channel: the notice is dropped.
    pub async fn notice_dropped(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        self.store
            .give_up_notice(id, NoticeState::Dropped, reason)
            .await
    }

    /// Discord will never accept this notice (or it cannot be read): it is marked failed.
    pub async fn notice_failed(&self, id: i64, reason: &str) -> anyhow::Result<()> {
        self.store
            .give_up_notice(id, NoticeState::Failed, reason)
            .await
    }

    /// Discord asked to wait: tried again after `wait`.
    pub async fn notice_rate_limited(&self, id: i64, wait: Duration) -> anyhow::Result<()> {
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
        self.store
            .retry_notice_at(id, self.clock.now() + wait, "rate limited")
            .await
    }

    /// A network error or a 5xx: tried again with exponential backoff
    /// (`notices.retry_base_seconds` doubling up to `notices.retry_max_seconds`), until
    /// `notices.max_attempts`.
    pub async fn notice_delivery_failed(
        &self,
        notice: &PendingNotice,
        reason: &str,
    ) -> anyhow::Result<NextAttempt> {
        let next = self.next_notice_attempt(notice.attempts);
        match next {
            NextAttempt::GaveUp => self.notice_failed(notice.id, reason).await?,
            NextAttempt::RetryIn(wait) => {
                let at = self.clock.now() + chrono::Duration::seconds(wait.as_secs() as i64);
                self.store.retry_notice_at(notice.id, at, reason).await?
            }
        }
        Ok(next)
    }

    /// The retry policy for a notice tried `attempts` times.
    pub fn next_notice_attempt(&self, attempts: i32) -> NextAttempt {
        let s = &self.settings.notices;
        if attempts >= s.max_attempts as i32 {
            return NextAttempt::GaveUp;
        }
        let exp = s
            .retry_base_seconds
            .saturating_mul(1u64 << attempts.clamp(0, 20));
        NextAttempt::RetryIn(Duration::from_secs(exp.min(s.retry_max_seconds).max(1)))
    }
}
