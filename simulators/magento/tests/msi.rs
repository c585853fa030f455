//! MSI over HTTP (reference §7): the seed trace's MSI exchanges, every validation
//! failure's exact body, the default source/stock protections, source items, the
//! salable quantity formula (§7.5) and the stock resolver.
//!
//! Each test starts its own simulator on port 0 and calls it with an admin bearer token.

use serde_json::{Value, json};
use sim_magento::catalog::Product;
use sim_magento::msi::Reservation;
mod common;

use common::{TestApp, spawn_app};

const TRANSCRIPT: &str = include_str!("../../../fixtures/magento/transcripts/seed-000.json");

type TestResult = Result<(), Box<dyn std::error::Error>>;

impl TestApp {
    /// Adds a catalog product directly (the catalog endpoints are not this file's
    /// subject).
    fn add_product(&self, sku: &str, type_id: &str, stock_item: Value) {
        let product = product(sku, type_id, stock_item);
        self.handle.magento().with_state(|s| {
            s.products.insert(product);
        });
    }

    async fn save_items(&self, items: Value) {
        let (status, body) = self
            .post("/V1/inventory/source-items", json!({"sourceItems": items}))
            .await;
        assert_eq!((status, body), (200, json!([])));
    }

    async fn salable(&self, sku: &str, stock: u64) -> Value {
        let (status, body) = self
            .get(&format!(
                "/V1/inventory/get-product-salable-quantity/{sku}/{stock}"
            ))
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(500);

/// A catalog product with a legacy stock item (defaults: qty 0, in stock,
/// `use_config_*` on), `overrides` merged into the stock item.
fn product(sku: &str, type_id: &str, overrides: Value) -> Product {
    let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut stock_item = json!({
        "item_id": id, "product_id": id, "stock_id": 1, "qty": 0, "is_in_stock": true,
        "is_qty_decimal": false, "show_default_notification_message": false,
        "use_config_min_qty": true, "min_qty": 0, "use_config_min_sale_qty": 1,
        "min_sale_qty": 1, "use_config_max_sale_qty": true, "max_sale_qty": 10000,
        "use_config_backorders": true, "backorders": 0, "use_config_notify_stock_qty": true,
        "notify_stock_qty": 1, "use_config_qty_increments": true, "qty_increments": 0,
        "use_config_enable_qty_inc": true, "enable_qty_increments": false,
        "use_config_manage_stock": true, "manage_stock": true, "low_stock_date": null,
        "is_decimal_divided": false, "stock_status_changed_auto": 0
    });
    if let (Some(item), Some(extra)) = (stock_item.as_object_mut(), overrides.as_object()) {
        for (k, v) in extra {
            item.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(json!({
        "id": id, "sku": sku, "name": sku, "attribute_set_id": 4, "price": 10.0,
        "status": 1, "visibility": 4, "type_id": type_id,
        "created_at": "2025-07-21 20:49:08", "updated_at": "2025-07-21 20:49:08",
        "website_ids": [1], "stock_item": stock_item
    }))
    .expect("a valid product")
}

/// The recorded response body of the seed exchange whose target contains `needle`.
fn seed_response(needle: &str) -> Value {
    let transcript: Value = serde_json::from_str(TRANSCRIPT).expect("transcript JSON");
    transcript["exchanges"]
        .as_array()
        .and_then(|list| {
            list.iter().find(|x| {
                x["request"]["target"]
                    .as_str()
                    .is_some_and(|t| t.contains(needle))
            })
        })
        .map(|x| x["response"]["body"].clone())
        .unwrap_or_else(|| panic!("no seed exchange for {needle}"))
}

fn validation(message: &str, errors: Value) -> Value {
    json!({"message": message, "errors": errors})
}

fn field_error(message: &str, field: &str) -> Value {
    json!({"message": message, "parameters": {"field": field}})
}

const NOT_EMPTY: &str = "\"%field\" can not be empty.";

// ---------------------------------------------------------------------------
// The seed trace

#[tokio::test]
async fn the_seed_sources_list_is_the_recorded_one() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/sources").await;
    assert_eq!(status, 200);
    assert_eq!(body, seed_response("/V1/inventory/sources"));
    assert_eq!(body["items"][1]["email"], "[email\u{a0}protected]");
}

#[tokio::test]
async fn the_seed_stocks_list_is_the_recorded_one() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/stocks").await;
    assert_eq!(status, 200);
    assert_eq!(body, seed_response("/V1/inventory/stocks"));
}

#[tokio::test]
async fn the_seed_links_search_with_in_is_the_recorded_one() {
    let app = spawn_app().await;
    let (status, body) = app
        .get(
            "/V1/inventory/stock-source-links?searchCriteria[filter_groups][0][filters][0][field]=stock_id&searchCriteria[filter_groups][0][filters][0][value]=1,2&searchCriteria[filter_groups][0][filters][0][condition_type]=in",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, seed_response("/V1/inventory/stock-source-links"));
}

#[tokio::test]
async fn the_seed_source_item_save_and_delete_answer_void() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems":[{"sku":"test-001","source_code":"ua-warehouse","status":1,"quantity":136}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (status, body) = app
        .post(
            "/V1/inventory/source-items-delete",
            json!({"sourceItems":[{"sku":"test-001","source_code":"default","status":1,"quantity":136}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
}

// ---------------------------------------------------------------------------
// Sources

#[tokio::test]
async fn an_unknown_source_is_a_404_with_its_code() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/sources/nope").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Source with code \"%value\" does not exist.", "parameters": {"value": "nope"}})
    );
}

#[tokio::test]
async fn a_source_without_name_postcode_and_country_lists_every_error() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": "central"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([
                field_error(NOT_EMPTY, "name"),
                field_error(NOT_EMPTY, "postcode"),
                field_error(NOT_EMPTY, "country_id"),
            ])
        )
    );
}

