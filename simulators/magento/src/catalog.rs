//! Catalog: products, attribute sets, categories and the legacy (CatalogInventory)
//! stock item, with their save rules (reference §5, §6).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::attributes as attrs;
use crate::dates;
use crate::errors::{MResult, MagentoError, Params};
use crate::input::{self, num};
use crate::state::State;

/// A product attribute set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeSet {
    /// Id (`4` is the stock "Default" set).
    pub attribute_set_id: u64,
    /// Name.
    pub attribute_set_name: String,
    /// Sort order.
    pub sort_order: i64,
    /// Entity type (4 = product).
    pub entity_type_id: u64,
}

/// A product, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// Entity id.
    pub id: u64,
    /// SKU (looked up case-insensitively, like MySQL does).
    pub sku: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Attribute set.
    pub attribute_set_id: u64,
    /// Price.
    #[serde(default)]
    pub price: Option<f64>,
    /// 1 enabled, 2 disabled.
    pub status: u8,
    /// 1–4.
    pub visibility: u8,
    /// `simple`, `virtual`, `configurable`…
    pub type_id: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
    /// Weight, omitted when unset.
    #[serde(default)]
    pub weight: Option<f64>,
    /// `extension_attributes.website_ids`.
    #[serde(default)]
    pub website_ids: Vec<u64>,
    /// `extension_attributes.category_links`.
    #[serde(default)]
    pub category_links: Vec<Value>,
    /// The legacy stock item.
    pub stock_item: StockItem,
    /// Custom options.
    #[serde(default)]
    pub options: Vec<Value>,
    /// Media gallery entries.
    #[serde(default)]
    pub media_gallery_entries: Vec<Value>,
    /// Product links.
    #[serde(default)]
    pub product_links: Vec<Value>,
    /// Tier prices (the rows the tier price storage shares, [`crate::prices`]).
    #[serde(default)]
    pub tier_prices: Vec<crate::prices::TierPrice>,
    /// Every other EAV attribute, values in DB format (`"89.950000"`).
    #[serde(default)]
    pub custom_attributes: Vec<ProductAttribute>,
    /// `extension_attributes.configurable_product_options` (`catalog_product_super_attribute`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurable_options: Vec<crate::configurable::ConfigurableOption>,
    /// `extension_attributes.configurable_product_links`: the children's ids
    /// (`catalog_product_super_link`), in link order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurable_links: Vec<u64>,
}

impl Product {
    /// The value of attribute `code` when it is a string.
    pub fn attribute(&self, code: &str) -> Option<&str> {
        self.custom_attributes
            .iter()
            .find(|a| a.code() == code)
            .and_then(ProductAttribute::as_str)
    }
}

/// One stored `custom_attributes` entry of a product, in 24 bytes: a store attribute
/// is an index into [`ATTRIBUTES`], and its value one of [`COMMON_VALUES`] or its own
/// text. A [`CustomAttribute`] would take 96 bytes and two allocations. Exported and
/// imported exactly as a [`CustomAttribute`] (`{"attribute_code": …, "value": …}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductAttribute(Attr);

/// Each entry has one form: a store attribute with a string value is never `Other`,
/// and one with a common value never `Text` (so that `==` compares contents).
#[derive(Debug, Clone, PartialEq)]
enum Attr {
    /// A store attribute with one of [`COMMON_VALUES`].
    Common { code: u8, value: u8 },
    /// A store attribute with any other string.
    Text { code: u8, value: Box<str> },
    /// Anything else (only an imported state has these): a code the store does not
    /// have, or a value that is not a string.
    Other(Box<CustomAttribute>),
}

/// Values so frequent that a product does not keep its own copy: the defaults every
/// new product gets and the flags saves set.
const COMMON_VALUES: &[&str] = &["0", "1", "2", "container1", "container2"];

impl ProductAttribute {
    /// Attribute `code` with `value`.
    pub fn new(code: &str, value: Value) -> Self {
        let known = ATTRIBUTES
            .iter()
            .position(|(c, _)| *c == code)
            .and_then(|i| u8::try_from(i).ok());
        Self(match (known, value) {
            (Some(code), Value::String(text)) => {
                match COMMON_VALUES.iter().position(|v| *v == text) {
                    Some(value) => Attr::Common {
                        code,
                        value: u8::try_from(value).unwrap_or_default(),
                    },
                    None => Attr::Text {
                        code,
                        value: text.into_boxed_str(),
                    },
                }
            }
            (_, value) => Attr::Other(Box::new(CustomAttribute {
                attribute_code: code.to_owned(),
                value,
            })),
        })
    }

    /// The attribute code.
    pub fn code(&self) -> &str {
        match &self.0 {
            Attr::Common { code, .. } | Attr::Text { code, .. } => {
                ATTRIBUTES.get(usize::from(*code)).map_or("", |(c, _)| c)
            }
            Attr::Other(a) => &a.attribute_code,
        }
    }

    /// The value when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Attr::Common { value, .. } => COMMON_VALUES.get(usize::from(*value)).copied(),
            Attr::Text { value, .. } => Some(value),
            Attr::Other(a) => a.value.as_str(),
        }
    }

    /// The value as JSON.
    pub fn value(&self) -> Value {
        match &self.0 {
            Attr::Other(a) => a.value.clone(),
            _ => Value::String(self.as_str().unwrap_or_default().to_owned()),
        }
    }

    /// The value when it is JSON other than a string (only an imported state has
    /// these).
    pub fn as_json(&self) -> Option<&Value> {
        match &self.0 {
            Attr::Other(a) if !a.value.is_string() => Some(&a.value),
            _ => None,
        }
    }

    /// Position in Magento's render order ([`ATTRIBUTES`]); codes the store does not
    /// have come last.
    pub(crate) fn rank(&self) -> usize {
        match &self.0 {
            Attr::Common { code, .. } | Attr::Text { code, .. } => usize::from(*code),
            Attr::Other(a) => attribute(&a.attribute_code).map_or(usize::MAX, |(i, _)| i),
        }
    }
}

impl Serialize for ProductAttribute {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("CustomAttribute", 2)?;
        out.serialize_field("attribute_code", self.code())?;
        match &self.0 {
            Attr::Other(a) => out.serialize_field("value", &a.value)?,
            _ => out.serialize_field("value", self.as_str().unwrap_or_default())?,
        }
        out.end()
    }
}

impl<'de> Deserialize<'de> for ProductAttribute {
    /// Accepts (and refuses) exactly what [`CustomAttribute`] does.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let a = CustomAttribute::deserialize(d)?;
        Ok(Self::new(&a.attribute_code, a.value))
    }
}

/// One `custom_attributes` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomAttribute {
    /// Attribute code.
    pub attribute_code: String,
    /// Value (string, or array of strings for multi-value attributes).
    pub value: Value,
}

/// The legacy stock item (`cataloginventory_stock_item`), field for field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockItem {
    /// Item id.
    pub item_id: u64,
    /// Product id.
    pub product_id: u64,
    /// Always 1.
    pub stock_id: u64,
    /// Quantity.
    pub qty: f64,
    /// In stock.
    pub is_in_stock: bool,
    /// .
    pub is_qty_decimal: bool,
    /// .
    pub show_default_notification_message: bool,
    /// .
    pub use_config_min_qty: bool,
    /// Out-of-stock threshold.
    pub min_qty: f64,
    /// An int (1), unlike its boolean siblings: a Magento quirk.
    pub use_config_min_sale_qty: i64,
    /// .
    pub min_sale_qty: f64,
    /// .
    pub use_config_max_sale_qty: bool,
    /// .
    pub max_sale_qty: f64,
    /// .
    pub use_config_backorders: bool,
    /// 0 none, 1 allow, 2 allow and notify.
    pub backorders: i64,
    /// .
    pub use_config_notify_stock_qty: bool,
    /// .
    pub notify_stock_qty: f64,
    /// .
    pub use_config_qty_increments: bool,
    /// .
    pub qty_increments: f64,
    /// .
    pub use_config_enable_qty_inc: bool,
    /// .
    pub enable_qty_increments: bool,
    /// .
    pub use_config_manage_stock: bool,
    /// Manage stock.
    pub manage_stock: bool,
    /// Emitted as `null` when unset.
    pub low_stock_date: Option<String>,
    /// .
    pub is_decimal_divided: bool,
    /// .
    pub stock_status_changed_auto: i64,
}

/// A category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// Id.
    pub id: u64,
    /// Parent (0 for the root catalog).
    pub parent_id: u64,
    /// Name.
    pub name: String,
    /// Active.
    pub is_active: bool,
    /// Position among siblings.
    pub position: i64,
    /// Depth (root catalog 0).
    pub level: i64,
    /// `1/2/3`.
    pub path: String,
    /// Created.
    pub created_at: String,
    /// Updated.
    pub updated_at: String,
    /// In menu.
    #[serde(default = "yes")]
    pub include_in_menu: bool,
    /// Other attributes (`url_key`, `url_path`, `is_anchor`…), DB format.
    #[serde(default)]
    pub custom_attributes: Vec<CustomAttribute>,
}

fn yes() -> bool {
    true
}

