//! The periodic work: lifecycle notices, the reconciliation of license roles (on start and
//! every lifecycle tick), closing expired orders (their review's buttons removed, also for
//! orders opened before a restart, since the review's interaction token is kept with the
//! order), closing expired license requests (their buttons removed likewise: the request's
//! message is found through its notice), and forgetting the interactions handled over an
//! hour ago.

use std::{sync::Arc, time::Duration};

use serenity::all::{ChannelId, EditInteractionResponse, EditMessage, Http, MessageId};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{i18n::Lang, render_licenses};
use crate::{
    app::{lifecycle_tick, App},
    telemetry::error_chain,
};

pub async fn run(
    app: App,
    http: Arc<Http>,
    wake_outbox: Arc<Notify>,
    wake_roles: Arc<Notify>,
    stop: CancellationToken,
) {
    let tick = Duration::from_secs(app.settings.lifecycle.tick_seconds.max(1));
    // Orders expire to the second: look at them more often than at lifecycles.
    let order_tick = tick.min(Duration::from_secs(5));
    let mut last_lifecycle: Option<tokio::time::Instant> = None;
    loop {
        if last_lifecycle.is_none_or(|t| t.elapsed() >= tick) {
            match lifecycle_tick(&app).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(notices = n, "lifecycle notices enqueued");
                    wake_outbox.notify_one();
                }
                Err(e) => tracing::warn!(error = %error_chain(&*e), "lifecycle pass failed"),
            }
            match app.forget_old_deliveries().await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(forgotten = n, "old handled interactions forgotten"),
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "forgetting old handled interactions failed")
                }
            }
            if let Err(e) = app.reconcile_licenses().await {
                tracing::warn!(error = %format!("{e:#}"), "license reconciliation failed");
            }
            wake_roles.notify_one();
            last_lifecycle = Some(tokio::time::Instant::now());
        }
        expire_orders(&app, &http).await;
        expire_requests(&app, &http).await;
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(order_tick) => {}
        }
    }
}

/// Closes expired orders and updates their reviews.
pub async fn expire_orders(app: &App, http: &Http) {
    let expired = match app.expire_stale_orders().await {
        Ok(expired) => expired,
        Err(e) => {
            tracing::warn!(error = %error_chain(&e), "expiring orders failed");
            return;
        }
    };
    for order in expired {
        tracing::info!(order = %order.id, guild = order.guild.0, "order expired");
        let Some(token) = order.review_token else {
            continue;
        };
        // The scheduler may run before READY told the REST client our application id
        // (right after a restart); the order remembers it.
        if http.application_id().is_none() {
            if let Some(app) = order.application_id.filter(|a| *a != 0) {
                http.set_application_id(serenity::all::ApplicationId::new(app));
            }
        }
        let lang = Lang::from_discord(&order.locale);
        // Sent by `Http` directly, which adds no default allowed mentions: say it here.
        let edit = EditInteractionResponse::new()
            .content(lang.t("expired-review"))
            .embeds(vec![])
            .components(vec![])
            .allowed_mentions(super::respond::no_pings());
        if let Err(e) = http
            .edit_original_interaction_response(&token, &edit, vec![])
            .await
        {
            // The token may have lapsed (15 minutes); the order is closed either way.
            tracing::info!(order = %order.id, error = %error_chain(&e), "could not update an expired review");
        }
    }
}

/// Closes expired license requests and removes their buttons, in the guild's language.
pub async fn expire_requests(app: &App, http: &Http) {
    let expired = match app.expire_license_requests().await {
        Ok(expired) => expired,
        Err(e) => {
            tracing::warn!(error = %e, "expiring license requests failed");
            return;
        }
    };
    for closed in expired {
        tracing::info!(request = %closed.request.id, guild = closed.request.guild.0, "license request expired");
        let Some((channel, message)) = closed.message else {
            continue;
        };
        let lang = match app.guild_settings(closed.request.guild).await {
            Ok(settings) => Lang::from_discord(&settings.locale),
            Err(_) => Lang::EnUs,
        };
        let text = render_licenses::request_closed(
            lang,
            &closed.request,
            &closed.subscription,
            &closed.product,
        );
        let edit = EditMessage::new().content(text).components(vec![]);
        if let Err(e) = ChannelId::new(channel)
            .edit_message(http, MessageId::new(message), edit)
            .await
        {
            tracing::info!(request = %closed.request.id, error = %e, "could not update an expired request's message");
        }
    }
}
