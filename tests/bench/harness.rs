//! The benchmark's core, shared by the program (`tests/bench/bench.rs`) and its smoke test
//! (`tests/it/bench_smoke.rs`): a world of guilds on the fake Discord and in PostgreSQL, the
//! real bot as a process of its own, and the measurements —
//!
//! 1. first-response latency under open-loop load at fixed rates, and the highest rate
//!    whose p99 stays under a limit;
//! 2. redemptions per second end to end (order opened → Redeem → notice delivered);
//! 3. the ceiling: the same redemption transaction replayed by pgbench on the same server;
//! 4. the bot's memory, idle after READY and under load;
//! 5. all of it again once the database holds a large filler;
//! 6. overload: three times the highest sustainable rate, and what became of each
//!    interaction (answered in time, refused at once as busy, or unanswered).
//!
//! Timings are reported, never judged: nothing here fails because something was slow.

#[path = "load.rs"]
pub mod load;
#[path = "pgbench.rs"]
pub mod pgbench;
#[path = "process.rs"]
pub mod process;
#[path = "report.rs"]
pub mod report;
#[path = "seed.rs"]
pub mod seed;

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context as _;
use fake_discord::FakeDiscord;
use sqlx::{postgres::PgPoolOptions, PgPool};

use load::{EndToEnd, Keys, MaxRate, RateRun, Router, Target};
use process::{BotProcess, Memory};
use seed::Tenant;

/// How big a run is.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: &'static str,
    /// Guilds in READY.
    pub guilds: usize,
    /// Guilds the load comes from.
    pub active_guilds: usize,
    pub admins_per_guild: usize,
    /// Open-loop rates, interactions per second.
    pub rates: Vec<f64>,
    pub rate_seconds: f64,
    pub search: Option<Search>,
    /// Past the highest rate found (or kept): `factor` times it for `seconds`.
    pub overload: Option<Overload>,
    pub e2e_keys: usize,
    pub e2e_workers: usize,
    pub e2e_limit: Duration,
    /// pgbench runs: (clients, transactions in all).
    pub pgbench: Vec<(u32, u64)>,
    /// The large database: (product keys, subscriptions) in all.
    pub large: Option<(i64, i64)>,
    pub answer_timeout: Duration,
    /// The p99 the rate search keeps under.
    pub p99_limit: Duration,
}

/// The search for the highest rate that keeps p99 under the limit.
#[derive(Debug, Clone)]
pub struct Search {
    pub seconds: f64,
    pub budget: Duration,
    pub ceiling: f64,
}

/// The overload phase.
#[derive(Debug, Clone)]
pub struct Overload {
    pub factor: f64,
    pub seconds: f64,
}

impl Plan {
    /// The full run (about 10 minutes on 2 cores).
    pub fn full() -> Plan {
        Plan {
            name: "full",
            guilds: 1000,
            active_guilds: 100,
            admins_per_guild: 3,
            rates: vec![50.0, 200.0, 1000.0],
            rate_seconds: 10.0,
            search: Some(Search {
                seconds: 5.0,
                budget: Duration::from_secs(60),
                ceiling: 6000.0,
            }),
            overload: Some(Overload {
                factor: 3.0,
                seconds: 10.0,
            }),
            e2e_keys: 10_000,
            e2e_workers: 32,
            e2e_limit: Duration::from_secs(120),
            pgbench: vec![(8, 10_000), (16, 10_000), (32, 10_000)],
            large: Some((1_000_000, 100_000)),
            answer_timeout: Duration::from_secs(5),
            p99_limit: Duration::from_millis(500),
        }
    }

    /// `--quick`: every part, small (about a minute).
    pub fn quick() -> Plan {
        Plan {
            name: "quick",
            guilds: 50,
            active_guilds: 10,
            admins_per_guild: 2,
            rates: vec![50.0, 200.0],
            rate_seconds: 2.0,
            search: Some(Search {
                seconds: 1.0,
                budget: Duration::from_secs(8),
                ceiling: 2000.0,
            }),
            overload: Some(Overload {
                factor: 3.0,
                seconds: 10.0,
            }),
            e2e_keys: 500,
            e2e_workers: 16,
            e2e_limit: Duration::from_secs(30),
            pgbench: vec![(16, 2_000)],
            large: Some((50_000, 5_000)),
            answer_timeout: Duration::from_secs(5),
            p99_limit: Duration::from_millis(500),
        }
    }

