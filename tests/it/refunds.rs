//! Taking back what was sold, through `App`, on a fresh PostgreSQL database per test: what
//! each key gave, reversing redeemed keys (each outcome, the pooled shares, the release order
//! when seats fall below assigned, a reversal racing a Redeem of the same key).

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use licensebot::app::{
    App, AppError, AssignLicense, Clock, KeyBatch, OpenOrder, SubscriptionRef, Suspension,
    SuspensionChange, UserError,
};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    KeyRefusalCause, LifecycleState, NoticeBody, OrderKind, ProductKey, ReversalResult, Term,
};
use licensebot::store::Store;
use sqlx::postgres::PgPoolOptions;

use crate::support::db::TestDb;

const GUILD: GuildId = GuildId(730_000_000_000_000_001);
const ADMIN: UserId = UserId(830_000_000_000_000_001);
const MEMBERS: [UserId; 5] = [
    UserId(830_000_000_000_000_002),
    UserId(830_000_000_000_000_003),
    UserId(830_000_000_000_000_004),
    UserId(830_000_000_000_000_005),
    UserId(830_000_000_000_000_006),
];
const ROLE: u64 = 930_000_000_000_000_001;
const SKU: &str = "BUSINESS-STANDARD";
const NOW: &str = "2026-11-29T10:00:00Z";

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a valid test date")
}

pub(crate) struct Fx {
    pub db: TestDb,
    pub app: App,
    pub clock: Clock,
}

impl Fx {
    pub async fn new() -> Fx {
        let db = TestDb::new().await;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(&db.url)
            .await
            .expect("a pool");
        let at: DateTime<Utc> = NOW.parse().expect("a valid time");
        let clock = Clock::fixed(at);
        let app = App::assemble(
            Store::new(pool),
            Arc::new(Settings::default()),
            clock.clone(),
        );
        app.add_product(SKU, "Business Standard", None)
            .await
            .expect("adding a product");
        Fx { db, app, clock }
    }

    pub async fn subscription(&self, name: &str, seats: i64, ends_on: &str) -> Subscription {
        self.app
            .create_subscription(GUILD, SKU, name, seats, date(ends_on))
            .await
            .expect("creating a subscription")
    }

    pub async fn keys(&self, seats: i64, term: Term, count: usize) -> Vec<ProductKey> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats,
                term,
                count,
                batch: None,
                expires_on: None,
            })
            .await
            .expect("minting keys")
    }

    pub async fn open(
        &self,
        sub: &Subscription,
        kind: OrderKind,
        keys: &[&ProductKey],
    ) -> uuid::Uuid {
        let typed: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        self.app
            .open_order(OpenOrder {
                guild: GUILD,
                user: ADMIN,
                locale: "en-US".into(),
                subscription: SubscriptionRef::Id(sub.id),
                kind,
                keys: typed.join(" "),
            })
            .await
            .expect("opening an order")
            .order
            .id
    }

    pub async fn redeem(&self, sub: &Subscription, kind: OrderKind, keys: &[&ProductKey]) {
        let order = self.open(sub, kind, keys).await;
        self.app
            .redeem(GUILD, ADMIN, order)
            .await
            .expect("redeeming");
    }

    pub async fn reverse(&self, keys: &[&ProductKey]) -> Vec<ReversalResult> {
        let typed: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        self.app
            .reverse_keys(None, &typed, Some("refund"))
            .await
            .expect("reversing")
            .into_iter()
            .map(|r| r.result)
            .collect()
    }

    pub async fn now_sub(&self, sub: &Subscription) -> Subscription {
        self.app
            .find_subscription(GUILD, &SubscriptionRef::Id(sub.id))
            .await
            .expect("reading the subscription")
    }

    async fn key_state(&self, key: &ProductKey) -> String {
        sqlx::query_scalar("SELECT state FROM product_keys WHERE digest = $1")
            .bind(key.digest().0.to_vec())
            .fetch_one(&self.db.pool)
            .await
            .expect("reading a key's state")
    }

    async fn notices(&self) -> Vec<NoticeBody> {
        Store::new(self.db.pool.clone())
            .list_notices(Some(GUILD))
            .await
            .expect("listing notices")
            .iter()
            .filter_map(|n| NoticeBody::from_json(&n.body))
            .collect()
    }
}

