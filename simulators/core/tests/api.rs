//! sim-core over HTTP: the middleware and the admin API, through a minimal counter
//! simulator defined here (no platform involved).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sim_core::lifecycle::Progression;
use sim_core::{App, Clock, CoreConfig, Outbound, SimCore, SimHandle, Simulator};
use time::OffsetDateTime;

/// A counter: `POST /count` adds one, `GET /count` reads it. `tick` counts its calls.
#[derive(Default)]
struct Counter {
    n: Mutex<u64>,
    ticks: AtomicU64,
}

impl Simulator for Counter {
    fn platform(&self) -> &str {
        "counter"
    }
    fn version(&self) -> String {
        "1.0".into()
    }
    fn credentials(&self) -> Value {
        json!({"api_key": "k"})
    }
    fn export_state(&self) -> Value {
        json!({"n": *self.n.lock().unwrap()})
    }
    fn import_state(&self, state: Value) -> Result<(), String> {
        let n = state
            .get("n")
            .and_then(Value::as_u64)
            .ok_or("n must be a number")?;
        *self.n.lock().unwrap() = n;
        Ok(())
    }
    fn reset(&self) {
        *self.n.lock().unwrap() = 0;
    }
    fn tick(&self, _now: OffsetDateTime) {
        self.ticks.fetch_add(1, Ordering::SeqCst);
    }
}

struct TestApp {
    handle: SimHandle,
    core: SimCore,
    counter: Arc<Counter>,
    http: reqwest::Client,
}

const T0: i64 = 1_753_130_948; // 2025-07-21T20:49:08Z

/// A handler with a bug: it panics. Test-only; no production route does this.
async fn boom() -> String {
    panic!("boom: a bug in a handler")
}

async fn spawn_app_with(config: CoreConfig) -> TestApp {
    spawn_app_hooked(config, |app| app).await
}

/// An app whose `App` is finished by `finish` (to add hooks) before it is spawned.
async fn spawn_app_hooked(config: CoreConfig, finish: impl FnOnce(App) -> App) -> TestApp {
    let counter = Arc::new(Counter::default());
    let core = SimCore::new(config);
    let hooks = core.webhooks.clone();
    let platform = Router::new()
        .route("/boom", get(boom))
        // Sends a webhook to the URL in the body; answers its delivery id.
        .route(
            "/notify",
            post(move |url: String| {
                let hooks = hooks.clone();
                async move {
                    hooks
                        .send(Outbound {
                            event: "counted".into(),
                            url,
                            headers: Vec::new(),
                            body: b"{}".to_vec(),
                            expect_json: None,
                        })
                        .to_string()
                }
            }),
        )
        .route(
            "/count",
            get(|State(c): State<Arc<Counter>>| async move { c.n.lock().unwrap().to_string() })
                .post(|State(c): State<Arc<Counter>>, body: String| async move {
                    let mut n = c.n.lock().unwrap();
                    *n += 1;
                    format!("{n} {body}")
                }),
        )
        .with_state(counter.clone());
    let admin = Router::new().route("/boom", post(boom));
    let app = App::new(core.clone(), counter.clone(), platform).admin_routes(admin);
    let handle = finish(app)
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    TestApp {
        handle,
        core,
        counter,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    }
}

