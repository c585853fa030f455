//! Magento's error envelope, exactly as the web-API renders it (reference §1.7).
//!
//! `{"message": <raw template>, "parameters": [..] | {..}, "errors": [..]}`:
//!
//! - domain errors keep their **raw template** (`%1`, `%fieldName`) and carry the
//!   arguments in `parameters`: positional arguments as an array, named ones as an
//!   object; no arguments, no `parameters` key;
//! - framework errors (routing, Content-Type, decoding) are already rendered and have
//!   no `parameters`;
//! - aggregates (several input errors, MSI validation) list their parts in `errors[]`,
//!   each entry with a `parameters` key (possibly `[]`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Arguments of a message template.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Params {
    /// No arguments: the key is left out (or `[]` inside `errors[]`).
    #[default]
    None,
    /// `%1`, `%2`… → a JSON array.
    Positional(Vec<Value>),
    /// `%fieldName`… → a JSON object, in the order given.
    Named(Vec<(String, Value)>),
}

impl Params {
    /// Named arguments from pairs.
    pub fn named<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        Params::Named(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    fn to_json(&self) -> Option<Value> {
        match self {
            Params::None => None,
            Params::Positional(v) => Some(Value::Array(v.clone())),
            Params::Named(pairs) => {
                let mut map = Map::new();
                for (k, v) in pairs {
                    map.insert(k.clone(), v.clone());
                }
                Some(Value::Object(map))
            }
        }
    }

    /// The message with its placeholders substituted (what a client would display).
    pub fn render(&self, template: &str) -> String {
        let mut out = template.to_owned();
        match self {
            Params::None => {}
            Params::Positional(values) => {
                // Highest index first so `%1` does not eat the start of `%10`.
                for (i, v) in values.iter().enumerate().rev() {
                    out = out.replace(&format!("%{}", i + 1), &scalar_text(v));
                }
            }
            Params::Named(pairs) => {
                let mut pairs: Vec<_> = pairs.iter().collect();
                pairs.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
                for (k, v) in pairs {
                    out = out.replace(&format!("%{k}"), &scalar_text(v));
                }
            }
        }
        out
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One entry of an aggregate's `errors[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEntry {
    /// Raw template.
    pub message: String,
    /// Its arguments.
    pub parameters: Params,
}

impl ErrorEntry {
    /// An entry without arguments.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            parameters: Params::None,
        }
    }

    /// An entry with arguments.
    pub fn with(message: impl Into<String>, parameters: Params) -> Self {
        Self {
            message: message.into(),
            parameters,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "message": self.message,
            "parameters": self.parameters.to_json().unwrap_or_else(|| json!([])),
        })
    }
}

/// Messages clients match on, verbatim.
pub mod msg {
    /// No route for the path and method.
    pub const NO_ROUTE: &str = "Request does not match any route.";
    /// A verb other than GET, POST, PUT, DELETE.
    pub const INVALID_METHOD: &str = "Request method is invalid.";
    /// ACL refusal; `%resources` is named.
    pub const NOT_AUTHORIZED: &str = "The consumer isn't authorized to access %resources.";
    /// A required argument is missing; `%fieldName` is named.
    pub const REQUIRED: &str = "\"%fieldName\" is required. Enter and try again.";
    /// Top message of an aggregate of input errors.
    pub const INPUT_EXCEPTIONS: &str = "One or more input exceptions have occurred.";
    /// Malformed JSON body (production mode).
    pub const DECODING: &str = "Decoding error.";
    /// A body without a Content-Type.
    pub const CONTENT_TYPE_EMPTY: &str = "Content-Type header is empty.";
    /// A Content-Type that is not `type/subtype[; charset=x]`.
    pub const CONTENT_TYPE_INVALID: &str = "Content-Type header is invalid.";
    /// A charset other than UTF-8.
    pub const CHARSET: &str = "UTF-8 is the only supported charset.";
    /// MSI validation aggregate.
    pub const VALIDATION_FAILED: &str = "Validation Failed";
    /// Masked 500 prefix; the report id follows.
    pub const INTERNAL: &str =
        "Internal Error. Details are available in Magento log file. Report ID: ";
}

/// A Magento error response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {}", parameters.render(message))]
pub struct MagentoError {
    /// HTTP status.
    pub status: StatusCode,
    /// Raw template (or rendered text for framework errors).
    pub message: String,
    /// Template arguments.
    pub parameters: Params,
    /// Parts of an aggregate.
    pub errors: Vec<ErrorEntry>,
}

