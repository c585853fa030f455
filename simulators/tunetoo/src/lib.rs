//! `sim-tunetoo`: a faithful, stateful, in-memory fake of the Tunetoo print-on-demand
//! API v1 (`https://api.tunetoo.com/v1/`), from `shared/seeds/004_*` and
//! `shared/reference/tunetoo_printxpand.md` §1.
//!
//! - **Auth**: `X-TUNETOO-API-KEY` names the shop; `X-TUNETOO-SIGNATURE` is
//!   base64(HMAC-SHA256(secret, body as received)), `[]` for GET and DELETE.
//! - **Catalogue**: the seed's models, colours and sizes (`GET /v1/products`); stock per
//!   variant is state.
//! - **Orders**: create, list (by `created_at` and `status`), get; the lifecycle
//!   awaiting_payment → in_process → partially_fulfilled → fulfilled, or cancelled,
//!   driven from `/__sim/` (payment and shipping happen on Tunetoo's side) and by the
//!   core progression modes.
//! - **Webhooks**: registrations per shop; `order_change_status`, `order_fulfilled`
//!   (also as the docs' `order_fullfilled`), `stock_updated`, signed like requests.
//!
//! # Quickstart
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sim = sim_tunetoo::TunetooSim::start().await?;
//! let (key, signature) = sim.sign(b"[]");
//! let body = reqwest::Client::new()
//!     .get(format!("{}/v1/orders", sim.base_url()))
//!     .header("X-TUNETOO-API-KEY", key)
//!     .header("X-TUNETOO-SIGNATURE", signature)
//!     .send().await.unwrap()
//!     .text().await.unwrap();
//! assert_eq!(body, "[]");
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! `state.rs` (the whole state and the lifecycle, no HTTP) · `orders.rs` (binding an
//! order) · `catalogue.rs` · `render.rs` (the API's JSON) · `auth.rs` (signatures) ·
//! `http.rs` (route table, handlers, `/__sim/` drivers) · `errors.rs` · `fixtures.rs`.

pub mod auth;
pub mod catalogue;
pub mod errors;
pub mod fixtures;
mod http;
pub mod orders;
pub mod render;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, MutexGuard};

use axum::http::request::Parts;
use axum::http::{Method, Uri};
use axum::response::IntoResponse;
use serde_json::{Value, json};
use sim_core::{App, CoreConfig, Outbound, SimCore, SimHandle, Simulator, StateCell};
use time::OffsetDateTime;

pub use errors::{TResult, TunetooError};
pub use state::State;

use state::Event;

/// One Tunetoo instance: its state and the core services.
#[derive(Debug)]
pub struct Tunetoo {
    state: StateCell<State>,
    core: SimCore,
}

