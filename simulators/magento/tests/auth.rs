//! Authentication and authorization over HTTP, for the cases the feature files cannot
//! set up through the admin API alone: limited, inactive and revoked integrations,
//! version landmarks (2.4.4), 2FA, and store endpoints with parameters.

use std::net::SocketAddr;

use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_magento::oauth1_client::SignatureMethod;
use sim_magento::{MagentoHandle, MagentoSim, Options, State};

const T0: i64 = 1_753_130_948;

async fn start(edit: impl FnOnce(&mut State)) -> MagentoHandle {
    let mut state = sim_magento::fixtures::default_state();
    edit(&mut state);
    MagentoSim::start_with(
        CoreConfig {
            clock: Clock::manual_unix(T0),
            ..CoreConfig::default()
        },
        state,
        Options::default(),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts")
}

async fn signed(
    sim: &MagentoHandle,
    method: SignatureMethod,
    path: &str,
    nonce: &str,
) -> (u16, Value) {
    let url = format!("{}{path}", sim.rest_url());
    let mut signer = sim.signer();
    signer.method = method;
    let auth = signer.authorization("GET", &url, None, nonce, T0);
    send(
        reqwest::Client::new()
            .get(&url)
            .header("Authorization", auth),
    )
    .await
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("response");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

async fn get_with_bearer(sim: &MagentoHandle, path: &str, token: &str) -> (u16, Value) {
    send(
        reqwest::Client::new()
            .get(format!("{}{path}", sim.rest_url()))
            .bearer_auth(token),
    )
    .await
}

fn acl(resource: &str) -> Value {
    json!({"message": "The consumer isn't authorized to access %resources.",
           "parameters": {"resources": resource}})
}

#[tokio::test]
async fn an_integration_gets_only_the_resources_it_was_granted() {
    let sim = start(|s| {
        s.integrations
            .edit(|l| l[0].resources = vec!["Magento_Backend::store".into()])
    })
    .await;
    let (status, _) = signed(
        &sim,
        SignatureMethod::HmacSha256,
        "/V1/store/storeViews",
        "n1",
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = signed(&sim, SignatureMethod::HmacSha256, "/V1/modules", "n2").await;
    assert_eq!((status, body), (401, acl("Magento_Backend::admin")));
}

#[tokio::test]
async fn an_inactive_integration_is_refused_by_the_acl_and_a_revoked_one_by_oauth() {
    let sim = start(|s| s.integrations.edit(|l| l[0].active = false)).await;
    let (status, body) = signed(&sim, SignatureMethod::HmacSha256, "/V1/modules", "n1").await;
    assert_eq!((status, body), (401, acl("Magento_Backend::admin")));

    let sim = start(|s| s.integrations.edit(|l| l[0].revoked = true)).await;
    let (status, body) = signed(&sim, SignatureMethod::HmacSha256, "/V1/modules", "n1").await;
    assert_eq!(
        (status, body),
        (401, json!({"message": "Access token has been revoked"}))
    );
}

#[tokio::test]
async fn from_2_4_4_sha1_is_refused_and_the_integration_token_is_no_bearer() {
    let sim = start(|s| s.version = "2.4.6".into()).await;
    let (status, body) = signed(&sim, SignatureMethod::HmacSha1, "/V1/modules", "n1").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Signature method %1 is not supported", "parameters": ["HMAC-SHA1"]})
        )
    );
    let (status, _) = signed(&sim, SignatureMethod::HmacSha256, "/V1/modules", "n2").await;
    assert_eq!(status, 200);
    let token = sim.signer().token;
    let (status, body) = get_with_bearer(&sim, "/V1/modules", &token).await;
    assert_eq!((status, body), (401, acl("Magento_Backend::admin")));

    let sim = start(|s| {
        s.version = "2.4.6".into();
        s.settings.integration_as_bearer = true;
    })
    .await;
    let (status, _) = get_with_bearer(&sim, "/V1/modules", &token).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn admin_tokens_are_jwt_shaped_from_2_4_4_and_2fa_refuses_them() {
    let creds = json!({"username": "admin", "password": "cartsim-admin-1"});
    let sim = start(|s| s.version = "2.4.6".into()).await;
    let (status, token) = send(
        reqwest::Client::new()
            .post(format!("{}/V1/integration/admin/token", sim.rest_url()))
            .json(&creds),
    )
    .await;
    assert_eq!(status, 200);
    let token = token.as_str().expect("a JSON string").to_owned();
    assert!(
        token.starts_with("eyJ") && token.split('.').count() == 3,
        "{token}"
    );
    assert_eq!(get_with_bearer(&sim, "/V1/modules", &token).await.0, 200);

    let sim = start(|s| s.settings.two_factor_auth = true).await;
    let (status, body) = send(
        reqwest::Client::new()
            .post(format!("{}/V1/integration/admin/token", sim.rest_url()))
            .json(&creds),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "Please use the 2fa provider-specific endpoints to obtain a token.",
                     "parameters": {"active_providers": ["google"]}})
        )
    );
}

