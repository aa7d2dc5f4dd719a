//! What licensebot shows about licenses assigned to members: the answers of `/licenses`,
//! `/my-licenses`, `/request-license` and `/settings license-role`, their refusals, the
//! holders' pages, a request's message with its Approve / Deny buttons, and the license
//! notices, in the reader's language.

use chrono::{DateTime, Utc};
use serenity::all::{ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter};

use super::{
    custom_id::CustomId,
    i18n::{n, name_arg, s, Lang},
    markdown::escape,
    render::{self, Reply},
};
use crate::{
    app::{HeldLicense, HolderPage, LicenseRequest},
    domain::{
        LicenseReason, LicenseRefusal, LifecycleState, NoticeBody, RequestState, RoleLinkRefusal,
        ServerPower,
    },
};

/// "13 of 70 assigned".
pub fn assigned_of(lang: Lang, assigned: i64, seats: i64) -> String {
    lang.ta(
        "assigned-of",
        &[("assigned", n(assigned)), ("seats", n(seats))],
    )
}

/// Why a license could not be assigned, unassigned, requested or decided.
pub fn refusal(lang: Lang, r: &LicenseRefusal) -> String {
    match r {
        LicenseRefusal::BotUser { member } => {
            lang.ta("license-refused-bot", &[("user", s(member.0))])
        }
        LicenseRefusal::NotAMember { member } => {
            lang.ta("license-refused-not-member", &[("user", s(member.0))])
        }
        LicenseRefusal::WrongState {
            subscription,
            state,
        } => {
            let id = if *state == LifecycleState::Deleted {
                "license-refused-deleted"
            } else {
                "license-refused-disabled"
            };
            lang.ta(id, &[("subscription", name_arg(subscription))])
        }
        LicenseRefusal::AlreadyAssigned {
            subscription,
            member,
        } => lang.ta(
            "license-refused-already",
            &[
                ("user", s(member.0)),
                ("subscription", name_arg(subscription)),
            ],
        ),
        LicenseRefusal::NoFreeLicense {
            subscription,
            seats,
        } => lang.ta(
            "license-refused-full",
            &[
                ("seats", n(*seats)),
                ("subscription", name_arg(subscription)),
            ],
        ),
        LicenseRefusal::NotAssigned {
            subscription,
            member,
        } => lang.ta(
            "license-refused-not-assigned",
            &[
                ("user", s(member.0)),
                ("subscription", name_arg(subscription)),
            ],
        ),
        LicenseRefusal::RequestOpen {
            subscription,
            since,
        } => lang.ta(
            "request-refused-open",
            &[
                ("subscription", name_arg(subscription)),
                ("since", n(since.timestamp())),
            ],
        ),
        LicenseRefusal::RequestCooldown {
            subscription,
            state,
            until,
        } => {
            let id = if *state == RequestState::Denied {
                "request-refused-cooldown-denied"
            } else {
                "request-refused-cooldown-expired"
            };
            lang.ta(
                id,
                &[
                    ("subscription", name_arg(subscription)),
                    ("until", n(until.timestamp())),
                ],
            )
        }
        LicenseRefusal::TooManyRequests { open, until } => lang.ta(
            "request-refused-too-many",
            &[
                ("open", n(i64::try_from(*open).unwrap_or(i64::MAX))),
                ("until", n(until.timestamp())),
            ],
        ),
        LicenseRefusal::RequestClosed { state, by, at } => {
            let id = match state {
                RequestState::Approved => "request-refused-approved",
                RequestState::Denied => "request-refused-denied",
                RequestState::Expired | RequestState::Open => "request-refused-expired",
            };
            lang.ta(
                id,
                &[
                    ("user", s(by.map(|u| u.0).unwrap_or_default())),
                    ("at", n(at.timestamp())),
                ],
            )
        }
        LicenseRefusal::RequestNotFound => lang.t("request-refused-not-found"),
        LicenseRefusal::NoNoticeChannel => lang.t("request-refused-no-channel"),
        LicenseRefusal::RoleNotLinkable { role, why } => {
            let id = match why {
                RoleLinkRefusal::Everyone => "role-refused-everyone",
                RoleLinkRefusal::Managed => "role-refused-managed",
                RoleLinkRefusal::NoManageRoles => "role-refused-no-manage-roles",
                RoleLinkRefusal::NotBelowBot => "role-refused-not-below",
                RoleLinkRefusal::ManagerRole => "role-refused-manager",
                RoleLinkRefusal::Powerful(powers) => {
                    return lang.ta(
                        "role-refused-powerful",
                        &[
                            ("role", s(role)),
                            ("powers", s(powers_text(lang, &powers.list()))),
                        ],
                    )
                }
            };
            lang.ta(id, &[("role", s(role))])
        }
    }
}

