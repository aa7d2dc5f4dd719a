//! What the hardening tests (`tests/it/hardening.rs`) and the stress program
//! (`tests/stress/stress.rs`) share: a populated world on the fake Discord (guilds, admins,
//! subscriptions, product keys), admins who open orders and click Redeem the way people do
//! (double clicks, retries, the same keys in competing orders), a journal of every
//! interaction with the answer the bot gave, and the promises checked against PostgreSQL.
//!
//! A scenario collects figures and violations in a [`Report`]; the test asserts that there
//! are no violations, the stress program prints the figures.

// Each of the two crates that include this file uses only part of it.
#![allow(dead_code)]

use std::{
    collections::{HashMap, HashSet},
    fmt,
    path::{Path, PathBuf},
    sync::{
        atomic::{AtomicI64, AtomicU32, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use chrono::{Days, Utc};
use fake_discord::{
    serenity::all::{ChannelId, GuildId, MessageId, Permissions, UserId},
    CallbackKind, FakeDiscord, InteractionHandle, Response,
};
use licensebot::{
    app::{App, KeyBatch},
    boot::{run_bot, BotOptions},
    domain::{records, Term},
};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub const SKU: &str = "BUSINESS-STANDARD";
/// Every subscription starts with this many licenses.
pub const INITIAL_SEATS: i64 = 10;
/// The subscriptions of every guild (two, so that redemptions in one guild also race on
/// key locks and not only on one subscription's lock).
pub const SUBSCRIPTION_NAMES: [&str; 2] = ["Contoso", "Fabrikam"];

// ---- the world --------------------------------------------------------------------------

/// How big a world to build.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub guilds: usize,
    pub admins_per_guild: usize,
    pub keys: usize,
}

#[derive(Debug, Clone)]
pub struct Sub {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub guild: GuildId,
    pub notices: ChannelId,
    pub admins: Vec<UserId>,
    pub subscriptions: Vec<Sub>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub text: String,
    pub tail: String,
    pub seats: i64,
}

/// The keys admins believe to be still available: each guild's own, and a few that admins
/// of every guild compete for. Only a guide for the simulated admins: what really happened
/// is read from PostgreSQL.
pub struct Pools {
    by_guild: Vec<Mutex<Vec<Key>>>,
    shared: Mutex<Vec<Key>>,
}

impl Pools {
    /// `count` keys from the hot end of the pool (where everyone looks first) or anywhere,
    /// with distinct tails, sometimes with a shared key.
    fn pick(&self, tenant: usize, rng: &mut StdRng) -> Vec<Key> {
        let count = rng.gen_range(1..=3usize);
        let hot = rng.gen_bool(0.5);
        let mut picked: Vec<Key> = Vec::new();
        let take = |picked: &mut Vec<Key>, pool: &[Key], n: usize, rng: &mut StdRng| {
            let window = if hot { pool.len().min(6) } else { pool.len() };
            let mut candidates: Vec<&Key> = pool[..window].iter().collect();
            candidates.shuffle(rng);
            for key in candidates {
                if picked.len() >= n {
                    break;
                }
                if !picked.iter().any(|k| k.tail == key.tail) {
                    picked.push(key.clone());
                }
            }
        };
        take(
            &mut picked,
            &self.by_guild[tenant].lock().unwrap(),
            count,
            rng,
        );
        if rng.gen_bool(0.2) {
            let n = picked.len() + 1;
            take(&mut picked, &self.shared.lock().unwrap(), n, rng);
        }
        picked
    }

    /// Forgets keys that are known to be gone.
    fn remove(&self, gone: &[Key]) {
        if gone.is_empty() {
            return;
        }
        for pool in self.by_guild.iter().chain(std::iter::once(&self.shared)) {
            pool.lock().unwrap().retain(|k| !gone.contains(k));
        }
    }

    pub fn remaining(&self) -> usize {
        self.by_guild
            .iter()
            .chain(std::iter::once(&self.shared))
            .map(|p| p.lock().unwrap().len())
            .sum()
    }
}

/// Guilds with admins, two subscriptions each and a notice channel; `size.keys` keys of
/// 1–4 seats, a tenth of them shared between guilds.
pub async fn populate(
    fake: &FakeDiscord,
    app: &App,
    size: Size,
    seed: u64,
) -> (Vec<Tenant>, Pools) {
    init_logging();
    let mut rng = StdRng::seed_from_u64(seed);
    app.add_product(SKU, "Business Standard", None)
        .await
        .expect("adding the product");
    let mut tenants = Vec::new();
    for g in 0..size.guilds {
        let guild = fake.create_guild(&format!("Tenant {g}"), "en-US");
        let role = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
        let admins = (0..size.admins_per_guild)
            .map(|a| fake.add_member(guild, &format!("admin{g}-{a}"), &[role]))
            .collect();
        let notices = fake.create_text_channel(guild, "licenses");
        let gid = records::GuildId(guild.get());
        let mut subscriptions = Vec::new();
        for name in SUBSCRIPTION_NAMES {
            let sub = app
                .create_subscription(
                    gid,
                    SKU,
                    name,
                    INITIAL_SEATS,
                    Utc::now().date_naive() + Days::new(400),
                )
                .await
                .expect("creating a subscription");
            subscriptions.push(Sub {
                id: sub.id,
                name: name.to_string(),
            });
        }
        app.set_notice_channel(gid, notices.get())
            .await
            .expect("setting the notice channel");
        tenants.push(Tenant {
            guild,
            notices,
            admins,
            subscriptions,
        });
    }
    let mut keys = Vec::new();
    for seats in 1..=4i64 {
        let count = size.keys / 4 + usize::from((seats as usize) <= size.keys % 4);
        if count == 0 {
            continue;
        }
        let minted = app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats,
                term: Term::Months(12),
                count,
                batch: Some("hardening".into()),
                expires_on: None,
            })
            .await
            .expect("minting keys");
        keys.extend(minted.iter().map(|k| Key {
            text: k.to_string(),
            tail: k.tail().to_string(),
            seats,
        }));
    }
    keys.shuffle(&mut rng);
    let shared_count = keys.len() / 10;
    let shared: Vec<Key> = keys.drain(..shared_count).collect();
    let mut by_guild: Vec<Vec<Key>> = vec![Vec::new(); size.guilds];
    for (i, key) in keys.into_iter().enumerate() {
        by_guild[i % size.guilds].push(key);
    }
    let pools = Pools {
        by_guild: by_guild.into_iter().map(Mutex::new).collect(),
        shared: Mutex::new(shared),
    };
    (tenants, pools)
}

/// The bot's logs at `RUST_LOG` (default: errors only): captured by the test harness in
/// the tests, on stderr in the stress program (its figures go to stdout).
pub fn init_logging() {
    let builder = tracing_subscriber::fmt().with_env_filter(
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "error".into()),
    );
    #[cfg(test)]
    let _ = builder.with_test_writer().try_init();
    #[cfg(not(test))]
    let _ = builder.with_writer(std::io::stderr).try_init();
}

