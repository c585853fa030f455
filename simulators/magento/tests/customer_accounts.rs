//! Customer accounts over HTTP (issue 11, item 6): customer groups as state (save,
//! delete, default group), addresses by id and the default ones, passwords and the
//! account lock-out. Each ported Magento web-API test names its class and method; its
//! PHP fixtures are rebuilt through the API.

mod common;

use common::{TestApp, spawn_app, spawn_app_with};
use reqwest::Method as M;
use serde_json::{Value, json};
use time::Duration;

const EMAIL: &str = "jdoe@example.com";
const PASSWORD: &str = "Password1";

fn retail(id: u64, code: &str) -> Value {
    json!({"id": id, "code": code, "tax_class_id": 3, "tax_class_name": "Retail Customer"})
}

fn no_such(field: &str, value: Value) -> Value {
    json!({"message": "No such entity with %fieldName = %fieldValue",
           "parameters": {"fieldName": field, "fieldValue": value}})
}

fn address(default: bool) -> Value {
    json!({"region": {"region_code": "NY", "region": "New York", "region_id": 43},
           "region_id": 43, "country_id": "US", "street": ["123 Oak Ave"],
           "telephone": "512-555-1111", "postcode": "10755", "city": "Purchase",
           "firstname": "Jane", "lastname": "Doe",
           "default_shipping": default, "default_billing": default})
}

