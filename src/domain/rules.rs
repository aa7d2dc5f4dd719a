//! The add-licenses, extend and activate arithmetic (the README's "The rules, with worked
//! examples" and its section on /activate).

use chrono::{Days, NaiveDate};

use super::{
    lifecycle::{LifecyclePeriods, LifecycleState},
    names::names,
    records::{OrderKey, Subject, Subscription},
    refusal::RuleError,
    term::Term,
    MAX_KEYS_PER_ORDER,
};

/// What an order does to its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderKind {
    AddLicenses,
    Extend,
    /// A new subscription, started by the order's keys.
    Activate,
}

names!(OrderKind, "order kind" {
    AddLicenses => "add-licenses",
    Extend => "extend",
    Activate => "activate",
});

/// What the rules need to know of a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionFacts {
    pub name: String,
    pub product_name: String,
    pub seats: i64,
    pub ends_on: NaiveDate,
    pub max_seats: Option<i64>,
}

impl From<&Subscription> for SubscriptionFacts {
    fn from(sub: &Subscription) -> SubscriptionFacts {
        SubscriptionFacts {
            name: sub.name.clone(),
            product_name: sub.product.name.clone(),
            seats: sub.seats,
            ends_on: sub.ends_on,
            max_seats: sub.product.max_seats,
        }
    }
}

/// What the rules need to know of the subscription an activation would start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubscriptionFacts {
    pub name: String,
    pub product_name: String,
    pub max_seats: Option<i64>,
}

/// What the rules need to know of a key in an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyLine {
    pub seats: i64,
    pub term: Term,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddLicensesPlan {
    pub seats_before: i64,
    pub seats_after: i64,
    pub ends_on: NaiveDate,
    /// Some key's own term, counted from today, reaches past the end date: the review
    /// says the licenses co-term and suggests /extend.
    pub term_reaches_past_end: bool,
}

/// One key's contribution to an extension: seats × days of its term from the base date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatDays {
    pub seats: i64,
    pub term: Term,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendPlan {
    pub ends_before: NaiveDate,
    /// The date the extension counts from: the end date, or today when `disabled`.
    pub base: NaiveDate,
    pub base_is_today: bool,
    pub parts: Vec<SeatDays>,
    /// Σ seats × days.
    pub seat_days: i64,
    /// The subscription's seats (the divisor).
    pub seats: i64,
    /// floor(seat_days / seats).
    pub days: i64,
    pub ends_after: NaiveDate,
}

/// A new subscription started by keys: its seats are the keys' seats, its term their
/// pooled seat-time counted from today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivatePlan {
    /// Σ key seats: the new subscription's seats, and the divisor of the seat-time.
    pub seats: i64,
    /// Today: the date the terms count from.
    pub starts_on: NaiveDate,
    pub parts: Vec<SeatDays>,
    /// Σ seats × days.
    pub seat_days: i64,
    /// floor(seat_days / seats).
    pub days: i64,
    /// starts_on + days.
    pub ends_on: NaiveDate,
}

impl ActivatePlan {
    /// The one term every key has, if they share one: then the subscription runs exactly
    /// that calendar term, and the review needs no arithmetic.
    pub fn single_term(&self) -> Option<Term> {
        let first = self.parts.first()?.term;
        self.parts
            .iter()
            .all(|part| part.term == first)
            .then_some(first)
    }
}

/// What redeeming an order would do, by its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    AddLicenses(AddLicensesPlan),
    Extend(ExtendPlan),
    Activate(ActivatePlan),
}

impl Plan {
    /// The subscription's seats before the order is redeemed; none before an activation.
    pub fn seats_before(&self) -> Option<i64> {
        match self {
            Plan::AddLicenses(p) => Some(p.seats_before),
            Plan::Extend(p) => Some(p.seats),
            Plan::Activate(_) => None,
        }
    }

    /// The subscription's seats once the order is redeemed.
    pub fn seats_after(&self) -> i64 {
        match self {
            Plan::AddLicenses(p) => p.seats_after,
            Plan::Extend(p) => p.seats,
            Plan::Activate(p) => p.seats,
        }
    }