#[tokio::test]
async fn before_2_4_4_admin_tokens_are_32_characters() {
    let sim = start(|_| {}).await;
    let (status, token) = send(
        reqwest::Client::new()
            .post(format!("{}/V1/integration/admin/token", sim.rest_url()))
            .json(&json!({"username": "admin", "password": "cartsim-admin-1"})),
    )
    .await;
    assert_eq!(status, 200);
    let token = token.as_str().expect("a JSON string");
    assert_eq!(token.len(), 32);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
}

/// Issue 11, item 9: query parameters join a POST's input (Magento's REST request merges
/// them into the body's), and empty credentials are refused like missing ones, every
/// field listed (`CredentialsValidator`).
#[tokio::test]
async fn token_credentials_may_come_in_the_query_and_empty_ones_are_listed() {
    let sim = start(|_| {}).await;
    let url = format!("{}/V1/integration/admin/token", sim.rest_url());
    let (status, token) = send(
        reqwest::Client::new()
            .post(format!("{url}?username=admin&password=cartsim-admin-1"))
            .header("Content-Type", "application/json"),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    assert!(token.is_string());
    // The query wins over the body.
    let (status, _) = send(
        reqwest::Client::new()
            .post(format!("{url}?password=cartsim-admin-1"))
            .json(&json!({"username": "admin", "password": "wrong"})),
    )
    .await;
    assert_eq!(status, 200);

    let both = json!({
        "message": "One or more input exceptions have occurred.",
        "errors": [
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "username"}},
            {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}}
        ]
    });
    for body in [json!({"username": "", "password": ""}), json!({})] {
        let (status, answer) = send(reqwest::Client::new().post(&url).json(&body)).await;
        assert_eq!((status, answer), (400, both.clone()), "{body}");
    }
    let (status, answer) = send(
        reqwest::Client::new()
            .post(format!("{}/V1/integration/customer/token", sim.rest_url()))
            .json(&json!({"username": "x@example.com", "password": ""})),
    )
    .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}})
        )
    );
}

#[tokio::test]
async fn store_configs_filter_by_store_codes() {
    let sim = start(|_| {}).await;
    let (status, body) = signed(
        &sim,
        SignatureMethod::HmacSha256,
        "/V1/store/storeConfigs?storeCodes[]=default",
        "n1",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    assert_eq!(body[0]["timezone"], "America/Los_Angeles");
    let (status, body) = signed(
        &sim,
        SignatureMethod::HmacSha256,
        "/V1/store/storeConfigs?storeCodes[]=nosuch",
        "n2",
    )
    .await;
    assert_eq!((status, body), (200, json!([])));
}

#[tokio::test]
async fn a_request_under_another_install_prefix_is_no_route() {
    let sim = MagentoSim::start_with(
        CoreConfig::default(),
        sim_magento::fixtures::default_state(),
        Options::with_base_path("magento-2.4.0/"),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("starts");
    assert!(sim.rest_url().ends_with("/magento-2.4.0/rest"));
    let (status, body) =
        send(reqwest::Client::new().get(format!("{}/rest/V1/modules", sim.base_url()))).await;
    assert_eq!(
        (status, body),
        (404, json!({"message": "Request does not match any route."}))
    );
    let (status, _) = send(reqwest::Client::new().get(format!(
        "{}/magento-2.4.0/index.php/rest/V1/modules",
        sim.base_url()
    )))
    .await;
    assert_eq!(status, 401);
}
