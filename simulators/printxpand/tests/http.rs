//! The extension over HTTP: every example of the seed sent signed (OAuth 1.0a, the
//! fixture's integration) gets the seed's answer; Magento's framework answers around
//! it (authentication, ACL, routes, verbs, `Accept`, bodies) as the Magento simulator
//! does; the designer callback reaches a listener on loopback; `/__sim/state` shows the
//! category tree and imports what it shows.

const SEED_003: &str = include_str!("../../../fixtures/printxpand/transcripts/seed-003.json");

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::post;
use replay::{Report, Transcript, no_tolerance};
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_printxpand::{PrintXpandHandle, PrintXpandSim, fixtures};
use time::macros::datetime;

async fn start() -> PrintXpandHandle {
    PrintXpandSim::start().await.expect("simulator starts")
}

/// Sends `body` to `path` with `method`, signed with the fixture's integration.
async fn signed(sim: &PrintXpandHandle, method: &str, path: &str, body: &str) -> (u16, Value) {
    let url = format!("{}{path}", sim.base_url());
    let auth = sim.authorization(method, &url);
    let req = reqwest::Client::new()
        .request(method.parse().expect("method"), &url)
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    send(req).await
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

async fn admin(sim: &PrintXpandHandle, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut req = reqwest::Client::new().request(
        method.parse().expect("method"),
        format!("{}/__sim{path}", sim.base_url()),
    );
    if let Some(b) = body {
        req = req.json(&b);
    }
    let (status, body) = send(req).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn every_example_of_the_seed_sent_signed_gets_the_seeds_answer() {
    let sim = start().await;
    let t = Transcript::parse(SEED_003);
    let mut report = Report::default();
    for (n, ex) in t.exchanges.iter().enumerate() {
        admin(&sim, "POST", "/reset", None).await;
        for &before in &ex.after {
            let earlier = &t.exchanges[before];
            let body = earlier.request.body.as_deref().unwrap_or("");
            let (status, got) =
                signed(&sim, &earlier.request.method, &earlier.request.target, body).await;
            report.check(
                before,
                earlier,
                t.fidelity(earlier),
                status,
                &got,
                &no_tolerance,
            );
        }
        let body = ex.request.body.as_deref().unwrap_or("");
        let (status, got) = signed(&sim, &ex.request.method, &ex.request.target, body).await;
        report.check(n, ex, t.fidelity(ex), status, &got, &no_tolerance);
    }
    report.assert_clean();
}

const CUSTOMER: &str =
    r#"{"customer": {"k": {"id": "501", "first_name": "Ann", "email": "ann@example.com"}}}"#;

fn acl(resource: &str) -> Value {
    json!({
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": resource}
    })
}

#[tokio::test]
async fn every_path_form_of_the_seed_reaches_the_endpoint() {
    let sim = start().await;
    for (n, path) in [
        "/rest/V1/customer/create/",
        "/rest/V1/customer/create",
        "/V1/customer/create/",
        "/V1/customer/create",
        "/rest/default/V1/customer/create",
        "/rest/all/V1/customer/create",
        "/index.php/rest/V1/customer/create/",
    ]
    .into_iter()
    .enumerate()
    {
        let body = CUSTOMER
            .replace("501", &format!("60{n}"))
            .replace("ann@example.com", &format!("ann{n}@example.com"));
        let (status, got) = signed(&sim, "POST", path, &body).await;
        assert_eq!(status, 200, "{path}: {got}");
        assert_eq!(
            got[0]["response"][0]["id"],
            json!(format!("60{n}")),
            "{path}"
        );
    }
    assert_eq!(sim.printxpand().snapshot().state.customers().len(), 3 + 7);
}

#[tokio::test]
async fn magentos_framework_answers_around_the_endpoints() {
    let sim = start().await;
    let url = format!("{}/rest/V1/customer/create/", sim.base_url());
    let client = reqwest::Client::new();
    let before = sim.printxpand().snapshot();

    // No credentials: a guest, refused by the ACL.
    let (status, body) = send(
        client
            .post(&url)
            .header("Content-Type", "application/json")
            .body(CUSTOMER),
    )
    .await;
    assert_eq!((status, body), (401, acl("Magento_Customer::manage")));

    // A wrong signature.
    let auth = sim.authorization("POST", &format!("{url}?tampered=1"));
    let (status, body) = send(
        client
            .post(&url)
            .header("Authorization", auth)
            .header("Content-Type", "application/json")
            .body(CUSTOMER),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "The signature is invalid. Verify and try again."})
        )
    );

    // A replayed nonce.
    let auth = sim.authorization("POST", &url);
    for want in [200, 401] {
        let (status, body) = send(
            client
                .post(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .body(r#"{"customer": {}}"#),
        )
        .await;
        assert_eq!(status, want, "{body}");
    }

    // The integration's token as a bearer token: refused on 2.4.7 by default.
    let token = sim.signer().token;
    let (status, body) = send(
        client
            .post(&url)
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body(CUSTOMER),
    )
    .await;
    assert_eq!((status, body), (401, acl("Magento_Customer::manage")));

    // Routes and verbs.
    let (status, body) = signed(&sim, "POST", "/rest/V1/customer/delete", "{}").await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Request does not match any route."}))
    );
    let (status, body) = signed(&sim, "PUT", "/rest/V1/customer/create", CUSTOMER).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = signed(&sim, "PATCH", "/rest/V1/customer/create", CUSTOMER).await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "Request method is invalid."}))
    );

    // Bodies: not JSON, no key, a scalar where the batch goes.
    let (status, body) = signed(&sim, "POST", "/rest/V1/customer/create", "{nope").await;
    assert_eq!((status, body), (400, json!({"message": "Decoding error."})));
    let (status, body) = signed(&sim, "POST", "/rest/V1/category/create", r#"{"x": 1}"#).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "category"}})
        )
    );
    let (status, body) = signed(
        &sim,
        "POST",
        "/rest/V1/product/delete",
        r#"{"product": "10002"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        json!(
            "Error occurred during \"product\" processing. The \"10002\" value's type is invalid. The \"array\" type was expected. Verify and try again."
        )
    );
    assert_eq!(
        sim.printxpand().snapshot(),
        before,
        "nothing above changed the store"
    );

    // Accept: Magento renders after the call, so the call happened.
    let auth = sim.authorization("POST", &url);
    let (status, body) = send(
        client
            .post(&url)
            .header("Authorization", auth)
            .header("Content-Type", "application/json")
            .header("Accept", "text/html")
            .body(CUSTOMER),
    )
    .await;
    assert_eq!(status, 406, "{body}");
    assert!(
        sim.printxpand()
            .snapshot()
            .state
            .customers()
            .contains("501")
    );
}

