//! The order lifecycle (reference §8.3, §7.6): invoice, ship, refund, cancel, hold,
//! unhold, comments and the raw order save, with Magento's state resolver and the
//! inventory each step moves.
//!
//! Every operation works the way Magento's service classes do: build the document
//! (`InvoiceService::prepareInvoice`, `ShipmentFactory`, `CreditmemoFactory`), run the
//! validators (`CanInvoice`, `CanShip`, `CanRefund` and the quantity validators, their
//! messages joined under `<Doc> Document Validation Error(s):\n`), then apply. All
//! checks run before the first write, so a refusal leaves the store untouched.

use axum::http::StatusCode;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::carts::add_reservation;
use crate::dates;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::msi;
use crate::sales::{
    self, Creditmemo, DocComment, DocItem, Invoice, Order, Shipment, SourceReturn, StatusHistory,
    Track, round,
};
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// Prefix of every invoice validation refusal.
    pub const INVOICE_ERRORS: &str = "Invoice Document Validation Error(s):";
    /// Prefix of every shipment validation refusal.
    pub const SHIPMENT_ERRORS: &str = "Shipment Document Validation Error(s):";
    /// Prefix of every credit memo validation refusal.
    pub const CREDITMEMO_ERRORS: &str = "Creditmemo Document Validation Error(s):";
    /// `CanInvoice`: the order's state forbids invoices (`%1` is the status).
    pub const INVOICE_STATUS: &str =
        "An invoice cannot be created when an order has a status of %1";
    /// `CanInvoice`: nothing left to invoice.
    pub const INVOICE_NOT_ALLOWED: &str = "The order does not allow an invoice to be created.";
    /// `InvoiceQuantityValidator`: the requested lines add up to nothing.
    pub const INVOICE_NO_PRODUCTS: &str = "You can't create an invoice without products.";
    /// `InvoiceService::prepareInvoice`: more than the uninvoiced quantity (`%1` is
    /// the item name); raised before validation, so not prefixed.
    pub const INVOICE_INVALID_QTY: &str = "We found an invalid quantity to invoice item \"%1\".";
    /// `CanShip`: the order's state forbids shipments (`%1` is the status).
    pub const SHIPMENT_STATUS: &str =
        "A shipment cannot be created when an order has a status of %1";
    /// `CanShip`: nothing left to ship.
    pub const SHIPMENT_NOT_ALLOWED: &str = "The order does not allow a shipment to be created.";
    /// Shipment `QuantityValidator`: the requested lines add up to nothing.
    pub const SHIPMENT_NO_PRODUCTS: &str = "You can't create a shipment without products.";
    /// `TrackValidator`: a track without a number.
    pub const TRACK_NUMBER: &str = "Please enter a tracking number.";
    /// `TrackValidator`: a track without a carrier code.
    pub const TRACK_CARRIER: &str = "Please enter a carrier code.";
    /// `ShipOrder`'s transaction failed (here: MSI's source deduction, whose own
    /// `Not all of your products are available in the requested quantity.` only
    /// reaches the log).
    pub const SHIPMENT_NOT_SAVED: &str = "Could not save a shipment, see error log for details";
    /// `CanRefund`: the order's state forbids credit memos (`%1` is the status).
    pub const CREDITMEMO_STATUS: &str =
        "A creditmemo can not be created when an order has a status of %1";
    /// `CanRefund`: nothing paid is left to refund.
    pub const CREDITMEMO_NOT_ALLOWED: &str = "The order does not allow a creditmemo to be created.";
    /// Follows [`CREDITMEMO_NOT_ALLOWED`] (reference §8.3).
    pub const CREDITMEMO_CANNOT: &str = "We can't create creditmemo for the order.";
    /// Credit memo `QuantityValidator`: more than the unrefunded quantity.
    pub const CREDITMEMO_QTY: &str = "The quantity to creditmemo must not be greater than the unrefunded quantity for product SKU \"%1\".";
    /// Credit memo `QuantityValidator`: grand total 0 or less.
    pub const CREDITMEMO_TOTAL: &str = "The credit memo's total must be positive.";
    /// Credit memo `QuantityValidator`: no lines and no shipping to refund.
    pub const CREDITMEMO_NO_PRODUCTS: &str = "You can't create a creditmemo without products.";
    /// `RefundOrder`'s transaction failed (here: the refund exceeds what was paid).
    pub const CREDITMEMO_NOT_SAVED: &str = "Could not save a Creditmemo, see error log for details";
    /// Credit memo shipping total: more shipping than is left (`%1` is the formatted
    /// amount, e.g. `$5.00`).
    pub const MAX_SHIPPING_REFUND: &str = "Maximum shipping amount allowed to refund is: %1";
    /// `Order::hold` when `canHold()` is false.
    pub const HOLD_NOT_AVAILABLE: &str = "A hold action is not available.";
    /// `Order::unhold` when `canUnhold()` is false.
    pub const CANNOT_UNHOLD: &str = "You cannot remove the hold.";
    /// The order comment an offline refund writes (`%1` is the formatted amount).
    pub const REFUNDED_OFFLINE: &str = "We refunded %1 offline.";
    /// `ShipmentTrackRepository::save`, whatever went wrong (unknown shipment, a
    /// shipment of another order, a required field missing or empty).
    pub const TRACK_NOT_SAVED: &str = "Could not save the shipment tracking.";
    /// `Invoice\CommentRepository::save`, whatever went wrong.
    pub const INVOICE_COMMENT_NOT_SAVED: &str = "Could not save the invoice comment.";
    /// `Shipment\CommentRepository::save`, whatever went wrong.
    pub const SHIPMENT_COMMENT_NOT_SAVED: &str = "Could not save the shipment comment.";
    /// `Creditmemo\CommentRepository::save`, whatever went wrong.
    pub const CREDITMEMO_COMMENT_NOT_SAVED: &str = "Could not save the creditmemo comment.";
}

/// The default status of `state` (reference §8.1); unknown states keep their name.
pub fn default_status(state: &str) -> &str {
    match state {
        "new" => "pending",
        other => other,
    }
}

/// `$order->format(...)` for the store's USD: `$1,234.50`.
pub fn format_price(amount: f64) -> String {
    let cents = (round(amount).abs() * 100.0).round() as u64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", cents % 100)
}

const EPSILON: f64 = 1e-9;

// ---------------------------------------------------------------------------
// The order's abilities (`Order::canInvoice`, `canShip`, `canCreditmemo`,
// `canCancel`, `canHold`, `canUnhold`) and the state resolver.

/// `Order::canInvoice`.
pub fn can_invoice(o: &Order) -> bool {
    !matches!(
        o.state.as_str(),
        "holded" | "payment_review" | "canceled" | "complete" | "closed"
    ) && o.items.iter().any(|i| i.qty_to_invoice() > EPSILON)
}

/// `Order::canShip`.
pub fn can_ship(o: &Order) -> bool {
    !matches!(o.state.as_str(), "holded" | "payment_review" | "canceled")
        && !o.is_virtual
        && o.items.iter().any(|i| i.qty_to_ship() > EPSILON)
}

/// `Order::canCreditmemo`: money paid and not refunded (for a zero total, any item
/// quantity left to refund).
pub fn can_creditmemo(o: &Order) -> bool {
    if matches!(
        o.state.as_str(),
        "holded" | "payment_review" | "canceled" | "closed"
    ) {
        return false;
    }
    let left = round(o.totals.total_paid) - o.totals.total_refunded;
    if o.grand_total.abs() < 1e-4 {
        return o.items.iter().any(|i| i.qty_to_refund() > EPSILON);
    }
    // Magento's own float guard, and the case of a first credit memo whose
    // adjustment fee ate the rest.
    !(left.abs() < 1e-4 || (left - o.totals.adjustment_negative).abs() < 1e-4)
}

