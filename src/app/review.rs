//! The review of an order: what would happen if it were redeemed now.

use crate::domain::{
    records::{Order, OrderKey, Subject},
    KeyRefusal, LifecycleState, Plan, Term,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewKey {
    /// `•••••-•••••-•••••-•••••-QRT7W`
    pub masked: String,
    pub seats: i64,
    pub term: Term,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub order: Order,
    /// The subscription the order is for; for an activation, the one it would start (and
    /// in its receipt, the one it started).
    pub subject: Subject,
    /// The subscription's state today (a new one would start active).
    pub state: LifecycleState,
    /// Licenses of the subscription assigned to members ("13 of 70 assigned").
    pub assigned: i64,
    pub keys: Vec<ReviewKey>,
    pub plan: Plan,
    /// Keys refused while growing the order (shown above the review, nothing added).
    pub refusals: Vec<KeyRefusal>,
}

pub(super) fn review_keys(keys: &[OrderKey]) -> Vec<ReviewKey> {
    keys.iter()
        .map(|k| ReviewKey {
            masked: k.key.tail.masked(),
            seats: k.key.seats,
            term: k.key.term,
        })
        .collect()
}
