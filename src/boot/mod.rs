//! The composition root: reads the secrets from the environment, opens the database, builds
//! the app, and starts the chosen transport (the gateway, or HTTP interactions) with its
//! background workers, until SIGINT or SIGTERM. The library's other modules are wired
//! together here and nowhere else.

mod database;
mod env_file;
mod secrets;

use tokio_util::sync::CancellationToken;

use crate::{
    app::App,
    config::Settings,
    discord::{self, layout::Layout},
};

pub use database::{open_database, Database};
pub use discord::{
    layout::{LayoutArgs, ShardIds},
    BotOptions,
};
pub use env_file::{env_file_path, load_env_file, read_env_file, EnvFileError, ENV_FILE_VAR};
pub use secrets::Secrets;

/// `licensebot run`: the bot with its configuration from the environment, until SIGINT or
/// SIGTERM. `guild`: register the commands in this guild only.
pub async fn run(settings: Settings, guild: Option<u64>, args: &LayoutArgs) -> anyhow::Result<()> {
    let mut layout = Layout::resolve(args, &settings)?;
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
    let options = BotOptions {
        app,
        token: secrets.token,
        api_url: secrets.api_url,
        register_in_guild: guild,
    };
    let result = run_bot_with(options, layout, shutdown).await;
    db.shutdown().await?;
    result
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
