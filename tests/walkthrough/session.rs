//! The walkthrough's session, shared by `cargo run --example walkthrough` and the test
//! `tests/it/walkthrough_runs.rs`: the fake Discord, the real bot (in this process) and a
//! PostgreSQL database; the operator's set-up (a product and keys, nothing else); then an
//! admin's session, from starting the subscription with /activate to the ledger, printed
//! as a chat transcript a person can read.
//!
//! The database is the one named by the caller, or else the walkthrough's own private
//! cluster (see [`walkthrough_data_dir`]). Every run makes a new guild in the fake
//! Discord, and guild ids are snowflakes (time-based), so a run never meets the subscription,
//! orders or redemptions of an earlier run in the same database: a second run works like
//! the first. The product is created once and reused.
//!
//! The transcript shows product keys the way licensebot does, masked: it may be pasted into
//! issues and chats. The fake Discord itself receives the real keys.

use std::{collections::HashMap, io::Write, path::PathBuf, sync::Arc, time::Duration};

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use fake_discord::{
    serenity::all::{ChannelId, GuildId, Permissions, RoleId, UserId},
    CallbackKind, FakeDiscord, InteractionHandle, Modal, Response, StoredMessage,
};
use licensebot::{
    app::{App, Clock, KeyBatch},
    boot::{run_bot, BotOptions},
    config::Settings,
    domain::{Term, ALPHABET},
    pg_cluster::{PrivateCluster, Startup},
    store::Store,
};
use secrecy::SecretString;
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// How long to wait for any one answer of the bot (it answers in milliseconds).
const WAIT: Duration = Duration::from_secs(10);
const SKU: &str = "BUSINESS-STANDARD";
const PRODUCT: &str = "Business Standard";
const MAX_SEATS: i64 = 300;
const GUILD: &str = "Contoso Ltd";
const SUBSCRIPTION: &str = "Contoso";
/// The seats of the key that starts the subscription.
const SEATS: i64 = 50;
/// The small subscription whose licenses go to people, and the role its holders carry.
const TEAM: &str = "Contoso Design";
const TEAM_SEATS: i64 = 3;
const TEAM_ROLE: &str = "Design licenses";
const ADMIN: &str = "ana";
/// Members who get a license: two assigned, one by request; the last one finds none left.
const MEMBERS: [&str; 4] = ["bob", "carol", "dave", "erin"];
/// Width of the channel headers.
const RULE: usize = 64;

/// What a run printed, and what a test needs to check it.
pub struct Transcript {
    /// Everything written to `out`.
    pub text: String,
    /// The product keys minted for this run, in full: for tests, to check that none of
    /// them appears in `text`.
    pub minted_keys: Vec<String>,
    /// What the fake Discord refused (answers Discord would have rejected) or could not
    /// build; empty when all went well.
    pub problems: Vec<String>,
}

/// Where the walkthrough keeps its private cluster when no database is named:
/// `walkthrough/` inside the bot's data directory, that is `$LICENSEBOT_DATA_DIR/walkthrough`,
/// else `~/.local/share/licensebot/walkthrough` (`/var/lib/licensebot/walkthrough` as root).
/// A cluster of its own, so that the walkthrough's demo guilds, products and keys never
/// mix with a real bot's data, and a bot using the same data directory is not disturbed;
/// `rm -rf` of this directory (after stopping its server) forgets every walkthrough.
pub fn walkthrough_data_dir() -> PathBuf {
    licensebot::pg_cluster::default_data_dir().join("walkthrough")
}

/// Runs the walkthrough against `db_url`, or the walkthrough's private cluster when
/// `None` (started if needed, and stopped again at the end if this run started it),
/// writing the transcript to `out` as it happens.
pub async fn play(db_url: Option<String>, out: &mut impl Write) -> anyhow::Result<Transcript> {
    let settings = Settings::default();
    let mut chat = Chat::new(out);
    let (store, started) = open_database(db_url, &settings, &mut chat).await?;
    let app = App::assemble(store.clone(), Arc::new(settings), Clock::System);
    let fake = FakeDiscord::start()
        .await
        .context("starting the fake Discord")?;
    let guild = fake.create_guild(GUILD, "en-US");
    let admins = fake.create_role(guild, "admins", Permissions::MANAGE_GUILD);
    let admin = fake.add_member(guild, ADMIN, &[admins]);
    let general = fake.default_channel(guild);
    let notices = fake.create_text_channel(guild, "licenses");
    let team_role = fake.create_role(guild, TEAM_ROLE, Permissions::empty());
    // The invite's Manage Roles, and the bot's role dragged above the role it will give.
    fake.set_bot_permissions(
        guild,
        Permissions::VIEW_CHANNEL
            | Permissions::SEND_MESSAGES
            | Permissions::EMBED_LINKS
            | Permissions::READ_MESSAGE_HISTORY
            | Permissions::MANAGE_ROLES,
    );
    fake.set_role_position(guild, fake.bot_role(guild), 10);
    let members = MEMBERS.map(|name| {
        let user = fake.add_member(guild, name, &[]);
        chat.users.insert(user.get(), name.into());
        user
    });
    chat.roles.insert(team_role.get(), TEAM_ROLE.into());
    chat.users.insert(admin.get(), ADMIN.into());
    chat.users
        .insert(fake.bot_user_id().get(), "licensebot".into());
    chat.roles.insert(admins.get(), "admins".into());
    chat.channels.insert(general.get(), "general".into());
    chat.channels.insert(notices.get(), "licenses".into());

    let keys = set_up(&app, &mut chat).await?;
    let stage = Stage {
        app: app.clone(),
        fake,
        guild,
        admin,
        general,
        notices,
        keys,
        team_role,
        admins,
        members,
    };
    let bot = start_bot(&app, &stage.fake).await?;
    show_languages(&stage.fake, &mut chat)?;
    let outcome = session(&stage, &mut chat).await;
    let stopped = stop_bot(bot).await;
    // Notices the bot flushed while stopping.
    let _ = chat.show_notices(&stage, 0).await;
    forget_notice_channel(&store, guild).await;
    store.pool().close().await;
    if let Some(cluster) = started {
        cluster
            .stop()
            .await
            .context("stopping the walkthrough's private PostgreSQL cluster")?;
    }
    outcome?;
    stopped?;
    chat.problems.extend(stage.fake.internal_errors());
    Ok(Transcript {
        text: chat.text,
        minted_keys: stage.keys.all(),
        problems: chat.problems,
    })
}

