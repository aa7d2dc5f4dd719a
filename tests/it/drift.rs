//! License roles repaired from Discord's own state, end to end: the real bot against the
//! fake Discord, where moderators change roles by hand. On start, and then for each holder
//! every `roles.verify_hours`, the bot reads the holder's roles at Discord and gives back a
//! linked role taken away, or releases a member who left; with `discord.members_intent` it
//! applies member updates and leaves as they come, and takes a linked role given by hand to
//! a member without a license away again. Each test ends with `licenses list` equal to the
//! role's holders at the fake.

use std::{sync::Arc, time::Duration};

use fake_discord::{
    serenity::all::{RoleId, UserId},
    Failure, FakeDiscord,
};
use licensebot::{
    app::{App, Clock, SubscriptionRef},
    boot::{run_bot, BotOptions},
    config::Settings,
    store::Store,
};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use crate::{
    seats_e2e::Seats,
    support::{db::TestDb, world::WAIT},
};

/// `licenses list subscription:Contoso`: the holders, by user id.
async fn listed(seats: &Seats) -> Vec<u64> {
    let mut users: Vec<u64> = seats
        .world
        .app
        .list_licenses(
            seats.world.guild_id(),
            Some(&SubscriptionRef::Name("Contoso".into())),
            false,
        )
        .await
        .expect("the licenses are listed")
        .into_iter()
        .map(|span| span.user.0)
        .collect();
    users.sort();
    users
}

/// Who carries `role` at the fake, among the world's members.
fn carrying(seats: &Seats, role: RoleId) -> Vec<u64> {
    let w = &seats.world;
    let mut users: Vec<u64> = [w.admin, seats.bob, seats.carol]
        .into_iter()
        .filter(|u| w.fake.member_roles(w.guild, *u).contains(&role))
        .map(|u| u.get())
        .collect();
    users.sort();
    users
}

/// The bot's reads of this member at Discord (`GET /guilds/{g}/members/{u}`).
fn member_reads(fake: &FakeDiscord, user: UserId) -> usize {
    fake.requests_to("GET", &format!("/guilds/*/members/{user}"))
        .len()
}

/// Waits until `licenses list` is `expected`.
async fn wait_listed(seats: &Seats, expected: &[u64]) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = listed(seats).await;
        if now == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "licenses list shows {now:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Contoso linked to the role, with bob and carol holding it at the fake.
async fn two_holders(seats: &Seats) {
    seats.link("Contoso", Some(seats.role)).await;
    for user in [seats.bob, seats.carol] {
        seats.licenses("assign", "Contoso", user).await;
        seats.wait_has_role(user, seats.role).await;
    }
    seats.wait_roles_settled().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_taken_away_by_hand_while_the_bot_was_down_is_given_back_after_a_restart() {
    let mut seats = Seats::new().await;
    two_holders(&seats).await;
    seats.world.stop_bot().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    fake.set_member_roles(guild, seats.bob, &[]);
    // Discord asks the first read to wait: it is read again after `retry_after`.
    fake.fail_next("GET", "/guilds/*/members/*", Failure::rate_limited(0.3));
    seats.world.start_bot().await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;
    assert_eq!(listed(&seats).await, carrying(&seats, seats.role));
    assert_eq!(listed(&seats).await.len(), 2);
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_who_left_while_the_bot_was_down_is_released_on_start() {
    let mut seats = Seats::new().await;
    two_holders(&seats).await;
    seats.world.stop_bot().await;
    seats
        .world
        .fake
        .remove_member(seats.world.guild, seats.carol);
    seats.world.start_bot().await;
    wait_listed(&seats, &[seats.bob.get()]).await;
    seats
        .notice(&format!("<@{}> is no longer in this server", seats.carol))
        .await;
    assert_eq!(listed(&seats).await, carrying(&seats, seats.role));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_members_intent_drift_is_repaired_as_it_happens() {
    let seats = Seats::with("en-US", |s| s.discord.members_intent = true).await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    assert_ne!(
        fake.intents() & (1 << 1),
        0,
        "the bot asks for GUILD_MEMBERS"
    );
    seats.link("Contoso", Some(seats.role)).await;
    seats.licenses("assign", "Contoso", seats.bob).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;

    // A moderator takes bob's role away while the bot runs: it is given back.
    fake.set_member_roles(guild, seats.bob, &[]);
    seats.wait_has_role(seats.bob, seats.role).await;
    // ... and gives it to carol, who holds no license: it is taken away again.
    fake.set_member_roles(guild, seats.carol, &[seats.role]);
    seats.wait_lacks_role(seats.carol, seats.role).await;
    seats.wait_roles_settled().await;
    assert_eq!(listed(&seats).await, carrying(&seats, seats.role));
    // No read at Discord was needed: the events said it all.
    assert_eq!(member_reads(fake, seats.bob), 0);

    // Bob leaves: his license is released at once.
    fake.remove_member(guild, seats.bob);
    wait_listed(&seats, &[]).await;
    seats
        .notice(&format!("<@{}> is no longer in this server", seats.bob))
        .await;
    assert_eq!(listed(&seats).await, carrying(&seats, seats.role));
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_verified_within_verify_hours_is_not_read_again_until_due() {
    let seats = Seats::new().await;
    two_holders(&seats).await;
    let fake = &seats.world.fake;
    // Carol was last verified 25 hours ago (verify_hours is 24); bob just now, when his
    // role was given.
    sqlx::query(
        "UPDATE member_roles SET verified_at = now() - interval '25 hours' WHERE user_id = $1",
    )
    .bind(seats.carol.get() as i64)
    .execute(&seats.world.db.pool)
    .await
    .expect("carol's check is backdated");
    fake.wait_for_request("GET", &format!("/guilds/*/members/{}", seats.carol), WAIT)
        .await
        .expect("carol, who is due, is read");
    assert_eq!(
        member_reads(fake, seats.bob),
        0,
        "bob is not due for another 24 hours"
    );
    // The read is recorded: carol is not due again for 24 hours either.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let verified: bool = sqlx::query_scalar(
            "SELECT verified_at > now() - interval '1 minute' FROM member_roles \
             WHERE user_id = $1",
        )
        .bind(seats.carol.get() as i64)
        .fetch_one(&seats.world.db.pool)
        .await
        .expect("carol's row");
        if verified {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "carol's check is recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(member_reads(fake, seats.carol), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_intent_discord_refuses_stops_the_bot_saying_what_to_do() {
    let fake = FakeDiscord::start().await.expect("fake Discord starts");
    let db = TestDb::new().await;
    let mut settings = Settings::default();
    settings.discord.members_intent = true;
    let app = App::assemble(
        Store::new(db.pool.clone()),
        Arc::new(settings),
        Clock::System,
    );
    let options = BotOptions {
        app,
        token: SecretString::from(fake.token().to_string()),
        api_url: Some(fake.api_url()),
        register_in_guild: None,
    };
    let stop = CancellationToken::new();
    let ran = tokio::time::timeout(WAIT, run_bot(options, stop.clone())).await;
    stop.cancel();
    let error = match ran {
        Ok(Err(e)) => format!("{e:#}"),
        Ok(Ok(())) => panic!("the bot stopped without an error"),
        Err(_) => panic!("the bot still runs after Discord refused its intents"),
    };
    assert_eq!(fake.disallowed_intents_count(), 1);
    assert!(error.contains("Server Members Intent"), "{error}");
    assert!(error.contains("discord.members_intent = false"), "{error}");
}
