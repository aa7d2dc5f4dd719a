//! Activations through `App`, against a fresh PostgreSQL database per test: the pooled end
//! date from today, the seat cap, the first key's product, the name (taken, in any case,
//! by a deleted subscription, by another admin at the same moment), and the ledger and
//! notice an activation writes.

use std::sync::Arc;

use chrono::NaiveDate;
use licensebot::app::{
    App, AppError, KeyBatch, NoticeBody, OpenOrder, Plan, Review, SubscriptionRef, UserError,
};
use licensebot::domain::{
    catalogue::NameError,
    records::{GuildId, OrderState, Subscription, UserId},
    KeyRefusalCause, NoticeKind, OrderKind, ProductKey, RuleError, Term,
};
use licensebot::store::{RedemptionFilter, Store};
use tokio::sync::Barrier;
use uuid::Uuid;

use crate::support::db::TestDb;
use crate::support::engine::{
    app_with_products, date, key_state, snapshot, user_error, Snapshot, PREMIUM, STANDARD,
};

const GUILD: GuildId = GuildId(740_000_000_000_000_001);
const OTHER_GUILD: GuildId = GuildId(740_000_000_000_000_002);
const ANA: UserId = UserId(840_000_000_000_000_001);
const BOB: UserId = UserId(840_000_000_000_000_002);

/// 29 November 2026: 12 months from today end on 29 November 2027.
const NOW: &str = "2026-11-29T10:00:00Z";

/// A fresh database with two products (Business Standard capped at 300 seats), and an
/// `App` on it whose clock stands still.
struct Fx {
    db: TestDb,
    app: App,
}

impl Fx {
    async fn new() -> Fx {
        let db = TestDb::new().await;
        let app = app_with_products(&db, NOW).await;
        Fx { db, app }
    }

    fn store(&self) -> Store {
        Store::new(self.db.pool.clone())
    }

    async fn mint(&self, sku: &str, seats: i64, term: &str, count: usize) -> Vec<ProductKey> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: sku.into(),
                seats,
                term: term.parse::<Term>().expect("a valid test term"),
                count,
                batch: None,
                expires_on: None,
            })
            .await
            .expect("minting keys")
    }

    async fn subscription(&self, name: &str, seats: i64, ends_on: &str) -> Subscription {
        self.app
            .create_subscription(GUILD, STANDARD, name, seats, date(ends_on))
            .await
            .expect("creating a subscription")
    }

    /// `/activate name:<name> keys:<keys>` as `user` in `guild`.
    async fn activate_in(
        &self,
        guild: GuildId,
        user: UserId,
        name: &str,
        keys: &[&ProductKey],
    ) -> Result<Review, AppError> {
        self.app
            .open_order(activation(guild, user, name, keys))
            .await
    }

    async fn activate(
        &self,
        user: UserId,
        name: &str,
        keys: &[&ProductKey],
    ) -> Result<Review, AppError> {
        self.activate_in(GUILD, user, name, keys).await
    }

    /// The guild's subscriptions: (name, product, seats, end date).
    async fn subscriptions(&self, guild: GuildId) -> Vec<(String, String, i64, NaiveDate)> {
        self.store()
            .list_subscriptions(guild)
            .await
            .expect("listing subscriptions")
            .into_iter()
            .map(|s| (s.name, s.product.sku, s.seats, s.ends_on))
            .collect()
    }

    async fn snapshot(&self) -> Snapshot {
        snapshot(&self.db.pool).await
    }

    /// Opens an activation that must be refused, and checks that nothing changed.
    async fn refused(&self, user: UserId, name: &str, keys: &[&ProductKey]) -> UserError {
        let before = self.snapshot().await;
        let error = user_error(self.activate(user, name, keys).await);
        assert_eq!(self.snapshot().await, before, "a refusal changed something");
        error
    }

    async fn key_state(&self, key: &ProductKey) -> String {
        key_state(&self.db.pool, key).await
    }
}

