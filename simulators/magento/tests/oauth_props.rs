//! Property: a request signed by the integration with the client signer
//! (`oauth1-client`) verifies with the verifier (`sim-oauth1`, Magento's policy), and
//! changing any single byte of what is signed (method, path, query, an `oauth_*` header
//! parameter) makes Magento refuse it. The two share no code, so the property also
//! checks that they agree. The verifier runs directly (no HTTP), on a fresh nonce
//! store for each case so only the mutation can fail it.

use std::collections::HashSet;

use oauth1_client::{SignatureMethod, Signer};
use proptest::prelude::*;
use sim_magento::auth::oauth::{OAuthRequest, Policy, policy, verify};

mod oauth_store;
use oauth_store::Credentials;

const CK: &str = "0uhhig77uio82511tzfvv3ffidovtmif";
const CS: &str = "c4rts1mc0nsum3rs3cr3t0000000001a";
const AT: &str = "pr1medk9ow89uad71fm9rwrirvq0vy5v";
const TS: &str = "c4rts1mt0k3ns3cr3t00000000000001";
const NOW: i64 = 1_753_130_948;

/// The integration these tests sign as.
const CREDENTIALS: Credentials = Credentials {
    ck: CK,
    cs: CS,
    at: AT,
    ts: TS,
};

fn signer(method: SignatureMethod) -> Signer {
    CREDENTIALS.signer(method)
}

/// Magento before 2.4.4: both HMAC methods.
fn magento_policy() -> Policy {
    policy(true, 600)
}

fn check(method: &str, path: &str, query: &str, auth: &str) -> bool {
    let req = OAuthRequest {
        method,
        scheme: "http",
        host: "www.stores.local",
        path,
        query: (!query.is_empty()).then_some(query),
        authorization: Some(auth),
        content_type: Some("application/json"),
        body: b"{\"product\":{}}",
    };
    verify(&req, &mut CREDENTIALS.store(), NOW, &magento_policy()).is_ok()
}

/// Replaces the byte at `at` (modulo the length) by a different alphanumeric byte, so
/// the text stays well-formed and the change cannot be an equivalent encoding.
fn mutate(text: &str, at: usize, with: u8) -> Option<String> {
    let positions: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_alphanumeric())
        .map(|(i, _)| i)
        .collect();
    let i = *positions.get(at % positions.len().max(1))?;
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = text.as_bytes().to_vec();
    let mut b = alphabet[usize::from(with) % alphabet.len()];
    if b == bytes[i] || b.eq_ignore_ascii_case(&bytes[i]) {
        b = if bytes[i] == b'q' { b'z' } else { b'q' };
    }
    bytes[i] = b;
    String::from_utf8(bytes).ok()
}

/// The value of `name` in an OAuth header, and the header with that value replaced.
fn with_param(auth: &str, name: &str, f: impl Fn(&str) -> Option<String>) -> Option<String> {
    let start = auth.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + auth[start..].find('"')?;
    let new = f(&auth[start..end])?;
    Some(format!("{}{}{}", &auth[..start], new, &auth[end..]))
}

fn segment() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,12}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_single_change_to_a_signed_request_is_refused(
        sha1 in any::<bool>(),
        method_index in 0usize..4,
        segments in prop::collection::vec(segment(), 1..4),
        query in prop::collection::vec(("[a-z]{1,6}", "[a-z0-9]{0,8}"), 0..4),
        nonce in "[a-z0-9]{8,32}",
        target in 0usize..7,
        at in any::<usize>(),
        with in any::<u8>(),
    ) {
        let method = ["GET", "POST", "PUT", "DELETE"][method_index];
        let path = format!("/magento-2.4.0/rest/V1/{}", segments.join("/"));
        // Distinct names: a repeated name is signed only once (last wins), so a
        // change to the earlier value would go unnoticed by design.
        let mut seen = HashSet::new();
        let query: Vec<_> = query.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
        let query = query
            .iter()
            .map(|(k, v)| format!("searchCriteria[{k}]={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let url = if query.is_empty() {
            format!("http://www.stores.local{path}")
        } else {
            format!("http://www.stores.local{path}?{query}")
        };
        let kind = if sha1 { SignatureMethod::HmacSha1 } else { SignatureMethod::HmacSha256 };
        let auth = signer(kind).authorization(method, &url, None, &nonce, NOW);
        prop_assert!(check(method, &path, &query, &auth), "the unmodified request verifies: {auth}");

        let (m, p, q, a) = match target {
            0 => {
                let other = ["GET", "POST", "PUT", "DELETE"][(method_index + 1 + at % 3) % 4];
                (other.to_owned(), path.clone(), query.clone(), auth.clone())
            }
            1 => (method.to_owned(), mutate(&path, at, with).unwrap_or_default(), query.clone(), auth.clone()),
            2 if !query.is_empty() => (method.to_owned(), path.clone(), mutate(&query, at, with).unwrap_or_default(), auth.clone()),
            3 => (method.to_owned(), path.clone(), query.clone(), with_param(&auth, "oauth_nonce", |v| mutate(v, at, with)).unwrap_or_default()),
            4 => (method.to_owned(), path.clone(), query.clone(), with_param(&auth, "oauth_timestamp", |v| {
                // Another timestamp that is still acceptable (in the past).
                let t: i64 = v.parse().ok()?;
                Some((t - 1 - (at % 1000) as i64).to_string())
            }).unwrap_or_default()),
            5 => (method.to_owned(), path.clone(), query.clone(), with_param(&auth, "oauth_signature", |v| mutate(v, at, with)).unwrap_or_default()),
            _ => (method.to_owned(), path.clone(), query.clone(), with_param(&auth, "oauth_version", |_| Some("1.1".into())).unwrap_or_default()),
        };
        if target == 2 && query.is_empty() {
            return Ok(());
        }
        prop_assert!(!check(&m, &p, &q, &a), "a changed request verified: {m} {p} ? {q} / {a}");
    }
}
