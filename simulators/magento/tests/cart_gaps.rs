//! The cart endpoints of issue 11, item 8, over HTTP: `selected-payment-method`,
//! `shipping-methods` and `billing-address` for guest, `mine` and admin carts; customer
//! assignment (`PUT /V1/guest-carts/{cartId}`, `PUT /V1/carts/{cartId}`); the admin
//! cart family (`/V1/carts/{cartId}/…`, `/V1/carts/search`, `POST /V1/carts/`,
//! `POST /V1/customers/{customerId}/carts`). Cases ported from Magento's web-API
//! functional tests (`dev/tests/api-functional/testsuite/Magento/Quote/Api/`) cite
//! their class and method; their PHP fixtures are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app, us_address};
use reqwest::Method as M;
use serde_json::{Value, json};

const EMAIL: &str = "customer@example.com";
const PASSWORD: &str = "Password-1";

/// The billing address of `BillingAddressManagementTest::testSetAddress`.
fn test_address() -> Value {
    json!({
        "firstname": "John", "lastname": "Smith", "email": "cat@dog.com",
        "company": "eBay Inc", "street": ["Typical Street", "Tiny House 18"],
        "city": "Big City", "region_id": 12, "region": "California", "region_code": "CA",
        "postcode": "0985432", "country_id": "US", "telephone": "88776655", "fax": "44332255"
    })
}

/// That address as `GET …/billing-address` renders it under `id`.
fn test_address_rendered(id: u64, customer_id: Option<u64>) -> Value {
    let mut a = json!({
        "id": id, "region": "California", "region_id": 12, "region_code": "CA",
        "country_id": "US", "street": ["Typical Street", "Tiny House 18"],
        "company": "eBay Inc", "telephone": "88776655", "fax": "44332255",
        "postcode": "0985432", "city": "Big City", "firstname": "John", "lastname": "Smith",
    });
    let o = a.as_object_mut().expect("object");
    if let Some(c) = customer_id {
        o.insert("customer_id".into(), json!(c));
    }
    o.insert("email".into(), json!("cat@dog.com"));
    o.insert("same_as_billing".into(), json!(0));
    o.insert("save_in_address_book".into(), json!(0));
    a
}

/// `ShippingMethodManagementTest::getExpectedShippingMethods`, for a cart of two items
/// whose subtotal reaches the free-shipping minimum (flat rate 5 per item).
fn expected_shipping_methods() -> Value {
    json!([
        {"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate",
         "method_title": "Fixed", "amount": 10, "base_amount": 10, "available": true,
         "error_message": "", "price_excl_tax": 10, "price_incl_tax": 10},
        {"carrier_code": "freeshipping", "method_code": "freeshipping",
         "carrier_title": "Free Shipping", "method_title": "Free", "amount": 0,
         "base_amount": 0, "available": true, "error_message": "", "price_excl_tax": 0,
         "price_incl_tax": 0}
    ])
}

fn not_found_cart(value: Value) -> Value {
    json!({"message": "No such entity with %fieldName = %fieldValue",
           "parameters": {"fieldName": "cartId", "fieldValue": value}})
}

impl TestApp {
    async fn anon(&self, method: M, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as(None, method, path, body).await
    }

