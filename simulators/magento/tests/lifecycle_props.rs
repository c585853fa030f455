//! Properties of the order lifecycle (`sim_magento::lifecycle`), driven directly on
//! the seed state: random sequences of place / invoice / ship / cancel / hold /
//! unhold / refund, after each of which
//!
//! - a refused operation (an error, or `cancel` answering `false`) left the store
//!   exactly as it was, and an accepted one moved the order only along Magento's
//!   graph (reference §8.3), with the state's default status;
//! - salable quantity equals physical + reservations − min_qty (reference §7.5) for
//!   every SKU and stock, and the reservations of every SKU equal minus its ordered
//!   quantity not yet shipped, canceled or refunded;
//! - no source quantity is below zero (no product allows backorders), and item
//!   quantities and order totals stay within their bounds.

use proptest::prelude::*;
use serde_json::json;
use sim_magento::State;
use sim_magento::carts;
use sim_magento::catalog::Product;
use sim_magento::lifecycle::{self, DocInput, ItemQty, RefundInput, ShipInput};
use sim_magento::msi;
use sim_magento::sales::Order;
use time::OffsetDateTime;
use time::macros::datetime;

/// (SKU, out-of-stock threshold, ua-warehouse qty, us-warehouse qty).
const PRODUCTS: &[(&str, f64, f64, f64)] = &[("tee", 0.0, 6.0, 3.0), ("cap", 1.0, 4.0, 4.0)];
const SOURCES: &[Option<&str>] = &[None, Some("ua-warehouse"), Some("us-warehouse")];
const NOW: OffsetDateTime = datetime!(2025-07-21 21:00:00 UTC);

#[derive(Debug, Clone)]
enum Op {
    /// Guest checkout of (product, qty) lines.
    Place(Vec<(usize, u8)>),
    /// Invoice order `n % orders`, everything or one line of `qty`.
    Invoice(usize, Option<u8>),
    /// Ship, everything or one line of `qty`, from a source (or the default).
    Ship(usize, Option<u8>, usize),
    /// Refund, everything or one line of `qty`, returning shipped goods or not.
    Refund(usize, Option<u8>, bool),
    Cancel(usize),
    Hold(usize),
    Unhold(usize),
}

fn place_op() -> impl Strategy<Value = Op> {
    prop::collection::vec((0..PRODUCTS.len(), 1..4u8), 1..3).prop_map(Op::Place)
}

/// Sequences of up to 12 operations that start with a placement.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    (place_op(), prop::collection::vec(op(), 0..=11)).prop_map(|(first, mut rest)| {
        rest.insert(0, first);
        rest
    })
}

fn op() -> impl Strategy<Value = Op> {
    // Mostly the first two orders, so that sequences pile up on one order.
    let n = prop_oneof![3 => 0..2usize, 1 => 0..8usize];
    let part = prop::option::weighted(0.4, 0..4u8);
    prop_oneof![
        2 => place_op(),
        3 => (n.clone(), part.clone()).prop_map(|(o, q)| Op::Invoice(o, q)),
        3 => (n.clone(), part.clone(), 0..SOURCES.len()).prop_map(|(o, q, s)| Op::Ship(o, q, s)),
        3 => (n.clone(), part, any::<bool>()).prop_map(|(o, q, r)| Op::Refund(o, q, r)),
        1 => n.clone().prop_map(Op::Cancel),
        1 => n.clone().prop_map(Op::Hold),
        2 => n.prop_map(Op::Unhold),
    ]
}

fn product(id: u64, sku: &str, min_qty: f64) -> Product {
    serde_json::from_value(json!({
        "id": id, "sku": sku, "name": format!("Product {sku}"), "price": 10,
        "attribute_set_id": 4, "status": 1, "visibility": 4, "type_id": "simple",
        "created_at": "2025-07-21 20:49:08", "updated_at": "2025-07-21 20:49:08",
        "website_ids": [1],
        "stock_item": {
            "item_id": id, "product_id": id, "stock_id": 1, "qty": 0, "is_in_stock": true,
            "is_qty_decimal": false, "show_default_notification_message": false,
            "use_config_min_qty": min_qty == 0.0, "min_qty": min_qty, "use_config_min_sale_qty": 1,
            "min_sale_qty": 1, "use_config_max_sale_qty": true, "max_sale_qty": 10000,
            "use_config_backorders": true, "backorders": 0, "use_config_notify_stock_qty": true,
            "notify_stock_qty": 1, "use_config_qty_increments": true, "qty_increments": 0,
            "use_config_enable_qty_inc": true, "enable_qty_increments": false,
            "use_config_manage_stock": true, "manage_stock": true, "low_stock_date": null,
            "is_decimal_divided": false, "stock_status_changed_auto": 0
        }
    }))
    .expect("a valid product")
}

