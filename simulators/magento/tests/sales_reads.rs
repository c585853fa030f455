//! Order item reads (`GET /V1/orders/items…`), shipment tracks (`POST
//! /V1/shipment/track`, `DELETE /V1/shipment/track/{id}`, `tracks` of `POST
//! /V1/order/{id}/ship`) and the comments of invoices, shipments and credit memos,
//! over HTTP. Ports the web-API functional tests of
//! `dev/tests/api-functional/testsuite/Magento/Sales/Service/V1/`, their PHP fixtures
//! rebuilt through the API (a guest order, then invoice, ship, refund) or through
//! `PUT /__sim/state`.

mod common;

use std::time::Duration;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const SKU: &str = "sales-tee";
/// The test clock's start, as Magento's DATETIME columns print it.
const T0: &str = "2025-07-21 20:49:08";

fn not_found() -> Value {
    json!({"message": "The entity that was requested doesn't exist. Verify the entity and try again."})
}

fn message(text: &str) -> Value {
    json!({ "message": text })
}

fn acl(resource: &str) -> Value {
    json!({"message": "The consumer isn't authorized to access %resources.",
           "parameters": {"resources": resource}})
}

fn type_error(value: &str, expected: &str, field: &str) -> Value {
    message(&format!(
        "Error occurred during \"{field}\" processing. The \"{value}\" value's type is invalid. The \"{expected}\" type was expected. Verify and try again."
    ))
}

const TRACK_NOT_SAVED: &str = "Could not save the shipment tracking.";

impl TestApp {
    /// A store with `SKU` at $10 and a guest order of `qty` of it, invoiced and
    /// shipped in full: `(app, order id, invoice id, shipment id)`.
    async fn shipped(qty: f64) -> (TestApp, u64, u64, u64) {
        let app = spawn_app().await;
        app.stocked_product(SKU, 10.0, 10.0, 5.0).await;
        let order = app.place_guest_order(SKU, qty).await;
        let (invoice, shipment) = app.invoice_and_ship(order).await;
        (app, order, invoice, shipment)
    }

    async fn invoice_and_ship(&self, order: u64) -> (u64, u64) {
        let (status, invoice) = self
            .post(&format!("/V1/order/{order}/invoice"), json!({}))
            .await;
        assert_eq!(status, 200, "{invoice}");
        let (status, shipment) = self
            .post(&format!("/V1/order/{order}/ship"), json!({}))
            .await;
        assert_eq!(status, 200, "{shipment}");
        (id_of(&invoice), id_of(&shipment))
    }

    async fn refund(&self, order: u64) -> u64 {
        let (status, memo) = self
            .post(&format!("/V1/order/{order}/refund"), json!({}))
            .await;
        assert_eq!(status, 200, "{memo}");
        id_of(&memo)
    }

    async fn ok_get(&self, path: &str) -> Value {
        let (status, body) = self.get(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    async fn anonymous(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call_as(None, method, path, body).await
    }

    fn tick(&self, secs: u64) {
        self.handle.core().clock.advance(Duration::from_secs(secs));
    }

    fn indexes_hold(&self) {
        let checked = self.handle.magento().with_state(|s| s.check_indexes());
        assert_eq!(checked, Ok(()));
    }

    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}/__sim{path}", self.handle.base_url()));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("admin request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("admin JSON"))
    }

    async fn export(&self) -> Value {
        let (status, state) = self.admin(reqwest::Method::GET, "/state", None).await;
        assert_eq!(status, 200, "{state}");
        state
    }

    async fn import(&self, state: Value) -> (u16, Value) {
        self.admin(reqwest::Method::PUT, "/state", Some(state))
            .await
    }
}

/// A created document's id: the service answers it as a numeric string.
fn id_of(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("an id string: {v}"))
}

// ---------------------------------------------------------------------------
// Order items

