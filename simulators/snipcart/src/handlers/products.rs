//! `/products`: list, get, inventory, archive (seed `002`), and the crawl.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::Snipcart;
use crate::errors::SnipcartError;
use crate::products::{self, InventoryInput, OrderBy, Product, ProductFilter, Statistics};
use crate::query::Query;

/// A product shown with other statistics than its own (a `from`/`to` window).
struct ProductView<'a> {
    product: &'a Product,
    stats: Statistics,
}

impl Serialize for ProductView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.stats == self.product.statistics {
            return self.product.serialize(s);
        }
        let mut p = self.product.clone();
        p.statistics = self.stats.clone();
        p.serialize(s)
    }
}

/// `GET /products`'s envelope: the paging keys, the echoed filters and the items
/// (reference §2, "Paginated envelope").
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductPage<'a> {
    keywords: Option<&'a str>,
    user_defined_id: Option<&'a str>,
    archived: bool,
    from: Option<String>,
    to: Option<String>,
    order_by: &'static str,
    has_more_results: bool,
    total_items: usize,
    offset: usize,
    limit: usize,
    sort: [(); 0],
    items: Vec<ProductView<'a>>,
}

pub(crate) async fn list(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let q = Query::parse(raw.as_deref());
        let (offset, limit) = q.page()?;
        let order_by = match q.get("orderBy") {
            Some(text) => Some(OrderBy::from_name(text).ok_or_else(|| {
                SnipcartError::BadRequest(format!(
                    "The request is invalid. '{text}' is not a valid orderBy: use nbrSales, salesValue or creationDate."
                ))
            })?),
            None => None,
        };
        let from = q.date("from")?;
        let to = q.date("to")?;
        let filter = ProductFilter {
            user_defined_id: q.get("userDefinedId").map(str::to_owned),
            keywords: q.get("keywords").map(str::to_owned),
            archived: q.bool("archived")?.unwrap_or(false),
            exclude_zero_sales: q.bool("excludeZeroSales")?.unwrap_or(false),
            order_by,
        };
        let store = state.store(ctx.mode);
        let windowed = from.is_some() || to.is_some();
        let hits = products::search(&store.products, &filter, |p| {
            if windowed {
                store.orders.sales_of(&p.user_defined_id, from, to)
            } else {
                p.statistics.clone()
            }
        });
        let total = hits.len();
        let items: Vec<ProductView<'_>> = hits
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(product, stats)| ProductView { product, stats })
            .collect();
        let page = ProductPage {
            keywords: q.get("keywords"),
            user_defined_id: q.get("userDefinedId"),
            archived: filter.archived,
            from: from.map(crate::dates::format),
            to: to.map(crate::dates::format),
            order_by: match filter.order_by.unwrap_or(OrderBy::NbrSales) {
                OrderBy::NbrSales => "NbrSales",
                OrderBy::SalesValue => "SalesValue",
                OrderBy::CreationDate => "CreationDate",
            },
            has_more_results: offset.saturating_add(items.len()) < total,
            total_items: total,
            offset,
            limit,
            sort: [],
            items,
        };
        crate::to_json(&page)
    })
}

fn not_found(id: &str) -> SnipcartError {
    SnipcartError::NotFound(format!("Product '{id}' was not found."))
}

pub(crate) async fn get(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        state
            .store_mut(ctx.mode)
            .products
            .rendered(&id)
            .ok_or_else(|| not_found(&id))?
            .map_err(|_| SnipcartError::Internal)
    })
}

pub(crate) async fn update(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    s.api_with(
        &headers,
        &body,
        &products::INVENTORY_SCHEMA,
        |state, ctx, input: InventoryInput| {
            let p = state
                .store_mut(ctx.mode)
                .products
                .find_mut(&id)
                .ok_or_else(|| not_found(&id))?;
            products::update_inventory(p, input, ctx.now)
                .map_err(|e| SnipcartError::BadRequest(format!("The request is invalid. {e}")))?;
            crate::to_json(&*p)
        },
    )
}

pub(crate) async fn archive(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let p = state
            .store_mut(ctx.mode)
            .products
            .find_mut(&id)
            .ok_or_else(|| not_found(&id))?;
        if !p.archived {
            p.archived = true;
            p.modification_date = ctx.now;
        }
        crate::to_json(&*p)
    })
}

