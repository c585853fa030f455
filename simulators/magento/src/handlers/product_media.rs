//! Product media gallery and product link handlers (`GalleryManagement`,
//! `ProductLinkManagement`, `ProductLink\Repository`, `LinkTypeProvider`). The rules
//! live in [`crate::media`] and [`crate::product_links`]; these bind the input.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::Ctx;
use crate::errors::{MResult, MagentoError};
use crate::{input, media, product_links};

/// The `int` path parameter `i`, named `name` in a type error.
fn int_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<i64> {
    input::to_i64(&Value::String(ctx.param(i).to_owned()), name)
}

/// `GET /V1/products/{sku}/media`.
pub fn media_list(ctx: &mut Ctx<'_>) -> MResult<Value> {
    media::list(ctx.state, ctx.param(0))
}

/// `GET /V1/products/{sku}/media/{entryId}`.
pub fn media_get(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entry_id = int_param(ctx, 1, "entryId")?;
    media::get(ctx.state, ctx.param(0), entry_id)
}

/// `POST /V1/products/{sku}/media {entry}` → the new entry's id, as the string the
/// database hands back (`lastInsertId`), which the service returns unconverted.
pub fn media_create(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entry = input::arg(&ctx.body, "entry")?.clone();
    let sku = ctx.param(0).to_owned();
    let now = ctx.now;
    // A 500 here is masked by the pipeline (`http.rs`), as every handler's.
    match media::create(ctx.state, &sku, &entry, now)? {
        Some(id) => Ok(json!(id.to_string())),
        None => Err(MagentoError::bad_request(media::m::NO_NEW_ENTRY)),
    }
}

/// `PUT /V1/products/{sku}/media/{entryId} {entry}` → `true`.
pub fn media_update(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entry = input::arg(&ctx.body, "entry")?.clone();
    let sku = ctx.param(0).to_owned();
    let now = ctx.now;
    media::update(ctx.state, &sku, &entry, now)?;
    Ok(Value::Bool(true))
}

/// `DELETE /V1/products/{sku}/media/{entryId}` → `true`.
pub fn media_remove(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entry_id = int_param(ctx, 1, "entryId")?;
    let sku = ctx.param(0).to_owned();
    media::remove(ctx.state, &sku, entry_id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/products/links/types`.
pub fn link_types(_ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(product_links::types_json())
}

/// `GET /V1/products/links/{type}/attributes`.
pub fn link_attributes(ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(product_links::attributes_json(ctx.param(0)))
}

/// `GET /V1/products/{sku}/links/{type}`.
pub fn linked_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    product_links::linked_items(ctx.state, ctx.param(0), ctx.param(1)).map(Value::Array)
}

/// `POST /V1/products/{sku}/links {items}` → `true`.
pub fn set_links(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let items = input::arg(&ctx.body, "items")?.clone();
    let sku = ctx.param(0).to_owned();
    let now = ctx.now;
    let done = product_links::set_product_links(ctx.state, &sku, &items, now)?;
    if done {
        Ok(Value::Bool(true))
    } else {
        Err(MagentoError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Warning: Undefined variable $type",
        ))
    }
}

/// `PUT /V1/products/{sku}/links {entity}` → `true`; the URL's SKU wins.
pub fn save_link(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entity = input::arg(&ctx.body, "entity")?.clone();
    let sku = ctx.param(0).to_owned();
    product_links::save_link(ctx.state, &sku, &entity)?;
    Ok(Value::Bool(true))
}

/// `DELETE /V1/products/{sku}/links/{type}/{linkedProductSku}` → `true`.
pub fn delete_link(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let (sku, link_type, linked) = (
        ctx.param(0).to_owned(),
        ctx.param(1).to_owned(),
        ctx.param(2).to_owned(),
    );
    product_links::delete_link(ctx.state, &sku, &link_type, &linked)?;
    Ok(Value::Bool(true))
}

/// `POST /V1/products/options {option}` and `PUT /V1/products/options/{optionId}
/// {option}` → the option as saved. For the PUT, the URL's id becomes the option's
/// `option_id` when `option` is the body's only key (`ParamsOverrider` substitutes the
/// last path parameter into a body of one object that declares it).
pub fn save_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let mut option = input::arg(&ctx.body, "option")?.clone();
    let single = ctx.body.as_object().is_some_and(|o| o.len() == 1);
    if !ctx.params.is_empty() && single {
        let id = int_param(ctx, 0, "optionId")?;
        if let Some(o) = option.as_object_mut() {
            o.remove("optionId");
            o.insert("option_id".into(), json!(id));
        }
    }
    let now = ctx.now;
    crate::custom_options::save(ctx.state, &option, now)
}

/// `GET /V1/products/options/types`.
pub fn option_types(_ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(crate::custom_options::types_json())
}
