//! The request journal: a bounded ring of what clients sent and what they got.
//!
//! Every platform request (not `/__sim/` itself) is recorded by the core middleware:
//! method, path, query, headers, body, response status, time from the simulator's
//! [`Clock`](crate::Clock), and the fault rule that answered, if any.
//!
//! Memory is bounded twice: the ring keeps the newest `capacity` entries (10,000 by
//! default) *and* at most `byte_budget` bytes of them (64 MiB by default), counting
//! each entry's method, path, query, header names and values, and body; the oldest
//! entries go first when either limit is passed (the newest entry is always kept, so
//! the budget can be passed by one entry, itself capped as below). What one entry keeps
//! is capped too, and the entry says when it was cut:
//!
//! | part | cap | flag |
//! |---|---|---|
//! | body | 64 KiB ([`DEFAULT_BODY_CAP`]) | `body_truncated` |
//! | query string | 8 KiB ([`QUERY_CAP`]) | `query_truncated` |
//! | each header value | 8 KiB ([`HEADER_VALUE_CAP`]) | `headers_truncated` |
//! | all headers, names and values | 64 KiB ([`HEADERS_CAP`]); later headers (by name) are left out | `headers_truncated` |
//!
//! The journal can be switched off. Read it with
//! `GET /__sim/requests?method=POST&path=/rest/**`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use serde::Serialize;

use crate::pattern::{PathPattern, method_matches};

/// Default number of entries the ring keeps.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Default number of bytes the ring keeps (64 MiB).
pub const DEFAULT_BYTE_BUDGET: usize = 64 * 1024 * 1024;
/// Default number of body bytes kept per entry.
pub const DEFAULT_BODY_CAP: usize = 64 * 1024;
/// Query-string bytes kept per entry.
pub const QUERY_CAP: usize = 8 * 1024;
/// Bytes kept of each header value.
pub const HEADER_VALUE_CAP: usize = 8 * 1024;
/// Header bytes (names and values) kept per entry.
pub const HEADERS_CAP: usize = 64 * 1024;

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
    /// Raw query string, if any, cut at [`QUERY_CAP`] bytes.
    pub query: Option<String>,
    /// Whether `query` was cut.
    pub query_truncated: bool,
    /// Headers by lower-case name; repeated headers joined with `, `. Each value is cut
    /// at [`HEADER_VALUE_CAP`] bytes, and headers past [`HEADERS_CAP`] bytes in all are
    /// left out.
    pub headers: BTreeMap<String, String>,
    /// Whether a header value was cut or a header left out.
    pub headers_truncated: bool,
    /// Body as UTF-8 (lossy), cut at the body cap.
    pub body: String,
    /// Whether `body` was cut.
    pub body_truncated: bool,
    /// Status the client got; `null` when a fault rule dropped the connection.
    pub status: Option<u16>,
    /// Id of the fault rule that answered or delayed this request.
    pub fault: Option<u64>,
}

impl JournalEntry {
    /// The bytes this entry counts against the journal's budget: method, path, query,
    /// header names and values, body (and the time stamp).
    pub fn bytes(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(k, v)| k.len() + v.len()).sum();
        self.method.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + headers
            + self.body.len()
            + self.time.len()
    }
}

#[derive(Debug)]
struct Inner {
    // Each entry with its size in bytes.
    entries: VecDeque<(JournalEntry, usize)>,
    capacity: usize,
    byte_budget: usize,
    bytes: usize,
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
    /// A journal keeping the newest `capacity` entries within the default byte budget;
    /// 0 switches it off.
    pub fn new(capacity: usize) -> Self {
        Self::with_limits(capacity, DEFAULT_BYTE_BUDGET)
    }

    /// A journal keeping the newest `capacity` entries and at most `byte_budget` bytes
    /// of them (see [`JournalEntry::bytes`]); either at 0 switches it off.
    pub fn with_limits(capacity: usize, byte_budget: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                entries: VecDeque::new(),
                capacity,
                byte_budget,
                bytes: 0,
                enabled: capacity > 0 && byte_budget > 0,
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
        inner.enabled = on && inner.capacity > 0 && inner.byte_budget > 0;
    }

