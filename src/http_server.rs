//! What licensebot's HTTP servers (the interactions endpoint, `/healthz` + `/metrics`, and
//! the shop's API) run on: hyper's HTTP/1 with the limits `axum::serve` does not set, from
//! `[http]` in the configuration. A leaf: `discord` and `api` both use it, and it names
//! neither.
//!
//! - **Headers**: a client must send a request's headers within `header_timeout_seconds`,
//!   else the connection is closed (hyper's header-read timeout, which needs the timer that
//!   `axum::serve` does not give it). An idle keep-alive connection is closed after as long.
//! - **Whole request**: the body and the answer within `request_timeout_seconds`, else 408.
//! - **Body**: at most `max_body_bytes`; a larger `Content-Length` is answered 413 before a
//!   byte of the body is read, and a body without one is cut at the limit (413 too). The
//!   signature of an interaction is only checked on a body within the limit. (The API
//!   bounds its bodies and its time itself, to answer with problems: see
//!   [`serve_connections`].)
//! - **Connections**: at most `max_connections` at once; further ones wait in the listen
//!   queue until one closes.

use std::{sync::Arc, time::Duration};

use axum::{http::StatusCode, Router};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower_http::{limit::RequestBodyLimitLayer, timeout::TimeoutLayer};

use crate::config::HttpSettings;

/// Serves `router` on `listener` within `limits` until `stop`; then stops accepting, lets
/// the requests in progress finish (each is bounded by the request timeout) and returns.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &HttpSettings,
    stop: CancellationToken,
) {
    let router = router
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout(),
        ));
    serve_connections(listener, router, limits, stop).await;
}

/// [`serve`] with the connections' limits only (the header timeout, the most connections
/// at once): for a router that bounds each request's body and time itself, within
/// `max_body_bytes`-like and `request_timeout_seconds`-like limits of its own, and answers
/// them in its own words (the API's problems).
pub(crate) async fn serve_connections(
    listener: TcpListener,
    router: Router,
    limits: &HttpSettings,
    stop: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let connections = TaskTracker::new();
    loop {
        let slot = tokio::select! {
            _ = stop.cancelled() => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was taken:
                    // pause a little rather than spin.
                    tracing::debug!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let header_timeout = limits.header_timeout();
        let stop = stop.clone();
        connections.spawn(async move {
            let _slot = slot;
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                _ = stop.cancelled() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(peer = %peer, error = %e, "connection closed");
            }
        });
    }
    connections.close();
    connections.wait().await;
}
