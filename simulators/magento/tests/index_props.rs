//! Property: after any sequence of requests, every derived index of the store (SKU,
//! URL key, category links, e-mail per website, masked cart ids, customer carts,
//! cart expiry, tokens, source items, reservation sums, sales channels, documents per
//! order) equals the index rebuilt from scratch — the indexes are never a second
//! source of truth. Requests go through the real HTTP pipeline.

mod common;

use common::{TestApp, spawn_app, us_address};
use proptest::prelude::*;
use reqwest::Method as M;
use serde_json::{Value, json};

const SKUS: &[&str] = &["tee", "cap", "mug", "bag"];
const NAMES: &[&str] = &["Blue Tee", "Red Cap", "Blue Tee", "Mug"];
const SOURCES: &[&str] = &["default", "ua-warehouse", "us-warehouse"];
const EMAILS: &[&str] = &["amy@example.com", "bob@example.com"];

#[derive(Debug, Clone)]
enum Op {
    /// POST /V1/products (SKU spelled upper-case when `shout`), in a category.
    SaveProduct {
        sku: usize,
        shout: bool,
        name: usize,
        category: Option<usize>,
    },
    /// PUT /V1/products/{sku} with another URL key.
    RenameUrlKey {
        sku: usize,
        name: usize,
    },
    DeleteProduct {
        sku: usize,
    },
    /// GET /V1/products/{sku}: fills the rendered-product cache, which every later
    /// change must drop.
    GetProduct {
        sku: usize,
        shout: bool,
    },
    StockItem {
        sku: usize,
        qty: u8,
    },
    SourceItem {
        sku: usize,
        source: usize,
        qty: u8,
    },
    DeleteSourceItem {
        sku: usize,
        source: usize,
    },
    CreateCategory {
        name: usize,
    },
    DeleteCategory {
        nth: usize,
    },
    CreateCustomer {
        email: usize,
        shout: bool,
    },
    DeleteCustomer {
        nth: usize,
    },
    CustomerToken {
        email: usize,
    },
    AdminToken,
    Checkout {
        sku: usize,
        qty: u8,
    },
    Invoice {
        nth: usize,
    },
    Ship {
        nth: usize,
    },
    Refund {
        nth: usize,
    },
    NewStock {
        website: bool,
    },
    AdvanceDays {
        days: u8,
    },
    RoundTrip,
    Reset,
}

fn op() -> impl Strategy<Value = Op> {
    let sku = 0..SKUS.len();
    prop_oneof![
        4 => (sku.clone(), any::<bool>(), 0..NAMES.len(), proptest::option::of(0..3usize))
            .prop_map(|(sku, shout, name, category)| Op::SaveProduct { sku, shout, name, category }),
        1 => (sku.clone(), 0..NAMES.len()).prop_map(|(sku, name)| Op::RenameUrlKey { sku, name }),
        1 => sku.clone().prop_map(|sku| Op::DeleteProduct { sku }),
        3 => (sku.clone(), any::<bool>()).prop_map(|(sku, shout)| Op::GetProduct { sku, shout }),
        1 => (sku.clone(), 0..20u8).prop_map(|(sku, qty)| Op::StockItem { sku, qty }),
        2 => (sku.clone(), 0..SOURCES.len(), 0..20u8)
            .prop_map(|(sku, source, qty)| Op::SourceItem { sku, source, qty }),
        1 => (sku.clone(), 0..SOURCES.len())
            .prop_map(|(sku, source)| Op::DeleteSourceItem { sku, source }),
        1 => (0..NAMES.len()).prop_map(|name| Op::CreateCategory { name }),
        1 => (0..4usize).prop_map(|nth| Op::DeleteCategory { nth }),
        2 => (0..EMAILS.len(), any::<bool>())
            .prop_map(|(email, shout)| Op::CreateCustomer { email, shout }),
        1 => (0..3usize).prop_map(|nth| Op::DeleteCustomer { nth }),
        1 => (0..EMAILS.len()).prop_map(|email| Op::CustomerToken { email }),
        1 => Just(Op::AdminToken),
        3 => (sku, 1..4u8).prop_map(|(sku, qty)| Op::Checkout { sku, qty }),
        1 => (0..3usize).prop_map(|nth| Op::Invoice { nth }),
        1 => (0..3usize).prop_map(|nth| Op::Ship { nth }),
        1 => (0..3usize).prop_map(|nth| Op::Refund { nth }),
        1 => any::<bool>().prop_map(|website| Op::NewStock { website }),
        1 => (1..40u8).prop_map(|days| Op::AdvanceDays { days }),
        1 => Just(Op::RoundTrip),
        1 => Just(Op::Reset),
    ]
}

fn sku(i: usize, shout: bool) -> String {
    if shout {
        SKUS[i].to_ascii_uppercase()
    } else {
        SKUS[i].to_owned()
    }
}

/// The `nth` key of a collection in the exported state, if any.
fn nth_id(state: &Value, collection: &str, nth: usize) -> Option<String> {
    state[collection]
        .as_object()
        .and_then(|m| m.keys().nth(nth).cloned())
}

