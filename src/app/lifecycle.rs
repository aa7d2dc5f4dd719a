//! Lifecycle notices: reminders before the end date and one notice per state change,
//! each enqueued exactly once (the outbox's dedupe key names the subscription, its end
//! date and the milestone), and never skipped: after downtime the latest milestone
//! reached is announced.

use chrono::NaiveDate;

use super::{notices::NoticeBody, App};
use crate::domain::{records::Subscription, LifecyclePeriods, LifecycleState};
use crate::store::NewNotice;

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

/// One pass of the lifecycle scheduler; returns how many notices it enqueued. Safe to run
/// on any number of processes at once.
pub async fn lifecycle_tick(app: &App) -> anyhow::Result<usize> {
    let today = app.clock.today();
    let periods = app.settings.periods();
    let reminder_days = &app.settings.lifecycle.reminder_days;
    // Only subscriptions that can have a notice due today: those within the longest
    // reminder of their end, and those ended until a week after their deletion (a
    // subscription deleted long ago has said all it had to say). A guild's thousands of
    // subscriptions far from their end are never read, and the walk goes by pages so
    // that memory stays bounded however many there are.
    let latest = reminder_days.iter().copied().max().unwrap_or(0);
    let to = today
        .checked_add_days(chrono::Days::new(u64::from(latest)))
        .unwrap_or(NaiveDate::MAX);
    let horizon = u64::from(periods.expired_days) + u64::from(periods.disabled_days) + 7;
    let from = today
        .checked_sub_days(chrono::Days::new(horizon))
        .unwrap_or(NaiveDate::MIN)
        // PostgreSQL's dates start in 4713 BC; chrono's go further back.
        .max(NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN));
    let mut enqueued = 0;
    let mut after_id = 0;
    loop {
        let page = app
            .store
            .subscriptions_ending_between(from, to, after_id, LIFECYCLE_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after_id = last.id;
        let notices: Vec<NewNotice> = page
            .iter()
            .filter_map(|sub| {
                let (dedupe_key, body) = due_notice(sub, today, periods, reminder_days)?;
                Some(NewNotice {
                    guild: sub.guild,
                    dedupe_key,
                    kind: body.kind(),
                    body: body.to_json(),
                })
            })
            .collect();
        enqueued += app.store.enqueue_notices(&notices).await? as usize;
        if page.len() < LIFECYCLE_PAGE as usize {
            break;
        }
    }
    Ok(enqueued)
}

/// Subscriptions read per query by the lifecycle pass.
const LIFECYCLE_PAGE: i64 = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{GuildId, Product};

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
}
