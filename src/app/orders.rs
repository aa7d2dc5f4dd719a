//! Opening an order, growing it, redeeming it, cancelling it, and expiring stale ones: the
//! same path for every kind. Only what the order is for differs: add-licenses and extend
//! lock a subscription of the guild; an activation names the subscription it would start,
//! whose product is its first key's, and whose name is checked when it is opened and again
//! under the name's lock when it is redeemed.

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
    catalogue::normalise_subscription_name,
    judge_keys, key_gifts, plan_order, recheck_order_keys,
    records::{
        GuildId, Order, OrderKey, OrderState, OrderTarget, Product, RedeemedKey, StoredKey,
        Subject, Subscription, UserId,
    },
    webhook::{EventSubscription, EventTerms, RedemptionFacts},
    AcceptedKeys, AttemptCause, KeyDigest, KeyRefusal, KeyRefusalCause, LifecycleState, NoticeBody,
    NoticeKind, OrderKind, OrderProduct, Plan, SubscriptionRef, TypedKeys, WebhookEvent,
    MAX_KEYS_PER_ORDER,
};
use crate::store::{
    ExpiredOrder, NewNotice, NewOrder, OrderTx, RedemptionWrite, RefusalsRecorded, Written,
};

/// How long a redemption whose COMMIT failed waits for the database to say whether it was
/// applied: well within the 15 minutes its interaction can still be answered.
const COMMIT_CHECK_FOR: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// An order to open. Its `Debug` leaves out what was typed (it may hold keys).
#[derive(Clone)]
pub struct OpenOrder {
    pub guild: GuildId,
    pub user: UserId,
    pub locale: String,
    /// The subscription the order is for. For `activate`, the subscription it would start,
    /// by the name the admin gives it (a number is taken as that name too).
    pub subscription: SubscriptionRef,
    pub kind: OrderKind,
    /// Free text as typed; may hold several keys.
    pub keys: String,
}

impl std::fmt::Debug for OpenOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenOrder")
            .field("guild", &self.guild)
            .field("user", &self.user)
            .field("locale", &self.locale)
            .field("subscription", &self.subscription)
            .field("kind", &self.kind)
            .field(
                "keys",
                &format_args!("<{} characters>", self.keys.chars().count()),
            )
            .finish()
    }
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
pub(super) async fn lock_subscription(
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

/// What an order being opened is for, before its keys are judged: a locked subscription
/// of the guild, or the name of the subscription an activation would start (its product
/// is not known until its first key is).
enum Wanted {
    Existing(Subscription),
    New(String),
}

impl Wanted {
    /// The product the keys must be for, when it is known already.
    fn product(&self) -> Option<OrderProduct<'_>> {
        match self {
            Wanted::Existing(sub) => Some((&sub.product).into()),
            Wanted::New(_) => None,
        }
    }
}

/// The product of the first accepted key: an activation's product.
fn first_key_sku(accepted: &AcceptedKeys, stored: &[(KeyDigest, StoredKey)]) -> Option<String> {
    let first = accepted.ids.first()?;
    stored
        .iter()
        .find(|(_, key)| key.id == *first)
        .map(|(_, key)| key.product_sku.clone())
}

/// An open order locked for redemption, with what it is for and its keys locked in `tx`.
struct LockedOrder {
    tx: OrderTx,
    order: Order,
    subject: Subject,
    keys: Vec<OrderKey>,
}

