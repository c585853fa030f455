//! The demo notes service against a model: an id → note map and the next id.
//!
//! Each case starts a fresh instance on `127.0.0.1:0` (manual clock, lifecycle mode
//! drawn per case), runs a random sequence of create / get / delete / publish / list /
//! clock-advance requests, checks every answer against the model, and after every step
//! checks the invariant that `GET /api/notes` lists exactly the model's notes.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sim_core::clock::rfc3339;
use sim_core::{Clock, CoreConfig, Progression};
use sim_demo::DemoSim;
use time::OffsetDateTime;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);
/// Seconds between writing and publishing in timed mode.
const STEP: u64 = 60;

/// One request of a sequence.
#[derive(Debug, Clone)]
enum Op {
    /// `POST /api/notes`.
    Create(String),
    /// `GET /api/notes/{id}`.
    Get(u64),
    /// `DELETE /api/notes/{id}`.
    Delete(u64),
    /// `POST /__sim/notes/{id}/publish`.
    Publish(u64),
    /// `GET /api/notes`.
    List,
    /// `POST /__sim/clock/advance`.
    Advance(u64),
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z ]{1,12}",
        2 => "\\PC{1,8}",
        1 => Just(String::new()),
        1 => Just("x".repeat(1001)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    // Ids 0..8: around the few that exist, so misses are common too.
    prop_oneof![
        4 => text().prop_map(Op::Create),
        2 => (0u64..8).prop_map(Op::Get),
        2 => (0u64..8).prop_map(Op::Delete),
        2 => (0u64..8).prop_map(Op::Publish),
        1 => Just(Op::List),
        2 => (0u64..=90).prop_map(Op::Advance),
    ]
}

fn mode() -> impl Strategy<Value = Progression> {
    prop_oneof![
        Just(Progression::Immediate),
        Just(Progression::Explicit),
        Just(Progression::Timed { step_seconds: STEP }),
    ]
}

/// A note as the model sees it.
#[derive(Debug, Clone)]
struct Note {
    text: String,
    created_at: OffsetDateTime,
    published_at: Option<OffsetDateTime>,
    /// When a timed publication is due.
    due: Option<OffsetDateTime>,
}

/// The reference model: what the service should hold.
#[derive(Debug)]
struct Model {
    mode: Progression,
    now: OffsetDateTime,
    notes: BTreeMap<u64, Note>,
    next_id: u64,
}

impl Model {
    /// The fixture: note 1, published at `T0`; next id 2.
    fn new(mode: Progression) -> Self {
        let welcome = Note {
            text: "welcome to cartsim".into(),
            created_at: T0,
            published_at: Some(T0),
            due: None,
        };
        Self {
            mode,
            now: T0,
            notes: BTreeMap::from([(1, welcome)]),
            next_id: 2,
        }
    }

    fn json(&self, id: u64) -> Value {
        let n = &self.notes[&id];
        json!({
            "id": id,
            "text": n.text,
            "status": if n.published_at.is_some() { "published" } else { "draft" },
            "created_at": rfc3339(n.created_at),
            "published_at": n.published_at.map(rfc3339),
        })
    }

    fn list(&self) -> Value {
        let items: Vec<Value> = self.notes.keys().map(|id| self.json(*id)).collect();
        json!({ "total": items.len(), "items": items })
    }

    /// Timed mode: publishes, at `now`, every draft whose time has come.
    fn tick(&mut self) {
        let now = self.now;
        for n in self.notes.values_mut() {
            if n.due.is_some_and(|d| d <= now) {
                n.due = None;
                n.published_at = Some(now);
            }
        }
    }

