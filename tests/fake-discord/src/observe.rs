//! A tap on the REST traffic for load generators: every request the fake answered, as it
//! is answered, with the time it arrived — and for an interaction's initial response, how
//! long after the fake dispatched the interaction it came. A benchmark reads latencies from
//! here instead of polling the world (the `wait_*` helpers re-check the world after every
//! change, which is fine for tests and far too costly at a thousand interactions a second).

use std::time::{Duration, Instant};

use serenity::model::id::InteractionId;

use crate::state::World;

/// A REST request the fake answered; see [`crate::FakeDiscord::observe`].
#[derive(Debug, Clone)]
pub struct Observed {
    pub method: String,
    /// The path below `/api/v10` (the full path for anything else).
    pub path: String,
    pub status: u16,
    /// When the request reached the fake, before any latency injected with `set_latency`.
    pub arrived: Instant,
    /// Set for an accepted initial response (`POST /interactions/{id}/{token}/callback`).
    pub first_response: Option<FirstResponse>,
}

/// An interaction's initial response, as the fake received it.
#[derive(Debug, Clone, Copy)]
pub struct FirstResponse {
    pub interaction: InteractionId,
    /// The callback type: 4 message, 5 deferred message, 6 deferred update, 7 update,
    /// 8 autocomplete choices, 9 modal.
    pub kind: u64,
    /// From the dispatch of the interaction (INTERACTION_CREATE queued for the gateway, or
    /// the HTTP delivery started) to the arrival of the callback request.
    pub latency: Duration,
}

/// What the tap reports about a request the fake just answered with `status`.
pub(crate) fn observed(
    world: &World,
    method: &str,
    full_path: &str,
    status: u16,
    arrived: Instant,
) -> Observed {
    let path = full_path.strip_prefix("/api/v10").unwrap_or(full_path);
    let first_response = match path.trim_start_matches('/').split('/').collect::<Vec<_>>()[..] {
        ["interactions", id, _, "callback"] if method == "POST" && status < 300 => id
            .parse::<u64>()
            .ok()
            .and_then(|id| world.interactions.get(&id))
            .and_then(|rec| {
                Some(FirstResponse {
                    interaction: InteractionId::new(rec.id),
                    kind: rec.callback.as_ref()?.kind,
                    latency: arrived.saturating_duration_since(rec.created),
                })
            }),
        _ => None,
    };
    Observed {
        method: method.to_string(),
        path: path.to_string(),
        status,
        arrived,
        first_response,
    }
}
