//! The redemption engine through `App`, against a fresh PostgreSQL database per test:
//! orders, redemptions, every refusal of the README's table of refusals, the lockout, expiry,
//! cancelling, tenancy, and the lifecycle notices.

use std::sync::Arc;

use chrono::{Days, Duration};
use licensebot::app::{
    lifecycle_tick, App, AppError, Clock, KeyBatch, NoticeBody, OpenOrder, Plan, Review,
    SubscriptionRef, UserError,
};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, OrderState, Revocation, Subscription, UserId},
    KeyFormatError, KeyRefusal, KeyRefusalCause, LifecycleState, NoticeKind, OrderKind, ProductKey,
    RuleError, Term,
};
use licensebot::store::{RedemptionFilter, Store};
use uuid::Uuid;

use crate::support::db::TestDb;
use crate::support::engine::{
    app_on, app_with_products, at, count, date, key_state, snapshot, user_error, Snapshot, PREMIUM,
    STANDARD,
};

const GUILD: GuildId = GuildId(700_000_000_000_000_001);
const OTHER_GUILD: GuildId = GuildId(700_000_000_000_000_002);
const ANA: UserId = UserId(800_000_000_000_000_001);
const BOB: UserId = UserId(800_000_000_000_000_002);

/// A fresh database with two products, and an `App` on it whose clock stands still.
struct Fx {
    db: TestDb,
    app: App,
}

impl Fx {
    /// The store under the app, for reading what it wrote.
    fn store(&self) -> Store {
        Store::new(self.db.pool.clone())
    }

    async fn new(now: &str) -> Fx {
        let db = TestDb::new().await;
        let app = app_with_products(&db, now).await;
        Fx { db, app }
    }

    async fn subscription(
        &self,
        guild: GuildId,
        name: &str,
        sku: &str,
        seats: i64,
        ends_on: &str,
    ) -> Subscription {
        self.app
            .create_subscription(guild, sku, name, seats, date(ends_on))
            .await
            .expect("creating a subscription")
    }

    async fn mint(&self, sku: &str, seats: i64, term: &str, count: usize) -> Vec<ProductKey> {
        self.mint_batch(KeyBatch {
            product_sku: sku.into(),
            seats,
            term: term.parse::<Term>().expect("a valid test term"),
            count,
            batch: None,
            expires_on: None,
        })
        .await
    }

    async fn mint_batch(&self, batch: KeyBatch) -> Vec<ProductKey> {
        self.app.generate_keys(&batch).await.expect("minting keys")
    }

    async fn open(
        &self,
        guild: GuildId,
        user: UserId,
        sub: &Subscription,
        kind: OrderKind,
        keys: &str,
    ) -> Result<Review, AppError> {
        self.app
            .open_order(order_input(guild, user, sub, kind, keys))
            .await
    }

    async fn subscription_now(&self, sub: &Subscription) -> Subscription {
        self.store()
            .subscription(sub.guild, sub.id)
            .await
            .expect("reading a subscription")
            .expect("the subscription exists")
    }

    async fn snapshot(&self) -> Snapshot {
        snapshot(&self.db.pool).await
    }

    /// Opens an order that must be refused, and checks that nothing changed.
    async fn refused(
        &self,
        user: UserId,
        sub: &Subscription,
        kind: OrderKind,
        keys: &str,
    ) -> UserError {
        let before = self.snapshot().await;
        let result = self.open(sub.guild, user, sub, kind, keys).await;
        let error = user_error(result);
        assert_eq!(self.snapshot().await, before, "a refusal changed something");
        error
    }
}

fn order_input(
    guild: GuildId,
    user: UserId,
    sub: &Subscription,
    kind: OrderKind,
    keys: &str,
) -> OpenOrder {
    OpenOrder {
        guild,
        user,
        locale: "en-US".into(),
        subscription: SubscriptionRef::Id(sub.id),
        kind,
        keys: keys.into(),
    }
}

fn refusals(error: UserError) -> Vec<KeyRefusal> {
    match error {
        UserError::KeysRefused(refusals) => refusals,
        other => panic!("expected refused keys, got {other:?}"),
    }
}