/// `Order::canCancel`.
pub fn can_cancel(o: &Order) -> bool {
    !matches!(
        o.state.as_str(),
        "holded" | "payment_review" | "canceled" | "complete" | "closed"
    ) && o.items.iter().any(|i| i.qty_to_invoice() > EPSILON)
}

/// `Order::canHold`.
pub fn can_hold(o: &Order) -> bool {
    !matches!(
        o.state.as_str(),
        "holded" | "payment_review" | "canceled" | "complete" | "closed"
    )
}

/// `Order::canUnhold`.
pub fn can_unhold(o: &Order) -> bool {
    o.state == "holded"
}

/// `OrderStateResolver::getStateForOrder`, then the state's default status (as
/// `InvoiceOrder`, `ShipOrder` and `RefundOrder` set it): an order neither canceled
/// nor on hold with nothing left to invoice or ship is `complete` while money is
/// still refundable (or its total is 0) and `closed` once refunded; with
/// `in_progress` (invoice, ship) a `new` order becomes `processing`.
pub fn resolve_state(o: &mut Order, in_progress: bool) {
    let mut state = if o.state.is_empty() {
        "new".to_owned()
    } else {
        o.state.clone()
    };
    if o.state != "canceled" && o.state != "holded" && !can_invoice(o) && !can_ship(o) {
        if o.grand_total.abs() < 1e-4 || can_creditmemo(o) {
            state = "complete".into();
        } else if o.totals.total_refunded > 0.0 {
            state = "closed".into();
        }
    }
    if state == "new" && in_progress {
        state = "processing".into();
    }
    o.status = default_status(&state).to_owned();
    o.state = state;
}

// ---------------------------------------------------------------------------
// Input binding

/// One requested line: `{"order_item_id": 3, "qty": 1}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemQty {
    /// Order item id (0 when left out: matches nothing).
    pub order_item_id: i64,
    /// Quantity (0 when left out).
    pub qty: f64,
}

/// A document comment: `{"comment": "..", "is_visible_on_front": 0}`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentInput {
    /// Text.
    pub comment: String,
    /// Shown on the storefront.
    pub is_visible_on_front: bool,
}

/// The arguments every document call shares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocInput {
    /// Lines; empty means "everything that can be".
    pub items: Vec<ItemQty>,
    /// E-mail the customer (no mail is sent; recorded on comments).
    pub notify: bool,
    /// Put the comment in the e-mail.
    pub append_comment: bool,
    /// A comment for the document.
    pub comment: Option<CommentInput>,
}

/// `POST /V1/order/{id}/ship` input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShipInput {
    /// Lines, notify, comment.
    pub doc: DocInput,
    /// Tracks: `(track_number, title, carrier_code)` (a title left out is NULL).
    pub tracks: Vec<(String, Option<String>, String)>,
    /// Packages, kept as sent.
    pub packages: Vec<Value>,
    /// `arguments.extension_attributes.source_code`.
    pub source_code: Option<String>,
}

/// `POST /V1/order/{id}/refund` input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefundInput {
    /// Lines, notify, comment.
    pub doc: DocInput,
    /// `arguments.shipping_amount` (default: all shipping not yet refunded).
    pub shipping_amount: Option<f64>,
    /// `arguments.adjustment_positive`.
    pub adjustment_positive: f64,
    /// `arguments.adjustment_negative`.
    pub adjustment_negative: f64,
    /// `arguments.extension_attributes.return_to_stock_items`: order item ids whose
    /// shipped quantity goes back to its source.
    pub return_to_stock_items: Vec<i64>,
}

fn list<'a>(v: Option<&'a Value>, name: &str) -> MResult<&'a [Value]> {
    match v {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(input::type_error(name, other, "array")),
    }
}

fn opt_bool(body: &Value, key: &str) -> MResult<bool> {
    input::field(body, key).map_or(Ok(false), |v| input::to_bool(v, key))
}

fn opt_f64(body: &Value, key: &str) -> MResult<Option<f64>> {
    input::field(body, key)
        .map(|v| input::to_f64(v, key))
        .transpose()
}

fn opt_string(body: &Value, key: &str) -> MResult<Option<String>> {
    input::field(body, key)
        .map(|v| input::to_string(v, key))
        .transpose()
}

/// Binds `items`, `notify`, `appendComment` and `comment` of a document call.
pub fn bind_doc(body: &Value) -> MResult<DocInput> {
    let mut items = Vec::new();
    for item in list(input::field(body, "items"), "items")? {
        items.push(ItemQty {
            order_item_id: input::field(item, "order_item_id")
                .map_or(Ok(0), |v| input::to_i64(v, "order_item_id"))?,
            qty: opt_f64(item, "qty")?.unwrap_or(0.0),
        });
    }
    let comment = match input::field(body, "comment") {
        None => None,
        Some(c) => Some(CommentInput {
            comment: opt_string(c, "comment")?.unwrap_or_default(),
            is_visible_on_front: opt_bool(c, "is_visible_on_front")?,
        }),
    };
    Ok(DocInput {
        items,
        notify: opt_bool(body, "notify")?,
        append_comment: opt_bool(body, "append_comment")?,
        comment,
    })
}

/// Binds a ship call.
pub fn bind_ship(body: &Value) -> MResult<ShipInput> {
    let mut tracks = Vec::new();
    for t in list(input::field(body, "tracks"), "tracks")? {
        tracks.push((
            opt_string(t, "track_number")?.unwrap_or_default(),
            opt_string(t, "title")?,
            opt_string(t, "carrier_code")?.unwrap_or_default(),
        ));
    }
    let packages = list(input::field(body, "packages"), "packages")?.to_vec();
    let source_code = input::field(body, "arguments")
        .and_then(|a| input::field(a, "extension_attributes"))
        .map(|e| opt_string(e, "source_code"))
        .transpose()?
        .flatten()
        .filter(|s| !s.is_empty());
    Ok(ShipInput {
        doc: bind_doc(body)?,
        tracks,
        packages,
        source_code,
    })
}

/// Binds a refund call.
pub fn bind_refund(body: &Value) -> MResult<RefundInput> {
    let args = input::field(body, "arguments")
        .cloned()
        .unwrap_or(Value::Null);
    let mut return_to_stock_items = Vec::new();
    if let Some(ext) = input::field(&args, "extension_attributes") {
        for id in list(
            input::field(ext, "return_to_stock_items"),
            "return_to_stock_items",
        )? {
            return_to_stock_items.push(input::to_i64(id, "return_to_stock_items")?);
        }
    }
    Ok(RefundInput {
        doc: bind_doc(body)?,
        shipping_amount: opt_f64(&args, "shipping_amount")?,
        adjustment_positive: opt_f64(&args, "adjustment_positive")?.unwrap_or(0.0),
        adjustment_negative: opt_f64(&args, "adjustment_negative")?.unwrap_or(0.0),
        return_to_stock_items,
    })
}

// ---------------------------------------------------------------------------
// Shared pieces

fn order(state: &State, order_id: u64) -> MResult<&Order> {
    state
        .orders
        .get(&order_id)
        .ok_or_else(|| MagentoError::not_found(sales::m::ENTITY_NOT_FOUND))
}

fn take(counter: &mut u64) -> u64 {
    let id = *counter;
    *counter += 1;
    id
}

/// A `<Doc> Document Validation Error(s):` refusal: pre-rendered, no parameters.
fn refusal(prefix: &str, messages: &[String]) -> MagentoError {
    MagentoError::bad_request(format!("{prefix}\n{}", messages.join("\n")))
}

/// The requested quantity for each order item: the map of `items` (a later line for
/// the same id wins, as PHP array keys do), cast to an integer for items without
/// decimal quantities. `None` when the item was not requested.
fn requested(items: &[ItemQty], item: &sales::OrderItem) -> Option<f64> {
    let id = i64::try_from(item.item_id).ok()?;
    items.iter().rev().find(|r| r.order_item_id == id).map(|r| {
        if item.is_qty_decimal {
            r.qty
        } else {
            r.qty.trunc()
        }
    })
}

