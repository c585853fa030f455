//! The catalog's price storages (`Magento\Catalog\Model\Product\Price\*`): base prices,
//! costs, special prices and tier prices, read and written in bulk by SKU, and the
//! product's tier price rows (`catalog_product_entity_tier_price`) that the product
//! read and save share with them.
//!
//! One truth: a product's base price is [`Product::price`], its cost and special price
//! (with `special_from_date` / `special_to_date`) are its `custom_attributes` at the
//! global scope, and its tier prices are [`Product::tier_prices`]. The storages and the
//! product API read and write those same fields. The store runs with Magento's default
//! price scope, global (`catalog/price/scope` 0): base prices are always written to
//! store 0, special prices for another store are refused, tier prices must be for all
//! websites (0). Costs are not scoped by Magento's storage, so a cost sent for a store
//! view is kept for that store view ([`StoreCosts`]) and read back by
//! `cost-information`, while the product (global attribute) shows the store-0 value.
//!
//! An update answers `Validation\Result::getFailedItems()`: one `{message, parameters}`
//! per failed check, grouped by the request row in row order; the rows without errors
//! are applied and the others skipped. Messages are Magento's phrases rendered with
//! their arguments (`strtr`, as `Phrase\Renderer\Placeholder` does); where Magento
//! passes the placeholders themselves as arguments (base price SKU and price checks,
//! every tier price check) the template comes out unchanged. `parameters` are the
//! argument values as strings, in order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::catalog::{self, Product};
use crate::customers::CustomerGroups;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::state::State;

/// `customer_group_id` of a tier price for all groups (`GroupManagement::CUST_GROUP_ALL`).
pub const ALL_GROUPS_ID: u64 = 32000;
/// `customer_group` of a tier price for all groups in the tier price storage.
pub const ALL_GROUPS: &str = "all groups";
/// `TierPriceInterface::PRICE_TYPE_FIXED`.
pub const FIXED: &str = "fixed";
/// `TierPriceInterface::PRICE_TYPE_DISCOUNT`.
pub const DISCOUNT: &str = "discount";

/// Product types whose prices the storages handle (the `allowedProductTypes` of
/// Magento's `di.xml`); a SKU of another type is an invalid SKU.
const ALLOWED_TYPES: &[&str] = &["simple", "virtual", "bundle", "downloadable"];

const BASE_PRICE_CLASS: &str = "Magento\\Catalog\\Api\\Data\\BasePriceInterface";
const COST_CLASS: &str = "Magento\\Catalog\\Api\\Data\\CostInterface";
const SPECIAL_PRICE_CLASS: &str = "Magento\\Catalog\\Api\\Data\\SpecialPriceInterface";
const TIER_PRICE_CLASS: &str = "Magento\\Catalog\\Api\\Data\\TierPriceInterface";

/// Messages, verbatim.
pub mod m {
    /// Base price and cost: bad SKU (its arguments are its own placeholders).
    pub const INVALID_FIELD: &str = "Invalid attribute %fieldName = %fieldValue.";
    /// Base price, cost: a store that does not exist.
    pub const STORE_NOT_FOUND: &str =
        "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId.";
    /// Cost below zero or missing.
    pub const INVALID_COST: &str =
        "Invalid attribute Cost = %cost. Row ID: SKU = %SKU, Store ID: %storeId.";
    /// Special price: unknown SKU.
    pub const SPECIAL_NO_PRODUCT: &str = "The product that was requested doesn't exist. Verify the product and try again. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo.";
    /// Special price for a store view while prices are global.
    pub const SPECIAL_NOT_GLOBAL: &str = "Could not change non global Price when price scope is global. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo.";
    /// Special price: a store that does not exist.
    pub const SPECIAL_STORE_NOT_FOUND: &str = "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo.";
    /// Special price below zero or missing.
    pub const SPECIAL_INVALID_PRICE: &str = "Invalid attribute Price = %price. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo.";
    /// Special price date not in `Y-m-d H:i:s` (Magento prints `%priceTo` for both dates).
    pub const SPECIAL_INVALID_DATE: &str = "Invalid attribute %label = %priceTo. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo.";
    /// Tier price: bad SKU.
    pub const TIER_INVALID_SKU: &str = "Invalid attribute SKU = %SKU. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: bad price.
    pub const TIER_INVALID_PRICE: &str = "Invalid attribute Price = %price. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: bad price type.
    pub const TIER_INVALID_PRICE_TYPE: &str = "Invalid attribute Price Type = %priceType. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: bad quantity.
    pub const TIER_INVALID_QTY: &str = "Invalid attribute Quantity = %qty. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: bad website.
    pub const TIER_INVALID_WEBSITE: &str = "Invalid attribute Website ID = %websiteId. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: duplicate of another row of the request or of a stored price.
    pub const TIER_DUPLICATE: &str = "We found a duplicate website, tier price, customer group and quantity: Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Tier price: unknown customer group.
    pub const TIER_NO_GROUP: &str = "No such entity with Customer Group = %customerGroup. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    /// Product save: two tier prices with the same website, group and quantity.
    pub const SAVE_DUPLICATE: &str =
        "We found a duplicate website, tier price, customer group and quantity.";
    /// Group price add: price or quantity not a positive number.
    pub const GROUP_PRICE_INVALID: &str = "The data was invalid. Verify the data and try again.";
    /// Group price remove: no such row.
    pub const GROUP_PRICE_NOT_FOUND: &str =
        "Product hasn't group price with such data: customerGroupId = '%1', website = %2, qty = %3";
    /// Product save: a percentage outside (0, 100].
    pub const SAVE_PERCENTAGE: &str = "Percentage value must be a number between 0 and 100.";
}

// ---------------------------------------------------------------------------
// Stored rows

