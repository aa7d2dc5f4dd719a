//! Webhooks on real PostgreSQL, delivered over HTTP to a local endpoint that verifies every
//! signature with the Standard Webhooks library: one event per redemption, revocation and
//! state change, retries with the same webhook-id, two workers that never send one delivery
//! at once, a worker killed mid-burst that loses nothing, and the operator's commands.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use licensebot::app::{lifecycle_tick, App, Clock, KeyBatch, OpenOrder, SubscriptionRef};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    OrderKind, PrivateTargets, Term,
};
use licensebot::metrics::Metrics;
use licensebot::store::Store;
use serde_json::{json, Value};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::{
    db::TestDb,
    receiver::{Answer, Receiver, Script},
};

const GUILD: GuildId = GuildId(750_000_000_000_000_001);
const ANA: UserId = UserId(850_000_000_000_000_001);
const BOB: UserId = UserId(850_000_000_000_000_002);
const SKU: &str = "BUSINESS-STANDARD";
const WAIT: Duration = Duration::from_secs(30);

/// Settings that retry within a second, so a test sees a retry without waiting minutes.
fn quick() -> Settings {
    let mut settings = Settings::default();
    settings.webhooks.retry_base_seconds = 1;
    settings.webhooks.retry_max_seconds = 1;
    settings.webhooks.timeout_seconds = 3;
    settings.webhooks.lease_seconds = 5;
    settings.webhooks.poll_seconds = 1;
    settings
}

/// An app on a pool of its own, its connections named `name` (as another process's would be).
async fn app_named(db: &TestDb, settings: &Arc<Settings>, name: &str) -> App {
    let pool = db.pool_named(name, 4).await;
    App::assemble(Store::new(pool), settings.clone(), Clock::System)
}

/// A delivery worker, as `licensebot run` starts one; stopped when dropped.
struct Worker {
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
    metrics: Metrics,
}

impl Worker {
    fn start(app: &App) -> Worker {
        let stop = CancellationToken::new();
        let metrics = Metrics::new();
        let task = tokio::spawn(licensebot::webhooks::run(
            app.clone(),
            metrics.clone(),
            stop.clone(),
        ));
        Worker {
            stop,
            task: Some(task),
            metrics,
        }
    }

    /// Kills the worker mid-flight: its task is aborted (its requests dropped on the floor).
    fn abort(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// The catalogue, a subscription "Contoso" (50 seats, ending in a year) and the app on it.
struct Shop {
    db: TestDb,
    app: App,
    contoso: Subscription,
}

impl Shop {
    async fn new(settings: Settings) -> Shop {
        let db = TestDb::new().await;
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
                50,
                Utc::now().date_naive() + chrono::Days::new(365),
            )
            .await
            .unwrap();
        Shop { db, app, contoso }
    }

    async fn keys(&self, count: usize, batch: &str) -> Vec<String> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats: 5,
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

    /// Opens and redeems an order of `kind` with `keys` as `user`; returns the ledger id.
    async fn redeem(&self, user: UserId, kind: OrderKind, keys: &[String]) -> i64 {
        let review = self
            .app
            .open_order(OpenOrder {
                guild: GUILD,
                user,
                locale: "en-US".into(),
                subscription: SubscriptionRef::Id(self.contoso.id),
                kind,
                keys: keys.join(" "),
            })
            .await
            .unwrap();
        let receipt = self.app.redeem(GUILD, user, review.order.id).await.unwrap();
        assert!(
            self.app.redeem(GUILD, user, review.order.id).await.is_err(),
            "a second click redeems nothing"
        );
        receipt.redemption_id
    }

    /// Adds an endpoint at `receiver` for `events`; the receiver verifies with its secret.
    async fn endpoint(&self, receiver: &Receiver, events: Option<&str>) -> i64 {
        let (endpoint, secret) = self
            .app
            .add_webhook(&receiver.url, events, PrivateTargets::Allowed)
            .await
            .unwrap();
        receiver.set_secret(&secret.expose());
        endpoint.id
    }

    /// Waits until no delivery is pending; returns (state, attempts) of each, by id.
    async fn settled(&self) -> Vec<(String, i32)> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let rows: Vec<(String, i32)> =
                sqlx::query_as("SELECT state, attempts FROM webhook_deliveries ORDER BY id")
                    .fetch_all(&self.db.pool)
                    .await
                    .unwrap();
            if rows.iter().all(|(state, _)| state != "pending") {
                return rows;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "deliveries still pending after {WAIT:?}: {rows:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn deliveries(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM webhook_deliveries")
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }
}