    /// `Magento/Customer/_files/customer.php`, through `POST /V1/customers`: the
    /// customer's id and a customer token.
    async fn customer(&self, email: &str) -> (u64, String) {
        let (status, customer) = self
            .anon(
                M::POST,
                "/V1/customers",
                Some(json!({"customer": {"email": email, "firstname": "John",
                                          "lastname": "Smith", "website_id": 1},
                            "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 200, "{customer}");
        let (status, token) = self
            .anon(
                M::POST,
                "/V1/integration/customer/token",
                Some(json!({"username": email, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 200, "{token}");
        (
            customer["id"].as_u64().expect("customer id"),
            token.as_str().expect("token").to_owned(),
        )
    }

    /// A simple product at `price` with 100 salable units (stock 2).
    async fn product(&self, sku: &str, price: f64) {
        self.stocked_product(sku, price, 100.0, 0.0).await;
    }

    /// A call that must answer 200.
    async fn ok(&self, token: Option<&str>, method: M, path: &str, body: Option<Value>) -> Value {
        let token = token.unwrap_or(&self.token);
        let (status, answer) = self.call_as(Some(token), method, path, body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    /// An anonymous call that must answer 200.
    async fn guest_ok(&self, method: M, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.anon(method, path, body).await;
        assert_eq!(status, 200, "{path}: {answer}");
        answer
    }

    /// A guest cart holding `qty` × `sku` (`Magento/Sales/_files/quote.php`-like).
    async fn guest_cart_with(&self, sku: &str, qty: f64) -> String {
        let cart = self.guest_ok(M::POST, "/V1/guest-carts", None).await;
        let cart = cart.as_str().expect("masked id").to_owned();
        self.guest_ok(
            M::POST,
            &format!("/V1/guest-carts/{cart}/items"),
            Some(json!({"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}})),
        )
        .await;
        cart
    }

    /// An admin cart (`POST /V1/carts/`) holding `qty` × `sku`; its quote id.
    async fn admin_cart_with(&self, sku: &str, qty: f64) -> u64 {
        let id = self.ok(None, M::POST, "/V1/carts/", Some(json!({}))).await;
        let id: u64 = id.as_str().expect("id string").parse().expect("numeric id");
        self.ok(
            None,
            M::POST,
            &format!("/V1/carts/{id}/items"),
            Some(json!({"cartItem": {"sku": sku, "qty": qty, "quote_id": id}})),
        )
        .await;
        id
    }
}

// ---------------------------------------------------------------------------
// selected-payment-method

#[tokio::test]
async fn admin_carts_set_read_and_reset_the_payment() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    // `Magento/Checkout/_files/quote_with_address_saved.php`: items and both addresses.
    let cart = app.admin_cart_with("simple", 2.0).await;
    let base = format!("/V1/carts/{cart}");
    app.ok(
        None,
        M::POST,
        &format!("{base}/billing-address"),
        Some(json!({"address": us_address("jdoe@example.com"), "useForShipping": true})),
    )
    .await;

    // Before any payment the service returns null.
    let none = app
        .ok(
            None,
            M::GET,
            &format!("{base}/selected-payment-method"),
            None,
        )
        .await;
    assert_eq!(none, Value::Null);

    // PaymentMethodManagementTest::testSetPaymentWithSimpleProduct: the payment id,
    // as the string the service hands back.
    let id = app
        .ok(
            None,
            M::PUT,
            &format!("{base}/selected-payment-method"),
            Some(json!({"method": {"method": "checkmo", "po_number": "200",
                                   "additional_data": ["a", "b"]}})),
        )
        .await;
    assert_eq!(id, json!("1"));

    // PaymentMethodManagementTest::testGet: method, po_number, additional_data.
    let payment = app
        .ok(
            None,
            M::GET,
            &format!("{base}/selected-payment-method"),
            None,
        )
        .await;
    assert_eq!(
        payment,
        json!({"po_number": "200", "method": "checkmo", "additional_data": ["a", "b"]})
    );

    // PaymentMethodManagementTest::testReSetPayment: the same payment row.
    let again = app
        .ok(
            None,
            M::PUT,
            &format!("{base}/selected-payment-method"),
            Some(json!({"method": {"method": "banktransfer", "po_number": null}})),
        )
        .await;
    assert_eq!(again, json!("1"));
    let payment = app
        .ok(
            None,
            M::GET,
            &format!("{base}/selected-payment-method"),
            None,
        )
        .await;
    assert_eq!(payment, json!({"method": "banktransfer"}));

    // PaymentMethodManagementTest::testGetList.
    let list = app
        .ok(None, M::GET, &format!("{base}/payment-methods"), None)
        .await;
    assert!(
        list.as_array()
            .expect("list")
            .contains(&json!({"code": "checkmo", "title": "Check / Money order"}))
    );
}

#[tokio::test]
async fn guest_carts_set_and_read_the_payment() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let cart = app.guest_cart_with("simple", 1.0).await;
    let base = format!("/V1/guest-carts/{cart}");
    app.guest_ok(
        M::POST,
        &format!("{base}/shipping-information"),
        Some(json!({"addressInformation": {
            "shipping_address": us_address("jdoe@example.com"),
            "billing_address": us_address("jdoe@example.com"),
            "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})),
    )
    .await;
    // GuestPaymentMethodManagementTest::testSetPaymentWithSimpleProduct.
    let id = app
        .guest_ok(
            M::PUT,
            &format!("{base}/selected-payment-method"),
            Some(json!({"cartId": cart, "method": {"method": "checkmo", "po_number": "200"}})),
        )
        .await;
    assert_eq!(id, json!("1"));
    // GuestPaymentMethodManagementTest::testGet.
    let payment = app
        .guest_ok(M::GET, &format!("{base}/selected-payment-method"), None)
        .await;
    assert_eq!(payment, json!({"po_number": "200", "method": "checkmo"}));
    // GuestPaymentMethodManagementTest::testGetList.
    let list = app
        .guest_ok(M::GET, &format!("{base}/payment-methods"), None)
        .await;
    assert!(
        list.as_array()
            .expect("list")
            .contains(&json!({"code": "checkmo", "title": "Check / Money order"}))
    );
    // The payment carries into placement: the order's payment is the one selected.
    let order = app
        .guest_ok(M::PUT, &format!("{base}/order"), Some(json!({})))
        .await;
    assert!(order.is_string(), "{order}");
    // The cart is inactive now, but `QuoteRepository::get` still reads its payment.
    let payment = app
        .guest_ok(M::GET, &format!("{base}/selected-payment-method"), None)
        .await;
    assert_eq!(payment["method"], "checkmo");
}

#[tokio::test]
async fn mine_carts_set_and_read_the_payment() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let (_, token) = app.customer(EMAIL).await;
    let t = Some(token.as_str());
    // Without an active cart every `mine` sub-resource is ParamOverriderCartId's 404.
    let (status, body) = app
        .call_as(t, M::GET, "/V1/carts/mine/selected-payment-method", None)
        .await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "Current customer does not have an active cart."})
        )
    );
    app.ok(t, M::POST, "/V1/carts/mine", None).await;
    app.ok(
        t,
        M::POST,
        "/V1/carts/mine/items",
        Some(json!({"cartItem": {"sku": "simple", "qty": 1}})),
    )
    .await;
    app.ok(
        t,
        M::POST,
        "/V1/carts/mine/billing-address",
        Some(json!({"address": us_address(EMAIL), "useForShipping": true})),
    )
    .await;
    // PaymentMethodManagementTest::testSetPaymentWithSimpleProductMine.
    let id = app
        .ok(
            t,
            M::PUT,
            "/V1/carts/mine/selected-payment-method",
            Some(json!({"method": {"method": "checkmo", "po_number": "200"}})),
        )
        .await;
    assert_eq!(id, json!("1"));
    // PaymentMethodManagementTest::testGetMine.
    let payment = app
        .ok(t, M::GET, "/V1/carts/mine/selected-payment-method", None)
        .await;
    assert_eq!(payment, json!({"po_number": "200", "method": "checkmo"}));
    // PaymentMethodManagementTest::testGetListMine.
    let list = app
        .ok(t, M::GET, "/V1/carts/mine/payment-methods", None)
        .await;
    assert!(
        list.as_array()
            .expect("list")
            .contains(&json!({"code": "checkmo", "title": "Check / Money order"}))
    );
}

#[tokio::test]
async fn a_payment_is_refused_without_shipping_address_or_when_unavailable() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    // PaymentMethodManagementTest::testSetPaymentWithSimpleProductWithoutAddress
    // (`Magento/Checkout/_files/quote_with_simple_product_saved.php`).
    let cart = app.admin_cart_with("simple", 1.0).await;
    let path = format!("/V1/carts/{cart}/selected-payment-method");
    let body = json!({"method": {"method": "checkmo", "po_number": "200"}});
    let missing =
        json!({"message": "The shipping address is missing. Set the address and try again."});
    let (status, answer) = app.put(&path, body.clone()).await;
    assert_eq!((status, answer), (400, missing.clone()));
    // GuestPaymentMethodManagementTest::testSetPaymentWithSimpleProductWithoutAddress.
    let guest = app.guest_cart_with("simple", 1.0).await;
    let guest_path = format!("/V1/guest-carts/{guest}/selected-payment-method");
    let (status, answer) = app.anon(M::PUT, &guest_path, Some(body.clone())).await;
    assert_eq!((status, answer), (400, missing));

    // A method the store does not offer.
    app.ok(
        None,
        M::POST,
        &format!("/V1/carts/{cart}/billing-address"),
        Some(json!({"address": us_address("jdoe@example.com"), "useForShipping": true})),
    )
    .await;
    let unavailable = json!({"message": "The requested Payment Method is not available."});
    let (status, answer) = app
        .put(&path, json!({"method": {"method": "purchaseorder"}}))
        .await;
    assert_eq!((status, answer), (400, unavailable.clone()));
    // A cart whose grand total is zero takes only `free` (Checks\ZeroTotal).
    app.product("gift", 0.0).await;
    let zero = app.admin_cart_with("gift", 1.0).await;
    app.ok(
        None,
        M::POST,
        &format!("/V1/carts/{zero}/billing-address"),
        Some(json!({"address": us_address("jdoe@example.com"), "useForShipping": true})),
    )
    .await;
    let (status, answer) = app
        .put(
            &format!("/V1/carts/{zero}/selected-payment-method"),
            json!({"method": {"method": "checkmo"}}),
        )
        .await;
    assert_eq!((status, answer), (400, unavailable));
    // Without `method`: Magento's required-argument error. Nothing was stored.
    let (status, answer) = app.put(&path, json!({})).await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "method"}})
        )
    );
    let stored = app.ok(None, M::GET, &path, None).await;
    assert_eq!(stored, Value::Null);
    // An unknown cart.
    let (status, answer) = app.get("/V1/carts/9999/selected-payment-method").await;
    assert_eq!((status, answer), (404, not_found_cart(json!(9999))));
}

#[tokio::test]
async fn a_virtual_cart_takes_a_payment_without_shipping_address() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/V1/products",
            json!({"product": {"sku": "ebook", "name": "E-book", "price": 12, "type_id": "virtual",
                               "attribute_set_id": 4, "status": 1, "visibility": 4,
                               "extension_attributes": {"stock_item": {"qty": 100, "is_in_stock": true}}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            "/V1/inventory/source-items",
            json!({"sourceItems": [{"sku": "ebook", "source_code": "ua-warehouse", "quantity": 100, "status": 1}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // PaymentMethodManagementTest::testSetPaymentWithVirtualProduct
    // (`quote_with_virtual_product_and_address.php`: a billing address only).
    let cart = app.admin_cart_with("ebook", 1.0).await;
    app.ok(
        None,
        M::POST,
        &format!("/V1/carts/{cart}/billing-address"),
        Some(json!({"address": us_address("jdoe@example.com")})),
    )
    .await;
    let id = app
        .ok(
            None,
            M::PUT,
            &format!("/V1/carts/{cart}/selected-payment-method"),
            Some(json!({"method": {"method": "checkmo", "po_number": "200"}})),
        )
        .await;
    assert_eq!(id, json!("1"));
    // ShippingMethodManagementTest::testGetListForVirtualCart.
    let methods = app
        .ok(
            None,
            M::GET,
            &format!("/V1/carts/{cart}/shipping-methods"),
            None,
        )
        .await;
    assert_eq!(methods, json!([]));
}

// ---------------------------------------------------------------------------
// shipping-methods

#[tokio::test]
async fn shipping_methods_list_the_rates_of_a_cart_with_a_shipping_address() {
    let app = spawn_app().await;
    app.product("simple", 60.0).await;
    let address = json!({"address": us_address("jdoe@example.com"), "useForShipping": true});

    // ShippingMethodManagementTest::testGetList (admin).
    let cart = app.admin_cart_with("simple", 2.0).await;
    let path = format!("/V1/carts/{cart}/shipping-methods");
    // No shipping address yet: the service's StateException.
    let (status, answer) = app.get(&path).await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "The shipping address is missing. Set the address and try again."})
        )
    );
    app.ok(
        None,
        M::POST,
        &format!("/V1/carts/{cart}/billing-address"),
        Some(address.clone()),
    )
    .await;
    let methods = app.ok(None, M::GET, &path, None).await;
    assert_eq!(methods, expected_shipping_methods());

    // GuestShippingMethodManagementTest::testGetList.
    let guest = app.guest_cart_with("simple", 2.0).await;
    let base = format!("/V1/guest-carts/{guest}");
    app.guest_ok(
        M::POST,
        &format!("{base}/billing-address"),
        Some(address.clone()),
    )
    .await;
    let methods = app
        .guest_ok(M::GET, &format!("{base}/shipping-methods"), None)
        .await;
    assert_eq!(methods, expected_shipping_methods());

    // ShippingMethodManagementTest::testGetListForMyCart.
    let (_, token) = app.customer(EMAIL).await;
    let t = Some(token.as_str());
    app.ok(t, M::POST, "/V1/carts/mine", None).await;
    let empty = app
        .ok(t, M::GET, "/V1/carts/mine/shipping-methods", None)
        .await;
    assert_eq!(empty, json!([]), "an empty cart has no methods");
    app.ok(
        t,
        M::POST,
        "/V1/carts/mine/items",
        Some(json!({"cartItem": {"sku": "simple", "qty": 2}})),
    )
    .await;
    app.ok(t, M::POST, "/V1/carts/mine/billing-address", Some(address))
        .await;
    let methods = app
        .ok(t, M::GET, "/V1/carts/mine/shipping-methods", None)
        .await;
    assert_eq!(methods, expected_shipping_methods());

    // An unknown masked id.
    let (status, answer) = app
        .anon(M::GET, "/V1/guest-carts/nope/shipping-methods", None)
        .await;
    assert_eq!((status, answer), (404, not_found_cart(Value::Null)));
}

// ---------------------------------------------------------------------------
// billing-address

#[tokio::test]
async fn billing_addresses_are_assigned_and_read_on_all_three_families() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;

    // A fresh cart's billing address: every non-nullable getter, as null.
    let cart = app.admin_cart_with("simple", 1.0).await;
    let path = format!("/V1/carts/{cart}/billing-address");
    let fresh = app.ok(None, M::GET, &path, None).await;
    assert_eq!(
        fresh,
        json!({"id": 1, "region": null, "region_id": null, "region_code": null,
               "country_id": null, "street": [""], "telephone": null, "postcode": null,
               "city": null, "firstname": null, "lastname": null, "email": null,
               "same_as_billing": 0, "save_in_address_book": 0})
    );

    // BillingAddressManagementTest::testSetAddress: a new address id, as a string.
    let id = app
        .ok(
            None,
            M::POST,
            &path,
            Some(json!({"cartId": cart, "address": test_address()})),
        )
        .await;
    let id: u64 = id.as_str().expect("id string").parse().expect("numeric");
    assert!(id > 1);
    // BillingAddressManagementTest::testGetAddress.
    let got = app.ok(None, M::GET, &path, None).await;
    assert_eq!(got, test_address_rendered(id, None));
    // Without useForShipping the cart still has no shipping address.
    let (status, _) = app.get(&format!("/V1/carts/{cart}/shipping-methods")).await;
    assert_eq!(status, 400);

    // GuestBillingAddressManagementTest::testSetAddress / testGetAddress.
    let guest = app.guest_cart_with("simple", 1.0).await;
    let gpath = format!("/V1/guest-carts/{guest}/billing-address");
    let gid = app
        .guest_ok(M::POST, &gpath, Some(json!({"address": test_address()})))
        .await;
    let gid: u64 = gid.as_str().expect("id string").parse().expect("numeric");
    let got = app.guest_ok(M::GET, &gpath, None).await;
    assert_eq!(got, test_address_rendered(gid, None));
    // GuestBillingAddressManagementTest::testSetAddress with useForShipping: the
    // shipping address is the billing one, `same_as_billing` 1.
    let shared = app
        .guest_ok(
            M::POST,
            &gpath,
            Some(json!({"address": test_address(), "useForShipping": true})),
        )
        .await;
    assert_ne!(shared, json!(gid.to_string()));
    let read = app
        .guest_ok(M::GET, &format!("/V1/guest-carts/{guest}"), None)
        .await;
    let shipping = &read["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"];
    assert_eq!(shipping["same_as_billing"], json!(1));
    assert_eq!(shipping["firstname"], "John");
    assert_eq!(shipping["country_id"], "US");

    // BillingAddressManagementTest::testSetMyAddress / testGetMyAddress.
    let (customer, token) = app.customer(EMAIL).await;
    let t = Some(token.as_str());
    app.ok(t, M::POST, "/V1/carts/mine", None).await;
    let mid = app
        .ok(
            t,
            M::POST,
            "/V1/carts/mine/billing-address",
            Some(json!({"address": test_address()})),
        )
        .await;
    let mid: u64 = mid.as_str().expect("id string").parse().expect("numeric");
    let got = app
        .ok(t, M::GET, "/V1/carts/mine/billing-address", None)
        .await;
    assert_eq!(got, test_address_rendered(mid, Some(customer)));

    // useForShipping: the address becomes the shipping address as well.
    app.ok(
        t,
        M::POST,
        "/V1/carts/mine/items",
        Some(json!({"cartItem": {"sku": "simple", "qty": 1}})),
    )
    .await;
    let again = app
        .ok(
            t,
            M::POST,
            "/V1/carts/mine/billing-address",
            Some(json!({"address": test_address(), "useForShipping": true})),
        )
        .await;
    assert_ne!(
        again,
        json!(mid.to_string()),
        "each assignment saves a new address"
    );
    let methods = app
        .ok(t, M::GET, "/V1/carts/mine/shipping-methods", None)
        .await;
    assert_eq!(methods[0]["carrier_code"], "flatrate");

    // Refusals: no address argument; a scalar address; an unknown cart.
    let (status, answer) = app.post(&path, json!({})).await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "address"}})
        )
    );
    let (status, _) = app.post(&path, json!({"address": "x"})).await;
    assert_eq!(status, 400);
    let (status, answer) = app
        .post(
            "/V1/carts/9999/billing-address",
            json!({"address": test_address()}),
        )
        .await;
    assert_eq!((status, answer), (404, not_found_cart(json!(9999))));
    // A refused assignment changed nothing.
    let got = app.ok(None, M::GET, &path, None).await;
    assert_eq!(got, test_address_rendered(id, None));
}

