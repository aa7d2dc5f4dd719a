//! Orders, and the transaction in which an order is grown, closed or redeemed.
//!
//! Lock order, everywhere: the order row, then the subscription row (for an activation,
//! the advisory lock on the new subscription's name instead), then the key rows by
//! ascending id. Two transactions can then never wait on each other in a cycle.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, SubsecRound as _, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::{
    guild_param,
    keys::{redeemed_by, stored_key_from_row},
    parse_column,
    subscriptions::subscription_from_row,
    user_param, Store,
};
use crate::domain::{
    records::{
        GuildId, Order, OrderKey, OrderState, OrderTarget, Product, StoredKey, Subscription, UserId,
    },
    KeyDigest, KeyGift, OrderKind,
};

/// The unique index that keeps a subscription's name unique in its guild, by its normalised,
/// case-folded form (`name_key`, migration `20261208000010`).
const NAME_INDEX: &str = "subscriptions_guild_name_key";

/// The previous release's index on (guild_id, lower(name)), kept beside [`NAME_INDEX`] for
/// rolling upgrades (migration `20261208000020`). A name it refuses is taken by
/// [`NAME_INDEX`] too; PostgreSQL names whichever of the two is older (after a restore,
/// this one).
const PREVIOUS_NAME_INDEX: &str = "subscriptions_guild_name";

/// What a redemption changes, written in one go.
#[derive(Debug, Clone)]
pub struct RedemptionWrite {
    pub order_id: Uuid,
    pub guild: GuildId,
    pub user: UserId,
    /// The subscription to update, or for an activation the one to create.
    pub target: OrderTarget,
    pub kind: OrderKind,
    /// None for an activation: the subscription did not exist.
    pub seats_before: Option<i64>,
    pub seats_after: i64,
    /// None for an activation.
    pub ends_before: Option<NaiveDate>,
    pub ends_after: NaiveDate,
    pub key_ids: Vec<i64>,
    /// What each key gives the subscription (seats, days), in the order of `key_ids`.
    pub gifts: Vec<KeyGift>,
    /// The redemption notice's body; it is enqueued with the dedupe key
    /// `redemption:<ledger id>`.
    pub notice: serde_json::Value,
}

/// What writing a redemption did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The ledger entry, and the subscription it was redeemed on (for an activation, the
    /// one it created).
    Redemption { id: i64, subscription_id: i64 },
    /// An activation's name was taken meanwhile, by a subscription created without the
    /// name's lock: nothing was written, and the transaction must be rolled back.
    NameTaken,
}

/// Who closed an order, for "already redeemed by @ana at 14:02".
#[derive(Debug, Clone)]
pub struct ClosedBy {
    pub user: UserId,
    pub at: DateTime<Utc>,
}

/// What an order row is for: its subscription, or the name and product of the one it
/// would start; exactly one, and the one its kind needs (the schema checks it too).
fn order_target(
    kind: OrderKind,
    subscription_id: Option<i64>,
    new_name: Option<String>,
    product_sku: Option<String>,
) -> anyhow::Result<OrderTarget> {
    let target = match (subscription_id, new_name, product_sku) {
        (Some(id), None, None) => OrderTarget::Subscription(id),
        (None, Some(name), Some(product_sku)) => OrderTarget::New { name, product_sku },
        _ => anyhow::bail!("an order row names both or neither of a subscription and a new one"),
    };
    anyhow::ensure!(
        (kind == OrderKind::Activate) == matches!(target, OrderTarget::New { .. }),
        "an order of kind {kind} with the wrong target"
    );
    Ok(target)
}

/// An order row as every query below selects it.
macro_rules! order_from_row {
    ($r:expr) => {{
        let r = $r;
        (|| -> anyhow::Result<Order> {
            let kind: OrderKind = parse_column(&r.kind)?;
            Ok(Order {
                id: r.id,
                guild: GuildId(r.guild_id as u64),
                user: UserId(r.user_id as u64),
                target: order_target(kind, r.subscription_id, r.new_name, r.product_sku)?,
                kind,
                state: parse_column(&r.state)?,
                locale: r.locale,
                created_at: r.created_at,
                expires_at: r.expires_at,
                closed_at: r.closed_at,
            })
        })()
    }};
}

