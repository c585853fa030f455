//! Catalog over HTTP (reference §5, §6): the seed's product save, upsert and PUT rules,
//! URL keys, every refusal's exact body, product search, attribute sets, categories,
//! and the legacy stock item kept in step with the `default` source item (§7.7).

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

const TRANSCRIPT: &str = include_str!("../../../fixtures/magento/transcripts/seed-000.json");

/// The seed trace's POST /V1/products exchange: (request body, response body).
fn seed_product_exchange() -> (Value, Value) {
    let transcript: Value = serde_json::from_str(TRANSCRIPT).expect("transcript JSON");
    let exchange = transcript["exchanges"]
        .as_array()
        .and_then(|list| {
            list.iter().find(|e| {
                e["request"]["method"] == "POST"
                    && e["request"]["target"]
                        .as_str()
                        .is_some_and(|t| t.ends_with("/V1/products"))
            })
        })
        .expect("the seed's product POST")
        .clone();
    let body: Value = match &exchange["request"]["body"] {
        Value::String(text) => serde_json::from_str(text).expect("request JSON"),
        other => other.clone(),
    };
    (body, exchange["response"]["body"].clone())
}

/// A minimal valid simple product.
fn simple(sku: &str, name: &str) -> Value {
    json!({"product": {"sku": sku, "name": name, "price": 10, "attribute_set_id": 4}})
}

impl TestApp {
    async fn create(&self, sku: &str, name: &str) -> Value {
        let (status, body) = self.post("/V1/products", simple(sku, name)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

fn not_found_product() -> Value {
    json!({"message": "The product that was requested doesn't exist. Verify the product and try again."})
}

#[tokio::test]
async fn the_seed_product_save_answers_exactly_as_recorded() {
    let app = spawn_app().await;
    app.handle
        .core()
        .clock
        .set(time::macros::datetime!(2025-07-21 20:49:12 UTC));
    let (request, recorded) = seed_product_exchange();
    let (status, body) = app.post("/V1/products", request).await;
    assert_eq!(status, 200);
    assert_eq!(body, recorded);
    // Key order too: the JSON a client prints is the one Magento prints.
    assert_eq!(body.to_string(), recorded.to_string());
    // And it reads back the same.
    let (status, again) = app.get("/V1/products/test-001").await;
    assert_eq!((status, again), (200, recorded));
}

#[tokio::test]
async fn a_saved_stock_item_creates_the_default_source_item() {
    let app = spawn_app().await;
    let (request, _) = seed_product_exchange();
    app.post("/V1/products", request).await;
    let (_, items) = app
        .get("/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=test-001")
        .await;
    assert_eq!(
        items["items"],
        json!([{"sku": "test-001", "source_code": "default", "quantity": 136, "status": 1}])
    );
}

#[tokio::test]
async fn post_with_a_known_sku_updates_and_keeps_what_was_not_sent() {
    let app = spawn_app().await;
    let created = app.create("tee-1", "Tee").await;
    app.handle
        .core()
        .clock
        .advance(std::time::Duration::from_secs(60));
    let (status, updated) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "TEE-1", "price": 12.5, "status": 2}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], created["id"]);
    assert_eq!(updated["name"], "Tee");
    assert_eq!(updated["price"], 12.5);
    assert_eq!(updated["status"], 2);
    assert_eq!(updated["created_at"], created["created_at"]);
    assert_ne!(updated["updated_at"], created["updated_at"]);
    assert_eq!(TestApp::attribute(&updated, "url_key"), Some(json!("tee")));
    let (_, list) = app.get("/V1/products?searchCriteria=0").await;
    assert_eq!(list["total_count"], 1);
}