fn activation(guild: GuildId, user: UserId, name: &str, keys: &[&ProductKey]) -> OpenOrder {
    OpenOrder {
        guild,
        user,
        locale: "en-US".into(),
        subscription: SubscriptionRef::Name(name.into()),
        kind: OrderKind::Activate,
        keys: keys
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn activate_plan(review: &Review) -> &licensebot::domain::ActivatePlan {
    match &review.plan {
        Plan::Activate(plan) => plan,
        other => panic!("expected an activation plan, got {other:?}"),
    }
}

#[tokio::test]
async fn keys_of_one_term_start_a_subscription_of_exactly_that_term_with_ledger_and_keyless_notice()
{
    let fx = Fx::new().await;
    let keys = fx.mint(STANDARD, 20, "12m", 1).await;
    let more = fx.mint(STANDARD, 5, "12m", 1).await;
    let review = fx
        .activate(ANA, "  Contoso ", &[&keys[0], &more[0]])
        .await
        .expect("opening the activation");
    assert_eq!(review.order.kind, OrderKind::Activate);
    assert_eq!(review.order.state, OrderState::Open);
    assert_eq!(review.subject.name(), "Contoso", "the name is trimmed");
    assert_eq!(review.subject.product().name, "Business Standard");
    assert_eq!(review.subject.subscription(), None, "nothing exists yet");
    let plan = activate_plan(&review);
    assert_eq!(plan.seats, 25, "seats = Σ key seats");
    assert_eq!(plan.starts_on, date("2026-11-29"));
    assert_eq!(plan.days, 365);
    assert_eq!(plan.ends_on, date("2027-11-29"), "exactly 12 months");
    assert_eq!(plan.single_term(), Some(Term::Months(12)));
    // The order names the subscription it would start, not one that exists.
    let (subscription_id, new_name, product_sku): (Option<i64>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT subscription_id, new_name, product_sku FROM orders WHERE id = $1")
            .bind(review.order.id)
            .fetch_one(&fx.db.pool)
            .await
            .expect("reading the order");
    assert_eq!(
        (subscription_id, new_name.as_deref(), product_sku.as_deref()),
        (None, Some("Contoso"), Some(STANDARD))
    );
    assert!(fx.subscriptions(GUILD).await.is_empty());
    assert_eq!(fx.key_state(&keys[0]).await, "available");

    let receipt = fx
        .app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(receipt.review.order.state, OrderState::Redeemed);
    let started = receipt
        .review
        .subject
        .subscription()
        .expect("the receipt names the new subscription")
        .clone();
    assert_eq!(
        fx.subscriptions(GUILD).await,
        vec![(
            "Contoso".to_string(),
            STANDARD.to_string(),
            25,
            date("2027-11-29")
        )]
    );
    assert_eq!(started.seats, 25);
    for key in [&keys[0], &more[0]] {
        assert_eq!(fx.key_state(key).await, "redeemed");
    }

    // The ledger: an empty "before", the new subscription after.
    let ledger = fx
        .store()
        .list_redemptions(RedemptionFilter {
            guild: Some(GUILD),
            subscription_id: None,
            limit: 10,
            offset: 0,
        })
        .await
        .expect("listing redemptions");
    assert_eq!(ledger.len(), 1);
    let r = &ledger[0];
    assert_eq!(r.id, receipt.redemption_id);
    assert_eq!(r.kind, OrderKind::Activate);
    assert_eq!(r.subscription_id, started.id);
    assert_eq!(r.subscription_name, "Contoso");
    assert_eq!((r.seats_before, r.seats_after), (None, 25));
    assert_eq!((r.ends_before, r.ends_after), (None, date("2027-11-29")));
    assert_eq!(r.key_count, 2);

    // The notice, enqueued with the redemption: who, what, how many keys, never a key.
    let notices = fx.store().list_notices(Some(GUILD)).await.expect("notices");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0].kind, NoticeKind::Redemption);
    assert_eq!(
        notices[0].dedupe_key,
        format!("redemption:{}", receipt.redemption_id)
    );
    assert_eq!(
        NoticeBody::from_json(&notices[0].body),
        Some(NoticeBody::Activation {
            user: ANA.0,
            subscription: "Contoso".into(),
            product: "Business Standard".into(),
            seats: 25,
            ends_on: date("2027-11-29"),
            keys: 2,
        })
    );
    let body = notices[0].body.to_string();
    for key in [&keys[0], &more[0]] {
        assert!(!body.contains(key.tail().as_str()), "a key in {body}");
        assert!(
            !body.contains(&key.compact().to_string()),
            "a key in {body}"
        );
    }

    // A second click is told who redeemed it; nothing changes.
    let before = fx.snapshot().await;
    assert!(matches!(
        user_error(fx.app.redeem(GUILD, ANA, review.order.id).await),
        UserError::OrderRedeemed { by: ANA, .. }
    ));
    assert_eq!(fx.snapshot().await, before);

    // The new subscription takes /add-licenses and /extend like any other.
    let extra = fx.mint(STANDARD, 5, "12m", 1).await;
    let add = fx
        .app
        .open_order(OpenOrder {
            subscription: SubscriptionRef::Name("contoso".into()),
            kind: OrderKind::AddLicenses,
            ..activation(GUILD, ANA, "", &[&extra[0]])
        })
        .await
        .expect("adding licenses to the new subscription");
    fx.app
        .redeem(GUILD, ANA, add.order.id)
        .await
        .expect("redeeming");
    assert_eq!(fx.subscriptions(GUILD).await[0].2, 30);
}

#[tokio::test]
async fn keys_of_different_terms_pool_their_seat_time_from_today_and_round_down() {
    let fx = Fx::new().await;
    let year = fx.mint(STANDARD, 10, "12m", 1).await;
    let month = fx.mint(STANDARD, 5, "30d", 1).await;
    let review = fx
        .activate(ANA, "Contoso", &[&year[0], &month[0]])
        .await
        .expect("opening");
    let plan = activate_plan(&review);
    // 10 × 365 + 5 × 30 = 3,800 license-days over 15 licenses: 253.3 days.
    assert_eq!(plan.seat_days, 3_800);
    assert_eq!((plan.seats, plan.days), (15, 253));
    assert_eq!(plan.ends_on, date("2027-08-09"));
    assert_eq!(plan.single_term(), None);
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(
        fx.subscriptions(GUILD).await,
        vec![(
            "Contoso".to_string(),
            STANDARD.to_string(),
            15,
            date("2027-08-09")
        )]
    );
}

#[tokio::test]
async fn an_activation_grows_in_the_modal_and_its_plan_follows() {
    let fx = Fx::new().await;
    let keys = fx.mint(STANDARD, 10, "12m", 2).await;
    let month = fx.mint(STANDARD, 10, "1m", 1).await;
    let premium = fx.mint(PREMIUM, 10, "12m", 1).await;
    let review = fx
        .activate(ANA, "Contoso", &[&keys[0]])
        .await
        .expect("opening");
    let grown = fx
        .app
        .add_keys(GUILD, ANA, review.order.id, &keys[1].to_string())
        .await
        .expect("adding a key");
    assert_eq!(grown.keys.len(), 2);
    assert_eq!(activate_plan(&grown).seats, 20);
    assert_eq!(activate_plan(&grown).ends_on, date("2027-11-29"));

    // The order's product is its first key's: a key of another product is refused.
    let error = user_error(
        fx.app
            .add_keys(GUILD, ANA, review.order.id, &premium[0].to_string())
            .await,
    );
    let UserError::KeysRefused(refusals) = error else {
        panic!("expected refused keys, got {error:?}");
    };
    assert_eq!(
        refusals[0].cause,
        KeyRefusalCause::OtherProduct {
            key_product: "Business Premium".into(),
            subscription_product: "Business Standard".into()
        }
    );

    // A key of another term: 20 × 365 + 10 × 30 = 7,600 license-days over 30 licenses.
    let mixed = fx
        .app
        .add_keys(GUILD, ANA, review.order.id, &month[0].to_string())
        .await
        .expect("adding a one-month key");
    let plan = activate_plan(&mixed);
    assert_eq!((plan.seats, plan.seat_days, plan.days), (30, 7_600, 253));
    let receipt = fx
        .app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(receipt.review.keys.len(), 3);
    assert_eq!(
        fx.subscriptions(GUILD).await,
        vec![(
            "Contoso".to_string(),
            STANDARD.to_string(),
            30,
            date("2027-08-09")
        )]
    );
}

#[tokio::test]
async fn the_first_keys_product_decides_and_a_key_of_another_is_refused_and_nothing_changes() {
    let fx = Fx::new().await;
    let standard = fx.mint(STANDARD, 10, "12m", 1).await;
    let premium = fx.mint(PREMIUM, 10, "12m", 1).await;
    let error = fx
        .refused(ANA, "Contoso", &[&premium[0], &standard[0]])
        .await;
    let UserError::KeysRefused(refusals) = error else {
        panic!("expected refused keys, got {error:?}");
    };
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(
        refusals[0].tail.as_deref(),
        Some(standard[0].tail().as_str())
    );
    assert_eq!(
        refusals[0].cause,
        KeyRefusalCause::OtherProduct {
            key_product: "Business Standard".into(),
            subscription_product: "Business Premium".into()
        }
    );
    // Business Premium alone starts a Business Premium subscription.
    let review = fx
        .activate(ANA, "Contoso", &[&premium[0]])
        .await
        .expect("opening");
    assert_eq!(review.subject.product().sku, PREMIUM);
}

#[tokio::test]
async fn an_activation_past_the_products_seat_cap_is_refused_and_nothing_changes() {
    let fx = Fx::new().await;
    let big = fx.mint(STANDARD, 250, "12m", 1).await;
    let more = fx.mint(STANDARD, 70, "12m", 1).await;
    let fifty = fx.mint(STANDARD, 50, "12m", 1).await;
    assert_eq!(
        fx.refused(ANA, "Contoso", &[&big[0], &more[0]]).await,
        UserError::Rule(RuleError::SeatCap {
            subscription: "Contoso".into(),
            product: "Business Standard".into(),
            would_have: 320,
            max: 300,
        })
    );
    // Growing an activation past the cap in the modal is refused the same way.
    let review = fx
        .activate(ANA, "Contoso", &[&big[0]])
        .await
        .expect("250 is within the cap");
    let before = fx.snapshot().await;
    let over = user_error(
        fx.app
            .add_keys(GUILD, ANA, review.order.id, &more[0].to_string())
            .await,
    );
    assert!(
        matches!(
            over,
            UserError::Rule(RuleError::SeatCap {
                would_have: 320,
                ..
            })
        ),
        "{over:?}"
    );
    assert_eq!(fx.snapshot().await, before, "nothing was added");
    // Exactly at the cap is fine.
    let at_cap = fx
        .app
        .add_keys(GUILD, ANA, review.order.id, &fifty[0].to_string())
        .await
        .expect("300 is the cap");
    assert_eq!(activate_plan(&at_cap).seats, 300);
}

#[tokio::test]
async fn a_name_in_use_in_any_case_is_refused_when_the_order_is_opened_and_nothing_changes() {
    let fx = Fx::new().await;
    fx.subscription("Contoso", 10, "2027-06-30").await;
    let keys = fx.mint(STANDARD, 10, "12m", 1).await;
    for name in ["Contoso", "contoso", " CONTOSO  "] {
        assert_eq!(
            fx.refused(ANA, name, &[&keys[0]]).await,
            UserError::NameTaken {
                name: "Contoso".into(),
                deleted: false
            },
            "{name:?}"
        );
    }
    assert_eq!(fx.key_state(&keys[0]).await, "available");
    // Another guild's subscription of that name takes nothing from this one, and the other
    // way round.
    let review = fx
        .activate_in(OTHER_GUILD, BOB, "contoso", &[&keys[0]])
        .await
        .expect("another guild may have its own Contoso");
    fx.app
        .redeem(OTHER_GUILD, BOB, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(fx.subscriptions(OTHER_GUILD).await[0].0, "contoso");
    assert_eq!(fx.subscriptions(GUILD).await.len(), 1);
}

#[tokio::test]
async fn a_deleted_subscriptions_name_stays_taken() {
    let fx = Fx::new().await;
    // Ended 2026-01-31: expired, then disabled, then deleted on 2026-06-01.
    fx.subscription("Contoso", 10, "2026-01-31").await;
    let keys = fx.mint(STANDARD, 10, "12m", 1).await;
    assert_eq!(
        fx.refused(ANA, "CONTOSO", &[&keys[0]]).await,
        UserError::NameTaken {
            name: "Contoso".into(),
            deleted: true
        }
    );
    let review = fx
        .activate(ANA, "Contoso 2027", &[&keys[0]])
        .await
        .expect("another name is free");
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(fx.subscriptions(GUILD).await.len(), 2);
}

#[tokio::test]
async fn a_name_that_is_empty_too_long_or_holds_a_control_character_is_refused_and_nothing_changes()
{
    let fx = Fx::new().await;
    let keys = fx.mint(STANDARD, 10, "12m", 1).await;
    let long = "x".repeat(101);
    for (name, expected) in [
        ("", NameError::Empty),
        ("   ", NameError::Empty),
        (
            long.as_str(),
            NameError::TooLong {
                max: 100,
                found: 101,
            },
        ),
        ("Con\ntoso", NameError::Control { position: 4 }),
        ("Con\u{0}toso", NameError::Control { position: 4 }),
    ] {
        assert_eq!(
            fx.refused(ANA, name, &[&keys[0]]).await,
            UserError::InvalidName(expected),
            "{name:?}"
        );
    }
    // A bad name is not a bad key: nothing counts towards the lockout.
    let attempts: i64 = sqlx::query_scalar("SELECT count(*) FROM key_attempts")
        .fetch_one(&fx.db.pool)
        .await
        .expect("counting attempts");
    assert_eq!(attempts, 0);
    let hundred = "é".repeat(100);
    fx.activate(ANA, &hundred, &[&keys[0]])
        .await
        .expect("a hundred characters is fine");
}

#[tokio::test]
async fn a_name_taken_between_review_and_redeem_is_refused_at_redeem_and_the_keys_stay_unredeemed()
{
    let fx = Fx::new().await;
    let keys = fx.mint(STANDARD, 10, "12m", 1).await;
    let review = fx
        .activate(ANA, "Fabrikam", &[&keys[0]])
        .await
        .expect("opening");
    // The operator creates a Fabrikam meanwhile.
    fx.subscription("FABRIKAM", 5, "2027-06-30").await;
    let before = fx.snapshot().await;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, review.order.id).await),
        UserError::NameTaken {
            name: "FABRIKAM".into(),
            deleted: false
        }
    );
    assert_eq!(fx.snapshot().await, before, "nothing was committed");
    assert_eq!(fx.key_state(&keys[0]).await, "available");
    // The order is still open: only Cancel is left to do with it.
    fx.app
        .cancel(GUILD, ANA, review.order.id)
        .await
        .expect("cancelling");
    let again = fx
        .activate(ANA, "Fabrikam Ltd", &[&keys[0]])
        .await
        .expect("the keys are still good");
    fx.app
        .redeem(GUILD, ANA, again.order.id)
        .await
        .expect("redeeming");
}

