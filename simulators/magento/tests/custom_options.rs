//! Custom option saves (issue 11, item 4): `POST /V1/products/options`, `PUT
//! /V1/products/options/{optionId}` and `options` on a product save, with cases ported
//! from Magento's `ProductCustomOptionRepositoryTest` (`magento/magento2`,
//! `dev/tests/api-functional/testsuite/Magento/Catalog/Api/`); its fixtures
//! (`product_without_options.php`, `product_with_options.php`, `_files/product_options.php`,
//! `_files/product_options_negative.php`) are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

/// `Catalog/Api/_files/product_options.php`.
fn fixture_options() -> Vec<Value> {
    let select = |t: &str| {
        json!({"title": format!("{t} option"), "type": t, "is_require": 1, "values": [
            {"title": format!("{t} option 1"), "sort_order": 1, "price": 10, "price_type": "fixed", "sku": format!("{t} option 1 sku")},
            {"title": format!("{t} option 2"), "sort_order": 2, "price": 20, "price_type": "fixed", "sku": format!("{t} option 2 sku")}
        ]})
    };
    let mut drop_down = select("drop_down");
    drop_down["sort_order"] = json!(4);
    let mut radio = select("radio");
    radio["sort_order"] = json!(5);
    let mut checkbox = select("checkbox");
    checkbox["sort_order"] = json!(6);
    let mut multiple = select("multiple");
    multiple["sort_order"] = json!(7);
    vec![
        json!({"title": "test_option_code_1", "type": "field", "sort_order": 1, "is_require": 1,
               "price": -10, "price_type": "fixed", "sku": "sku1", "max_characters": 10}),
        json!({"title": "area option", "type": "area", "sort_order": 2, "is_require": 0,
               "price": 20, "price_type": "percent", "sku": "sku2", "max_characters": 20}),
        json!({"title": "file option", "type": "file", "sort_order": 3, "is_require": 1,
               "price": 30, "price_type": "percent", "sku": "sku3",
               "file_extension": "jpg, png, gif", "image_size_x": 10, "image_size_y": 20}),
        drop_down,
        radio,
        checkbox,
        multiple,
        json!({"title": "date option", "type": "date", "is_require": 1, "sort_order": 8,
               "price": 80.0, "price_type": "fixed", "sku": "date option sku"}),
        json!({"title": "date_time option", "type": "date_time", "is_require": 1, "sort_order": 9,
               "price": 90.0, "price_type": "fixed", "sku": "date_time option sku"}),
        json!({"title": "time option", "type": "time", "is_require": 1, "sort_order": 10,
               "price": 100.0, "price_type": "fixed", "sku": "time option sku"}),
        json!({"title": "test negative price", "type": "field", "sort_order": 1, "is_require": 1,
               "price": -10, "price_type": "fixed", "sku": "sku1", "max_characters": 10}),
    ]
}

/// `Magento/Catalog/_files/product_without_options.php`.
async fn simple(app: &TestApp) {
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "simple", "name": "Simple Product", "price": 10,
                               "attribute_set_id": 4, "type_id": "simple"}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
}

/// `Magento/Catalog/_files/product_with_options.php`: `simple` with the fixture's
/// options; the options as saved.
async fn simple_with_options(app: &TestApp) -> Vec<Value> {
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "simple", "name": "Simple Product", "price": 10,
                               "attribute_set_id": 4, "type_id": "simple",
                               "options": fixture_options()}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    p["options"].as_array().expect("options").clone()
}

/// What Magento's assertions compare: the option without its ids, with PHP's loose
/// equality on numbers and flags (`1 == true`, `-10 == -10.0`).
fn comparable(option: &Value) -> Value {
    let mut o = option.clone();
    if let Some(map) = o.as_object_mut() {
        map.remove("product_sku");
        map.remove("option_id");
        if let Some(values) = map.get_mut("values").and_then(Value::as_array_mut) {
            for v in values.iter_mut().filter_map(Value::as_object_mut) {
                v.remove("option_type_id");
            }
        }
    }
    loose(&o)
}

