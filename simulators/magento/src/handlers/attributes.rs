//! `/V1/products/attributes…`: product attribute metadata and options (issue 11,
//! item 2). The domain is in [`crate::attributes`].

use serde_json::{Value, json};

use super::Ctx;
use crate::attributes::{self as attrs, Counters};
use crate::errors::MResult;
use crate::search;

/// `GET /V1/products/attributes/types`: the input types a product attribute may have.
pub fn types(_ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(Value::Array(
        attrs::INPUT_TYPES
            .iter()
            .map(|(value, label)| json!({"value": value, "label": label}))
            .collect(),
    ))
}

/// `GET /V1/products/attributes/{attributeCode}`.
pub fn get(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let code = ctx.param(0);
    let store = ctx.store_id();
    ctx.state
        .product_attributes
        .get(code)
        .map(|a| attrs::attribute_json(a, store))
        .ok_or_else(|| attrs::no_such_attribute(code))
}

/// `GET /V1/products/attributes?searchCriteria…` (required), in id order.
pub fn list(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let store = ctx.store_id();
    let rows: Vec<&attrs::AttributeDef> = ctx.state.product_attributes.iter().collect();
    let (page, total) = criteria.apply(&rows, |a, f| attrs::attribute_field(a, f))?;
    let items = page
        .into_iter()
        .map(|a| attrs::attribute_json(a, store))
        .collect();
    Ok(search::result(items, &criteria, total))
}

fn save(ctx: &mut Ctx<'_>, url_code: Option<&str>) -> MResult<Value> {
    let state = &mut *ctx.state;
    let code = attrs::save(
        &mut state.product_attributes,
        &ctx.body,
        url_code,
        Counters {
            attribute_id: &mut state.next.attribute_id,
            option_id: &mut state.next.attribute_option_id,
        },
    )?;
    let store = ctx.store_id();
    ctx.state
        .product_attributes
        .get(&code)
        .map(|a| attrs::attribute_json(a, store))
        .ok_or_else(|| attrs::no_such_attribute(&code))
}

/// `POST /V1/products/attributes`.
pub fn create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    save(ctx, None)
}

/// `PUT /V1/products/attributes/{attributeCode}`.
pub fn update(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let code = ctx.param(0).to_owned();
    save(ctx, Some(&code))
}

/// `DELETE /V1/products/attributes/{attributeCode}` → `true`.
pub fn delete(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let code = ctx.param(0).to_owned();
    attrs::delete(&mut ctx.state.product_attributes, &code)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/products/attributes/{attributeCode}/options`.
pub fn options(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let store = ctx.store_id();
    attrs::options(&ctx.state.product_attributes, ctx.param(0), store)
}

/// `POST /V1/products/attributes/{attributeCode}/options`: the new option's id.
pub fn add_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let code = ctx.param(0).to_owned();
    let state = &mut *ctx.state;
    attrs::add_option(
        &mut state.product_attributes,
        &code,
        &ctx.body,
        &mut state.next.attribute_option_id,
    )
    .map(Value::String)
}

/// `DELETE /V1/products/attributes/{attributeCode}/options/{optionId}` → `true`.
pub fn delete_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let code = ctx.param(0).to_owned();
    let option = ctx.param(1).to_owned();
    attrs::delete_option(&mut ctx.state.product_attributes, &code, &option)?;
    Ok(Value::Bool(true))
}
