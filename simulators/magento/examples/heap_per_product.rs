//! Live heap per stored product, counted by a global allocator (BENCHMARKS.md, "Memory
//! per product").
//!
//! ```text
//! cargo run --release -p sim-magento --example heap_per_product [-- N] [--stock]
//! ```
//!
//! Creates `N` products (default 20,000) the way `scripts/load` does: `POST
//! /rest/V1/products` with a bearer token, through the router in-process, bodies like
//! `{"product":{"sku":"cat-000012","name":"Black Hoodie 12","price":11.4,…}}`, on the
//! seed fixture with a manual clock and the journal off (the journal has its own
//! budget, `--journal-bytes`). It then prints the live heap the products added, per
//! product, and where it went: what dropping the source items frees, what a copy of each
//! product alone costs, and what dropping the products with their indexes frees.
//!
//! The figures are bytes the program asked for (`Layout::size`), not what the
//! allocator rounds them up to, so they are the same on every run and machine with the
//! same toolchain.

use std::alloc::System;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cap::Cap;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig, SimCore};
use sim_magento::{Options, fixtures};
use tower::ServiceExt;

/// Counts the bytes live on the heap (`cap` forwards to the system allocator; the
/// workspace forbids `unsafe`, so the counting is that crate's).
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn live() -> isize {
    isize::try_from(ALLOCATOR.allocated()).unwrap_or(isize::MAX)
}

const COLOURS: [&str; 8] = [
    "Blue", "Red", "Green", "Black", "White", "Grey", "Yellow", "Pink",
];
const KINDS: [&str; 8] = [
    "Tee", "Hoodie", "Cap", "Mug", "Bag", "Sock", "Scarf", "Poster",
];

/// The load script's body for product `i` (scripts/wrk/load.lua, `product_body`); with
/// `stock`, also a legacy stock item, which gives the product its `default` source item.
fn body(i: usize, stock: bool) -> Value {
    let name = format!("{} {} {i}", COLOURS[i % 8], KINDS[(i / 8) % 8]);
    let mut body = json!({"product": {
        "sku": format!("cat-{i:06}"), "name": name,
        "price": 10.0 + ((i * 37) % 1000) as f64 / 10.0,
        "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4, "weight": 1
    }});
    if stock {
        body["product"]["extension_attributes"] =
            json!({"stock_item": {"qty": 100, "is_in_stock": true}});
    }
    body
}

fn main() {
    let mut n = 20_000;
    let mut stock = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--stock" => stock = true,
            arg => match arg.parse() {
                Ok(count) if count > 0 => n = count,
                _ => {
                    eprintln!("usage: heap_per_product [N > 0] [--stock]");
                    std::process::exit(2);
                }
            },
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let core = SimCore::new(CoreConfig {
        clock: Clock::manual_unix(1_753_130_948),
        journal_capacity: 0,
        journal_bytes: 0,
        ..CoreConfig::default()
    });
    let (app, magento) = sim_magento::app(core, fixtures::default_state(), Options::default());
    let router = app.into_router();
    let send = |method: Method, path: &str, auth: Option<&str>, body: &Value| {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        let req = req
            .body(Body::from(serde_json::to_vec(body).expect("json")))
            .expect("request");
        let router = router.clone();
        rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("infallible");
            let status = resp.status();
            let bytes = resp.into_body().collect().await.expect("body").to_bytes();
            (status, bytes)
        })
    };

    let (status, token) = send(
        Method::POST,
        "/rest/V1/integration/admin/token",
        None,
        &json!({"username": "admin", "password": "cartsim-admin-1"}),
    );
    assert_eq!(status, StatusCode::OK, "admin token: {token:?}");
    let token: String = serde_json::from_slice(&token).expect("a token string");
    let bearer = format!("Bearer {token}");
    let (products_before, items_before) =
        magento.with_state(|s| (s.products.len(), s.source_items.len()));

    let before = live();
    for i in 0..n {
        let (status, answer) = send(
            Method::POST,
            "/rest/V1/products",
            Some(&bearer),
            &body(i, stock),
        );
        assert_eq!(status, StatusCode::OK, "POST product {i}: {answer:?}");
    }
    let added = live() - before;

    let per = |bytes: isize| bytes as f64 / n as f64;
    let (products, items) = magento.with_state(|s| (s.products.len(), s.source_items.len()));
    assert_eq!(
        products - products_before,
        n,
        "every POST created a product"
    );
    println!(
        "products created: {n} over the router (journal off){}",
        if stock {
            ", each with a stock item"
        } else {
            ""
        }
    );
    println!("source items: {} before, {} after", items_before, items);
    println!(
        "live heap added: {added} bytes, {:.0} bytes per product",
        per(added)
    );

    // Where it went. The fixture's own products and items are a fixed amount, the
    // same before and after a change; dividing by `n` spreads them thinly.
    let (items_freed, rows_copy, products_freed) = magento.with_state(|s| {
        let at = live();
        drop(std::mem::take(&mut s.source_items));
        let items_freed = at - live();
        let mut rows = Vec::with_capacity(s.products.len());
        let at = live();
        rows.extend(s.products.values().map(|p| Box::new(p.clone())));
        let rows_copy = live() - at;
        drop(rows);
        let at = live();
        drop(std::mem::take(&mut s.products));
        (items_freed, rows_copy, at - live())
    });
    println!(
        "  source items (rows and index), all {items}: {:.0} per product",
        per(items_freed)
    );
    println!(
        "  products (rows and indexes), all {products}: {:.0} per product",
        per(products_freed)
    );
    println!(
        "    of which a copy of each product alone (boxed, with its strings and lists): {:.0} per product",
        per(rows_copy)
    );
    println!(
        "  the rest (counters, allocator slack of the request path): {:.0} per product",
        per(added - items_freed - products_freed)
    );
}
