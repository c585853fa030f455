//! `replay`: the transcripts under `fixtures/<platform>/transcripts/` and the one
//! comparison every simulator's replay test runs them through.
//!
//! A [`Transcript`] is a list of [`Exchange`]s (a request and the response it got). How
//! a test sends the requests is its own business (Magento re-signs OAuth headers,
//! Snipcart adds its Basic key); what comes back is checked by [`compare`] against the
//! recorded response, with a [`Fidelity`]:
//!
//! - [`Fidelity::Exact`] for real traffic: the same JSON, key for key.
//! - [`Fidelity::Abbreviated`] for documentation examples, which leave keys out: every
//!   recorded key must be there with an equal value; keys the answer has beyond them
//!   are allowed. Arrays keep their exact length in both.
//!
//! A platform may tolerate known differences through a [`Tolerance`] hook (Magento:
//! `updated_at` within two seconds).
//!
//! ```
//! use replay::{Fidelity, compare};
//! use serde_json::json;
//!
//! let got = json!({"id": 1, "name": "a", "extra": true});
//! let doc = json!({"id": 1, "name": "a"});
//! assert!(compare(&got, &doc, Fidelity::Abbreviated, &replay::no_tolerance).is_empty());
//! assert_eq!(
//!     compare(&got, &doc, Fidelity::Exact, &replay::no_tolerance),
//!     ["/extra: unexpected true"]
//! );
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How closely an answer must match its recorded response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fidelity {
    /// Real traffic: equal as JSON.
    #[default]
    Exact,
    /// A documentation example: the recorded keys match; more keys are allowed.
    Abbreviated,
}

/// Recorded traffic (or a documentation example made into traffic).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transcript {
    /// Where it comes from.
    pub source: String,
    /// Edits made to fit it to the fixture, and anything a replay must know.
    #[serde(default)]
    pub notes: Option<String>,
    /// The path prefix the recorded store was served under, if any.
    #[serde(default)]
    pub base_path: Option<String>,
    /// How closely responses must match, unless an exchange says otherwise.
    #[serde(default)]
    pub responses: Fidelity,
    /// The exchanges, in order.
    pub exchanges: Vec<Exchange>,
}

/// One request and its response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    /// What this exchange shows (optional).
    #[serde(default)]
    pub note: Option<String>,
    /// The simulator's clock before the request, as the platform writes instants, when
    /// the response's timestamps depend on it.
    #[serde(default)]
    pub clock: Option<String>,
    /// This exchange's fidelity, overriding the transcript's.
    #[serde(default)]
    pub responses: Option<Fidelity>,
    /// For transcripts whose exchanges are replayed each on a fresh store: the earlier
    /// exchanges (by position) to replay first on the same store, because this one
    /// depends on what they did (documentation examples that build on one another).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<usize>,
    /// The request.
    pub request: Request,
    /// The response.
    pub response: Response,
}

/// A recorded request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// `GET`, `POST`…
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Headers as sent, `[name, value]` pairs in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as sent, if any.
    #[serde(default)]
    pub body: Option<String>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A recorded response.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Response {
    /// Its status.
    pub status: u16,
    /// Its `Date` header, when recorded.
    #[serde(default)]
    pub date: Option<String>,
    /// Its body as JSON.
    pub body: Value,
}

impl Transcript {
    /// Reads a transcript; panics with the reason when it is not one (tests only).
    pub fn parse(text: &str) -> Transcript {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("transcript: {e}"))
    }

    /// The fidelity exchange `ex` is checked with.
    pub fn fidelity(&self, ex: &Exchange) -> Fidelity {
        ex.responses.unwrap_or(self.responses)
    }
}

/// A platform's tolerance: called for every object key present on both sides with
/// `(path, key, got, want)`. `None` compares as usual; `Some(Ok(()))` accepts the
/// pair; `Some(Err(diff))` reports `diff`.
pub type Tolerance<'a> = dyn Fn(&str, &str, &Value, &Value) -> Option<Result<(), String>> + 'a;

/// Tolerates nothing.
pub fn no_tolerance(_: &str, _: &str, _: &Value, _: &Value) -> Option<Result<(), String>> {
    None
}

/// The differences of `got` from `want` (empty when they match), each as
/// `path: what`, where `path` is a JSON pointer.
pub fn compare(
    got: &Value,
    want: &Value,
    fidelity: Fidelity,
    tolerance: &Tolerance<'_>,
) -> Vec<String> {
    let mut diffs = Vec::new();
    walk("", got, want, fidelity, tolerance, &mut diffs);
    diffs
}

