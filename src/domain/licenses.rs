//! Licenses assigned to members: who may be given one, who may ask for one, why a license
//! began or ended, and while when a subscription's holders carry its linked role.
//!
//! - Assign needs an `active` or `expired` subscription, a free license, a member who is no
//!   bot and holds none of this subscription yet. Unassign always works.
//! - A subscription grants access (its holders carry the linked role) while `active` or
//!   `expired`; `disabled` takes the role away; on `deleted` every license ends.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::{
    lifecycle::{LifecyclePeriods, LifecycleState},
    names::names,
    records::{Subscription, UserId},
};

/// Why a license began or ended, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseReason {
    /// An admin assigned or unassigned it.
    Admin,
    /// An admin approved the member's request.
    Request,
    /// Discord said the member is no longer in the server (Unknown Member).
    MemberGone,
    /// The subscription reached `deleted`: every license ends.
    SubscriptionDeleted,
    /// A reversed key left the subscription fewer seats than assigned licenses: the most
    /// recently assigned were released.
    Reversed,
}

names!(LicenseReason, "license reason" {
    Admin => "admin",
    Request => "request",
    MemberGone => "member-gone",
    SubscriptionDeleted => "subscription-deleted",
    Reversed => "reversed",
});

impl LicenseReason {
    /// Whether licensebot itself, not a person, made the change.
    pub fn is_automatic(self) -> bool {
        matches!(
            self,
            LicenseReason::MemberGone
                | LicenseReason::SubscriptionDeleted
                | LicenseReason::Reversed
        )
    }
}

/// What happened to a license, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseEvent {
    Assigned,
    Unassigned,
}

names!(LicenseEvent, "license event" {
    Assigned => "assigned",
    Unassigned => "unassigned",
});

/// Where a member's request for a license stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestState {
    Open,
    Approved,
    Denied,
    Expired,
}

names!(RequestState, "request state" {
    Open => "open",
    Approved => "approved",
    Denied => "denied",
    Expired => "expired",
});

/// How long a request stays open: 7 days (README, "Licenses assigned to members").
pub const REQUEST_LIFETIME_DAYS: i64 = 7;

/// Most requests one member may have open in one server at once.
pub const MAX_OPEN_REQUESTS: usize = 3;

/// Why a license cannot be assigned, unassigned or requested; each has its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseRefusal {
    /// Bots hold no licenses.
    BotUser { member: UserId },
    /// The member is not in this server (a user picked by id).
    NotAMember { member: UserId },
    /// `disabled` or `deleted`: nothing can be assigned.
    WrongState {
        subscription: String,
        state: LifecycleState,
    },
    AlreadyAssigned {
        subscription: String,
        member: UserId,
    },
    /// Every license is taken.
    NoFreeLicense { subscription: String, seats: i64 },
    /// Unassign of a member who holds none.
    NotAssigned {
        subscription: String,
        member: UserId,
    },
    /// The member already asked, and the request is still open.
    RequestOpen {
        subscription: String,
        since: DateTime<Utc>,
    },
    /// The member's last request for this subscription was denied or expired, and the
    /// cooldown after it has not passed: they may ask again at `until`.
    RequestCooldown {
        subscription: String,
        /// `Denied` or `Expired`.
        state: RequestState,
        until: DateTime<Utc>,
    },
    /// The member has [`MAX_OPEN_REQUESTS`] open requests in the server; the first of them
    /// expires at `until`, if nobody decides one before.
    TooManyRequests { open: usize, until: DateTime<Utc> },
    /// A request can only be decided once, and not after it expired.
    RequestClosed {
        state: RequestState,
        by: Option<UserId>,
        at: DateTime<Utc>,
    },
    /// No request exists with that id in this server (a forged or stale button).
    RequestNotFound,
    /// Requests are decided in the notice channel; the server has none.
    NoNoticeChannel,
    /// The role cannot be linked to a subscription.
    RoleNotLinkable { role: u64, why: RoleLinkRefusal },
}

