//! `sim-printxpand`: a faithful, stateful, in-memory fake of PrintXpand's custom API
//! (a Magento 2 extension for product-designer stores), from `shared/seeds/003_*`.
//!
//! Six batch endpoints create or update customers, categories, products and orders and
//! delete categories and products; [`batch::process`] applies one request body item by
//! item and builds the answer the seed shows. Around them, the Magento store the
//! extension lives in ([`store`]): its integrations and OAuth 1.0a rules, and the
//! web-API framework's routing, errors and `Accept` handling, all from
//! `sim-magento-webapi` (shared with the Magento simulator). A product created or
//! updated with `enable_product_designer: 1` is announced to the product designer's
//! endpoint through core's webhook dispatcher.
//!
//! # Quickstart
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let sim = sim_printxpand::PrintXpandSim::start().await?;
//! let url = format!("{}/rest/V1/customer/create/", sim.base_url());
//! let body = r#"{"customer": {"1": {"id": "7", "first_name": "Ann", "email": "ann@example.com"}}}"#;
//! let auth = sim.authorization("POST", &url);
//! let answer = reqwest::Client::new()
//!     .post(&url)
//!     .header("Authorization", auth)
//!     .header("Content-Type", "application/json")
//!     .body(body)
//!     .send().await.unwrap()
//!     .text().await.unwrap();
//! assert!(answer.contains("Customer Created successfully!"));
//! # Ok(()) }
//! ```
//!
//! # Layout
//!
//! `state.rs` (the extension's data, indexed) · `store.rs` (settings, integrations,
//! the `/__sim/state` document) · one domain module per entity (`customers.rs`,
//! `categories.rs`, `products.rs`, `orders.rs`) · `batch.rs` (one request, item by
//! item) · `messages.rs` (the seed's wordings) · `http.rs` (the pipeline and route
//! table) · `fixtures.rs`.

pub mod batch;
pub(crate) mod categories;
pub(crate) mod customers;
pub mod fixtures;
mod http;
mod json;
pub mod messages;
pub(crate) mod orders;
pub mod products;
pub mod state;
pub mod store;

pub use batch::{Answer, Kind, Malformed, process};
pub use state::{Snapshot, State};

pub use fixtures::fixture;
pub use store::{Settings, Store};

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::extract::State as AxState;
use axum::routing::{any, get};
use serde_json::{Value, json};
use sim_core::{
    AdminError, AdminJson, App, CoreConfig, Outbound, SimCore, SimHandle, Simulator, StateCell,
};
use sim_magento_webapi::auth::Nonces;

/// What one lock guards: the store, and the OAuth nonces it has seen (not part of the
/// store's document; a reset or an import forgets them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) nonces: NonceTable,
    /// The next masked 500's report id.
    pub(crate) next_report: u64,
}

/// [`Nonces`], cloneable as empty (a state copy carries no nonces).
#[derive(Debug, Default)]
pub(crate) struct NonceTable(pub(crate) Nonces);

impl Clone for NonceTable {
    fn clone(&self) -> Self {
        NonceTable::default()
    }
}

/// One PrintXpand instance: its store and the core services.
#[derive(Debug)]
pub struct PrintXpand {
    inner: StateCell<Inner>,
    core: SimCore,
}

