//! Licenses assigned to members, their history, the roles linked to subscriptions, the
//! queue of role changes (`member_roles`), and members' requests.
//!
//! Lock order, with `orders.rs`: a request row, then subscription rows (by ascending id),
//! then `member_roles` rows (by guild, member, role). Every insert into and delete from
//! `license_assignments` happens under its subscription's row lock, so that a count read
//! under that lock is the truth ("assigned ≤ seats").

use std::collections::HashMap;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    guild_param,
    notices::{enqueue, NewNotice},
    orders::OrderTx,
    parse_column,
    subscriptions::subscription_from_row,
    user_param, Store,
};
use crate::domain::{
    records::{GuildId, Product, Subscription, UserId},
    LicenseReason, RequestState,
};

/// A license held by a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub guild: GuildId,
    pub subscription_id: i64,
    pub user: UserId,
    pub assigned_by: UserId,
    pub assigned_at: DateTime<Utc>,
    /// `Admin` or `Request`.
    pub via: LicenseReason,
}

/// One license from its assignment to its end (if it ended), from the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseSpan {
    pub subscription_id: i64,
    pub subscription: String,
    pub user: UserId,
    pub assigned_by: UserId,
    pub assigned_at: DateTime<Utc>,
    pub assigned_via: LicenseReason,
    /// `None` when licensebot ended it itself, or while it lasts.
    pub unassigned_by: Option<UserId>,
    pub unassigned_at: Option<DateTime<Utc>>,
    pub unassigned_reason: Option<LicenseReason>,
}

/// A member's request for a license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseRequest {
    pub id: Uuid,
    pub guild: GuildId,
    pub subscription_id: i64,
    pub user: UserId,
    pub locale: String,
    pub state: RequestState,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A request closed as expired, with where its message is (if it was posted).
#[derive(Debug, Clone)]
pub struct ExpiredRequest {
    pub request: LicenseRequest,
    pub subscription: String,
    /// The subscription's product's name.
    pub product: String,
    /// (channel id, message id) of the request's message in the notice channel.
    pub message: Option<(u64, u64)>,
}

/// A role change due: give (`wanted`) or take away the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    pub guild: GuildId,
    pub user: UserId,
    pub role: u64,
    pub wanted: bool,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// Role changes claimed by one dispatcher (see [`Store::claim_due_role_changes`]): no
/// other dispatcher sees them until the claim is released, or until this process dies.
/// What Discord said about each is recorded on its own (`role_change_applied`,
/// `retry_role_change_at`, …), never inside the claim, which locks no row.
pub struct RoleClaim {
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    changes: Vec<RoleChange>,
}

impl RoleClaim {
    /// The claimed changes, in the order they fell due. Each one's `attempts` counts this
    /// attempt.
    pub fn changes(&self) -> &[RoleChange] {
        &self.changes
    }

    /// Tells the server the claimer is still at work: the lease counts the claim's idle
    /// time, and sending a batch can take longer than one lease.
    pub async fn keep_alive(&mut self) -> anyhow::Result<()> {
        sqlx::query!("SELECT 1 AS one")
            .fetch_one(&mut *self.tx)
            .await
            .context("keeping a role claim")?;
        Ok(())
    }

    /// Ends the claim: whatever was not recorded as applied is due again.
    pub async fn release(self) -> anyhow::Result<()> {
        self.tx.commit().await.context("ending a role claim")
    }
}

/// The role queue at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleBacklog {
    /// Role changes waiting to be sent (halted roles aside).
    pub pending: i64,
    /// Roles licensebot leaves alone until they are linked again (Discord refused them).
    pub halted: i64,
}

/// A member's linked role as the queue holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRole {
    pub guild: GuildId,
    pub user: UserId,
    pub role: u64,
    pub wanted: bool,
    pub applied: bool,
    pub attempts: i32,
    pub last_error: Option<String>,
}

/// Whose linked roles a sync looks at.
#[derive(Debug, Clone, Copy)]
pub enum RoleScope<'a> {
    /// These members of the guild.
    Members(GuildId, &'a [UserId]),
    /// Every holder of the subscription, and every member of the guild licensebot gave,
    /// or means to give, one of `roles` (a link's old and new role).
    Subscription {
        guild: GuildId,
        subscription_id: i64,
        roles: &'a [u64],
    },
    /// Everyone: the reconciliation pass.
    All,
}

#[allow(clippy::too_many_arguments)]
fn request_from_parts(
    id: Uuid,
    guild_id: i64,
    subscription_id: i64,
    user_id: i64,
    locale: String,
    state: &str,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    decided_by: Option<i64>,
    decided_at: Option<DateTime<Utc>>,
) -> anyhow::Result<LicenseRequest> {
    Ok(LicenseRequest {
        id,
        guild: GuildId(guild_id as u64),
        subscription_id,
        user: UserId(user_id as u64),
        locale,
        state: parse_column(state)?,
        created_at,
        expires_at,
        decided_by: decided_by.map(|u| UserId(u as u64)),
        decided_at,
    })
}

/// A request row as every query below selects it.
macro_rules! request_from_row {
    ($r:expr) => {{
        let r = $r;
        request_from_parts(
            r.id,
            r.guild_id,
            r.subscription_id,
            r.user_id,
            r.locale,
            &r.state,
            r.created_at,
            r.expires_at,
            r.decided_by,
            r.decided_at,
        )
    }};
}

