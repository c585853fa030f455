//! Conformance replay: the seed trace's 12 requests (real Magento 2.4.0 traffic,
//! `fixtures/magento/transcripts/seed-000.json`) against a fresh fake whose manual clock
//! follows the trace's own `Date` headers. Every response must equal the recorded one
//! as JSON; `updated_at` may differ by the two seconds the trace itself shows passing
//! between the clock and the response.
//!
//! The recorded signatures were made with the real store's secrets, which nobody
//! knows: each request is re-signed with the fixture's secrets, keeping its recorded
//! nonce, timestamp, Host and path, so the signature base string is the real one.

use std::net::SocketAddr;

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

/// Equal as JSON, except `updated_at` values, which may be up to 2 s apart.
fn same(path: &str, got: &Value, want: &Value, diffs: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for k in g.keys().chain(w.keys().filter(|k| !g.contains_key(*k))) {
                let here = format!("{path}/{k}");
                match (g.get(k), w.get(k)) {
                    (Some(a), Some(b)) if k == "updated_at" => {
                        let (a, b) = (a.as_str().unwrap_or(""), b.as_str().unwrap_or(""));
                        let ta = sim_magento::dates::parse_db_time(a);
                        let tb = sim_magento::dates::parse_db_time(b);
                        match (ta, tb) {
                            (Some(x), Some(y)) if (x - y).whole_seconds().abs() <= 2 => {}
                            _ => diffs.push(format!("{here}: got {a:?}, want {b:?}")),
                        }
                    }
                    (Some(a), Some(b)) => same(&here, a, b, diffs),
                    (Some(a), None) => diffs.push(format!("{here}: unexpected {a}")),
                    (None, Some(b)) => diffs.push(format!("{here}: missing, want {b}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (a, b)) in g.iter().zip(w).enumerate() {
                same(&format!("{path}/{i}"), a, b, diffs);
            }
        }
        (a, b) if a == b => {}
        (a, b) => diffs.push(format!("{path}: got {a}, want {b}")),
    }
}

#[tokio::test]
async fn the_seed_trace_replays_exactly() {
    let transcript: Value = serde_json::from_str(TRANSCRIPT).expect("transcript JSON");
    let exchanges = transcript["exchanges"].as_array().expect("exchanges");
    assert_eq!(exchanges.len(), 12);
    let first_date = exchanges[0]["response"]["date"].as_str().expect("date");

    let sim = MagentoSim::start_with(
        CoreConfig {
            clock: Clock::manual(parse_date(first_date)),
            ..CoreConfig::default()
        },
        sim_magento::fixtures::default_state(),
        Options::with_base_path(transcript["base_path"].as_str().expect("base_path")),
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .await
    .expect("simulator starts");
    let creds = sim.signer();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");

    let mut failures = Vec::new();
    for (n, ex) in exchanges.iter().enumerate() {
        let req = &ex["request"];
        let method = req["method"].as_str().expect("method");
        let target = req["target"].as_str().expect("target");
        let headers: Vec<(String, String)> = req["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap_or_default().to_owned(),
                    h[1].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let host = header("host").expect("Host");
        let recorded_auth = header("authorization").expect("Authorization");
        let signer = Signer {
            method: SignatureMethod::HmacSha256,
            ..creds.clone()
        };
        assert_eq!(
            oauth_param(&recorded_auth, "oauth_consumer_key"),
            signer.consumer_key
        );
        assert_eq!(oauth_param(&recorded_auth, "oauth_token"), signer.token);
        let auth = signer.authorization(
            method,
            &format!("http://{host}{target}"),
            None,
            oauth_param(&recorded_auth, "oauth_nonce"),
            oauth_param(&recorded_auth, "oauth_timestamp")
                .parse()
                .expect("timestamp"),
        );

        sim.core()
            .clock
            .set(parse_date(ex["response"]["date"].as_str().expect("date")));
        let mut builder = client
            .request(
                method.parse().expect("method"),
                format!("{}{target}", sim.base_url()),
            )
            .header("Host", &host)
            .header("Authorization", auth);
        for name in ["accept", "content-type"] {
            if let Some(v) = header(name) {
                builder = builder.header(name, v);
            }
        }
        if let Some(body) = req["body"].as_str() {
            builder = builder.body(body.to_owned());
        }
        let resp = builder.send().await.expect("response");
        let status = resp.status().as_u16();
        let body: Value = resp.json().await.expect("JSON response");
        let want = &ex["response"];
        if status != want["status"].as_u64().unwrap_or(0) as u16 {
            failures.push(format!("#{n} {method} {target}: status {status}: {body}"));
            continue;
        }
        let mut diffs = Vec::new();
        same("", &body, &want["body"], &mut diffs);
        if !diffs.is_empty() {
            failures.push(format!("#{n} {method} {target}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "replay differs:\n{}",
        failures.join("\n")
    );
}
