//! Taking back what was sold, through the shop's API and its webhooks: `POST
//! /v1/keys/reverse` per key, `GET /v1/reversals`, and `redemption.reversed` /
//! `license.unassigned` verified with the Standard Webhooks library. Every answer is checked
//! against the OpenAPI document (`support::api`), and none holds a full key.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use licensebot::app::{App, AssignLicense, Clock, KeyBatch, OpenOrder, SubscriptionRef};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    OrderKind, PrivateTargets, Term,
};
use licensebot::store::Store;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::support::{api::Api, db::TestDb, receiver::Receiver};

const GUILD: GuildId = GuildId(760_000_000_000_000_001);
const ANA: UserId = UserId(860_000_000_000_000_001);
const BOB: UserId = UserId(860_000_000_000_000_002);
const SKU: &str = "BUSINESS-STANDARD";

struct Shop {
    db: TestDb,
    app: App,
    contoso: Subscription,
}

impl Shop {
    async fn new(seats: i64) -> Shop {
        let db = TestDb::new().await;
        let mut settings = Settings::default();
        settings.webhooks.poll_seconds = 1;
        let app = App::assemble(
            Store::new(db.pool.clone()),
            Arc::new(settings),
            Clock::System,
        );
        app.add_product(SKU, "Business Standard", None)
            .await
            .unwrap();
        let contoso = app
            .create_subscription(
                GUILD,
                SKU,
                "Contoso",
                seats,
                Utc::now().date_naive() + chrono::Days::new(365),
            )
            .await
            .unwrap();
        Shop { db, app, contoso }
    }

    async fn keys(&self, seats: i64, count: usize, batch: &str) -> Vec<String> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats,
                term: Term::Months(12),
                count,
                batch: Some(batch.into()),
                expires_on: None,
            })
            .await
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    async fn redeem(&self, keys: &[String]) {
        let review = self
            .app
            .open_order(OpenOrder {
                guild: GUILD,
                user: ANA,
                locale: "en-US".into(),
                subscription: SubscriptionRef::Id(self.contoso.id),
                kind: OrderKind::AddLicenses,
                keys: keys.join(" "),
            })
            .await
            .unwrap();
        self.app.redeem(GUILD, ANA, review.order.id).await.unwrap();
    }
}

fn masked(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..])
}

