//! What the engine tests (`engine::`, `activate::engine::`) share: an `App` on a fresh
//! database whose clock stands still, with the two products; test times and dates; and the
//! snapshot of every table a use case could change, which shows a refusal changed nothing.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use licensebot::app::{App, AppError, Clock, UserError};
use licensebot::config::Settings;
use licensebot::domain::ProductKey;
use licensebot::store::Store;
use uuid::Uuid;

use super::db::TestDb;

pub const STANDARD: &str = "BUSINESS-STANDARD";
pub const PREMIUM: &str = "BUSINESS-PREMIUM";

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid test time")
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("a valid test date")
}

/// An `App` on `db` with the default settings and `clock`.
pub fn app_on(db: &TestDb, clock: Clock) -> App {
    App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        clock,
    )
}

/// An `App` on `db` whose clock stands still at `now`, with Business Standard (at most 300
/// seats) and Business Premium.
pub async fn app_with_products(db: &TestDb, now: &str) -> App {
    let app = app_on(db, Clock::fixed(at(now)));
    app.add_product(STANDARD, "Business Standard", Some(300))
        .await
        .expect("adding Business Standard");
    app.add_product(PREMIUM, "Business Premium", None)
        .await
        .expect("adding Business Premium");
    app
}

pub fn user_error<T: std::fmt::Debug>(result: Result<T, AppError>) -> UserError {
    match result {
        Err(AppError::User(error)) => error,
        other => panic!("expected a user error, got {other:?}"),
    }
}

/// What a use case could change, read straight from the tables.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub orders: Vec<(Uuid, String)>,
    pub order_keys: Vec<(Uuid, i64, i16)>,
    pub subscriptions: Vec<(i64, String, i32, NaiveDate)>,
    pub keys: Vec<(i64, String)>,
    pub redemptions: i64,
    pub redemption_keys: i64,
    pub notices: Vec<String>,
}

pub async fn snapshot(pool: &sqlx::PgPool) -> Snapshot {
    Snapshot {
        orders: sqlx::query_as("SELECT id, state FROM orders ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("reading orders"),
        order_keys: sqlx::query_as(
            "SELECT order_id, key_id, position FROM order_keys ORDER BY order_id, position",
        )
        .fetch_all(pool)
        .await
        .expect("reading order keys"),
        subscriptions: sqlx::query_as(
            "SELECT id, name, seats, ends_on FROM subscriptions ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .expect("reading subscriptions"),
        keys: sqlx::query_as("SELECT id, state FROM product_keys ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("reading keys"),
        redemptions: count(pool, "SELECT count(*) FROM redemptions").await,
        redemption_keys: count(pool, "SELECT count(*) FROM redemption_keys").await,
        notices: sqlx::query_scalar("SELECT dedupe_key FROM notices ORDER BY id")
            .fetch_all(pool)
            .await
            .expect("reading notices"),
    }
}

pub async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn key_state(pool: &sqlx::PgPool, key: &ProductKey) -> String {
    sqlx::query_scalar("SELECT state FROM product_keys WHERE digest = $1")
        .bind(&key.digest().0[..])
        .fetch_one(pool)
        .await
        .expect("reading a key's state")
}
