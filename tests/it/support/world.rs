//! An end-to-end world: the fake Discord, a fresh database, and the real bot (the
//! serenity client inside licensebot) running against both, in this process.

use std::{sync::Arc, time::Duration};

use chrono::{Days, NaiveDate, Utc};
use fake_discord::{
    serenity::all::{ChannelId, GuildId, Permissions, RoleId, UserId},
    FakeDiscord, InteractionHandle, Response, StoredMessage,
};
use licensebot::{
    app::{App, Clock, KeyBatch},
    boot::{run_bot, BotOptions},
    config::Settings,
    domain::{records, Term},
    store::Store,
};
use secrecy::SecretString;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::db::TestDb;

pub const WAIT: Duration = Duration::from_secs(10);
pub const SKU: &str = "BUSINESS-STANDARD";
pub const OTHER_SKU: &str = "BUSINESS-PREMIUM";

pub struct World {
    pub fake: FakeDiscord,
    pub db: TestDb,
    pub app: App,
    pub guild: GuildId,
    pub admins: RoleId,
    pub admin: UserId,
    pub notices: ChannelId,
    /// The subscription every test starts with: "Contoso", 50 seats, ending in 60 days.
    pub subscription: i64,
    bot: Option<(CancellationToken, JoinHandle<anyhow::Result<()>>)>,
}

