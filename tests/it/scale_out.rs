//! Scale-out, end to end: several real `licensebot` processes (the binary) on one
//! PostgreSQL, against the fake Discord — in HTTP interactions mode behind a "load
//! balancer" (the fake delivering to each endpoint in turn, signed with a test key), draining
//! one notice outbox together while one of them is killed, and as gateway processes that
//! split the shards between them. `/healthz` and `/metrics` of each process are read over
//! HTTP. A delivery serenity cannot decode is answered, and its key is not in the log.

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    process::Stdio,
    time::{Duration, Instant},
};

use chrono::Days;
use fake_discord::{
    serenity::all::{ChannelId, GuildId, Permissions, UserId},
    CallbackKind, FakeDiscord, InteractionHandle, Signing, StoredMessage,
};
use licensebot::{
    app::{App, Clock, KeyBatch, NoticeBody},
    config::Settings,
    domain::{records, Term},
    store::Store,
};
use tokio::process::{Child, Command};

use crate::support::db::TestDb;

pub(crate) const WAIT: Duration = Duration::from_secs(15);
const SKU: &str = "BUSINESS-STANDARD";

/// A free port on 127.0.0.1 (closed again, for a bot process to bind).
pub(crate) fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// One `licensebot run` process; killed when dropped, its log printed if the test failed.
pub(crate) struct BotProcess {
    name: String,
    child: Child,
    pub(crate) metrics: SocketAddr,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl BotProcess {
    /// Starts `licensebot run <args> --metrics ADDR` in an empty directory (so no `.env`
    /// or `config/` of the repository is read) and waits until `/healthz` says ready.
    pub(crate) async fn start(
        name: &str,
        fake: &FakeDiscord,
        db: &TestDb,
        args: &[String],
        env: &[(&str, &str)],
    ) -> BotProcess {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let log = dir.path().join("licensebot.log");
        let metrics = free_addr();
        let mut command = Command::new(env!("CARGO_BIN_EXE_licensebot"));
        command
            .arg("run")
            .args(args)
            .arg("--metrics")
            .arg(metrics.to_string())
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DISCORD_TOKEN", fake.token())
            .env("DISCORD_API_URL", fake.api_url())
            .env("DISCORD_PUBLIC_KEY", fake.public_key())
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "info,serenity=warn,sqlx=warn")
            .env("LICENSEBOT_NOTICES__POLL_SECONDS", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("licensebot starts");
        let process = BotProcess {
            name: name.to_string(),
            child,
            metrics,
            log,
            _dir: dir,
        };
        process.wait_healthy().await;
        process
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.metrics)
    }

    async fn wait_healthy(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        let mut last = String::from("no answer");
        while Instant::now() < deadline {
            if let Ok(response) = client.get(self.url("/healthz")).send().await {
                let status = response.status();
                last = format!("{status} {}", response.text().await.unwrap_or_default());
                if status.is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} was not healthy within {WAIT:?} ({last}); its log:\n{}",
            self.name,
            self.log_text()
        );
    }

    pub(crate) async fn scrape(&self) -> String {
        let response = reqwest::get(self.url("/metrics"))
            .await
            .expect("/metrics answers");
        assert!(response.status().is_success());
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            content_type.starts_with("application/openmetrics-text"),
            "{content_type}"
        );
        response.text().await.expect("a text body")
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush, claims left behind.
    async fn kill(&mut self) {
        self.child.kill().await.expect("the process is killed");
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("---- log of {} ----\n{}", self.name, self.log_text());
        }
        let _ = self.child.start_kill();
    }
}

/// The value of the sample `series` (name and labels exactly as exposed), 0 when absent.
pub(crate) fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)
                .and_then(|rest| rest.strip_prefix(' '))
                .and_then(|value| value.trim().parse::<f64>().ok())
        })
        .unwrap_or(0.0)
}

/// The fake Discord, a database, one guild with an admin, a notice channel, a product and
/// a subscription ("Contoso", 50 seats).
pub(crate) struct Setup {
    pub(crate) fake: FakeDiscord,
    pub(crate) db: TestDb,
    app: App,
    pub(crate) guild: GuildId,
    pub(crate) admin: UserId,
    notices: ChannelId,
    pub(crate) subscription: i64,
}

