//! Webhook events in the Standard Webhooks format (<https://www.standardwebhooks.com>):
//! what each event says (never a key: only its last five characters), the body that is
//! signed and sent, `{"type", "timestamp", "data"}`, the endpoint's secret (`whsec_…`) and
//! the signature, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

use std::fmt;

use base64::{engine::general_purpose::STANDARD, Engine as _};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use uuid::Uuid;

use super::{
    key::KeyTail,
    lifecycle::LifecycleState,
    names::names,
    records::{GuildId, RedeemedKey, StoredKey, Subscription, UserId},
    rules::OrderKind,
    term::Term,
};

/// What happened, as an endpoint subscribes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// An order was redeemed (any kind).
    RedemptionCreated,
    /// A redeemed key was reversed (a refund).
    RedemptionReversed,
    /// The lifecycle pass found a subscription in a new state.
    SubscriptionStateChanged,
    /// A reminder milestone (30, 14, 7, 1 days) before a subscription's end date.
    SubscriptionExpiring,
    LicenseAssigned,
    LicenseUnassigned,
    /// A key was revoked.
    KeyRevoked,
    /// `licensebot webhooks test`: sent to one endpoint, whatever it listens for.
    Ping,
}

names!(EventType, "webhook event type" {
    RedemptionCreated => "redemption.created",
    RedemptionReversed => "redemption.reversed",
    SubscriptionStateChanged => "subscription.state_changed",
    SubscriptionExpiring => "subscription.expiring",
    LicenseAssigned => "license.assigned",
    LicenseUnassigned => "license.unassigned",
    KeyRevoked => "key.revoked",
    Ping => "ping",
});

/// Where a delivery of an event to an endpoint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryState {
    /// Waiting, or being sent under a worker's lease.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// Given up after `webhooks.give_up_hours`; `webhooks redeliver` tries again.
    Failed,
}

names!(DeliveryState, "webhook delivery state" {
    Pending => "pending",
    Delivered => "delivered",
    Failed => "failed",
});

/// An event, as stored in the outbox and sent to every endpoint listening for its type.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub id: Uuid,
    pub kind: EventType,
    pub occurred_at: DateTime<Utc>,
    /// The body's `data`.
    pub data: serde_json::Value,
}

/// A subscription as events name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventSubscription {
    pub id: i64,
    pub name: String,
    /// The product's SKU.
    pub product: String,
}

/// Seats and end date, before or after a redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventTerms {
    pub seats: i64,
    pub ends_on: NaiveDate,
}

/// A key as events name it: its last five characters, seats, term, batch and the shop's
/// reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventKey {
    pub last_five: String,
    pub seats: i64,
    pub term: String,
    pub batch: Option<String>,
    pub reference: Option<String>,
}

impl From<&RedeemedKey> for EventKey {
    fn from(key: &RedeemedKey) -> EventKey {
        EventKey {
            last_five: key.tail.as_str().to_owned(),
            seats: key.seats,
            term: key.term.to_string(),
            batch: key.batch.clone(),
            reference: key.reference.clone(),
        }
    }
}

/// `redemption.created`: an order was redeemed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedemptionCreated {
    pub redemption_id: i64,
    pub guild: String,
    pub subscription: EventSubscription,
    /// The order's kind, as the ledger spells it (`add-licenses`, `extend`, …).
    pub kind: OrderKind,
    pub user: String,
    /// The subscription before; none when the redemption created it.
    pub before: Option<EventTerms>,
    pub after: EventTerms,
    pub keys: Vec<EventKey>,
    pub redeemed_at: DateTime<Utc>,
}

/// Everything a `redemption.created` event is made of, but the ledger id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionFacts {
    pub guild: GuildId,
    pub user: UserId,
    pub subscription: EventSubscription,
    pub kind: OrderKind,
    pub before: Option<EventTerms>,
    pub after: EventTerms,
    pub keys: Vec<RedeemedKey>,
}

/// Everything a `redemption.reversed` event is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversalFacts {
    pub reversal_id: i64,
    pub redemption_id: i64,
    pub guild: GuildId,
    pub subscription: EventSubscription,
    pub tail: KeyTail,
    pub seats: i64,
    pub term: Term,
    pub batch: Option<String>,
    pub reference_of_key: Option<String>,
    pub reason: Option<String>,
    pub seats_before: i64,
    pub seats_after: i64,
    pub ends_before: NaiveDate,
    pub ends_after: NaiveDate,
    pub released: Vec<UserId>,
}