#[tokio::test]
async fn the_unique_index_behind_the_name_lock_refuses_a_name_taken_without_the_lock_alike() {
    name_taken_without_the_lock_is_refused(Fx::new().await).await;
}

/// The same, where the previous release's index (`subscriptions_guild_name`, kept for
/// rolling upgrades by 20261208000020) is the older of the two, as after a restore, which
/// creates indexes in name order: PostgreSQL reports a duplicate on the oldest index first.
#[tokio::test]
async fn the_name_lock_refusal_holds_whichever_unique_index_reports_the_duplicate() {
    let fx = Fx::new().await;
    sqlx::raw_sql(
        "DROP INDEX subscriptions_guild_name_key;
         CREATE UNIQUE INDEX subscriptions_guild_name_key ON subscriptions (guild_id, name_key(name));",
    )
    .execute(&fx.db.pool)
    .await
    .expect("rebuilding the name index after the previous release's");
    name_taken_without_the_lock_is_refused(fx).await;
}

async fn name_taken_without_the_lock_is_refused(fx: Fx) {
    let keys = fx.mint(STANDARD, 10, "12m", 1).await;
    let review = fx
        .activate(ANA, "Fabrikam", &[&keys[0]])
        .await
        .expect("opening");
    // Someone inserts a Fabrikam without the name's lock, and has not committed yet.
    let mut other = fx.db.pool.begin().await.expect("a transaction");
    sqlx::query(
        "INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
         VALUES ($1, $2, 'fabrikam', 5, '2027-06-30')",
    )
    .bind(GUILD.0 as i64)
    .bind(STANDARD)
    .execute(&mut *other)
    .await
    .expect("inserting a subscription");
    let before = fx.snapshot().await;
    let redeem = tokio::spawn({
        let app = fx.app.clone();
        async move { app.redeem(GUILD, ANA, review.order.id).await }
    });
    // Wait until the redemption waits on the uncommitted name (its check cannot see it),
    // then commit it. Either way the redemption must be refused with the same message.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&fx.db.pool)
        .await
        .expect("reading pg_stat_activity");
        if waiting > 0 || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    other.commit().await.expect("committing the other Fabrikam");
    let result = redeem.await.expect("the redemption did not panic");
    assert_eq!(
        user_error(result),
        UserError::NameTaken {
            name: "fabrikam".into(),
            deleted: false
        }
    );
    let after = fx.snapshot().await;
    assert_eq!(
        after.redemptions, before.redemptions,
        "nothing was committed"
    );
    assert_eq!(after.keys, before.keys, "the keys stay unredeemed");
    assert_eq!(after.notices, before.notices);
    assert_eq!(fx.subscriptions(GUILD).await.len(), 1, "only the other one");
}

