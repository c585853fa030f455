//! Product attributes and their options (issue 11, item 2), with cases ported from
//! Magento's web-API functional tests (`magento/magento2`,
//! `dev/tests/api-functional/testsuite/Magento/Catalog/Api/`): each test names its
//! source. Magento's PHP fixtures are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

/// `ProductAttributeRepositoryTest::createAttribute`: a required select with two
/// options, Blue (sort 0, default) and Red (sort 100), labelled per store.
async fn create_attribute(app: &TestApp, code: &str) -> (u16, Value) {
    app.post(
        "/V1/products/attributes/",
        json!({"attribute": {
            "attribute_code": code,
            "frontend_labels": [{"store_id": 0, "label": "front_lbl"}],
            "is_required": true,
            "default_value": "",
            "frontend_input": "select",
            "is_visible_on_front": true,
            "is_searchable": true,
            "is_visible_in_advanced_search": true,
            "is_filterable": true,
            "is_filterable_in_search": true,
            "options": [
                {"label": "Red", "value": "", "sort_order": 100, "is_default": false,
                 "store_labels": [{"store_id": 0, "label": "Admin Red"}, {"store_id": 1, "label": "Default Red"}]},
                {"label": "Blue", "value": "", "sort_order": 0, "is_default": true,
                 "store_labels": [{"store_id": 0, "label": "Admin Blue"}, {"store_id": 1, "label": "Default Blue"}]}
            ]
        }}),
    )
    .await
}

/// `Magento/Catalog/_files/product_attribute.php`: a text attribute
/// `test_attribute_code_333`.
async fn fixture_attribute(app: &TestApp) {
    let (status, body) = app
        .post(
            "/V1/products/attributes",
            json!({"attribute": {"attribute_code": "test_attribute_code_333",
                   "frontend_input": "text", "default_frontend_label": "Test attribute"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// `ProductAttributeRepositoryTest::testGet`.
#[tokio::test]
async fn get_answers_the_attribute() {
    let app = spawn_app().await;
    fixture_attribute(&app).await;
    let (status, a) = app
        .get("/V1/products/attributes/test_attribute_code_333")
        .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["attribute_code"], "test_attribute_code_333");
    assert!(a["attribute_id"].is_u64());
    assert_eq!(a["is_user_defined"], true);
    assert_eq!(a["backend_type"], "varchar");
    assert_eq!(a["entity_type_id"], "4");
    assert_eq!(a["default_frontend_label"], "Test attribute");
}

/// The stock `color` attribute as a stock 2.4 install answers it (id 93, a
/// table-sourced select listing its blank option).
#[tokio::test]
async fn stock_color_attribute() {
    let app = spawn_app().await;
    let (status, a) = app.get("/V1/products/attributes/color").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["attribute_id"], 93);
    assert_eq!(a["frontend_input"], "select");
    assert_eq!(a["options"], json!([{"label": " ", "value": ""}]));
    assert_eq!(a["is_searchable"], "0");
    assert_eq!(a["scope"], "global");
    let keys: Vec<&str> = a
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..3],
        [
            "is_wysiwyg_enabled",
            "is_html_allowed_on_front",
            "used_for_sort_by"
        ]
    );
}

/// `ProductAttributeRepositoryTest::testGetList`.
#[tokio::test]
async fn get_list_filters_and_echoes_the_criteria() {
    let app = spawn_app().await;
    let (status, r) = app
        .get(
            "/V1/products/attributes?searchCriteria[filter_groups][0][filters][0][field]=frontend_input\
             &searchCriteria[filter_groups][0][filters][0][value]=textarea\
             &searchCriteria[filter_groups][0][filters][0][condition_type]=eq\
             &searchCriteria[current_page]=1&searchCriteria[page_size]=2&entityTypeCode=catalog_product",
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        r["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "frontend_input", "value": "textarea", "condition_type": "eq"}]}],
               "current_page": 1, "page_size": 2})
    );
    assert!(r["total_count"].as_u64().is_some_and(|n| n > 2));
    let items = r["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    for a in items {
        assert_eq!(a["frontend_input"], "textarea");
        assert!(!a["default_frontend_label"].is_null());
        assert!(!a["attribute_id"].is_null());
    }
    let (status, r) = app.get("/V1/products/attributes").await;
    assert_eq!(status, 400, "searchCriteria is required: {r}");
}

