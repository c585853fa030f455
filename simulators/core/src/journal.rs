//! The request journal: a bounded ring of what clients sent and what they got.
//!
//! Every platform request (not `/__sim/` itself) is recorded by the core middleware:
//! method, path, query, headers, body (capped), response status, time from the
//! simulator's [`Clock`](crate::Clock), and the fault rule that answered, if any. The
//! ring keeps the newest `capacity` entries (10,000 by default) and can be switched off.
//! Read it with `GET /__sim/requests?method=POST&path=/rest/**`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::pattern::{PathPattern, method_matches};

/// Default number of entries the ring keeps.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Default number of body bytes kept per entry.
pub const DEFAULT_BODY_CAP: usize = 64 * 1024;

/// One recorded request and its outcome.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JournalEntry {
    /// Position in the journal since the simulator started (1-based, never reused).
    pub seq: u64,
    /// When the request arrived, by the simulator's clock (RFC 3339).
    pub time: String,
    /// HTTP method.
    pub method: String,
    /// Path, without query string.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers by lower-case name; repeated headers joined with `, `.
    pub headers: BTreeMap<String, String>,
    /// Body as UTF-8 (lossy), cut at the body cap.
    pub body: String,
    /// Whether `body` was cut.
    pub body_truncated: bool,
    /// Status the client got; `null` when a fault rule dropped the connection.
    pub status: Option<u16>,
    /// Id of the fault rule that answered or delayed this request.
    pub fault: Option<u64>,
}

#[derive(Debug)]
struct Inner {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    enabled: bool,
    next_seq: u64,
}

/// A shareable, bounded journal; clones see the same entries.
#[derive(Debug, Clone)]
pub struct Journal {
    // std Mutex: push and copy-out only, never held across an await.
    inner: Arc<Mutex<Inner>>,
    body_cap: usize,
}

impl Default for Journal {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

/// Filters for [`Journal::list`].
#[derive(Debug, Default, Clone)]
pub struct JournalFilter {
    /// Method, case-insensitive; `None` for any.
    pub method: Option<String>,
    /// Exact path or glob (see [`PathPattern`]).
    pub path: Option<PathPattern>,
}

impl Journal {
    /// A journal keeping the newest `capacity` entries; 0 switches it off.
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                entries: VecDeque::new(),
                capacity,
                enabled: capacity > 0,
                next_seq: 1,
            })),
            body_cap: DEFAULT_BODY_CAP,
        }
    }

    /// Sets how many body bytes each entry keeps.
    pub fn with_body_cap(mut self, cap: usize) -> Self {
        self.body_cap = cap;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many body bytes each entry keeps.
    pub fn body_cap(&self) -> usize {
        self.body_cap
    }

    /// Whether requests are being recorded.
    pub fn is_enabled(&self) -> bool {
        self.lock().enabled
    }

    /// Switches recording on or off (entries already kept stay).
    pub fn set_enabled(&self, on: bool) {
        let mut inner = self.lock();
        inner.enabled = on && inner.capacity > 0;
    }

    /// Records an entry (its `seq` is assigned here), dropping the oldest when full.
    pub fn record(&self, mut entry: JournalEntry) {
        let mut inner = self.lock();
        if !inner.enabled {
            return;
        }
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        if inner.entries.len() >= inner.capacity {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// The entries that pass `filter`, oldest first.
    pub fn list(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let inner = self.lock();
        inner
            .entries
            .iter()
            .filter(|e| method_matches(filter.method.as_deref(), &e.method))
            .filter(|e| filter.path.as_ref().is_none_or(|p| p.matches(&e.path)))
            .cloned()
            .collect()
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// Cuts `body` to the cap, as UTF-8 (lossy); returns the text and whether it was cut.
    pub fn capture_body(&self, body: &[u8]) -> (String, bool) {
        let cut = body.len() > self.body_cap;
        let kept = &body[..body.len().min(self.body_cap)];
        (String::from_utf8_lossy(kept).into_owned(), cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(method: &str, path: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            time: "2025-07-21T20:49:08Z".into(),
            method: method.into(),
            path: path.into(),
            query: None,
            headers: BTreeMap::new(),
            body: String::new(),
            body_truncated: false,
            status: Some(200),
            fault: None,
        }
    }

    #[test]
    fn records_in_order_with_sequence_numbers() {
        let j = Journal::new(10);
        j.record(entry("GET", "/a"));
        j.record(entry("POST", "/b"));
        let all = j.list(&JournalFilter::default());
        assert_eq!(
            all.iter()
                .map(|e| (e.seq, e.path.as_str()))
                .collect::<Vec<_>>(),
            [(1, "/a"), (2, "/b")]
        );
    }

    #[test]
    fn filters_by_method_and_glob() {
        let j = Journal::new(10);
        j.record(entry("GET", "/rest/V1/products"));
        j.record(entry("POST", "/rest/V1/products"));
        j.record(entry("POST", "/rest/default/V1/orders"));
        let f = JournalFilter {
            method: Some("post".into()),
            path: Some(PathPattern::new("/rest/**").unwrap()),
        };
        assert_eq!(j.list(&f).len(), 2);
        let f = JournalFilter {
            method: None,
            path: Some(PathPattern::new("/rest/V1/products").unwrap()),
        };
        assert_eq!(j.list(&f).len(), 2);
    }

    #[test]
    fn drops_the_oldest_when_full() {
        let j = Journal::new(2);
        for p in ["/1", "/2", "/3"] {
            j.record(entry("GET", p));
        }
        let paths: Vec<_> = j
            .list(&JournalFilter::default())
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["/2", "/3"]);
    }

    #[test]
    fn can_be_switched_off() {
        let j = Journal::new(0);
        j.record(entry("GET", "/"));
        assert!(j.is_empty());
        let j = Journal::new(5);
        j.set_enabled(false);
        j.record(entry("GET", "/"));
        assert!(j.is_empty());
        j.set_enabled(true);
        j.record(entry("GET", "/"));
        assert_eq!(j.len(), 1);
    }

    #[test]
    fn clear_keeps_sequence_numbers_growing() {
        let j = Journal::new(5);
        j.record(entry("GET", "/"));
        j.clear();
        j.record(entry("GET", "/"));
        assert_eq!(j.list(&JournalFilter::default())[0].seq, 2);
    }

    #[test]
    fn bodies_are_capped() {
        let j = Journal::new(5).with_body_cap(4);
        assert_eq!(j.capture_body(b"abcdef"), ("abcd".to_owned(), true));
        assert_eq!(j.capture_body(b"ab"), ("ab".to_owned(), false));
    }

    proptest! {
        #[test]
        fn never_holds_more_than_capacity(cap in 1usize..50, n in 0usize..200) {
            let j = Journal::new(cap);
            for i in 0..n {
                j.record(entry("GET", &format!("/{i}")));
            }
            let all = j.list(&JournalFilter::default());
            prop_assert_eq!(all.len(), n.min(cap));
            // The newest survive, in order.
            if let Some(last) = all.last() {
                prop_assert_eq!(last.seq, n as u64);
            }
            prop_assert!(all.windows(2).all(|w| w[0].seq + 1 == w[1].seq));
        }
    }
}