    /// Records an entry (its `seq` is assigned here), dropping the oldest while the
    /// entry count or the byte budget would be passed. The new entry itself is always
    /// kept.
    pub fn record(&self, mut entry: JournalEntry) {
        let size = entry.bytes();
        let mut inner = self.lock();
        if !inner.enabled {
            return;
        }
        entry.seq = inner.next_seq;
        inner.next_seq = inner.next_seq.saturating_add(1);
        while !inner.entries.is_empty()
            && (inner.entries.len() >= inner.capacity
                || inner.bytes.saturating_add(size) > inner.byte_budget)
        {
            if let Some((_, old)) = inner.entries.pop_front() {
                inner.bytes -= old;
            }
        }
        inner.bytes += size;
        inner.entries.push_back((entry, size));
    }

    /// Bytes the kept entries count against the budget.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// The entries that pass `filter`, oldest first.
    pub fn list(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let inner = self.lock();
        inner
            .entries
            .iter()
            .map(|(e, _)| e)
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
        let mut inner = self.lock();
        inner.entries.clear();
        inner.bytes = 0;
    }

    /// Cuts `body` to the cap, as UTF-8 (lossy); returns the text and whether it was cut.
    pub fn capture_body(&self, body: &[u8]) -> (String, bool) {
        let cut = body.len() > self.body_cap;
        let kept = &body[..body.len().min(self.body_cap)];
        (String::from_utf8_lossy(kept).into_owned(), cut)
    }
}

