//! Text for people, from the Fluent catalogues in `locales/` (one per language). Handlers
//! pass message ids and arguments, never sentences.

use std::{borrow::Cow, collections::HashMap};

use fluent_templates::{fluent_bundle::FluentValue, Loader as _};
use unic_langid::{langid, LanguageIdentifier};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./src/discord/locales",
        fallback_language: "en-US",
        // No Unicode isolation marks around arguments: Discord shows them as-is.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN_US: LanguageIdentifier = langid!("en-US");
static NL: LanguageIdentifier = langid!("nl");

/// The languages licensebot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    EnUs,
    Nl,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::EnUs, Lang::Nl];

    /// From a Discord locale (`nl`, `en-US`, `en-GB`, `de`, …); English for the rest.
    pub fn from_discord(locale: &str) -> Lang {
        if locale.eq_ignore_ascii_case("nl") || locale.to_ascii_lowercase().starts_with("nl-") {
            Lang::Nl
        } else {
            Lang::EnUs
        }
    }

    /// The Discord locale code, as used in `name_localizations` and stored per guild.
    pub fn code(self) -> &'static str {
        match self {
            Lang::EnUs => "en-US",
            Lang::Nl => "nl",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::EnUs => &EN_US,
            Lang::Nl => &NL,
        }
    }

    /// The message `id`.
    pub fn t(self, id: &str) -> String {
        LOCALES.lookup(self.id(), id)
    }

    /// The message `id` with arguments.
    pub fn ta(self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.to_fluent()))
            .collect();
        LOCALES.lookup_with_args(self.id(), id, &args)
    }

    /// "1 license" / "2 licenses", "1 licentie" / "2 licenties".
    pub fn licenses(self, count: i64) -> String {
        self.ta("licenses", &[("count", Arg::Num(count))])
    }

    pub fn product_keys(self, count: i64) -> String {
        self.ta("product-keys", &[("count", Arg::Num(count))])
    }

    pub fn term(self, term: crate::domain::Term) -> String {
        match term {
            crate::domain::Term::Months(n) => {
                self.ta("term-months", &[("count", Arg::Num(i64::from(n)))])
            }
            crate::domain::Term::Days(n) => {
                self.ta("term-days", &[("count", Arg::Num(i64::from(n)))])
            }
        }
    }

    pub fn state(self, state: crate::domain::LifecycleState) -> String {
        self.t(&format!("state-{}", state.as_str()))
    }
}

/// An argument of a message: a number (plural-aware) or text.
#[derive(Debug, Clone)]
pub enum Arg {
    Num(i64),
    Str(String),
    /// A name people type, shown as text: its markdown escaped when it is put in.
    Name(String),
}

impl Arg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Str(s) => FluentValue::from(s.clone()),
            Arg::Name(name) => FluentValue::from(super::markdown::escape(name)),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Str(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Str(s)
    }
}

/// Short-hand for text arguments.
pub fn s(value: impl ToString) -> Arg {
    Arg::Str(value.to_string())
}

/// A name people type (a subscription's, a product's, a batch label): shown as text, never
/// as markup (`markdown::escape`). Text licensebot composes itself (mentions, timestamps,
/// masked keys) goes in with [`s`].
pub fn name_arg(value: impl AsRef<str>) -> Arg {
    Arg::Name(value.as_ref().to_owned())
}

/// Short-hand for numeric (plural-aware) arguments.
pub fn n(value: i64) -> Arg {
    Arg::Num(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split(" =").next())
            .map(|id| id.trim().to_string())
            .collect()
    }

    #[test]
    fn every_english_message_has_a_dutch_translation_and_back() {
        let en = ids(include_str!("locales/en-US/main.ftl"));
        let nl = ids(include_str!("locales/nl/main.ftl"));
        assert!(en.len() > 50, "parsed only {} ids", en.len());
        let missing_nl: Vec<_> = en.difference(&nl).collect();
        let missing_en: Vec<_> = nl.difference(&en).collect();
        assert!(missing_nl.is_empty(), "missing in nl: {missing_nl:?}");
        assert!(missing_en.is_empty(), "missing in en-US: {missing_en:?}");
        for id in &en {
            for lang in Lang::ALL {
                // Arguments are left out here, so placeholders render as `{$name}`.
                let text = LOCALES.lookup(lang.id(), id);
                assert!(!text.trim().is_empty(), "{id} is empty in {lang:?}");
            }
        }
    }

    #[test]
    fn counts_are_plural_aware_in_both_languages() {
        assert_eq!(Lang::EnUs.licenses(1), "1 license");
        assert_eq!(Lang::EnUs.licenses(2), "2 licenses");
        assert_eq!(Lang::Nl.licenses(1), "1 licentie");
        assert_eq!(Lang::Nl.licenses(2), "2 licenties");
        assert_eq!(Lang::Nl.product_keys(3), "3 productcodes");
        assert_eq!(Lang::EnUs.term(crate::domain::Term::Months(1)), "1 month");
        assert_eq!(Lang::Nl.term(crate::domain::Term::Days(30)), "30 dagen");
    }

    #[test]
    fn dutch_buttons_use_the_words_of_the_original_page() {
        assert_eq!(Lang::Nl.t("button-redeem"), "Inwisselen");
        assert_eq!(
            Lang::Nl.t("button-add-key"),
            "Een andere productcode toevoegen"
        );
        assert_eq!(Lang::Nl.t("button-cancel"), "Annuleren");
    }

    #[test]
    fn arguments_carry_no_isolation_marks() {
        let text = Lang::EnUs.ta("refusal-unknown", &[("tail", s("QRT7W"))]);
        assert_eq!(
            text,
            "The product key ending in `QRT7W` isn't valid. Check it and try again."
        );
    }

    #[test]
    fn discord_locales_map_to_the_languages_we_speak() {
        assert_eq!(Lang::from_discord("nl"), Lang::Nl);
        assert_eq!(Lang::from_discord("en-GB"), Lang::EnUs);
        assert_eq!(Lang::from_discord("de"), Lang::EnUs);
    }
}