fn doc_comment(
    ids: &mut crate::carts::SalesIds,
    c: Option<&CommentInput>,
    notified: bool,
    stamp: &str,
) -> Vec<DocComment> {
    c.filter(|c| !c.comment.is_empty())
        .map(|c| DocComment {
            entity_id: take(&mut ids.comment),
            comment: c.comment.clone(),
            is_customer_notified: Some(i64::from(notified)),
            is_visible_on_front: i64::from(c.is_visible_on_front),
            created_at: stamp.to_owned(),
        })
        .into_iter()
        .collect()
}

/// Effective (min_qty, manage_stock, backorders) of `sku`, `use_config_*` resolved
/// against Magento's defaults (0, yes, no).
fn stock_config(state: &State, sku: &str) -> (f64, bool, bool) {
    crate::catalog::find_by_sku(state, sku).map_or((0.0, true, false), |p| {
        let si = &p.stock_item;
        (
            if si.use_config_min_qty {
                0.0
            } else {
                si.min_qty
            },
            si.use_config_manage_stock || si.manage_stock,
            !si.use_config_backorders && si.backorders != 0,
        )
    })
}

/// Whether order item quantities of this product type move MSI stock.
fn moves_stock(item: &sales::OrderItem) -> bool {
    msi::supports_source_items(&item.product_type)
}

/// Adds `delta` (negative: deduction) to the source item of `sku` at `source`, with
/// MSI's `SourceDeductionService` rules: the item must exist and, without backorders,
/// stay at 0 or above; its status follows `quantity > min_qty` (or backorders).
/// `Err(())` when refused; nothing is written then.
fn check_source_move(state: &State, sku: &str, source: &str, delta: f64) -> Result<(), ()> {
    let (_, manage, backorders) = stock_config(state, sku);
    if !manage {
        return Ok(());
    }
    let item = state.source_items.get(sku, source).ok_or(())?;
    if item.quantity + delta < -EPSILON && !backorders {
        return Err(());
    }
    Ok(())
}

fn apply_source_move(state: &mut State, sku: &str, source: &str, delta: f64) {
    let (min_qty, manage, backorders) = stock_config(state, sku);
    if !manage {
        return;
    }
    let Some(item) = state.source_items.get_mut(sku, source) else {
        return;
    };
    item.quantity = round_qty(item.quantity + delta);
    item.status = u8::from(item.quantity > min_qty || backorders);
    let (qty, in_stock) = (item.quantity, item.status == 1);
    if source == msi::DEFAULT_SOURCE {
        crate::catalog::apply_default_source_item(state, sku, Some((qty, in_stock)));
    }
}

/// Quantities are DECIMAL(12,4) in Magento.
fn round_qty(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Sums `(sku, qty)` pairs per SKU (case-insensitively), in first-seen order.
fn per_sku(pairs: impl IntoIterator<Item = (String, f64)>) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for (sku, qty) in pairs {
        match out.iter_mut().find(|(s, _)| s.eq_ignore_ascii_case(&sku)) {
            Some((_, q)) => *q += qty,
            None => out.push((sku, qty)),
        }
    }
    out.retain(|(_, q)| *q > EPSILON);
    out
}

// ---------------------------------------------------------------------------
// Invoice

/// `POST /V1/order/{id}/invoice` (`InvoiceOrder::execute`): invoices the requested
/// lines (all uninvoiced quantity when none), paid at once as offline methods are
/// (invoice state 2); shipping goes on the first invoice. Moves no inventory.
/// Returns the invoice id.
///
/// Unknown `order_item_id`s are dropped, as `prepareInvoice` only walks the order's
/// items; a line above the uninvoiced quantity is refused before validation.
pub fn invoice(
    state: &mut State,
    order_id: u64,
    input: &DocInput,
    now: OffsetDateTime,
) -> MResult<u64> {
    let o = order(state, order_id)?;
    let mut lines: Vec<(usize, f64)> = Vec::new();
    for (idx, item) in o.items.iter().enumerate() {
        let open = item.qty_to_invoice();
        if open <= EPSILON {
            continue;
        }
        let qty = if input.items.is_empty() {
            open
        } else {
            requested(&input.items, item).unwrap_or(0.0).max(0.0)
        };
        if qty > open + EPSILON {
            return Err(MagentoError::bad_request(m::INVOICE_INVALID_QTY)
                .positional([Value::String(item.name.clone())]));
        }
        if qty > EPSILON {
            lines.push((idx, qty));
        }
    }
    if !can_invoice_state(o) {
        let msg = m::INVOICE_STATUS.replace("%1", &o.status);
        return Err(refusal(m::INVOICE_ERRORS, &[msg]));
    }
    if !can_invoice(o) {
        return Err(refusal(m::INVOICE_ERRORS, &[m::INVOICE_NOT_ALLOWED.into()]));
    }
    if lines.is_empty() {
        return Err(refusal(m::INVOICE_ERRORS, &[m::INVOICE_NO_PRODUCTS.into()]));
    }

    // Everything checked: write.
    let shipping_billed = state
        .invoices
        .of_order(order_id)
        .any(|i| i.shipping_amount != 0.0 && i.state != 3);
    let stamp = dates::db_time(now);
    let mut o = o.clone();
    let ids = &mut state.next.sales;
    let invoice_id = take(&mut ids.invoice);
    let mut items = Vec::new();
    let mut subtotal = 0.0;
    for (idx, qty) in &lines {
        let item = &mut o.items[*idx];
        let row = round(item.price * qty);
        item.qty_invoiced = round_qty(item.qty_invoiced + qty);
        item.row_invoiced = round(item.row_invoiced + row);
        item.updated_at = stamp.clone();
        subtotal += row;
        items.push(DocItem {
            entity_id: take(&mut ids.doc_item),
            order_item_id: item.item_id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            product_id: item.product_id,
            price: item.price,
            qty: *qty,
            weight: None,
        });
    }
    let subtotal = round(subtotal);
    let shipping = if shipping_billed {
        0.0
    } else {
        o.shipping_amount
    };
    let grand = round(subtotal + shipping);
    let comments = doc_comment(ids, input.comment.as_ref(), input.append_comment, &stamp);
    let t = &mut o.totals;
    t.total_invoiced = round(t.total_invoiced + grand);
    t.total_paid = round(t.total_paid + grand);
    t.subtotal_invoiced = round(t.subtotal_invoiced + subtotal);
    t.shipping_invoiced = round(t.shipping_invoiced + shipping);
    resolve_state(&mut o, true);
    o.updated_at = stamp.clone();
    state.invoices.insert(Invoice {
        entity_id: invoice_id,
        increment_id: format!("{invoice_id:09}"),
        order_id,
        state: 2,
        items,
        subtotal,
        shipping_amount: shipping,
        grand_total: grand,
        comments,
        created_at: stamp.clone(),
        updated_at: stamp,
    });
    state.orders.insert(order_id, o);
    Ok(invoice_id)
}

fn can_invoice_state(o: &Order) -> bool {
    !matches!(
        o.state.as_str(),
        "payment_review" | "holded" | "canceled" | "complete" | "closed"
    )
}

// ---------------------------------------------------------------------------
// Ship

/// The source a shipment leaves from when the call names none: the enabled source
/// of the order's stock with the best priority, else `default`.
pub fn default_ship_source(state: &State, stock_id: u64) -> String {
    msi::sources_by_priority(state, i64::try_from(stock_id).unwrap_or(-1))
        .into_iter()
        .find(|s| s.enabled)
        .map_or_else(|| msi::DEFAULT_SOURCE.to_owned(), |s| s.source_code.clone())
}