// ---------------------------------------------------------------------------
// Assigning a guest cart to a customer

#[tokio::test]
async fn a_customer_takes_a_guest_cart() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let (customer, token) = app.customer(EMAIL).await;
    let t = Some(token.as_str());
    let cart = app.guest_cart_with("simple", 1.0).await;

    // GuestCartManagementTest::testAssignCustomerByGuestUser: without a token the
    // `self` route is closed; an admin token reaches the service with customerId
    // forced to null.
    let body = json!({"cartId": cart, "customerId": customer, "storeId": 1});
    let path = format!("/V1/guest-carts/{cart}");
    let (status, answer) = app.anon(M::PUT, &path, Some(body.clone())).await;
    assert_eq!(
        (status, answer),
        (
            401,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "self"}})
        )
    );
    let (status, answer) = app.put(&path, body.clone()).await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "customerId"}})
        )
    );

    // GuestCartManagementTest::testAssignCustomerThrowsExceptionIfThereIsNoCartWithGivenId.
    let (status, answer) = app
        .call_as(t, M::PUT, "/V1/guest-carts/9999", Some(body.clone()))
        .await;
    assert_eq!((status, answer), (404, not_found_cart(Value::Null)));

    // The store must be one the customer's website has (store 0 is the admin's).
    let (status, answer) = app
        .call_as(t, M::PUT, &path, Some(json!({"storeId": 0})))
        .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "The customer can't be assigned to the cart. The cart belongs to a different store."})
        )
    );

    // GuestCartManagementTest::testAssignCustomer.
    let done = app.ok(t, M::PUT, &path, Some(body.clone())).await;
    assert_eq!(done, json!(true));
    let mine = app.ok(t, M::GET, "/V1/carts/mine", None).await;
    assert_eq!(mine["customer"]["id"], json!(customer));
    assert_eq!(mine["customer_is_guest"], json!(false));
    assert_eq!(mine["items"][0]["sku"], "simple");
    // The masked id is gone (the quote_id_mask row is deleted).
    let (status, answer) = app.anon(M::GET, &path, None).await;
    assert_eq!((status, answer), (404, not_found_cart(Value::Null)));
}

