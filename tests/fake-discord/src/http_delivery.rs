//! HTTP interactions, as Discord delivers them to an "Interactions Endpoint URL": each
//! interaction is POSTed, signed with the application's Ed25519 key (`X-Signature-Ed25519`
//! over `X-Signature-Timestamp` + body), to one of the configured endpoints, and the HTTP
//! reply is taken as the interaction's initial response — checked exactly like a REST
//! callback (`POST /interactions/{id}/{token}/callback`), refusals recorded on the
//! interaction. Everything after it (edits, follow-ups) comes over REST as usual.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;

use crate::model::Refusal;
use crate::Inner;

/// The seed of the fake's application key: fixed, so that a test can configure the bot
/// before the fake starts if it wants to.
const TEST_KEY_SEED: [u8; 32] = *b"fake-discord application key 01!";

/// How the fake signs a delivery. [`Signing::Valid`] is what Discord does; the others are
/// what an attacker (or a replay) would send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Signing {
    /// Signed with the application's key, timestamped now.
    #[default]
    Valid,
    /// Signed with another key.
    BadSignature,
    /// Correctly signed, but with a timestamp this long ago (a replayed delivery).
    Stale(Duration),
    /// Correctly signed, with a timestamp this far in the future.
    Future(Duration),
    /// No signature headers at all.
    Unsigned,
}

/// Which endpoint gets a delivery and how it is signed; part of an actor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DeliveryOptions {
    /// An index into the endpoints; `None`: the next one, round robin.
    pub(crate) endpoint: Option<usize>,
    pub(crate) signing: Signing,
}

/// One POST of an interaction to an endpoint, and what came back.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub interaction_id: u64,
    /// The interaction type (1 ping, 2 command, 3 component, 4 autocomplete, 5 modal).
    pub kind: u64,
    /// Index into the endpoints, and the URL.
    pub endpoint: usize,
    pub url: String,
    pub signing: Signing,
    /// The HTTP status, or 0 when no response came (connection refused, timeout).
    pub status: u16,
    /// The reply's body, as JSON when it was JSON.
    pub body: Option<Value>,
    /// Why no response came, if none did.
    pub error: Option<String>,
}

pub(crate) struct HttpDelivery {
    pub(crate) endpoints: Vec<String>,
    pub(crate) next: usize,
    pub(crate) key: SigningKey,
    pub(crate) deliveries: Vec<Delivery>,
    pub(crate) client: reqwest::Client,
}

impl Default for HttpDelivery {
    fn default() -> Self {
        HttpDelivery {
            endpoints: vec![],
            next: 0,
            key: SigningKey::from_bytes(&TEST_KEY_SEED),
            deliveries: vec![],
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }
}

impl HttpDelivery {
    pub(crate) fn enabled(&self) -> bool {
        !self.endpoints.is_empty()
    }

    pub(crate) fn public_key_hex(&self) -> String {
        hex_encode(self.key.verifying_key().as_bytes())
    }

    fn choose(&mut self, wanted: Option<usize>) -> Option<(usize, String)> {
        if self.endpoints.is_empty() {
            return None;
        }
        let index = match wanted {
            Some(i) => i % self.endpoints.len(),
            None => {
                let i = self.next % self.endpoints.len();
                self.next = self.next.wrapping_add(1);
                i
            }
        };
        Some((index, self.endpoints[index].clone()))
    }
}

fn hex_encode(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// POSTs interaction `id` (its stored payload) and applies the reply as its initial
/// response. Runs as its own task; the result is in [`crate::FakeDiscord::deliveries`].
pub(crate) fn spawn(inner: Arc<Inner>, id: u64, options: DeliveryOptions) {
    tokio::spawn(deliver(inner, id, options));
}

async fn deliver(inner: Arc<Inner>, id: u64, options: DeliveryOptions) {
    let prepared = {
        let mut world = inner.lock();
        let payload = world
            .interactions
            .get(&id)
            .map(|r| (r.payload.clone(), r.kind));
        let target = world.http.choose(options.endpoint);
        match (payload, target) {
            (Some((payload, kind)), Some((index, url))) => Some((
                payload,
                kind,
                index,
                url,
                world.http.key.clone(),
                world.http.client.clone(),
            )),
            _ => None,
        }
    };
    let Some((payload, kind, index, url, key, client)) = prepared else {
        return;
    };
    let body = payload.to_string();
    let timestamp = match options.signing {
        Signing::Stale(ago) => unix_now().saturating_sub(ago.as_secs()),
        Signing::Future(ahead) => unix_now() + ahead.as_secs(),
        _ => unix_now(),
    }
    .to_string();
    let mut signed = timestamp.as_bytes().to_vec();
    signed.extend_from_slice(body.as_bytes());
    let signature = match options.signing {
        Signing::BadSignature => SigningKey::from_bytes(&[0x5a; 32]).sign(&signed),
        _ => key.sign(&signed),
    };
    let mut request = client
        .post(&url)
        .header("content-type", "application/json")
        .header(
            "user-agent",
            "Discord-Interactions/1.0 (+https://discord.com)",
        )
        .body(body);
    if options.signing != Signing::Unsigned {
        request = request
            .header("x-signature-ed25519", hex_encode(&signature.to_bytes()))
            .header("x-signature-timestamp", timestamp);
    }
    let (status, reply, error) = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            (status, serde_json::from_str::<Value>(&text).ok(), None)
        }
        Err(e) => (0, None, Some(e.to_string())),
    };
    let mut world = inner.lock();
    world.http.deliveries.push(Delivery {
        interaction_id: id,
        kind,
        endpoint: index,
        url: url.clone(),
        signing: options.signing,
        status,
        body: reply.clone(),
        error,
    });
    if status == 200 {
        if let (Some(reply), Some(token)) =
            (reply, world.interactions.get(&id).map(|r| r.token.clone()))
        {
            let path = format!("{url} (HTTP reply to interaction {id})");
            if let Err(error) = crate::rest::callback(
                &mut world,
                &id.to_string(),
                &token,
                reply.clone(),
                &[],
                None,
            ) {
                world.record_refusal(
                    &token,
                    Refusal {
                        method: "POST".into(),
                        path,
                        body: Some(reply),
                        error,
                    },
                );
            }
        }
    }
    drop(world);
    inner.bump();
}
