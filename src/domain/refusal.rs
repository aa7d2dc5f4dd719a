//! Every reason a key or an order is refused, as its own type, so each gets its own message.

use super::{key::KeyFormatError, lifecycle::LifecycleState, names::names, rules::OrderKind};

/// Why one key cannot join an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefusalCause {
    Format(KeyFormatError),
    Unknown,
    AlreadyRedeemed,
    Revoked,
    Expired,
    OtherProduct {
        key_product: String,
        subscription_product: String,
    },
    RepeatedInOrder,
}

impl KeyRefusalCause {
    /// How the audit trail records this cause.
    pub fn attempt_cause(&self) -> AttemptCause {
        match self {
            KeyRefusalCause::Format(_) => AttemptCause::Format,
            KeyRefusalCause::Unknown => AttemptCause::Unknown,
            KeyRefusalCause::AlreadyRedeemed => AttemptCause::AlreadyRedeemed,
            KeyRefusalCause::Revoked => AttemptCause::Revoked,
            KeyRefusalCause::Expired => AttemptCause::Expired,
            KeyRefusalCause::OtherProduct { .. } => AttemptCause::OtherProduct,
            KeyRefusalCause::RepeatedInOrder => AttemptCause::Repeated,
        }
    }
}

/// Why a key attempt was refused, as the audit trail (and the lockout) records it: a
/// [`KeyRefusalCause`] without its details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptCause {
    Format,
    Unknown,
    AlreadyRedeemed,
    Revoked,
    Expired,
    OtherProduct,
    Repeated,
}

names!(AttemptCause, "refusal cause" {
    Format => "format",
    Unknown => "unknown",
    AlreadyRedeemed => "already-redeemed",
    Revoked => "revoked",
    Expired => "expired",
    OtherProduct => "other-product",
    Repeated => "repeated",
});

/// A refused key: what the user typed (masked) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRefusal {
    /// Masked form of what was typed, e.g. `•••••-•••••-•••••-•••••-QRT7W`.
    pub masked: String,
    /// The last five characters, when the input had them (for "ending in QRT7W").
    pub tail: Option<String>,
    pub cause: KeyRefusalCause,
}

/// Why an order (as a whole) cannot be opened, grown or redeemed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the order has no keys")]
    NoKeys,
    #[error("an order holds at most {max} keys")]
    TooManyKeys { max: usize },
    #[error("a subscription that is {state:?} cannot be used for {kind:?}")]
    WrongState {
        state: LifecycleState,
        kind: OrderKind,
    },
    #[error("{subscription} would have {would_have} licenses; {product} allows at most {max}")]
    SeatCap {
        subscription: String,
        product: String,
        would_have: i64,
        max: i64,
    },
    #[error("these keys would extend the subscription by less than one day")]
    LessThanOneDay,
    #[error("the dates fall outside the calendar")]
    OutOfRange,
    /// An order of `kind` read with the wrong kind of subject (an activation with an
    /// existing subscription, or the other way round): a fault of licensebot's, not the
    /// admin's.
    #[error("an order of kind {kind} does not fit what it is for")]
    KindMismatch { kind: OrderKind },
}