#[tokio::test]
async fn assigning_a_guest_cart_merges_the_customers_active_cart() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    app.product("other", 20.0).await;
    let (customer, token) = app.customer(EMAIL).await;
    let t = Some(token.as_str());
    // `quote_with_items_saved.php`: the customer's own active cart with items.
    let old = app.ok(t, M::POST, "/V1/carts/mine", None).await;
    for (sku, qty) in [("simple", 2), ("other", 1)] {
        app.ok(
            t,
            M::POST,
            "/V1/carts/mine/items",
            Some(json!({"cartItem": {"sku": sku, "qty": qty}})),
        )
        .await;
    }
    let guest = app.guest_cart_with("simple", 3.0).await;

    // GuestCartManagementTest::testAssignCustomerCartMerged (2.4.0 merges instead of
    // refusing "Customer already has active cart").
    let done = app
        .ok(
            t,
            M::PUT,
            &format!("/V1/guest-carts/{guest}"),
            Some(json!({"customerId": 999, "storeId": 1})),
        )
        .await;
    assert_eq!(done, json!(true));
    let merged = app.ok(t, M::GET, "/V1/carts/mine", None).await;
    assert_ne!(
        merged["id"], old,
        "the guest cart is the customer's cart now"
    );
    assert_eq!(merged["items_qty"], json!(6));
    let items: Vec<(Value, Value)> = merged["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (i["sku"].clone(), i["qty"].clone()))
        .collect();
    assert_eq!(
        items,
        vec![(json!("simple"), json!(5)), (json!("other"), json!(1))]
    );
    // The customer's former cart is inactive, its items left in place.
    let former = app
        .ok(None, M::GET, &format!("/V1/carts/{old}"), None)
        .await;
    assert_eq!(former["is_active"], json!(false));
    assert_eq!(former["items_qty"], json!(3));
    assert_eq!(merged["customer"]["id"], json!(customer));
}

