//! What licensebot does with Discord roles: checks that a role can be linked to a
//! subscription, asks whether a user is a member (for the command line, which has no
//! interaction to read it from), and the role dispatcher, which sends the queued role
//! changes.
//!
//! The dispatcher: every replica runs one on the same queue (`member_roles`); a claim (an
//! advisory lock per change, held by a transaction open while the changes are sent) keeps
//! the others off a change while it is sent, and comes back at once if its process dies.
//! `PUT` and `DELETE /guilds/{g}/members/{u}/roles/{r}` are idempotent, so a change sent
//! twice (after a crash) does no harm. A 429 is obeyed; a 5xx or a network error is tried
//! again with backoff; Unknown Member (10007) releases the member's licenses; any other
//! refusal (Missing Permissions 50013, an unknown role…) is reported once to the notice
//! channel and that role is left alone until it is linked again. Only roles linked with
//! `/settings license-role` are ever in the queue.
//!
//! A license role grants access, never power: before a batch gives any role, the dispatcher
//! reads each guild's roles once (`GET /guilds/{g}/roles`), and a linked role that has
//! gained power over the server since it was linked (Administrator, Manage Server, …), or
//! has become the manager role, is not given: it is halted like a refused one, and the
//! notice channel is told once.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use serde::Deserialize;
use serenity::all::{GuildId as DiscordGuildId, Http, Permissions, Role, RoleId};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::{
    app::{App, RoleChange},
    domain::{
        licenses::{check_role_grants_no_power, check_role_link},
        records::GuildId,
        BotStanding, LicenseRefusal, RoleFacts, RoleLinkRefusal,
    },
};

/// Whether `role` can be linked to a subscription of `guild`, from what Discord says now
/// (the guild's roles, and the bot's member) and the guild's `manager_role`: `Err` with a
/// reason when Discord could not be asked.
pub async fn check_linkable(
    http: &Http,
    guild: GuildId,
    role: RoleId,
    manager_role: Option<u64>,
) -> Result<Result<(), LicenseRefusal>, String> {
    let guild_id = DiscordGuildId::new(guild.0);
    let me = http.get_current_user().await.map_err(describe)?;
    let member = http.get_member(guild_id, me.id).await.map_err(describe)?;
    let roles = http.get_guild_roles(guild_id).await.map_err(describe)?;
    let facts = |r: &Role| RoleFacts {
        id: r.id.get(),
        position: i64::from(r.position),
        managed: r.managed,
        everyone: r.id.get() == guild.0,
        permissions: r.permissions.bits(),
    };
    let Some(chosen) = roles.iter().find(|r| r.id == role) else {
        return Err(format!("role {role} is not in the server any more"));
    };
    let everyone = roles
        .iter()
        .find(|r| r.id.get() == guild.0)
        .map(|r| r.permissions)
        .unwrap_or_else(Permissions::empty);
    let mine: Vec<&Role> = roles
        .iter()
        .filter(|r| member.roles.contains(&r.id))
        .collect();
    let permissions = mine.iter().fold(everyone, |p, r| p | r.permissions);
    let standing = BotStanding {
        manage_roles: permissions.contains(Permissions::MANAGE_ROLES)
            || permissions.contains(Permissions::ADMINISTRATOR),
        highest: mine
            .iter()
            .map(|r| facts(r))
            .reduce(|a, b| if b.is_above(&a) { b } else { a }),
    };
    Ok(check_role_link(&facts(chosen), manager_role, &standing))
}

/// Whether `user` is a member of `guild`, and a bot, as Discord says now: `Ok(None)` when
/// Discord knows no such member (Unknown Member, Unknown User); `Err` with a reason when it
/// could not be asked. The command line's `licenses assign` asks this, as the gateway's
/// `/licenses assign` reads it from the interaction.
pub async fn member_standing(
    http: &Http,
    guild: GuildId,
    user: crate::domain::records::UserId,
) -> Result<Option<bool>, String> {
    if guild.0 == 0 || user.0 == 0 {
        // No such snowflake: no such member.
        return Ok(None);
    }
    let user_id = serenity::all::UserId::new(user.0);
    match http.get_member(DiscordGuildId::new(guild.0), user_id).await {
        Ok(member) => Ok(Some(member.user.bot)),
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
            if [UNKNOWN_MEMBER, UNKNOWN_USER]
                .into_iter()
                .any(|code| u64::try_from(r.error.code) == Ok(code)) =>
        {
            Ok(None)
        }
        Err(e) => Err(describe(e)),
    }
}

