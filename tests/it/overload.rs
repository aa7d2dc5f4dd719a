//! Steady under overload: a burst from one server that the process has room for is served,
//! not turned away; past its bounds of work in flight (`interactions.*`), the real bot
//! answers at once "licensebot is busy; try again in a moment. Nothing was changed." in the
//! user's language, changes nothing for those, and leaves none unanswered; one guild's
//! flood does not keep another guild's interaction from being handled.
//!
//! Where the bounds are made tiny, the slots are held deterministically: the test locks the
//! subscription row, so the admitted `/add-licenses` wait on it (and are deferred) for as
//! long as the test wants.

use chrono::Days;
use fake_discord::{
    serenity::all::{Permissions, UserId},
    CallbackKind, FakeDiscord, InteractionHandle, Response,
};
use licensebot::{config::Settings, domain::records};
use sqlx::{Connection as _, PgConnection};

use crate::{
    scale_out::{self, free_addr, sample, BotProcess, Setup},
    support::world::{answer, today, World, SKU, WAIT},
};

const BUSY_EN: &str = "licensebot is busy; try again in a moment. Nothing was changed.";
const BUSY_NL: &str = "licensebot heeft het druk; probeer het zo nog eens. Er is niets gewijzigd.";

fn tiny(max_in_flight: usize, per_guild: usize) -> Settings {
    let mut settings = Settings::default();
    settings.interactions.max_in_flight = max_in_flight;
    settings.interactions.max_in_flight_per_guild = per_guild;
    settings.interactions.max_waiting = 0;
    settings.interactions.max_wait_ms = 0;
    settings
}

/// Contoso's admin and 19 more admins of the same server.
fn twenty_admins(world: &World) -> Vec<UserId> {
    let mut admins = vec![world.admin];
    for i in 1..20 {
        admins.push(
            world
                .fake
                .add_member(world.guild, &format!("admin{i}"), &[world.admins]),
        );
    }
    admins
}

/// `/add-licenses` as `admin` on a bot with one slot and no waiting room, until it is
/// served: the previous interaction has answered, but may hold the slot a moment longer.
async fn review_in_one_slot(world: &World, admin: UserId, key: &str) -> InteractionHandle {
    for _ in 0..50 {
        let (review, message) = world
            .order(admin, "en-US", "add-licenses", "Contoso", key)
            .await;
        if message.text() != BUSY_EN {
            assert!(message.button("Redeem").is_some(), "{}", message.text());
            return review;
        }
    }
    panic!("a lone /add-licenses was never served");
}

/// Holds a subscription's row lock until dropped (rolled back).
struct RowLock(PgConnection);

impl RowLock {
    async fn take(database_url: &str, subscription: i64) -> RowLock {
        let mut conn = PgConnection::connect(database_url).await.unwrap();
        sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
        sqlx::query("SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE")
            .bind(subscription)
            .execute(&mut conn)
            .await
            .unwrap();
        RowLock(conn)
    }

    async fn release(mut self) {
        sqlx::query("ROLLBACK").execute(&mut self.0).await.unwrap();
    }
}

async fn open(
    fake: &FakeDiscord,
    guild: fake_discord::serenity::all::GuildId,
    user: UserId,
    locale: &str,
    subscription: i64,
    key: &str,
) -> InteractionHandle {
    fake.as_member(guild, user)
        .locale(locale)
        .command("add-licenses")
        .option("subscription", subscription.to_string())
        .option("keys", key)
        .send()
        .await
        .unwrap()
}

/// The first response (a deferral counts), without waiting for what follows it.
async fn first(run: &InteractionHandle) -> Response {
    run.wait_ack(WAIT).await.expect("the bot answered")
}