impl OrderTx {
    /// Locks subscription rows of a guild in ascending id order (the store's lock order).
    pub async fn lock_subscriptions(&mut self, guild: GuildId, ids: &[i64]) -> anyhow::Result<()> {
        sqlx::query!(
            r#"SELECT id FROM subscriptions WHERE guild_id = $1 AND id = ANY($2)
               ORDER BY id FOR UPDATE"#,
            guild_param(guild),
            ids
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("locking subscriptions")?;
        Ok(())
    }

    /// How many licenses of a subscription are assigned; under its row lock, the truth.
    pub async fn assigned_count(&mut self, subscription_id: i64) -> anyhow::Result<i64> {
        let n = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM license_assignments WHERE subscription_id = $1"#,
            subscription_id
        )
        .fetch_one(&mut *self.tx)
        .await
        .context("counting assigned licenses")?;
        Ok(n)
    }

    /// The member's license of this subscription, if they hold one.
    pub async fn assignment(
        &mut self,
        subscription_id: i64,
        user: UserId,
    ) -> anyhow::Result<Option<Assignment>> {
        let row = sqlx::query!(
            r#"SELECT guild_id, subscription_id, user_id, assigned_by, assigned_at, via
               FROM license_assignments WHERE subscription_id = $1 AND user_id = $2"#,
            subscription_id,
            user_param(user)
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a license")?;
        row.map(|r| {
            Ok(Assignment {
                guild: GuildId(r.guild_id as u64),
                subscription_id: r.subscription_id,
                user: UserId(r.user_id as u64),
                assigned_by: UserId(r.assigned_by as u64),
                assigned_at: r.assigned_at,
                via: parse_column(&r.via)?,
            })
        })
        .transpose()
    }

    /// The licenses a member holds in a guild, by subscription id.
    pub async fn member_assignments(
        &mut self,
        guild: GuildId,
        user: UserId,
    ) -> anyhow::Result<Vec<Assignment>> {
        let rows = sqlx::query!(
            r#"SELECT guild_id, subscription_id, user_id, assigned_by, assigned_at, via
               FROM license_assignments WHERE guild_id = $1 AND user_id = $2
               ORDER BY subscription_id"#,
            guild_param(guild),
            user_param(user)
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("reading a member's licenses")?;
        rows.into_iter()
            .map(|r| {
                Ok(Assignment {
                    guild: GuildId(r.guild_id as u64),
                    subscription_id: r.subscription_id,
                    user: UserId(r.user_id as u64),
                    assigned_by: UserId(r.assigned_by as u64),
                    assigned_at: r.assigned_at,
                    via: parse_column(&r.via)?,
                })
            })
            .collect()
    }

    /// The members holding a license of the subscription.
    pub async fn holders(&mut self, subscription_id: i64) -> anyhow::Result<Vec<UserId>> {
        let rows = sqlx::query_scalar!(
            "SELECT user_id FROM license_assignments WHERE subscription_id = $1 ORDER BY user_id",
            subscription_id
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("reading a subscription's holders")?;
        Ok(rows.into_iter().map(|u| UserId(u as u64)).collect())
    }

    /// Records an assignment and its history entry, in one statement; returns the history
    /// entry's id. The caller holds the subscription's row lock and checked the rules.
    pub async fn insert_assignment(&mut self, a: &Assignment) -> anyhow::Result<i64> {
        let id = sqlx::query_scalar!(
            r#"WITH assigned AS (
                   INSERT INTO license_assignments (guild_id, subscription_id, user_id,
                                                    assigned_by, assigned_at, via)
                   VALUES ($1, $2, $3, $4, $5, $6))
               INSERT INTO license_history (guild_id, subscription_id, user_id, event,
                                            actor_id, reason, at)
               VALUES ($1, $2, $3, 'assigned', $4, $6, $5)
               RETURNING id"#,
            guild_param(a.guild),
            a.subscription_id,
            user_param(a.user),
            user_param(a.assigned_by),
            a.assigned_at,
            a.via.as_str()
        )
        .fetch_one(&mut *self.tx)
        .await
        .context("assigning a license")?;
        Ok(id)
    }

    /// Ends a member's license and records why, in one statement; returns the license and
    /// the history entry's id, or `None` if they held none. `by` is `None` when licensebot
    /// ends it itself.
    pub async fn delete_assignment(
        &mut self,
        guild: GuildId,
        subscription_id: i64,
        user: UserId,
        by: Option<UserId>,
        reason: LicenseReason,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<(Assignment, i64)>> {
        let row = sqlx::query!(
            r#"WITH gone AS (
                   DELETE FROM license_assignments
                   WHERE guild_id = $1 AND subscription_id = $2 AND user_id = $3
                   RETURNING guild_id, subscription_id, user_id, assigned_by, assigned_at, via),
               history AS (
                   INSERT INTO license_history (guild_id, subscription_id, user_id, event,
                                                actor_id, reason, at)
                   SELECT guild_id, subscription_id, user_id, 'unassigned', $4, $5, $6
                   FROM gone
                   RETURNING id)
               SELECT gone.guild_id, gone.subscription_id, gone.user_id, gone.assigned_by,
                      gone.assigned_at, gone.via, history.id AS history_id
               FROM gone, history"#,
            guild_param(guild),
            subscription_id,
            user_param(user),
            by.map(user_param),
            reason.as_str(),
            now
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("unassigning a license")?;
        row.map(|r| {
            Ok((
                Assignment {
                    guild: GuildId(r.guild_id as u64),
                    subscription_id: r.subscription_id,
                    user: UserId(r.user_id as u64),
                    assigned_by: UserId(r.assigned_by as u64),
                    assigned_at: r.assigned_at,
                    via: parse_column(&r.via)?,
                },
                r.history_id,
            ))
        })
        .transpose()
    }

    /// Adds a notice to the outbox in this transaction; `false` if one with its dedupe key
    /// exists already.
    pub async fn enqueue_notice(&mut self, notice: &NewNotice) -> anyhow::Result<bool> {
        enqueue(&mut *self.tx, notice).await
    }

    /// Adds notices to the outbox in this transaction; returns the dedupe keys of those
    /// that were new.
    pub async fn enqueue_new_notices(
        &mut self,
        notices: &[NewNotice],
    ) -> anyhow::Result<Vec<String>> {
        if notices.is_empty() {
            return Ok(Vec::new());
        }
        let guilds: Vec<i64> = notices.iter().map(|n| guild_param(n.guild)).collect();
        let keys: Vec<String> = notices.iter().map(|n| n.dedupe_key.clone()).collect();
        let kinds: Vec<String> = notices.iter().map(|n| n.kind.as_str().to_owned()).collect();
        let bodies: Vec<serde_json::Value> = notices.iter().map(|n| n.body.clone()).collect();
        let nonces: Vec<String> = notices
            .iter()
            .map(|_| super::notices::new_nonce())
            .collect();
        let new = sqlx::query_scalar!(
            r#"INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
               SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::jsonb[],
                                    $5::text[])
               ON CONFLICT (dedupe_key) DO NOTHING
               RETURNING dedupe_key"#,
            &guilds,
            &keys,
            &kinds,
            &bodies,
            &nonces
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("enqueueing notices")?;
        Ok(new)
    }

    /// Brings the queue of role changes in line with the licenses, for the members in
    /// `scope`: a member should carry a linked role while they hold a license of a
    /// subscription linked to it that grants access (it ends on or after `access_from`).
    /// Returns how many role changes were queued.
    ///
    /// A change of mind is always sent: when `wanted` flips, `applied` is set to the
    /// opposite of the new wish, as if the change just given up had reached Discord. It may
    /// have: a dispatcher may be sending it now, or may have sent it and died before
    /// recording Discord's answer. The cost is at most one needless, idempotent request.
    pub async fn sync_member_roles(
        &mut self,
        scope: RoleScope<'_>,
        access_from: NaiveDate,
        now: DateTime<Utc>,
    ) -> anyhow::Result<u64> {
        let (guilds, users) = self.scope_members(scope).await?;
        if guilds.is_empty() {
            return Ok(0);
        }
        // Lock the rows that exist in the store's order first, so that two syncs over
        // overlapping members queue instead of deadlocking.
        sqlx::query!(
            r#"SELECT m.role_id FROM member_roles m
               JOIN UNNEST($1::bigint[], $2::bigint[]) AS s(guild_id, user_id)
                 ON s.guild_id = m.guild_id AND s.user_id = m.user_id
               ORDER BY m.guild_id, m.user_id, m.role_id
               FOR UPDATE OF m"#,
            &guilds,
            &users
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("locking members' roles")?;
        let changed = sqlx::query_scalar!(
            r#"WITH scope AS (
                   SELECT DISTINCT guild_id, user_id
                   FROM UNNEST($1::bigint[], $2::bigint[]) AS s(guild_id, user_id)),
               desired AS (
                   SELECT DISTINCT a.guild_id, a.user_id, r.role_id
                   FROM license_assignments a
                   JOIN scope ON scope.guild_id = a.guild_id AND scope.user_id = a.user_id
                   JOIN license_roles r ON r.subscription_id = a.subscription_id
                   JOIN subscriptions s ON s.id = a.subscription_id
                   WHERE s.ends_on >= $3
                     -- a suspended subscription grants no access, whatever its end date
                     AND NOT EXISTS (SELECT 1 FROM subscription_suspensions x
                                     WHERE x.subscription_id = s.id)),
               wanted AS (
                   INSERT INTO member_roles AS m (guild_id, user_id, role_id, wanted,
                                                  changed_at, next_attempt_at)
                   SELECT guild_id, user_id, role_id, true, $4, $4 FROM desired
                   ORDER BY guild_id, user_id, role_id
                   ON CONFLICT (guild_id, user_id, role_id) DO UPDATE
                       SET wanted = true, applied = false, changed_at = $4,
                           next_attempt_at = $4, attempts = 0, last_error = NULL
                       WHERE NOT m.wanted
                   RETURNING 1 AS one),
               unwanted AS (
                   UPDATE member_roles m
                   SET wanted = false, applied = true, changed_at = $4, next_attempt_at = $4,
                       attempts = 0, last_error = NULL
                   FROM scope
                   WHERE m.guild_id = scope.guild_id AND m.user_id = scope.user_id AND m.wanted
                     AND NOT EXISTS (SELECT 1 FROM desired d
                                     WHERE d.guild_id = m.guild_id AND d.user_id = m.user_id
                                       AND d.role_id = m.role_id)
                   RETURNING 1 AS one)
               SELECT (SELECT count(*) FROM wanted) + (SELECT count(*) FROM unwanted)
                   AS "changed!""#,
            &guilds,
            &users,
            access_from,
            now
        )
        .fetch_one(&mut *self.tx)
        .await
        .context("queueing role changes")?;
        // Rows that want nothing Discord has are done with, unless a dispatcher is sending
        // one of them right now (it holds the row's claim lock; its answer will say what
        // Discord has). The lock taken here keeps dispatchers off a row until it is gone.
        sqlx::query!(
            r#"DELETE FROM member_roles m
               USING UNNEST($1::bigint[], $2::bigint[]) AS s(guild_id, user_id)
               WHERE s.guild_id = m.guild_id AND s.user_id = m.user_id
                 AND NOT m.wanted AND NOT m.applied
                 AND pg_try_advisory_xact_lock(hashtextextended(
                         'member-role:' || m.guild_id || ':' || m.user_id || ':' || m.role_id, 0))"#,
            &guilds,
            &users
        )
        .execute(&mut *self.tx)
        .await
        .context("clearing settled role changes")?;
        Ok(changed as u64)
    }

    /// The members a sync looks at, as parallel arrays of guild and member ids.
    async fn scope_members(
        &mut self,
        scope: RoleScope<'_>,
    ) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
        let pairs: Vec<(i64, i64)> = match scope {
            RoleScope::Members(guild, users) => users
                .iter()
                .map(|u| (guild_param(guild), user_param(*u)))
                .collect(),
            RoleScope::Subscription {
                guild,
                subscription_id,
                roles,
            } => {
                let roles: Vec<i64> = roles.iter().map(|r| *r as i64).collect();
                sqlx::query!(
                    r#"SELECT guild_id AS "guild_id!", user_id AS "user_id!"
                       FROM license_assignments WHERE subscription_id = $2
                       UNION
                       SELECT guild_id, user_id FROM member_roles
                       WHERE guild_id = $1 AND role_id = ANY($3)"#,
                    guild_param(guild),
                    subscription_id,
                    &roles
                )
                .fetch_all(&mut *self.tx)
                .await
                .context("reading whose roles a subscription touches")?
                .into_iter()
                .map(|r| (r.guild_id, r.user_id))
                .collect()
            }
            RoleScope::All => sqlx::query!(
                r#"SELECT a.guild_id AS "guild_id!", a.user_id AS "user_id!"
                   FROM license_assignments a
                   JOIN license_roles r ON r.subscription_id = a.subscription_id
                   UNION
                   SELECT guild_id, user_id FROM member_roles WHERE wanted OR applied"#
            )
            .fetch_all(&mut *self.tx)
            .await
            .context("reading every member with a linked role")?
            .into_iter()
            .map(|r| (r.guild_id, r.user_id))
            .collect(),
        };
        Ok(pairs.into_iter().unzip())
    }

    /// A member Discord no longer knows: licensebot forgets what it gave them, so that
    /// nothing is sent for them any more.
    pub async fn forget_member_roles(
        &mut self,
        guild: GuildId,
        user: UserId,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "DELETE FROM member_roles WHERE guild_id = $1 AND user_id = $2",
            guild_param(guild),
            user_param(user)
        )
        .execute(&mut *self.tx)
        .await
        .context("forgetting a member's roles")?;
        Ok(())
    }

    /// Links `role` to the subscription (or unlinks it with `None`); returns the role that
    /// was linked before. Linking a role again lifts any halt on it and on the old role.
    pub async fn set_license_role(
        &mut self,
        guild: GuildId,
        subscription_id: i64,
        role: Option<u64>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<u64>> {
        let old = sqlx::query_scalar!(
            "SELECT role_id FROM license_roles WHERE guild_id = $1 AND subscription_id = $2",
            guild_param(guild),
            subscription_id
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a license role")?
        .map(|r| r as u64);
        match role {
            Some(role) => {
                sqlx::query!(
                    r#"INSERT INTO license_roles (subscription_id, guild_id, role_id, linked_by,
                                                  linked_at)
                       VALUES ($2, $1, $3, $4, $5)
                       ON CONFLICT (subscription_id) DO UPDATE
                           SET role_id = $3, linked_by = $4, linked_at = $5"#,
                    guild_param(guild),
                    subscription_id,
                    role as i64,
                    user_param(by),
                    now
                )
                .execute(&mut *self.tx)
                .await
                .context("linking a license role")?;
            }
            None => {
                sqlx::query!(
                    "DELETE FROM license_roles WHERE guild_id = $1 AND subscription_id = $2",
                    guild_param(guild),
                    subscription_id
                )
                .execute(&mut *self.tx)
                .await
                .context("unlinking a license role")?;
            }
        }
        let lifted: Vec<i64> = old.into_iter().chain(role).map(|r| r as i64).collect();
        sqlx::query!(
            "DELETE FROM license_role_halts WHERE guild_id = $1 AND role_id = ANY($2)",
            guild_param(guild),
            &lifted
        )
        .execute(&mut *self.tx)
        .await
        .context("lifting role halts")?;
        Ok(old)
    }

    /// Serialises one member's requests in a guild (until the transaction ends), so that
    /// the cap on open requests and the cooldown are read and a request is inserted by one
    /// request at a time, whichever process handles it. Taken before any row lock.
    pub async fn lock_member_requests(
        &mut self,
        guild: GuildId,
        user: UserId,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('license-requests:' || $1::text || ':' || $2::text, 0))",
            guild_param(guild).to_string(),
            user_param(user).to_string()
        )
        .execute(&mut *self.tx)
        .await
        .context("locking a member's requests")?;
        Ok(())
    }

