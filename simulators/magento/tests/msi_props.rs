//! Properties of the MSI domain (`sim_magento::msi`), driven directly on the seed
//! state: after any sequence of source, stock, link, source-item and reservation
//! operations,
//!
//! - salable quantity and `is_salable` equal reference §7.5 computed naively here;
//! - a failed operation leaves the state exactly as it was;
//! - links and source items only point at existing stocks and sources, without
//!   duplicates, and a sales channel belongs to at most one stock.

use proptest::prelude::*;
use serde_json::json;
use sim_magento::State;
use sim_magento::catalog::Product;
use sim_magento::msi::{
    self, LinkInput, Patch, Reservation, SalesChannelInput, SourceInput, SourceItemInput,
    StockInput,
};

const SKUS: &[&str] = &["tee", "TEE", "cap", "mug", "ghost", " tee"];
const SOURCES: &[&str] = &["default", "ua-warehouse", "us-warehouse", "nowhere", ""];
const STOCKS: &[i64] = &[1, 2, 3, 4, 42];
const WEBSITES: &[&str] = &["base", "admin", "nowhere"];

#[derive(Debug, Clone)]
enum Op {
    SaveItems(Vec<ItemArgs>),
    DeleteItems(Vec<(usize, usize)>),
    SaveLinks(Vec<(usize, usize, i64)>),
    DeleteLinks(Vec<(usize, usize)>),
    EnableSource(usize, bool),
    SaveStock(Option<usize>, bool, Vec<usize>),
    DeleteStock(usize),
    Reserve(usize, usize, i32),
}

type ItemArgs = (usize, usize, Option<i32>, Option<i64>);

/// Mostly valid source items (known SKU, existing source, a quantity, a status), some
/// arbitrary ones to exercise every validation path.
fn item() -> impl Strategy<Value = ItemArgs> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, (-4..40i32).prop_map(Some), (0..2i64).prop_map(Some)),
        1 => (
            0..SKUS.len(),
            0..SOURCES.len(),
            prop::option::weighted(0.8, -4..40i32),
            prop::option::weighted(0.8, 0..3i64),
        ),
    ]
}

