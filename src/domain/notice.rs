//! Notices for a guild's team channel: what kind each is, what it says (stored in the
//! outbox as JSON and rendered in the guild's locale when it is sent; never a key), and
//! which lifecycle notice falls due when: reminders before the end date and one notice
//! per state change, each with a dedupe key naming the subscription, its end date and the
//! milestone, so that it is enqueued once, and never skipped: after downtime the latest
//! milestone reached is announced.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    licenses::ServerPower,
    lifecycle::{LifecyclePeriods, LifecycleState},
    names::names,
    records::Subscription,
    rules::OrderKind,
};

/// What a notice is about; each kind has its own dedupe key shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// An order was redeemed (`redemption:<ledger id>`).
    Redemption,
    /// A reminder before a subscription's end date, or a change of its lifecycle state
    /// (`lifecycle:<subscription>:<end date>:<milestone>`).
    Lifecycle,
    /// A user was locked out of key entry (`lockout:<guild>:<user>:<until>`).
    Lockout,
    /// Licenses assigned to members: a request to decide (`license-request:<id>`), the
    /// last free license assigned (`licenses-full:<history id>`), a member who left
    /// (`member-gone:<guild>:<user>:<history id>`), a role Discord refused
    /// (`role-refused:<guild>:<role>:<unix time>`), and a decision told to the member by
    /// direct message (`license-dm:<request id>`).
    License,
}

/// Where a notice is in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeState {
    /// Waiting to be sent (or being sent, under a claim).
    Pending,
    /// Discord accepted it.
    Sent,
    /// Discord refused it for good, or it could not be read, or it ran out of attempts.
    Failed,
    /// The guild set no notice channel within 7 days of the notice (until then it waits).
    Dropped,
}

names!(NoticeState, "notice state" {
    Pending => "pending",
    Sent => "sent",
    Failed => "failed",
    Dropped => "dropped",
});

names!(NoticeKind, "notice kind" {
    Redemption => "redemption",
    Lifecycle => "lifecycle",
    Lockout => "lockout",
    License => "license",
});

/// What a notice says.
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
    /// An activation was redeemed: a new subscription started (kind `redemption` too).
    Activation {
        user: u64,
        subscription: String,
        product: String,
        seats: i64,
        ends_on: NaiveDate,
        keys: i64,
    },
    /// The vendor reversed a redeemed key (a refund); the licenses of `released` were
    /// released to fit the seats left (kind `redemption`, `reversal:<ledger id>`).
    Reversal {
        subscription: String,
        /// The key's last five characters.
        tail: String,
        seats_before: i64,
        seats_after: i64,
        ends_before: NaiveDate,
        ends_after: NaiveDate,
        released: Vec<u64>,
    },
    /// The vendor suspended (`suspended`) or resumed the subscription; in neutral words,
    /// never the reason (kind `lifecycle`).
    Suspension {
        subscription: String,
        suspended: bool,
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
    /// A member asks for a license; posted with Approve / Deny buttons.
    LicenseRequest {
        request: uuid::Uuid,
        user: u64,
        subscription: String,
        product: String,
    },
    /// The last free license of a subscription was just assigned.
    LicensesFull {
        subscription: String,
        seats: i64,
    },
    /// Discord no longer knows the member: their licenses were released.
    MemberGone {
        user: u64,
        subscriptions: Vec<String>,
    },
    /// Discord refused to let licensebot change a linked role; it stops trying until the
    /// role is linked again.
    RoleRefused {
        role: u64,
        error: String,
    },
    /// A linked role now gives power over the server (`powers`), or became the server's
    /// manager role: licensebot stopped giving it until it is linked again.
    RoleHalted {
        role: u64,
        #[serde(default)]
        powers: Vec<ServerPower>,
        #[serde(default)]
        manager_role: bool,
    },
    /// Told to `user` by direct message, not in the notice channel: an admin decided their
    /// request.
    RequestDecided {
        user: u64,
        subscription: String,
        approved: bool,
        by: u64,
        /// The member's language (from their request), not the guild's.
        locale: String,
    },
}

impl NoticeBody {
    /// The kind of notice that says this.
    pub fn kind(&self) -> NoticeKind {
        match self {
            NoticeBody::Redemption { .. }
            | NoticeBody::Activation { .. }
            | NoticeBody::Reversal { .. } => NoticeKind::Redemption,
            NoticeBody::Reminder { .. }
            | NoticeBody::StateChange { .. }
            | NoticeBody::Suspension { .. } => NoticeKind::Lifecycle,
            NoticeBody::Lockout { .. } => NoticeKind::Lockout,
            NoticeBody::LicenseRequest { .. }
            | NoticeBody::LicensesFull { .. }
            | NoticeBody::MemberGone { .. }
            | NoticeBody::RoleRefused { .. }
            | NoticeBody::RoleHalted { .. }
            | NoticeBody::RequestDecided { .. } => NoticeKind::License,
        }
    }