    /// The smoke test's: tiny numbers, every part once.
    pub fn smoke() -> Plan {
        Plan {
            name: "smoke",
            guilds: 3,
            active_guilds: 2,
            admins_per_guild: 1,
            rates: vec![10.0],
            rate_seconds: 1.0,
            search: None,
            overload: None,
            e2e_keys: 10,
            e2e_workers: 2,
            e2e_limit: Duration::from_secs(30),
            pgbench: vec![(2, 40)],
            large: Some((2_000, 300)),
            answer_timeout: Duration::from_secs(10),
            p99_limit: Duration::from_millis(500),
        }
    }
}

/// Where things are.
#[derive(Debug, Clone)]
pub struct Env {
    /// A short name, when several builds are compared.
    pub name: Option<String>,
    /// The `licensebot` binary.
    pub bot: PathBuf,
    /// More environment for the bot (e.g. `RUST_LOG`).
    pub bot_env: Vec<(String, String)>,
    /// An empty database of the benchmark's own.
    pub database_url: String,
    pub pgbench: Option<PathBuf>,
    /// The transaction pgbench replays: this build's redemption ([`pgbench::SCRIPT`] for
    /// the build in the work tree).
    pub pgbench_script: String,
    /// A directory of the benchmark's own (the bot's working directory, logs, the script).
    pub workdir: PathBuf,
}

/// Prints what the run is doing, with the time since it started.
pub struct Progress {
    start: Instant,
    quiet: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            start: Instant::now(),
            quiet,
        }
    }

    pub fn say(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!(
                "[{:>6.1} s] {}",
                self.start.elapsed().as_secs_f64(),
                message.as_ref()
            );
        }
    }
}

/// Everything measured at one database size.
#[derive(Debug, Clone)]
pub struct Scale {
    pub label: String,
    /// Product keys and subscriptions in the database when the measurements began.
    pub keys: i64,
    pub subscriptions: i64,
    /// The same when they ended (every part mints the keys it types).
    pub keys_after: (i64, i64),
    pub rates: Vec<RateRun>,
    pub max_rate: Option<MaxRate>,
    pub e2e: Option<EndToEnd>,
    pub pgbench: Vec<pgbench::Run>,
    pub pgbench_error: Option<String>,
    pub overload: Option<OverloadRun>,
}

/// The overload phase's run.
#[derive(Debug, Clone)]
pub struct OverloadRun {
    /// The highest sustainable rate it is a multiple of.
    pub base: f64,
    pub run: RateRun,
    /// The highest `VmRSS` sampled every 100 ms during the phase.
    pub peak_rss_kib: u64,
}

impl Scale {
    /// The best pgbench run.
    pub fn ceiling(&self) -> Option<&pgbench::Run> {
        self.pgbench.iter().max_by(|a, b| a.tps.total_cmp(&b.tps))
    }
}

/// The bot's memory at points of the run.
#[derive(Debug, Clone, Default)]
pub struct MemoryReport {
    /// After READY and every GUILD_CREATE, once the bot went quiet.
    pub idle: Option<Memory>,
    /// (after which phase, memory then).
    pub samples: Vec<(String, Memory)>,
    /// The highest `VmRSS` sampled every 100 ms under load.
    pub max_rss_kib: u64,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub plan: Plan,
    /// The licensebot binary measured.
    pub bot: PathBuf,
    pub guilds_in_ready: usize,
    pub scales: Vec<Scale>,
    pub memory: MemoryReport,
    pub seconds: f64,
}

/// The fake-only floor: the same open-loop load against a trivial serenity bot.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub rates: Vec<RateRun>,
    pub max_rate: Option<MaxRate>,
    pub memory: MemoryReport,
}

