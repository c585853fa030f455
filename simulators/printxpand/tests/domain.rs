//! The batch rules beyond the seed's examples: malformed bodies, the category tree,
//! the designer callbacks, and the import check of a whole store.

use serde_json::{Value, json};
use sim_printxpand::messages as m;
use sim_printxpand::state::{CategoryNode, MAX_CATEGORY_DEPTH};
use sim_printxpand::{Kind, Malformed, Snapshot, State, fixture, process};

fn run(state: &mut State, kind: Kind, body: Value) -> (u16, Vec<Value>) {
    let a = process(state, kind, &body).unwrap();
    let entries = a.body[0]["response"].as_array().unwrap().clone();
    (a.status, entries)
}

fn message(entries: &[Value], n: usize) -> &str {
    entries[n]["message"].as_str().unwrap()
}

#[test]
fn malformed_bodies_change_nothing() {
    let mut state = fixture();
    let before = state.snapshot();
    let cases = [
        (Kind::CustomerCreate, json!([1]), Malformed::NotAnObject),
        (
            Kind::CustomerCreate,
            json!({"customers": {}}),
            Malformed::MissingKey("customer"),
        ),
        (
            Kind::CategoryCreate,
            json!({"category": "101"}),
            Malformed::NotAnArray {
                key: "category",
                value: json!("101"),
            },
        ),
        (
            Kind::ProductDelete,
            json!({"product": null}),
            Malformed::MissingKey("product"),
        ),
        (Kind::OrderCreate, json!("order"), Malformed::NotAnObject),
    ];
    for (kind, body, want) in cases {
        assert_eq!(process(&mut state, kind, &body), Err(want));
    }
    assert_eq!(state.snapshot(), before);
    assert_eq!(
        Malformed::MissingKey("order").to_string(),
        "the request body has no \"order\""
    );
}

#[test]
fn an_empty_batch_answers_an_empty_success() {
    let mut state = fixture();
    let a = process(&mut state, Kind::CategoryDelete, &json!({"category": []})).unwrap();
    assert_eq!((a.status, a.body), (200, json!([{"response": []}])));
}

#[test]
fn customer_emails_are_unique_ignoring_case_and_updates_change_only_the_names() {
    let mut state = fixture();
    let (status, e) = run(
        &mut state,
        Kind::CustomerCreate,
        json!({"customer": {
            "a": {"id": "5", "email": "Mscolne08@Gmail.com"},
            "b": {"id": 1234001, "first_name": "M", "email": "new@example.com"},
            "c": {"id": "6", "email": "six@example.com"},
            "d": {"id": "7", "email": "SIX@example.com"},
            "e": "not an object"
        }}),
    );
    assert_eq!(status, 201);
    assert_eq!(message(&e, 0), m::CUSTOMER_EMAIL_EXISTS);
    assert_eq!(e[0]["code"], json!(400));
    assert_eq!(message(&e, 1), m::CUSTOMER_UPDATED);
    assert_eq!(e[1]["id"], json!(1234001));
    assert_eq!(message(&e, 2), m::CUSTOMER_CREATED);
    assert_eq!(message(&e, 3), m::CUSTOMER_EMAIL_EXISTS);
    assert_eq!(
        e[4],
        json!({"code": 404, "status": "error", "message": m::CUSTOMER_INVALID_ID})
    );
    let c = state.customers().get("1234001").unwrap();
    assert_eq!(c.first_name.as_deref(), Some("M"));
    assert_eq!(c.last_name.as_deref(), Some("Colone"));
    assert_eq!(c.email.as_deref(), Some("mscolne08@gmail.com"));
    assert_eq!(state.customer_by_email("Six@Example.com").unwrap().id, "6");
    assert!(!state.customers().contains("5") && !state.customers().contains("7"));
}

