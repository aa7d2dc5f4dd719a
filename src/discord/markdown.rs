//! Names are text, never markup (PRODUCT.md, "Names people type"). Every name licensebot
//! shows in Discord (a subscription's, a product's, a batch label) goes through [`escape`]:
//! in a message through `i18n::name` (an argument of a catalogue message), in an embed's
//! title or field through `escape` itself. Mentions cannot ping whatever the text says:
//! every message and edit carries `allowed_mentions` with nothing allowed, set once on the
//! HTTP client; escaping also keeps them from being drawn as mentions.

use crate::domain::text::hidden;

/// Characters Discord's markdown gives a meaning to anywhere in a line: emphasis, strike,
/// spoilers, code, masked links, mentions, channels, timestamps and custom emoji (`<…>`),
/// headings, and the `:` of a link's scheme (`https://…` would become a link).
const ANYWHERE: &[char] = &[
    '\\', '*', '_', '~', '`', '|', '[', ']', '(', ')', '<', '>', '#', ':',
];

/// `text` as Discord shows it literally: each markdown character escaped with a backslash
/// (Discord drops the backslash and shows the character), a list marker or numbered item at
/// its start escaped too, `@` kept from forming `@everyone`, `@here` or a role mention
/// (a zero-width space after it), and any control, invisible or direction-changing
/// character left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().filter(|c| !hidden(*c)).peekable();
    // A list item ("- ", "+ ") or subtext ("-# ") where the name starts a line.
    if let Some(&first) = chars.peek() {
        if first == '-' || first == '+' {
            out.push('\\');
        }
    }
    let mut at_start_digits = true;
    for c in chars {
        if ANYWHERE.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c == '.' && at_start_digits && !out.is_empty() {
            // "1. Contoso" where the name starts a line is a numbered list item.
            out.push('\\');
            out.push(c);
        } else if c == '@' {
            out.push('@');
            out.push('\u{200B}');
        } else {
            out.push(c);
        }
        at_start_digits = at_start_digits && c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_links_and_mentions_in_a_name_are_shown_as_text() {
        assert_eq!(escape("Contoso"), "Contoso");
        assert_eq!(escape("Business Standard 2"), "Business Standard 2");
        assert_eq!(escape("**bold**"), r"\*\*bold\*\*");
        assert_eq!(
            escape("[renew here](https://evil.example)"),
            r"\[renew here\]\(https\://evil.example\)"
        );
        assert_eq!(escape("@everyone"), "@\u{200B}everyone");
        assert_eq!(escape("<@&123>"), "\\<@\u{200B}&123\\>");
        assert_eq!(
            escape("a_b ~~c~~ ||d|| `e`"),
            r"a\_b \~\~c\~\~ \|\|d\|\| \`e\`"
        );
        assert_eq!(escape("# Big"), r"\# Big");
        assert_eq!(escape("- item"), r"\- item");
        assert_eq!(escape("-# small"), r"\-\# small");
        assert_eq!(escape("1. first"), r"1\. first");
        assert_eq!(escape("Pro 1.5"), "Pro 1.5");
        assert_eq!(escape(r"back\slash"), r"back\\slash");
        assert_eq!(escape("a\nb\u{200B}c"), "abc");
    }
}

#[cfg(test)]
mod proptests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::{
        discord::{i18n::Lang, render},
        domain::{text::normalise_name, NoticeBody, OrderKind},
    };

    /// What a reader sees of `text`, read as Discord reads it: each backslash escape is the
    /// character it escapes, shown as is. Returns the characters shown and, for each, whether
    /// it was escaped.
    fn read(text: &str) -> Vec<(char, bool)> {
        let mut shown = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('\\', Some(&next)) if next.is_ascii_punctuation() => {
                    shown.push((next, true));
                    chars.next();
                }
                _ => shown.push((c, false)),
            }
        }
        shown
    }

    /// Markup that `shown` would make live: an unescaped markdown character, a mention of
    /// everyone, or a link's scheme.
    fn live_markup(shown: &[(char, bool)]) -> Option<String> {
        // An escaped character is shown, but starts nothing.
        let plain: String = shown
            .iter()
            .map(|(c, escaped)| if *escaped { '\u{E001}' } else { *c })
            .collect();
        if let Some((c, _)) = shown
            .iter()
            .find(|(c, escaped)| !escaped && "*_~`|[]()<>#\\".contains(*c))
        {
            return Some(format!("unescaped {c:?}"));
        }
        for live in ["@everyone", "@here", "@&", "://"] {
            if plain.contains(live) {
                return Some(format!("{live:?}"));
            }
        }
        None
    }

    fn with_name(body: &NoticeBody, name: &str) -> NoticeBody {
        let mut body = body.clone();
        match &mut body {
            NoticeBody::Activation {
                subscription,
                product,
                ..
            } => {
                *subscription = name.into();
                *product = name.into();
            }
            NoticeBody::Redemption { subscription, .. } => *subscription = name.into(),
            _ => {}
        }
        body
    }

    proptest! {
        /// For any string typed as a name: what is stored is NFKC and holds no hidden
        /// character, and the notices that show it (in every language) show it as text:
        /// exactly the stored name, with no live markdown and no mention.
        #[test]
        fn any_name_renders_into_a_notice_as_text(raw in "\\PC{0,30}|[-@*_~`|<>#:/()\\[\\]\\\\ a-z0-9.]{0,30}|(@everyone|\\*\\*|\\[x\\]\\(https://e\\.x\\)|<@&1>|\n|\u{200b}|- |1\\. |[a-z]){0,8}") {
            let Ok(name) = normalise_name(&raw) else { return Ok(()) };
            prop_assert!(unicode_normalization::is_nfkc(&name));
            prop_assert!(!name.chars().any(hidden));

            let shown_as = escape(&name);
            let shown = read(&shown_as);
            prop_assert_eq!(live_markup(&shown), None, "{:?} shown as {:?}", name, shown_as);
            let seen: String = shown.iter().map(|(c, _)| *c).filter(|c| *c != '\u{200B}').collect();
            prop_assert_eq!(&seen, &name);

            let day = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap_or_default();
            for lang in Lang::ALL {
                for body in [
                    NoticeBody::Activation {
                        user: 1,
                        subscription: name.clone(),
                        product: name.clone(),
                        seats: 5,
                        ends_on: day,
                        keys: 1,
                    },
                    NoticeBody::Redemption {
                        user: 1,
                        subscription: name.clone(),
                        kind: OrderKind::AddLicenses,
                        seats_before: 1,
                        seats_after: 5,
                        ends_before: day,
                        ends_after: day,
                        keys: 2,
                    },
                ] {
                    let notice = render::notice(lang, &body);
                    prop_assert!(notice.contains(&shown_as), "{:?} lacks {:?}", notice, shown_as);
                    prop_assert!(!notice.contains("@everyone") && !notice.contains("@here"));
                    // The notice is its template with the escaped name in it, and nothing else of
                    // the name: the notice of a placeholder name, the placeholder replaced.
                    let template = render::notice(lang, &with_name(&body, "\u{E000}"));
                    prop_assert_eq!(template.replace('\u{E000}', &shown_as), notice);
                }
            }
        }
    }
}
