//! The webhook outbox: endpoints, events and their deliveries. An event is written in the
//! transaction of what caused it ([`record_events`], the one way in), with one delivery row
//! for each endpoint listening for its type; delivery workers claim due rows
//! (`FOR UPDATE SKIP LOCKED` plus a lease, like the notices) and write each outcome under
//! their claim, so a worker whose lease ran out cannot overwrite another's.

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{parse_column, OrderTx, Store};
use crate::domain::{DeliveryState, EventType, PrivateTargets, WebhookEvent, WebhookSecret};

/// An endpoint, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: i64,
    pub url: String,
    /// The event types sent to it; `None`: all of them.
    pub events: Option<Vec<EventType>>,
    /// Whether it may be sent to private and loopback addresses (`--allow-private`).
    pub private_targets: PrivateTargets,
    pub created_at: DateTime<Utc>,
}

/// A delivery claimed by a worker: what to send where, signed with what.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: i64,
    /// The worker's claim: the outcome is written only under it.
    pub claim: Uuid,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub retry_from: DateTime<Utc>,
    pub endpoint_id: i64,
    pub url: String,
    /// Whether the endpoint may be sent to private and loopback addresses.
    pub private_targets: PrivateTargets,
    pub secret: WebhookSecret,
    pub event: WebhookEvent,
}

/// A delivery as the operator lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    /// The `webhook-id`.
    pub webhook_id: String,
    pub event: EventType,
    pub endpoint_id: i64,
    pub url: String,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The webhook outbox at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WebhookBacklog {
    pub pending: i64,
    /// Since the oldest pending delivery's run of attempts began; 0 when none waits.
    pub oldest_pending_age_seconds: f64,
    pub failed: i64,
}

/// What a redelivery found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redelivery {
    Scheduled,
    AlreadyPending,
    NotFound,
}

fn private_targets(allow_private: bool) -> PrivateTargets {
    if allow_private {
        PrivateTargets::Allowed
    } else {
        PrivateTargets::Refused
    }
}

fn events_of(texts: Option<Vec<String>>) -> anyhow::Result<Option<Vec<EventType>>> {
    texts
        .map(|texts| texts.iter().map(|t| parse_column(t)).collect())
        .transpose()
}

/// Writes `events` with one delivery for each endpoint listening for its type, in one
/// statement, in the caller's transaction: an event no endpoint listens for is not kept.
/// Every event of licensebot comes in here (a ping excepted: see
/// [`Store::enqueue_ping`]).
pub(crate) async fn record_events(
    conn: &mut sqlx::PgConnection,
    events: &[WebhookEvent],
) -> anyhow::Result<u64> {
    if events.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let types: Vec<String> = events.iter().map(|e| e.kind.as_str().to_owned()).collect();
    let data: Vec<serde_json::Value> = events.iter().map(|e| e.data.clone()).collect();
    let at: Vec<DateTime<Utc>> = events.iter().map(|e| e.occurred_at).collect();
    let done = sqlx::query!(
        r#"WITH new_events AS (
               SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::jsonb[], $4::timestamptz[])
                   AS e(id, type, data, occurred_at)),
           listening AS (
               SELECT e.id AS event_id, w.id AS endpoint_id, e.occurred_at
               FROM new_events e
               JOIN webhook_endpoints w
                 ON e.type <> 'ping' AND (w.events IS NULL OR e.type = ANY (w.events))),
           stored AS (
               INSERT INTO webhook_events (id, type, data, occurred_at)
               SELECT e.id, e.type, e.data, e.occurred_at FROM new_events e
               WHERE EXISTS (SELECT 1 FROM listening l WHERE l.event_id = e.id)
               RETURNING id)
           INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, retry_from)
           SELECT l.event_id, l.endpoint_id, l.occurred_at, l.occurred_at
           FROM listening l JOIN stored s ON s.id = l.event_id"#,
        &ids,
        &types,
        &data,
        &at
    )
    .execute(&mut *conn)
    .await
    .context("recording webhook events")?;
    Ok(done.rows_affected())
}

impl OrderTx {
    /// Records webhook events in this transaction (see [`record_events`]).
    pub async fn record_events(&mut self, events: &[WebhookEvent]) -> anyhow::Result<u64> {
        record_events(self.conn(), events).await
    }
}

impl Store {
    pub async fn add_webhook_endpoint(
        &self,
        url: &str,
        secret: &WebhookSecret,
        events: Option<&[EventType]>,
        private: PrivateTargets,
    ) -> anyhow::Result<WebhookEndpoint> {
        let events: Option<Vec<String>> =
            events.map(|e| e.iter().map(|t| t.as_str().to_owned()).collect());
        let row = sqlx::query!(
            r#"INSERT INTO webhook_endpoints (url, secret, events, allow_private)
               VALUES ($1, $2, $3, $4)
               RETURNING id, url, events, allow_private, created_at"#,
            url,
            secret.as_bytes(),
            events.as_deref(),
            private == PrivateTargets::Allowed
        )
        .fetch_one(&self.pool)
        .await
        .context("adding a webhook endpoint")?;
        Ok(WebhookEndpoint {
            id: row.id,
            url: row.url,
            events: events_of(row.events)?,
            private_targets: private_targets(row.allow_private),
            created_at: row.created_at,
        })
    }

