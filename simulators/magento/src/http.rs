//! The request pipeline, in Magento's order (reference §1.3): install prefix and
//! `/index.php`, `/rest`, store code, verb, route, authentication and ACL, body
//! parsing, the service call, rendering.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::Magento;
use crate::auth;
use crate::errors::{MResult, MagentoError, json_bytes_response, json_response};
use crate::handlers::{Ctx, Scope};
use crate::routes;
use sim_magento_webapi::pipeline::{self, Incoming, Prefix, StoreCode};
use sim_magento_webapi::request::urldecode;

/// The axum handler every platform request goes through.
pub(crate) async fn entry(AxState(m): AxState<Arc<Magento>>, req: Request) -> Response {
    let (parts, bytes) = pipeline::split(req, m.core.body_limit()).await;
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
        pipeline::negotiate(&parts.headers, resp)
    }

    fn run(&self, parts: &Parts, body: &Bytes) -> MResult<Answer> {
        let prefix = Prefix {
            base_path: &self.options.base_path,
            rest_optional: false,
        };
        let mut incoming = Incoming::read(parts, body, prefix)?;
        let now = self.core.clock.now();

        // One lock for the whole request: store code, route, authentication, ACL and
        // the service call see one state, and nothing (a reset, an import) can fall
        // between them.
        let mut inner = self.lock();
        let inner = &mut *inner;
        inner.state.expire_quotes(now.unix_timestamp());
        let scope = match pipeline::store_code(&mut incoming.segments, |code| {
            inner.state.store_view(code).map(|v| v.id)
        }) {
            StoreCode::All => Scope::All,
            StoreCode::Store(id) => Scope::Store(id),
            StoreCode::Default => Scope::Default,
        };
        let (route, params) =
            routes::find(&parts.method, &incoming.segments).ok_or_else(MagentoError::no_route)?;
        // Anonymous routes still learn who called: `createAccount` keeps a `group_id`
        // only for holders of `Magento_Customer::manage`.
        let principal = pipeline::caller(
            &inner.state,
            &mut inner.nonces,
            &incoming.oauth,
            now.unix_timestamp(),
            route.resources.contains(&routes::ANONYMOUS),
            |state, who| auth::authorize(state, who, route.resources),
        )?;

        let mut ctx = Ctx {
            now,
            scope,
            params: params.iter().map(|p| urldecode(p)).collect(),
            body: incoming.take_body()?,
            query: incoming.query,
            state: &mut inner.state,
            principal,
            rendered: None,
        };
        let result = (route.handler)(&mut ctx).map(|value| match ctx.rendered.take() {
            Some(bytes) => Answer::Rendered(bytes),
            None => Answer::Json(value),
        });
        // Production mode: any other 500 is masked behind a report id.
        result.map_err(|e| pipeline::mask(e, &mut ctx.state.next.report))
    }
}
