//! The API's JSON: orders, fulfilments and products in the seed's shapes.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::state::{Fulfillment, Order, State};

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

fn money(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

fn shipment(f: &Fulfillment) -> Value {
    json!({
        "tracking_url": f.tracking_url,
        "tracking_number": f.tracking_number,
        "company": f.company,
        "date": date_space_time(f.date),
        "products": f.products.iter().map(|p| json!({
            "id": p.id, "quantity": p.quantity, "sku": p.sku,
        })).collect::<Vec<_>>(),
    })
}

/// An order as `GET /v1/orders/{id}` shows it.
pub fn order(o: &Order) -> Value {
    let a = &o.shipping_address;
    json!({
        "id": o.id,
        "external": o.external,
        "status": o.status.as_str(),
        "created_at": datetime(o.created_at),
        "updated_at": datetime(o.updated_at),
        "fulfillments": o.fulfillments.iter().map(shipment).collect::<Vec<_>>(),
        "shipping_address": {
            "first_name": a.first_name, "last_name": a.last_name, "company": a.company,
            "address1": a.address1, "address2": a.address2, "city": a.city,
            "country": a.country, "country_code": a.country_code, "zip": a.zip,
            "phone": a.phone, "email": a.email,
        },
        // Orders made through the API carry no billing address: the seed shows it blank.
        "billing_address": {
            "first_name": "", "last_name": "", "company": "", "address1": "", "address2": "",
            "city": "", "country": "", "country_code": null, "zip": "",
        },
        "items": o.items.iter().map(|i| json!({
            "id": i.id,
            "external": i.external,
            "quantity": i.quantity,
            "price": money(i.price_cents),
            "sku_base": i.sku_base,
            "sku": i.sku,
        })).collect::<Vec<_>>(),
        "price": {
            "subtotal": money(o.subtotal_cents),
            "shipping": money(o.shipping_cents),
            "tax": money(o.tax_cents),
            "total": money(o.total_cents()),
        },
        "currency": "EUR",
    })
}

/// `order_fulfilled`'s payload: the order's id and external reference, and the
/// shipment.
pub fn fulfillment(f: Option<&Fulfillment>, order: u64, external: &Value) -> Value {
    json!({
        "id": order,
        "external": external,
        "fulfillment": f.map(shipment),
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
