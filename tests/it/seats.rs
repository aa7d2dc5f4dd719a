//! Licenses assigned to members, through `App`, on a fresh PostgreSQL database per test:
//! the rules of assigning and unassigning, the history, requests and their decisions, the
//! role linked to a subscription and the queue of role changes that follows every cause
//! (assign, unassign, approval, a lifecycle change, an extension, a link change), the member
//! who left, the reconciliation pass, and two races: twenty admins for the last five
//! licenses, and a double click on Approve.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use licensebot::app::{
    lifecycle_tick, App, AppError, AssignLicense, Clock, KeyBatch, LicenseChange, OpenOrder,
    SubscriptionRef, UnassignLicense, UserError,
};
use licensebot::config::Settings;
use licensebot::domain::{
    records::{GuildId, Subscription, UserId},
    LicenseReason, LicenseRefusal, LifecycleState, NoticeBody, OrderKind, RequestState, Term,
};
use licensebot::metrics::Metrics;
use licensebot::store::{MemberRole, RoleBacklog, Store};
use sqlx::postgres::PgPoolOptions;
use tokio::sync::Barrier;

use crate::support::db::TestDb;

const GUILD: GuildId = GuildId(720_000_000_000_000_001);
const OTHER_GUILD: GuildId = GuildId(720_000_000_000_000_002);
const ADMIN: UserId = UserId(820_000_000_000_000_001);
const ANA: UserId = UserId(820_000_000_000_000_002);
const BOB: UserId = UserId(820_000_000_000_000_003);
const CAROL: UserId = UserId(820_000_000_000_000_004);
const ROLE: u64 = 920_000_000_000_000_001;
const OTHER_ROLE: u64 = 920_000_000_000_000_002;
const SKU: &str = "BUSINESS-STANDARD";
const NOW: &str = "2026-11-29T10:00:00Z";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid test time")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a valid test date")
}

/// A fresh database with a product, and an `App` whose clock stands still at [`NOW`], on a
/// pool big enough for racers that each hold a connection while waiting on a row lock.
struct Fx {
    db: TestDb,
    app: App,
    clock: Clock,
}

impl Fx {
    async fn new() -> Fx {
        let db = TestDb::new().await;
        let pool = PgPoolOptions::new()
            .max_connections(24)
            .connect(&db.url)
            .await
            .expect("a pool of 24 connections");
        let clock = Clock::fixed(at(NOW));
        let app = App::assemble(
            Store::new(pool),
            Arc::new(Settings::default()),
            clock.clone(),
        );
        app.add_product(SKU, "Business Standard", None)
            .await
            .expect("adding a product");
        Fx { db, app, clock }
    }

    fn store(&self) -> Store {
        Store::new(self.db.pool.clone())
    }

    async fn subscription(&self, name: &str, seats: i64, ends_on: &str) -> Subscription {
        self.app
            .create_subscription(GUILD, SKU, name, seats, date(ends_on))
            .await
            .expect("creating a subscription")
    }

    async fn assign(&self, sub: &Subscription, member: UserId) -> Result<LicenseChange, AppError> {
        self.assign_as(sub, member, false).await
    }

    async fn assign_as(
        &self,
        sub: &Subscription,
        member: UserId,
        is_bot: bool,
    ) -> Result<LicenseChange, AppError> {
        self.app
            .assign_license(AssignLicense {
                guild: sub.guild,
                subscription: SubscriptionRef::Id(sub.id),
                member,
                member_is_bot: is_bot,
                by: ADMIN,
            })
            .await
    }

    async fn unassign(
        &self,
        sub: &Subscription,
        member: UserId,
    ) -> Result<LicenseChange, AppError> {
        self.app
            .unassign_license(UnassignLicense {
                guild: sub.guild,
                subscription: SubscriptionRef::Id(sub.id),
                member,
                by: ADMIN,
            })
            .await
    }

    async fn link(&self, sub: &Subscription, role: Option<u64>) {
        self.app
            .set_license_role(GUILD, &SubscriptionRef::Id(sub.id), role, ADMIN)
            .await
            .expect("linking a role");
    }

    async fn holders(&self, sub: &Subscription) -> Vec<UserId> {
        let mut holders: Vec<UserId> = self
            .app
            .list_licenses(GUILD, Some(&SubscriptionRef::Id(sub.id)), false)
            .await
            .expect("listing licenses")
            .into_iter()
            .map(|l| l.user)
            .collect();
        holders.sort();
        holders
    }

    /// The role queue as (member, role, wanted, applied).
    async fn roles(&self) -> Vec<(UserId, u64, bool, bool)> {
        self.store()
            .member_roles(Some(GUILD))
            .await
            .expect("reading the role queue")
            .into_iter()
            .map(
                |MemberRole {
                     user,
                     role,
                     wanted,
                     applied,
                     ..
                 }| (user, role, wanted, applied),
            )
            .collect()
    }

    /// Sends every due role change as if Discord accepted it.
    async fn apply_roles(&self) -> usize {
        let claim = self
            .app
            .claim_due_role_changes(100)
            .await
            .expect("claiming role changes");
        for change in claim.changes() {
            self.app
                .role_change_done(change)
                .await
                .expect("recording a role change");
        }
        let applied = claim.changes().len();
        claim.release().await.expect("releasing the claim");
        applied
    }

