//! Catalog: products, attribute sets, categories and the legacy (CatalogInventory)
//! stock item, with their save rules (reference §5, §6).

use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    /// Tier prices.
    #[serde(default)]
    pub tier_prices: Vec<Value>,
    /// Every other EAV attribute, values in DB format (`"89.950000"`).
    #[serde(default)]
    pub custom_attributes: Vec<CustomAttribute>,
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

use crate::state::State;

/// The product with `sku`, compared case-insensitively as MySQL does.
pub fn find_by_sku<'s>(state: &'s State, sku: &str) -> Option<&'s Product> {
    state
        .products
        .values()
        .find(|p| p.sku.eq_ignore_ascii_case(sku))
}

/// Mutable [`find_by_sku`].
pub fn find_by_sku_mut<'s>(state: &'s mut State, sku: &str) -> Option<&'s mut Product> {
    state
        .products
        .values_mut()
        .find(|p| p.sku.eq_ignore_ascii_case(sku))
}

/// MSI → legacy sync (reference §7.7): a `default` source item of `sku` was saved
/// (`Some((quantity, in_stock))`) or deleted (`None`: qty 0, out of stock). Updates the
/// product's legacy stock item when the product exists; unknown SKUs are ignored.
pub fn apply_default_source_item(state: &mut State, sku: &str, item: Option<(f64, bool)>) {
    // Implemented by the catalog module owner.
    let _ = (state, sku, item);
}
