//! Configurable products (issue 11, item 3), with cases ported from Magento's web-API
//! functional tests (`magento/magento2`,
//! `dev/tests/api-functional/testsuite/Magento/ConfigurableProduct/Api/`): each test
//! names its source. Magento's PHP fixtures are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

/// `configurable_attribute.php`: the select `test_configurable` with two options; their
/// ids and the attribute id.
async fn configurable_attribute(app: &TestApp) -> (u64, Vec<String>) {
    let (status, a) = app
        .post(
            "/V1/products/attributes",
            json!({"attribute": {"attribute_code": "test_configurable", "frontend_input": "select",
                   "default_frontend_label": "Test Configurable", "is_required": false,
                   "options": [{"label": "Option 1"}, {"label": "Option 2"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let values = a["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| {
            o["value"]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        })
        .collect();
    (a["attribute_id"].as_u64().expect("id"), values)
}

async fn simple(app: &TestApp, sku: &str, value: Option<&str>, qty: f64) -> u64 {
    let mut product = json!({"sku": sku, "name": format!("Configurable Option{sku}"), "type_id": "simple",
        "attribute_set_id": 4, "price": 10, "status": 1, "visibility": 1,
        "extension_attributes": {"stock_item": {"qty": qty, "is_in_stock": qty > 0.0}}});
    if let Some(v) = value {
        product["custom_attributes"] = json!([{"attribute_code": "test_configurable", "value": v}]);
    }
    let (status, p) = app.post("/V1/products", json!({"product": product})).await;
    assert_eq!(status, 200, "{p}");
    p["id"].as_u64().expect("id")
}

/// `product_configurable.php`: `configurable` with the option `Test Configurable` over
/// both values, and children `simple_10` and `simple_20`.
async fn product_configurable(app: &TestApp) -> (u64, Vec<String>, [u64; 2]) {
    let (attribute_id, values) = configurable_attribute(app).await;
    let a = simple(app, "simple_10", Some(&values[0]), 1000.0).await;
    let b = simple(app, "simple_20", Some(&values[1]), 1000.0).await;
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "configurable", "name": "Configurable Product", "type_id": "configurable",
                   "attribute_set_id": 4, "price": 10, "status": 1, "visibility": 4,
                   "extension_attributes": {
                       "stock_item": {"is_in_stock": true},
                       "configurable_product_options": [{"attribute_id": attribute_id.to_string(), "label": "Test Configurable",
                           "position": 0, "values": [{"value_index": values[0]}, {"value_index": values[1]}]}],
                       "configurable_product_links": [a, b]}}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    (attribute_id, values, [a, b])
}

/// `OptionRepositoryTest::testGetList` and `::testGet`; the options on the product read.
#[tokio::test]
async fn options_list_and_get() {
    let app = spawn_app().await;
    let (attribute_id, values, children) = product_configurable(&app).await;
    let (status, list) = app
        .get("/V1/configurable-products/configurable/options/all")
        .await;
    assert_eq!(status, 200, "{list}");
    let option = &list[0];
    assert_eq!(option["label"], "Test Configurable");
    assert_eq!(option["attribute_id"], json!(attribute_id.to_string()));
    assert_eq!(option["values"].as_array().map(Vec::len), Some(2));
    for v in option["values"].as_array().expect("values") {
        assert!(v.get("value_index").is_some());
    }
    let (status, one) = app
        .get(&format!(
            "/V1/configurable-products/configurable/options/{}",
            option["id"]
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(&one, option);

    let (_, p) = app.get("/V1/products/configurable").await;
    let ext = &p["extension_attributes"];
    assert_eq!(ext["configurable_product_options"], list);
    assert_eq!(ext["configurable_product_links"], json!(children));
    let keys: Vec<&str> = ext
        .as_object()
        .expect("ext")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "website_ids",
            "configurable_product_options",
            "configurable_product_links",
            "stock_item"
        ]
    );
    assert_eq!(
        option["values"],
        json!([{"value_index": values[0].parse::<i64>().expect("id")}, {"value_index": values[1].parse::<i64>().expect("id")}])
    );
}

/// `OptionRepositoryTest::testGetUndefinedOption`, `::testDeleteNotExistsOption`; a
/// simple product refused by the option services.
#[tokio::test]
async fn option_refusals() {
    let app = spawn_app().await;
    product_configurable(&app).await;
    let (status, r) = app
        .get("/V1/configurable-products/configurable/options/-42")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The \"%1\" entity that was requested doesn't exist. Verify the entity and try again.", "parameters": [-42]})
    );
    let (status, r) = app
        .delete("/V1/configurable-products/configurable/options/555")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The option that was requested doesn't exist. Verify the entity and try again."})
    );
    let (status, r) = app
        .get("/V1/configurable-products/simple_10/options/all")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "This is implemented for the \"%1\" configurable product only.", "parameters": ["simple_10"]})
    );
    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable/options",
            json!({"option": {"values": [{}]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "One or more input exceptions have occurred.", "errors": [
            {"message": "Option attribute ID is not specified.", "parameters": []},
            {"message": "Option label is not specified.", "parameters": []},
            {"message": "Value index is not specified for an option.", "parameters": []}]})
    );
}