async fn order_state(pool: &sqlx::PgPool, id: Uuid) -> String {
    sqlx::query_scalar("SELECT state FROM orders WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .expect("reading an order's state")
}

/// Every way a key could be written down.
fn spellings(key: &ProductKey) -> Vec<String> {
    let dashed = key.to_string();
    let compact = key.compact().to_string();
    vec![
        dashed.to_lowercase(),
        compact.to_lowercase(),
        dashed,
        compact,
    ]
}

#[tokio::test]
async fn redeeming_an_add_licenses_order_adds_seats_and_writes_the_ledger_and_a_keyless_notice() {
    let fx = Fx::new("2026-01-10T14:02:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 1).await;

    // Named by hand, in another case, instead of by autocomplete's id.
    let review = fx
        .app
        .open_order(OpenOrder {
            subscription: SubscriptionRef::Name("contoso".into()),
            ..order_input(
                GUILD,
                ANA,
                &sub,
                OrderKind::AddLicenses,
                &keys[0].to_string(),
            )
        })
        .await
        .expect("opening the order");
    assert_eq!(review.subject.subscription().map(|s| s.id), Some(sub.id));
    assert_eq!(review.order.state, OrderState::Open);
    assert_eq!(review.order.kind, OrderKind::AddLicenses);
    assert_eq!(
        review.order.expires_at,
        at("2026-01-10T14:12:00Z"),
        "orders live 10 minutes"
    );
    assert_eq!(review.keys.len(), 1);
    assert_eq!(review.keys[0].masked, keys[0].masked());
    assert_eq!(review.keys[0].seats, 5);
    match &review.plan {
        Plan::AddLicenses(plan) => {
            assert_eq!((plan.seats_before, plan.seats_after), (10, 15));
            assert_eq!(plan.ends_on, date("2026-06-30"));
            assert!(
                plan.term_reaches_past_end,
                "a 12-month key reaches past 2026-06-30: the review must say the licenses co-term"
            );
        }
        other => panic!("expected an add-licenses plan, got {other:?}"),
    }
    // Opening changes nothing yet.
    assert_eq!(fx.subscription_now(&sub).await.seats, 10);
    assert_eq!(key_state(&fx.db.pool, &keys[0]).await, "available");

    let receipt = fx
        .app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(receipt.redeemed_at, at("2026-01-10T14:02:00Z"));
    assert_eq!(receipt.review.order.state, OrderState::Redeemed);

    let now = fx.subscription_now(&sub).await;
    assert_eq!(now.seats, 15, "seats += the key's seats");
    assert_eq!(
        now.ends_on,
        date("2026-06-30"),
        "the end date does not move"
    );
    assert_eq!(key_state(&fx.db.pool, &keys[0]).await, "redeemed");
    assert_eq!(order_state(&fx.db.pool, review.order.id).await, "redeemed");

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
    assert_eq!(r.order_id, review.order.id);
    assert_eq!((r.guild_id, r.user_id), (GUILD.0, ANA.0));
    assert_eq!(r.subscription_id, sub.id);
    assert_eq!(r.kind, OrderKind::AddLicenses);
    assert_eq!((r.seats_before, r.seats_after), (Some(10), 15));
    assert_eq!(
        (r.ends_before, r.ends_after),
        (Some(date("2026-06-30")), date("2026-06-30"))
    );
    assert_eq!(r.key_count, 1);
    let linked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM redemption_keys rk JOIN product_keys k ON k.id = rk.key_id
         WHERE rk.redemption_id = $1 AND k.digest = $2",
    )
    .bind(receipt.redemption_id)
    .bind(&keys[0].digest().0[..])
    .fetch_one(&fx.db.pool)
    .await
    .expect("reading the redemption's keys");
    assert_eq!(linked, 1, "the key is linked to the redemption");

    let notices = fx
        .store()
        .list_notices(Some(GUILD))
        .await
        .expect("listing notices");
    assert_eq!(notices.len(), 1, "{notices:?}");
    let notice = &notices[0];
    assert_eq!(notice.kind, NoticeKind::Redemption);
    assert_eq!(notice.state, licensebot::domain::NoticeState::Pending);
    assert_eq!(
        notice.dedupe_key,
        format!("redemption:{}", receipt.redemption_id)
    );
    assert_eq!(
        NoticeBody::from_json(&notice.body),
        Some(NoticeBody::Redemption {
            user: ANA.0,
            subscription: "Contoso".into(),
            kind: OrderKind::AddLicenses,
            seats_before: 10,
            seats_after: 15,
            ends_before: date("2026-06-30"),
            ends_after: date("2026-06-30"),
            keys: 1,
        })
    );
    let body = notice.body.to_string();
    for spelling in spellings(&keys[0]) {
        assert!(
            !body.contains(&spelling),
            "the notice carries the key: {body}"
        );
    }
    assert!(
        !body.contains(keys[0].tail().as_str()),
        "the notice carries part of the key: {body}"
    );

    // A second click is told who redeemed it and when, and changes nothing.
    let before = fx.snapshot().await;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, review.order.id).await),
        UserError::OrderRedeemed {
            by: ANA,
            at: at("2026-01-10T14:02:00Z")
        }
    );
    assert_eq!(fx.snapshot().await, before);
}

#[tokio::test]
async fn extend_with_keys_that_cover_every_seat_adds_exactly_their_term() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 50, "2026-01-31")
        .await;
    let keys = fx.mint(STANDARD, 25, "12m", 2).await;
    // Typed the way people type: lower case, one without dashes, on two lines.
    let typed = format!(
        "{}\n  {}",
        keys[0].to_string().to_lowercase(),
        keys[1].compact().to_lowercase()
    );
    let review = fx
        .open(GUILD, ANA, &sub, OrderKind::Extend, &typed)
        .await
        .expect("opening the order");
    assert_eq!(review.keys.len(), 2);
    match &review.plan {
        Plan::Extend(plan) => {
            assert_eq!(plan.base, date("2026-01-31"));
            assert_eq!(plan.seat_days, 2 * 25 * 365);
            assert_eq!(plan.days, 365);
            assert_eq!(plan.ends_after, date("2027-01-31"));
        }
        other => panic!("expected an extend plan, got {other:?}"),
    }
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    let now = fx.subscription_now(&sub).await;
    assert_eq!(now.ends_on, date("2027-01-31"));
    assert_eq!(now.seats, 50, "extending does not change seats");
    for key in &keys {
        assert_eq!(key_state(&fx.db.pool, key).await, "redeemed");
    }
    let notices = fx.store().list_notices(Some(GUILD)).await.expect("notices");
    assert_eq!(notices.len(), 1);
    assert_eq!(
        NoticeBody::from_json(&notices[0].body),
        Some(NoticeBody::Redemption {
            user: ANA.0,
            subscription: "Contoso".into(),
            kind: OrderKind::Extend,
            seats_before: 50,
            seats_after: 50,
            ends_before: date("2026-01-31"),
            ends_after: date("2027-01-31"),
            keys: 2,
        })
    );
}

