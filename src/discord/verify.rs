//! Drift repaired from Discord's own state. The verifier reads each holder's roles at
//! Discord (`GET /guilds/{g}/members/{u}`) on start and then at least every
//! `roles.verify_hours`, and queues what they call for (`App::member_roles_seen`): a linked
//! role taken away by hand is given back, a linked role licensebot does not want the member
//! to have is taken away; a member Discord no longer knows (10007) is released
//! (`App::release_departed_member`). With the GUILD_MEMBERS intent the gateway's member
//! updates and leaves go the same way as they come ([`Repairs`]).
//!
//! Pacing: each process reads at most `roles.verify_per_second` members a second (default
//! 5, a tenth of Discord's global 50 a second, which the role dispatcher, notices and
//! interactions share), so 10,000 holders take 2,000 s, about 33 minutes, per pass; with
//! several replicas the holders are shared out (each is claimed by one verifier at a time)
//! and the pass is shorter, at that pace per replica. A 429 pauses the verifier for its
//! `retry_after`; a 5xx or a network error for half a minute.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use tokio::{sync::Notify, time::MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::{
    roles::{RoleError, RoleSender},
    Bot,
};
use crate::{
    app::{App, RepairsQueued},
    domain::records::{GuildId, UserId},
    metrics::Metrics,
    telemetry::error_chain,
};

/// Holders claimed in one pass.
const BATCH: i64 = 10;

/// How long the verifier pauses after a 5xx or a network error.
const TRANSIENT_PAUSE: Duration = Duration::from_secs(30);

/// What the verifier does next.
enum Next {
    /// Holders were read: look for more at once.
    More,
    /// Nothing is due: look again after the poll interval.
    Idle,
    /// Discord asked to wait, or failed: look again after this long.
    Pause(Duration),
}

/// What a look at Discord's state leads to: the app, the metrics, and the dispatchers to
/// wake. Shared by the verifier and the gateway's member events.
#[derive(Clone)]
pub(crate) struct Repairs {
    pub(crate) app: App,
    pub(crate) metrics: Metrics,
    /// Woken when a repair was queued.
    pub(crate) roles: Arc<Notify>,
    /// Woken when a member who left was released (a notice was written).
    pub(crate) outbox: Arc<Notify>,
}

impl Repairs {
    pub(crate) fn of(bot: &Bot) -> Repairs {
        Repairs {
            app: bot.app.clone(),
            metrics: bot.metrics.clone(),
            roles: bot.roles.clone(),
            outbox: bot.outbox.clone(),
        }
    }

    /// The member's roles at Discord are `roles` (read now, or told by a member update):
    /// the repairs they call for are queued and the role dispatcher woken.
    pub(crate) async fn member_seen(&self, guild: GuildId, user: UserId, roles: &[u64]) {
        match self.app.member_roles_seen(guild, user, roles).await {
            Ok(queued) => {
                self.metrics
                    .role_verify_repairs("given_back", queued.given_back);
                self.metrics
                    .role_verify_repairs("taken_away", queued.taken_away);
                if queued != RepairsQueued::default() {
                    self.roles.notify_one();
                }
            }
            Err(e) => {
                tracing::warn!(guild = guild.0, user = user.0, error = %error_chain(&*e),
                    "could not compare a member's roles with the queue");
            }
        }
    }

    /// Discord no longer knows the member (a read said Unknown Member, or they left): their
    /// licenses are released and the notice channel told.
    pub(crate) async fn member_left(&self, guild: GuildId, user: UserId) {
        match self.app.release_departed_member(guild, user).await {
            Ok(released) => {
                if !released.is_empty() {
                    self.metrics
                        .role_verify_repairs("member_gone", released.len() as u64);
                    self.outbox.notify_one();
                }
            }
            Err(e) => {
                tracing::warn!(guild = guild.0, user = user.0, error = %error_chain(&*e),
                    "could not release a member who left");
            }
        }
    }
}

/// The verifier: the repairs, and the client it reads members with.
pub(crate) struct Verifier {
    pub(crate) repairs: Repairs,
    pub(crate) sender: RoleSender,
}

/// Reads due holders until `stop`, paced at `roles.verify_per_second`.
pub(crate) async fn run(verifier: Verifier, stop: CancellationToken) {
    let started_at = verifier.repairs.app.clock.now();
    let per_second = verifier.repairs.app.settings.roles.verify_per_second.max(1);
    let mut pace = tokio::time::interval(Duration::from_secs(1) / per_second);
    pace.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let idle = Duration::from_secs(verifier.repairs.app.settings.notices.poll_seconds.max(1));
    loop {
        let wait = match check_due(&verifier, started_at, &mut pace, &stop).await {
            Ok(Next::More) => continue,
            Ok(Next::Idle) => idle,
            Ok(Next::Pause(wait)) => wait,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "role check pass failed");
                idle
            }
        };
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// One pass: claims due holders and reads each once, at the pace.
async fn check_due(
    v: &Verifier,
    started_at: DateTime<Utc>,
    pace: &mut tokio::time::Interval,
    stop: &CancellationToken,
) -> anyhow::Result<Next> {
    let mut claim = v
        .repairs
        .app
        .claim_due_role_checks(started_at, BATCH)
        .await?;
    if claim.members().is_empty() {
        claim.release().await?;
        return Ok(Next::Idle);
    }
    // As the role dispatcher: read only while the claim surely holds.
    let read_until = tokio::time::Instant::now()
        + Duration::from_secs(v.repairs.app.settings.notices.lease_seconds) / 2;
    let members = claim.members().to_vec();
    let mut next = Next::More;
    for (guild, user) in members {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = pace.tick() => {}
        }
        if tokio::time::Instant::now() >= read_until {
            break;
        }
        if let Err(e) = claim.keep_alive().await {
            tracing::warn!(error = %format!("{e:#}"), "role check claim lost; the rest is due again");
            return Ok(Next::More);
        }
        if let Some(pause) = check_one(v, guild, user).await? {
            next = Next::Pause(pause);
            break;
        }
    }
    if let Err(e) = claim.release().await {
        tracing::debug!(error = %format!("{e:#}"), "ending a role check claim");
    }
    Ok(next)
}

/// Reads one holder's roles and queues what they call for; `Some(wait)` when Discord asked
/// the verifier to pause.
async fn check_one(v: &Verifier, guild: GuildId, user: UserId) -> anyhow::Result<Option<Duration>> {
    match v.sender.member_roles(guild, user).await {
        Ok(roles) => {
            v.repairs.metrics.role_verify_checked();
            v.repairs.member_seen(guild, user, &roles).await;
            Ok(None)
        }
        Err(RoleError::UnknownMember) => {
            v.repairs.metrics.role_verify_checked();
            v.repairs.member_left(guild, user).await;
            Ok(None)
        }
        Err(RoleError::RetryAfter(wait)) => {
            tracing::info!(
                guild = guild.0,
                retry_after_ms = wait.as_millis() as u64,
                "role check rate limited"
            );
            Ok(Some(wait))
        }
        Err(RoleError::Transient(reason)) => {
            tracing::warn!(guild = guild.0, user = user.0, error = %reason, "role check failed; pausing");
            Ok(Some(TRANSIENT_PAUSE))
        }
        Err(RoleError::Refused(reason)) => {
            tracing::warn!(guild = guild.0, user = user.0, error = %reason,
                "Discord refused to show a holder's roles; checking them again when next due");
            v.repairs.app.member_check_refused(guild, user).await?;
            Ok(None)
        }
    }
}
