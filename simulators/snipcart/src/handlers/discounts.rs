//! `/discounts`: bare-array list, get, create, update, delete.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::Snipcart;
use crate::discounts::{self, DiscountInput};
use crate::errors::SnipcartError;

fn not_found(id: &str) -> SnipcartError {
    SnipcartError::NotFound(format!("Discount '{id}' was not found."))
}

fn bad(e: String) -> SnipcartError {
    SnipcartError::BadRequest(format!("The request is invalid. {e}"))
}

pub(crate) async fn list(State(s): State<Arc<Snipcart>>, headers: HeaderMap) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        crate::to_json(state.store(ctx.mode).discounts.all())
    })
}

pub(crate) async fn get(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let d = state
            .store(ctx.mode)
            .discounts
            .get(&id)
            .ok_or_else(|| not_found(&id))?;
        crate::to_json(d)
    })
}

pub(crate) async fn create(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &discounts::DISCOUNT_SCHEMA,
        |state, ctx, input: DiscountInput| {
            let id = state.peek_guid();
            let d = discounts::build(None, input, id, ctx.now).map_err(bad)?;
            state
                .store_mut(ctx.mode)
                .discounts
                .insert(d.clone())
                .map_err(bad)?;
            state.take_peeked_guid();
            crate::to_json(&d)
        },
    )
}

pub(crate) async fn update(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &discounts::DISCOUNT_SCHEMA,
        |state, ctx, input: DiscountInput| {
            let store = state.store_mut(ctx.mode);
            let old = store.discounts.get(&id).ok_or_else(|| not_found(&id))?;
            let d = discounts::build(Some(old), input, id.clone(), ctx.now).map_err(bad)?;
            store.discounts.replace(d.clone()).map_err(bad)?;
            crate::to_json(&d)
        },
    )
}

pub(crate) async fn delete(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let d = state
            .store_mut(ctx.mode)
            .discounts
            .remove(&id)
            .ok_or_else(|| not_found(&id))?;
        crate::to_json(&d)
    })
}