impl TestApp {
    /// `POST /V1/customers` as a guest; the new customer's JSON.
    async fn sign_up(&self, email: &str, addresses: Value) -> Value {
        let (status, body) = self
            .call_as(
                None,
                M::POST,
                "/V1/customers",
                Some(json!({"customer": {"email": email, "firstname": "Jane",
                                         "lastname": "Doe", "addresses": addresses},
                            "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn customer_token(&self, email: &str, password: &str) -> (u16, Value) {
        self.call_as(
            None,
            M::POST,
            "/V1/integration/customer/token",
            Some(json!({"username": email, "password": password})),
        )
        .await
    }

    fn advance(&self, by: Duration) {
        let by = std::time::Duration::try_from(by).expect("a forward step");
        self.handle.core().clock.advance(by);
    }
}

const SIGN_IN_INCORRECT: &str = "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";

// ---------------------------------------------------------------------------
// Customer groups

/// `GroupRepositoryTest::testCreateGroupRest`, `testCreateGroupDefaultTaxClassIdRest`,
/// `testUpdateGroupRest`, `testDeleteGroupExists`: saved groups are state, read back
/// by id and search, and gone after a delete.
#[tokio::test]
async fn groups_are_created_updated_and_deleted() {
    let app = spawn_app().await;
    let (status, created) = app
        .post(
            "/V1/customerGroups",
            json!({"group": {"id": null, "code": "Create Group REST", "tax_class_id": 3}}),
        )
        .await;
    assert_eq!(
        (status, created.clone()),
        (200, retail(4, "Create Group REST"))
    );
    assert_eq!(app.get("/V1/customerGroups/4").await, (200, created));
    // No tax class: 3.
    let (status, body) = app
        .post(
            "/V1/customerGroups",
            json!({"group": {"id": null, "code": "Default Class Tax ID REST", "tax_class_id": null}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (200, retail(5, "Default Class Tax ID REST"))
    );

    // testUpdateGroupRest: the URL's id is the group's.
    let (status, body) = app
        .put(
            "/V1/customerGroups/4",
            json!({"group": {"id": 4, "code": "Updated Group REST", "tax_class_id": 3}}),
        )
        .await;
    assert_eq!((status, body), (200, retail(4, "Updated Group REST")));
    let (status, body) = app
        .put(
            "/V1/customerGroups/4",
            json!({"group": {"code": "Renamed", "taxClassId": 3}}),
        )
        .await;
    assert_eq!((status, body), (200, retail(4, "Renamed")));
    assert_eq!(app.get("/V1/customerGroups/4").await.1["code"], "Renamed");

    let (status, found) = app
        .get("/V1/customerGroups/search?searchCriteria[filter_groups][0][filters][0][field]=id&searchCriteria[filter_groups][0][filters][0][value]=3&searchCriteria[filter_groups][0][filters][0][condition_type]=gt")
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(
        found["items"],
        json!([retail(4, "Renamed"), retail(5, "Default Class Tax ID REST")])
    );

    // testDeleteGroupExists.
    assert_eq!(app.delete("/V1/customerGroups/4").await, (200, json!(true)));
    assert_eq!(
        app.get("/V1/customerGroups/4").await,
        (404, no_such("id", json!(4)))
    );
    // A deleted id is not handed out again.
    let (_, next) = app
        .post("/V1/customerGroups", json!({"group": {"code": "Next"}}))
        .await;
    assert_eq!(next["id"], 6);
}

/// `GroupRepositoryTest::testCreateGroupDuplicateGroupRest`,
/// `testCreateGroupNoCodeExpectExceptionRest`, `testCreateGroupInvalidTaxClassIdRest`,
/// `testCreateGroupWithIdRest`, `testUpdateGroupNotExistingGroupRest`: each refusal's
/// body, and nothing saved.
#[tokio::test]
async fn group_saves_are_refused_with_magentos_bodies() {
    let app = spawn_app().await;
    let dup =
        json!({"group": {"id": null, "code": "Duplicate Group Code REST", "tax_class_id": 3}});
    assert_eq!(app.post("/V1/customerGroups", dup.clone()).await.0, 200);
    assert_eq!(
        app.post("/V1/customerGroups", dup).await,
        (400, json!({"message": "Customer Group already exists."}))
    );
    // MySQL compares codes case-insensitively; stock codes count too.
    assert_eq!(
        app.post(
            "/V1/customerGroups",
            json!({"group": {"code": "wholesale"}})
        )
        .await,
        (400, json!({"message": "Customer Group already exists."}))
    );
    let required = json!({"message": "\"%fieldName\" is required. Enter and try again.",
                          "parameters": {"fieldName": "code"}});
    for code in [json!(null), json!(""), json!("   ")] {
        assert_eq!(
            app.post(
                "/V1/customerGroups",
                json!({"group": {"id": null, "code": code, "tax_class_id": null}})
            )
            .await,
            (400, required.clone()),
            "{code}"
        );
    }
    let invalid_tax = |value: Value| {
        json!({"message": "Invalid value of \"%value\" provided for the %fieldName field.",
               "parameters": {"fieldName": "taxClassId", "value": value}})
    };
    assert_eq!(
        app.post(
            "/V1/customerGroups",
            json!({"group": {"id": null, "code": "Invalid Tax Class Id Code", "tax_class_id": 9999}})
        )
        .await,
        (400, invalid_tax(json!(9999)))
    );
    // Class 2 (Taxable Goods) is a product tax class.
    assert_eq!(
        app.post(
            "/V1/customerGroups",
            json!({"group": {"code": "Goods", "tax_class_id": 2}})
        )
        .await,
        (400, invalid_tax(json!(2)))
    );
    // An update must name its tax class.
    assert_eq!(
        app.put(
            "/V1/customerGroups/2",
            json!({"group": {"code": "Wholesale 2"}})
        )
        .await,
        (400, invalid_tax(json!(null)))
    );
    assert_eq!(
        app.post(
            "/V1/customerGroups",
            json!({"group": {"id": 88, "code": "Create Group With Id REST", "tax_class_id": 3}})
        )
        .await,
        (404, no_such("id", json!(88)))
    );
    assert_eq!(
        app.put(
            "/V1/customerGroups/9999",
            json!({"group": {"id": "9999", "code": "Updated Group REST Does Not Exist", "tax_class_id": 3}})
        )
        .await,
        (404, no_such("id", json!(9999)))
    );
    // An unknown property is Magento's masked 500.
    assert_eq!(
        app.post(
            "/V1/customerGroups",
            json!({"group": {"code": "X", "colour": "red"}})
        )
        .await
        .0,
        500
    );
    let (_, all) = app.get("/V1/customerGroups/search?searchCriteria=0").await;
    assert_eq!(all["total_count"], 5, "{all}");
}

/// A code over 32 characters is cut (`mb_substr`), not refused; an update echoes a
/// `tax_class_name` it was sent, as `GroupRepository::save` does, but stores none.
#[tokio::test]
async fn long_codes_are_cut_and_updates_echo_the_sent_class_name() {
    let app = spawn_app().await;
    let long = "Ünïcödé-group-name-that-is-far-too-long";
    let (status, body) = app
        .post("/V1/customerGroups", json!({"group": {"code": long}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let cut: String = long.chars().take(32).collect();
    assert_eq!(body, retail(4, &cut));
    let (status, body) = app
        .put(
            "/V1/customerGroups/4",
            json!({"group": {"code": "Short", "tax_class_id": 3, "tax_class_name": "Anything"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tax_class_name"], "Anything");
    assert_eq!(
        app.get("/V1/customerGroups/4").await,
        (200, retail(4, "Short"))
    );
}

/// `GroupRepositoryTest::testDeleteGroupNotExists`, `testDeleteGroupCannotDelete`;
/// `CustomerGroupConfigTest::testSetDefaultGroup`,
/// `testSetDefaultGroupNonExistingGroup`. NOT LOGGED IN and the default group cannot
/// be deleted; once another group is the default, General can.
#[tokio::test]
async fn the_default_group_and_not_logged_in_cannot_be_deleted() {
    let app = spawn_app().await;
    assert_eq!(
        app.delete("/V1/customerGroups/4200").await,
        (404, no_such("id", json!(4200)))
    );
    let cannot = (400, json!({"message": "Cannot delete group."}));
    assert_eq!(app.delete("/V1/customerGroups/1").await, cannot);
    assert_eq!(app.delete("/V1/customerGroups/0").await, cannot);
    assert_eq!(app.get("/V1/customerGroups/1").await.0, 200);

    assert_eq!(
        app.put("/V1/customerGroups/default/1", json!({})).await,
        (200, json!(1))
    );
    assert_eq!(
        app.put("/V1/customerGroups/default/10000", json!({})).await,
        (404, no_such("id", json!(10000)))
    );
    assert_eq!(
        app.put("/V1/customerGroups/default/3", json!({})).await,
        (200, json!(3))
    );
    assert_eq!(
        app.get("/V1/customerGroups/default").await,
        (200, retail(3, "Retailer"))
    );
    assert_eq!(app.get("/V1/customerGroups/default/1").await.1["id"], 3);
    assert_eq!(
        app.get("/V1/customerGroups/3/permissions").await,
        (200, json!(true))
    );
    assert_eq!(
        app.get("/V1/customerGroups/1/permissions").await,
        (200, json!(false))
    );
    assert_eq!(
        app.get("/V1/customerGroups/77/permissions").await,
        (404, no_such("groupId", json!(77)))
    );
    assert_eq!(app.delete("/V1/customerGroups/3").await, cannot);
    // A new customer joins the default group.
    let jane = app.sign_up(EMAIL, json!([])).await;
    assert_eq!(jane["group_id"], 3);
    assert_eq!(app.delete("/V1/customerGroups/1").await, (200, json!(true)));
}

/// `Group` resource model `_afterDelete`: the customers of a deleted group move to the
/// default group (saved, so `updated_at` moves); a customer cannot be saved into a
/// group that does not exist.
#[tokio::test]
async fn customers_of_a_deleted_group_move_to_the_default_group() {
    let app = spawn_app().await;
    let (_, group) = app
        .post("/V1/customerGroups", json!({"group": {"code": "VIP"}}))
        .await;
    let gid = group["id"].as_u64().expect("id");
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].as_u64().expect("id");
    let (status, body) = app
        .put(
            &format!("/V1/customers/{id}"),
            json!({"customer": {"group_id": gid}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["group_id"], gid);
    let (status, body) = app
        .put(
            &format!("/V1/customers/{id}"),
            json!({"customer": {"group_id": 99}}),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"message": "The specified customer group id does not exist."})
        )
    );

    app.advance(Duration::minutes(5));
    assert_eq!(
        app.delete(&format!("/V1/customerGroups/{gid}")).await,
        (200, json!(true))
    );
    let (_, jane) = app.get(&format!("/V1/customers/{id}")).await;
    assert_eq!(jane["group_id"], 1);
    assert_eq!(jane["updated_at"], "2025-07-21 20:54:08");
    // The delete left the customer out of the deleted group's index: a new group
    // under another id has no members to move.
    let (_, other) = app
        .post("/V1/customerGroups", json!({"group": {"code": "Other"}}))
        .await;
    let other = other["id"].as_u64().expect("id");
    assert_eq!(
        app.delete(&format!("/V1/customerGroups/{other}")).await,
        (200, json!(true))
    );
    assert_eq!(
        app.get(&format!("/V1/customers/{id}")).await.1["group_id"],
        1
    );
}

/// Groups round-trip through `/__sim/state`; a bad group is refused whole.
#[tokio::test]
async fn groups_round_trip_and_bad_ones_are_refused_on_import() {
    let app = spawn_app().await;
    let (_, group) = app
        .post("/V1/customerGroups", json!({"group": {"code": "VIP"}}))
        .await;
    let state = app.export_state().await;
    assert_eq!(
        state["customer_groups"]["4"],
        json!({"id": 4, "code": "VIP", "tax_class_id": 3})
    );
    assert_eq!(state["next"]["customer_group_id"], 5);
    assert_eq!(app.import_state(&state).await.0, 200);
    assert_eq!(app.get("/V1/customerGroups/4").await, (200, group));

    for (change, needle) in [
        (
            json!({"4": {"id": 4, "code": "general", "tax_class_id": 3}}),
            "customer_groups: code \"general\" is used by groups 1 and 4",
        ),
        (
            json!({"4": {"id": 4, "code": "Goods", "tax_class_id": 2}}),
            "no customer tax class",
        ),
        (
            json!({"4": {"id": 5, "code": "VIP", "tax_class_id": 3}}),
            "key \"4\" holds customer group 5",
        ),
    ] {
        let mut bad = state.clone();
        for (k, v) in change.as_object().expect("object") {
            bad["customer_groups"][k] = v.clone();
        }
        let (status, body) = app.import_state(&bad).await;
        assert_eq!(status, 400, "{body}");
        let error = body["error"].as_str().expect("error");
        assert!(error.contains(needle), "{needle:?} in {error:?}");
    }
    let mut bad = state.clone();
    bad["settings"]["default_customer_group"] = json!(42);
    let (status, body) = app.import_state(&bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("error")
            .contains("default_customer_group 42")
    );
    let mut bad = state.clone();
    bad["customer_groups"]
        .as_object_mut()
        .expect("groups")
        .remove("0");
    assert_eq!(app.import_state(&bad).await.0, 400);
    assert_eq!(app.export_state().await, state);
}

// ---------------------------------------------------------------------------
// Lock-out

/// A store whose token throttle allows `throttle` failures per user name.
async fn spawn_with_throttle(throttle: i64) -> TestApp {
    let mut state = sim_magento::fixtures::default_state();
    state.settings.token_max_failures = throttle;
    spawn_app_with(state).await
}

/// `Authentication::processAuthenticationFailure`: the tenth wrong password locks the
/// account for ten minutes; while locked even the right password is refused (and not
/// counted); after `lock_expires` the right password works and clears the count.
#[tokio::test]
async fn ten_wrong_passwords_lock_the_account_for_ten_minutes() {
    let app = spawn_with_throttle(1000).await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].to_string();
    let refused = (401, json!({"message": SIGN_IN_INCORRECT}));
    for _ in 0..9 {
        assert_eq!(app.customer_token(EMAIL, "Wrong-pass1").await, refused);
    }
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 9);
    assert_eq!(
        state["customers"][&id]["first_failure"],
        "2025-07-21 20:49:08"
    );
    assert_eq!(state["customers"][&id]["lock_expires"], Value::Null);
    // Nine failures: the right password still works and clears the count.
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 200);
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 0);
    assert_eq!(state["customers"][&id]["first_failure"], Value::Null);

    for _ in 0..10 {
        assert_eq!(app.customer_token(EMAIL, "Wrong-pass1").await, refused);
    }
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 10);
    assert_eq!(
        state["customers"][&id]["lock_expires"],
        "2025-07-21 20:59:08"
    );
    // The lock-out columns are searchable, as `customer_entity` columns are.
    let (status, found) = app
        .get("/V1/customers/search?searchCriteria[filter_groups][0][filters][0][field]=failures_num&searchCriteria[filter_groups][0][filters][0][value]=9&searchCriteria[filter_groups][0][filters][0][condition_type]=gt")
        .await;
    assert_eq!(
        (status, found["total_count"].clone()),
        (200, json!(1)),
        "{found}"
    );
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await, refused);
    app.advance(Duration::seconds(599));
    // A second before `lock_expires` the account is still locked; at it, it is not.
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await, refused);
    assert_eq!(
        app.export_state().await["customers"][&id]["failures_num"],
        10
    );
    app.advance(Duration::seconds(1));
    let (status, token) = app.customer_token(EMAIL, PASSWORD).await;
    assert_eq!(status, 200, "{token}");
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 0);
    assert_eq!(state["customers"][&id]["lock_expires"], Value::Null);
    let (status, me) = app
        .call_as(token.as_str(), M::GET, "/V1/customers/me", None)
        .await;
    assert_eq!((status, me["email"].clone()), (200, json!(EMAIL)));
}

/// After an expired lock the next wrong password starts the count again at 1.
#[tokio::test]
async fn a_failure_after_an_expired_lock_starts_a_new_count() {
    let app = spawn_with_throttle(1000).await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].to_string();
    for _ in 0..10 {
        app.customer_token(EMAIL, "Wrong-pass1").await;
    }
    app.advance(Duration::minutes(11));
    assert_eq!(app.customer_token(EMAIL, "Wrong-pass1").await.0, 401);
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 1);
    assert_eq!(
        state["customers"][&id]["first_failure"],
        "2025-07-21 21:00:08"
    );
    assert_eq!(state["customers"][&id]["lock_expires"], Value::Null);
}

/// The two thresholds are settings; 0 turns the lock-out off.
#[tokio::test]
async fn the_lockout_thresholds_are_settings() {
    let mut state = sim_magento::fixtures::default_state();
    state.settings.token_max_failures = 1000;
    state.settings.customer_lockout_failures = 3;
    state.settings.customer_lockout_minutes = 1;
    let app = spawn_app_with(state).await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].to_string();
    for _ in 0..3 {
        app.customer_token(EMAIL, "Wrong-pass1").await;
    }
    assert_eq!(
        app.export_state().await["customers"][&id]["lock_expires"],
        "2025-07-21 20:50:08"
    );
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 401);
    app.advance(Duration::seconds(61));
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 200);

    let mut state = app.export_state().await;
    state["settings"]["customer_lockout_failures"] = json!(0);
    assert_eq!(app.import_state(&state).await.0, 200);
    for _ in 0..5 {
        app.customer_token(EMAIL, "Wrong-pass1").await;
    }
    assert_eq!(
        app.export_state().await["customers"][&id]["failures_num"],
        0
    );
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 200);
    let mut state = app.export_state().await;
    state["settings"]["customer_lockout_minutes"] = json!(-1);
    assert_eq!(app.import_state(&state).await.0, 400);
}