/// Runs every part of `plan` against `env`.
pub async fn run(plan: &Plan, env: &Env, progress: &Progress) -> anyhow::Result<Report> {
    let mut reports = run_each(plan, std::slice::from_ref(env), progress).await?;
    reports.pop().context("no report")
}

/// Runs every part of `plan` against each of `envs` (e.g. two builds of licensebot), phase
/// by phase in turn, so that each phase of one meets the same conditions as the other's.
pub async fn run_each(
    plan: &Plan,
    envs: &[Env],
    progress: &Progress,
) -> anyhow::Result<Vec<Report>> {
    let started = Instant::now();
    let mut subjects = Vec::new();
    for env in envs {
        subjects.push(Subject::start(plan, env, progress).await?);
    }
    let result = async {
        for (index, label) in ["small database", "large database"].iter().enumerate() {
            if index == 1 {
                let Some((keys, subscriptions)) = plan.large else {
                    break;
                };
                for s in &subjects {
                    progress.say(format!(
                        "{}large database: filling to {keys} keys and {subscriptions} subscriptions",
                        s.tag
                    ));
                    seed::fill(&s.pool, &s.tenants, keys, subscriptions, |m| {
                        progress.say(format!("{}{m}", s.tag))
                    })
                    .await?;
                }
            }
            for s in subjects.iter_mut() {
                s.begin_scale(label).await?;
            }
            let phases = plan
                .rates
                .iter()
                .map(|r| Phase::Rate(*r))
                .chain([
                    Phase::EndToEnd,
                    Phase::Pgbench,
                    Phase::Search,
                    Phase::Overload,
                ]);
            for (n, phase) in phases.enumerate() {
                // Who goes first alternates, so that neither always runs on a warmer machine.
                let order: Vec<usize> = if n % 2 == 0 {
                    (0..subjects.len()).collect()
                } else {
                    (0..subjects.len()).rev().collect()
                };
                for i in order {
                    // No phase pays for work left over from another (e.g. notices still
                    // being delivered), its own subject's or the other's.
                    for s in &subjects {
                        if !s.settle().await {
                            progress.say(format!("{}still busy after 60 s", s.tag));
                        }
                    }
                    subjects[i].phase(plan, phase, progress).await?;
                }
            }
            for s in subjects.iter_mut() {
                s.end_scale().await?;
            }
        }
        anyhow::Ok(())
    }
    .await;
    let mut reports = Vec::new();
    let mut tails = Vec::new();
    for s in subjects {
        tails.push(s.bot.log_tail(5));
        reports.push(s.finish(plan, started).await);
    }
    result.with_context(|| format!("the bot's log ends:\n{}", tails.join("\n")))?;
    Ok(reports)
}

/// A step of the measurements at one database size.
#[derive(Debug, Clone, Copy)]
enum Phase {
    Rate(f64),
    EndToEnd,
    Pgbench,
    /// Late, as it mints the most keys: the other parts see the database at its size.
    Search,
    /// After the search, whose rate it multiplies.
    Overload,
}

/// One bot under test, with its own fake Discord and database.
struct Subject<'a> {
    env: &'a Env,
    /// Prefixes its progress lines when there are several.
    tag: String,
    fake: FakeDiscord,
    tenants: Vec<Tenant>,
    pool: PgPool,
    router: Arc<Router>,
    bot: BotProcess,
    sampler: Option<RssSampler>,
    autovacuum: Option<Autovacuum>,
    memory: MemoryReport,
    keys: Keys,
    scales: Vec<Scale>,
}