#[test]
fn categories_form_a_tree_that_cannot_loop() {
    let mut state = fixture();
    let (status, e) = run(
        &mut state,
        Kind::CategoryCreate,
        json!({"category": {
            "1": {"id": "1", "name": "A", "parent_id": 0},
            "2": {"id": "2", "name": "B", "parent_id": "1"},
            "3": {"id": "3", "name": "C", "parent_id": 2},
            "4": {"id": "1", "name": "A", "parent_id": "3"},
            "5": {"id": "2", "name": "B", "parent_id": "2"},
            "6": {"id": "4", "name": "D", "parent_id": "404"},
            "7": {"id": "4", "name": "D", "status": 7},
            "8": {"id": "4", "name": "D", "parent_id": "1", "status": "0"}
        }}),
    );
    assert_eq!(status, 201);
    let msgs: Vec<&str> = (0..8).map(|n| message(&e, n)).collect();
    assert_eq!(
        msgs,
        [
            m::CATEGORY_CREATED,
            m::CATEGORY_CREATED,
            m::CATEGORY_CREATED,
            m::CATEGORY_PROPER_DATA,
            m::CATEGORY_PROPER_DATA,
            m::CATEGORY_PROPER_DATA,
            m::CATEGORY_PROPER_DATA,
            m::CATEGORY_CREATED,
        ]
    );
    assert_eq!(e[3]["id"], json!(1));
    assert_eq!(state.categories().get("1").unwrap().parent_id, None);
    assert_eq!(state.categories().get("4").unwrap().status, 0);
    let kids: Vec<&str> = state.children("1").map(|c| c.id.as_str()).collect();
    assert_eq!(kids, ["2", "4"]);

    // A product in the subtree loses the categories deleted with it.
    let (status, _) = run(
        &mut state,
        Kind::ProductCreate,
        json!({"product": {"p": {"id": 1, "name": "P", "type": "simple", "category_id": "3,102"}}}),
    );
    assert_eq!(status, 200);
    let (status, e) = run(
        &mut state,
        Kind::CategoryDelete,
        json!({"category": ["1", "3"]}),
    );
    assert_eq!(status, 201);
    assert_eq!(message(&e, 1), m::CATEGORY_NOT_FOUND);
    for id in ["1", "2", "3", "4"] {
        assert!(!state.categories().contains(id), "{id}");
    }
    assert_eq!(state.products().get("1").unwrap().category_ids, ["102"]);
    assert!(state.snapshot().validate().is_ok());
}

#[test]
fn products_validate_in_the_seeds_order() {
    let mut state = fixture();
    let base = json!({"id": 1, "name": "P", "type": "configurable", "category_id": "102",
        "attribute_names": "Size,Color",
        "variations": {"a": {"id": 2, "attributes": [{"name": "Size", "option": "M"}, {"name": "Color", "option": "Red"}]}}});
    let with = |k: &str, v: Value| {
        let mut p = base.clone();
        p[k] = v;
        p
    };
    let cases = [
        (with("type", json!("Configurable")), None),
        (with("type", json!("bundle")), Some(m::PRODUCT_PROPER_DATA)),
        (
            with("special_price", json!("x")),
            Some(m::PRODUCT_INVALID_SPECIAL_PRICE),
        ),
        (with("special_price", json!(5)), None),
        (
            with("attribute_names", json!("Size")),
            Some(m::PRODUCT_CONFIGURABLE_ATTRIBUTES),
        ),
        (
            with("variations", json!({})),
            Some(m::PRODUCT_CONFIGURABLE_ATTRIBUTES),
        ),
        (
            with("category_id", json!("102,5")),
            Some(m::PRODUCT_CATEGORY_NOT_FOUND),
        ),
        (
            with("custom_options", json!([{"title": "T", "type": "colour"}])),
            Some(m::PRODUCT_INVALID_CUSTOM_OPTIONS),
        ),
        (
            with("custom_options", json!([{"title": "T", "type": "radio"}])),
            Some(m::PRODUCT_INVALID_CUSTOM_OPTIONS),
        ),
        (
            with(
                "custom_options",
                json!([{"title": "T", "type": "radio", "values": [{"title": "a"}]}]),
            ),
            None,
        ),
        (
            with("tier_price", json!([{"price": "1"}])),
            Some(m::PRODUCT_INVALID_TIER_PRICE),
        ),
    ];
    for (n, (item, want)) in cases.into_iter().enumerate() {
        let (_, e) = run(
            &mut state,
            Kind::ProductCreate,
            json!({"product": {"x": item}}),
        );
        match want {
            Some(msg) => {
                assert_eq!(message(&e, 0), msg, "case {n}");
                assert_eq!(e[0]["id"], json!(1), "case {n}");
            }
            None => assert_eq!(e[0]["status"], "success", "case {n}: {e:?}"),
        }
    }
    // An update keeps what it does not send.
    let p = state.products().get("1").unwrap();
    assert_eq!(p.category_ids, ["102"]);
    assert_eq!(p.custom_options.len(), 1);
    assert_eq!(p.custom_options[0].values[0].title, "a");
}

