//! Steady under overload: past its bounds of work in flight (`interactions.*`), the real
//! bot answers at once "licensebot is busy; try again in a moment. Nothing was changed." in
//! the user's language, changes nothing for those, and leaves none unanswered; one guild's
//! flood does not keep another guild's interaction from being handled.
//!
//! The bounds are made tiny, and the slots are held deterministically: the test locks the
//! subscription row, so the admitted `/add-licenses` wait on it (and are deferred) for as
//! long as the test wants.

use chrono::Days;
use fake_discord::{
    serenity::all::{Permissions, UserId},
    CallbackKind, InteractionHandle, Response,
};
use licensebot::{config::Settings, domain::records};
use sqlx::{Connection as _, PgConnection};

use crate::support::world::{answer, today, World, SKU, WAIT};

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

/// Holds a subscription's row lock until dropped (rolled back).
struct RowLock(PgConnection);

impl RowLock {
    async fn take(world: &World, subscription: i64) -> RowLock {
        let mut conn = PgConnection::connect(&world.db.url).await.unwrap();
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
    world: &World,
    guild: fake_discord::serenity::all::GuildId,
    user: UserId,
    locale: &str,
    subscription: i64,
    key: &str,
) -> InteractionHandle {
    world
        .fake
        .as_member(guild, user)
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
    let lock = RowLock::take(&world, world.subscription).await;
    let mut held = Vec::new();
    for key in &keys[1..3] {
        let run = open(
            &world,
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
            &world,
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
    let lock = RowLock::take(&world, world.subscription).await;
    let mut held = Vec::new();
    for key in &keys[..2] {
        let run = open(
            &world,
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
                &world,
                world.guild,
                world.admin,
                "en-US",
                world.subscription,
                key,
            )
            .await,
        );
    }
    // Each flood interaction is answered (busy) before Fabrikam's comes: had any of them
    // taken a slot instead, it would be waiting on the lock and deferred.
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
    let run = open(&world, other, bob, "en-US", fabrikam.id, &keys[6]).await;
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
