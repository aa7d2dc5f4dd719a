//! `ProductKey`: a value that cannot hold an invalid key. Parsed from what people type,
//! generated from a CSPRNG, shown dashed (`Display`) or masked (`masked()`), stored as a
//! SHA-256 digest plus its last five characters.

use std::{fmt, str::FromStr};

use rand::Rng;
use sha2::{Digest, Sha256};

/// The 24 symbols a product key is made of. Vowels and look-alikes never occur.
pub const ALPHABET: &str = "BCDFGHJKMPQRTVWXY2346789";
/// Characters in a key, without dashes.
pub const KEY_LEN: usize = 25;
/// Characters in a key's tail, the only part ever shown.
pub const TAIL_LEN: usize = 5;

/// A valid product key, normalised to upper case without separators.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ProductKey(/* 25 ASCII bytes from ALPHABET */ [u8; KEY_LEN]);

/// Why a typed string is not a product key. Positions count key characters from 1,
/// ignoring dashes and spaces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFormatError {
    #[error("a product key has 25 characters, this has {found}")]
    Length { found: usize },
    #[error("character {position} ({found:?}) is never used in product keys")]
    Character { position: usize, found: char },
}

/// SHA-256 of the normalised key (25 upper-case characters, no dashes).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyDigest(pub [u8; 32]);

/// The last five characters of a key: the only part ever shown or stored in clear.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct KeyTail(String);

impl ProductKey {
    /// Accepts keys typed the way people type them: any case, with or without dashes or
    /// spaces between the groups. Anything else is refused with the position of the first
    /// bad character (or the length, when every character is valid but there are not 25).
    pub fn parse(input: &str) -> Result<ProductKey, KeyFormatError> {
        let mut key = [0u8; KEY_LEN];
        let mut found = 0usize;
        for c in input.chars().filter(|&c| !is_separator(c)) {
            found += 1;
            let Some(symbol) = symbol(c) else {
                return Err(KeyFormatError::Character {
                    position: found,
                    found: c,
                });
            };
            // Past 25 we only count, so the length error can say how many there were.
            if let Some(slot) = key.get_mut(found - 1) {
                *slot = symbol;
            }
        }
        if found != KEY_LEN {
            return Err(KeyFormatError::Length { found });
        }
        Ok(ProductKey(key))
    }

    /// A fresh key from a cryptographically secure generator (~114 bits of entropy).
    pub fn generate<R: rand::RngCore + rand::CryptoRng>(rng: &mut R) -> ProductKey {
        let alphabet = ALPHABET.as_bytes();
        let mut key = [0u8; KEY_LEN];
        for slot in &mut key {
            // `gen_range` is unbiased: each symbol has probability exactly 1/24.
            *slot = alphabet[rng.gen_range(0..alphabet.len())];
        }
        ProductKey(key)
    }

    /// What Postgres stores in place of the key.
    pub fn digest(&self) -> KeyDigest {
        KeyDigest(Sha256::digest(self.0).into())
    }

    /// The last five characters.
    pub fn tail(&self) -> KeyTail {
        KeyTail(self.compact()[KEY_LEN - TAIL_LEN..].to_owned())
    }

    /// `•••••-•••••-•••••-•••••-QRT7W`
    pub fn masked(&self) -> String {
        self.tail().masked()
    }

    /// The normalised 25 characters, without dashes.
    pub fn compact(&self) -> &str {
        std::str::from_utf8(&self.0)
            .expect("a ProductKey holds only ASCII symbols from ALPHABET, which are valid UTF-8")
    }
}

/// Same as [`ProductKey::parse`], for `str::parse` and clap.
impl FromStr for ProductKey {
    type Err = KeyFormatError;
    fn from_str(s: &str) -> Result<ProductKey, KeyFormatError> {
        ProductKey::parse(s)
    }
}

/// Characters people put between the groups of a key, which carry no meaning: `-` and
/// whitespace, plus what word processors and web pages turn them into when a key is
/// copied from a document (typographic dashes, non-breaking and zero-width spaces).
pub fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' // hyphen, non-breaking hyphen, figure/en/em dashes
            | '\u{2212}' // minus sign
            | '\u{FE63}' | '\u{FF0D}' // small and full-width hyphen-minus
            | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' // zero-width characters
    ) || c.is_whitespace()
}

