//! The price storages (`/V1/products/base-prices…`, `/cost…`, `/special-price…`,
//! `/tier-prices…`) and the low-stock report (`GET /V1/stockItems/lowStock`), with the
//! ports of Magento's web-API functional tests `BasePriceStorageTest`,
//! `CostStorageTest`, `SpecialPriceStorageTest`, `TierPriceStorageTest`,
//! `ProductTierPriceManagementTest` and `LowStockItemsTest`. Their PHP fixtures are rebuilt through the API:
//! `Magento/Catalog/_files/product_simple.php` is [`product_simple`] (SKU `simple`,
//! price 10, the fixture's five tier prices), `product_virtual.php` is
//! [`product_virtual`], `multiple_products.php` is [`multiple_products`].

mod common;

use common::{TestApp, spawn_app};
use reqwest::Method as M;
use serde_json::{Value, json};

/// `Magento/Catalog/_files/product_simple.php`: SKU `simple`, price 10, qty 100, and
/// its tier prices — all groups ×2 at 8 and ×5 at 5, NOT LOGGED IN ×3 at 5 and ×3.2 at
/// 6, and NOT LOGGED IN ×10 at 50 % off.
async fn product_simple(app: &TestApp) {
    let (status, body) = app
        .post(
            "/V1/products",
            json!({"product": {
                "sku": "simple", "name": "Simple Product", "price": 10,
                "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4,
                "weight": 1,
                "extension_attributes": {"stock_item": {"qty": 100, "is_in_stock": true}},
                "tier_prices": [
                    {"customer_group_id": 32000, "qty": 2, "value": 8},
                    {"customer_group_id": 32000, "qty": 5, "value": 5},
                    {"customer_group_id": 0, "qty": 3, "value": 5},
                    {"customer_group_id": 0, "qty": 3.2, "value": 6},
                    {"customer_group_id": 0, "qty": 10,
                     "extension_attributes": {"website_id": 0, "percentage_value": 50}}
                ]
            }}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// `Magento/Catalog/_files/product_virtual.php`: SKU `virtual-product`, price 10.
async fn product_virtual(app: &TestApp) {
    let (status, body) = app
        .post(
            "/V1/products",
            json!({"product": {
                "sku": "virtual-product", "name": "Virtual Product", "price": 10,
                "attribute_set_id": 4, "type_id": "virtual", "status": 1, "visibility": 4
            }}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn product(app: &TestApp, sku: &str) -> Value {
    let (status, body) = app.get(&format!("/V1/products/{sku}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The `custom_attributes` value of `code`, as text.
fn attr(p: &Value, code: &str) -> Option<String> {
    TestApp::attribute(p, code).and_then(|v| v.as_str().map(str::to_owned))
}

// ---------------------------------------------------------------------------
// Base prices

/// Ports `BasePriceStorageTest::testGet`.
#[tokio::test]
async fn base_price_get() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/base-prices-information",
            json!({"skus": ["simple"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!([{"price": 10, "store_id": 0, "sku": "simple"}]));
}

/// Ports `BasePriceStorageTest::testUpdate` and `::testUpdateLastUpdatedAt`: an empty
/// answer, the product's price changed and its `updated_at` not earlier.
#[tokio::test]
async fn base_price_update() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let before = product(&app, "simple").await["updated_at"].clone();
    app.handle
        .core()
        .clock
        .advance(std::time::Duration::from_secs(60));
    let (status, body) = app
        .post(
            "/V1/products/base-prices",
            json!({"prices": [{"price": 9999, "store_id": 0, "sku": "simple"}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let p = product(&app, "simple").await;
    assert_eq!(p["price"], 9999);
    assert!(p["updated_at"].as_str() > before.as_str(), "{p}");
}

/// Ports `BasePriceStorageTest::testUpdateWithInvalidParameters`: every failed check,
/// in order, nothing applied.
#[tokio::test]
async fn base_price_update_with_invalid_parameters() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/products/base-prices",
            json!({"prices": [{"sku": "not_existing_sku", "price": -9999, "store_id": 9999}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([
            {"message": "Invalid attribute %fieldName = %fieldValue.",
             "parameters": ["SKU", "not_existing_sku"]},
            {"message": "Invalid attribute %fieldName = %fieldValue.",
             "parameters": ["Price", "-9999"]},
            {"message": "Requested store is not found. Row ID: SKU = not_existing_sku, Store ID: 9999.",
             "parameters": ["not_existing_sku", "9999"]}
        ])
    );
}

/// Valid rows apply and invalid ones are skipped; any store view's price is the
/// global price (price scope global); a required `prices` is Magento's 400.
#[tokio::test]
async fn base_price_update_applies_the_valid_rows_only() {
    let app = spawn_app().await;
    product_simple(&app).await;
    product_virtual(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/base-prices",
            json!({"prices": [
                {"sku": "SIMPLE", "price": 12.5, "store_id": 1},
                {"sku": "virtual-product", "price": -1, "store_id": 0}
            ]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"message": "Invalid attribute %fieldName = %fieldValue.",
                "parameters": ["Price", "-1"]}])
    );
    assert_eq!(product(&app, "simple").await["price"], 12.5);
    assert_eq!(product(&app, "virtual-product").await["price"], 10);
    let (_, body) = app
        .post(
            "/V1/products/base-prices-information",
            json!({"skus": ["simple", "virtual-product", "nope"]}),
        )
        .await;
    assert_eq!(
        body,
        json!([
            {"price": 12.5, "store_id": 0, "sku": "simple"},
            {"price": 10, "store_id": 0, "sku": "virtual-product"}
        ])
    );

    let (status, body) = app.post("/V1/products/base-prices", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "\"%fieldName\" is required. Enter and try again.",
               "parameters": {"fieldName": "prices"}})
    );
    let (status, body) = app
        .post("/V1/products/base-prices-information", json!({}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"], json!({"fieldName": "skus"}));
}

// ---------------------------------------------------------------------------
// Costs

/// Ports `CostStorageTest::testGet` (the fixture's cost set by a product save).
#[tokio::test]
async fn cost_get() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"custom_attributes": [{"attribute_code": "cost", "value": 3057}]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post("/V1/products/cost-information", json!({"skus": ["simple"]}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"cost": 3057, "store_id": 0, "sku": "simple"}])
    );
}

/// Ports `CostStorageTest::testUpdate`: the product read shows the new cost.
#[tokio::test]
async fn cost_update() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/cost",
            json!({"prices": [{"cost": 31337, "store_id": 0, "sku": "simple"}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    assert_eq!(
        attr(&product(&app, "simple").await, "cost").as_deref(),
        Some("31337.000000")
    );
}

/// Ports `CostStorageTest::testUpdateWithInvalidParameters`.
#[tokio::test]
async fn cost_update_with_invalid_parameters() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/products/cost",
            json!({"prices": [{"sku": "not_existing_sku", "cost": -9999, "store_id": 9999}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([
            {"message": "Invalid attribute %fieldName = %fieldValue.",
             "parameters": ["SKU", "not_existing_sku"]},
            {"message": "Invalid attribute Cost = -9999. Row ID: SKU = not_existing_sku, Store ID: 9999.",
             "parameters": ["-9999", "not_existing_sku", "9999"]},
            {"message": "Requested store is not found. Row ID: SKU = not_existing_sku, Store ID: 9999.",
             "parameters": ["not_existing_sku", "9999"]}
        ])
    );
}

/// Ports `CostStorageTest::testDelete`: `true`, and the product has no cost.
#[tokio::test]
async fn cost_delete() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, _) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"custom_attributes": [{"attribute_code": "cost", "value": 777}]}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .post("/V1/products/cost-delete", json!({"skus": ["simple"]}))
        .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(attr(&product(&app, "simple").await, "cost"), None);
}

/// A cost for a store view is kept for that store view (Magento's storage does not
/// scope costs), listed by `cost-information`, and dropped by `cost-delete`; the
/// product shows the global cost.
#[tokio::test]
async fn cost_per_store_view() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (_, body) = app
        .post(
            "/V1/products/cost",
            json!({"prices": [
                {"cost": 4, "store_id": 0, "sku": "simple"},
                {"cost": 5.25, "store_id": 1, "sku": "simple"}
            ]}),
        )
        .await;
    assert_eq!(body, json!([]));
    let (_, body) = app
        .post("/V1/products/cost-information", json!({"skus": ["simple"]}))
        .await;
    assert_eq!(
        body,
        json!([
            {"cost": 4, "store_id": 0, "sku": "simple"},
            {"cost": 5.25, "store_id": 1, "sku": "simple"}
        ])
    );
    assert_eq!(
        attr(&product(&app, "simple").await, "cost").as_deref(),
        Some("4.000000")
    );
    let (_, body) = app
        .post("/V1/products/cost-delete", json!({"skus": ["simple"]}))
        .await;
    assert_eq!(body, json!(true));
    let (_, body) = app
        .post("/V1/products/cost-information", json!({"skus": ["simple"]}))
        .await;
    assert_eq!(body, json!([]));
}

// ---------------------------------------------------------------------------
// Special prices

/// Ports `SpecialPriceStorageTest::testGet` and `::testGetZeroValue` (the special
/// price set by a product save, which also sets today's `special_from_date`).
#[tokio::test]
async fn special_price_get() {
    for special in [3057, 0] {
        let app = spawn_app().await;
        product_simple(&app).await;
        let (status, body) = app
            .put(
                "/V1/products/simple",
                json!({"product": {"custom_attributes": [
                    {"attribute_code": "special_price", "value": special}
                ]}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app
            .post(
                "/V1/products/special-price-information",
                json!({"skus": ["simple"]}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(body[0]["price"], special, "{body}");
        assert_eq!(body[0]["store_id"], 0);
        assert_eq!(body[0]["sku"], "simple");
        assert_eq!(
            body[0]["price_from"].as_str(),
            attr(&product(&app, "simple").await, "special_from_date").as_deref()
        );
        assert_eq!(body[0]["price_to"], Value::Null);
    }
}

/// Ports `SpecialPriceStorageTest::testUpdate` (both data sets: with `price_to`, and
/// with `price_to` false).
#[tokio::test]
async fn special_price_update() {
    for price_to in [json!("2038-01-19 03:14:07"), json!(false)] {
        let app = spawn_app().await;
        product_virtual(&app).await;
        let (status, body) = app
            .post(
                "/V1/products/special-price",
                json!({"prices": [{
                    "price": 31337, "store_id": 0, "sku": "virtual-product",
                    "price_from": "2037-01-19 03:14:07", "price_to": price_to
                }]}),
            )
            .await;
        assert_eq!((status, body), (200, json!([])));
        let p = product(&app, "virtual-product").await;
        assert_eq!(attr(&p, "special_price").as_deref(), Some("31337.000000"));
        assert_eq!(
            attr(&p, "special_from_date").as_deref(),
            Some("2037-01-19 03:14:07")
        );
        assert_eq!(
            attr(&p, "special_to_date").as_deref(),
            price_to.as_str(),
            "{p}"
        );
    }
}

/// Ports `SpecialPriceStorageTest::testDeleteWhenPriceIsGlobal`.
#[tokio::test]
async fn special_price_delete_when_price_is_global() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/special-price-delete",
            json!({"prices": [{
                "price": 777, "store_id": 1, "sku": "simple",
                "price_from": "2037-01-19 03:14:07", "price_to": "2038-01-19 03:14:07"
            }]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{
            "message": "Could not change non global Price when price scope is global. Row ID: SKU = simple, Store ID: 1, Price From: 2037-01-19 03:14:07, Price To: 2038-01-19 03:14:07.",
            "parameters": ["simple", "1", "2037-01-19 03:14:07", "2038-01-19 03:14:07"]
        }])
    );
}

/// Ports `SpecialPriceStorageTest::testDelete` (both data sets): the special price
/// saved with the product goes, whatever dates the row names.
#[tokio::test]
async fn special_price_delete() {
    for price_to in [Some("2038-01-19 03:14:07"), None] {
        let app = spawn_app().await;
        product_simple(&app).await;
        let mut attrs = vec![
            json!({"attribute_code": "special_price", "value": 3057}),
            json!({"attribute_code": "special_from_date", "value": "1970-01-01 00:00:01"}),
        ];
        if let Some(to) = price_to {
            attrs.push(json!({"attribute_code": "special_to_date", "value": to}));
        }
        let (status, body) = app
            .put(
                "/V1/products/simple",
                json!({"product": {"custom_attributes": attrs}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app
            .post(
                "/V1/products/special-price-delete",
                json!({"prices": [{
                    "price": 3057, "store_id": 0, "sku": "simple",
                    "price_from": "1970-01-01 00:00:01",
                    "price_to": price_to.map_or(json!(false), |t| json!(t))
                }]}),
            )
            .await;
        assert_eq!((status, body), (200, json!([])));
        let p = product(&app, "simple").await;
        assert_eq!(attr(&p, "special_price"), None, "{p}");
        assert_eq!(attr(&p, "special_from_date"), None);
        assert_eq!(attr(&p, "special_to_date"), None);
    }
}

/// Every check of a special price row, rendered with its arguments, and a date that
/// is not `Y-m-d H:i:s` (Magento prints `Price To` in both date messages).
#[tokio::test]
async fn special_price_update_with_invalid_parameters() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/products/special-price",
            json!({"prices": [{
                "price": -5, "store_id": 9, "sku": "nope",
                "price_from": "2037-02-30 00:00:00", "price_to": "tomorrow"
            }]}),
        )
        .await;
    assert_eq!(status, 200);
    let row = |m: &str| {
        m.to_owned()
            + " Row ID: SKU = nope, Store ID: 9, Price From: 2037-02-30 00:00:00, Price To: tomorrow."
    };
    let params = json!(["nope", "9", "2037-02-30 00:00:00", "tomorrow"]);
    assert_eq!(
        body,
        json!([
            {"message": row("The product that was requested doesn't exist. Verify the product and try again."), "parameters": params},
            {"message": row("Could not change non global Price when price scope is global."), "parameters": params},
            {"message": row("Requested store is not found."), "parameters": params},
            {"message": row("Invalid attribute Price = -5."),
             "parameters": ["-5", "nope", "9", "2037-02-30 00:00:00", "tomorrow"]},
            {"message": row("Invalid attribute Price From = tomorrow."),
             "parameters": ["Price From", "nope", "9", "2037-02-30 00:00:00", "tomorrow"]},
            {"message": row("Invalid attribute Price To = tomorrow."),
             "parameters": ["Price To", "nope", "9", "2037-02-30 00:00:00", "tomorrow"]}
        ])
    );
}

// ---------------------------------------------------------------------------
// Tier prices

/// The product's tier prices as `ProductRepository` reads them.
async fn product_tiers(app: &TestApp) -> Vec<Value> {
    product(app, "simple").await["tier_prices"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// `TierPriceStorageTest::isPriceCorrect`: a product tier price with the storage
/// price's value (or percentage), quantity and website.
fn is_price_correct(price: &Value, tiers: &[Value]) -> bool {
    tiers.iter().any(|t| {
        let value = if price["price_type"] == "discount" {
            t["extension_attributes"]["percentage_value"].as_f64()
        } else {
            t["value"].as_f64()
        };
        value == price["price"].as_f64()
            && t["qty"].as_f64().map(|q| q as i64) == price["quantity"].as_f64().map(|q| q as i64)
            && t["extension_attributes"]["website_id"] == price["website_id"]
    })
}

/// Ports `TierPriceStorageTest::testGet`, and pins the rows' shape.
#[tokio::test]
async fn tier_price_get() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/tier-prices-information",
            json!({"skus": ["simple"]}),
        )
        .await;
    assert_eq!(status, 200);
    let tiers = product_tiers(&app).await;
    assert_eq!(body.as_array().map(Vec::len), Some(tiers.len()));
    for item in body.as_array().into_iter().flatten() {
        assert!(is_price_correct(item, &tiers), "{item} not in {tiers:?}");
    }
    assert_eq!(
        body,
        json!([
            {"price": 8, "price_type": "fixed", "website_id": 0, "sku": "simple",
             "customer_group": "all groups", "quantity": 2},
            {"price": 5, "price_type": "fixed", "website_id": 0, "sku": "simple",
             "customer_group": "all groups", "quantity": 5},
            {"price": 5, "price_type": "fixed", "website_id": 0, "sku": "simple",
             "customer_group": "NOT LOGGED IN", "quantity": 3},
            {"price": 6, "price_type": "fixed", "website_id": 0, "sku": "simple",
             "customer_group": "NOT LOGGED IN", "quantity": 3.2},
            {"price": 50, "price_type": "discount", "website_id": 0, "sku": "simple",
             "customer_group": "NOT LOGGED IN", "quantity": 10}
        ])
    );
    // The product shows the percentage row at its price off the base price.
    assert_eq!(
        tiers[4],
        json!({"customer_group_id": 0, "qty": 10, "value": 5,
               "extension_attributes": {"website_id": 0, "percentage_value": 50}})
    );
    assert_eq!(tiers[0]["customer_group_id"], 32000);
}

/// Ports `TierPriceStorageTest::testUpdate`.
#[tokio::test]
async fn tier_price_update() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let first_qty = product_tiers(&app).await[0]["qty"].clone();
    let new_price = json!({"price": 40, "price_type": "discount", "website_id": 0,
        "sku": "simple", "customer_group": "ALL GROUPS", "quantity": 7778});
    let updated_price = json!({"price": 778, "price_type": "fixed", "website_id": 0,
        "sku": "simple", "customer_group": "not logged in", "quantity": first_qty});
    let (status, body) = app
        .post(
            "/V1/products/tier-prices",
            json!({"prices": [updated_price, new_price]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let tiers = product_tiers(&app).await;
    assert!(is_price_correct(&new_price, &tiers), "{tiers:?}");
    assert!(is_price_correct(&updated_price, &tiers), "{tiers:?}");
    // An update of a stored website/group/quantity changes it in place.
    let (_, body) = app
        .post(
            "/V1/products/tier-prices",
            json!({"prices": [{"price": 7, "price_type": "fixed", "website_id": 0,
                "sku": "simple", "customer_group": "all groups", "quantity": 2}]}),
        )
        .await;
    assert_eq!(body, json!([]));
    let tiers = product_tiers(&app).await;
    assert_eq!(tiers.len(), 7);
    assert_eq!(tiers[0]["value"], 7);
}

/// Ports `TierPriceStorageTest::testUpdateWebsiteForAllWebsites`: a website that does
/// not exist (and, with prices global, is not 0), and a duplicate of the stored
/// all-websites price, named by the stored row's database values.
#[tokio::test]
async fn tier_price_update_website_for_all_websites() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/tier-prices",
            json!({"prices": [{"price": 40, "price_type": "fixed", "website_id": 2,
                "sku": "simple", "customer_group": "not logged in", "quantity": 3}]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([
            {"message": "Invalid attribute Website ID = %websiteId. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.",
             "parameters": ["simple", "2", "not logged in", "3"]},
            {"message": "We found a duplicate website, tier price, customer group and quantity: Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.",
             "parameters": ["simple", "0", "NOT LOGGED IN", "3.0000"]}
        ])
    );
    assert_eq!(product_tiers(&app).await.len(), 5);
}

/// Ports `TierPriceStorageTest::testReplace`.
#[tokio::test]
async fn tier_price_replace() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let new_prices = json!([
        {"price": 50, "price_type": "discount", "website_id": 0, "sku": "simple",
         "customer_group": "general", "quantity": 7778},
        {"price": 70, "price_type": "fixed", "website_id": 0, "sku": "simple",
         "customer_group": "not logged in", "quantity": 33}
    ]);
    let (status, body) = app
        .call(
            M::PUT,
            "/V1/products/tier-prices",
            Some(json!({"prices": new_prices})),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let tiers = product_tiers(&app).await;
    assert_eq!(tiers.len(), 2, "{tiers:?}");
    assert_eq!(tiers[0]["customer_group_id"], 1);
    assert_eq!(tiers[1]["customer_group_id"], 0);
}

/// Ports `TierPriceStorageTest::testDelete`: every tier price but the last deleted by
/// value (or percentage), group and quantity; the last one stays as it was.
#[tokio::test]
async fn tier_price_delete() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let mut tiers = product_tiers(&app).await;
    let to_store = tiers.pop();
    let to_delete: Vec<Value> = tiers
        .iter()
        .map(|t| {
            let pct = t["extension_attributes"]["percentage_value"].as_f64();
            json!({
                "price": pct.map_or(t["value"].clone(), |p| json!(p)),
                "price_type": if pct.is_some() { "discount" } else { "fixed" },
                "website_id": 0,
                "customer_group": if t["customer_group_id"] == 0 { "NOT LOGGED IN" } else { "ALL GROUPS" },
                "sku": "simple",
                "quantity": t["qty"]
            })
        })
        .collect();
    let (status, body) = app
        .post(
            "/V1/products/tier-prices-delete",
            json!({"prices": to_delete}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let left = product_tiers(&app).await;
    assert_eq!(left.len(), 1);
    assert_eq!(Some(&left[0]), to_store.as_ref());
}

/// Two rows of one request with the same group, quantity and website are both
/// refused, each naming the other; an unknown group and a bad price type are named.
#[tokio::test]
async fn tier_price_duplicates_and_bad_rows_in_one_request() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/tier-prices",
            json!({"prices": [
                {"price": 1, "price_type": "fixed", "website_id": 0, "sku": "simple",
                 "customer_group": "General", "quantity": 4},
                {"price": 2, "price_type": "fixed", "website_id": 0, "sku": "simple",
                 "customer_group": "general", "quantity": 4},
                {"price": 101, "price_type": "discount", "website_id": 0, "sku": "simple",
                 "customer_group": "VIP", "quantity": 0},
                {"price": 1, "price_type": "percent", "website_id": 0, "sku": "simple",
                 "customer_group": "General", "quantity": 9}
            ]}),
        )
        .await;
    assert_eq!(status, 200);
    let tail = ". Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty.";
    let dup = format!(
        "We found a duplicate website, tier price, customer group and quantity: Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty{tail}"
    );
    assert_eq!(
        body,
        json!([
            {"message": dup, "parameters": ["simple", "0", "general", "4"]},
            {"message": dup, "parameters": ["simple", "0", "General", "4"]},
            {"message": format!("Invalid attribute Price = %price{tail}"),
             "parameters": ["101", "simple", "0", "VIP", "0"]},
            {"message": format!("Invalid attribute Quantity = %qty{tail}"),
             "parameters": ["simple", "0", "VIP", "0"]},
            {"message": format!("No such entity with Customer Group = %customerGroup{tail}"),
             "parameters": ["simple", "0", "VIP", "0"]},
            {"message": format!("Invalid attribute Price Type = %priceType{tail}"),
             "parameters": ["percent", "simple", "0", "General", "9"]}
        ])
    );
    assert_eq!(product_tiers(&app).await.len(), 5);
}

/// A product save's `tier_prices` replace the storage's rows (one truth), and a
/// duplicate in a save is Magento's 400.
#[tokio::test]
async fn product_save_feeds_the_tier_price_storage() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"tier_prices": [
                {"customer_group_id": 1, "qty": 4, "value": 9}
            ]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app
        .post(
            "/V1/products/tier-prices-information",
            json!({"skus": ["simple"]}),
        )
        .await;
    assert_eq!(
        body,
        json!([{"price": 9, "price_type": "fixed", "website_id": 0, "sku": "simple",
                "customer_group": "General", "quantity": 4}])
    );
    let (status, body) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"tier_prices": [
                {"customer_group_id": 1, "qty": 4, "value": 9},
                {"customer_group_id": 1, "qty": 4, "value": 8}
            ]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "We found a duplicate website, tier price, customer group and quantity."})
    );
}

// ---------------------------------------------------------------------------
// Tier prices of one product (`/V1/products/{sku}/group-prices/…`)

/// Ports `ProductTierPriceManagementTest::testGetList` (its data sets against the 2.4
/// fixture: group 0 has three rows, the first ×3 at 5; group 1 none; `all` two, the
/// first ×2 at 8).
#[tokio::test]
async fn group_prices_get_list() {
    let app = spawn_app().await;
    product_simple(&app).await;
    for (group, count, value, qty) in [("0", 3, 5, 3), ("1", 0, 0, 0), ("all", 2, 8, 2)] {
        let (status, body) = app
            .get(&format!("/V1/products/simple/group-prices/{group}/tiers"))
            .await;
        assert_eq!(status, 200, "{body}");
        let list = body.as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), count, "{group}: {body}");
        if count > 0 {
            assert_eq!(list[0]["value"], value);
            assert_eq!(list[0]["qty"], qty);
        }
    }
    let (_, body) = app.get("/V1/products/simple/group-prices/all/tiers").await;
    assert_eq!(
        body[0],
        json!({"customer_group_id": 32000, "qty": 2, "value": 8})
    );
    // The percentage row at its price off the base price 10.
    let (_, body) = app.get("/V1/products/simple/group-prices/0/tiers").await;
    assert_eq!(
        body[2],
        json!({"customer_group_id": 0, "qty": 10, "value": 5})
    );
}

/// Ports `ProductTierPriceManagementTest::testDelete` (both data sets), and the 404
/// when nothing matches.
#[tokio::test]
async fn group_prices_delete() {
    let app = spawn_app().await;
    product_simple(&app).await;
    for (group, qty) in [("0", 3), ("all", 5)] {
        let (status, body) = app
            .delete(&format!(
                "/V1/products/simple/group-prices/{group}/tiers/{qty}"
            ))
            .await;
        assert_eq!((status, body), (200, json!(true)), "{group}");
    }
    assert_eq!(product_tiers(&app).await.len(), 3);
    let (status, body) = app
        .delete("/V1/products/simple/group-prices/0/tiers/3")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Product hasn't group price with such data: customerGroupId = '%1', website = %2, qty = %3",
               "parameters": ["0", 0, 3]})
    );
}

/// Ports `ProductTierPriceManagementTest::testAdd`, `::testAddWithAllCustomerGrouped`
/// and `::testUpdateWithAllGroups`.
#[tokio::test]
async fn group_prices_add() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/simple/group-prices/1/tiers/50/price/10",
            json!({}),
        )
        .await;
    assert_eq!((status, body), (200, json!(true)));
    let (_, body) = app.get("/V1/products/simple/group-prices/1/tiers").await;
    assert_eq!(
        body,
        json!([{"customer_group_id": 1, "qty": 50, "value": 10}])
    );

    let (status, _) = app
        .post(
            "/V1/products/simple/group-prices/all/tiers/50/price/20",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = app.get("/V1/products/simple/group-prices/all/tiers").await;
    assert_eq!(body.as_array().map(Vec::len), Some(3));
    assert_eq!(
        (body[2]["value"].clone(), body[2]["qty"].clone()),
        (json!(20), json!(50))
    );

    let (status, _) = app
        .post(
            "/V1/products/simple/group-prices/all/tiers/2/price/20",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = app.get("/V1/products/simple/group-prices/all/tiers").await;
    assert_eq!(body.as_array().map(Vec::len), Some(3));
    assert_eq!(
        (body[0]["value"].clone(), body[0]["qty"].clone()),
        (json!(20), json!(2))
    );
}

/// The add's refusals: a price or quantity not above 0, an unknown group, an unknown
/// product, a path value that is no number.
#[tokio::test]
async fn group_prices_add_refusals() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/simple/group-prices/1/tiers/5/price/0",
            json!({}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "The data was invalid. Verify the data and try again."})
    );
    let (status, body) = app
        .post(
            "/V1/products/simple/group-prices/7/tiers/5/price/3",
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "No such entity with %fieldName = %fieldValue",
               "parameters": {"fieldName": "id", "fieldValue": "7"}})
    );
    let (status, body) = app
        .post(
            "/V1/products/nope/group-prices/1/tiers/5/price/3",
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "The product that was requested doesn't exist. Verify the product and try again."
    );
    let (status, _) = app
        .post(
            "/V1/products/simple/group-prices/1/tiers/five/price/3",
            json!({}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(product_tiers(&app).await.len(), 5);
}

// ---------------------------------------------------------------------------
// Low stock

/// `Magento/Catalog/_files/multiple_products.php`: three simple products with
/// quantities 100, 140 and 200 (SKUs `simple1`…`simple3`).
async fn multiple_products(app: &TestApp) {
    for (i, qty) in [(1, 100), (2, 140), (3, 200)] {
        let (status, body) = app
            .post(
                "/V1/products",
                json!({"product": {
                    "sku": format!("simple{i}"), "name": format!("Simple Product{i}"),
                    "price": 10, "attribute_set_id": 4, "type_id": "simple",
                    "extension_attributes": {"stock_item": {"qty": qty, "is_in_stock": true}}
                }}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

/// Ports `LowStockItemsTest::testGetLowStockItems`. The PHP test sends `websiteId`,
/// which `getLowStockItems($scopeId, $qty, …)` does not take: as sent, the service's
/// required `scopeId` is missing (400); with the scope, `items` is there.
#[tokio::test]
async fn low_stock_items() {
    let app = spawn_app().await;
    multiple_products(&app).await;
    let (status, body) = app
        .get("/V1/stockItems/lowStock/?websiteId=1&qty=100&pageSize=10&currentPage=1")
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"], json!({"fieldName": "scopeId"}));

    let (status, body) = app
        .get("/V1/stockItems/lowStock/?scopeId=0&qty=140&pageSize=10&currentPage=1")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("items").is_some());
    let qtys: Vec<&Value> = body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| &i["qty"])
        .collect();
    assert_eq!(qtys, [&json!(100), &json!(140)]);
    assert_eq!(body["total_count"], 2);
    assert_eq!(body["search_criteria"]["limit"], json!([1, 10]));
    let simple1 = product(&app, "simple1").await;
    assert_eq!(
        body["items"][0],
        simple1["extension_attributes"]["stock_item"]
    );
}

/// `lowStock` is not read as a SKU; paging follows Zend's `limitPage` (the default
/// page size 0 is one item); another scope has no legacy stock items; both required
/// arguments missing are both named.
#[tokio::test]
async fn low_stock_paging_scope_and_errors() {
    let app = spawn_app().await;
    multiple_products(&app).await;
    let (status, body) = app.get("/V1/stockItems/lowStock?scopeId=0&qty=1000").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["total_count"], 3);
    assert_eq!(body["search_criteria"]["limit"], json!([1, 0]));
    let (_, body) = app
        .get("/V1/stockItems/lowStock?scopeId=0&qty=1000&pageSize=2&currentPage=2")
        .await;
    assert_eq!(body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["items"][0]["qty"], 200);
    let (_, body) = app
        .get("/V1/stockItems/lowStock?scopeId=1&qty=1000&pageSize=10")
        .await;
    assert_eq!(
        (body["items"].clone(), body["total_count"].clone()),
        (json!([]), json!(0))
    );
    // A sale-like change of quantity moves the product in the quantity index.
    let (status, _) = app
        .put(
            "/V1/products/simple3/stockItems/1",
            json!({"stockItem": {"qty": 1, "is_in_stock": true}}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = app
        .get("/V1/stockItems/lowStock?scopeId=0&qty=50&pageSize=10")
        .await;
    assert_eq!(body["total_count"], 1);
    assert_eq!(body["items"][0]["qty"], 1);

    let (status, body) = app.get("/V1/stockItems/lowStock").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "One or more input exceptions have occurred.", "errors": [
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "scopeId"}},
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "qty"}}
        ]})
    );
    let (status, body) = app.get("/V1/stockItems/lowStock?scopeId=x&qty=1").await;
    assert_eq!(status, 400, "{body}");
}