fn store() -> State {
    let mut s = sim_magento::fixtures::default_state();
    for (i, (sku, min_qty, ua, us)) in PRODUCTS.iter().enumerate() {
        let p = product(900 + i as u64, sku, *min_qty);
        s.products.insert(p);
        msi::save_source_items(
            &mut s,
            [("ua-warehouse", *ua), ("us-warehouse", *us)]
                .into_iter()
                .map(|(code, qty)| msi::SourceItemInput {
                    sku: Some((*sku).to_owned()),
                    source_code: Some(code.to_owned()),
                    quantity: Some(qty),
                    status: Some(1),
                })
                .collect(),
        )
        .expect("source items");
    }
    s
}

fn place(state: &mut State, lines: &[(usize, u8)]) -> Result<u64, sim_magento::MagentoError> {
    let cart = carts::create(state, 1, None, NOW);
    for (p, qty) in lines {
        carts::add_item(
            state,
            cart,
            &json!({"sku": PRODUCTS[*p].0, "qty": qty}),
            NOW,
        )?;
    }
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
    )?;
    let placement = carts::bind_placement(
        &json!({"email": "j@example.com", "paymentMethod": {"method": "checkmo"}}),
        true,
    )?;
    carts::place_order(state, cart, placement, NOW)
}

/// A one-line request for the first item of `order` with `qty`, or everything.
fn lines(order: &Order, qty: Option<u8>) -> Vec<ItemQty> {
    qty.map(|q| {
        vec![ItemQty {
            order_item_id: order.items[0].item_id as i64,
            qty: f64::from(q),
        }]
    })
    .unwrap_or_default()
}

/// What an accepted operation may do to the order's state (reference §8.3).
fn allowed(op: &Op, before: &Order, after: &Order) -> bool {
    let (from, to) = (before.state.as_str(), after.state.as_str());
    match op {
        Op::Place(_) => true,
        Op::Invoice(..) | Op::Ship(..) => {
            matches!(from, "new" | "processing") && matches!(to, "processing" | "complete")
        }
        Op::Refund(..) => {
            matches!(from, "processing" | "complete")
                && matches!(to, "processing" | "complete" | "closed")
        }
        Op::Cancel(_) => {
            matches!(from, "new" | "processing")
                && matches!(to, "canceled" | "processing" | "complete")
        }
        Op::Hold(_) => matches!(from, "new" | "processing") && to == "holded",
        Op::Unhold(_) => from == "holded" && before.hold_before_state.as_deref() == Some(to),
    }
}

/// States in which the operation must be refused.
fn forbidden(op: &Op, state: &str) -> bool {
    match op {
        Op::Place(_) => false,
        Op::Invoice(..) | Op::Cancel(_) | Op::Hold(_) => {
            matches!(state, "holded" | "canceled" | "complete" | "closed")
        }
        Op::Ship(..) => matches!(state, "holded" | "canceled" | "closed"),
        Op::Refund(..) => matches!(state, "new" | "holded" | "canceled" | "closed"),
        Op::Unhold(_) => state != "holded",
    }
}

/// Runs `op`; `Some(order id)` of the order it addressed when it was accepted,
/// `None` when refused; `Err` when there was no order to address.
fn apply(state: &mut State, op: &Op) -> Result<(u64, bool), ()> {
    if let Op::Place(l) = op {
        let before = state.clone();
        return match place(state, l) {
            Ok(id) => Ok((id, true)),
            Err(_) => {
                // Cart creation is not part of the property: roll it back.
                *state = before;
                Err(())
            }
        };
    }
    let ids: Vec<u64> = state.orders.keys().copied().collect();
    let n = match op {
        Op::Invoice(n, _)
        | Op::Ship(n, ..)
        | Op::Refund(n, ..)
        | Op::Cancel(n)
        | Op::Hold(n)
        | Op::Unhold(n) => *n,
        Op::Place(_) => 0,
    };
    let id = *ids.get(n % ids.len().max(1)).ok_or(())?;
    let order = state.orders[&id].clone();
    let ok = match op {
        Op::Invoice(_, q) => lifecycle::invoice(
            state,
            id,
            &DocInput {
                items: lines(&order, *q),
                ..DocInput::default()
            },
            NOW,
        )
        .is_ok(),
        Op::Ship(_, q, s) => lifecycle::ship(
            state,
            id,
            &ShipInput {
                doc: DocInput {
                    items: lines(&order, *q),
                    ..DocInput::default()
                },
                source_code: SOURCES[*s].map(str::to_owned),
                ..ShipInput::default()
            },
            NOW,
        )
        .is_ok(),
        Op::Refund(_, q, back) => lifecycle::refund(
            state,
            id,
            &RefundInput {
                doc: DocInput {
                    items: lines(&order, *q),
                    ..DocInput::default()
                },
                return_to_stock_items: if *back {
                    order.items.iter().map(|i| i.item_id as i64).collect()
                } else {
                    Vec::new()
                },
                ..RefundInput::default()
            },
            NOW,
        )
        .is_ok(),
        Op::Cancel(_) => lifecycle::cancel(state, id, NOW) == Ok(true),
        Op::Hold(_) => lifecycle::hold(state, id, NOW).is_ok(),
        Op::Unhold(_) => lifecycle::unhold(state, id, NOW).is_ok(),
        Op::Place(_) => unreachable!("handled above"),
    };
    Ok((id, ok))
}

