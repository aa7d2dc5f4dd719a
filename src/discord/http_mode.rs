//! HTTP mode: Discord POSTs interactions to [`super::endpoint`]; no gateway connection.

use std::{
    net::SocketAddr,
    sync::{atomic::AtomicBool, Arc},
};

use anyhow::Context as _;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::{
    endpoint, http_client, layout::Layout, ops, register_commands, workers::InFlight,
    workers::Running, BotOptions,
};
use crate::http_server;

/// Takes interactions as HTTP POSTs at `addr` until `shutdown` is cancelled.
pub async fn run_http(
    options: BotOptions,
    layout: Layout,
    addr: SocketAddr,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let public_key = layout.public_key.clone().context(
        "HTTP interactions need DISCORD_PUBLIC_KEY: the application's public key, from the \
         developer portal's General Information page",
    )?;
    if options.app.settings.discord.members_intent {
        tracing::warn!(
            "discord.members_intent has no effect in HTTP interactions mode (no gateway, no \
             member events); drift is repaired by reading holders every roles.verify_hours"
        );
    }
    let http = Arc::new(http_client(
        options.token.expose_secret(),
        options.api_url.as_deref(),
    ));
    // Without READY, the application id comes from the application itself.
    let application = http
        .get_current_application_info()
        .await
        .context("asking Discord which application this token belongs to")?;
    http.set_application_id(application.id);
    register_commands(&http, options.register_in_guild).await;

    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening for HTTP interactions on {addr}"))?;
    let local = listener.local_addr().unwrap_or(addr);
    let listening = Arc::new(AtomicBool::new(true));
    let frontend = ops::Frontend::Http {
        listening: listening.clone(),
    };
    let in_flight = InFlight::default();
    let running = Running::start(
        &options,
        http,
        in_flight.clone(),
        frontend,
        layout.metrics,
        layout.registry.clone(),
    )
    .await?;
    let endpoint = Arc::new(endpoint::Endpoint::new(
        running.bot.clone(),
        public_key,
        in_flight.tasks,
        in_flight.stopping,
    ));
    tracing::info!(addr = %local, "taking interactions over HTTP");
    let limits = options.app.settings.http.clone();
    http_server::serve(listener, endpoint::router(endpoint), &limits, shutdown).await;
    listening.store(false, std::sync::atomic::Ordering::Relaxed);
    running.stop().await;
    Ok(())
}
