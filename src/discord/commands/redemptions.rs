//! `/redemptions [subscription]` — the ledger, newest first, paged with buttons.

use serenity::all::{
    ButtonStyle, CommandInteraction, CommandOptionType, CreateActionRow, CreateButton,
    CreateCommand, CreateEmbed,
};

use super::{command, handler, option, order, order::string_option, Bot, SlashCommand};
use crate::{
    app::{AppError, RedemptionPage, SubscriptionRef},
    discord::{
        custom_id::CustomId,
        i18n::{n, name_arg, s, Lang},
        render::{self, Reply},
        respond::{respond, Outcome, Target, Transport},
    },
    domain::{
        records::{GuildId, Redemption},
        OrderKind,
    },
};

const NAME: &str = "redemptions";

pub const COMMAND: SlashCommand = SlashCommand {
    name: NAME,
    define,
    run: handler!(run),
    autocomplete: Some(handler!(order::autocomplete)),
};
const PAGE_SIZE: i64 = 5;

pub fn define() -> CreateCommand {
    command("cmd-redemptions-name", "cmd-redemptions-desc").add_option(
        option(
            CommandOptionType::String,
            "opt-subscription-name",
            "opt-subscription-desc",
        )
        .required(false)
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
        let guild = match bot.authorise(cmd.guild_id, cmd.member.as_deref()).await {
            Ok(g) => g,
            Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
        };
        let subscription = match string_option(cmd, "subscription").filter(|v| !v.trim().is_empty())
        {
            None => None,
            Some(value) => match bot
                .app
                .find_subscription(guild, &SubscriptionRef::from_option(value))
                .await
            {
                Ok(sub) => Some(sub.id),
                Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
            },
        };
        match page(bot, lang, guild, subscription, 0).await {
            Ok(reply) => Outcome::Message(reply),
            Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
        }
    };
    respond(&bot.http, target, work).await
}

/// One page of the ledger (page 0 is the newest), with Newer/Older buttons.
pub async fn page(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    subscription: Option<i64>,
    page: u32,
) -> Result<Reply, AppError> {
    let ledger = bot
        .app
        .redemptions_page(guild, subscription, page, PAGE_SIZE)
        .await?;
    let title = match (subscription, ledger.rows.first()) {
        (Some(_), Some(r)) => lang.ta(
            "redemptions-title-for",
            &[("subscription", name_arg(&r.subscription_name))],
        ),
        _ => lang.t("redemptions-title"),
    };
    let lines: Vec<String> = ledger.rows.iter().map(|r| line(lang, r)).collect();
    let description = if lines.is_empty() {
        lang.t("redemptions-empty")
    } else {
        lines.join("\n")
    };
    let mut embed = CreateEmbed::new()
        .title(title)
        .colour(render::BLURPLE)
        .description(description);
    if !ledger.reversals.is_empty() {
        let lines: Vec<String> = ledger
            .reversals
            .iter()
            .map(|r| crate::discord::render_refunds::ledger_line(lang, r))
            .collect();
        embed = embed.field(lang.t("redemptions-reversals"), lines.join("\n"), false);
    }
    let embed = embed.footer(serenity::all::CreateEmbedFooter::new(lang.ta(
        "redemptions-page",
        &[("page", n(ledger.page + 1)), ("pages", n(ledger.pages))],
    )));
    Ok(Reply {
        content: None,
        embeds: vec![embed],
        components: vec![buttons(lang, subscription, &ledger)],
    })
}

/// One redemption: when, who, which subscription, before → after (for an activation, what
/// it started), how many keys.
fn line(lang: Lang, r: &Redemption) -> String {
    let common = [
        ("at", n(r.redeemed_at.timestamp())),
        ("user", s(r.user_id)),
        ("subscription", name_arg(&r.subscription_name)),
        ("keys", s(lang.product_keys(r.key_count))),
    ];
    let mut args = common.to_vec();
    // Only an activation has no "before"; a dash would stand for one missing elsewhere.
    let before = |value: Option<String>| s(value.unwrap_or_else(|| "–".into()));
    match r.kind {
        OrderKind::Extend => {
            args.extend([
                (
                    "before",
                    r.ends_before.map(render::day).unwrap_or_else(|| s("–")),
                ),
                ("after", render::day(r.ends_after)),
            ]);
            lang.ta("redemptions-line-extend", &args)
        }
        OrderKind::AddLicenses => {
            args.extend([
                ("before", before(r.seats_before.map(|n| n.to_string()))),
                ("after", n(r.seats_after)),
            ]);
            lang.ta("redemptions-line-add", &args)
        }
        OrderKind::Activate => {
            args.extend([
                ("licenses", s(lang.licenses(r.seats_after))),
                ("ends_on", render::day(r.ends_after)),
            ]);
            lang.ta("redemptions-line-activate", &args)
        }
    }
}

/// Newer and Older, each disabled at its end of the ledger.
fn buttons(lang: Lang, subscription: Option<i64>, ledger: &RedemptionPage) -> CreateActionRow {
    let page = ledger.page as u32;
    CreateActionRow::Buttons(vec![
        CreateButton::new(
            CustomId::RedemptionsPage {
                subscription,
                page: page.saturating_sub(1),
            }
            .encode(),
        )
        .label(lang.t("button-newer"))
        .style(ButtonStyle::Secondary)
        .disabled(page == 0),
        CreateButton::new(
            CustomId::RedemptionsPage {
                subscription,
                page: page + 1,
            }
            .encode(),
        )
        .label(lang.t("button-older"))
        .style(ButtonStyle::Secondary)
        .disabled(ledger.page + 1 >= ledger.pages),
    ])
}
