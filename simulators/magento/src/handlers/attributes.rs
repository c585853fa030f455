//! `/V1/products/attributes…`: product attribute metadata and options (issue 11,
//! item 2). The domain is in [`crate::attributes`].

use serde_json::{Value, json};

use super::Ctx;
use crate::attribute_sets as sets;
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
    if let Some(a) = ctx.state.product_attributes.get(&code) {
        if a.is_user_defined && ctx.state.products.configures(a.attribute_id) {
            return Err(crate::errors::MagentoError::bad_request(
                attrs::m::USED_IN_CONFIGURABLE,
            ));
        }
    }
    let removed = attrs::delete(&mut ctx.state.product_attributes, &code)?;
    ctx.state
        .attribute_set_layout
        .attribute_deleted(removed.attribute_id);
    Ok(Value::Bool(true))
}

fn set_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<i64> {
    crate::input::to_i64(&Value::String(ctx.param(i).to_owned()), name)
}

/// `GET /V1/products/attribute-sets/{attributeSetId}/attributes`.
pub fn set_attributes(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let set = set_param(ctx, 0, "attributeSetId")?;
    let store = ctx.store_id();
    let s = &*ctx.state;
    sets::set_attributes(
        &s.attribute_set_layout,
        &s.attribute_sets,
        &s.product_attributes,
        set,
        store,
    )
}

/// `POST /V1/products/attribute-sets/attributes`: the assignment's id.
pub fn assign(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let s = &mut *ctx.state;
    sets::assign(
        &mut s.attribute_set_layout,
        &s.attribute_sets,
        &s.product_attributes,
        &ctx.body,
        &mut s.next.entity_attribute_id,
    )
    .map(Value::from)
}

/// `DELETE /V1/products/attribute-sets/{attributeSetId}/attributes/{attributeCode}`.
pub fn unassign(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let set = set_param(ctx, 0, "attributeSetId")?;
    let code = ctx.param(1).to_owned();
    let s = &mut *ctx.state;
    sets::unassign(
        &mut s.attribute_set_layout,
        &s.attribute_sets,
        &s.product_attributes,
        set,
        &code,
    )?;
    Ok(Value::Bool(true))
}

/// `GET /V1/products/attribute-sets/groups/list?searchCriteria…` (required).
pub fn groups(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&sets::AttributeGroup> = ctx
        .state
        .attribute_set_layout
        .groups()
        .filter(|g| {
            ctx.state.attribute_sets.iter().any(|s| {
                s.attribute_set_id == g.attribute_set_id
                    && s.entity_type_id == attrs::PRODUCT_ENTITY_TYPE
            })
        })
        .collect();
    let (page, total) = criteria.apply(&rows, |g, f| sets::group_field(g, f))?;
    let items = page.into_iter().map(|g| sets::group_json(g)).collect();
    Ok(search::result(items, &criteria, total))
}

fn save_group(ctx: &mut Ctx<'_>, url_set: Option<i64>) -> MResult<Value> {
    let s = &mut *ctx.state;
    sets::save_group(
        &mut s.attribute_set_layout,
        &s.attribute_sets,
        &ctx.body,
        url_set,
        &mut s.next.attribute_group_id,
    )
}

/// `POST /V1/products/attribute-sets/groups`.
pub fn create_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    save_group(ctx, None)
}

/// `PUT /V1/products/attribute-sets/{attributeSetId}/groups`.
pub fn update_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let set = set_param(ctx, 0, "attributeSetId")?;
    save_group(ctx, Some(set))
}

/// `DELETE /V1/products/attribute-sets/groups/{groupId}` → `true`.
pub fn delete_group(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = set_param(ctx, 0, "groupId")?;
    let s = &mut *ctx.state;
    sets::delete_group(&mut s.attribute_set_layout, &s.product_attributes, id)?;
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
