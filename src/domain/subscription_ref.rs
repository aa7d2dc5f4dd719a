//! How the admin named a subscription in a command option.

/// How the admin named the subscription: autocomplete's id, or its name typed by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionRef {
    Id(i64),
    Name(String),
}

impl SubscriptionRef {
    /// Autocomplete sends the id as text; anything else is taken as a name. Only the id's
    /// own spelling is an id, so a name such as `007` or `+5` typed by hand stays a name.
    pub fn from_option(value: &str) -> SubscriptionRef {
        let value = value.trim();
        match value.parse::<i64>() {
            Ok(id) if id > 0 && id.to_string() == value => SubscriptionRef::Id(id),
            _ => SubscriptionRef::Name(value.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_option_value_is_an_id_only_in_the_ids_own_spelling() {
        for (value, expected) in [
            ("42", SubscriptionRef::Id(42)),
            ("  42\n", SubscriptionRef::Id(42)),
            ("9223372036854775807", SubscriptionRef::Id(i64::MAX)),
            (
                "9223372036854775808",
                SubscriptionRef::Name("9223372036854775808".into()),
            ),
            (
                "99999999999999999999999",
                SubscriptionRef::Name("99999999999999999999999".into()),
            ),
            ("0", SubscriptionRef::Name("0".into())),
            ("-7", SubscriptionRef::Name("-7".into())),
            ("+7", SubscriptionRef::Name("+7".into())),
            ("007", SubscriptionRef::Name("007".into())),
            (
                "1; DROP TABLE subscriptions; --",
                SubscriptionRef::Name("1; DROP TABLE subscriptions; --".into()),
            ),
            (" Contoso ", SubscriptionRef::Name("Contoso".into())),
            ("", SubscriptionRef::Name(String::new())),
        ] {
            assert_eq!(SubscriptionRef::from_option(value), expected, "{value:?}");
        }
    }

    /// Property tests: `.ci/run` also runs them (`proptests::`) with many more cases.
    mod proptests {
        use super::*;

        proptest! {
            #[test]
            fn any_option_value_is_an_id_in_its_own_spelling_or_else_the_trimmed_text(value in any::<String>()) {
                match SubscriptionRef::from_option(&value) {
                    SubscriptionRef::Id(id) => {
                        prop_assert!(id > 0);
                        prop_assert_eq!(id.to_string(), value.trim());
                    }
                    SubscriptionRef::Name(name) => {
                        prop_assert_eq!(name.as_str(), value.trim());
                        prop_assert!(name.parse::<i64>().map_or(true, |id| id <= 0 || id.to_string() != name));
                    }
                }
            }

            #[test]
            fn every_id_autocomplete_offers_comes_back_as_that_id(id in 1..=i64::MAX, pad in "[ \t\n]{0,3}") {
                prop_assert_eq!(SubscriptionRef::from_option(&format!("{pad}{id}{pad}")), SubscriptionRef::Id(id));
            }

            #[test]
            fn numbers_that_are_no_id_are_names(n in prop_oneof![i64::MIN..=0, Just(i64::MIN)], zeros in "0{1,3}") {
                let text = n.to_string();
                prop_assert_eq!(SubscriptionRef::from_option(&text), SubscriptionRef::Name(text.clone()));
                let padded = format!("{zeros}{}", n.unsigned_abs());
                prop_assert_eq!(SubscriptionRef::from_option(&padded), SubscriptionRef::Name(padded.clone()));
            }
        }
    }
}
