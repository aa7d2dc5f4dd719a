//! What licensebot shows: embeds, buttons and text, in the reader's language. Keys appear
//! only masked, and only in ephemeral replies.

use chrono::{DateTime, NaiveDate, Utc};
use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed, CreateInputText, CreateModal,
    InputTextStyle,
};

use super::{
    custom_id::{CustomId, KEYS_INPUT},
    i18n::{n, name_arg, s, Arg, Lang},
    markdown::escape,
};
use crate::{
    app::{NoticeBody, Plan, Receipt, Review, UserError},
    domain::{
        catalogue::NameError, records::Subject, ActivatePlan, KeyFormatError, KeyRefusal,
        KeyRefusalCause, LifecycleState, OrderKind, RuleError, SeatDays,
    },
};

pub const BLURPLE: Colour = Colour(0x5865F2);
pub const GREEN: Colour = Colour(0x57F287);
pub const YELLOW: Colour = Colour(0xFEE75C);
pub const ORANGE: Colour = Colour(0xE67E22);
pub const RED: Colour = Colour(0xED4245);
pub const GREY: Colour = Colour(0x95A5A6);

/// A reply: text, embeds and buttons, ephemeral unless said otherwise.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub content: Option<String>,
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            content: Some(text.into()),
            ..Reply::default()
        }
    }
}