    /// How many role changes a dispatcher would claim now (the claim is released).
    async fn claimable_roles(&self) -> usize {
        let claim = self.app.claim_due_role_changes(100).await.unwrap();
        let n = claim.changes().len();
        claim.release().await.unwrap();
        n
    }

    async fn notices(&self) -> Vec<NoticeBody> {
        self.store()
            .list_notices(Some(GUILD))
            .await
            .expect("listing notices")
            .iter()
            .filter_map(|n| NoticeBody::from_json(&n.body))
            .collect()
    }

    async fn snapshot(&self) -> Vec<String> {
        let rows: Vec<(String,)> = sqlx::query_as(
            r#"SELECT 'a:' || subscription_id || ':' || user_id FROM license_assignments
               UNION ALL SELECT 'h:' || id || ':' || event FROM license_history
               UNION ALL SELECT 'r:' || user_id || ':' || role_id || ':' || wanted FROM member_roles
               UNION ALL SELECT 'q:' || id || ':' || state FROM license_requests
               UNION ALL SELECT 'n:' || dedupe_key FROM notices
               ORDER BY 1"#,
        )
        .fetch_all(&self.db.pool)
        .await
        .expect("reading a snapshot");
        rows.into_iter().map(|r| r.0).collect()
    }

    /// Expects a refusal that changed nothing.
    async fn refused<T: std::fmt::Debug>(
        &self,
        attempt: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> LicenseRefusal {
        let before = self.snapshot().await;
        let result = attempt.await;
        assert_eq!(self.snapshot().await, before, "a refusal changed something");
        match result {
            Err(AppError::User(UserError::License(refusal))) => refusal,
            other => panic!("expected a license refusal, got {other:?}"),
        }
    }

    fn advance_to(&self, when: &str) {
        let target = at(when);
        let now = self.clock.now();
        self.clock.advance(target - now);
    }
}

#[tokio::test]
async fn assigning_a_license_counts_it_and_keeps_who_whom_when_and_why() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 70, "2027-01-31").await;
    let change = fx.assign(&sub, ANA).await.expect("assigning");
    assert_eq!(change.assigned, 1);
    assert_eq!(change.subscription.seats, 70);
    let change = fx.assign(&sub, BOB).await.expect("assigning");
    assert_eq!(change.assigned, 2, "the answer reads 2 of 70 assigned");
    assert_eq!(fx.holders(&sub).await, [ANA, BOB]);
    let counts = fx.app.assigned_counts(GUILD).await.unwrap();
    assert_eq!(counts.get(&sub.id), Some(&2));

    let gone = fx.unassign(&sub, ANA).await.expect("unassigning");
    assert_eq!(gone.assigned, 1);
    assert_eq!(fx.holders(&sub).await, [BOB]);

    let history = fx
        .app
        .list_licenses(GUILD, None, true)
        .await
        .expect("the history");
    assert_eq!(history.len(), 2, "{history:?}");
    let ana = history
        .iter()
        .find(|l| l.user == ANA)
        .expect("ana's license");
    assert_eq!(ana.assigned_by, ADMIN);
    assert_eq!(ana.assigned_at, at(NOW));
    assert_eq!(ana.assigned_via, LicenseReason::Admin);
    assert_eq!(ana.unassigned_by, Some(ADMIN));
    assert_eq!(ana.unassigned_at, Some(at(NOW)));
    assert_eq!(ana.unassigned_reason, Some(LicenseReason::Admin));
    let bob = history
        .iter()
        .find(|l| l.user == BOB)
        .expect("bob's license");
    assert_eq!((bob.unassigned_at, bob.unassigned_reason), (None, None));
}

#[tokio::test]
async fn each_refusal_of_an_assignment_has_its_own_cause_and_changes_nothing() {
    let fx = Fx::new().await;
    let full = fx.subscription("Full", 1, "2027-01-31").await;
    fx.assign(&full, ANA).await.expect("the only license");
    assert_eq!(
        fx.refused(fx.assign(&full, BOB)).await,
        LicenseRefusal::NoFreeLicense {
            subscription: "Full".into(),
            seats: 1
        }
    );
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.assign(&sub, ANA).await.expect("assigning");
    assert_eq!(
        fx.refused(fx.assign(&sub, ANA)).await,
        LicenseRefusal::AlreadyAssigned {
            subscription: "Contoso".into(),
            member: ANA
        }
    );
    assert_eq!(
        fx.refused(fx.assign_as(&sub, BOB, true)).await,
        LicenseRefusal::BotUser { member: BOB }
    );
    // Ended 2026-08-01: expired for 30 days, then disabled until 2026-11-29 (120 days).
    let disabled = fx.subscription("Disabled", 10, "2026-08-01").await;
    assert_eq!(
        fx.refused(fx.assign(&disabled, BOB)).await,
        LicenseRefusal::WrongState {
            subscription: "Disabled".into(),
            state: LifecycleState::Disabled
        }
    );
    let deleted = fx.subscription("Deleted", 10, "2026-01-31").await;
    assert!(matches!(
        fx.refused(fx.assign(&deleted, BOB)).await,
        LicenseRefusal::WrongState {
            state: LifecycleState::Deleted,
            ..
        }
    ));
    assert_eq!(
        fx.refused(fx.unassign(&sub, CAROL)).await,
        LicenseRefusal::NotAssigned {
            subscription: "Contoso".into(),
            member: CAROL
        }
    );
    // Another guild's subscription is not found, whatever its id.
    let before = fx.snapshot().await;
    let other = fx
        .app
        .assign_license(AssignLicense {
            guild: OTHER_GUILD,
            subscription: SubscriptionRef::Id(sub.id),
            member: BOB,
            member_is_bot: false,
            by: ADMIN,
        })
        .await;
    assert!(matches!(
        other,
        Err(AppError::User(UserError::SubscriptionNotFound))
    ));
    assert_eq!(fx.snapshot().await, before);
}

