//! `/healthz` and `/metrics`, on their own address (`licensebot run --metrics ADDR`).
//!
//! `/healthz` answers 200 when the database answers and interactions can come in (every
//! gateway shard of this process connected, or the HTTP endpoint listening), else 503; the
//! body says which part is not ready, in fixed words (the database's own error is logged,
//! not shown). Served with the limits of `http_server`. `/metrics` is the Prometheus text exposition.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use serde_json::json;
use serenity::all::{ConnectionStage, ShardManager};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::{app::App, metrics::Metrics};

/// Where interactions come in, to say whether they can.
#[derive(Clone)]
pub(crate) enum Frontend {
    Gateway {
        shards: Arc<ShardManager>,
        /// How many shards this process runs.
        expected: u32,
    },
    Http {
        listening: Arc<AtomicBool>,
    },
}

impl Frontend {
    /// Ready or not, and a word on it.
    async fn readiness(&self) -> (bool, String) {
        match self {
            Frontend::Gateway { shards, expected } => {
                let runners = shards.runners.lock().await;
                let connected = runners
                    .values()
                    .filter(|r| r.stage == ConnectionStage::Connected)
                    .count() as u32;
                (
                    connected >= *expected && *expected > 0,
                    format!("gateway: {connected} of {expected} shards connected"),
                )
            }
            Frontend::Http { listening } => {
                let up = listening.load(Ordering::Relaxed);
                (
                    up,
                    if up {
                        "http: listening".to_string()
                    } else {
                        "http: not listening".to_string()
                    },
                )
            }
        }
    }
}

#[derive(Clone)]
struct Ops {
    app: App,
    metrics: Metrics,
    frontend: Frontend,
}

/// Serves until `stop`.
pub(crate) async fn serve(
    listener: TcpListener,
    app: App,
    metrics: Metrics,
    frontend: Frontend,
    stop: CancellationToken,
) {
    let limits = app.settings.http.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(scrape))
        .with_state(Ops {
            app,
            metrics,
            frontend,
        });
    crate::http_server::serve(listener, router, &limits, stop).await;
}

async fn healthz(State(ops): State<Ops>) -> Response {
    // Whoever can reach /healthz reads the answer: it says that the database is away and a
    // short fixed reason, never the error itself (which names hosts, databases and users);
    // that goes to the log.
    let database = match tokio::time::timeout(Duration::from_secs(2), ops.app.ping_database()).await
    {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "/healthz: the database refused or failed");
            "unavailable: the database refused or failed (see the log)"
        }
        Err(_) => {
            tracing::warn!("/healthz: the database did not answer within 2 s");
            "unavailable: no answer within 2 s"
        }
    };
    let (ready, interactions) = ops.frontend.readiness().await;
    let healthy = database == "ok" && ready;
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": database,
        "interactions": interactions,
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn scrape(State(ops): State<Ops>) -> Response {
    let text = ops.metrics.scrape(ops.app.database_gauges().await);
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response()
}
