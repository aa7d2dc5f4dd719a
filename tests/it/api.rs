//! The shop's API on real PostgreSQL, through HTTP: every route's answers and refusals,
//! tokens and scopes, the idempotent mint, imports, masked listings, revocation, and the
//! OpenAPI document every answer is checked against (`support::api`).

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Utc};
use licensebot::app::{App, Clock, OpenOrder, SubscriptionRef};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, UserId},
    OrderKind, PrivateTargets, ProductKey,
};
use licensebot::store::Store;
use serde_json::{json, Value};

use crate::support::{
    api::{validate, Api},
    db::TestDb,
    receiver::Receiver,
};

const GUILD: GuildId = GuildId(740_000_000_000_000_001);
const ANA: UserId = UserId(840_000_000_000_000_001);
const SKU: &str = "BUSINESS-STANDARD";

/// A database with two products and a subscription, the API on it, and a token with
/// every scope.
struct Shop {
    _db: TestDb,
    app: App,
    api: Api,
    token: String,
}

impl Shop {
    async fn new() -> Shop {
        let db = TestDb::new().await;
        let app = App::assemble(
            Store::new(db.pool.clone()),
            Arc::new(Settings::default()),
            Clock::fixed("2026-11-29T10:00:00Z".parse::<DateTime<Utc>>().unwrap()),
        );
        app.add_product(SKU, "Business Standard", Some(300))
            .await
            .unwrap();
        app.add_product("BUSINESS-PREMIUM", "Business Premium", None)
            .await
            .unwrap();
        app.create_subscription(GUILD, SKU, "Contoso", 50, "2027-01-31".parse().unwrap())
            .await
            .unwrap();
        let api = Api::start(app.clone()).await;
        let (_, token) = app.create_api_token("shop", None).await.unwrap();
        Shop {
            _db: db,
            app,
            api,
            token: token.expose().to_string(),
        }
    }

    fn token(&self) -> Option<&str> {
        Some(&self.token)
    }

    async fn token_with(&self, name: &str, scopes: &str) -> String {
        let (_, token) = self.app.create_api_token(name, Some(scopes)).await.unwrap();
        token.expose().to_string()
    }

    /// Mints `count` keys through the API; returns (batch, keys).
    async fn mint(&self, count: usize, batch: Option<&str>) -> (String, Vec<String>) {
        let reply = self
            .api
            .post(
                "/v1/keys",
                self.token(),
                json!({"product": SKU, "seats": 5, "term": "12m", "count": count, "batch": batch}),
            )
            .await;
        assert_eq!(reply.status, 201, "{reply:?}");
        let keys: Vec<String> = strings(&reply.body["keys"]);
        self.api.keep_secret(&keys);
        (reply.body["batch"].as_str().unwrap().to_string(), keys)
    }

    /// Redeems `keys` on Contoso as Ana (add-licenses), through the engine.
    async fn redeem(&self, keys: &[String]) {
        let sub = self
            .app
            .find_subscription(GUILD, &SubscriptionRef::Name("Contoso".into()))
            .await
            .unwrap();
        let review = self
            .app
            .open_order(OpenOrder {
                guild: GUILD,
                user: ANA,
                locale: "en-US".into(),
                subscription: SubscriptionRef::Id(sub.id),
                kind: OrderKind::AddLicenses,
                keys: keys.join(" "),
            })
            .await
            .unwrap();
        self.app.redeem(GUILD, ANA, review.order.id).await.unwrap();
    }