#[test]
fn designer_callbacks_come_only_from_applied_products_that_enable_it() {
    let mut state = fixture();
    let a = process(
        &mut state,
        Kind::ProductCreate,
        &json!({"product": {
            "a": {"id": "501", "name": "A", "type": "simple", "enable_product_designer": 1,
                  "images": [{"src": "https://img/a.png"}, {"src": "https://img/b.png"}]},
            "b": {"id": 502, "name": "B", "type": "simple", "enable_product_designer": 0},
            "c": {"id": 503, "name": "", "type": "simple", "enable_product_designer": 1},
            "d": {"id": 10002, "name": "D", "type": "simple", "enable_product_designer": "1"}
        }}),
    )
    .unwrap();
    assert_eq!(a.status, 201);
    assert_eq!(a.designer_calls.len(), 2);
    assert_eq!(
        a.designer_calls[0].payload("http://127.0.0.1:8083/"),
        json!({"image_url": "https://img/a.png",
               "designer_url": "http://127.0.0.1:8083/productdesigner/index/index/id/501",
               "enable_product_designer": 1, "integration_product_id": 501})
    );
    assert_eq!(a.designer_calls[1].product_id, "10002");
    assert_eq!(a.designer_calls[1].image_url, "image_url");
}

#[test]
fn orders_need_their_lists_a_sub_total_and_a_name() {
    let mut state = fixture();
    let ok = json!({"order_id": 7, "sub_total": "1", "shipping_address": {"name": "N"},
        "design_id": [], "item_price": [], "item_qty": []});
    let mut no_name = ok.clone();
    no_name["shipping_address"] = json!({"city": "X"});
    let mut no_list = ok.clone();
    no_list["item_qty"] = json!("1");
    let (status, e) = run(
        &mut state,
        Kind::OrderCreate,
        json!({"order": {"a": ok, "b": no_name, "c": no_list, "d": {"order_id": ""}, "e": ok}}),
    );
    assert_eq!(status, 201);
    let msgs: Vec<&str> = (0..5).map(|n| message(&e, n)).collect();
    assert_eq!(
        msgs,
        [
            m::ORDER_CREATED,
            m::ORDER_PROPER_DATA,
            m::ORDER_PROPER_DATA,
            m::ORDER_INVALID_ID,
            m::ORDER_UPDATED
        ]
    );
    assert_eq!(e[0]["id"], json!(7));
    assert!(e[3].get("id").is_none());
}

#[test]
fn the_store_round_trips_through_its_json() {
    let state = fixture();
    let text = serde_json::to_string(&state).unwrap();
    let back: State = serde_json::from_str(&text).unwrap();
    assert_eq!(back.snapshot(), state.snapshot());
    assert_eq!(
        back.customer_by_email("GEORGE.KISTY78@gmail.com")
            .unwrap()
            .id,
        "1234517"
    );
}

fn snapshot(v: Value) -> Snapshot {
    serde_json::from_value(v).unwrap()
}

#[test]
fn an_imported_store_is_checked_whole() {
    let bad = [
        (
            json!({"customers": [{"id": "1"}, {"id": "1"}]}),
            "customers: id 1 appears twice",
        ),
        (
            json!({"customers": [{"id": "1", "email": "a@b"}, {"id": "2", "email": "A@B"}]}),
            "customers: 1 and 2 have the e-mail A@B",
        ),
        (
            json!({"categories": [{"id": "1", "name": "a", "parent_id": "9"}]}),
            "categories: 1's parent 9 does not exist",
        ),
        (
            json!({"categories": [{"id": "1", "name": "a", "parent_id": "2"}, {"id": "2", "name": "b", "parent_id": "1"}]}),
            "categories: 1 is in a cycle",
        ),
        (
            json!({"categories": [{"id": "1", "name": "a", "parent_id": "1"}]}),
            "categories: 1 is in a cycle",
        ),
        (
            json!({"products": [{"id": "1", "name": "a", "type": "simple", "category_ids": ["4"]}]}),
            "products: 1's category 4 does not exist",
        ),
        (
            json!({"orders": [{"order_id": "", "sub_total": "1", "shipping_address": {"name": "n"}, "design_id": [], "item_price": [], "item_qty": []}]}),
            "orders: an empty id",
        ),
    ];
    for (v, want) in bad {
        assert_eq!(snapshot(v.clone()).validate(), Err(want.to_owned()), "{v}");
        assert!(serde_json::from_value::<State>(v).is_err());
    }
    assert!(serde_json::from_value::<State>(json!({"customer": []})).is_err());
}

