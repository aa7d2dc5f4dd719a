//! Taking back what was sold: `POST /v1/keys/reverse` (a refund of redeemed keys) and the
//! reversals in the ledger, `GET /v1/reversals`.

use axum::{
    extract::{Path, State},
    Json,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::{Authorized, KeysRead, KeysWrite, LedgerRead, SubscriptionsWrite},
    doc, ledger, page,
    problem::{ApiJson, ApiQuery, Problem},
    ApiState,
};
use crate::{
    app::{AppError, ReversalFilter, SubscriptionRef, Suspension, UserError},
    domain::ReversalResult,
};

/// Most keys one request reverses (each in a transaction of its own).
const MAX_KEYS_PER_REQUEST: usize = 1000;

/// Keys to reverse: give `keys` or `batch`, not both.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReverseRequest {
    /// The keys, in any case, with or without dashes (1 to 1000).
    #[serde(default)]
    pub keys: Option<Vec<String>>,
    /// Every key of this batch.
    #[serde(default)]
    pub batch: Option<String>,
    /// Why (the shop's refund or chargeback): kept in the ledger and sent in the
    /// `redemption.reversed` webhook, never told in Discord. At most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReversedKey {
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    #[schema(schema_with = reversal_result)]
    pub result: String,
    /// The members whose licenses this reversal released (the most recently assigned,
    /// while seats were below those assigned).
    #[schema(schema_with = doc::snowflakes)]
    pub released: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReverseResponse {
    /// One per key asked for (or per key of the batch), in order.
    pub results: Vec<ReversedKey>,
}

fn reversal_result() -> utoipa::openapi::schema::Object {
    doc::words(
        ReversalResult::ALL.iter().map(|r| r.as_str()),
        "What reversing the key came to: reversed (by this request), already_reversed \
         (nothing changed), not_redeemed (an unused key is revoked, not reversed; nothing \
         changed) or unknown",
    )
}