    /// When each of the member's open requests in the guild expires (those still open at
    /// `now`), earliest first.
    pub async fn open_request_expiries(
        &mut self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<DateTime<Utc>>> {
        sqlx::query_scalar!(
            r#"SELECT expires_at FROM license_requests
               WHERE guild_id = $1 AND user_id = $2 AND state = 'open' AND expires_at > $3
               ORDER BY expires_at"#,
            guild_param(guild),
            user_param(user),
            now
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("reading a member's open requests")
    }

    /// The member's last request for the subscription that was denied or expired: which,
    /// and when (the decision, or the expiry).
    pub async fn last_refused_request(
        &mut self,
        guild: GuildId,
        subscription_id: i64,
        user: UserId,
    ) -> anyhow::Result<Option<(RequestState, DateTime<Utc>)>> {
        let row = sqlx::query!(
            r#"SELECT state,
                      CASE WHEN state = 'expired' THEN expires_at ELSE decided_at END AS "closed_at!"
               FROM license_requests
               WHERE guild_id = $1 AND subscription_id = $2 AND user_id = $3
                 AND state IN ('denied', 'expired')
               ORDER BY 2 DESC
               LIMIT 1"#,
            guild_param(guild),
            subscription_id,
            user_param(user)
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a member's last refused request")?;
        row.map(|r| Ok((parse_column(&r.state)?, r.closed_at)))
            .transpose()
    }

    /// The member's open request for this subscription, locked, if any.
    pub async fn lock_open_request(
        &mut self,
        subscription_id: i64,
        user: UserId,
    ) -> anyhow::Result<Option<LicenseRequest>> {
        let row = sqlx::query!(
            r#"SELECT id, guild_id, subscription_id, user_id, locale, state, created_at,
                      expires_at, decided_by, decided_at
               FROM license_requests
               WHERE subscription_id = $1 AND user_id = $2 AND state = 'open'
               FOR UPDATE"#,
            subscription_id,
            user_param(user)
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading an open request")?;
        row.map(|r| request_from_row!(r)).transpose()
    }

    /// Locks a guild's request; another guild's id finds nothing.
    pub async fn lock_request(
        &mut self,
        guild: GuildId,
        id: Uuid,
    ) -> anyhow::Result<Option<LicenseRequest>> {
        let row = sqlx::query!(
            r#"SELECT id, guild_id, subscription_id, user_id, locale, state, created_at,
                      expires_at, decided_by, decided_at
               FROM license_requests WHERE guild_id = $1 AND id = $2
               FOR UPDATE"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("locking a request")?;
        row.map(|r| request_from_row!(r)).transpose()
    }

    pub async fn insert_request(&mut self, r: &LicenseRequest) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO license_requests (id, guild_id, subscription_id, user_id, locale,
                                             created_at, expires_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7)"#,
            r.id,
            guild_param(r.guild),
            r.subscription_id,
            user_param(r.user),
            r.locale,
            r.created_at,
            r.expires_at
        )
        .execute(&mut *self.tx)
        .await
        .context("recording a request")?;
        Ok(())
    }

    /// Closes an open request: approved or denied by `by`, or expired (`by` is `None`).
    pub async fn close_request(
        &mut self,
        id: Uuid,
        state: RequestState,
        by: Option<UserId>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            r#"UPDATE license_requests SET state = $2, decided_by = $3, decided_at = $4
               WHERE id = $1 AND state = 'open'"#,
            id,
            state.as_str(),
            by.map(user_param),
            now
        )
        .execute(&mut *self.tx)
        .await
        .context("closing a request")?;
        Ok(())
    }
}

impl Store {
    /// How many licenses of each of a guild's subscriptions are assigned, by subscription
    /// id (absent: none).
    pub async fn assigned_counts(&self, guild: GuildId) -> anyhow::Result<HashMap<i64, i64>> {
        let rows = sqlx::query!(
            r#"SELECT subscription_id, count(*) AS "n!" FROM license_assignments
               WHERE guild_id = $1 GROUP BY subscription_id"#,
            guild_param(guild)
        )
        .fetch_all(&self.pool)
        .await
        .context("counting assigned licenses")?;
        Ok(rows.into_iter().map(|r| (r.subscription_id, r.n)).collect())
    }

    /// How many licenses of a subscription are assigned (no lock: for showing).
    pub async fn assigned_count(&self, subscription_id: i64) -> anyhow::Result<i64> {
        let n = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM license_assignments WHERE subscription_id = $1"#,
            subscription_id
        )
        .fetch_one(&self.pool)
        .await
        .context("counting assigned licenses")?;
        Ok(n)
    }

    /// One page of a subscription's holders, newest first.
    pub async fn holders_page(
        &self,
        guild: GuildId,
        subscription_id: i64,
        limit: i64,
        offset: i64,
    ) -> anyhow::Result<Vec<Assignment>> {
        let rows = sqlx::query!(
            r#"SELECT guild_id, subscription_id, user_id, assigned_by, assigned_at, via
               FROM license_assignments WHERE guild_id = $1 AND subscription_id = $2
               ORDER BY assigned_at DESC, user_id
               LIMIT $3 OFFSET $4"#,
            guild_param(guild),
            subscription_id,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await
        .context("listing a subscription's holders")?;
        rows.into_iter()
            .map(|r| {
                Ok(Assignment {
                    guild: GuildId(r.guild_id as u64),
                    subscription_id: r.subscription_id,
                    user: UserId(r.user_id as u64),
                    assigned_by: UserId(r.assigned_by as u64),
                    assigned_at: r.assigned_at,
                    via: parse_column(&r.via)?,
                })
            })
            .collect()
    }

    /// The licenses a member holds in a guild, with their subscriptions, by name.
    pub async fn member_licenses(
        &self,
        guild: GuildId,
        user: UserId,
    ) -> anyhow::Result<Vec<(Subscription, DateTime<Utc>)>> {
        let rows = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats, a.assigned_at
               FROM license_assignments a
               JOIN subscriptions s ON s.id = a.subscription_id
               JOIN products p ON p.sku = s.product_sku
               WHERE a.guild_id = $1 AND a.user_id = $2
               ORDER BY lower(s.name), s.id"#,
            guild_param(guild),
            user_param(user)
        )
        .fetch_all(&self.pool)
        .await
        .context("listing a member's licenses")?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let at = r.assigned_at;
                (subscription_from_row!(r), at)
            })
            .collect())
    }

    /// A guild's licenses from the history (of one subscription or all), newest first;
    /// with `current_only`, those still held.
    pub async fn license_spans(
        &self,
        guild: GuildId,
        subscription_id: Option<i64>,
        current_only: bool,
    ) -> anyhow::Result<Vec<LicenseSpan>> {
        // The history alternates per member and subscription (assigned, unassigned, …):
        // an assignment's end is the entry that follows it.
        let rows = sqlx::query!(
            r#"WITH spans AS (
                   SELECT h.id, h.subscription_id, h.user_id, h.event, h.actor_id, h.reason,
                          h.at,
                          lead(h.actor_id) OVER w AS ended_by,
                          lead(h.at) OVER w AS ended_at,
                          lead(h.reason) OVER w AS ended_reason
                   FROM license_history h
                   WHERE h.guild_id = $1 AND ($2::bigint IS NULL OR h.subscription_id = $2)
                   WINDOW w AS (PARTITION BY h.subscription_id, h.user_id ORDER BY h.id))
               SELECT spans.subscription_id, s.name, spans.user_id,
                      spans.actor_id AS "assigned_by!", spans.at AS assigned_at,
                      spans.reason AS assigned_via, spans.ended_by AS "ended_by?",
                      spans.ended_at AS "ended_at?", spans.ended_reason AS "ended_reason?"
               FROM spans JOIN subscriptions s ON s.id = spans.subscription_id
               WHERE spans.event = 'assigned' AND (NOT $3 OR spans.ended_at IS NULL)
               ORDER BY spans.at DESC, spans.id DESC"#,
            guild_param(guild),
            subscription_id,
            current_only
        )
        .fetch_all(&self.pool)
        .await
        .context("reading the license history")?;
        rows.into_iter()
            .map(|r| {
                Ok(LicenseSpan {
                    subscription_id: r.subscription_id,
                    subscription: r.name,
                    user: UserId(r.user_id as u64),
                    assigned_by: UserId(r.assigned_by as u64),
                    assigned_at: r.assigned_at,
                    assigned_via: parse_column(&r.assigned_via)?,
                    unassigned_by: r.ended_by.map(|u| UserId(u as u64)),
                    unassigned_at: r.ended_at,
                    unassigned_reason: r.ended_reason.as_deref().map(parse_column).transpose()?,
                })
            })
            .collect()
    }

    /// The role linked to each of a guild's subscriptions, by subscription id.
    pub async fn license_roles(&self, guild: GuildId) -> anyhow::Result<HashMap<i64, u64>> {
        let rows = sqlx::query!(
            "SELECT subscription_id, role_id FROM license_roles WHERE guild_id = $1",
            guild_param(guild)
        )
        .fetch_all(&self.pool)
        .await
        .context("reading license roles")?;
        Ok(rows
            .into_iter()
            .map(|r| (r.subscription_id, r.role_id as u64))
            .collect())
    }

    /// The subscriptions that are deleted (ended before `deleted_before`) yet still have
    /// licenses assigned: (guild, subscription id).
    pub async fn deleted_with_licenses(
        &self,
        deleted_before: NaiveDate,
    ) -> anyhow::Result<Vec<(GuildId, i64)>> {
        let rows = sqlx::query!(
            r#"SELECT s.guild_id, s.id FROM subscriptions s
               WHERE s.ends_on < $1
                 AND EXISTS (SELECT 1 FROM license_assignments a WHERE a.subscription_id = s.id)
               ORDER BY s.id"#,
            deleted_before
        )
        .fetch_all(&self.pool)
        .await
        .context("finding deleted subscriptions with licenses")?;
        Ok(rows
            .into_iter()
            .map(|r| (GuildId(r.guild_id as u64), r.id))
            .collect())
    }

    /// Claims up to `limit` due role changes; each is seen by one dispatcher at a time.
    /// Roles Discord refused (halted) are left alone.
    ///
    /// A claim is a transaction-scoped advisory lock per change, held by a transaction that
    /// stays open while the changes are sent ([`RoleClaim`]). It locks no row, so an
    /// assignment made meanwhile is never kept waiting by a slow Discord; and when the
    /// claimer dies its connection closes, PostgreSQL drops its locks, and the changes are
    /// due again at once for the other dispatchers. `lease` is the fallback for a claimer
    /// that hangs with its connection open: the server ends a claim left idle that long.
    pub async fn claim_due_role_changes(
        &self,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: i64,
    ) -> anyhow::Result<RoleClaim> {
        let mut tx = self.begin_claim(lease, "claiming role changes").await?;
        // The due changes in order, then as many as can be locked, walking that order: a
        // change another dispatcher holds is skipped. (A materialized list, so that no lock
        // is taken beyond the changes returned.)
        let rows = sqlx::query!(
            r#"WITH due AS MATERIALIZED (
                   SELECT m.guild_id, m.user_id, m.role_id, m.wanted, m.attempts,
                          m.next_attempt_at
                   FROM member_roles m
                   WHERE m.wanted <> m.applied AND m.next_attempt_at <= $1
                     AND NOT EXISTS (SELECT 1 FROM license_role_halts h
                                     WHERE h.guild_id = m.guild_id AND h.role_id = m.role_id)
                   ORDER BY m.next_attempt_at, m.guild_id, m.user_id, m.role_id
                   LIMIT $2::bigint * 4)
               SELECT guild_id, user_id, role_id, wanted, attempts + 1 AS "attempts!"
               FROM due
               WHERE pg_try_advisory_xact_lock(hashtextextended(
                         'member-role:' || guild_id || ':' || user_id || ':' || role_id, 0))
               LIMIT $2"#,
            now,
            limit
        )
        .fetch_all(&mut *tx)
        .await
        .context("claiming role changes")?;
        let changes = rows
            .into_iter()
            .map(|r| RoleChange {
                guild: GuildId(r.guild_id as u64),
                user: UserId(r.user_id as u64),
                role: r.role_id as u64,
                wanted: r.wanted,
                attempts: r.attempts,
            })
            .collect();
        Ok(RoleClaim { tx, changes })
    }

    /// Discord confirmed the change: the member has (`applied`) or has not the role now
    /// (a role given counts as verified now). Whatever licensebot wants meanwhile stays
    /// queued.
    pub async fn role_change_applied(
        &self,
        change: &RoleChange,
        applied: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        sqlx::query!(
            r#"INSERT INTO member_roles AS m (guild_id, user_id, role_id, wanted, applied,
                                              changed_at, next_attempt_at)
               VALUES ($1, $2, $3, false, $4, $5, $5)
               ON CONFLICT (guild_id, user_id, role_id) DO UPDATE
                   SET applied = $4, attempts = 0, last_error = NULL, next_attempt_at = $5,
                       verified_at = CASE WHEN $4 THEN $5 END"#,
            guild_param(change.guild),
            user_param(change.user),
            change.role as i64,
            applied,
            now
        )
        .execute(&mut *tx)
        .await
        .context("recording a role change")?;
        sqlx::query!(
            r#"DELETE FROM member_roles
               WHERE guild_id = $1 AND user_id = $2 AND role_id = $3
                 AND NOT wanted AND NOT applied"#,
            guild_param(change.guild),
            user_param(change.user),
            change.role as i64
        )
        .execute(&mut *tx)
        .await
        .context("clearing a settled role change")?;
        tx.commit().await.context("committing a role change")?;
        Ok(())
    }

    /// Tries the change again at `next_at`; this try counts as an attempt. If the wish
    /// changed meanwhile, the row is left as the change left it: due at once.
    pub async fn retry_role_change_at(
        &self,
        change: &RoleChange,
        next_at: DateTime<Utc>,
        error: &str,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            r#"UPDATE member_roles SET next_attempt_at = $4, last_error = $5, attempts = $6
               WHERE guild_id = $1 AND user_id = $2 AND role_id = $3 AND wanted = $7"#,
            guild_param(change.guild),
            user_param(change.user),
            change.role as i64,
            next_at,
            error,
            change.attempts,
            change.wanted
        )
        .execute(&self.pool)
        .await
        .context("rescheduling a role change")?;
        Ok(())
    }

    /// Discord refused to change `role`: licensebot stops touching it in the guild until
    /// it is linked again, and `notice` is enqueued (once per halt), in one transaction.
    /// Returns whether this call halted the role.
    pub async fn halt_role(
        &self,
        change: &RoleChange,
        error: &str,
        now: DateTime<Utc>,
        notice: NewNotice,
    ) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await.context("starting a transaction")?;
        let halted = sqlx::query!(
            r#"INSERT INTO license_role_halts (guild_id, role_id, error, halted_at)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (guild_id, role_id) DO NOTHING"#,
            guild_param(change.guild),
            change.role as i64,
            error,
            now
        )
        .execute(&mut *tx)
        .await
        .context("halting a role")?
        .rows_affected()
            == 1;
        sqlx::query!(
            r#"UPDATE member_roles SET last_error = $4, attempts = $5
               WHERE guild_id = $1 AND user_id = $2 AND role_id = $3 AND wanted = $6"#,
            guild_param(change.guild),
            user_param(change.user),
            change.role as i64,
            error,
            change.attempts,
            change.wanted
        )
        .execute(&mut *tx)
        .await
        .context("recording a refused role change")?;
        if halted {
            enqueue(&mut *tx, &notice).await?;
        }
        tx.commit().await.context("committing a role halt")?;
        Ok(halted)
    }

    /// The queue of role changes, of one guild or all, for operators and tests.
    pub async fn member_roles(&self, guild: Option<GuildId>) -> anyhow::Result<Vec<MemberRole>> {
        let rows = sqlx::query!(
            r#"SELECT guild_id, user_id, role_id, wanted, applied, attempts, last_error
               FROM member_roles WHERE ($1::bigint IS NULL OR guild_id = $1)
               ORDER BY guild_id, user_id, role_id"#,
            guild.map(guild_param)
        )
        .fetch_all(&self.pool)
        .await
        .context("listing role changes")?;
        Ok(rows
            .into_iter()
            .map(|r| MemberRole {
                guild: GuildId(r.guild_id as u64),
                user: UserId(r.user_id as u64),
                role: r.role_id as u64,
                wanted: r.wanted,
                applied: r.applied,
                attempts: r.attempts,
                last_error: r.last_error,
            })
            .collect())
    }

    /// The role queue at a glance: changes waiting to be sent (halted roles aside), and
    /// roles halted because Discord refused them.
    pub async fn role_backlog(&self) -> anyhow::Result<RoleBacklog> {
        let row = sqlx::query!(
            r#"SELECT
                 (SELECT count(*) FROM member_roles m
                  WHERE m.wanted <> m.applied
                    AND NOT EXISTS (SELECT 1 FROM license_role_halts h
                                    WHERE h.guild_id = m.guild_id AND h.role_id = m.role_id))
                   AS "pending!",
                 (SELECT count(*) FROM license_role_halts) AS "halted!""#
        )
        .fetch_one(&self.pool)
        .await
        .context("reading the role queue")?;
        Ok(RoleBacklog {
            pending: row.pending,
            halted: row.halted,
        })
    }

    /// How many role changes wait to be sent (halted roles aside).
    pub async fn pending_role_changes(&self) -> anyhow::Result<i64> {
        let n = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM member_roles m
               WHERE m.wanted <> m.applied
                 AND NOT EXISTS (SELECT 1 FROM license_role_halts h
                                 WHERE h.guild_id = m.guild_id AND h.role_id = m.role_id)"#
        )
        .fetch_one(&self.pool)
        .await
        .context("counting role changes")?;
        Ok(n)
    }

    /// A guild's request, without locking it.
    pub async fn license_request(
        &self,
        guild: GuildId,
        id: Uuid,
    ) -> anyhow::Result<Option<LicenseRequest>> {
        let row = sqlx::query!(
            r#"SELECT id, guild_id, subscription_id, user_id, locale, state, created_at,
                      expires_at, decided_by, decided_at
               FROM license_requests WHERE guild_id = $1 AND id = $2"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading a request")?;
        row.map(|r| request_from_row!(r)).transpose()
    }

    /// Closes every open request past its expiry and returns them with where their
    /// messages are (each exactly once, even with several processes doing this at once).
    pub async fn expire_requests(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<ExpiredRequest>> {
        let rows = sqlx::query!(
            r#"WITH due AS (
                   SELECT id FROM license_requests
                   WHERE state = 'open' AND expires_at <= $1
                   ORDER BY expires_at
                   LIMIT 500
                   FOR UPDATE SKIP LOCKED),
               closed AS (
                   UPDATE license_requests r SET state = 'expired', decided_at = $1
                   FROM due WHERE r.id = due.id
                   RETURNING r.id, r.guild_id, r.subscription_id, r.user_id, r.locale, r.state,
                             r.created_at, r.expires_at, r.decided_by, r.decided_at)
               SELECT closed.id, closed.guild_id, closed.subscription_id, closed.user_id,
                      closed.locale, closed.state, closed.created_at, closed.expires_at,
                      closed.decided_by, closed.decided_at, s.name AS subscription,
                      p.name AS product,
                      n.channel_id AS "channel_id?", n.message_id AS "message_id?"
               FROM closed
               JOIN subscriptions s ON s.id = closed.subscription_id
               JOIN products p ON p.sku = s.product_sku
               LEFT JOIN notices n ON n.dedupe_key = 'license-request:' || closed.id"#,
            now
        )
        .fetch_all(&self.pool)
        .await
        .context("expiring requests")?;
        rows.into_iter()
            .map(|r| {
                let message = r
                    .channel_id
                    .zip(r.message_id)
                    .map(|(c, m)| (c as u64, m as u64));
                let subscription = r.subscription.clone();
                let product = r.product.clone();
                Ok(ExpiredRequest {
                    request: request_from_row!(r)?,
                    subscription,
                    product,
                    message,
                })
            })
            .collect()
    }
}
