//! The lifecycle pass: enqueues the lifecycle notices due today (see
//! `domain::notice::due_notice`), each exactly once however many processes run it, with
//! what a change to `disabled` or `deleted` does to the subscription's licenses, and with
//! each state change its `subscription.state_changed` webhook event (both in the same
//! transaction as its notice).

use super::App;
use crate::domain::notice::{due_notice, lifecycle_notice_window};

/// One pass of the lifecycle scheduler; returns how many notices it enqueued. Safe to run
/// on any number of processes at once.
pub async fn lifecycle_tick(app: &App) -> anyhow::Result<usize> {
    let today = app.clock.today();
    let periods = app.settings.periods();
    let reminder_days = &app.settings.lifecycle.reminder_days;
    // Only subscriptions that can have a notice due today: a guild's thousands of
    // subscriptions far from their end are never read, and the walk goes by pages so
    // that memory stays bounded however many there are.
    let (from, to) = lifecycle_notice_window(today, periods, reminder_days);
    let mut enqueued = 0;
    let mut after_id = 0;
    loop {
        let page = app
            .store
            .subscriptions_ending_between(from, to, after_id, LIFECYCLE_PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after_id = last.id;
        let due: Vec<_> = page
            .iter()
            .filter_map(|sub| {
                let (dedupe_key, body) = due_notice(sub, today, periods, reminder_days)?;
                Some((sub.clone(), body, dedupe_key))
            })
            .collect();
        enqueued += app.enqueue_lifecycle_notices(due).await?;
        if page.len() < LIFECYCLE_PAGE as usize {
            break;
        }
    }
    Ok(enqueued)
}

/// Subscriptions read per query by the lifecycle pass.
const LIFECYCLE_PAGE: i64 = 500;