/// Connects to `db_url`, or to the walkthrough's private cluster, migrates, and says which.
/// Returns the private cluster too when this run started it, to be stopped at the end.
async fn open_database<W: Write>(
    db_url: Option<String>,
    settings: &Settings,
    chat: &mut Chat<'_, W>,
) -> anyhow::Result<(Store, Option<PrivateCluster>)> {
    let (url, said, started) = match db_url {
        Some(url) => {
            let said = format!("database: {}", redacted(&url));
            (url, said, None)
        }
        None => {
            let dir = walkthrough_data_dir();
            let cluster = PrivateCluster::start(&dir).await.with_context(|| {
                format!(
                    "starting the walkthrough's private PostgreSQL cluster in {} \
                     (or set DATABASE_URL)",
                    dir.display()
                )
            })?;
            let how = match cluster.startup() {
                Startup::Created => "created and started now; stopped again at the end",
                Startup::Started => "started now; stopped again at the end",
                Startup::AlreadyRunning => "already running; left running",
            };
            let said = format!(
                "database: the walkthrough's private PostgreSQL {} cluster in {} ({how})",
                cluster.version(),
                cluster.cluster_dir().display(),
            );
            let started = (cluster.startup() != Startup::AlreadyRunning).then(|| cluster.clone());
            (cluster.database_url(), said, started)
        }
    };
    chat.line(&said)?;
    let store = Store::connect(&url, settings.database.max_connections)
        .await
        .with_context(|| format!("connecting to {}", redacted(&url)))?;
    licensebot::store::migrate(store.pool()).await?;
    Ok((store, started))
}

/// The keys minted for the session, in full.
struct Keys {
    /// Typed into /activate: it starts the subscription.
    activate: String,
    /// Typed into /add-licenses (first mistyped, then right).
    typed: String,
    /// Entered in the *Add another product key* modal.
    modal: String,
    /// Typed into /extend.
    extend: String,
    /// Typed into /activate to start [`TEAM`], whose licenses go to people.
    team: String,
    /// One more license for [`TEAM`]; the shop refunds it, and the vendor reverses it.
    refunded: String,
}

impl Keys {
    fn all(&self) -> Vec<String> {
        vec![
            self.activate.clone(),
            self.typed.clone(),
            self.modal.clone(),
            self.extend.clone(),
            self.team.clone(),
            self.refunded.clone(),
        ]
    }
}

/// Everything the session acts on.
struct Stage {
    /// The operator's use cases (the vendor's refund runs through them, as the CLI does).
    app: App,
    fake: FakeDiscord,
    guild: GuildId,
    admin: UserId,
    general: ChannelId,
    notices: ChannelId,
    keys: Keys,
    /// The role linked to [`TEAM`].
    team_role: RoleId,
    /// The admins' role: it carries Manage Server, so it can never be a license role.
    admins: RoleId,
    /// [`MEMBERS`], in order.
    members: [UserId; 4],
}

