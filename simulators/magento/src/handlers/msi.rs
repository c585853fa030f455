//! MSI handlers (reference §7): bind the request the way Magento's
//! `ServiceInputProcessor` does, call [`crate::msi`], shape Magento's JSON.
//!
//! Binding rules shared by every body here: keys in snake_case or camelCase; a value
//! of the wrong scalar type is the pre-rendered `Error occurred during "x" processing…`
//! 400; a property the data interface does not have is a PHP `LogicException` in
//! Magento, which production masks as a 500 with a report id (reference §1.5).

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::Ctx;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::msi::{
    self, LinkInput, Patch, SalesChannelInput, Source, SourceInput, SourceItem, SourceItemInput,
    Stock, StockInput, StockSourceLink,
};
use crate::search::{self, Field};

const SOURCE_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\SourceInterface";
const STOCK_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\StockInterface";
const LINK_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\StockSourceLinkInterface";
const ITEM_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\SourceItemInterface";
const CARRIER_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\SourceCarrierLinkInterface";
const CHANNEL_CLASS: &str = "Magento\\InventorySalesApi\\Api\\Data\\SalesChannelInterface";
const SOURCE_EXTENSION_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\SourceExtension";
const STOCK_EXTENSION_CLASS: &str = "Magento\\InventoryApi\\Api\\Data\\StockExtension";

const SOURCE_KEYS: &[&str] = &[
    "source_code",
    "name",
    "email",
    "contact_name",
    "enabled",
    "description",
    "latitude",
    "longitude",
    "country_id",
    "region_id",
    "region",
    "city",
    "street",
    "postcode",
    "phone",
    "fax",
    "use_default_carrier_config",
    "carrier_links",
    "extension_attributes",
];
const SOURCE_EXTENSION_KEYS: &[&str] = &[
    "is_pickup_location_active",
    "frontend_name",
    "frontend_description",
];
const STOCK_KEYS: &[&str] = &["stock_id", "name", "extension_attributes"];
const LINK_KEYS: &[&str] = &[
    "stock_id",
    "source_code",
    "priority",
    "extension_attributes",
];
const ITEM_KEYS: &[&str] = &[
    "sku",
    "source_code",
    "quantity",
    "status",
    "extension_attributes",
];

/// A `void` service method's body.
fn void() -> Value {
    Value::Array(Vec::new())
}

fn unknown_property(key: &str, class: &str) -> MagentoError {
    MagentoError::unknown_property(key, class)
}

/// Production mode: any 500 (an unknown property here or in searchCriteria, an SQL
/// error of a condition type) becomes the masked body with the next report id.
fn masked<T>(ctx: &mut Ctx<'_>, result: MResult<T>) -> MResult<T> {
    result.map_err(|e| {
        if e.status == StatusCode::INTERNAL_SERVER_ERROR {
            let report = ctx.state.next.report;
            ctx.state.next.report = ctx.state.next.report.wrapping_add(1);
            MagentoError::internal(report)
        } else {
            e
        }
    })
}

fn object<'a>(value: &'a Value, name: &str, class: &str) -> MResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| input::type_error(name, value, class))
}

/// Values of a list argument: a JSON array, or an object with numeric keys (PHP makes
/// no difference).
fn list<'a>(value: &'a Value, name: &str, class: &str) -> MResult<Vec<&'a Value>> {
    match value {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(map) => Ok(map.values().collect()),
        other => Err(input::type_error(name, other, &format!("{class}[]"))),
    }
}

fn check_keys(obj: &Map<String, Value>, known: &[&str], class: &str) -> MResult<()> {
    match obj
        .keys()
        .find(|k| !known.contains(&input::snake(k).as_str()))
    {
        Some(key) => Err(unknown_property(key, class)),
        None => Ok(()),
    }
}

/// The value at `key` under either spelling, `null` included.
fn raw<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| obj.get(&input::camel(key)))
}

