//! Every callback type and the webhook routes, answered with serenity's `Http` as a bot would:
//! PONG, deferred message + edit, the first follow-up replacing the "thinking" message,
//! deferred update + edit, @original get/delete, attachments, command registration checks,
//! and a re-identify after the session is invalidated.

use std::time::Duration;

use fake_discord::{CallbackKind, FakeDiscord};
use serde_json::json;
use serenity::all::{
    CommandOptionType, CreateAttachment, CreateCommand, CreateCommandOption, GuildId, Interaction,
    InteractionContext, UserId,
};

use crate::common::{forwarding_bot, refusal, ForwardingBot, WAIT};

struct Setup {
    fake: FakeDiscord,
    bot: ForwardingBot,
    guild: GuildId,
    user: UserId,
}

async fn setup() -> Setup {
    let fake = FakeDiscord::start().await.unwrap();
    let guild = fake.create_guild("Contoso", "en-US");
    let user = fake.add_member(guild, "ana", &[]);
    let commands = vec![
        CreateCommand::new("ping").description("Ping"),
        CreateCommand::new("guild-only")
            .description("Servers only")
            .contexts(vec![InteractionContext::Guild]),
        CreateCommand::new("count").description("Count").add_option(
            CreateCommandOption::new(CommandOptionType::Integer, "n", "How many")
                .min_int_value(1)
                .max_int_value(10)
                .required(true),
        ),
    ];
    let bot = forwarding_bot(&fake, commands).await;
    Setup {
        fake,
        bot,
        guild,
        user,
    }
}

