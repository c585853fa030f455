//! `sim-demo`: a tiny notes service that exercises every capability of `sim-core`
//! (auth, errors, ids, clock, lifecycle in all three modes, webhooks, fixtures, admin
//! routes). It is no platform: it proves the core and the contract runner before the
//! platforms arrive, and it is the template a platform crate copies.
//!
//! # The service
//!
//! Every `/api/` route needs `Authorization: Bearer <token>` (`demo-token` in the
//! default fixture). Errors are `{"error": code, "message": text}`.
//!
//! | route | what |
//! |---|---|
//! | `GET /api/notes` | `{"total", "items": [note…]}` |
//! | `POST /api/notes` `{"text"}` | `201` note; published at once (`immediate`), after `step_seconds` (`timed`), or by `POST /__sim/notes/{id}/publish` (`explicit`) |
//! | `GET` · `DELETE /api/notes/{id}` | one note · `204` |
//! | `GET /api/time` | `{"now"}` from the simulator clock |
//! | `PUT /api/webhook` `{"url"}` | where `note.published` webhooks go |
//!
//! # Quickstart
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let demo = sim_demo::DemoSim::start().await?;
//! let body = reqwest::Client::new()
//!     .get(format!("{}/api/notes/1", demo.base_url()))
//!     .bearer_auth(demo.token())
//!     .send().await.unwrap()
//!     .text().await.unwrap();
//! assert!(body.contains("welcome to cartsim"));
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! `state.rs` (domain, no HTTP) · `routes.rs` (the route table) · `handlers/` (thin) ·
//! `errors.rs` (the one error enum) · `fixtures.rs` (the loader).

pub mod errors;
pub mod fixtures;
mod handlers;
mod routes;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, MutexGuard};

use axum::http::request::Parts;
use axum::response::IntoResponse;
use serde_json::{Value, json};
use sim_core::{App, CoreConfig, Outbound, SimCore, SimHandle, Simulator, StateCell};
use time::OffsetDateTime;

pub use errors::DemoError;
pub use state::{Note, NoteStatus, State};

/// One demo instance: its state and the core services.
#[derive(Debug)]
pub struct Demo {
    state: StateCell<State>,
    core: SimCore,
}

impl Demo {
    /// An instance starting from `fixture`.
    pub fn new(core: SimCore, fixture: State) -> Arc<Self> {
        Arc::new(Self {
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

    /// Sends `note.published` to the subscriber, if any (after the lock is released).
    pub(crate) fn announce(&self, note: &Note) {
        let Some(url) = self.lock().webhook_url.clone() else {
            return;
        };
        self.core.webhooks.send(Outbound {
            event: "note.published".into(),
            url,
            headers: vec![("x-demo-event".into(), "note.published".into())],
            body: serde_json::to_vec(note).unwrap_or_default(),
            expect_json: None,
        });
    }
}

impl Simulator for Demo {
    fn platform(&self) -> &str {
        "demo"
    }

    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn credentials(&self) -> Value {
        json!({ "token": self.lock().token })
    }

    fn export_state(&self) -> Value {
        serde_json::to_value(&*self.lock()).unwrap_or(Value::Null)
    }

    fn import_state(&self, state: Value) -> Result<(), String> {
        let new: State = serde_json::from_value(state).map_err(|e| e.to_string())?;
        new.validate()?;
        self.state.replace(new);
        Ok(())
    }

    fn reset(&self) {
        self.state.reset();
    }

    fn tick(&self, now: OffsetDateTime) {
        let published = self.lock().publish_due(now);
        for note in &published {
            self.announce(note);
        }
    }
}

/// The demo simulator assembled on `core`, starting from `fixture`.
pub fn app(core: SimCore, fixture: State) -> (App, Arc<Demo>) {
    let demo = Demo::new(core.clone(), fixture);
    let app = App::new(core, demo.clone(), routes::platform(demo.clone()))
        .admin_routes(routes::admin(demo.clone()))
        .not_found(|p: &Parts| {
            DemoError::NotFound(format!("no route {} {}", p.method, p.uri.path())).into_response()
        })
        .method_not_allowed(|p: &Parts| {
            DemoError::MethodNotAllowed(format!("{} not allowed on {}", p.method, p.uri.path()))
                .into_response()
        })
        .payload_too_large(|_, limit| DemoError::TooLarge(limit).into_response());
    (app, demo)
}

/// Starts demo instances in-process.
#[derive(Debug)]
pub struct DemoSim;

impl DemoSim {
    /// The default fixture on `127.0.0.1:0`, with a system clock.
    pub async fn start() -> std::io::Result<DemoHandle> {
        Self::start_with(
            CoreConfig::default(),
            fixtures::default_state(),
            "127.0.0.1:0"
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0))),
        )
        .await
    }

    /// Any core settings, fixture and address.
    pub async fn start_with(
        config: CoreConfig,
        fixture: State,
        addr: SocketAddr,
    ) -> std::io::Result<DemoHandle> {
        let core = SimCore::new(config);
        let (app, demo) = app(core.clone(), fixture);
        let server = app.spawn(addr).await?;
        Ok(DemoHandle { server, demo, core })
    }
}

/// A running demo instance; shuts down when dropped.
#[derive(Debug)]
pub struct DemoHandle {
    server: SimHandle,
    demo: Arc<Demo>,
    core: SimCore,
}

impl DemoHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The bearer token clients must send.
    pub fn token(&self) -> String {
        self.demo.lock().token.clone()
    }

    /// Clock, journal, faults, lifecycle and webhooks of this instance.
    pub fn core(&self) -> &SimCore {
        &self.core
    }

    /// The instance itself (state snapshots).
    pub fn demo(&self) -> &Arc<Demo> {
        &self.demo
    }

    /// Shuts down and waits for the server to stop.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}