fn check_inventory(state: &State) -> Result<(), TestCaseError> {
    let indexes = state.check_indexes();
    prop_assert!(indexes.is_ok(), "{indexes:?}");
    for item in &state.source_items {
        prop_assert!(item.quantity >= 0.0, "negative source item {item:?}");
    }
    for (sku, min_qty, ..) in PRODUCTS {
        for stock in [1u64, 2] {
            let sources: Vec<&str> = state
                .stock_source_links
                .iter()
                .filter(|l| l.stock_id == stock)
                .map(|l| l.source_code.as_str())
                .collect();
            let items: Vec<_> = state
                .source_items
                .iter()
                .filter(|i| i.sku == *sku && sources.contains(&i.source_code.as_str()))
                .collect();
            let physical: f64 = items
                .iter()
                .filter(|i| i.status == 1)
                .map(|i| i.quantity)
                .sum();
            let reserved: f64 = state
                .reservations
                .iter()
                .filter(|r| r.sku == *sku && r.stock_id == stock)
                .map(|r| r.quantity)
                .sum();
            let naive = physical + reserved - min_qty;
            let expected = if !items.is_empty() && naive > 0.0 {
                naive
            } else {
                0.0
            };
            let salable = msi::salable_qty(state, sku, stock as i64).expect("a simple product");
            prop_assert!(
                (salable - expected).abs() < 1e-9,
                "{sku}@{stock}: salable {salable}, expected {expected}"
            );
            // Every order sells from stock 2.
            let open: f64 = if stock == 2 {
                state
                    .orders
                    .values()
                    .flat_map(|o| &o.items)
                    .filter(|i| i.sku == *sku)
                    .map(|i| i.qty_unshipped())
                    .sum()
            } else {
                0.0
            };
            prop_assert!(
                (reserved + open).abs() < 1e-9,
                "{sku}@{stock}: reserved {reserved}, open {open}"
            );
        }
    }
    Ok(())
}

fn check_orders(state: &State) -> Result<(), TestCaseError> {
    for o in state.orders.values() {
        let expected = if o.state == "new" {
            "pending"
        } else {
            &o.state
        };
        prop_assert_eq!(&o.status, expected);
        for i in &o.items {
            prop_assert!(
                i.qty_invoiced + i.qty_canceled <= i.qty_ordered + 1e-9,
                "{i:?}"
            );
            prop_assert!(i.qty_shipped <= i.qty_ordered + 1e-9, "{i:?}");
            prop_assert!(i.qty_refunded <= i.qty_invoiced + 1e-9, "{i:?}");
        }
        let t = &o.totals;
        prop_assert!(t.total_refunded <= t.total_paid + 1e-9, "{t:?}");
        prop_assert!(t.total_paid <= o.grand_total + 1e-9, "{t:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn lifecycle_sequences_keep_magentos_rules(ops in ops()) {
        let mut state = store();
        check_inventory(&state)?;
        for op in &ops {
            let before = state.clone();
            let Ok((id, accepted)) = apply(&mut state, op) else {
                prop_assert_eq!(&state, &before);
                continue;
            };
            if let Some(prior) = before.orders.get(&id) {
                if accepted {
                    prop_assert!(
                        allowed(op, prior, &state.orders[&id]),
                        "{op:?}: {} → {}", prior.state, state.orders[&id].state
                    );
                    prop_assert!(!forbidden(op, &prior.state), "{op:?} accepted in {}", prior.state);
                } else {
                    prop_assert_eq!(&state, &before, "{:?} refused but changed the store", op);
                }
            }
            check_inventory(&state)?;
            check_orders(&state)?;
        }
    }
}
