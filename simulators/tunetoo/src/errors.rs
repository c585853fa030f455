//! Tunetoo's error answers: `{"code": "error", "message": …, "data": {"status": …}}`
//! with the status in the HTTP status line too (seed 004: "Ce code sera également présent
//! dans l'attribut status contenu dans data"). Only the 401's wording is documented; the
//! others are the simulator's (COVERAGE.md).

use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Every refusal of the Tunetoo API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TunetooError {
    /// `401 Unauthorized`: no, or an unknown, API key; no, or a wrong, signature.
    #[error("Unauthorized")]
    Unauthorized,
    /// `400` with a message: a body that is not JSON, a field missing or of the wrong
    /// type, a bad query parameter.
    #[error("{0}")]
    BadRequest(String),
    /// `404` with a message.
    #[error("{0}")]
    NotFound(String),
    /// `405`: a verb the route does not take (the API uses GET, POST and DELETE only).
    #[error("Method Not Allowed")]
    MethodNotAllowed,
    /// `409`: a lifecycle step the order's status does not allow (the `/__sim/` drivers).
    #[error("{0}")]
    Conflict(String),
    /// `413`.
    #[error("Request Entity Too Large")]
    TooLarge,
    /// `422`: a well-formed order the catalogue cannot make (unknown or out-of-stock
    /// product).
    #[error("{0}")]
    Unprocessable(String),
    /// `500`: a simulator bug, caught.
    #[error("Internal Server Error")]
    Internal,
}

/// Handlers' result.
pub type TResult<T> = Result<T, TunetooError>;

impl TunetooError {
    /// `404` for a path no route takes.
    pub fn no_route() -> TunetooError {
        TunetooError::NotFound("Not Found".into())
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        match self {
            TunetooError::Unauthorized => StatusCode::UNAUTHORIZED,
            TunetooError::BadRequest(_) => StatusCode::BAD_REQUEST,
            TunetooError::NotFound(_) => StatusCode::NOT_FOUND,
            TunetooError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            TunetooError::Conflict(_) => StatusCode::CONFLICT,
            TunetooError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            TunetooError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            TunetooError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body.
    pub fn body(&self) -> serde_json::Value {
        json!({
            "code": "error",
            "message": self.to_string(),
            "data": { "status": self.status().as_u16() },
        })
    }
}

/// `body` as `application/json; charset=UTF-8`.
pub(crate) fn json_response(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut res = (status, body.into()).into_response();
    res.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    res
}

impl IntoResponse for TunetooError {
    fn into_response(self) -> Response {
        json_response(
            self.status(),
            serde_json::to_vec(&self.body()).unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_401_is_the_docs_body() {
        assert_eq!(
            TunetooError::Unauthorized.body(),
            json!({"code": "error", "message": "Unauthorized", "data": {"status": 401}})
        );
    }
}