/// A new order, before it has keys.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub id: Uuid,
    pub guild: GuildId,
    pub user: UserId,
    pub target: OrderTarget,
    pub kind: OrderKind,
    pub locale: &'a str,
    /// The application's clock, not the database's: `expires_at` is counted from it.
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The interaction showing the review, kept so the review can be updated when the
    /// order expires: (application id, interaction token).
    pub review: Option<(u64, &'a str)>,
}

/// An open order that has passed its expiry, with what is needed to update its review.
#[derive(Debug, Clone)]
pub struct ExpiredOrder {
    pub id: Uuid,
    pub guild: GuildId,
    pub locale: String,
    pub application_id: Option<u64>,
    pub review_token: Option<String>,
}

impl Store {
    pub async fn begin(&self) -> anyhow::Result<OrderTx> {
        let tx = self.pool.begin().await.context("starting a transaction")?;
        Ok(OrderTx { tx })
    }

    /// A guild's order, without locking it. Another guild's order id finds nothing.
    pub async fn order(&self, guild: GuildId, id: Uuid) -> anyhow::Result<Option<Order>> {
        let row = sqlx::query!(
            r#"SELECT id, guild_id, user_id, subscription_id, new_name, product_sku, kind, state,
                      locale, created_at, expires_at, closed_at
               FROM orders WHERE guild_id = $1 AND id = $2"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading an order")?;
        row.map(|r| order_from_row!(r)).transpose()
    }

    /// The keys of an order, in the order they were entered.
    pub async fn order_keys(&self, order_id: Uuid) -> anyhow::Result<Vec<OrderKey>> {
        let mut tx = self.begin().await?;
        let rows = tx.order_keys(order_id, false).await?;
        tx.rollback().await?;
        Ok(rows)
    }

    /// Who closed a redeemed order and when.
    pub async fn order_redeemed_by(&self, order_id: Uuid) -> anyhow::Result<Option<ClosedBy>> {
        let row = sqlx::query!(
            "SELECT user_id, redeemed_at FROM redemptions WHERE order_id = $1",
            order_id
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading an order's redemption")?;
        Ok(row.map(|r| ClosedBy {
            user: UserId(r.user_id as u64),
            at: r.redeemed_at,
        }))
    }

    /// Closes every open order past its expiry and returns them (each exactly once, even
    /// with several processes doing this at the same time).
    pub async fn expire_orders(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<ExpiredOrder>> {
        let rows = sqlx::query!(
            r#"WITH due AS (
                   SELECT id, application_id, review_token FROM orders
                   WHERE state = 'open' AND expires_at <= $1
                   ORDER BY expires_at
                   LIMIT 500
                   FOR UPDATE SKIP LOCKED)
               UPDATE orders o
               SET state = 'expired', closed_at = $1, application_id = NULL, review_token = NULL
               FROM due WHERE o.id = due.id
               RETURNING o.id, o.guild_id, o.locale, due.application_id, due.review_token"#,
            now
        )
        .fetch_all(&self.pool)
        .await
        .context("expiring orders")?;
        Ok(rows
            .into_iter()
            .map(|r| ExpiredOrder {
                id: r.id,
                guild: GuildId(r.guild_id as u64),
                locale: r.locale,
                application_id: r.application_id.map(|a| a as u64),
                review_token: r.review_token,
            })
            .collect())
    }
}

/// A transaction over orders, subscriptions, keys, the ledger and the outbox (and, in
/// `licenses.rs`, licenses and their role changes).
pub struct OrderTx {
    pub(super) tx: Transaction<'static, Postgres>,
}

impl OrderTx {
    /// The transaction's connection, for the queries of the other table families.
    pub(super) fn conn(&mut self) -> &mut sqlx::PgConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> anyhow::Result<()> {
        self.tx.commit().await.context("committing")
    }

    pub async fn rollback(self) -> anyhow::Result<()> {
        self.tx.rollback().await.context("rolling back")
    }

