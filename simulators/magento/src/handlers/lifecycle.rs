//! Order lifecycle handlers (reference §8.2–8.3): bind the input, call
//! [`crate::lifecycle`], render. The documents' read side lives here too.

use serde_json::Value;

use super::Ctx;
use super::orders::order_param;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::lifecycle::{self, DocKind};
use crate::sales::{self, Creditmemo, Invoice, Order, Shipment};
use crate::search::{self, Field};

/// The order id of path parameter 0 (400 for 0, 404 when unknown).
fn order_id(ctx: &Ctx<'_>, name: &str) -> MResult<u64> {
    order_param(ctx, 0, name).map(|o| o.entity_id)
}

/// A created document's id, as the numeric string Magento's service hands back (the
/// entity id straight from the database, not cast; the same choice as order placement).
fn created(id: u64) -> Value {
    Value::String(id.to_string())
}

/// `POST /V1/orders`, `PUT /V1/orders/create` → the saved order.
/// <https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/>
pub fn save_order(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let entity = input::arg(&ctx.body, "entity")?.clone();
    let id = lifecycle::save_order(ctx.state, &entity, ctx.now)?;
    ctx.state
        .orders
        .get(&id)
        .map(sales::order_json)
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

/// `POST /V1/orders/{id}/comments` → `true`.
pub fn add_comment(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "id")?;
    let history = lifecycle::bind_history(&ctx.body)?;
    lifecycle::add_comment(ctx.state, id, history, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `POST /V1/orders/{id}/cancel` → `true`, or `false` when the order cannot be
/// canceled (a 200 either way).
pub fn cancel(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "id")?;
    lifecycle::cancel(ctx.state, id, ctx.now).map(Value::Bool)
}

/// `POST /V1/orders/{id}/hold` → `true`.
pub fn hold(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "id")?;
    lifecycle::hold(ctx.state, id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `POST /V1/orders/{id}/unhold` → `true`.
pub fn unhold(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "id")?;
    lifecycle::unhold(ctx.state, id, ctx.now)?;
    Ok(Value::Bool(true))
}

/// `POST /V1/order/{orderId}/invoice` → the invoice id.
/// <https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/order-create-invoice/>
pub fn invoice(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "orderId")?;
    let input = lifecycle::bind_doc(&ctx.body)?;
    lifecycle::invoice(ctx.state, id, &input, ctx.now).map(created)
}

/// `POST /V1/order/{orderId}/ship` → the shipment id.
/// <https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/order-create-shipment/>
pub fn ship(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "orderId")?;
    let input = lifecycle::bind_ship(&ctx.body)?;
    lifecycle::ship(ctx.state, id, &input, ctx.now).map(created)
}

/// `POST /V1/order/{orderId}/refund` → the credit memo id.
/// <https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/order-issue-refund/>
pub fn refund(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = order_id(ctx, "orderId")?;
    let input = lifecycle::bind_refund(&ctx.body)?;
    lifecycle::refund(ctx.state, id, &input, ctx.now).map(created)
}

/// The document id of path parameter 0: 400 for 0 (`An ID is needed…`), 404 when
/// not in `ids`.
fn doc_id(ctx: &Ctx<'_>, name: &str, exists: impl Fn(u64) -> bool) -> MResult<u64> {
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), name)?;
    if id == 0 {
        return Err(MagentoError::bad_request(sales::m::ID_NEEDED));
    }
    u64::try_from(id)
        .ok()
        .filter(|id| exists(*id))
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

fn order_of<'s>(ctx: &'s Ctx<'_>, order_id: u64) -> MResult<&'s Order> {
    ctx.state
        .orders
        .get(&order_id)
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

fn num(x: f64) -> Field<'static> {
    Field::Num(x)
}

fn invoice_field<'a>(i: &'a Invoice, column: &str) -> Field<'a> {
    match column {
        "entity_id" => num(i.entity_id as f64),
        "increment_id" => Field::text(&i.increment_id),
        "order_id" => num(i.order_id as f64),
        "state" => num(f64::from(i.state)),
        "grand_total" | "base_grand_total" => num(i.grand_total),
        "subtotal" | "base_subtotal" => num(i.subtotal),
        "created_at" => Field::text(&i.created_at),
        "updated_at" => Field::text(&i.updated_at),
        _ => Field::Missing,
    }
}

fn shipment_field<'a>(s: &'a Shipment, column: &str) -> Field<'a> {
    match column {
        "entity_id" => num(s.entity_id as f64),
        "increment_id" => Field::text(&s.increment_id),
        "order_id" => num(s.order_id as f64),
        "total_qty" => num(s.items.iter().map(|i| i.qty).sum()),
        "created_at" => Field::text(&s.created_at),
        "updated_at" => Field::text(&s.updated_at),
        _ => Field::Missing,
    }
}

fn creditmemo_field<'a>(c: &'a Creditmemo, column: &str) -> Field<'a> {
    match column {
        "entity_id" => num(c.entity_id as f64),
        "increment_id" => Field::text(&c.increment_id),
        "order_id" => num(c.order_id as f64),
        "invoice_id" => c.invoice_id.map_or(Field::Missing, |id| num(id as f64)),
        "state" | "creditmemo_status" => num(f64::from(c.state)),
        "grand_total" | "base_grand_total" => num(c.grand_total),
        "subtotal" | "base_subtotal" => num(c.subtotal),
        "created_at" => Field::text(&c.created_at),
        "updated_at" => Field::text(&c.updated_at),
        _ => Field::Missing,
    }
}