/// Messages clients match on, verbatim (reference §5.4, §6).
pub mod m {
    /// Unknown SKU on product GET/PUT-less paths.
    pub const PRODUCT_NOT_FOUND: &str =
        "The product that was requested doesn't exist. Verify the product and try again.";
    /// Unknown SKU in the legacy stock endpoints and in product links.
    pub const SKU_NOT_FOUND: &str = "The Product with the \"%1\" SKU doesn't exist.";
    /// A URL key another product or a category already uses.
    pub const URL_KEY_TAKEN: &str = "URL key for specified store already exists.";
    /// Attribute validation failures, comma-joined in `%1`.
    pub const INVALID_PRODUCT: &str = "Invalid product data: %1";
    /// One validation failure (rendered inside [`INVALID_PRODUCT`]).
    pub const ATTRIBUTE_EMPTY: &str =
        "The \"%1\" attribute value is empty. Set the attribute and try again.";
    /// An attribute set that is not a product set.
    pub const INVALID_SET: &str = "Invalid attribute set entity type";
    /// SKU over 64 characters.
    pub const SKU_TOO_LONG: &str = "SKU length should be %1 characters maximum.";
    /// Any other save failure (a value the database refuses).
    pub const NOT_SAVED: &str = "The product was unable to be saved. Please try again.";
    /// `custom_attributes` entry that is empty.
    pub const EMPTY_CUSTOM_ATTRIBUTE: &str =
        "An empty custom attribute is specified. Enter the attribute and try again.";
    /// `custom_attributes` entry without a code.
    pub const CUSTOM_ATTRIBUTE_NO_CODE: &str = "A custom attribute is specified with a missing attribute code. Verify the code and try again.";
    /// `custom_attributes` entry without a value.
    pub const CUSTOM_ATTRIBUTE_NO_VALUE: &str =
        "The \"%1\" attribute code doesn't have a value set. Enter the value and try again.";
    /// A new media gallery entry without content.
    pub const IMAGE_CONTENT: &str =
        "The image content is invalid. Verify the content and try again.";
    /// Unknown attribute set or category id.
    pub const NO_SUCH_ENTITY: &str = "No such entity with %fieldName = %fieldValue";
    /// Category save failure, reason in `%1`.
    pub const CATEGORY_NOT_SAVED: &str = "Could not save category: %1";
    /// Deleting a root category.
    pub const CATEGORY_NOT_DELETED: &str = "Cannot delete category with id %1";
    /// A website link without a website (`ProductWebsiteLinkRepository::save`).
    pub const NO_WEBSITES_TO_ASSIGN: &str = "There are not websites for assign to product";
    /// A website link the database refuses; `%1` the product id, `%2` the website id.
    pub const WEBSITE_NOT_ASSIGNED: &str = "Could not assign product \"%1\" to websites \"%2\"";
    /// Unlinking a product the category does not hold (`CategoryLinkRepository`).
    pub const NOT_IN_CATEGORY: &str = "The category doesn't contain the specified product.";
    /// Moving a category under itself or its subtree (`CategoryManagement::move`).
    pub const MOVE_INTO_CHILD: &str =
        "Operation do not allow to move a parent category to any of children category";
    /// Any other failed move.
    pub const MOVE_FAILED: &str = "Could not move category";
}

/// The stock "Default" product attribute set.
pub const DEFAULT_ATTRIBUTE_SET: u64 = 4;
/// EAV entity type of products.
const PRODUCT_ENTITY_TYPE: u64 = 4;
/// `catalog_product_entity.sku` is `varchar(64)`.
const SKU_MAX_LENGTH: usize = 64;
const PRODUCT_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductInterface";
const EXTENSION_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductExtensionInterface";
const STOCK_ITEM_CLASS: &str = "Magento\\CatalogInventory\\Api\\Data\\StockItemInterface";
const CATEGORY_CLASS: &str = "Magento\\Catalog\\Api\\Data\\CategoryInterface";

/// Keys of `ProductInterface`.
const PRODUCT_KEYS: &[&str; 17] = &[
    "id",
    "sku",
    "name",
    "attribute_set_id",
    "price",
    "status",
    "visibility",
    "type_id",
    "created_at",
    "updated_at",
    "weight",
    "extension_attributes",
    "product_links",
    "options",
    "media_gallery_entries",
    "tier_prices",
    "custom_attributes",
];

/// Extension attributes of other modules a stock install accepts; bound but not kept
/// (bundle and downloadable products are not simulated).
const OTHER_EXTENSIONS: &[&str] = &[
    "bundle_product_options",
    "downloadable_product_links",
    "downloadable_product_samples",
    "discounts",
];

/// How an EAV attribute stores its value, which decides its JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `decimal(20,6)`: `"89.950000"`.
    Decimal,
    /// `datetime`: `"2025-07-21 00:00:00"`.
    Date,
    /// `varchar` / `text`: as given.
    Text,
    /// `int`: `"2"`.
    Int,
    /// `category_ids`: a list of id strings, kept in the category links.
    Categories,
}

/// The product attributes of a stock 2.4 install that `custom_attributes` can carry,
/// in the order Magento renders them (by backend table: decimal, datetime, varchar,
/// static, int, then text — the order of the seed's POST response). Codes not listed
/// are not attributes of the store and are dropped on save, as Magento drops them.
const ATTRIBUTES: &[(&str, Kind)] = &[
    ("special_price", Kind::Decimal),
    ("cost", Kind::Decimal),
    ("msrp", Kind::Decimal),
    ("special_from_date", Kind::Date),
    ("special_to_date", Kind::Date),
    ("news_from_date", Kind::Date),
    ("news_to_date", Kind::Date),
    ("custom_design_from", Kind::Date),
    ("custom_design_to", Kind::Date),
    ("meta_title", Kind::Text),
    ("options_container", Kind::Text),
    ("url_key", Kind::Text),
    ("msrp_display_actual_price_type", Kind::Text),
    ("image", Kind::Text),
    ("small_image", Kind::Text),
    ("thumbnail", Kind::Text),
    ("swatch_image", Kind::Text),
    ("image_label", Kind::Text),
    ("small_image_label", Kind::Text),
    ("thumbnail_label", Kind::Text),
    ("gift_message_available", Kind::Text),
    ("country_of_manufacture", Kind::Text),
    ("page_layout", Kind::Text),
    ("custom_design", Kind::Text),
    ("custom_layout", Kind::Text),
    ("required_options", Kind::Int),
    ("has_options", Kind::Int),
    ("tax_class_id", Kind::Int),
    ("manufacturer", Kind::Int),
    ("color", Kind::Int),
    ("size", Kind::Int),
    ("category_ids", Kind::Categories),
    ("description", Kind::Text),
    ("short_description", Kind::Text),
    ("meta_keyword", Kind::Text),
    ("meta_description", Kind::Text),
    ("custom_layout_update", Kind::Text),
];

/// Where `code` comes in Magento's rendering order of custom attributes
/// (`usize::MAX` for an attribute the table does not know: after every known one).
pub(crate) fn attribute_rank(code: &str) -> usize {
    attribute(code).map_or(usize::MAX, |(i, _)| i)
}

fn attribute(code: &str) -> Option<(usize, Kind)> {
    ATTRIBUTES
        .iter()
        .position(|(c, _)| *c == code)
        .map(|i| (i, ATTRIBUTES[i].1))
}

/// The product with `sku`, compared case-insensitively as MySQL does.
pub fn find_by_sku<'s>(state: &'s State, sku: &str) -> Option<&'s Product> {
    state.products.by_sku(sku)
}

/// The product with `sku`, or Magento's 404.
pub fn product<'s>(state: &'s State, sku: &str) -> MResult<&'s Product> {
    find_by_sku(state, sku).ok_or_else(|| MagentoError::not_found(m::PRODUCT_NOT_FOUND))
}

/// MSI → legacy sync (reference §7.7): a `default` source item of `sku` was saved
/// (`Some((quantity, in_stock))`) or deleted (`None`: qty 0, out of stock). Updates the
/// product's legacy stock item when the product exists; unknown SKUs are ignored.
pub fn apply_default_source_item(state: &mut State, sku: &str, item: Option<(f64, bool)>) {
    if let Some(id) = find_by_sku(state, sku).map(|p| p.id) {
        let (qty, in_stock) = item.unwrap_or((0.0, false));
        state.products.update(id, |product| {
            product.stock_item.qty = qty;
            product.stock_item.is_in_stock = in_stock;
        });
    }
}

// ---------------------------------------------------------------------------
// Product JSON

/// A product as Magento renders it (the seed's POST response, key for key).
pub fn product_json(p: &Product) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(p.id));
    o.insert("sku".into(), json!(p.sku));
    if let Some(name) = &p.name {
        o.insert("name".into(), json!(name));
    }
    o.insert("attribute_set_id".into(), json!(p.attribute_set_id));
    if let Some(price) = p.price {
        o.insert("price".into(), num(price));
    }
    o.insert("status".into(), json!(p.status));
    o.insert("visibility".into(), json!(p.visibility));
    o.insert("type_id".into(), json!(p.type_id));
    o.insert("created_at".into(), json!(p.created_at));
    o.insert("updated_at".into(), json!(p.updated_at));
    if let Some(weight) = p.weight {
        o.insert("weight".into(), num(weight));
    }
    let mut ext = Map::new();
    ext.insert("website_ids".into(), json!(p.website_ids));
    if !p.category_links.is_empty() {
        ext.insert("category_links".into(), json!(p.category_links));
    }
    if !p.configurable_options.is_empty() {
        ext.insert(
            "configurable_product_options".into(),
            Value::Array(
                p.configurable_options
                    .iter()
                    .map(|o| crate::configurable::option_json(o, p.id))
                    .collect(),
            ),
        );
    }
    if !p.configurable_links.is_empty() {
        ext.insert(
            "configurable_product_links".into(),
            json!(p.configurable_links),
        );
    }
    ext.insert("stock_item".into(), stock_item_json(&p.stock_item));
    o.insert("extension_attributes".into(), Value::Object(ext));
    if !p.product_links.is_empty() {
        o.insert("product_links".into(), json!(p.product_links));
    }
    o.insert("options".into(), json!(p.options));
    o.insert(
        "media_gallery_entries".into(),
        json!(p.media_gallery_entries),
    );
    if !p.tier_prices.is_empty() {
        o.insert(
            "tier_prices".into(),
            Value::Array(crate::prices::tier_prices_json(p)),
        );
    }
    o.insert("custom_attributes".into(), custom_attributes_json(p));
    Value::Object(o)
}