#[tokio::test]
async fn reversing_answers_per_key_and_changes_only_the_redeemed_key() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    let keys = fx.keys(5, Term::Months(12), 2).await;
    let stranger = fx.keys(1, Term::Months(12), 1).await;
    fx.redeem(&sub, OrderKind::AddLicenses, &[&keys[0]]).await;
    assert_eq!(fx.now_sub(&sub).await.seats, 15);
    // A key licensebot never stored: delete it so it is unknown.
    sqlx::query("DELETE FROM product_keys WHERE digest = $1")
        .bind(stranger[0].digest().0.to_vec())
        .execute(&fx.db.pool)
        .await
        .unwrap();

    let results = fx.reverse(&[&keys[0], &keys[1], &stranger[0]]).await;
    assert_eq!(
        results,
        [
            ReversalResult::Reversed,
            ReversalResult::NotRedeemed,
            ReversalResult::Unknown
        ]
    );
    assert_eq!(fx.now_sub(&sub).await.seats, 10, "the key's 5 seats went");
    assert_eq!(fx.key_state(&keys[0]).await, "reversed");
    assert_eq!(
        fx.key_state(&keys[1]).await,
        "available",
        "the unused key is untouched"
    );

    // A second reversal changes nothing.
    assert_eq!(
        fx.reverse(&[&keys[0]]).await,
        [ReversalResult::AlreadyReversed]
    );
    assert_eq!(fx.now_sub(&sub).await.seats, 10);
    let reversals: i64 = sqlx::query_scalar("SELECT count(*) FROM reversals")
        .fetch_one(&fx.db.pool)
        .await
        .unwrap();
    assert_eq!(reversals, 1, "one ledger entry per key, ever");
    let tail = keys[0].tail().as_str().to_owned();
    assert!(fx.notices().await.iter().any(|n| matches!(n,
        NoticeBody::Reversal { tail: t, seats_before: 15, seats_after: 10, .. } if *t == tail)));

    // A reversed key is never redeemable again.
    let refused = fx
        .app
        .open_order(OpenOrder {
            guild: GUILD,
            user: ADMIN,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Id(sub.id),
            kind: OrderKind::AddLicenses,
            keys: keys[0].to_string(),
        })
        .await;
    assert!(
        matches!(&refused, Err(AppError::User(UserError::KeysRefused(refusals)))
            if refusals.iter().any(|r| r.cause == KeyRefusalCause::Revoked)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_shares_of_a_pooled_extend_add_up_and_reversing_every_key_restores_the_end_date() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    let a = fx.keys(3, Term::Months(12), 1).await;
    let b = fx.keys(2, Term::Days(30), 1).await;
    let c = fx.keys(4, Term::Months(6), 1).await;
    fx.redeem(&sub, OrderKind::Extend, &[&a[0], &b[0], &c[0]])
        .await;
    let extended = fx.now_sub(&sub).await;
    let added = (extended.ends_on - sub.ends_on).num_days();
    assert!(added > 0);
    let shares: Vec<(i32, i32)> =
        sqlx::query_as("SELECT seats_given, days_given FROM redemption_keys ORDER BY key_id")
            .fetch_all(&fx.db.pool)
            .await
            .unwrap();
    assert_eq!(
        shares.iter().map(|(_, d)| i64::from(*d)).sum::<i64>(),
        added,
        "the shares {shares:?} add up to the {added} days the extension added"
    );
    assert!(shares.iter().all(|(s, _)| *s == 0), "extend adds no seats");

    // Reversed one by one, the end date walks back to exactly where it was.
    assert_eq!(fx.reverse(&[&b[0]]).await, [ReversalResult::Reversed]);
    assert_eq!(
        fx.reverse(&[&a[0], &c[0]]).await,
        [ReversalResult::Reversed, ReversalResult::Reversed]
    );
    let back = fx.now_sub(&sub).await;
    assert_eq!(back.ends_on, sub.ends_on);
    assert_eq!(back.seats, 10);
}

#[tokio::test]
async fn when_seats_fall_below_assigned_the_most_recently_assigned_are_released() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 2, "2027-01-31").await;
    fx.app
        .set_license_role(GUILD, &SubscriptionRef::Id(sub.id), Some(ROLE), ADMIN)
        .await
        .unwrap();
    // An endpoint listening for every event, so that the events are kept.
    sqlx::query("INSERT INTO webhook_endpoints (url, secret, allow_private) VALUES ('http://127.0.0.1:9/', $1, true)")
        .bind(vec![7u8; 32])
        .execute(&fx.db.pool)
        .await
        .unwrap();
    let key = fx.keys(3, Term::Months(12), 1).await;
    fx.redeem(&sub, OrderKind::AddLicenses, &[&key[0]]).await;
    for member in MEMBERS {
        fx.clock.advance(Duration::minutes(1));
        fx.app
            .assign_license(AssignLicense {
                guild: GUILD,
                subscription: SubscriptionRef::Id(sub.id),
                member,
                member_is_bot: false,
                by: ADMIN,
            })
            .await
            .expect("assigning");
    }

    let reversed = fx
        .app
        .reverse_keys(None, &[key[0].to_string()], None)
        .await
        .unwrap();
    assert_eq!(
        reversed[0].released,
        [MEMBERS[4], MEMBERS[3], MEMBERS[2]],
        "the three assigned last, newest first"
    );
    let holders: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM license_assignments ORDER BY user_id")
            .fetch_all(&fx.db.pool)
            .await
            .unwrap();
    assert_eq!(holders, [MEMBERS[0].0 as i64, MEMBERS[1].0 as i64]);
    let history: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, actor_id FROM license_history WHERE reason = 'reversed' ORDER BY id",
    )
    .fetch_all(&fx.db.pool)
    .await
    .unwrap();
    assert_eq!(history.len(), 3);
    assert!(history.iter().all(|(_, actor)| actor.is_none()));
    let roles: Vec<(i64, bool)> =
        sqlx::query_as("SELECT user_id, wanted FROM member_roles ORDER BY user_id")
            .fetch_all(&fx.db.pool)
            .await
            .unwrap();
    assert_eq!(
        roles.iter().filter(|(_, wanted)| !wanted).count(),
        3,
        "the released members' roles go through the queue: {roles:?}"
    );
    let released_events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM webhook_events WHERE type = 'license.unassigned' AND data->>'reason' = 'reversed'",
    )
    .fetch_one(&fx.db.pool)
    .await
    .unwrap();
    assert_eq!(released_events, 3);
    let reversed_events: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT data FROM webhook_events WHERE type = 'redemption.reversed'")
            .fetch_all(&fx.db.pool)
            .await
            .unwrap();
    assert_eq!(reversed_events.len(), 1);
    assert_eq!(reversed_events[0]["after"]["seats"], 2);
    assert!(
        !reversed_events[0].to_string().contains(&key[0].to_string()),
        "never a full key in a webhook body"
    );
    assert!(fx.notices().await.iter().any(|n| matches!(n,
        NoticeBody::Reversal { released, .. } if released.len() == 3)));
}

