//! `sim-snipcart`: a faithful, stateful, in-memory fake of the Snipcart REST API
//! (`https://app.snipcart.com/api`), for stores that sell through Snipcart.
//!
//! # What it does
//!
//! - **Auth**: HTTP Basic with a secret key as the user and an empty password; Test and
//!   Live keys each see their own mode's data; `Accept: application/json` required
//!   (switchable).
//! - **Json.NET leniency**: bodies in the docs' own relaxed syntax (`{fetchUrl: '…'}`)
//!   are read; names and enum values bind case-insensitively; answers are strict JSON.
//! - **Products** (seed `002`): list, get by GUID or user-defined id, crawl a URL,
//!   inventory PUT, archive by DELETE.
//! - **Orders**, notifications, refunds, customers, discounts, abandoned carts;
//!   checkouts through `POST /__sim/checkout`; webhooks with request tokens and
//!   `/requestvalidation/{token}`.
//!
//! Every route is under both `/api/` and `/api/v1/`. `COVERAGE.md` lists each
//! endpoint and every deliberate deviation.
//!
//! # Quickstart
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sim = sim_snipcart::SnipcartSim::start().await?;
//! let body = reqwest::Client::new()
//!     .get(format!("{}/api/products/AP1", sim.base_url()))
//!     .basic_auth(sim.test_key(), Some(""))
//!     .header("Accept", "application/json")
//!     .send().await.unwrap()
//!     .text().await.unwrap();
//! assert!(body.contains("Android Phone"));
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! `state.rs` (the whole state) · one domain module per resource (`products.rs`,
//! `orders.rs`, …: functions over the state, no HTTP) · `handlers/` (bind input, call
//! the domain) · `routes.rs` (the route table) · `json.rs` (Json.NET's reading) ·
//! `errors.rs` · `fixtures.rs`.

pub mod auth;
pub mod carts;
pub mod checkout;
pub mod crawl;
pub mod customers;
pub mod dates;
pub mod discounts;
pub mod errors;
pub mod fixtures;
mod handlers;
pub mod json;
pub mod money;
pub mod orders;
pub mod products;
pub mod query;
mod routes;
pub mod settings;
pub mod state;
pub mod validation;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, MutexGuard};

use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use sim_core::{App, CoreConfig, Outbound, SimCore, SimHandle, Simulator, StateCell};
use time::OffsetDateTime;

pub use errors::{SResult, SnipcartError};
pub use state::{Mode, State};

/// What a platform handler works with: the caller's mode, the clock's now, and the
/// webhooks to send once the lock is released.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub mode: Mode,
    pub now: OffsetDateTime,
    pub outbound: Vec<Outbound>,
}

/// One Snipcart instance: its state and the core services.
#[derive(Debug)]
pub struct Snipcart {
    state: StateCell<State>,
    core: SimCore,
}

impl Snipcart {
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

    /// The core services of this instance.
    pub fn core(&self) -> &SimCore {
        &self.core
    }

    /// Sends deliveries built under the lock.
    pub(crate) fn send(&self, outbound: Vec<Outbound>) {
        for out in outbound {
            self.core.webhooks.send(out);
        }
    }

    /// Runs an authenticated API call under one lock: `Accept`, then the key, then
    /// `f`, which answers the JSON body ([`to_json`]); answers it with `status`, or the
    /// error. Webhooks `f` queued go out after the lock is released.
    pub(crate) fn api(
        &self,
        headers: &HeaderMap,
        status: StatusCode,
        f: impl FnOnce(&mut State, &mut Ctx) -> SResult<Bytes>,
    ) -> Response {
        let now = self.core.clock.now();
        let (result, outbound) = {
            let mut state = self.lock();
            let mode = auth::check_accept(&state.settings, headers)
                .and_then(|()| auth::authenticate(&state, headers));
            match mode {
                Err(e) => (Err(e), Vec::new()),
                Ok(mode) => {
                    let mut ctx = Ctx {
                        mode,
                        now,
                        outbound: Vec::new(),
                    };
                    let result = f(&mut state, &mut ctx);
                    // A refused call changes nothing and sends nothing.
                    let out = if result.is_ok() {
                        ctx.outbound
                    } else {
                        Vec::new()
                    };
                    (result, out)
                }
            }
        };
        self.send(outbound);
        match result {
            Ok(body) => json_response(status, body),
            Err(e) => e.into_response(),
        }
    }
}

