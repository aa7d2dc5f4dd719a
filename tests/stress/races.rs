//! Races: admins in many guilds click Redeem on orders that share keys — double and
//! triple clicks, retries, the same key in competing orders of one guild and of different
//! guilds — through the fake Discord, against the real bot and PostgreSQL.
//!
//! Promises checked: every key redeemed at most once; Σ seats added = Σ seats of the
//! redeemed keys (and no lost update on any subscription); every click's answer matches
//! the ledger (a receipt ↔ that order redeemed, exactly once; "already redeemed"/"already
//! used" ↔ not, naming the right key and user); every interaction answered; one notice
//! message per redemption.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use fake_discord::FakeDiscord;
use licensebot::{
    app::{App, Clock},
    store::Store,
};
use tokio_util::sync::CancellationToken;

use super::harness::{
    bot_settings, check_answers, check_database, check_notices, collect_answers, latency_summary,
    populate, settle_notices, start_admins, Act, Allow, Facts, Floor, InProcessBot, Report, Size,
};
use crate::support::db::TestDb;

#[derive(Debug, Clone)]
pub struct Config {
    pub size: Size,
    pub clicks: i64,
    pub seed: u64,
    /// How long after an interaction Discord accepts its first response.
    pub response_deadline: Duration,
}

impl Config {
    /// 1,000 keys, 200 admins across 20 guilds, 10,000 Redeem clicks; Discord's 3 s.
    pub fn full(seed: u64) -> Config {
        Config {
            size: Size {
                guilds: 20,
                admins_per_guild: 10,
                keys: 1000,
            },
            clicks: 10_000,
            seed,
            response_deadline: Duration::from_secs(3),
        }
    }

    /// 100 keys, 20 admins across 4 guilds, 600 clicks. The response deadline is relaxed
    /// so that a slow or busy machine cannot fail the test: timing decides nothing here.
    pub fn test(seed: u64) -> Config {
        Config {
            size: Size {
                guilds: 4,
                admins_per_guild: 5,
                keys: 100,
            },
            clicks: 600,
            seed,
            response_deadline: Duration::from_secs(60),
        }
    }
}

pub async fn run(config: Config) -> Report {
    let mut report = Report::new("races: competing Redeem clicks");
    let size = config.size;
    report.figure(
        "world",
        format!(
            "{} keys, {} admins across {} guilds (2 subscriptions each), {} Redeem clicks, seed {}",
            size.keys,
            size.guilds * size.admins_per_guild,
            size.guilds,
            config.clicks,
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
        Arc::new(settings.clone()),
        Clock::System,
    );
    let (tenants, pools) = populate(&fake, &app, size, config.seed).await;
    // The bot gets a pool of its own, as `licensebot run` makes it.
    let bot_store = Store::connect(&db.url, settings.database.max_connections)
        .await
        .expect("the bot's pool");
    let bot = InProcessBot::start(
        &fake,
        App::assemble(bot_store, Arc::new(settings), Clock::System),
    )
    .await;

    let mut floor = Floor::new(fake.clone(), tenants, pools, Some(config.clicks));
    // Admins read their review before clicking Redeem: meanwhile others open orders with
    // the same keys, which then compete.
    floor.reading = Some(Duration::ZERO..Duration::from_millis(1500));
    let floor = Arc::new(floor);
    let started = Instant::now();
    let (stop, abandon) = (CancellationToken::new(), CancellationToken::new());
    for task in start_admins(&floor, config.seed, &stop, &abandon) {
        task.await.expect("an admin task panicked");
    }
    let elapsed = started.elapsed();
    let delivered = settle_notices(&db.pool, Duration::from_secs(120)).await;
    report.check(delivered, || "notices still pending after 120 s".into());
    report.check(bot.is_running(), || "the bot stopped by itself".into());

    let answers = collect_answers(&fake, &floor.journal);
    let clicks: Vec<_> = answers
        .iter()
        .filter(|a| matches!(a.sent.act, Act::Redeem { .. }))
        .collect();
    let opens = answers.iter().filter(|a| a.sent.act == Act::Open).count();
    let stale = clicks
        .iter()
        .filter(|a| a.sent.act == Act::Redeem { stale: true })
        .count();
    report.figure(
        "interactions",
        format!(
            "{} ({opens} /add-licenses, {} Redeem clicks of which {stale} again on a review already answered) in {:.1} s",
            answers.len(),
            clicks.len(),
            elapsed.as_secs_f64()
        ),
    );
    let (again, first): (Vec<_>, Vec<_>) = clicks
        .iter()
        .copied()
        .partition(|a| a.sent.act == Act::Redeem { stale: true });
    report.figure(
        "Redeem answer latency, first clicks",
        latency_summary(&first),
    );
    report.figure(
        "Redeem answer latency, clicks again",
        latency_summary(&again),
    );
    let facts = Facts::read(&db.pool).await;
    check_answers(&answers, &facts, Allow::default(), &mut report);
    check_database(&db.pool, &floor.tenants, &facts, &mut report).await;
    check_notices(&fake, &db.pool, &floor.tenants, &facts, &mut report).await;
    if let Err(e) = bot.stop().await {
        report.violation(e);
    }
    report
}
