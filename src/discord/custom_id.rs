//! Buttons and modals carry their state in Postgres; their custom_ids only name it.
//! Every custom_id licensebot sends is built and decoded here, in one place.

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomId {
    /// `order:<uuid>:redeem`
    Redeem(Uuid),
    /// `order:<uuid>:add` — opens the *Add another product key* modal.
    AddKey(Uuid),
    /// `order:<uuid>:cancel`
    Cancel(Uuid),
    /// `order:<uuid>:keys` — the modal's own custom_id.
    KeysModal(Uuid),
    /// `redemptions:<subscription id or 0>:<page>`
    RedemptionsPage {
        subscription: Option<i64>,
        page: u32,
    },
    /// `licenses:<subscription id>:<page>` — a page of `/licenses list`.
    LicensesPage { subscription: i64, page: u32 },
    /// `request:<uuid>:approve` — on a member's request in the notice channel.
    ApproveRequest(Uuid),
    /// `request:<uuid>:deny`
    DenyRequest(Uuid),
}

/// The text input inside the keys modal.
pub const KEYS_INPUT: &str = "keys";

impl CustomId {
    /// Decodes a custom_id; anything not built by [`CustomId::encode`] is `None`.
    pub fn parse(raw: &str) -> Option<CustomId> {
        if raw.len() > 100 {
            return None;
        }
        let mut parts = raw.split(':');
        let id = match (parts.next()?, parts.next()?, parts.next()?) {
            ("order", id, action) => {
                // Only the canonical form we send, so each id has exactly one spelling.
                let id = Uuid::try_parse(id).ok().filter(|u| u.to_string() == id)?;
                match action {
                    "redeem" => CustomId::Redeem(id),
                    "add" => CustomId::AddKey(id),
                    "cancel" => CustomId::Cancel(id),
                    "keys" => CustomId::KeysModal(id),
                    _ => return None,
                }
            }
            ("request", id, action) => {
                let id = Uuid::try_parse(id).ok().filter(|u| u.to_string() == id)?;
                match action {
                    "approve" => CustomId::ApproveRequest(id),
                    "deny" => CustomId::DenyRequest(id),
                    _ => return None,
                }
            }
            ("licenses", sub, page) => {
                let sub: i64 = digits(sub)?.parse().ok()?;
                let page: u32 = digits(page)?.parse().ok()?;
                if sub <= 0 {
                    return None;
                }
                CustomId::LicensesPage {
                    subscription: sub,
                    page,
                }
            }
            ("redemptions", sub, page) => {
                let sub: i64 = digits(sub)?.parse().ok()?;
                let page: u32 = digits(page)?.parse().ok()?;
                CustomId::RedemptionsPage {
                    subscription: (sub > 0).then_some(sub),
                    page,
                }
            }
            _ => return None,
        };
        parts.next().is_none().then_some(id)
    }

    /// What the button or modal does, as a metrics label.
    pub fn label(self) -> &'static str {
        match self {
            CustomId::Redeem(_) => "redeem",
            CustomId::AddKey(_) => "add-key",
            CustomId::Cancel(_) => "cancel",
            CustomId::KeysModal(_) => "keys",
            CustomId::RedemptionsPage { .. } => "redemptions-page",
            CustomId::LicensesPage { .. } => "licenses-page",
            CustomId::ApproveRequest(_) => "approve-request",
            CustomId::DenyRequest(_) => "deny-request",
        }
    }

    pub fn encode(self) -> String {
        match self {
            CustomId::Redeem(id) => format!("order:{id}:redeem"),
            CustomId::AddKey(id) => format!("order:{id}:add"),
            CustomId::Cancel(id) => format!("order:{id}:cancel"),
            CustomId::KeysModal(id) => format!("order:{id}:keys"),
            CustomId::RedemptionsPage { subscription, page } => {
                format!("redemptions:{}:{page}", subscription.unwrap_or(0))
            }
            CustomId::LicensesPage { subscription, page } => {
                format!("licenses:{subscription}:{page}")
            }
            CustomId::ApproveRequest(id) => format!("request:{id}:approve"),
            CustomId::DenyRequest(id) => format!("request:{id}:deny"),
        }
    }
}