#[tokio::test]
async fn put_takes_the_sku_from_the_url_and_creates_unknown_ones() {
    let app = spawn_app().await;
    let (status, body) = app
        .put(
            "/V1/products/from-url",
            json!({"product": {"sku": "from-body", "name": "Put Made", "price": 3}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sku"], "from-url");
    assert_eq!(body["id"], 282);
    let (status, body) = app.get("/V1/products/from-body").await;
    assert_eq!((status, body), (404, not_found_product()));
    let (status, body) = app
        .put(
            "/V1/products/from-url",
            json!({"product": {"name": "Renamed"}}),
        )
        .await;
    assert_eq!(
        (status, &body["id"], &body["name"]),
        (200, &json!(282), &json!("Renamed"))
    );
}

#[tokio::test]
async fn delete_answers_true_and_takes_the_source_items_along() {
    let app = spawn_app().await;
    let (request, _) = seed_product_exchange();
    app.post("/V1/products", request).await;
    let (status, body) = app.delete("/V1/products/test-001").await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(
        app.get("/V1/products/test-001").await,
        (404, not_found_product())
    );
    assert_eq!(
        app.delete("/V1/products/test-001").await,
        (404, not_found_product())
    );
    let (_, items) = app.get("/V1/inventory/source-items?searchCriteria=0").await;
    assert_eq!(items["total_count"], 0);
}

#[tokio::test]
async fn two_products_with_one_name_collide_on_the_url_key() {
    let app = spawn_app().await;
    app.create("a-1", "Champ Tee Small").await;
    let (status, body) = app
        .post("/V1/products", simple("a-2", "Champ Tee Small"))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "URL key for specified store already exists."})
        )
    );
    let (_, list) = app.get("/V1/products?searchCriteria=0").await;
    assert_eq!(
        list["total_count"], 1,
        "nothing of the refused save is stored"
    );
    let mut explicit = simple("a-2", "Champ Tee Small");
    explicit["product"]["custom_attributes"] =
        json!([{"attribute_code": "url_key", "value": "Champ Tee Small Ünïcode"}]);
    let (status, body) = app.post("/V1/products", explicit).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        TestApp::attribute(&body, "url_key"),
        Some(json!("champ-tee-small-unicode"))
    );
}

#[tokio::test]
async fn refusals_answer_magentos_bodies() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "attribute_set_id": 99}}),
            json!({"message": "Invalid product data: %1", "parameters": ["Invalid attribute set entity type"]}),
        ),
        (
            json!({"product": {"sku": "x"}}),
            json!({"message": "Invalid product data: %1", "parameters": [
                "The \"Product Name\" attribute value is empty. Set the attribute and try again.,The \"Price\" attribute value is empty. Set the attribute and try again."
            ]}),
        ),
        (
            json!({"product": {"name": "No Sku", "price": 1}}),
            json!({"message": "Invalid product data: %1", "parameters": [
                "The \"SKU\" attribute value is empty. Set the attribute and try again."
            ]}),
        ),
        (
            json!({"product": {"sku": "s".repeat(65), "name": "Long", "price": 1}}),
            json!({"message": "SKU length should be %1 characters maximum.", "parameters": [64]}),
        ),
        (
            json!({}),
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "product"}}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": "abc"}}),
            json!({"message": "Error occurred during \"price\" processing. The \"abc\" value's type is invalid. The \"float\" type was expected. Verify and try again."}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "custom_attributes": [{}]}}),
            json!({"message": "An empty custom attribute is specified. Enter the attribute and try again."}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "custom_attributes": [{"value": "1"}]}}),
            json!({"message": "A custom attribute is specified with a missing attribute code. Verify the code and try again."}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "custom_attributes": [{"attribute_code": "color"}]}}),
            json!({"message": "The \"%1\" attribute code doesn't have a value set. Enter the value and try again.", "parameters": ["color"]}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "product_links": [{"link_type": "related", "linked_product_sku": "ghost", "position": 1}]}}),
            json!({"message": "The Product with the \"%1\" SKU doesn't exist.", "parameters": ["ghost"]}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "media_gallery_entries": [{"media_type": "image", "types": ["image"]}]}}),
            json!({"message": "The image content is invalid. Verify the content and try again."}),
        ),
        (
            json!({"product": {"sku": "x", "name": "X", "price": 1, "custom_attributes": [{"attribute_code": "special_price", "value": "cheap"}]}}),
            json!({"message": "The product was unable to be saved. Please try again."}),
        ),
    ];
    for (request, want) in cases {
        let expected = if want["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("The Product with"))
        {
            404
        } else {
            400
        };
        let (status, body) = app.post("/V1/products", request.clone()).await;
        assert_eq!((status, &body), (expected, &want), "{request}");
    }
    let (_, list) = app.get("/V1/products?searchCriteria=0").await;
    assert_eq!(
        list["total_count"], 0,
        "no refused save left anything behind"
    );
}