/// The longest prefix of `s` of at most `cap` bytes that ends on a character boundary.
fn prefix(s: &str, cap: usize) -> &str {
    if s.len() <= cap {
        return s;
    }
    let mut end = cap;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The query string as the journal keeps it: cut at [`QUERY_CAP`] bytes; returns it and
/// whether it was cut.
pub fn capture_query(query: Option<&str>) -> (Option<String>, bool) {
    match query {
        None => (None, false),
        Some(q) => (Some(prefix(q, QUERY_CAP).to_owned()), q.len() > QUERY_CAP),
    }
}

/// The headers as the journal keeps them: by lower-case name, repeated headers joined
/// with `, `, values as UTF-8 (lossy) cut at [`HEADER_VALUE_CAP`] bytes, and headers
/// past [`HEADERS_CAP`] bytes in all (in name order) left out. Returns them and whether
/// anything was cut or left out.
pub fn capture_headers(h: &HeaderMap) -> (BTreeMap<String, String>, bool) {
    let mut cut = false;
    let mut joined = BTreeMap::<&str, String>::new();
    for (k, v) in h {
        let slot = joined.entry(k.as_str()).or_default();
        if slot.len() >= HEADER_VALUE_CAP {
            // Already full: whatever more this name carries is cut.
            cut = true;
            continue;
        }
        if !slot.is_empty() {
            slot.push_str(", ");
        }
        // Look at no more of a value than can be kept (a few bytes more than the cap,
        // so that a cut is seen as one).
        let raw = v.as_bytes();
        let room = HEADER_VALUE_CAP - slot.len();
        slot.push_str(&String::from_utf8_lossy(&raw[..raw.len().min(room + 4)]));
        if slot.len() > HEADER_VALUE_CAP {
            cut = true;
            slot.truncate(prefix(slot, HEADER_VALUE_CAP).len());
        }
    }
    let mut out = BTreeMap::new();
    let mut total = 0usize;
    for (k, v) in joined {
        let size = k.len() + v.len();
        if total + size > HEADERS_CAP {
            cut = true;
            continue;
        }
        total += size;
        out.insert(k.to_owned(), v);
    }
    (out, cut)
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
            query_truncated: false,
            headers: BTreeMap::new(),
            headers_truncated: false,
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

    fn with_body(path: &str, body_len: usize) -> JournalEntry {
        JournalEntry {
            body: "x".repeat(body_len),
            ..entry("POST", path)
        }
    }

    #[test]
    fn the_byte_budget_evicts_the_oldest() {
        let one = with_body("/1", 1000).bytes();
        // Room for two such entries, not three.
        let j = Journal::with_limits(100, 2 * one + one / 2);
        for p in ["/1", "/2", "/3"] {
            j.record(with_body(p, 1000));
        }
        let paths: Vec<_> = j
            .list(&JournalFilter::default())
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["/2", "/3"]);
        assert_eq!(j.bytes(), 2 * one);
        // One big entry pushes out every older one, and is kept itself.
        j.record(with_body("/big", 10_000));
        assert_eq!(j.len(), 1);
        assert_eq!(j.bytes(), with_body("/big", 10_000).bytes());
        j.clear();
        assert_eq!(j.bytes(), 0);
    }

    #[test]
    fn entry_bytes_count_every_part() {
        let mut e = entry("POST", "/p");
        e.query = Some("a=1".into());
        e.headers.insert("x-k".into(), "vv".into());
        e.body = "body".into();
        assert_eq!(
            e.bytes(),
            "POST".len() + "/p".len() + 3 + 3 + 2 + 4 + "2025-07-21T20:49:08Z".len()
        );
    }

    #[test]
    fn a_zero_byte_budget_switches_the_journal_off() {
        let j = Journal::with_limits(10, 0);
        assert!(!j.is_enabled());
        j.set_enabled(true);
        j.record(entry("GET", "/"));
        assert!(j.is_empty());
    }

    #[test]
    fn a_200_kb_header_costs_at_most_the_cap() {
        let mut h = HeaderMap::new();
        h.insert("x-big", "a".repeat(200_000).parse().unwrap());
        h.insert("x-small", "ok".parse().unwrap());
        let (kept, cut) = capture_headers(&h);
        assert!(cut);
        assert_eq!(kept["x-big"].len(), HEADER_VALUE_CAP);
        assert_eq!(kept["x-small"], "ok");
        let (kept, cut) = capture_headers(&HeaderMap::new());
        assert!(kept.is_empty() && !cut);
    }

    #[test]
    fn repeated_headers_are_joined_then_capped() {
        let mut h = HeaderMap::new();
        h.append("x-r", "one".parse().unwrap());
        h.append("x-r", "two".parse().unwrap());
        assert_eq!(
            capture_headers(&h),
            ([("x-r".to_owned(), "one, two".to_owned())].into(), false)
        );
        let mut h = HeaderMap::new();
        for _ in 0..5 {
            h.append("x-r", "b".repeat(3000).parse().unwrap());
        }
        let (kept, cut) = capture_headers(&h);
        assert!(cut);
        assert_eq!(kept["x-r"].len(), HEADER_VALUE_CAP);
    }

    #[test]
    fn headers_past_the_total_cap_are_left_out() {
        let mut h = HeaderMap::new();
        for i in 0..20 {
            h.insert(
                axum::http::HeaderName::try_from(format!("x-h{i:02}")).unwrap(),
                "c".repeat(HEADER_VALUE_CAP).parse().unwrap(),
            );
        }
        let (kept, cut) = capture_headers(&h);
        assert!(cut);
        let total: usize = kept.iter().map(|(k, v)| k.len() + v.len()).sum();
        assert!(total <= HEADERS_CAP, "{total}");
        // The first by name are kept whole.
        assert_eq!(kept.len(), HEADERS_CAP / (5 + HEADER_VALUE_CAP));
        assert!(kept.contains_key("x-h00"));
        assert!(kept.values().all(|v| v.len() == HEADER_VALUE_CAP));
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let mut h = HeaderMap::new();
        let value = "é".repeat(HEADER_VALUE_CAP); // 2 bytes each
        h.insert(
            "x-e",
            axum::http::HeaderValue::from_bytes(format!("a{value}").as_bytes()).unwrap(),
        );
        let (kept, cut) = capture_headers(&h);
        assert!(cut);
        assert!(kept["x-e"].len() <= HEADER_VALUE_CAP);
        assert!(kept["x-e"].len() >= HEADER_VALUE_CAP - 4);
        let q = format!("q={}", "é".repeat(QUERY_CAP));
        let (kept, cut) = capture_query(Some(&q));
        assert!(cut);
        let kept = kept.unwrap();
        assert!(kept.len() <= QUERY_CAP && kept.len() >= QUERY_CAP - 1);
        assert_eq!(capture_query(Some("a=1")), (Some("a=1".to_owned()), false));
        assert_eq!(capture_query(None), (None, false));
    }

    proptest! {
        #[test]
        fn never_holds_more_than_the_byte_budget(
            budget in 1usize..5_000,
            sizes in proptest::collection::vec(0usize..2_000, 0..60),
        ) {
            let j = Journal::with_limits(1_000, budget);
            for (i, n) in sizes.iter().enumerate() {
                j.record(with_body(&format!("/{i}"), *n));
            }
            let all = j.list(&JournalFilter::default());
            let total: usize = all.iter().map(JournalEntry::bytes).sum();
            prop_assert_eq!(total, j.bytes());
            // Within the budget, or only the newest entry alone over it.
            prop_assert!(total <= budget || all.len() == 1);
            prop_assert_eq!(all.is_empty(), sizes.is_empty());
        }

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