/// Discord's answer, or what went wrong on the way, without the request's URL (a proxy's
/// URL may carry credentials).
fn describe(e: serenity::Error) -> String {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            format!("{} {}", r.status_code.as_u16(), r.error.message)
        }
        serenity::Error::Http(serenity::http::HttpError::Request(e)) => e.without_url().to_string(),
        other => other.to_string(),
    }
}

/// Sends role changes to Discord's REST API directly, to read `retry_after` and error codes.
#[derive(Clone)]
pub struct RoleSender {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

/// Why a role change did not go through.
#[derive(Debug, Clone)]
pub enum RoleError {
    /// Try again after this long.
    RetryAfter(Duration),
    /// A network error or a 5xx.
    Transient(String),
    /// Discord does not know the member (10007): they left the server.
    UnknownMember,
    /// Discord refused for good (Missing Permissions, an unknown role, …): code and message.
    Refused(String),
}

#[derive(Deserialize)]
struct RateLimited {
    retry_after: f64,
}

#[derive(Deserialize)]
struct DiscordError {
    #[serde(default)]
    code: u64,
    #[serde(default)]
    message: String,
}

/// Discord's JSON error codes for an unknown member and an unknown user.
const UNKNOWN_MEMBER: u64 = 10007;
const UNKNOWN_USER: u64 = 10013;

impl RoleSender {
    pub fn new(api_base: Option<&str>, token: &str) -> anyhow::Result<RoleSender> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent("DiscordBot (https://github.com/licensebot, 0.1) licensebot")
            .build()?;
        Ok(RoleSender {
            client,
            base: api_base
                .unwrap_or("https://discord.com")
                .trim_end_matches('/')
                .to_string(),
            authorization: format!("Bot {token}"),
        })
    }

    /// Gives (`change.wanted`) or takes away the role.
    pub async fn apply(&self, change: &RoleChange) -> Result<(), RoleError> {
        let url = format!(
            "{}/api/v10/guilds/{}/members/{}/roles/{}",
            self.base, change.guild.0, change.user.0, change.role
        );
        let request = if change.wanted {
            self.client.put(url)
        } else {
            self.client.delete(url)
        };
        let response = request
            .header("Authorization", &self.authorization)
            .header("X-Audit-Log-Reason", "licensebot: license role")
            .body("")
            .send()
            .await
            .map_err(|e| RoleError::Transient(e.without_url().to_string()))?;
        if response.status().is_success() {
            return Ok(());
        }
        Err(failure(response).await)
    }

    /// The guild's roles as Discord has them now: what each may do, by role id.
    pub async fn guild_roles(&self, guild: GuildId) -> Result<HashMap<u64, u64>, RoleError> {
        let url = format!("{}/api/v10/guilds/{}/roles", self.base, guild.0);
        let response = self
            .client
            .get(url)
            .header("Authorization", &self.authorization)
            .send()
            .await
            .map_err(|e| RoleError::Transient(e.without_url().to_string()))?;
        if !response.status().is_success() {
            // Listing roles names no member: an Unknown Member here is no member's departure.
            return Err(match failure(response).await {
                RoleError::UnknownMember => RoleError::Refused("10007 Unknown Member".into()),
                other => other,
            });
        }
        let roles: Vec<GuildRole> = response
            .json()
            .await
            .map_err(|e| RoleError::Transient(e.without_url().to_string()))?;
        Ok(roles
            .into_iter()
            .filter_map(|r| Some((r.id.parse().ok()?, r.permissions.parse().ok()?)))
            .collect())
    }