/// `OrderItemGetTest::testGet`: the item of `Magento/Sales/_files/order.php` (here a
/// guest order of one simple product) read on its own.
#[tokio::test]
async fn an_order_item_reads_as_it_appears_in_its_order() {
    let app = spawn_app().await;
    app.stocked_product(SKU, 10.0, 10.0, 5.0).await;
    let order_id = app.place_guest_order(SKU, 2.0).await;
    let order = app.ok_get(&format!("/V1/orders/{order_id}")).await;
    let in_order = order["items"][0].clone();
    let item_id = in_order["item_id"].as_u64().expect("item id");

    let item = app.ok_get(&format!("/V1/orders/items/{item_id}")).await;
    assert_eq!(item, in_order);
    // assertOrderItem.
    assert_eq!(item["item_id"], item_id);
    assert_eq!(item["order_id"], order_id);
    assert_eq!(item["product_type"], "simple");
    assert_eq!(item["base_price"], 10);
    assert_eq!(item["row_total"], 20);
    // Nullable fields are left out, not sent as null.
    for (field, value) in item.as_object().expect("an object") {
        if field != "sku" {
            assert!(!value.is_null(), "{field} is null");
        }
    }
    // The item follows its order through the lifecycle.
    app.invoice_and_ship(order_id).await;
    let item = app.ok_get(&format!("/V1/orders/items/{item_id}")).await;
    assert_eq!(item["qty_shipped"], 2);
    assert_eq!(
        item,
        app.ok_get(&format!("/V1/orders/{order_id}")).await["items"][0]
    );
    app.indexes_hold();
}

#[tokio::test]
async fn order_item_refusals() {
    let app = spawn_app().await;
    // `ItemRepository::get`: no id → InputException, unknown → NoSuchEntityException.
    assert_eq!(
        app.get("/V1/orders/items/0").await,
        (400, message("An ID is needed. Set the ID and try again."))
    );
    assert_eq!(app.get("/V1/orders/items/77").await, (404, not_found()));
    assert_eq!(
        app.get("/V1/orders/items/abc").await,
        (400, type_error("abc", "int", "id"))
    );
    // getList's searchCriteria is required.
    assert_eq!(
        app.get("/V1/orders/items").await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "searchCriteria"}})
        )
    );
    // ACL: Magento_Sales::actions_view, as the order reads.
    for path in ["/V1/orders/items/1", "/V1/orders/items?searchCriteria="] {
        assert_eq!(
            app.anonymous(reqwest::Method::GET, path, None).await,
            (401, acl("Magento_Sales::actions_view"))
        );
    }
}

/// `OrderItemGetListTest::testGetList`. The fixture (`order_item_list.php`) writes
/// four items straight into `sales_order_item` — configurable at 90 and 100, virtual
/// at 110, simple at 123 — with row totals that are not price × quantity (92, 102,
/// 112); here they are rebuilt as an order of the four prices (quantity 1) whose item
/// types are set through `PUT /__sim/state`, so the row totals are the prices and the
/// expected order is [110, 100, 90] instead of [112, 102, 92].
#[tokio::test]
async fn order_items_search_with_filter_groups_and_sort() {
    let app = spawn_app().await;
    for (sku, price) in [
        ("conf-a", 90.0),
        ("conf-b", 100.0),
        ("virt", 110.0),
        ("simp", 123.0),
    ] {
        app.stocked_product(sku, price, 10.0, 0.0).await;
    }
    let order = app
        .place_guest_order_lines(&[
            ("conf-a", 1.0),
            ("conf-b", 1.0),
            ("virt", 1.0),
            ("simp", 1.0),
        ])
        .await;
    let mut state = app.export().await;
    let items = state["orders"][order.to_string()]["items"]
        .as_array_mut()
        .expect("items");
    for (item, kind) in items
        .iter_mut()
        .zip(["configurable", "configurable", "virtual", "simple"])
    {
        item["product_type"] = json!(kind);
    }
    let (status, body) = app.import(state).await;
    assert_eq!(status, 200, "{body}");

    // (product_type neq simple) AND (product_type = configurable OR base_price gteq 110),
    // row_total DESC.
    let query = "searchCriteria[filter_groups][0][filters][0][field]=product_type\
        &searchCriteria[filter_groups][0][filters][0][value]=simple\
        &searchCriteria[filter_groups][0][filters][0][condition_type]=neq\
        &searchCriteria[filter_groups][1][filters][0][field]=product_type\
        &searchCriteria[filter_groups][1][filters][0][value]=configurable\
        &searchCriteria[filter_groups][1][filters][1][field]=base_price\
        &searchCriteria[filter_groups][1][filters][1][value]=110\
        &searchCriteria[filter_groups][1][filters][1][condition_type]=gteq\
        &searchCriteria[sort_orders][0][field]=row_total\
        &searchCriteria[sort_orders][0][direction]=DESC";
    let result = app.ok_get(&format!("/V1/orders/items?{query}")).await;
    let totals: Vec<Value> = result["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["row_total"].clone())
        .collect();
    assert_eq!(totals, vec![json!(110), json!(100), json!(90)]);
    assert_eq!(result["total_count"], 3);
    // Each one as the order shows it.
    let o = app.ok_get(&format!("/V1/orders/{order}")).await;
    assert_eq!(result["items"][0], o["items"][2]);

    // Without filters: every item of every order, in item id order.
    let second = app.place_guest_order("simp", 2.0).await;
    let all = app.ok_get("/V1/orders/items?searchCriteria=").await;
    let ids: Vec<u64> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["item_id"].as_u64())
        .collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    assert_eq!(all["items"][4]["order_id"], second);
    app.indexes_hold();
}

