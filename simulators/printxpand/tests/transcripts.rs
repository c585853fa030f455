//! Every REQUEST/RESPONSE example of the seed (`fixtures/printxpand/transcripts/seed-003.json`)
//! replayed through `batch::process`, each on a fresh fixture store after the exchanges
//! its `after` field lists (see the transcript's notes).

const SEED_003: &str = include_str!("../../../fixtures/printxpand/transcripts/seed-003.json");

use replay::{Report, Transcript, no_tolerance};
use serde_json::Value;
use sim_printxpand::{Kind, State, fixture, process};

/// `/rest/V1/customer/create/` and `/V1/customer/create` → `CustomerCreate`.
fn kind(target: &str) -> Kind {
    let path = target.strip_prefix("/rest").unwrap_or(target);
    let path = path
        .strip_prefix("/V1/")
        .unwrap_or_else(|| panic!("target {target}"));
    Kind::from_path(path.trim_end_matches('/')).unwrap_or_else(|| panic!("target {target}"))
}

fn send(state: &mut State, ex: &replay::Exchange) -> (u16, Value) {
    let body: Value = serde_json::from_str(ex.request.body.as_deref().unwrap_or("")).unwrap();
    let answer = process(state, kind(&ex.request.target), &body).unwrap();
    (answer.status, answer.body)
}

#[test]
fn every_example_of_the_seed_answers_as_the_seed_shows() {
    let t = Transcript::parse(SEED_003);
    assert_eq!(t.exchanges.len(), 25, "the seed has 25 examples");
    let mut report = Report::default();
    for (n, ex) in t.exchanges.iter().enumerate() {
        let mut state = fixture();
        for &before in &ex.after {
            assert!(before < n, "#{n} is replayed after a later exchange");
            let earlier = &t.exchanges[before];
            let (status, body) = send(&mut state, earlier);
            report.check(
                before,
                earlier,
                t.fidelity(earlier),
                status,
                &body,
                &no_tolerance,
            );
        }
        let (status, body) = send(&mut state, ex);
        report.check(n, ex, t.fidelity(ex), status, &body, &no_tolerance);
        // What the store says afterwards is its own test below; here the answer's ids
        // keep the order and JSON types they were sent in.
    }
    report.assert_clean();
}

#[test]
fn the_fixture_holds_what_the_examples_need_and_not_what_they_create() {
    let s = fixture();
    for id in ["1234001", "1234517", "1002"] {
        assert!(s.customers().contains(id), "customer {id}");
    }
    assert!(!s.customers().contains("123456"));
    for id in ["1001", "1002", "102", "10001"] {
        assert!(s.categories().contains(id), "category {id}");
    }
    assert!(!s.categories().contains("101") && !s.categories().contains("103"));
    assert!(!s.products().contains("10001") && s.products().contains("10004"));
    assert_eq!(s.orders().len(), 5);
}
