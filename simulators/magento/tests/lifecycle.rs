//! The order lifecycle over HTTP (reference §8.3, §7.6): invoice, ship, refund,
//! cancel, hold, unhold, comments and the raw save; every refusal's exact body; the
//! inventory each step moves (source quantity and salable quantity on stock 2, which
//! sells `ua-warehouse` + `us-warehouse` to website `base`); and the documents' read
//! side.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const SKU: &str = "life-tee";

fn not_found() -> Value {
    json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."})
}

fn message(text: &str) -> Value {
    json!({ "message": text })
}

impl TestApp {
    async fn order(&self, id: u64) -> Value {
        let (status, body) = self.get(&format!("/V1/orders/{id}")).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn state_of(&self, id: u64) -> (String, String) {
        let o = self.order(id).await;
        (
            o["state"].as_str().unwrap_or_default().to_owned(),
            o["status"].as_str().unwrap_or_default().to_owned(),
        )
    }

    async fn source_qty(&self, sku: &str, source: &str) -> f64 {
        let (status, body) = self
            .get(&format!(
                "/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku\
                 &searchCriteria[filter_groups][0][filters][0][value]={sku}\
                 &searchCriteria[filter_groups][1][filters][0][field]=source_code\
                 &searchCriteria[filter_groups][1][filters][0][value]={source}"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["total_count"], 1, "{body}");
        body["items"][0]["quantity"].as_f64().expect("quantity")
    }

    async fn salable(&self, sku: &str) -> f64 {
        let (status, body) = self
            .get(&format!(
                "/V1/inventory/get-product-salable-quantity/{sku}/2"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        body.as_f64().expect("a number")
    }

    /// The first item's id of order `id`.
    async fn item_id(&self, id: u64) -> u64 {
        self.order(id).await["items"][0]["item_id"]
            .as_u64()
            .expect("item id")
    }

    async fn invoice_order(&self, id: u64, body: Value) -> (u16, Value) {
        self.post(&format!("/V1/order/{id}/invoice"), body).await
    }

    async fn ship_order(&self, id: u64, body: Value) -> (u16, Value) {
        self.post(&format!("/V1/order/{id}/ship"), body).await
    }

    async fn refund_order(&self, id: u64, body: Value) -> (u16, Value) {
        self.post(&format!("/V1/order/{id}/refund"), body).await
    }

    /// A store with `SKU` at $10 (10 units at ua-warehouse, 5 at us-warehouse) and
    /// an order of `qty` of it.
    async fn with_order(qty: f64) -> (TestApp, u64) {
        let app = spawn_app().await;
        app.stocked_product(SKU, 10.0, 10.0, 5.0).await;
        let id = app.place_guest_order(SKU, qty).await;
        (app, id)
    }
}

fn qty(order: &Value, field: &str) -> f64 {
    order["items"][0][field].as_f64().expect(field)
}

#[tokio::test]
async fn happy_path_place_invoice_ship_refund_with_return_to_stock() {
    let (app, id) = TestApp::with_order(3.0).await;
    // Placement holds 3 on stock 2; nothing leaves a source.
    assert_eq!(app.state_of(id).await, ("new".into(), "pending".into()));
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 10.0);
    assert_eq!(app.salable(SKU).await, 10.0 + 5.0 - 3.0);
    let item = app.item_id(id).await;

    // Invoice everything: $30 + $15 flat rate shipping, paid at once (offline).
    let (status, invoice) = app.invoice_order(id, json!({})).await;
    assert_eq!((status, invoice.clone()), (200, json!("1")));
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("processing"), json!("processing"))
    );
    assert_eq!(qty(&o, "qty_invoiced"), 3.0);
    assert_eq!(o["items"][0]["row_invoiced"], 30);
    assert_eq!(o["total_invoiced"], 45);
    assert_eq!(o["total_paid"], 45);
    assert_eq!(o["total_due"], 0);
    assert_eq!(o["payment"]["amount_paid"], 45);
    // Invoicing moves no inventory.
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 10.0);
    assert_eq!(app.salable(SKU).await, 12.0);

