//! Bounded work in flight, shared fairly between guilds. At most `interactions.max_in_flight`
//! interactions are worked on at once. Each guild's fair share is
//! `interactions.max_in_flight_per_guild` of them: within its share a guild's interaction
//! takes any free slot; past it, only a slot that leaves a share free for the other guilds
//! (so one guild's burst never keeps another guild's interaction waiting, yet uses the room
//! nobody else needs). An interaction that cannot start waits in its guild's line (first
//! come, first served), at most `interactions.max_waiting` in all and each until
//! `interactions.max_wait_ms` after it arrived. A slot that comes free goes to the first in
//! line of the guild with the fewest interactions at work (among equals, the one served
//! longest ago), so a guild with 30 waiting does not hold up a guild with one.
//!
//! Only when the waiting room is full, or the wait runs out, is an interaction not started:
//! [`super::route`] answers it "licensebot is busy" (nothing was changed), so that a burst
//! past the process's capacity, or a slow Discord, never queues work (and memory) past
//! Discord's 3 seconds.
//!
//! The per-guild state lives in a map that holds only guilds with an interaction at work
//! or waiting, so it is never larger than the interactions working and waiting.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use crate::{config::InteractionSettings, metrics::Metrics};

/// Why an interaction was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// It could not start, and as many interactions as allowed were already waiting.
    All,
    /// It could not start within `interactions.max_wait_ms` of its arrival.
    Waited,
}

impl Busy {
    /// The metrics label.
    pub fn reason(self) -> &'static str {
        match self {
            Busy::All => "all",
            Busy::Waited => "waited",
        }
    }
}

/// Busy answers being sent at once. Each is one small REST call (or the reply to Discord's
/// POST); past this many, an interaction is not answered at all (Discord tells the user it
/// failed) rather than queue even the refusals.
pub const BUSY_ANSWERS: usize = 512;

/// The bounds, shared by every interaction of one process.
pub struct Admission {
    state: Mutex<State>,
    /// A guild's fair share of the slots, and the slots a guild past its share leaves free.
    share: usize,
    max_waiting: usize,
    max_wait: Duration,
    /// Busy answers being sent at once (see [`BUSY_ANSWERS`]).
    refusals: Arc<Semaphore>,
    metrics: Metrics,
}

struct State {
    /// Slots no interaction works in.
    free: usize,
    /// Interactions waiting, in all guilds.
    waiting: usize,
    /// The guilds with an interaction at work or waiting.
    guilds: HashMap<u64, Guild>,
    /// The guilds with interactions waiting; among equals, a free slot goes to the first.
    line: VecDeque<u64>,
    /// Tells waiters apart.
    next_ticket: u64,
}

#[derive(Default)]
struct Guild {
    working: usize,
    waiting: VecDeque<Waiter>,
}

struct Waiter {
    ticket: u64,
    /// Told when the waiter was given a slot.
    admit: oneshot::Sender<()>,
}

/// An interaction's slot; freed when dropped.
pub struct Slot {
    admission: Arc<Admission>,
    guild: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.admission.lock();
        self.admission.release(&mut state, self.guild);
    }
}

/// One interaction in its guild's line. Dropped before it was given a slot (its wait ran
/// out, or its task ended), it leaves the line; given one just as it gave up, it frees it.
struct Wait<'a> {
    admission: &'a Admission,
    guild: u64,
    ticket: u64,
    admitted: oneshot::Receiver<()>,
    /// It has its slot, and a [`Slot`] frees it.
    done: bool,
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let admission = self.admission;
        let mut guard = admission.lock();
        let state = &mut *guard;
        let in_line = state.guilds.get_mut(&self.guild).and_then(|g| {
            let at = g.waiting.iter().position(|w| w.ticket == self.ticket)?;
            g.waiting.remove(at);
            Some(g.waiting.is_empty())
        });
        match in_line {
            Some(line_empty) => {
                state.waiting -= 1;
                if line_empty {
                    state.line.retain(|&g| g != self.guild);
                }
                state.forget_if_idle(self.guild);
                admission.metrics.interactions_waiting(state.waiting);
            }
            // Given a slot as it gave up: hand it on.
            None => admission.release(state, self.guild),
        }
    }
}