/// The operator's part: a product and keys, printed as the `licensebot` commands that do
/// the same (they call these same use cases). The guild starts its subscription itself,
/// with /activate.
async fn set_up<W: Write>(app: &App, chat: &mut Chat<'_, W>) -> anyhow::Result<Keys> {
    chat.header("set-up: the operator runs (the same use cases, in-process)")?;
    let add_product = format!(
        "$ licensebot products add --sku {SKU} --name \"{PRODUCT}\" --max-seats {MAX_SEATS}"
    );
    match app
        .list_products()
        .await?
        .into_iter()
        .find(|p| p.sku == SKU)
    {
        Some(_) => chat.line(&format!("{add_product}   # already there: reused"))?,
        None => {
            chat.line(&add_product)?;
            app.add_product(SKU, PRODUCT, Some(MAX_SEATS))
                .await
                .context("adding the product")?;
        }
    }
    chat.line(&format!(
        "(in Discord, the server gives licensebot Manage Roles and drags its role above \
         @{TEAM_ROLE})"
    ))?;
    let mut keys = Vec::new();
    for seats in [SEATS, 10, 15, 25, TEAM_SEATS, 1] {
        chat.line(&format!(
            "$ licensebot keys generate --product {SKU} --seats {seats} --term 12m --count 1 \
             --batch walkthrough"
        ))?;
        let minted = app
            .generate_keys(&KeyBatch {
                product_sku: SKU.into(),
                seats,
                term: "12m".parse::<Term>()?,
                count: 1,
                batch: Some("walkthrough".into()),
                expires_on: None,
            })
            .await
            .context("minting keys")?;
        let key = minted.first().context("no key minted")?;
        chat.line(&format!(
            "{}   # printed in full; masked here",
            key.masked()
        ))?;
        keys.push(key.to_string());
    }
    let [activate, typed, modal, extend, team, refunded] =
        <[String; 6]>::try_from(keys).map_err(|_| anyhow::anyhow!("expected six keys"))?;
    Ok(Keys {
        activate,
        typed,
        modal,
        extend,
        team,
        refunded,
    })
}

async fn start_bot(
    app: &App,
    fake: &FakeDiscord,
) -> anyhow::Result<(CancellationToken, JoinHandle<anyhow::Result<()>>)> {
    let stop = CancellationToken::new();
    let options = BotOptions {
        app: app.clone(),
        token: SecretString::from(fake.token().to_string()),
        api_url: Some(fake.api_url()),
        register_in_guild: None,
    };
    let task = tokio::spawn(run_bot(options, stop.clone()));
    if let Err(e) = fake.wait_for_commands(None, WAIT).await {
        stop.cancel();
        return match tokio::time::timeout(WAIT, task).await {
            Ok(Ok(Err(bot))) => Err(bot.context("the bot stopped before registering its commands")),
            _ => Err(e.context("the bot did not register its commands")),
        };
    }
    Ok((stop, task))
}

/// The languages the bot registered its commands in, as one line: each user reads
/// licensebot (and types its commands) in their Discord language, notices follow the
/// server's.
fn show_languages<W: Write>(fake: &FakeDiscord, chat: &mut Chat<'_, W>) -> anyhow::Result<()> {
    let commands = fake.registered_commands(None);
    let add = commands
        .iter()
        .find(|c| c["name"] == "add-licenses")
        .context("/add-licenses is not registered")?;
    let names: Vec<String> = add["name_localizations"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(code, name)| Some(format!("{code} /{}", name.as_str()?)))
        .collect();
    chat.line(&format!(
        "licensebot speaks English, Dutch, German, French, Spanish, Brazilian Portuguese, \
         Italian and Polish; /add-licenses is {}",
        names.join(", ")
    ))
}

/// Stops the bot the way SIGTERM does: it finishes what is in flight and flushes notices.
async fn stop_bot(
    (stop, task): (CancellationToken, JoinHandle<anyhow::Result<()>>),
) -> anyhow::Result<()> {
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .context("the bot did not stop within 20 s")?
        .context("the bot task panicked")?
        .context("the bot stopped with an error")
}

/// The walkthrough's guild exists only in this run's fake Discord: once it is over, its
/// notice channel is forgotten, so that the lifecycle reminders the scheduler of a later
/// run (or of a bot sharing the database) writes for its subscription are dropped quietly
/// instead of being refused by a Discord that never heard of the channel.
async fn forget_notice_channel(store: &Store, guild: GuildId) {
    let forgotten =
        sqlx::query("UPDATE guild_settings SET notice_channel_id = NULL WHERE guild_id = $1")
            .bind(guild.get() as i64)
            .execute(store.pool())
            .await;
    if let Err(e) = forgotten {
        tracing::warn!(error = %e, "could not forget the walkthrough's notice channel");
    }
}