/// `RequestThrottler`: with Magento's defaults the token endpoint refuses a user name
/// after six failed requests, for 30 minutes after the last one, even with the right
/// password and for names no customer has; a success clears the name's failures.
#[tokio::test]
async fn the_token_throttle_refuses_a_name_after_six_failures() {
    let app = spawn_app().await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].to_string();
    let refused = (401, json!({"message": SIGN_IN_INCORRECT}));
    for _ in 0..5 {
        assert_eq!(app.customer_token(EMAIL, "Wrong-pass1").await, refused);
    }
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 200);
    for _ in 0..6 {
        assert_eq!(
            app.customer_token("JDOE@example.com", "Wrong-pass1").await,
            refused
        );
    }
    // Throttled: refused before the password is looked at (the customer's own count
    // stays at six).
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await, refused);
    let state = app.export_state().await;
    assert_eq!(state["customers"][&id]["failures_num"], 6);
    assert_eq!(
        state["token_request_log"]["customer"][EMAIL]["failures_count"],
        6
    );
    app.advance(Duration::minutes(30));
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 200);

    for _ in 0..6 {
        app.customer_token("nobody@example.com", "Wrong-pass1")
            .await;
    }
    assert_eq!(
        app.export_state().await["token_request_log"]["customer"]["nobody@example.com"]["failures_count"],
        6
    );
    let mut bad = app.export_state().await;
    bad["token_request_log"]["customer"]["Nobody@example.com"] =
        json!({"failures_count": 1, "lock_expires_at": 0});
    let (status, body) = app.import_state(&bad).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .expect("error")
            .contains("must be lower-case")
    );
    // The admin token has its own throttle.
    for _ in 0..6 {
        let (status, _) = app
            .call_as(
                None,
                M::POST,
                "/V1/integration/admin/token",
                Some(json!({"username": "admin", "password": "wrong"})),
            )
            .await;
        assert_eq!(status, 401);
    }
    let (status, body) = app
        .call_as(
            None,
            M::POST,
            "/V1/integration/admin/token",
            Some(json!({"username": "admin", "password": "cartsim-admin-1"})),
        )
        .await;
    assert_eq!((status, body), refused);
}

