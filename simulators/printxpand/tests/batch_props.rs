//! A random batch with k invalid items answers exactly k errors, in place, applies
//! exactly the valid ones, and answers 200, 201 or 400 accordingly.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sim_printxpand::{Kind, State, fixture, process};

/// One item: valid, or broken in one of a kind's ways (`defect` picks which).
#[derive(Debug, Clone)]
struct Item {
    valid: bool,
    defect: u8,
    numeric_id: bool,
}

fn item() -> impl Strategy<Value = Item> {
    (any::<bool>(), 0u8..5, any::<bool>()).prop_map(|(valid, defect, numeric_id)| Item {
        valid,
        defect,
        numeric_id,
    })
}

/// The id sent for item `n`: new to the fixture, as a string or a number.
fn id(n: usize, it: &Item) -> (String, Value) {
    let text = (900_000 + n).to_string();
    let sent = if it.numeric_id {
        json!(900_000 + n)
    } else {
        json!(text)
    };
    (text, sent)
}

/// The body item for `it`.
fn body_item(kind: Kind, n: usize, it: &Item) -> Value {
    let (_, sent) = id(n, it);
    match kind {
        Kind::CustomerCreate => {
            let mut c =
                json!({"id": sent, "first_name": "A", "email": format!("c{n}@example.com")});
            if !it.valid {
                match it.defect % 2 {
                    0 => c["id"] = json!(""),
                    _ => c["email"] = json!("GEORGE.kisty78@gmail.com"),
                }
            }
            c
        }
        Kind::CategoryCreate => {
            let mut c = json!({"id": sent, "name": "Cat", "parent_id": if n % 2 == 0 { json!(0) } else { json!("102") }});
            if !it.valid {
                match it.defect % 3 {
                    0 => c["id"] = json!(0),
                    1 => c["name"] = json!(""),
                    _ => c["parent_id"] = json!("777777"),
                }
            }
            c
        }
        Kind::ProductCreate => {
            let mut p = json!({"id": sent, "name": "P", "type": "simple", "category_id": "1001",
                "special_price": "", "tier_price": [{"price": "5", "qty": "2"}]});
            if !it.valid {
                match it.defect {
                    0 => p["name"] = json!(""),
                    1 => p["type"] = json!("bundle"),
                    2 => p["special_price"] = json!("abc"),
                    3 => p["category_id"] = json!("1001,777777"),
                    _ => p["tier_price"] = json!([{"price": "5", "qty": "x"}]),
                }
            }
            p
        }
        _ => {
            let mut o = json!({"order_id": sent, "sub_total": "10.00",
                "shipping_address": {"name": "N"},
                "design_id": ["1"], "item_price": ["10.00"], "item_qty": [1]});
            if !it.valid {
                match it.defect % 3 {
                    0 => o["item_qty"] = json!([1, 2]),
                    1 => o["shipping_address"] = json!({"name": ""}),
                    _ => o["sub_total"] = json!(""),
                }
            }
            o
        }
    }
}

fn count(state: &State, kind: Kind) -> usize {
    match kind {
        Kind::CustomerCreate => state.customers().len(),
        Kind::CategoryCreate | Kind::CategoryDelete => state.categories().len(),
        Kind::ProductCreate | Kind::ProductDelete => state.products().len(),
        Kind::OrderCreate => state.orders().len(),
    }
}

fn has(state: &State, kind: Kind, id: &str) -> bool {
    match kind {
        Kind::CustomerCreate => state.customers().contains(id),
        Kind::CategoryCreate | Kind::CategoryDelete => state.categories().contains(id),
        Kind::ProductCreate | Kind::ProductDelete => state.products().contains(id),
        Kind::OrderCreate => state.orders().contains(id),
    }
}

fn expected_status(k: usize, n: usize) -> u16 {
    match k {
        0 => 200,
        k if k == n => 400,
        _ => 201,
    }
}

