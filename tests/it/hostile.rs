//! Hostile input, end to end through the fake Discord: forged custom_ids, another guild's
//! ids, clicks on someone else's order, members without the permission behind a forged
//! client, oversized and control-character text, odd subscription option values, direct
//! messages. Each is refused with a clear message, changes nothing in the database, and
//! the bot keeps answering. Also: a lockout survives a restart, and the operator's
//! listings trace every redemption and refused attempt to its guild, user and time.
//!
//! (`e2e` already covers a forged Redeem, another guild's order id on Redeem, a
//! click on Redeem by another admin, `/add-licenses` by a member without Manage Server and
//! `/subscriptions` from a DM.)

use std::time::Duration;

use chrono::{DateTime, Days, Utc};
use fake_discord::{
    serenity::all::{GuildId, MessageId, Permissions, UserId},
    CallbackKind, InteractionHandle, StoredMessage,
};
use licensebot::domain::records;
use serde_json::Value;

use crate::support::world::{answer, today, World, SKU, WAIT};

const NOT_ALLOWED: &str = "You need the Manage Server permission, or the manager role";
const SETTINGS_NOT_ALLOWED: &str =
    "You need the Manage Server permission to change licensebot's settings";
const NO_SUCH_SUBSCRIPTION: &str = "This server has no such subscription";
const NO_SUCH_ORDER: &str = "This order doesn't exist in this server";
const STALE_BUTTON: &str = "This button is no longer valid";
const NOT_YOURS: &str = "This order belongs to someone else";
const NOT_IN_GUILD: &str = "licensebot works in servers only";
const LOCKED_OUT: &str = "Too many product keys were refused";
const INTERNAL: &str = "Something went wrong";

/// Every row a refusal must leave alone, as text: products, keys, subscriptions, settings,
/// orders and their keys, the ledger, the outbox and lockouts. (Refused key attempts are
/// recorded by design, for the audit trail and the lockout: see [`attempts`].) Columns
/// that background work may touch (a notice's delivery state) are left out.
async fn db_state(world: &World) -> String {
    const TABLES: &[(&str, &str)] = &[
        ("products", "sku, name, max_seats"),
        ("product_keys", "id, state, redeemed_at, revoked_at"),
        (
            "subscriptions",
            "id, guild_id, product_sku, name, seats, ends_on, updated_at",
        ),
        (
            "guild_settings",
            "guild_id, notice_channel_id, manager_role_id, locale",
        ),
        (
            "orders",
            "id, guild_id, user_id, subscription_id, kind, state, expires_at, closed_at",
        ),
        ("order_keys", "order_id, key_id, position"),
        (
            "redemptions",
            "id, order_id, guild_id, user_id, seats_after, ends_after",
        ),
        ("redemption_keys", "redemption_id, key_id"),
        ("notices", "id, guild_id, dedupe_key, kind"),
        ("lockouts", "guild_id, user_id, locked_until"),
    ];
    let mut out = String::new();
    for (table, columns) in TABLES {
        let sql = format!(
            "SELECT coalesce(string_agg(r, E'\\n' ORDER BY r), '') FROM \
             (SELECT concat_ws(' | ', {columns}) AS r FROM {table}) AS rows"
        );
        let rows: String = sqlx::query_scalar(&sql)
            .fetch_one(&world.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.push_str(&format!("== {table}\n{rows}\n"));
    }
    out
}

/// Refused key attempts recorded so far (the audit trail).
async fn attempts(world: &World) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM key_attempts")
        .fetch_one(&world.db.pool)
        .await
        .unwrap()
}

/// What every refusal has in common: an ephemeral message that says `expected`, neither an
/// error id nor anything the admin did not send.
fn assert_refused(reply: &StoredMessage, expected: &str, what: &str) {
    let text = reply.text();
    assert!(
        text.contains(expected),
        "{what}: expected {expected:?} in {text:?}"
    );
    assert!(
        !text.contains(INTERNAL),
        "{what}: an internal error: {text}"
    );
    assert!(reply.ephemeral, "{what}: the refusal is ephemeral");
    assert!(
        reply.buttons().is_empty(),
        "{what}: a refusal has no buttons"
    );
}

/// At most 40 characters of `text`, escaped, for messages.
fn short(text: &str) -> String {
    format!("{:?}", text.chars().take(40).collect::<String>())
}

/// The bot still answers: `/subscriptions` as the world's admin.
async fn assert_keeps_answering(world: &World) {
    let run = world
        .fake
        .as_member(world.guild, world.admin)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let text = answer(&run).await.text();
    assert!(text.contains("Your products"), "{text}");
}

