//! The fake's world, held the way Discord holds it: users, guilds with roles, members and
//! channels, messages, interactions and their tokens, registered commands, the gateway
//! session, and the log of every REST request.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use serenity::model::id::{ChannelId, GuildId, InteractionId, MessageId, UserId};
use serenity::model::permissions::Permissions;
use tokio::sync::mpsc::UnboundedSender;

use crate::error::DiscordError;
use crate::ids::{now_timestamp, timestamp_of, Snowflakes};
use crate::model::{
    CallbackKind, Choice, Failure, Modal, RecordedRequest, Refusal, Response, StoredAttachment,
    StoredMessage, TextInput,
};
use crate::validate::SETTABLE_FLAGS;

pub(crate) const FLAG_EPHEMERAL: u64 = 1 << 6;
pub(crate) const FLAG_LOADING: u64 = 1 << 7;

/// GUILDS gateway intent.
const INTENT_GUILDS: u64 = 1;
/// GUILD_MEMBERS gateway intent (privileged): member updates and removals.
pub(crate) const INTENT_GUILD_MEMBERS: u64 = 1 << 1;

pub(crate) struct Settings {
    pub(crate) response_deadline: Duration,
    pub(crate) token_lifetime: Duration,
    pub(crate) nonce_window: Duration,
    pub(crate) heartbeat_interval: Duration,
}

pub(crate) struct UserRec {
    pub(crate) id: u64,
    pub(crate) username: String,
    pub(crate) bot: bool,
    /// Whether the user takes direct messages from the bot (else 50007).
    pub(crate) accepts_dms: bool,
}

pub(crate) struct RoleRec {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) permissions: u64,
    pub(crate) position: u64,
    pub(crate) bot_id: Option<u64>,
}

pub(crate) struct MemberRec {
    pub(crate) roles: Vec<u64>,
    pub(crate) joined_at: String,
}

pub(crate) struct GuildRec {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) locale: String,
    pub(crate) owner_id: u64,
    pub(crate) roles: BTreeMap<u64, RoleRec>,
    pub(crate) members: BTreeMap<u64, MemberRec>,
    pub(crate) channels: Vec<u64>,
    pub(crate) joined_at: String,
    pub(crate) bot_role: u64,
    pub(crate) system_channel: Option<u64>,
}

#[derive(Clone)]
pub(crate) struct Overwrite {
    pub(crate) id: u64,
    /// 0 role, 1 member.
    pub(crate) kind: u8,
    pub(crate) allow: u64,
    pub(crate) deny: u64,
}

pub(crate) struct ChannelRec {
    pub(crate) id: u64,
    pub(crate) guild_id: Option<u64>,
    /// 0 guild text, 1 DM.
    pub(crate) kind: u8,
    pub(crate) name: String,
    pub(crate) position: u64,
    pub(crate) overwrites: Vec<Overwrite>,
    pub(crate) recipient: Option<u64>,
    pub(crate) deleted: bool,
}

pub(crate) struct MessageRec {
    pub(crate) json: Value,
    pub(crate) channel_id: u64,
    pub(crate) guild_id: Option<u64>,
    pub(crate) author_id: u64,
    pub(crate) ephemeral: bool,
    /// For ephemeral messages: the only user who sees it.
    pub(crate) visible_to: Option<u64>,
    pub(crate) deleted: bool,
    pub(crate) edited: bool,
    pub(crate) interaction_id: Option<u64>,
    pub(crate) created: Instant,
    pub(crate) history: Vec<Value>,
    pub(crate) attachment_ids: Vec<u64>,
}

pub(crate) struct CallbackRec {
    pub(crate) kind: u64,
    pub(crate) data: Value,
}

/// Who does something in Discord: a member of a guild (or a user in a DM with the bot).
#[derive(Clone, Debug)]
pub(crate) struct ActorSpec {
    pub(crate) guild_id: Option<u64>,
    pub(crate) user_id: u64,
    pub(crate) locale: String,
    pub(crate) channel_id: Option<u64>,
    /// In HTTP interactions mode: which endpoint, and how it is signed.
    pub(crate) delivery: crate::http_delivery::DeliveryOptions,
}

pub(crate) struct InteractionRec {
    pub(crate) id: u64,
    pub(crate) token: String,
    /// 1 ping, 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub(crate) kind: u64,
    pub(crate) actor: ActorSpec,
    pub(crate) channel_id: u64,
    pub(crate) created: Instant,
    pub(crate) aged: Duration,
    pub(crate) payload: Value,
    /// Message-interaction metadata, for messages that answer this interaction.
    pub(crate) metadata: Value,
    /// The message a component sits on (3), or that opened the modal (5).
    pub(crate) source_message: Option<u64>,
    /// For autocomplete: the focused option's type.
    pub(crate) focused_type: Option<u64>,
    pub(crate) callback: Option<CallbackRec>,
    pub(crate) original: Option<u64>,
    pub(crate) original_edits: u32,
    pub(crate) followups: Vec<u64>,
    pub(crate) refusals: Vec<Refusal>,
    pub(crate) deliveries: u32,
    /// The modal this interaction opened was submitted (a modal is submitted once).
    pub(crate) modal_submitted: bool,
}

impl InteractionRec {
    pub(crate) fn age(&self) -> Duration {
        self.created.elapsed() + self.aged
    }
}

pub(crate) struct FailureRule {
    pub(crate) method: Option<String>,
    pub(crate) pattern: String,
    pub(crate) failure: Failure,
    pub(crate) remaining: u32,
}

pub(crate) enum WsOut {
    Text(String),
    Close(u16, String),
    Abort,
}

pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) history: Vec<(u64, String)>,
}

pub(crate) struct LiveConn {
    pub(crate) conn_id: u64,
    pub(crate) tx: UnboundedSender<WsOut>,
}

/// The session of one shard of a sharded bot (IDENTIFY with `shard: [id, total]`, total > 1).
pub(crate) struct ShardSession {
    pub(crate) total: u32,
    pub(crate) session: Session,
    pub(crate) live: Option<LiveConn>,
    /// The guilds this shard was sent GUILD_CREATE for.
    pub(crate) guilds: Vec<u64>,
}

#[derive(Default)]
pub(crate) struct GatewayState {
    /// The session of an unsharded bot (or of shard 0 of 1).
    pub(crate) session: Option<Session>,
    pub(crate) live: Option<LiveConn>,
    /// Sessions of a sharded bot, by shard id; a guild's events go to shard
    /// `(guild_id >> 22) % total`, events of no guild (DMs) to shard 0.
    pub(crate) shards: BTreeMap<u32, ShardSession>,
    pub(crate) next_conn: u64,
    pub(crate) connections: u32,
    pub(crate) identifies: u32,
    pub(crate) resumes: u32,
    pub(crate) heartbeats: u32,
    pub(crate) intents: u64,
    /// Whether the application may ask for the privileged GUILD_MEMBERS intent (the
    /// "Server Members Intent" switch in the developer portal; off, as on Discord, until
    /// turned on). An IDENTIFY asking for it while off is closed with 4014.
    pub(crate) members_intent_enabled: bool,
    /// IDENTIFYs closed with 4014 Disallowed intent(s).
    pub(crate) disallowed_intents: u32,
}

/// An uploaded file of a multipart request.
#[derive(Debug, Clone)]
pub(crate) struct UploadedFile {
    pub(crate) field: String,
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) data: Vec<u8>,
}

