//! A subscription's lifecycle, counted from its end date.

use chrono::{Days, NaiveDate};

use super::names::names;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LifecycleState {
    /// Up to and including the end date.
    Active,
    /// The `expired_days` days after the end date (users keep access).
    Expired,
    /// The `disabled_days` days after that.
    Disabled,
    /// Afterwards: nothing can be redeemed on it.
    Deleted,
    /// Set by the vendor (a chargeback, an unpaid invoice), over whichever of the others
    /// the end date gives: no access, no redemption, no assignment until resumed. Never
    /// returned by [`LifecycleState::on`]; see [`LifecycleState::of`].
    Suspended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct LifecyclePeriods {
    pub expired_days: u32,
    pub disabled_days: u32,
}

impl Default for LifecyclePeriods {
    fn default() -> Self {
        LifecyclePeriods {
            expired_days: 30,
            disabled_days: 90,
        }
    }
}

impl LifecycleState {
    /// The state a subscription shows: `suspended` while the vendor suspends it, else its
    /// lifecycle state on `today`.
    pub fn of(
        ends_on: NaiveDate,
        suspended: bool,
        today: NaiveDate,
        periods: LifecyclePeriods,
    ) -> LifecycleState {
        if suspended {
            LifecycleState::Suspended
        } else {
            LifecycleState::on(ends_on, today, periods)
        }
    }

    pub fn on(ends_on: NaiveDate, today: NaiveDate, periods: LifecyclePeriods) -> LifecycleState {
        if today <= ends_on {
            return LifecycleState::Active;
        }
        // At least 1 here; the periods are u32, so their sum cannot overflow an i64.
        let days_after = (today - ends_on).num_days();
        let expired_until = i64::from(periods.expired_days);
        let disabled_until = expired_until + i64::from(periods.disabled_days);
        if days_after <= expired_until {
            LifecycleState::Expired
        } else if days_after <= disabled_until {
            LifecycleState::Disabled
        } else {
            LifecycleState::Deleted
        }
    }

    /// The first day of each later state: (Expired, ends_on+1), (Disabled, …), (Deleted, …).
    /// A period of 0 days gives the next state the same first day. Dates past the end of
    /// chrono's calendar (year 262143) are clamped to its last day.
    pub fn transitions(
        ends_on: NaiveDate,
        periods: LifecyclePeriods,
    ) -> [(LifecycleState, NaiveDate); 3] {
        let after = |days: u64| {
            ends_on
                .checked_add_days(Days::new(days))
                .unwrap_or(NaiveDate::MAX)
        };
        let expired = 1;
        let disabled = expired + u64::from(periods.expired_days);
        let deleted = disabled + u64::from(periods.disabled_days);
        [
            (LifecycleState::Expired, after(expired)),
            (LifecycleState::Disabled, after(disabled)),
            (LifecycleState::Deleted, after(deleted)),
        ]
    }
}

names!(LifecycleState, "lifecycle state" {
    Active => "active",
    Expired => "expired",
    Disabled => "disabled",
    Deleted => "deleted",
    Suspended => "suspended",
});

#[cfg(test)]
mod tests {
    use super::*;
    use LifecycleState::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a valid test date")
    }

    fn state_after(ends_on: NaiveDate, days: i64) -> LifecycleState {
        let today = ends_on + chrono::Duration::days(days);
        LifecycleState::on(ends_on, today, LifecyclePeriods::default())
    }

    #[test]
    fn the_default_periods_are_30_and_90_days() {
        assert_eq!(
            LifecyclePeriods::default(),
            LifecyclePeriods {
                expired_days: 30,
                disabled_days: 90
            }
        );
    }

    #[test]
    fn lifecycle_boundaries_follow_the_end_date() {
        let ends_on = date("2026-01-31");
        assert_eq!(state_after(ends_on, -365), Active);
        assert_eq!(
            state_after(ends_on, 0),
            Active,
            "the end date itself is active"
        );
        assert_eq!(state_after(ends_on, 1), Expired);
        assert_eq!(state_after(ends_on, 30), Expired);
        assert_eq!(state_after(ends_on, 31), Disabled);
        assert_eq!(state_after(ends_on, 120), Disabled);
        assert_eq!(state_after(ends_on, 121), Deleted);
        assert_eq!(state_after(ends_on, 10_000), Deleted);
    }

    #[test]
    fn transitions_are_the_first_day_of_each_later_state() {
        let ends_on = date("2026-01-31");
        let periods = LifecyclePeriods::default();
        let transitions = LifecycleState::transitions(ends_on, periods);
        assert_eq!(
            transitions,
            [
                (Expired, date("2026-02-01")),
                (Disabled, date("2026-03-03")),
                (Deleted, date("2026-06-01")),
            ]
        );
        let mut before = Active;
        for (state, first_day) in transitions {
            assert_eq!(LifecycleState::on(ends_on, first_day, periods), state);
            assert_eq!(
                LifecycleState::on(ends_on, first_day.pred_opt().expect("in range"), periods),
                before
            );
            before = state;
        }
    }

    #[test]
    fn configured_periods_move_the_boundaries() {
        let ends_on = date("2026-01-31");
        let periods = LifecyclePeriods {
            expired_days: 7,
            disabled_days: 14,
        };
        let on =
            |days| LifecycleState::on(ends_on, ends_on + chrono::Duration::days(days), periods);
        assert_eq!(on(7), Expired);
        assert_eq!(on(8), Disabled);
        assert_eq!(on(21), Disabled);
        assert_eq!(on(22), Deleted);
    }

    #[test]
    fn a_zero_period_skips_its_state() {
        let ends_on = date("2026-01-31");
        let periods = LifecyclePeriods {
            expired_days: 0,
            disabled_days: 0,
        };
        assert_eq!(LifecycleState::on(ends_on, ends_on, periods), Active);
        assert_eq!(
            LifecycleState::on(ends_on, date("2026-02-01"), periods),
            Deleted
        );
        let days: Vec<NaiveDate> = LifecycleState::transitions(ends_on, periods)
            .iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(days, vec![date("2026-02-01"); 3]);
    }

    #[test]
    fn transitions_at_the_end_of_the_calendar_do_not_panic() {
        let periods = LifecyclePeriods {
            expired_days: u32::MAX,
            disabled_days: u32::MAX,
        };
        let transitions = LifecycleState::transitions(NaiveDate::MAX, periods);
        assert!(transitions.iter().all(|(_, day)| *day == NaiveDate::MAX));
        assert_eq!(
            LifecycleState::on(NaiveDate::MIN, NaiveDate::MAX, periods),
            // The whole calendar is shorter than u32::MAX days.
            Expired
        );
    }

    #[test]
    fn states_have_stable_lower_case_names() {
        let names: Vec<&str> = [Active, Expired, Disabled, Deleted]
            .map(LifecycleState::as_str)
            .to_vec();
        assert_eq!(names, ["active", "expired", "disabled", "deleted"]);
    }
}