// ---- the bot ----------------------------------------------------------------------------

/// Waits until a bot connected after `identifies_before` holds the gateway session and
/// its commands are registered.
pub async fn wait_connected(fake: &FakeDiscord, identifies_before: u32, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if fake.identify_count() > identifies_before
            && fake.is_connected()
            && !fake.registered_commands(None).is_empty()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// The bot in this process (serenity client, outbox, scheduler), as `licensebot run` runs it.
pub struct InProcessBot {
    stop: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
    /// Stops the bot if the scenario ends without stopping it (a panic).
    _guard: tokio_util::sync::DropGuard,
}

impl InProcessBot {
    pub async fn start(fake: &FakeDiscord, app: App) -> InProcessBot {
        let before = fake.identify_count();
        let stop = CancellationToken::new();
        let task = tokio::spawn(run_bot(
            BotOptions {
                app,
                token: SecretString::from(fake.token().to_string()),
                api_url: Some(fake.api_url()),
                register_in_guild: None,
            },
            stop.clone(),
        ));
        assert!(
            wait_connected(fake, before, Duration::from_secs(30)).await,
            "the bot connected to the fake Discord"
        );
        InProcessBot {
            _guard: stop.clone().drop_guard(),
            stop,
            task,
        }
    }

    /// Whether `run_bot` is still running (it returns only when stopped or on a fatal error).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    /// Stops it the way SIGTERM does; returns how it ended.
    pub async fn stop(self) -> Result<(), String> {
        self.stop.cancel();
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Err(_) => Err("the bot did not stop within 30 s".into()),
            Ok(Err(e)) => Err(format!("the bot task panicked: {e}")),
            Ok(Ok(Err(e))) => Err(format!("the bot stopped with an error: {e:#}")),
            Ok(Ok(Ok(()))) => Ok(()),
        }
    }
}

/// The `licensebot` binary: next to the integration test (cargo sets the variable for
/// tests), or, for the stress program in `target/<profile>/examples/`, in `target/<profile>/`.
pub fn licensebot_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("LICENSEBOT_BIN") {
        return PathBuf::from(path);
    }
    if let Some(path) = option_env!("CARGO_BIN_EXE_licensebot") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the path of this program");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("this program runs from target/<profile>/examples");
    dir.join("licensebot")
}

/// `licensebot run` as a real separate process, so that it can be killed with SIGKILL.
pub struct ChildBot {
    child: tokio::process::Child,
}

impl ChildBot {
    /// Starts `licensebot run` against the fake and `database_url`, from `workdir` (so that
    /// no `.env` or `config/` is read), appending its output to `log`; waits until it holds
    /// the gateway session.
    pub async fn start(
        fake: &FakeDiscord,
        database_url: &str,
        workdir: &Path,
        log: &Path,
        env: &[(&str, String)],
    ) -> ChildBot {
        let before = fake.identify_count();
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("opening the bot's log");
        let err = out.try_clone().expect("cloning the log handle");
        let mut command = tokio::process::Command::new(licensebot_binary());
        command
            .arg("run")
            .current_dir(workdir)
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true);
        for (name, _) in std::env::vars() {
            if name.starts_with("LICENSEBOT_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        command
            .env("DISCORD_TOKEN", fake.token())
            .env("DISCORD_API_URL", fake.api_url())
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "info");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().unwrap_or_else(|e| {
            panic!(
                "starting {} (build it first: cargo build --release): {e}",
                licensebot_binary().display()
            )
        });
        let mut bot = ChildBot { child };
        if !wait_connected(fake, before, Duration::from_secs(60)).await {
            let status = bot.child.try_wait().ok().flatten();
            let tail = std::fs::read_to_string(log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(20).collect();
            bot.kill().await;
            panic!("licensebot run did not connect (exit: {status:?}); its log ends:\n{tail:?}");
        }
        bot
    }

    /// SIGKILL, and wait until the process is gone.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// SIGTERM, and the exit status within `timeout`.
    pub async fn terminate(
        mut self,
        timeout: Duration,
    ) -> Result<std::process::ExitStatus, String> {
        let pid = self.child.id().ok_or("the bot already exited")?;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .map_err(|e| format!("SIGTERM: {e}"))?;
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(Ok(status)) => Ok(status),
            Ok(Err(e)) => Err(format!("waiting for the bot: {e}")),
            Err(_) => {
                self.kill().await;
                Err(format!(
                    "the bot did not exit within {timeout:?} of SIGTERM"
                ))
            }
        }
    }
}

// ---- admins at work ---------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// `/add-licenses`
    Open,
    /// A click on Redeem; `stale` for a click on an order from earlier (a retry, or a
    /// second click sent before the client showed the first one's answer).
    Redeem { stale: bool },
    /// Typing into the subscription option.
    Autocomplete,
}

/// One interaction an admin caused.
#[derive(Debug, Clone)]
pub struct Sent {
    pub act: Act,
    pub tenant: usize,
    pub user: UserId,
    /// The order clicked, or opened (once the review showed it).
    pub order: Option<Uuid>,
    /// The keys typed (opens).
    pub keys: Vec<Key>,
    pub handle: InteractionHandle,
    pub at: Instant,
    /// Which bot process was running when it was sent (crash scenario), else 0.
    pub epoch: u32,
    /// How long until the admin saw the settled answer.
    pub latency: Option<Duration>,
}

/// Every interaction, in the order sent.
#[derive(Default)]
pub struct Journal {
    entries: Mutex<Vec<Sent>>,
}

impl Journal {
    fn push(&self, sent: Sent) -> usize {
        let mut entries = self.entries.lock().unwrap();
        entries.push(sent);
        entries.len() - 1
    }

    fn set_order(&self, index: usize, order: Uuid) {
        self.entries.lock().unwrap()[index].order = Some(order);
    }

    fn set_latency(&self, index: usize) {
        let mut entries = self.entries.lock().unwrap();
        let sent = &mut entries[index];
        sent.latency = Some(sent.at.elapsed());
    }

    pub fn entries(&self) -> Vec<Sent> {
        self.entries.lock().unwrap().clone()
    }
}

/// A review an admin holds: the order and where its Redeem button is.
#[derive(Debug, Clone)]
pub struct Held {
    pub order: Uuid,
    message: MessageId,
    redeem: String,
    keys: Vec<Key>,
    epoch: u32,
}

/// What the admins share.
pub struct Floor {
    pub fake: Arc<FakeDiscord>,
    pub tenants: Vec<Tenant>,
    pub pools: Pools,
    pub journal: Journal,
    /// Redeem clicks still to make; negative budgets never run out.
    pub clicks_left: AtomicI64,
    /// The bot process now running (crash scenario).
    pub epoch: AtomicU32,
    /// How long an admin waits for an answer.
    pub patience: Duration,
    /// Also type into autocomplete now and then.
    pub autocomplete: bool,
    /// A pause between one order and the next, as people take (none: as fast as possible).
    pub pause: Option<std::ops::Range<Duration>>,
    /// Time spent reading the review before clicking Redeem (none: click at once).
    pub reading: Option<std::ops::Range<Duration>>,
    /// Reviews whose Redeem click got no answer (the bot was killed) or "something went
    /// wrong, try again", for retries later.
    retries: Mutex<Vec<(usize, UserId, Held)>>,
}

