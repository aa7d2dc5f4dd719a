//! Keys and the bot token are secrets, end to end: with tracing at TRACE for every target,
//! a representative session through the fake Discord and the shop's API (mint, import,
//! revoke, with webhook deliveries) leaves no product key in any log line or span, in any
//! request the bot made, in any webhook body, in any API answer but the mint's, or in any
//! column of the database; and the bot token in no log line. A payload serenity cannot
//! decode leaves its key in no log line either (and is answered), and an interaction token,
//! which lets anyone answer for the bot for 15 minutes, is in no log line even when a
//! request carrying it fails.
//!
//! What the bot logs passes `licensebot::telemetry::may_log`, as in `telemetry::init`:
//! at TRACE, serenity and tungstenite record Discord's gateway payloads as they came (the
//! keys admins type included) and serenity's REST requests with their routes (interaction
//! tokens included), and that guard is what keeps them out of the bot's logs. The capture
//! without it is kept too, to check the bot token even there.
//!
//! This binary installs its own capturing subscriber (before `World` tries to install one),
//! outside the shared binary of `tests/it/`: a global subscriber is the whole process's,
//! and there the other tests' fixtures install theirs. The tests here share it, and each
//! looks for its own secrets in everything captured.

#[path = "it/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use fake_discord::{
    serenity::all::UserId, CallbackKind, Failure, InteractionHandle, StoredMessage,
};
use licensebot::domain::{PrivateTargets, ProductKey};
use serde_json::{json, Value};
use support::{
    api::Api,
    receiver::Receiver,
    world::{answer, World, SKU, WAIT},
};
use tracing::{
    field::{Field, Visit},
    span, Event, Metadata, Subscriber,
};
use tracing_subscriber::{
    filter::filter_fn, layer::Context, prelude::*, registry::LookupSpan, Layer,
};

/// One captured event, span or span update: where it comes from, and all of its text.
#[derive(Debug, Clone)]
struct Captured {
    /// Source file (for `log` records: the one `tracing-log` reports), else the target.
    origin: String,
    text: String,
}

/// Everything every target emits, at every level, into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

#[derive(Default)]
struct Fields {
    text: String,
    log_file: Option<String>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "log.file" {
            self.log_file = Some(value.to_string());
        }
        let _ = write!(self.text, " {}={}", field.name(), value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.text, " {}={:?}", field.name(), value);
    }
}

impl Capture {
    fn push(&self, metadata: &Metadata<'_>, kind: &str, fields: Fields) {
        let origin = fields
            .log_file
            .or_else(|| metadata.file().map(str::to_string))
            .unwrap_or_else(|| metadata.target().to_string());
        let text = format!(
            "{kind} {} {} {}:{}",
            metadata.level(),
            metadata.target(),
            metadata.name(),
            fields.text
        );
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Captured { origin, text });
    }

    fn lines(&self) -> Vec<Captured> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl<S> Layer<S> for Capture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, _id: &span::Id, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        self.push(attrs.metadata(), "span", fields);
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            self.push(span.metadata(), "span-record", fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        self.push(event.metadata(), "event", fields);
    }
}

/// The process's one subscriber, installed by whichever test comes first: what the bot
/// logs (through `may_log`, as `telemetry::init` does), and everything (without it).
struct Captures {
    logged: Capture,
    raw: Capture,
}

fn captures() -> &'static Captures {
    static CAPTURES: OnceLock<Captures> = OnceLock::new();
    CAPTURES.get_or_init(|| {
        let captures = Captures {
            logged: Capture::default(),
            raw: Capture::default(),
        };
        tracing_subscriber::registry()
            .with(
                captures
                    .logged
                    .clone()
                    .with_filter(filter_fn(licensebot::telemetry::may_log)),
            )
            .with(captures.raw.clone())
            .try_init()
            .expect("this test binary installs the only subscriber");
        captures
    })
}

/// The lines of `capture` that are the bot's, not the fake's.
fn bot_lines(capture: &Capture) -> Vec<Captured> {
    capture
        .lines()
        .into_iter()
        .filter(|c| !from_the_fake(&c.origin))
        .collect()
}