/// Permission to send one busy answer; given back when dropped.
pub struct Refusal(#[allow(dead_code)] OwnedSemaphorePermit);

impl State {
    fn forget_if_idle(&mut self, guild: u64) {
        if self
            .guilds
            .get(&guild)
            .is_some_and(|g| g.working == 0 && g.waiting.is_empty())
        {
            self.guilds.remove(&guild);
        }
    }
}

impl Admission {
    pub fn new(settings: &InteractionSettings, metrics: Metrics) -> Arc<Admission> {
        Arc::new(Admission {
            state: Mutex::new(State {
                free: settings.max_in_flight.max(1),
                waiting: 0,
                guilds: HashMap::new(),
                line: VecDeque::new(),
                next_ticket: 0,
            }),
            share: settings.max_in_flight_per_guild.max(1),
            max_waiting: settings.max_waiting,
            max_wait: settings.max_wait(),
            refusals: Arc::new(Semaphore::new(BUSY_ANSWERS)),
            metrics,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether a guild with `working` interactions at work may start one more now: within
    /// its share, in any free slot; past it, only while a share stays free for the others.
    fn may_start(&self, free: usize, working: usize) -> bool {
        free > 0 && (working < self.share || free > self.share)
    }

    /// A slot for an interaction of `guild` (0 outside a guild) that arrived at `received`:
    /// at once if it may start, else after waiting in its guild's line until `received` +
    /// `max_wait` at most.
    pub async fn admit(self: &Arc<Self>, guild: u64, received: Instant) -> Result<Slot, Busy> {
        let (ticket, admitted) = {
            let mut guard = self.lock();
            let state = &mut *guard;
            let free = state.free;
            let g = state.guilds.entry(guild).or_default();
            if g.waiting.is_empty() && self.may_start(free, g.working) {
                g.working += 1;
                state.free -= 1;
                return Ok(Slot {
                    admission: self.clone(),
                    guild,
                });
            }
            if state.waiting >= self.max_waiting {
                state.forget_if_idle(guild);
                return Err(Busy::All);
            }
            let ticket = state.next_ticket;
            state.next_ticket += 1;
            let (admit, admitted) = oneshot::channel();
            g.waiting.push_back(Waiter { ticket, admit });
            if g.waiting.len() == 1 {
                state.line.push_back(guild);
            }
            state.waiting += 1;
            self.metrics.interactions_waiting(state.waiting);
            (ticket, admitted)
        };
        let mut wait = Wait {
            admission: self,
            guild,
            ticket,
            admitted,
            done: false,
        };
        let until = tokio::time::Instant::from_std(received + self.max_wait);
        match tokio::time::timeout_at(until, &mut wait.admitted).await {
            Ok(Ok(())) => {
                wait.done = true;
                self.metrics.admitted_after_waiting();
                Ok(Slot {
                    admission: self.clone(),
                    guild,
                })
            }
            // The wait ran out (the sender is never dropped unsent while it waits).
            _ => Err(Busy::Waited),
        }
    }

    /// Frees a slot of `guild` and hands what is free to those waiting.
    fn release(&self, state: &mut State, guild: u64) {
        state.free += 1;
        if let Some(g) = state.guilds.get_mut(&guild) {
            g.working = g.working.saturating_sub(1);
        }
        state.forget_if_idle(guild);
        self.hand_out(state);
    }

    /// Gives free slots to the first in line of the guilds that may start one, the guild
    /// with the fewest at work first.
    fn hand_out(&self, state: &mut State) {
        while let Some(guild) = self.next_in_line(state) {
            let Some(g) = state.guilds.get_mut(&guild) else {
                break;
            };
            let Some(waiter) = g.waiting.pop_front() else {
                break;
            };
            g.working += 1;
            state.free -= 1;
            state.waiting -= 1;
            // Served: among equals, the others come first next time.
            state.line.retain(|&q| q != guild);
            if !g.waiting.is_empty() {
                state.line.push_back(guild);
            }
            if waiter.admit.send(()).is_err() {
                // Its wait ended this instant (never happens: a waiter leaves the line
                // under this lock before it stops listening); the slot is free again.
                g.working -= 1;
                state.free += 1;
                state.forget_if_idle(guild);
            }
        }
        self.metrics.interactions_waiting(state.waiting);
    }

    /// The guild whose first in line a free slot goes to: of those that may start one more,
    /// the one with the fewest at work; among equals, the one first in line.
    fn next_in_line(&self, state: &State) -> Option<u64> {
        let mut best: Option<(usize, u64)> = None;
        for &guild in &state.line {
            let working = state.guilds.get(&guild).map_or(0, |g| g.working);
            let fewer = best.is_none_or(|(least, _)| working < least);
            if fewer && self.may_start(state.free, working) {
                best = Some((working, guild));
            }
        }
        best.map(|(_, guild)| guild)
    }

    /// Leave to send one busy answer, unless [`BUSY_ANSWERS`] are being sent already.
    pub fn refusal(&self) -> Option<Refusal> {
        self.refusals.clone().try_acquire_owned().ok().map(Refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits as long as a slow machine needs; the test of a wait that runs out waits less.
    const LONG: u64 = 10_000;

    fn admission(
        max_in_flight: usize,
        per_guild: usize,
        waiting: usize,
        max_wait_ms: u64,
    ) -> Arc<Admission> {
        Admission::new(
            &InteractionSettings {
                max_in_flight,
                max_in_flight_per_guild: per_guild,
                max_waiting: waiting,
                max_wait_ms,
            },
            Metrics::new(),
        )
    }

    type Pending = tokio::task::JoinHandle<Result<Slot, Busy>>;

    /// An interaction of `guild` arriving now, admitted in a task of its own.
    fn arrive(a: &Arc<Admission>, guild: u64) -> Pending {
        let a = a.clone();
        tokio::spawn(async move { a.admit(guild, Instant::now()).await })
    }

    /// Waits until `count` interactions wait in line.
    async fn until_waiting(a: &Admission, count: usize) {
        while a.lock().waiting != count {
            tokio::task::yield_now().await;
        }
    }

    async fn admitted(pending: Pending) -> Slot {
        match pending.await.unwrap() {
            Ok(slot) => slot,
            Err(busy) => panic!("busy: {busy:?}"),
        }
    }

    #[tokio::test]
    async fn an_interaction_past_its_guilds_share_waits_and_starts_once_its_guild_has_room() {
        let a = admission(4, 2, 10, LONG);
        let now = Instant::now();
        let first = a.admit(7, now).await.unwrap();
        let _second = a.admit(7, now).await.unwrap();
        // The third is past the guild's share, and the two free slots are the others' share.
        let third = arrive(&a, 7);
        until_waiting(&a, 1).await;
        assert!(a
            .metrics
            .render()
            .contains("licensebot_interactions_waiting 1"));
        drop(first);
        let _third = admitted(third).await;
        let text = a.metrics.render();
        assert!(text.contains("licensebot_interactions_waiting 0"), "{text}");
        assert!(
            text.contains("licensebot_interactions_admitted_after_waiting_total 1"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn past_its_share_a_guild_uses_the_free_slots_but_leaves_a_share_for_the_others() {
        let a = admission(8, 2, 10, LONG);
        let now = Instant::now();
        let mut held = Vec::new();
        for _ in 0..6 {
            held.push(a.admit(7, now).await.unwrap());
        }
        let seventh = arrive(&a, 7);
        until_waiting(&a, 1).await;
        // Another guild starts at once, in the share left free.
        held.push(a.admit(8, now).await.unwrap());
        held.push(a.admit(8, now).await.unwrap());
        assert!(!seventh.is_finished());
        drop(held);
        let _seventh = admitted(seventh).await;
    }

    #[tokio::test]
    async fn a_freed_slot_goes_to_another_guilds_single_interaction_before_one_guilds_backlog() {
        let a = admission(2, 2, 10, LONG);
        let now = Instant::now();
        let first = a.admit(7, now).await.unwrap();
        let _second = a.admit(7, now).await.unwrap();
        let mut backlog = Vec::new();
        for n in 1..=3 {
            backlog.push(arrive(&a, 7));
            until_waiting(&a, n).await;
        }
        let other = arrive(&a, 8);
        until_waiting(&a, 4).await;
        drop(first);
        // Guild 8 has none at work, guild 7 one: guild 8's interaction gets the slot.
        let _other = admitted(other).await;
        assert_eq!(a.lock().waiting, 3);
        assert!(backlog.iter().all(|p| !p.is_finished()));
    }

    #[tokio::test]
    async fn among_guilds_with_as_many_at_work_freed_slots_go_round_robin() {
        let a = admission(1, 1, 10, LONG);
        let mut slot = a.admit(7, Instant::now()).await.unwrap();
        let mut waiting = Vec::new();
        for (n, guild) in [7, 7, 8, 8].into_iter().enumerate() {
            waiting.push((guild, arrive(&a, guild)));
            until_waiting(&a, n + 1).await;
        }
        let mut served = Vec::new();
        for _ in 0..4 {
            drop(slot);
            // The one that was admitted is the one whose task finished.
            let at = loop {
                if let Some(at) = waiting.iter().position(|(_, p)| p.is_finished()) {
                    break at;
                }
                tokio::task::yield_now().await;
            };
            let (guild, pending) = waiting.remove(at);
            served.push(guild);
            slot = admitted(pending).await;
        }
        assert_eq!(served, [7, 8, 7, 8]);
    }

    #[tokio::test]
    async fn an_interaction_whose_wait_runs_out_is_busy_and_leaves_the_line() {
        let a = admission(1, 1, 10, 50);
        let _held = a.admit(7, Instant::now()).await.unwrap();
        assert_eq!(a.admit(8, Instant::now()).await.err(), Some(Busy::Waited));
        assert_eq!(a.admit(7, Instant::now()).await.err(), Some(Busy::Waited));
        let state = a.lock();
        assert_eq!(state.waiting, 0);
        assert!(state.line.is_empty());
        assert_eq!(
            state.guilds.len(),
            1,
            "only the guild at work is remembered"
        );
    }

    #[tokio::test]
    async fn past_the_slots_and_the_waiting_room_an_interaction_is_busy_at_once() {
        let a = admission(2, 10, 1, LONG);
        let now = Instant::now();
        let first = a.admit(1, now).await.unwrap();
        let _second = a.admit(2, now).await.unwrap();
        // A third waits (the waiting room holds one); a fourth is busy at once.
        let third = arrive(&a, 3);
        until_waiting(&a, 1).await;
        assert_eq!(a.admit(4, Instant::now()).await.err(), Some(Busy::All));
        // A slot comes free in time: the waiter gets it.
        drop(first);
        let _third = admitted(third).await;
    }

    #[tokio::test]
    async fn an_interaction_given_up_while_waiting_leaves_the_line() {
        let a = admission(1, 1, 10, LONG);
        let held = a.admit(7, Instant::now()).await.unwrap();
        let gone = arrive(&a, 8);
        until_waiting(&a, 1).await;
        gone.abort();
        until_waiting(&a, 0).await;
        drop(held);
        let state = a.lock();
        assert_eq!(state.free, 1);
        assert!(state.guilds.is_empty() && state.line.is_empty());
    }

    #[tokio::test]
    async fn the_guild_map_forgets_a_guild_once_its_interactions_are_done() {
        let a = admission(4, 4, 4, LONG);
        for guild in 0..1000 {
            drop(a.admit(guild, Instant::now()).await.unwrap());
        }
        let state = a.lock();
        assert!(state.guilds.is_empty());
        assert_eq!(state.waiting, 0);
        assert_eq!(state.free, 4);
    }
}