#[tokio::test]
async fn extend_pools_seat_time_when_keys_do_not_cover_all_seats() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Fabrikam", PREMIUM, 200, "2026-01-31")
        .await;
    let keys = fx.mint(PREMIUM, 100, "12m", 1).await;
    let review = fx
        .open(GUILD, ANA, &sub, OrderKind::Extend, &keys[0].to_string())
        .await
        .expect("opening the order");
    let receipt = fx
        .app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    // floor(100 × 365 / 200) = 182 days.
    let expected = date("2026-01-31") + Days::new(182);
    assert_eq!(expected, date("2026-08-01"));
    assert_eq!(fx.subscription_now(&sub).await.ends_on, expected);
    assert_eq!(fx.subscription_now(&sub).await.seats, 200);
    match receipt.review.plan {
        Plan::Extend(plan) => assert_eq!((plan.days, plan.ends_after), (182, expected)),
        other => panic!("expected an extend plan, got {other:?}"),
    }
}

#[tokio::test]
async fn a_mistyped_key_is_refused_with_the_position_of_the_bad_character_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let good = fx.mint(STANDARD, 5, "12m", 1).await;
    // Character 7 is a zero, which no key contains; the good key next to it is not enough.
    let mut bad: Vec<char> = good[0].to_string().chars().collect();
    bad[7] = '0'; // "XXXXX-X0XXX-…": the seventh key character
    let bad: String = bad.into_iter().collect();
    let refused = refusals(
        fx.refused(
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &format!("{bad}, {}", good[0]),
        )
        .await,
    );
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(
        refused[0].cause,
        KeyRefusalCause::Format(KeyFormatError::Character {
            position: 7,
            found: '0'
        })
    );
    assert_eq!(refused[0].tail, None);
    assert!(
        refused[0].masked.ends_with(&bad[bad.len() - 5..]),
        "{}",
        refused[0].masked
    );
    assert!(
        !refused[0].masked.contains(&bad[..5]),
        "{}",
        refused[0].masked
    );

    let short = &good[0].to_string()[..28];
    let refused = refusals(fx.refused(ANA, &sub, OrderKind::AddLicenses, short).await);
    assert_eq!(
        refused[0].cause,
        KeyRefusalCause::Format(KeyFormatError::Length { found: 24 })
    );
}

#[tokio::test]
async fn an_unknown_key_is_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    fx.mint(STANDARD, 5, "12m", 3).await;
    let unknown = ProductKey::generate(&mut rand::rngs::OsRng);
    let refused = refusals(
        fx.refused(ANA, &sub, OrderKind::AddLicenses, &unknown.to_string())
            .await,
    );
    assert_eq!(
        refused,
        vec![KeyRefusal {
            masked: unknown.masked(),
            tail: Some(unknown.tail().to_string()),
            cause: KeyRefusalCause::Unknown,
        }]
    );
}

#[tokio::test]
async fn an_already_redeemed_key_is_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 1).await;
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening");
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    let refused = refusals(
        fx.refused(BOB, &sub, OrderKind::AddLicenses, keys[0].compact())
            .await,
    );
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].cause, KeyRefusalCause::AlreadyRedeemed);
    assert_eq!(refused[0].tail.as_deref(), Some(keys[0].tail().as_str()));
    assert_eq!(fx.subscription_now(&sub).await.seats, 15, "applied once");
}

#[tokio::test]
async fn a_revoked_key_is_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 2).await;
    let revoked = fx
        .app
        .revoke_keys(None, &[keys[0].to_string()])
        .await
        .expect("revoking");
    assert_eq!(
        revoked
            .iter()
            .map(|k| (k.result, k.changed))
            .collect::<Vec<_>>(),
        [(Revocation::Revoked, true)]
    );
    let refused = refusals(
        fx.refused(ANA, &sub, OrderKind::AddLicenses, &keys[0].to_string())
            .await,
    );
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].cause, KeyRefusalCause::Revoked);
    // The other key of the batch is untouched.
    assert_eq!(key_state(&fx.db.pool, &keys[1]).await, "available");
}

#[tokio::test]
async fn an_unredeemed_key_past_its_expiry_date_is_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let batch = |expires: &str| KeyBatch {
        product_sku: STANDARD.into(),
        seats: 5,
        term: Term::Months(12),
        count: 1,
        batch: None,
        expires_on: Some(date(expires)),
    };
    let expired = fx.mint_batch(batch("2026-01-09")).await;
    let refused = refusals(
        fx.refused(ANA, &sub, OrderKind::AddLicenses, &expired[0].to_string())
            .await,
    );
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].cause, KeyRefusalCause::Expired);

    // A key that expires today is still good today.
    let last_day = fx.mint_batch(batch("2026-01-10")).await;
    fx.open(
        GUILD,
        ANA,
        &sub,
        OrderKind::AddLicenses,
        &last_day[0].to_string(),
    )
    .await
    .expect("a key on its last day opens an order");
}

#[tokio::test]
async fn a_key_for_another_product_is_refused_naming_both_products_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let premium = fx.mint(PREMIUM, 5, "12m", 1).await;
    let refused = refusals(
        fx.refused(ANA, &sub, OrderKind::AddLicenses, &premium[0].to_string())
            .await,
    );
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].cause,
        KeyRefusalCause::OtherProduct {
            key_product: "Business Premium".into(),
            subscription_product: "Business Standard".into(),
        }
    );
}

