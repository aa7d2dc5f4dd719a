//! The role queue (`member_roles`) checked against Discord: which holders are due to have
//! their roles read, claimed by one verifier at a time, and what a read found, written back
//! as role changes for the dispatcher to send.
//!
//! A holder's claim is a transaction-scoped advisory lock
//! (`hashtextextended('member-verify:<g>:<u>', 0)`) held by a transaction left open while
//! the holders are read, as the role dispatcher's claims are: replicas never read one
//! holder at once, no row is locked, and a verifier that dies gives its holders back when
//! its connection closes.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{guild_param, user_param, Store};
use crate::domain::{
    drift::{DriftCheck, QueuedRole, Repair},
    records::{GuildId, UserId},
};

/// Holders claimed by one verifier (see [`Store::claim_due_role_checks`]).
pub struct CheckClaim {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    members: Vec<(GuildId, UserId)>,
}

impl CheckClaim {
    /// The claimed holders, least recently verified first.
    pub fn members(&self) -> &[(GuildId, UserId)] {
        &self.members
    }

    /// Tells the server the claimer is still at work (the lease counts idle time).
    pub async fn keep_alive(&mut self) -> anyhow::Result<()> {
        sqlx::query!("SELECT 1 AS one")
            .fetch_one(&mut *self.tx)
            .await
            .context("keeping a role check claim")?;
        Ok(())
    }

    /// Ends the claim: a holder whose check was not recorded is due again.
    pub async fn release(self) -> anyhow::Result<()> {
        self.tx.commit().await.context("ending a role check claim")
    }
}

/// A member's linked roles, as the queue and the guild's links say.
#[derive(Debug, Clone, Default)]
pub struct MemberRoleView {
    /// The guild's linked roles, halted ones aside (licensebot leaves those alone).
    pub linked: Vec<u64>,
    /// The member's rows of the queue.
    pub queued: Vec<QueuedRole>,
}

/// What a recorded check queued.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RepairsQueued {
    pub given_back: u64,
    pub taken_away: u64,
}