/// One row of `catalog_product_entity_tier_price`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierPrice {
    /// For every customer group (`customer_group_id` is then 0).
    pub all_groups: bool,
    /// The group, when not for all groups.
    pub customer_group_id: u64,
    /// Quantity from which the price applies (`decimal(12,4)`).
    pub qty: f64,
    /// Fixed price (`decimal(20,6)`; 0 for a percentage discount).
    pub value: f64,
    /// Discount in percent of the base price (`decimal(5,2)`), or none for a fixed
    /// price.
    #[serde(default)]
    pub percentage_value: Option<f64>,
    /// Website (0: all websites).
    pub website_id: u64,
}

impl TierPrice {
    /// The row's unique key in Magento's table (entity aside).
    fn key(&self) -> (bool, u64, u64, u64) {
        (
            self.all_groups,
            self.customer_group_id,
            self.qty.to_bits(),
            self.website_id,
        )
    }

    /// The storage's `customer_group` of the row: `all groups` or the group's code.
    fn group_code(&self, groups: &CustomerGroups) -> String {
        if self.all_groups {
            return ALL_GROUPS.to_owned();
        }
        groups
            .get(&self.customer_group_id)
            .map_or_else(String::new, |g| g.code.clone())
    }
}

/// Costs written for a store view other than the admin store (0), by product id, then
/// store id (`catalog_product_entity_decimal` rows of `cost` with `store_id` ≠ 0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoreCosts(pub BTreeMap<u64, BTreeMap<u64, f64>>);

/// A product's tier prices as `ProductRepository` renders them (`tier_prices`): the
/// all-groups id 32000, the percentage's price computed from the base price.
pub fn tier_prices_json(p: &Product) -> Vec<Value> {
    p.tier_prices
        .iter()
        .map(|t| {
            let value = match t.percentage_value {
                Some(pct) => p.price.unwrap_or(0.0) * (1.0 - pct / 100.0),
                None => t.value,
            };
            let mut ext = Map::new();
            ext.insert("website_id".into(), json!(t.website_id));
            if let Some(pct) = t.percentage_value {
                ext.insert("percentage_value".into(), input::num(pct));
            }
            json!({
                "customer_group_id": if t.all_groups { ALL_GROUPS_ID } else { t.customer_group_id },
                "qty": input::num(t.qty),
                "value": input::num(value),
                "extension_attributes": Value::Object(ext),
            })
        })
        .collect()
}

/// `tier_prices` of a product save (`ProductTierPriceInterface[]`): the product's whole
/// list, as `Product\Type\Price::setTierPrices` and the tier price backend keep it.
pub fn tier_prices_from_save(state: &State, value: &Value) -> MResult<Vec<TierPrice>> {
    let items = value
        .as_array()
        .ok_or_else(|| input::type_error("tier_prices", value, "array"))?;
    let mut out: Vec<TierPrice> = Vec::with_capacity(items.len());
    for item in items {
        let obj = item.as_object().ok_or_else(|| {
            input::type_error(
                "tier_prices",
                item,
                "Magento\\Catalog\\Api\\Data\\ProductTierPriceInterface",
            )
        })?;
        let fields = input::Bound::bind(
            obj,
            &["customer_group_id", "qty", "value", "extension_attributes"],
        )
        .map_err(|key| {
            MagentoError::unknown_property(
                key,
                "Magento\\Catalog\\Api\\Data\\ProductTierPriceInterface",
            )
        })?;
        let group = fields
            .get("customer_group_id")
            .map(|v| input::to_i64(v, "customer_group_id"))
            .transpose()?
            .unwrap_or(0);
        let qty = fields
            .get("qty")
            .map(|v| input::to_f64(v, "qty"))
            .transpose()?
            .unwrap_or(0.0);
        let value = fields
            .get("value")
            .map(|v| input::to_f64(v, "value"))
            .transpose()?
            .unwrap_or(0.0);
        let mut website_id = 0;
        let mut percentage_value = None;
        if let Some(ext) = fields.get("extension_attributes") {
            let ext = ext.as_object().ok_or_else(|| {
                input::type_error(
                    "extension_attributes",
                    ext,
                    "Magento\\Catalog\\Api\\Data\\ProductTierPriceExtensionInterface",
                )
            })?;
            for (key, v) in ext {
                match input::snake(key).as_str() {
                    "website_id" if !v.is_null() => {
                        let id = input::to_i64(v, "website_id")?;
                        website_id = u64::try_from(id)
                            .ok()
                            .filter(|id| state.websites.iter().any(|w| w.id == *id))
                            .ok_or_else(|| MagentoError::bad_request(catalog::m::NOT_SAVED))?;
                    }
                    "percentage_value" if !v.is_null() => {
                        let pct = input::to_f64(v, "percentage_value")?;
                        if pct <= 0.0 || pct > 100.0 {
                            return Err(MagentoError::bad_request(m::SAVE_PERCENTAGE));
                        }
                        percentage_value = Some(pct);
                    }
                    "website_id" | "percentage_value" => {}
                    _ => {
                        return Err(MagentoError::unknown_property(
                            key,
                            "Magento\\Catalog\\Api\\Data\\ProductTierPriceExtensionInterface",
                        ));
                    }
                }
            }
        }
        let all_groups = u64::try_from(group).ok() == Some(ALL_GROUPS_ID);
        let customer_group_id = if all_groups {
            0
        } else {
            u64::try_from(group)
                .ok()
                .filter(|g| state.customer_groups.contains_key(g))
                .ok_or_else(|| MagentoError::bad_request(catalog::m::NOT_SAVED))?
        };
        let row = TierPrice {
            all_groups,
            customer_group_id,
            qty,
            value: if percentage_value.is_some() {
                0.0
            } else {
                value
            },
            percentage_value,
            website_id,
        };
        if out.iter().any(|o| o.key() == row.key()) {
            return Err(MagentoError::bad_request(m::SAVE_DUPLICATE));
        }
        out.push(row);
    }
    Ok(out)
}