#[tokio::test]
async fn a_reversal_before_redeem_commits_leaves_the_key_redeemed_and_counted() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    let key = fx.keys(5, Term::Months(12), 1).await;
    let order = fx.open(&sub, OrderKind::AddLicenses, &[&key[0]]).await;
    // Reversal first: the key is not redeemed yet.
    assert_eq!(fx.reverse(&[&key[0]]).await, [ReversalResult::NotRedeemed]);
    fx.app.redeem(GUILD, ADMIN, order).await.expect("redeeming");
    assert_eq!(fx.key_state(&key[0]).await, "redeemed");
    assert_eq!(fx.now_sub(&sub).await.seats, 15);
}

#[tokio::test]
async fn an_order_holding_a_key_reversed_meanwhile_is_refused_at_redeem() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    let other = fx.subscription("Fabrikam", 10, "2027-01-31").await;
    let key = fx.keys(5, Term::Months(12), 1).await;
    let late = fx.open(&other, OrderKind::AddLicenses, &[&key[0]]).await;
    fx.redeem(&sub, OrderKind::AddLicenses, &[&key[0]]).await;
    assert_eq!(fx.reverse(&[&key[0]]).await, [ReversalResult::Reversed]);
    let refused = fx.app.redeem(GUILD, ADMIN, late).await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(fx.key_state(&key[0]).await, "reversed");
    assert_eq!(fx.now_sub(&sub).await.seats, 10);
    assert_eq!(fx.now_sub(&other).await.seats, 10);
}