impl PrintXpand {
    /// An instance starting from `fixture`.
    pub fn new(core: SimCore, fixture: Store) -> Arc<Self> {
        Arc::new(PrintXpand {
            inner: StateCell::new(Inner {
                store: fixture,
                ..Inner::default()
            }),
            core,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// A copy of the current store, for assertions.
    pub fn snapshot(&self) -> Store {
        self.lock().store.clone()
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

    fn next_report(&self) -> u64 {
        let mut inner = self.lock();
        let report = inner.next_report;
        inner.next_report = report.wrapping_add(1);
        report
    }

    /// A client-side OAuth 1.0a signer (HMAC-SHA256) with the first integration's
    /// credentials, from [`oauth1_client`], which shares no code with the verifier.
    pub fn signer(&self) -> oauth1_client::Signer {
        let inner = self.lock();
        let i = inner.store.integrations.first();
        let field = |f: fn(&sim_magento_webapi::integrations::Integration) -> &String| {
            i.map(|i| f(i).clone()).unwrap_or_default()
        };
        oauth1_client::Signer {
            consumer_key: field(|i| &i.consumer_key),
            consumer_secret: field(|i| &i.consumer_secret),
            token: field(|i| &i.access_token),
            token_secret: field(|i| &i.access_token_secret),
            method: oauth1_client::SignatureMethod::HmacSha256,
        }
    }
}

impl Simulator for PrintXpand {
    fn platform(&self) -> &str {
        "printxpand"
    }

    fn version(&self) -> String {
        self.lock().store.settings.magento_version.clone()
    }

    fn credentials(&self) -> Value {
        let inner = self.lock();
        let i = inner.store.integrations.first();
        json!({
            "consumer_key": i.map(|i| i.consumer_key.as_str()),
            "consumer_secret": i.map(|i| i.consumer_secret.as_str()),
            "access_token": i.map(|i| i.access_token.as_str()),
            "access_token_secret": i.map(|i| i.access_token_secret.as_str()),
        })
    }

    fn export_state(&self) -> Value {
        self.lock().store.to_value()
    }

    fn import_state(&self, state: Value) -> Result<(), String> {
        let store = Store::from_value(state)?;
        let mut inner = self.lock();
        inner.store = store;
        inner.nonces = NonceTable::default();
        Ok(())
    }

    fn reset(&self) {
        self.inner.reset();
    }

    fn has_lifecycle(&self) -> bool {
        // Nothing the extension keeps moves by itself: orders are replaced as sent.
        false
    }
}

/// The PrintXpand simulator assembled on `core`, starting from `fixture`.
pub fn app(core: SimCore, fixture: Store) -> (App, Arc<PrintXpand>) {
    let px = PrintXpand::new(core.clone(), fixture);
    let platform = Router::new()
        .route("/", any(http::entry))
        .route("/{*path}", any(http::entry))
        .with_state(px.clone());
    let admin = Router::new()
        .route("/settings", get(settings).put(set_settings))
        .with_state(px.clone());
    let reports = px.clone();
    let app = App::new(core, px.clone(), platform).admin_routes(admin);
    let app = sim_magento_webapi::pipeline::mount(app, move || reports.next_report());
    (app, px)
}

/// `GET /__sim/settings`: the store's settings.
async fn settings(AxState(px): AxState<Arc<PrintXpand>>) -> axum::Json<Value> {
    axum::Json(serde_json::to_value(&px.lock().store.settings).unwrap_or(Value::Null))
}

/// `PUT /__sim/settings`: the whole settings object (the designer endpoint, bearer
/// tokens, the Magento version, the OAuth skew), checked before it replaces the old one.
async fn set_settings(
    AxState(px): AxState<Arc<PrintXpand>>,
    body: Result<AdminJson<Settings>, AdminError>,
) -> Result<axum::Json<Value>, AdminError> {
    let AdminJson(settings) = body?;
    settings.validate().map_err(AdminError::bad_request)?;
    let value = serde_json::to_value(&settings).unwrap_or(Value::Null);
    px.lock().store.settings = settings;
    Ok(axum::Json(value))
}

/// Starts PrintXpand instances in-process.
#[derive(Debug)]
pub struct PrintXpandSim;

impl PrintXpandSim {
    /// The default fixture on `127.0.0.1:0`, with a system clock.
    pub async fn start() -> std::io::Result<PrintXpandHandle> {
        Self::start_with(
            CoreConfig::default(),
            fixtures::default_store(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
    }

    /// Any core settings, fixture and address.
    pub async fn start_with(
        config: CoreConfig,
        fixture: Store,
        addr: SocketAddr,
    ) -> std::io::Result<PrintXpandHandle> {
        let core = SimCore::new(config);
        let (app, px) = app(core.clone(), fixture);
        let server = app.spawn(addr).await?;
        Ok(PrintXpandHandle {
            server,
            px,
            nonce: AtomicU64::new(0),
        })
    }
}

/// A running PrintXpand instance; shuts down when dropped.
#[derive(Debug)]
pub struct PrintXpandHandle {
    server: SimHandle,
    px: Arc<PrintXpand>,
    nonce: AtomicU64,
}

impl PrintXpandHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// The instance itself (store snapshots, core services).
    pub fn printxpand(&self) -> &Arc<PrintXpand> {
        &self.px
    }

    /// Clock, journal, faults and webhooks of this instance.
    pub fn core(&self) -> &SimCore {
        self.px.core()
    }

    /// The first integration's OAuth signer ([`PrintXpand::signer`]).
    pub fn signer(&self) -> oauth1_client::Signer {
        self.px.signer()
    }

    /// An `Authorization: OAuth …` header for `method` on `url`, signed with the first
    /// integration's credentials, a fresh nonce and the simulator clock's time.
    pub fn authorization(&self, method: &str, url: &str) -> String {
        let n = self.nonce.fetch_add(1, Ordering::Relaxed);
        let now = self.core().clock.now().unix_timestamp();
        self.signer()
            .authorization(method, url, None, &format!("pxnonce{n:025}"), now)
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.server.shutdown().await
    }
}
