//! A fake Discord on 127.0.0.1 that speaks Discord's wire protocol — REST under `/api/v10`
//! and the gateway websocket — so the real bot (serenity 0.12.5) runs end to end offline.
//!
//! It holds state the way Discord does (guilds, channels, roles, members and their
//! permissions, messages, interactions and their tokens, registered commands), refuses
//! what Discord refuses with Discord's status and JSON error codes, and checks every
//! dispatch it sends with serenity's own model (serenity silently drops a dispatch it
//! cannot decode). Tests drive it like a user: *as member M of guild G with locale L, run
//! `/add-licenses`, type into autocomplete, click "Redeem", submit the modal* — then wait
//! for and read the bot's answer, the channel's messages and the requests the bot made.
//!
//! # Example
//!
//! ```no_run
//! use std::time::Duration;
//! use fake_discord::{FakeDiscord, CallbackKind};
//! use serde_json::json;
//! use serenity::all::Permissions;
//!
//! # async fn example() -> anyhow::Result<()> {
//! let fake = FakeDiscord::start().await?;
//!
//! // The world: a guild (with #general, an owner, and the bot as a member), a role, a member.
//! let guild = fake.create_guild("Contoso", "nl");
//! let admins = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
//! let ana = fake.add_member(guild, "ana", &[admins]);
//! let notices = fake.create_text_channel(guild, "notices");
//!
//! // Start the bot against the fake (in the bot's own code):
//! //   HttpBuilder::new(fake.token()).proxy(fake.api_url()).ratelimiter_disabled(true).build()
//! //   ClientBuilder::new_with_http(http, GatewayIntents::GUILDS) ... .start()
//! fake.wait_ready(Duration::from_secs(10)).await?;
//! fake.wait_for_commands(Some(guild), Duration::from_secs(10)).await?; // or None: global
//!
//! // A slash command, answered with a message.
//! let run = fake
//!     .as_member(guild, ana)
//!     .locale("nl")
//!     .command("add-licenses")
//!     .option("subscription", "42")
//!     .option("keys", "BCDFG-HJKMP-QRTVW-XY234-6789B")
//!     .send()
//!     .await?;
//! let review = run.wait_response(Duration::from_secs(5)).await?;
//! assert_eq!(review.kind, CallbackKind::ChannelMessage);
//! assert!(review.is_ephemeral());
//! assert!(review.text().contains("QRT7W"));
//!
//! // Autocomplete: type into an option; the choices come back.
//! let typed = fake.as_member(guild, ana).command("add-licenses")
//!     .focused("subscription", "Cont").send().await?;
//! let choices = typed.wait_response(Duration::from_secs(5)).await?.choices;
//!
//! // A button on the bot's message (as it stands now), then a modal.
//! let add = run.click("Een andere productcode toevoegen").await?;
//! let modal = add.wait_response(Duration::from_secs(5)).await?.modal.unwrap();
//! let submit = add.submit_modal(&[(modal.inputs[0].label.as_str(), "BCDFG-...")]).await?;
//! let updated = submit.wait_response(Duration::from_secs(5)).await?; // e.g. type 7
//!
//! // Subcommands with channel/role options (data.resolved is filled in).
//! fake.as_member(guild, ana).command("settings notices")
//!     .option("channel", notices).send().await?
//!     .wait_response(Duration::from_secs(5)).await?;
//!
//! // What the bot posted and asked.
//! let posted = fake.channel_messages(notices);
//! let puts = fake.requests_to("PUT", "/applications/*/guilds/*/commands");
//!
//! // Refusals, time and failures.
//! run.age(Duration::from_secs(16 * 60)); // the token is now expired (401 50027)
//! fake.fail_next("POST", "/channels/*/messages", fake_discord::Failure::rate_limited(1.5));
//! fake.drop_connection(); // the bot resumes; missed dispatches are replayed
//! # Ok(()) }
//! ```
//!
//! # The driver API at a glance
//! - Start: [`FakeDiscord::start`] / [`FakeDiscord::builder`]; [`FakeDiscord::api_url`],
//!   [`FakeDiscord::token`], [`FakeDiscord::application_id`], [`FakeDiscord::bot_user_id`].
//! - World: [`FakeDiscord::create_guild`] (name, preferred locale), `create_text_channel`,
//!   `create_role`, `add_member`, `add_user`, `add_user_to_guild`, `set_member_roles`,
//!   `set_role_permissions`, `set_bot_permissions`, `set_guild_owner`, `guild_owner`,
//!   `default_channel`, `everyone_role`, `member_permissions`, `delete_channel` ("missing"),
//!   `set_channel_writable` ("unwritable"), `set_channel_overwrite`, `remove_guild`; roles
//!   and members: `bot_role`, `set_role_position`, `role_position`, `member_roles`,
//!   `is_member`, `remove_member` (a member leaves), `add_bot` (another bot, with its
//!   managed role), `set_accepts_dms` (a user who closed their DMs: 50007).
//! - Acting: [`FakeDiscord::as_member`] / [`FakeDiscord::as_user`] → [`Actor`]
//!   (`.locale`, `.in_channel`, `.command(..)` → [`CommandBuilder`] (`.option`, `.focused`,
//!   `.ignoring_command_permissions`, `.forged`, `.send`, `.send_malformed`), `.click`, `.click_custom_id`,
//!   `.forge_click`, `.select`, `.submit_modal`, `.forge_modal_submit`) → [`InteractionHandle`] (`wait_ack`, `wait_response`, `response`,
//!   `original_message`, `wait_original`, `followups`, `wait_followups`, `refusals`, `age`,
//!   `redeliver`, `click`, `submit_modal`, `payload`).
//! - Reading: `message`, `channel_messages`, `all_messages`, `wait_for_message`, `requests`,
//!   `requests_to`, `wait_for_request`, `registered_commands`, `wait_for_commands`.
//! - Failures and time: `fail_next`, `fail_times`, `set_latency`, `set_response_deadline`,
//!   `set_token_lifetime`,
//!   [`InteractionHandle::age`].
//! - Gateway: `wait_for_identify`, `wait_ready`, `wait_for_resumes`, `identify_count`,
//!   `resume_count`, `heartbeat_count`, `connection_count`, `intents`,
//!   `enable_members_intent`, `disallowed_intents_count`, `is_connected`,
//!   `last_sequence`, `drop_connection`, `close_connection`, `invalidate_session`,
//!   `request_reconnect`, `dispatch`, `send_raw_frame`, `send_ping`; sharded bots: `wait_for_shards`,
//!   `connected_shards`, `shard_guilds`.
//! - HTTP interactions: `set_interaction_endpoints`, `public_key`, `deliveries`;
//!   [`Actor::via_endpoint`], [`Actor::signed`] ([`Signing`]: a bad signature, a stale or
//!   future timestamp, none); [`InteractionHandle::deliveries`], `wait_delivery`.
//!
//! # What it implements
//! - REST: `GET /gateway`, `/gateway/bot`, `/users/@me`, `/users/{id}`,
//!   `/oauth2/applications/@me`, `/applications/@me`; commands: global and per guild, bulk
//!   `PUT`, `GET`, `POST`, `PATCH`, `DELETE`; `POST /interactions/{id}/{token}/callback`
//!   (types 1, 4, 5, 6, 7, 8, 9); follow-ups `POST /webhooks/{app}/{token}` and
//!   `GET`/`PATCH`/`DELETE /webhooks/{app}/{token}/messages/{@original|id}`; channel
//!   messages (create with `nonce` + `enforce_nonce` dedupe, list, get, edit, delete),
//!   `GET /channels/{id}`, typing, DMs (`POST /users/@me/channels`, then messages to that
//!   channel), `GET /guilds/{id}` (+ `/channels`, `/roles`, `/roles/{id}`, `/members`,
//!   `/members/{id}`), member roles (`PUT`/`DELETE /guilds/{g}/members/{u}/roles/{r}`,
//!   checked as Discord does: Unknown Role 10011, Unknown Member 10007, and Missing
//!   Permissions 50013 without Manage Roles, for a role not below the bot's highest, a
//!   managed role or @everyone). JSON or multipart (`payload_json` + `files[n]`) bodies.
//! - Authentication: `Authorization: Bot <token>` on every route but the interaction
//!   callback and webhook-token routes (as on Discord); otherwise 401 `{"code": 0}`.
//! - Gateway (`ws://127.0.0.1:PORT/gateway`, JSON text frames): HELLO, IDENTIFY → READY
//!   (guilds unavailable) + one GUILD_CREATE per guild, heartbeats → ACK, RESUME → replay of
//!   missed dispatches by sequence + RESUMED (op 9 if the session is unknown), sequence
//!   numbers; GUILD_CREATE/CHANNEL_CREATE/CHANNEL_DELETE/GUILD_ROLE_CREATE/GUILD_DELETE for
//!   world changes after READY (GUILDS intent); GUILD_MEMBER_UPDATE (a member's roles
//!   changed, by the bot or by hand with `set_member_roles`) and GUILD_MEMBER_REMOVE
//!   (`remove_member`) with the privileged GUILD_MEMBERS intent, which an IDENTIFY may ask
//!   for only once the application has it (`enable_members_intent`), else 4014. Sharding: an IDENTIFY with
//!   `shard: [id, total]`, total > 1, gets a session of its own (any number at once, on any
//!   connections) and only the guilds with `(guild_id >> 22) % total == id`, and their
//!   events; events of no guild (DM interactions) go to shard 0.
//! - HTTP interactions ([`FakeDiscord::set_interaction_endpoints`]): each interaction is
//!   POSTed to an endpoint instead of dispatched, signed with the application's Ed25519 key
//!   ([`FakeDiscord::public_key`]) as Discord signs it (`X-Signature-Ed25519` over
//!   `X-Signature-Timestamp` + body); a 200 reply's JSON is the initial response, checked
//!   like the REST callback (refusals recorded on the interaction); PING gets the same.
//! - Refusals, with Discord's status and code:
//!   - a second initial response: 400 40060; an initial response later than 3 s: 404 10062;
//!     any use of a token older than 15 min: 401 50027;
//!   - 400 50035 Invalid Form Body (with `errors` naming the field) for: content over 2000
//!     characters; over 10 embeds; an embed title over 256, description over 4096, over 25
//!     fields, or over 6000 characters of embed text in all; over 5 action rows; over 5
//!     components in a row, or a select sharing its row; a custom_id over 100 characters or
//!     duplicated; a button label over 80; malformed component trees (no action row at the
//!     top, rows in rows, unknown types, missing custom_id/url/label); a modal title over
//!     45, no or over 5 rows, or a row without exactly one text input; over 25
//!     autocomplete choices; a callback type the interaction does not allow; invalid
//!     commands at registration (names, locales, descriptions, option order);
//!   - empty message: 400 50006; unknown channel: 404 10003; no VIEW_CHANNEL: 403 50001;
//!     no SEND_MESSAGES: 403 50013; unknown message: 404 10008; a DM to a user who takes
//!     none from the bot: 403 50007;
//!   - on demand ([`FakeDiscord::fail_next`]): 429 with `retry_after`, `global` and
//!     `Retry-After`, 500, 502, or any Discord error.
//!
//!   Field error codes inside `errors` follow Discord's naming (`BASE_TYPE_MAX_LENGTH`, ...).
//! - Time limits are Discord's by default and can be faked: [`InteractionHandle::age`]
//!   makes one interaction older, [`FakeDiscordBuilder::response_deadline`] /
//!   [`FakeDiscordBuilder::token_lifetime`] change the limits.
//!
//! # Not implemented
//! Components v2 layouts beyond storing them, Label (18)/Text Display (10) in modals
//! (serenity 0.12.5 cannot decode their submit), attachment options, user/message context
//! menu commands, threads, reactions, zlib compression (serenity accepts plain text frames),
//! MESSAGE_CREATE dispatches of the bot's own messages, rate limit buckets (only injected
//! 429s), multipart (file) replies to HTTP deliveries. In gateway mode a PING interaction
//! ([`FakeDiscord::send_ping`]) is sent over the gateway although Discord only sends PINGs
//! to HTTP interaction endpoints.

