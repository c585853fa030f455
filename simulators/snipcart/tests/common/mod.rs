//! Helpers of the HTTP tests: calls with a key, admin calls, and a loopback receiver
//! for webhooks.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use axum::response::IntoResponse;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sim_snipcart::{SnipcartHandle, SnipcartSim};

pub async fn sim() -> SnipcartHandle {
    SnipcartSim::start().await.expect("simulator starts")
}

pub fn client() -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap()
}

/// A platform call with `key`.
pub async fn call(
    sim: &SnipcartHandle,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client()
        .request(method, format!("{}{path}", sim.base_url()))
        .header("Accept", "application/json")
        .basic_auth(key, Some(""));
    if let Some(body) = body {
        req = req.json(&body);
    }
    read(req.send().await.unwrap()).await
}

async fn read(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// GET with the Test key.
pub async fn get(sim: &SnipcartHandle, path: &str) -> Value {
    let (status, body) = call(sim, Method::GET, path, &sim.test_key(), None).await;
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

/// Each `query` of `GET /api/orders` finds `totalItems` orders.
pub async fn order_counts(sim: &SnipcartHandle, cases: &[(&str, u64)]) {
    for (query, want) in cases {
        let page = get(sim, &format!("/api/orders{query}")).await;
        assert_eq!(page["totalItems"], *want, "{query}: {page}");
    }
}

/// A GET with the Test key that must be refused with `400`.
pub async fn refused(sim: &SnipcartHandle, path: &str) {
    let (status, body) = call(sim, Method::GET, path, &sim.test_key(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "GET {path}: {body}");
}

/// An admin call.
pub async fn admin(
    sim: &SnipcartHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client().request(method, format!("{}/__sim{path}", sim.base_url()));
    if let Some(body) = body {
        req = req.json(&body);
    }
    read(req.send().await.unwrap()).await
}

/// `POST /__sim/checkout`.
pub async fn checkout(sim: &SnipcartHandle, body: Value) -> (StatusCode, Value) {
    admin(sim, Method::POST, "/checkout", Some(body)).await
}

/// A checkout body for `items` by `email`.
pub fn cart(email: &str, items: Value) -> Value {
    json!({
        "email": email,
        "billingAddress": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Montréal",
                           "country": "CA", "province": "QC", "postalCode": "H2X 1Y4"},
        "items": items,
    })
}

/// Changes some settings.
pub async fn set(sim: &SnipcartHandle, changes: Value) {
    let (_, mut settings) = admin(sim, Method::GET, "/settings", None).await;
    for (k, v) in changes.as_object().unwrap() {
        settings[k] = v.clone();
    }
    let (status, body) = admin(sim, Method::PUT, "/settings", Some(settings)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// One request a receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub token: Option<String>,
    pub body: Value,
}

/// A loopback HTTP server that records what it gets and answers, per path, what
/// the test set (default `200 {}`).
#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    answers: Arc<Mutex<HashMap<String, (u16, String)>>>,
}

#[derive(Clone)]
struct Shared {
    hits: Arc<Mutex<Vec<Hit>>>,
    answers: Arc<Mutex<HashMap<String, (u16, String)>>>,
}

async fn record(
    State(s): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    let path = uri.path().to_owned();
    s.hits.lock().unwrap().push(Hit {
        path: path.clone(),
        token: headers
            .get("x-snipcart-requesttoken")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let (status, text) = s
        .answers
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or((200, "{}".to_owned()));
    (
        AxumStatus::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        text,
    )
}

impl Receiver {
    pub async fn start() -> Receiver {
        let shared = Shared {
            hits: Arc::default(),
            answers: Arc::default(),
        };
        let app = Router::new().fallback(record).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            base: format!("http://{addr}"),
            hits: shared.hits,
            answers: shared.answers,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Answers `status` with `body` on `path` from now on.
    pub fn answer(&self, path: &str, status: u16, body: Value) {
        self.answers
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, body.to_string()));
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// The hits whose body's `eventName` is `event`.
    pub fn events(&self, event: &str) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| h.body["eventName"] == event)
            .collect()
    }
}

/// Waits for every webhook delivery of `sim` to finish (bounded).
pub async fn settle(sim: &SnipcartHandle) {
    assert!(
        sim.core()
            .webhooks
            .idle(std::time::Duration::from_secs(10))
            .await,
        "deliveries did not finish"
    );
}
