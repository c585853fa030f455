//! Catalog handlers (reference §5, §6): products, attribute sets, categories and the
//! legacy stock item. The rules live in [`crate::catalog`]; these bind the input and
//! shape the output.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Ctx, Scope};
use crate::catalog::{self as cat, SaveScope};
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::search;

/// The `int` path parameter `i`, named `name` in a type error.
fn int_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<i64> {
    input::to_i64(&Value::String(ctx.param(i).to_owned()), name)
}

/// An optional `int` query parameter.
fn int_query(ctx: &Ctx<'_>, name: &str) -> MResult<Option<i64>> {
    match ctx.query.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => input::to_i64(v, name).map(Some),
    }
}

fn save_scope(ctx: &Ctx<'_>) -> SaveScope {
    let website_ids = match ctx.scope {
        Scope::All => ctx
            .state
            .websites
            .iter()
            .map(|w| w.id)
            .filter(|&id| id != 0)
            .collect(),
        _ => vec![ctx.website_id()],
    };
    let store = match ctx.scope {
        Scope::All => ctx.state.default_store_view().map_or(1, |s| s.id),
        _ => ctx.store_id(),
    };
    let timezone = ctx
        .state
        .store_config(store)
        .map_or_else(|| "UTC".to_owned(), |c| c.timezone.clone());
    SaveScope {
        now: ctx.now,
        website_ids,
        timezone,
    }
}

/// Root category of the request's store (the default store's for `all`).
fn store_root(ctx: &Ctx<'_>) -> u64 {
    let store = match ctx.scope {
        Scope::All => ctx.state.default_store_view().map_or(1, |s| s.id),
        _ => ctx.store_id(),
    };
    ctx.state
        .store_views
        .iter()
        .find(|s| s.id == store)
        .and_then(|s| {
            ctx.state
                .store_groups
                .iter()
                .find(|g| g.id == s.store_group_id)
        })
        .map_or(1, |g| g.root_category_id)
}

/// `GET /V1/products?searchCriteria…` (searchCriteria required), in id order.
pub fn search_products(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows = ctx.state.products.search_rows(&criteria.columns());
    let (page, total) = criteria.apply(&rows, |p, f| p.field(f))?;
    let items = page
        .into_iter()
        .filter_map(|p| p.product())
        .map(cat::product_json)
        .collect();
    Ok(search::result(items, &criteria, total))
}

/// `POST /V1/products`: upsert by the body's SKU.
pub fn post_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    // `save_scope` only reads the store, so it may come before the argument check.
    let scope = save_scope(ctx);
    let product = input::arg(&ctx.body, "product")?;
    let id = cat::save_product(ctx.state, product, None, &scope)?;
    reply_saved(ctx, id)
}

/// `PUT /V1/products/{sku}`: the URL's SKU wins; an unknown SKU is created.
pub fn put_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let scope = save_scope(ctx);
    let product = input::arg(&ctx.body, "product")?;
    let sku = ctx.params.first().map_or("", String::as_str);
    let id = cat::save_product(ctx.state, product, Some(sku), &scope)?;
    reply_saved(ctx, id)
}

/// `GET /V1/products/{sku}`.
pub fn get_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = cat::product(ctx.state, ctx.param(0))?.id;
    reply_product(ctx, id)
}

/// The product with `id`, rendered straight to JSON (see [`crate::render`]), or kept
/// from its last rendering.
fn reply_product(ctx: &mut Ctx<'_>, id: u64) -> MResult<Value> {
    let bytes = ctx
        .state
        .products
        .rendered(id)
        .ok_or_else(|| MagentoError::not_found(cat::m::PRODUCT_NOT_FOUND))?;
    reply_bytes(ctx, bytes)
}

/// The product just saved with `id`, rendered straight to JSON but not kept: an import
/// saves thousands of products that nobody reads back at once, and keeping each would
/// only push the products clients do read out of the cache.
fn reply_saved(ctx: &mut Ctx<'_>, id: u64) -> MResult<Value> {
    let bytes = ctx
        .state
        .products
        .get(&id)
        .map(crate::render::product_bytes)
        .ok_or_else(|| MagentoError::not_found(cat::m::PRODUCT_NOT_FOUND))?
        .map(axum::body::Bytes::from);
    reply_bytes(ctx, bytes)
}

