//! Products: what the crawler found, with inventory and sales statistics. Keyed by
//! Snipcart's GUID and by the user-defined id (`data-item-id`), both indexed.

use std::cmp::Reverse;
use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::dates;
use crate::json::convert;
use crate::money::Money;
use crate::state::Mode;

/// How stock is tracked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InventoryMethod {
    /// One stock for the product.
    Single,
    /// A stock per combination of dropdown custom fields.
    Variant,
}

impl InventoryMethod {
    /// Binds a request value, case-insensitively.
    pub fn from_name(text: &str) -> Option<Self> {
        crate::json::ci_enum(
            text,
            &[
                ("Single", InventoryMethod::Single),
                ("Variant", InventoryMethod::Variant),
            ],
        )
    }
}

/// Sales figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statistics {
    /// Units sold.
    pub number_of_sales: u64,
    /// Revenue.
    pub total_sales: Money,
}

/// A custom field (`data-item-custom1-*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomField {
    /// Its name (`Size`).
    pub name: String,
    /// The price change of the default value (`+200.00`), empty for none.
    #[serde(default)]
    pub operation: String,
    /// `dropdown`, `textbox`, `checkbox`, `textarea`, `hidden`, `readonly`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `16GB|32GB[+50.00]|128GB[+200.00]` for a dropdown.
    #[serde(default)]
    pub options: String,
    /// Whether a value is required.
    #[serde(default)]
    pub required: bool,
    /// The default value.
    #[serde(default)]
    pub value: String,
    /// The options without their price changes.
    #[serde(default)]
    pub options_array: Vec<String>,
}

impl CustomField {
    /// A dropdown's options, each with its price change (`32GB[+50.00]` → 50.00).
    pub fn priced_options(&self) -> Vec<(String, Money)> {
        split_options(&self.options)
    }

    /// True for a dropdown, the only kind variants are made of.
    pub fn is_dropdown(&self) -> bool {
        self.kind.eq_ignore_ascii_case("dropdown")
    }
}

/// `a|b[+5.00]|c[-1]` → `[("a", 0), ("b", 5.00), ("c", -1)]`.
pub fn split_options(options: &str) -> Vec<(String, Money)> {
    options
        .split('|')
        .filter(|o| !o.is_empty())
        .map(|o| match o.rfind('[') {
            Some(at) if o.ends_with(']') => {
                let change = Money::parse(o[at + 1..o.len() - 1].trim_start_matches('+'))
                    .unwrap_or(Money::ZERO);
                (o[..at].to_owned(), change)
            }
            _ => (o.to_owned(), Money::ZERO),
        })
        .collect()
}

/// One custom-field choice of a variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variation {
    /// The custom field's name.
    pub name: String,
    /// The chosen option.
    pub option: String,
}

/// Stock of one combination of options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Variant {
    /// Units in stock (negative when oversold with out-of-stock purchases allowed).
    pub stock: i64,
    /// The options that make it.
    pub variation: Vec<Variation>,
    /// Whether it sells when out of stock.
    #[serde(default)]
    pub allow_out_of_stock_purchases: bool,
}

impl Variant {
    /// True when `choices` (name → option) picks exactly this variant: every one of
    /// its variations is chosen (names compared case-insensitively).
    pub fn matches(&self, choices: &[Variation]) -> bool {
        self.variation.iter().all(|v| {
            choices
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(&v.name) && c.option == v.option)
        })
    }
}

/// A product, field for field as the API shows it (seed `002`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Product {
    /// `Test` or `Live`.
    pub mode: Mode,
    /// The `data-item-id`.
    pub user_defined_id: String,
    /// Where it was found (path or URL).
    pub url: String,
    /// Its price.
    pub price: Money,
    /// Its name.
    pub name: String,
    /// Description (`null` when the page gave none).
    pub description: Option<String>,
    /// Image URL (`null` when the page gave none).
    pub image: Option<String>,
    /// Archived by `DELETE`; back by a crawl or a sale.
    pub archived: bool,
    /// How stock is tracked; absent when it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_management_method: Option<InventoryMethod>,
    /// The product's own stock (`Single`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    /// `stock`, or the sum of the variants' stocks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_stock: Option<i64>,
    /// Whether it sells when out of stock (`Single`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_out_of_stock_purchases: Option<bool>,
    /// Sales figures.
    #[serde(default)]
    pub statistics: Statistics,
    /// Custom fields.
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    /// Stock per variant (`Variant`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variants: Option<Vec<Variant>>,
    /// Free-form metadata (`data-item-metadata`).
    #[serde(default)]
    pub metadata: Value,
    /// Snipcart's GUID.
    pub id: String,
    /// First seen.
    #[serde(with = "dates::dotnet")]
    pub creation_date: OffsetDateTime,
    /// Last changed.
    #[serde(with = "dates::dotnet")]
    pub modification_date: OffsetDateTime,
}