mod driver;
mod error;
mod gateway;
mod http_delivery;
mod ids;
mod model;
mod observe;
mod rest;
mod state;
mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use serde_json::{json, Value};
use serenity::model::id::{ApplicationId, ChannelId, GuildId, MessageId, RoleId, UserId};
use serenity::model::permissions::Permissions;
use tokio::sync::watch;

pub use driver::{Actor, CommandBuilder, InteractionHandle};
pub use error::DiscordError;
pub use http_delivery::{Delivery, Signing};
pub use model::{
    Button, CallbackKind, Choice, Failure, Modal, RecordedRequest, Refusal, Response,
    StoredAttachment, StoredMessage, TextInput,
};
pub use observe::{FirstResponse, Observed};
/// The serenity this crate checks payloads with (the bot's version).
pub use serenity;

use state::{ActorSpec, FailureRule, Overwrite, Settings, World, WsOut};

pub(crate) struct Inner {
    world: Mutex<World>,
    changed: watch::Sender<u64>,
    /// The tap of [`FakeDiscord::observe`], if someone listens.
    observer: Mutex<Option<tokio::sync::mpsc::UnboundedSender<Observed>>>,
    /// Seconds added to this machine's clock in the `Date` header of every REST answer
    /// ([`FakeDiscord::set_clock_skew`]).
    pub(crate) clock_skew: std::sync::atomic::AtomicI64,
}

