//! Opening an order, growing it, redeeming it, cancelling it, and expiring stale ones.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::{
    error::{AppError, UserError},
    review::{review_keys, Review},
    App,
};
use crate::domain::{
    judge_keys, plan_order, recheck_order_keys,
    records::{GuildId, Order, OrderKey, OrderState, RedeemedKey, Subscription, UserId},
    webhook::{EventSubscription, EventTerms, RedemptionFacts},
    AcceptedKeys, AttemptCause, KeyRefusal, KeyRefusalCause, NoticeBody, NoticeKind, OrderKind,
    Plan, SubscriptionRef, TypedKeys, WebhookEvent, MAX_KEYS_PER_ORDER,
};
use crate::store::{ExpiredOrder, NewNotice, NewOrder, OrderTx, RedemptionWrite};

/// How long a redemption whose COMMIT failed waits for the database to say whether it was
/// applied: well within the 15 minutes its interaction can still be answered.
const COMMIT_CHECK_FOR: std::time::Duration = std::time::Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub struct OpenOrder {
    pub guild: GuildId,
    pub user: UserId,
    pub locale: String,
    pub subscription: SubscriptionRef,
    pub kind: OrderKind,
    /// Free text as typed; may hold several keys.
    pub keys: String,
}

/// A redeemed order, as the admin is told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub redemption_id: i64,
    pub review: Review,
    pub redeemed_at: DateTime<Utc>,
}

/// Locks the subscription the admin named, in `tx`: autocomplete's id, or a name typed by
/// hand (a subscription may be named like a number).
async fn lock_subscription(
    tx: &mut OrderTx,
    guild: GuildId,
    reference: &SubscriptionRef,
) -> anyhow::Result<Option<Subscription>> {
    match reference {
        SubscriptionRef::Id(id) => match tx.lock_subscription(guild, *id).await? {
            Some(sub) => Ok(Some(sub)),
            None => tx.lock_subscription_by_name(guild, &id.to_string()).await,
        },
        SubscriptionRef::Name(name) => tx.lock_subscription_by_name(guild, name).await,
    }
}

/// An open order locked for redemption, with its subscription and keys locked in `tx`.
struct LockedOrder {
    tx: OrderTx,
    order: Order,
    sub: Subscription,
    keys: Vec<OrderKey>,
}

/// What redeeming `order` as `plan` writes: the subscription's new seats and end date,
/// the ledger entry with its keys, and the team channel's notice.
fn redemption_write(
    order: &Order,
    sub: &Subscription,
    keys: &[OrderKey],
    plan: &Plan,
) -> RedemptionWrite {
    let (seats_after, ends_after) = (plan.seats_after(), plan.ends_after());
    let notice = NoticeBody::Redemption {
        user: order.user.0,
        subscription: sub.name.clone(),
        kind: order.kind,
        seats_before: sub.seats,
        seats_after,
        ends_before: sub.ends_on,
        ends_after,
        keys: keys.len() as i64,
    };
    RedemptionWrite {
        order_id: order.id,
        guild: order.guild,
        user: order.user,
        subscription_id: sub.id,
        kind: order.kind,
        seats_before: sub.seats,
        seats_after,
        ends_before: sub.ends_on,
        ends_after,
        key_ids: keys.iter().map(|k| k.key.id).collect(),
        notice: notice.to_json(),
    }
}

/// What the `redemption.created` webhook event of redeeming `order` as `plan` says.
fn redemption_facts(
    order: &Order,
    sub: &Subscription,
    keys: &[OrderKey],
    plan: &Plan,
) -> RedemptionFacts {
    RedemptionFacts {
        guild: order.guild,
        user: order.user,
        subscription: EventSubscription {
            id: sub.id,
            name: sub.name.clone(),
            product: sub.product.sku.clone(),
        },
        kind: order.kind,
        before: Some(EventTerms {
            seats: sub.seats,
            ends_on: sub.ends_on,
        }),
        after: EventTerms {
            seats: plan.seats_after(),
            ends_on: plan.ends_after(),
        },
        keys: keys
            .iter()
            .map(|k| RedeemedKey {
                tail: k.key.tail.clone(),
                seats: k.key.seats,
                term: k.key.term,
            })
            .collect(),
    }
}

