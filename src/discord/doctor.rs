//! What `licensebot doctor` asks Discord, as plain facts: who the token belongs to (and
//! Discord's clock, from the `Date` header), which commands are registered, which servers
//! the bot is in, what it may do in a notice channel, whether it can give a linked role.
//! The checks and their advice are `boot::doctor`'s; this only reads, through the same REST
//! base as the bot (`DISCORD_API_URL`).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use serenity::all::{ChannelId, GuildId as DiscordGuildId, Http, Permissions, RoleId};

use crate::domain::{records::GuildId, LicenseRefusal, RoleLinkRefusal};

/// Why Discord gave no answer to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// 401: the token is not (or no longer) valid.
    Unauthorized,
    /// Another refusal: status and Discord's message.
    Status(u16, String),
    /// No answer at all: the network, DNS, TLS, a timeout.
    Unreachable(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Unauthorized => write!(f, "401 Unauthorized"),
            Refused::Status(status, message) => write!(f, "{status} {message}"),
            Refused::Unreachable(why) => write!(f, "no answer ({why})"),
        }
    }
}

/// The bot and its application, as Discord knows them.
#[derive(Debug, Clone)]
pub struct Identity {
    pub bot_id: u64,
    pub bot_name: String,
    pub application_id: u64,
    pub application_name: String,
}

/// What the bot may do in a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelAccess {
    /// Discord knows no such channel (deleted), or it is in another server.
    Missing,
    /// The permissions that notices need, each present or not.
    Allowed { view: bool, send: bool, embed: bool },
}

/// Whether a linked role can be given and taken by the bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleAccess {
    Ok,
    /// Gone from the server.
    Missing,
    NoManageRoles,
    NotBelowBot,
    /// `@everyone` or a role an integration manages.
    NotAssignable,
    /// It carries power over the server, or is the manager role: licensebot gives no such
    /// role (a license role grants access, never power).
    Powerful,
}

/// A reader of Discord's REST API with the bot's token.
pub struct Probe {
    client: reqwest::Client,
    base: String,
    authorization: String,
    http: Http,
}

impl Probe {
    pub fn new(token: &str, api_url: Option<&str>) -> anyhow::Result<Probe> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent("DiscordBot (https://github.com/licensebot, 0.1) licensebot")
            .build()?;
        Ok(Probe {
            client,
            base: api_url
                .unwrap_or("https://discord.com")
                .trim_end_matches('/')
                .to_string(),
            authorization: format!("Bot {token}"),
            http: super::http_client(token, api_url),
        })
    }

    /// `GET /api/v10{path}` with the token: the JSON, and Discord's `Date` on any answer.
    async fn get(&self, path: &str) -> (Result<Value, Refused>, Option<DateTime<Utc>>) {
        let url = format!("{}/api/v10{path}", self.base);
        let response = match self
            .client
            .get(url)
            .header("Authorization", &self.authorization)
            .send()
            .await
        {
            Ok(response) => response,
            Err(e) => return (Err(Refused::Unreachable(e.without_url().to_string())), None),
        };
        let date = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
            .map(|d| d.with_timezone(&Utc));
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.as_u16() == 401 {
            return (Err(Refused::Unauthorized), date);
        }
        if !status.is_success() {
            let message = body["message"].as_str().unwrap_or("").to_string();
            return (Err(Refused::Status(status.as_u16(), message)), date);
        }
        (Ok(body), date)
    }

    /// Who the token belongs to, and Discord's clock (from the answer's `Date`, refused or
    /// not).
    pub async fn identity(&mut self) -> (Result<Identity, Refused>, Option<DateTime<Utc>>) {
        let (me, date) = self.get("/users/@me").await;
        let me = match me {
            Ok(me) => me,
            Err(refused) => return (Err(refused), date),
        };
        let (app, _) = self.get("/oauth2/applications/@me").await;
        let app = match app {
            Ok(app) => app,
            Err(refused) => return (Err(refused), date),
        };
        let id = |v: &Value| {
            v["id"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let identity = Identity {
            bot_id: id(&me),
            bot_name: me["username"].as_str().unwrap_or("?").to_string(),
            application_id: id(&app),
            application_name: app["name"].as_str().unwrap_or("?").to_string(),
        };
        if identity.application_id != 0 {
            self.http.set_application_id(identity.application_id.into());
        }
        (Ok(identity), date)
    }

    /// The commands registered for `application`: globally, or in `guild`.
    pub async fn registered_commands(
        &self,
        application: u64,
        guild: Option<GuildId>,
    ) -> Result<Vec<Value>, Refused> {
        let path = match guild {
            None => format!("/applications/{application}/commands"),
            Some(guild) => format!("/applications/{application}/guilds/{}/commands", guild.0),
        };
        let (list, _) = self.get(&path).await;
        Ok(list?.as_array().cloned().unwrap_or_default())
    }

    /// The servers the bot is in: id and name.
    pub async fn guilds(&self) -> Result<Vec<(GuildId, String)>, Refused> {
        let (list, _) = self.get("/users/@me/guilds").await;
        Ok(list?
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| {
                let id = g["id"].as_str()?.parse::<u64>().ok()?;
                Some((GuildId(id), g["name"].as_str().unwrap_or("?").to_string()))
            })
            .collect())
    }

    /// What the bot may do in `channel` of `guild`, with the channel's overwrites.
    pub async fn channel_access(
        &self,
        guild: GuildId,
        channel: u64,
        bot: u64,
    ) -> Result<ChannelAccess, Refused> {
        if channel == 0 || bot == 0 {
            return Ok(ChannelAccess::Missing);
        }
        let guild_id = DiscordGuildId::new(guild.0);
        let found = match self.http.get_channel(ChannelId::new(channel)).await {
            Ok(found) => found,
            // Unknown Channel, or one the bot cannot see at all (Missing Access).
            Err(e) => {
                return match status_of(&e) {
                    Some(404) => Ok(ChannelAccess::Missing),
                    Some(403) => Ok(ChannelAccess::Allowed {
                        view: false,
                        send: false,
                        embed: false,
                    }),
                    _ => Err(refused(e)),
                }
            }
        };
        let Some(channel) = found.guild().filter(|c| c.guild_id == guild_id) else {
            return Ok(ChannelAccess::Missing);
        };
        let server = self.http.get_guild(guild_id).await.map_err(refused)?;
        let member = self
            .http
            .get_member(guild_id, bot.into())
            .await
            .map_err(refused)?;
        let permissions = server.user_permissions_in(&channel, &member);
        Ok(ChannelAccess::Allowed {
            view: permissions.contains(Permissions::VIEW_CHANNEL),
            send: permissions.contains(Permissions::SEND_MESSAGES),
            embed: permissions.contains(Permissions::EMBED_LINKS),
        })
    }

    /// Whether the bot can give and take `role` in `guild` (Manage Roles, and the role below
    /// its highest), by the same rule as linking one.
    pub async fn role_access(
        &self,
        guild: GuildId,
        role: u64,
        manager_role: Option<u64>,
    ) -> Result<RoleAccess, Refused> {
        if role == 0 {
            return Ok(RoleAccess::Missing);
        }
        match super::roles::check_linkable(&self.http, guild, RoleId::new(role), manager_role).await
        {
            Ok(Ok(())) => Ok(RoleAccess::Ok),
            Ok(Err(LicenseRefusal::RoleNotLinkable { why, .. })) => Ok(match why {
                RoleLinkRefusal::NoManageRoles => RoleAccess::NoManageRoles,
                RoleLinkRefusal::NotBelowBot => RoleAccess::NotBelowBot,
                RoleLinkRefusal::ManagerRole | RoleLinkRefusal::Powerful(_) => RoleAccess::Powerful,
                _ => RoleAccess::NotAssignable,
            }),
            Ok(Err(_)) => Ok(RoleAccess::NotAssignable),
            Err(why) if why.contains("not in the server") => Ok(RoleAccess::Missing),
            Err(why) => Err(Refused::Unreachable(why)),
        }
    }
}

