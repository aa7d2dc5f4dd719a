//! The only module that names serenity: the gateway client, the HTTP interactions
//! endpoint, the commands, buttons and modals, the rendering, the notice dispatcher and the
//! scheduler.
//!
//! Interactions come in over the gateway or as HTTP POSTs (see [`layout`]); both go to
//! [`route`], and only the [`respond::Transport`] of the first response differs.

pub mod commands;
pub mod components;
pub mod custom_id;
pub mod endpoint;
pub mod i18n;
pub mod layout;
mod ops;
pub mod outbox;
pub mod permissions;
pub mod render;
pub mod respond;
pub mod scheduler;

use std::{
    cell::Cell,
    collections::{HashSet, VecDeque},
    net::SocketAddr,
    sync::{atomic::AtomicBool, Arc, Mutex},
    time::Duration,
};

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use serenity::{
    all::{
        ClientBuilder, Context, CreateInteractionResponse, EventHandler, GatewayIntents, Guild,
        GuildId as DiscordGuildId, Http, HttpBuilder, Interaction, InteractionId, Member, Ready,
    },
    async_trait,
};
use tokio::{net::TcpListener, sync::Notify, task::JoinHandle};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    app::{App, AppError, UserError},
    config::Settings,
    domain::records::GuildId,
    metrics::{Metrics, Outcome as Verdict},
};
use custom_id::CustomId;
use i18n::Lang;
use layout::{Layout, Shards};
use render::Reply;
use respond::{answer, Target, Transport};

/// How the bot reaches Discord.
pub struct BotOptions {
    pub app: App,
    pub token: SecretString,
    /// Replaces `https://discord.com` for every REST call (a REST proxy, or a fake Discord).
    pub api_url: Option<String>,
    /// Register the commands in this guild only, instead of globally.
    pub register_in_guild: Option<u64>,
}

/// What every handler shares.
pub struct Bot {
    pub app: App,
    pub http: Arc<Http>,
    /// Wakes the notice dispatcher when a notice was just written.
    pub outbox: Arc<Notify>,
    pub metrics: Metrics,
    recent: Mutex<RecentInteractions>,
}

impl Bot {
    /// The guild of an interaction, once the member may use licensebot there.
    pub async fn authorise(
        &self,
        guild: Option<DiscordGuildId>,
        member: Option<&Member>,
    ) -> Result<GuildId, AppError> {
        let guild = guild
            .map(|g| GuildId(g.get()))
            .ok_or(crate::app::UserError::NotInGuild)?;
        permissions::may_use(&self.app, guild, member).await?;
        Ok(guild)
    }

    /// The admin's message for a refusal, or an error id for anything else (logged).
    pub fn error_text(&self, lang: Lang, e: &AppError, subscription: Option<&str>) -> String {
        match e {
            AppError::User(user) => {
                note_outcome(Verdict::refused);
                self.metrics.refusal(refusal_reason(user));
                render::user_error(lang, user, subscription)
            }
            AppError::Internal(error) => {
                note_outcome(Verdict::error);
                let id = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
                tracing::error!(error_id = %id, error = %format!("{error:#}"), "interaction failed");
                render::internal_error(lang, &id)
            }
        }
    }

    pub fn error_reply(&self, lang: Lang, e: &AppError, subscription: Option<&str>) -> Reply {
        Reply::text(self.error_text(lang, e, subscription))
    }

    /// Whether this interaction was seen before (a gateway replay or double delivery).
    fn seen_before(&self, id: InteractionId) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        !recent.insert(id.get())
    }
}

/// A refusal's reason, as a metrics label.
fn refusal_reason(e: &UserError) -> &'static str {
    match e {
        UserError::NotInGuild => "not_in_guild",
        UserError::NotAllowed => "not_allowed",
        UserError::SubscriptionNotFound => "subscription_not_found",
        UserError::NoKeysEntered => "no_keys_entered",
        UserError::TooManyKeys { .. } => "too_many_keys",
        UserError::KeysRefused(_) => "keys_refused",
        UserError::Rule(_) => "rule",
        UserError::LockedOut { .. } => "locked_out",
        UserError::OrderNotFound => "order_not_found",
        UserError::NotYourOrder => "not_your_order",
        UserError::OrderExpired => "order_expired",
        UserError::OrderCancelled => "order_cancelled",
        UserError::OrderRedeemed { .. } => "order_redeemed",
        UserError::KeyTaken { .. } => "key_taken",
    }
}