fn patch<T>(
    obj: &Map<String, Value>,
    key: &str,
    convert: fn(&Value, &str) -> MResult<T>,
) -> MResult<Patch<T>> {
    Ok(match raw(obj, key) {
        None => Patch::Keep,
        Some(Value::Null) => Patch::Clear,
        Some(v) => Patch::Set(convert(v, key)?),
    })
}

fn opt<T>(
    obj: &Map<String, Value>,
    key: &str,
    convert: fn(&Value, &str) -> MResult<T>,
) -> MResult<Option<T>> {
    match raw(obj, key) {
        Some(v) if !v.is_null() => convert(v, key).map(Some),
        _ => Ok(None),
    }
}

fn int_param(ctx: &Ctx<'_>, i: usize, name: &str) -> MResult<i64> {
    input::to_i64(&Value::String(ctx.param(i).to_owned()), name)
}

// ---------------------------------------------------------------------------
// Rendering

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v);
    }
}

/// A source as `GET /V1/inventory/sources/:code` shows it.
fn source_json(s: &Source) -> Value {
    let mut map = Map::new();
    map.insert("source_code".into(), json!(s.source_code));
    map.insert("name".into(), json!(s.name));
    put(&mut map, "email", s.email.as_ref().map(|v| json!(v)));
    put(
        &mut map,
        "contact_name",
        s.contact_name.as_ref().map(|v| json!(v)),
    );
    map.insert("enabled".into(), json!(s.enabled));
    put(
        &mut map,
        "description",
        s.description.as_ref().map(|v| json!(v)),
    );
    put(&mut map, "latitude", s.latitude.map(input::num));
    put(&mut map, "longitude", s.longitude.map(input::num));
    put(
        &mut map,
        "country_id",
        s.country_id.as_ref().map(|v| json!(v)),
    );
    put(&mut map, "region_id", s.region_id.map(|v| json!(v)));
    put(&mut map, "region", s.region.as_ref().map(|v| json!(v)));
    put(&mut map, "city", s.city.as_ref().map(|v| json!(v)));
    put(&mut map, "street", s.street.as_ref().map(|v| json!(v)));
    put(&mut map, "postcode", s.postcode.as_ref().map(|v| json!(v)));
    put(&mut map, "phone", s.phone.as_ref().map(|v| json!(v)));
    put(&mut map, "fax", s.fax.as_ref().map(|v| json!(v)));
    map.insert(
        "use_default_carrier_config".into(),
        json!(s.use_default_carrier_config),
    );
    map.insert("carrier_links".into(), json!(s.carrier_links));
    if !s.extension_attributes.is_empty() {
        map.insert(
            "extension_attributes".into(),
            Value::Object(s.extension_attributes.clone()),
        );
    }
    Value::Object(map)
}

/// A stock, flat, with its sales channels under `extension_attributes`.
fn stock_json(s: &Stock) -> Value {
    let channels: Vec<Value> = s
        .sales_channels
        .iter()
        .map(|c| json!({"type": c.kind, "code": c.code}))
        .collect();
    json!({
        "stock_id": s.stock_id,
        "name": s.name,
        "extension_attributes": {"sales_channels": channels},
    })
}

fn link_json(l: &StockSourceLink) -> Value {
    json!({"stock_id": l.stock_id, "source_code": l.source_code, "priority": l.priority})
}

fn item_json(i: &SourceItem) -> Value {
    json!({
        "sku": i.sku,
        "source_code": i.source_code,
        "quantity": input::num(i.quantity),
        "status": i.status,
    })
}

fn text(v: &Option<String>) -> Field<'_> {
    v.as_deref().map_or(Field::Missing, Field::text)
}

fn number(v: Option<f64>) -> Field<'static> {
    v.map_or(Field::Missing, Field::Num)
}

fn flag(b: bool) -> Field<'static> {
    Field::Num(if b { 1.0 } else { 0.0 })
}

