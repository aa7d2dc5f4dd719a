//! Logging: to stderr, `pretty` for people or `json` for collectors; `RUST_LOG` sets levels.
//! Fields, not prose; never a key in a field.

use tracing::{Level, Metadata};
use tracing_subscriber::{filter::filter_fn, fmt, prelude::*, EnvFilter};

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,serenity=warn,sqlx=warn"));
    // Colours only for a terminal: piped to a file or a collector, escape codes are noise.
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let guard = filter_fn(may_log);
    let _ = match format {
        LogFormat::Pretty => builder.compact().finish().with(guard).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .finish()
            .with(guard)
            .try_init(),
    };
}

/// Whether a span or event may be logged at all, whatever `RUST_LOG` says: not those of
/// dependencies that record what Discord sent as it came, which holds the product keys
/// admins type, nor those that record the routes of serenity's REST requests, which hold
/// interaction tokens (each lets anyone answer for the bot for 15 minutes).
///
/// - serenity records each gateway event as a field of two spans;
/// - serenity's websocket module logs a frame it cannot decode whole (WARN), and its bytes
///   (DEBUG): none of its events are logged (the few others say that an identify, resume
///   or heartbeat was sent); a dispatch whose `d` its model cannot decode becomes an
///   unknown event, which its dispatcher logs whole (DEBUG, its only event). The bot notes
///   an undecodable interaction itself, without the payload ("undecodable gateway event",
///   `discord::gateway`), and the shard still logs a frame that is not JSON as "Unhandled
///   error: Json(…)", with the parse error's position only;
/// - serenity's REST spans record each request with its route and body, `source()` of its
///   errors is a span recording the error with reqwest's URL, and its REST client logs the
///   route or the response (with its URL) when a status surprises it;
/// - tungstenite logs each websocket message at TRACE.
pub fn may_log(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    let within = |module: &str| {
        target
            .strip_prefix(module)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    };
    let gateway_event_span = metadata.is_span()
        && target == "serenity::gateway::shard"
        && matches!(metadata.name(), "handle_event" | "handle_gateway_dispatch");
    let undecodable_payload = metadata.is_event()
        && matches!(
            target,
            "serenity::gateway::ws" | "serenity::client::dispatch"
        );
    let rest_route = (metadata.is_span()
        && (within("serenity::http") || target == "serenity::error"))
        || (metadata.is_event() && target == "serenity::http::client");
    let websocket_message = *metadata.level() == Level::TRACE && within("tungstenite");
    !(gateway_event_span || undecodable_payload || rest_route || websocket_message)
}

/// An error and its causes for a log line, as `{:#}` shows an `anyhow::Error` ("what: why:
/// …"), with what must not reach a log taken out of every URL and path ([`redact_urls`]).
/// A cause that says what the one before it said (serenity's errors wrap one another) is
/// said once. Every error from Discord (serenity's, reqwest's) is logged through this.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let part = e.to_string();
        if parts.last() != Some(&part) {
            parts.push(part);
        }
        next = e.source();
    }
    redact_urls(&parts.join(": "))
}

/// What replaces a secret in a log line.
pub const REDACTED: &str = "<redacted>";

/// `text` with every URL cut to its scheme, host and path (no user, no query, no
/// fragment), and the token of every `/interactions/<id>/<token>` and
/// `/webhooks/<application>/<token>` path, in a URL or not, replaced by [`REDACTED`]:
/// reqwest names the URL of a failed request, and Discord's interaction and webhook URLs
/// carry the interaction's token.
pub fn redact_urls(text: &str) -> String {
    let mut out = strip_urls(text);
    for marker in ["/interactions/", "/webhooks/"] {
        out = redact_token_segments(&out, marker);
    }
    out
}

/// Where a URL or a path segment ends in prose: `(…)` around it, quotes, whitespace.
fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ')' | '(' | '"' | '\'' | '<' | '>' | '`' | '[' | ']' | '{' | '}'
        )
}