// ---------------------------------------------------------------------------
// State

/// Tier prices and store-view costs round-trip through `/__sim/state`; a tier price
/// for a group that does not exist, or a cost for a product that does not, is
/// refused on import.
#[tokio::test]
async fn price_state_round_trips_and_is_checked_on_import() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (_, body) = app
        .post(
            "/V1/products/cost",
            json!({"prices": [{"cost": 5, "store_id": 1, "sku": "simple"}]}),
        )
        .await;
    assert_eq!(body, json!([]));
    let url = format!("{}/__sim/state", app.handle.base_url());
    let state: Value = app
        .client
        .get(&url)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("state JSON");
    let resp = app
        .client
        .put(&url)
        .json(&state)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 200);
    let again: Value = app
        .client
        .get(&url)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("state JSON");
    assert_eq!(again, state);
    let id = product(&app, "simple").await["id"].to_string();
    assert_eq!(state["store_costs"][&id]["1"], 5.0);

    let mut bad = state.clone();
    bad["products"][&id]["tier_prices"][0]["customer_group_id"] = json!(99);
    bad["products"][&id]["tier_prices"][0]["all_groups"] = json!(false);
    let resp = app
        .client
        .put(&url)
        .json(&bad)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 400);
    let text = resp.text().await.expect("body");
    assert!(text.contains("customer group 99"), "{text}");

    let mut bad = state.clone();
    bad["store_costs"] = json!({"999999": {"1": 2.0}});
    let resp = app
        .client
        .put(&url)
        .json(&bad)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 400);
    let text = resp.text().await.expect("body");
    assert!(text.contains("store_costs: product 999999"), "{text}");
}

