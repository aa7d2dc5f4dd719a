//! An interaction serenity cannot decode: Discord sent a shape serenity's model does not
//! know (a new field type, a new component). Over the gateway serenity hands it on as
//! `Event::Unknown` (to the raw event handler only); over HTTP it is a body that does not
//! parse as an `Interaction`. Either way its payload may hold the keys an admin typed, so
//! the log notes only what kind of thing it was, and the admin, who would otherwise see
//! "The application did not respond", is told that nothing was changed: its `id`, `token`,
//! `type` and `locale` are read from the raw JSON as leniently as possible.

use serde_json::Value;
use serenity::all::{CreateAutocompleteResponse, CreateInteractionResponse, InteractionId};

use super::{
    i18n::Lang,
    render::Reply,
    respond::{self, Target, Transport},
    Bot,
};

/// What could be read of an interaction serenity could not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    pub id: InteractionId,
    pub token: String,
    /// The interaction type (1 ping, 2 command, 3 component, 4 autocomplete, 5 modal).
    pub kind: Option<u64>,
    pub lang: Lang,
}

impl Raw {
    /// Reads an interaction's `id` and `token` (without them it cannot be answered), its
    /// `type`, and the language of its `locale` (else its `guild_locale`, else English).
    pub fn read(d: &Value) -> Option<Raw> {
        let id = match &d["id"] {
            Value::String(s) => s.trim().parse::<u64>().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
        .filter(|id| *id != 0)?;
        // The token becomes a path segment of the callback URL: nothing that could leave it.
        let token = d["token"].as_str().filter(|t| {
            !t.is_empty()
                && t.len() <= 1024
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '='))
        })?;
        let locale = d["locale"]
            .as_str()
            .or_else(|| d["guild_locale"].as_str())
            .unwrap_or_default();
        Some(Raw {
            id: InteractionId::new(id),
            token: token.to_string(),
            kind: d["type"].as_u64(),
            lang: Lang::from_discord(locale),
        })
    }
}

/// A gateway event type as Discord spells them (`INTERACTION_CREATE`), else
/// `"unreadable"`: only that may reach a log line.
pub fn event_name(t: &str) -> &str {
    let readable = !t.is_empty()
        && t.len() <= 64
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if readable {
        t
    } else {
        "unreadable"
    }
}

/// The first response: "I could not read this; nothing was changed." (ephemeral); no
/// choices for an autocomplete, which cannot take a message; a PONG for a PING.
pub fn response(raw: &Raw) -> CreateInteractionResponse {
    match raw.kind {
        Some(1) => CreateInteractionResponse::Pong,
        Some(4) => CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new()),
        _ => CreateInteractionResponse::Message(respond::message(Reply::text(
            raw.lang.t("error-undecodable"),
        ))),
    }
}

/// Answers the interaction by its transport.
pub async fn answer(bot: &Bot, raw: &Raw, transport: &Transport) {
    let target = Target {
        id: raw.id,
        token: &raw.token,
        is_component: false,
        transport,
    };
    respond::answer(&bot.http, target, response(raw)).await
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn id_token_type_and_locale_are_read_from_whatever_else_the_payload_holds() {
        let d = json!({
            "id": "1576509917718773760", "token": "aW50ZXJh:fake15e0", "type": 2,
            "locale": "nl", "data": {"options": [{"name": "keys", "type": 4, "value": "x"}]},
        });
        assert_eq!(
            Raw::read(&d),
            Some(Raw {
                id: InteractionId::new(1576509917718773760),
                token: "aW50ZXJh:fake15e0".into(),
                kind: Some(2),
                lang: Lang::Nl,
            })
        );
        let d = json!({"id": 7, "token": "t", "guild_locale": "nl-BE"});
        let raw = Raw::read(&d).expect("readable");
        assert_eq!((raw.kind, raw.lang), (None, Lang::Nl));
        let d = json!({"id": "7", "token": "t", "locale": 5});
        assert_eq!(Raw::read(&d).map(|r| r.lang), Some(Lang::EnUs));
    }

    #[test]
    fn without_a_usable_id_or_token_there_is_nothing_to_answer() {
        for d in [
            json!({"token": "t"}),
            json!({"id": "0", "token": "t"}),
            json!({"id": "x", "token": "t"}),
            json!({"id": "7"}),
            json!({"id": "7", "token": ""}),
            json!({"id": "7", "token": "../../channels/1/messages"}),
            json!({"id": "7", "token": "a b"}),
            json!([1, 2]),
            Value::Null,
        ] {
            assert_eq!(Raw::read(&d), None, "{d}");
        }
    }

    #[test]
    fn only_event_types_as_discord_spells_them_reach_a_log() {
        assert_eq!(event_name("INTERACTION_CREATE"), "INTERACTION_CREATE");
        assert_eq!(
            event_name("GUILD_SOUNDBOARD_SOUNDS_UPDATE2"),
            "GUILD_SOUNDBOARD_SOUNDS_UPDATE2"
        );
        for t in [
            "",
            "interaction_create",
            "ABCDE-FGHJK-MPQRT-VWXY2-34678",
            "A B",
            &"A".repeat(65),
        ] {
            assert_eq!(event_name(t), "unreadable", "{t}");
        }
    }

    #[test]
    fn the_answer_is_an_ephemeral_message_in_the_admin_s_language_or_what_the_type_allows() {
        let raw = |kind, lang| Raw {
            id: InteractionId::new(1),
            token: "t".into(),
            kind,
            lang,
        };
        let body = |r: CreateInteractionResponse| serde_json::to_value(r).expect("serializes");
        let message = body(response(&raw(Some(2), Lang::Nl)));
        assert_eq!(message["type"], 4);
        assert_eq!(message["data"]["flags"], 64);
        assert_eq!(
            message["data"]["content"],
            "Ik kon dit niet lezen; er is niets gewijzigd."
        );
        let message = body(response(&raw(None, Lang::EnUs)));
        assert_eq!(
            message["data"]["content"],
            "I could not read this; nothing was changed."
        );
        assert_eq!(body(response(&raw(Some(4), Lang::EnUs)))["type"], 8);
        assert_eq!(body(response(&raw(Some(1), Lang::EnUs)))["type"], 1);
    }
}