impl<'a> Subject<'a> {
    async fn start(plan: &Plan, env: &'a Env, progress: &Progress) -> anyhow::Result<Subject<'a>> {
        let tag = env
            .name
            .as_ref()
            .map_or(String::new(), |n| format!("[{n}] "));
        progress.say(format!(
            "{tag}world: {} guilds on the fake Discord, {} of them active",
            plan.guilds, plan.active_guilds
        ));
        let fake = FakeDiscord::start().await?;
        let mut tenants = seed::fake_world(
            &fake,
            plan.guilds,
            plan.active_guilds,
            plan.admins_per_guild,
        );
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect(&env.database_url)
            .await
            .context("connecting to the benchmark database")?;
        seed::database(&pool, &mut tenants).await?;
        let router = Router::start(&fake);
        progress.say(format!("{tag}starting {} run", env.bot.display()));
        let mut bot_env = vec![("DATABASE_URL".to_string(), env.database_url.clone())];
        bot_env.extend(env.bot_env.iter().cloned());
        let log = env.workdir.join(format!(
            "licensebot{}.log",
            tag.trim().trim_matches(['[', ']'])
        ));
        let bot =
            BotProcess::start(&env.bot, &["run"], &bot_env, &fake, &env.workdir, &log).await?;
        let quiet = bot.wait_idle(Duration::from_secs(60)).await;
        let memory = MemoryReport {
            idle: bot.memory(),
            ..Default::default()
        };
        progress.say(format!(
            "{tag}bot ready with {} guilds{}: {}",
            plan.guilds,
            if quiet {
                ""
            } else {
                " (still busy after 60 s)"
            },
            describe(memory.idle)
        ));
        let sampler = Some(sample_rss(bot.pid()));
        let autovacuum = Some(Autovacuum::start(pool.clone()));
        Ok(Subject {
            env,
            tag,
            fake,
            tenants,
            pool,
            router,
            bot,
            sampler,
            autovacuum,
            memory,
            keys: Keys::default(),
            scales: Vec::new(),
        })
    }

    /// Waits until the bot has nothing left to do (see [`settle`]).
    async fn settle(&self) -> bool {
        settle(Some(&self.pool), self.bot.pid()).await
    }

    fn target(&self, plan: &Plan) -> Target<'_> {
        Target {
            fake: &self.fake,
            router: self.router.clone(),
            tenants: &self.tenants[..plan.active_guilds.min(self.tenants.len())],
            keys: self.keys.clone(),
            answer_timeout: plan.answer_timeout,
            bot_pid: Some(self.bot.pid()),
            database: self.env.database_url.rsplit('/').next().map(str::to_string),
        }
    }

    fn scale(&mut self) -> &mut Scale {
        self.scales.last_mut().expect("a scale was begun")
    }

    async fn begin_scale(&mut self, label: &str) -> anyhow::Result<()> {
        let (keys, subscriptions) = seed::counts(&self.pool).await?;
        self.scales.push(Scale {
            label: label.to_string(),
            keys,
            subscriptions,
            keys_after: (keys, subscriptions),
            rates: Vec::new(),
            max_rate: None,
            e2e: None,
            pgbench: Vec::new(),
            pgbench_error: None,
            overload: None,
        });
        Ok(())
    }

    async fn end_scale(&mut self) -> anyhow::Result<()> {
        let counts = seed::counts(&self.pool).await?;
        self.scale().keys_after = counts;
        Ok(())
    }

    fn note_memory(&mut self, when: &str) {
        let label = self.scale().label.clone();
        if let Some(m) = self.bot.memory() {
            self.memory.samples.push((format!("{label}: {when}"), m));
        }
    }

