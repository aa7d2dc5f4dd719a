//! `POST /v1/keys` (the mint: the only answer that holds full keys), `POST
//! /v1/keys/import`, `GET /v1/keys` (masked) and `POST /v1/keys/revoke`.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    Json,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::{Authorized, KeysRead, KeysWrite},
    doc, page,
    problem::{ApiJson, ApiQuery, Problem},
    ApiState,
};
use crate::{
    app::{normalise_sku, unquoted_refusal, Idempotency, KeyBatch, KeyFilter, KeyRow, Minted},
    domain::{records::KeyState, Term},
};

/// Most keys one request mints, imports or revokes.
const MAX_KEYS_PER_REQUEST: usize = 1000;

/// Keys to mint.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MintRequest {
    /// The product's SKU.
    #[schema(example = "BUSINESS-STANDARD")]
    pub product: String,
    /// Licenses each key adds.
    #[schema(example = 5, minimum = 1)]
    pub seats: i64,
    #[schema(schema_with = doc::term, example = "12m")]
    pub term: String,
    /// How many keys, 1 to 1000.
    #[schema(example = 10, minimum = 1, maximum = 1000)]
    pub count: i64,
    /// A label to list and revoke the keys by; one is made up when none is given.
    #[serde(default)]
    #[schema(example = "order-1042")]
    pub batch: Option<String>,
    /// The last day an unredeemed key can be redeemed.
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    /// The shop's reference (its order id, at most 100 characters), kept on every key,
    /// carried in `redemption.created` and `redemption.reversed`, and a filter of
    /// `GET /v1/keys`.
    #[serde(default)]
    #[schema(example = "order-1042")]
    pub reference: Option<String>,
}

/// Freshly minted keys: the only time full keys leave licensebot. Store them now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MintResponse {
    pub batch: String,
    /// The keys, `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`.
    #[schema(example = json!(["BCDFG-HJKMP-QRTVW-XY234-6789B"]))]
    pub keys: Vec<String>,
}

/// Mints keys. With an `Idempotency-Key` header, a repeat of the request within 24 hours
/// mints nothing and gets a 409 naming the batch the first one minted (never its keys); the
/// key is the token's own (another token's request with it is a new one), and a repeat with
/// another body is a 422 `idempotency-mismatch`.
#[utoipa::path(
    post,
    path = "/v1/keys",
    tag = "keys",
    security(("bearer" = ["keys:write"])),
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes the mint safe to retry: 1 to 255 visible ASCII characters")
    ),
    request_body = MintRequest,
    responses(
        (status = 201, description = "The keys, in full, once", body = MintResponse),
        (status = 409, description = "This Idempotency-Key minted a batch within the last \
            24 hours; `batch` names it", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (`invalid-field`; `field` names \
            it), or this token used this Idempotency-Key within the last 24 hours for a \
            request with another body (`idempotency-mismatch`; nothing was minted)",
            body = Problem, content_type = "application/problem+json")
    )
)]
pub(crate) async fn mint(
    State(state): State<ApiState>,
    auth: Authorized<KeysWrite>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MintRequest>,
) -> Result<(StatusCode, Json<MintResponse>), Problem> {
    let count = usize::try_from(body.count)
        .ok()
        .filter(|n| (1..=MAX_KEYS_PER_REQUEST).contains(n))
        .ok_or_else(|| {
            Problem::invalid(
                "count",
                format!("count is a number from 1 to {MAX_KEYS_PER_REQUEST}"),
            )
        })?;
    let term: Term = body
        .term
        .parse()
        .map_err(|e: crate::domain::TermError| Problem::invalid("term", e.to_string()))?;
    let idempotency = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            Problem::invalid("Idempotency-Key", "an idempotency key is visible ASCII")
        })?),
    };
    let batch = KeyBatch {
        product_sku: body.product,
        seats: body.seats,
        term,
        count,
        batch: body.batch,
        expires_on: body.expires,
    };
    let minted = state
        .app
        .mint_keys_for(
            &batch,
            idempotency.map(|key| Idempotency {
                key,
                token_id: auth.token.id,
            }),
            body.reference.as_deref(),
        )
        .await?;
    match minted {
        Minted::New { batch, keys } => {
            let batch = batch.unwrap_or_default();
            tracing::info!(batch = %batch, count = keys.len(), "keys minted");
            Ok((
                StatusCode::CREATED,
                Json(MintResponse {
                    batch,
                    keys: keys.iter().map(ToString::to_string).collect(),
                }),
            ))
        }
        Minted::Replayed { batch, minted_at } => {
            let mut problem = Problem::new(
                StatusCode::CONFLICT,
                "idempotency-replay",
                "This Idempotency-Key was used already",
                format!(
                    "this Idempotency-Key minted batch {batch:?} at {}; its keys are not shown again",
                    minted_at.format("%Y-%m-%dT%H:%M:%SZ")
                ),
            )
            .with_field("Idempotency-Key");
            problem.batch = Some(batch);
            Err(problem)
        }
        Minted::Mismatch => Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-mismatch",
            "This Idempotency-Key was used for another request",
            "this token used this Idempotency-Key within the last 24 hours for a request with \
             another body; nothing was minted. Send the same body to replay it, or a new key",
        )
        .with_field("Idempotency-Key")),
    }
}

