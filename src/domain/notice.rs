//! Notices for a guild's team channel: what kind each is.

use super::names::names;

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
}

names!(NoticeKind, "notice kind" {
    Redemption => "redemption",
    Lifecycle => "lifecycle",
    Lockout => "lockout",
});