/// Permissions that give power over the server, by the names Discord shows them under:
/// "Administrator, Manage Server".
pub(crate) fn powers_text(lang: Lang, powers: &[ServerPower]) -> String {
    powers
        .iter()
        .map(|p| lang.t(&format!("power-{p}")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answer to `/licenses assign` or `unassign`.
pub fn changed(lang: Lang, assigned: bool, change: &crate::app::LicenseChange) -> Reply {
    let id = if assigned {
        "license-assigned"
    } else {
        "license-unassigned"
    };
    Reply::text(lang.ta(
        id,
        &[
            ("user", s(change.member.0)),
            ("subscription", name_arg(&change.subscription.name)),
            (
                "count",
                s(assigned_of(
                    lang,
                    change.assigned,
                    change.subscription.seats,
                )),
            ),
        ],
    ))
}

/// One page of a subscription's holders: who, since when, by whom; Newer and Older.
pub fn holders(lang: Lang, page: &HolderPage, role: Option<u64>) -> Reply {
    let sub = &page.subscription;
    let mut lines: Vec<String> = page
        .rows
        .iter()
        .map(|a| {
            let id = if a.via == LicenseReason::Request {
                "licenses-line-requested"
            } else if a.assigned_by == crate::app::OPERATOR {
                "licenses-line-operator"
            } else {
                "licenses-line"
            };
            lang.ta(
                id,
                &[
                    ("user", s(a.user.0)),
                    ("at", n(a.assigned_at.timestamp())),
                    ("by", s(a.assigned_by.0)),
                ],
            )
        })
        .collect();
    if lines.is_empty() {
        lines.push(lang.ta("licenses-empty", &[("subscription", name_arg(&sub.name))]));
    }
    let mut header = vec![format!(
        "**{}**",
        assigned_of(lang, page.assigned, sub.seats)
    )];
    if let Some(role) = role {
        header.push(lang.ta("licenses-role", &[("role", s(role))]));
    }
    let embed = CreateEmbed::new()
        .title(lang.ta("licenses-title", &[("subscription", name_arg(&sub.name))]))
        .colour(render::BLURPLE)
        .description(format!("{}\n\n{}", header.join("\n"), lines.join("\n")))
        .footer(CreateEmbedFooter::new(lang.ta(
            "licenses-page",
            &[("page", n(page.page + 1)), ("pages", n(page.pages))],
        )));
    let at = page.page as u32;
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(
            CustomId::LicensesPage {
                subscription: sub.id,
                page: at.saturating_sub(1),
            }
            .encode(),
        )
        .label(lang.t("button-newer"))
        .style(ButtonStyle::Secondary)
        .disabled(at == 0),
        CreateButton::new(
            CustomId::LicensesPage {
                subscription: sub.id,
                page: at + 1,
            }
            .encode(),
        )
        .label(lang.t("button-older"))
        .style(ButtonStyle::Secondary)
        .disabled(page.page + 1 >= page.pages),
    ]);
    Reply {
        content: None,
        embeds: vec![embed],
        components: vec![buttons],
    }
}

/// `/my-licenses`: one field per license.
pub fn held(lang: Lang, licenses: &[HeldLicense]) -> Reply {
    let mut embed = CreateEmbed::new().title(lang.t("my-licenses-title"));
    if licenses.is_empty() {
        embed = embed
            .description(lang.t("my-licenses-empty"))
            .colour(render::GREY);
    } else {
        let worst = licenses
            .iter()
            .map(|l| l.state)
            .max()
            .unwrap_or(LifecycleState::Active);
        embed = embed.colour(render::state_colour(worst));
        for license in licenses.iter().take(25) {
            let sub = &license.subscription;
            embed = embed.field(
                escape(&sub.name),
                lang.ta(
                    "my-licenses-line",
                    &[
                        ("product", name_arg(&sub.product.name)),
                        ("ends_on", super::render::day(sub.ends_on)),
                        ("state", s(render::state_badge(lang, license.state))),
                    ],
                ),
                false,
            );
        }
    }
    Reply {
        content: None,
        embeds: vec![embed],
        components: vec![],
    }
}

/// The text of a request's message in the notice channel.
pub fn request_text(lang: Lang, user: u64, subscription: &str, product: &str) -> String {
    lang.ta(
        "notice-license-request",
        &[
            ("user", s(user)),
            ("subscription", name_arg(subscription)),
            ("product", name_arg(product)),
        ],
    )
}

/// Approve and Deny, under a request's message.
pub fn request_buttons(lang: Lang, request: uuid::Uuid) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(CustomId::ApproveRequest(request).encode())
            .label(lang.t("button-approve"))
            .style(ButtonStyle::Success),
        CreateButton::new(CustomId::DenyRequest(request).encode())
            .label(lang.t("button-deny"))
            .style(ButtonStyle::Danger),
    ])]
}

