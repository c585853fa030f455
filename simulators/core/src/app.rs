//! Putting a simulator together: its platform router, the core services every
//! simulator shares ([`SimCore`]), the `/__sim/` admin router, and the middleware that
//! enforces the body limit, applies fault rules, runs timed lifecycles, writes the
//! journal, and turns a panic in a handler into a 500 for that request alone (the
//! process and the state go on serving).
//!
//! A platform crate implements [`Simulator`] (how to export, import and reset its state,
//! what `/__sim/info` shows) and hands its router to [`App`]:
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use sim_core::{App, CoreConfig, SimCore, Simulator};
//! # async fn demo(sim: Arc<dyn Simulator>, platform: axum::Router) -> std::io::Result<()> {
//! let core = SimCore::new(CoreConfig::default());
//! let handle = App::new(core, sim, platform)
//!     .spawn("127.0.0.1:0".parse().unwrap())
//!     .await?;
//! println!("listening on {}", handle.base_url());
//! # Ok(()) }
//! ```

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use serde_json::Value;
use time::OffsetDateTime;

use crate::admin;
use crate::clock::Clock;
use crate::faults::{FaultReply, Faults};
use crate::journal::{Capture, Journal};
use crate::lifecycle::{Lifecycle, Progression};
use crate::server::{DropConnection, SimHandle, spawn_on};
use crate::webhooks::{WebhookConfig, Webhooks};

/// Default request body limit: 10 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;
/// Body limit of the admin API (a whole state import can be large).
pub const ADMIN_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// What a platform plugs into the core: its state's export, import and reset, and what
/// `GET /__sim/info` tells a client.
pub trait Simulator: Send + Sync + 'static {
    /// Platform name as `/__sim/info` shows it (`"magento"`).
    fn platform(&self) -> &str;
    /// Platform version the simulator plays (`"2.4.0"`).
    fn version(&self) -> String;
    /// The credentials a client needs, by the names the platform uses.
    fn credentials(&self) -> Value;
    /// The whole state as JSON.
    fn export_state(&self) -> Value;
    /// Replaces the whole state; on error nothing changes and the message says why.
    fn import_state(&self, state: Value) -> Result<(), String>;
    /// Back to the fixture state.
    fn reset(&self);
    /// Applies timed lifecycle steps due at `now`; called before each platform request
    /// and after each clock move while the progression mode is `timed`.
    fn tick(&self, _now: OffsetDateTime) {}
    /// False for a platform whose entities never move by themselves: `PUT
    /// /__sim/lifecycle` is then refused with `400` instead of switching a mode that
    /// would change nothing.
    fn has_lifecycle(&self) -> bool {
        true
    }
}

/// Settings of the core services of one simulator instance.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// The clock; manual clocks go back to their starting instant on reset.
    pub clock: Clock,
    /// Journal entries kept; 0 switches the journal off.
    pub journal_capacity: usize,
    /// Journal bytes kept (see [`JournalEntry::bytes`]); 0 switches the journal off.
    pub journal_bytes: usize,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Lifecycle progression mode to start in.
    pub progression: Progression,
    /// Webhook delivery policy.
    pub webhooks: WebhookConfig,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            clock: Clock::system(),
            journal_capacity: crate::journal::DEFAULT_CAPACITY,
            journal_bytes: crate::journal::DEFAULT_BYTE_BUDGET,
            body_limit: DEFAULT_BODY_LIMIT,
            progression: Progression::Immediate,
            webhooks: WebhookConfig::default(),
        }
    }
}

/// The platform-free services of one simulator instance; cheap to clone (all shared).
#[derive(Debug, Clone)]
pub struct SimCore {
    /// The only source of time.
    pub clock: Clock,
    /// The request journal.
    pub journal: Journal,
    /// The fault rules.
    pub faults: Faults,
    /// The lifecycle progression mode.
    pub lifecycle: Lifecycle,
    /// The outbound webhook dispatcher.
    pub webhooks: Webhooks,
    base_url: Arc<RwLock<String>>,
    clock_start: Option<OffsetDateTime>,
    body_limit: usize,
}