impl Product {
    /// Recomputes `totalStock` from the inventory.
    pub fn derive_total(&mut self) {
        self.total_stock = match self.inventory_management_method {
            None => None,
            Some(InventoryMethod::Single) => self.stock,
            Some(InventoryMethod::Variant) => Some(
                self.variants
                    .iter()
                    .flatten()
                    .fold(0i64, |sum, v| sum.saturating_add(v.stock)),
            ),
        };
    }

    /// The dropdown custom fields, by name (what variants are made of).
    pub fn dropdown(&self, name: &str) -> Option<&CustomField> {
        self.custom_fields
            .iter()
            .find(|f| f.is_dropdown() && f.name.eq_ignore_ascii_case(name))
    }
}

/// The products of one mode, in creation order, indexed by GUID and user-defined id,
/// with a bounded cache of their JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Products {
    items: Vec<Product>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    by_user_id: HashMap<String, usize>,
    #[serde(skip)]
    rendered: RenderCache,
}

/// Most bytes of rendered product JSON kept.
pub const RENDER_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Rendered products, oldest out first past [`RENDER_CACHE_BYTES`]. Every mutable
/// access to a product drops its entry, so an entry is always the product as it is.
#[derive(Debug, Clone, Default)]
struct RenderCache {
    // Per product: its JSON and the render's serial.
    slots: Vec<Option<(Bytes, u64)>>,
    // (product, serial) in render order; entries whose serial no longer matches are
    // stale and skipped (compacted when they pile up).
    order: VecDeque<(usize, u64)>,
    bytes: usize,
    serial: u64,
    cached: usize,
}

impl RenderCache {
    fn drop_slot(&mut self, at: usize) {
        if let Some(slot) = self.slots.get_mut(at) {
            if let Some((json, _)) = slot.take() {
                self.bytes -= json.len();
                self.cached -= 1;
            }
        }
    }

    fn get(&self, at: usize) -> Option<Bytes> {
        self.slots.get(at)?.as_ref().map(|(json, _)| json.clone())
    }

    fn put(&mut self, at: usize, json: Bytes) {
        if json.len() > RENDER_CACHE_BYTES {
            return;
        }
        if self.slots.len() <= at {
            self.slots.resize(at + 1, None);
        }
        self.drop_slot(at);
        while self.bytes + json.len() > RENDER_CACHE_BYTES {
            let Some((old, serial)) = self.order.pop_front() else {
                break;
            };
            if self
                .slots
                .get(old)
                .and_then(|s| s.as_ref())
                .is_some_and(|(_, s)| *s == serial)
            {
                self.drop_slot(old);
            }
        }
        self.serial += 1;
        self.bytes += json.len();
        self.cached += 1;
        self.slots[at] = Some((json, self.serial));
        self.order.push_back((at, self.serial));
        if self.order.len() > 2 * self.cached + 64 {
            let slots = &self.slots;
            self.order.retain(|(i, serial)| {
                slots
                    .get(*i)
                    .and_then(|s| s.as_ref())
                    .is_some_and(|(_, s)| s == serial)
            });
        }
    }

    fn clear(&mut self) {
        *self = RenderCache::default();
    }
}