#[tokio::test]
async fn a_blank_source_code_is_empty_and_has_whitespace() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": " ", "name": "n", "postcode": "1", "country_id": "US"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([
                field_error(NOT_EMPTY, "source_code"),
                field_error("\"%field\" can not contain whitespaces.", "source_code"),
            ])
        )
    );
}

#[tokio::test]
async fn a_template_in_the_name_is_an_extra_validation_failed_entry() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": "x", "name": "${evil}", "postcode": "1", "country_id": "US"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([{"message": "Validation Failed", "parameters": []}])
        )
    );
}

#[tokio::test]
async fn the_default_source_cannot_be_disabled() {
    let app = spawn_app().await;
    let expected = validation(
        "Validation Failed",
        json!([{"message": "Default source can not be disabled.", "parameters": []}]),
    );
    let source = json!({"name": "Default Source", "postcode": "00000", "country_id": "US", "enabled": false});
    let (status, body) = app
        .put("/V1/inventory/sources/default", json!({"source": source}))
        .await;
    assert_eq!((status, body), (400, expected.clone()));
    // Leaving `enabled` out counts as disabling (Magento reads `(bool)null`).
    let source = json!({"name": "Default Source", "postcode": "00000", "country_id": "US"});
    let (status, body) = app
        .put("/V1/inventory/sources/default", json!({"source": source}))
        .await;
    assert_eq!((status, body), (400, expected));
}

#[tokio::test]
async fn carrier_links_with_the_global_configuration_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": "c", "name": "C", "postcode": "1", "country_id": "US",
                   "use_default_carrier_config": true,
                   "carrier_links": [{"carrier_code": "ups", "position": 100}]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([field_error(
                "You can't configure \"%field\" because you have chosen Global Shipping configuration.",
                "carrier_links"
            )])
        )
    );
}

#[tokio::test]
async fn a_created_source_reads_back_with_defaults_and_lists_by_code() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"sourceCode": "central", "name": "Central", "postcode": "63145",
                   "country_id": "US", "latitude": 38.74132, "region_id": 36}}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (status, body) = app.get("/V1/inventory/sources/central").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"source_code": "central", "name": "Central", "enabled": true, "latitude": 38.74132,
               "country_id": "US", "region_id": 36, "postcode": "63145",
               "use_default_carrier_config": true, "carrier_links": [],
               "extension_attributes": {"is_pickup_location_active": false, "frontend_name": "Central"}})
    );
    let (_, list) = app.get("/V1/inventory/sources").await;
    assert_eq!(list["total_count"], 4);
    assert_eq!(list["items"][0]["source_code"], "central");
}