    async fn phase(
        &mut self,
        plan: &Plan,
        phase: Phase,
        progress: &Progress,
    ) -> anyhow::Result<()> {
        // Autovacuum's due work (see `Autovacuum`), and the dirty pages of the phase before
        // written out, so that no phase pays for another's vacuum or checkpoint.
        Autovacuum::pass(&self.pool)
            .await
            .context("vacuuming between phases")?;
        sqlx::query("CHECKPOINT")
            .execute(&self.pool)
            .await
            .context("checkpointing between phases")?;
        let tag = self.tag.clone();
        let label = self.scale().label.clone();
        let say = |m: String| progress.say(format!("{tag}{m}"));
        match phase {
            Phase::Rate(rate) => {
                if plan.rates.first() == Some(&rate) {
                    say(format!("== {label}"));
                }
                let run = rate_run(
                    KeySource::Mint(&self.pool),
                    &self.target(plan),
                    rate,
                    plan.rate_seconds,
                    &say,
                )
                .await?;
                say(summary(&run));
                self.scale().rates.push(run);
                self.note_memory(&format!("after {rate:.0}/s"));
            }
            Phase::EndToEnd => {
                say(format!(
                    "end to end: {} keys, {} admins at once",
                    plan.e2e_keys, plan.e2e_workers
                ));
                self.keys
                    .add(seed::mint_keys(&self.pool, plan.e2e_keys, "bench-e2e").await?);
                let e2e =
                    load::end_to_end(&self.target(plan), plan.e2e_workers, plan.e2e_limit, &say)
                        .await;
                self.keys.clear();
                say(format!(
                    "end to end: {} redemptions, {} notices in {:.1} s = {:.0}/s; {}",
                    e2e.redemptions,
                    e2e.notices,
                    e2e.seconds,
                    e2e.per_second,
                    report::cpu(&e2e.cpu)
                ));
                self.scale().e2e = Some(e2e);
                self.note_memory("after end to end");
            }
            Phase::Pgbench => match &self.env.pgbench {
                Some(pgbench) if !plan.pgbench.is_empty() => {
                    let target = self.target(plan);
                    match ceiling(plan, self.env, &self.pool, &target, pgbench, &say).await {
                        Ok(runs) => self.scale().pgbench = runs,
                        Err(e) => {
                            say(format!("pgbench: {e:#}"));
                            self.scale().pgbench_error = Some(format!("{e:#}"));
                        }
                    }
                }
                _ => self.scale().pgbench_error = Some("pgbench not found".into()),
            },
            Phase::Search => {
                let rates = self.scale().rates.clone();
                let found = max_rate(
                    plan,
                    KeySource::Mint(&self.pool),
                    &self.target(plan),
                    &rates,
                    &say,
                )
                .await?;
                if found.is_some() {
                    self.scale().max_rate = found;
                    self.note_memory("after the search");
                }
            }
            Phase::Overload => {
                let Some(overload) = &plan.overload else {
                    return Ok(());
                };
                let found = self.scale().max_rate.as_ref().and_then(|m| m.rate);
                let kept = self
                    .scale()
                    .rates
                    .iter()
                    .filter(|r| r.kept(plan.p99_limit))
                    .map(|r| r.target_rate)
                    .reduce(f64::max);
                let Some(base) = found.or(kept) else {
                    say("overload: no sustainable rate to multiply; skipped".into());
                    return Ok(());
                };
                let rate = base * overload.factor;
                say(format!(
                    "overload: {rate:.0}/s ({}× the highest sustainable {base:.0}/s) for {} s",
                    overload.factor, overload.seconds
                ));
                let sampler = sample_rss(self.bot.pid());
                let run = rate_run(
                    KeySource::Mint(&self.pool),
                    &self.target(plan),
                    rate,
                    overload.seconds,
                    &say,
                )
                .await?;
                let peak_rss_kib = sampler.stop().await;
                say(format!(
                    "overload: {}; peak RSS {:.1} MiB",
                    overload_summary(&run),
                    peak_rss_kib as f64 / 1024.0
                ));
                self.scale().overload = Some(OverloadRun {
                    base,
                    run,
                    peak_rss_kib,
                });
                self.note_memory("after the overload");
            }
        }
        Ok(())
    }