#[tokio::test]
async fn an_unknown_product_property_is_a_masked_500() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "x", "name": "X", "price": 1, "colour": "red"}}),
        )
        .await;
    assert_eq!(status, 500);
    assert!(
        body["message"].as_str().is_some_and(|m| m.starts_with(
            "Internal Error. Details are available in Magento log file. Report ID: webapi-"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn special_price_gets_the_store_local_date_and_decimals_keep_db_scale() {
    let app = spawn_app().await;
    // 00:30 UTC on the 22nd is still the 21st in Los Angeles, the store's zone (and
    // the admin token, four hours long, still good).
    app.handle
        .core()
        .clock
        .set(time::macros::datetime!(2025-07-22 00:30:00 UTC));
    let mut request = simple("sp-1", "Special");
    request["product"]["custom_attributes"] = json!([
        {"attribute_code": "special_price", "value": 7},
        {"attribute_code": "cost", "value": "2.5"},
        {"attribute_code": "tax_class_id", "value": 0},
        {"attribute_code": "not_an_attribute", "value": "dropped"}
    ]);
    let (status, body) = app.post("/V1/products", request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["custom_attributes"],
        json!([
            {"attribute_code": "special_price", "value": "7.000000"},
            {"attribute_code": "cost", "value": "2.500000"},
            {"attribute_code": "special_from_date", "value": "2025-07-21 00:00:00"},
            {"attribute_code": "options_container", "value": "container2"},
            {"attribute_code": "url_key", "value": "special"},
            {"attribute_code": "msrp_display_actual_price_type", "value": "0"},
            {"attribute_code": "required_options", "value": "0"},
            {"attribute_code": "has_options", "value": "0"},
            {"attribute_code": "tax_class_id", "value": "0"},
            {"attribute_code": "category_ids", "value": []}
        ])
    );
    assert_eq!(body["created_at"], "2025-07-22 00:30:00");
}

#[tokio::test]
async fn new_products_join_the_website_of_the_url_scope() {
    let app = spawn_app().await;
    app.handle.magento().with_state(|s| {
        let mut site = s.websites[1].clone();
        site.id = 2;
        site.code = "second".into();
        s.websites.push(site);
    });
    let (_, body) = app.post("/V1/products", simple("w-1", "Web One")).await;
    assert_eq!(body["extension_attributes"]["website_ids"], json!([1]));
    let url = format!(
        "{}/all/V1/products",
        app.handle.rest_url().trim_end_matches("/V1")
    );
    let body: Value = app
        .client
        .post(url)
        .bearer_auth(&app.token)
        .json(&simple("w-2", "Web Two"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(body["extension_attributes"]["website_ids"], json!([1, 2]));
    let mut explicit = simple("w-3", "Web Three");
    explicit["product"]["extension_attributes"] = json!({"website_ids": [2]});
    let (_, body) = app.post("/V1/products", explicit).await;
    assert_eq!(body["extension_attributes"]["website_ids"], json!([2]));
}

#[tokio::test]
async fn search_filters_sorts_pages_and_echoes() {
    let app = spawn_app().await;
    for (sku, name) in [
        ("b-1", "Blue Shirt"),
        ("b-2", "Blue Pants"),
        ("r-1", "Red Shirt"),
    ] {
        app.create(sku, name).await;
    }
    let (status, body) = app
        .get("/V1/products?searchCriteria[filterGroups][0][filters][0][field]=name&searchCriteria[filterGroups][0][filters][0][value]=%25shirt&searchCriteria[filterGroups][0][filters][0][conditionType]=like&searchCriteria[sortOrders][0][field]=sku&searchCriteria[pageSize]=1&searchCriteria[currentPage]=2")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total_count"], 2);
    let skus: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|p| p["sku"].as_str())
        .collect();
    // Sort direction omitted: descending, so page 2 of 1 is the lower SKU.
    assert_eq!(skus, ["b-1"]);
    assert_eq!(
        body["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "name", "value": "%shirt", "condition_type": "like"}]}],
               "sort_orders": [{"field": "sku", "direction": null}], "page_size": 1, "current_page": 2})
    );
    let (status, body) = app.get("/V1/products").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}})
        )
    );
}