impl Store {
    /// Claims up to `limit` holders due for a check: members with a linked role licensebot
    /// wants and Discord has (as far as licensebot knows) that was last verified before
    /// `due_before`, or never; least recently verified first. A holder another verifier
    /// holds is skipped. `lease` ends a claim left idle that long.
    pub async fn claim_due_role_checks(
        &self,
        due_before: DateTime<Utc>,
        lease: std::time::Duration,
        limit: i64,
    ) -> anyhow::Result<CheckClaim> {
        let mut tx = self.begin_claim(lease, "claiming role checks").await?;
        let rows = sqlx::query!(
            r#"WITH due AS MATERIALIZED (
                   SELECT m.guild_id, m.user_id,
                          min(coalesce(m.verified_at, '-infinity')) AS oldest
                   FROM member_roles m
                   WHERE m.wanted AND m.applied
                     AND (m.verified_at IS NULL OR m.verified_at < $1)
                     AND NOT EXISTS (SELECT 1 FROM license_role_halts h
                                     WHERE h.guild_id = m.guild_id AND h.role_id = m.role_id)
                   GROUP BY m.guild_id, m.user_id
                   ORDER BY oldest, m.guild_id, m.user_id
                   LIMIT $2::bigint * 4)
               SELECT guild_id, user_id FROM due
               WHERE pg_try_advisory_xact_lock(hashtextextended(
                         'member-verify:' || guild_id || ':' || user_id, 0))
               LIMIT $2"#,
            due_before,
            limit
        )
        .fetch_all(&mut *tx)
        .await
        .context("claiming role checks")?;
        let members = rows
            .into_iter()
            .map(|r| (GuildId(r.guild_id as u64), UserId(r.user_id as u64)))
            .collect();
        Ok(CheckClaim { tx, members })
    }

    /// The member's linked roles: the guild's links (halted roles aside) and the member's
    /// rows of the queue.
    pub async fn member_role_view(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> anyhow::Result<MemberRoleView> {
        let linked = sqlx::query_scalar!(
            r#"SELECT DISTINCT r.role_id FROM license_roles r
               WHERE r.guild_id = $1
                 AND NOT EXISTS (SELECT 1 FROM license_role_halts h
                                 WHERE h.guild_id = r.guild_id AND h.role_id = r.role_id)"#,
            guild_param(guild)
        )
        .fetch_all(&self.pool)
        .await
        .context("reading a guild's linked roles")?;
        if linked.is_empty() {
            return Ok(MemberRoleView::default());
        }
        let queued = sqlx::query!(
            r#"SELECT role_id, wanted, applied FROM member_roles
               WHERE guild_id = $1 AND user_id = $2"#,
            guild_param(guild),
            user_param(user)
        )
        .fetch_all(&self.pool)
        .await
        .context("reading a member's roles")?;
        Ok(MemberRoleView {
            linked: linked.into_iter().map(|r| r as u64).collect(),
            queued: queued
                .into_iter()
                .map(|r| QueuedRole {
                    role: r.role_id as u64,
                    wanted: r.wanted,
                    applied: r.applied,
                })
                .collect(),
        })
    }

    /// Records what a look at the member's roles at Discord found, in one transaction: the
    /// confirmed roles are verified now, and each repair is queued for the dispatcher.
    ///
    /// Each write is guarded by the row as it stands when written, so a check read before
    /// an assignment or unassignment committed never undoes it: a role is given back only
    /// while it is still wanted and thought applied, and taken away only while it is not
    /// wanted and no change is pending. The direction of a change always follows what
    /// licensebot wants now; at worst a stale read costs one idempotent request.
    pub async fn record_role_check(
        &self,
        guild: GuildId,
        user: UserId,
        check: &DriftCheck,
        now: DateTime<Utc>,
    ) -> anyhow::Result<RepairsQueued> {
        let (g, u) = (guild_param(guild), user_param(user));
        let confirmed: Vec<i64> = check.confirmed.iter().map(|r| *r as i64).collect();
        let (mut back, mut away) = (Vec::new(), Vec::new());
        for repair in &check.repairs {
            match repair {
                Repair::GiveBack(role) => back.push(*role as i64),
                Repair::TakeAway(role) => away.push(*role as i64),
            }
        }
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        // The member's rows in the store's lock order first, as a sync does, so that the
        // writes below never deadlock with one.
        sqlx::query!(
            r#"SELECT role_id FROM member_roles WHERE guild_id = $1 AND user_id = $2
               ORDER BY role_id FOR UPDATE"#,
            g,
            u
        )
        .fetch_all(&mut *tx)
        .await
        .context("locking a member's roles")?;
        sqlx::query!(
            r#"UPDATE member_roles SET verified_at = $4
               WHERE guild_id = $1 AND user_id = $2 AND role_id = ANY($3)
                 AND wanted AND applied"#,
            g,
            u,
            &confirmed,
            now
        )
        .execute(&mut *tx)
        .await
        .context("recording verified roles")?;
        let given_back = sqlx::query!(
            r#"UPDATE member_roles
               SET applied = false, changed_at = $4, next_attempt_at = $4, attempts = 0,
                   last_error = NULL, verified_at = NULL
               WHERE guild_id = $1 AND user_id = $2 AND role_id = ANY($3)
                 AND wanted AND applied"#,
            g,
            u,
            &back,
            now
        )
        .execute(&mut *tx)
        .await
        .context("queueing roles to give back")?
        .rows_affected();
        let taken_away = sqlx::query!(
            r#"INSERT INTO member_roles AS m (guild_id, user_id, role_id, wanted, applied,
                                              changed_at, next_attempt_at)
               SELECT $1, $2, role_id, false, true, $4, $4 FROM UNNEST($3::bigint[]) AS role_id
               ORDER BY role_id
               ON CONFLICT (guild_id, user_id, role_id) DO UPDATE
                   SET applied = true, changed_at = $4, next_attempt_at = $4, attempts = 0,
                       last_error = NULL
                   WHERE NOT m.wanted AND NOT m.applied"#,
            g,
            u,
            &away,
            now
        )
        .execute(&mut *tx)
        .await
        .context("queueing roles to take away")?
        .rows_affected();
        tx.commit().await.context("committing a role check")?;
        Ok(RepairsQueued {
            given_back,
            taken_away,
        })
    }
}