impl Inner {
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Wake everything waiting for a change.
    pub(crate) fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Re-run `check` after every change until it yields a value or `timeout` passes.
    pub(crate) async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&World) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.changed.subscribe();
        loop {
            if let Some(value) = check(&self.lock()) {
                return Some(value);
            }
            // Also re-check now and then: time passing (token age) is no change.
            let tick = tokio::time::Instant::now() + Duration::from_millis(100);
            match tokio::time::timeout_at(deadline.min(tick), changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return check(&self.lock()),
                Err(_) if tokio::time::Instant::now() >= deadline => return check(&self.lock()),
                Err(_) => {}
            }
        }
    }
}

/// Options for [`FakeDiscord`]; [`FakeDiscord::start`] uses the defaults.
#[derive(Debug, Clone)]
pub struct FakeDiscordBuilder {
    bot_name: String,
    heartbeat_interval: Duration,
    response_deadline: Duration,
    token_lifetime: Duration,
    nonce_window: Duration,
}

impl Default for FakeDiscordBuilder {
    fn default() -> Self {
        FakeDiscordBuilder {
            bot_name: "licensebot".into(),
            heartbeat_interval: Duration::from_millis(41_250),
            response_deadline: Duration::from_secs(3),
            token_lifetime: Duration::from_secs(15 * 60),
            nonce_window: Duration::from_secs(5 * 60),
        }
    }
}

impl FakeDiscordBuilder {
    /// The bot user's name (default `licensebot`).
    pub fn bot_name(mut self, name: &str) -> Self {
        self.bot_name = name.to_string();
        self
    }

    /// HELLO's `heartbeat_interval` (default Discord's 41.25 s).
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// How long after an interaction its initial response is accepted (default 3 s).
    pub fn response_deadline(mut self, deadline: Duration) -> Self {
        self.response_deadline = deadline;
        self
    }

    /// How long an interaction token can be used (default 15 min).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// How long `enforce_nonce` remembers a nonce (Discord: "a few minutes"; default 5 min).
    pub fn nonce_window(mut self, window: Duration) -> Self {
        self.nonce_window = window;
        self
    }

    /// Bind 127.0.0.1:0 and serve REST and the gateway on that port.
    pub async fn start(self) -> anyhow::Result<FakeDiscord> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let settings = Settings {
            response_deadline: self.response_deadline,
            token_lifetime: self.token_lifetime,
            nonce_window: self.nonce_window,
            heartbeat_interval: self.heartbeat_interval,
        };
        let world = World::new(addr.port(), settings, &self.bot_name);
        let (token, app_id, bot_id) = (world.token.clone(), world.app_id, world.bot_id);
        let (changed, _) = watch::channel(0);
        let inner = Arc::new(Inner {
            world: Mutex::new(world),
            changed,
            observer: Mutex::new(None),
            clock_skew: std::sync::atomic::AtomicI64::new(0),
        });
        let app = axum::Router::new()
            .route("/gateway", axum::routing::get(gateway::upgrade))
            .fallback(rest::handle)
            // Discord takes uploads up to 25 MiB per request (more answers 413).
            .layer(axum::extract::DefaultBodyLimit::max(25 << 20))
            .with_state(inner.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("fake-discord server stopped: {e}");
            }
        });
        Ok(FakeDiscord {
            inner,
            addr,
            token,
            app_id,
            bot_id,
            server,
        })
    }
}

/// Which permission overwrite a channel gets.
#[derive(Debug, Clone, Copy)]
pub enum OverwriteTarget {
    Role(RoleId),
    Member(UserId),
}

/// The fake Discord. Dropping it stops the server.
pub struct FakeDiscord {
    inner: Arc<Inner>,
    addr: SocketAddr,
    token: String,
    app_id: u64,
    bot_id: u64,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        let mut world = self.inner.lock();
        if let Some(live) = world.gateway.live.take() {
            let _ = live.tx.send(WsOut::Abort);
        }
        for shard in world.gateway.shards.values_mut() {
            if let Some(live) = shard.live.take() {
                let _ = live.tx.send(WsOut::Abort);
            }
        }
        drop(world);
        self.server.abort();
    }
}

impl FakeDiscord {
    /// Start with default options on 127.0.0.1 (a free port).
    pub async fn start() -> anyhow::Result<FakeDiscord> {
        FakeDiscordBuilder::default().start().await
    }

