//! `PUT /__sim/state` over HTTP: a state is checked whole before it replaces the store.
//! Each refusal is `400 {"error": …}` naming the problem, and leaves the store exactly
//! as it was (`GET /__sim/state` before == after). A store busy with every kind of
//! entity round-trips through export and import; category trees of any depth — even a
//! cycle set up by hand — render without exhausting the stack.

mod common;

use common::{TestApp, spawn_app, us_address};
use reqwest::Method as M;
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-Pass1";
const EMAIL: &str = "amy@example.com";

impl TestApp {
    async fn admin(&self, method: M, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}/__sim{path}", self.handle.base_url()));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("admin request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("admin JSON"))
    }

    async fn export(&self) -> Value {
        let (status, state) = self.admin(M::GET, "/state", None).await;
        assert_eq!(status, 200, "{state}");
        state
    }

    async fn import(&self, state: Value) -> (u16, Value) {
        self.admin(M::PUT, "/state", Some(state)).await
    }

    /// A platform GET answered as text (deep trees nest past serde_json's default
    /// recursion limit, so they are measured, not parsed).
    async fn get_text(&self, path: &str) -> (u16, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.handle.rest_url()))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("body"))
    }

    /// `/V1/carts/mine…` with a customer token.
    async fn mine(&self, token: &str, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self
            .call_as(Some(token), M::POST, &format!("/V1/carts/mine{path}"), body)
            .await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }
}

