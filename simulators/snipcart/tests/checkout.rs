//! Discounts, abandoned carts, and the checkout-time webhooks (`shippingrates.fetch`,
//! `taxes.calculate`), over HTTP.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn hgw(quantity: i64) -> Value {
    json!([{"id": "HGW", "quantity": quantity}])
}

#[tokio::test]
async fn discounts_are_crud_checked_per_trigger_and_type_and_applied_with_usage_counts() {
    let sim = sim().await;
    let key = sim.test_key();
    let (status, save10) = call(
        &sim,
        Method::POST,
        "/api/discounts",
        &key,
        Some(json!({"name": "Save 10", "trigger": "code", "code": "SAVE10", "type": "rate", "rate": 10, "maxNumberOfUsages": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{save10}");
    assert_eq!(save10["trigger"], "Code");
    assert_eq!(save10["type"], "Rate");
    assert_eq!(save10["numberOfUsages"], 0);
    for (bad, why) in [
        (
            json!({"name": "x", "trigger": "Code", "type": "Rate", "rate": 10}),
            "code",
        ),
        (
            json!({"name": "x", "trigger": "Total", "type": "Rate", "rate": 10}),
            "totalToReach",
        ),
        (
            json!({"name": "x", "trigger": "Code", "code": "A", "type": "Rate"}),
            "rate",
        ),
        (
            json!({"name": "x", "trigger": "Code", "code": "A", "type": "FixedAmount"}),
            "amount",
        ),
        (
            json!({"name": "x", "trigger": "Product", "type": "Rate", "rate": 5}),
            "itemId",
        ),
        (
            json!({"name": "x", "trigger": "Code", "code": "A", "type": "Rate", "rate": 150}),
            "rate",
        ),
        (
            json!({"name": "x", "trigger": "Sometimes", "type": "Rate", "rate": 5}),
            "trigger",
        ),
        (
            json!({"name": "x", "trigger": "Code", "code": "A", "type": "Half"}),
            "type",
        ),
        (
            json!({"name": "x", "trigger": "Code", "code": "save10", "type": "Rate", "rate": 5}),
            "taken",
        ),
        (
            json!({"trigger": "Code", "code": "B", "type": "Rate", "rate": 5}),
            "name",
        ),
    ] {
        let (status, body) = call(
            &sim,
            Method::POST,
            "/api/discounts",
            &key,
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body["message"].as_str().unwrap().contains(why),
            "{why}: {body}"
        );
    }
    // The docs' relaxed syntax, as a raw body.
    let res = client()
        .post(format!("{}/api/discounts", sim.base_url()))
        .basic_auth(&key, Some(""))
        .header("Accept", "application/json")
        .header("Content-Type", "application/json")
        .body("{name: '5 off over 50', trigger: 'Total', totalToReach: 50, type: 'FixedAmount', amount: '5.00', combinable: true}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let over50: Value = res.json().await.unwrap();
    let list = get(&sim, "/api/discounts").await;
    assert_eq!(list.as_array().unwrap().len(), 2, "a bare array: {list}");

    // 3 × 20.99 = 62.97: the Total discount applies alone (Save 10 is not combinable
    // and needs its code).
    let (status, order) = checkout(&sim, cart("ada@example.com", hgw(3))).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["discounts"].as_array().unwrap().len(), 1);
    assert_eq!(order["discounts"][0]["amountSaved"], json!(5.00));
    assert_eq!(order["subtotal"], json!(57.97));
    assert_eq!(order["grandTotal"], json!(57.97));
    // With the code: Save 10 comes first (older) and is not combinable, so it is alone.
    let mut body = cart("ada@example.com", hgw(3));
    body["discountCodes"] = json!(["save10"]);
    let (status, order) = checkout(&sim, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["discounts"].as_array().unwrap().len(), 1);
    assert_eq!(order["discounts"][0]["code"], "SAVE10");
    assert_eq!(order["discounts"][0]["amountSaved"], json!(6.30));
    assert_eq!(order["savedAmount"], json!(6.30));
    assert_eq!(order["grandTotal"], json!(56.67));
    let id = save10["id"].as_str().unwrap();
    assert_eq!(
        get(&sim, &format!("/api/discounts/{id}")).await["numberOfUsages"],
        1
    );
    assert_eq!(
        get(
            &sim,
            &format!("/api/discounts/{}", over50["id"].as_str().unwrap())
        )
        .await["numberOfUsages"],
        1
    );
    // Used up, then unknown.
    let (status, refused) = checkout(&sim, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["key"], "discount-code-expired");
    let mut unknown = cart("ada@example.com", hgw(1));
    unknown["discountCodes"] = json!(["NOPE"]);
    let (status, refused) = checkout(&sim, unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["key"], "discount-code-invalid");

    // PUT changes what it names; the code can be reused once more after raising the cap.
    let (status, put) = call(
        &sim,
        Method::PUT,
        &format!("/api/discounts/{id}"),
        &key,
        Some(json!({"maxNumberOfUsages": 2, "type": "FixedAmountOnItems", "amount": 1, "productIds": ["HGW"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!(put["productIds"], "HGW");
    assert_eq!(put["code"], "SAVE10");
    let mut again = cart("ada@example.com", hgw(2));
    again["discountCodes"] = json!(["SAVE10"]);
    let (status, order) = checkout(&sim, again).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(
        order["discounts"][0]["amountSaved"],
        json!(2),
        "1 off each of 2"
    );
    let (status, _) = call(
        &sim,
        Method::PUT,
        &format!("/api/discounts/{id}"),
        &key,
        Some(json!({"rate": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Expired (by the clock), then deleted.
    let (status, _) = call(
        &sim,
        Method::PUT,
        &format!("/api/discounts/{id}"),
        &key,
        Some(json!({"maxNumberOfUsages": 10, "expires": "2001-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut late = cart("ada@example.com", hgw(1));
    late["discountCodes"] = json!(["SAVE10"]);
    let (status, _) = checkout(&sim, late).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(
        &sim,
        Method::DELETE,
        &format!("/api/discounts/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &sim,
        Method::GET,
        &format!("/api/discounts/{id}"),
        &key,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&sim, "/api/discounts").await.as_array().unwrap().len(),
        1
    );
    let (_, live) = call(&sim, Method::GET, "/api/discounts", &sim.live_key(), None).await;
    assert_eq!(live, json!([]));
}

#[tokio::test]
async fn product_alternate_price_and_shipping_discounts_apply() {
    let sim = sim().await;
    let key = sim.test_key();
    let rates = Receiver::start().await;
    rates.answer(
        "/rates",
        200,
        json!({"rates": [{"cost": 12, "description": "Courier"}]}),
    );
    set(&sim, json!({"shippingRatesUrl": rates.url("/rates")})).await;
    for d in [
        json!({"name": "Phone deal", "trigger": "Product", "itemId": "AP1", "type": "RateOnItems", "rate": 50, "productIds": "AP1", "combinable": true}),
        json!({"name": "VIP", "trigger": "Total", "totalToReach": 0, "type": "AlternatePrice", "alternatePrice": "vip", "combinable": true}),
        json!({"name": "Cheap shipping", "trigger": "Total", "totalToReach": 100, "type": "Shipping", "shippingDescription": "Slow boat", "shippingCost": 2, "combinable": true}),
    ] {
        let (status, body) = call(&sim, Method::POST, "/api/discounts", &key, Some(d)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let items = json!([
        {"id": "AP1", "quantity": 1, "customFields": [{"name": "Size", "value": "16GB"}, {"name": "Color", "value": "Black"}]},
        {"id": "HGW", "quantity": 2, "alternatePrices": {"vip": 15.99}}
    ]);
    let (status, order) = checkout(&sim, cart("ada@example.com", items)).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    let saved: Vec<&Value> = order["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["amountSaved"])
        .collect();
    assert_eq!(
        saved,
        [&json!(150.00), &json!(10.00), &json!(10)],
        "{order}"
    );
    assert_eq!(order["itemsTotal"], json!(341.97));
    assert_eq!(order["subtotal"], json!(181.97));
    assert_eq!(order["shippingFees"], json!(2));
    assert_eq!(order["shippingMethod"], "Slow boat");
    assert_eq!(order["grandTotal"], json!(183.97));
    assert_eq!(order["savedAmount"], json!(170.00));
}

#[tokio::test]
async fn shipping_rates_and_taxes_come_from_the_merchant() {
    let sim = sim().await;
    let merchant = Receiver::start().await;
    merchant.answer(
        "/rates",
        200,
        json!({"rates": [
            {"cost": 10, "description": "Standard", "userDefinedId": "std", "guaranteedDaysToDelivery": 5},
            {"cost": 25.5, "description": "Express", "userDefinedId": "exp"}
        ]}),
    );
    merchant.answer(
        "/taxes",
        200,
        json!({"taxes": [
            {"name": "GST", "amount": 3.38, "rate": 0.05, "numberForInvoice": "TAX-001"},
            {"name": "VAT incl.", "amount": 1.00, "includedInPrice": true}
        ]}),
    );
    set(
        &sim,
        json!({"shippingRatesUrl": merchant.url("/rates"), "taxesUrl": merchant.url("/taxes")}),
    )
    .await;
    let mut body = cart("ada@example.com", hgw(2));
    body["shippingRateUserDefinedId"] = json!("exp");
    let (status, order) = checkout(&sim, body).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["shippingFees"], json!(25.5));
    assert_eq!(order["shippingMethod"], "Express");
    assert_eq!(order["shippingRateUserDefinedId"], "exp");
    assert_eq!(order["taxes"][0]["taxName"], "GST");
    assert_eq!(order["taxes"][0]["numberForInvoice"], "TAX-001");
    assert_eq!(
        order["taxesTotal"],
        json!(3.38),
        "the included tax is not added"
    );
    assert_eq!(order["grandTotal"], json!(70.86));

    let hits = merchant.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].body["eventName"], "shippingrates.fetch");
    assert_eq!(hits[0].body["content"]["token"], order["token"]);
    assert_eq!(hits[0].body["content"]["status"], "InProgress");
    assert_eq!(hits[0].body["content"]["itemsTotal"], json!(41.98));
    assert_eq!(hits[1].body["eventName"], "taxes.calculate");
    assert_eq!(
        hits[1].body["content"]["shippingFees"],
        json!(25.5),
        "taxes see the rate"
    );
    let token = hits[0].token.clone().unwrap();
    let check = format!("/api/requestvalidation/{token}");
    let (status, v) = call(&sim, Method::GET, &check, &sim.test_key(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["resource"], merchant.url("/rates"));

    // Without a choice, the first rate.
    let (_, order) = checkout(&sim, cart("ada@example.com", hgw(1))).await;
    assert_eq!(order["shippingMethod"], "Standard");
    let mut unknown = cart("ada@example.com", hgw(1));
    unknown["shippingRateUserDefinedId"] = json!("teleport");
    let (status, body) = checkout(&sim, unknown).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["key"], "shipping-rate-not-found");
}

#[tokio::test]
async fn merchant_errors_failures_and_silence_refuse_the_checkout_with_nothing_changed() {
    let sim = sim().await;
    let merchant = Receiver::start().await;
    set(
        &sim,
        json!({"shippingRatesUrl": merchant.url("/rates"), "taxesUrl": merchant.url("/taxes")}),
    )
    .await;
    merchant.answer("/taxes", 200, json!({"taxes": []}));
    let phone = json!([{"id": "AP1", "quantity": 1,
        "customFields": [{"name": "Size", "value": "32GB"}, {"name": "Color", "value": "Red"}]}]);
    let products = |s: &sim_snipcart::State| serde_json::to_value(&s.test.products).unwrap();
    let before = sim.snipcart().snapshot();

    merchant.answer(
        "/rates",
        200,
        json!({"errors": [{"key": "no_ship", "message": "We do not ship to QC"}]}),
    );
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["errors"],
        json!([{"key": "no_ship", "message": "We do not ship to QC"}])
    );

    merchant.answer("/rates", 500, json!({"oops": true}));
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["key"], "shippingrates-fetch-failed");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("500"),
        "{body}"
    );

    merchant.answer("/rates", 200, json!({"rates": []}));
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["key"], "no-shipping-rates");

    merchant.answer(
        "/rates",
        200,
        json!({"rates": [{"cost": 5, "description": "Post"}]}),
    );
    merchant.answer(
        "/taxes",
        200,
        json!({"errors": [{"key": "tax", "message": "No tax for you"}]}),
    );
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["message"], "No tax for you");

    merchant.answer("/taxes", 200, json!({"taxes": [{"name": "GST"}]}));
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"][0]["key"], "taxes-calculate-invalid-answer",
        "{body}"
    );

    // An endpoint nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/taxes", l.local_addr().unwrap())
    };
    set(&sim, json!({"taxesUrl": closed})).await;
    let (status, body) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["key"], "taxes-calculate-failed");

    let after = sim.snipcart().snapshot();
    assert_eq!(products(&after), products(&before), "no stock taken");
    assert!(after.test.orders.is_empty());
    assert!(after.test.customers.all().is_empty());
    assert_eq!(after.counters.invoice, 0);

    // The stock is checked again after the calls: the last unit went meanwhile.
    set(&sim, json!({"taxesUrl": null})).await;
    let (status, _) = checkout(&sim, cart("ada@example.com", phone.clone())).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = checkout(&sim, cart("bob@example.com", phone)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["key"], "out-of-stock");
}

#[tokio::test]
async fn abandoned_carts_page_by_cursor_and_filter() {
    let sim = sim().await;
    let before = serde_json::to_value(&sim.snipcart().snapshot().test.products).unwrap();
    for i in 0..5 {
        let mut body = cart(&format!("c{i}@example.com"), hgw(i + 1));
        if i == 2 {
            body["items"] = json!([{"id": "AP1", "quantity": 1}]);
        }
        body["complete"] = json!(false);
        let (status, c) = checkout(&sim, body).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["status"], "Abandoned");
    }
    assert_eq!(
        serde_json::to_value(&sim.snipcart().snapshot().test.products).unwrap(),
        before,
        "an abandoned cart takes no stock"
    );
    assert_eq!(get(&sim, "/api/orders").await["totalItems"], 0);

    let mut seen = Vec::new();
    let mut path = "/api/carts/abandoned?limit=2".to_owned();
    for _ in 0..10 {
        let page = get(&sim, &path).await;
        assert_eq!(page["limit"], 2);
        for c in page["items"].as_array().unwrap() {
            seen.push(c["email"].as_str().unwrap().to_owned());
        }
        if page["hasMoreResults"] == false {
            assert_eq!(page["continuationToken"], Value::Null);
            break;
        }
        let next = page["continuationToken"].as_str().unwrap();
        path = format!(
            "/api/carts/abandoned?limit=2&continuationToken={}",
            next.replace('|', "%7C")
        );
    }
    assert_eq!(
        seen,
        [
            "c4@example.com",
            "c3@example.com",
            "c2@example.com",
            "c1@example.com",
            "c0@example.com"
        ]
    );

    let page = get(&sim, "/api/carts/abandoned").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert_eq!(page["hasMoreResults"], false);
    assert_eq!(page["timeRange"], "Anytime");
    let by_email = get(&sim, "/api/carts/abandoned?email=C3@example.com").await;
    assert_eq!(by_email["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_email["email"], "C3@example.com");
    let phones = get(&sim, "/api/carts/abandoned?productId=AP1").await;
    assert_eq!(phones["items"][0]["email"], "c2@example.com");
    assert_eq!(phones["items"].as_array().unwrap().len(), 1);
    let big = get(&sim, "/api/carts/abandoned?minimalValue=80").await;
    let emails: Vec<&str> = big["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["c4@example.com", "c3@example.com", "c2@example.com"],
        "104.95, 83.96, 499.99 (128GB/Blue by default)"
    );
    assert_eq!(
        get(&sim, "/api/carts/abandoned?timeRange=lessThan4Hours").await["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let token = page["items"][0]["token"].as_str().unwrap();
    let one = get(&sim, &format!("/api/carts/abandoned/{token}")).await;
    assert_eq!(one, page["items"][0]);
    let key = sim.test_key();
    for bad in [
        "?continuationToken=Cart%7Cnope",
        "?limit=0",
        "?timeRange=Soon",
        "?minimalValue=x",
    ] {
        let (status, _) = call(
            &sim,
            Method::GET,
            &format!("/api/carts/abandoned{bad}"),
            &key,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _) = call(
        &sim,
        Method::GET,
        &format!("/api/carts/abandoned/{token}"),
        &sim.live_key(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