    async fn finish(mut self, plan: &Plan, started: Instant) -> Report {
        if let Some(autovacuum) = self.autovacuum.take() {
            autovacuum.stop().await;
        }
        if let Some(sampler) = self.sampler.take() {
            self.memory.max_rss_kib = sampler.stop().await;
        }
        if let Some(m) = self.bot.memory() {
            self.memory.samples.push(("end".into(), m));
        }
        self.bot.stop(Duration::from_secs(20)).await;
        self.router.stop();
        self.pool.close().await;
        Report {
            plan: plan.clone(),
            bot: self.env.bot.clone(),
            guilds_in_ready: plan.guilds,
            scales: self.scales,
            memory: self.memory,
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// Where the keys typed into /add-licenses come from.
#[derive(Clone, Copy)]
enum KeySource<'a> {
    /// Minted in the database (licensebot).
    Mint(&'a PgPool),
    /// Well-formed but unknown (the trivial bot does not look them up).
    Dummy,
}

/// Waits until the bot `pid` has nothing left to do: no notice waiting to be delivered in
/// `pool` (when it has one), and no CPU used for a second. `false` if it was still busy
/// after 60 s.
async fn settle(pool: Option<&PgPool>, pid: u32) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let pending: i64 = match pool {
            Some(pool) => {
                sqlx::query_scalar("SELECT count(*) FROM notices WHERE state = 'pending'")
                    .fetch_one(pool)
                    .await
                    .unwrap_or(0)
            }
            None => 0,
        };
        let before = process::cpu(pid);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let busy = match (before, process::cpu(pid)) {
            (Some(a), Some(b)) => b.saturating_sub(a) > Duration::from_millis(10),
            _ => false,
        };
        if pending == 0 && !busy {
            return true;
        }
    }
    false
}

/// Gets the keys an open-loop run at `rate` needs, and runs it.
async fn rate_run(
    source: KeySource<'_>,
    target: &Target<'_>,
    rate: f64,
    seconds: f64,
    say: &dyn Fn(String),
) -> anyhow::Result<RateRun> {
    let needed = (rate * seconds / 3.0 * 1.1) as usize + (rate / 6.0) as usize + 20;
    let keys = match source {
        KeySource::Mint(pool) => seed::mint_keys(pool, needed, "bench-rates").await?,
        KeySource::Dummy => seed::dummy_keys(needed),
    };
    target.keys.add(keys);
    let run = load::open_loop(target, rate, seconds, say).await;
    target.keys.clear();
    Ok(run)
}

/// The open-loop runs at the rates of `plan`.
async fn fixed_rates(
    plan: &Plan,
    source: KeySource<'_>,
    target: &Target<'_>,
    say: &dyn Fn(String),
) -> anyhow::Result<Vec<RateRun>> {
    let mut rates = Vec::new();
    for &rate in &plan.rates {
        let run = rate_run(source, target, rate, plan.rate_seconds, say).await?;
        say(summary(&run));
        rates.push(run);
    }
    Ok(rates)
}

/// If `plan` searches: upwards from the highest of `rates` that was kept, by half again,
/// then halving the gap, until the search's budget is spent.
async fn max_rate(
    plan: &Plan,
    source: KeySource<'_>,
    target: &Target<'_>,
    rates: &[RateRun],
    say: &dyn Fn(String),
) -> anyhow::Result<Option<MaxRate>> {
    let Some(search) = &plan.search else {
        return Ok(None);
    };
    let kept = rates
        .iter()
        .filter(|r| r.kept(plan.p99_limit))
        .map(|r| r.target_rate)
        .fold(0.0, f64::max);
    let mut rate = if kept > 0.0 {
        kept * 1.5
    } else {
        plan.rates[0] / 2.0
    }
    .min(search.ceiling);
    say(format!(
        "highest rate with p99 < {:?}: searching from {rate:.0}/s",
        plan.p99_limit
    ));
    let start = Instant::now();
    let (mut lo, mut hi): (f64, Option<f64>) = (kept, None);
    let mut found = MaxRate {
        rate: None,
        tried: Vec::new(),
        sender_bound: false,
    };
    while start.elapsed() < search.budget && found.tried.len() < 8 {
        if let Some(pid) = target.bot_pid {
            let pool = match source {
                KeySource::Mint(pool) => Some(pool),
                KeySource::Dummy => None,
            };
            settle(pool, pid).await;
        }
        let run = rate_run(source, target, rate, search.seconds, say).await?;
        let ok = run.kept(plan.p99_limit);
        found.sender_bound = !ok && run.achieved_rate < 0.9 * run.target_rate;
        say(format!("  tried {}", summary(&run)));
        found.tried.push((rate, run.all.p99, ok));
        if ok {
            lo = rate;
        } else {
            hi = Some(rate);
        }
        rate = match hi {
            None if rate >= search.ceiling => break,
            None => (rate * 1.5).min(search.ceiling),
            Some(hi) if hi - lo <= 0.1 * lo.max(10.0) => break,
            Some(hi) => (lo + hi) / 2.0,
        };
    }
    found.rate = (lo > 0.0).then_some(lo);
    say(format!(
        "highest rate with p99 < {:?}: {}",
        plan.p99_limit,
        found
            .rate
            .map_or("none".to_string(), |r| format!("{r:.0}/s"))
    ));
    Ok(Some(found))
}

/// pgbench's runs of the redemption transaction, on orders queued for it.
async fn ceiling(
    plan: &Plan,
    env: &Env,
    pool: &PgPool,
    target: &Target<'_>,
    pgbench: &std::path::Path,
    say: &dyn Fn(String),
) -> anyhow::Result<Vec<pgbench::Run>> {
    let total: u64 = plan.pgbench.iter().map(|(_, n)| n).sum();
    say(format!("pgbench: queueing {total} open orders"));
    seed::pgbench_orders(pool, target.tenants, total as usize).await?;
    let script = env.workdir.join(format!(
        "redeem{}.pgbench.sql",
        env.name
            .as_deref()
            .map_or(String::new(), |n| format!("-{n}"))
    ));
    std::fs::write(&script, &env.pgbench_script).context("writing the pgbench script")?;
    let mut runs = Vec::new();
    for &(clients, transactions) in &plan.pgbench {
        let per_client = (transactions / u64::from(clients)).max(1);
        let run = pgbench::run(
            pgbench,
            &env.database_url,
            &script,
            clients,
            per_client,
            Duration::from_secs(120),
        )
        .await?;
        say(format!(
            "pgbench -c {clients}: {} transactions, {:.0} tps, {} failed",
            run.transactions, run.tps, run.failed
        ));
        runs.push(run);
    }
    let redeemed = seed::pgbench_redeemed(pool).await?;
    let processed: u64 = runs.iter().map(|r| r.transactions).sum();
    anyhow::ensure!(
        redeemed as u64 == processed,
        "pgbench processed {processed} transactions but {redeemed} orders were redeemed"
    );
    Ok(runs)
}

/// Against a trivial serenity bot (`program args…`), without a database: the floor that the
/// fake Discord, the gateway and serenity set.
pub async fn baseline(
    plan: &Plan,
    program: &std::path::Path,
    args: &[&str],
    workdir: &std::path::Path,
    progress: &Progress,
) -> anyhow::Result<Baseline> {
    progress.say("== baseline: the same load against a trivial serenity bot");
    let fake = FakeDiscord::start().await?;
    let tenants = seed::fake_world(
        &fake,
        plan.guilds,
        plan.active_guilds,
        plan.admins_per_guild,
    );
    let router = Router::start(&fake);
    let bot = BotProcess::start(
        program,
        args,
        &[],
        &fake,
        workdir,
        &workdir.join("trivial-bot.log"),
    )
    .await?;
    bot.wait_idle(Duration::from_secs(60)).await;
    let mut memory = MemoryReport {
        idle: bot.memory(),
        ..Default::default()
    };
    let sampler = sample_rss(bot.pid());
    let target = Target {
        fake: &fake,
        router: router.clone(),
        tenants: &tenants[..plan.active_guilds.min(tenants.len())],
        keys: Keys::default(),
        answer_timeout: plan.answer_timeout,
        bot_pid: Some(bot.pid()),
        database: None,
    };
    let say = |m: String| progress.say(format!("baseline: {m}"));
    let rates = fixed_rates(plan, KeySource::Dummy, &target, &say).await?;
    let max = max_rate(plan, KeySource::Dummy, &target, &rates, &say).await?;
    memory.max_rss_kib = sampler.stop().await;
    if let Some(m) = bot.memory() {
        memory.samples.push(("end".into(), m));
    }
    bot.stop(Duration::from_secs(10)).await;
    router.stop();
    Ok(Baseline {
        rates,
        max_rate: max,
        memory,
    })
}

/// Autovacuum, emulated: the PostgreSQL this was written on runs with `autovacuum = off`,
/// and a cached query plan is only replanned when its table's statistics change — a plan
/// made while `orders` held ten rows (a sequential scan) would otherwise stay for the whole
/// run as the table grows to tens of thousands. Every 15 s, like autovacuum with its
/// default thresholds: `ANALYZE` a table once more than 50 + 10 % of its rows changed,
/// `VACUUM` it once more than 50 + 20 % are dead.
struct Autovacuum {
    stop: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Autovacuum {
    fn start(pool: PgPool) -> Autovacuum {
        let stop = tokio_util::sync::CancellationToken::new();
        let token = stop.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = token.cancelled() => return,
                    _ = tokio::time::sleep(Duration::from_secs(15)) => {}
                }
                let _ = Autovacuum::pass(&pool).await;
            }
        });
        Autovacuum { stop, task }
    }

    /// One pass over the tables, as autovacuum's launcher would make it.
    async fn pass(pool: &PgPool) -> anyhow::Result<()> {
        let tables: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT relname::text, n_live_tup, n_dead_tup, n_mod_since_analyze
             FROM pg_stat_user_tables",
        )
        .fetch_all(pool)
        .await?;
        for (table, live, dead, changed) in tables {
            if dead as f64 > 50.0 + 0.2 * live as f64 {
                sqlx::query(&format!(r#"VACUUM "{table}""#))
                    .execute(pool)
                    .await?;
            }
            if changed as f64 > 50.0 + 0.1 * live as f64 {
                sqlx::query(&format!(r#"ANALYZE "{table}""#))
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// Samples the bot's `VmRSS` every 100 ms until stopped; returns the highest.
struct RssSampler {
    stop: tokio_util::sync::CancellationToken,
    task: tokio::task::JoinHandle<u64>,
}

fn sample_rss(pid: u32) -> RssSampler {
    let stop = tokio_util::sync::CancellationToken::new();
    let token = stop.clone();
    let task = tokio::spawn(async move {
        let mut max = 0;
        loop {
            if let Some(m) = process::memory(pid) {
                max = max.max(m.rss_kib);
            }
            tokio::select! {
                _ = token.cancelled() => return max,
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    });
    RssSampler { stop, task }
}

impl RssSampler {
    async fn stop(self) -> u64 {
        self.stop.cancel();
        self.task.await.unwrap_or(0)
    }
}

fn describe(memory: Option<Memory>) -> String {
    match memory {
        Some(m) => format!(
            "RSS {:.1} MiB (peak {:.1} MiB)",
            m.rss_kib as f64 / 1024.0,
            m.peak_kib as f64 / 1024.0
        ),
        None => "memory unknown".into(),
    }
}

/// What became of an overload run's interactions.
pub fn overload_summary(run: &RateRun) -> String {
    let a = &run.all;
    let share = |n: u64| 100.0 * n as f64 / a.sent.max(1) as f64;
    format!(
        "{} sent at {:.0}/s: {} answered in time ({:.1} %), {} refused at once as busy ({:.1} %, \
         slowest {}), {} late or unanswered ({:.1} %)",
        a.sent,
        run.achieved_rate,
        a.answered,
        share(a.answered),
        a.busy,
        share(a.busy),
        load::fmt_ms(a.busy_max),
        a.rejected + a.unanswered,
        share(a.rejected + a.unanswered)
    )
}

/// One line about an open-loop run.
pub fn summary(run: &RateRun) -> String {
    let per: Vec<String> = run
        .per_act
        .iter()
        .map(|s| format!("{} p99 {}", s.what, load::fmt_ms(s.p99)))
        .collect();
    format!(
        "{:.0}/s (achieved {:.0}/s): all p50 {} p99 {} max {}{}; {}; {}",
        run.target_rate,
        run.achieved_rate,
        load::fmt_ms(run.all.p50),
        load::fmt_ms(run.all.p99),
        load::fmt_ms(run.all.max),
        if run.all.busy > 0 {
            format!(", {} busy", run.all.busy)
        } else {
            String::new()
        },
        per.join(", "),
        report::cpu(&run.cpu)
    )
}