    async fn key_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM product_keys")
            .fetch_one(&self._db.pool)
            .await
            .unwrap()
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

fn tail(key: &str) -> &str {
    &key[key.len() - 5..]
}

fn masked(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", tail(key))
}

fn new_key() -> ProductKey {
    ProductKey::generate(&mut rand::rngs::OsRng)
}

#[tokio::test]
async fn every_route_answers_as_its_openapi_document_says_and_the_document_is_served() {
    let shop = Shop::new().await;
    let t = shop.token();
    let reply = shop.api.get("/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        &reply.body,
        shop.api.document(),
        "the served document is the one built"
    );
    assert_eq!(reply.body["openapi"], "3.1.0");

    // Each route once, successfully.
    shop.api.get("/v1/products", t).await;
    shop.api
        .post("/v1/products", t, json!({"sku": "e3", "name": "E3"}))
        .await;
    let (batch, keys) = shop.mint(3, None).await;
    assert!(
        batch.starts_with("api-"),
        "a batch label is made up: {batch}"
    );
    let imported = new_key().to_string();
    shop.api.keep_secret(std::slice::from_ref(&imported));
    shop.api
        .post(
            "/v1/keys/import",
            t,
            json!({"keys": [{"key": imported, "product": SKU, "seats": 1, "term": "30d"}]}),
        )
        .await;
    shop.redeem(&keys[..1]).await;
    shop.api.get(&format!("/v1/keys?batch={batch}"), t).await;
    shop.api
        .post("/v1/keys/revoke", t, json!({"keys": [keys[1]]}))
        .await;
    shop.api
        .get(&format!("/v1/subscriptions?guild={}", GUILD.0), t)
        .await;
    shop.api.get("/v1/redemptions", t).await;
    shop.api
        .post("/v1/keys/reverse", t, json!({"keys": [keys[0]]}))
        .await;
    shop.api.get("/v1/reversals", t).await;
    shop.api
        .post("/v1/keys/lookup", t, json!({"keys": [keys[0]]}))
        .await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM subscriptions LIMIT 1")
        .fetch_one(&shop._db.pool)
        .await
        .unwrap();
    shop.api
        .post(&format!("/v1/subscriptions/{id}/suspend"), t, json!({}))
        .await;
    shop.api
        .post(&format!("/v1/subscriptions/{id}/resume"), t, json!({}))
        .await;

    let document = shop.api.document().clone();
    let seen = shop.api.seen();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            assert!(
                seen.iter()
                    .any(|(m, p, s)| *m == method && p == path && (200..300).contains(s)),
                "{method} {path} was not exercised: {seen:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_check_against_the_document_refuses_what_the_document_does_not_describe() {
    let shop = Shop::new().await;
    let document = shop.api.document();
    let list = json!({"$ref": "#/components/schemas/ProductList"});
    let good = json!({"products": [{"sku": "A", "name": "A", "max_seats": null}]});
    assert_eq!(validate(document, &list, &good), Ok(()));
    for bad in [
        json!({"products": [{"sku": 1, "name": "A", "max_seats": null}]}),
        json!({"products": [{"sku": "A", "name": "A", "max_seats": null, "extra": 1}]}),
        json!({"products": [{"sku": "A"}]}),
        json!([]),
    ] {
        assert!(validate(document, &list, &bad).is_err(), "{bad} passed");
    }
    let key = json!({"$ref": "#/components/schemas/Key"});
    let listed = shop.api.get("/v1/keys", shop.token()).await;
    assert_eq!(listed.status, 200);
    let mut full = json!({"key": "BCDFG-HJKMP-QRTVW-XY234-6789B", "product": SKU, "seats": 1,
        "term": "1m", "expires": null, "batch": null, "state": "available",
        "created_at": "2026-11-29T10:00:00Z", "redeemed_at": null, "redeemed_by": null});
    assert!(
        validate(document, &key, &full).is_err(),
        "a full key is not a masked one"
    );
    full["key"] = json!("•••••-•••••-•••••-•••••-6789B");
    assert_eq!(validate(document, &key, &full), Ok(()));
    full["state"] = json!("lost");
    assert!(
        validate(document, &key, &full).is_err(),
        "states are the domain's words"
    );
}

#[tokio::test]
async fn a_missing_bad_or_revoked_token_is_401_and_a_token_without_the_scope_is_403() {
    let shop = Shop::new().await;
    let readers = shop.token_with("reader", "keys:read").await;
    let ledger = shop.token_with("ledger", "ledger:read").await;
    let revoked = shop.token_with("gone", "keys:read,keys:write").await;
    shop.app.revoke_api_token("gone").await.unwrap();
    let guild = format!("/v1/subscriptions?guild={}", GUILD.0);
    let mint = json!({"product": SKU, "seats": 1, "term": "1m", "count": 1});
    // (method, path, body, a token that may, a token that may not)
    let routes: Vec<(&str, &str, Option<Value>, &str, &str)> = vec![
        ("GET", "/v1/products", None, &readers, &ledger),
        (
            "POST",
            "/v1/products",
            Some(json!({"sku": "X1", "name": "X"})),
            &shop.token,
            &readers,
        ),
        ("POST", "/v1/keys", Some(mint), &shop.token, &readers),
        (
            "POST",
            "/v1/keys/import",
            Some(json!({"keys": []})),
            &shop.token,
            &readers,
        ),
        ("GET", "/v1/keys", None, &readers, &ledger),
        (
            "POST",
            "/v1/keys/revoke",
            Some(json!({"batch": "none"})),
            &shop.token,
            &readers,
        ),
        ("GET", &guild, None, &ledger, &readers),
        ("GET", "/v1/redemptions", None, &ledger, &readers),
    ];
    for (method, path, body, may, may_not) in routes {
        let send = |token: Option<String>, headers: Vec<(&'static str, String)>| {
            let body = body.clone();
            let api = &shop.api;
            async move {
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                api.send(method, path, token.as_deref(), body, &headers)
                    .await
            }
        };
        let none = send(None, vec![]).await;
        assert_eq!(
            none.status, 401,
            "{method} {path} without a token: {none:?}"
        );
        assert_eq!(
            none.headers
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some(r#"Bearer realm="licensebot""#)
        );
        for bad in ["lbapi_0000", revoked.as_str()] {
            let reply = send(Some(bad.to_string()), vec![]).await;
            assert_eq!(reply.status, 401, "{method} {path} with {bad}: {reply:?}");
        }
        let basic = send(
            None,
            vec![("authorization", format!("Basic {}", shop.token))],
        )
        .await;
        assert_eq!(basic.status, 401, "{method} {path} with Basic auth");
        let refused = send(Some(may_not.to_string()), vec![]).await;
        assert_eq!(refused.status, 403, "{method} {path}: {refused:?}");
        assert_eq!(refused.body["type"], "urn:licensebot:problem:missing-scope");
        let allowed = send(Some(may.to_string()), vec![]).await;
        assert!(
            ![401, 403].contains(&allowed.status),
            "{method} {path} with the scope: {allowed:?}"
        );
    }
    let tokens = shop.app.list_api_tokens().await.unwrap();
    let used = |name: &str| tokens.iter().find(|t| t.name == name).unwrap().last_used_at;
    assert!(used("reader").is_some(), "a token's use is recorded");
    assert!(used("gone").is_none(), "a revoked token is not used");
}

#[tokio::test]
async fn products_are_added_once_and_listed_and_a_bad_one_is_refused_naming_its_field() {
    let shop = Shop::new().await;
    let t = shop.token();
    let added = shop
        .api
        .post(
            "/v1/products",
            t,
            json!({"sku": " e5-plan ", "name": "E5", "max_seats": 10}),
        )
        .await;
    assert_eq!(added.status, 201, "{added:?}");
    assert_eq!(
        added.body,
        json!({"sku": "E5-PLAN", "name": "E5", "max_seats": 10})
    );
    let again = shop
        .api
        .post(
            "/v1/products",
            t,
            json!({"sku": "E5-PLAN", "name": "Other"}),
        )
        .await;
    assert_eq!(
        (again.status, again.field()),
        (409, Some("sku")),
        "{again:?}"
    );
    for (body, field) in [
        (json!({"sku": "bad sku!", "name": "X"}), "sku"),
        (json!({"sku": "X2", "name": ""}), "name"),
        (
            json!({"sku": "X2", "name": "X", "max_seats": 0}),
            "max_seats",
        ),
        (
            json!({"sku": "X2", "name": "X", "max_seats": "ten"}),
            "max_seats",
        ),
        (json!({"name": "X"}), "sku"),
    ] {
        shop.api
            .post("/v1/products", t, body.clone())
            .await
            .assert_invalid(field, &body);
    }
    let listed = shop.api.get("/v1/products", t).await;
    let skus: Vec<&str> = listed.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["BUSINESS-PREMIUM", "BUSINESS-STANDARD", "E5-PLAN"]);
}

#[tokio::test]
async fn a_mint_gives_full_keys_once_and_a_replay_within_a_day_gets_409_and_the_batch() {
    let shop = Shop::new().await;
    let t = shop.token();
    let body = json!({"product": "business-standard", "seats": 5, "term": "12m", "count": 3,
                      "batch": "order-1042", "expires": "2027-12-31"});
    let first = shop
        .api
        .send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", "pay-1042")],
        )
        .await;
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(first.body["batch"], "order-1042");
    let keys = strings(&first.body["keys"]);
    assert_eq!(keys.len(), 3);
    for key in &keys {
        let parsed = ProductKey::parse(key).expect("a valid key");
        assert_eq!(&parsed.to_string(), key, "dashed XXXXX-XXXXX-…");
    }
    shop.api.keep_secret(&keys);

    // The same Idempotency-Key again: nothing minted, the batch named, no key.
    let replay = shop
        .api
        .send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", "pay-1042")],
        )
        .await;
    assert_eq!(replay.status, 409, "{replay:?}");
    assert_eq!(
        replay.body["type"],
        "urn:licensebot:problem:idempotency-replay"
    );
    assert_eq!(replay.body["batch"], "order-1042");
    assert_eq!(shop.key_count().await, 3);

