//! A bounded store of used nonces, per consumer.
//!
//! # Capacity and eviction
//!
//! Memory is bounded by bytes, not by a count: every entry is charged
//! [`NonceCache::cost_of`] (the nonce twice, once per index, plus
//! [`ENTRY_OVERHEAD_BYTES`] for the indexes' own share), and the total never exceeds
//! [`NonceLimits::max_bytes`]. A nonce longer than [`MAX_KEPT_NONCE_BYTES`] is kept as
//! its SHA-256 digest (still compared exactly, up to a digest collision), so no entry
//! costs more than [`MIN_BYTES`].
//!
//! Below the budget nothing is forgotten. When a new nonce would not fit, the cache
//! forgets in the order of the client's `oauth_timestamp`, oldest first, which is the
//! order Magento's cleanup deletes in (`oauth_nonce.timestamp <= now - period`):
//!
//! 1. every nonce outside the window, i.e. with `oauth_timestamp <= now -
//!    window_secs`, all at once (one cleanup run);
//! 2. if that freed too little, the oldest nonces inside the window, one by one, until
//!    the new one fits.
//!
//! Only step 2 weakens replay protection, and only once the budget is full of nonces
//! younger than the window. Magento runs its cleanup at random (`cleanup_probability`,
//! 1 save in 100) and may forget an old nonce earlier than this cache does; a cache that
//! forgot at random would make tests flaky.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

/// Bytes charged per entry on top of the nonce's own bytes: the entry's slot in the
/// lookup map (key of consumer id and nonce header, value of timestamp and sequence
/// number, control byte, spare capacity) and in the age index (B-tree node share), and
/// the allocator's overhead on the two nonce copies. Measured with a counting
/// allocator at 268 bytes for a 32-byte nonce before the allocator's own overhead;
/// charged 320.
pub const ENTRY_OVERHEAD_BYTES: usize = 256;

/// Nonces up to this many bytes are kept verbatim; longer ones as a SHA-256 digest.
pub const MAX_KEPT_NONCE_BYTES: usize = 64;

/// The smallest budget a cache accepts: room for one entry of the largest size.
pub const MIN_BYTES: usize = 2 * MAX_KEPT_NONCE_BYTES + ENTRY_OVERHEAD_BYTES;

/// How much a [`NonceCache`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonceLimits {
    /// The byte budget (at least [`MIN_BYTES`]).
    pub max_bytes: usize,
    /// Nonces whose `oauth_timestamp` is this many seconds or more behind the clock are
    /// forgotten first. Magento: `oauth/cleanup/expiration_period`, 120 minutes.
    pub window_secs: i64,
}

impl Default for NonceLimits {
    /// 16 MiB (about 52,000 nonces of 32 bytes, 43,000 of 64) and a two-hour window.
    fn default() -> Self {
        Self {
            max_bytes: 16 * 1024 * 1024,
            window_secs: 2 * 60 * 60,
        }
    }
}

/// A nonce as kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kept {
    Verbatim(Box<str>),
    Digest([u8; 32]),
}

impl Kept {
    fn new(nonce: &str) -> Self {
        if nonce.len() <= MAX_KEPT_NONCE_BYTES {
            Kept::Verbatim(nonce.into())
        } else {
            Kept::Digest(Sha256::digest(nonce.as_bytes()).into())
        }
    }

    fn cost(&self) -> usize {
        let kept = match self {
            Kept::Verbatim(s) => s.len(),
            Kept::Digest(d) => d.len(),
        };
        ENTRY_OVERHEAD_BYTES + 2 * kept
    }
}

type Key = (u64, Kept);

/// Used nonces per consumer, bounded by bytes (see the module documentation).
///
/// Nonces are compared exactly; a store that compares case-insensitively (Magento's
/// MySQL collation) folds case before calling [`NonceCache::burn`].
#[derive(Debug, Clone)]
pub struct NonceCache {
    limits: NonceLimits,
    /// Each nonce's place in `by_age`.
    seen: HashMap<Key, (i64, u64)>,
    /// Oldest `oauth_timestamp` first, then oldest insertion.
    by_age: BTreeMap<(i64, u64), Key>,
    bytes: usize,
    serial: u64,
}

impl Default for NonceCache {
    fn default() -> Self {
        Self::new(NonceLimits::default())
    }
}

impl NonceCache {
    /// An empty cache; a budget below [`MIN_BYTES`] is raised to it.
    pub fn new(limits: NonceLimits) -> Self {
        Self {
            limits: NonceLimits {
                max_bytes: limits.max_bytes.max(MIN_BYTES),
                ..limits
            },
            seen: HashMap::new(),
            by_age: BTreeMap::new(),
            bytes: 0,
            serial: 0,
        }
    }

    /// The bytes an entry for `nonce` is charged.
    pub fn cost_of(nonce: &str) -> usize {
        Kept::new(nonce).cost()
    }

    /// The limits in force.
    pub fn limits(&self) -> NonceLimits {
        self.limits
    }

    /// Records `nonce` for `consumer` with the client's `timestamp`; false when it is
    /// already there. Makes room first when the budget is full (see the module
    /// documentation).
    pub fn burn(&mut self, consumer: u64, nonce: &str, timestamp: i64, now_unix: i64) -> bool {
        let key = (consumer, Kept::new(nonce));
        if self.seen.contains_key(&key) {
            return false;
        }
        let cost = key.1.cost();
        if self.bytes.saturating_add(cost) > self.limits.max_bytes {
            self.purge_expired(now_unix);
        }
        while self.bytes.saturating_add(cost) > self.limits.max_bytes {
            if !self.evict_oldest() {
                break;
            }
        }
        self.serial = self.serial.wrapping_add(1);
        let place = (timestamp, self.serial);
        self.by_age.insert(place, key.clone());
        self.seen.insert(key, place);
        self.bytes = self.bytes.saturating_add(cost);
        true
    }

