//! Licenses assigned to members, under the crash scenario's kills: in every guild each
//! subscription carries a linked role, and one admin assigns and unassigns licenses with
//! `/licenses` while the bot is killed and restarted around them.
//!
//! Promises checked once the last bot settled: the roles at the fake are exactly the
//! assignments in PostgreSQL (every holder carries the linked role, nobody else does); the
//! role queue has nothing left to send and halted nothing; no role but a linked one was
//! ever given or taken; every member's history, replayed, alternates and ends in what the
//! assignments say; no subscription has more holders than licenses; and every answer an
//! admin was given is a change the history committed.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use fake_discord::{
    serenity::all::{Permissions, RoleId, UserId},
    FakeDiscord, InteractionHandle,
};
use licensebot::{
    app::App,
    domain::{records, SubscriptionRef},
};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sqlx::PgPool;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::world::bot_permissions;

use super::harness::{answer_of, original_edits, wait, Answer, Floor, Report, Tenant};

/// The members and linked roles of one guild.
#[derive(Debug, Clone)]
pub struct Seats {
    pub members: Vec<UserId>,
    /// (subscription id, its linked role)
    pub roles: Vec<(i64, RoleId)>,
}

/// Gives the bot Manage Roles and a role above the license roles, links a role "<name>
/// users" to every subscription, and adds `members` members to every guild.
pub async fn prepare(
    fake: &FakeDiscord,
    app: &App,
    tenants: &[Tenant],
    members: usize,
) -> Vec<Seats> {
    let mut out = Vec::new();
    for (g, tenant) in tenants.iter().enumerate() {
        let guild = tenant.guild;
        fake.set_role_position(guild, fake.bot_role(guild), 10);
        fake.set_bot_permissions(guild, bot_permissions());
        let mut roles = Vec::new();
        for sub in &tenant.subscriptions {
            let role =
                fake.create_role(guild, &format!("{} users", sub.name), Permissions::empty());
            app.set_license_role(
                records::GuildId(guild.get()),
                &SubscriptionRef::Id(sub.id),
                Some(role.get()),
                records::UserId(tenant.admins[0].get()),
            )
            .await
            .expect("linking a license role");
            roles.push((sub.id, role));
        }
        let members = (0..members)
            .map(|m| fake.add_member(guild, &format!("member{g}-{m}"), &[]))
            .collect();
        out.push(Seats { members, roles });
    }
    out
}

/// One `/licenses assign|unassign` an admin sent.
#[derive(Debug, Clone)]
pub struct SeatCommand {
    pub admin: UserId,
    pub subscription: i64,
    pub member: UserId,
    pub assign: bool,
    pub handle: InteractionHandle,
    /// Which bot process was running when it was sent.
    pub epoch: u32,
}

#[derive(Default)]
pub struct SeatJournal {
    entries: Mutex<Vec<SeatCommand>>,
}

impl SeatJournal {
    pub fn entries(&self) -> Vec<SeatCommand> {
        self.entries.lock().unwrap().clone()
    }
}

/// Starts one admin per guild (the guild's last) assigning and unassigning until `stop`;
/// `abandon` ends a wait for an answer at once (the bot was killed).
pub fn start(
    floor: &Arc<Floor>,
    seats: &Arc<Vec<Seats>>,
    journal: &Arc<SeatJournal>,
    seed: u64,
    stop: &CancellationToken,
    abandon: &CancellationToken,
) -> Vec<JoinHandle<()>> {
    (0..floor.tenants.len())
        .map(|t| {
            tokio::spawn(seat_admin(
                floor.clone(),
                seats.clone(),
                journal.clone(),
                t,
                seed.wrapping_mul(7_000_003).wrapping_add(t as u64),
                stop.clone(),
                abandon.clone(),
            ))
        })
        .collect()
}

async fn seat_admin(
    floor: Arc<Floor>,
    seats: Arc<Vec<Seats>>,
    journal: Arc<SeatJournal>,
    tenant: usize,
    seed: u64,
    stop: CancellationToken,
    abandon: CancellationToken,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let guild = floor.tenants[tenant].guild;
    let Some(&admin) = floor.tenants[tenant].admins.last() else {
        return;
    };
    let mine = &seats[tenant];
    while !stop.is_cancelled() {
        let (subscription, _) = mine.roles[rng.gen_range(0..mine.roles.len())];
        let member = mine.members[rng.gen_range(0..mine.members.len())];
        let assign = rng.gen_bool(0.6);
        let sent = floor
            .fake
            .as_member(guild, admin)
            .command(if assign {
                "licenses assign"
            } else {
                "licenses unassign"
            })
            .option("subscription", subscription.to_string())
            .option("user", member)
            .send()
            .await;
        let Ok(handle) = sent else {
            // No gateway session (the bot is down): try again shortly.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        journal.entries.lock().unwrap().push(SeatCommand {
            admin,
            subscription,
            member,
            assign,
            handle: handle.clone(),
            epoch: floor.epoch.load(std::sync::atomic::Ordering::SeqCst),
        });
        wait(&handle, floor.patience, &abandon).await;
        tokio::select! {
            _ = tokio::time::sleep(rng.gen_range(Duration::from_millis(20)..Duration::from_millis(200))) => {}
            _ = stop.cancelled() => return,
        }
    }
}