    // Ship from ua-warehouse with a track.
    let (status, shipment) = app
        .ship_order(
            id,
            json!({
                "items": [{"order_item_id": item, "qty": 3}],
                "tracks": [{"track_number": "1Y-9876543210", "title": "United Parcel Service", "carrier_code": "ups"}],
                "arguments": {"extension_attributes": {"source_code": "ua-warehouse"}}
            }),
        )
        .await;
    assert_eq!((status, shipment), (200, json!("1")));
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("complete"), json!("complete"))
    );
    assert_eq!(qty(&o, "qty_shipped"), 3.0);
    // Physical stock leaves the source; the shipment_created compensation keeps the
    // salable quantity where placement put it: (7 + 5) + (−3 + 3) − 0.
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 7.0);
    assert_eq!(app.source_qty(SKU, "us-warehouse").await, 5.0);
    assert_eq!(app.salable(SKU).await, 12.0);

    // Refund everything, the goods going back to stock.
    let (status, memo) = app
        .refund_order(
            id,
            json!({
                "items": [{"order_item_id": item, "qty": 3}],
                "notify": true,
                "arguments": {"shipping_amount": 15, "adjustment_positive": 0, "adjustment_negative": 0,
                              "extension_attributes": {"return_to_stock_items": [item]}}
            }),
        )
        .await;
    assert_eq!((status, memo), (200, json!("1")));
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("closed"), json!("closed"))
    );
    assert_eq!(qty(&o, "qty_refunded"), 3.0);
    assert_eq!(o["items"][0]["amount_refunded"], 30);
    assert_eq!(o["total_refunded"], 45);
    assert_eq!(o["total_offline_refunded"], 45);
    assert_eq!(
        o["status_histories"][0]["comment"],
        "We refunded $45.00 offline."
    );
    assert_eq!(o["status_histories"][0]["status"], "closed");
    assert_eq!(o["status_histories"][0]["entity_name"], "creditmemo");
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 10.0);
    assert_eq!(app.salable(SKU).await, 15.0);

    // Read-backs.
    let (status, inv) = app.get("/V1/invoices/1").await;
    assert_eq!(status, 200);
    assert_eq!(inv["order_id"], id);
    assert_eq!(inv["state"], 2);
    assert_eq!(inv["increment_id"], "000000001");
    assert_eq!(inv["grand_total"], 45);
    assert_eq!(inv["shipping_amount"], 15);
    assert_eq!(inv["items"][0]["order_item_id"], item);
    assert_eq!(inv["items"][0]["qty"], 3);
    let (status, s) = app.get("/V1/shipment/1").await;
    assert_eq!(status, 200);
    assert_eq!(s["extension_attributes"]["source_code"], "ua-warehouse");
    assert_eq!(s["tracks"][0]["track_number"], "1Y-9876543210");
    assert_eq!(s["total_qty"], 3);
    let (status, c) = app.get("/V1/creditmemo/1").await;
    assert_eq!(status, 200);
    assert_eq!(c["grand_total"], 45);
    assert_eq!(c["state"], 2);
    assert_eq!(c["items"][0]["qty"], 3);
}

#[tokio::test]
async fn refunding_an_unshipped_invoice_closes_the_order_and_releases_the_hold() {
    let (app, id) = TestApp::with_order(2.0).await;
    assert_eq!(app.salable(SKU).await, 13.0);
    app.invoice_order(id, json!({})).await;
    let (status, _) = app.refund_order(id, json!({})).await;
    assert_eq!(status, 200);
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("closed"), json!("closed"))
    );
    // The creditmemo_created compensation gives the held quantity back; no source moved.
    assert_eq!(app.salable(SKU).await, 15.0);
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 10.0);
    // Nothing left to ship either.
    let (status, body) = app.ship_order(id, json!({})).await;
    assert_eq!(
        (status, body),
        (
            400,
            message(
                "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created."
            )
        )
    );
}

