//! `/settings notices channel:<channel>` — where notices go (checked by posting there);
//! `/settings manager-role [role:<role>]` — a role whose members may use the bot (omit
//! `role` to clear it); the answer gives the Integrations steps Discord needs;
//! `/settings license-role subscription:<ac> [role:<role>]` — the role a subscription's
//! license holders carry (omit `role` to unlink; checked against the bot's powers).
//! `/settings language language:<choice>` — the language of notices, request messages and
//! direct messages (the choices are every language licensebot speaks, by Discord locale code);
//! `/settings show` — the server's set-up as a checklist, ✅ or ⚠️ with what to do.
//! All need Manage Server.

use serenity::all::{
    Channel, ChannelId, ChannelType, CommandInteraction, CommandOptionType, CreateCommand,
    CreateCommandOption, CreateMessage, ResolvedValue,
};

use super::{
    command, handler, option,
    order::{self, arg_str},
    Bot, SlashCommand,
};
use crate::{
    app::UserError,
    discord::{
        checklist,
        i18n::{name_arg, s, Lang},
        permissions::is_server_manager,
        render::Reply,
        respond::{respond, Outcome, Target, Transport},
        roles,
    },
    domain::records::{GuildId, UserId},
};

const NAME: &str = "settings";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::autocomplete)),
};

pub fn define() -> CreateCommand {
    command("cmd-settings-name", "cmd-settings-desc")
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-settings-notices-name",
                "cmd-settings-notices-desc",
            )
            .add_sub_option(
                option(
                    CommandOptionType::Channel,
                    "opt-channel-name",
                    "opt-channel-desc",
                )
                .required(true)
                .channel_types(vec![ChannelType::Text, ChannelType::News]),
            ),
        )
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-settings-manager-role-name",
                "cmd-settings-manager-role-desc",
            )
            .add_sub_option(
                option(CommandOptionType::Role, "opt-role-name", "opt-role-desc").required(false),
            ),
        )
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-settings-language-name",
                "cmd-settings-language-desc",
            )
            .add_sub_option(language_choices(
                option(
                    CommandOptionType::String,
                    "opt-language-name",
                    "opt-language-desc",
                )
                .required(true),
            )),
        )
        .add_option(option(
            CommandOptionType::SubCommand,
            "cmd-settings-show-name",
            "cmd-settings-show-desc",
        ))
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-settings-license-role-name",
                "cmd-settings-license-role-desc",
            )
            .add_sub_option(
                option(
                    CommandOptionType::String,
                    "opt-subscription-name",
                    "opt-subscription-desc",
                )
                .required(true)
                .set_autocomplete(true)
                .max_length(100),
            )
            .add_sub_option(
                option(
                    CommandOptionType::Role,
                    "opt-role-name",
                    "opt-license-role-desc",
                )
                .required(false),
            ),
        )
}

/// One choice per language licensebot speaks, named in that language, its value the
/// Discord locale code: a language added to [`Lang::ALL`] appears here by itself.
fn language_choices(mut option: CreateCommandOption) -> CreateCommandOption {
    for lang in Lang::ALL {
        option = option.add_string_choice(lang.t("language-name"), lang.code());
    }
    option
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    let lang = Lang::from_discord(&cmd.locale);
    let target = Target {
        id: cmd.id,
        token: &cmd.token,
        is_component: false,
        transport,
    };
    let work = async {
        let Some(guild) = cmd.guild_id.map(|g| GuildId(g.get())) else {
            return Outcome::Message(bot.error_reply(lang, &UserError::NotInGuild.into(), None));
        };
        if !cmd.member.as_deref().is_some_and(is_server_manager) {
            return Outcome::Message(Reply::text(lang.t("error-settings-not-allowed")));
        }
        let options = cmd.data.options();
        let Some(sub) = options.first() else {
            return Outcome::Message(Reply::text(lang.t("error-stale-button")));
        };
        let ResolvedValue::SubCommand(args) = &sub.value else {
            return Outcome::Message(Reply::text(lang.t("error-stale-button")));
        };
        if sub.name == "show" {
            return Outcome::Message(show(bot, lang, guild, cmd.application_id).await);
        }
        if sub.name == "license-role" {
            let by = UserId(cmd.user.id.get());
            return Outcome::Message(license_role(bot, lang, guild, args, by).await);
        }
        match (sub.name, args.first().map(|a| &a.value)) {
            ("notices", Some(ResolvedValue::Channel(channel))) => {
                Outcome::Message(set_notices(bot, lang, guild, channel.id).await)
            }
            ("language", Some(ResolvedValue::String(code))) => {
                Outcome::Message(set_language(bot, lang, guild, code).await)
            }
            ("manager-role", Some(ResolvedValue::Role(role))) => {
                match bot.app.set_manager_role(guild, Some(role.id.get())).await {
                    // Discord shows the commands (registered for Manage Server) to the role
                    // only once an admin adds it to the integration: say how.
                    Ok(()) => Outcome::Message(Reply::text(
                        lang.ta("settings-role-saved", &[("role", s(role.id))]),
                    )),
                    Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
                }
            }
            ("manager-role", None) => match bot.app.set_manager_role(guild, None).await {
                Ok(()) => Outcome::Message(Reply::text(lang.t("settings-role-cleared"))),
                Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
            },
            _ => Outcome::Message(Reply::text(lang.t("error-stale-button"))),
        }
    };
    respond(&bot.http, target, work).await
}