/// The admin's session.
async fn session<W: Write>(stage: &Stage, chat: &mut Chat<'_, W>) -> anyhow::Result<()> {
    let ana = || stage.fake.as_member(stage.guild, stage.admin);
    let keys = &stage.keys;

    // Where notices go.
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/settings notices channel:#licenses")?;
    let run = ana()
        .command("settings notices")
        .option("channel", stage.notices)
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.show_notices(stage, 1).await?;

    // The set-up, as a checklist.
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/settings show")?;
    let run = ana().command("settings show").send().await?;
    chat.answer(&run).await?;

    // "Your products": none yet.
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/subscriptions")?;
    let run = ana().command("subscriptions").send().await?;
    chat.answer(&run).await?;

    // The subscription, started with a product key, and redeemed.
    chat.said(
        ADMIN,
        &format!(
            "/activate name:{SUBSCRIPTION} keys:{}",
            mask_typed(&keys.activate)
        ),
    )?;
    let activate = ana()
        .command("activate")
        .option("name", SUBSCRIPTION)
        .option("keys", keys.activate.as_str())
        .send()
        .await?;
    chat.answer(&activate).await?;
    let redeem = chat.click(&activate, "Redeem").await?;
    chat.answer(&redeem).await?;
    chat.show_notices(stage, 1).await?;

    // "Your products" again.
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/subscriptions")?;
    let run = ana().command("subscriptions").send().await?;
    chat.answer(&run).await?;

    // Pick the subscription from autocomplete, then a key with a typo.
    chat.line(&format!("{ADMIN} types /add-licenses subscription:Con…"))?;
    let typing = ana()
        .command("add-licenses")
        .focused("subscription", "Con")
        .send()
        .await?;
    let choices = chat.answer(&typing).await?.choices;
    let Some(choice) = choices.first() else {
        bail!("autocomplete offered no subscription");
    };
    let subscription = choice
        .value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| choice.value.to_string());
    chat.line(&format!("{ADMIN} picks “{}”", choice.name))?;
    let mistyped = mistype(&keys.typed);
    let order = |keys: &str| {
        ana()
            .command("add-licenses")
            .option("subscription", subscription.as_str())
            .option("keys", keys)
    };
    chat.said(
        ADMIN,
        &format!(
            "/add-licenses subscription:{SUBSCRIPTION} keys:{}",
            mask_typed(&mistyped)
        ),
    )?;
    let run = order(&mistyped).send().await?;
    chat.answer(&run).await?;

    // The right key: the review.
    chat.said(
        ADMIN,
        &format!(
            "/add-licenses subscription:{SUBSCRIPTION} keys:{}",
            mask_typed(&keys.typed)
        ),
    )?;
    let review = order(&keys.typed).send().await?;
    chat.answer(&review).await?;

    // Add another product key, in the modal (typed in lower case: keys are
    // case-insensitive).
    let add = chat.click(&review, "Add another product key").await?;
    let modal = chat
        .answer(&add)
        .await?
        .modal
        .context("Add another product key opened no modal")?;
    let input = modal
        .inputs
        .first()
        .context("the modal has no text input")?
        .label
        .clone();
    let typed = keys.modal.to_lowercase();
    chat.line(&format!(
        "{ADMIN} types {} into “{input}” and submits",
        mask_typed(&typed)
    ))?;
    let submitted = add
        .submit_modal(&[(input.as_str(), typed.as_str())])
        .await?;
    chat.answer(&submitted).await?;

    // Redeem.
    let redeem = chat.click(&submitted, "Redeem").await?;
    chat.answer(&redeem).await?;
    chat.show_notices(stage, 1).await?;

    // Extend, pooling seat-time, and redeem.
    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!(
            "/extend subscription:{SUBSCRIPTION} keys:{}",
            mask_typed(&keys.extend)
        ),
    )?;
    let extend = ana()
        .command("extend")
        .option("subscription", SUBSCRIPTION)
        .option("keys", keys.extend.as_str())
        .send()
        .await?;
    chat.answer(&extend).await?;
    let redeem = chat.click(&extend, "Redeem").await?;
    chat.answer(&redeem).await?;
    chat.show_notices(stage, 1).await?;

    // The ledger.
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/redemptions")?;
    let run = ana().command("redemptions").send().await?;
    chat.answer(&run).await?;
    chat.show_notices(stage, 0).await?;

    licenses_scene(stage, chat).await
}

