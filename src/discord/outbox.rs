//! The notice dispatcher: delivers the outbox to each guild's notice channel (and the
//! few notices meant for one member, by direct message: a closed DM, Discord's 50007, is
//! logged and not retried). Every
//! notice is sent with its own nonce and `enforce_nonce`, so a resend after a crash or a
//! lost answer is deduplicated by Discord; 429s are obeyed; a channel that is gone or
//! unwritable fails the notice (logged) instead of retrying forever.
//!
//! Every replica runs a dispatcher on the same outbox: a claim (rows locked `FOR UPDATE
//! SKIP LOCKED` in a transaction kept open while they are sent) keeps the others off a
//! notice while it is sent, and a replica that dies mid-delivery leaves its claims to the
//! others at once: its connection closes and PostgreSQL rolls the claim back. A claim ends
//! well within `notices.lease_seconds`, after which the server ends a claimer that hangs.

use std::{
    collections::BTreeMap,
    sync::Arc,
    time::{Duration, Instant},
};

use serde::Deserialize;
use tokio::{
    sync::{Notify, Semaphore},
    task::JoinSet,
};
use tokio_util::sync::CancellationToken;

use super::{i18n::Lang, render, render_licenses};
use crate::{
    app::{App, Delivered, NextAttempt, NoticeBody, PendingNotice},
    domain::records::{GuildId, GuildSettings},
    metrics::Metrics,
    telemetry::error_chain,
};

/// Speaks to Discord's REST API for channel messages directly, to read `retry_after`.
#[derive(Clone)]
pub struct NoticeSender {
    client: reqwest::Client,
    base: String,
    authorization: String,
    metrics: Option<Metrics>,
}

#[derive(Debug)]
pub enum SendError {
    /// Try again after this long.
    RetryAfter(Duration),
    /// Discord will never accept it (channel gone, no permission, bad request).
    Permanent(String),
    /// The member does not take direct messages from the bot (50007).
    DirectMessagesClosed,
    /// A network error or a 5xx.
    Transient(String),
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

#[derive(Deserialize)]
struct RateLimited {
    retry_after: f64,
}

#[derive(Deserialize)]
struct DiscordError {
    #[serde(default)]
    code: u64,
}

/// Discord's JSON error code for "Cannot send messages to this user".
const CANNOT_MESSAGE_USER: u64 = 50007;

impl NoticeSender {
    pub fn new(api_base: Option<&str>, token: &str) -> anyhow::Result<NoticeSender> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .user_agent("DiscordBot (https://github.com/licensebot, 0.1) licensebot")
            .build()?;
        Ok(NoticeSender {
            client,
            base: api_base
                .unwrap_or("https://discord.com")
                .trim_end_matches('/')
                .to_string(),
            authorization: format!("Bot {token}"),
            metrics: None,
        })
    }

    /// Counts each delivery attempt's result in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> NoticeSender {
        self.metrics = Some(metrics);
        self
    }

    fn count(&self, result: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.notice(result);
        }
    }

    /// Posts `content` to `channel`; returns the message id.
    pub async fn send(&self, channel: u64, content: &str, nonce: &str) -> Result<u64, SendError> {
        self.send_with(channel, content, serde_json::json!([]), nonce)
            .await
    }

    /// Posts `content` with `components` (buttons) to `channel`; returns the message id.
    pub async fn send_with(
        &self,
        channel: u64,
        content: &str,
        components: serde_json::Value,
        nonce: &str,
    ) -> Result<u64, SendError> {
        let mut body = serde_json::json!({
            "content": content,
            "nonce": nonce,
            "enforce_nonce": true,
            "allowed_mentions": { "parse": [] },
        });
        if components.as_array().is_some_and(|c| !c.is_empty()) {
            body["components"] = components;
        }
        let url = format!("{}/api/v10/channels/{channel}/messages", self.base);
        self.post(url, &body).await
    }

    /// Sends `content` to `user` by direct message; returns (channel id, message id).
    pub async fn send_direct(
        &self,
        user: u64,
        content: &str,
        nonce: &str,
    ) -> Result<(u64, u64), SendError> {
        let url = format!("{}/api/v10/users/@me/channels", self.base);
        let channel = self
            .post(
                url,
                &serde_json::json!({ "recipient_id": user.to_string() }),
            )
            .await?;
        let message = self.send(channel, content, nonce).await?;
        Ok((channel, message))
    }

    /// POSTs `body` to `url`; returns the created object's id.
    async fn post(&self, url: String, body: &serde_json::Value) -> Result<u64, SendError> {
        let response = self
            .client
            .post(url)
            .header("Authorization", &self.authorization)
            .json(body)
            .send()
            .await
            .map_err(|e| SendError::Transient(error_chain(&e.without_url())))?;
        let status = response.status();
        if status.is_success() {
            let created: Created = response
                .json()
                .await
                .map_err(|e| SendError::Transient(error_chain(&e.without_url())))?;
            return created
                .id
                .parse()
                .map_err(|_| SendError::Transient("bad message id".into()));
        }
        if status.as_u16() == 429 {
            let wait = response
                .json::<RateLimited>()
                .await
                .map(|r| r.retry_after)
                .unwrap_or(1.0);
            return Err(SendError::RetryAfter(Duration::from_secs_f64(
                wait.clamp(0.0, 3600.0),
            )));
        }
        let text = response.text().await.unwrap_or_default();
        let text: String = text.chars().take(200).collect();
        if serde_json::from_str::<DiscordError>(&text).is_ok_and(|e| e.code == CANNOT_MESSAGE_USER)
        {
            return Err(SendError::DirectMessagesClosed);
        }
        if status.is_server_error() {
            Err(SendError::Transient(format!("{status}: {text}")))
        } else {
            Err(SendError::Permanent(format!("{status}: {text}")))
        }
    }
}

