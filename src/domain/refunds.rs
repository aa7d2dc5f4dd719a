//! Taking back what was sold (PRODUCT.md): what each key of a redemption gave its
//! subscription, and what reversing one key does to it.

use chrono::{Days, NaiveDate};

use super::{names::names, rules::Plan};

/// What one redeemed key gave its subscription: the seats it added (add-licenses and
/// activate; 0 for extend) and the days it added (its share of the pooled seat-time; 0 for
/// add-licenses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyGift {
    pub seats: i64,
    pub days: i64,
}

/// What each key of an order redeemed as `plan` gives, in the order's key order. The days of
/// the keys add up to the days the redemption adds.
pub fn key_gifts(plan: &Plan, key_seats: &[i64]) -> Vec<KeyGift> {
    match plan {
        Plan::AddLicenses(_) => key_seats
            .iter()
            .map(|seats| KeyGift {
                seats: *seats,
                days: 0,
            })
            .collect(),
        Plan::Extend(p) => {
            let weights: Vec<i64> = p.parts.iter().map(|part| part.seats * part.days).collect();
            share_days(p.days, &weights)
                .into_iter()
                .map(|days| KeyGift { seats: 0, days })
                .collect()
        }
        Plan::Activate(p) => {
            let weights: Vec<i64> = p.parts.iter().map(|part| part.seats * part.days).collect();
            share_days(p.days, &weights)
                .into_iter()
                .zip(&p.parts)
                .map(|(days, part)| KeyGift {
                    seats: part.seats,
                    days,
                })
                .collect()
        }
    }
}

/// Shares `total` days out over keys in proportion to their `weights` (seats × days of each
/// key's term): each gets its share rounded down, and the days left over go one each to the
/// keys with the largest remainders, ties to the earlier key. The shares add up to `total`
/// (when some weight is positive). The migration that filled past redemptions
/// (`20261208000400`) applies the same rule in SQL.
pub fn share_days(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w).max(0)).sum();
    if sum == 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let total = i128::from(total);
    let mut shares: Vec<(usize, i128, i128)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let scaled = total * i128::from(*w).max(0);
            (i, scaled / sum, scaled % sum)
        })
        .collect();
    let given: i128 = shares.iter().map(|(_, floor, _)| floor).sum();
    let left_over = usize::try_from(total - given).unwrap_or(0);
    let mut by_remainder: Vec<usize> = (0..shares.len()).collect();
    by_remainder.sort_by(|a, b| shares[*b].2.cmp(&shares[*a].2).then(a.cmp(b)));
    for i in by_remainder.into_iter().take(left_over) {
        shares[i].1 += 1;
    }
    shares
        .into_iter()
        .map(|(_, days, _)| i64::try_from(days).unwrap_or(i64::MAX))
        .collect()
}

/// A subscription's seats and end date after one key's gift is taken back: seats never
/// below 0, the end date moved back by the key's days.
pub fn after_reversal(seats: i64, ends_on: NaiveDate, gift: KeyGift) -> (i64, NaiveDate) {
    let seats = (seats - gift.seats).max(0);
    let ends_on = u64::try_from(gift.days)
        .ok()
        .and_then(|days| ends_on.checked_sub_days(Days::new(days)))
        .unwrap_or(ends_on);
    (seats, ends_on)
}

/// What reversing one key came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReversalResult {
    /// This reversal took back what the key gave.
    Reversed,
    /// The key was reversed before: nothing changed.
    AlreadyReversed,
    /// The key was never redeemed (an unused key is revoked, not reversed): nothing changed.
    NotRedeemed,
    /// No such key.
    Unknown,
}

names!(ReversalResult, "reversal result" {
    Reversed => "reversed",
    AlreadyReversed => "already_reversed",
    NotRedeemed => "not_redeemed",
    Unknown => "unknown",
});

/// What a key is, as the shop's lookup tells it (`POST /v1/keys/lookup`, `keys show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupState {
    /// Never redeemed, and redeemable (not past its expiry).
    Unused,
    Redeemed,
    /// Redeemed, then taken back.
    Reversed,
    Revoked,
    /// Never redeemed, and past its expiry.
    Expired,
    /// No such key.
    Unknown,
}

names!(LookupState, "key lookup state" {
    Unused => "unused",
    Redeemed => "redeemed",
    Reversed => "reversed",
    Revoked => "revoked",
    Expired => "expired",
    Unknown => "unknown",
});

impl LookupState {
    /// A stored key's state on `today`.
    pub fn of(
        state: super::records::KeyState,
        expires_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> LookupState {
        use super::records::KeyState;
        match state {
            KeyState::Available if expires_on.is_some_and(|last| last < today) => {
                LookupState::Expired
            }
            KeyState::Available => LookupState::Unused,
            KeyState::Redeemed => LookupState::Redeemed,
            KeyState::Reversed => LookupState::Reversed,
            KeyState::Revoked => LookupState::Revoked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_total_and_follow_the_weights() {
        assert_eq!(share_days(31, &[1095, 60]), [29, 2]);
        assert_eq!(share_days(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(share_days(0, &[5, 5]), [0, 0]);
        assert_eq!(share_days(7, &[0, 0]), [0, 0]);
    }

    #[test]
    fn a_reversal_never_takes_seats_below_zero() {
        let ends: NaiveDate = "2027-01-31".parse().unwrap();
        assert_eq!(
            after_reversal(3, ends, KeyGift { seats: 5, days: 0 }),
            (0, ends)
        );
        assert_eq!(
            after_reversal(3, ends, KeyGift { seats: 0, days: 31 }),
            (3, "2026-12-31".parse().unwrap())
        );
    }

    #[test]
    fn an_unused_key_past_its_expiry_looks_up_as_expired_and_the_others_as_stored() {
        use crate::domain::records::KeyState;
        let today: NaiveDate = "2026-11-29".parse().unwrap();
        let yesterday = Some("2026-11-28".parse().unwrap());
        assert_eq!(
            LookupState::of(KeyState::Available, yesterday, today),
            LookupState::Expired
        );
        assert_eq!(
            LookupState::of(KeyState::Available, Some(today), today),
            LookupState::Unused
        );
        assert_eq!(
            LookupState::of(KeyState::Redeemed, yesterday, today),
            LookupState::Redeemed
        );
        assert_eq!(
            LookupState::of(KeyState::Reversed, None, today),
            LookupState::Reversed
        );
        assert_eq!(
            LookupState::of(KeyState::Revoked, None, today),
            LookupState::Revoked
        );
    }

    mod proptests {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn the_shares_of_one_redemption_add_up_to_its_days(
                total in 0i64..100_000,
                weights in proptest::collection::vec(1i64..10_000_000, 1..10),
            ) {
                let shares = share_days(total, &weights);
                prop_assert_eq!(shares.iter().sum::<i64>(), total);
                prop_assert!(shares.iter().all(|s| *s >= 0));
            }
        }
    }
}
