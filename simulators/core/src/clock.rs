//! The simulator's only source of time.
//!
//! Every timestamp a simulator writes (entity `created_at`, journal entries, OAuth
//! timestamp windows, token lifetimes, timed lifecycles, webhook retries) comes from a
//! [`Clock`], never from `SystemTime::now()` in a handler; a workspace clippy lint
//! (`disallowed-methods` in `clippy.toml`) refuses wall-clock reads anywhere else. A clock
//! is either
//!
//! - **system**: wall time plus an offset that [`Clock::advance`] grows, the way
//!   libfaketime shifts a process (useful for `cartsim serve`), or
//! - **manual**: frozen at a given instant until [`Clock::advance`] or [`Clock::set`]
//!   moves it (what tests use, so that every timestamp is predictable).
//!
//! Every move is checked: an instant past what `time` represents (years ±9999) is
//! refused with a [`ClockError`] by [`Clock::try_advance`] and [`Clock::try_set`], and
//! the clock is left as it was. Whoever waits for an instant of the clock (the webhook
//! retries) watches [`Clock::changes`] to learn that it moved.
//!
//! Clones share the same underlying time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use tokio::sync::watch;

/// Which kind of clock this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClockMode {
    /// Wall time plus an offset.
    System,
    /// Frozen until moved.
    Manual,
}

/// A move the clock refused; the clock is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The new instant would be later than [`Clock::MAX`].
    #[error(
        "the clock cannot advance by {by:?} from {from}: the latest instant it can show is 9999-12-31T23:59:59Z"
    )]
    AdvanceOutOfRange {
        /// The instant the clock showed (RFC 3339).
        from: String,
        /// The step asked for.
        by: Duration,
    },
    /// An instant that has no UTC form within the representable range.
    #[error("{0} is out of the range the clock can show (years -9999 to 9999, in UTC)")]
    SetOutOfRange(String),
}

#[derive(Debug)]
enum Inner {
    System { offset: Duration },
    Manual { now: OffsetDateTime },
}

#[derive(Debug)]
struct Shared {
    // A std Mutex: every operation is a few instructions and never awaits.
    inner: Mutex<Inner>,
    // Bumped after every move, so that waiters re-read the time.
    changes: watch::Sender<u64>,
}

/// A shareable clock; see the module docs.
#[derive(Debug, Clone)]
pub struct Clock {
    shared: Arc<Shared>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

/// Wall time: the one place in the workspace that reads it.
#[allow(
    clippy::disallowed_methods,
    reason = "the Clock is the only reader of wall time"
)]
fn wall_time() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// `at` in UTC, if that is representable.
fn utc(at: OffsetDateTime) -> Option<OffsetDateTime> {
    at.checked_to_offset(UtcOffset::UTC)
}

/// `at + by`, if representable.
fn add(at: OffsetDateTime, by: Duration) -> Option<OffsetDateTime> {
    at.checked_add(time::Duration::try_from(by).ok()?)
}

impl Clock {
    /// The latest instant a clock can show: 9999-12-31T23:59:59.999999999Z.
    pub const MAX: OffsetDateTime = PrimitiveDateTime::MAX.assume_utc();

    fn with(inner: Inner) -> Self {
        Self {
            shared: Arc::new(Shared {
                inner: Mutex::new(inner),
                changes: watch::channel(0).0,
            }),
        }
    }

    /// A clock that follows wall time.
    pub fn system() -> Self {
        Self::with(Inner::System {
            offset: Duration::ZERO,
        })
    }

    /// A clock frozen at `at` until moved.
    ///
    /// # Panics
    /// If `at` has no UTC form in range (9999-12-31T23:00-01:00); see [`Clock::try_manual`].
    pub fn manual(at: OffsetDateTime) -> Self {
        Self::try_manual(at).expect("a clock start in range")
    }

    /// A clock frozen at `at`, or the reason `at` cannot be shown.
    pub fn try_manual(at: OffsetDateTime) -> Result<Self, ClockError> {
        let now = utc(at).ok_or_else(|| ClockError::SetOutOfRange(at.to_string()))?;
        Ok(Self::with(Inner::Manual { now }))
    }

    /// A manual clock at the given Unix time in seconds.
    ///
    /// # Panics
    /// If `secs` is outside the range `time` can represent (years ±9999); see
    /// [`Clock::try_manual_unix`].
    pub fn manual_unix(secs: i64) -> Self {
        Self::try_manual_unix(secs).expect("unix time in range")
    }

