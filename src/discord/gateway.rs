//! Gateway mode: interactions arrive over Discord's websocket, through serenity's client;
//! with `discord.members_intent`, so do member updates and leaves (see `verify.rs`).

use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use secrecy::ExposeSecret;
use serenity::{
    all::{
        ClientBuilder, Context, Event, EventHandler, GatewayError, GatewayIntents, Guild,
        GuildMemberUpdateEvent, Interaction, Member, RawEventHandler, Ready, User,
    },
    async_trait,
};
use tokio_util::sync::CancellationToken;

use super::{
    http_client, i18n::Lang, layout::Layout, layout::Shards, ops, register_commands,
    respond::Transport, route, route_undecodable, undecodable, verify::Repairs, workers::InFlight,
    workers::Running, Bot, BotOptions,
};
use crate::{
    domain::records::{GuildId, UserId},
    telemetry::error_chain,
};

struct Handler {
    bot: Arc<OnceLock<Arc<Bot>>>,
    register_in_guild: Option<u64>,
    in_flight: InFlight,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(),
            shard = ?ready.shard.map(|s| (s.id.0, s.total)), "connected to Discord");
        if ready.shard.is_none_or(|s| s.id.0 == 0) {
            let invite = super::permissions::invite_url(ready.application.id.get());
            tracing::info!(%invite, "add licensebot to a server with this link");
        }
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
            .record_guild_locale(GuildId(guild.id.get()), lang.code())
            .await
        {
            tracing::warn!(guild = guild.id.get(), error = %error_chain(&*e), "could not record the guild's locale");
        }
        if let Err(e) = bot
            .app
            .record_guild_name(GuildId(guild.id.get()), &guild.name)
            .await
        {
            tracing::warn!(guild = guild.id.get(), error = %error_chain(&*e), "could not record the guild's name");
        }
    }

    /// With the GUILD_MEMBERS intent: a member's roles changed (by licensebot or by hand).
    async fn guild_member_update(
        &self,
        _ctx: Context,
        _old: Option<Member>,
        _new: Option<Member>,
        event: GuildMemberUpdateEvent,
    ) {
        let Some(bot) = self.bot.get() else { return };
        let roles: Vec<u64> = event.roles.iter().map(|r| r.get()).collect();
        Repairs::of(bot)
            .member_seen(
                GuildId(event.guild_id.get()),
                UserId(event.user.id.get()),
                &roles,
            )
            .await;
    }

    /// With the GUILD_MEMBERS intent: a member left (or was kicked or banned).
    async fn guild_member_removal(
        &self,
        _ctx: Context,
        guild: serenity::all::GuildId,
        user: User,
        _member: Option<Member>,
    ) {
        let Some(bot) = self.bot.get() else { return };
        Repairs::of(bot)
            .member_left(GuildId(guild.get()), UserId(user.id.get()))
            .await;
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        if self.in_flight.stopping.is_cancelled() {
            // Shutting down: the interaction gets no answer from this process.
            return;
        }
        let Some(bot) = self.bot.get().cloned() else {
            return;
        };
        let transport = Transport::gateway(bot.metrics.clone());
        self.in_flight
            .tasks
            .track_future(async move { route(&bot, &interaction, &transport).await })
            .await
    }
}

/// What serenity hands on undecoded: a dispatch whose payload its model cannot read
/// becomes `Event::Unknown`, which reaches raw event handlers only (its own log line of it,
/// payload and all, is kept out by `telemetry::may_log`).
struct Undecoded {
    bot: Arc<OnceLock<Arc<Bot>>>,
    in_flight: InFlight,
}