/// How the registered commands differ from this binary's list (`COMMANDS`): one phrase per
/// command missing, extra or registered with other options; empty when they are equal.
pub fn command_differences(registered: &[Value]) -> Vec<String> {
    let ours: BTreeMap<String, String> = super::commands::definitions()
        .iter()
        .filter_map(|c| serde_json::to_value(c).ok())
        .map(|c| (name_of(&c), shape(&c)))
        .collect();
    let theirs: BTreeMap<String, String> =
        registered.iter().map(|c| (name_of(c), shape(c))).collect();
    let mut differences = Vec::new();
    for (name, ours_shape) in &ours {
        match theirs.get(name) {
            None => differences.push(format!("/{name} is not registered")),
            Some(theirs_shape) if theirs_shape != ours_shape => {
                differences.push(format!("/{name} is registered with other options"))
            }
            Some(_) => {}
        }
    }
    for name in theirs.keys().filter(|n| !ours.contains_key(*n)) {
        differences.push(format!("/{name} is registered but not this binary's"));
    }
    differences
}

/// How many commands this binary registers.
pub fn command_count() -> usize {
    super::commands::COMMANDS.len()
}

fn name_of(command: &Value) -> String {
    command["name"].as_str().unwrap_or_default().to_string()
}

/// A command's or option's name, type and options, nested: what users see of it.
fn shape(value: &Value) -> String {
    let options: Vec<String> = value["options"]
        .as_array()
        .into_iter()
        .flatten()
        .map(shape)
        .collect();
    format!(
        "{}:{}({})",
        name_of(value),
        value["type"].as_u64().unwrap_or(1),
        options.join(",")
    )
}

fn status_of(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            Some(r.status_code.as_u16())
        }
        _ => None,
    }
}

/// Discord's answer, or what went wrong on the way, without the request's URL.
fn refused(e: serenity::Error) -> Refused {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            if r.status_code.as_u16() == 401 {
                Refused::Unauthorized
            } else {
                Refused::Status(r.status_code.as_u16(), r.error.message)
            }
        }
        serenity::Error::Http(serenity::http::HttpError::Request(e)) => {
            Refused::Unreachable(e.without_url().to_string())
        }
        other => Refused::Unreachable(other.to_string()),
    }
}
