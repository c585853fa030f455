//! Checkouts, orders, customers, order webhooks with request validation,
//! notifications and refunds, over HTTP.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn phone(size: &str, color: &str, quantity: i64) -> Value {
    json!({"id": "AP1", "quantity": quantity,
           "customFields": [{"name": "Size", "value": size}, {"name": "Color", "value": color}]})
}

#[tokio::test]
async fn a_checkout_makes_an_order_takes_stock_and_counts_sales() {
    let sim = sim().await;
    let mut phone_32 = phone("32GB", "Red", 1);
    phone_32["price"] = json!(349.99);
    let (status, order) = checkout(
        &sim,
        cart(
            "ada@example.com",
            json!([phone_32, {"id": "HGW", "quantity": 2, "price": "20.99"}]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["invoiceNumber"], "SNIP-0001");
    assert_eq!(order["status"], "Processed");
    assert_eq!(order["paymentStatus"], "Paid");
    assert_eq!(order["mode"], "Test");
    assert_eq!(order["billingAddressName"], "Ada Lovelace");
    assert_eq!(order["billingAddress"]["city"], "Montréal");
    assert_eq!(order["shippingAddressCity"], "Montréal");
    assert_eq!(order["items"][0]["price"], json!(349.99));
    assert_eq!(order["items"][0]["customFields"][0]["value"], "32GB");
    assert_eq!(order["items"][1]["totalPrice"], json!(41.98));
    assert_eq!(order["itemsTotal"], json!(391.97));
    assert_eq!(order["grandTotal"], json!(391.97));
    assert_ne!(order["items"][0]["uniqueId"], order["items"][1]["uniqueId"]);
    let token = order["token"].as_str().unwrap().to_owned();

    let fetched = get(&sim, &format!("/api/orders/{token}")).await;
    assert_eq!(fetched, order);
    let ap1 = get(&sim, "/api/products/AP1").await;
    assert_eq!(ap1["variants"][1]["stock"], 0);
    assert_eq!(ap1["totalStock"], 10);
    assert_eq!(
        ap1["statistics"],
        json!({"numberOfSales": 1, "totalSales": 349.99})
    );
    let hgw = get(&sim, "/api/products/HGW").await;
    assert_eq!(
        hgw["statistics"],
        json!({"numberOfSales": 31, "totalSales": 650.69})
    );
    // The sales window of `GET /products` sees the order too.
    let window = get(&sim, "/api/products?from=2000-01-01&userDefinedId=AP1").await;
    assert_eq!(window["items"][0]["statistics"]["numberOfSales"], 1);

    order_counts(
        &sim,
        &[
            ("", 1),
            ("?productId=AP1", 1),
            ("?productId=3932ecd1-6508-4209-a7c6-8da4cc75590d", 0),
            ("?status=PROCESSED", 1),
            ("?status=shipped", 0),
            ("?invoiceNumber=SNIP-0001", 1),
            ("?placedBy=lovelace", 1),
            ("?placedBy=ADA@EXAMPLE", 1),
            ("?paymentStatus=paid", 1),
            ("?from=2999-01-01", 0),
        ],
    )
    .await;
    refused(&sim, "/api/orders?status=nope").await;

    let customers = get(&sim, "/api/customers").await;
    assert_eq!(customers["totalItems"], 1);
    let c = &customers["items"][0];
    assert_eq!(c["email"], "ada@example.com");
    assert_eq!(c["status"], "Unconfirmed");
    assert_eq!(c["billingAddressName"], "Ada Lovelace");
    assert_eq!(
        c["statistics"],
        json!({"ordersCount": 1, "ordersAmount": 391.97, "subscriptionsCount": 0})
    );
    let id = c["id"].as_str().unwrap();
    assert_eq!(get(&sim, &format!("/api/customers/{id}")).await, *c);
    let theirs = get(&sim, &format!("/api/customers/{id}/orders")).await;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(
        get(&sim, "/api/customers?email=ADA@example.com").await["totalItems"],
        1
    );
    assert_eq!(
        get(&sim, "/api/customers?status=confirmed").await["totalItems"],
        0
    );
    assert_eq!(get(&sim, "/api/customers?name=ada").await["totalItems"], 1);

    // The Live key sees none of it.
    let live = sim.live_key();
    let (_, page) = call(&sim, Method::GET, "/api/orders", &live, None).await;
    assert_eq!(page["totalItems"], 0);
    let (status, _) = call(
        &sim,
        Method::GET,
        &format!("/api/orders/{token}"),
        &live,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, page) = call(&sim, Method::GET, "/api/customers", &live, None).await;
    assert_eq!(page["totalItems"], 0);

    // A second order is SNIP-0002, listed first.
    let (status, _) = checkout(
        &sim,
        cart("bob@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let page = get(&sim, "/api/orders?limit=1").await;
    assert_eq!(page["items"][0]["invoiceNumber"], "SNIP-0002");
    assert_eq!(page["totalItems"], 2);
    let state = sim.snipcart().snapshot();
    state.test.orders.check().unwrap();
    state.test.products.check().unwrap();
}

#[tokio::test]
async fn out_of_stock_wrong_prices_and_unknown_products_are_refused_with_nothing_changed() {
    let sim = sim().await;
    let before = sim.snipcart().snapshot();
    for (items, key) in [
        (json!([phone("32GB", "Red", 2)]), "out-of-stock"),
        (
            json!([phone("32GB", "Red", 1), phone("32GB", "Red", 1)]),
            "out-of-stock",
        ),
        (json!([phone("128GB", "White", 1)]), "out-of-stock"),
        (
            json!([{"id": "HGW", "quantity": 1, "price": 19.99}]),
            "price-mismatch",
        ),
        (
            json!([{"id": "AP1", "quantity": 1, "price": 299.99,
                 "customFields": [{"name": "Size", "value": "128GB"}, {"name": "Color", "value": "Black"}]}]),
            "price-mismatch",
        ),
        (json!([{"id": "NOPE", "quantity": 1}]), "product-not-found"),
        (json!([phone("64GB", "Red", 1)]), "invalid-custom-field"),
    ] {
        let (status, body) = checkout(&sim, cart("ada@example.com", items.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{items}: {body}");
        assert_eq!(body["errors"][0]["key"], key, "{body}");
        assert!(body["error"].is_string());
    }
    for bad in [
        json!({"billingAddress": {"name": "A"}, "items": [{"id": "HGW", "quantity": 1}]}),
        json!({"email": "a@b.c", "items": [{"id": "HGW", "quantity": 1}]}),
        json!({"email": "a@b.c", "billingAddress": {"name": "A"}, "items": []}),
        json!({"email": "a@b.c", "billingAddress": {"name": "A"}, "items": [{"id": "HGW", "quantity": 0}]}),
        json!({"email": "a@b.c", "billingAddress": {"name": "A"}, "mode": "Prod", "items": [{"id": "HGW", "quantity": 1}]}),
        json!({"email": "a@b.c", "billingAddress": {"name": "A"}, "itemz": []}),
    ] {
        let (status, body) = checkout(&sim, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body["error"].is_string(), "{body}");
    }
    let after = sim.snipcart().snapshot();
    assert_eq!(
        serde_json::to_value(&after).unwrap(),
        serde_json::to_value(&before).unwrap(),
        "refusals change nothing"
    );

    // 16GB/Black sells out of stock; 32GB/Red has its one.
    let (status, body) = checkout(
        &sim,
        cart(
            "ada@example.com",
            json!([phone("16GB", "Black", 12), phone("32GB", "Red", 1)]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ap1 = get(&sim, "/api/products/AP1").await;
    assert_eq!(ap1["variants"][0]["stock"], -2);
    assert_eq!(ap1["variants"][1]["stock"], 0);
    assert_eq!(ap1["totalStock"], -2);

    // A Single product: its own stock and switch.
    let (status, _) = call(
        &sim,
        Method::PUT,
        "/api/products/HGW",
        &sim.test_key(),
        Some(json!({"inventoryManagementMethod": "Single", "stock": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let two = cart("ada@example.com", json!([{"id": "HGW", "quantity": 2}]));
    let (status, _) = checkout(&sim, two.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    call(
        &sim,
        Method::PUT,
        "/api/products/HGW",
        &sim.test_key(),
        Some(json!({"allowOutOfStockPurchases": true})),
    )
    .await;
    let (status, _) = checkout(&sim, two).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&sim, "/api/products/HGW").await["stock"], -1);

    // An archived product comes back when sold.
    call(
        &sim,
        Method::DELETE,
        "/api/products/HGW",
        &sim.test_key(),
        None,
    )
    .await;
    let (status, _) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(get(&sim, "/api/products/HGW").await["archived"], false);
    assert_eq!(
        get(&sim, "/api/customers").await["items"][0]["statistics"]["ordersCount"],
        3
    );
}

#[tokio::test]
async fn a_status_change_delivers_a_webhook_whose_token_validates_once() {
    let sim = sim().await;
    let hook = Receiver::start().await;
    set(&sim, json!({"webhookUrls": [hook.url("/hook")]})).await;
    let (status, order) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = order["token"].as_str().unwrap().to_owned();
    let path = format!("/api/orders/{token}");
    let key = sim.test_key();

    let (status, updated) = call(
        &sim,
        Method::PUT,
        &path,
        &key,
        Some(json!({"status": "shipped"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["status"], "Shipped");
    // The same value again changes nothing and sends nothing.
    call(
        &sim,
        Method::PUT,
        &path,
        &key,
        Some(json!({"Status": "Shipped"})),
    )
    .await;
    settle(&sim).await;

    let completed = hook.events("order.completed");
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].body["content"]["token"], token.as_str());
    assert_eq!(completed[0].body["mode"], "Test");
    let changed = hook.events("order.status.changed");
    assert_eq!(changed.len(), 1, "{:?}", hook.hits());
    let event = &changed[0].body;
    assert_eq!(
        (event["from"].as_str(), event["to"].as_str()),
        (Some("Processed"), Some("Shipped"))
    );
    assert_eq!(event["content"]["status"], "Shipped");
    assert!(event["createdOn"].as_str().unwrap().ends_with('Z'));
    let request_token = changed[0].token.clone().expect("the token header");
    let check = format!("/api/requestvalidation/{request_token}");
    let (status, body) = call(&sim, Method::GET, &check, &sim.live_key(), None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a Test token is not the Live key's"
    );
    let (status, body2) = call(&sim, Method::GET, &check, &key, None).await;
    assert_eq!(status, StatusCode::OK, "{body} {body2}");
    assert_eq!(
        body2,
        json!({"token": request_token, "resource": hook.url("/hook")})
    );
    let (status, _) = call(&sim, Method::GET, &check, &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "used once");

    // Payment status and tracking, each its own event.
    let (status, _) = call(
        &sim,
        Method::PUT,
        &path,
        &key,
        Some(json!({"paymentStatus": "refunded", "trackingNumber": "1Z999", "trackingUrl": "https://t.example/1Z999", "metadata": {"a": 1}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    settle(&sim).await;
    let paid = hook.events("order.paymentStatus.changed");
    assert_eq!(paid.len(), 1);
    assert_eq!(
        (paid[0].body["from"].as_str(), paid[0].body["to"].as_str()),
        (Some("Paid"), Some("Refunded"))
    );
    let tracking = hook.events("order.trackingNumber.changed");
    assert_eq!(tracking.len(), 1);
    assert_eq!(tracking[0].body["trackingNumber"], "1Z999");
    assert_eq!(tracking[0].body["trackingUrl"], "https://t.example/1Z999");
    assert_eq!(get(&sim, &path).await["metadata"], json!({"a": 1}));

    // Refused updates: unknown values, back to InProgress, unknown order.
    for bad in [
        json!({"status": "Lost"}),
        json!({"paymentStatus": "Maybe"}),
        json!({"status": "inprogress"}),
    ] {
        let (status, body) = call(&sim, Method::PUT, &path, &key, Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(body["message"].is_string());
    }
    let (status, _) = call(
        &sim,
        Method::PUT,
        "/api/orders/nope",
        &key,
        Some(json!({"status": "Shipped"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(get(&sim, &path).await["status"], "Shipped");
    settle(&sim).await;
    assert_eq!(hook.hits().len(), 4, "no event for refused or idle updates");
    let log = sim.core().webhooks.log();
    assert_eq!(log.len(), 4);
    assert!(log.iter().all(|d| d.attempts.len() == 1));
}

#[tokio::test]
async fn notifications_and_refunds() {
    let sim = sim().await;
    let hook = Receiver::start().await;
    set(&sim, json!({"webhookUrls": [hook.url("/hook")]})).await;
    let (_, order) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 2}])),
    )
    .await;
    let token = order["token"].as_str().unwrap().to_owned();
    let key = sim.test_key();
    let notes = format!("/api/orders/{token}/notifications");

    let (status, n) = call(
        &sim,
        Method::POST,
        &notes,
        &key,
        Some(json!({"type": "comment", "message": "Thanks!"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{n}");
    assert_eq!(n["type"], "Comment");
    assert_eq!(n["deliveryMethod"], "Email");
    assert!(n["subject"].as_str().unwrap().contains("SNIP-0001"));
    assert!(n["body"].as_str().unwrap().contains("Thanks!"));
    assert!(n["sentOn"].is_string());
    let (status, quiet) = call(
        &sim,
        Method::POST,
        &notes,
        &key,
        Some(json!({"type": "Invoice", "deliveryMethod": "none"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(quiet["sentOn"], Value::Null);
    assert_eq!(quiet["subject"], Value::Null);
    for bad in [
        json!({"type": "Letter"}),
        json!({"type": "Comment"}),
        json!({"message": "x"}),
        json!({"type": "Invoice", "deliveryMethod": "Fax"}),
    ] {
        let (status, _) = call(&sim, Method::POST, &notes, &key, Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let page = get(&sim, &notes).await;
    assert_eq!(page["totalItems"], 2);
    assert_eq!(page["items"][0]["type"], "Invoice", "newest first");
    assert_eq!(
        get(&sim, &format!("{notes}?offset=1")).await["items"][0]["type"],
        "Comment"
    );

    let refunds = format!("/api/orders/{token}/refunds");
    for (bad, why) in [
        (json!({"amount": 41.99}), "over the total"),
        (json!({"amount": 0}), "zero"),
        (json!({"comment": "x"}), "no amount"),
        (json!({"amount": "lots"}), "not a number"),
    ] {
        let (status, body) = call(&sim, Method::POST, &refunds, &key, Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {body}");
    }
    let (status, r) = call(
        &sim,
        Method::POST,
        &refunds,
        &key,
        Some(json!({"amount": 10.005, "comment": "Damaged"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["amount"], json!(10.01), "rounded to 2 places");
    let (status, _) = call(
        &sim,
        Method::POST,
        &refunds,
        &key,
        Some(json!({"amount": 31.98})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "only 31.97 is left");
    let (status, _) = call(
        &sim,
        Method::POST,
        &refunds,
        &key,
        Some(json!({"amount": "31.97"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = get(&sim, &refunds).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "a bare array");
    let one = get(&sim, &format!("{refunds}/{}", r["id"].as_str().unwrap())).await;
    assert_eq!(one, r);
    let (status, _) = call(&sim, Method::GET, &format!("{refunds}/nope"), &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let o = get(&sim, &format!("/api/orders/{token}")).await;
    assert_eq!(o["refundsAmount"], json!(41.98));
    assert_eq!(o["finalGrandTotal"], json!(0.00));
    assert_eq!(o["refunds"].as_array().unwrap().len(), 2);

    settle(&sim).await;
    let created = hook.events("order.notification.created");
    assert_eq!(created.len(), 2);
    assert_eq!(created[0].body["content"]["orderToken"], token.as_str());
    assert_eq!(created[0].body["content"]["notificationType"], "Comment");
    assert_eq!(created[0].body["content"]["sentByEmail"], true);
    let refunded = hook.events("order.refund.created");
    assert_eq!(refunded.len(), 2);
    assert_eq!(refunded[0].body["content"]["amount"], json!(10.01));
    assert_eq!(refunded[0].body["content"]["currency"], "usd");
    assert_eq!(refunded[0].body["content"]["comment"], "Damaged");
}

#[tokio::test]
async fn exported_state_with_orders_reimports_and_broken_references_are_refused() {
    let sim = sim().await;
    let (status, order) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = order["token"].as_str().unwrap();
    let (_, state) = admin(&sim, Method::GET, "/state", None).await;
    let (status, body) = admin(&sim, Method::PUT, "/state", Some(state.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(get(&sim, &format!("/api/orders/{token}")).await, order);
    assert_eq!(
        get(&sim, "/api/orders?invoiceNumber=SNIP-0001").await["totalItems"],
        1
    );

    for (path, value, why) in [
        (
            "/test/orders/items/0/items/0/id",
            json!("GONE"),
            "no product",
        ),
        ("/counters/invoice", json!(0), "counters.invoice"),
        ("/test/orders/items/0/mode", json!("Live"), "mode"),
    ] {
        let mut broken = state.clone();
        *broken.pointer_mut(path).unwrap() = value;
        let (status, body) = admin(&sim, Method::PUT, "/state", Some(broken)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            body["error"].as_str().unwrap().contains(why),
            "{why}: {body}"
        );
    }
    let mut twice = state.clone();
    let customer = twice["test"]["customers"][0].clone();
    twice["test"]["customers"]
        .as_array_mut()
        .unwrap()
        .push(customer);
    let (status, _) = admin(&sim, Method::PUT, "/state", Some(twice)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a customer given twice");
    assert_eq!(
        get(&sim, &format!("/api/orders/{token}")).await,
        order,
        "refused imports change nothing"
    );
}

#[tokio::test]
async fn the_order_list_filters_on_addresses_exactly_and_on_recurrence() {
    let sim = sim().await;
    let (status, _) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut paris = cart("bob@example.com", json!([{"id": "HGW", "quantity": 1}]));
    paris["billingAddress"] =
        json!({"name": "Bob", "city": "Paris", "country": "FR", "postalCode": "75001"});
    paris["shippingAddress"] = json!({"name": "Bob", "city": "Lyon", "country": "FR"});
    let (status, _) = checkout(&sim, paris).await;
    assert_eq!(status, StatusCode::OK);
    order_counts(
        &sim,
        &[
            ("", 2),
            ("?billingAddressCountry=fr", 1),
            ("?billingAddressCity=Montr%C3%A9al", 1),
            ("?billingAddressCity=Montr", 0), // exact, not contains
            (
                "?shippingAddressCity=Lyon&billingAddressPostalCode=75001",
                1,
            ),
            ("?shippingAddressCity=Paris", 0),
            ("?isRecurringOrder=false", 2),
            ("?isRecurringOrder=true", 0),
        ],
    )
    .await;
    refused(&sim, "/api/orders?isRecurringOrder=often").await;
}

#[tokio::test]
async fn a_customer_put_answers_the_nested_shape_and_list_stays_flat() {
    let sim = sim().await;
    let (status, _) = checkout(
        &sim,
        cart("ada@example.com", json!([{"id": "HGW", "quantity": 1}])),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let page = get(&sim, "/api/customers").await;
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        page["items"][0]["billingAddressCity"], "Montréal",
        "flat in the list"
    );
    let (status, c) = call(
        &sim,
        Method::PUT,
        &format!("/api/customers/{id}"),
        &sim.test_key(),
        Some(
            json!({"BillingAddress": {"FullName": "Ada King", "city": "London", "country": "GB"}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(
        c["billingAddress"]["city"], "London",
        "nested in the PUT's answer: {c}"
    );
    assert!(c.get("billingAddressCity").is_none(), "{c}");
    let one = get(&sim, &format!("/api/customers/{id}")).await;
    assert_eq!(one["billingAddressCity"], "London");
    assert_eq!(one["billingAddressName"], "Ada King");
    let (status, _) = call(
        &sim,
        Method::PUT,
        "/api/customers/nobody",
        &sim.test_key(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &sim,
        Method::PUT,
        &format!("/api/customers/{id}"),
        &sim.live_key(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another mode's customer");
}
