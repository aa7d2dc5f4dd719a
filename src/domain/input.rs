//! Splitting what an admin typed into key candidates: several keys in one field,
//! separated by spaces, commas, semicolons or new lines, each with or without dashes,
//! and possibly written in space-separated groups of five.

use super::key::{is_separator, KeyFormatError, ProductKey, KEY_LEN, TAIL_LEN};

/// Longest masked form of a mistyped candidate, so a paste of a paragraph stays one line.
const MASKED_MAX_CHARS: usize = 40;

/// One key as the admin typed it, and what it parses to. Its `Debug` shows the masked
/// text only, so a stray `{:?}` cannot put what was typed in a log.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    /// The text as typed (trimmed), for masking in messages. Never logged.
    pub typed: String,
    pub parsed: Result<ProductKey, KeyFormatError>,
}

impl KeyCandidate {
    /// One candidate from the text typed for it (trimmed), parsed.
    pub fn new(typed: &str) -> KeyCandidate {
        let typed = typed.trim();
        KeyCandidate {
            typed: typed.to_owned(),
            parsed: ProductKey::parse(typed),
        }
    }

    /// The typed text with everything but its last five key characters hidden, for
    /// refusal messages: `•••••-•••••-•••••-•••••-QRT7W` shape where possible.
    pub fn masked(&self) -> String {
        match &self.parsed {
            Ok(key) => key.masked(),
            Err(_) => mask_typed(&self.typed),
        }
    }
}

impl std::fmt::Debug for KeyCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCandidate")
            .field("typed", &self.masked())
            .field("parsed", &self.parsed)
            .finish()
    }
}

/// Hides every key character but the last five; keeps dashes and single spaces where they
/// were typed, so the admin recognises the shape; shortens the middle past 40 characters.
fn mask_typed(typed: &str) -> String {
    let typed = typed.trim();
    let key_chars = typed.chars().filter(|&c| !is_separator(c)).count();
    let first_shown = key_chars.saturating_sub(TAIL_LEN);
    let mut seen = 0;
    let mut shape: Vec<char> = Vec::with_capacity(typed.len());
    for c in typed.chars() {
        if c.is_whitespace() {
            if shape.last() != Some(&' ') {
                shape.push(' ');
            }
        } else if is_separator(c) {
            // Dashes of every kind show as `-`; zero-width characters show as nothing.
            if !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') {
                shape.push('-');
            }
        } else {
            let shown = seen >= first_shown;
            seen += 1;
            shape.push(match c {
                _ if !shown => '•',
                // The masked text is shown inside a `code span`: a backtick would end it,
                // and control or invisible characters would only confuse.
                '`' => '?',
                c if c.is_ascii_graphic() => c,
                _ => '?',
            });
        }
    }
    if shape.len() > MASKED_MAX_CHARS {
        let tail = MASKED_MAX_CHARS / 2;
        let head = MASKED_MAX_CHARS - 1 - tail;
        shape.splice(head..shape.len() - tail, ['…']);
    }
    shape.into_iter().collect()
}

/// Splits free text into key candidates, in the order typed. Empty input gives none.
/// `AAAAA BBBBB CCCCC DDDDD EEEEE` is one key; two dashed keys separated by a space are two;
/// a mistyped key next to a good one does not swallow the good one.
pub fn split_keys(input: &str) -> Vec<KeyCandidate> {
    let mut candidates = Vec::new();
    for segment in input.split(is_list_separator) {
        let tokens: Vec<&str> = segment.split_whitespace().collect();
        group_tokens(&tokens, &mut candidates);
    }
    candidates
}