    /// The member's roles at Discord now (`GET /guilds/{g}/members/{u}`), for the verifier
    /// (`discord::verify`): the same client, the same reading of Discord's refusals.
    pub async fn member_roles(
        &self,
        guild: GuildId,
        user: crate::domain::records::UserId,
    ) -> Result<Vec<u64>, RoleError> {
        #[derive(Deserialize)]
        struct MemberRoles {
            roles: Vec<RoleId>,
        }
        let url = format!(
            "{}/api/v10/guilds/{}/members/{}",
            self.base, guild.0, user.0
        );
        let response = self
            .client
            .get(url)
            .header("Authorization", &self.authorization)
            .send()
            .await
            .map_err(|e| RoleError::Transient(e.without_url().to_string()))?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        let member: MemberRoles = response
            .json()
            .await
            .map_err(|e| RoleError::Transient(e.without_url().to_string()))?;
        Ok(member.roles.into_iter().map(|r| r.get()).collect())
    }
}

/// A role as `GET /guilds/{g}/roles` lists it: Discord sends ids and permissions as strings.
#[derive(Deserialize)]
struct GuildRole {
    id: String,
    permissions: String,
}

/// What an unsuccessful answer from Discord means for a role change or a read.
async fn failure(response: reqwest::Response) -> RoleError {
    let status = response.status();
    if status.as_u16() == 429 {
        let wait = response
            .json::<RateLimited>()
            .await
            .map(|r| r.retry_after)
            .unwrap_or(1.0);
        return RoleError::RetryAfter(Duration::from_secs_f64(wait.clamp(0.0, 3600.0)));
    }
    let text = response.text().await.unwrap_or_default();
    // A rejected token concerns the whole bot, not this role: not a reason to stop
    // touching the role.
    if status.is_server_error() || status.as_u16() == 401 {
        let text: String = text.chars().take(200).collect();
        return RoleError::Transient(format!("{status}: {text}"));
    }
    match serde_json::from_str::<DiscordError>(&text) {
        Ok(e) if e.code == UNKNOWN_MEMBER => RoleError::UnknownMember,
        Ok(e) => RoleError::Refused(format!(
            "{} {}",
            e.code,
            e.message.chars().take(100).collect::<String>()
        )),
        Err(_) => RoleError::Refused(status.to_string()),
    }
}