/// Delivers due notices until `stop`; wakes early when `wake` is notified.
pub async fn run(app: App, sender: NoticeSender, wake: Arc<Notify>, stop: CancellationToken) {
    let poll = Duration::from_secs(app.settings.notices.poll_seconds.max(1));
    loop {
        let delivered = match deliver_due(&app, &sender).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %error_chain(&*e), "notice delivery pass failed");
                0
            }
        };
        if delivered > 0 {
            continue;
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// Notices claimed in one pass.
const BATCH: i64 = 100;
/// Guilds whose notices are sent at the same time; each guild's go one after the other, in
/// the order they were written.
const PARALLEL_GUILDS: usize = 16;

/// One pass: claims due notices and tries each once — each guild's in order, several guilds
/// at once — then records what became of each and ends the claim in one transaction.
/// Returns how many were handled.
pub async fn deliver_due(app: &App, sender: &NoticeSender) -> anyhow::Result<usize> {
    let claim = app.claim_due_notices(BATCH).await?;
    let n = claim.notices().len();
    if n == 0 {
        claim.finish(&[]).await?;
        return Ok(0);
    }
    let mut queues: BTreeMap<GuildId, Vec<PendingNotice>> = BTreeMap::new();
    for notice in claim.notices() {
        queues.entry(notice.guild).or_default().push(notice.clone());
    }
    let guilds: Vec<GuildId> = queues.keys().copied().collect();
    let settings = app.notice_settings(&guilds).await?;
    let slots = Arc::new(Semaphore::new(PARALLEL_GUILDS));
    let send_until = claim.send_until();
    let mut tasks = JoinSet::new();
    for (guild, notices) in queues {
        let (app, sender, slots) = (app.clone(), sender.clone(), slots.clone());
        let settings = settings.get(&guild).cloned();
        tasks.spawn(async move {
            let _slot = slots.acquire_owned().await;
            deliver_in_order(&app, &sender, settings.as_ref(), notices, send_until).await
        });
    }
    let mut delivered = Vec::new();
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcomes) => delivered.extend(outcomes),
            Err(e) => {
                failure.get_or_insert(anyhow::anyhow!("a notice delivery task failed: {e}"));
            }
        }
    }
    // If this fails (the connection is gone), the claim is rolled back: notices sent but not
    // marked are sent again, with the same nonce, which Discord drops.
    claim.finish(&delivered).await?;
    match failure {
        Some(e) => Err(e),
        None => Ok(n),
    }
}

/// One guild's notices, one after the other in the order they were written, none started
/// after `send_until` (those are left for the next pass). Returns what became of each tried.
async fn deliver_in_order(
    app: &App,
    sender: &NoticeSender,
    settings: Option<&GuildSettings>,
    notices: Vec<PendingNotice>,
    send_until: Instant,
) -> Vec<(i64, Delivered)> {
    let mut delivered = Vec::new();
    for notice in notices {
        if Instant::now() > send_until {
            tracing::warn!(
                guild = notice.guild.0,
                "notice claim too old to start another send; the rest wait for the next pass"
            );
            break;
        }
        let id = notice.id;
        delivered.push((id, deliver(app, sender, settings, notice).await));
    }
    delivered
}

