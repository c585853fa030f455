//! `GET /V1/orders/{id}` and `GET /V1/orders` (reference §8.2).

use serde_json::Value;

use super::Ctx;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::sales::{self, Order};
use crate::search::{self, Field};

/// The order with the id of path parameter `i`: 400 for id 0, 404 when unknown.
pub fn order_param<'s>(ctx: &'s Ctx<'_>, i: usize, name: &str) -> MResult<&'s Order> {
    let id = input::to_i64(&Value::String(ctx.param(i).to_owned()), name)?;
    if id == 0 {
        return Err(MagentoError::bad_request(sales::m::ID_NEEDED));
    }
    u64::try_from(id)
        .ok()
        .and_then(|id| ctx.state.orders.get(&id))
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

/// `GET /V1/orders/{id}`.
pub fn get_order(ctx: &mut Ctx<'_>) -> MResult<Value> {
    order_param(ctx, 0, "id").map(sales::order_json)
}

/// `GET /V1/orders/{id}/comments`.
pub fn order_comments(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), "id")?;
    Ok(sales::order_comments_json(&ctx.state.orders, id))
}

/// `GET /V1/orders/{id}/statuses` (`OrderManagement::getStatus`): the order's status as
/// a JSON string.
pub fn order_status(ctx: &mut Ctx<'_>) -> MResult<Value> {
    order_param(ctx, 0, "id").map(|o| Value::String(o.status.clone()))
}

/// An order's column for searchCriteria.
pub fn order_field<'a>(o: &'a Order, column: &str) -> Field<'a> {
    match column {
        "entity_id" => Field::Num(o.entity_id as f64),
        "increment_id" => Field::text(&o.increment_id),
        "state" => Field::text(&o.state),
        "status" => Field::text(&o.status),
        "store_id" => Field::Num(o.store_id as f64),
        "customer_id" => o
            .customer_id
            .map_or(Field::Missing, |id| Field::Num(id as f64)),
        "customer_email" => Field::text(&o.customer_email),
        "customer_firstname" => o
            .customer_firstname
            .as_deref()
            .map_or(Field::Missing, Field::text),
        "customer_lastname" => o
            .customer_lastname
            .as_deref()
            .map_or(Field::Missing, Field::text),
        "customer_is_guest" => Field::Num(f64::from(u8::from(o.customer_is_guest))),
        "customer_group_id" => Field::Num(o.customer_group_id as f64),
        "created_at" => Field::text(&o.created_at),
        "updated_at" => Field::text(&o.updated_at),
        "grand_total" | "base_grand_total" => Field::Num(o.grand_total),
        "subtotal" | "base_subtotal" => Field::Num(o.subtotal),
        "quote_id" => Field::Num(o.quote_id as f64),
        "shipping_method" => o
            .shipping_method
            .as_deref()
            .map_or(Field::Missing, Field::text),
        other => o.extra.get(other).map_or(Field::Missing, |v| match v {
            Value::String(s) => Field::text(s),
            Value::Number(n) => n.as_f64().map_or(Field::Missing, Field::Num),
            other => Field::Str(other.to_string().into()),
        }),
    }
}

/// `GET /V1/orders?searchCriteria…` (required), in id order.
pub fn list_orders(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&Order> = ctx.state.orders.values().collect();
    let (page, total) = criteria.apply(&rows, |o, f| order_field(o, f))?;
    let items = page.into_iter().map(|o| sales::order_json(o)).collect();
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/orders/items/{id}` (`Order\ItemRepository::get`): the item as it appears
/// in its order's `items`; id 0 is 400 `An ID is needed…`, an unknown id 404. Looked
/// up through the item index.
pub fn get_order_item(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), "id")?;
    if id == 0 {
        return Err(MagentoError::bad_request(sales::m::ID_NEEDED));
    }
    u64::try_from(id)
        .ok()
        .and_then(|id| ctx.state.orders.by_item(id))
        .map(|(order, item)| sales::item_json(order, item))
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

/// An order item's column for searchCriteria: read from its JSON, which carries every
/// `sales_order_item` column the API shows (`parent_item_id` is NULL: no item here
/// has a parent).
fn item_field<'a>(item: &'a Value, column: &str) -> Field<'a> {
    match item.get(column) {
        Some(Value::String(s)) => Field::text(s),
        Some(Value::Number(n)) => n.as_f64().map_or(Field::Missing, Field::Num),
        _ => Field::Missing,
    }
}

/// `GET /V1/orders/items?searchCriteria…` (required; `Order\ItemRepository::getList`)
/// over every order's items, in item id order.
pub fn list_order_items(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let mut rows: Vec<(u64, Value)> = ctx
        .state
        .orders
        .values()
        .flat_map(|o| {
            o.items
                .iter()
                .map(move |i| (i.item_id, sales::item_json(o, i)))
        })
        .collect();
    rows.sort_by_key(|(id, _)| *id);
    let rows: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
    let (page, total) = criteria.apply(&rows, |i, f| item_field(i, f))?;
    let items = page.into_iter().cloned().collect();
    Ok(search::result(items, &criteria, total))
}
