//! Customers over HTTP (reference §9): sign-up with Magento's defaults and refusals
//! (each body exactly), read, layered update, search, delete, per-website e-mail
//! uniqueness, the customer token and `/V1/customers/me`.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use sim_magento::state::{StoreGroup, StoreView, Website};

const CREATED: &str = "2025-07-21 20:49:08";

fn jane() -> Value {
    json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe"},
           "password": "Password1"})
}

fn address() -> Value {
    json!({"region": {"region_code": "NY", "region": "New York", "region_id": 43},
           "region_id": 43, "country_id": "US", "street": ["123 Oak Ave"],
           "telephone": "512-555-1111", "postcode": "10755", "city": "Purchase",
           "firstname": "Jane", "lastname": "Doe",
           "default_shipping": true, "default_billing": true})
}

impl TestApp {
    /// `POST /V1/customers` as a guest.
    async fn sign_up(&self, body: Value) -> (u16, Value) {
        self.call_as(None, reqwest::Method::POST, "/V1/customers", Some(body))
            .await
    }

    async fn customer_token(&self, email: &str, password: &str) -> (u16, Value) {
        self.call_as(
            None,
            reqwest::Method::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": email, "password": password})),
        )
        .await
    }

    async fn customer_count(&self) -> Value {
        let (status, list) = self.get("/V1/customers/search?searchCriteria=0").await;
        assert_eq!(status, 200, "{list}");
        list["total_count"].clone()
    }
}

/// The seed store plus a second website `fr_site` with store view `fr` (id 2).
async fn spawn_two_websites() -> TestApp {
    let mut state = sim_magento::fixtures::default_state();
    state.websites.push(Website {
        id: 2,
        code: "fr_site".into(),
        name: "French Website".into(),
        default_group_id: 2,
    });
    state.store_groups.push(StoreGroup {
        id: 2,
        website_id: 2,
        root_category_id: 2,
        default_store_id: 2,
        name: "French Store".into(),
        code: "fr_store".into(),
    });
    state.store_views.push(StoreView {
        id: 2,
        code: "fr".into(),
        name: "French Store View".into(),
        website_id: 2,
        store_group_id: 2,
        is_active: 1,
    });
    spawn_app_with(state).await
}

#[tokio::test]
async fn a_guest_signs_up_with_magentos_defaults() {
    let app = spawn_app().await;
    let mut body = jane();
    body["customer"]["addresses"] = json!([address()]);
    let (status, created) = app.sign_up(body).await;
    assert_eq!(status, 200, "{created}");
    let expected = json!({
        "id": 1, "group_id": 1, "default_billing": "1", "default_shipping": "1",
        "created_at": CREATED, "updated_at": CREATED, "created_in": "Default Store View",
        "email": "jdoe@example.com", "firstname": "Jane", "lastname": "Doe",
        "store_id": 1, "website_id": 1,
        "addresses": [{
            "id": 1, "customer_id": 1,
            "region": {"region_code": "NY", "region": "New York", "region_id": 43},
            "region_id": 43, "country_id": "US", "street": ["123 Oak Ave"],
            "telephone": "512-555-1111", "postcode": "10755", "city": "Purchase",
            "firstname": "Jane", "lastname": "Doe",
            "default_shipping": true, "default_billing": true
        }],
        "disable_auto_group_change": 0,
        "extension_attributes": {"is_subscribed": false}
    });
    assert_eq!(created, expected);
    // Key order too, as Magento prints it.
    assert_eq!(created.to_string(), expected.to_string());
    let (status, read) = app.get("/V1/customers/1").await;
    assert_eq!((status, read), (200, expected));
}

#[tokio::test]
async fn optional_attributes_render_in_magentos_key_order() {
    let app = spawn_app().await;
    let mut body = jane();
    body["customer"]["taxvat"] = json!("FR123");
    body["customer"]["dob"] = json!("1990-01-02");
    body["customer"]["gender"] = json!(2);
    body["customer"]["middlename"] = json!("Q");
    body["customer"]["extension_attributes"] = json!({"is_subscribed": true});
    let (status, c) = app.sign_up(body).await;
    assert_eq!(status, 200, "{c}");
    let keys: Vec<&str> = c
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "id",
            "group_id",
            "created_at",
            "updated_at",
            "created_in",
            "dob",
            "email",
            "firstname",
            "lastname",
            "middlename",
            "gender",
            "store_id",
            "taxvat",
            "website_id",
            "addresses",
            "disable_auto_group_change",
            "extension_attributes"
        ]
    );
    assert_eq!(c["gender"], 2);
    assert_eq!(c["extension_attributes"]["is_subscribed"], true);
}