tokio::task_local! {
    /// What the interaction being routed came to, for the metrics: the handlers' refusals
    /// and errors all pass through [`Bot::error_text`], which notes them here.
    static OUTCOME: Cell<Verdict>;
}

/// Notes what the interaction being routed came to; the worst note wins.
pub(crate) fn note_outcome(outcome: Verdict) {
    let _ = OUTCOME.try_with(|cell| cell.set(cell.get().max(outcome)));
}

/// Hands an interaction to its handler; `transport` says how the first response travels.
/// The gateway's event handler and the HTTP endpoint both come here.
pub async fn route(bot: &Bot, interaction: &Interaction, transport: &Transport) {
    if bot.seen_before(interaction.id()) {
        tracing::info!(
            interaction = interaction.id().get(),
            "duplicate delivery ignored"
        );
        return;
    }
    let (kind, name) = describe(interaction);
    let outcome = OUTCOME
        .scope(Cell::new(Verdict::ok), async {
            match interaction {
                Interaction::Command(cmd) => commands::run(bot, cmd, transport).await,
                Interaction::Autocomplete(cmd) => commands::autocomplete(bot, cmd, transport).await,
                Interaction::Component(click) => components::button(bot, click, transport).await,
                Interaction::Modal(submit) => components::modal(bot, submit, transport).await,
                Interaction::Ping(ping) => {
                    let target = Target {
                        id: ping.id,
                        token: &ping.token,
                        is_component: false,
                        transport,
                    };
                    answer(&bot.http, target, CreateInteractionResponse::Pong).await
                }
                _ => return None,
            }
            Some(OUTCOME.with(|cell| cell.get()))
        })
        .await;
    if let Some(outcome) = outcome {
        bot.metrics.interaction(kind, name, outcome);
    }
}

/// The metrics labels of an interaction: its kind, and the command or what the button does.
fn describe(interaction: &Interaction) -> (&'static str, &'static str) {
    let custom = |raw: &str| match CustomId::parse(raw) {
        Some(CustomId::Redeem(_)) => "redeem",
        Some(CustomId::AddKey(_)) => "add-key",
        Some(CustomId::Cancel(_)) => "cancel",
        Some(CustomId::KeysModal(_)) => "keys",
        Some(CustomId::RedemptionsPage { .. }) => "redemptions-page",
        None => "unknown",
    };
    // Only names licensebot registered become labels.
    let command = |name: &str| {
        commands::COMMANDS
            .iter()
            .find(|c| c.name == name)
            .map_or("unknown", |c| c.name)
    };
    match interaction {
        Interaction::Command(cmd) => ("command", command(&cmd.data.name)),
        Interaction::Autocomplete(cmd) => ("autocomplete", command(&cmd.data.name)),
        Interaction::Component(click) => ("button", custom(&click.data.custom_id)),
        Interaction::Modal(submit) => ("modal", custom(&submit.data.custom_id)),
        Interaction::Ping(_) => ("ping", "ping"),
        _ => ("other", "other"),
    }
}

/// The last few thousand interaction ids, to handle a double delivery once.
#[derive(Default)]
struct RecentInteractions {
    ids: HashSet<u64>,
    order: VecDeque<u64>,
}

impl RecentInteractions {
    const KEEP: usize = 4096;

    fn insert(&mut self, id: u64) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > Self::KEEP {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        true
    }
}

struct Handler {
    bot: Arc<std::sync::OnceLock<Arc<Bot>>>,
    register_in_guild: Option<u64>,
    in_flight: TaskTracker,
    stopping: CancellationToken,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(),
            shard = ?ready.shard.map(|s| (s.id.0, s.total)), "connected to Discord");
        // Commands belong to the application, not to a shard: shard 0 registers them.
        if ready.shard.is_some_and(|s| s.id.0 != 0) {
            return;
        }
        register_commands(&ctx.http, self.register_in_guild).await;
    }

    async fn guild_create(&self, _ctx: Context, guild: Guild, _is_new: Option<bool>) {
        let Some(bot) = self.bot.get() else { return };
        let lang = Lang::from_discord(&guild.preferred_locale);
        if let Err(e) = bot
            .app
            .store
            .set_guild_locale(GuildId(guild.id.get()), lang.code())
            .await
        {
            tracing::warn!(guild = guild.id.get(), error = %e, "could not record the guild's locale");
        }
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        if self.stopping.is_cancelled() {
            // Shutting down: the interaction gets no answer from this process.
            return;
        }
        let Some(bot) = self.bot.get().cloned() else {
            return;
        };
        let transport = Transport::gateway(bot.metrics.clone());
        self.in_flight
            .track_future(async move { route(&bot, &interaction, &transport).await })
            .await
    }
}