/// No body holds a full key, or the part of one that is never shown.
fn assert_no_key(body: &str, keys: &[String]) {
    let body = body.to_uppercase();
    for key in keys {
        let compact: String = key.chars().filter(|c| *c != '-').collect();
        for needle in [&compact[..20], &key[..23]] {
            assert!(!body.contains(needle), "a key in a webhook body: {body}");
        }
    }
}

fn script(f: impl Fn(&str, usize, usize) -> Answer + Send + Sync + 'static) -> Script {
    Arc::new(f)
}

#[tokio::test]
async fn each_redemption_is_announced_once_signed_as_standard_webhooks_say_and_without_its_keys() {
    let shop = Shop::new(quick()).await;
    let receiver = Receiver::start().await;
    let revocations = Receiver::start().await;
    shop.endpoint(&receiver, Some("redemption.created")).await;
    shop.endpoint(&revocations, Some("key.revoked")).await;
    let keys = shop.keys(4, "q4").await;
    let first = shop.redeem(ANA, OrderKind::AddLicenses, &keys[..2]).await;
    let second = shop.redeem(BOB, OrderKind::Extend, &keys[2..3]).await;
    let _worker = Worker::start(&shop.app);
    let settled = shop.settled().await;
    assert_eq!(settled, vec![("delivered".to_string(), 1); 2]);

    let received = receiver.received();
    assert_eq!(
        received.len(),
        2,
        "one delivery per redemption: {received:?}"
    );
    assert!(
        revocations.received().is_empty(),
        "an endpoint hears only its events"
    );
    let mut ids: Vec<i64> = received
        .iter()
        .map(|r| r.json["data"]["redemption_id"].as_i64().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, [first, second]);
    for r in &received {
        assert!(r.verified, "the signature verifies: {r:?}");
        assert!(r.webhook_id.starts_with("msg_"), "{r:?}");
        assert!(r.signature.starts_with("v1,"), "{r:?}");
        let sent_at: i64 = r.timestamp.parse().expect("unix seconds");
        assert!((Utc::now().timestamp() - sent_at).abs() < 300);
        assert_eq!(r.json["type"], "redemption.created");
        assert!(r.json["timestamp"].as_str().is_some());
        assert_no_key(&r.body, &keys);
    }
    let added = received
        .iter()
        .find(|r| r.json["data"]["redemption_id"] == first)
        .unwrap();
    let data = &added.json["data"];
    assert_eq!(data["kind"], "add-licenses");
    assert_eq!(data["guild"], GUILD.0.to_string());
    assert_eq!(data["user"], ANA.0.to_string());
    assert_eq!(
        data["subscription"],
        json!({"id": shop.contoso.id, "name": "Contoso", "product": SKU})
    );
    assert_eq!(data["before"]["seats"], 50);
    assert_eq!(data["after"]["seats"], 60);
    let mut tails: Vec<&str> = data["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            assert_eq!(
                (k["seats"].clone(), k["term"].clone()),
                (json!(5), json!("12m"))
            );
            k["last_five"].as_str().unwrap()
        })
        .collect();
    tails.sort();
    let mut expected: Vec<&str> = keys[..2].iter().map(|k| &k[k.len() - 5..]).collect();
    expected.sort();
    assert_eq!(tails, expected);
    let extended = received
        .iter()
        .find(|r| r.json["data"]["redemption_id"] == second)
        .unwrap();
    assert_eq!(extended.json["data"]["kind"], "extend");
    assert_ne!(
        extended.json["data"]["before"]["ends_on"],
        extended.json["data"]["after"]["ends_on"]
    );
}