/// A fresh admin of the world's guild (so refused keys never add up to a lockout).
fn new_admin(world: &World, name: &str) -> UserId {
    world.fake.add_member(world.guild, name, &[world.admins])
}

/// `/add-licenses` or `/extend` by `user`, sent as a forged client would (past the
/// command's permissions and the options' registered lengths).
async fn forged_order(
    world: &World,
    user: UserId,
    command: &str,
    subscription: &str,
    keys: &str,
) -> InteractionHandle {
    world
        .fake
        .as_member(world.guild, user)
        .command(command)
        .option("subscription", subscription)
        .option("keys", keys)
        .forged()
        .send()
        .await
        .unwrap()
}

/// A click on `message` with any custom_id, as `user` of `guild`.
async fn forged_click(
    world: &World,
    guild: GuildId,
    user: UserId,
    message: MessageId,
    custom_id: &str,
) -> StoredMessage {
    let click = world
        .fake
        .as_member(guild, user)
        .forge_click(message, custom_id)
        .await
        .unwrap();
    answer(&click).await
}

/// Waits until the bot recorded the guild (it does on GUILD_CREATE), so that no later
/// state comparison sees that row appear.
async fn wait_guild_known(world: &World, guild: GuildId) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM guild_settings WHERE guild_id = $1)")
                .bind(guild.get() as i64)
                .fetch_one(&world.db.pool)
                .await
                .unwrap();
        if known || tokio::time::Instant::now() > deadline {
            assert!(known, "the bot recorded guild {guild}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A second guild, Fabrikam, with its admin Eve, its subscription and an open order of
/// Eve's (whose review message is returned).
struct Fabrikam {
    guild: GuildId,
    eve: UserId,
    subscription: i64,
    order: uuid::Uuid,
    review: StoredMessage,
}

async fn fabrikam(world: &World) -> Fabrikam {
    let guild = world.fake.create_guild("Fabrikam", "en-US");
    let admins = world
        .fake
        .create_role(guild, "admins", Permissions::MANAGE_GUILD);
    let eve = world.fake.add_member(guild, "eve", &[admins]);
    let sub = world
        .app
        .create_subscription(
            records::GuildId(guild.get()),
            SKU,
            "Fabrikam",
            5,
            today() + Days::new(30),
        )
        .await
        .unwrap();
    // One redemption in Fabrikam's ledger, so that a leak would have something to show.
    let keys = world.keys(SKU, 1, "12m", 2).await;
    for key in &keys {
        let run = world
            .fake
            .as_member(guild, eve)
            .command("add-licenses")
            .option("subscription", "Fabrikam")
            .option("keys", key.as_str())
            .send()
            .await
            .unwrap();
        let review = answer(&run).await;
        assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
        if key == &keys[0] {
            let receipt = answer(&run.click("Redeem").await.unwrap()).await;
            assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
        }
    }
    wait_guild_known(world, guild).await;
    let order: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM orders WHERE guild_id = $1 AND state = 'open'")
            .bind(guild.get() as i64)
            .fetch_one(&world.db.pool)
            .await
            .unwrap();
    let review = world
        .fake
        .all_messages()
        .into_iter()
        .rev()
        .find(|m| m.guild_id == Some(guild) && m.button("Redeem").is_some())
        .expect("Eve's open review");
    Fabrikam {
        guild,
        eve,
        subscription: sub.id,
        order,
        review,
    }
}

/// An open order of `user` on Contoso with one fresh key: its command and review.
async fn open_order(world: &World, user: UserId) -> (InteractionHandle, StoredMessage, uuid::Uuid) {
    let key = world.keys(SKU, 2, "12m", 1).await.remove(0);
    let (run, review) = world
        .order(user, "en-US", "add-licenses", "Contoso", &key)
        .await;
    assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
    let order: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM orders WHERE user_id = $1 AND state = 'open' ORDER BY created_at DESC LIMIT 1",
    )
    .bind(user.get() as i64)
    .fetch_one(&world.db.pool)
    .await
    .unwrap();
    (run, review, order)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_custom_ids_of_every_shape_are_refused_and_change_nothing() {
    let world = World::new().await;
    let (run, review, order) = open_order(&world, world.admin).await;
    let before = db_state(&world).await;
    let upper = order.to_string().to_uppercase();
    let cases: Vec<(String, &str)> = vec![
        // Not the canonical spelling of the id, or a part that belongs elsewhere.
        (format!("order:{upper}:redeem"), STALE_BUTTON),
        (format!("order:{}:redeem", order.simple()), STALE_BUTTON),
        (format!("order:{order}:keys"), STALE_BUTTON),
        (format!("order:{order}:redeem:"), STALE_BUTTON),
        (format!("order:{order}:Redeem"), STALE_BUTTON),
        (format!(" order:{order}:redeem"), STALE_BUTTON),
        (format!("order:{order}:redeem\u{0}"), STALE_BUTTON),
        // Orders that do not exist, for every action.
        (
            format!("order:{}:cancel", uuid::Uuid::new_v4()),
            NO_SUCH_ORDER,
        ),
        (format!("order:{}:add", uuid::Uuid::new_v4()), NO_SUCH_ORDER),
        (format!("order:{}:redeem", uuid::Uuid::nil()), NO_SUCH_ORDER),
        // Injection-shaped text, odd characters, nothing at all.
        ("order:' OR '1'='1:redeem".into(), STALE_BUTTON),
        (
            "order:1; DELETE FROM orders; --:cancel".into(),
            STALE_BUTTON,
        ),
        ("redemptions:-1:0".into(), STALE_BUTTON),
        ("redemptions:1:99999999999".into(), STALE_BUTTON),
        ("redemptions:01:0".into(), STALE_BUTTON),
        ("🔑:🔑:🔑".into(), STALE_BUTTON),
        ("\u{202E}order:x:redeem".into(), STALE_BUTTON),
        ("".into(), STALE_BUTTON),
    ];
    for (custom_id, expected) in &cases {
        let reply = forged_click(&world, world.guild, world.admin, review.id, custom_id).await;
        assert_refused(&reply, expected, &format!("{custom_id:?}"));
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");
    assert_eq!(attempts(&world).await, 0);

    // The review the forged clicks sat on is untouched and still works.
    let review_now = run.original_message().unwrap();
    assert_eq!(
        review_now.button_labels(),
        ["Redeem", "Add another product key", "Cancel"]
    );
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
    assert_eq!(world.seats().await, 52);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_guilds_subscription_and_order_ids_are_out_of_reach() {
    let world = World::new().await;
    let other = fabrikam(&world).await;
    let key = world.keys(SKU, 3, "12m", 1).await.remove(0);
    let (_, review, _) = open_order(&world, world.admin).await;
    let before = db_state(&world).await;
    let other_id = other.subscription.to_string();

    // Fabrikam's subscription, by id and by name, as the `subscription` option.
    for command in ["add-licenses", "extend"] {
        for value in [other_id.as_str(), "Fabrikam", "fabrikam"] {
            let (_, reply) = world
                .order(world.admin, "en-US", command, value, &key)
                .await;
            assert_refused(&reply, NO_SUCH_SUBSCRIPTION, &format!("/{command} {value}"));
        }
    }
    let run = world
        .fake
        .as_member(world.guild, world.admin)
        .command("redemptions")
        .option("subscription", other_id.as_str())
        .send()
        .await
        .unwrap();
    assert_refused(&answer(&run).await, NO_SUCH_SUBSCRIPTION, "/redemptions");
    // Autocomplete offers nothing of Fabrikam's.
    let typed = world
        .fake
        .as_member(world.guild, world.admin)
        .command("add-licenses")
        .focused("subscription", "Fab")
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choices;
    assert!(choices.is_empty(), "{choices:?}");

    // Fabrikam's order id in every button, on a message of Contoso's.
    for action in ["redeem", "cancel", "add"] {
        let custom_id = format!("order:{}:{action}", other.order);
        let reply = forged_click(&world, world.guild, world.admin, review.id, &custom_id).await;
        assert_refused(&reply, NO_SUCH_ORDER, &custom_id);
    }
    // Fabrikam's ledger through a forged page button: Contoso's (empty) ledger is shown.
    let page = forged_click(
        &world,
        world.guild,
        world.admin,
        review.id,
        &format!("redemptions:{}:0", other.subscription),
    )
    .await;
    let text = page.text();
    assert!(text.contains("No redemptions yet"), "{text}");
    assert!(!text.contains("Fabrikam"), "{text}");

    // And the other way round: Contoso's admin's order is out of Eve's reach.
    let contoso_order: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM orders WHERE guild_id = $1 AND state = 'open'")
            .bind(world.guild.get() as i64)
            .fetch_one(&world.db.pool)
            .await
            .unwrap();
    for action in ["cancel", "add"] {
        let custom_id = format!("order:{contoso_order}:{action}");
        let reply = forged_click(&world, other.guild, other.eve, other.review.id, &custom_id).await;
        assert_refused(&reply, NO_SUCH_ORDER, &custom_id);
    }

    assert_eq!(db_state(&world).await, before, "nothing changed");
    assert_eq!(attempts(&world).await, 0);
    assert_keeps_answering(&world).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_add_another_key_by_someone_who_does_not_own_the_order_change_nothing() {
    let world = World::new().await;
    let (run, review, _) = open_order(&world, world.admin).await;
    let bea = new_admin(&world, "bea");
    let before = db_state(&world).await;
    for label in ["Cancel", "Add another product key"] {
        let custom_id = review.button(label).unwrap().custom_id.unwrap();
        let click = world
            .fake
            .as_member(world.guild, bea)
            .forge_click(review.id, &custom_id)
            .await
            .unwrap();
        let response = click.wait_response(WAIT).await.unwrap();
        assert_ne!(
            response.kind,
            CallbackKind::Modal,
            "{label}: no modal for Bea"
        );
        assert_refused(&answer(&click).await, NOT_YOURS, label);
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");
    // Ana's review is as it was, and hers to use.
    assert_eq!(
        run.original_message().unwrap().button_labels(),
        ["Redeem", "Add another product key", "Cancel"]
    );
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_manage_server_is_refused_everywhere_even_by_a_forged_client() {
    let world = World::new().await;
    let key = world.keys(SKU, 1, "12m", 1).await.remove(0);
    let (run, review, _) = open_order(&world, world.admin).await;
    let bob = world.fake.add_member(world.guild, "bob", &[]);
    let managers = world
        .fake
        .create_role(world.guild, "license managers", Permissions::empty());
    let cy = world.fake.add_member(world.guild, "cy", &[managers]);
    world
        .app
        .set_manager_role(world.guild_id(), Some(managers.get()))
        .await
        .unwrap();
    let before = db_state(&world).await;

    let actor = world.fake.as_member(world.guild, bob);
    let commands = vec![
        (
            "/add-licenses",
            actor
                .command("add-licenses")
                .option("subscription", "Contoso")
                .option("keys", key.as_str()),
            NOT_ALLOWED,
        ),
        (
            "/extend",
            actor
                .command("extend")
                .option("subscription", world.subscription.to_string())
                .option("keys", key.as_str()),
            NOT_ALLOWED,
        ),
        (
            "/subscriptions",
            actor.command("subscriptions"),
            NOT_ALLOWED,
        ),
        ("/redemptions", actor.command("redemptions"), NOT_ALLOWED),
        (
            "/settings notices",
            actor
                .command("settings notices")
                .option("channel", world.notices),
            SETTINGS_NOT_ALLOWED,
        ),
        (
            "/settings manager-role",
            actor
                .command("settings manager-role")
                .option("role", managers),
            SETTINGS_NOT_ALLOWED,
        ),
    ];
    for (what, command, expected) in commands {
        let run = command.forged().send().await.unwrap();
        assert_refused(&answer(&run).await, expected, what);
    }
    // Autocomplete tells Bob nothing.
    let typed = actor
        .command("add-licenses")
        .focused("subscription", "")
        .forged()
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choices;
    assert!(choices.is_empty(), "{choices:?}");
    // Nor do buttons: Ana's order, and the ledger's pages.
    for label in ["Redeem", "Add another product key", "Cancel"] {
        let custom_id = review.button(label).unwrap().custom_id.unwrap();
        let reply = forged_click(&world, world.guild, bob, review.id, &custom_id).await;
        assert_refused(&reply, NOT_ALLOWED, label);
    }
    let reply = forged_click(&world, world.guild, bob, review.id, "redemptions:0:0").await;
    assert_refused(&reply, NOT_ALLOWED, "a ledger page");
    // A manager-role member may use the bot, but not change its settings.
    for (what, command) in [
        (
            "/settings notices",
            world
                .fake
                .as_member(world.guild, cy)
                .command("settings notices")
                .option("channel", world.notices),
        ),
        (
            "/settings manager-role",
            world
                .fake
                .as_member(world.guild, cy)
                .command("settings manager-role")
                .option("role", managers),
        ),
    ] {
        let run = command.forged().send().await.unwrap();
        assert_refused(&answer(&run).await, SETTINGS_NOT_ALLOWED, what);
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");

    // An admin who loses Manage Server after opening an order cannot redeem it any more.
    let demoted = new_admin(&world, "dee");
    let (dee_run, dee_review, dee_order) = open_order(&world, demoted).await;
    world.fake.set_member_roles(world.guild, demoted, &[]);
    let before = db_state(&world).await;
    let redeem = dee_review.button("Redeem").unwrap().custom_id.unwrap();
    let reply = forged_click(&world, world.guild, demoted, dee_review.id, &redeem).await;
    assert_refused(&reply, NOT_ALLOWED, "Redeem after losing Manage Server");
    assert_eq!(db_state(&world).await, before, "nothing changed");
    let state: String = sqlx::query_scalar("SELECT state FROM orders WHERE id = $1")
        .bind(dee_order)
        .fetch_one(&world.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "open");
    assert_eq!(
        dee_run.original_message().unwrap().button_labels()[0],
        "Redeem"
    );

    assert_eq!(world.seats().await, 50);
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_buttons_and_autocomplete_from_a_direct_message_are_refused() {
    let world = World::new().await;
    let key = world.keys(SKU, 1, "12m", 1).await.remove(0);
    let (_, review, _) = open_order(&world, world.admin).await;
    let before = db_state(&world).await;
    let dm = world.fake.as_user(world.admin);
    let mut last = None;
    for (what, command) in [
        (
            "/add-licenses",
            dm.command("add-licenses")
                .option("subscription", "Contoso")
                .option("keys", key.as_str()),
        ),
        (
            "/extend",
            dm.command("extend")
                .option("subscription", world.subscription.to_string())
                .option("keys", key.as_str()),
        ),
        ("/redemptions", dm.command("redemptions")),
    ] {
        let run = command.forged().send().await.unwrap();
        let reply = answer(&run).await;
        assert_refused(&reply, NOT_IN_GUILD, what);
        last = Some(reply);
    }
    // A button of the guild's order, clicked on a message in the DM.
    let in_dm = last.unwrap().id;
    for label in ["Redeem", "Add another product key", "Cancel"] {
        let custom_id = review.button(label).unwrap().custom_id.unwrap();
        let click = dm.forge_click(in_dm, &custom_id).await.unwrap();
        assert_refused(&answer(&click).await, NOT_IN_GUILD, label);
    }
    let typed = dm
        .command("add-licenses")
        .focused("subscription", "Con")
        .forged()
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choices;
    assert!(choices.is_empty(), "{choices:?}");
    assert_eq!(db_state(&world).await, before, "nothing changed");
    assert_eq!(attempts(&world).await, 0);
    assert_keeps_answering(&world).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_control_character_keys_are_refused_clearly_in_the_option_and_the_modal() {
    let world = World::new().await;
    let good = world.keys(SKU, 1, "12m", 1).await.remove(0);
    let before = db_state(&world).await;

    // The keys option: Discord takes up to 6,000 characters; the bot registers 1,000, which
    // only a well-behaved client honours.
    let six_thousand_b = "B".repeat(6000);
    let many = 6000 / (good.len() + 1);
    let many_keys = format!("{good}\n").repeat(many);
    let too_many = format!("An order can hold at most 10 product keys; this would make {many}.");
    let control = format!("BCDFG\u{0}HJKMP\u{7}QRTVW\u{1b}[2J{}", "\u{7f}".repeat(5));
    let bidi = format!("\u{202E}{}", &good[1..]);
    let padded_junk = "\u{0}\u{1}\u{2}\u{3}".repeat(1500);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "6,000 B's",
            six_thousand_b,
            "it has 6000 characters, and product keys have 25",
        ),
        ("200 keys in 6,000 characters", many_keys.clone(), &too_many),
        (
            "control characters",
            control,
            "character 6 ('U+0000') is never used in product keys",
        ),
        ("6,000 control characters", padded_junk, "U+0000"),
        (
            "a right-to-left override",
            bidi,
            "is never used in product keys",
        ),
        (
            "a good key after a NUL",
            format!("\u{0}{good}"),
            "is never used in product keys",
        ),
    ];
    assert_eq!(many_keys.chars().count(), 6000);
    for (what, keys, expected) in &cases {
        assert!(keys.chars().count() <= 6000, "{what}");
        let user = new_admin(&world, "admin");
        let run = forged_order(&world, user, "add-licenses", "Contoso", keys).await;
        let reply = answer(&run).await;
        assert_refused(&reply, expected, what);
        let text = reply.text();
        assert!(
            text.chars().count() <= 2000,
            "{what}: {} characters",
            text.len()
        );
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' || c == '\u{202E}'),
            "{what}: the reply carries no control or bidi character: {text:?}"
        );
        assert!(!text.contains(&good[..20]), "{what}: no key in the reply");
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");
    // Each refused entry is an attempt of its own (230 keys at once is not a guess).
    assert_eq!(attempts(&world).await, 5);

    // The modal: Discord caps a text input at 4,000 characters; the bot asks for 1,000.
    let ana = new_admin(&world, "ana2");
    let (run, _, order) = open_order(&world, ana).await;
    let before = db_state(&world).await;
    let many = 4000 / (good.len() + 1);
    let too_many = format!(
        "An order can hold at most 10 product keys; this would make {}.",
        1 + many
    );
    let modal_cases: Vec<(&str, String, &str)> = vec![
        (
            "4,000 B's",
            "B".repeat(4000),
            "it has 4000 characters, and product keys have 25",
        ),
        (
            "133 keys in 4,000 characters",
            format!("{good}\n").repeat(many),
            &too_many,
        ),
        (
            "control characters",
            "\u{0}\u{1b}[31m\u{7}".repeat(500),
            "character 1 ('U+0000') is never used in product keys",
        ),
        (
            "nothing at all",
            String::new(),
            "Enter at least one product key",
        ),
    ];
    for (what, keys, expected) in &modal_cases {
        let add = run.click("Add another product key").await.unwrap();
        let modal = add
            .wait_response(WAIT)
            .await
            .unwrap()
            .modal
            .expect("a modal");
        let submit = add
            .forge_modal_submit(&[(modal.inputs[0].label.as_str(), keys.as_str())])
            .await
            .unwrap();
        let review = answer(&submit).await;
        let text = review.text();
        assert!(text.contains(expected), "{what}: {expected:?} in {text:?}");
        assert!(!text.contains(INTERNAL), "{what}: {text}");
        // The review stays, with its order as it was.
        assert_eq!(
            review.button_labels(),
            ["Redeem", "Add another product key", "Cancel"],
            "{what}: {text}"
        );
        assert!(text.contains("50 → 52"), "{what}: {text}");
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");
    let state: String = sqlx::query_scalar("SELECT state FROM orders WHERE id = $1")
        .bind(order)
        .fetch_one(&world.db.pool)
        .await
        .unwrap();
    assert_eq!(state, "open");
    assert_keeps_answering(&world).await;
    let receipt = answer(&run.click("Redeem").await.unwrap()).await;
    assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_negative_and_sql_looking_subscription_values_are_refused_and_change_nothing() {
    let world = World::new().await;
    let key = world.keys(SKU, 1, "12m", 1).await.remove(0);
    let before = db_state(&world).await;
    let values: Vec<String> = vec![
        "99999999999999999999999999".into(),
        i64::MAX.to_string(),
        (i64::MAX as u64 + 1).to_string(),
        "-1".into(),
        i64::MIN.to_string(),
        "0".into(),
        format!("0{}", world.subscription),
        format!("+{}", world.subscription),
        format!("{}.0", world.subscription),
        "1e3".into(),
        "1; DROP TABLE subscriptions; --".into(),
        "' OR '1'='1".into(),
        "Contoso' --".into(),
        "Contoso\u{0}".into(),
        "%".into(),
        "_______".into(),
        "\u{0}".into(),
        "x".repeat(6000),
    ];
    for value in &values {
        for command in ["add-licenses", "extend"] {
            let user = new_admin(&world, "admin");
            let run = forged_order(&world, user, command, value, &key).await;
            let what = format!("/{command} subscription:{}", short(value));
            assert_refused(&answer(&run).await, NO_SUCH_SUBSCRIPTION, &what);
        }
        let run = world
            .fake
            .as_member(world.guild, world.admin)
            .command("redemptions")
            .option("subscription", value.as_str())
            .forged()
            .send()
            .await
            .unwrap();
        let what = format!("/redemptions subscription:{}", short(value));
        assert_refused(&answer(&run).await, NO_SUCH_SUBSCRIPTION, &what);
        let typed = world
            .fake
            .as_member(world.guild, world.admin)
            .command("add-licenses")
            .focused("subscription", value)
            .send()
            .await
            .unwrap();
        let choices = typed.wait_response(WAIT).await.unwrap().choices;
        assert!(
            choices.is_empty(),
            "autocomplete {}: {choices:?}",
            short(value)
        );
    }
    assert_eq!(db_state(&world).await, before, "nothing changed");
    assert_eq!(attempts(&world).await, 0, "no key was even looked at");
    // The subscription is found by its id and by its name, as ever.
    for value in [world.subscription.to_string(), " contoso ".to_string()] {
        let (_, review) = world
            .order(world.admin, "en-US", "add-licenses", &value, &key)
            .await;
        assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lockout_survives_a_restart_and_the_team_channel_is_told_exactly_once() {
    let mut world = World::new().await;
    let good = world.keys(SKU, 1, "12m", 1).await.remove(0);
    for tail in ["B", "C", "D", "F", "G"] {
        let (_, reply) = world
            .order(
                world.admin,
                "en-US",
                "add-licenses",
                "Contoso",
                &format!("BCDFG-HJKMP-QRTVW-XY234-678{tail}B"),
            )
            .await;
        assert!(reply.text().contains("isn't valid"), "{}", reply.text());
    }
    // Stopped right after the fifth refusal: the lockout's notice may not be out yet.
    world.stop_bot().await;
    world.start_bot().await;

    let (_, reply) = world
        .order(world.admin, "en-US", "add-licenses", "Contoso", &good)
        .await;
    assert_refused(&reply, LOCKED_OUT, "a good key after the restart");
    let (_, reply) = world
        .order(world.admin, "en-US", "extend", "Contoso", &good)
        .await;
    assert_refused(&reply, LOCKED_OUT, "/extend after the restart");
    // Restarted once more, and refused again: still one lockout, told once.
    world.stop_bot().await;
    world.start_bot().await;
    let (_, reply) = world
        .order(
            world.admin,
            "en-US",
            "add-licenses",
            "Contoso",
            "BCDFG-HJKMP-QRTVW-XY234-6789H",
        )
        .await;
    assert_refused(&reply, LOCKED_OUT, "a bad key after two restarts");
    let notices = world.wait_notices(1).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0]
            .content
            .contains("entered too many invalid product keys"),
        "{}",
        notices[0].content
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(world.notices().len(), 1, "told exactly once");
    let (lockouts, lockout_notices): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM lockouts), \
                (SELECT count(*) FROM notices WHERE kind = 'lockout')",
    )
    .fetch_one(&world.db.pool)
    .await
    .unwrap();
    assert_eq!((lockouts, lockout_notices), (1, 1));
    assert_eq!(world.seats().await, 50);
    assert_eq!(world.order_count().await, 0);
    // Another admin is not affected.
    let bea = new_admin(&world, "bea");
    let (_, review) = world
        .order(bea, "en-US", "add-licenses", "Contoso", &good)
        .await;
    assert_eq!(review.button_labels()[0], "Redeem", "{}", review.text());
}

/// One action of the session, as the test saw it happen.
struct Action {
    guild: GuildId,
    user: UserId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

/// Runs the real `licensebot` binary against the world's database; returns its JSON.
async fn cli_json(world: &World, args: &[&str]) -> Vec<Value> {
    let cwd = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_licensebot"));
    command
        .args(args)
        .current_dir(cwd.path())
        .env_remove("RUST_LOG")
        .env_remove("DISCORD_TOKEN")
        .env("DATABASE_URL", &world.db.url);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("LICENSEBOT_") {
            command.env_remove(name);
        }
    }
    let output = command.output().await.expect("running licensebot");
    assert!(
        output.status.success(),
        "licensebot {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|e| panic!("licensebot {args:?} printed no JSON ({e})"))
        .as_array()
        .cloned()
        .expect("a JSON array")
}

/// The time `at` of a listed entry.
fn time_of(entry: &Value, at: &str) -> DateTime<Utc> {
    entry[at]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no time {at:?} in {entry}"))
}

/// Each listed entry (oldest first) is the matching action's: same guild and user, at a
/// time within the action (the database keeps microseconds, hence the small margin).
fn assert_traced(entries: &[Value], actions: &[&Action], at: &str, what: &str) {
    assert_eq!(
        entries.len(),
        actions.len(),
        "{what}: one entry per action: {entries:#?}"
    );
    let mut entries = entries.to_vec();
    entries.sort_by_key(|e| time_of(e, at));
    let margin = chrono::Duration::milliseconds(5);
    for (i, (entry, action)) in entries.iter().zip(actions).enumerate() {
        assert_eq!(
            entry["guild_id"].as_u64(),
            Some(action.guild.get()),
            "{what} {i}: {entry}"
        );
        assert_eq!(
            entry["user_id"].as_u64(),
            Some(action.user.get()),
            "{what} {i}: {entry}"
        );
        let time = time_of(entry, at);
        assert!(
            action.from - margin <= time && time <= action.to + margin,
            "{what} {i}: {time} is not within {} .. {}",
            action.from,
            action.to
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_can_trace_every_redemption_and_refused_attempt_to_guild_user_and_time() {
    let world = World::new().await;
    let other = fabrikam(&world).await;
    let bea = new_admin(&world, "bea");
    let keys = world.keys(SKU, 1, "12m", 4).await;
    let before_session = Utc::now();
    let mut redemptions: Vec<Action> = Vec::new();
    let mut refusals: Vec<(Action, Option<String>, &str)> = Vec::new();

    // Redemptions by Ana (two) and Bea (one); Eve redeems in Fabrikam.
    for (user, key) in [
        (world.admin, &keys[0]),
        (bea, &keys[1]),
        (world.admin, &keys[2]),
    ] {
        let (run, _) = world
            .order(user, "en-US", "add-licenses", "Contoso", key)
            .await;
        let from = Utc::now();
        let receipt = answer(&run.click("Redeem").await.unwrap()).await;
        let to = Utc::now();
        assert!(receipt.text().contains("Redeemed"), "{}", receipt.text());
        redemptions.push(Action {
            guild: world.guild,
            user,
            from,
            to,
        });
    }
    let eve_redeem = {
        let from = Utc::now();
        let click = world
            .fake
            .as_member(other.guild, other.eve)
            .click(other.review.id, "Redeem")
            .await
            .unwrap();
        assert!(answer(&click).await.text().contains("Redeemed"));
        Action {
            guild: other.guild,
            user: other.eve,
            from,
            to: Utc::now(),
        }
    };

    // Refused attempts: unknown, mistyped, already redeemed (Bea); unknown (Eve).
    let unknown = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    let mistyped = format!("{}0{}", &keys[3][..6], &keys[3][7..]);
    for (guild, user, typed, tail, cause) in [
        (
            world.guild,
            bea,
            unknown.to_string(),
            Some("6789B"),
            "unknown",
        ),
        (world.guild, bea, mistyped, None, "format"),
        (
            world.guild,
            bea,
            keys[0].clone(),
            Some(&keys[0][24..]),
            "already-redeemed",
        ),
        (
            other.guild,
            other.eve,
            unknown.to_string(),
            Some("6789B"),
            "unknown",
        ),
    ] {
        let from = Utc::now();
        let run = world
            .fake
            .as_member(guild, user)
            .command("add-licenses")
            .option(
                "subscription",
                if guild == world.guild {
                    "Contoso"
                } else {
                    "Fabrikam"
                },
            )
            .option("keys", typed.as_str())
            .send()
            .await
            .unwrap();
        let reply = answer(&run).await;
        let to = Utc::now();
        assert!(reply.buttons().is_empty(), "refused: {}", reply.text());
        refusals.push((
            Action {
                guild,
                user,
                from,
                to,
            },
            tail.map(str::to_string),
            cause,
        ));
    }

    let contoso = world.guild.get().to_string();
    let fabrikam_id = other.guild.get().to_string();
    // `fabrikam()` redeemed one of Eve's orders before this session began.
    let listed = cli_json(
        &world,
        &["redemptions", "list", "--guild", &fabrikam_id, "--json"],
    )
    .await;
    assert_eq!(listed.len(), 2, "{listed:#?}");
    assert!(listed
        .iter()
        .all(|r| r["guild_id"].as_u64() == Some(other.guild.get())));
    let listed: Vec<Value> = listed
        .into_iter()
        .filter(|r| time_of(r, "redeemed_at") > before_session)
        .collect();
    assert_traced(
        &listed,
        &[&eve_redeem],
        "redeemed_at",
        "Fabrikam's redemptions",
    );

    let listed = cli_json(
        &world,
        &["redemptions", "list", "--guild", &contoso, "--json"],
    )
    .await;
    let actions: Vec<&Action> = redemptions.iter().collect();
    assert_traced(&listed, &actions, "redeemed_at", "Contoso's redemptions");
    for entry in &listed {
        assert_eq!(entry["subscription_name"], "Contoso", "{entry}");
        assert_eq!(entry["key_count"], 1, "{entry}");
    }

    for (guild, id) in [(world.guild, &contoso), (other.guild, &fabrikam_id)] {
        let listed = cli_json(&world, &["audit", "list", "--guild", id, "--json"]).await;
        let mine: Vec<&(Action, Option<String>, &str)> = refusals
            .iter()
            .filter(|(a, _, _)| a.guild == guild)
            .collect();
        let actions: Vec<&Action> = mine.iter().map(|(a, _, _)| a).collect();
        assert_traced(
            &listed,
            &actions,
            "at",
            &format!("guild {id}'s refused attempts"),
        );
        let mut listed = listed;
        listed.sort_by_key(|e| time_of(e, "at"));
        for (entry, (_, tail, cause)) in listed.iter().zip(&mine) {
            assert_eq!(entry["cause"], *cause, "{entry}");
            assert_eq!(entry["tail"].as_str(), tail.as_deref(), "{entry}");
        }
    }
    // Without --guild, the audit lists both guilds' attempts.
    let everything = cli_json(&world, &["audit", "list", "--json"]).await;
    assert_eq!(everything.len(), refusals.len());
}
