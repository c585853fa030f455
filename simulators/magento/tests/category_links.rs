//! Category–product links and category moves (issue 11, item 1), with cases ported from
//! Magento's web-API functional tests (`magento/magento2`,
//! `dev/tests/api-functional/testsuite/Magento/Catalog/Api/`): each test names its
//! source. Magento's PHP fixtures are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app};
use serde_json::{Value, json};

/// A category under `parent` named `name`; its id.
async fn category(app: &TestApp, parent: u64, name: &str) -> u64 {
    let (status, c) = app
        .post(
            "/V1/categories",
            json!({"category": {"parent_id": parent, "name": name, "is_active": true}}),
        )
        .await;
    assert_eq!(status, 200, "{c}");
    c["id"].as_u64().expect("id")
}

async fn product(app: &TestApp, sku: &str) {
    let (status, p) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": sku, "name": sku, "price": 10, "attribute_set_id": 4,
                               "type_id": "simple", "status": 1, "visibility": 4}}),
        )
        .await;
    assert_eq!(status, 200, "{p}");
}

async fn links_of(app: &TestApp, sku: &str) -> Value {
    let (_, p) = app.get(&format!("/V1/products/{sku}")).await;
    p["extension_attributes"]["category_links"].clone()
}

/// `CategoryLinkRepositoryTest::testSave` (both data sets) and
/// `CategoryLinkManagementTest::testAssignedProducts`.
#[tokio::test]
async fn a_product_is_linked_with_its_position_and_listed_by_the_category() {
    let app = spawn_app().await;
    let c = category(&app, 2, "Category 333").await;
    product(&app, "simple_with_cross").await;
    product(&app, "simple333").await;

    let link =
        json!({"productLink": {"sku": "simple_with_cross", "position": 7, "category_id": c}});
    let (status, body) = app
        .post(&format!("/V1/categories/{c}/products"), link)
        .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(
        links_of(&app, "simple_with_cross").await,
        json!([{"position": 7, "category_id": c.to_string()}])
    );
    // No position: 0.
    let link = json!({"productLink": {"sku": "simple333", "category_id": c}});
    assert_eq!(
        app.post(&format!("/V1/categories/{c}/products"), link)
            .await
            .0,
        200
    );

    let (status, list) = app.get(&format!("/V1/categories/{c}/products")).await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!([
            {"sku": "simple_with_cross", "position": 7, "category_id": c.to_string()},
            {"sku": "simple333", "position": 0, "category_id": c.to_string()}
        ])
    );
    // The product reads the link back as category_ids too.
    let (_, p) = app.get("/V1/products/simple333").await;
    assert_eq!(
        TestApp::attribute(&p, "category_ids"),
        Some(json!([c.to_string()]))
    );
}

/// `CategoryLinkRepositoryTest::testUpdateProduct`: PUT moves an existing link; the
/// URL's category id wins over the body's.
#[tokio::test]
async fn put_moves_a_link_and_the_urls_category_wins() {
    let app = spawn_app().await;
    let c = category(&app, 2, "Category 333").await;
    product(&app, "simple_with_cross").await;
    let link =
        json!({"productLink": {"sku": "simple_with_cross", "position": 4, "category_id": c}});
    app.post(&format!("/V1/categories/{c}/products"), link)
        .await;
    let link =
        json!({"productLink": {"sku": "simple_with_cross", "position": 7, "category_id": 999}});
    let (status, body) = app.put(&format!("/V1/categories/{c}/products"), link).await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(
        links_of(&app, "simple_with_cross").await,
        json!([{"position": 7, "category_id": c.to_string()}])
    );
}

/// `CategoryLinkRepositoryTest::testDelete`, and the refusals of
/// `CategoryLinkRepository::deleteByIds` and `CategoryLinkManagementTest::
/// testInfoNoSuchEntityException`.
#[tokio::test]
async fn unlinking_and_what_is_refused() {
    let app = spawn_app().await;
    let c = category(&app, 2, "Category 333").await;
    product(&app, "simple").await;
    let link = json!({"productLink": {"sku": "simple", "position": 10, "category_id": c}});
    app.post(&format!("/V1/categories/{c}/products"), link)
        .await;

    let (status, body) = app
        .delete(&format!("/V1/categories/{c}/products/simple"))
        .await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(links_of(&app, "simple").await, Value::Null, "no links left");
    let (status, body) = app
        .delete(&format!("/V1/categories/{c}/products/simple"))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "The category doesn't contain the specified product."})
        )
    );

    let (status, body) = app.get("/V1/categories/-1/products").await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "id", "fieldValue": -1}})
        )
    );
    let link = json!({"productLink": {"sku": "nope", "category_id": c}});
    let (status, body) = app
        .post(&format!("/V1/categories/{c}/products"), link)
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
    let (status, body) = app
        .post(&format!("/V1/categories/{c}/products"), json!({}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "productLink"}})
        )
    );
}