#[tokio::test]
async fn a_delivery_answered_500_is_retried_with_the_same_webhook_id_and_body() {
    let shop = Shop::new(quick()).await;
    let receiver = Receiver::start().await;
    receiver.set_script(script(|_, attempt, _| {
        if attempt == 1 {
            Answer::status(500)
        } else {
            Answer::OK
        }
    }));
    shop.endpoint(&receiver, None).await;
    let keys = shop.keys(1, "retry").await;
    shop.redeem(ANA, OrderKind::AddLicenses, &keys).await;
    let worker = Worker::start(&shop.app);
    assert_eq!(shop.settled().await, [("delivered".to_string(), 2)]);
    let received = receiver.received();
    assert_eq!(
        received.iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
    assert_eq!(received[0].webhook_id, received[1].webhook_id);
    assert_eq!(received[0].body, received[1].body);
    assert!(received.iter().all(|r| r.verified), "{received:?}");

    let text = worker.metrics.scrape(shop.app.database_gauges().await);
    for line in [
        r#"licensebot_webhook_deliveries_total{result="retry"} 1"#,
        r#"licensebot_webhook_deliveries_total{result="delivered"} 1"#,
        "licensebot_webhook_pending 0",
        "licensebot_webhook_oldest_pending_age_seconds 0.0",
        "licensebot_webhook_failed 0",
    ] {
        assert!(text.contains(line), "/metrics lacks {line:?}:\n{text}");
    }
}

#[tokio::test]
async fn two_workers_on_one_database_never_have_one_delivery_in_flight_twice() {
    let shop = Shop::new(quick()).await;
    let receiver = Receiver::start().await;
    // Each answer takes 2 s: a worker that finds nothing to claim polls again (every 1 s)
    // while the other's deliveries are still in flight, and must leave them alone.
    receiver.set_script(script(|_, _, _| Answer::after(Duration::from_secs(2))));
    shop.endpoint(&receiver, None).await;
    let keys = shop.keys(6, "burst").await;
    shop.app.revoke_keys(Some("burst"), &[]).await.unwrap();
    assert_eq!(shop.deliveries().await, 6);

    let settings = Arc::new(quick());
    let a = app_named(&shop.db, &settings, "worker-a").await;
    let b = app_named(&shop.db, &settings, "worker-b").await;
    let (_one, _two) = (Worker::start(&a), Worker::start(&b));
    let settled = shop.settled().await;
    assert_eq!(settled, vec![("delivered".to_string(), 1); 6]);
    let received = receiver.received();
    let mut ids: Vec<&str> = received.iter().map(|r| r.webhook_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (received.len(), ids.len()),
        (6, 6),
        "each event exactly once"
    );
    assert_eq!(receiver.most_in_flight_of_one_id(), 1);
    assert!(received.iter().all(|r| r.verified));
    for r in &received {
        assert_eq!(r.json["type"], "key.revoked");
        assert_no_key(&r.body, &keys);
    }
}

#[tokio::test]
async fn a_worker_killed_mid_burst_loses_no_event() {
    let shop = Shop::new(quick()).await;
    let receiver = Receiver::start().await;
    // The first three answer at once; then requests hang until the test is over.
    receiver.set_script(script(|_, attempt, arrival| {
        if attempt == 1 && arrival > 3 {
            Answer::after(Duration::from_secs(60))
        } else {
            Answer::OK
        }
    }));
    shop.endpoint(&receiver, None).await;
    shop.keys(20, "burst").await;
    shop.app.revoke_keys(Some("burst"), &[]).await.unwrap();
    assert_eq!(shop.deliveries().await, 20);

    let settings = Arc::new(quick());
    let doomed = app_named(&shop.db, &settings, "doomed-worker").await;
    let mut worker = Worker::start(&doomed);
    // Its first claim is out: some answered, the rest in flight.
    let deadline = tokio::time::Instant::now() + WAIT;
    while receiver.arrivals() < 8 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker sent nothing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Killed: the task aborted and its database connections terminated.
    worker.abort();
    let killed = shop.db.end_sessions("doomed-worker").await;
    assert!(
        !killed.is_empty(),
        "the worker had connections to terminate"
    );
    let answered_before = receiver.received().len();
    assert!(answered_before < 20, "the kill came mid-burst");
    receiver.set_script(script(|_, _, _| Answer::OK));

    // Another process takes over, once the dead worker's leases run out.
    let survivor = app_named(&shop.db, &settings, "survivor").await;
    let _survivor = Worker::start(&survivor);
    let settled = shop.settled().await;
    assert!(
        settled.iter().all(|(state, _)| state == "delivered"),
        "{settled:?}"
    );
    let events: Vec<String> = sqlx::query_scalar(
        "SELECT 'msg_' || replace(id::text, '-', '') FROM webhook_events ORDER BY 1",
    )
    .fetch_all(&shop.db.pool)
    .await
    .unwrap();
    assert_eq!(events.len(), 20);
    let received = receiver.received();
    for event in &events {
        assert!(
            received
                .iter()
                .any(|r| &r.webhook_id == event && r.status == 200 && r.verified),
            "{event} was never delivered"
        );
    }
}

#[tokio::test]
async fn a_state_change_is_announced_once_however_many_processes_run_the_lifecycle_pass() {
    let db = TestDb::new().await;
    let settings = Arc::new(quick());
    let clock = Clock::fixed("2026-03-01T09:00:00Z".parse::<DateTime<Utc>>().unwrap());
    let one = App::assemble(Store::new(db.pool.clone()), settings.clone(), clock.clone());
    let two = App::assemble(Store::new(db.pool.clone()), settings, clock.clone());
    one.add_product(SKU, "Business Standard", None)
        .await
        .unwrap();
    let ended = one
        .create_subscription(GUILD, SKU, "Fabrikam", 5, "2026-02-20".parse().unwrap())
        .await
        .unwrap();
    // A reminder is a notice, not an event.
    one.create_subscription(GUILD, SKU, "Contoso", 5, "2026-03-08".parse().unwrap())
        .await
        .unwrap();
    let receiver = Receiver::start().await;
    one.add_webhook(
        &receiver.url,
        Some("subscription.state_changed"),
        PrivateTargets::Allowed,
    )
    .await
    .unwrap();
    let (a, b) = tokio::join!(lifecycle_tick(&one), lifecycle_tick(&two));
    assert_eq!(
        a.unwrap() + b.unwrap(),
        2,
        "two notices: a reminder and a state change"
    );
    lifecycle_tick(&one).await.unwrap();
    let events: Vec<(String, Value)> = sqlx::query_as("SELECT type, data FROM webhook_events")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "subscription.state_changed");
    assert_eq!(
        events[0].1,
        json!({"guild": GUILD.0.to_string(), "state": "expired", "ends_on": "2026-02-20",
               "subscription": {"id": ended.id, "name": "Fabrikam", "product": SKU}})
    );
    // Thirty days on, the next state: one more.
    clock.advance(chrono::Duration::days(30));
    lifecycle_tick(&two).await.unwrap();
    let states: Vec<String> = sqlx::query_scalar(
        "SELECT data->>'state' FROM webhook_events
         WHERE data->'subscription'->>'name' = 'Fabrikam' ORDER BY occurred_at",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(states, ["expired", "disabled"]);
}

#[tokio::test]
async fn revoking_announces_each_key_it_revokes_and_nothing_is_kept_when_no_endpoint_listens() {
    let shop = Shop::new(quick()).await;
    let keys = shop.keys(3, "refund").await;
    shop.app.revoke_keys(None, &keys[..1]).await.unwrap();
    assert_eq!(shop.deliveries().await, 0);
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events")
        .fetch_one(&shop.db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 0, "no endpoint: no event is kept");

    let receiver = Receiver::start().await;
    shop.endpoint(&receiver, Some("key.revoked,redemption.created"))
        .await;
    shop.redeem(ANA, OrderKind::AddLicenses, &keys[1..2]).await;
    // One redeemed (stays so), one revoked before (no second event), one revoked now.
    shop.app.revoke_keys(Some("refund"), &[]).await.unwrap();
    let _worker = Worker::start(&shop.app);
    shop.settled().await;
    let received = receiver.received();
    let types: Vec<&str> = received
        .iter()
        .map(|r| r.json["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types.iter().filter(|t| **t == "key.revoked").count(),
        1,
        "{types:?}"
    );
    let revoked = received
        .iter()
        .find(|r| r.json["type"] == "key.revoked")
        .unwrap();
    assert_eq!(
        revoked.json["data"]["key"]["last_five"],
        keys[2][keys[2].len() - 5..]
    );
    assert_eq!(revoked.json["data"]["batch"], "refund");
    assert_eq!(revoked.json["data"]["product"], SKU);
    for r in &received {
        assert_no_key(&r.body, &keys);
    }
}

#[tokio::test]
async fn the_operator_adds_tests_lists_and_redelivers_webhooks_from_the_command_line() {
    let mut settings = quick();
    // A delivery that fails is given up at once, to be redelivered.
    settings.webhooks.give_up_hours = 0;
    let shop = Shop::new(settings).await;
    let cli = crate::cli::Cli::with_database(&shop.db.url);
    let receiver = Receiver::start().await;

    let added = cli
        .ok(&["webhooks", "add", &receiver.url, "--allow-private"])
        .await;
    let lines: Vec<&str> = added.lines().collect();
    assert_eq!(lines.len(), 2, "{added}");
    let id = lines[0]
        .strip_prefix("added webhook endpoint ")
        .expect("the endpoint's id")
        .to_string();
    let secret = lines[1];
    assert!(secret.starts_with("whsec_"), "{added}");
    receiver.set_secret(secret);
    let listed = cli.json(&["webhooks", "list", "--json"]).await;
    assert_eq!(listed[0]["url"], receiver.url.as_str());
    assert_eq!(listed[0]["events"], Value::Null);
    assert!(
        !listed.to_string().contains(&secret[6..]),
        "never the secret again"
    );

    // A ping, delivered by the running bot's worker (here, in this process).
    let tested = cli.ok(&["webhooks", "test", &id]).await;
    assert!(tested.starts_with("enqueued ping msg_"), "{tested}");
    let worker = Worker::start(&shop.app);
    let ping = receiver.wait_for(1, WAIT).await;
    assert_eq!(ping.len(), 1);
    assert!(ping[0].verified, "signed with the secret the CLI printed");
    assert_eq!(ping[0].json["type"], "ping");
    assert_eq!(ping[0].json["data"]["endpoint"], id.parse::<i64>().unwrap());
    assert!(tested.contains(&ping[0].webhook_id), "{tested}");
    shop.settled().await;

    // The endpoint fails: the delivery is given up, listed, and redelivered.
    receiver.set_script(script(|_, _, _| Answer::status(503)));
    let keys = shop.keys(1, "cli").await;
    shop.redeem(ANA, OrderKind::AddLicenses, &keys).await;
    shop.settled().await;
    let failed = cli
        .json(&["webhooks", "deliveries", "--failed", "--json"])
        .await;
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["state"], "failed");
    assert_eq!(failed[0]["event"], "redemption.created");
    assert_eq!(failed[0]["last_status"], 503);
    let delivery = failed[0]["id"].to_string();
    let table = cli.ok(&["webhooks", "deliveries"]).await;
    assert!(
        table.contains("failed") && table.contains("delivered"),
        "{table}"
    );

    receiver.set_script(script(|_, _, _| Answer::OK));
    assert_eq!(
        cli.ok(&["webhooks", "redeliver", &delivery]).await,
        format!("delivery {delivery} will be sent again now\n")
    );
    shop.settled().await;
    let received = receiver.received();
    let last = received.last().unwrap();
    assert_eq!(last.status, 200);
    assert!(last.verified);
    assert_eq!(last.webhook_id, failed[0]["webhook_id"].as_str().unwrap());
    assert_eq!(
        cli.json(&["webhooks", "deliveries", "--failed", "--json"])
            .await,
        json!([])
    );
    let error = cli.fails(&["webhooks", "redeliver", "999999"]).await;
    assert!(error.contains("999999"), "{error}");
    drop(worker);

    // Refusals; plain HTTP to another machine is allowed, with a warning.
    for (args, says) in [
        (vec!["webhooks", "add", "ftp://shop.example/x"], "http"),
        (vec!["webhooks", "add", "not a url"], "URL"),
        (
            vec![
                "webhooks",
                "add",
                &receiver.url,
                "--allow-private",
                "--events",
                "ping",
            ],
            "webhooks test",
        ),
        (
            vec![
                "webhooks",
                "add",
                &receiver.url,
                "--allow-private",
                "--events",
                "redemption.deleted",
            ],
            "redemption.deleted",
        ),
        (vec!["webhooks", "test", "999999"], "999999"),
        (vec!["webhooks", "remove", "999999"], "999999"),
    ] {
        let error = cli.fails(&args).await;
        assert!(error.contains(says), "{args:?}: {error}");
    }
    let plain = cli
        .run(&["webhooks", "add", "http://shop.example/hooks"])
        .await;
    assert!(plain.success, "{plain:?}");
    assert!(plain.stderr.contains("plain HTTP"), "{plain:?}");
    let local = cli
        .run(&["webhooks", "add", &receiver.url, "--allow-private"])
        .await;
    assert!(!local.stderr.contains("plain HTTP"), "{local:?}");

    assert_eq!(
        cli.ok(&["webhooks", "remove", &id]).await,
        format!("removed webhook endpoint {id}\n")
    );
    let listed = cli.json(&["webhooks", "list", "--json"]).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn webhooks_add_refuses_credentials_and_metadata_targets_and_private_ones_without_allow_private(
) {
    let shop = Shop::new(quick()).await;
    let cli = crate::cli::Cli::with_database(&shop.db.url);
    let pool = shop.db.pool.clone();
    let endpoints = move || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM webhook_endpoints")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let never = [
        "http://169.254.169.254/latest",
        "http://user:pass@example.com/",
        "https://shopuser:s3cr3t@example.com/hooks",
        "https://t0ken@example.com/hooks",
        "http://[fe80::1]/hooks",
        "http://[fd00:ec2::254]/latest",
        "http://[::ffff:169.254.169.254]/latest",
        "http://[::ffff:a9fe:a9fe]/latest",
    ];
    let private = [
        "http://127.0.0.1:9/",
        "http://localhost:9/hooks",
        "http://hooks.localhost/",
        "http://10.0.0.5/hooks",
        "http://172.16.0.1/hooks",
        "http://192.168.1.10/hooks",
        "http://[::1]:9/hooks",
        "http://[fd12:3456::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
    ];
    for url in never.iter().chain(&private) {
        let error = cli.fails(&["webhooks", "add", url]).await;
        for secret in ["user:pass", "shopuser", "s3cr3t", "t0ken"] {
            assert!(!error.contains(secret), "{url}: {error}");
        }
    }
    assert_eq!(endpoints().await, 0, "nothing stored");
    for url in never {
        let error = cli
            .fails(&["webhooks", "add", url, "--allow-private"])
            .await;
        assert!(!error.contains("s3cr3t"), "{url}: {error}");
    }
    assert_eq!(endpoints().await, 0, "nothing stored");
    for url in private {
        let added = cli.ok(&["webhooks", "add", url, "--allow-private"]).await;
        assert!(
            added.starts_with("added webhook endpoint "),
            "{url}: {added}"
        );
    }
    let public = cli
        .ok(&["webhooks", "add", "https://shop.example/hooks"])
        .await;
    assert!(public.starts_with("added webhook endpoint "), "{public}");
    assert_eq!(endpoints().await, private.len() as i64 + 1);

    // An endpoint stored before the rule, with a password in its URL: never listed with it.
    sqlx::query(
        "INSERT INTO webhook_endpoints (url, secret, allow_private)
         VALUES ('https://shop:hunter2@shop.example/legacy', $1, true)",
    )
    .bind(vec![7u8; 32])
    .execute(&shop.db.pool)
    .await
    .unwrap();
    let table = cli.ok(&["webhooks", "list"]).await;
    let listed = cli.json(&["webhooks", "list", "--json"]).await;
    for shown in [&table, &listed.to_string()] {
        assert!(shown.contains("shop.example/legacy"), "{shown}");
        assert!(!shown.contains("hunter2"), "the password is shown: {shown}");
    }
}

#[tokio::test]
async fn a_delivery_to_a_private_address_is_refused_unless_its_endpoint_allows_private_targets() {
    let mut settings = quick();
    settings.webhooks.give_up_hours = 0;
    let shop = Shop::new(settings).await;
    let receiver = Receiver::start().await;
    let allowed = shop.endpoint(&receiver, None).await;
    // Stored without --allow-private: by a name that resolves to this machine, and by an
    // address (as a row written before the rule could be).
    let by_name = receiver.url.replace("127.0.0.1", "localhost");
    let mut refused = Vec::new();
    for url in [by_name.as_str(), receiver.url.as_str()] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_endpoints (url, secret, allow_private) VALUES ($1, $2, false) RETURNING id",
        )
        .bind(url)
        .bind(vec![7u8; 32])
        .fetch_one(&shop.db.pool)
        .await
        .unwrap();
        refused.push(id);
    }
    for id in [allowed, refused[0], refused[1]] {
        shop.app.ping_webhook(id).await.unwrap();
    }
    let _worker = Worker::start(&shop.app);
    let settled = shop.settled().await;
    assert_eq!(settled.len(), 3, "{settled:?}");
    let received = receiver.received();
    assert_eq!(
        received.len(),
        1,
        "only the endpoint that allows it was sent to"
    );
    assert_eq!(received[0].json["data"]["endpoint"], allowed);
    let failed = shop.app.list_deliveries(true, 10).await.unwrap();
    let mut failed_endpoints: Vec<i64> = failed.iter().map(|d| d.endpoint_id).collect();
    failed_endpoints.sort();
    assert_eq!(failed_endpoints, refused);
    for delivery in &failed {
        let error = delivery.last_error.as_deref().unwrap_or_default();
        assert!(error.contains("private"), "{error}");
    }
}

