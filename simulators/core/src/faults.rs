//! Fault injection: make the next matching requests fail, slow down or vanish.
//!
//! A rule is checked whole when it is added, so that every rule stored can match a
//! request and answers something a client can read: the method is an HTTP token (or
//! `*`), the path pattern compiles, the status is a final one (200–599), the headers are
//! valid and none is one the server sets (hop-by-hop or framing: `Connection`,
//! `Keep-Alive`, `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`,
//! `Content-Length`), a 204, 205 or 304 carries no body, and `drop` (no answer at all)
//! comes with no status, headers or body (only `delay_ms`).
//!
//! A rule matches on method and path (exact or glob, see [`PathPattern`]) and then
//! answers with a given status, headers and body, or delays the request (which then
//! goes on to the simulator, or to the rule's answer), or drops the connection without
//! a response. It applies to the next `times` matching requests, or until removed.
//! Rules are tried in the order they were added; the first live match wins.
//!
//! The delay is awaited by the middleware after this module's lock is released, as
//! wiremock-rs does, so a slow rule never blocks other requests.
//!
//! Wire form (`POST /__sim/faults`):
//!
//! ```json
//! {"method": "POST", "path": "/rest/*/V1/products", "status": 503,
//!  "headers": {"Retry-After": "1"}, "body": {"message": "Service Unavailable"},
//!  "delay_ms": 0, "drop": false, "times": 1}
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::pattern::{PathPattern, method_matches};

/// A rule as the admin API receives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Method to match; any when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Exact path or glob to match.
    pub path: String,
    /// Status to answer with; without it the request goes on (after `delay_ms`).
    #[serde(default)]
    pub status: Option<u16>,
    /// Headers of the answer.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Body of the answer: a string is sent as is, anything else as JSON.
    #[serde(default)]
    pub body: Option<Value>,
    /// Delay before answering or going on, in milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection without any response.
    #[serde(default)]
    pub drop: bool,
    /// How many matching requests the rule applies to; until removed when absent.
    #[serde(default)]
    pub times: Option<u32>,
}

/// Why a [`FaultSpec`] was refused. Each message names the problem; the admin API
/// sends it as `400 {"error": message}`.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FaultError {
    /// The path pattern did not compile.
    #[error("{0}")]
    Pattern(String),
    /// A method that is not an HTTP token: no request could ever carry it.
    #[error(
        "method {0:?} can never match: give an HTTP method such as \"GET\" or \"POST\", \"*\" for any, or leave it out"
    )]
    BadMethod(String),
    /// The rule would do nothing.
    #[error("a fault needs at least one of status, delay_ms or drop")]
    NoEffect,
    /// `drop` with an answer.
    #[error("drop cannot be combined with status, headers or body")]
    DropWithAnswer,
    /// Headers or body without a status.
    #[error("headers and body need a status")]
    AnswerWithoutStatus,
    /// A status outside 200–599.
    #[error("status must be between 200 and 599 (a 1xx is not a final answer), got {0}")]
    BadStatus(u16),
    /// `times: 0`.
    #[error("times must be at least 1 (leave it out for a rule that stays until removed)")]
    ZeroTimes,
    /// A header name that is not valid HTTP.
    #[error("invalid header name {0:?}")]
    BadHeader(String),
    /// A header value that is not valid HTTP (control characters, line breaks).
    #[error("invalid value for header {0:?}: control characters and line breaks are not allowed")]
    BadHeaderValue(String),
    /// A header the server sets itself: connection management or message framing.
    #[error(
        "header {0:?} cannot be set by a fault: the server sets it (connection management and framing)"
    )]
    ServerHeader(String),
    /// A body on a status that has none.
    #[error("a {0} answer has no body")]
    BodyNotAllowed(u16),
}

/// Hop-by-hop and framing headers (RFC 9110 §7.6.1, RFC 9112 §6): a fault that set
/// them would answer something no client can read.
const SERVER_HEADERS: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
];

