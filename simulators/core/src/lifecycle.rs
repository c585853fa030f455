//! How a simulator's entities move along their lifecycles.
//!
//! Real platforms move orders by themselves (paid → in production → shipped). A
//! simulator does it in one of three [`Progression`] modes, chosen per instance and
//! switchable through `PUT /__sim/lifecycle`, in the manner of moto's `ManagedState`:
//!
//! - `immediate`: the next step happens as soon as the previous one;
//! - `explicit`: nothing moves until a `/__sim/` lifecycle route says so;
//! - `timed`: each step happens `step_seconds` after the previous one, by the
//!   simulator's [`Clock`](crate::Clock) (so `POST /__sim/clock/advance` drives it).
//!
//! For `timed`, a simulator keeps its pending steps in a [`TimedQueue`] inside its state
//! and drains what is due in [`Simulator::tick`](crate::Simulator::tick), which the core
//! calls before each platform request and after each clock move.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The progression mode; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "lowercase", deny_unknown_fields)]
pub enum Progression {
    /// Steps follow each other at once.
    Immediate,
    /// Steps happen only when the admin API drives them.
    Explicit,
    /// Steps happen `step_seconds` apart, by the clock.
    Timed {
        /// Seconds between two steps.
        #[serde(default = "default_step")]
        step_seconds: u64,
    },
}

fn default_step() -> u64 {
    60
}

impl Progression {
    /// The delay before the next step in timed mode.
    pub fn step(&self) -> Option<Duration> {
        match self {
            Progression::Timed { step_seconds } => Some(Duration::from_secs(*step_seconds)),
            _ => None,
        }
    }
}

/// The shared, switchable progression mode of one simulator instance.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    inner: Arc<Mutex<Progression>>,
    initial: Progression,
}

impl Lifecycle {
    /// Starts in `mode`; [`Lifecycle::reset`] comes back to it.
    pub fn new(mode: Progression) -> Self {
        Self {
            inner: Arc::new(Mutex::new(mode)),
            initial: mode,
        }
    }

    /// The current mode.
    pub fn mode(&self) -> Progression {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Switches mode.
    pub fn set(&self, mode: Progression) {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = mode;
    }

    /// Back to the mode the instance started in.
    pub fn reset(&self) {
        self.set(self.initial);
    }
}

/// Pending timed steps, drained in due order (ties in insertion order).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct TimedQueue<T> {
    items: Vec<Scheduled<T>>,
    next_seq: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Scheduled<T> {
    #[serde(with = "time::serde::rfc3339")]
    due: OffsetDateTime,
    seq: u64,
    item: T,
}

impl<T> Default for TimedQueue<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next_seq: 0,
        }
    }
}

impl<T> TimedQueue<T> {
    /// Queues `item` for `due`.
    pub fn schedule(&mut self, due: OffsetDateTime, item: T) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let at = self.items.partition_point(|s| (s.due, s.seq) <= (due, seq));
        self.items.insert(at, Scheduled { due, seq, item });
    }

    /// Removes and returns, in order, every item due at or before `now`.
    pub fn drain_due(&mut self, now: OffsetDateTime) -> Vec<T> {
        let n = self.items.partition_point(|s| s.due <= now);
        self.items.drain(..n).map(|s| s.item).collect()
    }

    /// Removes the items `keep` refuses (for a cancelled entity).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.items.retain(|s| keep(&s.item));
    }

    /// Number of pending items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// When the next item is due.
    pub fn next_due(&self) -> Option<OffsetDateTime> {
        self.items.first().map(|s| s.due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::datetime;

    #[test]
    fn modes_have_a_json_form() {
        let m: Progression = serde_json::from_value(json!({"mode": "timed"})).unwrap();
        assert_eq!(m, Progression::Timed { step_seconds: 60 });
        let m: Progression = serde_json::from_value(json!({"mode": "explicit"})).unwrap();
        assert_eq!(m, Progression::Explicit);
        assert_eq!(
            serde_json::to_value(Progression::Timed { step_seconds: 5 }).unwrap(),
            json!({"mode": "timed", "step_seconds": 5})
        );
        assert!(serde_json::from_value::<Progression>(json!({"mode": "sometimes"})).is_err());
    }

    #[test]
    fn lifecycle_switches_and_resets() {
        let l = Lifecycle::new(Progression::Immediate);
        l.set(Progression::Explicit);
        assert_eq!(l.clone().mode(), Progression::Explicit);
        l.reset();
        assert_eq!(l.mode(), Progression::Immediate);
    }

    #[test]
    fn drains_only_what_is_due_in_order() {
        let t0 = datetime!(2025-01-01 00:00:00 UTC);
        let mut q = TimedQueue::default();
        q.schedule(t0 + Duration::from_secs(20), "c");
        q.schedule(t0 + Duration::from_secs(10), "a");
        q.schedule(t0 + Duration::from_secs(10), "b");
        assert!(q.drain_due(t0).is_empty());
        assert_eq!(q.drain_due(t0 + Duration::from_secs(10)), ["a", "b"]);
        assert_eq!(q.next_due(), Some(t0 + Duration::from_secs(20)));
        assert_eq!(q.drain_due(t0 + Duration::from_secs(99)), ["c"]);
        assert!(q.is_empty());
    }

    #[test]
    fn round_trips_through_json() {
        let mut q = TimedQueue::default();
        q.schedule(datetime!(2025-01-01 00:00:10 UTC), 7u64);
        let back: TimedQueue<u64> =
            serde_json::from_value(serde_json::to_value(&q).unwrap()).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back.next_due(), Some(datetime!(2025-01-01 00:00:10 UTC)));
    }

    proptest! {
        #[test]
        fn drained_items_come_out_sorted_and_none_is_lost(dues in proptest::collection::vec(0u64..1000, 0..50), cut in 0u64..1000) {
            let t0 = datetime!(2025-01-01 00:00:00 UTC);
            let mut q = TimedQueue::default();
            for (i, d) in dues.iter().enumerate() {
                q.schedule(t0 + Duration::from_secs(*d), (*d, i));
            }
            let first = q.drain_due(t0 + Duration::from_secs(cut));
            prop_assert!(first.iter().all(|(d, _)| *d <= cut));
            prop_assert!(first.windows(2).all(|w| w[0] <= w[1]));
            prop_assert_eq!(first.len() + q.len(), dues.len());
            prop_assert!(q.next_due().is_none_or(|d| d > t0 + Duration::from_secs(cut)));
        }
    }
}