// ---------------------------------------------------------------------------
// Addresses

/// `AddressRepositoryTest::testGetAddress`, `testDeleteAddress` (fixtures
/// `customer.php` + `customer_address.php` rebuilt through `POST /V1/customers`):
/// an address by id, its delete, then 404 naming `addressId`.
#[tokio::test]
async fn addresses_are_read_and_deleted_by_id() {
    let app = spawn_app().await;
    let jane = app
        .sign_up(EMAIL, json!([address(true), address(false)]))
        .await;
    let first = jane["addresses"][0].clone();
    let second = jane["addresses"][1].clone();
    let (fid, sid) = (first["id"].clone(), second["id"].clone());
    assert_eq!(first["default_billing"], true);
    assert_eq!(
        app.get(&format!("/V1/customers/addresses/{fid}")).await,
        (200, first)
    );
    assert_eq!(
        app.get(&format!("/V1/customers/addresses/{sid}")).await,
        (200, second)
    );
    assert_eq!(
        app.get("/V1/customers/addresses/999").await,
        (404, no_such("addressId", json!(999)))
    );

    // Deleting the non-default address leaves the customer untouched.
    app.advance(Duration::minutes(1));
    assert_eq!(
        app.delete(&format!("/V1/addresses/{sid}")).await,
        (200, json!(true))
    );
    assert_eq!(
        app.get(&format!("/V1/customers/addresses/{sid}")).await,
        (404, no_such("addressId", sid.clone()))
    );
    assert_eq!(
        app.delete(&format!("/V1/addresses/{sid}")).await,
        (404, no_such("addressId", sid))
    );
    let id = jane["id"].clone();
    let (_, after) = app.get(&format!("/V1/customers/{id}")).await;
    assert_eq!(after["updated_at"], jane["updated_at"]);
    assert_eq!(after["addresses"].as_array().map(Vec::len), Some(1));

    // Deleting the default one clears the customer's defaults.
    assert_eq!(
        app.delete(&format!("/V1/addresses/{fid}")).await,
        (200, json!(true))
    );
    let (_, after) = app.get(&format!("/V1/customers/{id}")).await;
    assert_eq!(after["addresses"], json!([]));
    assert!(after.get("default_billing").is_none(), "{after}");
    assert!(after.get("default_shipping").is_none(), "{after}");
    assert_eq!(after["updated_at"], "2025-07-21 20:50:08");
    // A customer saved with addresses again indexes the new ones.
    let (status, saved) = app
        .put(
            &format!("/V1/customers/{id}"),
            json!({"customer": {"addresses": [address(true)]}}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    let nid = saved["addresses"][0]["id"].clone();
    assert_eq!(
        app.get(&format!("/V1/customers/addresses/{nid}")).await.0,
        200
    );
}

/// `AccountManagementTest::testGetDefaultBillingAddress`,
/// `testGetDefaultShippingAddress`; `AccountManagementMeTest::testGetDefaultBillingAddress`,
/// `testGetDefaultShippingAddress`: the default addresses by customer id (admin) and
/// for the token's customer; `null` without one; an unknown customer is 404.
#[tokio::test]
async fn default_addresses_by_id_and_for_me() {
    let app = spawn_app().await;
    let jane = app
        .sign_up(EMAIL, json!([address(false), address(true)]))
        .await;
    let id = jane["id"].clone();
    let default = jane["addresses"][1].clone();
    for kind in ["billingAddress", "shippingAddress"] {
        assert_eq!(
            app.get(&format!("/V1/customers/{id}/{kind}")).await,
            (200, default.clone())
        );
    }
    let (_, token) = app.customer_token(EMAIL, PASSWORD).await;
    let token = token.as_str().expect("token").to_owned();
    for kind in ["billingAddress", "shippingAddress"] {
        assert_eq!(
            app.call_as(
                Some(&token),
                M::GET,
                &format!("/V1/customers/me/{kind}"),
                None
            )
            .await,
            (200, default.clone())
        );
    }
    // The customer token opens only `me`; the admin one is not the customer's.
    assert_eq!(
        app.call_as(
            Some(&token),
            M::GET,
            &format!("/V1/customers/{id}/billingAddress"),
            None
        )
        .await
        .0,
        401
    );
    assert_eq!(
        app.get(&format!("/V1/customers/{id}/permissions/readonly"))
            .await,
        (200, json!(false))
    );
    assert_eq!(
        app.get("/V1/customers/4242/billingAddress").await,
        (404, no_such("customerId", json!(4242)))
    );
    let bob = app
        .sign_up("bob@example.com", json!([address(false)]))
        .await;
    assert_eq!(
        app.get(&format!("/V1/customers/{}/shippingAddress", bob["id"]))
            .await,
        (200, Value::Null)
    );
}

// ---------------------------------------------------------------------------
// Passwords and account state

impl TestApp {
    async fn as_customer(&self, token: &str, method: M, path: &str, body: Value) -> (u16, Value) {
        self.call_as(Some(token), method, path, Some(body)).await
    }

    async fn anonymous(&self, method: M, path: &str, body: Value) -> (u16, Value) {
        self.call_as(None, method, path, Some(body)).await
    }

    async fn rp_token(&self, id: &Value) -> String {
        self.export_state().await["customers"][id.to_string()]["rp_token"]
            .as_str()
            .expect("a reset token")
            .to_owned()
    }
}

/// `AccountManagementMeTest::testChangePassword` and its refusals: the current
/// password must match (401), the new one must not be the e-mail and must be strong;
/// the new password signs in, the old one no longer does.
#[tokio::test]
async fn a_customer_changes_their_password() {
    let app = spawn_with_throttle(1000).await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let (_, token) = app.customer_token(EMAIL, PASSWORD).await;
    let token = token.as_str().expect("token").to_owned();
    let path = "/V1/customers/me/password";
    assert_eq!(
        app.as_customer(&token, M::PUT, path, json!({})).await,
        (
            400,
            json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "currentPassword"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "newPassword"}}
            ]})
        )
    );
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            path,
            json!({"currentPassword": "Nope-1234", "newPassword": "New-Pass12"})
        )
        .await,
        (
            401,
            json!({"message": "The password doesn't match this account. Verify the password and try again."})
        )
    );
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            path,
            json!({"currentPassword": PASSWORD, "newPassword": "JDoe@Example.com"})
        )
        .await,
        (
            400,
            json!({"message": "The password can't be the same as the email address. Create a new password and try again."})
        )
    );
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            path,
            json!({"currentPassword": PASSWORD, "newPassword": "short"})
        )
        .await,
        (
            400,
            json!({"message": "The password needs at least %1 characters. Create a new password and try again.", "parameters": [8]})
        )
    );
    app.advance(Duration::minutes(2));
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            path,
            json!({"current_password": PASSWORD, "new_password": "New-Pass12"})
        )
        .await,
        (200, json!(true))
    );
    let (_, after) = app.get(&format!("/V1/customers/{}", jane["id"])).await;
    assert_eq!(after["updated_at"], "2025-07-21 20:51:08");
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 401);
    assert_eq!(app.customer_token(EMAIL, "New-Pass12").await.0, 200);
    // The admin token is no customer's.
    assert_eq!(
        app.put(path, json!({"currentPassword": "a", "newPassword": "b"}))
            .await
            .0,
        401
    );
}