impl WebhookEvent {
    fn new(kind: EventType, occurred_at: DateTime<Utc>, data: impl Serialize) -> WebhookEvent {
        WebhookEvent {
            id: Uuid::new_v4(),
            kind,
            occurred_at,
            data: serde_json::to_value(data).unwrap_or(serde_json::Value::Null),
        }
    }

    /// `redemption.created` for the ledger entry `redemption_id`.
    pub fn redemption_created(
        redemption_id: i64,
        facts: &RedemptionFacts,
        at: DateTime<Utc>,
    ) -> WebhookEvent {
        WebhookEvent::new(
            EventType::RedemptionCreated,
            at,
            RedemptionCreated {
                redemption_id,
                guild: facts.guild.0.to_string(),
                subscription: facts.subscription.clone(),
                kind: facts.kind,
                user: facts.user.0.to_string(),
                before: facts.before,
                after: facts.after,
                keys: facts.keys.iter().map(EventKey::from).collect(),
                redeemed_at: at,
            },
        )
    }

    /// `redemption.reversed`: a redeemed key was taken back (never the key: its tail).
    pub fn redemption_reversed(facts: &ReversalFacts, at: DateTime<Utc>) -> WebhookEvent {
        #[derive(Serialize)]
        struct Key {
            last_five: String,
            seats: i64,
            term: String,
            batch: Option<String>,
            reference: Option<String>,
        }
        #[derive(Serialize)]
        struct Data {
            reversal_id: i64,
            redemption_id: i64,
            guild: String,
            subscription: EventSubscription,
            key: Key,
            reason: Option<String>,
            before: EventTerms,
            after: EventTerms,
            released: Vec<String>,
            reversed_at: DateTime<Utc>,
        }
        WebhookEvent::new(
            EventType::RedemptionReversed,
            at,
            Data {
                reversal_id: facts.reversal_id,
                redemption_id: facts.redemption_id,
                guild: facts.guild.0.to_string(),
                subscription: facts.subscription.clone(),
                key: Key {
                    last_five: facts.tail.as_str().to_owned(),
                    seats: facts.seats,
                    term: facts.term.to_string(),
                    batch: facts.batch.clone(),
                    reference: facts.reference_of_key.clone(),
                },
                reason: facts.reason.clone(),
                before: EventTerms {
                    seats: facts.seats_before,
                    ends_on: facts.ends_before,
                },
                after: EventTerms {
                    seats: facts.seats_after,
                    ends_on: facts.ends_after,
                },
                released: facts.released.iter().map(|u| u.0.to_string()).collect(),
                reversed_at: at,
            },
        )
    }

    /// `subscription.state_changed`: `sub` is `state` now.
    pub fn subscription_state_changed(
        sub: &Subscription,
        state: LifecycleState,
        at: DateTime<Utc>,
    ) -> WebhookEvent {
        #[derive(Serialize)]
        struct Data {
            guild: String,
            subscription: EventSubscription,
            state: LifecycleState,
            ends_on: NaiveDate,
        }
        WebhookEvent::new(
            EventType::SubscriptionStateChanged,
            at,
            Data {
                guild: sub.guild.0.to_string(),
                subscription: EventSubscription {
                    id: sub.id,
                    name: sub.name.clone(),
                    product: sub.product.sku.clone(),
                },
                state,
                ends_on: sub.ends_on,
            },
        )
    }

    /// `subscription.expiring`: a reminder milestone before `sub`'s end date, `days_left`
    /// days before it.
    pub fn subscription_expiring(
        sub: &Subscription,
        ends: NaiveDate,
        days_left: i64,
        at: DateTime<Utc>,
    ) -> WebhookEvent {
        #[derive(Serialize)]
        struct Data {
            guild: String,
            subscription: EventSubscription,
            ends: NaiveDate,
            days_left: i64,
        }
        WebhookEvent::new(
            EventType::SubscriptionExpiring,
            at,
            Data {
                guild: sub.guild.0.to_string(),
                subscription: EventSubscription {
                    id: sub.id,
                    name: sub.name.clone(),
                    product: sub.product.sku.clone(),
                },
                ends,
                days_left,
            },
        )
    }

    /// `subscription.state_changed` for a suspension (`state` suspended) or a resumption
    /// (`state` the lifecycle state it returns to), with the vendor's reason.
    pub fn subscription_suspension(
        sub: &Subscription,
        state: LifecycleState,
        reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> WebhookEvent {
        #[derive(Serialize)]
        struct Data<'a> {
            guild: String,
            subscription: EventSubscription,
            state: LifecycleState,
            ends_on: NaiveDate,
            reason: Option<&'a str>,
        }
        WebhookEvent::new(
            EventType::SubscriptionStateChanged,
            at,
            Data {
                guild: sub.guild.0.to_string(),
                subscription: EventSubscription {
                    id: sub.id,
                    name: sub.name.clone(),
                    product: sub.product.sku.clone(),
                },
                state,
                ends_on: sub.ends_on,
                reason,
            },
        )
    }

