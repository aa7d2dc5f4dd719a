//! The shop's API: JSON under `/v1`, for the vendor's shop and billing (mint keys when a
//! customer pays, revoke them on a refund, read the ledger). `licensebot run --api ADDR`
//! serves it beside the bot, with the limits of licensebot's other servers
//! (`crate::http_server`); [`router`] builds it alone (tests mount it on a port of their
//! own, no Discord needed).
//!
//! Names axum and the app; never the store, sqlx or serenity. Every rule (a key, a product,
//! an import row, the ledger) is the app's: the handlers only translate JSON to use cases
//! and their answers, or refusals, back. Only the mint's answer holds full keys.

mod auth;
mod catalogue;
mod doc;
mod keys;
mod ledger;
mod page;
mod problem;
mod refunds;

use std::{sync::OnceLock, time::Duration};

use axum::{
    extract::{DefaultBodyLimit, MatchedPath, Request, State},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    Router,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;
use utoipa::OpenApi as _;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::App;
pub use problem::Problem;

/// What every handler has.
#[derive(Clone)]
pub(crate) struct ApiState {
    app: App,
}

/// The API's routes, with the OpenAPI document describing them at `/v1/openapi.json`.
pub fn router(app: App) -> Router {
    let settings = app.settings.clone();
    let (routes, _) = routes_and_document();
    let timeout = Duration::from_secs(
        settings
            .api
            .timeout_seconds
            .min(settings.http.request_timeout_seconds)
            .max(1),
    );
    routes
        .fallback(|| async { Problem::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "this route does not take this method",
            )
        })
        .with_state(ApiState { app })
        .layer(DefaultBodyLimit::max(settings.api.body_limit_bytes))
        .layer(middleware::from_fn_with_state(timeout, within))
        .layer(middleware::from_fn(logged))
}

/// The OpenAPI document, as `GET /v1/openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes_and_document().1
}

/// The document as JSON, built once.
fn openapi_json() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::to_value(openapi()).unwrap_or_default())
}

fn routes_and_document() -> (Router<ApiState>, utoipa::openapi::OpenApi) {
    let (routes, mut document) = OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(catalogue::list_products, catalogue::create_product))
        .routes(routes!(keys::mint))
        .routes(routes!(keys::import))
        .routes(routes!(keys::list))
        .routes(routes!(keys::revoke))
        .routes(routes!(refunds::reverse))
        .routes(routes!(refunds::lookup))
        .routes(routes!(ledger::subscriptions))
        .routes(routes!(ledger::redemptions))
        .routes(routes!(refunds::reversals))
        .routes(routes!(refunds::suspend))
        .routes(routes!(refunds::resume))
        .routes(routes!(openapi_document))
        .split_for_parts();
    doc::finish(&mut document);
    (routes, document)
}

/// This document: the API's routes, bodies and problems, in OpenAPI 3.1. No token needed.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json",
        body = Object))
)]
async fn openapi_document() -> Response {
    axum::Json(openapi_json()).into_response()
}

/// Serves the API on `listener` until `stop`; requests in flight are finished. The
/// connections have the limits of every server of licensebot's (`[http]`: the headers
/// within `header_timeout_seconds`, at most `max_connections` at once); each request's
/// body and time are bounded by the router, which answers them as problems (413 past
/// `api.body_limit_bytes`, 503 past the lower of `api.timeout_seconds` and
/// `http.request_timeout_seconds`).
pub async fn serve(listener: TcpListener, app: App, stop: CancellationToken) {
    let limits = app.settings.http.clone();
    crate::http_server::serve_connections(listener, router(app), &limits, stop).await;
}

/// Abandons a request still running after `api.timeout_seconds`, or the whole-request
/// limit of `[http]` if that is lower (its transaction, if any, is rolled back as the
/// handler is dropped).
async fn within(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "The request took too long",
            "nothing was changed; try again",
        )
        .into_response(),
    }
}

/// One log line per request: method, route (the route's pattern, never the path as sent, the
/// query or the body, where a key sent by mistake would be), status, time, and the token's
/// name once it is known.
async fn logged(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no such route)", |path| path.as_str())
        .to_owned();
    let span = tracing::info_span!(
        "api_request",
        method = %request.method(),
        route = %route,
        token = tracing::field::Empty
    );
    let started = std::time::Instant::now();
    async move {
        let mut response = next.run(request).await;
        let status = response.status();
        let ms = started.elapsed().as_millis() as u64;
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), ms, "API request");
        } else {
            tracing::info!(status = status.as_u16(), ms, "API request");
        }
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(header::HeaderValue::from_static("no-store"));
        response
    }
    .instrument(span)
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_openapi_3_1_and_holds_every_route_with_its_problems() {
        let doc = serde_json::to_value(super::openapi()).expect("serialises");
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().expect("paths");
        let mut routes: Vec<String> = paths
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flat_map(|ops| ops.keys())
                    .map(move |method| format!("{} {path}", method.to_uppercase()))
            })
            .collect();
        routes.sort();
        assert_eq!(
            routes,
            [
                "GET /v1/keys",
                "GET /v1/openapi.json",
                "GET /v1/products",
                "GET /v1/redemptions",
                "GET /v1/reversals",
                "GET /v1/subscriptions",
                "POST /v1/keys",
                "POST /v1/keys/import",
                "POST /v1/keys/lookup",
                "POST /v1/keys/reverse",
                "POST /v1/keys/revoke",
                "POST /v1/products",
                "POST /v1/subscriptions/{id}/resume",
                "POST /v1/subscriptions/{id}/suspend",
            ]
        );
        let mint = &doc["paths"]["/v1/keys"]["post"]["responses"];
        for status in [
            "201", "400", "401", "403", "409", "413", "415", "422", "500", "503",
        ] {
            assert!(
                mint.get(status).is_some(),
                "POST /v1/keys documents {status}"
            );
        }
        let this = &doc["paths"]["/v1/openapi.json"]["get"]["responses"];
        assert!(this.get("401").is_none(), "the document needs no token");
    }
}