/// `ProductAttributeRepositoryTest::testCreate`.
#[tokio::test]
async fn create_keeps_flags_labels_and_option_order() {
    let app = spawn_app().await;
    let (status, a) = create_attribute(&app, "label_attr_code1").await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["default_frontend_label"], "front_lbl");
    assert_eq!(a["attribute_code"], "label_attr_code1");
    assert_eq!(a["is_required"], true);
    assert_eq!(a["frontend_input"], "select");
    assert_eq!(a["is_visible_on_front"], "1");
    assert_eq!(a["is_searchable"], "1");
    assert_eq!(a["is_visible_in_advanced_search"], "1");
    assert_eq!(a["is_filterable"], true);
    assert_eq!(a["is_filterable_in_search"], true);
    // Blue first (sort order 0), labelled for the default store view.
    assert_eq!(a["options"][1]["label"], "Default Blue");
    assert_eq!(a["default_value"], a["options"][1]["value"]);
    assert_eq!(a["options"][2]["label"], "Default Red");
    // In the admin scope the admin labels show.
    let (_, all) = app.get("/V1/products/attributes/label_attr_code1").await;
    assert_eq!(all["options"][1]["label"], "Default Blue");
    let (status, admin) = app
        .call(
            reqwest::Method::GET,
            "/all/V1/products/attributes/label_attr_code1",
            None,
        )
        .await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["options"][1]["label"], "Admin Blue");
}

/// `ProductAttributeRepositoryTest::testCreateWithExceptionIfAttributeAlreadyExists`.
#[tokio::test]
async fn create_refuses_a_code_in_use() {
    let app = spawn_app().await;
    fixture_attribute(&app).await;
    let (status, body) = create_attribute(&app, "test_attribute_code_333").await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"message": "%1 already exists.", "parameters": ["Attribute with the same code"]})
    );
}

/// `Repository::save`'s refusals for a new attribute.
#[tokio::test]
async fn create_refusals() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"attribute": {"attribute_code": "no_label", "frontend_input": "text"}}),
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "frontend_label"}}),
        ),
        (
            json!({"attribute": {"attribute_code": "Bad-Code", "frontend_input": "text", "default_frontend_label": "x"}}),
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "attribute_code", "value": "Bad-Code"}}),
        ),
        (
            json!({"attribute": {"attribute_code": "odd_input", "frontend_input": "slider", "default_frontend_label": "x"}}),
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.", "parameters": {"fieldName": "frontend_input", "value": "slider"}}),
        ),
        (
            json!({"attribute": {"attribute_code": "text_opts", "frontend_input": "text", "default_frontend_label": "x",
                                 "options": [{"label": "a"}]}}),
            json!({"message": "The \"%1\" attribute doesn't work with options.", "parameters": ["text_opts"]}),
        ),
    ];
    for (request, want) in cases {
        let (status, body) = app.post("/V1/products/attributes", request.clone()).await;
        assert_eq!(status, 400, "{request}: {body}");
        assert_eq!(body, want, "{request}");
    }
    // A key `ProductAttributeInterface` lacks is the PHP `LogicException` production
    // mode masks.
    let (status, body) = app
        .post(
            "/V1/products/attributes",
            json!({"attribute": {"attribute_code": "x1", "frontend_input": "text", "default_frontend_label": "x", "colour": 1}}),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Internal Error.")),
        "{body}"
    );
    // Nothing was half-saved.
    for code in ["no_label", "Bad-Code", "odd_input", "text_opts", "x1"] {
        let (status, _) = app.get(&format!("/V1/products/attributes/{code}")).await;
        assert_eq!(status, 404, "{code}");
    }
}

