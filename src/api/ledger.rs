//! `GET /v1/subscriptions?guild=` and `GET /v1/redemptions?guild=&since=&cursor=`.

use axum::{extract::State, Json};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::{Authorized, LedgerRead},
    doc, page,
    problem::{ApiQuery, Problem},
    ApiState,
};
use crate::{
    app::FeedPage,
    domain::records::{GuildId, RedemptionRecord},
};

/// A Discord guild id given as a query parameter.
pub(super) fn guild(field: &str, text: Option<&str>) -> Result<Option<GuildId>, Problem> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<u64>()
            .ok()
            .filter(|g| *g > 0)
            .map(|g| Some(GuildId(g)))
            .ok_or_else(|| Problem::invalid(field, "a guild is a Discord id: digits")),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionsQuery {
    /// The guild (Discord server) id.
    pub guild: Option<String>,
}

/// A guild's subscription, with its state today.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscription {
    pub id: i64,
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
    pub name: String,
    /// The product's SKU.
    pub product: String,
    pub product_name: String,
    pub seats: i64,
    pub ends_on: NaiveDate,
    #[schema(schema_with = doc::lifecycle_state)]
    pub state: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionList {
    /// By name.
    pub subscriptions: Vec<Subscription>,
}

/// A guild's subscriptions.
#[utoipa::path(
    get,
    path = "/v1/subscriptions",
    tag = "ledger",
    security(("bearer" = ["ledger:read"])),
    params(SubscriptionsQuery),
    responses((status = 200, description = "The guild's subscriptions", body = SubscriptionList))
)]
pub(crate) async fn subscriptions(
    State(state): State<ApiState>,
    _auth: Authorized<LedgerRead>,
    ApiQuery(query): ApiQuery<SubscriptionsQuery>,
) -> Result<Json<SubscriptionList>, Problem> {
    let guild = guild("guild", query.guild.as_deref())?
        .ok_or_else(|| Problem::invalid("guild", "give the guild whose subscriptions to list"))?;
    let listed = state.app.list_subscriptions(guild).await?;
    Ok(Json(SubscriptionList {
        subscriptions: listed
            .into_iter()
            .map(|status| {
                let s = status.subscription;
                Subscription {
                    id: s.id,
                    guild: s.guild.0.to_string(),
                    name: s.name,
                    product: s.product.sku,
                    product_name: s.product.name,
                    seats: s.seats,
                    ends_on: s.ends_on,
                    state: status.state.as_str().to_owned(),
                }
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RedemptionsQuery {
    /// Only this guild's redemptions.
    pub guild: Option<String>,
    /// Only redemptions at or after this time (RFC 3339, e.g. 2026-11-29T00:00:00Z).
    pub since: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Redemptions per page, 1 to 1000 (100 when not given).
    pub limit: Option<String>,
}

/// The subscription a redemption was made on.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionSubscription {
    pub id: i64,
    pub name: String,
    /// The product's SKU.
    pub product: String,
}

/// Seats and end date before or after a redemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct Terms {
    pub seats: i64,
    pub ends_on: NaiveDate,
}

/// A redeemed key: never the key, only its last five characters.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeemedKey {
    #[schema(example = "QRT7W", pattern = "^[BCDFGHJKMPQRTVWXY2346789]{5}$")]
    pub last_five: String,
    pub seats: i64,
    #[schema(schema_with = doc::term)]
    pub term: String,
}

/// A redemption: the ledger's entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Redemption {
    pub id: i64,
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
    pub subscription: RedemptionSubscription,
    #[schema(schema_with = doc::order_kind)]
    pub kind: String,
    /// Who redeemed it.
    #[schema(schema_with = doc::snowflake)]
    pub user: String,
    /// The subscription before; `null` for an activation, which started it.
    pub before: Option<Terms>,
    pub after: Terms,
    pub keys: Vec<RedeemedKey>,
    pub redeemed_at: DateTime<Utc>,
}

impl From<RedemptionRecord> for Redemption {
    fn from(record: RedemptionRecord) -> Redemption {
        let r = record.redemption;
        Redemption {
            id: r.id,
            guild: r.guild_id.to_string(),
            subscription: RedemptionSubscription {
                id: r.subscription_id,
                name: r.subscription_name,
                product: record.product_sku,
            },
            kind: r.kind.as_str().to_owned(),
            user: r.user_id.to_string(),
            before: match (r.seats_before, r.ends_before) {
                (Some(seats), Some(ends_on)) => Some(Terms { seats, ends_on }),
                _ => None,
            },
            after: Terms {
                seats: r.seats_after,
                ends_on: r.ends_after,
            },
            keys: record
                .keys
                .into_iter()
                .map(|k| RedeemedKey {
                    last_five: k.tail.as_str().to_owned(),
                    seats: k.seats,
                    term: k.term.to_string(),
                })
                .collect(),
            redeemed_at: r.redeemed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RedemptionList {
    /// Oldest first.
    pub redemptions: Vec<Redemption>,
    /// Pass as `cursor` for the next page; none on the last page. Keep the last one to
    /// read only what is new next time.
    pub next_cursor: Option<String>,
}

/// The ledger, oldest first, a page at a time: of one guild or all, from a time on.
#[utoipa::path(
    get,
    path = "/v1/redemptions",
    tag = "ledger",
    security(("bearer" = ["ledger:read"])),
    params(RedemptionsQuery),
    responses((status = 200, description = "A page of the ledger", body = RedemptionList))
)]
pub(crate) async fn redemptions(
    State(state): State<ApiState>,
    _auth: Authorized<LedgerRead>,
    ApiQuery(query): ApiQuery<RedemptionsQuery>,
) -> Result<Json<RedemptionList>, Problem> {
    let since = match query
        .since
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => Some(
            DateTime::parse_from_rfc3339(s)
                .map_err(|_| {
                    Problem::invalid(
                        "since",
                        "since is an RFC 3339 time, like 2026-11-29T00:00:00Z",
                    )
                })?
                .with_timezone(&Utc),
        ),
    };
    let limit = page::limit(query.limit.as_deref())?;
    let records = state
        .app
        .redemption_feed(FeedPage {
            guild: guild("guild", query.guild.as_deref())?,
            since,
            after_id: page::after("redemptions", query.cursor.as_deref())?,
            limit,
        })
        .await?;
    let ids: Vec<i64> = records.iter().map(|r| r.redemption.id).collect();
    Ok(Json(RedemptionList {
        next_cursor: page::next("redemptions", &ids, limit),
        redemptions: records.into_iter().map(Redemption::from).collect(),
    }))
}