#[tokio::test]
async fn an_expired_subscription_still_takes_assignments_and_unassign_always_works() {
    let fx = Fx::new().await;
    // Ended ten days ago: expired.
    let sub = fx.subscription("Contoso", 10, "2026-11-19").await;
    fx.assign(&sub, ANA).await.expect("assigning while expired");
    fx.advance_to("2027-02-01T10:00:00Z"); // disabled now
    fx.unassign(&sub, ANA)
        .await
        .expect("unassigning while disabled");
    assert!(fx.holders(&sub).await.is_empty());
}

#[tokio::test]
async fn the_notice_channel_hears_once_when_the_last_free_license_is_assigned() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 2, "2027-01-31").await;
    fx.assign(&sub, ANA).await.unwrap();
    assert!(fx.notices().await.is_empty());
    fx.assign(&sub, BOB).await.unwrap();
    let full = NoticeBody::LicensesFull {
        subscription: "Contoso".into(),
        seats: 2,
    };
    assert_eq!(fx.notices().await, std::slice::from_ref(&full));
    // Refused and unassigned: no more notices; full again: one more.
    let _ = fx.assign(&sub, CAROL).await.unwrap_err();
    fx.unassign(&sub, BOB).await.unwrap();
    assert_eq!(fx.notices().await.len(), 1);
    fx.assign(&sub, CAROL).await.unwrap();
    assert_eq!(fx.notices().await, [full.clone(), full]);
}

#[tokio::test]
async fn twenty_admins_assigning_the_last_five_licenses_at_once_make_exactly_five_holders() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 8, "2027-01-31").await;
    for i in 0..3 {
        fx.assign(&sub, UserId(830_000_000_000_000_000 + i))
            .await
            .unwrap();
    }
    let barrier = Arc::new(Barrier::new(20));
    let racers: Vec<_> = (0..20u64)
        .map(|i| {
            let (app, barrier, sub) = (fx.app.clone(), barrier.clone(), sub.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                app.assign_license(AssignLicense {
                    guild: GUILD,
                    subscription: SubscriptionRef::Id(sub.id),
                    member: UserId(840_000_000_000_000_000 + i),
                    member_is_bot: false,
                    by: UserId(850_000_000_000_000_000 + i),
                })
                .await
            })
        })
        .collect();
    let mut won = 0;
    let mut full = 0;
    for racer in racers {
        match racer.await.expect("a racer finished") {
            Ok(_) => won += 1,
            Err(AppError::User(UserError::License(LicenseRefusal::NoFreeLicense { .. }))) => {
                full += 1
            }
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((won, full), (5, 15));
    assert_eq!(fx.holders(&sub).await.len(), 8);
    let counts = fx.app.assigned_counts(GUILD).await.unwrap();
    assert_eq!(
        counts.get(&sub.id),
        Some(&8),
        "assigned never exceeds seats"
    );
    let full_notices = fx
        .notices()
        .await
        .into_iter()
        .filter(|n| matches!(n, NoticeBody::LicensesFull { .. }))
        .count();
    assert_eq!(full_notices, 1, "the last free license is announced once");
}

#[tokio::test]
async fn a_linked_role_follows_assign_unassign_and_the_link_itself() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.assign(&sub, ANA).await.unwrap();
    assert!(
        fx.roles().await.is_empty(),
        "no role linked, nothing queued"
    );

    fx.link(&sub, Some(ROLE)).await;
    assert_eq!(fx.roles().await, [(ANA, ROLE, true, false)]);
    fx.assign(&sub, BOB).await.unwrap();
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, true, false), (BOB, ROLE, true, false)]
    );
    assert_eq!(fx.apply_roles().await, 2);
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, true, true), (BOB, ROLE, true, true)]
    );
    assert_eq!(fx.apply_roles().await, 0, "nothing more is due");

    fx.unassign(&sub, ANA).await.unwrap();
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, false, true), (BOB, ROLE, true, true)]
    );
    fx.apply_roles().await;
    assert_eq!(
        fx.roles().await,
        [(BOB, ROLE, true, true)],
        "a role taken away is done with"
    );

    // Another role: the old one is taken away, the new one given.
    fx.link(&sub, Some(OTHER_ROLE)).await;
    assert_eq!(
        fx.roles().await,
        [(BOB, ROLE, false, true), (BOB, OTHER_ROLE, true, false)]
    );
    fx.apply_roles().await;
    // Unlinked: taken away too.
    fx.link(&sub, None).await;
    assert_eq!(fx.roles().await, [(BOB, OTHER_ROLE, false, true)]);
    fx.apply_roles().await;
    assert!(fx.roles().await.is_empty());
}

