//! Redeem is atomic and idempotent under concurrency: many admins racing for one key, a
//! double-click storm on one order, and orders sharing keys in opposite orders. Real
//! threads, a real pool, a real PostgreSQL.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use licensebot::app::{
    App, AppError, Clock, KeyBatch, OpenOrder, Receipt, SubscriptionRef, UserError,
};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    OrderKind, ProductKey, Term,
};
use licensebot::store::Store;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::support::db::TestDb;

const GUILD: GuildId = GuildId(710_000_000_000_000_001);
const SKU: &str = "BUSINESS-PREMIUM";
const NOW: &str = "2026-01-10T14:02:00Z";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid test time")
}

fn admin(i: usize) -> UserId {
    UserId(810_000_000_000_000_000 + i as u64)
}

/// An `App` on its own database, with a pool big enough for every racer to hold a
/// connection while it waits on a row lock.
async fn racing_app() -> (TestDb, App) {
    let db = TestDb::new().await;
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect(&db.url)
        .await
        .expect("a pool of 20 connections");
    let app = App::assemble(
        Store::new(pool),
        Arc::new(Settings::default()),
        Clock::fixed(at(NOW)),
    );
    app.add_product(SKU, "Business Premium", None)
        .await
        .expect("adding a product");
    (db, app)
}

async fn subscription(app: &App, guild: GuildId, name: &str) -> Subscription {
    let ends = NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date");
    app.create_subscription(guild, SKU, name, 10, ends)
        .await
        .expect("creating a subscription")
}

async fn mint(app: &App, count: usize) -> Vec<ProductKey> {
    app.generate_keys(&KeyBatch {
        product_sku: SKU.into(),
        seats: 5,
        term: Term::Months(12),
        count,
        batch: None,
        expires_on: None,
    })
    .await
    .expect("minting keys")
}

async fn open(app: &App, user: UserId, sub: &Subscription, keys: &str) -> Uuid {
    app.open_order(OpenOrder {
        guild: sub.guild,
        user,
        locale: "en-US".into(),
        subscription: SubscriptionRef::Id(sub.id),
        kind: OrderKind::AddLicenses,
        keys: keys.into(),
    })
    .await
    .expect("opening an order")
    .order
    .id
}

/// Runs `redeem(guild, user, order)` for every racer at the same moment.
async fn race(app: &App, racers: Vec<(GuildId, UserId, Uuid)>) -> Vec<Result<Receipt, AppError>> {
    let barrier = Arc::new(Barrier::new(racers.len()));
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|(guild, user, order)| {
            let app = app.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                app.redeem(guild, user, order).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("a racer panicked"));
    }
    results
}

