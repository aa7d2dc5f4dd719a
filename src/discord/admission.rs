//! Bounded work in flight: at most `interactions.max_in_flight` interactions are worked on
//! at once, at most `interactions.max_in_flight_per_guild` of them (working or waiting) from
//! one guild, and at most `interactions.max_waiting` wait for a slot, each for at most
//! `interactions.max_wait_ms` after it arrived. An interaction past any of these bounds is
//! not started: [`super::route`] answers it at once with "licensebot is busy" (nothing was
//! changed), so that a burst past the bot's capacity, or a slow Discord, never queues work
//! (and memory) past Discord's 3 seconds.
//!
//! The per-guild counts live in a map that holds only guilds with an interaction in hand, so
//! it is never larger than the interactions working and waiting.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::InteractionSettings;

/// Why an interaction was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// Every slot was taken and as many interactions as allowed were already waiting.
    All,
    /// Its guild already had its share of the slots.
    Guild,
    /// No slot came free within `interactions.max_wait_ms` of its arrival.
    Waited,
}

impl Busy {
    /// The metrics label.
    pub fn reason(self) -> &'static str {
        match self {
            Busy::All => "all",
            Busy::Guild => "guild",
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
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
    per_guild: Mutex<HashMap<u64, usize>>,
    max_per_guild: usize,
    /// Busy answers being sent at once (see [`BUSY_ANSWERS`]).
    refusals: Arc<Semaphore>,
}

/// An interaction's slot; freed when dropped.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
    _share: GuildShare,
}

/// One interaction's count in its guild's share; given back when dropped.
struct GuildShare {
    admission: Arc<Admission>,
    guild: u64,
}

impl Drop for GuildShare {
    fn drop(&mut self) {
        let mut shares = self
            .admission
            .per_guild
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = shares.get_mut(&self.guild) {
            *n -= 1;
            if *n == 0 {
                shares.remove(&self.guild);
            }
        }
    }
}

/// One interaction among those waiting; given back when dropped.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Permission to send one busy answer; given back when dropped.
pub struct Refusal(#[allow(dead_code)] OwnedSemaphorePermit);

impl Admission {
    pub fn new(settings: &InteractionSettings) -> Arc<Admission> {
        let max_in_flight = settings.max_in_flight.max(1);
        Arc::new(Admission {
            slots: Arc::new(Semaphore::new(max_in_flight)),
            waiting: AtomicUsize::new(0),
            max_waiting: settings.max_waiting,
            max_wait: settings.max_wait(),
            per_guild: Mutex::new(HashMap::new()),
            max_per_guild: settings.max_in_flight_per_guild.max(1),
            refusals: Arc::new(Semaphore::new(BUSY_ANSWERS)),
        })
    }

    /// A slot for an interaction of `guild` (0 outside a guild) that arrived at `received`:
    /// at once if one is free, else after waiting until `received` + `max_wait` at most.
    pub async fn admit(self: &Arc<Self>, guild: u64, received: Instant) -> Result<Slot, Busy> {
        let share = {
            let mut shares = self.per_guild.lock().unwrap_or_else(|p| p.into_inner());
            let n = shares.entry(guild).or_insert(0);
            if *n >= self.max_per_guild {
                return Err(Busy::Guild);
            }
            *n += 1;
            GuildShare {
                admission: self.clone(),
                guild,
            }
        };
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(Slot {
                _permit: permit,
                _share: share,
            });
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy::All);
        }
        let _waiting = Waiting(&self.waiting);
        let until = tokio::time::Instant::from_std(received + self.max_wait);
        match tokio::time::timeout_at(until, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Slot {
                _permit: permit,
                _share: share,
            }),
            // Timed out (or the semaphore was closed, which it never is).
            _ => Err(Busy::Waited),
        }
    }

    /// Leave to send one busy answer, unless [`BUSY_ANSWERS`] are being sent already.
    pub fn refusal(&self) -> Option<Refusal> {
        self.refusals.clone().try_acquire_owned().ok().map(Refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(max_in_flight: usize, per_guild: usize, waiting: usize) -> Arc<Admission> {
        Admission::new(&InteractionSettings {
            max_in_flight,
            max_in_flight_per_guild: per_guild,
            max_waiting: waiting,
            max_wait_ms: 200,
        })
    }

    #[tokio::test]
    async fn past_the_slots_and_the_waiting_room_an_interaction_is_busy_at_once() {
        let a = admission(2, 10, 1);
        let now = Instant::now();
        let first = a.admit(1, now).await.unwrap();
        let _second = a.admit(2, now).await.unwrap();
        // A third waits (the waiting room holds one); a fourth is busy at once.
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move { a.admit(3, Instant::now()).await.is_ok() })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(a.admit(4, Instant::now()).await.err(), Some(Busy::All));
        // A slot comes free in time: the waiter gets it.
        drop(first);
        assert!(waiter.await.unwrap());
    }

    #[tokio::test]
    async fn an_interaction_that_waited_past_max_wait_is_busy() {
        let a = admission(1, 10, 10);
        let _held = a.admit(1, Instant::now()).await.unwrap();
        assert_eq!(a.admit(2, Instant::now()).await.err(), Some(Busy::Waited));
    }

    #[tokio::test]
    async fn one_guild_gets_its_share_and_no_more_while_others_still_get_slots() {
        let a = admission(10, 2, 10);
        let now = Instant::now();
        let g1 = [
            a.admit(7, now).await.unwrap(),
            a.admit(7, now).await.unwrap(),
        ];
        assert_eq!(a.admit(7, now).await.err(), Some(Busy::Guild));
        let _other = a.admit(8, now).await.unwrap();
        drop(g1);
        let _again = a.admit(7, now).await.unwrap();
        // Only guilds with an interaction in hand are remembered.
        assert_eq!(a.per_guild.lock().unwrap().len(), 2);
    }

    #[tokio::test]
    async fn the_guild_map_forgets_a_guild_once_its_interactions_are_done() {
        let a = admission(4, 4, 4);
        for guild in 0..1000 {
            drop(a.admit(guild, Instant::now()).await.unwrap());
        }
        assert!(a.per_guild.lock().unwrap().is_empty());
        assert_eq!(a.waiting.load(Ordering::SeqCst), 0);
        assert_eq!(a.slots.available_permits(), 4);
    }
}