#[tokio::test]
async fn admins_assign_carts_and_are_refused_as_magento_refuses() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let (customer, token) = app.customer(EMAIL).await;
    // CartManagementTest::testCreateEmptyCartForGuest: the new quote id (a string).
    let cart = app.admin_cart_with("simple", 1.0).await;
    assert!(cart > 0);

    // CartManagementTest::testAssignCustomerThrowsExceptionIfThereIsNoCustomerWithGivenId.
    let path = format!("/V1/carts/{cart}");
    let (status, answer) = app
        .put(&path, json!({"customerId": 9999, "storeId": 1}))
        .await;
    assert_eq!(
        (status, answer),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "customerId", "fieldValue": 9999}})
        )
    );
    // CartManagementTest::testAssignCustomerThrowsExceptionIfThereIsNoCartWithGivenId.
    let (status, answer) = app
        .put(
            "/V1/carts/9999",
            json!({"customerId": customer, "storeId": 1}),
        )
        .await;
    assert_eq!((status, answer), (404, not_found_cart(json!(9999))));
    // CartManagementTest::testAssignCustomerThrowsExceptionIfCartIsAssignedToDifferentStore.
    let (status, answer) = app
        .put(&path, json!({"customerId": customer, "storeId": 0}))
        .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "The customer can't be assigned to the cart. The cart belongs to a different store."})
        )
    );
    // Both arguments missing: one error per argument.
    let (status, answer) = app.put(&path, json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["errors"].as_array().map(Vec::len),
        Some(2),
        "{answer}"
    );

    // CartManagementTest::testAssignCustomer.
    let done = app
        .ok(
            None,
            M::PUT,
            &path,
            Some(json!({"cartId": cart, "customerId": customer, "storeId": 1})),
        )
        .await;
    assert_eq!(done, json!(true));
    let read = app.ok(None, M::GET, &path, None).await;
    assert_eq!(read["customer"]["id"], json!(customer));
    assert_eq!(read["customer"]["firstname"], "John");
    assert_eq!(read["customer_is_guest"], json!(false));
    let mine = app
        .ok(Some(token.as_str()), M::GET, "/V1/carts/mine", None)
        .await;
    assert_eq!(mine["id"], json!(cart));

    // CartManagementTest::testAssignCustomerThrowsExceptionIfTargetCartIsNotAnonymous.
    let (status, answer) = app
        .put(&path, json!({"customerId": customer, "storeId": 1}))
        .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "The customer can't be assigned to the cart because the cart isn't anonymous."})
        )
    );
}