/// A canned answer.
#[derive(Debug, Clone)]
pub struct FaultReply {
    /// Status code.
    pub status: u16,
    /// Headers, content type included when the body needs one.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// What the middleware must do for one request.
#[derive(Debug, Clone)]
pub struct FaultAction {
    /// The rule's id, for the journal.
    pub rule: u64,
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Close the connection without a response.
    pub drop: bool,
    /// Answer with this instead of the simulator.
    pub reply: Option<FaultReply>,
}

/// A stored rule as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FaultView {
    /// Id, for `DELETE /__sim/faults/{id}`.
    pub id: u64,
    /// Method matched, `null` for any.
    pub method: Option<String>,
    /// Path pattern.
    pub path: String,
    /// Answer status.
    pub status: Option<u16>,
    /// Answer headers.
    pub headers: BTreeMap<String, String>,
    /// Answer body.
    pub body: Option<Value>,
    /// Delay in milliseconds.
    pub delay_ms: Option<u64>,
    /// Whether the connection is dropped.
    pub drop: bool,
    /// Matching requests left, `null` for until removed.
    pub remaining: Option<u32>,
    /// Requests this rule has applied to.
    pub hits: u64,
}

#[derive(Debug)]
struct Rule {
    id: u64,
    spec: FaultSpec,
    pattern: PathPattern,
    reply: Option<FaultReply>,
    remaining: Option<u32>,
    hits: u64,
}

#[derive(Debug, Default)]
struct Inner {
    rules: Vec<Rule>,
    next_id: u64,
}

/// The fault rules of one simulator; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    // std Mutex: matching is a scan of a short list; delays are awaited after release.
    inner: Arc<Mutex<Inner>>,
}

fn build_reply(spec: &FaultSpec) -> Result<Option<FaultReply>, FaultError> {
    let Some(status) = spec.status else {
        return Ok(None);
    };
    let mut headers: Vec<(String, String)> = Vec::with_capacity(spec.headers.len() + 1);
    for (k, v) in &spec.headers {
        let name = axum::http::HeaderName::try_from(k.as_str())
            .map_err(|_| FaultError::BadHeader(k.clone()))?;
        if SERVER_HEADERS.contains(&name.as_str()) {
            return Err(FaultError::ServerHeader(k.clone()));
        }
        if axum::http::HeaderValue::try_from(v.as_str()).is_err() {
            return Err(FaultError::BadHeaderValue(k.clone()));
        }
        headers.push((k.clone(), v.clone()));
    }
    let has_ct = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    let body = match &spec.body {
        None => Vec::new(),
        Some(Value::String(s)) => {
            if !has_ct {
                headers.push(("content-type".into(), "text/plain; charset=utf-8".into()));
            }
            s.clone().into_bytes()
        }
        Some(v) => {
            if !has_ct {
                headers.push(("content-type".into(), "application/json".into()));
            }
            serde_json::to_vec(v).unwrap_or_default()
        }
    };
    Ok(Some(FaultReply {
        status,
        headers,
        body,
    }))
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Validates and stores a rule; returns its view (with its id). A refused rule
    /// changes nothing.
    pub fn add(&self, spec: FaultSpec) -> Result<FaultView, FaultError> {
        let pattern =
            PathPattern::new(&spec.path).map_err(|e| FaultError::Pattern(e.to_string()))?;
        if let Some(m) = spec.method.as_deref() {
            if m != "*" && axum::http::Method::from_bytes(m.as_bytes()).is_err() {
                return Err(FaultError::BadMethod(m.to_owned()));
            }
        }
        if let Some(s) = spec.status {
            if !(200..=599).contains(&s) {
                return Err(FaultError::BadStatus(s));
            }
            if matches!(s, 204 | 205 | 304) && spec.body.is_some() {
                return Err(FaultError::BodyNotAllowed(s));
            }
        }
        if spec.drop && (spec.status.is_some() || !spec.headers.is_empty() || spec.body.is_some()) {
            return Err(FaultError::DropWithAnswer);
        }
        if spec.status.is_none() && (!spec.headers.is_empty() || spec.body.is_some()) {
            return Err(FaultError::AnswerWithoutStatus);
        }
        if spec.status.is_none() && spec.delay_ms.is_none() && !spec.drop {
            return Err(FaultError::NoEffect);
        }
        if spec.times == Some(0) {
            return Err(FaultError::ZeroTimes);
        }
        let reply = build_reply(&spec)?;
        let mut inner = self.lock();
        inner.next_id += 1;
        let rule = Rule {
            id: inner.next_id,
            remaining: spec.times,
            pattern,
            reply,
            spec,
            hits: 0,
        };
        let view = view(&rule);
        inner.rules.push(rule);
        Ok(view)
    }

    /// Finds the first live rule for this request, counts the hit, and retires the rule
    /// when it has no uses left.
    pub fn take(&self, method: &str, path: &str) -> Option<FaultAction> {
        let mut inner = self.lock();
        let idx = inner.rules.iter().position(|r| {
            method_matches(r.spec.method.as_deref(), method) && r.pattern.matches(path)
        })?;
        let rule = &mut inner.rules[idx];
        rule.hits += 1;
        let action = FaultAction {
            rule: rule.id,
            delay: rule.spec.delay_ms.map(Duration::from_millis),
            drop: rule.spec.drop,
            reply: rule.reply.clone(),
        };
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
            if *n == 0 {
                inner.rules.remove(idx);
            }
        }
        Some(action)
    }

    /// The live rules, in the order they are tried.
    pub fn list(&self) -> Vec<FaultView> {
        self.lock().rules.iter().map(view).collect()
    }

    /// Removes one rule; `false` when there is no such id.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.lock();
        let before = inner.rules.len();
        inner.rules.retain(|r| r.id != id);
        inner.rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().rules.clear();
    }
}