#[tokio::test]
async fn put_takes_the_code_from_the_url_and_keeps_unsent_fields() {
    let app = spawn_app().await;
    let (status, body) = app
        .put(
            "/V1/inventory/sources/us-warehouse",
            json!({"source": {"source_code": "elsewhere", "name": "US West", "postcode": "43215",
                   "country_id": "US", "enabled": false}}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, body) = app.get("/V1/inventory/sources/us-warehouse").await;
    assert_eq!(body["name"], "US West");
    assert_eq!(body["enabled"], false);
    assert_eq!(body["city"], "Columbus");
    assert_eq!(body["extension_attributes"]["frontend_name"], "US West");
    let (status, _) = app.get("/V1/inventory/sources/elsewhere").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_source_needs_its_argument_and_the_right_types() {
    let app = spawn_app().await;
    let (status, body) = app.post("/V1/inventory/sources", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "source"}})
    );
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": "x", "name": "X", "postcode": "1", "country_id": "US", "latitude": "north"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Error occurred during \"latitude\" processing. The \"north\" value's type is invalid. The \"float\" type was expected. Verify and try again."})
    );
}

#[tokio::test]
async fn an_unknown_property_is_a_masked_500_and_saves_nothing() {
    let app = spawn_app().await;
    let before = app.handle.magento().snapshot().sources;
    let (status, body) = app
        .post(
            "/V1/inventory/sources",
            json!({"source": {"source_code": "x", "name": "X", "postcode": "1", "country_id": "US", "colour": "red"}}),
        )
        .await;
    assert_eq!(status, 500);
    let message = body["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Internal Error. Details are available in Magento log file. Report ID: webapi-"
        ),
        "{body}"
    );
    assert_eq!(app.handle.magento().snapshot().sources, before);
}

#[tokio::test]
async fn an_unknown_search_criteria_property_is_masked_too() {
    let app = spawn_app().await;
    let (status, body) = app
        .get("/V1/inventory/sources?searchCriteria[colour]=red")
        .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"message": "Internal Error. Details are available in Magento log file. Report ID: webapi-0000000000001"})
    );
    let (status, body) = app
        .get("/V1/inventory/source-items?searchCriteria[colour]=red")
        .await;
    assert_eq!(status, 500);
    assert_eq!(
        body,
        json!({"message": "Internal Error. Details are available in Magento log file. Report ID: webapi-0000000000002"})
    );
}

// ---------------------------------------------------------------------------
// Stocks

#[tokio::test]
async fn a_stock_reads_flat_and_an_unknown_one_is_a_404() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/stocks/2").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"stock_id": 2, "name": "Stock2", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}})
    );
    let (status, body) = app.get("/V1/inventory/stocks/99").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "Stock with id \"%value\" does not exist.", "parameters": {"value": 99}})
    );
}

#[tokio::test]
async fn a_new_stock_gets_the_next_id() {
    let app = spawn_app().await;
    let (status, body) = app
        .post("/V1/inventory/stocks", json!({"stock": {"name": "EU"}}))
        .await;
    assert_eq!((status, body), (200, json!(3)));
    let (_, body) = app.get("/V1/inventory/stocks/3").await;
    assert_eq!(
        body,
        json!({"stock_id": 3, "name": "EU", "extension_attributes": {"sales_channels": []}})
    );
}

#[tokio::test]
async fn a_stock_without_name_or_with_an_unknown_website_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/stocks",
            json!({"stock": {"name": " ", "extension_attributes": {"sales_channels": [
                {"type": "website", "code": "nowhere"}, {"type": "website"}]}}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([
                field_error(NOT_EMPTY, "name"),
                {"message": "The website with code \"%code\" does not exist.", "parameters": {"code": "nowhere"}},
                field_error(NOT_EMPTY, "code"),
                {"message": "The website with code \"%code\" does not exist.", "parameters": {"code": ""}},
            ])
        )
    );
    assert_eq!(app.handle.magento().snapshot().next.stock_id, 3);
}

#[tokio::test]
async fn assigning_a_website_moves_it_and_the_old_stock_returns_it_to_default() {
    let app = spawn_app().await;
    let (_, id) = app
        .post(
            "/V1/inventory/stocks",
            json!({"stock": {"name": "EU", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}}}),
        )
        .await;
    assert_eq!(id, json!(3));
    let (_, stock2) = app.get("/V1/inventory/stocks/2").await;
    assert_eq!(stock2["extension_attributes"]["sales_channels"], json!([]));
    let (_, resolved) = app.get("/V1/inventory/stock-resolver/website/base").await;
    assert_eq!(resolved["stock_id"], 3);
    // Renaming stock 3 without channels hands `base` back to the default stock.
    let (status, body) = app
        .put("/V1/inventory/stocks/3", json!({"stock": {"name": "EU2"}}))
        .await;
    assert_eq!((status, body), (200, json!(3)));
    let (_, resolved) = app.get("/V1/inventory/stock-resolver/website/base").await;
    assert_eq!(resolved["stock_id"], 1);
}

