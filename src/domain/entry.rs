//! An admin's key entry, judged: what was typed, parsed, then each key checked against the
//! key as stored and the product the order is for (its subscription's, or for an
//! activation its first key's). All keys are accepted, or none. At redemption, the order's
//! keys are checked again, under lock.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{
    input::split_keys,
    key::{KeyDigest, KeyTail, ProductKey},
    records::{GuildId, KeyState, OrderKey, Product, RedeemedBy, StoredKey},
    refusal::{KeyRefusal, KeyRefusalCause},
    MAX_KEYS_PER_ORDER,
};

/// Why a key entry is refused before any key is looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("no key was entered")]
    NoKeys,
    #[error("an order holds at most {max} keys; this would make {entered}")]
    TooManyKeys { max: usize, entered: usize },
}

/// What was typed, parsed: the well-formed keys to look up, and the refusals so far
/// (malformed, or repeated within the entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedKeys {
    pub valid: Vec<ProductKey>,
    pub refusals: Vec<KeyRefusal>,
}

/// The product every key of an order must be for: its SKU, and its name for the refusal
/// of a key for another product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderProduct<'a> {
    pub sku: &'a str,
    pub name: &'a str,
}

impl<'a> OrderProduct<'a> {
    /// The product of a stored key.
    pub fn of_key(key: &'a StoredKey) -> OrderProduct<'a> {
        OrderProduct {
            sku: &key.product_sku,
            name: &key.product_name,
        }
    }
}

impl<'a> From<&'a Product> for OrderProduct<'a> {
    fn from(product: &'a Product) -> OrderProduct<'a> {
        OrderProduct {
            sku: &product.sku,
            name: &product.name,
        }
    }
}

/// Keys that passed every check, ready to join an order: their ids, in the order typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedKeys {
    pub ids: Vec<i64>,
}

impl TypedKeys {
    /// Parses `typed` for an order that already holds `in_order` keys; nothing entered or
    /// too many keys stop here.
    pub fn parse(in_order: usize, typed: &str) -> Result<TypedKeys, EntryError> {
        let candidates = split_keys(typed);
        if candidates.is_empty() {
            return Err(EntryError::NoKeys);
        }
        if in_order + candidates.len() > MAX_KEYS_PER_ORDER {
            return Err(EntryError::TooManyKeys {
                max: MAX_KEYS_PER_ORDER,
                entered: in_order + candidates.len(),
            });
        }
        let mut refusals: Vec<KeyRefusal> = Vec::new();
        let mut valid: Vec<ProductKey> = Vec::new();
        let mut seen: HashSet<KeyDigest> = HashSet::new();
        for candidate in &candidates {
            match &candidate.parsed {
                Err(e) => refusals.push(KeyRefusal {
                    masked: candidate.masked(),
                    tail: None,
                    cause: KeyRefusalCause::Format(e.clone()),
                }),
                Ok(key) => {
                    if !seen.insert(key.digest()) {
                        refusals.push(KeyRefusal {
                            masked: key.masked(),
                            tail: Some(key.tail().to_string()),
                            cause: KeyRefusalCause::RepeatedInOrder,
                        });
                    } else {
                        valid.push(key.clone());
                    }
                }
            }
        }
        Ok(TypedKeys { valid, refusals })
    }

    /// The digests to look the well-formed keys up by.
    pub fn digests(&self) -> Vec<KeyDigest> {
        self.valid.iter().map(|k| k.digest()).collect()
    }
}

/// Why a stored key cannot be redeemed today in an order for `product`, if it cannot.
pub fn refusal_cause(
    key: &StoredKey,
    product: OrderProduct<'_>,
    today: NaiveDate,
) -> Option<KeyRefusalCause> {
    match key.state {
        KeyState::Redeemed => return Some(KeyRefusalCause::AlreadyRedeemed),
        // A reversed key was taken back: it is as good as revoked.
        KeyState::Revoked | KeyState::Reversed => return Some(KeyRefusalCause::Revoked),
        KeyState::Available => {}
    }
    if key.expires_on.is_some_and(|e| e < today) {
        return Some(KeyRefusalCause::Expired);
    }
    if key.product_sku != product.sku {
        return Some(KeyRefusalCause::OtherProduct {
            key_product: key.product_name.clone(),
            subscription_product: product.name.to_string(),
        });
    }
    None
}

