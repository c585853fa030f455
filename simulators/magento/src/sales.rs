//! Orders and their documents (reference §8): the order record as Magento stores it,
//! its JSON, placement from a cart (with the `order_placed` reservation of §7.6), and
//! the read side (`GET /V1/orders…`). The lifecycle operations (invoice, ship, refund,
//! cancel, hold) live in [`crate::lifecycle`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::input::num;

/// Messages clients match on, verbatim.
pub mod m {
    /// Unknown order, invoice, shipment or credit memo id.
    pub const ENTITY_NOT_FOUND: &str =
        "The entity that was requested doesn't exist. Verify the entity and try again.";
    /// Order id 0.
    pub const ID_NEEDED: &str = "An ID is needed. Set the ID and try again.";
}

/// An order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// Entity id.
    pub entity_id: u64,
    /// `"000000001"`.
    pub increment_id: String,
    /// `new`, `processing`, `complete`, `closed`, `canceled`, `holded`…
    pub state: String,
    /// Status code (`pending`, `processing`…).
    pub status: String,
    /// State before hold.
    #[serde(default)]
    pub hold_before_state: Option<String>,
    /// Status before hold.
    #[serde(default)]
    pub hold_before_status: Option<String>,
    /// Store view.
    pub store_id: u64,
    /// `"Main Website\nMain Website Store\nDefault Store View"`.
    pub store_name: String,
    /// MSI stock of the store's website (reservations go there).
    pub stock_id: u64,
    /// The cart it came from.
    pub quote_id: u64,
    /// Six hex characters.
    pub protect_code: String,
    /// Customer (absent for guests).
    #[serde(default)]
    pub customer_id: Option<u64>,
    /// Guest order.
    pub customer_is_guest: bool,
    /// E-mail.
    pub customer_email: String,
    /// First name.
    #[serde(default)]
    pub customer_firstname: Option<String>,
    /// Last name.
    #[serde(default)]
    pub customer_lastname: Option<String>,
    /// Customer group (0 NOT LOGGED IN).
    pub customer_group_id: u64,
    /// Base = order currency (rates are 1).
    pub currency_code: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
    /// Only virtual items.
    pub is_virtual: bool,
    /// Total weight.
    #[serde(default)]
    pub weight: f64,
    /// `flatrate_flatrate`.
    #[serde(default)]
    pub shipping_method: Option<String>,
    /// `Flat Rate - Fixed`.
    #[serde(default)]
    pub shipping_description: Option<String>,
    /// Sum of row totals.
    pub subtotal: f64,
    /// Shipping.
    pub shipping_amount: f64,
    /// Discount (negative or 0).
    #[serde(default)]
    pub discount_amount: f64,
    /// Tax.
    #[serde(default)]
    pub tax_amount: f64,
    /// Grand total.
    pub grand_total: f64,
    /// Invoiced, paid, refunded and canceled amounts.
    #[serde(default)]
    pub totals: Totals,
    /// Items.
    pub items: Vec<OrderItem>,
    /// Billing address.
    pub billing_address: OrderAddress,
    /// Shipping address (none for virtual orders).
    #[serde(default)]
    pub shipping_address: Option<OrderAddress>,
    /// Payment.
    pub payment: Payment,
    /// Comments and status changes, newest first.
    #[serde(default)]
    pub status_histories: Vec<StatusHistory>,
    /// Fields an integration wrote with `POST /V1/orders` that are not modelled,
    /// rendered as they are.
    #[serde(default)]
    pub extra: Map<String, Value>,
}

/// Amounts that move with the lifecycle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Invoiced grand total.
    pub total_invoiced: f64,
    /// Paid (offline invoices are paid at once).
    pub total_paid: f64,
    /// Invoiced subtotal.
    pub subtotal_invoiced: f64,
    /// Invoiced shipping.
    pub shipping_invoiced: f64,
    /// Refunded grand total.
    pub total_refunded: f64,
    /// Refunded offline.
    pub total_offline_refunded: f64,
    /// Refunded subtotal.
    pub subtotal_refunded: f64,
    /// Refunded shipping.
    pub shipping_refunded: f64,
    /// Adjustment refund.
    pub adjustment_positive: f64,
    /// Adjustment fee.
    pub adjustment_negative: f64,
    /// Canceled grand total.
    pub total_canceled: f64,
    /// Canceled subtotal.
    pub subtotal_canceled: f64,
    /// Canceled shipping.
    pub shipping_canceled: f64,
}

