//! The composition root: reads the secrets from the environment, opens the database, builds
//! the app, and starts the chosen transport (the gateway, or HTTP interactions) with its
//! background workers, the shop's API and the webhook delivery worker, until SIGINT or
//! SIGTERM. The library's other modules are wired
//! together here and nowhere else.

mod backup;
mod database;
mod doctor;
mod env_file;
mod member_check;
mod secrets;

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::{net::TcpListener, task::JoinHandle};
use tokio_util::sync::CancellationToken;

use crate::{
    app::App,
    config::Settings,
    discord::{self, layout::Layout},
};

pub use backup::{backup, restore, Restored};
pub use database::{connect_database, database_url, open_database, Database};
pub use discord::{
    layout::{LayoutArgs, ShardIds},
    BotOptions,
};
pub use doctor::{doctor, Finding};
pub use env_file::{env_file_path, load_env_file, read_env_file, EnvFileError, ENV_FILE_VAR};
pub use member_check::{check_member, MemberCheck};
pub use secrets::Secrets;

/// `licensebot run`: the bot with its configuration from the environment, until SIGINT or
/// SIGTERM, and the shop's API at `api` (or `api.addr`) beside it. `guild`: register the
/// commands in this guild only.
pub async fn run(
    settings: Settings,
    guild: Option<u64>,
    args: &LayoutArgs,
    api: Option<SocketAddr>,
) -> anyhow::Result<()> {
    let mut layout = Layout::resolve(args, &settings)?;
    let api = match api {
        Some(addr) => Some(addr),
        None => api_address(&settings)?,
    };
    let secrets = Secrets::from_env(layout.http.is_some())?;
    layout.public_key = secrets.public_key.clone();
    let db = open_database(&settings).await?;
    let app = App::new(db.store(), settings);
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("signal received");
        on_signal.cancel();
    });
    let served = match api {
        Some(addr) => Some(serve_api(app.clone(), addr, shutdown.clone()).await?),
        None => None,
    };
    let webhooks = tokio::spawn(crate::webhooks::run(
        app.clone(),
        layout.registry.clone(),
        shutdown.clone(),
    ));
    let options = BotOptions {
        app,
        token: secrets.token,
        api_url: secrets.api_url,
        register_in_guild: guild,
    };
    let result = run_bot_with(options, layout, shutdown.clone()).await;
    // The bot stopped (a signal, or its gateway failed): so do the API and the webhook
    // worker, each after finishing what it has in flight.
    shutdown.cancel();
    if let Some((_, task)) = served {
        let _ = task.await;
    }
    let _ = webhooks.await;
    db.shutdown().await?;
    result
}

/// `api.addr`, when set.
fn api_address(settings: &Settings) -> anyhow::Result<Option<SocketAddr>> {
    match settings
        .api
        .addr
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .with_context(|| format!("api.addr {text:?} is not an address like 127.0.0.1:8088")),
    }
}

/// Serves the shop's API at `addr` until `shutdown`, with no Discord connection needed;
/// returns the address it listens on (port 0 picks a free one) and the server's task.
pub async fn serve_api(
    app: App,
    addr: SocketAddr,
    shutdown: CancellationToken,
) -> anyhow::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening for the API on {addr}"))?;
    let local = listener.local_addr().unwrap_or(addr);
    tracing::info!(addr = %local, "serving the API under /v1");
    let task = tokio::spawn(crate::api::serve(listener, app, shutdown));
    Ok((local, task))
}

/// Runs the bot until `shutdown` is cancelled: then it stops taking interactions, finishes
/// those in flight, flushes due notices and returns. One process, on the gateway, with as
/// many shards as Discord recommends.
pub async fn run_bot(options: BotOptions, shutdown: CancellationToken) -> anyhow::Result<()> {
    run_bot_with(options, Layout::default(), shutdown).await
}

/// [`run_bot`] in a given place of a deployment: over HTTP or the gateway, with these
/// shards, serving `/healthz` and `/metrics` (see [`Layout`]).
pub async fn run_bot_with(
    options: BotOptions,
    layout: Layout,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    match layout.http {
        Some(addr) => discord::run_http(options, layout, addr, shutdown).await,
        None => discord::run_gateway(options, layout, shutdown).await,
    }
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