#[tokio::test]
async fn a_key_entered_twice_in_one_input_is_refused_as_repeated_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 1).await;
    // The same key, once dashed and once in lower case without dashes.
    let typed = format!("{} {}", keys[0], keys[0].compact().to_lowercase());
    let refused = refusals(fx.refused(ANA, &sub, OrderKind::AddLicenses, &typed).await);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].cause, KeyRefusalCause::RepeatedInOrder);
    // A slip, not a guess: it does not count towards the lockout.
    assert_eq!(
        count(&fx.db.pool, "SELECT count(*) FROM key_attempts").await,
        0
    );
}

#[tokio::test]
async fn licenses_past_the_products_seat_cap_are_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 280, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 40, "12m", 1).await;
    let error = fx
        .refused(ANA, &sub, OrderKind::AddLicenses, &keys[0].to_string())
        .await;
    assert_eq!(
        error,
        UserError::Rule(RuleError::SeatCap {
            subscription: "Contoso".into(),
            product: "Business Standard".into(),
            would_have: 320,
            max: 300,
        })
    );
    // Exactly at the cap is fine.
    let twenty = fx.mint(STANDARD, 20, "12m", 1).await;
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &twenty[0].to_string(),
        )
        .await
        .expect("reaching the cap exactly");
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming up to the cap");
    assert_eq!(fx.subscription_now(&sub).await.seats, 300);
}

#[tokio::test]
async fn more_than_ten_keys_in_one_order_are_refused_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", PREMIUM, 10, "2026-06-30")
        .await;
    let keys = fx.mint(PREMIUM, 1, "12m", 11).await;
    let typed = |n: usize| {
        keys[..n]
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let error = fx
        .refused(ANA, &sub, OrderKind::AddLicenses, &typed(11))
        .await;
    assert_eq!(
        error,
        UserError::TooManyKeys {
            max: 10,
            entered: 11
        }
    );
    let review = fx
        .open(GUILD, ANA, &sub, OrderKind::AddLicenses, &typed(10))
        .await
        .expect("ten keys are allowed");
    assert_eq!(review.keys.len(), 10);
}

#[tokio::test]
async fn add_licenses_needs_an_active_subscription_and_extend_refuses_a_deleted_one() {
    let fx = Fx::new("2026-03-01T09:00:00Z").await;
    let expired = fx
        .subscription(GUILD, "Expired", STANDARD, 10, "2026-02-15")
        .await;
    let deleted = fx
        .subscription(GUILD, "Deleted", STANDARD, 10, "2025-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 1).await;
    assert_eq!(
        fx.refused(ANA, &expired, OrderKind::AddLicenses, &keys[0].to_string())
            .await,
        UserError::Rule(RuleError::WrongState {
            state: LifecycleState::Expired,
            kind: OrderKind::AddLicenses
        })
    );
    assert_eq!(
        fx.refused(ANA, &deleted, OrderKind::Extend, &keys[0].to_string())
            .await,
        UserError::Rule(RuleError::WrongState {
            state: LifecycleState::Deleted,
            kind: OrderKind::Extend
        })
    );
    // An expired subscription can still be extended, from its end date.
    let review = fx
        .open(
            GUILD,
            ANA,
            &expired,
            OrderKind::Extend,
            &keys[0].to_string(),
        )
        .await
        .expect("extending an expired subscription");
    fx.app
        .redeem(GUILD, ANA, review.order.id)
        .await
        .expect("redeeming");
    // floor(5 × 365 / 10) = 182 days from 2026-02-15.
    assert_eq!(
        fx.subscription_now(&expired).await.ends_on,
        date("2026-02-15") + Days::new(182)
    );
}

#[tokio::test]
async fn five_refused_keys_within_fifteen_minutes_lock_the_user_out_once_across_restarts() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let good = fx.mint(STANDARD, 1, "12m", 1).await;
    for minute in 0..5 {
        let guess = ProductKey::generate(&mut rand::rngs::OsRng);
        let error = user_error(
            fx.open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guess.to_string())
                .await,
        );
        assert_eq!(refusals(error)[0].cause, KeyRefusalCause::Unknown);
        fx.app
            .clock
            .advance(Duration::minutes(if minute < 4 { 2 } else { 0 }));
    }
    // Five refusals between 09:00 and 09:08: locked out from 09:08 for 15 minutes.
    let until = at("2026-01-10T09:23:00Z");
    let before = fx.snapshot().await;
    assert_eq!(
        user_error(
            fx.open(
                GUILD,
                ANA,
                &sub,
                OrderKind::AddLicenses,
                &good[0].to_string()
            )
            .await
        ),
        UserError::LockedOut { until },
        "even a good key is refused while locked out"
    );
    // More guesses while locked out are refused before they are looked at.
    let attempts = count(&fx.db.pool, "SELECT count(*) FROM key_attempts").await;
    assert_eq!(attempts, 5);
    let guess = ProductKey::generate(&mut rand::rngs::OsRng);
    assert_eq!(
        user_error(
            fx.open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guess.to_string())
                .await
        ),
        UserError::LockedOut { until }
    );
    assert_eq!(fx.snapshot().await, before);
    assert_eq!(
        count(&fx.db.pool, "SELECT count(*) FROM key_attempts").await,
        attempts
    );

    let lockout_notices = |notices: Vec<licensebot::store::NoticeRow>| {
        notices
            .into_iter()
            .filter(|n| n.kind == NoticeKind::Lockout)
            .collect::<Vec<_>>()
    };
    let notices = lockout_notices(fx.store().list_notices(Some(GUILD)).await.unwrap());
    assert_eq!(notices.len(), 1, "the team channel is told once");
    assert_eq!(
        NoticeBody::from_json(&notices[0].body),
        Some(NoticeBody::Lockout { user: ANA.0, until })
    );

    // Another admin, and the same admin in another guild, are not locked out.
    fx.open(
        GUILD,
        BOB,
        &sub,
        OrderKind::AddLicenses,
        &good[0].to_string(),
    )
    .await
    .expect("another admin is not locked out");
    let elsewhere = fx
        .subscription(OTHER_GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let other_key = fx.mint(STANDARD, 1, "12m", 1).await;
    fx.open(
        OTHER_GUILD,
        ANA,
        &elsewhere,
        OrderKind::AddLicenses,
        &other_key[0].to_string(),
    )
    .await
    .expect("the lockout is per guild");

    // A restart: a new App on a new pool, same time. Still locked out.
    let pool = sqlx::PgPool::connect(&fx.db.url).await.expect("a new pool");
    let restarted_store = Store::new(pool.clone());
    let restarted = App::assemble(
        Store::new(pool),
        Arc::new(Settings::default()),
        Clock::fixed(fx.app.clock.now() + Duration::minutes(14)),
    );
    assert_eq!(
        user_error(
            restarted
                .open_order(order_input(
                    GUILD,
                    ANA,
                    &sub,
                    OrderKind::AddLicenses,
                    &good[0].to_string()
                ))
                .await
        ),
        UserError::LockedOut { until }
    );

    // When the lock ends, key entry works again, and no second notice was sent.
    restarted.clock.advance(Duration::minutes(1));
    assert_eq!(restarted.clock.now(), until);
    restarted
        .open_order(order_input(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &good[0].to_string(),
        ))
        .await
        .expect("unlocked after 15 minutes");
    let notices = lockout_notices(restarted_store.list_notices(None).await.unwrap());
    assert_eq!(notices.len(), 1, "{notices:?}");
}

