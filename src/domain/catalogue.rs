//! The catalogue's rules: what a SKU, a seat count, a batch label, a product's and a
//! subscription's name may be (the last three are names people type: `text.rs`).

/// Most seats a product, a subscription or a key may have.
pub const MAX_SEATS: i64 = 1_000_000;

/// Why a SKU, a seat count or a batch label is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("a SKU is 1 to 64 letters, digits, '-' or '_' (like BUSINESS-STANDARD), not {0:?}")]
    Sku(String),
    #[error("seats must be between 1 and {max}, not {0}", max = MAX_SEATS)]
    Seats(i64),
    #[error("a batch label has at most 100 characters, none of them control, invisible or direction-changing")]
    BatchLabel,
    #[error("a reference has at most 100 characters, none of them control, invisible or direction-changing")]
    Reference,
}

pub use super::text::{NameError, MAX_NAME_CHARS};

/// A subscription's name: a name people type ([`super::text::normalise_name`]).
pub fn normalise_subscription_name(name: &str) -> Result<String, NameError> {
    super::text::normalise_name(name)
}

/// A product's display name: a name people type ([`super::text::normalise_name`]).
pub fn normalise_product_name(name: &str) -> Result<String, NameError> {
    super::text::normalise_name(name)
}

/// SKUs are upper-case letters, digits, '-' and '_', starting with a letter or digit.
pub fn normalise_sku(sku: &str) -> Result<String, CatalogueError> {
    let sku = sku.trim().to_ascii_uppercase();
    let ok = !sku.is_empty()
        && sku.len() <= 64
        && sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && sku
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Err(CatalogueError::Sku(sku));
    }
    Ok(sku)
}

/// Between 1 and [`MAX_SEATS`].
pub fn check_seats(seats: i64) -> Result<(), CatalogueError> {
    if !(1..=MAX_SEATS).contains(&seats) {
        return Err(CatalogueError::Seats(seats));
    }
    Ok(())
}

/// A batch label: none when blank, else a name people type
/// ([`super::text::normalise_name`]).
pub fn normalise_batch(batch: Option<&str>) -> Result<Option<String>, CatalogueError> {
    match batch {
        None => Ok(None),
        Some(b) if b.trim().is_empty() => Ok(None),
        Some(b) => super::text::normalise_name(b)
            .map(Some)
            .map_err(|_| CatalogueError::BatchLabel),
    }
}

/// A key's reference (the shop's order id): none when blank, else a name people type
/// ([`super::text::normalise_name`]).
pub fn normalise_reference(reference: Option<&str>) -> Result<Option<String>, CatalogueError> {
    normalise_batch(reference).map_err(|_| CatalogueError::Reference)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sku_is_trimmed_and_upper_cased() {
        assert_eq!(
            normalise_sku(" business-standard_2 "),
            Ok("BUSINESS-STANDARD_2".into())
        );
    }

    #[test]
    fn a_sku_that_is_empty_too_long_or_oddly_spelled_is_refused_as_normalised() {
        for bad in ["", "  ", "-PRO", "_PRO", "PRO PLAN", "PRO.PLAN", "PRÖ"] {
            assert!(normalise_sku(bad).is_err(), "{bad:?}");
        }
        assert!(normalise_sku(&"A".repeat(64)).is_ok());
        assert!(normalise_sku(&"A".repeat(65)).is_err());
        assert_eq!(
            normalise_sku(" pro plan").map_err(|e| e.to_string()),
            Err(
                r#"a SKU is 1 to 64 letters, digits, '-' or '_' (like BUSINESS-STANDARD), not "PRO PLAN""#
                    .into()
            )
        );
    }

    #[test]
    fn seats_are_between_one_and_a_million() {
        assert_eq!(check_seats(1), Ok(()));
        assert_eq!(check_seats(MAX_SEATS), Ok(()));
        assert_eq!(check_seats(0), Err(CatalogueError::Seats(0)));
        assert_eq!(
            check_seats(MAX_SEATS + 1).map_err(|e| e.to_string()),
            Err("seats must be between 1 and 1000000, not 1000001".into())
        );
    }

    #[test]
    fn a_subscription_name_is_trimmed_and_holds_one_to_a_hundred_printable_characters() {
        assert_eq!(
            normalise_subscription_name("  Contoso Ltd \n"),
            Ok("Contoso Ltd".into())
        );
        assert_eq!(normalise_subscription_name(" \t "), Err(NameError::Empty));
        assert_eq!(
            normalise_subscription_name(&"é".repeat(100)),
            Ok("é".repeat(100))
        );
        assert_eq!(
            normalise_subscription_name(&"x".repeat(101)),
            Err(NameError::TooLong {
                max: 100,
                found: 101
            })
        );
        assert_eq!(
            normalise_subscription_name(" ab\ncd"),
            Err(NameError::Control { position: 3 })
        );
        assert_eq!(
            normalise_subscription_name("a\u{0}b"),
            Err(NameError::Control { position: 2 })
        );
        assert_eq!(normalise_subscription_name("007"), Ok("007".into()));
    }

    #[test]
    fn a_batch_label_is_trimmed_blank_is_none_and_control_characters_are_refused() {
        assert_eq!(normalise_batch(None), Ok(None));
        assert_eq!(normalise_batch(Some("   ")), Ok(None));
        assert_eq!(normalise_batch(Some(" Q3 ")), Ok(Some("Q3".into())));
        assert_eq!(
            normalise_batch(Some(&"é".repeat(100))),
            Ok(Some("é".repeat(100)))
        );
        assert_eq!(
            normalise_batch(Some(&"x".repeat(101))),
            Err(CatalogueError::BatchLabel)
        );
        assert_eq!(
            normalise_batch(Some("a\u{7}b")),
            Err(CatalogueError::BatchLabel)
        );
        assert_eq!(
            normalise_batch(Some("Q\u{200b}3")),
            Err(CatalogueError::BatchLabel)
        );
        assert_eq!(normalise_batch(Some("Ｑ３")), Ok(Some("Q3".into())));
    }
}
