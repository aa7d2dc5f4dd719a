//! Roles, members and direct messages, as a bot that assigns roles meets them: a real
//! serenity REST client gives and takes member roles, reads the guild's roles and the bot's
//! own member, and opens DMs; the fake answers and refuses as Discord does.

use fake_discord::{serenity::all::Permissions, FakeDiscord};
use serenity::all::{
    CommandInteraction, CommandOptionType, CreateCommand, CreateCommandOption, CreateMessage,
    GuildId, Interaction, ResolvedValue,
};

use crate::common::{forwarding_bot, http_for, refusal};

/// A guild with a role to give, placed below the bot's own role, and a member.
struct World {
    fake: FakeDiscord,
    guild: GuildId,
    licensed: serenity::all::RoleId,
    ana: serenity::all::UserId,
}

async fn world() -> World {
    let fake = FakeDiscord::start().await.expect("the fake starts");
    let guild = fake.create_guild("Contoso", "en-US");
    let licensed = fake.create_role(guild, "licensed", Permissions::empty());
    let ana = fake.add_member(guild, "ana", &[]);
    fake.set_role_position(guild, fake.bot_role(guild), 5);
    fake.set_bot_permissions(
        guild,
        Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES | Permissions::MANAGE_ROLES,
    );
    World {
        fake,
        guild,
        licensed,
        ana,
    }
}

#[tokio::test]
async fn a_slow_reply_comes_after_the_change_took_effect() {
    let w = world().await;
    let delay = std::time::Duration::from_millis(300);
    w.fake
        .set_reply_latency("PUT", "/guilds/*/members/*/roles/*", delay);
    let http = http_for(&w.fake);
    let put = http.add_member_role(w.guild, w.ana, w.licensed, None);
    tokio::pin!(put);
    // Before the answer comes, the role is already given.
    let deadline = tokio::time::Instant::now() + delay;
    let mut given_first = false;
    loop {
        tokio::select! {
            answer = &mut put => {
                answer.expect("the role is given");
                break;
            }
            _ = tokio::time::sleep(std::time::Duration::from_millis(20)) => {
                if !w.fake.member_roles(w.guild, w.ana).is_empty()
                    && tokio::time::Instant::now() < deadline
                {
                    given_first = true;
                }
            }
        }
    }
    assert!(
        given_first,
        "the role was given before the slow answer came"
    );
    assert_eq!(w.fake.member_roles(w.guild, w.ana), [w.licensed]);
}

#[tokio::test]
async fn a_member_role_is_given_by_put_and_taken_by_delete_idempotently() {
    let w = world().await;
    let http = http_for(&w.fake);
    for _ in 0..2 {
        http.add_member_role(w.guild, w.ana, w.licensed, Some("licensebot"))
            .await
            .expect("the role is given");
    }
    assert_eq!(w.fake.member_roles(w.guild, w.ana), [w.licensed]);
    let member = http.get_member(w.guild, w.ana).await.expect("GET member");
    assert_eq!(member.roles, [w.licensed]);
    for _ in 0..2 {
        http.remove_member_role(w.guild, w.ana, w.licensed, None)
            .await
            .expect("the role is taken");
    }
    assert!(w.fake.member_roles(w.guild, w.ana).is_empty());
    let puts = w.fake.requests_to("PUT", "/guilds/*/members/*/roles/*");
    assert_eq!(puts.len(), 2);
    assert!(puts.iter().all(|r| r.status == 204));
}

#[tokio::test]
async fn a_role_the_bot_may_not_give_is_refused_with_missing_permissions() {
    let w = world().await;
    let http = http_for(&w.fake);
    // Above the bot's highest role.
    w.fake.set_role_position(w.guild, w.licensed, 9);
    let above = http.add_member_role(w.guild, w.ana, w.licensed, None).await;
    assert_eq!(refusal(above).1, 50013);
    // Equal positions: the older role (the bot's, created first) is higher.
    w.fake.set_role_position(w.guild, w.licensed, 5);
    http.add_member_role(w.guild, w.ana, w.licensed, None)
        .await
        .expect("below the bot's role by id");
    // Without Manage Roles.
    w.fake.set_role_position(w.guild, w.licensed, 2);
    w.fake.set_bot_permissions(
        w.guild,
        Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES,
    );
    let powerless = http
        .remove_member_role(w.guild, w.ana, w.licensed, None)
        .await;
    assert_eq!(refusal(powerless).1, 50013);
    // A managed role, and @everyone, even with Administrator.
    w.fake
        .set_bot_permissions(w.guild, Permissions::ADMINISTRATOR);
    let (_, other_bot_role) = w.fake.add_bot(w.guild, "otherbot");
    let managed = http
        .add_member_role(w.guild, w.ana, other_bot_role, None)
        .await;
    assert_eq!(refusal(managed).1, 50013);
    let everyone = http
        .add_member_role(w.guild, w.ana, w.fake.everyone_role(w.guild), None)
        .await;
    assert_eq!(refusal(everyone).1, 50013);
    assert_eq!(w.fake.member_roles(w.guild, w.ana), [w.licensed]);
}

