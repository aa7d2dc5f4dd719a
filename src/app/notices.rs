//! What a notice says, stored in the outbox as JSON and rendered in the guild's locale
//! when it is sent. Never a key.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{LifecycleState, NoticeKind, OrderKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum NoticeBody {
    Redemption {
        user: u64,
        subscription: String,
        kind: OrderKind,
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
    /// The subscription entered `state` (expired, disabled or deleted).
    StateChange {
        subscription: String,
        state: LifecycleState,
        ends_on: NaiveDate,
    },
    Lockout {
        user: u64,
        until: DateTime<Utc>,
    },
}

impl NoticeBody {
    pub fn kind(&self) -> NoticeKind {
        match self {
            NoticeBody::Redemption { .. } => NoticeKind::Redemption,
            NoticeBody::Reminder { .. } | NoticeBody::StateChange { .. } => NoticeKind::Lifecycle,
            NoticeBody::Lockout { .. } => NoticeKind::Lockout,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(value: &serde_json::Value) -> Option<NoticeBody> {
        serde_json::from_value(value.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_bodies_keep_their_json_spelling() {
        let redemption = serde_json::json!({
            "type": "redemption", "user": 123, "subscription": "Contoso",
            "kind": "add-licenses", "seats_before": 10, "seats_after": 11,
            "ends_before": "2027-12-31", "ends_after": "2027-12-31", "keys": 1
        });
        let body = NoticeBody::from_json(&redemption).expect("a redemption notice");
        assert_eq!(body.kind(), NoticeKind::Redemption);
        assert_eq!(body.to_json(), redemption);

        let state_change = serde_json::json!({
            "type": "state-change", "subscription": "Contoso", "state": "disabled",
            "ends_on": "2027-01-31"
        });
        let body = NoticeBody::from_json(&state_change).expect("a state change notice");
        assert_eq!(body.kind(), NoticeKind::Lifecycle);
        assert_eq!(body.to_json(), state_change);
    }

    #[test]
    fn a_notice_body_with_an_unknown_word_is_unreadable() {
        let unknown_state = serde_json::json!({
            "type": "state-change", "subscription": "Contoso", "state": "archived",
            "ends_on": "2027-01-31"
        });
        assert_eq!(NoticeBody::from_json(&unknown_state), None);
    }
}