#[tokio::test]
async fn a_member_keeps_a_role_two_subscriptions_share_while_they_hold_either() {
    let fx = Fx::new().await;
    let a = fx.subscription("A", 10, "2027-01-31").await;
    let b = fx.subscription("B", 10, "2027-01-31").await;
    fx.link(&a, Some(ROLE)).await;
    fx.link(&b, Some(ROLE)).await;
    fx.assign(&a, ANA).await.unwrap();
    fx.assign(&b, ANA).await.unwrap();
    fx.apply_roles().await;
    fx.unassign(&a, ANA).await.unwrap();
    assert_eq!(fx.roles().await, [(ANA, ROLE, true, true)]);
    fx.unassign(&b, ANA).await.unwrap();
    assert_eq!(fx.roles().await, [(ANA, ROLE, false, true)]);
}

#[tokio::test]
async fn disabled_takes_every_holders_role_and_an_extension_gives_it_back() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2026-12-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    fx.assign(&sub, BOB).await.unwrap();
    fx.apply_roles().await;

    // Expired: access stays.
    fx.advance_to("2027-01-15T10:00:00Z");
    lifecycle_tick(&fx.app).await.unwrap();
    assert!(
        fx.roles().await.iter().all(|r| r.2),
        "{:?}",
        fx.roles().await
    );

    // Disabled (31 days after the end date): taken away, in the tick that announces it.
    fx.advance_to("2027-02-01T10:00:00Z");
    lifecycle_tick(&fx.app).await.unwrap();
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, false, true), (BOB, ROLE, false, true)]
    );
    assert!(fx.notices().await.iter().any(|n| matches!(
        n,
        NoticeBody::StateChange {
            state: LifecycleState::Disabled,
            ..
        }
    )));
    fx.apply_roles().await;
    assert!(fx.roles().await.is_empty());
    assert_eq!(
        fx.holders(&sub).await,
        [ANA, BOB],
        "disabled keeps the licenses"
    );

    // Extended back to active: every holder gets the role again, with the redemption.
    let keys = fx
        .app
        .generate_keys(&KeyBatch {
            product_sku: SKU.into(),
            seats: 10,
            term: Term::Months(12),
            count: 1,
            batch: None,
            expires_on: None,
        })
        .await
        .unwrap();
    let review = fx
        .app
        .open_order(OpenOrder {
            guild: GUILD,
            user: ADMIN,
            locale: "en-US".into(),
            subscription: SubscriptionRef::Id(sub.id),
            kind: OrderKind::Extend,
            keys: keys[0].to_string(),
        })
        .await
        .unwrap();
    assert_eq!(review.assigned, 2, "the review shows 2 of 10 assigned");
    fx.app
        .redeem(GUILD, ADMIN, review.order.id)
        .await
        .expect("redeeming");
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, true, false), (BOB, ROLE, true, false)]
    );
}

#[tokio::test]
async fn deleted_ends_every_license_with_its_reason() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2026-12-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    fx.apply_roles().await;

    // 121 days after the end date: deleted.
    fx.advance_to("2027-05-01T10:00:00Z");
    lifecycle_tick(&fx.app).await.unwrap();
    assert!(
        fx.holders(&sub).await.is_empty(),
        "deleted ends every license"
    );
    let history = fx.app.list_licenses(GUILD, None, true).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].unassigned_reason,
        Some(LicenseReason::SubscriptionDeleted)
    );
    assert_eq!(history[0].unassigned_by, None, "licensebot ended it itself");
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, false, true)],
        "and the role goes"
    );
}

#[tokio::test]
async fn a_member_who_left_is_released_from_every_license_and_the_channel_is_told() {
    let fx = Fx::new().await;
    let a = fx.subscription("A", 10, "2027-01-31").await;
    let b = fx.subscription("B", 10, "2027-01-31").await;
    fx.link(&a, Some(ROLE)).await;
    fx.assign(&a, ANA).await.unwrap();
    fx.assign(&b, ANA).await.unwrap();
    fx.assign(&a, BOB).await.unwrap();
    let released = fx
        .app
        .release_departed_member(GUILD, ANA)
        .await
        .expect("releasing");
    assert_eq!(released, ["A", "B"]);
    assert_eq!(fx.holders(&a).await, [BOB]);
    assert!(fx.holders(&b).await.is_empty());
    assert_eq!(
        fx.roles().await,
        [(BOB, ROLE, true, false)],
        "nothing is sent for a member who left"
    );
    let history = fx.app.list_licenses(GUILD, None, true).await.unwrap();
    let reasons: Vec<_> = history
        .iter()
        .filter(|l| l.user == ANA)
        .map(|l| l.unassigned_reason)
        .collect();
    assert_eq!(reasons, [Some(LicenseReason::MemberGone); 2]);
    assert!(fx.notices().await.contains(&NoticeBody::MemberGone {
        user: ANA.0,
        subscriptions: vec!["A".into(), "B".into()],
    }));
    // Gone twice: nothing more to release, no second notice.
    assert!(fx
        .app
        .release_departed_member(GUILD, ANA)
        .await
        .unwrap()
        .is_empty());
    let gone_notices = fx
        .notices()
        .await
        .into_iter()
        .filter(|n| matches!(n, NoticeBody::MemberGone { .. }))
        .count();
    assert_eq!(gone_notices, 1);
}

