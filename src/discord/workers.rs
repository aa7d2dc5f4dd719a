//! What gateway and HTTP mode share, built once: the bot's state, the work besides
//! interactions (the notice and role dispatchers, the role verifier, the scheduler,
//! `/healthz` + `/metrics`),
//! and the shutdown that finishes interactions in flight and flushes due notices.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use secrecy::ExposeSecret;
use serenity::all::Http;
use tokio::{net::TcpListener, sync::Notify, task::JoinHandle};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use super::{ops, outbox, roles, scheduler, verify, Bot, BotOptions};
use crate::{app::App, metrics::Metrics, telemetry::error_chain};

/// Interactions being handled, and the switch that stops taking new ones.
#[derive(Clone, Default)]
pub(crate) struct InFlight {
    pub(crate) tasks: TaskTracker,
    pub(crate) stopping: CancellationToken,
}

/// A running bot: its shared state and its background workers.
pub(crate) struct Running {
    pub(crate) bot: Arc<Bot>,
    pub(crate) in_flight: InFlight,
    workers: Workers,
}

impl Running {
    /// Builds the bot on `http` and starts its workers; `frontend` says, on `/healthz`,
    /// whether interactions can come in.
    pub(crate) async fn start(
        options: &BotOptions,
        http: Arc<Http>,
        in_flight: InFlight,
        frontend: ops::Frontend,
        metrics_addr: Option<SocketAddr>,
        metrics: Metrics,
    ) -> anyhow::Result<Running> {
        let wake = Wake {
            outbox: Arc::new(Notify::new()),
            roles: Arc::new(Notify::new()),
        };
        let bot = Arc::new(Bot::new(
            options.app.clone(),
            http.clone(),
            wake.outbox.clone(),
            wake.roles.clone(),
            metrics.clone(),
        ));
        let workers = Workers::start(options, http, wake, metrics, frontend, metrics_addr).await?;
        Ok(Running {
            bot,
            in_flight,
            workers,
        })
    }

    /// Stops taking interactions, finishes those in flight (10 s at most), stops the
    /// workers and sends the notices the last interactions wrote.
    pub(crate) async fn stop(self) {
        tracing::info!("shutting down: finishing interactions in flight");
        self.in_flight.stopping.cancel();
        let tasks = self.in_flight.tasks;
        tasks.close();
        if tokio::time::timeout(Duration::from_secs(10), tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("some interactions were still running after 10 s");
        }
        self.workers.stop(&self.bot.app).await;
    }
}

/// What wakes the dispatchers early: a notice, or a role change, just written.
struct Wake {
    outbox: Arc<Notify>,
    roles: Arc<Notify>,
}

/// The work besides interactions, on every replica at once: the notice dispatcher, the
/// role dispatcher, the verifier of roles at Discord, the scheduler, and `/healthz` +
/// `/metrics`.
struct Workers {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    sender: outbox::NoticeSender,
    role_sender: roles::RoleSender,
    outbox_wake: Arc<Notify>,
}

impl Workers {
    async fn start(
        options: &BotOptions,
        http: Arc<Http>,
        wake: Wake,
        metrics: Metrics,
        frontend: ops::Frontend,
        metrics_addr: Option<SocketAddr>,
    ) -> anyhow::Result<Workers> {
        let stop = CancellationToken::new();
        let outbox_wake = wake.outbox;
        let sender =
            outbox::NoticeSender::new(options.api_url.as_deref(), options.token.expose_secret())?
                .with_metrics(metrics.clone());
        let role_sender =
            roles::RoleSender::new(options.api_url.as_deref(), options.token.expose_secret())?;
        let mut tasks = Vec::new();
        let verifier = verify::Verifier {
            repairs: verify::Repairs {
                app: options.app.clone(),
                metrics: metrics.clone(),
                roles: wake.roles.clone(),
                outbox: outbox_wake.clone(),
            },
            sender: role_sender.clone(),
        };
        tasks.push(tokio::spawn(verify::run(verifier, stop.clone())));
        if let Some(addr) = metrics_addr {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening for /healthz and /metrics on {addr}"))?;
            tracing::info!(addr = %listener.local_addr().unwrap_or(addr), "serving /healthz and /metrics");
            tasks.push(tokio::spawn(ops::serve(
                listener,
                options.app.clone(),
                metrics,
                frontend,
                stop.clone(),
            )));
        }
        tasks.push(tokio::spawn(outbox::run(
            options.app.clone(),
            sender.clone(),
            outbox_wake.clone(),
            stop.clone(),
        )));
        tasks.push(tokio::spawn(roles::run(
            options.app.clone(),
            role_sender.clone(),
            wake.roles.clone(),
            outbox_wake.clone(),
            stop.clone(),
        )));
        tasks.push(tokio::spawn(scheduler::run(
            options.app.clone(),
            http,
            outbox_wake.clone(),
            wake.roles,
            stop.clone(),
        )));
        Ok(Workers {
            stop,
            tasks,
            sender,
            role_sender,
            outbox_wake,
        })
    }

    /// Stops the tasks, then one more pass of each dispatcher for the role changes and
    /// notices written by the last interactions.
    async fn stop(self, app: &App) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        if let Err(e) = roles::apply_due(app, &self.role_sender, &self.outbox_wake).await {
            tracing::warn!(error = %format!("{e:#}"), "flushing role changes failed");
        }
        if let Err(e) = outbox::deliver_due(app, &self.sender).await {
            tracing::warn!(error = %error_chain(&*e), "flushing notices failed");
        }
    }
}
