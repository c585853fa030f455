//! The request pipeline, in Magento's order (reference §1.3): install prefix and
//! `/index.php`, `/rest`, store code, verb, route, authentication and ACL, body
//! parsing, the service call, rendering.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use crate::Magento;
use crate::auth::{self, oauth::OAuthRequest};
use crate::errors::{MResult, MagentoError, json_bytes_response, json_response, msg};
use crate::handlers::{Ctx, Scope};
use crate::phpquery;
use crate::routes;

/// The axum handler every platform request goes through.
pub(crate) async fn entry(AxState(m): AxState<Arc<Magento>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // The core middleware has already buffered the body within the limit.
    let bytes = axum::body::to_bytes(body, m.core.body_limit())
        .await
        .unwrap_or_default();
    if !is_search(&parts) {
        return m.handle(&parts, &bytes);
    }
    // A search reads every row of its table (100k products: milliseconds). It runs on
    // the blocking pool so the async workers, which every simulator of the process
    // and the admin API share, keep serving meanwhile (BENCHMARKS.md measures it).
    match tokio::task::spawn_blocking(move || m.handle(&parts, &bytes)).await {
        Ok(resp) => resp,
        // A panic goes on to the core's panic layer, which answers the platform's 500.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => MagentoError::new(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable")
            .into_response(),
    }
}

/// True for a request with searchCriteria: a list endpoint that may read a whole table.
fn is_search(parts: &Parts) -> bool {
    parts.method == Method::GET
        && parts
            .uri
            .query()
            .is_some_and(|q| q.contains("searchCriteria") || q.contains("search_criteria"))
}

/// `/magento-2.4.0/index.php/rest/default/V1/products` → `(Some("default/V1/products"))`
/// after the install prefix; `None` when the path is not a REST path of this install.
fn rest_path<'p>(path: &'p str, base_path: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(base_path)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = match rest.strip_prefix("/index.php") {
        Some(r) if r.is_empty() || r.starts_with('/') => r,
        _ => rest,
    };
    let rest = rest.strip_prefix("/rest")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(rest)
}

/// PHP `urldecode`: `+` is a space, `%XX` decoded, invalid escapes kept.
pub(crate) fn urldecode(s: &str) -> String {
    if !s.contains(['+', '%']) {
        // Nothing to decode: the usual SKU or id.
        return s.to_owned();
    }
    let plus = s.replace('+', " ");
    percent_decode_str(&plus).decode_utf8_lossy().into_owned()
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses a POST/PUT body after Magento's Content-Type rules (reference §1.4).
fn parse_body(parts: &Parts, body: &[u8]) -> MResult<Value> {
    if !(parts.method == Method::POST || parts.method == Method::PUT) || body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let Some(content_type) =
        header_str(&parts.headers, header::CONTENT_TYPE).filter(|c| !c.trim().is_empty())
    else {
        return Err(MagentoError::bad_request(msg::CONTENT_TYPE_EMPTY));
    };
    let (media, params) = content_type
        .split_once(';')
        .map_or((content_type, ""), |(m, p)| (m, p));
    let media = media.trim().to_ascii_lowercase();
    let valid = media.split_once('/').is_some_and(|(t, s)| {
        let ok = |x: &str| {
            !x.is_empty()
                && x.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b))
        };
        ok(t) && ok(s)
    });
    if !valid {
        return Err(MagentoError::bad_request(msg::CONTENT_TYPE_INVALID));
    }
    if let Some(charset) = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"'))
    {
        if !charset.eq_ignore_ascii_case("utf-8") {
            return Err(MagentoError::bad_request(msg::CHARSET));
        }
    }
    if media != "application/json" {
        return Err(MagentoError::bad_request(format!(
            "Server cannot understand Content-Type HTTP header media type {media}"
        )));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|_| MagentoError::bad_request(msg::DECODING))?;
    Ok(match value {
        Value::Object(_) => value,
        // PHP casts a non-object to an array with numeric keys: no named argument.
        _ => Value::Object(Map::new()),
    })
}