#[tokio::test]
async fn a_member_who_left_is_unknown_and_so_is_a_deleted_role() {
    let w = world().await;
    let http = http_for(&w.fake);
    w.fake.remove_member(w.guild, w.ana);
    assert!(!w.fake.is_member(w.guild, w.ana));
    let gone = http.add_member_role(w.guild, w.ana, w.licensed, None).await;
    assert_eq!(refusal(gone).0, 404);
    let gone = http
        .remove_member_role(w.guild, w.ana, w.licensed, None)
        .await;
    assert_eq!(refusal(gone).1, 10007);
    let member = http.get_member(w.guild, w.ana).await;
    assert_eq!(refusal(member).1, 10007);
    let bob = w.fake.add_member(w.guild, "bob", &[]);
    let unknown = http
        .add_member_role(w.guild, bob, serenity::all::RoleId::new(12345), None)
        .await;
    assert_eq!(refusal(unknown).1, 10011);
}

#[tokio::test]
async fn the_bots_member_and_the_guilds_roles_say_what_the_bot_may_change() {
    let w = world().await;
    let http = http_for(&w.fake);
    let me = http.get_current_user().await.expect("the bot's user");
    let member = http
        .get_member(w.guild, me.id)
        .await
        .expect("the bot's member");
    let bot_role = w.fake.bot_role(w.guild);
    assert_eq!(member.roles, [bot_role]);
    let roles = http.get_guild_roles(w.guild).await.expect("the roles");
    let find = |id| {
        roles
            .iter()
            .find(|r| r.id == id)
            .expect("the role is listed")
    };
    assert!(find(bot_role).managed);
    assert_eq!(find(bot_role).position, 5);
    assert!(find(bot_role)
        .permissions
        .contains(Permissions::MANAGE_ROLES));
    assert!(
        find(bot_role) > find(w.licensed),
        "serenity orders them the same way"
    );
    assert_eq!(find(w.fake.everyone_role(w.guild)).position, 0);
}

#[tokio::test]
async fn a_dm_reaches_a_user_who_takes_them_and_is_refused_with_50007_otherwise() {
    let w = world().await;
    let http = http_for(&w.fake);
    let channel = w.ana.create_dm_channel(&http).await.expect("a DM channel");
    channel
        .send_message(&http, CreateMessage::new().content("your license"))
        .await
        .expect("a DM");
    assert_eq!(w.fake.channel_messages(channel.id).len(), 1);
    w.fake.set_accepts_dms(w.ana, false);
    let closed = channel
        .send_message(&http, CreateMessage::new().content("again"))
        .await;
    assert_eq!(refusal(closed), (403, 50007, vec![]));
    assert_eq!(w.fake.channel_messages(channel.id).len(), 1);
}

fn user_and_role_command() -> CreateCommand {
    CreateCommand::new("grant")
        .description("grant")
        .add_option(CreateCommandOption::new(CommandOptionType::User, "user", "who").required(true))
        .add_option(CreateCommandOption::new(
            CommandOptionType::Role,
            "role",
            "which",
        ))
}