/// The upper-case ASCII byte of `c` when `c` (in any case) belongs to [`ALPHABET`].
fn symbol(c: char) -> Option<u8> {
    let upper = c.to_ascii_uppercase();
    ALPHABET.contains(upper).then_some(upper as u8)
}

/// `true` when `c` (in any case) belongs to [`ALPHABET`].
pub fn is_key_symbol(c: char) -> bool {
    symbol(c).is_some()
}

/// The dashed form `XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`: only the CLI's `keys generate` prints it.
impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, group) in self.compact().as_bytes().chunks(5).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            // Each group is five ASCII bytes of the compact form, so this cannot fail.
            f.write_str(std::str::from_utf8(group).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

/// Debug never shows the key, so a stray `{:?}` in a log line cannot leak it.
impl fmt::Debug for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProductKey({})", self.masked())
    }
}

impl KeyTail {
    /// Accepts exactly five characters of the alphabet (any case); `None` otherwise.
    pub fn new(tail: &str) -> Option<KeyTail> {
        let normalised: Option<String> = tail.chars().map(|c| symbol(c).map(char::from)).collect();
        normalised.filter(|t| t.len() == TAIL_LEN).map(KeyTail)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `•••••-•••••-•••••-•••••-QRT7W`
    pub fn masked(&self) -> String {
        format!("•••••-•••••-•••••-•••••-{}", self.0)
    }
}

impl fmt::Display for KeyTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyTail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyTail({})", self.0)
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyDigest({}…)", hex::encode(&self.0[..4]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{rngs::StdRng, SeedableRng};

    const KEY: &str = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    const COMPACT: &str = "BCDFGHJKMPQRTVWXY2346789B";

    fn key() -> ProductKey {
        ProductKey::parse(KEY).expect("the test key is valid")
    }

    #[test]
    fn the_alphabet_has_24_symbols_and_no_excluded_character() {
        assert_eq!(ALPHABET.len(), 24);
        let mut symbols: Vec<char> = ALPHABET.chars().collect();
        symbols.dedup();
        assert_eq!(symbols.len(), 24);
        for c in "AEIOULNSZ015".chars() {
            assert!(!ALPHABET.contains(c), "{c} must not be in the alphabet");
        }
    }

    #[test]
    fn a_dashed_upper_case_key_parses() {
        assert_eq!(key().compact(), COMPACT);
    }

    #[test]
    fn lowercase_dashed_undashed_and_space_grouped_keys_parse_to_the_same_key() {
        let forms = [
            KEY,
            COMPACT,
            "bcdfg-hjkmp-qrtvw-xy234-6789b",
            "bcdfghjkmpqrtvwxy23467 89b",
            "BCDFG HJKMP QRTVW XY234 6789B",
            "Bcdfg Hjkmp-qrtvw  xy234\t6789b",
            "  BCDFG-HJKMP-QRTVW-XY234-6789B \n",
        ];
        for form in forms {
            assert_eq!(ProductKey::parse(form), Ok(key()), "{form:?}");
        }
    }

    #[test]
    fn unicode_spaces_and_dashes_copied_from_documents_are_ignored() {
        let forms = [
            "BCDFG\u{00A0}HJKMP\u{2009}QRTVW\u{3000}XY234 6789B",
            "BCDFG\u{2013}HJKMP\u{2014}QRTVW\u{2010}XY234\u{2212}6789B",
            "BCDFG\u{200B}HJKMP\u{FEFF}QRTVW-XY234-6789B",
        ];
        for form in forms {
            assert_eq!(ProductKey::parse(form), Ok(key()), "{form:?}");
        }
    }

