//! Licenses assigned to members: assign, unassign and list them; link a role to a
//! subscription; members' requests and their decisions; the member who left; and the role
//! changes that follow each of these, queued in the same transaction.
//!
//! Every assignment goes through [`App::assign_in`] and every unassignment through
//! [`App::unassign_in`], each inside its caller's one transaction with the subscription's
//! row locked: whatever must happen with every assignment (the history, the role change,
//! an event) is written there.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::{error::AppError, orders::lock_subscription, App, UserError};
use crate::domain::{
    licenses::{
        access_cutoff, check_assign, check_request, deletion_cutoff, REQUEST_LIFETIME_DAYS,
    },
    records::{GuildId, Subscription, UserId},
    LicenseReason, LicenseRefusal, LifecycleState, NoticeBody, NoticeKind, Occupancy,
    RequestHistory, RequestState, SubscriptionRef, WebhookEvent,
};
use crate::store::{
    Assignment, ExpiredRequest, LicenseRequest, LicenseSpan, NewNotice, OrderTx, RoleScope,
};

/// Who assigns licenses from the command line: the operator, recorded as user id 0.
pub const OPERATOR: UserId = UserId(0);

/// `/licenses assign`: who gets a license of which subscription, from whom.
#[derive(Debug, Clone)]
pub struct AssignLicense {
    pub guild: GuildId,
    pub subscription: SubscriptionRef,
    pub member: UserId,
    /// As Discord says (the user's `bot` flag); the CLI cannot know and says `false`.
    pub member_is_bot: bool,
    pub by: UserId,
}

/// `/licenses unassign`.
#[derive(Debug, Clone)]
pub struct UnassignLicense {
    pub guild: GuildId,
    pub subscription: SubscriptionRef,
    pub member: UserId,
    pub by: UserId,
}

/// A license given or taken back, and the subscription's count after it ("13 of 70
/// assigned").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseChange {
    pub subscription: Subscription,
    pub member: UserId,
    pub assigned: i64,
    pub at: DateTime<Utc>,
}

/// One page of a subscription's holders, newest first.
#[derive(Debug, Clone)]
pub struct HolderPage {
    pub subscription: Subscription,
    pub assigned: i64,
    pub rows: Vec<Assignment>,
    /// 0 is the newest page; past the last page, the last page.
    pub page: i64,
    /// At least 1.
    pub pages: i64,
}

/// A license a member holds, with its subscription's state today.
#[derive(Debug, Clone)]
pub struct HeldLicense {
    pub subscription: Subscription,
    pub state: LifecycleState,
    pub assigned_at: DateTime<Utc>,
}

/// A role linked to (or unlinked from) a subscription.
#[derive(Debug, Clone)]
pub struct RoleLink {
    pub subscription: Subscription,
    pub role: Option<u64>,
    pub previous: Option<u64>,
}

/// A request posted for the admins to decide.
#[derive(Debug, Clone)]
pub struct PostedRequest {
    pub request: LicenseRequest,
    pub subscription: Subscription,
}

/// A request approved or denied.
#[derive(Debug, Clone)]
pub struct Decision {
    pub request: LicenseRequest,
    pub subscription: Subscription,
    /// After an approval: the subscription's count with the new license.
    pub assigned: Option<i64>,
}

impl App {
    /// `/licenses assign`: gives the member a license, or refuses and changes nothing.
    #[instrument(skip_all, fields(guild = input.guild.0, member = input.member.0, by = input.by.0))]
    pub async fn assign_license(&self, input: AssignLicense) -> Result<LicenseChange, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(sub) = lock_subscription(&mut tx, input.guild, &input.subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let assigned = match self
            .assign_in(
                &mut tx,
                &sub,
                input.member,
                input.member_is_bot,
                input.by,
                LicenseReason::Admin,
                now,
            )
            .await
        {
            Ok(assigned) => assigned,
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        };
        tx.commit().await?;
        tracing::info!(subscription = sub.id, assigned, "license assigned");
        Ok(LicenseChange {
            subscription: sub,
            member: input.member,
            assigned,
            at: now,
        })
    }

