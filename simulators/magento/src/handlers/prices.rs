//! Price storage handlers (`BasePriceStorageInterface`, `CostStorageInterface`,
//! `SpecialPriceStorageInterface`, `TierPriceStorageInterface`; the rules live in
//! [`crate::prices`]) and the CatalogInventory low-stock report
//! (`StockRegistryInterface::getLowStockItems`).

use serde_json::{Value, json};

use super::Ctx;
use crate::catalog;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::prices;

/// `POST /V1/products/base-prices-information`.
pub fn base_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::base_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/base-prices`.
pub fn update_base_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::update_base_prices(ctx.state, &ctx.body, ctx.now)
}

/// `POST /V1/products/cost-information`.
pub fn costs(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::costs(ctx.state, &ctx.body)
}

/// `POST /V1/products/cost`.
pub fn update_costs(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::update_costs(ctx.state, &ctx.body)
}

/// `POST /V1/products/cost-delete`.
pub fn delete_costs(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::delete_costs(ctx.state, &ctx.body)
}

/// `POST /V1/products/special-price-information`.
pub fn special_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::special_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/special-price`.
pub fn update_special_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::update_special_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/special-price-delete`.
pub fn delete_special_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::delete_special_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/tier-prices-information`.
pub fn tier_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::tier_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/tier-prices`.
pub fn update_tier_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::update_tier_prices(ctx.state, &ctx.body)
}

/// `PUT /V1/products/tier-prices`.
pub fn replace_tier_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::replace_tier_prices(ctx.state, &ctx.body)
}

/// `POST /V1/products/tier-prices-delete`.
pub fn delete_tier_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::delete_tier_prices(ctx.state, &ctx.body)
}

/// A `float` path parameter (`qty`, `price`), bound as the web API casts it.
fn float_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<f64> {
    input::to_f64(&Value::String(ctx.param(i).to_owned()), name)
}

/// `GET /V1/products/{sku}/group-prices/{customerGroupId}/tiers`.
pub fn group_tier_prices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    prices::group_tier_prices(ctx.state, ctx.param(0), ctx.param(1))
}

/// `POST /V1/products/{sku}/group-prices/{customerGroupId}/tiers/{qty}/price/{price}`.
pub fn add_group_tier_price(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let qty = float_param(ctx, 2, "qty")?;
    let price = float_param(ctx, 3, "price")?;
    let (sku, group) = (ctx.param(0).to_owned(), ctx.param(1).to_owned());
    prices::add_group_tier_price(ctx.state, &sku, &group, qty, price)
}

/// `DELETE /V1/products/{sku}/group-prices/{customerGroupId}/tiers/{qty}`.
pub fn remove_group_tier_price(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let qty = float_param(ctx, 2, "qty")?;
    let (sku, group) = (ctx.param(0).to_owned(), ctx.param(1).to_owned());
    prices::remove_group_tier_price(ctx.state, &sku, &group, qty)
}

// ---------------------------------------------------------------------------
// Low stock

/// `StockItemCriteria`'s mapper, as its `getMapperInterfaceName()` names it.
const STOCK_ITEM_CRITERIA_MAPPER: &str =
    "Magento\\CatalogInventory\\Model\\ResourceModel\\Stock\\Item\\StockItemCriteriaMapper";

/// `GET /V1/stockItems/lowStock?scopeId=…&qty=…[&currentPage=…&pageSize=…]`:
/// `StockRegistry::getLowStockItems` — the legacy stock items of scope (website)
/// `scopeId` whose quantity is at most `qty`, a page of them (Zend's `limitPage`: a
/// page or page size below 1 counts as 1, so the default page size 0 is one item), as
/// `{items, search_criteria, total_count}`. Every legacy stock item is in the default
/// scope 0, as in Magento 2.4, so another scope has none.
pub fn low_stock_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let scope = input::field(&ctx.query, "scope_id");
    let qty = input::field(&ctx.query, "qty");
    let missing: Vec<&str> = [("scopeId", scope), ("qty", qty)]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(name, _)| *name)
        .collect();
    let (Some(scope), Some(qty)) = (scope, qty) else {
        return Err(MagentoError::required_fields(&missing));
    };
    let scope = input::to_i64(scope, "scopeId")?;
    let qty = input::to_f64(qty, "qty")?;
    let page = input::field(&ctx.query, "current_page")
        .map(|v| input::to_i64(v, "currentPage"))
        .transpose()?
        .unwrap_or(1);
    let size = input::field(&ctx.query, "page_size")
        .map(|v| input::to_i64(v, "pageSize"))
        .transpose()?
        .unwrap_or(0);

    let mut ids: Vec<u64> = if scope == 0 {
        ctx.state.products.qty_at_most(qty).collect()
    } else {
        Vec::new()
    };
    // The table's order: by item id, which is the product id.
    ids.sort_unstable();
    let rows = usize::try_from(size.max(1)).unwrap_or(usize::MAX);
    let offset = usize::try_from(page.max(1) - 1)
        .ok()
        .and_then(|p| p.checked_mul(rows))
        .unwrap_or(usize::MAX);
    let items: Vec<Value> = ids
        .iter()
        .skip(offset)
        .take(rows)
        .filter_map(|id| ctx.state.products.get(id))
        .map(|p| catalog::stock_item_json(&p.stock_item))
        .collect();
    Ok(json!({
        "items": items,
        "search_criteria": {
            "mapper_interface_name": STOCK_ITEM_CRITERIA_MAPPER,
            "criteria_list": [],
            "filters": [],
            "orders": [],
            "limit": [page, size],
        },
        "total_count": ids.len(),
    }))
}