#[tokio::test]
async fn the_default_stock_and_stocks_with_channels_cannot_be_deleted() {
    let app = spawn_app().await;
    let (status, body) = app.delete("/V1/inventory/stocks/1").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Default Stock could not be deleted."})
        )
    );
    let (status, body) = app.delete("/V1/inventory/stocks/2").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Stock has at least one sale channel and could not be deleted."})
        )
    );
    let (status, body) = app.delete("/V1/inventory/stocks/99").await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "There is no stock with \"%fieldValue\" for \"%fieldName\". Verify and try again.",
               "parameters": {"fieldName": "stock_id", "fieldValue": 99}})
    );
}

#[tokio::test]
async fn deleting_a_stock_answers_void_and_drops_its_links() {
    let app = spawn_app().await;
    app.post("/V1/inventory/stocks", json!({"stock": {"name": "EU"}}))
        .await;
    let (status, _) = app
        .post(
            "/V1/inventory/stock-source-links",
            json!({"links": [{"stock_id": 3, "source_code": "ua-warehouse", "priority": 1}]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.delete("/V1/inventory/stocks/3").await;
    assert_eq!((status, body), (200, json!([])));
    let (_, body) = app
        .get("/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/3")
        .await;
    assert_eq!(body, json!([]));
}

// ---------------------------------------------------------------------------
// Links

#[tokio::test]
async fn links_need_items_a_positive_priority_and_no_default_source_or_stock() {
    let app = spawn_app().await;
    let (status, body) = app
        .post("/V1/inventory/stock-source-links", json!({"links": []}))
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "Input data is empty"}))
    );
    let (status, body) = app
        .post(
            "/V1/inventory/stock-source-links",
            json!({"links": [
                {"stock_id": 2, "source_code": "default", "priority": 0},
                {"stock_id": 1, "source_code": "us-warehouse", "priority": 1},
                {"stock_id": 1, "source_code": "default", "priority": 3},
            ]}),
        )
        .await;
    assert_eq!(status, 400);
    let default_rule = json!({"message": "Can not save link related to Default Source or Default Stock", "parameters": []});
    assert_eq!(
        body,
        validation(
            "Validation Failed",
            json!([
                field_error("\"%field\" should be greater then 0.", "priority"),
                default_rule,
                default_rule,
            ])
        )
    );
}

#[tokio::test]
async fn a_link_to_an_unknown_stock_fails_the_whole_batch() {
    let app = spawn_app().await;
    let before = app.handle.magento().snapshot().stock_source_links;
    let (status, body) = app
        .post(
            "/V1/inventory/stock-source-links",
            json!({"links": [
                {"stock_id": 2, "source_code": "us-warehouse", "priority": 9},
                {"stock_id": 42, "source_code": "ua-warehouse", "priority": 1},
            ]}),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "Could not save StockSourceLinks"}))
    );
    assert_eq!(app.handle.magento().snapshot().stock_source_links, before);
}