/// `POST /V1/order/{id}/ship` (`ShipOrder::execute`): ships the requested lines (all
/// unshipped quantity when none; a line above it is cut down to it, as
/// `ShipmentFactory` does; unknown ids are dropped), deducts the quantity from the
/// source (MSI `SourceDeductionService`) and writes the `shipment_created`
/// compensation (+qty) on the order's stock, so salable quantity does not move.
/// Returns the shipment id.
pub fn ship(
    state: &mut State,
    order_id: u64,
    input: &ShipInput,
    now: OffsetDateTime,
) -> MResult<u64> {
    let o = order(state, order_id)?;
    let mut lines: Vec<(usize, f64)> = Vec::new();
    for (idx, item) in o.items.iter().enumerate() {
        let open = item.qty_to_ship();
        if open <= EPSILON {
            continue;
        }
        let qty = if input.doc.items.is_empty() {
            open
        } else {
            match requested(&input.doc.items, item) {
                Some(q) => q.min(open).max(0.0),
                None => continue,
            }
        };
        lines.push((idx, qty));
    }
    if matches!(o.state.as_str(), "payment_review" | "holded" | "canceled") || o.is_virtual {
        let msg = m::SHIPMENT_STATUS.replace("%1", &o.status);
        return Err(refusal(m::SHIPMENT_ERRORS, &[msg]));
    }
    if !can_ship(o) {
        return Err(refusal(
            m::SHIPMENT_ERRORS,
            &[m::SHIPMENT_NOT_ALLOWED.into()],
        ));
    }
    let mut messages = Vec::new();
    for (number, _, carrier) in &input.tracks {
        if number.is_empty() {
            messages.push(m::TRACK_NUMBER.to_owned());
        }
        if carrier.is_empty() {
            messages.push(m::TRACK_CARRIER.to_owned());
        }
    }
    let total: f64 = lines.iter().map(|(_, q)| q).sum();
    if total <= EPSILON {
        messages.push(m::SHIPMENT_NO_PRODUCTS.into());
    }
    if !messages.is_empty() {
        return Err(refusal(m::SHIPMENT_ERRORS, &messages));
    }
    lines.retain(|(_, q)| *q > EPSILON);
    let source = input
        .source_code
        .clone()
        .unwrap_or_else(|| default_ship_source(state, o.stock_id));
    let moves = per_sku(
        lines
            .iter()
            .filter(|(idx, _)| moves_stock(&o.items[*idx]))
            .map(|(idx, q)| (o.items[*idx].sku.clone(), *q)),
    );
    for (sku, qty) in &moves {
        if check_source_move(state, sku, &source, -qty).is_err() {
            return Err(MagentoError::bad_request(m::SHIPMENT_NOT_SAVED));
        }
    }

    // Everything checked: write.
    let stamp = dates::db_time(now);
    let mut o = o.clone();
    let ids = &mut state.next.sales;
    let shipment_id = take(&mut ids.shipment);
    let mut items = Vec::new();
    for (idx, qty) in &lines {
        let item = &mut o.items[*idx];
        item.qty_shipped = round_qty(item.qty_shipped + qty);
        item.updated_at = stamp.clone();
        items.push(DocItem {
            entity_id: take(&mut ids.doc_item),
            order_item_id: item.item_id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            product_id: item.product_id,
            price: item.price,
            qty: *qty,
            weight: item.weight,
        });
    }
    let tracks = input
        .tracks
        .iter()
        .map(|(number, title, carrier)| Track {
            entity_id: take(&mut ids.track),
            track_number: number.clone(),
            title: title.clone(),
            carrier_code: carrier.clone(),
            description: None,
            weight: None,
            qty: None,
            created_at: stamp.clone(),
            updated_at: Some(stamp.clone()),
        })
        .collect();
    let comments = doc_comment(
        ids,
        input.doc.comment.as_ref(),
        input.doc.append_comment,
        &stamp,
    );
    resolve_state(&mut o, true);
    o.updated_at = stamp.clone();
    for (sku, qty) in &moves {
        apply_source_move(state, sku, &source, -qty);
        add_reservation(state, o.stock_id, sku, *qty, "shipment_created", &o);
    }
    state.shipments.insert(Shipment {
        entity_id: shipment_id,
        increment_id: format!("{shipment_id:09}"),
        order_id,
        source_code: source,
        items,
        tracks,
        comments,
        packages: input.packages.clone(),
        created_at: stamp.clone(),
        updated_at: stamp,
    });
    state.orders.insert(order_id, o);
    Ok(shipment_id)
}

// ---------------------------------------------------------------------------
// Refund

/// Where the shipped quantity of order item `item_id` can go back to: per source,
/// what its shipments took minus what earlier credit memos returned, in shipment
/// order.
fn returnable_by_source(state: &State, order_id: u64, item_id: u64) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for s in state.shipments.of_order(order_id) {
        let qty: f64 = s
            .items
            .iter()
            .filter(|i| i.order_item_id == item_id)
            .map(|i| i.qty)
            .sum();
        match out.iter_mut().find(|(c, _)| *c == s.source_code) {
            Some((_, q)) => *q += qty,
            None => out.push((s.source_code.clone(), qty)),
        }
    }
    for c in state.creditmemos.of_order(order_id) {
        for r in c.returned.iter().filter(|r| r.order_item_id == item_id) {
            if let Some((_, q)) = out.iter_mut().find(|(s, _)| *s == r.source_code) {
                *q -= r.qty;
            }
        }
    }
    out.retain(|(_, q)| *q > EPSILON);
    out
}