fn is_busy(response: &Response, text: &str) -> bool {
    response.kind == CallbackKind::ChannelMessage
        && response
            .message
            .as_ref()
            .is_some_and(|m| m.ephemeral && m.text() == text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_admins_of_one_server_opening_and_redeeming_at_once_are_all_served_and_every_redemption_commits(
) {
    // A server's share of the slots well below its burst: the process has room to spare.
    let mut settings = Settings::default();
    settings.interactions.max_in_flight_per_guild = 4;
    let world = World::with(settings, "en-US").await;
    let admins = twenty_admins(&world);
    let keys = world.keys(SKU, 1, "12m", admins.len()).await;
    let seats = world.seats().await;

    // Each admin runs /add-licenses at the same moment ...
    let mut opened = Vec::new();
    for (admin, key) in admins.iter().zip(&keys) {
        opened.push(
            open(
                &world.fake,
                world.guild,
                *admin,
                "en-US",
                world.subscription,
                key,
            )
            .await,
        );
    }
    for (i, run) in opened.iter().enumerate() {
        let review = answer(run).await;
        assert!(
            review.button("Redeem").is_some(),
            "admin {i}'s /add-licenses was served: {}",
            review.text()
        );
    }
    // ... and clicks Redeem at the same moment.
    let mut clicks = Vec::new();
    for run in &opened {
        clicks.push(run.click("Redeem").await.unwrap());
    }
    for (i, click) in clicks.iter().enumerate() {
        let receipt = answer(click).await;
        assert!(
            receipt.text().contains("Redeemed"),
            "admin {i}'s Redeem was served: {}",
            receipt.text()
        );
    }

    // Every redemption committed.
    assert_eq!(world.redemption_count().await, 20);
    assert_eq!(world.seats().await, seats + 20);
    for key in &keys {
        assert_eq!(world.key_state(key).await, "redeemed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_slot_and_no_waiting_room_twenty_admins_bursting_are_answered_busy_at_once_and_nothing_changes(
) {
    let world = World::with(tiny(1, 16), "en-US").await;
    let admins = twenty_admins(&world);
    let keys = world.keys(SKU, 1, "12m", 41).await;
    // Each admin has a review open, made one at a time.
    let mut reviews = Vec::new();
    for (admin, key) in admins.iter().zip(&keys[..20]) {
        reviews.push(review_in_one_slot(&world, *admin, key).await);
    }
    let seats = world.seats().await;

    // One order takes the only slot and waits on the subscription's row lock (deferred).
    let lock = RowLock::take(&world.db.url, world.subscription).await;
    let held = open(
        &world.fake,
        world.guild,
        world.admin,
        "en-US",
        world.subscription,
        &keys[40],
    )
    .await;
    assert_eq!(
        first(&held).await.kind,
        CallbackKind::DeferredChannelMessage
    );

    // The burst: each admin opens another order and clicks Redeem on the first, at once.
    let mut burst = Vec::new();
    for (admin, key) in admins.iter().zip(&keys[20..40]) {
        burst.push(
            open(
                &world.fake,
                world.guild,
                *admin,
                "en-US",
                world.subscription,
                key,
            )
            .await,
        );
    }
    for review in &reviews {
        burst.push(review.click("Redeem").await.unwrap());
    }
    // Each is answered busy while the slot is still held: none waited for it.
    for (i, run) in burst.iter().enumerate() {
        let response = first(run).await;
        assert!(
            is_busy(&response, BUSY_EN),
            "interaction {i} of the burst: {:?} {}",
            response.kind,
            response.text()
        );
    }
    lock.release().await;
    assert!(answer(&held).await.button("Redeem").is_some());

    // Nothing changed for the busy ones: no order opened, none redeemed, no key used.
    assert_eq!(
        world.order_count().await,
        21,
        "the 20 reviews + the held one"
    );
    assert_eq!(world.redemption_count().await, 0);
    assert_eq!(world.seats().await, seats);
    for key in &keys {
        assert_eq!(world.key_state(key).await, "available");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_past_a_tiny_bound_is_answered_busy_at_once_changes_nothing_and_leaves_none_unanswered(
) {
    let world = World::with(tiny(2, 2), "en-US").await;
    let keys = world.keys(SKU, 5, "12m", 12).await;
    // A review to click on while the bot is full.
    let (review, message) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &keys[0])
        .await;
    assert!(message.button("Redeem").is_some(), "{}", message.text());
    let seats = world.seats().await;

    // Two orders take both slots and wait on the subscription's row lock (deferred).
    let lock = RowLock::take(&world.db.url, world.subscription).await;
    let mut held = Vec::new();
    for key in &keys[1..3] {
        let run = open(
            &world.fake,
            world.guild,
            world.admin,
            "en-US",
            world.subscription,
            key,
        )
        .await;
        let response = first(&run).await;
        assert_eq!(response.kind, CallbackKind::DeferredChannelMessage);
        held.push(run);
    }

    // The burst: orders (one in Dutch), a Redeem click and an autocomplete.
    let mut burst = Vec::new();
    for (i, key) in keys[3..9].iter().enumerate() {
        let locale = if i == 0 { "nl" } else { "en-US" };
        let run = open(
            &world.fake,
            world.guild,
            world.admin,
            locale,
            world.subscription,
            key,
        )
        .await;
        burst.push((locale, run));
    }
    let click = review.click("Redeem").await.unwrap();
    let typed = world
        .fake
        .as_member(world.guild, world.admin)
        .command("add-licenses")
        .focused("subscription", "Con")
        .send()
        .await
        .unwrap();

    for (locale, run) in &burst {
        let response = first(run).await;
        let text = if *locale == "nl" { BUSY_NL } else { BUSY_EN };
        assert!(
            is_busy(&response, text),
            "{locale}: {:?} {}",
            response.kind,
            response.text()
        );
    }
    let clicked = first(&click).await;
    assert!(
        is_busy(&clicked, BUSY_EN),
        "the click: {:?} {}",
        clicked.kind,
        clicked.text()
    );
    let choices = first(&typed).await;
    assert_eq!(choices.kind, CallbackKind::AutocompleteResult);
    assert!(choices.choices.is_empty());

    // The held orders finish once the lock goes: every interaction was answered.
    lock.release().await;
    for run in &held {
        let message = answer(run).await;
        assert!(message.button("Redeem").is_some(), "{}", message.text());
    }

    // Nothing changed for the busy ones: no order opened for them, the clicked order is
    // still open and unredeemed, the seats are as they were.
    assert_eq!(
        world.order_count().await,
        3,
        "the review's order + the two held"
    );
    assert_eq!(world.redemption_count().await, 0);
    assert_eq!(world.seats().await, seats);
    // And the bot serves again: the same click now redeems.
    let again = review.click("Redeem").await.unwrap();
    let receipt = answer(&again).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert_eq!(world.redemption_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_guild_flooding_does_not_keep_another_guilds_interaction_from_being_handled() {
    let world = World::with(tiny(4, 2), "en-US").await;
    // A second guild, with its own admin and subscription.
    let other = world.fake.create_guild("Fabrikam", "en-US");
    let role = world
        .fake
        .create_role(other, "admins", Permissions::MANAGE_GUILD);
    let bob = world.fake.add_member(other, "bob", &[role]);
    let fabrikam = world
        .app
        .create_subscription(
            records::GuildId(other.get()),
            SKU,
            "Fabrikam",
            10,
            today() + Days::new(60),
        )
        .await
        .unwrap();
    let keys = world.keys(SKU, 1, "12m", 8).await;

    // Contoso floods: two orders hold its share (waiting on the row lock), four more come.
    let lock = RowLock::take(&world.db.url, world.subscription).await;
    let mut held = Vec::new();
    for key in &keys[..2] {
        let run = open(
            &world.fake,
            world.guild,
            world.admin,
            "en-US",
            world.subscription,
            key,
        )
        .await;
        assert_eq!(first(&run).await.kind, CallbackKind::DeferredChannelMessage);
        held.push(run);
    }
    let mut flood = Vec::new();
    for key in &keys[2..6] {
        flood.push(
            open(
                &world.fake,
                world.guild,
                world.admin,
                "en-US",
                world.subscription,
                key,
            )
            .await,
        );
    }
    // The two free slots are the other guilds' share, and there is no room to wait: each
    // flood interaction is answered (busy) before Fabrikam's comes. Had any of them taken
    // one of those slots instead, it would be waiting on the lock and deferred.
    for run in &flood {
        let response = first(run).await;
        assert!(
            is_busy(&response, BUSY_EN),
            "{:?} {}",
            response.kind,
            response.text()
        );
    }

    // Fabrikam's admin is served while Contoso's orders still hold their slots.
    let run = open(&world.fake, other, bob, "en-US", fabrikam.id, &keys[6]).await;
    let message = answer(&run).await;
    assert!(
        message.button("Redeem").is_some(),
        "Fabrikam was answered: {}",
        message.text()
    );

    lock.release().await;
    for run in &held {
        assert!(answer(run).await.button("Redeem").is_some());
    }
}

/// The value of an admission metric of `bot`, scraped over HTTP.
async fn admission_metric(bot: &BotProcess, series: &str) -> f64 {
    sample(&bot.scrape().await, series)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_an_interaction_past_its_servers_share_waits_for_room_while_another_server_is_served_at_once(
) {
    let s = Setup::new().await;
    let addr = free_addr();
    s.fake
        .set_interaction_endpoints([format!("http://{addr}/interactions")]);
    // Four slots, two of them Contoso's share; a wait as long as the bounds allow.
    let bot = BotProcess::start(
        "bot",
        &s.fake,
        &s.db,
        &["--http".into(), addr.to_string()],
        &[
            ("LICENSEBOT_INTERACTIONS__MAX_IN_FLIGHT", "4"),
            ("LICENSEBOT_INTERACTIONS__MAX_IN_FLIGHT_PER_GUILD", "2"),
            ("LICENSEBOT_INTERACTIONS__MAX_WAIT_MS", "1199"),
        ],
    )
    .await;
    s.fake
        .wait_for_commands(None, scale_out::WAIT)
        .await
        .expect("HTTP mode registers the commands at start");
    let keys = s.keys(1, 3).await;
    let other = s.fake.create_guild("Fabrikam", "en-US");
    let role = s
        .fake
        .create_role(other, "admins", Permissions::MANAGE_GUILD);
    let bob = s.fake.add_member(other, "bob", &[role]);

    // Two of Contoso's orders hold its share, waiting on the row lock (deferred).
    let lock = RowLock::take(&s.db.url, s.subscription).await;
    let mut held = Vec::new();
    for key in &keys[..2] {
        let run = open(&s.fake, s.guild, s.admin, "en-US", s.subscription, key).await;
        assert_eq!(first(&run).await.kind, CallbackKind::DeferredChannelMessage);
        held.push(run);
    }
    // A third waits for Contoso's room instead of being turned away.
    let third = open(&s.fake, s.guild, s.admin, "en-US", s.subscription, &keys[2]).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while admission_metric(&bot, "licensebot_interactions_waiting").await < 1.0 {
        if let Some(response) = third.response() {
            panic!(
                "the third order was answered before Contoso had room: {:?} {}",
                response.kind,
                response.text()
            );
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the third order waits"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // Fabrikam's admin is served at once, while Contoso's third still waits.
    let listed = s
        .fake
        .as_member(other, bob)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let message = answer(&listed).await;
    assert_ne!(message.text(), BUSY_EN, "Fabrikam was served");
    assert_eq!(
        admission_metric(&bot, "licensebot_interactions_waiting").await,
        1.0
    );
    assert!(third.response().is_none());

    // Contoso's held orders finish; the third gets their room and is served.
    lock.release().await;
    for run in &held {
        assert!(answer(run).await.button("Redeem").is_some());
    }
    let review = answer(&third).await;
    assert!(
        review.button("Redeem").is_some(),
        "the third order was served: {}",
        review.text()
    );
    let metrics = bot.scrape().await;
    assert_eq!(sample(&metrics, "licensebot_interactions_waiting"), 0.0);
    assert_eq!(
        sample(
            &metrics,
            "licensebot_interactions_admitted_after_waiting_total"
        ),
        1.0
    );
    assert!(
        !metrics.contains("licensebot_interactions_busy_total{"),
        "{metrics}"
    );
}