pub(crate) struct World {
    /// HTTP interactions: where and how interactions are POSTed instead of dispatched.
    pub(crate) http: crate::http_delivery::HttpDelivery,
    pub(crate) app_id: u64,
    pub(crate) bot_id: u64,
    pub(crate) token: String,
    pub(crate) port: u16,
    pub(crate) settings: Settings,
    pub(crate) ids: Snowflakes,
    pub(crate) users: BTreeMap<u64, UserRec>,
    pub(crate) guilds: BTreeMap<u64, GuildRec>,
    pub(crate) channels: BTreeMap<u64, ChannelRec>,
    pub(crate) messages: BTreeMap<u64, MessageRec>,
    pub(crate) attachments: HashMap<u64, StoredAttachment>,
    pub(crate) interactions: BTreeMap<u64, InteractionRec>,
    pub(crate) tokens: HashMap<String, u64>,
    /// Registered commands: `None` global, `Some(guild)` per guild.
    pub(crate) commands: BTreeMap<Option<u64>, Vec<Value>>,
    pub(crate) command_ids: HashMap<(Option<u64>, u64, String), u64>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) failures: Vec<FailureRule>,
    /// Slow answers: (method or any, path pattern below `/api/v10`, delay).
    pub(crate) latencies: Vec<(Option<String>, String, Duration)>,
    /// Like `latencies`, but waited out after the request took effect, before the answer.
    pub(crate) reply_latencies: Vec<(Option<String>, String, Duration)>,
    pub(crate) gateway: GatewayState,
    pub(crate) internal_errors: Vec<String>,
    /// The newest message created with each nonce (its JSON text), so that `enforce_nonce`
    /// finds a duplicate without reading every message.
    pub(crate) nonces: HashMap<String, u64>,
    /// Each guild's application command permissions (what Server Settings → Integrations
    /// sets), as Discord returns them: one entry per command, or the application's id for
    /// all of its commands.
    pub(crate) command_permissions: BTreeMap<u64, Vec<Value>>,
}

fn id_str(id: u64) -> Value {
    Value::String(id.to_string())
}

/// Permissions of @everyone in a new guild, as Discord sets them.
pub(crate) fn default_everyone_permissions() -> u64 {
    (Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::EMBED_LINKS
        | Permissions::ATTACH_FILES
        | Permissions::ADD_REACTIONS
        | Permissions::USE_EXTERNAL_EMOJIS
        | Permissions::CREATE_INSTANT_INVITE
        | Permissions::CHANGE_NICKNAME
        | Permissions::USE_APPLICATION_COMMANDS
        | Permissions::CONNECT
        | Permissions::SPEAK)
        .bits()
}

/// Permissions of the bot's managed role: what a typical invite link grants.
pub(crate) fn default_bot_permissions() -> u64 {
    (Permissions::VIEW_CHANNEL
        | Permissions::SEND_MESSAGES
        | Permissions::EMBED_LINKS
        | Permissions::ATTACH_FILES
        | Permissions::READ_MESSAGE_HISTORY
        | Permissions::USE_APPLICATION_COMMANDS)
        .bits()
}

impl World {
    pub(crate) fn new(port: u16, settings: Settings, bot_name: &str) -> Self {
        let mut ids = Snowflakes::default();
        let app_id = ids.next();
        let token = format!("fake.{app_id}.{:x}", ids.next());
        let mut world = World {
            http: crate::http_delivery::HttpDelivery::default(),
            app_id,
            bot_id: app_id,
            token,
            port,
            settings,
            ids,
            users: BTreeMap::new(),
            guilds: BTreeMap::new(),
            channels: BTreeMap::new(),
            messages: BTreeMap::new(),
            attachments: HashMap::new(),
            interactions: BTreeMap::new(),
            tokens: HashMap::new(),
            commands: BTreeMap::new(),
            command_ids: HashMap::new(),
            requests: Vec::new(),
            failures: Vec::new(),
            latencies: Vec::new(),
            reply_latencies: Vec::new(),
            gateway: GatewayState::default(),
            internal_errors: Vec::new(),
            nonces: HashMap::new(),
            command_permissions: BTreeMap::new(),
        };
        world.users.insert(
            app_id,
            UserRec {
                id: app_id,
                username: bot_name.to_string(),
                bot: true,
                accepts_dms: false,
            },
        );
        world
    }

    pub(crate) fn gateway_url(&self) -> String {
        format!("ws://127.0.0.1:{}/gateway", self.port)
    }

    // ---- JSON shapes -------------------------------------------------------------------

    pub(crate) fn user_json(&self, user_id: u64) -> Value {
        match self.users.get(&user_id) {
            Some(u) => json!({
                "id": id_str(u.id),
                "username": u.username,
                "discriminator": "0",
                "global_name": if u.bot { Value::Null } else { json!(u.username) },
                "avatar": null,
                "bot": u.bot,
                "system": false,
                "public_flags": 0,
            }),
            None => {
                json!({"id": id_str(user_id), "username": "deleted_user", "discriminator": "0", "avatar": null})
            }
        }
    }

    pub(crate) fn current_user_json(&self) -> Value {
        let mut user = self.user_json(self.bot_id);
        user["verified"] = json!(true);
        user["mfa_enabled"] = json!(false);
        user["flags"] = json!(0);
        user["email"] = Value::Null;
        user["locale"] = json!("en-US");
        user
    }