/// A store with some of everything: products `abc` and `def` (source items, `abc` in a
/// new category 3), customer 1 with an address, a live customer token, an order placed
/// by the customer and a new active customer cart, a guest order invoiced, shipped and
/// refunded, and an open guest cart.
async fn busy() -> TestApp {
    let app = spawn_app().await;
    app.stocked_product("abc", 10.0, 10.0, 5.0).await;
    app.stocked_product("def", 20.0, 3.0, 3.0).await;
    let (status, category) = app
        .post(
            "/V1/categories",
            json!({"category": {"name": "Shirts", "parent_id": 2, "is_active": true}}),
        )
        .await;
    assert_eq!((status, &category["id"]), (200, &json!(3)), "{category}");
    let (status, body) = app
        .put(
            "/V1/products/abc",
            json!({"product": {"sku": "abc", "extension_attributes": {
                "category_links": [{"position": 0, "category_id": "3"}]}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let address = json!({"region": {"region_code": "NY", "region": "New York", "region_id": 43},
        "region_id": 43, "country_id": "US", "street": ["123 Oak Ave"],
        "telephone": "512-555-1111", "postcode": "10755", "city": "Purchase",
        "firstname": "Amy", "lastname": "Lee",
        "default_shipping": true, "default_billing": true});
    let (status, customer) = app
        .call_as(
            None,
            M::POST,
            "/V1/customers",
            Some(
                json!({"customer": {"email": EMAIL, "firstname": "Amy", "lastname": "Lee",
                                      "addresses": [address]},
                        "password": PASSWORD}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{customer}");
    let (status, token) = app
        .call_as(
            None,
            M::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": EMAIL, "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let token = token.as_str().expect("token").to_owned();
    app.mine(&token, "", None).await;
    app.mine(
        &token,
        "/items",
        Some(json!({"cartItem": {"sku": "def", "qty": 1}})),
    )
    .await;
    app.mine(
        &token,
        "/shipping-information",
        Some(
            json!({"addressInformation": {"shipping_address": us_address(EMAIL),
            "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}}),
        ),
    )
    .await;
    app.mine(
        &token,
        "/payment-information",
        Some(json!({"paymentMethod": {"method": "checkmo"}})),
    )
    .await;
    app.mine(&token, "", None).await;

    let order = app.place_guest_order("abc", 3.0).await;
    let (_, placed) = app.get(&format!("/V1/orders/{order}")).await;
    let item = placed["items"][0]["item_id"].clone();
    for (path, body) in [
        ("invoice", json!({})),
        (
            "ship",
            json!({"items": [{"order_item_id": item, "qty": 3}],
                   "tracks": [{"track_number": "1Y-1", "title": "UPS", "carrier_code": "ups"}],
                   "arguments": {"extension_attributes": {"source_code": "ua-warehouse"}}}),
        ),
        (
            "refund",
            json!({"items": [{"order_item_id": item, "qty": 3}],
                   "arguments": {"shipping_amount": 15,
                                 "extension_attributes": {"return_to_stock_items": [item]}}}),
        ),
    ] {
        let (status, body) = app.post(&format!("/V1/order/{order}/{path}"), body).await;
        assert_eq!(status, 200, "{path}: {body}");
    }

    let (status, masked) = app.post("/V1/guest-carts", json!({})).await;
    assert_eq!(status, 200, "{masked}");
    let masked = masked.as_str().expect("masked id").to_owned();
    let (status, body) = app
        .post(
            &format!("/V1/guest-carts/{masked}/items"),
            json!({"cartItem": {"sku": "abc", "qty": 1, "quote_id": masked}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    app
}

/// Imports `before` changed by `change`: refused with a 400 whose error contains
/// `needle`, and the store exactly as it was. The simulator keeps serving.
async fn refuse(app: &TestApp, change: impl FnOnce(&mut Value), needle: &str) {
    let before = app.export().await;
    let mut state = before.clone();
    change(&mut state);
    assert_ne!(state, before, "the change must change something");
    let (status, body) = app.import(state).await;
    assert_eq!(status, 400, "{body}");
    let error = body["error"].as_str().expect("an error string");
    assert!(
        error.starts_with("state not imported: ") && error.contains(needle),
        "expected {needle:?} in {error:?}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    assert!(app.export().await == before, "the store changed");
    let (status, tree) = app.get("/V1/categories").await;
    assert_eq!(status, 200, "{tree}");
}

/// One test per refused import, on the busy store.
macro_rules! refused {
    ($($name:ident: |$s:ident| $change:block => $needle:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            let app = busy().await;
            refuse(&app, |$s: &mut Value| $change, $needle).await;
        }
    )*};
}

/// The first entry of a map or list in the state that satisfies `pred`.
fn find(v: &mut Value, pred: impl Fn(&Value) -> bool) -> &mut Value {
    let entries: Vec<&mut Value> = match v {
        Value::Object(map) => map.values_mut().collect(),
        Value::Array(items) => items.iter_mut().collect(),
        _ => Vec::new(),
    };
    entries
        .into_iter()
        .find(|e| pred(e))
        .expect("a matching entry")
}

fn guest_cart(s: &mut Value) -> &mut Value {
    find(&mut s["carts"], |c| {
        c["masked_id"].is_string() && c["is_active"] == true
    })
}

fn customer_cart(s: &mut Value) -> &mut Value {
    find(&mut s["carts"], |c| {
        c["customer_id"] == 1 && c["is_active"] == true
    })
}

// ---------------------------------------------------------------------------
// Keys

refused! {
    missing_collections_are_listed_not_emptied: |s| {
        let o = s.as_object_mut().expect("object");
        o.remove("products");
        o.remove("orders");
    } => "missing keys: products, orders (a state replaces the whole store";
    a_missing_counter_is_refused: |s| {
        s["next"]["sales"].as_object_mut().expect("object").remove("order");
        s["next"].as_object_mut().expect("object").remove("customer_id");
    } => "missing keys: next.customer_id, next.sales.order";
    a_missing_next_lists_every_counter: |s| {
        s.as_object_mut().expect("object").remove("next");
    } => "missing keys: next (a state replaces the whole store";
    unknown_keys_are_refused: |s| {
        s["prodcts"] = json!({});
    } => "unknown keys: prodcts";
}

#[tokio::test]
async fn a_state_that_is_no_object_is_refused() {
    let app = spawn_app().await;
    let before = app.export().await;
    let (status, body) = app.import(json!([1, 2])).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "state not imported: the state must be a JSON object (what GET /__sim/state returns)"
    );
    assert!(app.export().await == before);
}

// ---------------------------------------------------------------------------
// Counters: each above every id of its kind

refused! {
    a_counter_past_int_unsigned: |s| { s["next"]["customer_id"] = json!(u64::MAX); }
        => "next.customer_id 18446744073709551615 is past Magento's largest customer id (4294967295)";
    product_counter: |s| { s["next"]["product_id"] = json!(283); }
        => "next.product_id 283 must be above every product id (max 283)";
    category_counter: |s| { s["next"]["category_id"] = json!(2); }
        => "next.category_id 2 must be above every category id (max 3)";
    stock_counter: |s| { s["next"]["stock_id"] = json!(1); }
        => "next.stock_id 1 must be above every stock id (max 2)";
    reservation_counter: |s| { s["next"]["reservation_id"] = json!(1); }
        => "next.reservation_id 1 must be above every reservation id";
    customer_counter: |s| { s["next"]["customer_id"] = json!(1); }
        => "next.customer_id 1 must be above every customer id (max 1)";
    customer_address_counter: |s| { s["next"]["customer_address_id"] = json!(1); }
        => "next.customer_address_id 1 must be above every customer address id (max 1)";
    token_counter: |s| { s["next"]["token"] = json!(2); }
        => "next.token 2 must be above the number of tokens issued (2)";
    quote_counter: |s| { s["next"]["sales"]["quote"] = json!(4); }
        => "next.sales.quote 4 must be above every cart id (max 4)";
    quote_item_counter: |s| { s["next"]["sales"]["quote_item"] = json!(1); }
        => "next.sales.quote_item 1 must be above every cart item id";
    order_counter: |s| { s["next"]["sales"]["order"] = json!(2); }
        => "next.sales.order 2 must be above every order id (max 2)";
    order_increment_counter: |s| { s["next"]["sales"]["order_increment"] = json!(2); }
        => "next.sales.order_increment 2 must be above every order increment id (order 2 is \"000000002\")";
    order_item_counter: |s| { s["next"]["sales"]["order_item"] = json!(1); }
        => "next.sales.order_item 1 must be above every order item id (max 2)";
    order_address_counter: |s| { s["next"]["sales"]["order_address"] = json!(3); }
        => "next.sales.order_address 3 must be above every order address id (max 4)";
    payment_counter: |s| { s["next"]["sales"]["payment"] = json!(1); }
        => "next.sales.payment 1 must be above every payment id (max 2)";
    comment_counter: |s| { s["next"]["sales"]["comment"] = json!(1); }
        => "next.sales.comment 1 must be above every comment id (max 1)";
    invoice_counter: |s| { s["next"]["sales"]["invoice"] = json!(1); }
        => "next.sales.invoice 1 must be above every invoice id (max 1)";
    shipment_counter: |s| { s["next"]["sales"]["shipment"] = json!(1); }
        => "next.sales.shipment 1 must be above every shipment id (max 1)";
    creditmemo_counter: |s| { s["next"]["sales"]["creditmemo"] = json!(1); }
        => "next.sales.creditmemo 1 must be above every credit memo id (max 1)";
    document_line_counter: |s| { s["next"]["sales"]["doc_item"] = json!(2); }
        => "next.sales.doc_item 2 must be above every document line id (max 3)";
    track_counter: |s| { s["next"]["sales"]["track"] = json!(1); }
        => "next.sales.track 1 must be above every shipment track id (max 1)";
}

// ---------------------------------------------------------------------------
// Map keys are the entities' ids

refused! {
    product_key: |s| { s["products"]["282"]["id"] = json!(290); }
        => "products: key \"282\" holds product 290 (each key must be its entry's id)";
    category_key: |s| { s["categories"]["3"]["id"] = json!(9); }
        => "categories: key \"3\" holds category 9";
    stock_key: |s| { s["stocks"]["2"]["stock_id"] = json!(7); }
        => "stocks: key \"2\" holds stock 7";
    customer_key: |s| { s["customers"]["1"]["id"] = json!(5); }
        => "customers: key \"1\" holds customer 5";
    cart_key: |s| { s["carts"]["1"]["id"] = json!(3); }
        => "carts: key \"1\" holds cart 3";
    order_key: |s| { s["orders"]["1"]["entity_id"] = json!(2); }
        => "orders: key \"1\" holds order 2";
    invoice_key: |s| { s["invoices"]["1"]["entity_id"] = json!(4); }
        => "invoices: key \"1\" holds invoice 4";
    shipment_key: |s| { s["shipments"]["1"]["entity_id"] = json!(4); }
        => "shipments: key \"1\" holds shipment 4";
    creditmemo_key: |s| { s["creditmemos"]["1"]["entity_id"] = json!(4); }
        => "creditmemos: key \"1\" holds credit memo 4";
}

// ---------------------------------------------------------------------------
// Uniqueness

refused! {
    one_sku_for_two_products_case_insensitively: |s| { s["products"]["283"]["sku"] = json!("ABC"); }
        => "products: SKU \"ABC\" is used by products 282 and 283 (SKUs compare case-insensitively)";
    one_url_key_for_two_products: |s| {
        let attrs = s["products"]["283"]["custom_attributes"].as_array_mut().expect("list");
        let key = attrs.iter_mut().find(|a| a["attribute_code"] == "url_key").expect("url_key");
        key["value"] = json!("product-abc");
    } => "url keys: \"product-abc\" is used by product 282 and product 283";
    a_product_url_key_on_a_category_url_path: |s| {
        let attrs = s["products"]["283"]["custom_attributes"].as_array_mut().expect("list");
        let key = attrs.iter_mut().find(|a| a["attribute_code"] == "url_key").expect("url_key");
        key["value"] = json!("shirts");
    } => "url keys: \"shirts\" is used by product 283 and category 3";
    one_email_twice_in_a_website: |s| {
        let mut twin = s["customers"]["1"].clone();
        twin["id"] = json!(2);
        twin["email"] = json!("AMY@example.com");
        twin["addresses"] = json!([]);
        twin["default_billing"] = Value::Null;
        twin["default_shipping"] = Value::Null;
        s["customers"]["2"] = twin;
        s["next"]["customer_id"] = json!(3);
    } => "customers: e-mail \"amy@example.com\" is used by customers 1 and 2 in website 1";
    one_website_code_twice: |s| { s["websites"][1]["code"] = json!("admin"); }
        => "websites: code \"admin\" is used by websites 0 and 1";
    one_store_group_code_twice: |s| { s["store_groups"][1]["code"] = json!("default"); }
        => "store_groups: code \"default\" is used by store groups 0 and 1";
    one_store_view_code_twice: |s| { s["store_views"][1]["code"] = json!("default"); }
        => "store_views: code \"default\" is used by store views 1 and 0";
    one_source_code_twice: |s| {
        let copy = s["sources"][1].clone();
        s["sources"].as_array_mut().expect("list").push(copy);
    } => "sources: source code \"ua-warehouse\" is used twice";
    one_bearer_token_twice: |s| {
        let copy = s["tokens"][0]["token"].clone();
        s["tokens"][1]["token"] = copy;
    } => "is issued twice; token strings must be unique";
    a_bearer_token_that_is_an_integration_token: |s| {
        let copy = s["integrations"][0]["access_token"].clone();
        s["tokens"][1]["token"] = copy;
    } => "is also the access token of integration 1";
    one_masked_cart_id_twice: |s| {
        let masked = guest_cart(s)["masked_id"].clone();
        customer_cart(s)["masked_id"] = masked;
    } => "carts: masked id";
    one_sales_channel_in_two_stocks: |s| {
        s["stocks"]["1"]["sales_channels"] = json!([{"type": "website", "code": "base"}]);
    } => "stocks: sales channel website \"base\" is assigned to stocks 1 and 2 (a channel belongs to one stock)";
    two_source_items_for_one_sku_and_source: |s| {
        let mut copy = find(&mut s["source_items"], |i| i["sku"] == "abc" && i["source_code"] == "ua-warehouse").clone();
        copy["sku"] = json!("ABC");
        s["source_items"].as_array_mut().expect("list").push(copy);
    } => "source_items: SKU \"abc\" has two items at source \"ua-warehouse\"";
    one_stock_source_link_twice: |s| {
        let copy = s["stock_source_links"][1].clone();
        s["stock_source_links"].as_array_mut().expect("list").push(copy);
    } => "stock_source_links: stock 2 and source \"ua-warehouse\" are linked twice";
}

// ---------------------------------------------------------------------------
// References

refused! {
    a_product_of_a_missing_attribute_set: |s| { s["products"]["282"]["attribute_set_id"] = json!(77); }
        => "products: product 282 (\"abc\") names attribute set 77, which does not exist";
    a_product_linked_to_a_missing_category: |s| {
        s["products"]["283"]["category_links"] = json!([{"position": 0, "category_id": "99"}]);
    } => "products: product 283 (\"def\") links category \"99\", which does not exist";
    a_product_in_a_missing_website: |s| { s["products"]["283"]["website_ids"] = json!([1, 5]); }
        => "products: product 283 (\"def\") is assigned to website 5, which does not exist";
    a_category_with_a_missing_parent: |s| { s["categories"]["3"]["parent_id"] = json!(99); }
        => "categories: category 3's parent 99 does not exist";
    a_source_item_at_a_missing_source: |s| {
        find(&mut s["source_items"], |i| i["sku"] == "def")["source_code"] = json!("nowhere");
    } => "names source \"nowhere\", which does not exist";
    a_link_to_a_missing_stock: |s| { s["stock_source_links"][2]["stock_id"] = json!(9); }
        => "stock_source_links: a link names stock 9, which does not exist";
    a_link_to_a_missing_source: |s| { s["stock_source_links"][2]["source_code"] = json!("nowhere"); }
        => "stock_source_links: a link names source \"nowhere\", which does not exist";
    a_sales_channel_of_a_missing_website: |s| {
        s["stocks"]["2"]["sales_channels"] = json!([{"type": "website", "code": "nowhere"}]);
    } => "stocks: stock 2 has sales channel website \"nowhere\", which does not exist";
    the_default_source_is_required: |s| {
        s["sources"].as_array_mut().expect("list").retain(|x| x["source_code"] != "default");
        s["stock_source_links"].as_array_mut().expect("list").retain(|x| x["source_code"] != "default");
        s["source_items"].as_array_mut().expect("list").retain(|x| x["source_code"] != "default");
    } => "sources: the default source \"default\" is missing";
    a_customer_in_a_missing_website: |s| { s["customers"]["1"]["website_id"] = json!(8); }
        => "customers: customer 1 is in website 8, which does not exist";
    a_customer_in_a_missing_group: |s| { s["customers"]["1"]["group_id"] = json!(8); }
        => "customers: customer 1 is in customer group 8, which does not exist";
    a_customer_in_a_missing_store_view: |s| { s["customers"]["1"]["store_id"] = json!(8); }
        => "customers: customer 1 is in store view 8, which does not exist";
    a_customer_default_address_of_someone_else: |s| { s["customers"]["1"]["default_billing"] = json!(7); }
        => "customers: customer 1's default_billing is address 7, which is not one of theirs";
    a_cart_of_a_customer_never_created: |s| { customer_cart(s)["customer_id"] = json!(9); }
        => "belongs to customer 9, who does not exist and was never created (next.customer_id 2)";
    a_cart_in_a_missing_store_view: |s| { guest_cart(s)["store_id"] = json!(9); }
        => "is in store view 9, which does not exist";
    an_order_without_items: |s| { s["orders"]["2"]["items"] = json!([]); }
        => "orders: order 2 has no items";
    an_order_of_a_customer_never_created: |s| { s["orders"]["1"]["customer_id"] = json!(4); }
        => "orders: order 1 belongs to customer 4, who does not exist and was never created (next.customer_id 2)";
    an_order_in_a_missing_store_view: |s| { s["orders"]["1"]["store_id"] = json!(4); }
        => "orders: order 1 is in store view 4, which does not exist";
    an_invoice_of_a_missing_order: |s| { s["invoices"]["1"]["order_id"] = json!(9); }
        => "invoices: invoice 1 belongs to order 9, which does not exist";
    a_shipment_of_a_missing_order: |s| { s["shipments"]["1"]["order_id"] = json!(9); }
        => "shipments: shipment 1 belongs to order 9, which does not exist";
    a_creditmemo_of_a_missing_order: |s| { s["creditmemos"]["1"]["order_id"] = json!(9); }
        => "creditmemos: credit memo 1 belongs to order 9, which does not exist";
    an_invoice_line_for_another_orders_item: |s| { s["invoices"]["1"]["items"][0]["order_item_id"] = json!(1); }
        => "invoices: invoice 1 has a line for order item 1, which order 2 does not have";
    a_shipment_from_a_missing_source: |s| { s["shipments"]["1"]["source_code"] = json!("nowhere"); }
        => "shipments: shipment 1 ships from source \"nowhere\", which does not exist";
    a_live_token_of_a_missing_customer: |s| {
        let t = find(&mut s["tokens"], |t| t["owner"]["type"] == "customer");
        t["owner"]["customer_id"] = json!(9);
    } => "tokens: a live token belongs to customer 9, who does not exist";
    a_token_of_a_missing_admin: |s| {
        let t = find(&mut s["tokens"], |t| t["owner"]["type"] == "admin");
        t["owner"]["user_id"] = json!(9);
    } => "tokens: a token belongs to admin user 9, who does not exist";
    a_store_view_in_a_missing_group: |s| { s["store_views"][0]["store_group_id"] = json!(9); }
        => "store_views: store view 1 names store group 9, which does not exist";
    a_store_group_in_a_missing_website: |s| { s["store_groups"][1]["website_id"] = json!(9); }
        => "store_groups: store group 1 names website 9, which does not exist";
    a_store_group_with_a_missing_root_category: |s| { s["store_groups"][1]["root_category_id"] = json!(9); }
        => "store_groups: store group 1 has root category 9, which does not exist";
    a_website_default_group_elsewhere: |s| { s["websites"][1]["default_group_id"] = json!(0); }
        => "websites: website 1 has default_group_id 0, which is no store group of that website";
}

// ---------------------------------------------------------------------------
// The category tree

fn add_category(s: &mut Value, id: u64, parent: u64, level: i64, path: &str) {
    s["categories"][id.to_string()] = json!({
        "id": id, "parent_id": parent, "name": format!("C{id}"), "is_active": true,
        "position": 1, "level": level, "path": path,
        "created_at": "2025-07-21 20:49:08", "updated_at": "2025-07-21 20:49:08",
        "include_in_menu": true, "custom_attributes": []
    });
    let next = s["next"]["category_id"].as_u64().expect("counter");
    s["next"]["category_id"] = json!(next.max(id + 1));
}

refused! {
    a_category_that_is_its_own_ancestor: |s| {
        add_category(s, 5, 7, 3, "1/2/7/5");
        add_category(s, 7, 5, 2, "1/2/7");
    } => "categories: category 5 is its own ancestor (5 → 7 → 5)";
    a_category_that_is_its_own_parent: |s| { s["categories"]["3"]["parent_id"] = json!(3); }
        => "categories: category 3 is its own ancestor (3 → 3)";
    a_second_category_without_parent: |s| { s["categories"]["3"]["parent_id"] = json!(0); }
        => "categories: category 3 has parent_id 0; only the Root Catalog (category 1) has no parent";
    a_root_catalog_with_a_parent: |s| { s["categories"]["1"]["parent_id"] = json!(2); }
        => "categories: category 1 is the Root Catalog and must have parent_id 0, not 2";
    a_category_level_off_its_parent: |s| { s["categories"]["3"]["level"] = json!(5); }
        => "categories: category 3 has level 5, expected 2 (one below its parent)";
    a_category_path_off_its_parent: |s| { s["categories"]["3"]["path"] = json!("1/3"); }
        => "categories: category 3 has path \"1/3\", expected \"1/2/3\" (its parent's path and its id)";
}

#[tokio::test]
async fn a_long_cycle_is_named_shortly_and_the_tree_still_renders() {
    let app = busy().await;
    refuse(
        &app,
        |s| {
            for id in 10..40 {
                let parent = if id == 39 { 10 } else { id + 1 };
                add_category(s, id, parent, 2, "1/2");
            }
        },
        "categories: category 10 is its own ancestor (10 → 11 → 12 → 13 → 14 → … (24 categories) → 39 → 10)",
    )
    .await;
}

/// The deepest chain Magento can store: ids 3, 4, 5… each under the previous, while
/// the path still fits its 255 characters.
fn deepest_chain(s: &mut Value) -> (u64, String) {
    let mut path = "1/2".to_owned();
    let mut id = 3;
    loop {
        let next = format!("{path}/{id}");
        if next.len() > 255 {
            return (id - 1, path);
        }
        add_category(s, id, id - 1, i64::try_from(id).expect("small") - 1, &next);
        path = next;
        id += 1;
    }
}

/// Nesting depth of `{` in JSON text (no string in these answers holds a brace).
fn brace_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0;
    for c in text.chars() {
        match c {
            '{' => {
                depth += 1;
                max = max.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[tokio::test]
async fn the_deepest_storable_chain_imports_renders_and_stops_growing() {
    let app = spawn_app().await;
    let mut state = app.export().await;
    let (deepest, path) = deepest_chain(&mut state);
    let levels = deepest - 2;
    let (status, body) = app.import(state.clone()).await;
    assert_eq!((status, body), (200, json!({"imported": true})));
    assert!(app.export().await == state);

    // Root 2 and every level of the chain, each one object deeper.
    let (status, tree) = app.get_text("/V1/categories").await;
    assert_eq!(status, 200);
    assert_eq!(
        brace_depth(&tree),
        usize::try_from(levels + 1).expect("small")
    );
    let (status, deep) = app.get(&format!("/V1/categories/{deepest}")).await;
    assert_eq!((status, &deep["path"]), (200, &json!(path)));
    let (_, top) = app.get("/V1/categories/3").await;
    assert_eq!(
        top["custom_attributes"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["attribute_code"] == "children_count"))
            .map(|a| a["value"].clone()),
        Some(json!((levels - 1).to_string()))
    );

    // One more level does not fit the path column.
    let before = app.export().await;
    let (status, body) = app
        .post(
            "/V1/categories",
            json!({"category": {"name": "Too deep", "parent_id": deepest}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Could not save category: %1", "parameters": [
                "SQLSTATE[22001]: String data, right truncated: 1406 Data too long for column 'path' at row 1"
            ]})
        )
    );
    assert!(app.export().await == before);
}

#[tokio::test]
async fn a_ten_thousand_level_chain_is_refused_as_too_deep() {
    let app = spawn_app().await;
    let before = app.export().await;
    let mut state = before.clone();
    for id in 3..10_003u64 {
        add_category(
            &mut state,
            id,
            id - 1,
            i64::try_from(id).expect("small") - 1,
            "1/2",
        );
    }
    let (status, body) = app.import(state).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "state not imported: categories: category 129 is 128 levels deep; a category path of at most 255 characters (Magento's varchar column) holds 127 levels"
    );
    assert!(app.export().await == before);
}

#[tokio::test]
async fn a_ten_thousand_level_chain_set_up_by_hand_renders_without_overflow() {
    let app = spawn_app().await;
    app.handle.magento().with_state(|s| {
        let template = s.categories[&2].clone();
        for id in 3..10_003u64 {
            let mut c = template.clone();
            c.id = id;
            c.parent_id = id - 1;
            c.level = i64::try_from(id).expect("small") - 1;
            c.path = format!("1/2/{id}");
            c.name = format!("C{id}");
            c.custom_attributes.clear();
            s.categories.insert(c);
        }
        s.next.category_id = 10_003;
    });
    // The tree stops at the render cap: the root and 127 levels below it.
    let (status, tree) = app.get_text("/V1/categories").await;
    assert_eq!(status, 200);
    assert_eq!(brace_depth(&tree), 128);
    let (status, tree) = app.get_text("/V1/categories?depth=5").await;
    assert_eq!((status, brace_depth(&tree)), (200, 6));
    // A single category counts its whole subtree.
    let (status, top) = app.get("/V1/categories/2").await;
    assert_eq!(status, 200, "{top}");
    assert_eq!(top["children"], "3");
    let count = top["custom_attributes"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["attribute_code"] == "children_count"))
        .map(|a| a["value"].clone());
    assert_eq!(count, Some(json!("10000")));
    let (status, list) = app
        .get("/V1/categories/list?searchCriteria[pageSize]=2&searchCriteria[currentPage]=3")
        .await;
    assert_eq!((status, &list["total_count"]), (200, &json!(10_002)));
    // Deleting the top of the chain takes all of it.
    let (status, body) = app.delete("/V1/categories/3").await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(app.handle.magento().with_state(|s| s.categories.len()), 2);
}

#[tokio::test]
async fn a_cycle_set_up_by_hand_renders_and_deletes_without_looping() {
    let app = spawn_app().await;
    app.handle.magento().with_state(|s| {
        let template = s.categories[&2].clone();
        for (id, parent) in [(5, 7), (7, 5)] {
            let mut c = template.clone();
            c.id = id;
            c.parent_id = parent;
            c.level = 2;
            c.path = format!("1/2/{id}");
            c.custom_attributes.clear();
            s.categories.insert(c);
        }
        s.next.category_id = 8;
    });
    let (status, tree) = app.get("/V1/categories?rootCategoryId=5").await;
    assert_eq!(status, 200, "{tree}");
    assert_eq!(tree["children_data"][0]["id"], 7);
    assert_eq!(tree["children_data"][0]["children_data"], json!([]));
    let (status, five) = app.get("/V1/categories/5").await;
    assert_eq!((status, &five["children"]), (200, &json!("7")));
    // The store as a whole is refused on export → import: it is not a tree.
    let state = app.export().await;
    let (status, body) = app.import(state).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["error"],
        "state not imported: categories: category 5 is its own ancestor (5 → 7 → 5)"
    );
    let (status, body) = app.delete("/V1/categories/5").await;
    assert_eq!((status, body), (200, json!(true)));
    assert_eq!(app.handle.magento().with_state(|s| s.categories.len()), 2);
}

// ---------------------------------------------------------------------------
// Settings

refused! {
    a_token_lifetime_past_any_date: |s| { s["settings"]["admin_token_hours"] = json!(i64::MAX); }
        => "settings.admin_token_hours 9223372036854775807 must be between 0 and 876000 (100 years)";
}

// ---------------------------------------------------------------------------
// Round trips

#[tokio::test]
async fn a_busy_store_round_trips() {
    let app = busy().await;
    let before = app.export().await;
    for (section, at_least) in [
        ("products", 2),
        ("categories", 3),
        ("customers", 1),
        ("carts", 4),
        ("orders", 2),
        ("invoices", 1),
        ("shipments", 1),
        ("creditmemos", 1),
        ("tokens", 2),
        ("source_items", 4),
        ("reservations", 2),
    ] {
        let len = before[section]
            .as_object()
            .map(|o| o.len())
            .or_else(|| before[section].as_array().map(Vec::len))
            .unwrap_or(0);
        assert!(len >= at_least, "{section}: {len}");
    }
    let (status, body) = app.import(before.clone()).await;
    assert_eq!((status, body), (200, json!({"imported": true})));
    assert!(app.export().await == before);
    // The next entities continue the counters.
    let order = app.place_guest_order("def", 1.0).await;
    assert_eq!(order, 3);
}

#[tokio::test]
async fn a_store_whose_customer_was_deleted_round_trips() {
    let app = busy().await;
    let (status, body) = app.delete("/V1/customers/1").await;
    assert_eq!((status, body), (200, json!(true)));
    let before = app.export().await;
    assert_eq!(
        before["orders"]["1"]["customer_id"], 1,
        "the order keeps its id"
    );
    let (status, body) = app.import(before.clone()).await;
    assert_eq!((status, body), (200, json!({"imported": true})));
    assert!(app.export().await == before);
}

#[tokio::test]
async fn a_reset_store_round_trips_and_the_import_replaces_everything() {
    let app = busy().await;
    let busy_state = app.export().await;
    let (status, _) = app.admin(M::POST, "/reset", None).await;
    assert_eq!(status, 200);
    let seed = app.export().await;
    assert_eq!(seed["orders"], json!({}));
    let (status, body) = app.import(busy_state.clone()).await;
    assert_eq!((status, body), (200, json!({"imported": true})));
    assert!(app.export().await == busy_state);
    let (status, body) = app.import(seed.clone()).await;
    assert_eq!((status, body), (200, json!({"imported": true})));
    assert!(app.export().await == seed);
}