/// Checks a product's tier prices and a store's costs for import.
pub fn validate(s: &State) -> Result<(), String> {
    for p in s.products.values() {
        for (i, t) in p.tier_prices.iter().enumerate() {
            if !t.qty.is_finite() || !t.value.is_finite() {
                return Err(format!(
                    "products: product {} ({:?}) has a tier price that is not a finite number",
                    p.id, p.sku
                ));
            }
            if t.all_groups && t.customer_group_id != 0 {
                return Err(format!(
                    "products: product {} ({:?}) has an all-groups tier price with customer_group_id {} (must be 0)",
                    p.id, p.sku, t.customer_group_id
                ));
            }
            if !t.all_groups && !s.customer_groups.contains_key(&t.customer_group_id) {
                return Err(format!(
                    "products: product {} ({:?}) has a tier price for customer group {}, which does not exist",
                    p.id, p.sku, t.customer_group_id
                ));
            }
            if let Some(pct) = t.percentage_value {
                if !pct.is_finite() || pct <= 0.0 || pct > 100.0 {
                    return Err(format!(
                        "products: product {} ({:?}) has a tier price with percentage_value {pct} (must be in (0, 100])",
                        p.id, p.sku
                    ));
                }
            }
            if !s.websites.iter().any(|w| w.id == t.website_id) {
                return Err(format!(
                    "products: product {} ({:?}) has a tier price for website {}, which does not exist",
                    p.id, p.sku, t.website_id
                ));
            }
            if p.tier_prices[..i].iter().any(|o| o.key() == t.key()) {
                return Err(format!(
                    "products: product {} ({:?}) has two tier prices for the same website, customer group and quantity",
                    p.id, p.sku
                ));
            }
        }
    }
    for (id, stores) in &s.store_costs.0 {
        if !s.products.contains_key(id) {
            return Err(format!("store_costs: product {id} does not exist"));
        }
        for (store, cost) in stores {
            if *store == 0 || !s.store_views.iter().any(|v| v.id == *store) {
                return Err(format!(
                    "store_costs: product {id} has a cost for store {store}, which is not a store view (store 0's cost is the product's cost attribute)"
                ));
            }
            if !cost.is_finite() || *cost < 0.0 {
                return Err(format!(
                    "store_costs: product {id} has cost {cost} for store {store}"
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Failed items (`Validation\Result`)

/// A value as PHP prints it in a string context.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
}

impl Arg {
    fn text(&self) -> String {
        match self {
            Arg::Null => String::new(),
            Arg::Text(s) => s.clone(),
            Arg::Int(i) => i.to_string(),
            Arg::Float(f) => php_float(*f),
        }
    }
}

/// `(string)$float` in PHP: integral values without a fraction.
pub fn php_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// `strtr($template, ['%key' => value, …])`: at each position the longest key wins,
/// and replaced text is not scanned again.
fn render(template: &str, args: &[(&str, String)]) -> String {
    let mut keys: Vec<(String, &str)> = args
        .iter()
        .map(|(k, v)| (format!("%{k}"), v.as_str()))
        .collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.0.len()));
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while let Some(c) = rest.chars().next() {
        for (key, value) in &keys {
            if let Some(after) = rest.strip_prefix(key.as_str()) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The failed items of one request, grouped by row as `Validation\Result` keeps them.
#[derive(Debug, Default)]
pub struct Failures {
    rows: BTreeMap<usize, Vec<(String, Vec<String>)>>,
    // Rows in the order of their first failure (PHP array insertion order).
    order: Vec<usize>,
}

impl Failures {
    /// `addFailedItem($row, __($template, $phrase_args), $params)`.
    fn add(&mut self, row: usize, template: &str, phrase: &[(&str, String)], params: &[Arg]) {
        let message = render(template, phrase);
        let params = params.iter().map(Arg::text).collect();
        if !self.rows.contains_key(&row) {
            self.order.push(row);
        }
        self.rows.entry(row).or_default().push((message, params));
    }

    /// A failure whose phrase arguments are its parameters by name.
    fn add_named(&mut self, row: usize, template: &str, named: &[(&str, Arg)]) {
        let phrase: Vec<(&str, String)> = named.iter().map(|(k, v)| (*k, v.text())).collect();
        let params: Vec<Arg> = named.iter().map(|(_, v)| v.clone()).collect();
        self.add(row, template, &phrase, &params);
    }

    /// A failure whose phrase arguments are its own placeholders (the template stays).
    fn add_raw(&mut self, row: usize, template: &str, params: &[Arg]) {
        self.add(row, template, &[], params);
    }

    fn failed(&self, row: usize) -> bool {
        self.rows.contains_key(&row)
    }

    /// `getFailedItems()`: `[{message, parameters}]`.
    pub fn to_json(&self) -> Value {
        let mut out = Vec::new();
        for row in &self.order {
            for (message, params) in self.rows.get(row).into_iter().flatten() {
                out.push(json!({"message": message, "parameters": params}));
            }
        }
        Value::Array(out)
    }
}

// ---------------------------------------------------------------------------
// Input

/// The request's array argument `name` (`prices`, `skus`), required.
fn array_arg<'a>(body: &'a Value, name: &str, class: &str) -> MResult<&'a [Value]> {
    let v = input::arg(body, name)?;
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| input::type_error(name, v, class))
}

/// `skus` of the `*-information` and `cost-delete` operations.
pub fn skus_arg(body: &Value) -> MResult<Vec<String>> {
    array_arg(body, "skus", "string[]")?
        .iter()
        .map(|v| input::to_string(v, "skus"))
        .collect()
}

/// One price DTO of a request, bound to its fields.
#[derive(Debug, Default, Clone)]
struct PriceIn {
    sku: Option<String>,
    price: Option<f64>,
    store_id: Option<i64>,
    price_from: Option<String>,
    price_to: Option<String>,
    price_type: Option<String>,
    website_id: Option<i64>,
    customer_group: Option<String>,
    quantity: Option<f64>,
}

const BASE_KEYS: &[&str; 4] = &["price", "store_id", "sku", "extension_attributes"];
const COST_KEYS: &[&str; 4] = &["cost", "store_id", "sku", "extension_attributes"];
const SPECIAL_KEYS: &[&str; 6] = &[
    "price",
    "store_id",
    "sku",
    "price_from",
    "price_to",
    "extension_attributes",
];
const TIER_KEYS: &[&str; 7] = &[
    "price",
    "price_type",
    "website_id",
    "sku",
    "customer_group",
    "quantity",
    "extension_attributes",
];

fn opt<T>(v: Option<&Value>, f: impl Fn(&Value) -> MResult<T>) -> MResult<Option<T>> {
    v.map(f).transpose()
}

fn bind_prices<const N: usize>(
    body: &Value,
    class: &str,
    keys: &'static [&'static str; N],
) -> MResult<Vec<PriceIn>> {
    let items = array_arg(body, "prices", &format!("{class}[]"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let obj = item
            .as_object()
            .ok_or_else(|| input::type_error("prices", item, class))?;
        let f = input::Bound::bind(obj, keys)
            .map_err(|key| MagentoError::unknown_property(key, class))?;
        if let Some(ext) = f.get("extension_attributes") {
            if let Some((key, _)) = ext.as_object().and_then(|o| o.iter().next()) {
                return Err(MagentoError::unknown_property(
                    key,
                    &class.replace("Interface", "ExtensionInterface"),
                ));
            }
        }
        let price_key = if keys.contains(&"cost") {
            "cost"
        } else {
            "price"
        };
        out.push(PriceIn {
            sku: opt(f.get("sku"), |v| input::to_string(v, "sku"))?,
            price: opt(f.get(price_key), |v| input::to_f64(v, price_key))?,
            store_id: opt(f.get("store_id"), |v| input::to_i64(v, "store_id"))?,
            price_from: opt(f.get("price_from"), |v| input::to_string(v, "price_from"))?,
            price_to: opt(f.get("price_to"), |v| input::to_string(v, "price_to"))?,
            price_type: opt(f.get("price_type"), |v| input::to_string(v, "price_type"))?,
            website_id: opt(f.get("website_id"), |v| input::to_i64(v, "website_id"))?,
            customer_group: opt(f.get("customer_group"), |v| {
                input::to_string(v, "customer_group")
            })?,
            quantity: opt(f.get("quantity"), |v| input::to_f64(v, "quantity"))?,
        });
    }
    Ok(out)
}

fn sku_arg(sku: &Option<String>) -> Arg {
    sku.clone().map_or(Arg::Null, Arg::Text)
}

fn float_arg(f: Option<f64>) -> Arg {
    f.map_or(Arg::Null, Arg::Float)
}

fn int_arg(i: Option<i64>) -> Arg {
    i.map_or(Arg::Null, Arg::Int)
}

fn text_arg(s: &Option<String>) -> Arg {
    s.clone().map_or(Arg::Null, Arg::Text)
}

/// PHP's truthiness of a string (`""` and `"0"` are false).
fn truthy(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.is_empty() && s != "0")
}

/// The product a price row names when its type takes prices (`InvalidSkuProcessor`).
fn priced_product<'s>(state: &'s State, sku: Option<&str>) -> Option<&'s Product> {
    if !truthy(sku) {
        return None;
    }
    catalog::find_by_sku(state, sku?).filter(|p| ALLOWED_TYPES.contains(&p.type_id.as_str()))
}