/// Column values of a source for searchCriteria.
fn source_field<'a>(s: &'a Source, field: &str) -> Field<'a> {
    match field {
        "source_code" => Field::text(&s.source_code),
        "name" => Field::text(&s.name),
        "email" => text(&s.email),
        "contact_name" => text(&s.contact_name),
        "enabled" => flag(s.enabled),
        "description" => text(&s.description),
        "latitude" => number(s.latitude),
        "longitude" => number(s.longitude),
        "country_id" => text(&s.country_id),
        "region_id" => number(s.region_id.map(|v| v as f64)),
        "region" => text(&s.region),
        "city" => text(&s.city),
        "street" => text(&s.street),
        "postcode" => text(&s.postcode),
        "phone" => text(&s.phone),
        "fax" => text(&s.fax),
        "use_default_carrier_config" => flag(s.use_default_carrier_config),
        "is_pickup_location_active" => flag(
            s.extension_attributes
                .get("is_pickup_location_active")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        ),
        "frontend_name" | "frontend_description" => s
            .extension_attributes
            .get(field)
            .and_then(Value::as_str)
            .map_or(Field::Missing, Field::text),
        _ => Field::Missing,
    }
}

fn stock_field<'a>(s: &'a Stock, field: &str) -> Field<'a> {
    match field {
        "stock_id" => Field::Num(s.stock_id as f64),
        "name" => Field::text(&s.name),
        _ => Field::Missing,
    }
}

fn link_field<'a>(l: &'a StockSourceLink, field: &str) -> Field<'a> {
    match field {
        "stock_id" => Field::Num(l.stock_id as f64),
        "source_code" => Field::text(&l.source_code),
        "priority" => Field::Num(l.priority as f64),
        _ => Field::Missing,
    }
}

fn item_field<'a>(i: &'a SourceItem, field: &str) -> Field<'a> {
    match field {
        "sku" => Field::text(&i.sku),
        "source_code" => Field::text(&i.source_code),
        "quantity" => Field::Num(i.quantity),
        "status" => Field::Num(f64::from(i.status)),
        _ => Field::Missing,
    }
}

// ---------------------------------------------------------------------------
// Binding

fn bind_source(value: &Value) -> MResult<SourceInput> {
    let obj = object(value, "source", SOURCE_CLASS)?;
    check_keys(obj, SOURCE_KEYS, SOURCE_CLASS)?;
    let mut source = SourceInput {
        source_code: patch(obj, "source_code", input::to_string)?,
        name: patch(obj, "name", input::to_string)?,
        email: patch(obj, "email", input::to_string)?,
        contact_name: patch(obj, "contact_name", input::to_string)?,
        enabled: patch(obj, "enabled", input::to_bool)?,
        description: patch(obj, "description", input::to_string)?,
        latitude: patch(obj, "latitude", input::to_f64)?,
        longitude: patch(obj, "longitude", input::to_f64)?,
        country_id: patch(obj, "country_id", input::to_string)?,
        region_id: patch(obj, "region_id", input::to_i64)?,
        region: patch(obj, "region", input::to_string)?,
        city: patch(obj, "city", input::to_string)?,
        street: patch(obj, "street", input::to_string)?,
        postcode: patch(obj, "postcode", input::to_string)?,
        phone: patch(obj, "phone", input::to_string)?,
        fax: patch(obj, "fax", input::to_string)?,
        use_default_carrier_config: patch(obj, "use_default_carrier_config", input::to_bool)?,
        carrier_links: Patch::Keep,
        ..SourceInput::default()
    };
    match raw(obj, "carrier_links") {
        None => {}
        Some(Value::Null) => source.carrier_links = Patch::Clear,
        Some(v) => {
            let mut links = Vec::new();
            for link in list(v, "carrier_links", CARRIER_CLASS)? {
                let l = object(link, "carrier_links", CARRIER_CLASS)?;
                check_keys(
                    l,
                    &["carrier_code", "position", "extension_attributes"],
                    CARRIER_CLASS,
                )?;
                let mut out = Map::new();
                if let Some(code) = opt(l, "carrier_code", input::to_string)? {
                    out.insert("carrier_code".into(), Value::String(code));
                }
                if let Some(position) = opt(l, "position", input::to_i64)? {
                    out.insert("position".into(), Value::from(position));
                }
                links.push(Value::Object(out));
            }
            source.carrier_links = Patch::Set(links);
        }
    }
    if let Some(ext) = raw(obj, "extension_attributes").filter(|v| !v.is_null()) {
        let ext = object(ext, "extension_attributes", SOURCE_EXTENSION_CLASS)?;
        check_keys(ext, SOURCE_EXTENSION_KEYS, SOURCE_EXTENSION_CLASS)?;
        source.is_pickup_location_active = patch(ext, "is_pickup_location_active", input::to_bool)?;
        source.frontend_name = patch(ext, "frontend_name", input::to_string)?;
        source.frontend_description = patch(ext, "frontend_description", input::to_string)?;
    }
    Ok(source)
}