/// `POST /V1/order/{id}/refund` (`RefundOrder::execute`), offline: refunds the
/// requested lines (all invoiced, unrefunded quantity when none) plus the shipping
/// left (or `arguments.shipping_amount`) and the adjustments. Inventory (§7.6): the
/// refunded quantity that never shipped gets a `creditmemo_created` compensation
/// (+qty); shipped quantity of items in `return_to_stock_items` goes back to the
/// sources it left from. Writes the order comment `We refunded $X offline.`
/// Returns the credit memo id.
pub fn refund(
    state: &mut State,
    order_id: u64,
    input: &RefundInput,
    now: OffsetDateTime,
) -> MResult<u64> {
    let o = order(state, order_id)?;
    // `CreditmemoFactory::createByOrder`.
    let mut lines: Vec<(usize, f64)> = Vec::new();
    let mut messages = Vec::new();
    for (idx, item) in o.items.iter().enumerate() {
        let open = item.qty_to_refund();
        let qty = if input.doc.items.is_empty() {
            open
        } else {
            match requested(&input.doc.items, item) {
                Some(q) => q.max(0.0),
                None => continue,
            }
        };
        if qty > open + EPSILON {
            messages.push(m::CREDITMEMO_QTY.replace("%1", &item.sku));
        } else if qty > EPSILON {
            lines.push((idx, qty));
        }
    }
    let shipping_left = round(o.shipping_amount - o.totals.shipping_refunded);
    let shipping = match input.shipping_amount {
        Some(s) if s > shipping_left + 1e-4 => {
            return Err(MagentoError::bad_request(m::MAX_SHIPPING_REFUND)
                .positional([Value::String(format_price(shipping_left))]));
        }
        Some(s) => s,
        None => shipping_left.max(0.0),
    };
    // `CanRefund`.
    if matches!(
        o.state.as_str(),
        "payment_review" | "holded" | "canceled" | "closed"
    ) {
        let msg = m::CREDITMEMO_STATUS.replace("%1", &o.status);
        return Err(refusal(m::CREDITMEMO_ERRORS, &[msg]));
    }
    if (round(o.totals.total_paid) - o.totals.total_refunded).abs() < 1e-4 {
        return Err(refusal(
            m::CREDITMEMO_ERRORS,
            &[
                m::CREDITMEMO_NOT_ALLOWED.into(),
                m::CREDITMEMO_CANNOT.into(),
            ],
        ));
    }
    // Credit memo `QuantityValidator`.
    let subtotal = round(
        lines
            .iter()
            .map(|(idx, q)| round(o.items[*idx].price * q))
            .sum(),
    );
    let grand = round(subtotal + shipping + input.adjustment_positive - input.adjustment_negative);
    let total_qty: f64 = lines.iter().map(|(_, q)| q).sum();
    if grand <= 0.0 {
        messages.push(m::CREDITMEMO_TOTAL.into());
    } else if total_qty <= EPSILON && shipping_left.abs() < 1e-4 {
        messages.push(m::CREDITMEMO_NO_PRODUCTS.into());
    }
    if !messages.is_empty() {
        return Err(refusal(m::CREDITMEMO_ERRORS, &messages));
    }
    // `RefundOperation`: never more than was paid.
    if round(o.totals.total_refunded + grand) > round(o.totals.total_paid) {
        return Err(MagentoError::bad_request(m::CREDITMEMO_NOT_SAVED));
    }

    // Inventory, worked out before writing.
    let mut compensations = Vec::new();
    let mut returned: Vec<SourceReturn> = Vec::new();
    for (idx, qty) in &lines {
        let item = &o.items[*idx];
        if !moves_stock(item) {
            continue;
        }
        let unshipped = qty.min(item.qty_unshipped());
        compensations.push((item.sku.clone(), unshipped));
        let mut back = qty - unshipped;
        let listed =
            i64::try_from(item.item_id).is_ok_and(|id| input.return_to_stock_items.contains(&id));
        if !listed || back <= EPSILON {
            continue;
        }
        for (source, available) in returnable_by_source(state, order_id, item.item_id) {
            let q = back.min(available);
            if q > EPSILON {
                returned.push(SourceReturn {
                    order_item_id: item.item_id,
                    source_code: source,
                    qty: q,
                });
                back -= q;
            }
        }
    }
    let compensations = per_sku(compensations);

    // Everything checked: write.
    let stamp = dates::db_time(now);
    let mut o = o.clone();
    let ids = &mut state.next.sales;
    let memo_id = take(&mut ids.creditmemo);
    let mut items = Vec::new();
    for (idx, qty) in &lines {
        let item = &mut o.items[*idx];
        item.qty_refunded = round_qty(item.qty_refunded + qty);
        item.amount_refunded = round(item.amount_refunded + item.price * qty);
        item.updated_at = stamp.clone();
        items.push(DocItem {
            entity_id: take(&mut ids.doc_item),
            order_item_id: item.item_id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            product_id: item.product_id,
            price: item.price,
            qty: *qty,
            weight: None,
        });
    }
    let comments = doc_comment(
        ids,
        input.doc.comment.as_ref(),
        input.doc.append_comment,
        &stamp,
    );
    let t = &mut o.totals;
    t.total_refunded = round(t.total_refunded + grand);
    t.total_offline_refunded = round(t.total_offline_refunded + grand);
    t.subtotal_refunded = round(t.subtotal_refunded + subtotal);
    t.shipping_refunded = round(t.shipping_refunded + shipping);
    t.adjustment_positive = round(t.adjustment_positive + input.adjustment_positive);
    t.adjustment_negative = round(t.adjustment_negative + input.adjustment_negative);
    resolve_state(&mut o, false);
    o.status_histories.insert(
        0,
        StatusHistory {
            entity_id: take(&mut ids.comment),
            comment: Some(m::REFUNDED_OFFLINE.replace("%1", &format_price(grand))),
            created_at: stamp.clone(),
            entity_name: "creditmemo".into(),
            is_customer_notified: Some(i64::from(input.doc.notify)),
            is_visible_on_front: 0,
            status: Some(o.status.clone()),
        },
    );
    o.updated_at = stamp.clone();
    for (sku, qty) in &compensations {
        add_reservation(state, o.stock_id, sku, *qty, "creditmemo_created", &o);
    }
    for r in &returned {
        let sku = o
            .items
            .iter()
            .find(|i| i.item_id == r.order_item_id)
            .map(|i| i.sku.clone())
            .unwrap_or_default();
        apply_source_move(state, &sku, &r.source_code, r.qty);
    }
    state.creditmemos.insert(Creditmemo {
        entity_id: memo_id,
        increment_id: format!("{memo_id:09}"),
        order_id,
        invoice_id: None,
        state: 2,
        items,
        subtotal,
        shipping_amount: shipping,
        adjustment_positive: input.adjustment_positive,
        adjustment_negative: input.adjustment_negative,
        grand_total: grand,
        comments,
        returned,
        created_at: stamp.clone(),
        updated_at: stamp,
    });
    state.orders.insert(order_id, o);
    Ok(memo_id)
}

// ---------------------------------------------------------------------------
// Cancel, hold, unhold

/// `POST /V1/orders/{id}/cancel` (`OrderService::cancel`): `Ok(false)` when
/// `canCancel()` is false (complete, closed, canceled, on hold, in payment review,
/// or everything invoiced). Otherwise cancels every item's `qty_to_cancel`, writes
/// the canceled totals and an `order_canceled` reservation (+qty) for the released
/// quantity, and sets the state as `Order::registerCancellation` does: `canceled`
/// unless some item is still refundable (then `processing` while invoiced goods
/// wait for shipment, else `complete`).
pub fn cancel(state: &mut State, order_id: u64, now: OffsetDateTime) -> MResult<bool> {
    let o = order(state, order_id)?;
    if !can_cancel(o) {
        return Ok(false);
    }
    let stamp = dates::db_time(now);
    let mut o = o.clone();
    let mut new_state = "canceled";
    let mut released = Vec::new();
    for item in &mut o.items {
        if new_state != "processing" && item.qty_to_refund() > EPSILON {
            new_state = if item.qty_to_ship() > item.qty_to_cancel() + EPSILON {
                "processing"
            } else {
                "complete"
            };
        }
        let qty = item.qty_to_cancel();
        if qty > EPSILON {
            item.qty_canceled = round_qty(item.qty_canceled + qty);
            item.updated_at = stamp.clone();
            if moves_stock(item) {
                released.push((item.sku.clone(), qty));
            }
        }
    }
    let t = &mut o.totals;
    t.subtotal_canceled = round(o.subtotal - t.subtotal_invoiced);
    t.shipping_canceled = round(o.shipping_amount - t.shipping_invoiced);
    t.total_canceled = round(o.grand_total - t.total_paid);
    o.state = new_state.to_owned();
    o.status = default_status(new_state).to_owned();
    o.updated_at = stamp;
    for (sku, qty) in per_sku(released) {
        add_reservation(state, o.stock_id, &sku, qty, "order_canceled", &o);
    }
    state.orders.insert(order_id, o);
    Ok(true)
}

/// `POST /V1/orders/{id}/hold`: remembers state and status, then `holded`.
pub fn hold(state: &mut State, order_id: u64, now: OffsetDateTime) -> MResult<()> {
    let o = order(state, order_id)?;
    if !can_hold(o) {
        return Err(MagentoError::bad_request(m::HOLD_NOT_AVAILABLE));
    }
    let mut o = o.clone();
    o.hold_before_state = Some(o.state.clone());
    o.hold_before_status = Some(o.status.clone());
    o.state = "holded".into();
    o.status = "holded".into();
    o.updated_at = dates::db_time(now);
    state.orders.insert(order_id, o);
    Ok(())
}

/// `POST /V1/orders/{id}/unhold`: restores the state and status from before the hold.
pub fn unhold(state: &mut State, order_id: u64, now: OffsetDateTime) -> MResult<()> {
    let o = order(state, order_id)?;
    if !can_unhold(o) {
        return Err(MagentoError::bad_request(m::CANNOT_UNHOLD));
    }
    let mut o = o.clone();
    let before = o.hold_before_state.take().unwrap_or_else(|| "new".into());
    let status = o
        .hold_before_status
        .take()
        .unwrap_or_else(|| default_status(&before).to_owned());
    o.state = before;
    o.status = status;
    o.updated_at = dates::db_time(now);
    state.orders.insert(order_id, o);
    Ok(())
}

