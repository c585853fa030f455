//! Thin handlers: parse, lock, call the state, unlock, render.

pub(crate) mod admin;
pub(crate) mod notes;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::sync::Arc;

use crate::Demo;
use crate::errors::DemoError;

/// A JSON body whose rejection is the demo's own 400, never axum's plain text.
pub(crate) struct DemoJson<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for DemoJson<T> {
    type Rejection = DemoError;

    async fn from_request(req: Request, state: &S) -> Result<Self, DemoError> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|axum::Json(v)| DemoJson(v))
            .map_err(|e: JsonRejection| DemoError::BadRequest(e.body_text()))
    }
}

/// Proof that the request carried the right bearer token; checked before the body.
pub(crate) struct Authed;

impl FromRequestParts<Arc<Demo>> for Authed {
    type Rejection = DemoError;

    async fn from_request_parts(parts: &mut Parts, demo: &Arc<Demo>) -> Result<Self, DemoError> {
        let given = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given.is_some_and(|t| demo.lock().token == t);
        if ok {
            Ok(Authed)
        } else {
            Err(DemoError::Unauthorized)
        }
    }
}

/// A note id from the path; anything but a number is a 404, as for an unknown id.
pub(crate) fn note_id(raw: &str) -> Result<u64, DemoError> {
    raw.parse()
        .map_err(|_| DemoError::NotFound(format!("note {raw} not found")))
}
