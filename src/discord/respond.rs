//! The first response to every interaction within Discord's 3 seconds: the work's own
//! response when it is ready in time, otherwise a deferral first and the work's response
//! as an edit when it is done.
//!
//! The first response travels by the interaction's [`Transport`]: a REST callback in
//! gateway mode, the reply to Discord's POST in HTTP mode. Everything after it (edits,
//! follow-ups) goes over REST in both, so handlers never know which mode they run in.

use std::{
    future::Future,
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::{anyhow, Context as _};
use serenity::all::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, Http, InteractionId,
};
use tokio::sync::oneshot;

use super::render::Reply;
use crate::{
    metrics::{Metrics, Outcome as Verdict},
    telemetry::error_chain,
};

/// After this long without an answer, the interaction is deferred. Discord allows 3 s for
/// the first response, including the network both ways.
pub const DEFER_AFTER: Duration = Duration::from_millis(1200);

/// A first response sent this long after the interaction came in would reach Discord after
/// its 3 seconds: not worth sending.
pub const TOO_LATE: Duration = Duration::from_millis(2500);

/// What a handler answers.
pub enum Outcome {
    /// A new ephemeral message.
    Message(Reply),
    /// Replace the message the button was on (components and modals from components).
    Update(Reply),
    /// Open a modal (cannot be deferred: only for quick handlers).
    Modal(CreateModal),
}

/// The interaction being answered.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    pub id: InteractionId,
    pub token: &'a str,
    /// Whether a deferral should be an invisible "update later" (buttons, modals from
    /// buttons) rather than a "thinking…" message (commands).
    pub is_component: bool,
    /// How the first response reaches Discord.
    pub transport: &'a Transport,
}

/// How one interaction's first response reaches Discord, and when the interaction came in.
pub struct Transport {
    via: Via,
    received: Instant,
    metrics: Metrics,
}

enum Via {
    /// Gateway mode: `POST /interactions/{id}/{token}/callback`.
    Callback,
    /// HTTP mode: the reply to Discord's POST, which waits in the endpoint for it.
    Reply(Mutex<Option<oneshot::Sender<FirstResponse>>>),
}

/// A first response for the HTTP endpoint to send as its reply.
pub struct FirstResponse {
    /// The serialized `CreateInteractionResponse`.
    pub body: Vec<u8>,
    /// Fired once the reply's body was handed to the connection, so that no edit or
    /// follow-up can overtake the response it edits.
    pub written: oneshot::Sender<()>,
}

impl Transport {
    /// An interaction from the gateway, received now.
    pub fn gateway(metrics: Metrics) -> Transport {
        Transport {
            via: Via::Callback,
            received: Instant::now(),
            metrics,
        }
    }

    /// An interaction POSTed by Discord, received now; the endpoint waits on the receiver
    /// for the first response to reply with.
    pub fn http(metrics: Metrics) -> (Transport, oneshot::Receiver<FirstResponse>) {
        let (tx, rx) = oneshot::channel();
        let transport = Transport {
            via: Via::Reply(Mutex::new(Some(tx))),
            received: Instant::now(),
            metrics,
        };
        (transport, rx)
    }

    /// When the interaction came in.
    pub fn received(&self) -> Instant {
        self.received
    }

    /// When a first response that is not ready is deferred: [`DEFER_AFTER`] after the
    /// interaction came in, however long it waited for a slot
    /// (`super::admission`).
    pub fn defer_at(&self) -> Instant {
        self.received + DEFER_AFTER
    }

    fn name(&self) -> &'static str {
        match self.via {
            Via::Callback => "gateway",
            Via::Reply(_) => "http",
        }
    }
}

/// How long a first response waits to be written as the HTTP reply before it counts as lost.
const REPLY_WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// Hands the first response to the endpoint waiting on Discord's request, and waits until
/// it is on its way.
async fn hand_over(
    slot: &Mutex<Option<oneshot::Sender<FirstResponse>>>,
    response: &CreateInteractionResponse,
) -> anyhow::Result<()> {
    let sender = slot
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .context("this interaction already had its first response")?;
    let mut body = serde_json::to_value(response).context("serializing the response")?;
    // PONG and the deferrals carry no data; Discord's own examples leave the key out.
    if let Some(map) = body.as_object_mut() {
        if map.get("data").is_some_and(|d| d.is_null()) {
            map.remove("data");
        }
    }
    let body = serde_json::to_vec(&body).context("serializing the response")?;
    let (written, on_its_way) = oneshot::channel();
    sender
        .send(FirstResponse { body, written })
        .map_err(|_| anyhow!("Discord's request was already answered or abandoned"))?;
    match tokio::time::timeout(REPLY_WRITE_TIMEOUT, on_its_way).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(anyhow!(
            "the connection closed before the reply was written"
        )),
        Err(_) => Err(anyhow!(
            "the reply was not written within {REPLY_WRITE_TIMEOUT:?}"
        )),
    }
}