/// Mostly valid links (a non-default stock, a non-default source, priority > 0).
fn link() -> impl Strategy<Value = (usize, usize, i64)> {
    prop_oneof![
        3 => (1..4usize, 1..3usize, 1..4i64),
        1 => (0..STOCKS.len(), 0..SOURCES.len(), -1..4i64),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let sku = 0..SKUS.len();
    let source = 0..SOURCES.len();
    let stock = 0..STOCKS.len();
    prop_oneof![
        5 => prop::collection::vec(item(), 0..4).prop_map(Op::SaveItems),
        2 => prop::collection::vec((sku.clone(), source.clone()), 0..3).prop_map(Op::DeleteItems),
        3 => prop::collection::vec(link(), 0..3).prop_map(Op::SaveLinks),
        1 => prop::collection::vec((stock.clone(), source.clone()), 0..3).prop_map(Op::DeleteLinks),
        2 => (source.clone(), prop::bool::weighted(0.7)).prop_map(|(s, e)| Op::EnableSource(s, e)),
        2 => (
            prop::option::weighted(0.4, stock.clone()),
            prop::bool::weighted(0.9),
            prop::collection::vec(0..WEBSITES.len(), 0..3)
        )
            .prop_map(|(id, named, w)| Op::SaveStock(id, named, w)),
        1 => stock.clone().prop_map(Op::DeleteStock),
        2 => (sku, stock, -6..6i32).prop_map(|(k, s, q)| Op::Reserve(k, s, q)),
    ]
}

fn product(id: u64, sku: &str, type_id: &str, stock_item: serde_json::Value) -> Product {
    let mut item = json!({
        "item_id": id, "product_id": id, "stock_id": 1, "qty": 3, "is_in_stock": true,
        "is_qty_decimal": false, "show_default_notification_message": false,
        "use_config_min_qty": true, "min_qty": 0, "use_config_min_sale_qty": 1,
        "min_sale_qty": 1, "use_config_max_sale_qty": true, "max_sale_qty": 10000,
        "use_config_backorders": true, "backorders": 0, "use_config_notify_stock_qty": true,
        "notify_stock_qty": 1, "use_config_qty_increments": true, "qty_increments": 0,
        "use_config_enable_qty_inc": true, "enable_qty_increments": false,
        "use_config_manage_stock": true, "manage_stock": true, "low_stock_date": null,
        "is_decimal_divided": false, "stock_status_changed_auto": 0
    });
    if let (Some(base), Some(extra)) = (item.as_object_mut(), stock_item.as_object()) {
        for (k, v) in extra {
            base.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(json!({
        "id": id, "sku": sku, "attribute_set_id": 4, "status": 1, "visibility": 4,
        "type_id": type_id, "created_at": "2025-07-21 20:49:08",
        "updated_at": "2025-07-21 20:49:08", "stock_item": item
    }))
    .expect("a valid product")
}

/// The seed store plus a product with an out-of-stock threshold, one with backorders
/// and a negative threshold, and a composite one.
fn store(min_qty: i32) -> State {
    let mut s = sim_magento::fixtures::default_state();
    for p in [
        product(
            900,
            "tee",
            "simple",
            json!({"use_config_min_qty": false, "min_qty": min_qty}),
        ),
        product(
            901,
            "cap",
            "virtual",
            json!({"use_config_backorders": false, "backorders": 1,
                   "use_config_min_qty": false, "min_qty": -2}),
        ),
        product(902, "mug", "configurable", json!({})),
    ] {
        s.products.insert(p);
    }
    s
}

fn apply(state: &mut State, op: &Op) -> Result<(), sim_magento::MagentoError> {
    match op {
        Op::SaveItems(items) => msi::save_source_items(
            state,
            items
                .iter()
                .map(|&(k, s, q, st)| SourceItemInput {
                    sku: Some(SKUS[k].to_owned()),
                    source_code: Some(SOURCES[s].to_owned()),
                    quantity: q.map(|q| f64::from(q) / 2.0),
                    status: st,
                })
                .collect(),
        ),
        Op::DeleteItems(items) => msi::delete_source_items(
            state,
            items
                .iter()
                .map(|&(k, s)| SourceItemInput {
                    sku: Some(SKUS[k].to_owned()),
                    source_code: Some(SOURCES[s].to_owned()),
                    ..SourceItemInput::default()
                })
                .collect(),
        ),
        Op::SaveLinks(links) => msi::save_links(
            state,
            links
                .iter()
                .map(|&(k, s, p)| LinkInput {
                    stock_id: Some(STOCKS[k]),
                    source_code: Some(SOURCES[s].to_owned()),
                    priority: Some(p),
                })
                .collect(),
        ),
        Op::DeleteLinks(links) => msi::delete_links(
            state,
            links
                .iter()
                .map(|&(k, s)| LinkInput {
                    stock_id: Some(STOCKS[k]),
                    source_code: Some(SOURCES[s].to_owned()),
                    priority: None,
                })
                .collect(),
        ),
        Op::EnableSource(s, enabled) => msi::save_source(
            state,
            SourceInput {
                source_code: Patch::Set(SOURCES[*s].to_owned()),
                name: Patch::Set(format!("Source {s}")),
                postcode: Patch::Set("00000".into()),
                country_id: Patch::Set("US".into()),
                enabled: Patch::Set(*enabled),
                ..SourceInput::default()
            },
        ),
        Op::SaveStock(id, named, websites) => msi::save_stock(
            state,
            StockInput {
                stock_id: id.map(|k| STOCKS[k]),
                name: if *named {
                    Patch::Set("Stock".into())
                } else {
                    Patch::Keep
                },
                sales_channels: websites
                    .iter()
                    .map(|&w| SalesChannelInput {
                        kind: Some("website".into()),
                        code: Some(WEBSITES[w].into()),
                    })
                    .collect(),
            },
        )
        .map(|_| ()),
        Op::DeleteStock(k) => msi::delete_stock(state, STOCKS[*k]),
        Op::Reserve(k, s, q) => {
            let Ok(stock_id) = u64::try_from(STOCKS[*s]) else {
                return Ok(());
            };
            let id = state.next.reservation_id;
            state.next.reservation_id += 1;
            state.reservations.push(Reservation {
                reservation_id: id,
                stock_id,
                sku: SKUS[*k].to_owned(),
                quantity: f64::from(*q),
                metadata: "{}".into(),
            });
            Ok(())
        }
    }
}

/// Reference §7.5, written out plainly: `Err(status)` for the endpoint's errors.
fn naive_salable(state: &State, sku: &str, stock_id: i64) -> Result<(f64, bool), u16> {
    let product = state
        .products
        .values()
        .find(|p| p.sku.to_lowercase() == sku.to_lowercase())
        .ok_or(404u16)?;
    if !["simple", "virtual", "downloadable", "giftcard"].contains(&product.type_id.as_str()) {
        return Err(400);
    }
    let mut enabled_linked = Vec::new();
    for link in &state.stock_source_links {
        if i64::try_from(link.stock_id) == Ok(stock_id) {
            for source in &state.sources {
                if source.source_code == link.source_code && source.enabled {
                    enabled_linked.push(source.source_code.clone());
                }
            }
        }
    }
    let mut physical = 0.0;
    let mut any_item = false;
    let mut any_in_stock = false;
    for item in &state.source_items {
        if item.sku.to_lowercase() == sku.to_lowercase()
            && enabled_linked.contains(&item.source_code)
        {
            any_item = true;
            if item.status == 1 {
                physical += item.quantity;
                any_in_stock = true;
            }
        }
    }
    if !any_item {
        return Ok((0.0, false));
    }
    let mut reserved = 0.0;
    for r in &state.reservations {
        if i64::try_from(r.stock_id) == Ok(stock_id) && r.sku.to_lowercase() == sku.to_lowercase() {
            reserved += r.quantity;
        }
    }
    let si = &product.stock_item;
    let min_qty = if si.use_config_min_qty {
        0.0
    } else {
        si.min_qty
    };
    let manage = si.use_config_manage_stock || si.manage_stock;
    let backorders = if si.use_config_backorders {
        0
    } else {
        si.backorders
    };
    let salable = !manage
        || physical + reserved - min_qty > 0.0
        || (backorders != 0 && (min_qty >= 0.0 || si.qty > min_qty) && any_in_stock);
    if salable {
        Ok((physical + reserved - min_qty, true))
    } else {
        Ok((0.0, false))
    }
}

fn check_invariants(state: &State) -> Result<(), TestCaseError> {
    let indexes = state.check_indexes();
    prop_assert!(indexes.is_ok(), "{indexes:?}");
    for (i, l) in state.stock_source_links.iter().enumerate() {
        prop_assert!(
            state.stocks.contains_key(&l.stock_id),
            "link to missing stock {l:?}"
        );
        prop_assert!(
            state.sources.iter().any(|s| s.source_code == l.source_code),
            "link to missing source {l:?}"
        );
        prop_assert!(l.priority > 0);
        prop_assert!(
            !state.stock_source_links[i + 1..]
                .iter()
                .any(|o| o.stock_id == l.stock_id && o.source_code == l.source_code),
            "duplicate link {l:?}"
        );
    }
    let source_items: Vec<_> = state.source_items.iter().collect();
    for (i, item) in source_items.iter().enumerate() {
        prop_assert!(
            state
                .sources
                .iter()
                .any(|s| s.source_code == item.source_code)
        );
        prop_assert!(item.status <= 1);
        prop_assert!(
            !source_items[i + 1..].iter().any(|o| o.source_code == item.source_code
                && o.sku.eq_ignore_ascii_case(&item.sku)),
            "duplicate source item {item:?}"
        );
    }
    let mut channels: Vec<_> = state
        .stocks
        .values()
        .flat_map(|s| s.sales_channels.iter())
        .collect();
    let total = channels.len();
    channels.sort();
    channels.dedup();
    prop_assert_eq!(channels.len(), total, "a sales channel on two stocks");
    prop_assert!(state.stocks.contains_key(&msi::DEFAULT_STOCK));
    prop_assert!(
        state
            .sources
            .iter()
            .any(|s| s.source_code == msi::DEFAULT_SOURCE && s.enabled)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn salable_quantity_follows_the_formula_and_failures_change_nothing(
        min_qty in -2..4i32,
        ops in prop::collection::vec(op(), 1..24),
    ) {
        let mut state = store(min_qty);
        for op in &ops {
            let before = state.clone();
            if apply(&mut state, op).is_err() {
                prop_assert_eq!(&state, &before, "failed {:?} changed the state", op);
            }
            check_invariants(&state)?;
            for sku in SKUS {
                for &stock in STOCKS {
                    let want = naive_salable(&state, sku, stock);
                    let got = msi::salable_qty(&state, sku, stock).map_err(|e| e.status.as_u16());
                    match (&got, &want) {
                        (Ok(g), Ok((w, _))) => prop_assert!(
                            (g - w).abs() < 1e-9,
                            "salable {sku}/{stock}: got {g}, want {w} after {op:?}"
                        ),
                        _ => prop_assert_eq!(
                            got.as_ref().err(),
                            want.as_ref().err(),
                            "salable {}/{} after {:?}", sku, stock, op
                        ),
                    }
                    match want {
                        Ok((_, salable)) => {
                            prop_assert_eq!(msi::is_salable(&state, sku, stock), salable);
                        }
                        Err(404) => prop_assert!(!msi::is_salable(&state, sku, stock)),
                        Err(_) => {}
                    }
                }
            }
        }
    }
}