/// `ProductAttributeRepositoryTest::testUpdate`.
#[tokio::test]
async fn update_relabels_and_adds_a_default_option() {
    let app = spawn_app().await;
    let (_, a) = create_attribute(&app, "label_attr_code2").await;
    assert_eq!(a["default_value"], a["options"][1]["value"]);
    let (status, r) = app
        .put(
            "/V1/products/attributes/label_attr_code2",
            json!({"attribute": {
                "attribute_id": a["attribute_id"],
                "attribute_code": "label_attr_code2",
                "frontend_labels": [{"store_id": 0, "label": "front_lbl_new"}],
                "options": [
                    {"value": a["options"][1]["value"], "label": "New Label",
                     "store_labels": [{"store_id": 1, "label": "Default Blue Updated"}]},
                    {"label": "Green", "value": "", "sort_order": 200, "is_default": true,
                     "store_labels": [{"store_id": 0, "label": "Admin Green"}, {"store_id": 1, "label": "Default Green"}]}
                ],
                "is_required": false,
                "frontend_input": "select"
            }}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["attribute_id"], a["attribute_id"]);
    assert_eq!(r["attribute_code"], "label_attr_code2");
    assert_eq!(r["default_frontend_label"], "front_lbl_new");
    assert_eq!(r["is_required"], false);
    assert_eq!(r["options"][3]["value"], r["default_value"]);
    assert_eq!(r["options"][1]["label"], "Default Blue Updated");
}

/// `ProductAttributeRepositoryTest::testUpdateWithNewOption`: a non-numeric `value` adds
/// an option.
#[tokio::test]
async fn update_with_a_new_option() {
    let app = spawn_app().await;
    let (_, a) = create_attribute(&app, "label_attr_code3").await;
    let (status, r) = app
        .put(
            "/V1/products/attributes/label_attr_code3",
            json!({"attribute": {
                "attribute_id": a["attribute_id"],
                "attribute_code": "label_attr_code3",
                "is_required": true,
                "frontend_labels": [{"store_id": 0, "label": "front_lbl_new"}],
                "options": [{"value": "option", "label": "New Label",
                             "store_labels": [{"store_id": 1, "label": "new label"}]}],
                "frontend_input": "select"
            }}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["options"].as_array().map(Vec::len), Some(4));
}

/// `ProductAttributeRepositoryTest::testDeleteAttributeOption`: deleting every option
/// leaves the blank one.
#[tokio::test]
async fn delete_each_option() {
    let app = spawn_app().await;
    create_attribute(&app, "attr_code4").await;
    let (_, options) = app.get("/V1/products/attributes/attr_code4/options").await;
    let ids: Vec<String> = options
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
    assert_eq!(ids.len(), 2);
    for id in ids {
        let (status, r) = app
            .delete(&format!("/V1/products/attributes/attr_code4/options/{id}"))
            .await;
        assert_eq!((status, r), (200, json!(true)));
    }
    let (_, a) = app.get("/V1/products/attributes/attr_code4").await;
    assert_eq!(a["options"].as_array().map(Vec::len), Some(1));
    let (status, r) = app
        .delete("/V1/products/attributes/attr_code4/options/999")
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The \"%1\" attribute doesn't include an option with \"%2\" ID.", "parameters": ["attr_code4", "999"]})
    );
}

/// `ProductAttributeRepositoryTest::testDeleteById` and `testDeleteNoSuchEntityException`
/// (with 2.4's message); a system attribute stays.
#[tokio::test]
async fn delete_by_code() {
    let app = spawn_app().await;
    fixture_attribute(&app).await;
    let (status, r) = app
        .delete("/V1/products/attributes/test_attribute_code_333")
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, r) = app.delete("/V1/products/attributes/some_test_code").await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.",
               "parameters": ["some_test_code"]})
    );
    let (status, r) = app.delete("/V1/products/attributes/sku").await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The system attribute can't be deleted."})
    );
}

/// `ProductAttributeOptionManagementInterfaceTest::testGetItems`.
#[tokio::test]
async fn options_of_a_source_model() {
    let app = spawn_app().await;
    let (status, r) = app
        .get("/V1/products/attributes/quantity_and_stock_status/options")
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        r,
        json!([{"label": "In Stock", "value": "1"}, {"label": "Out of Stock", "value": "0"}])
    );
}