#[tokio::test]
async fn a_guest_cannot_choose_the_group_but_an_admin_can() {
    let app = spawn_app().await;
    let mut body = jane();
    body["customer"]["group_id"] = json!(2);
    let (_, guest) = app.sign_up(body.clone()).await;
    assert_eq!(guest["group_id"], 1);
    body["customer"]["email"] = json!("wholesale@example.com");
    let (status, admin) = app.post("/V1/customers", body.clone()).await;
    assert_eq!(status, 200, "{admin}");
    assert_eq!(admin["group_id"], 2);
    body["customer"]["email"] = json!("nogroup@example.com");
    body["customer"]["group_id"] = json!(9);
    let (status, err) = app.post("/V1/customers", body).await;
    assert_eq!(
        (status, err),
        (
            400,
            json!({"message": "The specified customer group id does not exist."})
        )
    );
}

#[tokio::test]
async fn a_taken_email_is_refused_case_insensitively_and_nothing_is_saved() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let mut again = jane();
    again["customer"]["email"] = json!("JDOE@Example.com");
    let (status, body) = app.sign_up(again).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "A customer with the same email address already exists in an associated website."})
        )
    );
    assert_eq!(app.customer_count().await, 1);
    // The refusal used no id.
    let mut other = jane();
    other["customer"]["email"] = json!("other@example.com");
    let (_, created) = app.sign_up(other).await;
    assert_eq!(created["id"], 2);
}

#[tokio::test]
async fn missing_names_are_one_rendered_message() {
    let app = spawn_app().await;
    let (status, body) = app
        .sign_up(json!({"customer": {"email": "jdoe@example.com"}}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"First Name\" is a required value.\n\"Last Name\" is a required value."})
        )
    );
    let (status, body) = app
        .sign_up(
            json!({"customer": {"email": "jdoe@example.com", "firstname": "Jane", "lastname": ""}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"Last Name\" is a required value."})
        )
    );
    assert_eq!(app.customer_count().await, 0);
}

#[tokio::test]
async fn a_missing_or_invalid_email_is_refused() {
    let app = spawn_app().await;
    let (status, body) = app
        .sign_up(json!({"customer": {"firstname": "Jane"}}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "The customer email is missing. Enter and try again."})
        )
    );
    let (status, body) = app
        .sign_up(json!({"customer": {"email": "invalid", "firstname": "Jane", "lastname": "Doe"}}))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"Email\" is not a valid email address."})
        )
    );
    let (status, body) = app.sign_up(json!({"customer": {"email": "invalid"}})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "\"First Name\" is a required value.\n\"Last Name\" is a required value.\n\"Email\" is not a valid email address."
    );
    assert_eq!(app.customer_count().await, 0);
}

#[tokio::test]
async fn weak_passwords_are_refused_with_magentos_parameters() {
    let app = spawn_app().await;
    let cases = [
        (
            "Ab1",
            json!({"message": "The password needs at least %1 characters. Create a new password and try again.", "parameters": [8]}),
        ),
        (
            "password",
            json!({"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "parameters": [3]}),
        ),
        (
            "Password1 ",
            json!({"message": "The password can't begin or end with a space. Verify the password and try again."}),
        ),
        (
            "JDoe@Example.com",
            json!({"message": "The password can't be the same as the email address. Create a new password and try again."}),
        ),
    ];
    for (password, expected) in cases {
        let mut body = jane();
        body["password"] = json!(password);
        let (status, err) = app.sign_up(body).await;
        assert_eq!((status, err), (400, expected), "{password}");
    }
    let mut long = jane();
    long["password"] = json!("aA1".repeat(86));
    let (status, err) = app.sign_up(long).await;
    assert_eq!(
        (status, err),
        (
            400,
            json!({"message": "Please enter a password with at most %1 characters.", "parameters": [256]})
        )
    );
    assert_eq!(app.customer_count().await, 0);
}

#[tokio::test]
async fn binding_errors_come_first() {
    let app = spawn_app().await;
    let (status, body) = app.sign_up(json!({"password": "Password1"})).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "customer"}})
        )
    );
    let mut unknown = jane();
    unknown["customer"]["shoe_size"] = json!(42);
    unknown["password"] = json!("weak");
    let (status, body) = app.sign_up(unknown).await;
    assert_eq!(status, 500);
    assert!(
        body["message"].as_str().is_some_and(|m| m.starts_with(
            "Internal Error. Details are available in Magento log file. Report ID: webapi-"
        )),
        "{body}"
    );
    let mut typed = jane();
    typed["customer"]["website_id"] = json!("abc");
    let (status, body) = app.sign_up(typed).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Error occurred during \"website_id\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again."})
        )
    );
    assert_eq!(app.customer_count().await, 0);
}