#[tokio::test]
async fn shipped_goods_refunded_without_return_stay_out_of_stock() {
    let (app, id) = TestApp::with_order(2.0).await;
    app.invoice_order(id, json!({})).await;
    app.ship_order(id, json!({})).await;
    app.refund_order(id, json!({})).await;
    assert_eq!(app.state_of(id).await.0, "closed");
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 8.0);
    assert_eq!(app.salable(SKU).await, 13.0);
}

#[tokio::test]
async fn partial_invoices_and_shipments_keep_the_order_processing() {
    let (app, id) = TestApp::with_order(3.0).await;
    let item = app.item_id(id).await;
    let line = |q: u32| json!({"items": [{"order_item_id": item, "qty": q}]});

    assert_eq!(app.invoice_order(id, line(1)).await, (200, json!("1")));
    let o = app.order(id).await;
    assert_eq!(o["state"], "processing");
    assert_eq!(qty(&o, "qty_invoiced"), 1.0);
    // The first invoice carries all the shipping.
    assert_eq!(o["total_invoiced"], 25);
    let (_, inv) = app.get("/V1/invoices/1").await;
    assert_eq!(
        (inv["subtotal"].clone(), inv["shipping_amount"].clone()),
        (json!(10), json!(15))
    );

    assert_eq!(app.ship_order(id, line(2)).await, (200, json!("1")));
    let o = app.order(id).await;
    assert_eq!(o["state"], "processing");
    assert_eq!(qty(&o, "qty_shipped"), 2.0);
    // Without a source in the call: the best-priority source of stock 2.
    let (_, s) = app.get("/V1/shipment/1").await;
    assert_eq!(s["extension_attributes"]["source_code"], "ua-warehouse");
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 8.0);

    assert_eq!(app.invoice_order(id, line(2)).await, (200, json!("2")));
    let (_, inv) = app.get("/V1/invoices/2").await;
    assert_eq!(
        (inv["grand_total"].clone(), inv["shipping_amount"].clone()),
        (json!(20), json!(0))
    );
    assert_eq!(app.state_of(id).await.0, "processing");

    // A line above what is left is cut down to it, as ShipmentFactory does.
    assert_eq!(app.ship_order(id, line(5)).await, (200, json!("2")));
    assert_eq!(
        app.state_of(id).await,
        ("complete".into(), "complete".into())
    );
    assert_eq!(qty(&app.order(id).await, "qty_shipped"), 3.0);
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 7.0);
    assert_eq!(app.salable(SKU).await, 12.0);
}

#[tokio::test]
async fn shipping_before_invoicing_then_invoicing_completes() {
    let (app, id) = TestApp::with_order(1.0).await;
    assert_eq!(app.ship_order(id, json!({})).await.0, 200);
    assert_eq!(
        app.state_of(id).await,
        ("processing".into(), "processing".into())
    );
    assert_eq!(app.invoice_order(id, json!({})).await.0, 200);
    assert_eq!(
        app.state_of(id).await,
        ("complete".into(), "complete".into())
    );
}