fn response_name(response: &CreateInteractionResponse) -> &'static str {
    match response {
        CreateInteractionResponse::Pong => "pong",
        CreateInteractionResponse::Message(_) => "message",
        CreateInteractionResponse::Defer(_) | CreateInteractionResponse::Acknowledge => "deferred",
        CreateInteractionResponse::UpdateMessage(_) => "update",
        CreateInteractionResponse::Autocomplete(_) => "autocomplete",
        CreateInteractionResponse::Modal(_) => "modal",
        _ => "other",
    }
}

/// Nobody is pinged: no user, no role, no @everyone. The REST client's default for every
/// message and edit (`http_client`), and set on each interaction response besides.
pub(crate) fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .empty_users()
        .empty_roles()
        .everyone(false)
}

pub fn message(reply: Reply) -> CreateInteractionResponseMessage {
    let mut m = CreateInteractionResponseMessage::new()
        .ephemeral(true)
        .allowed_mentions(no_pings())
        .embeds(reply.embeds)
        .components(reply.components);
    // An update with no text clears the text that was there.
    m = m.content(reply.content.unwrap_or_default());
    m
}

fn edit(reply: Reply) -> EditInteractionResponse {
    EditInteractionResponse::new()
        .content(reply.content.unwrap_or_default())
        .embeds(reply.embeds)
        .components(reply.components)
        .allowed_mentions(no_pings())
}

fn followup(reply: Reply) -> CreateInteractionResponseFollowup {
    CreateInteractionResponseFollowup::new()
        .ephemeral(true)
        .content(reply.content.unwrap_or_default())
        .embeds(reply.embeds)
        .components(reply.components)
        .allowed_mentions(no_pings())
}

fn first_response(outcome: Outcome) -> CreateInteractionResponse {
    match outcome {
        Outcome::Message(reply) => CreateInteractionResponse::Message(message(reply)),
        Outcome::Update(reply) => CreateInteractionResponse::UpdateMessage(message(reply)),
        Outcome::Modal(modal) => CreateInteractionResponse::Modal(modal),
    }
}

/// Sends the first response by the interaction's transport, and times it.
async fn send_first(
    http: &Http,
    target: Target<'_>,
    response: &CreateInteractionResponse,
) -> anyhow::Result<()> {
    let transport = target.transport;
    match &transport.via {
        Via::Callback => http
            .create_interaction_response(target.id, target.token, response, vec![])
            .await
            .map_err(anyhow::Error::from)?,
        Via::Reply(slot) => hand_over(slot, response).await?,
    }
    transport.metrics.first_response(
        transport.name(),
        response_name(response),
        transport.received.elapsed().as_secs_f64(),
    );
    Ok(())
}

/// Answers at once with `response`, which cannot be deferred (autocomplete, PONG).
pub async fn answer(http: &Http, target: Target<'_>, response: CreateInteractionResponse) {
    if let Err(e) = send_first(http, target, &response).await {
        super::note_outcome(Verdict::unanswered);
        tracing::warn!(error = %error_chain(&*e), "answering an interaction failed");
    }
}

/// Runs `work` and answers the interaction with its outcome, deferring first when the
/// work is not done [`DEFER_AFTER`] after the interaction came in.
pub async fn respond<F>(http: &Http, target: Target<'_>, work: F)
where
    F: Future<Output = Outcome>,
{
    tokio::pin!(work);
    let result = tokio::select! {
        outcome = &mut work => send_first(http, target, &first_response(outcome)).await.map_err(Failure::First),
        _ = tokio::time::sleep_until(target.transport.defer_at().into()) => {
            let deferral = if target.is_component {
                CreateInteractionResponse::Acknowledge
            } else {
                CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
            };
            match send_first(http, target, &deferral).await {
                Err(e) => Err(Failure::First(e)),
                Ok(()) => match work.await {
                    Outcome::Update(reply) => {
                        http.edit_original_interaction_response(target.token, &edit(reply), vec![]).await.map(drop)
                    }
                    Outcome::Message(reply) if !target.is_component => {
                        http.edit_original_interaction_response(target.token, &edit(reply), vec![]).await.map(drop)
                    }
                    Outcome::Message(reply) => {
                        http.create_followup_message(target.token, &followup(reply), vec![]).await.map(drop)
                    }
                    Outcome::Modal(_) => {
                        tracing::warn!("a modal was ready only after the deferral; it cannot be shown");
                        Ok(())
                    }
                }
                .map_err(|e| Failure::Later(e.into())),
            }
        }
    };
    match result {
        Ok(()) => {}
        Err(Failure::First(e)) => {
            super::note_outcome(Verdict::unanswered);
            tracing::warn!(error = %error_chain(&*e), "answering an interaction failed");
        }
        Err(Failure::Later(e)) => {
            super::note_outcome(Verdict::error);
            tracing::warn!(error = %error_chain(&*e), "completing a deferred answer failed");
        }
    }
}

/// Which step of answering failed.
enum Failure {
    /// The first response: Discord shows "This interaction failed".
    First(anyhow::Error),
    /// The edit or follow-up after a deferral: the "thinking…" stays.
    Later(anyhow::Error),
}
