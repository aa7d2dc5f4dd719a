//! Use cases: `fn(&App, input) -> Result<Outcome, AppError>`. No serenity here; the
//! Discord layer and the CLI both drive these.

mod catalogue;
mod error;
mod lifecycle;
mod orders;
mod review;

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::{Arc, Mutex};

use crate::{config::Settings, store::Store};

pub use catalogue::{ImportError, KeyBatch};
pub use error::{AppError, UserError};
pub use lifecycle::lifecycle_tick;
pub use orders::{OpenOrder, Receipt};
pub use review::{Review, ReviewKey};
// Domain types in the use cases' outcomes, where their callers have always found them.
pub use crate::domain::{catalogue::normalise_sku, NoticeBody, Plan, SubscriptionRef};

/// What every use case needs: the database, the settings and the time.
#[derive(Clone)]
pub struct App {
    pub store: Store,
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
