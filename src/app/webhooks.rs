//! Webhooks as the operator and the delivery workers see them: endpoints (added with a
//! secret shown once), pings, the deliveries' listing and redelivery; claims, outcomes and
//! the retry policy. Sending lives in `crate::webhooks`; events are written by the use
//! cases that cause them (`redeem`, `revoke_keys`, the lifecycle pass), each in its own
//! transaction, through the store's one `record_events`.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{error::InputError, App};
use crate::{
    domain::{
        webhook::parse_events, webhook_target::reach_of_host, PrivateTargets, Reach, WebhookEvent,
        WebhookSecret,
    },
    store::{DeliveryRow, DueDelivery, Redelivery, WebhookEndpoint},
};

/// What happens next to a delivery that failed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NextDelivery {
    /// Tried again after this long.
    RetryIn(Duration),
    /// `webhooks.give_up_hours` have passed: marked failed.
    GaveUp,
}

/// What a delivery attempt came to, for the metrics and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Delivered,
    Retry,
    Failed,
    /// The claim ran out and another worker has the delivery: nothing was written.
    ClaimLost,
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retry => "retry",
            DeliveryOutcome::Failed => "failed",
            DeliveryOutcome::ClaimLost => "claim_lost",
        }
    }
}

impl App {
    /// Adds an endpoint for `events` (`redemption.created,key.revoked`; all when `None`);
    /// returns it with its secret, which is shown this once. Its URL holds no credentials
    /// and is not link-local or a metadata service's; it is on this machine or a private
    /// network only with [`PrivateTargets::Allowed`] (which its deliveries then keep to).
    pub async fn add_webhook(
        &self,
        url: &str,
        events: Option<&str>,
        private: PrivateTargets,
    ) -> anyhow::Result<(WebhookEndpoint, WebhookSecret)> {
        let url = check_url(url, private)?;
        let events = events
            .map(|text| parse_events(text).map_err(|e| InputError::invalid("events", e)))
            .transpose()?;
        let secret = WebhookSecret::generate(&mut rand::rngs::OsRng);
        let endpoint = self
            .store
            .add_webhook_endpoint(url.as_str(), &secret, events.as_deref(), private)
            .await?;
        if plain_http_off_this_machine(&url) {
            tracing::warn!(
                endpoint = endpoint.id,
                "webhook endpoint over plain HTTP to another machine: its deliveries can be read and changed on the way"
            );
        }
        tracing::info!(endpoint = endpoint.id, "webhook endpoint added");
        Ok((endpoint, secret))
    }

    /// The endpoints; a URL stored with credentials (before they were refused) is shown
    /// without them.
    pub async fn list_webhooks(&self) -> anyhow::Result<Vec<WebhookEndpoint>> {
        let mut endpoints = self.store.list_webhook_endpoints().await?;
        for endpoint in &mut endpoints {
            endpoint.url = without_credentials(&endpoint.url);
        }
        Ok(endpoints)
    }

    /// Removes an endpoint with its deliveries, pending ones included.
    pub async fn remove_webhook(&self, id: i64) -> anyhow::Result<()> {
        if !self.store.remove_webhook_endpoint(id).await? {
            return Err(InputError::not_found(format!("no webhook endpoint {id}")).into());
        }
        tracing::info!(endpoint = id, "webhook endpoint removed");
        Ok(())
    }

    /// Enqueues a `ping` for endpoint `id`; returns the delivery's id and its webhook-id.
    pub async fn ping_webhook(&self, id: i64) -> anyhow::Result<(i64, String)> {
        let ping = WebhookEvent::ping(id, self.clock.now());
        let delivery = self
            .store
            .enqueue_ping(id, &ping)
            .await?
            .ok_or_else(|| InputError::not_found(format!("no webhook endpoint {id}")))?;
        Ok((delivery, ping.message_id()))
    }

    /// Deliveries, newest first: the last `limit`, or the last `limit` failed ones.
    pub async fn list_deliveries(
        &self,
        failed_only: bool,
        limit: i64,
    ) -> anyhow::Result<Vec<DeliveryRow>> {
        let mut deliveries = self.store.list_deliveries(failed_only, limit).await?;
        for delivery in &mut deliveries {
            delivery.url = without_credentials(&delivery.url);
        }
        Ok(deliveries)
    }