#[tokio::test]
async fn a_role_discord_refused_is_reported_once_and_left_alone_until_linked_again() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    fx.assign(&sub, BOB).await.unwrap();
    assert_eq!(
        fx.app.database_gauges().await.roles,
        Some(RoleBacklog {
            pending: 2,
            halted: 0
        })
    );
    let claim = fx.app.claim_due_role_changes(1).await.unwrap();
    assert_eq!(claim.changes().len(), 1);
    assert!(fx
        .app
        .role_change_refused(&claim.changes()[0], "50013 Missing Permissions")
        .await
        .unwrap());
    claim.release().await.unwrap();
    assert_eq!(
        fx.claimable_roles().await,
        0,
        "no more retries for that role"
    );
    // What /metrics shows: nothing pending to send, one role halted.
    let scraped = Metrics::new().scrape(fx.app.database_gauges().await);
    for line in [
        "licensebot_role_changes_pending 0",
        "licensebot_roles_halted 1",
    ] {
        assert!(scraped.lines().any(|l| l == line), "{line} in:\n{scraped}");
    }
    let refused: Vec<_> = fx
        .notices()
        .await
        .into_iter()
        .filter(|n| matches!(n, NoticeBody::RoleRefused { .. }))
        .collect();
    assert_eq!(
        refused,
        [NoticeBody::RoleRefused {
            role: ROLE,
            error: "50013 Missing Permissions".into()
        }]
    );
    // Linked again: both changes are due again.
    fx.link(&sub, Some(ROLE)).await;
    assert_eq!(fx.apply_roles().await, 2);
}

#[tokio::test]
async fn a_change_made_while_its_role_change_is_in_flight_is_sent_after_it() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    let claim = fx.app.claim_due_role_changes(10).await.unwrap();
    assert_eq!(claim.changes().len(), 1);
    assert!(claim.changes()[0].wanted);
    // Unassigned while the PUT is on its way: the claim does not hold the unassignment up,
    // and keeps other dispatchers off the change meanwhile.
    fx.unassign(&sub, ANA).await.unwrap();
    assert_eq!(fx.claimable_roles().await, 0);
    fx.app.role_change_done(&claim.changes()[0]).await.unwrap();
    claim.release().await.unwrap();
    assert_eq!(fx.roles().await, [(ANA, ROLE, false, true)]);
    let next = fx.app.claim_due_role_changes(10).await.unwrap();
    assert_eq!(next.changes().len(), 1);
    assert!(!next.changes()[0].wanted, "the DELETE follows the PUT");
}

#[tokio::test]
async fn a_change_of_mind_after_a_role_change_that_may_have_reached_discord_is_still_sent() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    // A dispatcher sends the PUT, Discord carries it out, and the dispatcher dies before it
    // can record so; meanwhile the license was unassigned.
    let claim = fx.app.claim_due_role_changes(10).await.unwrap();
    assert!(claim.changes()[0].wanted);
    fx.unassign(&sub, ANA).await.unwrap();
    drop(claim);
    // Ana may hold the role at Discord: the DELETE is due, whatever became of the PUT.
    assert_eq!(fx.roles().await, [(ANA, ROLE, false, true)]);
    let next = fx.app.claim_due_role_changes(10).await.unwrap();
    assert_eq!(next.changes().len(), 1);
    assert!(!next.changes()[0].wanted);
    next.release().await.unwrap();
    // And the other way: a DELETE on its way when the license is given back.
    assert_eq!(fx.apply_roles().await, 1);
    assert!(fx.roles().await.is_empty());
    fx.assign(&sub, ANA).await.unwrap();
    fx.apply_roles().await;
    fx.unassign(&sub, ANA).await.unwrap();
    let claim = fx.app.claim_due_role_changes(10).await.unwrap();
    assert!(!claim.changes()[0].wanted);
    fx.assign(&sub, ANA).await.unwrap();
    drop(claim);
    assert_eq!(
        fx.roles().await,
        [(ANA, ROLE, true, false)],
        "the PUT is due"
    );
}

#[tokio::test]
async fn a_failed_role_change_recorded_after_a_change_of_mind_does_not_hold_the_new_one_up() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    let claim = fx.app.claim_due_role_changes(10).await.unwrap();
    fx.unassign(&sub, ANA).await.unwrap();
    // The PUT failed with a 5xx, after the unassignment: its backoff is not the DELETE's.
    let wait = fx
        .app
        .role_change_failed(&claim.changes()[0], "500 Internal Server Error")
        .await
        .unwrap();
    assert!(!wait.is_zero());
    claim.release().await.unwrap();
    let next = fx.app.claim_due_role_changes(10).await.unwrap();
    assert_eq!(next.changes().len(), 1, "the DELETE is due at once");
    assert!(!next.changes()[0].wanted);
    assert_eq!(next.changes()[0].attempts, 1, "its first attempt");
}

