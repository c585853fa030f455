//! The steps of Magento's REST front controller (reference §1.3), in its order, for every
//! store on the web API: install prefix and `/index.php`, `/rest`, store code, verb,
//! route, authentication and ACL, body decoding, the service call, the masked 500, and
//! the `Accept` check on the way out.
//!
//! A store drives them under its own lock: [`Incoming::read`] before the lock is taken,
//! then [`store_code`], its route table, [`caller`], [`Incoming::take_body`], its
//! service, [`mask`], and [`negotiate`] on the response. The Magento simulator adds its
//! store views, scopes and ACL; an extension (PrintXpand) adds its own routes and
//! credentials.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use sim_core::App;

use crate::auth::{self, Credentials, Nonces, Principal};
use crate::errors::{MResult, MagentoError, msg};
use crate::oauth::OAuthRequest;
use crate::phpquery;
use crate::request::{accepts_json, header_str, parse_body, rest_path};

/// Splits a request into its head and its body. The core middleware has already
/// buffered the body within `limit`, so reading it cannot fail or wait.
pub async fn split(req: Request<Body>, limit: usize) -> (Parts, Bytes) {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.unwrap_or_default();
    (parts, bytes)
}

/// Where a store's REST paths start.
#[derive(Debug, Clone, Copy)]
pub struct Prefix<'a> {
    /// The install prefix (`/magento-2.4.0`), empty for none.
    pub base_path: &'a str,
    /// Also take paths without `/rest` (`/V1/…`), as PrintXpand's documentation writes
    /// them; Magento itself needs `/rest`.
    pub rest_optional: bool,
}

/// A request as read before the store's lock is taken.
#[derive(Debug)]
pub struct Incoming<'a> {
    /// The path's segments after `/rest`: store code (if any), `V1`, the route.
    pub segments: Vec<&'a str>,
    /// The parsed query string (PHP's `$_GET`).
    pub query: Value,
    /// What OAuth signs.
    pub oauth: OAuthRequest<'a>,
    body: Option<MResult<Value>>,
    /// POST and PUT: the query's parameters join the body's.
    merge_query: bool,
}

impl<'a> Incoming<'a> {
    /// Reads the path, the verb, the query and the body. A path outside the REST area
    /// is `404 Request does not match any route.`, a verb other than GET, POST, PUT and
    /// DELETE is `400 Request method is invalid.`; a body that does not decode is kept
    /// as its error for [`Incoming::take_body`], as Magento reports it only after
    /// routing and authentication.
    pub fn read(parts: &'a Parts, body: &'a [u8], prefix: Prefix<'_>) -> MResult<Self> {
        let path = parts.uri.path();
        let rest = rest_path(path, prefix.base_path)
            .or_else(|| {
                prefix
                    .rest_optional
                    .then(|| bare_path(path, prefix.base_path))
                    .flatten()
            })
            .ok_or_else(MagentoError::no_route)?;
        if ![Method::GET, Method::POST, Method::PUT, Method::DELETE].contains(&parts.method) {
            return Err(MagentoError::invalid_method());
        }
        let host = header_str(&parts.headers, header::HOST)
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .unwrap_or("localhost");
        Ok(Incoming {
            segments: rest.trim_matches('/').split('/').collect(),
            query: parts
                .uri
                .query()
                .map_or_else(|| Value::Object(Map::new()), phpquery::parse_query),
            oauth: OAuthRequest {
                method: parts.method.as_str(),
                scheme: "http",
                host,
                path,
                query: parts.uri.query(),
                authorization: header_str(&parts.headers, header::AUTHORIZATION),
                content_type: header_str(&parts.headers, header::CONTENT_TYPE),
                body,
            },
            body: Some(parse_body(parts, body)),
            merge_query: parts.method == Method::POST || parts.method == Method::PUT,
        })
    }

    /// The service's input: the decoded body or the error decoding it gave, taken once,
    /// after the caller is known (a second call finds `{}`). For POST and PUT the
    /// query's parameters join it and win over the body's, as Magento's REST request
    /// merges them (`array_merge($bodyParams, $this->getParams())`): `POST
    /// /V1/integration/admin/token?username=…&password=…` with no body signs in.
    pub fn take_body(&mut self) -> MResult<Value> {
        let mut body = self
            .body
            .take()
            .unwrap_or_else(|| Ok(Value::Object(Map::new())))?;
        if self.merge_query
            && let (Some(b), Some(q)) = (body.as_object_mut(), self.query.as_object())
        {
            for (k, v) in q {
                b.insert(k.clone(), v.clone());
            }
        }
        Ok(body)
    }
}

/// The path after the install prefix and `/index.php`, for a store that also takes
/// REST paths without `/rest`.
fn bare_path<'p>(path: &'p str, base_path: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(base_path)?;
    let rest = match rest.strip_prefix("/index.php") {
        Some(r) if r.is_empty() || r.starts_with('/') => r,
        _ => rest,
    };
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The store code a REST path starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreCode<T> {
    /// `all`: every store view (admin scope).
    All,
    /// A store view's code, as the store resolved it.
    Store(T),
    /// No store code: the default store view.
    Default,
}