/// How long the crawler waits for a page, connection to last byte.
const FETCH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Largest page the crawler reads.
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// Redirects the crawler follows (each within the allowed domains).
const MAX_REDIRECTS: usize = 5;

/// What the first lock hands to the fetch.
struct CrawlRequest {
    mode: crate::state::Mode,
    url: reqwest::Url,
    token: String,
    domains: Vec<String>,
    currency: String,
    lenient: bool,
}

/// A fetched page.
struct Page {
    url: reqwest::Url,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// `POST /products {"fetchUrl": "…"}`: crawls the page and answers the array of
/// products it defines. Unlike [`Snipcart::api`] it takes the lock twice, never
/// across the fetch: once to check the caller, bind the body and issue the request
/// token, once to write what the page defines.
pub(crate) async fn crawl(
    State(s): State<Arc<Snipcart>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match crawl_steps(&s, &headers, &body).await {
        Ok(body) => crate::json_response(StatusCode::OK, body),
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

async fn crawl_steps(
    s: &Snipcart,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Bytes, SnipcartError> {
    let bad = SnipcartError::BadRequest;
    let req = {
        let now = s.core().clock.now();
        let mut state = s.lock();
        crate::auth::check_accept(&state.settings, headers)?;
        let mode = crate::auth::authenticate(&state, headers)?;
        let input: crate::crawl::CrawlInput = crate::json::bind(
            body,
            &crate::crawl::CRAWL_SCHEMA,
            state.settings.lenient_json,
        )?;
        let fetch_url = input
            .fetch_url
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| bad("The request is invalid. fetchUrl is required.".into()))?;
        let url = crate::crawl::target(&fetch_url, &state.settings).map_err(bad)?;
        let token = state.call_token(url.as_str(), mode, now);
        CrawlRequest {
            mode,
            url,
            token,
            domains: state.settings.domains.clone(),
            currency: state.settings.currency.clone(),
            lenient: state.settings.lenient_json,
        }
    };
    let page = fetch(&req).await.map_err(bad)?;
    let found = crate::crawl::read_page(
        page.content_type.as_deref(),
        &page.body,
        &page.url,
        &req.currency,
        req.lenient,
    )
    .map_err(bad)?;
    let now = s.core().clock.now();
    let products = crate::crawl::commit(&mut s.lock(), req.mode, found, now).map_err(bad)?;
    crate::to_json(&products)
}

/// GETs the page as Snipcart's crawler does (its headers, bounded time and size,
/// redirects only within the allowed domains); `Err` says why it could not.
async fn fetch(req: &CrawlRequest) -> Result<Page, String> {
    let domains = req.domains.clone();
    let policy = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if crate::crawl::allowed(attempt.url(), &domains) {
            attempt.follow()
        } else {
            // The 3xx is answered as it is, and refused below.
            attempt.stop()
        }
    });
    let url = &req.url;
    let unreachable = |e: reqwest::Error| {
        let why = if e.is_timeout() {
            "it did not answer in time"
        } else if e.is_connect() {
            "the connection failed"
        } else if e.is_redirect() {
            "it redirected too many times"
        } else {
            "the request failed"
        };
        format!("The URL '{url}' could not be fetched: {why}.")
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(FETCH_TIMEOUT)
        .redirect(policy)
        .user_agent("Snipcart/1.0")
        .build()
        .map_err(|_| "The crawler could not start.".to_owned())?;
    let mut resp = client
        .get(url.clone())
        .header("X-Snipcart-Purpose", "Crawling")
        .header(crate::webhooks::TOKEN_HEADER, &req.token)
        .send()
        .await
        .map_err(unreachable)?;
    if !resp.status().is_success() {
        return Err(format!(
            "The URL '{url}' answered {} instead of a page.",
            resp.status().as_u16()
        ));
    }
    let too_large = || format!("The page at '{url}' is larger than {MAX_PAGE_BYTES} bytes.");
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
    {
        return Err(too_large());
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let final_url = resp.url().clone();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(unreachable)? {
        if body.len().saturating_add(chunk.len()) > MAX_PAGE_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Page {
        url: final_url,
        content_type,
        body,
    })
}
