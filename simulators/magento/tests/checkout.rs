//! Guest checkout over HTTP (reference §8.4, §7.6): cart, items, shipping estimates,
//! shipping information with totals, payment and placement; the `order_placed`
//! reservation and its effect on salable (not physical) quantity; every refusal; and
//! 64 concurrent checkouts competing for 10 units.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const SALABLE: &str = "/V1/inventory/get-product-salable-quantity";

fn address() -> Value {
    json!({"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"], "city": "Purchase",
           "region": "New York", "region_id": 43, "region_code": "NY", "postcode": "10577",
           "country_id": "US", "telephone": "512-555-1111", "email": "jdoe@example.com"})
}

impl TestApp {
    /// A simple product at `price` with `qty` at `ua-warehouse` (stock 2, the website's).
    async fn stocked(&self, sku: &str, price: f64, qty: f64) {
        let (status, body) = self
            .post(
                "/V1/products",
                json!({"product": {"sku": sku, "name": format!("Product {sku}"), "price": price,
                                   "weight": 1.5}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .post(
                "/V1/inventory/source-items",
                json!({"sourceItems": [{"sku": sku, "source_code": "ua-warehouse", "quantity": qty, "status": 1}]}),
            )
            .await;
        assert_eq!((status, body), (200, json!([])));
    }

    async fn anon(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as(None, method, path, body).await
    }

    async fn guest_cart(&self) -> String {
        let (status, id) = self
            .anon(reqwest::Method::POST, "/V1/guest-carts", None)
            .await;
        assert_eq!(status, 200);
        id.as_str().expect("a masked id").to_owned()
    }

    async fn guest(
        &self,
        method: reqwest::Method,
        cart: &str,
        tail: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.anon(method, &format!("/V1/guest-carts/{cart}{tail}"), body)
            .await
    }

    /// A cart with `qty` of `sku`, flat-rate shipping chosen.
    async fn ready_cart(&self, sku: &str, qty: f64) -> String {
        let cart = self.guest_cart().await;
        let (status, body) = self
            .guest(
                reqwest::Method::POST,
                &cart,
                "/items",
                Some(json!({"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .guest(
                reqwest::Method::POST,
                &cart,
                "/shipping-information",
                Some(json!({"addressInformation": {"shipping_address": address(), "billing_address": address(),
                    "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        cart
    }

    async fn pay(&self, cart: &str) -> (u16, Value) {
        self.guest(
            reqwest::Method::POST,
            cart,
            "/payment-information",
            Some(json!({"email": "jdoe@example.com", "paymentMethod": {"method": "checkmo"}})),
        )
        .await
    }

    async fn salable(&self, sku: &str) -> Value {
        let (status, body) = self.get(&format!("{SALABLE}/{sku}/2")).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

use reqwest::Method as M;

#[tokio::test]
async fn a_guest_checkout_places_a_pending_order_and_reserves_stock() {
    let app = spawn_app().await;
    app.stocked("tee", 22.0, 10.0).await;
    let cart = app.guest_cart().await;
    assert_eq!(cart.len(), 32);

    let (status, item) = app
        .guest(
            M::POST,
            &cart,
            "/items",
            Some(json!({"cartItem": {"sku": "tee", "qty": 2, "quote_id": cart}})),
        )
        .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(
        item,
        json!({"item_id": 1, "sku": "tee", "qty": 2, "name": "Product tee", "price": 22,
               "product_type": "simple", "quote_id": "1"})
    );

    let (status, methods) = app
        .guest(
            M::POST,
            &cart,
            "/estimate-shipping-methods",
            Some(json!({"address": {"country_id": "US"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        methods,
        json!([{"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate",
                "method_title": "Fixed", "amount": 10, "base_amount": 10, "available": true,
                "error_message": "", "price_excl_tax": 10, "price_incl_tax": 10}]),
        "flat rate is 5 per item; free shipping needs a subtotal of 100"
    );

    let (status, info) = app
        .guest(
            M::POST,
            &cart,
            "/shipping-information",
            Some(json!({"addressInformation": {"shipping_address": address(), "billing_address": address(),
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})),
        )
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(
        info["payment_methods"],
        json!([{"code": "checkmo", "title": "Check / Money order"},
               {"code": "banktransfer", "title": "Bank Transfer Payment"},
               {"code": "cashondelivery", "title": "Cash On Delivery"}])
    );
    assert_eq!(
        (
            &info["totals"]["subtotal"],
            &info["totals"]["shipping_amount"],
            &info["totals"]["grand_total"]
        ),
        (&json!(44), &json!(10), &json!(54))
    );

    let (status, order_id) = app.pay(&cart).await;
    assert_eq!((status, &order_id), (200, &json!("1")));

    let (status, order) = app.get("/V1/orders/1").await;
    assert_eq!(status, 200, "{order}");
    for (key, want) in [
        ("entity_id", json!(1)),
        ("increment_id", json!("000000001")),
        ("state", json!("new")),
        ("status", json!("pending")),
        ("customer_email", json!("jdoe@example.com")),
        ("customer_is_guest", json!(1)),
        ("customer_group_id", json!(0)),
        ("subtotal", json!(44)),
        ("shipping_amount", json!(10)),
        ("grand_total", json!(54)),
        ("total_due", json!(54)),
        ("total_qty_ordered", json!(2)),
        ("shipping_description", json!("Flat Rate - Fixed")),
        (
            "store_name",
            json!("Main Website\nMain Website Store\nDefault Store View"),
        ),
        ("weight", json!(3)),
    ] {
        assert_eq!(order[key], want, "{key} in {order:#}");
    }
    assert!(
        order.get("customer_id").is_none(),
        "guests have no customer_id"
    );
    assert_eq!(order["items"][0]["qty_ordered"], 2);
    assert_eq!(order["items"][0]["sku"], "tee");
    assert_eq!(order["billing_address"]["address_type"], "billing");
    assert_eq!(order["payment"]["method"], "checkmo");
    assert_eq!(
        order["payment"]["additional_information"],
        json!(["Check / Money order", ""])
    );
    assert_eq!(
        order["extension_attributes"]["shipping_assignments"][0]["shipping"]["method"],
        "flatrate_flatrate"
    );

    // The reservation holds 2; the source keeps its 10.
    assert_eq!(app.salable("tee").await, json!(8));
    let (_, items) = app
        .get("/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=tee")
        .await;
    assert_eq!(items["items"][0]["quantity"], 10);
    let reservations = app.handle.magento().with_state(|s| s.reservations.clone());
    assert_eq!(reservations.len(), 1);
    assert_eq!(
        (reservations[0].stock_id, reservations[0].quantity),
        (2, -2.0)
    );
    assert_eq!(
        reservations[0].metadata,
        r#"{"event_type":"order_placed","object_type":"order","object_id":"1","object_increment_id":"000000001"}"#
    );

    let view: Value = app
        .client
        .get(format!(
            "{}/__sim/reservations?sku=TEE",
            app.handle.base_url()
        ))
        .send()
        .await
        .expect("admin request")
        .json()
        .await
        .expect("admin JSON");
    assert_eq!(
        view["totals"],
        json!([{"sku": "tee", "stock_id": 2, "quantity": -2}])
    );
    assert_eq!(view["reservations"][0]["reservation_id"], 1);

    // The cart is gone once ordered.
    let (status, body) = app.guest(M::GET, &cart, "", None).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": 1}})
        )
    );
    let (_, list) = app
        .get("/V1/orders?searchCriteria[filter_groups][0][filters][0][field]=status&searchCriteria[filter_groups][0][filters][0][value]=pending")
        .await;
    assert_eq!(list["total_count"], 1);
}

#[tokio::test]
async fn free_shipping_from_the_threshold_and_item_updates() {
    let app = spawn_app().await;
    app.stocked("coat", 60.0, 5.0).await;
    let cart = app.guest_cart().await;
    app.guest(
        M::POST,
        &cart,
        "/items",
        Some(json!({"cartItem": {"sku": "coat", "qty": 1}})),
    )
    .await;
    let (status, item) = app
        .guest(
            M::PUT,
            &cart,
            "/items/1",
            Some(json!({"cartItem": {"qty": 2}})),
        )
        .await;
    assert_eq!((status, &item["qty"]), (200, &json!(2)));
    let (_, methods) = app
        .guest(
            M::POST,
            &cart,
            "/estimate-shipping-methods",
            Some(json!({"address": {"country_id": "US"}})),
        )
        .await;
    let codes: Vec<&str> = methods
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["carrier_code"].as_str())
        .collect();
    assert_eq!(codes, ["flatrate", "freeshipping"]);
    let (_, items) = app.guest(M::GET, &cart, "/items", None).await;
    assert_eq!(items.as_array().map(Vec::len), Some(1));
    assert_eq!(
        app.guest(M::DELETE, &cart, "/items/1", None).await,
        (200, json!(true))
    );
    assert_eq!(
        app.guest(M::DELETE, &cart, "/items/1", None).await,
        (
            404,
            json!({"message": "The %1 Cart doesn't contain the %2 item.", "parameters": [1, 1]})
        )
    );
}

#[tokio::test]
async fn checkout_refusals_answer_magentos_bodies() {
    let app = spawn_app().await;
    app.stocked("mug", 8.0, 3.0).await;
    let (status, body) = app.guest(M::GET, "not-a-cart", "", None).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "cartId", "fieldValue": null}})
        )
    );
    let cart = app.guest_cart().await;
    let cases = [
        (
            json!({"cartItem": {"sku": "mug", "qty": 4}}),
            400,
            json!({"message": "The requested qty is not available"}),
        ),
        (
            json!({"cartItem": {"sku": "mug", "qty": 0}}),
            400,
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "qty", "value": 0}}),
        ),
        (
            json!({"cartItem": {"sku": "ghost", "qty": 1}}),
            404,
            json!({"message": "The product that was requested doesn't exist. Verify the product and try again."}),
        ),
        (
            json!({}),
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "cartItem"}}),
        ),
    ];
    for (body, status, want) in cases {
        assert_eq!(
            app.guest(M::POST, &cart, "/items", Some(body.clone()))
                .await,
            (status, want),
            "{body}"
        );
    }
    // Shipping information on an empty cart, without an address, with an unknown carrier.
    let info = |carrier: &str| {
        json!({"addressInformation": {"shipping_address": address(),
        "shipping_carrier_code": carrier, "shipping_method_code": carrier}})
    };
    assert_eq!(
        app.guest(
            M::POST,
            &cart,
            "/shipping-information",
            Some(info("flatrate"))
        )
        .await,
        (
            400,
            json!({"message": "The shipping method can't be set for an empty cart. Add an item to cart and try again."})
        )
    );
    app.guest(
        M::POST,
        &cart,
        "/items",
        Some(json!({"cartItem": {"sku": "mug", "qty": 1}})),
    )
    .await;
    assert_eq!(
        app.guest(
            M::POST,
            &cart,
            "/shipping-information",
            Some(json!({"addressInformation": {"shipping_carrier_code": "flatrate"}}))
        )
        .await,
        (
            400,
            json!({"message": "The shipping address is missing. Set the address and try again."})
        )
    );
    assert_eq!(
        app.guest(M::POST, &cart, "/shipping-information", Some(info("ups")))
            .await,
        (
            404,
            json!({"message": "Carrier with such method not found: %1, %2", "parameters": ["ups", "ups"]})
        )
    );
    // Placement: no shipping method yet, then a payment method the store lacks, then no email.
    assert_eq!(
        app.guest(
            M::PUT,
            &cart,
            "/order",
            Some(json!({"paymentMethod": {"method": "checkmo"}}))
        )
        .await,
        (
            400,
            json!({"message": "Please check the shipping address information. %1",
                     "parameters": ["\"firstname\" is required. Enter and try again. \"lastname\" is required. Enter and try again. \"street\" is required. Enter and try again. \"city\" is required. Enter and try again. \"telephone\" is required. Enter and try again. \"postcode\" is required. Enter and try again. \"country_id\" is required. Enter and try again."]})
        )
    );
    app.guest(
        M::POST,
        &cart,
        "/shipping-information",
        Some(info("flatrate")),
    )
    .await;
    assert_eq!(
        app.guest(
            M::POST,
            &cart,
            "/payment-information",
            Some(json!({"email": "a@b.c", "paymentMethod": {"method": "paypal_express"}}))
        )
        .await,
        (
            400,
            json!({"message": "The requested Payment Method is not available."})
        )
    );
    assert_eq!(
        app.guest(
            M::POST,
            &cart,
            "/payment-information",
            Some(json!({"paymentMethod": {"method": "checkmo"}}))
        )
        .await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "email"}})
        )
    );
    assert_eq!(
        app.guest(M::PUT, &cart, "/order", Some(json!({}))).await,
        (
            400,
            json!({"message": "Enter a valid payment method and try again."})
        )
    );
    // Stock sold elsewhere meanwhile: placement refuses, nothing is written.
    let other = app.ready_cart("mug", 3.0).await;
    assert_eq!(app.pay(&other).await, (200, json!("1")));
    assert_eq!(
        app.guest(
            M::POST,
            &cart,
            "/payment-information",
            Some(json!({"email": "a@b.c", "paymentMethod": {"method": "banktransfer"}}))
        )
        .await,
        (
            400,
            json!({"message": "The requested qty is not available"})
        )
    );
    assert_eq!(
        app.handle
            .magento()
            .with_state(|s| (s.orders.len(), s.reservations.len())),
        (1, 1)
    );
    let (status, _) = app.guest(M::GET, &cart, "", None).await;
    assert_eq!(status, 200, "the refused cart stays active");
}