#[tokio::test]
async fn category_links_are_searchable_and_counted_in_the_tree() {
    let app = spawn_app().await;
    let (status, cat) = app
        .post(
            "/V1/categories",
            json!({"category": {"name": "Gear", "is_active": true}}),
        )
        .await;
    assert_eq!(status, 200, "{cat}");
    let mut request = simple("g-1", "Gear One");
    request["product"]["custom_attributes"] =
        json!([{"attribute_code": "category_ids", "value": ["3"]}]);
    let (_, product) = app.post("/V1/products", request).await;
    assert_eq!(
        product["extension_attributes"]["category_links"],
        json!([{"position": 0, "category_id": "3"}])
    );
    assert_eq!(
        TestApp::attribute(&product, "category_ids"),
        Some(json!(["3"]))
    );
    app.create("g-2", "Gear Two").await;
    let (_, found) = app
        .get("/V1/products?searchCriteria[filter_groups][0][filters][0][field]=category_id&searchCriteria[filter_groups][0][filters][0][value]=3")
        .await;
    assert_eq!(found["total_count"], 1);
    assert_eq!(found["items"][0]["sku"], "g-1");
    let (_, tree) = app.get("/V1/categories").await;
    assert_eq!(
        tree,
        json!({"id": 2, "parent_id": 1, "name": "Default Category", "is_active": true, "position": 1,
               "level": 1, "product_count": 0, "children_data": [
                 {"id": 3, "parent_id": 2, "name": "Gear", "is_active": true, "position": 1, "level": 2,
                  "product_count": 1, "children_data": []}]})
    );
}

#[tokio::test]
async fn attribute_sets_list_get_and_refuse() {
    let app = spawn_app().await;
    let (status, body) = app
        .get("/V1/products/attribute-sets/sets/list?searchCriteria=0")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"items": [
            {"attribute_set_id": 9, "attribute_set_name": "apparel", "sort_order": 0, "entity_type_id": 4},
            {"attribute_set_id": 4, "attribute_set_name": "Default", "sort_order": 1, "entity_type_id": 4}],
            "search_criteria": {"filter_groups": []}, "total_count": 2})
    );
    let (status, body) = app.get("/V1/products/attribute-sets/sets/list").await;
    assert_eq!(status, 400);
    assert_eq!(body["parameters"], json!({"fieldName": "searchCriteria"}));
    let (status, body) = app.get("/V1/products/attribute-sets/9").await;
    assert_eq!(
        (status, &body["attribute_set_name"]),
        (200, &json!("apparel"))
    );
    let (status, body) = app.get("/V1/products/attribute-sets/77").await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 77}})
        )
    );
}

#[tokio::test]
async fn categories_are_created_read_updated_listed_and_deleted() {
    let app = spawn_app().await;
    let (status, gear) = app
        .post(
            "/V1/categories",
            json!({"category": {"name": "Gear Box", "is_active": true}}),
        )
        .await;
    assert_eq!(status, 200, "{gear}");
    assert_eq!(
        gear,
        json!({"id": 3, "parent_id": 2, "name": "Gear Box", "is_active": true, "position": 1, "level": 2,
               "children": "", "created_at": "2025-07-21 20:49:08", "updated_at": "2025-07-21 20:49:08",
               "path": "1/2/3", "available_sort_by": [], "include_in_menu": true,
               "custom_attributes": [
                 {"attribute_code": "display_mode", "value": "PRODUCTS"},
                 {"attribute_code": "is_anchor", "value": "1"},
                 {"attribute_code": "url_key", "value": "gear-box"},
                 {"attribute_code": "url_path", "value": "gear-box"},
                 {"attribute_code": "path", "value": "1/2/3"},
                 {"attribute_code": "children_count", "value": "0"}]})
    );
    let (status, bags) = app
        .post(
            "/V1/categories",
            json!({"category": {"parent_id": 3, "name": "Bags"}}),
        )
        .await;
    assert_eq!(status, 200, "{bags}");
    assert_eq!(
        (&bags["level"], &bags["path"]),
        (&json!(3), &json!("1/2/3/4"))
    );
    assert_eq!(
        TestApp::attribute(&bags, "url_path"),
        Some(json!("gear-box/bags"))
    );
    let (_, gear) = app.get("/V1/categories/3").await;
    assert_eq!(gear["children"], "4");
    assert_eq!(
        TestApp::attribute(&gear, "children_count"),
        Some(json!("1"))
    );

    let (status, renamed) = app
        .put(
            "/V1/categories/4",
            json!({"category": {"id": 99, "name": "Totes", "is_active": false}}),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        (&renamed["id"], &renamed["name"], &renamed["is_active"]),
        (&json!(4), &json!("Totes"), &json!(false))
    );

    let (_, list) = app
        .get("/V1/categories/list?searchCriteria[filter_groups][0][filters][0][field]=level&searchCriteria[filter_groups][0][filters][0][value]=2&searchCriteria[filter_groups][0][filters][0][condition_type]=gteq")
        .await;
    assert_eq!(list["total_count"], 2);

    // A product whose URL key is a category's URL path collides.
    let (status, body) = app.post("/V1/products", simple("gb", "Gear Box")).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "URL key for specified store already exists."})
        )
    );

    let (status, body) = app.delete("/V1/categories/2").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Cannot delete category with id %1", "parameters": [2]})
        )
    );
    assert_eq!(app.delete("/V1/categories/3").await, (200, json!(true)));
    let missing = json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 4}});
    assert_eq!(
        app.get("/V1/categories/4").await,
        (404, missing),
        "the subtree goes too"
    );
    let (status, body) = app
        .post("/V1/categories", json!({"category": {"parent_id": 2}}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Could not save category: %1", "parameters": ["The \"Name\" attribute value is empty. Set the attribute and try again."]})
        )
    );
    let (status, body) = app
        .post(
            "/V1/categories",
            json!({"category": {"parent_id": 50, "name": "Orphan"}}),
        )
        .await;
    assert_eq!(
        (status, &body["parameters"]["fieldValue"]),
        (404, &json!(50))
    );
}

