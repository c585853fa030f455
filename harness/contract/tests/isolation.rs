//! Test isolation: two in-process demo instances side by side share nothing — not the
//! notes, the id counter, the clock, the fault rules, the journal or the lifecycle mode.
//! This is what lets the contract runner give every scenario its own instance and run
//! them concurrently.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_demo::{DemoHandle, DemoSim};
use time::macros::datetime;

async fn start() -> DemoHandle {
    let config = CoreConfig {
        clock: Clock::manual(datetime!(2025-07-21 20:49:08 UTC)),
        ..CoreConfig::default()
    };
    DemoSim::start_with(
        config,
        sim_demo::fixtures::default_state(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap()
}

/// A small client for one instance; every call is bounded by a time-out.
struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    fn new(sim: &DemoHandle) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            base: sim.base_url().to_owned(),
            token: sim.token(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }
}

#[tokio::test]
async fn two_instances_side_by_side_share_nothing() {
    let (sim_a, sim_b) = (start().await, start().await);
    assert_ne!(sim_a.base_url(), sim_b.base_url());
    let (a, b) = (Client::new(&sim_a), Client::new(&sim_b));

    // Notes and id counters.
    let (status, note) = a.post("/api/notes", json!({"text": "only in a"})).await;
    assert_eq!(
        (status, note["id"].clone()),
        (StatusCode::CREATED, json!(2))
    );
    assert_eq!(b.get("/api/notes").await.1["total"], 1);
    assert_eq!(b.get("/api/notes/2").await.0, StatusCode::NOT_FOUND);
    let (_, note) = b.post("/api/notes", json!({"text": "only in b"})).await;
    assert_eq!(note["id"], 2, "b counts its own ids");
    assert_eq!(a.get("/api/notes/2").await.1["text"], "only in a");

    // Clocks.
    let (_, clock) = a.post("/__sim/clock/advance", json!({"seconds": 60})).await;
    assert_eq!(clock["now"], "2025-07-21T20:50:08Z");
    assert_eq!(a.get("/api/time").await.1["now"], "2025-07-21T20:50:08Z");
    assert_eq!(b.get("/api/time").await.1["now"], "2025-07-21T20:49:08Z");

    // Fault rules.
    let (status, _) = a
        .post("/__sim/faults", json!({"path": "/api/time", "status": 503}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(a.get("/api/time").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(b.get("/api/time").await.0, StatusCode::OK);
    assert_eq!(b.get("/__sim/faults").await.1, json!({"faults": []}));

    // Lifecycle modes.
    let (status, _) = a.put("/__sim/lifecycle", json!({"mode": "explicit"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        a.post("/api/notes", json!({"text": "draft"})).await.1["status"],
        "draft"
    );
    assert_eq!(
        b.post("/api/notes", json!({"text": "pub"})).await.1["status"],
        "published"
    );

    // Journals: each holds its own requests only.
    let paths = |journal: &Value| -> Vec<String> {
        journal["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap(),
                    r["status"]
                )
            })
            .collect()
    };
    assert_eq!(
        paths(&a.get("/__sim/requests").await.1),
        [
            "POST /api/notes 201",
            "GET /api/notes/2 200",
            "GET /api/time 200",
            "GET /api/time 503",
            "POST /api/notes 201",
        ]
    );
    assert_eq!(
        paths(&b.get("/__sim/requests").await.1),
        [
            "GET /api/notes 200",
            "GET /api/notes/2 404",
            "POST /api/notes 201",
            "GET /api/time 200",
            "GET /api/time 200",
            "POST /api/notes 201",
        ]
    );

    // Resetting one leaves the other alone.
    let (status, _) = a.call(reqwest::Method::POST, "/__sim/reset", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(a.get("/api/notes").await.1["total"], 1);
    assert_eq!(b.get("/api/notes").await.1["total"], 3);

    sim_a.shutdown().await.unwrap();
    sim_b.shutdown().await.unwrap();
}
