//! The admin API, mounted at `/__sim/` on every simulator port. JSON in, JSON out; a
//! bad admin request gets `400 {"error": "…"}` saying what is wrong. See `ADMIN.md`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::OriginalUri;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::app::{SimCore, Simulator};
use crate::clock::rfc3339;
use crate::faults::FaultSpec;
use crate::journal::JournalFilter;
use crate::lifecycle::Progression;
use crate::pattern::PathPattern;

#[derive(Clone)]
pub(crate) struct AdminState {
    core: SimCore,
    sim: Arc<dyn Simulator>,
}

/// An admin API error: `{"error": message}` with a status.
#[derive(Debug)]
pub struct AdminError {
    status: StatusCode,
    message: String,
}

impl AdminError {
    /// `400` with `message`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    /// `404` with `message`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    /// `409` with `message` (a lifecycle step that is not allowed now).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            message: message.into(),
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// A JSON body whose rejection is an [`AdminError`], never axum's plain-text default.
/// Platform crates use it for their own `/__sim/` routes too.
#[derive(Debug)]
pub struct AdminJson<T>(pub T);

impl<S, T> FromRequest<S> for AdminJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(AdminJson(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> AdminError {
    AdminError::bad_request(r.body_text())
}

fn query_rejection(r: QueryRejection) -> AdminError {
    AdminError::bad_request(r.body_text())
}

pub(crate) fn router(core: SimCore, sim: Arc<dyn Simulator>) -> Router {
    Router::new()
        .route("/info", get(info))
        .route("/reset", post(reset))
        .route("/state", get(export_state).put(import_state))
        .route("/requests", get(list_requests).delete(clear_requests))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/faults/{id}", delete(remove_fault))
        .route("/clock", get(read_clock).put(set_clock))
        .route("/clock/advance", post(advance_clock))
        .route("/lifecycle", get(read_lifecycle).put(set_lifecycle))
        .route("/webhooks", get(list_webhooks).delete(clear_webhooks))
        .with_state(AdminState { core, sim })
}

/// Adds the admin fallbacks once every admin route (core and platform) is in.
pub(crate) fn finish(admin: Router) -> Router {
    admin
        // Nested under `/__sim`, the router sees stripped paths: name the original.
        .method_not_allowed_fallback(|method: Method, OriginalUri(uri): OriginalUri| async move {
            AdminError {
                status: StatusCode::METHOD_NOT_ALLOWED,
                message: format!("method {method} not allowed on {}", uri.path()),
            }
        })
        .fallback(|method: Method, OriginalUri(uri): OriginalUri| async move {
            AdminError::not_found(format!("no admin route {method} {}", uri.path()))
        })
}

async fn info(State(s): State<AdminState>) -> Json<Value> {
    Json(json!({
        "platform": s.sim.platform(),
        "version": s.sim.version(),
        "base_url": s.core.base_url(),
        "credentials": s.sim.credentials(),
    }))
}

async fn reset(State(s): State<AdminState>) -> Json<Value> {
    s.core.reset();
    s.sim.reset();
    Json(json!({ "reset": true }))
}

async fn export_state(State(s): State<AdminState>) -> Json<Value> {
    Json(s.sim.export_state())
}

async fn import_state(
    State(s): State<AdminState>,
    body: Result<AdminJson<Value>, AdminError>,
) -> Result<Json<Value>, AdminError> {
    let AdminJson(state) = body?;
    s.sim
        .import_state(state)
        .map_err(|e| AdminError::bad_request(format!("state not imported: {e}")))?;
    Ok(Json(json!({ "imported": true })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestsQuery {
    method: Option<String>,
    path: Option<String>,
}

async fn list_requests(
    State(s): State<AdminState>,
    q: Result<Query<RequestsQuery>, QueryRejection>,
) -> Result<Json<Value>, AdminError> {
    let Query(q) = q.map_err(query_rejection)?;
    let path = match q.path.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(PathPattern::new(p).map_err(|e| AdminError::bad_request(e.to_string()))?),
        None => None,
    };
    let entries = s.core.journal.list(&JournalFilter {
        method: q.method,
        path,
    });
    Ok(Json(json!({
        "enabled": s.core.journal.is_enabled(),
        "count": entries.len(),
        "requests": entries,
    })))
}

async fn clear_requests(State(s): State<AdminState>) -> Json<Value> {
    let n = s.core.journal.len();
    s.core.journal.clear();
    Json(json!({ "cleared": n }))
}

async fn list_faults(State(s): State<AdminState>) -> Json<Value> {
    Json(json!({ "faults": s.core.faults.list() }))
}

async fn add_fault(
    State(s): State<AdminState>,
    body: Result<AdminJson<FaultSpec>, AdminError>,
) -> Result<(StatusCode, Json<Value>), AdminError> {
    let AdminJson(spec) = body?;
    let view = s
        .core
        .faults
        .add(spec)
        .map_err(|e| AdminError::bad_request(e.to_string()))?;
    Ok((StatusCode::CREATED, Json(json!(view))))
}

async fn clear_faults(State(s): State<AdminState>) -> Json<Value> {
    let n = s.core.faults.list().len();
    s.core.faults.clear();
    Json(json!({ "cleared": n }))
}

async fn remove_fault(
    State(s): State<AdminState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, AdminError> {
    let id: u64 = id
        .parse()
        .map_err(|_| AdminError::bad_request(format!("fault id must be a number, got {id:?}")))?;
    if s.core.faults.remove(id) {
        Ok(Json(json!({ "removed": id })))
    } else {
        Err(AdminError::not_found(format!("no fault rule {id}")))
    }
}

fn clock_view(core: &SimCore) -> Json<Value> {
    let now = core.clock.now();
    Json(json!({
        "now": rfc3339(now),
        "unix": now.unix_timestamp(),
        "mode": core.clock.mode(),
    }))
}

async fn read_clock(State(s): State<AdminState>) -> Json<Value> {
    clock_view(&s.core)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    #[serde(default, with = "time::serde::rfc3339::option")]
    now: Option<OffsetDateTime>,
    unix: Option<i64>,
}

async fn set_clock(
    State(s): State<AdminState>,
    body: Result<AdminJson<SetClock>, AdminError>,
) -> Result<Json<Value>, AdminError> {
    let AdminJson(req) = body?;
    let at = match (req.now, req.unix) {
        (Some(at), None) => at,
        (None, Some(unix)) => OffsetDateTime::from_unix_timestamp(unix)
            .map_err(|e| AdminError::bad_request(format!("unix time out of range: {e}")))?,
        _ => {
            return Err(AdminError::bad_request(
                "give exactly one of now (RFC 3339) or unix (seconds)",
            ));
        }
    };
    s.core
        .clock
        .try_set(at)
        .map_err(|e| AdminError::bad_request(e.to_string()))?;
    tick_if_timed(&s);
    Ok(clock_view(&s.core))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: Option<u64>,
    ms: Option<u64>,
}

async fn advance_clock(
    State(s): State<AdminState>,
    body: Result<AdminJson<Advance>, AdminError>,
) -> Result<Json<Value>, AdminError> {
    let AdminJson(req) = body?;
    let by = match (req.seconds, req.ms) {
        (Some(secs), None) => Duration::from_secs(secs),
        (None, Some(ms)) => Duration::from_millis(ms),
        _ => return Err(AdminError::bad_request("give exactly one of seconds or ms")),
    };
    s.core
        .clock
        .try_advance(by)
        .map_err(|e| AdminError::bad_request(e.to_string()))?;
    tick_if_timed(&s);
    Ok(clock_view(&s.core))
}

fn tick_if_timed(s: &AdminState) {
    if matches!(s.core.lifecycle.mode(), Progression::Timed { .. }) {
        s.sim.tick(s.core.clock.now());
    }
}

async fn read_lifecycle(State(s): State<AdminState>) -> Json<Value> {
    Json(json!(s.core.lifecycle.mode()))
}

async fn set_lifecycle(
    State(s): State<AdminState>,
    body: Result<AdminJson<Progression>, AdminError>,
) -> Result<Json<Value>, AdminError> {
    let AdminJson(mode) = body?;
    if !s.sim.has_lifecycle() {
        return Err(AdminError::bad_request(format!(
            "{} has no lifecycle progression: nothing on it moves by itself, so there is no mode to set",
            s.sim.platform()
        )));
    }
    s.core.lifecycle.set(mode);
    Ok(Json(json!(mode)))
}

/// Longest `wait_ms` of `GET /__sim/webhooks`.
const MAX_WEBHOOK_WAIT_MS: u64 = 60_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhooksQuery {
    wait_ms: Option<u64>,
}

/// The delivery log; with `wait_ms`, first waits (up to that long) until the deliveries
/// have settled: nothing left to do until the clock moves.
async fn list_webhooks(
    State(s): State<AdminState>,
    q: Result<Query<WebhooksQuery>, QueryRejection>,
) -> Result<Json<Value>, AdminError> {
    let Query(q) = q.map_err(query_rejection)?;
    if let Some(ms) = q.wait_ms {
        if ms > MAX_WEBHOOK_WAIT_MS {
            return Err(AdminError::bad_request(format!(
                "wait_ms must be at most {MAX_WEBHOOK_WAIT_MS}, got {ms}"
            )));
        }
        s.core.webhooks.idle(Duration::from_millis(ms)).await;
    }
    // Read before the log: when `settled` is true, the log shows every delivery in its
    // settled state (a delivery sent since may show too, pending).
    let settled = s.core.webhooks.is_idle();
    Ok(Json(json!({
        "settled": settled,
        "deliveries": s.core.webhooks.log(),
    })))
}

async fn clear_webhooks(State(s): State<AdminState>) -> Json<Value> {
    s.core.webhooks.clear();
    Json(json!({ "cleared": true }))
}
