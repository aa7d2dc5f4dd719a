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

/// The engine under the verifier and the member events, on a database whose clock stands
/// still: what a member's roles at Discord queue, and which holders are due.
mod engine {
    use licensebot::{
        app::{App, AssignLicense, RepairsQueued, SubscriptionRef, UnassignLicense},
        domain::records::{GuildId, UserId},
        store::Store,
    };

    use crate::support::{
        db::TestDb,
        engine::{app_with_products, at, date, STANDARD},
    };

    const GUILD: GuildId = GuildId(730_000_000_000_000_001);
    const ADMIN: UserId = UserId(830_000_000_000_000_001);
    const ANA: UserId = UserId(830_000_000_000_000_002);
    const BOB: UserId = UserId(830_000_000_000_000_003);
    const ROLE: u64 = 930_000_000_000_000_001;
    const NOW: &str = "2026-12-08T10:00:00Z";

    struct Fx {
        db: TestDb,
        app: App,
        sub: i64,
    }

    impl Fx {
        /// Contoso, linked to ROLE.
        async fn new() -> Fx {
            let db = TestDb::new().await;
            let app = app_with_products(&db, NOW).await;
            let sub = app
                .create_subscription(GUILD, STANDARD, "Contoso", 10, date("2027-06-30"))
                .await
                .expect("a subscription");
            app.set_license_role(GUILD, &SubscriptionRef::Id(sub.id), Some(ROLE), ADMIN)
                .await
                .expect("the role is linked");
            Fx {
                db,
                app,
                sub: sub.id,
            }
        }

        async fn assign(&self, member: UserId) {
            self.app
                .assign_license(AssignLicense {
                    guild: GUILD,
                    subscription: SubscriptionRef::Id(self.sub),
                    member,
                    member_is_bot: false,
                    by: ADMIN,
                })
                .await
                .expect("assigned");
        }

        async fn unassign(&self, member: UserId) {
            self.app
                .unassign_license(UnassignLicense {
                    guild: GUILD,
                    subscription: SubscriptionRef::Id(self.sub),
                    member,
                    by: ADMIN,
                })
                .await
                .expect("unassigned");
        }

        /// Every due role change, as if Discord carried it out.
        async fn apply_roles(&self) {
            let claim = self.app.claim_due_role_changes(100).await.unwrap();
            for change in claim.changes() {
                self.app.role_change_done(change).await.unwrap();
            }
            claim.release().await.unwrap();
        }

        /// The role queue as (member, wanted, applied).
        async fn queue(&self) -> Vec<(UserId, bool, bool)> {
            Store::new(self.db.pool.clone())
                .member_roles(Some(GUILD))
                .await
                .unwrap()
                .into_iter()
                .map(|m| (m.user, m.wanted, m.applied))
                .collect()
        }

        /// The holders a verifier of a process started at `started` would claim now.
        async fn due(&self, started: &str, limit: i64) -> Vec<UserId> {
            let claim = self
                .app
                .claim_due_role_checks(at(started), limit)
                .await
                .unwrap();
            let members = claim.members().iter().map(|(_, u)| *u).collect();
            claim.release().await.unwrap();
            members
        }
    }

    #[tokio::test]
    async fn a_read_older_than_a_change_never_undoes_it() {
        let fx = Fx::new().await;
        fx.assign(ANA).await;
        fx.apply_roles().await;
        // Unassigned; a read from before shows Ana without the role: the DELETE stays due,
        // nothing is given back.
        fx.unassign(ANA).await;
        let seen = fx.app.member_roles_seen(GUILD, ANA, &[]).await.unwrap();
        assert_eq!(seen, RepairsQueued::default());
        assert_eq!(fx.queue().await, [(ANA, false, true)]);
        // Bob carries the role without a license: it is taken away.
        let seen = fx.app.member_roles_seen(GUILD, BOB, &[ROLE]).await.unwrap();
        assert_eq!(seen.taken_away, 1);
        assert_eq!(fx.queue().await, [(ANA, false, true), (BOB, false, true)]);
        // Bob is assigned after all; a read from before the assignment changes nothing: the
        // PUT is due.
        fx.assign(BOB).await;
        let seen = fx.app.member_roles_seen(GUILD, BOB, &[]).await.unwrap();
        assert_eq!(seen, RepairsQueued::default());
        assert_eq!(fx.queue().await, [(ANA, false, true), (BOB, true, false)]);
        fx.apply_roles().await;
        // Now a moderator takes it away by hand: it is given back.
        let seen = fx.app.member_roles_seen(GUILD, BOB, &[]).await.unwrap();
        assert_eq!(seen.given_back, 1);
        assert_eq!(fx.queue().await, [(BOB, true, false)]);
    }

    #[tokio::test]
    async fn each_holder_is_claimed_by_one_verifier_and_due_on_start_and_after_verify_hours() {
        let fx = Fx::new().await;
        fx.assign(ANA).await;
        fx.assign(BOB).await;
        // Given at NOW: Discord's answer verified them.
        fx.apply_roles().await;
        assert!(
            fx.due("2026-12-08T09:00:00Z", 10).await.is_empty(),
            "a process started before is not due to read them for 24 hours"
        );
        assert_eq!(
            fx.due("2026-12-08T10:00:01Z", 10).await,
            [ANA, BOB],
            "a process started since reads every holder once"
        );
        // Two verifiers at once share the holders.
        let first = fx
            .app
            .claim_due_role_checks(at("2026-12-08T10:00:01Z"), 1)
            .await
            .unwrap();
        let second = fx
            .app
            .claim_due_role_checks(at("2026-12-08T10:00:01Z"), 10)
            .await
            .unwrap();
        assert_eq!(first.members(), [(GUILD, ANA)]);
        assert_eq!(second.members(), [(GUILD, BOB)]);
        first.release().await.unwrap();
        second.release().await.unwrap();
        // 24 hours later both are due again; a read of Ana verifies her.
        fx.app.clock.advance(chrono::Duration::hours(25));
        assert_eq!(fx.due("2026-12-08T09:00:00Z", 10).await, [ANA, BOB]);
        fx.app.member_roles_seen(GUILD, ANA, &[ROLE]).await.unwrap();
        assert_eq!(fx.due("2026-12-08T09:00:00Z", 10).await, [BOB]);
    }
}