// ---------------------------------------------------------------------------
// Admin carts

#[tokio::test]
async fn admins_create_customer_carts_and_check_out_by_quote_id() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let (customer, token) = app.customer(EMAIL).await;

    // CartManagementTest::testCreateEmptyCartForCustomer: an int id, the same cart
    // while it is active.
    let path = format!("/V1/customers/{customer}/carts");
    let id = app.ok(None, M::POST, &path, Some(json!({}))).await;
    let cart = id.as_u64().expect("an int id");
    assert_eq!(app.ok(None, M::POST, &path, Some(json!({}))).await, id);
    let mine = app
        .ok(Some(token.as_str()), M::GET, "/V1/carts/mine", None)
        .await;
    assert_eq!(mine["id"], id);
    let (status, answer) = app.post("/V1/customers/9999/carts", json!({})).await;
    assert_eq!(
        (status, answer),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue",
                   "parameters": {"fieldName": "customerId", "fieldValue": 9999}})
        )
    );

    // Items by quote id (CartItemRepository over the admin URLs).
    let base = format!("/V1/carts/{cart}");
    let item = app
        .ok(
            None,
            M::POST,
            &format!("{base}/items"),
            Some(json!({"cartItem": {"sku": "simple", "qty": 1, "quote_id": cart}})),
        )
        .await;
    let item_id = item["item_id"].as_u64().expect("item id");
    let updated = app
        .ok(
            None,
            M::PUT,
            &format!("{base}/items/{item_id}"),
            Some(json!({"cartItem": {"qty": 3, "quote_id": cart}})),
        )
        .await;
    assert_eq!(updated["qty"], json!(3));
    assert_eq!(updated["quote_id"], json!(cart.to_string()));
    let items = app.ok(None, M::GET, &format!("{base}/items"), None).await;
    assert_eq!(items.as_array().map(Vec::len), Some(1));

    // Estimates and shipping information, then CartManagementTest::testPlaceOrder
    // (`quote_with_check_payment.php` rebuilt: addresses, flat rate, checkmo).
    let estimate = app
        .ok(
            None,
            M::POST,
            &format!("{base}/estimate-shipping-methods"),
            Some(json!({"address": {"country_id": "US"}})),
        )
        .await;
    assert_eq!(estimate[0]["carrier_code"], "flatrate");
    let info = app
        .ok(
            None,
            M::POST,
            &format!("{base}/shipping-information"),
            Some(json!({"addressInformation": {
                "shipping_address": us_address(EMAIL), "billing_address": us_address(EMAIL),
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}})),
        )
        .await;
    assert_eq!(info["totals"]["grand_total"], json!(45));
    let totals = app.ok(None, M::GET, &format!("{base}/totals"), None).await;
    assert_eq!(totals["grand_total"], json!(45));
    app.ok(
        None,
        M::PUT,
        &format!("{base}/selected-payment-method"),
        Some(json!({"method": {"method": "checkmo"}})),
    )
    .await;
    let order = app
        .ok(None, M::PUT, &format!("{base}/order"), Some(json!({})))
        .await;
    let order_id = order.as_str().expect("order id string");
    let placed = app
        .ok(None, M::GET, &format!("/V1/orders/{order_id}"), None)
        .await;
    assert_eq!(placed["customer_id"], json!(customer));
    assert_eq!(placed["items"][0]["sku"], "simple");
    assert_eq!(placed["payment"]["method"], "checkmo");

    // The ordered cart: readable by id (CartRepository::get), inactive for the rest.
    let read = app.ok(None, M::GET, &base, None).await;
    assert_eq!(read["is_active"], json!(false));
    let (status, answer) = app.get(&format!("{base}/items")).await;
    assert_eq!((status, answer), (404, not_found_cart(json!(cart))));
    let (status, answer) = app.delete(&format!("{base}/items/{item_id}")).await;
    assert_eq!((status, answer), (404, not_found_cart(json!(cart))));
}