// ---------------------------------------------------------------------------
// Shipment tracks

fn track_entity(order_id: Value, parent_id: Value) -> Value {
    json!({"entity": {
        "entity_id": null,
        "order_id": order_id,
        "parent_id": parent_id,
        "weight": 20,
        "qty": 5,
        "track_number": 2,
        "description": "Shipment description",
        "title": "Shipment title",
        "carrier_code": "custom"
    }})
}

/// `ShipmentAddTrackTest::testShipmentAddTrack` (fixture `shipment.php`: an order
/// with one shipment).
#[tokio::test]
async fn a_track_is_added_to_a_shipment_and_read_back() {
    let (app, order, _, shipment) = TestApp::shipped(1.0).await;
    app.tick(30);
    let (status, track) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    assert_eq!(status, 200, "{track}");
    assert!(!track["entity_id"].is_null());
    assert_eq!(track["parent_id"], shipment);
    // The whole answer: ShipmentTrackInterface's getters in declaration order, the
    // track number as a string, the timestamps read back after the insert.
    let at = "2025-07-21 20:49:38";
    let expected = json!({
        "carrier_code": "custom", "created_at": at, "description": "Shipment description",
        "entity_id": 1, "order_id": order, "parent_id": shipment, "qty": 5,
        "title": "Shipment title", "track_number": "2", "updated_at": at, "weight": 20
    });
    assert_eq!(track, expected);
    assert_eq!(
        track
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        expected
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
    );
    // Read back on the shipment and in the list.
    let s = app.ok_get(&format!("/V1/shipment/{shipment}")).await;
    assert_eq!(s["tracks"], json!([expected]));
    let list = app
        .ok_get(&format!(
            "/V1/shipments?searchCriteria[filter_groups][0][filters][0][field]=order_id\
             &searchCriteria[filter_groups][0][filters][0][value]={order}"
        ))
        .await;
    assert_eq!(list["items"][0]["tracks"], json!([expected]));
    // The next one takes the next id.
    let (status, second) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    assert_eq!((status, second["entity_id"].clone()), (200, json!(2)));
    app.indexes_hold();
}

/// `ShipmentAddTrackTest::testShipmentTrackWithFailedOrderId` (fixtures `shipment.php`
/// and `order_list.php`: the track names the shipment of one order and another order).
#[tokio::test]
async fn a_track_for_a_shipment_of_another_order_is_refused() {
    let (app, order, _, shipment) = TestApp::shipped(1.0).await;
    let other = app.place_guest_order(SKU, 1.0).await;
    let before = app.export().await;
    assert_eq!(
        app.post(
            "/V1/shipment/track",
            track_entity(json!(other), json!(shipment))
        )
        .await,
        (400, message(TRACK_NOT_SAVED))
    );
    assert!(
        app.export().await == before,
        "a refused track changed the store"
    );
    // The track counter did not move.
    let (status, track) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    assert_eq!((status, track["entity_id"].clone()), (200, json!(1)));
}