/// An order item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderItem {
    /// Item id.
    pub item_id: u64,
    /// Cart item it came from.
    pub quote_item_id: u64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Product id.
    pub product_id: u64,
    /// `simple`, `virtual`…
    pub product_type: String,
    /// Unit price.
    pub price: f64,
    /// Catalog price.
    pub original_price: f64,
    /// Unit weight.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Virtual or downloadable.
    pub is_virtual: bool,
    /// Decimal quantities allowed.
    #[serde(default)]
    pub is_qty_decimal: bool,
    /// Ordered.
    pub qty_ordered: f64,
    /// Invoiced.
    #[serde(default)]
    pub qty_invoiced: f64,
    /// Shipped.
    #[serde(default)]
    pub qty_shipped: f64,
    /// Refunded.
    #[serde(default)]
    pub qty_refunded: f64,
    /// Canceled.
    #[serde(default)]
    pub qty_canceled: f64,
    /// Invoiced row amount.
    #[serde(default)]
    pub row_invoiced: f64,
    /// Refunded amount.
    #[serde(default)]
    pub amount_refunded: f64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
}

impl OrderItem {
    /// Row total.
    pub fn row_total(&self) -> f64 {
        round(self.price * self.qty_ordered)
    }

    /// Quantity that can still be invoiced.
    pub fn qty_to_invoice(&self) -> f64 {
        (self.qty_ordered - self.qty_invoiced - self.qty_canceled).max(0.0)
    }

    /// Quantity that can still be shipped (virtual items ship nothing).
    pub fn qty_to_ship(&self) -> f64 {
        if self.is_virtual {
            return 0.0;
        }
        (self.qty_ordered - self.qty_shipped - self.qty_refunded - self.qty_canceled).max(0.0)
    }

    /// Quantity that can still be refunded.
    pub fn qty_to_refund(&self) -> f64 {
        (self.qty_invoiced - self.qty_refunded).max(0.0)
    }

    /// Quantity that can still be canceled: Magento's `min(qty_to_invoice,
    /// qty_to_ship)`, where the shipping side counts virtual items too.
    pub fn qty_to_cancel(&self) -> f64 {
        let unshipped = self.qty_ordered - self.qty_shipped - self.qty_refunded - self.qty_canceled;
        self.qty_to_invoice().min(unshipped).max(0.0)
    }

    /// Ordered quantity neither shipped, refunded nor canceled (virtual items
    /// included): what a refund or a cancellation releases without a shipment.
    pub fn qty_unshipped(&self) -> f64 {
        (self.qty_ordered - self.qty_shipped - self.qty_refunded - self.qty_canceled).max(0.0)
    }
}

/// An order address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderAddress {
    /// Address id.
    pub entity_id: u64,
    /// `billing` or `shipping`.
    pub address_type: String,
    /// `city`, `country_id`, `email`, `firstname`, `lastname`, `postcode`, `region`,
    /// `region_code`, `region_id`, `street`, `telephone`… as given.
    pub fields: Map<String, Value>,
}

/// The order payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Payment id.
    pub entity_id: u64,
    /// `checkmo`, `banktransfer`, `cashondelivery`.
    pub method: String,
    /// The method's title (first `additional_information` entry).
    pub title: String,
}

/// A status history entry (order comment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusHistory {
    /// Id.
    pub entity_id: u64,
    /// Comment text (may be empty).
    #[serde(default)]
    pub comment: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `order`, `invoice`, `shipment`, `creditmemo`.
    pub entity_name: String,
    /// 0, 1, or unknown.
    #[serde(default)]
    pub is_customer_notified: Option<i64>,
    /// 0 or 1.
    pub is_visible_on_front: i64,
    /// Status at the time.
    #[serde(default)]
    pub status: Option<String>,
}

