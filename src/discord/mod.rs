//! The only module that names serenity: the gateway client, the commands, buttons and
//! modals, the rendering, the notice dispatcher and the scheduler.

pub mod commands;
pub mod components;
pub mod custom_id;
pub mod i18n;
pub mod outbox;
pub mod permissions;
pub mod render;
pub mod respond;
pub mod scheduler;

use std::{
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use serenity::{
    all::{
        ClientBuilder, Context, EventHandler, GatewayIntents, Guild, GuildId as DiscordGuildId,
        Http, HttpBuilder, Interaction, InteractionId, Member, Ready,
    },
    async_trait,
};
use tokio::sync::Notify;
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{
    app::{App, AppError},
    config::Settings,
    domain::records::GuildId,
};
use i18n::Lang;
use render::Reply;

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
            AppError::User(user) => render::user_error(lang, user, subscription),
            AppError::Internal(error) => {
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
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        let defs = commands::definitions();
        let result = match self.register_in_guild {
            Some(guild) => DiscordGuildId::new(guild)
                .set_commands(&ctx.http, defs)
                .await
                .map(drop),
            None => serenity::all::Command::set_global_commands(&ctx.http, defs)
                .await
                .map(drop),
        };
        match result {
            Ok(()) => tracing::info!(guild = ?self.register_in_guild, "commands registered"),
            Err(e) => tracing::error!(error = %e, "registering commands failed"),
        }
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
        self.in_flight
            .track_future(async move {
                if bot.seen_before(interaction.id()) {
                    tracing::info!(
                        interaction = interaction.id().get(),
                        "duplicate delivery ignored"
                    );
                    return;
                }
                match &interaction {
                    Interaction::Command(cmd) => commands::run(&bot, cmd).await,
                    Interaction::Autocomplete(cmd) => commands::autocomplete(&bot, cmd).await,
                    Interaction::Component(click) => components::button(&bot, click).await,
                    Interaction::Modal(submit) => components::modal(&bot, submit).await,
                    _ => {}
                }
            })
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
/// those in flight, flushes due notices and returns.
pub async fn run_bot(options: BotOptions, shutdown: CancellationToken) -> anyhow::Result<()> {
    let token = options.token.expose_secret().to_string();
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
        recent: Mutex::new(RecentInteractions::default()),
    });
    let _ = shared.set(bot);
    let shards = client.shard_manager.clone();

    let background = CancellationToken::new();
    let sender = outbox::NoticeSender::new(options.api_url.as_deref(), &token)?;
    let outbox_task = tokio::spawn(outbox::run(
        options.app.clone(),
        sender.clone(),
        outbox_wake.clone(),
        background.clone(),
    ));
    let scheduler_task = tokio::spawn(scheduler::run(
        options.app.clone(),
        http.clone(),
        outbox_wake.clone(),
        background.clone(),
    ));

    let result = tokio::select! {
        r = client.start() => r.context("the Discord gateway connection failed"),
        _ = shutdown.cancelled() => Ok(()),
    };
    tracing::info!("shutting down: finishing interactions in flight");
    stopping.cancel();
    shards.shutdown_all().await;
    in_flight.close();
    if tokio::time::timeout(Duration::from_secs(10), in_flight.wait())
        .await
        .is_err()
    {
        tracing::warn!("some interactions were still running after 10 s");
    }
    background.cancel();
    let _ = outbox_task.await;
    let _ = scheduler_task.await;
    // Flush: one more delivery pass for notices written by the last interactions.
    if let Err(e) = outbox::deliver_due(&options.app, &sender).await {
        tracing::warn!(error = %format!("{e:#}"), "flushing notices failed");
    }
    result
}

/// `licensebot run`: the bot with its configuration from the environment, until
/// SIGINT or SIGTERM.
pub async fn run(settings: Settings, guild: Option<u64>) -> anyhow::Result<()> {
    let token = std::env::var("DISCORD_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .context("DISCORD_TOKEN is not set (put it in the environment or in .env)")?;
    let api_url = std::env::var("DISCORD_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let db = crate::cli::open_database(&settings).await?;
    let app = App::new(db.store.clone(), settings);
    let shutdown = CancellationToken::new();
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("signal received");
        on_signal.cancel();
    });
    let result = run_bot(
        BotOptions {
            app,
            token: SecretString::from(token),
            api_url,
            register_in_guild: guild,
        },
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