#[tokio::test]
async fn an_interaction_is_a_first_delivery_once_across_processes_and_forgotten_after_an_hour() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    // Another replica: its own pool on the same database.
    let pool = sqlx::PgPool::connect(&fx.db.url).await.expect("a new pool");
    let other = App::assemble(
        Store::new(pool),
        Arc::new(Settings::default()),
        fx.app.clock.clone(),
    );
    let id = 1_576_000_000_000_000_001;
    assert!(fx.app.first_delivery(id).await.unwrap());
    assert!(
        !other.first_delivery(id).await.unwrap(),
        "the other replica refuses it"
    );
    assert!(!fx.app.first_delivery(id).await.unwrap());
    assert!(other.first_delivery(id + 1).await.unwrap());

    fx.app.clock.advance(Duration::minutes(59));
    assert_eq!(fx.app.forget_old_deliveries().await.unwrap(), 0);
    assert!(
        !other.first_delivery(id).await.unwrap(),
        "remembered for an hour"
    );
    fx.app.clock.advance(Duration::minutes(2));
    assert_eq!(fx.app.forget_old_deliveries().await.unwrap(), 2);
    assert_eq!(
        count(&fx.db.pool, "SELECT count(*) FROM handled_interactions").await,
        0
    );
}

/// `n` keys nobody minted, one per line.
fn guesses(n: usize) -> String {
    (0..n)
        .map(|_| ProductKey::generate(&mut rand::rngs::OsRng).to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many keys a refusal answered one by one (what a guesser learns from it).
fn keys_answered(result: &Result<Review, AppError>) -> usize {
    match result {
        Err(AppError::User(UserError::KeysRefused(refusals))) => refusals.len(),
        Err(AppError::User(UserError::LockedOut { .. })) => 0,
        other => panic!("expected refused keys or a lockout, got {other:?}"),
    }
}

#[tokio::test]
async fn an_entry_of_more_unknown_keys_than_the_lockout_allows_is_not_answered_key_by_key() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    // Two guesses leave three before the lockout (threshold 5).
    let first = fx
        .open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guesses(2))
        .await;
    assert_eq!(
        keys_answered(&first),
        2,
        "within the budget: answered as before"
    );
    // Ten keys at once are ten guesses: more than the three left.
    let until = at("2026-01-10T09:15:00Z");
    assert_eq!(
        user_error(
            fx.open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guesses(10))
                .await
        ),
        UserError::LockedOut { until },
        "the entry is refused whole, without saying which of its keys exist"
    );
    assert_eq!(
        count(&fx.db.pool, "SELECT count(*) FROM key_attempts").await,
        5,
        "no more guesses are counted than the threshold"
    );
    assert_eq!(
        count(
            &fx.db.pool,
            "SELECT count(*) FROM notices WHERE kind = 'lockout'"
        )
        .await,
        1,
        "the team channel is told"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refused_entries_never_count_or_answer_more_guesses_than_the_threshold() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 100, "2026-06-30")
        .await;
    let good = fx.mint(STANDARD, 1, "12m", 2).await;
    // An open order to add keys to, through the modal's path.
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &good[0].to_string(),
        )
        .await
        .expect("opening an order");
    let mut entries = tokio::task::JoinSet::new();
    for i in 0..12 {
        let app = fx.app.clone();
        let typed = guesses(1 + i % 3);
        let input = order_input(GUILD, ANA, &sub, OrderKind::AddLicenses, &typed);
        let order = review.order.id;
        entries.spawn(async move {
            if i % 2 == 0 {
                app.open_order(input).await
            } else {
                app.add_keys(GUILD, ANA, order, &typed).await
            }
        });
    }
    let mut answered = 0;
    while let Some(result) = entries.join_next().await {
        answered += keys_answered(&result.expect("an entry ran"));
    }
    let threshold = Settings::default().lockout.threshold as usize;
    assert!(
        answered <= threshold,
        "{answered} guesses were answered key by key; the lockout allows {threshold}"
    );
    let counted = count(&fx.db.pool, "SELECT count(*) FROM key_attempts").await;
    assert!(
        counted <= threshold as i64,
        "{counted} refused keys were counted; the lockout allows {threshold}"
    );
    assert!(
        matches!(
            user_error(
                fx.open(
                    GUILD,
                    ANA,
                    &sub,
                    OrderKind::AddLicenses,
                    &good[1].to_string()
                )
                .await
            ),
            UserError::LockedOut { .. }
        ),
        "the user is locked out"
    );
    assert_eq!(
        count(
            &fx.db.pool,
            "SELECT count(*) FROM notices WHERE kind = 'lockout'"
        )
        .await,
        1,
        "one lockout, told once"
    );
}

