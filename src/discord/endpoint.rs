//! HTTP interactions: Discord POSTs every interaction to this endpoint, signed with the
//! application's Ed25519 key, and takes the HTTP reply as the interaction's first response.
//!
//! A delivery is refused with 401 unless `X-Signature-Ed25519` is the signature of
//! `X-Signature-Timestamp` + body under `DISCORD_PUBLIC_KEY`, and the timestamp is within
//! five minutes of now (so a captured delivery cannot be replayed later). An accepted one is
//! decoded into serenity's `Interaction` and handed to the same router as the gateway's
//! (`super::route`), with a [`Transport`] that brings the first response back here; the
//! handler keeps running after the reply (a deferral) and finishes over REST. One serenity
//! cannot decode is answered that nothing was changed (`super::undecodable`), if its id
//! and token can be read; else it is refused with 400.

use std::{
    collections::HashMap,
    convert::Infallible,
    fmt,
    pin::Pin,
    str::FromStr,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use ed25519_dalek::{Signature, VerifyingKey};
use serenity::all::Interaction;
use tokio::sync::oneshot;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{
    respond::{FirstResponse, Transport},
    undecodable, Bot,
};
use crate::{domain::records::GuildId, telemetry::error_chain};

/// How far a delivery's timestamp may be from now, either way.
pub const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// How long the endpoint waits for the first response. Discord gives up after 3 s; the
/// router defers after 1.2 s, so this only ends a handler that answered nothing at all.
const REPLY_DEADLINE: Duration = Duration::from_secs(3);

/// The application's public key (developer portal → General Information), in hex.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl FromStr for PublicKey {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<PublicKey> {
        let bytes = hex::decode(s.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| anyhow::anyhow!("a public key is 64 hexadecimal characters"))?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| anyhow::anyhow!("that is not an Ed25519 public key"))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.0.as_bytes()))
    }
}

/// Why a delivery was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No signature or timestamp header, or not readable.
    MissingHeaders,
    /// Not signed by Discord (with this application's key), or altered.
    BadSignature,
    /// Signed, but the timestamp is more than [`MAX_SKEW`] away from now: a replay.
    StaleTimestamp,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::MissingHeaders => "missing_headers",
            Refusal::BadSignature => "bad_signature",
            Refusal::StaleTimestamp => "stale_timestamp",
        }
    }
}