/// `OptionRepositoryTest::testAdd`: an option on a simple product makes it configurable.
#[tokio::test]
async fn add_option_to_a_simple_product() {
    let app = spawn_app().await;
    let (attribute_id, values) = configurable_attribute(&app).await;
    simple(&app, "simple", None, 0.0).await;
    let (status, id) = app
        .post(
            "/V1/configurable-products/simple/options",
            json!({"option": {"attribute_id": attribute_id, "label": "Test", "values": [{"value_index": values[0]}]}}),
        )
        .await;
    assert_eq!(status, 200, "{id}");
    assert!(id.as_u64().is_some_and(|id| id > 0), "{id}");
    let (_, p) = app.get("/V1/products/simple").await;
    assert_eq!(p["type_id"], "configurable");
}

/// `OptionRepositoryTest::testUpdate`, `::testUpdateWithoutOptionId` and `::testDelete`.
#[tokio::test]
async fn update_and_delete_options() {
    let app = spawn_app().await;
    let (attribute_id, values, _) = product_configurable(&app).await;
    let (_, list) = app
        .get("/V1/configurable-products/configurable/options/all")
        .await;
    let id = list[0]["id"].as_u64().expect("id");
    let (status, r) = app
        .put(
            &format!("/V1/configurable-products/configurable/options/{id}"),
            json!({"option": {"label": "Update Test Configurable"}}),
        )
        .await;
    assert_eq!((status, r), (200, json!(id)));
    let (_, list) = app
        .get("/V1/configurable-products/configurable/options/all")
        .await;
    assert_eq!(list[0]["label"], "Update Test Configurable");
    assert_eq!(list[0]["values"].as_array().map(Vec::len), Some(2));

    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable/options",
            json!({"option": {"attribute_id": attribute_id, "label": "Update Test Configurable with sku and attribute_id",
                              "values": [{"value_index": values[0]}]}}),
        )
        .await;
    assert_eq!(
        (status, r),
        (200, json!(id)),
        "the option of that attribute is updated"
    );
    let (_, list) = app
        .get("/V1/configurable-products/configurable/options/all")
        .await;
    assert_eq!(
        list[0]["label"],
        "Update Test Configurable with sku and attribute_id"
    );
    let (status, r) = app
        .put(
            "/V1/configurable-products/configurable/options/9999",
            json!({"option": {"label": "x"}}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "Option with id \"%1\" not found", "parameters": [9999]})
    );

    let (status, r) = app
        .delete(&format!(
            "/V1/configurable-products/configurable/options/{id}"
        ))
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (_, list) = app
        .get("/V1/configurable-products/configurable/options/all")
        .await;
    assert_eq!(list, json!([]));
    // The variations go with the option (`saveProducts($product, [])`).
    let (_, children) = app
        .get("/V1/configurable-products/configurable/children")
        .await;
    assert_eq!(children, json!([]));
}

