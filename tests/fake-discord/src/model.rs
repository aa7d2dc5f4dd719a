//! What tests read back from the fake: messages, responses, requests, refusals.

use serde_json::Value;
use serenity::model::id::{ChannelId, GuildId, InteractionId, MessageId, UserId};

use crate::error::DiscordError;

/// A message as the fake stores it: every message the bot created or edited, in its current
/// state (`raw` is the exact Message object Discord would return now).
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub id: MessageId,
    pub channel_id: ChannelId,
    pub guild_id: Option<GuildId>,
    pub author_id: UserId,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    pub flags: u64,
    /// Flag 64: only the user who triggered the interaction sees it.
    pub ephemeral: bool,
    /// Deleted by the bot (kept so tests can see that it happened).
    pub deleted: bool,
    /// Edited at least once after it was created.
    pub edited: bool,
    pub nonce: Option<Value>,
    /// The interaction this message answers (initial response or follow-up), if any.
    pub interaction_id: Option<InteractionId>,
    pub attachments: Vec<StoredAttachment>,
    /// Every earlier state of the message, oldest first (the current one is `raw`).
    pub history: Vec<Value>,
    pub raw: Value,
}

/// A file the bot uploaded with a message.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub id: u64,
    pub filename: String,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

impl StoredAttachment {
    /// The file's content as (lossy) UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// A button as it stands on a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    pub label: Option<String>,
    pub custom_id: Option<String>,
    /// 1 primary, 2 secondary, 3 success, 4 danger, 5 link, 6 premium.
    pub style: u64,
    pub disabled: bool,
    pub url: Option<String>,
    pub emoji: Option<Value>,
}

impl StoredMessage {
    /// Loading state of a deferred (type 5) response that was not edited yet.
    pub fn is_loading(&self) -> bool {
        self.flags & crate::state::FLAG_LOADING != 0
    }

    /// All buttons, row by row (also inside components-v2 containers).
    pub fn buttons(&self) -> Vec<Button> {
        let mut out = Vec::new();
        for component in &self.components {
            collect_buttons(component, &mut out);
        }
        out
    }

    /// The button with exactly this label.
    pub fn button(&self, label: &str) -> Option<Button> {
        self.buttons()
            .into_iter()
            .find(|b| b.label.as_deref() == Some(label))
    }

    /// Button labels, in order.
    pub fn button_labels(&self) -> Vec<String> {
        self.buttons().into_iter().filter_map(|b| b.label).collect()
    }

    /// Everything a user reads: content, then each embed's author, title, description,
    /// field names and values and footer, one per line. Handy for `contains` assertions.
    pub fn text(&self) -> String {
        let mut parts = vec![self.content.clone()];
        for embed in &self.embeds {
            for key in ["title", "description"] {
                if let Some(s) = embed[key].as_str() {
                    parts.push(s.to_string());
                }
            }
            if let Some(s) = embed["author"]["name"].as_str() {
                parts.push(s.to_string());
            }
            for field in embed["fields"].as_array().into_iter().flatten() {
                for key in ["name", "value"] {
                    if let Some(s) = field[key].as_str() {
                        parts.push(s.to_string());
                    }
                }
            }
            if let Some(s) = embed["footer"]["text"].as_str() {
                parts.push(s.to_string());
            }
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }

    /// The message decoded with serenity's own model.
    pub fn to_serenity(&self) -> anyhow::Result<serenity::model::channel::Message> {
        Ok(serde_json::from_value(self.raw.clone())?)
    }
}

fn collect_buttons(component: &Value, out: &mut Vec<Button>) {
    if component["type"].as_u64() == Some(2) {
        out.push(Button {
            label: component["label"].as_str().map(str::to_string),
            custom_id: component["custom_id"].as_str().map(str::to_string),
            style: component["style"].as_u64().unwrap_or_default(),
            disabled: component["disabled"].as_bool().unwrap_or(false),
            url: component["url"].as_str().map(str::to_string),
            emoji: component.get("emoji").filter(|e| !e.is_null()).cloned(),
        });
    }
    for child in component["components"].as_array().into_iter().flatten() {
        collect_buttons(child, out);
    }
    if let Some(accessory) = component.get("accessory") {
        collect_buttons(accessory, out);
    }
}

/// One REST request the bot made, with the fake's answer.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path below `/api/v10`, e.g. `/channels/123/messages`.
    pub path: String,
    pub query: Option<String>,
    /// JSON body (for multipart requests: the `payload_json` part).
    pub body: Option<Value>,
    /// Names of uploaded files (multipart requests).
    pub files: Vec<String>,
    pub status: u16,
    pub response: Option<Value>,
}