impl Floor {
    pub fn new(
        fake: Arc<FakeDiscord>,
        tenants: Vec<Tenant>,
        pools: Pools,
        clicks: Option<i64>,
    ) -> Floor {
        Floor {
            fake,
            tenants,
            pools,
            journal: Journal::default(),
            clicks_left: AtomicI64::new(clicks.unwrap_or(i64::MIN / 2)),
            epoch: AtomicU32::new(0),
            patience: Duration::from_secs(60),
            autocomplete: false,
            pause: None,
            reading: None,
            retries: Mutex::new(Vec::new()),
        }
    }

    fn budgeted(&self) -> bool {
        self.clicks_left.load(Ordering::SeqCst) > i64::MIN / 4
    }

    /// Takes one click from the budget; false when it is spent.
    fn take_click(&self) -> bool {
        !self.budgeted() || self.clicks_left.fetch_sub(1, Ordering::SeqCst) > 0
    }
}

/// One admin: opens orders with keys the guild's admins compete for and clicks Redeem
/// (once, twice at once, three times at once, or again after the answer), until `stop`;
/// with a click budget, until it is spent (clicking old reviews again once keys run out).
/// `abandon` ends any wait at once (the bot was killed: no answer will come).
pub async fn admin(
    floor: Arc<Floor>,
    tenant: usize,
    user: UserId,
    seed: u64,
    stop: CancellationToken,
    abandon: CancellationToken,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut held: Vec<Held> = Vec::new();
    let guild = floor.tenants[tenant].guild;
    let mut first = true;
    while !stop.is_cancelled() {
        if floor.budgeted() && floor.clicks_left.load(Ordering::SeqCst) <= 0 {
            return;
        }
        if let Some(pause) = floor.pause.clone().filter(|_| !first) {
            tokio::select! {
                _ = tokio::time::sleep(rng.gen_range(pause)) => {}
                _ = stop.cancelled() => return,
            }
        }
        first = false;
        if floor.autocomplete && rng.gen_bool(0.1) {
            let typed = ["Con", "Fab", ""][rng.gen_range(0..3)];
            let sent = floor
                .fake
                .as_member(guild, user)
                .command("add-licenses")
                .focused("subscription", typed)
                .send()
                .await;
            if let Ok(handle) = sent {
                let index = record(
                    &floor,
                    Act::Autocomplete,
                    tenant,
                    user,
                    None,
                    vec![],
                    &handle,
                );
                if wait(&handle, floor.patience, &abandon).await.is_some() {
                    floor.journal.set_latency(index);
                }
            }
        }
        // A retry of a click that got no answer ("interaction failed") or was told to try
        // again, as people do.
        let retry = {
            let mut list = floor.retries.lock().unwrap();
            let mine = list.iter().position(|(t, u, _)| *t == tenant && *u == user);
            mine.filter(|_| rng.gen_bool(0.5))
                .map(|i| list.swap_remove(i).2)
        };
        if let Some(review) = retry {
            click_review(&floor, tenant, user, &review, 1, true, &abandon).await;
            continue;
        }
        let keys = floor.pools.pick(tenant, &mut rng);
        if keys.is_empty() {
            // Keys have run out: spend what is left of the budget on old reviews.
            if !floor.budgeted() || held.is_empty() {
                return;
            }
            let review = held[rng.gen_range(0..held.len())].clone();
            click_review(&floor, tenant, user, &review, 1, true, &abandon).await;
            continue;
        }
        let sub = &floor.tenants[tenant].subscriptions[rng.gen_range(0..SUBSCRIPTION_NAMES.len())];
        let typed = keys
            .iter()
            .map(|k| k.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let sent = floor
            .fake
            .as_member(guild, user)
            .command("add-licenses")
            .option("subscription", sub.id.to_string())
            .option("keys", typed)
            .send()
            .await;
        let Ok(handle) = sent else {
            // No gateway session (the bot is down): try again shortly.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let index = record(&floor, Act::Open, tenant, user, None, keys.clone(), &handle);
        let Some(response) = wait(&handle, floor.patience, &abandon).await else {
            continue;
        };
        floor.journal.set_latency(index);
        let Some(message) = response.message.as_ref() else {
            continue;
        };
        let Some(redeem) = message
            .button("Redeem")
            .and_then(|b| b.custom_id)
            .filter(|c| c.ends_with(":redeem"))
        else {
            // Refused: forget the keys it names as used.
            let text = message.text();
            floor.pools.remove(&named_keys(&keys, &tails_in(&text)));
            if text.contains("Something went wrong") || text.contains(BUSY) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            continue;
        };
        let Some(order) = order_of(&redeem) else {
            continue;
        };
        floor.journal.set_order(index, order);
        let review = Held {
            order,
            message: message.id,
            redeem,
            keys,
            epoch: floor.epoch.load(Ordering::SeqCst),
        };
        held.push(review.clone());
        let pattern = rng.gen_range(0..100);
        let (at_once, again) = match pattern {
            0..40 => (1, false),
            40..75 => (2, false),
            75..90 => (1, true),
            _ => (3, false),
        };
        if let Some(reading) = floor.reading.clone() {
            tokio::select! {
                _ = tokio::time::sleep(rng.gen_range(reading)) => {}
                _ = abandon.cancelled() => continue,
            }
        }
        let answered = click_review(&floor, tenant, user, &review, at_once, false, &abandon).await;
        if again && answered && !abandon.is_cancelled() {
            click_review(&floor, tenant, user, &review, 1, true, &abandon).await;
        }
    }
}

/// Clicks Redeem on a review `at_once` times at once (the first a real click when the
/// button is there, the others sent as a quick second click is: with the same custom_id),
/// waits for the answers and forgets the keys they say are gone. False if a click got no
/// answer.
async fn click_review(
    floor: &Arc<Floor>,
    tenant: usize,
    user: UserId,
    review: &Held,
    at_once: usize,
    stale: bool,
    abandon: &CancellationToken,
) -> bool {
    let actor = floor.fake.as_member(floor.tenants[tenant].guild, user);
    let mut clicks = Vec::new();
    for i in 0..at_once {
        if !floor.take_click() {
            break;
        }
        let actor = actor.clone();
        let (message, redeem) = (review.message, review.redeem.clone());
        clicks.push(async move {
            if i == 0 && !stale {
                if let Ok(handle) = actor.click(message, "Redeem").await {
                    return Ok(handle);
                }
            }
            actor.forge_click(message, &redeem).await
        });
    }
    let handles = futures_join_all(clicks).await;
    let mut all_answered = true;
    let mut try_again = false;
    let mut waits = Vec::new();
    for handle in handles.into_iter().flatten() {
        let index = record(
            floor,
            Act::Redeem { stale },
            tenant,
            user,
            Some(review.order),
            vec![],
            &handle,
        );
        waits.push(async move {
            let response = wait(&handle, floor.patience, abandon).await;
            if response.is_some() {
                floor.journal.set_latency(index);
            }
            response
        });
    }
    for response in futures_join_all(waits).await {
        let Some(response) = response else {
            all_answered = false;
            continue;
        };
        // A hint for this admin only (the edit after a deferral is not at hand here, so
        // the message as it stands stands in for it); the checks read the real answers.
        let mut text = response_texts(&response, &[]).join("\n");
        if text.is_empty() {
            text = response
                .message
                .as_ref()
                .map(|m| m.text())
                .unwrap_or_default();
        }
        if text.contains("✅ Redeemed") {
            floor.pools.remove(&review.keys);
        } else if text.contains("Please try again") || text.contains(BUSY) {
            try_again = true;
        } else {
            floor
                .pools
                .remove(&named_keys(&review.keys, &tails_in(&text)));
        }
    }
    if !all_answered || try_again {
        floor
            .retries
            .lock()
            .unwrap()
            .push((tenant, user, review.clone()));
    }
    all_answered
}

/// Waits for a settled answer; `None` when none came in time or the wait was abandoned.
pub async fn wait(
    handle: &InteractionHandle,
    patience: Duration,
    abandon: &CancellationToken,
) -> Option<Response> {
    tokio::select! {
        r = handle.wait_response(patience) => r.ok(),
        _ = abandon.cancelled() => None,
    }
}

fn record(
    floor: &Floor,
    act: Act,
    tenant: usize,
    user: UserId,
    order: Option<Uuid>,
    keys: Vec<Key>,
    handle: &InteractionHandle,
) -> usize {
    floor.journal.push(Sent {
        act,
        tenant,
        user,
        order,
        keys,
        handle: handle.clone(),
        at: Instant::now(),
        epoch: floor.epoch.load(Ordering::SeqCst),
        latency: None,
    })
}

/// Runs futures concurrently on this task and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out = Vec::with_capacity(set.len());
    // Poll all together: each is mostly waiting on the fake.
    let joined = async {
        let mut results: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
        let mut pending: Vec<usize> = (0..set.len()).collect();
        std::future::poll_fn(|cx| {
            pending.retain(|&i| match set[i].as_mut().poll(cx) {
                std::task::Poll::Ready(v) => {
                    results[i] = Some(v);
                    false
                }
                std::task::Poll::Pending => true,
            });
            if pending.is_empty() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        results
    };
    for r in joined.await {
        out.extend(r);
    }
    out
}

fn order_of(custom_id: &str) -> Option<Uuid> {
    let id = custom_id.strip_prefix("order:")?.strip_suffix(":redeem")?;
    Uuid::try_parse(id).ok()
}

/// The key tails a message names ("The product key ending in `QRT7W` …").
pub fn tails_in(text: &str) -> Vec<String> {
    text.match_indices("ending in `")
        .filter_map(|(at, m)| text.get(at + m.len()..at + m.len() + 5))
        .map(str::to_string)
        .collect()
}

fn named_keys(keys: &[Key], tails: &[String]) -> Vec<Key> {
    keys.iter()
        .filter(|k| tails.contains(&k.tail))
        .cloned()
        .collect()
}

/// The `<@id>` a message names after `marker`.
fn user_after(text: &str, marker: &str) -> Option<u64> {
    let at = text.find(marker)? + marker.len();
    let rest = text[at..].strip_prefix("<@")?;
    rest[..rest.find('>')?].parse().ok()
}

// ---- what each interaction was told -------------------------------------------------------

/// Content, embed titles, descriptions and fields of a message body as sent.
pub fn body_text(body: &Value) -> String {
    let mut parts = vec![body["content"].as_str().unwrap_or_default().to_string()];
    for embed in body["embeds"].as_array().into_iter().flatten() {
        for key in ["title", "description"] {
            if let Some(s) = embed[key].as_str() {
                parts.push(s.to_string());
            }
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            for key in ["name", "value"] {
                if let Some(s) = field[key].as_str() {
                    parts.push(s.to_string());
                }
            }
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join("\n")
}

/// The bot's answer to one interaction: its callback's message (4, 7), or after a
/// deferral (5, 6) the first edit of @original (`edits`) or the first follow-up. Later
/// edits are not the answer (the scheduler edits an expired order's review, for one), and
/// @original as it stands now may since have been changed by a button's update.
pub fn response_texts(response: &Response, edits: &[Value]) -> Vec<String> {
    match response.kind {
        CallbackKind::ChannelMessage | CallbackKind::UpdateMessage => {
            vec![body_text(&response.data)]
        }
        _ => edits
            .first()
            .map(body_text)
            .or_else(|| response.followups.first().map(|m| m.text()))
            .into_iter()
            .collect(),
    }
}

/// The busy answer's words (en-US), as `src/discord/locales/en-US/main.ftl` has them.
pub const BUSY: &str = "licensebot is busy; try again in a moment. Nothing was changed.";

/// What an interaction was told, as far as the promises go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Told {
    /// No response at all (the process that had it was killed, or it came too late).
    Nothing,
    /// Acknowledged ("thinking…"), and then nothing.
    OnlyDeferred,
    Review,
    Receipt,
    /// "This order was already redeemed by <@user>".
    OrderRedeemed {
        by: Option<u64>,
    },
    /// "The product key ending in `tail` was already redeemed by <@user>" (same guild).
    KeyTaken {
        tail: String,
        by: Option<u64>,
    },
    /// "The product key ending in `tail` has already been used" (refused keys).
    KeysUsed {
        tails: Vec<String>,
    },
    /// "Something went wrong, and nothing was changed. Please try again."
    Internal,
    /// "licensebot is busy; try again in a moment. Nothing was changed." (the bot was at its
    /// bound of work in flight, and did not start this one).
    Busy,
    Expired,
    Choices,
    Other(String),
}

impl Told {
    fn from_texts(texts: &[String]) -> Told {
        let text = texts.join("\n");
        if text.contains("✅ Redeemed") {
            Told::Receipt
        } else if text.contains("This order was already redeemed by") {
            Told::OrderRedeemed {
                by: user_after(&text, "This order was already redeemed by "),
            }
        } else if text.contains("was already redeemed by") {
            Told::KeyTaken {
                tail: tails_in(&text).into_iter().next().unwrap_or_default(),
                by: user_after(&text, "was already redeemed by "),
            }
        } else if text.contains("has already been used") {
            Told::KeysUsed {
                tails: tails_in(&text),
            }
        } else if text.contains("Something went wrong, and nothing was changed. Please try again.")
        {
            Told::Internal
        } else if text.contains(BUSY) {
            Told::Busy
        } else if text.contains("This order has expired") || text.contains("This order expired") {
            Told::Expired
        } else if text.contains("Review your order") {
            Told::Review
        } else {
            Told::Other(text)
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Told::Nothing => "no answer",
            Told::OnlyDeferred => "deferred, then nothing",
            Told::Review => "review",
            Told::Receipt => "receipt",
            Told::OrderRedeemed { .. } => "order already redeemed",
            Told::KeyTaken { .. } => "key already redeemed (same guild)",
            Told::KeysUsed { .. } => "key already used",
            Told::Internal => "internal error (nothing changed)",
            Told::Busy => "busy (nothing changed)",
            Told::Expired => "order expired",
            Told::Choices => "autocomplete choices",
            Told::Other(_) => "something else",
        }
    }
}

/// One interaction and what it was told.
#[derive(Debug, Clone)]
pub struct Answered {
    pub sent: Sent,
    pub told: Told,
    /// From the interaction to its final answer.
    pub latency: Option<Duration>,
    /// Discord refused a response as too late (10062) or its token as expired.
    pub refused_late: bool,
}

/// Every accepted edit of an interaction's @original, by interaction token, oldest first.
pub fn original_edits(fake: &FakeDiscord) -> HashMap<String, Vec<Value>> {
    let mut edits: HashMap<String, Vec<Value>> = HashMap::new();
    for r in fake.requests_to("PATCH", "/webhooks/*/*/messages/@original") {
        if r.status >= 300 {
            continue;
        }
        let token = r.path.split('/').nth(3).unwrap_or_default().to_string();
        if let Some(body) = r.body {
            edits.entry(token).or_default().push(body);
        }
    }
    edits
}

/// What came back to one interaction.
pub enum Answer {
    /// No response at all.
    Nothing,
    /// Autocomplete choices.
    Choices,
    /// The answer's texts (see [`response_texts`]); none when it was deferred and then
    /// nothing came.
    Texts(Vec<String>),
}

/// What came back to the interaction of `handle`, given every edit of @original
/// ([`original_edits`]).
pub fn answer_of(handle: &InteractionHandle, edits: &HashMap<String, Vec<Value>>) -> Answer {
    match handle.response() {
        None => Answer::Nothing,
        Some(r) if r.kind == CallbackKind::AutocompleteResult => Answer::Choices,
        Some(r) => Answer::Texts(response_texts(
            &r,
            edits.get(handle.token()).map(Vec::as_slice).unwrap_or(&[]),
        )),
    }
}

/// Reads every journal entry's answer from the fake (once everyone stopped waiting).
pub fn collect_answers(fake: &FakeDiscord, journal: &Journal) -> Vec<Answered> {
    collect_answers_of(fake, &journal.entries())
}

/// Reads these interactions' answers from the fake.
pub fn collect_answers_of(fake: &FakeDiscord, entries: &[Sent]) -> Vec<Answered> {
    let edits = original_edits(fake);
    entries
        .iter()
        .cloned()
        .map(|sent| {
            let refused_late = sent
                .handle
                .refusals()
                .iter()
                .any(|r| matches!(r.error.code, 10062 | 50027));
            let told = match answer_of(&sent.handle, &edits) {
                Answer::Nothing => Told::Nothing,
                Answer::Choices => Told::Choices,
                Answer::Texts(texts) if texts.is_empty() => Told::OnlyDeferred,
                Answer::Texts(texts) => Told::from_texts(&texts),
            };
            Answered {
                latency: sent.latency,
                sent,
                told,
                refused_late,
            }
        })
        .collect()
}

// ---- the promises, checked against PostgreSQL ------------------------------------------

/// Figures and broken promises of one run.
#[derive(Default)]
pub struct Report {
    pub title: String,
    pub figures: Vec<(String, String)>,
    pub violations: Vec<String>,
}

impl Report {
    pub fn new(title: &str) -> Report {
        Report {
            title: title.to_string(),
            ..Report::default()
        }
    }

    pub fn figure(&mut self, name: &str, value: impl fmt::Display) {
        self.figures.push((name.to_string(), value.to_string()));
    }

    pub fn violation(&mut self, what: impl Into<String>) {
        self.violations.push(what.into());
    }

    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.violation(what());
        }
    }

    pub fn assert_ok(&self) {
        eprintln!("{self}");
        if !self.violations.is_empty() {
            panic!(
                "{}: {} broken promise(s), first ones:\n  {}",
                self.title,
                self.violations.len(),
                self.violations
                    .iter()
                    .take(25)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n  ")
            );
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "== {}", self.title)?;
        let width = self.figures.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, value) in &self.figures {
            writeln!(f, "  {name:<width$}  {value}")?;
        }
        if self.violations.is_empty() {
            writeln!(f, "  result: every promise kept")
        } else {
            writeln!(f, "  result: {} broken promise(s)", self.violations.len())?;
            for v in self.violations.iter().take(25) {
                writeln!(f, "    - {v}")?;
            }
            Ok(())
        }
    }
}

#[derive(Debug, Clone)]
struct OrderRow {
    guild: i64,
    user: i64,
    state: String,
}

#[derive(Debug, Clone)]
struct RedemptionRow {
    id: i64,
    order: Uuid,
    guild: i64,
    user: i64,
    subscription: i64,
    seats_before: i64,
    seats_after: i64,
}

/// What the database says, read once after the run.
pub struct Facts {
    orders: HashMap<Uuid, OrderRow>,
    redemptions: Vec<RedemptionRow>,
    by_order: HashMap<Uuid, usize>,
    /// Keys of each order, by tail: (key id, redeemed in which order).
    order_keys: HashMap<Uuid, Vec<(String, i64, Option<Uuid>)>>,
    /// Redeemed keys: key id → (order, user).
    key_redeemed: HashMap<i64, (Uuid, i64)>,
    /// Every key by tail: (key id, redeemed).
    tails: HashMap<String, Vec<(i64, bool)>>,
}

impl Facts {
    pub async fn read(pool: &PgPool) -> Facts {
        let orders: Vec<(Uuid, i64, i64, String)> =
            sqlx::query_as("SELECT id, guild_id, user_id, state FROM orders")
                .fetch_all(pool)
                .await
                .expect("reading orders");
        let redemptions: Vec<(i64, Uuid, i64, i64, i64, i32, i32)> = sqlx::query_as(
            "SELECT id, order_id, guild_id, user_id, subscription_id, seats_before, seats_after
             FROM redemptions ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .expect("reading redemptions");
        let order_keys: Vec<(Uuid, String, i64, Option<Uuid>)> = sqlx::query_as(
            "SELECT ok.order_id, k.tail, k.id, r.order_id
             FROM order_keys ok JOIN product_keys k ON k.id = ok.key_id
             LEFT JOIN redemption_keys rk ON rk.key_id = k.id
             LEFT JOIN redemptions r ON r.id = rk.redemption_id",
        )
        .fetch_all(pool)
        .await
        .expect("reading order keys");
        // id, tail, state, redeemed in which order, by whom
        type KeyRow = (i64, String, String, Option<Uuid>, Option<i64>);
        let keys: Vec<KeyRow> = sqlx::query_as(
            "SELECT k.id, k.tail, k.state, r.order_id, r.user_id
             FROM product_keys k
             LEFT JOIN redemption_keys rk ON rk.key_id = k.id
             LEFT JOIN redemptions r ON r.id = rk.redemption_id",
        )
        .fetch_all(pool)
        .await
        .expect("reading keys");
        let redemptions: Vec<RedemptionRow> = redemptions
            .into_iter()
            .map(
                |(id, order, guild, user, subscription, before, after)| RedemptionRow {
                    id,
                    order,
                    guild,
                    user,
                    subscription,
                    seats_before: i64::from(before),
                    seats_after: i64::from(after),
                },
            )
            .collect();
        let mut facts = Facts {
            orders: orders
                .into_iter()
                .map(|(id, guild, user, state)| (id, OrderRow { guild, user, state }))
                .collect(),
            by_order: redemptions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.order, i))
                .collect(),
            redemptions,
            order_keys: HashMap::new(),
            key_redeemed: HashMap::new(),
            tails: HashMap::new(),
        };
        for (order, tail, key, redeemed_in) in order_keys {
            facts
                .order_keys
                .entry(order)
                .or_default()
                .push((tail, key, redeemed_in));
        }
        for (id, tail, state, order, user) in keys {
            if let (Some(order), Some(user)) = (order, user) {
                facts.key_redeemed.insert(id, (order, user));
            }
            facts
                .tails
                .entry(tail)
                .or_default()
                .push((id, state == "redeemed"));
        }
        facts
    }

    pub fn is_redeemed(&self, order: Uuid) -> bool {
        self.by_order.contains_key(&order)
    }

    pub fn redemption_count(&self) -> usize {
        self.redemptions.len()
    }

    fn redeemed_by(&self, order: Uuid) -> Option<&RedemptionRow> {
        self.by_order.get(&order).map(|&i| &self.redemptions[i])
    }
}