#[tokio::test]
async fn a_failed_attempt_is_recorded_and_logged_without_the_endpoints_url() {
    let mut settings = quick();
    settings.webhooks.give_up_hours = 0;
    let shop = Shop::new(settings).await;
    // Nothing listens on port 1; the URL carries a token of the endpoint's own.
    let (endpoint, _) = shop
        .app
        .add_webhook(
            "http://127.0.0.1:1/hooks?token=sekrit",
            None,
            PrivateTargets::Allowed,
        )
        .await
        .unwrap();
    shop.app.ping_webhook(endpoint.id).await.unwrap();
    let _worker = Worker::start(&shop.app);
    assert_eq!(shop.settled().await, [("failed".to_string(), 1)]);
    let failed = shop.app.list_deliveries(true, 10).await.unwrap();
    let error = failed[0].last_error.clone().expect("the reason is kept");
    assert!(
        !error.contains("sekrit") && !error.contains("127.0.0.1"),
        "{error}"
    );
    assert_eq!(failed[0].last_status, None);
}

#[tokio::test]
async fn assigning_and_unassigning_a_license_is_announced_once_each_with_who_and_why() {
    let shop = Shop::new(quick()).await;
    let receiver = Receiver::start().await;
    shop.endpoint(&receiver, Some("license.assigned,license.unassigned"))
        .await;
    let bob = UserId(4_242);
    let assign = || licensebot::app::AssignLicense {
        guild: GUILD,
        subscription: SubscriptionRef::Id(shop.contoso.id),
        member: bob,
        member_is_bot: false,
        by: ANA,
    };
    shop.app.assign_license(assign()).await.unwrap();
    // Refused (already holds one): nothing is announced for it.
    assert!(shop.app.assign_license(assign()).await.is_err());
    shop.app
        .unassign_license(licensebot::app::UnassignLicense {
            guild: GUILD,
            subscription: SubscriptionRef::Id(shop.contoso.id),
            member: bob,
            by: ANA,
        })
        .await
        .unwrap();
    let _worker = Worker::start(&shop.app);
    shop.settled().await;
    let received = receiver.received();
    let mut types: Vec<&str> = received
        .iter()
        .map(|r| r.json["type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        ["license.assigned", "license.unassigned"],
        "{types:?}"
    );
    for r in &received {
        assert_eq!(r.json["data"]["user"], "4242");
        assert_eq!(r.json["data"]["by"], ANA.0.to_string());
        assert_eq!(r.json["data"]["reason"], "admin");
        assert_eq!(r.json["data"]["subscription"]["id"], shop.contoso.id);
        assert_eq!(r.json["data"]["subscription"]["name"], "Contoso");
    }
}