/// Stored attributes in render order, with `category_ids` (from the category links)
/// in its place.
fn custom_attributes_json(p: &Product) -> Value {
    let categories = ATTRIBUTES
        .iter()
        .position(|(c, _)| *c == "category_ids")
        .unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(p.custom_attributes.len() + 1);
    let mut placed = false;
    for a in &p.custom_attributes {
        if !placed && a.rank() > categories {
            out.push(json!({"attribute_code": "category_ids", "value": category_ids(p)}));
            placed = true;
        }
        out.push(json!({"attribute_code": a.code(), "value": a.value()}));
    }
    if !placed {
        out.push(json!({"attribute_code": "category_ids", "value": category_ids(p)}));
    }
    Value::Array(out)
}

pub(crate) fn category_ids(p: &Product) -> Vec<String> {
    p.category_links
        .iter()
        .filter_map(|l| l.get("category_id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// The legacy stock item as Magento renders it: `manage_stock` appears only when the
/// item does not use the configuration value (the seed's response has no
/// `manage_stock` next to `use_config_manage_stock: true`).
pub fn stock_item_json(si: &StockItem) -> Value {
    let mut o = Map::new();
    o.insert("item_id".into(), json!(si.item_id));
    o.insert("product_id".into(), json!(si.product_id));
    o.insert("stock_id".into(), json!(si.stock_id));
    o.insert("qty".into(), num(si.qty));
    o.insert("is_in_stock".into(), json!(si.is_in_stock));
    o.insert("is_qty_decimal".into(), json!(si.is_qty_decimal));
    o.insert(
        "show_default_notification_message".into(),
        json!(si.show_default_notification_message),
    );
    o.insert("use_config_min_qty".into(), json!(si.use_config_min_qty));
    o.insert("min_qty".into(), num(si.min_qty));
    o.insert(
        "use_config_min_sale_qty".into(),
        json!(si.use_config_min_sale_qty),
    );
    o.insert("min_sale_qty".into(), num(si.min_sale_qty));
    o.insert(
        "use_config_max_sale_qty".into(),
        json!(si.use_config_max_sale_qty),
    );
    o.insert("max_sale_qty".into(), num(si.max_sale_qty));
    o.insert(
        "use_config_backorders".into(),
        json!(si.use_config_backorders),
    );
    o.insert("backorders".into(), json!(si.backorders));
    o.insert(
        "use_config_notify_stock_qty".into(),
        json!(si.use_config_notify_stock_qty),
    );
    o.insert("notify_stock_qty".into(), num(si.notify_stock_qty));
    o.insert(
        "use_config_qty_increments".into(),
        json!(si.use_config_qty_increments),
    );
    o.insert("qty_increments".into(), num(si.qty_increments));
    o.insert(
        "use_config_enable_qty_inc".into(),
        json!(si.use_config_enable_qty_inc),
    );
    o.insert(
        "enable_qty_increments".into(),
        json!(si.enable_qty_increments),
    );
    o.insert(
        "use_config_manage_stock".into(),
        json!(si.use_config_manage_stock),
    );
    if !si.use_config_manage_stock {
        o.insert("manage_stock".into(), json!(si.manage_stock));
    }
    o.insert("low_stock_date".into(), json!(si.low_stock_date));
    o.insert("is_decimal_divided".into(), json!(si.is_decimal_divided));
    o.insert(
        "stock_status_changed_auto".into(),
        json!(si.stock_status_changed_auto),
    );
    Value::Object(o)
}

/// `GET /V1/stockStatuses/{sku}`.
pub fn stock_status_json(p: &Product) -> Value {
    json!({
        "product_id": p.id,
        "stock_id": 1,
        "qty": num(p.stock_item.qty),
        "stock_status": u8::from(p.stock_item.is_in_stock),
        "stock_item": stock_item_json(&p.stock_item),
    })
}

/// A product's column for searchCriteria (`category_id` and `website_id` are the set
/// filters Magento's product collection adds).
pub fn product_field<'a>(p: &'a Product, column: &str) -> crate::search::Field<'a> {
    use crate::search::Field;
    match column {
        "id" | "entity_id" => Field::Num(p.id as f64),
        "sku" => Field::text(&p.sku),
        "name" => p.name.as_deref().map_or(Field::Missing, Field::text),
        "attribute_set_id" => Field::Num(p.attribute_set_id as f64),
        "price" => p.price.map_or(Field::Missing, Field::Num),
        "status" => Field::Num(f64::from(p.status)),
        "visibility" => Field::Num(f64::from(p.visibility)),
        "type_id" => Field::text(&p.type_id),
        "created_at" => Field::text(&p.created_at),
        "updated_at" => Field::text(&p.updated_at),
        "weight" => p.weight.map_or(Field::Missing, Field::Num),
        "category_id" | "category_ids" => Field::List(category_ids(p)),
        "website_id" | "website_ids" => {
            Field::List(p.website_ids.iter().map(u64::to_string).collect())
        }
        code => match (
            attribute(code),
            p.custom_attributes.iter().find(|a| a.code() == code),
        ) {
            (Some((_, Kind::Decimal | Kind::Int)), Some(a)) => a
                .as_str()
                .and_then(|s| s.parse().ok())
                .map_or(Field::Missing, Field::Num),
            (_, Some(a)) => match (a.as_str(), a.as_json()) {
                (Some(s), _) => Field::text(s),
                (None, Some(Value::Array(items))) => Field::List(
                    items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect(),
                ),
                (None, other) => Field::Str(other.unwrap_or(&Value::Null).to_string().into()),
            },
            (_, None) => Field::Missing,
        },
    }
}

// ---------------------------------------------------------------------------
// Product save

/// What a save needs from the request besides the product: the clock, the websites
/// a new product joins when it names none, and the store's time zone (for the
/// automatic `special_from_date`).
#[derive(Debug, Clone)]
pub struct SaveScope {
    /// Now.
    pub now: OffsetDateTime,
    /// Websites of a new product without `website_ids`.
    pub website_ids: Vec<u64>,
    /// IANA zone of the request's store.
    pub timezone: String,
}

/// `ProductRepository::save`: upserts the product with the body's SKU (or `url_sku`,
/// which wins, for PUT), validates, and returns the product id. Nothing is stored when
/// anything is refused.
pub fn save_product(
    state: &mut State,
    body: &Value,
    url_sku: Option<&str>,
    scope: &SaveScope,
) -> MResult<u64> {
    let obj = body
        .as_object()
        .ok_or_else(|| input::type_error("product", body, PRODUCT_CLASS))?;
    let fields = input::Bound::bind(obj, PRODUCT_KEYS)
        .map_err(|key| MagentoError::unknown_property(key, PRODUCT_CLASS))?;
    let sku = match url_sku {
        Some(s) => Some(s.to_owned()),
        None => fields
            .get("sku")
            .map(|v| input::to_string(v, "sku"))
            .transpose()?,
    };
    let existing = sku.as_deref().and_then(|s| find_by_sku(state, s)).cloned();
    let is_new = existing.is_none();
    let id = existing.as_ref().map_or(state.next.product_id, |p| p.id);
    let mut p = existing.unwrap_or_else(|| new_product(id, scope));
    if let Some(sku) = sku {
        p.sku = sku;
    }

    if let Some(v) = fields.get("name") {
        p.name = Some(input::to_string(v, "name")?);
    }
    if let Some(v) = fields.get("attribute_set_id") {
        let set = input::to_i64(v, "attribute_set_id")?;
        let valid = state.attribute_sets.iter().any(|s| {
            i64::try_from(s.attribute_set_id) == Ok(set) && s.entity_type_id == PRODUCT_ENTITY_TYPE
        });
        if !valid {
            return Err(
                MagentoError::bad_request(m::INVALID_PRODUCT).positional([json!(m::INVALID_SET)])
            );
        }
        p.attribute_set_id = u64::try_from(set).unwrap_or(DEFAULT_ATTRIBUTE_SET);
    }
    if let Some(v) = fields.get("price") {
        p.price = Some(input::to_f64(v, "price")?);
    }
    if let Some(v) = fields.get("status") {
        p.status = small_int(v, "status")?;
    }
    if let Some(v) = fields.get("visibility") {
        p.visibility = small_int(v, "visibility")?;
    }
    if let Some(v) = fields.get("type_id") {
        p.type_id = input::to_string(v, "type_id")?;
    }
    if let Some(v) = fields.get("created_at") {
        let text = input::to_string(v, "created_at")?;
        p.created_at = date_value(&text).ok_or_else(not_saved)?;
    }
    if let Some(v) = fields.get("weight") {
        p.weight = Some(input::to_f64(v, "weight")?);
    }
    p.updated_at = dates::db_time(scope.now);

    let mut stock_sent = None;
    let mut links_sent = false;
    let mut configurable_options = None;
    let mut configurable_links = None;
    if let Some(ext) = fields.get("extension_attributes") {
        let ext = ext
            .as_object()
            .ok_or_else(|| input::type_error("extension_attributes", ext, EXTENSION_CLASS))?;
        for (key, value) in ext {
            match input::snake(key).as_str() {
                "website_ids" => {
                    p.website_ids = list(value, "website_ids")?
                        .iter()
                        .map(|v| {
                            input::to_i64(v, "website_ids")
                                .map(|id| u64::try_from(id).unwrap_or_default())
                        })
                        .collect::<MResult<_>>()?;
                }
                "category_links" => {
                    p.category_links = category_links(state, value)?;
                    links_sent = true;
                }
                "stock_item" => stock_sent = Some(value),
                "configurable_product_options" => configurable_options = Some(value),
                "configurable_product_links" => configurable_links = Some(value),
                other if OTHER_EXTENSIONS.contains(&other) => {}
                _ => return Err(MagentoError::unknown_property(key, EXTENSION_CLASS)),
            }
        }
    }
    if let Some(v) = fields.get("product_links") {
        p.product_links = crate::product_links::from_product_save(state, &p.sku, v)?;
    }
    // New option and media ids come from the store's counters, taken only if the save
    // goes through.
    let mut next_option = state.next.option_id;
    let mut next_value = state.next.option_value_id;
    let mut next_media = state.next.media_id;
    if let Some(v) = fields.get("options") {
        p.options =
            crate::custom_options::from_product_save(&mut next_option, &mut next_value, &p, v)?;
    }
    if let Some(v) = fields.get("tier_prices") {
        p.tier_prices = crate::prices::tier_prices_from_save(state, v)?;
    }
    if let Some(v) = fields.get("custom_attributes") {
        apply_custom_attributes(state, &mut p, v, links_sent)?;
    }
    // After the attributes: the gallery's roles win over `image`… sent as attributes,
    // as `processMediaGallery` runs on the product the request built.
    if let Some(v) = fields.get("media_gallery_entries") {
        crate::media::from_product_save(state, &mut next_media, &mut p, v)?;
    }
    crate::media::sync_types(&mut p);
    if fields.get("options").is_some() {
        option_flags(&mut p);
    }
    let mut next_configurable = state.next.configurable_option_id;
    if configurable_options.is_some()
        || configurable_links.is_some()
        || (p.type_id == "configurable" && !p.configurable_links.is_empty())
    {
        crate::configurable::apply_save(
            state,
            &mut p,
            configurable_options,
            configurable_links,
            &mut next_configurable,
        )?;
    }
    if p.type_id != "configurable" {
        // A product saved as another type keeps no variations (the save handler of
        // the type it had removes them).
        p.configurable_options.clear();
        p.configurable_links.clear();
    }

    validate(&p, is_new)?;
    if is_new && get_attribute(&p, "url_key").is_none() {
        if let Some(key) = p.name.as_deref().map(url_key).filter(|k| !k.is_empty()) {
            set_attribute(&mut p, "url_key", json!(key));
        }
    }
    if let Some(key) = p.attribute("url_key") {
        if url_key_taken(state, key, Some(p.id), None) {
            return Err(MagentoError::bad_request(m::URL_KEY_TAKEN));
        }
    }
    if get_attribute(&p, "special_price").is_some()
        && get_attribute(&p, "special_from_date").is_none()
    {
        let today = dates::local_midnight(scope.now, &scope.timezone);
        set_attribute(&mut p, "special_from_date", json!(today));
    }

    let mut sync = false;
    if let Some(si) = stock_sent {
        merge_stock_item(&mut p.stock_item, si)?;
        sync = true;
    }
    normalize_stock_item(&mut p.stock_item, &p.type_id, scope.now);
    let sku = p.sku.clone();
    let type_id = p.type_id.clone();
    let (qty, in_stock) = (p.stock_item.qty, p.stock_item.is_in_stock);
    if is_new {
        state.next.product_id += 1;
    }
    state.next.option_id = next_option;
    state.next.option_value_id = next_value;
    state.next.media_id = next_media;
    state.next.configurable_option_id = next_configurable;
    state.products.insert(p);
    let has_default = state
        .source_items
        .get(&sku, crate::msi::DEFAULT_SOURCE)
        .is_some();
    if (sync || has_default) && crate::msi::supports_source_items(&type_id) {
        crate::msi::sync_default_source_item(state, &sku, qty, in_stock);
    }
    Ok(id)
}

fn new_product(id: u64, scope: &SaveScope) -> Product {
    let now = dates::db_time(scope.now);
    let attr = |code: &str, value: &str| ProductAttribute::new(code, json!(value));
    Product {
        id,
        sku: String::new(),
        name: None,
        attribute_set_id: DEFAULT_ATTRIBUTE_SET,
        price: None,
        status: 1,
        visibility: 4,
        type_id: "simple".into(),
        created_at: now.clone(),
        updated_at: now,
        weight: None,
        website_ids: scope.website_ids.clone(),
        category_links: Vec::new(),
        stock_item: StockItem::new(id),
        options: Vec::new(),
        media_gallery_entries: Vec::new(),
        product_links: Vec::new(),
        tier_prices: Vec::new(),
        configurable_options: Vec::new(),
        configurable_links: Vec::new(),
        custom_attributes: vec![
            attr("options_container", "container2"),
            attr("msrp_display_actual_price_type", "0"),
            attr("required_options", "0"),
            attr("has_options", "0"),
            attr("tax_class_id", "2"),
        ],
    }
}

impl StockItem {
    /// A new product's stock item: nothing in stock, every `use_config_*` on.
    pub fn new(product_id: u64) -> Self {
        Self {
            item_id: product_id,
            product_id,
            stock_id: 1,
            qty: 0.0,
            is_in_stock: false,
            is_qty_decimal: false,
            show_default_notification_message: false,
            use_config_min_qty: true,
            min_qty: 0.0,
            use_config_min_sale_qty: 1,
            min_sale_qty: 1.0,
            use_config_max_sale_qty: true,
            max_sale_qty: 10000.0,
            use_config_backorders: true,
            backorders: 0,
            use_config_notify_stock_qty: true,
            notify_stock_qty: 1.0,
            use_config_qty_increments: true,
            qty_increments: 0.0,
            use_config_enable_qty_inc: true,
            enable_qty_increments: false,
            use_config_manage_stock: true,
            manage_stock: true,
            low_stock_date: None,
            is_decimal_divided: false,
            stock_status_changed_auto: 0,
        }
    }
}

fn small_int(v: &Value, field: &str) -> MResult<u8> {
    let n = input::to_i64(v, field)?;
    u8::try_from(n).map_err(|_| not_saved())
}

fn not_saved() -> MagentoError {
    MagentoError::bad_request(m::NOT_SAVED)
}

fn list<'a>(v: &'a Value, field: &str) -> MResult<&'a [Value]> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| input::type_error(field, v, "array"))
}

