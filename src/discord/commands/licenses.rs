//! `/licenses assign subscription:<ac> user:<user>` — gives the member a license ("13 of 70
//! assigned"); `/licenses unassign subscription:<ac> user:<user>` — takes it back;
//! `/licenses list subscription:<ac>` — its holders, 10 a page, with when and by whom, and
//! Newer / Older buttons. Admins only (Manage Server or the manager role).

use serenity::all::{CommandInteraction, CommandOptionType, CreateCommand, ResolvedValue, User};

use super::{
    command, handler, option,
    order::{self, arg_str, subcommand},
    Bot, SlashCommand,
};
use crate::{
    app::{AppError, AssignLicense, SubscriptionRef, UnassignLicense},
    discord::{
        i18n::Lang,
        render::Reply,
        render_licenses,
        respond::{respond, Outcome, Target, Transport},
    },
    domain::{
        records::{GuildId, UserId},
        LicenseRefusal,
    },
};

const NAME: &str = "licenses";

/// Holders on one page of `/licenses list`.
pub const PAGE_SIZE: i64 = 10;

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::autocomplete)),
};

fn subscription_option() -> serenity::all::CreateCommandOption {
    option(
        CommandOptionType::String,
        "opt-subscription-name",
        "opt-subscription-desc",
    )
    .required(true)
    .set_autocomplete(true)
    .max_length(100)
}

fn user_option() -> serenity::all::CreateCommandOption {
    option(CommandOptionType::User, "opt-user-name", "opt-user-desc").required(true)
}

pub fn define() -> CreateCommand {
    command("cmd-licenses-name", "cmd-licenses-desc")
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-licenses-assign-name",
                "cmd-licenses-assign-desc",
            )
            .add_sub_option(subscription_option())
            .add_sub_option(user_option()),
        )
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-licenses-unassign-name",
                "cmd-licenses-unassign-desc",
            )
            .add_sub_option(subscription_option())
            .add_sub_option(user_option()),
        )
        .add_option(
            option(
                CommandOptionType::SubCommand,
                "cmd-licenses-list-name",
                "cmd-licenses-list-desc",
            )
            .add_sub_option(subscription_option()),
        )
}

/// The user option: the user, and whether Discord sent them as a member of the guild.
fn user_arg<'a>(args: &[serenity::all::ResolvedOption<'a>]) -> Option<(&'a User, bool)> {
    args.iter().find_map(|o| match (o.name, &o.value) {
        ("user", ResolvedValue::User(user, member)) => Some((*user, member.is_some())),
        _ => None,
    })
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
        let guild = match bot.authorise(cmd.guild_id, cmd.member.as_deref()).await {
            Ok(g) => g,
            Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
        };
        let Some((name, args)) = subcommand(cmd) else {
            return Outcome::Message(Reply::text(lang.t("error-stale-button")));
        };
        let subscription =
            SubscriptionRef::from_option(arg_str(&args, "subscription").unwrap_or(""));
        let by = UserId(cmd.user.id.get());
        let result = match (name, user_arg(&args)) {
            ("assign", Some((user, in_guild))) => {
                assign(bot, lang, guild, subscription, user, in_guild, by).await
            }
            ("unassign", Some((user, _))) => {
                let input = UnassignLicense {
                    guild,
                    subscription,
                    member: UserId(user.id.get()),
                    by,
                };
                bot.app.unassign_license(input).await.map(|change| {
                    bot.roles.notify_one();
                    render_licenses::changed(lang, false, &change)
                })
            }
            ("list", _) => page(bot, lang, guild, &subscription, 0).await,
            _ => return Outcome::Message(Reply::text(lang.t("error-stale-button"))),
        };
        match result {
            Ok(reply) => Outcome::Message(reply),
            Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
        }
    };
    respond(&bot.http, target, work).await
}

async fn assign(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    subscription: SubscriptionRef,
    user: &User,
    in_guild: bool,
    by: UserId,
) -> Result<Reply, AppError> {
    let member = UserId(user.id.get());
    if !in_guild && !user.bot {
        return Err(LicenseRefusal::NotAMember { member }.into());
    }
    let input = AssignLicense {
        guild,
        subscription,
        member,
        member_is_bot: user.bot,
        by,
    };
    let change = bot.app.assign_license(input).await?;
    // The role change, and the notice when it was the last free license.
    bot.roles.notify_one();
    bot.outbox.notify_one();
    Ok(render_licenses::changed(lang, true, &change))
}

/// One page of a subscription's holders (page 0 is the newest), with Newer / Older.
pub async fn page(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    subscription: &SubscriptionRef,
    page: u32,
) -> Result<Reply, AppError> {
    let holders = bot
        .app
        .license_holders_page(guild, subscription, page, PAGE_SIZE)
        .await?;
    let role = bot
        .app
        .license_roles(guild)
        .await?
        .get(&holders.subscription.id)
        .copied();
    Ok(render_licenses::holders(lang, &holders, role))
}