#[tokio::test]
async fn saved_links_reorder_sources_by_priority() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/stock-source-links",
            json!({"links": [{"stock_id": 2, "source_code": "us-warehouse", "priority": 1}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, body) = app
        .get("/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/2")
        .await;
    let codes: Vec<&str> = body
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["source_code"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["us-warehouse", "ua-warehouse"]);
}

#[tokio::test]
async fn links_of_the_default_source_or_stock_cannot_be_deleted() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/stock-source-links-delete",
            json!({"links": [{"stock_id": 1, "source_code": "default"}]}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Can not delete link related to Default Source or Default Stock"})
        )
    );
    let (status, body) = app
        .post(
            "/V1/inventory/stock-source-links-delete",
            json!({"links": [{"stock_id": 2, "source_code": "ua-warehouse"}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, body) = app
        .get("/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/2")
        .await;
    assert_eq!(body.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn the_links_list_requires_search_criteria() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/stock-source-links").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}})
    );
}

// ---------------------------------------------------------------------------
// Source items

#[tokio::test]
async fn empty_source_items_are_input_data_is_empty() {
    let app = spawn_app().await;
    for path in [
        "/V1/inventory/source-items",
        "/V1/inventory/source-items-delete",
    ] {
        let (status, body) = app.post(path, json!({"sourceItems": []})).await;
        assert_eq!(
            (status, body),
            (400, json!({"message": "Input data is empty"}))
        );
    }
}

#[tokio::test]
async fn source_item_validation_names_the_first_error_and_lists_all() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": " ", "source_code": "source code", "status": 3}]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed: \"sku\" can not be empty.",
            json!([
                field_error(NOT_EMPTY, "sku"),
                field_error(
                    "\"%field\" can not contain leading or trailing spaces.",
                    "sku"
                ),
                field_error("\"%field\" can not contain whitespaces.", "source_code"),
                field_error("\"%field\" should be numeric.", "quantity"),
                field_error("\"%field\" should a known status.", "status"),
            ])
        )
    );
}

#[tokio::test]
async fn a_missing_status_is_only_not_numeric() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": "a", "source_code": "default", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        validation(
            "Validation Failed: \"status\" should be numeric.",
            json!([field_error("\"%field\" should be numeric.", "status")])
        )
    );
}

#[tokio::test]
async fn a_non_numeric_quantity_is_a_type_error() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": "a", "source_code": "default", "quantity": "", "status": 1}]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "Error occurred during \"quantity\" processing. The \"\" value's type is invalid. The \"float\" type was expected. Verify and try again."})
    );
}

#[tokio::test]
async fn an_item_at_an_unknown_source_fails_the_batch() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [
                {"sku": "a", "source_code": "default", "quantity": 1, "status": 1},
                {"sku": "a", "source_code": "not-existed-source-code", "quantity": 1, "status": 1},
            ]}),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "Could not save Source Item"}))
    );
    assert!(app.handle.magento().snapshot().source_items.is_empty());
}

