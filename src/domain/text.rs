//! Names people type: subscription names, product names, batch labels. The one rule for
//! what such a name may be before it is stored (PRODUCT.md, "Names people type"):
//! NFKC-normalised, trimmed, 1 to 100 characters, and none of them a control character or
//! an invisible or direction-changing one (Unicode categories Cc, Cf, Zl, Zp: a NUL, a new
//! line, a zero-width space or joiner, a bidi override or isolate, U+FEFF).
//!
//! NFKC folds look-alike spellings into one ("Ｃｏｎｔｏｓｏ" is "Contoso"); refusing the
//! hidden characters means two names that read the same are the same text. Uniqueness then
//! compares the case-folded form, in the database (`name_key` in the migration
//! `20261208000100_names_people_type.sql`). How a name is *shown* is the transports'
//! business: Discord escapes its markdown (`discord::markdown`).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Most characters in a name (the schema holds the same limit).
pub const MAX_NAME_CHARS: usize = 100;

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a name cannot be empty")]
    Empty,
    #[error("a name has at most {max} characters, not {found}")]
    TooLong { max: usize, found: usize },
    /// `position` counts characters from 1, in the name as normalised and trimmed.
    #[error(
        "a name cannot hold control characters or invisible or direction-changing ones \
         (character {position})"
    )]
    Control { position: usize },
}

/// The name as it is stored: NFKC, trimmed, 1 to [`MAX_NAME_CHARS`] characters, none of them
/// [`hidden`].
pub fn normalise_name(raw: &str) -> Result<String, NameError> {
    let normalised: String = raw.nfkc().collect();
    let name = normalised.trim();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(position) = name.chars().position(hidden) {
        return Err(NameError::Control {
            position: position + 1,
        });
    }
    let found = name.chars().count();
    if found > MAX_NAME_CHARS {
        return Err(NameError::TooLong {
            max: MAX_NAME_CHARS,
            found,
        });
    }
    Ok(name.to_string())
}

/// A character no name may hold: a control character (Cc), an invisible or
/// direction-changing format character (Cf), or a line or paragraph separator (Zl, Zp).
pub fn hidden(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_nfkc_normalised_and_trimmed() {
        assert_eq!(normalise_name("  Contoso Ltd \n"), Ok("Contoso Ltd".into()));
        assert_eq!(normalise_name("Ｃｏｎｔｏｓｏ"), Ok("Contoso".into()));
        assert_eq!(
            normalise_name("\u{3000}Contoso\u{3000}"),
            Ok("Contoso".into())
        );
        assert_eq!(normalise_name("ﬁnance"), Ok("finance".into()));
        // Composed and decomposed é are one name.
        assert_eq!(normalise_name("Caf\u{65}\u{301}"), Ok("Caf\u{e9}".into()));
        assert_eq!(normalise_name("007"), Ok("007".into()));
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused_where_they_stand() {
        for (name, position) in [
            ("Con\u{200b}toso", 4),    // zero-width space
            ("Contoso\u{2060}x", 8),   // word joiner
            ("\u{feff}x", 1),          // byte-order mark (not white space, so not trimmed)
            ("a\u{202e}b", 2),         // right-to-left override
            ("a\u{2066}b\u{2069}", 2), // left-to-right isolate
            ("a\u{200d}b", 2),         // zero-width joiner
            (" ab\ncd", 3),
            ("a\u{0}b", 2),
            ("a\u{2028}b", 2),  // line separator
            ("a\u{2029}b", 2),  // paragraph separator
            ("a\u{e0041}b", 2), // a tag character
        ] {
            assert_eq!(
                normalise_name(name),
                Err(NameError::Control { position }),
                "{name:?}"
            );
        }
    }

    #[test]
    fn a_name_holds_one_to_a_hundred_characters_counted_after_normalising() {
        assert_eq!(normalise_name(" \t "), Err(NameError::Empty));
        assert_eq!(normalise_name(""), Err(NameError::Empty));
        assert_eq!(normalise_name(&"é".repeat(100)), Ok("é".repeat(100)));
        assert_eq!(
            normalise_name(&"x".repeat(101)),
            Err(NameError::TooLong {
                max: 100,
                found: 101
            })
        );
        // One character that NFKC spells as four.
        assert_eq!(
            normalise_name(&"㍿".repeat(26)),
            Err(NameError::TooLong {
                max: 100,
                found: 104
            })
        );
    }

    #[test]
    fn letters_marks_emoji_and_punctuation_are_names() {
        for name in [
            "Zoë & Co.",
            "Contoso (EU)",
            "東京",
            "Café ☕",
            "Ünïcödé-42_x",
            "a*b_c",
        ] {
            assert!(normalise_name(name).is_ok(), "{name:?}");
        }
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;
    use unicode_normalization::is_nfkc;

    use super::*;

    proptest! {
        /// Whatever is typed, a stored name is NFKC, trimmed, within the length, and holds no
        /// Cc, Cf, Zl or Zp character; normalising it again changes nothing.
        #[test]
        fn any_stored_name_is_nfkc_and_free_of_hidden_characters(raw in "\\PC{0,40}|.{0,40}|[\\u{0}-\\u{3000}]{0,120}") {
            if let Ok(name) = normalise_name(&raw) {
                prop_assert!(is_nfkc(&name), "{name:?}");
                prop_assert!(!name.chars().any(hidden), "{name:?}");
                prop_assert_eq!(name.trim(), name.as_str());
                let count = name.chars().count();
                prop_assert!((1..=MAX_NAME_CHARS).contains(&count));
                prop_assert_eq!(normalise_name(&name), Ok(name.clone()));
            }
        }
    }
}