fn bind_stock(value: &Value) -> MResult<StockInput> {
    let obj = object(value, "stock", STOCK_CLASS)?;
    check_keys(obj, STOCK_KEYS, STOCK_CLASS)?;
    let mut stock = StockInput {
        stock_id: opt(obj, "stock_id", input::to_i64)?,
        name: patch(obj, "name", input::to_string)?,
        sales_channels: Vec::new(),
    };
    if let Some(ext) = raw(obj, "extension_attributes").filter(|v| !v.is_null()) {
        let ext = object(ext, "extension_attributes", STOCK_EXTENSION_CLASS)?;
        check_keys(ext, &["sales_channels"], STOCK_EXTENSION_CLASS)?;
        if let Some(channels) = raw(ext, "sales_channels").filter(|v| !v.is_null()) {
            for channel in list(channels, "sales_channels", CHANNEL_CLASS)? {
                let c = object(channel, "sales_channels", CHANNEL_CLASS)?;
                check_keys(c, &["type", "code", "extension_attributes"], CHANNEL_CLASS)?;
                stock.sales_channels.push(SalesChannelInput {
                    kind: opt(c, "type", input::to_string)?,
                    code: opt(c, "code", input::to_string)?,
                });
            }
        }
    }
    Ok(stock)
}

fn bind_links(body: &Value) -> MResult<Vec<LinkInput>> {
    let links = input::arg(body, "links")?;
    list(links, "links", LINK_CLASS)?
        .into_iter()
        .map(|link| {
            let l = object(link, "links", LINK_CLASS)?;
            check_keys(l, LINK_KEYS, LINK_CLASS)?;
            Ok(LinkInput {
                stock_id: opt(l, "stock_id", input::to_i64)?,
                source_code: opt(l, "source_code", input::to_string)?,
                priority: opt(l, "priority", input::to_i64)?,
            })
        })
        .collect()
}

