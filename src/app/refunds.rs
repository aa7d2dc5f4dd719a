//! Taking back what was sold: reversing redeemed keys (a refund).
//!
//! Each key is reversed in a transaction of its own: the key `reversed`, its subscription
//! loses exactly what the key gave (seats never below 0; the end date moves back by its
//! days), the newest licenses released while seats fall below those assigned (reason
//! `reversed`, roles through the queue), the `reversal` ledger entry, the team channel's
//! notice and the `redemption.reversed` webhook event, all committed together or not at all.
//!
//! Suspending a subscription (a chargeback, a dispute, an unpaid invoice) and resuming it:
//! while suspended its state is `suspended` whatever its end date says; it grants no access
//! (the roles go through the queue; the licenses stay), nothing is redeemed on it or
//! assigned from it. Both are idempotent and announce a change once: a neutral notice and
//! `subscription.state_changed`.

use anyhow::bail;
use chrono::{DateTime, Utc};
use tracing::instrument;

use super::{
    catalogue::parse_keys_to_revoke, orders::lock_subscription, App, AppError, InputError,
    UserError,
};
use crate::domain::{
    after_reversal,
    records::{GuildId, KeyState, StoredKey, Subscription, UserId},
    text::hidden,
    webhook::{EventSubscription, ReversalFacts},
    KeyDigest, KeyTail, LicenseReason, LifecycleState, LookupState, NoticeBody, NoticeKind,
    ReversalResult, SubscriptionRef, WebhookEvent,
};
use crate::store::{KeyWhereabouts, NewNotice, ReversalEntry, ReversalFilter, ReversalWrite};

/// Most characters a reversal's reason may have.
pub const MAX_REASON_CHARS: usize = 500;

/// What reversing one key came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversedKey {
    pub tail: KeyTail,
    pub result: ReversalResult,
    /// For a key this reversal reversed: the ledger entry, and the members whose licenses
    /// it released.
    pub reversal_id: Option<i64>,
    pub released: Vec<UserId>,
}

impl ReversedKey {
    fn unchanged(tail: KeyTail, result: ReversalResult) -> ReversedKey {
        ReversedKey {
            tail,
            result,
            reversal_id: None,
            released: Vec::new(),
        }
    }
}

/// A reversal's reason: trimmed, at most [`MAX_REASON_CHARS`] characters, no control or
/// invisible characters; empty is none.
fn check_reason(reason: Option<&str>) -> Result<Option<String>, InputError> {
    let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(InputError::invalid(
            "reason",
            format!("a reason has at most {MAX_REASON_CHARS} characters"),
        ));
    }
    // The rule for names people type, without its 100-character limit.
    if reason.chars().any(hidden) {
        return Err(InputError::invalid(
            "reason",
            "a reason holds no control or invisible characters",
        ));
    }
    Ok(Some(reason.to_owned()))
}

/// One key as the shop's lookup tells it; `key` is `None` for an unknown key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLookup {
    pub tail: KeyTail,
    pub state: LookupState,
    pub key: Option<StoredKey>,
    /// Where it went, once redeemed (also for a reversed key).
    pub went_to: Option<KeyWhereabouts>,
}

/// Suspend or resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspension {
    Suspend,
    Resume,
}

/// What suspending or resuming came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspensionChange {
    pub subscription: Subscription,
    /// Its state now: `suspended`, or the lifecycle state it is back in.
    pub state: LifecycleState,
    /// `false`: it was so already, and nothing changed.
    pub changed: bool,
}

impl App {
    /// `POST /v1/keys/lookup`, `licensebot keys show`: what each key is (its state today,
    /// product, seats, term, batch, reference, when it was made) and where it went.
    pub async fn lookup_keys(&self, keys: &[String]) -> anyhow::Result<Vec<KeyLookup>> {
        let asked = parse_keys_to_revoke(keys)?;
        let digests: Vec<KeyDigest> = asked.iter().map(|(d, _)| *d).collect();
        let stored: std::collections::HashMap<KeyDigest, StoredKey> = self
            .store
            .keys_by_digest(&digests)
            .await?
            .into_iter()
            .collect();
        let ids: Vec<i64> = stored.values().map(|k| k.id).collect();
        let mut went = self.store.key_whereabouts(&ids).await?;
        let today = self.clock.today();
        Ok(asked
            .into_iter()
            .map(|(digest, tail)| match stored.get(&digest) {
                None => KeyLookup {
                    tail,
                    state: LookupState::Unknown,
                    key: None,
                    went_to: None,
                },
                Some(key) => KeyLookup {
                    tail,
                    state: LookupState::of(key.state, key.expires_on, today),
                    went_to: went.remove(&key.id),
                    key: Some(key.clone()),
                },
            })
            .collect())
    }

