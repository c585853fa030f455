//! Shared by the HTTP test files: a fresh seed-store simulator on port 0 with a manual
//! clock at the trace's start, called with an admin bearer token.

#![allow(dead_code)]

use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_magento::{MagentoHandle, MagentoSim, Options};
use time::macros::datetime;

pub(crate) struct TestApp {
    pub(crate) handle: MagentoHandle,
    pub(crate) client: reqwest::Client,
    pub(crate) token: String,
}

pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(sim_magento::fixtures::default_state()).await
}

/// [`spawn_app`] on a store of the test's making.
pub(crate) async fn spawn_app_with(state: sim_magento::state::State) -> TestApp {
    let config = CoreConfig {
        clock: Clock::manual(datetime!(2025-07-21 20:49:08 UTC)),
        ..CoreConfig::default()
    };
    let handle = MagentoSim::start_with(
        config,
        state,
        Options::default(),
        "127.0.0.1:0".parse().expect("address"),
    )
    .await
    .expect("simulator starts");
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!("{}/V1/integration/admin/token", handle.rest_url()))
        .json(&json!({"username": "admin", "password": "cartsim-admin-1"}))
        .send()
        .await
        .expect("token request")
        .json()
        .await
        .expect("token body");
    let token = token.as_str().expect("a token string").to_owned();
    TestApp {
        handle,
        client,
        token,
    }
}

impl TestApp {
    /// A call with the admin token.
    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        self.call_as(Some(&self.token), method, path, body).await
    }

    /// A call with another bearer token, or none.
    pub(crate) async fn call_as(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.handle.rest_url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, body)
    }

    /// `GET /__sim/state`: the whole store.
    pub(crate) async fn export_state(&self) -> Value {
        let resp = self
            .client
            .get(format!("{}/__sim/state", self.handle.base_url()))
            .send()
            .await
            .expect("export");
        assert_eq!(resp.status().as_u16(), 200);
        resp.json().await.expect("state JSON")
    }

    /// `PUT /__sim/state`: status and answer.
    pub(crate) async fn import_state(&self, state: &Value) -> (u16, Value) {
        let resp = self
            .client
            .put(format!("{}/__sim/state", self.handle.base_url()))
            .json(state)
            .send()
            .await
            .expect("import");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("import JSON"))
    }

    /// The value of custom attribute `code` of a product answer.
    pub(crate) fn attribute(product: &Value, code: &str) -> Option<Value> {
        product["custom_attributes"]
            .as_array()?
            .iter()
            .find(|a| a["attribute_code"] == code)
            .map(|a| a["value"].clone())
    }

    pub(crate) async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    pub(crate) async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }
}

// ---------------------------------------------------------------------------
// Orders (used by the lifecycle tests)

/// A US address for checkout.
pub(crate) fn us_address(email: &str) -> Value {
    json!({
        "firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"],
        "city": "Purchase", "postcode": "10577", "country_id": "US",
        "telephone": "512-555-1111", "email": email,
        "region_id": 43, "region_code": "NY", "region": "New York"
    })
}

impl TestApp {
    /// Creates simple product `sku` at `price` and puts `ua` units at `ua-warehouse`
    /// and `us` at `us-warehouse` (stock 2, website `base`).
    pub(crate) async fn stocked_product(&self, sku: &str, price: f64, ua: f64, us: f64) {
        let (status, body) = self
            .post(
                "/V1/products",
                json!({"product": {
                    "sku": sku, "name": format!("Product {sku}"), "price": price,
                    "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4,
                    "extension_attributes": {"stock_item": {"qty": 100, "is_in_stock": true}}
                }}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .post(
                "/V1/inventory/source-items",
                json!({"sourceItems": [
                    {"sku": sku, "source_code": "ua-warehouse", "quantity": ua, "status": 1},
                    {"sku": sku, "source_code": "us-warehouse", "quantity": us, "status": 1}
                ]}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// Guest checkout of `lines` (SKU, qty) with flat rate shipping and check/money
    /// order; returns the order id.
    pub(crate) async fn place_guest_order_lines(&self, lines: &[(&str, f64)]) -> u64 {
        let (status, cart) = self.post("/V1/guest-carts", json!({})).await;
        assert_eq!(status, 200, "{cart}");
        let cart = cart.as_str().expect("masked id").to_owned();
        for (sku, qty) in lines {
            let (status, body) = self
                .post(
                    &format!("/V1/guest-carts/{cart}/items"),
                    json!({"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
        let email = "jdoe@example.com";
        let (status, body) = self
            .post(
                &format!("/V1/guest-carts/{cart}/shipping-information"),
                json!({"addressInformation": {
                    "shipping_address": us_address(email),
                    "billing_address": us_address(email),
                    "shipping_carrier_code": "flatrate",
                    "shipping_method_code": "flatrate"
                }}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .post(
                &format!("/V1/guest-carts/{cart}/payment-information"),
                json!({"email": email, "paymentMethod": {"method": "checkmo"}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body.as_str()
            .and_then(|s| s.parse().ok())
            .expect("order id string")
    }

    /// Guest checkout of `qty` × `sku`; returns the order id.
    pub(crate) async fn place_guest_order(&self, sku: &str, qty: f64) -> u64 {
        self.place_guest_order_lines(&[(sku, qty)]).await
    }
}
