//! Load on the fake Discord, and what it came to: interactions sent open-loop at a fixed
//! rate (every send on schedule, whatever the answers) or closed-loop by admins who wait for
//! each answer; their first-response latency read from the fake's tap (interaction
//! dispatched → callback received), never by polling.

use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    sync::{
        atomic::{AtomicI64, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use fake_discord::{Actor, FakeDiscord, FirstResponse, InteractionHandle, Observed};
use tokio::{sync::oneshot, task::JoinHandle};

use super::{
    process::{CpuMeter, CpuUse},
    seed::{Tenant, TYPED},
};

/// What an admin does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Act {
    /// Types into `/add-licenses`' subscription option.
    Autocomplete,
    /// `/add-licenses subscription:<id> keys:<key>`: opens an order, shows its review.
    Open,
    /// Clicks Redeem on a review.
    Redeem,
    /// Clicks Cancel on a review (only to clean up).
    Cancel,
}

impl Act {
    pub fn name(self) -> &'static str {
        match self {
            Act::Autocomplete => "autocomplete",
            Act::Open => "/add-licenses",
            Act::Redeem => "Redeem click",
            Act::Cancel => "Cancel click",
        }
    }
}

/// A locked map or queue; a panic elsewhere does not stop the benchmark from reporting.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

// ---- what came back ---------------------------------------------------------------------

/// How one interaction ended, for whoever waits for it.
#[derive(Debug)]
pub struct Done {
    /// The callback type (0: refused by the fake, e.g. too late).
    pub kind: u64,
    pub latency: Duration,
    /// For an order: the interaction whose message is the review with a Redeem button.
    pub review: Option<InteractionHandle>,
}

#[derive(Default)]
struct ActData {
    sent: u64,
    latencies: Vec<Duration>,
    callbacks: BTreeMap<u64, u64>,
    /// First-response latencies of the busy answers (not counted as answered).
    busy: Vec<Duration>,
    rejected: u64,
    unanswered: u64,
}

/// The start of licensebot's busy answer (en-US, the benchmark's admins' language).
pub const BUSY: &str = "licensebot is busy";

/// Collects the answers of one phase.
#[derive(Default)]
pub struct Sink {
    data: Mutex<BTreeMap<Act, ActData>>,
    outstanding: AtomicI64,
    /// Reviews (of orders opened in this phase) waiting for a Redeem click.
    pub ready: Mutex<VecDeque<InteractionHandle>>,
}

impl Sink {
    pub fn new() -> Arc<Sink> {
        Arc::new(Sink::default())
    }

    fn sent(&self, act: Act) {
        self.outstanding.fetch_add(1, Ordering::SeqCst);
        lock(&self.data).entry(act).or_default().sent += 1;
    }

    fn answered(&self, act: Act, response: &FirstResponse, busy: bool) {
        let mut data = lock(&self.data);
        let d = data.entry(act).or_default();
        if busy {
            d.busy.push(response.latency);
        } else {
            d.latencies.push(response.latency);
            *d.callbacks.entry(response.kind).or_default() += 1;
        }
        drop(data);
        self.outstanding.fetch_sub(1, Ordering::SeqCst);
    }

    fn rejected(&self, act: Act) {
        lock(&self.data).entry(act).or_default().rejected += 1;
        self.outstanding.fetch_sub(1, Ordering::SeqCst);
    }

    fn unanswered(&self, act: Act) {
        lock(&self.data).entry(act).or_default().unanswered += 1;
        self.outstanding.fetch_sub(1, Ordering::SeqCst);
    }

    pub fn outstanding(&self) -> i64 {
        self.outstanding.load(Ordering::SeqCst)
    }

    /// The figures so far, per act and for all acts together.
    pub fn stats(&self) -> (Vec<Stats>, Stats) {
        let data = lock(&self.data);
        let mut all = ActData::default();
        let mut per = Vec::new();
        for (act, d) in data.iter() {
            per.push(Stats::of(act.name(), d));
            all.sent += d.sent;
            all.latencies.extend(&d.latencies);
            all.busy.extend(&d.busy);
            all.rejected += d.rejected;
            all.unanswered += d.unanswered;
            for (k, n) in &d.callbacks {
                *all.callbacks.entry(*k).or_default() += n;
            }
        }
        (per, Stats::of("all", &all))
    }
}