#[tokio::test]
async fn bearer_tokens_work_where_magento_takes_them_and_the_acl_holds() {
    let sim = start().await;
    let mut doc = admin(&sim, "GET", "/state", None).await;
    doc["settings"]["integration_as_bearer"] = json!(true);
    doc["integrations"][0]["resources"] = json!(["Magento_Catalog::products"]);
    admin(&sim, "PUT", "/state", Some(doc)).await;
    let token = sim.signer().token;
    let client = reqwest::Client::new();
    let post = |path: &str, body: &'static str| {
        client
            .post(format!("{}{path}", sim.base_url()))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body(body)
    };
    let (status, body) = send(post("/rest/V1/product/delete", r#"{"product": [10002]}"#)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(post("/rest/V1/customer/create", CUSTOMER)).await;
    assert_eq!((status, body), (401, acl("Magento_Customer::manage")));
}

#[tokio::test]
async fn order_create_takes_get_with_a_body_or_a_query() {
    let sim = start().await;
    let order = json!({"order": {"a": {
        "order_id": "9001", "sub_total": "10.00", "shipping_address": {"name": "N"},
        "design_id": ["1"], "item_price": ["10.00"], "item_qty": [1]
    }}});
    let (status, body) = signed(&sim, "GET", "/rest/V1/order/create/", &order.to_string()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body[0]["response"][0]["message"],
        json!("Order Created successfully!!")
    );

    let query = "order[a][order_id]=9002&order[a][sub_total]=5&order[a][shipping_address][name]=Q\
                 &order[a][design_id][]=7&order[a][item_price][]=5&order[a][item_qty][]=1";
    let (status, body) = signed(&sim, "GET", &format!("/V1/order/create?{query}"), "").await;
    assert_eq!(status, 200, "{body}");
    let snap = sim.printxpand().snapshot();
    let o = snap
        .state
        .orders()
        .get("9002")
        .expect("order from the query");
    assert_eq!(o.shipping_address.name, "Q");
    assert_eq!(o.design_id, [json!("7")]);
}

/// A product designer's endpoint on loopback: records each body, answers as told.
async fn designer(answer: &'static str) -> (String, Arc<Mutex<Vec<Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let app = Router::new().route(
        "/designer",
        post(move |body: String| {
            let s = s.clone();
            async move {
                s.lock()
                    .expect("lock")
                    .push(serde_json::from_str::<Value>(&body).unwrap_or(Value::Null));
                answer
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/designer", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

const DESIGNED: &str = r#"{"product": {
    "a": {"id": 20001, "name": "Tee", "type": "simple", "enable_product_designer": 1, "images": [{"src": "http://img/1.png"}]},
    "b": {"id": 20002, "name": "Mug", "type": "simple", "enable_product_designer": 0},
    "c": {"id": "", "name": "Bad", "type": "simple", "enable_product_designer": 1}
}}"#;

#[tokio::test]
async fn the_designer_callback_reaches_a_listener_on_loopback() {
    let sim = start().await;
    let (url, seen) = designer(r#"[{"response":"success"}]"#).await;
    let mut settings = admin(&sim, "GET", "/settings", None).await;
    settings["designer_endpoint"] = json!(url);
    assert_eq!(
        admin(&sim, "PUT", "/settings", Some(settings.clone())).await,
        settings
    );

    let (status, body) = signed(&sim, "POST", "/rest/V1/product/create/", DESIGNED).await;
    assert_eq!(status, 201, "{body}");
    let log = admin(&sim, "GET", "/webhooks?wait_ms=5000", None).await;
    assert_eq!(log["settled"], json!(true));
    let deliveries = log["deliveries"].as_array().expect("deliveries");
    assert_eq!(
        deliveries.len(),
        1,
        "only the applied product with the designer on"
    );
    assert_eq!(deliveries[0]["state"], json!("delivered"));
    assert_eq!(deliveries[0]["url"], json!(url));
    let got = seen.lock().expect("lock").clone();
    assert_eq!(
        got,
        [json!({
            "image_url": "http://img/1.png",
            "designer_url": format!("{}/productdesigner/index/index/id/20001", sim.base_url()),
            "enable_product_designer": 1,
            "integration_product_id": 20001
        })]
    );
}

#[tokio::test]
async fn a_designer_that_does_not_answer_success_is_retried_and_logged() {
    // A manual clock: the retry waits until the test moves it.
    let config = CoreConfig {
        clock: Clock::manual(datetime!(2026-01-05 10:00:00 UTC)),
        ..CoreConfig::default()
    };
    let sim = PrintXpandSim::start_with(
        config,
        fixtures::default_store(),
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts");
    let (url, seen) = designer(r#"[{"response":"error"}]"#).await;
    let mut doc = admin(&sim, "GET", "/state", None).await;
    doc["settings"]["designer_endpoint"] = json!(url);
    admin(&sim, "PUT", "/state", Some(doc)).await;
    let (status, _) = signed(&sim, "POST", "/rest/V1/product/create/", DESIGNED).await;
    assert_eq!(status, 201);
    let log = admin(&sim, "GET", "/webhooks?wait_ms=5000", None).await;
    let d = &log["deliveries"][0];
    assert_eq!(d["state"], json!("pending"), "a retry waits on the clock");
    assert_eq!(d["attempts"][0]["status"], json!(200));
    assert_eq!(
        d["attempts"][0]["error"],
        json!(r#"receiver answered [{"response":"error"}] instead of [{"response":"success"}]"#)
    );
    assert_eq!(seen.lock().expect("lock").len(), 1);
    admin(&sim, "POST", "/clock/advance", Some(json!({"seconds": 1}))).await;
    let log = admin(&sim, "GET", "/webhooks?wait_ms=5000", None).await;
    assert_eq!(
        log["deliveries"][0]["attempts"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(seen.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn bad_settings_are_refused_and_there_is_no_lifecycle() {
    let sim = start().await;
    let before = admin(&sim, "GET", "/settings", None).await;
    let client = reqwest::Client::new();
    for bad in [
        json!({"designer_endpoint": "ftp://x"}),
        json!({"oauth_max_future_skew_secs": -1}),
        json!({"magento_version": "1.9.4"}),
        json!({"no_such_setting": true}),
    ] {
        let resp = client
            .put(format!("{}/__sim/settings", sim.base_url()))
            .json(&bad)
            .send()
            .await
            .expect("response");
        assert_eq!(resp.status().as_u16(), 400, "{bad}");
    }
    assert_eq!(admin(&sim, "GET", "/settings", None).await, before);
    let resp = client
        .put(format!("{}/__sim/lifecycle", sim.base_url()))
        .json(&json!({"mode": "explicit"}))
        .send()
        .await
        .expect("response");
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.expect("JSON");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("printxpand has no lifecycle")),
        "{body}"
    );
}

#[tokio::test]
async fn sim_state_shows_the_category_tree_and_imports_what_it_shows() {
    let sim = start().await;
    let (status, _) = signed(
        &sim,
        "POST",
        "/rest/V1/category/create/",
        r#"{"category": {"a": {"id": 5, "name": "Shirts", "parent_id": 1001}, "b": {"id": 6, "name": "Polo", "parent_id": 5}}}"#,
    )
    .await;
    assert_eq!(status, 200);
    let doc = admin(&sim, "GET", "/state", None).await;
    let books = &doc["categories"][0];
    assert_eq!(books["id"], json!("1001"));
    assert_eq!(books["children"][0]["id"], json!("5"));
    assert_eq!(books["children"][0]["children"][0]["name"], json!("Polo"));
    assert!(doc["integrations"][0]["consumer_key"].is_string());
    assert!(doc["products"].as_array().is_some_and(|p| !p.is_empty()));

    // What it shows, it imports; a broken document changes nothing.
    admin(&sim, "POST", "/reset", None).await;
    admin(&sim, "PUT", "/state", Some(doc.clone())).await;
    assert_eq!(admin(&sim, "GET", "/state", None).await, doc);
    let mut bad = doc.clone();
    bad["categories"][0]["children"][0]["children"][0]["id"] = json!("1002");
    let resp = reqwest::Client::new()
        .put(format!("{}/__sim/state", sim.base_url()))
        .json(&bad)
        .send()
        .await
        .expect("response");
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(admin(&sim, "GET", "/state", None).await, doc);
    assert_eq!(
        fixtures::default_store().to_value()["settings"]["magento_version"],
        json!("2.4.7")
    );
}