fn store_exists(state: &State, store_id: Option<i64>) -> bool {
    store_id.is_some_and(|id| {
        u64::try_from(id).is_ok_and(|id| state.store_views.iter().any(|s| s.id == id))
    })
}

/// `filterSkuList`: the requested SKUs' products (each once, by id), with the SKU as
/// requested that first named each.
fn listed_products<'s>(state: &'s State, skus: &[String]) -> Vec<(&'s Product, String)> {
    let mut found: BTreeMap<u64, (&Product, String)> = BTreeMap::new();
    for sku in skus {
        if let Some(p) = priced_product(state, Some(sku)) {
            found.entry(p.id).or_insert((p, sku.clone()));
        }
    }
    found.into_values().collect()
}

fn decimal(f: f64) -> Value {
    json!(format!("{f:.6}"))
}

fn attribute_f64(p: &Product, code: &str) -> Option<f64> {
    p.attribute(code).and_then(|v| v.parse().ok())
}

// ---------------------------------------------------------------------------
// Base prices

/// `POST /V1/products/base-prices-information`.
pub fn base_prices(state: &State, body: &Value) -> MResult<Value> {
    let skus = skus_arg(body)?;
    Ok(Value::Array(
        listed_products(state, &skus)
            .into_iter()
            .filter_map(|(p, sku)| {
                p.price
                    .map(|price| json!({"price": input::num(price), "store_id": 0, "sku": sku}))
            })
            .collect(),
    ))
}

/// `POST /V1/products/base-prices`: `BasePriceStorage::update` (global price scope:
/// every price goes to store 0; the products' `updated_at` is touched).
pub fn update_base_prices(state: &mut State, body: &Value, now: OffsetDateTime) -> MResult<Value> {
    let prices = bind_prices(body, BASE_PRICE_CLASS, BASE_KEYS)?;
    let mut fails = Failures::default();
    for (row, p) in prices.iter().enumerate() {
        if priced_product(state, p.sku.as_deref()).is_none() {
            fails.add_raw(
                row,
                m::INVALID_FIELD,
                &[Arg::Text("SKU".into()), sku_arg(&p.sku)],
            );
        }
        if p.price.is_none_or(|v| v < 0.0) {
            fails.add_raw(
                row,
                m::INVALID_FIELD,
                &[Arg::Text("Price".into()), float_arg(p.price)],
            );
        }
        if !store_exists(state, p.store_id) {
            fails.add_named(
                row,
                m::STORE_NOT_FOUND,
                &[("SKU", sku_arg(&p.sku)), ("storeId", int_arg(p.store_id))],
            );
        }
    }
    let updated = crate::dates::db_time(now);
    for (row, p) in prices.iter().enumerate() {
        if fails.failed(row) {
            continue;
        }
        let (Some(id), Some(price)) = (
            priced_product(state, p.sku.as_deref()).map(|x| x.id),
            p.price,
        ) else {
            continue;
        };
        let updated = updated.clone();
        state.products.update(id, |product| {
            product.price = Some(price);
            product.updated_at = updated;
        });
    }
    Ok(fails.to_json())
}