async fn spawn_app() -> TestApp {
    spawn_app_with(CoreConfig {
        clock: Clock::manual_unix(T0),
        ..Default::default()
    })
    .await
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url())
    }
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
    async fn post(&self, path: &str, body: &str) -> (StatusCode, String) {
        let r = self
            .http
            .post(self.url(path))
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

use reqwest::Method;

#[tokio::test]
async fn info_names_platform_version_url_and_credentials() {
    let app = spawn_app().await;
    let (status, info) = app.admin(Method::GET, "/__sim/info", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        info,
        json!({"platform": "counter", "version": "1.0", "base_url": app.handle.base_url(), "credentials": {"api_key": "k"}})
    );
}

#[tokio::test]
async fn a_fault_answers_the_next_matching_requests_then_the_simulator_does() {
    let app = spawn_app().await;
    let (status, rule) = app
        .admin(
            Method::POST,
            "/__sim/faults",
            Some(json!({"method": "POST", "path": "/count", "status": 503,
                        "headers": {"Retry-After": "7"}, "body": {"message": "busy"}, "times": 2})),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(rule["remaining"], 2);

    // Another method is not matched.
    assert_eq!(app.get("/count").await, (StatusCode::OK, "0".into()));
    for _ in 0..2 {
        let r = app.http.post(app.url("/count")).send().await.unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "7");
        assert_eq!(r.headers()["content-type"], "application/json");
        assert_eq!(r.text().await.unwrap(), r#"{"message":"busy"}"#);
    }
    // The faulted requests never reached the simulator.
    assert_eq!(*app.counter.n.lock().unwrap(), 0);
    assert_eq!(
        app.post("/count", "x").await,
        (StatusCode::OK, "1 x".into())
    );
    let (_, faults) = app.admin(Method::GET, "/__sim/faults", None).await;
    assert_eq!(faults, json!({"faults": []}));
}

#[tokio::test]
async fn a_delay_fault_still_lets_the_simulator_answer() {
    let app = spawn_app().await;
    app.admin(
        Method::POST,
        "/__sim/faults",
        Some(json!({"path": "/c*", "delay_ms": 20, "times": 1})),
    )
    .await;
    assert_eq!(
        app.post("/count", "slow").await,
        (StatusCode::OK, "1 slow".into())
    );
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j["requests"][0]["fault"], 1);
    assert_eq!(j["requests"][0]["status"], 200);
}

#[tokio::test]
async fn a_drop_fault_closes_the_connection_and_is_journaled_without_status() {
    let app = spawn_app().await;
    app.admin(
        Method::POST,
        "/__sim/faults",
        Some(json!({"path": "/count", "drop": true, "times": 1})),
    )
    .await;
    let err = app.http.get(app.url("/count")).send().await.unwrap_err();
    assert!(!err.is_timeout(), "{err:?}");
    // The next request is served normally on a new connection.
    assert_eq!(app.get("/count").await, (StatusCode::OK, "0".into()));
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j["requests"][0]["status"], Value::Null);
    assert_eq!(j["requests"][1]["status"], 200);
}

#[tokio::test]
async fn bad_fault_rules_get_a_json_400_saying_why() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"path": "/count"}),
            "a fault needs at least one of status, delay_ms or drop",
        ),
        (
            json!({"path": "/count", "status": 700}),
            "status must be between 200 and 599 (a 1xx is not a final answer), got 700",
        ),
        (
            json!({"path": "/count", "status": 500, "drop": true}),
            "drop cannot be combined with status, headers or body",
        ),
    ];
    for (input, message) in cases {
        let (status, body) = app.admin(Method::POST, "/__sim/faults", Some(input)).await;
        assert_eq!(status, 400);
        assert_eq!(body, json!({"error": message}));
    }
    let r = app
        .http
        .post(app.url("/__sim/faults"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("Failed to parse the request body as JSON"),
        "{body}"
    );
    let (status, body) = app
        .admin(
            Method::POST,
            "/__sim/faults",
            Some(json!({"path": "/x", "status": 500, "colour": "red"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{body}"
    );
    let (status, body) = app.admin(Method::DELETE, "/__sim/faults/99", None).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "no fault rule 99"}))
    );
}

#[tokio::test]
async fn the_journal_lists_platform_requests_only_and_filters() {
    let app = spawn_app().await;
    app.post("/count?a=1&b[]=2", "hello").await;
    app.get("/count").await;
    app.get("/nowhere").await;
    app.admin(Method::GET, "/__sim/info", None).await;
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j["count"], 3);
    let first = &j["requests"][0];
    assert_eq!(first["seq"], 1);
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/count");
    assert_eq!(first["query"], "a=1&b[]=2");
    assert_eq!(first["body"], "hello");
    assert_eq!(first["status"], 200);
    assert_eq!(first["time"], "2025-07-21T20:49:08Z");
    assert_eq!(first["headers"]["content-length"], "5");
    assert_eq!(j["requests"][2]["status"], 404);

    let (_, j) = app
        .admin(Method::GET, "/__sim/requests?method=get&path=/c*", None)
        .await;
    assert_eq!(j["count"], 1);
    let (status, j) = app
        .admin(Method::GET, "/__sim/requests?path=/[", None)
        .await;
    assert_eq!(status, 400);
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid path pattern")
    );

    let (_, cleared) = app.admin(Method::DELETE, "/__sim/requests", None).await;
    assert_eq!(cleared, json!({"cleared": 3}));
    assert!(app.core.journal.is_empty());
}