/// Drops the user, query and fragment of every `scheme://…` in `text`.
fn strip_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme_len = rest[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            .count();
        let after = &rest[at + 3..];
        let end = after.find(ends_url).unwrap_or(after.len());
        let url = &after[..end];
        out.push_str(&rest[..at + 3]);
        if scheme_len == 0 {
            rest = after;
            continue;
        }
        let url = url.split(['?', '#']).next().unwrap_or_default();
        let (authority, path) = url.split_at(url.find('/').unwrap_or(url.len()));
        let host = authority.rsplit('@').next().unwrap_or_default();
        out.push_str(host);
        out.push_str(path);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces the segment after the id segment that follows each `marker`.
fn redact_token_segments(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let after = &rest[at + marker.len()..];
        out.push_str(&rest[..at + marker.len()]);
        // Tokens are base64 and punctuation-free but for `.`, `-`, `_` and `:`.
        let segment_end = |s: &str| {
            s.find(|c: char| matches!(c, '/' | '?' | '#' | '!' | ',' | ';') || ends_url(c))
                .unwrap_or(s.len())
        };
        let id_end = segment_end(after);
        if id_end == 0 || !after[id_end..].starts_with('/') {
            rest = after;
            continue;
        }
        let token = &after[id_end + 1..];
        let token_end = segment_end(token);
        out.push_str(&after[..=id_end]);
        if token_end > 0 {
            out.push_str(REDACTED);
        }
        rest = &token[token_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reqwest_s_url_keeps_its_host_and_route_but_not_the_interaction_token() {
        let text = "Error while sending HTTP request.: error sending request for url \
            (http://127.0.0.1:38915/api/v10/interactions/1576509917718773760/aW50ZXJh:fake15e0/callback): \
            connection closed before message completed";
        assert_eq!(
            redact_urls(text),
            "Error while sending HTTP request.: error sending request for url \
            (http://127.0.0.1:38915/api/v10/interactions/1576509917718773760/<redacted>/callback): \
            connection closed before message completed"
        );
    }

    #[test]
    fn webhook_paths_lose_their_token_with_or_without_a_host() {
        assert_eq!(
            redact_urls("https://discord.com/api/v10/webhooks/42/tok.en-_x/messages/@original"),
            "https://discord.com/api/v10/webhooks/42/<redacted>/messages/@original"
        );
        assert_eq!(
            redact_urls("Mismatched status from /webhooks/42/secret! Expected 204"),
            "Mismatched status from /webhooks/42/<redacted>! Expected 204"
        );
        assert_eq!(
            redact_urls("route /interactions/1/secret"),
            "route /interactions/1/<redacted>"
        );
    }

    #[test]
    fn a_url_loses_its_user_query_and_fragment() {
        assert_eq!(
            redact_urls("see https://user:pw@example.com:8443/a/b?token=x#frag (ftp://h/p)."),
            "see https://example.com:8443/a/b (ftp://h/p)."
        );
    }

    #[test]
    fn text_without_urls_or_tokens_is_unchanged() {
        for text in [
            "",
            "connection refused",
            "a :// b",
            "/interactions/ alone",
            "/webhooks/42",
            "ünïcode /interactions/1/ß/x ✓",
        ] {
            let expected = text.replace("/1/ß/", "/1/<redacted>/");
            assert_eq!(redact_urls(text), expected, "{text}");
        }
    }

    #[test]
    fn an_error_chain_says_a_repeated_cause_once_and_redacts_it() {
        let inner = std::io::Error::other("for url (http://h/api/v10/webhooks/1/t0ken)");
        let outer = anyhow::Error::new(inner)
            .context("sending")
            .context("sending");
        assert_eq!(
            error_chain(&*outer),
            "sending: for url (http://h/api/v10/webhooks/1/<redacted>)"
        );
    }
}