    /// Applies `op`; returns the status and body the service should answer.
    fn apply(&mut self, op: &Op) -> (StatusCode, Option<Value>) {
        let not_found =
            |id: u64| json!({"error": "not_found", "message": format!("note {id} not found")});
        match op {
            Op::Create(text) => {
                let len = text.chars().count();
                if len == 0 || len > 1000 {
                    let body = json!({"error": "bad_request", "message": "text must be 1 to 1000 characters"});
                    return (StatusCode::BAD_REQUEST, Some(body));
                }
                let id = self.next_id;
                self.next_id += 1;
                let (published_at, due) = match self.mode {
                    Progression::Immediate => (Some(self.now), None),
                    Progression::Explicit => (None, None),
                    Progression::Timed { step_seconds } => {
                        (None, Some(self.now + Duration::from_secs(step_seconds)))
                    }
                };
                let note = Note {
                    text: text.clone(),
                    created_at: self.now,
                    published_at,
                    due,
                };
                self.notes.insert(id, note);
                (StatusCode::CREATED, Some(self.json(id)))
            }
            Op::Get(id) => match self.notes.contains_key(id) {
                true => (StatusCode::OK, Some(self.json(*id))),
                false => (StatusCode::NOT_FOUND, Some(not_found(*id))),
            },
            Op::Delete(id) => match self.notes.remove(id) {
                Some(_) => (StatusCode::NO_CONTENT, None),
                None => (StatusCode::NOT_FOUND, Some(not_found(*id))),
            },
            Op::Publish(id) => {
                let now = self.now;
                match self.notes.get_mut(id) {
                    None => (
                        StatusCode::NOT_FOUND,
                        Some(json!({"error": format!("note {id} not found")})),
                    ),
                    Some(n) if n.published_at.is_some() => (
                        StatusCode::CONFLICT,
                        Some(json!({"error": format!("note {id} is already published")})),
                    ),
                    Some(n) => {
                        n.published_at = Some(now);
                        n.due = None;
                        (StatusCode::OK, Some(self.json(*id)))
                    }
                }
            }
            Op::List => (StatusCode::OK, Some(self.list())),
            Op::Advance(secs) => {
                self.now += Duration::from_secs(*secs);
                if matches!(self.mode, Progression::Timed { .. }) {
                    self.tick();
                }
                let now = self.now;
                let body =
                    json!({"now": rfc3339(now), "unix": now.unix_timestamp(), "mode": "manual"});
                (StatusCode::OK, Some(body))
            }
        }
    }
}

/// The system under test: one instance and a client bound to it.
struct Sut {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Sut {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Option<Value>), TestCaseError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| TestCaseError::fail(format!("{path}: {e}")))?;
        let body = if text.is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| TestCaseError::fail(format!("{path}: not JSON ({e}): {text}")))?,
            )
        };
        Ok((status, body))
    }

    async fn apply(&self, op: &Op) -> Result<(StatusCode, Option<Value>), TestCaseError> {
        match op {
            Op::Create(text) => {
                self.send(Method::POST, "/api/notes", Some(json!({ "text": text })))
                    .await
            }
            Op::Get(id) => {
                self.send(Method::GET, &format!("/api/notes/{id}"), None)
                    .await
            }
            Op::Delete(id) => {
                self.send(Method::DELETE, &format!("/api/notes/{id}"), None)
                    .await
            }
            Op::Publish(id) => {
                self.send(Method::POST, &format!("/__sim/notes/{id}/publish"), None)
                    .await
            }
            Op::List => self.send(Method::GET, "/api/notes", None).await,
            Op::Advance(secs) => {
                self.send(
                    Method::POST,
                    "/__sim/clock/advance",
                    Some(json!({ "seconds": secs })),
                )
                .await
            }
        }
    }
}

async fn run_case(
    http: &reqwest::Client,
    mode: Progression,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let config = CoreConfig {
        clock: Clock::manual(T0),
        progression: mode,
        ..CoreConfig::default()
    };
    let sim = DemoSim::start_with(
        config,
        sim_demo::fixtures::default_state(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .map_err(|e| TestCaseError::fail(format!("start: {e}")))?;
    let sut = Sut {
        http: http.clone(),
        base: sim.base_url().to_owned(),
        token: sim.token(),
    };
    let mut model = Model::new(mode);
    for (step, op) in ops.iter().enumerate() {
        let want = model.apply(op);
        let got = sut.apply(op).await?;
        prop_assert_eq!(&got, &want, "step {} ({:?})", step, op);
        // The invariant: the service lists exactly the model's notes.
        let (status, list) = sut.send(Method::GET, "/api/notes", None).await?;
        prop_assert_eq!(status, StatusCode::OK);
        prop_assert_eq!(list, Some(model.list()), "after step {} ({:?})", step, op);
    }
    drop(sim);
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

#[test]
fn the_demo_service_behaves_like_its_model() {
    // One runtime for every case; each case still gets its own instance.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let config = Config {
        cases: cases(),
        source_file: Some(file!()),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (mode(), proptest::collection::vec(op(), 1..24));
    let result = runner.run(&strategy, |(mode, ops)| {
        rt.block_on(run_case(&http, mode, &ops))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