#[tokio::test]
async fn admin_cart_reads_and_refusals() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let cart = app.admin_cart_with("simple", 2.0).await;

    // CartRepositoryTest::testGetCart.
    let read = app
        .ok(None, M::GET, &format!("/V1/carts/{cart}"), None)
        .await;
    assert_eq!(read["id"], json!(cart));
    assert_eq!(read["is_active"], json!(true));
    assert_eq!(read["items_count"], json!(1));
    assert_eq!(read["items_qty"], json!(2));
    assert_eq!(read["customer_is_guest"], json!(true));
    assert_eq!(read["store_id"], json!(1));
    // The cart renders its billing address as `GET …/billing-address` does.
    let billing = app
        .ok(
            None,
            M::GET,
            &format!("/V1/carts/{cart}/billing-address"),
            None,
        )
        .await;
    assert_eq!(read["billing_address"], billing);
    assert_eq!(billing["street"], json!([""]));
    // CartRepositoryTest::testGetCartThrowsExceptionIfThereIsNoCartWithProvidedId.
    let (status, answer) = app.get("/V1/carts/9999").await;
    assert_eq!((status, answer), (404, not_found_cart(json!(9999))));
    // A cart id that is no int: the type error of the binding.
    let (status, answer) = app.get("/V1/carts/abc/items").await;
    assert_eq!(status, 400, "{answer}");
    // An item update names its cart in `cartItem.quote_id` (only the URL's last
    // parameter, the item id, goes into the body): required, and it wins over the
    // URL's cart id.
    let (status, answer) = app
        .put(
            &format!("/V1/carts/{cart}/items/777"),
            json!({"cartItem": {"qty": 1}}),
        )
        .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "quoteId"}})
        )
    );
    let (status, answer) = app
        .put(
            &format!("/V1/carts/{cart}/items/777"),
            json!({"cartItem": {"qty": 1, "quote_id": "9999"}}),
        )
        .await;
    assert_eq!((status, answer), (404, not_found_cart(json!("9999"))));
    let other = app.admin_cart_with("simple", 1.0).await;
    let other_item = app
        .ok(None, M::GET, &format!("/V1/carts/{other}/items"), None)
        .await[0]["item_id"]
        .clone();
    let moved = app
        .ok(
            None,
            M::PUT,
            &format!("/V1/carts/{cart}/items/{other_item}"),
            Some(json!({"cartItem": {"qty": 4, "quote_id": other}})),
        )
        .await;
    assert_eq!(moved["quote_id"], json!(other.to_string()));
    assert_eq!(moved["qty"], json!(4));
    // Item refusals name the cart and item.
    let (status, answer) = app
        .put(
            &format!("/V1/carts/{cart}/items/777"),
            json!({"cartItem": {"qty": 1, "quote_id": cart}}),
        )
        .await;
    assert_eq!(
        (status, answer),
        (
            404,
            json!({"message": "The %1 Cart doesn't contain the %2 item.", "parameters": [cart, 777]})
        )
    );

    // The admin family needs Magento_Cart::manage: a customer token is refused.
    let (_, token) = app.customer(EMAIL).await;
    let (status, answer) = app
        .call_as(Some(&token), M::GET, &format!("/V1/carts/{cart}"), None)
        .await;
    assert_eq!(
        (status, answer),
        (
            401,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Magento_Cart::manage"}})
        )
    );
    let (status, _) = app.anon(M::POST, "/V1/carts/", Some(json!({}))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn carts_are_searched_with_search_criteria() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let (customer, _) = app.customer(EMAIL).await;
    let a = app.admin_cart_with("simple", 1.0).await;
    let b = app.admin_cart_with("simple", 2.0).await;
    let c = app
        .ok(
            None,
            M::POST,
            &format!("/V1/customers/{customer}/carts"),
            Some(json!({})),
        )
        .await;
    let c = c.as_u64().expect("id");

    // CartRepositoryTest::testGetList: a filter on a quote column, sorted, paged.
    let all = app
        .ok(
            None,
            M::GET,
            "/V1/carts/search?searchCriteria[sortOrders][0][field]=entity_id\
             &searchCriteria[sortOrders][0][direction]=DESC",
            None,
        )
        .await;
    let ids: Vec<Value> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(c), json!(b), json!(a)]);
    assert_eq!(all["total_count"], json!(3));

    let of_customer = app
        .ok(
            None,
            M::GET,
            &format!(
                "/V1/carts/search?searchCriteria[filter_groups][0][filters][0][field]=customer_id\
                 &searchCriteria[filter_groups][0][filters][0][value]={customer}"
            ),
            None,
        )
        .await;
    assert_eq!(of_customer["total_count"], json!(1));
    assert_eq!(of_customer["items"][0]["id"], json!(c));
    assert_eq!(
        of_customer["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "customer_id",
            "value": customer.to_string()}]}]})
    );

    let paged = app
        .ok(
            None,
            M::GET,
            "/V1/carts/search?searchCriteria[pageSize]=1&searchCriteria[currentPage]=2",
            None,
        )
        .await;
    assert_eq!(paged["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(paged["items"][0]["id"], json!(b));
    assert_eq!(paged["total_count"], json!(3));

    // CartRepositoryTest::testGetList: grand_total >= 25 OR subtotal = 10 (the test's
    // 15 raised above cart `b`'s 20, which the PHP fixture does not have), created
    // between yesterday and tomorrow, by subtotal ascending; only cart `a` (one item at
    // 10, no shipping yet) matches.
    let query = "/V1/carts/search?\
        searchCriteria[filter_groups][0][filters][0][field]=grand_total\
        &searchCriteria[filter_groups][0][filters][0][value]=25\
        &searchCriteria[filter_groups][0][filters][0][condition_type]=gteq\
        &searchCriteria[filter_groups][0][filters][1][field]=subtotal\
        &searchCriteria[filter_groups][0][filters][1][value]=10\
        &searchCriteria[filter_groups][0][filters][1][condition_type]=eq\
        &searchCriteria[filter_groups][1][filters][0][field]=created_at\
        &searchCriteria[filter_groups][1][filters][0][value]=2025-07-20\
        &searchCriteria[filter_groups][1][filters][0][condition_type]=gteq\
        &searchCriteria[filter_groups][2][filters][0][field]=created_at\
        &searchCriteria[filter_groups][2][filters][0][value]=2025-07-22\
        &searchCriteria[filter_groups][2][filters][0][condition_type]=lteq\
        &searchCriteria[sortOrders][0][field]=subtotal\
        &searchCriteria[sortOrders][0][direction]=ASC";
    let found = app.ok(None, M::GET, query, None).await;
    assert_eq!(found["total_count"], json!(1), "{found}");
    let cart = &found["items"][0];
    assert_eq!(cart["id"], json!(a));
    assert_eq!(cart["is_active"], json!(true));
    assert_eq!(cart["customer_is_guest"], json!(true));
    assert_eq!(cart["created_at"], "2025-07-21 20:49:08");

    // CartRepositoryTest::testGetListThrowsExceptionIfProvidedSearchFieldIsInvalid: a
    // PUT to /V1/carts/search is the admin assignment with cart id "search".
    let (status, _) = app
        .put(
            "/V1/carts/search",
            json!({"searchCriteria": {"filter_groups": [{"filters": [
                {"field": "invalid_field", "value": 0, "condition_type": "eq"}]}]}}),
        )
        .await;
    assert_eq!(status, 400);

    // searchCriteria is required.
    let (status, answer) = app.get("/V1/carts/search").await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "searchCriteria"}})
        )
    );
}