/// Licenses go to people: a role linked to the team's subscription, two members assigned,
/// one asks and is approved, and the subscription runs out of licenses.
async fn licenses_scene<W: Write>(stage: &Stage, chat: &mut Chat<'_, W>) -> anyhow::Result<()> {
    let ana = || stage.fake.as_member(stage.guild, stage.admin);
    let [bob, carol, dave, erin] = stage.members;
    let name = |user: UserId| chat_name(user, stage);

    // The team's own subscription, started like the first one.
    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!(
            "/activate name:{TEAM} keys:{}",
            mask_typed(&stage.keys.team)
        ),
    )?;
    let activate = ana()
        .command("activate")
        .option("name", TEAM)
        .option("keys", stage.keys.team.as_str())
        .send()
        .await?;
    chat.answer(&activate).await?;
    let redeem = chat.click(&activate, "Redeem").await?;
    chat.answer(&redeem).await?;
    chat.show_notices(stage, 1).await?;

    // A license role grants access, never power: the admins' role (Manage Server) is refused.
    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!("/settings license-role subscription:{TEAM} role:@admins"),
    )?;
    let run = ana()
        .command("settings license-role")
        .option("subscription", TEAM)
        .option("role", stage.admins)
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.said(
        ADMIN,
        &format!("/settings license-role subscription:{TEAM} role:@{TEAM_ROLE}"),
    )?;
    let run = ana()
        .command("settings license-role")
        .option("subscription", TEAM)
        .option("role", stage.team_role)
        .send()
        .await?;
    chat.answer(&run).await?;
    for member in [bob, carol] {
        chat.said(
            ADMIN,
            &format!(
                "/licenses assign subscription:{TEAM} user:@{}",
                name(member)
            ),
        )?;
        let run = ana()
            .command("licenses assign")
            .option("subscription", TEAM)
            .option("user", member)
            .send()
            .await?;
        chat.answer(&run).await?;
    }

    // dave asks; the request waits in the notice channel.
    chat.said("dave", &format!("/request-license subscription:{TEAM}"))?;
    let run = stage
        .fake
        .as_member(stage.guild, dave)
        .command("request-license")
        .option("subscription", TEAM)
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.show_notices(stage, 1).await?;
    let request = stage
        .fake
        .wait_for_message(stage.notices, WAIT, |m| {
            m.button_labels() == ["Approve", "Deny"]
        })
        .await?;
    chat.line(&format!("{ADMIN} clicks [Approve]"))?;
    let approve = ana().click(request.id, "Approve").await?;
    chat.answer(&approve).await?;
    let decided = stage
        .fake
        .wait_for_message(stage.notices, WAIT, |m| {
            m.id == request.id && m.buttons().is_empty()
        })
        .await?;
    chat.enter(stage.notices)?;
    chat.message(&decided, " updates the request")?;
    // The last free license, announced once.
    chat.show_notices(stage, 1).await?;
    let dm = direct_message(stage, dave).await?;
    chat.line("")?;
    chat.line(&format!(
        "── direct message to @dave {}",
        "─".repeat(RULE - 27)
    ))?;
    chat.here = None;
    chat.message(&dm, "")?;

    // None left: erin is refused.
    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!("/licenses assign subscription:{TEAM} user:@{}", name(erin)),
    )?;
    let run = ana()
        .command("licenses assign")
        .option("subscription", TEAM)
        .option("user", erin)
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.said(ADMIN, &format!("/licenses list subscription:{TEAM}"))?;
    let run = ana()
        .command("licenses list")
        .option("subscription", TEAM)
        .send()
        .await?;
    chat.answer(&run).await?;

    // What Discord shows: the linked role on every holder, and on no one else.
    let deadline = tokio::time::Instant::now() + WAIT;
    let holders = [bob, carol, dave];
    while !holders.iter().all(|m| {
        stage
            .fake
            .member_roles(stage.guild, *m)
            .contains(&stage.team_role)
    }) && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    chat.line("")?;
    chat.line(&format!(
        "── members' roles in Discord {}",
        "─".repeat(RULE - 29)
    ))?;
    chat.here = None;
    for member in stage.members {
        let roles: Vec<String> = stage
            .fake
            .member_roles(stage.guild, member)
            .iter()
            .map(|r| {
                format!(
                    "@{}",
                    chat.roles.get(&r.get()).cloned().unwrap_or(r.to_string())
                )
            })
            .collect();
        let roles = if roles.is_empty() {
            "(none)".to_string()
        } else {
            roles.join(", ")
        };
        chat.line(&format!("@{}: {roles}", name(member)))?;
    }
    chat.show_notices(stage, 0).await?;
    refund_scene(stage, chat).await
}

/// The shop refunds one key: [`TEAM`] gets one more license, erin is assigned it (every
/// license is assigned), then the vendor reverses that key. The subscription loses exactly
/// that license, and erin, assigned last, loses it and the role.
async fn refund_scene<W: Write>(stage: &Stage, chat: &mut Chat<'_, W>) -> anyhow::Result<()> {
    let ana = || stage.fake.as_member(stage.guild, stage.admin);
    let erin = stage.members[3];

    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!(
            "/add-licenses subscription:{TEAM} keys:{}",
            mask_typed(&stage.keys.refunded)
        ),
    )?;
    let run = ana()
        .command("add-licenses")
        .option("subscription", TEAM)
        .option("keys", stage.keys.refunded.as_str())
        .send()
        .await?;
    chat.answer(&run).await?;
    let redeem = chat.click(&run, "Redeem").await?;
    chat.answer(&redeem).await?;
    chat.show_notices(stage, 1).await?;
    chat.enter(stage.general)?;
    chat.said(
        ADMIN,
        &format!("/licenses assign subscription:{TEAM} user:@erin"),
    )?;
    let run = ana()
        .command("licenses assign")
        .option("subscription", TEAM)
        .option("user", erin)
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.show_notices(stage, 1).await?;
    wait_for_role(stage, erin, true).await;

    // The shop refunds that order; the vendor takes the key back.
    chat.header("the vendor refunds the key (the operator runs)")?;
    chat.line(&format!(
        "$ licensebot keys reverse {} --reason \"refund, order 1042\"",
        mask_typed(&stage.keys.refunded)
    ))?;
    let reversed = stage
        .app
        .reverse_keys(
            None,
            std::slice::from_ref(&stage.keys.refunded),
            Some("refund, order 1042"),
        )
        .await
        .context("reversing the refunded key")?;
    for key in &reversed {
        chat.line(&format!("{}  {}", key.tail.masked(), key.result.as_str()))?;
    }
    chat.here = None;
    chat.show_notices(stage, 1).await?;
    wait_for_role(stage, erin, false).await;

    chat.line("")?;
    chat.line(&format!(
        "── members' roles in Discord {}",
        "─".repeat(RULE - 29)
    ))?;
    chat.here = None;
    for member in stage.members {
        let roles: Vec<String> = stage
            .fake
            .member_roles(stage.guild, member)
            .iter()
            .map(|r| {
                format!(
                    "@{}",
                    chat.roles.get(&r.get()).cloned().unwrap_or(r.to_string())
                )
            })
            .collect();
        let roles = if roles.is_empty() {
            "(none)".to_string()
        } else {
            roles.join(", ")
        };
        chat.line(&format!("@{}: {roles}", chat_name(member, stage)))?;
    }
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/redemptions")?;
    let run = ana().command("redemptions").send().await?;
    chat.answer(&run).await?;
    chat.show_notices(stage, 0).await?;
    language_scene(stage, chat).await
}