    /// `license.assigned` or `license.unassigned`: `member` got or lost a license of `sub`,
    /// by `by` (`None`: licensebot itself) for `reason` (`admin`, `request`, `member-gone`,
    /// `subscription-deleted`).
    pub fn license_changed(
        assigned: bool,
        sub: &Subscription,
        member: UserId,
        by: Option<UserId>,
        reason: &str,
        at: DateTime<Utc>,
    ) -> WebhookEvent {
        #[derive(Serialize)]
        struct Data {
            guild: String,
            subscription: EventSubscription,
            user: String,
            by: Option<String>,
            reason: String,
            at: DateTime<Utc>,
        }
        WebhookEvent::new(
            if assigned {
                EventType::LicenseAssigned
            } else {
                EventType::LicenseUnassigned
            },
            at,
            Data {
                guild: sub.guild.0.to_string(),
                subscription: EventSubscription {
                    id: sub.id,
                    name: sub.name.clone(),
                    product: sub.product.sku.clone(),
                },
                user: member.0.to_string(),
                by: by.map(|u| u.0.to_string()),
                reason: reason.to_owned(),
                at,
            },
        )
    }

    /// `key.revoked`: `key` was revoked.
    pub fn key_revoked(key: &StoredKey, at: DateTime<Utc>) -> WebhookEvent {
        #[derive(Serialize)]
        struct Data {
            key: EventKey,
            product: String,
            batch: Option<String>,
            revoked_at: DateTime<Utc>,
        }
        WebhookEvent::new(
            EventType::KeyRevoked,
            at,
            Data {
                key: EventKey {
                    last_five: key.tail.as_str().to_owned(),
                    seats: key.seats,
                    term: key.term.to_string(),
                    batch: key.batch.clone(),
                    reference: key.reference.clone(),
                },
                product: key.product_sku.clone(),
                batch: key.batch.clone(),
                revoked_at: at,
            },
        )
    }

    /// `ping`, to endpoint `endpoint`.
    pub fn ping(endpoint: i64, at: DateTime<Utc>) -> WebhookEvent {
        WebhookEvent::new(
            EventType::Ping,
            at,
            serde_json::json!({ "endpoint": endpoint }),
        )
    }

    /// The `webhook-id` header: `msg_` and the event's id, the same on every attempt.
    pub fn message_id(&self) -> String {
        message_id(self.id)
    }

    /// The body that is signed and sent: `{"type", "timestamp", "data"}`.
    pub fn body(&self) -> String {
        body(self.kind, self.occurred_at, &self.data)
    }
}

/// The `webhook-id` of the event `id`.
pub fn message_id(id: Uuid) -> String {
    format!("msg_{}", id.simple())
}

/// The event `id` of a `webhook-id` (or of the bare uuid).
pub fn event_id(message_id: &str) -> Option<Uuid> {
    Uuid::parse_str(message_id.strip_prefix("msg_").unwrap_or(message_id)).ok()
}

/// `{"type": …, "timestamp": …, "data": …}`, in that order.
pub fn body(kind: EventType, occurred_at: DateTime<Utc>, data: &serde_json::Value) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        #[serde(rename = "type")]
        kind: EventType,
        timestamp: String,
        data: &'a serde_json::Value,
    }
    serde_json::to_string(&Body {
        kind,
        timestamp: occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        data,
    })
    .unwrap_or_default()
}

/// An endpoint's signing secret: 32 random bytes, shown once as `whsec_<base64>`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

/// Why a `whsec_…` secret cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is whsec_ and 24 to 64 bytes in base64")]
pub struct SecretError;

impl WebhookSecret {
    pub fn generate<R: rand::RngCore + rand::CryptoRng>(rng: &mut R) -> WebhookSecret {
        let mut bytes = vec![0u8; 32];
        rng.fill_bytes(&mut bytes);
        WebhookSecret(bytes)
    }