impl Tunetoo {
    /// An instance starting from `fixture`.
    pub fn new(core: SimCore, fixture: State) -> Arc<Self> {
        Arc::new(Tunetoo {
            state: StateCell::new(fixture),
            core,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock()
    }

    /// A copy of the current state, for assertions.
    pub fn snapshot(&self) -> State {
        self.state.snapshot()
    }

    /// The core services of this instance.
    pub fn core(&self) -> &SimCore {
        &self.core
    }

    /// The deliveries of `events`: one per registration that wants the event, signed
    /// with its shop's secret over the exact body sent.
    pub(crate) fn outbound(&self, state: &State, events: &[Event]) -> Vec<Outbound> {
        let mut out = Vec::new();
        for event in events {
            let subscribers = state.subscribers(event);
            if subscribers.is_empty() {
                continue;
            }
            let body = serde_json::to_vec(&event.body).unwrap_or_default();
            for (hook, shop) in subscribers {
                out.push(Outbound {
                    event: hook.event.clone(),
                    url: hook.target.clone(),
                    headers: vec![
                        (
                            auth::SIGNATURE_HEADER.to_owned(),
                            auth::sign(&shop.secret, &body),
                        ),
                        ("Content-Type".to_owned(), "application/json".to_owned()),
                    ],
                    body: body.clone(),
                    expect_json: None,
                });
            }
        }
        out
    }

    /// Sends deliveries built under the lock.
    pub(crate) fn send(&self, outbound: Vec<Outbound>) {
        for out in outbound {
            self.core.webhooks.send(out);
        }
    }
}

impl Simulator for Tunetoo {
    fn platform(&self) -> &str {
        "tunetoo"
    }

    fn version(&self) -> String {
        "v1".to_owned()
    }

    fn credentials(&self) -> Value {
        let state = self.lock();
        let shop = state.shops().first();
        json!({
            "api_key": shop.map(|s| s.api_key.as_str()),
            "secret": shop.map(|s| s.secret.as_str()),
        })
    }

    fn export_state(&self) -> Value {
        serde_json::to_value(self.lock().to_document()).unwrap_or(Value::Null)
    }

    fn import_state(&self, state: Value) -> Result<(), String> {
        let new = fixtures::from_value(state)?;
        self.state.replace(new);
        Ok(())
    }

    fn reset(&self) {
        self.state.reset();
    }

    fn tick(&self, now: OffsetDateTime) {
        let outbound = {
            let mut state = self.lock();
            let events = state.fulfil_due(now);
            self.outbound(&state, &events)
        };
        self.send(outbound);
    }
}

/// The Tunetoo simulator assembled on `core`, starting from `fixture`.
pub fn app(core: SimCore, fixture: State) -> (App, Arc<Tunetoo>) {
    let t = Tunetoo::new(core.clone(), fixture);
    let app = App::new(core, t.clone(), http::platform(t.clone()))
        .admin_routes(http::admin(t.clone()))
        .not_found(|_: &Parts| TunetooError::no_route().into_response())
        .method_not_allowed(|_: &Parts| TunetooError::MethodNotAllowed.into_response())
        .payload_too_large(|_, _| TunetooError::TooLarge.into_response())
        .internal_error(|_: &Method, _: &Uri| TunetooError::Internal.into_response());
    (app, t)
}

/// Starts Tunetoo instances in-process.
#[derive(Debug)]
pub struct TunetooSim;

impl TunetooSim {
    /// The default fixture on `127.0.0.1:0`, with a system clock.
    pub async fn start() -> std::io::Result<TunetooHandle> {
        Self::start_with(
            CoreConfig::default(),
            fixtures::default_state(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
    }

    /// Any core settings, fixture and address.
    pub async fn start_with(
        config: CoreConfig,
        fixture: State,
        addr: SocketAddr,
    ) -> std::io::Result<TunetooHandle> {
        let core = SimCore::new(config);
        let (app, tunetoo) = app(core.clone(), fixture);
        let server = app.spawn(addr).await?;
        Ok(TunetooHandle { server, tunetoo })
    }
}

/// A running Tunetoo instance; shuts down when dropped.
#[derive(Debug)]
pub struct TunetooHandle {
    server: SimHandle,
    tunetoo: Arc<Tunetoo>,
}

impl TunetooHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The instance itself (state snapshots, core services).
    pub fn tunetoo(&self) -> &Arc<Tunetoo> {
        &self.tunetoo
    }

    /// Clock, journal, faults, lifecycle and webhooks of this instance.
    pub fn core(&self) -> &SimCore {
        self.tunetoo.core()
    }

    /// The first shop's API key, and its signature of `message` (`[]` for GET and
    /// DELETE, the body for POST).
    pub fn sign(&self, message: &[u8]) -> (String, String) {
        let state = self.tunetoo.lock();
        let shop = state.shops().first();
        (
            shop.map(|s| s.api_key.clone()).unwrap_or_default(),
            shop.map(|s| auth::sign(&s.secret, message))
                .unwrap_or_default(),
        )
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}