/// `Authentication::authenticate` behind the password change: wrong current passwords
/// count toward the lock-out; the one that locks the account answers `The account is
/// locked.`; the right current password still works on a locked account.
#[tokio::test]
async fn wrong_current_passwords_lock_the_account() {
    let mut state = sim_magento::fixtures::default_state();
    state.settings.customer_lockout_failures = 2;
    let app = spawn_app_with(state).await;
    app.sign_up(EMAIL, json!([])).await;
    let (_, token) = app.customer_token(EMAIL, PASSWORD).await;
    let token = token.as_str().expect("token").to_owned();
    let path = "/V1/customers/me/password";
    let wrong = json!({"currentPassword": "Nope-1234", "newPassword": "New-Pass12"});
    assert_eq!(
        app.as_customer(&token, M::PUT, path, wrong.clone()).await.0,
        401
    );
    assert_eq!(
        app.as_customer(&token, M::PUT, path, wrong).await,
        (401, json!({"message": "The account is locked."}))
    );
    assert_eq!(app.customer_token(EMAIL, PASSWORD).await.0, 401);
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            path,
            json!({"currentPassword": PASSWORD, "newPassword": "New-Pass12"})
        )
        .await,
        (200, json!(true))
    );
}

/// `AccountManagementTest::testInitiatePasswordMissingRequiredFields`,
/// `testInitiatePasswordReset`, `testSendPasswordResetLinkBadEmailOrWebsite`,
/// `testValidateResetPasswordLinkToken`, `testValidateResetPasswordLinkTokenInvalidToken`,
/// and `resetPassword`: a reset token (deterministic, read from the state as the
/// customer would read the e-mail) validates, resets the password once, and expires
/// after two hours by the simulator clock.
#[tokio::test]
async fn password_reset_by_token() {
    let app = spawn_with_throttle(1000).await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].clone();
    assert_eq!(
        app.anonymous(M::PUT, "/V1/customers/password", json!({}))
            .await,
        (
            400,
            json!({"message": "One or more input exceptions have occurred.", "errors": [
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "email"}},
                {"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "template"}}
            ]})
        )
    );
    assert_eq!(
        app.anonymous(
            M::PUT,
            "/V1/customers/password",
            json!({"email": "dummy@example.com", "template": "email_reset", "websiteId": 0})
        )
        .await,
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
                   "parameters": {"fieldName": "email", "fieldValue": "dummy@example.com", "field2Name": "websiteId", "field2Value": 0}})
        )
    );
    let before = app.rp_token(&id).await;
    assert_eq!(
        app.anonymous(
            M::PUT,
            "/V1/customers/password",
            json!({"email": EMAIL, "template": "email_welcome", "websiteId": 1})
        )
        .await,
        (
            400,
            json!({"message": "Invalid value of \"%value\" provided for the %fieldName field. Possible values: %template1 or %template2.",
                   "parameters": {"value": "email_welcome", "fieldName": "template", "template1": "email_reminder", "template2": "email_reset"}})
        )
    );
    assert_eq!(app.rp_token(&id).await, before);
    assert_eq!(
        app.anonymous(
            M::PUT,
            "/V1/customers/password",
            json!({"email": EMAIL, "template": "email_reset", "websiteId": 1})
        )
        .await,
        (200, json!(true))
    );
    let token = app.rp_token(&id).await;
    assert_ne!(token, before);
    assert_eq!(token.len(), 32);
    let check = |t: &str| format!("/V1/customers/{id}/password/resetLinkToken/{t}");
    assert_eq!(
        app.call_as(None, M::GET, &check(&token), None).await,
        (200, json!(true))
    );
    assert_eq!(
        app.call_as(None, M::GET, &check("fjjkafjie"), None).await,
        (
            400,
            json!({"message": "The password token is mismatched. Reset and try again."})
        )
    );
    assert_eq!(
        app.call_as(
            None,
            M::GET,
            &format!("/V1/customers/4242/password/resetLinkToken/{token}"),
            None
        )
        .await,
        (404, no_such("customerId", json!(4242)))
    );

    let reset = |t: &str, p: &str| json!({"email": EMAIL, "resetToken": t, "newPassword": p});
    assert_eq!(
        app.anonymous(
            M::POST,
            "/V1/customers/resetPassword",
            reset("wrong", "New-Pass12")
        )
        .await,
        (
            400,
            json!({"message": "The password token is mismatched. Reset and try again."})
        )
    );
    assert_eq!(
        app.anonymous(
            M::POST,
            "/V1/customers/resetPassword",
            reset(&token, "weakpassword")
        )
        .await,
        (
            400,
            json!({"message": "Minimum of different classes of characters in password is %1. Classes of characters: Lower Case, Upper Case, Digits, Special Characters.", "parameters": [3]})
        )
    );
    assert_eq!(
        app.anonymous(
            M::POST,
            "/V1/customers/resetPassword",
            reset(&token, "New-Pass12")
        )
        .await,
        (200, json!(true))
    );
    assert_eq!(app.customer_token(EMAIL, "New-Pass12").await.0, 200);
    // Used once.
    assert_eq!(
        app.anonymous(
            M::POST,
            "/V1/customers/resetPassword",
            reset(&token, "Other-Pass12")
        )
        .await
        .0,
        400
    );

    // A token expires after `reset_link_expiration_hours` (2) whole hours.
    app.anonymous(
        M::PUT,
        "/V1/customers/password",
        json!({"email": EMAIL, "template": "email_reminder"}),
    )
    .await;
    let token = app.rp_token(&id).await;
    app.advance(Duration::minutes(119));
    assert_eq!(app.call_as(None, M::GET, &check(&token), None).await.0, 200);
    app.advance(Duration::minutes(1));
    assert_eq!(
        app.call_as(None, M::GET, &check(&token), None).await,
        (
            400,
            json!({"message": "The password token is expired. Reset and try again."})
        )
    );
}

