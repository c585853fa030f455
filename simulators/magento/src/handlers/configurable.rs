//! `/V1/configurable-products/…` (issue 11, item 3). The domain is in
//! [`crate::configurable`].

use serde_json::Value;

use super::Ctx;
use crate::configurable as conf;
use crate::errors::MResult;
use crate::input;

/// `GET /V1/configurable-products/{sku}/children`.
pub fn children(ctx: &mut Ctx<'_>) -> MResult<Value> {
    conf::children(ctx.state, ctx.param(0))
}

/// `POST /V1/configurable-products/{sku}/child` (`childSku`) → `true`.
pub fn add_child(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    let child = input::to_string(input::arg(&ctx.body, "childSku")?, "childSku")?;
    conf::add_child(ctx.state, &sku, &child, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `DELETE /V1/configurable-products/{sku}/children/{childSku}` → `true`.
pub fn remove_child(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    let child = ctx.param(1).to_owned();
    conf::remove_child(ctx.state, &sku, &child, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/configurable-products/{sku}/options/all`.
pub fn list_options(ctx: &mut Ctx<'_>) -> MResult<Value> {
    conf::list_options(ctx.state, ctx.param(0))
}

/// `GET /V1/configurable-products/{sku}/options/{id}`.
pub fn get_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    conf::get_option(ctx.state, ctx.param(0), ctx.param(1))
}

/// `POST /V1/configurable-products/{sku}/options`: the new option's id.
pub fn add_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    conf::save_option(ctx.state, &sku, &ctx.body, None, ctx.now).map(Value::from)
}

/// `PUT /V1/configurable-products/{sku}/options/{id}`: the option's id.
pub fn update_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    let id = ctx.param(1).to_owned();
    conf::save_option(ctx.state, &sku, &ctx.body, Some(&id), ctx.now).map(Value::from)
}

/// `DELETE /V1/configurable-products/{sku}/options/{id}` → `true`.
pub fn delete_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    let id = ctx.param(1).to_owned();
    conf::delete_option(ctx.state, &sku, &id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `PUT /V1/configurable-products/variation`: the variations, not saved.
pub fn variation(ctx: &mut Ctx<'_>) -> MResult<Value> {
    conf::generate_variation(ctx.state, &ctx.body)
}
