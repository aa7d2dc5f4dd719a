//! The webhook delivery worker: sends the webhook outbox to the endpoints, signed in the
//! Standard Webhooks format (`webhook-id`, `webhook-timestamp`, `webhook-signature`), with
//! `webhooks.timeout_seconds` to answer; any 2xx is success, anything else is retried by
//! the app's policy (backoff with jitter, then failed).
//!
//! Every process runs a worker on the same outbox: a claim (`FOR UPDATE SKIP LOCKED` plus a
//! lease of `webhooks.lease_seconds`, longer than the timeout) keeps the others off a
//! delivery while it is in flight, and a process that dies mid-delivery leaves its claims
//! to the others when the lease ends. The `webhook-id` is the event's, the same on every
//! attempt, so an endpoint can drop a delivery it has seen.
//!
//! Where it sends is checked on every attempt (`domain::webhook_target`): an address in the
//! URL before the request, a host name by the addresses it resolves to (the resolver keeps
//! only those the endpoint may reach, so the connection is made to an address that was
//! checked). Never link-local or a metadata service; private and loopback addresses only
//! for an endpoint added with `--allow-private`.
//!
//! Names the app, the domain, the metrics and reqwest; never the store, sqlx or serenity.
//! Never logs a URL (it may carry a token of the endpoint's) or a body.

use std::{
    collections::HashSet,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::{
    app::{plain_http_off_this_machine, App, DeliveryOutcome, DueDelivery},
    domain::{webhook_target::reach_of, PrivateTargets, Reach},
    metrics::Metrics,
};

/// Deliveries one worker claims, and sends at once, per pass.
const CLAIM: i64 = 8;

/// Sends deliveries over HTTP.
#[derive(Clone)]
pub struct Sender {
    /// For endpoints added with `--allow-private`: any address but link-local and metadata.
    client: reqwest::Client,
    /// For the others: public addresses only.
    public_client: reqwest::Client,
    metrics: Option<Metrics>,
    /// Endpoints already warned about for plain HTTP, by this process.
    warned: Arc<Mutex<HashSet<i64>>>,
}

/// Why an attempt did not succeed: the status, when there was an answer.
#[derive(Debug)]
struct Failure {
    status: Option<u16>,
    reason: String,
}

impl Sender {
    /// Clients with the endpoint's time to answer; they follow no redirect (a 3xx is a
    /// failure, as Standard Webhooks expects), and resolve names to the addresses an
    /// endpoint may reach only (one client for endpoints that allow private addresses, one
    /// for the others).
    pub fn new(timeout: Duration) -> anyhow::Result<Sender> {
        let client = |private| {
            reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("licensebot-webhooks/", env!("CARGO_PKG_VERSION")))
                .dns_resolver(Arc::new(CheckedResolver { private }))
                .build()
        };
        Ok(Sender {
            client: client(PrivateTargets::Allowed)?,
            public_client: client(PrivateTargets::Refused)?,
            metrics: None,
            warned: Arc::default(),
        })
    }

    /// Counts each attempt's result in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Sender {
        self.metrics = Some(metrics);
        self
    }

    /// One attempt: the event's body, signed now.
    async fn send(&self, delivery: &DueDelivery) -> Result<u16, Failure> {
        self.warn_plain_http(delivery);
        // An address in the URL is not resolved: it is checked here. (A name is checked by
        // the client's resolver.)
        let address = reqwest::Url::parse(&delivery.url).ok().and_then(|url| {
            let host = url.host_str()?;
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            bare.parse::<std::net::IpAddr>().ok()
        });
        if let Some(ip) = address {
            let reach = reach_of(ip);
            if !reach.admits(delivery.private_targets) {
                return Err(Failure {
                    status: None,
                    reason: refusal(reach).to_owned(),
                });
            }
        }
        let client = match delivery.private_targets {
            PrivateTargets::Allowed => &self.client,
            PrivateTargets::Refused => &self.public_client,
        };
        let id = delivery.event.message_id();
        let timestamp = chrono::Utc::now().timestamp();
        let body = delivery.event.body();
        let signature = delivery.secret.sign(&id, timestamp, &body);
        let response = client
            .post(&delivery.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| Failure {
                status: None,
                reason: describe(&e.without_url()),
            })?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err(Failure {
                status: Some(status.as_u16()),
                reason: format!("HTTP {status}"),
            })
        }
    }

    fn warn_plain_http(&self, delivery: &DueDelivery) {
        let Ok(url) = reqwest::Url::parse(&delivery.url) else {
            return;
        };
        if !plain_http_off_this_machine(&url) {
            return;
        }
        let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
        if warned.insert(delivery.endpoint_id) {
            tracing::warn!(
                endpoint = delivery.endpoint_id,
                "delivering webhooks over plain HTTP to another machine: they can be read and changed on the way"
            );
        }
    }

    fn count(&self, outcome: DeliveryOutcome) {
        if let Some(metrics) = &self.metrics {
            metrics.webhook_delivery(outcome.as_str());
        }
    }
}

/// Why an address is not sent to.
fn refusal(reach: Reach) -> &'static str {
    match reach {
        Reach::Forbidden => "refused: a link-local or cloud-metadata address is never sent to",
        Reach::Private | Reach::Public => {
            "refused: a private or loopback address, and the endpoint was added without --allow-private"
        }
    }
}