impl App {
    /// Resolves a subscription of this guild; another guild's id finds nothing.
    pub async fn find_subscription(
        &self,
        guild: GuildId,
        reference: &SubscriptionRef,
    ) -> Result<Subscription, AppError> {
        let found = match reference {
            SubscriptionRef::Id(id) => match self.store.subscription(guild, *id).await? {
                Some(sub) => Some(sub),
                // A subscription may be named like a number.
                None => {
                    self.store
                        .subscription_by_name(guild, &id.to_string())
                        .await?
                }
            },
            SubscriptionRef::Name(name) => self.store.subscription_by_name(guild, name).await?,
        };
        found.ok_or(AppError::User(UserError::SubscriptionNotFound))
    }

    /// `/add-licenses` and `/extend`: checks the keys and opens an order, or refuses and
    /// changes nothing.
    pub async fn open_order(&self, input: OpenOrder) -> Result<Review, AppError> {
        self.open_order_with_review(input, None).await
    }

    /// Like [`App::open_order`], remembering the interaction that shows the review (its
    /// application id and token) with the order, in the same transaction, so that the
    /// review can be updated when the order expires, from any process.
    #[instrument(skip_all, fields(guild = input.guild.0, user = input.user.0, kind = input.kind.as_str()))]
    pub async fn open_order_with_review(
        &self,
        input: OpenOrder,
        review: Option<(u64, &str)>,
    ) -> Result<Review, AppError> {
        let now = self.clock.now();
        // One transaction, one connection: every check reads what the insert will rely on.
        let mut tx = self.store.begin().await?;
        if let Some(until) = tx.locked_until(input.guild, input.user, now).await? {
            tx.rollback().await?;
            return Err(UserError::LockedOut { until }.into());
        }
        // The subscription is locked first: inserting the order takes a key-share lock on
        // its row (the foreign key), and two orders upgrading that lock later deadlock.
        let Some(sub) = lock_subscription(&mut tx, input.guild, &input.subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let typed = match TypedKeys::parse(0, &input.keys) {
            Ok(typed) => typed,
            Err(e) => {
                tx.rollback().await?;
                return Err(e.into());
            }
        };
        let stored = tx.keys_by_digest(&typed.digests()).await?;
        let accepted = match judge_keys(typed, &sub, &[], &stored, now.date_naive()) {
            Ok(accepted) => accepted,
            Err(refusals) => {
                // The connection goes back before the refusals take one to be recorded.
                tx.rollback().await?;
                self.record_refused_keys(input.guild, input.user, &refusals, now)
                    .await?;
                return Err(UserError::KeysRefused(refusals).into());
            }
        };
        let (order, keys) = tx
            .insert_order_with_keys(
                &NewOrder {
                    id: Uuid::new_v4(),
                    guild: input.guild,
                    user: input.user,
                    subscription_id: sub.id,
                    kind: input.kind,
                    locale: &input.locale,
                    created_at: now,
                    expires_at: now + self.settings.order_lifetime(),
                    review,
                },
                &accepted.ids,
            )
            .await?;
        // The rules are checked against the keys as stored, inside the transaction.
        let plan = plan_order(
            input.kind,
            &sub,
            &keys,
            now.date_naive(),
            self.settings.periods(),
        )?;
        tx.commit().await?;
        tracing::info!(order = %order.id, keys = keys.len(), "order opened");
        Ok(self.review_of(order, sub, &keys, plan, Vec::new()))
    }

    /// *Add another product key*: more keys join an open order of this user, or nothing
    /// changes and the refusals are returned with the order as it stands.
    #[instrument(skip_all, fields(guild = guild.0, user = user.0, order = %order_id))]
    pub async fn add_keys(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
        typed: &str,
    ) -> Result<Review, AppError> {
        let now = self.clock.now();
        let order = self.read_open_order(guild, user, order_id, now).await?;
        self.ensure_not_locked_out(guild, user, now).await?;
        let sub = self
            .store
            .subscription(guild, order.subscription_id)
            .await?
            .ok_or(AppError::User(UserError::SubscriptionNotFound))?;
        let existing = self.store.order_keys(order_id).await?;
        let accepted = self
            .accept_keys_or_record_refusals(guild, user, &sub, &existing, typed, now)
            .await?;

        let tx = self.store.begin().await?;
        let (mut tx, order) = self
            .lock_open_order_or_expire(tx, guild, user, order_id, now)
            .await?;
        let sub = tx
            .lock_subscription(guild, order.subscription_id)
            .await?
            .ok_or(AppError::User(UserError::SubscriptionNotFound))?;
        let before = tx.order_keys(order_id, false).await?;
        let before_ids: HashSet<i64> = before.iter().map(|k| k.key.id).collect();
        if accepted.ids.iter().any(|id| before_ids.contains(id)) {
            // Someone else's click added the same key a moment ago.
            tx.rollback().await?;
            return Err(UserError::KeysRefused(vec![]).into());
        }
        if before.len() + accepted.ids.len() > MAX_KEYS_PER_ORDER {
            tx.rollback().await?;
            return Err(UserError::TooManyKeys {
                max: MAX_KEYS_PER_ORDER,
                entered: before.len() + accepted.ids.len(),
            }
            .into());
        }
        tx.add_order_keys(order_id, &accepted.ids).await?;
        let keys = tx.order_keys(order_id, false).await?;
        let plan = plan_order(
            order.kind,
            &sub,
            &keys,
            now.date_naive(),
            self.settings.periods(),
        )?;
        tx.commit().await?;
        Ok(self.review_of(order, sub, &keys, plan, Vec::new()))
    }

    /// The review of an open order of this user, as it stands now.
    pub async fn review(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
    ) -> Result<Review, AppError> {
        let now = self.clock.now();
        let order = self.read_open_order(guild, user, order_id, now).await?;
        let sub = self
            .store
            .subscription(guild, order.subscription_id)
            .await?
            .ok_or(AppError::User(UserError::SubscriptionNotFound))?;
        let keys = self.store.order_keys(order_id).await?;
        let plan = plan_order(
            order.kind,
            &sub,
            &keys,
            now.date_naive(),
            self.settings.periods(),
        )?;
        Ok(self.review_of(order, sub, &keys, plan, Vec::new()))
    }

    /// **Redeem**: one transaction re-checks every key and the subscription under row
    /// locks, marks the keys redeemed, updates the subscription, writes the redemption and
    /// its notice. A second click, a double delivery or two admins at once never redeem a
    /// key twice nor apply an order twice; the loser is told what happened.
    #[instrument(skip_all, fields(guild = guild.0, user = user.0, order = %order_id))]
    pub async fn redeem(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
    ) -> Result<Receipt, AppError> {
        let now = self.clock.now();
        let today = now.date_naive();
        let LockedOrder {
            tx,
            order,
            sub,
            keys,
        } = self.lock_for_redemption(guild, user, order_id, now).await?;
        recheck_order_keys(&keys, &sub, guild, today)?;
        let plan = plan_order(order.kind, &sub, &keys, today, self.settings.periods())?;
        let write = redemption_write(&order, &sub, &keys, &plan);
        let facts = redemption_facts(&order, &sub, &keys, &plan);
        let redemption_id = self.commit_redemption(tx, &write, &facts, now).await?;
        tracing::info!(
            redemption = redemption_id,
            keys = keys.len(),
            "order redeemed"
        );
        let order = Order {
            state: OrderState::Redeemed,
            closed_at: Some(now),
            ..order
        };
        Ok(Receipt {
            redemption_id,
            review: self.review_of(order, sub, &keys, plan, Vec::new()),
            redeemed_at: now,
        })
    }

    /// Locks, in one new transaction and in the store's lock order, an open order of this
    /// guild and user (or expires it), its subscription and its keys. An order without
    /// keys has nothing to redeem.
    async fn lock_for_redemption(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<LockedOrder, AppError> {
        let tx = self.store.begin().await?;
        let (mut tx, order) = self
            .lock_open_order_or_expire(tx, guild, user, order_id, now)
            .await?;
        let sub = tx
            .lock_subscription(guild, order.subscription_id)
            .await?
            .ok_or(AppError::User(UserError::SubscriptionNotFound))?;
        let keys = tx.order_keys(order_id, true).await?;
        if keys.is_empty() {
            return Err(UserError::NoKeysEntered.into());
        }
        Ok(LockedOrder {
            tx,
            order,
            sub,
            keys,
        })
    }

    /// Writes the redemption and its `redemption.created` webhook event in `tx` and commits
    /// them; returns its ledger id. A COMMIT whose answer was lost may have been applied all
    /// the same: the ledger is asked before saying that nothing was changed.
    async fn commit_redemption(
        &self,
        mut tx: OrderTx,
        write: &RedemptionWrite,
        facts: &RedemptionFacts,
        now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let redemption_id = tx.write_redemption(write, now).await?;
        tx.record_events(&[WebhookEvent::redemption_created(redemption_id, facts, now)])
            .await?;
        if let Err(error) = tx.commit().await {
            self.applied_after_all(redemption_id, error).await?;
        }
        Ok(redemption_id)
    }

    /// After the COMMIT of redemption `id` failed with `error`: `Ok` if it was applied all
    /// the same, else `error` (nothing was changed), or `error` saying the outcome is unknown
    /// if the database did not answer within [`COMMIT_CHECK_FOR`]. The admin, deferred
    /// already, waits for the true answer meanwhile.
    async fn applied_after_all(&self, id: i64, error: anyhow::Error) -> anyhow::Result<()> {
        tracing::warn!(redemption = id, error = %format!("{error:#}"), "commit failed; asking whether it was applied");
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(200);
        loop {
            match self.store.redemption_exists(id).await {
                Ok(true) => {
                    tracing::info!(redemption = id, "the failed commit was applied");
                    return Ok(());
                }
                Ok(false) => return Err(error.context("the redemption was not applied")),
                Err(e) if started.elapsed() < COMMIT_CHECK_FOR => {
                    tracing::debug!(error = %e, "commit outcome not known yet");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(std::time::Duration::from_secs(5));
                }
                Err(e) => {
                    return Err(error.context(format!(
                        "whether the redemption was applied is unknown ({e:#})"
                    )))
                }
            }
        }
    }

    /// **Cancel**: closes an open order of this user; nothing else changes.
    #[instrument(skip_all, fields(guild = guild.0, user = user.0, order = %order_id))]
    pub async fn cancel(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
    ) -> Result<Order, AppError> {
        let now = self.clock.now();
        let tx = self.store.begin().await?;
        let (mut tx, order) = self
            .lock_open_order_or_expire(tx, guild, user, order_id, now)
            .await?;
        tx.close_order(order_id, OrderState::Cancelled, now).await?;
        tx.commit().await?;
        Ok(Order {
            state: OrderState::Cancelled,
            closed_at: Some(now),
            ..order
        })
    }

    /// Closes open orders past their expiry (each exactly once across processes).
    pub async fn expire_stale_orders(&self) -> Result<Vec<ExpiredOrder>, AppError> {
        Ok(self.store.expire_orders(self.clock.now()).await?)
    }

    /// Locks an order of this guild and user that is still open, in `tx`, and hands `tx`
    /// back; otherwise says why not. An order found open past its expiry is marked
    /// expired and `tx` is committed here, so it is not left open for anyone.
    async fn lock_open_order_or_expire(
        &self,
        mut tx: OrderTx,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(OrderTx, Order), AppError> {
        let order = tx
            .lock_order(guild, order_id)
            .await?
            .ok_or(AppError::User(UserError::OrderNotFound))?;
        if order.user != user {
            return Err(UserError::NotYourOrder.into());
        }
        if order.state != OrderState::Open {
            // Give the connection back before `closed_order_error` takes another from the
            // pool: a burst of second clicks, each holding one connection while waiting
            // for a second, would otherwise drain the pool until the acquire timeout.
            tx.rollback().await?;
            return Err(self.closed_order_error(&order, now).await?.into());
        }
        if order.expires_at <= now {
            tx.close_order(order_id, OrderState::Expired, now).await?;
            tx.commit().await?;
            return Err(UserError::OrderExpired.into());
        }
        Ok((tx, order))
    }

    async fn ensure_not_locked_out(
        &self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        match self.store.locked_until(guild, user, now).await? {
            Some(until) => Err(UserError::LockedOut { until }.into()),
            None => Ok(()),
        }
    }

    /// Reads (without locking) an order of this guild and user that is still open;
    /// otherwise says why not.
    async fn read_open_order(
        &self,
        guild: GuildId,
        user: UserId,
        order_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Order, AppError> {
        let order = self
            .store
            .order(guild, order_id)
            .await?
            .ok_or(AppError::User(UserError::OrderNotFound))?;
        if order.user != user {
            return Err(UserError::NotYourOrder.into());
        }
        if order.state != OrderState::Open || order.expires_at <= now {
            return Err(self.closed_order_error(&order, now).await?.into());
        }
        Ok(order)
    }

    async fn closed_order_error(
        &self,
        order: &Order,
        now: DateTime<Utc>,
    ) -> anyhow::Result<UserError> {
        Ok(match order.state {
            OrderState::Redeemed => match self.store.order_redeemed_by(order.id).await? {
                Some(by) => UserError::OrderRedeemed {
                    by: by.user,
                    at: by.at,
                },
                None => UserError::OrderRedeemed {
                    by: order.user,
                    at: order.closed_at.unwrap_or(now),
                },
            },
            OrderState::Cancelled => UserError::OrderCancelled,
            OrderState::Expired | OrderState::Open => UserError::OrderExpired,
        })
    }

    /// Parses what was typed and checks every key against the store; all or nothing.
    /// Refused keys are recorded for the audit trail and the lockout (committed here)
    /// before the refusal is returned.
    async fn accept_keys_or_record_refusals(
        &self,
        guild: GuildId,
        user: UserId,
        sub: &Subscription,
        existing: &[OrderKey],
        typed: &str,
        now: DateTime<Utc>,
    ) -> Result<AcceptedKeys, AppError> {
        let typed = TypedKeys::parse(existing.len(), typed)?;
        let stored = self.store.keys_by_digest(&typed.digests()).await?;
        let in_order: Vec<i64> = existing.iter().map(|k| k.key.id).collect();
        match judge_keys(typed, sub, &in_order, &stored, now.date_naive()) {
            Ok(accepted) => Ok(accepted),
            Err(refusals) => {
                self.record_refused_keys(guild, user, &refusals, now)
                    .await?;
                Err(UserError::KeysRefused(refusals).into())
            }
        }
    }

    /// Records refused keys for the audit trail and the lockout (repeats within one entry
    /// are slips, not guesses: they don't count); locks the user out when they reach the
    /// threshold.
    async fn record_refused_keys(
        &self,
        guild: GuildId,
        user: UserId,
        refusals: &[KeyRefusal],
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let counted: Vec<(Option<String>, AttemptCause)> = refusals
            .iter()
            .filter(|r| r.cause != KeyRefusalCause::RepeatedInOrder)
            .map(|r| (r.tail.clone(), r.cause.attempt_cause()))
            .collect();
        if !counted.is_empty() {
            let started = self
                .store
                .record_refusals(
                    guild,
                    user,
                    &counted,
                    now,
                    self.settings.lockout_policy(),
                    |until| NewNotice {
                        guild,
                        dedupe_key: format!("lockout:{}:{}:{}", guild.0, user.0, until.timestamp()),
                        kind: NoticeKind::Lockout,
                        body: NoticeBody::Lockout {
                            user: user.0,
                            until,
                        }
                        .to_json(),
                    },
                )
                .await?;
            if let Some(until) = started {
                tracing::warn!(until = %until, "user locked out of key entry");
            }
        }
        Ok(())
    }

    fn review_of(
        &self,
        order: Order,
        subscription: Subscription,
        keys: &[OrderKey],
        plan: Plan,
        refusals: Vec<KeyRefusal>,
    ) -> Review {
        let state = crate::domain::LifecycleState::on(
            subscription.ends_on,
            self.clock.today(),
            self.settings.periods(),
        );
        Review {
            order,
            subscription,
            state,
            keys: review_keys(keys),
            plan,
            refusals,
        }
    }
}
