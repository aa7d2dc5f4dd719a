//! `/subscriptions` — the guild's subscriptions: name, product, seats ("12 of 70 assigned"),
//! end date and state, as words and colour ("Your products").

use serenity::all::{CommandInteraction, CreateCommand, CreateEmbed};

use super::{command, handler, Bot, SlashCommand};
use crate::{
    discord::{
        i18n::{name_arg, s, Lang},
        render::{self, Reply},
        render_licenses,
        respond::{respond, Outcome, Target, Transport},
    },
    domain::{records::SubscriptionStatus, LifecycleState},
};

const NAME: &str = "subscriptions";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: None,
};

pub fn define() -> CreateCommand {
    command("cmd-subscriptions-name", "cmd-subscriptions-desc")
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
        let counts = match bot.app.assigned_counts(guild).await {
            Ok(counts) => counts,
            Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
        };
        match bot.app.list_subscriptions(guild).await {
            Ok(subs) => {
                let mut worst = LifecycleState::Active;
                let mut embed = CreateEmbed::new().title(lang.t("subscriptions-title"));
                if subs.is_empty() {
                    embed = embed.description(lang.t("subscriptions-empty"));
                }
                for SubscriptionStatus {
                    subscription: sub,
                    state,
                } in subs.iter().take(25)
                {
                    let state = *state;
                    worst = worst.max(state);
                    embed = embed.field(
                        crate::discord::markdown::escape(&sub.name),
                        lang.ta(
                            "subscriptions-line",
                            &[
                                ("product", name_arg(&sub.product.name)),
                                (
                                    "assigned",
                                    s(render_licenses::assigned_of(
                                        lang,
                                        counts.get(&sub.id).copied().unwrap_or(0),
                                        sub.seats,
                                    )),
                                ),
                                ("ends_on", crate::discord::render::day(sub.ends_on)),
                                ("state", s(render::state_badge(lang, state))),
                            ],
                        ),
                        false,
                    );
                }
                let embed = embed.colour(if subs.is_empty() {
                    render::GREY
                } else {
                    render::state_colour(worst)
                });
                Outcome::Message(Reply {
                    embeds: vec![embed],
                    ..Reply::default()
                })
            }
            Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
        }
    };
    respond(&bot.http, target, work).await
}