#[tokio::test]
async fn reversing_a_batch_answers_per_key_and_changes_only_the_redeemed_one() {
    let shop = Shop::new(10).await;
    let api = Api::start(shop.app.clone()).await;
    let (_, token) = shop.app.create_api_token("shop", None).await.unwrap();
    let token = token.expose().to_string();
    let (_, reader) = shop
        .app
        .create_api_token("reader", Some("keys:read,ledger:read"))
        .await
        .unwrap();
    let keys = shop.keys(5, 3, "order-17").await;
    api.keep_secret(&keys);
    shop.redeem(&keys[..1]).await;

    let refused = api
        .post(
            "/v1/keys/reverse",
            Some(reader.expose()),
            json!({"batch": "order-17"}),
        )
        .await;
    assert_eq!(refused.status, 403, "{refused:?}");
    let empty = api.post("/v1/keys/reverse", Some(&token), json!({})).await;
    assert_eq!(empty.status, 422, "{empty:?}");
    assert_eq!(empty.body["field"], "keys");

    for round in 0..2 {
        let reply = api
            .post(
                "/v1/keys/reverse",
                Some(&token),
                json!({"batch": "order-17", "reason": "chargeback 991"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let first = if round == 0 {
            "reversed"
        } else {
            "already_reversed"
        };
        assert_eq!(
            reply.body["results"],
            json!([
                {"key": masked(&keys[0]), "result": first, "released": []},
                {"key": masked(&keys[1]), "result": "not_redeemed", "released": []},
                {"key": masked(&keys[2]), "result": "not_redeemed", "released": []},
            ])
        );
    }
    let seats: i32 = sqlx::query_scalar("SELECT seats FROM subscriptions")
        .fetch_one(&shop.db.pool)
        .await
        .unwrap();
    assert_eq!(seats, 10);
    let unused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM product_keys WHERE state = 'available'")
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
    assert_eq!(unused, 2, "the unused keys are untouched");

    let ledger = api.get("/v1/reversals", Some(reader.expose())).await;
    assert_eq!(ledger.status, 200, "{ledger:?}");
    let entries = ledger.body["reversals"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["key"], masked(&keys[0]));
    assert_eq!(entries[0]["reason"], "chargeback 991");
    assert_eq!(entries[0]["seats_before"], 15);
    assert_eq!(entries[0]["seats_after"], 10);
}

#[tokio::test]
async fn a_reversal_is_announced_as_a_signed_standard_webhook_with_the_released_members() {
    let shop = Shop::new(1).await;
    let receiver = Receiver::start().await;
    let (_, secret) = shop
        .app
        .add_webhook(
            &receiver.url,
            Some("redemption.reversed,license.unassigned"),
            PrivateTargets::Allowed,
        )
        .await
        .unwrap();
    receiver.set_secret(&secret.expose());
    let keys = shop.keys(1, 1, "order-18").await;
    shop.redeem(&keys).await;
    for member in [ANA, BOB] {
        shop.app
            .assign_license(AssignLicense {
                guild: GUILD,
                subscription: SubscriptionRef::Id(shop.contoso.id),
                member,
                member_is_bot: false,
                by: ANA,
            })
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    shop.app
        .reverse_keys(None, &keys, Some("refund 18"))
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let _worker = tokio::spawn(licensebot::webhooks::run(
        shop.app.clone(),
        licensebot::metrics::Metrics::new(),
        stop.clone(),
    ));
    let received = receiver.wait_for(2, Duration::from_secs(30)).await;
    stop.cancel();
    assert!(received.iter().all(|r| r.verified), "{received:?}");
    let reversed = received
        .iter()
        .find(|r| r.json["type"] == "redemption.reversed")
        .expect("redemption.reversed");
    let data = &reversed.json["data"];
    assert_eq!(data["key"]["last_five"], &keys[0][keys[0].len() - 5..]);
    assert_eq!(data["key"]["batch"], "order-18");
    assert_eq!(data["reason"], "refund 18");
    assert_eq!(data["before"]["seats"], 2);
    assert_eq!(data["after"]["seats"], 1);
    assert_eq!(data["released"], json!([BOB.0.to_string()]));
    let unassigned = received
        .iter()
        .find(|r| r.json["type"] == "license.unassigned")
        .expect("license.unassigned");
    assert_eq!(unassigned.json["data"]["reason"], "reversed");
    assert_eq!(unassigned.json["data"]["user"], BOB.0.to_string());
    let compact: String = keys[0].chars().filter(|c| *c != '-').collect();
    for r in &received {
        assert!(!r.body.contains(&keys[0]) && !r.body.contains(&compact[..20]));
    }
}

#[tokio::test]
async fn suspend_and_resume_through_the_api_need_their_scope_and_an_unknown_id_is_404() {
    let shop = Shop::new(10).await;
    let api = Api::start(shop.app.clone()).await;
    let (_, token) = shop.app.create_api_token("billing", None).await.unwrap();
    let token = token.expose().to_string();
    let (_, keys_only) = shop
        .app
        .create_api_token(
            "keys",
            Some("keys:write,keys:read,ledger:read,catalogue:write"),
        )
        .await
        .unwrap();
    let id = shop.contoso.id;
    let suspend = format!("/v1/subscriptions/{id}/suspend");
    let resume = format!("/v1/subscriptions/{id}/resume");

    let refused = api
        .post(&suspend, Some(keys_only.expose()), json!({}))
        .await;
    assert_eq!(refused.status, 403, "a fifth scope: {refused:?}");
    for path in [
        "/v1/subscriptions/999999/suspend",
        "/v1/subscriptions/abc/suspend",
    ] {
        let missing = api.post(path, Some(&token), json!({})).await;
        assert_eq!(missing.status, 404, "{missing:?}");
        assert_eq!(missing.content_type, "application/problem+json");
    }

    let first = api
        .post(&suspend, Some(&token), json!({"reason": "chargeback"}))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["state"], "suspended");
    assert_eq!(first.body["changed"], true);
    let again = api.post(&suspend, Some(&token), json!({})).await;
    assert_eq!(again.body["changed"], false);
    let listed = api
        .get(
            &format!("/v1/subscriptions?guild={}", GUILD.0),
            Some(&token),
        )
        .await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert!(
        listed.body.to_string().contains("\"suspended\""),
        "{}",
        listed.body
    );

    let back = api.post(&resume, Some(&token), json!({})).await;
    assert_eq!(back.status, 200, "{back:?}");
    assert_eq!(back.body["state"], "active");
    assert_eq!(back.body["changed"], true);

    let gone = shop
        .app
        .create_subscription(GUILD, SKU, "Old", 5, "2020-01-31".parse().unwrap())
        .await
        .unwrap();
    let deleted = api
        .post(
            &format!("/v1/subscriptions/{}/suspend", gone.id),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(deleted.status, 409, "{deleted:?}");
    assert!(deleted.body["detail"].as_str().unwrap().contains("deleted"));
}

#[tokio::test]
async fn keys_carry_the_shops_reference_and_a_lookup_tells_each_keys_state_and_where_it_went() {
    let shop = Shop::new(10).await;
    sqlx::query("INSERT INTO webhook_endpoints (url, secret, allow_private) VALUES ('http://127.0.0.1:9/', $1, true)")
        .bind(vec![7u8; 32])
        .execute(&shop.db.pool)
        .await
        .unwrap();
    let api = Api::start(shop.app.clone()).await;
    let (_, token) = shop.app.create_api_token("shop", None).await.unwrap();
    let token = token.expose().to_string();
    let minted = api
        .post(
            "/v1/keys",
            Some(&token),
            json!({"product": SKU, "seats": 2, "term": "12m", "count": 4,
                   "batch": "spring", "reference": "order-5531"}),
        )
        .await;
    assert_eq!(minted.status, 201, "{minted:?}");
    let keys: Vec<String> = minted.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    api.keep_secret(&keys);
    let other = shop.keys(1, 1, "other").await;
    api.keep_secret(&other);
    let listed = api.get("/v1/keys?reference=order-5531", Some(&token)).await;
    assert_eq!(
        listed.body["keys"].as_array().unwrap().len(),
        4,
        "{listed:?}"
    );
    assert!(listed.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["reference"] == "order-5531"));

    shop.redeem(&keys[..2]).await;
    let created: serde_json::Value =
        sqlx::query_scalar("SELECT data FROM webhook_events WHERE type = 'redemption.created'")
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
    for key in created["keys"].as_array().unwrap() {
        assert_eq!(key["batch"], "spring");
        assert_eq!(key["reference"], "order-5531");
    }
    shop.app
        .reverse_keys(None, &keys[1..2], None)
        .await
        .unwrap();
    let reversed: serde_json::Value =
        sqlx::query_scalar("SELECT data FROM webhook_events WHERE type = 'redemption.reversed'")
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
    assert_eq!(reversed["key"]["reference"], "order-5531");
    assert_eq!(reversed["key"]["batch"], "spring");
    shop.app.revoke_keys(None, &keys[2..3]).await.unwrap();
    let stranger = licensebot::domain::ProductKey::generate(&mut rand::rngs::OsRng).to_string();
    api.keep_secret(std::slice::from_ref(&stranger));

    let reply = api
        .post(
            "/v1/keys/lookup",
            Some(&token),
            json!({"keys": [keys[0], keys[1], keys[2], keys[3], stranger]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let results = reply.body["results"].as_array().unwrap();
    let states: Vec<&str> = results
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["redeemed", "reversed", "revoked", "unused", "unknown"]
    );
    assert_eq!(results[0]["key"], masked(&keys[0]));
    assert_eq!(results[0]["reference"], "order-5531");
    assert_eq!(results[0]["seats"], 2);
    assert_eq!(results[0]["went_to"]["guild"], GUILD.0.to_string());
    assert_eq!(results[0]["went_to"]["subscription"]["name"], "Contoso");
    assert_eq!(results[0]["went_to"]["user"], ANA.0.to_string());
    assert!(
        results[1]["went_to"].is_object(),
        "a reversed key went somewhere"
    );
    assert!(results[3]["went_to"].is_null());
    assert!(results[4]["product"].is_null());
}