#[tokio::test]
async fn role_changes_claimed_by_a_dispatcher_that_dies_are_due_again_at_once() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    fx.assign(&sub, BOB).await.unwrap();
    // Another process's dispatcher, on a connection of its own, claims both changes; the
    // lease (the fallback for a claimer that hangs) is an hour.
    let mut settings = Settings::default();
    settings.notices.lease_seconds = 3600;
    let pool = fx.db.pool_named("role-claimer", 1).await;
    let claimer = App::assemble(Store::new(pool), Arc::new(settings), fx.clock.clone());
    let claim = claimer.claim_due_role_changes(100).await.unwrap();
    assert_eq!(claim.changes().len(), 2);
    assert_eq!(fx.claimable_roles().await, 0, "claimed twice");
    // An assignment is not held up by the claim.
    fx.assign(&sub, CAROL).await.unwrap();
    assert_eq!(fx.claimable_roles().await, 1, "only the new change is free");

    // The claimer dies: its connection is closed, as a SIGKILLed process's is.
    assert_eq!(fx.db.end_sessions("role-claimer").await, vec![true]);
    // Due again as soon as the server has ended that session, not an hour later.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut free = 0;
    while free < 3 && tokio::time::Instant::now() < deadline {
        free = fx.claimable_roles().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(free, 3, "the dead claimer's changes are due again");
    assert_eq!(fx.apply_roles().await, 3);
    assert_eq!(
        fx.roles().await,
        [
            (ANA, ROLE, true, true),
            (BOB, ROLE, true, true),
            (CAROL, ROLE, true, true)
        ]
    );
    // The dead claim cannot be released (nothing was recorded through it).
    assert!(claim.release().await.is_err());
}

#[tokio::test]
async fn reconciliation_repairs_drift_between_licenses_and_the_role_queue() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.link(&sub, Some(ROLE)).await;
    fx.assign(&sub, ANA).await.unwrap();
    fx.assign(&sub, BOB).await.unwrap();
    fx.apply_roles().await;
    // Drift: a row lost, and a role given to someone without a license.
    sqlx::query("DELETE FROM member_roles WHERE user_id = $1")
        .bind(ANA.0 as i64)
        .execute(&fx.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO member_roles (guild_id, user_id, role_id, wanted, applied, changed_at, next_attempt_at)
         VALUES ($1, $2, $3, true, true, now(), now())",
    )
    .bind(GUILD.0 as i64)
    .bind(CAROL.0 as i64)
    .bind(ROLE as i64)
    .execute(&fx.db.pool)
    .await
    .unwrap();
    assert_eq!(fx.app.reconcile_licenses().await.unwrap(), 2);
    assert_eq!(
        fx.roles().await,
        [
            (ANA, ROLE, true, false),
            (BOB, ROLE, true, true),
            (CAROL, ROLE, false, true)
        ]
    );
    assert_eq!(fx.app.reconcile_licenses().await.unwrap(), 0, "settled");
}

#[tokio::test]
async fn a_request_is_decided_once_and_an_approval_assigns_by_the_same_rules() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 1, "2027-01-31").await;
    let contoso = SubscriptionRef::Name("contoso".into());
    // No notice channel: requests have nowhere to go.
    assert_eq!(
        fx.refused(fx.app.request_license(GUILD, &contoso, ANA, "nl"))
            .await,
        LicenseRefusal::NoNoticeChannel
    );
    fx.app.set_notice_channel(GUILD, 42).await.unwrap();
    let posted = fx
        .app
        .request_license(GUILD, &contoso, ANA, "nl")
        .await
        .expect("requesting");
    assert_eq!(posted.request.expires_at, at(NOW) + Duration::days(7));
    assert!(matches!(
        fx.refused(fx.app.request_license(GUILD, &contoso, ANA, "nl"))
            .await,
        LicenseRefusal::RequestOpen { .. }
    ));
    let bob = fx
        .app
        .request_license(GUILD, &contoso, BOB, "en-US")
        .await
        .unwrap();
    assert!(fx.notices().await.iter().any(|n| matches!(
        n,
        NoticeBody::LicenseRequest { request, .. } if *request == posted.request.id
    )));

    let decision = fx
        .app
        .decide_license_request(GUILD, posted.request.id, ADMIN, true)
        .await
        .expect("approving");
    assert_eq!(decision.assigned, Some(1));
    assert_eq!(decision.request.state, RequestState::Approved);
    assert_eq!(fx.holders(&sub).await, [ANA]);
    let history = fx.app.list_licenses(GUILD, None, true).await.unwrap();
    assert_eq!(history[0].assigned_via, LicenseReason::Request);
    assert!(fx.notices().await.contains(&NoticeBody::RequestDecided {
        user: ANA.0,
        subscription: "Contoso".into(),
        approved: true,
        by: ADMIN.0,
        locale: "nl".into(),
    }));

    // A second click is told who decided; the full subscription refuses Bob's approval
    // and leaves his request open; Deny closes it.
    assert!(matches!(
        fx.refused(
            fx.app
                .decide_license_request(GUILD, posted.request.id, BOB, false)
        )
        .await,
        LicenseRefusal::RequestClosed {
            state: RequestState::Approved,
            by: Some(ADMIN),
            ..
        }
    ));
    assert!(matches!(
        fx.refused(
            fx.app
                .decide_license_request(GUILD, bob.request.id, ADMIN, true)
        )
        .await,
        LicenseRefusal::NoFreeLicense { .. }
    ));
    fx.app
        .decide_license_request(GUILD, bob.request.id, ADMIN, false)
        .await
        .expect("denying");
    assert_eq!(fx.holders(&sub).await, [ANA]);
    // Another guild cannot decide it.
    assert!(matches!(
        fx.app
            .decide_license_request(OTHER_GUILD, bob.request.id, ADMIN, true)
            .await,
        Err(AppError::User(UserError::License(
            LicenseRefusal::RequestNotFound
        )))
    ));
}

