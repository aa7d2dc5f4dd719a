//! The only module that names serenity: the gateway client, the HTTP interactions
//! endpoint, the commands, buttons and modals, the rendering, the notice dispatcher and the
//! scheduler.
//!
//! Interactions come in over the gateway ([`run_gateway`]) or as HTTP POSTs
//! ([`run_http`]); both go to [`route`], and only the [`respond::Transport`] of the first
//! response differs. What the two share (the bot's state, the notice dispatcher, the
//! scheduler, `/healthz` and `/metrics`, the shutdown) is built once, in `workers`. Which
//! one runs, with which configuration and secrets, is chosen by the composition root,
//! `crate::boot`.

mod admission;
mod checklist;
pub mod commands;
pub mod components;
pub mod custom_id;
pub mod doctor;
pub mod endpoint;
mod gateway;
mod http_mode;
pub mod i18n;
pub mod layout;
pub mod markdown;
mod ops;
pub mod outbox;
pub mod permissions;
pub mod render;
pub mod render_licenses;
pub mod render_refunds;
pub mod respond;
pub mod roles;
pub mod scheduler;
pub mod undecodable;
mod verify;
mod workers;

use std::{
    cell::Cell,
    collections::{HashSet, VecDeque},
    sync::{Arc, Mutex},
};

use secrecy::SecretString;
use serenity::all::{
    CreateAutocompleteResponse, CreateInteractionResponse, GuildId as DiscordGuildId, Http,
    HttpBuilder, Interaction, InteractionId, Member,
};
use tokio::sync::Notify;

use crate::{
    app::{App, AppError, UserError},
    domain::records::GuildId,
    metrics::{Metrics, Outcome as Verdict},
    telemetry::error_chain,
};
use admission::Admission;
use custom_id::CustomId;
use i18n::Lang;
use render::Reply;
use respond::{answer, Target, Transport};

pub use gateway::run_gateway;
pub use http_mode::run_http;

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
    /// Wakes the role dispatcher when a role change was just queued.
    pub roles: Arc<Notify>,
    pub metrics: Metrics,
    recent: Mutex<RecentInteractions>,
    /// The bounds of work in flight (`interactions.*`).
    admission: Arc<Admission>,
}

impl Bot {
    fn new(
        app: App,
        http: Arc<Http>,
        outbox: Arc<Notify>,
        roles: Arc<Notify>,
        metrics: Metrics,
    ) -> Bot {
        let admission = Admission::new(&app.settings.interactions, metrics.clone());
        Bot {
            app,
            http,
            outbox,
            roles,
            metrics,
            recent: Mutex::new(RecentInteractions::default()),
            admission,
        }
    }

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
                tracing::error!(error_id = %id, error = %error_chain(&**error), "interaction failed");
                render::internal_error(lang, &id)
            }
        }
    }

    pub fn error_reply(&self, lang: Lang, e: &AppError, subscription: Option<&str>) -> Reply {
        Reply::text(self.error_text(lang, e, subscription))
    }

    /// Whether this interaction was seen before by this process (a gateway replay or
    /// double delivery).
    fn seen_before(&self, id: InteractionId) -> bool {
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        !recent.insert(id.get())
    }

    /// Whether this interaction was handled before, by this process or by any replica. The
    /// memory of this process is asked first; then, for interactions that change or send
    /// something (not autocomplete nor PING, which only read), the database all replicas
    /// share, where the id is recorded. A captured HTTP delivery stays correctly signed for
    /// five minutes: without the database, another replica would handle it again.
    ///
    /// When the database does not answer within [`SHARED_CHECK_WITHIN`], or fails, the
    /// interaction is handled on the memory check alone (logged and counted): every effect
    /// of a handler is a write to that same database, so a replay slipping through while it
    /// is away can change nothing, and answering the admin is not held up by it.
    async fn handled_before(&self, interaction: &Interaction) -> bool {
        let id = interaction.id();
        if self.seen_before(id) {
            self.metrics.duplicate("memory");
            return true;
        }
        if matches!(
            interaction,
            Interaction::Autocomplete(_) | Interaction::Ping(_)
        ) {
            return false;
        }
        match tokio::time::timeout(SHARED_CHECK_WITHIN, self.app.first_delivery(id.get())).await {
            Ok(Ok(first)) => {
                if !first {
                    self.metrics.duplicate("database");
                }
                !first
            }
            Ok(Err(e)) => {
                self.metrics.duplicate_check_failed();
                tracing::warn!(interaction = id.get(), error = %format!("{e:#}"), "could not record the interaction as handled; handling it on this process's memory alone");
                false
            }
            Err(_) => {
                self.metrics.duplicate_check_failed();
                tracing::warn!(
                    interaction = id.get(),
                    "the database did not record the interaction within {SHARED_CHECK_WITHIN:?}; handling it on this process's memory alone"
                );
                false
            }
        }
    }
}

