//! The API over HTTP, signed as the docs' PHP recipe signs: orders, their validation,
//! lists and filters, the lifecycle through the `/__sim/` drivers in each progression
//! mode, webhooks received by a loopback listener with valid signatures, products and
//! stock, and `/__sim/state`.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_tunetoo::auth::{self, KEY_HEADER, SIGNATURE_HEADER};
use sim_tunetoo::{TunetooHandle, TunetooSim, fixtures};
use time::macros::datetime;

const KEY: &str = "31938dd85ab5a2bfce57e9eexample";
const SECRET: &str = "bc69152203689725a73fc45example";

/// The docs' order, as PHP's `json_encode` writes it: no spaces, `/` escaped.
const DOCS_ORDER: &str = r#"{"external":{"id":1,"options":[{"name":"commande-tunetoo","value":"Commande Tunetoo"},{"name":"boutique-api","value":"Boutique API"}]},"shipping_address":{"first_name":"Hewitt","last_name":"Santos","address1":"242 Remsen Avenue","address2":"","city":"Bagtown","country":"France","country_code":"FR","zip":75001,"phone":"0611223344","email":"hewitt@santos.fr"},"items":[{"external":{"id":26,"options":[{"name":"tshirt","value":"T-Shirt"},{"name":"homme","value":"Homme"},{"name":"colrond","value":"Col Rond"}]},"sku_base":"TSH180_856_M","quantity":15,"files":[{"zone":"front","type":"image","value":"https:\/\/www.tunetoo.com\/images\/impression.png","collar_distance":"3"}]}]}"#;