/// `GET /V1/invoices/{id}`.
pub fn get_invoice(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = doc_id(ctx, "id", |id| ctx.state.invoices.contains_key(&id))?;
    let inv = &ctx.state.invoices[&id];
    Ok(sales::invoice_json(order_of(ctx, inv.order_id)?, inv))
}

/// `GET /V1/invoices?searchCriteria…` (required), in id order.
pub fn list_invoices(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&Invoice> = ctx.state.invoices.values().collect();
    let (page, total) = criteria.apply(&rows, |i, f| invoice_field(i, f))?;
    let items = page
        .into_iter()
        .map(|i| order_of(ctx, i.order_id).map(|o| sales::invoice_json(o, i)))
        .collect::<MResult<Vec<_>>>()?;
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/shipment/{id}`.
pub fn get_shipment(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = doc_id(ctx, "id", |id| ctx.state.shipments.contains_key(&id))?;
    let s = &ctx.state.shipments[&id];
    Ok(sales::shipment_json(order_of(ctx, s.order_id)?, s))
}

/// `GET /V1/shipments?searchCriteria…` (required), in id order.
pub fn list_shipments(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&Shipment> = ctx.state.shipments.values().collect();
    let (page, total) = criteria.apply(&rows, |s, f| shipment_field(s, f))?;
    let items = page
        .into_iter()
        .map(|s| order_of(ctx, s.order_id).map(|o| sales::shipment_json(o, s)))
        .collect::<MResult<Vec<_>>>()?;
    Ok(search::result(items, &criteria, total))
}

/// `GET /V1/creditmemo/{id}`.
pub fn get_creditmemo(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = doc_id(ctx, "id", |id| ctx.state.creditmemos.contains_key(&id))?;
    let c = &ctx.state.creditmemos[&id];
    Ok(sales::creditmemo_json(order_of(ctx, c.order_id)?, c))
}

/// `GET /V1/creditmemos?searchCriteria…` (required), in id order.
pub fn list_creditmemos(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let criteria = search::from_query(&ctx.query, true)?;
    let rows: Vec<&Creditmemo> = ctx.state.creditmemos.values().collect();
    let (page, total) = criteria.apply(&rows, |c, f| creditmemo_field(c, f))?;
    let items = page
        .into_iter()
        .map(|c| order_of(ctx, c.order_id).map(|o| sales::creditmemo_json(o, c)))
        .collect::<MResult<Vec<_>>>()?;
    Ok(search::result(items, &criteria, total))
}

/// `POST /V1/shipment/track` → the saved track.
pub fn save_track(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let track = lifecycle::bind_track(&ctx.body)?;
    lifecycle::save_track(ctx.state, &track, ctx.now)
}

/// `DELETE /V1/shipment/track/{id}` → `true`.
pub fn delete_track(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), "id")?;
    Ok(Value::Bool(lifecycle::delete_track(ctx.state, id)))
}

fn doc_comments(ctx: &Ctx<'_>, kind: DocKind) -> MResult<Value> {
    let id = input::to_i64(&Value::String(ctx.param(0).to_owned()), "id")?;
    let comments = u64::try_from(id)
        .ok()
        .and_then(|id| kind.comments(ctx.state, id));
    Ok(sales::doc_comments_json(id, comments))
}

/// `GET /V1/invoices/{id}/comments`.
pub fn invoice_comments(ctx: &mut Ctx<'_>) -> MResult<Value> {
    doc_comments(ctx, DocKind::Invoice)
}

/// `GET /V1/shipment/{id}/comments`.
pub fn shipment_comments(ctx: &mut Ctx<'_>) -> MResult<Value> {
    doc_comments(ctx, DocKind::Shipment)
}

/// `GET /V1/creditmemo/{id}/comments`.
pub fn creditmemo_comments(ctx: &mut Ctx<'_>) -> MResult<Value> {
    doc_comments(ctx, DocKind::Creditmemo)
}

fn add_doc_comment(ctx: &mut Ctx<'_>, kind: DocKind) -> MResult<Value> {
    let comment = lifecycle::bind_doc_comment(&ctx.body, kind)?;
    lifecycle::save_doc_comment(ctx.state, kind, &comment, ctx.now)
}

/// `POST /V1/invoices/comments` → the saved comment.
pub fn add_invoice_comment(ctx: &mut Ctx<'_>) -> MResult<Value> {
    add_doc_comment(ctx, DocKind::Invoice)
}

/// `POST /V1/shipment/{id}/comments` → the saved comment (the URL's id is ignored).
pub fn add_shipment_comment(ctx: &mut Ctx<'_>) -> MResult<Value> {
    add_doc_comment(ctx, DocKind::Shipment)
}

/// `POST /V1/creditmemo/{id}/comments` → the saved comment (the URL's id is ignored).
pub fn add_creditmemo_comment(ctx: &mut Ctx<'_>) -> MResult<Value> {
    add_doc_comment(ctx, DocKind::Creditmemo)
}
