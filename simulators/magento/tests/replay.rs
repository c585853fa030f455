//! Conformance replay: the seed trace's 12 requests (real Magento 2.4.0 traffic,
//! `fixtures/magento/transcripts/seed-000.json`) against a fresh fake whose manual clock
//! follows the trace's own `Date` headers. Every response must equal the recorded one
//! as JSON (`replay`'s exact comparison, shared by every platform); `updated_at` may
//! differ by the two seconds the trace itself shows passing between the clock and the
//! response.
//!
//! The recorded signatures were made with the real store's secrets, which nobody
//! knows: each request is re-signed with the fixture's secrets, keeping its recorded
//! nonce, timestamp, Host and path, so the signature base string is the real one.

use std::net::SocketAddr;

use replay::{Fidelity, Report, Transcript};
use serde_json::Value;
use sim_core::{Clock, CoreConfig};
use sim_magento::oauth1_client::{SignatureMethod, Signer};
use sim_magento::{MagentoSim, Options};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc2822;

const TRANSCRIPT: &str = include_str!("../../../fixtures/magento/transcripts/seed-000.json");

fn oauth_param<'a>(header: &'a str, name: &str) -> &'a str {
    header
        .split(',')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().trim_start_matches("OAuth ").trim() == name)
        .map(|(_, v)| v.trim_matches('"'))
        .unwrap_or_else(|| panic!("no {name} in {header}"))
}

fn parse_date(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(&text.replace(" GMT", " +0000"), &Rfc2822)
        .unwrap_or_else(|e| panic!("date {text:?}: {e}"))
}

/// Magento's tolerance: `updated_at` values may be up to 2 s apart.
fn updated_at_within_2s(
    path: &str,
    key: &str,
    got: &Value,
    want: &Value,
) -> Option<Result<(), String>> {
    if key != "updated_at" {
        return None;
    }
    let (a, b) = (got.as_str().unwrap_or(""), want.as_str().unwrap_or(""));
    let ta = sim_magento::dates::parse_db_time(a);
    let tb = sim_magento::dates::parse_db_time(b);
    Some(match (ta, tb) {
        (Some(x), Some(y)) if (x - y).whole_seconds().abs() <= 2 => Ok(()),
        _ => Err(format!("{path}: got {a:?}, want {b:?}")),
    })
}

#[tokio::test]
async fn the_seed_trace_replays_exactly() {
    let transcript = Transcript::parse(TRANSCRIPT);
    assert_eq!(transcript.responses, Fidelity::Exact, "real traffic");
    let exchanges = &transcript.exchanges;
    assert_eq!(exchanges.len(), 12);
    let first_date = exchanges[0].response.date.as_deref().expect("date");

    let sim = MagentoSim::start_with(
        CoreConfig {
            clock: Clock::manual(parse_date(first_date)),
            ..CoreConfig::default()
        },
        sim_magento::fixtures::default_state(),
        Options::with_base_path(transcript.base_path.as_deref().expect("base_path")),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts");
    let creds = sim.signer();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");

    let mut report = Report::default();
    for (n, ex) in exchanges.iter().enumerate() {
        let req = &ex.request;
        let method = req.method.as_str();
        let target = req.target.as_str();
        let host = req.header("host").expect("Host");
        let recorded_auth = req.header("authorization").expect("Authorization");
        let signer = Signer {
            method: SignatureMethod::HmacSha256,
            ..creds.clone()
        };
        assert_eq!(
            oauth_param(recorded_auth, "oauth_consumer_key"),
            signer.consumer_key
        );
        assert_eq!(oauth_param(recorded_auth, "oauth_token"), signer.token);
        let auth = signer.authorization(
            method,
            &format!("http://{host}{target}"),
            None,
            oauth_param(recorded_auth, "oauth_nonce"),
            oauth_param(recorded_auth, "oauth_timestamp")
                .parse()
                .expect("timestamp"),
        );

        sim.core()
            .clock
            .set(parse_date(ex.response.date.as_deref().expect("date")));
        let mut builder = client
            .request(
                method.parse().expect("method"),
                format!("{}{target}", sim.base_url()),
            )
            .header("Host", host)
            .header("Authorization", auth);
        for name in ["accept", "content-type"] {
            if let Some(v) = req.header(name) {
                builder = builder.header(name, v);
            }
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
            &updated_at_within_2s,
        );
    }
    report.assert_clean();
}