    /// Sends a delivered or failed delivery again, now, with the same webhook-id and a new
    /// `webhooks.give_up_hours`.
    pub async fn redeliver(&self, id: i64) -> anyhow::Result<()> {
        match self.store.redeliver(id, self.clock.now()).await? {
            Redelivery::Scheduled => {
                tracing::info!(delivery = id, "webhook delivery scheduled again");
                Ok(())
            }
            Redelivery::AlreadyPending => Err(InputError::invalid(
                "delivery",
                format!("delivery {id} is still pending: it is being tried already"),
            )
            .into()),
            Redelivery::NotFound => {
                Err(InputError::not_found(format!("no webhook delivery {id}")).into())
            }
        }
    }

    /// Claims up to `limit` due deliveries; the claim is a lease of
    /// `webhooks.lease_seconds`.
    pub async fn claim_due_deliveries(&self, limit: i64) -> anyhow::Result<Vec<DueDelivery>> {
        let lease = chrono::Duration::seconds(self.settings.webhooks.lease_seconds as i64);
        self.store
            .claim_due_deliveries(self.clock.now(), lease, limit)
            .await
    }

    /// The endpoint answered 2xx.
    pub async fn delivery_succeeded(
        &self,
        delivery: &DueDelivery,
        status: u16,
    ) -> anyhow::Result<DeliveryOutcome> {
        Ok(
            if self
                .store
                .mark_delivered(delivery, status, self.clock.now())
                .await?
            {
                DeliveryOutcome::Delivered
            } else {
                DeliveryOutcome::ClaimLost
            },
        )
    }

    /// No answer, or not a 2xx: tried again with backoff, or given up.
    pub async fn delivery_failed(
        &self,
        delivery: &DueDelivery,
        status: Option<u16>,
        reason: &str,
    ) -> anyhow::Result<DeliveryOutcome> {
        let now = self.clock.now();
        let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0.0..1.0);
        let written = match self.next_delivery(delivery.attempts, delivery.retry_from, now, jitter)
        {
            NextDelivery::GaveUp => self
                .store
                .fail_delivery(delivery, status, reason, now)
                .await?
                .then_some(DeliveryOutcome::Failed),
            NextDelivery::RetryIn(wait) => {
                let at =
                    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                self.store
                    .retry_delivery_at(delivery, at, status, reason)
                    .await?
                    .then_some(DeliveryOutcome::Retry)
            }
        };
        Ok(written.unwrap_or(DeliveryOutcome::ClaimLost))
    }

    /// The retry policy, after `attempts` attempts of a run that began at `retry_from`:
    /// `retry_base_seconds` doubling up to `retry_max_seconds`, plus `jitter` (0 to 1) times
    /// a quarter of that; given up when the next attempt would come more than
    /// `give_up_hours` after `retry_from`.
    pub fn next_delivery(
        &self,
        attempts: i32,
        retry_from: DateTime<Utc>,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> NextDelivery {
        let s = &self.settings.webhooks;
        let doubled = s
            .retry_base_seconds
            .saturating_mul(1u64 << (attempts - 1).clamp(0, 30));
        let wait = doubled.min(s.retry_max_seconds) as f64 * (1.0 + 0.25 * jitter.clamp(0.0, 1.0));
        let wait = Duration::from_secs_f64(wait);
        let give_up_at = retry_from + chrono::Duration::hours(s.give_up_hours as i64);
        let next = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
        if next > give_up_at {
            NextDelivery::GaveUp
        } else {
            NextDelivery::RetryIn(wait)
        }
    }
}

