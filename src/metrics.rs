//! The bot's metrics, served in Prometheus' text format at `/metrics`: interactions by
//! command and outcome, how fast the first response went out, redemptions, refusals, the
//! notice outbox, webhook deliveries, the role queue and its checks against Discord, and the
//! database pool. One [`Metrics`]
//! per process, cheap to clone; the outbox, role queue and pool gauges are read when
//! scraped, so every replica reports the shared queues.

use std::sync::{atomic::AtomicU64, Arc};

use prometheus_client::{
    encoding::{EncodeLabelSet, EncodeLabelValue},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::app::DatabaseGauges;

/// What an interaction came to, worst first: an internal error beats a refusal.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, PartialOrd, Ord, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum Outcome {
    /// Done as asked.
    ok,
    /// The admin was told why not (a `UserError`).
    refused,
    /// Something went wrong on our side (logged with an error id).
    error,
    /// The first response never reached Discord.
    unanswered,
    /// Answered "licensebot is busy" at once: the process was at its bound of work in
    /// flight (`interactions.*`), and nothing was done.
    busy,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InteractionLabels {
    /// `command`, `autocomplete`, `button`, `modal`, `ping`, `undecodable` (one serenity
    /// could not read, answered that nothing was changed).
    kind: &'static str,
    /// The command's name, or what the button or modal does.
    name: &'static str,
    outcome: Outcome,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FirstResponseLabels {
    /// `gateway` (REST callback) or `http` (the reply to Discord's POST).
    transport: &'static str,
    /// `message`, `update`, `deferred`, `modal`, `autocomplete`, `pong`.
    response: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SeenInLabel {
    seen_in: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

type Latency = Family<FirstResponseLabels, Histogram, fn() -> Histogram>;

/// Discord allows 3 s for the first response; the deferral goes out after 1.2 s.
fn latency_histogram() -> Histogram {
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0,
    ])
}

struct Inner {
    registry: Registry,
    interactions: Family<InteractionLabels, Counter>,
    first_response: Latency,
    redemptions: Family<KindLabel, Counter>,
    refusals: Family<ReasonLabel, Counter>,
    endpoint_refused: Family<ReasonLabel, Counter>,
    busy: Family<ReasonLabel, Counter>,
    waiting: Gauge,
    admitted_after_waiting: Counter,
    notices: Family<ResultLabel, Counter>,
    duplicates: Family<SeenInLabel, Counter>,
    unchecked: Counter,
    outbox_depth: Gauge,
    outbox_oldest: Gauge<f64, AtomicU64>,
    webhook_deliveries: Family<ResultLabel, Counter>,
    webhook_pending: Gauge,
    webhook_oldest: Gauge<f64, AtomicU64>,
    webhook_failed: Gauge,
    roles_pending: Gauge,
    roles_halted: Gauge,
    verify_checked: Counter,
    verify_repairs: Family<KindLabel, Counter>,
    pool_connections: Family<StateLabel, Gauge>,
    pool_max: Gauge,
}

#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("licensebot");
        let interactions = Family::<InteractionLabels, Counter>::default();
        registry.register(
            "interactions",
            "Interactions handled, by kind, command and outcome",
            interactions.clone(),
        );
        let first_response: Latency = Family::new_with_constructor(latency_histogram);
        registry.register(
            "first_response_seconds",
            "Time from receiving an interaction to handing Discord its first response",
            first_response.clone(),
        );
        let redemptions = Family::<KindLabel, Counter>::default();
        registry.register(
            "redemptions",
            "Orders redeemed, by kind",
            redemptions.clone(),
        );
        let refusals = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "refusals",
            "Attempts refused with a message to the admin, by reason",
            refusals.clone(),
        );
        let endpoint_refused = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "http_interactions_refused",
            "HTTP interaction deliveries refused (401 or 400), by reason",
            endpoint_refused.clone(),
        );
        let busy = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "interactions_busy",
            "Interactions not worked on because this process was at its bound, by reason \
             (all, waited: answered busy; shed: not answered at all)",
            busy.clone(),
        );
        let waiting = Gauge::default();
        registry.register(
            "interactions_waiting",
            "Interactions waiting now for a slot (interactions.max_waiting at most)",
            waiting.clone(),
        );
        let admitted_after_waiting = Counter::default();
        registry.register(
            "interactions_admitted_after_waiting",
            "Interactions that waited for a slot and got one in time",
            admitted_after_waiting.clone(),
        );
        let notices = Family::<ResultLabel, Counter>::default();
        registry.register(
            "notices",
            "Notice delivery attempts by this process, by result",
            notices.clone(),
        );
        let duplicates = Family::<SeenInLabel, Counter>::default();
        registry.register(
            "duplicate_deliveries",
            "Interactions delivered again and not handled again, by where the first delivery \
             was found: this process's memory, or the database all replicas share",
            duplicates.clone(),
        );
        let unchecked = Counter::default();
        registry.register(
            "duplicate_checks_failed",
            "Interactions handled on this process's memory alone, because the database did \
             not say in time whether another replica had handled them",
            unchecked.clone(),
        );
        let outbox_depth = Gauge::default();
        registry.register(
            "outbox_depth",
            "Notices waiting to be delivered (all replicas)",
            outbox_depth.clone(),
        );
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest notice waiting to be delivered; 0 when none waits",
            outbox_oldest.clone(),
        );
        let webhook_deliveries = Family::<ResultLabel, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts by this process, by result (delivered, retry, failed, claim_lost)",
            webhook_deliveries.clone(),
        );
        let webhook_pending = Gauge::default();
        registry.register(
            "webhook_pending",
            "Webhook deliveries waiting to be delivered (all replicas)",
            webhook_pending.clone(),
        );
        let webhook_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "webhook_oldest_pending_age_seconds",
            "Age of the oldest webhook delivery waiting; 0 when none waits",
            webhook_oldest.clone(),
        );
        let webhook_failed = Gauge::default();
        registry.register(
            "webhook_failed",
            "Webhook deliveries given up (listed by `licensebot webhooks deliveries --failed`)",
            webhook_failed.clone(),
        );
        let roles_pending = Gauge::default();
        registry.register(
            "role_changes_pending",
            "License role changes waiting to be sent to Discord (all replicas; halted roles aside)",
            roles_pending.clone(),
        );
        let roles_halted = Gauge::default();
        registry.register(
            "roles_halted",
            "License roles left alone because Discord refused a change (until linked again)",
            roles_halted.clone(),
        );
        let verify_checked = Counter::default();
        registry.register(
            "role_verify_checked",
            "Holders whose roles this process read at Discord to repair drift",
            verify_checked.clone(),
        );
        let verify_repairs = Family::<KindLabel, Counter>::default();
        registry.register(
            "role_verify_repairs",
            "Repairs queued from Discord's own state (verifier reads and member updates), by \
             kind: given_back, taken_away, member_gone",
            verify_repairs.clone(),
        );
        let pool_connections = Family::<StateLabel, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections of this process, by state (in_use, idle)",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "The database pool's size limit",
            pool_max.clone(),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                interactions,
                first_response,
                redemptions,
                refusals,
                endpoint_refused,
                busy,
                waiting,
                admitted_after_waiting,
                notices,
                duplicates,
                unchecked,
                outbox_depth,
                outbox_oldest,
                webhook_deliveries,
                webhook_pending,
                webhook_oldest,
                webhook_failed,
                roles_pending,
                roles_halted,
                verify_checked,
                verify_repairs,
                pool_connections,
                pool_max,
            }),
        }
    }

    pub fn interaction(&self, kind: &'static str, name: &'static str, outcome: Outcome) {
        self.inner
            .interactions
            .get_or_create(&InteractionLabels {
                kind,
                name,
                outcome,
            })
            .inc();
    }

    pub fn first_response(&self, transport: &'static str, response: &'static str, seconds: f64) {
        self.inner
            .first_response
            .get_or_create(&FirstResponseLabels {
                transport,
                response,
            })
            .observe(seconds);
    }

    pub fn redemption(&self, kind: &'static str) {
        self.inner
            .redemptions
            .get_or_create(&KindLabel { kind })
            .inc();
    }

    pub fn refusal(&self, reason: &'static str) {
        self.inner
            .refusals
            .get_or_create(&ReasonLabel { reason })
            .inc();
    }

    pub fn endpoint_refused(&self, reason: &'static str) {
        self.inner
            .endpoint_refused
            .get_or_create(&ReasonLabel { reason })
            .inc();
    }

    /// An interaction past the bounds of work in flight: `all`, `waited` or `shed`.
    pub fn busy(&self, reason: &'static str) {
        self.inner.busy.get_or_create(&ReasonLabel { reason }).inc();
    }

    /// How many interactions wait for a slot now.
    pub fn interactions_waiting(&self, count: usize) {
        self.inner
            .waiting
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// An interaction that waited for a slot got one in time.
    pub fn admitted_after_waiting(&self) {
        self.inner.admitted_after_waiting.inc();
    }

    /// `sent`, `retry`, `failed` or `dropped`.
    pub fn notice(&self, result: &'static str) {
        self.inner
            .notices
            .get_or_create(&ResultLabel { result })
            .inc();
    }

    /// A delivery not handled again: `memory` or `database` says where it was found.
    pub fn duplicate(&self, seen_in: &'static str) {
        self.inner
            .duplicates
            .get_or_create(&SeenInLabel { seen_in })
            .inc();
    }

    /// An interaction handled without the database's word on whether it was handled before.
    pub fn duplicate_check_failed(&self) {
        self.inner.unchecked.inc();
    }

    /// `delivered`, `retry`, `failed` or `claim_lost`.
    pub fn webhook_delivery(&self, result: &'static str) {
        self.inner
            .webhook_deliveries
            .get_or_create(&ResultLabel { result })
            .inc();
    }

    /// A holder's roles were read at Discord.
    pub fn role_verify_checked(&self) {
        self.inner.verify_checked.inc();
    }

    /// Repairs queued from Discord's own state: `given_back`, `taken_away` or `member_gone`.
    pub fn role_verify_repairs(&self, kind: &'static str, count: u64) {
        if count > 0 {
            self.inner
                .verify_repairs
                .get_or_create(&KindLabel { kind })
                .inc_by(count);
        }
    }

    /// Sets the gauges that live in the database and the pool, then renders everything.
    pub fn scrape(&self, database: DatabaseGauges) -> String {
        if let Some(backlog) = database.backlog {
            self.inner.outbox_depth.set(backlog.depth);
            self.inner.outbox_oldest.set(backlog.oldest_age_seconds);
        }
        if let Some(webhooks) = database.webhooks {
            self.inner.webhook_pending.set(webhooks.pending);
            self.inner
                .webhook_oldest
                .set(webhooks.oldest_pending_age_seconds);
            self.inner.webhook_failed.set(webhooks.failed);
        }
        if let Some(roles) = database.roles {
            self.inner.roles_pending.set(roles.pending);
            self.inner.roles_halted.set(roles.halted);
        }
        let gauge = |state| {
            self.inner
                .pool_connections
                .get_or_create(&StateLabel { state })
        };
        gauge("in_use").set((database.connections_open - database.connections_idle).max(0));
        gauge("idle").set(database.connections_idle);
        self.inner.pool_max.set(database.connections_max);
        self.render()
    }

    /// The text exposition of everything registered.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.inner.registry) {
            tracing::warn!(error = %e, "encoding metrics");
        }
        out
    }
}