/// Ids 1..=n, each the child of the one before.
fn chain(n: usize) -> Snapshot {
    let categories: Vec<Value> = (1..=n)
        .map(|i| {
            let parent = if i == 1 {
                Value::Null
            } else {
                json!((i - 1).to_string())
            };
            json!({"id": i.to_string(), "name": "c", "parent_id": parent})
        })
        .collect();
    snapshot(json!({"categories": categories}))
}

#[test]
fn deep_category_chains_are_checked_without_recursion() {
    let n: usize = 20_000;
    let mut s = chain(n);
    assert_eq!(
        s.validate(),
        Err(format!(
            "categories: 41 is 41 levels deep; at most {MAX_CATEGORY_DEPTH}"
        ))
    );
    s.categories[0].parent_id = Some(n.to_string());
    assert_eq!(s.validate(), Err("categories: 1 is in a cycle".into()));
}

#[test]
fn categories_go_at_most_forty_levels_deep_and_show_as_a_tree() {
    let s = chain(MAX_CATEGORY_DEPTH);
    assert_eq!(s.validate(), Ok(()));
    let mut state = State::try_from(s).unwrap();
    let deepest = MAX_CATEGORY_DEPTH.to_string();
    let (status, e) = run(
        &mut state,
        Kind::CategoryCreate,
        json!({"category": {
            "a": {"id": "x", "name": "c"},
            "b": {"id": "1", "name": "c", "parent_id": deepest},
            "c": {"id": "too-deep", "name": "c", "parent_id": deepest},
            "d": {"id": "1", "name": "c", "parent_id": "x"},
            "e": {"id": "x", "name": "c", "parent_id": "39"},
        }}),
    );
    assert_eq!(status, 201);
    // A root; a loop; a 41st level; the 40-level chain moved one level down; a leaf
    // moved to the 40th level.
    assert_eq!(message(&e, 0), m::CATEGORY_CREATED);
    assert_eq!(message(&e, 1), m::CATEGORY_PROPER_DATA);
    assert_eq!(
        (e[2]["code"].clone(), message(&e, 2)),
        (json!(400), m::CATEGORY_TOO_DEEP)
    );
    assert_eq!(message(&e, 3), m::CATEGORY_TOO_DEEP);
    assert_eq!(message(&e, 4), m::CATEGORY_UPDATED);

    // The tree view nests every level, in creation order.
    let tree = state.category_tree();
    assert_eq!(tree.len(), 1);
    let mut node = &tree[0];
    for level in 1..MAX_CATEGORY_DEPTH {
        assert_eq!(node.id, level.to_string());
        if level == 39 {
            let ids: Vec<&str> = node.children.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, ["40", "x"]);
        }
        node = &node.children[0];
    }
    assert!(node.children.is_empty());
    let flat = CategoryNode::flatten(tree);
    assert_eq!(flat.len(), MAX_CATEGORY_DEPTH + 1);
    assert_eq!(flat[0].parent_id, None);
    assert_eq!(flat[MAX_CATEGORY_DEPTH].parent_id.as_deref(), Some("39"));

    // Deleting the root deletes the whole chain under it.
    let (status, _) = run(&mut state, Kind::CategoryDelete, json!({"category": ["1"]}));
    assert_eq!(status, 200);
    assert!(state.categories().is_empty());
    assert!(state.snapshot().validate().is_ok());
}

#[test]
fn maps_and_lists_are_both_batches() {
    // PHP walks a JSON object's values and a JSON list's elements alike.
    let mut state = fixture();
    let (status, e) = run(
        &mut state,
        Kind::CustomerCreate,
        json!({"customer": [{"id": "77", "email": "list@example.com"}]}),
    );
    assert_eq!((status, message(&e, 0)), (200, m::CUSTOMER_CREATED));
    let (status, e) = run(
        &mut state,
        Kind::ProductDelete,
        json!({"product": {"a": 10002}}),
    );
    assert_eq!((status, message(&e, 0)), (200, m::PRODUCT_DELETED));
    assert!(!state.products().contains("10002"));
}