#[tokio::test]
async fn a_bad_address_keeps_nothing_but_uses_the_ids() {
    let app = spawn_app().await;
    let mut body = jane();
    body["customer"]["addresses"] = json!([address(), {"firstname": "Jane", "country_id": "US"}]);
    let (status, err) = app.sign_up(body).await;
    let required = |f: &str| json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": f}});
    assert_eq!(status, 400);
    assert_eq!(
        err,
        json!({"message": "One or more input exceptions have occurred.",
               "errors": [required("lastname"), required("street"), required("city"),
                          required("telephone"), required("postcode")]})
    );
    assert_eq!(app.customer_count().await, 0);
    // Magento inserted then deleted the customer and its first address.
    let (_, created) = app.sign_up(jane()).await;
    assert_eq!(created["id"], 2);
    let mut with_address = jane();
    with_address["customer"]["email"] = json!("second@example.com");
    with_address["customer"]["addresses"] = json!([address()]);
    let (_, second) = app.sign_up(with_address).await;
    assert_eq!(second["addresses"][0]["id"], 2);
}

#[tokio::test]
async fn an_unknown_customer_is_not_found() {
    let app = spawn_app().await;
    let expected = json!({"message": "No such entity with %fieldName = %fieldValue",
                          "parameters": {"fieldName": "customerId", "fieldValue": 99}});
    assert_eq!(app.get("/V1/customers/99").await, (404, expected.clone()));
    assert_eq!(
        app.delete("/V1/customers/99").await,
        (404, expected.clone())
    );
    assert_eq!(
        app.put("/V1/customers/99", json!({"customer": {"lastname": "X"}}))
            .await,
        (404, expected)
    );
    let (status, body) = app.get("/V1/customers/abc").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Error occurred during \"customerId\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again."})
        )
    );
}

#[tokio::test]
async fn put_layers_over_the_stored_customer_and_the_url_id_wins() {
    let app = spawn_app().await;
    let mut body = jane();
    body["customer"]["addresses"] = json!([address()]);
    let (_, created) = app.sign_up(body).await;
    app.handle
        .core()
        .clock
        .advance(std::time::Duration::from_secs(90));
    let (status, updated) = app
        .put(
            "/V1/customers/1",
            json!({"customer": {"id": 77, "lastname": "Roe", "group_id": 3}}),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["id"], 1);
    assert_eq!(updated["lastname"], "Roe");
    assert_eq!(updated["firstname"], "Jane");
    assert_eq!(updated["group_id"], 3);
    assert_eq!(updated["created_at"], CREATED);
    assert_eq!(updated["updated_at"], "2025-07-21 20:50:38");
    assert_eq!(updated["addresses"], created["addresses"]);
    assert_eq!(updated["default_billing"], "1");

    // Sent addresses replace the stored ones; a sent id keeps its address.
    let mut kept = address();
    kept["id"] = json!(1);
    kept["city"] = json!("Albany");
    kept["default_billing"] = json!(false);
    kept["default_shipping"] = json!(false);
    let mut new = address();
    new["street"] = json!(["1 New St"]);
    let (status, replaced) = app
        .put(
            "/V1/customers/1",
            json!({"customer": {"addresses": [kept, new]}}),
        )
        .await;
    assert_eq!(status, 200, "{replaced}");
    assert_eq!(replaced["addresses"][0]["id"], 1);
    assert_eq!(replaced["addresses"][0]["city"], "Albany");
    assert_eq!(replaced["addresses"][0].get("default_billing"), None);
    assert_eq!(replaced["addresses"][1]["id"], 2);
    assert_eq!(replaced["addresses"][1]["default_billing"], true);
    assert_eq!(replaced["default_billing"], "2");
    assert_eq!(replaced["default_shipping"], "2");
    // And the password survives: the token still works.
    assert_eq!(
        app.customer_token("jdoe@example.com", "Password1").await.0,
        200
    );
}