#[tokio::test]
async fn a_journal_of_size_zero_records_nothing() {
    let app = spawn_app_with(CoreConfig {
        journal_capacity: 0,
        ..Default::default()
    })
    .await;
    app.get("/count").await;
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j, json!({"enabled": false, "count": 0, "requests": []}));
}

#[tokio::test]
async fn the_clock_is_read_set_and_advanced() {
    let app = spawn_app().await;
    let (_, c) = app.admin(Method::GET, "/__sim/clock", None).await;
    assert_eq!(
        c,
        json!({"now": "2025-07-21T20:49:08Z", "unix": T0, "mode": "manual"})
    );
    let (_, c) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": 3600})),
        )
        .await;
    assert_eq!(c["now"], "2025-07-21T21:49:08Z");
    assert_eq!(app.core.clock.unix(), T0 + 3600);
    let (_, c) = app
        .admin(
            Method::PUT,
            "/__sim/clock",
            Some(json!({"now": "2030-01-02T03:04:05Z"})),
        )
        .await;
    assert_eq!(c["unix"], 1_893_553_445);
    let (status, e) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": -1})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        e["error"].as_str().unwrap().contains("invalid value"),
        "{e}"
    );
    let (status, e) = app
        .admin(Method::POST, "/__sim/clock/advance", Some(json!({})))
        .await;
    assert_eq!(
        (status, e),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "give exactly one of seconds or ms"})
        )
    );
}

#[tokio::test]
async fn timed_mode_ticks_before_requests_and_after_clock_moves() {
    let app = spawn_app().await;
    app.get("/count").await;
    assert_eq!(
        app.counter.ticks.load(Ordering::SeqCst),
        0,
        "no ticks outside timed mode"
    );
    let (_, m) = app
        .admin(
            Method::PUT,
            "/__sim/lifecycle",
            Some(json!({"mode": "timed", "step_seconds": 30})),
        )
        .await;
    assert_eq!(m, json!({"mode": "timed", "step_seconds": 30}));
    app.get("/count").await;
    assert_eq!(app.counter.ticks.load(Ordering::SeqCst), 1);
    app.admin(Method::POST, "/__sim/clock/advance", Some(json!({"ms": 1})))
        .await;
    assert_eq!(app.counter.ticks.load(Ordering::SeqCst), 2);
    let (status, e) = app
        .admin(
            Method::PUT,
            "/__sim/lifecycle",
            Some(json!({"mode": "later"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("unknown variant `later`"),
        "{e}"
    );
}

#[tokio::test]
async fn reset_restores_fixture_clock_and_clears_journal_and_faults() {
    let app = spawn_app().await;
    app.post("/count", "").await;
    app.admin(
        Method::POST,
        "/__sim/faults",
        Some(json!({"path": "/x", "status": 500})),
    )
    .await;
    app.admin(
        Method::POST,
        "/__sim/clock/advance",
        Some(json!({"seconds": 10})),
    )
    .await;
    app.admin(
        Method::PUT,
        "/__sim/lifecycle",
        Some(json!({"mode": "explicit"})),
    )
    .await;
    let (status, _) = app.admin(Method::POST, "/__sim/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(*app.counter.n.lock().unwrap(), 0);
    assert_eq!(app.core.clock.unix(), T0);
    assert!(app.core.journal.is_empty());
    assert!(app.core.faults.list().is_empty());
    assert_eq!(app.core.lifecycle.mode(), Progression::Immediate);
}

#[tokio::test]
async fn state_exports_and_imports_and_a_bad_import_changes_nothing() {
    let app = spawn_app().await;
    app.post("/count", "").await;
    let (_, state) = app.admin(Method::GET, "/__sim/state", None).await;
    assert_eq!(state, json!({"n": 1}));
    let (status, _) = app
        .admin(Method::PUT, "/__sim/state", Some(json!({"n": 41})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.get("/count").await.1, "41");
    let (status, e) = app
        .admin(Method::PUT, "/__sim/state", Some(json!({"n": "x"})))
        .await;
    assert_eq!(
        (status, e),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "state not imported: n must be a number"})
        )
    );
    assert_eq!(app.get("/count").await.1, "41");
}

#[tokio::test]
async fn unknown_routes_methods_and_big_bodies_get_json_errors_by_default() {
    let app = spawn_app_with(CoreConfig {
        body_limit: 8,
        ..Default::default()
    })
    .await;
    let (status, body) = app.get("/nope").await;
    assert_eq!(status, 404);
    assert_eq!(body, r#"{"error":"no route for GET /nope"}"#);
    let r = app.http.delete(app.url("/count")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(
        r.text().await.unwrap(),
        r#"{"error":"method DELETE not allowed on /count"}"#
    );
    let (status, body) = app.post("/count", "123456789").await;
    assert_eq!(status, 413);
    assert_eq!(body, r#"{"error":"request body larger than 8 bytes"}"#);
    // A body within the limit still works, and the 413 was journaled.
    assert_eq!(app.post("/count", "12345678").await.0, 200);
    let (_, j) = app
        .admin(Method::GET, "/__sim/requests?method=POST", None)
        .await;
    assert_eq!(j["requests"][0]["status"], 413);
    // The admin API has its own JSON 404 and 405.
    let (status, e) = app.admin(Method::GET, "/__sim/nothing", None).await;
    assert_eq!(
        (status, e),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "no admin route GET /__sim/nothing"})
        )
    );
    let (status, e) = app.admin(Method::DELETE, "/__sim/info", None).await;
    assert_eq!(
        (status, e),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "method DELETE not allowed on /__sim/info"})
        )
    );
}