impl SimCore {
    /// Core services configured by `config`.
    pub fn new(config: CoreConfig) -> Self {
        let clock_start = match config.clock.mode() {
            crate::clock::ClockMode::Manual => Some(config.clock.now()),
            crate::clock::ClockMode::System => None,
        };
        Self {
            webhooks: Webhooks::new(config.webhooks, config.clock.clone()),
            journal: Journal::with_limits(config.journal_capacity, config.journal_bytes),
            faults: Faults::default(),
            lifecycle: Lifecycle::new(config.progression),
            clock: config.clock,
            base_url: Arc::new(RwLock::new(String::new())),
            clock_start,
            body_limit: config.body_limit,
        }
    }

    /// The base URL clients reach this instance at (empty until it is served).
    pub fn base_url(&self) -> String {
        self.base_url
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Records the base URL (done by [`App::spawn`]; the binary may set a public one).
    pub fn set_base_url(&self, url: impl Into<String>) {
        *self.base_url.write().unwrap_or_else(|e| e.into_inner()) = url.into();
    }

    /// Largest request body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// Clears journal, faults and webhook log; clock and lifecycle mode back to their
    /// starting point. (The platform state is the [`Simulator`]'s to reset.)
    pub(crate) fn reset(&self) {
        self.journal.clear();
        self.faults.clear();
        self.webhooks.clear();
        self.lifecycle.reset();
        self.clock.reset_to(self.clock_start);
    }
}

/// Renders a platform error for a request the core refuses before the platform sees
/// it: no route, wrong method. Gets the request head.
pub type ErrorHook = Arc<dyn Fn(&Parts) -> Response + Send + Sync>;
/// Renders the platform's answer to a body over the limit; gets the head and the limit.
pub type TooLargeHook = Arc<dyn Fn(&Parts, usize) -> Response + Send + Sync>;
/// Renders the platform's 500 for a request whose handler panicked; gets the request's
/// method and URI (the rest of the head went to the handler).
pub type InternalErrorHook = Arc<dyn Fn(&Method, &Uri) -> Response + Send + Sync>;

/// A simulator being assembled; see the module docs.
pub struct App {
    core: SimCore,
    sim: Arc<dyn Simulator>,
    platform: Router,
    admin: Router,
    not_found: Option<ErrorHook>,
    method_not_allowed: Option<ErrorHook>,
    too_large: Option<TooLargeHook>,
    internal_error: Option<InternalErrorHook>,
}

impl App {
    /// A simulator serving `platform` (a router whose state is already applied).
    pub fn new(core: SimCore, sim: Arc<dyn Simulator>, platform: Router) -> Self {
        Self {
            core,
            sim,
            platform,
            admin: Router::new(),
            not_found: None,
            method_not_allowed: None,
            too_large: None,
            internal_error: None,
        }
    }

    /// Platform-specific admin routes, with paths relative to `/__sim` (`/orders/{id}/ship`).
    pub fn admin_routes(mut self, routes: Router) -> Self {
        self.admin = self.admin.merge(routes);
        self
    }

    /// The platform's answer when no route matches.
    pub fn not_found(mut self, hook: impl Fn(&Parts) -> Response + Send + Sync + 'static) -> Self {
        self.not_found = Some(Arc::new(hook));
        self
    }

    /// The platform's answer when the path exists but not for this method.
    pub fn method_not_allowed(
        mut self,
        hook: impl Fn(&Parts) -> Response + Send + Sync + 'static,
    ) -> Self {
        self.method_not_allowed = Some(Arc::new(hook));
        self
    }

    /// The platform's answer to a body over the limit.
    pub fn payload_too_large(
        mut self,
        hook: impl Fn(&Parts, usize) -> Response + Send + Sync + 'static,
    ) -> Self {
        self.too_large = Some(Arc::new(hook));
        self
    }

