//! Reversals: a redeemed key taken back (a refund). The key, what it gave its subscription,
//! the subscription's row, and the reversal ledger (`reversals`, append-only).
//!
//! Lock order, as everywhere (src/store/orders.rs): the subscription row, then the key row.
//! A reversal finds the key's subscription without a lock, locks the subscription, then the
//! key, and reads the key's state again under that lock.

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};

use super::{guild_param, keys::term_of, parse_column, OrderTx, Store};
use crate::domain::{
    records::{GuildId, KeyState, UserId},
    KeyDigest, KeyGift, KeyTail, OrderKind, Term,
};

/// A key as a reversal finds it: what it is, and, once redeemed, where it went and what it
/// gave.
#[derive(Debug, Clone)]
pub struct KeyForReversal {
    pub id: i64,
    pub tail: KeyTail,
    pub state: KeyState,
    pub product_sku: String,
    pub seats: i64,
    pub term: Term,
    pub batch: Option<String>,
    pub reference: Option<String>,
    pub redeemed: Option<RedeemedInto>,
}

/// Where a redeemed key went.
#[derive(Debug, Clone)]
pub struct RedeemedInto {
    pub redemption_id: i64,
    pub guild: GuildId,
    pub subscription_id: i64,
    pub user: UserId,
    pub kind: OrderKind,
    pub at: DateTime<Utc>,
    pub gift: KeyGift,
}

/// A reversal to write: the ledger entry and its notice.
#[derive(Debug, Clone)]
pub struct ReversalWrite {
    pub guild: GuildId,
    pub subscription_id: i64,
    pub redemption_id: i64,
    pub key_id: i64,
    pub tail: KeyTail,
    pub reason: Option<String>,
    pub seats_before: i64,
    pub seats_after: i64,
    pub ends_before: NaiveDate,
    pub ends_after: NaiveDate,
    pub released: Vec<UserId>,
    /// The notice's body; enqueued with the dedupe key `reversal:<ledger id>`.
    pub notice: serde_json::Value,
}

/// Which reversals a listing shows.
#[derive(Debug, Clone, Copy)]
pub struct ReversalFilter {
    pub guild: Option<GuildId>,
    pub subscription_id: Option<i64>,
    pub after_id: Option<i64>,
    pub limit: i64,
    pub newest_first: bool,
}

/// A reversal in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversalEntry {
    pub id: i64,
    pub guild: GuildId,
    pub subscription_id: i64,
    pub subscription_name: String,
    pub redemption_id: i64,
    pub tail: KeyTail,
    pub reason: Option<String>,
    pub seats_before: i64,
    pub seats_after: i64,
    pub ends_before: NaiveDate,
    pub ends_after: NaiveDate,
    pub released: Vec<UserId>,
    pub reversed_at: DateTime<Utc>,
}

impl OrderTx {
    /// The key with this digest and where it went, without locking anything.
    pub async fn key_for_reversal(
        &mut self,
        digest: &KeyDigest,
    ) -> anyhow::Result<Option<KeyForReversal>> {
        let row = sqlx::query!(
            r#"SELECT k.id, k.tail, k.state, k.product_sku, k.seats, k.term_count, k.term_unit,
                      k.batch, k.reference,
                      r.id AS "redemption_id?", r.guild_id AS "guild_id?",
                      r.subscription_id AS "subscription_id?", r.user_id AS "user_id?",
                      r.kind AS "kind?", r.redeemed_at AS "redeemed_at?",
                      rk.seats_given, rk.days_given
               FROM product_keys k
               LEFT JOIN redemption_keys rk ON rk.key_id = k.id
               LEFT JOIN redemptions r ON r.id = rk.redemption_id
               WHERE k.digest = $1"#,
            digest.0.as_slice()
        )
        .fetch_optional(self.conn())
        .await
        .context("looking up a key to reverse")?;
        let Some(r) = row else { return Ok(None) };
        let redeemed = match (
            r.redemption_id,
            r.guild_id,
            r.subscription_id,
            r.user_id,
            r.kind,
            r.redeemed_at,
        ) {
            (
                Some(redemption_id),
                Some(guild),
                Some(subscription_id),
                Some(user),
                Some(kind),
                Some(at),
            ) => {
                let kind: OrderKind = parse_column(&kind)?;
                // A row written by a previous release during a rolling upgrade has no gift
                // recorded: its seats for add-licenses and activate, no days.
                let gift = KeyGift {
                    seats: r.seats_given.map_or(
                        if kind == OrderKind::Extend {
                            0
                        } else {
                            i64::from(r.seats)
                        },
                        i64::from,
                    ),
                    days: r.days_given.map_or(0, i64::from),
                };
                Some(RedeemedInto {
                    redemption_id,
                    guild: GuildId(guild as u64),
                    subscription_id,
                    user: UserId(user as u64),
                    kind,
                    at,
                    gift,
                })
            }
            _ => None,
        };
        Ok(Some(KeyForReversal {
            id: r.id,
            tail: super::keys::tail_of(&r.tail)?,
            state: parse_column(&r.state)?,
            product_sku: r.product_sku,
            seats: i64::from(r.seats),
            term: term_of(r.term_count, &r.term_unit)?,
            batch: r.batch,
            reference: r.reference,
            redeemed,
        }))
    }