#[tokio::test]
async fn track_refusals_are_the_repositorys_one_message() {
    let (app, order, _, shipment) = TestApp::shipped(1.0).await;
    let before = app.export().await;
    let base = track_entity(json!(order), json!(shipment));
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b["entity"][key] = value;
        b
    };
    let without = |key: &str| {
        let mut b = base.clone();
        b["entity"].as_object_mut().map(|o| o.remove(key));
        b
    };
    for body in [
        // An unknown shipment.
        with("parent_id", json!(99)),
        without("parent_id"),
        without("order_id"),
        // Track validator: number and carrier code present and not empty.
        without("track_number"),
        with("track_number", json!("")),
        with("track_number", json!("0")),
        without("carrier_code"),
        with("carrier_code", json!("")),
        // VARCHAR(32).
        with("carrier_code", json!("c".repeat(33))),
    ] {
        assert_eq!(
            app.post("/V1/shipment/track", body.clone()).await,
            (400, message(TRACK_NOT_SAVED)),
            "{body}"
        );
    }
    // Binding errors come first, with the framework's bodies.
    assert_eq!(
        app.post("/V1/shipment/track", json!({})).await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "entity"}})
        )
    );
    assert_eq!(
        app.post("/V1/shipment/track", with("weight", json!("heavy")))
            .await,
        (400, type_error("heavy", "float", "weight"))
    );
    assert!(
        app.export().await == before,
        "a refused track changed the store"
    );
    // A field ShipmentTrackInterface has no getter for: the input processor's
    // LogicException, a masked 500.
    let (status, body) = app
        .post("/V1/shipment/track", with("colour", json!("red")))
        .await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Internal Error.")),
        "{body}"
    );
    assert_eq!(
        app.export().await["shipments"],
        before["shipments"],
        "a refused track changed the shipments"
    );
    // ACL.
    assert_eq!(
        app.anonymous(
            reqwest::Method::POST,
            "/V1/shipment/track",
            Some(base.clone())
        )
        .await,
        (401, acl("Magento_Sales::shipment"))
    );
    assert_eq!(
        app.anonymous(reqwest::Method::DELETE, "/V1/shipment/track/1", None)
            .await,
        (401, acl("Magento_Sales::shipment"))
    );
}

/// `ShipmentRemoveTrackTest::testShipmentRemoveTrack`.
#[tokio::test]
async fn a_track_is_removed_and_unknown_ids_answer_true() {
    let (app, order, _, shipment) = TestApp::shipped(1.0).await;
    let (status, track) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    assert_eq!(status, 200, "{track}");
    let id = track["entity_id"].as_u64().expect("track id");
    assert_eq!(
        app.delete(&format!("/V1/shipment/track/{id}")).await,
        (200, json!(true))
    );
    // assertNoAvailableTrackItems.
    let s = app.ok_get(&format!("/V1/shipment/{shipment}")).await;
    assert_eq!(s["tracks"], json!([]));
    app.indexes_hold();
    // `deleteById` deletes WHERE entity_id = … without looking: gone or never there
    // is `true` too.
    let before = app.export().await;
    assert_eq!(
        app.delete(&format!("/V1/shipment/track/{id}")).await,
        (200, json!(true))
    );
    assert_eq!(
        app.delete("/V1/shipment/track/999").await,
        (200, json!(true))
    );
    assert!(app.export().await == before);
    assert_eq!(
        app.delete("/V1/shipment/track/x1").await,
        (400, type_error("x1", "int", "id"))
    );
}