impl Products {
    /// Every product, in creation order.
    pub fn all(&self) -> &[Product] {
        &self.items
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The product with this GUID or, failing that, this user-defined id.
    pub fn find(&self, id: &str) -> Option<&Product> {
        self.position(id).and_then(|i| self.items.get(i))
    }

    /// [`Products::find`], to change. Changing `id` or `userDefinedId` is not allowed
    /// (the indexes would go stale); everything else is.
    pub fn find_mut(&mut self, id: &str) -> Option<&mut Product> {
        let at = self.position(id)?;
        self.rendered.drop_slot(at);
        self.items.get_mut(at)
    }

    /// The JSON of the product with this GUID or user-defined id, from the cache or
    /// rendered now (and kept).
    pub fn rendered(&mut self, id: &str) -> Option<Result<Bytes, serde_json::Error>> {
        let at = self.position(id)?;
        if let Some(json) = self.rendered.get(at) {
            return Some(Ok(json));
        }
        let json = match serde_json::to_vec(self.items.get(at)?) {
            Ok(v) => Bytes::from(v),
            Err(e) => return Some(Err(e)),
        };
        self.rendered.put(at, json.clone());
        Some(Ok(json))
    }

    /// The product with this user-defined id.
    pub fn by_user_id(&self, user_id: &str) -> Option<&Product> {
        self.by_user_id
            .get(user_id)
            .and_then(|&i| self.items.get(i))
    }

    /// [`Products::by_user_id`], to change (not its ids).
    pub fn by_user_id_mut(&mut self, user_id: &str) -> Option<&mut Product> {
        let at = self.by_user_id.get(user_id).copied()?;
        self.rendered.drop_slot(at);
        self.items.get_mut(at)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.by_id
            .get(id)
            .or_else(|| self.by_user_id.get(id))
            .copied()
    }

    /// Adds a new product; `Err` when its GUID or user-defined id is taken.
    pub fn insert(&mut self, p: Product) -> Result<(), String> {
        if self.by_id.contains_key(&p.id) {
            return Err(format!("product id {} is taken", p.id));
        }
        if self.by_user_id.contains_key(&p.user_defined_id) {
            return Err(format!("userDefinedId {} is taken", p.user_defined_id));
        }
        let at = self.items.len();
        self.by_id.insert(p.id.clone(), at);
        self.by_user_id.insert(p.user_defined_id.clone(), at);
        self.items.push(p);
        Ok(())
    }

    /// Rebuilds the indexes (after an import) and checks every product.
    pub fn reindex(&mut self, mode: Mode) -> Result<(), String> {
        let items = std::mem::take(&mut self.items);
        self.by_id.clear();
        self.by_user_id.clear();
        self.rendered.clear();
        for mut p in items {
            if p.mode != mode {
                return Err(format!("product {} is in mode {:?}", p.id, p.mode));
            }
            if p.id.is_empty() || p.user_defined_id.is_empty() {
                return Err("a product needs an id and a userDefinedId".into());
            }
            if p.inventory_management_method == Some(InventoryMethod::Variant)
                && p.variants.is_none()
            {
                p.variants = Some(Vec::new());
            }
            p.derive_total();
            self.insert(p)?;
        }
        Ok(())
    }

    /// Checks that the indexes point where they should (tests).
    pub fn check(&self) -> Result<(), String> {
        if self.by_id.len() != self.items.len() || self.by_user_id.len() != self.items.len() {
            return Err("index sizes differ from the products".into());
        }
        for (i, p) in self.items.iter().enumerate() {
            if self.by_id.get(&p.id) != Some(&i)
                || self.by_user_id.get(&p.user_defined_id) != Some(&i)
            {
                return Err(format!("index of {} is stale", p.id));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Operations

/// `PUT /products/{id}`'s body, bound case-insensitively.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryInput {
    /// `Single` or `Variant` (any case).
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub inventory_management_method: Option<String>,
    /// Stock of a `Single` product.
    #[serde(default, deserialize_with = "convert::opt_int")]
    pub stock: Option<i64>,
    /// Whether it sells when out of stock.
    #[serde(default, deserialize_with = "convert::opt_bool")]
    pub allow_out_of_stock_purchases: Option<bool>,
    /// Stock per variant.
    #[serde(default)]
    pub variants: Option<Vec<VariantInput>>,
}

/// One variant of [`InventoryInput`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariantInput {
    /// The options that make it (required).
    #[serde(default)]
    pub variation: Option<Vec<Variation>>,
    /// Its stock.
    #[serde(default, deserialize_with = "convert::opt_int")]
    pub stock: Option<i64>,
    /// Whether it sells when out of stock.
    #[serde(default, deserialize_with = "convert::opt_bool")]
    pub allow_out_of_stock_purchases: Option<bool>,
}

static VARIATION_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[("name", None), ("option", None)],
};
static VARIANT_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("variation", Some(&VARIATION_SCHEMA)),
        ("stock", None),
        ("allowOutOfStockPurchases", None),
    ],
};
/// The keys of [`InventoryInput`].
pub static INVENTORY_SCHEMA: crate::json::Schema = crate::json::Schema {
    fields: &[
        ("inventoryManagementMethod", None),
        ("stock", None),
        ("allowOutOfStockPurchases", None),
        ("variants", Some(&VARIANT_SCHEMA)),
    ],
};