    /// The guild of a subscription named by its id alone (the shop's API); `None` if
    /// there is no such subscription.
    pub async fn subscription_guild(&self, id: i64) -> anyhow::Result<Option<GuildId>> {
        self.store.subscription_guild(id).await
    }

    /// `POST /v1/subscriptions/{id}/suspend|resume`, `licensebot subscriptions
    /// suspend|resume`: suspends or resumes a subscription, in one transaction with its role
    /// changes, its notice and its `subscription.state_changed` event. Idempotent: asked
    /// again, nothing changes and nothing is announced. A deleted subscription cannot be
    /// suspended.
    #[instrument(skip_all, fields(guild = guild.0))]
    pub async fn set_suspension(
        &self,
        guild: GuildId,
        subscription: &SubscriptionRef,
        what: Suspension,
        reason: Option<&str>,
    ) -> Result<SuspensionChange, AppError> {
        let reason = check_reason(reason).map_err(anyhow::Error::new)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(sub) = lock_subscription(&mut tx, guild, subscription).await? else {
            tx.rollback().await?;
            return Err(UserError::SubscriptionNotFound.into());
        };
        let lifecycle = LifecycleState::on(sub.ends_on, now.date_naive(), self.settings.periods());
        let changed = match what {
            Suspension::Suspend if lifecycle == LifecycleState::Deleted => {
                tx.rollback().await?;
                return Err(anyhow::Error::new(InputError::conflict(
                    "subscription",
                    "this subscription is deleted: there is nothing left to suspend",
                ))
                .into());
            }
            Suspension::Suspend => tx.suspend(guild, sub.id, reason.as_deref(), now).await?,
            Suspension::Resume => tx.resume(sub.id).await?,
        };
        let state = match what {
            Suspension::Suspend => LifecycleState::Suspended,
            Suspension::Resume => lifecycle,
        };
        if changed {
            // The holders' roles follow: taken away while suspended, given back on resume
            // when the lifecycle grants access.
            self.follow_redemption_in(&mut tx, guild, sub.id, now)
                .await?;
            let suspended = what == Suspension::Suspend;
            tx.enqueue_notice(&NewNotice {
                guild,
                dedupe_key: format!(
                    "suspension:{}:{}:{}",
                    sub.id,
                    now.timestamp_micros(),
                    if suspended { "suspended" } else { "resumed" }
                ),
                kind: NoticeKind::Lifecycle,
                body: NoticeBody::Suspension {
                    subscription: sub.name.clone(),
                    suspended,
                }
                .to_json(),
            })
            .await?;
            tx.record_events(&[WebhookEvent::subscription_suspension(
                &sub,
                state,
                reason.as_deref(),
                now,
            )])
            .await?;
        }
        tx.commit().await?;
        if changed {
            tracing::info!(
                subscription = sub.id,
                state = state.as_str(),
                "suspension changed"
            );
        }
        Ok(SuspensionChange {
            subscription: sub,
            state,
            changed,
        })
    }

    /// Reversals in the ledger (`/redemptions`, `redemptions list`, `GET /v1/reversals`).
    pub async fn list_reversals(
        &self,
        filter: ReversalFilter,
    ) -> anyhow::Result<Vec<ReversalEntry>> {
        self.store.list_reversals(filter).await
    }

    /// `POST /v1/keys/reverse`, `licensebot keys reverse`: reverses a batch's keys, or keys
    /// by their text, each in a transaction of its own, and says for each what it came to:
    /// `reversed`, `already_reversed`, `not_redeemed` (an unused key is revoked, not
    /// reversed: nothing changes) or `unknown`.
    #[instrument(skip_all)]
    pub async fn reverse_keys(
        &self,
        batch: Option<&str>,
        keys: &[String],
        reason: Option<&str>,
    ) -> anyhow::Result<Vec<ReversedKey>> {
        let reason = check_reason(reason)?;
        let asked = match (batch, keys.is_empty()) {
            (Some(batch), true) => self.store.batch_digests(batch.trim()).await?,
            (None, false) => parse_keys_to_revoke(keys)?,
            _ => bail!("give either --batch LABEL or one or more keys"),
        };
        let mut results = Vec::with_capacity(asked.len());
        for (digest, tail) in asked {
            results.push(self.reverse_key(&digest, tail, reason.as_deref()).await?);
        }
        let reversed = results
            .iter()
            .filter(|r| r.result == ReversalResult::Reversed)
            .count();
        if reversed > 0 {
            tracing::info!(keys = reversed, "keys reversed");
        }
        Ok(results)
    }