#[tokio::test]
async fn a_request_expires_after_seven_days_and_can_then_be_made_again() {
    let fx = Fx::new().await;
    fx.subscription("Contoso", 5, "2027-06-30").await;
    fx.app.set_notice_channel(GUILD, 42).await.unwrap();
    let contoso = SubscriptionRef::Name("Contoso".into());
    let first = fx
        .app
        .request_license(GUILD, &contoso, ANA, "en-US")
        .await
        .unwrap();
    fx.advance_to("2026-12-06T09:59:59Z");
    assert!(fx.app.expire_license_requests().await.unwrap().is_empty());
    fx.advance_to("2026-12-06T10:00:00Z");
    let expired = fx.app.expire_license_requests().await.unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].request.id, first.request.id);
    assert_eq!(expired[0].request.state, RequestState::Expired);
    assert!(matches!(
        fx.refused(
            fx.app
                .decide_license_request(GUILD, first.request.id, ADMIN, true)
        )
        .await,
        LicenseRefusal::RequestClosed {
            state: RequestState::Expired,
            ..
        }
    ));
    // The cooldown after an expired request runs from its expiry.
    assert_eq!(
        fx.refused(fx.app.request_license(GUILD, &contoso, ANA, "en-US"))
            .await,
        LicenseRefusal::RequestCooldown {
            subscription: "Contoso".into(),
            state: RequestState::Expired,
            until: at("2026-12-07T10:00:00Z"),
        }
    );
    fx.advance_to("2026-12-07T10:00:00Z");
    fx.app
        .request_license(GUILD, &contoso, ANA, "en-US")
        .await
        .expect("asking again");
}

#[tokio::test]
async fn a_denied_member_may_ask_again_only_after_the_cooldown() {
    let fx = Fx::new().await;
    fx.subscription("Contoso", 5, "2027-06-30").await;
    fx.subscription("Fabrikam", 5, "2027-06-30").await;
    fx.app.set_notice_channel(GUILD, 42).await.unwrap();
    let contoso = SubscriptionRef::Name("Contoso".into());
    let posted = fx
        .app
        .request_license(GUILD, &contoso, ANA, "en-US")
        .await
        .unwrap();
    fx.advance_to("2026-11-29T11:00:00Z");
    fx.app
        .decide_license_request(GUILD, posted.request.id, ADMIN, false)
        .await
        .expect("denying");
    fx.advance_to("2026-11-30T10:59:59Z");
    assert_eq!(
        fx.refused(fx.app.request_license(GUILD, &contoso, ANA, "en-US"))
            .await,
        LicenseRefusal::RequestCooldown {
            subscription: "Contoso".into(),
            state: RequestState::Denied,
            until: at("2026-11-30T11:00:00Z"),
        }
    );
    // Another member, and another subscription, are not held back.
    fx.app
        .request_license(GUILD, &contoso, BOB, "en-US")
        .await
        .expect("another member asks");
    fx.app
        .request_license(
            GUILD,
            &SubscriptionRef::Name("Fabrikam".into()),
            ANA,
            "en-US",
        )
        .await
        .expect("another subscription");
    fx.advance_to("2026-11-30T11:00:00Z");
    fx.app
        .request_license(GUILD, &contoso, ANA, "en-US")
        .await
        .expect("asking again after the cooldown");
}