/// Takes the store code off the front of `segments` when there is one: `all`, or a
/// code `find` knows. Anything else is left as the start of the route (Magento then
/// uses the default store view).
pub fn store_code<T>(
    segments: &mut Vec<&str>,
    find: impl FnOnce(&str) -> Option<T>,
) -> StoreCode<T> {
    let code = match segments.first().copied() {
        Some("all") => StoreCode::All,
        Some(code) => match find(code) {
            Some(store) => StoreCode::Store(store),
            None => return StoreCode::Default,
        },
        None => return StoreCode::Default,
    };
    segments.remove(0);
    code
}

/// Who is calling and may they: a bearer token, OAuth or a guest
/// ([`auth::authenticate`]), then `authorize` unless the route is `anonymous`. An
/// anonymous route is never refused for its credentials, but still learns who called.
pub fn caller<C: Credentials>(
    creds: &C,
    nonces: &mut Nonces,
    req: &OAuthRequest<'_>,
    now_unix: i64,
    anonymous: bool,
    authorize: impl FnOnce(&C, &Principal) -> MResult<()>,
) -> MResult<Principal> {
    let who = auth::authenticate(creds, nonces, req, now_unix);
    if anonymous {
        return Ok(who.unwrap_or(Principal::Guest));
    }
    let who = who?;
    authorize(creds, &who)?;
    Ok(who)
}

/// Mounts the framework's answers for what never reaches a store's routes: any path or
/// verb the router does not take is `404 Request does not match any route.`, an
/// oversized body is `413` in the error envelope (Apache/PHP refuse it before Magento
/// runs; the envelope is the closest a client can parse), and a panic is the masked
/// 500 with the report id `next_report` gives.
pub fn mount(app: App, next_report: impl Fn() -> u64 + Send + Sync + 'static) -> App {
    app.not_found(|_: &Parts| MagentoError::no_route().into_response())
        .method_not_allowed(|_: &Parts| MagentoError::no_route().into_response())
        .payload_too_large(|_, _| {
            MagentoError::new(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
                .into_response()
        })
        .internal_error(move |_: &Method, _: &Uri| {
            MagentoError::internal(next_report()).into_response()
        })
}

/// Production mode: a 500 other than the framework's own is answered as `Internal
/// Error. Details are available in Magento log file. Report ID: webapi-…`, numbered
/// from `next_report`.
pub fn mask(err: MagentoError, next_report: &mut u64) -> MagentoError {
    if err.status == StatusCode::INTERNAL_SERVER_ERROR && !err.message.starts_with(msg::INTERNAL) {
        let report = *next_report;
        *next_report = next_report.wrapping_add(1);
        MagentoError::internal(report)
    } else {
        err
    }
}

/// The response as rendered, unless the request's `Accept` names no type the JSON
/// renderer produces: then `406` (Magento renders after the service ran, so whatever
/// the call changed stays changed).
pub fn negotiate(headers: &HeaderMap, resp: Response) -> Response {
    match accepts_json(headers) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, uri: &str) -> Parts {
        let (parts, ()) = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .body(())
            .map(|r| r.into_parts())
            .unwrap_or_else(|e| panic!("{e}"));
        parts
    }

    const MAGENTO: Prefix<'static> = Prefix {
        base_path: "",
        rest_optional: false,
    };
    const BARE: Prefix<'static> = Prefix {
        base_path: "",
        rest_optional: true,
    };

    #[test]
    fn rest_is_needed_unless_optional() {
        let p = parts("POST", "/V1/product/create/");
        assert_eq!(
            Incoming::read(&p, b"", MAGENTO).map(|_| ()),
            Err(MagentoError::no_route())
        );
        let bare = Incoming::read(&p, b"", BARE).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(bare.segments, ["V1", "product", "create"]);
        let p = parts("POST", "/index.php/rest/default/V1/product/create");
        let with = Incoming::read(&p, b"", BARE).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(with.segments, ["default", "V1", "product", "create"]);
    }

    #[test]
    fn other_verbs_are_invalid_and_store_codes_come_off() {
        let p = parts("PATCH", "/rest/V1/x");
        assert_eq!(
            Incoming::read(&p, b"", MAGENTO).map(|_| ()),
            Err(MagentoError::invalid_method())
        );
        let mut segs = vec!["default", "V1", "x"];
        assert_eq!(
            store_code(&mut segs, |c| (c == "default").then_some(1)),
            StoreCode::Store(1)
        );
        assert_eq!(segs, ["V1", "x"]);
        let mut segs = vec!["nope", "V1"];
        assert_eq!(store_code(&mut segs, |_| None::<u8>), StoreCode::Default);
        assert_eq!(segs, ["nope", "V1"]);
        let mut segs = vec!["all", "V1"];
        assert_eq!(store_code(&mut segs, |_| None::<u8>), StoreCode::All);
    }

    #[test]
    fn only_foreign_500s_are_masked() {
        let mut next = 7;
        let masked = mask(
            MagentoError::new(StatusCode::INTERNAL_SERVER_ERROR, "boom"),
            &mut next,
        );
        assert_eq!(masked, MagentoError::internal(7));
        assert_eq!(next, 8);
        let kept = mask(MagentoError::no_route(), &mut next);
        assert_eq!(kept, MagentoError::no_route());
        assert_eq!(next, 8);
    }
}