/// What redeeming `order` as `plan` writes: the subscription's new seats and end date (for
/// an activation, the new subscription), the ledger entry with its keys, and the team
/// channel's notice.
fn redemption_write(
    order: &Order,
    subject: &Subject,
    keys: &[OrderKey],
    plan: &Plan,
) -> RedemptionWrite {
    let (seats_after, ends_after) = (plan.seats_after(), plan.ends_after());
    let key_count = keys.len() as i64;
    let (seats_before, ends_before, notice) = match subject {
        Subject::Existing(sub) => (
            Some(sub.seats),
            Some(sub.ends_on),
            NoticeBody::Redemption {
                user: order.user.0,
                subscription: sub.name.clone(),
                kind: order.kind,
                seats_before: sub.seats,
                seats_after,
                ends_before: sub.ends_on,
                ends_after,
                keys: key_count,
            },
        ),
        Subject::New { name, product } => (
            None,
            None,
            NoticeBody::Activation {
                user: order.user.0,
                subscription: name.clone(),
                product: product.name.clone(),
                seats: seats_after,
                ends_on: ends_after,
                keys: key_count,
            },
        ),
    };
    RedemptionWrite {
        order_id: order.id,
        guild: order.guild,
        user: order.user,
        target: subject.target(),
        kind: order.kind,
        seats_before,
        seats_after,
        ends_before,
        ends_after,
        key_ids: keys.iter().map(|k| k.key.id).collect(),
        gifts: key_gifts(plan, &keys.iter().map(|k| k.key.seats).collect::<Vec<_>>()),
        notice: notice.to_json(),
    }
}