/// Latency figures of a set of interactions. Those answered busy, those the fake refused
/// (too late) and those that got no answer count as slower than any answer.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub what: String,
    pub sent: u64,
    /// Answered in time (the fake accepted the first response), busy answers aside.
    pub answered: u64,
    /// Deferred first responses (callback 5 or 6).
    pub deferred: u64,
    /// Answered "licensebot is busy" (autocomplete: with no choices): refused, not served.
    pub busy: u64,
    /// The slowest busy answer's first-response latency.
    pub busy_max: Option<Duration>,
    /// The p99 of the answers in time alone (busy, late and unanswered aside).
    pub p99_answered: Option<Duration>,
    pub rejected: u64,
    pub unanswered: u64,
    pub p50: Option<Duration>,
    pub p99: Option<Duration>,
    pub max: Option<Duration>,
}

impl Stats {
    fn of(what: &str, d: &ActData) -> Stats {
        let mut sorted = d.latencies.clone();
        sorted.sort_unstable();
        let failed = (d.rejected + d.unanswered) as usize + d.busy.len();
        let n = sorted.len() + failed;
        // Nearest-rank percentile; a failed interaction ranks above every answer (None).
        let pick = |q: f64| -> Option<Duration> {
            if n == 0 {
                return None;
            }
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            sorted.get(rank - 1).copied()
        };
        Stats {
            what: what.to_string(),
            sent: d.sent,
            answered: sorted.len() as u64,
            deferred: d.callbacks.get(&5).copied().unwrap_or(0)
                + d.callbacks.get(&6).copied().unwrap_or(0),
            busy: d.busy.len() as u64,
            busy_max: d.busy.iter().max().copied(),
            p99_answered: (!sorted.is_empty()).then(|| {
                let rank = ((0.99 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
                sorted[rank - 1]
            }),
            rejected: d.rejected,
            unanswered: d.unanswered,
            p50: pick(0.50),
            p99: pick(0.99),
            max: if failed > 0 {
                None
            } else {
                sorted.last().copied()
            },
        }
    }

    /// Whether 99 % of the interactions were answered within `limit`.
    pub fn p99_within(&self, limit: Duration) -> bool {
        self.p99.is_some_and(|p| p < limit)
    }
}

// ---- the router: the fake's tap, sorted by interaction ------------------------------------

struct Pending {
    act: Act,
    handle: InteractionHandle,
    sink: Arc<Sink>,
    notify: Option<oneshot::Sender<Done>>,
    first: Option<FirstResponse>,
}

enum Outcome {
    Answered(FirstResponse),
    Rejected,
}

#[derive(Default)]
struct RouterState {
    pending: HashMap<u64, Pending>,
    /// Answers that arrived before their interaction was registered.
    early: HashMap<u64, Outcome>,
    /// Orders answered with "thinking…", by token, until @original is edited.
    deferred: HashMap<String, Pending>,
}

/// Reads the fake's tap and hands each answer to whoever sent the interaction.
pub struct Router {
    state: Mutex<RouterState>,
    notices: AtomicU64,
    last_notice: Mutex<Option<Instant>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Router {
    pub fn start(fake: &FakeDiscord) -> Arc<Router> {
        let mut tap = fake.observe();
        let router = Arc::new(Router {
            state: Mutex::new(RouterState::default()),
            notices: AtomicU64::new(0),
            last_notice: Mutex::new(None),
            task: Mutex::new(None),
        });
        let weak = Arc::downgrade(&router);
        let task = tokio::spawn(async move {
            while let Some(seen) = tap.recv().await {
                let Some(router) = weak.upgrade() else { break };
                router.on(seen);
            }
        });
        *lock(&router.task) = Some(task);
        router
    }

    pub fn stop(&self) {
        if let Some(task) = lock(&self.task).take() {
            task.abort();
        }
    }

    /// Channel messages the bot posted (notices) so far, and when the last one arrived.
    pub fn notices(&self) -> (u64, Option<Instant>) {
        (
            self.notices.load(Ordering::SeqCst),
            *lock(&self.last_notice),
        )
    }

    fn on(&self, seen: Observed) {
        if let Some(first) = seen.first_response {
            return self.outcome(first.interaction.get(), Outcome::Answered(first));
        }
        let segments: Vec<&str> = seen.path.trim_start_matches('/').split('/').collect();
        match (seen.method.as_str(), segments.as_slice()) {
            ("POST", ["interactions", id, _, "callback"]) if seen.status >= 300 => {
                if let Ok(id) = id.parse() {
                    self.outcome(id, Outcome::Rejected);
                }
            }
            ("PATCH", ["webhooks", _, token, "messages", "@original"]) if seen.status < 300 => {
                let mut state = lock(&self.state);
                if let Some(pending) = state.deferred.remove(*token) {
                    let first = pending.first;
                    drop(state);
                    if let Some(first) = first {
                        review_ready(pending, &first);
                    }
                }
            }
            ("POST", ["channels", _, "messages"]) if seen.status < 300 => {
                self.notices.fetch_add(1, Ordering::SeqCst);
                *lock(&self.last_notice) = Some(seen.arrived);
            }
            _ => {}
        }
    }

    fn outcome(&self, id: u64, outcome: Outcome) {
        let mut state = lock(&self.state);
        match state.pending.remove(&id) {
            Some(pending) => self.settle(state, pending, outcome),
            None => {
                state.early.insert(id, outcome);
            }
        }
    }

    fn settle(
        &self,
        mut state: std::sync::MutexGuard<'_, RouterState>,
        mut pending: Pending,
        outcome: Outcome,
    ) {
        match outcome {
            Outcome::Rejected => {
                drop(state);
                pending.sink.rejected(pending.act);
                if let Some(notify) = pending.notify.take() {
                    let _ = notify.send(Done {
                        kind: 0,
                        latency: Duration::ZERO,
                        review: None,
                    });
                }
            }
            Outcome::Answered(first) => {
                pending
                    .sink
                    .answered(pending.act, &first, is_busy(&pending.handle, &first));
                if pending.act == Act::Open && first.kind == 5 {
                    // "Thinking…": the review comes with the edit of @original.
                    pending.first = Some(first);
                    state
                        .deferred
                        .insert(pending.handle.token().to_string(), pending);
                    return;
                }
                drop(state);
                if pending.act == Act::Open {
                    review_ready(pending, &first);
                } else if let Some(notify) = pending.notify.take() {
                    let _ = notify.send(Done {
                        kind: first.kind,
                        latency: first.latency,
                        review: None,
                    });
                }
            }
        }
    }

    /// Waits for the answer to `handle`, sent as `act`, on behalf of `sink`.
    fn register(
        &self,
        act: Act,
        handle: InteractionHandle,
        sink: &Arc<Sink>,
        notify: Option<oneshot::Sender<Done>>,
    ) {
        sink.sent(act);
        let id = handle.id().get();
        let pending = Pending {
            act,
            handle,
            sink: sink.clone(),
            notify,
            first: None,
        };
        let mut state = lock(&self.state);
        match state.early.remove(&id) {
            Some(outcome) => self.settle(state, pending, outcome),
            None => {
                state.pending.insert(id, pending);
            }
        }
    }

    /// Gives up on what `sink` still waits for: those interactions count as unanswered.
    fn abandon(&self, sink: &Arc<Sink>) {
        let mut state = lock(&self.state);
        let gone: Vec<u64> = state
            .pending
            .iter()
            .filter(|(_, p)| Arc::ptr_eq(&p.sink, sink))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some(p) = state.pending.remove(&id) {
                sink.unanswered(p.act);
            }
        }
        state.deferred.retain(|_, p| !Arc::ptr_eq(&p.sink, sink));
        state.early.clear();
    }
}

/// Whether a first response is licensebot's busy answer: a message saying so, or
/// autocomplete with no choices (every benchmark guild has subscriptions that match).
fn is_busy(handle: &InteractionHandle, first: &FirstResponse) -> bool {
    match first.kind {
        4 => handle
            .response()
            .is_some_and(|r| r.text().starts_with(BUSY)),
        8 => handle.response().is_some_and(|r| r.choices.is_empty()),
        _ => false,
    }
}

/// An order's first answer is in: hand its review on (if it has a Redeem button).
fn review_ready(mut pending: Pending, first: &FirstResponse) {
    let has_redeem = pending
        .handle
        .original_message()
        .is_some_and(|m| m.button("Redeem").is_some());
    let review = has_redeem.then(|| pending.handle.clone());
    match pending.notify.take() {
        Some(notify) => {
            let _ = notify.send(Done {
                kind: first.kind,
                latency: first.latency,
                review,
            });
        }
        None => {
            if let Some(review) = review {
                lock(&pending.sink.ready).push_back(review);
            }
        }
    }
}

// ---- sending ------------------------------------------------------------------------------

/// What to send.
pub enum Outgoing {
    Autocomplete(Actor),
    Open {
        actor: Actor,
        subscription: i64,
        key: String,
    },
    Click(InteractionHandle, Act),
}

impl Outgoing {
    fn act(&self) -> Act {
        match self {
            Outgoing::Autocomplete(_) => Act::Autocomplete,
            Outgoing::Open { .. } => Act::Open,
            Outgoing::Click(_, act) => *act,
        }
    }
}

/// Dispatches one interaction and registers it; `notify` hears how it ended.
pub async fn fire(
    router: &Router,
    send: Outgoing,
    sink: &Arc<Sink>,
    notify: Option<oneshot::Sender<Done>>,
) -> anyhow::Result<()> {
    let act = send.act();
    let handle = match send {
        Outgoing::Autocomplete(actor) => {
            actor
                .command("add-licenses")
                .focused("subscription", TYPED)
                .send()
                .await?
        }
        Outgoing::Open {
            actor,
            subscription,
            key,
        } => {
            actor
                .command("add-licenses")
                .option("subscription", subscription.to_string())
                .option("keys", key)
                .send()
                .await?
        }
        Outgoing::Click(review, act) => {
            let label = if act == Act::Cancel {
                "Cancel"
            } else {
                "Redeem"
            };
            review.click(label).await?
        }
    };
    router.register(act, handle, sink, notify);
    Ok(())
}

/// Sends and waits for the end (at most `timeout`).
pub async fn round_trip(
    router: &Router,
    send: Outgoing,
    sink: &Arc<Sink>,
    timeout: Duration,
) -> anyhow::Result<Done> {
    let (tx, rx) = oneshot::channel();
    fire(router, send, sink, Some(tx)).await?;
    match tokio::time::timeout(timeout, rx).await {
        Ok(Ok(done)) => Ok(done),
        _ => anyhow::bail!("no answer within {timeout:?}"),
    }
}

/// Product keys to type, shared by whoever sends.
#[derive(Clone, Default)]
pub struct Keys(Arc<Mutex<VecDeque<String>>>);

impl Keys {
    pub fn add(&self, keys: Vec<String>) {
        lock(&self.0).extend(keys);
    }

    pub fn take(&self) -> Option<String> {
        lock(&self.0).pop_front()
    }

    pub fn clear(&self) {
        lock(&self.0).clear();
    }

    pub fn len(&self) -> usize {
        lock(&self.0).len()
    }
}

/// What the load is sent at.
pub struct Target<'a> {
    pub fake: &'a FakeDiscord,
    pub router: Arc<Router>,
    /// The guilds admins act in.
    pub tenants: &'a [Tenant],
    pub keys: Keys,
    /// How long to wait for an answer before counting it as unanswered.
    pub answer_timeout: Duration,
    /// The bot's process id, for its CPU time.
    pub bot_pid: Option<u32>,
    /// The bot's database, for the CPU time of its PostgreSQL backends.
    pub database: Option<String>,
}

impl Target<'_> {
    fn actor(&self, tenant: usize, n: usize) -> Actor {
        let t = &self.tenants[tenant % self.tenants.len()];
        self.fake.as_member(t.guild, t.admins[n % t.admins.len()])
    }

