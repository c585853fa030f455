//! `GET /V1/store/*` and `GET /V1/modules` (reference §4).

use serde_json::{Value, json};

use super::Ctx;
use crate::errors::MResult;

/// `GET /V1/store/storeViews`
pub fn store_views(ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(serde_json::to_value(&ctx.state.store_views).unwrap_or_else(|_| json!([])))
}

/// `GET /V1/store/storeGroups`
pub fn store_groups(ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(serde_json::to_value(&ctx.state.store_groups).unwrap_or_else(|_| json!([])))
}

/// `GET /V1/store/websites`
pub fn websites(ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(serde_json::to_value(&ctx.state.websites).unwrap_or_else(|_| json!([])))
}

/// `GET /V1/store/storeConfigs[?storeCodes[]=default]`: every store view's
/// configuration, or those named (unknown codes are skipped, as Magento's store
/// collection filter does).
pub fn store_configs(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let codes: Option<Vec<String>> = ctx
        .query
        .get("storeCodes")
        .or_else(|| ctx.query.get("store_codes"))
        .map(|v| {
            match v {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                Value::Object(map) => map.values().collect(),
                other => vec![other],
            }
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
        });
    let configs: Vec<Value> = ctx
        .state
        .store_configs
        .iter()
        .filter(|c| codes.as_ref().is_none_or(|codes| codes.contains(&c.code)))
        .filter_map(|c| serde_json::to_value(c).ok())
        .collect();
    Ok(Value::Array(configs))
}

/// `GET /V1/modules`
pub fn modules(ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(json!(ctx.state.modules))
}