#[tokio::test]
async fn a_source_without_enough_quantity_refuses_the_shipment_untouched() {
    let (app, id) = TestApp::with_order(3.0).await;
    let before = app.order(id).await;
    let (status, body) = app
        .ship_order(
            id,
            json!({"arguments": {"extension_attributes": {"source_code": "nowhere"}}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            message("Could not save a shipment, see error log for details")
        )
    );
    app.post(
        "/V1/inventory/source-items",
        json!({"sourceItems": [{"sku": SKU, "source_code": "ua-warehouse", "quantity": 2, "status": 1}]}),
    )
    .await;
    let (status, body) = app.ship_order(id, json!({})).await;
    assert_eq!(
        (status, body),
        (
            400,
            message("Could not save a shipment, see error log for details")
        )
    );
    assert_eq!(app.order(id).await, before);
    assert_eq!(app.source_qty(SKU, "ua-warehouse").await, 2.0);
    let (_, list) = app.get("/V1/shipments?searchCriteria=0").await;
    assert_eq!(list["total_count"], 0);
    // From us-warehouse it goes.
    let (status, _) = app
        .ship_order(
            id,
            json!({"arguments": {"extension_attributes": {"source_code": "us-warehouse"}}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.source_qty(SKU, "us-warehouse").await, 2.0);
}

#[tokio::test]
async fn unknown_orders_are_404_and_id_zero_is_400() {
    let app = spawn_app().await;
    for path in [
        "/V1/order/99/invoice",
        "/V1/order/99/ship",
        "/V1/order/99/refund",
        "/V1/orders/99/cancel",
        "/V1/orders/99/hold",
        "/V1/orders/99/unhold",
    ] {
        assert_eq!(
            app.post(path, json!({})).await,
            (404, not_found()),
            "{path}"
        );
    }
    assert_eq!(
        app.post(
            "/V1/orders/99/comments",
            json!({"statusHistory": {"comment": "x"}})
        )
        .await,
        (404, not_found())
    );
    assert_eq!(
        app.post("/V1/order/0/invoice", json!({})).await,
        (400, message("An ID is needed. Set the ID and try again."))
    );
    for path in ["/V1/invoices/9", "/V1/shipment/9", "/V1/creditmemo/9"] {
        assert_eq!(app.get(path).await, (404, not_found()), "{path}");
    }
}

#[tokio::test]
async fn invoice_refusals() {
    let (app, id) = TestApp::with_order(2.0).await;
    let item = app.item_id(id).await;
    let refused = |text: &str| message(&format!("Invoice Document Validation Error(s):\n{text}"));

    // Too much of a line: prepareInvoice refuses before validation.
    assert_eq!(
        app.invoice_order(id, json!({"items": [{"order_item_id": item, "qty": 3}]}))
            .await,
        (
            400,
            json!({"message": "We found an invalid quantity to invoice item \"%1\".", "parameters": ["Product life-tee"]})
        )
    );
    // Lines that match no order item add up to nothing.
    assert_eq!(
        app.invoice_order(id, json!({"items": [{"order_item_id": 999, "qty": 1}]}))
            .await,
        (
            400,
            refused("You can't create an invoice without products.")
        )
    );
    // On hold.
    app.post(&format!("/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!(
        app.invoice_order(id, json!({})).await,
        (
            400,
            refused("An invoice cannot be created when an order has a status of holded")
        )
    );
    app.post(&format!("/V1/orders/{id}/unhold"), json!({}))
        .await;
    // Everything invoiced.
    app.invoice_order(id, json!({})).await;
    assert_eq!(
        app.invoice_order(id, json!({})).await,
        (
            400,
            refused("The order does not allow an invoice to be created.")
        )
    );
    // Complete, then closed.
    app.ship_order(id, json!({})).await;
    assert_eq!(
        app.invoice_order(id, json!({})).await,
        (
            400,
            refused("An invoice cannot be created when an order has a status of complete")
        )
    );
    app.refund_order(id, json!({})).await;
    assert_eq!(
        app.invoice_order(id, json!({})).await,
        (
            400,
            refused("An invoice cannot be created when an order has a status of closed")
        )
    );

    // Canceled.
    let other = app.place_guest_order(SKU, 1.0).await;
    app.post(&format!("/V1/orders/{other}/cancel"), json!({}))
        .await;
    assert_eq!(
        app.invoice_order(other, json!({})).await,
        (
            400,
            refused("An invoice cannot be created when an order has a status of canceled")
        )
    );
    // A bad type is the framework's rendered 400.
    assert_eq!(
        app.invoice_order(other, json!({"items": "all"})).await,
        (
            400,
            message(
                "Error occurred during \"items\" processing. The \"all\" value's type is invalid. The \"array\" type was expected. Verify and try again."
            )
        )
    );
}

#[tokio::test]
async fn shipment_refusals() {
    let (app, id) = TestApp::with_order(2.0).await;
    let refused = |text: &str| message(&format!("Shipment Document Validation Error(s):\n{text}"));
    assert_eq!(
        app.ship_order(id, json!({"items": [{"order_item_id": 999, "qty": 1}]}))
            .await,
        (
            400,
            refused("You can't create a shipment without products.")
        )
    );
    assert_eq!(
        app.ship_order(id, json!({"tracks": [{"title": "UPS"}]}))
            .await,
        (
            400,
            refused("Please enter a tracking number.\nPlease enter a carrier code.")
        )
    );
    app.post(&format!("/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!(
        app.ship_order(id, json!({})).await,
        (
            400,
            refused("A shipment cannot be created when an order has a status of holded")
        )
    );
    app.post(&format!("/V1/orders/{id}/unhold"), json!({}))
        .await;
    app.ship_order(id, json!({})).await;
    assert_eq!(
        app.ship_order(id, json!({})).await,
        (
            400,
            refused("The order does not allow a shipment to be created.")
        )
    );
    let other = app.place_guest_order(SKU, 1.0).await;
    app.post(&format!("/V1/orders/{other}/cancel"), json!({}))
        .await;
    assert_eq!(
        app.ship_order(other, json!({})).await,
        (
            400,
            refused("A shipment cannot be created when an order has a status of canceled")
        )
    );
}

#[tokio::test]
async fn refund_refusals() {
    let (app, id) = TestApp::with_order(2.0).await;
    let item = app.item_id(id).await;
    let refused =
        |text: &str| message(&format!("Creditmemo Document Validation Error(s):\n{text}"));
    // Nothing paid yet.
    assert_eq!(
        app.refund_order(id, json!({})).await,
        (
            400,
            refused(
                "The order does not allow a creditmemo to be created.\nWe can't create creditmemo for the order."
            )
        )
    );
    app.invoice_order(id, json!({})).await;
    assert_eq!(
        app.refund_order(id, json!({"items": [{"order_item_id": item, "qty": 3}]}))
            .await,
        (
            400,
            refused(
                "The quantity to creditmemo must not be greater than the unrefunded quantity for product SKU \"life-tee\"."
            )
        )
    );
    assert_eq!(
        app.refund_order(id, json!({"arguments": {"shipping_amount": 11}}))
            .await,
        (
            400,
            json!({"message": "Maximum shipping amount allowed to refund is: %1", "parameters": ["$10.00"]})
        )
    );
    assert_eq!(
        app.refund_order(
            id,
            json!({"items": [{"order_item_id": item, "qty": 0}], "arguments": {"shipping_amount": 0}})
        )
        .await,
        (400, refused("The credit memo's total must be positive."))
    );
    assert_eq!(
        app.refund_order(id, json!({"arguments": {"adjustment_positive": 100}}))
            .await,
        (
            400,
            message("Could not save a Creditmemo, see error log for details")
        )
    );
    app.post(&format!("/V1/orders/{id}/hold"), json!({})).await;
    assert_eq!(
        app.refund_order(id, json!({})).await,
        (
            400,
            refused("A creditmemo can not be created when an order has a status of holded")
        )
    );
    app.post(&format!("/V1/orders/{id}/unhold"), json!({}))
        .await;
    // A partial refund (one unit, no shipping) keeps the order open.
    assert_eq!(
        app.refund_order(
            id,
            json!({"items": [{"order_item_id": item, "qty": 1}], "arguments": {"shipping_amount": 0}})
        )
        .await,
        (200, json!("1"))
    );
    let o = app.order(id).await;
    assert_eq!(o["state"], "processing");
    assert_eq!(o["total_refunded"], 10);
    assert_eq!(app.refund_order(id, json!({})).await.0, 200);
    assert_eq!(app.state_of(id).await.0, "closed");
    assert_eq!(
        app.refund_order(id, json!({})).await,
        (
            400,
            refused("A creditmemo can not be created when an order has a status of closed")
        )
    );
    let other = app.place_guest_order(SKU, 1.0).await;
    app.post(&format!("/V1/orders/{other}/cancel"), json!({}))
        .await;
    assert_eq!(
        app.refund_order(other, json!({})).await,
        (
            400,
            refused("A creditmemo can not be created when an order has a status of canceled")
        )
    );
}

#[tokio::test]
async fn cancel_releases_the_reservation_or_answers_false() {
    let (app, id) = TestApp::with_order(3.0).await;
    assert_eq!(app.salable(SKU).await, 12.0);
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/cancel"), json!({}))
            .await,
        (200, json!(true))
    );
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("canceled"), json!("canceled"))
    );
    assert_eq!(qty(&o, "qty_canceled"), 3.0);
    assert_eq!(o["total_canceled"], 45);
    assert_eq!(o["total_due"], 0);
    assert_eq!(app.salable(SKU).await, 15.0);
    // Not twice.
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/cancel"), json!({}))
            .await,
        (200, json!(false))
    );

    // Fully invoiced, on hold, complete: false, and nothing changes.
    let invoiced = app.place_guest_order(SKU, 1.0).await;
    app.invoice_order(invoiced, json!({})).await;
    let before = app.order(invoiced).await;
    assert_eq!(
        app.post(&format!("/V1/orders/{invoiced}/cancel"), json!({}))
            .await,
        (200, json!(false))
    );
    assert_eq!(app.order(invoiced).await, before);
    let held = app.place_guest_order(SKU, 1.0).await;
    app.post(&format!("/V1/orders/{held}/hold"), json!({}))
        .await;
    assert_eq!(
        app.post(&format!("/V1/orders/{held}/cancel"), json!({}))
            .await,
        (200, json!(false))
    );
    app.ship_order(invoiced, json!({})).await;
    assert_eq!(app.state_of(invoiced).await.0, "complete");
    assert_eq!(
        app.post(&format!("/V1/orders/{invoiced}/cancel"), json!({}))
            .await,
        (200, json!(false))
    );
}

#[tokio::test]
async fn canceling_a_partly_invoiced_order_keeps_the_invoiced_part() {
    let (app, id) = TestApp::with_order(3.0).await;
    let item = app.item_id(id).await;
    app.invoice_order(id, json!({"items": [{"order_item_id": item, "qty": 1}]}))
        .await;
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/cancel"), json!({}))
            .await,
        (200, json!(true))
    );
    let o = app.order(id).await;
    // One invoiced unit still waits for its shipment.
    assert_eq!(o["state"], "processing");
    assert_eq!(qty(&o, "qty_canceled"), 2.0);
    assert_eq!(o["subtotal_canceled"], 20);
    assert_eq!(o["total_canceled"], 20);
    assert_eq!(app.salable(SKU).await, 14.0);
    assert_eq!(app.ship_order(id, json!({})).await.0, 200);
    assert_eq!(app.state_of(id).await.0, "complete");
    assert_eq!(qty(&app.order(id).await, "qty_shipped"), 1.0);
    assert_eq!(app.salable(SKU).await, 14.0);
}