/// Applies an inventory update to `p` (seed `002`, `PUT /products/{id}`); on `Err`
/// the product is unchanged. The variations of each variant must name the product's
/// dropdown custom fields and their options, one choice per field, and no two variants
/// may be the same combination.
pub fn update_inventory(
    p: &mut Product,
    input: InventoryInput,
    now: OffsetDateTime,
) -> Result<(), String> {
    let method = match input.inventory_management_method.as_deref() {
        Some(text) => Some(InventoryMethod::from_name(text).ok_or_else(|| {
            format!("'{text}' is not a valid inventoryManagementMethod: use Single or Variant")
        })?),
        None => p.inventory_management_method,
    };
    let mut next = p.clone();
    next.inventory_management_method = method;
    match method {
        None => {
            if input.stock.is_some() || input.variants.is_some() {
                return Err("inventoryManagementMethod is required to track stock".into());
            }
        }
        Some(InventoryMethod::Single) => {
            if let Some(stock) = input.stock {
                next.stock = Some(stock);
            } else if next.stock.is_none() {
                next.stock = Some(0);
            }
            next.variants = None;
            next.allow_out_of_stock_purchases = Some(
                input
                    .allow_out_of_stock_purchases
                    .or(p.allow_out_of_stock_purchases)
                    .unwrap_or(false),
            );
        }
        Some(InventoryMethod::Variant) => {
            if let Some(variants) = input.variants {
                let mut out: Vec<Variant> = Vec::with_capacity(variants.len());
                for (i, v) in variants.into_iter().enumerate() {
                    let variation = v
                        .variation
                        .filter(|list| !list.is_empty())
                        .ok_or_else(|| format!("variants[{i}].variation is required"))?;
                    check_variation(p, &variation).map_err(|e| format!("variants[{i}]: {e}"))?;
                    let variant = Variant {
                        stock: v.stock.unwrap_or(0),
                        variation,
                        allow_out_of_stock_purchases: v
                            .allow_out_of_stock_purchases
                            .unwrap_or(false),
                    };
                    if out.iter().any(|o| o.matches(&variant.variation)) {
                        return Err(format!("variants[{i}] repeats a variation already given"));
                    }
                    out.push(variant);
                }
                next.variants = Some(out);
            } else if next.variants.is_none() {
                next.variants = Some(Vec::new());
            }
            if let Some(stock) = input.stock {
                next.stock = Some(stock);
            }
            if let Some(allow) = input.allow_out_of_stock_purchases {
                next.allow_out_of_stock_purchases = Some(allow);
            } else if next.allow_out_of_stock_purchases.is_none() {
                next.allow_out_of_stock_purchases = Some(false);
            }
        }
    }
    next.derive_total();
    next.modification_date = now;
    *p = next;
    Ok(())
}

/// A variation must choose one option of each dropdown custom field it names, and
/// name each field at most once.
fn check_variation(p: &Product, variation: &[Variation]) -> Result<(), String> {
    for (i, v) in variation.iter().enumerate() {
        let field = p.dropdown(&v.name).ok_or_else(|| {
            format!(
                "'{}' is not a dropdown custom field of product {}",
                v.name, p.user_defined_id
            )
        })?;
        if !field.priced_options().iter().any(|(o, _)| *o == v.option) {
            return Err(format!(
                "'{}' is not an option of '{}'",
                v.option, field.name
            ));
        }
        if variation[..i]
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&v.name))
        {
            return Err(format!("'{}' is chosen twice", v.name));
        }
    }
    Ok(())
}

/// How `GET /products` sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    /// Most units sold first (the default).
    NbrSales,
    /// Most revenue first.
    SalesValue,
    /// Newest first.
    CreationDate,
}