#[tokio::test]
async fn a_track_with_an_id_is_updated_in_place() {
    let (app, order, _, shipment) = TestApp::shipped(1.0).await;
    let (_, track) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    app.tick(60);
    let (status, updated) = app
        .post(
            "/V1/shipment/track",
            json!({"entity": {"entity_id": track["entity_id"], "order_id": order,
                   "parent_id": shipment, "track_number": "1Z-NEW", "carrier_code": "ups"}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    // The answer is the entity as sent; created_at and updated_at are read back.
    assert_eq!(
        updated,
        json!({"carrier_code": "ups", "created_at": T0, "description": null, "entity_id": 1,
               "order_id": order, "parent_id": shipment, "qty": null, "title": null,
               "track_number": "1Z-NEW", "updated_at": "2025-07-21 20:50:08", "weight": null})
    );
    // The row keeps the fields the update did not send.
    let s = app.ok_get(&format!("/V1/shipment/{shipment}")).await;
    assert_eq!(s["tracks"].as_array().map(Vec::len), Some(1));
    let t = &s["tracks"][0];
    assert_eq!(
        (
            t["track_number"].clone(),
            t["title"].clone(),
            t["weight"].clone()
        ),
        (json!("1Z-NEW"), json!("Shipment title"), json!(20))
    );
    assert_eq!(t["updated_at"], "2025-07-21 20:50:08");
    // An id no track has: an UPDATE of nothing; the answer is the entity as sent.
    let before = app.export().await;
    let (status, ghost) = app
        .post(
            "/V1/shipment/track",
            json!({"entity": {"entity_id": 50, "order_id": order, "parent_id": shipment,
                   "track_number": "X", "carrier_code": "dhl"}}),
        )
        .await;
    assert_eq!(status, 200, "{ghost}");
    assert_eq!(ghost["entity_id"], 50);
    assert!(ghost.get("created_at").is_none(), "{ghost}");
    assert!(app.export().await == before);
    // Id 0 is a new object (`isObjectNew()` is `!(bool) id`): an insert.
    let (status, fresh) = app
        .post(
            "/V1/shipment/track",
            json!({"entity": {"entity_id": 0, "order_id": order, "parent_id": shipment,
                   "track_number": "Y", "carrier_code": "dhl"}}),
        )
        .await;
    assert_eq!(
        (status, fresh["entity_id"].clone()),
        (200, json!(2)),
        "{fresh}"
    );
    app.indexes_hold();
}

/// `ShipOrderTest::testShipOrder` (fixture `order_new.php`): ship with lines, a
/// comment and a track; the track and the comment are read back on the shipment.
#[tokio::test]
async fn ship_order_tracks_and_comment_are_read_back() {
    let app = spawn_app().await;
    app.stocked_product(SKU, 10.0, 10.0, 5.0).await;
    let order = app.place_guest_order(SKU, 2.0).await;
    let before = app.ok_get(&format!("/V1/orders/{order}")).await;
    let item = before["items"][0]["item_id"].clone();
    let (status, id) = app
        .post(
            &format!("/V1/order/{order}/ship"),
            json!({
                "items": [{"order_item_id": item, "qty": 2}],
                "comment": {"comment": "Test Comment", "is_visible_on_front": 1},
                "tracks": [{"track_number": "TEST_TRACK_0001", "title": "Simple shipment track",
                            "carrier_code": "UPS"}]
            }),
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let shipment = id_of(&id);
    let after = app.ok_get(&format!("/V1/orders/{order}")).await;
    assert_ne!(before["status"], after["status"]);
    let s = app.ok_get(&format!("/V1/shipment/{shipment}")).await;
    assert_eq!(
        s["tracks"],
        json!([{"carrier_code": "UPS", "created_at": T0, "description": null, "entity_id": 1,
                "order_id": order, "parent_id": shipment, "qty": null,
                "title": "Simple shipment track", "track_number": "TEST_TRACK_0001",
                "updated_at": T0, "weight": null}])
    );
    assert_eq!(s["comments"][0]["comment"], "Test Comment");
    assert_eq!(s["comments"][0]["is_visible_on_front"], 1);
    // The track can be removed like any other.
    assert_eq!(app.delete("/V1/shipment/track/1").await, (200, json!(true)));
    app.indexes_hold();
}

/// `ShipOrderTest::testShipOrderWithoutTrackingNumberReturnsError`.
#[tokio::test]
async fn ship_order_without_a_tracking_number_is_refused() {
    let app = spawn_app().await;
    app.stocked_product(SKU, 10.0, 10.0, 5.0).await;
    let order = app.place_guest_order(SKU, 1.0).await;
    assert_eq!(
        app.post(
            &format!("/V1/order/{order}/ship"),
            json!({
                "comment": {"comment": "Test Comment", "is_visible_on_front": 1},
                "tracks": [{"title": "Simple shipment track", "carrier_code": "UPS"}]
            }),
        )
        .await,
        (
            400,
            message("Shipment Document Validation Error(s):\nPlease enter a tracking number.")
        )
    );
}

// ---------------------------------------------------------------------------
// Document comments

fn comment_entity(parent_id: u64) -> Value {
    json!({"entity": {
        "comment": "Hello world!",
        "entity_id": null,
        "created_at": null,
        "parent_id": parent_id,
        "is_visible_on_front": 1,
        "is_customer_notified": 1
    }})
}

/// The answer to a comment save: the entity as sent with its new id; `created_at`
/// stays null (the comment tables have no `updated_at`, so `EntityAbstract` does not
/// read the timestamps back).
fn saved_comment(id: u64, parent_id: u64) -> Value {
    json!({"comment": "Hello world!", "created_at": null, "entity_id": id,
           "is_customer_notified": 1, "is_visible_on_front": 1, "parent_id": parent_id})
}

fn listed(items: Value, parent_id: u64) -> Value {
    json!({
        "items": items,
        "search_criteria": {"filter_groups": [{"filters": [
            {"field": "parent_id", "value": parent_id.to_string(), "condition_type": "eq"}
        ]}]},
        "total_count": items.as_array().map_or(0, Vec::len),
    })
}

/// `InvoiceAddCommentTest::testInvoiceAddComment` and
/// `InvoiceCommentsListTest::testInvoiceCommentsList` (fixture `invoice.php`).
#[tokio::test]
async fn invoice_comments_are_added_listed_and_read_back() {
    let (app, _, invoice, _) = TestApp::shipped(1.0).await;
    app.tick(5);
    let (status, saved) = app
        .post("/V1/invoices/comments", comment_entity(invoice))
        .await;
    assert_eq!((status, saved), (200, saved_comment(1, invoice)));
    let stored = json!({"comment": "Hello world!", "created_at": "2025-07-21 20:49:13",
                        "entity_id": 1, "is_customer_notified": 1, "is_visible_on_front": 1,
                        "parent_id": invoice});
    assert_eq!(
        app.ok_get(&format!("/V1/invoices/{invoice}/comments"))
            .await,
        listed(json!([stored]), invoice)
    );
    assert_eq!(
        app.ok_get(&format!("/V1/invoices/{invoice}")).await["comments"],
        json!([stored])
    );
    // Comments take ids from the one comment counter; a second lists after the first.
    let (status, second) = app
        .post(
            "/V1/invoices/comments",
            json!({"entity": {"parent_id": invoice, "comment": "Paid by cheque"}}),
        )
        .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        second,
        json!({"comment": "Paid by cheque", "created_at": null, "entity_id": 2,
               "is_customer_notified": null, "is_visible_on_front": null,
               "parent_id": invoice})
    );
    let list = app
        .ok_get(&format!("/V1/invoices/{invoice}/comments"))
        .await;
    assert_eq!(list["total_count"], 2);
    assert_eq!(
        list["items"][1],
        json!({"comment": "Paid by cheque", "created_at": "2025-07-21 20:49:13",
               "entity_id": 2, "is_customer_notified": null, "is_visible_on_front": 0,
               "parent_id": invoice})
    );
    // With the id of one of the invoice's comments the save overwrites it; 0 adds one.
    app.tick(5);
    let (status, edited) = app
        .post(
            "/V1/invoices/comments",
            json!({"entity": {"entity_id": 2, "parent_id": invoice, "comment": "Paid by card"}}),
        )
        .await;
    assert_eq!((status, edited["entity_id"].clone()), (200, json!(2)));
    let (status, third) = app
        .post(
            "/V1/invoices/comments",
            json!({"entity": {"entity_id": 0, "parent_id": invoice, "comment": "Shipped"}}),
        )
        .await;
    assert_eq!((status, third["entity_id"].clone()), (200, json!(3)));
    let list = app
        .ok_get(&format!("/V1/invoices/{invoice}/comments"))
        .await;
    let texts: Vec<(Value, Value)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| (c["comment"].clone(), c["created_at"].clone()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (json!("Hello world!"), json!("2025-07-21 20:49:13")),
            (json!("Paid by card"), json!("2025-07-21 20:49:13")),
            (json!("Shipped"), json!("2025-07-21 20:49:18")),
        ]
    );
    // The service does not look the invoice up: an unknown id is an empty list.
    assert_eq!(
        app.ok_get("/V1/invoices/77/comments").await,
        listed(json!([]), 77)
    );
    // ACL.
    assert_eq!(
        app.anonymous(reqwest::Method::GET, "/V1/invoices/1/comments", None)
            .await,
        (401, acl("Magento_Sales::sales_invoice"))
    );
    assert_eq!(
        app.anonymous(
            reqwest::Method::POST,
            "/V1/invoices/comments",
            Some(comment_entity(invoice))
        )
        .await,
        (401, acl("Magento_Sales::sales_invoice"))
    );
}

/// `ShipmentAddCommentTest::testShipmentAddComment` and
/// `ShipmentCommentsListTest::testShipmentCommentsList` (fixture `shipment.php`).
#[tokio::test]
async fn shipment_comments_are_added_listed_and_read_back() {
    let (app, _, _, shipment) = TestApp::shipped(1.0).await;
    // The URL's id is not an argument of the repository's save: the entity decides.
    let (status, saved) = app
        .post("/V1/shipment/999/comments", comment_entity(shipment))
        .await;
    assert_eq!((status, saved), (200, saved_comment(1, shipment)));
    let list = app
        .ok_get(&format!("/V1/shipment/{shipment}/comments"))
        .await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["items"][0]["comment"], "Hello world!");
    assert_eq!(list["items"][0]["created_at"], T0);
    assert_eq!(
        app.ok_get(&format!("/V1/shipment/{shipment}")).await["comments"],
        list["items"]
    );
    assert_eq!(
        app.anonymous(reqwest::Method::GET, "/V1/shipment/1/comments", None)
            .await,
        (401, acl("Magento_Sales::shipment"))
    );
}

/// `CreditmemoAddCommentTest::testCreditmemoAddComment` (fixture
/// `creditmemo_with_list.php`) and `CreditmemoCommentsListTest::testCreditmemoCommentsList`
/// (fixture `creditmemo_for_get.php`): a credit memo without comments, then one.
#[tokio::test]
async fn creditmemo_comments_are_added_listed_and_read_back() {
    let (app, order, _, _) = TestApp::shipped(1.0).await;
    let memo = app.refund(order).await;
    let (status, saved) = app
        .post(
            &format!("/V1/creditmemo/{memo}/comments"),
            comment_entity(memo),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    assert!(!saved["entity_id"].is_null());
    assert_eq!(saved["parent_id"], memo);
    let list = app.ok_get(&format!("/V1/creditmemo/{memo}/comments")).await;
    assert_eq!(list["items"][0]["entity_id"], saved["entity_id"]);
    assert_eq!(list["items"][0]["comment"], "Hello world!");
    assert_eq!(
        app.ok_get(&format!("/V1/creditmemo/{memo}")).await["comments"],
        list["items"]
    );
    assert_eq!(
        app.anonymous(
            reqwest::Method::POST,
            &format!("/V1/creditmemo/{memo}/comments"),
            Some(comment_entity(memo))
        )
        .await,
        (401, acl("Magento_Sales::sales_creditmemo"))
    );
}

#[tokio::test]
async fn comment_refusals_are_each_repositorys_one_message() {
    let (app, order, invoice, shipment) = TestApp::shipped(1.0).await;
    let memo = app.refund(order).await;
    let before = app.export().await;
    for (path, parent, text) in [
        (
            "/V1/invoices/comments".to_owned(),
            invoice,
            "Could not save the invoice comment.",
        ),
        (
            format!("/V1/shipment/{shipment}/comments"),
            shipment,
            "Could not save the shipment comment.",
        ),
        (
            format!("/V1/creditmemo/{memo}/comments"),
            memo,
            "Could not save the creditmemo comment.",
        ),
    ] {
        for entity in [
            json!({"parent_id": parent}),
            json!({"parent_id": parent, "comment": ""}),
            json!({"parent_id": parent, "comment": "0"}),
            json!({"comment": "Hi"}),
            json!({"parent_id": 0, "comment": "Hi"}),
            json!({"parent_id": 404, "comment": "Hi"}),
        ] {
            assert_eq!(
                app.post(&path, json!({ "entity": entity })).await,
                (400, message(text)),
                "{path} {entity}"
            );
        }
        assert_eq!(
            app.post(
                &path,
                json!({"entity": {"parent_id": "one", "comment": "Hi"}})
            )
            .await,
            (400, type_error("one", "int", "parent_id"))
        );
    }
    assert!(
        app.export().await == before,
        "a refused comment changed the store"
    );
}

// ---------------------------------------------------------------------------
// Import and export

#[tokio::test]
async fn tracks_and_comments_round_trip_and_bad_ones_are_refused() {
    let (app, order, invoice, shipment) = TestApp::shipped(1.0).await;
    let (status, _) = app
        .post(
            "/V1/shipment/track",
            track_entity(json!(order), json!(shipment)),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post("/V1/invoices/comments", comment_entity(invoice))
        .await;
    assert_eq!(status, 200);
    let state = app.export().await;
    assert_eq!(state["next"]["sales"]["track"], 2);
    let (status, body) = app.import(state.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert!(app.export().await == state);
    app.indexes_hold();
    // The imported track is found by its id.
    assert_eq!(app.delete("/V1/shipment/track/1").await, (200, json!(true)));
    assert_eq!(
        app.ok_get(&format!("/V1/shipment/{shipment}")).await["tracks"],
        json!([])
    );

    let refused = |change: &dyn Fn(&mut Value), needle: &'static str| {
        let mut s = state.clone();
        change(&mut s);
        (s, needle)
    };
    let inv = invoice.to_string();
    let shp = shipment.to_string();
    for (bad, needle) in [
        // Two comments of one invoice with one id.
        refused(
            &|s| {
                let c = s["invoices"][&inv]["comments"][0].clone();
                if let Some(list) = s["invoices"][&inv]["comments"].as_array_mut() {
                    list.push(c);
                }
            },
            "comment id 1 is listed twice",
        ),
        // The track counter behind a track.
        refused(
            &|s| s["next"]["sales"]["track"] = json!(1),
            "next.sales.track 1 must be above every shipment track id",
        ),
        // Two shipments' tracks with one id.
        refused(
            &|s| {
                let t = s["shipments"][&shp]["tracks"][0].clone();
                if let Some(list) = s["shipments"][&shp]["tracks"].as_array_mut() {
                    list.push(t);
                }
            },
            "track id 1 is listed twice",
        ),
        // A track without a carrier code.
        refused(
            &|s| s["shipments"][&shp]["tracks"][0]["carrier_code"] = json!(""),
            "needs a track_number and a carrier_code",
        ),
    ] {
        let before = app.export().await;
        let (status, body) = app.import(bad).await;
        assert_eq!(status, 400, "{body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(needle), "expected {needle:?} in {error:?}");
        assert!(
            app.export().await == before,
            "a refused import changed the store"
        );
    }
}
