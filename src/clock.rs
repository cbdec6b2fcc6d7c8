//! The time, passed in: the shop, sign-in and the store ask a [`Clock`]
//! instead of the system, so a test can open a sale or end a session by
//! moving a [`ManualClock`] rather than by waiting.

use std::sync::{Arc, Mutex, PoisonError};
use time::OffsetDateTime;

/// Tells the time.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// A clock as shared by the parts of one running tiket.
pub type SharedClock = Arc<dyn Clock>;

/// The system's clock, in UTC.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system's clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that stands still until it is moved: for tests.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    /// A clock showing `now`, shared.
    pub fn at(now: OffsetDateTime) -> Arc<ManualClock> {
        Arc::new(ManualClock(Mutex::new(now)))
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: time::Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    pub fn set(&self, now: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at(datetime!(2026-11-01 12:00 +9));
        assert_eq!(clock.now(), datetime!(2026-11-01 12:00 +9));
        clock.advance(time::Duration::minutes(5));
        assert_eq!(clock.now(), datetime!(2026-11-01 12:05 +9));
        clock.set(datetime!(2027-01-01 0:00 UTC));
        assert_eq!(clock.now(), datetime!(2027-01-01 0:00 UTC));
    }
}
