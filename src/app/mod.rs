//! Use cases: `fn(&App, input) -> Result<Outcome, AppError>`. No serenity here; the
//! Discord layer and the CLI both drive these.

mod catalogue;
mod deliveries;
mod drift;
mod error;
mod health;
mod licenses;
mod lifecycle;
mod listing;
mod orders;
mod outbox;
mod refunds;
mod review;
mod roles;
mod settings;
mod tokens;
mod webhooks;

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

use crate::{config::Settings, store::Store};

pub use catalogue::{
    unquoted_refusal, Idempotency, ImportError, ImportOutcome, ImportedKey, KeyBatch, KeyRow,
    Minted, RevokedKey,
};
pub use deliveries::REMEMBER_DELIVERIES_FOR;
pub use error::{AppError, InputError, InputErrorKind, UserError};
pub use health::DatabaseGauges;
pub use licenses::{
    request_notice_key, AssignLicense, Decision, HeldLicense, HolderPage, LicenseChange,
    PostedRequest, RoleLink, UnassignLicense, OPERATOR,
};
pub use lifecycle::lifecycle_tick;
pub use listing::{FeedPage, RedemptionPage};
pub use orders::{OpenOrder, Receipt};
pub use outbox::{Delivered, NextAttempt, OutboxClaim};
pub use refunds::{KeyLookup, ReversedKey, Suspension, SuspensionChange};
pub use review::{Review, ReviewKey};
pub use settings::{Caller, SetupFacts, NOTICE_WAITS_FOR_A_CHANNEL};
pub use webhooks::{plain_http_off_this_machine, DeliveryOutcome, NextDelivery};
// Domain types in the use cases' outcomes, where their callers have always found them.
pub use crate::domain::{catalogue::normalise_sku, NoticeBody, Plan, SubscriptionRef};
// The store's row types that the use cases hand out.
pub use crate::store::{
    Assignment, AttemptRow, CheckClaim, DeliveryRow, DueDelivery, ExpiredRequest, GuildListing,
    KeyFilter, KeyListing, KeyWhereabouts, LicenseRequest, LicenseSpan, PendingNotice,
    RepairsQueued, ReversalEntry, ReversalFilter, RoleChange, RoleClaim, SchemaStatus,
    WebhookBacklog, WebhookEndpoint,
};

/// What every use case needs: the database, the settings and the time. The store is
/// private: the Discord layer and the CLI reach the database only through use cases.
#[derive(Clone)]
pub struct App {
    store: Store,
    pub settings: Arc<Settings>,
    pub clock: Clock,
}

impl App {
    pub fn new(store: Store, settings: Settings) -> App {
        App {
            store,
            settings: Arc::new(settings),
            clock: Clock::System,
        }
    }

    /// An app from its parts: settings shared with other apps, and a clock (a test's).
    pub fn assemble(store: Store, settings: Arc<Settings>, clock: Clock) -> App {
        App {
            store,
            settings,
            clock,
        }
    }
}

/// The time, real or set by a test.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    /// Calendar dates are UTC.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Moves a fixed clock; the system clock ignores this.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Fixed(at) = self {
            let mut at = at.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            *at += by;
        }
    }
}