#[tokio::test]
async fn put_rechecks_the_email_and_saves_nothing_when_refused() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let mut other = jane();
    other["customer"]["email"] = json!("other@example.com");
    app.sign_up(other).await;
    let (status, body) = app
        .put(
            "/V1/customers/2",
            json!({"customer": {"email": "JDOE@example.com", "firstname": "Changed"}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "A customer with the same email address already exists in an associated website."})
        )
    );
    let (_, unchanged) = app.get("/V1/customers/2").await;
    assert_eq!(unchanged["firstname"], "Jane");
    assert_eq!(unchanged["email"], "other@example.com");
    // Its own e-mail is no conflict.
    let (status, _) = app
        .put(
            "/V1/customers/2",
            json!({"customer": {"email": "OTHER@example.com"}}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .put(
            "/V1/customers/2",
            json!({"customer": {"default_billing": "5", "addresses": [address()]}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "The %fieldName value is invalid. Set the correct value and try again.",
                   "parameters": {"fieldName": "default_billing"}})
        )
    );
}

#[tokio::test]
async fn search_filters_sorts_and_pages_in_id_order() {
    let app = spawn_app().await;
    for (email, first) in [
        ("b@example.com", "Bob"),
        ("a@example.com", "Ann"),
        ("c@example.org", "Cid"),
    ] {
        let mut body = jane();
        body["customer"]["email"] = json!(email);
        body["customer"]["firstname"] = json!(first);
        let (status, c) = app.sign_up(body).await;
        assert_eq!(status, 200, "{c}");
    }
    let (status, list) = app
        .get("/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=email&searchCriteria[filter_groups][0][filters][0][value]=%25example.com&searchCriteria[filter_groups][0][filters][0][condition_type]=like")
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total_count"], 2);
    assert_eq!(list["items"][0]["email"], "b@example.com");
    assert_eq!(list["items"][1]["email"], "a@example.com");
    assert_eq!(
        list["search_criteria"],
        json!({"filter_groups": [{"filters": [{"field": "email", "value": "%example.com", "condition_type": "like"}]}]})
    );
    let (_, sorted) = app
        .get("/V1/customers/search?searchCriteria[sortOrders][0][field]=firstname&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[pageSize]=2&searchCriteria[currentPage]=1")
        .await;
    let names: Vec<&Value> = sorted["items"]
        .as_array()
        .map(|i| i.iter().map(|c| &c["firstname"]).collect())
        .unwrap_or_default();
    assert_eq!(names, [&json!("Ann"), &json!("Bob")]);
    assert_eq!(sorted["total_count"], 3);
    let (_, by_id) = app
        .get("/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=entity_id&searchCriteria[filter_groups][0][filters][0][value]=3")
        .await;
    assert_eq!(by_id["items"][0]["firstname"], "Cid");
    let (status, body) = app.get("/V1/customers/search").await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "searchCriteria"}})
        )
    );
    let (status, body) = app
        .get("/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=shoe_size&searchCriteria[filter_groups][0][filters][0][value]=1")
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "Invalid attribute name: %1", "parameters": ["shoe_size"]})
        )
    );
}

