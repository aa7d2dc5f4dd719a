//! What a notice says, stored in the outbox as JSON and rendered in the guild's locale
//! when it is sent. Never a key.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum NoticeBody {
    Redemption {
        user: u64,
        subscription: String,
        kind: String,
        seats_before: i64,
        seats_after: i64,
        ends_before: NaiveDate,
        ends_after: NaiveDate,
        keys: i64,
    },
    /// `days` before the end date.
    Reminder {
        subscription: String,
        ends_on: NaiveDate,
        days: i64,
    },
    /// The subscription entered `state` (`expired`, `disabled`, `deleted`).
    StateChange {
        subscription: String,
        state: String,
        ends_on: NaiveDate,
    },
    Lockout {
        user: u64,
        until: DateTime<Utc>,
    },
}

impl NoticeBody {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(value: &serde_json::Value) -> Option<NoticeBody> {
        serde_json::from_value(value.clone()).ok()
    }
}