fn digits(s: &str) -> Option<&str> {
    let canonical = s == "0" || !s.starts_with('0');
    (canonical && !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
        .then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_custom_id_round_trips() {
        let id = Uuid::new_v4();
        for c in [
            CustomId::Redeem(id),
            CustomId::AddKey(id),
            CustomId::Cancel(id),
            CustomId::KeysModal(id),
            CustomId::RedemptionsPage {
                subscription: None,
                page: 0,
            },
            CustomId::RedemptionsPage {
                subscription: Some(42),
                page: 3,
            },
            CustomId::LicensesPage {
                subscription: 42,
                page: 0,
            },
            CustomId::ApproveRequest(id),
            CustomId::DenyRequest(id),
        ] {
            let raw = c.encode();
            assert!(raw.len() <= 100);
            assert_eq!(CustomId::parse(&raw), Some(c), "{raw}");
        }
    }

    #[test]
    fn forged_custom_ids_decode_to_nothing() {
        for raw in [
            "",
            "order",
            "order:not-a-uuid:redeem",
            "order:00000000-0000-0000-0000-000000000000:steal",
            "order:00000000-0000-0000-0000-000000000000:redeem:extra",
            "redemptions:-1:2",
            "redemptions:1:+2",
            "redemptions:99999999999999999999:1",
            "licenses:0:1",
            "licenses:-4:1",
            "licenses:007:1",
            "request:00000000-0000-0000-0000-000000000000:grant",
            "request:not-a-uuid:approve",
            "admin:1:2",
        ] {
            assert_eq!(CustomId::parse(raw), None, "{raw}");
        }
    }

    /// Property tests: `.ci/run` also runs them (`proptests::`) with many more cases.
    mod proptests {
        use super::*;

        /// Text shaped like a custom_id, with whether it is one the bot sends: a random near
        /// miss (which practically never holds a canonical UUID), an order's id (any UUID,
        /// canonically spelt, with each action) or a page of the redemptions list.
        fn custom_id_text() -> impl Strategy<Value = (String, bool)> {
            let near_miss = "(order|redemptions|licenses|request):[0-9a-f-]{0,40}:[a-z0-9]{0,8}";
            let action = prop::sample::select(vec!["redeem", "add", "cancel", "keys"]);
            let order = (any::<u128>(), action)
                .prop_map(|(n, action)| format!("order:{}:{action}", Uuid::from_u128(n)));
            let page = (0..=999_999_999_999_999_999_i64, any::<u32>())
                .prop_map(|(sub, page)| format!("redemptions:{sub}:{page}"));
            let holders = (1..=999_999_999_999_999_999_i64, any::<u32>())
                .prop_map(|(sub, page)| format!("licenses:{sub}:{page}"));
            let decision = prop::sample::select(vec!["approve", "deny"]);
            let request = (any::<u128>(), decision)
                .prop_map(|(n, action)| format!("request:{}:{action}", Uuid::from_u128(n)));
            prop_oneof![
                near_miss.prop_map(|raw| (raw, false)),
                order.prop_map(|raw| (raw, true)),
                page.prop_map(|raw| (raw, true)),
                holders.prop_map(|raw| (raw, true)),
                request.prop_map(|raw| (raw, true)),
            ]
        }

        proptest! {
            #[test]
            fn decoding_arbitrary_text_never_panics(raw in ".{0,200}") {
                let _ = CustomId::parse(&raw);
            }

            #[test]
            fn whatever_decodes_encodes_back_to_the_same_text((raw, sent) in custom_id_text()) {
                match CustomId::parse(&raw) {
                    Some(id) => prop_assert_eq!(id.encode(), raw),
                    None => prop_assert!(!sent, "{} is one the bot sends, yet does not decode", raw),
                }
            }
        }
    }
}