/// True when the `Accept` header lets Magento answer JSON.
fn accepts_json(headers: &HeaderMap) -> Result<(), String> {
    let Some(accept) = header_str(headers, header::ACCEPT) else {
        return Ok(());
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .filter(|t| !t.is_empty())
        .collect();
    if types.is_empty()
        || types.iter().any(|t| {
            t.eq_ignore_ascii_case("*/*")
                || t.eq_ignore_ascii_case("application/*")
                || t.eq_ignore_ascii_case("application/json")
        })
    {
        Ok(())
    } else {
        Err(types.join(", "))
    }
}

/// What a service call answered: a value to serialize, or JSON the handler wrote itself.
enum Answer {
    Json(Value),
    Rendered(Bytes),
}

impl Magento {
    /// Runs one platform request to its response.
    pub(crate) fn handle(&self, parts: &Parts, body: &Bytes) -> Response {
        let resp = match self.run(parts, body) {
            Ok(Answer::Json(value)) => json_response(StatusCode::OK, &value),
            Ok(Answer::Rendered(bytes)) => json_bytes_response(StatusCode::OK, bytes),
            Err(err) => err.into_response(),
        };
        match accepts_json(&parts.headers) {
            Ok(()) => resp,
            Err(types) => MagentoError::new(
                StatusCode::NOT_ACCEPTABLE,
                format!(
                    "Server cannot match any of the given Accept HTTP header media type(s) from the request: \"{types}\" with media types from the config of response renderer."
                ),
            )
            .into_response(),
        }
    }

    fn run(&self, parts: &Parts, body: &Bytes) -> MResult<Answer> {
        let path = parts.uri.path();
        let rest = rest_path(path, &self.options.base_path).ok_or_else(MagentoError::no_route)?;
        if ![Method::GET, Method::POST, Method::PUT, Method::DELETE].contains(&parts.method) {
            return Err(MagentoError::invalid_method());
        }
        let mut segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
        let now = self.core.clock.now();
        // Parsed before the lock is taken; a bad body is reported after routing and
        // authentication, where Magento reports it.
        let parsed = parse_body(parts, body);
        let query = parts
            .uri
            .query()
            .map_or_else(|| Value::Object(Map::new()), phpquery::parse_query);

        // One lock for the whole request: store code, route, authentication, ACL and
        // the service call see one state, and nothing (a reset, an import) can fall
        // between them.
        let mut inner = self.lock();
        let inner = &mut *inner;
        inner.state.expire_quotes(now.unix_timestamp());
        let (route, params, scope, principal) = {
            let scope = match segments.first().copied() {
                Some("all") => {
                    segments.remove(0);
                    Scope::All
                }
                Some(code) => match inner.state.store_view(code) {
                    Some(view) => {
                        let id = view.id;
                        segments.remove(0);
                        Scope::Store(id)
                    }
                    None => Scope::Default,
                },
                None => Scope::Default,
            };
            let (route, params) =
                routes::find(&parts.method, &segments).ok_or_else(MagentoError::no_route)?;
            let anonymous = route.resources.contains(&routes::ANONYMOUS);
            let principal = {
                let host = header_str(&parts.headers, header::HOST)
                    .or_else(|| parts.uri.authority().map(|a| a.as_str()))
                    .unwrap_or("localhost");
                let req = OAuthRequest {
                    method: parts.method.as_str(),
                    scheme: "http",
                    host,
                    path,
                    query: parts.uri.query(),
                    authorization: header_str(&parts.headers, header::AUTHORIZATION),
                    content_type: header_str(&parts.headers, header::CONTENT_TYPE),
                    body,
                };
                let who =
                    auth::authenticate(&inner.state, &mut inner.nonces, &req, now.unix_timestamp());
                if anonymous {
                    // Anonymous routes are never refused for their credentials, but a
                    // service may still ask who is calling (`createAccount` keeps a
                    // `group_id` only for holders of `Magento_Customer::manage`).
                    who.unwrap_or(crate::handlers::Principal::Guest)
                } else {
                    let who = who?;
                    auth::authorize(&inner.state, &who, route.resources)?;
                    who
                }
            };
            (route, params, scope, principal)
        };

        let body = parsed?;
        let mut ctx = Ctx {
            state: &mut inner.state,
            now,
            scope,
            params: params.iter().map(|p| urldecode(p)).collect(),
            query,
            body,
            principal,
            rendered: None,
        };
        let result = (route.handler)(&mut ctx).map(|value| match ctx.rendered.take() {
            Some(bytes) => Answer::Rendered(bytes),
            None => Answer::Json(value),
        });
        // Production mode: any other 500 is masked behind a report id.
        result.map_err(|e| {
            if e.status == StatusCode::INTERNAL_SERVER_ERROR
                && !e.message.starts_with(msg::INTERNAL)
            {
                let report = ctx.state.next.report;
                ctx.state.next.report = ctx.state.next.report.wrapping_add(1);
                MagentoError::internal(report)
            } else {
                e
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_paths_with_prefix_and_index_php() {
        assert_eq!(rest_path("/rest/V1/modules", ""), Some("/V1/modules"));
        assert_eq!(
            rest_path("/magento-2.4.0/rest/default/V1/products", "/magento-2.4.0"),
            Some("/default/V1/products")
        );
        assert_eq!(
            rest_path("/magento-2.4.0/index.php/rest/V1/modules", "/magento-2.4.0"),
            Some("/V1/modules")
        );
        assert_eq!(rest_path("/rest/V1/modules", "/magento-2.4.0"), None);
        assert_eq!(rest_path("/magento-2.4.0x/rest/V1", "/magento-2.4.0"), None);
        assert_eq!(rest_path("/restful/V1", ""), None);
        assert_eq!(
            rest_path("/index.php/rest/V1/modules", ""),
            Some("/V1/modules")
        );
    }

    #[test]
    fn urldecode_is_php_urldecode() {
        assert_eq!(urldecode("a+b%20c%2Fd"), "a b c/d");
        assert_eq!(urldecode("test-001"), "test-001");
        assert_eq!(urldecode("é+%C3%A9"), "é é");
        assert_eq!(urldecode("100%"), "100%");
    }
}