// ---------------------------------------------------------------------------
// Comments and the raw save

/// `statusHistory` of `POST /V1/orders/{id}/comments`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryInput {
    /// Text.
    pub comment: Option<String>,
    /// 0/1, or not said.
    pub is_customer_notified: Option<i64>,
    /// 0/1.
    pub is_visible_on_front: bool,
    /// New status label.
    pub status: Option<String>,
}

/// Binds `statusHistory` (required).
pub fn bind_history(body: &Value) -> MResult<HistoryInput> {
    let h = input::arg(body, "statusHistory")?;
    Ok(HistoryInput {
        comment: opt_string(h, "comment")?,
        is_customer_notified: input::field(h, "is_customer_notified")
            .map(|v| input::to_i64(v, "is_customer_notified"))
            .transpose()?,
        is_visible_on_front: opt_bool(h, "is_visible_on_front")?,
        status: opt_string(h, "status")?.filter(|s| !s.is_empty()),
    })
}

/// `POST /V1/orders/{id}/comments` (`OrderManagement::addComment`): the entry goes
/// first in `status_histories`; a `status` relabels the order (its state stays).
/// Without a status the order keeps its own (Magento would write `NULL`; see
/// COVERAGE).
pub fn add_comment(
    state: &mut State,
    order_id: u64,
    h: HistoryInput,
    now: OffsetDateTime,
) -> MResult<()> {
    let mut o = order(state, order_id)?.clone();
    let id = take(&mut state.next.sales.comment);
    let stamp = dates::db_time(now);
    if let Some(s) = &h.status {
        o.status = s.clone();
    }
    o.status_histories.insert(
        0,
        StatusHistory {
            entity_id: id,
            comment: h.comment,
            created_at: stamp.clone(),
            entity_name: "order".into(),
            is_customer_notified: h.is_customer_notified,
            is_visible_on_front: i64::from(h.is_visible_on_front),
            status: h.status,
        },
    );
    o.updated_at = stamp;
    state.orders.insert(order_id, o);
    Ok(())
}

/// Keys of the order JSON that are derived or structured: a save ignores them.
const DERIVED: &[&str] = &[
    "entity_id",
    "items",
    "billing_address",
    "payment",
    "status_histories",
    "extension_attributes",
    "created_at",
    "updated_at",
    "store_id",
    "quote_id",
    "customer_is_guest",
    "customer_id",
    "is_virtual",
];

/// `POST /V1/orders`, `PUT /V1/orders/create` (`OrderRepository::save`) on an
/// existing `entity_id`: writes the scalar fields the body carries — `state`,
/// `status` and the rest, with no lifecycle check, as integrations use it to force
/// statuses. Modelled fields go to their place; other scalars are kept in
/// [`Order::extra`] and rendered (unless the order JSON derives that key).
///
/// Without `entity_id` Magento inserts a bare order row, which fails on the
/// database's required columns: a masked 500 here. An unknown `entity_id` is a 404.
pub fn save_order(state: &mut State, entity: &Value, now: OffsetDateTime) -> MResult<u64> {
    let Some(map) = entity.as_object() else {
        return Err(input::type_error("entity", entity, "array"));
    };
    let Some(id) = input::field(entity, "entity_id") else {
        return Err(MagentoError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SQLSTATE[23000]: Integrity constraint violation: 1048 Column 'store_id' cannot be null",
        ));
    };
    let id = input::to_i64(id, "entity_id")?;
    let order_id = u64::try_from(id).unwrap_or(0);
    let mut o = order(state, order_id)?.clone();
    let mut extra = Map::new();
    for (key, value) in map {
        let key = input::snake(key);
        if DERIVED.contains(&key.as_str()) || value.is_array() || value.is_object() {
            continue;
        }
        let text = || input::to_string(value, &key);
        match key.as_str() {
            "state" => o.state = text()?,
            "status" => o.status = text()?,
            "hold_before_state" => {
                o.hold_before_state = (!value.is_null()).then(text).transpose()?
            }
            "hold_before_status" => {
                o.hold_before_status = (!value.is_null()).then(text).transpose()?;
            }
            "customer_email" => o.customer_email = text()?,
            "customer_firstname" => o.customer_firstname = Some(text()?),
            "customer_lastname" => o.customer_lastname = Some(text()?),
            "customer_group_id" => {
                o.customer_group_id = u64::try_from(input::to_i64(value, &key)?).unwrap_or(0);
            }
            "shipping_description" => o.shipping_description = Some(text()?),
            "increment_id" => o.increment_id = text()?,
            "protect_code" => o.protect_code = text()?,
            _ if value.is_null() => {
                o.extra.remove(&key);
            }
            _ => {
                extra.insert(key, value.clone());
            }
        }
    }
    o.extra.extend(extra);
    o.updated_at = dates::db_time(now);
    state.orders.insert(order_id, o);
    Ok(order_id)
}

// ---------------------------------------------------------------------------
// Shipment tracks and document comments (the repositories' saves)

/// Which document a comment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// `sales_invoice_comment`.
    Invoice,
    /// `sales_shipment_comment`.
    Shipment,
    /// `sales_creditmemo_comment`.
    Creditmemo,
}

impl DocKind {
    /// The repository's refusal of any save it could not make.
    pub fn not_saved(self) -> &'static str {
        match self {
            DocKind::Invoice => m::INVOICE_COMMENT_NOT_SAVED,
            DocKind::Shipment => m::SHIPMENT_COMMENT_NOT_SAVED,
            DocKind::Creditmemo => m::CREDITMEMO_COMMENT_NOT_SAVED,
        }
    }

    /// The data interface the entity binds to (named by unknown-field errors).
    pub fn interface(self) -> &'static str {
        match self {
            DocKind::Invoice => "Magento\\Sales\\Api\\Data\\InvoiceCommentInterface",
            DocKind::Shipment => "Magento\\Sales\\Api\\Data\\ShipmentCommentInterface",
            DocKind::Creditmemo => "Magento\\Sales\\Api\\Data\\CreditmemoCommentInterface",
        }
    }

    /// The comments of document `id`, when it exists.
    pub fn comments(self, state: &State, id: u64) -> Option<&[DocComment]> {
        match self {
            DocKind::Invoice => state.invoices.get(&id).map(|d| d.comments.as_slice()),
            DocKind::Shipment => state.shipments.get(&id).map(|d| d.comments.as_slice()),
            DocKind::Creditmemo => state.creditmemos.get(&id).map(|d| d.comments.as_slice()),
        }
    }

    /// Replaces the comments of document `id` (which exists).
    fn set_comments(self, state: &mut State, id: u64, comments: Vec<DocComment>) {
        match self {
            DocKind::Invoice => {
                if let Some(mut d) = state.invoices.get(&id).cloned() {
                    d.comments = comments;
                    state.invoices.insert(d);
                }
            }
            DocKind::Shipment => {
                if let Some(mut d) = state.shipments.get(&id).cloned() {
                    d.comments = comments;
                    state.shipments.insert(d);
                }
            }
            DocKind::Creditmemo => {
                if let Some(mut d) = state.creditmemos.get(&id).cloned() {
                    d.comments = comments;
                    state.creditmemos.insert(d);
                }
            }
        }
    }
}

/// Rejects a key of `entity` that `interface` has no getter for (a PHP
/// `LogicException`: a 500), as the service input processor does.
fn known_keys(entity: &Value, known: &[&str], interface: &str) -> MResult<()> {
    let Some(map) = entity.as_object() else {
        return Err(input::type_error("entity", entity, "array"));
    };
    match map
        .keys()
        .find(|k| !known.contains(&input::snake(k).as_str()))
    {
        Some(k) => Err(MagentoError::unknown_property(k, interface)),
        None => Ok(()),
    }
}

/// PHP's `empty()` on a bound value: `""`, `"0"` and `0` are empty.
fn php_empty_text(s: &str) -> bool {
    s.is_empty() || s == "0"
}