    pub(crate) fn application_json(&self) -> Value {
        json!({
            "id": id_str(self.app_id),
            "name": self.users.get(&self.bot_id).map(|u| u.username.clone()).unwrap_or_default(),
            "icon": null,
            "description": "",
            "summary": "",
            "type": null,
            "bot_public": false,
            "bot_require_code_grant": false,
            "verify_key": "0".repeat(64),
            "flags": 0,
            "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": null},
            "team": null,
            "bot": self.user_json(self.bot_id),
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "integration_types_config": {"0": {}},
        })
    }

    pub(crate) fn role_json(&self, role: &RoleRec) -> Value {
        let mut tags = json!({});
        if let Some(bot_id) = role.bot_id {
            tags["bot_id"] = id_str(bot_id);
        }
        json!({
            "id": id_str(role.id),
            "name": role.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
            "hoist": false,
            "icon": null,
            "unicode_emoji": null,
            "position": role.position,
            "permissions": role.permissions.to_string(),
            "managed": role.bot_id.is_some(),
            "mentionable": false,
            "flags": 0,
            "tags": tags,
        })
    }

    fn member_core_json(&self, member: &MemberRec) -> Value {
        json!({
            "nick": null,
            "avatar": null,
            "banner": null,
            "roles": member.roles.iter().map(|r| id_str(*r)).collect::<Vec<_>>(),
            "joined_at": member.joined_at,
            "premium_since": null,
            "deaf": false,
            "mute": false,
            "flags": 0,
            "pending": false,
            "communication_disabled_until": null,
        })
    }

    pub(crate) fn member_json(&self, guild_id: u64, user_id: u64) -> Option<Value> {
        let member = self.guilds.get(&guild_id)?.members.get(&user_id)?;
        let mut json = self.member_core_json(member);
        json["user"] = self.user_json(user_id);
        Some(json)
    }

    pub(crate) fn channel_json(&self, channel: &ChannelRec) -> Value {
        if channel.kind == 1 {
            let recipients: Vec<Value> = channel
                .recipient
                .map(|r| self.user_json(r))
                .into_iter()
                .collect();
            return json!({
                "id": id_str(channel.id),
                "type": 1,
                "last_message_id": null,
                "flags": 0,
                "recipients": recipients,
            });
        }
        json!({
            "id": id_str(channel.id),
            "type": channel.kind,
            "guild_id": channel.guild_id.map(id_str),
            "position": channel.position,
            "permission_overwrites": channel.overwrites.iter().map(|o| json!({
                "id": id_str(o.id), "type": o.kind, "allow": o.allow.to_string(), "deny": o.deny.to_string(),
            })).collect::<Vec<_>>(),
            "name": channel.name,
            "topic": null,
            "nsfw": false,
            "last_message_id": null,
            "rate_limit_per_user": 0,
            "parent_id": null,
            "flags": 0,
        })
    }

    /// The `channel` of an interaction / a `resolved.channels` entry.
    pub(crate) fn partial_channel_json(&self, channel: &ChannelRec, viewer: u64) -> Value {
        let mut json = self.channel_json(channel);
        json["permissions"] = json!(self.channel_permissions(channel.id, viewer).to_string());
        if channel.kind == 1 {
            json["name"] = Value::Null;
        }
        json
    }

    pub(crate) fn guild_create_json(&self, guild_id: u64) -> Option<Value> {
        let guild = self.guilds.get(&guild_id)?;
        let roles: Vec<Value> = guild.roles.values().map(|r| self.role_json(r)).collect();
        let members: Vec<Value> = guild
            .members
            .keys()
            .filter_map(|u| self.member_json(guild_id, *u))
            .collect();
        let channels: Vec<Value> = guild
            .channels
            .iter()
            .filter_map(|c| self.channels.get(c))
            .filter(|c| !c.deleted)
            .map(|c| self.channel_json(c))
            .collect();
        let base = json!({
            "id": id_str(guild.id),
            "name": guild.name,
            "icon": null,
            "icon_hash": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": id_str(guild.owner_id),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "widget_enabled": false,
            "widget_channel_id": null,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": roles,
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": guild.system_channel.map(id_str),
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "max_presences": null,
            "max_members": 500000,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.locale,
            "public_updates_channel_id": null,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "stickers": [],
            "premium_progress_bar_enabled": false,
            "safety_alerts_channel_id": null,
            "incidents_data": null,
        });
        let extras = json!({
            "joined_at": guild.joined_at,
            "large": false,
            "unavailable": false,
            "member_count": guild.members.len(),
            "voice_states": [],
            "members": members,
            "channels": channels,
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": true,
        });
        let mut guild_json = base;
        if let (Some(target), Value::Object(extras)) = (guild_json.as_object_mut(), extras) {
            target.extend(extras);
        }
        Some(guild_json)
    }

    /// `GET /guilds/{id}`: the guild without the GUILD_CREATE extras.
    pub(crate) fn guild_json(&self, guild_id: u64) -> Option<Value> {
        let mut json = self.guild_create_json(guild_id)?;
        if let Some(map) = json.as_object_mut() {
            for key in [
                "joined_at",
                "large",
                "unavailable",
                "member_count",
                "voice_states",
                "members",
                "channels",
                "threads",
                "presences",
                "stage_instances",
                "guild_scheduled_events",
                "soundboard_sounds",
                "lazy",
            ] {
                map.remove(key);
            }
        }
        Some(json)
    }

    /// The guilds the bot is a member of.
    pub(crate) fn bot_guilds(&self) -> Vec<u64> {
        self.guilds
            .values()
            .filter(|g| g.members.contains_key(&self.bot_id))
            .map(|g| g.id)
            .collect()
    }

    pub(crate) fn ready_json(&self, session_id: &str, shard: Value) -> Value {
        json!({
            "v": 10,
            "user": self.current_user_json(),
            "guilds": self.bot_guilds().into_iter().map(|g| json!({"id": id_str(g), "unavailable": true})).collect::<Vec<_>>(),
            "session_id": session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url(),
            "shard": shard,
            "application": {"id": id_str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fake-discord"],
        })
    }

    // ---- permissions ------------------------------------------------------------------

    /// Guild-level permissions: @everyone + the member's roles; owner and ADMINISTRATOR
    /// get everything.
    pub(crate) fn base_permissions(&self, guild_id: u64, user_id: u64) -> u64 {
        let all = Permissions::all().bits();
        let Some(guild) = self.guilds.get(&guild_id) else {
            return 0;
        };
        if guild.owner_id == user_id {
            return all;
        }
        let Some(member) = guild.members.get(&user_id) else {
            return 0;
        };
        let mut perms = guild
            .roles
            .get(&guild.id)
            .map(|r| r.permissions)
            .unwrap_or(0);
        for role in &member.roles {
            perms |= guild.roles.get(role).map(|r| r.permissions).unwrap_or(0);
        }
        if perms & Permissions::ADMINISTRATOR.bits() != 0 {
            all
        } else {
            perms
        }
    }

    /// Permissions in a channel: base permissions with the channel's overwrites applied
    /// (@everyone, then the member's roles, then the member), as Discord computes them.
    pub(crate) fn channel_permissions(&self, channel_id: u64, user_id: u64) -> u64 {
        let Some(channel) = self.channels.get(&channel_id) else {
            return 0;
        };
        let Some(guild_id) = channel.guild_id else {
            // A DM: what a user may do in a DM.
            return (Permissions::VIEW_CHANNEL
                | Permissions::SEND_MESSAGES
                | Permissions::READ_MESSAGE_HISTORY
                | Permissions::EMBED_LINKS
                | Permissions::ATTACH_FILES
                | Permissions::ADD_REACTIONS
                | Permissions::USE_EXTERNAL_EMOJIS
                | Permissions::USE_APPLICATION_COMMANDS)
                .bits();
        };
        let base = self.base_permissions(guild_id, user_id);
        if base & Permissions::ADMINISTRATOR.bits() != 0 {
            return Permissions::all().bits();
        }
        let mut perms = base;
        let roles: Vec<u64> = self
            .guilds
            .get(&guild_id)
            .and_then(|g| g.members.get(&user_id))
            .map(|m| m.roles.clone())
            .unwrap_or_default();
        if let Some(o) = channel
            .overwrites
            .iter()
            .find(|o| o.id == guild_id && o.kind == 0)
        {
            perms = (perms & !o.deny) | o.allow;
        }
        let (mut allow, mut deny) = (0, 0);
        for o in channel
            .overwrites
            .iter()
            .filter(|o| o.kind == 0 && roles.contains(&o.id))
        {
            allow |= o.allow;
            deny |= o.deny;
        }
        perms = (perms & !deny) | allow;
        if let Some(o) = channel
            .overwrites
            .iter()
            .find(|o| o.id == user_id && o.kind == 1)
        {
            perms = (perms & !o.deny) | o.allow;
        }
        perms
    }

    // ---- world building -----------------------------------------------------------------

    pub(crate) fn add_user(&mut self, username: &str) -> u64 {
        self.insert_user(username, false)
    }

    pub(crate) fn insert_user(&mut self, username: &str, bot: bool) -> u64 {
        let id = self.ids.next();
        self.users.insert(
            id,
            UserRec {
                id,
                username: username.to_string(),
                bot,
                accepts_dms: !bot,
            },
        );
        id
    }

    pub(crate) fn create_guild(&mut self, name: &str, locale: &str) -> u64 {
        let guild_id = self.ids.next();
        let owner_name = format!(
            "{}-owner",
            name.to_lowercase()
                .replace(|c: char| !c.is_alphanumeric(), "")
        );
        let owner_id = self.add_user(&owner_name);
        let bot_role = self.ids.next();
        let joined_at = now_timestamp();
        let mut roles = BTreeMap::new();
        roles.insert(
            guild_id,
            RoleRec {
                id: guild_id,
                name: "@everyone".into(),
                permissions: default_everyone_permissions(),
                position: 0,
                bot_id: None,
            },
        );
        let bot_name = self
            .users
            .get(&self.bot_id)
            .map(|u| u.username.clone())
            .unwrap_or_default();
        roles.insert(
            bot_role,
            RoleRec {
                id: bot_role,
                name: bot_name,
                permissions: default_bot_permissions(),
                position: 1,
                bot_id: Some(self.bot_id),
            },
        );
        let mut members = BTreeMap::new();
        members.insert(
            owner_id,
            MemberRec {
                roles: vec![],
                joined_at: joined_at.clone(),
            },
        );
        members.insert(
            self.bot_id,
            MemberRec {
                roles: vec![bot_role],
                joined_at: joined_at.clone(),
            },
        );
        self.guilds.insert(
            guild_id,
            GuildRec {
                id: guild_id,
                name: name.to_string(),
                locale: locale.to_string(),
                owner_id,
                roles,
                members,
                channels: vec![],
                joined_at,
                bot_role,
                system_channel: None,
            },
        );
        let general = self.insert_text_channel(guild_id, "general");
        if let Some(guild) = self.guilds.get_mut(&guild_id) {
            guild.system_channel = Some(general);
        }
        if let Some(d) = self.guild_create_json(guild_id) {
            self.dispatch_world_event("GUILD_CREATE", d);
        }
        guild_id
    }

    fn insert_text_channel(&mut self, guild_id: u64, name: &str) -> u64 {
        let id = self.ids.next();
        let position = self
            .guilds
            .get(&guild_id)
            .map(|g| g.channels.len() as u64)
            .unwrap_or(0);
        self.channels.insert(
            id,
            ChannelRec {
                id,
                guild_id: Some(guild_id),
                kind: 0,
                name: name.to_string(),
                position,
                overwrites: vec![],
                recipient: None,
                deleted: false,
            },
        );
        if let Some(guild) = self.guilds.get_mut(&guild_id) {
            guild.channels.push(id);
        }
        id
    }

    pub(crate) fn create_text_channel(&mut self, guild_id: u64, name: &str) -> anyhow::Result<u64> {
        anyhow::ensure!(self.guilds.contains_key(&guild_id), "no guild {guild_id}");
        let id = self.insert_text_channel(guild_id, name);
        self.dispatch_channel_event("CHANNEL_CREATE", id);
        Ok(id)
    }

    pub(crate) fn dispatch_channel_event(&mut self, t: &str, channel_id: u64) {
        if let Some(d) = self.channels.get(&channel_id).map(|c| self.channel_json(c)) {
            self.dispatch_world_event(t, d);
        }
    }

    pub(crate) fn create_role(
        &mut self,
        guild_id: u64,
        name: &str,
        permissions: u64,
    ) -> anyhow::Result<u64> {
        let id = self.ids.next();
        let guild = self
            .guilds
            .get_mut(&guild_id)
            .ok_or_else(|| anyhow::anyhow!("no guild {guild_id}"))?;
        let position = guild.roles.len() as u64;
        guild.roles.insert(
            id,
            RoleRec {
                id,
                name: name.to_string(),
                permissions,
                position,
                bot_id: None,
            },
        );
        self.dispatch_role_event("GUILD_ROLE_CREATE", guild_id, id);
        Ok(id)
    }

    pub(crate) fn dispatch_role_event(&mut self, t: &str, guild_id: u64, role_id: u64) {
        let role = self
            .guilds
            .get(&guild_id)
            .and_then(|g| g.roles.get(&role_id))
            .map(|r| self.role_json(r));
        if let Some(role) = role {
            self.dispatch_world_event(t, json!({"guild_id": id_str(guild_id), "role": role}));
        }
    }

    pub(crate) fn add_member(
        &mut self,
        guild_id: u64,
        user_id: u64,
        roles: &[u64],
    ) -> anyhow::Result<()> {
        anyhow::ensure!(self.users.contains_key(&user_id), "no user {user_id}");
        let guild = self
            .guilds
            .get_mut(&guild_id)
            .ok_or_else(|| anyhow::anyhow!("no guild {guild_id}"))?;
        for role in roles {
            anyhow::ensure!(
                guild.roles.contains_key(role),
                "guild {guild_id} has no role {role}"
            );
        }
        guild.members.insert(
            user_id,
            MemberRec {
                roles: roles.to_vec(),
                joined_at: now_timestamp(),
            },
        );
        Ok(())
    }

    pub(crate) fn set_member_roles(
        &mut self,
        guild_id: u64,
        user_id: u64,
        roles: &[u64],
    ) -> anyhow::Result<()> {
        let guild = self
            .guilds
            .get_mut(&guild_id)
            .ok_or_else(|| anyhow::anyhow!("no guild {guild_id}"))?;
        for role in roles {
            anyhow::ensure!(
                guild.roles.contains_key(role),
                "guild {guild_id} has no role {role}"
            );
        }
        let member = guild
            .members
            .get_mut(&user_id)
            .ok_or_else(|| anyhow::anyhow!("user {user_id} is not a member of guild {guild_id}"))?;
        let changed = member.roles != roles;
        member.roles = roles.to_vec();
        if changed {
            self.dispatch_member_update(guild_id, user_id);
        }
        Ok(())
    }

    /// GUILD_MEMBER_UPDATE with the member as they are now (to a session with the
    /// GUILD_MEMBERS intent), as Discord sends it after any change to the member's roles,
    /// the bot's own or one made by hand.
    fn dispatch_member_update(&mut self, guild_id: u64, user_id: u64) {
        if let Some(mut d) = self.member_json(guild_id, user_id) {
            d["guild_id"] = id_str(guild_id);
            self.dispatch_member_event("GUILD_MEMBER_UPDATE", d);
        }
    }

    /// A member leaves the guild (or is kicked): GUILD_MEMBER_REMOVE, to a session that
    /// asked for the privileged GUILD_MEMBERS intent only.
    pub(crate) fn remove_member(&mut self, guild_id: u64, user_id: u64) -> anyhow::Result<()> {
        let guild = self
            .guilds
            .get_mut(&guild_id)
            .ok_or_else(|| anyhow::anyhow!("no guild {guild_id}"))?;
        anyhow::ensure!(
            guild.members.remove(&user_id).is_some(),
            "user {user_id} is not a member of guild {guild_id}"
        );
        let d = json!({"guild_id": id_str(guild_id), "user": self.user_json(user_id)});
        self.dispatch_member_event("GUILD_MEMBER_REMOVE", d);
        Ok(())
    }

    /// A member event, sent only to a session with the GUILD_MEMBERS intent.
    fn dispatch_member_event(&mut self, t: &str, d: Value) {
        if !self.has_session_for(t, &d) || self.gateway.intents & INTENT_GUILD_MEMBERS == 0 {
            return;
        }
        if let Err(error) = self.dispatch(t, d) {
            self.internal_errors.push(error.clone());
            panic!("fake-discord built an invalid {t} dispatch: {error}");
        }
    }

    /// The member's highest role, as Discord orders roles: by position, and among equal
    /// positions the older (smaller id) one higher. `None`: only @everyone.
    pub(crate) fn highest_role(&self, guild_id: u64, user_id: u64) -> Option<(u64, u64)> {
        let guild = self.guilds.get(&guild_id)?;
        guild
            .members
            .get(&user_id)?
            .roles
            .iter()
            .filter_map(|r| guild.roles.get(r))
            .map(|r| (r.position, r.id))
            .max_by_key(|(position, id)| (*position, std::cmp::Reverse(*id)))
    }

    /// `PUT`/`DELETE /guilds/{g}/members/{u}/roles/{r}`: what Discord checks before it gives
    /// or takes a role, in its order: the guild, the role (10011), the member (10007), then
    /// the bot's Manage Roles and its highest role above the role (50013). Managed roles
    /// and @everyone cannot be given or taken (50013).
    pub(crate) fn change_member_role(
        &mut self,
        guild_id: u64,
        user_id: u64,
        role_id: u64,
        give: bool,
    ) -> Result<(), DiscordError> {
        let bot = self.bot_id;
        let guild = self
            .guilds
            .get(&guild_id)
            .filter(|g| g.members.contains_key(&bot))
            .ok_or_else(DiscordError::unknown_guild)?;
        let role = guild
            .roles
            .get(&role_id)
            .ok_or_else(DiscordError::unknown_role)?;
        if !guild.members.contains_key(&user_id) {
            return Err(DiscordError::unknown_member());
        }
        let (position, managed) = (role.position, role.bot_id.is_some());
        let perms = self.base_permissions(guild_id, bot);
        let admin = perms & Permissions::ADMINISTRATOR.bits() != 0;
        let manage = perms & Permissions::MANAGE_ROLES.bits() != 0;
        let owner = guild.owner_id == bot;
        let above = self.highest_role(guild_id, bot).is_some_and(|(p, id)| {
            (p, std::cmp::Reverse(id)) > (position, std::cmp::Reverse(role_id))
        });
        if managed || role_id == guild_id || !(owner || ((admin || manage) && above)) {
            return Err(DiscordError::missing_permissions());
        }
        let Some(member) = self
            .guilds
            .get_mut(&guild_id)
            .and_then(|g| g.members.get_mut(&user_id))
        else {
            return Err(DiscordError::unknown_member());
        };
        let had = member.roles.contains(&role_id);
        if give && !had {
            member.roles.push(role_id);
        } else if !give && had {
            member.roles.retain(|r| *r != role_id);
        }
        if had != give {
            self.dispatch_member_update(guild_id, user_id);
        }
        Ok(())
    }

    /// The DM channel between the bot and a user, created on first use.
    pub(crate) fn dm_channel(&mut self, user_id: u64) -> u64 {
        if let Some(c) = self
            .channels
            .values()
            .find(|c| c.kind == 1 && c.recipient == Some(user_id))
        {
            return c.id;
        }
        let id = self.ids.next();
        self.channels.insert(
            id,
            ChannelRec {
                id,
                guild_id: None,
                kind: 1,
                name: String::new(),
                position: 0,
                overwrites: vec![],
                recipient: Some(user_id),
                deleted: false,
            },
        );
        id
    }

    // ---- gateway ------------------------------------------------------------------------

    /// Send a dispatch on the current session (buffered for RESUME while disconnected).
    /// The payload is first decoded with serenity's own model.
    pub(crate) fn dispatch(&mut self, t: &str, d: Value) -> Result<u64, String> {
        crate::gateway::check_dispatch(t, &d)?;
        self.dispatch_unchecked(t, d)
    }

    /// Send a dispatch as it is, even one serenity cannot decode (to test what the bot
    /// does with a payload Discord changed under it).
    pub(crate) fn dispatch_unchecked(&mut self, t: &str, d: Value) -> Result<u64, String> {
        if self.gateway.session.is_none() && !self.gateway.shards.is_empty() {
            let shard = self.shard_for(t, &d);
            return self.dispatch_to_shard(shard, t, d);
        }
        let session =
            self.gateway.session.as_mut().ok_or_else(|| {
                "the bot has no gateway session (it never sent IDENTIFY)".to_string()
            })?;
        session.seq += 1;
        let seq = session.seq;
        let frame = json!({"op": 0, "s": seq, "t": t, "d": d}).to_string();
        session.history.push((seq, frame.clone()));
        if let Some(live) = &self.gateway.live {
            let _ = live.tx.send(WsOut::Text(frame));
        }
        Ok(seq)
    }

    /// The guild a dispatch is about, if any.
    fn guild_of(t: &str, d: &Value) -> Option<u64> {
        let id = match t {
            "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE" => &d["id"],
            _ => &d["guild_id"],
        };
        id.as_str().and_then(|s| s.parse().ok())
    }

    /// The shard a dispatch goes to: its guild's, `(guild_id >> 22) % total`, or 0.
    pub(crate) fn shard_for(&self, t: &str, d: &Value) -> u32 {
        let total = self
            .gateway
            .shards
            .values()
            .next()
            .map(|s| s.total)
            .unwrap_or(1)
            .max(1);
        Self::guild_of(t, d)
            .map(|g| ((g >> 22) % u64::from(total)) as u32)
            .unwrap_or(0)
    }

    /// Send a (checked) dispatch on one shard's session.
    pub(crate) fn dispatch_to_shard(
        &mut self,
        shard: u32,
        t: &str,
        d: Value,
    ) -> Result<u64, String> {
        let guild = Self::guild_of(t, &d);
        let slot = self
            .gateway
            .shards
            .get_mut(&shard)
            .ok_or_else(|| format!("shard {shard} of the bot has no gateway session"))?;
        slot.session.seq += 1;
        let seq = slot.session.seq;
        let frame = json!({"op": 0, "s": seq, "t": t, "d": d}).to_string();
        slot.session.history.push((seq, frame.clone()));
        if t == "GUILD_CREATE" {
            slot.guilds.extend(guild);
        }
        if let Some(live) = &slot.live {
            let _ = live.tx.send(WsOut::Text(frame));
        }
        Ok(seq)
    }

    /// Whether some session would receive this dispatch.
    fn has_session_for(&self, t: &str, d: &Value) -> bool {
        if self.gateway.session.is_some() {
            return true;
        }
        !self.gateway.shards.is_empty() && self.gateway.shards.contains_key(&self.shard_for(t, d))
    }

    /// A guild-level event caused by a world change: sent only to a session that asked for
    /// the GUILDS intent; nothing to do before the bot identified (READY will carry it).
    pub(crate) fn dispatch_world_event(&mut self, t: &str, d: Value) {
        if !self.has_session_for(t, &d) || self.gateway.intents & INTENT_GUILDS == 0 {
            return;
        }
        if let Err(error) = self.dispatch(t, d) {
            self.internal_errors.push(error.clone());
            panic!("fake-discord built an invalid {t} dispatch: {error}");
        }
    }

    // ---- messages -------------------------------------------------------------------------

    pub(crate) fn stored_message(&self, id: u64) -> Option<StoredMessage> {
        let rec = self.messages.get(&id)?;
        let json = &rec.json;
        Some(StoredMessage {
            id: MessageId::new(id),
            channel_id: ChannelId::new(rec.channel_id),
            guild_id: rec.guild_id.map(GuildId::new),
            author_id: UserId::new(rec.author_id),
            content: json["content"].as_str().unwrap_or_default().to_string(),
            embeds: json["embeds"].as_array().cloned().unwrap_or_default(),
            components: json["components"].as_array().cloned().unwrap_or_default(),
            flags: json["flags"].as_u64().unwrap_or(0),
            ephemeral: rec.ephemeral,
            deleted: rec.deleted,
            edited: rec.edited,
            nonce: json.get("nonce").filter(|n| !n.is_null()).cloned(),
            interaction_id: rec.interaction_id.map(InteractionId::new),
            attachments: rec
                .attachment_ids
                .iter()
                .filter_map(|a| self.attachments.get(a).cloned())
                .collect(),
            history: rec.history.clone(),
            raw: json.clone(),
        })
    }

    /// Turn uploaded files and the body's `attachments` into the message's attachment list.
    /// `None` when the body does not touch attachments.
    fn attachments_for(
        &mut self,
        channel_id: u64,
        body: &Value,
        files: &[UploadedFile],
        existing: &[u64],
    ) -> Option<Vec<u64>> {
        let listed = body.get("attachments").filter(|a| !a.is_null());
        if listed.is_none() && files.is_empty() {
            return None;
        }
        let mut uploaded: Vec<(String, u64)> = Vec::new();
        for (index, file) in files.iter().enumerate() {
            let id = self.ids.next();
            let number = file
                .field
                .trim_start_matches("files[")
                .trim_end_matches(']')
                .parse::<usize>()
                .unwrap_or(index);
            let filename = listed
                .and_then(|l| l.as_array())
                .and_then(|l| {
                    l.iter().find(|a| {
                        a["id"].as_u64() == Some(number as u64)
                            || a["id"].as_str() == Some(&number.to_string())
                    })
                })
                .and_then(|a| a["filename"].as_str())
                .unwrap_or(&file.filename)
                .to_string();
            self.attachments.insert(
                id,
                StoredAttachment {
                    id,
                    filename,
                    content_type: file.content_type.clone(),
                    data: file.data.clone(),
                },
            );
            let _ = channel_id;
            uploaded.push((number.to_string(), id));
        }
        let mut out = Vec::new();
        match listed.and_then(|l| l.as_array()) {
            Some(list) => {
                for entry in list {
                    let key = match &entry["id"] {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => continue,
                    };
                    if let Some((_, id)) = uploaded.iter().find(|(n, _)| *n == key) {
                        out.push(*id);
                    } else if let Ok(id) = key.parse::<u64>() {
                        if existing.contains(&id) {
                            out.push(id);
                        }
                    }
                }
                for (_, id) in &uploaded {
                    if !out.contains(id) {
                        out.push(*id);
                    }
                }
            }
            None => {
                out.extend_from_slice(existing);
                out.extend(uploaded.iter().map(|(_, id)| *id));
            }
        }
        Some(out)
    }

    fn attachment_json(&self, channel_id: u64, id: u64) -> Option<Value> {
        let a = self.attachments.get(&id)?;
        let url = format!(
            "http://127.0.0.1:{}/attachments/{channel_id}/{id}/{}",
            self.port, a.filename
        );
        Some(json!({
            "id": id_str(id),
            "filename": a.filename,
            "size": a.data.len(),
            "url": url,
            "proxy_url": url,
            "content_type": a.content_type,
        }))
    }

    /// Apply a message body (create or edit semantics: keys present replace, `null` clears).
    fn apply_body(
        &mut self,
        message_id: u64,
        body: &Value,
        files: &[UploadedFile],
        flag_mask: u64,
    ) {
        let Some(rec) = self.messages.get(&message_id) else {
            return;
        };
        let channel_id = rec.channel_id;
        let existing = rec.attachment_ids.clone();
        let new_attachments = self.attachments_for(channel_id, body, files, &existing);
        let attachment_json: Option<Vec<Value>> = new_attachments.as_ref().map(|ids| {
            ids.iter()
                .filter_map(|id| self.attachment_json(channel_id, *id))
                .collect()
        });
        let Some(rec) = self.messages.get_mut(&message_id) else {
            return;
        };
        let json = &mut rec.json;
        if let Some(content) = body.get("content") {
            json["content"] = json!(content.as_str().unwrap_or_default());
        }
        if let Some(embeds) = body.get("embeds") {
            json["embeds"] = json!(embeds
                .as_array()
                .map(|e| e.iter().map(normalize_embed).collect::<Vec<_>>())
                .unwrap_or_default());
        }
        if let Some(components) = body.get("components") {
            json["components"] = match components {
                Value::Array(_) => strip_nulls(components),
                _ => json!([]),
            };
        }
        if let Some(flags) = body.get("flags").and_then(|f| f.as_u64()) {
            let current = json["flags"].as_u64().unwrap_or(0);
            json["flags"] = json!((current & !flag_mask) | (flags & flag_mask));
        }
        if let (Some(ids), Some(list)) = (new_attachments, attachment_json) {
            rec.attachment_ids = ids;
            json["attachments"] = json!(list);
        }
    }

    /// Create a message by the bot. `interaction`: the interaction it answers.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_message(
        &mut self,
        channel_id: u64,
        kind: u64,
        body: &Value,
        files: &[UploadedFile],
        interaction: Option<u64>,
        extra_flags: u64,
    ) -> u64 {
        let id = self.ids.next();
        let guild_id = self.channels.get(&channel_id).and_then(|c| c.guild_id);
        let flag_mask = if interaction.is_some() {
            SETTABLE_FLAGS
        } else {
            SETTABLE_FLAGS & !FLAG_EPHEMERAL
        };
        let requested = body["flags"].as_u64().unwrap_or(0) & flag_mask;
        let flags = requested | extra_flags;
        let ephemeral = flags & FLAG_EPHEMERAL != 0;
        let mut json = json!({
            "id": id_str(id),
            "channel_id": id_str(channel_id),
            "author": self.user_json(self.bot_id),
            "content": "",
            "timestamp": timestamp_of(id),
            "edited_timestamp": null,
            "tts": false,
            "mention_everyone": false,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": false,
            "type": kind,
            "flags": flags,
        });
        if let Some(nonce) = body.get("nonce").filter(|n| !n.is_null()) {
            json["nonce"] = nonce.clone();
            self.nonces.insert(nonce.to_string(), id);
        }
        let mut visible_to = None;
        if let Some(iid) = interaction {
            json["webhook_id"] = id_str(self.app_id);
            json["application_id"] = id_str(self.app_id);
            if let Some(irec) = self.interactions.get(&iid) {
                json["interaction_metadata"] = irec.metadata.clone();
                if ephemeral {
                    visible_to = Some(irec.actor.user_id);
                }
            }
        }
        self.messages.insert(
            id,
            MessageRec {
                json,
                channel_id,
                guild_id,
                author_id: self.bot_id,
                ephemeral,
                visible_to,
                deleted: false,
                edited: false,
                interaction_id: interaction,
                created: Instant::now(),
                history: vec![],
                attachment_ids: vec![],
            },
        );
        let mut create_body = body.clone();
        if let Some(map) = create_body.as_object_mut() {
            map.remove("flags");
        }
        self.apply_body(id, &create_body, files, 0);
        id
    }

    /// Edit a message (webhook edit, callback 7, channel message PATCH).
    pub(crate) fn edit_message(&mut self, id: u64, body: &Value, files: &[UploadedFile]) {
        if let Some(rec) = self.messages.get_mut(&id) {
            rec.history.push(rec.json.clone());
        }
        // Only SUPPRESS_EMBEDS can change on an edit; LOADING is cleared by any edit.
        self.apply_body(id, body, files, 1 << 2);
        if let Some(rec) = self.messages.get_mut(&id) {
            let flags = rec.json["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
            rec.json["flags"] = json!(flags);
            rec.json["edited_timestamp"] = json!(now_timestamp());
            rec.edited = true;
        }
    }

    pub(crate) fn delete_message(&mut self, id: u64) -> bool {
        match self.messages.get_mut(&id) {
            Some(rec) if !rec.deleted => {
                rec.deleted = true;
                true
            }
            _ => false,
        }
    }

    // ---- interactions ---------------------------------------------------------------------

    /// The bot's answer to an interaction as it stands now.
    pub(crate) fn response_of(&self, interaction_id: u64) -> Option<Response> {
        let rec = self.interactions.get(&interaction_id)?;
        let callback = rec.callback.as_ref()?;
        let message = rec.original.and_then(|m| self.stored_message(m));
        let choices = if callback.kind == 8 {
            callback.data["choices"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| Choice {
                    name: c["name"].as_str().unwrap_or_default().to_string(),
                    value: c["value"].clone(),
                })
                .collect()
        } else {
            vec![]
        };
        let modal = (callback.kind == 9).then(|| modal_of(&callback.data));
        Some(Response {
            kind: CallbackKind::from_code(callback.kind),
            data: callback.data.clone(),
            message,
            choices,
            modal,
            followups: rec
                .followups
                .iter()
                .filter_map(|m| self.stored_message(*m))
                .collect(),
        })
    }

    pub(crate) fn interaction_by_token(&self, token: &str) -> Option<&InteractionRec> {
        self.tokens
            .get(token)
            .and_then(|id| self.interactions.get(id))
    }

    /// A human readable account of an interaction, for timeout errors.
    pub(crate) fn describe_interaction(&self, interaction_id: u64) -> String {
        let Some(rec) = self.interactions.get(&interaction_id) else {
            return format!("unknown interaction {interaction_id}");
        };
        let mut out = format!(
            "interaction {} (type {}, age {:?}, delivered {}x): ",
            rec.id,
            rec.kind,
            rec.age(),
            rec.deliveries
        );
        match &rec.callback {
            None => out.push_str("no callback yet"),
            Some(cb) => out.push_str(&format!(
                "callback type {}, @original edited {}x, {} follow-ups",
                cb.kind,
                rec.original_edits,
                rec.followups.len()
            )),
        }
        for refusal in &rec.refusals {
            out.push_str(&format!(
                "\n  refused {} {}: {}",
                refusal.method, refusal.path, refusal.error
            ));
        }
        let token_requests: Vec<String> = self
            .requests
            .iter()
            .filter(|r| r.path.contains(&rec.token))
            .map(|r| {
                format!(
                    "{} {} -> {}",
                    r.method,
                    r.path.replace(&rec.token, "<token>"),
                    r.status
                )
            })
            .collect();
        if !token_requests.is_empty() {
            out.push_str(&format!(
                "\n  requests with its token: {}",
                token_requests.join(", ")
            ));
        }
        if !self.internal_errors.is_empty() {
            out.push_str(&format!(
                "\n  fake-discord internal errors: {:?}",
                self.internal_errors
            ));
        }
        out
    }

    // ---- commands ---------------------------------------------------------------------

    /// Store a bulk overwrite; returns the Command objects Discord answers with.
    pub(crate) fn overwrite_commands(&mut self, guild: Option<u64>, body: &[Value]) -> Vec<Value> {
        let mut stored = Vec::new();
        for command in body {
            stored.push(self.command_object(guild, command));
        }
        self.commands.insert(guild, stored.clone());
        stored
    }

    pub(crate) fn command_object(&mut self, guild: Option<u64>, command: &Value) -> Value {
        let kind = command["type"].as_u64().unwrap_or(1);
        let name = command["name"].as_str().unwrap_or_default().to_string();
        let key = (guild, kind, name.clone());
        let id = match self.command_ids.get(&key) {
            Some(id) => *id,
            None => {
                let id = self.ids.next();
                self.command_ids.insert(key, id);
                id
            }
        };
        let non_empty_map = |v: &Value| match v {
            Value::Object(m) if !m.is_empty() => v.clone(),
            _ => Value::Null,
        };
        let mut object = json!({
            "id": id_str(id),
            "application_id": id_str(self.app_id),
            "version": id_str(self.ids.next()),
            "default_member_permissions": command.get("default_member_permissions").cloned().unwrap_or(Value::Null),
            "type": kind,
            "name": name,
            "name_localizations": non_empty_map(&command["name_localizations"]),
            "description": command["description"].as_str().unwrap_or_default(),
            "description_localizations": non_empty_map(&command["description_localizations"]),
            "nsfw": command["nsfw"].as_bool().unwrap_or(false),
            "integration_types": command.get("integration_types").filter(|v| !v.is_null()).cloned().unwrap_or(json!([0])),
            "contexts": command.get("contexts").cloned().unwrap_or(Value::Null),
        });
        if let Some(options) = command["options"].as_array().filter(|o| !o.is_empty()) {
            object["options"] = strip_nulls(&Value::Array(options.clone()));
        }
        match guild {
            Some(g) => object["guild_id"] = id_str(g),
            None => {
                object["dm_permission"] = json!(command["dm_permission"].as_bool().unwrap_or(true))
            }
        }
        object
    }

    /// The command a user in `guild` (or a DM) would run under `name`: guild commands first.
    /// A command by its name in `locale` (its `name_localizations`), as a user of that
    /// language types it; guild commands first, then global.
    pub(crate) fn find_localized_command(
        &self,
        guild: Option<u64>,
        name: &str,
        kind: u64,
        locale: &str,
    ) -> Option<&Value> {
        let matches = |c: &&Value| {
            c["name_localizations"][locale].as_str() == Some(name)
                && c["type"].as_u64().unwrap_or(1) == kind
        };
        guild
            .and_then(|g| self.commands.get(&Some(g)))
            .and_then(|list| list.iter().find(matches))
            .or_else(|| {
                self.commands
                    .get(&None)
                    .and_then(|list| list.iter().find(matches))
            })
    }

    pub(crate) fn find_command(&self, guild: Option<u64>, name: &str, kind: u64) -> Option<&Value> {
        let matches = |c: &&Value| {
            c["name"].as_str() == Some(name) && c["type"].as_u64().unwrap_or(1) == kind
        };
        guild
            .and_then(|g| self.commands.get(&Some(g)))
            .and_then(|list| list.iter().find(matches))
            .or_else(|| {
                self.commands
                    .get(&None)
                    .and_then(|list| list.iter().find(matches))
            })
    }

    // ---- failure injection -------------------------------------------------------------

    /// How long to hold a request before acting on it, if it matches a latency rule.
    pub(crate) fn latency_for(&self, method: &str, full_path: &str) -> Option<Duration> {
        matching_delay(&self.latencies, method, full_path)
    }

    /// How long to hold the answer of a request that took effect, if it matches a rule.
    pub(crate) fn reply_latency_for(&self, method: &str, full_path: &str) -> Option<Duration> {
        matching_delay(&self.reply_latencies, method, full_path)
    }

    pub(crate) fn take_failure(&mut self, method: &str, path: &str) -> Option<Failure> {
        let index = self.failures.iter().position(|rule| {
            rule.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path_matches(&rule.pattern, path)
        })?;
        let rule = &mut self.failures[index];
        let failure = rule.failure.clone();
        rule.remaining = rule.remaining.saturating_sub(1);
        if rule.remaining == 0 {
            self.failures.remove(index);
        }
        Some(failure)
    }

    pub(crate) fn record_refusal(&mut self, token: &str, refusal: Refusal) {
        if let Some(id) = self.tokens.get(token).copied() {
            if let Some(rec) = self.interactions.get_mut(&id) {
                rec.refusals.push(refusal);
            }
        }
    }

    pub(crate) fn check_bot_can_send(&self, channel_id: u64) -> Result<(), DiscordError> {
        let channel = self
            .channels
            .get(&channel_id)
            .filter(|c| !c.deleted)
            .ok_or_else(DiscordError::unknown_channel)?;
        if channel.guild_id.is_none() {
            // A DM: the user must take direct messages from the bot.
            let open = channel
                .recipient
                .and_then(|r| self.users.get(&r))
                .is_some_and(|u| u.accepts_dms);
            return if open {
                Ok(())
            } else {
                Err(DiscordError::cannot_message_user())
            };
        }
        let perms = self.channel_permissions(channel_id, self.bot_id);
        if perms & Permissions::VIEW_CHANNEL.bits() == 0 {
            return Err(DiscordError::missing_access());
        }
        if perms & Permissions::SEND_MESSAGES.bits() == 0 {
            return Err(DiscordError::missing_permissions());
        }
        Ok(())
    }
}