#[tokio::test]
async fn source_items_upsert_per_sku_and_source_and_delete() {
    let app = spawn_app().await;
    app.save_items(json!([
        {"sku": "tee", "source_code": "ua-warehouse", "quantity": 5, "status": 1},
        {"sku": "tee", "source_code": "us-warehouse", "quantity": 2.5, "status": 0},
    ]))
    .await;
    app.save_items(
        json!([{"sku": "tee", "source_code": "ua-warehouse", "quantity": 7, "status": 1}]),
    )
    .await;
    let (status, body) = app
        .get("/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=tee")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["items"],
        json!([
            {"sku": "tee", "source_code": "ua-warehouse", "quantity": 7, "status": 1},
            {"sku": "tee", "source_code": "us-warehouse", "quantity": 2.5, "status": 0},
        ])
    );
    assert_eq!(body["total_count"], 2);
    let (status, body) = app
        .post(
            "/V1/inventory/source-items-delete",
            json!({"sourceItems": [{"sku": "tee", "source_code": "us-warehouse"}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    assert_eq!(app.handle.magento().snapshot().source_items.len(), 1);
}

// ---------------------------------------------------------------------------
// Salable quantity

#[tokio::test]
async fn salable_quantity_sums_in_stock_items_at_enabled_linked_sources() {
    let app = spawn_app().await;
    app.add_product("tee", "simple", json!({}));
    app.save_items(json!([
        {"sku": "tee", "source_code": "ua-warehouse", "quantity": 10, "status": 1},
        {"sku": "tee", "source_code": "us-warehouse", "quantity": 5, "status": 1},
        {"sku": "tee", "source_code": "default", "quantity": 100, "status": 1},
    ]))
    .await;
    assert_eq!(app.salable("tee", 2).await, json!(15));
    assert_eq!(app.salable("tee", 1).await, json!(100));
    let (_, salable) = app.get("/V1/inventory/is-product-salable/tee/2").await;
    assert_eq!(salable, json!(true));
}

#[tokio::test]
async fn a_disabled_source_an_out_of_stock_item_and_an_unlinked_source_count_zero() {
    let app = spawn_app().await;
    app.add_product("tee", "simple", json!({}));
    app.save_items(json!([
        {"sku": "tee", "source_code": "ua-warehouse", "quantity": 10, "status": 1},
        {"sku": "tee", "source_code": "us-warehouse", "quantity": 5, "status": 1},
    ]))
    .await;
    // Out-of-stock item.
    app.save_items(
        json!([{"sku": "tee", "source_code": "us-warehouse", "quantity": 5, "status": 0}]),
    )
    .await;
    assert_eq!(app.salable("tee", 2).await, json!(10));
    // Disabled source.
    let (status, _) = app
        .put(
            "/V1/inventory/sources/ua-warehouse",
            json!({"source": {"name": "UA warehouse", "postcode": "46000", "country_id": "UA", "enabled": false}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.salable("tee", 2).await, json!(0));
    let (_, salable) = app.get("/V1/inventory/is-product-salable/tee/2").await;
    assert_eq!(salable, json!(false));
    // Re-enable, then unlink.
    app.put(
        "/V1/inventory/sources/ua-warehouse",
        json!({"source": {"name": "UA warehouse", "postcode": "46000", "country_id": "UA", "enabled": true}}),
    )
    .await;
    assert_eq!(app.salable("tee", 2).await, json!(10));
    app.post(
        "/V1/inventory/stock-source-links-delete",
        json!({"links": [{"stock_id": 2, "source_code": "ua-warehouse"}]}),
    )
    .await;
    assert_eq!(app.salable("tee", 2).await, json!(0));
}

#[tokio::test]
async fn min_qty_and_reservations_enter_the_formula() {
    let app = spawn_app().await;
    app.add_product(
        "tee",
        "simple",
        json!({"use_config_min_qty": false, "min_qty": 2}),
    );
    app.save_items(
        json!([{"sku": "tee", "source_code": "ua-warehouse", "quantity": 10, "status": 1}]),
    )
    .await;
    assert_eq!(app.salable("tee", 2).await, json!(8));
    app.handle.magento().with_state(|s| {
        s.reservations.push(Reservation {
            reservation_id: 1,
            stock_id: 2,
            sku: "tee".into(),
            quantity: -3.0,
            metadata: r#"{"event_type":"order_placed","object_type":"order","object_id":"1","object_increment_id":"000000001"}"#.into(),
        });
        // A reservation on another stock changes nothing here.
        s.reservations.push(Reservation {
            reservation_id: 2,
            stock_id: 1,
            sku: "tee".into(),
            quantity: -50.0,
            metadata: "{}".into(),
        });
    });
    assert_eq!(app.salable("tee", 2).await, json!(5));
    app.handle.magento().with_state(|s| {
        s.reservations.push(Reservation {
            reservation_id: 3,
            stock_id: 2,
            sku: "tee".into(),
            quantity: -5.5,
            metadata: "{}".into(),
        });
    });
    // 10 - 8.5 - 2 ≤ 0 and no backorders: the row is not salable.
    assert_eq!(app.salable("tee", 2).await, json!(0));
    let (_, salable) = app.get("/V1/inventory/is-product-salable/tee/2").await;
    assert_eq!(salable, json!(false));
}

#[tokio::test]
async fn backorders_keep_a_row_salable_below_zero() {
    let app = spawn_app().await;
    app.add_product(
        "tee",
        "simple",
        json!({"use_config_backorders": false, "backorders": 1}),
    );
    app.save_items(
        json!([{"sku": "tee", "source_code": "ua-warehouse", "quantity": 1, "status": 1}]),
    )
    .await;
    app.handle.magento().with_state(|s| {
        s.reservations.push(Reservation {
            reservation_id: 1,
            stock_id: 2,
            sku: "tee".into(),
            quantity: -4.0,
            metadata: "{}".into(),
        });
    });
    assert_eq!(app.salable("tee", 2).await, json!(-3));
    let (_, salable) = app.get("/V1/inventory/is-product-salable/tee/2").await;
    assert_eq!(salable, json!(true));
}

#[tokio::test]
async fn salable_quantity_errors_and_zero_cases() {
    let app = spawn_app().await;
    let (status, body) = app
        .get("/V1/inventory/get-product-salable-quantity/nope/1")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"message": "The product that was requested doesn't exist. Verify the product and try again."})
    );
    app.add_product("conf", "configurable", json!({}));
    let (status, body) = app
        .get("/V1/inventory/get-product-salable-quantity/conf/1")
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Can't check requested quantity for products without Source Items support."})
        )
    );
    app.add_product("lonely", "simple", json!({}));
    assert_eq!(app.salable("lonely", 2).await, json!(0));
    assert_eq!(app.salable("lonely", 99).await, json!(0));
    let (status, body) = app.get("/V1/inventory/is-product-salable/nope/1").await;
    assert_eq!((status, body), (200, json!(false)));
}