/// The ledger adds up: every key redeemed at most once and by exactly one redemption,
/// seats added = seats of the keys redeemed (per subscription, with no lost update),
/// a redeemed order ↔ one redemption of all its keys, one notice per redemption.
pub async fn check_database(pool: &PgPool, tenants: &[Tenant], facts: &Facts, report: &mut Report) {
    let scalar = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let twice = scalar(
        "SELECT count(*) FROM (SELECT key_id FROM redemption_keys GROUP BY key_id HAVING count(*) > 1) t",
    )
    .await;
    report.check(twice == 0, || {
        format!("{twice} key(s) redeemed more than once")
    });
    let mismatched = scalar(
        "SELECT count(*) FROM product_keys k
         WHERE (k.state = 'redeemed') <> EXISTS (SELECT 1 FROM redemption_keys rk WHERE rk.key_id = k.id)",
    )
    .await;
    report.check(mismatched == 0, || {
        format!("{mismatched} key(s) whose state disagrees with the ledger")
    });
    let bad_sums = scalar(
        "SELECT count(*) FROM redemptions r
         WHERE r.seats_after - r.seats_before <> (SELECT coalesce(sum(seats), 0) FROM redemption_keys rk WHERE rk.redemption_id = r.id)
            OR r.key_count <> (SELECT count(*) FROM redemption_keys rk WHERE rk.redemption_id = r.id)",
    )
    .await;
    report.check(bad_sums == 0, || {
        format!("{bad_sums} redemption(s) whose seats or key count differ from their keys")
    });
    let partial = scalar(
        "SELECT count(*) FROM redemptions r
         WHERE EXISTS (SELECT key_id FROM order_keys WHERE order_id = r.order_id
                       EXCEPT SELECT key_id FROM redemption_keys WHERE redemption_id = r.id)
            OR EXISTS (SELECT key_id FROM redemption_keys WHERE redemption_id = r.id
                       EXCEPT SELECT key_id FROM order_keys WHERE order_id = r.order_id)",
    )
    .await;
    report.check(partial == 0, || {
        format!("{partial} redemption(s) whose keys are not exactly their order's keys")
    });
    let orphans = scalar(
        "SELECT count(*) FROM orders o
         WHERE (o.state = 'redeemed') <> EXISTS (SELECT 1 FROM redemptions r WHERE r.order_id = o.id)",
    )
    .await;
    report.check(orphans == 0, || {
        format!("{orphans} order(s) whose state disagrees with the ledger")
    });
    let foreign = scalar(
        "SELECT count(*) FROM redemptions r JOIN orders o ON o.id = r.order_id
         WHERE r.user_id <> o.user_id OR r.guild_id <> o.guild_id OR r.subscription_id <> o.subscription_id",
    )
    .await;
    report.check(foreign == 0, || {
        format!("{foreign} redemption(s) by another user, guild or subscription than their order's")
    });
    let unannounced = scalar(
        "SELECT count(*) FROM redemptions r
         WHERE (SELECT count(*) FROM notices n WHERE n.dedupe_key = 'redemption:' || r.id) <> 1",
    )
    .await;
    report.check(unannounced == 0, || {
        format!("{unannounced} redemption(s) without exactly one notice in the outbox")
    });

    // Per subscription: the chain of before → after has no gap (no lost update) and the
    // seats now are the initial seats plus the seats of every key redeemed on it.
    let mut added_total = 0i64;
    for tenant in tenants {
        for sub in &tenant.subscriptions {
            let seats: i32 = sqlx::query_scalar("SELECT seats FROM subscriptions WHERE id = $1")
                .bind(sub.id)
                .fetch_one(pool)
                .await
                .expect("reading a subscription");
            let mut expected = INITIAL_SEATS;
            for r in facts
                .redemptions
                .iter()
                .filter(|r| r.subscription == sub.id)
            {
                report.check(r.seats_before == expected, || {
                    format!(
                        "redemption {} on {} starts at {} licenses, but the one before ended at {expected}",
                        r.id, sub.name, r.seats_before
                    )
                });
                expected = r.seats_after;
            }
            report.check(i64::from(seats) == expected, || {
                format!(
                    "subscription {} has {seats} licenses, the ledger says {expected}",
                    sub.id
                )
            });
            added_total += i64::from(seats) - INITIAL_SEATS;
        }
    }
    let redeemed_seats =
        scalar("SELECT coalesce(sum(seats), 0)::bigint FROM product_keys WHERE state = 'redeemed'")
            .await;
    report.check(added_total == redeemed_seats, || {
        format!("seats added {added_total} ≠ seats of the redeemed keys {redeemed_seats}")
    });
    let redeemed_keys = scalar("SELECT count(*) FROM product_keys WHERE state = 'redeemed'").await;
    report.figure("keys redeemed", redeemed_keys);
    report.figure(
        "Σ seats added = Σ seats of redeemed keys",
        format!("{added_total} = {redeemed_seats}"),
    );
    report.figure("redemptions", facts.redemptions.len());
}

