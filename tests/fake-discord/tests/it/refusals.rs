//! One test per refusal: a bot response over a Discord limit is refused by the fake as
//! Discord refuses it (status, JSON error code, field path). The responses are raw JSON sent
//! with serenity's own `Http` (serenity's builders would stop some of them client-side).

use std::time::Duration;

use fake_discord::{DiscordError, Failure, FakeDiscord, InteractionHandle};
use serde_json::{json, Value};
use serenity::all::{
    ChannelId, CommandOptionType, CreateCommand, CreateCommandOption, GuildId, Interaction, UserId,
};

use crate::common::{forwarding_bot, refusal, ForwardingBot};

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
        CreateCommand::new("pick").description("Pick").add_option(
            CreateCommandOption::new(CommandOptionType::String, "item", "Item")
                .set_autocomplete(true),
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
    /// `/ping` as ana; the bot receives it.
    async fn command(&mut self) -> (InteractionHandle, Interaction) {
        let handle = self
            .fake
            .as_member(self.guild, self.user)
            .command("ping")
            .send()
            .await
            .unwrap();
        let interaction = self.bot.next().await;
        (handle, interaction)
    }

    /// A message with a button, clicked by ana; the bot receives the click.
    async fn click(&mut self) -> (InteractionHandle, Interaction) {
        let (handle, interaction) = self.command().await;
        self.respond(&interaction, &json!({"type": 4, "data": {"content": "menu", "components": [
            {"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}]}}))
            .await
            .unwrap();
        let click = handle.click("Go").await.unwrap();
        let interaction = self.bot.next().await;
        (click, interaction)
    }

    async fn respond(&self, interaction: &Interaction, body: &Value) -> serenity::Result<()> {
        self.bot
            .http
            .create_interaction_response(interaction.id(), interaction.token(), body, vec![])
            .await
    }

    /// Respond with `{"type": 4, "data": data}` and return the refusal.
    async fn refused_message(&mut self, data: Value) -> (u16, isize, Vec<String>) {
        let (_, interaction) = self.command().await;
        refusal(
            self.respond(&interaction, &json!({"type": 4, "data": data}))
                .await,
        )
    }
}

fn invalid_form(paths: &[&str]) -> (u16, isize, Vec<String>) {
    (400, 50035, paths.iter().map(|p| p.to_string()).collect())
}

fn buttons(n: usize, prefix: &str) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"type": 2, "style": 1, "label": format!("b{i}"), "custom_id": format!("{prefix}{i}")}))
        .collect()
}

// ---- acknowledgement and time ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_initial_response_is_refused_with_40060() {
    let mut s = setup().await;
    let (handle, interaction) = s.command().await;
    s.respond(
        &interaction,
        &json!({"type": 4, "data": {"content": "first"}}),
    )
    .await
    .unwrap();
    let second = s
        .respond(
            &interaction,
            &json!({"type": 4, "data": {"content": "second"}}),
        )
        .await;
    assert_eq!(refusal(second), (400, 40060, vec![]));
    assert_eq!(
        handle.refusals()[0].error,
        DiscordError::already_acknowledged()
    );
    assert_eq!(handle.original_message().unwrap().content, "first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initial_response_after_3_seconds_is_refused_with_10062() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    // The real clock: Discord's 3 s rule applies by default.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let late = s.respond(&interaction, &json!({"type": 5})).await;
    assert_eq!(refusal(late), (404, 10062, vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_initial_response_to_an_aged_interaction_is_refused_with_10062() {
    let mut s = setup().await;
    let (handle, interaction) = s.command().await;
    handle.age(Duration::from_secs(4));
    let late = s
        .respond(
            &interaction,
            &json!({"type": 4, "data": {"content": "late"}}),
        )
        .await;
    assert_eq!(refusal(late), (404, 10062, vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_older_than_15_minutes_is_refused_with_50027() {
    let mut s = setup().await;
    let (handle, interaction) = s.command().await;
    s.respond(&interaction, &json!({"type": 5})).await.unwrap();
    let token = interaction.token();
    handle.age(Duration::from_secs(14 * 60));
    s.bot
        .http
        .edit_original_interaction_response(token, &json!({"content": "still in time"}), vec![])
        .await
        .unwrap();
    handle.age(Duration::from_secs(61));
    let http = &s.bot.http;
    let edit = http
        .edit_original_interaction_response(token, &json!({"content": "too late"}), vec![])
        .await;
    assert_eq!(refusal(edit), (401, 50027, vec![]));
    let followup = http
        .create_followup_message(token, &json!({"content": "too late"}), vec![])
        .await;
    assert_eq!(refusal(followup), (401, 50027, vec![]));
    assert_eq!(
        refusal(http.get_original_interaction_response(token).await),
        (401, 50027, vec![])
    );
    assert_eq!(handle.original_message().unwrap().content, "still in time");
}

// ---- message limits -------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_over_2000_characters_is_refused() {
    let mut s = setup().await;
    let refused = s
        .refused_message(json!({"content": "é".repeat(2001)}))
        .await;
    assert_eq!(refused, invalid_form(&["data.content"]));
    // Exactly 2000 is fine.
    let (_, interaction) = s.command().await;
    s.respond(
        &interaction,
        &json!({"type": 4, "data": {"content": "é".repeat(2000)}}),
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_10_embeds_are_refused() {
    let mut s = setup().await;
    let embeds: Vec<Value> = (0..11).map(|i| json!({"title": format!("e{i}")})).collect();
    assert_eq!(
        s.refused_message(json!({"embeds": embeds})).await,
        invalid_form(&["data.embeds"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embed_title_over_256_characters_is_refused() {
    let mut s = setup().await;
    let refused = s
        .refused_message(json!({"embeds": [{"title": "t".repeat(257)}]}))
        .await;
    assert_eq!(refused, invalid_form(&["data.embeds.0.title"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embed_description_over_4096_characters_is_refused() {
    let mut s = setup().await;
    let refused = s
        .refused_message(json!({"embeds": [{"description": "d".repeat(4097)}]}))
        .await;
    assert_eq!(refused, invalid_form(&["data.embeds.0.description"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_25_embed_fields_are_refused() {
    let mut s = setup().await;
    let fields: Vec<Value> = (0..26)
        .map(|i| json!({"name": format!("f{i}"), "value": "v"}))
        .collect();
    let refused = s
        .refused_message(json!({"embeds": [{"title": "t", "fields": fields}]}))
        .await;
    assert_eq!(refused, invalid_form(&["data.embeds.0.fields"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeds_over_6000_characters_in_total_are_refused() {
    let mut s = setup().await;
    let embeds: Vec<Value> = (0..2)
        .map(|_| json!({"description": "d".repeat(3001)}))
        .collect();
    assert_eq!(
        s.refused_message(json!({"embeds": embeds})).await,
        invalid_form(&["data.embeds"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_5_action_rows_are_refused() {
    let mut s = setup().await;
    let rows: Vec<Value> = (0..6)
        .map(|i| json!({"type": 1, "components": buttons(1, &format!("r{i}-"))}))
        .collect();
    assert_eq!(
        s.refused_message(json!({"content": "x", "components": rows}))
            .await,
        invalid_form(&["data.components"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_5_buttons_in_a_row_are_refused() {
    let mut s = setup().await;
    let rows = json!([{"type": 1, "components": buttons(6, "b")}]);
    assert_eq!(
        s.refused_message(json!({"content": "x", "components": rows}))
            .await,
        invalid_form(&["data.components.0.components"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_id_over_100_characters_is_refused() {
    let mut s = setup().await;
    let rows = json!([{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Go", "custom_id": "c".repeat(101)}]}]);
    assert_eq!(
        s.refused_message(json!({"content": "x", "components": rows}))
            .await,
        invalid_form(&["data.components.0.components.0.custom_id"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_component_trees_are_refused() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    let button = json!({"type": 2, "style": 1, "label": "Go", "custom_id": "go"});
    let select = json!({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}]});
    let cases = [
        // A button outside an action row.
        (json!([button]), "data.components.0"),
        // An action row inside an action row.
        (
            json!([{"type": 1, "components": [{"type": 1, "components": [button]}]}]),
            "data.components.0.components.0",
        ),
        // A text input in a message.
        (
            json!([{"type": 1, "components": [{"type": 4, "custom_id": "t", "style": 1, "label": "T"}]}]),
            "data.components.0.components.0",
        ),
        // An empty action row.
        (
            json!([{"type": 1, "components": []}]),
            "data.components.0.components",
        ),
        // A select menu sharing its row.
        (
            json!([{"type": 1, "components": [button, select]}]),
            "data.components.0.components",
        ),
        // The same custom_id twice.
        (
            json!([{"type": 1, "components": [button, button]}]),
            "data.components.0.components.1.custom_id",
        ),
        // A non-link button without custom_id.
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go"}]}]),
            "data.components.0.components.0.custom_id",
        ),
        // A link button without url.
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 5, "label": "Docs"}]}]),
            "data.components.0.components.0.url",
        ),
        // A button with neither label nor emoji.
        (
            json!([{"type": 1, "components": [{"type": 2, "style": 1, "custom_id": "x"}]}]),
            "data.components.0.components.0",
        ),
    ];
    // A refused response does not acknowledge: the same interaction can be answered again.
    for (components, path) in cases {
        let body = json!({"type": 4, "data": {"content": "x", "components": components}});
        assert_eq!(
            refusal(s.respond(&interaction, &body).await),
            invalid_form(&[path]),
            "{components}"
        );
    }
    s.respond(&interaction, &json!({"type": 4, "data": {"content": "x", "components": [{"type": 1, "components": [button]}]}}))
        .await
        .unwrap();
}

// ---- modals ------------------------------------------------------------------------------

fn text_input(id: &str) -> Value {
    json!({"type": 1, "components": [{"type": 4, "custom_id": id, "style": 1, "label": "Key"}]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modal_title_over_45_characters_is_refused() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    let modal = json!({"type": 9, "data": {"custom_id": "m", "title": "t".repeat(46), "components": [text_input("k")]}});
    assert_eq!(
        refusal(s.respond(&interaction, &modal).await),
        invalid_form(&["data.title"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modal_with_no_or_more_than_5_rows_is_refused() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    let empty = json!({"type": 9, "data": {"custom_id": "m", "title": "Keys", "components": []}});
    assert_eq!(
        refusal(s.respond(&interaction, &empty).await),
        invalid_form(&["data.components"])
    );
    let rows: Vec<Value> = (0..6).map(|i| text_input(&format!("k{i}"))).collect();
    let six = json!({"type": 9, "data": {"custom_id": "m", "title": "Keys", "components": rows}});
    assert_eq!(
        refusal(s.respond(&interaction, &six).await),
        invalid_form(&["data.components"])
    );
    let two_inputs_in_a_row = json!({"type": 9, "data": {"custom_id": "m", "title": "Keys", "components": [
        {"type": 1, "components": [
            {"type": 4, "custom_id": "a", "style": 1, "label": "A"},
            {"type": 4, "custom_id": "b", "style": 1, "label": "B"}]}]}});
    assert_eq!(
        refusal(s.respond(&interaction, &two_inputs_in_a_row).await),
        invalid_form(&["data.components.0.components"])
    );
    let five = json!({"type": 9, "data": {"custom_id": "m", "title": "Keys",
        "components": (0..5).map(|i| text_input(&format!("k{i}"))).collect::<Vec<_>>()}});
    s.respond(&interaction, &five).await.unwrap();
}

// ---- other refusals ----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_type_the_interaction_does_not_allow_is_refused() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    // UPDATE_MESSAGE (7) answers components, not slash commands.
    let update = s
        .respond(&interaction, &json!({"type": 7, "data": {"content": "x"}}))
        .await;
    assert_eq!(refusal(update), invalid_form(&["type"]));
    let unknown = s.respond(&interaction, &json!({"type": 3})).await;
    assert_eq!(refusal(unknown), invalid_form(&["type"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_component_update_is_checked_against_the_same_limits() {
    let mut s = setup().await;
    let (click, interaction) = s.click().await;
    let over = s
        .respond(
            &interaction,
            &json!({"type": 7, "data": {"content": "x".repeat(2001)}}),
        )
        .await;
    assert_eq!(refusal(over), invalid_form(&["data.content"]));
    s.respond(
        &interaction,
        &json!({"type": 7, "data": {"content": "done", "components": []}}),
    )
    .await
    .unwrap();
    let message = click.original_message().unwrap();
    assert_eq!(message.content, "done");
    assert!(message.buttons().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_25_autocomplete_choices_are_refused() {
    let mut s = setup().await;
    s.fake
        .as_member(s.guild, s.user)
        .command("pick")
        .focused("item", "a")
        .send()
        .await
        .unwrap();
    let interaction = s.bot.next().await;
    let choices: Vec<Value> = (0..26)
        .map(|i| json!({"name": format!("c{i}"), "value": format!("c{i}")}))
        .collect();
    let refused = s
        .respond(
            &interaction,
            &json!({"type": 8, "data": {"choices": choices}}),
        )
        .await;
    assert_eq!(refusal(refused), invalid_form(&["data.choices"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_and_edits_are_checked_against_the_limits_too() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    s.respond(&interaction, &json!({"type": 5})).await.unwrap();
    let http = &s.bot.http;
    let edit = http
        .edit_original_interaction_response(
            interaction.token(),
            &json!({"content": "x".repeat(2001)}),
            vec![],
        )
        .await;
    assert_eq!(refusal(edit), invalid_form(&["content"]));
    let embeds: Vec<Value> = (0..11).map(|_| json!({"title": "e"})).collect();
    let followup = http
        .create_followup_message(interaction.token(), &json!({"embeds": embeds}), vec![])
        .await;
    assert_eq!(refusal(followup), invalid_form(&["embeds"]));
    let empty = http
        .create_followup_message(interaction.token(), &json!({}), vec![])
        .await;
    assert_eq!(refusal(empty), (400, 50006, vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channel_messages_to_missing_or_unwritable_channels_are_refused() {
    let s = setup().await;
    let http = &s.bot.http;
    let notices = s.fake.create_text_channel(s.guild, "notices");
    http.send_message(notices, vec![], &json!({"content": "hello"}))
        .await
        .unwrap();

    s.fake.set_channel_writable(notices, false);
    let unwritable = http
        .send_message(notices, vec![], &json!({"content": "hello"}))
        .await;
    assert_eq!(refusal(unwritable), (403, 50013, vec![]));

    s.fake.delete_channel(notices);
    let missing = http
        .send_message(notices, vec![], &json!({"content": "hello"}))
        .await;
    assert_eq!(refusal(missing), (404, 10003, vec![]));
    let unknown = http
        .send_message(ChannelId::new(42), vec![], &json!({"content": "hello"}))
        .await;
    assert_eq!(refusal(unknown), (404, 10003, vec![]));

    let general = s.fake.default_channel(s.guild);
    let too_long = http
        .send_message(general, vec![], &json!({"content": "x".repeat(2001)}))
        .await;
    assert_eq!(refusal(too_long), invalid_form(&["content"]));
    let empty = http
        .send_message(general, vec![], &json!({"content": ""}))
        .await;
    assert_eq!(refusal(empty), (400, 50006, vec![]));
    assert_eq!(s.fake.channel_messages(notices).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_answered_when_a_test_asks_for_it() {
    let mut s = setup().await;
    let (_, interaction) = s.command().await;
    s.fake.fail_next(
        "POST",
        "/interactions/*/*/callback",
        Failure::rate_limited(1.5),
    );
    let limited = s
        .respond(&interaction, &json!({"type": 4, "data": {"content": "hi"}}))
        .await;
    assert_eq!(refusal(limited), (429, 0, vec![]));
    let logged = s.fake.requests_to("POST", "/interactions/*/*/callback");
    let body = logged[0].response.clone().unwrap();
    assert_eq!(body["retry_after"], 1.5);
    assert_eq!(body["global"], false);
    // Only the next request: the retry goes through.
    s.respond(&interaction, &json!({"type": 4, "data": {"content": "hi"}}))
        .await
        .unwrap();

    s.fake.fail_next("*", "/channels/**", Failure::ServerError);
    let general = s.fake.default_channel(s.guild);
    let failed = s
        .bot
        .http
        .send_message(general, vec![], &json!({"content": "x"}))
        .await;
    assert_eq!(refusal(failed), (500, 0, vec![]));
}