/// `CategoryManagementTest::testUpdateMove`, all four data sets, on the
/// `category_tree.php` fixture rebuilt: 400 under 2, 401 under 400, 402 under 401.
#[tokio::test]
async fn a_move_takes_the_position_after_its_new_sibling() {
    for (after, expected_position) in [
        (Value::Null, 2),
        (json!(401), 2),
        (json!(999), 2),
        (json!(0), 1),
    ] {
        let app = spawn_app().await;
        let c400 = category(&app, 2, "Category 400").await;
        let c401 = category(&app, c400, "Category 401").await;
        let c402 = category(&app, c401, "Category 402").await;
        // The fixture's ids: the test's 401 and 999 are relative to them.
        let after = match after.as_i64() {
            Some(401) => json!(c401),
            Some(999) => json!(c402 + 1000),
            _ => after,
        };
        let (status, body) = app
            .put(
                &format!("/V1/categories/{c402}/move"),
                json!({"parentId": c400, "afterId": after}),
            )
            .await;
        assert_eq!((status, body), (200, json!(true)), "after {after}");
        let (_, moved) = app.get(&format!("/V1/categories/{c402}")).await;
        assert_eq!(
            moved["path"],
            json!(format!("1/2/{c400}/{c402}")),
            "after {after}"
        );
        assert_eq!(moved["position"], json!(expected_position), "after {after}");
        assert_eq!(moved["parent_id"], json!(c400));
        assert_eq!(moved["level"], json!(3));
        let (_, sibling) = app.get(&format!("/V1/categories/{c401}")).await;
        let want = if expected_position == 1 { 2 } else { 1 };
        assert_eq!(sibling["position"], json!(want), "the sibling made room");
    }
}

/// `CategoryManagement::move`'s refusals, and a subtree's paths and levels following.
#[tokio::test]
async fn a_subtree_moves_whole_and_never_under_itself() {
    let app = spawn_app().await;
    let a = category(&app, 2, "A").await;
    let b = category(&app, a, "B").await;
    let c = category(&app, b, "C").await;
    let d = category(&app, 2, "D").await;
    let (status, body) = app
        .put(&format!("/V1/categories/{a}/move"), json!({"parentId": c}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Operation do not allow to move a parent category to any of children category"})
        )
    );
    let (status, _) = app
        .put(&format!("/V1/categories/{b}/move"), json!({"parentId": d}))
        .await;
    assert_eq!(status, 200);
    let (_, moved) = app.get(&format!("/V1/categories/{c}")).await;
    assert_eq!(moved["path"], json!(format!("1/2/{d}/{b}/{c}")));
    assert_eq!(moved["level"], json!(4));
    let (_, tree) = app.get(&format!("/V1/categories?rootCategoryId={d}")).await;
    assert_eq!(tree["children_data"][0]["id"], json!(b));
    assert_eq!(tree["children_data"][0]["children_data"][0]["id"], json!(c));
    let (status, body) = app
        .put(&format!("/V1/categories/{b}/move"), json!({}))
        .await;
    assert_eq!(
        (status, body["parameters"].clone()),
        (400, json!({"fieldName": "parentId"}))
    );
    let (status, _) = app
        .put("/V1/categories/9999/move", json!({"parentId": 2}))
        .await;
    assert_eq!(status, 404);
}

/// `ProductWebsiteLinkRepositoryTest::testDeleteWebsiteLink` and
/// `::testSaveWebsiteLinkWithUnexistingWebsiteId` (here with the product's own SKU in the
/// URL), with the `ProductWebsiteLinkRepository` refusals around them.
#[tokio::test]
async fn products_are_assigned_to_websites_and_unassigned() {
    let app = spawn_app().await;
    product(&app, "unique-simple-azaza").await;
    let websites = |p: &Value| p["extension_attributes"]["website_ids"].clone();
    let (_, p) = app.get("/V1/products/unique-simple-azaza").await;
    assert_eq!(websites(&p), json!([1]));

    let (status, body) = app
        .delete("/V1/products/unique-simple-azaza/websites/1")
        .await;
    assert_eq!((status, body), (200, json!(true)));
    let (_, p) = app.get("/V1/products/unique-simple-azaza").await;
    assert_eq!(websites(&p), json!([]));

    let link =
        |w: Value| json!({"productWebsiteLink": {"sku": "unique-simple-azaza", "websiteId": w}});
    let (status, body) = app
        .post("/V1/products/unique-simple-azaza/websites", link(json!(1)))
        .await;
    assert_eq!((status, body), (200, json!(true)));
    let (_, p) = app.get("/V1/products/unique-simple-azaza").await;
    assert_eq!(websites(&p), json!([1]));

    let (status, body) = app
        .post(
            "/V1/products/unique-simple-azaza/websites",
            link(json!(8_932_568_989_i64)),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        json!("Could not assign product \"%1\" to websites \"%2\"")
    );
    assert_eq!(body["parameters"][1], json!(8_932_568_989_i64));
    let (status, body) = app
        .put("/V1/products/unique-simple-azaza/websites", link(json!(0)))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "There are not websites for assign to product"})
        )
    );
    let (status, _) = app.delete("/V1/products/nope/websites/1").await;
    assert_eq!(status, 404);
}