/// Reverses redeemed keys, on a refund: each key, in a transaction of its own, becomes
/// `reversed` and its subscription loses exactly what it gave (seats, days); the newest
/// licenses are released while seats are below those assigned. Once per key, however often
/// it is asked.
#[utoipa::path(
    post,
    path = "/v1/keys/reverse",
    tag = "keys",
    security(("bearer" = ["keys:write"])),
    request_body = ReverseRequest,
    responses((status = 200, description = "What became of each key (masked)", body = ReverseResponse))
)]
pub(crate) async fn reverse(
    State(state): State<ApiState>,
    _auth: Authorized<KeysWrite>,
    ApiJson(body): ApiJson<ReverseRequest>,
) -> Result<Json<ReverseResponse>, Problem> {
    let batch = body.batch.as_deref().map(str::trim);
    let keys = body.keys.unwrap_or_default();
    let reason = body.reason.as_deref();
    let results = match (batch, keys.len()) {
        (Some(""), _) => return Err(Problem::invalid("batch", "a batch label is not empty")),
        (Some(_), 0) | (None, 1..=MAX_KEYS_PER_REQUEST) => {
            state.app.reverse_keys(batch, &keys, reason).await?
        }
        (Some(_), _) => {
            return Err(Problem::invalid("batch", "give keys or a batch, not both"));
        }
        (None, 0) => return Err(Problem::invalid("keys", "give keys or a batch")),
        (None, _) => {
            return Err(Problem::invalid(
                "keys",
                format!("reverse 1 to {MAX_KEYS_PER_REQUEST} keys at a time"),
            ))
        }
    };
    let reversed = results
        .iter()
        .filter(|k| k.result == ReversalResult::Reversed)
        .count();
    tracing::info!(asked = results.len(), reversed, "reverse request");
    Ok(Json(ReverseResponse {
        results: results
            .into_iter()
            .map(|k| ReversedKey {
                key: k.tail.masked(),
                result: k.result.as_str().to_owned(),
                released: k.released.iter().map(|u| u.0.to_string()).collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReversalsQuery {
    /// Only this guild's reversals.
    pub guild: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Reversals per page, 1 to 1000 (100 when not given).
    pub limit: Option<String>,
}

/// A reversal in the ledger: a redeemed key taken back.
#[derive(Debug, Serialize, ToSchema)]
pub struct Reversal {
    pub id: i64,
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
    pub subscription_id: i64,
    pub subscription_name: String,
    /// The redemption the key was redeemed in.
    pub redemption_id: i64,
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    pub reason: Option<String>,
    pub seats_before: i64,
    pub seats_after: i64,
    pub ends_before: NaiveDate,
    pub ends_after: NaiveDate,
    /// The members whose licenses it released.
    #[schema(schema_with = doc::snowflakes)]
    pub released: Vec<String>,
    pub reversed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReversalList {
    /// Oldest first.
    pub reversals: Vec<Reversal>,
    /// Pass as `cursor` for the next page; none on the last page. Keep the last one to
    /// read only what is new next time.
    pub next_cursor: Option<String>,
}

/// The reversals in the ledger (refunds of redeemed keys), oldest first, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/reversals",
    tag = "ledger",
    security(("bearer" = ["ledger:read"])),
    params(ReversalsQuery),
    responses((status = 200, description = "A page of reversals", body = ReversalList))
)]
pub(crate) async fn reversals(
    State(state): State<ApiState>,
    _auth: Authorized<LedgerRead>,
    ApiQuery(query): ApiQuery<ReversalsQuery>,
) -> Result<Json<ReversalList>, Problem> {
    let limit = page::limit(query.limit.as_deref())?;
    let entries = state
        .app
        .list_reversals(ReversalFilter {
            guild: ledger::guild("guild", query.guild.as_deref())?,
            subscription_id: None,
            after_id: page::after("reversals", query.cursor.as_deref())?,
            limit,
            newest_first: false,
        })
        .await?;
    let ids: Vec<i64> = entries.iter().map(|r| r.id).collect();
    Ok(Json(ReversalList {
        next_cursor: page::next("reversals", &ids, limit),
        reversals: entries
            .into_iter()
            .map(|r| Reversal {
                id: r.id,
                guild: r.guild.0.to_string(),
                subscription_id: r.subscription_id,
                subscription_name: r.subscription_name,
                redemption_id: r.redemption_id,
                key: r.tail.masked(),
                reason: r.reason,
                seats_before: r.seats_before,
                seats_after: r.seats_after,
                ends_before: r.ends_before,
                ends_after: r.ends_after,
                released: r.released.iter().map(|u| u.0.to_string()).collect(),
                reversed_at: r.reversed_at,
            })
            .collect(),
    }))
}

/// Why a subscription is suspended (optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SuspendRequest {
    /// The chargeback, dispute or unpaid invoice: kept for the vendor's records and sent in
    /// the webhook, never told in Discord. At most 500 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A subscription's state after a suspend or resume.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuspensionAnswer {
    pub id: i64,
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
    pub name: String,
    #[schema(schema_with = doc::lifecycle_state)]
    pub state: String,
    pub ends_on: NaiveDate,
    /// `false`: it was so already; nothing changed and nothing was announced.
    pub changed: bool,
}

async fn set_suspension(
    state: &ApiState,
    id: &str,
    what: Suspension,
    reason: Option<&str>,
) -> Result<Json<SuspensionAnswer>, Problem> {
    let not_found = || Problem::not_found("no subscription has this id");
    // An id that is not a number names no subscription either.
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let guild = state
        .app
        .subscription_guild(id)
        .await?
        .ok_or_else(not_found)?;
    let change = match state
        .app
        .set_suspension(guild, &SubscriptionRef::Id(id), what, reason)
        .await
    {
        Err(AppError::User(UserError::SubscriptionNotFound)) => return Err(not_found()),
        other => other?,
    };
    Ok(Json(SuspensionAnswer {
        id: change.subscription.id,
        guild: change.subscription.guild.0.to_string(),
        name: change.subscription.name,
        state: change.state.as_str().to_owned(),
        ends_on: change.subscription.ends_on,
        changed: change.changed,
    }))
}

/// Suspends a subscription (a chargeback, a dispute, an unpaid invoice): its state is
/// `suspended` whatever its end date says; no access (roles taken away, licenses kept), no
/// redemption, no assignment until it is resumed. Idempotent. A deleted subscription is
/// refused (409).
#[utoipa::path(
    post,
    path = "/v1/subscriptions/{id}/suspend",
    tag = "ledger",
    security(("bearer" = ["subscriptions:write"])),
    params(("id" = i64, Path, description = "The subscription's id")),
    request_body = SuspendRequest,
    responses(
        (status = 200, description = "The subscription, suspended", body = SuspensionAnswer),
        (status = 404, description = "No subscription has this id", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The subscription is deleted", content_type = "application/problem+json", body = Problem)
    )
)]
pub(crate) async fn suspend(
    State(state): State<ApiState>,
    _auth: Authorized<SubscriptionsWrite>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SuspendRequest>,
) -> Result<Json<SuspensionAnswer>, Problem> {
    set_suspension(&state, &id, Suspension::Suspend, body.reason.as_deref()).await
}

/// Resumes a suspended subscription: back to its lifecycle state, roles given back. The end
/// date has not moved. Idempotent.
#[utoipa::path(
    post,
    path = "/v1/subscriptions/{id}/resume",
    tag = "ledger",
    security(("bearer" = ["subscriptions:write"])),
    params(("id" = i64, Path, description = "The subscription's id")),
    responses(
        (status = 200, description = "The subscription, resumed", body = SuspensionAnswer),
        (status = 404, description = "No subscription has this id", content_type = "application/problem+json", body = Problem)
    )
)]
pub(crate) async fn resume(
    State(state): State<ApiState>,
    _auth: Authorized<SubscriptionsWrite>,
    Path(id): Path<String>,
) -> Result<Json<SuspensionAnswer>, Problem> {
    set_suspension(&state, &id, Suspension::Resume, None).await
}

/// Keys to look up (a POST, so that keys stay out of URLs and logs).
#[derive(Debug, Deserialize, ToSchema)]
pub struct LookupRequest {
    /// The keys, in any case, with or without dashes (1 to 1000).
    pub keys: Vec<String>,
}

/// Where a redeemed key went.
#[derive(Debug, Serialize, ToSchema)]
pub struct WentTo {
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
    pub subscription: WentToSubscription,
    /// Who redeemed it.
    #[schema(schema_with = doc::snowflake)]
    pub user: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WentToSubscription {
    pub id: i64,
    pub name: String,
}

/// One key, masked: what it is and where it went.
#[derive(Debug, Serialize, ToSchema)]
pub struct LookedUpKey {
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    #[schema(schema_with = lookup_state)]
    pub state: String,
    /// The product's SKU; none for an unknown key (so are the fields below).
    pub product: Option<String>,
    pub seats: Option<i64>,
    pub term: Option<String>,
    pub batch: Option<String>,
    pub reference: Option<String>,
    pub created: Option<DateTime<Utc>>,
    /// Where it went, once redeemed (a reversed key too).
    pub went_to: Option<WentTo>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResponse {
    /// One per key asked for, in order.
    pub results: Vec<LookedUpKey>,
}

fn lookup_state() -> utoipa::openapi::schema::Object {
    use crate::domain::LookupState;
    doc::words(
        LookupState::ALL.iter().map(|s| s.as_str()),
        "unused, redeemed, reversed (redeemed, then taken back), revoked, expired (never \
         redeemed, past its expiry) or unknown",
    )
}

/// Looks keys up, for reconciling with the shop: each key's state, product, seats, term,
/// batch, reference, when it was made, and where it went (guild, subscription, user, when).
#[utoipa::path(
    post,
    path = "/v1/keys/lookup",
    tag = "keys",
    security(("bearer" = ["keys:read"])),
    request_body = LookupRequest,
    responses((status = 200, description = "Each key, masked", body = LookupResponse))
)]
pub(crate) async fn lookup(
    State(state): State<ApiState>,
    _auth: Authorized<KeysRead>,
    ApiJson(body): ApiJson<LookupRequest>,
) -> Result<Json<LookupResponse>, Problem> {
    if body.keys.is_empty() || body.keys.len() > MAX_KEYS_PER_REQUEST {
        return Err(Problem::invalid(
            "keys",
            format!("look up 1 to {MAX_KEYS_PER_REQUEST} keys at a time"),
        ));
    }
    let found = state.app.lookup_keys(&body.keys).await?;
    Ok(Json(LookupResponse {
        results: found
            .into_iter()
            .map(|k| LookedUpKey {
                key: k.tail.masked(),
                state: k.state.as_str().to_owned(),
                product: k.key.as_ref().map(|s| s.product_sku.clone()),
                seats: k.key.as_ref().map(|s| s.seats),
                term: k.key.as_ref().map(|s| s.term.to_string()),
                batch: k.key.as_ref().and_then(|s| s.batch.clone()),
                reference: k.key.as_ref().and_then(|s| s.reference.clone()),
                created: k.key.as_ref().map(|s| s.created_at),
                went_to: k.went_to.map(|w| WentTo {
                    guild: w.guild.0.to_string(),
                    subscription: WentToSubscription {
                        id: w.subscription_id,
                        name: w.subscription_name,
                    },
                    user: w.user.0.to_string(),
                    at: w.at,
                }),
            })
            .collect(),
    }))
}