    /// The subscription's end date before the order is redeemed; none before an
    /// activation.
    pub fn ends_before(&self) -> Option<NaiveDate> {
        match self {
            Plan::AddLicenses(p) => Some(p.ends_on),
            Plan::Extend(p) => Some(p.ends_before),
            Plan::Activate(_) => None,
        }
    }

    /// The subscription's end date once the order is redeemed.
    pub fn ends_after(&self) -> NaiveDate {
        match self {
            Plan::AddLicenses(p) => p.ends_on,
            Plan::Extend(p) => p.ends_after,
            Plan::Activate(p) => p.ends_on,
        }
    }
}

/// The plan of an order of `kind` with these keys for `subject` today: the one place an
/// order kind picks its rule.
pub fn plan_order(
    kind: OrderKind,
    subject: &Subject,
    keys: &[OrderKey],
    today: NaiveDate,
    periods: LifecyclePeriods,
) -> Result<Plan, RuleError> {
    let keys: Vec<KeyLine> = keys
        .iter()
        .map(|k| KeyLine {
            seats: k.key.seats,
            term: k.key.term,
        })
        .collect();
    Ok(match (kind, subject) {
        (OrderKind::AddLicenses, Subject::Existing(sub)) => Plan::AddLicenses(plan_add_licenses(
            &SubscriptionFacts::from(sub),
            &keys,
            today,
            periods,
        )?),
        (OrderKind::Extend, Subject::Existing(sub)) => Plan::Extend(plan_extend(
            &SubscriptionFacts::from(sub),
            &keys,
            today,
            periods,
        )?),
        (OrderKind::Activate, Subject::New { name, product }) => {
            let facts = NewSubscriptionFacts {
                name: name.clone(),
                product_name: product.name.clone(),
                max_seats: product.max_seats,
            };
            Plan::Activate(plan_activate(&facts, &keys, today)?)
        }
        (kind, Subject::Existing(_) | Subject::New { .. }) => {
            return Err(RuleError::KindMismatch { kind })
        }
    })
}

/// add-licenses: the subscription must be active; seats grow by Σ key seats, the end
/// date stays; refused past the product's seat cap.
pub fn plan_add_licenses(
    sub: &SubscriptionFacts,
    keys: &[KeyLine],
    today: NaiveDate,
    periods: LifecyclePeriods,
) -> Result<AddLicensesPlan, RuleError> {
    check_key_count(keys)?;
    let state = LifecycleState::on(sub.ends_on, today, periods);
    if state != LifecycleState::Active {
        return Err(RuleError::WrongState {
            state,
            kind: OrderKind::AddLicenses,
        });
    }
    let seats_after = keys
        .iter()
        .try_fold(sub.seats, |seats, key| seats.checked_add(key.seats))
        .ok_or(RuleError::OutOfRange)?;
    if let Some(max) = sub.max_seats {
        if seats_after > max {
            return Err(RuleError::SeatCap {
                subscription: sub.name.clone(),
                product: sub.product_name.clone(),
                would_have: seats_after,
                max,
            });
        }
    }
    let mut term_reaches_past_end = false;
    for key in keys {
        let key_ends = key.term.add_to(today).ok_or(RuleError::OutOfRange)?;
        term_reaches_past_end |= key_ends > sub.ends_on;
    }
    Ok(AddLicensesPlan {
        seats_before: sub.seats,
        seats_after,
        ends_on: sub.ends_on,
        term_reaches_past_end,
    })
}

/// extend: the subscription must be active, expired or disabled; seat-time is pooled:
/// days = floor(Σ seats_k × days(term_k from base) / subscription seats).
pub fn plan_extend(
    sub: &SubscriptionFacts,
    keys: &[KeyLine],
    today: NaiveDate,
    periods: LifecyclePeriods,
) -> Result<ExtendPlan, RuleError> {
    check_key_count(keys)?;
    let state = LifecycleState::on(sub.ends_on, today, periods);
    let base_is_today = match state {
        LifecycleState::Active | LifecycleState::Expired => false,
        LifecycleState::Disabled => true,
        // Suspended is never a lifecycle state of a date; the app refuses it first.
        LifecycleState::Deleted | LifecycleState::Suspended => {
            return Err(RuleError::WrongState {
                state,
                kind: OrderKind::Extend,
            });
        }
    };
    let base = if base_is_today { today } else { sub.ends_on };
    let pooled = pool_seat_time(keys, base, sub.seats)?;
    Ok(ExtendPlan {
        ends_before: sub.ends_on,
        base,
        base_is_today,
        parts: pooled.parts,
        seat_days: pooled.seat_days,
        seats: sub.seats,
        days: pooled.days,
        ends_after: pooled.ends_on,
    })
}