// ---------------------------------------------------------------------------
// Stock resolver

#[tokio::test]
async fn the_stock_resolver_finds_the_websites_stock() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/inventory/stock-resolver/website/base").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"stock_id": 2, "name": "Stock2", "extension_attributes": {"sales_channels": [{"type": "website", "code": "base"}]}})
    );
    for path in [
        "/V1/inventory/stock-resolver/website/nowhere",
        "/V1/inventory/stock-resolver/store/base",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(
            (status, body),
            (404, json!({"message": "No linked stock found"}))
        );
    }
}

#[tokio::test]
async fn msi_routes_need_authentication() -> TestResult {
    let app = spawn_app().await;
    let resp = reqwest::get(format!("{}/V1/inventory/sources", app.handle.rest_url())).await?;
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await?;
    assert_eq!(
        body,
        json!({"message": "The consumer isn't authorized to access %resources.", "parameters": {"resources": "Magento_InventoryApi::source"}})
    );
    Ok(())
}

/// Issue 11, item 5: `is-product-salable-for-requested-qty` answers MSI's condition
/// chain (`magento/inventory`, `IsProductSalableForRequestedQtyConditionChain` with
/// `BackOrderCondition`, `ManageStockCondition`, `IsSalableWithReservationsCondition`).
#[tokio::test]
async fn salable_for_a_requested_qty_lists_every_failed_condition() {
    let app = spawn_app().await;
    app.add_product("tee", "simple", json!({}));
    app.save_items(json!([
        {"sku": "tee", "source_code": "ua-warehouse", "quantity": 10, "status": 1},
        {"sku": "tee", "source_code": "us-warehouse", "quantity": 5, "status": 1},
    ]))
    .await;
    let path =
        |qty: &str| format!("/V1/inventory/is-product-salable-for-requested-qty/tee/2/{qty}");
    assert_eq!(
        app.get(&path("15")).await,
        (200, json!({"salable": true, "errors": []}))
    );
    let refused = json!({"salable": false, "errors": [
        {"code": "back_order-disabled", "message": "Backorders are disabled"},
        {"code": "manage_stock-enabled", "message": "Manage stock is enabled"},
        {"code": "is_salable_with_reservations-not_enough_qty", "message": "The requested qty is not available"}
    ]});
    assert_eq!(app.get(&path("15.5")).await, (200, refused));
    // Stock 1 holds no source item of the SKU.
    let (_, none) = app
        .get("/V1/inventory/is-product-salable-for-requested-qty/tee/1/1")
        .await;
    assert_eq!(
        none["errors"][2],
        json!({"code": "is_salable_with_reservations-no_data", "message": "The requested sku is not assigned to given stock"})
    );
    let (status, body) = app
        .get("/V1/inventory/is-product-salable-for-requested-qty/nope/2/1")
        .await;
    assert_eq!(
        (status, body["message"].clone()),
        (
            404,
            json!(
                "The product that was requested doesn't exist. Verify the product and try again."
            )
        )
    );
    let (status, _) = app
        .get("/V1/inventory/is-product-salable-for-requested-qty/tee/2/many")
        .await;
    assert_eq!(status, 400);
}

/// `GET /V1/inventory/are-products-salable`: one answer per SKU asked, in order.
#[tokio::test]
async fn are_products_salable_answers_each_sku_in_order() {
    let app = spawn_app().await;
    app.add_product("tee", "simple", json!({}));
    app.save_items(
        json!([{"sku": "tee", "source_code": "ua-warehouse", "quantity": 3, "status": 1}]),
    )
    .await;
    let (status, body) = app
        .get("/V1/inventory/are-products-salable?skus[]=nope&skus[]=tee&stockId=2")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([
            {"sku": "nope", "stock_id": 2, "salable": false},
            {"sku": "tee", "stock_id": 2, "salable": true}
        ])
    );
    let (status, body) = app
        .get("/V1/inventory/are-products-salable?skus[]=tee")
        .await;
    assert_eq!(
        (status, body["parameters"].clone()),
        (400, json!({"fieldName": "stockId"}))
    );
}