    /// Reverses one key, in one transaction.
    async fn reverse_key(
        &self,
        digest: &KeyDigest,
        tail: KeyTail,
        reason: Option<&str>,
    ) -> anyhow::Result<ReversedKey> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let Some(found) = tx.key_for_reversal(digest).await? else {
            tx.rollback().await?;
            return Ok(ReversedKey::unchanged(tail, ReversalResult::Unknown));
        };
        let (redeemed, result) = match (found.state, found.redeemed) {
            (KeyState::Reversed, _) => (None, ReversalResult::AlreadyReversed),
            (KeyState::Redeemed, Some(into)) => (Some(into), ReversalResult::Reversed),
            // Unused, revoked, or (never) redeemed without a ledger entry.
            _ => (None, ReversalResult::NotRedeemed),
        };
        let Some(into) = redeemed else {
            tx.rollback().await?;
            return Ok(ReversedKey::unchanged(tail, result));
        };
        // The store's lock order: the subscription, then the key.
        let Some(sub) = tx
            .lock_subscription(into.guild, into.subscription_id)
            .await?
        else {
            bail!("a redeemed key's subscription is missing");
        };
        match tx.lock_key_state(found.id).await? {
            Some(KeyState::Redeemed) => {}
            // Reversed by another request meanwhile.
            Some(KeyState::Reversed) => {
                tx.rollback().await?;
                return Ok(ReversedKey::unchanged(
                    tail,
                    ReversalResult::AlreadyReversed,
                ));
            }
            _ => bail!("a redeemed key changed state under lock"),
        }
        let (seats_after, ends_after) = after_reversal(sub.seats, sub.ends_on, into.gift);
        tx.apply_reversal(sub.guild, sub.id, found.id, seats_after, ends_after, now)
            .await?;
        let after = Subscription {
            seats: seats_after,
            ends_on: ends_after,
            ..sub.clone()
        };
        let released = self.release_beyond_seats(&mut tx, &after, now).await?;
        // The end date moving back may end access (a subscription disabled again).
        self.follow_redemption_in(&mut tx, sub.guild, sub.id, now)
            .await?;
        let notice = NoticeBody::Reversal {
            subscription: sub.name.clone(),
            tail: tail.as_str().to_owned(),
            seats_before: sub.seats,
            seats_after,
            ends_before: sub.ends_on,
            ends_after,
            released: released.iter().map(|u| u.0).collect(),
        };
        let reversal_id = tx
            .record_reversal(
                &ReversalWrite {
                    guild: sub.guild,
                    subscription_id: sub.id,
                    redemption_id: into.redemption_id,
                    key_id: found.id,
                    tail: tail.clone(),
                    reason: reason.map(str::to_owned),
                    seats_before: sub.seats,
                    seats_after,
                    ends_before: sub.ends_on,
                    ends_after,
                    released: released.clone(),
                    notice: notice.to_json(),
                },
                now,
            )
            .await?;
        let facts = ReversalFacts {
            reversal_id,
            redemption_id: into.redemption_id,
            guild: sub.guild,
            subscription: EventSubscription {
                id: sub.id,
                name: sub.name.clone(),
                product: sub.product.sku.clone(),
            },
            tail: tail.clone(),
            seats: found.seats,
            term: found.term,
            batch: found.batch.clone(),
            reference_of_key: found.reference.clone(),
            reason: reason.map(str::to_owned),
            seats_before: sub.seats,
            seats_after,
            ends_before: sub.ends_on,
            ends_after,
            released: released.clone(),
        };
        tx.record_events(&[WebhookEvent::redemption_reversed(&facts, now)])
            .await?;
        tx.commit().await?;
        tracing::info!(
            reversal = reversal_id,
            subscription = sub.id,
            released = released.len(),
            "key reversed"
        );
        Ok(ReversedKey {
            tail,
            result: ReversalResult::Reversed,
            reversal_id: Some(reversal_id),
            released,
        })
    }

    /// Releases the most recently assigned licenses of `sub` (locked in `tx`, with its new
    /// seats) until the assigned fit its seats; returns whom, newest first.
    async fn release_beyond_seats(
        &self,
        tx: &mut crate::store::OrderTx,
        sub: &Subscription,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<UserId>> {
        let assigned = tx.assigned_count(sub.id).await?;
        let excess = assigned - sub.seats;
        if excess <= 0 {
            return Ok(Vec::new());
        }
        let members = tx.newest_holders(sub.id, excess).await?;
        for member in &members {
            self.unassign_in(tx, sub, *member, None, LicenseReason::Reversed, now)
                .await?;
        }
        Ok(members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_and_bounded() {
        assert_eq!(check_reason(Some("  ")).unwrap(), None);
        assert_eq!(
            check_reason(Some(" refund #42 ")).unwrap().as_deref(),
            Some("refund #42")
        );
        assert!(check_reason(Some(&"x".repeat(501))).is_err());
        assert!(check_reason(Some("a\u{202e}b")).is_err());
    }
}