    pub async fn list_webhook_endpoints(&self) -> anyhow::Result<Vec<WebhookEndpoint>> {
        let rows = sqlx::query!(
            "SELECT id, url, events, allow_private, created_at FROM webhook_endpoints ORDER BY id"
        )
        .fetch_all(&self.pool)
        .await
        .context("listing webhook endpoints")?;
        rows.into_iter()
            .map(|r| {
                Ok(WebhookEndpoint {
                    id: r.id,
                    url: r.url,
                    events: events_of(r.events)?,
                    private_targets: private_targets(r.allow_private),
                    created_at: r.created_at,
                })
            })
            .collect()
    }

    /// Removes an endpoint and its deliveries; `false` when there is none.
    pub async fn remove_webhook_endpoint(&self, id: i64) -> anyhow::Result<bool> {
        let done = sqlx::query!("DELETE FROM webhook_endpoints WHERE id = $1", id)
            .execute(&self.pool)
            .await
            .context("removing a webhook endpoint")?;
        Ok(done.rows_affected() > 0)
    }

    /// A ping for one endpoint, whatever it listens for; returns the delivery's id, or
    /// `None` when there is no such endpoint.
    pub async fn enqueue_ping(
        &self,
        endpoint_id: i64,
        ping: &WebhookEvent,
    ) -> anyhow::Result<Option<i64>> {
        let id = sqlx::query_scalar!(
            r#"WITH endpoint AS (SELECT id FROM webhook_endpoints WHERE id = $1),
               event AS (
                   INSERT INTO webhook_events (id, type, data, occurred_at)
                   SELECT $2, $3, $4, $5 FROM endpoint
                   RETURNING id)
               INSERT INTO webhook_deliveries (event_id, endpoint_id, next_attempt_at, retry_from)
               SELECT event.id, endpoint.id, $5, $5 FROM event, endpoint
               RETURNING id"#,
            endpoint_id,
            ping.id,
            ping.kind.as_str(),
            ping.data,
            ping.occurred_at
        )
        .fetch_optional(&self.pool)
        .await
        .context("enqueueing a ping")?;
        Ok(id)
    }

    /// Claims up to `limit` due deliveries for `lease`: each is seen by one worker at a
    /// time, under the returned claims.
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> anyhow::Result<Vec<DueDelivery>> {
        let claim = Uuid::new_v4();
        let rows = sqlx::query!(
            r#"WITH due AS (
                   SELECT id FROM webhook_deliveries
                   WHERE state = 'pending' AND next_attempt_at <= $1
                   ORDER BY next_attempt_at, id
                   LIMIT $3
                   FOR UPDATE SKIP LOCKED)
               UPDATE webhook_deliveries d
               SET next_attempt_at = $1 + $2::interval, attempts = d.attempts + 1, claim = $4
               FROM due, webhook_events e, webhook_endpoints w
               WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.endpoint_id
               RETURNING d.id, d.attempts, d.retry_from, w.id AS endpoint_id, w.url,
                         w.allow_private, w.secret, e.id AS event_id, e.type, e.data,
                         e.occurred_at"#,
            now,
            sqlx::postgres::types::PgInterval::try_from(lease)
                .map_err(|e| anyhow::anyhow!("bad lease: {e}"))?,
            limit,
            claim
        )
        .fetch_all(&self.pool)
        .await
        .context("claiming webhook deliveries")?;
        let mut due = rows
            .into_iter()
            .map(|r| {
                Ok(DueDelivery {
                    id: r.id,
                    claim,
                    attempts: r.attempts,
                    retry_from: r.retry_from,
                    endpoint_id: r.endpoint_id,
                    url: r.url,
                    private_targets: private_targets(r.allow_private),
                    secret: WebhookSecret::from_bytes(r.secret)
                        .context("bad webhook secret in the database")?,
                    event: WebhookEvent {
                        id: r.event_id,
                        kind: parse_column(&r.r#type)?,
                        occurred_at: r.occurred_at,
                        data: r.data,
                    },
                })
            })
            .collect::<anyhow::Result<Vec<DueDelivery>>>()?;
        due.sort_by_key(|d| d.id);
        Ok(due)
    }