    // Two at once with a new key: one mints, the other is told.
    let (a, b) = tokio::join!(
        shop.api.send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", "pay-7")]
        ),
        shop.api.send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", "pay-7")]
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    for reply in [&a, &b] {
        if reply.status == 201 {
            shop.api.keep_secret(&strings(&reply.body["keys"]));
        }
    }
    assert_eq!(shop.key_count().await, 6);

    // A day later the key may be used again; without one, every request mints.
    shop.app.clock.advance(Duration::hours(25));
    let later = shop
        .api
        .send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", "pay-1042")],
        )
        .await;
    assert_eq!(later.status, 201, "{later:?}");
    shop.api.keep_secret(&strings(&later.body["keys"]));
    assert_eq!(shop.key_count().await, 9);
    let bad_key = shop
        .api
        .send(
            "POST",
            "/v1/keys",
            t,
            Some(body.clone()),
            &[("idempotency-key", " ")],
        )
        .await;
    assert_eq!(
        (bad_key.status, bad_key.field()),
        (422, Some("Idempotency-Key"))
    );
    assert_eq!(shop.key_count().await, 9);
}

#[tokio::test]
async fn an_idempotency_key_belongs_to_its_token_and_a_replay_with_another_body_is_422() {
    let shop = Shop::new().await;
    let other = shop.token_with("other-shop", "keys:write").await;
    let body = json!({"product": SKU, "seats": 5, "term": "12m", "count": 2, "batch": "order-1"});
    async fn mint(api: &Api, token: &str, body: &Value) -> crate::support::api::Reply {
        api.send(
            "POST",
            "/v1/keys",
            Some(token),
            Some(body.clone()),
            &[("idempotency-key", "pay-1")],
        )
        .await
    }
    let api = &shop.api;
    let first = mint(api, &shop.token, &body).await;
    assert_eq!(first.status, 201, "{first:?}");
    shop.api.keep_secret(&strings(&first.body["keys"]));

    // Another token, the same Idempotency-Key, another body: a new request, a new batch.
    let theirs = json!({"product": SKU, "seats": 1, "term": "1m", "count": 1, "batch": "theirs-9"});
    let second = mint(api, &other, &theirs).await;
    assert_eq!(
        second.status, 201,
        "another token's key is a new request: {second:?}"
    );
    assert_eq!(second.body["batch"], "theirs-9");
    shop.api.keep_secret(&strings(&second.body["keys"]));
    assert_eq!(shop.key_count().await, 3);

    // The same token, key and body (spelled differently): the replay of the first mint.
    let respelled = json!({"batch": "order-1", "count": 2, "term": "12M",
                           "seats": 5, "product": "business-standard"});
    let replay = mint(api, &shop.token, &respelled).await;
    assert_eq!(replay.status, 409, "{replay:?}");
    assert_eq!(
        replay.body["type"],
        "urn:licensebot:problem:idempotency-replay"
    );
    assert_eq!(replay.body["batch"], "order-1");
    let theirs_again = mint(api, &other, &theirs).await;
    assert_eq!(theirs_again.status, 409, "{theirs_again:?}");
    assert_eq!(theirs_again.body["batch"], "theirs-9");

    // The same token and key with another body: refused, nothing minted, no batch named.
    let mut changed = body.clone();
    changed["count"] = json!(3);
    let mismatch = mint(api, &shop.token, &changed).await;
    assert_eq!(
        (mismatch.status, mismatch.body["type"].as_str()),
        (422, Some("urn:licensebot:problem:idempotency-mismatch")),
        "{mismatch:?}"
    );
    assert_eq!(mismatch.field(), Some("Idempotency-Key"));
    assert_eq!(mismatch.content_type, "application/problem+json");
    assert!(mismatch.body.get("batch").is_none(), "{mismatch:?}");
    assert_eq!(shop.key_count().await, 3);
}

