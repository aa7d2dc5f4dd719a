//! The words of the domain that the database (and notice bodies, and JSON listings) spell
//! as text: order kinds, order and key states, lifecycle states, notice kinds, refusal
//! causes. Each enum's spelling is written once, in its `names!` table; `as_str` and
//! `FromStr` (and serde, through them) are the only ways between the enum and its text.

/// Text that names no value of an enum, such as an order kind read from the database that
/// this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {text:?}")]
pub struct UnknownName {
    /// What was being named: `order kind`, `lifecycle state`, …
    pub what: &'static str,
    pub text: String,
}

/// Gives a field-less enum its one spelling: `as_str`, `FromStr` (unknown text is an
/// `UnknownName` error), `Display`, serde as that text, and `ALL`, every value.
///
/// ```ignore
/// names!(OrderKind, "order kind" {
///     AddLicenses => "add-licenses",
///     Extend => "extend",
/// });
/// ```
macro_rules! names {
    ($ty:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in the order of its spelling table.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The value's one spelling, as stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::domain::names::UnknownName;

            fn from_str(text: &str) -> ::std::result::Result<$ty, Self::Err> {
                match text {
                    $($text => Ok($ty::$variant),)+
                    _ => Err($crate::domain::names::UnknownName {
                        what: $what,
                        text: text.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<$ty, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use names;

#[cfg(test)]
mod tests {
    use std::{collections::HashSet, fmt::Debug, fmt::Display, str::FromStr};

    use super::UnknownName;
    use crate::domain::{
        records::{KeyState, OrderState, Revocation},
        AttemptCause, DeliveryState, EventType, LicenseEvent, LicenseReason, LifecycleState,
        NoticeKind, OrderKind, RequestState, Scope,
    };

    /// Each value has its own spelling, which reads back as that value, also through JSON.
    fn spelled_once<T>(all: &[T])
    where
        T: Copy + Debug + PartialEq + Display + FromStr<Err = UnknownName>,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let mut seen = HashSet::new();
        for &value in all {
            let text = value.to_string();
            assert!(seen.insert(text.clone()), "{text:?} names two values");
            assert_eq!(text.parse::<T>(), Ok(value));
            let json = serde_json::to_value(value).expect("serialises");
            assert_eq!(json, serde_json::Value::String(text.clone()));
            assert_eq!(serde_json::from_value::<T>(json).ok(), Some(value));
        }
    }

    #[test]
    fn every_word_of_the_domain_reads_back_from_its_spelling() {
        spelled_once(OrderKind::ALL);
        spelled_once(OrderState::ALL);
        spelled_once(KeyState::ALL);
        spelled_once(LifecycleState::ALL);
        spelled_once(NoticeKind::ALL);
        spelled_once(AttemptCause::ALL);
        spelled_once(LicenseReason::ALL);
        spelled_once(LicenseEvent::ALL);
        spelled_once(RequestState::ALL);
        spelled_once(Scope::ALL);
        spelled_once(Revocation::ALL);
        spelled_once(EventType::ALL);
        spelled_once(DeliveryState::ALL);
    }

    #[test]
    fn an_unknown_spelling_is_an_error_that_names_it() {
        let error = "Extend"
            .parse::<OrderKind>()
            .expect_err("spellings are exact");
        assert_eq!(
            error,
            UnknownName {
                what: "order kind",
                text: "Extend".into()
            }
        );
        assert_eq!(error.to_string(), r#"unknown order kind "Extend""#);
        assert!(serde_json::from_value::<LifecycleState>("gone".into()).is_err());
    }
}