    /// `/licenses unassign`: takes the member's license back (whatever the subscription's
    /// state), or says they hold none.
    #[instrument(skip_all, fields(guild = input.guild.0, member = input.member.0, by = input.by.0))]
    pub async fn unassign_license(
        &self,
        input: UnassignLicense,
    ) -> Result<LicenseChange, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(sub) = lock_subscription(&mut tx, input.guild, &input.subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let gone = self
            .unassign_in(
                &mut tx,
                &sub,
                input.member,
                Some(input.by),
                LicenseReason::Admin,
                now,
            )
            .await?;
        if gone.is_none() {
            tx.rollback().await?;
            return Err(LicenseRefusal::NotAssigned {
                subscription: sub.name,
                member: input.member,
            }
            .into());
        }
        let assigned = tx.assigned_count(sub.id).await?;
        tx.commit().await?;
        tracing::info!(subscription = sub.id, assigned, "license unassigned");
        Ok(LicenseChange {
            subscription: sub,
            member: input.member,
            assigned,
            at: now,
        })
    }

    /// Gives `member` a license of `sub` in `tx`, whose caller holds `sub`'s row lock: the
    /// rules under that lock, the assignment and its history, the member's role change,
    /// and the notice when it was the last free license. Returns the count after it.
    #[allow(clippy::too_many_arguments)]
    async fn assign_in(
        &self,
        tx: &mut OrderTx,
        sub: &Subscription,
        member: UserId,
        member_is_bot: bool,
        by: UserId,
        via: LicenseReason,
        now: DateTime<Utc>,
    ) -> Result<i64, AppError> {
        let today = now.date_naive();
        let periods = self.settings.periods();
        if tx.is_suspended(sub.id).await? {
            return Err(UserError::Suspended {
                subscription: sub.name.clone(),
            }
            .into());
        }
        let occupancy = Occupancy {
            state: LifecycleState::on(sub.ends_on, today, periods),
            seats: sub.seats,
            assigned: tx.assigned_count(sub.id).await?,
        };
        let holds = tx.assignment(sub.id, member).await?.is_some();
        check_assign(sub, occupancy, member, member_is_bot, holds)?;
        let history = tx
            .insert_assignment(&Assignment {
                guild: sub.guild,
                subscription_id: sub.id,
                user: member,
                assigned_by: by,
                assigned_at: now,
                via,
            })
            .await?;
        tx.sync_member_roles(
            RoleScope::Members(sub.guild, &[member]),
            access_cutoff(today, periods),
            now,
        )
        .await?;
        tx.record_events(&[WebhookEvent::license_changed(
            true,
            sub,
            member,
            Some(by),
            via.as_str(),
            now,
        )])
        .await?;
        let assigned = occupancy.assigned + 1;
        if assigned == sub.seats {
            tx.enqueue_notice(&license_notice(
                sub.guild,
                format!("licenses-full:{history}"),
                NoticeBody::LicensesFull {
                    subscription: sub.name.clone(),
                    seats: sub.seats,
                },
            ))
            .await?;
        }
        Ok(assigned)
    }

