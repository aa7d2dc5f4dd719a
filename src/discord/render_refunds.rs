//! What licensebot says in the team channel when the vendor takes back what was sold: a
//! reversed key (a refund), in the guild's language. Never a key: its last five characters.

use super::i18n::{n, name_arg, s, Lang};
use crate::{app::ReversalEntry, domain::NoticeBody};

/// A reversal in `/redemptions`: when, the key's tail, the subscription, before → after.
pub fn ledger_line(lang: Lang, r: &ReversalEntry) -> String {
    let mut change = Vec::new();
    if r.seats_after != r.seats_before || r.ends_after == r.ends_before {
        change.push(lang.ta(
            "redemptions-reversal-seats",
            &[("before", n(r.seats_before)), ("after", n(r.seats_after))],
        ));
    }
    if r.ends_after != r.ends_before {
        change.push(lang.ta(
            "redemptions-reversal-ends",
            &[("before", s(r.ends_before)), ("after", s(r.ends_after))],
        ));
    }
    lang.ta(
        "redemptions-line-reversal",
        &[
            ("at", n(r.reversed_at.timestamp())),
            ("tail", s(r.tail.as_str())),
            ("subscription", name_arg(&r.subscription_name)),
            ("change", s(change.join(" · "))),
        ],
    )
}

/// A refund or suspension notice, in `lang`; `None` for the other notices.
pub fn notice(lang: Lang, body: &NoticeBody) -> Option<String> {
    if let NoticeBody::Suspension {
        subscription,
        suspended,
    } = body
    {
        let id = if *suspended {
            "notice-suspended"
        } else {
            "notice-resumed"
        };
        return Some(lang.ta(id, &[("subscription", name_arg(subscription))]));
    }
    let NoticeBody::Reversal {
        subscription,
        tail,
        seats_before,
        seats_after,
        ends_before,
        ends_after,
        released,
    } = body
    else {
        return None;
    };
    let id = match (seats_after != seats_before, ends_after != ends_before) {
        (false, true) => "notice-reversal-ends",
        (true, true) => "notice-reversal-both",
        (true, false) | (false, false) => "notice-reversal-seats",
    };
    let mut text = lang.ta(
        id,
        &[
            ("tail", s(tail)),
            ("subscription", name_arg(subscription)),
            ("seats_after", s(lang.licenses(*seats_after))),
            ("seats_before", n(*seats_before)),
            ("ends_after", s(ends_after)),
            ("ends_before", s(ends_before)),
        ],
    );
    if !released.is_empty() {
        let members: Vec<String> = released.iter().map(|u| format!("<@{u}>")).collect();
        text.push(' ');
        text.push_str(&lang.ta(
            "notice-reversal-released",
            &[
                ("count", n(released.len() as i64)),
                ("members", s(members.join(", "))),
            ],
        ));
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(released: Vec<u64>) -> NoticeBody {
        NoticeBody::Reversal {
            subscription: "Contoso".into(),
            tail: "QRT7W".into(),
            seats_before: 50,
            seats_after: 45,
            ends_before: "2027-01-31".parse().unwrap(),
            ends_after: "2027-01-31".parse().unwrap(),
            released,
        }
    }

    #[test]
    fn a_reversal_notice_names_the_tail_the_seats_and_whom_it_released() {
        let text = notice(Lang::EnUs, &body(vec![7, 8])).unwrap();
        assert!(
            text.contains("The vendor reversed the product key ending in `QRT7W`"),
            "{text}"
        );
        assert!(text.contains("now has 45 licenses, was 50"), "{text}");
        assert!(text.contains("<@7>, <@8>"), "{text}");
        let nl = notice(Lang::Nl, &body(vec![])).unwrap();
        assert!(nl.contains("QRT7W") && nl.contains("45 licenties"), "{nl}");
    }
}