/// `YYYY-MM-DD[ HH:MM:SS]` (or ISO `T…Z`) → `YYYY-MM-DD HH:MM:SS`.
fn date_value(text: &str) -> Option<String> {
    let text = text.trim().replace('T', " ");
    let text = text.trim_end_matches('Z');
    let text = text.split(['.', '+']).next().unwrap_or(text);
    dates::parse_db_time(text).map(dates::db_time)
}

/// Magento's URL-key filter: transliterate, lower-case, runs of anything but
/// `[a-z0-9]` become one `-`, trimmed.
pub fn url_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        let folded: String = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a".into()
            }
            'æ' | 'Æ' => "ae".into(),
            'ç' | 'Ç' => "c".into(),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e".into(),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i".into(),
            'ñ' | 'Ñ' => "n".into(),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                "o".into()
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u".into(),
            'ý' | 'ÿ' | 'Ý' => "y".into(),
            'ß' => "ss".into(),
            c => c.to_ascii_lowercase().to_string(),
        };
        for c in folded.chars() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
            } else {
                dash = true;
            }
        }
    }
    out
}

/// Whether a product URL key (`key.html`) or a category URL path would collide with
/// another product's key or another category's path in the store.
fn url_key_taken(
    state: &State,
    key: &str,
    except_product: Option<u64>,
    except_category: Option<u64>,
) -> bool {
    state
        .products
        .with_url_key(key)
        .any(|id| Some(id) != except_product)
        || state
            .categories
            .with_url(key)
            .any(|id| Some(id) != except_category)
}

pub(crate) fn get_attribute<'p>(p: &'p Product, code: &str) -> Option<&'p ProductAttribute> {
    p.custom_attributes.iter().find(|a| a.code() == code)
}

/// Sets (or with `null` removes) an attribute, keeping render order.
pub(crate) fn set_attribute(p: &mut Product, code: &str, value: Value) {
    p.custom_attributes.retain(|a| a.code() != code);
    if value.is_null() {
        return;
    }
    let rank = attribute(code).map_or(usize::MAX, |(i, _)| i);
    let at = p
        .custom_attributes
        .iter()
        .position(|a| a.rank() > rank)
        .unwrap_or(p.custom_attributes.len());
    p.custom_attributes
        .insert(at, ProductAttribute::new(code, value));
}

