//! Snipcart's `/__sim/` routes: the dashboard settings, and the storefront actions
//! that make orders (checkouts) and abandoned carts.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde_json::Value;
use sim_core::{AdminError, AdminJson};

use crate::Snipcart;
use crate::settings::Settings;

/// `GET /__sim/settings`.
pub(crate) async fn settings(State(s): State<Arc<Snipcart>>) -> Json<Value> {
    Json(serde_json::to_value(&s.lock().settings).unwrap_or(Value::Null))
}

/// `PUT /__sim/settings`: the whole settings object, checked before it replaces the
/// old one.
pub(crate) async fn set_settings(
    State(s): State<Arc<Snipcart>>,
    body: Result<AdminJson<Settings>, AdminError>,
) -> Result<Json<Value>, AdminError> {
    let AdminJson(settings) = body?;
    settings.validate().map_err(AdminError::bad_request)?;
    let value = serde_json::to_value(&settings).unwrap_or(Value::Null);
    s.lock().settings = settings;
    Ok(Json(value))
}