    /// The secret as stored.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<WebhookSecret, SecretError> {
        if (24..=64).contains(&bytes.len()) {
            Ok(WebhookSecret(bytes))
        } else {
            Err(SecretError)
        }
    }

    /// `whsec_<base64>`, as an endpoint's owner configures it.
    pub fn parse(text: &str) -> Result<WebhookSecret, SecretError> {
        let encoded = text.trim().strip_prefix("whsec_").unwrap_or(text.trim());
        let bytes = STANDARD.decode(encoded).map_err(|_| SecretError)?;
        WebhookSecret::from_bytes(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// `whsec_<base64>`: shown once, when the endpoint is added.
    pub fn expose(&self) -> String {
        format!("whsec_{}", STANDARD.encode(&self.0))
    }

    /// The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
    pub fn sign(&self, message_id: &str, timestamp: i64, body: &str) -> String {
        // HMAC takes a key of any length; this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(message_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body.as_bytes());
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// Debug never shows the secret.
impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// Why a list of event types is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventsError {
    #[error("unknown event {0:?}: events are redemption.created, subscription.state_changed, license.assigned, license.unassigned and key.revoked")]
    Unknown(String),
    #[error(
        "ping is sent by `licensebot webhooks test`, to one endpoint; it is not subscribed to"
    )]
    Ping,
    #[error("give at least one event")]
    None,
}

/// `redemption.created,key.revoked`: each event once, in the order of [`EventType::ALL`].
pub fn parse_events(text: &str) -> Result<Vec<EventType>, EventsError> {
    let mut events = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let event: EventType = word
            .parse()
            .map_err(|_| EventsError::Unknown(word.to_owned()))?;
        if event == EventType::Ping {
            return Err(EventsError::Ping);
        }
        if !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        return Err(EventsError::None);
    }
    events.sort();
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{key::KeyTail, Term};

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification and its libraries.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            secret.sign(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                r#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_secret_reads_back_from_what_is_shown_and_debug_hides_it() {
        let secret = WebhookSecret::generate(&mut rand::rngs::OsRng);
        let shown = secret.expose();
        assert!(shown.starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&shown), Ok(secret.clone()));
        assert_eq!(format!("{secret:?}"), "WebhookSecret(…)");
        assert_eq!(WebhookSecret::parse("whsec_c2hvcnQ="), Err(SecretError));
    }

    #[test]
    fn the_body_is_type_timestamp_data_and_holds_only_a_keys_last_five() {
        let at: DateTime<Utc> = "2026-11-29T10:00:00Z".parse().unwrap();
        let facts = RedemptionFacts {
            guild: GuildId(7),
            user: UserId(8),
            subscription: EventSubscription {
                id: 3,
                name: "Contoso".into(),
                product: "BUSINESS-STANDARD".into(),
            },
            kind: OrderKind::AddLicenses,
            before: Some(EventTerms {
                seats: 50,
                ends_on: "2027-01-31".parse().unwrap(),
            }),
            after: EventTerms {
                seats: 55,
                ends_on: "2027-01-31".parse().unwrap(),
            },
            keys: vec![RedeemedKey {
                tail: KeyTail::new("QRT7W").unwrap(),
                seats: 5,
                term: Term::Months(12),
                batch: None,
                reference: None,
            }],
        };
        let event = WebhookEvent::redemption_created(42, &facts, at);
        let body: serde_json::Value = serde_json::from_str(&event.body()).unwrap();
        assert!(event
            .body()
            .starts_with(r#"{"type":"redemption.created","timestamp":"#));
        assert_eq!(body["timestamp"], "2026-11-29T10:00:00.000Z");
        assert_eq!(
            body["data"],
            serde_json::json!({
                "redemption_id": 42, "guild": "7", "user": "8", "kind": "add-licenses",
                "subscription": {"id": 3, "name": "Contoso", "product": "BUSINESS-STANDARD"},
                "before": {"seats": 50, "ends_on": "2027-01-31"},
                "after": {"seats": 55, "ends_on": "2027-01-31"},
                "keys": [{"last_five": "QRT7W", "seats": 5, "term": "12m", "batch": null, "reference": null}],
                "redeemed_at": "2026-11-29T10:00:00Z"
            })
        );
        assert_eq!(event_id(&event.message_id()), Some(event.id));
    }

    #[test]
    fn events_are_read_from_a_list_and_ping_is_not_subscribed_to() {
        assert_eq!(
            parse_events("key.revoked, redemption.created,key.revoked"),
            Ok(vec![EventType::RedemptionCreated, EventType::KeyRevoked])
        );
        assert_eq!(parse_events("ping"), Err(EventsError::Ping));
        assert_eq!(
            parse_events("redemption.deleted"),
            Err(EventsError::Unknown("redemption.deleted".into()))
        );
        assert_eq!(parse_events(""), Err(EventsError::None));
    }
}
