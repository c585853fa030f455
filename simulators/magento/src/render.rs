//! Hot answers written straight to JSON bytes, without building a `serde_json::Value`
//! tree first (an ordered map per object, a string per key, then a second walk to
//! serialize and a third to free it). A product GET spent more than half of its user
//! time there (BENCHMARKS.md, "Where the time goes").
//!
//! Each writer here must produce exactly the bytes `serde_json::to_vec` gives for the
//! `Value` its reference builder makes ([`catalog::product_json`] for products): the
//! tests below and `tests/render_props.rs` compare the two on every product shape.

use serde::Serialize;

use crate::catalog::{self, Product, StockItem};
use crate::input::num;

/// A JSON object being written: `{`, then `"key":value` pairs, then `}`.
struct Obj<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Obj<'o> {
    fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// Writes `"key":` (with the comma before it when needed) and hands the output back
    /// for the value. Keys are this module's literals, none of which needs escaping.
    fn key(&mut self, key: &'static str) -> Result<&mut Vec<u8>, serde_json::Error> {
        debug_assert!(
            key.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'),
            "{key}"
        );
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        Ok(self.out)
    }

    /// `"key":value` for any serializable value, as serde_json writes it.
    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let out = self.key(key)?;
        serde_json::to_writer(out, value)
    }

    /// `"key":number` the way [`num`] renders a stored decimal (`10`, not `10.0`).
    fn number(&mut self, key: &'static str, value: f64) -> Result<(), serde_json::Error> {
        self.field(key, &num(value))
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

/// Writes `p` as [`catalog::product_json`] renders it.
pub fn product(p: &Product, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    let mut o = Obj::open(out);
    o.field("id", &p.id)?;
    o.field("sku", &p.sku)?;
    if let Some(name) = &p.name {
        o.field("name", name)?;
    }
    o.field("attribute_set_id", &p.attribute_set_id)?;
    if let Some(price) = p.price {
        o.number("price", price)?;
    }
    o.field("status", &p.status)?;
    o.field("visibility", &p.visibility)?;
    o.field("type_id", &p.type_id)?;
    o.field("created_at", &p.created_at)?;
    o.field("updated_at", &p.updated_at)?;
    if let Some(weight) = p.weight {
        o.number("weight", weight)?;
    }
    {
        let mut ext = Obj::open(o.key("extension_attributes")?);
        ext.field("website_ids", &p.website_ids)?;
        if !p.category_links.is_empty() {
            ext.field("category_links", &p.category_links)?;
        }
        if !p.configurable_options.is_empty() {
            let options: Vec<serde_json::Value> = p
                .configurable_options
                .iter()
                .map(|c| crate::configurable::option_json(c, p.id))
                .collect();
            ext.field("configurable_product_options", &options)?;
        }
        if !p.configurable_links.is_empty() {
            ext.field("configurable_product_links", &p.configurable_links)?;
        }
        stock_item(&p.stock_item, ext.key("stock_item")?)?;
        ext.close();
    }
    if !p.product_links.is_empty() {
        o.field("product_links", &p.product_links)?;
    }
    o.field("options", &p.options)?;
    o.field("media_gallery_entries", &p.media_gallery_entries)?;
    if !p.tier_prices.is_empty() {
        o.field("tier_prices", &crate::prices::tier_prices_json(p))?;
    }
    custom_attributes(p, o.key("custom_attributes")?)?;
    o.close();
    Ok(())
}

/// The product's `custom_attributes` list, with `category_ids` (from the category
/// links) in its place among the stored attributes.
fn custom_attributes(p: &Product, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    fn entry<T: Serialize + ?Sized>(
        out: &mut Vec<u8>,
        first: &mut bool,
        code: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if !*first {
            out.push(b',');
        }
        *first = false;
        let mut o = Obj::open(out);
        o.field("attribute_code", code)?;
        o.field("value", value)?;
        o.close();
        Ok(())
    }
    let categories = catalog::attribute_rank("category_ids");
    let category_ids = || catalog::category_ids(p);
    out.push(b'[');
    let mut first = true;
    let mut placed = false;
    for a in &p.custom_attributes {
        if !placed && a.rank() > categories {
            entry(out, &mut first, "category_ids", &category_ids())?;
            placed = true;
        }
        // A stored attribute serializes as its `{"attribute_code", "value"}` entry.
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut *out, a)?;
    }
    if !placed {
        entry(out, &mut first, "category_ids", &category_ids())?;
    }
    out.push(b']');
    Ok(())
}

/// Writes the legacy stock item as [`catalog::stock_item_json`] renders it.
pub fn stock_item(si: &StockItem, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    let mut o = Obj::open(out);
    o.field("item_id", &si.item_id)?;
    o.field("product_id", &si.product_id)?;
    o.field("stock_id", &si.stock_id)?;
    o.number("qty", si.qty)?;
    o.field("is_in_stock", &si.is_in_stock)?;
    o.field("is_qty_decimal", &si.is_qty_decimal)?;
    o.field(
        "show_default_notification_message",
        &si.show_default_notification_message,
    )?;
    o.field("use_config_min_qty", &si.use_config_min_qty)?;
    o.number("min_qty", si.min_qty)?;
    o.field("use_config_min_sale_qty", &si.use_config_min_sale_qty)?;
    o.number("min_sale_qty", si.min_sale_qty)?;
    o.field("use_config_max_sale_qty", &si.use_config_max_sale_qty)?;
    o.number("max_sale_qty", si.max_sale_qty)?;
    o.field("use_config_backorders", &si.use_config_backorders)?;
    o.field("backorders", &si.backorders)?;
    o.field(
        "use_config_notify_stock_qty",
        &si.use_config_notify_stock_qty,
    )?;
    o.number("notify_stock_qty", si.notify_stock_qty)?;
    o.field("use_config_qty_increments", &si.use_config_qty_increments)?;
    o.number("qty_increments", si.qty_increments)?;
    o.field("use_config_enable_qty_inc", &si.use_config_enable_qty_inc)?;
    o.field("enable_qty_increments", &si.enable_qty_increments)?;
    o.field("use_config_manage_stock", &si.use_config_manage_stock)?;
    if !si.use_config_manage_stock {
        o.field("manage_stock", &si.manage_stock)?;
    }
    o.field("low_stock_date", &si.low_stock_date)?;
    o.field("is_decimal_divided", &si.is_decimal_divided)?;
    o.field("stock_status_changed_auto", &si.stock_status_changed_auto)?;
    o.close();
    Ok(())
}

/// `p` as JSON bytes, sized for a typical product in one allocation.
pub fn product_bytes(p: &Product) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(1536);
    product(p, &mut out)?;
    Ok(out)
}
