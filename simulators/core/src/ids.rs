//! Deterministic id sequences.
//!
//! Platforms hand out ids from database counters (Magento's next product id in the seed
//! store is 282). A simulator keeps one [`IdSeq`] per counter, seeded by its fixture, so
//! a test can predict every id. Sequences live inside the simulator's state (behind its
//! one lock) and serialize with it, so `GET /__sim/state` → `PUT /__sim/state` resumes
//! counting where it left off.

use serde::{Deserialize, Serialize};

/// A counter that hands out `next, next + step, …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdSeq {
    next: u64,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    step: u64,
}

fn one() -> u64 {
    1
}

fn is_one(v: &u64) -> bool {
    *v == 1
}

impl Default for IdSeq {
    fn default() -> Self {
        Self::starting_at(1)
    }
}

impl IdSeq {
    /// A sequence whose first id is `first`.
    pub fn starting_at(first: u64) -> Self {
        Self {
            next: first,
            step: 1,
        }
    }

    /// A sequence whose first id is `first` and which then grows by `step` (≥ 1).
    pub fn with_step(first: u64, step: u64) -> Self {
        Self {
            next: first,
            step: step.max(1),
        }
    }

    /// Takes the next id.
    #[allow(clippy::should_implement_trait)] // not an iterator: it never ends
    pub fn next(&mut self) -> u64 {
        let id = self.next;
        self.next = self.next.saturating_add(self.step);
        id
    }

    /// The id [`IdSeq::next`] would hand out, without taking it.
    pub fn peek(&self) -> u64 {
        self.next
    }

    /// Makes sure the sequence never hands out `seen` or anything below it again; used
    /// when an entity arrives with an explicit id (fixtures, state import).
    pub fn observe(&mut self, seen: u64) {
        if seen >= self.next {
            self.next = seen.saturating_add(self.step);
        }
    }
}

/// Formats a number as a zero-padded increment id (`000000001`), as stores number
/// their orders.
pub fn padded(n: u64, width: usize) -> String {
    format!("{n:0width$}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_from_the_seed() {
        let mut seq = IdSeq::starting_at(282);
        assert_eq!(seq.next(), 282);
        assert_eq!(seq.next(), 283);
        assert_eq!(seq.peek(), 284);
    }

    #[test]
    fn observe_skips_past_explicit_ids() {
        let mut seq = IdSeq::starting_at(10);
        seq.observe(5);
        assert_eq!(seq.peek(), 10);
        seq.observe(41);
        assert_eq!(seq.next(), 42);
    }

    #[test]
    fn serializes_and_resumes() {
        let mut seq = IdSeq::with_step(100, 10);
        seq.next();
        let json = serde_json::to_string(&seq).unwrap();
        assert_eq!(json, r#"{"next":110,"step":10}"#);
        let mut back: IdSeq = serde_json::from_str(&json).unwrap();
        assert_eq!(back.next(), 110);
        let plain: IdSeq = serde_json::from_str(r#"{"next":7}"#).unwrap();
        assert_eq!(plain, IdSeq::starting_at(7));
    }

    #[test]
    fn padded_increment_ids() {
        assert_eq!(padded(1, 9), "000000001");
        assert_eq!(padded(1234567890, 9), "1234567890");
    }

    proptest! {
        #[test]
        fn ids_are_strictly_increasing(first in 0u64..1_000_000, step in 1u64..100, n in 1usize..200) {
            let mut seq = IdSeq::with_step(first, step);
            let ids: Vec<u64> = (0..n).map(|_| seq.next()).collect();
            prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(ids[0], first);
        }
    }
}
