//! Auth, the `Accept` rule, modes and the products API over HTTP (seed `002`).

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sim_snipcart::{SnipcartHandle, SnipcartSim};

async fn sim() -> SnipcartHandle {
    SnipcartSim::start().await.expect("simulator starts")
}

fn client() -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn call(
    sim: &SnipcartHandle,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = client()
        .request(method, format!("{}{path}", sim.base_url()))
        .header("Accept", "application/json");
    if let Some(key) = key {
        req = req.basic_auth(key, Some(""));
    }
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

async fn get(sim: &SnipcartHandle, path: &str, key: &str) -> (StatusCode, Value) {
    call(sim, Method::GET, path, Some(key), None).await
}

/// A GET with this `Accept` and these Basic credentials, as the server answers it.
async fn raw_get(
    sim: &SnipcartHandle,
    path: &str,
    accept: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    client()
        .get(format!("{}{path}", sim.base_url()))
        .header("Accept", accept)
        .basic_auth(user, Some(password))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_a_401_with_one_body() {
    let sim = sim().await;
    let denied = json!({"message": "Authorization has been denied for this request."});
    for key in [None, Some("nope"), Some("")] {
        let (status, body) = call(&sim, Method::GET, "/api/products", key, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{key:?}");
        assert_eq!(body, denied);
    }
    // A password, or no colon, is not the documented form.
    let res = raw_get(
        &sim,
        "/api/products",
        "application/json",
        &sim.test_key(),
        "secret",
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    use base64::Engine as _;
    let bare = base64::engine::general_purpose::STANDARD.encode(sim.test_key());
    let res = client()
        .get(format!("{}/api/products", sim.base_url()))
        .header("Accept", "application/json")
        .header("Authorization", format!("Basic {bare}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_accept_json_the_strict_default_answers_406_and_the_switch_relaxes_it() {
    let sim = sim().await;
    // (reqwest sends `Accept: */*` unless told otherwise; a missing header is checked
    // in the unit tests of `auth`.)
    let res = raw_get(&sim, "/api/products", "text/html", &sim.test_key(), "").await;
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("application/json")
    );
    let res = raw_get(
        &sim,
        "/api/products",
        "text/html, */*;q=0.1",
        &sim.test_key(),
        "",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "*/* includes JSON");
    let mut settings: Value = client()
        .get(format!("{}/__sim/settings", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    settings["strictAccept"] = json!(false);
    let res = client()
        .put(format!("{}/__sim/settings", sim.base_url()))
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = raw_get(&sim, "/api/products", "text/html", &sim.test_key(), "").await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn test_and_live_keys_each_see_their_own_data() {
    let sim = sim().await;
    let (_, test) = get(&sim, "/api/products", &sim.test_key()).await;
    let (_, live) = get(&sim, "/api/products", &sim.live_key()).await;
    assert_eq!(test["totalItems"], 2);
    assert_eq!(live["totalItems"], 0);
    let (status, _) = get(&sim, "/api/products/AP1", &sim.live_key()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_list_is_an_offset_envelope_sorted_by_sales() {
    let sim = sim().await;
    let key = sim.test_key();
    let (status, page) = get(&sim, "/api/products?limit=50&offset=0", &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totalItems"], 2);
    assert_eq!(page["offset"], 0);
    assert_eq!(page["limit"], 50);
    assert_eq!(page["hasMoreResults"], false);
    assert_eq!(page["sort"], json!([]));
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["userDefinedId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["HGW", "AP1"], "29 sales before none");
    let (_, page) = get(&sim, "/api/products?orderBy=CREATIONDATE&limit=1", &key).await;
    assert_eq!(page["items"][0]["userDefinedId"], "AP1", "newest first");
    assert_eq!(page["hasMoreResults"], true);
    let (_, page) = get(&sim, "/api/products?keywords=android", &key).await;
    assert_eq!(page["totalItems"], 1);
    let (status, _) = get(&sim, "/api/products?orderBy=price", &key).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&sim, "/api/products?limit=x", &key).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Amounts keep their decimal form.
    let text = raw_get(&sim, "/api/products/HGW", "application/json", &key, "")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains(r#""totalSales":608.71"#), "{text}");
}

#[tokio::test]
async fn a_product_is_found_by_guid_or_user_defined_id_under_both_prefixes() {
    let sim = sim().await;
    let key = sim.test_key();
    let (status, by_user) = get(&sim, "/api/products/AP1", &key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_user["totalStock"], 11);
    let (_, by_guid) = get(
        &sim,
        "/api/v1/products/3932ecd1-6508-4209-a7c6-8da4cc75590d",
        &key,
    )
    .await;
    assert_eq!(by_guid, by_user);
    let (status, body) = get(&sim, "/api/products/nope", &key).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn the_docs_inventory_put_with_single_quotes_switches_to_single() {
    let sim = sim().await;
    let key = sim.test_key();
    let (status, p) = call(
        &sim,
        Method::PUT,
        "/api/products/AP1",
        Some(&key),
        Some("{ 'inventoryManagementMethod': 'Single', 'stock': 20 }"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["inventoryManagementMethod"], "Single");
    assert_eq!(p["stock"], 20);
    assert_eq!(p["totalStock"], 20);
    assert!(p.get("variants").is_none(), "{p}");
}

#[tokio::test]
async fn variant_inventory_is_checked_against_the_dropdowns() {
    let sim = sim().await;
    let key = sim.test_key();
    let body = r#"{"InventoryManagementMethod": "variant", "variants": [
        {"variation": [{"name": "Size", "option": "128GB"}, {"name": "Color", "option": "White"}], "stock": 4},
        {"Variation": [{"Name": "size", "Option": "16GB"}], "stock": "3", "allowOutOfStockPurchases": "true"}
    ]}"#;
    let (status, p) = call(
        &sim,
        Method::PUT,
        "/api/products/AP1",
        Some(&key),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["totalStock"], 7);
    assert_eq!(p["variants"][1]["allowOutOfStockPurchases"], true);
    for bad in [
        r#"{"inventoryManagementMethod": "Variant", "variants": [{"variation": [{"name": "Size", "option": "64GB"}]}]}"#,
        r#"{"inventoryManagementMethod": "Variant", "variants": [{"variation": [{"name": "Weight", "option": "1"}]}]}"#,
        r#"{"inventoryManagementMethod": "Variant", "variants": [{"stock": 1}]}"#,
        r#"{"inventoryManagementMethod": "Sometimes"}"#,
        r#"{"stock": "many"}"#,
        "{stock: ",
        "",
    ] {
        let (status, body) = call(
            &sim,
            Method::PUT,
            "/api/products/AP1",
            Some(&key),
            Some(bad),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (_, p) = get(&sim, "/api/products/AP1", &key).await;
    assert_eq!(p["totalStock"], 7, "refused updates changed nothing");
    sim.snipcart().snapshot().test.products.check().unwrap();
}

#[tokio::test]
async fn delete_archives_and_archived_products_leave_the_list() {
    let sim = sim().await;
    let key = sim.test_key();
    let (status, p) = call(&sim, Method::DELETE, "/api/products/HGW", Some(&key), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["archived"], true);
    let (_, page) = get(&sim, "/api/products", &key).await;
    assert_eq!(page["totalItems"], 1);
    let (_, page) = get(&sim, "/api/products?archived=true", &key).await;
    assert_eq!(page["items"][0]["userDefinedId"], "HGW");
    let (status, p) = get(&sim, "/api/products/HGW", &key).await;
    assert_eq!((status, &p["archived"]), (StatusCode::OK, &json!(true)));
}

#[tokio::test]
async fn request_validation_refuses_unknown_tokens_and_lifecycle_is_refused() {
    let sim = sim().await;
    let (status, _) = get(&sim, "/api/requestvalidation/nope", &sim.test_key()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = client()
        .put(format!("{}/__sim/lifecycle", sim.base_url()))
        .json(&json!({"mode": "explicit"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("snipcart has no lifecycle"),
        "{body}"
    );
    let (status, body) = get(&sim, "/api/nowhere", &sim.test_key()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("No HTTP resource"),
        "{body}"
    );
}

#[tokio::test]
async fn with_leniency_off_only_strict_json_binds() {
    let sim = sim().await;
    let key = sim.test_key();
    let docs_body = "{ 'inventoryManagementMethod': 'Single', 'stock': 20 }";
    let settings: Value = client()
        .get(format!("{}/__sim/settings", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut strict = settings.clone();
    strict["lenientJson"] = json!(false);
    let res = client()
        .put(format!("{}/__sim/settings", sim.base_url()))
        .json(&strict)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, body) = call(
        &sim,
        Method::PUT,
        "/api/products/AP1",
        Some(&key),
        Some(docs_body),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = call(
        &sim,
        Method::PUT,
        "/api/products/AP1",
        Some(&key),
        Some(r#"{"inventoryManagementMethod": "Single", "stock": 20}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "strict JSON still binds");
}