    /// Ends `member`'s license of `sub` in `tx`, whose caller holds `sub`'s row lock: the
    /// history entry and the member's role change. `by` is `None` when licensebot ends it
    /// itself (`reason` member gone, or subscription deleted). `None` if they held none.
    pub(super) async fn unassign_in(
        &self,
        tx: &mut OrderTx,
        sub: &Subscription,
        member: UserId,
        by: Option<UserId>,
        reason: LicenseReason,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Assignment>> {
        let Some((gone, _history)) = tx
            .delete_assignment(sub.guild, sub.id, member, by, reason, now)
            .await?
        else {
            return Ok(None);
        };
        tx.sync_member_roles(
            RoleScope::Members(sub.guild, &[member]),
            access_cutoff(now.date_naive(), self.settings.periods()),
            now,
        )
        .await?;
        tx.record_events(&[WebhookEvent::license_changed(
            false,
            sub,
            member,
            by,
            reason.as_str(),
            now,
        )])
        .await?;
        Ok(Some(gone))
    }

    /// `/licenses list`: page `page` (0 is the newest) of a subscription's holders.
    pub async fn license_holders_page(
        &self,
        guild: GuildId,
        subscription: &SubscriptionRef,
        page: u32,
        size: i64,
    ) -> Result<HolderPage, AppError> {
        let sub = self.find_subscription(guild, subscription).await?;
        let assigned = self
            .store
            .assigned_counts(guild)
            .await?
            .get(&sub.id)
            .copied()
            .unwrap_or(0);
        let pages = ((assigned + size - 1) / size).max(1);
        let page = i64::from(page).min(pages - 1);
        let rows = self
            .store
            .holders_page(guild, sub.id, size, page * size)
            .await?;
        Ok(HolderPage {
            subscription: sub,
            assigned,
            rows,
            page,
            pages,
        })
    }

    /// `/my-licenses`: the licenses a member holds, with their subscriptions' state today.
    pub async fn licenses_of(
        &self,
        guild: GuildId,
        member: UserId,
    ) -> Result<Vec<HeldLicense>, AppError> {
        let today = self.clock.today();
        let periods = self.settings.periods();
        let suspended = self.store.suspended_ids(guild).await?;
        Ok(self
            .store
            .member_licenses(guild, member)
            .await?
            .into_iter()
            .map(|(subscription, assigned_at)| HeldLicense {
                state: LifecycleState::of(
                    subscription.ends_on,
                    suspended.contains(&subscription.id),
                    today,
                    periods,
                ),
                subscription,
                assigned_at,
            })
            .collect())
    }

    /// How many licenses of each of the guild's subscriptions are assigned, by id.
    pub async fn assigned_counts(&self, guild: GuildId) -> Result<HashMap<i64, i64>, AppError> {
        Ok(self.store.assigned_counts(guild).await?)
    }

    /// `licenses list`: the guild's licenses (of one subscription, by name, or all), newest
    /// first; with `history`, also those that ended.
    pub async fn list_licenses(
        &self,
        guild: GuildId,
        subscription: Option<&SubscriptionRef>,
        history: bool,
    ) -> Result<Vec<LicenseSpan>, AppError> {
        let subscription_id = match subscription {
            Some(reference) => Some(self.find_subscription(guild, reference).await?.id),
            None => None,
        };
        Ok(self
            .store
            .license_spans(guild, subscription_id, !history)
            .await?)
    }

    /// `/settings license-role`: links `role` to the subscription (`None` unlinks it), in
    /// one transaction with the role changes that follow: the old role taken from, and the
    /// new one given to, every holder while the subscription grants access. The checks that
    /// need Discord (the role, the bot's powers) were made by the caller.
    #[instrument(skip_all, fields(guild = guild.0, role = ?role, by = by.0))]
    pub async fn set_license_role(
        &self,
        guild: GuildId,
        subscription: &SubscriptionRef,
        role: Option<u64>,
        by: UserId,
    ) -> Result<RoleLink, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(sub) = lock_subscription(&mut tx, guild, subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let previous = tx.set_license_role(guild, sub.id, role, by, now).await?;
        let roles: Vec<u64> = previous.into_iter().chain(role).collect();
        tx.sync_member_roles(
            RoleScope::Subscription {
                guild,
                subscription_id: sub.id,
                roles: &roles,
            },
            access_cutoff(now.date_naive(), self.settings.periods()),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(subscription = sub.id, previous = ?previous, "license role set");
        Ok(RoleLink {
            subscription: sub,
            role,
            previous,
        })
    }

    /// The role linked to each of the guild's subscriptions, by subscription id.
    pub async fn license_roles(&self, guild: GuildId) -> Result<HashMap<i64, u64>, AppError> {
        Ok(self.store.license_roles(guild).await?)
    }

    /// `/request-license`: records the member's request and posts it to the notice channel
    /// (through the outbox, in the same transaction), or refuses and changes nothing: also
    /// within `licenses.request_cooldown_hours` of their last denied or expired request for
    /// the subscription, and when they have `MAX_OPEN_REQUESTS` open in the server.
    #[instrument(skip_all, fields(guild = guild.0, member = member.0))]
    pub async fn request_license(
        &self,
        guild: GuildId,
        subscription: &SubscriptionRef,
        member: UserId,
        locale: &str,
    ) -> Result<PostedRequest, AppError> {
        let now = self.clock.now();
        if self
            .store
            .guild_settings(guild)
            .await?
            .notice_channel
            .is_none()
        {
            return Err(LicenseRefusal::NoNoticeChannel.into());
        }
        let mut tx = self.store.begin().await?;
        // The cap and the cooldown are read, and the request inserted, under this lock: two
        // requests of one member at once cannot both take the last open slot.
        tx.lock_member_requests(guild, member).await?;
        let Some(sub) = lock_subscription(&mut tx, guild, subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        if tx.is_suspended(sub.id).await? {
            tx.rollback().await?;
            return Err(UserError::Suspended {
                subscription: sub.name,
            }
            .into());
        }
        let state = LifecycleState::on(sub.ends_on, now.date_naive(), self.settings.periods());
        let holds = tx.assignment(sub.id, member).await?.is_some();
        let mut open = tx.lock_open_request(sub.id, member).await?;
        if let Some(stale) = open.as_ref().filter(|r| r.expires_at <= now) {
            // Past its expiry, and the expiry pass has not come by yet: it is over.
            tx.close_request(stale.id, RequestState::Expired, None, now)
                .await?;
            open = None;
        }
        let history = RequestHistory {
            open_since: open.as_ref().map(|r| r.created_at),
            open_expiries: tx.open_request_expiries(guild, member, now).await?,
            last_closed: tx.last_refused_request(guild, sub.id, member).await?,
        };
        if let Err(refusal) = check_request(
            &sub,
            state,
            member,
            holds,
            &history,
            self.settings.request_cooldown(),
            now,
        ) {
            tx.rollback().await?;
            return Err(refusal.into());
        }
        let request = LicenseRequest {
            id: Uuid::new_v4(),
            guild,
            subscription_id: sub.id,
            user: member,
            locale: locale.to_string(),
            state: RequestState::Open,
            created_at: now,
            expires_at: now + chrono::Duration::days(REQUEST_LIFETIME_DAYS),
            decided_by: None,
            decided_at: None,
        };
        tx.insert_request(&request).await?;
        tx.enqueue_notice(&license_notice(
            guild,
            request_notice_key(request.id),
            NoticeBody::LicenseRequest {
                request: request.id,
                user: member.0,
                subscription: sub.name.clone(),
                product: sub.product.name.clone(),
            },
        ))
        .await?;
        tx.commit().await?;
        tracing::info!(request = %request.id, subscription = sub.id, "license requested");
        Ok(PostedRequest {
            request,
            subscription: sub,
        })
    }

    /// **Approve** / **Deny** on a request: decides it once. An approval assigns the
    /// license by the same rules, in the same transaction; the member is told by direct
    /// message (through the outbox). A second click is told who decided, and when. The
    /// caller checked that `by` may decide.
    #[instrument(skip_all, fields(guild = guild.0, request = %id, by = by.0, approve))]
    pub async fn decide_license_request(
        &self,
        guild: GuildId,
        id: Uuid,
        by: UserId,
        approve: bool,
    ) -> Result<Decision, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(request) = tx.lock_request(guild, id).await? else {
            tx.rollback().await?;
            return Err(LicenseRefusal::RequestNotFound.into());
        };
        if request.state != RequestState::Open {
            tx.rollback().await?;
            return Err(closed_request(&request, now).into());
        }
        if request.expires_at <= now {
            tx.close_request(id, RequestState::Expired, None, now)
                .await?;
            tx.commit().await?;
            return Err(LicenseRefusal::RequestClosed {
                state: RequestState::Expired,
                by: None,
                at: request.expires_at,
            }
            .into());
        }
        let Some(sub) = tx.lock_subscription(guild, request.subscription_id).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let assigned = if approve {
            match self
                .assign_in(
                    &mut tx,
                    &sub,
                    request.user,
                    false,
                    by,
                    LicenseReason::Request,
                    now,
                )
                .await
            {
                Ok(assigned) => Some(assigned),
                Err(e) => {
                    tx.rollback().await?;
                    return Err(e);
                }
            }
        } else {
            None
        };
        let state = if approve {
            RequestState::Approved
        } else {
            RequestState::Denied
        };
        tx.close_request(id, state, Some(by), now).await?;
        tx.enqueue_notice(&license_notice(
            guild,
            format!("license-dm:{id}"),
            NoticeBody::RequestDecided {
                user: request.user.0,
                subscription: sub.name.clone(),
                approved: approve,
                by: by.0,
                locale: request.locale.clone(),
            },
        ))
        .await?;
        tx.commit().await?;
        tracing::info!(state = %state, "request decided");
        Ok(Decision {
            request: LicenseRequest {
                state,
                decided_by: Some(by),
                decided_at: Some(now),
                ..request
            },
            subscription: sub,
            assigned,
        })
    }

    /// A request of this guild as it stands, for a button that needs its subscription's
    /// name (another guild's id finds nothing).
    pub async fn license_request(
        &self,
        guild: GuildId,
        id: Uuid,
    ) -> Result<(LicenseRequest, Subscription), AppError> {
        let request = self
            .store
            .license_request(guild, id)
            .await?
            .ok_or(AppError::User(UserError::License(
                LicenseRefusal::RequestNotFound,
            )))?;
        let sub = self
            .store
            .subscription(guild, request.subscription_id)
            .await?
            .ok_or(AppError::User(UserError::SubscriptionNotFound))?;
        Ok((request, sub))
    }

    /// Closes open requests past their expiry (each exactly once across processes), with
    /// where their messages are, so that their buttons can be removed.
    pub async fn expire_license_requests(&self) -> anyhow::Result<Vec<ExpiredRequest>> {
        self.store.expire_requests(self.clock.now()).await
    }

    /// Discord no longer knows `member` (Unknown Member on a role change): their licenses
    /// in the guild are released (reason member gone), what licensebot gave them is
    /// forgotten, and the notice channel is told. Returns the subscriptions released.
    #[instrument(skip_all, fields(guild = guild.0, member = member.0))]
    pub async fn release_departed_member(
        &self,
        guild: GuildId,
        member: UserId,
    ) -> anyhow::Result<Vec<String>> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let held = tx.member_assignments(guild, member).await?;
        let mut released = Vec::new();
        let mut last_history = None;
        // Every subscription first, in ascending id order (the store's lock order): each
        // release below also locks the member's role rows, which an assignment of another
        // of these subscriptions locks after its subscription; locking one subscription at a
        // time in between could deadlock with it.
        let ids: Vec<i64> = held.iter().map(|a| a.subscription_id).collect();
        tx.lock_subscriptions(guild, &ids).await?;
        for assignment in held {
            let Some(sub) = tx
                .lock_subscription(guild, assignment.subscription_id)
                .await?
            else {
                continue;
            };
            if self
                .unassign_in(&mut tx, &sub, member, None, LicenseReason::MemberGone, now)
                .await?
                .is_some()
            {
                last_history = Some(sub.id);
                released.push(sub.name);
            }
        }
        tx.forget_member_roles(guild, member).await?;
        if last_history.is_some() {
            tx.enqueue_notice(&license_notice(
                guild,
                format!(
                    "member-gone:{}:{}:{}",
                    guild.0,
                    member.0,
                    now.timestamp_micros()
                ),
                NoticeBody::MemberGone {
                    user: member.0,
                    subscriptions: released.clone(),
                },
            ))
            .await?;
        }
        tx.commit().await?;
        if !released.is_empty() {
            tracing::info!(
                released = released.len(),
                "a member who left was released from their licenses"
            );
        }
        Ok(released)
    }

    /// The lifecycle pass's notices, enqueued in one transaction with what a state change
    /// does to licenses: `disabled` takes the linked role from every holder, `deleted`
    /// ends every license (reason subscription deleted). Returns how many notices were new.
    pub(super) async fn enqueue_lifecycle_notices(
        &self,
        due: Vec<(Subscription, NoticeBody, String)>,
    ) -> anyhow::Result<usize> {
        let now = self.clock.now();
        let notices: Vec<NewNotice> = due
            .iter()
            .map(|(sub, body, key)| NewNotice {
                guild: sub.guild,
                dedupe_key: key.clone(),
                kind: body.kind(),
                body: body.to_json(),
            })
            .collect();
        let mut tx = self.store.begin().await?;
        let new: HashSet<String> = tx
            .enqueue_new_notices(&notices)
            .await?
            .into_iter()
            .collect();
        // A state change's webhook event, once: with its notice, when the notice is new.
        let events: Vec<WebhookEvent> = due
            .iter()
            .filter(|(_, _, key)| new.contains(key))
            .filter_map(|(sub, body, _)| match body {
                NoticeBody::StateChange { state, .. } => {
                    Some(WebhookEvent::subscription_state_changed(sub, *state, now))
                }
                // A reminder milestone (30, 14, 7, 1 days): `subscription.expiring`, once.
                NoticeBody::Reminder { ends_on, days, .. } => Some(
                    WebhookEvent::subscription_expiring(sub, *ends_on, *days, now),
                ),
                _ => None,
            })
            .collect();
        tx.record_events(&events).await?;
        // Ascending subscription id: the store's lock order (the lifecycle pass walks by id).
        for (sub, body, key) in &due {
            let NoticeBody::StateChange { state, .. } = body else {
                continue;
            };
            if !new.contains(key)
                || !matches!(state, LifecycleState::Disabled | LifecycleState::Deleted)
            {
                continue;
            }
            self.end_access_in(&mut tx, sub, *state == LifecycleState::Deleted, now)
                .await?;
        }
        tx.commit().await?;
        Ok(new.len())
    }

    /// A subscription stopped granting access: its holders' linked roles are taken away,
    /// and with `delete`, every license ends.
    async fn end_access_in(
        &self,
        tx: &mut OrderTx,
        sub: &Subscription,
        delete: bool,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let Some(sub) = tx.lock_subscription(sub.guild, sub.id).await? else {
            return Ok(());
        };
        if delete {
            for member in tx.holders(sub.id).await? {
                self.unassign_in(
                    tx,
                    &sub,
                    member,
                    None,
                    LicenseReason::SubscriptionDeleted,
                    now,
                )
                .await?;
            }
        }
        tx.sync_member_roles(
            RoleScope::Subscription {
                guild: sub.guild,
                subscription_id: sub.id,
                roles: &[],
            },
            access_cutoff(now.date_naive(), self.settings.periods()),
            now,
        )
        .await?;
        Ok(())
    }

    /// After a redemption is written in `tx`: an extension may bring a disabled
    /// subscription back, and its holders get their linked role again.
    pub(super) async fn follow_redemption_in(
        &self,
        tx: &mut OrderTx,
        guild: GuildId,
        subscription_id: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        tx.sync_member_roles(
            RoleScope::Subscription {
                guild,
                subscription_id,
                roles: &[],
            },
            access_cutoff(now.date_naive(), self.settings.periods()),
            now,
        )
        .await?;
        Ok(())
    }

    /// The reconciliation pass, on start and every lifecycle tick: ends the licenses of
    /// deleted subscriptions that still have some, and brings every member's linked roles
    /// in line with the licenses. Returns how many role changes it queued.
    pub async fn reconcile_licenses(&self) -> anyhow::Result<u64> {
        let now = self.clock.now();
        let periods = self.settings.periods();
        for (guild, id) in self
            .store
            .deleted_with_licenses(deletion_cutoff(now.date_naive(), periods))
            .await?
        {
            let mut tx = self.store.begin().await?;
            if let Some(sub) = tx.lock_subscription(guild, id).await? {
                self.end_access_in(&mut tx, &sub, true, now).await?;
            }
            tx.commit().await?;
        }
        let mut tx = self.store.begin().await?;
        let queued = tx
            .sync_member_roles(
                RoleScope::All,
                access_cutoff(now.date_naive(), periods),
                now,
            )
            .await?;
        tx.commit().await?;
        if queued > 0 {
            tracing::info!(queued, "reconciliation queued role changes");
        }
        Ok(queued)
    }
}

/// The key of a request's notice: its message in the notice channel.
pub fn request_notice_key(id: Uuid) -> String {
    format!("license-request:{id}")
}

fn license_notice(guild: GuildId, dedupe_key: String, body: NoticeBody) -> NewNotice {
    NewNotice {
        guild,
        dedupe_key,
        kind: NoticeKind::License,
        body: body.to_json(),
    }
}

/// Why a closed request cannot be decided: who decided it and when, or that it expired.
fn closed_request(request: &LicenseRequest, now: DateTime<Utc>) -> LicenseRefusal {
    LicenseRefusal::RequestClosed {
        state: request.state,
        by: request.decided_by,
        at: request.decided_at.unwrap_or(now),
    }
}
