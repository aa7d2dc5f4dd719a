//! The things licensebot keeps: products, subscriptions, keys, orders, redemptions, notices.
//! Plain data as the store returns it; the rules live in `rules`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{key::KeyTail, lifecycle::LifecycleState, names::names, rules::OrderKind, term::Term};

/// A Discord guild (server) id: one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GuildId(pub u64);

/// A Discord user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub max_seats: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub guild: GuildId,
    pub product: Product,
    pub name: String,
    pub seats: i64,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    Available,
    Redeemed,
    Revoked,
    /// Redeemed, then taken back (a refund): never redeemable again.
    Reversed,
}

names!(KeyState, "key state" {
    Available => "available",
    Redeemed => "redeemed",
    Revoked => "revoked",
    Reversed => "reversed",
});

/// What revoking one key came to. A key revoked before reads `revoked` again: revoking is
/// idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    Revoked,
    /// Redeemed keys stay redeemed.
    AlreadyRedeemed,
    Unknown,
}

names!(Revocation, "revocation" {
    Revoked => "revoked",
    AlreadyRedeemed => "already_redeemed",
    Unknown => "unknown",
});

/// A key as stored: never the key itself, only its tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub id: i64,
    pub tail: KeyTail,
    pub product_sku: String,
    pub product_name: String,
    pub seats: i64,
    pub term: Term,
    pub expires_on: Option<NaiveDate>,
    pub batch: Option<String>,
    /// The shop's reference (its order id), if it gave one.
    pub reference: Option<String>,
    pub state: KeyState,
    pub created_at: DateTime<Utc>,
}

/// Who redeemed a key, for "already redeemed by @ana at 14:02".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemedBy {
    pub user: UserId,
    pub guild: GuildId,
    pub at: DateTime<Utc>,
}

/// A key of an order, as it stands now, with who redeemed it if someone did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    /// 1 for the first key entered.
    pub position: i16,
    pub key: StoredKey,
    pub redeemed_by: Option<RedeemedBy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderState {
    Open,
    Redeemed,
    Cancelled,
    Expired,
}

names!(OrderState, "order state" {
    Open => "open",
    Redeemed => "redeemed",
    Cancelled => "cancelled",
    Expired => "expired",
});

/// What an order is for, as its row names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderTarget {
    /// add-licenses and extend: the guild's subscription, by id.
    Subscription(i64),
    /// activate: the subscription the order would start, by the name the admin gave it,
    /// for the product of its keys (its first key's).
    New { name: String, product_sku: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: Uuid,
    pub guild: GuildId,
    pub user: UserId,
    pub target: OrderTarget,
    pub kind: OrderKind,
    pub state: OrderState,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Redemption {
    pub id: i64,
    pub order_id: Uuid,
    pub guild_id: u64,
    pub user_id: u64,
    pub subscription_id: i64,
    pub subscription_name: String,
    pub kind: OrderKind,
    /// The subscription's seats before; none for an activation, which started it.
    pub seats_before: Option<i64>,
    pub seats_after: i64,
    /// The subscription's end date before; none for an activation.
    pub ends_before: Option<NaiveDate>,
    pub ends_after: NaiveDate,
    pub key_count: i64,
    pub redeemed_at: DateTime<Utc>,
}

/// What an order is for, read as it stands: a subscription the guild has (add-licenses,
/// extend), or the subscription an activation would start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Existing(Subscription),
    New { name: String, product: Product },
}

impl Subject {
    /// The subscription's name.
    pub fn name(&self) -> &str {
        match self {
            Subject::Existing(sub) => &sub.name,
            Subject::New { name, .. } => name,
        }
    }

    /// The product every key of the order must be for.
    pub fn product(&self) -> &Product {
        match self {
            Subject::Existing(sub) => &sub.product,
            Subject::New { product, .. } => product,
        }
    }

    /// The subscription, once it exists.
    pub fn subscription(&self) -> Option<&Subscription> {
        match self {
            Subject::Existing(sub) => Some(sub),
            Subject::New { .. } => None,
        }
    }

    /// What an order for this subject names in its row.
    pub fn target(&self) -> OrderTarget {
        match self {
            Subject::Existing(sub) => OrderTarget::Subscription(sub.id),
            Subject::New { name, product } => OrderTarget::New {
                name: name.clone(),
                product_sku: product.sku.clone(),
            },
        }
    }
}

/// A key of a redemption, as the ledger keeps it: its last five characters, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedeemedKey {
    pub tail: KeyTail,
    pub seats: i64,
    pub term: Term,
    pub batch: Option<String>,
    /// The shop's reference (its order id).
    pub reference: Option<String>,
}

/// A redemption with its subscription's product and its keys, for the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionRecord {
    pub redemption: Redemption,
    pub product_sku: String,
    pub keys: Vec<RedeemedKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuildSettings {
    pub notice_channel: Option<u64>,
    pub manager_role: Option<u64>,
    /// The server's language, a Discord locale code: the one an admin chose with
    /// `/settings language`, else the preferred locale Discord reports (when licensebot
    /// speaks it, else `en-US`).
    pub locale: String,
    /// The language an admin chose, if one did.
    pub language: Option<String>,
}

/// A subscription with its state today, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionStatus {
    pub subscription: Subscription,
    pub state: LifecycleState,
}
