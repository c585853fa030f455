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
    s.api(&headers, StatusCode::OK, |state, ctx| {
        let input: InventoryInput = crate::json::bind(
            &body,
            &products::INVENTORY_SCHEMA,
            state.settings.lenient_json,
        )?;
        let p = state
            .store_mut(ctx.mode)
            .products
            .find_mut(&id)
            .ok_or_else(|| not_found(&id))?;
        products::update_inventory(p, input, ctx.now)
            .map_err(|e| SnipcartError::BadRequest(format!("The request is invalid. {e}")))?;
        crate::to_json(&*p)
    })
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