/// A document line (invoice, shipment or credit memo item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocItem {
    /// Id.
    pub entity_id: u64,
    /// Order item.
    pub order_item_id: u64,
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Product id.
    pub product_id: u64,
    /// Unit price.
    pub price: f64,
    /// Quantity.
    pub qty: f64,
    /// Unit weight (shipments).
    #[serde(default)]
    pub weight: Option<f64>,
}

/// A document comment (`sales_invoice_comment`, `sales_shipment_comment`,
/// `sales_creditmemo_comment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocComment {
    /// Id.
    pub entity_id: u64,
    /// Text.
    pub comment: String,
    /// 0 or 1; NULL when a repository save left it out.
    #[serde(default)]
    pub is_customer_notified: Option<i64>,
    /// 0 or 1.
    pub is_visible_on_front: i64,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
}

/// An invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    /// Id.
    pub entity_id: u64,
    /// `"000000001"`.
    pub increment_id: String,
    /// Order.
    pub order_id: u64,
    /// 1 open, 2 paid, 3 canceled.
    pub state: u8,
    /// Lines.
    pub items: Vec<DocItem>,
    /// Subtotal.
    pub subtotal: f64,
    /// Shipping.
    pub shipping_amount: f64,
    /// Grand total.
    pub grand_total: f64,
    /// Comments.
    #[serde(default)]
    pub comments: Vec<DocComment>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
}

