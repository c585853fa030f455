//! Snipcart's error answers. The real bodies are not documented (reference §2, "Error
//! bodies"); the simulator answers every refusal as ASP.NET Web API does by default,
//! `{"message": "…"}`, with the 401 in its classic wording. The choice is written in
//! `COVERAGE.md`; clients should rely on the status, as the reference advises.

use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The 401's message (ASP.NET Web API's `AuthorizeAttribute` wording).
pub const UNAUTHORIZED: &str = "Authorization has been denied for this request.";

/// The 406's message.
pub const NOT_ACCEPTABLE: &str =
    "Our API only accepts application/json. Send the header Accept: application/json.";

/// Every refusal of the Snipcart API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnipcartError {
    /// `401`: no, or no valid, secret key.
    #[error("{UNAUTHORIZED}")]
    Unauthorized,
    /// `404` with a message.
    #[error("{0}")]
    NotFound(String),
    /// `400` with a message (validation, malformed body).
    #[error("{0}")]
    BadRequest(String),
    /// `405`.
    #[error("The requested resource does not support http method '{0}'.")]
    MethodNotAllowed(String),
    /// `406` (strict `Accept` only).
    #[error("{NOT_ACCEPTABLE}")]
    NotAcceptable,
    /// `413`.
    #[error("The request body is larger than {0} bytes.")]
    TooLarge(usize),
    /// `500`: a simulator bug, caught.
    #[error("An error has occurred.")]
    Internal,
}

/// Handlers' result.
pub type SResult<T> = Result<T, SnipcartError>;

impl SnipcartError {
    /// `404` for an unknown route or entity, worded as ASP.NET does.
    pub fn no_resource(path: &str) -> SnipcartError {
        SnipcartError::NotFound(format!(
            "No HTTP resource was found that matches the request URI '{path}'."
        ))
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        match self {
            SnipcartError::Unauthorized => StatusCode::UNAUTHORIZED,
            SnipcartError::NotFound(_) => StatusCode::NOT_FOUND,
            SnipcartError::BadRequest(_) => StatusCode::BAD_REQUEST,
            SnipcartError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            SnipcartError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            SnipcartError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            SnipcartError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for SnipcartError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&json!({ "message": self.to_string() })).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        res.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        if self == SnipcartError::Unauthorized {
            res.headers_mut()
                .insert("www-authenticate", HeaderValue::from_static("Basic"));
        }
        res
    }
}