fn apply_custom_attributes(
    state: &State,
    p: &mut Product,
    value: &Value,
    links_sent: bool,
) -> MResult<()> {
    let mut staged = Vec::new();
    for entry in list(value, "custom_attributes")? {
        let obj = entry
            .as_object()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| MagentoError::bad_request(m::EMPTY_CUSTOM_ATTRIBUTE))?;
        let code = obj
            .get("attribute_code")
            .or_else(|| obj.get("attributeCode"))
            .and_then(|c| input::to_string(c, "attribute_code").ok())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| MagentoError::bad_request(m::CUSTOM_ATTRIBUTE_NO_CODE))?;
        let raw = obj.get("value").filter(|v| !v.is_null()).ok_or_else(|| {
            MagentoError::bad_request(m::CUSTOM_ATTRIBUTE_NO_VALUE).positional([json!(code)])
        })?;
        staged.push((code, raw));
    }
    let registry = &state.product_attributes;
    let check_options = state.settings.check_option_values;
    for (code, raw) in staged {
        let value_kind = attrs::value_kind(registry, &code);
        if matches!(
            value_kind,
            Some(attrs::ValueKind::Select | attrs::ValueKind::Multi)
        ) {
            // Option ids of a table-sourced attribute (stock `color`, `manufacturer`, or
            // one created through the API).
            if raw.as_str() == Some("") || raw.as_array().is_some_and(Vec::is_empty) {
                set_attribute(p, &code, Value::Null);
            } else if check_options {
                let stored = attrs::option_value(registry, &code, raw)?;
                set_attribute(p, &code, json!(stored));
            } else {
                let stored = match raw {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| input::to_string(v, &code))
                        .collect::<MResult<Vec<_>>>()
                        .map_err(|_| attrs::invalid_value(&code))?
                        .join(","),
                    other => {
                        input::to_string(other, &code).map_err(|_| attrs::invalid_value(&code))?
                    }
                };
                set_attribute(p, &code, json!(stored));
            }
            continue;
        }
        let Some((_, kind)) = attribute(&code).or_else(|| {
            // Another attribute created through the API: stored by its backend type.
            registry.get(&code).filter(|a| a.is_user_defined).map(|a| {
                let kind = match a.backend_type.as_str() {
                    "decimal" => Kind::Decimal,
                    "datetime" => Kind::Date,
                    "int" => Kind::Int,
                    _ => Kind::Text,
                };
                (usize::MAX, kind)
            })
        }) else {
            continue;
        };
        if raw.is_array() || raw.is_object() {
            if kind == Kind::Categories {
                // `category_ids` is a list.
            } else {
                return Err(attrs::invalid_value(&code));
            }
        }
        if kind == Kind::Categories {
            if !links_sent {
                p.category_links = categories_from_ids(state, p, raw)?;
            }
            continue;
        }
        if raw.as_str() == Some("") {
            set_attribute(p, &code, Value::Null);
            continue;
        }
        let stored = match kind {
            Kind::Decimal => {
                let f = input::to_f64(raw, &code).map_err(|_| not_saved())?;
                format!("{f:.6}")
            }
            Kind::Int => input::to_i64(raw, &code)
                .map_err(|_| not_saved())?
                .to_string(),
            Kind::Date => {
                let text = input::to_string(raw, &code).map_err(|_| not_saved())?;
                date_value(&text).ok_or_else(not_saved)?
            }
            Kind::Text if code == "url_key" => {
                url_key(&input::to_string(raw, &code).map_err(|_| not_saved())?)
            }
            Kind::Text | Kind::Categories => {
                input::to_string(raw, &code).map_err(|_| not_saved())?
            }
        };
        set_attribute(p, &code, json!(stored));
    }
    Ok(())
}

fn category_links(state: &State, value: &Value) -> MResult<Vec<Value>> {
    list(value, "category_links")?
        .iter()
        .map(|link| {
            let id = input::field(link, "category_id")
                .ok_or_else(|| MagentoError::required("categoryId"))
                .and_then(|v| input::to_i64(v, "category_id"))?;
            let position = input::field(link, "position")
                .map(|v| input::to_i64(v, "position"))
                .transpose()?
                .unwrap_or(0);
            if !u64::try_from(id).is_ok_and(|id| state.categories.contains_key(&id)) {
                return Err(not_saved());
            }
            Ok(json!({"position": position, "category_id": id.to_string()}))
        })
        .collect()
}

