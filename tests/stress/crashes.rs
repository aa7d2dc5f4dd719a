//! Crashes: `licensebot run`, a real separate process, is killed with SIGKILL at a random
//! moment of a redemption burst, again and again, and restarted each time; admins whose
//! click got no answer click again later, as people do after "interaction failed". Meanwhile
//! an admin of every guild assigns and unassigns licenses whose subscriptions carry a
//! linked role, so that role changes are queued, claimed and sent across the kills too.
//!
//! Promises checked after the last restart: the ledger adds up (as in the races); every
//! committed redemption has exactly one notice message in its channel — none lost, none
//! doubled — including a notice whose send went out but was never marked sent (the crash
//! window Discord's nonce dedupe exists for, replayed on purpose); no
//! order is left open past its expiry once the scheduler ran; every answer that was given
//! matches the ledger; the restarted bot serves again; and it stops cleanly on SIGTERM.
//! For seats (`seat_admins.rs`): the roles at the fake equal the assignments in PostgreSQL,
//! and every answer about a license is a change the history holds.

use std::{
    sync::{atomic::Ordering, Arc},
    time::{Duration, Instant},
};

use fake_discord::FakeDiscord;
use licensebot::{
    app::{App, Clock},
    store::Store,
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use tokio_util::sync::CancellationToken;

use super::harness::{
    bot_settings, check_answers, check_database, check_notices, collect_answers, mint,
    open_and_redeem, pending_notices, populate, settle_notices, stale_orders, start_admins, Act,
    Allow, ChildBot, Facts, Floor, Report, Size, Told,
};
use super::seat_admins::{self, SeatJournal};
use crate::support::db::TestDb;

#[derive(Debug, Clone)]
pub struct Config {
    pub size: Size,
    pub kills: u32,
    pub seed: u64,
    /// A kill lands this long after the burst starts, uniformly at random.
    pub burst: std::ops::Range<Duration>,
    pub order_lifetime_seconds: u64,
    /// `notices.lease_seconds`: only the fallback for a claimer that hangs; a killed
    /// process's claims come back when its connection closes.
    pub lease_seconds: u64,
    pub response_deadline: Duration,
    /// Members per guild whom the seat admins assign licenses to.
    pub members_per_guild: usize,
    /// How long the fake takes to answer a member role `PUT` or `DELETE` it has carried out,
    /// so that kills also land while role changes are claimed, and after Discord made one
    /// but before the bot heard so.
    pub role_latency: Duration,
    /// The outbox and the role queue must be drained of what the killed processes left
    /// within this long after each restart (the program judges it; the test only reports
    /// it).
    pub drain_limit: Option<Duration>,
}

impl Config {
    /// 50 kills.
    pub fn full(seed: u64) -> Config {
        Config {
            size: Size {
                guilds: 4,
                admins_per_guild: 5,
                keys: 20_000,
            },
            kills: 50,
            seed,
            burst: Duration::from_millis(100)..Duration::from_millis(2500),
            order_lifetime_seconds: 20,
            lease_seconds: 60,
            response_deadline: Duration::from_secs(3),
            members_per_guild: 12,
            role_latency: Duration::from_millis(150),
            drain_limit: Some(Duration::from_secs(10)),
        }
    }

    /// 5 kills; a relaxed response deadline (timing decides nothing in a test).
    pub fn test(seed: u64) -> Config {
        Config {
            size: Size {
                guilds: 2,
                admins_per_guild: 4,
                keys: 1000,
            },
            kills: 5,
            seed,
            burst: Duration::from_millis(100)..Duration::from_millis(2000),
            order_lifetime_seconds: 10,
            lease_seconds: 60,
            response_deadline: Duration::from_secs(60),
            members_per_guild: 6,
            role_latency: Duration::from_millis(150),
            drain_limit: None,
        }
    }
}

pub async fn run(config: Config) -> Report {
    let mut report = Report::new("crashes: SIGKILL during redemption bursts");
    let size = config.size;
    report.figure(
        "world",
        format!(
            "{} keys, {} admins across {} guilds ({} members each, one role linked per \
             subscription, role changes answered in {} ms), {} kills, notice and role claim \
             lease {} s, seed {}",
            size.keys,
            size.guilds * size.admins_per_guild,
            size.guilds,
            config.members_per_guild,
            config.role_latency.as_millis(),
            config.kills,
            config.lease_seconds,
            config.seed
        ),
    );
    let fake = Arc::new(
        FakeDiscord::builder()
            .response_deadline(config.response_deadline)
            .start()
            .await
            .expect("the fake Discord starts"),
    );
    let db = TestDb::new().await;
    let settings = bot_settings();
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(settings),
        Clock::System,
    );
    let (tenants, pools) = populate(&fake, &app, size, config.seed).await;
    let seats =
        Arc::new(seat_admins::prepare(&fake, &app, &tenants, config.members_per_guild).await);
    for method in ["PUT", "DELETE"] {
        fake.set_reply_latency(method, "/guilds/*/members/*/roles/*", config.role_latency);
    }
    let seat_journal = Arc::new(SeatJournal::default());
    // A key nobody else has, for the check that the last bot serves again.
    let probe_keys = mint(&app, 1, "probe").await;
    let workdir = tempfile::tempdir().expect("a working directory for the bot");
    let log = workdir.path().join("licensebot.log");
    let env = [
        (
            "LICENSEBOT_ORDERS__LIFETIME_SECONDS",
            config.order_lifetime_seconds.to_string(),
        ),
        ("LICENSEBOT_LIFECYCLE__TICK_SECONDS", "1".to_string()),
        ("LICENSEBOT_LOCKOUT__THRESHOLD", "1000000".to_string()),
        ("LICENSEBOT_NOTICES__POLL_SECONDS", "1".to_string()),
        (
            "LICENSEBOT_NOTICES__LEASE_SECONDS",
            config.lease_seconds.to_string(),
        ),
    ];
    let start_bot = || ChildBot::start(&fake, &db.url, workdir.path(), &log, &env);

    let mut floor = Floor::new(fake.clone(), tenants, pools, None);
    floor.pause = Some(Duration::from_millis(50)..Duration::from_millis(300));
    let floor = Arc::new(floor);
    let mut rng = StdRng::seed_from_u64(config.seed);
    let started = Instant::now();
    let mut kill_points = Vec::new();
    // After each kill, how long from the next start until what the killed process left in
    // the outbox (its claims included) was sent: (left pending, drained after).
    let mut restarts = Vec::new();
    // The same for role changes: (left pending, drained after).
    let mut role_restarts = Vec::new();
    for round in 0..config.kills {
        floor.epoch.store(round, Ordering::SeqCst);
        if round > 0 {
            let left: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM notices")
                .fetch_one(&db.pool)
                .await
                .expect("reading the outbox");
            let pending = pending_up_to(&db.pool, left).await;
            let watch = tokio::spawn(drained(db.pool.clone(), left, Instant::now()));
            restarts.push((pending, watch));
            let now = chrono::Utc::now();
            let roles = seat_admins::pending_roles(&db.pool, Some(now)).await;
            let watch = tokio::spawn(seat_admins::roles_drained(
                db.pool.clone(),
                now,
                Instant::now(),
            ));
            role_restarts.push((roles, watch));
        }
        let mut bot = start_bot().await;
        let (stop, abandon) = (CancellationToken::new(), CancellationToken::new());
        let seed = config.seed + u64::from(round);
        let mut admins = start_admins(&floor, seed, &stop, &abandon);
        admins.extend(seat_admins::start(
            &floor,
            &seats,
            &seat_journal,
            seed,
            &stop,
            &abandon,
        ));
        let at = rng.gen_range(config.burst.clone());
        tokio::time::sleep(at).await;
        bot.kill().await;
        kill_points.push(at);
        stop.cancel();
        // Whatever the dead process sent before it died has reached the fake by now;
        // nothing else will come.
        tokio::time::sleep(Duration::from_millis(300)).await;
        abandon.cancel();
        for admin in admins {
            admin.await.expect("an admin task panicked");
        }
    }
    let burst_time = started.elapsed();
    floor.epoch.store(config.kills, Ordering::SeqCst);
    // What the killed processes left in the outbox: every notice written so far that is
    // still pending, including those the last one had claimed when it died.
    let left: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM notices")
        .fetch_one(&db.pool)
        .await
        .expect("reading the outbox");
    let left_pending = pending_up_to(&db.pool, left).await;
    // Timed from the moment the last process is started, its start-up included.
    let restarted = Instant::now();
    let drain = tokio::spawn(drained(db.pool.clone(), left, restarted));
    let roles_at = chrono::Utc::now();
    let roles_left = seat_admins::pending_roles(&db.pool, Some(roles_at)).await;
    let roles_drain = tokio::spawn(seat_admins::roles_drained(
        db.pool.clone(),
        roles_at,
        restarted,
    ));
    let bot = start_bot().await;

    // The last bot serves: one more burst, stopped normally (every answer awaited), and a
    // probe order on a key of its own.
    let (stop, abandon) = (CancellationToken::new(), CancellationToken::new());
    let mut admins = start_admins(&floor, config.seed + 999, &stop, &abandon);
    admins.extend(seat_admins::start(
        &floor,
        &seats,
        &seat_journal,
        config.seed + 999,
        &stop,
        &abandon,
    ));
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.cancel();
    for admin in admins {
        admin.await.expect("an admin task panicked");
    }
    let admin = floor.tenants[0].admins[0];
    let probe = open_and_redeem(&floor, 0, admin, probe_keys).await;
    report.check(probe == Told::Receipt, || {
        format!("after the last restart, a fresh order was answered {probe:?}")
    });

    // No order left open (the last one expires `lifetime` after it opened; the scheduler
    // closes it within a tick or two), and every notice delivered (those a killed process
    // had claimed come back as soon as its connection is closed).
    let settling = Instant::now();
    let lifetime = Duration::from_secs(config.order_lifetime_seconds);
    let deadline = settling + Duration::from_secs(180);
    let (mut stale, mut pending, mut roles) = (i64::MAX, i64::MAX, i64::MAX);
    while Instant::now() < deadline {
        stale = stale_orders(&db.pool).await;
        pending = pending_notices(&db.pool).await;
        roles = seat_admins::pending_roles(&db.pool, None).await;
        if settling.elapsed() > lifetime + Duration::from_secs(3)
            && stale == 0
            && pending == 0
            && roles == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    report.check(stale == 0, || {
        format!("{stale} order(s) still open past their expiry")
    });
    report.check(pending == 0, || {
        format!("{pending} notice(s) still pending 180 s after the last restart")
    });
    report.check(roles == 0, || {
        format!("{roles} role change(s) still pending 180 s after the last restart")
    });
    let roles_drained_after = roles_drain.await.expect("the role queue watcher panicked");
    report.figure(
        "role changes the killed processes left, sent after the last restart",
        match roles_drained_after {
            Some(d) => format!(
                "{:.1} s ({roles_left} left pending or claimed)",
                d.as_secs_f64()
            ),
            None => format!("not within 180 s ({roles_left} left)"),
        },
    );
    let slowest = Slowest::of(role_restarts).await;
    report.figure(
        "role changes left by a killed process, sent after its restart, the slowest",
        slowest.describe("role changes", config.kills),
    );
    if let Some(limit) = config.drain_limit {
        // The limit, plus the time the changes take to send one after another: what is
        // judged is that nothing waits for a dead process's claim, not the queue's pace.
        // (`after`: `None` when not sent within 180 s.)
        let within = |left: i64, after: Option<Duration>| {
            let allowed = limit + config.role_latency * u32::try_from(left).unwrap_or(u32::MAX);
            after.is_some_and(|d| d <= allowed)
        };
        let mut cases = vec![("the last restart", roles_left, roles_drained_after)];
        cases.extend(
            slowest
                .each
                .iter()
                .map(|&(left, after)| ("a restart", left, after)),
        );
        for (when, left, after) in cases {
            report.check(within(left, after), || {
                format!(
                    "the {left} role change(s) the killed processes left were not all sent \
                     within {limit:?} plus {:?} each of {when}: {after:?}",
                    config.role_latency
                )
            });
        }
    }
    let drained_after = drain.await.expect("the outbox watcher panicked");
    report.figure(
        "outbox drained after the last restart",
        match drained_after {
            Some(d) => format!(
                "{:.1} s ({left_pending} notices left pending by the killed processes)",
                d.as_secs_f64()
            ),
            None => format!("not within 180 s ({left_pending} left pending)"),
        },
    );
    if let Some(limit) = config.drain_limit {
        report.check(drained_after.is_some_and(|d| d <= limit), || {
            format!(
                "the notices the killed processes left were not all sent within {limit:?} of \
                 the last restart: {drained_after:?}"
            )
        });
    }
    let worst = Slowest::of(restarts).await;
    report.figure(
        "outbox drained after each restart, the slowest",
        worst.describe("notices", config.kills),
    );
    if let (Some(limit), Some((after, _))) = (config.drain_limit, worst.worst) {
        report.check(after.is_some_and(|d| d <= limit), || {
            format!(
                "after a restart, the notices a killed process left were not all sent within \
                 {limit:?}: {after:?}"
            )
        });
    }
    report.figure("orders open past their expiry at the end", stale);
    report.figure(
        "settled (orders expired, outbox empty) after",
        format!("{:.1} s", settling.elapsed().as_secs_f64()),
    );
    let posts = fake.requests_to("POST", "/channels/*/messages").len();
    let messages: usize = floor
        .tenants
        .iter()
        .map(|t| fake.channel_messages(t.notices).len())
        .sum();
    report.figure(
        "notices sent twice (by a killed process and again) and deduplicated by the nonce",
        posts.saturating_sub(messages),
    );

    // The crash window itself, replayed: notices Discord accepted but that were never
    // marked sent (the process died in between) must be sent again with the same nonce,
    // and Discord must keep only the first message.
    let replayed: Vec<i64> = sqlx::query_scalar(
        "UPDATE notices SET state = 'pending', next_attempt_at = now(), sent_at = NULL,
                channel_id = NULL, message_id = NULL
         WHERE id IN (SELECT id FROM notices WHERE state = 'sent' ORDER BY sent_at DESC LIMIT 3)
         RETURNING id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("replaying the crash window");
    let delivered = settle_notices(&db.pool, Duration::from_secs(30)).await;
    report.check(delivered, || "replayed notices not delivered again".into());
    report.figure(
        "then replayed on purpose: sent notices made pending again, as if killed between send and mark",
        replayed.len(),
    );

    let answers = collect_answers(&fake, &floor.journal);
    let facts = Facts::read(&db.pool).await;
    let clicks = answers
        .iter()
        .filter(|a| matches!(a.sent.act, Act::Redeem { .. }))
        .count();
    let lost = answers
        .iter()
        .filter(|a| matches!(a.told, Told::Nothing | Told::OnlyDeferred))
        .count();
    let max_kill = kill_points.iter().max().copied().unwrap_or_default();
    report.figure(
        "bursts",
        format!(
            "{} kills in {:.1} s, each {}–{} ms into its burst",
            config.kills,
            burst_time.as_secs_f64(),
            kill_points
                .iter()
                .min()
                .copied()
                .unwrap_or_default()
                .as_millis(),
            max_kill.as_millis()
        ),
    );
    report.figure(
        "interactions",
        format!(
            "{} ({clicks} Redeem clicks); {lost} unanswered because their process was killed",
            answers.len()
        ),
    );
    check_answers(
        &answers,
        &facts,
        Allow {
            lost_answers: true,
            internal_errors: false,
        },
        &mut report,
    );
    // Only the killed processes may leave interactions unanswered.
    let last = config.kills;
    let unanswered_by_last = answers
        .iter()
        .filter(|a| a.sent.epoch == last && matches!(a.told, Told::Nothing | Told::OnlyDeferred))
        .count();
    report.check(unanswered_by_last == 0, || {
        format!("{unanswered_by_last} interaction(s) unanswered by the bot that was not killed")
    });
    check_database(&db.pool, &floor.tenants, &facts, &mut report).await;
    check_notices(&fake, &db.pool, &floor.tenants, &facts, &mut report).await;
    seat_admins::check(
        &fake,
        &db.pool,
        &floor.tenants,
        &seats,
        &seat_journal,
        config.kills,
        &mut report,
    )
    .await;

    match bot.terminate(Duration::from_secs(30)).await {
        Ok(status) => report.check(status.success(), || {
            format!("licensebot exited with {status} on SIGTERM")
        }),
        Err(e) => report.violation(e),
    }
    if !report.violations.is_empty() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let panics = text.lines().filter(|l| l.contains("panicked")).count();
        report.figure("panics in the bot's log", panics);
        // Keep the log for a look.
        let kept = std::env::temp_dir().join(format!("licensebot-crashes-{}.log", config.seed));
        let _ = std::fs::copy(&log, &kept);
        report.figure("bot log kept at", kept.display());
    }
    report
}

/// Of the restarts that found something left by the killed process, the slowest to send it.
struct Slowest {
    /// (sent after, how many were left then); `None` after: not within 180 s.
    worst: Option<(Option<Duration>, i64)>,
    /// How many restarts found something left, and the most any found.
    with_left: usize,
    most_left: i64,
    /// Every restart that found something left: (left then, sent after).
    each: Vec<(i64, Option<Duration>)>,
}

impl Slowest {
    /// From each restart's (left then, watcher of how long until it was sent).
    async fn of(restarts: Vec<(i64, tokio::task::JoinHandle<Option<Duration>>)>) -> Slowest {
        let mut slowest = Slowest {
            worst: None,
            with_left: 0,
            most_left: 0,
            each: Vec::new(),
        };
        for (left, watch) in restarts {
            let after = watch.await.expect("a queue watcher panicked");
            if left == 0 {
                continue;
            }
            slowest.with_left += 1;
            slowest.each.push((left, after));
            slowest.most_left = slowest.most_left.max(left);
            // None (not sent in 180 s) is the worst.
            let worse = match slowest.worst {
                None => true,
                Some((w, _)) => w.is_some() && after.is_none_or(|a| Some(a) > w),
            };
            if worse {
                slowest.worst = Some((after, left));
            }
        }
        slowest
    }

    fn describe(&self, what: &str, kills: u32) -> String {
        match self.worst {
            Some((Some(d), n)) => format!(
                "{:.1} s ({n} {what} left then; {} of {kills} restarts found {what} left, at \
                 most {})",
                d.as_secs_f64(),
                self.with_left,
                self.most_left
            ),
            Some((None, n)) => format!("not within 180 s ({n} {what} left)"),
            None => format!("no restart found {what} left"),
        }
    }
}

/// Notices up to `id` still pending.
async fn pending_up_to(pool: &sqlx::PgPool, id: i64) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM notices WHERE state = 'pending' AND id <= $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap_or(i64::MAX)
}

/// How long after `since` no notice up to `id` was pending any more (polled every 100 ms;
/// `None` if that took more than 180 s).
async fn drained(pool: sqlx::PgPool, id: i64, since: Instant) -> Option<Duration> {
    while since.elapsed() < Duration::from_secs(180) {
        if pending_up_to(&pool, id).await == 0 {
            return Some(since.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