#[tokio::test]
async fn no_refusal_quotes_a_product_key_typed_into_any_field() {
    let shop = Shop::new().await;
    let t = shop.token();
    let typed = "bcdfg-hjkmp-qrtvw-xy234-6789b";
    let compact = ProductKey::parse(typed)
        .expect("a valid key")
        .to_string()
        .replace('-', "");
    let spaced = typed.replace('-', " ");
    let longer = format!("{typed}-b");
    let with_bell = format!("{typed}\u{7}");
    let too_long_name = typed.repeat(4);
    let mint = json!({"product": SKU, "seats": 5, "term": "12m", "count": 2});
    let with = |body: &Value, field: &str, value: Value| {
        let mut body = body.clone();
        body[field] = value;
        body
    };
    let row =
        json!({"key": "BCDFG-HJKMP-QRTVW-XY234-6789C", "product": SKU, "seats": 5, "term": "12m"});
    let import = |field: &str, value: Value| json!({"keys": [with(&row, field, value)]});
    let product = json!({"sku": "NEW-PLAN", "name": "New plan"});
    let posts = [
        ("/v1/keys", with(&mint, "product", json!(typed))),
        ("/v1/keys", with(&mint, "product", json!(spaced))),
        ("/v1/keys", with(&mint, "term", json!(typed))),
        ("/v1/keys", with(&mint, "seats", json!(typed))),
        ("/v1/keys", with(&mint, "count", json!(typed))),
        ("/v1/keys", with(&mint, "batch", json!(with_bell))),
        ("/v1/keys", with(&mint, "expires", json!(typed))),
        ("/v1/products", with(&product, "sku", json!(spaced))),
        ("/v1/products", with(&product, "name", json!(too_long_name))),
        ("/v1/products", with(&product, "max_seats", json!(typed))),
        ("/v1/keys/import", import("key", json!(longer))),
        ("/v1/keys/import", import("product", json!(typed))),
        ("/v1/keys/import", import("product", json!(spaced))),
        ("/v1/keys/import", import("seats", json!(typed))),
        ("/v1/keys/import", import("term", json!(typed))),
        ("/v1/keys/import", import("batch", json!(with_bell))),
        ("/v1/keys/import", import("expires", json!(typed))),
        (
            "/v1/keys/import",
            json!({"keys": [with(&row, "key", json!(typed)), with(&row, "key", json!(spaced))]}),
        ),
        ("/v1/keys/import", json!({"keys": typed})),
        ("/v1/keys/revoke", json!({"keys": [longer]})),
        ("/v1/keys/revoke", json!({"keys": [typed], "batch": typed})),
        ("/v1/keys/revoke", json!({"keys": typed})),
        ("/v1/keys/revoke", json!({"batch": [typed]})),
    ];
    let mut replies = Vec::new();
    for (path, body) in posts {
        let reply = shop.api.post(path, t, body.clone()).await;
        replies.push((format!("POST {path} {body}"), reply));
    }
    let encoded = spaced.replace(' ', "%20");
    for path in [
        format!("/v1/keys?product={encoded}"),
        format!("/v1/keys?state={typed}"),
        format!("/v1/keys?cursor={typed}"),
        format!("/v1/keys?limit={typed}"),
        format!("/v1/subscriptions?guild={typed}"),
        format!("/v1/redemptions?guild={}&since={typed}", GUILD.0),
        format!("/v1/redemptions?guild={}&cursor={typed}", GUILD.0),
    ] {
        let reply = shop.api.get(&path, t).await;
        replies.push((format!("GET {path}"), reply));
    }
    let headers = [("idempotency-key", spaced.as_str())];
    let reply = shop
        .api
        .send("POST", "/v1/keys", t, Some(mint.clone()), &headers)
        .await;
    replies.push((format!("POST /v1/keys Idempotency-Key: {spaced}"), reply));
    let reply = shop
        .api
        .post_raw(
            "/v1/keys",
            t,
            "application/json",
            format!(r#"{{"product": {typed}}}"#).into_bytes(),
        )
        .await;
    replies.push((format!("POST /v1/keys {{\"product\": {typed}}}"), reply));
    let reply = shop.api.get("/v1/keys", Some(typed)).await;
    replies.push((format!("GET /v1/keys Authorization: Bearer {typed}"), reply));
    // A product whose SKU is the key, added again: a conflict.
    shop.app
        .add_product(typed, "Mistyped", None)
        .await
        .expect("a SKU may look like a key");
    let body = with(&product, "sku", json!(typed));
    let reply = shop.api.post("/v1/products", t, body.clone()).await;
    replies.push((format!("POST /v1/products {body} (again)"), reply));

    for (request, reply) in replies {
        assert!(reply.status >= 400, "{request}: refused, {reply:?}");
        // Every spelling of the key: its 25 characters, whatever separates or surrounds them.
        let letters: String = reply
            .body
            .to_string()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_uppercase();
        assert!(
            !letters.contains(&compact),
            "{request}: the answer quotes the submitted value: {}",
            reply.body
        );
    }
    assert_eq!(shop.key_count().await, 0);
}

#[tokio::test]
async fn a_mint_that_is_not_valid_mints_nothing_and_names_the_field() {
    let shop = Shop::new().await;
    let good = json!({"product": SKU, "seats": 5, "term": "12m", "count": 2});
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        body[field] = value;
        body
    };
    let cases = [
        (with("count", json!(0)), 422, "count"),
        (with("count", json!(1001)), 422, "count"),
        (with("count", json!("2")), 422, "count"),
        (with("term", json!("12y")), 422, "term"),
        (with("seats", json!(0)), 422, "seats"),
        (with("product", json!("NOPE")), 422, "product"),
        (with("product", json!("no pe")), 422, "product"),
        (with("batch", json!("a\u{7}b")), 422, "batch"),
        (with("expires", json!("tomorrow")), 422, "expires"),
    ];
    for (body, status, field) in cases {
        let reply = shop.api.post("/v1/keys", shop.token(), body.clone()).await;
        assert_eq!(
            (reply.status, reply.field()),
            (status, Some(field)),
            "{body}: {reply:?}"
        );
        assert_eq!(reply.content_type, "application/problem+json");
    }
    let missing = shop
        .api
        .post(
            "/v1/keys",
            shop.token(),
            json!({"product": SKU, "seats": 5}),
        )
        .await;
    assert_eq!(
        (missing.status, missing.field()),
        (422, Some("term")),
        "{missing:?}"
    );
    assert_eq!(shop.key_count().await, 0);
}