#[tokio::test]
async fn delete_answers_true_and_the_customer_is_gone() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let (_, token) = app.customer_token("jdoe@example.com", "Password1").await;
    let token = token.as_str().expect("token").to_owned();
    assert_eq!(app.delete("/V1/customers/1").await, (200, json!(true)));
    assert_eq!(app.get("/V1/customers/1").await.0, 404);
    assert_eq!(app.customer_count().await, 0);
    // The e-mail is free again, and the deleted customer's token is dead.
    assert_eq!(app.sign_up(jane()).await.0, 200);
    let (status, _) = app
        .call_as(Some(&token), reqwest::Method::GET, "/V1/customers/me", None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_customer_token_opens_me_and_nothing_admin() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let (status, token) = app.customer_token("JDoe@example.com", "Password1").await;
    assert_eq!(status, 200, "{token}");
    let token = token.as_str().expect("a JSON string").to_owned();
    let (status, me) = app
        .call_as(Some(&token), reqwest::Method::GET, "/V1/customers/me", None)
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "jdoe@example.com");
    let (status, me) = app
        .call_as(
            Some(&token),
            reqwest::Method::PUT,
            "/V1/customers/me",
            Some(json!({"customer": {"id": 42, "firstname": "Janet"}})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        (me["id"].clone(), me["firstname"].clone()),
        (json!(1), json!("Janet"))
    );
    let (status, body) = app
        .call_as(Some(&token), reqwest::Method::GET, "/V1/customers/1", None)
        .await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "The consumer isn't authorized to access %resources.",
                   "parameters": {"resources": "Magento_Customer::customer"}})
        )
    );
    // The admin token is no customer.
    let (status, _) = app.get("/V1/customers/me").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_customer_token_expires_after_an_hour() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let (_, token) = app.customer_token("jdoe@example.com", "Password1").await;
    let token = token.as_str().expect("token").to_owned();
    app.handle
        .core()
        .clock
        .advance(std::time::Duration::from_secs(3600));
    let (status, _) = app
        .call_as(Some(&token), reqwest::Method::GET, "/V1/customers/me", None)
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_refused() {
    let app = spawn_app().await;
    app.sign_up(jane()).await;
    let mut no_password = jane();
    no_password["customer"]["email"] = json!("nopass@example.com");
    no_password.as_object_mut().map(|o| o.remove("password"));
    assert_eq!(app.sign_up(no_password).await.0, 200);
    let refused = json!({"message": "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later."});
    for (email, password) in [
        ("jdoe@example.com", "Password2"),
        ("nobody@example.com", "Password1"),
        ("nopass@example.com", "Password1"),
    ] {
        assert_eq!(
            app.customer_token(email, password).await,
            (401, refused.clone()),
            "{email}"
        );
    }
    // An empty password is a missing one (`CredentialsValidator`), never a sign-in.
    assert_eq!(
        app.customer_token("nopass@example.com", "").await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}})
        )
    );
    let (status, body) = app
        .call_as(
            None,
            reqwest::Method::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": "jdoe@example.com"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "password"}})
        )
    );
}

#[tokio::test]
async fn emails_are_unique_per_website_and_tokens_stay_in_theirs() {
    let app = spawn_two_websites().await;
    let (status, base) = app.sign_up(jane()).await;
    assert_eq!(status, 200, "{base}");
    let url = format!("{}/fr/V1/customers", app.handle.rest_url());
    let resp = app
        .client
        .post(&url)
        .json(&jane())
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200);
    let fr: Value = resp.json().await.expect("body");
    assert_eq!(
        (
            fr["id"].clone(),
            fr["store_id"].clone(),
            fr["website_id"].clone(),
            fr["created_in"].clone()
        ),
        (json!(2), json!(2), json!(2), json!("French Store View"))
    );
    // A third in the French website is refused.
    let mut third = jane();
    third["customer"]["website_id"] = json!(2);
    assert_eq!(
        app.sign_up(third).await,
        (
            400,
            json!({"message": "A customer with the same email address already exists in an associated website."})
        )
    );
    // A store of another website is refused.
    let mut mixed = jane();
    mixed["customer"]["email"] = json!("mixed@example.com");
    mixed["customer"]["website_id"] = json!(1);
    mixed["customer"]["store_id"] = json!(2);
    assert_eq!(
        app.sign_up(mixed).await,
        (
            400,
            json!({"message": "The store view is not in the associated website."})
        )
    );
    let available = |website: u64| {
        app.call_as(
            None,
            reqwest::Method::POST,
            "/V1/customers/isEmailAvailable",
            Some(json!({"customerEmail": "JDOE@example.com", "websiteId": website})),
        )
    };
    assert_eq!(available(1).await, (200, json!(false)));
    assert_eq!(available(2).await, (200, json!(false)));
    assert_eq!(available(3).await, (200, json!(true)));
    // The token is issued in the request's website: each Jane gets her own.
    let (_, token) = app
        .call_as(
            None,
            reqwest::Method::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": "jdoe@example.com", "password": "Password1"})),
        )
        .await;
    let (_, me) = app
        .call_as(
            token.as_str(),
            reqwest::Method::GET,
            "/V1/customers/me",
            None,
        )
        .await;
    assert_eq!(me["website_id"], 1);
    let resp = app
        .client
        .post(format!(
            "{}/fr/V1/integration/customer/token",
            app.handle.rest_url()
        ))
        .json(&json!({"username": "jdoe@example.com", "password": "Password1"}))
        .send()
        .await
        .expect("request");
    let token: Value = resp.json().await.expect("body");
    let (_, me) = app
        .call_as(
            token.as_str(),
            reqwest::Method::GET,
            "/V1/customers/me",
            None,
        )
        .await;
    assert_eq!(me["website_id"], 2);
}