/// `ProductAttributeOptionManagementInterfaceTest::testAdd` (2.4 answers the new
/// option's id) and `::testDelete`; the option management refusals.
#[tokio::test]
async fn add_and_delete_options() {
    let app = spawn_app().await;
    // `select_attribute.php`: a select attribute with one option.
    let (status, a) = app
        .post(
            "/V1/products/attributes",
            json!({"attribute": {"attribute_code": "select_attribute", "frontend_input": "select",
                   "default_frontend_label": "Select Attribute", "options": [{"label": "Option 1"}]}}),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let (status, id) = app
        .post(
            "/V1/products/attributes/select_attribute/options",
            json!({"option": {"label": "new color", "sort_order": 100, "is_default": true,
                              "store_labels": [{"label": "DE label", "store_id": 1}]}}),
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().expect("the id, as a string").to_owned();
    assert!(id.parse::<u64>().is_ok(), "{id}");
    let (_, options) = app
        .get("/V1/products/attributes/select_attribute/options")
        .await;
    let last = options
        .as_array()
        .and_then(|o| o.last())
        .cloned()
        .expect("options");
    assert_eq!(last, json!({"label": "DE label", "value": id}));
    let (_, a) = app.get("/V1/products/attributes/select_attribute").await;
    assert_eq!(a["default_value"], json!(id));

    // Refusals.
    let (status, r) = app
        .post(
            "/V1/products/attributes/select_attribute/options",
            json!({"option": {"label": "NEW COLOR"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "Admin store attribute option label \"%1\" already exists.", "parameters": ["NEW COLOR"]})
    );
    let (status, r) = app
        .post(
            "/V1/products/attributes/select_attribute/options",
            json!({"option": {"label": "  "}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The attribute option label is empty. Enter the value and try again."})
    );
    let (status, r) = app
        .post(
            "/V1/products/attributes/name/options",
            json!({"option": {"label": "x"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The \"%1\" attribute doesn't work with options.", "parameters": ["name"]})
    );

    // `testDelete`: the last option goes, the rest stay as they were.
    let (status, r) = app
        .delete(&format!(
            "/V1/products/attributes/select_attribute/options/{id}"
        ))
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (_, after) = app
        .get("/V1/products/attributes/select_attribute/options")
        .await;
    let mut before = options.as_array().cloned().expect("options");
    before.pop();
    assert_eq!(after, Value::Array(before));
}

/// `ProductCustomAttributeWrongTypeTest::testCustomAttributeWrongType`, and select /
/// multiselect values checked against the options (`MultiselectAttributeSaveTest`:
/// a list or a comma-separated string, stored comma-joined).
#[tokio::test]
async fn product_values_are_checked_against_the_attributes() {
    let app = spawn_app().await;
    let (status, r) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "simple", "name": "SimpleProd", "price": 555, "attribute_set_id": 4,
                   "custom_attributes": [{"attribute_code": "meta_title", "value": [1, 2, 3]}]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "Attribute \"meta_title\" has invalid value."})
    );

    let (_, multi) = app
        .post(
            "/V1/products/attributes",
            json!({"attribute": {"attribute_code": "multiselect_attribute", "frontend_input": "multiselect",
                   "default_frontend_label": "Multi", "options": [{"label": "One"}, {"label": "Two"}]}}),
        )
        .await;
    assert_eq!(multi["backend_type"], "varchar");
    let one = multi["options"][1]["value"]
        .as_str()
        .expect("id")
        .to_owned();
    let two = multi["options"][2]["value"]
        .as_str()
        .expect("id")
        .to_owned();
    for (sku, value) in [
        ("m-array", json!([one, two])),
        ("m-string", json!(format!("{one},{two}"))),
    ] {
        let (status, p) = app
            .post(
                "/V1/products",
                json!({"product": {"sku": sku, "name": sku, "price": 1, "attribute_set_id": 4,
                       "custom_attributes": [{"attribute_code": "multiselect_attribute", "value": value}]}}),
            )
            .await;
        assert_eq!(status, 200, "{p}");
        let (_, p) = app.get(&format!("/V1/products/{sku}")).await;
        assert_eq!(
            TestApp::attribute(&p, "multiselect_attribute"),
            Some(json!(format!("{one},{two}")))
        );
    }
    let (status, r) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "m-bad", "name": "m", "price": 1, "attribute_set_id": 4,
                   "custom_attributes": [{"attribute_code": "multiselect_attribute", "value": [one, "424242"]}]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "Attribute \"multiselect_attribute\" has invalid value."})
    );
    let (status, _) = app.get("/V1/products/m-bad").await;
    assert_eq!(status, 404, "a refused save keeps nothing");

    // The stock `color` takes one of its options.
    let (status, red) = app
        .post(
            "/V1/products/attributes/color/options",
            json!({"option": {"label": "Red"}}),
        )
        .await;
    assert_eq!(status, 200, "{red}");
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "red-tee", "name": "Red tee", "price": 5, "attribute_set_id": 4,
                   "custom_attributes": [{"attribute_code": "color", "value": red}]}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(TestApp::attribute(&p, "color"), Some(red.clone()));
    let (status, r) = app
        .put(
            "/V1/products/red-tee",
            json!({"product": {"custom_attributes": [{"attribute_code": "color", "value": "99999"}]}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "Attribute \"color\" has invalid value."})
    );
}

