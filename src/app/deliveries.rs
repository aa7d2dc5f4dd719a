//! Each interaction handled once across replicas: the Discord layer keeps the last few
//! thousand ids in memory (a cheap first check), and records every id it handles here, in
//! the database every replica shares, so that a delivery replayed to another replica (HTTP
//! interactions behind a load balancer) is refused there too.

use super::App;

/// How long a handled interaction is remembered: Discord's signatures are accepted for five
/// minutes, gateway replays come within seconds.
pub const REMEMBER_DELIVERIES_FOR: chrono::Duration = chrono::Duration::hours(1);

/// Handled interactions forgotten per pass of the scheduler: bounded, so one pass is one
/// short statement; at the default 30-second tick that is 1.2 million an hour.
const FORGET_PER_PASS: i64 = 10_000;

impl App {
    /// Records interaction `id` as handled; `false` when any replica handled it before.
    pub async fn first_delivery(&self, id: u64) -> anyhow::Result<bool> {
        self.store.record_delivery(id, self.clock.now()).await
    }

    /// Forgets interactions handled more than [`REMEMBER_DELIVERIES_FOR`] ago, a bounded
    /// batch at a time; returns how many.
    pub async fn forget_old_deliveries(&self) -> anyhow::Result<u64> {
        self.store
            .forget_deliveries(self.clock.now() - REMEMBER_DELIVERIES_FOR, FORGET_PER_PASS)
            .await
    }
}