fn reply_bytes(
    ctx: &mut Ctx<'_>,
    bytes: Result<axum::body::Bytes, serde_json::Error>,
) -> MResult<Value> {
    // Writing JSON into memory only fails for a map with non-string keys, which no
    // stored value has; it would answer Magento's masked 500.
    let bytes =
        bytes.map_err(|e| MagentoError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    ctx.reply_rendered(bytes)
}

/// `DELETE /V1/products/{sku}` → `true`.
pub fn delete_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0).to_owned();
    cat::delete_product(ctx.state, &sku)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/products/types`.
pub fn product_types(_ctx: &mut Ctx<'_>) -> MResult<Value> {
    Ok(json!([
        {"name": "simple", "label": "Simple Product"},
        {"name": "virtual", "label": "Virtual Product"},
        {"name": "downloadable", "label": "Downloadable Product"},
        {"name": "configurable", "label": "Configurable Product"},
        {"name": "grouped", "label": "Grouped Product"},
        {"name": "bundle", "label": "Bundle Product"},
    ]))
}

fn set_json(s: &cat::AttributeSet) -> Value {
    json!({
        "attribute_set_id": s.attribute_set_id,
        "attribute_set_name": s.attribute_set_name,
        "sort_order": s.sort_order,
        "entity_type_id": s.entity_type_id,
    })
}

/// `GET /V1/products/attribute-sets/sets/list?searchCriteria…` (required): product
/// sets in fixture order.
pub fn attribute_sets(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&cat::AttributeSet> = ctx
        .state
        .attribute_sets
        .iter()
        .filter(|s| s.entity_type_id == 4)
        .collect();
    let (page, total) = criteria.apply(&rows, |s, f| match f {
        "attribute_set_id" => search::Field::Num(s.attribute_set_id as f64),
        "attribute_set_name" => search::Field::text(&s.attribute_set_name),
        "sort_order" => search::Field::Num(s.sort_order as f64),
        "entity_type_id" => search::Field::Num(s.entity_type_id as f64),
        _ => search::Field::Missing,
    })?;
    let items = page.into_iter().map(|s| set_json(s)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/products/attribute-sets/{attributeSetId}`.
pub fn attribute_set(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "attributeSetId")?;
    ctx.state
        .attribute_sets
        .iter()
        .find(|s| i64::try_from(s.attribute_set_id) == Ok(id))
        .map(set_json)
        .ok_or_else(|| {
            MagentoError::not_found(cat::m::NO_SUCH_ENTITY)
                .named([("fieldName", json!("id")), ("fieldValue", json!(id))])
        })
}

/// `GET /V1/categories?rootCategoryId=&depth=`: the tree under the store's root
/// category (Root Catalog for `all`).
pub fn category_tree(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let depth = int_query(ctx, "depth")?;
    let root = match int_query(ctx, "rootCategoryId")? {
        Some(id) if id != 0 => id,
        _ if ctx.scope == Scope::All => 1,
        _ => i64::try_from(store_root(ctx)).unwrap_or(1),
    };
    let c = cat::category(ctx.state, root)?;
    Ok(cat::tree_json(ctx.state, c, depth))
}

/// `GET /V1/categories/list?searchCriteria…` (required), in id order.
pub fn category_list(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&cat::Category> = ctx.state.categories.values().collect();
    let (page, total) = criteria.apply(&rows, |c, f| cat::category_field(c, f))?;
    let items = page
        .into_iter()
        .map(|c| cat::category_json(ctx.state, c))
        .collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/categories/{categoryId}`.
pub fn get_category(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    let c = cat::category(ctx.state, id)?;
    Ok(cat::category_json(ctx.state, c))
}

fn saved_category(ctx: &Ctx<'_>, id: u64) -> MResult<Value> {
    let c = cat::category(ctx.state, i64::try_from(id).unwrap_or(-1))?;
    Ok(cat::category_json(ctx.state, c))
}

/// `POST /V1/categories`.
pub fn post_category(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let body = input::arg(&ctx.body, "category")?.clone();
    let root = store_root(ctx);
    let id = cat::save_category(ctx.state, &body, None, root, ctx.now)?;
    saved_category(ctx, id)
}

/// `PUT /V1/categories/{id}`: the URL's id wins.
pub fn put_category(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let url_id = int_param(ctx, 0, "id")?;
    let body = input::arg(&ctx.body, "category")?.clone();
    let root = store_root(ctx);
    let id = cat::save_category(ctx.state, &body, Some(url_id), root, ctx.now)?;
    saved_category(ctx, id)
}

/// `DELETE /V1/categories/{categoryId}` → `true`.
pub fn delete_category(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    cat::delete_category(ctx.state, id)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/products/{sku}/options`.
pub fn product_options(ctx: &mut Ctx<'_>) -> MResult<Value> {
    cat::product_options(ctx.state, ctx.param(0))
}

/// `GET /V1/products/{sku}/options/{optionId}`.
pub fn product_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let option_id = int_param(ctx, 1, "optionId")?;
    cat::product_option(ctx.state, ctx.param(0), option_id)
}

