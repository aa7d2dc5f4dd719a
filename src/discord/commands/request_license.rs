//! `/request-license subscription:<ac>` — asks the admins for a license: the request is
//! posted in the notice channel, in the guild's language, with **Approve** / **Deny**
//! buttons. Any member may ask; only admins may decide (checked again on the click).

use serenity::all::{
    ChannelId, CommandInteraction, CommandOptionType, ComponentInteraction, CreateCommand,
    EditMessage, MessageId,
};
use uuid::Uuid;

use super::{
    handler, member_command, option,
    order::{self, string_option},
    Bot, SlashCommand,
};
use crate::{
    app::{AppError, SubscriptionRef, UserError},
    discord::{
        i18n::{name_arg, s, Lang},
        render::Reply,
        render_licenses,
        respond::{respond, Outcome, Target, Transport},
    },
    domain::{
        records::{GuildId, UserId},
        LicenseRefusal,
    },
};

const NAME: &str = "request-license";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::member_autocomplete)),
};

pub fn define() -> CreateCommand {
    member_command("cmd-request-license-name", "cmd-request-license-desc").add_option(
        option(
            CommandOptionType::String,
            "opt-subscription-name",
            "opt-subscription-desc",
        )
        .required(true)
        .set_autocomplete(true)
        .max_length(100),
    )
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
        let subscription =
            SubscriptionRef::from_option(string_option(cmd, "subscription").unwrap_or(""));
        let member = UserId(cmd.user.id.get());
        match bot
            .app
            .request_license(guild, &subscription, member, lang.code())
            .await
        {
            Ok(posted) => {
                bot.outbox.notify_one();
                Outcome::Message(Reply::text(lang.ta(
                    "request-posted",
                    &[("subscription", name_arg(&posted.subscription.name))],
                )))
            }
            Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
        }
    };
    respond(&bot.http, target, work).await
}

/// **Approve** / **Deny** on a request: only admins decide; the decision (or, for a request
/// decided or expired already, what became of it) replaces the buttons on the request's
/// message, in the guild's language, and the clicker is answered in theirs.
pub async fn decide(
    bot: &Bot,
    lang: Lang,
    click: &ComponentInteraction,
    request: Uuid,
    approve: bool,
) -> Outcome {
    let guild = match bot.authorise(click.guild_id, click.member.as_ref()).await {
        Ok(g) => g,
        Err(AppError::User(UserError::NotAllowed)) => {
            crate::discord::note_outcome(crate::metrics::Outcome::refused);
            return Outcome::Message(Reply::text(lang.t("request-refused-not-allowed")));
        }
        Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
    };
    let by = UserId(click.user.id.get());
    let message = (click.channel_id, click.message.id);
    match bot
        .app
        .decide_license_request(guild, request, by, approve)
        .await
    {
        Ok(decision) => {
            bot.outbox.notify_one();
            bot.roles.notify_one();
            close_message(bot, guild, request, message).await;
            let id = if approve {
                "request-approved-reply"
            } else {
                "request-denied-reply"
            };
            let sub = &decision.subscription;
            let count = render_licenses::assigned_of(
                lang,
                decision.assigned.unwrap_or_default(),
                sub.seats,
            );
            Outcome::Message(Reply::text(lang.ta(
                id,
                &[
                    ("user", s(decision.request.user.0)),
                    ("subscription", name_arg(&sub.name)),
                    ("count", s(count)),
                ],
            )))
        }
        Err(e) => {
            if let Some(UserError::License(LicenseRefusal::RequestClosed { .. })) = e.user() {
                // Decided by someone else, or expired: the buttons go, whatever happened.
                close_message(bot, guild, request, message).await;
            }
            Outcome::Message(bot.error_reply(lang, &e, None))
        }
    }
}

/// Replaces a closed request's message with what became of it, without buttons.
async fn close_message(
    bot: &Bot,
    guild: GuildId,
    request: Uuid,
    (channel, message): (ChannelId, MessageId),
) {
    let (request, sub) = match bot.app.license_request(guild, request).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = ?e, "could not read a request to update its message");
            return;
        }
    };
    let guild_lang = match bot.app.guild_settings(guild).await {
        Ok(settings) => Lang::from_discord(&settings.locale),
        Err(_) => Lang::EnUs,
    };
    let text = render_licenses::request_closed(guild_lang, &request, &sub.name, &sub.product.name);
    let edit = EditMessage::new().content(text).components(vec![]);
    if let Err(e) = channel.edit_message(&bot.http, message, edit).await {
        tracing::warn!(request = %request.id, error = %e, "could not update a request's message");
    }
}