/// A key to import.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportKey {
    /// The key, in any case, with or without dashes.
    #[schema(example = "BCDFG-HJKMP-QRTVW-XY234-6789B")]
    pub key: String,
    #[schema(example = "BUSINESS-STANDARD")]
    pub product: String,
    #[schema(example = 5, minimum = 1)]
    pub seats: i64,
    #[schema(schema_with = doc::term, example = "12m")]
    pub term: String,
    #[serde(default)]
    pub expires: Option<NaiveDate>,
    #[serde(default)]
    pub batch: Option<String>,
    /// The shop's reference (its order id), at most 100 characters.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Keys minted elsewhere, to be redeemable here.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportRequest {
    /// 1 to 1000 keys.
    pub keys: Vec<ImportKey>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedKey {
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    /// `false`: this key was imported before, with the same attributes, and left alone.
    pub imported: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    /// Keys stored by this request.
    pub imported: usize,
    /// Keys imported before, identically, and left alone.
    pub unchanged: usize,
    pub keys: Vec<ImportedKey>,
}

/// Imports keys: all or nothing. A key imported before with the same attributes is left
/// alone (so an identical re-import changes nothing); with other attributes it is a 409.
#[utoipa::path(
    post,
    path = "/v1/keys/import",
    tag = "keys",
    security(("bearer" = ["keys:write"])),
    request_body = ImportRequest,
    responses(
        (status = 200, description = "Every key is stored (masked here)", body = ImportResponse),
        (status = 409, description = "A key is stored already with another product, seats, \
            term, expiry or batch; `field` names it; nothing was imported", body = Problem,
            content_type = "application/problem+json")
    )
)]
pub(crate) async fn import(
    State(state): State<ApiState>,
    _auth: Authorized<KeysWrite>,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<Json<ImportResponse>, Problem> {
    if body.keys.is_empty() || body.keys.len() > MAX_KEYS_PER_REQUEST {
        return Err(Problem::invalid(
            "keys",
            format!("import 1 to {MAX_KEYS_PER_REQUEST} keys at a time"),
        ));
    }
    let rows: Vec<KeyRow> = body
        .keys
        .into_iter()
        .map(|k| KeyRow {
            key: k.key,
            product: k.product,
            seats: k.seats,
            term: k.term,
            expires_on: k.expires,
            batch: k.batch,
            reference: k.reference,
        })
        .collect();
    let outcome = state.app.import_key_rows(&rows).await?;
    tracing::info!(
        imported = outcome.imported(),
        unchanged = outcome.unchanged(),
        "keys imported"
    );
    Ok(Json(ImportResponse {
        imported: outcome.imported(),
        unchanged: outcome.unchanged(),
        keys: outcome
            .keys
            .iter()
            .map(|k| ImportedKey {
                key: k.tail.masked(),
                imported: k.fresh,
            })
            .collect(),
    }))
}

/// Which keys to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeysQuery {
    /// Only this product's keys (SKU).
    pub product: Option<String>,
    /// Only this batch's keys.
    pub batch: Option<String>,
    /// Only keys in this state: available, redeemed, revoked or reversed.
    pub state: Option<String>,
    /// Only keys with this reference (the shop's order id).
    pub reference: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Keys per page, 1 to 1000 (100 when not given).
    pub limit: Option<String>,
}

/// Who redeemed a key, and where.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeemedBy {
    #[schema(schema_with = doc::snowflake)]
    pub user: String,
    #[schema(schema_with = doc::snowflake)]
    pub guild: String,
}

/// A key, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct Key {
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    pub product: String,
    pub seats: i64,
    #[schema(schema_with = doc::term)]
    pub term: String,
    pub expires: Option<NaiveDate>,
    pub batch: Option<String>,
    pub reference: Option<String>,
    #[schema(schema_with = doc::key_state)]
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
    pub redeemed_by: Option<RedeemedBy>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    /// Newest first.
    pub keys: Vec<Key>,
    /// Pass as `cursor` for the next page; none on the last page.
    pub next_cursor: Option<String>,
}