/// activate: all keys for one product, within its seat cap; seats = Σ key seats; the
/// end date is today + the pooled term:
/// days = floor(Σ seats_k × days(term_k from today) / Σ seats_k).
/// Keys of one term give exactly that calendar term.
pub fn plan_activate(
    new: &NewSubscriptionFacts,
    keys: &[KeyLine],
    today: NaiveDate,
) -> Result<ActivatePlan, RuleError> {
    check_key_count(keys)?;
    let seats = keys
        .iter()
        .try_fold(0i64, |seats, key| seats.checked_add(key.seats))
        .ok_or(RuleError::OutOfRange)?;
    if let Some(max) = new.max_seats {
        if seats > max {
            return Err(RuleError::SeatCap {
                subscription: new.name.clone(),
                product: new.product_name.clone(),
                would_have: seats,
                max,
            });
        }
    }
    let pooled = pool_seat_time(keys, today, seats)?;
    Ok(ActivatePlan {
        seats,
        starts_on: today,
        parts: pooled.parts,
        seat_days: pooled.seat_days,
        days: pooled.days,
        ends_on: pooled.ends_on,
    })
}

/// The keys' seat-time counted from `base`, shared out over `seats`.
struct PooledSeatTime {
    parts: Vec<SeatDays>,
    seat_days: i64,
    days: i64,
    ends_on: NaiveDate,
}

/// Pools the keys' seat-time from `base` over `seats`: floor(Σ seats_k × days(term_k
/// from base) / seats) days, at least one, from `base`.
fn pool_seat_time(
    keys: &[KeyLine],
    base: NaiveDate,
    seats: i64,
) -> Result<PooledSeatTime, RuleError> {
    let parts = keys
        .iter()
        .map(|key| {
            let days = key.term.days_from(base).ok_or(RuleError::OutOfRange)?;
            Ok(SeatDays {
                seats: key.seats,
                term: key.term,
                days,
            })
        })
        .collect::<Result<Vec<_>, RuleError>>()?;
    let seat_days = parts
        .iter()
        .try_fold(0i64, |sum, part| {
            sum.checked_add(part.seats.checked_mul(part.days)?)
        })
        .ok_or(RuleError::OutOfRange)?;

    // A subscription always has seats; without any, seat-time cannot be shared out.
    if seats < 1 {
        return Err(RuleError::OutOfRange);
    }
    // Floor division (both operands are positive for real keys and subscriptions).
    let days = seat_days.div_euclid(seats);
    if days < 1 {
        return Err(RuleError::LessThanOneDay);
    }
    let ends_on = u64::try_from(days)
        .ok()
        .and_then(|days| base.checked_add_days(Days::new(days)))
        .ok_or(RuleError::OutOfRange)?;
    Ok(PooledSeatTime {
        parts,
        seat_days,
        days,
        ends_on,
    })
}

