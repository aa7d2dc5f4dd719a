//! What `/healthz` and `/metrics` read from the database.

use super::App;
use crate::store::{NoticeBacklog, RoleBacklog, WebhookBacklog};

/// The database's side of `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct DatabaseGauges {
    /// `None` when the outbox could not be read.
    pub backlog: Option<NoticeBacklog>,
    /// The webhook deliveries waiting and failed; `None` when they could not be read.
    pub webhooks: Option<WebhookBacklog>,
    /// The role changes waiting and the roles halted; `None` when they could not be read.
    pub roles: Option<RoleBacklog>,
    pub connections_open: i64,
    pub connections_idle: i64,
    pub connections_max: i64,
}

impl App {
    /// Which of this binary's migrations the database has, and any it does not know.
    pub async fn schema_status(&self) -> anyhow::Result<crate::store::SchemaStatus> {
        crate::store::schema_status(self.store.pool()).await
    }

    /// The database server's PostgreSQL major version.
    pub async fn server_major_version(&self) -> anyhow::Result<u32> {
        crate::store::server_major_version(self.store.pool()).await
    }

    /// The tables of the database's `public` schema (none: an empty database).
    pub async fn public_tables(&self) -> anyhow::Result<Vec<String>> {
        crate::store::public_tables(self.store.pool()).await
    }

    /// Webhook endpoints with deliveries given up on: (endpoint id, its URL, how many).
    pub async fn endpoints_with_failed_deliveries(
        &self,
    ) -> anyhow::Result<Vec<(i64, String, usize)>> {
        let failed = self.store.list_deliveries(true, 100_000).await?;
        let mut endpoints: Vec<(i64, String, usize)> = Vec::new();
        for delivery in failed {
            match endpoints
                .iter_mut()
                .find(|(id, _, _)| *id == delivery.endpoint_id)
            {
                Some((_, _, count)) => *count += 1,
                None => endpoints.push((delivery.endpoint_id, delivery.url, 1)),
            }
        }
        endpoints.sort_by_key(|(id, _, _)| *id);
        Ok(endpoints)
    }

    /// Whether the database answers.
    pub async fn ping_database(&self) -> anyhow::Result<()> {
        self.store.ping().await
    }

    pub async fn database_gauges(&self) -> DatabaseGauges {
        // The outbox's `created_at` is the database's time, so the age is measured on the
        // wall clock, not the app's (which a test may have set).
        let backlog = match self.store.notice_backlog(chrono::Utc::now()).await {
            Ok(backlog) => Some(backlog),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "reading the outbox for /metrics");
                None
            }
        };
        let webhooks = match self.store.webhook_backlog(chrono::Utc::now()).await {
            Ok(backlog) => Some(backlog),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "reading the webhook outbox for /metrics");
                None
            }
        };
        let roles = match self.store.role_backlog().await {
            Ok(backlog) => Some(backlog),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "reading the role queue for /metrics");
                None
            }
        };
        let pool = self.store.pool();
        DatabaseGauges {
            backlog,
            webhooks,
            roles,
            connections_open: i64::from(pool.size()),
            connections_idle: i64::try_from(pool.num_idle()).unwrap_or(i64::MAX),
            connections_max: i64::from(pool.options().get_max_connections()),
        }
    }
}
