//! The rules of licensebot in plain Rust: product keys and what admins type, terms,
//! lifecycle states, the add-licenses / extend / activate arithmetic, the checks on a key
//! entry, the catalogue's limits, notices, licenses assigned to members, API tokens, webhook
//! events and their signatures, and the one
//! spelling of each word the database stores as text. No I/O, no serenity, no sqlx.

pub mod api_token;
pub mod catalogue;
pub mod drift;
pub mod entry;
pub mod input;
pub mod key;
pub mod licenses;
pub mod lifecycle;
pub mod names;
pub mod notice;
pub mod records;
pub mod refunds;
pub mod refusal;
pub mod rules;
pub mod subscription_ref;
pub mod term;
pub mod text;
pub mod webhook;
pub mod webhook_target;

pub use api_token::{parse_scopes, ApiToken, Scope, TokenDigest, TokenError, TokenInfo};
pub use entry::{
    judge_keys, recheck_order_keys, refusal_cause, AcceptedKeys, EntryError, OrderProduct,
    RecheckRefusal, TypedKeys,
};
pub use input::{split_keys, KeyCandidate};
pub use key::{KeyDigest, KeyFormatError, KeyTail, ProductKey, ALPHABET};
pub use licenses::{
    BotStanding, LicenseEvent, LicenseReason, LicenseRefusal, Occupancy, RequestHistory,
    RequestState, RoleFacts, RoleLinkRefusal, ServerPower, ServerPowers,
};
pub use lifecycle::{LifecyclePeriods, LifecycleState};
pub use names::UnknownName;
pub use notice::{NoticeBody, NoticeKind, NoticeState};
pub use refunds::{after_reversal, key_gifts, share_days, KeyGift, LookupState, ReversalResult};
pub use refusal::{AttemptCause, KeyRefusal, KeyRefusalCause, RuleError};
pub use rules::{
    plan_activate, plan_add_licenses, plan_extend, plan_order, ActivatePlan, AddLicensesPlan,
    ExtendPlan, KeyLine, NewSubscriptionFacts, OrderKind, Plan, SeatDays, SubscriptionFacts,
};
pub use subscription_ref::SubscriptionRef;
pub use term::{Term, TermError};
pub use webhook::{DeliveryState, EventType, WebhookEvent, WebhookSecret};
pub use webhook_target::{PrivateTargets, Reach};

/// Most keys one order may hold (README, "The rules": more than 10 keys are refused).
pub const MAX_KEYS_PER_ORDER: usize = 10;