#[tokio::test]
async fn an_import_is_all_or_nothing_an_identical_one_changes_nothing_and_a_conflicting_one_is_409()
{
    let shop = Shop::new().await;
    let t = shop.token();
    let keys: Vec<String> = (0..3).map(|_| new_key().to_string()).collect();
    shop.api.keep_secret(&keys);
    let row = |key: &str, seats: i64| {
        json!({"key": key.to_lowercase(), "product": "business-standard", "seats": seats,
               "term": "12m", "expires": "2027-12-31", "batch": "reseller"})
    };
    let body = json!({"keys": [row(&keys[0], 5), row(&keys[1], 10)]});
    let first = shop.api.post("/v1/keys/import", t, body.clone()).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.body["imported"], 2);
    assert_eq!(first.body["unchanged"], 0);
    assert_eq!(first.body["keys"][1]["key"], masked(&keys[1]));

    // The same again, with one key more: the two are left alone, the third imported.
    let again = shop
        .api
        .post(
            "/v1/keys/import",
            t,
            json!({"keys": [row(&keys[0], 5), row(&keys[1], 10), row(&keys[2], 1)]}),
        )
        .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(
        (
            again.body["imported"].clone(),
            again.body["unchanged"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_eq!(shop.key_count().await, 3);

    // A key known with other seats: 409 naming it, and nothing of the request stored.
    let fourth = new_key().to_string();
    shop.api.keep_secret(std::slice::from_ref(&fourth));
    let conflict = shop
        .api
        .post(
            "/v1/keys/import",
            t,
            json!({"keys": [row(&fourth, 1), row(&keys[1], 11)]}),
        )
        .await;
    assert_eq!(
        (conflict.status, conflict.field()),
        (409, Some("keys[1].key")),
        "{conflict:?}"
    );
    assert_eq!(shop.key_count().await, 3);

    // A bad row anywhere: nothing stored, the field named, the key never echoed.
    let mut mistyped = fourth.clone();
    mistyped.replace_range(6..7, "0");
    let cases = [
        (
            json!({"keys": [row(&fourth, 1), row(&mistyped, 1)]}),
            "keys[1].key",
        ),
        (json!({"keys": [row(&fourth, 0)]}), "keys[0].seats"),
        (
            json!({"keys": [{"key": fourth, "product": "NOPE", "seats": 1, "term": "1m"}]}),
            "keys[0].product",
        ),
        (
            json!({"keys": [{"key": fourth, "product": SKU, "seats": 1, "term": "1y"}]}),
            "keys[0].term",
        ),
        (
            json!({"keys": [row(&fourth, 1), row(&fourth, 1)]}),
            "keys[1].key",
        ),
        (
            json!({"keys": [{"key": fourth, "product": SKU, "seats": "one", "term": "1m"}]}),
            "keys[0].seats",
        ),
        (json!({"keys": [fourth]}), "keys[0]"),
        (
            json!({"keys": [{"key": fourth, "product": SKU, "term": "1m"}]}),
            "keys[0].seats",
        ),
        (json!({"keys": []}), "keys"),
    ];
    for (body, field) in cases {
        shop.api
            .post("/v1/keys/import", t, body.clone())
            .await
            .assert_invalid(field, &body);
    }
    assert_eq!(shop.key_count().await, 3);
}

#[tokio::test]
async fn keys_are_listed_masked_filtered_by_product_batch_and_state_and_paged_by_cursor() {
    let shop = Shop::new().await;
    let t = shop.token();
    let (batch, keys) = shop.mint(5, Some("paged")).await;
    shop.mint(2, Some("other")).await;
    shop.redeem(&keys[..1]).await;
    shop.api
        .post("/v1/keys/revoke", t, json!({"keys": [keys[1]]}))
        .await;

    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/keys?batch={batch}&limit=2&cursor={c}"),
            None => format!("/v1/keys?batch={batch}&limit=2"),
        };
        let reply = shop.api.get(&path, t).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        pages += 1;
        listed.extend(reply.body["keys"].as_array().unwrap().iter().cloned());
        match reply.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let shown: Vec<&str> = listed.iter().map(|k| k["key"].as_str().unwrap()).collect();
    let expected: Vec<String> = keys.iter().rev().map(|k| masked(k)).collect();
    assert_eq!(
        shown,
        expected.iter().map(String::as_str).collect::<Vec<_>>(),
        "newest first"
    );
    let redeemed = listed.iter().find(|k| k["state"] == "redeemed").unwrap();
    assert_eq!(redeemed["redeemed_by"]["user"], ANA.0.to_string());
    assert_eq!(redeemed["redeemed_by"]["guild"], GUILD.0.to_string());

    let by_state = |state: &'static str| {
        let api = &shop.api;
        async move {
            let reply = api
                .get(&format!("/v1/keys?state={state}&product={SKU}"), t)
                .await;
            reply.body["keys"].as_array().unwrap().len()
        }
    };
    assert_eq!(by_state("available").await, 5);
    assert_eq!(by_state("redeemed").await, 1);
    assert_eq!(by_state("revoked").await, 1);
    let premium = shop.api.get("/v1/keys?product=business-premium", t).await;
    assert_eq!(premium.body["keys"], json!([]));

    for (path, field) in [
        ("/v1/keys?state=lost", "state"),
        ("/v1/keys?limit=0", "limit"),
        ("/v1/keys?cursor=bm9wZQ", "cursor"),
        ("/v1/keys?product=no%20pe", "product"),
    ] {
        shop.api.get(path, t).await.assert_invalid(field, &path);
    }
}

