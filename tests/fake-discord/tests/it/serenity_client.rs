//! A real serenity 0.12.5 client (a tiny bot) against the fake: commands, buttons, modals,
//! deferred edits, autocomplete, channel messages with nonces, resume after a dropped
//! connection, duplicate dispatches.

use std::time::Duration;

use fake_discord::{CallbackKind, FakeDiscord};
use serde_json::json;
use serenity::all::{
    async_trait, ActionRowComponent, AutocompleteChoice, ButtonStyle, ChannelId, ChannelType,
    Command, CommandDataOptionValue, CommandOptionType, Context, CreateActionRow,
    CreateAutocompleteResponse, CreateButton, CreateCommand, CreateCommandOption, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateModal,
    EditInteractionResponse, EventHandler, InputTextStyle, Interaction, InteractionContext,
    Permissions, Ready, ResolvedValue,
};

use crate::common::{http_for, start_bot, WAIT};

/// The tiny bot.
struct DemoBot;

fn commands() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("hello").description("Say hello"),
        CreateCommand::new("feedback").description("Send feedback"),
        CreateCommand::new("admin-only")
            .description("Needs Manage Server")
            .default_member_permissions(Permissions::MANAGE_GUILD),
        CreateCommand::new("settings")
            .description("Settings")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::SubCommand,
                    "notices",
                    "Notice channel",
                )
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::Channel, "channel", "Where")
                        .channel_types(vec![ChannelType::Text])
                        .required(true),
                ),
            ),
        CreateCommand::new("pick")
            .description("Pick a fruit")
            .add_option(
                CreateCommandOption::new(CommandOptionType::String, "fruit", "Fruit")
                    .required(true)
                    .set_autocomplete(true),
            ),
        CreateCommand::new("notify")
            .description("Post a notice twice")
            .add_option(
                CreateCommandOption::new(CommandOptionType::Channel, "channel", "Where")
                    .required(true),
            ),
    ]
}

fn dm_command() -> CreateCommand {
    CreateCommand::new("whoami")
        .description("Who am I")
        .contexts(vec![InteractionContext::Guild, InteractionContext::BotDm])
}