impl MagentoError {
    /// An error without arguments.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            parameters: Params::None,
            errors: Vec::new(),
        }
    }

    /// Adds arguments.
    pub fn params(mut self, parameters: Params) -> Self {
        self.parameters = parameters;
        self
    }

    /// Positional arguments (`%1`…).
    pub fn positional(self, values: impl IntoIterator<Item = Value>) -> Self {
        self.params(Params::Positional(values.into_iter().collect()))
    }

    /// Named arguments (`%fieldName`…).
    pub fn named<K: Into<String>>(self, pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        self.params(Params::named(pairs))
    }

    /// A 400 (Magento's `InputException`, `LocalizedException`, …).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// A 401 (authentication or authorization).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    /// A 404 (`NoSuchEntityException`).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 404 `Request does not match any route.`
    pub fn no_route() -> Self {
        Self::not_found(msg::NO_ROUTE)
    }

    /// 400 `Request method is invalid.`
    pub fn invalid_method() -> Self {
        Self::bad_request(msg::INVALID_METHOD)
    }

    /// 401 `The consumer isn't authorized to access %resources.`
    pub fn not_authorized(resources: &[&str]) -> Self {
        Self::unauthorized(msg::NOT_AUTHORIZED)
            .named([("resources", Value::String(resources.join(", ")))])
    }

    /// 400 `"%fieldName" is required. Enter and try again.`
    pub fn required(field: &str) -> Self {
        Self::bad_request(msg::REQUIRED).named([("fieldName", Value::String(field.to_owned()))])
    }

    /// Several input errors: one becomes the top-level message, two or more are listed
    /// under `One or more input exceptions have occurred.` (Magento's `InputException`).
    pub fn input(mut entries: Vec<ErrorEntry>) -> Self {
        if entries.len() == 1 {
            let e = entries.remove(0);
            return Self::bad_request(e.message).params(e.parameters);
        }
        let mut err = Self::bad_request(msg::INPUT_EXCEPTIONS);
        err.errors = entries;
        err
    }

    /// Each missing field as a `required` entry, aggregated as `input` does.
    pub fn required_fields(fields: &[&str]) -> Self {
        Self::input(
            fields
                .iter()
                .map(|f| {
                    ErrorEntry::with(
                        msg::REQUIRED,
                        Params::named([("fieldName", Value::String((*f).to_owned()))]),
                    )
                })
                .collect(),
        )
    }

    /// MSI `ValidationException`: top message `message` (usually `Validation Failed`)
    /// with every entry in `errors[]`.
    pub fn validation(message: impl Into<String>, entries: Vec<ErrorEntry>) -> Self {
        let mut err = Self::bad_request(message);
        err.errors = entries;
        err
    }

    /// The masked 500 of production mode, with a `webapi-` report id.
    pub fn internal(report: u64) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{}webapi-{report:013x}", msg::INTERNAL),
        )
    }

    /// Magento's developer-mode text for a property `class` has no getter for (a PHP
    /// `LogicException`, so a 500 that the pipeline masks): `key` as the client sent
    /// it, in snake_case or camelCase.
    pub fn unknown_property(key: &str, class: &str) -> Self {
        // `SimpleDataObjectConverter::snakeCaseToUpperCamelCase`.
        let property: String = key
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_uppercase().chain(chars).collect()
                })
            })
            .collect();
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "Property \"{property}\" does not have accessor method \"get{property}\" in class \"{class}\"."
            ),
        )
    }

    /// The body as JSON.
    pub fn body(&self) -> Value {
        let mut map = Map::new();
        map.insert("message".into(), Value::String(self.message.clone()));
        if let Some(p) = self.parameters.to_json() {
            map.insert("parameters".into(), p);
        }
        if !self.errors.is_empty() {
            map.insert(
                "errors".into(),
                Value::Array(self.errors.iter().map(ErrorEntry::to_json).collect()),
            );
        }
        Value::Object(map)
    }
}

/// `Content-Type` of every Magento JSON response.
pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A JSON response the way Magento sends it.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"[]".to_vec());
    json_bytes_response(status, bytes.into())
}

/// A response with JSON already rendered to bytes, with Magento's content type.
pub fn json_bytes_response(status: StatusCode, bytes: axum::body::Bytes) -> Response {
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    resp
}

impl IntoResponse for MagentoError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// Result of every Magento operation.
pub type MResult<T> = Result<T, MagentoError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_parameters_are_an_object_and_positional_an_array() {
        assert_eq!(
            MagentoError::required("product").body(),
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "product"}})
        );
        assert_eq!(
            MagentoError::bad_request("Signature method %1 is not supported")
                .positional([json!("HMAC-SHA1")])
                .body(),
            json!({"message": "Signature method %1 is not supported", "parameters": ["HMAC-SHA1"]})
        );
        assert_eq!(
            MagentoError::no_route().body(),
            json!({"message": "Request does not match any route."})
        );
    }

    #[test]
    fn one_input_error_is_flattened_two_are_listed() {
        assert_eq!(
            MagentoError::required_fields(&["username"]),
            MagentoError::required("username")
        );
        assert_eq!(
            MagentoError::required_fields(&["username", "password"]).body(),
            json!({
                "message": "One or more input exceptions have occurred.",
                "errors": [
                    {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "username"}},
                    {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}}
                ]
            })
        );
    }

    #[test]
    fn validation_entries_always_carry_parameters() {
        let err = MagentoError::validation(
            msg::VALIDATION_FAILED,
            vec![ErrorEntry::new("Default source can not be disabled.")],
        );
        assert_eq!(
            err.body(),
            json!({"message": "Validation Failed",
                   "errors": [{"message": "Default source can not be disabled.", "parameters": []}]})
        );
    }

    #[test]
    fn render_substitutes_placeholders() {
        let p = Params::named([("fieldName", json!("id")), ("fieldValue", json!(99))]);
        assert_eq!(
            p.render("No such entity with %fieldName = %fieldValue"),
            "No such entity with id = 99"
        );
        assert_eq!(
            MagentoError::internal(0x65f1c2d3e4a5b).message,
            "Internal Error. Details are available in Magento log file. Report ID: webapi-65f1c2d3e4a5b"
        );
    }
}