// ---------------------------------------------------------------------------
// Costs

/// `POST /V1/products/cost-information`.
pub fn costs(state: &State, body: &Value) -> MResult<Value> {
    let skus = skus_arg(body)?;
    let mut out = Vec::new();
    for (p, sku) in listed_products(state, &skus) {
        if let Some(cost) = attribute_f64(p, "cost") {
            out.push(json!({"cost": input::num(cost), "store_id": 0, "sku": sku}));
        }
        for (store, cost) in state.store_costs.0.get(&p.id).into_iter().flatten() {
            out.push(json!({"cost": input::num(*cost), "store_id": store, "sku": sku}));
        }
    }
    Ok(Value::Array(out))
}

/// `POST /V1/products/cost`: `CostStorage::update`.
pub fn update_costs(state: &mut State, body: &Value) -> MResult<Value> {
    let prices = bind_prices(body, COST_CLASS, COST_KEYS)?;
    let mut fails = Failures::default();
    for (row, p) in prices.iter().enumerate() {
        if priced_product(state, p.sku.as_deref()).is_none() {
            fails.add_raw(
                row,
                m::INVALID_FIELD,
                &[Arg::Text("SKU".into()), sku_arg(&p.sku)],
            );
        }
        if p.price.is_none_or(|v| v < 0.0) {
            fails.add_named(
                row,
                m::INVALID_COST,
                &[
                    ("cost", float_arg(p.price)),
                    ("SKU", sku_arg(&p.sku)),
                    ("storeId", int_arg(p.store_id)),
                ],
            );
        }
        if !store_exists(state, p.store_id) {
            fails.add_named(
                row,
                m::STORE_NOT_FOUND,
                &[("SKU", sku_arg(&p.sku)), ("storeId", int_arg(p.store_id))],
            );
        }
    }
    for (row, p) in prices.iter().enumerate() {
        if fails.failed(row) {
            continue;
        }
        let (Some(id), Some(cost), Some(store)) = (
            priced_product(state, p.sku.as_deref()).map(|x| x.id),
            p.price,
            p.store_id.and_then(|s| u64::try_from(s).ok()),
        ) else {
            continue;
        };
        if store == 0 {
            state.products.update(id, |product| {
                catalog::set_attribute(product, "cost", decimal(cost));
            });
        } else {
            // The column keeps six decimals.
            let kept: f64 = format!("{cost:.6}").parse().unwrap_or(cost);
            state
                .store_costs
                .0
                .entry(id)
                .or_default()
                .insert(store, kept);
        }
    }
    Ok(fails.to_json())
}

/// `POST /V1/products/cost-delete`: every cost row of the listed products → `true`.
pub fn delete_costs(state: &mut State, body: &Value) -> MResult<Value> {
    let skus = skus_arg(body)?;
    let ids: Vec<u64> = listed_products(state, &skus)
        .into_iter()
        .map(|(p, _)| p.id)
        .collect();
    for id in ids {
        state.products.update(id, |product| {
            catalog::set_attribute(product, "cost", Value::Null);
        });
        state.store_costs.0.remove(&id);
    }
    Ok(Value::Bool(true))
}

// ---------------------------------------------------------------------------
// Special prices

/// `POST /V1/products/special-price-information`.
pub fn special_prices(state: &State, body: &Value) -> MResult<Value> {
    let skus = skus_arg(body)?;
    Ok(Value::Array(
        listed_products(state, &skus)
            .into_iter()
            .filter_map(|(p, sku)| {
                let price = attribute_f64(p, "special_price")?;
                Some(json!({
                    "price": input::num(price),
                    "store_id": 0,
                    "sku": sku,
                    "price_from": p.attribute("special_from_date"),
                    "price_to": p.attribute("special_to_date"),
                }))
            })
            .collect(),
    ))
}

/// `date('Y-m-d H:i:s', strtotime($date)) === $date`.
fn is_db_date(text: &str) -> bool {
    crate::dates::parse_db_time(text).is_some_and(|t| crate::dates::db_time(t) == text)
}

/// `SpecialPriceStorage::retrieveValidPrices`.
fn check_special(state: &State, prices: &[PriceIn]) -> Failures {
    let mut fails = Failures::default();
    for (row, p) in prices.iter().enumerate() {
        let tail = |first: Vec<(&'static str, Arg)>| {
            let mut v = first;
            v.push(("SKU", sku_arg(&p.sku)));
            v.push(("storeId", int_arg(p.store_id)));
            v.push(("priceFrom", text_arg(&p.price_from)));
            v.push(("priceTo", text_arg(&p.price_to)));
            v
        };
        if priced_product(state, p.sku.as_deref()).is_none() {
            fails.add_named(row, m::SPECIAL_NO_PRODUCT, &tail(vec![]));
        }
        if p.store_id != Some(0) {
            fails.add_named(row, m::SPECIAL_NOT_GLOBAL, &tail(vec![]));
        }
        if !store_exists(state, p.store_id) {
            fails.add_named(row, m::SPECIAL_STORE_NOT_FOUND, &tail(vec![]));
        }
        if p.price.is_none_or(|v| v < 0.0) {
            fails.add_named(
                row,
                m::SPECIAL_INVALID_PRICE,
                &tail(vec![("price", float_arg(p.price))]),
            );
        }
        for (label, value) in [("Price From", &p.price_from), ("Price To", &p.price_to)] {
            if truthy(value.as_deref()) && !value.as_deref().is_some_and(is_db_date) {
                fails.add_named(
                    row,
                    m::SPECIAL_INVALID_DATE,
                    &tail(vec![("label", Arg::Text(label.into()))]),
                );
            }
        }
    }
    fails
}