/// What an admin was told about one `/licenses` command.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SeatTold {
    Nothing,
    Assigned,
    Unassigned,
    Already,
    NotAssigned,
    Full,
    Internal,
    Busy,
    Other(String),
}

fn seat_told(texts: &[String]) -> SeatTold {
    let text = texts.join("\n");
    if text.contains("now holds a license of") {
        SeatTold::Assigned
    } else if text.contains("no longer holds a license of") {
        SeatTold::Unassigned
    } else if text.contains("already holds a license of") {
        SeatTold::Already
    } else if text.contains("holds no license of") {
        SeatTold::NotAssigned
    } else if text.contains("Something went wrong") {
        SeatTold::Internal
    } else if text.contains(super::harness::BUSY) {
        SeatTold::Busy
    } else if text.contains("licenses of *") && text.contains("are assigned")
        || text.contains("The only license of")
    {
        SeatTold::Full
    } else {
        SeatTold::Other(text)
    }
}

/// Role changes still to send (a change being sent included, until Discord's answer is
/// recorded), of those queued before `before` if given.
pub async fn pending_roles(pool: &PgPool, before: Option<chrono::DateTime<chrono::Utc>>) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM member_roles
         WHERE wanted <> applied AND ($1::timestamptz IS NULL OR changed_at <= $1)",
    )
    .bind(before)
    .fetch_one(pool)
    .await
    .unwrap_or(i64::MAX)
}