/// Builds the REST client: through `api_url` when given (rate limits are then the proxy's
/// business, and serenity's limiter would ignore the proxy), else straight to Discord.
pub fn http_client(token: &str, api_url: Option<&str>) -> Http {
    match api_url {
        Some(url) => HttpBuilder::new(token)
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => HttpBuilder::new(token).build(),
    }
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
        Some(addr) => run_http(options, layout.clone(), addr, shutdown).await,
        None => run_gateway(options, layout, shutdown).await,
    }
}

async fn run_gateway(
    options: BotOptions,
    layout: Layout,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let token = options.token.expose_secret().to_string();
    let metrics = Metrics::new();
    let outbox_wake = Arc::new(Notify::new());
    // The bot's handlers need the client's own REST client (the one that learns the
    // application id from READY), so the shared state is filled in once it exists.
    let shared: Arc<std::sync::OnceLock<Arc<Bot>>> = Arc::new(std::sync::OnceLock::new());
    let in_flight = TaskTracker::new();
    let stopping = CancellationToken::new();
    let handler = Handler {
        bot: shared.clone(),
        register_in_guild: options.register_in_guild,
        in_flight: in_flight.clone(),
        stopping: stopping.clone(),
    };
    // Built with our REST client, so that even the gateway URL comes through `api_url`.
    let mut client = ClientBuilder::new_with_http(
        http_client(&token, options.api_url.as_deref()),
        GatewayIntents::GUILDS,
    )
    .event_handler(handler)
    .await
    .context("building the Discord client")?;
    let http = client.http.clone();
    let bot = Arc::new(Bot {
        app: options.app.clone(),
        http: http.clone(),
        outbox: outbox_wake.clone(),
        metrics: metrics.clone(),
        recent: Mutex::new(RecentInteractions::default()),
    });
    let _ = shared.set(bot);
    let shards = client.shard_manager.clone();
    let (first, last, total) = match layout.shards {
        Shards::Range { total, first, last } => (first, last, total),
        Shards::Auto => match http.get_bot_gateway().await {
            Ok(gateway) if gateway.shards > 0 => (0, gateway.shards - 1, gateway.shards),
            Ok(_) => (0, 0, 1),
            Err(e) => {
                tracing::warn!(error = %e, "could not ask Discord how many shards to run; running one");
                (0, 0, 1)
            }
        },
    };
    tracing::info!(shards = %format!("{first}..={last}"), total, "starting the gateway");
    let frontend = ops::Frontend::Gateway {
        shards: shards.clone(),
        expected: last - first + 1,
    };
    let background = Background::start(
        &options,
        &token,
        http.clone(),
        outbox_wake,
        metrics,
        frontend,
        layout.metrics,
    )
    .await?;

    // serenity's shard range includes its end: `first..last` runs shards first to last.
    let result = tokio::select! {
        r = client.start_shard_range(first..last, total) => r.context("the Discord gateway connection failed"),
        _ = shutdown.cancelled() => Ok(()),
    };
    tracing::info!("shutting down: finishing interactions in flight");
    stopping.cancel();
    shards.shutdown_all().await;
    finish_in_flight(in_flight).await;
    background.stop(&options.app).await;
    result
}

async fn run_http(
    options: BotOptions,
    layout: Layout,
    addr: SocketAddr,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let public_key = layout.public_key.clone().context(
        "HTTP interactions need DISCORD_PUBLIC_KEY: the application's public key, from the \
         developer portal's General Information page",
    )?;
    let token = options.token.expose_secret().to_string();
    let http = Arc::new(http_client(&token, options.api_url.as_deref()));
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
    let metrics = Metrics::new();
    let outbox_wake = Arc::new(Notify::new());
    let bot = Arc::new(Bot {
        app: options.app.clone(),
        http: http.clone(),
        outbox: outbox_wake.clone(),
        metrics: metrics.clone(),
        recent: Mutex::new(RecentInteractions::default()),
    });
    let listening = Arc::new(AtomicBool::new(true));
    let frontend = ops::Frontend::Http {
        listening: listening.clone(),
    };
    let background = Background::start(
        &options,
        &token,
        http.clone(),
        outbox_wake,
        metrics,
        frontend,
        layout.metrics,
    )
    .await?;
    let in_flight = TaskTracker::new();
    let stopping = CancellationToken::new();
    let endpoint = Arc::new(endpoint::Endpoint::new(
        bot,
        public_key,
        in_flight.clone(),
        stopping.clone(),
    ));
    tracing::info!(addr = %local, "taking interactions over HTTP");
    let result = axum::serve(listener, endpoint::router(endpoint))
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await
        .context("the HTTP interactions endpoint failed");
    listening.store(false, std::sync::atomic::Ordering::Relaxed);
    tracing::info!("shutting down: finishing interactions in flight");
    stopping.cancel();
    finish_in_flight(in_flight).await;
    background.stop(&options.app).await;
    result
}