/// A shipment tracking number (`sales_shipment_track`; its `order_id` is the
/// shipment's, its `parent_id` the shipment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    /// Id.
    pub entity_id: u64,
    /// Tracking number.
    pub track_number: String,
    /// Carrier title (NULL when a repository save left it out).
    #[serde(default)]
    pub title: Option<String>,
    /// Carrier code.
    pub carrier_code: String,
    /// Package description.
    #[serde(default)]
    pub description: Option<String>,
    /// Package weight.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Package quantity.
    #[serde(default)]
    pub qty: Option<f64>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS` (the creation time when a fixture leaves it out).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A shipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shipment {
    /// Id.
    pub entity_id: u64,
    /// `"000000001"`.
    pub increment_id: String,
    /// Order.
    pub order_id: u64,
    /// MSI source the goods left from.
    pub source_code: String,
    /// Lines.
    pub items: Vec<DocItem>,
    /// Tracking numbers.
    #[serde(default)]
    pub tracks: Vec<Track>,
    /// Comments.
    #[serde(default)]
    pub comments: Vec<DocComment>,
    /// Packages as sent.
    #[serde(default)]
    pub packages: Vec<Value>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
}

/// A credit memo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Creditmemo {
    /// Id.
    pub entity_id: u64,
    /// `"000000001"`.
    pub increment_id: String,
    /// Order.
    pub order_id: u64,
    /// Invoice refunded, when one was.
    #[serde(default)]
    pub invoice_id: Option<u64>,
    /// 1 open, 2 refunded, 3 canceled.
    pub state: u8,
    /// Lines.
    pub items: Vec<DocItem>,
    /// Subtotal.
    pub subtotal: f64,
    /// Shipping refunded.
    pub shipping_amount: f64,
    /// Adjustment refund.
    pub adjustment_positive: f64,
    /// Adjustment fee.
    pub adjustment_negative: f64,
    /// Grand total.
    pub grand_total: f64,
    /// Comments.
    #[serde(default)]
    pub comments: Vec<DocComment>,
    /// Shipped quantities it put back at their sources (`return_to_stock_items`).
    #[serde(default)]
    pub returned: Vec<SourceReturn>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
}

/// Quantity of one order item a credit memo returned to one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReturn {
    /// Order item.
    pub order_item_id: u64,
    /// Source it went back to.
    pub source_code: String,
    /// Quantity.
    pub qty: f64,
}

/// Money rounded to cents, as Magento rounds every total.
pub fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------------------
// JSON

/// An order item as `OrderItemInterface` renders it (getters in alphabetical order).
pub fn item_json(order: &Order, item: &OrderItem) -> Value {
    let row = item.row_total();
    let mut o = Map::new();
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    put("amount_refunded", num(item.amount_refunded));
    put("base_amount_refunded", num(item.amount_refunded));
    put("base_discount_amount", json!(0));
    put("base_discount_invoiced", json!(0));
    put("base_discount_tax_compensation_amount", json!(0));
    put("base_original_price", num(item.original_price));
    put("base_price", num(item.price));
    put("base_price_incl_tax", num(item.price));
    put("base_row_invoiced", num(item.row_invoiced));
    put("base_row_total", num(row));
    put("base_row_total_incl_tax", num(row));
    put("base_tax_amount", json!(0));
    put("base_tax_invoiced", json!(0));
    put("created_at", json!(item.created_at));
    put("discount_amount", json!(0));
    put("discount_invoiced", json!(0));
    put("discount_percent", json!(0));
    put("free_shipping", json!(0));
    put("discount_tax_compensation_amount", json!(0));
    put("is_qty_decimal", json!(u8::from(item.is_qty_decimal)));
    put("is_virtual", json!(u8::from(item.is_virtual)));
    put("item_id", json!(item.item_id));
    put("name", json!(item.name));
    put("no_discount", json!(0));
    put("order_id", json!(order.entity_id));
    put("original_price", num(item.original_price));
    put("price", num(item.price));
    put("price_incl_tax", num(item.price));
    put("product_id", json!(item.product_id));
    put("product_type", json!(item.product_type));
    put("qty_canceled", num(item.qty_canceled));
    put("qty_invoiced", num(item.qty_invoiced));
    put("qty_ordered", num(item.qty_ordered));
    put("qty_refunded", num(item.qty_refunded));
    put("qty_shipped", num(item.qty_shipped));
    put("quote_item_id", json!(item.quote_item_id));
    put("row_invoiced", num(item.row_invoiced));
    put("row_total", num(row));
    put("row_total_incl_tax", num(row));
    put(
        "row_weight",
        num(item.weight.unwrap_or(0.0) * item.qty_ordered),
    );
    put("sku", json!(item.sku));
    put("store_id", json!(order.store_id));
    put("tax_amount", json!(0));
    put("tax_invoiced", json!(0));
    put("tax_percent", json!(0));
    put("updated_at", json!(item.updated_at));
    if let Some(w) = item.weight {
        put("weight", num(w));
    }
    Value::Object(o)
}

/// An order address (`OrderAddressInterface`, alphabetical).
pub fn address_json(order: &Order, a: &OrderAddress) -> Value {
    let mut o: Vec<(String, Value)> = a
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    o.push(("address_type".into(), json!(a.address_type)));
    o.push(("entity_id".into(), json!(a.entity_id)));
    o.push(("parent_id".into(), json!(order.entity_id)));
    o.sort_by(|x, y| x.0.cmp(&y.0));
    Value::Object(o.into_iter().collect())
}

/// `GET /V1/orders/{id}/comments` (`OrderManagement::getCommentsList`): the order's
/// status history as a search result, oldest first (the table's order), under the
/// `parent_id` filter the service builds. It does not look the order up: an unknown id
/// is an empty result.
pub fn order_comments_json(orders: &crate::index::Orders, id: i64) -> Value {
    let order = u64::try_from(id).ok().and_then(|id| orders.get(&id));
    let mut items: Vec<&StatusHistory> = order
        .map(|o| o.status_histories.iter().collect())
        .unwrap_or_default();
    items.sort_by_key(|h| h.entity_id);
    let items: Vec<Value> = order
        .map(|o| items.iter().map(|h| history_json(o, h)).collect())
        .unwrap_or_default();
    json!({
        "items": items,
        "search_criteria": {"filter_groups": [{"filters": [
            {"field": "parent_id", "value": id.to_string(), "condition_type": "eq"}
        ]}]},
        "total_count": items.len(),
    })
}

fn history_json(order: &Order, h: &StatusHistory) -> Value {
    let mut o = Map::new();
    if let Some(c) = &h.comment {
        o.insert("comment".into(), json!(c));
    }
    o.insert("created_at".into(), json!(h.created_at));
    o.insert("entity_id".into(), json!(h.entity_id));
    o.insert("entity_name".into(), json!(h.entity_name));
    o.insert("is_customer_notified".into(), json!(h.is_customer_notified));
    o.insert("is_visible_on_front".into(), json!(h.is_visible_on_front));
    o.insert("parent_id".into(), json!(order.entity_id));
    if let Some(s) = &h.status {
        o.insert("status".into(), json!(s));
    }
    Value::Object(o)
}

/// An order as `GET /V1/orders/{id}` renders it: the scalar getters in alphabetical
/// order (as `OrderInterface` declares them), then `items`, `billing_address`,
/// `payment`, `status_histories` and `extension_attributes.shipping_assignments`.
pub fn order_json(order: &Order) -> Value {
    let t = &order.totals;
    let due = round(order.grand_total - t.total_paid - t.total_canceled).max(0.0);
    let qty: f64 = order.items.iter().map(|i| i.qty_ordered).sum();
    let mut f: Vec<(&str, Value)> = vec![
        ("base_currency_code", json!(order.currency_code)),
        ("base_discount_amount", num(order.discount_amount)),
        ("base_grand_total", num(order.grand_total)),
        ("base_discount_tax_compensation_amount", json!(0)),
        ("base_shipping_amount", num(order.shipping_amount)),
        ("base_shipping_discount_amount", json!(0)),
        ("base_shipping_incl_tax", num(order.shipping_amount)),
        ("base_shipping_tax_amount", json!(0)),
        ("base_subtotal", num(order.subtotal)),
        ("base_subtotal_incl_tax", num(order.subtotal)),
        ("base_tax_amount", num(order.tax_amount)),
        ("base_total_due", num(due)),
        ("base_to_global_rate", json!(1)),
        ("base_to_order_rate", json!(1)),
        ("billing_address_id", json!(order.billing_address.entity_id)),
        ("created_at", json!(order.created_at)),
        ("customer_email", json!(order.customer_email)),
        ("customer_group_id", json!(order.customer_group_id)),
        (
            "customer_is_guest",
            json!(u8::from(order.customer_is_guest)),
        ),
        ("customer_note_notify", json!(1)),
        ("discount_amount", num(order.discount_amount)),
        ("email_sent", json!(1)),
        ("entity_id", json!(order.entity_id)),
        ("global_currency_code", json!(order.currency_code)),
        ("grand_total", num(order.grand_total)),
        ("discount_tax_compensation_amount", json!(0)),
        ("increment_id", json!(order.increment_id)),
        ("is_virtual", json!(u8::from(order.is_virtual))),
        ("order_currency_code", json!(order.currency_code)),
        ("protect_code", json!(order.protect_code)),
        ("quote_id", json!(order.quote_id)),
    ];
    if let Some(d) = &order.shipping_description {
        f.push(("shipping_description", json!(d)));
    }
    f.extend([
        ("shipping_amount", num(order.shipping_amount)),
        ("shipping_discount_amount", json!(0)),
        ("shipping_discount_tax_compensation_amount", json!(0)),
        ("shipping_incl_tax", num(order.shipping_amount)),
        ("shipping_tax_amount", json!(0)),
        ("state", json!(order.state)),
        ("status", json!(order.status)),
        ("store_currency_code", json!(order.currency_code)),
        ("store_id", json!(order.store_id)),
        ("store_name", json!(order.store_name)),
        ("store_to_base_rate", json!(0)),
        ("store_to_order_rate", json!(0)),
        ("subtotal", num(order.subtotal)),
        ("subtotal_incl_tax", num(order.subtotal)),
        ("tax_amount", num(order.tax_amount)),
        ("total_due", num(due)),
        ("total_item_count", json!(order.items.len())),
        ("total_qty_ordered", num(qty)),
        ("updated_at", json!(order.updated_at)),
        ("weight", num(order.weight)),
    ]);
    if let Some(id) = order.customer_id {
        f.push(("customer_id", json!(id)));
    }
    if let Some(v) = &order.customer_firstname {
        f.push(("customer_firstname", json!(v)));
    }
    if let Some(v) = &order.customer_lastname {
        f.push(("customer_lastname", json!(v)));
    }
    if let (Some(s), Some(st)) = (&order.hold_before_state, &order.hold_before_status) {
        f.push(("hold_before_state", json!(s)));
        f.push(("hold_before_status", json!(st)));
    }
    for (key, value) in [
        ("base_total_invoiced", t.total_invoiced),
        ("total_invoiced", t.total_invoiced),
        ("base_total_paid", t.total_paid),
        ("total_paid", t.total_paid),
        ("base_subtotal_invoiced", t.subtotal_invoiced),
        ("subtotal_invoiced", t.subtotal_invoiced),
        ("base_shipping_invoiced", t.shipping_invoiced),
        ("shipping_invoiced", t.shipping_invoiced),
        ("base_total_refunded", t.total_refunded),
        ("total_refunded", t.total_refunded),
        ("base_total_offline_refunded", t.total_offline_refunded),
        ("total_offline_refunded", t.total_offline_refunded),
        ("base_subtotal_refunded", t.subtotal_refunded),
        ("subtotal_refunded", t.subtotal_refunded),
        ("base_shipping_refunded", t.shipping_refunded),
        ("shipping_refunded", t.shipping_refunded),
        ("base_adjustment_positive", t.adjustment_positive),
        ("adjustment_positive", t.adjustment_positive),
        ("base_adjustment_negative", t.adjustment_negative),
        ("adjustment_negative", t.adjustment_negative),
        ("base_total_canceled", t.total_canceled),
        ("total_canceled", t.total_canceled),
        ("base_subtotal_canceled", t.subtotal_canceled),
        ("subtotal_canceled", t.subtotal_canceled),
        ("base_shipping_canceled", t.shipping_canceled),
        ("shipping_canceled", t.shipping_canceled),
    ] {
        // Magento leaves these columns NULL (and so out of the JSON) until the
        // lifecycle writes them.
        if value != 0.0 {
            f.push((key, num(value)));
        }
    }
    let mut fields: Vec<(String, Value)> = f.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (k, v) in &order.extra {
        if !fields.iter().any(|(key, _)| key == k) {
            fields.push((k.clone(), v.clone()));
        }
    }
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    let mut o: Map<String, Value> = fields.into_iter().collect();

    let items: Vec<Value> = order.items.iter().map(|i| item_json(order, i)).collect();
    o.insert("items".into(), Value::Array(items.clone()));
    o.insert(
        "billing_address".into(),
        address_json(order, &order.billing_address),
    );
    o.insert(
        "payment".into(),
        json!({
            "account_status": null,
            "additional_information": [order.payment.title, ""],
            "amount_ordered": num(order.grand_total),
            "base_amount_ordered": num(order.grand_total),
            "base_shipping_amount": num(order.shipping_amount),
            "cc_last4": null,
            "entity_id": order.payment.entity_id,
            "method": order.payment.method,
            "parent_id": order.entity_id,
            "shipping_amount": num(order.shipping_amount),
        }),
    );
    if let Some(p) = o.get_mut("payment").and_then(Value::as_object_mut) {
        if t.total_paid != 0.0 {
            p.insert("amount_paid".into(), num(t.total_paid));
            p.insert("base_amount_paid".into(), num(t.total_paid));
        }
        if t.total_refunded != 0.0 {
            p.insert("amount_refunded".into(), num(t.total_refunded));
            p.insert("base_amount_refunded".into(), num(t.total_refunded));
        }
        let mut sorted: Vec<(String, Value)> = std::mem::take(p).into_iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        *p = sorted.into_iter().collect();
    }
    o.insert(
        "status_histories".into(),
        Value::Array(
            order
                .status_histories
                .iter()
                .map(|h| history_json(order, h))
                .collect(),
        ),
    );
    let shipping = match &order.shipping_address {
        Some(a) => json!({
            "address": address_json(order, a),
            "method": order.shipping_method,
            "total": {
                "base_shipping_amount": num(order.shipping_amount),
                "base_shipping_discount_amount": 0,
                "base_shipping_incl_tax": num(order.shipping_amount),
                "base_shipping_tax_amount": 0,
                "shipping_amount": num(order.shipping_amount),
                "shipping_discount_amount": 0,
                "shipping_discount_tax_compensation_amount": 0,
                "shipping_incl_tax": num(order.shipping_amount),
                "shipping_tax_amount": 0
            }
        }),
        None => json!({"total": {}}),
    };
    o.insert(
        "extension_attributes".into(),
        json!({"shipping_assignments": [{"shipping": shipping, "items": items}]}),
    );
    Value::Object(o)
}

/// A document line.
pub fn doc_item_json(parent_id: u64, item: &DocItem, with_row: bool) -> Value {
    let mut o = Map::new();
    if with_row {
        o.insert("base_price".into(), num(item.price));
        o.insert("base_row_total".into(), num(round(item.price * item.qty)));
    }
    o.insert("entity_id".into(), json!(item.entity_id));
    o.insert("name".into(), json!(item.name));
    o.insert("order_item_id".into(), json!(item.order_item_id));
    o.insert("parent_id".into(), json!(parent_id));
    o.insert("price".into(), num(item.price));
    o.insert("product_id".into(), json!(item.product_id));
    o.insert("qty".into(), num(item.qty));
    if with_row {
        o.insert("row_total".into(), num(round(item.price * item.qty)));
    }
    o.insert("sku".into(), json!(item.sku));
    if let Some(w) = item.weight {
        o.insert("weight".into(), num(w));
    }
    Value::Object(o)
}

/// A document comment as `InvoiceCommentInterface` (and its shipment and credit memo
/// twins) renders it: getters in declaration order, all of them non-nullable, so a
/// NULL column is a JSON `null`.
pub fn comment_json(parent_id: u64, c: &DocComment) -> Value {
    json!({
        "comment": c.comment,
        "created_at": c.created_at,
        "entity_id": c.entity_id,
        "is_customer_notified": c.is_customer_notified,
        "is_visible_on_front": c.is_visible_on_front,
        "parent_id": parent_id,
    })
}

fn comments_json(parent_id: u64, comments: &[DocComment]) -> Value {
    Value::Array(
        comments
            .iter()
            .map(|c| comment_json(parent_id, c))
            .collect(),
    )
}

/// `GET /V1/invoices/{id}/comments`, `/V1/shipment/{id}/comments`,
/// `/V1/creditmemo/{id}/comments` (`InvoiceService`, `ShipmentService`,
/// `CreditmemoService::getCommentsList`): the document's comments as a search result
/// under the `parent_id` filter the service builds, in id order. The services do not
/// look the document up: an unknown id (`None`) is an empty result.
pub fn doc_comments_json(id: i64, comments: Option<&[DocComment]>) -> Value {
    let mut rows: Vec<&DocComment> = comments.map(|c| c.iter().collect()).unwrap_or_default();
    rows.sort_by_key(|c| c.entity_id);
    let parent = u64::try_from(id).unwrap_or(0);
    let items: Vec<Value> = rows.into_iter().map(|c| comment_json(parent, c)).collect();
    json!({
        "items": items,
        "search_criteria": {"filter_groups": [{"filters": [
            {"field": "parent_id", "value": id.to_string(), "condition_type": "eq"}
        ]}]},
        "total_count": items.len(),
    })
}

/// A track as `ShipmentTrackInterface` renders it: getters in declaration order;
/// `created_at`, `updated_at` and `entity_id` are nullable (left out when NULL), the
/// others are not (a NULL column is a JSON `null`).
pub fn track_json(order_id: u64, parent_id: u64, t: &Track) -> Value {
    json!({
        "carrier_code": t.carrier_code,
        "created_at": t.created_at,
        "description": t.description,
        "entity_id": t.entity_id,
        "order_id": order_id,
        "parent_id": parent_id,
        "qty": t.qty.map(num),
        "title": t.title,
        "track_number": t.track_number,
        "updated_at": t.updated_at.as_deref().unwrap_or(&t.created_at),
        "weight": t.weight.map(num),
    })
}

/// An invoice as `GET /V1/invoices/{id}` renders it.
pub fn invoice_json(order: &Order, inv: &Invoice) -> Value {
    let qty: f64 = inv.items.iter().map(|i| i.qty).sum();
    json!({
        "base_currency_code": order.currency_code,
        "base_grand_total": num(inv.grand_total),
        "base_shipping_amount": num(inv.shipping_amount),
        "base_subtotal": num(inv.subtotal),
        "base_tax_amount": 0,
        "billing_address_id": order.billing_address.entity_id,
        "created_at": inv.created_at,
        "entity_id": inv.entity_id,
        "global_currency_code": order.currency_code,
        "grand_total": num(inv.grand_total),
        "increment_id": inv.increment_id,
        "order_currency_code": order.currency_code,
        "order_id": order.entity_id,
        "shipping_amount": num(inv.shipping_amount),
        "state": inv.state,
        "store_currency_code": order.currency_code,
        "store_id": order.store_id,
        "subtotal": num(inv.subtotal),
        "tax_amount": 0,
        "total_qty": num(qty),
        "updated_at": inv.updated_at,
        "items": inv.items.iter().map(|i| doc_item_json(inv.entity_id, i, true)).collect::<Vec<_>>(),
        "comments": comments_json(inv.entity_id, &inv.comments),
    })
}

/// A shipment as `GET /V1/shipment/{id}` renders it.
pub fn shipment_json(order: &Order, s: &Shipment) -> Value {
    let qty: f64 = s.items.iter().map(|i| i.qty).sum();
    json!({
        "billing_address_id": order.billing_address.entity_id,
        "created_at": s.created_at,
        "customer_id": order.customer_id,
        "entity_id": s.entity_id,
        "increment_id": s.increment_id,
        "order_id": order.entity_id,
        "packages": s.packages,
        "shipping_address_id": order.shipping_address.as_ref().map(|a| a.entity_id),
        "store_id": order.store_id,
        "total_qty": num(qty),
        "updated_at": s.updated_at,
        "items": s.items.iter().map(|i| doc_item_json(s.entity_id, i, false)).collect::<Vec<_>>(),
        "tracks": s.tracks.iter().map(|t| track_json(order.entity_id, s.entity_id, t)).collect::<Vec<_>>(),
        "comments": comments_json(s.entity_id, &s.comments),
        "extension_attributes": {"source_code": s.source_code},
    })
}

/// A credit memo as `GET /V1/creditmemo/{id}` renders it.
pub fn creditmemo_json(order: &Order, c: &Creditmemo) -> Value {
    let mut v = json!({
        "adjustment_negative": num(c.adjustment_negative),
        "adjustment_positive": num(c.adjustment_positive),
        "base_adjustment_negative": num(c.adjustment_negative),
        "base_adjustment_positive": num(c.adjustment_positive),
        "base_currency_code": order.currency_code,
        "base_grand_total": num(c.grand_total),
        "base_shipping_amount": num(c.shipping_amount),
        "base_subtotal": num(c.subtotal),
        "base_tax_amount": 0,
        "billing_address_id": order.billing_address.entity_id,
        "created_at": c.created_at,
        "creditmemo_status": c.state,
        "entity_id": c.entity_id,
        "global_currency_code": order.currency_code,
        "grand_total": num(c.grand_total),
        "increment_id": c.increment_id,
        "order_currency_code": order.currency_code,
        "order_id": order.entity_id,
        "shipping_amount": num(c.shipping_amount),
        "state": c.state,
        "store_currency_code": order.currency_code,
        "store_id": order.store_id,
        "subtotal": num(c.subtotal),
        "tax_amount": 0,
        "updated_at": c.updated_at,
        "items": c.items.iter().map(|i| doc_item_json(c.entity_id, i, true)).collect::<Vec<_>>(),
        "comments": comments_json(c.entity_id, &c.comments),
    });
    if let (Some(id), Some(o)) = (c.invoice_id, v.as_object_mut()) {
        o.insert("invoice_id".into(), json!(id));
    }
    v
}
