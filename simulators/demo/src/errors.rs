//! The demo service's error bodies: `{"error": code, "message": text}`. One enum, one
//! `IntoResponse`, messages as constants, as every platform crate does it.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Message of the 401.
pub const UNAUTHORIZED: &str = "missing or wrong bearer token";

/// Every refusal of the demo service.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DemoError {
    /// Returns `401` `unauthorized`.
    #[error("{UNAUTHORIZED}")]
    Unauthorized,
    /// Returns `404` `not_found` (unknown note or route).
    #[error("{0}")]
    NotFound(String),
    /// Returns `405` `method_not_allowed`.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// Returns `400` `bad_request` (malformed JSON, missing field, bad value).
    #[error("{0}")]
    BadRequest(String),
    /// Returns `409` `conflict` (a lifecycle step not allowed now).
    #[error("{0}")]
    Conflict(String),
    /// Returns `413` `payload_too_large`.
    #[error("request body larger than {0} bytes")]
    TooLarge(usize),
}

impl DemoError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            DemoError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            DemoError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            DemoError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
            }
            DemoError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            DemoError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            DemoError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        }
    }
}

impl IntoResponse for DemoError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        (
            status,
            Json(json!({ "error": code, "message": self.to_string() })),
        )
            .into_response()
    }
}