/// Why a role cannot be linked to a subscription; each has its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleLinkRefusal {
    /// `@everyone` is every member's role.
    Everyone,
    /// A bot's or an integration's role: Discord manages its members.
    Managed,
    /// The bot lacks Manage Roles.
    NoManageRoles,
    /// Discord lets a bot change only roles below its own highest role.
    NotBelowBot,
    /// The server's manager role: holding it lets a member use licensebot's admin commands.
    ManagerRole,
    /// The role carries permissions that give power over the server (at least one).
    Powerful(ServerPowers),
}

/// A permission that gives power over a server: a license role grants access, never power,
/// so it must carry none of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerPower {
    Administrator,
    ManageServer,
    ManageRoles,
    ManageChannels,
    ManageWebhooks,
    ManageMessages,
    KickMembers,
    BanMembers,
    ModerateMembers,
    MentionEveryone,
}

names!(ServerPower, "server power" {
    Administrator => "administrator",
    ManageServer => "manage-server",
    ManageRoles => "manage-roles",
    ManageChannels => "manage-channels",
    ManageWebhooks => "manage-webhooks",
    ManageMessages => "manage-messages",
    KickMembers => "kick-members",
    BanMembers => "ban-members",
    ModerateMembers => "moderate-members",
    MentionEveryone => "mention-everyone",
});

impl ServerPower {
    /// The permission's bit in Discord's permission integer.
    pub fn bit(self) -> u64 {
        match self {
            ServerPower::Administrator => 1 << 3,
            ServerPower::ManageServer => 1 << 5,
            ServerPower::ManageRoles => 1 << 28,
            ServerPower::ManageChannels => 1 << 4,
            ServerPower::ManageWebhooks => 1 << 29,
            ServerPower::ManageMessages => 1 << 13,
            ServerPower::KickMembers => 1 << 1,
            ServerPower::BanMembers => 1 << 2,
            ServerPower::ModerateMembers => 1 << 40,
            ServerPower::MentionEveryone => 1 << 17,
        }
    }
}

/// The powers over the server among a role's permissions (Discord's permission integer),
/// as a set of [`ServerPower`] bits; empty for a role fit to be a license role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ServerPowers(u64);

impl ServerPowers {
    /// The powers in `permissions`; every other permission is ignored.
    pub fn of(permissions: u64) -> ServerPowers {
        let mask = ServerPower::ALL.iter().fold(0, |m, p| m | p.bit());
        ServerPowers(permissions & mask)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Each power, in the order of [`ServerPower::ALL`].
    pub fn list(self) -> Vec<ServerPower> {
        ServerPower::ALL
            .iter()
            .copied()
            .filter(|p| self.0 & p.bit() != 0)
            .collect()
    }
}

/// A Discord role as the link rule sees it. Discord orders roles by position, and roles
/// of equal position by id, the older (smaller) one higher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleFacts {
    pub id: u64,
    pub position: i64,
    pub managed: bool,
    /// The guild's `@everyone` role (its id is the guild's).
    pub everyone: bool,
    /// Discord's permission integer of the role.
    pub permissions: u64,
}

impl RoleFacts {
    /// Whether this role sits above `other` in the guild's role list.
    pub fn is_above(&self, other: &RoleFacts) -> bool {
        (self.position, std::cmp::Reverse(self.id)) > (other.position, std::cmp::Reverse(other.id))
    }
}

/// What the bot may do in the guild, as far as linking a role goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotStanding {
    /// Manage Roles (or Administrator).
    pub manage_roles: bool,
    /// The bot's highest role, if it has one besides `@everyone`.
    pub highest: Option<RoleFacts>,
}

/// Whether `role` can be linked to a subscription: not `@everyone`, not a managed role, not
/// the server's manager role (`manager_role`), no power over the server, and one the bot can
/// give and take (Manage Roles, and the role below the bot's highest).
pub fn check_role_link(
    role: &RoleFacts,
    manager_role: Option<u64>,
    bot: &BotStanding,
) -> Result<(), LicenseRefusal> {
    let refuse = |why| Err(LicenseRefusal::RoleNotLinkable { role: role.id, why });
    if role.everyone {
        return refuse(RoleLinkRefusal::Everyone);
    }
    if role.managed {
        return refuse(RoleLinkRefusal::Managed);
    }
    if let Err(why) = check_role_grants_no_power(role, manager_role) {
        return refuse(why);
    }
    if !bot.manage_roles {
        return refuse(RoleLinkRefusal::NoManageRoles);
    }
    match &bot.highest {
        Some(highest) if highest.is_above(role) => Ok(()),
        _ => refuse(RoleLinkRefusal::NotBelowBot),
    }
}