// ---------------------------------------------------------------------------
// Access and bad input

/// Every price storage and group price route asks for `Magento_Catalog::catalog`, the low-stock
/// report for `Magento_CatalogInventory::cataloginventory`; a guest gets the 401.
#[tokio::test]
async fn price_routes_ask_for_their_acl_resources() {
    let app = spawn_app().await;
    let denied = |resource: &str| {
        json!({"message": "The consumer isn't authorized to access %resources.",
               "parameters": {"resources": resource}})
    };
    for (method, path) in [
        (M::POST, "/V1/products/base-prices"),
        (M::POST, "/V1/products/base-prices-information"),
        (M::POST, "/V1/products/cost"),
        (M::POST, "/V1/products/cost-information"),
        (M::POST, "/V1/products/cost-delete"),
        (M::POST, "/V1/products/special-price"),
        (M::POST, "/V1/products/special-price-information"),
        (M::POST, "/V1/products/special-price-delete"),
        (M::POST, "/V1/products/tier-prices"),
        (M::PUT, "/V1/products/tier-prices"),
        (M::POST, "/V1/products/tier-prices-information"),
        (M::POST, "/V1/products/tier-prices-delete"),
        (M::GET, "/V1/products/simple/group-prices/1/tiers"),
        (
            M::POST,
            "/V1/products/simple/group-prices/1/tiers/2/price/3",
        ),
        (M::DELETE, "/V1/products/simple/group-prices/1/tiers/2"),
    ] {
        let (status, body) = app
            .call_as(None, method, path, Some(json!({"skus": []})))
            .await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body, denied("Magento_Catalog::catalog"), "{path}");
    }
    let (status, body) = app
        .call_as(
            None,
            M::GET,
            "/V1/stockItems/lowStock?scopeId=0&qty=1",
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(body, denied("Magento_CatalogInventory::cataloginventory"));
}

/// Input Magento's binder refuses before the storage runs: a price of the wrong type,
/// `prices` that is no list, an unknown field (the masked 500); nothing is applied.
#[tokio::test]
async fn bad_price_input_is_refused_whole() {
    let app = spawn_app().await;
    product_simple(&app).await;
    let (status, body) = app
        .post(
            "/V1/products/base-prices",
            json!({"prices": [
                {"price": 1, "store_id": 0, "sku": "simple"},
                {"price": "abc", "store_id": 0, "sku": "simple"}
            ]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Error occurred during \"price\" processing. The \"abc\" value's type is invalid. The \"float\" type was expected. Verify and try again."})
    );
    assert_eq!(product(&app, "simple").await["price"], 10);

    let (status, _) = app
        .post("/V1/products/tier-prices", json!({"prices": "all"}))
        .await;
    assert_eq!(status, 400);

    let (status, body) = app
        .post(
            "/V1/products/cost",
            json!({"prices": [{"cost": 1, "store_id": 0, "sku": "simple", "currency": "USD"}]}),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(attr(&product(&app, "simple").await, "cost"), None);
}
