//! The request pipeline, in Magento's order (reference §1.3): install prefix and
//! `/index.php`, `/rest`, store code, verb, route, authentication and ACL, body
//! parsing, the service call, rendering.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::Magento;
use crate::auth::{self, oauth::OAuthRequest};
use crate::errors::{MResult, MagentoError, json_bytes_response, json_response, msg};
use crate::handlers::{Ctx, Scope};
use crate::phpquery;
use crate::routes;
use sim_magento_webapi::request::{accepts_json, header_str, parse_body, rest_path, urldecode};

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