fn walk(
    path: &str,
    got: &Value,
    want: &Value,
    fidelity: Fidelity,
    tolerance: &Tolerance<'_>,
    diffs: &mut Vec<String>,
) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for k in g.keys().chain(w.keys().filter(|k| !g.contains_key(*k))) {
                let here = format!("{path}/{k}");
                match (g.get(k), w.get(k)) {
                    (Some(a), Some(b)) => match tolerance(&here, k, a, b) {
                        Some(Ok(())) => {}
                        Some(Err(diff)) => diffs.push(diff),
                        None => walk(&here, a, b, fidelity, tolerance, diffs),
                    },
                    (Some(a), None) if fidelity == Fidelity::Exact => {
                        diffs.push(format!("{here}: unexpected {a}"))
                    }
                    (Some(_), None) => {}
                    (None, Some(b)) => diffs.push(format!("{here}: missing, want {b}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                walk(&format!("{path}/{i}"), a, b, fidelity, tolerance, diffs);
            }
        }
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{path}: got {a}, want {b}")),
    }
}

/// Failures gathered over a replay, reported all at once.
#[derive(Debug, Default)]
pub struct Report {
    failures: Vec<String>,
}

impl Report {
    /// Checks exchange `n`'s answer (`status`, `body`) against its recording; a wrong
    /// status is reported with the body, and the bodies are then not compared.
    pub fn check(
        &mut self,
        n: usize,
        ex: &Exchange,
        fidelity: Fidelity,
        status: u16,
        body: &Value,
        tolerance: &Tolerance<'_>,
    ) {
        let what = format!("#{n} {} {}", ex.request.method, ex.request.target);
        if status != ex.response.status {
            self.failures.push(format!(
                "{what}: status {status}, want {}: {body}",
                ex.response.status
            ));
            return;
        }
        let diffs = compare(body, &ex.response.body, fidelity, tolerance);
        if !diffs.is_empty() {
            self.failures
                .push(format!("{what}:\n  {}", diffs.join("\n  ")));
        }
    }

    /// The failures so far, one entry per exchange.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// Panics with every failure, if there is any.
    pub fn assert_clean(&self) {
        assert!(
            self.failures.is_empty(),
            "replay differs:\n{}",
            self.failures.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn exact_wants_every_key_and_abbreviated_only_the_recorded_ones() {
        let got = json!({"a": 1, "b": [1, {"c": 2, "d": 3}], "e": null});
        let want = json!({"a": 1, "b": [1, {"c": 2}]});
        assert_eq!(
            compare(&got, &want, Fidelity::Exact, &no_tolerance),
            ["/b/1/d: unexpected 3", "/e: unexpected null"]
        );
        assert!(compare(&got, &want, Fidelity::Abbreviated, &no_tolerance).is_empty());
        // A recorded key that is missing or differs fails in both.
        for fidelity in [Fidelity::Exact, Fidelity::Abbreviated] {
            assert_eq!(
                compare(
                    &json!({"a": 2}),
                    &json!({"a": 1, "z": 0}),
                    fidelity,
                    &no_tolerance
                ),
                ["/a: got 2, want 1", "/z: missing, want 0"]
            );
            // Arrays keep their length.
            assert_eq!(
                compare(&json!([1, 2]), &json!([1]), fidelity, &no_tolerance),
                [": got [1,2], want [1]"]
            );
        }
    }

    #[test]
    fn a_tolerance_decides_the_keys_it_knows() {
        let near = |_: &str, k: &str, a: &Value, b: &Value| {
            (k == "t").then(|| {
                let d = a.as_i64().unwrap_or(0) - b.as_i64().unwrap_or(0);
                if d.abs() <= 2 {
                    Ok(())
                } else {
                    Err(format!("t off by {d}"))
                }
            })
        };
        assert!(compare(&json!({"t": 11}), &json!({"t": 10}), Fidelity::Exact, &near).is_empty());
        assert_eq!(
            compare(
                &json!({"t": 13, "u": 1}),
                &json!({"t": 10, "u": 2}),
                Fidelity::Exact,
                &near
            ),
            ["t off by 3", "/u: got 1, want 2"]
        );
    }

    #[test]
    fn transcripts_read_with_defaults() {
        let t = Transcript::parse(
            r#"{"source": "s", "exchanges": [{"request": {"method": "GET", "target": "/x",
                "headers": [["Accept", "application/json"]]},
                "response": {"status": 200, "body": {}}, "responses": "abbreviated"}]}"#,
        );
        assert_eq!(t.responses, Fidelity::Exact);
        assert_eq!(t.fidelity(&t.exchanges[0]), Fidelity::Abbreviated);
        assert_eq!(
            t.exchanges[0].request.header("accept"),
            Some("application/json")
        );
        let mut report = Report::default();
        report.check(
            0,
            &t.exchanges[0],
            Fidelity::Exact,
            200,
            &json!({}),
            &no_tolerance,
        );
        report.assert_clean();
        report.check(
            0,
            &t.exchanges[0],
            Fidelity::Exact,
            404,
            &json!({}),
            &no_tolerance,
        );
        assert!(std::panic::catch_unwind(|| report.assert_clean()).is_err());
    }
}