#[tokio::test]
async fn refused_keys_spread_over_more_than_fifteen_minutes_do_not_lock_the_user_out() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let good = fx.mint(STANDARD, 1, "12m", 1).await;
    for _ in 0..4 {
        let guess = ProductKey::generate(&mut rand::rngs::OsRng);
        user_error(
            fx.open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guess.to_string())
                .await,
        );
    }
    fx.app.clock.advance(Duration::minutes(16));
    let guess = ProductKey::generate(&mut rand::rngs::OsRng);
    refusals(user_error(
        fx.open(GUILD, ANA, &sub, OrderKind::AddLicenses, &guess.to_string())
            .await,
    ));
    fx.open(
        GUILD,
        ANA,
        &sub,
        OrderKind::AddLicenses,
        &good[0].to_string(),
    )
    .await
    .expect("four old refusals and one new one are not five within 15 minutes");
    assert_eq!(count(&fx.db.pool, "SELECT count(*) FROM notices").await, 0);
}

#[tokio::test]
async fn an_order_past_its_lifetime_cannot_be_redeemed_and_stale_orders_are_closed() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 3).await;
    let mine = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening");
    let others = [
        fx.open(
            GUILD,
            BOB,
            &sub,
            OrderKind::AddLicenses,
            &keys[1].to_string(),
        )
        .await
        .expect("opening"),
        fx.open(GUILD, BOB, &sub, OrderKind::Extend, &keys[2].to_string())
            .await
            .expect("opening"),
    ];

    fx.app.clock.advance(Duration::seconds(599));
    fx.app
        .review(GUILD, ANA, mine.order.id)
        .await
        .expect("still open at 9 minutes 59 seconds");
    assert!(fx.app.expire_stale_orders().await.unwrap().is_empty());

    fx.app.clock.advance(Duration::seconds(1));
    let before = fx.snapshot().await;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, mine.order.id).await),
        UserError::OrderExpired
    );
    assert_eq!(order_state(&fx.db.pool, mine.order.id).await, "expired");
    let after = fx.snapshot().await;
    assert_eq!(after.subscriptions, before.subscriptions);
    assert_eq!(after.keys, before.keys, "no key was redeemed");
    assert_eq!(after.redemptions, 0);

    let mut expired: Vec<Uuid> = fx
        .app
        .expire_stale_orders()
        .await
        .expect("expiring")
        .into_iter()
        .map(|o| o.id)
        .collect();
    expired.sort();
    let mut expected: Vec<Uuid> = others.iter().map(|r| r.order.id).collect();
    expected.sort();
    assert_eq!(expired, expected, "each stale order is closed once");
    for id in &expected {
        assert_eq!(order_state(&fx.db.pool, *id).await, "expired");
    }
    assert!(fx.app.expire_stale_orders().await.unwrap().is_empty());
    assert_eq!(
        user_error(fx.app.redeem(GUILD, BOB, others[0].order.id).await),
        UserError::OrderExpired
    );
    assert_eq!(
        user_error(fx.app.cancel(GUILD, BOB, others[1].order.id).await),
        UserError::OrderExpired
    );

    // The keys of an expired order are still good.
    let again = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("reusing the key of an expired order");
    fx.app
        .redeem(GUILD, ANA, again.order.id)
        .await
        .expect("redeeming");
    assert_eq!(fx.subscription_now(&sub).await.seats, 15);
}

#[tokio::test]
async fn a_cancelled_order_changes_nothing_and_cannot_be_redeemed() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 1).await;
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening");
    let cancelled = fx
        .app
        .cancel(GUILD, ANA, review.order.id)
        .await
        .expect("cancelling");
    assert_eq!(cancelled.state, OrderState::Cancelled);
    assert_eq!(order_state(&fx.db.pool, review.order.id).await, "cancelled");
    assert_eq!(fx.subscription_now(&sub).await.seats, 10);
    assert_eq!(key_state(&fx.db.pool, &keys[0]).await, "available");

    let before = fx.snapshot().await;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, review.order.id).await),
        UserError::OrderCancelled
    );
    assert_eq!(
        user_error(fx.app.cancel(GUILD, ANA, review.order.id).await),
        UserError::OrderCancelled
    );
    assert_eq!(
        user_error(
            fx.app
                .add_keys(GUILD, ANA, review.order.id, &keys[0].to_string())
                .await
        ),
        UserError::OrderCancelled
    );
    assert_eq!(fx.snapshot().await, before);
    assert_eq!(fx.store().list_notices(None).await.unwrap().len(), 0);
}