/// `LinkManagementTest::testGetChildren` and `::testRemoveChild`.
#[tokio::test]
async fn children_and_remove_child() {
    let app = spawn_app().await;
    product_configurable(&app).await;
    let (status, children) = app
        .get("/V1/configurable-products/configurable/children")
        .await;
    assert_eq!(status, 200);
    let children = children.as_array().expect("children");
    assert_eq!(children.len(), 2);
    for p in children {
        assert!(p.get("custom_attributes").is_some());
        assert!(p.get("price").is_some());
        assert!(p.get("updated_at").is_some());
        assert!(
            p["name"]
                .as_str()
                .is_some_and(|n| n.contains("Configurable Option"))
        );
        assert!(p["sku"].as_str().is_some_and(|s| s.contains("simple_")));
        assert_eq!(p["status"], 1);
        assert!(p.get("extension_attributes").is_none());
    }
    let (status, r) = app
        .delete("/V1/configurable-products/configurable/children/simple_10")
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (_, children) = app
        .get("/V1/configurable-products/configurable/children")
        .await;
    assert_eq!(children.as_array().map(Vec::len), Some(1));
    let (status, r) = app
        .delete("/V1/configurable-products/configurable/children/simple_10")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The option that was requested doesn't exist. Verify the entity and try again."})
    );
    let (status, r) = app
        .delete("/V1/configurable-products/simple_20/children/simple_10")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The product with the \"%1\" SKU isn't a configurable product.", "parameters": ["simple_20"]})
    );
    // A simple product has no children.
    let (status, r) = app
        .get("/V1/configurable-products/simple_20/children")
        .await;
    assert_eq!((status, r), (200, json!([])));
}