#[tokio::test]
async fn the_legacy_stock_item_and_the_default_source_item_follow_each_other() {
    let app = spawn_app().await;
    let (request, _) = seed_product_exchange();
    app.post("/V1/products", request).await;

    let (status, item_id) = app
        .put(
            "/V1/products/test-001/stockItems/999",
            json!({"stockItem": {"qty": 40, "is_in_stock": true}}),
        )
        .await;
    assert_eq!(
        (status, item_id),
        (200, json!(282)),
        "the URL's item id is not used"
    );
    let (_, items) = app.get("/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=source_code&searchCriteria[filter_groups][0][filters][0][value]=default").await;
    assert_eq!(items["items"][0]["quantity"], 40);

    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": "test-001", "source_code": "default", "quantity": 7, "status": 1}]}),
        )
        .await;
    assert_eq!((status, body), (200, json!([])));
    let (_, item) = app.get("/V1/stockItems/test-001").await;
    assert_eq!(
        (&item["qty"], &item["is_in_stock"]),
        (&json!(7), &json!(true))
    );

    app.post(
        "/V1/inventory/source-items-delete",
        json!({"sourceItems": [{"sku": "test-001", "source_code": "default"}]}),
    )
    .await;
    let (_, status_body) = app.get("/V1/stockStatuses/test-001").await;
    assert_eq!(
        (
            &status_body["qty"],
            &status_body["stock_status"],
            &status_body["stock_item"]["is_in_stock"]
        ),
        (&json!(0), &json!(0), &json!(false))
    );

    let not_found = json!({"message": "The Product with the \"%1\" SKU doesn't exist.", "parameters": ["nope"]});
    assert_eq!(
        app.get("/V1/stockItems/nope").await,
        (404, not_found.clone())
    );
    assert_eq!(
        app.put(
            "/V1/products/nope/stockItems/1",
            json!({"stockItem": {"qty": 1}})
        )
        .await,
        (404, not_found)
    );
}

#[tokio::test]
async fn stock_rules_out_of_stock_at_zero_low_stock_date_and_manage_stock() {
    let app = spawn_app().await;
    app.create("st-1", "Stocked").await;
    let (_, _) = app
        .put(
            "/V1/products/st-1/stockItems/1",
            json!({"stockItem": {"qty": 0, "is_in_stock": true}}),
        )
        .await;
    let (_, item) = app.get("/V1/stockItems/st-1").await;
    assert_eq!(
        (
            &item["is_in_stock"],
            &item["stock_status_changed_auto"],
            &item["low_stock_date"]
        ),
        (&json!(false), &json!(1), &json!("2025-07-21 20:49:08"))
    );
    assert!(item.get("manage_stock").is_none(), "{item}");

    // Backorders allowed: zero stays in stock.
    app.put(
        "/V1/products/st-1/stockItems/1",
        json!({"stockItem": {"is_in_stock": true, "use_config_backorders": false, "backorders": 1}}),
    )
    .await;
    let (_, item) = app.get("/V1/stockItems/st-1").await;
    assert_eq!(item["is_in_stock"], true);

    // Not managed: the item says so explicitly.
    app.put(
        "/V1/products/st-1/stockItems/1",
        json!({"stockItem": {"use_config_manage_stock": false, "manage_stock": false}}),
    )
    .await;
    let (_, item) = app.get("/V1/stockItems/st-1").await;
    assert_eq!(
        (
            &item["use_config_manage_stock"],
            &item["manage_stock"],
            &item["low_stock_date"]
        ),
        (&json!(false), &json!(false), &Value::Null)
    );
    let (status, body) = app.put("/V1/products/st-1/stockItems/1", json!({})).await;
    assert_eq!(
        (status, &body["parameters"]),
        (400, &json!({"fieldName": "stockItem"}))
    );
}