/// Attributes and their counters survive an export and re-import; a state listing an
/// attribute code twice is refused.
#[tokio::test]
async fn attributes_round_trip_through_the_state() {
    let app = spawn_app().await;
    create_attribute(&app, "kept_attr").await;
    let state = app.export_state().await;
    let (status, _) = app.import_state(&state).await;
    assert_eq!(status, 200);
    let (status, a) = app.get("/V1/products/attributes/kept_attr").await;
    assert_eq!(status, 200, "{a}");
    // The next attribute gets a fresh id.
    let (_, b) = create_attribute(&app, "kept_attr_2").await;
    assert!(b["attribute_id"].as_u64() > a["attribute_id"].as_u64());

    let mut bad = state.clone();
    let list = bad["product_attributes"].as_array_mut().expect("a list");
    let mut copy = list[0].clone();
    copy["attribute_id"] = json!(9999);
    list.push(copy);
    let (status, body) = app.import_state(&bad).await;
    assert_eq!(status, 400);
    let text = body.to_string();
    assert!(text.contains("listed twice"), "{text}");
}

/// `ProductAttributeManagementTest::testGetAttributes`.
#[tokio::test]
async fn a_sets_attributes() {
    let app = spawn_app().await;
    let (status, list) = app.get("/V1/products/attribute-sets/4/attributes").await;
    assert_eq!(status, 200, "{list}");
    let list = list.as_array().expect("a list");
    assert!(!list.is_empty());
    assert!(list[0]["attribute_code"].is_string());
    assert!(list[0]["attribute_id"].is_u64());
    assert!(list[0]["default_frontend_label"].is_string());
    let (status, r) = app.get("/V1/products/attribute-sets/77/attributes").await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 77}})
    );
}

/// `ProductAttributeManagementTest::testAssignAttribute`, its three refusals (2.4's
/// messages) and `::testUnassignAttribute` (on an attribute of the client's: 2.4 refuses
/// to unassign a system attribute).
#[tokio::test]
async fn assign_and_unassign() {
    let app = spawn_app().await;
    let payload = json!({"attributeSetId": 4, "attributeGroupId": 8, "attributeCode": "cost", "sortOrder": 3});
    let (status, id) = app
        .post("/V1/products/attribute-sets/attributes", payload.clone())
        .await;
    assert_eq!(status, 200, "{id}");
    assert!(id.as_u64().is_some(), "{id}");
    let cases = [
        (
            json!({"attributeSetId": -1, "attributeGroupId": 8, "attributeCode": "cost", "sortOrder": 3}),
            404,
            json!({"message": "The AttributeSet with a \"%1\" ID doesn't exist. Verify the attributeSet and try again.", "parameters": [-1]}),
        ),
        (
            json!({"attributeSetId": 4, "attributeGroupId": -1, "attributeCode": "cost", "sortOrder": 3}),
            404,
            json!({"message": "The group with the \"%1\" ID doesn't exist. Verify the ID and try again.", "parameters": [-1]}),
        ),
        (
            json!({"attributeSetId": 4, "attributeGroupId": 8, "attributeCode": "badCode", "sortOrder": 3}),
            404,
            json!({"message": "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.", "parameters": ["badCode"]}),
        ),
        (
            json!({"attributeSetId": 9, "attributeGroupId": 8, "attributeCode": "cost", "sortOrder": 3}),
            400,
            json!({"message": "The attribute group doesn't belong to the attribute set."}),
        ),
    ];
    for (body, status, want) in cases {
        let (got, r) = app
            .post("/V1/products/attribute-sets/attributes", body.clone())
            .await;
        assert_eq!((got, &r), (status, &want), "{body}");
    }

    fixture_attribute(&app).await;
    let (status, _) = app
        .post(
            "/V1/products/attribute-sets/attributes",
            json!({"attributeSetId": 4, "attributeGroupId": 8, "attributeCode": "test_attribute_code_333", "sortOrder": 3}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app.get("/V1/products/attribute-sets/4/attributes").await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .any(|a| a["attribute_code"] == "test_attribute_code_333")
    );
    let (status, r) = app
        .delete("/V1/products/attribute-sets/4/attributes/test_attribute_code_333")
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, r) = app
        .delete("/V1/products/attribute-sets/4/attributes/test_attribute_code_333")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        r,
        json!({"message": "The \"%1\" attribute wasn't found in the \"%2\" attribute set. Enter the attribute and try again.",
               "parameters": ["test_attribute_code_333", 4]})
    );
    let (status, r) = app
        .delete("/V1/products/attribute-sets/4/attributes/cost")
        .await;
    assert_eq!(
        (status, r),
        (
            400,
            json!({"message": "The system attribute can't be deleted."})
        )
    );
}

