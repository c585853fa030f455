//! The route table and its handlers: the API under `/v1/`, and the `/__sim/` drivers of
//! what happens on Tunetoo's side (payment, production and shipping, cancellation,
//! stock). Every API call checks the key and the signature first, under the one lock
//! it takes; the events it causes are signed and sent after the lock is released.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, RawQuery, Request, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};
use sim_core::{AdminError, AdminJson, Progression};
use time::Date;
use time::macros::format_description;

use crate::Tunetoo;
use crate::auth::{self, KEY_HEADER, SIGNATURE_HEADER};
use crate::errors::{TResult, TunetooError, json_response};
use crate::orders::OrderInput;
use crate::render;
use crate::state::{Event, EventKind, State, Status, Tracking};

/// The API, one line a route.
pub(crate) fn platform(t: Arc<Tunetoo>) -> Router {
    Router::new()
        .route("/v1/orders", get(list_orders).post(create_order))
        .route("/v1/orders/{id}", get(get_order))
        .route("/v1/products", get(products))
        .route("/v1/webhooks", get(list_webhooks).post(create_webhook))
        .route("/v1/webhooks/{id}", get(get_webhook).delete(delete_webhook))
        .with_state(t)
}

/// The drivers under `/__sim/`.
pub(crate) fn admin(t: Arc<Tunetoo>) -> Router {
    Router::new()
        .route("/orders/pay", post(pay))
        .route("/orders/{id}/fulfil", post(fulfil))
        .route("/orders/{id}/cancel", post(cancel))
        .route("/stock/{sku}", put(set_stock))
        .with_state(t)
}

/// The shop a request speaks for: its key known, its signature right.
fn authenticate(state: &State, headers: &HeaderMap, method: &Method, body: &[u8]) -> TResult<u64> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let shop = header(KEY_HEADER)
        .and_then(|key| state.shop_by_key(key))
        .ok_or(TunetooError::Unauthorized)?;
    let signature = header(SIGNATURE_HEADER).ok_or(TunetooError::Unauthorized)?;
    if auth::verify(&shop.secret, auth::message(method, body), signature) {
        Ok(shop.id)
    } else {
        Err(TunetooError::Unauthorized)
    }
}

/// A platform request as the handlers need it: verb, headers and the body's bytes (the
/// core middleware has already buffered it within the limit).
pub(crate) struct Call {
    method: Method,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Call {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|_| TunetooError::TooLarge.into_response())?;
        Ok(Call {
            method: parts.method,
            headers: parts.headers,
            body,
        })
    }
}

/// What an API call answers, with no events: a value, or JSON already written.
fn reply(r: Reply) -> TResult<(Reply, Vec<Event>)> {
    Ok((r, Vec::new()))
}

/// What an API call answers: a value, or JSON already written.
enum Reply {
    Json(Value),
    Bytes(Vec<u8>),
    Shared(Arc<[u8]>),
}

impl Tunetoo {
    /// Runs an API call under one lock: authentication, then `f`, which answers the
    /// JSON and the events to send; those go out after the lock is released.
    fn api(
        &self,
        call: &Call,
        f: impl FnOnce(&mut State, u64) -> TResult<(Reply, Vec<Event>)>,
    ) -> Response {
        let result = {
            let mut state = self.lock();
            authenticate(&state, &call.headers, &call.method, &call.body)
                .and_then(|shop| f(&mut state, shop))
                .map(|(value, events)| (value, self.outbound(&state, &events)))
        };
        match result {
            Ok((reply, outbound)) => {
                self.send(outbound);
                match reply {
                    Reply::Json(value) => json_response(
                        StatusCode::OK,
                        serde_json::to_vec(&value).unwrap_or_default(),
                    ),
                    Reply::Bytes(bytes) => json_response(StatusCode::OK, bytes),
                    Reply::Shared(bytes) => json_response(StatusCode::OK, Bytes::from_owner(bytes)),
                }
            }
            Err(e) => e.into_response(),
        }
    }
}

fn id(raw: &str, what: &str) -> TResult<u64> {
    raw.parse()
        .map_err(|_| TunetooError::NotFound(format!("{what} {raw} not found")))
}

async fn products(AxState(t): AxState<Arc<Tunetoo>>, call: Call) -> Response {
    t.api(&call, |state, _| {
        reply(Reply::Shared(state.products_json()))
    })
}