#[tokio::test]
async fn another_guilds_order_or_subscription_is_not_found_and_nothing_changes() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let theirs = fx
        .subscription(OTHER_GUILD, "Northwind", STANDARD, 10, "2026-06-30")
        .await;
    let ours = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 2).await;
    let their_order = fx
        .open(
            OTHER_GUILD,
            ANA,
            &theirs,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening in the other guild");

    let before = fx.snapshot().await;
    // Their order id, from our guild, by the very same user.
    let id = their_order.order.id;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, ANA, id).await),
        UserError::OrderNotFound
    );
    assert_eq!(
        user_error(fx.app.cancel(GUILD, ANA, id).await),
        UserError::OrderNotFound
    );
    assert_eq!(
        user_error(fx.app.add_keys(GUILD, ANA, id, &keys[1].to_string()).await),
        UserError::OrderNotFound
    );
    assert_eq!(
        user_error(fx.app.review(GUILD, ANA, id).await),
        UserError::OrderNotFound
    );
    // Their subscription, by id and by name, from our guild.
    assert_eq!(
        user_error(
            fx.open(
                GUILD,
                ANA,
                &theirs,
                OrderKind::AddLicenses,
                &keys[1].to_string()
            )
            .await
        ),
        UserError::SubscriptionNotFound
    );
    assert_eq!(
        user_error(
            fx.app
                .open_order(OpenOrder {
                    subscription: SubscriptionRef::Name("Northwind".into()),
                    ..order_input(
                        GUILD,
                        ANA,
                        &ours,
                        OrderKind::AddLicenses,
                        &keys[1].to_string()
                    )
                })
                .await
        ),
        UserError::SubscriptionNotFound
    );
    assert_eq!(fx.snapshot().await, before);
    assert_eq!(order_state(&fx.db.pool, id).await, "open");

    // Their order is still theirs to redeem.
    fx.app
        .redeem(OTHER_GUILD, ANA, id)
        .await
        .expect("redeeming in its own guild");
    assert_eq!(fx.subscription_now(&theirs).await.seats, 15);
    assert_eq!(fx.subscription_now(&ours).await.seats, 10);
}

#[tokio::test]
async fn only_the_admin_who_opened_an_order_can_redeem_cancel_or_grow_it() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 2).await;
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening");
    let id = review.order.id;
    let before = fx.snapshot().await;
    assert_eq!(
        user_error(fx.app.redeem(GUILD, BOB, id).await),
        UserError::NotYourOrder
    );
    assert_eq!(
        user_error(fx.app.cancel(GUILD, BOB, id).await),
        UserError::NotYourOrder
    );
    assert_eq!(
        user_error(fx.app.add_keys(GUILD, BOB, id, &keys[1].to_string()).await),
        UserError::NotYourOrder
    );
    assert_eq!(fx.snapshot().await, before);
    fx.app
        .redeem(GUILD, ANA, id)
        .await
        .expect("the owner can still redeem");
    assert_eq!(fx.subscription_now(&sub).await.seats, 15);
}

#[tokio::test]
async fn add_keys_grows_an_order_and_refuses_a_key_already_in_it() {
    let fx = Fx::new("2026-01-10T09:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2026-06-30")
        .await;
    let keys = fx.mint(STANDARD, 5, "12m", 3).await;
    let review = fx
        .open(
            GUILD,
            ANA,
            &sub,
            OrderKind::AddLicenses,
            &keys[0].to_string(),
        )
        .await
        .expect("opening");
    let id = review.order.id;

    let grown = fx
        .app
        .add_keys(
            GUILD,
            ANA,
            id,
            &format!("{}\n{}", keys[1].compact().to_lowercase(), keys[2]),
        )
        .await
        .expect("adding two keys");
    let masked: Vec<&str> = grown.keys.iter().map(|k| k.masked.as_str()).collect();
    assert_eq!(
        masked,
        vec![keys[0].masked(), keys[1].masked(), keys[2].masked()],
        "keys keep the order they were entered in"
    );
    match &grown.plan {
        Plan::AddLicenses(plan) => assert_eq!(plan.seats_after, 25),
        other => panic!("expected an add-licenses plan, got {other:?}"),
    }

    let before = fx.snapshot().await;
    let refused = refusals(user_error(
        fx.app.add_keys(GUILD, ANA, id, &keys[0].to_string()).await,
    ));
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].cause, KeyRefusalCause::RepeatedInOrder);
    assert_eq!(fx.snapshot().await, before, "the order is as it was");

    let receipt = fx.app.redeem(GUILD, ANA, id).await.expect("redeeming");
    assert_eq!(receipt.review.keys.len(), 3);
    assert_eq!(fx.subscription_now(&sub).await.seats, 25);
    for key in &keys {
        assert_eq!(key_state(&fx.db.pool, key).await, "redeemed");
    }
}