/// Sends due role changes until `stop`; wakes early when `wake` is notified. `outbox` is
/// woken when a change leads to a notice.
pub async fn run(
    app: App,
    sender: RoleSender,
    wake: Arc<Notify>,
    outbox: Arc<Notify>,
    stop: CancellationToken,
) {
    let poll = Duration::from_secs(app.settings.notices.poll_seconds.max(1));
    loop {
        let applied = match apply_due(&app, &sender, &outbox).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "role change pass failed");
                0
            }
        };
        if applied > 0 {
            continue;
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Role changes claimed in one pass.
const BATCH: i64 = 50;

/// One pass: claims due role changes and tries each once. Returns how many were handled.
///
/// A change is sent only while the claim holds: the claim is renewed before each send, and
/// no send starts after half the lease (`notices.lease_seconds`), so that a claim the
/// server ended (a hung pass, a lost connection) never has a change sent under it while
/// another dispatcher sends the same one. What is left is due again at once.
pub async fn apply_due(app: &App, sender: &RoleSender, outbox: &Notify) -> anyhow::Result<usize> {
    let mut claim = app.claim_due_role_changes(BATCH).await?;
    let send_until =
        std::time::Instant::now() + Duration::from_secs(app.settings.notices.lease_seconds) / 2;
    let batch = claim.changes().to_vec();
    let mut roles = GuildRoles::new(app, &batch).await?;
    let mut handled = 0;
    for change in &batch {
        if std::time::Instant::now() >= send_until {
            break;
        }
        if let Err(e) = claim.keep_alive().await {
            tracing::warn!(error = %format!("{e:#}"), "role claim lost; the rest is due again");
            return Ok(handled);
        }
        match roles.may_send(sender, change).await {
            Ok(()) => apply_one(app, sender, change, outbox).await?,
            Err(Unfit::Powerful(why)) => {
                if app.role_change_halted(change, why).await? {
                    tracing::error!(guild = change.guild.0, role = change.role, why = ?why,
                        "a linked role gives power over the server; not giving it until it is linked again");
                    outbox.notify_one();
                }
            }
            Err(Unfit::Unread(error)) => record(app, change, Err(error), outbox).await?,
        }
        handled += 1;
    }
    if let Err(e) = claim.release().await {
        tracing::debug!(error = %format!("{e:#}"), "ending a role claim");
    }
    Ok(handled)
}

/// What Discord says, now, of the roles a batch is about to give: each guild's roles, read
/// once per batch when the first of its changes gives a role (`GET /guilds/{g}/roles`), and
/// its manager role. Taking a role away needs no such check.
struct GuildRoles {
    /// Each guild's roles read so far (id → permissions), or why they could not be read.
    roles: HashMap<GuildId, Result<HashMap<u64, u64>, RoleError>>,
    manager_roles: HashMap<GuildId, u64>,
}

/// Why a role is not given now.
enum Unfit {
    /// It is the manager role or gives power over the server: halted.
    Powerful(RoleLinkRefusal),
    /// The guild's roles could not be read: the change is settled as if its own request
    /// had failed that way (tried again later, or halted when Discord refuses for good).
    Unread(RoleError),
}

impl GuildRoles {
    /// The manager roles of the guilds the batch gives roles in; their roles are read later.
    async fn new(app: &App, batch: &[RoleChange]) -> anyhow::Result<Self> {
        let guilds: Vec<GuildId> = batch
            .iter()
            .filter(|c| c.wanted)
            .map(|c| c.guild)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let manager_roles = if guilds.is_empty() {
            HashMap::new()
        } else {
            app.notice_settings(&guilds)
                .await?
                .into_iter()
                .filter_map(|(g, s)| Some((g, s.manager_role?)))
                .collect()
        };
        Ok(GuildRoles {
            roles: HashMap::new(),
            manager_roles,
        })
    }

    /// Whether `change` may be sent now: always for taking a role away; for giving one,
    /// when the role grants no power. A role Discord does not list is left to Discord to
    /// refuse (Unknown Role halts it).
    async fn may_send(&mut self, sender: &RoleSender, change: &RoleChange) -> Result<(), Unfit> {
        if !change.wanted {
            return Ok(());
        }
        let read = match self.roles.remove(&change.guild) {
            Some(read) => read,
            None => {
                let read = sender.guild_roles(change.guild).await;
                if let Err(e) = &read {
                    tracing::warn!(guild = change.guild.0, error = ?e, "could not read the guild's roles");
                }
                read
            }
        };
        let roles = match self.roles.entry(change.guild).or_insert(read) {
            Ok(roles) => roles,
            Err(e) => return Err(Unfit::Unread(e.clone())),
        };
        let Some(&permissions) = roles.get(&change.role) else {
            return Ok(());
        };
        let facts = RoleFacts {
            id: change.role,
            position: 0,
            managed: false,
            everyone: false,
            permissions,
        };
        check_role_grants_no_power(&facts, self.manager_roles.get(&change.guild).copied())
            .map_err(Unfit::Powerful)
    }
}

async fn apply_one(
    app: &App,
    sender: &RoleSender,
    change: &RoleChange,
    outbox: &Notify,
) -> anyhow::Result<()> {
    let result = sender.apply(change).await;
    record(app, change, result, outbox).await
}

/// Records what became of one role change.
async fn record(
    app: &App,
    change: &RoleChange,
    result: Result<(), RoleError>,
    outbox: &Notify,
) -> anyhow::Result<()> {
    let (guild, user, role) = (change.guild.0, change.user.0, change.role);
    match result {
        Ok(()) => {
            tracing::info!(guild, user, role, give = change.wanted, "role changed");
            app.role_change_done(change).await?;
        }
        Err(RoleError::RetryAfter(wait)) => {
            tracing::info!(
                guild,
                role,
                retry_after_ms = wait.as_millis() as u64,
                "role change rate limited"
            );
            app.role_change_rate_limited(change, wait).await?;
        }
        Err(RoleError::Transient(reason)) => {
            let wait = app.role_change_failed(change, &reason).await?;
            tracing::warn!(guild, user, role, error = %reason, retry_in_s = wait.as_secs(), "role change failed");
        }
        Err(RoleError::UnknownMember) => {
            let released = app.role_change_member_gone(change).await?;
            tracing::info!(
                guild,
                user,
                released = released.len(),
                "the member left the server"
            );
            outbox.notify_one();
        }
        Err(RoleError::Refused(reason)) => {
            if app.role_change_refused(change, &reason).await? {
                tracing::error!(guild, role, error = %reason,
                    "Discord refused a role change; leaving the role alone until it is linked again");
                outbox.notify_one();
            }
        }
    }
    Ok(())
}
