//! `/healthz` and `/metrics`, on their own address (`licensebot run --metrics ADDR`).
//!
//! `/healthz` answers 200 when the database answers and interactions can come in (every
//! gateway shard of this process connected, or the HTTP endpoint listening), else 503; the
//! body says which part is not ready. `/metrics` is the Prometheus text exposition.

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
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(scrape))
        .with_state(Ops {
            app,
            metrics,
            frontend,
        });
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stop.cancelled_owned())
        .await
    {
        tracing::warn!(error = %e, "the health and metrics server stopped");
    }
}

async fn healthz(State(ops): State<Ops>) -> Response {
    let database = match tokio::time::timeout(Duration::from_secs(2), ops.app.ping_database()).await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(_) => Err("no answer within 2 s".to_string()),
    };
    let (ready, interactions) = ops.frontend.readiness().await;
    let healthy = database.is_ok() && ready;
    let body = json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "database": match &database { Ok(()) => "ok".to_string(), Err(e) => e.clone() },
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