    pub fn builder() -> FakeDiscordBuilder {
        FakeDiscordBuilder::default()
    }

    // ---- identity ------------------------------------------------------------------------

    /// `http://127.0.0.1:PORT`: the base that replaces `https://discord.com`
    /// (`HttpBuilder::proxy`, `DISCORD_API_URL`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/gateway`, as `GET /api/v10/gateway` returns it.
    pub fn gateway_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }

    /// The bot token the fake accepts (without the `Bot ` prefix).
    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn application_id(&self) -> ApplicationId {
        ApplicationId::new(self.app_id)
    }

    /// The bot's user id (equal to the application id, as for real bots).
    pub fn bot_user_id(&self) -> UserId {
        UserId::new(self.bot_id)
    }

    /// Discord's clock runs `seconds` ahead of this machine's (behind, when negative): the
    /// `Date` header of every REST answer says so.
    pub fn set_clock_skew(&self, seconds: i64) {
        self.inner
            .clock_skew
            .store(seconds, std::sync::atomic::Ordering::Relaxed);
    }

    // ---- the world --------------------------------------------------------------------------

    fn world<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        let result = f(&mut self.inner.lock());
        self.inner.bump();
        result
    }

    /// Create a guild with `preferred_locale` `locale`: an `@everyone` role (id = guild id,
    /// Discord's default permissions), an owner (see [`Self::guild_owner`]), the bot as a
    /// member with its managed role, and a `#general` text channel (the system channel,
    /// where interactions happen unless [`Actor::in_channel`] says otherwise). If the bot is
    /// connected, it receives GUILD_CREATE (as when it joins a guild).
    pub fn create_guild(&self, name: &str, locale: &str) -> GuildId {
        GuildId::new(self.world(|w| w.create_guild(name, locale)))
    }

    /// The guild's owner (a member with every permission).
    pub fn guild_owner(&self, guild: GuildId) -> UserId {
        UserId::new(self.world(|w| w.guilds.get(&guild.get()).map(|g| g.owner_id).unwrap_or(1)))
    }

    /// Make another member the owner.
    pub fn set_guild_owner(&self, guild: GuildId, user: UserId) {
        self.world(|w| {
            if let Some(g) = w.guilds.get_mut(&guild.get()) {
                g.owner_id = user.get();
            }
        });
    }

    /// The guild's `#general` channel.
    pub fn default_channel(&self, guild: GuildId) -> ChannelId {
        ChannelId::new(self.world(|w| {
            w.guilds
                .get(&guild.get())
                .and_then(|g| g.system_channel)
                .unwrap_or(1)
        }))
    }

    /// The bot leaves (is removed from) the guild: GUILD_DELETE.
    pub fn remove_guild(&self, guild: GuildId) {
        self.world(|w| {
            if let Some(g) = w.guilds.get_mut(&guild.get()) {
                g.members.remove(&w.bot_id);
            }
            w.dispatch_world_event(
                "GUILD_DELETE",
                json!({"id": guild.to_string(), "unavailable": false}),
            );
        });
    }

    pub fn create_text_channel(&self, guild: GuildId, name: &str) -> ChannelId {
        let id = self
            .world(|w| w.create_text_channel(guild.get(), name))
            .unwrap_or_else(|e| panic!("create_text_channel: {e}"));
        ChannelId::new(id)
    }

    /// The channel disappears (deleted): the bot's posts there get 404 10003, and a
    /// connected bot receives CHANNEL_DELETE.
    pub fn delete_channel(&self, channel: ChannelId) {
        self.world(|w| {
            w.dispatch_channel_event("CHANNEL_DELETE", channel.get());
            if let Some(c) = w.channels.get_mut(&channel.get()) {
                c.deleted = true;
            }
        });
    }

    /// Deny (or stop denying) SEND_MESSAGES to the bot in the channel with a member
    /// overwrite: the bot's posts there get 403 50013 Missing Permissions.
    pub fn set_channel_writable(&self, channel: ChannelId, writable: bool) {
        let bot = self.bot_user_id();
        let deny = if writable {
            0
        } else {
            Permissions::SEND_MESSAGES.bits()
        };
        self.set_channel_overwrite(
            channel,
            OverwriteTarget::Member(bot),
            Permissions::empty(),
            Permissions::from_bits_truncate(deny),
        );
    }

    /// Set (replace) a permission overwrite on a channel; empty allow and deny removes it.
    pub fn set_channel_overwrite(
        &self,
        channel: ChannelId,
        target: OverwriteTarget,
        allow: Permissions,
        deny: Permissions,
    ) {
        let (id, kind) = match target {
            OverwriteTarget::Role(r) => (r.get(), 0),
            OverwriteTarget::Member(u) => (u.get(), 1),
        };
        self.world(|w| {
            if let Some(c) = w.channels.get_mut(&channel.get()) {
                c.overwrites.retain(|o| !(o.id == id && o.kind == kind));
                if !allow.is_empty() || !deny.is_empty() {
                    c.overwrites.push(Overwrite {
                        id,
                        kind,
                        allow: allow.bits(),
                        deny: deny.bits(),
                    });
                }
            }
            w.dispatch_channel_event("CHANNEL_UPDATE", channel.get());
        });
    }

    pub fn create_role(&self, guild: GuildId, name: &str, permissions: Permissions) -> RoleId {
        let id = self
            .world(|w| w.create_role(guild.get(), name, permissions.bits()))
            .unwrap_or_else(|e| panic!("create_role: {e}"));
        RoleId::new(id)
    }

    /// The `@everyone` role (its id is the guild's id).
    pub fn everyone_role(&self, guild: GuildId) -> RoleId {
        RoleId::new(guild.get())
    }

    pub fn set_role_permissions(&self, guild: GuildId, role: RoleId, permissions: Permissions) {
        self.world(|w| {
            if let Some(r) = w
                .guilds
                .get_mut(&guild.get())
                .and_then(|g| g.roles.get_mut(&role.get()))
            {
                r.permissions = permissions.bits();
            }
            w.dispatch_role_event("GUILD_ROLE_UPDATE", guild.get(), role.get());
        });
    }

    /// What an admin sets under Server Settings → Integrations → (the app) for all of its
    /// commands: each role given (`true`) or refused (`false`) them. Discord then answers
    /// `GET /applications/{app}/guilds/{guild}/commands/permissions` with one entry whose
    /// id is the application's.
    pub fn set_app_command_permissions(&self, guild: GuildId, roles: &[(RoleId, bool)]) {
        self.world(|w| {
            let entry = serde_json::json!({
                "id": w.app_id.to_string(),
                "application_id": w.app_id.to_string(),
                "guild_id": guild.get().to_string(),
                "permissions": roles.iter().map(|(role, allowed)| serde_json::json!({
                    "id": role.get().to_string(),
                    "type": 1,
                    "permission": allowed,
                })).collect::<Vec<_>>(),
            });
            let entries = w.command_permissions.entry(guild.get()).or_default();
            entries.retain(|e| e["id"] != entry["id"]);
            if !roles.is_empty() {
                entries.push(entry);
            }
        });
    }

    /// The permissions of the bot's own managed role in the guild.
    pub fn set_bot_permissions(&self, guild: GuildId, permissions: Permissions) {
        let role = self.world(|w| w.guilds.get(&guild.get()).map(|g| g.bot_role));
        if let Some(role) = role {
            self.set_role_permissions(guild, RoleId::new(role), permissions);
        }
    }

    /// The bot's own (managed) role in the guild.
    pub fn bot_role(&self, guild: GuildId) -> RoleId {
        RoleId::new(self.world(|w| w.guilds.get(&guild.get()).map(|g| g.bot_role).unwrap_or(1)))
    }

    /// Move a role in the guild's role list (as dragging it in Server Settings → Roles);
    /// a connected bot receives GUILD_ROLE_UPDATE. Discord orders roles by position, and
    /// roles of equal position by id (the older one higher).
    pub fn set_role_position(&self, guild: GuildId, role: RoleId, position: u64) {
        self.world(|w| {
            if let Some(r) = w
                .guilds
                .get_mut(&guild.get())
                .and_then(|g| g.roles.get_mut(&role.get()))
            {
                r.position = position;
            }
            w.dispatch_role_event("GUILD_ROLE_UPDATE", guild.get(), role.get());
        });
    }

    pub fn role_position(&self, guild: GuildId, role: RoleId) -> Option<u64> {
        self.inner
            .lock()
            .guilds
            .get(&guild.get())
            .and_then(|g| g.roles.get(&role.get()))
            .map(|r| r.position)
    }

    /// The member's roles (besides @everyone), as they stand now; empty if not a member.
    pub fn member_roles(&self, guild: GuildId, user: UserId) -> Vec<RoleId> {
        self.inner
            .lock()
            .guilds
            .get(&guild.get())
            .and_then(|g| g.members.get(&user.get()))
            .map(|m| m.roles.iter().map(|r| RoleId::new(*r)).collect())
            .unwrap_or_default()
    }

    pub fn is_member(&self, guild: GuildId, user: UserId) -> bool {
        self.inner
            .lock()
            .guilds
            .get(&guild.get())
            .is_some_and(|g| g.members.contains_key(&user.get()))
    }

    /// The member leaves the guild: their role changes get 404 10007 Unknown Member. A bot
    /// with the privileged GUILD_MEMBERS intent receives GUILD_MEMBER_REMOVE.
    pub fn remove_member(&self, guild: GuildId, user: UserId) {
        self.world(|w| w.remove_member(guild.get(), user.get()))
            .unwrap_or_else(|e| panic!("remove_member: {e}"));
    }

    /// Another bot joins the guild, with its managed role (placed just above @everyone).
    /// Returns the bot user and its role.
    pub fn add_bot(&self, guild: GuildId, username: &str) -> (UserId, RoleId) {
        let (user, role) = self
            .world(|w| {
                let user = w.insert_user(username, true);
                let role = w.create_role(guild.get(), username, 0)?;
                if let Some(r) = w
                    .guilds
                    .get_mut(&guild.get())
                    .and_then(|g| g.roles.get_mut(&role))
                {
                    r.bot_id = Some(user);
                    r.position = 1;
                }
                w.add_member(guild.get(), user, &[role])
                    .map(|()| (user, role))
            })
            .unwrap_or_else(|e| panic!("add_bot: {e}"));
        (UserId::new(user), RoleId::new(role))
    }

    /// Whether the user takes direct messages from the bot (default: yes); when not, the
    /// bot's messages to their DM channel get 403 50007.
    pub fn set_accepts_dms(&self, user: UserId, accepts: bool) {
        self.world(|w| {
            if let Some(u) = w.users.get_mut(&user.get()) {
                u.accepts_dms = accepts;
            }
        });
    }

    /// A new user (not in any guild), e.g. to DM the bot.
    pub fn add_user(&self, username: &str) -> UserId {
        UserId::new(self.world(|w| w.add_user(username)))
    }

    /// A new user who is a member of the guild with these roles (besides @everyone).
    pub fn add_member(&self, guild: GuildId, username: &str, roles: &[RoleId]) -> UserId {
        let roles: Vec<u64> = roles.iter().map(|r| r.get()).collect();
        let user = self
            .world(|w| {
                let user = w.add_user(username);
                w.add_member(guild.get(), user, &roles).map(|()| user)
            })
            .unwrap_or_else(|e| panic!("add_member: {e}"));
        UserId::new(user)
    }

    /// An existing user joins another guild.
    pub fn add_user_to_guild(&self, guild: GuildId, user: UserId, roles: &[RoleId]) {
        let roles: Vec<u64> = roles.iter().map(|r| r.get()).collect();
        self.world(|w| w.add_member(guild.get(), user.get(), &roles))
            .unwrap_or_else(|e| panic!("add_user_to_guild: {e}"));
    }

    /// Replace a member's roles (besides @everyone), as someone does by hand in Discord. A
    /// bot with the privileged GUILD_MEMBERS intent receives GUILD_MEMBER_UPDATE with the
    /// member's roles as they are now.
    pub fn set_member_roles(&self, guild: GuildId, user: UserId, roles: &[RoleId]) {
        let roles: Vec<u64> = roles.iter().map(|r| r.get()).collect();
        self.world(|w| w.set_member_roles(guild.get(), user.get(), &roles))
            .unwrap_or_else(|e| panic!("set_member_roles: {e}"));
    }

    /// A member's permissions computed the Discord way: @everyone + roles (owner and
    /// ADMINISTRATOR: all), then, in a channel, its overwrites.
    pub fn member_permissions(
        &self,
        guild: GuildId,
        user: UserId,
        channel: Option<ChannelId>,
    ) -> Permissions {
        let bits = self.world(|w| match channel {
            Some(c) => w.channel_permissions(c.get(), user.get()),
            None => w.base_permissions(guild.get(), user.get()),
        });
        Permissions::from_bits_truncate(bits)
    }

    // ---- acting as a user ---------------------------------------------------------------

    /// Act as member `user` of `guild` (locale `en-US`, in `#general` by default).
    pub fn as_member(&self, guild: GuildId, user: UserId) -> Actor {
        Actor {
            inner: self.inner.clone(),
            spec: ActorSpec {
                guild_id: Some(guild.get()),
                user_id: user.get(),
                locale: "en-US".into(),
                channel_id: None,
                delivery: Default::default(),
            },
        }
    }

    /// Act as `user` in their DM with the bot (no `guild_id`, `user` instead of `member`).
    pub fn as_user(&self, user: UserId) -> Actor {
        Actor {
            inner: self.inner.clone(),
            spec: ActorSpec {
                guild_id: None,
                user_id: user.get(),
                locale: "en-US".into(),
                channel_id: None,
                delivery: Default::default(),
            },
        }
    }

    /// Dispatch a PING interaction (type 1), which the bot answers with PONG (callback 1).
    /// Discord itself only sends PINGs to HTTP interaction endpoints, never on the gateway;
    /// in HTTP mode ([`Self::set_interaction_endpoints`]) it is POSTed like Discord does when
    /// the endpoint URL is saved in the developer portal.
    pub async fn send_ping(&self) -> anyhow::Result<InteractionHandle> {
        self.inner
            .wait_for(Duration::from_secs(10), |w| {
                (w.gateway.session.is_some() || w.http.enabled()).then_some(())
            })
            .await
            .ok_or_else(|| anyhow!("the bot never identified on the gateway"))?;
        let mut world = self.inner.lock();
        let user = world.add_user("pinger");
        let spec = ActorSpec {
            guild_id: None,
            user_id: user,
            locale: "en-US".into(),
            channel_id: None,
            delivery: Default::default(),
        };
        let new = driver::NewInteraction {
            kind: 1,
            data: Value::Null,
            source_message: None,
            focused_type: None,
            command_name: None,
            trigger_metadata: None,
            malform: None,
        };
        let handle = driver::create_interaction(&self.inner, &mut world, &spec, new)?;
        drop(world);
        self.inner.bump();
        Ok(handle)
    }

    // ---- messages ---------------------------------------------------------------------

    /// A message by id (also deleted ones), as it stands now.
    pub fn message(&self, id: MessageId) -> Option<StoredMessage> {
        self.inner.lock().stored_message(id.get())
    }

    /// The channel's messages, oldest first, not deleted; ephemeral ones included (check
    /// [`StoredMessage::ephemeral`]).
    pub fn channel_messages(&self, channel: ChannelId) -> Vec<StoredMessage> {
        let world = self.inner.lock();
        world
            .messages
            .iter()
            .filter(|(_, m)| m.channel_id == channel.get() && !m.deleted)
            .filter_map(|(id, _)| world.stored_message(*id))
            .collect()
    }

    /// Every message the bot created, oldest first (deleted ones too).
    pub fn all_messages(&self) -> Vec<StoredMessage> {
        let world = self.inner.lock();
        world
            .messages
            .keys()
            .filter_map(|id| world.stored_message(*id))
            .collect()
    }

    /// Wait for a (non-deleted) message in the channel that satisfies `pred`.
    pub async fn wait_for_message(
        &self,
        channel: ChannelId,
        timeout: Duration,
        pred: impl Fn(&StoredMessage) -> bool,
    ) -> anyhow::Result<StoredMessage> {
        let found = self
            .inner
            .wait_for(timeout, |w| {
                w.messages
                    .iter()
                    .filter(|(_, m)| m.channel_id == channel.get() && !m.deleted)
                    .filter_map(|(id, _)| w.stored_message(*id))
                    .find(|m| pred(m))
            })
            .await;
        found.ok_or_else(|| {
            let texts: Vec<String> = self
                .channel_messages(channel)
                .iter()
                .map(|m| m.text())
                .collect();
            anyhow!(
                "no matching message in channel {channel} within {timeout:?}; it has: {texts:?}"
            )
        })
    }

    // ---- requests -----------------------------------------------------------------------

    /// Every REST request the bot made, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.lock().requests.clone()
    }

    /// Requests with this method (`"*"`: any) whose path below `/api/v10` matches `pattern`
    /// (`*` matches one segment, a trailing `**` the rest: `/channels/*/messages`).
    pub fn requests_to(&self, method: &str, pattern: &str) -> Vec<RecordedRequest> {
        self.inner
            .lock()
            .requests
            .iter()
            .filter(|r| {
                (method == "*" || r.method.eq_ignore_ascii_case(method))
                    && state::path_matches(pattern, &r.path)
            })
            .cloned()
            .collect()
    }

    /// Wait for a request matching `method` and `pattern` (see [`Self::requests_to`]).
    pub async fn wait_for_request(
        &self,
        method: &str,
        pattern: &str,
        timeout: Duration,
    ) -> anyhow::Result<RecordedRequest> {
        self.inner
            .wait_for(timeout, |w| {
                w.requests
                    .iter()
                    .find(|r| {
                        (method == "*" || r.method.eq_ignore_ascii_case(method))
                            && state::path_matches(pattern, &r.path)
                            && r.status != 0
                    })
                    .cloned()
            })
            .await
            .ok_or_else(|| anyhow!("the bot made no {method} {pattern} request within {timeout:?}"))
    }

    pub fn clear_requests(&self) {
        self.world(|w| w.requests.clear());
    }

    /// Every REST request answered from now on, as it is answered, with when it arrived and,
    /// for an interaction's initial response, how long after the dispatch it came (see
    /// [`Observed`]). For load generators; a later call replaces the earlier receiver.
    pub fn observe(&self) -> tokio::sync::mpsc::UnboundedReceiver<Observed> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        *self
            .inner
            .observer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(tx);
        rx
    }

    /// The commands the bot registered (as Discord stores them): `None` global, `Some`
    /// for a guild.
    pub fn registered_commands(&self, guild: Option<GuildId>) -> Vec<Value> {
        self.inner
            .lock()
            .commands
            .get(&guild.map(|g| g.get()))
            .cloned()
            .unwrap_or_default()
    }

    /// Wait until the bot registered commands (globally: `None`, or for the guild).
    pub async fn wait_for_commands(
        &self,
        guild: Option<GuildId>,
        timeout: Duration,
    ) -> anyhow::Result<Vec<Value>> {
        let key = guild.map(|g| g.get());
        self.inner
            .wait_for(timeout, |w| {
                w.commands.get(&key).filter(|c| !c.is_empty()).cloned()
            })
            .await
            .ok_or_else(|| {
                anyhow!("the bot registered no commands for {guild:?} within {timeout:?}")
            })
    }

    // ---- failure injection and limits ---------------------------------------------------

    /// Answer the next request matching `method` (`"*"`: any) and `pattern` (see
    /// [`Self::requests_to`]) with `failure` instead of handling it.
    pub fn fail_next(&self, method: &str, pattern: &str, failure: Failure) {
        self.fail_times(method, pattern, failure, 1);
    }

    /// Like [`Self::fail_next`], for the next `times` matching requests.
    pub fn fail_times(&self, method: &str, pattern: &str, failure: Failure, times: u32) {
        self.world(|w| {
            w.failures.push(FailureRule {
                method: (method != "*").then(|| method.to_string()),
                pattern: pattern.to_string(),
                failure,
                remaining: times,
            })
        });
    }

    /// Answer requests matching `method` (`"*"`: any) and `pattern` (see
    /// [`Self::requests_to`]) only after `delay`, as a slow Discord would; `Duration::ZERO`
    /// removes the rule.
    pub fn set_latency(&self, method: &str, pattern: &str, delay: Duration) {
        let method = (method != "*").then(|| method.to_string());
        self.world(|w| {
            w.latencies
                .retain(|(m, p, _)| !(m == &method && p == pattern));
            if !delay.is_zero() {
                w.latencies.push((method, pattern.to_string(), delay));
            }
        });
    }

    /// Answer requests matching `method` and `pattern` only `delay` after they took effect,
    /// as a Discord whose answers are slow to come back would: a client that dies meanwhile
    /// has changed something it never heard of. `Duration::ZERO` removes the rule.
    pub fn set_reply_latency(&self, method: &str, pattern: &str, delay: Duration) {
        let method = (method != "*").then(|| method.to_string());
        self.world(|w| {
            w.reply_latencies
                .retain(|(m, p, _)| !(m == &method && p == pattern));
            if !delay.is_zero() {
                w.reply_latencies.push((method, pattern.to_string(), delay));
            }
        });
    }

    /// Change how long after an interaction its initial response is accepted.
    pub fn set_response_deadline(&self, deadline: Duration) {
        self.world(|w| w.settings.response_deadline = deadline);
    }

    /// Change how long an interaction token can be used.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.world(|w| w.settings.token_lifetime = lifetime);
    }

    /// Errors in the fake itself (a payload it built that serenity cannot decode).
    pub fn internal_errors(&self) -> Vec<String> {
        self.inner.lock().internal_errors.clone()
    }

    // ---- HTTP interactions ---------------------------------------------------------------

    /// Deliver interactions by POSTing them, signed, to these URLs (the "Interactions
    /// Endpoint URL" of several bot processes behind a load balancer, or one), in turn
    /// unless an actor picks one ([`Actor::via_endpoint`]); the HTTP reply is the initial
    /// response. An empty list goes back to dispatching them over the gateway.
    pub fn set_interaction_endpoints<S: Into<String>>(&self, urls: impl IntoIterator<Item = S>) {
        let urls: Vec<String> = urls.into_iter().map(Into::into).collect();
        self.world(|w| {
            w.http.endpoints = urls;
            w.http.next = 0;
        });
    }

    /// The application's Ed25519 public key in hex (`DISCORD_PUBLIC_KEY`), which every
    /// delivery is signed with (a fixed test key).
    pub fn public_key(&self) -> String {
        self.inner.lock().http.public_key_hex()
    }

    /// Every HTTP delivery so far, oldest first, with the endpoint's status and reply.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inner.lock().http.deliveries.clone()
    }

    // ---- gateway ------------------------------------------------------------------------

    /// Wait until `count` shards of a sharded bot (IDENTIFY with `shard: [id, total]`,
    /// total > 1) hold a live session.
    pub async fn wait_for_shards(&self, count: usize, timeout: Duration) -> anyhow::Result<()> {
        self.inner
            .wait_for(timeout, |w| {
                let live = w
                    .gateway
                    .shards
                    .values()
                    .filter(|s| s.live.is_some())
                    .count();
                (live >= count).then_some(())
            })
            .await
            .ok_or_else(|| {
                anyhow!(
                    "{count} shards were not connected within {timeout:?}; connected: {:?}",
                    self.connected_shards()
                )
            })
    }

    /// The shards with a live session now: `(id, total)`.
    pub fn connected_shards(&self) -> Vec<(u32, u32)> {
        self.inner
            .lock()
            .gateway
            .shards
            .iter()
            .filter(|(_, s)| s.live.is_some())
            .map(|(id, s)| (*id, s.total))
            .collect()
    }

    /// The guilds shard `shard`'s session was sent GUILD_CREATE for.
    pub fn shard_guilds(&self, shard: u32) -> Vec<GuildId> {
        self.inner
            .lock()
            .gateway
            .shards
            .get(&shard)
            .map(|s| s.guilds.iter().map(|g| GuildId::new(*g)).collect())
            .unwrap_or_default()
    }

    /// Wait until the bot sent IDENTIFY (at least once).
    pub async fn wait_for_identify(&self, timeout: Duration) -> anyhow::Result<()> {
        self.inner
            .wait_for(timeout, |w| (w.gateway.identifies > 0).then_some(()))
            .await
            .ok_or_else(|| anyhow!("the bot did not identify within {timeout:?}"))
    }

    /// Wait until the bot holds a live gateway session (READY and every GUILD_CREATE sent).
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        self.inner
            .wait_for(timeout, |w| {
                (w.gateway.session.is_some() && w.gateway.live.is_some()).then_some(())
            })
            .await
            .ok_or_else(|| anyhow!("the bot was not connected within {timeout:?}"))
    }

    /// Wait until the bot resumed at least `count` times in total.
    pub async fn wait_for_resumes(&self, count: u32, timeout: Duration) -> anyhow::Result<()> {
        self.inner
            .wait_for(timeout, |w| {
                (w.gateway.resumes >= count && w.gateway.live.is_some()).then_some(())
            })
            .await
            .ok_or_else(|| anyhow!("the bot did not resume {count}x within {timeout:?}"))
    }

    pub fn identify_count(&self) -> u32 {
        self.inner.lock().gateway.identifies
    }

    pub fn resume_count(&self) -> u32 {
        self.inner.lock().gateway.resumes
    }

    pub fn heartbeat_count(&self) -> u32 {
        self.inner.lock().gateway.heartbeats
    }

    /// Websocket connections opened so far.
    pub fn connection_count(&self) -> u32 {
        self.inner.lock().gateway.connections
    }

    /// The intents of the last IDENTIFY.
    pub fn intents(&self) -> u64 {
        self.inner.lock().gateway.intents
    }

    /// Turns the application's privileged GUILD_MEMBERS intent (the developer portal's
    /// "Server Members Intent") on or off; off by default, as on Discord. While it is off,
    /// an IDENTIFY that asks for it is closed with 4014 Disallowed intent(s).
    pub fn enable_members_intent(&self, enabled: bool) {
        self.world(|w| w.gateway.members_intent_enabled = enabled);
    }

    /// How many IDENTIFYs were closed with 4014 Disallowed intent(s).
    pub fn disallowed_intents_count(&self) -> u32 {
        self.inner.lock().gateway.disallowed_intents
    }

    /// Whether a gateway connection holds the session now.
    pub fn is_connected(&self) -> bool {
        self.inner.lock().gateway.live.is_some()
    }

    /// The sequence number of the last dispatch.
    pub fn last_sequence(&self) -> u64 {
        self.inner
            .lock()
            .gateway
            .session
            .as_ref()
            .map(|s| s.seq)
            .unwrap_or(0)
    }

    fn send_to_live(&self, out: WsOut) -> bool {
        let sent = match self.inner.lock().gateway.live.take() {
            Some(live) => live.tx.send(out).is_ok(),
            None => false,
        };
        self.inner.bump();
        sent
    }

    /// Cut the gateway connection without a closing handshake (a network failure). The
    /// session stays resumable: dispatches sent meanwhile are replayed on RESUME.
    pub fn drop_connection(&self) -> bool {
        self.send_to_live(WsOut::Abort)
    }

    /// Close the gateway connection with a close code (4000 resumable, 4009 session
    /// timed out → the client re-identifies, 4004 authentication failed → it stops).
    pub fn close_connection(&self, code: u16) -> bool {
        self.send_to_live(WsOut::Close(code, "closed by fake-discord".into()))
    }

    /// Send op 9 INVALID_SESSION with `d: resumable`; if not resumable the session is gone.
    pub fn invalidate_session(&self, resumable: bool) -> bool {
        let mut world = self.inner.lock();
        let sent = world.gateway.live.as_ref().is_some_and(|live| {
            live.tx
                .send(WsOut::Text(
                    json!({"op": 9, "s": null, "t": null, "d": resumable}).to_string(),
                ))
                .is_ok()
        });
        if !resumable {
            world.gateway.session = None;
        }
        drop(world);
        self.inner.bump();
        sent
    }

    /// Send op 7 RECONNECT: the client should reconnect and resume.
    pub fn request_reconnect(&self) -> bool {
        let world = self.inner.lock();
        world.gateway.live.as_ref().is_some_and(|live| {
            live.tx
                .send(WsOut::Text(
                    json!({"op": 7, "s": null, "t": null, "d": null}).to_string(),
                ))
                .is_ok()
        })
    }

    /// Send `text` as one text frame on the live gateway connection, as it is: no sequence
    /// number, no check (e.g. a frame that is not JSON, which serenity cannot decode at
    /// all). Returns whether a connection took it.
    pub fn send_raw_frame(&self, text: &str) -> bool {
        let world = self.inner.lock();
        world
            .gateway
            .live
            .as_ref()
            .is_some_and(|live| live.tx.send(WsOut::Text(text.to_string())).is_ok())
    }

    /// Send any dispatch (checked with serenity's model first); returns its sequence.
    pub fn dispatch(&self, event: &str, data: Value) -> anyhow::Result<u64> {
        let seq = self
            .world(|w| w.dispatch(event, data))
            .map_err(|e| anyhow!(e))?;
        Ok(seq)
    }
}
