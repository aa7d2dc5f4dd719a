//! Paging: an opaque cursor (base64 of the listing's name and the last id seen) and a
//! page size.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use super::problem::Problem;

/// Rows a listing gives when `limit` is not said.
const DEFAULT_LIMIT: i64 = 100;
/// Most rows a listing gives at once.
pub(crate) const MAX_LIMIT: i64 = 1000;

/// The cursor of the page after the row `last_id` of `listing`.
pub(crate) fn cursor(listing: &str, last_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{listing}:{last_id}"))
}

/// The last id a cursor of `listing` stands for.
pub(crate) fn after(listing: &str, cursor: Option<&str>) -> Result<Option<i64>, Problem> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let refused = || Problem::invalid("cursor", "not a cursor this listing gave");
    let text = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(refused)?;
    let id = text
        .strip_prefix(listing)
        .and_then(|rest| rest.strip_prefix(':'))
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(refused)?;
    Ok(Some(id))
}

/// `limit`: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when not said.
pub(crate) fn limit(text: Option<&str>) -> Result<i64, Problem> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                Problem::invalid("limit", format!("limit is a number from 1 to {MAX_LIMIT}"))
            }),
    }
}

/// The next page's cursor: there may be one when this page is full.
pub(crate) fn next(listing: &str, ids: &[i64], limit: i64) -> Option<String> {
    match ids.last() {
        Some(last) if ids.len() as i64 >= limit => Some(cursor(listing, *last)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_in_its_own_listing() {
        let c = cursor("keys", 42);
        assert_eq!(after("keys", Some(&c)).ok(), Some(Some(42)));
        assert!(after("redemptions", Some(&c)).is_err());
        assert!(after("keys", Some("not base64!")).is_err());
        assert!(after("keys", Some(&cursor("keys", 0))).is_err());
        assert_eq!(after("keys", None).ok(), Some(None));
    }

    #[test]
    fn a_full_page_has_a_next_cursor_and_a_short_one_none() {
        assert_eq!(next("keys", &[9, 8], 2), Some(cursor("keys", 8)));
        assert_eq!(next("keys", &[9], 2), None);
        assert_eq!(next("keys", &[], 2), None);
        assert_eq!(limit(None).ok(), Some(100));
        assert!(limit(Some("0")).is_err());
        assert!(limit(Some("1001")).is_err());
    }
}