/// `ProductAttributeGroupRepositoryTest`: create, update, list, delete, and the
/// refusals.
#[tokio::test]
async fn attribute_groups() {
    let app = spawn_app().await;
    let (status, g) = app
        .post(
            "/V1/products/attribute-sets/groups",
            json!({"group": {"attribute_group_name": "empty_attribute_group", "attribute_set_id": 4}}),
        )
        .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["attribute_group_name"], "empty_attribute_group");
    assert_eq!(g["attribute_set_id"], 4);
    let id = g["attribute_group_id"]
        .as_str()
        .expect("id as a string")
        .to_owned();
    let (status, r) = app
        .post(
            "/V1/products/attribute-sets/groups",
            json!({"group": {"attribute_group_name": "empty_attribute_group", "attribute_set_id": 4}}),
        )
        .await;
    assert_eq!(
        (status, r),
        (
            400,
            json!({"message": "The attributeGroup can't be saved."})
        )
    );
    let (status, r) = app
        .post(
            "/V1/products/attribute-sets/groups",
            json!({"group": {"attribute_group_name": "x", "attribute_set_id": 9999}}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "attributeSetId", "fieldValue": 9999}})
    );
    let (status, g2) = app
        .put(
            "/V1/products/attribute-sets/4/groups",
            json!({"group": {"attribute_group_id": id, "attribute_group_name": "renamed_group"}}),
        )
        .await;
    assert_eq!(status, 200, "{g2}");
    assert_eq!(g2["attribute_group_name"], "renamed_group");
    assert_eq!(g2["attribute_group_id"], json!(id));

    let (status, list) = app
        .get(
            "/V1/products/attribute-sets/groups/list?searchCriteria[filter_groups][0][filters][0][field]=attribute_set_id\
             &searchCriteria[filter_groups][0][filters][0][value]=4",
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().expect("items");
    assert!(items.iter().all(|g| g["attribute_set_id"] == 4));
    assert!(
        items
            .iter()
            .any(|g| g["attribute_group_name"] == "renamed_group")
    );
    assert_eq!(
        items[0]["extension_attributes"]["attribute_group_code"],
        "product-details"
    );

    let (status, r) = app
        .delete(&format!("/V1/products/attribute-sets/groups/{id}"))
        .await;
    assert_eq!((status, r), (200, json!(true)));
    let (status, r) = app
        .delete(&format!("/V1/products/attribute-sets/groups/{id}"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        r,
        json!({"message": "The group with the \"%1\" ID doesn't exist. Verify the ID and try again.", "parameters": [id.parse::<i64>().expect("id")]})
    );
    // `Product Details` of the Default set holds the system attributes.
    let (status, r) = app.delete("/V1/products/attribute-sets/groups/7").await;
    assert_eq!(
        (status, r),
        (
            400,
            json!({"message": "The attribute group can't be deleted because it contains system attributes."})
        )
    );
}

/// An attribute a configurable product is configured by cannot be deleted.
#[tokio::test]
async fn an_attribute_in_use_by_a_configurable_stays() {
    let app = spawn_app().await;
    let (_, a) = create_attribute(&app, "shade").await;
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "cfg", "name": "Cfg", "type_id": "configurable", "price": 1, "attribute_set_id": 4,
                   "extension_attributes": {"configurable_product_options": [
                       {"attribute_id": a["attribute_id"], "label": "Shade", "values": [{"value_index": a["options"][1]["value"]}]}]}}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    let (status, r) = app.delete("/V1/products/attributes/shade").await;
    assert_eq!(
        (status, r),
        (
            400,
            json!({"message": "This attribute is used in configurable products."})
        )
    );
}
