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
    let config = CoreConfig {
        clock: Clock::manual(datetime!(2025-07-21 20:49:08 UTC)),
        ..CoreConfig::default()
    };
    let handle = MagentoSim::start_with(
        config,
        sim_magento::fixtures::default_state(),
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
    pub(crate) async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.handle.rest_url()))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, body)
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