/// The bot's permissions in a guild whose license roles it manages: what its invite grants,
/// with Manage Roles.
pub fn bot_permissions() -> Permissions {
    Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::EMBED_LINKS
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::USE_APPLICATION_COMMANDS
        | Permissions::MANAGE_ROLES
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A date as licensebot shows it in Discord: a timestamp at noon UTC (`<t:…:D>`).
pub fn shown(date: NaiveDate) -> String {
    let noon = date.and_hms_opt(12, 0, 0).expect("noon").and_utc();
    format!("<t:{}:D>", noon.timestamp())
}

/// Whether `text` holds an ISO date (`2027-01-31`) anywhere.
pub fn has_iso_date(text: &str) -> bool {
    let shape = b"dddd-dd-dd";
    text.as_bytes().windows(shape.len()).any(|w| {
        w.iter().zip(shape).all(|(c, s)| match s {
            b'd' => c.is_ascii_digit(),
            _ => c == s,
        })
    })
}

impl World {
    /// The store under the app, for reading what the bot wrote.
    pub fn store(&self) -> Store {
        Store::new(self.db.pool.clone())
    }

    /// The default world, in English.
    pub async fn new() -> World {
        World::with(Settings::default(), "en-US").await
    }

    pub async fn with(settings: Settings, guild_locale: &str) -> World {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn".into()),
            )
            .with_test_writer()
            .try_init();
        let fake = FakeDiscord::start().await.expect("fake Discord starts");
        // An operator who asks for the privileged intent turned it on in the portal.
        fake.enable_members_intent(settings.discord.members_intent);
        let db = TestDb::new().await;
        let app = App::assemble(
            Store::new(db.pool.clone()),
            Arc::new(settings),
            Clock::System,
        );
        let guild = fake.create_guild("Contoso Ltd", guild_locale);
        let admins = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
        let admin = fake.add_member(guild, "ana", &[admins]);
        let notices = fake.create_text_channel(guild, "licenses");
        app.add_product(SKU, "Business Standard", Some(300))
            .await
            .unwrap();
        app.add_product(OTHER_SKU, "Business Premium", None)
            .await
            .unwrap();
        let sub = app
            .create_subscription(
                records::GuildId(guild.get()),
                SKU,
                "Contoso",
                50,
                today() + Days::new(60),
            )
            .await
            .unwrap();
        app.set_notice_channel(records::GuildId(guild.get()), notices.get())
            .await
            .unwrap();
        let mut world = World {
            fake,
            db,
            app,
            guild,
            admins,
            admin,
            notices,
            subscription: sub.id,
            bot: None,
        };
        world.start_bot().await;
        world
    }

    /// Starts the bot and waits until it is connected and its commands are registered.
    pub async fn start_bot(&mut self) {
        assert!(self.bot.is_none(), "the bot is already running");
        let connections = self.fake.connection_count();
        self.fake.clear_requests();
        let stop = CancellationToken::new();
        let options = BotOptions {
            app: self.app.clone(),
            token: SecretString::from(self.fake.token().to_string()),
            api_url: Some(self.fake.api_url()),
            register_in_guild: None,
        };
        let task = tokio::spawn(run_bot(options, stop.clone()));
        self.bot = Some((stop, task));
        self.fake
            .wait_for_request("PUT", "/applications/*/commands", WAIT)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "commands registered: {e}; requests: {:?}; internal errors: {:?}",
                    self.fake
                        .requests()
                        .iter()
                        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
                        .collect::<Vec<_>>(),
                    self.fake.internal_errors()
                )
            });
        assert!(
            self.fake.connection_count() > connections,
            "the bot connected to the gateway"
        );
    }

    /// Stops the bot the way SIGTERM does, and waits until it has.
    pub async fn stop_bot(&mut self) {
        let (stop, task) = self.bot.take().expect("the bot is running");
        stop.cancel();
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("the bot stops within 20 s")
            .expect("the bot task did not panic")
            .expect("the bot stopped cleanly");
    }

    pub fn guild_id(&self) -> records::GuildId {
        records::GuildId(self.guild.get())
    }

    /// Mints keys for a product; returns them dashed.
    pub async fn keys(&self, sku: &str, seats: i64, term: &str, count: usize) -> Vec<String> {
        self.app
            .generate_keys(&KeyBatch {
                product_sku: sku.into(),
                seats,
                term: term.parse::<Term>().unwrap(),
                count,
                batch: Some("test".into()),
                expires_on: None,
            })
            .await
            .unwrap()
            .iter()
            .map(|k| k.to_string())
            .collect()
    }

    /// Makes three keys unusable, one each way a key can be: `redeemed` (on *Contoso*, by
    /// the admin, through the bot), `revoked`, and `expired` (its last day was yesterday).
    pub async fn spoil_keys(&self, redeemed: &str, revoked: &str, expired: &str) {
        let (run, _) = self
            .order(self.admin, "en-US", "add-licenses", "Contoso", redeemed)
            .await;
        answer(&run.click("Redeem").await.unwrap()).await;
        self.app
            .revoke_keys(None, &[revoked.to_string()])
            .await
            .unwrap();
        sqlx::query("UPDATE product_keys SET expires_on = $1 WHERE tail = $2")
            .bind(today() - Days::new(1))
            .bind(&expired[expired.len() - 5..])
            .execute(&self.db.pool)
            .await
            .unwrap();
    }

    /// `/add-licenses` or `/extend` as `user`, in `locale`; waits for the first answer.
    pub async fn order(
        &self,
        user: UserId,
        locale: &str,
        command: &str,
        subscription: &str,
        keys: &str,
    ) -> (InteractionHandle, StoredMessage) {
        let run = self
            .fake
            .as_member(self.guild, user)
            .locale(locale)
            .command(command)
            .option("subscription", subscription)
            .option("keys", keys)
            .send()
            .await
            .unwrap();
        let message = answer(&run).await;
        (run, message)
    }

    /// `/activate name:<name> keys:<keys>` as `user`, in `locale`; waits for the first
    /// answer. In Dutch (`nl`), typed as a Dutch admin types it: `/activeren naam:…
    /// productcodes:…`.
    pub async fn activate(
        &self,
        user: UserId,
        locale: &str,
        name: &str,
        keys: &str,
    ) -> (InteractionHandle, StoredMessage) {
        let (command, name_option, keys_option) = match locale {
            "nl" => ("activeren", "naam", "productcodes"),
            _ => ("activate", "name", "keys"),
        };
        let run = self
            .fake
            .as_member(self.guild, user)
            .locale(locale)
            .command(command)
            .option(name_option, name)
            .option(keys_option, keys)
            .send()
            .await
            .unwrap();
        let message = answer(&run).await;
        (run, message)
    }

    /// The guild's subscription of this name (case-insensitively), if it has one.
    pub async fn subscription_named(&self, name: &str) -> Option<records::Subscription> {
        self.store()
            .subscription_by_name(self.guild_id(), name)
            .await
            .unwrap()
    }

    /// How many subscriptions the guild has.
    pub async fn subscription_count(&self) -> usize {
        self.store()
            .list_subscriptions(self.guild_id())
            .await
            .unwrap()
            .len()
    }

    /// A key's state as stored: `available`, `redeemed` or `revoked`.
    pub async fn key_state(&self, key: &str) -> String {
        let key = licensebot::domain::ProductKey::parse(key).unwrap();
        sqlx::query_scalar("SELECT state FROM product_keys WHERE digest = $1")
            .bind(&key.digest().0[..])
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    pub async fn seats(&self) -> i64 {
        self.store()
            .subscription(self.guild_id(), self.subscription)
            .await
            .unwrap()
            .unwrap()
            .seats
    }

    pub async fn ends_on(&self) -> NaiveDate {
        self.store()
            .subscription(self.guild_id(), self.subscription)
            .await
            .unwrap()
            .unwrap()
            .ends_on
    }

    pub async fn redemption_count(&self) -> i64 {
        self.store()
            .count_redemptions(self.guild_id(), None)
            .await
            .unwrap()
    }

    pub async fn order_count(&self) -> i64 {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM orders")
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    /// The notice channel's messages (the /settings greeting aside).
    pub fn notices(&self) -> Vec<StoredMessage> {
        self.fake.channel_messages(self.notices)
    }

    /// Waits until the notice channel holds `count` messages.
    pub async fn wait_notices(&self, count: usize) -> Vec<StoredMessage> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let now = self.notices();
            if now.len() >= count || tokio::time::Instant::now() > deadline {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The interaction's message once the bot has answered (after a deferral: once edited).
pub async fn answer(run: &InteractionHandle) -> StoredMessage {
    let response: Response = run.wait_response(WAIT).await.expect("the bot answered");
    match response.message {
        Some(m) if !m.is_loading() => m,
        _ => run
            .wait_original(WAIT, |m| !m.is_loading())
            .await
            .expect("the deferred answer arrived"),
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some((stop, _)) = &self.bot {
            stop.cancel();
        }
    }
}