    /// A manual clock at the given Unix time, or the reason it cannot be shown.
    pub fn try_manual_unix(secs: i64) -> Result<Self, ClockError> {
        let at = OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|_| ClockError::SetOutOfRange(format!("unix time {secs}")))?;
        Self::try_manual(at)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned clock still holds a valid instant: keep going.
        self.shared.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn moved(&self) {
        self.shared.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The current instant, in UTC. Never panics: a system clock whose offset would
    /// carry it past [`Clock::MAX`] (wall time went on after a large advance) shows
    /// [`Clock::MAX`].
    pub fn now(&self) -> OffsetDateTime {
        Self::read(&self.lock())
    }

    fn read(inner: &Inner) -> OffsetDateTime {
        match inner {
            Inner::System { offset } => add(wall_time(), *offset).unwrap_or(Self::MAX),
            Inner::Manual { now } => *now,
        }
    }

    /// The current instant and the mode, read together.
    pub fn snapshot(&self) -> (OffsetDateTime, ClockMode) {
        let inner = self.lock();
        let mode = match &*inner {
            Inner::System { .. } => ClockMode::System,
            Inner::Manual { .. } => ClockMode::Manual,
        };
        (Self::read(&inner), mode)
    }

    /// The current Unix time in whole seconds.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Which kind of clock this is.
    pub fn mode(&self) -> ClockMode {
        self.snapshot().1
    }

    /// A receiver that sees a new value after every move of the clock (advance, set,
    /// reset). Subscribe *before* reading the time, then wait for a change: no move
    /// can fall between the two.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.shared.changes.subscribe()
    }

    /// Moves the clock forward by `by` and returns the new instant.
    ///
    /// # Panics
    /// If the clock would pass [`Clock::MAX`] (the clock is left unchanged); input from
    /// a client goes through [`Clock::try_advance`].
    pub fn advance(&self, by: Duration) -> OffsetDateTime {
        match self.try_advance(by) {
            Ok(now) => now,
            Err(e) => panic!("{e}"),
        }
    }

    /// Moves the clock forward by `by` and returns the new instant, or refuses (and
    /// changes nothing) when the new instant would pass [`Clock::MAX`].
    pub fn try_advance(&self, by: Duration) -> Result<OffsetDateTime, ClockError> {
        let mut inner = self.lock();
        let refused = |from: OffsetDateTime| ClockError::AdvanceOutOfRange {
            from: rfc3339(from),
            by,
        };
        let now = match &mut *inner {
            Inner::System { offset } => {
                let wall = wall_time();
                let from = add(wall, *offset).unwrap_or(Self::MAX);
                let new_offset = offset.checked_add(by).ok_or_else(|| refused(from))?;
                let now = add(wall, new_offset).ok_or_else(|| refused(from))?;
                *offset = new_offset;
                now
            }
            Inner::Manual { now } => {
                *now = add(*now, by).ok_or_else(|| refused(*now))?;
                *now
            }
        };
        drop(inner);
        self.moved();
        Ok(now)
    }

    /// Freezes the clock at `at` (a system clock becomes manual).
    ///
    /// # Panics
    /// If `at` has no UTC form in range; input from a client goes through
    /// [`Clock::try_set`].
    pub fn set(&self, at: OffsetDateTime) {
        if let Err(e) = self.try_set(at) {
            panic!("{e}");
        }
    }

    /// Freezes the clock at `at`, or refuses (and changes nothing) when `at` has no UTC
    /// form in range (`9999-12-31T23:00:00-01:00`).
    pub fn try_set(&self, at: OffsetDateTime) -> Result<(), ClockError> {
        let now = utc(at).ok_or_else(|| ClockError::SetOutOfRange(at.to_string()))?;
        *self.lock() = Inner::Manual { now };
        self.moved();
        Ok(())
    }

    /// Returns a clock to its starting point: `manual_start` when given (a manual
    /// clock's first instant, already in UTC), otherwise wall time with no offset, even
    /// if the clock was frozen by [`Clock::set`] since.
    pub(crate) fn reset_to(&self, manual_start: Option<OffsetDateTime>) {
        *self.lock() = match manual_start {
            Some(now) => Inner::Manual { now },
            None => Inner::System {
                offset: Duration::ZERO,
            },
        };
        self.moved();
    }
}

