//! The notice outbox as the dispatcher sees it: claim what is due, then record what Discord
//! said about each notice and end the claim. The retry policy lives here; sending lives in
//! `discord::outbox`.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use super::{settings::NOTICE_WAITS_FOR_A_CHANNEL, App};
use crate::{
    domain::{
        records::{GuildId, GuildSettings},
        NoticeState,
    },
    store::{NoticeClaim, NoticeOutcome, PendingNotice, WAITING_FOR_A_CHANNEL},
};

/// What the dispatcher made of one claimed notice.
#[derive(Debug, Clone)]
pub enum Delivered {
    /// Discord accepted it.
    Sent { channel: u64, message: u64 },
    /// The guild has had no notice channel for [`NOTICE_WAITS_FOR_A_CHANNEL`] since the notice
    /// was written: it is dropped.
    Dropped(String),
    /// The guild has no notice channel yet: the notice waits for one, at most until then
    /// (setting a channel makes it due at once).
    WaitingForChannel(DateTime<Utc>),
    /// Discord will never accept it (or it cannot be read): it is marked failed.
    Failed(String),
    /// Discord asked to wait this long.
    RateLimited(Duration),
    /// A network error or a 5xx: tried again with exponential backoff
    /// (`notices.retry_base_seconds` doubling up to `notices.retry_max_seconds`), until
    /// `notices.max_attempts`.
    DeliveryFailed(String),
}

/// What happens next to a notice whose delivery failed for a passing reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextAttempt {
    /// Tried again after this long.
    RetryIn(Duration),
    /// Too many attempts: the notice is marked failed.
    GaveUp,
}

/// Notices claimed by this dispatcher: no other dispatcher sees them until the claim is
/// finished, or until this process dies (its database connection closes and the claim is
/// rolled back at once). Send them, then [`OutboxClaim::finish`] with what became of each.
pub struct OutboxClaim {
    app: App,
    claim: NoticeClaim,
    /// After this, no new send is started: the claim must end well within the lease.
    send_until: Instant,
}

impl OutboxClaim {
    /// The claimed notices, oldest first.
    pub fn notices(&self) -> &[PendingNotice] {
        self.claim.notices()
    }

    /// The moment after which no new send should start, so that the claim ends well before
    /// `notices.lease_seconds` (after which the server would end it for a claimer that
    /// hangs).
    pub fn send_until(&self) -> Instant {
        self.send_until
    }

    /// Records what became of each notice tried (by id), and ends the claim. A claimed
    /// notice not tried is due again at once.
    pub async fn finish(self, delivered: &[(i64, Delivered)]) -> anyhow::Result<()> {
        let now = self.app.clock.now();
        let attempts: HashMap<i64, i32> = self
            .claim
            .notices()
            .iter()
            .map(|n| (n.id, n.attempts))
            .collect();
        let outcomes: Vec<(i64, NoticeOutcome)> = delivered
            .iter()
            .map(|(id, d)| {
                let tried = attempts.get(id).copied().unwrap_or(1);
                (*id, self.app.notice_outcome(d, tried, now))
            })
            .collect();
        self.claim.finish(&outcomes, now).await
    }
}

impl App {
    /// Claims up to `limit` due notices for this dispatcher (see [`OutboxClaim`]).
    pub async fn claim_due_notices(&self, limit: i64) -> anyhow::Result<OutboxClaim> {
        let lease = Duration::from_secs(self.settings.notices.lease_seconds);
        let claim = self
            .store
            .claim_due_notices(self.clock.now(), lease, limit)
            .await?;
        Ok(OutboxClaim {
            app: self.clone(),
            claim,
            send_until: Instant::now() + lease / 2,
        })
    }

    /// What becomes of a notice, written at `created_at`, for a guild with no notice channel:
    /// it waits for one, and is dropped once it has waited [`NOTICE_WAITS_FOR_A_CHANNEL`].
    pub fn without_notice_channel(&self, created_at: DateTime<Utc>) -> Delivered {
        let until = created_at + NOTICE_WAITS_FOR_A_CHANNEL;
        if self.clock.now() >= until {
            Delivered::Dropped("no notice channel was set within 7 days".into())
        } else {
            Delivered::WaitingForChannel(until)
        }
    }

    /// Where each guild's notices go, and in which language.
    pub async fn notice_settings(
        &self,
        guilds: &[GuildId],
    ) -> anyhow::Result<HashMap<GuildId, GuildSettings>> {
        self.store.guild_settings_of(guilds).await
    }

    /// The row change for a notice tried `attempts` times (this one included).
    fn notice_outcome(
        &self,
        delivered: &Delivered,
        attempts: i32,
        now: DateTime<Utc>,
    ) -> NoticeOutcome {
        let retry_in = |wait: Duration, error: &str| NoticeOutcome::RetryAt {
            at: now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1)),
            error: error.to_string(),
        };
        let give_up = |state, error: &str| NoticeOutcome::GaveUp {
            state,
            error: error.to_string(),
        };
        match delivered {
            Delivered::Sent { channel, message } => NoticeOutcome::Sent {
                channel: *channel,
                message: *message,
            },
            Delivered::Dropped(reason) => give_up(NoticeState::Dropped, reason),
            Delivered::WaitingForChannel(until) => NoticeOutcome::RetryAt {
                at: *until,
                error: WAITING_FOR_A_CHANNEL.to_string(),
            },
            Delivered::Failed(reason) => give_up(NoticeState::Failed, reason),
            Delivered::RateLimited(wait) => retry_in(*wait, "rate limited"),
            Delivered::DeliveryFailed(reason) => match self.next_notice_attempt(attempts) {
                NextAttempt::GaveUp => give_up(NoticeState::Failed, reason),
                NextAttempt::RetryIn(wait) => retry_in(wait, reason),
            },
        }
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