/// `category_ids` as a custom attribute: a list or a comma-separated string; links
/// the product already has keep their positions.
fn categories_from_ids(state: &State, p: &Product, raw: &Value) -> MResult<Vec<Value>> {
    let ids: Vec<String> = match raw {
        Value::Array(items) => items
            .iter()
            .map(|v| input::to_string(v, "category_ids"))
            .collect::<MResult<_>>()?,
        other => input::to_string(other, "category_ids")?
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    ids.iter()
        .map(|id| {
            let n: u64 = id.parse().map_err(|_| not_saved())?;
            if !state.categories.contains_key(&n) {
                return Err(not_saved());
            }
            let position = p
                .category_links
                .iter()
                .find(|l| l.get("category_id").and_then(Value::as_str) == Some(id))
                .and_then(|l| l.get("position").cloned())
                .unwrap_or(json!(0));
            Ok(json!({"position": position, "category_id": n.to_string()}))
        })
        .collect()
}

/// `AbstractEntity::validate`: every empty required attribute, comma-joined.
fn validate(p: &Product, is_new: bool) -> MResult<()> {
    let mut errors = Vec::new();
    let empty = |label: &str| Params::Positional(vec![json!(label)]).render(m::ATTRIBUTE_EMPTY);
    if is_new && p.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        errors.push(empty("Product Name"));
    }
    if p.sku.trim().is_empty() {
        errors.push(empty("SKU"));
    }
    if is_new
        && p.price.is_none()
        && matches!(p.type_id.as_str(), "simple" | "virtual" | "downloadable")
    {
        errors.push(empty("Price"));
    }
    if !errors.is_empty() {
        return Err(
            MagentoError::bad_request(m::INVALID_PRODUCT).positional([json!(errors.join(","))])
        );
    }
    if p.sku.chars().count() > SKU_MAX_LENGTH {
        return Err(MagentoError::bad_request(m::SKU_TOO_LONG).positional([json!(SKU_MAX_LENGTH)]));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Legacy stock item

/// Merges a `stockItem` body onto `si` (keys in either spelling; ids are ignored,
/// as `StockRegistry` ignores them).
pub fn merge_stock_item(si: &mut StockItem, value: &Value) -> MResult<()> {
    let obj = value
        .as_object()
        .ok_or_else(|| input::type_error("stock_item", value, STOCK_ITEM_CLASS))?;
    for (key, v) in obj {
        if v.is_null() {
            continue;
        }
        let name = input::snake(key);
        let f = name.as_str();
        match f {
            "qty" => si.qty = input::to_f64(v, f)?,
            "min_qty" => si.min_qty = input::to_f64(v, f)?,
            "min_sale_qty" => si.min_sale_qty = input::to_f64(v, f)?,
            "max_sale_qty" => si.max_sale_qty = input::to_f64(v, f)?,
            "notify_stock_qty" => si.notify_stock_qty = input::to_f64(v, f)?,
            "qty_increments" => si.qty_increments = input::to_f64(v, f)?,
            "is_in_stock" => si.is_in_stock = input::to_bool(v, f)?,
            "is_qty_decimal" => si.is_qty_decimal = input::to_bool(v, f)?,
            "show_default_notification_message" => {
                si.show_default_notification_message = input::to_bool(v, f)?;
            }
            "use_config_min_qty" => si.use_config_min_qty = input::to_bool(v, f)?,
            "use_config_max_sale_qty" => si.use_config_max_sale_qty = input::to_bool(v, f)?,
            "use_config_backorders" => si.use_config_backorders = input::to_bool(v, f)?,
            "use_config_notify_stock_qty" => {
                si.use_config_notify_stock_qty = input::to_bool(v, f)?;
            }
            "use_config_qty_increments" => si.use_config_qty_increments = input::to_bool(v, f)?,
            "use_config_enable_qty_inc" => si.use_config_enable_qty_inc = input::to_bool(v, f)?,
            "enable_qty_increments" => si.enable_qty_increments = input::to_bool(v, f)?,
            "use_config_manage_stock" => si.use_config_manage_stock = input::to_bool(v, f)?,
            "manage_stock" => si.manage_stock = input::to_bool(v, f)?,
            "is_decimal_divided" => si.is_decimal_divided = input::to_bool(v, f)?,
            "use_config_min_sale_qty" => si.use_config_min_sale_qty = input::to_i64(v, f)?,
            "backorders" => si.backorders = input::to_i64(v, f)?,
            "stock_status_changed_auto" => si.stock_status_changed_auto = input::to_i64(v, f)?,
            "item_id"
            | "product_id"
            | "stock_id"
            | "website_id"
            | "low_stock_date"
            | "extension_attributes" => {}
            _ => return Err(MagentoError::unknown_property(key, STOCK_ITEM_CLASS)),
        }
    }
    Ok(())
}

/// `StockItemRepository::save` rules: a `manage_stock` equal to the configuration
/// (Yes) is stored as "use config"; with stock managed and no backorders, a quantity at
/// or below the out-of-stock threshold forces out of stock (flagged as automatic);
/// `low_stock_date` is now while the quantity is under the notify threshold; types
/// without quantity keep 0.
pub fn normalize_stock_item(si: &mut StockItem, type_id: &str, now: OffsetDateTime) {
    if !si.use_config_manage_stock && si.manage_stock {
        si.use_config_manage_stock = true;
    }
    if !crate::msi::supports_source_items(type_id) {
        si.qty = 0.0;
        si.low_stock_date = None;
        return;
    }
    let manage = si.use_config_manage_stock || si.manage_stock;
    let backorders = if si.use_config_backorders {
        0
    } else {
        si.backorders
    };
    let min_qty = if si.use_config_min_qty {
        0.0
    } else {
        si.min_qty
    };
    let notify = if si.use_config_notify_stock_qty {
        1.0
    } else {
        si.notify_stock_qty
    };
    si.stock_status_changed_auto = 0;
    if manage && backorders == 0 && si.qty <= min_qty && si.is_in_stock {
        si.is_in_stock = false;
        si.stock_status_changed_auto = 1;
    }
    si.low_stock_date = (manage && si.qty < notify).then(|| dates::db_time(now));
}

/// `PUT /V1/products/{sku}/stockItems/{itemId}`: merges, normalises, mirrors into the
/// `default` source item, and returns the item id.
pub fn update_stock_item(
    state: &mut State,
    sku: &str,
    body: &Value,
    now: OffsetDateTime,
) -> MResult<u64> {
    let p = find_by_sku(state, sku)
        .ok_or_else(|| MagentoError::not_found(m::SKU_NOT_FOUND).positional([json!(sku)]))?;
    let mut si = p.stock_item.clone();
    let (id, type_id, product_sku) = (p.id, p.type_id.clone(), p.sku.clone());
    merge_stock_item(&mut si, body)?;
    normalize_stock_item(&mut si, &type_id, now);
    let (item_id, qty, in_stock) = (si.item_id, si.qty, si.is_in_stock);
    state.products.update(id, |p| p.stock_item = si);
    if crate::msi::supports_source_items(&type_id) {
        crate::msi::sync_default_source_item(state, &product_sku, qty, in_stock);
    }
    Ok(item_id)
}

/// `DELETE /V1/products/{sku}`: the product and its source items go (MSI's delete
/// plugin); reservations stay.
pub fn delete_product(state: &mut State, sku: &str) -> MResult<()> {
    let id = product(state, sku)?.id;
    // `catalog_product_super_link` rows go with the child (a foreign key cascade).
    let parents: Vec<u64> = state.products.parents_of(id).collect();
    for parent in parents {
        state
            .products
            .update(parent, |p| p.configurable_links.retain(|c| *c != id));
    }
    if let Some(p) = state.products.remove(id) {
        state.source_items.remove_sku(&p.sku);
        state.store_costs.0.remove(&id);
        crate::product_links::product_deleted(state, &p.sku);
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Categories

/// Keys of `CategoryInterface`.
const CATEGORY_KEYS: &[&str] = &[
    "id",
    "parent_id",
    "name",
    "is_active",
    "position",
    "level",
    "children",
    "created_at",
    "updated_at",
    "path",
    "available_sort_by",
    "include_in_menu",
    "extension_attributes",
    "custom_attributes",
];

fn category_attribute<'c>(c: &'c Category, code: &str) -> Option<&'c str> {
    c.custom_attributes
        .iter()
        .find(|a| a.attribute_code == code)
        .and_then(|a| a.value.as_str())
}

fn set_category_attribute(c: &mut Category, code: &str, value: String) {
    match c
        .custom_attributes
        .iter_mut()
        .find(|a| a.attribute_code == code)
    {
        Some(a) => a.value = json!(value),
        None => c.custom_attributes.push(CustomAttribute {
            attribute_code: code.to_owned(),
            value: json!(value),
        }),
    }
}

/// The category with `id`, or `No such entity with id = …`.
pub fn category(state: &State, id: i64) -> MResult<&Category> {
    u64::try_from(id)
        .ok()
        .and_then(|id| state.categories.get(&id))
        .ok_or_else(|| no_such_category(id))
}

fn no_such_category(id: i64) -> MagentoError {
    MagentoError::not_found(m::NO_SUCH_ENTITY)
        .named([("fieldName", json!("id")), ("fieldValue", json!(id))])
}

/// Longest `path` Magento stores: `catalog_category_entity.path` is a `varchar(255)`.
pub const MAX_PATH_CHARS: usize = 255;

/// Deepest `level` a category can have: a `path` of [`MAX_PATH_CHARS`] holds at most
/// 128 ids (`1` then `/N` per level), so 127 levels below the Root Catalog.
pub const MAX_LEVEL: i64 = ((MAX_PATH_CHARS - 1) / 2) as i64;

/// Direct children of `id`, by position then id.
fn children(state: &State, id: u64) -> Vec<&Category> {
    state.categories.children_of(id).collect()
}

/// Ids of every category below `id`, each once. Iterative, and safe on a parent chain
/// that loops (a state set up by hand): a category already seen is not walked again.
fn descendants(state: &State, id: u64) -> Vec<u64> {
    let mut seen = std::collections::HashSet::from([id]);
    let mut out = Vec::new();
    let mut todo = vec![id];
    while let Some(at) = todo.pop() {
        for c in state.categories.children_of(at) {
            if seen.insert(c.id) {
                out.push(c.id);
                todo.push(c.id);
            }
        }
    }
    out
}

/// A category as `GET /V1/categories/{id}` renders it.
pub fn category_json(state: &State, c: &Category) -> Value {
    let kids: Vec<String> = children(state, c.id)
        .iter()
        .map(|k| k.id.to_string())
        .collect();
    let mut attrs = c.custom_attributes.clone();
    let count = descendants(state, c.id).len().to_string();
    match attrs
        .iter_mut()
        .find(|a| a.attribute_code == "children_count")
    {
        Some(a) => a.value = json!(count),
        None => attrs.push(CustomAttribute {
            attribute_code: "children_count".into(),
            value: json!(count),
        }),
    }
    json!({
        "id": c.id,
        "parent_id": c.parent_id,
        "name": c.name,
        "is_active": c.is_active,
        "position": c.position,
        "level": c.level,
        "children": kids.join(","),
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "path": c.path,
        "available_sort_by": [],
        "include_in_menu": c.include_in_menu,
        "custom_attributes": attrs,
    })
}

/// `GET /V1/categories`: the tree under `c`, `depth` levels of children (all when
/// `None`); `product_count` counts the products linked to each category.
///
/// Built without recursion, each category once, and never more than [`MAX_LEVEL`]
/// levels deep whatever `depth` asks: deeper than that no stored state reaches (the
/// import and the category save refuse it), so the cap only bounds a state set up by
/// hand, whose JSON would otherwise nest without limit.
pub fn tree_json(state: &State, c: &Category, depth: Option<i64>) -> Value {
    struct Frame<'s> {
        cat: &'s Category,
        level: i64,
        below: Vec<&'s Category>,
        next: usize,
        kids: Vec<Value>,
    }
    let limit = depth.map_or(MAX_LEVEL, |d| d.min(MAX_LEVEL));
    let below = |cat: &Category, level: i64| {
        if level < limit {
            children(state, cat.id)
        } else {
            Vec::new()
        }
    };
    let render = |cat: &Category, kids: Vec<Value>| {
        json!({
            "id": cat.id,
            "parent_id": cat.parent_id,
            "name": cat.name,
            "is_active": cat.is_active,
            "position": cat.position,
            "level": cat.level,
            "product_count": state.products.in_category(&cat.id.to_string()).count(),
            "children_data": kids,
        })
    };
    let mut seen = std::collections::HashSet::from([c.id]);
    let mut stack = vec![Frame {
        cat: c,
        level: 0,
        below: below(c, 0),
        next: 0,
        kids: Vec::new(),
    }];
    while let Some(top) = stack.last_mut() {
        if let Some(child) = top.below.get(top.next).copied() {
            top.next += 1;
            if seen.insert(child.id) {
                let level = top.level + 1;
                stack.push(Frame {
                    cat: child,
                    level,
                    below: below(child, level),
                    next: 0,
                    kids: Vec::new(),
                });
            }
            continue;
        }
        let Some(done) = stack.pop() else { break };
        let value = render(done.cat, done.kids);
        match stack.last_mut() {
            Some(parent) => parent.kids.push(value),
            None => return value,
        }
    }
    Value::Null
}

/// A category's column for searchCriteria.
pub fn category_field<'a>(c: &'a Category, column: &str) -> crate::search::Field<'a> {
    use crate::search::Field;
    match column {
        "id" | "entity_id" => Field::Num(c.id as f64),
        "parent_id" => Field::Num(c.parent_id as f64),
        "name" => Field::text(&c.name),
        "is_active" => Field::Num(f64::from(u8::from(c.is_active))),
        "include_in_menu" => Field::Num(f64::from(u8::from(c.include_in_menu))),
        "position" => Field::Num(c.position as f64),
        "level" => Field::Num(c.level as f64),
        "path" => Field::text(&c.path),
        "created_at" => Field::text(&c.created_at),
        "updated_at" => Field::text(&c.updated_at),
        code => category_attribute(c, code).map_or(Field::Missing, Field::text),
    }
}