/// Another language: the server's language is set to German, so the team channel reads
/// German from now on, and an admin whose Discord is in German types the German command
/// and reads German; replies follow each reader's own Discord language.
async fn language_scene<W: Write>(stage: &Stage, chat: &mut Chat<'_, W>) -> anyhow::Result<()> {
    let ana = || stage.fake.as_member(stage.guild, stage.admin);
    chat.enter(stage.general)?;
    chat.said(ADMIN, "/settings language language:Deutsch")?;
    let run = ana()
        .command("settings language")
        .option("language", "de")
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.line(&format!(
        "{ADMIN} switches Discord to German and types /einstellungen übersicht, then /abonnements"
    ))?;
    chat.said(ADMIN, "/einstellungen übersicht")?;
    let run = ana()
        .locale("de")
        .command("einstellungen übersicht")
        .send()
        .await?;
    chat.answer(&run).await?;
    chat.said(ADMIN, "/abonnements")?;
    let run = ana().locale("de").command("abonnements").send().await?;
    chat.answer(&run).await?;
    Ok(())
}

/// Waits (a while) until `member` carries the team's role at Discord (`has`), or not.
async fn wait_for_role(stage: &Stage, member: UserId, has: bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while stage
        .fake
        .member_roles(stage.guild, member)
        .contains(&stage.team_role)
        != has
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn chat_name(user: UserId, stage: &Stage) -> &'static str {
    stage
        .members
        .iter()
        .position(|m| *m == user)
        .map(|i| MEMBERS[i])
        .unwrap_or("someone")
}

