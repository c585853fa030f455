//! The simulator's only source of time.
//!
//! Every timestamp a simulator writes (entity `created_at`, journal entries, OAuth
//! timestamp windows, token lifetimes, timed lifecycles) comes from a [`Clock`], never
//! from `SystemTime::now()` in a handler. A clock is either
//!
//! - **system**: wall time plus an offset that [`Clock::advance`] grows, the way
//!   libfaketime shifts a process (useful for `cartsim serve`), or
//! - **manual**: frozen at a given instant until [`Clock::advance`] or [`Clock::set`]
//!   moves it (what tests use, so that every timestamp is predictable).
//!
//! Clones share the same underlying time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

/// Which kind of clock this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockMode {
    /// Wall time plus an offset.
    System,
    /// Frozen until moved.
    Manual,
}

#[derive(Debug)]
enum Inner {
    System { offset: Duration },
    Manual { now: OffsetDateTime },
}

/// A shareable clock; see the module docs.
#[derive(Debug, Clone)]
pub struct Clock {
    // A std Mutex: every operation is a few instructions and never awaits.
    inner: Arc<Mutex<Inner>>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    /// A clock that follows wall time.
    pub fn system() -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner::System {
                offset: Duration::ZERO,
            })),
        }
    }

    /// A clock frozen at `at` until moved.
    pub fn manual(at: OffsetDateTime) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner::Manual {
                now: at.to_offset(time::UtcOffset::UTC),
            })),
        }
    }

    /// A manual clock at the given Unix time in seconds.
    ///
    /// # Panics
    /// If `secs` is outside the range `time` can represent (years ±9999).
    pub fn manual_unix(secs: i64) -> Self {
        Self::manual(OffsetDateTime::from_unix_timestamp(secs).expect("unix time in range"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned clock still holds a valid instant: keep going.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current instant, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        match &*self.lock() {
            Inner::System { offset } => OffsetDateTime::now_utc() + *offset,
            Inner::Manual { now } => *now,
        }
    }

    /// The current Unix time in whole seconds.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Which kind of clock this is.
    pub fn mode(&self) -> ClockMode {
        match &*self.lock() {
            Inner::System { .. } => ClockMode::System,
            Inner::Manual { .. } => ClockMode::Manual,
        }
    }

    /// Moves the clock forward by `by` and returns the new instant.
    pub fn advance(&self, by: Duration) -> OffsetDateTime {
        let mut inner = self.lock();
        match &mut *inner {
            Inner::System { offset } => {
                *offset += by;
                OffsetDateTime::now_utc() + *offset
            }
            Inner::Manual { now } => {
                *now += by;
                *now
            }
        }
    }

    /// Freezes the clock at `at` (a system clock becomes manual).
    pub fn set(&self, at: OffsetDateTime) {
        *self.lock() = Inner::Manual {
            now: at.to_offset(time::UtcOffset::UTC),
        };
    }

    /// Returns a clock to its starting point: `manual_start` when given (a manual
    /// clock's first instant), otherwise wall time with no offset, even if the clock was
    /// frozen by [`Clock::set`] since.
    pub(crate) fn reset_to(&self, manual_start: Option<OffsetDateTime>) {
        *self.lock() = match manual_start {
            Some(at) => Inner::Manual {
                now: at.to_offset(time::UtcOffset::UTC),
            },
            None => Inner::System {
                offset: Duration::ZERO,
            },
        };
    }
}

/// Formats an instant as RFC 3339 with second precision (`2025-07-21T20:49:08Z`), the
/// form the admin API uses.
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn manual_clock_stands_still_until_advanced() {
        let clock = Clock::manual(datetime!(2025-07-21 20:49:08 UTC));
        assert_eq!(clock.now(), datetime!(2025-07-21 20:49:08 UTC));
        assert_eq!(clock.now(), clock.now());
        clock.advance(Duration::from_secs(61));
        assert_eq!(clock.now(), datetime!(2025-07-21 20:50:09 UTC));
        assert_eq!(clock.mode(), ClockMode::Manual);
    }

    #[test]
    fn clones_share_time() {
        let a = Clock::manual_unix(1_000);
        let b = a.clone();
        a.advance(Duration::from_secs(5));
        assert_eq!(b.unix(), 1_005);
    }

    #[test]
    fn system_clock_advance_adds_an_offset() {
        let clock = Clock::system();
        let before = clock.unix();
        clock.advance(Duration::from_secs(3600));
        // Wall time may tick during the test; the hour cannot un-happen.
        assert!(clock.unix() >= before + 3600);
        clock.reset_to(None);
        assert!(clock.unix() < before + 3600);
    }

    #[test]
    fn reset_thaws_a_system_clock_that_was_frozen() {
        let clock = Clock::system();
        clock.set(datetime!(2030-01-01 00:00:00 UTC));
        clock.reset_to(None);
        assert_eq!(clock.mode(), ClockMode::System);
        assert!(clock.now() < datetime!(2030-01-01 00:00:00 UTC));
    }

    #[test]
    fn set_freezes_a_system_clock() {
        let clock = Clock::system();
        clock.set(datetime!(2030-01-01 00:00:00 UTC));
        assert_eq!(clock.mode(), ClockMode::Manual);
        assert_eq!(
            clock.unix(),
            datetime!(2030-01-01 00:00:00 UTC).unix_timestamp()
        );
    }

    #[test]
    fn rfc3339_has_second_precision_in_utc() {
        assert_eq!(
            rfc3339(datetime!(2025-07-21 20:49:08.75 +02:00)),
            "2025-07-21T18:49:08Z"
        );
    }
}
