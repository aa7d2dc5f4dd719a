//! The first response to every interaction within Discord's 3 seconds: the work's own
//! response when it is ready in time, otherwise a deferral first and the work's response
//! as an edit when it is done.

use std::{future::Future, time::Duration};

use serenity::all::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateModal, EditInteractionResponse, Http, InteractionId,
};

use super::render::Reply;

/// After this long without an answer, the interaction is deferred. Discord allows 3 s for
/// the first response, including the network both ways.
pub const DEFER_AFTER: Duration = Duration::from_millis(1200);

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
}

fn no_pings() -> CreateAllowedMentions {
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

async fn send_first(http: &Http, target: Target<'_>, outcome: Outcome) -> serenity::Result<()> {
    let response = match outcome {
        Outcome::Message(reply) => CreateInteractionResponse::Message(message(reply)),
        Outcome::Update(reply) => CreateInteractionResponse::UpdateMessage(message(reply)),
        Outcome::Modal(modal) => CreateInteractionResponse::Modal(modal),
    };
    http.create_interaction_response(target.id, target.token, &response, vec![])
        .await
}

/// Runs `work` and answers the interaction with its outcome, deferring first when the
/// work is not done within [`DEFER_AFTER`].
pub async fn respond<F>(http: &Http, target: Target<'_>, work: F)
where
    F: Future<Output = Outcome>,
{
    tokio::pin!(work);
    let result = tokio::select! {
        outcome = &mut work => send_first(http, target, outcome).await,
        _ = tokio::time::sleep(DEFER_AFTER) => {
            let deferral = if target.is_component {
                CreateInteractionResponse::Acknowledge
            } else {
                CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
            };
            match http.create_interaction_response(target.id, target.token, &deferral, vec![]).await {
                Err(e) => Err(e),
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
                },
            }
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "answering an interaction failed");
    }
}
