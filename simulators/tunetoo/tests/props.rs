//! Property tests (issue 10): any single-byte change to a signed body is refused; any
//! sequence of lifecycle drivers only yields the lifecycle's transitions, every status
//! change emits exactly one `order_change_status` (and nothing else does), and a refused
//! driver changes nothing.

use proptest::prelude::*;
use sim_tunetoo::auth;
use sim_tunetoo::fixtures;
use sim_tunetoo::orders::OrderInput;
use sim_tunetoo::state::{EventKind, State, Status, Tracking};
use time::OffsetDateTime;
use time::macros::datetime;

const SECRET: &str = "bc69152203689725a73fc45example";
const T0: OffsetDateTime = datetime!(2026-06-22 09:30:00 UTC);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_single_byte_change_to_a_signed_body_is_refused(
        body in proptest::collection::vec(any::<u8>(), 1..400),
        at in any::<prop::sample::Index>(),
        to in any::<u8>(),
    ) {
        let signature = auth::sign(SECRET, &body);
        prop_assert!(auth::verify(SECRET, &body, &signature));
        let i = at.index(body.len());
        prop_assume!(body[i] != to);
        let mut changed = body.clone();
        changed[i] = to;
        prop_assert!(!auth::verify(SECRET, &changed, &signature));
    }
}

/// One `/__sim/` driver.
#[derive(Debug, Clone)]
enum Driver {
    Pay(usize),
    /// Ship `n` of the first unshipped item of the order (0: everything left).
    Fulfil(usize, i64),
    Cancel(usize),
}

fn driver() -> impl Strategy<Value = Driver> {
    prop_oneof![
        (0..3usize).prop_map(Driver::Pay),
        (0..3usize, 0..4i64).prop_map(|(o, n)| Driver::Fulfil(o, n)),
        (0..3usize).prop_map(Driver::Cancel),
    ]
}

const ORDER: &str = r#"{"shipping_address":{"first_name":"A","last_name":"B","address1":"1 rue","city":"Paris","country_code":"FR","zip":"75001"},
  "items":[{"sku_base":"TSH180_856_M","quantity":2,"files":[{"zone":"front","type":"image","value":"https://x.example/a.png","collar_distance":"3"}]},
           {"sku_base":"TSH180_856_XL","quantity":1,"files":[{"zone":"back","type":"image","value":"https://x.example/b.png","collar_distance":"4"}]}]}"#;

fn store_with_three_orders() -> (State, Vec<u64>) {
    let mut state = fixtures::default_state();
    let ids = (0..3)
        .map(|_| {
            let input = OrderInput::bind(ORDER.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            state
                .create_order(1, input, T0)
                .unwrap_or_else(|e| panic!("{e}"))
                .0
        })
        .collect();
    (state, ids)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn drivers_only_make_the_lifecycles_transitions_each_announced_once(
        drivers in proptest::collection::vec(driver(), 1..25),
    ) {
        let (mut state, ids) = store_with_three_orders();
        for d in drivers {
            {
                let before = state.clone();
                let (id, result) = match d {
                    Driver::Pay(o) => (ids[o], state.pay(ids[o], T0)),
                    Driver::Cancel(o) => (ids[o], state.cancel(ids[o], T0)),
                    Driver::Fulfil(o, n) => {
                        let id = ids[o];
                        let order = state.any_order(id).cloned();
                        let quantities: Vec<(u64, i64)> = match (order, n) {
                            (Ok(_), 0) | (Err(_), _) => Vec::new(),
                            (Ok(order), n) => order
                                .items
                                .iter()
                                .find(|i| order.shipped(i.id) < i.quantity)
                                .map(|i| vec![(i.id, n)])
                                .unwrap_or_default(),
                        };
                        (id, state.fulfil(id, &quantities, Tracking::made_up(id), T0))
                    }
                };
                let was = before.any_order(id).map(|o| o.status).unwrap_or(Status::Cancelled);
                let now = state.any_order(id).map(|o| o.status).unwrap_or(Status::Cancelled);
                match &result {
                    Err(_) => prop_assert!(state == before, "a refused driver changed the state"),
                    Ok(events) => {
                        let changes = events
                            .iter()
                            .filter(|e| e.kind == EventKind::OrderChangeStatus)
                            .count();
                        if was == now {
                            prop_assert_eq!(changes, 0, "no status change, no announcement");
                            prop_assert_eq!(now, Status::PartiallyFulfilled);
                        } else {
                            prop_assert!(was.allows(now), "{:?} → {:?}", was, now);
                            prop_assert_eq!(changes, 1);
                            let announced = events
                                .iter()
                                .find(|e| e.kind == EventKind::OrderChangeStatus)
                                .map(|e| e.body["status"].clone());
                            prop_assert_eq!(announced, Some(serde_json::json!(now.as_str())));
                        }
                    }
                }
            }
        }
        // The status index agrees with the orders.
        for st in [Status::AwaitingPayment, Status::InProcess, Status::PartiallyFulfilled, Status::Fulfilled, Status::Cancelled] {
            let indexed: Vec<u64> = state.orders(1, Some(T0.date()), Some(st)).iter().map(|o| o.id).collect();
            let scanned: Vec<u64> = state.orders(1, None, None).iter().filter(|o| o.status == st).map(|o| o.id).collect();
            prop_assert_eq!(indexed, scanned);
        }
        // Stock adds up: what is not cancelled is taken.
        let taken: i64 = ids
            .iter()
            .filter_map(|id| state.any_order(*id).ok())
            .filter(|o| o.status != Status::Cancelled)
            .map(|o| o.items[0].quantity)
            .sum();
        prop_assert_eq!(state.stock("TSH180_856_M"), 1000 - taken);
    }
}