/// How long the shared duplicate check may take. It comes before the handler, whose
/// deferral goes out 1.2 s after it starts: together well within Discord's 3 s.
const SHARED_CHECK_WITHIN: std::time::Duration = std::time::Duration::from_millis(500);

/// A refusal's reason, as a metrics label.
fn refusal_reason(e: &UserError) -> &'static str {
    match e {
        UserError::NotInGuild => "not_in_guild",
        UserError::NotAllowed => "not_allowed",
        UserError::SubscriptionNotFound => "subscription_not_found",
        UserError::InvalidName(_) => "invalid_name",
        UserError::NameTaken { .. } => "name_taken",
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
        UserError::License(refusal) => license_refusal_reason(refusal),
        UserError::Suspended { .. } => "suspended",
    }
}

/// A license refusal's reason, as a metrics label.
fn license_refusal_reason(e: &crate::domain::LicenseRefusal) -> &'static str {
    use crate::domain::LicenseRefusal::*;
    match e {
        BotUser { .. } => "license_bot_user",
        NotAMember { .. } => "license_not_a_member",
        WrongState { .. } => "license_wrong_state",
        AlreadyAssigned { .. } => "license_already_assigned",
        NoFreeLicense { .. } => "license_none_free",
        NotAssigned { .. } => "license_not_assigned",
        RequestOpen { .. } => "request_open",
        RequestCooldown { .. } => "request_cooldown",
        TooManyRequests { .. } => "request_too_many",
        RequestClosed { .. } => "request_closed",
        RequestNotFound => "request_not_found",
        NoNoticeChannel => "request_no_notice_channel",
        RoleNotLinkable { .. } => "role_not_linkable",
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
/// The gateway's event handler and the HTTP endpoint both come here. Past the bounds of
/// work in flight (`admission`: no slot within its wait, or no room to wait), the
/// interaction is answered busy instead.
pub async fn route(bot: &Bot, interaction: &Interaction, transport: &Transport) {
    if bot.handled_before(interaction).await {
        tracing::info!(
            interaction = interaction.id().get(),
            "duplicate delivery ignored"
        );
        return;
    }
    let (kind, name) = describe(interaction);
    // A PING costs nothing and must always be answered (Discord checks the endpoint with it).
    let _slot = match interaction {
        Interaction::Ping(_) => None,
        _ => match bot
            .admission
            .admit(guild_of(interaction), transport.received())
            .await
        {
            Ok(slot) => Some(slot),
            Err(busy) => {
                let outcome = answer_busy(bot, interaction, transport, busy.reason()).await;
                bot.metrics.interaction(kind, name, outcome);
                return;
            }
        },
    };
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

/// Answers an interaction serenity could not decode ([`undecodable`]): the admin is told
/// that nothing was changed. The gateway's raw event handler and the HTTP endpoint come here.
pub async fn route_undecodable(bot: &Bot, raw: &undecodable::Raw, transport: &Transport) {
    if bot.seen_before(raw.id) {
        tracing::info!(interaction = raw.id.get(), "duplicate delivery ignored");
        return;
    }
    // Nothing was done for the admin: an error on our side, or worse if unanswered.
    let outcome = OUTCOME
        .scope(Cell::new(Verdict::error), async {
            undecodable::answer(bot, raw, transport).await;
            OUTCOME.with(|cell| cell.get())
        })
        .await;
    bot.metrics.interaction("undecodable", "unknown", outcome);
}

/// The guild an interaction comes from; 0 outside a guild.
fn guild_of(interaction: &Interaction) -> u64 {
    let guild = match interaction {
        Interaction::Command(i) | Interaction::Autocomplete(i) => i.guild_id,
        Interaction::Component(i) => i.guild_id,
        Interaction::Modal(i) => i.guild_id,
        _ => None,
    };
    guild.map_or(0, |g| g.get())
}

/// Answers an interaction that was not started because the process was at its bounds: a
/// short ephemeral "licensebot is busy; try again in a moment. Nothing was changed." in the
/// user's language (autocomplete: no choices). When even the busy answers are at their
/// bound, nothing is sent and Discord tells the user the interaction failed.
async fn answer_busy(
    bot: &Bot,
    interaction: &Interaction,
    transport: &Transport,
    reason: &'static str,
) -> Verdict {
    // Too late for Discord to take an answer, or too many busy answers on their way already.
    let late = transport.received().elapsed() >= respond::TOO_LATE;
    let Some(_refusal) = bot.admission.refusal().filter(|_| !late) else {
        bot.metrics.busy("shed");
        return Verdict::unanswered;
    };
    bot.metrics.busy(reason);
    let busy = |locale: &str| {
        let text = Lang::from_discord(locale).t("busy");
        CreateInteractionResponse::Message(respond::message(Reply::text(text)))
    };
    let (id, token, response) = match interaction {
        Interaction::Command(i) => (i.id, &i.token, busy(&i.locale)),
        Interaction::Component(i) => (i.id, &i.token, busy(&i.locale)),
        Interaction::Modal(i) => (i.id, &i.token, busy(&i.locale)),
        Interaction::Autocomplete(i) => (
            i.id,
            &i.token,
            CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new()),
        ),
        _ => return Verdict::unanswered,
    };
    let target = Target {
        id,
        token,
        is_component: false,
        transport,
    };
    // `answer` notes `unanswered` if the busy answer did not reach Discord.
    let sent = OUTCOME
        .scope(Cell::new(Verdict::ok), async {
            answer(&bot.http, target, response).await;
            OUTCOME.with(|cell| cell.get())
        })
        .await;
    match sent {
        Verdict::ok => Verdict::busy,
        other => other,
    }
}

/// The metrics labels of an interaction: its kind, and the command or what the button does.
fn describe(interaction: &Interaction) -> (&'static str, &'static str) {
    let custom = |raw: &str| CustomId::parse(raw).map_or("unknown", |id| id.label());
    // Only names licensebot registered become labels.
    let command = |name: &str| commands::find(name).map_or("unknown", |c| c.name);
    match interaction {
        Interaction::Command(cmd) => ("command", command(&cmd.data.name)),
        Interaction::Autocomplete(cmd) => ("autocomplete", command(&cmd.data.name)),
        Interaction::Component(click) => ("button", custom(&click.data.custom_id)),
        Interaction::Modal(submit) => ("modal", custom(&submit.data.custom_id)),
        Interaction::Ping(_) => ("ping", "ping"),
        _ => ("other", "other"),
    }
}

/// The last few thousand interaction ids this process saw: the cheap first check against a
/// double delivery (the database is the one every replica shares).
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

/// Builds the REST client: through `api_url` when given (rate limits are then the proxy's
/// business, and serenity's limiter would ignore the proxy), else straight to Discord. Every
/// message and edit sent through it pings nobody unless it says otherwise: names people
/// typed (a subscription's) are shown in messages, and must never ping.
pub fn http_client(token: &str, api_url: Option<&str>) -> Http {
    let builder = HttpBuilder::new(token).default_allowed_mentions(respond::no_pings());
    match api_url {
        Some(url) => builder
            .proxy(url.trim_end_matches('/'))
            .ratelimiter_disabled(true)
            .build(),
        None => builder.build(),
    }
}

/// Registers the commands globally, or in one guild (gateway mode does this on READY).
pub(crate) async fn register_commands(http: &Http, guild: Option<u64>) {
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
        Err(e) => tracing::error!(error = %error_chain(&e), "registering commands failed"),
    }
}
