//! Properties of the shipment track and document comment saves
//! (`sim_magento::lifecycle::save_track`, `delete_track`, `save_doc_comment`), driven
//! directly on a store with two invoiced, shipped and refunded orders: random
//! sequences of adds, updates, deletes and refused saves, after each of which
//!
//! - a refused save left the store exactly as it was;
//! - the kept indexes (track id → shipment, item id → order) equal rebuilt ones and
//!   every track is found through the track index in the shipment that lists it;
//! - the store still passes the import checks (`State::validate`): ids unique, below
//!   their counters, tracks with a number and a carrier code.

use proptest::prelude::*;
use serde_json::json;
use sim_magento::State;
use sim_magento::carts;
use sim_magento::lifecycle::{
    self, DocCommentInput, DocInput, DocKind, RefundInput, ShipInput, TrackInput,
};
use sim_magento::msi;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2025-07-21 21:00:00 UTC);
const TEXTS: &[&str] = &["", "0", "1Z-999", "hello"];
const KINDS: &[DocKind] = &[DocKind::Invoice, DocKind::Shipment, DocKind::Creditmemo];

#[derive(Debug, Clone)]
enum Op {
    /// Track on shipment `n`, naming its order (or the other one), with a number and
    /// a carrier code from [`TEXTS`] (or left out), maybe updating track `id`.
    Track {
        shipment: usize,
        right_order: bool,
        number: Option<usize>,
        carrier: Option<usize>,
        id: Option<u64>,
    },
    /// Delete track `id`.
    Delete(i64),
    /// Comment on document `n` of `kind`, text from [`TEXTS`], maybe updating `id`.
    Comment {
        kind: usize,
        parent: u64,
        text: Option<usize>,
        id: Option<i64>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let text = prop::option::weighted(0.9, 0..TEXTS.len());
    prop_oneof![
        4 => (0..3usize, prop::bool::weighted(0.8), text.clone(), text.clone(),
              prop::option::weighted(0.3, 0..6u64))
            .prop_map(|(shipment, right_order, number, carrier, id)| Op::Track {
                shipment, right_order, number, carrier, id
            }),
        2 => (-1..6i64).prop_map(Op::Delete),
        3 => (0..KINDS.len(), 0..4u64, text, prop::option::weighted(0.3, 0..8i64))
            .prop_map(|(kind, parent, text, id)| Op::Comment { kind, parent, text, id }),
    ]
}

fn place(state: &mut State, sku: &str) -> u64 {
    let cart = carts::create(state, 1, None, NOW);
    carts::add_item(state, cart, &json!({"sku": sku, "qty": 1}), NOW).expect("cart item");
    let address = json!({
        "firstname": "Jane", "lastname": "Doe", "street": ["1 Oak Ave"], "city": "Purchase",
        "postcode": "10577", "country_id": "US", "telephone": "512-555-1111",
        "email": "j@example.com", "region_id": 43, "region_code": "NY", "region": "New York"
    });
    carts::set_shipping_information(
        state,
        cart,
        &json!({"shipping_address": address, "billing_address": address,
                "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}),
        NOW,
    )
    .expect("shipping information");
    let placement = carts::bind_placement(
        &json!({"email": "j@example.com", "paymentMethod": {"method": "checkmo"}}),
        true,
    )
    .expect("placement");
    carts::place_order(state, cart, placement, NOW).expect("an order")
}

/// Two orders of one unit, each invoiced, shipped (with one track) and refunded.
fn store() -> State {
    let mut s = sim_magento::fixtures::default_state();
    let sku = "prop-tee";
    let product = serde_json::from_value(json!({
        "id": 900, "sku": sku, "name": "Prop tee", "price": 10, "attribute_set_id": 4,
        "status": 1, "visibility": 4, "type_id": "simple",
        "created_at": "2025-07-21 20:49:08", "updated_at": "2025-07-21 20:49:08",
        "website_ids": [1],
        "stock_item": {
            "item_id": 900, "product_id": 900, "stock_id": 1, "qty": 0, "is_in_stock": true,
            "is_qty_decimal": false, "show_default_notification_message": false,
            "use_config_min_qty": true, "min_qty": 0, "use_config_min_sale_qty": 1,
            "min_sale_qty": 1, "use_config_max_sale_qty": true, "max_sale_qty": 10000,
            "use_config_backorders": true, "backorders": 0, "use_config_notify_stock_qty": true,
            "notify_stock_qty": 1, "use_config_qty_increments": true, "qty_increments": 0,
            "use_config_enable_qty_inc": true, "enable_qty_increments": false,
            "use_config_manage_stock": true, "manage_stock": true, "low_stock_date": null,
            "is_decimal_divided": false, "stock_status_changed_auto": 0
        }
    }))
    .expect("a product");
    s.products.insert(product);
    s.next.product_id = 901;
    msi::save_source_items(
        &mut s,
        vec![msi::SourceItemInput {
            sku: Some(sku.to_owned()),
            source_code: Some("ua-warehouse".to_owned()),
            quantity: Some(10.0),
            status: Some(1),
        }],
    )
    .expect("source items");
    for _ in 0..2 {
        let order = place(&mut s, sku);
        lifecycle::invoice(&mut s, order, &DocInput::default(), NOW).expect("invoice");
        let ship = ShipInput {
            tracks: vec![("1Z-1".into(), Some("UPS".into()), "ups".into())],
            ..ShipInput::default()
        };
        lifecycle::ship(&mut s, order, &ship, NOW).expect("shipment");
        lifecycle::refund(&mut s, order, &RefundInput::default(), NOW).expect("credit memo");
    }
    s
}

fn text(i: Option<usize>) -> Option<String> {
    i.map(|i| TEXTS[i].to_owned())
}

/// Runs `op`: whether the store accepted it.
fn apply(state: &mut State, op: &Op) -> bool {
    match op {
        Op::Track {
            shipment,
            right_order,
            number,
            carrier,
            id,
        } => {
            let shipment_id = *shipment as i64 + 1;
            // Shipment n belongs to order n (both orders were shipped once, in turn).
            let order_id = if *right_order {
                shipment_id
            } else {
                3 - shipment_id
            };
            let input = TrackInput {
                entity_id: id.map(|i| i as i64),
                order_id: Some(order_id),
                parent_id: Some(shipment_id),
                track_number: text(*number),
                carrier_code: text(*carrier),
                ..TrackInput::default()
            };
            lifecycle::save_track(state, &input, NOW).is_ok()
        }
        Op::Delete(id) => lifecycle::delete_track(state, *id),
        Op::Comment {
            kind,
            parent,
            text: t,
            id,
        } => {
            let input = DocCommentInput {
                entity_id: *id,
                parent_id: Some(*parent as i64),
                comment: text(*t),
                ..DocCommentInput::default()
            };
            lifecycle::save_doc_comment(state, KINDS[*kind], &input, NOW).is_ok()
        }
    }
}

fn check(state: &State) -> Result<(), TestCaseError> {
    let indexes = state.check_indexes();
    prop_assert!(indexes.is_ok(), "{indexes:?}");
    for s in state.shipments.values() {
        for t in &s.tracks {
            let owner = state.shipments.of_child(t.entity_id).map(|o| o.entity_id);
            prop_assert_eq!(owner, Some(s.entity_id));
        }
        let ids: Vec<u64> = s.tracks.iter().map(|t| t.entity_id).collect();
        prop_assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "tracks out of order: {ids:?}"
        );
    }
    let valid = state.validate();
    prop_assert!(valid.is_ok(), "{valid:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn track_and_comment_saves_keep_the_store_whole(ops in prop::collection::vec(op(), 1..16)) {
        let mut state = store();
        check(&state)?;
        for op in &ops {
            let before = state.clone();
            if !apply(&mut state, op) {
                prop_assert_eq!(&state, &before, "{:?} refused but changed the store", op);
            }
            check(&state)?;
        }
    }
}