/// Resolves a host name to the addresses an endpoint may reach, and only those: a name
/// that resolves to none of them fails the attempt with the reason (and is retried like any
/// failure, in case it resolves elsewhere later).
struct CheckedResolver {
    private: PrivateTargets,
}

/// A name that resolved only to addresses the endpoint may not reach.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(&'static str);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let private = self.private;
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let admitted = admitted(private, &found).map_err(|reach| {
                Box::new(Refused(refusal(reach))) as Box<dyn std::error::Error + Send + Sync>
            })?;
            Ok(Box::new(admitted.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The addresses of `found` that an endpoint with `private` may reach; none: the reach
/// of the first refused, for the reason.
fn admitted(private: PrivateTargets, found: &[SocketAddr]) -> Result<Vec<SocketAddr>, Reach> {
    let admitted: Vec<SocketAddr> = found
        .iter()
        .copied()
        .filter(|a| reach_of(a.ip()).admits(private))
        .collect();
    match found.first() {
        Some(first) if admitted.is_empty() => Err(reach_of(first.ip())),
        _ => Ok(admitted),
    }
}

/// An error and its causes (given without its URL: see `reqwest::Error::without_url`).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "no answer in time".to_owned();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Delivers due webhooks until `stop`, counting results in `metrics`.
pub async fn run(app: App, metrics: Metrics, stop: CancellationToken) {
    let settings = &app.settings.webhooks;
    let sender = match Sender::new(Duration::from_secs(settings.timeout_seconds)) {
        Ok(sender) => sender.with_metrics(metrics),
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the webhook worker cannot start");
            return;
        }
    };
    let poll = Duration::from_secs(settings.poll_seconds.max(1));
    while !stop.is_cancelled() {
        let claimed = match deliver_due(&app, &sender).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "webhook delivery pass failed");
                0
            }
        };
        if claimed > 0 {
            continue;
        }
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(poll) => {}
        }
    }
}

/// One pass: claims due deliveries and sends them at once; returns how many it claimed.
pub async fn deliver_due(app: &App, sender: &Sender) -> anyhow::Result<usize> {
    let due = app.claim_due_deliveries(CLAIM).await?;
    let claimed = due.len();
    let mut sending = JoinSet::new();
    for delivery in due {
        let app = app.clone();
        let sender = sender.clone();
        sending.spawn(async move { deliver(&app, &sender, &delivery).await });
    }
    while let Some(done) = sending.join_next().await {
        if let Ok(Err(e)) = done {
            tracing::warn!(error = %format!("{e:#}"), "recording a webhook delivery failed");
        }
    }
    Ok(claimed)
}

/// Sends one delivery and records what came of it.
async fn deliver(app: &App, sender: &Sender, delivery: &DueDelivery) -> anyhow::Result<()> {
    let started = Instant::now();
    let attempt = sender.send(delivery).await;
    let ms = started.elapsed().as_millis() as u64;
    let outcome = match &attempt {
        Ok(status) => app.delivery_succeeded(delivery, *status).await?,
        Err(failure) => {
            app.delivery_failed(delivery, failure.status, &failure.reason)
                .await?
        }
    };
    sender.count(outcome);
    let webhook_id = delivery.event.message_id();
    let event = delivery.event.kind.as_str();
    match (&attempt, outcome) {
        (Ok(status), DeliveryOutcome::Delivered) => tracing::info!(
            delivery = delivery.id, endpoint = delivery.endpoint_id, event, %webhook_id,
            attempt = delivery.attempts, status, ms, "webhook delivered"
        ),
        (_, DeliveryOutcome::ClaimLost) => tracing::warn!(
            delivery = delivery.id, endpoint = delivery.endpoint_id, event, %webhook_id, ms,
            "webhook delivery outlived its lease; another worker has it"
        ),
        (Err(failure), outcome) => tracing::warn!(
            delivery = delivery.id, endpoint = delivery.endpoint_id, event, %webhook_id,
            attempt = delivery.attempts, reason = %failure.reason, ms,
            "webhook delivery failed ({})",
            if outcome == DeliveryOutcome::Failed { "given up" } else { "will retry" }
        ),
        (Ok(_), _) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn a_name_keeps_only_the_addresses_its_endpoint_may_reach() {
        use PrivateTargets::{Allowed, Refused};
        let mixed = addrs(&["10.0.0.1:0", "93.184.216.34:0", "169.254.169.254:0"]);
        assert_eq!(admitted(Refused, &mixed), Ok(addrs(&["93.184.216.34:0"])));
        assert_eq!(
            admitted(Allowed, &mixed),
            Ok(addrs(&["10.0.0.1:0", "93.184.216.34:0"]))
        );
        let local = addrs(&["127.0.0.1:0", "[::1]:0"]);
        assert_eq!(admitted(Refused, &local), Err(Reach::Private));
        assert_eq!(admitted(Allowed, &local), Ok(local.clone()));
        let metadata = addrs(&["169.254.169.254:0"]);
        assert_eq!(admitted(Allowed, &metadata), Err(Reach::Forbidden));
    }
}