/// Tries one notice once, and says what became of it.
async fn deliver(
    app: &App,
    sender: &NoticeSender,
    settings: Option<&GuildSettings>,
    notice: PendingNotice,
) -> Delivered {
    let Some(body) = NoticeBody::from_json(&notice.body) else {
        return Delivered::Failed("unreadable notice body".into());
    };
    if let Some(user) = body.direct_to() {
        return deliver_direct(app, sender, &notice, &body, user).await;
    }
    let Some((channel, locale)) =
        settings.and_then(|s| Some((s.notice_channel?, s.locale.as_str())))
    else {
        let outcome = app.without_notice_channel(notice.created_at);
        if let Delivered::Dropped(_) = outcome {
            tracing::info!(
                guild = notice.guild.0,
                notice = notice.id,
                "no notice channel was set within 7 days; notice dropped"
            );
            sender.count("dropped");
        } else {
            tracing::info!(
                guild = notice.guild.0,
                notice = notice.id,
                "no notice channel set; the notice waits for one"
            );
        }
        return outcome;
    };
    let lang = Lang::from_discord(locale);
    let text = render::notice(lang, &body);
    let buttons = serde_json::to_value(render_licenses::notice_buttons(lang, &body))
        .unwrap_or_else(|_| serde_json::json!([]));
    let result = sender
        .send_with(channel, &text, buttons, &notice.nonce)
        .await
        .map(|message| (channel, message));
    settle(app, sender, &notice, result)
}

/// A notice for one member, by direct message, in their language. A member who takes no
/// direct messages from the bot is no error: logged, and not tried again.
async fn deliver_direct(
    app: &App,
    sender: &NoticeSender,
    notice: &PendingNotice,
    body: &NoticeBody,
    user: u64,
) -> Delivered {
    let lang = match body {
        NoticeBody::RequestDecided { locale, .. } => Lang::from_discord(locale),
        _ => Lang::EnUs,
    };
    let text = render::notice(lang, body);
    let result = sender.send_direct(user, &text, &notice.nonce).await;
    settle(app, sender, notice, result)
}

/// What Discord's answer makes of one notice; recorded with the claim's end.
fn settle(
    app: &App,
    sender: &NoticeSender,
    notice: &PendingNotice,
    result: Result<(u64, u64), SendError>,
) -> Delivered {
    sender.count(match &result {
        Ok(_) => "sent",
        Err(SendError::RetryAfter(_)) => "rate_limited",
        Err(SendError::Permanent(_)) | Err(SendError::DirectMessagesClosed) => "failed",
        Err(SendError::Transient(_)) => "retry",
    });
    match result {
        Ok((channel, message)) => {
            tracing::info!(guild = notice.guild.0, notice = notice.id, kind = %notice.kind, "notice delivered");
            Delivered::Sent { channel, message }
        }
        Err(SendError::DirectMessagesClosed) => {
            tracing::info!(
                notice = notice.id,
                "the member takes no direct messages from the bot; not sent"
            );
            Delivered::Failed("50007 direct messages closed".into())
        }
        Err(SendError::RetryAfter(wait)) => {
            tracing::info!(
                notice = notice.id,
                retry_after_ms = wait.as_millis() as u64,
                "rate limited"
            );
            Delivered::RateLimited(wait)
        }
        Err(SendError::Permanent(reason)) => {
            tracing::error!(guild = notice.guild.0, notice = notice.id, error = %reason,
                "Discord refused a notice; giving up on it (check /settings notices)");
            Delivered::Failed(reason)
        }
        Err(SendError::Transient(reason)) => {
            match app.next_notice_attempt(notice.attempts) {
                NextAttempt::GaveUp => {
                    tracing::error!(notice = notice.id, error = %reason, "giving up on a notice after {} attempts", notice.attempts)
                }
                NextAttempt::RetryIn(wait) => {
                    tracing::warn!(notice = notice.id, error = %reason, retry_in_s = wait.as_secs(), "notice delivery failed")
                }
            }
            Delivered::DeliveryFailed(reason)
        }
    }
}