impl Setup {
    /// The store under the app, for reading what the bots wrote.
    fn store(&self) -> Store {
        Store::new(self.db.pool.clone())
    }

    pub(crate) async fn new() -> Setup {
        let fake = FakeDiscord::start().await.expect("the fake Discord starts");
        let db = TestDb::new().await;
        let app = App::assemble(
            Store::new(db.pool.clone()),
            std::sync::Arc::new(Settings::default()),
            Clock::System,
        );
        let guild = fake.create_guild("Contoso Ltd", "en-US");
        let admins = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
        let admin = fake.add_member(guild, "ana", &[admins]);
        let notices = fake.create_text_channel(guild, "licenses");
        app.add_product(SKU, "Business Standard", Some(300))
            .await
            .unwrap();
        let sub = app
            .create_subscription(
                records::GuildId(guild.get()),
                SKU,
                "Contoso",
                50,
                chrono::Utc::now().date_naive() + Days::new(60),
            )
            .await
            .unwrap();
        app.set_notice_channel(records::GuildId(guild.get()), notices.get())
            .await
            .unwrap();
        Setup {
            fake,
            db,
            app,
            guild,
            admin,
            notices,
            subscription: sub.id,
        }
    }

    pub(crate) async fn keys(&self, seats: i64, count: usize) -> Vec<String> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats,
                term: "12m".parse::<Term>().unwrap(),
                count,
                batch: None,
                expires_on: None,
            })
            .await
            .unwrap()
            .iter()
            .map(|k| k.to_string())
            .collect()
    }

    pub(crate) async fn seats(&self) -> i64 {
        self.store()
            .subscription(records::GuildId(self.guild.get()), self.subscription)
            .await
            .unwrap()
            .unwrap()
            .seats
    }

    async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }
}