#[tokio::test]
async fn hold_and_unhold() {
    let (app, id) = TestApp::with_order(1.0).await;
    app.handle
        .core()
        .clock
        .set(time::macros::datetime!(2025-07-21 22:00:00 UTC));
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/unhold"), json!({}))
            .await,
        (400, message("You cannot remove the hold."))
    );
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/hold"), json!({})).await,
        (200, json!(true))
    );
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("holded"), json!("holded"))
    );
    assert_eq!(o["hold_before_state"], "new");
    assert_eq!(o["hold_before_status"], "pending");
    assert_eq!(o["updated_at"], "2025-07-21 22:00:00");
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/hold"), json!({})).await,
        (400, message("A hold action is not available."))
    );
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/unhold"), json!({}))
            .await,
        (200, json!(true))
    );
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("new"), json!("pending"))
    );
    assert!(o.get("hold_before_state").is_none());
    // Complete orders cannot be held.
    app.invoice_order(id, json!({})).await;
    app.ship_order(id, json!({})).await;
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/hold"), json!({})).await,
        (400, message("A hold action is not available."))
    );
}

#[tokio::test]
async fn comments_relabel_the_status_and_list_newest_first() {
    let (app, id) = TestApp::with_order(1.0).await;
    assert_eq!(
        app.post(
            &format!("/V1/orders/{id}/comments"),
            json!({"statusHistory": {"comment": "Called the customer", "is_customer_notified": 0, "is_visible_on_front": 0}})
        )
        .await,
        (200, json!(true))
    );
    assert_eq!(app.state_of(id).await, ("new".into(), "pending".into()));
    assert_eq!(
        app.post(
            &format!("/V1/orders/{id}/comments"),
            json!({"statusHistory": {"comment": "Checking fraud", "is_customer_notified": 1, "is_visible_on_front": 1, "status": "fraud"}})
        )
        .await,
        (200, json!(true))
    );
    let o = app.order(id).await;
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("new"), json!("fraud"))
    );
    let h = &o["status_histories"];
    assert_eq!(h[0]["comment"], "Checking fraud");
    assert_eq!(h[0]["status"], "fraud");
    assert_eq!(h[0]["is_customer_notified"], 1);
    assert_eq!(h[0]["parent_id"], id);
    assert_eq!(h[1]["comment"], "Called the customer");
    // Issue 11, item 7: the comments as a search result, oldest first, and the status.
    let (status, list) = app.get(&format!("/V1/orders/{id}/comments")).await;
    assert_eq!(status, 200);
    assert_eq!(list["total_count"], json!(2));
    assert_eq!(list["items"][0], h[1]);
    assert_eq!(list["items"][1], h[0]);
    assert_eq!(
        list["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "parent_id", "value": id.to_string(), "condition_type": "eq"}]}]})
    );
    assert_eq!(
        app.get(&format!("/V1/orders/{id}/statuses")).await,
        (200, json!("fraud"))
    );
    let (status, none) = app.get("/V1/orders/999/comments").await;
    assert_eq!(
        (status, none["items"].clone(), none["total_count"].clone()),
        (200, json!([]), json!(0))
    );
    assert_eq!(app.get("/V1/orders/999/statuses").await.0, 404);
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/comments"), json!({}))
            .await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "statusHistory"}})
        )
    );
    // An invoice puts the state's default status back.
    app.invoice_order(id, json!({})).await;
    assert_eq!(
        app.state_of(id).await,
        ("processing".into(), "processing".into())
    );
}

