//! `/customers`: list, get, and a customer's orders; `PUT /__sim/customers/{id}`, a
//! customer changing their own account (which fires `customauth:customer_updated`).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sim_core::{AdminError, AdminJson};

use super::orders::Page;
use crate::Snipcart;
use crate::customers::{self, AccountInput, CustomerFilter, CustomerJson, CustomerStatus};
use crate::errors::SnipcartError;
use crate::orders::OrderJson;
use crate::query::Query;
use crate::state::Mode;

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
            status: q.value_of("status", CustomerStatus::from_name)?,
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

/// `PUT /customers/{id}` (current docs): the addresses. It answers the *nested* shape
/// (`billingAddress {…}`), where list and get answer the flat one (reference §5).
pub(crate) async fn update(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &customers::CUSTOMER_UPDATE_SCHEMA,
        |state, ctx, input: customers::CustomerUpdateInput| {
            let c = state
                .store_mut(ctx.mode)
                .customers
                .get_mut(&id)
                .ok_or_else(|| not_found(&id))?;
            customers::update(c, input);
            crate::to_json(&*c)
        },
    )
}

/// `PUT /__sim/customers/{id}`: the customer edits their account in the storefront's
/// customer dashboard; Snipcart then sends `customauth:customer_updated`.
pub(crate) async fn update_account(
    State(s): State<Arc<Snipcart>>,
    Path(id): Path<String>,
    body: Result<AdminJson<AccountInput>, AdminError>,
) -> Response {
    let input = match body {
        Ok(AdminJson(input)) => input,
        Err(e) => return e.into_response(),
    };
    let now = s.core().clock.now();
    let done = {
        let mut state = s.lock();
        [Mode::Test, Mode::Live]
            .into_iter()
            .find(|m| state.store(*m).customers.get(&id).is_some())
            .and_then(|mode| customers::update_account(&mut state, mode, &id, input, now))
    };
    let Some((customer, outbound)) = done else {
        return AdminError::not_found(format!("no customer {id}")).into_response();
    };
    s.send(outbound);
    match crate::to_json(&CustomerJson::of(&customer)) {
        Ok(body) => crate::json_response(StatusCode::OK, body),
        Err(e) => e.into_response(),
    }
}