/// The interaction's message once answered (after a deferral: once edited).
async fn answered(run: &InteractionHandle) -> StoredMessage {
    let response = run.wait_response(WAIT).await.expect("the bot answered");
    match response.message {
        Some(m) if !m.is_loading() => m,
        _ => run
            .wait_original(WAIT, |m| !m.is_loading())
            .await
            .expect("the deferred answer arrived"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_opened_through_one_http_process_is_redeemed_through_another() {
    let s = Setup::new().await;
    let (addr_a, addr_b) = (free_addr(), free_addr());
    s.fake.set_interaction_endpoints([
        format!("http://{addr_a}/interactions"),
        format!("http://{addr_b}/interactions"),
    ]);
    let a = BotProcess::start(
        "A",
        &s.fake,
        &s.db,
        &["--http".into(), addr_a.to_string()],
        &[],
    )
    .await;
    let b = BotProcess::start(
        "B",
        &s.fake,
        &s.db,
        &["--http".into(), addr_b.to_string()],
        &[],
    )
    .await;
    s.fake
        .wait_for_commands(None, WAIT)
        .await
        .expect("HTTP mode registers the commands at start");
    assert_eq!(s.fake.connection_count(), 0, "HTTP mode needs no gateway");
    let b_before = b.scrape().await;

    // Saving the endpoint URL in the developer portal sends a PING.
    let ping = s.fake.send_ping().await.unwrap();
    assert_eq!(ping.wait_ack(WAIT).await.unwrap().kind, CallbackKind::Pong);

    let keys = s.keys(10, 4).await;
    let admin = || s.fake.as_member(s.guild, s.admin);

    // Autocomplete, through A.
    let typed = admin()
        .via_endpoint(0)
        .command("add-licenses")
        .focused("subscription", "Cont")
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choice_names();
    assert!(
        choices.iter().any(|c| c.starts_with("Contoso")),
        "{choices:?}"
    );

    // The order is opened through A...
    let run = admin()
        .via_endpoint(0)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[0].as_str())
        .send()
        .await
        .unwrap();
    let review = answered(&run).await;
    assert!(review.text().contains("50 → 60"), "{}", review.text());
    let delivery = &run.deliveries()[0];
    assert_eq!((delivery.endpoint, delivery.status), (0, 200));

    // ...a key is added with the modal opened through B and submitted through A...
    let add = admin()
        .via_endpoint(1)
        .click(review.id, "Add another product key")
        .await
        .unwrap();
    let modal = add
        .wait_response(WAIT)
        .await
        .unwrap()
        .modal
        .expect("a modal");
    let submit = admin()
        .via_endpoint(0)
        .submit_modal(&add, &[(modal.inputs[0].label.as_str(), keys[1].as_str())])
        .await
        .unwrap();
    let review = answered(&submit).await;
    assert!(review.text().contains("50 → 70"), "{}", review.text());

    // ...deliveries that are not Discord's change nothing...
    for signing in [
        Signing::BadSignature,
        Signing::Stale(Duration::from_secs(6 * 60)),
        Signing::Future(Duration::from_secs(6 * 60)),
        Signing::Unsigned,
    ] {
        let forged = admin()
            .via_endpoint(1)
            .signed(signing)
            .click(review.id, "Redeem")
            .await
            .unwrap();
        let delivery = forged.wait_delivery(WAIT).await.unwrap();
        assert_eq!(delivery.status, 401, "{signing:?}: {delivery:?}");
        assert!(forged.response().is_none(), "{signing:?} got no response");
    }
    let orders = s.count("SELECT count(*) FROM orders").await;
    let forged = admin()
        .via_endpoint(0)
        .signed(Signing::BadSignature)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[2].as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.wait_delivery(WAIT).await.unwrap().status, 401);
    assert_eq!(s.count("SELECT count(*) FROM orders").await, orders);
    assert_eq!(s.seats().await, 50);
    assert_eq!(s.count("SELECT count(*) FROM redemptions").await, 0);

    // ...and the order is redeemed through B.
    let redeem = admin()
        .via_endpoint(1)
        .click(review.id, "Redeem")
        .await
        .unwrap();
    let receipt = answered(&redeem).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert!(receipt.buttons().is_empty());
    assert_eq!(redeem.deliveries()[0].endpoint, 1);
    assert_eq!(s.seats().await, 70);

    // Both processes run the outbox: the notice is posted once.
    s.fake
        .wait_for_message(s.notices, WAIT, |m| m.content.contains("50 → 70"))
        .await
        .unwrap();

    // A refusal through A: a used key.
    let refused = admin()
        .via_endpoint(0)
        .command("extend")
        .option("subscription", "Contoso")
        .option("keys", keys[0].as_str())
        .send()
        .await
        .unwrap();
    let text = answered(&refused).await.text();
    assert!(text.contains("has already been used"), "{text}");

    // A slow redemption through B: the deferral is B's HTTP reply, the receipt an edit
    // over REST.
    let run = admin()
        .via_endpoint(0)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[3].as_str())
        .send()
        .await
        .unwrap();
    let review = answered(&run).await;
    let mut blocker = s.db.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM subscriptions WHERE id = $1 FOR UPDATE")
        .bind(s.subscription)
        .execute(&mut *blocker)
        .await
        .unwrap();
    let click = admin()
        .via_endpoint(1)
        .click(review.id, "Redeem")
        .await
        .unwrap();
    let ack = click.wait_ack(Duration::from_secs(3)).await.unwrap();
    assert_eq!(ack.kind, CallbackKind::DeferredUpdateMessage);
    assert_eq!(click.deliveries()[0].status, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    blocker.rollback().await.unwrap();
    click
        .wait_original(WAIT, |m| m.text().contains("Redeemed"))
        .await
        .unwrap();
    assert_eq!(s.seats().await, 80);
    s.fake
        .wait_for_message(s.notices, WAIT, |m| m.content.contains("70 → 80"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        s.fake.channel_messages(s.notices).len(),
        2,
        "one notice per redemption, though two outboxes run"
    );

    // What each process counted.
    let metrics_a = a.scrape().await;
    let metrics_b = b.scrape().await;
    println!("---- /metrics of process B ----\n{metrics_b}");
    let ok = |kind: &str, name: &str| {
        format!(r#"licensebot_interactions_total{{kind="{kind}",name="{name}",outcome="ok"}}"#)
    };
    assert_eq!(sample(&metrics_a, &ok("command", "add-licenses")), 2.0);
    assert_eq!(sample(&metrics_a, &ok("autocomplete", "add-licenses")), 1.0);
    assert_eq!(sample(&metrics_a, &ok("modal", "keys")), 1.0);
    assert_eq!(
        sample(
            &metrics_a,
            r#"licensebot_interactions_total{kind="command",name="extend",outcome="refused"}"#
        ),
        1.0
    );
    assert_eq!(
        sample(
            &metrics_a,
            r#"licensebot_refusals_total{reason="keys_refused"}"#
        ),
        1.0
    );
    assert_eq!(sample(&metrics_b, &ok("button", "redeem")), 2.0);
    assert_eq!(sample(&metrics_b, &ok("button", "add-key")), 1.0);
    assert_eq!(
        sample(
            &metrics_b,
            r#"licensebot_redemptions_total{kind="add-licenses"}"#
        ),
        2.0
    );
    for (reason, n) in [
        ("bad_signature", 1.0),
        ("stale_timestamp", 2.0),
        ("missing_headers", 1.0),
    ] {
        assert_eq!(
            sample(
                &metrics_b,
                &format!(r#"licensebot_http_interactions_refused_total{{reason="{reason}"}}"#)
            ),
            n,
            "{reason}"
        );
    }
    let histogram = |text: &str, response: &str| {
        sample(
            text,
            &format!(
                r#"licensebot_first_response_seconds_count{{transport="http",response="{response}"}}"#
            ),
        )
    };
    assert_eq!(histogram(&metrics_b, "update"), 1.0, "the first Redeem");
    assert_eq!(histogram(&metrics_b, "deferred"), 1.0, "the slow Redeem");
    assert_eq!(histogram(&metrics_b, "modal"), 1.0);
    assert!(histogram(&metrics_a, "message") >= 3.0);
    assert!(
        sample(
            &metrics_b,
            r#"licensebot_first_response_seconds_bucket{le="1.5",transport="http",response="deferred"}"#
        ) == 1.0
            && sample(
                &metrics_b,
                r#"licensebot_first_response_seconds_bucket{le="1.0",transport="http",response="deferred"}"#
            ) == 0.0,
        "the deferral went out after 1.2 s"
    );
    assert!(
        sample(&metrics_a, r#"licensebot_notices_total{result="sent"}"#)
            + sample(&metrics_b, r#"licensebot_notices_total{result="sent"}"#)
            == 2.0
    );
    assert_eq!(sample(&metrics_b, "licensebot_outbox_depth"), 0.0);
    assert!(sample(&metrics_b, "licensebot_db_pool_max_connections") >= 1.0);
    assert!(metrics_b.contains(r#"licensebot_db_pool_connections{state="idle"}"#));
    // The counters and histograms moved during the run.
    assert_eq!(sample(&b_before, &ok("button", "redeem")), 0.0);
    assert_eq!(histogram(&b_before, "update"), 0.0);
    drop((a, b));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interaction_serenity_cannot_decode_over_http_is_answered_and_its_key_is_not_logged() {
    let s = Setup::new().await;
    let addr = free_addr();
    s.fake
        .set_interaction_endpoints([format!("http://{addr}/interactions")]);
    let bot = BotProcess::start(
        "A",
        &s.fake,
        &s.db,
        &["--http".into(), addr.to_string()],
        &[("RUST_LOG", "debug")],
    )
    .await;
    s.fake
        .wait_for_commands(None, WAIT)
        .await
        .expect("HTTP mode registers the commands at start");
    let key = s.keys(1, 1).await.remove(0);

    // The `keys` option arrives typed as an integer: serenity's model cannot decode the
    // delivery, and serde's message about it would quote the key.
    let typed = key.clone();
    let run = s
        .fake
        .as_member(s.guild, s.admin)
        .locale("nl")
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", key.as_str())
        .send_malformed(|d| {
            if let Some(options) = d["data"]["options"].as_array_mut() {
                for option in options.iter_mut().filter(|o| o["name"] == "keys") {
                    option["type"] = serde_json::json!(4);
                }
            }
        })
        .await
        .unwrap();
    let response = run.wait_response(WAIT).await;
    let delivery = run.wait_delivery(WAIT).await.expect("a delivery was made");

    let log = bot.log_text().to_lowercase();
    for form in [typed.clone(), typed.replace('-', "")] {
        assert!(
            !log.contains(&form.to_lowercase()),
            "the key is in the log:\n{}",
            bot.log_text()
        );
    }
    assert!(
        log.contains("undecodable interaction delivery"),
        "{}",
        bot.log_text()
    );
    assert_eq!(delivery.status, 200, "answered, not refused: {delivery:?}");
    let response = response.expect("the admin was answered");
    assert_eq!(response.kind, CallbackKind::ChannelMessage);
    assert!(response.is_ephemeral());
    assert_eq!(
        response.text(),
        "Ik kon dit niet lezen; er is niets gewijzigd."
    );
    let metrics = bot.scrape().await;
    assert_eq!(
        sample(
            &metrics,
            r#"licensebot_interactions_total{kind="undecodable",name="unknown",outcome="error"}"#
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(s.count("SELECT count(*) FROM orders").await, 0);
}

/// Two HTTP replicas on one database, their endpoints set in the fake Discord.
async fn two_http_processes(s: &Setup) -> (BotProcess, BotProcess) {
    let (addr_a, addr_b) = (free_addr(), free_addr());
    s.fake.set_interaction_endpoints([
        format!("http://{addr_a}/interactions"),
        format!("http://{addr_b}/interactions"),
    ]);
    let a = BotProcess::start(
        "A",
        &s.fake,
        &s.db,
        &["--http".into(), addr_a.to_string()],
        &[],
    )
    .await;
    let b = BotProcess::start(
        "B",
        &s.fake,
        &s.db,
        &["--http".into(), addr_b.to_string()],
        &[],
    )
    .await;
    s.fake
        .wait_for_commands(None, WAIT)
        .await
        .expect("HTTP mode registers the commands at start");
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_replayed_to_another_replica_is_handled_once() {
    let s = Setup::new().await;
    let (a, b) = two_http_processes(&s).await;
    let keys = s.keys(10, 1).await;
    let admin = s.fake.as_member(s.guild, s.admin);

    // Discord delivers /add-licenses to A, which opens the order and answers.
    let run = admin
        .clone()
        .via_endpoint(0)
        .command("add-licenses")
        .option("subscription", "Contoso")
        .option("keys", keys[0].as_str())
        .send()
        .await
        .unwrap();
    let review = answered(&run).await;
    assert!(review.text().contains("50 → 60"), "{}", review.text());
    assert_eq!(s.count("SELECT count(*) FROM orders").await, 1);

    // The same delivery, captured and replayed to B within its five minutes, and to A.
    for endpoint in [1, 0] {
        run.redeliver_via(endpoint).await.unwrap();
        let replay = run.wait_delivery(WAIT).await.unwrap();
        assert_eq!(replay.endpoint, endpoint);
        assert_ne!(
            replay.status, 200,
            "replica {endpoint} answered a replay: {replay:?}"
        );
    }
    assert!(
        run.refusals().is_empty(),
        "no second answer reached Discord: {:?}",
        run.refusals()
    );
    assert_eq!(
        s.count("SELECT count(*) FROM orders").await,
        1,
        "one order, though two replicas got the delivery"
    );
    let duplicates = |text: &str, seen_in: &str| {
        sample(
            text,
            &format!(r#"licensebot_duplicate_deliveries_total{{seen_in="{seen_in}"}}"#),
        )
    };
    assert_eq!(duplicates(&b.scrape().await, "database"), 1.0);
    assert_eq!(duplicates(&a.scrape().await, "memory"), 1.0);
}

/// Enqueues `count` notices for `guild` in one transaction, so that every dispatcher sees
/// them at once.
async fn enqueue_notices(db: &TestDb, guild: GuildId, batch: &str, count: i64) {
    let body = NoticeBody::Reminder {
        subscription: "Contoso".into(),
        ends_on: chrono::Utc::now().date_naive() + Days::new(7),
        days: 7,
    }
    .to_json();
    sqlx::query(
        r#"INSERT INTO notices (guild_id, dedupe_key, kind, body, nonce)
           SELECT $1, $2 || ':' || i, 'lifecycle', $3, substr(md5($2 || i::text), 1, 25)
           FROM generate_series(1, $4) AS i"#,
    )
    .bind(guild.get() as i64)
    .bind(batch)
    .bind(body)
    .bind(count)
    .execute(&db.pool)
    .await
    .unwrap();
}

/// How many POSTs each nonce got, and how many messages carry it.
fn by_nonce(
    fake: &FakeDiscord,
    channel: ChannelId,
) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut posts = HashMap::new();
    for request in fake.requests_to("POST", &format!("/channels/{channel}/messages")) {
        if let Some(nonce) = request.body.as_ref().and_then(|b| b["nonce"].as_str()) {
            *posts.entry(nonce.to_string()).or_insert(0) += 1;
        }
    }
    let mut messages = HashMap::new();
    for message in fake.channel_messages(channel) {
        if let Some(nonce) = message.nonce.as_ref().and_then(|n| n.as_str()) {
            *messages.entry(nonce.to_string()).or_insert(0) += 1;
        }
    }
    (posts, messages)
}

async fn wait_for_messages(fake: &FakeDiscord, channel: ChannelId, count: usize, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let now = fake.channel_messages(channel).len();
        if now >= count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "only {now} of {count} notices were delivered within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_processes_drain_one_outbox_each_notice_once_even_when_one_is_killed_halfway() {
    let fake = FakeDiscord::start().await.unwrap();
    let db = TestDb::new().await;
    let guild = fake.create_guild("Fabrikam", "en-US");
    let channel = fake.create_text_channel(guild, "licenses");
    Store::new(db.pool.clone())
        .set_notice_channel(
            records::GuildId(guild.get()),
            channel.get(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    // Discord takes a few milliseconds per message.
    fake.set_latency("POST", "/channels/*/messages", Duration::from_millis(4));
    // A lease far longer than the waits below: a killed process's claims must come back
    // because its connection closed, not because the lease ran out.
    let lease = [("LICENSEBOT_NOTICES__LEASE_SECONDS", "600")];
    let mut processes = Vec::new();
    for name in ["A", "B", "C"] {
        let args = ["--http".to_string(), free_addr().to_string()];
        processes.push(BotProcess::start(name, &fake, &db, &args, &lease).await);
    }

    // 1,000 notices, three dispatchers: each notice is sent exactly once.
    enqueue_notices(&db, guild, "first", 1000).await;
    wait_for_messages(&fake, channel, 1000, Duration::from_secs(60)).await;
    let (posts, messages) = by_nonce(&fake, channel);
    assert_eq!(messages.len(), 1000);
    assert!(messages.values().all(|n| *n == 1));
    assert_eq!(posts.len(), 1000);
    assert!(
        posts.values().all(|n| *n == 1),
        "no notice was even POSTed twice"
    );
    let mut shares = Vec::new();
    for p in &processes {
        let sent = sample(
            &p.scrape().await,
            r#"licensebot_notices_total{result="sent"}"#,
        );
        assert!(sent > 0.0, "{} delivered nothing", p.name);
        shares.push(sent);
    }
    assert_eq!(shares.iter().sum::<f64>(), 1000.0, "{shares:?}");

    // 1,000 more; one process is killed halfway through them.
    enqueue_notices(&db, guild, "second", 1000).await;
    wait_for_messages(&fake, channel, 1500, Duration::from_secs(60)).await;
    // Discord slows down for a moment, so that every dispatcher is caught in the middle of
    // a claimed batch, and B dies there.
    let posts = "/channels/*/messages";
    fake.set_latency("POST", posts, Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(300)).await;
    processes[1].kill().await;
    fake.set_latency("POST", posts, Duration::from_millis(4));
    let killed_at = fake.channel_messages(channel).len();
    wait_for_messages(&fake, channel, 2000, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (posts, messages) = by_nonce(&fake, channel);
    assert_eq!(messages.len(), 2000, "every notice was delivered");
    assert!(messages.values().all(|n| *n == 1), "and each exactly once");
    let resent = posts.values().filter(|n| **n > 1).count();
    // Marked sent when the claim that sent them ends, just after its last post.
    let deadline = Instant::now() + Duration::from_secs(30);
    let pending = loop {
        let pending =
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM notices WHERE state <> 'sent'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        if pending == 0 || Instant::now() > deadline {
            break pending;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(pending, 0);
    // Only what the killed process had claimed in its last pass (at most one batch of 100,
    // src/discord/outbox.rs) can have been sent twice, and Discord dropped the second copy
    // by its nonce: the channel check above holds each exactly once.
    assert!(resent <= 100, "{resent} notices were POSTed twice");
    println!(
        "killed B after {killed_at} messages; {resent} notices POSTed a second time \
         (deduplicated by nonce)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateway_processes_with_disjoint_shard_ranges_each_receive_only_their_guilds() {
    let fake = FakeDiscord::start().await.unwrap();
    let db = TestDb::new().await;
    let shard_of = |g: GuildId| (g.get() >> 22) % 2;
    // Guild ids carry their creation time: a few milliseconds apart they fall on both shards.
    let mut guilds: Vec<GuildId> = Vec::new();
    while [0, 1]
        .iter()
        .any(|s| guilds.iter().filter(|g| shard_of(**g) == *s).count() < 2)
    {
        guilds.push(fake.create_guild(&format!("Guild {}", guilds.len()), "en-US"));
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
    let a = BotProcess::start(
        "shard 0",
        &fake,
        &db,
        &[
            "--shards".into(),
            "2".into(),
            "--shard-ids".into(),
            "0..1".into(),
        ],
        &[],
    )
    .await;
    let b = BotProcess::start(
        "shard 1",
        &fake,
        &db,
        &[
            "--shards".into(),
            "2".into(),
            "--shard-ids".into(),
            "1".into(),
        ],
        &[],
    )
    .await;
    fake.wait_for_shards(2, WAIT).await.unwrap();
    assert_eq!(fake.connected_shards(), vec![(0, 2), (1, 2)]);
    fake.wait_for_commands(None, WAIT).await.unwrap();

    // A guild that adds the bot now reaches the process of its shard only.
    let late = fake.create_guild("Late guild", "nl");
    guilds.push(late);
    let expected = |shard: u64| -> Vec<GuildId> {
        let mut mine: Vec<GuildId> = guilds
            .iter()
            .copied()
            .filter(|g| shard_of(*g) == shard)
            .collect();
        mine.sort();
        mine
    };
    let deadline = Instant::now() + WAIT;
    while fake.shard_guilds(shard_of(late) as u32).len() < expected(shard_of(late)).len() {
        assert!(
            Instant::now() < deadline,
            "the late guild reached its shard"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for shard in [0, 1] {
        let mut got = fake.shard_guilds(shard as u32);
        got.sort();
        assert_eq!(got, expected(shard), "shard {shard}'s guilds");
    }

    // Each guild's commands are handled by its shard's process, and only by it.
    for guild in &guilds {
        let owner = fake.guild_owner(*guild);
        let run = fake
            .as_member(*guild, owner)
            .command("subscriptions")
            .send()
            .await
            .unwrap();
        run.wait_response(WAIT).await.expect("answered");
    }
    let series =
        r#"licensebot_interactions_total{kind="command",name="subscriptions",outcome="ok"}"#;
    let handled_a = sample(&a.scrape().await, series);
    let handled_b = sample(&b.scrape().await, series);
    assert_eq!(handled_a, expected(0).len() as f64);
    assert_eq!(handled_b, expected(1).len() as f64);
    // The guilds' locales were recorded by the process that got their GUILD_CREATE. The
    // handler records them in the background, so wait for them (a loaded machine is slow).
    let deadline = Instant::now() + WAIT;
    let recorded = loop {
        let recorded = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM guild_settings")
            .fetch_one(&db.pool)
            .await
            .unwrap_or(0);
        if recorded >= guilds.len() as i64 || Instant::now() > deadline {
            break recorded;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(recorded >= guilds.len() as i64, "{recorded} guild locales");
    // Commands belong to the application: only shard 0 registers them.
    assert_eq!(fake.requests_to("PUT", "/applications/*/commands").len(), 1);
    drop((a, b));
}