#[tokio::test]
async fn backorders_let_placement_go_below_zero() {
    let app = spawn_app().await;
    app.stocked("pre", 10.0, 1.0).await;
    app.put(
        "/V1/products/pre/stockItems/1",
        json!({"stockItem": {"use_config_backorders": false, "backorders": 1, "is_in_stock": true}}),
    )
    .await;
    let cart = app.ready_cart("pre", 3.0).await;
    assert_eq!(app.pay(&cart).await, (200, json!("1")));
    assert_eq!(app.salable("pre").await, json!(-2));
}

#[tokio::test]
async fn sixty_four_concurrent_checkouts_for_ten_units_sell_exactly_ten() {
    let app = std::sync::Arc::new(spawn_app().await);
    app.stocked("hot", 5.0, 10.0).await;
    let mut carts = Vec::new();
    for _ in 0..64 {
        carts.push(app.ready_cart("hot", 1.0).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for cart in carts {
        let app = app.clone();
        tasks.spawn(async move { app.pay(&cart).await });
    }
    let mut placed = 0;
    while let Some(result) = tasks.join_next().await {
        let (status, body) = result.expect("task");
        match status {
            200 => placed += 1,
            400 => assert_eq!(
                body,
                json!({"message": "The requested qty is not available"})
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(placed, 10);
    assert_eq!(app.salable("hot").await, json!(0));
    let orders = app.handle.magento().with_state(|s| s.orders.len());
    assert_eq!(orders, 10);
}

#[tokio::test]
async fn a_signed_in_customer_checks_out_through_carts_mine() {
    let app = spawn_app().await;
    app.stocked("cap", 15.0, 4.0).await;
    let (status, customer) = app
        .anon(
            M::POST,
            "/V1/customers",
            Some(json!({"customer": {"email": "amy@example.com", "firstname": "Amy", "lastname": "Lee"},
                        "password": "Secret-Pass1"})),
        )
        .await;
    assert_eq!(status, 200, "{customer}");
    let (status, token) = app
        .anon(
            M::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": "amy@example.com", "password": "Secret-Pass1"})),
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let token = token.as_str().expect("token").to_owned();
    let mine = |method: M, path: &str, body: Option<Value>| {
        let mut req = app
            .client
            .request(
                method,
                format!("{}/V1/carts/mine{path}", app.handle.rest_url()),
            )
            .bearer_auth(&token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        async move {
            let resp = req.send().await.expect("request");
            let status = resp.status().as_u16();
            (status, resp.json::<Value>().await.expect("JSON"))
        }
    };
    // No cart yet, then one.
    let (status, _) = mine(M::GET, "", None).await;
    assert_eq!(status, 404);
    let (status, cart_id) = mine(M::POST, "", None).await;
    assert_eq!((status, &cart_id), (200, &json!(1)));
    assert_eq!(
        mine(M::POST, "", None).await,
        (200, json!(1)),
        "the active cart again"
    );
    let (status, item) = mine(
        M::POST,
        "/items",
        Some(json!({"cartItem": {"sku": "cap", "qty": 1}})),
    )
    .await;
    assert_eq!((status, &item["quote_id"]), (200, &json!("1")));
    let (status, _) = mine(
        M::POST,
        "/shipping-information",
        Some(json!({"addressInformation": {"shipping_address": address(),
            "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, order_id) = mine(
        M::POST,
        "/payment-information",
        Some(json!({"paymentMethod": {"method": "banktransfer"}})),
    )
    .await;
    assert_eq!((status, &order_id), (200, &json!("1")));
    let (_, order) = app.get("/V1/orders/1").await;
    assert_eq!(
        (
            &order["customer_id"],
            &order["customer_is_guest"],
            &order["customer_group_id"],
            &order["customer_email"],
            &order["customer_firstname"]
        ),
        (
            &customer["id"],
            &json!(0),
            &json!(1),
            &json!("amy@example.com"),
            &json!("Amy")
        )
    );
    assert_eq!(
        order["payment"]["additional_information"][0],
        "Bank Transfer Payment"
    );
    // An admin route with a customer token is the ACL 401.
    let resp = app
        .client
        .get(format!("{}/V1/orders/1", app.handle.rest_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 401);
}