    /// The endpoint answered 2xx. `false` when the claim was lost (another worker has it).
    pub async fn mark_delivered(
        &self,
        delivery: &DueDelivery,
        status: u16,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            r#"UPDATE webhook_deliveries
               SET state = 'delivered', finished_at = $3, last_status = $4, last_error = NULL,
                   claim = NULL
               WHERE id = $1 AND claim = $2 AND state = 'pending'"#,
            delivery.id,
            delivery.claim,
            now,
            i32::from(status)
        )
        .execute(&self.pool)
        .await
        .context("marking a webhook delivered")?;
        Ok(done.rows_affected() > 0)
    }

    /// Tries again at `next_at`; `false` when the claim was lost.
    pub async fn retry_delivery_at(
        &self,
        delivery: &DueDelivery,
        next_at: DateTime<Utc>,
        status: Option<u16>,
        error: &str,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            r#"UPDATE webhook_deliveries
               SET next_attempt_at = $3, last_status = $4, last_error = $5, claim = NULL
               WHERE id = $1 AND claim = $2 AND state = 'pending'"#,
            delivery.id,
            delivery.claim,
            next_at,
            status.map(i32::from),
            error
        )
        .execute(&self.pool)
        .await
        .context("rescheduling a webhook delivery")?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives a delivery up; `false` when the claim was lost.
    pub async fn fail_delivery(
        &self,
        delivery: &DueDelivery,
        status: Option<u16>,
        error: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let done = sqlx::query!(
            r#"UPDATE webhook_deliveries
               SET state = 'failed', finished_at = $3, last_status = $4, last_error = $5,
                   claim = NULL
               WHERE id = $1 AND claim = $2 AND state = 'pending'"#,
            delivery.id,
            delivery.claim,
            now,
            status.map(i32::from),
            error
        )
        .execute(&self.pool)
        .await
        .context("giving up a webhook delivery")?;
        Ok(done.rows_affected() > 0)
    }

    /// Makes a delivered or failed delivery due again now, with a new run of attempts.
    pub async fn redeliver(&self, id: i64, now: DateTime<Utc>) -> anyhow::Result<Redelivery> {
        let state = sqlx::query_scalar!(
            r#"WITH target AS (SELECT id, state FROM webhook_deliveries WHERE id = $1 FOR UPDATE),
               done AS (
                   UPDATE webhook_deliveries d
                   SET state = 'pending', next_attempt_at = $2, retry_from = $2,
                       finished_at = NULL, claim = NULL
                   FROM target WHERE d.id = target.id AND target.state <> 'pending')
               SELECT state AS "state!" FROM target"#,
            id,
            now
        )
        .fetch_optional(&self.pool)
        .await
        .context("redelivering a webhook")?;
        Ok(match state.as_deref() {
            None => Redelivery::NotFound,
            Some("pending") => Redelivery::AlreadyPending,
            Some(_) => Redelivery::Scheduled,
        })
    }

    /// Deliveries, newest first: all, or the failed ones.
    pub async fn list_deliveries(
        &self,
        failed_only: bool,
        limit: i64,
    ) -> anyhow::Result<Vec<DeliveryRow>> {
        let rows = sqlx::query!(
            r#"SELECT d.id, d.event_id, e.type, d.endpoint_id, w.url, d.state, d.attempts,
                      d.last_status, d.last_error, d.next_attempt_at, d.created_at,
                      d.finished_at
               FROM webhook_deliveries d
               JOIN webhook_events e ON e.id = d.event_id
               JOIN webhook_endpoints w ON w.id = d.endpoint_id
               WHERE NOT $1 OR d.state = 'failed'
               ORDER BY d.id DESC
               LIMIT $2"#,
            failed_only,
            limit
        )
        .fetch_all(&self.pool)
        .await
        .context("listing webhook deliveries")?;
        rows.into_iter()
            .map(|r| {
                let state: DeliveryState = parse_column(&r.state)?;
                Ok(DeliveryRow {
                    id: r.id,
                    webhook_id: crate::domain::webhook::message_id(r.event_id),
                    event: parse_column(&r.r#type)?,
                    endpoint_id: r.endpoint_id,
                    url: r.url,
                    state,
                    attempts: r.attempts,
                    last_status: r.last_status,
                    last_error: r.last_error,
                    next_attempt_at: (state == DeliveryState::Pending).then_some(r.next_attempt_at),
                    created_at: r.created_at,
                    finished_at: r.finished_at,
                })
            })
            .collect()
    }

    /// How many deliveries wait, since when the oldest, and how many failed.
    pub async fn webhook_backlog(&self, now: DateTime<Utc>) -> anyhow::Result<WebhookBacklog> {
        let pending = sqlx::query!(
            r#"SELECT count(*) AS "pending!", min(retry_from) AS oldest
               FROM webhook_deliveries WHERE state = 'pending'"#
        )
        .fetch_one(&self.pool)
        .await
        .context("measuring the webhook backlog")?;
        let failed = sqlx::query_scalar!(
            r#"SELECT count(*) AS "failed!" FROM webhook_deliveries WHERE state = 'failed'"#
        )
        .fetch_one(&self.pool)
        .await
        .context("counting failed webhook deliveries")?;
        Ok(WebhookBacklog {
            pending: pending.pending,
            oldest_pending_age_seconds: pending
                .oldest
                .map(|at| (now - at).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0),
            failed,
        })
    }
}