    /// Locks a key's row (after its subscription's) and returns its state now.
    pub async fn lock_key_state(&mut self, id: i64) -> anyhow::Result<Option<KeyState>> {
        let state = sqlx::query_scalar!(
            "SELECT state FROM product_keys WHERE id = $1 FOR UPDATE",
            id
        )
        .fetch_optional(self.conn())
        .await
        .context("locking a key")?;
        state.map(|s| parse_column(&s)).transpose()
    }

    /// The `count` most recently assigned holders of a subscription, newest first.
    pub async fn newest_holders(
        &mut self,
        subscription_id: i64,
        count: i64,
    ) -> anyhow::Result<Vec<UserId>> {
        let rows = sqlx::query_scalar!(
            r#"SELECT user_id FROM license_assignments
               WHERE subscription_id = $1
               ORDER BY assigned_at DESC, user_id DESC
               LIMIT $2"#,
            subscription_id,
            count
        )
        .fetch_all(self.conn())
        .await
        .context("reading the newest holders")?;
        Ok(rows.into_iter().map(|u| UserId(u as u64)).collect())
    }

    /// Takes a key's gift back from its (locked) subscription and marks the (locked) key
    /// reversed, in one statement.
    pub async fn apply_reversal(
        &mut self,
        guild: GuildId,
        subscription_id: i64,
        key_id: i64,
        seats_after: i64,
        ends_after: NaiveDate,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let marked = sqlx::query_scalar!(
            r#"WITH sub AS (
                   UPDATE subscriptions SET seats = $3, ends_on = $4, updated_at = $6
                   WHERE guild_id = $1 AND id = $2
                   RETURNING id),
               key AS (
                   UPDATE product_keys SET state = 'reversed', reversed_at = $6
                   WHERE id = $5 AND state = 'redeemed'
                   RETURNING id)
               SELECT (SELECT count(*) FROM sub) + (SELECT count(*) FROM key) AS "n!""#,
            guild_param(guild),
            subscription_id,
            super::to_i32(seats_after, "seats")?,
            ends_after,
            key_id,
            now
        )
        .fetch_one(self.conn())
        .await
        .context("reversing a key")?;
        // Both rows are locked: neither can have gone since.
        anyhow::ensure!(marked == 2, "a key or its subscription changed under lock");
        Ok(())
    }

    /// Writes the reversal's ledger entry and enqueues its notice; returns the entry's id.
    pub async fn record_reversal(
        &mut self,
        w: &ReversalWrite,
        now: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let released: Vec<i64> = w.released.iter().map(|u| u.0 as i64).collect();
        let id = sqlx::query_scalar!(
            r#"WITH reversal AS (
                   INSERT INTO reversals (guild_id, subscription_id, redemption_id, key_id, tail,
                                          reason, seats_before, seats_after, ends_before,
                                          ends_after, released, reversed_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                   RETURNING id),
               notice AS (
                   INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
                   SELECT $1, 'reversal:' || reversal.id, 'redemption', $13, $14
                   FROM reversal
                   ON CONFLICT (dedupe_key) DO NOTHING)
               SELECT id AS "id!" FROM reversal"#,
            guild_param(w.guild),
            w.subscription_id,
            w.redemption_id,
            w.key_id,
            w.tail.as_str(),
            w.reason.as_deref(),
            super::to_i32(w.seats_before, "seats")?,
            super::to_i32(w.seats_after, "seats")?,
            w.ends_before,
            w.ends_after,
            &released,
            now,
            w.notice,
            super::notices::new_nonce()
        )
        .fetch_one(self.conn())
        .await
        .context("writing a reversal")?;
        Ok(id)
    }
}

