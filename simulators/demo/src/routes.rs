//! The demo's route table: the whole surface on one screen.

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post, put};

use crate::Demo;
use crate::handlers::{admin, notes};

/// Platform routes.
pub(crate) fn platform(demo: Arc<Demo>) -> Router {
    Router::new()
        .route("/api/notes", get(notes::list).post(notes::create))
        .route("/api/notes/{id}", get(notes::get).delete(notes::delete))
        .route("/api/time", get(notes::time))
        .route("/api/webhook", put(notes::set_webhook))
        .with_state(demo)
}

/// Lifecycle drivers under `/__sim/`.
pub(crate) fn admin(demo: Arc<Demo>) -> Router {
    Router::new()
        .route("/notes/{id}/publish", post(admin::publish))
        .with_state(demo)
}
