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
static DE: LanguageIdentifier = langid!("de");
static FR: LanguageIdentifier = langid!("fr");
static ES_ES: LanguageIdentifier = langid!("es-ES");
static PT_BR: LanguageIdentifier = langid!("pt-BR");
static IT: LanguageIdentifier = langid!("it");
static PL: LanguageIdentifier = langid!("pl");

/// The languages licensebot speaks (PRODUCT.md, Language), each a catalogue in `locales/`
/// named by its Discord locale code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    EnUs,
    Nl,
    De,
    Fr,
    EsEs,
    PtBr,
    It,
    Pl,
}

impl Lang {
    pub const ALL: [Lang; 8] = [
        Lang::EnUs,
        Lang::Nl,
        Lang::De,
        Lang::Fr,
        Lang::EsEs,
        Lang::PtBr,
        Lang::It,
        Lang::Pl,
    ];

    /// From a Discord locale (`nl`, `en-US`, `en-GB`, `de`, `es-419`, …), by its language:
    /// Latin American Spanish reads the Spanish of Spain, any Portuguese the Brazilian;
    /// English for languages licensebot does not speak.
    pub fn from_discord(locale: &str) -> Lang {
        let language = locale.split(['-', '_']).next().unwrap_or("");
        match language.to_ascii_lowercase().as_str() {
            "nl" => Lang::Nl,
            "de" => Lang::De,
            "fr" => Lang::Fr,
            "es" => Lang::EsEs,
            "pt" => Lang::PtBr,
            "it" => Lang::It,
            "pl" => Lang::Pl,
            _ => Lang::EnUs,
        }
    }