    fn subscription(&self, tenant: usize, n: usize) -> i64 {
        let t = &self.tenants[tenant % self.tenants.len()];
        t.subscriptions
            .get(n % t.subscriptions.len().max(1))
            .copied()
            .unwrap_or(1)
    }

    /// Opens `count` orders, `concurrency` at a time, outside any measurement; their reviews
    /// go to `into`.
    pub async fn open_reviews(&self, count: usize, concurrency: usize, into: &Sink) {
        let warm = Sink::new();
        let mut n = 0usize;
        while n < count {
            let batch = (count - n).min(concurrency);
            let mut waits = Vec::new();
            for i in 0..batch {
                let Some(key) = self.keys.take() else { break };
                let (tx, rx) = oneshot::channel();
                let send = Outgoing::Open {
                    actor: self.actor(n + i, (n + i) / self.tenants.len()),
                    subscription: self.subscription(n + i, n + i),
                    key,
                };
                if fire(&self.router, send, &warm, Some(tx)).await.is_ok() {
                    waits.push(rx);
                }
            }
            if waits.is_empty() {
                break;
            }
            for rx in waits {
                if let Ok(Ok(done)) = tokio::time::timeout(self.answer_timeout, rx).await {
                    if let Some(review) = done.review {
                        lock(&into.ready).push_back(review);
                    }
                }
            }
            n += batch;
        }
        self.router.abandon(&warm);
    }