#[async_trait]
impl EventHandler for DemoBot {
    async fn ready(&self, ctx: Context, ready: Ready) {
        for guild in &ready.guilds {
            guild
                .id
                .set_commands(&ctx.http, commands())
                .await
                .expect("guild commands");
        }
        Command::set_global_commands(&ctx.http, vec![dm_command()])
            .await
            .expect("global commands");
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(command) => {
                let user = command.user.name.clone();
                let response = match command.data.name.as_str() {
                    "hello" => CreateInteractionResponse::Message(
                        CreateInteractionResponseMessage::new()
                            .content(format!("Hello, {user}!"))
                            .components(vec![CreateActionRow::Buttons(vec![CreateButton::new(
                                "wave",
                            )
                            .label("Wave")
                            .style(ButtonStyle::Primary)])]),
                    ),
                    "feedback" => CreateInteractionResponse::Modal(
                        CreateModal::new("feedback", "Feedback").components(vec![
                            CreateActionRow::InputText(
                                CreateInputText::new(
                                    InputTextStyle::Paragraph,
                                    "Your feedback",
                                    "text",
                                )
                                .required(true),
                            ),
                        ]),
                    ),
                    "admin-only" => CreateInteractionResponse::Message(
                        CreateInteractionResponseMessage::new()
                            .content("admin stuff")
                            .ephemeral(true),
                    ),
                    "settings" => {
                        let options = command.data.options();
                        let channel = match options.first().map(|o| &o.value) {
                            Some(ResolvedValue::SubCommand(sub)) => {
                                match sub.first().map(|o| &o.value) {
                                    Some(ResolvedValue::Channel(channel)) => {
                                        channel.name.clone().unwrap_or_default()
                                    }
                                    _ => "?".into(),
                                }
                            }
                            _ => "?".into(),
                        };
                        CreateInteractionResponse::Message(
                            CreateInteractionResponseMessage::new().content(format!(
                                "Notices go to #{channel} (locale {})",
                                command.locale
                            )),
                        )
                    }
                    "notify" => {
                        let channel = match command.data.options.first().map(|o| &o.value) {
                            Some(CommandDataOptionValue::Channel(c)) => *c,
                            _ => ChannelId::new(1),
                        };
                        let mut ids = Vec::new();
                        for _ in 0..2 {
                            let message = CreateMessage::new()
                                .content("Subscription extended")
                                .nonce(serenity::all::Nonce::String("outbox-1".into()))
                                .enforce_nonce(true);
                            ids.push(
                                channel
                                    .send_message(&ctx.http, message)
                                    .await
                                    .expect("send")
                                    .id,
                            );
                        }
                        CreateInteractionResponse::Message(
                            CreateInteractionResponseMessage::new()
                                .content(if ids[0] == ids[1] {
                                    "one message"
                                } else {
                                    "two messages"
                                })
                                .ephemeral(true),
                        )
                    }
                    "whoami" => CreateInteractionResponse::Message(
                        CreateInteractionResponseMessage::new().content(format!(
                            "{user} in {}",
                            if command.guild_id.is_some() {
                                "a guild"
                            } else {
                                "a DM"
                            }
                        )),
                    ),
                    _ => return,
                };
                let _ = command.create_response(&ctx.http, response).await;
            }
            Interaction::Component(component) if component.data.custom_id == "wave" => {
                let _ = component
                    .create_response(
                        &ctx.http,
                        CreateInteractionResponse::UpdateMessage(
                            CreateInteractionResponseMessage::new()
                                .content(format!("Waved by {}", component.user.name))
                                .components(vec![CreateActionRow::Buttons(vec![
                                    CreateButton::new("wave").label("Wave").disabled(true),
                                ])]),
                        ),
                    )
                    .await;
            }
            Interaction::Modal(modal) => {
                let text = modal
                    .data
                    .components
                    .iter()
                    .flat_map(|row| row.components.iter())
                    .find_map(|c| match c {
                        ActionRowComponent::InputText(input) => input.value.clone(),
                        _ => None,
                    })
                    .unwrap_or_default();
                let _ = modal.defer_ephemeral(&ctx.http).await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = modal
                    .edit_response(
                        &ctx.http,
                        EditInteractionResponse::new().content(format!("Thanks: {text}")),
                    )
                    .await;
            }
            Interaction::Autocomplete(autocomplete) => {
                let typed = autocomplete
                    .data
                    .autocomplete()
                    .map(|o| o.value.to_lowercase())
                    .unwrap_or_default();
                let choices: Vec<AutocompleteChoice> = ["apple", "apricot", "banana"]
                    .iter()
                    .filter(|f| f.starts_with(&typed))
                    .map(|f| AutocompleteChoice::new(*f, *f))
                    .collect();
                let _ = autocomplete
                    .create_response(
                        &ctx.http,
                        CreateInteractionResponse::Autocomplete(
                            CreateAutocompleteResponse::new().set_choices(choices),
                        ),
                    )
                    .await;
            }
            _ => {}
        }
    }
}

struct World {
    fake: FakeDiscord,
    guild: serenity::all::GuildId,
    ana: serenity::all::UserId,
    _bot: crate::common::RunningBot,
}

