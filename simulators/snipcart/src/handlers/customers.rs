//! `/customers`: list, get, and a customer's orders.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::orders::{Page, invalid};
use crate::Snipcart;
use crate::customers::{self, CustomerFilter, CustomerJson, CustomerStatus};
use crate::errors::SnipcartError;
use crate::orders::OrderJson;
use crate::query::Query;

fn not_found(id: &str) -> SnipcartError {
    SnipcartError::NotFound(format!("Customer '{id}' was not found."))
}

pub(crate) async fn list(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let q = Query::parse(raw.as_deref());
        let (offset, limit) = q.page()?;
        let filter = CustomerFilter {
            status: q
                .get("status")
                .map(|t| CustomerStatus::from_name(t).ok_or_else(|| invalid("status")))
                .transpose()?,
            email: q.get("email").map(str::to_owned),
            name: q.get("name").map(str::to_owned),
            from: q.date("from")?,
            to: q.date("to")?,
        };
        let hits = customers::search(&state.store(ctx.mode).customers, &filter);
        crate::to_json(&Page::of(hits, offset, limit, CustomerJson::of))
    })
}

pub(crate) async fn get(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let c = state
            .store(ctx.mode)
            .customers
            .get(&id)
            .ok_or_else(|| not_found(&id))?;
        crate::to_json(&CustomerJson::of(c))
    })
}

pub(crate) async fn orders(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let store = state.store(ctx.mode);
        let c = store.customers.get(&id).ok_or_else(|| not_found(&id))?;
        let mut orders = store.orders.of_email(&c.email);
        orders.reverse();
        let view: Vec<OrderJson<'_>> = orders.into_iter().map(OrderJson::of).collect();
        crate::to_json(&view)
    })
}
