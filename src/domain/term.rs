//! A key's term: whole months (`12m`) or days (`30d`), counted from a base date.

use chrono::{Days, Months, NaiveDate};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Term {
    Months(u32),
    Days(u32),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a term is a whole number of months or days, like 12m or 30d")]
pub struct TermError;

impl Term {
    /// Longest term in months: a hundred years.
    pub const MAX_MONTHS: u32 = 1200;
    /// Longest term in days: a hundred years of 365 days.
    pub const MAX_DAYS: u32 = 36500;

    /// `base` + this term; months clamp to the end of a shorter month
    /// (2027-01-31 + 1m = 2027-02-28). `None` only past chrono's calendar.
    pub fn add_to(self, base: NaiveDate) -> Option<NaiveDate> {
        match self {
            Term::Months(n) => base.checked_add_months(Months::new(n)),
            Term::Days(n) => base.checked_add_days(Days::new(u64::from(n))),
        }
    }

    /// Days this term covers when counted from `base`.
    pub fn days_from(self, base: NaiveDate) -> Option<i64> {
        Some((self.add_to(base)? - base).num_days())
    }

    /// (count, unit) as stored: unit is `'m'` or `'d'`.
    pub fn parts(self) -> (u32, char) {
        match self {
            Term::Months(n) => (n, 'm'),
            Term::Days(n) => (n, 'd'),
        }
    }

    /// The inverse of [`Term::parts`]: unit `m` or `d` (either case), count from 1 up to
    /// [`Term::MAX_MONTHS`] or [`Term::MAX_DAYS`].
    pub fn from_parts(count: u32, unit: char) -> Result<Term, TermError> {
        let (term, max) = match unit.to_ascii_lowercase() {
            'm' => (Term::Months(count), Term::MAX_MONTHS),
            'd' => (Term::Days(count), Term::MAX_DAYS),
            _ => return Err(TermError),
        };
        if (1..=max).contains(&count) {
            Ok(term)
        } else {
            Err(TermError)
        }
    }
}

/// `12m`, `30d` (case-insensitive, surrounding spaces ignored; 0 refused).
impl FromStr for Term {
    type Err = TermError;
    fn from_str(s: &str) -> Result<Term, TermError> {
        let s = s.trim();
        let mut chars = s.chars();
        let unit = chars.next_back().ok_or(TermError)?;
        let digits = chars.as_str();
        // `u32::from_str` would also take a leading `+`; a term is digits only.
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TermError);
        }
        let count = digits.parse().map_err(|_| TermError)?;
        Term::from_parts(count, unit)
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (count, unit) = self.parts();
        write!(f, "{count}{unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a valid test date")
    }

    #[test]
    fn months_and_days_parse_in_any_case_with_surrounding_spaces() {
        assert_eq!("12m".parse(), Ok(Term::Months(12)));
        assert_eq!("12M".parse(), Ok(Term::Months(12)));
        assert_eq!("30d".parse(), Ok(Term::Days(30)));
        assert_eq!(" 30D \n".parse(), Ok(Term::Days(30)));
        assert_eq!("1m".parse(), Ok(Term::Months(1)));
        assert_eq!("012m".parse(), Ok(Term::Months(12)));
    }

    #[test]
    fn anything_else_is_not_a_term() {
        for bad in [
            "",
            " ",
            "m",
            "d",
            "12",
            "0m",
            "0d",
            "-1m",
            "+12m",
            "12 m",
            "1.5m",
            "12y",
            "12mm",
            "m12",
            "twelve",
            "99999999999m",
            "12ｍ",
        ] {
            assert_eq!(bad.parse::<Term>(), Err(TermError), "{bad:?}");
        }
    }

    #[test]
    fn terms_are_at_most_a_hundred_years() {
        assert_eq!("1200m".parse(), Ok(Term::Months(1200)));
        assert_eq!("1201m".parse::<Term>(), Err(TermError));
        assert_eq!("36500d".parse(), Ok(Term::Days(36500)));
        assert_eq!("36501d".parse::<Term>(), Err(TermError));
    }

    #[test]
    fn display_and_parts_round_trip() {
        for term in [
            Term::Months(12),
            Term::Days(30),
            Term::Months(1),
            Term::Days(36500),
        ] {
            assert_eq!(term.to_string().parse(), Ok(term));
            let (count, unit) = term.parts();
            assert_eq!(Term::from_parts(count, unit), Ok(term));
        }
        assert_eq!(Term::Months(12).to_string(), "12m");
        assert_eq!(Term::Days(30).to_string(), "30d");
        assert_eq!(Term::Months(12).parts(), (12, 'm'));
        assert_eq!(Term::Days(30).parts(), (30, 'd'));
    }

    #[test]
    fn from_parts_refuses_unknown_units_and_counts_out_of_range() {
        assert_eq!(Term::from_parts(12, 'M'), Ok(Term::Months(12)));
        assert_eq!(Term::from_parts(12, 'y'), Err(TermError));
        assert_eq!(Term::from_parts(0, 'm'), Err(TermError));
        assert_eq!(Term::from_parts(0, 'd'), Err(TermError));
        assert_eq!(Term::from_parts(1201, 'm'), Err(TermError));
        assert_eq!(Term::from_parts(36501, 'd'), Err(TermError));
    }

    #[test]
    fn adding_months_clamps_to_the_end_of_a_shorter_month() {
        assert_eq!(
            Term::Months(1).add_to(date("2027-01-31")),
            Some(date("2027-02-28"))
        );
        assert_eq!(
            Term::Months(1).add_to(date("2028-01-31")),
            Some(date("2028-02-29"))
        );
        assert_eq!(
            Term::Months(12).add_to(date("2026-01-31")),
            Some(date("2027-01-31"))
        );
        assert_eq!(
            Term::Months(12).add_to(date("2028-02-29")),
            Some(date("2029-02-28"))
        );
        assert_eq!(
            Term::Months(3).add_to(date("2026-11-30")),
            Some(date("2027-02-28"))
        );
    }

    #[test]
    fn adding_days_crosses_months_and_years() {
        assert_eq!(
            Term::Days(1).add_to(date("2026-12-31")),
            Some(date("2027-01-01"))
        );
        assert_eq!(
            Term::Days(30).add_to(date("2028-02-15")),
            Some(date("2028-03-16"))
        );
    }

    #[test]
    fn days_from_counts_the_calendar_days_of_the_term() {
        assert_eq!(Term::Months(12).days_from(date("2026-03-01")), Some(365));
        assert_eq!(Term::Months(12).days_from(date("2027-03-01")), Some(366));
        assert_eq!(Term::Months(1).days_from(date("2027-01-31")), Some(28));
        assert_eq!(Term::Months(1).days_from(date("2028-01-31")), Some(29));
        assert_eq!(Term::Days(30).days_from(date("2026-02-01")), Some(30));
    }

    #[test]
    fn terms_past_the_end_of_the_calendar_are_none() {
        assert_eq!(Term::Days(1).add_to(NaiveDate::MAX), None);
        assert_eq!(Term::Months(1).days_from(NaiveDate::MAX), None);
    }
}