/// Whether members may be given `role` with a license: it must not be the server's manager
/// role nor carry power over the server. Checked when a role is linked, and again before
/// each role is given, since an admin may change a linked role's permissions later.
pub fn check_role_grants_no_power(
    role: &RoleFacts,
    manager_role: Option<u64>,
) -> Result<(), RoleLinkRefusal> {
    if manager_role == Some(role.id) {
        return Err(RoleLinkRefusal::ManagerRole);
    }
    let powers = ServerPowers::of(role.permissions);
    if !powers.is_empty() {
        return Err(RoleLinkRefusal::Powerful(powers));
    }
    Ok(())
}

/// A subscription as the license rules see it: its state today and how many of its
/// licenses are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupancy {
    pub state: LifecycleState,
    pub seats: i64,
    pub assigned: i64,
}

impl Occupancy {
    pub fn free(&self) -> i64 {
        (self.seats - self.assigned).max(0)
    }
}

/// Whether a subscription in `state` gives its holders access (and its linked role).
pub fn grants_access(state: LifecycleState) -> bool {
    matches!(state, LifecycleState::Active | LifecycleState::Expired)
}

/// The rules of assigning a license of `sub` to `member`, in the order their messages are
/// shown: a bot, the subscription's state, a license already held, no free license.
pub fn check_assign(
    sub: &Subscription,
    occupancy: Occupancy,
    member: UserId,
    member_is_bot: bool,
    already_holds: bool,
) -> Result<(), LicenseRefusal> {
    if member_is_bot {
        return Err(LicenseRefusal::BotUser { member });
    }
    if !grants_access(occupancy.state) {
        return Err(LicenseRefusal::WrongState {
            subscription: sub.name.clone(),
            state: occupancy.state,
        });
    }
    if already_holds {
        return Err(LicenseRefusal::AlreadyAssigned {
            subscription: sub.name.clone(),
            member,
        });
    }
    if occupancy.free() == 0 {
        return Err(LicenseRefusal::NoFreeLicense {
            subscription: sub.name.clone(),
            seats: occupancy.seats,
        });
    }
    Ok(())
}

/// A member's requests, as the rules of a new request see them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestHistory {
    /// When they opened their open request for this subscription, if they have one.
    pub open_since: Option<DateTime<Utc>>,
    /// When each of their open requests in this server expires (this one's included).
    pub open_expiries: Vec<DateTime<Utc>>,
    /// Their last request for this subscription that was denied or expired: which, and when
    /// it was (the decision, or the expiry).
    pub last_closed: Option<(RequestState, DateTime<Utc>)>,
}

