//! Snowflakes that look like Discord's: milliseconds since the Discord epoch in the top
//! 42 bits, so ids sort by creation time and carry their own timestamp.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

#[derive(Debug, Default)]
pub(crate) struct Snowflakes {
    last_ms: u64,
    increment: u64,
}

impl Snowflakes {
    pub(crate) fn next(&mut self) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(DISCORD_EPOCH_MS)
            .max(DISCORD_EPOCH_MS);
        let mut ms = now.max(self.last_ms);
        if ms == self.last_ms {
            self.increment += 1;
            if self.increment >= 4096 {
                ms += 1;
                self.increment = 0;
            }
        } else {
            self.increment = 0;
        }
        self.last_ms = ms;
        ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | self.increment
    }
}

/// The creation time of a snowflake, as Discord writes timestamps.
pub(crate) fn timestamp_of(id: u64) -> String {
    let ms = (id >> 22) + DISCORD_EPOCH_MS;
    DateTime::<Utc>::from_timestamp_millis(ms as i64)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Micros, false)
}

pub(crate) fn now_timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_increase_and_carry_their_time() {
        let mut ids = Snowflakes::default();
        let a = ids.next();
        let b = ids.next();
        assert!(b > a);
        assert!(timestamp_of(a).starts_with("20"));
    }
}