fn check_entries(answer: &Value, items: &[Item]) -> Result<(), TestCaseError> {
    let entries = answer[0]["response"].as_array().unwrap();
    prop_assert_eq!(entries.len(), items.len());
    let k = items.iter().filter(|i| !i.valid).count();
    let errors = entries.iter().filter(|e| e["status"] == "error").count();
    prop_assert_eq!(errors, k);
    for (e, it) in entries.iter().zip(items) {
        prop_assert_eq!(e["status"] == "success", it.valid, "{}", e);
        let code = if it.valid {
            200
        } else {
            e["code"].as_u64().unwrap_or(0)
        };
        if k == 0 {
            prop_assert_eq!(&e["code"], &json!("200"));
        } else {
            prop_assert_eq!(e["code"].as_u64(), Some(code));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn creates_apply_exactly_the_valid_items(
        kind in prop::sample::select(vec![Kind::CustomerCreate, Kind::CategoryCreate, Kind::ProductCreate, Kind::OrderCreate]),
        items in prop::collection::vec(item(), 1..8),
    ) {
        let mut state = fixture();
        let before = count(&state, kind);
        let mut map = Map::new();
        for (n, it) in items.iter().enumerate() {
            map.insert(format!("k{n}"), body_item(kind, n, it));
        }
        let body = json!({ kind.key(): map });
        let answer = process(&mut state, kind, &body).unwrap();
        let k = items.iter().filter(|i| !i.valid).count();
        prop_assert_eq!(answer.status, expected_status(k, items.len()));
        check_entries(&answer.body, &items)?;
        for (n, it) in items.iter().enumerate() {
            let (text, sent) = id(n, it);
            prop_assert_eq!(has(&state, kind, &text), it.valid, "item {}", n);
            if it.valid {
                // Successes echo the id as sent (categories and products as a number).
                let want = match kind {
                    Kind::CategoryCreate | Kind::ProductCreate => json!(900_000 + n),
                    _ => sent,
                };
                prop_assert_eq!(&answer.body[0]["response"][n]["id"], &want);
            }
        }
        prop_assert_eq!(count(&state, kind), before + items.len() - k);
        prop_assert!(state.snapshot().validate().is_ok());
    }

    #[test]
    fn deletes_remove_exactly_the_ids_that_exist(
        products in any::<bool>(),
        picks in prop::collection::vec((any::<bool>(), 0usize..5), 1..6),
    ) {
        let kind = if products { Kind::ProductDelete } else { Kind::CategoryDelete };
        let existing: Vec<String> = if products {
            fixture().products().iter().map(|p| p.id.clone()).collect()
        } else {
            fixture().categories().iter().map(|c| c.id.clone()).collect()
        };
        // Each existing id at most once, so every found one is distinct.
        let mut used = std::collections::HashSet::new();
        let items: Vec<(Value, bool)> = picks.iter().enumerate().map(|(n, (found, i))| {
            let id = &existing[i % existing.len()];
            if *found && used.insert(id.clone()) {
                (json!(id), true)
            } else {
                (json!(800_000 + n), false)
            }
        }).collect();
        let mut state = fixture();
        let before = count(&state, kind);
        let ids: Vec<Value> = items.iter().map(|(v, _)| v.clone()).collect();
        let answer = process(&mut state, kind, &json!({ kind.key(): ids })).unwrap();
        let k = items.iter().filter(|(_, ok)| !ok).count();
        prop_assert_eq!(answer.status, expected_status(k, items.len()));
        let flags: Vec<Item> = items.iter().map(|(_, ok)| Item { valid: *ok, defect: 0, numeric_id: false }).collect();
        check_entries(&answer.body, &flags)?;
        for (n, (v, _)) in items.iter().enumerate() {
            prop_assert_eq!(&answer.body[0]["response"][n]["id"], v);
            let text = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
            prop_assert!(!has(&state, kind, &text));
        }
        // The fixture's categories are all roots, so nothing else goes with them.
        prop_assert_eq!(count(&state, kind), before + k - items.len());
        prop_assert!(state.snapshot().validate().is_ok());
    }
}
