//! `/settings show`: the server's set-up as a checklist, one line each, ✅ or ⚠️ with what to
//! do. licensebot's books come from `App::setup_facts`; what Discord says (the notice
//! channel and the bot's permissions there, the roles, the application command permissions
//! set under Server Settings → Integrations) is read here, once per run.

use serenity::all::{
    Channel, ChannelId, CommandPermissionType, CommandPermissions, GuildId as DiscordGuildId, Http,
    PermissionOverwrite, PermissionOverwriteType, Permissions, Role, RoleId,
};

use super::{
    i18n::{n, name_arg, s, Lang},
    render::{noon_utc, Reply, GREEN, YELLOW},
    render_licenses::powers_text,
};
use crate::{
    app::SetupFacts,
    domain::{
        licenses::{check_role_link, BotStanding, RoleFacts, RoleLinkRefusal},
        records::GuildId,
        LicenseRefusal, LifecycleState,
    },
};

/// What the notice channel needs from the bot.
const CHANNEL_NEEDS: [(Permissions, &str); 3] = [
    (Permissions::VIEW_CHANNEL, "permission-view-channel"),
    (Permissions::SEND_MESSAGES, "permission-send-messages"),
    (Permissions::EMBED_LINKS, "permission-embed-links"),
];

/// Subscriptions ending within this many days are named.
const ENDING_WITHIN_DAYS: i64 = 30;

/// What Discord says about the guild, as far as it could be read.
struct DiscordFacts {
    /// The bot's user id.
    me: u64,
    /// The bot's roles, or why they could not be read.
    my_roles: Result<Vec<RoleId>, String>,
    /// The guild's roles, or why they could not be read.
    roles: Result<Vec<Role>, String>,
}

/// The checklist for `guild`, in `lang`.
pub async fn checklist(
    http: &Http,
    application: serenity::all::ApplicationId,
    lang: Lang,
    guild: GuildId,
    facts: &SetupFacts,
) -> Reply {
    let discord = read_discord(http, guild).await;
    let mut lines = vec![notice_channel_line(http, lang, guild, facts, &discord).await];
    lines.push(manager_role_line(http, application, lang, guild, facts, &discord).await);
    lines.push(language_line(lang, facts));
    lines.extend(license_role_lines(lang, guild, facts, &discord));
    lines.extend(ending_lines(lang, facts));
    lines.push(waiting_line(lang, facts));
    let healthy = lines.iter().all(|l| l.starts_with('✅'));
    Reply {
        content: None,
        embeds: vec![serenity::all::CreateEmbed::new()
            .title(lang.t("settings-show-title"))
            .colour(if healthy { GREEN } else { YELLOW })
            .description(lines.join("\n"))],
        components: vec![],
    }
}

async fn read_discord(http: &Http, guild: GuildId) -> DiscordFacts {
    let guild_id = DiscordGuildId::new(guild.0);
    let me = match http.get_current_user().await {
        Ok(me) => me.id.get(),
        Err(e) => {
            let reason = describe(e);
            return DiscordFacts {
                me: 0,
                my_roles: Err(reason.clone()),
                roles: Err(reason),
            };
        }
    };
    let my_roles = http
        .get_member(guild_id, serenity::all::UserId::new(me))
        .await
        .map(|m| m.roles)
        .map_err(describe);
    let roles = http.get_guild_roles(guild_id).await.map_err(describe);
    DiscordFacts {
        me,
        my_roles,
        roles,
    }
}

/// Discord's answer, or what went wrong on the way, without the request's URL.
fn describe(e: serenity::Error) -> String {
    let text = match &e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            format!("{} {}", r.status_code.as_u16(), r.error.message)
        }
        other => other.to_string(),
    };
    crate::telemetry::redact_urls(&text)
}

/// Discord's JSON error codes for a channel the bot cannot reach.
const UNKNOWN_CHANNEL: isize = 10003;
const MISSING_ACCESS: isize = 50001;

async fn notice_channel_line(
    http: &Http,
    lang: Lang,
    guild: GuildId,
    facts: &SetupFacts,
    discord: &DiscordFacts,
) -> String {
    let Some(channel) = facts.settings.notice_channel else {
        return lang.t("check-channel-none");
    };
    let with = |id: &str| lang.ta(id, &[("channel", s(channel))]);
    let found = match ChannelId::new(channel.max(1)).to_channel(http).await {
        Ok(Channel::Guild(found)) if found.guild_id.get() == guild.0 => found,
        Ok(_) => return with("check-channel-gone"),
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
            if r.error.code == UNKNOWN_CHANNEL =>
        {
            return with("check-channel-gone")
        }
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
            if r.error.code == MISSING_ACCESS =>
        {
            return with("check-channel-hidden")
        }
        Err(e) => {
            return lang.ta(
                "check-channel-unknown",
                &[("channel", s(channel)), ("reason", s(describe(e)))],
            )
        }
    };
    let (Ok(roles), Ok(mine)) = (&discord.roles, &discord.my_roles) else {
        let reason = discord
            .roles
            .as_ref()
            .err()
            .or(discord.my_roles.as_ref().err())
            .cloned()
            .unwrap_or_default();
        return lang.ta(
            "check-channel-unknown",
            &[("channel", s(channel)), ("reason", s(reason))],
        );
    };
    let permissions = channel_permissions(
        guild.0,
        discord.me,
        roles,
        mine,
        &found.permission_overwrites,
    );
    if !permissions.contains(Permissions::VIEW_CHANNEL) {
        return with("check-channel-hidden");
    }
    let missing: Vec<String> = CHANNEL_NEEDS
        .iter()
        .filter(|(p, _)| !permissions.contains(*p))
        .map(|(_, id)| lang.t(id))
        .collect();
    if missing.is_empty() {
        with("check-channel-ok")
    } else {
        lang.ta(
            "check-channel-missing",
            &[
                ("channel", s(channel)),
                ("permissions", s(missing.join(", "))),
            ],
        )
    }
}