#[tokio::test]
async fn product_types_are_listed() {
    let app = spawn_app().await;
    let (status, body) = app.get("/V1/products/types").await;
    assert_eq!(status, 200);
    assert_eq!(
        body[0],
        json!({"name": "simple", "label": "Simple Product"})
    );
    assert_eq!(body.as_array().map(Vec::len), Some(6));
}

/// Custom option and media ids come from store counters (no scan of the catalogue),
/// are kept through an export and import, and a refused save takes none.
#[tokio::test]
async fn option_and_media_ids_count_up_and_a_refused_save_takes_none() {
    let app = spawn_app().await;
    let with_option = |sku: &str, name: &str| {
        json!({"product": {"sku": sku, "name": name, "price": 10, "attribute_set_id": 4,
            "options": [{"title": "Engraving", "type": "field", "is_require": false, "price": 1, "price_type": "fixed", "max_characters": 10}]}})
    };
    let (status, a) = app
        .post("/V1/products", with_option("opt-a", "Opt A"))
        .await;
    assert_eq!(status, 200, "{a}");
    let first = a["options"][0]["option_id"].as_u64().expect("an option id");
    // Same name: the URL key is taken, the save is refused, no id is spent.
    let (status, _) = app
        .post("/V1/products", with_option("opt-b", "Opt A"))
        .await;
    assert_eq!(status, 400);
    let (status, c) = app
        .post("/V1/products", with_option("opt-c", "Opt C"))
        .await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["options"][0]["option_id"], json!(first + 1));

    let admin = format!("{}/__sim/state", app.handle.base_url());
    let state: Value = app
        .client
        .get(&admin)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("JSON");
    assert_eq!(state["next"]["option_id"], json!(first + 2));
    let status = app
        .client
        .put(&admin)
        .json(&state)
        .send()
        .await
        .expect("import")
        .status();
    assert_eq!(status.as_u16(), 200);
    let (_, d) = app
        .post("/V1/products", with_option("opt-d", "Opt D"))
        .await;
    assert_eq!(d["options"][0]["option_id"], json!(first + 2));
}

/// Issue 11, item 4: `/V1/products/{sku}/options` read and delete, as
/// `Product\Option\Repository` answers (`getList`, `get`, `deleteByIdentifier`).
#[tokio::test]
async fn custom_options_are_listed_read_and_deleted() {
    let app = spawn_app().await;
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "mug", "name": "Mug", "price": 10, "attribute_set_id": 4,
                "options": [
                    {"title": "Engraving", "type": "field", "is_require": true, "price": 1, "price_type": "fixed", "max_characters": 10},
                    {"title": "Gift note", "type": "area", "is_require": false, "price": 0, "price_type": "fixed"}
                ]}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    let first = p["options"][0]["option_id"].as_i64().expect("id");
    let second = p["options"][1]["option_id"].as_i64().expect("id");
    assert_eq!(
        app.get("/V1/products/mug/options").await,
        (200, p["options"].clone())
    );
    assert_eq!(
        app.get(&format!("/V1/products/mug/options/{second}")).await,
        (200, p["options"][1].clone())
    );
    assert_eq!(
        app.get("/V1/products/mug/options/9999").await,
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "optionId", "fieldValue": 9999}})
        )
    );
    assert_eq!(app.get("/V1/products/nope/options").await.0, 404);

    assert_eq!(
        app.delete(&format!("/V1/products/mug/options/{first}"))
            .await,
        (200, json!(true))
    );
    let (_, p) = app.get("/V1/products/mug").await;
    assert_eq!(p["options"].as_array().map(Vec::len), Some(1));
    assert_eq!(TestApp::attribute(&p, "has_options"), Some(json!("1")));
    assert_eq!(TestApp::attribute(&p, "required_options"), Some(json!("0")));
    app.delete(&format!("/V1/products/mug/options/{second}"))
        .await;
    let (_, p) = app.get("/V1/products/mug").await;
    assert_eq!(TestApp::attribute(&p, "has_options"), Some(json!("0")));
    assert_eq!(
        app.delete(&format!("/V1/products/mug/options/{second}"))
            .await
            .0,
        404
    );
}