fn loose(v: &Value) -> Value {
    match v {
        Value::Bool(b) => json!(f64::from(u8::from(*b))),
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(loose).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), loose(v))).collect())
        }
        other => other.clone(),
    }
}

/// `ProductCustomOptionTypeListTest::testGetTypes`.
#[tokio::test]
async fn the_option_types_are_listed() {
    let app = spawn_app().await;
    let (status, types) = app.get("/V1/products/options/types").await;
    assert_eq!(status, 200);
    let types = types.as_array().expect("a list");
    assert!(types.len() >= 10);
    assert!(types.contains(&json!({"label": "Drop-down", "code": "drop_down", "group": "Select"})));
    assert_eq!(
        types[0],
        json!({"label": "Field", "code": "field", "group": "Text"})
    );
}

/// `ProductCustomOptionRepositoryTest::testSave`, every data set of
/// `optionDataProvider`.
#[tokio::test]
async fn every_option_type_is_saved_as_sent() {
    let app = spawn_app().await;
    simple(&app).await;
    for option in fixture_options() {
        let mut post = option.clone();
        post["product_sku"] = json!("simple");
        let (status, saved) = app
            .post("/V1/products/options", json!({"option": post}))
            .await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(comparable(&saved), loose(&option), "{}", option["type"]);
        assert_eq!(saved["product_sku"], "simple");
        assert!(saved["option_id"].is_u64());
        // Read back as saved.
        let id = saved["option_id"].as_u64().expect("id");
        assert_eq!(
            app.get(&format!("/V1/products/simple/options/{id}")).await,
            (200, saved.clone())
        );
    }
    let (_, p) = app.get("/V1/products/simple").await;
    assert_eq!(p["options"].as_array().map(Vec::len), Some(11));
    assert_eq!(TestApp::attribute(&p, "has_options"), Some(json!("1")));
    assert_eq!(TestApp::attribute(&p, "required_options"), Some(json!("1")));
    // Value ids are distinct.
    let mut ids: Vec<u64> = p["options"]
        .as_array()
        .expect("options")
        .iter()
        .flat_map(|o| o["values"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v["option_type_id"].as_u64())
        .collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!((n, ids.len()), (8, 8));
}

/// `ProductCustomOptionRepositoryTest::testAddNegative`, every data set of
/// `optionNegativeDataProvider` (the REST case asserts a 400; the messages are
/// `DefaultValidator`'s, newline-joined).
#[tokio::test]
async fn invalid_options_are_refused_with_the_validators_messages() {
    let app = spawn_app().await;
    simple(&app).await;
    let cases = [
        (
            json!({"title": null, "type": "field", "sort_order": 1, "is_require": 1, "price": 10.0,
                   "price_type": "fixed", "sku": "sku1", "max_characters": 10}),
            "Missed values for option required fields",
        ),
        (
            json!({"title": "file option", "type": "file", "sort_order": 3, "is_require": 1, "price": 30,
                   "price_type": "percent", "sku": "sku3", "file_extension": "jpg",
                   "image_size_x": -10, "image_size_y": -20}),
            "Invalid option value",
        ),
        (
            json!({"title": "drop_down option", "type": "drop_down", "sort_order": 4, "is_require": 1}),
            "Invalid option value",
        ),
        (
            json!({"title": "radio option", "type": "radio", "sort_order": 5, "is_require": 1,
                   "values": [{"price": 10.0, "price_type": "fixed", "sku": "radio option 1 sku",
                               "title": null, "sort_order": 1}]}),
            "Invalid option value",
        ),
        (
            json!({"title": "checkbox option", "type": "checkbox", "sort_order": 6, "is_require": 1,
                   "values": [{"price": 10.0, "price_type": "fixed_one", "sku": "checkbox option 1 sku",
                               "title": "checkbox option 1", "sort_order": 1}]}),
            "Invalid option value",
        ),
        (
            json!({"title": "multiple option", "type": "multiple_some_value", "sort_order": 7, "is_require": 1,
                   "values": [{"price": 10.0, "price_type": "fixed", "sku": "multiple option 1 sku",
                               "title": "multiple option 1", "sort_order": 1}]}),
            "Invalid option type\nInvalid option value",
        ),
        (
            json!({"type": "field", "price_type": "cheap"}),
            "Missed values for option required fields\nInvalid option value",
        ),
    ];
    for (mut option, message) in cases {
        option["product_sku"] = json!("simple");
        let (status, body) = app
            .post("/V1/products/options", json!({"option": option}))
            .await;
        assert_eq!(
            (status, body),
            (400, json!({"message": message})),
            "{option}"
        );
    }
    let (_, p) = app.get("/V1/products/simple").await;
    assert_eq!(p["options"], json!([]), "nothing was saved");
    // The same checks on a product save.
    let (status, body) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"options": [{"title": "x", "type": "nope", "price": 1, "price_type": "fixed"}]}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (400, json!({"message": "Invalid option type"}))
    );
}

