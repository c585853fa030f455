//! A faithful in-memory Magento 2.4 REST API: OAuth 1.0a and bearer authentication,
//! the error envelope, searchCriteria, stores, catalog, legacy stock and MSI
//! inventory. See `COVERAGE.md` for every endpoint and every deliberate deviation.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let magento = sim_magento::MagentoSim::start().await?;
//! let url = format!("{}/rest/V1/store/storeViews", magento.base_url());
//! let auth = magento.signer().authorization("GET", &url, None, "nonce-1", 1_753_130_948);
//! let views: serde_json::Value = reqwest::Client::new()
//!     .get(&url)
//!     .header("Authorization", auth)
//!     .send()
//!     .await
//!     .unwrap()
//!     .json()
//!     .await
//!     .unwrap();
//! assert_eq!(views[0]["code"], "default");
//! # Ok(()) }
//! ```

pub mod attribute_sets;
pub mod attributes;
pub mod auth;
pub mod carts;
pub mod catalog;
pub mod configurable;
pub mod custom_options;
pub mod customers;
pub mod dates;
pub use sim_magento_webapi::errors;
pub mod fixtures;
pub mod handlers;
mod http;
pub mod index;
pub use sim_magento_webapi::input;
pub mod lifecycle;
pub mod media;
pub mod msi;
pub mod product_links;
pub use sim_magento_webapi::phpquery;
pub mod prices;
pub mod render;
pub mod routes;
pub mod sales;
pub mod search;
pub mod state;
pub mod validate;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::routing::any;
use serde_json::{Value, json};
use sim_core::{App, CoreConfig, SimCore, SimHandle, Simulator};

use auth::Nonces;
pub use errors::MagentoError;
/// The client signer [`MagentoHandle::signer`] hands out, for its
/// [`SignatureMethod`](oauth1_client::SignatureMethod) and for signing with other
/// credentials.
pub use oauth1_client;
pub use state::State;

/// Instance options that are not store data.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Install sub-directory every REST path sits under (`/magento-2.4.0`, so the seed
    /// trace's paths work verbatim); empty for none.
    pub base_path: String,
}

impl Options {
    /// Options with the install prefix `base_path` (a missing leading `/` is added, a
    /// trailing one dropped).
    pub fn with_base_path(base_path: &str) -> Self {
        let trimmed = base_path.trim().trim_end_matches('/');
        let base_path = if trimmed.is_empty() || trimmed.starts_with('/') {
            trimmed.to_owned()
        } else {
            format!("/{trimmed}")
        };
        Self { base_path }
    }
}

pub(crate) struct Inner {
    pub(crate) state: State,
    pub(crate) nonces: Nonces,
}

/// One fake Magento store.
pub struct Magento {
    inner: Mutex<Inner>,
    fixture: State,
    core: SimCore,
    options: Options,
}

impl std::fmt::Debug for Magento {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Magento")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Magento {
    /// A store seeded with `fixture`.
    pub fn new(core: SimCore, fixture: State, options: Options) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                state: fixture.clone(),
                nonces: Nonces::default(),
            }),
            fixture,
            core,
            options,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the whole state, for assertions.
    pub fn snapshot(&self) -> State {
        self.lock().state.clone()
    }

    /// Runs `f` on the state (for tests that set up or inspect directly).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.lock().state)
    }

    /// Instance options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// A client-side OAuth 1.0a signer (HMAC-SHA256) with the first integration's
    /// credentials. It is [`oauth1_client`]'s, which shares no code with the verifier.
    pub fn signer(&self) -> oauth1_client::Signer {
        let inner = self.lock();
        let i = inner.state.integrations.first();
        oauth1_client::Signer {
            consumer_key: i.map(|i| i.consumer_key.clone()).unwrap_or_default(),
            consumer_secret: i.map(|i| i.consumer_secret.clone()).unwrap_or_default(),
            token: i.map(|i| i.access_token.clone()).unwrap_or_default(),
            token_secret: i.map(|i| i.access_token_secret.clone()).unwrap_or_default(),
            method: oauth1_client::SignatureMethod::HmacSha256,
        }
    }
}

impl Simulator for Magento {
    fn platform(&self) -> &str {
        "magento"
    }

    fn version(&self) -> String {
        self.lock().state.version.clone()
    }

    fn credentials(&self) -> Value {
        let inner = self.lock();
        let s = &inner.state;
        let i = s.integrations.first();
        let a = s.admins.first();
        json!({
            "consumer_key": i.map(|i| i.consumer_key.as_str()),
            "consumer_secret": i.map(|i| i.consumer_secret.as_str()),
            "access_token": i.map(|i| i.access_token.as_str()),
            "access_token_secret": i.map(|i| i.access_token_secret.as_str()),
            "admin_username": a.map(|a| a.username.as_str()),
            "admin_password": a.map(|a| a.password.as_str()),
        })
    }

    fn export_state(&self) -> Value {
        serde_json::to_value(&self.lock().state).unwrap_or(Value::Null)
    }

    fn import_state(&self, state: Value) -> Result<(), String> {
        // Keys, references, counters and the category tree, all before the swap.
        let new = validate::import(state)?;
        let mut inner = self.lock();
        inner.state = new;
        inner.nonces.clear();
        Ok(())
    }

    fn reset(&self) {
        let mut inner = self.lock();
        inner.state = self.fixture.clone();
        inner.nonces.clear();
    }
}

