//! What /add-licenses, /extend and /activate share: the options, opening the order,
//! autocomplete.

use serenity::all::{
    CommandInteraction, CommandOptionType, CreateAutocompleteResponse, CreateCommand,
    CreateCommandOption, CreateInteractionResponse, ResolvedOption, ResolvedValue,
};

use super::{command, option, Bot};
use crate::{
    app::{AppError, OpenOrder, SubscriptionRef, UserError},
    discord::{
        i18n::Lang,
        render, render_licenses,
        respond::{answer, respond, Outcome, Target, Transport},
    },
    domain::{catalogue::MAX_NAME_CHARS, records::UserId, OrderKind},
    telemetry::error_chain,
};

pub const SUBSCRIPTION: &str = "subscription";
/// /activate's name for the new subscription.
pub const NAME: &str = "name";
pub const KEYS: &str = "keys";

/// The keys option.
fn keys_option() -> CreateCommandOption {
    option(CommandOptionType::String, "opt-keys-name", "opt-keys-desc")
        .required(true)
        .max_length(1000)
}

/// /activate: the new subscription's name, and its keys.
pub fn define_activate(name_id: &str, desc_id: &str) -> CreateCommand {
    command(name_id, desc_id)
        .add_option(
            option(CommandOptionType::String, "opt-name-name", "opt-name-desc")
                .required(true)
                .max_length(MAX_NAME_CHARS as u16),
        )
        .add_option(keys_option())
}

/// /add-licenses and /extend: the subscription, by autocomplete, and the keys.
pub fn define(name_id: &str, desc_id: &str) -> CreateCommand {
    command(name_id, desc_id)
        .add_option(
            option(
                CommandOptionType::String,
                "opt-subscription-name",
                "opt-subscription-desc",
            )
            .required(true)
            .set_autocomplete(true)
            .max_length(100),
        )
        .add_option(keys_option())
}

/// The text of a string option, if given.
pub fn string_option<'a>(cmd: &'a CommandInteraction, name: &str) -> Option<&'a str> {
    cmd.data
        .options()
        .into_iter()
        .find_map(|o| match (o.name == name, o.value) {
            (true, ResolvedValue::String(s)) => Some(s),
            (true, ResolvedValue::Autocomplete { value, .. }) => Some(value),
            _ => None,
        })
}

/// The subcommand that was run: its name and its options.
pub fn subcommand(cmd: &CommandInteraction) -> Option<(&str, Vec<ResolvedOption<'_>>)> {
    cmd.data.options().into_iter().find_map(|o| match o.value {
        ResolvedValue::SubCommand(args) => Some((o.name, args)),
        _ => None,
    })
}

/// The text of a subcommand's string option, if given.
pub fn arg_str<'a>(args: &[ResolvedOption<'a>], name: &str) -> Option<&'a str> {
    args.iter().find_map(|o| match (o.name == name, &o.value) {
        (true, ResolvedValue::String(s)) => Some(*s),
        (true, ResolvedValue::Autocomplete { value, .. }) => Some(*value),
        _ => None,
    })
}

pub async fn run(bot: &Bot, cmd: &CommandInteraction, kind: OrderKind, transport: &Transport) {
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
        let subscription = match kind {
            // The subscription to start, by the name the admin gives it, as typed.
            OrderKind::Activate => {
                SubscriptionRef::Name(string_option(cmd, NAME).unwrap_or("").to_string())
            }
            OrderKind::AddLicenses | OrderKind::Extend => {
                SubscriptionRef::from_option(string_option(cmd, SUBSCRIPTION).unwrap_or(""))
            }
        };
        let input = OpenOrder {
            guild,
            user: UserId(cmd.user.id.get()),
            locale: lang.code().to_string(),
            subscription,
            kind,
            keys: string_option(cmd, KEYS).unwrap_or("").to_string(),
        };
        let review = Some((cmd.application_id.get(), cmd.token.as_str()));
        let reference = input.subscription.clone();
        match bot.app.open_order_with_review(input, review).await {
            Ok(review) => Outcome::Message(render::review(lang, &review)),
            Err(e) => {
                // A rule names the subscription it refused: find its name.
                let name = match (&e, kind) {
                    (
                        AppError::User(UserError::Rule(_)),
                        OrderKind::AddLicenses | OrderKind::Extend,
                    ) => bot
                        .app
                        .find_subscription(guild, &reference)
                        .await
                        .ok()
                        .map(|s| s.name),
                    _ => None,
                };
                Outcome::Message(bot.error_reply(lang, &e, name.as_deref()))
            }
        }
    };
    respond(&bot.http, target, work).await
}

/// The subscription option: up to 25 of the guild's subscriptions whose name matches.
pub async fn autocomplete(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    suggest(bot, cmd, transport, Audience::Admins).await
}

/// The subscription option of a command any member may run (`/request-license`): the
/// subscriptions' names only, without the admin check: a member is not shown the product
/// or how many licenses are assigned.
pub async fn member_autocomplete(bot: &Bot, cmd: &CommandInteraction, transport: &Transport) {
    suggest(bot, cmd, transport, Audience::Members).await
}

/// Who the subscription choices are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// Admins (checked): each subscription's name, product and count.
    Admins,
    /// Any member: names only.
    Members,
}

async fn suggest(bot: &Bot, cmd: &CommandInteraction, transport: &Transport, audience: Audience) {
    let typed = cmd
        .data
        .autocomplete()
        .map(|o| o.value.to_string())
        .unwrap_or_default();
    let lookup = async {
        let mut response = CreateAutocompleteResponse::new();
        let guild = if audience == Audience::Admins {
            bot.authorise(cmd.guild_id, cmd.member.as_deref())
                .await
                .ok()
        } else {
            cmd.guild_id
                .map(|g| crate::domain::records::GuildId(g.get()))
        };
        if let Some(guild) = guild {
            let counts = if audience == Audience::Admins {
                bot.app.assigned_counts(guild).await.unwrap_or_default()
            } else {
                Default::default()
            };
            match bot.app.search_subscriptions(guild, &typed, 25).await {
                Ok(subs) => {
                    let lang = Lang::from_discord(&cmd.locale);
                    for sub in subs {
                        let label = if audience == Audience::Admins {
                            let assigned = counts.get(&sub.id).copied().unwrap_or(0);
                            format!(
                                "{} · {} · {}",
                                sub.name,
                                sub.product.name,
                                render_licenses::assigned_of(lang, assigned, sub.seats)
                            )
                        } else {
                            sub.name.clone()
                        };
                        let label: String = label.chars().take(100).collect();
                        response = response.add_string_choice(label, sub.id.to_string());
                    }
                }
                Err(e) => tracing::warn!(error = %error_chain(&e), "autocomplete failed"),
            }
        }
        response
    };
    // Autocomplete cannot be deferred: when the database is slow or away (the pool waits
    // up to 3 s for a connection), answer in time with no choices rather than too late:
    // by the time any other interaction would be deferred (DEFER_AFTER after it came in).
    let response = tokio::time::timeout_at(transport.defer_at().into(), lookup)
        .await
        .unwrap_or_else(|_| {
            tracing::warn!("autocomplete: no subscriptions in time; answering with none");
            CreateAutocompleteResponse::new()
        });
    let target = Target {
        id: cmd.id,
        token: &cmd.token,
        is_component: false,
        transport,
    };
    answer(
        &bot.http,
        target,
        CreateInteractionResponse::Autocomplete(response),
    )
    .await
}