/// `POST /V1/products/special-price`: `SpecialPriceStorage::update`.
pub fn update_special_prices(state: &mut State, body: &Value) -> MResult<Value> {
    let prices = bind_prices(body, SPECIAL_PRICE_CLASS, SPECIAL_KEYS)?;
    let fails = check_special(state, &prices);
    for (row, p) in prices.iter().enumerate() {
        if fails.failed(row) {
            continue;
        }
        let (Some(id), Some(price)) = (
            priced_product(state, p.sku.as_deref()).map(|x| x.id),
            p.price,
        ) else {
            continue;
        };
        state.products.update(id, |product| {
            catalog::set_attribute(product, "special_price", decimal(price));
            if let Some(from) = p.price_from.as_deref().filter(|s| truthy(Some(s))) {
                catalog::set_attribute(product, "special_from_date", json!(from));
            }
            if let Some(to) = p.price_to.as_deref().filter(|s| truthy(Some(s))) {
                catalog::set_attribute(product, "special_to_date", json!(to));
            }
        });
    }
    Ok(fails.to_json())
}

/// `POST /V1/products/special-price-delete`: the special price and its dates of each
/// valid row's product and store go, whatever price and dates the row names.
pub fn delete_special_prices(state: &mut State, body: &Value) -> MResult<Value> {
    let prices = bind_prices(body, SPECIAL_PRICE_CLASS, SPECIAL_KEYS)?;
    let fails = check_special(state, &prices);
    for (row, p) in prices.iter().enumerate() {
        if fails.failed(row) {
            continue;
        }
        let Some(id) = priced_product(state, p.sku.as_deref()).map(|x| x.id) else {
            continue;
        };
        state.products.update(id, |product| {
            for code in ["special_price", "special_from_date", "special_to_date"] {
                catalog::set_attribute(product, code, Value::Null);
            }
        });
    }
    Ok(fails.to_json())
}

// ---------------------------------------------------------------------------
// Tier prices

/// A tier price of the storage (`TierPriceInterface`), from a request or from a stored
/// row; `raw` keeps a stored row's database texts for the messages.
#[derive(Debug, Clone)]
struct Tier {
    row: Option<usize>,
    sku: Option<String>,
    price: Option<f64>,
    price_type: Option<String>,
    website_id: Option<i64>,
    customer_group: Option<String>,
    quantity: Option<f64>,
    // `website_id` and `qty` as the database returns them (`"0"`, `"3.0000"`).
    raw: Option<(String, String)>,
}

impl Tier {
    fn from_input(row: usize, p: &PriceIn) -> Self {
        Self {
            row: Some(row),
            sku: p.sku.clone(),
            price: p.price,
            price_type: p.price_type.clone(),
            website_id: p.website_id,
            customer_group: p.customer_group.clone(),
            quantity: p.quantity,
            raw: None,
        }
    }

    fn from_row(sku: &str, t: &TierPrice, groups: &CustomerGroups) -> Self {
        Self {
            row: None,
            sku: Some(sku.to_owned()),
            price: Some(t.percentage_value.unwrap_or(t.value)),
            price_type: Some(
                if t.percentage_value.is_some() {
                    DISCOUNT
                } else {
                    FIXED
                }
                .into(),
            ),
            website_id: i64::try_from(t.website_id).ok(),
            customer_group: Some(t.group_code(groups)),
            quantity: Some(t.qty),
            raw: Some((t.website_id.to_string(), format!("{:.4}", t.qty))),
        }
    }

    /// The row's identifying arguments: SKU, website, group, quantity.
    fn args(&self) -> Vec<Arg> {
        let (website, qty) = match &self.raw {
            Some((w, q)) => (Arg::Text(w.clone()), Arg::Text(q.clone())),
            None => (int_arg(self.website_id), float_arg(self.quantity)),
        };
        vec![
            sku_arg(&self.sku),
            website,
            text_arg(&self.customer_group),
            qty,
        ]
    }

    fn group_lower(&self) -> String {
        self.customer_group
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()
    }

    fn json(&self) -> Value {
        json!({
            "price": input::num(self.price.unwrap_or(0.0)),
            "price_type": self.price_type,
            "website_id": self.website_id,
            "sku": self.sku,
            "customer_group": self.customer_group,
            "quantity": input::num(self.quantity.unwrap_or(0.0)),
        })
    }
}

/// The customer group id of a code, compared case-insensitively (MySQL's collation).
fn group_id(groups: &CustomerGroups, code: &str) -> Option<u64> {
    groups.by_code(code).map(|g| g.id)
}