#[async_trait]
impl RawEventHandler for Undecoded {
    async fn raw_event(&self, _ctx: Context, event: Event) {
        let Event::Unknown(event) = event else {
            return;
        };
        let kind = undecodable::event_name(&event.kind);
        if kind != "INTERACTION_CREATE" {
            tracing::debug!(op = 0, event = kind, "undecodable gateway event");
            return;
        }
        let raw = undecodable::Raw::read(&event.value);
        tracing::warn!(
            op = 0,
            event = kind,
            interaction = raw.as_ref().map(|r| r.id.get()),
            interaction_type = raw.as_ref().and_then(|r| r.kind),
            "undecodable gateway event"
        );
        let (Some(raw), Some(bot)) = (raw, self.bot.get().cloned()) else {
            return;
        };
        if self.in_flight.stopping.is_cancelled() {
            return;
        }
        let transport = Transport::gateway(bot.metrics.clone());
        self.in_flight
            .tasks
            .track_future(async move { route_undecodable(&bot, &raw, &transport).await })
            .await
    }
}

/// Runs the bot on the gateway until `shutdown` is cancelled, with the shards `layout`
/// gives (as many as Discord recommends by default).
pub async fn run_gateway(
    options: BotOptions,
    layout: Layout,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    // The bot's handlers need the client's own REST client (the one that learns the
    // application id from READY), so the shared state is filled in once it exists.
    let shared: Arc<OnceLock<Arc<Bot>>> = Arc::new(OnceLock::new());
    let in_flight = InFlight::default();
    let handler = Handler {
        bot: shared.clone(),
        register_in_guild: options.register_in_guild,
        in_flight: in_flight.clone(),
    };
    let undecoded = Undecoded {
        bot: shared.clone(),
        in_flight: in_flight.clone(),
    };
    // The privileged GUILD_MEMBERS intent only when the operator says it is enabled for
    // the application: Discord refuses the connection otherwise (4014).
    let members_intent = options.app.settings.discord.members_intent;
    let intents = if members_intent {
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MEMBERS
    } else {
        GatewayIntents::GUILDS
    };
    // Built with our REST client, so that even the gateway URL comes through `api_url`.
    let mut client = ClientBuilder::new_with_http(
        http_client(options.token.expose_secret(), options.api_url.as_deref()),
        intents,
    )
    .event_handler(handler)
    .raw_event_handler(undecoded)
    .await
    .context("building the Discord client")?;
    let http = client.http.clone();
    let shards = client.shard_manager.clone();
    let (first, last, total) = shard_range(&layout, &http).await;
    tracing::info!(shards = %format!("{first}..={last}"), total, "starting the gateway");
    let frontend = ops::Frontend::Gateway {
        shards: shards.clone(),
        expected: last - first + 1,
    };
    let running = Running::start(
        &options,
        http,
        in_flight,
        frontend,
        layout.metrics,
        layout.registry.clone(),
    )
    .await?;
    let _ = shared.set(running.bot.clone());

    // serenity's shard range includes its end: `first..last` runs shards first to last.
    let result = tokio::select! {
        r = client.start_shard_range(first..last, total) => r.map_err(gateway_failure),
        _ = shutdown.cancelled() => Ok(()),
    };
    running.in_flight.stopping.cancel();
    shards.shutdown_all().await;
    running.stop().await;
    result
}

/// Why the gateway connection ended, with what to do about it when the operator can.
fn gateway_failure(e: serenity::Error) -> anyhow::Error {
    match e {
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents) => anyhow::anyhow!(
            "Discord refused the privileged GUILD_MEMBERS intent (close code 4014, Disallowed \
             intent(s)): turn on \"Server Members Intent\" for the application in the \
             Discord developer portal (Bot → Privileged Gateway Intents), or set \
             discord.members_intent = false"
        ),
        other => anyhow::Error::new(other).context("the Discord gateway connection failed"),
    }
}

/// The shards this process runs, first and last included, and the total.
async fn shard_range(layout: &Layout, http: &serenity::all::Http) -> (u32, u32, u32) {
    match layout.shards {
        Shards::Range { total, first, last } => (first, last, total),
        Shards::Auto => match http.get_bot_gateway().await {
            Ok(gateway) if gateway.shards > 0 => (0, gateway.shards - 1, gateway.shards),
            Ok(_) => (0, 0, 1),
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "could not ask Discord how many shards to run; running one");
                (0, 0, 1)
            }
        },
    }
}