#[tokio::test]
async fn revoking_says_per_key_revoked_already_redeemed_or_unknown_and_a_redeemed_key_stays_redeemed(
) {
    let shop = Shop::new().await;
    let t = shop.token();
    let (batch, keys) = shop.mint(4, Some("refund-7")).await;
    shop.redeem(&keys[..1]).await;
    let stranger = new_key().to_string();
    let reply = shop
        .api
        .post(
            "/v1/keys/revoke",
            t,
            json!({"keys": [keys[0], keys[1].to_lowercase(), stranger, keys[1].replace('-', "")]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        reply.body["results"],
        json!([
            {"key": masked(&keys[0]), "result": "already_redeemed"},
            {"key": masked(&keys[1]), "result": "revoked"},
            {"key": masked(&stranger), "result": "unknown"},
        ])
    );
    // The batch: the rest revoked, the redeemed one stays redeemed; again, the same.
    for _ in 0..2 {
        let reply = shop
            .api
            .post("/v1/keys/revoke", t, json!({"batch": batch}))
            .await;
        let mut results: Vec<&str> = reply.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["result"].as_str().unwrap())
            .collect();
        results.sort();
        assert_eq!(
            results,
            ["already_redeemed", "revoked", "revoked", "revoked"]
        );
    }
    let states: Vec<String> = sqlx::query_scalar("SELECT state FROM product_keys ORDER BY id")
        .fetch_all(&shop._db.pool)
        .await
        .unwrap();
    assert_eq!(states, ["redeemed", "revoked", "revoked", "revoked"]);

    let mut mistyped = keys[2].clone();
    mistyped.replace_range(0..1, "A");
    for (body, field) in [
        (json!({"keys": [keys[2], mistyped]}), "keys[1]"),
        (json!({}), "keys"),
        (json!({"keys": []}), "keys"),
        (json!({"keys": [keys[2]], "batch": batch}), "batch"),
        (json!({"batch": " "}), "batch"),
    ] {
        shop.api
            .post("/v1/keys/revoke", t, body.clone())
            .await
            .assert_invalid(field, &body);
    }
}

#[tokio::test]
async fn subscriptions_and_the_ledger_are_listed_for_the_shop_since_a_time_and_by_cursor() {
    let shop = Shop::new().await;
    let t = shop.token();
    let subs = shop
        .api
        .get(&format!("/v1/subscriptions?guild={}", GUILD.0), t)
        .await;
    assert_eq!(subs.status, 200);
    assert_eq!(
        subs.body["subscriptions"][0],
        json!({"id": subs.body["subscriptions"][0]["id"], "guild": GUILD.0.to_string(),
               "name": "Contoso", "product": SKU, "product_name": "Business Standard",
               "seats": 50, "ends_on": "2027-01-31", "state": "active"})
    );
    let (_, keys) = shop.mint(3, None).await;
    shop.redeem(&keys[..2]).await;
    shop.app.clock.advance(Duration::hours(2));
    shop.redeem(&keys[2..]).await;

    let all = shop.api.get("/v1/redemptions", t).await;
    let ledger = all.body["redemptions"].as_array().unwrap();
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0]["kind"], "add-licenses");
    assert_eq!(
        ledger[0]["before"],
        json!({"seats": 50, "ends_on": "2027-01-31"})
    );
    assert_eq!(
        ledger[0]["after"],
        json!({"seats": 60, "ends_on": "2027-01-31"})
    );
    assert_eq!(ledger[0]["subscription"]["product"], SKU);
    assert_eq!(ledger[0]["user"], ANA.0.to_string());
    let mut tails: Vec<&str> = ledger[0]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["last_five"].as_str().unwrap())
        .collect();
    tails.sort();
    let mut expected = vec![tail(&keys[0]), tail(&keys[1])];
    expected.sort();
    assert_eq!(tails, expected);

    let since = shop
        .api
        .get("/v1/redemptions?since=2026-11-29T11:00:00Z", t)
        .await;
    assert_eq!(since.body["redemptions"].as_array().unwrap().len(), 1);
    let first = shop.api.get("/v1/redemptions?limit=1", t).await;
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let second = shop
        .api
        .get(&format!("/v1/redemptions?limit=1&cursor={cursor}"), t)
        .await;
    assert_eq!(second.body["redemptions"][0]["id"], ledger[1]["id"]);
    let other_guild = shop.api.get("/v1/redemptions?guild=1", t).await;
    assert_eq!(other_guild.body["redemptions"], json!([]));

    for (path, field) in [
        ("/v1/subscriptions", "guild"),
        ("/v1/subscriptions?guild=abc", "guild"),
        ("/v1/redemptions?since=yesterday", "since"),
        ("/v1/redemptions?guild=-1", "guild"),
        ("/v1/redemptions?cursor=abc", "cursor"),
    ] {
        shop.api.get(path, t).await.assert_invalid(field, &path);
    }
    // A keys cursor is not a ledger cursor.
    let (batch, _) = shop.mint(2, None).await;
    let keys_page = shop
        .api
        .get(&format!("/v1/keys?batch={batch}&limit=1"), t)
        .await;
    let keys_cursor = keys_page.body["next_cursor"].as_str().unwrap();
    let crossed = shop
        .api
        .get(&format!("/v1/redemptions?cursor={keys_cursor}"), t)
        .await;
    assert_eq!(crossed.field(), Some("cursor"));
}