/// `TierPriceValidator::retrieveValidationResult`, with the stored prices of the
/// request's SKUs when `existing` (an update) is given.
fn check_tiers(
    state: &State,
    tiers: &[Tier],
    existing: Option<&BTreeMap<String, Vec<Tier>>>,
) -> Failures {
    let mut fails = Failures::default();
    let mut by_sku: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, t) in tiers.iter().enumerate() {
        by_sku
            .entry(t.sku.clone().unwrap_or_default())
            .or_default()
            .push(i);
    }
    for (key, t) in tiers.iter().enumerate() {
        let product = priced_product(state, t.sku.as_deref());
        if product.is_none() {
            fails.add_raw(key, m::TIER_INVALID_SKU, &t.args());
        }
        let is_discount = t.price_type.as_deref() == Some(DISCOUNT);
        if t.price
            .is_none_or(|p| p < 0.0 || (is_discount && p > 100.0))
        {
            let mut args = vec![float_arg(t.price)];
            args.extend(t.args());
            fails.add_raw(key, m::TIER_INVALID_PRICE, &args);
        }
        let is_bundle = product.is_some_and(|p| p.type_id == "bundle");
        if !matches!(t.price_type.as_deref(), Some(FIXED | DISCOUNT)) || (is_bundle && !is_discount)
        {
            let mut args = vec![text_arg(&t.price_type)];
            args.extend(t.args());
            fails.add_raw(key, m::TIER_INVALID_PRICE_TYPE, &args);
        }
        if let Some(p) = t
            .sku
            .as_deref()
            .and_then(|s| catalog::find_by_sku(state, s))
        {
            let decimals = p.type_id != "bundle";
            if t.quantity
                .is_none_or(|q| q <= 0.0 || (q < 1.0 && !decimals))
            {
                fails.add_raw(key, m::TIER_INVALID_QTY, &t.args());
            }
        }
        let website_ok = t.website_id.is_some_and(|w| {
            u64::try_from(w).is_ok_and(|w| state.websites.iter().any(|x| x.id == w))
        }) && t.website_id == Some(0);
        if !website_ok {
            fails.add_raw(key, m::TIER_INVALID_WEBSITE, &t.args());
        }
        let same =
            |other: &Tier| other.group_lower() == t.group_lower() && other.quantity == t.quantity;
        let is_all = |w: Option<i64>| w == Some(0);
        for &o in by_sku
            .get(&t.sku.clone().unwrap_or_default())
            .into_iter()
            .flatten()
        {
            let other = &tiers[o];
            if o == key {
                continue;
            }
            let websites = if is_all(other.website_id) || is_all(t.website_id) {
                true
            } else {
                other.website_id == t.website_id
            };
            if same(other) && websites {
                fails.add_raw(key, m::TIER_DUPLICATE, &other.args());
            }
        }
        if let Some(existing) = existing {
            for other in existing
                .get(&t.sku.clone().unwrap_or_default())
                .into_iter()
                .flatten()
            {
                let websites = (is_all(other.website_id) || is_all(t.website_id))
                    && other.website_id != t.website_id;
                if same(other) && websites {
                    fails.add_raw(key, m::TIER_DUPLICATE, &other.args());
                }
            }
        }
        let group = t.group_lower();
        if group != ALL_GROUPS && group_id(&state.customer_groups, &group).is_none() {
            fails.add_raw(key, m::TIER_NO_GROUP, &t.args());
        }
    }
    fails
}

/// `TierPriceFactory::createSkeleton` for a valid request row.
fn skeleton(groups: &CustomerGroups, t: &Tier) -> Option<TierPrice> {
    let group = t.customer_group.as_deref()?;
    let all_groups = group.eq_ignore_ascii_case(ALL_GROUPS);
    let customer_group_id = if all_groups {
        0
    } else {
        group_id(groups, group)?
    };
    let price = t.price?;
    let discount = t.price_type.as_deref() == Some(DISCOUNT);
    Some(TierPrice {
        all_groups,
        customer_group_id,
        // The columns keep four and six decimals.
        qty: round_to(t.quantity?, 4),
        value: if discount { 0.0 } else { round_to(price, 6) },
        percentage_value: discount.then(|| round_to(price, 2)),
        website_id: u64::try_from(t.website_id?).ok()?,
    })
}

fn round_to(f: f64, places: usize) -> f64 {
    format!("{f:.places$}").parse().unwrap_or(f)
}

fn bind_tiers(body: &Value) -> MResult<Vec<Tier>> {
    Ok(bind_prices(body, TIER_PRICE_CLASS, TIER_KEYS)?
        .iter()
        .enumerate()
        .map(|(row, p)| Tier::from_input(row, p))
        .collect())
}

/// The valid rows' stored form, by product id, in request order.
fn valid_rows(state: &State, tiers: &[Tier], fails: &Failures) -> Vec<(u64, TierPrice)> {
    tiers
        .iter()
        .filter(|t| t.row.is_some_and(|r| !fails.failed(r)))
        .filter_map(|t| {
            let id = priced_product(state, t.sku.as_deref())?.id;
            Some((id, skeleton(&state.customer_groups, t)?))
        })
        .collect()
}

/// `POST /V1/products/tier-prices-information`.
pub fn tier_prices(state: &State, body: &Value) -> MResult<Value> {
    let skus = skus_arg(body)?;
    let mut out = Vec::new();
    for (p, sku) in listed_products(state, &skus) {
        for t in &p.tier_prices {
            out.push(Tier::from_row(&sku, t, &state.customer_groups).json());
        }
    }
    Ok(Value::Array(out))
}

/// `POST /V1/products/tier-prices`: `TierPriceStorage::update` — a valid row replaces
/// the stored price with its website, group and quantity, or is added.
pub fn update_tier_prices(state: &mut State, body: &Value) -> MResult<Value> {
    let tiers = bind_tiers(body)?;
    let mut existing: BTreeMap<String, Vec<Tier>> = BTreeMap::new();
    for t in &tiers {
        let Some(sku) = t.sku.clone() else { continue };
        if existing.contains_key(&sku) {
            continue;
        }
        let rows = priced_product(state, Some(&sku))
            .map(|p| {
                p.tier_prices
                    .iter()
                    .map(|r| Tier::from_row(&sku, r, &state.customer_groups))
                    .collect()
            })
            .unwrap_or_default();
        existing.insert(sku, rows);
    }
    let fails = check_tiers(state, &tiers, Some(&existing));
    for (id, row) in valid_rows(state, &tiers, &fails) {
        state.products.update(id, |p| {
            match p.tier_prices.iter_mut().find(|t| t.key() == row.key()) {
                Some(t) => {
                    t.value = row.value;
                    t.percentage_value = row.percentage_value;
                }
                None => p.tier_prices.push(row),
            }
        });
    }
    Ok(fails.to_json())
}

/// `PUT /V1/products/tier-prices`: `TierPriceStorage::replace` — every product with a
/// valid row loses its stored tier prices and gets the valid rows.
pub fn replace_tier_prices(state: &mut State, body: &Value) -> MResult<Value> {
    let tiers = bind_tiers(body)?;
    let fails = check_tiers(state, &tiers, None);
    let mut by_product: BTreeMap<u64, Vec<TierPrice>> = BTreeMap::new();
    for (id, row) in valid_rows(state, &tiers, &fails) {
        let rows = by_product.entry(id).or_default();
        // Two valid rows never share a key (the validator flags both), but keep the
        // table's unique key whatever happens.
        match rows.iter_mut().find(|t| t.key() == row.key()) {
            Some(t) => *t = row,
            None => rows.push(row),
        }
    }
    for (id, rows) in by_product {
        state.products.update(id, |p| p.tier_prices = rows);
    }
    Ok(fails.to_json())
}

