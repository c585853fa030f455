//! `/orders`: list, get, update (with its webhooks), notifications and refunds.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::errors::{SResult, SnipcartError};
use crate::json::ApiEnum as _;
use crate::orders::{
    self, AddressField, NotificationEvent, NotificationInput, Order, OrderFilter, OrderJson,
    OrderStatus, OrderUpdateInput, PaymentStatus, RefundInput,
};
use crate::query::Query;
use crate::{Ctx, Snipcart};

/// The offset envelope (reference §2).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Page<T: Serialize> {
    pub(crate) total_items: usize,
    pub(crate) offset: usize,
    pub(crate) limit: usize,
    pub(crate) sort: [(); 0],
    pub(crate) items: Vec<T>,
}

impl<T: Serialize> Page<T> {
    /// `offset`..`offset+limit` of `all`.
    pub(crate) fn of<U>(all: Vec<U>, offset: usize, limit: usize, f: impl Fn(U) -> T) -> Self {
        let total_items = all.len();
        Page {
            total_items,
            offset,
            limit,
            sort: [],
            items: all.into_iter().skip(offset).take(limit).map(f).collect(),
        }
    }
}

pub(crate) use crate::query::invalid;

pub(crate) fn order_not_found(token: &str) -> SnipcartError {
    SnipcartError::NotFound(format!("Order '{token}' was not found."))
}

fn bad(e: String) -> SnipcartError {
    SnipcartError::BadRequest(format!("The request is invalid. {e}"))
}

pub(crate) async fn list(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let q = Query::parse(raw.as_deref());
        let (offset, limit) = q.page()?;
        let filter = OrderFilter {
            status: q.value_of("status", OrderStatus::from_name)?,
            payment_status: q.value_of("paymentStatus", PaymentStatus::from_name)?,
            invoice_number: q.get("invoiceNumber").map(str::to_owned),
            product_id: q.get("productId").map(str::to_owned),
            placed_by: q.get("placedBy").map(str::to_owned),
            from: q.date("from")?,
            to: q.date("to")?,
            is_recurring_order: q.bool("isRecurringOrder")?,
            address: AddressField::FILTERS
                .iter()
                .filter_map(|(name, billing, field)| {
                    q.get(name).map(|v| (*billing, *field, v.to_owned()))
                })
                .collect(),
        };
        let hits = orders::search(&state.store(ctx.mode).orders, &filter);
        crate::to_json(&Page::of(hits, offset, limit, OrderJson::of))
    })
}

pub(crate) async fn get(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let o = state
            .store(ctx.mode)
            .orders
            .get(&token)
            .ok_or_else(|| order_not_found(&token))?;
        crate::to_json(&OrderJson::of(o))
    })
}

/// Queues `event` about `order` with `extra` keys.
fn fire(state: &mut crate::State, ctx: &mut Ctx, event: &str, order: &Order, extra: Value) {
    let extra = match extra {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let out = state.webhook(event, ctx.mode, ctx.now, &OrderJson::of(order), &extra);
    ctx.outbound.extend(out);
}

pub(crate) async fn update(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &orders::ORDER_UPDATE_SCHEMA,
        |state, ctx, input: OrderUpdateInput| {
            let o = state
                .store_mut(ctx.mode)
                .orders
                .get_mut(&token)
                .ok_or_else(|| order_not_found(&token))?;
            let changes = orders::update(o, input, ctx.now).map_err(bad)?;
            let order = o.clone();
            if let Some((from, to)) = changes.status {
                let extra = json!({"from": from.name(), "to": to.name()});
                fire(state, ctx, "order.status.changed", &order, extra);
            }
            if let Some((from, to)) = changes.payment_status {
                let extra = json!({"from": from.name(), "to": to.name()});
                fire(state, ctx, "order.paymentStatus.changed", &order, extra);
            }
            if changes.tracking {
                let extra = json!({
                    "trackingNumber": order.tracking_number,
                    "trackingUrl": order.tracking_url,
                });
                fire(state, ctx, "order.trackingNumber.changed", &order, extra);
            }
            crate::to_json(&OrderJson::of(&order))
        },
    )
}

pub(crate) async fn notifications(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let (offset, limit) = Query::parse(raw.as_deref()).page()?;
        let orders = &state.store(ctx.mode).orders;
        if orders.get(&token).is_none() {
            return Err(order_not_found(&token));
        }
        let mut all = orders.notifications(&token);
        all.reverse();
        crate::to_json(&Page::of(all, offset, limit, |n| n))
    })
}

pub(crate) async fn notify(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &orders::NOTIFICATION_SCHEMA,
        |state, ctx, input: NotificationInput| {
            // The id is taken only once the notification is sure (a refusal changes nothing).
            let id = state.peek_guid();
            let store = state.store_mut(ctx.mode);
            let o = store
                .orders
                .get(&token)
                .ok_or_else(|| order_not_found(&token))?;
            let n = orders::notification(o, input, id, ctx.now).map_err(bad)?;
            state.take_peeked_guid();
            let store = state.store_mut(ctx.mode);
            store
                .orders
                .add_notification(n.clone())
                .map_err(|_| SnipcartError::Internal)?;
            let out = state.webhook(
                "order.notification.created",
                ctx.mode,
                ctx.now,
                &NotificationEvent::of(&n),
                &Map::new(),
            );
            ctx.outbound.extend(out);
            crate::to_json(&n)
        },
    )
}

pub(crate) async fn refunds(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let o = state
            .store(ctx.mode)
            .orders
            .get(&token)
            .ok_or_else(|| order_not_found(&token))?;
        crate::to_json(&o.refunds)
    })
}

pub(crate) async fn refund(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path((token, id)): Path<(String, String)>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| -> SResult<Bytes> {
        let o = state
            .store(ctx.mode)
            .orders
            .get(&token)
            .ok_or_else(|| order_not_found(&token))?;
        let r = o
            .refunds
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| SnipcartError::NotFound(format!("Refund '{id}' was not found.")))?;
        crate::to_json(r)
    })
}

pub(crate) async fn create_refund(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &orders::REFUND_SCHEMA,
        |state, ctx, input: RefundInput| {
            let id = state.peek_guid();
            let o = state
                .store_mut(ctx.mode)
                .orders
                .get_mut(&token)
                .ok_or_else(|| order_not_found(&token))?;
            let r = orders::refund(o, input, id, ctx.now).map_err(bad)?;
            state.take_peeked_guid();
            let out = state.webhook("order.refund.created", ctx.mode, ctx.now, &r, &Map::new());
            ctx.outbound.extend(out);
            crate::to_json(&r)
        },
    )
}