/// The filters of `GET /v1/orders`.
fn order_filters(query: Option<&str>) -> TResult<(Option<Date>, Option<Status>)> {
    let (mut date, mut status) = (None, None);
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "created_at" => {
                let d =
                    Date::parse(v, format_description!("[year]-[month]-[day]")).map_err(|_| {
                        TunetooError::BadRequest("created_at must be a date, YYYY-MM-DD".into())
                    })?;
                date = Some(d);
            }
            "status" => {
                status = Some(Status::parse(v).ok_or_else(|| {
                    TunetooError::BadRequest(format!(
                        "status must be one of awaiting_payment, in_process, partially_fulfilled, fulfilled, cancelled, not {v}"
                    ))
                })?);
            }
            _ => {}
        }
    }
    Ok((date, status))
}

async fn list_orders(
    AxState(t): AxState<Arc<Tunetoo>>,
    RawQuery(query): RawQuery,
    call: Call,
) -> Response {
    t.api(&call, |state, shop| {
        let (date, status) = order_filters(query.as_deref())?;
        let orders = state.orders(shop, date, status);
        reply(Reply::Bytes(render::orders_bytes(orders.into_iter())))
    })
}

async fn get_order(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(raw): Path<String>,
    call: Call,
) -> Response {
    t.api(&call, |state, shop| {
        let id = id(&raw, "Order")?;
        reply(Reply::Bytes(render::order_bytes(state.order(shop, id)?)))
    })
}

async fn create_order(AxState(t): AxState<Arc<Tunetoo>>, call: Call) -> Response {
    let now = t.core.clock.now();
    t.api(&call, |state, shop| {
        let input = OrderInput::bind(&call.body)?;
        let (id, events) = state.create_order(shop, input, now)?;
        Ok((
            Reply::Bytes(render::order_bytes(state.order(shop, id)?)),
            events,
        ))
    })
}

fn webhook_json(w: &crate::state::Webhook) -> Value {
    json!({"id": w.id, "target": w.target, "event": w.event})
}

async fn list_webhooks(AxState(t): AxState<Arc<Tunetoo>>, call: Call) -> Response {
    t.api(&call, |state, shop| {
        let list: Vec<Value> = state.webhooks(shop).map(webhook_json).collect();
        reply(Reply::Json(Value::Array(list)))
    })
}

async fn get_webhook(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(raw): Path<String>,
    call: Call,
) -> Response {
    t.api(&call, |state, shop| {
        let id = id(&raw, "Webhook")?;
        reply(Reply::Json(webhook_json(state.webhook(shop, id)?)))
    })
}

async fn delete_webhook(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(raw): Path<String>,
    call: Call,
) -> Response {
    t.api(&call, |state, shop| {
        let id = id(&raw, "Webhook")?;
        reply(Reply::Json(webhook_json(&state.delete_webhook(shop, id)?)))
    })
}

async fn create_webhook(AxState(t): AxState<Arc<Tunetoo>>, call: Call) -> Response {
    t.api(&call, |state, shop| {
        let v: Value = serde_json::from_slice(&call.body)
            .map_err(|_| TunetooError::BadRequest("The body is not valid JSON".into()))?;
        let target = v
            .get("target")
            .and_then(Value::as_str)
            .filter(|t| t.starts_with("http://") || t.starts_with("https://"))
            .ok_or_else(|| TunetooError::BadRequest("target must be an http(s) URL".into()))?;
        let event = v
            .get("event")
            .and_then(Value::as_str)
            .filter(|e| EventKind::parse(e).is_some())
            .ok_or_else(|| {
                TunetooError::BadRequest(
                    "event must be one of order_change_status, order_fulfilled, stock_updated"
                        .into(),
                )
            })?;
        let w = state.add_webhook(shop, target.to_owned(), event.to_owned());
        reply(Reply::Json(webhook_json(&w)))
    })
}

// ---------------------------------------------------------------------------
// `/__sim/` drivers

fn admin_error(e: TunetooError) -> AdminError {
    match e.status() {
        StatusCode::NOT_FOUND => AdminError::not_found(e.to_string()),
        StatusCode::CONFLICT => AdminError::conflict(e.to_string()),
        _ => AdminError::bad_request(e.to_string()),
    }
}