#[tokio::test]
async fn bodies_that_are_not_json_or_too_large_and_unknown_routes_are_problems() {
    let db = TestDb::new().await;
    let mut settings = Settings::default();
    settings.api.body_limit_bytes = 4096;
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(settings),
        Clock::System,
    );
    let api = Api::start(app.clone()).await;
    let (_, token) = app.create_api_token("shop", None).await.unwrap();
    let t = Some(token.expose());

    let not_json = api
        .post_raw("/v1/products", t, "application/json", b"{sku:".to_vec())
        .await;
    assert_eq!(not_json.status, 400, "{not_json:?}");
    let text = api
        .post_raw("/v1/products", t, "text/plain", b"{}".to_vec())
        .await;
    assert_eq!(text.status, 415, "{text:?}");
    let big = serde_json::to_vec(&json!({"keys": vec!["x".repeat(100); 100]})).unwrap();
    let too_large = api
        .post_raw("/v1/keys/revoke", t, "application/json", big)
        .await;
    assert_eq!(too_large.status, 413, "{too_large:?}");
    let unknown = api.get("/v1/nothing", t).await;
    assert_eq!(unknown.status, 404);
    let wrong_method = api.send("DELETE", "/v1/keys", t, None, &[]).await;
    assert_eq!(wrong_method.status, 405);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn the_cli_creates_lists_and_revokes_api_tokens_and_never_shows_one_again() {
    let db = TestDb::new().await;
    let cli = crate::cli::Cli::with_database(&db.url);
    let out = cli
        .ok(&[
            "api-tokens",
            "create",
            "--name",
            "shop",
            "--scopes",
            "keys:read, ledger:read",
        ])
        .await;
    let token = out.trim().to_string();
    assert!(
        token.starts_with("lbapi_") && !token.contains(char::is_whitespace),
        "{out:?}"
    );
    cli.ok(&["api-tokens", "create", "--name", "billing"]).await;
    let error = cli.fails(&["api-tokens", "create", "--name", "shop"]).await;
    assert!(error.contains("exists"), "{error}");
    let error = cli
        .fails(&[
            "api-tokens",
            "create",
            "--name",
            "x",
            "--scopes",
            "keys:delete",
        ])
        .await;
    assert!(error.contains("keys:delete"), "{error}");

    let listed = cli.json(&["api-tokens", "list", "--json"]).await;
    assert!(
        !listed.to_string().contains(&token[6..]),
        "the list never holds a token"
    );
    let shop = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "shop")
        .unwrap();
    assert_eq!(shop["scopes"], json!(["keys:read", "ledger:read"]));
    let billing = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "billing")
        .unwrap();
    assert_eq!(
        billing["scopes"],
        json!([
            "keys:write",
            "keys:read",
            "ledger:read",
            "catalogue:write",
            "subscriptions:write"
        ])
    );
    let table = cli.ok(&["api-tokens", "list"]).await;
    assert!(
        table.contains("LAST USED") && table.contains("shop"),
        "{table}"
    );
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT digest FROM api_tokens")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(stored.iter().all(|d| d.len() == 32));

    // The token works on the API until it is revoked.
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(Settings::default()),
        Clock::System,
    );
    let api = Api::start(app).await;
    assert_eq!(api.get("/v1/products", Some(&token)).await.status, 200);
    assert_eq!(
        cli.ok(&["api-tokens", "revoke", "shop"]).await,
        "revoked API token shop\n"
    );
    assert_eq!(api.get("/v1/products", Some(&token)).await.status, 401);
    let error = cli.fails(&["api-tokens", "revoke", "shop"]).await;
    assert!(error.contains("shop"), "{error}");
    // The name is free again.
    cli.ok(&["api-tokens", "create", "--name", "shop"]).await;
}