#[tokio::test]
async fn five_requests_of_one_member_at_once_open_exactly_three() {
    let fx = Fx::new().await;
    fx.app.set_notice_channel(GUILD, 42).await.unwrap();
    let mut subs = Vec::new();
    for name in ["A", "B", "C", "D", "E"] {
        subs.push(fx.subscription(name, 5, "2027-06-30").await);
    }
    // Another server's requests do not count.
    fx.app
        .create_subscription(OTHER_GUILD, SKU, "Elsewhere", 5, date("2027-06-30"))
        .await
        .unwrap();
    fx.app.set_notice_channel(OTHER_GUILD, 43).await.unwrap();
    fx.app
        .request_license(
            OTHER_GUILD,
            &SubscriptionRef::Name("Elsewhere".into()),
            ANA,
            "en-US",
        )
        .await
        .unwrap();
    let barrier = Arc::new(Barrier::new(subs.len()));
    let asks: Vec<_> = subs
        .iter()
        .map(|sub| {
            let (app, barrier, id) = (fx.app.clone(), barrier.clone(), sub.id);
            tokio::spawn(async move {
                barrier.wait().await;
                app.request_license(GUILD, &SubscriptionRef::Id(id), ANA, "en-US")
                    .await
            })
        })
        .collect();
    let (mut opened, mut capped) = (0, 0);
    for ask in asks {
        match ask.await.unwrap() {
            Ok(_) => opened += 1,
            Err(AppError::User(UserError::License(LicenseRefusal::TooManyRequests {
                open: 3,
                until,
            }))) => {
                assert_eq!(until, at(NOW) + Duration::days(7));
                capped += 1;
            }
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((opened, capped), (3, 2));
    let open: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM license_requests WHERE guild_id = $1 AND state = 'open'",
    )
    .bind(GUILD.0 as i64)
    .fetch_one(&fx.db.pool)
    .await
    .unwrap();
    assert_eq!(open, 3);
    // Once one is decided, the member may ask for another.
    let first: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM license_requests WHERE guild_id = $1 AND state = 'open' LIMIT 1",
    )
    .bind(GUILD.0 as i64)
    .fetch_one(&fx.db.pool)
    .await
    .unwrap();
    fx.app
        .decide_license_request(GUILD, first, ADMIN, true)
        .await
        .unwrap();
    let left: Vec<i64> = sqlx::query_scalar(
        "SELECT s.id FROM subscriptions s WHERE s.guild_id = $1 AND NOT EXISTS
           (SELECT 1 FROM license_requests r WHERE r.subscription_id = s.id) ORDER BY s.id",
    )
    .bind(GUILD.0 as i64)
    .fetch_all(&fx.db.pool)
    .await
    .unwrap();
    fx.app
        .request_license(GUILD, &SubscriptionRef::Id(left[0]), ANA, "en-US")
        .await
        .expect("a slot was freed");
}

#[tokio::test]
async fn a_double_click_on_approve_assigns_once() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.app.set_notice_channel(GUILD, 42).await.unwrap();
    let posted = fx
        .app
        .request_license(GUILD, &SubscriptionRef::Id(sub.id), ANA, "en-US")
        .await
        .unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let clicks: Vec<_> = [ADMIN, BOB]
        .into_iter()
        .map(|by| {
            let (app, barrier, id) = (fx.app.clone(), barrier.clone(), posted.request.id);
            tokio::spawn(async move {
                barrier.wait().await;
                app.decide_license_request(GUILD, id, by, true).await
            })
        })
        .collect();
    let mut approved = 0;
    let mut told = 0;
    for click in clicks {
        match click.await.unwrap() {
            Ok(_) => approved += 1,
            Err(AppError::User(UserError::License(LicenseRefusal::RequestClosed {
                state: RequestState::Approved,
                ..
            }))) => told += 1,
            Err(other) => panic!("unexpected: {other:?}"),
        }
    }
    assert_eq!((approved, told), (1, 1));
    assert_eq!(fx.holders(&sub).await, [ANA]);
    let history = fx.app.list_licenses(GUILD, None, true).await.unwrap();
    assert_eq!(history.len(), 1, "assigned once");
}

#[tokio::test]
async fn the_history_is_append_only() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 10, "2027-01-31").await;
    fx.assign(&sub, ANA).await.unwrap();
    for sql in [
        "UPDATE license_history SET reason = 'request'",
        "DELETE FROM license_history",
    ] {
        let refused = sqlx::query(sql).execute(&fx.db.pool).await;
        assert!(refused.is_err(), "{sql} was allowed");
    }
}

#[tokio::test]
async fn the_holders_list_pages_ten_at_a_time_newest_first() {
    let fx = Fx::new().await;
    let sub = fx.subscription("Contoso", 20, "2027-01-31").await;
    for i in 0..12u64 {
        fx.assign(&sub, UserId(860_000_000_000_000_000 + i))
            .await
            .unwrap();
        fx.clock.advance(Duration::minutes(1));
    }
    let reference = SubscriptionRef::Name("CONTOSO".into());
    let first = fx
        .app
        .license_holders_page(GUILD, &reference, 0, 10)
        .await
        .unwrap();
    assert_eq!((first.page, first.pages, first.assigned), (0, 2, 12));
    assert_eq!(first.rows.len(), 10);
    assert_eq!(
        first.rows[0].user,
        UserId(860_000_000_000_000_011),
        "newest first"
    );
    assert_eq!(first.rows[0].assigned_by, ADMIN);
    let last = fx
        .app
        .license_holders_page(GUILD, &reference, 7, 10)
        .await
        .unwrap();
    assert_eq!(last.page, 1, "past the last page: the last page");
    assert_eq!(last.rows.len(), 2);
    assert_eq!(last.rows[1].user, UserId(860_000_000_000_000_000));
}
