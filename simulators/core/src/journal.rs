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

use axum::http::{HeaderMap, Method, Uri};
use serde::Serialize;
use time::OffsetDateTime;

use crate::clock::rfc3339;
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
    entries: VecDeque<(Stored, usize)>,
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
    pub fn record(&self, capture: Capture) {
        self.push(capture.0);
    }

    fn push(&self, mut entry: Stored) {
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
            .filter(|e| method_matches(filter.method.as_deref(), e.method.as_str()))
            .filter(|e| filter.path.as_ref().is_none_or(|p| p.matches(e.path())))
            .map(Stored::to_entry)
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

/// The headers as the journal keeps them: by lower-case name, repeated headers joined
/// with `, `, values as UTF-8 (lossy) cut at [`HEADER_VALUE_CAP`] bytes, and headers
/// past [`HEADERS_CAP`] bytes in all (in name order) left out. Returns them and whether
/// anything was cut or left out.
pub fn capture_headers(h: &HeaderMap) -> (BTreeMap<String, String>, bool) {
    let packed = PackedHeaders::capture(h);
    (packed.to_map(), packed.truncated)
}

/// Captured headers in one buffer: `name\0value\0` in name order. Header names are
/// tokens and values cannot hold NUL (the `http` crate refuses control bytes), so NUL
/// separates them unambiguously.
#[derive(Debug, Clone, Default)]
struct PackedHeaders {
    buf: String,
    // Names and kept values, in bytes (what the budget counts).
    bytes: usize,
    truncated: bool,
}

impl PackedHeaders {
    fn capture(h: &HeaderMap) -> Self {
        // Every (name, value) once, by name; the sort is stable, so the values of one
        // name keep their order.
        let mut pairs: Vec<(&str, &[u8])> =
            h.iter().map(|(k, v)| (k.as_str(), v.as_bytes())).collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = PackedHeaders::default();
        let mut rest = pairs.as_slice();
        while let Some(&(name, _)) = rest.first() {
            let count = rest.iter().take_while(|(n, _)| *n == name).count();
            let (values, later) = rest.split_at(count);
            rest = later;
            let entry_start = out.buf.len();
            out.buf.push_str(name);
            out.buf.push('\0');
            let value_start = out.buf.len();
            for (i, &(_, raw)) in values.iter().enumerate() {
                let len = out.buf.len() - value_start;
                if len >= HEADER_VALUE_CAP {
                    // Already full: whatever more this name carries is cut.
                    out.truncated = true;
                    continue;
                }
                // Joined as HTTP combines field lines (RFC 9110 §5.3), empty ones too.
                if i > 0 {
                    out.buf.push_str(", ");
                }
                // Look at no more of a value than can be kept (a few bytes more than
                // the cap, so that a cut is seen as one).
                let room = HEADER_VALUE_CAP.saturating_sub(len);
                let seen = &raw[..raw.len().min(room + 4)];
                // Valid UTF-8 (nearly every value is ASCII) is copied as it is; the
                // lossy decoder is only needed for the rest.
                match std::str::from_utf8(seen) {
                    Ok(text) => out.buf.push_str(text),
                    Err(_) => out.buf.push_str(&String::from_utf8_lossy(seen)),
                }
                let value = &out.buf[value_start..];
                if value.len() > HEADER_VALUE_CAP {
                    out.truncated = true;
                    let keep = prefix(value, HEADER_VALUE_CAP).len();
                    out.buf.truncate(value_start + keep);
                }
            }
            let size = name.len() + (out.buf.len() - value_start);
            if out.bytes + size > HEADERS_CAP {
                out.truncated = true;
                out.buf.truncate(entry_start);
                continue;
            }
            out.bytes += size;
            out.buf.push('\0');
        }
        out
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut parts = self.buf.split('\0');
        std::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
    }

    fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[cfg(test)]
    fn from_map(map: &BTreeMap<String, String>, truncated: bool) -> Self {
        let mut out = PackedHeaders {
            truncated,
            ..Self::default()
        };
        for (k, v) in map {
            out.buf.push_str(k);
            out.buf.push('\0');
            out.buf.push_str(v);
            out.buf.push('\0');
            out.bytes += k.len() + v.len();
        }
        out
    }
}

/// An entry as the ring keeps it: compact, and rendered as a [`JournalEntry`] only when
/// the journal is read (the time is formatted then, the headers unpacked).
#[derive(Debug, Clone)]
struct Stored {
    seq: u64,
    time: OffsetDateTime,
    method: Method,
    // The path, then the query string as kept.
    target: String,
    path_len: usize,
    has_query: bool,
    query_truncated: bool,
    headers: PackedHeaders,
    body: String,
    body_truncated: bool,
    status: Option<u16>,
    fault: Option<u64>,
}

impl Stored {
    fn path(&self) -> &str {
        &self.target[..self.path_len]
    }

    fn query(&self) -> Option<&str> {
        self.has_query.then(|| &self.target[self.path_len..])
    }

    /// What [`JournalEntry::bytes`] of the rendered entry gives.
    fn bytes(&self) -> usize {
        self.method.as_str().len()
            + self.target.len()
            + self.headers.bytes
            + self.body.len()
            + rfc3339_len(self.time)
    }

    fn to_entry(&self) -> JournalEntry {
        JournalEntry {
            seq: self.seq,
            time: rfc3339(self.time),
            method: self.method.as_str().to_owned(),
            path: self.path().to_owned(),
            query: self.query().map(str::to_owned),
            query_truncated: self.query_truncated,
            headers: self.headers.to_map(),
            headers_truncated: self.headers.truncated,
            body: self.body.clone(),
            body_truncated: self.body_truncated,
            status: self.status,
            fault: self.fault,
        }
    }
}

/// The length of [`rfc3339`]`(at)` without formatting it in the usual case.
fn rfc3339_len(at: OffsetDateTime) -> usize {
    match at.checked_to_offset(time::UtcOffset::UTC) {
        Some(utc) if (0..=9999).contains(&utc.year()) => 20,
        _ => rfc3339(at).len(),
    }
}

/// What the core middleware keeps of one platform request while it is answered: the
/// head is captured before the handler takes the request, the body, fault and status
/// are added as they are known, and [`Journal::record`] stores it.
#[derive(Debug, Clone)]
pub struct Capture(Stored);

impl Capture {
    /// The request head at `at`: method, path, query (cut at [`QUERY_CAP`]) and headers
    /// (see [`capture_headers`]).
    pub fn new(at: OffsetDateTime, method: &Method, uri: &Uri, headers: &HeaderMap) -> Self {
        let path = uri.path();
        let (query, query_truncated) = match uri.query() {
            None => (None, false),
            Some(q) => (Some(prefix(q, QUERY_CAP)), q.len() > QUERY_CAP),
        };
        let mut target = String::with_capacity(path.len() + query.map_or(0, str::len));
        target.push_str(path);
        if let Some(q) = query {
            target.push_str(q);
        }
        Capture(Stored {
            seq: 0,
            time: at,
            method: method.clone(),
            target,
            path_len: path.len(),
            has_query: query.is_some(),
            query_truncated,
            headers: PackedHeaders::capture(headers),
            body: String::new(),
            body_truncated: false,
            status: None,
            fault: None,
        })
    }

    /// The body as `journal` keeps it (see [`Journal::capture_body`]).
    pub fn body(&mut self, journal: &Journal, body: &[u8]) {
        (self.0.body, self.0.body_truncated) = journal.capture_body(body);
    }

    /// The status the client got (none when the connection was dropped).
    pub fn status(&mut self, status: Option<u16>) {
        self.0.status = status;
    }

    /// The fault rule that answered or delayed the request.
    pub fn fault(&mut self, rule: Option<u64>) {
        self.0.fault = rule;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(method: &str, path: &str) -> Stored {
        Stored {
            seq: 0,
            time: time::macros::datetime!(2025-07-21 20:49:08 UTC),
            method: method.parse().unwrap(),
            target: path.into(),
            path_len: path.len(),
            has_query: false,
            query_truncated: false,
            headers: PackedHeaders::default(),
            body: String::new(),
            body_truncated: false,
            status: Some(200),
            fault: None,
        }
    }

    /// The query string as the journal keeps it, and whether it was cut.
    fn capture_query(query: Option<&str>) -> (Option<String>, bool) {
        let uri: Uri = match query {
            Some(q) => format!("/p?{q}").parse().unwrap(),
            None => "/p".parse().unwrap(),
        };
        let c = Capture::new(
            time::macros::datetime!(2025-07-21 20:49:08 UTC),
            &Method::GET,
            &uri,
            &HeaderMap::new(),
        );
        (c.0.query().map(str::to_owned), c.0.query_truncated)
    }

    #[test]
    fn records_in_order_with_sequence_numbers() {
        let j = Journal::new(10);
        j.push(entry("GET", "/a"));
        j.push(entry("POST", "/b"));
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
        j.push(entry("GET", "/rest/V1/products"));
        j.push(entry("POST", "/rest/V1/products"));
        j.push(entry("POST", "/rest/default/V1/orders"));
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
            j.push(entry("GET", p));
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
        j.push(entry("GET", "/"));
        assert!(j.is_empty());
        let j = Journal::new(5);
        j.set_enabled(false);
        j.push(entry("GET", "/"));
        assert!(j.is_empty());
        j.set_enabled(true);
        j.push(entry("GET", "/"));
        assert_eq!(j.len(), 1);
    }

    #[test]
    fn clear_keeps_sequence_numbers_growing() {
        let j = Journal::new(5);
        j.push(entry("GET", "/"));
        j.clear();
        j.push(entry("GET", "/"));
        assert_eq!(j.list(&JournalFilter::default())[0].seq, 2);
    }

    #[test]
    fn bodies_are_capped() {
        let j = Journal::new(5).with_body_cap(4);
        assert_eq!(j.capture_body(b"abcdef"), ("abcd".to_owned(), true));
        assert_eq!(j.capture_body(b"ab"), ("ab".to_owned(), false));
    }

    fn with_body(path: &str, body_len: usize) -> Stored {
        Stored {
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
            j.push(with_body(p, 1000));
        }
        let paths: Vec<_> = j
            .list(&JournalFilter::default())
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(paths, ["/2", "/3"]);
        assert_eq!(j.bytes(), 2 * one);
        // One big entry pushes out every older one, and is kept itself.
        j.push(with_body("/big", 10_000));
        assert_eq!(j.len(), 1);
        assert_eq!(j.bytes(), with_body("/big", 10_000).bytes());
        j.clear();
        assert_eq!(j.bytes(), 0);
    }

    #[test]
    fn entry_bytes_count_every_part() {
        let mut e = entry("POST", "/pa=1");
        e.path_len = 2;
        e.has_query = true;
        e.headers = PackedHeaders::from_map(&[("x-k".into(), "vv".into())].into(), false);
        e.body = "body".into();
        let expected = "POST".len() + "/p".len() + 3 + 3 + 2 + 4 + "2025-07-21T20:49:08Z".len();
        assert_eq!(e.bytes(), expected);
        let rendered = e.to_entry();
        assert_eq!(rendered.query.as_deref(), Some("a=1"));
        assert_eq!(rendered.headers["x-k"], "vv");
        assert_eq!(rendered.bytes(), expected);
    }

    #[test]
    fn a_zero_byte_budget_switches_the_journal_off() {
        let j = Journal::with_limits(10, 0);
        assert!(!j.is_enabled());
        j.set_enabled(true);
        j.push(entry("GET", "/"));
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
                j.push(with_body(&format!("/{i}"), *n));
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
                j.push(entry("GET", &format!("/{i}")));
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

    proptest! {
        /// Headers are kept by name in name order, the values of a repeated name
        /// joined with `, ` in the order they came, whatever order the names came in.
        #[test]
        fn repeated_headers_join_in_their_order_by_name(
            sent in proptest::collection::vec((0usize..4, "[a-z0-9 ]{0,6}"), 0..12),
        ) {
            let names = ["x-b", "accept", "x-a", "authorization"];
            let mut h = HeaderMap::new();
            let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (n, v) in &sent {
                let value = axum::http::HeaderValue::from_str(v.trim()).unwrap();
                h.append(names[*n], value);
                expected.entry(names[*n].to_owned()).or_default().push(v.trim().to_owned());
            }
            let (kept, cut) = capture_headers(&h);
            prop_assert!(!cut);
            let expected: BTreeMap<String, String> =
                expected.into_iter().map(|(n, vs)| (n, vs.join(", "))).collect();
            prop_assert_eq!(kept, expected);
        }
    }
}