    /// The member this notice goes to by direct message, instead of the notice channel.
    pub fn direct_to(&self) -> Option<u64> {
        match self {
            NoticeBody::RequestDecided { user, .. } => Some(*user),
            _ => None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(value: &serde_json::Value) -> Option<NoticeBody> {
        serde_json::from_value(value.clone()).ok()
    }
}

/// The lifecycle notice due for `sub` today, if any: (dedupe key, body).
pub fn due_notice(
    sub: &Subscription,
    today: NaiveDate,
    periods: LifecyclePeriods,
    reminder_days: &[u32],
) -> Option<(String, NoticeBody)> {
    let state = LifecycleState::on(sub.ends_on, today, periods);
    let prefix = format!("lifecycle:{}:{}", sub.id, sub.ends_on);
    match state {
        LifecycleState::Active => {
            let left = (sub.ends_on - today).num_days();
            // The latest reminder reached: the smallest milestone not below the days left.
            let milestone = reminder_days
                .iter()
                .map(|d| i64::from(*d))
                .filter(|d| *d >= left)
                .min()?;
            Some((
                format!("{prefix}:reminder:{milestone}"),
                NoticeBody::Reminder {
                    subscription: sub.name.clone(),
                    ends_on: sub.ends_on,
                    days: left,
                },
            ))
        }
        other => Some((
            format!("{prefix}:state:{}", other.as_str()),
            NoticeBody::StateChange {
                subscription: sub.name.clone(),
                state: other,
                ends_on: sub.ends_on,
            },
        )),
    }
}

/// The end dates of the subscriptions that can have a lifecycle notice due `today`, from
/// and to (both included): those within the longest reminder of their end, and those
/// ended until a week after their deletion (a subscription deleted long ago has said all
/// it had to say).
pub fn lifecycle_notice_window(
    today: NaiveDate,
    periods: LifecyclePeriods,
    reminder_days: &[u32],
) -> (NaiveDate, NaiveDate) {
    let latest = reminder_days.iter().copied().max().unwrap_or(0);
    let to = today
        .checked_add_days(Days::new(u64::from(latest)))
        .unwrap_or(NaiveDate::MAX);
    let horizon = u64::from(periods.expired_days) + u64::from(periods.disabled_days) + 7;
    let from = today
        .checked_sub_days(Days::new(horizon))
        .unwrap_or(NaiveDate::MIN)
        // PostgreSQL's dates start in 4713 BC; chrono's go further back.
        .max(NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN));
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{GuildId, Product};

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

        let activation = serde_json::json!({
            "type": "activation", "user": 123, "subscription": "Contoso",
            "product": "Business Standard", "seats": 25, "ends_on": "2027-11-29", "keys": 1
        });
        let body = NoticeBody::from_json(&activation).expect("an activation notice");
        assert_eq!(body.kind(), NoticeKind::Redemption);
        assert_eq!(body.to_json(), activation);

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

    fn sub(ends_on: NaiveDate) -> Subscription {
        Subscription {
            id: 7,
            guild: GuildId(1),
            product: Product {
                sku: "P".into(),
                name: "P".into(),
                max_seats: None,
            },
            name: "Contoso".into(),
            seats: 10,
            ends_on,
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn reminders_fall_due_thirty_fourteen_seven_and_one_days_before_the_end() {
        let s = sub(d("2027-01-31"));
        let p = LifecyclePeriods::default();
        let days = [30, 14, 7, 1];
        assert_eq!(due_notice(&s, d("2026-12-31"), p, &days), None);
        let key = |today| due_notice(&s, d(today), p, &days).map(|(k, _)| k);
        assert_eq!(
            key("2027-01-01").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:30")
        );
        assert_eq!(
            key("2027-01-16").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:30")
        );
        assert_eq!(
            key("2027-01-17").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:14")
        );
        assert_eq!(
            key("2027-01-24").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:7")
        );
        assert_eq!(
            key("2027-01-30").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:1")
        );
        assert_eq!(
            key("2027-01-31").as_deref(),
            Some("lifecycle:7:2027-01-31:reminder:1")
        );
        assert_eq!(
            key("2027-02-01").as_deref(),
            Some("lifecycle:7:2027-01-31:state:expired")
        );
        assert_eq!(
            key("2027-03-03").as_deref(),
            Some("lifecycle:7:2027-01-31:state:disabled")
        );
        assert_eq!(
            key("2027-06-01").as_deref(),
            Some("lifecycle:7:2027-01-31:state:deleted")
        );
    }

    #[test]
    fn after_downtime_only_the_latest_milestone_is_due() {
        let s = sub(d("2027-01-31"));
        let (key, body) = due_notice(
            &s,
            d("2027-01-26"),
            LifecyclePeriods::default(),
            &[30, 14, 7, 1],
        )
        .unwrap();
        assert_eq!(key, "lifecycle:7:2027-01-31:reminder:7");
        assert_eq!(
            body,
            NoticeBody::Reminder {
                subscription: "Contoso".into(),
                ends_on: d("2027-01-31"),
                days: 5
            }
        );
    }

    #[test]
    fn the_notice_window_reaches_the_longest_reminder_ahead_and_a_week_past_deletion_back() {
        let (from, to) =
            lifecycle_notice_window(d("2027-01-01"), LifecyclePeriods::default(), &[1, 30, 7]);
        assert_eq!(to, d("2027-01-31"));
        // 30 days expired + 90 disabled + a week.
        assert_eq!(from, d("2027-01-01") - chrono::Duration::days(127));
    }

    #[test]
    fn the_notice_window_stays_within_the_calendars_both_ends() {
        let periods = LifecyclePeriods {
            expired_days: u32::MAX,
            disabled_days: u32::MAX,
        };
        let (from, to) = lifecycle_notice_window(NaiveDate::MAX, periods, &[u32::MAX]);
        assert_eq!(to, NaiveDate::MAX);
        assert_eq!(from, NaiveDate::from_ymd_opt(1, 1, 1).expect("a date"));
    }
}