async fn start(mode: &str) -> TunetooHandle {
    let config = CoreConfig {
        clock: Clock::manual(datetime!(2026-06-22 09:30:00 UTC)),
        ..CoreConfig::default()
    };
    let sim = TunetooSim::start_with(
        config,
        fixtures::default_state(),
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts");
    admin(&sim, "PUT", "/lifecycle", Some(json!({"mode": mode}))).await;
    sim
}

/// Sends `body` (raw bytes, signed as they are) with the docs' key.
async fn call(sim: &TunetooHandle, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
    let message = match body {
        Some(b) if method == "POST" => b.as_bytes(),
        _ => auth::EMPTY_MESSAGE,
    };
    let signature = auth::sign(SECRET, message);
    send(sim, method, path, body, Some(KEY), Some(&signature)).await
}

async fn send(
    sim: &TunetooHandle,
    method: &str,
    path: &str,
    body: Option<&str>,
    key: Option<&str>,
    signature: Option<&str>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(
        method.parse().expect("method"),
        format!("{}{path}", sim.base_url()),
    );
    if let Some(k) = key {
        req = req.header(KEY_HEADER, k);
    }
    if let Some(s) = signature {
        req = req.header(SIGNATURE_HEADER, s);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_owned());
    }
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

async fn admin(sim: &TunetooHandle, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new().request(
        method.parse().expect("method"),
        format!("{}/__sim{path}", sim.base_url()),
    );
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let v: Value = resp.json().await.expect("JSON");
    assert_eq!(status, 200, "{method} {path}: {v}");
    v
}

fn unauthorized() -> (u16, Value) {
    (
        401,
        json!({"code": "error", "message": "Unauthorized", "data": {"status": 401}}),
    )
}

#[tokio::test]
async fn the_docs_order_signed_as_php_signs_it_is_created() {
    let sim = start("explicit").await;
    let (status, order) = call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    assert_eq!(status, 200, "{order}");
    assert_eq!(order["id"], json!(1));
    assert_eq!(order["status"], json!("awaiting_payment"));
    assert_eq!(order["created_at"], json!("2026-06-22T09:30:00"));
    assert_eq!(
        order["external"]["options"][1]["value"],
        json!("Boutique API")
    );
    assert_eq!(order["shipping_address"]["zip"], json!("75001"));
    assert_eq!(order["billing_address"]["country_code"], Value::Null);
    assert_eq!(order["fulfillments"], json!([]));
    let item = &order["items"][0];
    assert_eq!(item["sku_base"], json!("TSH180_856_M"));
    assert_eq!(item["sku"], json!("100000_3"), "design 100000, size M");
    assert_eq!(item["price"], json!(10.2));
    assert_eq!(item["external"]["id"], json!(26));
    // 15 × 10.20 = 153.00: free shipping from 50, VAT 20 %.
    assert_eq!(
        order["price"],
        json!({"subtotal": 153.0, "shipping": 0.0, "tax": 30.6, "total": 183.6})
    );
    assert_eq!(order["currency"], json!("EUR"));

    // The same personalisation again is the same design.
    let (_, again) = call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    assert_eq!(again["items"][0]["sku"], json!("100000_3"));
    let (status, got) = call(&sim, "GET", "/v1/orders/1", None).await;
    assert_eq!((status, got), (200, order));
}

#[tokio::test]
async fn signatures_are_over_the_bytes_received() {
    let sim = start("explicit").await;
    // The docs' order re-serialised (`/` unescaped) but signed as PHP wrote it: refused.
    let reserialised =
        serde_json::to_string(&serde_json::from_str::<Value>(DOCS_ORDER).unwrap()).unwrap();
    assert_ne!(reserialised, DOCS_ORDER);
    let php_signature = auth::sign(SECRET, DOCS_ORDER.as_bytes());
    let (status, body) = send(
        &sim,
        "POST",
        "/v1/orders",
        Some(&reserialised),
        Some(KEY),
        Some(&php_signature),
    )
    .await;
    assert_eq!((status, body), unauthorized());
    // GET signs `[]`, not `{}` nor nothing.
    for wrong in [&b"{}"[..], b""] {
        let sig = auth::sign(SECRET, wrong);
        assert_eq!(
            send(&sim, "GET", "/v1/orders", None, Some(KEY), Some(&sig)).await,
            unauthorized()
        );
    }
    let right = auth::sign(SECRET, b"[]");
    assert_eq!(
        send(&sim, "GET", "/v1/orders", None, Some(KEY), Some(&right)).await,
        (200, json!([]))
    );
    assert_eq!(
        send(&sim, "GET", "/v1/orders", None, None, Some(&right)).await,
        unauthorized()
    );
    assert_eq!(
        send(&sim, "GET", "/v1/orders", None, Some("nope"), Some(&right)).await,
        unauthorized()
    );
    assert_eq!(
        send(&sim, "GET", "/v1/orders", None, Some(KEY), None).await,
        unauthorized()
    );
    assert_eq!(
        sim.tunetoo().snapshot().next.order,
        1,
        "nothing was created"
    );
}

#[tokio::test]
async fn bad_orders_are_refused_whole() {
    let sim = start("explicit").await;
    let before = sim.tunetoo().snapshot();
    let cases = [
        (
            DOCS_ORDER.replace("TSH180_856_M", "TSH180_999_M"),
            422,
            "Unknown product: TSH180_999_M",
        ),
        (
            DOCS_ORDER.replace("\"quantity\":15", "\"quantity\":0"),
            400,
            "items[0].quantity must be a whole number from 1 to 100000",
        ),
        (
            DOCS_ORDER.replace("\"quantity\":15", "\"quantity\":1001"),
            422,
            "Product TSH180_856_M is out of stock: 1000 left",
        ),
        (
            DOCS_ORDER.replace("\"zone\":\"front\"", "\"zone\":\"side\""),
            400,
            "items[0].files[0].zone must be front or back",
        ),
        (
            "{\"items\": []".to_owned(),
            400,
            "The body is not valid JSON",
        ),
        (
            "{\"items\": []}".to_owned(),
            400,
            "items must list at least one item",
        ),
    ];
    for (body, status, message) in cases {
        let (got, answer) = call(&sim, "POST", "/v1/orders", Some(&body)).await;
        assert_eq!(
            (got, answer),
            (
                status,
                json!({"code": "error", "message": message, "data": {"status": status}})
            ),
        );
    }
    assert_eq!(sim.tunetoo().snapshot(), before, "nothing changed");
    let (status, body) = call(&sim, "GET", "/v1/orders/99", None).await;
    assert_eq!(
        (status, body["message"].clone()),
        (404, json!("Order 99 not found"))
    );
    let (status, _) = call(&sim, "PUT", "/v1/orders/1", None).await;
    assert_eq!(status, 405);
    let (status, _) = call(&sim, "GET", "/v1/nothing", None).await;
    assert_eq!(status, 404);
}

/// A webhook target on loopback: records every body and its headers.
async fn listener() -> (String, Arc<Mutex<Vec<(HeaderMap, Bytes)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
        let s = s.clone();
        async move {
            s.lock().expect("lock").push((headers, body));
            "ok"
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hooks", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, app).await });
    (url, seen)
}

async fn register(sim: &TunetooHandle, target: &str, event: &str) -> Value {
    let body = json!({"target": target, "event": event}).to_string();
    let (status, hook) = call(sim, "POST", "/v1/webhooks", Some(&body)).await;
    assert_eq!(status, 200, "{hook}");
    hook
}

/// The deliveries so far, settled, in the order they were sent (the delivery log's;
/// the listener may get them in another, as first attempts go out concurrently): the
/// event as registered and the body, each signature checked, and the listener got the
/// same bodies.
async fn delivered(
    sim: &TunetooHandle,
    seen: &Mutex<Vec<(HeaderMap, Bytes)>>,
) -> Vec<(String, Value)> {
    let log = admin(sim, "GET", "/webhooks?wait_ms=5000", None).await;
    assert_eq!(log["settled"], json!(true));
    let sent: Vec<(String, String)> = log["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .map(|d| {
            assert_eq!(d["state"], json!("delivered"));
            let body = d["body"].as_str().unwrap_or_default().to_owned();
            let sig = d["headers"]["x-tunetoo-signature"]
                .as_str()
                .unwrap_or_default();
            assert!(
                auth::verify(SECRET, body.as_bytes(), sig),
                "signature of {body}"
            );
            (d["event"].as_str().unwrap_or_default().to_owned(), body)
        })
        .collect();
    let mut received: Vec<String> = seen
        .lock()
        .expect("lock")
        .iter()
        .map(|(headers, body)| {
            let sig = headers
                .get(SIGNATURE_HEADER)
                .and_then(|v| v.to_str().ok())
                .expect("signed");
            assert!(auth::verify(SECRET, body, sig), "received signature");
            String::from_utf8_lossy(body).into_owned()
        })
        .collect();
    let mut bodies: Vec<String> = sent.iter().map(|(_, b)| b.clone()).collect();
    received.sort();
    bodies.sort();
    assert_eq!(
        received, bodies,
        "the listener got what the log says was sent"
    );
    sent.into_iter()
        .map(|(event, body)| (event, serde_json::from_str(&body).expect("JSON")))
        .collect()
}

#[tokio::test]
async fn an_order_goes_to_fulfilled_through_the_drivers_and_every_change_is_announced() {
    let sim = start("explicit").await;
    let (url, seen) = listener().await;
    register(&sim, &url, "order_change_status").await;
    let hook = register(&sim, &url, "order_fullfilled").await;
    assert_eq!(
        hook["event"],
        json!("order_fullfilled"),
        "echoed as registered"
    );
    register(&sim, &url, "stock_updated").await;

    let two_items = DOCS_ORDER.replace(
        r#""items":[{"#,
        r#""items":[{"sku_base":"TSH180_856_XL","quantity":2,"files":[{"zone":"back","type":"image","value":"https://x.example/b.png","collar_distance":5.5}]},{"#,
    );
    let (status, order) = call(&sim, "POST", "/v1/orders", Some(&two_items)).await;
    assert_eq!(status, 200, "{order}");
    let (first, second) = (
        order["items"][0]["id"].clone(),
        order["items"][1]["id"].clone(),
    );
    let id = order["id"].as_u64().expect("id");

    admin(&sim, "POST", "/orders/pay", Some(json!({"ids": [id]}))).await;
    let partial = admin(
        &sim,
        "POST",
        &format!("/orders/{id}/fulfil"),
        Some(
            json!({"items": [{"id": first, "quantity": 2}], "tracking_number": "1EXAMPLE1234567",
                    "tracking_url": "https://tracking-company.com/tracking?code=1EXAMPLE1234567",
                    "company": "Tracking company"}),
        ),
    )
    .await;
    assert_eq!(partial["status"], json!("partially_fulfilled"));
    let done = admin(
        &sim,
        "POST",
        &format!("/orders/{id}/fulfil"),
        Some(json!({})),
    )
    .await;
    assert_eq!(done["status"], json!("fulfilled"));
    assert_eq!(
        done["fulfillments"][1]["products"],
        json!([{"id": second, "quantity": 15, "sku": "100001_3"}])
    );
    assert_eq!(
        done["fulfillments"][0]["date"],
        json!("2026-06-22 09:30:00")
    );

    let got = delivered(&sim, &seen).await;
    let kinds: Vec<(&str, Value)> = got
        .iter()
        .map(|(e, b)| {
            (
                e.as_str(),
                b.get("status").cloned().unwrap_or_else(|| {
                    b.get("fulfillment")
                        .map_or(json!("stock"), |_| json!("shipment"))
                }),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("stock_updated", json!("stock")),
            ("order_change_status", json!("in_process")),
            ("order_fullfilled", json!("shipment")),
            ("order_change_status", json!("partially_fulfilled")),
            ("order_fullfilled", json!("shipment")),
            ("order_change_status", json!("fulfilled")),
        ]
    );
    assert_eq!(
        got[0].1,
        json!([{"sku": "TSH180_856_M", "stock": 985}, {"sku": "TSH180_856_XL", "stock": 998}])
    );
    assert_eq!(got[2].1["id"], json!(id));
    assert_eq!(got[2].1["external"]["id"], json!(1));
    assert_eq!(
        got[2].1["fulfillment"]["tracking_number"],
        json!("1EXAMPLE1234567")
    );

    // What the lifecycle does not allow is refused and changes nothing.
    let resp = reqwest::Client::new()
        .post(format!("{}/__sim/orders/{id}/cancel", sim.base_url()))
        .send()
        .await
        .expect("response");
    assert_eq!(resp.status().as_u16(), 409);
    let (_, listed) = call(
        &sim,
        "GET",
        "/v1/orders?created_at=2026-06-22&status=fulfilled",
        None,
    )
    .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let (_, none) = call(&sim, "GET", "/v1/orders?created_at=2026-06-21", None).await;
    assert_eq!(none, json!([]));
    let (status, _) = call(&sim, "GET", "/v1/orders?created_at=22-06-2026", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn immediate_mode_ships_at_payment_and_timed_mode_after_its_step() {
    let sim = start("immediate").await;
    call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    let paid = admin(&sim, "POST", "/orders/pay", Some(json!({"ids": [1]}))).await;
    assert_eq!(paid[0]["status"], json!("fulfilled"));
    assert_eq!(paid[0]["fulfillments"][0]["company"], json!("Colissimo"));

    let sim = start("timed").await;
    admin(
        &sim,
        "PUT",
        "/lifecycle",
        Some(json!({"mode": "timed", "step_seconds": 3600})),
    )
    .await;
    call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    let paid = admin(&sim, "POST", "/orders/pay", Some(json!({"ids": [1]}))).await;
    assert_eq!(paid[0]["status"], json!("in_process"));
    admin(
        &sim,
        "POST",
        "/clock/advance",
        Some(json!({"seconds": 3599})),
    )
    .await;
    assert_eq!(
        call(&sim, "GET", "/v1/orders/1", None).await.1["status"],
        json!("in_process")
    );
    admin(&sim, "POST", "/clock/advance", Some(json!({"seconds": 1}))).await;
    let (_, order) = call(&sim, "GET", "/v1/orders/1", None).await;
    assert_eq!(order["status"], json!("fulfilled"));
    assert_eq!(order["updated_at"], json!("2026-06-22T10:30:00"));
}

#[tokio::test]
async fn cancelling_gives_the_stock_back_and_a_group_payment_is_all_or_nothing() {
    let sim = start("explicit").await;
    call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    assert_eq!(sim.tunetoo().snapshot().stock("TSH180_856_M"), 970);
    let cancelled = admin(&sim, "POST", "/orders/1/cancel", None).await;
    assert_eq!(cancelled["status"], json!("cancelled"));
    assert_eq!(sim.tunetoo().snapshot().stock("TSH180_856_M"), 985);
    let resp = reqwest::Client::new()
        .post(format!("{}/__sim/orders/pay", sim.base_url()))
        .json(&json!({"ids": [2, 1]}))
        .send()
        .await
        .expect("response");
    assert_eq!(resp.status().as_u16(), 409);
    assert_eq!(
        call(&sim, "GET", "/v1/orders/2", None).await.1["status"],
        json!("awaiting_payment")
    );
}

#[tokio::test]
async fn products_show_the_catalogue_and_stock_is_state() {
    let sim = start("explicit").await;
    let (url, seen) = listener().await;
    register(&sim, &url, "stock_updated").await;
    let (status, products) = call(&sim, "GET", "/v1/products", None).await;
    assert_eq!(status, 200);
    let list = products.as_array().expect("list");
    assert_eq!(list.len(), 29);
    let jh001 = list
        .iter()
        .find(|p| p["sku"] == json!("JH001"))
        .expect("JH001");
    assert_eq!(jh001["brand"], json!("Ralawise"));
    assert_eq!(
        jh001["colors"][0]["sizes"][0],
        json!({"sku": "XS", "name": "XS", "in_stock": true})
    );
    assert!(
        jh001["variants"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v["sku"] == json!("JH001_476_XS")))
    );

    admin(
        &sim,
        "PUT",
        "/stock/TSH180_856_M",
        Some(json!({"stock": 0})),
    )
    .await;
    let (_, products) = call(&sim, "GET", "/v1/products", None).await;
    let tsh = &products[0];
    assert_eq!(tsh["sku"], json!("TSH180"));
    let m = tsh["variants"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["sku"] == json!("TSH180_856_M")))
        .expect("M");
    assert_eq!(m["in_stock"], json!(false));
    let (status, _) = call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    assert_eq!(status, 422);
    let got = delivered(&sim, &seen).await;
    assert_eq!(
        got,
        [(
            "stock_updated".to_owned(),
            json!([{"sku": "TSH180_856_M", "stock": 0}])
        )]
    );
}

#[tokio::test]
async fn webhook_registrations_are_per_shop_and_checked() {
    let sim = start("explicit").await;
    let a = register(
        &sim,
        "https://www.example.com/order-change-status.php",
        "order_change_status",
    )
    .await;
    assert_eq!(
        a,
        json!({"id": 1, "target": "https://www.example.com/order-change-status.php", "event": "order_change_status"})
    );
    let (_, list) = call(&sim, "GET", "/v1/webhooks", None).await;
    assert_eq!(list, json!([a]));
    assert_eq!(
        call(&sim, "GET", "/v1/webhooks/1", None).await,
        (200, a.clone())
    );
    for bad in [
        json!({"target": "ftp://x", "event": "stock_updated"}),
        json!({"target": "https://x", "event": "order_shipped"}),
    ] {
        let (status, _) = call(&sim, "POST", "/v1/webhooks", Some(&bad.to_string())).await;
        assert_eq!(status, 400, "{bad}");
    }
    assert_eq!(call(&sim, "DELETE", "/v1/webhooks/1", None).await, (200, a));
    assert_eq!(call(&sim, "GET", "/v1/webhooks/1", None).await.0, 404);
}

#[tokio::test]
async fn sim_state_imports_what_it_shows() {
    let sim = start("explicit").await;
    call(&sim, "POST", "/v1/orders", Some(DOCS_ORDER)).await;
    let doc = admin(&sim, "GET", "/state", None).await;
    admin(&sim, "POST", "/reset", None).await;
    assert_eq!(call(&sim, "GET", "/v1/orders", None).await.1, json!([]));
    admin(&sim, "PUT", "/state", Some(doc.clone())).await;
    assert_eq!(admin(&sim, "GET", "/state", None).await, doc);
    let mut bad = doc.clone();
    bad["orders"][0]["shop"] = json!(9);
    let resp = reqwest::Client::new()
        .put(format!("{}/__sim/state", sim.base_url()))
        .json(&bad)
        .send()
        .await
        .expect("response");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(admin(&sim, "GET", "/state", None).await, doc);
}