/// Formats an instant as RFC 3339 with second precision (`2025-07-21T20:49:08Z`), the
/// form the admin API uses.
pub fn rfc3339(at: OffsetDateTime) -> String {
    // An instant with no UTC form in range is shown as it is rather than panicking.
    let at = utc(at).unwrap_or(at);
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
    fn an_advance_past_the_range_is_refused_and_changes_nothing() {
        let clock = Clock::manual_unix(1_000);
        let err = clock
            .try_advance(Duration::from_secs(i64::MAX as u64))
            .unwrap_err();
        assert!(matches!(err, ClockError::AdvanceOutOfRange { .. }), "{err}");
        assert_eq!(clock.unix(), 1_000);
        // Beyond what `time::Duration` holds at all.
        assert!(clock.try_advance(Duration::MAX).is_err());
        assert_eq!(clock.unix(), 1_000);
        // The clock still moves afterwards.
        assert_eq!(
            clock.advance(Duration::from_secs(1)).unix_timestamp(),
            1_001
        );
    }

    #[test]
    fn a_clock_near_year_9999_refuses_to_pass_it() {
        let clock = Clock::manual(datetime!(9999-12-31 23:59:00 UTC));
        assert!(clock.try_advance(Duration::from_secs(59)).is_ok());
        let before = clock.now();
        assert!(clock.try_advance(Duration::from_secs(1)).is_err());
        assert_eq!(clock.now(), before);
        assert_eq!(rfc3339(clock.now()), "9999-12-31T23:59:59Z");
    }

    #[test]
    #[should_panic(expected = "the clock cannot advance")]
    fn advance_panics_for_programmer_input_out_of_range() {
        Clock::manual(Clock::MAX).advance(Duration::from_secs(1));
    }

    #[test]
    fn a_system_clock_refuses_an_offset_past_the_range_and_keeps_working() {
        let clock = Clock::system();
        let before = clock.unix();
        assert!(
            clock
                .try_advance(Duration::from_secs(9_223_372_036_854_775_807))
                .is_err()
        );
        assert!(
            clock
                .try_advance(Duration::from_secs(400_000 * 365 * 86_400))
                .is_err()
        );
        // Nothing was stored: the clock still shows wall time.
        let now = clock.unix();
        assert!(now >= before && now < before + 3600, "{now}");
        // An offset that lands just short of the end is kept, and reading never panics.
        let to_end = (Clock::MAX - clock.now()).whole_seconds() - 5;
        let to_end = Duration::from_secs(u64::try_from(to_end).unwrap());
        let moved = clock.try_advance(to_end).unwrap();
        assert!(moved <= Clock::MAX);
        assert!(clock.now() <= Clock::MAX);
        assert!(clock.try_advance(Duration::from_secs(10)).is_err());
    }

    #[test]
    fn a_system_clock_pushed_past_the_end_by_wall_time_shows_the_last_instant() {
        // Wall time cannot be moved in a test; the offset is planted directly, as if
        // the wall clock had gone on after an advance to the last second.
        let clock = Clock::system();
        *clock.lock() = Inner::System {
            offset: Duration::from_secs(400_000 * 365 * 86_400),
        };
        assert_eq!(clock.now(), Clock::MAX);
        assert_eq!(clock.snapshot(), (Clock::MAX, ClockMode::System));
    }

    #[test]
    fn set_refuses_instants_without_a_utc_form() {
        let clock = Clock::manual_unix(5);
        let err = clock
            .try_set(datetime!(9999-12-31 23:00:00 -01:00))
            .unwrap_err();
        assert!(matches!(err, ClockError::SetOutOfRange(_)), "{err}");
        assert_eq!(clock.unix(), 5);
        assert!(Clock::try_manual_unix(i64::MAX).is_err());
        assert!(Clock::try_manual(datetime!(-9999-01-01 00:30:00 +01:00)).is_err());
    }

    #[test]
    fn every_move_is_signalled() {
        let clock = Clock::manual_unix(0);
        let mut rx = clock.changes();
        assert!(!rx.has_changed().unwrap());
        clock.advance(Duration::from_secs(1));
        assert!(rx.has_changed().unwrap());
        rx.mark_unchanged();
        assert!(clock.try_advance(Duration::MAX).is_err());
        assert!(!rx.has_changed().unwrap(), "a refused move is no move");
        clock.set(datetime!(2030-01-01 00:00:00 UTC));
        assert!(rx.has_changed().unwrap());
        rx.mark_unchanged();
        clock.reset_to(None);
        assert!(rx.has_changed().unwrap());
    }

    #[test]
    fn rfc3339_has_second_precision_in_utc() {
        assert_eq!(
            rfc3339(datetime!(2025-07-21 20:49:08.75 +02:00)),
            "2025-07-21T18:49:08Z"
        );
    }
}