/// `AccountManagementTest::testValidateCustomerData`, `testGetConfirmationStatus`,
/// `testResendConfirmationBadEmailOrWebsite`, `testIsReadonly`; activation with
/// confirmation off.
#[tokio::test]
async fn validate_confirmation_and_activation() {
    let app = spawn_app().await;
    let jane = app.sign_up(EMAIL, json!([])).await;
    let id = jane["id"].clone();
    assert_eq!(
        app.put(
            "/V1/customers/validate",
            json!({"customer": {"email": EMAIL, "firstname": null, "lastname": null, "group_id": 1}})
        )
        .await,
        (
            200,
            json!({"valid": false, "messages": [
                "The \"First Name\" attribute value is empty. Set the attribute and try again.",
                "The \"Last Name\" attribute value is empty. Set the attribute and try again."
            ]})
        )
    );
    assert_eq!(
        app.put(
            "/V1/customers/validate",
            json!({"customer": {"email": EMAIL, "firstname": "Jane", "lastname": "Doe"}})
        )
        .await,
        (200, json!({"valid": true, "messages": []}))
    );
    assert_eq!(
        app.get(&format!("/V1/customers/{id}/confirm")).await,
        (200, json!("account_confirmation_not_required"))
    );
    assert_eq!(app.get("/V1/customers/4242/confirm").await.0, 404);
    assert_eq!(
        app.post(
            "/V1/customers/confirm",
            json!({"email": "dummy@example.com", "websiteId": 0})
        )
        .await,
        (
            404,
            json!({"message": "No such entity with %fieldName = %fieldValue, %field2Name = %field2Value",
                   "parameters": {"fieldName": "email", "fieldValue": "dummy@example.com", "field2Name": "websiteId", "field2Value": 0}})
        )
    );
    assert_eq!(
        app.post(
            "/V1/customers/confirm",
            json!({"email": EMAIL, "websiteId": 1})
        )
        .await,
        (400, json!({"message": "Confirmation isn't needed."}))
    );
    assert_eq!(
        app.put(
            &format!("/V1/customers/{EMAIL}/activate"),
            json!({"confirmationKey": "abc"})
        )
        .await,
        (400, json!({"message": "The account is already active."}))
    );
    let (_, token) = app.customer_token(EMAIL, PASSWORD).await;
    let token = token.as_str().expect("token").to_owned();
    assert_eq!(
        app.as_customer(
            &token,
            M::PUT,
            "/V1/customers/me/activate",
            json!({"confirmationKey": "abc"})
        )
        .await,
        (400, json!({"message": "The account is already active."}))
    );
    assert_eq!(
        app.as_customer(&token, M::PUT, "/V1/customers/me/activate", json!({}))
            .await,
        (
            400,
            json!({"message": "\"%fieldName\" is required. Enter and try again.", "parameters": {"fieldName": "confirmationKey"}})
        )
    );
}