/// The rules of asking for a license: the subscription can hand one out, the member holds
/// none, has no open request for it, their last one for it was not denied or expired within
/// `cooldown` before `now`, and they have fewer than [`MAX_OPEN_REQUESTS`] open in the
/// server. A full subscription can still be asked for: an admin may add licenses before
/// approving.
pub fn check_request(
    sub: &Subscription,
    state: LifecycleState,
    member: UserId,
    already_holds: bool,
    history: &RequestHistory,
    cooldown: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<(), LicenseRefusal> {
    if !grants_access(state) {
        return Err(LicenseRefusal::WrongState {
            subscription: sub.name.clone(),
            state,
        });
    }
    if already_holds {
        return Err(LicenseRefusal::AlreadyAssigned {
            subscription: sub.name.clone(),
            member,
        });
    }
    if let Some(since) = history.open_since {
        return Err(LicenseRefusal::RequestOpen {
            subscription: sub.name.clone(),
            since,
        });
    }
    if let Some((closed, at)) = history.last_closed {
        let until = at + cooldown;
        if now < until {
            return Err(LicenseRefusal::RequestCooldown {
                subscription: sub.name.clone(),
                state: closed,
                until,
            });
        }
    }
    if history.open_expiries.len() >= MAX_OPEN_REQUESTS {
        if let Some(until) = history.open_expiries.iter().min() {
            return Err(LicenseRefusal::TooManyRequests {
                open: history.open_expiries.len(),
                until: *until,
            });
        }
    }
    Ok(())
}

/// Subscriptions that end on or after this date grant access today: `active` until the end
/// date, `expired` for `expired_days` after it.
pub fn access_cutoff(today: NaiveDate, periods: LifecyclePeriods) -> NaiveDate {
    today
        .checked_sub_days(Days::new(u64::from(periods.expired_days)))
        .unwrap_or(NaiveDate::MIN)
}

/// Subscriptions that ended before this date are `deleted` today.
pub fn deletion_cutoff(today: NaiveDate, periods: LifecyclePeriods) -> NaiveDate {
    let days = u64::from(periods.expired_days) + u64::from(periods.disabled_days);
    today
        .checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::records::{GuildId, Product};
    use proptest::prelude::*;
    use LifecycleState::*;

    fn sub() -> Subscription {
        Subscription {
            id: 1,
            guild: GuildId(1),
            product: Product {
                sku: "P".into(),
                name: "Business Standard".into(),
                max_seats: None,
            },
            name: "Contoso".into(),
            seats: 70,
            ends_on: NaiveDate::from_ymd_opt(2027, 1, 31).expect("a date"),
        }
    }

    const ANA: UserId = UserId(7);

    fn occupancy(state: LifecycleState, assigned: i64) -> Occupancy {
        Occupancy {
            state,
            seats: 70,
            assigned,
        }
    }

    #[test]
    fn a_license_is_assigned_while_active_or_expired_and_a_license_is_free() {
        assert_eq!(
            check_assign(&sub(), occupancy(Active, 69), ANA, false, false),
            Ok(())
        );
        assert_eq!(
            check_assign(&sub(), occupancy(Expired, 0), ANA, false, false),
            Ok(())
        );
    }

    #[test]
    fn each_refusal_of_an_assignment_has_its_own_cause() {
        let s = sub();
        assert_eq!(
            check_assign(&s, occupancy(Active, 70), ANA, false, false),
            Err(LicenseRefusal::NoFreeLicense {
                subscription: "Contoso".into(),
                seats: 70
            })
        );
        assert_eq!(
            check_assign(&s, occupancy(Active, 1), ANA, false, true),
            Err(LicenseRefusal::AlreadyAssigned {
                subscription: "Contoso".into(),
                member: ANA
            })
        );
        assert_eq!(
            check_assign(&s, occupancy(Active, 1), ANA, true, false),
            Err(LicenseRefusal::BotUser { member: ANA })
        );
        for state in [Disabled, Deleted] {
            assert_eq!(
                check_assign(&s, occupancy(state, 1), ANA, false, false),
                Err(LicenseRefusal::WrongState {
                    subscription: "Contoso".into(),
                    state
                })
            );
        }
    }

    #[test]
    fn a_bot_is_refused_before_anything_else_and_a_disabled_subscription_before_a_full_one() {
        let s = sub();
        assert!(matches!(
            check_assign(&s, occupancy(Disabled, 70), ANA, true, true),
            Err(LicenseRefusal::BotUser { .. })
        ));
        assert!(matches!(
            check_assign(&s, occupancy(Disabled, 70), ANA, false, true),
            Err(LicenseRefusal::WrongState { .. })
        ));
        assert!(matches!(
            check_assign(&s, occupancy(Active, 70), ANA, false, true),
            Err(LicenseRefusal::AlreadyAssigned { .. })
        ));
    }

    #[test]
    fn a_request_needs_a_usable_subscription_no_license_held_and_no_open_request() {
        let s = sub();
        let now: DateTime<Utc> = "2026-11-29T10:00:00Z".parse().expect("a time");
        let day = chrono::Duration::hours(24);
        let none = RequestHistory::default();
        let check =
            |state, holds, h: &RequestHistory| check_request(&s, state, ANA, holds, h, day, now);
        assert_eq!(check(Active, false, &none), Ok(()));
        assert!(matches!(
            check(Disabled, false, &none),
            Err(LicenseRefusal::WrongState { .. })
        ));
        assert!(matches!(
            check(Active, true, &none),
            Err(LicenseRefusal::AlreadyAssigned { .. })
        ));
        let open = RequestHistory {
            open_since: Some(now),
            open_expiries: vec![now + chrono::Duration::days(7)],
            last_closed: None,
        };
        assert_eq!(
            check(Expired, false, &open),
            Err(LicenseRefusal::RequestOpen {
                subscription: "Contoso".into(),
                since: now
            })
        );
    }

    #[test]
    fn a_denied_or_expired_request_may_be_made_again_only_after_the_cooldown() {
        let s = sub();
        let now: DateTime<Utc> = "2026-11-29T10:00:00Z".parse().expect("a time");
        let day = chrono::Duration::hours(24);
        for closed in [RequestState::Denied, RequestState::Expired] {
            let at = now - chrono::Duration::hours(23);
            let history = RequestHistory {
                last_closed: Some((closed, at)),
                ..RequestHistory::default()
            };
            assert_eq!(
                check_request(&s, Active, ANA, false, &history, day, now),
                Err(LicenseRefusal::RequestCooldown {
                    subscription: "Contoso".into(),
                    state: closed,
                    until: at + day
                })
            );
            assert_eq!(
                check_request(&s, Active, ANA, false, &history, day, at + day),
                Ok(())
            );
        }
    }

    #[test]
    fn a_member_may_have_three_open_requests_and_is_told_when_the_first_expires() {
        let s = sub();
        let now: DateTime<Utc> = "2026-11-29T10:00:00Z".parse().expect("a time");
        let day = chrono::Duration::hours(24);
        let expiries: Vec<DateTime<Utc>> = [5, 3, 6]
            .into_iter()
            .map(|d| now + chrono::Duration::days(d))
            .collect();
        let two = RequestHistory {
            open_expiries: expiries[..2].to_vec(),
            ..RequestHistory::default()
        };
        assert_eq!(
            check_request(&s, Active, ANA, false, &two, day, now),
            Ok(())
        );
        let three = RequestHistory {
            open_expiries: expiries.clone(),
            ..RequestHistory::default()
        };
        assert_eq!(
            check_request(&s, Active, ANA, false, &three, day, now),
            Err(LicenseRefusal::TooManyRequests {
                open: 3,
                until: now + chrono::Duration::days(3)
            })
        );
    }

    fn role(id: u64, position: i64) -> RoleFacts {
        RoleFacts {
            id,
            position,
            managed: false,
            everyone: false,
            permissions: 0,
        }
    }

    #[test]
    fn a_role_below_the_bots_highest_can_be_linked_when_the_bot_manages_roles() {
        let bot = BotStanding {
            manage_roles: true,
            highest: Some(role(5, 3)),
        };
        assert_eq!(check_role_link(&role(9, 2), None, &bot), Ok(()));
        // Equal positions: the older (smaller id) role is higher.
        assert_eq!(check_role_link(&role(9, 3), Some(8), &bot), Ok(()));
        // Permissions that give no power over the server: View Channel, Send Messages.
        let plain = RoleFacts {
            permissions: (1 << 10) | (1 << 11),
            ..role(9, 2)
        };
        assert_eq!(check_role_link(&plain, None, &bot), Ok(()));
    }

    #[test]
    fn each_reason_a_role_cannot_be_linked_has_its_own_refusal() {
        let bot = BotStanding {
            manage_roles: true,
            highest: Some(role(5, 3)),
        };
        let why = |r: RoleFacts, bot: &BotStanding| match check_role_link(&r, Some(8), bot) {
            Err(LicenseRefusal::RoleNotLinkable { why, .. }) => Some(why),
            _ => None,
        };
        let everyone = RoleFacts {
            everyone: true,
            ..role(1, 0)
        };
        let managed = RoleFacts {
            managed: true,
            ..role(2, 1)
        };
        assert_eq!(why(everyone, &bot), Some(RoleLinkRefusal::Everyone));
        assert_eq!(why(managed, &bot), Some(RoleLinkRefusal::Managed));
        assert_eq!(why(role(9, 4), &bot), Some(RoleLinkRefusal::NotBelowBot));
        assert_eq!(why(role(5, 3), &bot), Some(RoleLinkRefusal::NotBelowBot));
        assert_eq!(why(role(3, 3), &bot), Some(RoleLinkRefusal::NotBelowBot));
        let powerless = BotStanding {
            manage_roles: false,
            ..bot
        };
        assert_eq!(
            why(role(9, 2), &powerless),
            Some(RoleLinkRefusal::NoManageRoles)
        );
        let roleless = BotStanding {
            manage_roles: true,
            highest: None,
        };
        assert_eq!(
            why(role(9, 2), &roleless),
            Some(RoleLinkRefusal::NotBelowBot)
        );
        assert_eq!(why(role(8, 2), &bot), Some(RoleLinkRefusal::ManagerRole));
        for (bits, power) in [
            (8, ServerPower::Administrator),
            (32, ServerPower::ManageServer),
            (268_435_456, ServerPower::ManageRoles),
            (1 << 40, ServerPower::ModerateMembers),
        ] {
            let powerful = RoleFacts {
                permissions: bits | (1 << 10),
                ..role(9, 2)
            };
            match why(powerful, &bot) {
                Some(RoleLinkRefusal::Powerful(powers)) => assert_eq!(powers.list(), [power]),
                other => panic!("{bits}: {other:?}"),
            }
        }
    }

    #[test]
    fn every_power_over_the_server_is_its_own_permission_bit() {
        let all = ServerPower::ALL.iter().fold(0u64, |m, p| {
            assert_eq!(m & p.bit(), 0, "{p} shares a bit");
            m | p.bit()
        });
        assert_eq!(ServerPowers::of(u64::MAX).list(), ServerPower::ALL);
        assert_eq!(ServerPowers::of(!all), ServerPowers::default());
    }

    #[test]
    fn only_active_and_expired_subscriptions_grant_access() {
        assert!(grants_access(Active));
        assert!(grants_access(Expired));
        assert!(!grants_access(Disabled));
        assert!(!grants_access(Deleted));
    }

    #[test]
    fn automatic_reasons_are_those_without_a_person() {
        let automatic: Vec<LicenseReason> = LicenseReason::ALL
            .iter()
            .copied()
            .filter(|r| r.is_automatic())
            .collect();
        assert_eq!(
            automatic,
            [
                LicenseReason::MemberGone,
                LicenseReason::SubscriptionDeleted,
                LicenseReason::Reversed
            ]
        );
    }

    /// Property tests: `.ci/run` also runs them (`proptests::`) with many more cases.
    mod proptests {
        use super::*;

        fn date() -> impl Strategy<Value = NaiveDate> {
            (0i64..3_000).prop_map(|d| {
                NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date") + chrono::Duration::days(d)
            })
        }

        proptest! {
            #[test]
            fn the_cutoffs_agree_with_the_lifecycle(
                ends_on in date(),
                today in date(),
                expired_days in 0u32..100,
                disabled_days in 0u32..200,
            ) {
                let periods = LifecyclePeriods { expired_days, disabled_days };
                let state = LifecycleState::on(ends_on, today, periods);
                prop_assert_eq!(grants_access(state), ends_on >= access_cutoff(today, periods));
                prop_assert_eq!(state == Deleted, ends_on < deletion_cutoff(today, periods));
            }

            #[test]
            fn an_assignment_never_takes_more_licenses_than_there_are(
                seats in 1i64..500,
                assigned in 0i64..500,
            ) {
                let s = sub();
                let occ = Occupancy { state: Active, seats, assigned };
                let allowed = check_assign(&s, occ, ANA, false, false).is_ok();
                prop_assert_eq!(allowed, assigned < seats);
            }
        }
    }
}
