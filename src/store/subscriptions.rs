use anyhow::Context as _;
use chrono::NaiveDate;

use super::{guild_param, Store};
use crate::domain::records::{GuildId, Product, Subscription};

pub struct NewSubscription<'a> {
    pub guild: GuildId,
    pub product_sku: &'a str,
    pub name: &'a str,
    pub seats: i64,
    pub ends_on: NaiveDate,
}

/// What a subscription row joined with its product looks like, in every query below.
macro_rules! subscription_from_row {
    ($r:expr) => {
        Subscription {
            id: $r.id,
            guild: GuildId($r.guild_id as u64),
            product: Product {
                sku: $r.product_sku,
                name: $r.product_name,
                max_seats: $r.max_seats.map(i64::from),
            },
            name: $r.name,
            seats: i64::from($r.seats),
            ends_on: $r.ends_on,
        }
    };
}
pub(crate) use subscription_from_row;

impl Store {
    /// Creates a subscription; `None` when the guild already has one of that name.
    pub async fn create_subscription(
        &self,
        new: NewSubscription<'_>,
    ) -> anyhow::Result<Option<Subscription>> {
        let seats = super::to_i32(new.seats, "seats")?;
        let row = sqlx::query!(
            r#"WITH s AS (
                   INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
                   VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT (guild_id, name_key(name)) DO NOTHING
                   RETURNING id, guild_id, product_sku, name, seats, ends_on)
               SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM s JOIN products p ON p.sku = s.product_sku"#,
            guild_param(new.guild),
            new.product_sku,
            new.name,
            seats,
            new.ends_on
        )
        .fetch_optional(&self.pool)
        .await
        .context("inserting a subscription")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    pub async fn list_subscriptions(&self, guild: GuildId) -> anyhow::Result<Vec<Subscription>> {
        let rows = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1
               ORDER BY lower(s.name), s.id"#,
            guild_param(guild)
        )
        .fetch_all(&self.pool)
        .await
        .context("listing subscriptions")?;
        Ok(rows
            .into_iter()
            .map(|r| subscription_from_row!(r))
            .collect())
    }

    /// A page of the subscriptions of every guild that end between `from` and `to`
    /// (inclusive), by id after `after_id`: the lifecycle scheduler's walk.
    pub async fn subscriptions_ending_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        after_id: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<Subscription>> {
        let rows = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.ends_on BETWEEN $1 AND $2 AND s.id > $3
               ORDER BY s.id
               LIMIT $4"#,
            from,
            to,
            after_id,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .context("listing subscriptions by end date")?;
        Ok(rows
            .into_iter()
            .map(|r| subscription_from_row!(r))
            .collect())
    }

    /// A guild's subscription by id; another guild's id finds nothing.
    pub async fn subscription(
        &self,
        guild: GuildId,
        id: i64,
    ) -> anyhow::Result<Option<Subscription>> {
        let row = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1 AND s.id = $2"#,
            guild_param(guild),
            id
        )
        .fetch_optional(&self.pool)
        .await
        .context("reading a subscription")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    /// A guild's subscription by its exact name, case-insensitively.
    pub async fn subscription_by_name(
        &self,
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
        .fetch_optional(&self.pool)
        .await
        .context("reading a subscription by name")?;
        Ok(row.map(|r| subscription_from_row!(r)))
    }

    /// Autocomplete: a guild's subscriptions whose name contains `typed`, prefix matches first.
    pub async fn search_subscriptions(
        &self,
        guild: GuildId,
        typed: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<Subscription>> {
        if typed.contains('\0') {
            // PostgreSQL text cannot hold NUL: no name has one, and the query would fail.
            return Ok(Vec::new());
        }
        let rows = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.product_sku, s.name, s.seats, s.ends_on,
                      p.name AS product_name, p.max_seats
               FROM subscriptions s JOIN products p ON p.sku = s.product_sku
               WHERE s.guild_id = $1 AND strpos(lower(s.name), lower($2)) > 0
               ORDER BY strpos(lower(s.name), lower($2)) <> 1, lower(s.name), s.id
               LIMIT $3"#,
            guild_param(guild),
            typed,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .context("searching subscriptions")?;
        Ok(rows
            .into_iter()
            .map(|r| subscription_from_row!(r))
            .collect())
    }
}