async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> u16 {
    let url = format!("{}/__sim/{path}", app.handle.base_url());
    let mut req = app.client.request(method.parse().expect("method"), url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.expect("admin request").status().as_u16()
}

async fn export(app: &TestApp) -> Value {
    let url = format!("{}/__sim/state", app.handle.base_url());
    app.client
        .get(url)
        .send()
        .await
        .expect("export")
        .json()
        .await
        .expect("state json")
}

/// Runs `op`; returns the statuses it got (only to count successes).
async fn apply(app: &TestApp, op: &Op) -> Vec<u16> {
    match op {
        Op::SaveProduct {
            sku: i,
            shout,
            name,
            category,
        } => {
            let mut product = json!({
                "sku": sku(*i, *shout), "name": NAMES[*name], "price": 10,
                "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4,
                "extension_attributes": {"stock_item": {"qty": 20, "is_in_stock": true}}
            });
            if let Some(c) = category {
                let id = [2, 3, 4][*c];
                product["extension_attributes"]["category_links"] =
                    json!([{"position": 0, "category_id": id.to_string()}]);
            }
            vec![
                app.post("/V1/products", json!({"product": product}))
                    .await
                    .0,
            ]
        }
        Op::RenameUrlKey { sku: i, name } => {
            let key = format!(
                "{}-{i}",
                NAMES[*name].to_ascii_lowercase().replace(' ', "-")
            );
            let body = json!({"product": {"custom_attributes": [
                {"attribute_code": "url_key", "value": key}
            ]}});
            vec![app.put(&format!("/V1/products/{}", SKUS[*i]), body).await.0]
        }
        Op::GetProduct { sku: i, shout } => {
            vec![
                app.get(&format!("/V1/products/{}", sku(*i, *shout)))
                    .await
                    .0,
            ]
        }
        Op::DeleteProduct { sku: i } => {
            vec![
                app.delete(&format!("/V1/products/{}", sku(*i, true)))
                    .await
                    .0,
            ]
        }
        Op::StockItem { sku: i, qty } => {
            let body = json!({"stockItem": {"qty": qty, "is_in_stock": *qty > 0}});
            vec![
                app.put(&format!("/V1/products/{}/stockItems/1", SKUS[*i]), body)
                    .await
                    .0,
            ]
        }
        Op::SourceItem {
            sku: i,
            source,
            qty,
        } => {
            let body = json!({"sourceItems": [{
                "sku": sku(*i, *qty % 2 == 0), "source_code": SOURCES[*source],
                "quantity": qty, "status": 1
            }]});
            vec![app.post("/V1/inventory/source-items", body).await.0]
        }
        Op::DeleteSourceItem { sku: i, source } => {
            let body = json!({"sourceItems": [{"sku": SKUS[*i], "source_code": SOURCES[*source]}]});
            vec![app.post("/V1/inventory/source-items-delete", body).await.0]
        }
        Op::CreateCategory { name } => {
            let body =
                json!({"category": {"name": NAMES[*name], "parent_id": 2, "is_active": true}});
            vec![app.post("/V1/categories", body).await.0]
        }
        Op::DeleteCategory { nth } => {
            let state = export(app).await;
            // Only categories above the roots (the seed has 1 and 2).
            match nth_id(&state, "categories", nth + 2) {
                Some(id) => vec![app.delete(&format!("/V1/categories/{id}")).await.0],
                None => vec![],
            }
        }
        Op::CreateCustomer { email, shout } => {
            let email = if *shout {
                EMAILS[*email].to_ascii_uppercase()
            } else {
                EMAILS[*email].to_owned()
            };
            let body = json!({
                "customer": {"email": email, "firstname": "Amy", "lastname": "Lee"},
                "password": "Secret-Pass1"
            });
            vec![
                app.call_as(None, M::POST, "/V1/customers", Some(body))
                    .await
                    .0,
            ]
        }
        Op::DeleteCustomer { nth } => {
            let state = export(app).await;
            match nth_id(&state, "customers", *nth) {
                Some(id) => vec![app.delete(&format!("/V1/customers/{id}")).await.0],
                None => vec![],
            }
        }
        Op::CustomerToken { email } => {
            let body = json!({"username": EMAILS[*email], "password": "Secret-Pass1"});
            let (status, token) = app
                .call_as(None, M::POST, "/V1/integration/customer/token", Some(body))
                .await;
            let mut out = vec![status];
            if let Some(token) = token.as_str() {
                // A customer cart through the token: the per-customer cart index.
                out.push(
                    app.call_as(Some(token), M::POST, "/V1/carts/mine", None)
                        .await
                        .0,
                );
            }
            out
        }
        Op::AdminToken => {
            let body = json!({"username": "admin", "password": "cartsim-admin-1"});
            vec![
                app.call_as(None, M::POST, "/V1/integration/admin/token", Some(body))
                    .await
                    .0,
            ]
        }
        Op::Checkout { sku: i, qty } => {
            let (status, cart) = app.call_as(None, M::POST, "/V1/guest-carts", None).await;
            let Some(cart) = cart.as_str().map(str::to_owned) else {
                return vec![status];
            };
            let email = "guest@example.com";
            let steps = [
                (
                    format!("/V1/guest-carts/{cart}/items"),
                    json!({"cartItem": {"sku": SKUS[*i], "qty": qty, "quote_id": cart}}),
                ),
                (
                    format!("/V1/guest-carts/{cart}/shipping-information"),
                    json!({"addressInformation": {
                        "shipping_address": us_address(email),
                        "billing_address": us_address(email),
                        "shipping_carrier_code": "flatrate",
                        "shipping_method_code": "flatrate"
                    }}),
                ),
                (
                    format!("/V1/guest-carts/{cart}/payment-information"),
                    json!({"email": email, "paymentMethod": {"method": "checkmo"}}),
                ),
            ];
            let mut out = vec![status];
            for (path, body) in steps {
                let (status, _) = app.call_as(None, M::POST, &path, Some(body)).await;
                out.push(status);
                if status != 200 {
                    break;
                }
            }
            out
        }
        Op::Invoice { nth } | Op::Ship { nth } | Op::Refund { nth } => {
            let state = export(app).await;
            let Some(id) = nth_id(&state, "orders", *nth) else {
                return vec![];
            };
            let action = match op {
                Op::Invoice { .. } => "invoice",
                Op::Ship { .. } => "ship",
                _ => "refund",
            };
            vec![
                app.post(&format!("/V1/order/{id}/{action}"), json!({}))
                    .await
                    .0,
            ]
        }
        Op::NewStock { website } => {
            let channels = if *website {
                json!([{"type": "website", "code": "base"}])
            } else {
                json!([])
            };
            let body = json!({"stock": {"name": "Extra", "extension_attributes": {"sales_channels": channels}}});
            vec![app.post("/V1/inventory/stocks", body).await.0]
        }
        Op::AdvanceDays { days } => {
            let body = json!({"seconds": u64::from(*days) * 86_400});
            vec![admin(app, "POST", "clock/advance", Some(body)).await]
        }
        Op::RoundTrip => {
            let state = export(app).await;
            vec![admin(app, "PUT", "state", Some(state)).await]
        }
        Op::Reset => vec![admin(app, "POST", "reset", None).await],
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn indexes_always_equal_a_rebuild(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = runtime();
        let outcome: Result<(), TestCaseError> = rt.block_on(async {
            let app = spawn_app().await;
            for (n, op) in ops.iter().enumerate() {
                let statuses = apply(&app, op).await;
                prop_assert!(
                    statuses.iter().all(|s| *s < 500),
                    "step {n} {op:?} answered {statuses:?}"
                );
                let checked = app.handle.magento().with_state(|s| s.check_indexes());
                prop_assert!(checked.is_ok(), "after step {n} {op:?}: {checked:?}");
            }
            Ok(())
        });
        outcome?;
    }
}

/// The sequence above must really build what the indexes hold: a scripted run that
/// fills every index, checked the same way (so the property cannot pass on an empty
/// store).
#[test]
fn a_scripted_run_fills_every_index() {
    let rt = runtime();
    rt.block_on(async {
        let app = spawn_app().await;
        let script = [
            Op::CreateCategory { name: 3 },
            Op::SaveProduct {
                sku: 0,
                shout: false,
                name: 0,
                category: Some(1),
            },
            Op::SourceItem {
                sku: 0,
                source: 1,
                qty: 9,
            },
            Op::SaveProduct {
                sku: 1,
                shout: true,
                name: 1,
                category: None,
            },
            Op::CreateCustomer {
                email: 0,
                shout: true,
            },
            Op::CustomerToken { email: 0 },
            Op::Checkout { sku: 0, qty: 2 },
            Op::Invoice { nth: 0 },
            Op::Ship { nth: 0 },
            Op::NewStock { website: true },
        ];
        for op in &script {
            let statuses = apply(&app, op).await;
            assert!(statuses.iter().all(|s| *s == 200), "{op:?}: {statuses:?}");
        }
        let state = app.handle.magento().snapshot();
        state.check_indexes().expect("indexes match a rebuild");
        assert!(
            state.products.by_sku("TEE").is_some(),
            "SKU lookup folds case"
        );
        assert!(state.customers.by_email("amy@example.com", 1).is_some());
        assert!(state.orders.len() == 1 && state.shipments.of_order(1).count() == 1);
        assert_eq!(
            state.carts.len(),
            2,
            "a customer cart and the ordered guest cart"
        );
        assert!(
            state.reservations.sum("tee", 2) == 0.0,
            "placed −2, shipped +2"
        );
        // A month and a day later the carts are gone, as Magento's cron deletes them.
        assert_eq!(apply(&app, &Op::AdvanceDays { days: 31 }).await, vec![200]);
        // Any request runs the clean-up (the admin token has expired by now too).
        let (status, _) = app.get("/V1/store/storeViews").await;
        assert_eq!(status, 401);
        let state = app.handle.magento().snapshot();
        assert_eq!(state.carts.len(), 0, "expired quotes are deleted");
        state.check_indexes().expect("indexes match a rebuild");
    });
}