/// `POST /V1/products/tier-prices-delete`: `TierPriceStorage::delete` — each valid row
/// deletes the stored price with its group and quantity and the same fixed price or
/// percentage (the website is not compared, as in Magento).
pub fn delete_tier_prices(state: &mut State, body: &Value) -> MResult<Value> {
    let tiers = bind_tiers(body)?;
    let fails = check_tiers(state, &tiers, None);
    for (id, row) in valid_rows(state, &tiers, &fails) {
        state.products.update(id, |p| {
            let hit = p.tier_prices.iter().position(|t| {
                t.all_groups == row.all_groups
                    && t.customer_group_id == row.customer_group_id
                    && t.qty == row.qty
                    && ((t.value != 0.0 && t.value == row.value)
                        || (t.percentage_value.is_some()
                            && t.percentage_value == row.percentage_value))
            });
            if let Some(at) = hit {
                p.tier_prices.remove(at);
            }
        });
    }
    Ok(fails.to_json())
}

// ---------------------------------------------------------------------------
// Tier prices of one product (`ProductTierPriceManagementInterface`)

/// Whether stored row `t` belongs to `group` as the management service compares it:
/// `all` → the all-groups rows, a number → the rows of that group (the all-groups
/// rows have group 32000).
/// `getList` compares `(int)` casts (`"1.5"` is group 1), `add` and `remove` PHP's
/// loose `==` (`"1.5"` is no group): `truncate` picks the first.
fn in_group(t: &TierPrice, group: &str, truncate: bool) -> bool {
    if group == "all" {
        return t.all_groups;
    }
    let id = if t.all_groups {
        ALL_GROUPS_ID
    } else {
        t.customer_group_id
    };
    group
        .trim()
        .parse::<f64>()
        .is_ok_and(|g| if truncate { g.trunc() } else { g } == id as f64)
}

/// `GET /V1/products/{sku}/group-prices/{customerGroupId}/tiers`:
/// `TierPriceManagement::getList` — the group's rows as `{customer_group_id, qty,
/// value}` (a percentage row at its price off the base price).
pub fn group_tier_prices(state: &State, sku: &str, group: &str) -> MResult<Value> {
    let p = catalog::product(state, sku)?;
    let cgi = if group == "all" {
        json!(ALL_GROUPS_ID)
    } else {
        json!(group.trim().parse::<f64>().map_or(0, |g| g.trunc() as i64))
    };
    Ok(Value::Array(
        p.tier_prices
            .iter()
            .zip(tier_prices_json(p))
            .filter(|(t, _)| in_group(t, group, true))
            .map(|(_, shown)| {
                json!({"customer_group_id": cgi, "qty": shown["qty"], "value": shown["value"]})
            })
            .collect(),
    ))
}

/// `POST /V1/products/{sku}/group-prices/{customerGroupId}/tiers/{qty}/price/{price}`:
/// `TierPriceManagement::add` — the all-websites row of the group and quantity gets the
/// price, or is added → `true`.
pub fn add_group_tier_price(
    state: &mut State,
    sku: &str,
    group: &str,
    qty: f64,
    price: f64,
) -> MResult<Value> {
    if price <= 0.0 || qty <= 0.0 {
        return Err(MagentoError::bad_request(m::GROUP_PRICE_INVALID));
    }
    let p = catalog::product(state, sku)?;
    let id = p.id;
    let existing = p
        .tier_prices
        .iter()
        .position(|t| in_group(t, group, false) && t.website_id == 0 && t.qty == qty);
    let row = match existing {
        Some(_) => None,
        None => {
            let (all_groups, customer_group_id) = if group == "all" {
                (true, 0)
            } else {
                let g = group
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|g| crate::customers::group(state, g).ok())
                    .ok_or_else(|| {
                        MagentoError::not_found(crate::customers::m::NO_SUCH_ENTITY)
                            .named([("fieldName", json!("id")), ("fieldValue", json!(group))])
                    })?;
                (false, g.id)
            };
            Some(TierPrice {
                all_groups,
                customer_group_id,
                qty: round_to(qty, 4),
                value: round_to(price, 6),
                percentage_value: None,
                website_id: 0,
            })
        }
    };
    state.products.update(id, |p| match (existing, row) {
        (Some(at), _) => {
            if let Some(t) = p.tier_prices.get_mut(at) {
                t.value = round_to(price, 6);
            }
        }
        (None, Some(row)) => p.tier_prices.push(row),
        (None, None) => {}
    });
    Ok(Value::Bool(true))
}

/// `DELETE /V1/products/{sku}/group-prices/{customerGroupId}/tiers/{qty}`:
/// `PriceModifier::removeTierPrice` — the group's all-websites rows of that quantity
/// go → `true`, or 404 when there is none.
pub fn remove_group_tier_price(
    state: &mut State,
    sku: &str,
    group: &str,
    qty: f64,
) -> MResult<Value> {
    let p = catalog::product(state, sku)?;
    let id = p.id;
    let hit = |t: &TierPrice| in_group(t, group, false) && t.website_id == 0 && t.qty == qty;
    if !p.tier_prices.iter().any(hit) {
        return Err(
            MagentoError::not_found(m::GROUP_PRICE_NOT_FOUND).positional([
                json!(group),
                json!(0),
                input::num(qty),
            ]),
        );
    }
    state
        .products
        .update(id, |p| p.tier_prices.retain(|t| !hit(t)));
    Ok(Value::Bool(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtr_prefers_the_longest_key_and_does_not_rescan() {
        let args = [
            ("price", "1".to_owned()),
            ("priceFrom", "%price".to_owned()),
        ];
        assert_eq!(render("%priceFrom / %price", &args), "%price / 1");
    }

    #[test]
    fn php_prints_integral_floats_without_a_fraction() {
        assert_eq!(php_float(-9999.0), "-9999");
        assert_eq!(php_float(12.5), "12.5");
    }
}