fn unix(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// A calendar date as a Discord timestamp (`<t:…:D>`), which every reader sees in their own
/// language and format. It stands at noon UTC, so that readers in every time zone from
/// UTC−12 to UTC+12 see the day itself.
pub fn day(date: NaiveDate) -> Arg {
    s(format!("<t:{}:D>", noon_utc(date)))
}

/// Noon UTC of `date`, in Unix seconds.
pub fn noon_utc(date: NaiveDate) -> i64 {
    date.and_hms_opt(12, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or_default()
}

pub fn state_colour(state: LifecycleState) -> Colour {
    match state {
        LifecycleState::Active => GREEN,
        LifecycleState::Expired => YELLOW,
        LifecycleState::Disabled => ORANGE,
        LifecycleState::Deleted => RED,
        LifecycleState::Suspended => ORANGE,
    }
}

pub fn state_badge(lang: Lang, state: LifecycleState) -> String {
    let dot = match state {
        LifecycleState::Active => "🟢",
        LifecycleState::Expired => "🟡",
        LifecycleState::Disabled => "🟠",
        LifecycleState::Deleted => "🔴",
        LifecycleState::Suspended => "⏸️",
    };
    format!("{dot} {}", lang.state(state))
}

/// One line per refused key.
pub fn refusal_line(lang: Lang, r: &KeyRefusal) -> String {
    let tail = r.tail.clone().unwrap_or_default();
    match &r.cause {
        KeyRefusalCause::Format(KeyFormatError::Character { position, found }) => lang.ta(
            "refusal-character",
            &[
                ("masked", s(&r.masked)),
                ("position", n(*position as i64)),
                ("found", s(printable(*found))),
            ],
        ),
        KeyRefusalCause::Format(KeyFormatError::Length { found }) => lang.ta(
            "refusal-length",
            &[("masked", s(&r.masked)), ("found", n(*found as i64))],
        ),
        KeyRefusalCause::Unknown => lang.ta("refusal-unknown", &[("tail", s(tail))]),
        KeyRefusalCause::AlreadyRedeemed => lang.ta("refusal-redeemed", &[("tail", s(tail))]),
        KeyRefusalCause::Revoked => lang.ta("refusal-revoked", &[("tail", s(tail))]),
        KeyRefusalCause::Expired => lang.ta("refusal-expired", &[("tail", s(tail))]),
        KeyRefusalCause::OtherProduct {
            key_product,
            subscription_product,
        } => lang.ta(
            "refusal-other-product",
            &[
                ("tail", s(tail)),
                ("key_product", name_arg(key_product)),
                ("subscription_product", name_arg(subscription_product)),
            ],
        ),
        KeyRefusalCause::RepeatedInOrder => {
            lang.ta("refusal-repeated", &[("masked", s(&r.masked))])
        }
    }
}

/// A character as it may be shown inside quotes in a message: letters, digits and ASCII
/// punctuation as they are; anything else by its code point, so that control, invisible
/// and right-to-left override characters cannot garble or hide the message.
fn printable(c: char) -> String {
    if (c.is_alphanumeric() || c.is_ascii_graphic()) && c != '`' && c != '\'' {
        c.to_string()
    } else {
        format!("U+{:04X}", c as u32)
    }
}

pub fn rule_error(lang: Lang, e: &RuleError, subscription: Option<&str>) -> String {
    let sub = subscription.unwrap_or("");
    match e {
        RuleError::NoKeys => lang.t("error-no-keys"),
        RuleError::TooManyKeys { max } => lang.ta(
            "error-too-many-keys",
            &[("max", n(*max as i64)), ("entered", n(*max as i64 + 1))],
        ),
        // Nothing can be redeemed on a deleted subscription, ever: the way on is a new one.
        RuleError::WrongState {
            state: LifecycleState::Deleted,
            ..
        } => lang.ta("error-deleted", &[("subscription", name_arg(sub))]),
        RuleError::WrongState {
            state,
            kind: OrderKind::AddLicenses,
        } => lang.ta(
            "error-wrong-state-add",
            &[
                ("subscription", name_arg(sub)),
                ("state", s(lang.state(*state).to_lowercase())),
            ],
        ),
        // An activation has no state to be in: only extend is left here.
        RuleError::WrongState {
            kind: OrderKind::Extend | OrderKind::Activate,
            ..
        } => lang.ta(
            "error-wrong-state-extend",
            &[("subscription", name_arg(sub))],
        ),
        RuleError::SeatCap {
            subscription,
            product,
            would_have,
            max,
        } => lang.ta(
            "error-seat-cap",
            &[
                ("subscription", name_arg(subscription)),
                ("product", name_arg(product)),
                ("would_have", n(*would_have)),
                ("max", n(*max)),
            ],
        ),
        RuleError::LessThanOneDay => {
            lang.ta("error-less-than-a-day", &[("subscription", name_arg(sub))])
        }
        RuleError::OutOfRange => lang.t("error-out-of-range"),
        // licensebot's own fault (the app reports it as an internal error): no message
        // blames the admin for it.
        RuleError::KindMismatch { .. } => internal_error(lang, "kind-mismatch"),
    }
}

/// Why an activation's name is refused.
pub fn name_error(lang: Lang, e: &NameError) -> String {
    match e {
        NameError::Empty => lang.t("error-name-empty"),
        NameError::TooLong { max, found } => lang.ta(
            "error-name-too-long",
            &[("max", n(*max as i64)), ("found", n(*found as i64))],
        ),
        NameError::Control { position } => {
            lang.ta("error-name-control", &[("position", n(*position as i64))])
        }
    }
}

/// What the admin is told when the app refuses; nothing was changed.
pub fn user_error(lang: Lang, e: &UserError, subscription: Option<&str>) -> String {
    match e {
        UserError::NotInGuild => lang.t("error-not-in-guild"),
        UserError::NotAllowed => lang.t("error-not-allowed"),
        UserError::SubscriptionNotFound => lang.t("error-subscription-not-found"),
        UserError::InvalidName(e) => name_error(lang, e),
        UserError::NameTaken { name, deleted } => lang.ta(
            if *deleted {
                "error-name-taken-deleted"
            } else {
                "error-name-taken"
            },
            &[("subscription", name_arg(name))],
        ),
        UserError::NoKeysEntered => lang.t("error-no-keys"),
        UserError::TooManyKeys { max, entered } => lang.ta(
            "error-too-many-keys",
            &[("max", n(*max as i64)), ("entered", n(*entered as i64))],
        ),
        UserError::KeysRefused(refusals) => {
            let mut lines: Vec<String> = Vec::new();
            for r in refusals {
                let line = refusal_line(lang, r);
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
            if lines.is_empty() {
                // The key was added by another click at the same moment: which one is not
                // known here, so the message names none.
                lines.push(lang.t("refusal-repeated-unnamed"));
            }
            lines.push(lang.t("refusal-nothing-changed"));
            lines.join("\n")
        }
        UserError::Rule(rule) => rule_error(lang, rule, subscription),
        UserError::LockedOut { until } => {
            lang.ta("error-locked-out", &[("until", n(unix(*until)))])
        }
        UserError::OrderNotFound => lang.t("error-order-not-found"),
        UserError::NotYourOrder => lang.t("error-not-your-order"),
        UserError::OrderExpired => lang.t("error-order-expired"),
        UserError::OrderCancelled => lang.t("error-order-cancelled"),
        UserError::OrderRedeemed { by, at } => lang.ta(
            "error-order-redeemed",
            &[("user", s(by.0)), ("at", n(unix(*at)))],
        ),
        UserError::KeyTaken { tail, by, at, .. } => lang.ta(
            "error-key-taken",
            &[("tail", s(tail)), ("user", s(by.0)), ("at", n(unix(*at)))],
        ),
        UserError::License(refusal) => super::render_licenses::refusal(lang, refusal),
        UserError::Suspended { subscription } => lang.ta(
            "error-suspended",
            &[("subscription", name_arg(subscription))],
        ),
    }
}

pub fn internal_error(lang: Lang, error_id: &str) -> String {
    lang.ta("error-internal", &[("id", s(error_id))])
}

fn subscription_field(lang: Lang, review: &Review) -> String {
    let head = format!(
        "{} ({})",
        escape(review.subject.name()),
        escape(&review.subject.product().name)
    );
    match &review.subject {
        // "13 of 70 assigned": a subscription that does not exist yet has no holders.
        Subject::Existing(sub) => format!(
            "{head}\n{}",
            super::render_licenses::assigned_of(lang, review.assigned, sub.seats)
        ),
        Subject::New { .. } => head,
    }
}

fn key_lines(lang: Lang, review: &Review) -> String {
    review
        .keys
        .iter()
        .map(|k| {
            lang.ta(
                "review-key-line",
                &[
                    ("masked", s(&k.masked)),
                    ("licenses", s(lang.licenses(k.seats))),
                    ("term", s(lang.term(k.term))),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// "10 × 365 days + 5 × 30 days = 3800 license-days ÷ 15 licenses = 253 days (rounded
/// down)": pooled seat-time, spelled out.
fn seat_time_sum(lang: Lang, parts: &[SeatDays], seat_days: i64, seats: i64, days: i64) -> String {
    let parts = parts
        .iter()
        .map(|part| {
            lang.ta(
                "review-seat-time-part",
                &[("seats", n(part.seats)), ("days", n(part.days))],
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    lang.ta(
        "review-seat-time-sum",
        &[
            ("parts", s(parts)),
            ("seat_days", n(seat_days)),
            ("seats", n(seats)),
            ("days", n(days)),
        ],
    )
}

/// Fields shared by the review and the receipt: before → after, or for an activation the
/// subscription it starts.
fn change_fields(lang: Lang, review: &Review, embed: CreateEmbed) -> CreateEmbed {
    let head = |embed: CreateEmbed| {
        embed
            .field(
                lang.t("review-subscription"),
                subscription_field(lang, review),
                false,
            )
            .field(lang.t("review-keys"), key_lines(lang, review), false)
    };
    match &review.plan {
        Plan::AddLicenses(p) => head(embed)
            .field(
                lang.t("review-licenses"),
                lang.ta(
                    "review-change",
                    &[("before", n(p.seats_before)), ("after", n(p.seats_after))],
                ),
                true,
            )
            .field(
                lang.t("review-end-date"),
                lang.ta("review-unchanged", &[("value", day(p.ends_on))]),
                true,
            ),
        Plan::Extend(p) => head(embed)
            .field(
                lang.t("review-licenses"),
                lang.ta("review-unchanged", &[("value", s(p.seats))]),
                true,
            )
            .field(
                lang.t("review-end-date"),
                lang.ta(
                    "review-change",
                    &[("before", day(p.ends_before)), ("after", day(p.ends_after))],
                ),
                true,
            )
            .field(
                lang.t("review-seat-time"),
                seat_time_sum(lang, &p.parts, p.seat_days, p.seats, p.days),
                false,
            ),
        Plan::Activate(p) => activation_fields(lang, review, p, embed),
    }
}

/// "New subscription *Contoso* · Business Standard · 25 licenses · ends <t:…:D>", the
/// keys, the end date counted from today, and the pooled arithmetic when the keys' terms
/// differ (keys of one term run exactly that term).
fn activation_fields(
    lang: Lang,
    review: &Review,
    p: &ActivatePlan,
    embed: CreateEmbed,
) -> CreateEmbed {
    let started = lang.ta(
        "review-new-subscription",
        &[
            ("subscription", name_arg(review.subject.name())),
            ("product", name_arg(&review.subject.product().name)),
            ("licenses", s(lang.licenses(p.seats))),
            ("ends_on", day(p.ends_on)),
        ],
    );
    let term = match p.single_term() {
        Some(term) => lang.term(term),
        None => lang.ta("term-days", &[("count", n(p.days))]),
    };
    let embed = embed
        .field(lang.t("review-subscription"), started, false)
        .field(lang.t("review-keys"), key_lines(lang, review), false)
        .field(
            lang.t("review-end-date"),
            lang.ta(
                "review-ends-from-today",
                &[
                    ("ends_on", day(p.ends_on)),
                    ("term", s(term)),
                    ("today", day(p.starts_on)),
                ],
            ),
            false,
        );
    if p.single_term().is_some() {
        return embed;
    }
    embed.field(
        lang.t("review-seat-time"),
        seat_time_sum(lang, &p.parts, p.seat_days, p.seats, p.days),
        false,
    )
}

/// The review of an open order, with its three buttons.
pub fn review(lang: Lang, review: &Review) -> Reply {
    let title = match review.order.kind {
        OrderKind::AddLicenses => lang.t("review-title-add"),
        OrderKind::Extend => lang.t("review-title-extend"),
        OrderKind::Activate => lang.t("review-title-activate"),
    };
    let mut notes: Vec<String> = review
        .refusals
        .iter()
        .map(|r| refusal_line(lang, r))
        .collect();
    match &review.plan {
        Plan::AddLicenses(p) if p.term_reaches_past_end => {
            notes.push(format!(
                "⚠️ {}",
                lang.ta("review-coterm", &[("ends_on", day(p.ends_on))])
            ));
        }
        Plan::Extend(p) if p.base_is_today => notes.push(format!(
            "ℹ️ {}",
            lang.ta(
                "review-base-today",
                &[
                    ("subscription", name_arg(review.subject.name())),
                    ("today", day(p.base))
                ]
            )
        )),
        _ => {}
    }
    notes.push(lang.ta(
        "review-expires",
        &[("at", n(unix(review.order.expires_at)))],
    ));
    let embed = change_fields(
        lang,
        review,
        CreateEmbed::new().title(title).colour(BLURPLE),
    )
    .description(notes.join("\n"));
    let id = review.order.id;
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(CustomId::Redeem(id).encode())
            .label(lang.t("button-redeem"))
            .style(ButtonStyle::Success),
        CreateButton::new(CustomId::AddKey(id).encode())
            .label(lang.t("button-add-key"))
            .style(ButtonStyle::Secondary)
            .disabled(review.keys.len() >= crate::domain::MAX_KEYS_PER_ORDER),
        CreateButton::new(CustomId::Cancel(id).encode())
            .label(lang.t("button-cancel"))
            .style(ButtonStyle::Danger),
    ]);
    Reply {
        content: None,
        embeds: vec![embed],
        components: vec![buttons],
    }
}

/// The review again, with refusals above it (nothing was added).
pub fn review_with_problem(lang: Lang, r: &Review, problem: String) -> Reply {
    let mut reply = review(lang, r);
    reply.content = Some(problem);
    reply
}

/// The receipt that replaces the review after Redeem: no buttons.
pub fn receipt(lang: Lang, receipt: &Receipt) -> Reply {
    let r = &receipt.review;
    let body = lang.ta(
        match r.order.kind {
            OrderKind::Activate => "receipt-body-activate",
            OrderKind::AddLicenses | OrderKind::Extend => "receipt-body",
        },
        &[
            ("keys", s(lang.product_keys(r.keys.len() as i64))),
            ("subscription", name_arg(r.subject.name())),
        ],
    );
    let embed = change_fields(
        lang,
        r,
        CreateEmbed::new()
            .title(format!("✅ {}", lang.t("receipt-title")))
            .colour(GREEN)
            .description(body),
    )
    .timestamp(
        serenity::model::Timestamp::from_unix_timestamp(receipt.redeemed_at.timestamp())
            .unwrap_or_else(|_| serenity::model::Timestamp::now()),
    );
    Reply {
        content: None,
        embeds: vec![embed],
        components: vec![],
    }
}

/// A closed review: the reason, no buttons.
pub fn closed(text: String) -> Reply {
    Reply {
        content: Some(text),
        embeds: vec![],
        components: vec![],
    }
}

/// The *Add another product key* modal.
pub fn keys_modal(lang: Lang, order: uuid::Uuid) -> CreateModal {
    let input = CreateInputText::new(
        InputTextStyle::Paragraph,
        lang.t("modal-keys-label"),
        KEYS_INPUT,
    )
    .placeholder(lang.t("modal-keys-placeholder"))
    .min_length(1)
    .max_length(1000)
    .required(true);
    CreateModal::new(CustomId::KeysModal(order).encode(), lang.t("modal-title"))
        .components(vec![CreateActionRow::InputText(input)])
}

/// A notice for the team channel, in the guild's language.
pub fn notice(lang: Lang, body: &NoticeBody) -> String {
    match body {
        NoticeBody::Redemption {
            user,
            subscription,
            kind,
            seats_before,
            seats_after,
            ends_before,
            ends_after,
            keys,
        } => {
            if *kind == OrderKind::Extend {
                lang.ta(
                    "notice-redemption-extend",
                    &[
                        ("user", s(user)),
                        ("subscription", name_arg(subscription)),
                        ("before", day(*ends_before)),
                        ("after", day(*ends_after)),
                        ("keys", s(lang.product_keys(*keys))),
                    ],
                )
            } else {
                lang.ta(
                    "notice-redemption-add",
                    &[
                        ("user", s(user)),
                        ("added", s(lang.licenses(seats_after - seats_before))),
                        ("subscription", name_arg(subscription)),
                        ("before", n(*seats_before)),
                        ("after", n(*seats_after)),
                        ("keys", s(lang.product_keys(*keys))),
                    ],
                )
            }
        }
        NoticeBody::Activation {
            user,
            subscription,
            product,
            seats,
            ends_on,
            keys,
        } => lang.ta(
            "notice-redemption-activate",
            &[
                ("user", s(user)),
                ("subscription", name_arg(subscription)),
                ("product", name_arg(product)),
                ("licenses", s(lang.licenses(*seats))),
                ("ends_on", day(*ends_on)),
                ("keys", s(lang.product_keys(*keys))),
            ],
        ),
        NoticeBody::Reminder {
            subscription,
            ends_on,
            days,
        } => lang.ta(
            "notice-reminder",
            &[
                ("subscription", name_arg(subscription)),
                ("ends_on", day(*ends_on)),
                ("days", n(*days)),
            ],
        ),
        NoticeBody::StateChange {
            subscription,
            state,
            ends_on,
        } => lang.ta(
            &format!("notice-state-{state}"),
            &[
                ("subscription", name_arg(subscription)),
                ("ends_on", day(*ends_on)),
            ],
        ),
        NoticeBody::Lockout { user, until } => lang.ta(
            "notice-lockout",
            &[("user", s(user)), ("until", n(unix(*until)))],
        ),
        NoticeBody::Reversal { .. } | NoticeBody::Suspension { .. } => {
            super::render_refunds::notice(lang, body).unwrap_or_default()
        }
        NoticeBody::LicenseRequest { .. }
        | NoticeBody::LicensesFull { .. }
        | NoticeBody::MemberGone { .. }
        | NoticeBody::RoleRefused { .. }
        | NoticeBody::RoleHalted { .. }
        | NoticeBody::RequestDecided { .. } => {
            super::render_licenses::notice(lang, body).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn a_date_is_shown_as_a_discord_timestamp_at_noon_utc() {
        let date = NaiveDate::from_ymd_opt(2027, 11, 29).unwrap();
        assert_eq!(
            Lang::EnUs.ta("review-coterm", &[("ends_on", day(date))]),
            "These licenses end with the subscription on <t:1827489600:D>; use /extend to extend it."
        );
    }

    #[test]
    fn a_redemption_notice_names_who_what_and_how_many_keys_but_no_key() {
        let body = NoticeBody::Redemption {
            user: 42,
            subscription: "Contoso".into(),
            kind: OrderKind::AddLicenses,
            seats_before: 50,
            seats_after: 75,
            ends_before: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            ends_after: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            keys: 1,
        };
        assert_eq!(
            notice(Lang::EnUs, &body),
            "<@42> added 25 licenses to *Contoso*: 50 → 75 licenses (1 product key)."
        );
        assert_eq!(
            notice(Lang::Nl, &body),
            "<@42> heeft 25 licenties toegevoegd aan *Contoso*: 50 → 75 licenties (1 productcode)."
        );
    }

    #[test]
    fn an_activation_notice_says_who_started_what_until_when_with_how_many_keys() {
        let body = NoticeBody::Activation {
            user: 42,
            subscription: "Contoso".into(),
            product: "Business Standard".into(),
            seats: 25,
            ends_on: NaiveDate::from_ymd_opt(2027, 11, 29).unwrap(),
            keys: 1,
        };
        assert_eq!(
            notice(Lang::EnUs, &body),
            "<@42> started *Contoso* (Business Standard): 25 licenses until <t:1827489600:D>, 1 product key."
        );
        assert_eq!(
            notice(Lang::Nl, &body),
            "<@42> heeft *Contoso* (Business Standard) gestart: 25 licenties tot <t:1827489600:D>, 1 productcode."
        );
    }

    #[test]
    fn each_refused_name_has_its_own_message_in_both_languages() {
        let refusals = [
            UserError::InvalidName(NameError::Empty),
            UserError::InvalidName(NameError::TooLong {
                max: 100,
                found: 101,
            }),
            UserError::InvalidName(NameError::Control { position: 4 }),
            UserError::NameTaken {
                name: "Contoso".into(),
                deleted: false,
            },
            UserError::NameTaken {
                name: "Contoso".into(),
                deleted: true,
            },
        ];
        for lang in Lang::ALL {
            let texts: Vec<String> = refusals.iter().map(|e| user_error(lang, e, None)).collect();
            let distinct: std::collections::HashSet<_> = texts.iter().collect();
            assert_eq!(distinct.len(), texts.len(), "{texts:#?}");
            for text in &texts {
                assert!(!text.contains('{') && !text.contains('$'), "{text}");
            }
        }
        assert_eq!(
            user_error(Lang::EnUs, &refusals[1], None),
            "A subscription's name has at most 100 characters; this one has 101."
        );
    }

    #[test]
    fn a_key_added_twice_at_once_is_refused_in_words_without_a_placeholder() {
        // Two clicks adding the same key at once: the loser's refusal names no key.
        let refused = UserError::KeysRefused(vec![]);
        for lang in Lang::ALL {
            let text = user_error(lang, &refused, None);
            assert!(
                !text.contains('{') && !text.contains('$'),
                "{lang:?}: {text}"
            );
            assert!(!text.contains("``"), "{lang:?}: {text}");
        }
        assert!(user_error(Lang::EnUs, &refused, None)
            .starts_with("You have already entered this product key."));
        assert!(user_error(Lang::Nl, &refused, None)
            .starts_with("U hebt deze productcode al ingevoerd."));
    }

    #[test]
    fn every_refusal_cause_has_its_own_message() {
        let causes = [
            KeyRefusalCause::Format(KeyFormatError::Character {
                position: 7,
                found: '0',
            }),
            KeyRefusalCause::Format(KeyFormatError::Length { found: 24 }),
            KeyRefusalCause::Unknown,
            KeyRefusalCause::AlreadyRedeemed,
            KeyRefusalCause::Revoked,
            KeyRefusalCause::Expired,
            KeyRefusalCause::OtherProduct {
                key_product: "Business Premium".into(),
                subscription_product: "Business Standard".into(),
            },
            KeyRefusalCause::RepeatedInOrder,
        ];
        for lang in Lang::ALL {
            let lines: Vec<String> = causes
                .iter()
                .map(|cause| {
                    refusal_line(
                        lang,
                        &KeyRefusal {
                            masked: "•••••-•••••-•••••-•••••-QRT7W".into(),
                            tail: Some("QRT7W".into()),
                            cause: cause.clone(),
                        },
                    )
                })
                .collect();
            let distinct: std::collections::HashSet<_> = lines.iter().collect();
            assert_eq!(distinct.len(), lines.len(), "{lines:#?}");
        }
        let en = |cause| {
            refusal_line(
                Lang::EnUs,
                &KeyRefusal {
                    masked: "•••••-•0•••".into(),
                    tail: Some("QRT7W".into()),
                    cause,
                },
            )
        };
        assert_eq!(
            en(KeyRefusalCause::Format(KeyFormatError::Character { position: 7, found: '0' })),
            "`•••••-•0•••` isn't a valid product key: character 7 ('0') is never used in product keys."
        );
        assert_eq!(
            en(KeyRefusalCause::Unknown),
            "The product key ending in `QRT7W` isn't valid. Check it and try again."
        );
        assert_eq!(
            en(KeyRefusalCause::OtherProduct {
                key_product: "Business Premium".into(),
                subscription_product: "Business Standard".into()
            }),
            "The product key ending in `QRT7W` is for *Business Premium*, not *Business Standard*."
        );
    }

    #[test]
    fn a_character_that_could_garble_a_message_is_shown_by_its_code_point() {
        for (c, shown) in [
            ('0', "0"),
            ('é', "é"),
            ('?', "?"),
            ('`', "U+0060"),
            ('\'', "U+0027"),
            ('\u{0}', "U+0000"),
            ('\u{1b}', "U+001B"),
            ('\u{202E}', "U+202E"),
            ('\u{2066}', "U+2066"),
            ('\u{AD}', "U+00AD"),
            ('🔑', "U+1F511"),
        ] {
            assert_eq!(printable(c), shown, "{c:?}");
        }
    }

    #[test]
    fn the_seat_cap_message_names_the_numbers() {
        let e = RuleError::SeatCap {
            subscription: "Contoso".into(),
            product: "Business Standard".into(),
            would_have: 320,
            max: 300,
        };
        assert_eq!(
            rule_error(Lang::EnUs, &e, None),
            "This would give *Contoso* 320 licenses; *Business Standard* allows at most 300."
        );
    }
}
