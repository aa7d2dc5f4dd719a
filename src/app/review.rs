//! The review of an order: what would happen if it were redeemed now.

use crate::domain::{
    records::{Order, Subscription},
    rules::{plan_add_licenses, plan_extend, SubscriptionFacts},
    AddLicensesPlan, ExtendPlan, KeyLine, KeyRefusal, LifecyclePeriods, LifecycleState, OrderKind,
    RuleError, Term,
};
use crate::store::OrderKeyRow;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewKey {
    /// `•••••-•••••-•••••-•••••-QRT7W`
    pub masked: String,
    pub seats: i64,
    pub term: Term,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    AddLicenses(AddLicensesPlan),
    Extend(ExtendPlan),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub order: Order,
    pub subscription: Subscription,
    pub state: LifecycleState,
    pub keys: Vec<ReviewKey>,
    pub plan: Plan,
    /// Keys refused while growing the order (shown above the review, nothing added).
    pub refusals: Vec<KeyRefusal>,
}

pub(super) fn facts(sub: &Subscription) -> SubscriptionFacts {
    SubscriptionFacts {
        name: sub.name.clone(),
        product_name: sub.product.name.clone(),
        seats: sub.seats,
        ends_on: sub.ends_on,
        max_seats: sub.product.max_seats,
    }
}

pub(super) fn plan(
    kind: OrderKind,
    sub: &Subscription,
    lines: &[KeyLine],
    today: NaiveDate,
    periods: LifecyclePeriods,
) -> Result<Plan, RuleError> {
    let facts = facts(sub);
    Ok(match kind {
        OrderKind::AddLicenses => {
            Plan::AddLicenses(plan_add_licenses(&facts, lines, today, periods)?)
        }
        OrderKind::Extend => Plan::Extend(plan_extend(&facts, lines, today, periods)?),
    })
}

pub(super) fn lines(keys: &[OrderKeyRow]) -> Vec<KeyLine> {
    keys.iter()
        .map(|k| KeyLine {
            seats: k.key.seats,
            term: k.key.term,
        })
        .collect()
}

pub(super) fn review_keys(keys: &[OrderKeyRow]) -> Vec<ReviewKey> {
    keys.iter()
        .map(|k| ReviewKey {
            masked: k.key.tail.masked(),
            seats: k.key.seats,
            term: k.key.term,
        })
        .collect()
}