    /// Cancels the orders whose reviews are still waiting in `sink` (not measured).
    pub async fn cancel_leftovers(&self, sink: &Sink, concurrency: usize) {
        let cleanup = Sink::new();
        loop {
            let batch: Vec<InteractionHandle> = {
                let mut ready = lock(&sink.ready);
                let n = ready.len().min(concurrency);
                ready.drain(..n).collect()
            };
            if batch.is_empty() {
                break;
            }
            let mut waits = Vec::new();
            for review in batch {
                let (tx, rx) = oneshot::channel();
                if fire(
                    &self.router,
                    Outgoing::Click(review, Act::Cancel),
                    &cleanup,
                    Some(tx),
                )
                .await
                .is_ok()
                {
                    waits.push(rx);
                }
            }
            for rx in waits {
                let _ = tokio::time::timeout(self.answer_timeout, rx).await;
            }
        }
        self.router.abandon(&cleanup);
    }

    /// Waits until `sink` has no interaction in flight, at most the answer timeout; what is
    /// left counts as unanswered.
    async fn drain(&self, sink: &Arc<Sink>) {
        let start = Instant::now();
        while sink.outstanding() > 0 && start.elapsed() < self.answer_timeout {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.router.abandon(sink);
    }

    fn cpu_meter(&self) -> CpuMeter {
        CpuMeter::start(self.bot_pid, self.database.as_deref())
    }
}

// ---- open loop ------------------------------------------------------------------------------

/// One open-loop run at a fixed rate.
#[derive(Debug, Clone)]
pub struct RateRun {
    pub target_rate: f64,
    /// What the sender managed (a sender that falls behind lowers it).
    pub achieved_rate: f64,
    pub seconds: f64,
    pub per_act: Vec<Stats>,
    pub all: Stats,
    /// Redeem slots with no review ready (an autocomplete was sent instead).
    pub starved: u64,
    pub send_errors: u64,
    pub first_error: Option<String>,
    /// Where the CPU went, from the first send until every answer was in.
    pub cpu: CpuUse,
}

impl RateRun {
    /// 99 % answered within `limit`, and the sender kept (nearly) to the rate.
    pub fn kept(&self, limit: Duration) -> bool {
        self.all.p99_within(limit) && self.achieved_rate >= 0.9 * self.target_rate
    }
}

/// Sends `rate` interactions a second for `seconds` (at most `seconds`·1.5 + 2 s in all):
/// autocomplete, /add-licenses and Redeem clicks in turn, over the tenants. Reviews for the
/// first clicks are opened beforehand; a click takes the oldest review waiting.
pub async fn open_loop(
    target: &Target<'_>,
    rate: f64,
    seconds: f64,
    progress: &dyn Fn(String),
) -> RateRun {
    let sink = Sink::new();
    let prefill = ((rate / 3.0) * 0.5).ceil().clamp(2.0, 400.0) as usize;
    target.open_reviews(prefill, 16, &sink).await;
    let total = (rate * seconds).round().max(1.0) as u64;
    let limit = Duration::from_secs_f64(seconds * 1.5 + 2.0);
    let (mut starved, mut errors, mut first_error) = (0u64, 0u64, None);
    let meter = target.cpu_meter();
    let start = Instant::now();
    let mut next_report = Duration::from_secs(1);
    let mut sent = 0u64;
    for i in 0..total {
        let at = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(at.into()).await;
        if start.elapsed() > limit {
            break;
        }
        let tenant = (i / 3) as usize;
        let who = tenant / target.tenants.len();
        let send = match i % 3 {
            0 => Outgoing::Autocomplete(target.actor(tenant, who)),
            1 => match target.keys.take() {
                Some(key) => Outgoing::Open {
                    actor: target.actor(tenant, who),
                    subscription: target.subscription(tenant, who),
                    key,
                },
                None => Outgoing::Autocomplete(target.actor(tenant, who)),
            },
            _ => match lock(&sink.ready).pop_front() {
                Some(review) => Outgoing::Click(review, Act::Redeem),
                None => {
                    starved += 1;
                    Outgoing::Autocomplete(target.actor(tenant, who))
                }
            },
        };
        if let Err(e) = fire(&target.router, send, &sink, None).await {
            errors += 1;
            first_error.get_or_insert_with(|| format!("{e:#}"));
        }
        sent += 1;
        if start.elapsed() >= next_report {
            next_report += Duration::from_secs(1);
            let (_, all) = sink.stats();
            progress(format!(
                "{rate:.0}/s: {sent}/{total} sent, {} answered, p99 so far {}",
                all.answered,
                fmt_ms(all.p99)
            ));
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    target.drain(&sink).await;
    let cpu = meter.finish();
    let (per_act, all) = sink.stats();
    target.cancel_leftovers(&sink, 16).await;
    // The fake keeps a log of every request; it is not needed here.
    target.fake.clear_requests();
    RateRun {
        target_rate: rate,
        achieved_rate: sent as f64 / elapsed.max(1e-9),
        seconds: elapsed,
        per_act,
        all,
        starved,
        send_errors: errors,
        first_error,
        cpu,
    }
}

/// The highest rate found whose p99 stayed under the limit.
#[derive(Debug, Clone)]
pub struct MaxRate {
    pub rate: Option<f64>,
    /// Each rate tried: (rate, p99, kept).
    pub tried: Vec<(f64, Option<Duration>, bool)>,
    /// Set when the last failure was the sender's (it could not keep to the rate).
    pub sender_bound: bool,
}

// ---- end to end ---------------------------------------------------------------------------

/// Redemptions end to end: order opened → Redeem → notice delivered.
#[derive(Debug, Clone)]
pub struct EndToEnd {
    pub workers: usize,
    pub redemptions: u64,
    pub refused: u64,
    pub notices: u64,
    /// From the first order to the last notice.
    pub seconds: f64,
    /// Notices delivered per second.
    pub per_second: f64,
    pub opens: Stats,
    pub redeems: Stats,
    /// From the last receipt to the last notice.
    pub notice_lag: Option<Duration>,
    pub cpu: CpuUse,
}

/// `workers` admins, each in a guild of their own where there are enough guilds, open an
/// order with one key and click Redeem on its review, again and again until the keys run
/// out or `limit` passes; then the notices are awaited (at most 30 s).
pub async fn end_to_end(
    target: &Target<'_>,
    workers: usize,
    limit: Duration,
    progress: &dyn Fn(String),
) -> EndToEnd {
    let sink = Sink::new();
    let (notices_before, _) = target.router.notices();
    let meter = target.cpu_meter();
    let redeemed = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let last_receipt: Arc<Mutex<Option<Instant>>> = Arc::default();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let actor = target.actor(w, w / target.tenants.len());
        let subscriptions = target.tenants[w % target.tenants.len()]
            .subscriptions
            .clone();
        let keys = target.keys.clone();
        let sink = sink.clone();
        let router = target.router.clone();
        let (redeemed, refused, last_receipt) =
            (redeemed.clone(), refused.clone(), last_receipt.clone());
        let timeout = target.answer_timeout;
        tasks.spawn(async move {
            let mut n = 0usize;
            while start.elapsed() < limit {
                let Some(key) = keys.take() else { break };
                n += 1;
                let open = Outgoing::Open {
                    actor: actor.clone(),
                    subscription: subscriptions[n % subscriptions.len().max(1)],
                    key,
                };
                let review = match round_trip(&router, open, &sink, timeout).await {
                    Ok(Done {
                        review: Some(review),
                        ..
                    }) => review,
                    _ => {
                        refused.fetch_add(1, Ordering::SeqCst);
                        continue;
                    }
                };
                match round_trip(
                    &router,
                    Outgoing::Click(review, Act::Redeem),
                    &sink,
                    timeout,
                )
                .await
                {
                    Ok(done) if done.kind == 7 => {
                        redeemed.fetch_add(1, Ordering::SeqCst);
                        *lock(&last_receipt) = Some(Instant::now());
                    }
                    _ => {
                        refused.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        });
    }
    let mut next = Instant::now() + Duration::from_secs(2);
    loop {
        tokio::select! {
            joined = tasks.join_next() => if joined.is_none() { break },
            _ = tokio::time::sleep_until(next.into()) => {
                next += Duration::from_secs(2);
                let done = redeemed.load(Ordering::SeqCst);
                let (notices, _) = target.router.notices();
                progress(format!(
                    "end to end: {done} redeemed, {} notices, {:.0}/s so far",
                    notices - notices_before,
                    (notices - notices_before) as f64 / start.elapsed().as_secs_f64()
                ));
            }
        }
    }
    let redemptions = redeemed.load(Ordering::SeqCst);
    let wait = Instant::now();
    while target.router.notices().0 - notices_before < redemptions
        && wait.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cpu = meter.finish();
    target.router.abandon(&sink);
    target.fake.clear_requests();
    let (notices, last_notice) = target.router.notices();
    let notices = notices - notices_before;
    let end = last_notice
        .filter(|_| notices > 0)
        .unwrap_or_else(Instant::now);
    let seconds = end.saturating_duration_since(start).as_secs_f64();
    let (per_act, _) = sink.stats();
    let find = |what: &str| {
        per_act
            .iter()
            .find(|s| s.what == what)
            .cloned()
            .unwrap_or_default()
    };
    let last_receipt = *lock(&last_receipt);
    EndToEnd {
        workers,
        redemptions,
        refused: refused.load(Ordering::SeqCst),
        notices,
        seconds,
        per_second: notices as f64 / seconds.max(1e-9),
        opens: find(Act::Open.name()),
        redeems: find(Act::Redeem.name()),
        notice_lag: last_receipt
            .zip(last_notice)
            .map(|(r, n)| n.saturating_duration_since(r)),
        cpu,
    }
}

pub fn fmt_ms(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!("{:.1} ms", d.as_secs_f64() * 1000.0),
        None => "unanswered".to_string(),
    }
}