#[tokio::test]
async fn save_forces_state_and_status() {
    let (app, id) = TestApp::with_order(1.0).await;
    let (status, o) = app
        .post(
            "/V1/orders",
            json!({"entity": {"entity_id": id, "state": "processing", "status": "in_production", "ext_order_id": "ERP-7"}}),
        )
        .await;
    assert_eq!(status, 200, "{o}");
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("processing"), json!("in_production"))
    );
    assert_eq!(o["ext_order_id"], "ERP-7");
    assert_eq!(o["items"][0]["sku"], SKU);
    assert_eq!(app.order(id).await, o);
    let (status, o) = app
        .put(
            "/V1/orders/create",
            json!({"entity": {"entity_id": id, "status": "ready_to_ship"}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (o["state"].clone(), o["status"].clone()),
        (json!("processing"), json!("ready_to_ship"))
    );
    // Forced to complete, the lifecycle refuses what complete orders refuse.
    app.post(
        "/V1/orders",
        json!({"entity": {"entity_id": id, "state": "complete", "status": "complete"}}),
    )
    .await;
    assert_eq!(
        app.post(&format!("/V1/orders/{id}/cancel"), json!({}))
            .await,
        (200, json!(false))
    );
    // Unknown order, no order, no entity id.
    assert_eq!(
        app.post(
            "/V1/orders",
            json!({"entity": {"entity_id": 99, "status": "x"}})
        )
        .await,
        (404, not_found())
    );
    let (status, body) = app
        .post("/V1/orders", json!({"entity": {"status": "x"}}))
        .await;
    assert_eq!(status, 500);
    assert!(
        body["message"].as_str().is_some_and(|m| m.starts_with(
            "Internal Error. Details are available in Magento log file. Report ID: webapi-"
        )),
        "{body}"
    );
    assert_eq!(
        app.post("/V1/orders", json!({})).await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "entity"}})
        )
    );
}