/// A decided or expired request's message: what was asked, and what became of it; no
/// buttons.
pub fn request_closed(
    lang: Lang,
    request: &LicenseRequest,
    subscription: &str,
    product: &str,
) -> String {
    let asked = request_text(lang, request.user.0, subscription, product);
    let at = request.decided_at.unwrap_or(request.expires_at);
    format!(
        "{asked}\n{}",
        outcome_line(lang, request.state, request, at)
    )
}

fn outcome_line(
    lang: Lang,
    state: RequestState,
    request: &LicenseRequest,
    at: DateTime<Utc>,
) -> String {
    let by = s(request.decided_by.map(|u| u.0).unwrap_or_default());
    match state {
        RequestState::Approved => lang.ta(
            "request-approved-line",
            &[("by", by), ("at", n(at.timestamp()))],
        ),
        RequestState::Denied => lang.ta(
            "request-denied-line",
            &[("by", by), ("at", n(at.timestamp()))],
        ),
        RequestState::Expired | RequestState::Open => {
            lang.ta("request-expired-line", &[("at", n(at.timestamp()))])
        }
    }
}

/// A license notice (or direct message), in `lang`; `None` for the other notices.
pub fn notice(lang: Lang, body: &NoticeBody) -> Option<String> {
    Some(match body {
        NoticeBody::LicenseRequest {
            user,
            subscription,
            product,
            ..
        } => request_text(lang, *user, subscription, product),
        NoticeBody::LicensesFull {
            subscription,
            seats,
        } => lang.ta(
            "notice-licenses-full",
            &[
                ("subscription", name_arg(subscription)),
                ("seats", n(*seats)),
            ],
        ),
        NoticeBody::MemberGone {
            user,
            subscriptions,
        } => {
            let names: Vec<String> = subscriptions
                .iter()
                .map(|n| format!("*{}*", escape(n)))
                .collect();
            lang.ta(
                "notice-member-gone",
                &[
                    ("user", s(user)),
                    ("count", n(subscriptions.len() as i64)),
                    ("subscriptions", s(names.join(", "))),
                ],
            )
        }
        NoticeBody::RoleRefused { role, error } => lang.ta(
            "notice-role-refused",
            &[("role", s(role)), ("error", s(error))],
        ),
        NoticeBody::RoleHalted {
            role,
            manager_role: true,
            ..
        } => lang.ta("notice-role-halted-manager", &[("role", s(role))]),
        NoticeBody::RoleHalted { role, powers, .. } => lang.ta(
            "notice-role-halted-powerful",
            &[("role", s(role)), ("powers", s(powers_text(lang, powers)))],
        ),
        NoticeBody::RequestDecided {
            subscription,
            approved,
            by,
            ..
        } => {
            let id = if *approved {
                "dm-request-approved"
            } else {
                "dm-request-denied"
            };
            lang.ta(
                id,
                &[("subscription", name_arg(subscription)), ("by", s(by))],
            )
        }
        NoticeBody::Redemption { .. }
        | NoticeBody::Activation { .. }
        | NoticeBody::Reversal { .. }
        | NoticeBody::Suspension { .. }
        | NoticeBody::Reminder { .. }
        | NoticeBody::StateChange { .. }
        | NoticeBody::Lockout { .. } => return None,
    })
}

