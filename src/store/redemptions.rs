use anyhow::Context as _;
use chrono::{DateTime, Utc};

use super::{guild_param, parse_column, Store};
use crate::domain::records::{GuildId, RedeemedKey, Redemption, RedemptionRecord};

#[derive(Debug, Clone, Copy)]
pub struct RedemptionFilter {
    pub guild: Option<GuildId>,
    pub subscription_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// A page of the ledger for the shop: oldest first, from `since`, after `after_id`.
#[derive(Debug, Clone, Copy)]
pub struct RedemptionFeed {
    pub guild: Option<GuildId>,
    pub since: Option<DateTime<Utc>>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// A page of the ledger, oldest first, each redemption with its product and keys.
    pub async fn redemption_feed(
        &self,
        feed: RedemptionFeed,
    ) -> anyhow::Result<Vec<RedemptionRecord>> {
        let rows = sqlx::query!(
            r#"SELECT r.id, r.order_id, r.guild_id, r.user_id, r.subscription_id,
                      s.name AS subscription_name, s.product_sku, r.kind, r.seats_before,
                      r.seats_after, r.ends_before, r.ends_after, r.key_count, r.redeemed_at,
                      array_agg(k.tail ORDER BY k.id) AS "tails!",
                      array_agg(rk.seats ORDER BY k.id) AS "key_seats!",
                      array_agg(rk.term_count ORDER BY k.id) AS "term_counts!",
                      array_agg(rk.term_unit ORDER BY k.id) AS "term_units!",
                      array_agg(k.batch ORDER BY k.id) AS "batches!: Vec<Option<String>>",
                      array_agg(k.reference ORDER BY k.id) AS "references!: Vec<Option<String>>"
               FROM redemptions r
               JOIN subscriptions s ON s.id = r.subscription_id
               JOIN redemption_keys rk ON rk.redemption_id = r.id
               JOIN product_keys k ON k.id = rk.key_id
               WHERE ($1::bigint IS NULL OR r.guild_id = $1)
                 AND ($2::timestamptz IS NULL OR r.redeemed_at >= $2)
                 AND ($3::bigint IS NULL OR r.id > $3)
               GROUP BY r.id, s.name, s.product_sku
               ORDER BY r.id
               LIMIT $4"#,
            feed.guild.map(guild_param),
            feed.since,
            feed.after_id,
            feed.limit
        )
        .fetch_all(&self.pool)
        .await
        .context("reading the ledger")?;
        rows.into_iter()
            .map(|r| {
                let keys = r
                    .tails
                    .iter()
                    .zip(&r.key_seats)
                    .zip(r.term_counts.iter().zip(&r.term_units))
                    .zip(r.batches.iter().zip(&r.references))
                    .map(|(((tail, seats), (count, unit)), (batch, reference))| {
                        Ok(RedeemedKey {
                            tail: super::keys::tail_of(tail)?,
                            seats: i64::from(*seats),
                            term: super::keys::term_of(*count, unit)?,
                            batch: batch.clone(),
                            reference: reference.clone(),
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                Ok(RedemptionRecord {
                    redemption: Redemption {
                        id: r.id,
                        order_id: r.order_id,
                        guild_id: r.guild_id as u64,
                        user_id: r.user_id as u64,
                        subscription_id: r.subscription_id,
                        subscription_name: r.subscription_name,
                        kind: parse_column(&r.kind)?,
                        seats_before: r.seats_before.map(i64::from),
                        seats_after: i64::from(r.seats_after),
                        ends_before: r.ends_before,
                        ends_after: r.ends_after,
                        key_count: i64::from(r.key_count),
                        redeemed_at: r.redeemed_at,
                    },
                    product_sku: r.product_sku,
                    keys,
                })
            })
            .collect()
    }

    /// The ledger, newest first.
    pub async fn list_redemptions(
        &self,
        filter: RedemptionFilter,
    ) -> anyhow::Result<Vec<Redemption>> {
        let rows = sqlx::query!(
            r#"SELECT r.id, r.order_id, r.guild_id, r.user_id, r.subscription_id,
                      s.name AS subscription_name, r.kind, r.seats_before, r.seats_after,
                      r.ends_before, r.ends_after, r.key_count, r.redeemed_at
               FROM redemptions r JOIN subscriptions s ON s.id = r.subscription_id
               WHERE ($1::bigint IS NULL OR r.guild_id = $1)
                 AND ($2::bigint IS NULL OR r.subscription_id = $2)
               ORDER BY r.redeemed_at DESC, r.id DESC
               LIMIT $3 OFFSET $4"#,
            filter.guild.map(guild_param),
            filter.subscription_id,
            filter.limit,
            filter.offset
        )
        .fetch_all(&self.pool)
        .await
        .context("listing redemptions")?;
        rows.into_iter()
            .map(|r| {
                Ok(Redemption {
                    id: r.id,
                    order_id: r.order_id,
                    guild_id: r.guild_id as u64,
                    user_id: r.user_id as u64,
                    subscription_id: r.subscription_id,
                    subscription_name: r.subscription_name,
                    kind: parse_column(&r.kind)?,
                    seats_before: r.seats_before.map(i64::from),
                    seats_after: i64::from(r.seats_after),
                    ends_before: r.ends_before,
                    ends_after: r.ends_after,
                    key_count: i64::from(r.key_count),
                    redeemed_at: r.redeemed_at,
                })
            })
            .collect()
    }

    pub async fn count_redemptions(
        &self,
        guild: GuildId,
        subscription_id: Option<i64>,
    ) -> anyhow::Result<i64> {
        let n = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM redemptions
               WHERE guild_id = $1 AND ($2::bigint IS NULL OR subscription_id = $2)"#,
            guild_param(guild),
            subscription_id
        )
        .fetch_one(&self.pool)
        .await
        .context("counting redemptions")?;
        Ok(n)
    }

    /// Whether this redemption was committed (after a COMMIT whose answer was lost).
    pub async fn redemption_exists(&self, id: i64) -> anyhow::Result<bool> {
        let found = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM redemptions WHERE id = $1) AS "found!""#,
            id
        )
        .fetch_one(&self.pool)
        .await
        .context("looking for a redemption")?;
        Ok(found)
    }
}