/// `CategoryRepository::save`: creates (no id, or `url_id` for PUT pointing nowhere is a
/// 404) or updates the category, and returns its id. A new category goes under
/// `parent_id` (default: `default_parent`, the store's root), one level down, last
/// among its siblings, with a URL key from its name that must be free.
pub fn save_category(
    state: &mut State,
    body: &Value,
    url_id: Option<i64>,
    default_parent: u64,
    now: OffsetDateTime,
) -> MResult<u64> {
    let obj = body
        .as_object()
        .ok_or_else(|| input::type_error("category", body, CATEGORY_CLASS))?;
    for key in obj.keys() {
        if !CATEGORY_KEYS.contains(&input::snake(key).as_str()) {
            return Err(MagentoError::unknown_property(key, CATEGORY_CLASS));
        }
    }
    let id = match url_id {
        Some(id) => Some(id),
        None => input::field(body, "id")
            .map(|v| input::to_i64(v, "id"))
            .transpose()?,
    };
    let existing = match id {
        Some(id) => Some(category(state, id)?.clone()),
        None => None,
    };
    let is_new = existing.is_none();
    let stamp = dates::db_time(now);
    let mut c = match existing {
        Some(c) => c,
        None => {
            let parent = match input::field(body, "parent_id") {
                Some(v) => input::to_i64(v, "parent_id")?,
                None => i64::try_from(default_parent).unwrap_or(1),
            };
            let parent = category(state, parent)?;
            let id = state.next.category_id;
            let position = children(state, parent.id)
                .iter()
                .map(|c| c.position)
                .max()
                .unwrap_or(0)
                + 1;
            Category {
                id,
                parent_id: parent.id,
                name: String::new(),
                is_active: true,
                position,
                level: parent.level + 1,
                path: format!("{}/{id}", parent.path),
                created_at: stamp.clone(),
                updated_at: stamp.clone(),
                include_in_menu: true,
                custom_attributes: vec![
                    CustomAttribute {
                        attribute_code: "display_mode".into(),
                        value: json!("PRODUCTS"),
                    },
                    CustomAttribute {
                        attribute_code: "is_anchor".into(),
                        value: json!("1"),
                    },
                ],
            }
        }
    };
    if let Some(v) = input::field(body, "name") {
        c.name = input::to_string(v, "name")?;
    }
    if let Some(v) = input::field(body, "is_active") {
        c.is_active = input::to_bool(v, "is_active")?;
    }
    if let Some(v) = input::field(body, "include_in_menu") {
        c.include_in_menu = input::to_bool(v, "include_in_menu")?;
    }
    if let Some(v) = input::field(body, "position") {
        c.position = input::to_i64(v, "position")?;
    }
    if let Some(v) = input::field(body, "custom_attributes") {
        for entry in list(v, "custom_attributes")? {
            let code = input::field(entry, "attribute_code")
                .map(|c| input::to_string(c, "attribute_code"))
                .transpose()?
                .filter(|c| !c.is_empty())
                .ok_or_else(|| MagentoError::bad_request(m::CUSTOM_ATTRIBUTE_NO_CODE))?;
            let value = entry.get("value").filter(|v| !v.is_null()).ok_or_else(|| {
                MagentoError::bad_request(m::CUSTOM_ATTRIBUTE_NO_VALUE).positional([json!(code)])
            })?;
            if matches!(code.as_str(), "children_count" | "path" | "url_path") {
                continue;
            }
            let mut text = input::to_string(value, &code).map_err(|_| not_saved())?;
            if code == "url_key" {
                text = url_key(&text);
            }
            set_category_attribute(&mut c, &code, text);
        }
    }
    if c.name.trim().is_empty() {
        let reason = Params::Positional(vec![json!("Name")]).render(m::ATTRIBUTE_EMPTY);
        return Err(MagentoError::bad_request(m::CATEGORY_NOT_SAVED).positional([json!(reason)]));
    }
    if c.level >= 2 {
        if category_attribute(&c, "url_key").is_none_or(str::is_empty) {
            let key = url_key(&c.name);
            set_category_attribute(&mut c, "url_key", key);
        }
        let key = category_attribute(&c, "url_key")
            .unwrap_or_default()
            .to_owned();
        let url_path = match state.categories.get(&c.parent_id) {
            Some(parent) if parent.level >= 2 => {
                let base = category_attribute(parent, "url_path")
                    .or_else(|| category_attribute(parent, "url_key"))
                    .unwrap_or_default();
                format!("{base}/{key}")
            }
            _ => key,
        };
        if url_key_taken(state, &url_path, None, Some(c.id)) {
            return Err(MagentoError::bad_request(m::URL_KEY_TAKEN));
        }
        set_category_attribute(&mut c, "url_path", url_path);
    }
    if is_new {
        if c.path.len() > MAX_PATH_CHARS {
            // What MySQL in strict mode answers for the `varchar(255)` column; the
            // simulator refuses rather than truncate (COVERAGE.md, state import).
            return Err(MagentoError::bad_request(m::CATEGORY_NOT_SAVED).positional([json!(
                "SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column 'path' at row 1"
            )]));
        }
        let path = c.path.clone();
        set_category_attribute(&mut c, "path", path);
        state.next.category_id += 1;
    }
    c.updated_at = stamp;
    let id = c.id;
    state.categories.insert(c);
    Ok(id)
}

/// `DELETE /V1/categories/{id}`: the category, its subtree and their product links go;
/// root categories (level 0 and 1) cannot be deleted.
pub fn delete_category(state: &mut State, id: i64) -> MResult<()> {
    let c = category(state, id)?;
    if c.level <= 1 {
        return Err(MagentoError::bad_request(m::CATEGORY_NOT_DELETED).positional([json!(id)]));
    }
    let mut gone = descendants(state, c.id);
    gone.push(c.id);
    let names: Vec<String> = gone.iter().map(u64::to_string).collect();
    for gone_id in &gone {
        state.categories.remove(*gone_id);
    }
    let linked: std::collections::BTreeSet<u64> = names
        .iter()
        .flat_map(|n| state.products.in_category(n))
        .collect();
    for product_id in linked {
        state.products.update(product_id, |p| {
            p.category_links.retain(|l| {
                !l.get("category_id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| names.iter().any(|n| n == id))
            });
        });
    }
    Ok(())
}

/// `has_options` and `required_options` as the product's options make them.
pub(crate) fn option_flags(p: &mut Product) {
    let has = !p.options.is_empty();
    let required = p.options.iter().any(|o| {
        o.get("is_require")
            .is_some_and(|r| r.as_bool() == Some(true))
    });
    set_attribute(p, "has_options", json!(if has { "1" } else { "0" }));
    set_attribute(
        p,
        "required_options",
        json!(if required { "1" } else { "0" }),
    );
}

// ---------------------------------------------------------------------------
// Custom options (`Product\Option\Repository`)

fn no_such_option(option_id: i64) -> MagentoError {
    MagentoError::not_found(m::NO_SUCH_ENTITY).named([
        ("fieldName", json!("optionId")),
        ("fieldValue", json!(option_id)),
    ])
}

/// `GET /V1/products/{sku}/options`: the product's options as saved.
pub fn product_options(state: &State, sku: &str) -> MResult<Value> {
    Ok(json!(product(state, sku)?.options))
}

/// `GET /V1/products/{sku}/options/{optionId}`: one option; an option the product does
/// not have is 404 `No such entity with %fieldName = %fieldValue` naming `optionId`.
pub fn product_option(state: &State, sku: &str, option_id: i64) -> MResult<Value> {
    product(state, sku)?
        .options
        .iter()
        .find(|o| o.get("option_id").and_then(Value::as_i64) == Some(option_id))
        .cloned()
        .ok_or_else(|| no_such_option(option_id))
}

/// `DELETE /V1/products/{sku}/options/{optionId}`: removes the option (the product's
/// `has_options` and `required_options` follow).
pub fn delete_product_option(
    state: &mut State,
    sku: &str,
    option_id: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    product_option(state, sku, option_id)?;
    let id = product(state, sku)?.id;
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        p.options
            .retain(|o| o.get("option_id").and_then(Value::as_i64) != Some(option_id));
        option_flags(p);
        p.updated_at = stamp;
    });
    Ok(())
}

// ---------------------------------------------------------------------------
// Product–website links (`ProductWebsiteLinkRepository`)

/// `POST`/`PUT /V1/products/{sku}/websites`: adds `website_id` to the product's websites
/// (already there: unchanged). A missing or zero website id is 400 `There are not
/// websites for assign to product`; an unknown product 404; a website the store does not
/// have is the database's refusal, 400 `Could not assign product "%1" to websites "%2"`.
pub fn assign_website(
    state: &mut State,
    sku: &str,
    website_id: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    if website_id == 0 {
        return Err(MagentoError::bad_request(m::NO_WEBSITES_TO_ASSIGN));
    }
    let id = product(state, sku)?.id;
    let known = u64::try_from(website_id)
        .ok()
        .filter(|w| state.websites.iter().any(|site| site.id == *w));
    let Some(website) = known else {
        return Err(MagentoError::bad_request(m::WEBSITE_NOT_ASSIGNED)
            .positional([json!(id.to_string()), json!(website_id)]));
    };
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        if !p.website_ids.contains(&website) {
            p.website_ids.push(website);
            p.updated_at = stamp;
        }
    });
    Ok(())
}

/// `DELETE /V1/products/{sku}/websites/{websiteId}`: removes the website from the
/// product's (`array_diff`: one it does not have changes nothing); unknown product 404.
pub fn unassign_website(
    state: &mut State,
    sku: &str,
    website_id: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    let id = product(state, sku)?.id;
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        let before = p.website_ids.len();
        p.website_ids
            .retain(|w| i64::try_from(*w).ok() != Some(website_id));
        if p.website_ids.len() != before {
            p.updated_at = stamp;
        }
    });
    Ok(())
}