#[tokio::test]
async fn document_lists_take_search_criteria() {
    let (app, first) = TestApp::with_order(1.0).await;
    let second = app.place_guest_order(SKU, 2.0).await;
    for id in [first, second] {
        app.invoice_order(id, json!({})).await;
        app.ship_order(id, json!({})).await;
        app.refund_order(id, json!({})).await;
    }
    for (path, label) in [
        ("/V1/invoices", "invoice"),
        ("/V1/shipments", "shipment"),
        ("/V1/creditmemos", "creditmemo"),
    ] {
        let (status, all) = app.get(&format!("{path}?searchCriteria=0")).await;
        assert_eq!(status, 200, "{label}: {all}");
        assert_eq!(all["total_count"], 2, "{label}");
        let (status, one) = app
            .get(&format!(
                "{path}?searchCriteria[filter_groups][0][filters][0][field]=order_id\
                 &searchCriteria[filter_groups][0][filters][0][value]={second}"
            ))
            .await;
        assert_eq!(status, 200);
        assert_eq!(one["total_count"], 1, "{label}");
        assert_eq!(one["items"][0]["order_id"], second, "{label}");
        assert_eq!(one["items"][0]["increment_id"], "000000002", "{label}");
        let (status, body) = app.get(path).await;
        assert_eq!(
            (status, body),
            (
                400,
                json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}})
            ),
            "{label}"
        );
    }
    let (_, by_state) = app
        .get("/V1/invoices?searchCriteria[filter_groups][0][filters][0][field]=state&searchCriteria[filter_groups][0][filters][0][value]=2")
        .await;
    assert_eq!(by_state["total_count"], 2);
}

#[tokio::test]
async fn every_change_bumps_updated_at() {
    let (app, id) = TestApp::with_order(2.0).await;
    let steps = [
        (
            format!("/V1/orders/{id}/comments"),
            json!({"statusHistory": {"comment": "hi"}}),
        ),
        (format!("/V1/orders/{id}/hold"), json!({})),
        (format!("/V1/orders/{id}/unhold"), json!({})),
        (format!("/V1/order/{id}/invoice"), json!({})),
        (format!("/V1/order/{id}/ship"), json!({})),
        (format!("/V1/order/{id}/refund"), json!({})),
    ];
    for (minute, (path, body)) in (1..).zip(steps) {
        let at = time::macros::datetime!(2025-07-21 21:00:00 UTC) + time::Duration::minutes(minute);
        app.handle.core().clock.set(at);
        let (status, res) = app.post(&path, body).await;
        assert_eq!(status, 200, "{path}: {res}");
        assert_eq!(
            app.order(id).await["updated_at"],
            format!("2025-07-21 21:{minute:02}:00"),
            "{path}"
        );
    }
}