/// An order holds between 1 and [`MAX_KEYS_PER_ORDER`] keys.
fn check_key_count(keys: &[KeyLine]) -> Result<(), RuleError> {
    if keys.is_empty() {
        Err(RuleError::NoKeys)
    } else if keys.len() > MAX_KEYS_PER_ORDER {
        Err(RuleError::TooManyKeys {
            max: MAX_KEYS_PER_ORDER,
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a valid test date")
    }

    fn sub(seats: i64, ends_on: &str) -> SubscriptionFacts {
        SubscriptionFacts {
            name: "Contoso".into(),
            product_name: "Business Standard".into(),
            seats,
            ends_on: date(ends_on),
            max_seats: None,
        }
    }

    fn keys(count: usize, seats: i64, term: &str) -> Vec<KeyLine> {
        let term = term.parse().expect("a valid test term");
        vec![KeyLine { seats, term }; count]
    }

    fn periods() -> LifecyclePeriods {
        LifecyclePeriods::default()
    }

    #[test]
    fn extend_by_keys_that_cover_all_seats_with_one_term_adds_exactly_that_term() {
        let sub = sub(50, "2026-01-31");
        let plan = plan_extend(&sub, &keys(2, 25, "12m"), date("2026-01-10"), periods())
            .expect("an active subscription extends");
        assert_eq!(plan.ends_before, date("2026-01-31"));
        assert_eq!(plan.base, date("2026-01-31"));
        assert!(!plan.base_is_today);
        assert_eq!(
            plan.parts,
            vec![
                SeatDays {
                    seats: 25,
                    term: Term::Months(12),
                    days: 365
                };
                2
            ]
        );
        assert_eq!(plan.seat_days, 50 * 365);
        assert_eq!(plan.seats, 50);
        assert_eq!(plan.days, 365);
        assert_eq!(plan.ends_after, date("2027-01-31"));
    }

    #[test]
    fn extend_pools_seat_time_when_keys_do_not_cover_all_seats() {
        let sub = sub(200, "2026-03-01");
        let plan = plan_extend(&sub, &keys(1, 100, "12m"), date("2026-02-01"), periods())
            .expect("an active subscription extends");
        assert_eq!(
            plan.parts,
            vec![SeatDays {
                seats: 100,
                term: Term::Months(12),
                days: 365
            }]
        );
        assert_eq!(plan.seat_days, 36_500);
        assert_eq!(plan.seats, 200);
        // 36,500 / 200 = 182.5, rounded down.
        assert_eq!(plan.days, 182);
        assert_eq!(plan.ends_after, date("2026-08-30"));
    }

    #[test]
    fn extend_pools_keys_with_different_terms() {
        // 10 seats × 28 days (1m from 31 January 2027) + 5 seats × 30 days = 430 seat-days.
        let sub = sub(10, "2027-01-31");
        let mut lines = keys(1, 10, "1m");
        lines.extend(keys(1, 5, "30d"));
        let plan = plan_extend(&sub, &lines, date("2027-01-01"), periods()).expect("extends");
        assert_eq!(plan.seat_days, 430);
        assert_eq!(plan.days, 43);
        assert_eq!(plan.ends_after, date("2027-03-15"));
    }

    #[test]
    fn extend_from_31_january_by_one_month_covering_all_seats_ends_on_28_february() {
        let sub = sub(10, "2027-01-31");
        let plan =
            plan_extend(&sub, &keys(1, 10, "1m"), date("2027-01-31"), periods()).expect("extends");
        assert_eq!(plan.days, 28);
        assert_eq!(plan.ends_after, date("2027-02-28"));
    }

    #[test]
    fn extend_from_31_january_in_a_leap_year_ends_on_29_february() {
        let sub = sub(10, "2028-01-31");
        let plan =
            plan_extend(&sub, &keys(2, 5, "1m"), date("2028-01-15"), periods()).expect("extends");
        assert_eq!(plan.days, 29);
        assert_eq!(plan.ends_after, date("2028-02-29"));
    }

    #[test]
    fn extend_does_not_change_the_seats() {
        let sub = sub(10, "2026-06-30");
        let plan =
            plan_extend(&sub, &keys(1, 20, "12m"), date("2026-06-01"), periods()).expect("extends");
        assert_eq!(plan.seats, 10);
        // More seats than the subscription has: the extra seat-time lengthens the extension.
        assert_eq!(plan.days, 730);
        assert_eq!(plan.ends_after, date("2028-06-29"));
    }

    #[test]
    fn an_expired_subscription_extends_from_its_end_date() {
        let sub = sub(10, "2026-01-31");
        let today = date("2026-02-20");
        assert_eq!(
            LifecycleState::on(sub.ends_on, today, periods()),
            LifecycleState::Expired
        );
        let plan = plan_extend(&sub, &keys(1, 10, "12m"), today, periods()).expect("extends");
        assert_eq!(plan.base, date("2026-01-31"));
        assert!(!plan.base_is_today);
        assert_eq!(plan.ends_after, date("2027-01-31"));
    }

    #[test]
    fn a_disabled_subscription_extends_from_today() {
        let sub = sub(10, "2026-01-31");
        let today = date("2026-04-15");
        assert_eq!(
            LifecycleState::on(sub.ends_on, today, periods()),
            LifecycleState::Disabled
        );
        let plan = plan_extend(&sub, &keys(1, 10, "12m"), today, periods()).expect("extends");
        assert_eq!(plan.ends_before, date("2026-01-31"));
        assert_eq!(plan.base, today);
        assert!(plan.base_is_today);
        assert_eq!(plan.ends_after, date("2027-04-15"));
    }

    #[test]
    fn a_deleted_subscription_refuses_both_kinds() {
        let sub = sub(10, "2026-01-31");
        let today = date("2026-06-01");
        assert_eq!(
            plan_extend(&sub, &keys(1, 10, "12m"), today, periods()),
            Err(RuleError::WrongState {
                state: LifecycleState::Deleted,
                kind: OrderKind::Extend
            })
        );
        assert_eq!(
            plan_add_licenses(&sub, &keys(1, 10, "12m"), today, periods()),
            Err(RuleError::WrongState {
                state: LifecycleState::Deleted,
                kind: OrderKind::AddLicenses
            })
        );
    }

    #[test]
    fn an_expired_subscription_can_extend_but_not_add_licenses() {
        let sub = sub(10, "2026-01-31");
        let today = date("2026-02-01");
        assert!(plan_extend(&sub, &keys(1, 10, "12m"), today, periods()).is_ok());
        assert_eq!(
            plan_add_licenses(&sub, &keys(1, 10, "12m"), today, periods()),
            Err(RuleError::WrongState {
                state: LifecycleState::Expired,
                kind: OrderKind::AddLicenses
            })
        );
    }

    #[test]
    fn a_disabled_subscription_cannot_add_licenses() {
        let sub = sub(10, "2026-01-31");
        assert_eq!(
            plan_add_licenses(&sub, &keys(1, 10, "12m"), date("2026-05-31"), periods()),
            Err(RuleError::WrongState {
                state: LifecycleState::Disabled,
                kind: OrderKind::AddLicenses
            })
        );
    }

    #[test]
    fn extend_by_less_than_one_day_is_refused() {
        let sub = sub(10, "2026-01-31");
        assert_eq!(
            plan_extend(&sub, &keys(1, 1, "1d"), date("2026-01-01"), periods()),
            Err(RuleError::LessThanOneDay)
        );
        // 10 seat-days on 10 seats is exactly one day.
        let plan = plan_extend(&sub, &keys(1, 10, "1d"), date("2026-01-01"), periods())
            .expect("one day is enough");
        assert_eq!(plan.ends_after, date("2026-02-01"));
    }

    #[test]
    fn add_licenses_adds_the_seats_of_every_key_and_keeps_the_end_date() {
        let sub = sub(10, "2027-01-31");
        let mut lines = keys(2, 5, "12m");
        lines.extend(keys(1, 3, "30d"));
        // 12 months from 15 January 2026 end on 15 January 2027, within the subscription.
        let plan =
            plan_add_licenses(&sub, &lines, date("2026-01-15"), periods()).expect("adds licenses");
        assert_eq!(plan.seats_before, 10);
        assert_eq!(plan.seats_after, 23);
        assert_eq!(plan.ends_on, date("2027-01-31"));
        assert!(!plan.term_reaches_past_end);
    }

    #[test]
    fn add_licenses_flags_a_key_whose_term_reaches_past_the_end_date() {
        let sub = sub(10, "2027-01-31");
        let today = date("2026-03-01");
        let mut lines = keys(1, 5, "30d");
        lines.extend(keys(1, 5, "12m")); // to 2027-03-01
        let plan = plan_add_licenses(&sub, &lines, today, periods()).expect("adds licenses");
        assert_eq!(plan.ends_on, date("2027-01-31"));
        assert!(plan.term_reaches_past_end);
        // Ending on the end date itself does not reach past it.
        let plan =
            plan_add_licenses(&sub, &keys(1, 5, "336d"), today, periods()).expect("adds licenses");
        assert_eq!(Term::Days(336).add_to(today), Some(date("2027-01-31")));
        assert!(!plan.term_reaches_past_end);
    }

    #[test]
    fn add_licenses_on_the_end_date_itself_is_allowed() {
        let sub = sub(10, "2026-01-31");
        let plan = plan_add_licenses(&sub, &keys(1, 5, "1m"), date("2026-01-31"), periods())
            .expect("the end date is still active");
        assert_eq!(plan.seats_after, 15);
        assert!(plan.term_reaches_past_end);
    }

    #[test]
    fn add_licenses_over_the_seat_cap_is_refused_with_the_numbers() {
        let sub = SubscriptionFacts {
            max_seats: Some(300),
            ..sub(250, "2027-01-31")
        };
        assert_eq!(
            plan_add_licenses(&sub, &keys(2, 35, "12m"), date("2026-03-01"), periods()),
            Err(RuleError::SeatCap {
                subscription: "Contoso".into(),
                product: "Business Standard".into(),
                would_have: 320,
                max: 300,
            })
        );
        let err = plan_add_licenses(&sub, &keys(2, 35, "12m"), date("2026-03-01"), periods())
            .expect_err("over the cap");
        assert_eq!(
            err.to_string(),
            "Contoso would have 320 licenses; Business Standard allows at most 300"
        );
    }

    #[test]
    fn add_licenses_up_to_the_seat_cap_is_allowed() {
        let sub = SubscriptionFacts {
            max_seats: Some(300),
            ..sub(250, "2027-01-31")
        };
        let plan = plan_add_licenses(&sub, &keys(2, 25, "12m"), date("2026-03-01"), periods())
            .expect("exactly at the cap");
        assert_eq!(plan.seats_after, 300);
    }

    #[test]
    fn an_order_without_keys_is_refused() {
        let sub = sub(10, "2027-01-31");
        let today = date("2026-03-01");
        assert_eq!(
            plan_add_licenses(&sub, &[], today, periods()),
            Err(RuleError::NoKeys)
        );
        assert_eq!(
            plan_extend(&sub, &[], today, periods()),
            Err(RuleError::NoKeys)
        );
    }

    #[test]
    fn an_order_of_more_than_ten_keys_is_refused() {
        let sub = sub(10, "2027-01-31");
        let today = date("2026-03-01");
        let eleven = keys(11, 1, "12m");
        let too_many = RuleError::TooManyKeys { max: 10 };
        assert_eq!(
            plan_add_licenses(&sub, &eleven, today, periods()),
            Err(too_many.clone())
        );
        assert_eq!(plan_extend(&sub, &eleven, today, periods()), Err(too_many));
        let ten = keys(10, 1, "12m");
        assert!(plan_add_licenses(&sub, &ten, today, periods()).is_ok());
        assert!(plan_extend(&sub, &ten, today, periods()).is_ok());
    }

    #[test]
    fn overflowing_arithmetic_is_refused_as_out_of_range() {
        let today = date("2026-03-01");
        let huge = sub(i64::MAX, "2027-01-31");
        assert_eq!(
            plan_add_licenses(&huge, &keys(1, 1, "12m"), today, periods()),
            Err(RuleError::OutOfRange)
        );
        let sub = sub(10, "2027-01-31");
        assert_eq!(
            plan_extend(&sub, &keys(2, i64::MAX / 2, "12m"), today, periods()),
            Err(RuleError::OutOfRange)
        );
    }

    #[test]
    fn extend_past_the_end_of_the_calendar_is_refused_as_out_of_range() {
        let near_end = NaiveDate::MAX - chrono::Duration::days(10);
        let sub = SubscriptionFacts {
            ends_on: near_end,
            ..sub(10, "2027-01-31")
        };
        assert_eq!(
            plan_extend(&sub, &keys(1, 10, "12m"), date("2026-03-01"), periods()),
            Err(RuleError::OutOfRange)
        );
        assert_eq!(
            plan_add_licenses(&sub, &keys(1, 10, "12m"), near_end, periods()),
            Err(RuleError::OutOfRange)
        );
    }

    #[test]
    fn extend_of_a_subscription_without_seats_is_refused_instead_of_dividing_by_zero() {
        let sub = sub(0, "2027-01-31");
        assert_eq!(
            plan_extend(&sub, &keys(1, 10, "12m"), date("2026-03-01"), periods()),
            Err(RuleError::OutOfRange)
        );
    }

    #[test]
    fn a_plan_says_the_seats_and_end_date_the_subscription_will_have() {
        let today = date("2026-03-01");
        let add = Plan::AddLicenses(
            plan_add_licenses(&sub(10, "2027-01-31"), &keys(1, 5, "12m"), today, periods())
                .expect("adds licenses"),
        );
        assert_eq!(
            (add.seats_after(), add.ends_after()),
            (15, date("2027-01-31"))
        );
        let extend = Plan::Extend(
            plan_extend(
                &sub(10, "2027-01-31"),
                &keys(1, 10, "12m"),
                today,
                periods(),
            )
            .expect("extends"),
        );
        assert_eq!(
            (extend.seats_after(), extend.ends_after()),
            (10, date("2028-01-31"))
        );
    }

    fn new_sub(max_seats: Option<i64>) -> NewSubscriptionFacts {
        NewSubscriptionFacts {
            name: "Contoso".into(),
            product_name: "Business Standard".into(),
            max_seats,
        }
    }

    #[test]
    fn activate_with_keys_of_one_term_runs_exactly_that_calendar_term() {
        let mut lines = keys(1, 20, "12m");
        lines.extend(keys(1, 5, "12m"));
        let plan = plan_activate(&new_sub(Some(300)), &lines, date("2026-11-29"))
            .expect("two keys start a subscription");
        assert_eq!(plan.seats, 25, "seats = Σ key seats");
        assert_eq!(plan.starts_on, date("2026-11-29"));
        assert_eq!(plan.seat_days, 25 * 365);
        assert_eq!(plan.days, 365);
        assert_eq!(plan.ends_on, date("2027-11-29"));
        assert_eq!(plan.single_term(), Some(Term::Months(12)));
    }

    #[test]
    fn activate_on_31_january_for_one_month_ends_on_28_february() {
        let plan =
            plan_activate(&new_sub(None), &keys(3, 4, "1m"), date("2027-01-31")).expect("starts");
        assert_eq!(plan.days, 28);
        assert_eq!(plan.ends_on, date("2027-02-28"));
    }

    #[test]
    fn activate_pools_keys_of_different_terms_and_rounds_down() {
        // 10 seats × 365 days + 5 seats × 30 days = 3,800 license-days over 15 licenses:
        // 253.3 days, rounded down.
        let mut lines = keys(1, 10, "12m");
        lines.extend(keys(1, 5, "30d"));
        let plan = plan_activate(&new_sub(None), &lines, date("2026-11-29")).expect("starts");
        assert_eq!(plan.seats, 15);
        assert_eq!(
            plan.parts,
            vec![
                SeatDays {
                    seats: 10,
                    term: Term::Months(12),
                    days: 365
                },
                SeatDays {
                    seats: 5,
                    term: Term::Days(30),
                    days: 30
                }
            ]
        );
        assert_eq!(plan.seat_days, 3_800);
        assert_eq!(plan.days, 253);
        assert_eq!(plan.ends_on, date("2027-08-09"));
        assert_eq!(plan.single_term(), None, "the terms differ");
    }

    #[test]
    fn activate_past_the_products_seat_cap_is_refused_with_the_numbers() {
        let mut lines = keys(1, 250, "12m");
        lines.extend(keys(1, 70, "12m"));
        assert_eq!(
            plan_activate(&new_sub(Some(300)), &lines, date("2026-11-29")),
            Err(RuleError::SeatCap {
                subscription: "Contoso".into(),
                product: "Business Standard".into(),
                would_have: 320,
                max: 300,
            })
        );
        let at_the_cap = plan_activate(
            &new_sub(Some(300)),
            &keys(2, 150, "12m"),
            date("2026-11-29"),
        )
        .expect("exactly at the cap");
        assert_eq!(at_the_cap.seats, 300);
    }

    #[test]
    fn activate_needs_one_to_ten_keys_and_refuses_overflow() {
        let today = date("2026-11-29");
        assert_eq!(
            plan_activate(&new_sub(None), &[], today),
            Err(RuleError::NoKeys)
        );
        assert_eq!(
            plan_activate(&new_sub(None), &keys(11, 1, "12m"), today),
            Err(RuleError::TooManyKeys { max: 10 })
        );
        assert_eq!(
            plan_activate(&new_sub(None), &keys(2, i64::MAX / 2 + 1, "12m"), today),
            Err(RuleError::OutOfRange)
        );
        let near_end = NaiveDate::MAX - chrono::Duration::days(10);
        assert_eq!(
            plan_activate(&new_sub(None), &keys(1, 1, "12m"), near_end),
            Err(RuleError::OutOfRange)
        );
    }

    #[test]
    fn an_activation_plan_says_the_seats_and_end_date_and_has_no_before() {
        let plan = Plan::Activate(
            plan_activate(&new_sub(None), &keys(1, 25, "12m"), date("2026-11-29")).expect("starts"),
        );
        assert_eq!(plan.seats_before(), None);
        assert_eq!(plan.ends_before(), None);
        assert_eq!(
            (plan.seats_after(), plan.ends_after()),
            (25, date("2027-11-29"))
        );
    }

    #[test]
    fn plan_order_picks_the_rule_of_the_kind_and_refuses_a_kind_that_does_not_fit() {
        use crate::domain::records::{
            GuildId, KeyState, OrderKey, Product, StoredKey, Subscription,
        };
        let product = Product {
            sku: "BUSINESS-STANDARD".into(),
            name: "Business Standard".into(),
            max_seats: Some(300),
        };
        let key = OrderKey {
            position: 1,
            key: StoredKey {
                id: 1,
                tail: crate::domain::KeyTail::new("QRT7W").expect("a tail"),
                product_sku: product.sku.clone(),
                product_name: product.name.clone(),
                seats: 25,
                term: Term::Months(12),
                expires_on: None,
                batch: None,
                reference: None,
                state: KeyState::Available,
                created_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            },
            redeemed_by: None,
        };
        let existing = Subject::Existing(Subscription {
            id: 1,
            guild: GuildId(1),
            product: product.clone(),
            name: "Contoso".into(),
            seats: 25,
            ends_on: date("2027-01-31"),
        });
        let new = Subject::New {
            name: "Fabrikam".into(),
            product,
        };
        let today = date("2026-11-29");
        let plan =
            |kind, subject| plan_order(kind, subject, std::slice::from_ref(&key), today, periods());
        assert!(matches!(
            plan(OrderKind::AddLicenses, &existing),
            Ok(Plan::AddLicenses(_))
        ));
        assert!(matches!(
            plan(OrderKind::Extend, &existing),
            Ok(Plan::Extend(_))
        ));
        assert!(matches!(
            plan(OrderKind::Activate, &new),
            Ok(Plan::Activate(ActivatePlan { seats: 25, .. }))
        ));
        for (kind, subject) in [
            (OrderKind::Activate, &existing),
            (OrderKind::AddLicenses, &new),
            (OrderKind::Extend, &new),
        ] {
            assert_eq!(
                plan(kind, subject),
                Err(RuleError::KindMismatch { kind }),
                "{kind}"
            );
        }
    }

    #[test]
    fn order_kinds_have_stable_names() {
        for kind in [
            OrderKind::AddLicenses,
            OrderKind::Extend,
            OrderKind::Activate,
        ] {
            assert_eq!(kind.as_str().parse(), Ok(kind));
        }
        assert_eq!(
            "Extend".parse::<OrderKind>().ok(),
            None,
            "an unknown spelling is an error"
        );
    }
}