    /// Locks a guild's order row; another guild's order id finds nothing.
    pub async fn lock_order(&mut self, guild: GuildId, id: Uuid) -> anyhow::Result<Option<Order>> {
        let row = sqlx::query!(
            r#"SELECT id, guild_id, user_id, subscription_id, new_name, product_sku, kind, state,
                      locale, created_at, expires_at, closed_at
               FROM orders WHERE guild_id = $1 AND id = $2
               FOR UPDATE"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("locking an order")?;
        row.map(|r| order_from_row!(r)).transpose()
    }

    /// Until when this user is locked out of key entry in this guild, if they are now.
    pub async fn locked_until(
        &mut self,
        guild: GuildId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<DateTime<Utc>>> {
        super::audit::lockout_end(&mut *self.tx, guild, user, now).await
    }

    /// The stored keys with these digests (any order; unknown digests are simply absent).
    pub async fn keys_by_digest(
        &mut self,
        digests: &[KeyDigest],
    ) -> anyhow::Result<Vec<(KeyDigest, StoredKey)>> {
        super::keys::by_digest(&mut *self.tx, digests).await
    }

    /// Opens an order with its keys, in one statement, and returns it with its keys as
    /// stored (by position).
    pub async fn insert_order_with_keys(
        &mut self,
        new: &NewOrder<'_>,
        key_ids: &[i64],
    ) -> anyhow::Result<(Order, Vec<OrderKey>)> {
        let (subscription_id, new_name, product_sku) = match &new.target {
            OrderTarget::Subscription(id) => (Some(*id), None, None),
            OrderTarget::New { name, product_sku } => {
                (None, Some(name.as_str()), Some(product_sku.as_str()))
            }
        };
        let rows = sqlx::query!(
            r#"WITH o AS (
                   INSERT INTO orders (id, guild_id, user_id, subscription_id, new_name,
                                       product_sku, kind, locale, created_at, expires_at,
                                       application_id, review_token)
                   VALUES ($1, $2, $3, $4, $12, $13, $5, $6, $7, $8, $9, $10)
                   RETURNING id),
               ok AS (
                   INSERT INTO order_keys (order_id, key_id, position)
                   SELECT o.id, k.key_id, k.ord::smallint
                   FROM o, unnest($11::bigint[]) WITH ORDINALITY AS k(key_id, ord)
                   RETURNING key_id, position)
               SELECT ok.position, k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at,
                      r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?",
                      r.redeemed_at AS "redeemed_at?"
               FROM ok
               JOIN product_keys k ON k.id = ok.key_id
               JOIN products p ON p.sku = k.product_sku
               LEFT JOIN redemption_keys rk ON rk.key_id = k.id
               LEFT JOIN redemptions r ON r.id = rk.redemption_id
               ORDER BY ok.position"#,
            new.id,
            guild_param(new.guild),
            user_param(new.user),
            subscription_id,
            new.kind.as_str(),
            new.locale,
            new.created_at,
            new.expires_at,
            new.review.map(|(app, _)| app as i64),
            new.review.map(|(_, token)| token),
            key_ids,
            new_name,
            product_sku
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("inserting an order")?;
        let keys = rows
            .into_iter()
            .map(|r| {
                let redeemed_by = redeemed_by(r.redeemed_user, r.redeemed_guild, r.redeemed_at);
                Ok(OrderKey {
                    position: r.position,
                    key: stored_key_from_row!(r),
                    redeemed_by,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        // The row as stored: timestamps keep microseconds.
        let order = Order {
            id: new.id,
            guild: new.guild,
            user: new.user,
            target: new.target.clone(),
            kind: new.kind,
            state: OrderState::Open,
            locale: new.locale.to_string(),
            created_at: new.created_at.trunc_subsecs(6),
            expires_at: new.expires_at.trunc_subsecs(6),
            closed_at: None,
        };
        Ok((order, keys))
    }

    /// A product by its SKU.
    pub async fn product(&mut self, sku: &str) -> anyhow::Result<Option<Product>> {
        let row = sqlx::query!(
            "SELECT sku, name, max_seats FROM products WHERE sku = $1",
            sku
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a product")?;
        Ok(row.map(|r| Product {
            sku: r.sku,
            name: r.name,
            max_seats: r.max_seats.map(i64::from),
        }))
    }

    /// A guild's subscription by its name (by `name_key`, as the unique index
    /// compares names), without locking it.
    pub async fn subscription_by_name(
        &mut self,
        guild: GuildId,
        name: &str,
    ) -> anyhow::Result<Option<Subscription>> {
        if name.contains('\0') {
            // PostgreSQL text cannot hold NUL: no name has one, and the query would fail.
            return Ok(None);
        }
        let row = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1 AND name_key(s.name) = name_key($2)"#,
            guild_param(guild),
            name
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("reading a subscription by name")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    /// Takes, until the end of the transaction, the lock on a subscription name of a
    /// guild (by `name_key`): activations that would start a subscription of this
    /// name queue here, so that each sees whether the one before took it.
    pub async fn lock_subscription_name(
        &mut self,
        guild: GuildId,
        name: &str,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "SELECT pg_advisory_xact_lock(hashtextextended('subscription-name:' || $1::text || ':' || name_key($2), 0))",
            guild_param(guild).to_string(),
            name
        )
        .execute(&mut *self.tx)
        .await
        .context("locking a subscription name")?;
        Ok(())
    }

    /// Locks a guild's subscription row by its name (by `name_key`: normalised, case-folded).
    pub async fn lock_subscription_by_name(
        &mut self,
        guild: GuildId,
        name: &str,
    ) -> anyhow::Result<Option<Subscription>> {
        if name.contains('\0') {
            // PostgreSQL text cannot hold NUL: no name has one, and the query would fail.
            return Ok(None);
        }
        let row = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1 AND name_key(s.name) = name_key($2)
               FOR UPDATE OF s"#,
            guild_param(guild),
            name
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("locking a subscription by name")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    /// Locks a guild's subscription row.
    pub async fn lock_subscription(
        &mut self,
        guild: GuildId,
        id: i64,
    ) -> anyhow::Result<Option<Subscription>> {
        let row = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1 AND s.id = $2
               FOR UPDATE OF s"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&mut *self.tx)
        .await
        .context("locking a subscription")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    /// The keys of an order by position; with `lock`, their rows are locked (by id order).
    pub async fn order_keys(
        &mut self,
        order_id: Uuid,
        lock: bool,
    ) -> anyhow::Result<Vec<OrderKey>> {
        if lock {
            // Take the key locks in id order first, so that competing orders sharing keys
            // queue instead of deadlocking.
            sqlx::query!(
                r#"SELECT k.id FROM product_keys k
                   WHERE k.id IN (SELECT key_id FROM order_keys WHERE order_id = $1)
                   ORDER BY k.id
                   FOR UPDATE"#,
                order_id
            )
            .fetch_all(&mut *self.tx)
            .await
            .context("locking an order's keys")?;
        }
        let rows = sqlx::query!(
            r#"SELECT ok.position, k.id, k.tail, k.product_sku, p.name AS product_name, k.seats,
                      k.term_count, k.term_unit, k.expires_on, k.batch, k.reference, k.state, k.created_at,
                      r.user_id AS "redeemed_user?", r.guild_id AS "redeemed_guild?",
                      r.redeemed_at AS "redeemed_at?"
               FROM order_keys ok
               JOIN product_keys k ON k.id = ok.key_id
               JOIN products p ON p.sku = k.product_sku
               LEFT JOIN redemption_keys rk ON rk.key_id = k.id
               LEFT JOIN redemptions r ON r.id = rk.redemption_id
               WHERE ok.order_id = $1
               ORDER BY ok.position"#,
            order_id
        )
        .fetch_all(&mut *self.tx)
        .await
        .context("reading an order's keys")?;
        rows.into_iter()
            .map(|r| {
                let redeemed_by = redeemed_by(r.redeemed_user, r.redeemed_guild, r.redeemed_at);
                Ok(OrderKey {
                    position: r.position,
                    key: stored_key_from_row!(r),
                    redeemed_by,
                })
            })
            .collect()
    }

    /// Appends keys to an order after its current last position.
    pub async fn add_order_keys(&mut self, order_id: Uuid, key_ids: &[i64]) -> anyhow::Result<()> {
        sqlx::query!(
            r#"INSERT INTO order_keys (order_id, key_id, position)
               SELECT $1, k.key_id,
                      (SELECT coalesce(max(position), 0) FROM order_keys WHERE order_id = $1)
                        + k.ord
               FROM unnest($2::bigint[]) WITH ORDINALITY AS k(key_id, ord)"#,
            order_id,
            key_ids
        )
        .execute(&mut *self.tx)
        .await
        .context("adding keys to an order")?;
        Ok(())
    }

    pub async fn close_order(
        &mut self,
        order_id: Uuid,
        state: OrderState,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            r#"UPDATE orders
               SET state = $2, closed_at = $3, application_id = NULL, review_token = NULL
               WHERE id = $1 AND state = 'open'"#,
            order_id,
            state.as_str(),
            now
        )
        .execute(&mut *self.tx)
        .await
        .context("closing an order")?;
        Ok(())
    }

    /// Applies a redemption, in one statement: the subscription's new seats and end date
    /// (for an activation, the new subscription), the keys marked redeemed, the ledger entry
    /// and its keys, the order closed, and the redemption's notice enqueued.
    pub async fn write_redemption(
        &mut self,
        w: &RedemptionWrite,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Written> {
        let key_count = i16::try_from(w.key_ids.len()).context("too many keys")?;
        anyhow::ensure!(
            w.gifts.len() == w.key_ids.len(),
            "a redemption names what each of its keys gives"
        );
        let seats_given = w
            .gifts
            .iter()
            .map(|g| super::to_i32(g.seats, "seats"))
            .collect::<anyhow::Result<Vec<i32>>>()?;
        let days_given = w
            .gifts
            .iter()
            .map(|g| super::to_i32(g.days, "days"))
            .collect::<anyhow::Result<Vec<i32>>>()?;
        let (subscription_id, new_name, product_sku) = match &w.target {
            OrderTarget::Subscription(id) => (Some(*id), None, None),
            OrderTarget::New { name, product_sku } => {
                (None, Some(name.as_str()), Some(product_sku.as_str()))
            }
        };
        let written = sqlx::query!(
            r#"WITH updated AS (
                   UPDATE subscriptions SET seats = $3, ends_on = $4, updated_at = $5
                   WHERE guild_id = $1 AND id = $2
                   RETURNING id),
               created AS (
                   INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on,
                                              created_at, updated_at)
                   SELECT $1, $15::text, $16::text, $3, $4, $5, $5
                   WHERE $2::bigint IS NULL
                   RETURNING id),
               subscription AS (
                   SELECT id FROM updated UNION ALL SELECT id FROM created),
               marked AS (
                   UPDATE product_keys SET state = 'redeemed', redeemed_at = $5
                   WHERE id = ANY($6) AND state = 'available'
                   RETURNING id, seats, term_count, term_unit),
               redemption AS (
                   INSERT INTO redemptions (order_id, guild_id, user_id, subscription_id, kind,
                       seats_before, seats_after, ends_before, ends_after, key_count,
                       redeemed_at)
                   SELECT $7::uuid, $1, $8::bigint, subscription.id, $9::text, $10::integer, $3,
                          $11::date, $4, $12::smallint, $5
                   FROM subscription
                   RETURNING id, subscription_id),
               ledger_keys AS (
                   INSERT INTO redemption_keys (redemption_id, key_id, seats, term_count,
                                                term_unit, seats_given, days_given)
                   SELECT redemption.id, marked.id, marked.seats, marked.term_count,
                          marked.term_unit, given.seats, given.days
                   FROM redemption, marked
                   JOIN unnest($6::bigint[], $17::integer[], $18::integer[])
                        AS given(key_id, seats, days) ON given.key_id = marked.id),
               closed AS (
                   UPDATE orders
                   SET state = 'redeemed', closed_at = $5, application_id = NULL,
                       review_token = NULL
                   WHERE id = $7 AND state = 'open'),
               notice AS (
                   INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
                   SELECT $1, 'redemption:' || redemption.id, 'redemption', $13, $14
                   FROM redemption
                   ON CONFLICT (dedupe_key) DO NOTHING)
               SELECT redemption.id AS "id!", redemption.subscription_id AS "subscription_id!",
                      (SELECT count(*) FROM marked) AS "marked!"
               FROM redemption"#,
            guild_param(w.guild),
            subscription_id,
            super::to_i32(w.seats_after, "seats")?,
            w.ends_after,
            now,
            &w.key_ids,
            w.order_id,
            user_param(w.user),
            w.kind.as_str(),
            w.seats_before
                .map(|seats| super::to_i32(seats, "seats"))
                .transpose()?,
            w.ends_before,
            key_count,
            w.notice,
            super::notices::new_nonce(),
            product_sku,
            new_name,
            &seats_given,
            &days_given
        )
        .fetch_one(&mut *self.tx)
        .await;
        let written = match written {
            Err(sqlx::Error::Database(e))
                if matches!(e.constraint(), Some(NAME_INDEX | PREVIOUS_NAME_INDEX)) =>
            {
                return Ok(Written::NameTaken)
            }
            other => other.context("writing the redemption")?,
        };
        // The keys are locked: none can have gone since. If one did, the caller's error
        // rolls the whole statement back.
        anyhow::ensure!(
            written.marked == w.key_ids.len() as i64,
            "a key of the order was no longer available under lock"
        );
        Ok(Written::Redemption {
            id: written.id,
            subscription_id: written.subscription_id,
        })
    }
}