impl OrderBy {
    /// Binds a query value, case-insensitively.
    pub fn from_name(text: &str) -> Option<Self> {
        crate::json::ci_enum(
            text,
            &[
                ("nbrSales", OrderBy::NbrSales),
                ("salesValue", OrderBy::SalesValue),
                ("creationDate", OrderBy::CreationDate),
            ],
        )
    }
}

/// `GET /products`'s filters.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// `userDefinedId` contains this (case-insensitive).
    pub user_defined_id: Option<String>,
    /// Name, description or user-defined id contains this (case-insensitive).
    pub keywords: Option<String>,
    /// `true`: archived products only; otherwise unarchived only.
    pub archived: bool,
    /// Leave out products without sales.
    pub exclude_zero_sales: bool,
    /// Sort.
    pub order_by: Option<OrderBy>,
}

/// The products matching `f`, sorted, with the statistics each is shown with.
/// `stats(p)` gives a product's statistics (the all-time ones, or those of a
/// `from`/`to` window).
pub fn search<'a>(
    products: &'a Products,
    f: &ProductFilter,
    stats: impl Fn(&Product) -> Statistics,
) -> Vec<(&'a Product, Statistics)> {
    let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
    let mut hits: Vec<(&Product, Statistics)> = products
        .all()
        .iter()
        .filter(|p| p.archived == f.archived)
        .filter(|p| {
            f.user_defined_id
                .as_deref()
                .is_none_or(|id| contains(&p.user_defined_id, id))
        })
        .filter(|p| {
            f.keywords.as_deref().is_none_or(|k| {
                contains(&p.name, k)
                    || contains(&p.user_defined_id, k)
                    || p.description.as_deref().is_some_and(|d| contains(d, k))
            })
        })
        .map(|p| (p, stats(p)))
        .filter(|(_, s)| !f.exclude_zero_sales || s.number_of_sales > 0)
        .collect();
    // Stable sorts: ties stay in creation order.
    match f.order_by.unwrap_or(OrderBy::NbrSales) {
        OrderBy::NbrSales => hits.sort_by_key(|h| Reverse(h.1.number_of_sales)),
        OrderBy::SalesValue => hits.sort_by_key(|h| Reverse(h.1.total_sales)),
        OrderBy::CreationDate => hits.sort_by_key(|h| Reverse(h.0.creation_date)),
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_split_with_their_price_changes() {
        let opts = split_options("16GB|32GB[+50.00]|128GB[+200.00]|Tiny[-5]");
        let names: Vec<&str> = opts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["16GB", "32GB", "128GB", "Tiny"]);
        assert_eq!(opts[1].1.to_string(), "50.00");
        assert_eq!(opts[3].1.to_string(), "-5");
        assert_eq!(opts[0].1, Money::ZERO);
    }

    #[test]
    fn the_render_cache_follows_every_change_and_stays_bounded() {
        let mut state = crate::fixtures::default_state();
        let products = &mut state.test.products;
        let first = products.rendered("AP1").unwrap().unwrap();
        assert_eq!(products.rendered("AP1").unwrap().unwrap(), first, "cached");
        products.find_mut("AP1").unwrap().name = "Renamed".into();
        let second = products.rendered("AP1").unwrap().unwrap();
        assert!(String::from_utf8_lossy(&second).contains("Renamed"));
        products.check().unwrap();
        products.by_user_id_mut("AP1").unwrap().price = Money::from_int(1);
        products.check().unwrap();
        assert!(
            String::from_utf8_lossy(&products.rendered("AP1").unwrap().unwrap())
                .contains(r#""price":1,"#)
        );
        // Far past the budget: the cache keeps at most its bytes, and its queue stays short.
        let template = products.find("HGW").unwrap().clone();
        for i in 0..12_000 {
            let mut p = template.clone();
            p.id = format!("id-{i}");
            p.user_defined_id = format!("u-{i}");
            p.description = Some("x".repeat(600));
            products.insert(p).unwrap();
            products.rendered(&format!("u-{i}")).unwrap().unwrap();
            products.find_mut(&format!("u-{}", i / 2)).unwrap();
        }
        assert!(products.rendered.bytes <= RENDER_CACHE_BYTES);
        assert!(products.rendered.order.len() <= 2 * products.rendered.cached + 64);
        products.check().unwrap();
    }
}
