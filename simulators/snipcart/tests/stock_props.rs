//! Property: any sequence of checkouts and inventory updates keeps every stock that
//! does not allow out-of-stock purchases at 0 or above, and `totalStock` equal to the
//! product's stock (`Single`) or the sum of its variants' (`Variant`); a refused
//! checkout changes nothing. Drives the domain functions directly (no HTTP).

use proptest::prelude::*;
use sim_snipcart::checkout::{self, CheckoutInput, CustomFieldInput, External, Ids, ItemInput};
use sim_snipcart::products::{self, InventoryInput, InventoryMethod, VariantInput, Variation};
use sim_snipcart::{Mode, State};
use time::macros::datetime;

const SIZES: [&str; 3] = ["16GB", "32GB", "128GB"];
const COLORS: [&str; 4] = ["Black", "Blue", "Red", "White"];

#[derive(Debug, Clone)]
enum Op {
    /// Lines: (the phone?, size, color, quantity).
    Checkout(Vec<(bool, usize, usize, i64)>),
    /// AP1 by variant: (size, color, stock, allow).
    PhoneVariants(Vec<(usize, usize, i64, bool)>),
    /// A product as Single: (the phone?, stock, allow).
    Single(bool, i64, bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::collection::vec((any::<bool>(), 0..3usize, 0..4usize, 1..6i64), 1..4)
            .prop_map(Op::Checkout),
        1 => proptest::collection::vec((0..3usize, 0..4usize, 0..6i64, any::<bool>()), 0..6)
            .prop_map(Op::PhoneVariants),
        1 => (any::<bool>(), 0..6i64, any::<bool>()).prop_map(|(p, s, a)| Op::Single(p, s, a)),
    ]
}

fn input(lines: &[(bool, usize, usize, i64)]) -> CheckoutInput {
    CheckoutInput {
        email: Some("p@example.com".into()),
        items: lines
            .iter()
            .map(|&(phone, size, color, quantity)| ItemInput {
                id: if phone { "AP1" } else { "HGW" }.into(),
                quantity,
                price: None,
                custom_fields: if phone {
                    vec![
                        CustomFieldInput {
                            name: "Size".into(),
                            value: SIZES[size].into(),
                        },
                        CustomFieldInput {
                            name: "Color".into(),
                            value: COLORS[color].into(),
                        },
                    ]
                } else {
                    Vec::new()
                },
                alternate_prices: Default::default(),
            })
            .collect(),
        ..CheckoutInput::default()
    }
}

fn apply(state: &mut State, op: &Op) -> Result<(), String> {
    let now = datetime!(2026-01-01 0:00 UTC);
    match op {
        Op::Checkout(lines) => {
            let input = input(lines);
            let before = serde_json::to_value(&*state).unwrap();
            let ids = Ids::new(state, &input);
            let counters = state.counters.clone();
            match checkout::commit(state, Mode::Test, &input, &ids, &External::default(), now) {
                Ok(_) => Ok(()),
                Err(_) => {
                    // Only the ids handed out before the commit moved.
                    let mut after = serde_json::to_value(&*state).unwrap();
                    if state.counters != counters {
                        return Err("a refused checkout moved the counters".into());
                    }
                    after["counters"] = before["counters"].clone();
                    if after != before {
                        return Err("a refused checkout changed the state".into());
                    }
                    Ok(())
                }
            }
        }
        Op::PhoneVariants(variants) => {
            let mut seen = Vec::new();
            let variants: Vec<VariantInput> = variants
                .iter()
                .filter(|(s, c, _, _)| {
                    let new = !seen.contains(&(*s, *c));
                    seen.push((*s, *c));
                    new
                })
                .map(|&(s, c, stock, allow)| VariantInput {
                    variation: Some(vec![
                        Variation {
                            name: "Size".into(),
                            option: SIZES[s].into(),
                        },
                        Variation {
                            name: "Color".into(),
                            option: COLORS[c].into(),
                        },
                    ]),
                    stock: Some(stock),
                    allow_out_of_stock_purchases: Some(allow),
                })
                .collect();
            let p = state.test.products.find_mut("AP1").unwrap();
            let update = InventoryInput {
                inventory_management_method: Some("Variant".into()),
                variants: Some(variants),
                ..InventoryInput::default()
            };
            products::update_inventory(p, update, now)
        }
        Op::Single(phone, stock, allow) => {
            let p = state
                .test
                .products
                .find_mut(if *phone { "AP1" } else { "HGW" })
                .unwrap();
            let update = InventoryInput {
                inventory_management_method: Some("single".into()),
                stock: Some(*stock),
                allow_out_of_stock_purchases: Some(*allow),
                ..InventoryInput::default()
            };
            products::update_inventory(p, update, now)
        }
    }
}

fn check(state: &State) -> Result<(), String> {
    state.test.products.check()?;
    state.test.orders.check()?;
    for p in state.test.products.all() {
        match p.inventory_management_method {
            None => {}
            Some(InventoryMethod::Single) => {
                if p.total_stock != p.stock {
                    return Err(format!(
                        "{}: totalStock {:?} ≠ stock {:?}",
                        p.user_defined_id, p.total_stock, p.stock
                    ));
                }
                if p.allow_out_of_stock_purchases != Some(true) && p.stock.unwrap_or(0) < 0 {
                    return Err(format!(
                        "{}: stock {:?} below 0",
                        p.user_defined_id, p.stock
                    ));
                }
            }
            Some(InventoryMethod::Variant) => {
                let variants = p.variants.as_deref().unwrap_or_default();
                let sum: i64 = variants.iter().map(|v| v.stock).sum();
                if p.total_stock != Some(sum) {
                    return Err(format!(
                        "{}: totalStock {:?} ≠ {sum}",
                        p.user_defined_id, p.total_stock
                    ));
                }
                if let Some(v) = variants
                    .iter()
                    .find(|v| !v.allow_out_of_stock_purchases && v.stock < 0)
                {
                    return Err(format!("{}: variant {:?} below 0", p.user_defined_id, v));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn stock_never_goes_below_zero_where_not_allowed(ops in proptest::collection::vec(op(), 1..24)) {
        let mut state = sim_snipcart::fixtures::default_state();
        let mut sold = 0usize;
        for op in &ops {
            let orders = state.test.orders.len();
            apply(&mut state, op).map_err(TestCaseError::fail)?;
            sold += state.test.orders.len() - orders;
            check(&state).map_err(|e| TestCaseError::fail(format!("after {op:?}: {e}")))?;
        }
        // Re-importing what was built passes the whole-state check.
        let mut again: State = serde_json::from_value(serde_json::to_value(&state).unwrap()).unwrap();
        again.validate().map_err(TestCaseError::fail)?;
        prop_assert_eq!(again.test.orders.len(), sold);
    }
}