/// What separates keys for certain: commas, semicolons (also their full-width forms, as
/// CJK keyboards type them) and line breaks of every kind.
fn is_list_separator(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | '\u{FF0C}'
            | '\u{FF1B}'
            | '\n'
            | '\r'
            | '\u{0B}'
            | '\u{0C}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Key characters (valid or not) in a token: everything but dashes.
fn key_chars(token: &str) -> usize {
    token.chars().filter(|&c| !is_separator(c)).count()
}

/// Groups the whitespace-separated tokens of one segment into candidates. A token of 25
/// or more key characters stands alone; shorter tokens (groups of five, or a mistyped
/// key) join their neighbours until they reach 25.
fn group_tokens(tokens: &[&str], candidates: &mut Vec<KeyCandidate>) {
    let mut group = Group::default();
    for (i, &token) in tokens.iter().enumerate() {
        let len = key_chars(token);
        if len == 0 && group.tokens.is_empty() {
            // A stray dash between keys belongs to neither.
            continue;
        }
        if len >= KEY_LEN {
            // A whole key (or a run-on mistake) never swallows, nor is swallowed by, what
            // was typed before it.
            group.flush(candidates);
            candidates.push(KeyCandidate::new(token));
            continue;
        }
        if !group.tokens.is_empty() && group.len + len > KEY_LEN && starts_exact_key(&tokens[i..]) {
            // `…6789 BCDFG HJKMP QRTVW XY234 67892`: a short key in groups, then a whole one
            // in groups. Keep them apart so the good key is not lost with the bad one.
            group.flush(candidates);
        }
        group.tokens.push(token);
        group.len += len;
        if group.len >= KEY_LEN {
            group.flush(candidates);
        }
    }
    group.flush(candidates);
}

/// Tokens gathered towards one candidate, and their key characters.
#[derive(Default)]
struct Group<'a> {
    tokens: Vec<&'a str>,
    len: usize,
}

impl Group<'_> {
    fn flush(&mut self, candidates: &mut Vec<KeyCandidate>) {
        if !self.tokens.is_empty() {
            candidates.push(KeyCandidate::new(&self.tokens.join(" ")));
            self.tokens.clear();
            self.len = 0;
        }
    }
}