/// Lists keys, masked, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/keys",
    tag = "keys",
    security(("bearer" = ["keys:read"])),
    params(KeysQuery),
    responses((status = 200, description = "A page of keys, masked", body = KeyList))
)]
pub(crate) async fn list(
    State(state): State<ApiState>,
    _auth: Authorized<KeysRead>,
    ApiQuery(query): ApiQuery<KeysQuery>,
) -> Result<Json<KeyList>, Problem> {
    let product = match query.product.as_deref().filter(|p| !p.trim().is_empty()) {
        None => None,
        Some(p) => {
            Some(normalise_sku(p).map_err(|e| Problem::invalid("product", unquoted_refusal(&e)))?)
        }
    };
    let key_state = match query.state.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(s.trim().parse::<KeyState>().map_err(|_| {
            Problem::invalid("state", "state is available, redeemed, revoked or reversed")
        })?),
    };
    let limit = page::limit(query.limit.as_deref())?;
    let filter = KeyFilter {
        product_sku: product,
        batch: query.batch.filter(|b| !b.trim().is_empty()),
        state: key_state,
        before_id: page::after("keys", query.cursor.as_deref())?,
        limit: Some(limit),
        reference: query
            .reference
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty()),
    };
    let keys = state.app.list_keys(&filter).await?;
    let ids: Vec<i64> = keys.iter().map(|k| k.key.id).collect();
    Ok(Json(KeyList {
        next_cursor: page::next("keys", &ids, limit),
        keys: keys
            .into_iter()
            .map(|k| Key {
                key: k.key.tail.masked(),
                product: k.key.product_sku,
                seats: k.key.seats,
                term: k.key.term.to_string(),
                expires: k.key.expires_on,
                batch: k.key.batch,
                reference: k.key.reference,
                state: k.key.state.as_str().to_owned(),
                created_at: k.key.created_at,
                redeemed_at: k.redeemed_at,
                redeemed_by: k.redeemed_by.map(|r| RedeemedBy {
                    user: r.user.0.to_string(),
                    guild: r.guild.0.to_string(),
                }),
            })
            .collect(),
    }))
}

/// Keys to revoke: give `keys` or `batch`, not both.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// The keys, in any case, with or without dashes (1 to 1000).
    #[serde(default)]
    pub keys: Option<Vec<String>>,
    /// Every key of this batch.
    #[serde(default)]
    pub batch: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedKey {
    #[schema(schema_with = doc::masked_key)]
    pub key: String,
    #[schema(schema_with = doc::revocation)]
    pub result: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokeResponse {
    /// One per key asked for (or per key of the batch), in order.
    pub results: Vec<RevokedKey>,
}

/// Revokes keys, on a refund: each is `revoked` (also when revoked before),
/// `already_redeemed` (a redeemed key stays redeemed) or `unknown`.
#[utoipa::path(
    post,
    path = "/v1/keys/revoke",
    tag = "keys",
    security(("bearer" = ["keys:write"])),
    request_body = RevokeRequest,
    responses((status = 200, description = "What became of each key (masked)", body = RevokeResponse))
)]
pub(crate) async fn revoke(
    State(state): State<ApiState>,
    _auth: Authorized<KeysWrite>,
    ApiJson(body): ApiJson<RevokeRequest>,
) -> Result<Json<RevokeResponse>, Problem> {
    let batch = body.batch.as_deref().map(str::trim);
    let keys = body.keys.unwrap_or_default();
    let results = match (batch, keys.len()) {
        (Some(""), _) => return Err(Problem::invalid("batch", "a batch label is not empty")),
        (Some(_), 0) | (None, 1..=MAX_KEYS_PER_REQUEST) => {
            state.app.revoke_keys(batch, &keys).await?
        }
        (Some(_), _) => {
            return Err(Problem::invalid("batch", "give keys or a batch, not both"));
        }
        (None, 0) => return Err(Problem::invalid("keys", "give keys or a batch")),
        (None, _) => {
            return Err(Problem::invalid(
                "keys",
                format!("revoke 1 to {MAX_KEYS_PER_REQUEST} keys at a time"),
            ))
        }
    };
    let revoked = results.iter().filter(|k| k.changed).count();
    tracing::info!(asked = results.len(), revoked, "revoke request");
    Ok(Json(RevokeResponse {
        results: results
            .into_iter()
            .map(|k| RevokedKey {
                key: k.tail.masked(),
                result: k.result.as_str().to_owned(),
            })
            .collect(),
    }))
}