/// The buttons a notice's message carries: Approve / Deny under a request.
pub fn notice_buttons(lang: Lang, body: &NoticeBody) -> Vec<CreateActionRow> {
    match body {
        NoticeBody::LicenseRequest { request, .. } => request_buttons(lang, *request),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::UserId;

    #[test]
    fn every_power_over_the_server_is_named_as_discord_names_it_in_both_languages() {
        for lang in Lang::ALL {
            let names: Vec<String> = ServerPower::ALL
                .iter()
                .map(|p| powers_text(lang, &[*p]))
                .collect();
            for (power, name) in ServerPower::ALL.iter().zip(&names) {
                assert!(
                    !name.is_empty() && !name.contains("power-"),
                    "{power}: {name:?}"
                );
            }
            let distinct: std::collections::HashSet<&String> = names.iter().collect();
            assert_eq!(distinct.len(), names.len());
        }
        assert_eq!(
            powers_text(
                Lang::EnUs,
                &[ServerPower::Administrator, ServerPower::ManageRoles]
            ),
            "Administrator, Manage Roles"
        );
        let halted = NoticeBody::RoleHalted {
            role: 9,
            powers: vec![ServerPower::ManageServer],
            manager_role: false,
        };
        assert_eq!(
            notice(Lang::Nl, &halted)
                .as_deref()
                .map(|t| t.starts_with("<@&9> heeft nu Server beheren")),
            Some(true)
        );
    }

    #[test]
    fn counts_read_n_of_m_assigned_in_both_languages() {
        assert_eq!(assigned_of(Lang::EnUs, 13, 70), "13 of 70 assigned");
        assert_eq!(assigned_of(Lang::Nl, 13, 70), "13 van 70 toegewezen");
    }

    #[test]
    fn no_free_license_reads_as_the_product_page_says() {
        let full = LicenseRefusal::NoFreeLicense {
            subscription: "Contoso".into(),
            seats: 70,
        };
        assert_eq!(
            refusal(Lang::EnUs, &full),
            "All 70 licenses of *Contoso* are assigned. Add licenses with /add-licenses or unassign someone."
        );
        let one = LicenseRefusal::NoFreeLicense {
            subscription: "Contoso".into(),
            seats: 1,
        };
        assert!(refusal(Lang::EnUs, &one).starts_with("The only license of *Contoso*"));
        assert!(refusal(Lang::Nl, &full).starts_with("Alle 70 licenties van *Contoso*"));
    }

    #[test]
    fn every_license_refusal_has_its_own_message_in_both_languages() {
        let at = "2026-11-29T10:00:00Z".parse().expect("a time");
        let sub = || "Contoso".to_string();
        let ana = UserId(42);
        let refusals = [
            LicenseRefusal::BotUser { member: ana },
            LicenseRefusal::NotAMember { member: ana },
            LicenseRefusal::WrongState {
                subscription: sub(),
                state: LifecycleState::Disabled,
            },
            LicenseRefusal::WrongState {
                subscription: sub(),
                state: LifecycleState::Deleted,
            },
            LicenseRefusal::AlreadyAssigned {
                subscription: sub(),
                member: ana,
            },
            LicenseRefusal::NoFreeLicense {
                subscription: sub(),
                seats: 70,
            },
            LicenseRefusal::NotAssigned {
                subscription: sub(),
                member: ana,
            },
            LicenseRefusal::RequestOpen {
                subscription: sub(),
                since: at,
            },
            LicenseRefusal::RequestClosed {
                state: RequestState::Approved,
                by: Some(ana),
                at,
            },
            LicenseRefusal::RequestClosed {
                state: RequestState::Denied,
                by: Some(ana),
                at,
            },
            LicenseRefusal::RequestClosed {
                state: RequestState::Expired,
                by: None,
                at,
            },
            LicenseRefusal::RequestNotFound,
            LicenseRefusal::NoNoticeChannel,
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::Everyone,
            },
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::Managed,
            },
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::NoManageRoles,
            },
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::NotBelowBot,
            },
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::ManagerRole,
            },
            LicenseRefusal::RoleNotLinkable {
                role: 9,
                why: RoleLinkRefusal::Powerful(crate::domain::ServerPowers::of(8)),
            },
            LicenseRefusal::RequestCooldown {
                subscription: sub(),
                state: RequestState::Denied,
                until: at,
            },
            LicenseRefusal::RequestCooldown {
                subscription: sub(),
                state: RequestState::Expired,
                until: at,
            },
            LicenseRefusal::TooManyRequests { open: 3, until: at },
        ];
        for lang in Lang::ALL {
            let texts: Vec<String> = refusals.iter().map(|r| refusal(lang, r)).collect();
            let distinct: std::collections::HashSet<&String> = texts.iter().collect();
            assert_eq!(distinct.len(), texts.len(), "{texts:#?}");
            for text in &texts {
                assert!(!text.contains("{$") && !text.contains("{ $"), "{text}");
            }
        }
    }
}
