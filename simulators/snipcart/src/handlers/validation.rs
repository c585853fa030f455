//! `GET /requestvalidation/{token}`: is this request token one Snipcart issued?

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::Snipcart;
use crate::errors::SnipcartError;

pub(crate) async fn validate(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let issued = state
            .request_tokens
            .validate(&token, ctx.mode, ctx.now)
            .ok_or_else(|| {
                SnipcartError::NotFound(format!("The request token '{token}' is not valid."))
            })?;
        crate::to_json(&json!({ "token": issued.token, "resource": issued.resource }))
    })
}