/// The typed keys checked against the keys as stored (`stored`, by digest) for an order
/// for `product` that already holds the keys `in_order` (by id): all accepted, or the
/// refusals. An activation opened with these keys has no product yet (`None`): the first
/// typed key that is stored decides it.
pub fn judge_keys(
    typed: TypedKeys,
    product: Option<OrderProduct<'_>>,
    in_order: &[i64],
    stored: &[(KeyDigest, StoredKey)],
    today: NaiveDate,
) -> Result<AcceptedKeys, Vec<KeyRefusal>> {
    let TypedKeys {
        mut refusals,
        valid,
    } = typed;
    let first_stored = || {
        valid.iter().find_map(|key| {
            let digest = key.digest();
            stored.iter().find(|(d, _)| *d == digest).map(|(_, k)| k)
        })
    };
    let product = product.or_else(|| first_stored().map(OrderProduct::of_key));
    let mut ids = Vec::new();
    for key in &valid {
        let digest = key.digest();
        let refusal = |cause| KeyRefusal {
            masked: key.masked(),
            tail: Some(key.tail().to_string()),
            cause,
        };
        let Some((_, found)) = stored.iter().find(|(d, _)| *d == digest) else {
            refusals.push(refusal(KeyRefusalCause::Unknown));
            continue;
        };
        if in_order.contains(&found.id) {
            refusals.push(refusal(KeyRefusalCause::RepeatedInOrder));
            continue;
        }
        // Without a product of its own, the order's product is the first stored key's,
        // which is this one or one before it.
        let product = product.unwrap_or_else(|| OrderProduct::of_key(found));
        match refusal_cause(found, product, today) {
            Some(cause) => refusals.push(refusal(cause)),
            None => ids.push(found.id),
        }
    }
    if refusals.is_empty() {
        Ok(AcceptedKeys { ids })
    } else {
        Err(refusals)
    }
}

/// Why the keys of an order, checked again when it is redeemed, cannot be redeemed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecheckRefusal {
    /// Someone in the order's own guild redeemed this key meanwhile: they may be named.
    TakenInGuild { tail: KeyTail, by: RedeemedBy },
    /// Each refused key with its cause; a key redeemed in another guild names nobody.
    Refused(Vec<KeyRefusal>),
}

