//! `/carts/abandoned`: cursor-paged list and get.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::orders::invalid;
use crate::Snipcart;
use crate::carts::{self, AbandonedCart, CartFilter, TimeRange};
use crate::errors::SnipcartError;
use crate::json::ApiEnum as _;
use crate::money::Money;
use crate::query::Query;

/// The cursor envelope (reference §7): the echoed filters, the cursor, the items.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CartPage<'a> {
    limit: usize,
    time_range: &'static str,
    minimal_value: Option<Money>,
    email: Option<&'a str>,
    product_id: Option<&'a str>,
    has_more_results: bool,
    continuation_token: Option<String>,
    items: Vec<&'a AbandonedCart>,
}

pub(crate) async fn list(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let q = Query::parse(raw.as_deref());
        let limit = match q.int("limit")? {
            None => 20,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| invalid("limit"))?,
        };
        let time_range = q
            .value_of("timeRange", TimeRange::from_name)?
            .unwrap_or(TimeRange::Anytime);
        let minimal_value = q.value_of("minimalValue", Money::parse)?;
        let filter = CartFilter {
            time_range,
            minimal_value,
            email: q.get("email").map(str::to_owned),
            product_id: q.get("productId").map(str::to_owned),
        };
        let page = carts::page(
            &state.store(ctx.mode).abandoned_carts,
            &filter,
            limit,
            q.get("continuationToken"),
            ctx.now,
        )
        .map_err(|e| SnipcartError::BadRequest(format!("The request is invalid. {e}")))?;
        crate::to_json(&CartPage {
            limit,
            time_range: time_range.name(),
            minimal_value,
            email: q.get("email"),
            product_id: q.get("productId"),
            has_more_results: page.continuation_token.is_some(),
            continuation_token: page.continuation_token,
            items: page.items,
        })
    })
}

pub(crate) async fn get(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let c = state
            .store(ctx.mode)
            .abandoned_carts
            .get(&token)
            .ok_or_else(|| {
                SnipcartError::NotFound(format!("Abandoned cart '{token}' was not found."))
            })?;
        crate::to_json(c)
    })
}