/// `DELETE /V1/products/{sku}/options/{optionId}` → `true`.
pub fn delete_product_option(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let option_id = int_param(ctx, 1, "optionId")?;
    let sku = ctx.param(0).to_owned();
    cat::delete_product_option(ctx.state, &sku, option_id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `POST`/`PUT /V1/products/{sku}/websites {productWebsiteLink: {sku, website_id}}` →
/// `true`; the URL's SKU wins over the link's (`ParamsOverrider`).
pub fn assign_product_website(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let link = input::arg(&ctx.body, "productWebsiteLink")?.clone();
    if !link.is_object() {
        return Err(input::type_error(
            "productWebsiteLink",
            &link,
            "Magento\\Catalog\\Api\\Data\\ProductWebsiteLinkInterface",
        ));
    }
    let website_id = input::field(&link, "website_id")
        .map(|v| input::to_i64(v, "websiteId"))
        .transpose()?
        .unwrap_or(0);
    let sku = ctx.param(0).to_owned();
    cat::assign_website(ctx.state, &sku, website_id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `DELETE /V1/products/{sku}/websites/{websiteId}` → `true`.
pub fn unassign_product_website(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let website_id = int_param(ctx, 1, "websiteId")?;
    let sku = ctx.param(0).to_owned();
    cat::unassign_website(ctx.state, &sku, website_id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `GET /V1/categories/{categoryId}/products`.
pub fn category_products(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    Ok(Value::Array(cat::assigned_products(ctx.state, id)?))
}

/// `POST`/`PUT /V1/categories/{categoryId}/products {productLink}` → `true`. The URL's
/// category id overrides the link's, as Magento's `ParamsOverrider` does.
pub fn save_category_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    let link = input::arg(&ctx.body, "productLink")?.clone();
    if !link.is_object() {
        return Err(input::type_error(
            "productLink",
            &link,
            "Magento\\Catalog\\Api\\Data\\CategoryProductLinkInterface",
        ));
    }
    let sku = input::field(&link, "sku")
        .map(|v| input::to_string(v, "sku"))
        .transpose()?
        .unwrap_or_default();
    let position = input::field(&link, "position")
        .map(|v| input::to_i64(v, "position"))
        .transpose()?
        .unwrap_or(0);
    cat::save_category_link(ctx.state, id, &sku, position, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `DELETE /V1/categories/{categoryId}/products/{sku}` → `true`.
pub fn delete_category_product(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    let sku = ctx.param(1).to_owned();
    cat::delete_category_link(ctx.state, id, &sku, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `PUT /V1/categories/{categoryId}/move {parentId, afterId}` → `true`.
pub fn move_category(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "categoryId")?;
    let parent = input::to_i64(input::arg(&ctx.body, "parentId")?, "parentId")?;
    let after = input::field(&ctx.body, "after_id")
        .or_else(|| ctx.body.get("afterId"))
        .filter(|v| !v.is_null())
        .map(|v| input::to_i64(v, "afterId"))
        .transpose()?;
    cat::move_category(ctx.state, id, parent, after, ctx.now)?;
    Ok(Value::Bool(true))
}

fn sku_not_found(sku: &str) -> MagentoError {
    MagentoError::not_found(cat::m::SKU_NOT_FOUND).positional([json!(sku)])
}

/// `GET /V1/stockItems/{productSku}`.
pub fn get_stock_item(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0);
    cat::find_by_sku(ctx.state, sku)
        .map(|p| cat::stock_item_json(&p.stock_item))
        .ok_or_else(|| sku_not_found(sku))
}

/// `PUT /V1/products/{productSku}/stockItems/{itemId}` → the item id (the URL's item
/// id is not used, as in Magento).
pub fn put_stock_item(ctx: &mut Ctx<'_>) -> MResult<Value> {
    int_param(ctx, 1, "itemId")?;
    let body = input::arg(&ctx.body, "stockItem")?.clone();
    let sku = ctx.param(0).to_owned();
    let id = cat::update_stock_item(ctx.state, &sku, &body, ctx.now)?;
    Ok(json!(id))
}

/// `GET /V1/stockStatuses/{productSku}`.
pub fn get_stock_status(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let sku = ctx.param(0);
    cat::find_by_sku(ctx.state, sku)
        .map(cat::stock_status_json)
        .ok_or_else(|| sku_not_found(sku))
}