fn bind_items(body: &Value) -> MResult<Vec<SourceItemInput>> {
    let items = input::arg(body, "sourceItems")?;
    list(items, "sourceItems", ITEM_CLASS)?
        .into_iter()
        .map(|item| {
            let i = object(item, "sourceItems", ITEM_CLASS)?;
            check_keys(i, ITEM_KEYS, ITEM_CLASS)?;
            Ok(SourceItemInput {
                sku: opt(i, "sku", input::to_string)?,
                source_code: opt(i, "source_code", input::to_string)?,
                quantity: opt(i, "quantity", input::to_f64)?,
                status: opt(i, "status", input::to_i64)?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Sources

/// `GET /V1/inventory/sources` (optional searchCriteria).
/// <https://developer.adobe.com/commerce/webapi/rest/inventory/manage-sources/>
pub fn list_sources(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let page = list_sources_page(ctx);
    masked(ctx, page)
}

fn list_sources_page(ctx: &Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, false)?;
    let rows = msi::sources_in_order(ctx.state);
    let (items, total) = criteria.apply(&rows, |s, f| source_field(s, f))?;
    let items = items.into_iter().map(|s| source_json(s)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/inventory/sources/:sourceCode`
pub fn get_source(ctx: &mut Ctx<'_>) -> MResult<Value> {
    msi::source(ctx.state, ctx.param(0)).map(source_json)
}

/// `POST /V1/inventory/sources` → `[]` (creates, or updates the code's source).
pub fn post_source(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = input::arg(&ctx.body, "source").and_then(bind_source);
    let source = masked(ctx, bound)?;
    msi::save_source(ctx.state, source)?;
    Ok(void())
}

/// `PUT /V1/inventory/sources/:sourceCode` → `[]`; the URL's code wins over the body's.
pub fn put_source(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = input::arg(&ctx.body, "source").and_then(bind_source);
    let mut source = masked(ctx, bound)?;
    source.source_code = Patch::Set(ctx.param(0).to_owned());
    msi::save_source(ctx.state, source)?;
    Ok(void())
}

// ---------------------------------------------------------------------------
// Stocks

/// `GET /V1/inventory/stocks` (optional searchCriteria).
/// <https://developer.adobe.com/commerce/webapi/rest/inventory/manage-stocks/>
pub fn list_stocks(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let page = list_stocks_page(ctx);
    masked(ctx, page)
}

fn list_stocks_page(ctx: &Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, false)?;
    let rows = ctx.state.stocks.values().collect::<Vec<&Stock>>();
    let (items, total) = criteria.apply(&rows, |s, f| stock_field(s, f))?;
    let items = items.into_iter().map(|s| stock_json(s)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/inventory/stocks/:stockId` → the stock, flat.
pub fn get_stock(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "stockId")?;
    msi::stock(ctx.state, id).map(stock_json)
}

/// `POST /V1/inventory/stocks` → the stock id.
pub fn post_stock(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = input::arg(&ctx.body, "stock").and_then(bind_stock);
    let stock = masked(ctx, bound)?;
    msi::save_stock(ctx.state, stock).map(Value::from)
}

/// `PUT /V1/inventory/stocks/:stockId` → the stock id; the URL's id wins.
pub fn put_stock(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = input::arg(&ctx.body, "stock").and_then(bind_stock);
    let mut stock = masked(ctx, bound)?;
    stock.stock_id = Some(int_param(ctx, 0, "stockId")?);
    msi::save_stock(ctx.state, stock).map(Value::from)
}

/// `DELETE /V1/inventory/stocks/:stockId` → `[]`.
pub fn delete_stock(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "stockId")?;
    msi::delete_stock(ctx.state, id)?;
    Ok(void())
}

// ---------------------------------------------------------------------------
// Links

/// `GET /V1/inventory/stock-source-links` (searchCriteria required).
/// <https://developer.adobe.com/commerce/webapi/rest/inventory/link-stocks-sources/>
pub fn list_links(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let page = list_links_page(ctx);
    masked(ctx, page)
}

fn list_links_page(ctx: &Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows = ctx.state.stock_source_links.as_slice();
    let (items, total) = criteria.apply(rows, link_field)?;
    let items = items.into_iter().map(link_json).collect();
    Ok(search::result(items, &criteria, total))
}

/// `POST /V1/inventory/stock-source-links` → `[]`.
pub fn save_links(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = bind_links(&ctx.body);
    let links = masked(ctx, bound)?;
    msi::save_links(ctx.state, links)?;
    Ok(void())
}

/// `POST /V1/inventory/stock-source-links-delete` → `[]`.
pub fn delete_links(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = bind_links(&ctx.body);
    let links = masked(ctx, bound)?;
    msi::delete_links(ctx.state, links)?;
    Ok(void())
}

/// `GET /V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/:stockId`
pub fn sources_by_priority(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = int_param(ctx, 0, "stockId")?;
    Ok(Value::Array(
        msi::sources_by_priority(ctx.state, id)
            .into_iter()
            .map(source_json)
            .collect(),
    ))
}

// ---------------------------------------------------------------------------
// Source items

/// `GET /V1/inventory/source-items` (searchCriteria required).
/// <https://developer.adobe.com/commerce/webapi/rest/inventory/manage-source-items/>
pub fn list_source_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let page = list_source_items_page(ctx);
    masked(ctx, page)
}

fn list_source_items_page(ctx: &Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&msi::SourceItem> = ctx.state.source_items.iter().collect();
    let (items, total) = criteria.apply(&rows, |i, f| item_field(i, f))?;
    let items = items.into_iter().map(|i| item_json(i)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `POST /V1/inventory/source-items` → `[]` (upsert per SKU and source).
pub fn save_source_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = bind_items(&ctx.body);
    let items = masked(ctx, bound)?;
    msi::save_source_items(ctx.state, items)?;
    Ok(void())
}

/// `POST /V1/inventory/source-items-delete` → `[]`.
pub fn delete_source_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let bound = bind_items(&ctx.body);
    let items = masked(ctx, bound)?;
    msi::delete_source_items(ctx.state, items)?;
    Ok(void())
}

// ---------------------------------------------------------------------------
// Sales

/// `GET /V1/inventory/get-product-salable-quantity/:sku/:stockId` → a number.
/// <https://developer.adobe.com/commerce/webapi/rest/inventory/salable-quantities/>
pub fn salable_qty(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let stock_id = int_param(ctx, 1, "stockId")?;
    msi::salable_qty(ctx.state, ctx.param(0), stock_id).map(input::num)
}

/// `GET /V1/inventory/is-product-salable/:sku/:stockId` → `true` / `false`.
pub fn is_salable(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let stock_id = int_param(ctx, 1, "stockId")?;
    Ok(Value::Bool(msi::is_salable(
        ctx.state,
        ctx.param(0),
        stock_id,
    )))
}

/// `GET /V1/inventory/is-product-salable-for-requested-qty/:sku/:stockId/:requestedQty`
/// → `{"salable": bool, "errors": [{"code", "message"}]}`.
pub fn is_salable_for_requested_qty(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let stock_id = int_param(ctx, 1, "stockId")?;
    let qty = input::to_f64(&Value::String(ctx.param(2).to_owned()), "requestedQty")?;
    let errors = msi::salable_for_requested_qty(ctx.state, ctx.param(0), stock_id, qty)?;
    Ok(json!({
        "salable": errors.is_empty(),
        "errors": errors
            .iter()
            .map(|e| json!({"code": e.code, "message": e.message}))
            .collect::<Vec<_>>(),
    }))
}

/// `GET /V1/inventory/are-products-salable?skus[]=…&stockId=…` → `[{sku, stock_id,
/// salable}]` in the order asked (`AreProductsSalableInterface`; `isSalable()` renders as
/// `salable`). Both parameters are required; `skus` must be a list.
pub fn are_salable(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let skus = ctx
        .query
        .get("skus")
        .ok_or_else(|| MagentoError::required("skus"))?;
    let skus = crate::phpquery::get_list(skus)
        .ok_or_else(|| input::type_error("skus", skus, "string[]"))?;
    let stock_id = ctx
        .query
        .get("stockId")
        .or_else(|| ctx.query.get("stock_id"))
        .ok_or_else(|| MagentoError::required("stockId"))?;
    let stock_id = input::to_i64(stock_id, "stockId")?;
    let mut out = Vec::with_capacity(skus.len());
    for sku in skus {
        let sku = input::to_string(sku, "skus")?;
        let salable = msi::is_salable(ctx.state, &sku, stock_id);
        out.push(json!({"sku": sku, "stock_id": stock_id, "salable": salable}));
    }
    Ok(Value::Array(out))
}

/// `GET /V1/inventory/stock-resolver/:type/:code` → the stock of a sales channel.
pub fn stock_resolver(ctx: &mut Ctx<'_>) -> MResult<Value> {
    msi::stock_for_channel(ctx.state, ctx.param(0), ctx.param(1)).map(stock_json)
}