/// The content type of [`Metrics::render`]'s output (OpenMetrics text, which Prometheus reads).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_show_up_in_the_text_format() {
        let m = Metrics::new();
        m.interaction("command", "add-licenses", Outcome::ok);
        m.interaction("command", "add-licenses", Outcome::ok);
        m.interaction("button", "redeem", Outcome::refused);
        m.first_response("http", "message", 0.02);
        m.redemption("add-licenses");
        let text = m.render();
        assert!(
            text.contains(
                r#"licensebot_interactions_total{kind="command",name="add-licenses",outcome="ok"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"licensebot_first_response_seconds_count{transport="http",response="message"} 1"#
            ),
            "{text}"
        );
        assert!(
            text.contains(r#"licensebot_redemptions_total{kind="add-licenses"} 1"#),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn the_verifiers_checks_and_repairs_are_counted_by_kind() {
        let m = Metrics::new();
        m.role_verify_checked();
        m.role_verify_checked();
        m.role_verify_repairs("given_back", 1);
        m.role_verify_repairs("taken_away", 0);
        let text = m.render();
        assert!(
            text.contains("licensebot_role_verify_checked_total 2"),
            "{text}"
        );
        assert!(
            text.contains(r#"licensebot_role_verify_repairs_total{kind="given_back"} 1"#),
            "{text}"
        );
        assert!(!text.contains(r#"kind="taken_away""#), "{text}");
    }
}