    /// The platform's answer when a handler panics. The panic is logged, the request
    /// gets this answer (and is journaled with its status), and every other request,
    /// the state and the process go on. Without a hook the answer is
    /// `500 {"error": "internal error while handling GET /path"}`; a panic in an admin
    /// route always gets `500 {"error": "internal error: <panic message>"}`.
    pub fn internal_error(
        mut self,
        hook: impl Fn(&Method, &Uri) -> Response + Send + Sync + 'static,
    ) -> Self {
        self.internal_error = Some(Arc::new(hook));
        self
    }

    /// The finished router: platform routes, `/__sim/`, middleware.
    pub fn into_router(self) -> Router {
        let not_found = self
            .not_found
            .unwrap_or_else(|| Arc::new(default_not_found));
        let not_allowed = self
            .method_not_allowed
            .unwrap_or_else(|| Arc::new(default_method_not_allowed));
        let too_large = self
            .too_large
            .unwrap_or_else(|| Arc::new(default_too_large));
        let internal_error = self
            .internal_error
            .unwrap_or_else(|| Arc::new(default_internal_error));

        let admin = admin::router(self.core.clone(), self.sim.clone()).merge(self.admin);
        let admin = admin::finish(admin).layer(DefaultBodyLimit::max(ADMIN_BODY_LIMIT));

        let platform = self
            .platform
            .method_not_allowed_fallback(hook_handler(not_allowed))
            .fallback(hook_handler(not_found));

        let mw = Middleware {
            core: self.core,
            sim: self.sim,
            too_large,
            internal_error,
        };
        platform
            .nest("/__sim", admin)
            .layer(DefaultBodyLimit::max(mw.core.body_limit))
            .layer(from_fn_with_state(Arc::new(mw), middleware))
    }

    /// Binds `addr` (port 0 for an ephemeral port), records the base URL in the core,
    /// and serves on a task of its own.
    pub async fn spawn(self, addr: SocketAddr) -> std::io::Result<SimHandle> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(self.spawn_on(listener))
    }

    /// Like [`App::spawn`], on a listener already bound.
    pub fn spawn_on(self, listener: tokio::net::TcpListener) -> SimHandle {
        let core = self.core.clone();
        let handle = spawn_on(listener, self.into_router());
        core.set_base_url(handle.base_url());
        handle
    }
}

fn hook_handler(
    hook: ErrorHook,
) -> impl Fn(Request) -> std::future::Ready<Response> + Clone + Send + Sync + 'static {
    move |req: Request| {
        let (parts, _) = req.into_parts();
        std::future::ready(hook(&parts))
    }
}

fn core_error(status: StatusCode, message: String) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

fn default_not_found(parts: &Parts) -> Response {
    core_error(
        StatusCode::NOT_FOUND,
        format!("no route for {} {}", parts.method, parts.uri.path()),
    )
}

fn default_method_not_allowed(parts: &Parts) -> Response {
    core_error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "method {} not allowed on {}",
            parts.method,
            parts.uri.path()
        ),
    )
}

fn default_too_large(_: &Parts, limit: usize) -> Response {
    core_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("request body larger than {limit} bytes"),
    )
}

fn default_internal_error(method: &Method, uri: &Uri) -> Response {
    core_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("internal error while handling {method} {}", uri.path()),
    )
}

struct Middleware {
    core: SimCore,
    sim: Arc<dyn Simulator>,
    too_large: TooLargeHook,
    internal_error: InternalErrorHook,
}

/// What a panic carried, as text.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// Runs `fut`; a panic inside it becomes `Err(message)` (and an error log line).
async fn catching<F: Future<Output = Response>>(
    method: &Method,
    uri: &Uri,
    fut: F,
) -> Result<Response, String> {
    // Unwind safety: what a handler shares is behind mutexes that recover from
    // poisoning (every one in the core does), and the request's own data is dropped.
    AssertUnwindSafe(fut).catch_unwind().await.map_err(|payload| {
        let message = panic_message(&*payload);
        tracing::error!(%method, path = uri.path(), panic = %message, "handler panicked; answering 500");
        message
    })
}