// ---------------------------------------------------------------------------
// Category–product links and category moves (`CategoryLinkManagement`,
// `CategoryLinkRepository`, `CategoryManagement::move`)

/// `GET /V1/categories/{id}/products`: the category's own links (not its children's),
/// `{sku, position, category_id}` by product id, as the category's product collection
/// lists them.
pub fn assigned_products(state: &State, id: i64) -> MResult<Vec<Value>> {
    let c = category(state, id)?;
    let key = c.id.to_string();
    let mut ids: Vec<u64> = state.products.in_category(&key).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids
        .into_iter()
        .filter_map(|pid| state.products.get(&pid))
        .map(|p| {
            let position = p
                .category_links
                .iter()
                .find(|l| l.get("category_id").and_then(Value::as_str) == Some(key.as_str()))
                .and_then(|l| l.get("position"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            json!({"sku": p.sku, "position": position, "category_id": key})
        })
        .collect())
}

/// `POST`/`PUT /V1/categories/{id}/products`: links the product to the category at
/// `position` (an existing link moves there). The category is looked up first, then
/// the product, as `CategoryLinkRepository::save` does.
pub fn save_category_link(
    state: &mut State,
    category_id: i64,
    sku: &str,
    position: i64,
    now: OffsetDateTime,
) -> MResult<()> {
    let key = category(state, category_id)?.id.to_string();
    let id = product(state, sku)?.id;
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        let link = json!({"position": position, "category_id": key});
        match p
            .category_links
            .iter_mut()
            .find(|l| l.get("category_id").and_then(Value::as_str) == Some(key.as_str()))
        {
            Some(l) => *l = link,
            None => p.category_links.push(link),
        }
        p.updated_at = stamp;
    });
    Ok(())
}

/// `DELETE /V1/categories/{id}/products/{sku}`: unlinks the product; `400 The category
/// doesn't contain the specified product.` when it is not linked.
pub fn delete_category_link(
    state: &mut State,
    category_id: i64,
    sku: &str,
    now: OffsetDateTime,
) -> MResult<()> {
    let key = category(state, category_id)?.id.to_string();
    let p = product(state, sku)?;
    let id = p.id;
    if !p
        .category_links
        .iter()
        .any(|l| l.get("category_id").and_then(Value::as_str) == Some(key.as_str()))
    {
        return Err(MagentoError::bad_request(m::NOT_IN_CATEGORY));
    }
    let stamp = dates::db_time(now);
    state.products.update(id, |p| {
        p.category_links
            .retain(|l| l.get("category_id").and_then(Value::as_str) != Some(key.as_str()));
        p.updated_at = stamp;
    });
    Ok(())
}

/// `PUT /V1/categories/{id}/move {parentId, afterId}`: the category and its subtree go
/// under `parent_id`, after the sibling `after_id` (Magento's rules: an `after_id`
/// missing or beyond the parent's last child's id means after the last child; `0`
/// means first). Positions close up under the old parent and open up under the new
/// one; paths and levels of the whole subtree follow. Magento refuses a parent whose
/// path starts with the category's path, compared as text (so `1/2/30` counts as under
/// `1/2/3`, as in Magento).
pub fn move_category(
    state: &mut State,
    id: i64,
    parent_id: i64,
    after_id: Option<i64>,
    now: OffsetDateTime,
) -> MResult<()> {
    let model = category(state, id)?.clone();
    let parent = category(state, parent_id)?.clone();
    let kids: Vec<u64> = children(state, parent.id).iter().map(|c| c.id).collect();
    let after_id = match kids.last() {
        Some(&last) => {
            let last = i64::try_from(last).unwrap_or(i64::MAX);
            Some(match after_id {
                Some(a) if a <= last => a,
                _ => last,
            })
        }
        None => after_id,
    };
    if parent.path.starts_with(&model.path) {
        return Err(MagentoError::bad_request(m::MOVE_INTO_CHILD));
    }
    let new_level = parent.level + 1;
    let new_path = format!("{}/{}", parent.path, model.id);
    if new_level + (subtree_height(state, model.id) - 1) > MAX_LEVEL
        || subtree_paths_too_long(state, model.id, &model.path, &new_path)
    {
        return Err(MagentoError::bad_request(m::MOVE_FAILED));
    }
    let stamp = dates::db_time(now);
    // Close the gap under the old parent.
    let old_siblings: Vec<Category> = children(state, model.parent_id)
        .into_iter()
        .filter(|c| c.id != model.id && c.position > model.position)
        .cloned()
        .collect();
    for mut c in old_siblings {
        c.position -= 1;
        state.categories.insert(c);
    }
    // The position after `after_id` (its position + 1), or 1; open the gap.
    let position = match after_id.filter(|a| *a != 0) {
        Some(a) => {
            u64::try_from(a)
                .ok()
                .and_then(|a| state.categories.get(&a))
                .map_or(0, |c| c.position)
                + 1
        }
        None => 1,
    };
    let new_siblings: Vec<Category> = children(state, parent.id)
        .into_iter()
        .filter(|c| c.id != model.id && c.position >= position)
        .cloned()
        .collect();
    for mut c in new_siblings {
        c.position += 1;
        state.categories.insert(c);
    }
    // The category and its subtree: parent, position, path and level.
    let shift = new_level - model.level;
    let below = descendants(state, model.id);
    let mut moved = model.clone();
    moved.parent_id = parent.id;
    moved.position = position;
    moved.level = new_level;
    moved.path = new_path.clone();
    moved.updated_at = stamp;
    state.categories.insert(moved);
    for d in below {
        if let Some(mut c) = state.categories.get(&d).cloned() {
            if let Some(rest) = c.path.strip_prefix(&model.path) {
                c.path = format!("{new_path}{rest}");
            }
            c.level += shift;
            state.categories.insert(c);
        }
    }
    Ok(())
}

/// How many levels `id` and its subtree span (1 for a leaf).
fn subtree_height(state: &State, id: u64) -> i64 {
    let mut level = vec![id];
    let mut height = 0;
    while !level.is_empty() && height <= MAX_LEVEL {
        height += 1;
        level = level
            .iter()
            .flat_map(|c| state.categories.children_of(*c).map(|k| k.id))
            .collect();
    }
    height
}

/// Whether some path of the subtree, rewritten from `old` to `new`, would be longer
/// than the column holds.
fn subtree_paths_too_long(state: &State, id: u64, old: &str, new: &str) -> bool {
    let grow = new.len().saturating_sub(old.len());
    grow > 0
        && std::iter::once(id)
            .chain(descendants(state, id))
            .filter_map(|d| state.categories.get(&d))
            .any(|c| c.path.len() + grow > MAX_PATH_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the old representation made of `raw`: the export, or the error.
    fn as_before(raw: &Value) -> Result<Value, String> {
        serde_json::from_value::<CustomAttribute>(raw.clone())
            .map(|a| serde_json::to_value(a).unwrap())
            .map_err(|e| e.to_string())
    }

    fn as_now(raw: &Value) -> Result<Value, String> {
        serde_json::from_value::<ProductAttribute>(raw.clone())
            .map(|a| serde_json::to_value(a).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn product_attributes_import_and_export_as_custom_attributes_did() {
        let cases = [
            json!({"attribute_code": "tax_class_id", "value": "2"}),
            json!({"attribute_code": "url_key", "value": "blue-tee-1"}),
            json!({"attribute_code": "url_key", "value": ""}),
            json!({"attribute_code": "cost", "value": 12.5}),
            json!({"attribute_code": "color", "value": ["1", "2"]}),
            json!({"attribute_code": "color", "value": {"a": 1}}),
            json!({"attribute_code": "color", "value": null}),
            json!({"attribute_code": "color"}),
            json!({"attribute_code": "not_a_store_attribute", "value": "x"}),
            json!({"attribute_code": "", "value": "0"}),
            json!({"value": "x", "attribute_code": "description", "extra": true}),
            json!(["meta_title", "Title"]),
            json!({"value": "x"}),
            json!({"attribute_code": 5, "value": "x"}),
            json!("tax_class_id"),
            json!(null),
        ];
        for raw in &cases {
            assert_eq!(as_now(raw), as_before(raw), "{raw}");
        }
        assert!(
            as_now(&json!({"value": "x"})).is_err(),
            "a test that can fail"
        );
    }

    #[test]
    fn product_attributes_have_one_form_per_content() {
        let common = ProductAttribute::new("has_options", json!("0"));
        assert_eq!(common, ProductAttribute::new("has_options", json!("0")));
        assert_ne!(common, ProductAttribute::new("has_options", json!("1")));
        assert_ne!(
            common,
            ProductAttribute::new("required_options", json!("0"))
        );
        assert_ne!(common, ProductAttribute::new("has_options", json!(0)));
        let text = ProductAttribute::new("url_key", json!("a-b"));
        assert_eq!(
            (text.code(), text.as_str(), text.value()),
            ("url_key", Some("a-b"), json!("a-b"))
        );
        let other = ProductAttribute::new("mine", json!(["x"]));
        assert_eq!(
            (other.code(), other.as_str(), other.as_json()),
            ("mine", None, Some(&json!(["x"])))
        );
        assert_eq!(std::mem::size_of::<ProductAttribute>(), 24);
    }
}