/// The bot's first direct message to `user`: a message in a DM channel the bot opened with
/// them (`POST /users/@me/channels`).
async fn direct_message(stage: &Stage, user: UserId) -> anyhow::Result<StoredMessage> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let channel = stage
            .fake
            .requests_to("POST", "/users/@me/channels")
            .iter()
            .filter(|r| {
                r.body.as_ref().and_then(|b| b["recipient_id"].as_str())
                    == Some(user.to_string().as_str())
            })
            .find_map(|r| r.response.as_ref()?["id"].as_str()?.parse::<u64>().ok());
        if let Some(message) = channel.and_then(|c| {
            stage
                .fake
                .channel_messages(ChannelId::new(c))
                .into_iter()
                .next()
        }) {
            return Ok(message);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("no direct message to {user} within {WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The key with one character mistyped: a `0` for the second character of the second
/// group (a zero is never part of a product key).
fn mistype(key: &str) -> String {
    key.char_indices()
        .map(|(i, c)| if i == 7 { '0' } else { c })
        .collect()
}

/// Product-key characters (case-insensitive) are hidden but for the last five of each key;
/// anything else stays, as typed: it cannot be part of a key (so a typo stays visible).
fn mask_typed(typed: &str) -> String {
    typed
        .split(' ')
        .map(|word| {
            let symbols = word.chars().filter(|c| is_key_symbol(*c)).count();
            let hide = symbols.saturating_sub(5);
            let mut seen = 0;
            word.chars()
                .map(|c| {
                    if is_key_symbol(c) {
                        seen += 1;
                        if seen <= hide {
                            return '•';
                        }
                    }
                    c
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_key_symbol(c: char) -> bool {
    ALPHABET.contains(c.to_ascii_uppercase())
}

/// `url` with any password hidden.
fn redacted(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@').and_then(|at| {
        let colon = authority[..at].find(':')?;
        Some((colon, at))
    }) {
        Some((colon, at)) => format!(
            "{}:***{}",
            &url[..scheme_end + colon],
            &url[scheme_end + at..]
        ),
        None => url.to_owned(),
    }
}

/// The transcript being written: to `out` as it happens, and kept in `text`.
struct Chat<'w, W: Write> {
    out: &'w mut W,
    text: String,
    users: HashMap<u64, String>,
    roles: HashMap<u64, String>,
    channels: HashMap<u64, String>,
    /// The channel whose header was printed last.
    here: Option<u64>,
    /// Notice channel messages shown so far.
    notices_shown: usize,
    problems: Vec<String>,
}

impl<'w, W: Write> Chat<'w, W> {
    fn new(out: &'w mut W) -> Self {
        Chat {
            out,
            text: String::new(),
            users: HashMap::new(),
            roles: HashMap::new(),
            channels: HashMap::new(),
            here: None,
            notices_shown: 0,
            problems: Vec::new(),
        }
    }

    fn line(&mut self, line: &str) -> anyhow::Result<()> {
        writeln!(self.out, "{line}").context("writing the transcript")?;
        self.out.flush().context("writing the transcript")?;
        self.text.push_str(line);
        self.text.push('\n');
        Ok(())
    }

    fn header(&mut self, title: &str) -> anyhow::Result<()> {
        let start = format!("── {title} ");
        let fill = RULE.saturating_sub(start.chars().count()).max(3);
        self.line("")?;
        self.line(&format!("{start}{}", "─".repeat(fill)))
    }

    /// Prints the channel's header unless the transcript is there already.
    fn enter(&mut self, channel: ChannelId) -> anyhow::Result<()> {
        if self.here == Some(channel.get()) {
            return Ok(());
        }
        self.here = Some(channel.get());
        let name = self
            .channels
            .get(&channel.get())
            .cloned()
            .unwrap_or_else(|| channel.to_string());
        self.header(&format!("#{name} · {GUILD}"))
    }

    fn said(&mut self, who: &str, what: &str) -> anyhow::Result<()> {
        self.line(&format!("{who} ▸ {what}"))
    }

    async fn click(
        &mut self,
        on: &InteractionHandle,
        label: &str,
    ) -> anyhow::Result<InteractionHandle> {
        self.line(&format!("{ADMIN} clicks [{label}]"))?;
        on.click(label).await
    }

    /// Waits for the bot's answer to `run` and shows it.
    async fn answer(&mut self, run: &InteractionHandle) -> anyhow::Result<Response> {
        let response = run.wait_response(WAIT).await?;
        for refusal in run.refusals() {
            self.problems.push(format!(
                "{} {}: {:?}",
                refusal.method, refusal.path, refusal.error
            ));
        }
        match response.kind {
            CallbackKind::ChannelMessage | CallbackKind::DeferredChannelMessage => {
                if let Some(message) = &response.message {
                    self.message(message, "")?;
                }
            }
            CallbackKind::UpdateMessage => {
                if let Some(message) = &response.message {
                    self.message(message, " updates the message")?;
                }
            }
            // A deferred update is followed by an edit, or by a follow-up instead.
            CallbackKind::DeferredUpdateMessage if response.followups.is_empty() => {
                if let Some(message) = &response.message {
                    self.message(message, " updates the message")?;
                }
            }
            CallbackKind::Modal => {
                if let Some(modal) = &response.modal {
                    self.modal(modal)?;
                }
            }
            CallbackKind::AutocompleteResult => {
                let names: Vec<String> = response
                    .choices
                    .iter()
                    .map(|c| format!("“{}”", c.name))
                    .collect();
                self.line(&format!("licensebot suggests {}", names.join(", ")))?;
            }
            _ => {}
        }
        for followup in &response.followups {
            self.message(followup, "")?;
        }
        Ok(response)
    }

    fn modal(&mut self, modal: &Modal) -> anyhow::Result<()> {
        self.line(&format!("licensebot opens a form “{}”", modal.title))?;
        for input in &modal.inputs {
            let kind = if input.style == 2 {
                "several lines"
            } else {
                "one line"
            };
            let required = if input.required { ", required" } else { "" };
            let hint = input
                .placeholder
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default();
            self.line(&format!("  {} ({kind}{required}): [{hint} ]", input.label))?;
        }
        self.line("  [Submit] [Cancel]")
    }

    /// A message of the bot: who sees it, its text, its embeds and its buttons.
    fn message(&mut self, message: &StoredMessage, verb: &str) -> anyhow::Result<()> {
        let only_you = if message.ephemeral {
            " (only you can see this)"
        } else {
            ""
        };
        self.line(&format!("licensebot{verb}{only_you} ▸"))?;
        for line in message.content.lines() {
            let line = self.markup(line);
            self.line(&format!("  {line}"))?;
        }
        for embed in &message.embeds {
            for line in self.embed(embed) {
                self.line(&format!("  ┃ {line}"))?;
            }
        }
        for row in &message.components {
            let buttons: Vec<String> = row["components"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["type"].as_u64() == Some(2))
                .map(|b| {
                    let label = b["label"].as_str().unwrap_or("…");
                    let link = if b["url"].is_string() { " ↗" } else { "" };
                    let disabled = if b["disabled"].as_bool().unwrap_or(false) {
                        " (disabled)"
                    } else {
                        ""
                    };
                    format!("[{label}{link}{disabled}]")
                })
                .collect();
            if !buttons.is_empty() {
                self.line(&format!("  {}", buttons.join(" ")))?;
            }
        }
        Ok(())
    }

    /// An embed's lines: title, description, fields (`name: value`), footer, time.
    fn embed(&self, embed: &Value) -> Vec<String> {
        let mut lines = Vec::new();
        for key in ["title", "description"] {
            if let Some(text) = embed[key].as_str() {
                lines.extend(text.lines().map(|l| self.markup(l)));
            }
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            let name = self.markup(field["name"].as_str().unwrap_or_default());
            let value = field["value"].as_str().unwrap_or_default();
            let mut values = value.lines().map(|l| self.markup(l));
            match (values.next(), value.lines().count()) {
                (Some(only), 1) => lines.push(format!("{name}: {only}")),
                (first, _) => {
                    lines.push(format!("{name}:"));
                    lines.extend(first.into_iter().chain(values).map(|l| format!("  {l}")));
                }
            }
        }
        let footer = embed["footer"]["text"].as_str().map(|f| self.markup(f));
        let at = embed["timestamp"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| {
                t.with_timezone(&Utc)
                    .format("%Y-%m-%d %H:%M UTC")
                    .to_string()
            });
        match (footer, at) {
            (Some(footer), Some(at)) => lines.push(format!("{footer} · {at}")),
            (Some(line), None) | (None, Some(line)) => lines.push(line),
            (None, None) => {}
        }
        lines
    }

    /// Shows the notice channel's new messages, first waiting (a while) until at least
    /// `expected` new ones arrived.
    async fn show_notices(&mut self, stage: &Stage, expected: usize) -> anyhow::Result<()> {
        let want = self.notices_shown + expected;
        let deadline = tokio::time::Instant::now() + WAIT;
        // Ephemeral answers to clicks in the channel are shown with their click.
        let posted = || -> Vec<StoredMessage> {
            stage
                .fake
                .channel_messages(stage.notices)
                .into_iter()
                .filter(|m| !m.ephemeral)
                .collect()
        };
        let mut messages = posted();
        while messages.len() < want && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            messages = posted();
        }
        if messages.len() < want {
            self.problems.push(format!(
                "expected {expected} new notice(s) in #licenses within {WAIT:?}"
            ));
        }
        let new: Vec<StoredMessage> = messages.into_iter().skip(self.notices_shown).collect();
        if new.is_empty() {
            return Ok(());
        }
        self.enter(stage.notices)?;
        for message in &new {
            self.notices_shown += 1;
            self.message(message, "")?;
        }
        Ok(())
    }

    /// Discord's markup as a person reads it: `<@1>` → `@ana`, `<#2>` → `#licenses`,
    /// `<@&3>` → `@admins`, `<t:1795567356:t>` → `14:02 UTC` (every style in UTC).
    fn markup(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('<') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            match after
                .find('>')
                .and_then(|close| self.tag(&after[1..close]).map(|shown| (shown, close)))
            {
                Some((shown, close)) => {
                    out.push_str(&shown);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('<');
                    rest = &after[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn tag(&self, inner: &str) -> Option<String> {
        let id = |s: &str| s.parse::<u64>().ok();
        if let Some(role) = inner.strip_prefix("@&").and_then(id) {
            return Some(format!(
                "@{}",
                self.roles.get(&role).cloned().unwrap_or(role.to_string())
            ));
        }
        if let Some(user) = inner
            .strip_prefix("@!")
            .or_else(|| inner.strip_prefix('@'))
            .and_then(id)
        {
            return Some(format!(
                "@{}",
                self.users.get(&user).cloned().unwrap_or(user.to_string())
            ));
        }
        if let Some(channel) = inner.strip_prefix('#').and_then(id) {
            return Some(format!(
                "#{}",
                self.channels
                    .get(&channel)
                    .cloned()
                    .unwrap_or(channel.to_string())
            ));
        }
        let time = inner.strip_prefix("t:")?;
        let (seconds, style) = time.split_once(':').unwrap_or((time, "f"));
        let at = DateTime::<Utc>::from_timestamp(seconds.parse().ok()?, 0)?;
        Some(timestamp(at, style, Utc::now()))
    }
}

/// A Discord timestamp in UTC, in the style's spirit.
fn timestamp(at: DateTime<Utc>, style: &str, now: DateTime<Utc>) -> String {
    match style {
        "t" => at.format("%H:%M UTC").to_string(),
        "T" => at.format("%H:%M:%S UTC").to_string(),
        "d" | "D" => at.format("%Y-%m-%d").to_string(),
        "F" => at.format("%A %Y-%m-%d %H:%M UTC").to_string(),
        "R" => format!("{} ({})", relative(at, now), at.format("%H:%M UTC")),
        _ => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// "in 10 minutes", "3 hours ago".
fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let size = seconds.unsigned_abs();
    let (n, unit) = match size {
        0..=44 => return "just now".into(),
        45..=5399 => ((size + 30) / 60, "minute"),
        5400..=129_599 => ((size + 1800) / 3600, "hour"),
        _ => ((size + 43_200) / 86_400, "day"),
    };
    let amount = format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if seconds > 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}