/// Checks a delivery: the signature over `timestamp + body`, then the timestamp's age.
pub fn verify(
    key: &PublicKey,
    signature: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<(), Refusal> {
    let (Some(signature), Some(timestamp)) = (signature, timestamp) else {
        return Err(Refusal::MissingHeaders);
    };
    let signature = hex::decode(signature.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or(Refusal::BadSignature)?;
    let mut signed = Vec::with_capacity(timestamp.len() + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.extend_from_slice(body);
    key.0
        .verify_strict(&signed, &signature)
        .map_err(|_| Refusal::BadSignature)?;
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| Refusal::BadSignature)?;
    if now_unix.abs_diff(at) > MAX_SKEW.as_secs() {
        return Err(Refusal::StaleTimestamp);
    }
    Ok(())
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the endpoint's requests share.
pub(crate) struct Endpoint {
    pub(crate) bot: Arc<Bot>,
    pub(crate) key: PublicKey,
    /// Handlers still running (after a deferral), waited for on shutdown.
    pub(crate) in_flight: TaskTracker,
    pub(crate) stopping: CancellationToken,
    /// The guild locales this process has recorded, so that each is written once.
    locales: Mutex<HashMap<u64, String>>,
}

impl Endpoint {
    pub(crate) fn new(
        bot: Arc<Bot>,
        key: PublicKey,
        in_flight: TaskTracker,
        stopping: CancellationToken,
    ) -> Endpoint {
        Endpoint {
            bot,
            key,
            in_flight,
            stopping,
            locales: Mutex::new(HashMap::new()),
        }
    }

    /// Without a gateway there is no GUILD_CREATE to learn a guild's locale from (notices
    /// are written in it); interactions carry it instead.
    async fn remember_guild_locale(&self, interaction: &Interaction) {
        let (guild, locale) = match interaction {
            Interaction::Command(i) | Interaction::Autocomplete(i) => (i.guild_id, &i.guild_locale),
            Interaction::Component(i) => (i.guild_id, &i.guild_locale),
            Interaction::Modal(i) => (i.guild_id, &i.guild_locale),
            _ => return,
        };
        let (Some(guild), Some(locale)) = (guild, locale.as_deref()) else {
            return;
        };
        let code = super::i18n::Lang::from_discord(locale).code();
        {
            let mut known = self.locales.lock().unwrap_or_else(|p| p.into_inner());
            if known.get(&guild.get()).map(String::as_str) == Some(code) {
                return;
            }
            known.insert(guild.get(), code.to_string());
        }
        if let Err(e) = self
            .bot
            .app
            .record_guild_locale(GuildId(guild.get()), code)
            .await
        {
            self.locales
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&guild.get());
            tracing::warn!(guild = guild.get(), error = %error_chain(&*e), "could not record the guild's locale");
        }
    }
}

/// `POST /` and `POST /interactions`: set either as the Interactions Endpoint URL.
pub(crate) fn router(endpoint: Arc<Endpoint>) -> Router {
    Router::new()
        .route("/", post(interactions))
        .route("/interactions", post(interactions))
        .with_state(endpoint)
}

async fn interactions(
    State(endpoint): State<Arc<Endpoint>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let metrics = &endpoint.bot.metrics;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(refusal) = verify(
        &endpoint.key,
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
        &body,
        unix_now(),
    ) {
        metrics.endpoint_refused(refusal.reason());
        tracing::warn!(
            reason = refusal.reason(),
            "refused an interaction delivery (401)"
        );
        return (StatusCode::UNAUTHORIZED, "invalid request signature").into_response();
    }
    let delivered = match serde_json::from_slice::<Interaction>(&body) {
        Ok(interaction) => Delivered::Interaction(Box::new(interaction)),
        // serde's message may quote the payload (and the keys in it): never logged.
        Err(e) => match serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|d| undecodable::Raw::read(&d))
        {
            Some(raw) => {
                tracing::warn!(
                    interaction = raw.id.get(),
                    interaction_type = raw.kind,
                    category = ?e.classify(),
                    "undecodable interaction delivery"
                );
                Delivered::Undecodable(raw)
            }
            None => {
                metrics.endpoint_refused("undecodable");
                tracing::warn!(
                    category = ?e.classify(),
                    "a signed interaction without a readable id and token (400)"
                );
                return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
            }
        },
    };
    if endpoint.stopping.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    let (transport, first) = Transport::http(metrics.clone());
    let task = endpoint.clone();
    endpoint.in_flight.spawn(async move {
        match delivered {
            Delivered::Interaction(interaction) => {
                super::route(&task.bot, &interaction, &transport).await;
                task.remember_guild_locale(&interaction).await;
            }
            Delivered::Undecodable(raw) => {
                super::route_undecodable(&task.bot, &raw, &transport).await
            }
        }
    });
    match tokio::time::timeout(REPLY_DEADLINE, first).await {
        Ok(Ok(first)) => reply(first),
        Ok(Err(_)) => {
            // The router chose not to answer (a duplicate delivery, an unknown type).
            (StatusCode::INTERNAL_SERVER_ERROR, "no response").into_response()
        }
        Err(_) => {
            tracing::warn!("no first response within 3 s");
            (StatusCode::INTERNAL_SERVER_ERROR, "no response in time").into_response()
        }
    }
}

/// What a signed delivery holds.
enum Delivered {
    Interaction(Box<Interaction>),
    /// An interaction serenity cannot decode, answered that nothing was changed.
    Undecodable(undecodable::Raw),
}

fn reply(first: FirstResponse) -> Response {
    let body = ReplyBody {
        data: Some(Bytes::from(first.body)),
        written: Some(first.written),
    };
    let mut response = Response::new(Body::new(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// The reply's body, which tells the handler when the connection has taken it: only then
/// may an edit of the response follow over REST.
struct ReplyBody {
    data: Option<Bytes>,
    written: Option<oneshot::Sender<()>>,
}

impl ReplyBody {
    fn signal(&mut self) {
        if let Some(written) = self.written.take() {
            let _ = written.send(());
        }
    }
}

impl http_body::Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        match self.data.take() {
            Some(data) => Poll::Ready(Some(Ok(http_body::Frame::data(data)))),
            None => {
                self.signal();
                Poll::Ready(None)
            }
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.as_ref().map_or(0, |d| d.len() as u64))
    }
}

impl Drop for ReplyBody {
    // The connection drops the body once it has encoded it.
    fn drop(&mut self) {
        self.signal();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn keys() -> (SigningKey, PublicKey) {
        let signing = SigningKey::from_bytes(&[7; 32]);
        let public = hex::encode(signing.verifying_key().as_bytes())
            .parse::<PublicKey>()
            .unwrap();
        (signing, public)
    }

    fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
        let mut signed = timestamp.as_bytes().to_vec();
        signed.extend_from_slice(body);
        hex::encode(key.sign(&signed).to_bytes())
    }

    #[test]
    fn a_delivery_signed_with_the_applications_key_just_now_is_accepted() {
        let (signing, public) = keys();
        let body = br#"{"type":1}"#;
        let now = 1_700_000_000;
        let sig = sign(&signing, &now.to_string(), body);
        assert_eq!(
            verify(&public, Some(&sig), Some(&now.to_string()), body, now + 3),
            Ok(())
        );
    }

    #[test]
    fn an_altered_body_another_key_or_no_headers_is_a_bad_signature() {
        let (signing, public) = keys();
        let now = 1_700_000_000;
        let ts = now.to_string();
        let sig = sign(&signing, &ts, br#"{"type":1}"#);
        assert_eq!(
            verify(&public, Some(&sig), Some(&ts), br#"{"type":2}"#, now),
            Err(Refusal::BadSignature)
        );
        let other = SigningKey::from_bytes(&[8; 32]);
        let forged = sign(&other, &ts, br#"{"type":1}"#);
        assert_eq!(
            verify(&public, Some(&forged), Some(&ts), br#"{"type":1}"#, now),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(&public, Some("zz"), Some(&ts), br#"{"type":1}"#, now),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            verify(&public, None, Some(&ts), br#"{"type":1}"#, now),
            Err(Refusal::MissingHeaders)
        );
        // The timestamp is part of what is signed: moving it breaks the signature.
        assert_eq!(
            verify(
                &public,
                Some(&sig),
                Some(&(now + 1).to_string()),
                br#"{"type":1}"#,
                now
            ),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn a_correctly_signed_delivery_older_or_newer_than_five_minutes_is_stale() {
        let (signing, public) = keys();
        let body = br#"{"type":1}"#;
        let now = 1_700_000_000;
        for at in [now - 301, now + 301] {
            let ts = at.to_string();
            let sig = sign(&signing, &ts, body);
            assert_eq!(
                verify(&public, Some(&sig), Some(&ts), body, now),
                Err(Refusal::StaleTimestamp),
                "{at}"
            );
        }
        let ts = (now - 300).to_string();
        let sig = sign(&signing, &ts, body);
        assert_eq!(verify(&public, Some(&sig), Some(&ts), body, now), Ok(()));
    }

    #[test]
    fn a_public_key_is_64_hex_characters() {
        assert!("00".parse::<PublicKey>().is_err());
        assert!("zz".repeat(32).parse::<PublicKey>().is_err());
        let (_, public) = keys();
        let hex = format!("{public:?}");
        assert!(hex.starts_with("PublicKey(") && hex.len() == "PublicKey()".len() + 64);
    }
}
