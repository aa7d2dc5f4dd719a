//! The queue of role changes as the role dispatcher sees it: claim what is due, then record
//! what Discord said about each change. The retry policy lives here; sending lives in
//! `discord::roles`.

use std::time::Duration;

use super::App;
use crate::{
    domain::{NoticeBody, NoticeKind, RoleLinkRefusal},
    store::{NewNotice, RoleChange, RoleClaim},
};

impl App {
    /// Claims up to `limit` due role changes until the claim is released or this process
    /// dies; a claim left idle for `notices.lease_seconds` is ended by the server (role
    /// changes share the notice outbox's retry settings).
    pub async fn claim_due_role_changes(&self, limit: i64) -> anyhow::Result<RoleClaim> {
        let lease = Duration::from_secs(self.settings.notices.lease_seconds);
        self.store
            .claim_due_role_changes(self.clock.now(), lease, limit)
            .await
    }

    /// Discord accepted the change: the member now has (or has not) the role.
    pub async fn role_change_done(&self, change: &RoleChange) -> anyhow::Result<()> {
        self.store
            .role_change_applied(change, change.wanted, self.clock.now())
            .await
    }

    /// Discord asked to wait: tried again after `wait`.
    pub async fn role_change_rate_limited(
        &self,
        change: &RoleChange,
        wait: Duration,
    ) -> anyhow::Result<()> {
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(1));
        self.store
            .retry_role_change_at(change, self.clock.now() + wait, "rate limited")
            .await
    }

    /// A network error or a 5xx: tried again with exponential backoff
    /// (`notices.retry_base_seconds` doubling up to `notices.retry_max_seconds`), for as
    /// long as it takes: a role change is never dropped. Returns the wait.
    pub async fn role_change_failed(
        &self,
        change: &RoleChange,
        reason: &str,
    ) -> anyhow::Result<Duration> {
        let s = &self.settings.notices;
        let exp = s
            .retry_base_seconds
            .saturating_mul(1u64 << change.attempts.clamp(0, 20));
        let wait = Duration::from_secs(exp.min(s.retry_max_seconds).max(1));
        let at = self.clock.now() + chrono::Duration::seconds(wait.as_secs() as i64);
        self.store.retry_role_change_at(change, at, reason).await?;
        Ok(wait)
    }

    /// Discord refused to change the role for good (Missing Permissions, an unknown role):
    /// licensebot stops touching that role in the guild until it is linked again, and the
    /// notice channel is told once. Returns whether this refusal halted the role.
    pub async fn role_change_refused(
        &self,
        change: &RoleChange,
        error: &str,
    ) -> anyhow::Result<bool> {
        let now = self.clock.now();
        let notice = NewNotice {
            guild: change.guild,
            dedupe_key: format!(
                "role-refused:{}:{}:{}",
                change.guild.0,
                change.role,
                now.timestamp_micros()
            ),
            kind: NoticeKind::License,
            body: NoticeBody::RoleRefused {
                role: change.role,
                error: error.to_string(),
            }
            .to_json(),
        };
        self.store.halt_role(change, error, now, notice).await
    }

    /// A linked role about to be given turned out to give power over the server, or to be
    /// the manager role (`why`): licensebot stops giving it until it is linked again (after
    /// the link's own check), and the notice channel is told once. Returns whether this
    /// call halted the role.
    pub async fn role_change_halted(
        &self,
        change: &RoleChange,
        why: RoleLinkRefusal,
    ) -> anyhow::Result<bool> {
        let now = self.clock.now();
        let (powers, manager_role) = match why {
            RoleLinkRefusal::Powerful(powers) => (powers.list(), false),
            RoleLinkRefusal::ManagerRole => (Vec::new(), true),
            other => anyhow::bail!("not a reason to halt a role: {other:?}"),
        };
        let error = if manager_role {
            "the role is the server's manager role".to_string()
        } else {
            let names: Vec<&str> = powers.iter().map(|p| p.as_str()).collect();
            format!("the role gives power over the server: {}", names.join(", "))
        };
        let notice = NewNotice {
            guild: change.guild,
            dedupe_key: format!(
                "role-halted:{}:{}:{}",
                change.guild.0,
                change.role,
                now.timestamp_micros()
            ),
            kind: NoticeKind::License,
            body: NoticeBody::RoleHalted {
                role: change.role,
                powers,
                manager_role,
            }
            .to_json(),
        };
        self.store.halt_role(change, &error, now, notice).await
    }

    /// Discord no longer knows the member: their licenses are released (see
    /// [`App::release_departed_member`]), which also settles this change.
    pub async fn role_change_member_gone(
        &self,
        change: &RoleChange,
    ) -> anyhow::Result<Vec<String>> {
        self.release_departed_member(change.guild, change.user)
            .await
    }

    /// How many role changes wait to be sent (halted roles aside), for `/metrics` and tests.
    pub async fn pending_role_changes(&self) -> anyhow::Result<i64> {
        self.store.pending_role_changes().await
    }
}