/// An endpoint's URL: http or https, with a host; no credentials; never link-local or a
/// metadata service; on this machine or a private network only when `private` allows it.
/// (A host name is judged again by its addresses when each delivery is sent.)
fn check_url(url: &str, private: PrivateTargets) -> Result<reqwest::Url, InputError> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| InputError::invalid("url", format!("not a URL: {e}")))?;
    let Some(host) = parsed
        .host_str()
        .filter(|_| matches!(parsed.scheme(), "http" | "https"))
    else {
        return Err(InputError::invalid(
            "url",
            "a webhook endpoint is an http:// or https:// URL",
        ));
    };
    if parsed.as_str().len() > 2000 {
        return Err(InputError::invalid(
            "url",
            "a webhook URL has at most 2000 characters",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(InputError::invalid(
            "url",
            "a webhook URL cannot hold a user name or password: put a token in its path or \
             query if the receiver needs one, and check the signature",
        ));
    }
    match reach_of_host(host) {
        Reach::Forbidden => Err(InputError::invalid(
            "url",
            "a webhook endpoint cannot be a link-local or cloud-metadata address \
             (169.254.0.0/16, fe80::/10, fd00:ec2::254)",
        )),
        Reach::Private if private == PrivateTargets::Refused => Err(InputError::invalid(
            "url",
            "this webhook endpoint is on this machine or a private network: add it with \
             --allow-private if that is meant",
        )),
        Reach::Private | Reach::Public => Ok(parsed),
    }
}

/// A stored URL as it is shown: credentials in it (stored before they were refused) are
/// replaced by `***`.
fn without_credentials(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("***");
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Not a URL (the schema checks that it starts like one): nothing of it is shown.
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// Plain HTTP to a host that is not this machine: deliveries could be read or changed on
/// the way (the signature shows a change, not a reading).
pub fn plain_http_off_this_machine(url: &reqwest::Url) -> bool {
    if url.scheme() != "http" {
        return false;
    }
    let Some(host) = url.host_str() else {
        return true;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => !ip.is_loopback(),
        Err(_) => !host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{config::Settings, store::Store};

    fn app() -> App {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://unused")
            .expect("a lazy pool");
        App::new(Store::new(pool), Settings::default())
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    #[tokio::test]
    async fn retries_start_at_the_base_double_to_the_maximum_and_give_up_after_the_hours() {
        let app = app();
        let start = at("2026-11-29T10:00:00Z");
        let wait = |attempts, now, jitter| match app.next_delivery(attempts, start, now, jitter) {
            NextDelivery::RetryIn(d) => Some(d.as_secs_f64()),
            NextDelivery::GaveUp => None,
        };
        assert_eq!(wait(1, start, 0.0), Some(5.0));
        assert_eq!(wait(2, start, 0.0), Some(10.0));
        assert_eq!(wait(3, start, 0.0), Some(20.0));
        assert_eq!(wait(1, start, 1.0), Some(6.25));
        assert_eq!(wait(11, start, 0.0), Some(3600.0));
        assert_eq!(wait(40, start, 0.0), Some(3600.0));
        // 72 hours after the event: the next try would come too late.
        assert_eq!(wait(70, at("2026-12-02T09:30:00Z"), 0.0), None);
        assert_eq!(wait(70, at("2026-12-02T08:59:00Z"), 0.0), Some(3600.0));
    }

    #[test]
    fn plain_http_is_flagged_only_off_this_machine() {
        let flagged = |u: &str| plain_http_off_this_machine(&reqwest::Url::parse(u).unwrap());
        assert!(flagged("http://shop.example/hooks"));
        assert!(flagged("http://10.0.0.5:8080/hooks"));
        assert!(!flagged("https://shop.example/hooks"));
        assert!(!flagged("http://127.0.0.1:9000/hooks"));
        assert!(!flagged("http://localhost/hooks"));
        assert!(!flagged("http://[::1]:9000/hooks"));
    }

    #[test]
    fn an_endpoint_is_an_http_or_https_url() {
        assert!(check_url("https://shop.example/hooks", PrivateTargets::Refused).is_ok());
        for bad in [
            "shop.example/hooks",
            "ftp://shop.example",
            "file:///etc/passwd",
            "",
        ] {
            assert_eq!(
                check_url(bad, PrivateTargets::Allowed).map_err(|e| e.field),
                Err(Some("url".into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_and_metadata_targets_are_refused_and_private_ones_need_allowing() {
        use PrivateTargets::{Allowed, Refused};
        for never in [
            "https://user:pass@shop.example/hooks",
            "https://token@shop.example/hooks",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/latest",
            "http://[::ffff:169.254.169.254]/",
        ] {
            let refused = check_url(never, Allowed).expect_err(never);
            assert!(!refused.to_string().contains("pass@"), "{refused}");
        }
        for private in [
            "http://127.0.0.1:9/",
            "http://localhost/",
            "http://10.1.2.3/",
        ] {
            assert!(check_url(private, Refused).is_err(), "{private}");
            assert!(check_url(private, Allowed).is_ok(), "{private}");
        }
    }

    #[test]
    fn credentials_in_a_stored_url_are_not_shown() {
        assert_eq!(
            without_credentials("https://shop:hunter2@shop.example/hooks?x=1"),
            "https://***@shop.example/hooks?x=1"
        );
        assert_eq!(
            without_credentials("https://shop.example/hooks"),
            "https://shop.example/hooks"
        );
    }
}