/// Whether `tokens`, from the first, add up to exactly one key's length before passing it.
fn starts_exact_key(tokens: &[&str]) -> bool {
    let mut len = 0;
    for token in tokens {
        len += key_chars(token);
        if len >= KEY_LEN {
            return len == KEY_LEN;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::key::is_key_symbol;
    use super::*;
    use proptest::prelude::*;

    const KEY_A: &str = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    const KEY_B: &str = "MPQRT-VWXY2-34678-9BCDF-GHJK7";

    fn typed(input: &str) -> Vec<String> {
        split_keys(input).into_iter().map(|c| c.typed).collect()
    }

    fn valid(input: &str) -> Vec<bool> {
        split_keys(input).iter().map(|c| c.parsed.is_ok()).collect()
    }

    fn key(s: &str) -> ProductKey {
        ProductKey::parse(s).expect("a valid test key")
    }

    #[test]
    fn a_candidates_debug_form_holds_no_key_only_its_masked_text() {
        let typed = format!("{KEY_A}\n{} bcdfg", &KEY_B[..20]);
        for candidate in split_keys(&typed) {
            let debug = format!("{candidate:?} {candidate:#?}");
            let upper = debug.to_uppercase();
            for key in [KEY_A, KEY_B] {
                assert!(!upper.contains(&key[..17]), "{debug}");
                assert!(!upper.contains(&key.replace('-', "")[..15]), "{debug}");
            }
            assert!(debug.contains(&candidate.masked()), "{debug}");
        }
    }

    #[test]
    fn empty_or_whitespace_input_gives_no_candidates() {
        for input in ["", "   ", "\n\r\n", "\t", ", ;\n,", " - ", "-- , -"] {
            assert_eq!(split_keys(input), vec![], "{input:?}");
        }
    }

    #[test]
    fn one_dashed_key_is_one_candidate() {
        let candidates = split_keys(&format!("  {KEY_A}  "));
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].typed, KEY_A);
        assert_eq!(candidates[0].parsed, Ok(key(KEY_A)));
    }

    #[test]
    fn two_keys_in_one_field_separated_by_a_space_comma_semicolon_or_new_line_are_two() {
        for separator in [
            " ", ",", ", ", ";", "\n", "\r\n", " \n\n ", "\u{2028}", "，",
        ] {
            let input = format!("{KEY_A}{separator}{KEY_B}");
            let candidates = split_keys(&input);
            let parsed: Vec<_> = candidates.into_iter().map(|c| c.parsed).collect();
            assert_eq!(
                parsed,
                vec![Ok(key(KEY_A)), Ok(key(KEY_B))],
                "{separator:?}"
            );
        }
    }

    #[test]
    fn undashed_and_lower_case_keys_split_like_dashed_ones() {
        let input = "bcdfghjkmpqrtvwxy2346789b mpqrtvwxy2346789bcdfghjk7";
        let parsed: Vec<_> = split_keys(input).into_iter().map(|c| c.parsed).collect();
        assert_eq!(parsed, vec![Ok(key(KEY_A)), Ok(key(KEY_B))]);
    }

    #[test]
    fn a_space_grouped_key_is_one_candidate() {
        let candidates = split_keys("BCDFG HJKMP  QRTVW\tXY234 6789B");
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].typed, "BCDFG HJKMP QRTVW XY234 6789B");
        assert_eq!(candidates[0].parsed, Ok(key(KEY_A)));
    }

    #[test]
    fn two_space_grouped_keys_on_one_line_are_two_candidates() {
        let input = "BCDFG HJKMP QRTVW XY234 6789B MPQRT VWXY2 34678 9BCDF GHJK7";
        let parsed: Vec<_> = split_keys(input).into_iter().map(|c| c.parsed).collect();
        assert_eq!(parsed, vec![Ok(key(KEY_A)), Ok(key(KEY_B))]);
    }

    #[test]
    fn a_mistyped_key_then_a_good_key_stays_two_candidates() {
        // One character short, then a good key.
        let input = format!("BCDFG-HJKMP-QRTVW-XY234-6789 {KEY_B}");
        assert_eq!(typed(&input), vec!["BCDFG-HJKMP-QRTVW-XY234-6789", KEY_B]);
        assert_eq!(valid(&input), vec![false, true]);
        // One character too many, then a good key.
        let input = format!("BCDFG-HJKMP-QRTVW-XY234-6789BB {KEY_B}");
        assert_eq!(valid(&input), vec![false, true]);
        // A good key, then a mistyped one: the good one is untouched.
        let input = format!("{KEY_B} BCDFG-HJKMP-QRTVW-XY234-6789");
        assert_eq!(valid(&input), vec![true, false]);
    }

    #[test]
    fn a_short_space_grouped_key_then_a_good_space_grouped_key_stays_two_candidates() {
        let input = "BCDFG HJKMP QRTVW XY234 6789 MPQRT VWXY2 34678 9BCDF GHJK7";
        assert_eq!(
            typed(input),
            vec![
                "BCDFG HJKMP QRTVW XY234 6789",
                "MPQRT VWXY2 34678 9BCDF GHJK7"
            ]
        );
        assert_eq!(valid(input), vec![false, true]);
    }

    #[test]
    fn a_space_grouped_key_with_one_extra_character_is_one_invalid_candidate() {
        let input = "BCDFG HJKMP QRTVW XY2344 6789B";
        assert_eq!(typed(input), vec![input]);
        assert_eq!(
            split_keys(input)[0].parsed,
            Err(KeyFormatError::Length { found: 26 })
        );
    }

    #[test]
    fn a_key_with_a_wrong_character_is_refused_with_its_position() {
        let candidates = split_keys(&format!("BCDFG-HJ0MP-QRTVW-XY234-6789B, {KEY_B}"));
        assert_eq!(candidates.len(), 2);
        assert_eq!(
            candidates[0].parsed,
            Err(KeyFormatError::Character {
                position: 8,
                found: '0'
            })
        );
        assert_eq!(candidates[1].parsed, Ok(key(KEY_B)));
    }

    #[test]
    fn two_keys_run_together_are_one_invalid_candidate() {
        let input = "BCDFGHJKMPQRTVWXY2346789BMPQRTVWXY2346789BCDFGHJK7";
        assert_eq!(typed(input), vec![input]);
        assert_eq!(
            split_keys(input)[0].parsed,
            Err(KeyFormatError::Length { found: 50 })
        );
    }

    #[test]
    fn leftovers_at_the_end_of_a_line_are_a_candidate_of_their_own() {
        let input = format!("{KEY_A} QRT7W\n{KEY_B}");
        assert_eq!(typed(&input), vec![KEY_A, "QRT7W", KEY_B]);
        assert_eq!(valid(&input), vec![true, false, true]);
    }

    #[test]
    fn a_stray_word_before_a_key_does_not_swallow_it() {
        let input = format!("key: {KEY_A}");
        assert_eq!(typed(&input), vec!["key:", KEY_A]);
        assert_eq!(valid(&input), vec![false, true]);
    }

    #[test]
    fn stray_dashes_between_keys_are_ignored() {
        let input = format!("- {KEY_A} - {KEY_B} -");
        assert_eq!(typed(&input), vec![KEY_A, KEY_B]);
    }

    #[test]
    fn a_key_with_spaced_dashes_is_one_candidate() {
        let input = "BCDFG - HJKMP - QRTVW - XY234 - 6789B";
        assert_eq!(typed(input), vec![input]);
        assert_eq!(split_keys(input)[0].parsed, Ok(key(KEY_A)));
    }

    #[test]
    fn keys_keep_the_order_they_were_typed_in() {
        let input = format!("{KEY_B}\n{KEY_A}");
        assert_eq!(typed(&input), vec![KEY_B, KEY_A]);
    }

    #[test]
    fn the_masked_form_of_a_valid_candidate_is_the_key_mask() {
        let candidate = KeyCandidate::new("bcdfg hjkmp qrtvw xy234 6789b");
        assert_eq!(candidate.masked(), "•••••-•••••-•••••-•••••-6789B");
    }

    #[test]
    fn the_masked_form_of_a_mistyped_candidate_shows_only_its_last_five_key_characters() {
        let candidate = KeyCandidate::new("bcdfg-hjkmp-qrtvw-xy234-6789");
        assert_eq!(candidate.masked(), "•••••-•••••-•••••-••••4-6789");
        let candidate = KeyCandidate::new("BCDFG HJKMP QRTVW XY2O4 6789B");
        assert_eq!(candidate.masked(), "••••• ••••• ••••• ••••• 6789B");
        let candidate = KeyCandidate::new("QRT");
        assert_eq!(candidate.masked(), "QRT");
        let candidate = KeyCandidate::new("BCDFG\u{2013}HJKMP\u{200B}QRTVW-XY234-678A9");
        assert_eq!(candidate.masked(), "•••••-••••••••••-•••••-678A9");
    }

    #[test]
    fn the_masked_form_of_a_long_paste_is_shortened_in_the_middle() {
        let candidate = KeyCandidate::new(&"BCDFG-".repeat(20));
        let masked = candidate.masked();
        assert_eq!(masked.chars().count(), 40);
        assert!(masked.contains('…'));
        assert!(masked.ends_with("BCDFG-"), "{masked}");
        assert_eq!(masked.chars().filter(|&c| is_key_symbol(c)).count(), 5);
    }

    #[test]
    fn the_masked_form_never_carries_a_backtick_or_an_invisible_character() {
        let candidate = KeyCandidate::new("BCDFG-HJKMP-QRTVW-XY234-678`\u{7}");
        assert_eq!(candidate.masked(), "•••••-•••••-•••••-•••••-678??");
    }

    /// Property tests: `.ci/run` also runs them (`proptests::`) with many more cases.
    mod proptests {
        use super::*;

        proptest! {
            #[test]
            fn split_keys_never_panics_nor_shows_more_than_five_key_characters(input in any::<String>()) {
                check_split(&input)?;
            }

            #[test]
            fn split_keys_of_key_like_text_never_shows_more_than_five_key_characters(
                input in "[BCDFGHJKMPQRTVWXY2346789bcdfgAEIOU015 ,;\n\u{2013}-]{0,200}"
            ) {
                check_split(&input)?;
            }
        }
    }

    /// What holds for any input: no key character lost or invented, no empty candidate,
    /// and no masked form longer than 40 characters or showing more than five key symbols.
    fn check_split(input: &str) -> Result<(), TestCaseError> {
        let candidates = split_keys(input);
        let in_input = input
            .chars()
            .filter(|&c| !is_separator(c) && !is_list_separator(c))
            .count();
        let in_candidates: usize = candidates.iter().map(|c| key_chars(&c.typed)).sum();
        prop_assert_eq!(in_input, in_candidates);
        for candidate in &candidates {
            prop_assert!(key_chars(&candidate.typed) > 0);
            prop_assert_eq!(&candidate.parsed, &ProductKey::parse(&candidate.typed));
            let masked = candidate.masked();
            prop_assert!(masked.chars().count() <= MASKED_MAX_CHARS, "{}", masked);
            let shown = masked.chars().filter(|&c| is_key_symbol(c)).count();
            prop_assert!(
                shown <= TAIL_LEN,
                "{} shows {} key characters",
                masked,
                shown
            );
        }
        Ok(())
    }
}