#[tokio::test]
async fn keys_minted_through_the_api_are_redeemed_in_discord() {
    use crate::support::world::{answer, World};
    let world = World::new().await;
    let api = Api::start(world.app.clone()).await;
    let (_, token) = world.app.create_api_token("shop", None).await.unwrap();
    // The shop's webhook endpoint, and a delivery worker as `licensebot run` starts one.
    let receiver = Receiver::start().await;
    let (_, secret) = world
        .app
        .add_webhook(&receiver.url, None, PrivateTargets::Allowed)
        .await
        .unwrap();
    receiver.set_secret(&secret.expose());
    let stop = tokio_util::sync::CancellationToken::new();
    let _stop_worker = stop.clone().drop_guard();
    tokio::spawn(licensebot::webhooks::run(
        world.app.clone(),
        licensebot::metrics::Metrics::new(),
        stop,
    ));
    let minted = api
        .send(
            "POST",
            "/v1/keys",
            Some(token.expose()),
            Some(
                json!({"product": crate::support::world::SKU, "seats": 5, "term": "12m",
                        "count": 2, "batch": "order-9"}),
            ),
            &[("idempotency-key", "order-9")],
        )
        .await;
    assert_eq!(minted.status, 201, "{minted:?}");
    let keys = strings(&minted.body["keys"]);
    api.keep_secret(&keys);

    let (run, review) = world
        .order(
            world.admin,
            "en-US",
            "add-licenses",
            "Contoso",
            &keys.join("\n"),
        )
        .await;
    assert!(
        review.text().contains(&masked(&keys[1])),
        "{}",
        review.text()
    );
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert_eq!(world.seats().await, 60);

    let listed = api
        .get(
            "/v1/keys?batch=order-9&state=redeemed",
            Some(token.expose()),
        )
        .await;
    assert_eq!(listed.body["keys"].as_array().unwrap().len(), 2);
    let ledger = api.get("/v1/redemptions", Some(token.expose())).await;
    assert_eq!(ledger.body["redemptions"][0]["after"]["seats"], 60);
    // The shop heard of it, signed, with the ledger's id and the keys' last five only.
    let heard = receiver.wait_for(1, StdDuration::from_secs(10)).await;
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert!(heard[0].verified);
    assert_eq!(heard[0].json["type"], "redemption.created");
    assert_eq!(
        heard[0].json["data"]["redemption_id"],
        ledger.body["redemptions"][0]["id"]
    );
    assert_eq!(heard[0].json["data"]["user"], world.admin.get().to_string());
    for key in &keys {
        assert!(!heard[0].body.contains(&key[..23]), "{}", heard[0].body);
    }
    let refund = api
        .post(
            "/v1/keys/revoke",
            Some(token.expose()),
            json!({"batch": "order-9"}),
        )
        .await;
    assert_eq!(
        refund.body["results"][0]["result"], "already_redeemed",
        "a refund after redemption cannot take the licenses back"
    );
}