impl Setup {
    async fn respond(&self, interaction: &Interaction, body: serde_json::Value) {
        self.bot
            .http
            .create_interaction_response(interaction.id(), interaction.token(), &body, vec![])
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ping_is_answered_with_pong() {
    let mut s = setup().await;
    let ping = s.fake.send_ping().await.unwrap();
    let interaction = s.bot.next().await;
    assert!(matches!(interaction, Interaction::Ping(_)));
    let message = s
        .bot
        .http
        .create_interaction_response(
            interaction.id(),
            interaction.token(),
            &json!({"type": 4, "data": {"content": "x"}}),
            vec![],
        )
        .await;
    assert_eq!(refusal(message).1, 50035, "a PING takes only PONG");
    s.respond(&interaction, json!({"type": 1})).await;
    assert_eq!(
        ping.wait_response(WAIT).await.unwrap().kind,
        CallbackKind::Pong
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_message_is_settled_by_the_edit_of_original() {
    let mut s = setup().await;
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 5, "data": {"flags": 64}}))
        .await;
    let ack = handle.wait_ack(WAIT).await.unwrap();
    assert_eq!(ack.kind, CallbackKind::DeferredChannelMessage);
    assert!(ack.message().unwrap().is_loading());
    assert!(ack.is_ephemeral());
    let http = &s.bot.http;
    let token = interaction.token().to_string();
    let waiter = {
        let handle = handle.clone();
        tokio::spawn(async move { handle.wait_response(WAIT).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let edited = http
        .edit_original_interaction_response(
            &token,
            &json!({"content": "done", "embeds": [{"title": "Receipt"}]}),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(edited.content, "done");
    let response = waiter.await.unwrap().unwrap();
    let message = response.message().unwrap();
    assert!(!message.is_loading());
    assert!(message.ephemeral, "an edit keeps the message ephemeral");
    assert_eq!(message.text(), "done\nReceipt");
    assert_eq!(
        http.get_original_interaction_response(&token)
            .await
            .unwrap()
            .content,
        "done"
    );
    // A follow-up, then @original deleted.
    let followup = http
        .create_followup_message(&token, &json!({"content": "more", "flags": 64}), vec![])
        .await
        .unwrap();
    assert_eq!(handle.followups().len(), 1);
    assert!(handle.followups()[0].ephemeral);
    http.edit_followup_message(&token, followup.id, &json!({"content": "more!"}), vec![])
        .await
        .unwrap();
    assert_eq!(handle.followups()[0].content, "more!");
    http.delete_original_interaction_response(&token)
        .await
        .unwrap();
    assert!(handle.original_message().unwrap().deleted);
    assert_eq!(
        refusal(http.get_original_interaction_response(&token).await),
        (404, 10008, vec![])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_follow_up_after_a_defer_replaces_the_thinking_message() {
    let mut s = setup().await;
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 5})).await;
    let first = s
        .bot
        .http
        .create_followup_message(interaction.token(), &json!({"content": "answer"}), vec![])
        .await
        .unwrap();
    let response = handle.wait_response(WAIT).await.unwrap();
    assert_eq!(response.message().unwrap().id, first.id);
    assert_eq!(response.text(), "answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deferred_update_is_settled_by_the_edit_of_the_clicked_message() {
    let mut s = setup().await;
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 4, "data": {"content": "menu", "flags": 64, "components": [
        {"type": 1, "components": [{"type": 2, "style": 3, "label": "Redeem", "custom_id": "order:1:redeem"}]}]}}))
        .await;
    // Someone else cannot click ana's ephemeral message.
    let bob = s.fake.add_member(s.guild, "bob", &[]);
    let message = handle.original_message().unwrap();
    assert!(s
        .fake
        .as_member(s.guild, bob)
        .click(message.id, "Redeem")
        .await
        .is_err());
    // ... but a forged click reaches the bot, which must check who clicked.
    let forged = s
        .fake
        .as_member(s.guild, bob)
        .forge_click(message.id, "order:1:redeem")
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    assert_eq!(interaction.id(), forged.id());
    s.respond(
        &interaction,
        json!({"type": 4, "data": {"content": "not yours", "flags": 64}}),
    )
    .await;

    let click = handle.click("Redeem").await.unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 6})).await;
    assert_eq!(
        click.wait_ack(WAIT).await.unwrap().kind,
        CallbackKind::DeferredUpdateMessage
    );
    s.bot
        .http
        .edit_original_interaction_response(
            interaction.token(),
            &json!({"content": "Redeemed", "components": []}),
            vec![],
        )
        .await
        .unwrap();
    let response = click.wait_response(WAIT).await.unwrap();
    let updated = response.message().unwrap();
    assert_eq!(
        updated.id, message.id,
        "@original of a component is the clicked message"
    );
    assert_eq!(updated.content, "Redeemed");
    assert!(updated.buttons().is_empty());
    assert_eq!(handle.original_message().unwrap().content, "Redeemed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modal_opened_from_a_button_is_answered_by_updating_that_message() {
    let mut s = setup().await;
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .locale("nl")
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 4, "data": {"content": "Review: 1 key", "flags": 64, "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Een andere productcode toevoegen", "custom_id": "order:1:add"}]}]}}))
        .await;
    let click = handle
        .click("Een andere productcode toevoegen")
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(&interaction, json!({"type": 9, "data": {"custom_id": "order:1:keys", "title": "Productcodes", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "keys", "style": 2, "label": "Productcodes", "max_length": 300}]}]}}))
        .await;
    let modal = click.wait_response(WAIT).await.unwrap().modal.unwrap();
    assert_eq!(modal.inputs[0].custom_id, "keys");
    assert!(
        click
            .submit_modal(&[("keys", &"x".repeat(301))])
            .await
            .is_err(),
        "max_length"
    );
    let submit = click
        .submit_modal(&[("Productcodes", "BCDFG HJKMP")])
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    let Interaction::Modal(ref modal_submit) = interaction else {
        panic!("expected a modal submit, got {interaction:?}");
    };
    assert_eq!(modal_submit.locale, "nl");
    assert_eq!(
        modal_submit.message.as_ref().unwrap().content,
        "Review: 1 key"
    );
    s.respond(
        &interaction,
        json!({"type": 7, "data": {"content": "Review: 3 keys"}}),
    )
    .await;
    let updated = submit.wait_response(WAIT).await.unwrap();
    assert_eq!(updated.kind, CallbackKind::UpdateMessage);
    assert_eq!(handle.original_message().unwrap().content, "Review: 3 keys");
    assert_eq!(
        updated.message().unwrap().id,
        handle.original_message().unwrap().id
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn options_are_typed_like_discords_client_types_them() {
    let s = setup().await;
    let actor = s.fake.as_member(s.guild, s.user);
    assert!(
        actor.command("count").send().await.is_err(),
        "n is required"
    );
    assert!(
        actor
            .command("count")
            .option("n", "3")
            .send()
            .await
            .is_err(),
        "n is an integer"
    );
    assert!(
        actor.command("count").option("n", 11).send().await.is_err(),
        "n is at most 10"
    );
    assert!(
        actor.command("count").option("m", 1).send().await.is_err(),
        "no option m"
    );
    assert!(
        actor.command("nope").send().await.is_err(),
        "not registered"
    );
    let dm = s.fake.as_user(s.user);
    assert!(
        dm.command("ping").send().await.is_ok(),
        "global commands work in DMs by default"
    );
    let refused = dm.command("guild-only").send().await.unwrap_err();
    assert!(refused.to_string().contains("forged"), "{refused}");
    let forged = dm.command("guild-only").forged().send().await.unwrap();
    assert!(forged.payload().get("guild_id").is_none());
    assert!(
        actor
            .clone()
            .locale("en")
            .command("ping")
            .send()
            .await
            .is_err(),
        "not a Discord locale"
    );
    let handle = actor.command("count").option("n", 3).send().await.unwrap();
    assert_eq!(handle.payload()["data"]["options"][0]["value"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_sent_as_multipart_are_stored_with_the_message() {
    let mut s = setup().await;
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    let file = CreateAttachment::bytes(b"key,seats\nQRT7W,5\n".to_vec(), "keys.csv");
    s.bot
        .http
        .create_interaction_response(
            interaction.id(),
            interaction.token(),
            &json!({"type": 4, "data": {"content": "export", "attachments": [{"id": 0, "filename": "keys.csv"}]}}),
            vec![file],
        )
        .await
        .unwrap();
    let message = handle.wait_response(WAIT).await.unwrap().message.unwrap();
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].filename, "keys.csv");
    assert_eq!(message.attachments[0].text(), "key,seats\nQRT7W,5\n");
    let decoded = message.to_serenity().unwrap();
    assert_eq!(decoded.attachments[0].filename, "keys.csv");
    let request = &s.fake.requests_to("POST", "/interactions/*/*/callback")[0];
    assert_eq!(request.files, ["keys.csv"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_commands_are_refused_at_registration() {
    let s = setup().await;
    let http = &s.bot.http;
    let upper = http
        .create_guild_commands(s.guild, &json!([{"name": "Ping", "description": "p"}]))
        .await;
    assert_eq!(refusal(upper), (400, 50035, vec!["0.name".to_string()]));
    let locale = http
        .create_global_commands(
            &json!([{"name": "ping", "description": "p", "name_localizations": {"en": "ping"}}]),
        )
        .await;
    assert_eq!(
        refusal(locale),
        (400, 50035, vec!["0.name_localizations.en".to_string()])
    );
    let stranger = s.fake.create_guild("Elsewhere", "en-US");
    s.fake.remove_guild(stranger);
    let not_a_member = http.create_guild_commands(stranger, &json!([])).await;
    assert_eq!(refusal(not_a_member), (403, 50001, vec![]));
    // Ids stay stable across overwrites, as on Discord.
    let before = s.fake.registered_commands(None)[0]["id"].clone();
    http.create_global_commands(&json!([{"name": "ping", "description": "again"}]))
        .await
        .unwrap();
    assert_eq!(s.fake.registered_commands(None)[0]["id"], before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalidated_session_makes_the_bot_identify_again() {
    let mut s = setup().await;
    assert!(s.fake.invalidate_session(false));
    // serenity waits about 5 s before a shard identifies again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while s.fake.identify_count() < 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(s.fake.identify_count(), 2);
    s.fake.wait_ready(WAIT).await.unwrap();
    let handle = s
        .fake
        .as_member(s.guild, s.user)
        .command("ping")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    s.respond(
        &interaction,
        json!({"type": 4, "data": {"content": "pong"}}),
    )
    .await;
    assert_eq!(handle.wait_response(WAIT).await.unwrap().text(), "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_and_its_options_may_be_typed_in_the_users_language() {
    let fake = FakeDiscord::start().await.unwrap();
    let guild = fake.create_guild("Contoso", "nl");
    let user = fake.add_member(guild, "ana", &[]);
    let commands = vec![CreateCommand::new("activate")
        .name_localized("nl", "activeren")
        .description("Start a subscription")
        .add_option(
            CreateCommandOption::new(CommandOptionType::String, "name", "Its name")
                .name_localized("nl", "naam")
                .required(true),
        )];
    let _bot = forwarding_bot(&fake, commands).await;
    let dutch = fake.as_member(guild, user).locale("nl");
    let handle = dutch
        .command("activeren")
        .option("naam", "Contoso")
        .send()
        .await
        .unwrap();
    let data = &handle.payload()["data"];
    assert_eq!(data["name"], "activate", "Discord sends the default name");
    assert_eq!(data["options"][0]["name"], "name");
    assert_eq!(data["options"][0]["value"], "Contoso");
    assert!(
        dutch.command("activeren").send().await.is_err(),
        "naam is required, however it is typed"
    );
    let english = fake.as_member(guild, user);
    assert!(
        english
            .command("activeren")
            .option("name", "x")
            .send()
            .await
            .is_err(),
        "the Dutch name is for Dutch clients"
    );
    assert!(english
        .command("activate")
        .option("name", "x")
        .send()
        .await
        .is_ok());
}