#[tokio::test]
async fn a_reversal_racing_a_redeem_never_leaves_the_key_both_reversed_and_counted() {
    for round in 0..6 {
        let fx = Fx::new().await;
        let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
        let key = fx.keys(5, Term::Months(12), 1).await;
        let order = fx.open(&sub, OrderKind::AddLicenses, &[&key[0]]).await;
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let (app1, app2) = (fx.app.clone(), fx.app.clone());
        let (b1, b2) = (barrier.clone(), barrier.clone());
        let typed = key[0].to_string();
        let redeem = tokio::spawn(async move {
            b1.wait().await;
            app1.redeem(GUILD, ADMIN, order).await.is_ok()
        });
        let reverse = tokio::spawn(async move {
            b2.wait().await;
            if round % 2 == 1 {
                tokio::task::yield_now().await;
            }
            app2.reverse_keys(None, &[typed], None).await.unwrap()[0].result
        });
        let (redeemed, result) = (redeem.await.unwrap(), reverse.await.unwrap());
        assert!(redeemed, "the Redeem goes through either way");
        let seats = fx.now_sub(&sub).await.seats;
        let state = fx.key_state(&key[0]).await;
        match result {
            ReversalResult::Reversed => {
                assert_eq!((state.as_str(), seats), ("reversed", 10), "round {round}")
            }
            ReversalResult::NotRedeemed => {
                assert_eq!((state.as_str(), seats), ("redeemed", 15), "round {round}")
            }
            other => panic!("round {round}: {other:?}"),
        }
    }
}

async fn suspension(
    fx: &Fx,
    sub: &Subscription,
    what: Suspension,
) -> Result<SuspensionChange, AppError> {
    fx.app
        .set_suspension(
            GUILD,
            &SubscriptionRef::Id(sub.id),
            what,
            Some("chargeback 77"),
        )
        .await
}