#[tokio::test]
async fn platform_hooks_render_the_platforms_own_errors() {
    let counter = Arc::new(Counter::default());
    let platform = Router::new().route("/only-post", post(|| async { "ok" }));
    let core = SimCore::new(CoreConfig {
        body_limit: 1,
        ..Default::default()
    });
    let handle = App::new(core, counter, platform)
        .not_found(|p| {
            (
                axum::http::StatusCode::NOT_FOUND,
                format!("nf {}", p.uri.path()),
            )
                .into_response()
        })
        .method_not_allowed(|p| {
            (
                axum::http::StatusCode::NOT_FOUND,
                format!("nm {}", p.method),
            )
                .into_response()
        })
        .payload_too_large(|_, n| {
            (axum::http::StatusCode::BAD_REQUEST, format!("big {n}")).into_response()
        })
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let base = handle.base_url();
    let r = http.get(format!("{base}/x")).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.text().await.unwrap()),
        (404, "nf /x".into())
    );
    let r = http.get(format!("{base}/only-post")).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), r.text().await.unwrap()),
        (404, "nm GET".into())
    );
    let r = http
        .post(format!("{base}/only-post"))
        .body("ab")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (r.status().as_u16(), r.text().await.unwrap()),
        (400, "big 1".into())
    );
}

use axum::response::IntoResponse;

#[tokio::test]
async fn two_instances_side_by_side_share_nothing() {
    let a = spawn_app().await;
    let b = spawn_app().await;
    assert_ne!(a.handle.base_url(), b.handle.base_url());
    a.post("/count", "").await;
    a.admin(
        Method::POST,
        "/__sim/faults",
        Some(json!({"path": "/count", "status": 500})),
    )
    .await;
    a.admin(
        Method::POST,
        "/__sim/clock/advance",
        Some(json!({"seconds": 5})),
    )
    .await;
    assert_eq!(b.get("/count").await, (StatusCode::OK, "0".into()));
    assert_eq!(b.core.clock.unix(), T0);
    let (_, j) = b.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j["count"], 1, "b saw only its own request");
    assert_eq!(a.get("/count").await.0, 500);
}

// ---- hardening: nothing a client or an admin request sends can break a simulator ----

#[tokio::test]
async fn a_panicking_handler_answers_500_and_everything_goes_on() {
    let app = spawn_app().await;
    app.post("/count", "").await;
    let (status, body) = app.get("/boom").await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        r#"{"error":"internal error while handling GET /boom"}"#
    );
    // Same connection pool, same process: the next requests are served, state intact.
    assert_eq!(app.get("/count").await, (StatusCode::OK, "1".into()));
    let (status, body) = app.get("/boom").await;
    assert_eq!((status.as_u16(), body.is_empty()), (500, false));
    assert_eq!(
        app.post("/count", "y").await,
        (StatusCode::OK, "2 y".into())
    );
    // The panic is journaled as the 500 the client got.
    let (_, j) = app
        .admin(Method::GET, "/__sim/requests?path=/boom", None)
        .await;
    assert_eq!(j["count"], 2);
    assert_eq!(j["requests"][0]["status"], 500);
    assert_eq!(j["requests"][0]["method"], "GET");
}