/// Discord fills in an embed's `type` and each field's `inline`.
fn normalize_embed(embed: &Value) -> Value {
    let mut embed = strip_nulls(embed);
    if let Some(map) = embed.as_object_mut() {
        map.entry("type").or_insert(json!("rich"));
        if let Some(fields) = map.get_mut("fields").and_then(|f| f.as_array_mut()) {
            for field in fields {
                if let Some(f) = field.as_object_mut() {
                    f.entry("inline").or_insert(json!(false));
                }
            }
        }
    }
    embed
}

/// Discord does not echo `null` members of objects it stores.
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

pub(crate) fn modal_of(data: &Value) -> Modal {
    let inputs = data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|input| TextInput {
            custom_id: input["custom_id"].as_str().unwrap_or_default().to_string(),
            label: input["label"].as_str().unwrap_or_default().to_string(),
            style: input["style"].as_u64().unwrap_or(1),
            required: input["required"].as_bool().unwrap_or(true),
            min_length: input["min_length"].as_u64(),
            max_length: input["max_length"].as_u64(),
            value: input["value"].as_str().map(str::to_string),
            placeholder: input["placeholder"].as_str().map(str::to_string),
        })
        .collect();
    Modal {
        custom_id: data["custom_id"].as_str().unwrap_or_default().to_string(),
        title: data["title"].as_str().unwrap_or_default().to_string(),
        inputs,
    }
}