impl RecordedRequest {
    /// Discord's JSON error code of the answer, if the answer was an error.
    pub fn error_code(&self) -> Option<u64> {
        if self.status < 400 {
            return None;
        }
        self.response.as_ref().and_then(|r| r["code"].as_u64())
    }
}

/// A bot request the fake refused, as Discord would have.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub method: String,
    pub path: String,
    pub body: Option<Value>,
    pub error: DiscordError,
}

/// A failure to inject into the next matching REST request.
#[derive(Debug, Clone)]
pub enum Failure {
    /// 429 with `retry_after` (seconds) and `global`, and the `Retry-After` header.
    RateLimited { retry_after: f64, global: bool },
    /// 500 Internal Server Error.
    ServerError,
    /// 502 Bad Gateway (Cloudflare's answer when Discord is down), with an HTML body.
    BadGateway,
    /// Any Discord error.
    Discord(DiscordError),
    /// No answer at all: the connection is cut once the request is read (a network
    /// failure; the client sees the connection closed before a response).
    HangUp,
}

impl Failure {
    pub fn rate_limited(retry_after_secs: f64) -> Self {
        Failure::RateLimited {
            retry_after: retry_after_secs,
            global: false,
        }
    }
}

/// Interaction callback types (`POST /interactions/{id}/{token}/callback` `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackKind {
    /// 1
    Pong,
    /// 4
    ChannelMessage,
    /// 5
    DeferredChannelMessage,
    /// 6
    DeferredUpdateMessage,
    /// 7
    UpdateMessage,
    /// 8
    AutocompleteResult,
    /// 9
    Modal,
    Other(u64),
}

impl CallbackKind {
    pub(crate) fn from_code(code: u64) -> Self {
        match code {
            1 => CallbackKind::Pong,
            4 => CallbackKind::ChannelMessage,
            5 => CallbackKind::DeferredChannelMessage,
            6 => CallbackKind::DeferredUpdateMessage,
            7 => CallbackKind::UpdateMessage,
            8 => CallbackKind::AutocompleteResult,
            9 => CallbackKind::Modal,
            other => CallbackKind::Other(other),
        }
    }
}

/// The bot's answer to an interaction, as it stands when a wait returns.
#[derive(Debug, Clone)]
pub struct Response {
    pub kind: CallbackKind,
    /// The callback's raw `data`.
    pub data: Value,
    /// The interaction's message as it stands now: the response message (4, 5), or the
    /// message the component sits on (6, 7). `None` for 1, 8, 9.
    pub message: Option<StoredMessage>,
    /// Autocomplete choices (8).
    pub choices: Vec<Choice>,
    /// The modal the bot opened (9).
    pub modal: Option<Modal>,
    /// Follow-up messages sent so far.
    pub followups: Vec<StoredMessage>,
}

impl Response {
    /// The response message, or an error saying there is none.
    pub fn message(&self) -> anyhow::Result<&StoredMessage> {
        self.message
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("the {:?} response has no message", self.kind))
    }

    /// Content + embed text of the message (see [`StoredMessage::text`]); empty if none.
    pub fn text(&self) -> String {
        self.message.as_ref().map(|m| m.text()).unwrap_or_default()
    }

    pub fn is_ephemeral(&self) -> bool {
        self.message.as_ref().is_some_and(|m| m.ephemeral)
    }

    /// Autocomplete choice names, in order.
    pub fn choice_names(&self) -> Vec<String> {
        self.choices.iter().map(|c| c.name.clone()).collect()
    }
}

/// An autocomplete choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub value: Value,
}

/// A modal the bot opened (callback type 9).
#[derive(Debug, Clone)]
pub struct Modal {
    pub custom_id: String,
    pub title: String,
    pub inputs: Vec<TextInput>,
}

/// A text input of a modal.
#[derive(Debug, Clone)]
pub struct TextInput {
    pub custom_id: String,
    pub label: String,
    /// 1 short, 2 paragraph.
    pub style: u64,
    pub required: bool,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// Pre-filled value.
    pub value: Option<String>,
    pub placeholder: Option<String>,
}
