//! Buttons and modals: decoded from their custom_id in one place, checked against
//! Postgres (the order's guild, owner and state), never trusted.

use serenity::all::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, CreateActionRow, CreateButton,
    ModalInteraction,
};
use uuid::Uuid;

use super::{
    commands::{licenses, redemptions, request_license},
    custom_id::{CustomId, KEYS_INPUT},
    i18n::Lang,
    render::{self, Reply},
    respond::{respond, Outcome, Target, Transport},
    Bot,
};
use crate::{
    app::{AppError, UserError},
    domain::records::{GuildId, UserId},
};

pub async fn button(bot: &Bot, click: &ComponentInteraction, transport: &Transport) {
    let lang = Lang::from_discord(&click.locale);
    let target = Target {
        id: click.id,
        token: &click.token,
        is_component: true,
        transport,
    };
    let user = UserId(click.user.id.get());
    let Some(id) = CustomId::parse(&click.data.custom_id) else {
        tracing::info!("a button with a custom_id we never made");
        let stale = Outcome::Message(Reply::text(lang.t("error-stale-button")));
        return respond(&bot.http, target, async { stale }).await;
    };
    if let CustomId::AddKey(order) = id {
        // A modal must be the first response: check quickly, and open it.
        return respond(&bot.http, target, add_key(bot, lang, click, user, order)).await;
    }
    if let CustomId::ApproveRequest(request) | CustomId::DenyRequest(request) = id {
        // Anyone can click a request's buttons: the decision checks who did.
        let approve = matches!(id, CustomId::ApproveRequest(_));
        let work = request_license::decide(bot, lang, click, request, approve);
        return respond(&bot.http, target, work).await;
    }
    let work = async {
        let guild = match bot.authorise(click.guild_id, click.member.as_ref()).await {
            Ok(g) => g,
            Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
        };
        match id {
            CustomId::Redeem(order) => match bot.app.redeem(guild, user, order).await {
                Ok(receipt) => {
                    bot.metrics.redemption(receipt.review.order.kind.as_str());
                    bot.outbox.notify_one();
                    let mut reply = render::receipt(lang, &receipt);
                    // The notice waits for a channel: the admin is the only one who knows.
                    let channel = bot
                        .app
                        .guild_settings(guild)
                        .await
                        .map(|s| s.notice_channel);
                    if let Ok(None) = channel {
                        reply.content = Some(lang.t("receipt-no-channel"));
                    }
                    Outcome::Update(reply)
                }
                Err(e) => closed_or_message(bot, lang, order, e),
            },
            CustomId::Cancel(order) => match bot.app.cancel(guild, user, order).await {
                Ok(_) => Outcome::Update(render::closed(lang.t("cancelled"))),
                Err(e) => closed_or_message(bot, lang, order, e),
            },
            CustomId::RedemptionsPage { subscription, page } => {
                match redemptions::page(bot, lang, guild, subscription, page).await {
                    Ok(reply) => Outcome::Update(reply),
                    Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
                }
            }
            CustomId::LicensesPage { subscription, page } => {
                let subscription = crate::app::SubscriptionRef::Id(subscription);
                match licenses::page(bot, lang, guild, &subscription, page).await {
                    Ok(reply) => Outcome::Update(reply),
                    Err(e) => Outcome::Message(bot.error_reply(lang, &e, None)),
                }
            }
            CustomId::AddKey(_)
            | CustomId::KeysModal(_)
            | CustomId::ApproveRequest(_)
            | CustomId::DenyRequest(_) => {
                Outcome::Message(Reply::text(lang.t("error-stale-button")))
            }
        }
    };
    respond(&bot.http, target, work).await
}

async fn add_key(
    bot: &Bot,
    lang: Lang,
    click: &ComponentInteraction,
    user: UserId,
    order: Uuid,
) -> Outcome {
    let guild = match bot.authorise(click.guild_id, click.member.as_ref()).await {
        Ok(g) => g,
        Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
    };
    match bot.app.review(guild, user, order).await {
        Ok(_) => Outcome::Modal(render::keys_modal(lang, order)),
        Err(e) => closed_or_message(bot, lang, order, e),
    }
}

/// A refusal that closes the review (the order is over) replaces it; one that concerns
/// only this click (someone else's order, a forged id, an outage) is a separate message
/// and leaves the review as it was.
fn closed_or_message(bot: &Bot, lang: Lang, order: Uuid, e: AppError) -> Outcome {
    let text = || bot.error_text(lang, &e, None);
    match e.user() {
        Some(UserError::OrderExpired | UserError::OrderCancelled) => {
            Outcome::Update(render::closed(text()))
        }
        // A second click on Redeem: the receipt the first click put there stays.
        Some(UserError::OrderRedeemed { .. }) => Outcome::Message(Reply::text(text())),
        Some(
            UserError::KeyTaken { .. }
            | UserError::KeysRefused(_)
            | UserError::Rule(_)
            | UserError::NameTaken { .. },
        ) => {
            // The order can no longer be redeemed as it is: only Cancel is left.
            let cancel =
                CreateActionRow::Buttons(vec![CreateButton::new(CustomId::Cancel(order).encode())
                    .label(lang.t("button-cancel"))
                    .style(ButtonStyle::Danger)]);
            Outcome::Update(Reply {
                content: Some(text()),
                embeds: vec![],
                components: vec![cancel],
            })
        }
        _ => Outcome::Message(Reply::text(text())),
    }
}

pub async fn modal(bot: &Bot, submit: &ModalInteraction, transport: &Transport) {
    let lang = Lang::from_discord(&submit.locale);
    let target = Target {
        id: submit.id,
        token: &submit.token,
        is_component: true,
        transport,
    };
    let user = UserId(submit.user.id.get());
    let work = async {
        let Some(CustomId::KeysModal(order)) = CustomId::parse(&submit.data.custom_id) else {
            return Outcome::Message(Reply::text(lang.t("error-stale-button")));
        };
        let guild = match bot.authorise(submit.guild_id, submit.member.as_ref()).await {
            Ok(g) => g,
            Err(e) => return Outcome::Message(bot.error_reply(lang, &e, None)),
        };
        let typed = modal_text(submit);
        match bot.app.add_keys(guild, user, order, &typed).await {
            Ok(review) => Outcome::Update(render::review(lang, &review)),
            Err(e) => refused_keys(bot, lang, guild, user, order, e).await,
        }
    };
    respond(&bot.http, target, work).await
}

/// Keys refused in the modal: the review stays, with the refusals above it.
async fn refused_keys(
    bot: &Bot,
    lang: Lang,
    guild: GuildId,
    user: UserId,
    order: Uuid,
    e: AppError,
) -> Outcome {
    let keeps_order = matches!(
        e.user(),
        Some(
            UserError::KeysRefused(_)
                | UserError::TooManyKeys { .. }
                | UserError::Rule(_)
                | UserError::LockedOut { .. }
                | UserError::NoKeysEntered
        )
    );
    if keeps_order {
        if let Ok(review) = bot.app.review(guild, user, order).await {
            let text = bot.error_text(lang, &e, Some(review.subject.name()));
            return Outcome::Update(render::review_with_problem(lang, &review, text));
        }
    }
    closed_or_message(bot, lang, order, e)
}

fn modal_text(submit: &ModalInteraction) -> String {
    let mut texts = Vec::new();
    for row in &submit.data.components {
        for component in &row.components {
            if let ActionRowComponent::InputText(input) = component {
                if input.custom_id == KEYS_INPUT {
                    texts.push(input.value.clone().unwrap_or_default());
                }
            }
        }
    }
    texts.join("\n")
}
