//! Snipcart's route table: the whole surface on one screen. Every route is served
//! under `/api/` and `/api/v1/` (older docs and clients use the second).

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};

use crate::Snipcart;
use crate::handlers::{admin, carts, checkout, customers, discounts, orders, products, validation};

/// Platform routes, under one prefix.
fn api(snipcart: Arc<Snipcart>) -> Router {
    Router::new()
        .route("/products", get(products::list).post(products::crawl))
        .route(
            "/products/{id}",
            get(products::get)
                .put(products::update)
                .delete(products::archive),
        )
        .route("/orders", get(orders::list))
        .route("/orders/{token}", get(orders::get).put(orders::update))
        .route(
            "/orders/{token}/notifications",
            get(orders::notifications).post(orders::notify),
        )
        .route(
            "/orders/{token}/refunds",
            get(orders::refunds).post(orders::create_refund),
        )
        .route("/orders/{token}/refunds/{id}", get(orders::refund))
        .route("/customers", get(customers::list))
        .route(
            "/customers/{id}",
            get(customers::get).put(customers::update),
        )
        .route("/customers/{id}/orders", get(customers::orders))
        .route("/discounts", get(discounts::list).post(discounts::create))
        .route(
            "/discounts/{id}",
            get(discounts::get)
                .put(discounts::update)
                .delete(discounts::delete),
        )
        .route("/carts/abandoned", get(carts::list))
        .route("/carts/abandoned/{token}", get(carts::get))
        .route("/requestvalidation/{token}", get(validation::validate))
        .with_state(snipcart)
}

/// Platform routes under both prefixes.
pub(crate) fn platform(snipcart: Arc<Snipcart>) -> Router {
    Router::new()
        .nest("/api", api(snipcart.clone()))
        .nest("/api/v1", api(snipcart))
}

/// Storefront and dashboard drivers under `/__sim/`.
pub(crate) fn admin(snipcart: Arc<Snipcart>) -> Router {
    Router::new()
        .route("/settings", get(admin::settings).put(admin::set_settings))
        .route("/checkout", post(checkout::checkout))
        .route("/customers/{id}", put(customers::update_account))
        .with_state(snipcart)
}