#[tokio::test]
async fn is_email_available_defaults_to_the_request_website() {
    let app = spawn_app().await;
    let ask = |email: &'static str| {
        app.call_as(
            None,
            reqwest::Method::POST,
            "/V1/customers/isEmailAvailable",
            Some(json!({"customerEmail": email})),
        )
    };
    assert_eq!(ask("jdoe@example.com").await, (200, json!(true)));
    app.sign_up(jane()).await;
    assert_eq!(ask("jdoe@example.com").await, (200, json!(false)));
    // Magento answers for any string, valid address or not.
    assert_eq!(ask("invalid").await, (200, json!(true)));
    let (status, body) = app
        .call_as(
            None,
            reqwest::Method::POST,
            "/V1/customers/isEmailAvailable",
            Some(json!({"websiteId": 1})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "customerEmail"}})
        )
    );
}

/// Issue 11, item 6 (read side): the four groups of a stock install. Ports
/// `magento/magento2` `dev/tests/api-functional/testsuite/Magento/Customer/Api/
/// GroupManagementTest`: `testGetDefaultGroup` (stores 0 and 1),
/// `testGetDefaultGroupNonExistentStore`, `testIsReadonly`, `testIsReadonlyNoSuchGroup`.
#[tokio::test]
async fn customer_groups_are_read_by_id_default_and_search() {
    let app = spawn_app().await;
    for (id, code) in [
        (0, "NOT LOGGED IN"),
        (1, "General"),
        (2, "Wholesale"),
        (3, "Retailer"),
    ] {
        assert_eq!(
            app.get(&format!("/V1/customerGroups/{id}")).await,
            (
                200,
                json!({"id": id, "code": code, "tax_class_id": 3, "tax_class_name": "Retail Customer"})
            )
        );
    }
    let (status, body) = app.get("/V1/customerGroups/9999").await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "id", "fieldValue": 9999}})
        )
    );
    let general =
        json!({"id": 1, "code": "General", "tax_class_id": 3, "tax_class_name": "Retail Customer"});
    assert_eq!(
        app.get("/V1/customerGroups/default").await,
        (200, general.clone())
    );
    assert_eq!(
        app.get("/V1/customerGroups/default/1").await,
        (200, general)
    );
    assert_eq!(
        app.get("/V1/customerGroups/default/0").await.1["id"],
        json!(1)
    );
    assert_eq!(
        app.get("/V1/customerGroups/default/9876").await,
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue", "parameters": {"fieldName": "storeId", "fieldValue": 9876}})
        )
    );
    for (id, deletable) in [(0, false), (1, false), (2, true), (3, true)] {
        assert_eq!(
            app.get(&format!("/V1/customerGroups/{id}/permissions"))
                .await,
            (200, json!(!deletable)),
            "group {id}"
        );
    }
    assert_eq!(app.get("/V1/customerGroups/9999/permissions").await.0, 404);
    let (status, found) = app
        .get("/V1/customerGroups/search?searchCriteria[filter_groups][0][filters][0][field]=code&searchCriteria[filter_groups][0][filters][0][value]=%25er%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like")
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["total_count"], json!(2), "{found}");
    assert_eq!(found["items"][0]["code"], json!("General"));
    assert_eq!(found["items"][1]["code"], json!("Retailer"));
}