impl Snipcart {
    /// [`Snipcart::api`] for a call with a body: the body is bound to `T` through
    /// `schema` (leniently when the settings say so) before `f` runs; a body that does
    /// not bind is the `400`.
    pub(crate) fn api_with<T: serde::de::DeserializeOwned>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        schema: &json::Schema,
        f: impl FnOnce(&mut State, &mut Ctx, T) -> SResult<Bytes>,
    ) -> Response {
        self.api(headers, StatusCode::OK, |state, ctx| {
            let input = json::bind(body, schema, state.settings.lenient_json)?;
            f(state, ctx, input)
        })
    }
}

/// `value` as a JSON body.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> SResult<Bytes> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|_| SnipcartError::Internal)
}

/// `body` as `application/json; charset=utf-8` (what ASP.NET answers).
pub(crate) fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    res
}

impl Simulator for Snipcart {
    fn platform(&self) -> &str {
        "snipcart"
    }

    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    fn credentials(&self) -> Value {
        let state = self.lock();
        let key = |mode| {
            state
                .api_keys
                .iter()
                .find(|k| k.mode == mode)
                .map(|k| k.secret.clone())
        };
        json!({ "test_secret_key": key(Mode::Test), "live_secret_key": key(Mode::Live) })
    }

    fn export_state(&self) -> Value {
        serde_json::to_value(&*self.lock()).unwrap_or(Value::Null)
    }

    fn import_state(&self, state: Value) -> Result<(), String> {
        let mut new: State = serde_json::from_value(state).map_err(|e| e.to_string())?;
        new.validate()?;
        self.state.replace(new);
        Ok(())
    }

    fn reset(&self) {
        self.state.reset();
    }

    fn has_lifecycle(&self) -> bool {
        // Orders move only when the merchant says so (`PUT /orders/{token}`).
        false
    }
}

/// The Snipcart simulator assembled on `core`, starting from `fixture`.
pub fn app(core: SimCore, fixture: State) -> (App, Arc<Snipcart>) {
    let snipcart = Snipcart::new(core.clone(), fixture);
    let app = App::new(core, snipcart.clone(), routes::platform(snipcart.clone()))
        .admin_routes(routes::admin(snipcart.clone()))
        .not_found(|p: &Parts| SnipcartError::no_resource(&p.uri.to_string()).into_response())
        .method_not_allowed(|p: &Parts| {
            SnipcartError::MethodNotAllowed(p.method.to_string()).into_response()
        })
        .payload_too_large(|_, limit| SnipcartError::TooLarge(limit).into_response())
        .internal_error(|_: &Method, _: &Uri| SnipcartError::Internal.into_response());
    (app, snipcart)
}

/// Starts Snipcart instances in-process.
#[derive(Debug)]
pub struct SnipcartSim;

impl SnipcartSim {
    /// The default fixture on `127.0.0.1:0`, with a system clock.
    pub async fn start() -> std::io::Result<SnipcartHandle> {
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
    ) -> std::io::Result<SnipcartHandle> {
        let core = SimCore::new(config);
        let (app, snipcart) = app(core.clone(), fixture);
        let server = app.spawn(addr).await?;
        Ok(SnipcartHandle {
            server,
            snipcart,
            core,
        })
    }
}

/// A running Snipcart instance; shuts down when dropped.
#[derive(Debug)]
pub struct SnipcartHandle {
    server: SimHandle,
    snipcart: Arc<Snipcart>,
    core: SimCore,
}

impl SnipcartHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The fixture's Test secret key.
    pub fn test_key(&self) -> String {
        self.key(Mode::Test)
    }

    /// The fixture's Live secret key.
    pub fn live_key(&self) -> String {
        self.key(Mode::Live)
    }

    fn key(&self, mode: Mode) -> String {
        self.snipcart
            .lock()
            .api_keys
            .iter()
            .find(|k| k.mode == mode)
            .map(|k| k.secret.clone())
            .unwrap_or_default()
    }

    /// Clock, journal, faults, lifecycle and webhooks of this instance.
    pub fn core(&self) -> &SimCore {
        &self.core
    }

    /// The instance itself (state snapshots).
    pub fn snipcart(&self) -> &Arc<Snipcart> {
        &self.snipcart
    }

    /// Shuts down and waits for the server to stop.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}
