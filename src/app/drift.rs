//! Drift repaired from Discord's own state: which holders are due to have their roles read
//! (on start, then every `roles.verify_hours`), and what a member's roles at Discord call
//! for, whether the verifier read them or a member update brought them. Reading Discord
//! lives in `discord::verify`; a member who left is [`App::release_departed_member`].

use chrono::{DateTime, Utc};

use super::App;
use crate::{
    domain::{
        drift::{check_drift, DriftCheck},
        records::{GuildId, UserId},
    },
    store::{CheckClaim, RepairsQueued},
};

impl App {
    /// Claims up to `limit` holders due for a check: never verified, verified more than
    /// `roles.verify_hours` ago, or verified before `started_at` (this process's start:
    /// every holder is read once on start). Each holder is claimed by one verifier at a
    /// time, across replicas, until the claim is released or this process dies.
    pub async fn claim_due_role_checks(
        &self,
        started_at: DateTime<Utc>,
        limit: i64,
    ) -> anyhow::Result<CheckClaim> {
        let due_before = (self.clock.now() - self.settings.roles.verify_every()).max(started_at);
        let lease = std::time::Duration::from_secs(self.settings.notices.lease_seconds);
        self.store
            .claim_due_role_checks(due_before, lease, limit)
            .await
    }

    /// The member's roles at Discord are `at_discord` (read by the verifier, or told by a
    /// member update): a linked role taken from a holder by hand is queued to be given
    /// back, a linked role the member carries without licensebot wanting it is queued to be
    /// taken away, and the rest is verified now. Returns what was queued.
    pub async fn member_roles_seen(
        &self,
        guild: GuildId,
        member: UserId,
        at_discord: &[u64],
    ) -> anyhow::Result<RepairsQueued> {
        let view = self.store.member_role_view(guild, member).await?;
        let check = check_drift(&view.linked, &view.queued, at_discord);
        if check == DriftCheck::default() {
            return Ok(RepairsQueued::default());
        }
        let queued = self
            .store
            .record_role_check(guild, member, &check, self.clock.now())
            .await?;
        if queued != RepairsQueued::default() {
            tracing::info!(
                guild = guild.0,
                member = member.0,
                given_back = queued.given_back,
                taken_away = queued.taken_away,
                "license roles changed at Discord by hand; repairs queued"
            );
        }
        Ok(queued)
    }

    /// Discord would not say what roles the member has (a refusal that is not about the
    /// member: the bot left the server, lost access…): the holder is counted as checked,
    /// so that they are read again only when next due, not over and over.
    pub async fn member_check_refused(&self, guild: GuildId, member: UserId) -> anyhow::Result<()> {
        let view = self.store.member_role_view(guild, member).await?;
        let check = DriftCheck {
            repairs: Vec::new(),
            confirmed: view
                .queued
                .iter()
                .filter(|q| q.wanted && q.applied)
                .map(|q| q.role)
                .collect(),
        };
        self.store
            .record_role_check(guild, member, &check, self.clock.now())
            .await?;
        Ok(())
    }
}