/// `ProductCustomOptionRepositoryTest::testUpdateNegative` (the 2.4 texts of
/// `product_options_update_negative.php`'s cases), and an unknown option id.
#[tokio::test]
async fn saves_need_a_product_and_an_option_it_has() {
    let app = spawn_app().await;
    let options = simple_with_options(&app).await;
    let field = json!({"title": "title", "type": "field", "sort_order": 1, "is_require": 1,
                       "price": 10.0, "price_type": "fixed", "max_characters": 10});
    let id = options[0]["option_id"].as_u64().expect("id");
    let (status, body) = app
        .put(
            &format!("/V1/products/options/{id}"),
            json!({"option": field}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "The ProductSku is empty. Set the ProductSku and try again."})
        )
    );
    let mut other = field.clone();
    other["product_sku"] = json!("sku1");
    let (status, body) = app
        .put(
            &format!("/V1/products/options/{id}"),
            json!({"option": other}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "The product that was requested doesn't exist. Verify the product and try again."})
        )
    );
    let mut unknown = field.clone();
    unknown["product_sku"] = json!("simple");
    let (status, body) = app
        .put("/V1/products/options/999999", json!({"option": unknown}))
        .await;
    assert_eq!((status, body), (404, json!({"message": "No such entity."})));
}

/// `ProductCustomOptionRepositoryTest::testUpdate`: the URL's id names the option.
#[tokio::test]
async fn an_option_is_updated_in_place() {
    let app = spawn_app().await;
    let options = simple_with_options(&app).await;
    let option = &options[0];
    let id = option["option_id"].as_u64().expect("id");
    let post = json!({
        "product_sku": "simple",
        "title": format!("{}_updated", option["title"].as_str().expect("title")),
        "type": option["type"], "sort_order": option["sort_order"], "is_require": option["is_require"],
        "price": option["price"], "price_type": option["price_type"], "sku": option["sku"],
        "max_characters": 500
    });
    let (status, updated) = app
        .put(
            &format!("/V1/products/options/{id}"),
            json!({"option": post}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    let mut expected = post.clone();
    expected["option_id"] = json!(id);
    assert_eq!(loose(&updated), loose(&expected));
    let (_, p) = app.get("/V1/products/simple").await;
    assert_eq!(p["options"].as_array().map(Vec::len), Some(11));
    assert_eq!(p["options"][0]["title"], "test_option_code_1_updated");
    assert_eq!(p["options"][0]["max_characters"], 500);
}

/// `ProductCustomOptionRepositoryTest::testUpdateOptionAddingNewValue`, every data set
/// of `validOptionDataProvider`: the values sent replace the stored ones; one without
/// `option_type_id` is new.
#[tokio::test]
async fn a_value_is_added_to_a_select_option() {
    for option_type in ["drop_down", "checkbox", "radio", "multiple"] {
        let app = spawn_app().await;
        let options = simple_with_options(&app).await;
        let option = options
            .iter()
            .find(|o| o["type"] == option_type)
            .expect("the fixture has the type");
        let mut values: Vec<Value> = option["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| {
                json!({"price": v["price"], "price_type": v["price_type"], "sku": v["sku"],
                       "title": v["title"], "sort_order": v["sort_order"]})
            })
            .collect();
        let value = json!({"price": 100500, "price_type": "fixed",
                           "sku": format!("new option sku {option_type}"),
                           "title": "New Option Title", "sort_order": 100});
        values.push(value);
        let data = json!({"product_sku": option["product_sku"], "title": option["title"],
                          "type": option["type"], "is_require": option["is_require"],
                          "sort_order": option["sort_order"], "values": values});
        let id = option["option_id"].as_u64().expect("id");
        let (status, saved) = app
            .put(
                &format!("/V1/products/options/{id}"),
                json!({"option": data}),
            )
            .await;
        assert_eq!(status, 200, "{saved}");
        let last = saved["values"]
            .as_array()
            .and_then(|v| v.last())
            .expect("a value");
        assert_eq!(last["price"], 100500);
        assert_eq!(last["price_type"], "fixed");
        assert_eq!(last["sku"], format!("new option sku {option_type}"));
        assert_eq!(last["title"], "New Option Title");
        assert_eq!(last["sort_order"], 100);
        // Sent without ids, the old values were replaced by new ones.
        assert_eq!(saved["values"].as_array().map(Vec::len), Some(3));
        assert_eq!(saved["option_id"], json!(id));
    }
}

/// `options` on a product save: each validated; the product's own option ids stay,
/// others are new; options left out go; `file_extension` is cleaned.
#[tokio::test]
async fn options_on_a_product_save() {
    let app = spawn_app().await;
    let options = simple_with_options(&app).await;
    assert_eq!(options[2]["file_extension"], "jpg, png, gif");
    let keep = options[3].clone();
    let mut changed = keep.clone();
    changed["title"] = json!("Pick one");
    let (status, p) = app
        .put(
            "/V1/products/simple",
            json!({"product": {"options": [
                changed,
                {"option_id": 999999, "title": "Gift", "type": "area", "price": 0,
                 "price_type": "fixed", "file_extension": "JPG;Png jpg"}
            ]}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
    let saved = p["options"].as_array().expect("options");
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[0]["option_id"], keep["option_id"]);
    assert_eq!(saved[0]["title"], "Pick one");
    assert_eq!(saved[0]["values"], keep["values"], "value ids kept");
    assert_ne!(saved[1]["option_id"], json!(999999));
    assert_eq!(saved[1]["is_require"], true, "the table's default");
    assert_eq!(saved[1]["sort_order"], 0);
    // Any type keeps a `file_extension` sent, cleaned.
    assert_eq!(saved[1]["file_extension"], "jpg, png");
    // The value counter survives an export and import.
    let url = format!("{}/__sim/state", app.handle.base_url());
    let state: Value = app
        .client
        .get(&url)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("JSON");
    let next = state["next"]["option_value_id"].as_u64().expect("counter");
    let mut bad = state.clone();
    bad["next"]["option_value_id"] = json!(1);
    let resp = app
        .client
        .put(&url)
        .json(&bad)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 400);
    let resp = app
        .client
        .put(&url)
        .json(&state)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 200);
    let mut value_option = fixture_options()[3].clone();
    value_option["product_sku"] = json!("simple");
    let (_, saved) = app
        .post("/V1/products/options", json!({"option": value_option}))
        .await;
    assert_eq!(saved["values"][0]["option_type_id"], json!(next));
}