/// How long after `since` the role changes queued before `before` were all sent (polled
/// every 100 ms; `None` if that took more than 180 s).
pub async fn roles_drained(
    pool: PgPool,
    before: chrono::DateTime<chrono::Utc>,
    since: Instant,
) -> Option<Duration> {
    while since.elapsed() < Duration::from_secs(180) {
        if pending_roles(&pool, Some(before)).await == 0 {
            return Some(since.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// The promises about seats, once the last bot has settled (see the module's doc).
pub async fn check(
    fake: &FakeDiscord,
    pool: &PgPool,
    tenants: &[Tenant],
    seats: &[Seats],
    journal: &SeatJournal,
    last_epoch: u32,
    report: &mut Report,
) {
    // The assignments and the roles at the fake.
    let held: HashSet<(i64, i64)> =
        sqlx::query_as::<_, (i64, i64)>("SELECT subscription_id, user_id FROM license_assignments")
            .fetch_all(pool)
            .await
            .expect("reading the assignments")
            .into_iter()
            .collect();
    let (mut carrying, mut missing, mut extra) = (0, Vec::new(), Vec::new());
    for (t, tenant) in tenants.iter().enumerate() {
        for &member in &seats[t].members {
            let has = fake.member_roles(tenant.guild, member);
            for &(subscription, role) in &seats[t].roles {
                let holds = held.contains(&(subscription, member.get() as i64));
                let carries = has.contains(&role);
                carrying += usize::from(carries);
                if holds && !carries {
                    missing.push((t, member, subscription));
                } else if carries && !holds {
                    extra.push((t, member, subscription));
                }
            }
        }
    }
    report.figure(
        "licenses held at the end / linked roles carried at the fake",
        format!("{} / {carrying}", held.len()),
    );
    report.check(missing.is_empty(), || {
        format!(
            "{} holder(s) without the linked role at Discord, e.g. {:?}",
            missing.len(),
            &missing[..missing.len().min(5)]
        )
    });
    report.check(extra.is_empty(), || {
        format!(
            "{} member(s) carrying a linked role without a license, e.g. {:?}",
            extra.len(),
            &extra[..extra.len().min(5)]
        )
    });

    // The queue: nothing left to send, nothing halted.
    let pending = pending_roles(pool, None).await;
    report.check(pending == 0, || {
        format!("{pending} role change(s) still pending")
    });
    let halted: i64 = sqlx::query_scalar("SELECT count(*) FROM license_role_halts")
        .fetch_one(pool)
        .await
        .expect("reading halted roles");
    report.check(halted == 0, || format!("{halted} role(s) halted"));

    // Only linked roles were touched.
    let linked: HashSet<u64> = seats
        .iter()
        .flat_map(|s| s.roles.iter().map(|(_, r)| r.get()))
        .collect();
    let (mut puts, mut deletes, mut others) = (0, 0, Vec::new());
    for method in ["PUT", "DELETE"] {
        for r in fake.requests_to(method, "/guilds/*/members/*/roles/*") {
            if method == "PUT" {
                puts += 1;
            } else {
                deletes += 1;
            }
            let role = r.path.rsplit('/').next().and_then(|id| id.parse().ok());
            if !role.is_some_and(|role: u64| linked.contains(&role)) {
                others.push(format!("{method} {}", r.path));
            }
        }
    }
    report.figure(
        "role requests the fake received",
        format!("{puts} PUT, {deletes} DELETE"),
    );
    report.check(others.is_empty(), || {
        format!(
            "{} request(s) touched a role never linked, e.g. {:?}",
            others.len(),
            others.first()
        )
    });

    // The history, replayed per member and subscription.
    let history: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT subscription_id, user_id, event, actor_id FROM license_history ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .expect("reading the license history");
    let mut state: HashMap<(i64, i64), bool> = HashMap::new();
    let mut out_of_turn = 0;
    // (subscription, member, actor, assigned) → how many events
    let mut events: HashMap<(i64, i64, i64, bool), usize> = HashMap::new();
    for (subscription, user, event, actor) in &history {
        let assigned = event == "assigned";
        let now = state.entry((*subscription, *user)).or_insert(false);
        if *now == assigned {
            out_of_turn += 1;
        }
        *now = assigned;
        *events
            .entry((*subscription, *user, actor.unwrap_or(0), assigned))
            .or_default() += 1;
    }
    report.check(out_of_turn == 0, || {
        format!("{out_of_turn} history event(s) out of turn (assigned twice, or unassigned when not held)")
    });
    let disagreeing = state
        .iter()
        .filter(|(pair, now)| **now != held.contains(pair))
        .count()
        + held.iter().filter(|p| !state.contains_key(p)).count();
    report.check(disagreeing == 0, || {
        format!("{disagreeing} member(s) whose history ends otherwise than their assignment")
    });
    let over: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM subscriptions s
         WHERE (SELECT count(*) FROM license_assignments a WHERE a.subscription_id = s.id) > s.seats",
    )
    .fetch_one(pool)
    .await
    .expect("counting over-assigned subscriptions");
    report.check(over == 0, || {
        format!("{over} subscription(s) with more holders than licenses")
    });

    // Every answer is a committed change: an admin told "now holds" (or "no longer holds")
    // has an event of theirs for that member in the history, one per such answer.
    let edits = original_edits(fake);
    let mut told_count: HashMap<&'static str, usize> = HashMap::new();
    let mut claimed: HashMap<(i64, i64, i64, bool), usize> = HashMap::new();
    let (mut unexpected, mut unanswered_by_last) = (Vec::new(), 0);
    let entries = journal.entries();
    for c in &entries {
        let told = match answer_of(&c.handle, &edits) {
            Answer::Nothing => SeatTold::Nothing,
            Answer::Choices => SeatTold::Other("choices".into()),
            Answer::Texts(texts) if texts.is_empty() => SeatTold::Nothing,
            Answer::Texts(texts) => seat_told(&texts),
        };
        let name = match &told {
            SeatTold::Nothing => "no answer",
            SeatTold::Assigned => "assigned",
            SeatTold::Unassigned => "unassigned",
            SeatTold::Already => "already held",
            SeatTold::NotAssigned => "not held",
            SeatTold::Full => "no free license",
            SeatTold::Internal => "internal error",
            SeatTold::Busy => "busy",
            SeatTold::Other(_) => "something else",
        };
        *told_count.entry(name).or_default() += 1;
        let key = (c.subscription, c.member.get() as i64, c.admin.get() as i64);
        match (&told, c.assign) {
            (SeatTold::Assigned, true) => {
                *claimed.entry((key.0, key.1, key.2, true)).or_default() += 1
            }
            (SeatTold::Unassigned, false) => {
                *claimed.entry((key.0, key.1, key.2, false)).or_default() += 1
            }
            (SeatTold::Nothing, _) => unanswered_by_last += usize::from(c.epoch == last_epoch),
            (SeatTold::Already | SeatTold::Full, true)
            | (SeatTold::NotAssigned, false)
            | (SeatTold::Busy, _) => {}
            (other, assign) => unexpected.push(format!(
                "{} → {other:?}",
                if assign { "assign" } else { "unassign" }
            )),
        }
    }
    let mut told: Vec<String> = told_count
        .iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    told.sort();
    report.figure(
        "/licenses assign|unassign sent, and told",
        format!("{} ({})", entries.len(), told.join(", ")),
    );
    report.check(unexpected.is_empty(), || {
        format!(
            "{} unexpected answer(s) to /licenses, e.g. {:?}",
            unexpected.len(),
            unexpected.first()
        )
    });
    report.check(unanswered_by_last == 0, || {
        format!(
            "{unanswered_by_last} /licenses command(s) unanswered by the bot that was not killed"
        )
    });
    let unbacked: Vec<_> = claimed
        .iter()
        .filter(|(k, n)| events.get(k).copied().unwrap_or(0) < **n)
        .collect();
    report.check(unbacked.is_empty(), || {
        format!(
            "{} answer(s) told a change the history does not hold, e.g. {:?}",
            unbacked.len(),
            unbacked.first()
        )
    });
    let committed: usize = events
        .iter()
        .filter(|((_, _, actor, _), _)| *actor != 0)
        .map(|(_, n)| n)
        .sum();
    let told_changes: usize = claimed.values().sum();
    report.figure(
        "license changes committed / told to the admin (the rest lost their answer to a kill)",
        format!("{committed} / {told_changes}"),
    );
}