/// Options for [`check_answers`]: what a scenario allows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allow {
    /// The bot was killed: some interactions were never answered.
    pub lost_answers: bool,
    /// The database went away: "something went wrong, nothing was changed" answers.
    pub internal_errors: bool,
}

/// Every admin was told what really happened: a receipt ↔ that order was redeemed (by
/// that admin, exactly one receipt per redeemed order); "already redeemed"/"already used"
/// ↔ the order was not redeemed and the key named was, by the user named; a refused open
/// names keys that really are redeemed; every interaction got an answer (unless allowed).
pub fn check_answers(answers: &[Answered], facts: &Facts, allow: Allow, report: &mut Report) {
    let mut receipts: HashMap<Uuid, usize> = HashMap::new();
    let mut unanswered_orders: HashSet<Uuid> = HashSet::new();
    let mut kinds: HashMap<(&'static str, &'static str), usize> = HashMap::new();
    let mut late = 0;
    for a in answers {
        let act = match a.sent.act {
            Act::Open => "/add-licenses",
            Act::Redeem { .. } => "Redeem",
            Act::Autocomplete => "autocomplete",
        };
        *kinds.entry((act, a.told.name())).or_default() += 1;
        if a.refused_late {
            late += 1;
        }
        let who = a.sent.user.get() as i64;
        let id = a.sent.handle.id();
        match (&a.sent.act, &a.told) {
            (_, Told::Nothing | Told::OnlyDeferred) => {
                if let Some(order) = a.sent.order {
                    unanswered_orders.insert(order);
                }
                report.check(allow.lost_answers, || {
                    format!("interaction {id} ({act}) got {}", a.told.name())
                });
            }
            (_, Told::Internal) => report.check(allow.internal_errors, || {
                format!("interaction {id} ({act}) got an internal error")
            }),
            // Past the bounds of work in flight the bot starts nothing and says so; the
            // ledger checks (one redemption per order, each key once) hold regardless.
            (_, Told::Busy) => {}
            (Act::Autocomplete, Told::Choices) => {}
            (Act::Open, Told::Review) => {
                let order = a.sent.order.and_then(|o| facts.orders.get(&o));
                report.check(order.is_some_and(|o| o.user == who), || {
                    format!("interaction {id}: a review for an order that is not this admin's")
                });
            }
            (Act::Open, Told::KeysUsed { tails }) => {
                for tail in tails {
                    let typed = a.sent.keys.iter().any(|k| &k.tail == tail);
                    let redeemed = facts
                        .tails
                        .get(tail)
                        .is_some_and(|keys| keys.iter().any(|(_, redeemed)| *redeemed));
                    report.check(typed && redeemed, || {
                        format!("interaction {id}: /add-licenses was told `{tail}` is used, but it is not (or was not typed)")
                    });
                }
            }
            (Act::Redeem { .. }, told) => {
                let Some(order) = a.sent.order else {
                    report.violation(format!("interaction {id}: a click without an order"));
                    continue;
                };
                let redemption = facts.redeemed_by(order);
                match told {
                    Told::Receipt => {
                        *receipts.entry(order).or_default() += 1;
                        report.check(redemption.is_some_and(|r| r.user == who), || {
                            format!("interaction {id}: a receipt, but order {order} was not redeemed by this admin")
                        });
                    }
                    Told::OrderRedeemed { by } => {
                        report.check(
                            redemption.is_some_and(|r| Some(r.user as u64) == *by),
                            || format!("interaction {id}: told order {order} was already redeemed by {by:?}, the ledger says {:?}", redemption.map(|r| r.user)),
                        );
                    }
                    Told::KeyTaken { tail, by } => {
                        let taken = facts.order_keys.get(&order).is_some_and(|keys| {
                            keys.iter().any(|(t, key, redeemed_in)| {
                                t == tail
                                    && redeemed_in.is_some_and(|o| o != order)
                                    && facts.key_redeemed.get(key).map(|(_, u)| *u as u64) == *by
                            })
                        });
                        report.check(redemption.is_none() && taken, || {
                            format!("interaction {id}: told `{tail}` was already redeemed by {by:?}, which the ledger does not show for order {order}")
                        });
                    }
                    Told::KeysUsed { tails } => {
                        let all_taken = !tails.is_empty()
                            && tails.iter().all(|tail| {
                                facts.order_keys.get(&order).is_some_and(|keys| {
                                    keys.iter().any(|(t, _, redeemed_in)| {
                                        t == tail && redeemed_in.is_some_and(|o| o != order)
                                    })
                                })
                            });
                        report.check(redemption.is_none() && all_taken, || {
                            format!("interaction {id}: told {tails:?} were already used, which the ledger does not show for order {order}")
                        });
                    }
                    Told::Expired => report.check(redemption.is_none(), || {
                        format!("interaction {id}: told order {order} expired, but it was redeemed")
                    }),
                    other => report.violation(format!(
                        "interaction {id}: a Redeem click was answered {}",
                        match other {
                            Told::Other(text) => format!("{text:?}"),
                            other => other.name().to_string(),
                        }
                    )),
                }
            }
            (_, other) => report.violation(format!(
                "interaction {id} ({act}) was answered {}",
                match other {
                    Told::Other(text) => format!("{text:?}"),
                    other => other.name().to_string(),
                }
            )),
        }
    }
    for r in &facts.redemptions {
        let n = receipts.get(&r.order).copied().unwrap_or(0);
        let lost = allow.lost_answers && unanswered_orders.contains(&r.order);
        report.check(n == 1 || (n == 0 && lost), || {
            format!(
                "order {} was redeemed and {n} click(s) got a receipt",
                r.order
            )
        });
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort();
    for ((act, told), n) in kinds {
        report.figure(&format!("{act} → {told}"), n);
    }
    report.figure("responses Discord refused as too late", late);
}

/// Notices still to be delivered.
pub async fn pending_notices(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM notices WHERE state = 'pending'")
        .fetch_one(pool)
        .await
        .unwrap_or(-1)
}

/// Waits until the outbox is empty (every notice sent or given up), up to `timeout`.
pub async fn settle_notices(pool: &PgPool, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if pending_notices(pool).await == 0 {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every redemption has exactly one notice message in its guild's channel, and the
/// channels hold nothing else but the notices about licenses (when members hold some);
/// every notice is marked sent with that message.
pub async fn check_notices(
    fake: &FakeDiscord,
    pool: &PgPool,
    tenants: &[Tenant],
    facts: &Facts,
    report: &mut Report,
) {
    let rows: Vec<(String, String, Option<i64>, i32, i64, String)> = sqlx::query_as(
        "SELECT dedupe_key, state, message_id, attempts, guild_id, kind FROM notices",
    )
    .fetch_all(pool)
    .await
    .expect("reading notices");
    let not_sent = rows.iter().filter(|(_, state, ..)| state != "sent").count();
    report.check(not_sent == 0, || format!("{not_sent} notice(s) not sent"));
    let message_of: HashMap<&str, Option<i64>> = rows
        .iter()
        .map(|(key, _, message, ..)| (key.as_str(), *message))
        .collect();
    let mut total = 0;
    for (t, tenant) in tenants.iter().enumerate() {
        let messages = fake.channel_messages(tenant.notices);
        total += messages.len();
        let guild = tenant.guild.get() as i64;
        let ours: Vec<&RedemptionRow> = facts
            .redemptions
            .iter()
            .filter(|r| r.guild == guild)
            .collect();
        let about_licenses = rows
            .iter()
            .filter(|(_, _, _, _, g, kind)| *g == guild && kind == "license")
            .count();
        report.check(messages.len() == ours.len() + about_licenses, || {
            format!(
                "guild {t}: {} notice message(s) for {} redemption(s) and {about_licenses} \
                 notice(s) about licenses",
                messages.len(),
                ours.len()
            )
        });
        for r in ours {
            let name = tenant
                .subscriptions
                .iter()
                .find(|s| s.id == r.subscription)
                .map(|s| s.name.as_str())
                .unwrap_or("?");
            let needle = format!("*{name}*: {} → {} licenses", r.seats_before, r.seats_after);
            let matching: Vec<_> = messages
                .iter()
                .filter(|m| {
                    m.content.contains(&needle) && m.content.starts_with(&format!("<@{}>", r.user))
                })
                .collect();
            report.check(matching.len() == 1, || {
                format!(
                    "redemption {} ({needle}) has {} notice message(s)",
                    r.id,
                    matching.len()
                )
            });
            let recorded = message_of
                .get(format!("redemption:{}", r.id).as_str())
                .copied()
                .flatten();
            report.check(
                matching.len() != 1 || recorded == Some(matching[0].id.get() as i64),
                || {
                    format!(
                        "redemption {}'s notice is marked sent with another message",
                        r.id
                    )
                },
            );
        }
    }
    let posts = fake.requests_to("POST", "/channels/*/messages").len();
    report.figure("notice messages in the channels", total);
    report.figure(
        "notice POSTs (resends deduplicated by nonce)",
        format!("{posts} ({} resent)", posts.saturating_sub(total)),
    );
    let retried = rows
        .iter()
        .filter(|(_, _, _, attempts, ..)| *attempts > 1)
        .count();
    report.figure("notices claimed more than once", retried);
}

/// Open orders past their expiry (none may be left once the scheduler ran).
pub async fn stale_orders(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM orders WHERE state = 'open' AND expires_at <= now()")
        .fetch_one(pool)
        .await
        .expect("counting stale orders")
}

/// Starts `admins` admin tasks over every tenant's admins.
pub fn start_admins(
    floor: &Arc<Floor>,
    seed: u64,
    stop: &CancellationToken,
    abandon: &CancellationToken,
) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    for (t, tenant) in floor.tenants.iter().enumerate() {
        for (a, &user) in tenant.admins.iter().enumerate() {
            tasks.push(tokio::spawn(admin(
                floor.clone(),
                t,
                user,
                seed.wrapping_mul(1_000_003)
                    .wrapping_add((t * 1000 + a) as u64),
                stop.clone(),
                abandon.clone(),
            )));
        }
    }
    tasks
}

/// Milliseconds, for figures.
pub fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The p-th percentile (0–100) of some durations, for figures.
pub fn percentile(mut values: Vec<Duration>, p: usize) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    let rank = (values.len() * p).div_ceil(100).clamp(1, values.len());
    Some(values[rank - 1])
}

/// "p50 … · p99 … · max …" of the settled answers' latencies.
pub fn latency_summary(answers: &[&Answered]) -> String {
    let values: Vec<Duration> = answers.iter().filter_map(|a| a.latency).collect();
    match (
        percentile(values.clone(), 50),
        percentile(values.clone(), 99),
        values.iter().max(),
    ) {
        (Some(p50), Some(p99), Some(max)) => {
            format!("p50 {} · p99 {} · max {}", ms(p50), ms(p99), ms(*max))
        }
        _ => "none".into(),
    }
}

/// Settings for a bot under test: the built-in defaults, with the lockout out of the way
/// (admins here type keys that others just redeemed, which is not guessing).
pub fn bot_settings() -> licensebot::config::Settings {
    let mut settings = licensebot::config::Settings::default();
    settings.lockout.threshold = 1_000_000;
    settings.notices.poll_seconds = 1;
    settings
}

/// An open order's review, as an admin holds it.
pub type Review = Held;

/// One admin opens an order with `keys` (in the journal): its review, or what the
/// command was told instead.
pub async fn open_review(
    floor: &Arc<Floor>,
    tenant: usize,
    user: UserId,
    keys: Vec<Key>,
) -> Result<Review, Told> {
    let t = &floor.tenants[tenant];
    let typed = keys
        .iter()
        .map(|k| k.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let handle = floor
        .fake
        .as_member(t.guild, user)
        .command("add-licenses")
        .option("subscription", t.subscriptions[0].id.to_string())
        .option("keys", typed)
        .send()
        .await
        .map_err(|_| Told::Nothing)?;
    let index = record(floor, Act::Open, tenant, user, None, keys.clone(), &handle);
    let never = CancellationToken::new();
    let response = wait(&handle, floor.patience, &never)
        .await
        .ok_or(Told::Nothing)?;
    floor.journal.set_latency(index);
    let message = response.message.as_ref().ok_or(Told::Nothing)?;
    let Some((order, redeem)) = message
        .button("Redeem")
        .and_then(|b| b.custom_id)
        .and_then(|c| Some((order_of(&c)?, c)))
    else {
        return Err(Told::from_texts(&[message.text()]));
    };
    floor.journal.set_order(index, order);
    Ok(Held {
        order,
        message: message.id,
        redeem,
        keys,
        epoch: floor.epoch.load(Ordering::SeqCst),
    })
}

/// One click on Redeem (in the journal; `again` for a click after an earlier answer):
/// what it was told.
pub async fn redeem_once(
    floor: &Arc<Floor>,
    tenant: usize,
    user: UserId,
    review: &Review,
    again: bool,
) -> Told {
    let never = CancellationToken::new();
    let first = floor.journal.entries.lock().unwrap().len();
    click_review(floor, tenant, user, review, 1, again, &never).await;
    let click = floor.journal.entries.lock().unwrap().get(first).cloned();
    let Some(click) = click else {
        return Told::Nothing;
    };
    let answers = collect_answers_of(&floor.fake, &[click]);
    answers
        .into_iter()
        .next()
        .map(|a| a.told)
        .unwrap_or(Told::Nothing)
}

/// One admin opens an order with `keys` and clicks Redeem once, both in the journal;
/// returns what the click was told (or the command, if the order did not open).
pub async fn open_and_redeem(
    floor: &Arc<Floor>,
    tenant: usize,
    user: UserId,
    keys: Vec<Key>,
) -> Told {
    match open_review(floor, tenant, user, keys).await {
        Ok(review) => redeem_once(floor, tenant, user, &review, false).await,
        Err(told) => told,
    }
}

/// Mints keys outside the admins' pools (for probes).
pub async fn mint(app: &App, count: usize, label: &str) -> Vec<Key> {
    app.generate_keys(&KeyBatch {
        product_sku: SKU.into(),
        seats: 1,
        term: Term::Months(12),
        count,
        batch: Some(label.into()),
        expires_on: None,
    })
    .await
    .expect("minting keys")
    .iter()
    .map(|k| Key {
        text: k.to_string(),
        tail: k.tail().to_string(),
        seats: 1,
    })
    .collect()
}