#[tokio::test]
async fn two_admins_activating_one_name_at_once_start_one_subscription_and_the_other_keeps_its_keys(
) {
    let fx = Fx::new().await;
    let ana_keys = fx.mint(STANDARD, 10, "12m", 1).await;
    let bob_keys = fx.mint(STANDARD, 20, "12m", 1).await;
    let ana = fx
        .activate(ANA, "Contoso", &[&ana_keys[0]])
        .await
        .expect("ana opens");
    let bob = fx
        .activate(BOB, "CONTOSO", &[&bob_keys[0]])
        .await
        .expect("bob opens too: the name is still free");
    let barrier = Arc::new(Barrier::new(2));
    let race = |user: UserId, order: Uuid| {
        let app = fx.app.clone();
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            app.redeem(GUILD, user, order).await
        })
    };
    let (a, b) = (race(ANA, ana.order.id), race(BOB, bob.order.id));
    let results = [
        (ANA, &ana_keys[0], a.await.expect("no panic")),
        (BOB, &bob_keys[0], b.await.expect("no panic")),
    ];
    let winners: Vec<_> = results.iter().filter(|(_, _, r)| r.is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let subs = fx.subscriptions(GUILD).await;
    assert_eq!(subs.len(), 1, "one subscription: {subs:?}");
    for (user, key, result) in &results {
        match result {
            Ok(receipt) => {
                assert_eq!(subs[0].0, receipt.review.subject.name());
                assert_eq!(fx.key_state(key).await, "redeemed");
            }
            Err(AppError::User(UserError::NameTaken { name, deleted })) => {
                assert_eq!((name.as_str(), *deleted), (subs[0].0.as_str(), false));
                assert_eq!(fx.key_state(key).await, "available", "{user:?}'s keys");
            }
            Err(other) => panic!("{user:?}: expected the name taken, got {other:?}"),
        }
    }
    let redemptions: i64 = sqlx::query_scalar("SELECT count(*) FROM redemptions")
        .fetch_one(&fx.db.pool)
        .await
        .expect("counting");
    assert_eq!(redemptions, 1);
    assert_eq!(fx.store().list_notices(Some(GUILD)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_cancelled_or_expired_activation_starts_nothing() {
    let fx = Fx::new().await;
    let keys = fx.mint(STANDARD, 10, "12m", 2).await;
    let cancelled = fx
        .activate(ANA, "Contoso", &[&keys[0]])
        .await
        .expect("opening");
    fx.app
        .cancel(GUILD, ANA, cancelled.order.id)
        .await
        .expect("cancelling");
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, cancelled.order.id).await),
        UserError::OrderCancelled
    );
    let expiring = fx
        .activate(ANA, "Contoso", &[&keys[1]])
        .await
        .expect("opening");
    fx.app.clock.advance(chrono::Duration::minutes(10));
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, expiring.order.id).await),
        UserError::OrderExpired
    );
    assert!(fx.subscriptions(GUILD).await.is_empty());
    for key in &keys {
        assert_eq!(fx.key_state(key).await, "available");
    }
    // Someone else's activation cannot be redeemed by another admin either.
    let theirs = fx
        .activate(ANA, "Contoso", &[&keys[0]])
        .await
        .expect("opening");
    assert_eq!(
        user_error(fx.app.redeem(GUILD, BOB, theirs.order.id).await),
        UserError::NotYourOrder
    );
}
