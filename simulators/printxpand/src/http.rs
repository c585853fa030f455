//! The extension's web API: Magento's front controller (`sim_magento_webapi::pipeline`)
//! in front of the six batch endpoints.
//!
//! Paths are taken with and without `/rest` and `/index.php`, with or without the
//! trailing slash and with the `default` or `all` store code, as the seed writes
//! `<HOST>/rest/V1/…/` and `<HOST>/V1/…` alike. The ACL resources are the simulator's
//! choice (the extension's `webapi.xml` is not public): Magento's own for each entity.

use std::sync::{Arc, LazyLock};

use axum::body::Bytes;
use axum::extract::{Request, State as AxState};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use sim_core::Outbound;
use sim_magento_webapi::errors::{MResult, MagentoError, json_response};
use sim_magento_webapi::input::type_error;
use sim_magento_webapi::pipeline::{self, Incoming, Prefix};
use sim_magento_webapi::request::decode_body;
use sim_magento_webapi::routes::{Decl, RouteTable};

use crate::PrintXpand;
use crate::batch::{self, Kind, Malformed};

/// What the designer's endpoint answers when it took the call.
pub(crate) const DESIGNER_OK: &str = r#"[{"response":"success"}]"#;

const CUSTOMERS: &[&str] = &["Magento_Customer::manage"];
const CATEGORIES: &[&str] = &["Magento_Catalog::categories"];
const PRODUCTS: &[&str] = &["Magento_Catalog::products"];
const ORDERS: &[&str] = &["Magento_Sales::create"];

/// The route table, one line a route.
static ROUTES: LazyLock<RouteTable<Kind>> = LazyLock::new(|| {
    let decls: Vec<Decl<Kind>> = vec![
        (
            Method::POST,
            "/V1/customer/create",
            CUSTOMERS,
            Kind::CustomerCreate,
        ),
        (
            Method::POST,
            "/V1/category/create",
            CATEGORIES,
            Kind::CategoryCreate,
        ),
        (
            Method::POST,
            "/V1/category/delete",
            CATEGORIES,
            Kind::CategoryDelete,
        ),
        (
            Method::POST,
            "/V1/product/create",
            PRODUCTS,
            Kind::ProductCreate,
        ),
        (
            Method::POST,
            "/V1/product/delete",
            PRODUCTS,
            Kind::ProductDelete,
        ),
        (Method::POST, "/V1/order/create", ORDERS, Kind::OrderCreate),
        // The seed: "METHOD : GET/POST" for multiple orders.
        (Method::GET, "/V1/order/create", ORDERS, Kind::OrderCreate),
    ];
    RouteTable::new(decls)
});

/// The axum handler every platform request goes through.
pub(crate) async fn entry(AxState(px): AxState<Arc<PrintXpand>>, req: Request) -> Response {
    let (parts, bytes) = pipeline::split(req, px.core.body_limit()).await;
    let (resp, outbound) = px.handle(&parts, &bytes);
    // Callbacks go out after the lock is released, and only for applied items.
    px.send(outbound);
    resp
}

impl PrintXpand {
    /// Runs one platform request to its response and the designer callbacks to send.
    fn handle(&self, parts: &Parts, body: &Bytes) -> (Response, Vec<Outbound>) {
        let (resp, outbound) = match self.run(parts, body) {
            Ok((answer, endpoint)) => {
                let outbound = self.designer_outbound(&answer, endpoint);
                let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
                (json_response(status, &answer.body), outbound)
            }
            Err(err) => (err.into_response(), Vec::new()),
        };
        (pipeline::negotiate(&parts.headers, resp), outbound)
    }

    fn run(&self, parts: &Parts, body: &Bytes) -> MResult<(batch::Answer, Option<String>)> {
        let prefix = Prefix {
            base_path: "",
            rest_optional: true,
        };
        let mut incoming = Incoming::read(parts, body, prefix)?;
        let now = self.core.clock.now();

        // One lock for the whole request.
        let mut inner = self.lock();
        let inner = &mut *inner;
        pipeline::store_code(&mut incoming.segments, |code| {
            (code == "default").then_some(())
        });
        let (route, _) = ROUTES
            .find(&parts.method, &incoming.segments)
            .ok_or_else(MagentoError::no_route)?;
        pipeline::caller(
            &inner.store,
            &mut inner.nonces.0,
            &incoming.oauth,
            now.unix_timestamp(),
            false,
            |store, who| store.authorize(who, route.resources),
        )?;
        let input = if parts.method == Method::GET {
            get_input(parts, &mut incoming)?
        } else {
            incoming.take_body()?
        };
        let kind = route.handler;
        let answer = batch::process(&mut inner.store.state, kind, &input).map_err(malformed)?;
        let endpoint = inner.store.settings.designer_endpoint.clone();
        Ok((answer, endpoint))
    }

    /// The designer callbacks of `answer` for `endpoint`, built after the lock is
    /// released (none without an endpoint or a designer product).
    fn designer_outbound(&self, answer: &batch::Answer, endpoint: Option<String>) -> Vec<Outbound> {
        let Some(url) = endpoint.filter(|_| !answer.designer_calls.is_empty()) else {
            return Vec::new();
        };
        let store_base = self.core.base_url();
        let expect: Option<Value> = serde_json::from_str(DESIGNER_OK).ok();
        answer
            .designer_calls
            .iter()
            .map(|call| Outbound {
                event: "product.designer".into(),
                url: url.clone(),
                headers: Vec::new(),
                body: serde_json::to_vec(&call.payload(&store_base)).unwrap_or_default(),
                expect_json: expect.clone(),
            })
            .collect()
    }
}

/// A GET's parameters: Magento binds a GET's service arguments from the query string
/// (`order[11001][order_id]=11001…`, read as PHP reads `$_GET`); a GET with no query but
/// a JSON body, as the seed's "GET/POST" example sends, is read from the body.
fn get_input(parts: &Parts, incoming: &mut Incoming<'_>) -> MResult<Value> {
    let query = std::mem::replace(&mut incoming.query, Value::Object(Map::new()));
    if query.as_object().is_some_and(|q| !q.is_empty()) {
        return Ok(query);
    }
    decode_body(&parts.headers, incoming.oauth.body)
}

/// The web API's answer to a body the endpoint cannot bind ([`Malformed`]).
fn malformed(m: Malformed) -> MagentoError {
    match m {
        // Over HTTP a body that is not an object arrives as `{}`: no parameter.
        Malformed::NotAnObject => {
            MagentoError::bad_request(sim_magento_webapi::errors::msg::DECODING)
        }
        Malformed::MissingKey(key) => MagentoError::required(key),
        Malformed::NotAnArray { key, value } => type_error(key, &value, "array"),
    }
}
