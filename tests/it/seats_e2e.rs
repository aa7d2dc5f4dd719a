//! Licenses assigned to members, end to end: the real bot against the fake Discord. Admins
//! assign and unassign with `/licenses`, link a role with `/settings license-role`, members
//! ask with `/request-license` and admins decide on the request's buttons; the linked role
//! follows at the fake, through the role queue and its dispatcher. Every test ends by
//! checking, over every request the fake received, that no role but a linked one was ever
//! given or taken.

use std::time::Duration;

use chrono::Days;
use fake_discord::{
    serenity::all::{ChannelId, Permissions, RoleId, UserId},
    Failure, StoredMessage,
};
use licensebot::config::Settings;

use crate::support::world::{answer, bot_permissions, today, World, SKU, WAIT};

/// The default world with a lifecycle tick every second, a role "Contoso users" below the
/// bot's role, Manage Roles for the bot, and two more members, bob and carol. (Also the
/// fixture of `drift::`.)
pub(crate) struct Seats {
    pub(crate) world: World,
    pub(crate) role: RoleId,
    pub(crate) bob: UserId,
    pub(crate) carol: UserId,
}

impl Seats {
    pub(crate) async fn new() -> Seats {
        Seats::in_language("en-US").await
    }

    /// The same, in a guild whose language is `locale`.
    async fn in_language(locale: &str) -> Seats {
        Seats::with(locale, |_| {}).await
    }

    /// The same, with settings changed by `tune` after those above.
    pub(crate) async fn with(locale: &str, tune: impl FnOnce(&mut Settings)) -> Seats {
        let mut settings = Settings::default();
        settings.lifecycle.tick_seconds = 1;
        settings.notices.retry_base_seconds = 1;
        tune(&mut settings);
        let world = World::with(settings, locale).await;
        let (fake, guild) = (&world.fake, world.guild);
        let role = fake.create_role(guild, "Contoso users", Permissions::empty());
        fake.set_role_position(guild, fake.bot_role(guild), 10);
        fake.set_bot_permissions(guild, bot_permissions());
        let bob = fake.add_member(guild, "bob", &[]);
        let carol = fake.add_member(guild, "carol", &[]);
        Seats {
            world,
            role,
            bob,
            carol,
        }
    }

    /// `/settings license-role` as the admin; returns the answer's text.
    pub(crate) async fn link(&self, subscription: &str, role: Option<RoleId>) -> String {
        let mut command = self
            .world
            .fake
            .as_member(self.world.guild, self.world.admin)
            .command("settings license-role")
            .option("subscription", subscription);
        if let Some(role) = role {
            command = command.option("role", role);
        }
        answer(&command.send().await.expect("the command is sent"))
            .await
            .text()
    }

    /// `/licenses assign|unassign` as the admin; returns the answer's text.
    pub(crate) async fn licenses(&self, action: &str, subscription: &str, user: UserId) -> String {
        let run = self
            .world
            .fake
            .as_member(self.world.guild, self.world.admin)
            .command(&format!("licenses {action}"))
            .option("subscription", subscription)
            .option("user", user)
            .send()
            .await
            .expect("the command is sent");
        answer(&run).await.text()
    }