    #[test]
    fn each_excluded_character_is_refused_with_its_position() {
        for (i, bad) in "AEIOULNSZ015".chars().enumerate() {
            // A different position for each, across the groups.
            let position = 1 + (i * 2) % KEY_LEN;
            let mut chars: Vec<char> = COMPACT.chars().collect();
            chars[position - 1] = bad;
            let typed: String = chars
                .chunks(5)
                .map(|group| group.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-");
            assert_eq!(
                ProductKey::parse(&typed),
                Err(KeyFormatError::Character {
                    position,
                    found: bad
                }),
                "{typed}"
            );
            // Typed in lower case, the character is reported as typed.
            let lower = typed.to_lowercase();
            assert_eq!(
                ProductKey::parse(&lower),
                Err(KeyFormatError::Character {
                    position,
                    found: bad.to_ascii_lowercase()
                }),
                "{lower}"
            );
        }
    }

    #[test]
    fn the_position_counts_key_characters_only() {
        assert_eq!(
            ProductKey::parse("BCDFG-HJ0MP-QRTVW-XY234-6789B"),
            Err(KeyFormatError::Character {
                position: 8,
                found: '0'
            })
        );
        assert_eq!(
            ProductKey::parse(" BCDFG  HJKMP - QRTVW XY234 67S9B"),
            Err(KeyFormatError::Character {
                position: 23,
                found: 'S'
            })
        );
    }

    #[test]
    fn characters_are_checked_before_the_length() {
        assert_eq!(
            ProductKey::parse("ABC"),
            Err(KeyFormatError::Character {
                position: 1,
                found: 'A'
            })
        );
        // Past the 25th character too.
        assert_eq!(
            ProductKey::parse(&format!("{COMPACT}BO")),
            Err(KeyFormatError::Character {
                position: 27,
                found: 'O'
            })
        );
    }

    #[test]
    fn a_wrong_length_is_refused_with_the_count() {
        assert_eq!(
            ProductKey::parse(&COMPACT[..24]),
            Err(KeyFormatError::Length { found: 24 })
        );
        assert_eq!(
            ProductKey::parse(&format!("{KEY}B")),
            Err(KeyFormatError::Length { found: 26 })
        );
        assert_eq!(
            ProductKey::parse(""),
            Err(KeyFormatError::Length { found: 0 })
        );
        assert_eq!(
            ProductKey::parse(" - - "),
            Err(KeyFormatError::Length { found: 0 })
        );
    }

    #[test]
    fn non_ascii_characters_are_refused_as_typed() {
        // A full-width B looks like a B but is not one.
        assert_eq!(
            ProductKey::parse("\u{FF22}CDFG-HJKMP-QRTVW-XY234-6789B"),
            Err(KeyFormatError::Character {
                position: 1,
                found: '\u{FF22}'
            })
        );
        assert_eq!(
            ProductKey::parse("BCDFG-HJKMP-QRTVW-XY234-6789é"),
            Err(KeyFormatError::Character {
                position: 25,
                found: 'é'
            })
        );
    }

    #[test]
    fn the_error_message_names_the_position_and_the_character() {
        let err = ProductKey::parse("BCDFG-H0").expect_err("0 is never used");
        assert_eq!(
            err.to_string(),
            "character 7 ('0') is never used in product keys"
        );
    }

    #[test]
    fn display_is_the_dashed_form_and_compact_has_no_dashes() {
        assert_eq!(key().to_string(), KEY);
        assert_eq!(key().compact(), COMPACT);
        assert_eq!(KEY.parse::<ProductKey>(), Ok(key()));
    }

    #[test]
    fn the_digest_is_the_sha256_of_the_compact_form_and_stable() {
        let expected = "f4a09fb20e4fea8a84f0da034b8086b0e369478683310f0c2fd7da1af96488fd";
        assert_eq!(hex::encode(key().digest().0), expected);
        let lower = ProductKey::parse("bcdfg hjkmp qrtvw xy234 6789b").expect("valid");
        assert_eq!(lower.digest(), key().digest());
        let other = ProductKey::parse("BCDFG-HJKMP-QRTVW-XY234-6789C").expect("valid");
        assert_ne!(other.digest(), key().digest());
    }

    #[test]
    fn the_tail_is_the_last_five_characters() {
        assert_eq!(key().tail().as_str(), "6789B");
        assert_eq!(key().tail().to_string(), "6789B");
    }

    #[test]
    fn masked_shows_only_the_tail() {
        assert_eq!(key().masked(), "•••••-•••••-•••••-•••••-6789B");
        assert_eq!(key().tail().masked(), key().masked());
    }

    #[test]
    fn debug_does_not_contain_the_full_key() {
        let debug = format!("{:?}", key());
        assert!(!debug.contains(KEY));
        assert!(!debug.contains(COMPACT));
        assert!(!debug.contains("BCDFG"));
        assert!(debug.contains("6789B"));
        let digest = format!("{:?}", key().digest());
        assert!(!digest.contains(&hex::encode(key().digest().0)));
    }

    #[test]
    fn a_key_tail_accepts_five_alphabet_characters_in_any_case() {
        assert_eq!(
            KeyTail::new("qrt7w").map(|t| t.as_str().to_owned()),
            Some("QRT7W".into())
        );
        assert_eq!(
            KeyTail::new("QRT7W").map(|t| t.masked()),
            Some("•••••-•••••-•••••-•••••-QRT7W".into())
        );
        for bad in [
            "",
            "QRT7",
            "QRT7WX",
            "QRT7A",
            "QRT-7",
            "QRT 7W",
            "QRT7\u{FF37}",
        ] {
            assert_eq!(KeyTail::new(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn generated_keys_parse_back_to_themselves() {
        let mut rng = rand::thread_rng();
        for _ in 0..100 {
            let key = ProductKey::generate(&mut rng);
            assert_eq!(ProductKey::parse(&key.to_string()), Ok(key.clone()));
            assert_eq!(ProductKey::parse(key.compact()), Ok(key));
        }
    }

    #[test]
    fn a_thousand_generated_keys_are_distinct_and_only_use_the_alphabet() {
        let mut rng = rand::thread_rng();
        let keys: std::collections::HashSet<String> = (0..1000)
            .map(|_| ProductKey::generate(&mut rng).compact().to_owned())
            .collect();
        assert_eq!(keys.len(), 1000);
        for key in &keys {
            assert_eq!(key.len(), KEY_LEN);
            assert!(key.chars().all(|c| ALPHABET.contains(c)), "{key}");
        }
    }

    #[test]
    fn generated_keys_use_every_symbol_about_equally_often() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..1000 {
            for c in ProductKey::generate(&mut rng).compact().chars() {
                *counts.entry(c).or_insert(0u32) += 1;
            }
        }
        assert_eq!(counts.len(), 24);
        // 25,000 draws: about 1,042 each, with a standard deviation of about 32.
        for (symbol, count) in counts {
            assert!((850..1250).contains(&count), "{symbol} drawn {count} times");
        }
    }

    /// Property tests: `.ci/run` also runs them (`proptests::`) with many more cases.
    mod proptests {
        use super::*;

        proptest! {
            #[test]
            fn parse_never_panics_on_arbitrary_strings(input in any::<String>()) {
                let _ = ProductKey::parse(&input);
            }

            #[test]
            fn parse_never_panics_on_near_keys(input in "[BCDFGHJKMPQRTVWXY2346789bcdfgaeo015 \\-]{0,40}") {
                match ProductKey::parse(&input) {
                    Ok(key) => prop_assert_eq!(key.compact().len(), KEY_LEN),
                    Err(KeyFormatError::Character { position, found }) => {
                        prop_assert!(position >= 1);
                        prop_assert!(!ALPHABET.contains(found.to_ascii_uppercase()));
                    }
                    Err(KeyFormatError::Length { found }) => prop_assert_ne!(found, KEY_LEN),
                }
            }

            #[test]
            fn every_form_of_a_generated_key_parses_back_to_it(seed in any::<[u8; 32]>()) {
                let key = ProductKey::generate(&mut StdRng::from_seed(seed));
                prop_assert_eq!(ProductKey::parse(&key.to_string()), Ok(key.clone()));
                prop_assert_eq!(ProductKey::parse(key.compact()), Ok(key.clone()));
                prop_assert_eq!(ProductKey::parse(&key.to_string().to_lowercase()), Ok(key.clone()));
                prop_assert_eq!(ProductKey::parse(&key.compact().to_lowercase()), Ok(key.clone()));
                prop_assert_eq!(key.tail().masked(), key.masked());
            }
        }
    }
}