/// The bot's permissions in a channel: the guild's (`@everyone` and its roles; everything
/// with Administrator), then the channel's overwrites for `@everyone`, its roles, and
/// itself, in Discord's order.
fn channel_permissions(
    guild: u64,
    me: u64,
    roles: &[Role],
    mine: &[RoleId],
    overwrites: &[PermissionOverwrite],
) -> Permissions {
    let everyone = roles
        .iter()
        .find(|r| r.id.get() == guild)
        .map(|r| r.permissions)
        .unwrap_or_else(Permissions::empty);
    let base = roles
        .iter()
        .filter(|r| mine.contains(&r.id))
        .fold(everyone, |p, r| p | r.permissions);
    if base.contains(Permissions::ADMINISTRATOR) {
        return Permissions::all();
    }
    let apply = |p: Permissions, allow: Permissions, deny: Permissions| (p - deny) | allow;
    let mut p = base;
    for o in overwrites {
        if o.kind == PermissionOverwriteType::Role(RoleId::new(guild)) {
            p = apply(p, o.allow, o.deny);
        }
    }
    let (mut allow, mut deny) = (Permissions::empty(), Permissions::empty());
    for o in overwrites {
        if let PermissionOverwriteType::Role(role) = o.kind {
            if role.get() != guild && mine.contains(&role) {
                allow |= o.allow;
                deny |= o.deny;
            }
        }
    }
    p = apply(p, allow, deny);
    for o in overwrites {
        if matches!(o.kind, PermissionOverwriteType::Member(user) if user.get() == me) {
            p = apply(p, o.allow, o.deny);
        }
    }
    p
}

async fn manager_role_line(
    http: &Http,
    application: serenity::all::ApplicationId,
    lang: Lang,
    guild: GuildId,
    facts: &SetupFacts,
    discord: &DiscordFacts,
) -> String {
    let Some(role) = facts.settings.manager_role else {
        return lang.t("check-manager-none");
    };
    let with = |id: &str| lang.ta(id, &[("role", s(role))]);
    if let Ok(roles) = &discord.roles {
        match roles.iter().find(|r| r.id.get() == role) {
            None => return lang.t("check-manager-gone"),
            Some(r)
                if r.permissions.contains(Permissions::MANAGE_GUILD)
                    || r.permissions.contains(Permissions::ADMINISTRATOR) =>
            {
                return with("check-manager-shown")
            }
            Some(_) => {}
        }
    }
    if http.application_id().is_none() {
        http.set_application_id(application);
    }
    match http
        .get_guild_commands_permissions(DiscordGuildId::new(guild.0))
        .await
    {
        Ok(permissions) if commands_shown_to(&permissions, application.get(), guild.0, role) => {
            with("check-manager-shown")
        }
        Ok(_) => with("check-manager-hidden"),
        Err(e) => lang.ta(
            "check-manager-unknown",
            &[("role", s(role)), ("reason", s(describe(e)))],
        ),
    }
}

/// Whether Discord shows licensebot's commands (registered for Manage Server) to members of
/// `role` who lack it: the application's own entry (Server Settings → Integrations →
/// licensebot) allows the role, or `@everyone` without refusing the role.
fn commands_shown_to(
    permissions: &[CommandPermissions],
    application: u64,
    guild: u64,
    role: u64,
) -> bool {
    let Some(app) = permissions.iter().find(|p| p.id.get() == application) else {
        return false;
    };
    let entry = |id: u64| {
        app.permissions
            .iter()
            .find(|p| p.kind == CommandPermissionType::Role && p.id.get() == id)
            .map(|p| p.permission)
    };
    match entry(role) {
        Some(allowed) => allowed,
        None => entry(guild).unwrap_or(false),
    }
}

fn language_line(lang: Lang, facts: &SetupFacts) -> String {
    let server = Lang::from_discord(&facts.settings.locale);
    lang.ta(
        if facts.settings.language.is_some() {
            "check-language-chosen"
        } else {
            "check-language-server"
        },
        &[("language", s(server.t("language-name")))],
    )
}