/// What the `redemption.created` webhook event of redeeming `order` as `plan` says.
fn redemption_facts(
    order: &Order,
    subject: &Subject,
    keys: &[OrderKey],
    plan: &Plan,
) -> RedemptionFacts {
    RedemptionFacts {
        guild: order.guild,
        user: order.user,
        subscription: EventSubscription {
            // An activation's subscription gets its id when it is written.
            id: subject.subscription().map_or(0, |sub| sub.id),
            name: subject.name().to_string(),
            product: subject.product().sku.clone(),
        },
        kind: order.kind,
        // An activation has no "before".
        before: subject.subscription().map(|sub| EventTerms {
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
                batch: k.key.batch.clone(),
                reference: k.key.reference.clone(),
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

    /// `/add-licenses`, `/extend` and `/activate`: checks the keys (and an activation's
    /// name) and opens an order, or refuses and changes nothing.
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
        let today = now.date_naive();
        // An activation's name is checked before anything is read.
        let new_name = match input.kind {
            OrderKind::Activate => Some(normalise_subscription_name(&match &input.subscription {
                SubscriptionRef::Id(id) => id.to_string(),
                SubscriptionRef::Name(name) => name.clone(),
            })?),
            OrderKind::AddLicenses | OrderKind::Extend => None,
        };
        // One transaction, one connection: every check reads what the insert will rely on.
        let mut tx = self.store.begin().await?;
        if let Some(until) = tx.locked_until(input.guild, input.user, now).await? {
            tx.rollback().await?;
            return Err(UserError::LockedOut { until }.into());
        }
        let wanted = match new_name {
            // The subscription is locked first: inserting the order takes a key-share lock
            // on its row (the foreign key), and two orders upgrading that lock later
            // deadlock.
            None => match lock_subscription(&mut tx, input.guild, &input.subscription).await? {
                Some(sub) if tx.is_suspended(sub.id).await? => {
                    tx.rollback().await?;
                    return Err(UserError::Suspended {
                        subscription: sub.name,
                    }
                    .into());
                }
                Some(sub) => Wanted::Existing(sub),
                None => {
                    tx.rollback().await?;
                    return Err(UserError::SubscriptionNotFound.into());
                }
            },
            // A name in use is refused now; Redeem checks again, under the name's lock.
            Some(name) => match tx.subscription_by_name(input.guild, &name).await? {
                Some(taken) => {
                    tx.rollback().await?;
                    return Err(self.name_taken(&taken, today).into());
                }
                None => Wanted::New(name),
            },
        };
        let typed = match TypedKeys::parse(0, &input.keys) {
            Ok(typed) => typed,
            Err(e) => {
                tx.rollback().await?;
                return Err(e.into());
            }
        };
        let stored = tx.keys_by_digest(&typed.digests()).await?;
        let accepted = match judge_keys(typed, wanted.product(), &[], &stored, today) {
            Ok(accepted) => accepted,
            Err(refusals) => {
                // The connection goes back before the refusals take one to be recorded.
                tx.rollback().await?;
                return Err(self
                    .record_refused_keys(input.guild, input.user, refusals, now)
                    .await?
                    .into());
            }
        };
        let subject = match wanted {
            Wanted::Existing(sub) => Subject::Existing(sub),
            // The first key's product decides (all keys were judged against it).
            Wanted::New(name) => {
                let sku = first_key_sku(&accepted, &stored)
                    .ok_or_else(|| anyhow::anyhow!("an activation accepted without keys"))?;
                let product = tx
                    .product(&sku)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("the product {sku} of a key is gone"))?;
                Subject::New { name, product }
            }
        };
        let (order, keys) = tx
            .insert_order_with_keys(
                &NewOrder {
                    id: Uuid::new_v4(),
                    guild: input.guild,
                    user: input.user,
                    target: subject.target(),
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
        let plan = plan_order(input.kind, &subject, &keys, today, self.settings.periods())?;
        tx.commit().await?;
        tracing::info!(order = %order.id, keys = keys.len(), "order opened");
        Ok(self
            .review_of(order, subject, &keys, plan, Vec::new())
            .await?)
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
        let subject = self.subject_of(&order).await?;
        let existing = self.store.order_keys(order_id).await?;
        let accepted = self
            .accept_keys_or_record_refusals(
                guild,
                user,
                subject.product().into(),
                &existing,
                typed,
                now,
            )
            .await?;

        let tx = self.store.begin().await?;
        let (mut tx, order) = self
            .lock_open_order_or_expire(tx, guild, user, order_id, now)
            .await?;
        let subject = lock_subject(&mut tx, &order).await?;
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
            &subject,
            &keys,
            now.date_naive(),
            self.settings.periods(),
        )?;
        tx.commit().await?;
        Ok(self
            .review_of(order, subject, &keys, plan, Vec::new())
            .await?)
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
        let subject = self.subject_of(&order).await?;
        let keys = self.store.order_keys(order_id).await?;
        let plan = plan_order(
            order.kind,
            &subject,
            &keys,
            now.date_naive(),
            self.settings.periods(),
        )?;
        Ok(self
            .review_of(order, subject, &keys, plan, Vec::new())
            .await?)
    }

    /// What an order is for, as it stands now (without locking): its subscription, or the
    /// subscription an activation would start.
    async fn subject_of(&self, order: &Order) -> Result<Subject, AppError> {
        match &order.target {
            OrderTarget::Subscription(id) => Ok(Subject::Existing(
                self.store
                    .subscription(order.guild, *id)
                    .await?
                    .ok_or(AppError::User(UserError::SubscriptionNotFound))?,
            )),
            OrderTarget::New { name, product_sku } => Ok(Subject::New {
                name: name.clone(),
                product: known_product(self.store.product(product_sku).await?, product_sku)?,
            }),
        }
    }

    /// Refuses an activation's name that a subscription of the guild has (a deleted one
    /// keeps its name: the ledger and old notices name it).
    fn name_taken(&self, taken: &Subscription, today: chrono::NaiveDate) -> UserError {
        let state = LifecycleState::on(taken.ends_on, today, self.settings.periods());
        UserError::NameTaken {
            name: taken.name.clone(),
            deleted: state == LifecycleState::Deleted,
        }
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
            subject,
            keys,
        } = self.lock_for_redemption(guild, user, order_id, now).await?;
        recheck_order_keys(&keys, subject.product().into(), guild, today)?;
        let plan = plan_order(order.kind, &subject, &keys, today, self.settings.periods())?;
        let write = redemption_write(&order, &subject, &keys, &plan);
        let facts = redemption_facts(&order, &subject, &keys, &plan);
        let (redemption_id, subscription_id) =
            self.commit_redemption(tx, &write, &facts, now).await?;
        tracing::info!(
            redemption = redemption_id,
            subscription = subscription_id,
            keys = keys.len(),
            "order redeemed"
        );
        let order = Order {
            state: OrderState::Redeemed,
            closed_at: Some(now),
            ..order
        };
        // An activation's subscription exists now.
        let subject = match subject {
            Subject::New { name, product } => Subject::Existing(Subscription {
                id: subscription_id,
                guild,
                product,
                name,
                seats: plan.seats_after(),
                ends_on: plan.ends_after(),
            }),
            existing @ Subject::Existing(_) => existing,
        };
        Ok(Receipt {
            redemption_id,
            review: self
                .review_of(order, subject, &keys, plan, Vec::new())
                .await?,
            redeemed_at: now,
        })
    }

    /// Locks, in one new transaction and in the store's lock order, an open order of this
    /// guild and user (or expires it), its subscription (for an activation, its name, which
    /// must still be free) and its keys. An order without keys has nothing to redeem.
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
        let subject = lock_subject(&mut tx, &order).await?;
        // Suspended since the order was opened: nothing is redeemed on it.
        if let Subject::Existing(sub) = &subject {
            if tx.is_suspended(sub.id).await? {
                tx.rollback().await?;
                return Err(UserError::Suspended {
                    subscription: sub.name.clone(),
                }
                .into());
            }
        }
        if let Subject::New { name, .. } = &subject {
            // Activations of one name queue here; each sees what the one before committed.
            tx.lock_subscription_name(guild, name).await?;
            if let Some(taken) = tx.subscription_by_name(guild, name).await? {
                tx.rollback().await?;
                return Err(self.name_taken(&taken, now.date_naive()).into());
            }
        }
        let keys = tx.order_keys(order_id, true).await?;
        if keys.is_empty() {
            return Err(UserError::NoKeysEntered.into());
        }
        Ok(LockedOrder {
            tx,
            order,
            subject,
            keys,
        })
    }

    /// Writes the redemption and its `redemption.created` webhook event in `tx` and commits
    /// them; returns its ledger id and its subscription's. A COMMIT whose answer was lost may
    /// have been applied all the same: the ledger is asked before saying that nothing was
    /// changed.
    async fn commit_redemption(
        &self,
        mut tx: OrderTx,
        write: &RedemptionWrite,
        facts: &RedemptionFacts,
        now: DateTime<Utc>,
    ) -> Result<(i64, i64), AppError> {
        let (redemption_id, subscription_id) = match tx.write_redemption(write, now).await? {
            Written::Redemption {
                id,
                subscription_id,
            } => (id, subscription_id),
            // The unique index, the last line of defence behind the name's lock, refused
            // the new subscription's name: nothing was written.
            Written::NameTaken => {
                tx.rollback().await?;
                return Err(self.name_taken_by_another(write, now).await?.into());
            }
        };
        self.follow_redemption_in(&mut tx, write.guild, subscription_id, now)
            .await?;
        // An activation's subscription has its id only now.
        let facts = RedemptionFacts {
            subscription: EventSubscription {
                id: subscription_id,
                ..facts.subscription.clone()
            },
            ..facts.clone()
        };
        tx.record_events(&[WebhookEvent::redemption_created(redemption_id, &facts, now)])
            .await?;
        if let Err(error) = tx.commit().await {
            self.applied_after_all(redemption_id, error).await?;
        }
        Ok((redemption_id, subscription_id))
    }

    /// The refusal of an activation whose name a subscription took without the name's
    /// lock (one created from the command line, say).
    async fn name_taken_by_another(
        &self,
        write: &RedemptionWrite,
        now: DateTime<Utc>,
    ) -> anyhow::Result<UserError> {
        let OrderTarget::New { name, .. } = &write.target else {
            anyhow::bail!("an existing subscription's name was refused");
        };
        Ok(
            match self.store.subscription_by_name(write.guild, name).await? {
                Some(taken) => self.name_taken(&taken, now.date_naive()),
                None => UserError::NameTaken {
                    name: name.clone(),
                    deleted: false,
                },
            },
        )
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
        product: OrderProduct<'_>,
        existing: &[OrderKey],
        typed: &str,
        now: DateTime<Utc>,
    ) -> Result<AcceptedKeys, AppError> {
        let typed = TypedKeys::parse(existing.len(), typed)?;
        let stored = self.store.keys_by_digest(&typed.digests()).await?;
        let in_order: Vec<i64> = existing.iter().map(|k| k.key.id).collect();
        match judge_keys(typed, Some(product), &in_order, &stored, now.date_naive()) {
            Ok(accepted) => Ok(accepted),
            Err(refusals) => Err(self
                .record_refused_keys(guild, user, refusals, now)
                .await?
                .into()),
        }
    }

    /// Records refused keys for the audit trail and the lockout (repeats within one entry
    /// are slips, not guesses: they don't count), and says what to tell the admin: the
    /// refusals key by key, or a lockout when the entry held more refused keys than the
    /// lockout still allowed (or another entry locked the user out meanwhile), so that no
    /// entry, nor entries at once, learn more about more keys than the threshold.
    async fn record_refused_keys(
        &self,
        guild: GuildId,
        user: UserId,
        refusals: Vec<KeyRefusal>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<UserError> {
        let counted: Vec<(Option<String>, AttemptCause)> = refusals
            .iter()
            .filter(|r| r.cause != KeyRefusalCause::RepeatedInOrder)
            .map(|r| (r.tail.clone(), r.cause.attempt_cause()))
            .collect();
        if counted.is_empty() {
            return Ok(UserError::KeysRefused(refusals));
        }
        let recorded = self
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
        Ok(match recorded {
            RefusalsRecorded::Counted { lockout } => {
                if let Some(until) = lockout {
                    tracing::warn!(until = %until, "user locked out of key entry");
                }
                UserError::KeysRefused(refusals)
            }
            RefusalsRecorded::LockedOut { until, started } => {
                if started {
                    tracing::warn!(until = %until, keys = counted.len(), "user locked out of key entry by an entry past the lockout's budget");
                }
                UserError::LockedOut { until }
            }
        })
    }

    async fn review_of(
        &self,
        order: Order,
        subject: Subject,
        keys: &[OrderKey],
        plan: Plan,
        refusals: Vec<KeyRefusal>,
    ) -> anyhow::Result<Review> {
        // A new subscription would start active, with no license assigned.
        let (ends_on, assigned) = match &subject {
            Subject::Existing(sub) => (sub.ends_on, self.store.assigned_count(sub.id).await?),
            Subject::New { .. } => (plan.ends_after(), 0),
        };
        let state = LifecycleState::on(ends_on, self.clock.today(), self.settings.periods());
        Ok(Review {
            order,
            subject,
            state,
            assigned,
            keys: review_keys(keys),
            plan,
            refusals,
        })
    }
}

/// Locks what an order is for, in `tx`: its subscription's row, or for an activation reads
/// the product of its keys (its name is locked only when it is redeemed).
async fn lock_subject(tx: &mut OrderTx, order: &Order) -> Result<Subject, AppError> {
    match &order.target {
        OrderTarget::Subscription(id) => Ok(Subject::Existing(
            tx.lock_subscription(order.guild, *id)
                .await?
                .ok_or(AppError::User(UserError::SubscriptionNotFound))?,
        )),
        OrderTarget::New { name, product_sku } => Ok(Subject::New {
            name: name.clone(),
            product: known_product(tx.product(product_sku).await?, product_sku)?,
        }),
    }
}

/// An order's product, which the schema keeps (products are never deleted).
fn known_product(product: Option<Product>, sku: &str) -> anyhow::Result<Product> {
    product.ok_or_else(|| anyhow::anyhow!("the product {sku} of an order is gone"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_orders_debug_form_holds_no_typed_key() {
        let key = "BCDFG-HJKMP-QRTVW-XY234-6789B";
        let order = OpenOrder {
            guild: GuildId(1),
            user: UserId(2),
            locale: "en-US".into(),
            subscription: SubscriptionRef::Name("Contoso".into()),
            kind: OrderKind::AddLicenses,
            keys: format!("{key}\n{}", key.replace('-', "").to_lowercase()),
        };
        let debug = format!("{order:?} {order:#?}").to_uppercase();
        assert!(!debug.contains(&key[..17]), "{debug}");
        assert!(!debug.contains(&key.replace('-', "")[..15]), "{debug}");
        assert!(
            debug.contains("CONTOSO"),
            "the rest is still shown: {debug}"
        );
    }
}