/// The keys of an order of `guild` for `product` checked again today, as they stand now.
/// Who redeemed a key meanwhile is told only within the same guild: nothing crosses
/// guilds.
pub fn recheck_order_keys(
    keys: &[OrderKey],
    product: OrderProduct<'_>,
    guild: GuildId,
    today: NaiveDate,
) -> Result<(), RecheckRefusal> {
    let mut refusals = Vec::new();
    for row in keys {
        if let Some(cause) = refusal_cause(&row.key, product, today) {
            let same_guild = row.redeemed_by.as_ref().filter(|by| by.guild == guild);
            if let (KeyRefusalCause::AlreadyRedeemed, Some(by)) = (&cause, same_guild) {
                return Err(RecheckRefusal::TakenInGuild {
                    tail: row.key.tail.clone(),
                    by: by.clone(),
                });
            }
            refusals.push(KeyRefusal {
                masked: row.key.tail.masked(),
                tail: Some(row.key.tail.to_string()),
                cause,
            });
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(RecheckRefusal::Refused(refusals))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::domain::{records::UserId, KeyFormatError, Term};

    const KEY_A: &str = "BCDFG-HJKMP-QRTVW-XY234-6789B";
    const KEY_B: &str = "MPQRT-VWXY2-34678-9BCDF-GHJK7";
    const KEY_C: &str = "QRTVW-XY234-6789B-CDFGH-JKMP2";

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("a valid test date")
    }

    fn key(s: &str) -> ProductKey {
        ProductKey::parse(s).expect("a valid test key")
    }

    fn standard() -> Product {
        Product {
            sku: "BUSINESS-STANDARD".into(),
            name: "Business Standard".into(),
            max_seats: None,
        }
    }

    /// `typed` as stored, available, for the subscription's product.
    fn stored(id: i64, typed: &str) -> (KeyDigest, StoredKey) {
        let key = key(typed);
        let stored = StoredKey {
            id,
            tail: key.tail(),
            product_sku: "BUSINESS-STANDARD".into(),
            product_name: "Business Standard".into(),
            seats: 5,
            term: Term::Months(12),
            expires_on: None,
            batch: None,
            reference: None,
            state: KeyState::Available,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        (key.digest(), stored)
    }

    fn in_order(position: i16, typed: &str, redeemed_by: Option<RedeemedBy>) -> OrderKey {
        let (_, mut key) = stored(i64::from(position), typed);
        if redeemed_by.is_some() {
            key.state = KeyState::Redeemed;
        }
        OrderKey {
            position,
            key,
            redeemed_by,
        }
    }

    fn causes(refusals: &[KeyRefusal]) -> Vec<KeyRefusalCause> {
        refusals.iter().map(|r| r.cause.clone()).collect()
    }

    #[test]
    fn an_entry_without_keys_or_with_too_many_is_refused_before_any_lookup() {
        assert_eq!(TypedKeys::parse(0, " ,\n "), Err(EntryError::NoKeys));
        assert_eq!(
            TypedKeys::parse(9, &format!("{KEY_A} {KEY_B}")),
            Err(EntryError::TooManyKeys {
                max: 10,
                entered: 11
            })
        );
        assert!(TypedKeys::parse(8, &format!("{KEY_A} {KEY_B}")).is_ok());
    }

    #[test]
    fn malformed_and_repeated_keys_are_refused_while_parsing() {
        let typed = TypedKeys::parse(0, &format!("{KEY_A} BCDFG-HJKMP {KEY_A}")).expect("parses");
        assert_eq!(typed.valid, vec![key(KEY_A)]);
        assert_eq!(
            causes(&typed.refusals),
            vec![
                KeyRefusalCause::Format(KeyFormatError::Length { found: 10 }),
                KeyRefusalCause::RepeatedInOrder
            ]
        );
        assert_eq!(typed.refusals[0].tail, None, "a malformed key has no tail");
        assert_eq!(typed.refusals[1].tail.as_deref(), Some("6789B"));
        assert_eq!(typed.digests(), vec![key(KEY_A).digest()]);
    }

    #[test]
    fn a_stored_key_is_refused_for_its_state_its_expiry_or_its_product() {
        let today = date("2026-03-01");
        let (_, available) = stored(1, KEY_A);
        assert_eq!(refusal_cause(&available, (&standard()).into(), today), None);
        let with = |f: fn(&mut StoredKey)| {
            let mut key = available.clone();
            f(&mut key);
            refusal_cause(&key, (&standard()).into(), today)
        };
        assert_eq!(
            with(|k| k.state = KeyState::Redeemed),
            Some(KeyRefusalCause::AlreadyRedeemed)
        );
        assert_eq!(
            with(|k| k.state = KeyState::Revoked),
            Some(KeyRefusalCause::Revoked)
        );
        assert_eq!(
            with(|k| k.expires_on = Some(date("2026-02-28"))),
            Some(KeyRefusalCause::Expired)
        );
        assert_eq!(
            with(|k| k.expires_on = Some(date("2026-03-01"))),
            None,
            "a key can be used on its expiry date"
        );
        assert_eq!(
            with(|k| {
                k.product_sku = "PREMIUM".into();
                k.product_name = "Premium".into();
            }),
            Some(KeyRefusalCause::OtherProduct {
                key_product: "Premium".into(),
                subscription_product: "Business Standard".into()
            })
        );
    }

    #[test]
    fn keys_that_pass_every_check_are_accepted_in_the_order_typed() {
        let typed = TypedKeys::parse(0, &format!("{KEY_B} {KEY_A}")).expect("parses");
        let found = [stored(1, KEY_A), stored(2, KEY_B)];
        assert_eq!(
            judge_keys(
                typed,
                Some((&standard()).into()),
                &[],
                &found,
                date("2026-03-01")
            ),
            Ok(AcceptedKeys { ids: vec![2, 1] })
        );
    }

    #[test]
    fn one_refused_key_refuses_the_entry_with_every_refusal() {
        let typed = TypedKeys::parse(1, &format!("{KEY_A} {KEY_B} {KEY_C} BCDFG")).expect("parses");
        let mut revoked = stored(3, KEY_C);
        revoked.1.state = KeyState::Revoked;
        // KEY_A is already in the order; KEY_B is not stored at all.
        let found = [stored(1, KEY_A), revoked];
        let refusals = judge_keys(
            typed,
            Some((&standard()).into()),
            &[1],
            &found,
            date("2026-03-01"),
        )
        .expect_err("refused");
        assert_eq!(
            causes(&refusals),
            vec![
                KeyRefusalCause::Format(KeyFormatError::Length { found: 5 }),
                KeyRefusalCause::RepeatedInOrder,
                KeyRefusalCause::Unknown,
                KeyRefusalCause::Revoked,
            ]
        );
    }

    #[test]
    fn an_order_whose_keys_still_stand_passes_the_recheck() {
        let keys = [in_order(1, KEY_A, None), in_order(2, KEY_B, None)];
        assert_eq!(
            recheck_order_keys(&keys, (&standard()).into(), GuildId(1), date("2026-03-01")),
            Ok(())
        );
    }

    #[test]
    fn a_key_redeemed_meanwhile_names_its_redeemer_only_within_the_same_guild() {
        let by = |guild| RedeemedBy {
            user: UserId(7),
            guild: GuildId(guild),
            at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let today = date("2026-03-01");
        let keys = [in_order(1, KEY_A, None), in_order(2, KEY_B, Some(by(1)))];
        assert_eq!(
            recheck_order_keys(&keys, (&standard()).into(), GuildId(1), today),
            Err(RecheckRefusal::TakenInGuild {
                tail: key(KEY_B).tail(),
                by: by(1)
            })
        );
        let keys = [in_order(1, KEY_A, None), in_order(2, KEY_B, Some(by(2)))];
        match recheck_order_keys(&keys, (&standard()).into(), GuildId(1), today) {
            Err(RecheckRefusal::Refused(refusals)) => {
                assert_eq!(causes(&refusals), vec![KeyRefusalCause::AlreadyRedeemed]);
                assert_eq!(refusals[0].tail.as_deref(), Some("GHJK7"));
            }
            other => panic!("expected the key refused without a name, got {other:?}"),
        }
    }

    #[test]
    fn without_a_product_the_first_stored_key_decides_it_and_another_products_key_is_refused() {
        let today = date("2026-03-01");
        let mut premium = stored(3, KEY_C);
        premium.1.product_sku = "BUSINESS-PREMIUM".into();
        premium.1.product_name = "Business Premium".into();
        let found = [stored(1, KEY_A), stored(2, KEY_B), premium];

        // An unknown key first does not decide: the first key that is stored does.
        let unknown = "DFGHJ-KMPQR-TVWXY-23467-89BCD";
        let typed = TypedKeys::parse(0, &format!("{unknown} {KEY_C} {KEY_A}")).expect("parses");
        let refusals = judge_keys(typed, None, &[], &found, today).expect_err("refused");
        assert_eq!(
            causes(&refusals),
            vec![
                KeyRefusalCause::Unknown,
                KeyRefusalCause::OtherProduct {
                    key_product: "Business Standard".into(),
                    subscription_product: "Business Premium".into()
                }
            ],
            "Business Premium, the first stored key's product, decides"
        );

        let typed = TypedKeys::parse(0, &format!("{KEY_B} {KEY_A}")).expect("parses");
        assert_eq!(
            judge_keys(typed, None, &[], &found, today),
            Ok(AcceptedKeys { ids: vec![2, 1] })
        );
        let typed = TypedKeys::parse(0, &format!("{KEY_A} {KEY_C}")).expect("parses");
        let refusals = judge_keys(typed, None, &[], &found, today).expect_err("refused");
        assert_eq!(
            causes(&refusals),
            vec![KeyRefusalCause::OtherProduct {
                key_product: "Business Premium".into(),
                subscription_product: "Business Standard".into()
            }]
        );
    }
}