/// Saves the server's language, one of the choices (anything else is a stale command).
async fn set_language(bot: &Bot, lang: Lang, guild: GuildId, code: &str) -> Reply {
    let Some(chosen) = Lang::ALL.into_iter().find(|l| l.code() == code) else {
        return Reply::text(lang.t("error-stale-button"));
    };
    match bot.app.set_guild_language(guild, chosen.code()).await {
        Ok(()) => Reply::text(lang.ta(
            "settings-language-saved",
            &[("language", s(chosen.t("language-name")))],
        )),
        Err(e) => bot.error_reply(lang, &e, None),
    }
}

/// The checklist of `/settings show`.
async fn show(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    application: serenity::all::ApplicationId,
) -> Reply {
    match bot.app.setup_facts(guild).await {
        Ok(facts) => checklist::checklist(&bot.http, application, lang, guild, &facts).await,
        Err(e) => bot.error_reply(lang, &e, None),
    }
}

/// Saves the notice channel once it is known to be this guild's and a message could be
/// posted there; otherwise says why not and changes nothing.
async fn set_notices(bot: &Bot, lang: Lang, guild: GuildId, channel: ChannelId) -> Reply {
    let guild_lang = match bot.app.guild_settings(guild).await {
        Ok(settings) => Lang::from_discord(&settings.locale),
        Err(e) => return bot.error_reply(lang, &e, None),
    };
    // The option's resolved channel does not say which guild it is in. Discord's client
    // offers this guild's channels only, but a forged or mistaken delivery must not send a
    // guild's notices into another guild's channel (where the bot may also be): ask Discord.
    let failed = |e: serenity::Error| {
        let reason = match &e {
            serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
                format!("{} {}", r.status_code.as_u16(), r.error.message)
            }
            other => other.to_string(),
        };
        // Shown to the admin too: the error's own words, with any URL's secrets taken out.
        let reason = crate::telemetry::redact_urls(&reason);
        tracing::warn!(guild = guild.0, channel = channel.get(), error = %reason, "notice channel refused");
        Reply::text(lang.ta(
            "settings-notices-failed",
            &[("channel", s(channel)), ("reason", s(reason))],
        ))
    };
    match channel.to_channel(&bot.http).await {
        Ok(Channel::Guild(found)) if found.guild_id.get() == guild.0 => {}
        Ok(_) => {
            tracing::warn!(
                guild = guild.0,
                channel = channel.get(),
                "refused a notice channel of another guild"
            );
            return Reply::text(
                lang.ta("settings-notices-other-server", &[("channel", s(channel))]),
            );
        }
        Err(e) => return failed(e),
    }
    let hello = CreateMessage::new().content(guild_lang.t("settings-notices-hello"));
    if let Err(e) = channel.send_message(&bot.http, hello).await {
        return failed(e);
    }
    match bot.app.set_notice_channel(guild, channel.get()).await {
        Ok(()) => {
            bot.outbox.notify_one();
            Reply::text(lang.ta("settings-notices-saved", &[("channel", s(channel))]))
        }
        Err(e) => bot.error_reply(lang, &e, None),
    }
}

/// Links the role to the subscription once Discord says the bot can give it: not
/// `@everyone`, not managed, not the manager role, no power over the server, the bot has
/// Manage Roles and its highest role is above it. No role: unlinks. Either way the holders' roles follow, through the role queue.
async fn license_role(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    args: &[serenity::all::ResolvedOption<'_>],
    by: UserId,
) -> Reply {
    let subscription =
        crate::app::SubscriptionRef::from_option(arg_str(args, "subscription").unwrap_or(""));
    let role = args.iter().find_map(|a| match (a.name, &a.value) {
        ("role", ResolvedValue::Role(role)) => Some(role.id),
        _ => None,
    });
    if let Some(role) = role {
        let manager_role = match bot.app.guild_settings(guild).await {
            Ok(settings) => settings.manager_role,
            Err(e) => return bot.error_reply(lang, &e, None),
        };
        match roles::check_linkable(&bot.http, guild, role, manager_role).await {
            Ok(Ok(())) => {}
            Ok(Err(refusal)) => return bot.error_reply(lang, &refusal.into(), None),
            Err(reason) => {
                tracing::warn!(guild = guild.0, error = %reason, "could not read the guild's roles");
                return Reply::text(lang.ta("role-check-failed", &[("reason", s(reason))]));
            }
        }
    }
    let role = role.map(|r| r.get());
    match bot
        .app
        .set_license_role(guild, &subscription, role, by)
        .await
    {
        Ok(link) => {
            bot.roles.notify_one();
            let name = name_arg(&link.subscription.name);
            match (link.role, link.previous) {
                (Some(role), _) => Reply::text(lang.ta(
                    "settings-license-role-saved",
                    &[("subscription", name), ("role", s(role))],
                )),
                (None, Some(previous)) => Reply::text(lang.ta(
                    "settings-license-role-removed",
                    &[("subscription", name), ("role", s(previous))],
                )),
                (None, None) => {
                    Reply::text(lang.ta("settings-license-role-none", &[("subscription", name)]))
                }
            }
        }
        Err(e) => bot.error_reply(lang, &e, None),
    }
}