/// Waits until the bot logged a line containing every one of `parts`; false if none came
/// within [`WAIT`].
async fn wait_logged(capture: &Capture, parts: &[&str]) -> bool {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if bot_lines(capture)
            .iter()
            .any(|c| parts.iter().all(|p| c.text.contains(p)))
        {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What the fake Discord (in this process) logs is the fake's, not the bot's: its own
/// crate, and its server stack (axum, and the websocket library version it uses).
fn from_the_fake(origin: &str) -> bool {
    [
        "fake-discord",
        "fake_discord",
        "/axum-",
        "axum::",
        "tungstenite-0.29",
        "tokio-tungstenite-0.29",
    ]
    .iter()
    .any(|part| origin.contains(part))
}

/// The text that must appear nowhere, lower case: each key whole (compact, dashed, in
/// groups of five) and its first twenty characters, which are never shown.
fn needles(key: &str) -> Vec<String> {
    let compact: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    assert_eq!(compact.len(), 25, "{key}");
    let groups = |s: &str, sep: &str| {
        s.as_bytes()
            .chunks(5)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let head = &compact[..20];
    vec![
        compact.clone(),
        groups(&compact, "-"),
        groups(&compact, " "),
        head.to_string(),
        groups(head, "-"),
        groups(head, " "),
    ]
}

/// The needles found in `haystack` (compared in lower case).
fn found_in(haystack: &str, needles: &[String]) -> Vec<String> {
    let haystack = haystack.to_lowercase();
    needles
        .iter()
        .filter(|n| haystack.contains(n.as_str()))
        .cloned()
        .collect()
}

fn masked(key: &str) -> String {
    format!("•••••-•••••-•••••-•••••-{}", &key[key.len() - 5..])
}

/// Where any needle occurs in any column of any table: (table.column, needle). Every column
/// is read as text; bytea also as its raw bytes, in case a key was stored as bytes.
async fn search_database(pool: &sqlx::PgPool, needles: &[String]) -> Vec<(String, String)> {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        r#"SELECT c.table_schema::text, c.table_name::text, c.column_name::text, c.data_type::text
           FROM information_schema.columns c
           JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
           WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
             AND t.table_type = 'BASE TABLE'
           ORDER BY 1, 2, 3"#,
    )
    .fetch_all(pool)
    .await
    .expect("listing columns");
    assert!(columns.len() > 40, "too few columns: {columns:?}");
    let patterns: Vec<String> = needles.iter().map(|n| format!("%{n}%")).collect();
    let mut found = Vec::new();
    for (schema, table, column, data_type) in &columns {
        let mut texts = vec![format!(r#""{column}"::text"#)];
        if data_type == "bytea" {
            texts.push(format!(r#"encode("{column}", 'escape')"#));
        }
        for text in texts {
            let sql = format!(
                r#"SELECT p FROM "{schema}"."{table}", unnest($1::text[]) AS p
                   WHERE lower({text}) LIKE p"#
            );
            let hits: Vec<String> = sqlx::query_scalar(&sql)
                .bind(&patterns)
                .fetch_all(pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            for hit in hits {
                found.push((
                    format!("{table}.{column}"),
                    hit.trim_matches('%').to_string(),
                ));
            }
        }
    }
    found
}

async fn command(
    world: &World,
    user: UserId,
    name: &str,
    options: &[(&str, &str)],
) -> (InteractionHandle, StoredMessage) {
    let mut builder = world.fake.as_member(world.guild, user).command(name);
    for (option, value) in options {
        builder = builder.option(option, *value);
    }
    let run = builder.send().await.unwrap();
    let reply = answer(&run).await;
    (run, reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_reaches_a_log_line_a_request_or_a_column_and_no_token_a_log_line() {
    let Captures { logged, raw } = captures();
    let world = World::new().await;
    assert!(
        tracing::enabled!(target: "serenity", tracing::Level::TRACE),
        "tracing is at TRACE for every target"
    );
    // The search finds a key logged by mistake.
    let canary = ProductKey::generate(&mut rand::rngs::OsRng);
    tracing::trace!(target: "licensebot::canary", key = %canary.to_string().to_lowercase(), "canary");
    let canary_needles = needles(&canary.to_string());
    let mut typed: Vec<String> = Vec::new();

    // Mint keys (as the operator's `keys generate` does).
    let keys = world.keys(SKU, 5, "12m", 7).await;
    typed.extend(keys.iter().cloned());

    // The shop: the API mints, imports and revokes keys; a webhook endpoint hears of
    // every redemption and revocation, from a delivery worker in this process.
    let api = Api::start(world.app.clone()).await;
    let (_, token) = world.app.create_api_token("shop", None).await.unwrap();
    let shop = Some(token.expose());
    let receiver = Receiver::start().await;
    let (_, secret) = world
        .app
        .add_webhook(&receiver.url, None, PrivateTargets::Allowed)
        .await
        .unwrap();
    receiver.set_secret(&secret.expose());
    let stop_worker = tokio_util::sync::CancellationToken::new();
    let worker = tokio::spawn(licensebot::webhooks::run(
        world.app.clone(),
        licensebot::metrics::Metrics::new(),
        stop_worker.clone(),
    ));
    let minted = api
        .send(
            "POST",
            "/v1/keys",
            shop,
            Some(serde_json::json!({"product": SKU, "seats": 1, "term": "1m", "count": 3})),
            &[("idempotency-key", "order-1")],
        )
        .await;
    assert_eq!(minted.status, 201, "{minted:?}");
    let shop_keys: Vec<String> = minted.body["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    api.keep_secret(&shop_keys);
    typed.extend(shop_keys.iter().cloned());
    let imported = ProductKey::generate(&mut rand::rngs::OsRng).to_string();
    typed.push(imported.clone());
    api.keep_secret(std::slice::from_ref(&imported));
    let import = api
        .post(
            "/v1/keys/import",
            shop,
            serde_json::json!({"keys": [{"key": imported, "product": SKU, "seats": 1, "term": "1m"}]}),
        )
        .await;
    assert_eq!(import.status, 200, "{import:?}");
    let revoked = api
        .post(
            "/v1/keys/revoke",
            shop,
            serde_json::json!({"keys": [shop_keys[0], imported]}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{revoked:?}");
    let listed = api.get("/v1/keys", shop).await;
    assert_eq!(listed.status, 200);
    // A shop that puts a key in a path, by mistake: not found, and not logged.
    let astray = api.get(&format!("/v1/keys/{}", shop_keys[1]), shop).await;
    assert_eq!(astray.status, 404);

    // /add-licenses with three keys: dashed, undashed and in lower case.
    let first = format!(
        "{}\n{}, {}",
        keys[0],
        keys[1].replace('-', ""),
        keys[2].to_lowercase()
    );
    let (run, review) = command(
        &world,
        world.admin,
        "add-licenses",
        &[("subscription", "Contoso"), ("keys", first.as_str())],
    )
    .await;
    assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
    // The modal: two more keys (one in groups of five), and a mistyped one, refused.
    let mut mistyped: Vec<char> = keys[4].chars().collect();
    mistyped[7] = '0';
    let mistyped: String = mistyped.into_iter().collect();
    typed.push(mistyped.clone());
    let add = run.click("Add another product key").await.unwrap();
    let modal = add
        .wait_response(WAIT)
        .await
        .unwrap()
        .modal
        .expect("a modal");
    let label = modal.inputs[0].label.clone();
    let submit = add
        .submit_modal(&[(label.as_str(), mistyped.as_str())])
        .await
        .unwrap();
    let refused = answer(&submit).await;
    assert!(
        refused.text().contains("is never used in product keys"),
        "{}",
        refused.text()
    );
    let more = format!("{} {}", keys[3].replace('-', " "), keys[4].to_lowercase());
    let add = submit.click("Add another product key").await.unwrap();
    add.wait_response(WAIT).await.unwrap();
    let submit = add
        .submit_modal(&[(label.as_str(), more.as_str())])
        .await
        .unwrap();
    let review = answer(&submit).await;
    let text = review.text();
    for key in &keys[..5] {
        assert!(text.contains(&masked(key)), "masked in the review: {text}");
    }
    // Autocomplete, then redeem.
    world
        .fake
        .as_member(world.guild, world.admin)
        .command("extend")
        .focused("subscription", "Cont")
        .send()
        .await
        .unwrap()
        .wait_response(WAIT)
        .await
        .unwrap();
    let receipt = answer(&submit.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());

    // /extend with a compact lower-case key, redeemed.
    let compact_lower = keys[5].replace('-', "").to_lowercase();
    let (run, review) = command(
        &world,
        world.admin,
        "extend",
        &[
            ("subscription", world.subscription.to_string().as_str()),
            ("keys", compact_lower.as_str()),
        ],
    )
    .await;
    assert!(
        review.text().contains(&masked(&keys[5])),
        "{}",
        review.text()
    );
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());

    // A key typed again after it was redeemed, and the ledger.
    let (_, reply) = command(
        &world,
        world.admin,
        "add-licenses",
        &[("subscription", "Contoso"), ("keys", keys[0].as_str())],
    )
    .await;
    assert!(
        reply.text().contains("has already been used"),
        "{}",
        reply.text()
    );
    let (_, ledger) = command(&world, world.admin, "redemptions", &[]).await;
    assert!(ledger.text().contains("Contoso"), "{}", ledger.text());

    // Guessing: five unknown keys lock Bea out; her sixth, a real key, is refused.
    let bea = world.fake.add_member(world.guild, "bea", &[world.admins]);
    for _ in 0..5 {
        let guess = ProductKey::generate(&mut rand::rngs::OsRng).to_string();
        typed.push(guess.clone());
        let (_, reply) = command(
            &world,
            bea,
            "add-licenses",
            &[("subscription", "Contoso"), ("keys", guess.as_str())],
        )
        .await;
        assert!(reply.text().contains("isn't valid"), "{}", reply.text());
    }
    let (_, reply) = command(
        &world,
        bea,
        "add-licenses",
        &[("subscription", "Contoso"), ("keys", keys[6].as_str())],
    )
    .await;
    assert!(
        reply.text().contains("Too many product keys were refused"),
        "{}",
        reply.text()
    );
    let notices = world.wait_notices(3).await;
    assert_eq!(notices.len(), 3, "two redemptions and a lockout");
    // Two revocations and two redemptions, delivered.
    let hooks = receiver.wait_for(4, WAIT).await;
    assert_eq!(hooks.len(), 4, "{hooks:?}");
    assert!(
        hooks.iter().all(|h| h.verified && h.status == 200),
        "{hooks:?}"
    );
    stop_worker.cancel();
    worker.await.unwrap();

    let needles: Vec<String> = typed.iter().flat_map(|k| needles(k)).collect();
    let token = world.fake.token().to_string();

    // 1. Every log line and span of the bot's.
    let lines = logged.lines();
    let bot_lines: Vec<&Captured> = lines
        .iter()
        .filter(|c| !from_the_fake(&c.origin) && !c.text.contains("licensebot::canary"))
        .collect();
    let canaries: Vec<&Captured> = lines
        .iter()
        .filter(|c| !found_in(&c.text, &canary_needles).is_empty())
        .collect();
    assert_eq!(
        canaries.len(),
        1,
        "the search finds a logged key: {canaries:?}"
    );
    assert!(
        bot_lines.len() > 100,
        "the capture works: only {} lines",
        bot_lines.len()
    );
    assert!(
        bot_lines
            .iter()
            .any(|c| c.text.contains("order redeemed") && c.origin.contains("src/app/orders.rs")),
        "the bot's own lines are captured"
    );
    for (line, origin) in [
        ("route=/v1/keys/import", "src/api/"),
        ("route=(no such route)", "src/api/"),
        ("keys minted", "src/api/"),
        ("webhook delivered", "src/webhooks/"),
    ] {
        assert!(
            bot_lines
                .iter()
                .any(|c| c.text.contains(line) && c.origin.contains(origin)),
            "the API's and the webhook worker's lines are captured: {line}"
        );
    }
    let mut leaks: Vec<String> = Vec::new();
    for line in &bot_lines {
        let found = found_in(&line.text, &needles);
        if !found.is_empty() {
            leaks.push(format!(
                "{found:?} in {} :: {:.600}",
                line.origin, line.text
            ));
        }
        if line.text.contains(&token) {
            leaks.push(format!(
                "the bot token in {} :: {:.600}",
                line.origin, line.text
            ));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} secret(s) in log lines:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // Without the guard, keys come through the dependencies' payload dumps only (checked
    // above: the guard drops them); the bot token not even there.
    let raw_lines = raw.lines();
    let dumps = raw_lines
        .iter()
        .filter(|c| !from_the_fake(&c.origin) && !found_in(&c.text, &needles).is_empty())
        .count();
    eprintln!(
        "{} captured lines, {} of them logged; {dumps} payload dumps dropped by may_log",
        raw_lines.len(),
        lines.len()
    );
    for line in raw_lines.iter().filter(|c| !from_the_fake(&c.origin)) {
        assert!(
            !line.text.contains(&token),
            "the bot token in {} :: {:.600}",
            line.origin,
            line.text
        );
    }

    // 2. Every request the bot made, and what it was answered.
    let requests = world.fake.requests();
    assert!(!requests.is_empty());
    let mut masked_reviews = 0;
    for request in &requests {
        let text = format!(
            "{} {} {:?} {} {}",
            request.method,
            request.path,
            request.query,
            request
                .body
                .as_ref()
                .map(|b| b.to_string())
                .unwrap_or_default(),
            request
                .response
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default()
        );
        let found = found_in(&text, &needles);
        assert!(
            found.is_empty(),
            "{found:?} in {} {}: {text:.2000}",
            request.method,
            request.path
        );
        if text.contains("Review your order") && text.contains(&masked(&keys[0])) {
            masked_reviews += 1;
        }
    }
    assert!(
        masked_reviews > 0,
        "the reviews were seen, with keys masked"
    );

    // 3. Every webhook delivery's body.
    for hook in receiver.received() {
        let found = found_in(&hook.body, &needles);
        assert!(
            found.is_empty(),
            "{found:?} in a webhook body: {}",
            hook.body
        );
    }

    // 4. Every column of every table.
    let found = search_database(&world.db.pool, &needles).await;
    assert!(found.is_empty(), "keys in the database: {found:?}");
}

/// Makes the `keys` option of a command's INTERACTION_CREATE an integer option, still
/// holding what was typed: serenity's model cannot decode it (and serde's message about it
/// quotes the value).
fn keys_as_integer(d: &mut Value) {
    if let Some(options) = d["data"]["options"].as_array_mut() {
        for option in options.iter_mut().filter(|o| o["name"] == "keys") {
            option["type"] = json!(4);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interaction_serenity_cannot_decode_is_answered_and_its_key_is_logged_nowhere() {
    let Captures { logged, raw } = captures();
    let world = World::new().await;
    let key = ProductKey::generate(&mut rand::rngs::OsRng).to_string();
    let needles = needles(&key);

    // A frame cut short, so not JSON at all, holding the key: serenity's websocket cannot
    // read it, and it reaches no handler.
    let cut = format!(
        r#"{{"op":0,"s":1,"t":"INTERACTION_CREATE","d":{{"type":2,"data":{{"name":"add-licenses","options":[{{"name":"keys","type":3,"value":"{key}"#
    );
    assert!(world.fake.send_raw_frame(&cut), "the bot is connected");
    // Then the same command well-formed but for the type of its `keys` option: serenity
    // decodes it as an unknown event, which the bot answers in the admin's language.
    let mut answers = Vec::new();
    for locale in ["en-US", "nl"] {
        let run = world
            .fake
            .as_member(world.guild, world.admin)
            .locale(locale)
            .command("add-licenses")
            .option("subscription", "Contoso")
            .option("keys", key.as_str())
            .send_malformed(keys_as_integer)
            .await
            .unwrap();
        answers.push((locale, run.wait_response(WAIT).await));
    }

    // Serenity did see the key (the capture without the guard has it) ...
    let seen = bot_lines(raw)
        .iter()
        .filter(|c| !found_in(&c.text, &needles).is_empty())
        .map(|c| c.text.chars().take(120).collect::<String>())
        .collect::<Vec<_>>();
    assert!(
        seen.iter().any(|t| t.contains("serenity::gateway::ws"))
            && seen
                .iter()
                .any(|t| t.contains("serenity::client::dispatch")),
        "serenity recorded both payloads somewhere: {seen:#?}"
    );
    // ... but no line the bot logs holds it, and the undecodable interactions are noted
    // without their payload.
    let leaks: Vec<String> = bot_lines(logged)
        .iter()
        .filter(|c| !found_in(&c.text, &needles).is_empty())
        .map(|c| format!("{} :: {:.600}", c.origin, c.text))
        .collect();
    assert!(
        leaks.is_empty(),
        "{} line(s) with the key:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    let noted = bot_lines(logged)
        .iter()
        .filter(|c| {
            c.text.contains("undecodable gateway event") && c.text.contains("INTERACTION_CREATE")
        })
        .count();
    assert_eq!(
        noted, 2,
        "each undecodable interaction is noted with its type"
    );

    // The admin is told that nothing happened, ephemerally, in their language.
    for (locale, response) in answers {
        let response = response.unwrap_or_else(|e| panic!("{locale}: no answer: {e}"));
        assert_eq!(response.kind, CallbackKind::ChannelMessage, "{locale}");
        assert!(response.is_ephemeral(), "{locale}");
        let expected = match locale {
            "nl" => "Ik kon dit niet lezen; er is niets gewijzigd.",
            _ => "I could not read this; nothing was changed.",
        };
        assert_eq!(response.text(), expected, "{locale}");
    }
    assert_eq!(world.order_count().await, 0, "nothing was changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_to_discord_that_fails_leaves_its_interaction_token_in_no_log_line() {
    let Captures { logged, raw } = captures();
    let mut settings = licensebot::config::Settings::default();
    settings.orders.lifetime_seconds = 3;
    settings.lifecycle.tick_seconds = 1;
    let world = World::with(settings, "en-US").await;

    // The first response's connection is cut: reqwest's error names the callback's URL,
    // and the interaction token in it.
    world
        .fake
        .fail_next("POST", "/interactions/*/*/callback", Failure::HangUp);
    let cut = world
        .fake
        .as_member(world.guild, world.admin)
        .command("redemptions")
        .send()
        .await
        .unwrap();
    assert!(
        wait_logged(logged, &["answering an interaction failed"]).await,
        "the failed answer is logged"
    );
    // A review that expires while Discord is unreachable: its edit goes to a webhook URL
    // holding the token.
    let keys = world.keys(SKU, 1, "12m", 1).await;
    let (run, _) = command(
        &world,
        world.admin,
        "add-licenses",
        &[("subscription", "Contoso"), ("keys", keys[0].as_str())],
    )
    .await;
    world
        .fake
        .fail_next("PATCH", "/webhooks/*/*/messages/*", Failure::HangUp);
    assert!(
        wait_logged(logged, &["could not update an expired review"]).await,
        "the failed edit is logged"
    );

    let tokens = [cut.token().to_string(), run.token().to_string()];
    let seen_raw = bot_lines(raw)
        .iter()
        .filter(|c| tokens.iter().any(|t| c.text.contains(t.as_str())))
        .count();
    assert!(
        seen_raw > 0,
        "serenity records the tokens (without the guard)"
    );
    let leaks: Vec<String> = bot_lines(logged)
        .iter()
        .filter(|c| tokens.iter().any(|t| c.text.contains(t.as_str())))
        .map(|c| format!("{} :: {:.600}", c.origin, c.text))
        .collect();
    assert!(
        leaks.is_empty(),
        "{} line(s) with an interaction token:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    // What failed is still said, with the URL's secret part taken out.
    let failed = bot_lines(logged)
        .into_iter()
        .find(|c| c.text.contains("answering an interaction failed"))
        .map(|c| c.text)
        .unwrap_or_default();
    eprintln!("{failed}");
    assert!(
        failed.contains("/interactions/")
            && failed.contains(licensebot::telemetry::REDACTED)
            && failed.contains("error sending request"),
        "{failed}"
    );
}