#[tokio::test]
async fn a_panic_gets_the_platforms_own_500_from_the_hook() {
    let app = spawn_app_hooked(
        CoreConfig {
            clock: Clock::manual_unix(T0),
            ..Default::default()
        },
        |app| {
            app.internal_error(|method, uri| {
                (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    format!("platform 500 for {method} {}", uri),
                )
                    .into_response()
            })
        },
    )
    .await;
    let (status, body) = app.get("/boom?x=1").await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "platform 500 for GET /boom?x=1"
        )
    );
    assert_eq!(app.get("/count").await, (StatusCode::OK, "0".into()));
}

#[tokio::test]
async fn a_panicking_admin_route_answers_a_json_500() {
    let app = spawn_app().await;
    let (status, body) = app.admin(Method::POST, "/__sim/boom", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "internal error: boom: a bug in a handler"})
        )
    );
    let (status, _) = app.admin(Method::GET, "/__sim/info", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_huge_advance_is_refused_and_the_clock_keeps_working() {
    let app = spawn_app().await;
    for body in [
        json!({"seconds": 9_223_372_036_854_775_807_u64}),
        json!({"seconds": u64::MAX}),
        json!({"ms": u64::MAX}),
        json!({"seconds": 400_000_u64 * 365 * 86_400}),
    ] {
        let (status, e) = app
            .admin(Method::POST, "/__sim/clock/advance", Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body}");
        let msg = e["error"].as_str().unwrap();
        assert!(
            msg.starts_with("the clock cannot advance by")
                && msg.contains("2025-07-21T20:49:08Z")
                && msg.contains("9999-12-31T23:59:59Z"),
            "{msg}"
        );
    }
    assert_eq!(app.core.clock.unix(), T0);
    // Every route still answers: no panic, no broken clock.
    assert_eq!(app.get("/count").await, (StatusCode::OK, "0".into()));
    let (_, c) = app.admin(Method::GET, "/__sim/clock", None).await;
    assert_eq!(c["unix"], T0);
    let (status, c) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": 1})),
        )
        .await;
    assert_eq!((status.as_u16(), &c["unix"]), (200, &json!(T0 + 1)));
}

#[tokio::test]
async fn out_of_range_and_malformed_clock_moves_get_a_400_and_change_nothing() {
    let app = spawn_app().await;
    let cases = [
        ("/__sim/clock/advance", json!({"seconds": -1})),
        ("/__sim/clock/advance", json!({"ms": -5})),
        ("/__sim/clock/advance", json!({"seconds": 1e30})),
        (
            "/__sim/clock/advance",
            json!({"ms": 18_446_744_073_709_551_616_f64}),
        ),
        ("/__sim/clock/advance", json!({"seconds": 1, "ms": 1})),
        ("/__sim/clock", json!({"unix": i64::MAX})),
        ("/__sim/clock", json!({"unix": i64::MIN})),
        ("/__sim/clock", json!({"unix": 253_402_300_800_i64})), // 10000-01-01
        ("/__sim/clock", json!({"now": "9999-12-31T23:30:00-01:00"})),
        ("/__sim/clock", json!({"now": "10000-01-01T00:00:00Z"})),
        ("/__sim/clock", json!({"now": "yesterday"})),
    ];
    for (path, body) in cases {
        let method = if path == "/__sim/clock" {
            Method::PUT
        } else {
            Method::POST
        };
        let (status, e) = app.admin(method, path, Some(body.clone())).await;
        assert_eq!(status, 400, "{path} {body}: {e}");
        assert!(e["error"].is_string(), "{path} {body}: {e}");
        assert_eq!(app.core.clock.unix(), T0, "{path} {body}");
    }
    let (_, e) = app
        .admin(
            Method::PUT,
            "/__sim/clock",
            Some(json!({"unix": 253_402_300_800_i64})),
        )
        .await;
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .starts_with("unix time out of range"),
        "{e}"
    );
}