/// `LinkManagementTest::testAddChildFullRestCreation`, and `addChild`'s refusals.
#[tokio::test]
async fn add_child_through_rest() {
    let app = spawn_app().await;
    let (attribute_id, values) = configurable_attribute(&app).await;
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "configurable-product-sku", "name": "configurable-product-configurable-product-sku",
                   "type_id": "configurable", "price": 50, "attribute_set_id": 4}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    simple(&app, "simple-product-sku", Some(&values[0]), 5.0).await;
    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/child",
            json!({"childSku": "simple-product-sku"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The parent product doesn't have configurable product options."})
    );
    let (status, _) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/options",
            json!({"option": {"attribute_id": attribute_id, "label": "test_configurable", "position": 0,
                              "is_use_default": true, "values": [{"value_index": values[0]}]}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/child",
            json!({"childSku": "simple-product-sku"}),
        )
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (_, children) = app
        .get("/V1/configurable-products/configurable-product-sku/children")
        .await;
    assert_eq!(children[0]["sku"], "simple-product-sku");
    // `getConfigurableAttributesData`: the option now lists every option of the
    // attribute, labelled with the attribute's label.
    let (_, list) = app
        .get("/V1/configurable-products/configurable-product-sku/options/all")
        .await;
    assert_eq!(list[0]["values"].as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["label"], "Test Configurable");

    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/child",
            json!({"childSku": "simple-product-sku"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(r, json!({"message": "The product is already attached."}));
    simple(&app, "no-value", None, 5.0).await;
    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/child",
            json!({"childSku": "no-value"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The child product doesn't have the \"%1\" attribute value. Verify the value and try again.",
               "parameters": ["test_configurable"]})
    );
    simple(&app, "same-value", Some(&values[0]), 5.0).await;
    let (status, r) = app
        .post(
            "/V1/configurable-products/configurable-product-sku/child",
            json!({"childSku": "same-value"}),
        )
        .await;
    assert_eq!(status, 400, "{r}");
    assert_eq!(
        r["message"],
        "Products \"%1\" and \"%2\" have the same set of attribute values."
    );
    // Deleting a child removes its link.
    let (status, _) = app.delete("/V1/products/simple-product-sku").await;
    assert_eq!(status, 200);
    let (_, children) = app
        .get("/V1/configurable-products/configurable-product-sku/children")
        .await;
    assert_eq!(children, json!([]));
    let (_, p) = app.get("/V1/products/configurable-product-sku").await;
    assert!(
        p["extension_attributes"]
            .get("configurable_product_links")
            .is_none(),
        "{p}"
    );
}

async fn salable(app: &TestApp, sku: &str) -> Value {
    let (status, v) = app
        .get(&format!("/V1/inventory/is-product-salable/{sku}/1"))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

/// A configurable is salable through MSI while one of its children is; it has no
/// salable quantity of its own.
#[tokio::test]
async fn salability_comes_from_the_children() {
    let app = spawn_app().await;
    let (_, values) = configurable_attribute(&app).await;
    let a = simple(&app, "child-a", Some(&values[0]), 0.0).await;
    let b = simple(&app, "child-b", Some(&values[1]), 0.0).await;
    let (attribute_id, _) = {
        let (_, attr) = app.get("/V1/products/attributes/test_configurable").await;
        (attr["attribute_id"].as_u64().expect("id"), ())
    };
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "parent", "name": "Parent", "type_id": "configurable", "price": 10,
                   "attribute_set_id": 4, "extension_attributes": {
                       "stock_item": {"is_in_stock": true},
                       "configurable_product_options": [{"attribute_id": attribute_id, "label": "C", "values": [{"value_index": values[0]}]}],
                       "configurable_product_links": [a, b]}}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(salable(&app, "parent").await, json!(false));
    let (status, _) = app
        .put(
            "/V1/products/child-b",
            json!({"product": {"extension_attributes": {"stock_item": {"qty": 3, "is_in_stock": true}}}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(salable(&app, "parent").await, json!(true));
    let (status, r) = app
        .get("/V1/inventory/get-product-salable-quantity/parent/1")
        .await;
    assert_eq!(status, 400, "{r}");
}

/// `ProductRepositorySave`'s checks on a product save: unknown children, children
/// without the option's value, two children with the same values; nothing is saved.
#[tokio::test]
async fn product_save_checks_the_links() {
    let app = spawn_app().await;
    let (attribute_id, values) = configurable_attribute(&app).await;
    let a = simple(&app, "va", Some(&values[0]), 1.0).await;
    let b = simple(&app, "vb", Some(&values[0]), 1.0).await;
    let none = simple(&app, "vn", None, 1.0).await;
    let save = |links: Value| {
        json!({"product": {"sku": "cfg", "name": "Cfg", "type_id": "configurable", "price": 1, "attribute_set_id": 4,
               "extension_attributes": {
                   "configurable_product_options": [{"attribute_id": attribute_id, "label": "C", "values": [{"value_index": values[0]}]}],
                   "configurable_product_links": links}}})
    };
    let cases = [
        (
            json!([a, 999_999]),
            404,
            json!({"message": "The product that was requested doesn't exist. Verify the product and try again."}),
        ),
        (
            json!([none]),
            400,
            json!({"message": "Product with id \"%1\" does not contain required attribute \"%2\".",
                   "parameters": [none.to_string(), "test_configurable"]}),
        ),
        (
            json!([a, b]),
            400,
            json!({"message": "Products \"%1\" and \"%2\" have the same set of attribute values.",
                   "parameters": [b.to_string(), a.to_string()]}),
        ),
    ];
    for (links, status, want) in cases {
        let (got, body) = app.post("/V1/products", save(links.clone())).await;
        assert_eq!((got, &body), (status, &want), "{links}");
        let (status, _) = app.get("/V1/products/cfg").await;
        assert_eq!(status, 404, "nothing saved for {links}");
    }
    let (status, p) = app.post("/V1/products", save(json!([a]))).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(
        p["extension_attributes"]["configurable_product_links"],
        json!([a])
    );

    // The store with its configurable round-trips through the state.
    let state = app.export_state().await;
    let (status, _) = app.import_state(&state).await;
    assert_eq!(status, 200);
    let (_, again) = app.get("/V1/products/cfg").await;
    assert_eq!(again["extension_attributes"], p["extension_attributes"]);
}

/// A configurable child bought through a guest cart (`configurable_item_options`, as
/// `ConfigurableProduct/Api/CartItemRepositoryTest::testAddProduct` sends them), the
/// order placing the child's reservation, then shipped with a track.
#[tokio::test]
async fn a_child_is_bought_through_a_guest_cart_and_shipped_with_a_track() {
    let app = spawn_app().await;
    let (attribute_id, values, _) = product_configurable(&app).await;
    // The seed's `base` website sells from stock 2 (`ua-warehouse`, `us-warehouse`).
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": "simple_20", "source_code": "us-warehouse", "quantity": 5, "status": 1}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, before) = app
        .get("/V1/inventory/get-product-salable-quantity/simple_20/2")
        .await;

    let (status, cart) = app.post("/V1/guest-carts", json!({})).await;
    assert_eq!(status, 200);
    let cart = cart.as_str().expect("masked id").to_owned();
    // No choice: Magento's `_prepareProduct` message.
    let (status, r) = app
        .post(
            &format!("/V1/guest-carts/{cart}/items"),
            json!({"cartItem": {"sku": "configurable", "qty": 1, "quote_id": cart}}),
        )
        .await;
    assert_eq!(
        (status, r),
        (
            400,
            json!({"message": "You need to choose options for your item."})
        )
    );
    let options = json!({"extension_attributes": {"configurable_item_options": [
        {"option_id": attribute_id.to_string(), "option_value": values[1].parse::<i64>().expect("id")}]}});
    let (status, item) = app
        .post(
            &format!("/V1/guest-carts/{cart}/items"),
            json!({"cartItem": {"sku": "configurable", "qty": 2, "quote_id": cart, "product_option": options}}),
        )
        .await;
    assert_eq!(status, 200, "{item}");
    assert_eq!(item["sku"], "simple_20");
    assert_eq!(item["product_type"], "configurable");
    assert_eq!(item["name"], "Configurable Product");
    assert_eq!(item["product_option"], options);

    let email = "jdoe@example.com";
    let (status, body) = app
        .post(
            &format!("/V1/guest-carts/{cart}/shipping-information"),
            json!({"addressInformation": {
                "shipping_address": common::us_address(email),
                "billing_address": common::us_address(email),
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, order_id) = app
        .post(
            &format!("/V1/guest-carts/{cart}/payment-information"),
            json!({"email": email, "paymentMethod": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!(status, 200, "{order_id}");
    let order_id: u64 = order_id
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("order id");

    // The reservation is the child's.
    let (_, after) = app
        .get("/V1/inventory/get-product-salable-quantity/simple_20/2")
        .await;
    assert_eq!(
        before.as_f64().expect("qty") - after.as_f64().expect("qty"),
        2.0
    );

    let (status, shipment_id) = app
        .post(
            &format!("/V1/order/{order_id}/ship"),
            json!({"tracks": [{"track_number": "1Z999", "title": "UPS", "carrier_code": "ups"}]}),
        )
        .await;
    assert_eq!(status, 200, "{shipment_id}");
    let shipment_id = shipment_id
        .as_str()
        .map(str::to_owned)
        .or_else(|| shipment_id.as_u64().map(|n| n.to_string()))
        .expect("shipment id");
    let (status, shipment) = app.get(&format!("/V1/shipment/{shipment_id}")).await;
    assert_eq!(status, 200, "{shipment}");
    assert_eq!(shipment["tracks"][0]["track_number"], "1Z999");
    assert_eq!(shipment["items"][0]["sku"], "simple_20");
}

/// `ConfigurableProductManagementTest::testGetVariation`, and two options' combinations.
#[tokio::test]
async fn generate_variation() {
    let app = spawn_app().await;
    let (_, values) = configurable_attribute(&app).await;
    let v = &values[0];
    let (status, r) = app
        .put(
            "/V1/configurable-products/variation",
            json!({"product": {"sku": "test", "price": 10},
                   "options": [{"attribute_id": "test_configurable", "values": [{"value_index": v}]}]}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r,
        json!([{"sku": format!("test-{v}"), "name": format!("-{v}"), "price": 10, "status": 1, "visibility": 1,
                "extension_attributes": [], "product_links": [], "tier_prices": [],
                "custom_attributes": [{"attribute_code": "test_configurable", "value": v}]}])
    );
    let (status, r) = app
        .put(
            "/V1/configurable-products/variation",
            json!({"product": {"sku": "t", "name": "T", "price": 5},
                   "options": [{"attribute_id": "test_configurable", "values": [{"value_index": values[0]}, {"value_index": values[1]}]},
                               {"attribute_id": "93", "values": [{"value_index": 7}]}]}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let skus: Vec<&str> = r
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["sku"].as_str())
        .collect();
    assert_eq!(
        skus,
        [format!("t-{}-7", values[0]), format!("t-{}-7", values[1])]
    );
    // Nothing is saved.
    let (status, _) = app.get(&format!("/V1/products/t-{}-7", values[0])).await;
    assert_eq!(status, 404);
    let (status, r) = app
        .put(
            "/V1/configurable-products/variation",
            json!({"product": {"sku": "t"}, "options": [{"attribute_id": "nope", "values": [{"value_index": 1}]}]}),
        )
        .await;
    assert_eq!(status, 404, "{r}");
}
