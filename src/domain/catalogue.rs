//! The catalogue's rules: what a SKU, a seat count and a batch label may be.

/// Most seats a product, a subscription or a key may have.
pub const MAX_SEATS: i64 = 1_000_000;

/// Why a SKU, a seat count or a batch label is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("a SKU is 1 to 64 letters, digits, '-' or '_' (like BUSINESS-STANDARD), not {0:?}")]
    Sku(String),
    #[error("seats must be between 1 and {max}, not {0}", max = MAX_SEATS)]
    Seats(i64),
    #[error("a batch label has at most 100 printable characters")]
    BatchLabel,
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

/// A batch label, trimmed: none when blank, else at most 100 printable characters.
pub fn normalise_batch(batch: Option<&str>) -> Result<Option<String>, CatalogueError> {
    match batch.map(str::trim) {
        None | Some("") => Ok(None),
        Some(b) if b.chars().count() <= 100 && !b.chars().any(char::is_control) => {
            Ok(Some(b.to_string()))
        }
        Some(_) => Err(CatalogueError::BatchLabel),
    }
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
    }
}