/// Assembles a Magento simulator on `core`.
pub fn app(core: SimCore, fixture: State, options: Options) -> (App, Arc<Magento>) {
    let magento = Magento::new(core.clone(), fixture, options);
    let platform = Router::new()
        .route("/", any(http::entry))
        .route("/{*path}", any(http::entry))
        .with_state(magento.clone());
    let admin = Router::new()
        .route("/reservations", axum::routing::get(reservations))
        .with_state(magento.clone());
    let reports = magento.clone();
    let app = App::new(core, magento.clone(), platform).admin_routes(admin);
    let app = sim_magento_webapi::pipeline::mount(app, move || reports.next_report());
    (app, magento)
}

impl Magento {
    /// The next masked 500's report id, from the state's report counter: what
    /// production-mode Magento answers an uncaught exception (here, a simulator bug)
    /// with, numbered like every other masked 500.
    fn next_report(&self) -> u64 {
        self.with_state(|s| {
            let report = s.next.report;
            s.next.report = report.wrapping_add(1);
            report
        })
    }
}

/// Filters of `GET /__sim/reservations`.
#[derive(Debug, serde::Deserialize)]
struct ReservationFilter {
    sku: Option<String>,
    stock_id: Option<u64>,
}

/// `GET /__sim/reservations[?sku=&stock_id=]`: the MSI reservations (read-only; Magento
/// has no REST endpoint for them), oldest first, with their sum per SKU and stock.
async fn reservations(
    axum::extract::State(magento): axum::extract::State<Arc<Magento>>,
    axum::extract::Query(filter): axum::extract::Query<ReservationFilter>,
) -> axum::Json<Value> {
    magento.with_state(|s| {
        let rows: Vec<&msi::Reservation> = s
            .reservations
            .iter()
            .filter(|r| filter.sku.as_ref().is_none_or(|k| r.sku.eq_ignore_ascii_case(k)))
            .filter(|r| filter.stock_id.is_none_or(|id| r.stock_id == id))
            .collect();
        // Per (SKU, stock), in order of first appearance.
        let mut totals: Vec<(String, u64, f64)> = Vec::new();
        let mut slot: std::collections::HashMap<(String, u64), usize> = Default::default();
        for r in &rows {
            let key = (r.sku.to_ascii_lowercase(), r.stock_id);
            match slot.get(&key) {
                Some(&at) => totals[at].2 += r.quantity,
                None => {
                    slot.insert(key, totals.len());
                    totals.push((r.sku.clone(), r.stock_id, r.quantity));
                }
            }
        }
        axum::Json(json!({
            "reservations": rows,
            "totals": totals
                .into_iter()
                .map(|(sku, stock_id, quantity)| json!({"sku": sku, "stock_id": stock_id, "quantity": input::num(quantity)}))
                .collect::<Vec<_>>(),
        }))
    })
}

/// Starts in-process Magento simulators.
#[derive(Debug)]
pub struct MagentoSim;

impl MagentoSim {
    /// The seed store on an ephemeral loopback port, system clock, no install prefix.
    pub async fn start() -> std::io::Result<MagentoHandle> {
        Self::start_with(
            CoreConfig::default(),
            fixtures::default_state(),
            Options::default(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
    }

    /// A simulator with the given core settings, fixture, options and address.
    pub async fn start_with(
        config: CoreConfig,
        fixture: State,
        options: Options,
        addr: SocketAddr,
    ) -> std::io::Result<MagentoHandle> {
        let core = SimCore::new(config);
        let (app, magento) = app(core.clone(), fixture, options);
        let server = app.spawn(addr).await?;
        Ok(MagentoHandle {
            server,
            magento,
            core,
        })
    }
}

/// A running in-process simulator; shuts down when dropped.
#[derive(Debug)]
pub struct MagentoHandle {
    server: SimHandle,
    magento: Arc<Magento>,
    core: SimCore,
}

impl MagentoHandle {
    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// `base_url` + install prefix + `/rest`.
    pub fn rest_url(&self) -> String {
        format!(
            "{}{}/rest",
            self.server.base_url(),
            self.magento.options.base_path
        )
    }

    /// The simulator.
    pub fn magento(&self) -> &Arc<Magento> {
        &self.magento
    }

    /// The core services (clock, journal, faults).
    pub fn core(&self) -> &SimCore {
        &self.core
    }

    /// An OAuth 1.0a signer with the default integration's credentials
    /// ([`Magento::signer`]).
    pub fn signer(&self) -> oauth1_client::Signer {
        self.magento.signer()
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}

#[cfg(test)]
mod panic_tests {
    use super::*;
    use axum::response::IntoResponse;

    #[test]
    fn a_panic_answers_the_masked_500_with_the_next_report_id() {
        let magento = Magento::new(
            SimCore::new(CoreConfig::default()),
            fixtures::default_state(),
            Options::default(),
        );
        let first = magento.with_state(|s| s.next.report);
        for n in 0..2 {
            let resp = MagentoError::internal(magento.next_report()).into_response();
            assert_eq!(resp.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let want = MagentoError::internal(first + n).body();
            let got = body_json(resp);
            assert_eq!(got, want);
            assert!(
                got["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(errors::msg::INTERNAL)),
                "{got}"
            );
        }
        assert_eq!(magento.with_state(|s| s.next.report), first + 2);
    }

    fn body_json(resp: axum::response::Response) -> Value {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = rt
            .block_on(axum::body::to_bytes(resp.into_body(), usize::MAX))
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }
}