async fn wanted_roles(fx: &Fx) -> Vec<bool> {
    sqlx::query_scalar("SELECT wanted FROM member_roles ORDER BY user_id")
        .fetch_all(&fx.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn suspend_and_resume_are_idempotent_and_take_access_away_and_give_it_back() {
    let fx = Fx::new().await;
    sqlx::query("INSERT INTO webhook_endpoints (url, secret, allow_private) VALUES ('http://127.0.0.1:9/', $1, true)")
        .bind(vec![7u8; 32])
        .execute(&fx.db.pool)
        .await
        .unwrap();
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.app
        .set_license_role(GUILD, &SubscriptionRef::Id(sub.id), Some(ROLE), ADMIN)
        .await
        .unwrap();
    let assign = |member| AssignLicense {
        guild: GUILD,
        subscription: SubscriptionRef::Id(sub.id),
        member,
        member_is_bot: false,
        by: ADMIN,
    };
    for member in &MEMBERS[..2] {
        fx.app.assign_license(assign(*member)).await.unwrap();
    }
    assert_eq!(wanted_roles(&fx).await, [true, true]);

    let first = suspension(&fx, &sub, Suspension::Suspend).await.unwrap();
    let again = suspension(&fx, &sub, Suspension::Suspend).await.unwrap();
    assert!(first.changed && !again.changed, "once, however often asked");
    assert_eq!(first.state, LifecycleState::Suspended);
    assert_eq!(wanted_roles(&fx).await, [false, false], "no access");
    let listed = fx.app.list_subscriptions(GUILD).await.unwrap();
    assert_eq!(listed[0].state, LifecycleState::Suspended);
    let held = fx.app.licenses_of(GUILD, MEMBERS[0]).await.unwrap();
    assert_eq!(held[0].state, LifecycleState::Suspended, "licenses stay");

    // Nothing is assigned from it, nothing redeemed on it, each refused in words.
    let refused = fx.app.assign_license(assign(MEMBERS[2])).await;
    assert!(
        matches!(&refused, Err(AppError::User(UserError::Suspended { subscription })) if subscription == "Contoso"),
        "{refused:?}"
    );
    let key = fx.keys(5, Term::Months(12), 1).await;
    let refused = fx
        .app
        .open_order(OpenOrder {
            guild: GUILD,
            user: ADMIN,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Id(sub.id),
            kind: OrderKind::AddLicenses,
            keys: key[0].to_string(),
        })
        .await;
    assert!(
        matches!(&refused, Err(AppError::User(UserError::Suspended { .. }))),
        "{refused:?}"
    );

    let back = suspension(&fx, &sub, Suspension::Resume).await.unwrap();
    let again = suspension(&fx, &sub, Suspension::Resume).await.unwrap();
    assert!(back.changed && !again.changed);
    assert_eq!(back.state, LifecycleState::Active);
    assert_eq!(wanted_roles(&fx).await, [true, true], "the roles come back");
    assert_eq!(
        fx.now_sub(&sub).await.ends_on,
        sub.ends_on,
        "the end date never moved"
    );

    let events: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT data FROM webhook_events WHERE type = 'subscription.state_changed' ORDER BY occurred_at",
    )
    .fetch_all(&fx.db.pool)
    .await
    .unwrap();
    let states: Vec<&str> = events
        .iter()
        .map(|e| e["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["suspended", "active"]);
    assert_eq!(events[0]["reason"], "chargeback 77");
    let notices: Vec<bool> = fx
        .notices()
        .await
        .into_iter()
        .filter_map(|n| match n {
            NoticeBody::Suspension { suspended, .. } => Some(suspended),
            _ => None,
        })
        .collect();
    assert_eq!(notices.len(), 2, "one notice per change: {notices:?}");
}

#[tokio::test]
async fn an_order_opened_before_a_suspension_is_refused_at_redeem() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    let key = fx.keys(5, Term::Months(12), 1).await;
    let order = fx.open(&sub, OrderKind::AddLicenses, &[&key[0]]).await;
    suspension(&fx, &sub, Suspension::Suspend).await.unwrap();
    let refused = fx.app.redeem(GUILD, ADMIN, order).await;
    assert!(
        matches!(&refused, Err(AppError::User(UserError::Suspended { .. }))),
        "{refused:?}"
    );
    assert_eq!(fx.key_state(&key[0]).await, "available");
    assert_eq!(fx.now_sub(&sub).await.seats, 10);
}

#[tokio::test]
async fn a_deleted_subscription_cannot_be_suspended_and_is_told_so() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2026-01-31").await;
    let refused = suspension(&fx, &sub, Suspension::Suspend).await;
    let Err(AppError::Internal(e)) = &refused else {
        panic!("{refused:?}")
    };
    assert!(e.to_string().contains("deleted"), "{e}");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM subscription_suspensions")
        .fetch_one(&fx.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn subscription_expiring_is_sent_once_per_reminder_milestone() {
    let fx = Fx::new().await;
    sqlx::query("INSERT INTO webhook_endpoints (url, secret, allow_private) VALUES ('http://127.0.0.1:9/', $1, true)")
        .bind(vec![7u8; 32])
        .execute(&fx.db.pool)
        .await
        .unwrap();
    // NOW is 2026-11-29: 30 days before 2026-12-29.
    let sub = fx.subscription("Contoso", 10, "2026-12-29").await;
    for _ in 0..2 {
        licensebot::app::lifecycle_tick(&fx.app).await.unwrap();
    }
    fx.clock.advance(Duration::days(16));
    licensebot::app::lifecycle_tick(&fx.app).await.unwrap();
    let events: Vec<serde_json::Value> = sqlx::query_scalar(
        "SELECT data FROM webhook_events WHERE type = 'subscription.expiring' ORDER BY occurred_at",
    )
    .fetch_all(&fx.db.pool)
    .await
    .unwrap();
    let days: Vec<i64> = events
        .iter()
        .map(|e| e["days_left"].as_i64().unwrap())
        .collect();
    assert_eq!(days, [30, 14], "{events:?}");
    assert_eq!(events[0]["ends"], "2026-12-29");
    assert_eq!(events[0]["subscription"]["id"], sub.id);
    assert_eq!(events[0]["subscription"]["product"], SKU);
    assert_eq!(events[0]["guild"], GUILD.0.to_string());
}