// ---------------------------------------------------------------------------
// State

#[tokio::test]
async fn payment_and_billing_address_ids_survive_an_export_and_import() {
    let app = spawn_app().await;
    app.product("simple", 10.0).await;
    let cart = app.admin_cart_with("simple", 1.0).await;
    let base = format!("/V1/carts/{cart}");
    app.ok(
        None,
        M::POST,
        &format!("{base}/billing-address"),
        Some(json!({"address": us_address("jdoe@example.com"), "useForShipping": true})),
    )
    .await;
    app.ok(
        None,
        M::PUT,
        &format!("{base}/selected-payment-method"),
        Some(json!({"method": {"method": "checkmo"}})),
    )
    .await;
    let billing = app
        .ok(None, M::GET, &format!("{base}/billing-address"), None)
        .await;

    let state_url = format!("{}/__sim/state", app.handle.base_url());
    let state: Value = app
        .client
        .get(&state_url)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("state JSON");
    let resp = app
        .client
        .put(&state_url)
        .json(&state)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        app.ok(None, M::GET, &format!("{base}/billing-address"), None)
            .await,
        billing
    );
    assert_eq!(
        app.ok(
            None,
            M::GET,
            &format!("{base}/selected-payment-method"),
            None
        )
        .await,
        json!({"method": "checkmo"})
    );

    // The two counters are part of a state: an import without them is refused (a
    // fixture file may leave them out; they are then filled from its carts).
    let mut older = state.clone();
    let sales = older["next"]["sales"]
        .as_object_mut()
        .expect("sales counters");
    sales.remove("quote_payment");
    sales.remove("quote_address");
    let resp = app
        .client
        .put(&state_url)
        .json(&older)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 400);
    let text = resp.text().await.expect("body");
    assert!(
        text.contains("next.sales.quote_payment, next.sales.quote_address"),
        "{text}"
    );

    let fixture = sim_magento::fixtures::parse(&older.to_string()).expect("fixture text");
    assert_eq!(
        (
            fixture.next.sales.quote_payment,
            fixture.next.sales.quote_address
        ),
        (2, 3),
        "filled above the cart's payment 1 and billing address 2"
    );

    // A payment id at or above the counter is refused whole.
    let mut bad = state.clone();
    bad["next"]["sales"]["quote_payment"] = json!(1);
    let resp = app
        .client
        .put(&state_url)
        .json(&bad)
        .send()
        .await
        .expect("import");
    assert_eq!(resp.status().as_u16(), 400);
    let text = resp.text().await.expect("body");
    assert!(text.contains("quote_payment"), "{text}");
}