#[tokio::test]
async fn lifecycle_tick_enqueues_each_reminder_and_state_change_once() {
    let fx = Fx::new("2026-12-01T06:00:00Z").await;
    let sub = fx
        .subscription(GUILD, "Contoso", STANDARD, 10, "2027-01-31")
        .await;
    let set_today = |day: &str| {
        let target = at(&format!("{day}T06:00:00Z"));
        fx.app.clock.advance(target - fx.app.clock.now());
    };
    let tick = || async { lifecycle_tick(&fx.app).await.expect("a lifecycle tick") };

    assert_eq!(tick().await, 0, "61 days before the end: nothing due");
    let milestones = [
        ("2027-01-01", "reminder:30"),
        ("2027-01-17", "reminder:14"),
        ("2027-01-24", "reminder:7"),
        ("2027-01-30", "reminder:1"),
        ("2027-02-01", "state:expired"),
        ("2027-03-03", "state:disabled"),
        ("2027-06-01", "state:deleted"),
    ];
    for (day, milestone) in milestones {
        set_today(day);
        assert_eq!(tick().await, 1, "{day}: {milestone} is due");
        assert_eq!(tick().await, 0, "{day}: {milestone} again");
        let notices = fx.store().list_notices(Some(GUILD)).await.unwrap();
        let last = notices.last().expect("a notice");
        assert_eq!(last.kind, NoticeKind::Lifecycle);
        assert_eq!(
            last.dedupe_key,
            format!("lifecycle:{}:2027-01-31:{milestone}", sub.id)
        );
    }
    // A day without a new milestone enqueues nothing.
    set_today("2027-06-02");
    assert_eq!(tick().await, 0);

    let bodies: Vec<NoticeBody> = fx
        .store()
        .list_notices(Some(GUILD))
        .await
        .unwrap()
        .iter()
        .map(|n| NoticeBody::from_json(&n.body).expect("a notice body"))
        .collect();
    let reminder = |days| NoticeBody::Reminder {
        subscription: "Contoso".into(),
        ends_on: date("2027-01-31"),
        days,
    };
    let state = |s: &str| NoticeBody::StateChange {
        subscription: "Contoso".into(),
        state: s.parse().expect("a lifecycle state"),
        ends_on: date("2027-01-31"),
    };
    assert_eq!(
        bodies,
        vec![
            reminder(30),
            reminder(14),
            reminder(7),
            reminder(1),
            state("expired"),
            state("disabled"),
            state("deleted"),
        ]
    );
}

#[tokio::test]
async fn lifecycle_tick_reads_only_subscriptions_near_a_milestone_page_by_page() {
    let fx = Fx::new("2027-01-01T06:00:00Z").await;
    // 1,201 due (more than two of the pass's pages), among 2,402 that are not: a year
    // away, or deleted long ago.
    sqlx::query(
        "INSERT INTO subscriptions (guild_id, product_sku, name, seats, ends_on)
         SELECT $1, $2, 'Team ' || g, 10,
                CASE g % 3 WHEN 0 THEN DATE '2027-01-11'
                           WHEN 1 THEN DATE '2028-01-01'
                           ELSE DATE '2020-01-01' END
         FROM generate_series(1, 3603) AS g",
    )
    .bind(GUILD.0 as i64)
    .bind(STANDARD)
    .execute(&fx.db.pool)
    .await
    .unwrap();
    // The edges of the window, with the default periods (30 + 90 days, then a week).
    let last_reminder = fx
        .subscription(GUILD, "Edge 30 days", STANDARD, 10, "2027-01-31")
        .await;
    fx.subscription(GUILD, "Edge 31 days", STANDARD, 10, "2027-02-01")
        .await;
    let last_deleted = fx
        .subscription(GUILD, "Edge 127 days ago", STANDARD, 10, "2026-08-27")
        .await;
    fx.subscription(GUILD, "Edge 128 days ago", STANDARD, 10, "2026-08-26")
        .await;

    assert_eq!(lifecycle_tick(&fx.app).await.unwrap(), 1203);
    assert_eq!(lifecycle_tick(&fx.app).await.unwrap(), 0, "nothing twice");
    let keys: Vec<String> = fx
        .store()
        .list_notices(Some(GUILD))
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.dedupe_key)
        .collect();
    assert_eq!(keys.len(), 1203);
    assert_eq!(
        keys.iter()
            .filter(|k| k.ends_with(":2027-01-11:reminder:14"))
            .count(),
        1201
    );
    assert!(keys.contains(&format!(
        "lifecycle:{}:2027-01-31:reminder:30",
        last_reminder.id
    )));
    assert!(keys.contains(&format!(
        "lifecycle:{}:2026-08-27:state:deleted",
        last_deleted.id
    )));
}

#[tokio::test]
async fn lifecycle_notices_are_enqueued_once_by_two_processes_ticking_together() {
    let fx = Fx::new("2027-01-01T06:00:00Z").await;
    for i in 0..20 {
        fx.subscription(GUILD, &format!("Team {i}"), STANDARD, 10, "2027-01-31")
            .await;
    }
    let other = app_on(&fx.db, Clock::fixed(fx.app.clock.now()));
    let (a, b) = tokio::join!(lifecycle_tick(&fx.app), lifecycle_tick(&other));
    assert_eq!(a.unwrap() + b.unwrap(), 20);
    assert_eq!(
        count(
            &fx.db.pool,
            "SELECT count(*) FROM notices WHERE kind = 'lifecycle'"
        )
        .await,
        20
    );
}