fn view(r: &Rule) -> FaultView {
    FaultView {
        id: r.id,
        method: r.spec.method.clone(),
        path: r.spec.path.clone(),
        status: r.spec.status,
        headers: r.spec.headers.clone(),
        body: r.spec.body.clone(),
        delay_ms: r.spec.delay_ms,
        drop: r.spec.drop,
        remaining: r.remaining,
        hits: r.hits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: Value) -> FaultSpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn answers_the_next_n_matching_requests_then_retires() {
        let f = Faults::default();
        f.add(spec(
            json!({"method": "POST", "path": "/x", "status": 503, "times": 2}),
        ))
        .unwrap();
        assert!(f.take("GET", "/x").is_none());
        assert!(f.take("POST", "/y").is_none());
        assert_eq!(f.take("POST", "/x").unwrap().reply.unwrap().status, 503);
        assert_eq!(f.list()[0].remaining, Some(1));
        assert!(f.take("POST", "/x").is_some());
        assert!(f.take("POST", "/x").is_none());
        assert!(f.list().is_empty());
    }

    #[test]
    fn without_times_a_rule_stays_until_removed() {
        let f = Faults::default();
        let id = f
            .add(spec(json!({"path": "/rest/**", "delay_ms": 5})))
            .unwrap()
            .id;
        for _ in 0..5 {
            let a = f.take("GET", "/rest/V1/x").unwrap();
            assert_eq!(a.delay, Some(Duration::from_millis(5)));
            assert!(a.reply.is_none());
        }
        assert_eq!(f.list()[0].hits, 5);
        assert!(f.remove(id));
        assert!(!f.remove(id));
        assert!(f.take("GET", "/rest/V1/x").is_none());
    }

    #[test]
    fn first_added_wins() {
        let f = Faults::default();
        f.add(spec(json!({"path": "/a", "status": 500}))).unwrap();
        f.add(spec(json!({"path": "/*", "status": 502}))).unwrap();
        assert_eq!(f.take("GET", "/a").unwrap().reply.unwrap().status, 500);
        assert_eq!(f.take("GET", "/b").unwrap().reply.unwrap().status, 502);
    }

    #[test]
    fn bodies_get_a_content_type() {
        let f = Faults::default();
        f.add(spec(
            json!({"path": "/j", "status": 400, "body": {"message": "x"}}),
        ))
        .unwrap();
        f.add(spec(json!({"path": "/t", "status": 400, "body": "plain"})))
            .unwrap();
        f.add(spec(json!({"path": "/h", "status": 400, "body": "<x/>", "headers": {"Content-Type": "text/xml"}})))
            .unwrap();
        let j = f.take("GET", "/j").unwrap().reply.unwrap();
        assert_eq!(j.body, br#"{"message":"x"}"#);
        assert!(
            j.headers
                .contains(&("content-type".into(), "application/json".into()))
        );
        let t = f.take("GET", "/t").unwrap().reply.unwrap();
        assert_eq!(t.body, b"plain");
        let h = f.take("GET", "/h").unwrap().reply.unwrap();
        assert_eq!(h.headers, vec![("Content-Type".into(), "text/xml".into())]);
    }

    #[test]
    fn refuses_rules_that_make_no_sense() {
        let f = Faults::default();
        let cases = [
            (json!({"path": "/a"}), FaultError::NoEffect),
            (
                json!({"path": "/a", "drop": true, "status": 500}),
                FaultError::DropWithAnswer,
            ),
            (
                json!({"path": "/a", "drop": true, "headers": {"X-A": "1"}}),
                FaultError::DropWithAnswer,
            ),
            (
                json!({"path": "/a", "drop": true, "body": "x"}),
                FaultError::DropWithAnswer,
            ),
            (
                json!({"path": "/a", "body": "x"}),
                FaultError::AnswerWithoutStatus,
            ),
            (
                json!({"path": "/a", "status": 99}),
                FaultError::BadStatus(99),
            ),
            (
                json!({"path": "/a", "status": 100}),
                FaultError::BadStatus(100),
            ),
            (
                json!({"path": "/a", "status": 101}),
                FaultError::BadStatus(101),
            ),
            (
                json!({"path": "/a", "status": 199}),
                FaultError::BadStatus(199),
            ),
            (
                json!({"path": "/a", "status": 600}),
                FaultError::BadStatus(600),
            ),
            (
                json!({"path": "/a", "status": 500, "times": 0}),
                FaultError::ZeroTimes,
            ),
            (
                json!({"path": "/a", "status": 500, "headers": {"bad header": "x"}}),
                FaultError::BadHeader("bad header".into()),
            ),
            (
                json!({"path": "/a", "status": 500, "headers": {"": "x"}}),
                FaultError::BadHeader(String::new()),
            ),
            (
                json!({"path": "/a", "status": 500, "headers": {"X-A": "a\r\nX-B: b"}}),
                FaultError::BadHeaderValue("X-A".into()),
            ),
            (
                json!({"path": "/a", "method": "GE T", "status": 500}),
                FaultError::BadMethod("GE T".into()),
            ),
            (
                json!({"path": "/a", "method": "", "status": 500}),
                FaultError::BadMethod(String::new()),
            ),
            (
                json!({"path": "/a", "method": "GET\n", "delay_ms": 1}),
                FaultError::BadMethod("GET\n".into()),
            ),
            (
                json!({"path": "/a", "status": 204, "body": "x"}),
                FaultError::BodyNotAllowed(204),
            ),
            (
                json!({"path": "/a", "status": 205, "body": {}}),
                FaultError::BodyNotAllowed(205),
            ),
            (
                json!({"path": "/a", "status": 304, "body": ""}),
                FaultError::BodyNotAllowed(304),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(f.add(spec(input.clone())).unwrap_err(), want, "{input}");
        }
        for name in [
            "Connection",
            "keep-alive",
            "Transfer-Encoding",
            "TE",
            "Trailer",
            "Upgrade",
            "Proxy-Connection",
            "content-length",
        ] {
            let input = json!({"path": "/a", "status": 500, "headers": {name: "x"}});
            assert_eq!(
                f.add(spec(input)).unwrap_err(),
                FaultError::ServerHeader(name.into()),
                "{name}"
            );
        }
        for bad in ["/a/[", "/a/{b", "no-slash"] {
            assert!(
                matches!(
                    f.add(spec(json!({"path": bad, "status": 500}))),
                    Err(FaultError::Pattern(_))
                ),
                "{bad}"
            );
        }
        assert!(f.list().is_empty());
    }

    #[test]
    fn accepts_what_a_client_can_read() {
        let f = Faults::default();
        for ok in [
            json!({"path": "/a", "method": "*", "status": 200}),
            json!({"path": "/a", "method": "patch", "status": 599}),
            json!({"path": "/a", "method": "PROPFIND", "status": 207}),
            json!({"path": "/a", "status": 204}),
            json!({"path": "/a", "status": 304, "headers": {"ETag": "\"x\""}}),
            json!({"path": "/a", "drop": true, "delay_ms": 5}),
            json!({"path": "/a", "status": 503, "headers": {"Retry-After": "1", "Content-Type": "text/plain"}}),
        ] {
            f.add(spec(ok.clone()))
                .unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        assert_eq!(f.list().len(), 7);
        // `*` matches any method.
        assert!(f.take("DELETE", "/a").is_some());
    }
}