#[tokio::test]
async fn a_clock_set_near_year_9999_refuses_to_advance_past_it() {
    let app = spawn_app().await;
    let (status, c) = app
        .admin(
            Method::PUT,
            "/__sim/clock",
            Some(json!({"now": "9999-12-31T23:59:00Z"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(c["now"], "9999-12-31T23:59:00Z");
    let (status, _) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": 59})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, e) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": 1})),
        )
        .await;
    assert_eq!(status, 400, "{e}");
    let (_, c) = app.admin(Method::GET, "/__sim/clock", None).await;
    assert_eq!(c["now"], "9999-12-31T23:59:59Z");
    // Requests are journaled at that instant, and reset brings the clock back.
    assert_eq!(app.get("/count").await.0, 200);
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    assert_eq!(j["requests"][0]["time"], "9999-12-31T23:59:59Z");
    app.admin(Method::POST, "/__sim/reset", None).await;
    assert_eq!(app.core.clock.unix(), T0);
}

#[tokio::test]
async fn a_system_clock_refuses_a_huge_advance_and_keeps_following_wall_time() {
    let app = spawn_app_with(CoreConfig::default()).await;
    let before = app.core.clock.unix();
    let (status, _) = app
        .admin(
            Method::POST,
            "/__sim/clock/advance",
            Some(json!({"seconds": 9_223_372_036_854_775_807_u64})),
        )
        .await;
    assert_eq!(status, 400);
    let (status, c) = app.admin(Method::GET, "/__sim/clock", None).await;
    assert_eq!(status, 200);
    assert_eq!(c["mode"], "system");
    let now = c["unix"].as_i64().unwrap();
    assert!(now >= before && now < before + 3600, "{c}");
    assert_eq!(app.get("/count").await.0, 200);
}

#[tokio::test]
async fn fault_rules_no_client_could_read_are_refused_by_name() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"path": "/count", "method": "GE T", "status": 500}),
            r#"method "GE T" can never match: give an HTTP method such as "GET" or "POST", "*" for any, or leave it out"#,
        ),
        (
            json!({"path": "/count", "method": "", "status": 500}),
            r#"method "" can never match: give an HTTP method such as "GET" or "POST", "*" for any, or leave it out"#,
        ),
        (
            json!({"path": "/count", "status": 101}),
            "status must be between 200 and 599 (a 1xx is not a final answer), got 101",
        ),
        (
            json!({"path": "/count", "status": 100}),
            "status must be between 200 and 599 (a 1xx is not a final answer), got 100",
        ),
        (
            json!({"path": "/count", "status": 503, "headers": {"Connection": "close"}}),
            r#"header "Connection" cannot be set by a fault: the server sets it (connection management and framing)"#,
        ),
        (
            json!({"path": "/count", "status": 503, "headers": {"Transfer-Encoding": "chunked"}}),
            r#"header "Transfer-Encoding" cannot be set by a fault: the server sets it (connection management and framing)"#,
        ),
        (
            json!({"path": "/count", "status": 200, "headers": {"Content-Length": "99"}}),
            r#"header "Content-Length" cannot be set by a fault: the server sets it (connection management and framing)"#,
        ),
        (
            json!({"path": "/count", "status": 200, "headers": {"Upgrade": "websocket"}}),
            r#"header "Upgrade" cannot be set by a fault: the server sets it (connection management and framing)"#,
        ),
        (
            json!({"path": "/count", "status": 500, "headers": {"bad name": "x"}}),
            r#"invalid header name "bad name""#,
        ),
        (
            json!({"path": "/count", "status": 500, "headers": {"X-A": "1\r\nX-B: 2"}}),
            r#"invalid value for header "X-A": control characters and line breaks are not allowed"#,
        ),
        (
            json!({"path": "/count", "status": 204, "body": {"message": "x"}}),
            "a 204 answer has no body",
        ),
        (
            json!({"path": "/count", "status": 304, "body": "x"}),
            "a 304 answer has no body",
        ),
        (
            json!({"path": "/count", "drop": true, "headers": {"X-A": "1"}}),
            "drop cannot be combined with status, headers or body",
        ),
        (
            json!({"path": "/count/{a", "status": 500}),
            r#"invalid path pattern "/count/{a": unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)"#,
        ),
    ];
    for (input, message) in cases {
        let (status, body) = app
            .admin(Method::POST, "/__sim/faults", Some(input.clone()))
            .await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, json!({"error": message})),
            "{input}"
        );
    }
    let (_, faults) = app.admin(Method::GET, "/__sim/faults", None).await;
    assert_eq!(faults, json!({"faults": []}));
    // A 204 without a body, and any method by "*", are readable answers.
    let (status, _) = app
        .admin(
            Method::POST,
            "/__sim/faults",
            Some(json!({"path": "/count", "method": "*", "status": 204, "times": 1})),
        )
        .await;
    assert_eq!(status, 201);
    let r = app.http.delete(app.url("/count")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.text().await.unwrap(), "");
}