async fn seats(app: &App, sub: &Subscription) -> i64 {
    app.find_subscription(sub.guild, &SubscriptionRef::Id(sub.id))
        .await
        .expect("reading a subscription")
        .seats
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&db.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_admins_racing_for_one_key_redeem_it_exactly_once() {
    let (db, app) = racing_app().await;
    let key = mint(&app, 1).await.remove(0);
    let mut subs = Vec::new();
    let mut racers = Vec::new();
    for i in 0..64 {
        let sub = subscription(&app, GUILD, &format!("Team {i:02}")).await;
        let order = open(&app, admin(i), &sub, &key.to_string()).await;
        racers.push((GUILD, admin(i), order));
        subs.push(sub);
    }

    let results = race(&app, racers).await;

    let winners: Vec<usize> = (0..64).filter(|&i| results[i].is_ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one redemption: {results:?}");
    let winner = winners[0];
    for (i, result) in results.iter().enumerate() {
        if i == winner {
            continue;
        }
        match result {
            Err(AppError::User(UserError::KeyTaken {
                tail,
                by,
                guild,
                at: when,
            })) => {
                assert_eq!(tail, key.tail().as_str());
                assert_eq!((*by, *guild), (admin(winner), GUILD), "names the redeemer");
                assert_eq!(*when, at(NOW));
            }
            other => panic!("racer {i}: expected KeyTaken, got {other:?}"),
        }
    }
    for (i, sub) in subs.iter().enumerate() {
        let expected = if i == winner { 15 } else { 10 };
        assert_eq!(seats(&app, sub).await, expected, "subscription {i}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM redemptions").await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM redemption_keys").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM notices WHERE kind = 'redemption'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM product_keys WHERE state = 'redeemed'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM orders WHERE state = 'redeemed'").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clicks_on_one_order_at_once_apply_it_once_and_name_the_redeemer() {
    let (db, app) = racing_app().await;
    let sub = subscription(&app, GUILD, "Contoso").await;
    let keys = mint(&app, 2).await;
    let ana = admin(1);
    let order = open(&app, ana, &sub, &format!("{} {}", keys[0], keys[1])).await;

    let results = race(&app, vec![(GUILD, ana, order); 16]).await;

    let receipts: Vec<&Receipt> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(receipts.len(), 1, "applied once: {results:?}");
    for result in results.iter().filter(|r| r.is_err()) {
        match result {
            Err(AppError::User(UserError::OrderRedeemed { by, at: when })) => {
                assert_eq!((*by, *when), (ana, at(NOW)));
            }
            other => panic!("expected OrderRedeemed, got {other:?}"),
        }
    }
    assert_eq!(seats(&app, &sub).await, 20, "10 + 2 × 5, once");
    assert_eq!(count(&db, "SELECT count(*) FROM redemptions").await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM redemption_keys").await, 2);
    assert_eq!(count(&db, "SELECT count(*) FROM notices").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_sharing_keys_in_opposite_orders_never_deadlock_and_one_wins_each_round() {
    let (db, app) = racing_app().await;
    // Four admins in four guilds: only the key rows are shared. Two enter the keys in one
    // order, two in the reverse order; ten keys each, to widen the window for a deadlock.
    let racers: Vec<(UserId, Subscription)> = {
        let mut racers = Vec::new();
        for i in 0..4 {
            let guild = GuildId(GUILD.0 + i as u64);
            racers.push((
                admin(i),
                subscription(&app, guild, &format!("Team {i}")).await,
            ));
        }
        racers
    };
    let rounds = 40;
    let mut wins = [0; 4];
    for round in 0..rounds {
        let keys = mint(&app, 10).await;
        let forward: Vec<String> = keys.iter().map(ToString::to_string).collect();
        let backward: Vec<String> = forward.iter().rev().cloned().collect();
        let mut orders = Vec::new();
        for (i, (user, sub)) in racers.iter().enumerate() {
            let typed = if i % 2 == 0 { &forward } else { &backward };
            let order = open(&app, *user, sub, &typed.join("\n")).await;
            orders.push((sub.guild, *user, order));
        }

        let results = race(&app, orders).await;

        let won: Vec<usize> = (0..4).filter(|&i| results[i].is_ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: {results:?}");
        wins[won[0]] += 1;
        for (i, result) in results.iter().enumerate() {
            if i == won[0] {
                continue;
            }
            match result {
                Err(AppError::User(UserError::KeyTaken { by, guild, .. })) => {
                    assert_eq!(*by, racers[won[0]].0, "round {round}");
                    assert_eq!(
                        *guild, racers[i].1.guild,
                        "the redeemer is named only in the same guild"
                    );
                }
                // Across guilds the loser learns the key is used, not who used it.
                Err(AppError::User(UserError::KeysRefused(refused)))
                    if racers[i].1.guild != racers[won[0]].1.guild =>
                {
                    assert!(
                        !refused.is_empty()
                            && refused
                                .iter()
                                .all(|r| r.cause
                                    == licensebot::domain::KeyRefusalCause::AlreadyRedeemed),
                        "round {round}, racer {i}: {refused:?}"
                    );
                }
                other => panic!("round {round}, racer {i}: expected KeyTaken, got {other:?}"),
            }
        }
    }
    let mut seats_total = 0;
    for (_, sub) in &racers {
        seats_total += seats(&app, sub).await;
    }
    assert_eq!(
        seats_total,
        4 * 10 + rounds * 10 * 5,
        "each round added ten keys of 5 seats, once (wins: {wins:?})"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM redemptions").await, rounds);
    assert_eq!(
        count(&db, "SELECT count(*) FROM redemption_keys").await,
        10 * rounds
    );
}