/// `*` matches one path segment, a trailing `**` any rest; otherwise segments are equal.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_matches('/').split('/').collect();
    for (i, p) in pattern.iter().enumerate() {
        if *p == "**" {
            return true;
        }
        match path.get(i) {
            Some(segment) if *p == "*" || p == segment => {}
            _ => return false,
        }
    }
    pattern.len() == path.len()
}

/// The delay of the first rule matching `method` and the path (with its `/api/v10` prefix).
fn matching_delay(
    rules: &[(Option<String>, String, Duration)],
    method: &str,
    full_path: &str,
) -> Option<Duration> {
    let path = full_path.strip_prefix("/api/v10")?;
    rules
        .iter()
        .find(|(m, pattern, _)| {
            m.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path_matches(pattern, path)
        })
        .map(|(_, _, delay)| *delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> World {
        let settings = Settings {
            response_deadline: Duration::from_secs(3),
            token_lifetime: Duration::from_secs(900),
            nonce_window: Duration::from_secs(300),
            heartbeat_interval: Duration::from_secs(41),
        };
        World::new(1234, settings, "licensebot")
    }

    fn decodes<T: serde::de::DeserializeOwned>(value: &Value) {
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(value.clone()) {
            panic!(
                "{} at {}: {}\n{value:#}",
                std::any::type_name::<T>(),
                e.path(),
                e.inner()
            );
        }
    }

    #[test]
    fn every_shape_decodes_with_serenity() {
        use serenity::model::prelude::*;
        let mut w = world();
        let guild = w.create_guild("Contoso", "nl");
        let channel = w.guilds[&guild].system_channel.unwrap();
        let role = w
            .create_role(guild, "admins", Permissions::MANAGE_GUILD.bits())
            .unwrap();
        let ana = w.add_user("ana");
        w.add_member(guild, ana, &[role]).unwrap();
        crate::gateway::check_dispatch("GUILD_CREATE", &w.guild_create_json(guild).unwrap())
            .unwrap();
        crate::gateway::check_dispatch("READY", &w.ready_json("abc", json!([0, 1]))).unwrap();
        decodes::<PartialGuild>(&w.guild_json(guild).unwrap());
        decodes::<CurrentUser>(&w.current_user_json());
        decodes::<CurrentApplicationInfo>(&w.application_json());
        decodes::<Member>(&w.member_json(guild, ana).unwrap());
        decodes::<GuildChannel>(&w.channel_json(&w.channels[&channel]));
        decodes::<PartialChannel>(&w.partial_channel_json(&w.channels[&channel], ana));
        let dm = w.dm_channel(ana);
        decodes::<PrivateChannel>(&w.channel_json(&w.channels[&dm]));
        decodes::<Channel>(&w.channel_json(&w.channels[&dm]));
        decodes::<Role>(&w.role_json(&w.guilds[&guild].roles[&role]));
        let body = json!({"content": "hi", "embeds": [{"title": "t", "fields": [{"name": "a", "value": "b"}]}],
            "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}],
            "nonce": "n1"});
        let m = w.create_message(channel, 0, &body, &[], None, 0);
        decodes::<Message>(&w.messages[&m].json);
        w.edit_message(m, &json!({"content": "edited", "components": []}), &[]);
        decodes::<Message>(&w.messages[&m].json);
        let command = w.command_object(
            Some(guild),
            &json!({"name": "ping", "description": "p", "options": [
            {"type": 3, "name": "x", "description": "d", "required": true, "autocomplete": true}]}),
        );
        decodes::<Command>(&command);
    }

    #[test]
    fn path_patterns_match_segments() {
        assert!(path_matches(
            "/channels/*/messages",
            "/channels/123/messages"
        ));
        assert!(!path_matches(
            "/channels/*/messages",
            "/channels/123/messages/4"
        ));
        assert!(path_matches(
            "/webhooks/**",
            "/webhooks/1/abc/messages/@original"
        ));
        assert!(path_matches(
            "/interactions/*/*/callback",
            "/interactions/1/t/callback"
        ));
    }
}
