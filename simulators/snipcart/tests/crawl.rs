//! `POST /products {"fetchUrl": "…"}` (seed `002`, reference §3): a real crawl over HTTP
//! of pages this test serves itself on loopback.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode as AxumStatus, Uri};
use axum::response::IntoResponse;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_snipcart::{SnipcartHandle, SnipcartSim};
use time::macros::datetime;

const T0: time::OffsetDateTime = datetime!(2026-03-01 12:00:00.25 UTC);

/// A served page: status, `Content-Type`, body.
type Served = (u16, String, String);

/// Pages by path, and every request's headers.
#[derive(Clone, Default)]
struct Site {
    pages: Arc<Mutex<HashMap<String, Served>>>,
    seen: Arc<Mutex<Vec<(String, HeaderMap)>>>,
    base: String,
}

impl Site {
    async fn start() -> Site {
        let mut site = Site::default();
        let served = site.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let site = served.clone();
            async move {
                site.seen
                    .lock()
                    .unwrap()
                    .push((uri.path().to_owned(), headers));
                match site.pages.lock().unwrap().get(uri.path()).cloned() {
                    Some((status, ct, body)) => (
                        AxumStatus::from_u16(status).unwrap(),
                        [("content-type", ct)],
                        body,
                    )
                        .into_response(),
                    None => AxumStatus::NOT_FOUND.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        site.base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        site
    }

    fn page(&self, path: &str, status: u16, content_type: &str, body: &str) -> String {
        self.pages.lock().unwrap().insert(
            path.to_owned(),
            (status, content_type.to_owned(), body.to_owned()),
        );
        format!("{}{path}", self.base)
    }

    fn html(&self, path: &str, body: &str) -> String {
        self.page(path, 200, "text/html; charset=utf-8", body)
    }

    fn json(&self, path: &str, body: &Value) -> String {
        self.page(path, 200, "application/json", &body.to_string())
    }

    fn requests(&self) -> Vec<(String, HeaderMap)> {
        self.seen.lock().unwrap().clone()
    }
}

async fn sim() -> SnipcartHandle {
    SnipcartSim::start_with(
        CoreConfig {
            clock: Clock::manual(T0),
            ..CoreConfig::default()
        },
        sim_snipcart::fixtures::default_state(),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts")
}

fn client() -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap()
}

async fn call(
    sim: &SnipcartHandle,
    method: Method,
    path: &str,
    key: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = client()
        .request(method, format!("{}{path}", sim.base_url()))
        .header("Accept", "application/json")
        .basic_auth(key, Some(""));
    if let Some(body) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(body.to_owned());
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn crawl(sim: &SnipcartHandle, key: &str, url: &str) -> (StatusCode, Value) {
    let body = json!({ "fetchUrl": url }).to_string();
    call(sim, Method::POST, "/api/products", key, Some(&body)).await
}

fn products(sim: &SnipcartHandle) -> Value {
    let s = sim.snipcart().snapshot();
    json!({"test": s.test.products, "live": s.live.products})
}

async fn set_settings(sim: &SnipcartHandle, change: impl FnOnce(&mut Value)) {
    let url = format!("{}/__sim/settings", sim.base_url());
    let mut settings: Value = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    change(&mut settings);
    let res = client().put(&url).json(&settings).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

const SHOP: &str = r##"<!doctype html>
<html><head><title>Shop</title>
<script>document.write('<button class="snipcart-add-item" data-item-id="GHOST">');</script>
</head><body>
  <button class="btn snipcart-add-item"
    data-item-id="PH1" data-item-name="Phone &amp; case" data-item-price="199.90"
    data-item-url="/phones/ph1" data-item-image="/img/ph1.png"
    data-item-description="A &quot;good&quot; phone" data-item-weight="150"
    data-item-custom1-name="Size" data-item-custom1-options="16GB|32GB[+50.00]|128GB[+200.00]"
    data-item-custom1-value="32GB"
    data-item-custom2-name="Engraving" data-item-custom2-type="textarea"
    data-item-metadata='{"color": "black"}'>Add to cart</button>
  <a href="#" class="snipcart-add-item" data-item-id="MUG" data-item-name="Mug"
     data-item-price="9.5">Buy the mug</a>
  <button class="snipcart-add-item" data-item-id="PH1" data-item-name="Phone &amp; case"
     data-item-price="199.9">Add again</button>
</body></html>"##;

#[tokio::test]
async fn an_html_page_gives_its_products_with_custom_fields() {
    let (sim, site) = (sim().await, Site::start().await);
    let url = site.html("/shop.html", SHOP);
    let (status, body) = crawl(&sim, &sim.test_key(), &url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body.as_array().expect("an array");
    assert_eq!(items.len(), 2, "PH1 twice at one price is one product");
    let ph1 = &items[0];
    assert_eq!(
        ph1,
        &json!({
            "mode": "Test",
            "userDefinedId": "PH1",
            "url": "/phones/ph1",
            "price": 199.90,
            "name": "Phone & case",
            "description": "A \"good\" phone",
            "image": "/img/ph1.png",
            "archived": false,
            "statistics": {"numberOfSales": 0, "totalSales": 0},
            "customFields": [
                {"name": "Size", "operation": "+50.00", "type": "dropdown",
                 "options": "16GB|32GB[+50.00]|128GB[+200.00]", "required": false,
                 "value": "32GB", "optionsArray": ["16GB", "32GB", "128GB"]},
                {"name": "Engraving", "operation": "", "type": "textarea", "options": "",
                 "required": false, "value": "", "optionsArray": []}
            ],
            "metadata": {"color": "black"},
            "id": ph1["id"],
            "creationDate": "2026-03-01T12:00:00.25Z",
            "modificationDate": "2026-03-01T12:00:00.25Z"
        })
    );
    let mug = &items[1];
    assert_eq!(mug["url"], "/shop.html", "defaults to the page's path");
    assert_eq!(mug["price"], json!(9.5));
    assert_eq!(mug["description"], Value::Null);
    assert_eq!(mug["customFields"], json!([]));
    assert_ne!(mug["id"], ph1["id"]);
    // The products are in the store, found by GUID and by id; the scale is kept.
    let (status, got) = call(
        &sim,
        Method::GET,
        &format!("/api/products/{}", ph1["id"].as_str().unwrap()),
        &sim.test_key(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&got, ph1);
    let (_, list) = call(&sim, Method::GET, "/api/products", &sim.test_key(), None).await;
    assert_eq!(list["totalItems"], 4);
    // Variants can now be tracked on the crawled dropdown.
    let (status, _) = call(
        &sim,
        Method::PUT,
        "/api/products/PH1",
        &sim.test_key(),
        Some("{inventoryManagementMethod: 'Variant', variants: [{variation: [{name: 'Size', option: '128GB'}], stock: 3}]}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_json_page_gives_products_and_their_inventory() {
    let (sim, site) = (sim().await, Site::start().await);
    let url = site.json(
        "/catalog.json",
        &json!([
            {"id": "SHIRT", "price": 25.5, "url": "/shirts", "name": "Shirt",
             "customFields": [{"name": "Size", "options": "S|M|L", "value": "M"}],
             "inventoryManagementMethod": "Variant",
             "variants": [
                 {"variation": [{"name": "Size", "option": "S"}], "stock": 2},
                 {"variation": [{"name": "Size", "option": "L"}], "stock": 5, "allowOutOfStockPurchases": true}
             ]},
            {"Id": 77, "PRICE": "3.00", "Url": "/cap", "name": "Cap",
             "inventoryManagementMethod": "single", "stock": 9}
        ]),
    );
    let (status, body) = crawl(&sim, &sim.test_key(), &url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["userDefinedId"], "SHIRT");
    assert_eq!(body[0]["inventoryManagementMethod"], "Variant");
    assert_eq!(body[0]["totalStock"], 7);
    assert_eq!(body[0]["variants"][1]["allowOutOfStockPurchases"], true);
    assert_eq!(
        body[0]["customFields"][0]["optionsArray"],
        json!(["S", "M", "L"])
    );
    assert_eq!(body[1]["userDefinedId"], "77");
    assert_eq!(body[1]["price"], json!(3.00));
    assert_eq!(body[1]["stock"], 9);
    assert_eq!(body[1]["totalStock"], 9);
    let (_, cap) = call(&sim, Method::GET, "/api/products/77", &sim.test_key(), None).await;
    assert_eq!(cap["inventoryManagementMethod"], "Single");
    // An inventory the page's own custom fields do not allow refuses the whole page.
    let before = products(&sim);
    let bad = site.json(
        "/bad.json",
        &json!([
            {"id": "OK", "price": 1, "url": "/ok"},
            {"id": "SHIRT", "price": 25.5, "url": "/shirts", "inventoryManagementMethod": "Variant",
             "variants": [{"variation": [{"name": "Colour", "option": "Red"}]}]}
        ]),
    );
    let (status, body) = crawl(&sim, &sim.test_key(), &bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("Colour"),
        "{body}"
    );
    assert_eq!(products(&sim), before);
}

#[tokio::test]
async fn the_docs_curl_body_works_as_the_docs_describe() {
    let (sim, site) = (sim().await, Site::start().await);
    let url = site.json(
        "/products.json",
        &json!([
            {"id": "123", "price": 10.00, "url": "/products.json", "name": "Product 123"},
            {"id": "456", "price": 40.00, "url": "/products.json", "name": "Product 456"}
        ]),
    );
    // `-d "{fetchUrl: 'https://yoursite.com/products.json'}"`, host changed.
    let (status, body) = call(
        &sim,
        Method::POST,
        "/api/products",
        &sim.test_key(),
        Some(&format!("{{fetchUrl: '{url}'}}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        body,
        json!([
            {"mode": "Test", "userDefinedId": "123", "url": "/products.json", "price": 10,
             "name": "Product 123", "description": null, "image": null, "archived": false,
             "statistics": {"numberOfSales": 0, "totalSales": 0}, "customFields": [],
             "metadata": null, "id": ids[0],
             "creationDate": "2026-03-01T12:00:00.25Z", "modificationDate": "2026-03-01T12:00:00.25Z"},
            {"mode": "Test", "userDefinedId": "456", "url": "/products.json", "price": 40,
             "name": "Product 456", "description": null, "image": null, "archived": false,
             "statistics": {"numberOfSales": 0, "totalSales": 0}, "customFields": [],
             "metadata": null, "id": ids[1],
             "creationDate": "2026-03-01T12:00:00.25Z", "modificationDate": "2026-03-01T12:00:00.25Z"}
        ])
    );
    // Under /api/v1 too.
    let body = json!({ "fetchUrl": url }).to_string();
    let (status, _) = call(
        &sim,
        Method::POST,
        "/api/v1/products",
        &sim.test_key(),
        Some(&body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_currency_map_is_read_in_the_store_currency() {
    let (sim, site) = (sim().await, Site::start().await);
    let html = site.html(
        "/maps.html",
        r#"<button class="snipcart-add-item" data-item-id="M1" data-item-name="Map"
             data-item-price='{"usd": 20, "cad": 25.75}'>Buy</button>"#,
    );
    let (status, body) = crawl(&sim, &sim.test_key(), &html).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["price"], json!(20));
    set_settings(&sim, |s| s["currency"] = json!("cad")).await;
    let (_, body) = crawl(&sim, &sim.test_key(), &html).await;
    assert_eq!(body[0]["price"], json!(25.75));
    let json_page = site.json(
        "/maps.json",
        &json!({"id": "M2", "price": {"CAD": 5}, "url": "/m2"}),
    );
    let (status, body) = crawl(&sim, &sim.test_key(), &json_page).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["price"], json!(5));
    // No amount in the store's currency: refused, nothing changes.
    set_settings(&sim, |s| s["currency"] = json!("eur")).await;
    let before = products(&sim);
    let (status, body) = crawl(&sim, &sim.test_key(), &html).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("'eur'"),
        "{body}"
    );
    assert_eq!(products(&sim), before);
}

#[tokio::test]
async fn a_second_crawl_updates_and_unarchives_keeping_the_guid() {
    let (sim, site) = (sim().await, Site::start().await);
    let key = sim.test_key();
    let url = site.html(
        "/p.html",
        r#"<button class="snipcart-add-item" data-item-id="HGW" data-item-name="How Google Works (2nd ed.)"
             data-item-price="24.99" data-item-url="/hgw">Buy</button>"#,
    );
    let (status, archived) = call(&sim, Method::DELETE, "/api/products/HGW", &key, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(archived["archived"], true);
    sim.core()
        .clock
        .advance(std::time::Duration::from_secs(300));
    let (status, body) = crawl(&sim, &key, &url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hgw = &body[0];
    assert_eq!(hgw["id"], "325bfaef-d665-4c9a-a965-f5bd6ab46934");
    assert_eq!(hgw["archived"], false);
    assert_eq!(hgw["name"], "How Google Works (2nd ed.)");
    assert_eq!(hgw["price"], json!(24.99));
    assert_eq!(hgw["url"], "/hgw");
    assert_eq!(hgw["image"], Value::Null, "the page gives no image now");
    assert_eq!(hgw["metadata"], Value::Null);
    assert_eq!(hgw["statistics"]["numberOfSales"], 29, "sales are kept");
    assert_eq!(hgw["creationDate"], "2016-05-25T21:21:27.213Z");
    assert_eq!(hgw["modificationDate"], "2026-03-01T12:05:00.25Z");
    let (_, list) = call(&sim, Method::GET, "/api/products", &key, None).await;
    assert_eq!(list["totalItems"], 2, "updated, not added");
    // AP1's variants survive an HTML crawl, which carries no inventory.
    let ap1 = site.html(
        "/ap1.html",
        r#"<button class="snipcart-add-item" data-item-id="AP1" data-item-name="Android Phone"
             data-item-price="279.99" data-item-url="/product-examples.html"
             data-item-custom1-name="Size" data-item-custom1-options="16GB|32GB[+50.00]|128GB[+200.00]"
             data-item-custom1-value="128GB"
             data-item-custom2-name="Color" data-item-custom2-options="Black|Blue|Red|White"
             data-item-custom2-value="Blue">Buy</button>"#,
    );
    let (status, body) = crawl(&sim, &key, &ap1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["price"], json!(279.99));
    assert_eq!(body[0]["totalStock"], 11);
    assert_eq!(body[0]["variants"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_crawler_sends_its_headers_and_a_token_that_validates_once() {
    let (sim, site) = (sim().await, Site::start().await);
    let key = sim.test_key();
    let url = site.html("/shop.html", SHOP);
    let (status, _) = crawl(&sim, &key, &url).await;
    assert_eq!(status, StatusCode::OK);
    let requests = site.requests();
    assert_eq!(requests.len(), 1);
    let (path, headers) = &requests[0];
    assert_eq!(path, "/shop.html");
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    assert_eq!(header("user-agent"), "Snipcart/1.0");
    assert_eq!(header("x-snipcart-purpose"), "Crawling");
    let token = header("x-snipcart-requesttoken").to_owned();
    assert!(!token.is_empty());
    // The Live key does not see a Test token; the Test key validates it once.
    let path = format!("/api/requestvalidation/{token}");
    let (status, _) = call(&sim, Method::GET, &path, &sim.live_key(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(&sim, Method::GET, &path, &key, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"token": token, "resource": url}));
    let (status, _) = call(&sim, Method::GET, &path, &key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "once only");
    // A second crawl carries a new token.
    crawl(&sim, &key, &url).await;
    let second = site.requests()[1]
        .1
        .get("x-snipcart-requesttoken")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(second, token);
}

#[tokio::test]
async fn a_url_outside_the_store_domains_is_refused_without_a_fetch() {
    let (sim, site) = (sim().await, Site::start().await);
    let key = sim.test_key();
    let url = site.html("/shop.html", SHOP);
    let before = products(&sim);
    set_settings(&sim, |s| s["domains"] = json!(["shop.example"])).await;
    let (status, body) = crawl(&sim, &key, &url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("domain"),
        "{body}"
    );
    // A port pins the domain to it.
    set_settings(&sim, |s| s["domains"] = json!(["127.0.0.1:1"])).await;
    let (status, _) = crawl(&sim, &key, &url).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    set_settings(&sim, |s| {
        s["domains"] = json!([format!("127.0.0.1:{port}")])
    })
    .await;
    let (status, _) = crawl(&sim, &key, &url.replace("127.0.0.1", "localhost")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "localhost is another host");
    for (body, why) in [
        (
            json!({"fetchUrl": "ftp://127.0.0.1/x"}).to_string(),
            "http(s)",
        ),
        (json!({"fetchUrl": "/shop.html"}).to_string(), "absolute"),
        ("{}".to_owned(), "fetchUrl is required"),
        ("{fetchUrl: ''}".to_owned(), "fetchUrl is required"),
        ("".to_owned(), "empty"),
    ] {
        let (status, answer) = call(&sim, Method::POST, "/api/products", &key, Some(&body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            answer["message"].as_str().unwrap().contains(why),
            "{answer}"
        );
    }
    assert!(site.requests().is_empty(), "nothing was fetched");
    assert_eq!(products(&sim), before);
    // The allowed port is crawled.
    let (status, _) = crawl(&sim, &key, &url).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn empty_failing_and_unreachable_pages_are_400_and_change_nothing() {
    let (sim, site) = (sim().await, Site::start().await);
    let key = sim.test_key();
    let before = products(&sim);
    let empty = site.html(
        "/empty.html",
        "<html><body><p>No products today.</p></body></html>",
    );
    let empty_json = site.json("/empty.json", &json!([]));
    let broken = site.page("/broken", 500, "text/html", SHOP);
    let missing = format!("{}/nowhere.html", site.base);
    // A port nothing listens on (bound, then released).
    let closed = {
        let l = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        format!("http://{}/shop.html", l.local_addr().unwrap())
    };
    for (url, why) in [
        (empty, "No products"),
        (empty_json, "No products"),
        (broken, "answered 500"),
        (missing, "answered 404"),
        (closed, "could not be fetched"),
    ] {
        let (status, body) = crawl(&sim, &key, &url).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(why), "{url}: {message}");
        assert_eq!(products(&sim), before, "{url}");
    }
    // Unauthenticated: 401 before anything is fetched.
    let res = client()
        .post(format!("{}/api/products", sim.base_url()))
        .header("Accept", "application/json")
        .body(json!({"fetchUrl": format!("{}/empty.html", site.base)}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        site.requests().len(),
        4,
        "the four reachable pages, once each"
    );
}

#[tokio::test]
async fn a_live_key_crawl_lands_in_live() {
    let (sim, site) = (sim().await, Site::start().await);
    let url = site.html("/shop.html", SHOP);
    let (status, body) = crawl(&sim, &sim.live_key(), &url).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["mode"], "Live");
    let (status, live) = call(
        &sim,
        Method::GET,
        "/api/products/PH1",
        &sim.live_key(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(live["mode"], "Live");
    let (status, _) = call(
        &sim,
        Method::GET,
        "/api/products/PH1",
        &sim.test_key(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let snap = sim.snipcart().snapshot();
    assert_eq!(snap.live.products.len(), 2);
    assert_eq!(snap.test.products.len(), 2);
    snap.live.products.check().unwrap();
}