// ---------------------------------------------------------------------------
// Indexes

/// The group → customers and address → customer indexes stay equal to a rebuild
/// through sign-ups, group moves, group deletes, address replacements and deletes,
/// customer deletes and a state import.
#[tokio::test]
async fn the_group_and_address_indexes_follow_every_change() {
    let app = spawn_app().await;
    let check = |app: &TestApp, step: &str| {
        let checked = app.handle.magento().with_state(|s| s.check_indexes());
        assert_eq!(checked, Ok(()), "after {step}");
    };
    let mut groups = Vec::new();
    for n in 0..3 {
        let (status, g) = app
            .post(
                "/V1/customerGroups",
                json!({"group": {"code": format!("G{n}")}}),
            )
            .await;
        assert_eq!(status, 200, "{g}");
        groups.push(g["id"].as_u64().expect("id"));
    }
    let mut customers = Vec::new();
    for n in 0..6u64 {
        let c = app
            .sign_up(
                &format!("c{n}@example.com"),
                json!([address(n % 2 == 0), address(false)]),
            )
            .await;
        let id = c["id"].as_u64().expect("id");
        let group = groups[usize::try_from(n % 3).expect("small")];
        let (status, body) = app
            .put(
                &format!("/V1/customers/{id}"),
                json!({"customer": {"group_id": group}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        customers.push(c);
        check(&app, "a sign-up and a group move");
    }
    assert_eq!(
        app.delete(&format!("/V1/customerGroups/{}", groups[0]))
            .await
            .0,
        200
    );
    check(&app, "a group delete");
    let first = &customers[0];
    let (status, body) = app
        .put(
            &format!("/V1/customers/{}", first["id"]),
            json!({"customer": {"addresses": [address(true)]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    check(&app, "an address replacement");
    for old in first["addresses"].as_array().expect("addresses") {
        assert_eq!(
            app.get(&format!("/V1/customers/addresses/{}", old["id"]))
                .await
                .0,
            404
        );
    }
    let second_address = customers[1]["addresses"][0]["id"].clone();
    assert_eq!(
        app.delete(&format!("/V1/addresses/{second_address}"))
            .await
            .0,
        200
    );
    check(&app, "an address delete");
    assert_eq!(
        app.delete(&format!("/V1/customers/{}", customers[2]["id"]))
            .await
            .0,
        200
    );
    check(&app, "a customer delete");
    let gone = customers[2]["addresses"][0]["id"].clone();
    assert_eq!(
        app.get(&format!("/V1/customers/addresses/{gone}")).await.0,
        404
    );
    let state = app.export_state().await;
    assert_eq!(app.import_state(&state).await.0, 200);
    check(&app, "an import");
    assert_eq!(
        app.delete(&format!("/V1/customerGroups/{}", groups[1]))
            .await
            .0,
        200
    );
    check(&app, "a group delete after the import");
    let (_, moved) = app
        .get(&format!("/V1/customers/{}", customers[1]["id"]))
        .await;
    assert_eq!(moved["group_id"], 1);
}