/// The platform hook's 500; should the hook panic too, the core's plain one.
fn internal_error_response(hook: &InternalErrorHook, method: &Method, uri: &Uri) -> Response {
    std::panic::catch_unwind(AssertUnwindSafe(|| hook(method, uri)))
        .unwrap_or_else(|_| default_internal_error(method, uri))
}

fn is_admin(path: &str) -> bool {
    path == "/__sim" || path.starts_with("/__sim/")
}

/// Runs around every request: admin requests pass straight through (a panic in one
/// still gets a 500); platform requests get the body limit, timed ticks, fault rules, a
/// journal entry and the platform's 500 should their handler panic.
async fn middleware(State(mw): State<Arc<Middleware>>, req: Request, next: Next) -> Response {
    if is_admin(req.uri().path()) {
        let (method, uri) = (req.method().clone(), req.uri().clone());
        return catching(&method, &uri, next.run(req))
            .await
            .unwrap_or_else(|message| {
                core_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("internal error: {message}"),
                )
            });
    }
    let core = &mw.core;
    let now = core.clock.now();
    let journaling = core.journal.is_enabled();
    let (parts, body) = req.into_parts();
    // What the journal keeps is captured before the handler takes the request.
    let mut entry =
        journaling.then(|| Capture::new(now, &parts.method, &parts.uri, &parts.headers));

    let declared_len = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bytes = if declared_len.is_some_and(|n| n > core.body_limit) {
        None
    } else {
        match axum::body::to_bytes(body, core.body_limit).await {
            Ok(b) => Some(b),
            Err(e) if is_length_limit(&e) => None,
            Err(e) => {
                // The client went away mid-body: nobody will read an answer.
                tracing::debug!(error = %e, "request body could not be read");
                return StatusCode::BAD_REQUEST.into_response();
            }
        }
    };
    let Some(bytes) = bytes else {
        let resp = (mw.too_large)(&parts, core.body_limit);
        if let Some(mut entry) = entry {
            entry.status(Some(resp.status().as_u16()));
            core.journal.record(entry);
        }
        return resp;
    };
    if let Some(entry) = &mut entry {
        entry.body(&core.journal, &bytes);
    }

    let (method, uri) = (parts.method.clone(), parts.uri.clone());
    let fault = core.faults.take(parts.method.as_str(), parts.uri.path());
    if let Some(entry) = &mut entry {
        entry.fault(fault.as_ref().map(|f| f.rule));
    }
    let answer = async {
        if matches!(core.lifecycle.mode(), Progression::Timed { .. }) {
            mw.sim.tick(now);
        }
        match fault {
            Some(fault) => {
                if let Some(delay) = fault.delay {
                    // No lock is held here: the fault table was released by `take`.
                    tokio::time::sleep(delay).await;
                }
                if fault.drop {
                    let mut r = Response::new(Body::empty());
                    r.extensions_mut().insert(DropConnection);
                    return r;
                }
                match fault.reply {
                    Some(reply) => fault_response(reply),
                    None => {
                        next.run(Request::from_parts(parts, Body::from(bytes)))
                            .await
                    }
                }
            }
            None => {
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
        }
    };
    let resp = match catching(&method, &uri, answer).await {
        Ok(resp) => resp,
        Err(_) => internal_error_response(&mw.internal_error, &method, &uri),
    };
    if let Some(mut entry) = entry {
        if resp.extensions().get::<DropConnection>().is_none() {
            entry.status(Some(resp.status().as_u16()));
        }
        core.journal.record(entry);
    }
    resp
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        src = s.source();
    }
    false
}

fn fault_response(reply: FaultReply) -> Response {
    let mut resp = Response::new(Body::from(Bytes::from(reply.body)));
    *resp.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in reply.headers {
        // Validated when the rule was added.
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}