impl Tunetoo {
    /// Runs a driver under one lock; its events go out after the lock is released.
    fn drive(
        &self,
        f: impl FnOnce(&mut State) -> TResult<(Value, Vec<Event>)>,
    ) -> Result<axum::Json<Value>, AdminError> {
        let (value, outbound) = {
            let mut state = self.lock();
            let (value, events) = f(&mut state).map_err(admin_error)?;
            let outbound = self.outbound(&state, &events);
            (value, outbound)
        };
        self.send(outbound);
        Ok(axum::Json(value))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayBody {
    ids: Vec<u64>,
}

/// `POST /__sim/orders/pay {"ids": [...]}`: the shop pays a group of orders on
/// Tunetoo's site (all or none). Production then follows the progression mode:
/// `immediate` ships each order at once, `timed` after `step_seconds`, `explicit` waits
/// for `POST /__sim/orders/{id}/fulfil`.
async fn pay(
    AxState(t): AxState<Arc<Tunetoo>>,
    body: Result<AdminJson<PayBody>, AdminError>,
) -> Result<axum::Json<Value>, AdminError> {
    let AdminJson(body) = body?;
    let now = t.core.clock.now();
    let mode = t.core.lifecycle.mode();
    t.drive(|state| {
        for id in &body.ids {
            let o = state.any_order(*id)?;
            if o.status != Status::AwaitingPayment {
                return Err(TunetooError::Conflict(format!(
                    "Order {id} is {}: only an order awaiting payment can be paid",
                    o.status.as_str()
                )));
            }
        }
        let mut events = Vec::new();
        for id in &body.ids {
            events.extend(state.pay(*id, now)?);
            match mode {
                Progression::Immediate => {
                    events.extend(state.fulfil(*id, &[], Tracking::made_up(*id), now)?);
                }
                Progression::Timed { step_seconds } => {
                    let due = now
                        .checked_add(time::Duration::seconds(
                            i64::try_from(step_seconds).unwrap_or(i64::MAX),
                        ))
                        .unwrap_or(now);
                    state.pending.schedule(due, *id);
                }
                Progression::Explicit => {}
            }
        }
        let orders: Vec<Value> = body
            .ids
            .iter()
            .filter_map(|id| state.any_order(*id).ok().map(render::order))
            .collect();
        Ok((Value::Array(orders), events))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FulfilBody {
    #[serde(default)]
    items: Vec<FulfilItem>,
    tracking_number: Option<String>,
    tracking_url: Option<String>,
    company: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FulfilItem {
    id: u64,
    quantity: i64,
}

/// `POST /__sim/orders/{id}/fulfil {items?, tracking_number?, tracking_url?,
/// company?}`: ships the items listed (every remaining one when none), adding a
/// fulfilment.
async fn fulfil(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(raw): Path<String>,
    body: Result<AdminJson<FulfilBody>, AdminError>,
) -> Result<axum::Json<Value>, AdminError> {
    let AdminJson(body) = body?;
    let now = t.core.clock.now();
    t.drive(|state| {
        let id = id(&raw, "Order")?;
        let made_up = Tracking::made_up(id);
        let tracking = Tracking {
            number: body.tracking_number.unwrap_or(made_up.number),
            url: body.tracking_url.unwrap_or(made_up.url),
            company: body.company.unwrap_or(made_up.company),
        };
        let items: Vec<(u64, i64)> = body.items.iter().map(|i| (i.id, i.quantity)).collect();
        let events = state.fulfil(id, &items, tracking, now)?;
        Ok((render::order(state.any_order(id)?), events))
    })
}

/// `POST /__sim/orders/{id}/cancel`.
async fn cancel(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(raw): Path<String>,
) -> Result<axum::Json<Value>, AdminError> {
    let now = t.core.clock.now();
    t.drive(|state| {
        let id = id(&raw, "Order")?;
        let events = state.cancel(id, now)?;
        Ok((render::order(state.any_order(id)?), events))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StockBody {
    stock: i64,
}

/// `PUT /__sim/stock/{sku} {"stock": n}`: Tunetoo's stock of a variant changes.
async fn set_stock(
    AxState(t): AxState<Arc<Tunetoo>>,
    Path(sku): Path<String>,
    body: Result<AdminJson<StockBody>, AdminError>,
) -> Result<axum::Json<Value>, AdminError> {
    let AdminJson(body) = body?;
    t.drive(|state| {
        let event = state.set_stock(&sku, body.stock)?;
        Ok((
            json!({"sku": sku, "stock": body.stock}),
            event.into_iter().collect(),
        ))
    })
}