    /// Waits until the member's roles at the fake satisfy `ok`.
    async fn wait_roles(&self, user: UserId, ok: impl Fn(&[RoleId]) -> bool) -> Vec<RoleId> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let roles = self.world.fake.member_roles(self.world.guild, user);
            if ok(&roles) || tokio::time::Instant::now() > deadline {
                return roles;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(crate) async fn wait_has_role(&self, user: UserId, role: RoleId) {
        let roles = self.wait_roles(user, |r| r.contains(&role)).await;
        assert!(roles.contains(&role), "{user} has {roles:?}, not {role}");
    }

    pub(crate) async fn wait_lacks_role(&self, user: UserId, role: RoleId) {
        let roles = self.wait_roles(user, |r| !r.contains(&role)).await;
        assert!(!roles.contains(&role), "{user} still has {role}");
    }

    /// Waits until the role queue has nothing left to send.
    pub(crate) async fn wait_roles_settled(&self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.world.app.pending_role_changes().await.unwrap() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "role changes still pending"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn holders(&self) -> Vec<u64> {
        let mut holders: Vec<u64> = sqlx::query_scalar::<_, i64>(
            "SELECT user_id FROM license_assignments ORDER BY user_id",
        )
        .fetch_all(&self.world.db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u as u64)
        .collect();
        holders.sort();
        holders
    }

    /// Every role the bot gave or took, over every request the fake received.
    fn roles_touched(&self) -> Vec<(String, u64)> {
        self.world
            .fake
            .requests()
            .iter()
            .filter(|r| {
                fake_discord_path_matches(&r.path, "/guilds/*/members/*/roles/*")
                    && matches!(r.method.as_str(), "PUT" | "DELETE")
            })
            .map(|r| {
                let role = r.path.rsplit('/').next().and_then(|id| id.parse().ok());
                (r.method.clone(), role.unwrap_or(0))
            })
            .collect()
    }

    /// No role but these was ever given or taken by the bot.
    pub(crate) fn assert_only_touched(&self, linked: &[RoleId]) {
        for (method, role) in self.roles_touched() {
            assert!(
                linked.iter().any(|r| r.get() == role),
                "{method} of role {role}, which was never linked"
            );
        }
    }

    /// Waits for a message in the notice channel whose text contains `needle`.
    pub(crate) async fn notice(&self, needle: &str) -> StoredMessage {
        self.world
            .fake
            .wait_for_message(self.world.notices, WAIT, |m| m.text().contains(needle))
            .await
            .expect("the notice is posted")
    }
}

fn fake_discord_path_matches(path: &str, pattern: &str) -> bool {
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    path.len() == pattern.len() && path.iter().zip(&pattern).all(|(a, p)| *p == "*" || a == p)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assigning_gives_the_role_at_discord_and_answers_n_of_m_assigned() {
    let seats = Seats::new().await;
    let text = seats.link("Contoso", Some(seats.role)).await;
    assert!(
        text.contains(&format!("will carry <@&{}>", seats.role)),
        "{text}"
    );
    let text = seats.licenses("assign", "Contoso", seats.bob).await;
    assert!(text.contains("1 of 50 assigned"), "{text}");
    seats.wait_has_role(seats.bob, seats.role).await;
    let text = seats.licenses("assign", "Contoso", seats.carol).await;
    assert!(
        text.contains(&format!(
            "<@{}> now holds a license of *Contoso*: 2 of 50 assigned",
            seats.carol
        )),
        "{text}"
    );
    seats.wait_has_role(seats.carol, seats.role).await;

    // Where a subscription is shown, so is its count.
    let fake = &seats.world.fake;
    let run = fake
        .as_member(seats.world.guild, seats.world.admin)
        .command("subscriptions")
        .send()
        .await
        .unwrap();
    let listed = answer(&run).await.text();
    assert!(listed.contains("2 of 50 assigned"), "{listed}");
    let typed = fake
        .as_member(seats.world.guild, seats.world.admin)
        .command("licenses assign")
        .focused("subscription", "Cont")
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choice_names();
    assert_eq!(choices, ["Contoso · Business Standard · 2 of 50 assigned"]);

    let run = fake
        .as_member(seats.world.guild, seats.world.admin)
        .command("licenses list")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    let list = answer(&run).await;
    let text = list.text();
    assert!(text.contains("Licenses: Contoso"), "{text}");
    assert!(
        text.contains(&format!("<@{}> · since", seats.bob)),
        "{text}"
    );
    assert!(
        text.contains(&format!("by <@{}>", seats.world.admin)),
        "{text}"
    );
    assert!(
        text.contains(&format!("License role: <@&{}>", seats.role)),
        "{text}"
    );
    assert_eq!(list.button_labels(), ["Newer", "Older"]);
    assert!(list.buttons().iter().all(|b| b.disabled), "one page only");

    let text = seats.licenses("unassign", "Contoso", seats.bob).await;
    assert!(text.contains("1 of 50 assigned"), "{text}");
    seats.wait_lacks_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;
    assert_eq!(
        fake.member_roles(seats.world.guild, seats.carol),
        [seats.role]
    );
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refused_assignment_has_its_own_message_and_changes_nothing() {
    let seats = Seats::new().await;
    let world = &seats.world;
    let app = &world.app;
    app.create_subscription(world.guild_id(), SKU, "Tiny", 1, today() + Days::new(60))
        .await
        .unwrap();
    app.create_subscription(world.guild_id(), SKU, "Old", 5, today() - Days::new(40))
        .await
        .unwrap();
    seats.link("Tiny", Some(seats.role)).await;
    seats.licenses("assign", "Tiny", seats.bob).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;
    let touched = seats.roles_touched().len();

    let cases = [
        (
            "Tiny",
            seats.carol,
            "The only license of *Tiny* is assigned. Add licenses with /add-licenses or unassign someone.".to_string(),
        ),
        (
            "Tiny",
            seats.bob,
            format!("<@{}> already holds a license of *Tiny*.", seats.bob),
        ),
        (
            "Contoso",
            world.fake.bot_user_id(),
            format!("<@{}> is a bot, and bots don't hold licenses.", world.fake.bot_user_id()),
        ),
        (
            "Old",
            seats.carol,
            "*Old* is disabled: no licenses can be assigned until it is extended with /extend."
                .to_string(),
        ),
    ];
    for (subscription, user, expected) in cases {
        let text = seats.licenses("assign", subscription, user).await;
        assert_eq!(text, expected);
        assert_eq!(seats.holders().await, [seats.bob.get()], "{subscription}");
    }
    let stranger = world.fake.add_user("stranger");
    let text = seats.licenses("assign", "Contoso", stranger).await;
    assert_eq!(
        text,
        format!("<@{stranger}> isn't a member of this server.")
    );
    let text = seats.licenses("unassign", "Contoso", seats.carol).await;
    assert!(text.contains("holds no license of *Contoso*"), "{text}");
    assert_eq!(seats.holders().await, [seats.bob.get()]);
    assert_eq!(app.pending_role_changes().await.unwrap(), 0);
    assert_eq!(
        seats.roles_touched().len(),
        touched,
        "no role request for a refusal"
    );
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_a_role_is_refused_for_each_reason_with_its_own_message() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    let everyone = seats.link("Contoso", Some(fake.everyone_role(guild))).await;
    assert!(
        everyone.starts_with("@everyone can't be a license role"),
        "{everyone}"
    );
    let managed = seats.link("Contoso", Some(fake.bot_role(guild))).await;
    assert!(
        managed.contains("is managed by a bot or an integration"),
        "{managed}"
    );
    let high = fake.create_role(guild, "High", Permissions::empty());
    fake.set_role_position(guild, high, 11);
    let above = seats.link("Contoso", Some(high)).await;
    assert!(above.contains("isn't below my highest role"), "{above}");
    fake.set_bot_permissions(guild, bot_permissions() - Permissions::MANAGE_ROLES);
    let powerless = seats.link("Contoso", Some(seats.role)).await;
    assert!(
        powerless.contains("I need the Manage Roles permission"),
        "{powerless}"
    );
    let texts = [&everyone, &managed, &above, &powerless];
    for (i, a) in texts.iter().enumerate() {
        for b in &texts[i + 1..] {
            assert_ne!(a, b);
        }
    }
    let linked = seats
        .world
        .app
        .license_roles(seats.world.guild_id())
        .await
        .unwrap();
    assert!(linked.is_empty(), "nothing was linked: {linked:?}");
    // With Manage Roles back, the same role links.
    fake.set_bot_permissions(guild, bot_permissions());
    let saved = seats.link("Contoso", Some(seats.role)).await;
    assert!(saved.contains("will carry"), "{saved}");
    let unlinked = seats.link("Contoso", None).await;
    assert!(
        unlinked.contains("has no license role any more"),
        "{unlinked}"
    );
    assert!(seats.roles_touched().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_approved_by_an_admin_and_refused_for_a_non_admin_click() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    seats.link("Contoso", Some(seats.role)).await;
    let run = fake
        .as_member(guild, seats.bob)
        .locale("nl")
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    let asked = answer(&run).await;
    assert!(asked.ephemeral);
    assert!(asked.text().contains("Uw aanvraag"), "{}", asked.text());
    let request = seats.notice("asks for a license of *Contoso*").await;
    assert!(!request.ephemeral);
    assert_eq!(request.button_labels(), ["Approve", "Deny"]);
    // Asking twice is refused.
    let again = fake
        .as_member(guild, seats.bob)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    assert!(answer(&again).await.text().contains("You already asked"));

    // Carol is no admin: her click changes nothing.
    let click = fake
        .as_member(guild, seats.carol)
        .click(request.id, "Approve")
        .await
        .unwrap();
    let refused = answer(&click).await;
    assert!(refused.ephemeral);
    assert!(
        refused.text().starts_with("Only admins"),
        "{}",
        refused.text()
    );
    assert!(seats.holders().await.is_empty());
    assert_eq!(
        fake.message(request.id).unwrap().button_labels(),
        ["Approve", "Deny"]
    );

    let click = fake
        .as_member(guild, seats.world.admin)
        .click(request.id, "Approve")
        .await
        .unwrap();
    let approved = answer(&click).await;
    assert!(
        approved
            .text()
            .contains("now holds a license of *Contoso* (1 of 50 assigned)"),
        "{}",
        approved.text()
    );
    assert_eq!(seats.holders().await, [seats.bob.get()]);
    seats.wait_has_role(seats.bob, seats.role).await;
    let closed = fake
        .wait_for_message(seats.world.notices, WAIT, |m| {
            m.id == request.id && m.buttons().is_empty()
        })
        .await
        .expect("the request's buttons are removed");
    assert!(
        closed
            .text()
            .contains(&format!("Approved by <@{}>", seats.world.admin)),
        "{}",
        closed.text()
    );
    // A second click, on a stale copy of the message, is told who decided.
    let late = fake
        .as_member(guild, seats.world.admin)
        .forge_click(
            request.id,
            &format!("request:{}:approve", request_id(&request)),
        )
        .await
        .unwrap();
    assert!(answer(&late).await.text().contains("already approved by"));
    assert_eq!(seats.holders().await, [seats.bob.get()], "assigned once");
    // Bob hears it by direct message, in his language.
    let dm = wait_dm(&seats, seats.bob).await;
    assert!(dm.text().contains("is goedgekeurd door"), "{}", dm.text());
    seats.assert_only_touched(&[seats.role]);
}

fn request_id(message: &StoredMessage) -> String {
    message
        .buttons()
        .iter()
        .find_map(|b| b.custom_id.clone())
        .and_then(|id| id.split(':').nth(1).map(str::to_string))
        .expect("the request's id is on its buttons")
}

/// The bot's direct message to `user` (the first one).
async fn wait_dm(seats: &Seats, user: UserId) -> StoredMessage {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let dm = seats
            .world
            .fake
            .all_messages()
            .into_iter()
            .find(|m| m.guild_id.is_none() && dm_recipient(seats, m.channel_id) == Some(user));
        if let Some(dm) = dm {
            return dm;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no direct message to {user}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn dm_recipient(seats: &Seats, channel: ChannelId) -> Option<UserId> {
    seats
        .world
        .fake
        .requests_to("POST", "/users/@me/channels")
        .iter()
        .find(|r| {
            r.response
                .as_ref()
                .and_then(|c| c["id"].as_str())
                .is_some_and(|id| id == channel.to_string())
        })
        .and_then(|r| r.body.as_ref()?["recipient_id"].as_str()?.parse().ok())
        .map(UserId::new)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_request_to_a_member_with_closed_dms_is_not_retried() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    fake.set_accepts_dms(seats.bob, false);
    let run = fake
        .as_member(guild, seats.bob)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    answer(&run).await;
    let request = seats.notice("asks for a license").await;
    let click = fake
        .as_member(guild, seats.world.admin)
        .click(request.id, "Deny")
        .await
        .unwrap();
    assert!(answer(&click).await.text().starts_with("Denied:"));
    assert!(seats.holders().await.is_empty());
    // The direct message was refused once (50007), and given up, not retried.
    let deadline = tokio::time::Instant::now() + WAIT;
    let state = loop {
        let notices = seats
            .world
            .store()
            .list_notices(Some(seats.world.guild_id()))
            .await
            .unwrap();
        let dm = notices
            .iter()
            .find(|n| n.dedupe_key.starts_with("license-dm:"));
        match dm.map(|n| n.state) {
            Some(state) if state != licensebot::domain::NoticeState::Pending => break state,
            _ if tokio::time::Instant::now() > deadline => panic!("the DM was never tried"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    assert_eq!(state, licensebot::domain::NoticeState::Failed);
    let refused: Vec<_> = fake
        .requests_to("POST", "/channels/*/messages")
        .into_iter()
        .filter(|r| r.error_code() == Some(50007))
        .collect();
    assert_eq!(refused.len(), 1, "tried once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_takes_every_holders_role_and_an_extension_gives_it_back() {
    let seats = Seats::new().await;
    let world = &seats.world;
    seats.link("Contoso", Some(seats.role)).await;
    seats.licenses("assign", "Contoso", seats.bob).await;
    seats.licenses("assign", "Contoso", seats.carol).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_has_role(seats.carol, seats.role).await;

    // Time passes: the subscription ended 40 days ago and is disabled now.
    sqlx::query("UPDATE subscriptions SET ends_on = $1 WHERE id = $2")
        .bind(today() - Days::new(40))
        .bind(world.subscription)
        .execute(&world.db.pool)
        .await
        .unwrap();
    seats.notice("*Contoso* is now disabled").await;
    seats.wait_lacks_role(seats.bob, seats.role).await;
    seats.wait_lacks_role(seats.carol, seats.role).await;
    assert_eq!(
        seats.holders().await.len(),
        2,
        "disabled keeps the licenses"
    );

    let keys = world.keys(SKU, 50, "12m", 1).await;
    let (run, review) = world
        .order(world.admin, "en-US", "extend", "Contoso", &keys[0])
        .await;
    assert!(
        review.text().contains("2 of 50 assigned"),
        "{}",
        review.text()
    );
    answer(&run.click("Redeem").await.unwrap()).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_has_role(seats.carol, seats.role).await;
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_left_is_released_on_the_next_role_change() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    seats.link("Contoso", Some(seats.role)).await;
    seats.licenses("assign", "Contoso", seats.bob).await;
    seats.licenses("assign", "Contoso", seats.carol).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;

    fake.remove_member(guild, seats.bob);
    // The next role change for bob: a new role for the subscription's holders.
    let second = fake.create_role(guild, "Contoso members", Permissions::empty());
    seats.link("Contoso", Some(second)).await;
    let gone = seats
        .notice(&format!("<@{}> is no longer in this server", seats.bob))
        .await;
    assert!(
        gone.text().contains("license of *Contoso* was released"),
        "{}",
        gone.text()
    );
    assert_eq!(seats.holders().await, [seats.carol.get()]);
    seats.wait_has_role(seats.carol, second).await;
    seats.wait_lacks_role(seats.carol, seats.role).await;
    let history = seats
        .world
        .app
        .list_licenses(seats.world.guild_id(), None, true)
        .await
        .unwrap();
    let bob = history
        .iter()
        .find(|l| l.user.0 == seats.bob.get())
        .unwrap();
    assert_eq!(
        bob.unassigned_reason,
        Some(licensebot::domain::LicenseReason::MemberGone)
    );
    seats.assert_only_touched(&[seats.role, second]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_permissions_is_reported_once_and_that_role_is_left_alone_until_linked_again() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    seats.link("Contoso", Some(seats.role)).await;
    // The role is moved above the bot's after it was linked.
    fake.set_role_position(guild, seats.role, 12);
    seats.licenses("assign", "Contoso", seats.bob).await;
    let refused = seats.notice("Discord refused to let me change").await;
    assert!(refused.text().contains("50013"), "{}", refused.text());
    seats.licenses("assign", "Contoso", seats.carol).await;
    seats.wait_roles_settled().await;
    let puts = |fake: &fake_discord::FakeDiscord| {
        fake.requests_to("PUT", "/guilds/*/members/*/roles/*").len()
    };
    assert_eq!(puts(fake), 1, "no more tries for that role");
    let reports = seats
        .world
        .fake
        .channel_messages(seats.world.notices)
        .iter()
        .filter(|m| m.text().contains("Discord refused"))
        .count();
    assert_eq!(reports, 1, "reported once");

    // Fixed, and linked again: both members get it.
    fake.set_role_position(guild, seats.role, 3);
    seats.link("Contoso", Some(seats.role)).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_has_role(seats.carol, seats.role).await;
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_or_failed_role_change_is_sent_again() {
    let seats = Seats::new().await;
    let fake = &seats.world.fake;
    seats.link("Contoso", Some(seats.role)).await;
    fake.fail_next(
        "PUT",
        "/guilds/*/members/*/roles/*",
        Failure::rate_limited(0.2),
    );
    fake.fail_next("PUT", "/guilds/*/members/*/roles/*", Failure::ServerError);
    seats.licenses("assign", "Contoso", seats.bob).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    let puts = fake.requests_to("PUT", "/guilds/*/members/*/roles/*");
    let statuses: Vec<u16> = puts.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 500, 204]);
    seats.wait_roles_settled().await;
    assert!(
        fake.channel_messages(seats.world.notices)
            .iter()
            .all(|m| !m.text().contains("Discord refused")),
        "a passing failure is not reported"
    );
    seats.assert_only_touched(&[seats.role]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_request_loses_its_buttons_also_after_a_restart() {
    let mut seats = Seats::new().await;
    let (guild, bob) = (seats.world.guild, seats.bob);
    let run = seats
        .world
        .fake
        .as_member(guild, bob)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    answer(&run).await;
    let request = seats.notice("asks for a license").await;
    seats.world.stop_bot().await;
    // Seven days pass while the bot is down.
    sqlx::query("UPDATE license_requests SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day'")
        .execute(&seats.world.db.pool)
        .await
        .unwrap();
    seats.world.start_bot().await;
    let expired = seats
        .world
        .fake
        .wait_for_message(seats.world.notices, WAIT, |m| {
            m.id == request.id && m.buttons().is_empty()
        })
        .await
        .expect("the expired request's buttons are removed");
    assert!(expired.text().contains("Expired at"), "{}", expired.text());
    assert!(expired.text().contains("nobody decided within 7 days"));
    // The member may ask again.
    let again = seats
        .world
        .fake
        .as_member(guild, bob)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    assert!(answer(&again)
        .await
        .text()
        .contains("was sent to the admins"));
    assert!(seats.holders().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dutch_server_reads_its_requests_and_counts_in_dutch() {
    let seats = Seats::in_language("nl").await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    let run = fake
        .as_member(guild, seats.world.admin)
        .locale("nl")
        .command("licenses assign")
        .option("subscription", "Contoso")
        .option("user", seats.carol)
        .send()
        .await
        .unwrap();
    let text = answer(&run).await.text();
    assert!(
        text.contains("heeft nu een licentie van *Contoso*: 1 van 50 toegewezen"),
        "{text}"
    );
    let run = fake
        .as_member(guild, seats.bob)
        .locale("en-US")
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    assert!(
        answer(&run).await.text().contains("was sent to the admins"),
        "the member's language"
    );
    let request = seats.notice("vraagt een licentie van *Contoso* aan").await;
    assert_eq!(
        request.button_labels(),
        ["Goedkeuren", "Weigeren"],
        "the guild's language"
    );
    let registered = fake.registered_commands(None);
    let names = |name: &str| {
        registered.iter().find(|c| c["name"] == name).map(|c| {
            c["name_localizations"]["nl"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
    };
    assert_eq!(names("licenses").as_deref(), Some("licenties"));
    assert_eq!(names("my-licenses").as_deref(), Some("mijn-licenties"));
    assert_eq!(
        names("request-license").as_deref(),
        Some("licentie-aanvragen")
    );
    let licenses = registered.iter().find(|c| c["name"] == "licenses").unwrap();
    let subs: Vec<&str> = licenses["options"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["name_localizations"]["nl"].as_str())
        .collect();
    assert_eq!(subs, ["toewijzen", "intrekken", "overzicht"]);
    // /my-licenses is offered to every member; /licenses only to managers.
    let my = registered
        .iter()
        .find(|c| c["name"] == "my-licenses")
        .unwrap();
    assert!(my["default_member_permissions"].is_null(), "{my}");
    assert_eq!(licenses["default_member_permissions"], "32");
    let run = fake
        .as_member(guild, seats.carol)
        .locale("nl")
        .command("my-licenses")
        .send()
        .await
        .unwrap();
    let held = answer(&run).await.text();
    assert!(held.contains("Mijn licenties"), "{held}");
    assert!(held.contains("Business Standard · eindigt"), "{held}");
}

/// Whether a message body lets nobody be pinged: `allowed_mentions` present, parsing
/// nothing, and naming no user or role.
fn allows_no_mentions(body: Option<&serde_json::Value>) -> bool {
    let Some(allowed) = body.map(|b| &b["allowed_mentions"]) else {
        return false;
    };
    let empty = |v: &serde_json::Value| v.is_null() || v.as_array().is_some_and(|a| a.is_empty());
    allowed.is_object()
        && allowed["parse"].as_array().is_some_and(|p| p.is_empty())
        && empty(&allowed["users"])
        && empty(&allowed["roles"])
        && allowed["replied_user"] != true
}

/// The bot's edits of a message, as the fake received them.
fn edits_of(seats: &Seats, message: &StoredMessage) -> Vec<fake_discord::RecordedRequest> {
    seats.world.fake.requests_to(
        "PATCH",
        &format!("/channels/{}/messages/{}", message.channel_id, message.id),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_a_role_with_power_over_the_server_or_the_manager_role_is_refused_in_its_own_words()
{
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    let cases = [
        ("8", Permissions::ADMINISTRATOR, "Administrator"),
        ("32", Permissions::MANAGE_GUILD, "Manage Server"),
        ("268435456", Permissions::MANAGE_ROLES, "Manage Roles"),
    ];
    let mut texts = Vec::new();
    for (bits, permissions, name) in cases {
        assert_eq!(permissions.bits().to_string(), bits);
        let powerful = fake.create_role(guild, &format!("powers {bits}"), permissions);
        let text = seats.link("Contoso", Some(powerful)).await;
        assert!(
            text.contains(&format!(
                "<@&{powerful}> carries power over the server ({name})"
            )),
            "{text}"
        );
        assert!(text.contains("grants access, never power"), "{text}");
        texts.push(text);
    }
    let managers = fake.create_role(guild, "license managers", Permissions::empty());
    seats
        .world
        .app
        .set_manager_role(seats.world.guild_id(), Some(managers.get()))
        .await
        .unwrap();
    let manager = seats.link("Contoso", Some(managers)).await;
    assert!(
        manager.contains(&format!("<@&{managers}> is this server's manager role")),
        "{manager}"
    );
    assert!(!texts.contains(&manager));
    let linked = seats
        .world
        .app
        .license_roles(seats.world.guild_id())
        .await
        .unwrap();
    assert!(linked.is_empty(), "nothing was linked: {linked:?}");
    assert!(seats.roles_touched().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_role_that_gains_administrator_is_not_given_but_halted_and_reported_once() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    seats.link("Contoso", Some(seats.role)).await;
    seats.licenses("assign", "Contoso", seats.bob).await;
    seats.wait_has_role(seats.bob, seats.role).await;
    seats.wait_roles_settled().await;

    // An admin gives the license role Administrator after it was linked.
    fake.set_role_permissions(guild, seats.role, Permissions::ADMINISTRATOR);
    let text = seats.licenses("assign", "Contoso", seats.carol).await;
    assert!(text.contains("2 of 50 assigned"), "{text}");
    let halted = seats
        .notice(&format!(
            "<@&{}> now carries power over the server (Administrator)",
            seats.role
        ))
        .await;
    assert!(
        halted.text().contains("/settings license-role"),
        "{}",
        halted.text()
    );
    let dave = fake.add_member(guild, "dave", &[]);
    seats.licenses("assign", "Contoso", dave).await;
    // A marker: another subscription's role reaches its holder after both changes above.
    let app = &seats.world.app;
    app.create_subscription(
        seats.world.guild_id(),
        SKU,
        "Fabrikam",
        5,
        today() + Days::new(60),
    )
    .await
    .unwrap();
    let marker = fake.create_role(guild, "Fabrikam users", Permissions::empty());
    seats.link("Fabrikam", Some(marker)).await;
    seats.licenses("assign", "Fabrikam", dave).await;
    seats.wait_has_role(dave, marker).await;
    seats.wait_roles_settled().await;

    for member in [seats.carol, dave] {
        assert!(
            !fake.member_roles(guild, member).contains(&seats.role),
            "{member} was given a role with Administrator"
        );
        let given = fake.requests_to(
            "PUT",
            &format!("/guilds/{guild}/members/{member}/roles/{}", seats.role),
        );
        assert!(given.is_empty(), "{given:?}");
    }
    let reports = fake
        .channel_messages(seats.world.notices)
        .iter()
        .filter(|m| {
            m.text()
                .contains("now carries power over the server (Administrator)")
        })
        .count();
    assert_eq!(reports, 1, "the notice channel is told once");
    let halts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM license_role_halts WHERE role_id = $1")
            .bind(seats.role.get() as i64)
            .fetch_one(&seats.world.db.pool)
            .await
            .unwrap();
    assert_eq!(halts, 1, "the role is halted");

    // While it carries Administrator it cannot be linked again; without it, it can, and
    // every holder gets it.
    let refused = seats.link("Contoso", Some(seats.role)).await;
    assert!(
        refused.contains("carries power over the server (Administrator)"),
        "{refused}"
    );
    fake.set_role_permissions(guild, seats.role, Permissions::empty());
    seats.link("Contoso", Some(seats.role)).await;
    seats.wait_has_role(seats.carol, seats.role).await;
    seats.wait_has_role(dave, seats.role).await;
    seats.assert_only_touched(&[seats.role, marker]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_role_sender_reads_a_guilds_roles_once_for_a_batch_of_changes() {
    let mut seats = Seats::new().await;
    seats.link("Contoso", Some(seats.role)).await;
    seats.wait_roles_settled().await;
    seats.world.stop_bot().await;
    let dave = seats.world.fake.add_member(seats.world.guild, "dave", &[]);
    for member in [seats.bob, seats.carol, dave] {
        seats
            .world
            .app
            .assign_license(licensebot::app::AssignLicense {
                guild: seats.world.guild_id(),
                subscription: licensebot::app::SubscriptionRef::Name("Contoso".into()),
                member: licensebot::domain::records::UserId(member.get()),
                member_is_bot: false,
                by: licensebot::domain::records::UserId(seats.world.admin.get()),
            })
            .await
            .unwrap();
    }
    seats.world.start_bot().await;
    for member in [seats.bob, seats.carol, dave] {
        seats.wait_has_role(member, seats.role).await;
    }
    let reads = seats
        .world
        .fake
        .requests_to("GET", &format!("/guilds/{}/roles", seats.world.guild));
    assert_eq!(
        reads.len(),
        1,
        "one read of the roles for three role changes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_messages_edits_allow_no_mentions_after_a_decision_and_on_expiry() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    let run = fake
        .as_member(guild, seats.bob)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    answer(&run).await;
    let request = seats
        .notice(&format!("<@{}> asks for a license", seats.bob))
        .await;
    let click = fake
        .as_member(guild, seats.world.admin)
        .click(request.id, "Deny")
        .await
        .unwrap();
    answer(&click).await;
    let denied = fake
        .wait_for_message(seats.world.notices, WAIT, |m| {
            m.id == request.id && m.buttons().is_empty()
        })
        .await
        .expect("the denied request's buttons are removed");
    let edits = edits_of(&seats, &denied);
    assert!(!edits.is_empty());
    for edit in &edits {
        assert!(
            allows_no_mentions(edit.body.as_ref()),
            "the edit after a decision may ping: {:?}",
            edit.body
        );
    }

    // Carol's request expires.
    let run = fake
        .as_member(guild, seats.carol)
        .command("request-license")
        .option("subscription", "Contoso")
        .send()
        .await
        .unwrap();
    answer(&run).await;
    let request = seats
        .notice(&format!("<@{}> asks for a license", seats.carol))
        .await;
    sqlx::query("UPDATE license_requests SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE state = 'open'")
        .execute(&seats.world.db.pool)
        .await
        .unwrap();
    let expired = fake
        .wait_for_message(seats.world.notices, WAIT, |m| {
            m.id == request.id && m.buttons().is_empty()
        })
        .await
        .expect("the expired request's buttons are removed");
    let edits = edits_of(&seats, &expired);
    assert!(!edits.is_empty());
    for edit in &edits {
        assert!(
            allows_no_mentions(edit.body.as_ref()),
            "the edit on expiry may ping: {:?}",
            edit.body
        );
    }
}

/// `/request-license` as `user`; returns the answer's text.
async fn request_as(seats: &Seats, user: UserId, subscription: &str) -> String {
    let run = seats
        .world
        .fake
        .as_member(seats.world.guild, user)
        .command("request-license")
        .option("subscription", subscription)
        .send()
        .await
        .unwrap();
    answer(&run).await.text()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_member_may_ask_again_only_after_the_cooldown_and_is_told_when() {
    let seats = Seats::new().await;
    let (fake, guild) = (&seats.world.fake, seats.world.guild);
    let asked = request_as(&seats, seats.bob, "Contoso").await;
    assert!(asked.contains("was sent to the admins"), "{asked}");
    let request = seats.notice("asks for a license of *Contoso*").await;
    let click = fake
        .as_member(guild, seats.world.admin)
        .click(request.id, "Deny")
        .await
        .unwrap();
    assert!(answer(&click).await.text().starts_with("Denied:"));

    let again = request_as(&seats, seats.bob, "Contoso").await;
    assert!(
        again.contains("Your last request for *Contoso* was denied"),
        "{again}"
    );
    let decided: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT decided_at FROM license_requests WHERE state = 'denied'")
            .fetch_one(&seats.world.db.pool)
            .await
            .unwrap();
    let until = (decided + chrono::Duration::hours(24)).timestamp();
    assert!(again.contains(&format!("<t:{until}:R>")), "{again}");
    let open: i64 =
        sqlx::query_scalar("SELECT count(*) FROM license_requests WHERE state = 'open'")
            .fetch_one(&seats.world.db.pool)
            .await
            .unwrap();
    assert_eq!(open, 0, "the refusal posted nothing");

    // A day passes.
    sqlx::query("UPDATE license_requests SET created_at = created_at - interval '25 hours', decided_at = decided_at - interval '25 hours', expires_at = expires_at - interval '25 hours'")
        .execute(&seats.world.db.pool)
        .await
        .unwrap();
    let later = request_as(&seats, seats.bob, "Contoso").await;
    assert!(later.contains("was sent to the admins"), "{later}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_has_at_most_three_open_requests_in_a_server() {
    let seats = Seats::new().await;
    let app = &seats.world.app;
    for name in ["Fabrikam", "Northwind", "Tailspin"] {
        app.create_subscription(
            seats.world.guild_id(),
            SKU,
            name,
            5,
            today() + Days::new(60),
        )
        .await
        .unwrap();
    }
    for name in ["Contoso", "Fabrikam", "Northwind"] {
        let asked = request_as(&seats, seats.bob, name).await;
        assert!(asked.contains("was sent to the admins"), "{name}: {asked}");
    }
    let fourth = request_as(&seats, seats.bob, "Tailspin").await;
    assert!(
        fourth.contains("You already have 3 open requests in this server"),
        "{fourth}"
    );
    let first_expiry: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT min(expires_at) FROM license_requests WHERE state = 'open'")
            .fetch_one(&seats.world.db.pool)
            .await
            .unwrap();
    assert!(
        fourth.contains(&format!("<t:{}:", first_expiry.timestamp())),
        "{fourth}"
    );
    let open: i64 =
        sqlx::query_scalar("SELECT count(*) FROM license_requests WHERE state = 'open'")
            .fetch_one(&seats.world.db.pool)
            .await
            .unwrap();
    assert_eq!(open, 3);
    // Another member is not held back by bob's requests.
    let carol = request_as(&seats, seats.carol, "Tailspin").await;
    assert!(carol.contains("was sent to the admins"), "{carol}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_license_autocomplete_shows_members_subscription_names_only() {
    let seats = Seats::new().await;
    let typed = seats
        .world
        .fake
        .as_member(seats.world.guild, seats.bob)
        .command("request-license")
        .focused("subscription", "Cont")
        .send()
        .await
        .unwrap();
    let choices = typed.wait_response(WAIT).await.unwrap().choice_names();
    assert_eq!(choices, ["Contoso"]);
}