fn opt_i64(entity: &Value, key: &str) -> MResult<Option<i64>> {
    input::field(entity, key)
        .map(|v| input::to_i64(v, key))
        .transpose()
}

/// The `entity` of `POST /V1/shipment/track`, bound as `ShipmentTrackInterface`'s
/// setters type it (a left-out or `null` field is unset).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackInput {
    /// Update this track instead of adding one.
    pub entity_id: Option<i64>,
    /// The order.
    pub order_id: Option<i64>,
    /// The shipment.
    pub parent_id: Option<i64>,
    /// Package weight.
    pub weight: Option<f64>,
    /// Package quantity.
    pub qty: Option<f64>,
    /// Tracking number (a string; numbers are printed).
    pub track_number: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Carrier title.
    pub title: Option<String>,
    /// Carrier code.
    pub carrier_code: Option<String>,
}

const TRACK_FIELDS: &[&str] = &[
    "entity_id",
    "order_id",
    "parent_id",
    "weight",
    "qty",
    "track_number",
    "description",
    "title",
    "carrier_code",
    "created_at",
    "updated_at",
    "extension_attributes",
];

/// Binds `entity` (required) of `POST /V1/shipment/track`.
pub fn bind_track(body: &Value) -> MResult<TrackInput> {
    let e = input::arg(body, "entity")?;
    known_keys(
        e,
        TRACK_FIELDS,
        "Magento\\Sales\\Api\\Data\\ShipmentTrackInterface",
    )?;
    Ok(TrackInput {
        entity_id: opt_i64(e, "entity_id")?,
        order_id: opt_i64(e, "order_id")?,
        parent_id: opt_i64(e, "parent_id")?,
        weight: opt_f64(e, "weight")?,
        qty: opt_f64(e, "qty")?,
        track_number: opt_string(e, "track_number")?,
        description: opt_string(e, "description")?,
        title: opt_string(e, "title")?,
        carrier_code: opt_string(e, "carrier_code")?,
    })
}

/// `sales_shipment_track.carrier_code` is VARCHAR(32), `title` VARCHAR(255): MySQL's
/// strict mode refuses longer values.
const CARRIER_CODE_MAX: usize = 32;
const TITLE_MAX: usize = 255;

/// `POST /V1/shipment/track` (`ShipmentTrackRepository::save`): the shipment named by
/// `parent_id` must be one of order `order_id`'s; then the track resource's validator
/// wants `parent_id`, `order_id`, `track_number` and `carrier_code` present and not
/// PHP-empty. Any refusal is the repository's one 400 (`Could not save the shipment
/// tracking.`; the reason only reaches the log). Without `entity_id` (or with 0) the track is
/// added to the shipment with the next track id; with one, the fields sent overwrite
/// that track's (an UPDATE: an id no track has stores nothing, and the answer is
/// the entity as sent). Returns the answer: the entity as sent, with its id and, when
/// a row was written, `created_at`/`updated_at` read back (as `EntityAbstract`
/// does).
pub fn save_track(state: &mut State, t: &TrackInput, now: OffsetDateTime) -> MResult<Value> {
    let refuse = || MagentoError::bad_request(m::TRACK_NOT_SAVED);
    let shipment = t
        .parent_id
        .and_then(|id| u64::try_from(id).ok())
        .and_then(|id| state.shipments.get(&id))
        .filter(|s| {
            t.order_id
                .is_some_and(|o| u64::try_from(o) == Ok(s.order_id))
        })
        .ok_or_else(refuse)?;
    let number = t.track_number.as_deref().unwrap_or("");
    let carrier = t.carrier_code.as_deref().unwrap_or("");
    if php_empty_text(number)
        || php_empty_text(carrier)
        || t.parent_id.unwrap_or(0) == 0
        || t.order_id.unwrap_or(0) == 0
        || carrier.chars().count() > CARRIER_CODE_MAX
        || t.title
            .as_ref()
            .is_some_and(|x| x.chars().count() > TITLE_MAX)
    {
        return Err(refuse());
    }
    let shipment_id = shipment.entity_id;
    let stamp = dates::db_time(now);
    let answer = |entity_id: Option<i64>, stamps: Option<&str>| {
        let mut o = Map::new();
        let mut put = |k: &str, v: Value| {
            o.insert(k.to_owned(), v);
        };
        put("carrier_code", Value::from(carrier));
        if let Some(at) = stamps {
            put("created_at", Value::from(at));
        }
        put(
            "description",
            t.description.clone().map_or(Value::Null, Value::from),
        );
        if let Some(id) = entity_id {
            put("entity_id", Value::from(id));
        }
        put("order_id", t.order_id.map_or(Value::Null, Value::from));
        put("parent_id", t.parent_id.map_or(Value::Null, Value::from));
        put("qty", t.qty.map_or(Value::Null, input::num));
        put("title", t.title.clone().map_or(Value::Null, Value::from));
        put("track_number", Value::from(number));
        if let Some(at) = stamps {
            put("updated_at", Value::from(at));
        }
        put("weight", t.weight.map_or(Value::Null, input::num));
        Value::Object(o)
    };
    // `isObjectNew()` is `!(bool) id`: an id of 0 inserts, as none does.
    let Some(given) = t.entity_id.filter(|id| *id != 0) else {
        let id = take(&mut state.next.sales.track);
        let mut s = shipment.clone();
        s.tracks.push(Track {
            entity_id: id,
            track_number: number.to_owned(),
            title: t.title.clone(),
            carrier_code: carrier.to_owned(),
            description: t.description.clone(),
            weight: t.weight,
            qty: t.qty,
            created_at: stamp.clone(),
            updated_at: Some(stamp.clone()),
        });
        state.shipments.insert(s);
        return Ok(answer(i64::try_from(id).ok(), Some(&stamp)));
    };
    let Some(owner) = u64::try_from(given)
        .ok()
        .and_then(|id| state.shipments.of_child(id))
    else {
        // An UPDATE of a row that is not there.
        return Ok(answer(Some(given), None));
    };
    let track_id = u64::try_from(given).unwrap_or(0);
    let mut old_owner = owner.clone();
    let Some(pos) = old_owner
        .tracks
        .iter()
        .position(|x| x.entity_id == track_id)
    else {
        return Ok(answer(Some(given), None));
    };
    let mut track = old_owner.tracks.remove(pos);
    track.track_number = number.to_owned();
    track.carrier_code = carrier.to_owned();
    if t.title.is_some() {
        track.title.clone_from(&t.title);
    }
    if t.description.is_some() {
        track.description.clone_from(&t.description);
    }
    if t.weight.is_some() {
        track.weight = t.weight;
    }
    if t.qty.is_some() {
        track.qty = t.qty;
    }
    track.updated_at = Some(stamp.clone());
    let created = track.created_at.clone();
    let mut new_owner = if old_owner.entity_id == shipment_id {
        old_owner
    } else {
        state.shipments.insert(old_owner);
        state
            .shipments
            .get(&shipment_id)
            .cloned()
            .ok_or_else(refuse)?
    };
    let at = new_owner
        .tracks
        .partition_point(|x| x.entity_id < track.entity_id);
    new_owner.tracks.insert(at, track);
    state.shipments.insert(new_owner);
    let mut v = answer(Some(given), Some(&stamp));
    if let Some(o) = v.as_object_mut() {
        o.insert("created_at".into(), Value::from(created));
    }
    Ok(v)
}

/// `DELETE /V1/shipment/track/{id}` (`ShipmentTrackRepository::deleteById`): removes
/// the track from its shipment → `true`. The repository loads the id into an empty
/// model and deletes `WHERE entity_id = …` without checking that a row was there, so
/// an unknown id is `true` too and changes nothing.
pub fn delete_track(state: &mut State, id: i64) -> bool {
    let Some(track_id) = u64::try_from(id).ok() else {
        return true;
    };
    if let Some(mut s) = state.shipments.of_child(track_id).cloned() {
        s.tracks.retain(|t| t.entity_id != track_id);
        state.shipments.insert(s);
    }
    true
}