    /// Forgets every nonce whose `oauth_timestamp` is at or before `now_unix -
    /// window_secs` (one run of Magento's cleanup); returns how many.
    pub fn purge_expired(&mut self, now_unix: i64) -> usize {
        let cutoff = now_unix.saturating_sub(self.limits.window_secs);
        let mut purged = 0;
        while self
            .by_age
            .first_key_value()
            .is_some_and(|((ts, _), _)| *ts <= cutoff)
        {
            if !self.evict_oldest() {
                break;
            }
            purged += 1;
        }
        purged
    }

    fn evict_oldest(&mut self) -> bool {
        let Some((_, key)) = self.by_age.pop_first() else {
            return false;
        };
        self.bytes = self.bytes.saturating_sub(key.1.cost());
        self.seen.remove(&key);
        true
    }

    /// Forgets every nonce.
    pub fn clear(&mut self) {
        self.seen.clear();
        self.by_age.clear();
        self.bytes = 0;
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when none is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// The bytes charged for what is remembered (never above the budget).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000;

    fn small(entries: usize) -> NonceCache {
        NonceCache::new(NonceLimits {
            max_bytes: entries * NonceCache::cost_of("n1"),
            window_secs: 7200,
        })
    }

    #[test]
    fn a_nonce_is_refused_the_second_time_per_consumer() {
        let mut c = NonceCache::default();
        assert!(c.burn(1, "ab", NOW, NOW));
        assert!(!c.burn(1, "ab", NOW, NOW));
        assert!(
            !c.burn(1, "ab", NOW - 5, NOW),
            "the timestamp is not part of the key"
        );
        assert!(c.burn(2, "ab", NOW, NOW), "another consumer");
        assert!(c.burn(1, "AB", NOW, NOW), "exact comparison");
        assert_eq!(c.len(), 3);
        assert_eq!(c.bytes(), 3 * NonceCache::cost_of("ab"));
    }

    #[test]
    fn the_budget_is_never_exceeded_and_the_oldest_timestamp_goes_first() {
        let mut c = small(3);
        assert!(c.burn(1, "n1", NOW - 10, NOW));
        assert!(c.burn(1, "n2", NOW - 30, NOW));
        assert!(c.burn(1, "n3", NOW - 20, NOW));
        assert!(c.burn(1, "n4", NOW, NOW));
        assert_eq!(c.len(), 3);
        assert!(c.bytes() <= c.limits().max_bytes);
        // n2 had the oldest timestamp, so it is the one forgotten.
        assert!(c.burn(1, "n2", NOW, NOW), "forgotten");
        assert!(!c.burn(1, "n4", NOW, NOW), "still there");
    }

    #[test]
    fn when_full_everything_outside_the_window_goes_at_once() {
        let mut c = small(4);
        assert!(c.burn(1, "o1", NOW - 9000, NOW));
        assert!(c.burn(1, "o2", NOW - 7200, NOW));
        assert!(c.burn(1, "y1", NOW - 7199, NOW));
        assert!(c.burn(1, "y2", NOW, NOW));
        assert!(c.burn(1, "y3", NOW, NOW));
        assert_eq!(c.len(), 3, "both expired nonces were purged to make room");
        assert!(!c.burn(1, "y1", NOW, NOW), "inside the window, kept");
    }

    #[test]
    fn below_the_budget_nothing_is_forgotten_however_old() {
        let mut c = NonceCache::default();
        assert!(c.burn(1, "old", 1, NOW));
        assert!(c.burn(1, "new", NOW, NOW));
        assert!(!c.burn(1, "old", 1, NOW));
        assert_eq!(c.purge_expired(NOW), 1);
        assert!(c.burn(1, "old", 1, NOW), "purged explicitly");
    }

    #[test]
    fn long_nonces_cost_a_digest_and_still_compare_exactly() {
        let mut c = NonceCache::default();
        let long = "x".repeat(10_000);
        assert!(c.burn(1, &long, NOW, NOW));
        assert_eq!(c.bytes(), ENTRY_OVERHEAD_BYTES + 2 * 32);
        assert_eq!(NonceCache::cost_of(&long), c.bytes());
        assert!(!c.burn(1, &long, NOW, NOW));
        let other = format!("{}y", "x".repeat(9_999));
        assert!(c.burn(1, &other, NOW, NOW));
    }

    #[test]
    fn a_tiny_budget_is_raised_to_one_entry() {
        let mut c = NonceCache::new(NonceLimits {
            max_bytes: 0,
            window_secs: 0,
        });
        assert_eq!(c.limits().max_bytes, MIN_BYTES);
        assert!(c.burn(1, &"z".repeat(64), NOW, NOW));
        assert!(c.burn(1, &"y".repeat(500), NOW, NOW));
        assert_eq!(c.len(), 1);
        assert!(c.bytes() <= MIN_BYTES);
    }

    #[test]
    fn memory_stays_bounded_under_a_flood() {
        let mut c = small(100);
        for i in 0..10_000_i64 {
            assert!(c.burn(7, &format!("{i:08}"), NOW - (i % 50), NOW));
            assert!(c.bytes() <= c.limits().max_bytes);
        }
        assert!(c.len() <= 100);
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.bytes(), 0);
    }
}
