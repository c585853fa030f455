//! Conformance replay of the seed's documentation examples (`fixtures/snipcart/
//! transcripts/seed-002.json`: list, get, inventory PUT, archive) against a fresh fake,
//! through `replay`'s comparison shared by every platform. Documentation examples
//! leave keys out, so the transcript says per exchange whether the answer must match
//! exactly or only on the recorded keys; its `notes` list the edits made to fit the
//! fixture.

use std::net::SocketAddr;

use replay::{Fidelity, Report, Transcript};
use serde_json::Value;
use sim_core::{Clock, CoreConfig};
use sim_snipcart::SnipcartSim;
use time::macros::datetime;

const TRANSCRIPT: &str = include_str!("../../../fixtures/snipcart/transcripts/seed-002.json");

#[tokio::test]
async fn the_seed_examples_replay() {
    let transcript = Transcript::parse(TRANSCRIPT);
    assert_eq!(transcript.exchanges.len(), 4);
    assert!(transcript.notes.is_some(), "the edits are written down");
    assert!(
        transcript
            .exchanges
            .iter()
            .any(|ex| transcript.fidelity(ex) == Fidelity::Exact),
        "complete examples compare exactly"
    );
    let sim = SnipcartSim::start_with(
        CoreConfig {
            clock: Clock::manual(datetime!(2026-01-01 0:00 UTC)),
            ..CoreConfig::default()
        },
        sim_snipcart::fixtures::default_state(),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts");
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .no_proxy()
        .build()
        .expect("client");

    let mut report = Report::default();
    for (n, ex) in transcript.exchanges.iter().enumerate() {
        if let Some(at) = &ex.clock {
            let at = sim_snipcart::dates::parse(at).expect("clock instant");
            sim.core().clock.set(at);
        }
        let req = &ex.request;
        let mut builder = client
            .request(
                req.method.parse().expect("method"),
                format!("{}{}", sim.base_url(), req.target),
            )
            .basic_auth(sim.test_key(), Some(""));
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let resp = builder.send().await.expect("response");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("JSON response");
        report.check(
            n,
            ex,
            transcript.fidelity(ex),
            status,
            &body,
            &replay::no_tolerance,
        );
    }
    report.assert_clean();

    // The replay did what the examples say: AP1 is archived with Single stock 20.
    let state = sim.snipcart().snapshot();
    let ap1 = state.test.products.find("AP1").expect("AP1");
    assert!(ap1.archived);
    assert_eq!(ap1.total_stock, Some(20));
}