#[tokio::test]
async fn the_journal_caps_headers_and_query_and_says_so() {
    let app = spawn_app().await;
    let big = "h".repeat(200 * 1024);
    let query = format!("q={}", "a".repeat(20 * 1024));
    let r = app
        .http
        .get(app.url(&format!("/count?{query}")))
        .header("x-big", &big)
        .header("x-small", "ok")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.get("/count?short=1").await;
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    let cut = &j["requests"][0];
    assert_eq!(cut["headers_truncated"], true);
    assert_eq!(cut["query_truncated"], true);
    assert_eq!(cut["headers"]["x-big"].as_str().unwrap().len(), 8 * 1024);
    assert_eq!(cut["headers"]["x-small"], "ok");
    assert_eq!(cut["query"].as_str().unwrap().len(), 8 * 1024);
    assert!(cut["query"].as_str().unwrap().starts_with("q=aaa"));
    let whole = &j["requests"][1];
    assert_eq!(whole["headers_truncated"], false);
    assert_eq!(whole["query_truncated"], false);
    assert_eq!(whole["query"], "short=1");
    // The 200 KB header cost at most its cap.
    assert!(
        app.core.journal.bytes() < 20 * 1024,
        "{}",
        app.core.journal.bytes()
    );
}

#[tokio::test]
async fn the_journal_byte_budget_evicts_the_oldest_entries() {
    let app = spawn_app_with(CoreConfig {
        clock: Clock::manual_unix(T0),
        journal_bytes: 3 * 1024,
        ..Default::default()
    })
    .await;
    for i in 0..5 {
        let (status, _) = app.post("/count", &format!("{i}{}", "b".repeat(999))).await;
        assert_eq!(status, 200);
    }
    let (_, j) = app.admin(Method::GET, "/__sim/requests", None).await;
    let seqs: Vec<_> = j["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    // Each entry is over 1 KB: two fit in 3 KiB, the newest last.
    assert_eq!(seqs, [4, 5]);
    assert!(app.core.journal.bytes() <= 3 * 1024);
    let (_, cleared) = app.admin(Method::DELETE, "/__sim/requests", None).await;
    assert_eq!(cleared, json!({"cleared": 2}));
    assert_eq!(app.core.journal.bytes(), 0);
}

/// A receiver answering 503 to its first `fail_first` requests, then 200; counts hits.
async fn webhook_receiver(fail_first: u64) -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let h = hits.clone();
    let app = Router::new().route(
        "/hook",
        post(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) < fail_first {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

#[tokio::test]
async fn webhook_retries_happen_when_the_manual_clock_is_advanced() {
    let app = spawn_app().await;
    let (url, hits) = webhook_receiver(1).await;
    assert_eq!(
        app.post("/notify", &url).await,
        (StatusCode::OK, "1".into())
    );
    let (status, log) = app
        .admin(Method::GET, "/__sim/webhooks?wait_ms=10000", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(log["settled"], true);
    let d = &log["deliveries"][0];
    assert_eq!(d["state"], "pending");
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(d["attempts"][0]["status"], 503);
    // Default policy: the first retry 1 s after the first attempt, by the clock.
    assert_eq!(d["next_attempt_at"], "2025-07-21T20:49:09Z");
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    app.admin(
        Method::POST,
        "/__sim/clock/advance",
        Some(json!({"seconds": 1})),
    )
    .await;
    let (_, log) = app
        .admin(Method::GET, "/__sim/webhooks?wait_ms=10000", None)
        .await;
    assert_eq!(log["settled"], true);
    let d = &log["deliveries"][0];
    assert_eq!(d["state"], "delivered");
    assert_eq!(d["attempts"][1]["at"], "2025-07-21T20:49:09Z");
    assert_eq!(d["attempts"][1]["status"], 200);
    assert_eq!(d["next_attempt_at"], Value::Null);
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    let (status, e) = app
        .admin(Method::GET, "/__sim/webhooks?wait_ms=60001", None)
        .await;
    assert_eq!(
        (status, e),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "wait_ms must be at most 60000, got 60001"})
        )
    );
}