fn license_role_lines(
    lang: Lang,
    guild: GuildId,
    facts: &SetupFacts,
    discord: &DiscordFacts,
) -> Vec<String> {
    if facts.license_roles.is_empty() {
        return vec![lang.t("check-roles-none")];
    }
    let (roles, mine) = match (&discord.roles, &discord.my_roles) {
        (Ok(roles), Ok(mine)) => (roles, mine),
        (Err(reason), _) | (_, Err(reason)) => {
            return vec![lang.ta("check-roles-unknown", &[("reason", s(reason))])]
        }
    };
    let role_facts = |r: &Role| RoleFacts {
        id: r.id.get(),
        position: i64::from(r.position),
        managed: r.managed,
        everyone: r.id.get() == guild.0,
        permissions: r.permissions.bits(),
    };
    let everyone = roles
        .iter()
        .find(|r| r.id.get() == guild.0)
        .map(|r| r.permissions)
        .unwrap_or_else(Permissions::empty);
    let held: Vec<&Role> = roles.iter().filter(|r| mine.contains(&r.id)).collect();
    let permissions = held.iter().fold(everyone, |p, r| p | r.permissions);
    let standing = BotStanding {
        manage_roles: permissions.contains(Permissions::MANAGE_ROLES)
            || permissions.contains(Permissions::ADMINISTRATOR),
        highest: held
            .iter()
            .map(|r| role_facts(r))
            .reduce(|a, b| if b.is_above(&a) { b } else { a }),
    };
    facts
        .license_roles
        .iter()
        .map(|(subscription, role)| {
            let args = |id: &str| {
                lang.ta(
                    id,
                    &[("role", s(role)), ("subscription", name_arg(subscription))],
                )
            };
            let Some(found) = roles.iter().find(|r| r.id.get() == *role) else {
                return lang.ta(
                    "check-role-gone",
                    &[("subscription", name_arg(subscription))],
                );
            };
            match check_role_link(&role_facts(found), facts.settings.manager_role, &standing) {
                Ok(()) => args("check-role-ok"),
                Err(LicenseRefusal::RoleNotLinkable { why, .. }) => match why {
                    RoleLinkRefusal::NoManageRoles => args("check-role-no-manage-roles"),
                    RoleLinkRefusal::NotBelowBot => args("check-role-not-below"),
                    RoleLinkRefusal::Powerful(powers) => lang.ta(
                        "check-role-powerful",
                        &[
                            ("role", s(role)),
                            ("subscription", name_arg(subscription)),
                            ("powers", s(powers_text(lang, &powers.list()))),
                        ],
                    ),
                    RoleLinkRefusal::Everyone
                    | RoleLinkRefusal::Managed
                    | RoleLinkRefusal::ManagerRole => args("check-role-unusable"),
                },
                Err(_) => args("check-role-unusable"),
            }
        })
        .collect()
}

fn ending_lines(lang: Lang, facts: &SetupFacts) -> Vec<String> {
    let mut lines: Vec<String> = facts
        .subscriptions
        .iter()
        .filter(|s| {
            s.state == LifecycleState::Active
                && (s.subscription.ends_on - facts.today).num_days() <= ENDING_WITHIN_DAYS
        })
        .map(|s| {
            lang.ta(
                "check-ending",
                &[
                    ("subscription", name_arg(&s.subscription.name)),
                    ("at", n(noon_utc(s.subscription.ends_on))),
                ],
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push(lang.t("check-ending-none"));
    }
    lines
}

fn waiting_line(lang: Lang, facts: &SetupFacts) -> String {
    match facts.waiting_until {
        Some(until) if facts.waiting_notices > 0 => lang.ta(
            "check-waiting",
            &[
                ("count", n(facts.waiting_notices)),
                ("until", n(until.timestamp())),
            ],
        ),
        _ => lang.t("check-waiting-none"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(app: u64, roles: &[(u64, bool)]) -> CommandPermissions {
        serde_json::from_value(serde_json::json!({
            "id": app.to_string(),
            "application_id": app.to_string(),
            "guild_id": "7",
            "permissions": roles.iter().map(|(id, allowed)| serde_json::json!({
                "id": id.to_string(), "type": 1, "permission": allowed,
            })).collect::<Vec<_>>(),
        }))
        .expect("a command permissions entry")
    }

    #[test]
    fn the_commands_are_hidden_from_a_role_until_the_integrations_page_adds_it() {
        assert!(!commands_shown_to(&[], 1, 7, 42));
        assert!(commands_shown_to(&[entry(1, &[(42, true)])], 1, 7, 42));
        assert!(!commands_shown_to(&[entry(1, &[(43, true)])], 1, 7, 42));
        assert!(commands_shown_to(&[entry(1, &[(7, true)])], 1, 7, 42));
        assert!(!commands_shown_to(
            &[entry(1, &[(7, true), (42, false)])],
            1,
            7,
            42
        ));
        // Another application's entry says nothing about licensebot's commands.
        assert!(!commands_shown_to(&[entry(2, &[(42, true)])], 1, 7, 42));
    }
}