    /// The Discord locale code, as used in `name_localizations` and stored per guild.
    pub fn code(self) -> &'static str {
        match self {
            Lang::EnUs => "en-US",
            Lang::Nl => "nl",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::EsEs => "es-ES",
            Lang::PtBr => "pt-BR",
            Lang::It => "it",
            Lang::Pl => "pl",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::EnUs => &EN_US,
            Lang::Nl => &NL,
            Lang::De => &DE,
            Lang::Fr => &FR,
            Lang::EsEs => &ES_ES,
            Lang::PtBr => &PT_BR,
            Lang::It => &IT,
            Lang::Pl => &PL,
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

    /// "1 license" / "2 licenses", "1 licentie" / "2 licenties", "2 licencje" / "5 licencji".
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
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

    /// The languages PRODUCT.md promises, by their Discord locale codes.
    const PROMISED: [&str; 8] = ["en-US", "nl", "de", "fr", "es-ES", "pt-BR", "it", "pl"];

    fn source(lang: Lang) -> String {
        let path = format!(
            "{}/src/discord/locales/{}/main.ftl",
            env!("CARGO_MANIFEST_DIR"),
            lang.code()
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A catalogue parsed by Fluent's own parser; a syntax error fails the test.
    fn parse(lang: Lang, source: &str) -> ast::Resource<&str> {
        match fluent_syntax::parser::parse(source) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{} does not parse: {errors:?}", lang.code()),
        }
    }

    fn messages<'s>(resource: &'s ast::Resource<&'s str>) -> Vec<&'s ast::Message<&'s str>> {
        resource
            .body
            .iter()
            .filter_map(|entry| match entry {
                ast::Entry::Message(m) => Some(m),
                _ => None,
            })
            .collect()
    }

    /// Every `$variable` a pattern puts in or selects on.
    fn variables<'s>(pattern: &ast::Pattern<&'s str>, found: &mut BTreeSet<&'s str>) {
        fn inline<'s>(e: &ast::InlineExpression<&'s str>, found: &mut BTreeSet<&'s str>) {
            match e {
                ast::InlineExpression::VariableReference { id } => {
                    found.insert(id.name);
                }
                ast::InlineExpression::Placeable { expression } => expr(expression, found),
                ast::InlineExpression::FunctionReference { arguments, .. }
                | ast::InlineExpression::TermReference {
                    arguments: Some(arguments),
                    ..
                } => {
                    for a in &arguments.positional {
                        inline(a, found);
                    }
                    for a in &arguments.named {
                        inline(&a.value, found);
                    }
                }
                _ => {}
            }
        }
        fn expr<'s>(e: &ast::Expression<&'s str>, found: &mut BTreeSet<&'s str>) {
            match e {
                ast::Expression::Inline(e) => inline(e, found),
                ast::Expression::Select { selector, variants } => {
                    inline(selector, found);
                    for v in variants {
                        variables(&v.value, found);
                    }
                }
            }
        }
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expr(expression, found);
            }
        }
    }

    /// Each message id with the variables it uses.
    fn placeables(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let source = source(lang);
        let resource = parse(lang, &source);
        let mut out = BTreeMap::new();
        for m in messages(&resource) {
            let mut found = BTreeSet::new();
            if let Some(value) = &m.value {
                variables(value, &mut found);
            }
            let previous = out.insert(
                m.id.name.to_string(),
                found.into_iter().map(str::to_string).collect(),
            );
            assert!(
                previous.is_none(),
                "{} defines {} twice",
                lang.code(),
                m.id.name
            );
        }
        out
    }

    #[test]
    fn licensebot_speaks_the_eight_languages_it_promises() {
        let codes: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, PROMISED);
        for code in PROMISED {
            assert_eq!(Lang::from_discord(code).code(), code, "Discord's {code}");
        }
    }

    #[test]
    fn every_catalogue_has_exactly_the_messages_and_placeables_of_english() {
        let en = placeables(Lang::EnUs);
        assert!(en.len() > 200, "parsed only {} ids", en.len());
        for lang in Lang::ALL {
            let other = placeables(lang);
            let missing: Vec<_> = en.keys().filter(|id| !other.contains_key(*id)).collect();
            let extra: Vec<_> = other.keys().filter(|id| !en.contains_key(*id)).collect();
            assert!(
                missing.is_empty(),
                "missing in {}: {missing:?}",
                lang.code()
            );
            assert!(
                extra.is_empty(),
                "not in en-US but in {}: {extra:?}",
                lang.code()
            );
            for (id, vars) in &en {
                assert_eq!(
                    &other[id],
                    vars,
                    "{id} in {} puts in other arguments than in en-US",
                    lang.code()
                );
                // Arguments are left out here, so placeholders render as `{$name}`.
                let text = LOCALES.lookup(lang.id(), id);
                assert!(!text.trim().is_empty(), "{id} is empty in {}", lang.code());
            }
        }
    }

    /// A pattern as text, every variant of a selector in turn and each variable as
    /// `{ $name }`, so that the markup around arguments can be compared across languages.
    fn flatten(pattern: &ast::Pattern<&str>, out: &mut String) {
        fn expr(e: &ast::Expression<&str>, out: &mut String) {
            match e {
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => {
                    out.push_str(&format!("{{ ${} }}", id.name));
                }
                ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
                    expr(expression, out)
                }
                ast::Expression::Inline(_) => out.push('?'),
                ast::Expression::Select { variants, .. } => {
                    for v in variants {
                        flatten(&v.value, out);
                        out.push('\n');
                    }
                }
            }
        }
        for element in &pattern.elements {
            match element {
                ast::PatternElement::TextElement { value } => out.push_str(value),
                ast::PatternElement::Placeable { expression } => expr(expression, out),
            }
        }
    }

    /// The Discord markup a message puts its arguments in: mentions, timestamps (with
    /// their style), `code` and *names*.
    fn markup(lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
        let pattern = regex::Regex::new(
            r"<(?:@&?|#)\{ \$\w+ \}>|<t:\{ \$\w+ \}:[tTdDfFR]>|`\{ \$\w+ \}`|\*\*?\{ \$\w+ \}\*\*?",
        )
        .expect("the markup pattern compiles");
        let source = source(lang);
        let resource = parse(lang, &source);
        messages(&resource)
            .into_iter()
            .map(|m| {
                let mut text = String::new();
                if let Some(value) = &m.value {
                    flatten(value, &mut text);
                }
                let found = pattern
                    .find_iter(&text)
                    .map(|t| t.as_str().to_string())
                    .collect();
                (m.id.name.to_string(), found)
            })
            .collect()
    }

    #[test]
    fn every_catalogue_keeps_the_discord_markup_of_english() {
        let en = markup(Lang::EnUs);
        assert!(en["error-key-taken"].contains("<t:{ $at }:f>"), "{en:?}");
        for lang in Lang::ALL {
            let other = markup(lang);
            for (id, tokens) in &en {
                assert_eq!(
                    other.get(id),
                    Some(tokens),
                    "{id} in {} marks up its arguments otherwise than en-US",
                    lang.code()
                );
            }
        }
    }

    fn category_name(category: PluralCategory) -> &'static str {
        match category {
            PluralCategory::ZERO => "zero",
            PluralCategory::ONE => "one",
            PluralCategory::TWO => "two",
            PluralCategory::FEW => "few",
            PluralCategory::MANY => "many",
            PluralCategory::OTHER => "other",
        }
    }

    /// The CLDR categories the plural rules Fluent uses give whole numbers in `lang`.
    fn integer_categories(lang: Lang) -> BTreeSet<&'static str> {
        let language: unic_langid::LanguageIdentifier = lang
            .code()
            .split('-')
            .next()
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("{}", lang.code()));
        let rules = PluralRules::create(language, PluralRuleType::CARDINAL)
            .unwrap_or_else(|e| panic!("{}: {e}", lang.code()));
        (0..=1_000u32)
            .chain([10_000, 100_000, 1_000_000, 10_000_000])
            .map(|n| category_name(rules.select(n).unwrap_or(PluralCategory::OTHER)))
            .collect()
    }

    #[test]
    fn every_plural_message_has_a_variant_for_each_plural_category_of_its_language() {
        const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
        let mut plurals = 0;
        for lang in Lang::ALL {
            let needed = integer_categories(lang);
            let source = source(lang);
            let resource = parse(lang, &source);
            for m in messages(&resource) {
                let Some(value) = &m.value else { continue };
                for element in &value.elements {
                    let ast::PatternElement::Placeable {
                        expression: ast::Expression::Select { variants, .. },
                    } = element
                    else {
                        continue;
                    };
                    let keys: BTreeSet<&str> = variants
                        .iter()
                        .filter_map(|v| match &v.key {
                            ast::VariantKey::Identifier { name } => Some(*name),
                            ast::VariantKey::NumberLiteral { .. } => None,
                        })
                        .collect();
                    if !keys.iter().all(|k| CATEGORIES.contains(k)) {
                        continue; // not a plural selector
                    }
                    plurals += 1;
                    let (id, code) = (m.id.name, lang.code());
                    let missing: Vec<_> = needed.difference(&keys).collect();
                    assert!(missing.is_empty(), "{id} in {code} lacks {missing:?}");
                    // `other` is Fluent's usual default, and CLDR's category for fractions.
                    let unused: Vec<_> = keys
                        .difference(&needed)
                        .filter(|k| **k != "other")
                        .collect();
                    assert!(
                        unused.is_empty(),
                        "{id} in {code} has {unused:?}, which {code} never uses for whole numbers"
                    );
                }
            }
        }
        assert!(plurals >= 8 * 8, "found only {plurals} plural selectors");
    }

    #[test]
    fn polish_counts_licenses_in_its_three_forms() {
        let pl = Lang::from_discord("pl");
        assert_eq!(pl.licenses(1), "1 licencja");
        assert_eq!(pl.licenses(2), "2 licencje");
        assert_eq!(pl.licenses(5), "5 licencji");
        assert_eq!(pl.licenses(12), "12 licencji");
        assert_eq!(pl.licenses(22), "22 licencje");
        assert_eq!(pl.product_keys(3), "3 klucze produktu");
        assert_eq!(pl.product_keys(25), "25 kluczy produktu");
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
        assert_eq!(Lang::from_discord("en-US"), Lang::EnUs);
        assert_eq!(Lang::from_discord("de").code(), "de");
        assert_eq!(Lang::from_discord("fr").code(), "fr");
        assert_eq!(Lang::from_discord("es-ES").code(), "es-ES");
        assert_eq!(Lang::from_discord("es-419").code(), "es-ES");
        assert_eq!(Lang::from_discord("pt-BR").code(), "pt-BR");
        assert_eq!(Lang::from_discord("it").code(), "it");
        assert_eq!(Lang::from_discord("pl").code(), "pl");
        assert_eq!(Lang::from_discord("sv-SE"), Lang::EnUs);
        assert_eq!(Lang::from_discord("zh-CN"), Lang::EnUs);
    }
}
