//! The API's JSON: orders, fulfilments and products in the seed's shapes.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use serde::Serialize;

use crate::state::{Address, Fulfillment, Order, Shipped, State};

/// `2018-03-26T17:41:36`, as the seed writes `created_at`.
pub fn datetime(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// `2018-03-27 10:19:18`, as the seed writes a fulfilment's `date`.
pub fn date_space_time(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A shipment as the API shows it.
#[derive(Serialize)]
struct ShipmentView<'a> {
    tracking_url: &'a str,
    tracking_number: &'a str,
    company: &'a str,
    date: String,
    products: &'a [Shipped],
}

impl<'a> From<&'a Fulfillment> for ShipmentView<'a> {
    fn from(f: &'a Fulfillment) -> Self {
        ShipmentView {
            tracking_url: &f.tracking_url,
            tracking_number: &f.tracking_number,
            company: &f.company,
            date: date_space_time(f.date),
            products: &f.products,
        }
    }
}

/// Orders made through the API carry no billing address: every example shows it blank.
#[derive(Serialize)]
struct BlankBilling {
    first_name: &'static str,
    last_name: &'static str,
    company: &'static str,
    address1: &'static str,
    address2: &'static str,
    city: &'static str,
    country: &'static str,
    country_code: Option<&'static str>,
    zip: &'static str,
}

const BLANK_BILLING: BlankBilling = BlankBilling {
    first_name: "",
    last_name: "",
    company: "",
    address1: "",
    address2: "",
    city: "",
    country: "",
    country_code: None,
    zip: "",
};

#[derive(Serialize)]
struct ItemView<'a> {
    id: u64,
    external: &'a Value,
    quantity: i64,
    price: f64,
    sku_base: &'a str,
    sku: &'a str,
}

#[derive(Serialize)]
struct PriceView {
    subtotal: f64,
    shipping: f64,
    tax: f64,
    total: f64,
}

/// An order as `GET /v1/orders/{id}` shows it, written straight to JSON.
#[derive(Serialize)]
struct OrderView<'a> {
    id: u64,
    external: &'a Value,
    status: &'static str,
    created_at: String,
    updated_at: String,
    fulfillments: Vec<ShipmentView<'a>>,
    shipping_address: &'a Address,
    billing_address: BlankBilling,
    items: Vec<ItemView<'a>>,
    price: PriceView,
    currency: &'static str,
}

impl<'a> From<&'a Order> for OrderView<'a> {
    fn from(o: &'a Order) -> Self {
        OrderView {
            id: o.id,
            external: &o.external,
            status: o.status.as_str(),
            created_at: datetime(o.created_at),
            updated_at: datetime(o.updated_at),
            fulfillments: o.fulfillments.iter().map(ShipmentView::from).collect(),
            shipping_address: &o.shipping_address,
            billing_address: BLANK_BILLING,
            items: o
                .items
                .iter()
                .map(|i| ItemView {
                    id: i.id,
                    external: &i.external,
                    quantity: i.quantity,
                    price: money(i.price_cents),
                    sku_base: &i.sku_base,
                    sku: &i.sku,
                })
                .collect(),
            price: PriceView {
                subtotal: money(o.subtotal_cents),
                shipping: money(o.shipping_cents),
                tax: money(o.tax_cents),
                total: money(o.total_cents()),
            },
            currency: "EUR",
        }
    }
}

/// An order as `GET /v1/orders/{id}` shows it.
pub fn order(o: &Order) -> Value {
    serde_json::to_value(OrderView::from(o)).unwrap_or(Value::Null)
}

/// [`order`]'s JSON text, written without an intermediate value.
pub fn order_bytes(o: &Order) -> Vec<u8> {
    serde_json::to_vec(&OrderView::from(o)).unwrap_or_default()
}

/// A list of orders' JSON text.
pub fn orders_bytes<'a>(list: impl Iterator<Item = &'a Order>) -> Vec<u8> {
    let views: Vec<OrderView<'a>> = list.map(OrderView::from).collect();
    serde_json::to_vec(&views).unwrap_or_default()
}

/// `order_fulfilled`'s payload: the order's id and external reference, and the
/// shipment.
pub fn fulfillment(f: Option<&Fulfillment>, order: u64, external: &Value) -> Value {
    json!({
        "id": order,
        "external": external,
        "fulfillment": f.map(ShipmentView::from),
    })
}

/// `GET /v1/products`: every model with its colours, their sizes and the variants.
pub fn products(state: &State) -> Value {
    let products: Vec<Value> = state
        .catalogue
        .products()
        .iter()
        .map(|p| {
            let mut variants = Vec::new();
            let colors: Vec<Value> = p
                .colors
                .iter()
                .map(|c| {
                    let sizes: Vec<Value> = c
                        .sizes
                        .iter()
                        .map(|s| {
                            let in_stock = c.sku.as_ref().is_some_and(|csku| {
                                state.stock(&format!("{}_{csku}_{s}", p.sku)) > 0
                            });
                            if let Some(csku) = &c.sku {
                                variants.push(json!({
                                    "sku": format!("{}_{csku}_{s}", p.sku),
                                    "color": c.name,
                                    "size": s,
                                    "image": p.image,
                                    "in_stock": in_stock,
                                }));
                            }
                            json!({"sku": s, "name": s, "in_stock": in_stock})
                        })
                        .collect();
                    json!({"name": c.name, "sku": c.sku, "sizes": sizes})
                })
                .collect();
            json!({
                "sku": p.sku,
                "type": p.product_type,
                "brand": p.brand,
                "model": p.model,
                "image": p.image,
                "description": p.description,
                "colors": colors,
                "variants": variants,
            })
        })
        .collect();
    Value::Array(products)
}