/// Registers the commands globally, or in one guild (gateway mode does this on READY).
async fn register_commands(http: &Http, guild: Option<u64>) {
    let defs = commands::definitions();
    let result = match guild {
        Some(guild) => DiscordGuildId::new(guild)
            .set_commands(http, defs)
            .await
            .map(drop),
        None => serenity::all::Command::set_global_commands(http, defs)
            .await
            .map(drop),
    };
    match result {
        Ok(()) => tracing::info!(guild = ?guild, "commands registered"),
        Err(e) => tracing::error!(error = %e, "registering commands failed"),
    }
}

async fn finish_in_flight(in_flight: TaskTracker) {
    in_flight.close();
    if tokio::time::timeout(Duration::from_secs(10), in_flight.wait())
        .await
        .is_err()
    {
        tracing::warn!("some interactions were still running after 10 s");
    }
}

/// The work besides interactions, on every replica at once: the notice dispatcher, the
/// scheduler, and `/healthz` + `/metrics`.
struct Background {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    sender: outbox::NoticeSender,
}

impl Background {
    async fn start(
        options: &BotOptions,
        token: &str,
        http: Arc<Http>,
        outbox_wake: Arc<Notify>,
        metrics: Metrics,
        frontend: ops::Frontend,
        metrics_addr: Option<SocketAddr>,
    ) -> anyhow::Result<Background> {
        let stop = CancellationToken::new();
        let sender = outbox::NoticeSender::new(options.api_url.as_deref(), token)?
            .with_metrics(metrics.clone());
        let mut tasks = Vec::new();
        if let Some(addr) = metrics_addr {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening for /healthz and /metrics on {addr}"))?;
            tracing::info!(addr = %listener.local_addr().unwrap_or(addr), "serving /healthz and /metrics");
            tasks.push(tokio::spawn(ops::serve(
                listener,
                options.app.store.clone(),
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
        tasks.push(tokio::spawn(scheduler::run(
            options.app.clone(),
            http,
            outbox_wake,
            stop.clone(),
        )));
        Ok(Background {
            stop,
            tasks,
            sender,
        })
    }

    /// Stops the tasks, then one more delivery pass for notices written by the last
    /// interactions.
    async fn stop(self, app: &App) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        if let Err(e) = outbox::deliver_due(app, &self.sender).await {
            tracing::warn!(error = %format!("{e:#}"), "flushing notices failed");
        }
    }
}

/// `licensebot run`: the bot with its configuration from the environment, until
/// SIGINT or SIGTERM.
pub async fn run(settings: Settings, guild: Option<u64>, mut layout: Layout) -> anyhow::Result<()> {
    let token = std::env::var("DISCORD_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .context("DISCORD_TOKEN is not set (put it in the environment or in .env)")?;
    let api_url = std::env::var("DISCORD_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if layout.http.is_some() {
        let key = std::env::var("DISCORD_PUBLIC_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
            .context(
                "DISCORD_PUBLIC_KEY is not set: HTTP interactions need the application's \
                 public key (developer portal, General Information)",
            )?;
        layout.public_key = Some(
            key.parse::<endpoint::PublicKey>()
                .context("DISCORD_PUBLIC_KEY")?,
        );
    }
    let db = crate::cli::open_database(&settings).await?;
    let app = App::new(db.store.clone(), settings);
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("signal received");
        on_signal.cancel();
    });
    let result = run_bot_with(
        BotOptions {
            app,
            token: SecretString::from(token),
            api_url,
            register_in_guild: guild,
        },
        layout,
        shutdown,
    )
    .await;
    db.shutdown().await?;
    result
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