fn resolved_user_and_role(cmd: &CommandInteraction) -> (bool, bool, Option<u16>) {
    let mut out = (false, false, None);
    for option in cmd.data.options() {
        match option.value {
            ResolvedValue::User(user, member) => {
                out.0 = user.bot;
                out.1 = member.is_some();
            }
            ResolvedValue::Role(role) => out.2 = Some(role.position),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn user_and_role_options_arrive_resolved_with_the_members_and_the_bots() {
    let w = world().await;
    let mut bot = forwarding_bot(&w.fake, vec![user_and_role_command()]).await;
    let owner = w.fake.guild_owner(w.guild);
    let (other_bot, _) = w.fake.add_bot(w.guild, "otherbot");
    let cases = [
        (w.ana, Some(w.licensed), (false, true, Some(2))),
        (other_bot, None, (true, true, None)),
    ];
    for (user, role, expected) in cases {
        let mut command = w
            .fake
            .as_member(w.guild, owner)
            .command("grant")
            .option("user", user);
        if let Some(role) = role {
            command = command.option("role", role);
        }
        command.send().await.expect("the command is sent");
        let Interaction::Command(cmd) = bot.next().await else {
            panic!("a command interaction");
        };
        assert_eq!(resolved_user_and_role(&cmd), expected);
    }
    // A user who is not in the guild resolves without a member.
    let stranger = w.fake.add_user("stranger");
    w.fake
        .as_member(w.guild, owner)
        .command("grant")
        .option("user", stranger)
        .send()
        .await
        .expect("the command is sent");
    let Interaction::Command(cmd) = bot.next().await else {
        panic!("a command interaction");
    };
    assert_eq!(resolved_user_and_role(&cmd), (false, false, None));
}

/// A bot that asks for the privileged GUILD_MEMBERS intent and hands the test every member
/// update (the member's roles) and leave.
struct MemberEvents {
    tx: tokio::sync::mpsc::UnboundedSender<MemberEvent>,
}

#[derive(Debug, PartialEq)]
enum MemberEvent {
    Updated(serenity::all::UserId, Vec<serenity::all::RoleId>),
    Left(serenity::all::UserId),
}

#[serenity::async_trait]
impl serenity::all::EventHandler for MemberEvents {
    async fn guild_member_update(
        &self,
        _ctx: serenity::all::Context,
        _old: Option<serenity::all::Member>,
        _new: Option<serenity::all::Member>,
        event: serenity::all::GuildMemberUpdateEvent,
    ) {
        let _ = self
            .tx
            .send(MemberEvent::Updated(event.user.id, event.roles));
    }

    async fn guild_member_removal(
        &self,
        _ctx: serenity::all::Context,
        _guild: GuildId,
        user: serenity::all::User,
        _member: Option<serenity::all::Member>,
    ) {
        let _ = self.tx.send(MemberEvent::Left(user.id));
    }
}

async fn next(events: &mut tokio::sync::mpsc::UnboundedReceiver<MemberEvent>) -> MemberEvent {
    tokio::time::timeout(crate::common::WAIT, events.recv())
        .await
        .expect("a member event arrives")
        .expect("the client runs")
}

/// A serenity client asking for GUILDS and GUILD_MEMBERS; its `start` result comes back on
/// the handle.
async fn members_client(
    fake: &FakeDiscord,
) -> (
    tokio::task::JoinHandle<serenity::Result<()>>,
    tokio::sync::mpsc::UnboundedReceiver<MemberEvent>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let http = serenity::all::HttpBuilder::new(fake.token())
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .build();
    let intents =
        serenity::all::GatewayIntents::GUILDS | serenity::all::GatewayIntents::GUILD_MEMBERS;
    let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler(MemberEvents { tx })
        .await
        .expect("the client builds");
    (tokio::spawn(async move { client.start().await }), rx)
}

#[tokio::test]
async fn asking_for_the_members_intent_the_application_lacks_is_closed_with_4014() {
    let w = world().await;
    let (client, _events) = members_client(&w.fake).await;
    let stopped = tokio::time::timeout(crate::common::WAIT, client)
        .await
        .expect("the client stops instead of retrying")
        .expect("the client task did not panic");
    assert!(
        matches!(
            stopped,
            Err(serenity::Error::Gateway(
                serenity::all::GatewayError::DisallowedGatewayIntents
            ))
        ),
        "{stopped:?}"
    );
    assert_eq!(w.fake.disallowed_intents_count(), 1);
}

#[tokio::test]
async fn with_the_members_intent_a_role_changed_by_hand_and_a_leave_are_dispatched() {
    let w = world().await;
    w.fake.enable_members_intent(true);
    let (client, mut events) = members_client(&w.fake).await;
    w.fake
        .wait_ready(crate::common::WAIT)
        .await
        .expect("the client connects");
    w.fake.set_member_roles(w.guild, w.ana, &[w.licensed]);
    assert_eq!(
        next(&mut events).await,
        MemberEvent::Updated(w.ana, vec![w.licensed])
    );
    // A change the bot makes is dispatched too, as Discord does.
    http_for(&w.fake)
        .remove_member_role(w.guild, w.ana, w.licensed, None)
        .await
        .expect("the role is taken");
    assert_eq!(next(&mut events).await, MemberEvent::Updated(w.ana, vec![]));
    w.fake.remove_member(w.guild, w.ana);
    assert_eq!(next(&mut events).await, MemberEvent::Left(w.ana));
    assert_eq!(w.fake.disallowed_intents_count(), 0);
    client.abort();
}