async fn world() -> World {
    let fake = FakeDiscord::start().await.unwrap();
    let guild = fake.create_guild("Contoso", "nl");
    let admins = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
    let ana = fake.add_member(guild, "ana", &[admins]);
    let bot = start_bot(&fake, DemoBot).await;
    fake.wait_for_commands(Some(guild), WAIT).await.unwrap();
    fake.wait_for_commands(None, WAIT).await.unwrap();
    World {
        fake,
        guild,
        ana,
        _bot: bot,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_lists_guilds_and_the_bot_registers_its_commands() {
    let w = world().await;
    assert_eq!(w.fake.identify_count(), 1);
    assert_eq!(w.fake.intents(), 1, "GUILDS");
    let names: Vec<String> = w
        .fake
        .registered_commands(Some(w.guild))
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "hello",
            "feedback",
            "admin-only",
            "settings",
            "pick",
            "notify"
        ]
    );
    let puts = w
        .fake
        .requests_to("PUT", "/applications/*/guilds/*/commands");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].status, 200);
    assert!(w.fake.requests_to("GET", "/gateway").len() == 1);
    assert!(w.fake.internal_errors().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_command_is_answered_with_a_message() {
    let w = world().await;
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .command("hello")
        .send()
        .await
        .unwrap();
    let response = run.wait_response(WAIT).await.unwrap();
    assert_eq!(response.kind, CallbackKind::ChannelMessage);
    let message = response.message().unwrap();
    assert_eq!(message.content, "Hello, ana!");
    assert_eq!(message.button_labels(), ["Wave"]);
    assert!(!message.ephemeral);
    assert_eq!(
        w.fake
            .channel_messages(w.fake.default_channel(w.guild))
            .len(),
        1
    );
    // The message Discord returns decodes with serenity and carries the interaction.
    let decoded = message.to_serenity().unwrap();
    assert_eq!(decoded.content, "Hello, ana!");
    assert!(decoded.interaction_metadata.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn button_click_carries_the_message_and_updates_it() {
    let w = world().await;
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .command("hello")
        .send()
        .await
        .unwrap();
    run.wait_response(WAIT).await.unwrap();
    let click = run.click("Wave").await.unwrap();
    assert_eq!(click.payload()["message"]["content"], "Hello, ana!");
    assert_eq!(click.payload()["data"]["custom_id"], "wave");
    let response = click.wait_response(WAIT).await.unwrap();
    assert_eq!(response.kind, CallbackKind::UpdateMessage);
    let updated = run.original_message().unwrap();
    assert_eq!(updated.content, "Waved by ana");
    assert!(updated.edited);
    assert_eq!(updated.history.len(), 1);
    assert!(updated.button("Wave").unwrap().disabled);
    // A disabled button cannot be clicked, as in Discord's client.
    let error = run.click("Wave").await.unwrap_err();
    assert!(error.to_string().contains("disabled"), "{error}");
    let error = run.click("Nope").await.unwrap_err();
    assert!(error.to_string().contains("Wave"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modal_submit_is_answered_with_a_deferred_edit() {
    let w = world().await;
    let open = w
        .fake
        .as_member(w.guild, w.ana)
        .command("feedback")
        .send()
        .await
        .unwrap();
    let response = open.wait_response(WAIT).await.unwrap();
    assert_eq!(response.kind, CallbackKind::Modal);
    let modal = response.modal.unwrap();
    assert_eq!(modal.title, "Feedback");
    assert_eq!(modal.inputs[0].label, "Your feedback");
    assert!(open
        .submit_modal(&[])
        .await
        .unwrap_err()
        .to_string()
        .contains("required"));
    let submit = open
        .submit_modal(&[("Your feedback", "great bot")])
        .await
        .unwrap();
    let answer = submit.wait_response(WAIT).await.unwrap();
    assert_eq!(answer.kind, CallbackKind::DeferredChannelMessage);
    let message = answer.message().unwrap();
    assert_eq!(message.content, "Thanks: great bot");
    assert!(message.ephemeral);
    assert!(!message.is_loading());
    assert!(
        open.submit_modal(&[("text", "again")]).await.is_err(),
        "a modal is submitted once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_message_sent_twice_with_enforced_nonce_is_created_once() {
    let w = world().await;
    let notices = w.fake.create_text_channel(w.guild, "notices");
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .command("notify")
        .option("channel", notices)
        .send()
        .await
        .unwrap();
    let response = run.wait_response(WAIT).await.unwrap();
    assert_eq!(response.text(), "one message");
    assert_eq!(w.fake.requests_to("POST", "/channels/*/messages").len(), 2);
    let messages = w.fake.channel_messages(notices);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].nonce, Some(json!("outbox-1")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subcommand_channel_option_arrives_resolved_with_the_locale() {
    let w = world().await;
    let notices = w.fake.create_text_channel(w.guild, "notices");
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .locale("nl")
        .command("settings notices")
        .option("channel", notices)
        .send()
        .await
        .unwrap();
    assert_eq!(
        run.wait_response(WAIT).await.unwrap().text(),
        "Notices go to #notices (locale nl)"
    );
    let data = &run.payload()["data"];
    assert_eq!(data["options"][0]["name"], "notices");
    assert_eq!(
        data["resolved"]["channels"][notices.to_string()]["name"],
        "notices"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_returns_the_bots_choices() {
    let w = world().await;
    let typed = w
        .fake
        .as_member(w.guild, w.ana)
        .command("pick")
        .focused("fruit", "ap")
        .send()
        .await
        .unwrap();
    let response = typed.wait_response(WAIT).await.unwrap();
    assert_eq!(response.kind, CallbackKind::AutocompleteResult);
    assert_eq!(response.choice_names(), ["apple", "apricot"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_follow_default_member_permissions_and_dms_carry_a_user() {
    let w = world().await;
    let bob = w.fake.add_member(w.guild, "bob", &[]);
    let error = w
        .fake
        .as_member(w.guild, bob)
        .command("admin-only")
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("default_member_permissions"),
        "{error}"
    );
    let overridden = w
        .fake
        .as_member(w.guild, bob)
        .command("admin-only")
        .ignoring_command_permissions()
        .send()
        .await
        .unwrap();
    assert!(overridden.wait_response(WAIT).await.unwrap().is_ephemeral());

    let dm = w.fake.as_user(bob).command("whoami").send().await.unwrap();
    assert_eq!(dm.wait_response(WAIT).await.unwrap().text(), "bob in a DM");
    assert!(dm.payload().get("member").is_none());
    assert_eq!(dm.payload()["user"]["username"], "bob");
    assert!(
        w.fake.as_user(bob).command("hello").send().await.is_err(),
        "guild command in a DM"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_resumed_and_missed_dispatches_replayed() {
    let w = world().await;
    let before = w.fake.last_sequence();
    assert!(w.fake.drop_connection());
    // Dispatched while the bot is away: replayed after RESUME.
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .command("hello")
        .send()
        .await
        .unwrap();
    w.fake.wait_for_resumes(1, WAIT).await.unwrap();
    assert_eq!(run.wait_response(WAIT).await.unwrap().text(), "Hello, ana!");
    assert_eq!(w.fake.identify_count(), 1, "resumed, not re-identified");
    assert_eq!(w.fake.resume_count(), 1);
    assert!(
        w.fake.last_sequence() >= before + 2,
        "the interaction and RESUMED"
    );
    assert_eq!(w.fake.connection_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_dispatch_reaches_the_bot_twice_and_the_second_answer_is_refused() {
    let w = world().await;
    let run = w
        .fake
        .as_member(w.guild, w.ana)
        .command("hello")
        .send()
        .await
        .unwrap();
    run.wait_response(WAIT).await.unwrap();
    run.redeliver().await.unwrap();
    let fake = &w.fake;
    let deadline = tokio::time::Instant::now() + WAIT;
    while run.refusals().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refusals = run.refusals();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].error.code, 40060);
    assert_eq!(
        fake.channel_messages(fake.default_channel(w.guild)).len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeats_are_acknowledged() {
    let fake = FakeDiscord::builder()
        .heartbeat_interval(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let _bot = start_bot(&fake, DemoBot).await;
    // serenity checks its heartbeat timer between reads (it polls the socket every 0.5 s).
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.heartbeat_count() < 3 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        fake.heartbeat_count() >= 3,
        "{} heartbeats",
        fake.heartbeat_count()
    );
    assert_eq!(
        fake.identify_count(),
        1,
        "every heartbeat was ACKed, no reconnect"
    );
    assert_eq!(fake.connection_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guild_created_after_ready_arrives_as_guild_create() {
    let w = world().await;
    let second = w.fake.create_guild("Fabrikam", "en-US");
    w.fake
        .wait_for_commands(Some(second), Duration::from_secs(1))
        .await
        .err();
    // DemoBot only registers in `ready`; the guild reached the bot's cache-less client as a
    // GUILD_CREATE dispatch that decoded (else the fake would have panicked).
    assert!(w.fake.internal_errors().is_empty());
    assert!(w.fake.last_sequence() >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_calls_with_another_token_get_401() {
    let fake = FakeDiscord::start().await.unwrap();
    let stranger = serenity::all::HttpBuilder::new("someone-else")
        .proxy(fake.api_url())
        .ratelimiter_disabled(true)
        .build();
    let (status, code, _) = crate::common::refusal(stranger.get_current_user().await);
    assert_eq!((status, code), (401, 0));
    let user = http_for(&fake).get_current_user().await.unwrap();
    assert_eq!(user.id, fake.bot_user_id());
    assert!(user.bot);
}