/// The `entity` of a comment repository save (`InvoiceCommentInterface` and its
/// shipment and credit memo twins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocCommentInput {
    /// Update this comment instead of adding one.
    pub entity_id: Option<i64>,
    /// The document.
    pub parent_id: Option<i64>,
    /// Text.
    pub comment: Option<String>,
    /// 0/1, or unset (NULL).
    pub is_customer_notified: Option<i64>,
    /// 0/1, or unset (the column's default 0).
    pub is_visible_on_front: Option<i64>,
}

const COMMENT_FIELDS: &[&str] = &[
    "entity_id",
    "parent_id",
    "comment",
    "is_customer_notified",
    "is_visible_on_front",
    "created_at",
    "extension_attributes",
];

/// Binds `entity` (required) of a comment save.
pub fn bind_doc_comment(body: &Value, kind: DocKind) -> MResult<DocCommentInput> {
    let e = input::arg(body, "entity")?;
    known_keys(e, COMMENT_FIELDS, kind.interface())?;
    Ok(DocCommentInput {
        entity_id: opt_i64(e, "entity_id")?,
        parent_id: opt_i64(e, "parent_id")?,
        comment: opt_string(e, "comment")?,
        is_customer_notified: opt_i64(e, "is_customer_notified")?,
        is_visible_on_front: opt_i64(e, "is_visible_on_front")?,
    })
}

/// `POST /V1/invoices/comments`, `POST /V1/shipment/{id}/comments`,
/// `POST /V1/creditmemo/{id}/comments` (the comment repositories' `save`; the URL's
/// id is not an argument of the service and is ignored): `parent_id` and `comment`
/// must be present and not PHP-empty (the comment validator) and the document must
/// exist (the table's foreign key); any refusal is the repository's one 400 (`Could
/// not save the <doc> comment.`). Without `entity_id` (or with 0) the comment is added to the
/// document with the next comment id and `created_at` from the clock; with the id of
/// one of the document's comments, the fields sent overwrite it; another id stores
/// nothing. Returns the answer: the entity as sent with its id — `created_at` stays
/// `null`, as the comment tables have no `updated_at` for `EntityAbstract` to read
/// the timestamps back with.
pub fn save_doc_comment(
    state: &mut State,
    kind: DocKind,
    c: &DocCommentInput,
    now: OffsetDateTime,
) -> MResult<Value> {
    let refuse = || MagentoError::bad_request(kind.not_saved());
    let text = c.comment.as_deref().unwrap_or("");
    let parent = c.parent_id.unwrap_or(0);
    if php_empty_text(text) || parent == 0 {
        return Err(refuse());
    }
    let parent_id = u64::try_from(parent).map_err(|_| refuse())?;
    let mut comments = kind.comments(state, parent_id).ok_or_else(refuse)?.to_vec();
    let answer = |entity_id: Option<i64>| {
        json_object([
            ("comment", Value::from(text)),
            ("created_at", Value::Null),
            ("entity_id", entity_id.map_or(Value::Null, Value::from)),
            (
                "is_customer_notified",
                c.is_customer_notified.map_or(Value::Null, Value::from),
            ),
            (
                "is_visible_on_front",
                c.is_visible_on_front.map_or(Value::Null, Value::from),
            ),
            ("parent_id", Value::from(parent)),
        ])
    };
    // `isObjectNew()` is `!(bool) id`: an id of 0 inserts, as none does.
    match c.entity_id.filter(|id| *id != 0) {
        None => {
            let id = take(&mut state.next.sales.comment);
            comments.push(DocComment {
                entity_id: id,
                comment: text.to_owned(),
                is_customer_notified: c.is_customer_notified,
                is_visible_on_front: c.is_visible_on_front.unwrap_or(0),
                created_at: dates::db_time(now),
            });
            kind.set_comments(state, parent_id, comments);
            Ok(answer(i64::try_from(id).ok()))
        }
        Some(given) => {
            let existing = u64::try_from(given)
                .ok()
                .and_then(|id| comments.iter_mut().find(|x| x.entity_id == id));
            if let Some(row) = existing {
                text.clone_into(&mut row.comment);
                if c.is_customer_notified.is_some() {
                    row.is_customer_notified = c.is_customer_notified;
                }
                if let Some(v) = c.is_visible_on_front {
                    row.is_visible_on_front = v;
                }
                kind.set_comments(state, parent_id, comments);
            }
            Ok(answer(Some(given)))
        }
    }
}

fn json_object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_format_like_magentos_usd() {
        assert_eq!(format_price(5.0), "$5.00");
        assert_eq!(format_price(1234.5), "$1,234.50");
        assert_eq!(format_price(1_000_000.0), "$1,000,000.00");
        assert_eq!(format_price(0.1 + 0.2), "$0.30");
    }

    fn order(qty: f64) -> Order {
        serde_json::from_value(serde_json::json!({
            "entity_id": 1, "increment_id": "000000001", "state": "new", "status": "pending",
            "store_id": 1, "store_name": "", "stock_id": 2, "quote_id": 1, "protect_code": "abc",
            "customer_is_guest": true, "customer_email": "j@example.com", "customer_group_id": 0,
            "currency_code": "USD", "created_at": "", "updated_at": "", "is_virtual": false,
            "subtotal": 10.0 * qty, "shipping_amount": 5.0, "grand_total": 10.0 * qty + 5.0,
            "items": [{"item_id": 1, "quote_item_id": 1, "sku": "tee", "name": "Tee",
                       "product_id": 1, "product_type": "simple", "price": 10.0,
                       "original_price": 10.0, "is_virtual": false, "qty_ordered": qty,
                       "created_at": "", "updated_at": ""}],
            "billing_address": {"entity_id": 1, "address_type": "billing", "fields": {}},
            "payment": {"entity_id": 1, "method": "checkmo", "title": "Check / Money order"}
        }))
        .expect("an order")
    }

    #[test]
    fn the_resolver_follows_the_transition_table() {
        let mut o = order(2.0);
        resolve_state(&mut o, true);
        assert_eq!(
            (o.state.as_str(), o.status.as_str()),
            ("processing", "processing")
        );
        // Invoiced and shipped: complete while refundable.
        o.items[0].qty_invoiced = 2.0;
        o.items[0].qty_shipped = 2.0;
        o.totals.total_paid = 25.0;
        resolve_state(&mut o, true);
        assert_eq!(o.state, "complete");
        // Refunded in full: closed.
        o.items[0].qty_refunded = 2.0;
        o.totals.total_refunded = 25.0;
        resolve_state(&mut o, false);
        assert_eq!((o.state.as_str(), o.status.as_str()), ("closed", "closed"));
        // On hold, nothing moves.
        let mut held = order(1.0);
        held.state = "holded".into();
        held.items[0].qty_invoiced = 1.0;
        held.items[0].qty_shipped = 1.0;
        resolve_state(&mut held, true);
        assert_eq!(held.state, "holded");
    }

    #[test]
    fn cancelable_quantity_is_the_smaller_of_uninvoiced_and_unshipped() {
        let mut o = order(3.0);
        o.items[0].qty_invoiced = 1.0;
        assert_eq!(o.items[0].qty_to_cancel(), 2.0);
        o.items[0].qty_shipped = 3.0;
        assert_eq!(o.items[0].qty_to_cancel(), 0.0);
        assert!(can_cancel(&o));
    }

    #[test]
    fn default_statuses_follow_the_state_table() {
        assert_eq!(default_status("new"), "pending");
        for s in [
            "processing",
            "complete",
            "closed",
            "canceled",
            "holded",
            "payment_review",
            "pending_payment",
        ] {
            assert_eq!(default_status(s), s);
        }
    }
}
