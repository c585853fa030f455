//! Snipcart's route table: the whole surface on one screen. Every route is served
//! under `/api/` and `/api/v1/` (older docs and clients use the second).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::Snipcart;
use crate::handlers::{admin, products, validation};

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
        .with_state(snipcart)
}