/// Where a redeemed key went: the guild, the subscription, who redeemed it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyWhereabouts {
    pub guild: GuildId,
    pub subscription_id: i64,
    pub subscription_name: String,
    pub user: UserId,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Where each of these keys went, by key id (keys never redeemed are absent).
    pub async fn key_whereabouts(
        &self,
        key_ids: &[i64],
    ) -> anyhow::Result<std::collections::HashMap<i64, KeyWhereabouts>> {
        let rows = sqlx::query!(
            r#"SELECT rk.key_id, r.guild_id, r.subscription_id, s.name, r.user_id, r.redeemed_at
               FROM redemption_keys rk
               JOIN redemptions r ON r.id = rk.redemption_id
               JOIN subscriptions s ON s.id = r.subscription_id
               WHERE rk.key_id = ANY($1)"#,
            key_ids
        )
        .fetch_all(&self.pool)
        .await
        .context("reading where keys went")?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.key_id,
                    KeyWhereabouts {
                        guild: GuildId(r.guild_id as u64),
                        subscription_id: r.subscription_id,
                        subscription_name: r.name,
                        user: UserId(r.user_id as u64),
                        at: r.redeemed_at,
                    },
                )
            })
            .collect())
    }

    /// The digests and tails of a batch's keys, by id (nothing is locked: each key is
    /// reversed in a transaction of its own).
    pub async fn batch_digests(&self, batch: &str) -> anyhow::Result<Vec<(KeyDigest, KeyTail)>> {
        let rows = sqlx::query!(
            "SELECT digest, tail FROM product_keys WHERE batch = $1 ORDER BY id",
            batch
        )
        .fetch_all(&self.pool)
        .await
        .context("reading a batch's keys")?;
        rows.into_iter()
            .map(|r| {
                let digest: [u8; 32] = r
                    .digest
                    .as_slice()
                    .try_into()
                    .context("bad digest in the database")?;
                Ok((KeyDigest(digest), super::keys::tail_of(&r.tail)?))
            })
            .collect()
    }

    /// Reversals: of a guild (and one subscription) or all, after the entry `after_id`,
    /// oldest first, or newest first with `newest_first`.
    pub async fn list_reversals(
        &self,
        filter: ReversalFilter,
    ) -> anyhow::Result<Vec<ReversalEntry>> {
        let rows = sqlx::query!(
            r#"SELECT v.id, v.guild_id, v.subscription_id, s.name AS subscription_name,
                      v.redemption_id, v.tail, v.reason, v.seats_before, v.seats_after,
                      v.ends_before, v.ends_after, v.released, v.reversed_at
               FROM reversals v JOIN subscriptions s ON s.id = v.subscription_id
               WHERE ($1::bigint IS NULL OR v.guild_id = $1)
                 AND ($2::bigint IS NULL OR v.subscription_id = $2)
                 AND ($3::bigint IS NULL OR v.id > $3)
               ORDER BY CASE WHEN $5 THEN -v.id ELSE v.id END
               LIMIT $4"#,
            filter.guild.map(guild_param),
            filter.subscription_id,
            filter.after_id,
            filter.limit,
            filter.newest_first
        )
        .fetch_all(&self.pool)
        .await
        .context("listing reversals")?;
        rows.into_iter()
            .map(|r| {
                Ok(ReversalEntry {
                    id: r.id,
                    guild: GuildId(r.guild_id as u64),
                    subscription_id: r.subscription_id,
                    subscription_name: r.subscription_name,
                    redemption_id: r.redemption_id,
                    tail: super::keys::tail_of(&r.tail)?,
                    reason: r.reason,
                    seats_before: i64::from(r.seats_before),
                    seats_after: i64::from(r.seats_after),
                    ends_before: r.ends_before,
                    ends_after: r.ends_after,
                    released: r.released.into_iter().map(|u| UserId(u as u64)).collect(),
                    reversed_at: r.reversed_at,
                })
            })
            .collect()
    }
}
